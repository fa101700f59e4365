/* route_relate.c - how two routes' sets of paths relate, decided exactly
 * (see routing.h).
 *
 * A parameter never matches '/', so a path splits into segments the same
 * way for every route, and two templates relate segment by segment.  Each
 * parameter segment pre{name}suf is a language (a DFA from its
 * constraint); literals are single strings.  Languages are interned per
 * table (equal text, one DFA), and the relation of two languages is
 * decided once per pair, so the work grows with the distinct constraints,
 * not with the routes.
 */
#include "topoc/routing.h"

#include <string.h>

typedef struct Lang {
    const char *key; /* pre \1 constraint \1 suf */
    const Dfa *dfa;
    int id;
    bool single_known;
    const char *single; /* the only string it accepts, if so */
    const Constraint *cons; /* parsed once per distinct text */
    ConsError cerr;
    bool judged;
    SegVerdict verdict;
} Lang;

typedef struct PairRel {
    int x, y;          /* ids, x < y; x == -1 for an empty slot */
    bool overlap, xy, yx; /* xy: L(x) contains L(y) */
    const char *w;     /* a string in both, when they overlap */
} PairRel;

struct SegCache {
    Arena *a;
    Lang *all;       /* by id */
    int nall, capall;
    int *slots;      /* open addressing over ids, -1 empty; power of two */
    int capslots;
    PairRel *pairs;
    int npairs, cappairs;
};

SegCache *segment_cache(Arena *a)
{
    SegCache *c = arena_alloc(a, sizeof *c);
    c->a = a;
    c->capslots = 64;
    c->slots = arena_alloc(a, (size_t)c->capslots * sizeof *c->slots);
    memset(c->slots, -1, (size_t)c->capslots * sizeof *c->slots);
    c->cappairs = 64;
    c->pairs = arena_alloc(a, (size_t)c->cappairs * sizeof *c->pairs);
    for (int i = 0; i < c->cappairs; i++)
        c->pairs[i].x = -1;
    return c;
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static int *lang_slot(SegCache *c, int *slots, int cap, const char *key)
{
    int i = (int)(hash_str(key) & (uint64_t)(cap - 1));
    while (slots[i] >= 0 && strcmp(c->all[slots[i]].key, key) != 0)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static void slots_grow(SegCache *c)
{
    int nc = c->capslots * 2;
    int *v = arena_alloc(c->a, (size_t)nc * sizeof *v);
    memset(v, -1, (size_t)nc * sizeof *v);
    for (int i = 0; i < c->nall; i++)
        *lang_slot(c, v, nc, c->all[i].key) = i;
    c->slots = v;
    c->capslots = nc;
}

/* pre \1 constraint \1 suf, in buf when it fits (this runs per route:
 * printf and a malloc each were a tenth of the routing checks) */
static const char *lang_key(const Seg *sg, char *buf, size_t size,
                            Strbuf *kb)
{
    const char *parts[3] = {sg->pre, sg->constraint ? sg->constraint : "",
                            sg->suf};
    size_t len[3], n = 0;
    for (int i = 0; i < 3; i++)
        n += len[i] = strlen(parts[i]);
    char *k = buf;
    if (n + 3 > size) {
        sb_grow(kb, n + 3);
        k = kb->buf;
    }
    char *p = k;
    for (int i = 0; i < 3; i++) {
        memcpy(p, parts[i], len[i]);
        p += len[i];
        *p++ = i < 2 ? '\1' : '\0';
    }
    return k;
}

/* The language of parameter segment sg, built once per distinct text. */
void seg_language(SegCache *c, Seg *sg)
{
    char buf[256];
    Strbuf kb = STRBUF_INIT;
    const char *key = lang_key(sg, buf, sizeof buf, &kb);
    int *slot = lang_slot(c, c->slots, c->capslots, key);
    if (*slot < 0) {
        if (2 * (c->nall + 1) > c->capslots) {
            slots_grow(c);
            slot = lang_slot(c, c->slots, c->capslots, key);
        }
        if (c->nall == c->capall) {
            int nc = c->capall ? c->capall * 2 : 32;
            c->all = arena_grow(c->a, c->all, (size_t)c->nall, (size_t)nc,
                                sizeof *c->all);
            c->capall = nc;
        }
        Lang *l = &c->all[c->nall];
        l->key = arena_strdup(c->a, key);
        l->id = c->nall;
        if (sg->constraint)
            l->cons = constraint_parse(c->a, sg->constraint, &l->cerr);
        l->dfa = sg->constraint && !l->cons
                     ? NULL
                     : segment_dfa(c->a, l->cons, sg->pre, sg->suf);
        *slot = c->nall++;
    }
    sg->dfa_id = *slot;
    sb_release(&kb);
}

const Dfa *seg_dfa(const SegCache *c, const Seg *sg)
{
    return sg->kind == SEG_PARAM ? c->all[sg->dfa_id].dfa : NULL;
}

const Constraint *seg_cons(const SegCache *c, const Seg *sg)
{
    return sg->kind == SEG_PARAM ? c->all[sg->dfa_id].cons : NULL;
}

const ConsError *seg_error(const SegCache *c, const Seg *sg)
{
    return &c->all[sg->dfa_id].cerr;
}

static PairRel *pair_slot(PairRel *v, int cap, int x, int y)
{
    int i = (int)(((unsigned)x * 2654435761u ^ (unsigned)y * 40503u) &
                  (unsigned)(cap - 1));
    while (v[i].x >= 0 && (v[i].x != x || v[i].y != y))
        i = (i + 1) & (cap - 1);
    return &v[i];
}

static void pairs_grow(SegCache *c)
{
    int nc = c->cappairs * 2;
    PairRel *v = arena_alloc(c->a, (size_t)nc * sizeof *v);
    for (int i = 0; i < nc; i++)
        v[i].x = -1;
    for (int i = 0; i < c->cappairs; i++)
        if (c->pairs[i].x >= 0)
            *pair_slot(v, nc, c->pairs[i].x, c->pairs[i].y) = c->pairs[i];
    c->pairs = v;
    c->cappairs = nc;
}

/* Two parameter segments' languages, decided once per pair. */
static PairRel pair_rel(SegCache *c, const Seg *s, const Seg *t)
{
    bool swap = s->dfa_id > t->dfa_id;
    const Seg *x = swap ? t : s, *y = swap ? s : t;
    PairRel *p = pair_slot(c->pairs, c->cappairs, x->dfa_id, y->dfa_id);
    if (p->x < 0) {
        if (2 * (c->npairs + 1) > c->cappairs) {
            pairs_grow(c);
            p = pair_slot(c->pairs, c->cappairs, x->dfa_id, y->dfa_id);
        }
        Strbuf w = STRBUF_INIT;
        p->x = x->dfa_id;
        p->y = y->dfa_id;
        const Dfa *dx = seg_dfa(c, x), *dy = seg_dfa(c, y);
        p->overlap = dfa_intersect(dx, dy, &w);
        p->xy = p->overlap && dfa_subset(dy, dx, NULL);
        p->yx = p->overlap && dfa_subset(dx, dy, NULL);
        p->w = arena_strdup(c->a, w.buf);
        sb_release(&w);
        c->npairs++;
    }
    PairRel r = *p; /* seen from s's side */
    if (swap) {
        r.xy = p->yx;
        r.yx = p->xy;
    }
    return r;
}

typedef struct SegRel {
    bool overlap, covers, same; /* covers: x contains y */
} SegRel;

/* Does the parameter segment accept lit and nothing else?  (A language
 * is one string or not once, per distinct language.) */
static bool only(SegCache *c, const Seg *p, const char *lit)
{
    Lang *l = &c->all[p->dfa_id];
    if (!l->dfa)
        return false;
    if (!l->single_known) {
        Strbuf w = STRBUF_INIT;
        if (dfa_single(l->dfa, &w))
            l->single = arena_strdup(c->a, w.buf);
        l->single_known = true;
        sb_release(&w);
    }
    return l->single && strcmp(l->single, lit) == 0;
}

static SegRel seg_rel(SegCache *c, const Seg *x, const Seg *y)
{
    SegRel r = {false, false, false};
    if (x->kind == SEG_LIT && y->kind == SEG_LIT) {
        r.overlap = r.covers = r.same = strcmp(x->lit, y->lit) == 0;
    } else if (x->kind == SEG_LIT || y->kind == SEG_LIT) {
        const Seg *lit = x->kind == SEG_LIT ? x : y;
        const Seg *par = x->kind == SEG_LIT ? y : x;
        const Dfa *d = seg_dfa(c, par);
        r.overlap = d && dfa_match(d, lit->lit, strlen(lit->lit));
        bool single = r.overlap && only(c, par, lit->lit);
        r.covers = r.overlap && (par == x || single);
        r.same = single;
    } else if (x->dfa_id == y->dfa_id) {
        r.overlap = r.covers = r.same = seg_dfa(c, x) != NULL;
    } else if (seg_dfa(c, x) && seg_dfa(c, y)) {
        PairRel p = pair_rel(c, x, y);
        r.overlap = p.overlap;
        r.covers = p.xy;
        r.same = p.xy && p.yx;
    }
    return r;
}

static SegCache *cache_of(const RouteEntry *a, const RouteEntry *b)
{
    return a->cache ? a->cache : b->cache;
}

Relation route_relate(const RouteEntry *a, const RouteEntry *b)
{
    SegCache *c = cache_of(a, b);
    bool same = a->nsegs == b->nsegs, covers = true;
    int i = 0;
    for (; i < a->nsegs && i < b->nsegs; i++) {
        const Seg *x = &a->segs[i], *y = &b->segs[i];
        if (x->kind == SEG_REST || y->kind == SEG_REST) {
            covers = covers && x->kind == SEG_REST;
            same = same && x->kind == y->kind;
            return same ? REL_SAME : covers ? REL_COVERS : REL_OVERLAP;
        }
        SegRel r = seg_rel(c, x, y);
        if (!r.overlap)
            return REL_NONE;
        same = same && r.same;
        covers = covers && r.covers;
    }
    /* one ran out: equal lengths, or the other continues only with '**' */
    if (a->nsegs == b->nsegs)
        return same ? REL_SAME : covers ? REL_COVERS : REL_OVERLAP;
    const RouteEntry *longer = a->nsegs > b->nsegs ? a : b;
    if (longer->nsegs != i + 1 || longer->segs[i].kind != SEG_REST)
        return REL_NONE;
    return longer == a ? REL_COVERS : REL_OVERLAP;
}

/* A string of one segment, or of both when both are given. */
static void seg_witness(SegCache *c, const Seg *x, const Seg *y,
                        Strbuf *out)
{
    if (x->kind == SEG_LIT || y->kind == SEG_LIT) {
        sb_puts(out, x->kind == SEG_LIT ? x->lit : y->lit);
    } else if (x->dfa_id == y->dfa_id || !seg_dfa(c, x) || !seg_dfa(c, y)) {
        const Dfa *d = seg_dfa(c, x) ? seg_dfa(c, x) : seg_dfa(c, y);
        if (d)
            dfa_intersect(d, d, out);
    } else {
        sb_puts(out, pair_rel(c, x, y).w);
    }
}

void route_witness(const RouteEntry *a, const RouteEntry *b, Strbuf *out)
{
    SegCache *c = cache_of(a, b);
    size_t start = out->len;
    int n = a->nsegs > b->nsegs ? a->nsegs : b->nsegs;
    for (int i = 0; i < n; i++) {
        /* '**' (or a template that has ended) takes the other side's */
        const Seg *x = i < a->nsegs ? &a->segs[i] : NULL;
        const Seg *y = i < b->nsegs ? &b->segs[i] : NULL;
        if (x && x->kind == SEG_REST)
            x = NULL;
        if (y && y->kind == SEG_REST)
            y = NULL;
        if (!x && !y)
            break;
        sb_putc(out, '/');
        seg_witness(c, x ? x : y, y ? y : x, out);
    }
    if (out->len == start)
        sb_putc(out, '/');
}

const SegVerdict *seg_verdict(SegCache *c, const Seg *sg)
{
    Lang *l = &c->all[sg->dfa_id];
    if (!l->judged && l->dfa) {
        SegVerdict *v = &l->verdict;
        v->nothing = dfa_empty(l->dfa);
        char *both = arena_printf(c->a, "%s%s", sg->pre, sg->suf);
        v->empty_value = dfa_match(l->dfa, both, strlen(both));
        v->amb = l->cons ? constraint_ambiguity(l->cons, sg->pre, sg->suf,
                                                &v->off)
                         : AMB_NONE;
        l->judged = true;
    }
    return &l->verdict;
}
