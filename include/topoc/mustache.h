/* mustache.h - a small, logic-less template engine (Mustache 1.4 core:
 * interpolation, sections, inverted sections, comments, partials, set
 * delimiters), for text targets that a user may override without C.
 *
 * Values come from a JsonVal view that C code builds: decisions stay in C,
 * templates only place values.  Every {{name}} is passed through the
 * caller's escape function (HTML for the Mustache spec, the target format's
 * quoting for a config file); {{{name}}} and {{&name}} are not.
 */
#ifndef TOPOC_MUSTACHE_H
#define TOPOC_MUSTACHE_H

#include <stddef.h>

#include "topoc/json.h"
#include "topoc/strbuf.h"

/* Append s (n bytes) to out, escaped for the output format. */
typedef void (*MustacheEscape)(Strbuf *out, const char *s, size_t n);
/* The text of partial `name`, or NULL when there is none. */
typedef const char *(*MustachePartial)(void *ud, const char *name);

typedef struct MustacheOptions {
    MustacheEscape escape;   /* NULL: HTML */
    MustachePartial partial; /* NULL: no partials */
    void *ud;
    unsigned long max_steps; /* 0: MUSTACHE_MAX_STEPS */
    size_t max_out;          /* 0: MUSTACHE_MAX_OUT */
} MustacheOptions;

/* Whatever the template, rendering stops with an error after this much
 * work (tags and text pieces; a partial 64 + its length / 16) or
 * output. */
#define MUSTACHE_MAX_STEPS 20000000ul
#define MUSTACHE_MAX_OUT ((size_t)64 << 20)

/* Render tmpl with view.  On a malformed template, or one over the
 * limits, returns -1 with
 * "line:col: message" in err; out then holds what was rendered so far. */
int mustache_render(const char *tmpl, const JsonVal *view,
                    const MustacheOptions *opt, Strbuf *out, char *err,
                    size_t errlen);

void mustache_escape_html(Strbuf *out, const char *s, size_t n);

#endif
