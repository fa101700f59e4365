/* check_routes.c - routing: templates, duplicates, shadowing, overlaps and
 * internal paths, for every environment's gateway.
 *
 * The gateway's matching order (what every emitter realises): for each
 * host, routes are tried by priority (higher first), then by specificity -
 * segment by segment, a literal beats 'pre{param}suf', which beats a
 * constrained {param}, which beats {param}, which beats '**'; if one
 * template is a prefix of the other, the longer comes first - then in
 * declaration order.  The first route whose host, method and path match
 * wins.
 *
 * Overlap is decided exactly on templates, segment by segment (a literal
 * and a parameter, two parameters through their literal prefix and suffix),
 * and every finding carries a witness URL that PCRE2 confirms against both
 * routes.  Parameter constraints are checked on the witness only, so two
 * differently constrained parameters count as disjoint when the sampled
 * witnesses tell them apart.  Candidate pairs come from an index of path
 * segments per host (route_index.c, which the gateway's emitters use
 * too), so the work grows with the overlaps, not with the square of the
 * routes.
 */
#include "topoc/check.h"
#include "topoc/routing.h"
#include "topoc/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* An environment's routes: at 10,000 services 30,000 of them, parsed
 * into segments at once (this scratch is the check's largest), so each
 * route costs its RouteEntry, its segments and a word of its own. */
typedef struct Routes {
    Checker *ck;
    Arena *a;    /* scratch: route analysis, freed after each environment */
    Arena *keep; /* the compilation's: what findings point to */
    const EnvModel *e;
    RouteEntry *v; /* the routes, their segments and methods (routing.h) */
    unsigned *covered; /* per route: the methods that earlier routes take */
    int n;
    SegCache *cache; /* segment languages, shared by the routes */
    struct Record *rec; /* where what is said is kept, or NULL */
    const int *ord; /* check_host's routes that may meet another, in
                       matching order: what a Hit's positions index */
} Routes;

/* ---- what the analysis says, kept ---- */

/* Environments usually hold the very same routes (an override rarely
 * touches them), and the analysis of a list of routes depends on nothing
 * else but their services' names: the environment is only in each
 * finding's target.  So what the analysis of one environment says is
 * kept, in the order said, and an environment whose routes are the same
 * says it again with its own targets, instead of parsing, indexing and
 * relating 30,000 routes again (at 10,000 services half of the routing
 * checks).  Said again, every finding repeats one recorded before, so
 * check_report folds the target into it as before. */
typedef struct Said {
    const char *rule;   /* a finding's rule; NULL for a note or a help */
    const Route *about; /* a finding's: the route its target names */
    Loc loc;            /* a finding's or a note's */
    bool help;
    const char *msg;
} Said;

typedef struct Record {
    const EnvModel *e; /* the environment analysed last, or NULL */
    Arena a;           /* the messages */
    Said *v;           /* in a */
    int n, cap;
} Record;

static const char *route_target(Arena *keep, const EnvModel *e, const Route *r)
{
    return arena_printf(keep, "%s/route/%s%s", e->env->name.s, r->host.s,
                        r->path.s);
}

/* fmt's text in rs's record (kept for an environment that says it
 * again), or in the scratch when nothing is recorded. */
static const char *said(Routes *rs, Said x, const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int len = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    Arena *a = rs->rec ? &rs->rec->a : rs->a;
    char *msg = arena_alloc_uninit(a, (size_t)len + 1);
    vsnprintf(msg, (size_t)len + 1, fmt, ap);
    if (rs->rec) {
        Record *rec = rs->rec;
        if (rec->n == rec->cap) {
            int nc = rec->cap ? rec->cap * 2 : 16;
            rec->v = arena_grow(&rec->a, rec->v, (size_t)rec->n, (size_t)nc,
                                sizeof *rec->v);
            rec->cap = nc;
        }
        x.msg = msg;
        rec->v[rec->n++] = x;
    }
    return msg;
}

/* check_report, about route ri in rs's environment, recorded. */
__attribute__((format(printf, 5, 6))) static Diag *
say(Routes *rs, const char *rule, Loc loc, const RouteEntry *ri,
    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *msg = said(rs, (Said){rule, ri->r, loc, false, NULL}, fmt, ap);
    va_end(ap);
    return check_report(rs->ck, rule, loc, route_target(rs->keep, rs->e, ri->r),
                        "%s", msg);
}

/* diag_note and diag_help, recorded when d was recorded (a finding said
 * again is said again with its notes, which then find it recorded). */
__attribute__((format(printf, 4, 5))) static void
say_note(Routes *rs, Diag *d, Loc loc, const char *fmt, ...)
{
    if (!d)
        return;
    va_list ap;
    va_start(ap, fmt);
    const char *msg = said(rs, (Said){NULL, NULL, loc, false, NULL}, fmt, ap);
    va_end(ap);
    diag_note(check_diags(rs->ck), d, loc, "%s", msg);
}

__attribute__((format(printf, 3, 4))) static void
say_help(Routes *rs, Diag *d, const char *fmt, ...)
{
    if (!d)
        return;
    va_list ap;
    va_start(ap, fmt);
    const char *msg = said(rs, (Said){NULL, NULL, {0}, true, NULL}, fmt, ap);
    va_end(ap);
    diag_help(check_diags(rs->ck), d, "%s", msg);
}

/* Say again what rec's environment said, about environment e. */
static void say_again(Checker *ck, const Record *rec, const EnvModel *e)
{
    Diags *ds = check_diags(ck);
    Diag *d = NULL;
    for (int i = 0; i < rec->n; i++) {
        const Said *x = &rec->v[i];
        if (x->rule)
            d = check_report(ck, x->rule, x->loc,
                             route_target(check_arena(ck), e, x->about), "%s",
                             x->msg);
        else if (x->help)
            diag_help(ds, d, "%s", x->msg);
        else
            diag_note(ds, d, x->loc, "%s", x->msg);
    }
}

/* e's routes are rec's: the same services' routes (the same Route
 * pointers) in the same order, under the same names. */
static bool same_routes(const Record *rec, const EnvModel *e)
{
    const EnvModel *o = rec->e;
    if (!o || o->nservices != e->nservices)
        return false;
    for (int i = 0; i < e->nservices; i++) {
        const Service *s = e->services[i], *t = o->services[i];
        if (s == t)
            continue;
        if (s->routes.n != t->routes.n ||
            (s->routes.n && strcmp(s->name.s, t->name.s) != 0))
            return false;
        for (int k = 0; k < s->routes.n; k++)
            if (s->routes.v[k] != t->routes.v[k])
                return false;
    }
    return true;
}

/* ---- templates ---- */

/* The position of byte off of a scalar's value: exact when the scalar is
 * written plain or quoted without escapes up to there, else the scalar. */
static Loc loc_in_value(Loc at, const char *value, int off)
{
    size_t room;
    const char *t = loc_line(at) > 0 ? loc_text(at, &room) : NULL;
    if (!t)
        return at;
    int q = *t == '"' || *t == '\'' ? 1 : 0;
    if ((size_t)(off + q) >= room ||
        strncmp(t + q, value, (size_t)off) != 0 ||
        (q && memchr(t + q, *t == '"' ? '\\' : '\'', (size_t)off)))
        return at;
    return loc_advance(at, (size_t)(q + off));
}

/* A constraint in the language, whose segment cannot be empty, matches
 * something, and cannot make a backtracking gateway slow. */
static bool constraint_ok(Routes *rs, const RouteEntry *ri,
                          const KeyVal *kv, const Seg *sg)
{
    const char *msg = NULL, *help = NULL;
    int off = 0;
    if (!seg_cons(rs->cache, sg)) {
        const ConsError *err = seg_error(rs->cache, sg);
        msg = err->msg;
        help = err->help;
        off = err->off;
    } else if (!seg_dfa(rs->cache, sg)) {
        msg = "this constraint needs too large an automaton to decide";
        help = "simplify it: fewer nested repetitions and alternatives";
    } else {
        const SegVerdict *v = seg_verdict(rs->cache, sg);
        Ambiguity amb = v->amb;
        off = v->off;
        if (v->nothing) {
            msg = "this constraint matches no value: the route can never "
                  "match";
            help = "remove the lookahead that excludes every value";
        } else if (v->empty_value) {
            msg = "this constraint matches an empty value, which no path "
                  "segment has";
            help = "require at least one character, e.g. + instead of *";
        } else if (amb != AMB_NONE) {
            msg = amb == AMB_EXP
                      ? "this repetition can match the same text in "
                        "exponentially many ways: a backtracking gateway "
                        "(nginx, HAProxy) would take exponential time on a "
                        "crafted path"
                  : amb == AMB_POLY
                      ? "this repetition can split the same text between "
                        "repetitions in many ways: a backtracking gateway "
                        "would take polynomial time on a crafted path"
                      : "this constraint is too ambiguous to prove fast";
            help = "make the alternatives and the repeated parts disjoint, "
                   "e.g. [a-z0-9]+(?:-[a-z0-9]+)* instead of "
                   "[a-z0-9]+-?[a-z0-9]+";
        }
    }
    if (!msg)
        return true;
    Loc at = loc_in_value(kv->value.loc, kv->value.s, off);
    say_help(rs,
             say(rs, "route-param-pattern", at, ri,
                 "the constraint for '%s': %s", kv->key.s, msg),
             "%s (the constraint language: specs/README.md, routes[].params)",
             help);
    return false;
}

/* Split r's path into segments; report template problems.  Returns false
 * when the route cannot take part in overlap checks. */
static bool parse_route(Routes *rs, RouteEntry *ri)
{
    const Route *r = ri->r;
    const char *path = r->path.s;
    ri->cache = rs->cache;
    route_segments(rs->a, ri); /* its methods when asked: methods_of */
    bool ok = true;
    for (int i = 0; i < ri->nsegs; i++) {
        const Seg *sg = &ri->segs[i];
        for (int k = 0; sg->kind == SEG_PARAM && k < i; k++) {
            const Seg *o = &ri->segs[k];
            if (o->kind == SEG_PARAM && strcasecmp(o->name, sg->name) == 0)
                say_help(rs,
                         say(rs, "route-param-duplicate", r->path.loc, ri,
                             "parameter '%s' appears twice in '%s'", sg->name,
                             path),
                         "give each parameter its own name");
        }
    }
    /* constraints: each names a parameter, compiles, and stays in one
     * segment */
    for (int i = 0; i < r->params.n; i++) {
        const KeyVal *kv = r->params.v[i];
        const Seg *sg = NULL;
        for (int k = 0; k < ri->nsegs && !sg; k++)
            if (ri->segs[k].kind == SEG_PARAM &&
                strcmp(ri->segs[k].name, kv->key.s) == 0)
                sg = &ri->segs[k];
        if (!sg) {
            say_help(rs,
                     say(rs, "route-param-unknown", kv->key.loc, ri,
                         "'%s' has no parameter '%s'", path, kv->key.s),
                     "constrain a {parameter} of the path, or remove this");
            continue;
        }
        if (!constraint_ok(rs, ri, kv, sg))
            ok = false;
    }
    return ok;
}

static const char *witness(Routes *rs, const RouteEntry *a,
                           const RouteEntry *b)
{
    Strbuf sb = STRBUF_INIT;
    route_witness(a, b, &sb);
    const char *w = arena_strdup(rs->a, sb.buf);
    sb_release(&sb);
    return w;
}

/* ---- findings ---- */

/* Route i's methods, read from its Route when first asked: most routes
 * share no path with any other, and reading every route's list of
 * methods (a cache miss each) was a thirteenth of the routing checks at
 * 10,000 services. */
enum { METHODS_READ = 1u << 31 };

static unsigned methods_of(Routes *rs, int i)
{
    RouteEntry *e = &rs->v[i];
    if (!e->methods)
        e->methods = route_methods(&e->r->methods) | METHODS_READ;
    return e->methods & ~(unsigned)METHODS_READ;
}

/* A route that takes requests another would serve.  Findings are grouped
 * by the route that takes the traffic (the primary location, usually the
 * one a change adds) with each route that loses traffic as a note under
 * it, capped: one broad route is one finding however many it hides. */
typedef enum { HIT_DUP, HIT_HIDES, HIT_TAKES, HIT_OVERLAP } HitKind;

typedef struct Hit {
    int taker, victim;   /* positions in rs->ord */
    HitKind kind;
    unsigned methods;    /* the victim's methods the taker gets */
    bool whole;          /* HIT_HIDES: the victim never gets a request */
} Hit;

typedef struct Hits {
    Hit *v;
    int n, cap;
} Hits;

enum { MAX_VICTIM_NOTES = 5 };

static const char *const hit_rules[] = {"route-duplicate", "route-shadowed",
                                        "route-takeover", "route-overlap"};

static void add_hit(Routes *rs, Hits *h, Hit x)
{
    if (h->n == h->cap) {
        int nc = h->cap ? h->cap * 2 : 16;
        h->v = arena_grow(rs->a, h->v, (size_t)h->n, (size_t)nc,
                          sizeof *h->v);
        h->cap = nc;
    }
    h->v[h->n++] = x;
}

static int hit_cmp(const void *a, const void *b)
{
    const Hit *x = a, *y = b;
    if (x->taker != y->taker)
        return x->taker < y->taker ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return (x->victim > y->victim) - (x->victim < y->victim);
}

static void victim_note(Routes *rs, Diag *d, const Hit *h, const char *w)
{
    const RouteEntry *t = &rs->v[rs->ord[h->taker]];
    const RouteEntry *v = &rs->v[rs->ord[h->victim]];
    Strbuf m = STRBUF_INIT;
    route_methods_text(h->methods, &m);
    if (h->kind == HIT_DUP)
        say_note(rs, d, v->r->path.loc,
                 "'%s' declares it again here and never gets %s %s",
                 v->svc->name.s, m.buf, w);
    else if (h->kind == HIT_HIDES && h->whole)
        say_note(rs, d, v->r->path.loc,
                 "%s of '%s' can never be reached: e.g. %s %s goes to '%s'",
                 v->r->path.s, v->svc->name.s, m.buf, w, t->svc->name.s);
    else if (h->kind == HIT_HIDES)
        say_note(rs, d, v->r->path.loc,
                 "%s requests to %s of '%s' can never reach it: e.g. %s %s "
                 "goes to '%s'",
                 m.buf, v->r->path.s, v->svc->name.s, m.buf, w, t->svc->name.s);
    else
        say_note(rs, d, v->r->path.loc,
                 "%s %s would go to '%s' (%s) if this route did not come "
                 "first",
                 m.buf, w, v->svc->name.s, v->r->path.s);
    sb_release(&m);
}

/* One finding for hits [lo, hi): one taker, one kind. */
static void report_group(Routes *rs, const Hit *h, int n)
{
    const RouteEntry *t = &rs->v[rs->ord[h->taker]];
    Strbuf m = STRBUF_INIT;
    route_methods_text(methods_of(rs, rs->ord[h->taker]), &m);
    const char *rule = hit_rules[h->kind];
    const char *what[] = {"is declared again by", "hides",
                          "takes requests that would go to",
                          "takes requests that would go to"};
    Diag *d = say(rs, rule, t->r->path.loc, t,
                  "%s %s of '%s' %s %d other route%s", m.buf, t->r->path.s,
                  t->svc->name.s, what[h->kind], n, n == 1 ? "" : "s");
    sb_release(&m);
    if (!d)
        return;
    for (int i = 0; i < n && i < MAX_VICTIM_NOTES; i++)
        victim_note(rs, d, &h[i],
                    witness(rs, t, &rs->v[rs->ord[h[i].victim]]));
    if (n > MAX_VICTIM_NOTES)
        say_note(rs, d, (Loc){0}, "and %d more route%s", n - MAX_VICTIM_NOTES,
                 n - MAX_VICTIM_NOTES == 1 ? "" : "s");
    if (h->kind == HIT_DUP)
        say_help(rs, d, "keep one of them, or give them different methods");
    else if (h->kind == HIT_HIDES)
        say_help(rs, d,
                 "make this route narrower, or change the "
                 "priorities (routes[].priority)");
    else
        say_help(rs, d,
                 "constrain a parameter (routes[].params) so that "
                 "the routes cannot match the same path, or give "
                 "this route a lower priority");
}

static void report_hits(Routes *rs, Hits *h)
{
    if (h->n > 1) /* h->v is NULL when there are none */
        qsort(h->v, (size_t)h->n, sizeof *h->v, hit_cmp);
    for (int lo = 0; lo < h->n;) {
        int hi = lo + 1;
        while (hi < h->n && h->v[hi].taker == h->v[lo].taker &&
               h->v[hi].kind == h->v[lo].kind)
            hi++;
        report_group(rs, &h->v[lo], hi - lo);
        lo = hi;
    }
}

/* What the route at position fp of rs->ord takes from the one at lp,
 * which comes after it. */
static void classify(Routes *rs, Hits *h, int fp, int lp, Relation rel,
                     unsigned common)
{
    int li = rs->ord[lp];
    const RouteEntry *first = &rs->v[rs->ord[fp]], *later = &rs->v[li];
    unsigned *covered = &rs->covered[li];
    unsigned taken = common & ~*covered;
    if (!taken)
        return; /* earlier routes already take these */
    Hit x = {fp, lp, HIT_OVERLAP, taken, false};
    if (rel == REL_SAME || rel == REL_COVERS) {
        *covered |= taken;
        x.kind = rel == REL_SAME ? HIT_DUP : HIT_HIDES;
        x.whole = *covered == methods_of(rs, li);
    } else if (first->svc != later->svc) {
        x.kind = HIT_TAKES;
    }
    add_hit(rs, h, x);
}

static int perm_cmp(const void *a, const void *b, void *v)
{
    const RouteEntry *re = v;
    return route_order_cmp(&re[*(const int *)a], &re[*(const int *)b]);
}

static int int_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The routes of [lo, hi) whose paths may meet another's (route_index's
 * candidates), in matching order; their number.  The others take nothing
 * and lose nothing, wherever they come: at 10,000 services that is
 * almost every route, and sorting them all was a sixth of the routing
 * checks.  qsort's merge sort is stable, so ties keep the listed order,
 * as in a sort of them all. */
static int meeting(Routes *rs, const RouteIndex *ix, int lo, int hi,
                   RouteSet *c, int **ord)
{
    int n = hi - lo, m = 0;
    unsigned char *met = arena_alloc(rs->a, (size_t)n + 1);
    for (int i = 0; i < n; i++) {
        route_index_query_at(ix, i, c);
        for (int k = 0; c->n > 1 && k < c->n; k++) /* not itself alone */
            if (!met[c->v[k]]) {
                met[c->v[k]] = 1;
                m++;
            }
    }
    *ord = arena_alloc_uninit(rs->a, ((size_t)m + 1) * sizeof **ord);
    for (int i = 0, k = 0; i < n; i++)
        if (met[i])
            (*ord)[k++] = lo + i;
    qsort_r(*ord, (size_t)m, sizeof **ord, perm_cmp, rs->v);
    return m;
}

/* Routes [lo, hi) share one host, in listed order. */
static void check_host(Routes *rs, int lo, int hi)
{
    RouteIndex *ix = route_index(rs->a, rs->v + lo, hi - lo);
    RouteSet c = {0};
    Hits h = {0};
    int *ord;
    int m = meeting(rs, ix, lo, hi, &c, &ord);
    int *pos = arena_alloc_uninit(rs->a, ((size_t)(hi - lo) + 1) *
                                              sizeof *pos);
    for (int p = 0; p < m; p++)
        pos[ord[p] - lo] = p;
    rs->ord = ord;
    for (int p = 0; p < m; p++) {
        int i = ord[p];
        route_index_query_at(ix, i - lo, &c);
        int nc = 0; /* the candidates before it, by position */
        for (int k = 0; k < c.n; k++)
            if (pos[c.v[k]] < p)
                c.v[nc++] = pos[c.v[k]];
        qsort(c.v, (size_t)nc, sizeof *c.v, int_cmp);
        /* candidates in matching order: once every method of the route is
         * taken, later ones take nothing (N duplicates cost N, not N^2) */
        for (int k = 0; k < nc; k++) {
            int fi = ord[c.v[k]];
            unsigned later = methods_of(rs, i);
            if (rs->covered[i] == later)
                break;
            unsigned common = methods_of(rs, fi) & later;
            if (!common)
                continue;
            Relation rel = route_relate(&rs->v[fi], &rs->v[i]);
            if (rel != REL_NONE)
                classify(rs, &h, c.v[k], p, rel, common);
        }
    }
    free(c.v);
    report_hits(rs, &h);
}

/* Paths in policy.internal-paths are never routed from the edge. */
static void internal_paths(Routes *rs, const RouteEntry *ri,
                           const RouteEntry *internal, int ninternal)
{
    if (ri->r->internal.v)
        return;
    for (int k = 0; k < ninternal; k++) {
        if (route_relate(&internal[k], ri) == REL_NONE)
            continue;
        const char *w = witness(rs, &internal[k], ri);
        if (!w)
            continue;
        Diag *d = say(rs, "route-internal-exposed", ri->r->path.loc, ri,
                      "%s of '%s' exposes the internal path %s", ri->r->path.s,
                      ri->svc->name.s, w);
        say_note(rs, d, internal[k].r->path.loc,
                 "%s is internal-only (policy.internal-paths)",
                 internal[k].r->path.s);
        say_help(rs, d,
                 "mark the route 'internal: true', or constrain its "
                 "parameters to exclude the internal path");
        return;
    }
}

static int host_cmp(const void *a, const void *b, void *arg)
{
    const char *const *host = arg;
    const char *x = host[*(const int *)a], *y = host[*(const int *)b];
    return x == y ? 0 : strcmp(x, y);
}

/* rs->v's routes of one host side by side, the hosts in order (the
 * matching order's first key), each host's routes in listed order.  Most
 * platforms route one host or few; the hosts are compared from an array
 * of their own, not through each route. */
static void group_hosts(Routes *rs)
{
    const char **host = xmalloc(((size_t)rs->n + 1) * sizeof *host);
    bool one = true;
    for (int i = 0; i < rs->n; i++) {
        host[i] = rs->v[i].r->host.s;
        one = one && (host[i] == host[0] || !strcmp(host[i], host[0]));
    }
    if (!one) {
        int *perm = xmalloc(((size_t)rs->n + 1) * sizeof *perm);
        for (int i = 0; i < rs->n; i++)
            perm[i] = i;
        qsort_r(perm, (size_t)rs->n, sizeof *perm, host_cmp, host);
        /* v[i] = (the listed) v[perm[i]], in place, cycle by cycle */
        unsigned char *done = xmalloc((size_t)rs->n + 1);
        memset(done, 0, (size_t)rs->n + 1);
        for (int i = 0; i < rs->n; i++) {
            if (done[i])
                continue;
            RouteEntry first = rs->v[i];
            int j = i;
            while (perm[j] != i) {
                rs->v[j] = rs->v[perm[j]];
                done[j] = 1;
                j = perm[j];
            }
            rs->v[j] = first;
            done[j] = 1;
        }
        free(done);
        free(perm);
    }
    free(host);
}

/* Environment e's routes, analysed, what is said recorded in rec. */
static void analyse_env(Checker *ck, const EnvModel *e,
                        const RouteEntry *internal, int ninternal,
                        SegCache *cache, Record *rec)
{
    Arena scratch;
    arena_init(&scratch);
    Routes rs = {.ck = ck,
                 .a = &scratch,
                 .keep = check_arena(ck),
                 .e = e,
                 .cache = cache,
                 .rec = rec};
    int total = 0;
    for (int i = 0; i < e->nservices; i++)
        total += e->services[i]->routes.n;
    rs.v = arena_alloc(rs.a, ((size_t)total + 1) * sizeof *rs.v);
    for (int i = 0; i < e->nservices; i++) {
        const Service *s = e->services[i];
        for (int k = 0; k < s->routes.n; k++) {
            RouteEntry *ri = &rs.v[rs.n];
            memset(ri, 0, sizeof *ri);
            ri->r = s->routes.v[k];
            ri->svc = s;
            if (parse_route(&rs, ri)) {
                internal_paths(&rs, ri, internal, ninternal);
                rs.n++;
            }
        }
    }
    group_hosts(&rs);
    rs.covered = arena_alloc(rs.a, ((size_t)rs.n + 1) * sizeof *rs.covered);
    for (int lo = 0; lo < rs.n;) {
        int hi = lo + 1;
        while (hi < rs.n && (rs.v[hi].r->host.s == rs.v[lo].r->host.s ||
                             !strcmp(rs.v[hi].r->host.s, rs.v[lo].r->host.s)))
            hi++;
        check_host(&rs, lo, hi);
        lo = hi;
    }
    arena_free(&scratch);
}

void check_routes(Checker *ck)
{
    const Model *m = check_model_of(ck);
    Arena *a = check_arena(ck);
    const StrList *ip = &m->platform->policy->internal_paths;
    RouteEntry *internal = arena_alloc(a, ((size_t)ip->n + 1) *
                                              sizeof *internal);
    int ninternal = 0;
    SegCache *cache = segment_cache(a); /* one for all: ids are shared */
    Routes rs0 = {.ck = ck, .a = a, .keep = a, .cache = cache,
                  .e = m->nenvs ? &m->envs[0] : NULL};
    for (int i = 0; i < ip->n && rs0.e; i++) {
        Route *r = arena_alloc(a, sizeof *r);
        r->path = ip->v[i];
        r->host = (Str){"*", ip->v[i].loc};
        r->loc = ip->v[i].loc;
        internal[ninternal].r = r;
        if (parse_route(&rs0, &internal[ninternal]))
            ninternal++;
    }
    /* an environment whose routes are those of the one analysed last
     * says again what that one said */
    Record rec = {NULL};
    arena_init(&rec.a);
    for (int i = 0; i < m->nenvs; i++) {
        const EnvModel *e = &m->envs[i];
        if (same_routes(&rec, e)) {
            say_again(ck, &rec, e);
            continue;
        }
        arena_free(&rec.a);
        arena_init(&rec.a);
        rec = (Record){.e = e, .a = rec.a};
        analyse_env(ck, e, internal, ninternal, cache, &rec);
    }
    arena_free(&rec.a);
}
