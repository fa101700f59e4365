/* check_openapi.c - a service's API documents against the gateway
 * (openapi: on a service; specs/README.md "OpenAPI documents").
 *
 * Every operation a service claims (all of a document's, or those its
 * openapi[].paths cover) must reach that service at the gateway: on the
 * document's host, for its method, every path the operation's template and
 * parameter schemas allow.  "Reach" is decided with the routing relation
 * the route checks use (route_relate: automata, not samples), walking the
 * environment's routing table in matching order: the operation is reached
 * when a route of the service covers all its paths and no route of
 * another service tried before it matches any of them.  A route of the
 * service that matches only some of them refuses values the schema allows
 * (its constraint is narrower than the schema, or a literal stands where
 * the document has a parameter).  A route of such a service that no
 * claimed operation reaches is reported too: the document does not
 * describe it.
 */
#include "topoc/check.h"
#include "topoc/openapi.h"
#include "topoc/routing.h"
#include "topoc/util.h"

#include <stdlib.h>
#include <string.h>

typedef struct DocCache {
    const char *file;
    OaDoc doc;
    bool ok;
    const char *err; /* why not, when !ok */
} DocCache;

typedef struct Oa {
    Checker *ck;
    Arena *a;
    const Model *m;
    const EnvModel *e;
    RouteEntry *table;
    int n;
    bool *used; /* per table entry: some claimed operation reaches it */
    DocCache *docs;
    int ndocs, capdocs;
    Loc *narrow; /* constraints already reported as narrower */
    int nnarrow, capnarrow;
    bool broken; /* the service's documents could not all be used */
} Oa;

/* Operations of one path that fail the same way, reported together. */
typedef struct Group {
    const OaOp *first;
    const char *host; /* oe's (the entry itself lives on the stack) */
    const RouteEntry *thief;
    Strbuf methods, ids, witness;
    int n;
} Group;

static const char *svc_target(Oa *o, const Service *s)
{
    return arena_printf(check_arena(o->ck), "%s/service/%s",
                        o->e->env->name.s, s->name.s);
}

/* The document, read once per file for the whole check; each entry that
 * names an unusable one is reported (repeats in other environments fold
 * into one finding with a target per environment). */
static const OaDoc *doc_of(Oa *o, const Service *s, const OpenApiRef *ref)
{
    const char *file = openapi_file(o->a, ref);
    DocCache *dc = NULL;
    for (int i = 0; i < o->ndocs && !dc; i++)
        if (!strcmp(o->docs[i].file, file))
            dc = &o->docs[i];
    if (!dc) {
        if (o->ndocs == o->capdocs) {
            int nc = o->capdocs ? o->capdocs * 2 : 16;
            o->docs = arena_grow(o->a, o->docs, (size_t)o->ndocs,
                                 (size_t)nc, sizeof *o->docs);
            o->capdocs = nc;
        }
        dc = &o->docs[o->ndocs++];
        dc->file = file;
        Strbuf err = STRBUF_INIT;
        dc->ok = openapi_read(o->a, file, ref->document.s, &dc->doc, &err);
        dc->err = dc->ok ? NULL : arena_strdup(o->a, err.buf);
        sb_release(&err);
    }
    if (dc->ok)
        return &dc->doc;
    Diag *d = check_report(o->ck, "openapi-document", ref->document.loc,
                           svc_target(o, s), "%s", dc->err);
    diag_help(check_diags(o->ck), d,
              "name a JSON OpenAPI 3.x document, relative to this file");
    return NULL;
}

/* The host the operations are served on: openapi[].host, else the
 * document's server host less the domain of an environment. */
static const char *doc_host(Oa *o, const Service *s, const OpenApiRef *ref,
                            const OaDoc *doc)
{
    if (ref->host.s)
        return ref->host.s;
    const char *h = doc->server_host;
    size_t hl = h ? strlen(h) : 0;
    for (int i = 0; h && i < o->m->platform->environments.n; i++) {
        const Environment *env = o->m->platform->environments.v[i];
        size_t dl = env->domain.s ? strlen(env->domain.s) : 0;
        if (dl && hl > dl + 1 && h[hl - dl - 1] == '.' &&
            !strcasecmp(h + hl - dl, env->domain.s))
            return arena_strndup(o->a, h, hl - dl - 1);
    }
    Diag *d = check_report(
        o->ck, "openapi-document", ref->document.loc, svc_target(o, s),
        h ? "the document's server host '%s' is in no environment's domain"
          : "the document names no server host%s",
        h ? h : "");
    diag_help(check_diags(o->ck), d,
              "write openapi[].host: the host its operations are served on, "
              "as in routes[].host");
    return NULL;
}

static const char *op_name(Oa *o, const OaOp *op)
{
    return op->id ? arena_printf(o->a, "%s %s (%s)", op->method, op->key,
                                 op->id)
                  : arena_printf(o->a, "%s %s", op->method, op->key);
}

/* ENV/service/NAME/operation/ID (or METHOD PATH): each operation can be
 * waived alone. */
static const char *target(Oa *o, const Service *s, const OaOp *op)
{
    return op->id ? arena_printf(check_arena(o->ck),
                                 "%s/service/%s/operation/%s",
                                 o->e->env->name.s, s->name.s, op->id)
                  : arena_printf(check_arena(o->ck),
                                 "%s/service/%s/operation/%s %s",
                                 o->e->env->name.s, s->name.s, op->method,
                                 op->key);
}

/* ---- what is left of an operation's paths ----
 *
 * The paths an operation allows are a product of per-segment languages.
 * Walking the routing table, each route takes its part (Q minus R is a
 * union of products: segment i outside R, the earlier ones inside), so
 * what is left is a short list of products, decided on automata. */

enum { OA_MAX_PRODUCTS = 256 };

typedef struct Left {
    const Dfa **v; /* nprod products of k segments */
    int nprod, k;
    bool overflow; /* an automaton or the list grew too big */
} Left;

/* Route r's language at op segment i; NULL stands for "any" (a '**'). */
static const Dfa *route_seg(Arena *a, const RouteEntry *r, int i, bool *ok)
{
    if (i >= r->nsegs || r->segs[i].kind == SEG_REST)
        return NULL;
    const Seg *sg = &r->segs[i];
    const Dfa *d = sg->kind == SEG_LIT ? dfa_literal(a, sg->lit)
                                       : seg_dfa(r->cache, sg);
    *ok = *ok && d;
    return d;
}

/* Does r match paths of op's length at all (a '**' or equal length)? */
static bool route_fits(const RouteEntry *r, int k)
{
    for (int i = 0; i < r->nsegs; i++)
        if (r->segs[i].kind == SEG_REST)
            return i <= k;
    return r->nsegs == k;
}

static void left_push(Left *l, Arena *a, const Dfa **p)
{
    if (l->nprod == OA_MAX_PRODUCTS) {
        l->overflow = true;
        return;
    }
    if (l->nprod % 16 == 0) /* k + 1: a path of no segment ("/") too */
        l->v = arena_grow(a, l->v, (size_t)l->nprod * (size_t)(l->k + 1),
                          ((size_t)l->nprod + 16) * (size_t)(l->k + 1),
                          sizeof *l->v);
    memcpy(l->v + (size_t)l->nprod * (size_t)l->k, p,
           (size_t)l->k * sizeof *p);
    l->nprod++;
}

/* Take route r's paths out of l; true when r took some.  A path r takes
 * (the first it takes) is written to w. */
static bool left_take(Left *l, Arena *a, const RouteEntry *r, Strbuf *w)
{
    int k = l->k;
    bool ok = true, took = false;
    const Dfa **rs = arena_alloc(a, ((size_t)k + 1) * sizeof *rs);
    for (int i = 0; i < k; i++)
        rs[i] = route_seg(a, r, i, &ok);
    if (!ok || !route_fits(r, k))
        return false;
    Left out = {.k = k};
    const Dfa **in = arena_alloc(a, ((size_t)k + 1) * sizeof *in);
    for (int p = 0; p < l->nprod && !out.overflow; p++) {
        const Dfa **q = l->v + (size_t)p * (size_t)k;
        bool meets = true;
        for (int i = 0; i < k && meets; i++) {
            in[i] = rs[i] ? dfa_and(a, q[i], rs[i]) : q[i];
            meets = in[i] && !dfa_empty(in[i]);
            out.overflow = out.overflow || !in[i];
        }
        if (!meets) {
            left_push(&out, a, q);
            continue;
        }
        if (!took && w)
            for (int i = 0; i < k; i++) {
                sb_putc(w, '/');
                dfa_intersect(in[i], in[i], w);
            }
        took = true;
        for (int i = 0; i < k && rs[i]; i++) {
            const Dfa *d = dfa_minus(a, q[i], rs[i]);
            out.overflow = out.overflow || !d;
            if (!d || dfa_empty(d))
                continue;
            const Dfa **np = arena_alloc(a, (size_t)k * sizeof *np);
            memcpy(np, in, (size_t)i * sizeof *np);
            np[i] = d;
            memcpy(np + i + 1, q + i + 1, (size_t)(k - i - 1) * sizeof *np);
            left_push(&out, a, np);
        }
    }
    if (took) {
        l->v = out.v;
        l->nprod = out.nprod;
        l->overflow = l->overflow || out.overflow;
    }
    return took;
}

/* The operation's paths as one product; false when a segment's
 * automaton could not be built. */
static bool left_init(Left *l, Arena *a, const RouteEntry *oe)
{
    *l = (Left){.k = oe->nsegs};
    const Dfa **p = arena_alloc(a, ((size_t)oe->nsegs + 1) * sizeof *p);
    bool ok = true;
    for (int i = 0; i < oe->nsegs; i++)
        p[i] = route_seg(a, oe, i, &ok);
    if (ok)
        left_push(l, a, p);
    return ok;
}

/* ---- findings ---- */

/* A route of the service took some of the operation's paths and the
 * rest reach no route: report at the last such route, where the
 * constraint of the segment the left path differs in is, if any. */
static void report_narrow(Oa *o, const Service *s, const OaOp *op,
                          const Left *l, const RouteEntry *r)
{
    Loc at = r->r->path.loc;
    Strbuf w = STRBUF_INIT;
    const Dfa **q = l->v;
    for (int i = 0; i < l->k; i++) {
        Strbuf seg = STRBUF_INIT;
        dfa_intersect(q[i], q[i], &seg);
        sb_printf(&w, "/%s", seg.buf ? seg.buf : "");
        const Seg *sg = i < r->nsegs ? &r->segs[i] : NULL;
        const Dfa *d = sg ? seg_dfa(r->cache, sg) : NULL;
        if (d && !dfa_match(d, seg.buf ? seg.buf : "", seg.len))
            for (int k = 0; k < r->r->params.n; k++) {
                const KeyVal *kv = r->r->params.v[k];
                if (!strcmp(kv->key.s, sg->name))
                    at = kv->value.loc;
            }
        sb_release(&seg);
    }
    for (int i = 0; i < o->nnarrow; i++)
        if (loc_same(o->narrow[i], at)) {
            sb_release(&w);
            return; /* one constraint, one finding */
        }
    if (o->nnarrow == o->capnarrow) {
        int nc = o->capnarrow ? o->capnarrow * 2 : 16;
        o->narrow = arena_grow(o->a, o->narrow, (size_t)o->nnarrow,
                               (size_t)nc, sizeof *o->narrow);
        o->capnarrow = nc;
    }
    o->narrow[o->nnarrow++] = at;
    Diag *d = check_report(o->ck, "openapi-param-narrow", at, target(o, s, op),
                           "the routes of service '%s' refuse %s %s, which "
                           "the API document allows for %s",
                           s->name.s, op->method, w.buf, op_name(o, op));
    diag_help(check_diags(o->ck), d,
              "widen the constraint to the parameter's schema ('topoc "
              "import openapi' prints it), or add a route for the rest");
    sb_release(&w);
}

static void group_flush(Oa *o, const Service *s, const OpenApiRef *ref,
                        Group *g)
{
    if (!g->n)
        return;
    const OaOp *op = g->first;
    Diag *d = check_report(
        o->ck, "openapi-operation-unrouted", ref->document.loc,
        target(o, s, op), "operation%s %s %s%s%s%s of this document do%s not "
        "reach service '%s' on host '%s'",
        g->n > 1 ? "s" : "", g->methods.buf, op->key, g->ids.len ? " (" : "",
        g->ids.len ? g->ids.buf : "", g->ids.len ? ")" : "",
        g->n > 1 ? "" : "es", s->name.s, g->host);
    if (g->thief)
        diag_note(check_diags(o->ck), d, g->thief->r->path.loc,
                  "service '%s' takes %s here first", g->thief->svc->name.s,
                  g->witness.buf);
    diag_help(check_diags(o->ck), d,
              g->thief ? "give this service a more specific route, or let "
                         "openapi[].paths leave the operation to the other"
                       : "add a route for it ('topoc import openapi DOC "
                         "--service NAME' drafts them)");
    sb_release(&g->methods);
    sb_release(&g->ids);
    sb_release(&g->witness);
    *g = (Group){0};
}

/* Operation op fails: it joins g when it shares the path and the reason. */
static void group_add(Oa *o, const Service *s, const OpenApiRef *ref,
                      Group *g, const OaOp *op, const RouteEntry *oe,
                      const RouteEntry *thief, const char *w)
{
    if (g->n && (strcmp(g->first->key, op->key) || g->thief != thief))
        group_flush(o, s, ref, g);
    if (!g->n) {
        g->first = op;
        g->host = oe->r->host.s;
        g->thief = thief;
        if (w)
            sb_printf(&g->witness, "%s %s", op->method, w);
    }
    sb_printf(&g->methods, "%s%s", g->n ? ", " : "", op->method);
    if (op->id)
        sb_printf(&g->ids, "%s%s", g->ids.len ? ", " : "", op->id);
    g->n++;
}

/* Walk the table in matching order for one operation. */
static void check_op(Oa *o, const Service *s, const OpenApiRef *ref,
                     Group *g, const OaOp *op, const RouteEntry *oe)
{
    Left l;
    const RouteEntry *part = NULL;
    bool taken = false; /* another service takes some: reported once */
    if (!left_init(&l, o->a, oe))
        return; /* a constraint too big to decide: route-param-pattern */
    for (int i = 0; i < o->n && l.nprod && !l.overflow; i++) {
        const RouteEntry *r = &o->table[i];
        if (r->r->internal.v || !(r->methods & oe->methods) ||
            strcmp(r->r->host.s, oe->r->host.s) ||
            route_relate(r, oe) == REL_NONE)
            continue;
        bool mine = !strcmp(r->svc->name.s, s->name.s);
        Strbuf w = STRBUF_INIT;
        if (!left_take(&l, o->a, r, &w)) {
            sb_release(&w);
            continue;
        }
        if (!mine && !taken)
            group_add(o, s, ref, g, op, oe, r, w.buf);
        sb_release(&w);
        taken = taken || !mine;
        o->used[i] = o->used[i] || mine; /* it serves the rest */
        part = mine ? r : part;
    }
    if (taken || l.overflow || !l.nprod)
        return;
    if (part)
        report_narrow(o, s, op, &l, part);
    else
        group_add(o, s, ref, g, op, oe, NULL, NULL);
}

/* Is op one the entry claims (no openapi[].paths: all of them)? */
static bool claimed(Oa *o, const OpenApiRef *ref, const RouteEntry *oe)
{
    if (!ref->paths.n)
        return true;
    for (int i = 0; i < ref->paths.n; i++) {
        Route *sr = arena_alloc(o->a, sizeof *sr);
        sr->path = ref->paths.v[i];
        RouteEntry se = {.r = sr, .cache = oe->cache};
        route_parse(o->a, &se);
        Relation rel = route_relate(&se, oe);
        if (rel == REL_COVERS || rel == REL_SAME)
            return true;
    }
    return false;
}

/* False when the document cannot be used (reported). */
static bool check_ref(Oa *o, const Service *s, const OpenApiRef *ref)
{
    const OaDoc *doc = doc_of(o, s, ref);
    const char *host = doc ? doc_host(o, s, ref, doc) : NULL;
    if (!host)
        return false;
    Group g = {0};
    SegCache *cache = o->n ? o->table[0].cache : segment_cache(o->a);
    for (int i = 0; i < doc->nops; i++) {
        Route *r = arena_alloc(o->a, sizeof *r);
        *r = doc->ops[i].route;
        r->host.s = host;
        r->loc = ref->loc;
        RouteEntry oe = {.r = r, .cache = cache};
        route_parse(o->a, &oe);
        if (claimed(o, ref, &oe))
            check_op(o, s, ref, &g, &doc->ops[i], &oe);
    }
    group_flush(o, s, ref, &g);
    return true;
}

/* Does a document of r's service fail to be read (no route of it can
 * then be called unused)? */
static bool svc_broken(const Service **broken, int n, const Service *s)
{
    for (int i = 0; i < n; i++)
        if (broken[i] == s)
            return true;
    return false;
}

/* Does any service of e name an API document?  Without one there is
 * nothing to prove, and the routing table is not worth building (at
 * 10,000 services it was a fifth of check's peak memory). */
static bool env_has_openapi(const EnvModel *e)
{
    for (int i = 0; i < e->nservices; i++)
        if (e->services[i]->openapi.n)
            return true;
    return false;
}

static void check_env(Oa *o, const EnvModel *e)
{
    if (!env_has_openapi(e))
        return;
    o->e = e;
    o->table = routing_table(o->a, e, &o->n);
    o->used = arena_alloc(o->a, ((size_t)o->n + 1) * sizeof *o->used);
    memset(o->used, 0, ((size_t)o->n + 1) * sizeof *o->used);
    const Service **broken = arena_alloc(
        o->a, ((size_t)e->nservices + 1) * sizeof *broken);
    int nbroken = 0;
    for (int i = 0; i < e->nservices; i++) {
        bool ok = true;
        for (int k = 0; k < e->services[i]->openapi.n; k++)
            ok = check_ref(o, e->services[i], e->services[i]->openapi.v[k]) &&
                 ok;
        if (!ok)
            broken[nbroken++] = e->services[i];
    }
    for (int i = 0; i < o->n; i++) {
        const RouteEntry *r = &o->table[i];
        if (o->used[i] || r->r->internal.v || !r->svc->openapi.n ||
            svc_broken(broken, nbroken, r->svc))
            continue;
        Diag *d = check_report(o->ck, "openapi-route-unused", r->r->path.loc,
                               arena_printf(check_arena(o->ck),
                                            "%s/route/%s%s", e->env->name.s,
                                            r->r->host.s, r->r->path.s),
                               "no operation in the API documents of service "
                               "'%s' is served by this route",
                               r->svc->name.s);
        diag_help(check_diags(o->ck), d,
                  "add the operation to the document, or remove the route "
                  "if nothing calls it");
    }
}

void check_openapi(Checker *ck)
{
    Arena scratch;
    arena_init(&scratch);
    Oa o = {.ck = ck, .a = &scratch, .m = check_model_of(ck)};
    for (int i = 0; i < o.m->nenvs; i++)
        check_env(&o, &o.m->envs[i]);
    arena_free(&scratch);
}
