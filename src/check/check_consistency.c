/* check_consistency.c - parts of a spec that do not fit together: a
 * service closed to traffic that the gateway still routes to, a route host
 * written as a full name, declarations nothing uses, and edge settings
 * (rate limits, custom rules) whose paths match no route, so that a typo
 * silently protects nothing.
 *
 * Route matching uses the public templates of routing.h, on the structure
 * of the paths (parameter constraints aside). */
#include "topoc/check.h"
#include "topoc/routing.h"
#include "topoc/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* 'ingress: none' with public routes: the gateway still sends the
 * internet's requests to a service its owner believes is closed. */
static void ingress_none(Checker *ck, const Service *s)
{
    if (!streq(s->ingress.s, "none") || !has_public_route(s))
        return;
    const Route *first = NULL;
    int n = 0;
    for (int i = 0; i < s->routes.n; i++) {
        const Route *r = s->routes.v[i];
        if (!r->internal.v && n++ == 0)
            first = r;
    }
    Diag *d = check_report(ck, "ingress-none-routed", s->ingress.loc,
                           check_service_target(ck, s, s->ingress.loc, NULL),
                           "'%s' has 'ingress: none'%s but %d public "
                           "route%s: the gateway still routes to it",
                           s->name.s, check_in_env(ck, s, s->ingress.loc), n,
                           n == 1 ? "" : "s");
    diag_note(check_diags(ck), d, first->path.loc,
              "the gateway routes %s%s to it", first->path.s,
              n > 1 ? " (and more)" : "");
    diag_help(check_diags(ck), d,
              "mark its routes 'internal: true' or remove them, or use "
              "'ingress: gateway'");
}

/* The environment domain host ends with, the longest, or NULL. */
static const Environment *domain_of(const Model *m, const char *host)
{
    const Environment *best = NULL;
    size_t n = strlen(host), bestlen = 0;
    for (int i = 0; i < m->nenvs; i++) {
        const char *d = m->envs[i].env->domain.s;
        size_t dl = d ? strlen(d) : 0;
        if (!dl || dl >= n || dl <= bestlen)
            continue;
        if (host[n - dl - 1] == '.' && strcmp(host + n - dl, d) == 0) {
            best = m->envs[i].env;
            bestlen = dl;
        }
    }
    return best;
}

/* domain_of's answers by the host's text: hosts are short values the
 * loader stores once, so 60,000 routes share a few pointers. */
typedef struct DomainMemo {
    const char *host[64];
    const Environment *d[64];
} DomainMemo;

static const Environment *domain_memo(const Model *m, const char *host,
                                      DomainMemo *dm)
{
    size_t k = ((uintptr_t)host >> 3) % 64;
    if (dm->host[k] != host) {
        dm->d[k] = domain_of(m, host);
        dm->host[k] = host;
    }
    return dm->d[k];
}

/* routes[].host is relative to the environment's domain: 'api.codat.io'
 * would serve api.codat.io.codat.io. */
static void host_full_name(Checker *ck, const Service *s, DomainMemo *dm)
{
    const Model *m = check_model_of(ck);
    for (int i = 0; i < s->routes.n; i++) {
        const Route *r = s->routes.v[i];
        const Environment *d = r->host.s ? domain_memo(m, r->host.s, dm)
                                         : NULL;
        if (!d)
            continue;
        size_t rel = strlen(r->host.s) - strlen(d->domain.s) - 1;
        Diag *diag = check_report(
            ck, "route-host-fqdn", r->host.loc,
            check_service_target(ck, s, r->host.loc, NULL),
            "route host '%s' of '%s'%s is a full name: in %s it would be "
            "%s.%s",
            r->host.s, s->name.s, check_in_env(ck, s, r->host.loc),
            d->name.s, r->host.s, d->domain.s);
        diag_note(check_diags(ck), diag, d->domain.loc,
                  "route hosts are relative to the environment's domain, "
                  "here %s's",
                  d->name.s);
        diag_help(check_diags(ck), diag, "did you mean '%.*s'?", (int)rel,
                  r->host.s);
    }
}

/* ---- declarations nothing uses ---- */

/* The names some service uses, over every environment: what services
 * depend on (a mark per service of the model), the stores they use, the
 * teams that own them or receive their alerts.  Collected once and
 * sorted, so asking about each declaration is a binary search, not a
 * pass over every service. */
typedef struct Used {
    bool *dep; /* per m->services */
    const char **stores, **teams;
    int nstores, nteams;
} Used;

static const char **used_list(Arena *a, int cap)
{
    return arena_alloc(a, ((size_t)cap + 1) * sizeof(const char *));
}

static size_t name_slot(const char **slot, size_t cap, const char *s)
{
    size_t k = fnv1a(s, strlen(s), 1469598103934665603ull) & (cap - 1);
    while (slot[k] && slot[k] != s && strcmp(slot[k], s) != 0)
        k = (k + 1) & (cap - 1);
    return k;
}

/* v's distinct names, kept in first-seen order; returns how many.  The
 * lists hold a name per service and list read (up to 60,000 at 10,000
 * services) but few distinct ones: sorting them all was 2% of check. */
static int distinct(const char **v, int n)
{
    size_t cap = 256, nslots = 0;
    const char **slot = xmalloc(cap * sizeof *slot);
    memset(slot, 0, cap * sizeof *slot);
    int kept = 0;
    for (int i = 0; i < n; i++) {
        if (2 * (nslots + 1) > cap) { /* at most half full */
            const char **grown = xmalloc(2 * cap * sizeof *grown);
            memset(grown, 0, 2 * cap * sizeof *grown);
            for (int k = 0; k < kept; k++)
                grown[name_slot(grown, 2 * cap, v[k])] = v[k];
            free(slot);
            slot = grown;
            cap *= 2;
        }
        size_t k = name_slot(slot, cap, v[i]);
        if (slot[k])
            continue;
        slot[k] = v[i];
        nslots++;
        v[kept++] = v[i];
    }
    free(slot);
    return kept;
}

/* Is list new to seen (a table of cap slots, a power of two, at most half
 * full)?  An instance an override made shares its base's lists (depends-on,
 * stores, alerts) unless the override changes them: each is read once. */
static bool first_sight(const void **seen, size_t cap, const void *list)
{
    size_t k = ((uintptr_t)list >> 3) * 0x9E3779B97F4A7C15ull >> 32 &
               (cap - 1);
    while (seen[k] && seen[k] != list)
        k = (k + 1) & (cap - 1);
    if (seen[k])
        return false;
    seen[k] = list;
    return true;
}

static void used_names(Arena *a, const Model *m, Used *u)
{
    int ns = 0, nt = 0, ninst = 0;
    for (int i = 0; i < m->nenvs; i++)
        for (int k = 0; k < m->envs[i].nservices; k++) {
            const Service *s = m->envs[i].services[k];
            ns += s->stores.n;
            nt += 1 + s->alerts.n;
            ninst++;
        }
    *u = (Used){arena_alloc(a, (size_t)m->nservices + 1), used_list(a, ns),
                used_list(a, nt), 0, 0};
    size_t cap = 64; /* three lists per instance, at most half full */
    while (cap < 6 * (size_t)ninst)
        cap *= 2;
    const void **seen = xmalloc(cap * sizeof *seen);
    memset(seen, 0, cap * sizeof *seen);
    for (int i = 0; i < m->nenvs; i++)
        for (int k = 0; k < m->envs[i].nservices; k++) {
            const Service *s = m->envs[i].services[k];
            bool fresh = s->depends_on.n &&
                         first_sight(seen, cap, s->depends_on.v);
            for (int j = 0; fresh && j < s->depends_on.n; j++) {
                int d = model_service_index(m, s->depends_on.v[j].s);
                if (d >= 0)
                    u->dep[d] = true;
            }
            fresh = s->stores.n && first_sight(seen, cap, s->stores.v);
            for (int j = 0; fresh && j < s->stores.n; j++) {
                const char *st = ((const StoreUse *)s->stores.v[j])->store.s;
                if (st)
                    u->stores[u->nstores++] = st;
            }
            if (s->team.s)
                u->teams[u->nteams++] = s->team.s;
            fresh = s->alerts.n && first_sight(seen, cap, s->alerts.v);
            for (int j = 0; fresh && j < s->alerts.n; j++) {
                const char *t = ((const Alert *)s->alerts.v[j])->notify.s;
                if (t)
                    u->teams[u->nteams++] = t;
            }
        }
    free(seen);
    u->nstores = distinct(u->stores, u->nstores);
    u->nteams = distinct(u->teams, u->nteams);
    sort_strings(u->stores, u->nstores);
    sort_strings(u->teams, u->nteams);
}

static bool used(const char **v, int n, const char *name)
{
    int lo = 0, hi = n;
    while (name && lo < hi) {
        int mid = lo + (hi - lo) / 2;
        int c = strcmp(v[mid], name);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static void unused_connectors(Checker *ck, const Used *u)
{
    const Model *m = check_model_of(ck);
    for (int i = 0; i < m->nservices; i++) {
        const Service *s = m->services[i];
        if (!streq(s->kind.s, "connector") || u->dep[i])
            continue;
        Diag *d = check_report(ck, "connector-unused", s->name.loc,
                               arena_printf(check_arena(ck), "service/%s",
                                            s->name.s),
                               "no service depends on connector '%s'",
                               s->name.s);
        if (s->connector && s->connector->source.s)
            diag_note(check_diags(ck), d, s->connector->source.loc,
                      "so nothing reads source '%s'",
                      s->connector->source.s);
        diag_help(check_diags(ck), d,
                  "add it to the depends-on of the services that use the "
                  "source, or remove it");
    }
}

static void unused_declarations(Checker *ck, const Used *u)
{
    const Model *m = check_model_of(ck);
    const Platform *p = m->platform;
    Arena *a = check_arena(ck);
    for (int i = 0; i < p->stores.n; i++) {
        const Store *st = p->stores.v[i];
        if (!used(u->stores, u->nstores, st->name.s))
            diag_help(check_diags(ck),
                      check_report(ck, "declaration-unused", st->name.loc,
                                   arena_printf(a, "store/%s", st->name.s),
                                   "no service uses store '%s'",
                                   st->name.s),
                      "list it under a service's 'stores:', or remove it");
    }
    for (int i = 0; i < p->teams.n; i++) {
        const Team *t = p->teams.v[i];
        if (!used(u->teams, u->nteams, t->name.s))
            diag_help(check_diags(ck),
                      check_report(ck, "declaration-unused", t->name.loc,
                                   arena_printf(a, "team/%s", t->name.s),
                                   "team '%s' owns no service and receives "
                                   "no alert",
                                   t->name.s),
                      "name it in a service's 'team:' or an alert's "
                      "'notify:', or remove it");
    }
}

/* ---- edge paths that match no route ---- */

typedef struct Tables {
    RouteEntry **v; /* per environment, in matching order */
    int *n;
    int nenvs;
} Tables;

/* The template is parsed with each table's segment cache: a language's
 * id means something only in the cache that gave it, and route_relate
 * compares ids (with a cache of its own, '/a/x{p}' was the same as a
 * table's first constrained parameter, '/a/{q}' of [0-9]+). */
static bool template_routed(Checker *ck, const Tables *t, const Str *path)
{
    Route fake = {.path = *path};
    for (int i = 0; i < t->nenvs; i++) {
        if (!t->n[i])
            continue;
        RouteEntry re = {.r = &fake, .cache = t->v[i][0].cache};
        route_parse(check_arena(ck), &re);
        for (int k = 0; k < t->n[i]; k++)
            if (route_relate(&re, &t->v[i][k]) != REL_NONE ||
                route_relate(&t->v[i][k], &re) != REL_NONE)
                return true;
    }
    return false;
}

static bool seg_takes(const Seg *sg, const char *s, size_t n)
{
    if (sg->kind == SEG_REST)
        return true;
    if (sg->kind == SEG_LIT)
        return strlen(sg->lit) == n && strncmp(sg->lit, s, n) == 0;
    size_t pl = strlen(sg->pre), sl = strlen(sg->suf);
    return n > pl + sl && strncmp(s, sg->pre, pl) == 0 &&
           strncmp(s + n - sl, sg->suf, sl) == 0;
}

/* Whether route e can match a path equal to v (prefix false), or starting
 * with v (prefix true).  The query string is not part of a route. */
static bool route_takes(const RouteEntry *e, const char *v, bool prefix)
{
    if (*v != '/')
        return false;
    size_t vlen = strcspn(v, "?#");
    const char *p = v + 1, *end = v + vlen;
    for (int i = 0; i < e->nsegs; i++) {
        const Seg *sg = &e->segs[i];
        if (sg->kind == SEG_REST)
            return true;
        const char *slash = memchr(p, '/', (size_t)(end - p));
        if (!slash && prefix) { /* the last, partial segment */
            size_t n = (size_t)(end - p);
            if (sg->kind == SEG_LIT)
                return strncmp(sg->lit, p, n) == 0;
            size_t pl = strlen(sg->pre);
            return strncmp(p, sg->pre, n < pl ? n : pl) == 0;
        }
        size_t n = (size_t)((slash ? slash : end) - p);
        if (!seg_takes(sg, p, n))
            return false;
        if (!slash)
            return i == e->nsegs - 1 ||
                   (i == e->nsegs - 2 && e->segs[i + 1].kind == SEG_REST);
        p = slash + 1;
    }
    return prefix && p >= end;
}

static bool value_routed(const Tables *t, const char *v, bool prefix)
{
    for (int i = 0; i < t->nenvs; i++)
        for (int k = 0; k < t->n[i]; k++)
            if (route_takes(&t->v[i][k], v, prefix))
                return true;
    return false;
}

static void unrouted(Checker *ck, const Tables *t, const Str *at,
                     const char *what, const char *target)
{
    Diag *d = check_report(ck, "edge-path-unrouted", at->loc, target,
                           "%s '%s' matches no route, so it protects "
                           "nothing",
                           what, at->s);
    int n = 0;
    for (int i = 0; i < t->nenvs; i++)
        n += t->n[i];
    const char **paths = xmalloc(((size_t)n + 1) * sizeof *paths);
    n = 0;
    for (int i = 0; i < t->nenvs; i++)
        for (int k = 0; k < t->n[i]; k++)
            paths[n++] = t->v[i][k].r->path.s;
    const char *best = closest_word(at->s, paths, n);
    free(paths);
    if (best)
        diag_help(check_diags(ck), d, "did you mean '%s'?", best);
    else
        diag_help(check_diags(ck), d,
                  "use the path of a route (routes[].path); "
                  "ENV/gateway/routes.json lists them");
}

/* A custom rule that names request paths (equals / begins-with on the
 * URI); the others are not about routes. */
static bool rule_on_paths(const CustomRule *cr)
{
    return streq(cr->variable.s, "request-uri") && !cr->negate.v &&
           (streq(cr->operator.s, "equals") ||
            streq(cr->operator.s, "begins-with"));
}

static void edge_paths(Checker *ck)
{
    const Model *m = check_model_of(ck);
    const Waf *w = m->platform->edge->waf;
    Arena *a = check_arena(ck);
    bool any = false; /* the routing tables cost: build them when asked */
    for (int i = 0; i < w->rate_limits.n && !any; i++)
        any = ((const RateLimit *)w->rate_limits.v[i])->paths.n > 0;
    for (int i = 0; i < w->custom_rules.n && !any; i++)
        any = rule_on_paths(w->custom_rules.v[i]);
    if (!any)
        return;
    Tables t = {arena_alloc(a, ((size_t)m->nenvs + 1) * sizeof *t.v),
                arena_alloc(a, ((size_t)m->nenvs + 1) * sizeof *t.n),
                m->nenvs};
    for (int i = 0; i < m->nenvs; i++)
        t.v[i] = routing_table(a, &m->envs[i], &t.n[i]);
    for (int i = 0; i < w->rate_limits.n; i++) {
        const RateLimit *rl = w->rate_limits.v[i];
        for (int k = 0; k < rl->paths.n; k++)
            if (!template_routed(ck, &t, &rl->paths.v[k]))
                unrouted(ck, &t, &rl->paths.v[k],
                         arena_printf(a, "rate limit '%s' path",
                                      rl->name.s),
                         arena_printf(a, "edge/rate-limit/%s", rl->name.s));
    }
    for (int i = 0; i < w->custom_rules.n; i++) {
        const CustomRule *cr = w->custom_rules.v[i];
        bool eq = streq(cr->operator.s, "equals");
        if (!rule_on_paths(cr))
            continue;
        for (int k = 0; k < cr->values.n; k++)
            if (!value_routed(&t, cr->values.v[k].s, !eq))
                unrouted(ck, &t, &cr->values.v[k],
                         arena_printf(a, "custom rule '%s' path",
                                      cr->name.s),
                         arena_printf(a, "edge/custom-rule/%s", cr->name.s));
    }
}

void check_consistency(Checker *ck)
{
    const Model *m = check_model_of(ck);
    DomainMemo dm = {{0}, {0}};
    for (int i = 0; i < m->nenvs; i++)
        for (int k = 0; k < m->envs[i].nservices; k++) {
            ingress_none(ck, m->envs[i].services[k]);
            host_full_name(ck, m->envs[i].services[k], &dm);
        }
    Used u;
    used_names(check_arena(ck), m, &u);
    unused_connectors(ck, &u);
    unused_declarations(ck, &u);
    edge_paths(ck);
}
