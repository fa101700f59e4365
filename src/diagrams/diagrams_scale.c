/* diagrams_scale.c - the pictures of a platform too large to draw service
 * by service (src/diagrams/; the sizes are in diagrams_views.h): the
 * network view by domain, a large domain by team, and the overview with
 * the largest domains and the heaviest calls between them.
 *
 * Each keeps its picture inside the layout budget of graph.h by drawing
 * groups with counts: at most a fixed number of groups (the largest; the
 * rest share one node) and of counted edges (the heaviest), so neither the
 * number of services nor the density of their calls decides the layout
 * time.  The caption says what was aggregated; every domain node links to
 * its domain's picture, every service keeps a picture of its own, and the
 * docs catalogue lists them all.
 */
#include "diagrams_views.h"
#include "topoc/routing.h"
#include "topoc/util.h"

#include <stdlib.h>
#include <string.h>

/* ---- who calls whom ---- */

/* Who calls whom in e, once per environment (Views.first, Views.caller);
 * a caller listing a dependency twice is counted once. */
void view_index_callers(Views *v, const EnvModel *e, Arena *a)
{
    int n = e->nservices;
    v->e = e;
    v->first = arena_alloc(a, ((size_t)n + 2) * sizeof *v->first);
    v->mark = arena_alloc(a, ((size_t)n + 1) * sizeof *v->mark);
    v->stamp = 0;
    int *fill = arena_alloc(a, ((size_t)n + 1) * sizeof *fill);
    for (int pass = 0; pass < 2; pass++) {
        for (int c = 0; c < n; c++)
            for (int k = 0; k < e->services[c]->depends_on.n; k++) {
                int d =
                    env_service_index(e, e->services[c]->depends_on.v[k].s);
                if (d < 0)
                    continue;
                if (pass == 0) {
                    v->first[d + 1]++;
                } else if (fill[d] == v->first[d] ||
                           v->caller[fill[d] - 1] != c) {
                    v->caller[fill[d]++] = c;
                }
            }
        if (pass == 0) {
            for (int i = 0; i < n; i++)
                v->first[i + 1] += v->first[i];
            v->caller =
                arena_alloc(a, ((size_t)v->first[n] + 1) * sizeof *v->caller);
            memcpy(fill, v->first, (size_t)n * sizeof *fill);
        }
    }
    for (int i = 0; i < n; i++) /* duplicates left holes: close them */
        v->first[i + 1] = v->first[i + 1] < fill[i] ? fill[i] : v->first[i + 1];
}

/* ---- parts: services partitioned by a key, largest first ---- */

typedef struct Parts {
    const char **key;   /* the distinct keys, by name */
    int *size, *slot;   /* per key: weight; where it is drawn */
    int n, shown;       /* keys; slots drawn one per key (slot `shown` is
                           the rest, when n > shown) */
    const char **drawn; /* per slot below shown: its key */
    int rest, restkeys; /* weight and keys in the rest */
} Parts;

static int key_at(const Parts *p, const char *key)
{
    int lo = 0, hi = p->n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int c = strcmp(p->key[mid], key);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static const Parts *ranking; /* qsort has no context argument */

static int by_weight(const void *x, const void *y)
{
    int a = *(const int *)x, b = *(const int *)y;
    if (ranking->size[a] != ranking->size[b])
        return ranking->size[b] - ranking->size[a];
    return strcmp(ranking->key[a], ranking->key[b]);
}

/* Partition n weighted keys (one entry per unit of weight; NULL entries
 * are skipped); the max heaviest keys get a slot each. */
static void parts_build(Parts *p, const char **keys, int n, int max, Arena *a)
{
    memset(p, 0, sizeof *p);
    p->key = arena_alloc(a, ((size_t)n + 1) * sizeof *p->key);
    for (int i = 0; i < n; i++)
        if (keys[i])
            p->key[p->n++] = keys[i];
    sort_strings(p->key, p->n);
    int distinct = 0;
    for (int i = 0; i < p->n; i++)
        if (distinct == 0 || strcmp(p->key[distinct - 1], p->key[i]) != 0)
            p->key[distinct++] = p->key[i];
    p->n = distinct;
    p->size = arena_alloc(a, ((size_t)p->n + 1) * sizeof *p->size);
    p->slot = arena_alloc(a, ((size_t)p->n + 1) * sizeof *p->slot);
    for (int i = 0; i < n; i++)
        if (keys[i])
            p->size[key_at(p, keys[i])]++;
    int *order = arena_alloc(a, ((size_t)p->n + 1) * sizeof *order);
    for (int i = 0; i < p->n; i++)
        order[i] = i;
    ranking = p;
    qsort(order, (size_t)p->n, sizeof *order, by_weight);
    ranking = NULL;
    p->shown = p->n > max ? max : p->n;
    p->drawn = arena_alloc(a, ((size_t)p->shown + 1) * sizeof *p->drawn);
    for (int r = 0; r < p->n; r++) {
        int k = order[r];
        p->slot[k] = r < p->shown ? r : p->shown;
        if (r < p->shown) {
            p->drawn[r] = p->key[k];
        } else {
            p->rest += p->size[k];
            p->restkeys++;
        }
    }
}

/* The slot of a key, or -1 when it is not one of the parts. */
static int slot_of(const Parts *p, const char *key)
{
    int k = key ? key_at(p, key) : -1;
    return k < 0 ? -1 : p->slot[k];
}

static int slots(const Parts *p)
{
    return p->shown + (p->restkeys > 0);
}

/* ---- flows: counted edges between slots, heaviest first ---- */

typedef struct Flow {
    int from, to, n;
} Flow;

typedef struct Flows {
    Flow *v;
    int n, cap;
} Flows;

static void flow_add(Flows *f, int from, int to, Arena *a)
{
    if (from < 0 || to < 0 || from == to)
        return;
    if (f->n == f->cap) {
        int cap = f->cap ? 2 * f->cap : 64;
        f->v = arena_grow(a, f->v, (size_t)f->n, (size_t)cap, sizeof *f->v);
        f->cap = cap;
    }
    f->v[f->n++] = (Flow){from, to, 1};
}

static int by_pair(const void *x, const void *y)
{
    const Flow *a = x, *b = y;
    if (a->from != b->from)
        return a->from - b->from;
    return a->to - b->to;
}

static int by_count(const void *x, const void *y)
{
    const Flow *a = x, *b = y;
    if (a->n != b->n)
        return b->n - a->n;
    return by_pair(x, y);
}

/* Merge equal pairs into counts, heaviest first; returns how many. */
static int flows_tally(Flows *f)
{
    if (f->n == 0)
        return 0;
    qsort(f->v, (size_t)f->n, sizeof *f->v, by_pair);
    int m = 0;
    for (int i = 0; i < f->n; i++) {
        if (m > 0 && by_pair(&f->v[m - 1], &f->v[i]) == 0)
            f->v[m - 1].n++;
        else
            f->v[m++] = f->v[i];
    }
    f->n = m;
    qsort(f->v, (size_t)f->n, sizeof *f->v, by_count);
    return m;
}

/* ---- nodes ---- */

static GNode *filled(Graph *g, const char *id, const char *label,
                     const char *shape, const char *fill, const char *cluster)
{
    GNode *n = pic_node(g, id, label);
    n->shape = shape;
    n->fill = fill;
    n->style = shape && streq(shape, "box") ? "rounded,filled" : "filled";
    n->cluster = cluster;
    return n;
}

static const char *plural(int n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* A node for slot k of p: a group of services with their counts. */
static GNode *part_node(Graph *g, const Parts *p, int k, const char *prefix,
                        const char *what, const char *cluster)
{
    Arena *a = g->a;
    if (k < p->shown) {
        GNode *n = filled(
            g, arena_printf(a, "%s:%s", prefix, p->drawn[k]),
            arena_printf(a, "%s\n%d service%s", p->drawn[k],
                         p->size[key_at(p, p->drawn[k])],
                         plural(p->size[key_at(p, p->drawn[k])], "", "s")),
            "box", FILL_SERVICE, cluster);
        n->peripheries = 2;
        return n;
    }
    GNode *n = filled(g, arena_printf(a, "%s:*", prefix),
                      arena_printf(a, "%d more service%s\nin %d %s", p->rest,
                                   plural(p->rest, "", "s"), p->restkeys, what),
                      "box", FILL_SERVICE, cluster);
    n->peripheries = 2;
    n->style = "rounded,filled,dashed";
    return n;
}

static const char *part_id(const Graph *g, const Parts *p, int k,
                           const char *prefix)
{
    return k < p->shown ? arena_printf(g->a, "%s:%s", prefix, p->drawn[k])
                        : arena_printf(g->a, "%s:*", prefix);
}

static GNode *node_at(Graph *g, const char *id);

/* Slots 0..n-1 of p (ids prefix:KEY) in columns of at most ROWS nodes,
 * ranked prefix#COLUMN and chained by invisible edges, so that many groups
 * make a block rather than one tall column.  Only for nodes without
 * labelled edges between them: dot 2.43 frees a flat labelled edge twice
 * when it runs inside a cluster. */
enum { ROWS = 8 };

static void grid(Graph *g, const Parts *p, const char *prefix)
{
    int n = slots(p);
    int columns = (n + ROWS - 1) / ROWS;
    int rows = columns ? (n + columns - 1) / columns : 1;
    for (int k = 0; k < n; k++) {
        GNode *node = node_at(g, part_id(g, p, k, prefix));
        node->rank = arena_printf(g->a, "%s#%d", prefix, k / rows);
        if (k > 0 && k % rows == 0)
            pic_edge(g, part_id(g, p, k - 1, prefix), node->id)->style =
                "invis";
    }
}

/* Stores one by one when few, otherwise one node per kind. */
static const char *store_id(const Graph *g, const EnvModel *e, const Store *s)
{
    return e->nstores <= 8 ? arena_printf(g->a, "store:%s", s->name.s)
                           : arena_printf(g->a, "stores:%s", s->kind.s);
}

/* The node of a store (or of its kind), made when first used. */
static const char *store_node(Views *v, Graph *g, const EnvModel *e,
                              const Store *s, const char *cluster,
                              const char *rank)
{
    const char *id = store_id(g, e, s);
    bool red = view_finding(v, e->env->name.s, "store", s->name.s);
    GNode *n = node_at(g, id);
    if (n) {
        n->red = n->red || red;
        return id;
    }
    int count = 0;
    for (int k = 0; k < e->nstores; k++)
        count += streq(e->stores[k]->kind.s, s->kind.s);
    n = filled(g, id,
               e->nstores <= 8
                   ? arena_printf(g->a, "%s\n%s, %s", s->name.s, s->kind.s,
                                  s->redundancy.s)
                   : arena_printf(g->a, "%d %s store%s", count, s->kind.s,
                                  plural(count, "", "s")),
               "cylinder", FILL_STORE, cluster);
    n->rank = rank;
    n->red = red;
    return id;
}

/* Whether a service has a finding, or one of its routes. */
static bool red_service(const Views *v, const char *env, const Service *s,
                        Arena *a)
{
    return v->ds && (view_finding(v, env, "service", s->name.s) ||
                     view_route_finding(v, env, s, a));
}

/* The node of a given id (the views draw few). */
static GNode *node_at(Graph *g, const char *id)
{
    for (int j = 0; j < g->nnodes; j++)
        if (streq(g->nodes[j].id, id))
            return &g->nodes[j];
    return NULL;
}

/* An edge, once. */
static GEdge *edge_once(Graph *g, const char *from, const char *to)
{
    GEdge *e = pic_find_edge(g, from, to);
    return e ? NULL : pic_edge(g, from, to);
}

/* ---- the network view by domain ---- */

/* What one service adds to the node of its domain (id): red for its
 * findings, the service colour unless it is a connector, and the edges
 * from the gateway and to its stores and sources, once each. */
static void domain_member(Views *v, Graph *g, const EnvModel *e,
                          const Service *s, const char *id)
{
    GNode *n = node_at(g, id);
    n->red = n->red || red_service(v, e->env->name.s, s, g->a);
    if (!streq(s->kind.s, "connector"))
        n->fill = FILL_SERVICE;
    if (has_public_route(s))
        edge_once(g, "edge:gateway", id);
    for (int j = 0; j < e->nstores; j++)
        if (view_uses_store(s, e->stores[j]->name.s)) {
            GEdge *se = edge_once(
                g, id, store_node(v, g, e, e->stores[j], "stores", "stores"));
            if (se)
                se->style = "dashed";
        }
    const DataSource *src = view_source_of(v, s);
    if (src)
        edge_once(g, id, view_source_node(v, g, e, src));
}

void network_by_domain(Views *v, const EnvModel *e, Arena *a)
{
    const char *env = e->env->name.s;
    Graph g;
    view_network_frame(v, &g, e, a);
    const char **keys =
        arena_alloc(a, ((size_t)e->nservices + 1) * sizeof *keys);
    for (int i = 0; i < e->nservices; i++)
        keys[i] = e->services[i]->group.s;
    Parts p;
    parts_build(&p, keys, e->nservices, NETWORK_DOMAINS, a);
    g.note = arena_printf(
        a, "aggregated: %d services in %d domains, one node per domain%s",
        e->nservices, p.n,
        p.restkeys
            ? arena_printf(a, ";\nthe %d smallest domains share one node",
                           p.restkeys)
            : "");
    for (int k = 0; k < slots(&p); k++) {
        GNode *n = part_node(&g, &p, k, "dom", "domains", "env");
        n->fill = FILL_CONNECTOR; /* until a member is not a connector */
        if (k < p.shown)
            n->url = arena_printf(a, "domains/%s.svg", p.drawn[k]);
    }
    for (int i = 0; i < e->nservices; i++) {
        const Service *s = e->services[i];
        domain_member(v, &g, e, s,
                      part_id(&g, &p, slot_of(&p, s->group.s), "dom"));
    }
    grid(&g, &p, "dom");
    /* invisible edges put the columns in order */
    const char *chain[] = {"edge:gateway", part_id(&g, &p, 0, "dom"),
                           part_id(&g, &p, slots(&p) - 1, "dom"),
                           view_first_ranked(&g, "stores"),
                           view_first_ranked(&g, "sources")};
    const char *prev = NULL;
    for (int i = 0; i < 5 && p.n; i++)
        if (chain[i] && (!prev || !streq(prev, chain[i]))) {
            if (prev)
                pic_edge(&g, prev, chain[i])->style = "invis";
            prev = chain[i];
        }
    view_render(v, &g, arena_printf(a, "%s/diagrams/network", env), true);
}

/* ---- a large domain by team ---- */

/* The flows of a domain drawn by team: calls between its teams, and with
 * the other domains (slots after the teams'). */
static void domain_flows(Views *v, const EnvModel *e, const Parts *teams,
                         const Parts *doms, const int *members, int n, Flows *f,
                         Arena *a)
{
    int base = slots(teams);
    for (int k = 0; k < n; k++) {
        const Service *s = e->services[members[k]];
        int t = slot_of(teams, s->team.s);
        for (int j = 0; j < s->depends_on.n; j++) {
            int d = env_service_index(e, s->depends_on.v[j].s);
            if (d < 0)
                continue;
            const Service *ds = e->services[d];
            if (v->mark[d] == v->stamp)
                flow_add(f, t, slot_of(teams, ds->team.s), a);
            else
                flow_add(f, t, base + slot_of(doms, ds->group.s), a);
        }
        int first = v->first[members[k]], last = v->first[members[k] + 1];
        for (int j = first; j < last; j++)
            if (v->mark[v->caller[j]] != v->stamp)
                flow_add(
                    f, base + slot_of(doms, e->services[v->caller[j]]->group.s),
                    t, a);
    }
}

/* The other domains a domain calls or is called by, one entry per call. */
static const char **outside_groups(const Views *v, const EnvModel *e,
                                   const int *members, int n, int *count,
                                   Arena *a)
{
    int cap = 0;
    for (int k = 0; k < n; k++)
        cap += e->services[members[k]]->depends_on.n +
               v->first[members[k] + 1] - v->first[members[k]];
    const char **keys = arena_alloc(a, ((size_t)cap + 1) * sizeof *keys);
    *count = 0;
    for (int k = 0; k < n; k++) {
        const Service *s = e->services[members[k]];
        for (int j = 0; j < s->depends_on.n; j++) {
            int d = env_service_index(e, s->depends_on.v[j].s);
            if (d >= 0 && v->mark[d] != v->stamp)
                keys[(*count)++] = e->services[d]->group.s;
        }
        for (int j = v->first[members[k]]; j < v->first[members[k] + 1]; j++)
            if (v->mark[v->caller[j]] != v->stamp)
                keys[(*count)++] = e->services[v->caller[j]]->group.s;
    }
    return keys;
}

/* Stores and sources, one edge each from the domain's box. */
static void domain_uses(Views *v, Graph *g, const EnvModel *e,
                        const int *members, int n, const char *from)
{
    for (int j = 0; j < e->nstores; j++) {
        bool uses = false;
        for (int k = 0; k < n && !uses; k++)
            uses =
                view_uses_store(e->services[members[k]], e->stores[j]->name.s);
        if (!uses)
            continue;
        const char *id = store_node(v, g, e, e->stores[j], NULL, NULL);
        GEdge *se = edge_once(g, from, id);
        if (se) {
            se->style = "dashed";
            se->ltail = "domain";
        }
    }
    for (int k = 0; k < n; k++) {
        const DataSource *src = view_source_of(v, e->services[members[k]]);
        if (!src)
            continue;
        GEdge *ce = edge_once(g, from, view_source_node(v, g, e, src));
        if (ce)
            ce->ltail = "domain";
    }
}

/* Whether slot k of a domain's flows (teams, then other domains) is the
 * node for the rest. */
static bool is_rest(const Parts *teams, const Parts *doms, int base, int k)
{
    return k < base ? k >= teams->shown : k - base >= doms->shown;
}

/* A large domain while it is drawn by team: its members (marked with
 * Views.stamp), its teams, and the other domains its services call or are
 * called by, weighted by calls. */
typedef struct ByTeam {
    const EnvModel *e;
    const int *members;
    int n;
    Parts teams, doms;
} ByTeam;

static void team_parts(Views *v, ByTeam *t, Arena *a)
{
    const EnvModel *e = t->e;
    v->stamp += 2;
    for (int k = 0; k < t->n; k++)
        v->mark[t->members[k]] = v->stamp;
    const char **keys = arena_alloc(a, ((size_t)t->n + 1) * sizeof *keys);
    for (int k = 0; k < t->n; k++)
        keys[k] = e->services[t->members[k]]->team.s;
    parts_build(&t->teams, keys, t->n, DOMAIN_PARTS, a);
    int nout;
    const char **out = outside_groups(v, e, t->members, t->n, &nout, a);
    parts_build(&t->doms, out, nout, NEAR_DOMAINS, a);
}

/* The teams inside the domain's box; the other domains outside it, each
 * with the calls it stands for and a link to its picture. */
static void team_nodes(Graph *g, const ByTeam *t)
{
    const Parts *doms = &t->doms;
    for (int k = 0; k < slots(&t->teams); k++)
        part_node(g, &t->teams, k, "team", "teams", "domain");
    for (int k = 0; k < slots(doms); k++) {
        GNode *dn = part_node(g, doms, k, "dom", "domains", NULL);
        dn->label = k < doms->shown
                        ? arena_printf(g->a, "%s\n%d calls", doms->drawn[k],
                                       doms->size[key_at(doms, doms->drawn[k])])
                        : arena_printf(g->a, "%d more domains\n%d calls",
                                       doms->restkeys, doms->rest);
        if (k < doms->shown)
            dn->url = arena_printf(g->a, "%s.svg", doms->drawn[k]);
    }
}

/* A team is red when one of its services or their routes has a finding;
 * one edge from the gateway into the domain, with the routes it carries. */
static void team_entry(Views *v, Graph *g, const ByTeam *t)
{
    const char *env = t->e->env->name.s;
    int routes = 0, public = 0;
    for (int k = 0; k < t->n; k++) {
        const Service *s = t->e->services[t->members[k]];
        GNode *tn = node_at(
            g, part_id(g, &t->teams, slot_of(&t->teams, s->team.s), "team"));
        tn->red = tn->red || red_service(v, env, s, g->a);
        public += has_public_route(s);
        for (int r = 0; r < s->routes.n; r++)
            routes += !((const Route *)s->routes.v[r])->internal.v;
    }
    if (!public)
        return;
    view_edge_node(v, g, env, NULL, false);
    GEdge *ge = pic_edge(g, "edge:gateway", part_id(g, &t->teams, 0, "team"));
    ge->lhead = "domain";
    ge->label =
        arena_printf(g->a, "%d route%s\nto %d service%s", routes,
                     plural(routes, "", "s"), public, plural(public, "", "s"));
}

/* The counted calls between the teams and the domains drawn, the
 * COUNTED_EDGES heaviest; returns how many there are. */
static int team_flows(Views *v, Graph *g, const ByTeam *t)
{
    const Parts *teams = &t->teams, *doms = &t->doms;
    Flows f = {0};
    domain_flows(v, t->e, teams, doms, t->members, t->n, &f, g->a);
    flows_tally(&f);
    int all = 0, drawn = 0, base = slots(teams);
    for (int i = 0; i < f.n; i++) {
        const Flow *x = &f.v[i];
        /* between the groups drawn: a node for the rest would otherwise
         * take every edge */
        if (is_rest(teams, doms, base, x->from) ||
            is_rest(teams, doms, base, x->to))
            continue;
        all++;
        if (drawn++ >= COUNTED_EDGES)
            continue;
        const char *from = x->from < base
                               ? part_id(g, teams, x->from, "team")
                               : part_id(g, doms, x->from - base, "dom");
        const char *to = x->to < base ? part_id(g, teams, x->to, "team")
                                      : part_id(g, doms, x->to - base, "dom");
        pic_edge(g, from, to)->label = arena_printf(g->a, "%d", x->n);
    }
    return all;
}

void domain_by_team(Views *v, const EnvModel *e, const char *grp,
                    const int *members, int n, Arena *a)
{
    const char *env = e->env->name.s;
    Graph g;
    pic_init(&g, a,
             arena_printf(a, "%s: domain %s (%s)", v->m->platform->name.s, grp,
                          env));
    GCluster *dc = pic_cluster(&g, "domain", grp, NULL);
    dc->fill = "#f7fbff";
    dc->style = "rounded,filled";
    ByTeam t = {.e = e, .members = members, .n = n};
    team_parts(v, &t, a);
    team_nodes(&g, &t);
    team_entry(v, &g, &t);
    int all = team_flows(v, &g, &t);
    domain_uses(v, &g, e, members, n, part_id(&g, &t.teams, 0, "team"));
    g.note = arena_printf(
        a,
        "aggregated: %d services drawn as %d teams%s;\n%s%d call counts "
        "between the teams and domains drawn",
        n, t.teams.n,
        t.teams.restkeys
            ? arena_printf(a, ", the %d smallest in one node", t.teams.restkeys)
            : "",
        all > COUNTED_EDGES
            ? arena_printf(a, "the %d heaviest of ", COUNTED_EDGES)
            : "",
        all);
    view_render(v, &g, arena_printf(a, "%s/diagrams/domains/%s", env, grp),
                false);
}

/* ---- the overview: the largest domains, the heaviest calls ---- */

/* The domains of e as parts, and the calls between them as flows. */
static void env_domains(const EnvModel *e, Parts *p, Flows *f, Arena *a)
{
    const char **keys =
        arena_alloc(a, ((size_t)e->nservices + 1) * sizeof *keys);
    for (int i = 0; i < e->nservices; i++)
        keys[i] = e->services[i]->group.s;
    parts_build(p, keys, e->nservices, OVERVIEW_DOMAINS, a);
    memset(f, 0, sizeof *f);
    for (int i = 0; i < e->nservices; i++) {
        const Service *s = e->services[i];
        for (int k = 0; k < s->depends_on.n; k++) {
            const Service *d = env_service(e, s->depends_on.v[k].s);
            if (d && !streq(d->group.s, s->group.s))
                flow_add(f, slot_of(p, s->group.s), slot_of(p, d->group.s), a);
        }
    }
    flows_tally(f);
}

bool overview_too_large(const Model *m, Arena *a)
{
    for (int x = 0; x < m->nenvs; x++) {
        Parts p;
        Flows f;
        env_domains(&m->envs[x], &p, &f, a);
        if (p.n > OVERVIEW_DOMAINS || f.n > OVERVIEW_EDGES)
            return true;
    }
    return false;
}

/* One environment's box: its gateway, its largest domains (with their
 * services and public routes) and the heaviest calls between them. */
static int overview_env(Views *v, Graph *g, const EnvModel *e, int *domains,
                        int *edges)
{
    Arena *a = g->a;
    const char *env = e->env->name.s;
    GCluster *c = pic_cluster(
        g, env,
        arena_printf(a, "%s - Azure %s (UK), %d data store%s", env,
                     e->env->region.s, e->nstores, plural(e->nstores, "", "s")),
        NULL);
    c->fill = "#f7fbff";
    c->style = "rounded,filled";
    const char *gw = arena_printf(a, "%s:gateway", env);
    filled(g, gw, "WAF + gateway", "component", "#fff2cc", env);
    Parts p;
    Flows f;
    env_domains(e, &p, &f, a);
    const char *prefix = arena_printf(a, "%s", env);
    for (int k = 0; k < slots(&p); k++) {
        GNode *n = part_node(g, &p, k, prefix, "domains", env);
        n->fill = FILL_CONNECTOR; /* until a member is not a connector */
        if (k < p.shown)
            n->url = arena_printf(a, "../%s/diagrams/domains/%s.svg", env,
                                  p.drawn[k]);
    }
    for (int i = 0; i < e->nservices; i++) {
        const Service *s = e->services[i];
        GNode *n = node_at(g, part_id(g, &p, slot_of(&p, s->group.s), prefix));
        n->red = n->red || red_service(v, env, s, a);
        if (!streq(s->kind.s, "connector"))
            n->fill = FILL_SERVICE;
        if (has_public_route(s))
            edge_once(g, gw, n->id);
    }
    /* the heaviest calls between the domains drawn: the node for the rest
     * would otherwise take every edge */
    int drawn = 0;
    *edges = 0;
    for (int i = 0; i < f.n; i++) {
        if (f.v[i].from >= p.shown || f.v[i].to >= p.shown)
            continue;
        ++*edges;
        if (drawn++ < OVERVIEW_EDGES)
            pic_edge(g, part_id(g, &p, f.v[i].from, prefix),
                     part_id(g, &p, f.v[i].to, prefix))
                ->label = arena_printf(a, "%d", f.v[i].n);
    }
    *domains = p.n;
    return p.restkeys;
}

void overview_by_size(Views *v, Arena *a)
{
    Graph g;
    pic_init(&g, a, arena_printf(a, "%s: overview", v->m->platform->name.s));
    int most = 0, rest = 0, calls = 0;
    for (int x = 0; x < v->m->nenvs; x++) {
        int domains, edges;
        rest += overview_env(v, &g, &v->m->envs[x], &domains, &edges);
        most = domains > most ? domains : most;
        calls = edges > calls ? edges : calls;
    }
    g.note = arena_printf(
        a,
        "aggregated: per environment %s%d domains%s,\nand %s%d counted calls "
        "between them",
        rest ? arena_printf(a, "the %d largest of ", OVERVIEW_DOMAINS) : "",
        most, rest ? " (the rest in one node)" : "",
        calls > OVERVIEW_EDGES
            ? arena_printf(a, "the %d heaviest of ", OVERVIEW_EDGES)
            : "",
        calls);
    view_render(v, &g, "diagrams/overview", true);
}
