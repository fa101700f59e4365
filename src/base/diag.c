/* diag.c - recording and printing diagnostics (see diag.h).
 *
 * Text output follows the GNU format with a quoted source line:
 *
 *   specs/services/xero.yaml:12:7: error: unknown key 'regoin' [unknown-key]
 *      12 |   regoin: uksouth
 *         |   ^~~~~~
 *   help: did you mean 'region'?
 */
#include "topoc/diag.h"
#include "topoc/util.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Open-addressing set of recorded diagnostics, for deduplication. */
struct DiagSet {
    Diag **slot;
    size_t cap, n;
};

static uint64_t diag_hash(const Diag *d)
{
    uint64_t h = fnv1a(d->msg, strlen(d->msg), 1469598103934665603ULL);
    h = fnv1a(d->rule, strlen(d->rule), h);
    const Source *src = loc_src(d->loc);
    if (src)
        h = fnv1a(src->path, strlen(src->path), h);
    h ^= (uint64_t)d->loc.pos;
    return h * 1099511628211ULL;
}

static bool diag_same(const Diag *a, const Diag *b)
{
    return a->sev == b->sev && loc_same(a->loc, b->loc) &&
           strcmp(a->rule, b->rule) == 0 && strcmp(a->msg, b->msg) == 0;
}

static void set_insert(DiagSet *s, Diag *d)
{
    size_t i = diag_hash(d) & (s->cap - 1);
    while (s->slot[i])
        i = (i + 1) & (s->cap - 1);
    s->slot[i] = d;
    s->n++;
}

/* Returns true if d was new (and is now in the set); else *found is the
 * diagnostic it repeats. */
static bool set_add(DiagSet *s, Diag *d, Diag **found)
{
    if ((s->n + 1) * 2 > s->cap) {
        Diag **old = s->slot;
        size_t oldcap = s->cap;
        s->cap = oldcap ? oldcap * 2 : 64;
        s->slot = calloc(s->cap, sizeof *s->slot);
        if (!s->slot)
            s->slot = xmalloc(1); /* reports out of memory */
        s->n = 0;
        for (size_t i = 0; i < oldcap; i++)
            if (old[i])
                set_insert(s, old[i]);
        free(old);
    }
    size_t i = diag_hash(d) & (s->cap - 1);
    for (; s->slot[i]; i = (i + 1) & (s->cap - 1))
        if (diag_same(s->slot[i], d)) {
            *found = s->slot[i];
            return false;
        }
    s->slot[i] = d;
    s->n++;
    return true;
}

void diags_init(Diags *ds, Arena *a)
{
    memset(ds, 0, sizeof *ds);
    ds->arena = a;
    ds->seen = xmalloc(sizeof *ds->seen);
    memset(ds->seen, 0, sizeof *ds->seen);
}

void diags_free(Diags *ds)
{
    free(ds->v);
    if (ds->seen)
        free(ds->seen->slot);
    free(ds->seen);
    diags_release_sources(ds);
    memset(ds, 0, sizeof *ds);
}

/* The length of the UTF-8 character at p (1 for a byte that starts none:
 * it is then shown as \xHH), and whether it is a control character (C0,
 * DEL, or C1 such as U+009B, which some terminals take for CSI). */
static size_t char_at(const unsigned char *p, bool *control)
{
    size_t n = p[0] < 0x80 ? 1 : p[0] >= 0xC2 && p[0] < 0xE0 ? 2
               : p[0] >= 0xE0 && p[0] < 0xF0 ? 3 : p[0] >= 0xF0 && p[0] < 0xF5 ? 4
               : 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            n = 0;
    if (n == 0 || utf8_invalid_at((const char *)p, n) >= 0) {
        *control = true;
        return 1;
    }
    *control = p[0] < 0x20 || p[0] == 0x7f || (p[0] == 0xC2 && p[1] < 0xA0);
    return n;
}

/* Messages quote spec values: a control character in one (a newline, an
 * escape sequence, a C1 control) or a byte that is not UTF-8 is shown as
 * \n or \xHH, so a diagnostic stays one valid UTF-8 line and cannot drive
 * the terminal.  Past max bytes the text is cut, on a character boundary,
 * and ends in "...". */
static const char *visible_n(Arena *a, const char *s, size_t max)
{
    Strbuf sb = STRBUF_INIT;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        bool control;
        size_t n = char_at(p, &control);
        if (sb.len + 8 > max) {
            sb_puts(&sb, "...");
            break;
        }
        if (*p == '\n')
            sb_puts(&sb, "\\n");
        else if (control)
            for (size_t i = 0; i < n; i++)
                sb_printf(&sb, "\\x%02x", p[i]);
        else
            sb_add(&sb, p, n);
        p += n;
    }
    const char *out = arena_strdup(a, sb.buf);
    sb_release(&sb);
    return out;
}

static const char *visible(Arena *a, const char *s)
{
    return visible_n(a, s, (size_t)-1 / 2);
}

Diag *diag_vrecord(Diags *ds, Severity sev, Loc loc, const char *rule,
                   const char *fmt, va_list ap)
{
    Strbuf sb = STRBUF_INIT;
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    sb_grow(&sb, (size_t)n);
    vsnprintf(sb.buf, (size_t)n + 1, fmt, ap);
    Diag *d = arena_alloc(ds->arena, sizeof *d);
    d->sev = sev;
    d->loc = loc;
    d->rule = rule;
    d->msg = visible(ds->arena, sb.buf);
    sb_release(&sb);
    return diag_adopt(ds, d);
}

Diag *diag_adopt(Diags *ds, Diag *d)
{
    Severity sev = d->sev;
    ds->last_dup = NULL;
    if (!set_add(ds->seen, d, &ds->last_dup))
        return NULL;
    if (ds->n == ds->cap) {
        ds->cap = ds->cap ? ds->cap * 2 : 32;
        ds->v = xrealloc(ds->v, (size_t)ds->cap * sizeof *ds->v);
    }
    d->seq = ds->n;
    ds->v[ds->n++] = d;
    if (sev == SEV_ERROR)
        ds->nerrors++;
    else if (sev == SEV_WARNING)
        ds->nwarnings++;
    else
        ds->nnotes++;
    return d;
}

Diag *diag_error(Diags *ds, Loc loc, const char *rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    Diag *d = diag_vrecord(ds, SEV_ERROR, loc, rule, fmt, ap);
    va_end(ap);
    return d;
}

Diag *diag_info(Diags *ds, Loc loc, const char *rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    Diag *d = diag_vrecord(ds, SEV_NOTE, loc, rule, fmt, ap);
    va_end(ap);
    return d;
}

Diag *diag_warning(Diags *ds, Loc loc, const char *rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    Diag *d = diag_vrecord(ds, SEV_WARNING, loc, rule, fmt, ap);
    va_end(ap);
    return d;
}

/* A note or help line quotes at most DIAG_SUB_MAX bytes of a value. */
enum { DIAG_SUB_MAX = 1024 };

static void add_sub(Diags *ds, Diag *d, bool help, Loc loc, const char *fmt,
                    va_list ap)
{
    char *buf = NULL;
    if (vasprintf(&buf, fmt, ap) < 0)
        buf = NULL;
    d->subs = arena_grow(ds->arena, d->subs, (size_t)d->nsubs,
                         (size_t)d->nsubs + 1, sizeof *d->subs);
    DiagSub *s = &d->subs[d->nsubs++];
    s->help = help;
    s->loc = loc;
    s->msg = visible_n(ds->arena, buf ? buf : "?", DIAG_SUB_MAX);
    free(buf);
}

void diag_note(Diags *ds, Diag *d, Loc loc, const char *fmt, ...)
{
    if (!d)
        return;
    va_list ap;
    va_start(ap, fmt);
    add_sub(ds, d, false, loc, fmt, ap);
    va_end(ap);
}

void diag_help(Diags *ds, Diag *d, const char *fmt, ...)
{
    if (!d)
        return;
    va_list ap;
    va_start(ap, fmt);
    add_sub(ds, d, true, (Loc){0}, fmt, ap);
    va_end(ap);
}

const char *closest_word(const char *word, const char *const *cands,
                         int ncands)
{
    size_t wl = strlen(word);
    /* Only confident suggestions: a third of the word, at most 3 edits. */
    int limit = wl < 3 ? 1 : (int)(wl / 3 > 3 ? 3 : wl / 3);
    const char *best = NULL;
    int bestd = limit + 1;
    if (wl >= 3 && limit < 2)
        limit = 2, bestd = 3; /* short words: a transposition is one edit */
    for (int i = 0; i < ncands; i++) {
        int dist = edit_distance(word, cands[i], bestd);
        if (dist < bestd) {
            bestd = dist;
            best = cands[i];
        }
    }
    return best;
}

void diag_suggest(Diags *ds, Diag *d, const char *word,
                  const char *const *cands, int ncands)
{
    const char *best = closest_word(word, cands, ncands);
    if (best)
        diag_help(ds, d, "did you mean '%s'?", best);
}

void diag_suppress(Diags *ds, Diag *d, const char *justification)
{
    if (d->suppressed)
        return;
    d->suppressed = true;
    d->justification = justification;
    if (d->sev == SEV_ERROR)
        ds->nerrors--;
    else if (d->sev == SEV_WARNING)
        ds->nwarnings--;
    else
        ds->nnotes--;
    ds->nsuppressed++;
}

static int loc_cmp(const Loc *a, const Loc *b)
{
    const Source *x = loc_src(*a), *y = loc_src(*b);
    if (x != y) {
        if (!x || !y)
            return x ? 1 : -1;
        int c = strcmp(x->path, y->path);
        if (c)
            return c;
    }
    return loc_pos_cmp(*a, *b);
}

static int diag_cmp(const void *pa, const void *pb)
{
    const Diag *a = *(Diag *const *)pa, *b = *(Diag *const *)pb;
    int c = loc_cmp(&a->loc, &b->loc);
    if (c)
        return c;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void diags_sort(Diags *ds)
{
    if (ds->n > 1)
        qsort(ds->v, (size_t)ds->n, sizeof *ds->v, diag_cmp);
}

/* ---- text output ---- */

typedef struct Style {
    const char *bold, *err, *warn, *note, *help, *caret, *off;
} Style;

static const Style plain = {"", "", "", "", "", "", ""};
static const Style ansi = {"\033[1m",    "\033[1;31m", "\033[1;35m",
                           "\033[1;36m", "\033[1;32m", "\033[1;32m",
                           "\033[0m"};

/* Print the quoted line and a caret under columns [col, col+len). Columns
 * count characters (UTF-8 sequences count once), as libyaml's marks do. */
static void print_snippet(FILE *f, const Loc *loc, const Style *st)
{
    size_t n;
    int line = loc_line(*loc);
    if (!loc_src(*loc) || line < 1)
        return;
    const char *text = source_line(loc_src(*loc), line, &n);
    if (!text || n > 400)
        return;
    fprintf(f, "%5d | ", line);
    /* Control bytes and broken UTF-8 are shown as '?': a hostile spec
     * cannot drive the terminal through our diagnostics. */
    bool raw = utf8_invalid_at(text, n) < 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)text[i];
        bool shown = (ch >= 0x20 && ch != 0x7f && (raw || ch < 0x80)) ||
                     ch == '\t';
        fputc(shown ? ch : '?', f);
    }
    fputs("\n      | ", f);
    int col = 1, at = loc_col(*loc);
    for (size_t i = 0; i < n && col < at; i++) {
        unsigned char ch = (unsigned char)text[i];
        if ((ch & 0xC0) == 0x80)
            continue;
        fputc(ch == '\t' ? '\t' : ' ', f);
        col++;
    }
    fputs(st->caret, f);
    fputc('^', f);
    for (int i = 1; i < loc->len && i < 200; i++)
        fputc('~', f);
    fprintf(f, "%s\n", st->off);
}

void diag_quote_path(Strbuf *sb, const char *path)
{
    if (path[0] == ':')
        sb_puts(sb, "./");
    for (const unsigned char *p = (const unsigned char *)path; *p;) {
        bool control;
        size_t n = char_at(p, &control);
        for (size_t i = 0; i < n; i++, p++)
            if (control)
                sb_printf(sb, "\\x%02x", *p);
            else
                sb_putc(sb, (char)*p);
    }
}

static void print_path(FILE *f, const char *path)
{
    Strbuf sb = STRBUF_INIT;
    diag_quote_path(&sb, path);
    fputs(sb.buf, f);
    sb_release(&sb);
}

static void print_where(FILE *f, const Loc *loc, const Style *st)
{
    if (!loc_src(*loc)) {
        fprintf(f, "%stopoc:%s ", st->bold, st->off);
        return;
    }
    fputs(st->bold, f);
    print_path(f, loc_src(*loc)->path);
    if (loc_line(*loc) < 1)
        fprintf(f, ":%s ", st->off);
    else
        fprintf(f, ":%d:%d:%s ", loc_line(*loc), loc_col(*loc), st->off);
}

void diags_print_text(const Diags *ds, FILE *f, bool color)
{
    const Style *st = color ? &ansi : &plain;
    for (int i = 0; i < ds->n; i++) {
        const Diag *d = ds->v[i];
        if (d->suppressed)
            continue; /* waived: in machine formats, not on the console */
        print_where(f, &d->loc, st);
        if (d->sev == SEV_ERROR)
            fprintf(f, "%serror:%s ", st->err, st->off);
        else if (d->sev == SEV_WARNING)
            fprintf(f, "%swarning:%s ", st->warn, st->off);
        else
            fprintf(f, "%snote:%s ", st->note, st->off);
        fprintf(f, "%s%s [%s]%s\n", st->bold, d->msg, d->rule, st->off);
        print_snippet(f, &d->loc, st);
        for (int j = 0; j < d->nsubs; j++) {
            const DiagSub *s = &d->subs[j];
            if (s->help) {
                fprintf(f, "%shelp:%s %s\n", st->help, st->off, s->msg);
                continue;
            }
            if (loc_src(s->loc))
                print_where(f, &s->loc, st);
            fprintf(f, "%snote:%s %s\n", st->note, st->off, s->msg);
            print_snippet(f, &s->loc, st);
        }
    }
}
