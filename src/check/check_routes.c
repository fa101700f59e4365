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
} Routes;

/* ---- templates ---- */

static const char *route_target(Routes *rs, const RouteInfo *ri)
{
    return arena_printf(rs->keep, "%s/route/%s%s", rs->e->env->name.s,
                        ri->e.r->host.s, ri->e.r->path.s);
}

/* Split r's path into segments; report template problems.  Returns false
 * when the route cannot take part in overlap checks. */
static bool parse_route(Routes *rs, RouteInfo *ri)
{
    Checker *ck = rs->ck;
    const Route *r = ri->e.r;
    const char *path = r->path.s;
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
        char err[256];
        size_t off;
        sg->cpat = pattern_compile(check_patterns(ck), kv->value.s,
                                   PAT_ANCHORED, err, sizeof err, &off);
        if (!sg->cpat) {
            Loc at = kv->value.loc;
            diag_help(check_diags(ck),
                      check_report(ck, "route-param-pattern", at,
                                   route_target(rs, ri),
                                   "the pattern for '%s' does not compile: "
                                   "%s (at offset %zu)",
                                   kv->key.s, err, off),
                      "write a PCRE2 pattern for one path segment, e.g. "
                      "[0-9a-f-]{36}");
            ok = false;
        } else if (pattern_match(sg->cpat, "a/b", 3) == PATTERN_MATCH ||
                   pattern_match(sg->cpat, "/", 1) == PATTERN_MATCH) {
            diag_help(check_diags(ck),
                      check_report(ck, "route-param-pattern", kv->value.loc,
                                   route_target(rs, ri),
                                   "the pattern for '%s' can match '/', so "
                                   "it would span segments",
                                   kv->key.s),
                      "exclude '/', e.g. [^/]+");
            ok = false;
        }
    }
    return ok;
}

/* The route's whole-path regex, compiled on first use: only routes in an
 * overlapping pair need one (to confirm a witness). */
static Pattern *compiled_regex(Routes *rs, RouteInfo *ri)
{
    if (ri->re)
        return ri->re;
    Strbuf re = STRBUF_INIT;
    route_regex(&ri->e, false, &re);
    char err[256];
    size_t off;
    ri->re = pattern_compile(check_patterns(rs->ck), re.buf, PAT_ANCHORED,
                             err, sizeof err, &off);
    sb_release(&re);
    return ri->re; /* built from validated parts: compiles */
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

/* Does segment text t satisfy s's constraint (on the value between the
 * parameter's literal prefix and suffix)? */
static bool value_ok(const Seg *s, const char *t, size_t n)
{
    if (s->kind != SEG_PARAM || !s->cpat)
        return true;
    size_t pre = strlen(s->pre), suf = strlen(s->suf);
    if (n < pre + suf)
        return false;
    return pattern_match(s->cpat, t + pre, n - pre - suf) == PATTERN_MATCH;
}

/* A path both routes match; NULL if the constraints keep them apart.
 * Parameters facing parameters take sample values until both constraints
 * accept one. */
static const char *witness(Routes *rs, RouteInfo *a, RouteInfo *b)
{
    static const char *const middles[] = {
        "x", "1", "0", "a", "abc", "42", "x-1", "A", "2024-01-01",
        "00000000-0000-0000-0000-000000000000"};
    const RouteInfo *longer = a->e.nsegs >= b->e.nsegs ? a : b;
    for (size_t m = 0; m < sizeof middles / sizeof *middles; m++) {
        Strbuf sb = STRBUF_INIT;
        bool ok = true;
        for (int i = 0; i < longer->e.nsegs && ok; i++) {
            /* '**' (or a template that has ended) takes the other side's
             * segment */
            const Seg *x = i < a->e.nsegs ? &a->e.segs[i] : NULL;
            const Seg *y = i < b->e.nsegs ? &b->e.segs[i] : NULL;
            if (x && x->kind == SEG_REST)
                x = NULL;
            if (y && y->kind == SEG_REST)
                y = NULL;
            if (!x && !y)
                break;
            if (!x)
                x = y;
            if (!y)
                y = x;
            sb_putc(&sb, '/');
            size_t start = sb.len;
            if (x->kind == SEG_LIT || y->kind == SEG_LIT) {
                sb_puts(&sb, x->kind == SEG_LIT ? x->lit : y->lit);
            } else {
                const char *pre =
                    strlen(x->pre) > strlen(y->pre) ? x->pre : y->pre;
                const char *suf =
                    strlen(x->suf) > strlen(y->suf) ? x->suf : y->suf;
                sb_printf(&sb, "%s%s%s", pre, middles[m], suf);
            }
            ok = value_ok(x, sb.buf + start, sb.len - start) &&
                 value_ok(y, sb.buf + start, sb.len - start);
        }
        if (sb.len == 0)
            sb_putc(&sb, '/');
        Pattern *ra = compiled_regex(rs, a), *rb = compiled_regex(rs, b);
        ok = ok && ra && rb &&
             pattern_match(ra, sb.buf, sb.len) == PATTERN_MATCH &&
             pattern_match(rb, sb.buf, sb.len) == PATTERN_MATCH;
        if (ok) {
            const char *w = arena_strdup(rs->keep, sb.buf);
            sb_release(&sb);
            return w;
        }
        sb_release(&sb);
    }
    return NULL;
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

static void report_pair(Routes *rs, RouteInfo *first, RouteInfo *later,
                        Relation rel, unsigned common)
{
    Checker *ck = rs->ck;
    Diags *ds = check_diags(ck);
    const char *w = witness(rs, first, later);
    if (!w)
        return; /* the constraints keep them apart */
    Strbuf m = STRBUF_INIT;
    route_methods_text(common, &m);
    Diag *d = NULL;
    if (rel == REL_SAME) {
        d = check_report(ck, "route-duplicate", later->e.r->path.loc,
                         route_target(rs, later),
                         "%s %s of '%s' duplicates a route of '%s'", m.buf,
                         later->e.r->path.s, later->e.svc->name.s,
                         first->e.svc->name.s);
        diag_note(ds, d, first->e.r->path.loc, "the route of '%s' is here",
                  first->e.svc->name.s);
        diag_help(ds, d, "e.g. %s %s matches both; remove one, or give "
                         "them different methods",
                  m.buf, w);
    } else if (rel == REL_COVERS) {
        later->covered |= common;
        if (later->covered != later->e.methods) {
            d = check_report(ck, "route-overlap", later->e.r->path.loc,
                             route_target(rs, later),
                             "%s requests to %s never reach '%s': '%s' "
                             "matches them first",
                             m.buf, later->e.r->path.s, later->e.svc->name.s,
                             first->e.svc->name.s);
        } else {
            Strbuf all = STRBUF_INIT;
            route_methods_text(later->e.methods, &all);
            d = check_report(ck, "route-shadowed", later->e.r->path.loc,
                             route_target(rs, later),
                             "%s %s of '%s' can never be reached", all.buf,
                             later->e.r->path.s, later->e.svc->name.s);
            sb_release(&all);
        }
        diag_note(ds, d, first->e.r->path.loc,
                  "%s of '%s' comes first and matches every such request, "
                  "e.g. %s",
                  first->e.r->path.s, first->e.svc->name.s, w);
        diag_help(ds, d, "make the earlier route narrower, or change the "
                         "priorities (routes[].priority)");
    } else {
        d = check_report(ck, "route-overlap", later->e.r->path.loc,
                         route_target(rs, later),
                         "%s %s of '%s' overlaps %s of '%s'", m.buf,
                         later->e.r->path.s, later->e.svc->name.s,
                         first->e.r->path.s, first->e.svc->name.s);
        diag_note(ds, d, first->e.r->path.loc,
                  "%s %s goes to '%s', which comes first", m.buf, w,
                  first->e.svc->name.s);
        diag_help(ds, d, "constrain a parameter (routes[].params) so that "
                         "the two cannot match the same path");
    }
    sb_release(&m);
}

static int int_cmp(const void *a, const void *b)
{
    return (*(const int *)a > *(const int *)b) -
           (*(const int *)a < *(const int *)b);
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
    for (int i = lo; i < hi; i++) {
        RouteInfo *later = &rs->v[i];
        c.n = 0;
        candidates(rs->a, &root, later, 0, &c);
        qsort(c.v, (size_t)c.n, sizeof *c.v, int_cmp);
        for (int k = 0; k < c.n; k++) {
            if (k && c.v[k] == c.v[k - 1])
                continue;
            RouteInfo *first = &rs->v[c.v[k]];
            if (first->order >= later->order)
                continue;
            unsigned common = first->e.methods & later->e.methods;
            if (!common)
                continue;
            Relation rel = relate(first, later);
            if (rel != REL_NONE)
                report_pair(rs, first, later, rel, common);
        }
    }
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
                             RouteInfo *internal, int ninternal)
{
    Arena scratch;
    arena_init(&scratch);
    Routes rs = {.ck = ck, .a = &scratch, .keep = check_arena(ck), .e = e};
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
    Routes rs0 = {.ck = ck, .a = a, .keep = a,
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
        check_env_routes(ck, &m->envs[i], internal, ninternal);
}
