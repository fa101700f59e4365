/* route_index.c - which routes of a table may share a path with a route,
 * found without comparing it with every other route (see routing.h).
 *
 * The gateway's emitters ask this per route: nginx's method map lists the
 * later routes a location's paths may also belong to, and routes.json's
 * sample must match no earlier route.  Asking every other route makes a
 * build quadratic in routes (30,000 routes on one host at 10,000
 * services); most routes differ from each other in a literal segment, so
 * an index on segments leaves only the few that can relate.
 *
 * A trie over segments: a literal segment is an edge labelled with its
 * text, every parameter segment (whatever its constraint or the text
 * around it) the node's one wildcard edge; a route ends at a node, or its
 * '**' hangs on the node where it starts.  A query walks the trie along
 * the route: a literal follows its own edge and the wildcard, a parameter
 * every edge, a '**' takes the whole subtree.  What it finds is a superset
 * of the routes whose structure (parameters as [^/]+) overlaps, so the
 * caller still decides with route_relate or a regex, on few candidates.
 */
#include "topoc/routing.h"
#include "topoc/util.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

typedef struct TNode {
    const char *lit;   /* the literal edge from the parent, or NULL */
    int parent;        /* -1 for the root */
    int wild;          /* child through a parameter, or -1 */
    int first, next;   /* literal children: first, and next sibling */
    int ends, rests;   /* routes ending here, or with '**' here (lists) */
} TNode;

/* Sized once for the most nodes the routes can make (node_bound):
 * growing by doubling left the outgrown copies in the arena, a third of
 * the routing checks' memory at 10,000 services. */
struct RouteIndex {
    TNode *nodes;
    int nn, bound;
    int *slots; /* (parent, literal) -> node, open addressing, -1 empty */
    int capslots; /* a power of two, half again the nodes' bound */
    int *next;  /* per route, the next route in its node's list */
    int *home;  /* per route, the node whose list holds it */
    const RouteEntry *v;
};

static uint64_t edge_hash(int parent, const char *lit)
{
    return fnv1a(lit, strlen(lit), (uint64_t)parent * 1099511628211ull);
}

static int *edge_slot(const RouteIndex *ix, int *slots, int cap, int parent,
                      const char *lit)
{
    int i = (int)(edge_hash(parent, lit) & (uint64_t)(cap - 1));
    while (slots[i] >= 0 && (ix->nodes[slots[i]].parent != parent ||
                             strcmp(ix->nodes[slots[i]].lit, lit) != 0))
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static int new_node(RouteIndex *ix, int parent, const char *lit)
{
    assert(ix->nn < ix->bound);
    TNode *t = &ix->nodes[ix->nn];
    *t = (TNode){lit, parent, -1, -1, -1, -1, -1};
    return ix->nn++;
}

/* The child of node p through segment sg, made when missing. */
static int child(RouteIndex *ix, int p, const Seg *sg)
{
    if (sg->kind == SEG_PARAM) {
        if (ix->nodes[p].wild < 0) {
            int c = new_node(ix, p, NULL);
            ix->nodes[p].wild = c;
        }
        return ix->nodes[p].wild;
    }
    int *slot = edge_slot(ix, ix->slots, ix->capslots, p, sg->lit);
    if (*slot >= 0)
        return *slot;
    int c = new_node(ix, p, sg->lit);
    *slot = c;
    ix->nodes[c].next = ix->nodes[p].first;
    ix->nodes[p].first = c;
    return c;
}

/* The edges route r shares with route q from the root on (a literal by
 * its text, any parameter as the wildcard): nodes q has made already. */
static int shared_edges(const RouteEntry *q, const RouteEntry *r)
{
    int i = 0;
    for (; i < q->nsegs && i < r->nsegs; i++) {
        const Seg *x = &q->segs[i], *y = &r->segs[i];
        if (x->kind == SEG_REST || x->kind != y->kind ||
            (x->kind == SEG_LIT && strcmp(x->lit, y->lit) != 0))
            break;
    }
    return i;
}

/* The root and, per route, a node per segment but those it shares with
 * the route before it: the tables come in matching order, where routes
 * of one prefix are neighbours (at 10,000 services 70,000 nodes, not
 * the 120,000 segments). */
static int node_bound(const RouteEntry *v, int n, int *shared, int *depth)
{
    int bound = 1;
    *depth = 0;
    for (int r = 0; r < n; r++) {
        shared[r] = r ? shared_edges(&v[r - 1], &v[r]) : 0;
        bound += v[r].nsegs - shared[r];
        if (v[r].nsegs > *depth)
            *depth = v[r].nsegs;
    }
    return bound;
}

/* Route r's path down the trie starts as the route before it does for
 * the edges they share (node_bound): path[k] is the node after k
 * segments, so only the rest is looked up. */
RouteIndex *route_index(Arena *a, const RouteEntry *v, int n)
{
    RouteIndex *ix = arena_alloc(a, sizeof *ix);
    int *shared = xmalloc(((size_t)n + 1) * sizeof *shared), depth;
    ix->bound = node_bound(v, n, shared, &depth);
    ix->v = v;
    ix->nodes = arena_alloc_uninit(a, (size_t)ix->bound * sizeof *ix->nodes);
    ix->capslots = 64;
    while (2 * ix->capslots < 3 * ix->bound) /* at most two thirds full */
        ix->capslots *= 2;
    ix->slots = arena_alloc_uninit(a, (size_t)ix->capslots *
                                          sizeof *ix->slots);
    memset(ix->slots, -1, (size_t)ix->capslots * sizeof *ix->slots);
    ix->next = arena_alloc_uninit(a, ((size_t)n + 1) * sizeof *ix->next);
    ix->home = arena_alloc_uninit(a, ((size_t)n + 1) * sizeof *ix->home);
    int *path = xmalloc(((size_t)depth + 1) * sizeof *path);
    path[0] = new_node(ix, -1, NULL);
    for (int r = 0; r < n; r++) {
        int p = path[shared[r]];
        int *list = NULL;
        for (int k = shared[r]; k < v[r].nsegs && !list; k++) {
            if (v[r].segs[k].kind == SEG_REST)
                list = &ix->nodes[p].rests;
            else
                path[k + 1] = p = child(ix, p, &v[r].segs[k]);
        }
        if (!list)
            list = &ix->nodes[p].ends;
        ix->next[r] = *list;
        *list = r;
        ix->home[r] = p;
    }
    free(path);
    free(shared);
    return ix;
}

static void add_list(const RouteIndex *ix, int head, RouteSet *out)
{
    for (int r = head; r >= 0; r = ix->next[r]) {
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 64;
            out->v = xrealloc(out->v, (size_t)out->cap * sizeof *out->v);
        }
        out->v[out->n++] = r;
    }
}

/* Every route in the subtree of node t (a '**' covers them all).  The
 * walk goes down the first child and back up through parents, so a deep
 * trie (an untrusted spec's long path) needs no stack. */
static void add_subtree(const RouteIndex *ix, int t, RouteSet *out)
{
    int x = t;
    for (;;) {
        add_list(ix, ix->nodes[x].ends, out);
        add_list(ix, ix->nodes[x].rests, out);
        int down = ix->nodes[x].first >= 0 ? ix->nodes[x].first
                                           : ix->nodes[x].wild;
        if (down >= 0) {
            x = down;
            continue;
        }
        /* up until a node with a sibling still to visit */
        for (;;) {
            if (x == t)
                return;
            const TNode *c = &ix->nodes[x];
            const TNode *p = &ix->nodes[c->parent];
            if (c->lit && c->next >= 0) {
                x = c->next;
                break;
            }
            if (c->lit && p->wild >= 0) {
                x = p->wild;
                break;
            }
            x = c->parent;
        }
    }
}

/* The subtree of t without t's own '**' routes (the caller has them). */
static void add_subtree_below(const RouteIndex *ix, int t, RouteSet *out)
{
    add_list(ix, ix->nodes[t].ends, out);
    for (int c = ix->nodes[t].first; c >= 0; c = ix->nodes[c].next)
        add_subtree(ix, c, out);
    if (ix->nodes[t].wild >= 0)
        add_subtree(ix, ix->nodes[t].wild, out);
}

static int int_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

typedef struct Visit {
    int node, depth;
} Visit;

enum { LOCAL = 32 }; /* a walk's stack and a route's path, mostly */

typedef struct Walk {
    Visit local[LOCAL], *st;
    int n, cap;
} Walk;

static void push(Walk *w, int node, int depth)
{
    if (w->n == w->cap) {
        w->cap *= 2;
        if (w->st == w->local) {
            w->st = xmalloc((size_t)w->cap * sizeof *w->st);
            memcpy(w->st, w->local, sizeof w->local);
        } else {
            w->st = xrealloc(w->st, (size_t)w->cap * sizeof *w->st);
        }
    }
    w->st[w->n++] = (Visit){node, depth};
}

/* The walk of a query for e.  own[d], for d <= nown, is the node e
 * reaches after d segments when e is a route of the index (else own is
 * NULL): a literal edge from a node of e's own path leads to the next,
 * with no lookup, and most of a walk is along that path. */
static void query(const RouteIndex *ix, const RouteEntry *e, const int *own,
                  int nown, RouteSet *out)
{
    out->n = 0;
    Walk w = {.cap = LOCAL};
    w.st = w.local;
    push(&w, 0, 0);
    while (w.n > 0) {
        Visit at = w.st[--w.n];
        const TNode *t = &ix->nodes[at.node];
        add_list(ix, t->rests, out); /* '**' here: any depth from here */
        if (at.depth == e->nsegs) { /* e ends here, and so must they */
            add_list(ix, t->ends, out);
            continue;
        }
        if (e->segs[at.depth].kind == SEG_REST) {
            add_subtree_below(ix, at.node, out);
            continue;
        }
        const Seg *sg = &e->segs[at.depth];
        if (t->wild >= 0)
            push(&w, t->wild, at.depth + 1);
        if (sg->kind == SEG_LIT) {
            int c = own && at.depth < nown && own[at.depth] == at.node
                        ? own[at.depth + 1]
                        : *edge_slot(ix, ix->slots, ix->capslots, at.node,
                                     sg->lit);
            if (c >= 0)
                push(&w, c, at.depth + 1);
        } else {
            for (int c = t->first; c >= 0; c = ix->nodes[c].next)
                push(&w, c, at.depth + 1);
        }
    }
    if (w.st != w.local)
        free(w.st);
    qsort(out->v, (size_t)out->n, sizeof *out->v, int_cmp);
}

void route_index_query(const RouteIndex *ix, const RouteEntry *e,
                       RouteSet *out)
{
    query(ix, e, NULL, 0, out);
}

void route_index_query_at(const RouteIndex *ix, int r, RouteSet *out)
{
    const RouteEntry *e = &ix->v[r];
    int depth = 0; /* the segments before a '**' */
    while (depth < e->nsegs && e->segs[depth].kind != SEG_REST)
        depth++;
    int local[LOCAL];
    int *own = depth < LOCAL ? local
                             : xmalloc(((size_t)depth + 1) * sizeof *own);
    own[depth] = ix->home[r];
    for (int d = depth; d > 0; d--)
        own[d - 1] = ix->nodes[own[d]].parent;
    query(ix, e, own, depth, out);
    if (own != local)
        free(own);
}
