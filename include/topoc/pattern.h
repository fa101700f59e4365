/* pattern.h - regular expressions (PCRE2 stays behind pattern.c).
 *
 * Patterns come from untrusted specs, so every pattern is compiled once,
 * with a length cap, and matched with match, depth and heap limits: a
 * hostile pattern fails with PATTERN_LIMIT instead of hanging the compiler.
 * Patterns belong to a PatternSet and are freed with it.
 */
#ifndef TOPOC_PATTERN_H
#define TOPOC_PATTERN_H

#include <stddef.h>

typedef struct PatternSet PatternSet;
typedef struct Pattern Pattern;

/* PAT_GATEWAY: as nginx (location ~) and HAProxy (path_reg) compile a
 * regex: byte mode, no UTF, no flags. */
enum { PAT_CASELESS = 1, PAT_ANCHORED = 2, PAT_GATEWAY = 4 };
enum { PATTERN_NOMATCH = 0, PATTERN_MATCH = 1, PATTERN_LIMIT = -1 };

PatternSet *patterns_new(void);
void patterns_free(PatternSet *ps);
/* NULL on error, with a message in err and the offending offset. */
Pattern *pattern_compile(PatternSet *ps, const char *re, unsigned flags,
                         char *err, size_t errlen, size_t *erroffset);
int pattern_match(Pattern *p, const char *s, size_t n);

#endif
