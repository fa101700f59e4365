/* source.c - the input files and positions in them (see diag.h).
 *
 * Every node and model field carries a Loc, so a Loc is 8 bytes: the
 * source's id and a byte offset, not a pointer, a line and a column.  The
 * line and column are worked out when a diagnostic is printed, from the
 * source's line index, exactly as libyaml counts them: lines end at LF,
 * CR LF, CR, NEL, LS or PS, and a column counts characters (UTF-8
 * sequences) from the line's start.
 *
 * The ids index one table for the process: review and diff hold two
 * compilations at once and the fuzz harness runs many one after another,
 * so a compilation's Diags registers its sources and diags_free gives the
 * ids back for the next one to reuse.
 *
 * A source's line index is made when a line or column in it is first
 * asked for (a diagnostic printed), not when the file is read: at 10,000
 * files and no finding, indexing them all was 2% of a check's time and
 * 1.5 MB that nothing read.
 */
#include "topoc/diag.h"
#include "topoc/util.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A line longer than this keeps the column every STEP bytes, so that the
 * column of any offset costs at most STEP bytes of counting however long
 * the line (a hostile 8 MiB file on one line). */
enum { STEP = 256 };

_Static_assert(sizeof(Loc) == 8, "a Loc is 8 bytes: every value carries one");

/* A source's line index: where its lines start, and for long lines the
 * column every STEP bytes (see Source). */
typedef struct LineIndex {
    unsigned *lines; /* NULL: not made */
    int nlines;
    unsigned *cols;
} LineIndex;

static struct {
    const Source **v; /* v[id]; v[0] is NULL, no position */
    LineIndex *ix;    /* ix[id]: v[id]'s index, made on first use
                         (malloc'd, freed when the id is given back) */
    unsigned n, cap;
    unsigned *free; /* ids given back, reused first */
    unsigned nfree, capfree;
} table;

void diags_source(Diags *ds, Source *src)
{
    if (src->id)
        return;
    unsigned id;
    if (table.nfree) {
        id = table.free[--table.nfree];
    } else {
        if (table.n + 1 >= table.cap) {
            table.cap = table.cap ? table.cap * 2 : 256;
            table.v = xrealloc(table.v, table.cap * sizeof *table.v);
            table.ix = xrealloc(table.ix, table.cap * sizeof *table.ix);
            memset(table.ix + table.n, 0,
                   (table.cap - table.n) * sizeof *table.ix);
        }
        if (!table.n)
            table.v[table.n++] = NULL;
        assert(table.n < LOC_MAX_SOURCES);
        id = table.n++;
    }
    table.v[id] = src;
    src->id = id;
    if (ds->nsrcids == ds->capsrcids) {
        ds->capsrcids = ds->capsrcids ? ds->capsrcids * 2 : 16;
        ds->srcids =
            xrealloc(ds->srcids, (size_t)ds->capsrcids * sizeof *ds->srcids);
    }
    ds->srcids[ds->nsrcids++] = id;
}

void diags_release_sources(Diags *ds)
{
    for (int i = 0; i < ds->nsrcids; i++) {
        if (table.nfree == table.capfree) {
            table.capfree = table.capfree ? table.capfree * 2 : 256;
            table.free =
                xrealloc(table.free, table.capfree * sizeof *table.free);
        }
        unsigned id = ds->srcids[i];
        table.v[id] = NULL;
        free(table.ix[id].lines);
        free(table.ix[id].cols);
        table.ix[id] = (LineIndex){0};
        table.free[table.nfree++] = id;
    }
    free(ds->srcids);
    ds->srcids = NULL;
    ds->nsrcids = ds->capsrcids = 0;
}

const Source *loc_src(Loc l)
{
    return l.sid && l.sid < table.n ? table.v[l.sid] : NULL;
}

Loc loc_offset(const Source *src, size_t off, unsigned len)
{
    assert(src->id); /* registered with diags_source */
    if (off > LOC_MAX_OFFSET)
        off = LOC_MAX_OFFSET; /* no spec file is this long (load.h) */
    return (Loc){.pos = (unsigned)off + 1, .len = len, .sid = src->id};
}

/* The length of the line break at text[i], 0 for none: libyaml's breaks. */
static size_t break_at(const unsigned char *t, size_t i, size_t n)
{
    if (t[i] == '\n')
        return 1;
    if (t[i] == '\r')
        return i + 1 < n && t[i + 1] == '\n' ? 2 : 1;
    if (t[i] == 0xC2 && i + 1 < n && t[i + 1] == 0x85)
        return 2; /* NEL */
    if (t[i] == 0xE2 && i + 2 < n && t[i + 1] == 0x80 &&
        (t[i + 2] == 0xA8 || t[i + 2] == 0xA9))
        return 3; /* LS, PS */
    return 0;
}

/* The length of the line break that ends at text[end - 1], 0 for none. */
static size_t break_before(const unsigned char *t, size_t end)
{
    if (end >= 2 && t[end - 1] == '\n' && t[end - 2] == '\r')
        return 2;
    if (end >= 1 && (t[end - 1] == '\n' || t[end - 1] == '\r'))
        return 1;
    if (end >= 2 && t[end - 1] == 0x85 && t[end - 2] == 0xC2)
        return 2;
    if (end >= 3 && (t[end - 1] == 0xA8 || t[end - 1] == 0xA9) &&
        t[end - 2] == 0x80 && t[end - 3] == 0xE2)
        return 3;
    return 0;
}

static bool char_start(unsigned char c)
{
    return (c & 0xC0) != 0x80;
}

/* The starts of src's lines after the first, into *v (grown with xrealloc:
 * one pass, the breaks are not counted first); returns how many, and the
 * length of the longest line. */
static int line_starts(const Source *src, unsigned **v, int *cap,
                       size_t *longest)
{
    const unsigned char *t = (const unsigned char *)src->text;
    size_t n = src->len, start = 0;
    int k = 0;
    *longest = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i] > '\r' && t[i] < 0xC2)
            continue; /* most bytes: no break starts here */
        size_t b = break_at(t, i, n);
        if (!b)
            continue;
        i += b - 1;
        if (i + 1 - start > *longest)
            *longest = i + 1 - start;
        if (k == *cap) {
            *cap = *cap ? *cap * 2 : 1024;
            *v = xrealloc(*v, (size_t)*cap * sizeof **v);
        }
        (*v)[k++] = (unsigned)(i + 1);
        start = i + 1;
    }
    if (n - start > *longest)
        *longest = n - start;
    return k;
}

/* The column (0-based, in characters) at every STEP-th byte of the text
 * and at its end, into ix->cols (len / STEP + 1 entries). */
static void step_cols(const Source *src, LineIndex *ix)
{
    const unsigned char *t = (const unsigned char *)src->text;
    size_t n = src->len, col = 0;
    int k = 1;
    for (size_t i = 0; i <= n; i++) {
        if (i % STEP == 0)
            ix->cols[i / STEP] = (unsigned)col;
        if (i == n)
            break;
        col += char_start(t[i]);
        if (k < ix->nlines && i + 1 == ix->lines[k])
            col = 0, k++; /* the next line starts after this byte */
    }
}

/* src's index, its arrays from alloc(ctx, bytes): an arena, or malloc. */
static LineIndex make_index(const Source *src,
                            void *(*alloc)(void *ctx, size_t n), void *ctx)
{
    static unsigned *scratch; /* kept for the next file: no allocation */
    static int cap;
    size_t longest;
    int n = line_starts(src, &scratch, &cap, &longest);
    LineIndex ix = {alloc(ctx, ((size_t)n + 1) * sizeof *ix.lines), n + 1,
                    NULL};
    ix.lines[0] = 0;
    if (n)
        memcpy(ix.lines + 1, scratch, (size_t)n * sizeof *ix.lines);
    if (longest > STEP) { /* lines longer than a step: checkpoints */
        ix.cols = alloc(ctx, (src->len / STEP + 1) * sizeof *ix.cols);
        step_cols(src, &ix);
    }
    return ix;
}

static void *from_arena(void *a, size_t n)
{
    return arena_alloc(a, n);
}

static void *from_heap(void *unused, size_t n)
{
    (void)unused;
    return xmalloc(n);
}

void source_index(Arena *a, Source *src)
{
    LineIndex ix = make_index(src, from_arena, a);
    src->lines = ix.lines;
    src->nlines = ix.nlines;
    src->cols = ix.cols;
}

/* src's line index: its own (source_index), else the one made for its id
 * on first use; nlines 0 when there is none to make (a source not
 * registered, or whose id was given back): the callers then scan. */
static LineIndex index_of(const Source *src)
{
    if (src->nlines)
        return (LineIndex){(unsigned *)src->lines, src->nlines,
                           (unsigned *)src->cols};
    if (!src->id || src->id >= table.n || table.v[src->id] != src)
        return (LineIndex){0};
    LineIndex *ix = &table.ix[src->id];
    if (!ix->lines)
        *ix = make_index(src, from_heap, NULL);
    return *ix;
}

bool source_ends_line(const Source *src)
{
    return break_before((const unsigned char *)src->text, src->len) > 0;
}

/* The line (0-based) holding byte off. */
static int line_of(const LineIndex *ix, size_t off)
{
    int lo = 0, hi = ix->nlines - 1;
    while (lo < hi) {
        int mid = lo + (hi - lo + 1) / 2;
        if (ix->lines[mid] <= off)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

static size_t count_chars(const char *t, size_t from, size_t to)
{
    size_t c = 0;
    for (size_t i = from; i < to; i++)
        c += char_start((unsigned char)t[i]);
    return c;
}

/* Line and column (1-based) of l, as libyaml's marks give them. */
static void line_col(Loc l, int *line, int *col)
{
    const Source *src = loc_src(l);
    *line = *col = 0;
    if (!src || !l.pos)
        return;
    size_t off = l.pos - 1;
    LineIndex ix = index_of(src);
    if (!ix.nlines) { /* no index: scan */
        const unsigned char *t = (const unsigned char *)src->text;
        size_t start = 0;
        *line = 1;
        for (size_t i = 0; i < off && i < src->len; i++) {
            size_t b = break_at(t, i, src->len);
            if (b)
                ++*line, i += b - 1, start = i + 1;
        }
        *col = 1 + (int)count_chars(src->text, start, off);
        return;
    }
    if (off > src->len) { /* past a last line without a break (libyaml) */
        *line = ix.nlines + 1, *col = 1;
        return;
    }
    int k = line_of(&ix, off);
    size_t start = ix.lines[k], step = off / STEP * STEP;
    *line = k + 1;
    if (ix.cols && step > start)
        *col = 1 + (int)(ix.cols[off / STEP] + count_chars(src->text, step, off));
    else
        *col = 1 + (int)count_chars(src->text, start, off);
}

int loc_line(Loc l)
{
    int line, col;
    line_col(l, &line, &col);
    return line;
}

int loc_col(Loc l)
{
    int line, col;
    line_col(l, &line, &col);
    return col;
}

const char *loc_text(Loc l, size_t *room)
{
    const Source *src = loc_src(l);
    if (!src || !l.pos || (size_t)l.pos - 1 >= src->len)
        return NULL;
    *room = src->len - (l.pos - 1);
    return src->text + (l.pos - 1);
}

Loc loc_advance(Loc l, size_t delta)
{
    size_t room;
    if (loc_text(l, &room) && delta < room)
        l.pos += (unsigned)delta;
    l.len = 1;
    return l;
}

const char *source_line(const Source *src, int line, size_t *len)
{
    const unsigned char *t = (const unsigned char *)src->text;
    size_t start = 0, end = src->len;
    LineIndex ix = index_of(src);
    if (ix.nlines) { /* O(1), however long the line */
        if (line < 1 || line > ix.nlines)
            return NULL;
        start = ix.lines[line - 1];
        if (line < ix.nlines)
            end = ix.lines[line] - break_before(t, ix.lines[line]);
    } else { /* no index: scan */
        for (int l = 1; l < line && start < end; start++) {
            size_t b = break_at(t, start, end);
            if (b)
                l++, start += b - 1;
        }
        if (line < 1 || (start >= end && line > 1))
            return NULL;
        for (size_t i = start; i < src->len; i++)
            if (break_at(t, i, src->len)) {
                end = i;
                break;
            }
    }
    if (start >= src->len && line > 1)
        return NULL; /* the empty line after the last break */
    *len = end - start;
    return src->text + start;
}
