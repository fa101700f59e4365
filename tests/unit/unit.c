/* unit.c - unit tests of the base pieces: arena, strbuf, diagnostics,
 * edit distance, UTF-8, the YAML loader's limits, the decoder's units and
 * the output set written as it is made.
 * Prints "ok NAME" or "FAIL NAME: why" per test; tests/run.sh counts. */
#include "topoc/build.h"
#include "topoc/emit.h"
#include "topoc/graph.h"
#include "topoc/json.h"
#include "topoc/escape.h"
#include "topoc/load.h"
#include "topoc/openapi.h"
#include "topoc/report.h"
#include "topoc/routing.h"
#include "topoc/schema.h"
#include "topoc/strbuf.h"
#include "topoc/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

static int failed;
static const char *current;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            printf("FAIL %s: %s:%d: %s\n", current, __FILE__, __LINE__,      \
                   #cond);                                                   \
            failed = 1;                                                      \
            return;                                                          \
        }                                                                    \
    } while (0)

static void test_arena(void)
{
    Arena a;
    arena_init(&a);
    char *p = arena_alloc(&a, 10);
    CHECK(p[0] == 0 && p[9] == 0);
    CHECK(((uintptr_t)p % _Alignof(void *)) == 0);
    char *odd = arena_alloc(&a, 3);
    long long *ll = arena_alloc(&a, sizeof *ll);
    CHECK(odd != NULL && ((uintptr_t)ll % _Alignof(long long)) == 0);
    char *big = arena_alloc(&a, 1 << 20); /* larger than a chunk */
    big[(1 << 20) - 1] = 'x';
    CHECK(strcmp(arena_printf(&a, "%s-%d", "env", 7), "env-7") == 0);
    CHECK(strcmp(arena_strndup(&a, "abcdef", 3), "abc") == 0);
    int *v = arena_alloc(&a, 2 * sizeof *v);
    v[0] = 1, v[1] = 2;
    v = arena_grow(&a, v, 2, 4, sizeof *v);
    CHECK(v[0] == 1 && v[1] == 2 && v[3] == 0);
    arena_free(&a);
    CHECK(a.head == NULL);
}

static void test_strbuf(void)
{
    Strbuf sb = STRBUF_INIT;
    CHECK(sb.buf != NULL && sb.buf[0] == '\0');
    for (int i = 0; i < 1000; i++)
        sb_printf(&sb, "%d,", i);
    CHECK(sb.len == strlen(sb.buf));
    CHECK(strncmp(sb.buf, "0,1,2,", 6) == 0);
    sb_reset(&sb);
    CHECK(sb.len == 0 && sb.buf[0] == '\0');
    sb_add(&sb, "a\0b", 3); /* embedded NUL is kept by length */
    CHECK(sb.len == 3 && sb.buf[3] == '\0');
    sb_release(&sb);
    CHECK(sb.buf != NULL && sb.len == 0);
}

static void test_edit_distance(void)
{
    CHECK(edit_distance("region", "regoin", 10) == 1); /* transposition */
    CHECK(edit_distance("region", "regn", 10) == 2);
    CHECK(edit_distance("wbe", "web", 10) == 1);
    CHECK(edit_distance("production", "producton", 10) == 1);
    CHECK(edit_distance("", "abc", 10) == 3);
    CHECK(edit_distance("same", "same", 10) == 0);
    CHECK(edit_distance("abcdef", "uvwxyz", 3) == 3); /* capped */
    static const char *const envs[] = {"integration", "production"};
    CHECK(streq(closest_word("prodution", envs, 2), "production"));
    CHECK(closest_word("staging", envs, 2) == NULL);
    CHECK(closest_word("x", envs, 2) == NULL);
}

static void test_utf8(void)
{
    CHECK(utf8_invalid_at("plain", 5) == -1);
    CHECK(utf8_invalid_at("\xc3\xa9t\xc3\xa9", 6) == -1); /* été */
    CHECK(utf8_invalid_at("ab\xff", 3) == 2);
    CHECK(utf8_invalid_at("\xc0\xaf", 2) == 0);         /* overlong */
    CHECK(utf8_invalid_at("\xed\xa0\x80", 3) == 0);     /* surrogate */
    CHECK(utf8_invalid_at("\xe2\x82", 2) == 0);         /* truncated */
}

static void test_diag_dedup_and_order(void)
{
    Arena a;
    Diags ds;
    arena_init(&a);
    diags_init(&ds, &a);
    Source s1 = {"b.yaml", "x: 1\n", 5}, s2 = {"a.yaml", "y: 2\n", 5};
    diags_source(&ds, &s1);
    diags_source(&ds, &s2);
    CHECK(diag_error(&ds, loc_offset(&s1, 0, 1), "r", "m %d", 1) != NULL);
    CHECK(diag_error(&ds, loc_offset(&s1, 0, 1), "r", "m %d", 1) == NULL);
    diag_warning(&ds, loc_offset(&s2, 3, 1), "w", "later");
    diag_error(&ds, loc_offset(&s2, 0, 1), "r", "first");
    CHECK(ds.n == 3 && ds.nerrors == 2 && ds.nwarnings == 1);
    diags_sort(&ds);
    CHECK(strcmp(ds.v[0]->msg, "first") == 0);
    CHECK(strcmp(ds.v[1]->msg, "later") == 0);
    CHECK(strcmp(loc_src(ds.v[2]->loc)->path, "b.yaml") == 0);
    diags_free(&ds);
    arena_free(&a);
}

/* Parse text as a YAML source; returns errors recorded. */
static int parse(const char *text, Document **docs, int *n, Diags *ds,
                 Arena *a)
{
    Source *src = arena_alloc(a, sizeof *src);
    src->path = "t.yaml";
    src->text = text;
    src->len = strlen(text);
    diags_source(ds, src);
    source_index(a, src);
    load_yaml(a, a, ds, src, docs, n); /* nodes and text: one arena */
    return ds->nerrors;
}

static void test_yaml_positions(void)
{
    Arena a;
    Diags ds;
    Document *docs;
    int n;
    arena_init(&a);
    diags_init(&ds, &a);
    CHECK(parse("a:\n  b: 'x'\n---\nc: [1, 2]\n", &docs, &n, &ds, &a) == 0);
    CHECK(n == 2);
    Node *b = node_get(node_get(docs[0].root, "a"), "b");
    CHECK(b && loc_line(b->loc) == 2 && loc_col(b->loc) == 6 && b->quoted);
    Node *c = node_get(docs[1].root, "c");
    CHECK(c && c->kind == NODE_SEQ && c->n == 2);
    CHECK(loc_line(c->items[1]->loc) == 4 && loc_col(c->items[1]->loc) == 8);
    /* the same positions past multi-byte characters (a mark's byte
     * offset is walked, not its index as in an ASCII file) */
    CHECK(parse("\xc3\xa9: 1\nb: ['\xe2\x82\xac', x]\n", &docs, &n, &ds,
                &a) == 0);
    Node *x = node_get(docs[0].root, "b");
    CHECK(x && loc_line(x->items[1]->loc) == 2 &&
          loc_col(x->items[1]->loc) == 10);
    diags_free(&ds);
    arena_free(&a);
}

/* Line and column from a Loc's byte offset, at every character of a text
 * with each line break libyaml knows, multi-byte characters and a line
 * longer than the column checkpoints' step, against a walk that counts
 * as libyaml's marks do. */
static void test_loc_positions(void)
{
    Strbuf sb = STRBUF_INIT;
    sb_puts(&sb, "a\r\nb\rc\xc2\x85"
                 "d\xe2\x80\xa8"
                 "e\xe2\x80\xa9\xc3\xa9x\n");
    for (int i = 0; i < 700; i++)
        sb_puts(&sb, i % 3 ? "y" : "\xc3\xa9");
    sb_puts(&sb, "\nz");
    Arena a;
    Diags ds;
    arena_init(&a);
    diags_init(&ds, &a);
    /* lazy: indexed on the first position asked for (load_source does
     * not index); src: indexed when made (source_index) */
    Source lazy = {"l.yaml", sb.buf, sb.len, NULL, 0};
    Source src = {"t.yaml", sb.buf, sb.len, NULL, 0};
    diags_source(&ds, &src);
    diags_source(&ds, &lazy); /* its id is given back last: reused first */
    source_index(&a, &src);
    const unsigned char *t = (const unsigned char *)sb.buf;
    int line = 1, col = 1;
    for (size_t i = 0; i <= sb.len; i++) {
        if (i < sb.len && (t[i] & 0xC0) == 0x80)
            continue; /* inside a character */
        Loc l = loc_offset(&src, i, 1), m = loc_offset(&lazy, i, 1);
        CHECK(loc_src(l) == &src && loc_line(l) == line && loc_col(l) == col);
        CHECK(loc_line(m) == line && loc_col(m) == col);
        size_t brk = t[i] == '\r' && t[i + 1] == '\n'   ? 2
                     : t[i] == '\r' || t[i] == '\n'     ? 1
                     : t[i] == 0xC2 && t[i + 1] == 0x85 ? 2
                     : t[i] == 0xE2 && t[i + 1] == 0x80 &&
                             (t[i + 2] == 0xA8 || t[i + 2] == 0xA9)
                         ? 3
                         : 0;
        if (brk)
            line++, col = 1, i += brk - 1;
        else
            col++;
    }
    size_t n;
    const char *d = source_line(&src, 4, &n);
    CHECK(d && n == 1 && *d == 'd' && src.nlines == 8);
    d = source_line(&lazy, 4, &n);
    CHECK(d && n == 1 && *d == 'd' && !lazy.nlines); /* its own, unchanged */
    CHECK(!loc_src((Loc){0}) && loc_line(loc_file(&src)) == 0);
    diags_free(&ds); /* the id is given back, and taken by the next */
    Source other = {"u.yaml", "x\ny", 3, NULL, 0};
    diags_init(&ds, &a);
    diags_source(&ds, &other);
    CHECK(other.id == lazy.id && loc_src(loc_offset(&other, 0, 1)) == &other);
    /* the index made for the id went with it: the next source with that
     * id is indexed as itself (lazy's would put offset 2 on line 1) */
    CHECK(loc_line(loc_offset(&other, 2, 1)) == 2 &&
          loc_col(loc_offset(&other, 2, 1)) == 1);
    diags_free(&ds);
    arena_free(&a);
    sb_release(&sb);
}

/* node_copy keeps what aliases share shared (copied once), in a tree
 * small enough for its first memo and in one that outgrows it. */
static void test_node_copy(void)
{
    for (int items = 3; items <= 300; items += 297) {
        Arena a;
        Diags ds;
        Document *docs;
        int n;
        arena_init(&a);
        diags_init(&ds, &a);
        Strbuf sb = STRBUF_INIT;
        sb_puts(&sb, "a: &x {k: [1, 2]}\nb: *x\nc: [");
        for (int i = 0; i < items; i++)
            sb_printf(&sb, "%s*x, v%d", i ? ", " : "", i);
        sb_puts(&sb, "]\n");
        CHECK(parse(sb.buf, &docs, &n, &ds, &a) == 0 && n == 1);
        const Node *root = docs[0].root;
        Node *c = node_copy(&a, root);
        const Node *x = node_get(c, "a"), *list = node_get(c, "c");
        CHECK(c != root && x && x != node_get(root, "a"));
        CHECK(node_get(c, "b") == x && list && list->n == 2 * items);
        for (int i = 0; list && i < list->n; i += 2)
            CHECK(list->items[i] == x &&
                  !strcmp(list->items[i + 1]->str,
                          node_get(root, "c")->items[i + 1]->str) &&
                  list->items[i + 1] != node_get(root, "c")->items[i + 1]);
        CHECK(x && node_get(x, "k")->n == 2 &&
              !strcmp(node_get(x, "k")->items[1]->str, "2"));
        Node *s = node_copy(&a, node_get(x, "k")->items[0]);
        CHECK(s && s->kind == NODE_SCALAR && !strcmp(s->str, "1"));
        sb_release(&sb);
        diags_free(&ds);
        arena_free(&a);
    }
}

static void test_yaml_limits(void)
{
    Arena a;
    Diags ds;
    Document *docs;
    int n;
    arena_init(&a);
    diags_init(&ds, &a);
    Strbuf deep = STRBUF_INIT;
    for (int i = 0; i < 100; i++)
        sb_putc(&deep, '[');
    CHECK(parse(deep.buf, &docs, &n, &ds, &a) == 1);
    CHECK(strcmp(ds.v[0]->rule, "nesting-too-deep") == 0);
    sb_release(&deep);

    diags_free(&ds);
    diags_init(&ds, &a);
    const char *bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                       "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                       "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                       "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                       "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                       "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
    CHECK(parse(bomb, &docs, &n, &ds, &a) == 1);
    CHECK(strcmp(ds.v[0]->rule, "alias-expansion") == 0);

    diags_free(&ds);
    diags_init(&ds, &a);
    CHECK(parse("a: 1\nb: 2\na: 3\n", &docs, &n, &ds, &a) == 1);
    CHECK(strcmp(ds.v[0]->rule, "duplicate-key") == 0);
    CHECK(loc_line(ds.v[0]->loc) == 3 && loc_line(ds.v[0]->subs[0].loc) == 1);

    /* keys compare as interned pointers: a long value aliased as a key
     * repeats a written key all the same, in small maps and large */
    for (int keys = 2; keys <= 40; keys += 38) {
        Strbuf sb = STRBUF_INIT;
        sb_puts(&sb, "v: &k a-long-key-name\na-long-key-name: 1\n");
        for (int i = 2; i < keys; i++)
            sb_printf(&sb, "k%d: 1\n", i);
        sb_puts(&sb, "*k : 2\n");
        diags_free(&ds);
        diags_init(&ds, &a);
        CHECK(parse(sb.buf, &docs, &n, &ds, &a) == 1);
        CHECK(ds.n == 1 && strcmp(ds.v[0]->rule, "duplicate-key") == 0);
        sb_release(&sb);
    }
    diags_free(&ds);
    arena_free(&a);
}

/* Decode `runtime: {...}` through the service schema's runtime field. */
static const Runtime *runtime_of(const char *yaml, Diags *ds, Arena *a)
{
    Document *docs;
    int n;
    if (parse(yaml, &docs, &n, ds, a) || n != 1)
        return NULL;
    const Service *s = schema_decode(a, ds, &schema_service, docs[0].root);
    return s ? s->runtime : NULL;
}

static void test_decode_units(void)
{
    Arena a;
    Diags ds;
    arena_init(&a);
    diags_init(&ds, &a);
    const Runtime *r = runtime_of("service: s\nkind: api\nteam: t\n"
                                  "runtime: {image: i, cpu: 0.25, "
                                  "memory: 512Mi}\n",
                                  &ds, &a);
    CHECK(ds.nerrors == 0 && r);
    CHECK(r->cpu.v == 250 && r->memory.v == 512LL << 20);
    CHECK(r->port.v == 8080 && r->port.loc.set); /* default applied */
    r = runtime_of("service: s\nkind: api\nteam: t\n"
                   "runtime: {image: i, cpu: 1500m, memory: 2GB}\n",
                   &ds, &a);
    CHECK(ds.nerrors == 0 && r->cpu.v == 1500 && r->memory.v == 2LL << 30);
    r = runtime_of("service: s\nkind: api\nteam: t\n"
                   "runtime: {image: i, cpu: 0.0001}\n",
                   &ds, &a);
    CHECK(ds.nerrors == 1 && strcmp(ds.v[0]->rule, "type-mismatch") == 0);
    diags_free(&ds);
    arena_free(&a);
}

/* A note quoting a long value is cut on a character boundary, control
 * characters and bad bytes are escaped, and every report is still
 * written (no "out of memory" from a string jansson refuses). */
static void test_diag_hostile_text(void)
{
    Arena a;
    Diags ds;
    arena_init(&a);
    diags_init(&ds, &a);
    Source src = {"\x1b[31m::error::bad\xff.yaml", "x: 1\n", 5, NULL, 0};
    diags_source(&ds, &src);
    Strbuf big = STRBUF_INIT;
    for (int i = 0; i < 700; i++)
        sb_puts(&big, "\xc3\xa9"); /* é: 1,400 bytes */
    Diag *d = diag_error(&ds, loc_offset(&src, 0, 1), "syntax", "bad \x07%s",
                         "\xc2\x9b"
                         "31m");
    diag_note(&ds, d, (Loc){0}, "value %s", big.buf);
    diag_help(&ds, d, "line\nbreak \x1b]0;title\x07");
    CHECK(utf8_invalid_at(d->msg, strlen(d->msg)) < 0);
    CHECK(strstr(d->msg, "\\x07") && strstr(d->msg, "\\xc2\\x9b"));
    const char *note = d->subs[0].msg;
    CHECK(utf8_invalid_at(note, strlen(note)) < 0 && strlen(note) <= 1024);
    CHECK(strcmp(note + strlen(note) - 3, "...") == 0);
    CHECK(!strchr(d->subs[1].msg, '\n') && !strchr(d->subs[1].msg, '\x1b'));
    Strbuf out = STRBUF_INIT;
    report_json(&ds, &out);
    char err[128];
    JsonVal *v = jv_parse(out.buf, out.len, err, sizeof err);
    CHECK(v != NULL);
    jv_free(v);
    sb_reset(&out);
    report_sarif(&ds, "test", &out);
    CHECK(out.len > 0 && utf8_invalid_at(out.buf, out.len) < 0);
    sb_reset(&out);
    report_junit(&ds, &out);
    CHECK(out.len > 0 && utf8_invalid_at(out.buf, out.len) < 0 &&
          !strchr(out.buf, '\x1b'));
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    diags_print_text(&ds, f, false);
    fclose(f);
    CHECK(!strchr(text, '\x1b') && !strchr(text, '\a'));
    CHECK(strncmp(text, "./", 2) == 0 || text[0] != ':');
    CHECK(!strstr(text, "\n::"));
    free(text);
    sb_release(&out);
    sb_release(&big);
    diags_free(&ds);
    arena_free(&a);
}

/* The layout budget holds whatever the graph: 300 nodes with 1,200
 * labelled edges at random (dot needs minutes for less) are packed by osage
 * in well under a generous bound, and say so; a label of 50,000 lines
 * reaches Graphviz clipped. */
static void test_layout_budget(void)
{
    Arena a;
    arena_init(&a);
    Graph g;
    pic_init(&g, &a, "dense");
    enum { N = 300, E = 1200 };
    for (int i = 0; i < N; i++)
        pic_node(&g, arena_printf(&a, "n%03d", i),
                 i ? arena_printf(&a, "node %d", i) : NULL);
    Strbuf tall = STRBUF_INIT;
    for (int i = 0; i < 50000; i++)
        sb_puts(&tall, "line\n");
    g.nodes[0].label = arena_strdup(&a, tall.buf);
    sb_release(&tall);
    unsigned x = 12345;
    for (int i = 0; i < E; i++) {
        x = x * 1103515245u + 12345u;
        int from = (int)(x >> 8) % N;
        x = x * 1103515245u + 12345u;
        GEdge *e = pic_edge(&g, g.nodes[from].id, g.nodes[(x >> 8) % N].id);
        e->label = "7";
    }
    CHECK(pic_cost(&g) > PIC_COST_BOUNDED);
    pic_sort(&g);
    Renderer *r = pic_renderer_new();
    Strbuf dot = STRBUF_INIT, svg = STRBUF_INIT;
    char err[256];
    time_t t0 = time(NULL);
    int rc = pic_render(r, &g, &dot, &svg, NULL, err, sizeof err, NULL);
    time_t secs = time(NULL) - t0;
    pic_renderer_free(r);
    CHECK(rc == 0 && secs < 60);
    CHECK(strstr(svg.buf, "packed by group") != NULL);
    /* a few lines, then an ellipsis: not the 250 KB of the label */
    CHECK(strstr(dot.buf, "line...\"") != NULL);
    CHECK(dot.len < 60000);
    sb_release(&dot);
    sb_release(&svg);
    arena_free(&a);
}

/* Markdown for MkDocs and MDX: nothing a value holds opens a tag, an
 * expression, a cell, a directive, a heading or a second line. */
static void test_escape_markdown(void)
{
    static const char *const cases[][2] = {
        {"a<b>{c}|d", "a&#60;b&#62;&#123;c&#125;&#124;d"},
        {"re:Invent, none: x", "re&#58;Invent, none: x"},
        {"# x\n- y", "&#35; x - y"},
        {"[x](javascript:y) `z` *w* _v_ ~u~ &amp;",
         "&#91;x&#93;(javascript&#58;y) &#96;z&#96; &#42;w&#42; &#95;v&#95; "
         "&#126;u&#126; &#38;amp;"},
        {"a\x01" "b", "a&#9217;b"},
        {"Usage-based billing.", "Usage-based billing."},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Strbuf sb = STRBUF_INIT;
        escape_markdown(&sb, cases[i][0], strlen(cases[i][0]));
        if (strcmp(sb.buf, cases[i][1]) != 0)
            fprintf(stderr, "  got %s\n", sb.buf);
        CHECK(strcmp(sb.buf, cases[i][1]) == 0);
        sb_release(&sb);
    }
    Strbuf sb = STRBUF_INIT; /* '.' starts a line only at the start */
    sb_puts(&sb, "x");
    escape_markdown(&sb, ".", 1);
    CHECK(strcmp(sb.buf, "x.") == 0);
    sb_release(&sb);
}

/* route_index finds every route that relates to a route, exactly (with
 * constraints) and structurally (parameters as [^/]+), over every path of
 * up to three segments from a small alphabet, with and without a final
 * '**'; and it leaves out routes that differ in a literal. */
static const char *const index_segs[] = {"a", "b", "1", "{p}", "x{p}",
                                         "{n}"};

static int index_table(Arena *a, bool constrained, RouteEntry *v)
{
    static KeyVal kv = {.key = {"n", {0}}, .value = {"[0-9]+", {0}}};
    static void *params[] = {&kv};
    SegCache *cache = segment_cache(a);
    int n = 0;
    for (int len = 0; len <= 3; len++) {
        int combos = 1;
        for (int k = 0; k < len; k++)
            combos *= 6;
        for (int c = 0; c < combos; c++)
            for (int rest = 0; rest < 2; rest++) {
                Strbuf sb = STRBUF_INIT;
                for (int k = 0, x = c; k < len; k++, x /= 6)
                    sb_printf(&sb, "/%s", index_segs[x % 6]);
                if (rest)
                    sb_puts(&sb, "/**");
                if (!sb.len)
                    sb_putc(&sb, '/');
                Route *r = arena_alloc(a, sizeof *r);
                r->path.s = arena_strdup(a, sb.buf);
                r->params.v = params;
                r->params.n = constrained ? 1 : 0;
                v[n] = (RouteEntry){.r = r, .cache = cache};
                route_parse(a, &v[n++]);
                sb_release(&sb);
            }
    }
    return n;
}

static bool index_has(const RouteSet *s, int j)
{
    for (int k = 0; k < s->n; k++)
        if (s->v[k] == j)
            return true;
    return false;
}

static void test_route_index(void)
{
    Arena a;
    arena_init(&a);
    RouteSet near = {0}, at = {0};
    int nfound = 0, npairs = 0;
    for (int constrained = 0; constrained < 2; constrained++) {
        RouteEntry *v = arena_alloc(&a, 600 * sizeof *v);
        int n = index_table(&a, constrained, v);
        RouteIndex *ix = route_index(&a, v, n);
        for (int i = 0; i < n; i++) {
            route_index_query(ix, &v[i], &near);
            for (int k = 1; k < near.n; k++)
                CHECK(near.v[k - 1] < near.v[k]);
            /* a route of the index, asked by its place: the same set */
            route_index_query_at(ix, i, &at);
            CHECK(at.n == near.n &&
                  !memcmp(at.v, near.v, (size_t)near.n * sizeof *near.v));
            for (int j = 0; j < n; j++)
                if (route_relate(&v[i], &v[j]) != REL_NONE) {
                    npairs++;
                    CHECK(index_has(&near, j));
                }
            nfound += near.n;
            if (strcmp(v[i].r->path.s, "/a/a") == 0)
                for (int j = 0; j < n; j++)
                    if (strcmp(v[j].r->path.s, "/b/b") == 0)
                        CHECK(!index_has(&near, j));
        }
    }
    CHECK(npairs > 0 && nfound < 4 * npairs); /* it prunes */
    free(near.v);
    free(at.v);
    arena_free(&a);
}

static const char *oa_cons(Arena *a, const char *schema)
{
    char err[200];
    JsonVal *v = jv_parse(schema, strlen(schema), err, sizeof err);
    const char *c = v ? openapi_constraint(a, v, v) : "(not JSON)";
    jv_free(v);
    return c;
}

/* A parameter schema's values in the constraint language, or NULL (any
 * segment) where the language cannot say them. */
static void test_openapi_constraints(void)
{
    Arena a;
    arena_init(&a);
    const char *c = oa_cons(&a, "{\"type\": \"string\", \"format\": \"uuid\"}");
    CHECK(c && !strncmp(c, "[0-9a-fA-F]{8}-", 15));
    CHECK(!oa_cons(&a, "{\"type\": \"string\"}"));
    c = oa_cons(&a, "{\"type\": \"integer\", \"minimum\": 0}");
    CHECK(c && !strcmp(c, "[0-9]+"));
    c = oa_cons(&a, "{\"type\": \"integer\"}");
    CHECK(c && !strcmp(c, "-?[0-9]+"));
    c = oa_cons(&a, "{\"enum\": [\"a-b\", \"c\", 7]}");
    CHECK(c && !strcmp(c, "a\\x2db|c|7"));
    CHECK(!oa_cons(&a, "{\"enum\": [\"a/b\"]}")); /* no segment holds it */
    c = oa_cons(&a, "{\"type\": \"string\", \"pattern\": \"^[a-z]{2,4}$\"}");
    CHECK(c && !strcmp(c, "[a-z]{2,4}"));
    CHECK(!oa_cons(&a, "{\"type\": \"string\", \"pattern\": \"[a-z]+\"}"));
    CHECK(!oa_cons(&a, "{\"type\": \"string\", \"pattern\": \"^(a|aa)+$\"}"));
    c = oa_cons(&a, "{\"oneOf\": [{\"type\": \"string\", \"format\": "
                    "\"uuid\"}, {\"enum\": [\"latest\"]}]}");
    CHECK(c && strstr(c, ")|(?:latest)"));
    c = oa_cons(&a, "{\"type\": \"string\", \"maxLength\": 8}");
    CHECK(c && !strcmp(c, "[^/]{1,8}"));
    CHECK(!oa_cons(&a, "{\"$ref\": \"#\"}")); /* a cycle ends */
    CHECK(!oa_cons(&a, "{\"$ref\": \"#/nowhere\"}"));
    arena_free(&a);
}

static bool file_is(const char *dir, const char *rel, const char *want)
{
    char path[512], buf[64] = "";
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strcmp(buf, want) == 0;
}

static int staging_left(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += strstr(e->d_name, ".topoc-") != NULL;
    if (d)
        closedir(d);
    return n;
}

/* The output set written as it is made: nothing shows before the commit,
 * a copy is a second name written once, a path added again gets a new file
 * (its copy keeps what it had), and a set never committed leaves nothing. */
static void test_output_stream(void)
{
    char tmp[] = "/tmp/topoc-unit-XXXXXX", out[64], path[128];
    CHECK(mkdtemp(tmp) != NULL);
    snprintf(out, sizeof out, "%s/out", tmp);
    Outputs o = {0};
    Strbuf sb = STRBUF_INIT;
    CHECK(out_begin(&o, out) == 0);
    sb_puts(&sb, "one");
    out_add(&o, "a/x.svg", &sb);
    out_add_copy(&o, "b/x.svg", "a/x.svg");
    size_t len = 0;
    char *back = out_read(&o, "b/x.svg", &len);
    CHECK(back && len == 3 && !strcmp(back, "one"));
    free(back);
    CHECK(out_find(&o, "a/x.svg")->data == NULL); /* not held */
    struct stat st;
    CHECK(stat(out, &st) != 0); /* nothing visible yet */
    sb_puts(&sb, "two");
    out_add(&o, "a/x.svg", &sb);
    CHECK(out_commit(&o, 0) == 0);
    CHECK(file_is(out, "a/x.svg", "two") && file_is(out, "b/x.svg", "one"));
    CHECK(staging_left(tmp) == 0);
    out_free(&o);
    CHECK(out_begin(&o, out) == 0);
    sb_puts(&sb, "three");
    out_add(&o, "c.txt", &sb);
    CHECK(staging_left(tmp) == 1);
    out_free(&o); /* not committed: the folder stays as it was */
    CHECK(staging_left(tmp) == 0 && file_is(out, "b/x.svg", "one"));
    snprintf(path, sizeof path, "%s/c.txt", out);
    CHECK(access(path, F_OK) != 0);
    snprintf(path, sizeof path, "rm -rf '%s'", tmp);
    CHECK(system(path) == 0);
}

int main(void)
{
    static const struct {
        const char *name;
        void (*fn)(void);
    } tests[] = {
        {"arena", test_arena},
        {"strbuf", test_strbuf},
        {"edit-distance", test_edit_distance},
        {"utf8", test_utf8},
        {"diag-dedup-and-order", test_diag_dedup_and_order},
        {"yaml-positions", test_yaml_positions},
        {"loc-positions", test_loc_positions},
        {"yaml-limits", test_yaml_limits},
        {"node-copy", test_node_copy},
        {"decode-units", test_decode_units},
        {"diag-hostile-text", test_diag_hostile_text},
        {"layout-budget", test_layout_budget},
        {"escape-markdown", test_escape_markdown},
        {"route-index", test_route_index},
        {"openapi-constraints", test_openapi_constraints},
        {"output-stream", test_output_stream},
    };
    int nfailed = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        current = tests[i].name;
        failed = 0;
        tests[i].fn();
        if (failed)
            nfailed++;
        else
            printf("ok %s\n", tests[i].name);
    }
    return nfailed ? 1 : 0;
}
