/* arena.c - the per-compilation bump allocator (see arena.h). */
#include "topoc/arena.h"

#include <stdarg.h>
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

void arena_init(Arena *a)
{
    a->head = NULL;
    a->used = 0;
}

void arena_free(Arena *a)
{
    ArenaChunk *c = a->head;
    while (c) {
        ArenaChunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->used = 0;
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

/* Uninitialised memory, for bytes about to be overwritten. */
static void *alloc_raw(Arena *a, size_t size)
{
    size = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    ArenaChunk *c = a->head;
    if (!c || c->size - c->off < size) {
        size_t cap = c ? c->size * 2 : CHUNK_MIN;
        if (cap > CHUNK_MAX)
            cap = CHUNK_MAX;
        if (cap < size)
            cap = size;
        c = new_chunk(cap);
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->off;
    c->off += size;
    a->used += size;
    return p;
}

void *arena_alloc(Arena *a, size_t size)
{
    void *p = alloc_raw(a, size);
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
    char *p = alloc_raw(a, n + 1);
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
    char *p = alloc_raw(a, lx + ls + ly + 1);
    memcpy(p, x, lx);
    memcpy(p + lx, sep, ls);
    memcpy(p + lx + ls, y, ly + 1);
    return p;
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
