/* graph.h - a picture to lay out: nodes, edges and clusters with their
 * look (diagrams_graph.c), built by the views (diagrams_views.c) and laid
 * out and rendered by diagrams_render.c, the only file that uses Graphviz
 * (cgraph + gvc).
 *
 * Everything is created in the order given, so callers give it sorted:
 * dot's layout depends on declaration order, and sorted input is what
 * makes a picture stable when an unrelated service is added.
 */
#ifndef TOPOC_GRAPH_H
#define TOPOC_GRAPH_H

#include <stdbool.h>

#include "topoc/arena.h"
#include "topoc/strbuf.h"

/* What a node or an edge stands for, as the legend explains it.  The
 * legend shows a sample for each one a picture uses and no other.  A view
 * says it where the look alone would not (a service's double border means
 * autoscaled; a group's means many services); a node or edge that does
 * not say is classified by its look (pic_legend_node, pic_legend_edge). */
enum {
    LEG_WAF = 1u << 0,
    LEG_GATEWAY = 1u << 1,
    LEG_SERVICE = 1u << 2,    /* a service of a fixed size */
    LEG_AUTOSCALED = 1u << 3, /* a service showing min..max: double border */
    LEG_WORKER = 1u << 4,     /* dashed border */
    LEG_CONNECTOR = 1u << 5,
    LEG_FRONTEND = 1u << 6,
    LEG_GROUP = 1u << 7,      /* a domain or team drawn as one node */
    LEG_STORE = 1u << 8,
    LEG_SOURCE = 1u << 9,
    LEG_FINDING = 1u << 10,   /* a node with a finding (red border) */
    LEG_ROUTES = 1u << 11,    /* requests: the gateway's routes */
    LEG_CALLS = 1u << 12,     /* a service calls another, or a source */
    LEG_COUNTED = 1u << 13,   /* calls counted: "N calls" */
    LEG_DATA = 1u << 14,      /* a service reads or writes a store */
    LEG_RED_EDGE = 1u << 15   /* a route with a finding */
};

typedef struct GNode {
    const char *id, *label, *cluster; /* cluster id or NULL */
    const char *shape, *fill, *style, *tooltip, *url;
    const char *rank; /* nodes with the same rank id share a column */
    int peripheries;
    bool red;
    unsigned legend; /* LEG_*, or 0: by its look */
    int seq; /* creation order, to break ties when sorting */
} GNode;

typedef struct GEdge {
    const char *from, *to, *label;
    const char *lhead, *ltail; /* clusters the edge stops at / leaves */
    const char *style, *tooltip;
    bool red;
    unsigned legend; /* LEG_*, or 0: by its look */
    int seq;
} GEdge;

typedef struct GCluster {
    const char *id, *label, *parent; /* parent cluster id or NULL */
    const char *fill, *style;
} GCluster;

typedef struct Graph {
    Arena *a;
    const char *title;
    const char *note; /* a caption under the title: what was aggregated */
    GNode *nodes;
    int nnodes, capnodes;
    GEdge *edges;
    int nedges, capedges;
    GCluster *clusters;
    int nclusters, capclusters;
    bool legend;
} Graph;

void pic_init(Graph *g, Arena *a, const char *title);
GNode *pic_node(Graph *g, const char *id, const char *label);
GEdge *pic_edge(Graph *g, const char *from, const char *to);
GCluster *pic_cluster(Graph *g, const char *id, const char *label,
                      const char *parent);
bool pic_has_node(const Graph *g, const char *id);
GEdge *pic_find_edge(Graph *g, const char *from, const char *to);
/* What a node or edge of g stands for (LEG_*): what its view said, or
 * what its look means. */
unsigned pic_legend_node(const GNode *n);
unsigned pic_legend_edge(const Graph *g, const GEdge *e);
/* Sort nodes and edges by id (clusters keep their order: parents first). */
void pic_sort(Graph *g);

typedef struct Renderer Renderer;
Renderer *pic_renderer_new(void);
void pic_renderer_free(Renderer *r);
/* The layout budget.  A picture's cost is nodes + 2 * edges + 6 * labelled
 * edges (dot turns each label into a node of its own); up to
 * PIC_COST_FULL dot runs as it likes, up to PIC_COST_BOUNDED with its
 * iterations capped, and beyond that the graph is packed with osage, whose
 * time is linear whatever the edges, and the caption says so.  The views
 * aggregate to stay under PIC_COST_BOUNDED; the rest is a safety net that
 * holds whatever the spec. */
enum { PIC_COST_FULL = 500, PIC_COST_BOUNDED = 900 };
int pic_cost(const Graph *g);
/* Each node's rank as the renderer gives it to dot (g sorted by pic_sort),
 * or NULL: its own, unless an edge into it would make a cycle of edges
 * inside one rank, or be a labelled edge inside one (dot 2.43 loops for
 * ever on the one and crashes on the other).  An array of g->nnodes, to
 * free(). */
const char **pic_dot_ranks(const Graph *g);
/* Lay g out (sorted by pic_sort; ranks as pic_dot_ranks) and render DOT,
 * SVG and (if png) PNG, within a time limit (diagrams_render.c).  Returns
 * 0; 1 when dot did not finish in time or aborted and the picture was
 * packed instead (its caption and err say why); -1 with Graphviz's
 * messages in err when the layout reports an error.  Labels are bounded
 * (bytes, lines) before they reach Graphviz. */
int pic_render(Renderer *r, const Graph *g, Strbuf *dot, Strbuf *svg,
               Strbuf *png, char *err, size_t errlen, double *seconds);

#endif
