/* mustache.c - the template engine (see mustache.h).
 *
 * Two steps: tokenize (resolving delimiter changes and the spec's
 * "standalone line" rule: a section, comment, partial or delimiter tag alone
 * on its line takes the whole line with it), then render token ranges, each
 * section knowing where its closing tag is.
 */
#include "topoc/mustache.h"
#include "topoc/arena.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_DEPTH = 100, MAX_DELIM = 16 };

typedef enum { T_TEXT, T_VAR, T_RAW, T_SECTION, T_INVERTED, T_CLOSE,
               T_PARTIAL } TokKind;

typedef struct Tok {
    TokKind kind;
    const char *s; /* T_TEXT: into the template; else the name */
    size_t n;
    char *indent;  /* T_PARTIAL: the standalone tag's indentation */
    size_t at;     /* offset of the tag, for messages */
    int match;     /* T_SECTION, T_INVERTED: index of the closing tag */
} Tok;

typedef struct Toks {
    Tok *v;
    int n, cap;
} Toks;

typedef struct Render {
    const MustacheOptions *opt;
    Strbuf *out;
    const JsonVal *stack[MAX_DEPTH * 2];
    int depth, partials;
    unsigned long steps, max_steps; /* tags and text pieces rendered */
    size_t max_out;
    char *err;
    size_t errlen;
} Render;

static void fail(Render *r, const char *tmpl, size_t at, const char *msg,
                 const char *name)
{
    int line = 1, col = 1;
    for (size_t i = 0; i < at && tmpl[i]; i++) {
        if (tmpl[i] == '\n')
            line++, col = 1;
        else
            col++;
    }
    snprintf(r->err, r->errlen, "%d:%d: %s%s%s%s", line, col, msg,
             name ? " '" : "", name ? name : "", name ? "'" : "");
}

static void push(Toks *t, Tok tok)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 32;
        t->v = xrealloc(t->v, (size_t)t->cap * sizeof *t->v);
    }
    t->v[t->n++] = tok;
}

static void free_toks(Toks *t)
{
    for (int i = 0; i < t->n; i++) {
        if (t->v[i].kind != T_TEXT)
            free((char *)t->v[i].s);
        free(t->v[i].indent);
    }
    free(t->v);
}

static char *dup_trim(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static const char *find(const char *hay, size_t from, size_t len,
                        const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = from; i + m <= len; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return hay + i;
    return NULL;
}

/* New delimiters from "=<% %>=": two words without '=' or spaces. */
static bool set_delims(const char *c, char *o, char *cl)
{
    char a[MAX_DELIM * 2], b[MAX_DELIM * 2], extra[2];
    if (sscanf(c, "%31s %31s %1s", a, b, extra) != 2 ||
        strlen(a) >= MAX_DELIM || strlen(b) >= MAX_DELIM ||
        strchr(a, '=') || strchr(b, '='))
        return false;
    strcpy(o, a);
    strcpy(cl, b);
    return true;
}

/* A tag: its type character, its name's span, and the text it takes up:
 * a standalone tag (only blanks around it on its line) takes the line. */
typedef struct Tag {
    char type;
    size_t at, name, name_end; /* at: its opening delimiter */
    size_t text_end;           /* the text before it ends here */
    size_t next;               /* the text after it starts here */
    bool standalone;
} Tag;

/* The first tag at or after pos: 1 with *g, 0 when there is none, -1 when
 * it is not closed. */
static int scan_tag(Render *r, const char *t, size_t pos, size_t len,
                    const char *otag, const char *ctag, Tag *g)
{
    const char *o = find(t, pos, len, otag);
    if (!o)
        return 0;
    size_t idx = (size_t)(o - t), p = idx + strlen(otag);
    char type = p < len ? t[p] : '\0', close[MAX_DELIM + 1];
    snprintf(close, sizeof close, "%s%s",
             type == '{' ? "}" : type == '=' ? "=" : "", ctag);
    size_t start = strchr("#^/>!=&{", type) && type ? p + 1 : p;
    const char *c = find(t, start, len, close);
    if (!c) {
        fail(r, t, idx, "unclosed tag", NULL);
        return -1;
    }
    size_t after = (size_t)(c - t) + strlen(close);
    size_t ls = idx, e = after;
    while (ls > pos && (t[ls - 1] == ' ' || t[ls - 1] == '\t'))
        ls--;
    while (e < len && (t[e] == ' ' || t[e] == '\t'))
        e++;
    bool standalone =
        type && strchr("#^/>!=", type) && (ls == 0 || t[ls - 1] == '\n') &&
        (e == len || t[e] == '\n' || (t[e] == '\r' && t[e + 1] == '\n'));
    *g = (Tag){type, idx, start, (size_t)(c - t), idx, after, standalone};
    if (standalone) {
        g->text_end = ls;
        g->next = e < len ? e + (t[e] == '\r' ? 2 : 1) : len;
    }
    return 1;
}

static TokKind tag_kind(char type)
{
    switch (type) {
    case '#': return T_SECTION;
    case '^': return T_INVERTED;
    case '/': return T_CLOSE;
    case '>': return T_PARTIAL;
    case '&':
    case '{': return T_RAW;
    default: return T_VAR;
    }
}

/* Pair each section with its closing tag (Tok.match). */
static int pair_sections(Render *r, const char *t, Toks *out)
{
    int stack[MAX_DEPTH], depth = 0;
    for (int i = 0; i < out->n; i++) {
        Tok *k = &out->v[i];
        if (k->kind == T_SECTION || k->kind == T_INVERTED) {
            if (depth == MAX_DEPTH) {
                fail(r, t, k->at, "sections nested too deeply", NULL);
                return -1;
            }
            stack[depth++] = i;
        } else if (k->kind == T_CLOSE) {
            if (!depth || strcmp(out->v[stack[depth - 1]].s, k->s) != 0) {
                fail(r, t, k->at, "unexpected closing tag", k->s);
                return -1;
            }
            out->v[stack[--depth]].match = i;
        }
    }
    if (depth) {
        const Tok *open = &out->v[stack[depth - 1]];
        fail(r, t, open->at, "section is not closed:", open->s);
        return -1;
    }
    return 0;
}

static int tokenize(Render *r, const char *t, Toks *out)
{
    char otag[MAX_DELIM] = "{{", ctag[MAX_DELIM] = "}}";
    size_t pos = 0, len = strlen(t);
    while (pos < len) {
        Tag g;
        int found = scan_tag(r, t, pos, len, otag, ctag, &g);
        if (found < 0)
            return -1;
        if (!found) {
            push(out, (Tok){T_TEXT, t + pos, len - pos, NULL, pos, 0});
            break;
        }
        push(out, (Tok){T_TEXT, t + pos, g.text_end - pos, NULL, pos, 0});
        pos = g.next;
        char *name = dup_trim(t + g.name, g.name_end - g.name);
        if (g.type == '!' || g.type == '=') { /* a comment, delimiters */
            bool ok = g.type == '!' || set_delims(name, otag, ctag);
            free(name);
            if (!ok) {
                fail(r, t, g.at, "bad delimiters", NULL);
                return -1;
            }
            continue;
        }
        TokKind k = tag_kind(g.type);
        char *indent = NULL; /* a standalone partial indents its lines */
        if (k == T_PARTIAL && g.standalone) {
            indent = xmalloc(g.at - g.text_end + 1);
            memcpy(indent, t + g.text_end, g.at - g.text_end);
            indent[g.at - g.text_end] = '\0';
        }
        push(out, (Tok){k, name, strlen(name), indent, g.at, 0});
    }
    return pair_sections(r, t, out);
}

/* The value of a (dotted) name in the context stack, or NULL. */
static const JsonVal *lookup(const Render *r, const char *name)
{
    if (strcmp(name, ".") == 0)
        return r->depth ? r->stack[r->depth - 1] : NULL;
    char first[256];
    size_t n = strcspn(name, ".");
    if (n >= sizeof first)
        return NULL;
    memcpy(first, name, n);
    first[n] = '\0';
    const JsonVal *v = NULL;
    for (int i = r->depth - 1; i >= 0 && !v; i--)
        if (jv_kind(r->stack[i]) == JV_OBJ)
            v = jv_get(r->stack[i], first);
    for (const char *p = name + n; v && *p == '.';) {
        p++;
        size_t m = strcspn(p, ".");
        if (m >= sizeof first)
            return NULL;
        memcpy(first, p, m);
        first[m] = '\0';
        v = jv_kind(v) == JV_OBJ ? jv_get(v, first) : NULL;
        p += m;
    }
    return v;
}

static bool falsey(const JsonVal *v)
{
    JsonKind k = v ? jv_kind(v) : JV_NULL;
    return k == JV_NULL || k == JV_FALSE ||
           (k == JV_ARR && jv_at(v, 0) == NULL);
}

static int render_template(Render *r, const char *tmpl);
static bool over_budget(Render *r, unsigned long work);

static int render_partial(Render *r, const Tok *k)
{
    const char *text = r->opt->partial ? r->opt->partial(r->opt->ud, k->s)
                                       : NULL;
    if (!text)
        return 0; /* the spec: a missing partial renders nothing */
    if (over_budget(r, strlen(text) / 16 + 64))
        return -1;
    if (r->partials == MAX_DEPTH) {
        snprintf(r->err, r->errlen, "partials nested more than %d deep",
                 MAX_DEPTH);
        return -1;
    }
    /* the standalone tag's indentation goes before every line */
    Strbuf ind = STRBUF_INIT;
    const char *in = k->indent ? k->indent : "";
    sb_puts(&ind, in);
    for (const char *p = text; *p; p++) {
        sb_putc(&ind, *p);
        if (*p == '\n' && p[1])
            sb_puts(&ind, in);
    }
    r->partials++;
    int rc = render_template(r, ind.buf);
    r->partials--;
    sb_release(&ind);
    return rc;
}

/* Rendering is bounded in work and output, whatever the template: nested
 * sections and partials that call themselves twice grow exponentially, and
 * a template is refused rather than run until killed or cut short. */
static bool over_budget(Render *r, unsigned long work)
{
    r->steps += work;
    if (r->steps > r->max_steps)
        snprintf(r->err, r->errlen, " rendering takes more than %lu steps "
                 "(sections and partials multiply); refusing", r->max_steps);
    else if (r->out->len > r->max_out)
        snprintf(r->err, r->errlen, " output is larger than %zu MiB; "
                 "refusing", r->max_out >> 20);
    else
        return false;
    return true;
}

static int render_range(Render *r, const Toks *t, int from, int to)
{
    for (int i = from; i < to; i++) {
        const Tok *k = &t->v[i];
        if (over_budget(r, 1))
            return -1;
        const JsonVal *v;
        switch (k->kind) {
        case T_TEXT:
            sb_add(r->out, k->s, k->n);
            break;
        case T_VAR:
        case T_RAW: {
            v = lookup(r, k->s);
            if (!v)
                break;
            Strbuf tmp = STRBUF_INIT;
            jv_scalar_text(v, &tmp);
            if (k->kind == T_RAW)
                sb_add(r->out, tmp.buf, tmp.len);
            else
                (r->opt->escape ? r->opt->escape : mustache_escape_html)(
                    r->out, tmp.buf, tmp.len);
            sb_release(&tmp);
            break;
        }
        case T_SECTION:
        case T_INVERTED:
            v = lookup(r, k->s);
            if ((k->kind == T_INVERTED) != falsey(v)) {
                i = k->match;
                break;
            }
            if (r->depth + 1 >= MAX_DEPTH * 2) {
                snprintf(r->err, r->errlen, "sections nested too deeply");
                return -1;
            }
            if (k->kind == T_SECTION && jv_kind(v) == JV_ARR) {
                for (int j = 0; jv_at(v, j); j++) {
                    r->stack[r->depth++] = jv_at(v, j);
                    int rc = render_range(r, t, i + 1, k->match);
                    r->depth--;
                    if (rc)
                        return rc;
                }
            } else {
                bool pushed = k->kind == T_SECTION;
                if (pushed)
                    r->stack[r->depth++] = v;
                int rc = render_range(r, t, i + 1, k->match);
                if (pushed)
                    r->depth--;
                if (rc)
                    return rc;
            }
            i = k->match;
            break;
        case T_PARTIAL:
            if (render_partial(r, k) != 0)
                return -1;
            break;
        case T_CLOSE:
            break;
        }
    }
    return 0;
}

static int render_template(Render *r, const char *tmpl)
{
    Toks t = {0};
    int rc = tokenize(r, tmpl, &t);
    if (rc == 0)
        rc = render_range(r, &t, 0, t.n);
    free_toks(&t);
    return rc;
}

int mustache_render(const char *tmpl, const JsonVal *view,
                    const MustacheOptions *opt, Strbuf *out, char *err,
                    size_t errlen)
{
    static const MustacheOptions none = {0};
    Render r = {.opt = opt ? opt : &none, .out = out, .err = err,
                .errlen = errlen};
    r.max_steps = r.opt->max_steps ? r.opt->max_steps : MUSTACHE_MAX_STEPS;
    r.max_out = r.opt->max_out ? r.opt->max_out : MUSTACHE_MAX_OUT;
    r.stack[r.depth++] = view;
    return render_template(&r, tmpl);
}

void mustache_escape_html(Strbuf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': sb_puts(out, "&amp;"); break;
        case '"': sb_puts(out, "&quot;"); break;
        case '<': sb_puts(out, "&lt;"); break;
        case '>': sb_puts(out, "&gt;"); break;
        default: sb_putc(out, s[i]);
        }
    }
}
