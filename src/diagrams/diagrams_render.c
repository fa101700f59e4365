/* diagrams_render.c - the only file that uses Graphviz (see graph.h).
 *
 * Our names all start with pic_: Graphviz's libraries export many plain
 * ones (libgvc has its own graph_init), and a function of the executable
 * with the same name would silently replace theirs.
 *
 * One GVC_t for the whole process (each context costs a little memory
 * that Graphviz never gives back; see pic_renderer_new).  Layout errors are
 * not always reflected in gvLayout's result, so every layout runs between
 * agreseterrors() and an agerrors() check, with messages collected by our
 * own callback.
 */
#include "diagrams_worker.h"
#include "topoc/graph.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FONT "DejaVu Sans"

struct Renderer {
    GVC_t *gvc;
    Worker *worker; /* where the pictures are drawn */
};

/* ---- Graphviz ---- */

/* Object ids by creation order.  cgraph's default id discipline makes a
 * name's id the address of its interned string, and keeps subgraphs in id
 * order: cluster order, and so the layout, would follow malloc.  Here a
 * named object's id is 2 * (its name's number), anonymous ones (edges) get
 * odd ids, so subgraphs are laid out and written in the order we create
 * them: same spec, same picture, wherever it runs. */
typedef struct Names {
    char **name; /* by number - 1, interned (agstrdup) */
    int n, cap;
    int *slot;   /* open addressing: number, 0 = empty */
    int nslots;  /* a power of two, at least twice n */
    IDTYPE anon; /* the next odd id */
} Names;

static unsigned long name_hash(const char *s)
{
    unsigned long h = 14695981039346656037ul;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ul;
    return h;
}

static int *name_slot(Names *t, const char *str)
{
    unsigned long mask = (unsigned long)t->nslots - 1;
    for (unsigned long i = name_hash(str) & mask;; i = (i + 1) & mask) {
        int k = t->slot[i];
        if (k == 0 || strcmp(t->name[k - 1], str) == 0)
            return &t->slot[i];
    }
}

static void *ids_open(Agraph_t *g, Agdisc_t *disc)
{
    (void)g;
    (void)disc;
    Names *t = xmalloc(sizeof *t);
    memset(t, 0, sizeof *t);
    t->nslots = 64;
    t->slot = xmalloc((size_t)t->nslots * sizeof *t->slot);
    memset(t->slot, 0, (size_t)t->nslots * sizeof *t->slot);
    t->anon = 1;
    return t;
}

static long ids_map(void *state, int objtype, char *str, IDTYPE *id,
                    int createflag)
{
    (void)objtype;
    Names *t = state;
    if (!str) {
        *id = t->anon;
        t->anon += 2;
        return 1;
    }
    int *slot = name_slot(t, str);
    if (*slot == 0) {
        if (!createflag)
            return 0;
        if (t->n == t->cap) {
            t->cap = t->cap ? t->cap * 2 : 64;
            t->name = xrealloc(t->name, (size_t)t->cap * sizeof *t->name);
        }
        /* an interned string: agwrite asks aghtmlstr() of what we print */
        t->name[t->n] = agstrdup(NULL, str);
        *slot = ++t->n;
        if (2 * t->n > t->nslots) { /* grow and re-insert */
            free(t->slot);
            t->nslots *= 2;
            t->slot = xmalloc((size_t)t->nslots * sizeof *t->slot);
            memset(t->slot, 0, (size_t)t->nslots * sizeof *t->slot);
            for (int k = 1; k <= t->n; k++)
                *name_slot(t, t->name[k - 1]) = k;
            slot = name_slot(t, str);
        }
    }
    *id = 2 * (IDTYPE)*slot;
    return 1;
}

static long ids_alloc(void *state, int objtype, IDTYPE request)
{
    (void)state;
    (void)objtype;
    (void)request;
    return 0; /* no caller-chosen ids */
}

static void ids_free(void *state, int objtype, IDTYPE id)
{
    (void)state;
    (void)objtype;
    (void)id; /* names live until the graph is closed */
}

static char *ids_print(void *state, int objtype, IDTYPE id)
{
    (void)objtype;
    Names *t = state;
    return id % 2 == 0 && id / 2 >= 1 && id / 2 <= (IDTYPE)t->n
               ? t->name[id / 2 - 1]
               : NULL;
}

static void ids_close(void *state)
{
    Names *t = state;
    for (int k = 0; k < t->n; k++)
        agstrfree(NULL, t->name[k]);
    free(t->name);
    free(t->slot);
    free(t);
}

static void ids_register(void *state, int objtype, void *obj)
{
    (void)state;
    (void)objtype;
    (void)obj;
}

static Agiddisc_t ids = {ids_open,  ids_map,   ids_alloc,   ids_free,
                         ids_print, ids_close, ids_register};

static Strbuf *errors_to;

static int on_error(char *msg)
{
    if (errors_to && errors_to->len < 2000)
        sb_puts(errors_to, msg);
    return 0;
}

static int draw(void *ctx, const Graph *g, const char *stuck, Strbuf **outs,
                char *err, size_t errlen, double *seconds);

/* One context for the process, never freed: the pango plugin keeps a
 * pointer to the last font name it measured in a static, and a context
 * freed and made again (a second build in one process, as the fuzzer
 * runs) would have it read freed memory.  Made where the pictures are
 * drawn, in the worker, never in the build before it forks one: pango
 * starts a thread to load fontconfig, and a fork while that thread holds
 * a lock leaves the worker waiting on it for ever. */
static GVC_t *context(void)
{
    static GVC_t *shared;
    if (!shared)
        shared = gvContext();
    return shared;
}

Renderer *pic_renderer_new(void)
{
    Renderer *r = xmalloc(sizeof *r);
    r->gvc = NULL; /* context(), in the worker */
    r->worker = worker_new(draw, r);
    return r;
}

void pic_renderer_free(Renderer *r)
{
    if (r)
        worker_free(r->worker);
    free(r);
}

/* Text shown in a picture is data: a backslash is doubled, so a spec's
 * \N, \G or \L is not expanded by Graphviz, and it is bounded in bytes
 * (cut on a UTF-8 boundary) and lines before it reaches the layout. */
enum { LABEL_MAX_BYTES = 600, LABEL_MAX_LINES = 12 };

static void set(void *obj, const char *name, const char *value)
{
    if (!value)
        return;
    if (strcmp(name, "label") && strcmp(name, "xlabel") &&
        strcmp(name, "tooltip")) {
        agsafeset(obj, (char *)name, (char *)value, "");
        return;
    }
    Strbuf sb = STRBUF_INIT;
    int lines = 1;
    for (const char *p = value; *p; p++) {
        bool boundary = ((unsigned char)*p & 0xC0) != 0x80;
        if (boundary && (sb.len >= LABEL_MAX_BYTES ||
                         (*p == '\n' && lines == LABEL_MAX_LINES))) {
            sb_puts(&sb, "...");
            break;
        }
        lines += *p == '\n';
        if (*p == '\\')
            sb_putc(&sb, '\\');
        sb_putc(&sb, *p);
    }
    agsafeset(obj, (char *)name, sb.buf, "");
    sb_release(&sb);
}

/* The budget of graph.h: dot as it likes, dot with its passes capped
 * (mincross iterations, network simplex steps, no second mincross over
 * the clusters), or osage's packing with straight edges: beyond the
 * budget, or when dot did not finish within the time limit (stuck).
 * Returns the engine. */
static const char *budget(Agraph_t *root, const Graph *g, const char *stuck,
                          const char **note)
{
    int cost = pic_cost(g);
    *note = NULL;
    if (!stuck && cost <= PIC_COST_FULL)
        return "dot";
    if (!stuck && cost <= PIC_COST_BOUNDED) {
        agattr(root, AGRAPH, (char *)"mclimit", (char *)"0.3");
        agattr(root, AGRAPH, (char *)"nslimit", (char *)"2");
        agattr(root, AGRAPH, (char *)"nslimit1", (char *)"2");
        agattr(root, AGRAPH, (char *)"searchsize", (char *)"20");
        agattr(root, AGRAPH, (char *)"remincross", (char *)"false");
        return "dot";
    }
    agattr(root, AGRAPH, (char *)"splines", (char *)"line");
    *note = stuck ? stuck
                  : "packed by group: too many nodes and edges to draw by flow";
    return "osage";
}

static Agraph_t *find_cluster(Agraph_t *root, const Graph *g, const char *id,
                              Agraph_t **made)
{
    for (int i = 0; i < g->nclusters; i++)
        if (strcmp(g->clusters[i].id, id) == 0)
            return made[i];
    return root;
}

/* ---- the legend ---- */

/* A sample for each LEG_* a picture uses, in a grid of up to
 * LEGEND_COLUMNS columns (ranks, kept in order by invisible edges) and as
 * many rows as it takes (rank=same per column; flat invisible edges keep
 * the order).  An edge sample takes two cells: it runs from its words, in
 * its cell, to the next one.  (Its words were once the edge's xlabel,
 * which Graphviz places after the layout, at times outside the legend.) */
typedef struct Sample {
    unsigned bit;
    const char *label, *shape, *style, *fill;
    int peripheries;
    bool red;
    const char *edge; /* an edge sample with this style */
} Sample;

static const Sample samples[] = {
    {LEG_WAF, "WAF", "hexagon", "filled", "#f4cccc", 1, false, NULL},
    {LEG_GATEWAY, "gateway", "component", "filled", "#fff2cc", 1, false, NULL},
    {LEG_SERVICE, "service\nN instances", "box", "rounded,filled", "#d9ead3",
     1, false, NULL},
    {LEG_AUTOSCALED, "autoscaled\nmin..max", "box", "rounded,filled",
     "#d9ead3", 2, false, NULL},
    {LEG_WORKER, "worker", "box", "rounded,filled,dashed", "#d9ead3", 1, false,
     NULL},
    {LEG_CONNECTOR, "connector", "box", "rounded,filled", "#cfe2f3", 1, false,
     NULL},
    {LEG_FRONTEND, "frontend", "tab", "rounded,filled", "#d9ead3", 1, false,
     NULL},
    {LEG_GROUP, "a group:\nN services", "box", "rounded,filled", "#d9ead3", 2,
     false, NULL},
    {LEG_STORE, "data store", "cylinder", "filled", "#ead1dc", 1, false, NULL},
    {LEG_SOURCE, "external source", "note", "filled", "#eeeeee", 1, false,
     NULL},
    {LEG_FINDING, "has a finding", "box", "rounded,filled", "#ffffff", 1, true,
     NULL},
    {LEG_ROUTES, "requests, routes", NULL, NULL, NULL, 0, false, "solid"},
    {LEG_CALLS, "calls", NULL, NULL, NULL, 0, false, "solid"},
    {LEG_COUNTED, "N calls: how many\nservice calls it stands for", NULL, NULL,
     NULL, 0, false, "solid"},
    {LEG_DATA, "reads, writes", NULL, NULL, NULL, 0, false, "dashed"},
    {LEG_RED_EDGE, "route with a finding", NULL, NULL, NULL, 0, true, "solid"},
};
enum { NSAMPLES = sizeof samples / sizeof samples[0], LEGEND_COLUMNS = 4 };

/* The cells of the grid, row by row: a sample, or NULL (blank, or the end
 * of an edge sample).  Returns the number of rows. */
static int legend_cells(unsigned used, const Sample **cell, int *ncols)
{
    int n = 0, wanted = 0;
    for (int i = 0; i < NSAMPLES; i++)
        if (used & samples[i].bit)
            wanted += samples[i].edge ? 2 : 1;
    *ncols = wanted < LEGEND_COLUMNS ? (wanted < 2 ? 2 : wanted)
                                     : LEGEND_COLUMNS;
    for (int i = 0; i < NSAMPLES; i++) {
        if (!(used & samples[i].bit))
            continue;
        if (samples[i].edge && n % *ncols == *ncols - 1)
            cell[n++] = NULL; /* an edge sample stays on one row */
        cell[n++] = &samples[i];
        if (samples[i].edge)
            cell[n++] = NULL;
    }
    while (n % *ncols)
        cell[n++] = NULL;
    return n / *ncols;
}

static void sample_node(Agnode_t *n, const Sample *x)
{
    set(n, "fontsize", "8");
    set(n, "height", "0.3");
    set(n, "margin", "0.06,0.02");
    if (x && x->edge) { /* an edge sample starts at its words */
        set(n, "label", x->label);
        set(n, "shape", "plaintext");
        set(n, "style", "solid");
        return;
    }
    if (!x || !x->shape) {
        set(n, "label", "");
        set(n, "shape", "point");
        set(n, "width", "0.05");
        set(n, "style", "invis");
        return;
    }
    char p[8];
    snprintf(p, sizeof p, "%d", x->peripheries);
    set(n, "label", x->label);
    set(n, "shape", x->shape);
    set(n, "style", x->style);
    set(n, "fillcolor", x->fill);
    set(n, "peripheries", p);
    if (x->red) {
        set(n, "color", "#cc0000");
        set(n, "penwidth", "3");
    }
}

static void legend(Agraph_t *root, unsigned used)
{
    const Sample *cell[2 * NSAMPLES + 2 * LEGEND_COLUMNS];
    int ncols, nrows = legend_cells(used, cell, &ncols);
    if (nrows == 0)
        return;
    Agraph_t *c = agsubg(root, "cluster_legend", 1);
    set(c, "label", "legend");
    set(c, "style", "dashed");
    set(c, "color", "#999999");
    Agnode_t **made = xmalloc((size_t)(nrows * ncols) * sizeof *made);
    char name[64];
    for (int col = 0; col < ncols; col++) {
        snprintf(name, sizeof name, "legend_column%d", col);
        Agraph_t *same = agsubg(c, name, 1);
        set(same, "rank", "same");
        for (int row = 0; row < nrows; row++) {
            int k = row * ncols + col;
            snprintf(name, sizeof name, "legend_%d_%d", row, col);
            made[k] = agnode(same, name, 1);
            sample_node(made[k], cell[k]);
            if (row > 0) /* in LR, a flat edge a->b puts b above a */
                set(agedge(c, made[k], made[k - ncols], NULL, 1), "style",
                    "invis");
        }
        if (col > 0) /* the columns in order */
            set(agedge(c, made[col - 1], made[col], NULL, 1), "style",
                "invis");
    }
    for (int k = 0; k + 1 < nrows * ncols; k++) {
        const Sample *x = cell[k];
        if (!x || !x->edge)
            continue;
        Agedge_t *e = agedge(c, made[k], made[k + 1], NULL, 1);
        set(e, "style", x->edge);
        set(e, "color", x->red ? "#cc0000" : "#555555");
        set(e, "penwidth", x->red ? "2.5" : "1");
    }
    free(made);
}

/* ---- rendering: the graph, its DOT, its layout, its pictures ---- */

/* The defaults of graph, nodes and edges, in the order the DOT file
 * declares them. */
static const struct {
    int kind;
    const char *name, *value;
} DEFAULTS[] = {
    {AGRAPH, "fontname", FONT},
    {AGRAPH, "label", ""},
    {AGRAPH, "labelloc", "t"},
    {AGRAPH, "fontsize", "16"},
    {AGRAPH, "rankdir", "LR"},
    {AGRAPH, "newrank", "true"},
    {AGRAPH, "compound", "true"},
    {AGRAPH, "splines", "spline"},
    {AGRAPH, "nodesep", "0.25"},
    {AGRAPH, "ranksep", "1.0"},
    {AGRAPH, "style", ""},
    {AGRAPH, "color", "#666666"},
    {AGRAPH, "fillcolor", ""},
    {AGNODE, "fontname", FONT},
    {AGNODE, "fontsize", "11"},
    {AGNODE, "shape", "box"},
    {AGNODE, "style", "rounded,filled"},
    {AGNODE, "fillcolor", "#d9ead3"},
    {AGNODE, "color", "#444444"},
    {AGNODE, "penwidth", "1"},
    {AGEDGE, "fontname", FONT},
    {AGEDGE, "fontsize", "9"},
    {AGEDGE, "color", "#555555"},
    {AGEDGE, "penwidth", "1"},
};

/* The root graph with its defaults, its budget (the engine that lays it
 * out) and its caption: the title, then what was aggregated or packed. */
static Agraph_t *graph_open(const Graph *g, const char *stuck,
                            const char **engine)
{
    static Agdisc_t disc;
    disc = (Agdisc_t){&AgMemDisc, &ids, &AgIoDisc};
    Agraph_t *root = agopen((char *)"view", Agdirected, &disc);
    for (size_t i = 0; i < sizeof DEFAULTS / sizeof *DEFAULTS; i++)
        agattr(root, DEFAULTS[i].kind, (char *)DEFAULTS[i].name,
               (char *)DEFAULTS[i].value);
    const char *packed;
    *engine = budget(root, g, stuck, &packed);
    set(root, "label",
        g->note || packed
            ? arena_printf(g->a, "%s\n(%s%s%s)", g->title ? g->title : "",
                           g->note ? g->note : "",
                           g->note && packed ? "; " : "", packed ? packed : "")
            : g->title);
    return root;
}

/* The clusters, parents first (made[i] is g->clusters[i]'s subgraph). */
static void add_clusters(Agraph_t *root, const Graph *g, Agraph_t **made)
{
    for (int i = 0; i < g->nclusters; i++) {
        const GCluster *c = &g->clusters[i];
        Agraph_t *parent =
            c->parent ? find_cluster(root, g, c->parent, made) : root;
        char name[512];
        snprintf(name, sizeof name, "cluster_%s", c->id);
        made[i] = agsubg(parent, name, 1);
        set(made[i], "label", c->label);
        set(made[i], "style", c->style ? c->style : "rounded");
        set(made[i], "fillcolor", c->fill);
    }
}

static void add_nodes(Agraph_t *root, const Graph *g, Agraph_t **made)
{
    const char **rank = pic_dot_ranks(g);
    for (int i = 0; i < g->nnodes; i++) {
        const GNode *n = &g->nodes[i];
        Agraph_t *in =
            n->cluster ? find_cluster(root, g, n->cluster, made) : root;
        Agnode_t *an = agnode(in, (char *)n->id, 1);
        set(an, "label", n->label);
        set(an, "shape", n->shape);
        set(an, "fillcolor", n->fill);
        set(an, "style", n->style);
        set(an, "tooltip", n->tooltip);
        set(an, "URL", n->url);
        if (n->peripheries) {
            char p[16];
            snprintf(p, sizeof p, "%d", n->peripheries);
            set(an, "peripheries", p);
        }
        if (n->red) {
            set(an, "color", "#cc0000");
            set(an, "penwidth", "3");
        }
        if (rank[i]) { /* newrank: a rank=same group may span clusters */
            char name[512];
            snprintf(name, sizeof name, "rank_%s", rank[i]);
            Agraph_t *same = agsubg(root, name, 1);
            set(same, "rank", "same");
            agsubnode(same, an, 1);
        }
    }
    free(rank);
}

/* dot (2.43, rankdir=LR) keeps a cluster's title clear of the nodes in it
 * but not of the labels of edges between them: such an edge may run along
 * the top of the box with its label under the title.  A cluster that holds
 * both ends of a labelled edge gets a margin the title fits in (its
 * 16-point line and a gap), so nothing is drawn under it. */
enum { TITLE_MARGIN = 20 };

static void title_margins(Agraph_t *root, const Graph *g, Agraph_t **made)
{
    char margin[16];
    snprintf(margin, sizeof margin, "%d", TITLE_MARGIN);
    for (int i = 0; i < g->nedges; i++) {
        const GEdge *e = &g->edges[i];
        if (!e->label || !e->label[0])
            continue;
        Agnode_t *a = agnode(root, (char *)e->from, 0);
        Agnode_t *b = agnode(root, (char *)e->to, 0);
        for (int k = 0; a && b && k < g->nclusters; k++)
            if (agsubnode(made[k], a, 0) && agsubnode(made[k], b, 0))
                set(made[k], "margin", margin);
    }
}

/* An edge's lhead or ltail: the cluster it is clipped at. */
static void set_cluster(Agedge_t *ae, const char *attr, const char *cluster)
{
    if (!cluster)
        return;
    char name[512];
    snprintf(name, sizeof name, "cluster_%s", cluster);
    set(ae, attr, name);
}

static void add_edges(Agraph_t *root, const Graph *g)
{
    for (int i = 0; i < g->nedges; i++) {
        const GEdge *e = &g->edges[i];
        Agnode_t *a = agnode(root, (char *)e->from, 0);
        Agnode_t *b = agnode(root, (char *)e->to, 0);
        if (!a || !b)
            continue;
        Agedge_t *ae = agedge(root, a, b, NULL, 1);
        set(ae, "label", e->label);
        set(ae, "style", e->style);
        set(ae, "tooltip", e->tooltip);
        set_cluster(ae, "lhead", e->lhead);
        set_cluster(ae, "ltail", e->ltail);
        if (e->red) {
            set(ae, "color", "#cc0000");
            set(ae, "penwidth", "2.5");
        }
    }
}

/* The legend of what the picture's nodes and edges stand for. */
static void add_legend(Agraph_t *root, const Graph *g)
{
    unsigned used = 0;
    for (int i = 0; i < g->nnodes; i++)
        used |= pic_legend_node(&g->nodes[i]);
    for (int i = 0; i < g->nedges; i++)
        used |= pic_legend_edge(g, &g->edges[i]);
    legend(root, used);
}

/* The DOT file is the graph as built, before layout: stable under changes
 * elsewhere, and `dot -Tsvg` of it draws the same picture. */
static int write_dot(Agraph_t *root, Strbuf *dot, char *err, size_t errlen)
{
    char *text = NULL;
    size_t textlen = 0;
    FILE *mem = open_memstream(&text, &textlen);
    if (!mem || agwrite(root, mem) != 0 || fclose(mem) != 0) {
        snprintf(err, errlen, "writing DOT failed");
        free(text);
        return -1;
    }
    sb_add(dot, text, textlen);
    free(text);
    return 0;
}

/* The laid-out graph as SVG and (when png is not NULL) PNG. */
static int render_formats(Renderer *r, Agraph_t *root, Strbuf *svg, Strbuf *png,
                          const Strbuf *msgs, char *err, size_t errlen)
{
    static const char *const formats[] = {"svg", "png"};
    Strbuf *outs[] = {svg, png};
    int rc = 0;
    for (int i = 0; i < 2 && rc == 0; i++) {
        if (!outs[i])
            continue;
        char *buf = NULL;
        unsigned int len = 0;
        if (gvRenderData(r->gvc, root, formats[i], &buf, &len) != 0 ||
            agerrors() > 0) {
            snprintf(err, errlen, "rendering %s failed: %s", formats[i],
                     msgs->len ? msgs->buf : "no message");
            rc = -1;
        } else {
            sb_add(outs[i], buf, len);
        }
        gvFreeRenderData(buf);
    }
    return rc;
}

/* Lay out with the engine of the budget, timed, then render: Graphviz's
 * messages are collected meanwhile, and any error fails the picture. */
static int lay_out(Renderer *r, Agraph_t *root, const char *engine, Strbuf *svg,
                   Strbuf *png, char *err, size_t errlen, double *seconds)
{
    Strbuf msgs = STRBUF_INIT;
    errors_to = &msgs;
    agseterrf(on_error);
    agreseterrors();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = gvLayout(r->gvc, root, engine);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (seconds)
        *seconds = (double)(t1.tv_sec - t0.tv_sec) +
                   (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (rc != 0 || agerrors() > 0) {
        snprintf(err, errlen, "layout failed: %s",
                 msgs.len ? msgs.buf : "no message");
        if (rc == 0)
            gvFreeLayout(r->gvc, root);
        rc = -1;
    } else {
        rc = render_formats(r, root, svg, png, &msgs, err, errlen);
        gvFreeLayout(r->gvc, root);
    }
    errors_to = NULL;
    sb_release(&msgs);
    return rc;
}

/* ---- a picture within a time limit ---- */

/* Every picture is drawn by the worker process (diagrams_worker.c) within
 * layout_limit() seconds.  One that does not finish, or aborts, is drawn
 * again packed by osage (within LAYOUT_SECONDS) and its caption says why;
 * if that does not finish either, the picture is an error. */
enum { LAYOUT_SECONDS = 30 };

/* TOPOC_LAYOUT_SECONDS overrides the first limit (a slow machine; the
 * tests). */
static double layout_limit(void)
{
    const char *env = getenv("TOPOC_LAYOUT_SECONDS");
    char *end;
    double s = env ? strtod(env, &end) : 0;
    return env && *env && !*end && s > 0 ? s : LAYOUT_SECONDS;
}

/* In the worker: the graph, its DOT, its layout and its pictures. */
static int draw(void *ctx, const Graph *g, const char *stuck, Strbuf **outs,
                char *err, size_t errlen, double *seconds)
{
    Renderer *r = ctx;
    if (!r->gvc)
        r->gvc = context();
    const char *engine;
    Agraph_t *root = graph_open(g, stuck, &engine);
    Agraph_t **made = xmalloc(((size_t)g->nclusters + 1) * sizeof *made);
    add_clusters(root, g, made);
    add_nodes(root, g, made);
    title_margins(root, g, made);
    free(made);
    add_edges(root, g);
    if (g->legend)
        add_legend(root, g);
    int rc = write_dot(root, outs[WORKER_DOT], err, errlen);
    if (rc == 0)
        rc = lay_out(r, root, engine, outs[WORKER_SVG], outs[WORKER_PNG], err,
                     errlen, seconds);
    agclose(root);
    return rc;
}

int pic_render(Renderer *r, const Graph *g, Strbuf *dot, Strbuf *svg,
               Strbuf *png, char *err, size_t errlen, double *seconds)
{
    Strbuf *outs[WORKER_OUTS] = {dot, svg, png};
    double unused;
    if (!seconds)
        seconds = &unused;
    WorkResult res = worker_render(r->worker, g, NULL, outs, layout_limit(),
                                   err, errlen, seconds);
    if (res == WORK_OK || res == WORK_FAILED)
        return res == WORK_OK ? 0 : -1;
    double first = *seconds;
    char first_err[256];
    snprintf(first_err, sizeof first_err, "%s", err);
    for (int i = 0; i < WORKER_OUTS; i++)
        if (outs[i])
            sb_reset(outs[i]);
    const char *why = arena_printf(g->a, "packed by group: %s", first_err);
    res = worker_render(r->worker, g, why, outs, LAYOUT_SECONDS, err, errlen,
                        seconds);
    *seconds += first;
    if (res != WORK_OK)
        return -1;
    snprintf(err, errlen, "%s; drawn packed by group instead", first_err);
    return 1;
}
