/* diagrams_graph.c - a picture as the views build it (graph.h): nodes,
 * edges and clusters in the order given, sorted before layout, its cost
 * against the layout budget, and what its nodes and edges stand for in
 * the legend.  No Graphviz here: diagrams_render.c lays the graph out.
 */
#include "topoc/graph.h"

#include <stdlib.h>
#include <string.h>

void pic_init(Graph *g, Arena *a, const char *title)
{
    memset(g, 0, sizeof *g);
    g->a = a;
    g->title = title;
    g->legend = true;
}

GNode *pic_node(Graph *g, const char *id, const char *label)
{
    if (g->nnodes == g->capnodes) {
        int cap = g->capnodes ? g->capnodes * 2 : 32;
        g->nodes = arena_grow(g->a, g->nodes, (size_t)g->nnodes, (size_t)cap,
                              sizeof *g->nodes);
        g->capnodes = cap;
    }
    GNode *n = &g->nodes[g->nnodes];
    memset(n, 0, sizeof *n);
    n->seq = g->nnodes++;
    n->id = id;
    n->label = label;
    return n;
}

GEdge *pic_edge(Graph *g, const char *from, const char *to)
{
    if (g->nedges == g->capedges) {
        int cap = g->capedges ? g->capedges * 2 : 32;
        g->edges = arena_grow(g->a, g->edges, (size_t)g->nedges, (size_t)cap,
                              sizeof *g->edges);
        g->capedges = cap;
    }
    GEdge *e = &g->edges[g->nedges];
    memset(e, 0, sizeof *e);
    e->seq = g->nedges++;
    e->from = from;
    e->to = to;
    return e;
}

GCluster *pic_cluster(Graph *g, const char *id, const char *label,
                      const char *parent)
{
    if (g->nclusters == g->capclusters) {
        int cap = g->capclusters ? g->capclusters * 2 : 8;
        g->clusters = arena_grow(g->a, g->clusters, (size_t)g->nclusters,
                                 (size_t)cap, sizeof *g->clusters);
        g->capclusters = cap;
    }
    GCluster *c = &g->clusters[g->nclusters++];
    memset(c, 0, sizeof *c);
    c->id = id;
    c->label = label;
    c->parent = parent;
    return c;
}

bool pic_has_node(const Graph *g, const char *id)
{
    for (int i = 0; i < g->nnodes; i++)
        if (strcmp(g->nodes[i].id, id) == 0)
            return true;
    return false;
}

/* Total orders (ties broken by creation order): qsort is not stable. */
GEdge *pic_find_edge(Graph *g, const char *from, const char *to)
{
    for (int i = 0; i < g->nedges; i++)
        if (strcmp(g->edges[i].from, from) == 0 &&
            strcmp(g->edges[i].to, to) == 0)
            return &g->edges[i];
    return NULL;
}

static int node_cmp(const void *a, const void *b)
{
    const GNode *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static int edge_cmp(const void *a, const void *b)
{
    const GEdge *x = a, *y = b;
    int c = strcmp(x->from, y->from);
    if (!c)
        c = strcmp(x->to, y->to);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

void pic_sort(Graph *g)
{
    if (g->nnodes > 1)
        qsort(g->nodes, (size_t)g->nnodes, sizeof *g->nodes, node_cmp);
    if (g->nedges > 1)
        qsort(g->edges, (size_t)g->nedges, sizeof *g->edges, edge_cmp);
}

int pic_cost(const Graph *g)
{
    int cost = g->nnodes + 2 * g->nedges;
    for (int i = 0; i < g->nedges; i++)
        if (g->edges[i].label && g->edges[i].label[0])
            cost += 6;
    return cost;
}

/* ---- ranks dot can lay out ---- */

/* An edge joining two nodes of one rank=same group is "flat".  dot 2.43
 * loops for ever in mincross (flat_rev) when flat edges make a cycle (a
 * service and its caller calling each other in one column), and frees a
 * labelled flat edge twice inside a cluster.  So, taking the edges in
 * order, one that would be labelled and flat, or close a cycle of flat
 * edges, leaves its head out of the rank: dot places the head after its
 * tail as for any other edge.  The views choose the ranks; this holds
 * whatever they choose. */
static int node_index(const Graph *g, const char *id)
{
    int lo = 0, hi = g->nnodes;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2, c = strcmp(g->nodes[mid].id, id);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

typedef struct Flat {
    int (*edge)[2]; /* the flat edges kept: node indexes, tail and head */
    int n;
    const char **rank;
    bool *seen;
} Flat;

/* Whether the flat edges kept lead from node a to node b (both still in
 * one rank: a head taken out since no longer joins it). */
static bool flat_path(Flat *f, int a, int b)
{
    if (a == b)
        return true;
    f->seen[a] = true;
    for (int i = 0; i < f->n; i++) {
        int t = f->edge[i][0], h = f->edge[i][1];
        if (t == a && f->rank[h] && !f->seen[h] && flat_path(f, h, b))
            return true;
    }
    return false;
}

const char **pic_dot_ranks(const Graph *g)
{
    size_t n = (size_t)g->nnodes + 1;
    Flat f = {.edge = xmalloc(((size_t)g->nedges + 1) * sizeof *f.edge),
              .rank = xmalloc(n * sizeof *f.rank),
              .seen = xmalloc(n * sizeof *f.seen)};
    for (int i = 0; i < g->nnodes; i++)
        f.rank[i] = g->nodes[i].rank;
    for (int i = 0; i < g->nedges; i++) {
        const GEdge *e = &g->edges[i];
        int a = node_index(g, e->from), b = node_index(g, e->to);
        if (a < 0 || b < 0 || a == b || !f.rank[a] || !f.rank[b] ||
            strcmp(f.rank[a], f.rank[b]) != 0)
            continue;
        memset(f.seen, 0, n * sizeof *f.seen);
        if ((e->label && e->label[0]) || flat_path(&f, b, a)) {
            f.rank[b] = NULL;
            continue;
        }
        f.edge[f.n][0] = a;
        f.edge[f.n++][1] = b;
    }
    free(f.edge);
    free(f.seen);
    return f.rank;
}

/* ---- what the legend says a node or an edge stands for ---- */

static bool is(const char *s, const char *want)
{
    return s && strcmp(s, want) == 0;
}

unsigned pic_legend_node(const GNode *n)
{
    unsigned red = n->red ? LEG_FINDING : 0;
    if (n->legend)
        return n->legend | red;
    static const struct {
        const char *shape;
        unsigned bit;
    } looks[] = {{"hexagon", LEG_WAF},   {"component", LEG_GATEWAY},
                 {"cylinder", LEG_STORE}, {"note", LEG_SOURCE},
                 {"tab", LEG_FRONTEND}};
    for (size_t i = 0; i < sizeof looks / sizeof looks[0]; i++)
        if (is(n->shape, looks[i].shape))
            return looks[i].bit | red;
    if ((!n->shape || is(n->shape, "box")) && n->peripheries == 2)
        return LEG_GROUP | red; /* "NAME\nN services" */
    return red;
}

/* Whether a label is a count: "N" or "N call(s)". */
static bool counted(const char *label)
{
    if (!label || !(*label >= '0' && *label <= '9'))
        return false;
    while (*label >= '0' && *label <= '9')
        label++;
    return !*label || is(label, " call") || is(label, " calls");
}

unsigned pic_legend_edge(const Graph *g, const GEdge *e)
{
    unsigned red = e->red ? LEG_RED_EDGE : 0;
    if (e->legend)
        return e->legend | red;
    if (is(e->style, "invis"))
        return 0;
    if (is(e->style, "dashed"))
        return LEG_DATA | red;
    if (counted(e->label))
        return LEG_COUNTED | red;
    for (int i = 0; i < g->nnodes; i++)
        if (strcmp(g->nodes[i].id, e->from) == 0)
            return (is(g->nodes[i].shape, "oval") ||
                            (pic_legend_node(&g->nodes[i]) & LEG_GATEWAY)
                        ? LEG_ROUTES
                        : LEG_CALLS) |
                   red;
    return LEG_CALLS | red;
}
