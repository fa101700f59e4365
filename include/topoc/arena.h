/* arena.h - one bump allocator per compilation.
 *
 * Contract: every object reachable from the model is allocated here and
 * freed all at once by arena_free().  Allocations are zeroed and aligned to
 * 8 bytes, enough for every type the model uses (no long double or SIMD);
 * strings are not aligned.  Running out of memory is not recoverable: the arena reports it
 * and exits (the one place besides main.c that may exit).
 */
#ifndef TOPOC_ARENA_H
#define TOPOC_ARENA_H

#include <stddef.h>

typedef struct ArenaChunk ArenaChunk;
typedef struct ArenaInterned ArenaInterned;

/* Strings (arena_strdup, arena_strndup, arena_join, arena_intern) come
 * from chunks of their own, packed without alignment: a spec's scalars
 * are short, and 8-byte rounding cost them a third of their bytes. */
typedef struct Arena {
    ArenaChunk *head;
    ArenaChunk *text; /* the strings' chunks */
    ArenaInterned *interned; /* arena_intern's table, NULL until used */
    size_t used; /* bytes handed out, for statistics */
} Arena;

void arena_init(Arena *a);
void arena_free(Arena *a);
/* Free everything allocated in a but keep its newest chunk for what comes
 * next: a scratch arena emptied per file or per item then costs no
 * allocation (a chunk malloc'd and freed each time made glibc gather its
 * free lists every time). */
void arena_reset(Arena *a);
void *arena_alloc(Arena *a, size_t size);
/* The same, not zeroed: for a buffer about to be filled (a file read into
 * it, a table written before it is read).  Pages of it never written are
 * never touched, so a generous bound costs address space, not memory. */
void *arena_alloc_uninit(Arena *a, size_t size);
/* Move every allocation of from into a (from is empty afterwards): what
 * one stage made lives on with what another made, and is freed with it. */
void arena_adopt(Arena *a, Arena *from);
/* Grow an array allocated in the arena: returns a new block of n*size bytes
 * holding the first old_n elements of p. */
void *arena_grow(Arena *a, void *p, size_t old_n, size_t n, size_t size);
char *arena_strdup(Arena *a, const char *s);
char *arena_strndup(Arena *a, const char *s, size_t n);
/* a + sep + b, without printf's cost (used per route and environment) */
char *arena_join(Arena *a, const char *x, const char *sep, const char *y);
/* The arena's one copy of the n bytes at s (NUL-terminated): equal text
 * asked for twice is stored once.  For text that repeats by the thousand,
 * such as a spec's keys; the result must never be written to. */
const char *arena_intern(Arena *a, const char *s, size_t n);
/* The same, first trying the text last interned with the same hint (a
 * number the caller derives from where the text was found: the key at
 * one place of a spec is nearly always the same word): one comparison
 * instead of a hash and a probe.  The hint never changes the result. */
const char *arena_intern_hinted(Arena *a, const char *s, size_t n,
                                unsigned hint);
char *arena_printf(Arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Out-of-memory handler for allocations outside the arena. */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);

#endif
