/* review_route.c - `topoc route METHOD URL`: which route takes a request.
 *
 * The answer comes from the matcher every gateway target and the routing
 * checks share (routing.h): the environment's routing table in matching
 * order, each route's full regex (constraints embedded) run with PCRE2.
 * The first route of the URL's host whose method and path match takes the
 * request, as in routes.json.  For every route of that host tried before
 * it whose template could also take the URL's path, or that the winner's
 * template overlaps, the answer says why it did not: another method, a
 * segment that differs, a parameter's constraint, or internal (not served
 * at the edge).
 */
#include "topoc/json.h"
#include "topoc/pattern.h"
#include "topoc/review.h"
#include "topoc/routing.h"
#include "topoc/util.h"

#include "review_internal.h"

#include <stdio.h>
#include <string.h>

typedef struct Req {
    const char *method, *url, *host, *path;
    unsigned bit; /* the method's bit in route_method_names order */
} Req;

typedef struct Ctx {
    Arena *a;
    PatternSet *ps;
    const Model *m;
    const EnvModel *env;
    RouteEntry *v;
    int n;
    Req q;
} Ctx;

static Pattern *compile_re(Ctx *c, const char *re)
{
    char err[256];
    size_t off;
    return pattern_compile(c->ps, re, PAT_ANCHORED, err, sizeof err, &off);
}

static bool path_matches(Ctx *c, const RouteEntry *e, bool constraints)
{
    Strbuf re = STRBUF_INIT;
    if (constraints)
        route_regex_full(e, &re);
    else
        route_regex(e, false, &re);
    Pattern *p = compile_re(c, re.buf);
    sb_release(&re);
    return p && pattern_match(p, c->q.path, strlen(c->q.path)) ==
                    PATTERN_MATCH;
}

/* "https://host/path?query" -> host and path; NULL or why not. */
static const char *parse_url(Arena *a, Req *q)
{
    const char *u = q->url, *p = strstr(u, "://");
    if (!p || (strncmp(u, "https", 5) && strncmp(u, "http", 4)))
        return "give the whole URL, e.g. https://api.example.com/path";
    p += 3;
    size_t host = strcspn(p, "/?#:");
    if (host == 0)
        return "the URL has no host";
    q->host = arena_strndup(a, p, host);
    p += host;
    if (*p == ':')
        p += strcspn(p, "/?#");
    size_t path = strcspn(p, "?#");
    q->path = path ? arena_strndup(a, p, path) : "/";
    for (size_t i = 0; q->host[i]; i++)
        if (q->host[i] >= 'A' && q->host[i] <= 'Z')
            ((char *)q->host)[i] = (char)(q->host[i] - 'A' + 'a');
    return NULL;
}

/* The URL path's segments, for explaining a template that differs. */
static int url_segments(Arena *a, const char *path, const char **out,
                        int max)
{
    int n = 0;
    for (const char *p = path; *p == '/' && p[1] && n < max;) {
        const char *s = ++p;
        p += strcspn(p, "/");
        out[n++] = arena_strndup(a, s, (size_t)(p - s));
    }
    return n;
}

static void seg_text(const Seg *sg, Strbuf *sb)
{
    if (sg->kind == SEG_LIT)
        sb_puts(sb, sg->lit);
    else if (sg->kind == SEG_REST)
        sb_puts(sb, "**");
    else
        sb_printf(sb, "%s{%s}%s", sg->pre, sg->name, sg->suf);
}

/* Why e's template does not take the path (its structure or a
 * parameter's constraint). */
static void path_reason(Ctx *c, const RouteEntry *e, Strbuf *why)
{
    const char *segs[256];
    int n = url_segments(c->a, c->q.path, segs, 256);
    for (int i = 0; i < e->nsegs; i++) {
        const Seg *sg = &e->segs[i];
        if (sg->kind == SEG_REST)
            break;
        if (i >= n) {
            sb_printf(why, "the template has %d segments, the URL %d",
                      e->nsegs, n);
            return;
        }
        Strbuf t = STRBUF_INIT;
        seg_text(sg, &t);
        size_t lp = sg->kind == SEG_PARAM ? strlen(sg->pre) : 0;
        size_t ls = sg->kind == SEG_PARAM ? strlen(sg->suf) : 0;
        size_t lv = strlen(segs[i]);
        bool fits = sg->kind == SEG_LIT
                        ? strcmp(sg->lit, segs[i]) == 0
                        : lv > lp + ls && !strncmp(segs[i], sg->pre, lp) &&
                              !strcmp(segs[i] + lv - ls, sg->suf);
        if (!fits) {
            sb_printf(why, "segment %d: '%s' is not '%s'", i + 1, segs[i],
                      t.buf);
            sb_release(&t);
            return;
        }
        sb_release(&t);
    }
    bool rest = e->nsegs && e->segs[e->nsegs - 1].kind == SEG_REST;
    if (!rest && n != e->nsegs) {
        sb_printf(why, "the template has %d segment%s, the URL %d",
                  e->nsegs, e->nsegs == 1 ? "" : "s", n);
        return;
    }
    for (int i = 0; i < e->nsegs && i < n; i++) {
        const Seg *sg = &e->segs[i];
        if (sg->kind == SEG_PARAM && sg->constraint) {
            sb_printf(why, "{%s} must match %s", sg->name, sg->constraint);
            size_t lp = strlen(sg->pre), ls = strlen(sg->suf);
            sb_printf(why, "; '%.*s' does not",
                      (int)(strlen(segs[i]) - lp - ls), segs[i] + lp);
            return;
        }
    }
    sb_puts(why, "the path does not match");
}

/* Why route e, tried before the answer, did not take the request; NULL
 * when it is not a candidate (its template cannot take this path and
 * does not overlap the winner's). */
static const char *reason(Ctx *c, const RouteEntry *e, const RouteEntry *won)
{
    bool shape = path_matches(c, e, false);
    bool full = shape && path_matches(c, e, true);
    if (!shape && !(won && route_relate(e, won) != REL_NONE))
        return NULL;
    Strbuf why = STRBUF_INIT;
    if (!full)
        path_reason(c, e, &why);
    else if (!(e->methods & c->q.bit)) {
        sb_puts(&why, "it takes ");
        route_methods_text(e->methods, &why);
        sb_printf(&why, ", not %s", c->q.method);
    } else if (e->r->internal.v)
        sb_puts(&why, "it is internal: not served at the edge");
    const char *s = arena_strdup(c->a, why.buf);
    sb_release(&why);
    return s;
}

void matcher_init(Matcher *mt, Arena *a, const EnvModel *env)
{
    *mt = (Matcher){.a = a, .ps = patterns_new(), .env = env};
    mt->v = routing_table(a, env, &mt->n);
    mt->re = arena_alloc(a, ((size_t)mt->n + 1) * sizeof *mt->re);
    for (int i = 0; i < mt->n; i++) {
        Strbuf re = STRBUF_INIT;
        route_regex_full(&mt->v[i], &re);
        char err[256];
        size_t off;
        mt->re[i] = pattern_compile(mt->ps, re.buf, PAT_ANCHORED, err,
                                    sizeof err, &off);
        sb_release(&re);
    }
}

void matcher_free(Matcher *mt)
{
    patterns_free(mt->ps);
}

const RouteEntry *matcher_take(Matcher *mt, const char *host, unsigned bit,
                               const char *path, bool edge)
{
    for (int i = 0; i < mt->n; i++) {
        const RouteEntry *e = &mt->v[i];
        if (strcmp(e->fqdn, host) == 0 && (e->methods & bit) &&
            !(edge && e->r->internal.v) && mt->re[i] &&
            pattern_match(mt->re[i], path, strlen(path)) == PATTERN_MATCH)
            return e;
    }
    return NULL;
}

static JsonVal *route_json(Ctx *c, const RouteEntry *e)
{
    JsonVal *o = jv_obj();
    jv_set(o, "index", jv_int(e - c->v + 1));
    jv_set(o, "host", jv_str(e->fqdn));
    jv_set(o, "path", jv_str(e->r->path.s));
    jv_set(o, "methods", json_strlist(&e->r->methods));
    jv_set(o, "service", jv_str(e->svc->name.s));
    jv_set(o, "internal", jv_bool(e->r->internal.v));
    jv_set(o, "priority", jv_int(e->r->priority.v));
    const Loc *l = &e->r->loc;
    jv_set(o, "at",
           jv_str(arena_printf(c->a, "%s:%d:%d", loc_src(*l)->path,
                               loc_line(*l), loc_col(*l))));
    return o;
}

/* The WAF policy the request meets: the edge's, with the route's own
 * mode, body limit and exclusions, and the rate limits whose paths take
 * this URL (a limit without paths covers every path). */
static JsonVal *waf_json(Ctx *c, const RouteEntry *e)
{
    const Waf *w = c->m->platform->edge->waf;
    const RouteWaf *rw = e->r->waf;
    JsonVal *o = jv_obj();
    jv_set(o, "mode", jv_str(rw && rw->mode.s ? rw->mode.s : w->mode.s));
    jv_set(o, "managed-rules",
           jv_str(arena_printf(c->a, "%s %s, paranoia level %lld",
                               w->managed_rules->set.s,
                               w->managed_rules->version.s,
                               w->managed_rules->paranoia_level.v)));
    jv_set(o, "max-body-size",
           jv_int(rw && rw->max_body_size.loc.set
                      ? rw->max_body_size.v
                      : w->limits->max_body_size.v));
    JsonVal *ex = jv_arr();
    for (int i = 0; rw && i < rw->exclusions.n; i++) {
        const WafExclusion *x = rw->exclusions.v[i];
        jv_push(ex, jv_str(x->variable.s
                               ? arena_printf(c->a, "%lld on %s", x->rule.v,
                                              x->variable.s)
                               : arena_printf(c->a, "%lld", x->rule.v)));
    }
    jv_set(o, "exclusions", ex);
    JsonVal *limits = jv_arr();
    for (int i = 0; i < w->rate_limits.n; i++) {
        const RateLimit *rl = w->rate_limits.v[i];
        bool applies = rl->paths.n == 0;
        for (int k = 0; k < rl->paths.n && !applies; k++) {
            Strbuf re = STRBUF_INIT;
            path_regex(c->a, &rl->paths.v[k], &re);
            Pattern *p = compile_re(c, re.buf);
            applies = p && pattern_match(p, c->q.path, strlen(c->q.path)) ==
                               PATTERN_MATCH;
            sb_release(&re);
        }
        if (applies)
            jv_push(limits, jv_str(arena_printf(
                                c->a, "%s: %lld per %llds by %s",
                                rl->name.s, rl->requests.v, rl->period.v,
                                rl->key.s)));
    }
    jv_set(o, "rate-limits", limits);
    return o;
}

/* policy.internal-paths the URL falls under: the edge refuses those. */
static const char *blocked_by(Ctx *c)
{
    const Policy *pol = c->m->platform->policy;
    for (int i = 0; pol && i < pol->internal_paths.n; i++) {
        Strbuf re = STRBUF_INIT;
        path_regex(c->a, &pol->internal_paths.v[i], &re);
        Pattern *p = compile_re(c, re.buf);
        sb_release(&re);
        if (p && pattern_match(p, c->q.path, strlen(c->q.path)) ==
                     PATTERN_MATCH)
            return pol->internal_paths.v[i].s;
    }
    return NULL;
}

static JsonVal *answer(Ctx *c, Matcher *mt, int *taken)
{
    const RouteEntry *won = matcher_take(mt, c->q.host, c->q.bit, c->q.path,
                                         false);
    const RouteEntry *edge = matcher_take(mt, c->q.host, c->q.bit,
                                          c->q.path, true);
    JsonVal *o = jv_obj(), *req = jv_obj();
    jv_set(req, "method", jv_str(c->q.method));
    jv_set(req, "url", jv_str(c->q.url));
    jv_set(req, "host", jv_str(c->q.host));
    jv_set(req, "path", jv_str(c->q.path));
    jv_set(o, "request", req);
    jv_set(o, "environment", jv_str(c->env->env->name.s));
    const char *blocked = blocked_by(c);
    if (blocked)
        jv_set(o, "blocked-at-edge", jv_str(blocked));
    if (won) {
        jv_set(o, "route", route_json(c, won));
        JsonVal *b = jv_obj();
        jv_set(b, "host", jv_str(backend_host(c->a, c->m, c->env, won->svc)));
        bool tls = c->m->platform->edge->gateway->internal_tls.v;
        jv_set(b, "port", jv_int(tls ? 443 : 80));
        jv_set(b, "tls", jv_bool(tls));
        jv_set(o, "backend", b);
        jv_set(o, "waf", waf_json(c, won));
    }
    if (edge != won && edge)
        jv_set(o, "edge-route", route_json(c, edge));
    JsonVal *tried = jv_arr();
    const RouteEntry *end = won ? won : c->v + c->n;
    for (const RouteEntry *e = c->v; e < end; e++) {
        if (strcmp(e->fqdn, c->q.host) != 0)
            continue;
        const char *why = reason(c, e, won);
        if (!why)
            continue;
        JsonVal *t = route_json(c, e);
        jv_set(t, "why-not", jv_str(why));
        jv_push(tried, t);
    }
    jv_set(o, "tried-before", tried);
    *taken = won != NULL;
    return o;
}

static const char *str_of(const JsonVal *o, const char *key)
{
    const char *s = jv_string(jv_get(o, key));
    return s ? s : "";
}

static void route_line(const JsonVal *r, Strbuf *out)
{
    Strbuf m = STRBUF_INIT;
    const JsonVal *ms = jv_get(r, "methods");
    for (int i = 0; i < jv_len(ms); i++)
        sb_printf(&m, "%s%s", i ? "," : "", jv_string(jv_at(ms, i)));
    Strbuf n = STRBUF_INIT;
    jv_scalar_text(jv_get(r, "index"), &n);
    sb_printf(out, "route %s: %s %s%s -> %s%s (%s)\n", n.buf, m.buf,
              str_of(r, "host"), str_of(r, "path"), str_of(r, "service"),
              jv_kind(jv_get(r, "internal")) == JV_TRUE ? ", internal" : "",
              str_of(r, "at"));
    sb_release(&m);
    sb_release(&n);
}

static void list_line(const char *label, const JsonVal *a, Strbuf *out)
{
    sb_printf(out, "  %-13s", label);
    for (int i = 0; i < jv_len(a); i++)
        sb_printf(out, "%s%s", i ? "; " : "", jv_string(jv_at(a, i)));
    sb_puts(out, jv_len(a) ? "\n" : "none\n");
}

static void text(const JsonVal *o, Strbuf *out)
{
    const JsonVal *q = jv_get(o, "request"), *r = jv_get(o, "route");
    sb_printf(out, "%s %s in %s\n", str_of(q, "method"), str_of(q, "url"),
              str_of(o, "environment"));
    if (r) {
        sb_puts(out, "  taken by     ");
        route_line(r, out);
        const JsonVal *b = jv_get(o, "backend"), *w = jv_get(o, "waf");
        Strbuf port = STRBUF_INIT, body = STRBUF_INIT;
        jv_scalar_text(jv_get(b, "port"), &port);
        jv_scalar_text(jv_get(w, "max-body-size"), &body);
        sb_printf(out, "  backend      %s:%s%s\n", str_of(b, "host"),
                  port.buf,
                  jv_kind(jv_get(b, "tls")) == JV_TRUE ? " (TLS)" : "");
        sb_printf(out, "  waf          %s, %s, body up to %s bytes\n",
                  str_of(w, "mode"), str_of(w, "managed-rules"), body.buf);
        list_line("exclusions", jv_get(w, "exclusions"), out);
        list_line("rate limits", jv_get(w, "rate-limits"), out);
        sb_release(&port);
        sb_release(&body);
    } else {
        sb_puts(out, "  no route takes it: 404\n");
    }
    if (jv_get(o, "edge-route")) {
        sb_puts(out, "  at the edge  ");
        route_line(jv_get(o, "edge-route"), out);
    }
    if (jv_get(o, "blocked-at-edge"))
        sb_printf(out, "  the edge refuses it: policy.internal-paths '%s'\n",
                  str_of(o, "blocked-at-edge"));
    const JsonVal *t = jv_get(o, "tried-before");
    if (jv_len(t))
        sb_puts(out, "  tried before it, and why not:\n");
    for (int i = 0; i < jv_len(t); i++) {
        sb_puts(out, "    ");
        route_line(jv_at(t, i), out);
        sb_printf(out, "      %s\n", str_of(jv_at(t, i), "why-not"));
    }
}

static const EnvModel *pick_env(Ctx *c, const char *name, Strbuf *out)
{
    for (int i = 0; i < c->m->nenvs; i++) {
        const EnvModel *e = &c->m->envs[i];
        if (name && strcmp(e->env->name.s, name) == 0)
            return e;
        if (name)
            continue;
        int n;
        RouteEntry *v = routing_table(c->a, e, &n);
        for (int k = 0; k < n; k++)
            if (strcmp(v[k].fqdn, c->q.host) == 0)
                return e;
    }
    if (name)
        sb_printf(out, "topoc: error: no environment '%s'\n", name);
    else
        sb_printf(out, "topoc: error: no environment has a route on host "
                       "'%s'; name one with --env\n",
                  c->q.host);
    return NULL;
}

int review_route(Arena *a, const Model *m, const char *env,
                 const char *method, const char *url, ReviewFormat fmt,
                 Strbuf *out)
{
    Ctx c = {.a = a, .m = m, .q = {.method = method, .url = url}};
    for (unsigned k = 0; k < 7; k++)
        if (strcmp(method, route_method_names[k]) == 0)
            c.q.bit = 1u << k;
    if (!c.q.bit) {
        sb_printf(out, "topoc: error: unknown method '%s' (GET, HEAD, POST, "
                       "PUT, PATCH, DELETE or OPTIONS)\n",
                  method);
        return -1;
    }
    const char *bad = parse_url(a, &c.q);
    if (bad) {
        sb_printf(out, "topoc: error: '%s': %s\n", url, bad);
        return -1;
    }
    c.env = pick_env(&c, env, out);
    if (!c.env)
        return -1;
    c.ps = patterns_new();
    Matcher mt;
    matcher_init(&mt, a, c.env);
    c.v = mt.v;
    c.n = mt.n;
    int taken;
    JsonVal *o = answer(&c, &mt, &taken);
    matcher_free(&mt);
    if (fmt == RFMT_JSON)
        jv_write(o, out);
    else
        text(o, out);
    jv_free(o);
    patterns_free(c.ps);
    return taken ? 0 : 1;
}
