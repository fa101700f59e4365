/* gateway_routes.c - the gateway room's main file (src/gateway/): from the
 * resolved model's routes and edge, everything that takes a client's
 * request through the WAF to its service, per environment:
 *   routes.json        the routing table (this file), what every target
 *                      is derived from
 *   nginx/             nginx + ModSecurity + OWASP CRS (gateway_nginx.c)
 *   azure/edge.json    App Gateway WAF_v2 + WAF policy (gateway_azure.c)
 *                      and API Management (gateway_apim.c)
 *   TARGET/            template targets such as HAProxy
 *                      (gateway_templates.c)
 *
 * The routing table, out/ENV/gateway/routes.json:
 *
 * Routes are listed in the matching order (routing.h), so a first-match
 * engine that takes them in this order picks the route the spec intends.
 * Each route carries a sample URL that it matches and no route before it
 * on the same host and methods does (checked with PCRE2): the end-to-end
 * tests send exactly these.
 */
#include "gateway_cors.h"
#include "gateway_limits.h"
#include "topoc/gateway.h"
#include "topoc/json.h"
#include "topoc/pattern.h"
#include "topoc/routing.h"
#include "topoc/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Table {
    Arena *a;
    PatternSet *ps;
    RouteEntry *v;
    Pattern **re; /* per route, the structural regex, compiled when asked */
    int n;
    RouteIndex **ix; /* per route, the index of its host's routes */
    int *host_lo;    /* per route, where its host's routes start */
    RouteSet near;   /* scratch: the routes that may share its paths */
} Table;

static Pattern *structure(Table *t, int k)
{
    if (!t->re[k]) {
        char err[256];
        size_t off;
        Strbuf re = STRBUF_INIT;
        route_regex(&t->v[k], false, &re);
        t->re[k] = pattern_compile(t->ps, re.buf, PAT_ANCHORED, err,
                                   sizeof err, &off);
        sb_release(&re);
    }
    return t->re[k];
}

/* Does v satisfy sg's constraint?  Decided by the checker's automaton of
 * the segment, which the gateway regex is printed from. */
static bool value_ok(Table *t, const RouteEntry *e, const Seg *sg,
                     const char *v)
{
    if (!sg->constraint)
        return true;
    const char *seg = arena_printf(t->a, "%s%s%s", sg->pre, v, sg->suf);
    const Dfa *d = seg_dfa(e->cache, sg);
    return d && dfa_match(d, seg, strlen(seg));
}

/* A URL path route i matches and no earlier route of its host with a
 * common method does; NULL when there is none among the samples.  Only
 * the routes the index finds can match a path of route i's shape. */
static const char *sample(Table *t, int i)
{
    int lo = t->host_lo[i];
    route_index_query(t->ix[i], &t->v[i], &t->near);
    static const char *const values[] = {
        "x", "1", "42", "a", "abc", "sample", "x-1", "2024-01-01",
        "00000000-0000-0000-0000-000000000001"};
    const RouteEntry *e = &t->v[i];
    for (size_t m = 0; m < sizeof values / sizeof *values; m++) {
        Strbuf sb = STRBUF_INIT;
        bool ok = true;
        for (int k = 0; k < e->nsegs && ok; k++) {
            const Seg *sg = &e->segs[k];
            if (sg->kind == SEG_REST) {
                sb_printf(&sb, "/%s", values[m]);
            } else if (sg->kind == SEG_LIT) {
                sb_printf(&sb, "/%s", sg->lit);
            } else {
                ok = value_ok(t, e, sg, values[m]);
                sb_printf(&sb, "/%s%s%s", sg->pre, values[m], sg->suf);
            }
        }
        if (!sb.len)
            sb_putc(&sb, '/');
        for (int j = 0; j < t->near.n && ok; j++) {
            int k = lo + t->near.v[j];
            if (k >= i)
                break;
            if (!(t->v[k].methods & e->methods))
                continue;
            ok = pattern_match(structure(t, k), sb.buf, sb.len) !=
                 PATTERN_MATCH;
        }
        if (ok) {
            const char *s = arena_strdup(t->a, sb.buf);
            sb_release(&sb);
            return s;
        }
        sb_release(&sb);
    }
    return NULL;
}

static JsonVal *waf_json(const Platform *p, const RouteEntry *e)
{
    const Waf *w = p->edge->waf;
    const RouteWaf *rw = e->r->waf;
    JsonVal *o = jv_obj();
    jv_set(o, "mode", jv_str(rw && rw->mode.s ? rw->mode.s : w->mode.s));
    jv_set(o, "max-body-size", jv_int(route_max_body(w, e->r)));
    jv_set(o, "max-args", jv_int(route_max_args(w, e->r)));
    jv_set(o, "max-json-args", jv_int(route_max_json_args(w, e->r)));
    JsonVal *ex = jv_arr();
    for (int i = 0; rw && i < rw->exclusions.n; i++) {
        const WafExclusion *x = rw->exclusions.v[i];
        JsonVal *xo = jv_obj();
        jv_set(xo, "rule", jv_int(x->rule.v));
        if (x->variable.s)
            jv_set(xo, "variable", jv_str(x->variable.s));
        jv_push(ex, xo);
    }
    jv_set(o, "exclusions", ex);
    JsonVal *limits = jv_arr();
    for (int i = 0; i < w->rate_limits.n; i++) {
        const RateLimit *rl = w->rate_limits.v[i];
        if (rate_limit_applies(rl, e->r))
            jv_push(limits, jv_str(rl->name.s));
    }
    jv_set(o, "rate-limits", limits);
    return o;
}

/* The edge's limits, and each rate limit's meaning in numbers
 * (gateway_limits.c). */
static JsonVal *limits_json(const Waf *w)
{
    JsonVal *o = jv_obj(), *rls = jv_obj();
    jv_set(o, "max-url-length", jv_int(w->limits->max_url_length.v));
    jv_set(o, "max-body-size", jv_int(w->limits->max_body_size.v));
    jv_set(o, "max-args", jv_int(w->limits->max_args.v));
    jv_set(o, "max-json-args", jv_int(w->limits->max_json_args.v));
    for (int i = 0; i < w->rate_limits.n; i++) {
        const RateLimit *rl = w->rate_limits.v[i];
        JsonVal *r = jv_obj();
        jv_set(r, "requests", jv_int(rl->requests.v));
        jv_set(r, "per-seconds", jv_int(rl->period.v));
        jv_set(r, "burst", jv_int(rate_limit_burst(rl)));
        jv_set(r, "by", jv_str(rl->key.s));
        jv_set(rls, rl->name.s, r);
    }
    jv_set(o, "rate-limits", rls);
    return o;
}

/* The route's CORS policy with origins as browsers send them. */
static JsonVal *cors_json(Arena *a, const Model *m, const EnvModel *env,
                          const Route *r)
{
    const Cors *c = route_cors(m, r);
    if (!c)
        return NULL;
    JsonVal *o = jv_obj(), *origins = jv_arr();
    for (int i = 0; i < c->origins.n; i++)
        jv_push(origins, jv_str(cors_origin(a, &c->origins.v[i], env->env)));
    jv_set(o, "origins", origins);
    Strbuf ms = STRBUF_INIT;
    cors_methods(c, env, c == r->cors ? r : NULL, &ms);
    jv_set(o, "methods", jv_str(ms.buf));
    sb_release(&ms);
    jv_set(o, "headers", json_strlist(&c->headers));
    jv_set(o, "expose-headers", json_strlist(&c->expose_headers));
    jv_set(o, "credentials", jv_bool(c->credentials.v));
    jv_set(o, "max-age", jv_int(c->max_age.v));
    return o;
}

static JsonVal *backend_json(Arena *a, const Model *m, const EnvModel *env,
                             const Service *s)
{
    JsonVal *b = jv_obj();
    const char *host = backend_host(a, m, env, s);
    jv_set(b, "instance", jv_str(arena_strndup(a, host, strcspn(host, "."))));
    jv_set(b, "service", jv_str(s->name.s));
    jv_set(b, "host", jv_str(host));
    bool tls = m->platform->edge->gateway->internal_tls.v;
    jv_set(b, "port", jv_int(tls ? 443 : 80));
    jv_set(b, "tls", jv_bool(tls));
    jv_set(b, "health-path", jv_str(s->runtime->health_path.s));
    return b;
}

static void emit_env(const Model *m, const EnvModel *env, Outputs *o)
{
    Arena a;
    arena_init(&a);
    Table t = {.a = &a, .ps = patterns_new()};
    t.v = routing_table(&a, env, &t.n);
    t.re = arena_alloc(&a, ((size_t)t.n + 1) * sizeof *t.re);
    t.ix = arena_alloc(&a, ((size_t)t.n + 1) * sizeof *t.ix);
    t.host_lo = arena_alloc(&a, ((size_t)t.n + 1) * sizeof *t.host_lo);
    for (int lo = 0; lo < t.n;) { /* the table is sorted by host */
        int hi = lo + 1;
        while (hi < t.n && strcmp(t.v[hi].r->host.s, t.v[lo].r->host.s) == 0)
            hi++;
        RouteIndex *ix = route_index(&a, t.v + lo, hi - lo);
        for (int i = lo; i < hi; i++) {
            t.ix[i] = ix;
            t.host_lo[i] = lo;
        }
        lo = hi;
    }
    JsonVal *routes = jv_arr(), *hosts = jv_arr();
    const char *last_host = NULL;
    for (int i = 0; i < t.n; i++) {
        const RouteEntry *e = &t.v[i];
        JsonVal *r = jv_obj();
        jv_set(r, "host", jv_str(e->fqdn));
        /* the hosts served at the edge: those with a public route */
        if (!e->r->internal.v &&
            (!last_host || strcmp(last_host, e->fqdn) != 0)) {
            jv_push(hosts, jv_str(e->fqdn));
            last_host = e->fqdn;
        }
        jv_set(r, "methods", json_strlist(&e->r->methods));
        jv_set(r, "path", jv_str(e->r->path.s));
        Strbuf re = STRBUF_INIT;
        route_regex_full(e, &re);
        jv_set(r, "regex", jv_str(re.buf));
        sb_release(&re);
        JsonVal *params = jv_obj();
        for (int k = 0; k < e->nsegs; k++)
            if (e->segs[k].kind == SEG_PARAM)
                jv_set(params, e->segs[k].name,
                       jv_str(e->segs[k].constraint ? e->segs[k].constraint
                                                    : "[^/]+"));
        jv_set(r, "params", params);
        jv_set(r, "priority", jv_int(e->r->priority.v));
        jv_set(r, "internal", jv_bool(e->r->internal.v));
        jv_set(r, "service", jv_str(e->svc->name.s));
        jv_set(r, "backend", backend_json(&a, m, env, e->svc));
        jv_set(r, "waf", waf_json(m->platform, e));
        JsonVal *cors = cors_json(&a, m, env, e->r);
        if (cors)
            jv_set(r, "cors", cors);
        const char *s = sample(&t, i);
        if (s)
            jv_set(r, "sample", jv_str(s));
        jv_push(routes, r);
    }
    JsonVal *root = jv_obj();
    jv_set(root, "format", jv_str("topoc-routes"));
    jv_set(root, "version", jv_int(1));
    jv_set(root, "environment", jv_str(env->env->name.s));
    jv_set(root, "domain", jv_str(env->env->domain.s));
    jv_set(root, "matching",
           jv_str("per host: priority, then specificity, then declaration "
                  "order; the first route whose method and path match "
                  "wins; no match is 404"));
    jv_set(root, "hosts", hosts);
    jv_set(root, "limits", limits_json(m->platform->edge->waf));
    jv_set(root, "routes", routes);
    Strbuf sb = STRBUF_INIT;
    jv_write(root, &sb);
    jv_free(root);
    char path[512];
    snprintf(path, sizeof path, "%s/gateway/routes.json", env->env->name.s);
    out_add(o, path, &sb);
    patterns_free(t.ps);
    free(t.near.v);
    arena_free(&a);
}

void emit_gateway(const Model *m, Outputs *o)
{
    for (int i = 0; i < m->nenvs; i++)
        emit_env(m, &m->envs[i], o);
}
