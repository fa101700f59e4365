/* pattern.c - the only file that includes PCRE2 (see pattern.h). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "topoc/pattern.h"
#include "topoc/arena.h"

#include <pcre2.h>
#include <stdio.h>
#include <string.h>

enum {
    MAX_PATTERN = 1024,     /* characters in one pattern */
    MATCH_LIMIT = 100000,   /* backtracking steps per match */
    DEPTH_LIMIT = 1000,     /* nested backtracking */
    HEAP_LIMIT = 8 * 1024,  /* KiB of backtracking memory */
};

struct Pattern {
    pcre2_code *code;
    pcre2_match_data *md;
    pcre2_match_context *mctx; /* the set's: carries the limits */
    Pattern *next;
};

struct PatternSet {
    pcre2_match_context *mctx;
    Pattern *all;
};

PatternSet *patterns_new(void)
{
    PatternSet *ps = xmalloc(sizeof *ps);
    ps->all = NULL;
    ps->mctx = pcre2_match_context_create(NULL);
    pcre2_set_match_limit(ps->mctx, MATCH_LIMIT);
    pcre2_set_depth_limit(ps->mctx, DEPTH_LIMIT);
    pcre2_set_heap_limit(ps->mctx, HEAP_LIMIT);
    return ps;
}

void patterns_free(PatternSet *ps)
{
    if (!ps)
        return;
    for (Pattern *p = ps->all, *next; p; p = next) {
        next = p->next;
        pcre2_match_data_free(p->md);
        pcre2_code_free(p->code);
        free(p);
    }
    pcre2_match_context_free(ps->mctx);
    free(ps);
}

Pattern *pattern_compile(PatternSet *ps, const char *re, unsigned flags,
                         char *err, size_t errlen, size_t *erroffset)
{
    size_t len = strlen(re);
    *erroffset = 0;
    if (len > MAX_PATTERN) {
        snprintf(err, errlen, "pattern longer than %d characters",
                 MAX_PATTERN);
        return NULL;
    }
    uint32_t opts = PCRE2_UTF | PCRE2_NEVER_BACKSLASH_C |
                    PCRE2_NO_AUTO_CAPTURE;
    if (flags & PAT_GATEWAY)
        opts = 0;
    if (flags & PAT_CASELESS)
        opts |= PCRE2_CASELESS;
    if (flags & PAT_ANCHORED)
        opts |= PCRE2_ANCHORED | PCRE2_ENDANCHORED;
    int code;
    PCRE2_SIZE off;
    pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, len, opts, &code, &off,
                                  NULL);
    if (!c) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        snprintf(err, errlen, "%s", (const char *)msg);
        *erroffset = off;
        return NULL;
    }
    Pattern *p = xmalloc(sizeof *p);
    p->code = c;
    p->md = pcre2_match_data_create_from_pattern(c, NULL);
    p->mctx = ps->mctx;
    p->next = ps->all;
    ps->all = p;
    return p;
}

int pattern_match(Pattern *p, const char *s, size_t n)
{
    int rc = pcre2_match(p->code, (PCRE2_SPTR)s, n, 0, 0, p->md, p->mctx);
    if (rc >= 0)
        return PATTERN_MATCH;
    if (rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL)
        return PATTERN_NOMATCH;
    return PATTERN_LIMIT;
}
