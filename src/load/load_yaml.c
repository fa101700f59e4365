/* load_yaml.c - YAML text to documents; the only file that includes libyaml.
 *
 * Stage 1 of the pipeline (load -> build -> resolve -> check -> emit).  The
 * event parser is driven with an explicit stack, so input depth never becomes
 * C recursion, and three limits keep hostile input bounded:
 *   - nesting deeper than LOAD_MAX_DEPTH is refused;
 *   - aliases are shared, not copied, but the size a document would expand
 *     to is counted and capped at LOAD_MAX_NODES ("billion laughs");
 *   - duplicate keys in one map are reported (YAML says they are an error,
 *     libyaml does not check).
 */
#include "topoc/load.h"
#include "topoc/util.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct Frame {
    Node *node;
    int base;     /* its first item in Parser.vals */
    long weight;  /* expanded size of this subtree so far */
    const char *anchor; /* registered when the container ends */
    unsigned hint; /* where it is (the keys above it): see scalar_hint */
    bool aliased; /* an alias inside: its weight counts copies */
} Frame;

typedef struct Anchor {
    const char *name;
    Node *node;
    long weight;
} Anchor;

typedef struct Parser {
    Arena *a;    /* the document trees: nodes, items, anchors */
    Arena *text; /* the scalars' text, which outlives the trees */
    Diags *ds;
    const Source *src;
    Frame *stack; /* LOAD_MAX_DEPTH + 1 frames, written before read */
    int depth;
    /* Items of every open container, innermost last: sequence items, or
     * alternating keys and values for maps.  One array for the whole file,
     * so building a node costs no allocation of its own. */
    Node **vals;
    int nvals, capvals;
    Anchor *anchors;
    int nanchors, capanchors;
    Document *docs;
    int ndocs, capdocs;
    Node *root;
    long root_weight;
    bool failed; /* the current document is abandoned */
    bool ascii;  /* the text is ASCII: a mark's index is its byte offset */
    /* The last mark made a Loc: its character index (libyaml counts
     * characters) and byte offset.  Marks arrive nearly in order, so
     * walking from the last one costs linear time for the file. */
    size_t at_char, at_byte;
} Parser;

static bool char_start(unsigned char c)
{
    return (c & 0xC0) != 0x80;
}

/* The byte offset of m (the text is valid UTF-8: load_spec.c checks). */
static size_t mark_offset(Parser *p, yaml_mark_t m)
{
    const unsigned char *t = (const unsigned char *)p->src->text;
    size_t n = p->src->len;
    if (p->ascii) { /* as the walks below would find, without walking */
        p->at_char = m.index;
        p->at_byte = m.index < n ? m.index : n;
    }
    while (p->at_char < m.index && p->at_byte < n) {
        unsigned char c = t[p->at_byte]; /* a lead byte: its length */
        p->at_byte += c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        p->at_char++;
    }
    if (p->at_byte > n)
        p->at_byte = n;
    while (p->at_char > m.index && p->at_byte > 0) {
        p->at_byte--;
        while (p->at_byte > 0 && !char_start(t[p->at_byte]))
            p->at_byte--;
        p->at_char--;
    }
    /* At the end, libyaml ends a last line that has no break of its own
     * (the mark moves to column 0 of the line after): one byte on. */
    if (p->at_byte == n && m.column == 0 && n > 0 &&
        !source_ends_line(p->src))
        return n + 1;
    return p->at_byte;
}

/* Eight bytes at a time: the loop is every byte of every file. */
static bool is_ascii(const char *t, size_t n)
{
    uint64_t high = 0, w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, t + i, 8);
        high |= w;
    }
    for (; i < n; i++)
        high |= (unsigned char)t[i];
    return !(high & 0x8080808080808080ull);
}

static Loc mark_loc(Parser *p, yaml_mark_t m)
{
    Loc l = loc_offset(p->src, mark_offset(p, m), 1);
#ifdef __SANITIZE_ADDRESS__ /* the checked build: as libyaml counts */
    assert(loc_line(l) == (int)m.line + 1 && loc_col(l) == (int)m.column + 1);
#endif
    return l;
}

static Loc span_loc(Parser *p, yaml_mark_t s, yaml_mark_t e)
{
    Loc l = mark_loc(p, s);
    if (e.line == s.line && e.column > s.column)
        l.len = e.column - s.column < LOC_MAX_LEN
                    ? (unsigned)(e.column - s.column)
                    : LOC_MAX_LEN;
    return l;
}

static bool is_null_scalar(const yaml_event_t *ev)
{
    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *v = (const char *)ev->data.scalar.value;
    if (*v != 'n' && *v != 'N') /* every scalar comes here: most are not */
        return !*v || !strcmp(v, "~");
    return !strcmp(v, "null") || !strcmp(v, "Null") || !strcmp(v, "NULL");
}

static void push_item(Parser *p, Node *n)
{
    if (p->nvals == p->capvals) {
        p->capvals = p->capvals ? p->capvals * 2 : 256;
        p->vals = xrealloc(p->vals, (size_t)p->capvals * sizeof *p->vals);
    }
    p->vals[p->nvals++] = n;
}

static int pair_cmp(const void *a, const void *b)
{
    const NodePair *x = a, *y = b;
    int c = strcmp(x->key->str, y->key->str);
    if (c)
        return c;
    return loc_pos_cmp(x->key->loc, y->key->loc);
}

static void report_duplicate(Parser *p, const Node *again, const Node *first)
{
    Diag *d = diag_error(p->ds, again->loc, "duplicate-key",
                         "duplicate key '%s'", again->str);
    diag_note(p->ds, d, first->loc, "first defined here");
    diag_help(p->ds, d, "remove one of them or merge their values");
}

/* Report repeated keys: small maps pairwise, large ones by sorting a copy,
 * so a hostile map of 100,000 keys stays n log n. */
static void check_duplicate_keys(Parser *p, const Node *map)
{
    if (map->n < 2)
        return;
    if (map->n <= 16) { /* keys are interned (on_scalar, on_alias) */
        for (int i = 1; i < map->n; i++)
            for (int j = 0; j < i; j++)
                if (map->pairs[i].key->str == map->pairs[j].key->str) {
                    report_duplicate(p, map->pairs[i].key,
                                     map->pairs[j].key);
                    break;
                }
        return;
    }
    NodePair *s = xmalloc((size_t)map->n * sizeof *s);
    memcpy(s, map->pairs, (size_t)map->n * sizeof *s);
    qsort(s, (size_t)map->n, sizeof *s, pair_cmp);
    for (int i = 1; i < map->n; i++) {
        if (strcmp(s[i].key->str, s[i - 1].key->str) == 0)
            report_duplicate(p, s[i].key, s[i - 1].key);
    }
    free(s);
}

static void finish_container(Parser *p, Frame *f)
{
    Node *n = f->node;
    Node **items = p->vals + f->base;
    int count = p->nvals - f->base;
    if (n->kind == NODE_SEQ) {
        n->n = count;
        n->items = arena_alloc(p->a, (size_t)count * sizeof *n->items);
        if (count)
            memcpy(n->items, items, (size_t)count * sizeof *n->items);
    } else {
        n->n = count / 2;
        n->pairs = arena_alloc(p->a, (size_t)n->n * sizeof *n->pairs);
        for (int i = 0; i < n->n; i++) {
            n->pairs[i].key = items[2 * i];
            n->pairs[i].val = items[2 * i + 1];
        }
        check_duplicate_keys(p, n);
    }
    p->nvals = f->base;
}

/* Attach a finished node to its parent (or make it the document root). */
static void attach(Parser *p, Node *n, long weight)
{
    if (p->depth == 0) {
        p->root = n;
        p->root_weight = weight;
        return;
    }
    Frame *f = &p->stack[p->depth - 1];
    if (f->node->kind == NODE_MAP && (p->nvals - f->base) % 2 == 0 &&
        n->kind != NODE_SCALAR) {
        Diag *d = diag_error(p->ds, n->loc, "syntax",
                             "a map key must be a plain string, not a %s",
                             node_kind_name(n->kind));
        diag_help(p->ds, d, "write the key as text followed by ':'");
        p->failed = true;
        return;
    }
    f->weight += weight;
    if (f->weight > LOAD_MAX_NODES)
        f->weight = LOAD_MAX_NODES + 1;
    push_item(p, n);
}

static void add_anchor(Parser *p, const yaml_char_t *name, Node *n, long w)
{
    if (!name)
        return;
    if (p->nanchors == LOAD_MAX_ANCHORS) {
        diag_error(p->ds, n->loc, "alias-expansion",
                   "more than %d anchors in one document", LOAD_MAX_ANCHORS);
        p->failed = true;
        return;
    }
    if (p->nanchors == p->capanchors) {
        p->capanchors = p->capanchors ? p->capanchors * 2 : 16;
        p->anchors = xrealloc(p->anchors,
                              (size_t)p->capanchors * sizeof *p->anchors);
    }
    p->anchors[p->nanchors++] =
        (Anchor){arena_strdup(p->a, (const char *)name), n, w};
}

/* Is the next value attached a map's key? */
static bool key_next(const Parser *p)
{
    if (p->depth == 0)
        return false;
    const Frame *f = &p->stack[p->depth - 1];
    return f->node->kind == NODE_MAP && (p->nvals - f->base) % 2 == 0;
}

static void on_alias(Parser *p, const yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;
    Loc loc = span_loc(p, ev->start_mark, ev->end_mark);
    /* The latest definition wins, as YAML says; an anchor is registered
     * when its node ends, so a node cannot contain an alias to itself. */
    for (int i = p->nanchors - 1; i >= 0; i--) {
        if (strcmp(p->anchors[i].name, name))
            continue;
        Node *n = p->anchors[i].node;
        const char *key = key_next(p) && n->kind == NODE_SCALAR
                              ? arena_intern(p->text, n->str, strlen(n->str))
                              : NULL;
        if (key && key != n->str) {
            /* a value used as a key: keys are interned, so that equal
             * keys are the same pointer (check_duplicate_keys) */
            Node *k = arena_alloc(p->a, sizeof *k);
            *k = *n;
            k->str = key;
            n = k;
        }
        attach(p, n, p->anchors[i].weight);
        if (p->depth > 0)
            p->stack[p->depth - 1].aliased = true;
        return;
    }
    Diag *d = diag_error(p->ds, loc, "syntax", "unknown alias '*%s'", name);
    diag_help(p->ds, d, "define '&%s' on an earlier value first", name);
    p->failed = true;
}

/* A container's hint: its parent's and the key it is the value of (the
 * items of a list share their list's). */
static unsigned child_hint(const Parser *p)
{
    if (p->depth == 0)
        return 1;
    const Frame *f = &p->stack[p->depth - 1];
    if (f->node->kind != NODE_MAP || p->nvals == f->base)
        return f->hint * 31;
    uintptr_t key = (uintptr_t)p->vals[p->nvals - 1]->str; /* interned */
    return (f->hint ^ (unsigned)(key >> 3)) * 0x9E3779B1u;
}

/* A scalar's hint for arena_intern_hinted: its container's and its place
 * in it, so that a service file's keys and short values (its methods,
 * units, enum words) are found where the last file had them. */
static unsigned scalar_hint(const Parser *p)
{
    if (p->depth == 0)
        return 0;
    const Frame *f = &p->stack[p->depth - 1];
    return f->hint + (unsigned)(p->nvals - f->base) * 0x85EBCA6Bu;
}

static void on_scalar(Parser *p, const yaml_event_t *ev)
{
    Node *n = arena_alloc_uninit(p->a, sizeof *n); /* every field set */
    n->n = 0;
    n->loc = span_loc(p, ev->start_mark, ev->end_mark);
    size_t len = ev->data.scalar.length;
    const char *v = (const char *)ev->data.scalar.value;
    /* the file holds no NUL (load_spec.c checks): only an escape of a
     * double-quoted scalar makes one */
    if (ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE &&
        memchr(v, '\0', len)) {
        diag_error(p->ds, n->loc, "encoding",
                   "text contains a NUL character");
        p->failed = true;
        return;
    }
    n->kind = is_null_scalar(ev) ? NODE_NULL : NODE_SCALAR;
    n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
    /* a spec's keys are a few dozen words repeated in every file, and so
     * are its short values (methods, hosts, numbers, units, enum words):
     * stored once, they cost no bytes and their comparisons read the same
     * cache lines (at 10,000 services 0.9 MB, a peak 2 MB lower) */
    n->str = key_next(p) || len <= 7
                 ? arena_intern_hinted(p->text, v, len, scalar_hint(p))
                 : arena_strndup(p->text, v, len);
    attach(p, n, 1);
    add_anchor(p, ev->data.scalar.anchor, n, 1);
}

static void on_start(Parser *p, const yaml_event_t *ev, NodeKind kind,
                     const yaml_char_t *anchor)
{
    Node *n = arena_alloc(p->a, sizeof *n);
    n->kind = kind;
    n->loc = mark_loc(p, ev->start_mark);
    if (p->depth == LOAD_MAX_DEPTH) {
        Diag *d = diag_error(p->ds, n->loc, "nesting-too-deep",
                             "values are nested more than %d levels deep",
                             LOAD_MAX_DEPTH);
        diag_help(p->ds, d, "a spec never needs this depth; flatten it");
        p->failed = true;
        return;
    }
    unsigned hint = child_hint(p);
    p->stack[p->depth++] = (Frame){
        .node = n,
        .base = p->nvals,
        .weight = 1,
        .hint = hint,
        .anchor = anchor ? arena_strdup(p->a, (const char *)anchor) : NULL};
}

static void on_end(Parser *p)
{
    Frame f = p->stack[--p->depth];
    finish_container(p, &f);
    if (f.weight > LOAD_MAX_NODES && !f.aliased) {
        Diag *d = diag_error(p->ds, f.node->loc, "file-too-large",
                             "this value holds more than %d nodes, the "
                             "limit for one spec document",
                             LOAD_MAX_NODES);
        diag_help(p->ds, d, "split the spec: one file per service");
        p->failed = true;
        return;
    }
    if (f.weight > LOAD_MAX_NODES) {
        Diag *d = diag_error(p->ds, f.node->loc, "alias-expansion",
                             "this value expands to more than %d nodes "
                             "through aliases",
                             LOAD_MAX_NODES);
        diag_help(p->ds, d, "aliases that refer to aliases multiply; "
                            "write the shared value out instead");
        p->failed = true;
        return;
    }
    attach(p, f.node, f.weight);
    if (f.aliased && p->depth > 0)
        p->stack[p->depth - 1].aliased = true;
    if (f.anchor)
        add_anchor(p, (const yaml_char_t *)f.anchor, f.node, f.weight);
}

/* What to do about libyaml's commonest complaints (its words, 0.2.x),
 * which say what the parser met, not what the writer meant. */
static const struct {
    const char *problem, *help;
} syntax_help[] = {
    {"mapping values are not allowed",
     "a value holding ': ' must be quoted (name: \"Monzo: the bank\"), "
     "or a key is indented deeper than the keys beside it"},
    {"did not find expected key",
     "line this key up with the keys of its map (spaces only), or quote "
     "a value that starts with a character YAML reads as syntax"},
    {"did not find expected '-' indicator",
     "line this item up with the list's other '- ' items"},
    {"did not find expected ',' or '}'",
     "inside { }, quote a value holding '{', '}', '[', ']' or ', ' "
     "(path: \"/orders/{id}\")"},
    {"did not find expected ',' or ']'",
     "inside [ ], quote a value holding '{', '}', '[', ']' or ', '"},
    {"found character that cannot start any token",
     "quote the value: YAML reserves '@', '`' and '%' at its start"},
    {"found unexpected end of stream",
     "a quote or bracket is not closed: close it, or quote the whole value"},
    {"found unknown escape character",
     "in double quotes write a backslash as \\\\, or use single quotes"},
    {"could not find expected ':'",
     "a key ends with ': '; a value running over lines needs quotes"},
    {"block sequence entries are not allowed",
     "start the '- ' list on the line after its key, indented under it"},
};

static void report_parse_error(Parser *p, const yaml_parser_t *yp)
{
    size_t i = yp->error == YAML_READER_ERROR /* a control byte */
                   ? yp->problem_offset       /* in bytes */
                   : mark_offset(p, yp->problem_mark);
    Loc loc = loc_offset(p->src, i, 1);
    bool tab = yp->error == YAML_SCANNER_ERROR && i < p->src->len &&
               p->src->text[i] == '\t';
    if (tab) {
        Diag *d = diag_error(p->ds, loc, "tab-indent",
                             "tab character where YAML expects indentation");
        diag_help(p->ds, d, "YAML indents with spaces only; replace the tab");
        return;
    }
    Diag *d = diag_error(p->ds, loc, "syntax", "%s%s%s%s",
                         yp->problem ? yp->problem : "invalid YAML",
                         yp->context ? " " : "",
                         yp->context ? yp->context : "",
                         i >= p->src->len ? " (at the end of the file)" : "");
    for (size_t k = 0; yp->problem && k < sizeof syntax_help /
                                             sizeof *syntax_help; k++)
        if (strstr(yp->problem, syntax_help[k].problem)) {
            diag_help(p->ds, d, "%s", syntax_help[k].help);
            break;
        }
    if (!yp->context)
        return;
    Loc ctx = mark_loc(p, yp->context_mark);
    if (loc_line(ctx) != loc_line(loc))
        diag_note(p->ds, d, ctx, "the construct started here");
}

void load_yaml(Arena *a, Arena *tree, Diags *ds, const Source *src,
               Document **docs, int *ndocs)
{
    Frame stack[LOAD_MAX_DEPTH + 1]; /* not zeroed: 2.6 KB per file */
    Parser p = {.a = tree, .text = a, .ds = ds, .src = src, .stack = stack};
    p.ascii = is_ascii(src->text, src->len);
    yaml_parser_t yp;
    yaml_event_t ev;

    yaml_parser_initialize(&yp);
    yaml_parser_set_input_string(&yp, (const unsigned char *)src->text,
                                 src->len);
    yaml_parser_set_encoding(&yp, YAML_UTF8_ENCODING);
    for (;;) {
        if (!yaml_parser_parse(&yp, &ev)) {
            report_parse_error(&p, &yp);
            break;
        }
        yaml_event_type_t t = ev.type;
        switch (t) {
        case YAML_DOCUMENT_START_EVENT:
            p.root = NULL;
            p.nanchors = 0;
            p.failed = false;
            break;
        case YAML_DOCUMENT_END_EVENT:
            if (!p.failed && p.root) {
                if (p.ndocs == p.capdocs) {
                    p.capdocs = p.capdocs ? p.capdocs * 2 : 4;
                    p.docs = arena_grow(tree, p.docs, (size_t)p.ndocs,
                                        (size_t)p.capdocs, sizeof *p.docs);
                }
                p.docs[p.ndocs++] = (Document){p.root, src};
            }
            break;
        case YAML_SCALAR_EVENT:
            on_scalar(&p, &ev);
            break;
        case YAML_ALIAS_EVENT:
            on_alias(&p, &ev);
            break;
        case YAML_SEQUENCE_START_EVENT:
            on_start(&p, &ev, NODE_SEQ, ev.data.sequence_start.anchor);
            break;
        case YAML_MAPPING_START_EVENT:
            on_start(&p, &ev, NODE_MAP, ev.data.mapping_start.anchor);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            on_end(&p);
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
        if (t == YAML_STREAM_END_EVENT || p.failed)
            break;
    }
    yaml_parser_delete(&yp);
    free(p.vals);
    free(p.anchors);
    *docs = p.docs;
    *ndocs = p.ndocs;
}
