/* diagrams_views.c - the diagrams room's main file (src/diagrams/): from
 * the resolved model (and, with check --highlight, the findings), the
 * pictures of the topology, which the docs (src/docs/) show.  The views
 * (this file, diagrams_network.c, and diagrams_scale.c beyond a readable
 * size) build plain graphs (graph.h); diagrams_render.c lays them out
 * with Graphviz.  This file also holds the nodes and edges the views share.
 *
 *   ENV/diagrams/network.{dot,svg,png}   clients -> WAF -> gateway ->
 *        services grouped by domain -> stores; connectors -> sources, which
 *        are drawn outside the UK boundary
 *   diagrams/overview.{dot,svg,png}      one node per domain, edges
 *        aggregated with counts, both environments side by side
 *   ENV/diagrams/domains/GROUP.{dot,svg,png}   a domain and its neighbours,
 *        with route labels
 *   ENV/diagrams/services/SERVICE.{dot,svg}    a service's neighbourhood
 *
 * Pictures read left to right, clusters are at most three deep, and every
 * picture has a legend.  With check --highlight, what the findings point
 * at is drawn in red: services, stores, the WAF and gateway, the gateway's
 * edges to routes with findings, and in the overview the domains holding
 * any of these.  Graphviz is behind graph.h.
 */
#include "diagrams_views.h"
#include "topoc/routing.h"
#include "topoc/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether a finding points at KIND/NAME in environment env: its target
 * is ENV/KIND/NAME or KIND/NAME, or lies under it (service/web/settings/X
 * is about service/web).  Kinds: service, store, route (NAME is the host
 * and path) and edge (gateway, waf). */
bool view_finding(const Views *v, const char *env, const char *kind,
                  const char *name)
{
    if (!v->ds)
        return false;
    size_t el = strlen(env), kl = strlen(kind), nl = strlen(name);
    for (int i = 0; i < v->ds->n; i++) {
        const Diag *d = v->ds->v[i];
        if (!d->target || d->suppressed || d->sev == SEV_NOTE)
            continue;
        const char *t = d->target;
        if (strncmp(t, env, el) == 0 && t[el] == '/')
            t += el + 1;
        if (strncmp(t, kind, kl) == 0 && t[kl] == '/' &&
            strncmp(t + kl + 1, name, nl) == 0 &&
            (t[kl + 1 + nl] == '\0' || t[kl + 1 + nl] == '/'))
            return true;
    }
    return false;
}

/* Whether any of a service's routes has a finding: its edge from the
 * gateway is drawn red. */
bool view_route_finding(const Views *v, const char *env, const Service *s,
                        Arena *a)
{
    for (int i = 0; v->ds && i < s->routes.n; i++) {
        const Route *r = s->routes.v[i];
        if (view_finding(v, env, "route",
                         arena_printf(a, "%s%s", r->host.s, r->path.s)))
            return true;
    }
    return false;
}

static const char *svc_label(Arena *a, const Service *s)
{
    const Scaling *sc = s->scaling;
    if (sc->min.v == sc->max.v)
        return arena_printf(a, "%s\n%lld instance%s", s->name.s, sc->min.v,
                            sc->min.v == 1 ? "" : "s");
    return arena_printf(a, "%s\n%lld..%lld", s->name.s, sc->min.v, sc->max.v);
}

GNode *view_service_node(Views *v, Graph *g, const EnvModel *e,
                         const Service *s, const char *cluster, const char *url)
{
    GNode *n = pic_node(g, arena_printf(g->a, "svc:%s", s->name.s),
                        svc_label(g->a, s));
    n->cluster = cluster;
    bool conn = streq(s->kind.s, "connector");
    n->fill = conn ? FILL_CONNECTOR : FILL_SERVICE;
    n->shape = streq(s->kind.s, "frontend") ? "tab" : "box";
    n->style =
        streq(s->kind.s, "worker") ? "rounded,filled,dashed" : "rounded,filled";
    const Scaling *sc = s->scaling;
    bool scaled = sc->min.v != sc->max.v;
    n->peripheries = scaled ? 2 : 1;
    n->legend = (scaled ? LEG_AUTOSCALED : LEG_SERVICE) |
                (conn ? LEG_CONNECTOR : 0) |
                (streq(s->kind.s, "worker") ? LEG_WORKER : 0) |
                (streq(s->kind.s, "frontend") ? LEG_FRONTEND : 0);
    /* what a reader hovering over it wants: who owns it, how many run */
    n->tooltip = arena_printf(
        g->a, "%s: team %s, %s instance%s%s%s", s->name.s, s->team.s,
        scaled ? arena_printf(g->a, "%lld..%lld", sc->min.v, sc->max.v)
               : arena_printf(g->a, "%lld", sc->min.v),
        !scaled && sc->min.v == 1 ? "" : "s", s->description.s ? ". " : "",
        s->description.s ? s->description.s : "");
    n->url = url;
    n->red = view_finding(v, e->env->name.s, "service", s->name.s);
    return n;
}

/* A filled node of a given shape: everything that is not a service. */
GNode *view_shaped(Graph *g, const char *id, const char *label,
                   const char *shape, const char *fill, const char *cluster)
{
    GNode *n = pic_node(g, id, label);
    n->shape = shape;
    n->fill = fill;
    n->style = "filled";
    n->cluster = cluster;
    return n;
}

/* The WAF and the gateway; in columns of their own when ranked. */
void view_edge_node(Views *v, Graph *g, const char *env, const char *cluster,
                    bool ranked)
{
    GNode *w = view_shaped(g, "edge:waf", "WAF\n(App Gateway WAF_v2)",
                           "hexagon", FILL_WAF, cluster);
    w->red = view_finding(v, env, "edge", "waf");
    w->rank = ranked ? "waf" : NULL;
    GNode *gw = view_shaped(g, "edge:gateway", "gateway", "component",
                            FILL_GATEWAY, cluster);
    gw->red = view_finding(v, env, "edge", "gateway");
    gw->rank = ranked ? "gateway" : NULL;
    pic_edge(g, "edge:waf", "edge:gateway")->legend = LEG_ROUTES;
}

GNode *view_store_node(Views *v, Graph *g, const char *env, const Store *s,
                       const char *cluster)
{
    GNode *n = view_shaped(
        g, arena_printf(g->a, "store:%s", s->name.s),
        arena_printf(g->a, "%s\n%s, %s", s->name.s, s->kind.s, s->redundancy.s),
        "cylinder", FILL_STORE, cluster);
    n->red = view_finding(v, env, "store", s->name.s);
    return n;
}

/* The external source a connector owns, or NULL. */
const DataSource *view_source_of(const Views *v, const Service *s)
{
    return s->connector ? model_source(v->m->platform, s->connector->source.s)
                        : NULL;
}

/* The node of the external sources of a category, outside the UK, made
 * when first used. */
const char *view_source_node(Views *v, Graph *g, const EnvModel *e,
                             const DataSource *src)
{
    const char *id = arena_printf(g->a, "sources:%s", src->category.s);
    if (pic_has_node(g, id))
        return id;
    int n = 0;
    for (int j = 0; j < e->nservices; j++) {
        const DataSource *o = view_source_of(v, e->services[j]);
        n += o && streq(o->category.s, src->category.s);
    }
    view_shaped(g, id,
                arena_printf(g->a, "%s sources (%d)\noutside the UK",
                             src->category.s, n),
                "note", FILL_SOURCE, NULL)
        ->rank = "sources";
    return id;
}

/* The first node of a rank, or NULL. */
const char *view_first_ranked(const Graph *g, const char *rank)
{
    for (int i = 0; i < g->nnodes; i++)
        if (g->nodes[i].rank && streq(g->nodes[i].rank, rank))
            return g->nodes[i].id;
    return NULL;
}

void view_render(Views *v, Graph *g, const char *base, bool png)
{
    pic_sort(g);
    Strbuf dot = STRBUF_INIT, svg = STRBUF_INIT, pngb = STRBUF_INIT;
    char err[2048];
    double secs = 0;
    int rc = pic_render(v->r, g, &dot, &svg, png ? &pngb : NULL, err,
                        sizeof err, &secs);
    if (rc < 0) {
        fprintf(stderr, "topoc: error: %s: %s\n", base, err);
        v->failed = 1;
    } else {
        if (rc > 0)
            fprintf(stderr, "topoc: warning: %s: %s\n", base, err);
        out_add(v->o, arena_printf(g->a, "%s.dot", base), &dot);
        out_add(v->o, arena_printf(g->a, "%s.svg", base), &svg);
        if (png)
            out_add(v->o, arena_printf(g->a, "%s.png", base), &pngb);
    }
    if (v->stats)
        sb_printf(v->stats, "topoc: stats: layout %-45s %6.3f s (%d nodes)\n",
                  base, secs, g->nnodes);
    sb_release(&dot);
    sb_release(&svg);
    sb_release(&pngb);
}

bool view_uses_store(const Service *s, const char *store)
{
    for (int i = 0; i < s->stores.n; i++)
        if (streq(((const StoreUse *)s->stores.v[i])->store.s, store))
            return true;
    return false;
}

/* A service reads or writes a store: a dashed edge from the service. */
void view_data_edge(Graph *g, const Service *s, const Store *st)
{
    const char *access = "uses";
    for (int i = 0; i < s->stores.n; i++) {
        const StoreUse *u = s->stores.v[i];
        if (streq(u->store.s, st->name.s) && u->access.s)
            access = u->access.s;
    }
    GEdge *e = pic_edge(g, arena_printf(g->a, "svc:%s", s->name.s),
                        arena_printf(g->a, "store:%s", st->name.s));
    e->style = "dashed";
    e->legend = LEG_DATA;
    e->tooltip = arena_printf(g->a, "%s: %s %s", s->name.s, access, st->name.s);
}

/* ---- a domain, or a service, with its neighbours ---- */

static const char *route_lines(Arena *a, const Service *s, int max)
{
    Strbuf sb = STRBUF_INIT;
    int shown = 0;
    for (int i = 0; i < s->routes.n; i++) {
        const Route *r = s->routes.v[i];
        if (r->internal.v || shown++ >= max)
            continue; /* counted, not shown */
        Strbuf m = STRBUF_INIT;
        route_methods_text(route_methods(&r->methods), &m);
        sb_printf(&sb, "%s%s %s", sb.len ? "\n" : "", m.buf, r->path.s);
        sb_release(&m);
    }
    if (shown > max)
        sb_printf(&sb, "\n(+%d more)", shown - max);
    const char *out = arena_strdup(a, sb.buf);
    sb_release(&sb);
    return out;
}

/* An edge labelled with a count: found and added to, or made. */
static GEdge *count_edge(Graph *g, const char *from, const char *to, int n)
{
    GEdge *e = pic_find_edge(g, from, to);
    if (e)
        n += atoi(e->label);
    else
        e = pic_edge(g, from, to);
    e->label = arena_printf(g->a, "%d call%s", n, n == 1 ? "" : "s");
    e->legend = LEG_COUNTED;
    return e;
}

/* A neighbour outside the view: its own node, or when its domain has more
 * than MAX_NEAR services around the view, one node for that domain, so
 * that a mapper called by 45 connectors is not drawn as a column of 45.
 * Beyond NEAR_SERVICES neighbours every domain is one node, and beyond
 * NEAR_DOMAINS domains the quietest share one node: a service everybody
 * calls still gets a picture within the layout budget. */
enum { MAX_NEAR = 6 };

typedef struct View {
    int inside;          /* Views.mark[i] == inside: service i is drawn */
    const char **groups; /* the domains of the outside neighbours */
    int *counts, ngroups;
    int nnear;          /* outside neighbours */
    bool grouped;       /* more than NEAR_SERVICES: one node per domain */
    const char *others; /* the label of the node for the rest, or NULL */
} View;

/* The callers of service i, and how many. */
static const int *callers_of(const Views *v, int i, int *n)
{
    *n = v->first[i + 1] - v->first[i];
    return v->caller + v->first[i];
}

static void near(Views *v, View *w, const Service *c, int i, Arena *a)
{
    if (v->mark[i] >= w->inside)
        return; /* inside, or counted */
    v->mark[i] = w->inside + 1;
    w->nnear++;
    int g = 0;
    while (g < w->ngroups && !streq(w->groups[g], c->group.s))
        g++;
    if (g == w->ngroups) {
        int cap = w->ngroups + 1;
        w->groups = arena_grow(a, w->groups, (size_t)w->ngroups, (size_t)cap,
                               sizeof *w->groups);
        w->counts = arena_grow(a, w->counts, (size_t)w->ngroups, (size_t)cap,
                               sizeof *w->counts);
        w->groups[g] = c->group.s;
        w->ngroups++;
    }
    w->counts[g]++;
}

/* Busiest first, then by name: the domains drawn when there are many. */
static void rank_groups(View *w)
{
    for (int i = 1; i < w->ngroups; i++)
        for (int j = i; j > 0; j--) {
            int c = w->counts[j] - w->counts[j - 1];
            if (c < 0 || (c == 0 && strcmp(w->groups[j], w->groups[j - 1]) > 0))
                break;
            const char *g = w->groups[j];
            w->groups[j] = w->groups[j - 1];
            w->groups[j - 1] = g;
            int n = w->counts[j];
            w->counts[j] = w->counts[j - 1];
            w->counts[j - 1] = n;
        }
}

static void count_neighbours(Views *v, View *w, const int *members, int n,
                             Arena *a)
{
    const EnvModel *e = v->e;
    memset(w, 0, sizeof *w);
    v->stamp += 2;
    w->inside = v->stamp;
    for (int k = 0; k < n; k++)
        v->mark[members[k]] = w->inside;
    for (int k = 0; k < n; k++) {
        const Service *s = e->services[members[k]];
        for (int j = 0; j < s->depends_on.n; j++) {
            int d = env_service_index(e, s->depends_on.v[j].s);
            if (d >= 0)
                near(v, w, e->services[d], d, a);
        }
        int nc;
        const int *c = callers_of(v, members[k], &nc);
        for (int j = 0; j < nc; j++)
            near(v, w, e->services[c[j]], c[j], a);
    }
    w->grouped = w->nnear > NEAR_SERVICES;
    if (w->ngroups <= NEAR_DOMAINS)
        return;
    rank_groups(w);
    int rest = 0;
    for (int g = NEAR_DOMAINS; g < w->ngroups; g++)
        rest += w->counts[g];
    w->others = arena_printf(a, "%d more services\nof %d other domains", rest,
                             w->ngroups - NEAR_DOMAINS);
    w->grouped = true;
}

static const char *neighbour(Views *v, Graph *g, const EnvModel *e,
                             const View *w, const Service *d, bool *many)
{
    int count = 0, rank = 0;
    for (int k = 0; k < w->ngroups; k++)
        if (streq(w->groups[k], d->group.s)) {
            count = w->counts[k];
            rank = k;
        }
    *many = w->grouped || count > MAX_NEAR;
    if (!*many) {
        const char *id = arena_printf(g->a, "svc:%s", d->name.s);
        if (!pic_has_node(g, id))
            view_service_node(
                v, g, e, d, NULL,
                arena_printf(g->a, "../services/%s.svg", d->name.s));
        return id;
    }
    if (w->others && rank >= NEAR_DOMAINS) {
        if (!pic_has_node(g, "grp:*"))
            pic_node(g, "grp:*", w->others)->peripheries = 2;
        return "grp:*";
    }
    const char *id = arena_printf(g->a, "grp:%s", d->group.s);
    if (!pic_has_node(g, id)) {
        GNode *n = pic_node(
            g, id, arena_printf(g->a, "%s\n%d services", d->group.s, count));
        n->peripheries = 2;
        n->fill = streq(d->kind.s, "connector") ? FILL_CONNECTOR : FILL_SERVICE;
        n->url = arena_printf(g->a, "../domains/%s.svg", d->group.s);
        n->tooltip = arena_printf(g->a, "%d services of %s", count, d->group.s);
    }
    return id;
}

/* An edge to or from a neighbour, counted when the neighbour is a group. */
static void neighbour_edge(Graph *g, const char *from, const char *to,
                           bool many)
{
    if (many)
        count_edge(g, from, to, 1);
    else
        pic_edge(g, from, to);
}

/* Services `inside` and every neighbour: dependencies both ways, stores,
 * sources, and the gateway for public routes (labelled). */
static void neighbourhood(Views *v, Graph *g, const EnvModel *e,
                          const int *members, int nmembers, const char *cluster,
                          int routes)
{
    Arena *a = g->a;
    bool gateway = false, many;
    View w;
    count_neighbours(v, &w, members, nmembers, a);
    for (int i = 0; i < nmembers; i++) {
        const Service *s = e->services[members[i]];
        GNode *n =
            view_service_node(v, g, e, s, cluster,
                              arena_printf(a, "../services/%s.svg", s->name.s));
        if (has_public_route(s)) {
            if (!gateway)
                view_edge_node(v, g, e->env->name.s, NULL, false);
            gateway = true;
            GEdge *ge = pic_edge(g, "edge:gateway", n->id);
            ge->label = route_lines(a, s, routes);
            ge->red = view_route_finding(v, e->env->name.s, s, a);
        }
        for (int k = 0; k < s->depends_on.n; k++) {
            int di = env_service_index(e, s->depends_on.v[k].s);
            if (di < 0)
                continue;
            const Service *d = e->services[di];
            if (v->mark[di] == w.inside) {
                pic_edge(g, n->id, arena_printf(a, "svc:%s", d->name.s));
                continue;
            }
            const char *id = neighbour(v, g, e, &w, d, &many);
            neighbour_edge(g, n->id, id, many);
        }
        int nc;
        const int *c = callers_of(v, members[i], &nc);
        for (int k = 0; k < nc; k++) { /* who calls it */
            if (v->mark[c[k]] == w.inside)
                continue;
            const char *id = neighbour(v, g, e, &w, e->services[c[k]], &many);
            neighbour_edge(g, id, n->id, many);
        }
        for (int k = 0; k < e->nstores; k++) {
            if (!view_uses_store(s, e->stores[k]->name.s))
                continue;
            const char *id = arena_printf(a, "store:%s", e->stores[k]->name.s);
            if (!pic_has_node(g, id))
                view_store_node(v, g, e->env->name.s, e->stores[k], NULL);
            view_data_edge(g, s, e->stores[k]);
        }
        const DataSource *src = view_source_of(v, s);
        if (src) {
            const char *id = arena_printf(a, "src:%s", src->name.s);
            if (!pic_has_node(g, id)) /* shared when the spec is wrong */
                view_shaped(g, id,
                            src->display_name.s ? src->display_name.s
                                                : src->name.s,
                            "note", FILL_SOURCE, NULL);
            pic_edge(g, n->id, id);
        }
    }
}

static void domains(Views *v, const EnvModel *e, Arena *a)
{
    const char **groups;
    int ngroups = env_groups(e, a, &groups);
    int *members = arena_alloc(a, ((size_t)e->nservices + 1) * sizeof *members);
    for (int k = 0; k < ngroups; k++) {
        const char *grp = groups[k];
        int n = 0;
        for (int i = 0; i < e->nservices; i++)
            if (streq(e->services[i]->group.s, grp))
                members[n++] = i;
        if (n > DOMAIN_SERVICES) {
            domain_by_team(v, e, grp, members, n, a);
            continue;
        }
        Graph g;
        pic_init(&g, a,
                 arena_printf(a, "%s: domain %s (%s)", v->m->platform->name.s,
                              grp, e->env->name.s));
        pic_cluster(&g, "domain", grp, NULL)->fill = "#f7fbff";
        g.clusters[0].style = "rounded,filled";
        neighbourhood(v, &g, e, members, n, "domain", 4);
        view_render(
            v, &g,
            arena_printf(a, "%s/diagrams/domains/%s", e->env->name.s, grp),
            false);
    }
}

static void services(Views *v, const EnvModel *e, Arena *a)
{
    for (int i = 0; i < e->nservices; i++) {
        const Service *s = e->services[i];
        Graph g;
        pic_init(&g, a,
                 arena_printf(a, "%s: %s (%s)", v->m->platform->name.s,
                              s->name.s, e->env->name.s));
        neighbourhood(v, &g, e, &i, 1, NULL, 50);
        view_render(v, &g,
                    arena_printf(a, "%s/diagrams/services/%s", e->env->name.s,
                                 s->name.s),
                    false);
    }
}

/* ---- the overview ---- */

static void overview(Views *v, Arena *a)
{
    Graph g;
    pic_init(&g, a, arena_printf(a, "%s: overview", v->m->platform->name.s));
    for (int x = 0; x < v->m->nenvs; x++) {
        const EnvModel *e = &v->m->envs[x];
        const char *env = e->env->name.s;
        pic_cluster(&g, env,
                    arena_printf(a, "%s - Azure %s (UK), %d data store%s", env,
                                 e->env->region.s, e->nstores,
                                 e->nstores == 1 ? "" : "s"),
                    NULL)
            ->fill = "#f7fbff";
        g.clusters[g.nclusters - 1].style = "rounded,filled";
        GNode *gw =
            view_shaped(&g, arena_printf(a, "%s:gateway", env), "WAF + gateway",
                        "component", FILL_GATEWAY, env);
        for (int i = 0; i < e->nservices; i++) {
            const Service *s = e->services[i];
            const char *id = arena_printf(a, "%s:%s", env, s->group.s);
            if (!pic_has_node(&g, id)) {
                int count = 0, routes = 0, connectors = 0;
                bool red = false;
                for (int k = 0; k < e->nservices; k++) {
                    const Service *m = e->services[k];
                    if (!streq(m->group.s, s->group.s))
                        continue;
                    count++;
                    connectors += m->connector != NULL;
                    red = red || view_finding(v, env, "service", m->name.s) ||
                          view_route_finding(v, env, m, a);
                    for (int r = 0; r < m->routes.n; r++)
                        routes += !((const Route *)m->routes.v[r])->internal.v;
                }
                GNode *n =
                    pic_node(&g, id,
                             arena_printf(a, "%s\n%d service%s", s->group.s,
                                          count, count == 1 ? "" : "s"));
                n->cluster = env;
                n->fill = connectors == count ? FILL_CONNECTOR : FILL_SERVICE;
                n->red = red;
                n->peripheries = 2; /* a group, as in the other pictures */
                n->url = arena_printf(a, "../%s/diagrams/domains/%s.svg", env,
                                      s->group.s);
                if (routes)
                    pic_edge(&g, gw->id, id)->label = arena_printf(
                        a, "%d route%s", routes, routes == 1 ? "" : "s");
            }
        }
        /* domain -> domain calls, counted */
        for (int i = 0; i < e->nservices; i++) {
            const Service *s = e->services[i];
            for (int k = 0; k < s->depends_on.n; k++) {
                const Service *d = env_service(e, s->depends_on.v[k].s);
                if (!d || streq(d->group.s, s->group.s))
                    continue;
                count_edge(&g, arena_printf(a, "%s:%s", env, s->group.s),
                           arena_printf(a, "%s:%s", env, d->group.s), 1);
            }
        }
    }
    view_render(v, &g, "diagrams/overview", true);
}

int emit_diagrams(const Model *m, const Diags *highlight, Outputs *o,
                  Strbuf *stats)
{
    Views v = {.m = m,
               .ds = highlight,
               .r = pic_renderer_new(),
               .o = o,
               .stats = stats};
    for (int i = 0; i < m->nenvs && !v.failed; i++) {
        Arena a;
        arena_init(&a);
        view_index_callers(&v, &m->envs[i], &a);
        view_network(&v, &m->envs[i], &a);
        domains(&v, &m->envs[i], &a);
        services(&v, &m->envs[i], &a);
        arena_free(&a);
    }
    if (!v.failed) {
        Arena a;
        arena_init(&a);
        if (overview_too_large(m, &a))
            overview_by_size(&v, &a);
        else
            overview(&v, &a);
        arena_free(&a);
    }
    pic_renderer_free(v.r);
    return v.failed ? -1 : 0;
}
