/* util.h - small helpers shared by every stage. */
#ifndef TOPOC_UTIL_H
#define TOPOC_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

uint64_t fnv1a(const void *data, size_t n, uint64_t h);
/* Levenshtein distance, or `limit` when it is at least that. */
int edit_distance(const char *a, const char *b, int limit);
bool streq(const char *a, const char *b); /* NULL-safe */
/* First invalid byte offset of a UTF-8 text, or -1 if valid. */
long utf8_invalid_at(const char *s, size_t n);
/* A copy of s that is valid UTF-8 (bad bytes, and with no_controls the C0
 * controls XML cannot carry, become U+FFFD), or NULL if s is fine.  Free
 * the result. */
char *utf8_sanitize(const char *s, bool no_controls);
/* Sort an array of C strings in byte order. */
void sort_strings(const char **v, int n);
/* --stats: one line on stderr for a stage that began at t0 (CLOCK_MONOTONIC
 * seconds, from stats_now) and added `bytes` to the arena, with the
 * process's peak resident memory so far (where the bytes of a run go). */
double stats_now(void);
void stats_line(const char *stage, double t0, size_t bytes);

#endif
