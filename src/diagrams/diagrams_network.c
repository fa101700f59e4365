/* diagrams_network.c - the network view of one environment (src/diagrams/):
 * ENV/diagrams/network.{dot,svg,png}, clients -> WAF -> gateway -> the
 * services grouped by domain -> the stores, and the external sources their
 * connectors reach, drawn outside the UK boundary.
 *
 * It reads left to right in columns: clients, WAF, gateway, the services
 * (each domain a grid, column k of every domain on one rank), the stores,
 * the sources.  Beyond NETWORK_SERVICES services the view is drawn by
 * domain instead (diagrams_scale.c), in the same frame (view_network_frame).
 */
#include "diagrams_views.h"
#include "topoc/routing.h"
#include "topoc/util.h"

/* A domain's grid has at most this many columns: wide enough that a large
 * domain is a block rather than one tall column, narrow enough that the
 * stores stay in sight. */
enum { COLUMNS = 6 };

/* One domain of the view while it is drawn. */
typedef struct NetDomain {
    const char *name, *cluster; /* the group, and its box: grp:NAME */
    int members;
    const char *tail;         /* its last service: edges leave the domain
                                 from its last column */
    const char *first_public; /* where the gateway's edge enters, or NULL */
    bool red;                 /* a route of its services has a finding */
} NetDomain;

/* The first and the last column of services over all domains: the chain
 * that orders the columns runs through them. */
typedef struct NetColumns {
    const char *first, *last;
    int widest;
} NetColumns;

/* The title, the UK and environment boxes, the clients, the WAF and the
 * gateway, and the (empty) box of the stores: what a network view has
 * whether it draws services or domains. */
void view_network_frame(Views *v, Graph *g, const EnvModel *e, Arena *a)
{
    const char *env = e->env->name.s;
    pic_init(
        g, a,
        arena_printf(a, "%s: network flow (%s)", v->m->platform->name.s, env));
    pic_cluster(g, "uk", arena_printf(a, "UK: Azure %s", e->env->region.s),
                NULL)
        ->style = "dashed";
    GCluster *ec =
        pic_cluster(g, "env", arena_printf(a, "%s environment", env), "uk");
    ec->fill = "#f7fbff";
    ec->style = "rounded,filled";
    view_shaped(g, "clients", "API clients", "oval", "#ffffff", NULL)->rank =
        "clients";
    view_edge_node(v, g, env, "env", true);
    pic_edge(g, "clients", "edge:waf")->label = "HTTPS";
    pic_cluster(g, "stores", "data stores", "env");
}

/* A domain's box, labelled with its size. */
static NetDomain domain_box(Graph *g, const EnvModel *e, const char *group)
{
    NetDomain d = {.name = group,
                   .cluster = arena_printf(g->a, "grp:%s", group)};
    for (int i = 0; i < e->nservices; i++)
        d.members += streq(e->services[i]->group.s, group);
    pic_cluster(g, d.cluster, arena_printf(g->a, "%s (%d)", group, d.members),
                "env");
    return d;
}

/* The services of a domain in a grid filled column by column, each column
 * ranked colK so that column K of every domain lines up; an invisible edge
 * from a column's last service to the next column's first keeps them in
 * order. */
static void domain_grid(Views *v, Graph *g, const EnvModel *e, NetDomain *d,
                        NetColumns *cols)
{
    Arena *a = g->a;
    int rows = (d->members + COLUMNS - 1) / COLUMNS, n = 0;
    for (int i = 0; i < e->nservices; i++) {
        const Service *s = e->services[i];
        if (!streq(s->group.s, d->name))
            continue;
        GNode *sn =
            view_service_node(v, g, e, s, d->cluster,
                              arena_printf(a, "services/%s.svg", s->name.s));
        int col = n++ / rows;
        sn->rank = arena_printf(a, "col%d", col);
        if (col > 0 && (n - 1) % rows == 0) /* a column's first */
            pic_edge(g, d->tail, sn->id)->style = "invis";
        if (!cols->first)
            cols->first = sn->id;
        if (col >= cols->widest) {
            cols->widest = col + 1;
            cols->last = sn->id;
        }
        d->tail = sn->id;
        if (has_public_route(s)) {
            if (!d->first_public)
                d->first_public = sn->id;
            d->red = d->red || view_route_finding(v, e->env->name.s, s, a);
        }
    }
}

/* One edge from the domain's box to each category of external source its
 * connectors reach. */
static void domain_sources(Views *v, Graph *g, const EnvModel *e,
                           const NetDomain *d)
{
    for (int i = 0; i < e->nservices; i++) {
        const DataSource *src = view_source_of(v, e->services[i]);
        if (!src || !streq(e->services[i]->group.s, d->name))
            continue;
        const char *id = view_source_node(v, g, e, src);
        if (pic_find_edge(g, d->tail, id))
            continue;
        GEdge *ce = pic_edge(g, d->tail, id);
        ce->ltail = d->cluster; /* from the domain's box */
        ce->tooltip =
            arena_printf(g->a, "connectors of %s fetch from %s sources",
                         d->name, src->category.s);
    }
}

/* One edge from the gateway into the domain, not one per service. */
static void domain_entry(Graph *g, const NetDomain *d)
{
    if (!d->first_public)
        return;
    GEdge *ge = pic_edge(g, "edge:gateway", d->first_public);
    ge->lhead = d->cluster;
    ge->red = d->red;
    ge->tooltip = arena_printf(g->a, "the gateway routes to %s", d->name);
}

/* A domain's data flows drawn one per service and store, at most: more
 * dashed edges than this fan out of its grid into the stores' column and
 * loop around its box (108 services in one domain drew some 110 such
 * loops); the example's busiest domain has 21. */
enum { DOMAIN_DATA_EDGES = 24 };

static int domain_uses(const EnvModel *e, const NetDomain *d)
{
    int n = 0;
    for (int i = 0; i < e->nservices; i++)
        for (int j = 0; streq(e->services[i]->group.s, d->name) &&
                        j < e->nstores;
             j++)
            n += view_uses_store(e->services[i], e->stores[j]->name.s);
    return n;
}

/* The edges from a domain to the stores its services use: one per service
 * and store (each, and the domain has few), or else one from the domain's
 * box per store.  Returns whether it drew them from the box. */
static bool domain_stores(Views *v, Graph *g, const NetDomain *d, bool each)
{
    const EnvModel *e = v->e;
    each = each && domain_uses(e, d) <= DOMAIN_DATA_EDGES;
    bool boxed = false;
    for (int j = 0; j < e->nstores; j++) {
        const Store *st = e->stores[j];
        int n = 0;
        for (int i = 0; i < e->nservices; i++) {
            const Service *s = e->services[i];
            if (!streq(s->group.s, d->name) || !view_uses_store(s, st->name.s))
                continue;
            n++;
            if (each)
                view_data_edge(g, s, st);
        }
        if (each || !n)
            continue;
        boxed = true;
        GEdge *se =
            pic_edge(g, d->tail, arena_printf(g->a, "store:%s", st->name.s));
        se->ltail = d->cluster;
        se->style = "dashed";
        se->legend = LEG_DATA;
        se->tooltip = arena_printf(g->a, "%d service%s of %s use%s %s", n,
                                   n == 1 ? "" : "s", d->name,
                                   n == 1 ? "s" : "", st->name.s);
    }
    return boxed;
}

/* The stores and the calls of a network view, as far as the layout budget
 * (PIC_COST_FULL, with room for the few edges still to come) holds them:
 * an edge from each service to each store it uses, where the data flow
 * starts, or else one per domain and store from the domain's box (ltail);
 * then an edge for each call between services, or else a caption saying
 * where the calls are drawn (the overview, the domain pictures). */
static void network_flows(Views *v, Graph *g, const NetDomain *doms, int ndoms)
{
    const EnvModel *e = v->e;
    int uses = 0, calls = 0;
    for (int i = 0; i < e->nservices; i++) {
        for (int j = 0; j < e->nstores; j++)
            uses += view_uses_store(e->services[i], e->stores[j]->name.s);
        calls += v->first[i + 1] - v->first[i];
    }
    enum { ROOM = 24 };
    bool each = pic_cost(g) + 2 * uses + ROOM <= PIC_COST_FULL, boxed = false;
    for (int k = 0; k < ndoms; k++)
        boxed |= domain_stores(v, g, &doms[k], each);
    if (boxed)
        g->note = "a domain's data flows are drawn from its box, one per "
                  "store: each service's are in its own picture";
    if (calls && pic_cost(g) + 2 * calls + ROOM > PIC_COST_FULL) {
        /* no count: one more service would change the whole caption */
        g->note = boxed ? "too many to draw here: the calls between services "
                          "(the overview, the domain pictures) and each "
                          "service's data flows (its own picture)"
                        : "too many to draw here: the calls between services "
                          "are drawn in the overview and the domain pictures";
        return;
    }
    for (int d = 0; d < e->nservices; d++) /* v->caller: by callee */
        for (int c = v->first[d]; c < v->first[d + 1]; c++) {
            const char *from = e->services[v->caller[c]]->name.s,
                       *to = e->services[d]->name.s;
            GEdge *ce = pic_edge(g, arena_printf(g->a, "svc:%s", from),
                                 arena_printf(g->a, "svc:%s", to));
            ce->legend = LEG_CALLS;
            ce->tooltip = arena_printf(g->a, "%s calls %s", from, to);
        }
}

/* Invisible edges put the columns in order (each domain chains its own
 * columns in domain_grid): gateway, first and widest column of services,
 * the stores, the sources. */
static void network_order(Graph *g, const EnvModel *e, const NetColumns *cols)
{
    const char *chain[] = {
        "edge:gateway", cols->first, cols->last,
        e->nstores ? arena_printf(g->a, "store:%s", e->stores[0]->name.s)
                   : NULL,
        view_first_ranked(g, "sources")};
    const char *prev = NULL;
    for (int i = 0; i < 5; i++)
        if (chain[i]) {
            if (prev)
                pic_edge(g, prev, chain[i])->style = "invis";
            prev = chain[i];
        }
}

void view_network(Views *v, const EnvModel *e, Arena *a)
{
    if (e->nservices > NETWORK_SERVICES) {
        network_by_domain(v, e, a);
        return;
    }
    Graph g;
    view_network_frame(v, &g, e, a);
    const char **groups;
    int ngroups = env_groups(e, a, &groups);
    NetDomain *doms = arena_alloc(a, ((size_t)ngroups + 1) * sizeof *doms);
    for (int k = 0; k < ngroups; k++)
        doms[k] = domain_box(&g, e, groups[k]);
    for (int i = 0; i < e->nstores; i++)
        view_store_node(v, &g, e->env->name.s, e->stores[i], "stores")->rank =
            "stores";
    NetColumns cols = {0};
    for (int k = 0; k < ngroups; k++) {
        domain_grid(v, &g, e, &doms[k], &cols);
        domain_sources(v, &g, e, &doms[k]);
        domain_entry(&g, &doms[k]);
    }
    network_flows(v, &g, doms, ngroups);
    network_order(&g, e, &cols);
    view_render(v, &g, arena_printf(a, "%s/diagrams/network", e->env->name.s),
                true);
}
