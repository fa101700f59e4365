/* arena.c - the per-compilation bump allocator (see arena.h). */
#include "topoc/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Chunks double from 64 KiB to 16 MiB, so a large spec costs few chunks.
 * Chunks of 2 MiB and more are aligned for transparent huge pages: a big
 * compilation then takes hundreds of page faults instead of tens of
 * thousands (measured with `make bench`). */
enum {
    CHUNK_MIN = 64 * 1024,
    CHUNK_MAX = 16 * 1024 * 1024,
    HUGE_PAGE = 2 * 1024 * 1024,
    ALIGN = 8,
};

struct ArenaChunk {
    ArenaChunk *next;
    size_t size, off;
    _Alignas(ALIGN) unsigned char data[];
};

static void oom(void)
{
    fputs("topoc: fatal: out of memory\n", stderr);
    exit(2);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        oom();
    return p;
}

/* arena_intern's open-addressing table of the strings it gave out.  Each
 * slot keeps the string's hash and length beside it, so a probe that
 * meets another string costs one integer compare, not a string compare
 * (every key and short value of a spec is interned: a million probes at
 * 10,000 services). */
typedef struct InternSlot {
    const char *s; /* NULL: free */
    uint32_t hash, len;
} InternSlot;

enum { HINTS = 1024 }; /* arena_intern_hinted's guesses */

struct ArenaInterned {
    InternSlot *v;
    size_t cap, n; /* cap is a power of two; n <= cap / 2 */
    InternSlot hint[HINTS]; /* the string last interned per hint */
};

void arena_init(Arena *a)
{
    a->head = a->text = NULL;
    a->interned = NULL;
    a->used = 0;
}

static void free_chunks(ArenaChunk *c)
{
    while (c) {
        ArenaChunk *next = c->next;
        free(c);
        c = next;
    }
}

void arena_free(Arena *a)
{
    free_chunks(a->head);
    free_chunks(a->text);
    if (a->interned)
        free(a->interned->v);
    free(a->interned);
    arena_init(a);
}

void arena_reset(Arena *a)
{
    ArenaChunk *keep = a->head;
    if (keep) {
        free_chunks(keep->next);
        keep->next = NULL;
        keep->off = 0;
    }
    free_chunks(a->text);
    if (a->interned)
        free(a->interned->v);
    free(a->interned);
    arena_init(a);
    a->head = keep;
}

static ArenaChunk *new_chunk(size_t cap)
{
    ArenaChunk *c;
    if (cap + sizeof *c < HUGE_PAGE) {
        c = xmalloc(sizeof *c + cap);
    } else {
        void *p = NULL;
        size_t bytes = (sizeof *c + cap + HUGE_PAGE - 1) &
                       ~(size_t)(HUGE_PAGE - 1);
        if (posix_memalign(&p, HUGE_PAGE, bytes) != 0)
            oom();
#ifdef MADV_HUGEPAGE
        madvise(p, bytes, MADV_HUGEPAGE); /* a hint; failure is harmless */
#endif
        c = p;
        cap = bytes - sizeof *c;
    }
    c->size = cap;
    c->off = 0;
    return c;
}

static void splice(ArenaChunk **into, ArenaChunk *from)
{
    if (!from)
        return;
    ArenaChunk *tail = from;
    while (tail->next)
        tail = tail->next;
    tail->next = *into;
    *into = from; /* from's newest chunk serves the next allocations */
}

void arena_adopt(Arena *a, Arena *from)
{
    splice(&a->head, from->head);
    splice(&a->text, from->text);
    a->used += from->used;
    if (from->interned) /* its strings stay; only the table goes */
        free(from->interned->v);
    free(from->interned);
    arena_init(from);
}

/* size bytes from the chunks at *head, uninitialised. */
static void *bump(Arena *a, ArenaChunk **head, size_t size)
{
    ArenaChunk *c = *head;
    if (!c || c->size - c->off < size) {
        size_t cap = c ? c->size * 2 : CHUNK_MIN;
        if (cap > CHUNK_MAX)
            cap = CHUNK_MAX;
        if (cap < size)
            cap = size;
        c = new_chunk(cap);
        c->next = *head;
        *head = c;
    }
    void *p = c->data + c->off;
    c->off += size;
    a->used += size;
    return p;
}

void *arena_alloc_uninit(Arena *a, size_t size)
{
    return bump(a, &a->head, (size + ALIGN - 1) & ~(size_t)(ALIGN - 1));
}

void *arena_alloc(Arena *a, size_t size)
{
    void *p = arena_alloc_uninit(a, size);
    memset(p, 0, size);
    return p;
}

void *arena_grow(Arena *a, void *p, size_t old_n, size_t n, size_t size)
{
    void *q = arena_alloc(a, n * size);
    if (old_n)
        memcpy(q, p, old_n * size);
    return q;
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
    char *p = bump(a, &a->text, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(Arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_join(Arena *a, const char *x, const char *sep, const char *y)
{
    size_t lx = strlen(x), ls = strlen(sep), ly = strlen(y);
    char *p = bump(a, &a->text, lx + ls + ly + 1);
    memcpy(p, x, lx);
    memcpy(p + lx, sep, ls);
    memcpy(p + lx + ls, y, ly + 1);
    return p;
}

static uint32_t intern_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static void intern_grow(ArenaInterned *t)
{
    size_t cap = t->cap ? t->cap * 2 : 256;
    InternSlot *v = calloc(cap, sizeof *v);
    if (!v)
        oom();
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->v[i].s)
            continue;
        size_t k = t->v[i].hash & (cap - 1);
        while (v[k].s)
            k = (k + 1) & (cap - 1);
        v[k] = t->v[i];
    }
    free(t->v);
    t->v = v;
    t->cap = cap;
}

const char *arena_intern(Arena *a, const char *s, size_t n)
{
    if (!a->interned) {
        a->interned = calloc(1, sizeof *a->interned);
        if (!a->interned)
            oom();
    }
    ArenaInterned *t = a->interned;
    if (2 * (t->n + 1) > t->cap)
        intern_grow(t);
    uint32_t h = intern_hash(s, n);
    size_t k = h & (t->cap - 1);
    for (; t->v[k].s; k = (k + 1) & (t->cap - 1))
        if (t->v[k].hash == h && t->v[k].len == n &&
            memcmp(t->v[k].s, s, n) == 0)
            return t->v[k].s;
    t->n++;
    t->v[k] = (InternSlot){arena_strndup(a, s, n), h, (uint32_t)n};
    return t->v[k].s;
}

const char *arena_intern_hinted(Arena *a, const char *s, size_t n,
                                unsigned hint)
{
    ArenaInterned *t = a->interned;
    const InternSlot *h = t ? &t->hint[hint % HINTS] : NULL;
    if (h && h->s && h->len == n) {
        size_t i = 0; /* a word or two: no call */
        while (i < n && h->s[i] == s[i])
            i++;
        if (i == n)
            return h->s;
    }
    const char *r = arena_intern(a, s, n);
    a->interned->hint[hint % HINTS] = (InternSlot){r, 0, (uint32_t)n};
    return r;
}

char *arena_printf(Arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
