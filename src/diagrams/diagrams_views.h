/* diagrams_views.h - what the views of the diagrams room share
 * (diagrams_views.c and diagrams_network.c draw a platform service by
 * service, diagrams_scale.c draws what is too large for that, aggregated).
 *
 * The sizes below keep every picture inside the layout budget of graph.h
 * (PIC_COST_BOUNDED), whatever the platform: beyond them a picture draws
 * groups with counts instead of services, keeps only the heaviest of its
 * counted edges, and says so in its caption.
 */
#ifndef TOPOC_DIAGRAMS_VIEWS_H
#define TOPOC_DIAGRAMS_VIEWS_H

#include "topoc/diagrams.h"
#include "topoc/graph.h"

enum {
    NETWORK_SERVICES = 150, /* a network view draws services up to this */
    NETWORK_DOMAINS = 30,   /* then domains, the largest this many */
    DOMAIN_SERVICES = 40,   /* a domain view draws services up to this */
    DOMAIN_PARTS = 24,      /* then teams, the largest this many */
    NEAR_SERVICES = 60,     /* neighbours drawn one by one up to this */
    NEAR_DOMAINS = 16,      /* then by domain, the busiest this many */
    COUNTED_EDGES = 24,     /* counted edges drawn, the heaviest */
    OVERVIEW_DOMAINS = 20,  /* domains per environment in the overview */
    OVERVIEW_EDGES = 20     /* domain-to-domain edges per environment */
};

typedef struct Views {
    const Model *m;
    const Diags *ds; /* findings to highlight, or NULL */
    Renderer *r;
    Outputs *o;
    Strbuf *stats;
    int failed;
    /* the environment being drawn: who calls each service, by index into
     * its services (callers of i: caller[first[i]] .. caller[first[i+1]]),
     * so a view finds its neighbours without scanning the platform */
    const EnvModel *e;
    int *first, *caller;
    int *mark, stamp; /* per service, for one view's bookkeeping */
} Views;

/* Fill v's index of who calls whom in e (Views.e, first, caller, mark). */
void view_index_callers(Views *v, const EnvModel *e, Arena *a);
bool view_finding(const Views *v, const char *env, const char *kind,
                  const char *name);
bool view_route_finding(const Views *v, const char *env, const Service *s,
                        Arena *a);
/* The WAF and the gateway; in columns of their own when ranked. */
void view_edge_node(Views *v, Graph *g, const char *env, const char *cluster,
                    bool ranked);
/* Lay out and add BASE.dot, BASE.svg and, if png, BASE.png. */
void view_render(Views *v, Graph *g, const char *base, bool png);

/* The nodes and edges every view draws alike (diagrams_views.c). */
#define FILL_SERVICE "#d9ead3"
#define FILL_CONNECTOR "#cfe2f3"
#define FILL_STORE "#ead1dc"
#define FILL_SOURCE "#eeeeee"
#define FILL_WAF "#f4cccc"
#define FILL_GATEWAY "#fff2cc"
/* A service, linking to url, with its team and instances as tooltip. */
GNode *view_service_node(Views *v, Graph *g, const EnvModel *e,
                         const Service *s, const char *cluster,
                         const char *url);
/* A filled node of a given shape: everything that is not a service. */
GNode *view_shaped(Graph *g, const char *id, const char *label,
                   const char *shape, const char *fill, const char *cluster);
GNode *view_store_node(Views *v, Graph *g, const char *env, const Store *s,
                       const char *cluster);
/* The external source a connector owns, or NULL. */
const DataSource *view_source_of(const Views *v, const Service *s);
/* The node of a category of external sources (made when first used). */
const char *view_source_node(Views *v, Graph *g, const EnvModel *e,
                             const DataSource *src);
bool view_uses_store(const Service *s, const char *store);
/* A service reads or writes a store: a dashed edge from the service. */
void view_data_edge(Graph *g, const Service *s, const Store *st);
/* The first node of a rank, or NULL. */
const char *view_first_ranked(const Graph *g, const char *rank);

/* diagrams_network.c: the network view of an environment (by domain
 * beyond NETWORK_SERVICES services), and the frame both kinds share. */
void view_network(Views *v, const EnvModel *e, Arena *a);
void view_network_frame(Views *v, Graph *g, const EnvModel *e, Arena *a);

/* diagrams_scale.c */
void network_by_domain(Views *v, const EnvModel *e, Arena *a);
void domain_by_team(Views *v, const EnvModel *e, const char *grp,
                    const int *members, int n, Arena *a);
/* Whether the overview must aggregate (too many domains or calls). */
bool overview_too_large(const Model *m, Arena *a);
void overview_by_size(Views *v, Arena *a);

#endif
