/* diag.h - compiler diagnostics.
 *
 * A spec error is recorded, counted and the run goes on (SQLite's nErr++):
 * one run reports every problem.  Each diagnostic has a position, a stable
 * rule id, and optional note:/help: lines.  Identical diagnostics (same
 * position, rule and text) are recorded once, so a stage may revisit a node
 * (e.g. once per environment) without repeating itself.
 *
 * Positions are 1-based; libyaml's 0-based marks are converted by the loader.
 */
#ifndef TOPOC_DIAG_H
#define TOPOC_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "topoc/arena.h"
#include "topoc/strbuf.h"

/* One input file, kept whole so that diagnostics can quote its lines. */
typedef struct Source {
    const char *path; /* as given on the command line, joined */
    const char *text;
    size_t len;
    const unsigned *lines; /* offset of each line's start (source_index) */
    int nlines;            /* 0 until indexed: a registered source is then
                              indexed on first use, others scanned */
    const unsigned *cols;  /* long lines: the column every 256 bytes */
    unsigned id; /* its Locs' sid: 0 until diags_source gives it one */
} Source;

/* Index the starts of src's lines (where libyaml's line breaks end: LF,
 * CR LF, CR, NEL, LS, PS), so that a line and a column cost O(log n) and
 * quoting a line O(1) however many diagnostics a hostile file provokes.
 * A registered source (diags_source) is indexed on its first line or
 * column without this; it indexes one that is not. */
void source_index(Arena *a, Source *src);
/* Does src's text end with a line break (libyaml's)? */
bool source_ends_line(const Source *src);
/* Line `line` (1-based) of src without its break: start and length; NULL
 * when src has no such line. */
const char *source_line(const Source *src, int line, size_t *len);

/* A position in a Source.  Every node and model field carries one, so it
 * is 8 bytes: the source's id and the byte offset, from which the line and
 * column are worked out when asked.  Read it only through the functions
 * below, which give what a diagnostic prints: the file, the line (0: the
 * file as a whole), the column in characters as libyaml counts them, and
 * the underline, at most LOC_MAX_LEN characters (longer ones are cut when
 * made, as the caret line is cut when printed).  A zero Loc is "no
 * position". */
enum {
    LOC_MAX_LEN = 255,
    LOC_MAX_OFFSET = (1 << 24) - 2, /* a spec file is at most 8 MiB */
    LOC_MAX_SOURCES = 0x7fffffff, /* ids fit the 31 bits of Loc.sid */
};
typedef struct Loc {
    unsigned pos : 24; /* byte offset + 1; 0: the file as a whole */
    unsigned len : 8;  /* characters to underline; 0 or 1 gives a caret */
    unsigned sid : 31; /* the Source's id (diags_source); 0: none */
    unsigned set : 1;  /* Int and Bool: a value was given (model.h); a
                          Loc's bit that no comparison reads, so that an
                          Int is 16 bytes, not 24 */
} Loc;

const Source *loc_src(Loc l);
int loc_line(Loc l);
int loc_col(Loc l);
/* src as a whole (line 0), e.g. a file not read or that cannot be. */
static inline Loc loc_file(const Source *src)
{
    return (Loc){.sid = src->id};
}
/* The character at byte off of src (registered), underlined for len
 * characters. */
Loc loc_offset(const Source *src, size_t off, unsigned len);
/* Same file, line and column (the underline aside). */
static inline bool loc_same(Loc a, Loc b)
{
    return a.sid == b.sid && a.pos == b.pos;
}
/* Order of two positions in one file: line, then column (-1, 0, 1). */
static inline int loc_pos_cmp(Loc a, Loc b)
{
    return (a.pos > b.pos) - (a.pos < b.pos);
}
/* The source text from l on (*room bytes), or NULL for no position. */
const char *loc_text(Loc l, size_t *room);
/* The position delta bytes further on the same line (no line break in
 * between), e.g. a part of a scalar; underlined for one character. */
Loc loc_advance(Loc l, size_t delta);

typedef enum { SEV_ERROR, SEV_WARNING, SEV_NOTE } Severity;

typedef struct DiagSub {
    bool help; /* help: line, otherwise note: */
    Loc loc;   /* notes may point elsewhere; src == NULL for none */
    const char *msg;
} DiagSub;

typedef struct Diag {
    Severity sev;
    Loc loc;
    const char *rule;
    const char *msg;
    DiagSub *subs;
    int nsubs;
    int seq;            /* order of recording, the last sort key */
    const char *target; /* what it is about, e.g. production/service/x;
                           NULL for input errors */
    bool suppressed;    /* waived: kept, but not counted */
    const char *justification; /* the waiver's reason */
    /* The same finding (position, rule, text) about other targets, e.g.
     * the other environment: folded into this one in the text, and waived
     * target by target (suppressed only when every target is waived). */
    const char **also;
    int nalso;
    unsigned waived; /* bit 0: target; bit k + 1: also[k] */
} Diag;

typedef struct DiagSet DiagSet; /* dedup index, private to diag.c */

typedef struct Diags {
    Arena *arena;
    Diag **v;
    int n, cap;
    int nerrors, nwarnings; /* not counting suppressed ones */
    int nnotes;             /* information, never a failure */
    int nsuppressed;
    DiagSet *seen;
    Diag *last_dup; /* what the last refused duplicate repeated */
    unsigned *srcids; /* the sources' ids, given back by diags_free */
    int nsrcids, capsrcids;
} Diags;

void diags_init(Diags *d, Arena *a);
void diags_free(Diags *d);
/* Give src an id for its positions (source.c), valid until diags_free. */
void diags_source(Diags *ds, Source *src);
void diags_release_sources(Diags *ds);

/* Record a diagnostic.  Returns NULL when an identical one exists already;
 * diag_note/diag_help accept NULL and then do nothing. */
Diag *diag_error(Diags *ds, Loc loc, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
Diag *diag_warning(Diags *ds, Loc loc, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Information for the reader (what an output does with the spec); never
 * affects the exit status. */
Diag *diag_info(Diags *ds, Loc loc, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
Diag *diag_vrecord(Diags *ds, Severity sev, Loc loc, const char *rule,
                   const char *fmt, va_list ap);
/* Record d, made in another Diags (whose arena must outlive ds's use),
 * as if it were made now: what a stage decoded ahead of time is reported
 * when, and only if, it is used.  NULL when an identical one exists. */
Diag *diag_adopt(Diags *ds, Diag *d);
void diag_note(Diags *ds, Diag *d, Loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_help(Diags *ds, Diag *d, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Add "did you mean 'X'?" when one candidate is close to word. */
void diag_suggest(Diags *ds, Diag *d, const char *word,
                  const char *const *cands, int ncands);
/* The closest candidate within a small edit distance, or NULL. */
const char *closest_word(const char *word, const char *const *cands,
                         int ncands);

/* Mark d as waived: it stays in the list but no longer counts. */
void diag_suppress(Diags *ds, Diag *d, const char *justification);

/* Sort by file, line, column, order of recording. */
void diags_sort(Diags *ds);
void diags_print_text(const Diags *ds, FILE *f, bool color);
/* A file name as messages show it: control bytes and bytes that are not
 * UTF-8 as \xHH, and "./" before a leading ':' so that no line of ours
 * starts with "::" (a GitHub workflow command when CI prints stderr). */
void diag_quote_path(Strbuf *sb, const char *path);

#endif
