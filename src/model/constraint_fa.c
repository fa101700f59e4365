/* constraint_fa.c - constraints as automata over bytes, and the exact
 * decisions the routing checks make with them (see constraint.h).
 *
 * A constraint's tree becomes an NFA with epsilon edges (one per
 * construct), then a DFA by the subset construction over the byte classes
 * the NFA distinguishes.  Lookaheads are products: the value is in the
 * main language and (not) in each lookahead's.  A segment pre{value}suf is
 * the value's DFA with literal chains on either side, determinised again.
 * Intersection and containment are breadth-first searches of the product,
 * so each answer carries the shortest witness string.
 */
#include "topoc/constraint.h"

#include <stdlib.h>
#include <string.h>

/* ---- NFA ---- */

typedef struct NState {
    int eps[2];     /* -1 when unused */
    int set;        /* index into sets, or -1 */
    int to;         /* target of the set edge */
} NState;

typedef struct Nfa {
    Arena *a;
    NState *v;
    int n, cap;
    uint8_t (*sets)[32];
    int nsets, capsets;
    bool overflow;
} Nfa;

enum { NFA_MAX = 8192 };

static int nstate(Nfa *f)
{
    if (f->n == NFA_MAX) {
        f->overflow = true;
        return 0;
    }
    if (f->n == f->cap) {
        int nc = f->cap ? f->cap * 2 : 64;
        f->v = arena_grow(f->a, f->v, (size_t)f->n, (size_t)nc, sizeof *f->v);
        f->cap = nc;
    }
    f->v[f->n] = (NState){{-1, -1}, -1, -1};
    return f->n++;
}

static void eps(Nfa *f, int from, int to)
{
    NState *s = &f->v[from];
    if (f->overflow)
        return;
    if (s->eps[0] < 0) {
        s->eps[0] = to;
    } else if (s->eps[1] < 0) {
        s->eps[1] = to;
    } else { /* a third epsilon edge goes through a fresh state */
        int mid = nstate(f);
        if (f->overflow)
            return;
        f->v[mid].eps[0] = f->v[from].eps[1];
        f->v[mid].eps[1] = to;
        f->v[from].eps[1] = mid;
    }
}

static void edge(Nfa *f, int from, const uint8_t *set, int to)
{
    if (f->overflow)
        return;
    if (f->nsets == f->capsets) {
        int nc = f->capsets ? f->capsets * 2 : 32;
        f->sets = arena_grow(f->a, f->sets, (size_t)f->nsets, (size_t)nc,
                             sizeof *f->sets);
        f->capsets = nc;
    }
    memcpy(f->sets[f->nsets], set, 32);
    int from2 = from;
    if (f->v[from].set >= 0) { /* one set edge per state */
        from2 = nstate(f);
        eps(f, from, from2);
        if (f->overflow)
            return;
    }
    f->v[from2].set = f->nsets++;
    f->v[from2].to = to;
}

static bool has(const uint8_t *set, int c) { return set[c >> 3] >> (c & 7) & 1; }

/* Thompson's construction: a fragment from `from`, returning its end. */
static int build(Nfa *f, const ConsNode *n, int from)
{
    int end;
    switch (n->kind) {
    case CN_SET:
        end = nstate(f);
        edge(f, from, n->set, end);
        return end;
    case CN_EMPTY:
        return from;
    case CN_CAT:
        for (int i = 0; i < n->nkids && !f->overflow; i++)
            from = build(f, n->kids[i], from);
        return from;
    case CN_ALT:
        end = nstate(f);
        for (int i = 0; i < n->nkids && !f->overflow; i++) {
            int s = nstate(f);
            eps(f, from, s);
            eps(f, build(f, n->kids[i], s), end);
        }
        return end;
    case CN_REP:
        for (int i = 0; i < n->min && !f->overflow; i++)
            from = build(f, n->kids[0], from);
        end = nstate(f);
        eps(f, from, end);
        if (n->max < 0) {
            int s = nstate(f);
            eps(f, from, s);
            eps(f, build(f, n->kids[0], s), from);
            return end;
        }
        for (int i = n->min; i < n->max && !f->overflow; i++) {
            from = build(f, n->kids[0], from);
            eps(f, from, end);
        }
        return end;
    }
    return from;
}

static int build_literal(Nfa *f, const char *s, int from)
{
    for (; *s; s++) {
        uint8_t set[32] = {0};
        set[(unsigned char)*s >> 3] |= (uint8_t)(1u << (*s & 7));
        int to = nstate(f);
        edge(f, from, set, to);
        from = to;
    }
    return from;
}

/* ---- subset construction ---- */

typedef struct Subsets {
    int words;         /* 64-bit words per NFA state set */
    uint64_t *bits;    /* one set per DFA state */
    int n, cap;
    int *hash;         /* open addressing over DFA states, -1 empty */
    int hcap;
} Subsets;

static void closure(const Nfa *f, uint64_t *set, int *stack)
{
    int sp = 0;
    for (int i = 0; i < f->n; i++)
        if (set[i >> 6] >> (i & 63) & 1)
            stack[sp++] = i;
    while (sp) {
        int s = stack[--sp];
        for (int k = 0; k < 2; k++) {
            int t = f->v[s].eps[k];
            if (t >= 0 && !(set[t >> 6] >> (t & 63) & 1)) {
                set[t >> 6] |= 1ull << (t & 63);
                stack[sp++] = t;
            }
        }
    }
}

static uint64_t hash_words(const uint64_t *w, int n)
{
    uint64_t h = 1469598103934665603ull;
    for (int i = 0; i < n; i++)
        h = (h ^ w[i]) * 1099511628211ull;
    return h;
}

/* The DFA state for an NFA state set, added if new; -1 when too many. */
static int intern(Subsets *ss, const uint64_t *set)
{
    uint64_t h = hash_words(set, ss->words);
    int i = (int)(h & (uint64_t)(ss->hcap - 1));
    for (; ss->hash[i] >= 0; i = (i + 1) & (ss->hcap - 1))
        if (memcmp(ss->bits + (size_t)ss->hash[i] * ss->words, set,
                   (size_t)ss->words * 8) == 0)
            return ss->hash[i];
    if (ss->n == DFA_MAX_STATES)
        return -1;
    if (ss->n == ss->cap) {
        ss->cap *= 2;
        ss->bits = xrealloc(ss->bits, (size_t)ss->cap * ss->words * 8);
    }
    memcpy(ss->bits + (size_t)ss->n * ss->words, set, (size_t)ss->words * 8);
    ss->hash[i] = ss->n;
    return ss->n++;
}

/* Bytes the NFA cannot tell apart share a class: one representative each. */
static int byte_classes(const Nfa *f, int *cls, int *rep)
{
    int n = 0;
    for (int c = 0; c < 256; c++) {
        cls[c] = -1;
        for (int k = 0; k < n && cls[c] < 0; k++) {
            int r = rep[k], s;
            for (s = 0; s < f->nsets; s++)
                if (has(f->sets[s], c) != has(f->sets[s], r))
                    break;
            if (s == f->nsets)
                cls[c] = k;
        }
        if (cls[c] < 0) {
            rep[n] = c;
            cls[c] = n++;
        }
    }
    return n;
}

static Dfa *determinise(Arena *a, const Nfa *f, int start, int accept)
{
    int cls[256], rep[256], ncls = byte_classes(f, cls, rep);
    Subsets ss = {.words = (f->n + 63) / 64, .cap = 64,
                  .hcap = 2 * DFA_MAX_STATES};
    ss.bits = xmalloc((size_t)ss.cap * ss.words * 8);
    ss.hash = xmalloc((size_t)ss.hcap * sizeof *ss.hash);
    memset(ss.hash, -1, (size_t)ss.hcap * sizeof *ss.hash);
    uint64_t *cur = calloc((size_t)ss.words, 8);
    int *stack = xmalloc((size_t)f->n * 2 * sizeof *stack + 8);
    int *trans = NULL;
    size_t ntrans = 0;
    cur[start >> 6] |= 1ull << (start & 63);
    closure(f, cur, stack);
    intern(&ss, cur);
    bool ok = true;
    for (int d = 0; d < ss.n && ok; d++) {
        trans = xrealloc(trans, (ntrans + (size_t)ncls) * sizeof *trans);
        for (int k = 0; k < ncls; k++) {
            memset(cur, 0, (size_t)ss.words * 8);
            const uint64_t *from = ss.bits + (size_t)d * ss.words;
            bool any = false;
            for (int s = 0; s < f->n; s++)
                if (from[s >> 6] >> (s & 63) & 1 && f->v[s].set >= 0 &&
                    has(f->sets[f->v[s].set], rep[k])) {
                    int t = f->v[s].to;
                    cur[t >> 6] |= 1ull << (t & 63);
                    any = true;
                }
            if (any)
                closure(f, cur, stack);
            int to = any ? intern(&ss, cur) : -1;
            ok = ok && !(any && to < 0);
            trans[ntrans++] = to;
        }
    }
    Dfa *dfa = NULL;
    if (ok) {
        dfa = arena_alloc(a, sizeof *dfa);
        dfa->n = ss.n;
        dfa->next = arena_alloc(a, (size_t)ss.n * 256 * sizeof *dfa->next);
        dfa->acc = arena_alloc(a, (size_t)ss.n * sizeof *dfa->acc);
        for (int d = 0; d < ss.n; d++) {
            const uint64_t *set = ss.bits + (size_t)d * ss.words;
            dfa->acc[d] = set[accept >> 6] >> (accept & 63) & 1;
            for (int c = 0; c < 256; c++)
                dfa->next[d * 256 + c] = trans[(size_t)d * ncls + cls[c]];
        }
    }
    free(cur);
    free(stack);
    free(trans);
    free(ss.bits);
    free(ss.hash);
    return dfa;
}

/* ---- products ---- */

typedef enum { OP_AND, OP_AND_NOT } ProdOp;

/* x op y over pairs of states; y's dead state takes part (as -1). */
static Dfa *product(Arena *a, const Dfa *x, const Dfa *y, ProdOp op)
{
    int cap = 64, n = 1;
    int (*pair)[2] = xmalloc((size_t)cap * sizeof *pair);
    int *next = xmalloc((size_t)cap * 256 * sizeof *next);
    enum { HCAP = 2 * DFA_MAX_STATES };
    int *hash = xmalloc(HCAP * sizeof *hash);
    memset(hash, -1, HCAP * sizeof *hash);
    pair[0][0] = 0;
    pair[0][1] = 0;
    hash[(0u * 40503u + 1u) & (HCAP - 1)] = 0;
    bool ok = true;
    for (int d = 0; d < n && ok; d++) {
        for (int c = 0; c < 256; c++) {
            int p = x->next[pair[d][0] * 256 + c];
            int q = pair[d][1] < 0 ? -1 : y->next[pair[d][1] * 256 + c];
            int to = -1;
            if (p >= 0 && (q >= 0 || op == OP_AND_NOT)) {
                unsigned h = ((unsigned)p * 40503u + (unsigned)(q + 1)) &
                             (HCAP - 1);
                while (hash[h] >= 0 &&
                       (pair[hash[h]][0] != p || pair[hash[h]][1] != q))
                    h = (h + 1) & (HCAP - 1);
                to = hash[h] >= 0 ? hash[h] : n;
                if (to == n && n == DFA_MAX_STATES) {
                    ok = false;
                    break;
                }
                if (to == n) {
                    if (n == cap) {
                        cap *= 2;
                        pair = xrealloc(pair, (size_t)cap * sizeof *pair);
                        next = xrealloc(next, (size_t)cap * 256 * sizeof *next);
                    }
                    pair[n][0] = p;
                    pair[n][1] = q;
                    hash[h] = n++;
                }
            }
            next[d * 256 + c] = to;
        }
    }
    Dfa *r = NULL;
    if (ok) {
        r = arena_alloc(a, sizeof *r);
        r->n = n;
        r->next = arena_alloc(a, (size_t)n * 256 * sizeof *r->next);
        memcpy(r->next, next, (size_t)n * 256 * sizeof *next);
        r->acc = arena_alloc(a, (size_t)n * sizeof *r->acc);
        for (int d = 0; d < n; d++) {
            bool ya = pair[d][1] >= 0 && y->acc[pair[d][1]];
            r->acc[d] = x->acc[pair[d][0]] && (op == OP_AND ? ya : !ya);
        }
    }
    free(pair);
    free(next);
    free(hash);
    return r;
}

static Dfa *tree_dfa(Arena *a, const ConsNode *n)
{
    Nfa f = {.a = a};
    int start = nstate(&f);
    int end = build(&f, n, start);
    return f.overflow ? NULL : determinise(a, &f, start, end);
}

/* The value's language: the main pattern and every lookahead. */
static Dfa *value_dfa(Arena *a, const Constraint *c)
{
    Dfa *d = tree_dfa(a, c->main);
    for (int i = 0; d && i < c->nlooks; i++) {
        Dfa *l = tree_dfa(a, c->looks[i].body);
        d = l ? product(a, d, l, c->looks[i].neg ? OP_AND_NOT : OP_AND)
              : NULL;
    }
    return d;
}

/* Any non-empty text without '/': a parameter with no constraint. */
static Dfa *any_value(Arena *a)
{
    ConsNode set = {.kind = CN_SET}, rep = {.kind = CN_REP, .min = 1,
                                            .max = -1};
    memset(set.set, 0xff, sizeof set.set);
    set.set['/' >> 3] &= (uint8_t) ~(1u << ('/' & 7));
    ConsNode *kid = &set;
    rep.kids = &kid;
    rep.nkids = 1;
    return tree_dfa(a, &rep);
}

Dfa *segment_dfa(Arena *a, const Constraint *c, const char *pre,
                 const char *suf)
{
    Dfa *v = c ? value_dfa(a, c) : any_value(a);
    if (!v || (!*pre && !*suf))
        return v;
    /* pre, then v's states as an NFA, then suf */
    Nfa f = {.a = a};
    int start = nstate(&f);
    int from = build_literal(&f, pre, start);
    int base = f.n;
    for (int d = 0; d < v->n; d++)
        nstate(&f);
    int vend = nstate(&f);
    eps(&f, from, base);
    for (int d = 0; d < v->n && !f.overflow; d++) {
        if (v->acc[d])
            eps(&f, base + d, vend);
        for (int to = 0; to < v->n; to++) {
            uint8_t set[32] = {0};
            bool any = false;
            for (int ch = 0; ch < 256; ch++)
                if (v->next[d * 256 + ch] == to) {
                    set[ch >> 3] |= (uint8_t)(1u << (ch & 7));
                    any = true;
                }
            if (any)
                edge(&f, base + d, set, base + to);
        }
    }
    int end = build_literal(&f, suf, vend);
    return f.overflow ? NULL : determinise(a, &f, start, end);
}

bool dfa_match(const Dfa *d, const char *s, size_t n)
{
    int q = 0;
    for (size_t i = 0; i < n && q >= 0; i++)
        q = d->next[q * 256 + (unsigned char)s[i]];
    return q >= 0 && d->acc[q];
}

/* Bytes in the order witnesses prefer them: readable ones first. */
static const unsigned char *byte_order(void)
{
    static unsigned char order[256];
    static bool done;
    if (!done) {
        static const char first[] = "abcdefghijklmnopqrstuvwxyz0123456789"
                                    "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_.~";
        int n = 0;
        bool used[256] = {false};
        for (const char *p = first; *p; p++) {
            order[n++] = (unsigned char)*p;
            used[(unsigned char)*p] = true;
        }
        for (int c = 0x20; c < 0x7f; c++)
            if (!used[c])
                order[n++] = (unsigned char)c, used[c] = true;
        for (int c = 0; c < 256; c++)
            if (!used[c])
                order[n++] = (unsigned char)c;
        done = true;
    }
    return order;
}

/* Breadth-first over pairs of states (y may be dead, as -1) for one where
 * goal() holds; the path there is the witness. */
static bool search(const Dfa *x, const Dfa *y, bool need_y, Strbuf *w)
{
    const unsigned char *order = byte_order();
    int ny = y->n + 1; /* index 0 is y's dead state */
    size_t total = (size_t)x->n * (size_t)ny;
    int *parent = xmalloc(total * sizeof *parent);
    unsigned char *via = xmalloc(total);
    int *queue = xmalloc(total * sizeof *queue);
    for (size_t i = 0; i < total; i++)
        parent[i] = -2;
    int head = 0, tail = 0, found = -1;
    parent[1] = -1; /* (0, 0) */
    queue[tail++] = 1;
    while (head < tail && found < 0) {
        int cur = queue[head++], p = cur / ny, q = cur % ny - 1;
        bool ya = q >= 0 && y->acc[q];
        if (x->acc[p] && ya == need_y) {
            found = cur;
            break;
        }
        for (int i = 0; i < 256; i++) {
            int c = order[i];
            int p2 = x->next[p * 256 + c];
            int q2 = q < 0 ? -1 : y->next[q * 256 + c];
            if (p2 < 0 || (need_y && q2 < 0))
                continue;
            int nx = p2 * ny + q2 + 1;
            if (parent[nx] != -2)
                continue;
            parent[nx] = cur;
            via[nx] = (unsigned char)c;
            queue[tail++] = nx;
        }
    }
    if (found >= 0 && w) {
        int len = 0;
        for (int s = found; parent[s] >= 0; s = parent[s])
            len++;
        size_t at = w->len;
        sb_grow(w, (size_t)len + 1);
        w->len += (size_t)len;
        w->buf[w->len] = '\0';
        for (int s = found, i = len; parent[s] >= 0; s = parent[s])
            w->buf[at + (size_t)--i] = (char)via[s];
    }
    free(parent);
    free(via);
    free(queue);
    return found >= 0;
}

/* States from which an accepting state can be reached. */
static bool *useful_states(const Dfa *d)
{
    bool *u = xmalloc((size_t)d->n);
    for (int i = 0; i < d->n; i++)
        u[i] = d->acc[i];
    for (bool changed = true; changed;) {
        changed = false;
        for (int i = 0; i < d->n; i++)
            for (int c = 0; c < 256 && !u[i]; c++) {
                int t = d->next[i * 256 + c];
                if (t >= 0 && u[t])
                    u[i] = changed = true;
            }
    }
    return u;
}

bool dfa_single(const Dfa *d, Strbuf *w)
{
    bool *u = useful_states(d);
    bool single = u[0];
    int q = 0;
    for (int steps = 0; single && steps <= d->n; steps++) {
        int next = -1, nuse = 0;
        for (int c = 0; c < 256; c++) {
            int t = d->next[q * 256 + c];
            if (t >= 0 && u[t]) {
                nuse++;
                next = t;
                if (nuse == 1)
                    sb_putc(w, (char)c);
            }
        }
        if (d->acc[q]) {
            single = nuse == 0;
            break;
        }
        single = nuse == 1;
        q = next;
    }
    free(u);
    return single && d->acc[q];
}

bool dfa_empty(const Dfa *d)
{
    return !search(d, d, true, NULL);
}

bool dfa_intersect(const Dfa *x, const Dfa *y, Strbuf *w)
{
    return search(x, y, true, w);
}

bool dfa_subset(const Dfa *x, const Dfa *y, Strbuf *w)
{
    return !search(x, y, false, w);
}

/* ---- building blocks for set algebra on segments (check_openapi.c) ---- */

Dfa *dfa_literal(Arena *a, const char *s)
{
    Nfa f = {.a = a};
    int start = nstate(&f);
    int end = build_literal(&f, s, start);
    return f.overflow ? NULL : determinise(a, &f, start, end);
}

Dfa *dfa_and(Arena *a, const Dfa *x, const Dfa *y)
{
    return product(a, x, y, OP_AND);
}

Dfa *dfa_minus(Arena *a, const Dfa *x, const Dfa *y)
{
    return product(a, x, y, OP_AND_NOT);
}
