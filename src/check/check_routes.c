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
 * witnesses tell them apart.  Candidate pairs come from a trie of path
 * segments per host, so the work grows with the overlaps, not with the
 * square of the routes.
 */
#include "topoc/check.h"
#include "topoc/pattern.h"
#include "topoc/routing.h"
#include "topoc/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct RouteInfo {
    RouteEntry e;     /* the route, its segments and methods (routing.h) */
    Pattern *re;      /* the whole path, anchored, compiled on first use */
    int order;        /* position in the host's matching order */
    unsigned covered; /* methods that earlier routes take */
} RouteInfo;

typedef struct Routes {
    Checker *ck;
    Arena *a;    /* scratch: route analysis, freed after each environment */
    Arena *keep; /* the compilation's: what findings point to */
    const EnvModel *e;
    RouteInfo *v;
    int n;
    SegCache *cache; /* segment languages, shared by the routes */
} Routes;

/* ---- templates ---- */

static const char *route_target(Routes *rs, const RouteInfo *ri)
{
    return arena_printf(rs->keep, "%s/route/%s%s", rs->e->env->name.s,
                        ri->e.r->host.s, ri->e.r->path.s);
}

/* The position of byte off of a scalar's value: exact when the scalar is
 * written plain or quoted without escapes up to there, else the scalar. */
static Loc loc_in_value(Loc at, const char *value, int off)
{
    const Source *src = at.src;
    if (!src || !src->nlines || at.line < 1 || at.line > src->nlines)
        return at;
    size_t start = src->lines[at.line - 1] + (size_t)at.col - 1;
    if (start >= src->len)
        return at;
    const char *t = src->text + start;
    size_t room = src->len - start;
    int q = *t == '"' || *t == '\'' ? 1 : 0;
    if ((size_t)(off + q) >= room ||
        strncmp(t + q, value, (size_t)off) != 0 ||
        (q && memchr(t + q, *t == '"' ? '\\' : '\'', (size_t)off)))
        return at;
    at.col += q + off;
    at.len = 1;
    return at;
}

/* A constraint in the language, whose segment cannot be empty, matches
 * something, and cannot make a backtracking gateway slow. */
static bool constraint_ok(Routes *rs, RouteInfo *ri, const KeyVal *kv,
                          Seg *sg)
{
    Checker *ck = rs->ck;
    const char *msg = NULL, *help = NULL;
    int off = 0;
    if (!sg->cons) {
        msg = sg->cerr.msg;
        help = sg->cerr.help;
        off = sg->cerr.off;
    } else if (!sg->dfa) {
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
    diag_help(check_diags(ck),
              check_report(ck, "route-param-pattern", at,
                           route_target(rs, ri), "the constraint for '%s': %s",
                           kv->key.s, msg),
              "%s (the constraint language: specs/README.md, routes[].params)",
              help);
    return false;
}

/* Split r's path into segments; report template problems.  Returns false
 * when the route cannot take part in overlap checks. */
static bool parse_route(Routes *rs, RouteInfo *ri)
{
    Checker *ck = rs->ck;
    const Route *r = ri->e.r;
    const char *path = r->path.s;
    ri->e.cache = rs->cache;
    route_parse(rs->a, &ri->e);
    bool ok = true;
    for (int i = 0; i < ri->e.nsegs; i++) {
        const Seg *sg = &ri->e.segs[i];
        for (int k = 0; sg->kind == SEG_PARAM && k < i; k++) {
            const Seg *o = &ri->e.segs[k];
            if (o->kind == SEG_PARAM && strcasecmp(o->name, sg->name) == 0)
                diag_help(check_diags(ck),
                          check_report(ck, "route-param-duplicate",
                                       r->path.loc, route_target(rs, ri),
                                       "parameter '%s' appears twice in "
                                       "'%s'",
                                       sg->name, path),
                          "give each parameter its own name");
        }
    }
    /* constraints: each names a parameter, compiles, and stays in one
     * segment */
    for (int i = 0; i < r->params.n; i++) {
        const KeyVal *kv = r->params.v[i];
        Seg *sg = NULL;
        for (int k = 0; k < ri->e.nsegs && !sg; k++)
            if (ri->e.segs[k].kind == SEG_PARAM &&
                strcmp(ri->e.segs[k].name, kv->key.s) == 0)
                sg = &ri->e.segs[k];
        if (!sg) {
            diag_help(check_diags(ck),
                      check_report(ck, "route-param-unknown", kv->key.loc,
                                   route_target(rs, ri),
                                   "'%s' has no parameter '%s'", path,
                                   kv->key.s),
                      "constrain a {parameter} of the path, or remove this");
            continue;
        }
        if (!constraint_ok(rs, ri, kv, sg))
            ok = false;
    }
    return ok;
}

static int order_cmp(const void *a, const void *b)
{
    return route_order_cmp(&((const RouteInfo *)a)->e,
                           &((const RouteInfo *)b)->e);
}

static bool lit_fits(const char *lit, const Seg *p)
{
    size_t n = strlen(lit), a = strlen(p->pre), b = strlen(p->suf);
    return n > a + b && strncmp(lit, p->pre, a) == 0 &&
           strcmp(lit + n - b, p->suf) == 0;
}

static Relation relate(const RouteInfo *a, const RouteInfo *b)
{
    return route_relate(&a->e, &b->e);
}

static const char *witness(Routes *rs, const RouteInfo *a, const RouteInfo *b)
{
    Strbuf sb = STRBUF_INIT;
    route_witness(&a->e, &b->e, &sb);
    const char *w = arena_strdup(rs->keep, sb.buf);
    sb_release(&sb);
    return w;
}

/* ---- candidates: a trie of segments per host ---- */

typedef struct TNode TNode;
struct TNode {
    TNode **lits; /* literal children, sorted by text once built */
    const char **keys;
    int nlits, caplits;
    TNode *wild;  /* all 'pre{param}suf' segments */
    int *ends, nends, capends;   /* routes ending here */
    int *rests, nrests, caprests; /* routes ending in '**' here */
};

static void push_int(Arena *a, int **v, int *n, int *cap, int x)
{
    if (*n == *cap) {
        int nc = *cap ? *cap * 2 : 4;
        *v = arena_grow(a, *v, (size_t)*n, (size_t)nc, sizeof **v);
        *cap = nc;
    }
    (*v)[(*n)++] = x;
}

static TNode *lit_child(Arena *a, TNode *t, const char *key, bool create)
{
    /* children are few except under hot prefixes; keep them sorted and
     * binary-search */
    int lo = 0, hi = t->nlits;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        int c = strcmp(t->keys[mid], key);
        if (c == 0)
            return t->lits[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (!create)
        return NULL;
    if (t->nlits == t->caplits) {
        int nc = t->caplits ? t->caplits * 2 : 4;
        t->lits = arena_grow(a, t->lits, (size_t)t->nlits, (size_t)nc,
                             sizeof *t->lits);
        t->keys = arena_grow(a, t->keys, (size_t)t->nlits, (size_t)nc,
                             sizeof *t->keys);
        t->caplits = nc;
    }
    memmove(t->lits + lo + 1, t->lits + lo,
            (size_t)(t->nlits - lo) * sizeof *t->lits);
    memmove(t->keys + lo + 1, t->keys + lo,
            (size_t)(t->nlits - lo) * sizeof *t->keys);
    TNode *c = arena_alloc(a, sizeof *c);
    t->lits[lo] = c;
    t->keys[lo] = key;
    t->nlits++;
    return c;
}

static void trie_insert(Arena *a, TNode *t, const RouteInfo *ri, int idx)
{
    for (int i = 0; i < ri->e.nsegs; i++) {
        const Seg *s = &ri->e.segs[i];
        if (s->kind == SEG_REST) {
            push_int(a, &t->rests, &t->nrests, &t->caprests, idx);
            return;
        }
        if (s->kind == SEG_LIT) {
            t = lit_child(a, t, s->lit, true);
        } else {
            if (!t->wild)
                t->wild = arena_alloc(a, sizeof *t->wild);
            t = t->wild;
        }
    }
    push_int(a, &t->ends, &t->nends, &t->capends, idx);
}

typedef struct Cands {
    int *v, n, cap;
} Cands;

static void subtree(Arena *a, const TNode *t, Cands *c)
{
    for (int i = 0; i < t->nends; i++)
        push_int(a, &c->v, &c->n, &c->cap, t->ends[i]);
    for (int i = 0; i < t->nrests; i++)
        push_int(a, &c->v, &c->n, &c->cap, t->rests[i]);
    for (int i = 0; i < t->nlits; i++)
        subtree(a, t->lits[i], c);
    if (t->wild)
        subtree(a, t->wild, c);
}

/* Routes in t's subtree that may overlap ri from segment i on. */
static void candidates(Arena *a, const TNode *t, const RouteInfo *ri, int i,
                       Cands *c)
{
    for (int k = 0; k < t->nrests; k++)
        push_int(a, &c->v, &c->n, &c->cap, t->rests[k]);
    if (i == ri->e.nsegs) {
        for (int k = 0; k < t->nends; k++)
            push_int(a, &c->v, &c->n, &c->cap, t->ends[k]);
        return;
    }
    const Seg *s = &ri->e.segs[i];
    if (s->kind == SEG_REST) {
        for (int k = 0; k < t->nends; k++)
            push_int(a, &c->v, &c->n, &c->cap, t->ends[k]);
        for (int k = 0; k < t->nlits; k++)
            subtree(a, t->lits[k], c);
        if (t->wild)
            subtree(a, t->wild, c);
        return;
    }
    if (s->kind == SEG_LIT) {
        const TNode *child = lit_child(a, (TNode *)t, s->lit, false);
        if (child)
            candidates(a, child, ri, i + 1, c);
    } else {
        for (int k = 0; k < t->nlits; k++)
            if (lit_fits(t->keys[k], s))
                candidates(a, t->lits[k], ri, i + 1, c);
    }
    if (t->wild)
        candidates(a, t->wild, ri, i + 1, c);
}

/* ---- findings ---- */

/* A route that takes requests another would serve.  Findings are grouped
 * by the route that takes the traffic (the primary location, usually the
 * one a change adds) with each route that loses traffic as a note under
 * it, capped: one broad route is one finding however many it hides. */
typedef enum { HIT_DUP, HIT_HIDES, HIT_TAKES, HIT_OVERLAP } HitKind;

typedef struct Hit {
    int taker, victim;   /* indices into rs->v */
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
    const RouteInfo *t = &rs->v[h->taker], *v = &rs->v[h->victim];
    Strbuf m = STRBUF_INIT;
    route_methods_text(h->methods, &m);
    Diags *ds = check_diags(rs->ck);
    if (h->kind == HIT_DUP)
        diag_note(ds, d, v->e.r->path.loc,
                  "'%s' declares it again here and never gets %s %s",
                  v->e.svc->name.s, m.buf, w);
    else if (h->kind == HIT_HIDES && h->whole)
        diag_note(ds, d, v->e.r->path.loc,
                  "%s of '%s' can never be reached: e.g. %s %s goes to '%s'",
                  v->e.r->path.s, v->e.svc->name.s, m.buf, w,
                  t->e.svc->name.s);
    else if (h->kind == HIT_HIDES)
        diag_note(ds, d, v->e.r->path.loc,
                  "%s requests to %s of '%s' can never reach it: e.g. %s %s "
                  "goes to '%s'",
                  m.buf, v->e.r->path.s, v->e.svc->name.s, m.buf, w,
                  t->e.svc->name.s);
    else
        diag_note(ds, d, v->e.r->path.loc,
                  "%s %s would go to '%s' (%s) if this route did not come "
                  "first",
                  m.buf, w, v->e.svc->name.s, v->e.r->path.s);
    sb_release(&m);
}

/* One finding for hits [lo, hi): one taker, one kind. */
static void report_group(Routes *rs, const Hit *h, int n)
{
    const RouteInfo *t = &rs->v[h->taker];
    Checker *ck = rs->ck;
    Strbuf m = STRBUF_INIT;
    route_methods_text(t->e.methods, &m);
    const char *rule = hit_rules[h->kind];
    const char *what[] = {"is declared again by", "hides",
                          "takes requests that would go to",
                          "takes requests that would go to"};
    Diag *d = check_report(
        ck, rule, t->e.r->path.loc, route_target(rs, t),
        "%s %s of '%s' %s %d other route%s", m.buf, t->e.r->path.s,
        t->e.svc->name.s, what[h->kind], n, n == 1 ? "" : "s");
    sb_release(&m);
    if (!d)
        return;
    for (int i = 0; i < n && i < MAX_VICTIM_NOTES; i++)
        victim_note(rs, d, &h[i], witness(rs, t, &rs->v[h[i].victim]));
    Diags *ds = check_diags(ck);
    if (n > MAX_VICTIM_NOTES)
        diag_note(ds, d, (Loc){0}, "and %d more route%s",
                  n - MAX_VICTIM_NOTES, n - MAX_VICTIM_NOTES == 1 ? "" : "s");
    if (h->kind == HIT_DUP)
        diag_help(ds, d, "keep one of them, or give them different methods");
    else if (h->kind == HIT_HIDES)
        diag_help(ds, d, "make this route narrower, or change the "
                         "priorities (routes[].priority)");
    else
        diag_help(ds, d, "constrain a parameter (routes[].params) so that "
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

static int int_cmp(const void *a, const void *b)
{
    return (*(const int *)a > *(const int *)b) -
           (*(const int *)a < *(const int *)b);
}

/* What route `first` takes from `later`, which comes after it. */
static void classify(Routes *rs, Hits *h, int fi, int li, Relation rel,
                     unsigned common)
{
    RouteInfo *first = &rs->v[fi], *later = &rs->v[li];
    unsigned taken = common & ~later->covered;
    if (!taken)
        return; /* earlier routes already take these */
    Hit x = {fi, li, HIT_OVERLAP, taken, false};
    if (rel == REL_SAME || rel == REL_COVERS) {
        later->covered |= taken;
        x.kind = rel == REL_SAME ? HIT_DUP : HIT_HIDES;
        x.whole = later->covered == later->e.methods;
    } else if (first->e.svc != later->e.svc) {
        x.kind = HIT_TAKES;
    }
    add_hit(rs, h, x);
}

/* Routes [lo, hi) share one host and are in matching order. */
static void check_host(Routes *rs, int lo, int hi)
{
    TNode root = {0};
    for (int i = lo; i < hi; i++) {
        rs->v[i].order = i - lo;
        trie_insert(rs->a, &root, &rs->v[i], i);
    }
    Cands c = {0};
    Hits h = {0};
    for (int i = lo; i < hi; i++) {
        RouteInfo *later = &rs->v[i];
        c.n = 0;
        candidates(rs->a, &root, later, 0, &c);
        qsort(c.v, (size_t)c.n, sizeof *c.v, int_cmp);
        /* candidates in matching order: once every method of the route is
         * taken, later ones take nothing (N duplicates cost N, not N^2) */
        for (int k = 0; k < c.n && later->covered != later->e.methods;
             k++) {
            if (k && c.v[k] == c.v[k - 1])
                continue;
            RouteInfo *first = &rs->v[c.v[k]];
            if (first->order >= later->order)
                break;
            unsigned common = first->e.methods & later->e.methods;
            if (!common)
                continue;
            Relation rel = relate(first, later);
            if (rel != REL_NONE)
                classify(rs, &h, c.v[k], i, rel, common);
        }
    }
    report_hits(rs, &h);
}

/* Paths in policy.internal-paths are never routed from the edge. */
static void internal_paths(Routes *rs, RouteInfo *ri, RouteInfo *internal,
                           int ninternal)
{
    if (ri->e.r->internal.v)
        return;
    for (int k = 0; k < ninternal; k++) {
        if (relate(&internal[k], ri) == REL_NONE)
            continue;
        const char *w = witness(rs, &internal[k], ri);
        if (!w)
            continue;
        Diag *d = check_report(rs->ck, "route-internal-exposed",
                               ri->e.r->path.loc, route_target(rs, ri),
                               "%s of '%s' exposes the internal path %s",
                               ri->e.r->path.s, ri->e.svc->name.s, w);
        diag_note(check_diags(rs->ck), d, internal[k].e.r->path.loc,
                  "%s is internal-only (policy.internal-paths)",
                  internal[k].e.r->path.s);
        diag_help(check_diags(rs->ck), d,
                  "mark the route 'internal: true', or constrain its "
                  "parameters to exclude the internal path");
        return;
    }
}

static void check_env_routes(Checker *ck, const EnvModel *e,
                             RouteInfo *internal, int ninternal,
                             SegCache *cache)
{
    Arena scratch;
    arena_init(&scratch);
    Routes rs = {.ck = ck, .a = &scratch, .keep = check_arena(ck), .e = e,
                 .cache = cache};
    int total = 0;
    for (int i = 0; i < e->nservices; i++)
        total += e->services[i]->routes.n;
    rs.v = arena_alloc(rs.a, ((size_t)total + 1) * sizeof *rs.v);
    for (int i = 0; i < e->nservices; i++) {
        const Service *s = e->services[i];
        for (int k = 0; k < s->routes.n; k++) {
            RouteInfo *ri = &rs.v[rs.n];
            memset(ri, 0, sizeof *ri);
            ri->e.r = s->routes.v[k];
            ri->e.svc = s;
            if (parse_route(&rs, ri)) {
                internal_paths(&rs, ri, internal, ninternal);
                rs.n++;
            }
        }
    }
    qsort(rs.v, (size_t)rs.n, sizeof *rs.v, order_cmp);
    for (int lo = 0; lo < rs.n;) {
        int hi = lo + 1;
        while (hi < rs.n && strcmp(rs.v[hi].e.r->host.s, rs.v[lo].e.r->host.s) == 0)
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
    RouteInfo *internal = arena_alloc(a, ((size_t)ip->n + 1) *
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
        internal[ninternal].e.r = r;
        if (parse_route(&rs0, &internal[ninternal]))
            ninternal++;
    }
    for (int i = 0; i < m->nenvs; i++)
        check_env_routes(ck, &m->envs[i], internal, ninternal, cache);
}
