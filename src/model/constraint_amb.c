/* constraint_amb.c - how ambiguous a constraint is to a backtracking
 * matcher (PCRE2 at nginx and HAProxy), decided on its Glushkov automaton.
 *
 * A backtracking matcher that fails explores every path of the automaton
 * through the text it has read, so its worst case follows the automaton's
 * degree of ambiguity (Weber and Seidl; Allauzen, Mohri and Rastogi give
 * the tests used here):
 *   - exponential (EDA): some state has two different cycles with the same
 *     label; in the square automaton A x A, a strongly connected component
 *     holds a state (p,p) and a state (q,r) with q != r;
 *   - polynomial (IDA): states p != q with paths p->p, p->q and q->q that
 *     read the same text; in A x A x A, (p,p,q) reaches (p,q,q).
 * The Glushkov automaton has one state per character position, which is
 * what a backtracking matcher walks, and bounded repetition is counted
 * out as PCRE2 runs it (X{0,2} as (?:X(?:X)?)?).  A deterministic
 * automaton (no state with two successors on one byte) is unambiguous and
 * needs no product at all: every constraint of the example is.
 */
#include "topoc/constraint.h"

#include <stdlib.h>
#include <string.h>

typedef struct Gl {
    int words, npos, maxpos;
    const uint8_t **set; /* per position (1-based) */
    int *off;            /* per position: the repetition it sits in */
    uint64_t *follow;    /* (maxpos + 1) x words; row 0 is the start */
} Gl;

typedef struct GRes {
    bool nullable;
    uint64_t *first, *last;
} GRes;

enum { PAIR_BUDGET = 1 << 20, TRIPLE_BUDGET = 1 << 21 };

static uint64_t *bits(Gl *g) { return calloc((size_t)g->words, 8); }

static void or_into(Gl *g, uint64_t *d, const uint64_t *s)
{
    for (int i = 0; i < g->words; i++)
        d[i] |= s[i];
}

static GRes g_empty(Gl *g) { return (GRes){true, bits(g), bits(g)}; }

static void g_free(GRes r)
{
    free(r.first);
    free(r.last);
}

/* follow(p) gains s for every p in last */
static void link(Gl *g, const uint64_t *last, const uint64_t *s)
{
    for (int p = 0; p <= g->npos; p++)
        if (last[p >> 6] >> (p & 63) & 1)
            or_into(g, g->follow + (size_t)p * g->words, s);
}

static GRes g_cat(Gl *g, GRes a, GRes b)
{
    link(g, a.last, b.first);
    if (a.nullable)
        or_into(g, a.first, b.first);
    if (b.nullable)
        or_into(g, b.last, a.last);
    GRes r = {a.nullable && b.nullable, a.first, b.last};
    free(a.last);
    free(b.first);
    return r;
}

static GRes g_pos(Gl *g, const uint8_t *set, int off)
{
    GRes r = {false, bits(g), bits(g)};
    int p = ++g->npos;
    g->set[p] = set;
    g->off[p] = off;
    r.first[p >> 6] |= 1ull << (p & 63);
    r.last[p >> 6] |= 1ull << (p & 63);
    return r;
}

static GRes glushkov(Gl *g, const ConsNode *n, int rep_off);

static GRes g_rep(Gl *g, const ConsNode *n)
{
    const ConsNode *x = n->kids[0];
    GRes r = g_empty(g);
    int fixed = n->max < 0 && n->min > 0 ? n->min - 1 : n->min;
    for (int i = 0; i < fixed; i++)
        r = g_cat(g, r, glushkov(g, x, n->off));
    if (n->max < 0) { /* X* or, after min-1 copies, X+ */
        GRes loop = glushkov(g, x, n->off);
        link(g, loop.last, loop.first);
        loop.nullable = loop.nullable || n->min == 0;
        return g_cat(g, r, loop);
    }
    GRes tail = g_empty(g); /* (?:X(?:X)?)? from the inside out */
    for (int i = n->min; i < n->max; i++) {
        tail = g_cat(g, glushkov(g, x, n->off), tail);
        tail.nullable = true;
    }
    return g_cat(g, r, tail);
}

static GRes glushkov(Gl *g, const ConsNode *n, int rep_off)
{
    switch (n->kind) {
    case CN_SET:
        return g_pos(g, n->set, rep_off >= 0 ? rep_off : n->off);
    case CN_EMPTY:
        return g_empty(g);
    case CN_REP:
        return g_rep(g, n);
    case CN_CAT: {
        GRes r = g_empty(g);
        for (int i = 0; i < n->nkids; i++)
            r = g_cat(g, r, glushkov(g, n->kids[i], rep_off));
        return r;
    }
    case CN_ALT: {
        GRes r = {false, bits(g), bits(g)};
        for (int i = 0; i < n->nkids; i++) {
            GRes k = glushkov(g, n->kids[i], rep_off);
            r.nullable = r.nullable || k.nullable;
            or_into(g, r.first, k.first);
            or_into(g, r.last, k.last);
            g_free(k);
        }
        return r;
    }
    }
    return g_empty(g);
}

static GRes g_literal(Gl *g, const char *s, uint8_t (*sets)[32])
{
    GRes r = g_empty(g);
    for (int i = 0; s[i]; i++) {
        memset(sets[i], 0, 32);
        sets[i][(unsigned char)s[i] >> 3] |= (uint8_t)(1u << (s[i] & 7));
        r = g_cat(g, r, g_pos(g, sets[i], 0));
    }
    return r;
}

/* ---- the automaton's successor sets per byte class ---- */

typedef struct Aut {
    int n;         /* states: 0 .. npos */
    int ncls;
    int **succ;    /* [state * ncls + class]: successors, ending in -1 */
    const int *off;
} Aut;

static bool has(const uint8_t *set, int c) { return set[c >> 3] >> (c & 7) & 1; }

static int classes(const Gl *g, int *rep)
{
    int n = 0;
    for (int c = 0; c < 256; c++) {
        bool same = false;
        for (int k = 0; k < n && !same; k++) {
            same = true;
            for (int p = 1; p <= g->npos && same; p++)
                same = has(g->set[p], c) == has(g->set[p], rep[k]);
        }
        if (!same)
            rep[n++] = c;
    }
    return n;
}

static void aut_build(Aut *A, const Gl *g)
{
    int rep[256];
    A->n = g->npos + 1;
    A->ncls = classes(g, rep);
    A->off = g->off;
    A->succ = calloc((size_t)A->n * (size_t)A->ncls, sizeof *A->succ);
    for (int p = 0; p < A->n; p++) {
        const uint64_t *f = g->follow + (size_t)p * g->words;
        for (int k = 0; k < A->ncls; k++) {
            int *v = malloc(((size_t)g->npos + 2) * sizeof *v), m = 0;
            for (int q = 1; q <= g->npos; q++)
                if (f[q >> 6] >> (q & 63) & 1 && has(g->set[q], rep[k]))
                    v[m++] = q;
            v[m] = -1;
            A->succ[p * A->ncls + k] = v;
        }
    }
}

static void aut_free(Aut *A)
{
    for (int i = 0; i < A->n * A->ncls; i++)
        free(A->succ[i]);
    free(A->succ);
}

static bool deterministic(const Aut *A)
{
    for (int i = 0; i < A->n * A->ncls; i++)
        if (A->succ[i][0] >= 0 && A->succ[i][1] >= 0)
            return false;
    return true;
}

/* ---- the square automaton: reachable pairs, as a graph ---- */

typedef struct Pairs {
    int N, n;       /* N = states of A; n = reachable pairs */
    int *id;        /* [p * N + q]: index, or -1 */
    int *who;       /* index -> p * N + q */
    int *start, *to; /* CSR edges */
    int nedges;
    bool too_big;
} Pairs;

static void pairs_build(Pairs *P, const Aut *A)
{
    int N = A->n;
    P->N = N;
    P->id = malloc((size_t)N * N * sizeof *P->id);
    memset(P->id, -1, (size_t)N * N * sizeof *P->id);
    P->who = malloc((size_t)N * N * sizeof *P->who);
    P->start = malloc(((size_t)N * N + 1) * sizeof *P->start);
    int cap = 1024;
    P->to = malloc((size_t)cap * sizeof *P->to);
    P->id[0] = 0;
    P->who[0] = 0;
    P->n = 1;
    for (int i = 0; i < P->n && !P->too_big; i++) {
        int p = P->who[i] / N, q = P->who[i] % N;
        P->start[i] = P->nedges;
        for (int k = 0; k < A->ncls; k++)
            for (const int *a = A->succ[p * A->ncls + k]; *a >= 0; a++)
                for (const int *b = A->succ[q * A->ncls + k]; *b >= 0; b++) {
                    int x = *a * N + *b;
                    if (P->id[x] < 0) {
                        P->id[x] = P->n;
                        P->who[P->n++] = x;
                    }
                    if (P->nedges == cap) {
                        cap *= 2;
                        P->to = realloc(P->to, (size_t)cap * sizeof *P->to);
                    }
                    P->to[P->nedges++] = P->id[x];
                    if (P->nedges > PAIR_BUDGET)
                        P->too_big = true;
                }
    }
    P->start[P->n] = P->nedges;
}

static void pairs_free(Pairs *P)
{
    free(P->id);
    free(P->who);
    free(P->start);
    free(P->to);
}

/* Tarjan's strongly connected components, iteratively; comp[i] numbers
 * the component of pair i. */
static void sccs(const Pairs *P, int *comp)
{
    int n = P->n, idx = 0, sp = 0, cs = 0, ncomp = 0;
    int *index = malloc((size_t)n * sizeof *index);
    int *low = malloc((size_t)n * sizeof *low);
    int *stack = malloc((size_t)n * sizeof *stack);
    int *call = malloc((size_t)n * sizeof *call), *edge = malloc((size_t)n * sizeof *edge);
    bool *on = calloc((size_t)n, 1);
    for (int i = 0; i < n; i++)
        index[i] = -1;
    for (int root = 0; root < n; root++) {
        if (index[root] >= 0)
            continue;
        call[cs] = root;
        edge[cs++] = P->start[root];
        index[root] = low[root] = idx++;
        stack[sp++] = root;
        on[root] = true;
        while (cs) {
            int v = call[cs - 1];
            if (edge[cs - 1] < P->start[v + 1]) {
                int w = P->to[edge[cs - 1]++];
                if (index[w] < 0) {
                    index[w] = low[w] = idx++;
                    stack[sp++] = w;
                    on[w] = true;
                    call[cs] = w;
                    edge[cs++] = P->start[w];
                } else if (on[w] && index[w] < low[v]) {
                    low[v] = index[w];
                }
                continue;
            }
            if (low[v] == index[v]) {
                int w;
                do {
                    w = stack[--sp];
                    on[w] = false;
                    comp[w] = ncomp;
                } while (w != v);
                ncomp++;
            }
            if (--cs && low[v] < low[call[cs - 1]])
                low[call[cs - 1]] = low[v];
        }
    }
    free(index);
    free(low);
    free(stack);
    free(call);
    free(edge);
    free(on);
}

/* EDA: a component with a diagonal pair and another pair; *p gets the
 * diagonal's state. */
static bool exponential(const Pairs *P, const int *comp, int *p)
{
    int n = P->n;
    int *diag = malloc((size_t)n * sizeof *diag);
    bool *other = calloc((size_t)n, 1), found = false;
    for (int i = 0; i < n; i++)
        diag[i] = -1;
    for (int i = 0; i < n; i++) {
        int a = P->who[i] / P->N, b = P->who[i] % P->N;
        if (a == b)
            diag[comp[i]] = a;
        else
            other[comp[i]] = true;
    }
    for (int c = 0; c < n && !found; c++)
        if (diag[c] >= 0 && other[c]) {
            *p = diag[c];
            found = true;
        }
    free(diag);
    free(other);
    return found;
}

/* IDA for one candidate: does (p,p,q) reach (p,q,q) in A x A x A?  The
 * visited triples share one budget across candidates. */
static int triple_reach(const Aut *A, int p, int q, long *budget)
{
    size_t N = (size_t)A->n, hcap = 1u << 16;
    uint64_t *seen = malloc(hcap * sizeof *seen); /* key + 1; 0 empty */
    uint64_t *queue = malloc(hcap * sizeof *queue);
    size_t nseen = 0, head = 0, tail = 0;
    memset(seen, 0, hcap * sizeof *seen);
    uint64_t start = ((uint64_t)p * N + (uint64_t)p) * N + (uint64_t)q;
    uint64_t goal = ((uint64_t)p * N + (uint64_t)q) * N + (uint64_t)q;
    int result = 0;
    queue[tail++] = start;
    seen[(start * 0x9e3779b97f4a7c15ull >> 40) & (hcap - 1)] = start + 1;
    nseen = 1;
    while (head < tail && !result) {
        uint64_t t = queue[head++];
        int a = (int)(t / (N * N)), b = (int)(t / N % N), c = (int)(t % N);
        for (int k = 0; k < A->ncls && !result; k++)
            for (const int *x = A->succ[a * A->ncls + k]; *x >= 0; x++)
                for (const int *y = A->succ[b * A->ncls + k]; *y >= 0; y++)
                    for (const int *z = A->succ[c * A->ncls + k]; *z >= 0;
                         z++) {
                        uint64_t u = ((uint64_t)*x * N + (uint64_t)*y) * N +
                                     (uint64_t)*z;
                        if (u == goal)
                            result = 1;
                        size_t h = (u * 0x9e3779b97f4a7c15ull >> 40) &
                                   (hcap - 1);
                        while (seen[h] && seen[h] != u + 1)
                            h = (h + 1) & (hcap - 1);
                        if (seen[h])
                            continue;
                        if (--*budget < 0 || nseen * 2 >= hcap) {
                            result = result ? result : -1;
                            goto done;
                        }
                        seen[h] = u + 1;
                        nseen++;
                        queue[tail++] = u;
                    }
    }
done:
    free(seen);
    free(queue);
    return result;
}

static Ambiguity polynomial(const Aut *A, const Pairs *P, const int *comp,
                            int *at)
{
    /* p is on a cycle exactly when (p,p)'s component has an edge inside */
    int N = A->n;
    bool *cyc = calloc((size_t)N, 1);
    for (int i = 0; i < P->n; i++)
        for (int e = P->start[i]; e < P->start[i + 1]; e++)
            if (comp[P->to[e]] == comp[i]) {
                int a = P->who[i] / N, b = P->who[i] % N;
                if (a == b)
                    cyc[a] = true;
            }
    long budget = TRIPLE_BUDGET;
    Ambiguity r = AMB_NONE;
    for (int i = 0; i < P->n && r == AMB_NONE; i++) {
        int p = P->who[i] / N, q = P->who[i] % N;
        if (p == q || !cyc[p] || !cyc[q])
            continue;
        int k = triple_reach(A, p, q, &budget);
        if (k) {
            r = k > 0 ? AMB_POLY : AMB_TOO_BIG;
            *at = A->off[q];
        }
    }
    free(cyc);
    return r;
}

static Ambiguity decide(Gl *g, GRes whole, int *off)
{
    memcpy(g->follow, whole.first, (size_t)g->words * 8);
    g_free(whole);
    Aut A;
    aut_build(&A, g);
    Ambiguity r = AMB_NONE;
    if (!deterministic(&A)) {
        Pairs P = {0};
        pairs_build(&P, &A);
        if (P.too_big) {
            r = AMB_TOO_BIG;
        } else {
            int *comp = malloc((size_t)P.n * sizeof *comp), p;
            sccs(&P, comp);
            if (exponential(&P, comp, &p)) {
                r = AMB_EXP;
                *off = A.off[p];
            } else {
                r = polynomial(&A, &P, comp, off);
            }
            free(comp);
        }
        pairs_free(&P);
    }
    aut_free(&A);
    return r;
}

static Gl gl_new(int maxpos)
{
    Gl g = {.maxpos = maxpos, .words = (maxpos + 1 + 63) / 64};
    g.set = calloc((size_t)maxpos + 1, sizeof *g.set);
    g.off = calloc((size_t)maxpos + 1, sizeof *g.off);
    g.follow = calloc(((size_t)maxpos + 1) * (size_t)g.words, 8);
    return g;
}

static void gl_free(Gl *g)
{
    free(g->set);
    free(g->off);
    free(g->follow);
}

Ambiguity constraint_ambiguity(const Constraint *c, const char *pre,
                               const char *suf, int *off)
{
    size_t lp = strlen(pre), ls = strlen(suf);
    if (lp + ls > 4 * CONS_MAX_POSITIONS)
        return AMB_TOO_BIG;
    uint8_t (*lits)[32] = malloc((lp + ls + 1) * 32);
    Gl g = gl_new(c->positions + (int)(lp + ls) + 1);
    GRes r = g_literal(&g, pre, lits);
    r = g_cat(&g, r, glushkov(&g, c->main, -1));
    r = g_cat(&g, r, g_literal(&g, suf, lits + lp));
    Ambiguity amb = decide(&g, r, off);
    gl_free(&g);
    for (int i = 0; i < c->nlooks && amb == AMB_NONE; i++) {
        Gl h = gl_new(c->positions + 1);
        amb = decide(&h, glushkov(&h, c->looks[i].body, -1), off);
        gl_free(&h);
    }
    free(lits);
    return amb;
}
