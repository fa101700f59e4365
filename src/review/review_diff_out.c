/* review_diff_out.c - diff's findings and generated files, and the three
 * renderings of its change list: text for a terminal, Markdown for a
 * pull-request comment (a summary table first, each section folded in a
 * <details>), and JSON (the list itself, with a summary of counts).
 */
#include "topoc/json.h"
#include "topoc/review.h"
#include "topoc/util.h"

#include "review_diff.h"

#include <stdlib.h>
#include <string.h>

/* Classes in the order they are summarised. */
static const char *const classes[] = {
    "services", "routes",    "traffic",      "waf",      "rate-limits",
    "scaling",  "alerts",    "dependencies", "store-uses", "platform",
    "findings", "files",     NULL};

static void add(Diff *d, const char *cls, const char *change,
                const char *subject, const char *detail)
{
    JsonVal *o = jv_obj();
    jv_set(o, "class", jv_str(cls));
    jv_set(o, "change", jv_str(change));
    jv_set(o, "subject", jv_str(subject));
    if (detail)
        jv_set(o, "detail", jv_str(detail));
    jv_push(d->items, o);
}

/* ---- findings: the rules' results, matched by rule, target, message ---- */

static const char *finding_key(Arena *a, const Diag *g)
{
    return arena_printf(a, "%s|%s|%s", g->rule, g->target ? g->target : "",
                        g->msg);
}

static bool counted(const Diag *g)
{
    return !g->suppressed && g->sev != SEV_NOTE;
}

static void finding_item(Diff *d, const Diag *g, const char *change)
{
    const char *at =
        loc_src(g->loc)
            ? arena_printf(d->a, "%s:%d:%d", loc_src(g->loc)->path,
                           loc_line(g->loc), loc_col(g->loc))
            : "";
    JsonVal *o = jv_obj();
    jv_set(o, "class", jv_str("findings"));
    jv_set(o, "change", jv_str(change));
    jv_set(o, "subject", jv_str(g->rule));
    jv_set(o, "detail",
           jv_str(arena_printf(d->a, "%s %s: %s",
                               g->sev == SEV_ERROR ? "error" : "warning", at,
                               g->msg)));
    jv_set(o, "severity", jv_str(g->sev == SEV_ERROR ? "error" : "warning"));
    if (g->target)
        jv_set(o, "target", jv_str(g->target));
    jv_set(o, "at", jv_str(at));
    jv_set(o, "message", jv_str(g->msg));
    jv_push(d->items, o);
}

/* The counted findings of ds and their keys. */
static int counted_keys(Arena *a, const Diags *ds, const Diag ***gs,
                        const char ***keys)
{
    int n = 0;
    *gs = arena_alloc(a, ((size_t)ds->n + 1) * sizeof **gs);
    *keys = arena_alloc(a, ((size_t)ds->n + 1) * sizeof **keys);
    for (int i = 0; i < ds->n; i++)
        if (counted(ds->v[i])) {
            (*gs)[n] = ds->v[i];
            (*keys)[n++] = finding_key(a, ds->v[i]);
        }
    return n;
}

/* Paired as many to as many: the same finding twice before and once after
 * is one fixed. */
static void findings(Diff *d, const Diags *old, const Diags *new)
{
    const Diag **ga, **gb;
    Pairing p = {0};
    p.na = counted_keys(d->a, old, &ga, &p.ka);
    p.nb = counted_keys(d->a, new, &gb, &p.kb);
    p.pa = arena_alloc(d->a, ((size_t)p.na + 1) * sizeof *p.pa);
    p.pb = arena_alloc(d->a, ((size_t)p.nb + 1) * sizeof *p.pb);
    pairing_clear(&p);
    pair_entries(&p);
    for (int k = 0; k < p.nb; k++)
        if (p.pb[k] < 0)
            finding_item(d, gb[k], "new");
    for (int i = 0; i < p.na; i++)
        if (p.pa[i] < 0)
            finding_item(d, ga[i], "fixed");
}

/* ---- generated files ---- */

static int path_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void files(Diff *d, const Outputs *a, const Outputs *b)
{
    int n = a->n + b->n, k = 0;
    const char **paths = malloc(((size_t)n + 1) * sizeof *paths);
    for (int i = 0; i < a->n; i++)
        paths[k++] = a->v[i].path;
    for (int i = 0; i < b->n; i++)
        if (!out_find(a, b->v[i].path))
            paths[k++] = b->v[i].path;
    qsort(paths, (size_t)k, sizeof *paths, path_cmp);
    for (int i = 0; i < k; i++) {
        const OutFile *x = out_find(a, paths[i]), *y = out_find(b, paths[i]);
        if (!y)
            add(d, "files", "removed", paths[i], NULL);
        else if (!x)
            add(d, "files", "added", paths[i], NULL);
        else if (x->len != y->len || memcmp(x->data, y->data, x->len))
            add(d, "files", "changed", paths[i], NULL);
    }
    free(paths);
}

/* ---- rendering ---- */

static const char *get(const JsonVal *o, const char *key)
{
    const char *s = jv_string(jv_get(o, key));
    return s ? s : "";
}

/* "services: 1 added, 2 changed; routes: ..." */
static void summary_text(const JsonVal *items, Strbuf *out, JsonVal *json)
{
    static const char *const changes[] = {
        "added", "removed", "changed", "retargeted", "moved", "new", "fixed",
        NULL};
    bool first = true;
    for (int c = 0; classes[c]; c++) {
        bool any = false;
        JsonVal *per = jv_obj();
        for (int k = 0; changes[k]; k++) {
            int n = 0;
            for (int i = 0; i < jv_len(items); i++)
                n += !strcmp(get(jv_at(items, i), "class"), classes[c]) &&
                     !strcmp(get(jv_at(items, i), "change"), changes[k]);
            if (!n)
                continue;
            jv_set(per, changes[k], jv_int(n));
            if (any)
                sb_printf(out, ", %d %s", n, changes[k]);
            else
                sb_printf(out, "%s%s: %d %s", first ? "" : "; ", classes[c],
                          n, changes[k]);
            any = true;
            first = false;
        }
        if (any && json)
            jv_set(json, classes[c], per);
        else
            jv_free(per);
    }
    if (first)
        sb_puts(out, "no changes");
}

/* The section an item belongs to: platform, an environment, findings,
 * files. */
static const char *section(const JsonVal *it)
{
    const char *cls = get(it, "class");
    if (!strcmp(cls, "findings") || !strcmp(cls, "files"))
        return cls;
    const char *env = get(it, "environment");
    return *env ? env : "platform";
}

static int sections(const JsonVal *items, const char **out)
{
    int n = 0;
    for (int i = 0; i < jv_len(items); i++) {
        const char *s = section(jv_at(items, i));
        bool seen = false;
        for (int k = 0; k < n && !seen; k++)
            seen = !strcmp(out[k], s);
        if (!seen && n < 64)
            out[n++] = s;
    }
    return n;
}

static void render_text(const JsonVal *items, const char *head, Strbuf *out)
{
    sb_printf(out, "%s\n", head);
    const char *secs[64];
    int ns = sections(items, secs);
    for (int s = 0; s < ns; s++) {
        sb_printf(out, "%s\n", secs[s]);
        for (int i = 0; i < jv_len(items); i++) {
            const JsonVal *it = jv_at(items, i);
            if (strcmp(section(it), secs[s]))
                continue;
            const char *detail = get(it, "detail");
            sb_printf(out, "  %-12s %-10s %s%s%s\n", get(it, "class"),
                      get(it, "change"), get(it, "subject"),
                      *detail ? "  " : "", detail);
        }
    }
}

/* Table cells: '|' would end the cell, a newline the row. */
static void md_cell(const char *s, bool code, Strbuf *out)
{
    if (code)
        sb_putc(out, '`');
    for (; *s; s++) {
        if (!code && s[0] == '-' && s[1] == '>') {
            sb_puts(out, "\u2192"); /* an arrow, not an HTML tag's end */
            s++;
        } else if (*s == '|')
            sb_puts(out, "\\|");
        else if (*s == '\n' || (code && *s == '`'))
            sb_putc(out, ' ');
        else if (!code && strchr("<*_[]`\\", *s))
            sb_printf(out, "\\%c", *s);
        else
            sb_putc(out, *s);
    }
    if (code)
        sb_putc(out, '`');
}

static void render_markdown(const JsonVal *items, const char *head,
                            Strbuf *out)
{
    sb_puts(out, "### topoc diff\n\n| | |\n|---|---|\n");
    /* the summary, a row per class: "services: 1 added, 2 changed; ..." */
    for (const char *p = head; *p;) {
        size_t n = strcspn(p, ";"), k = strcspn(p, ":");
        char *row = strndup(p, n);
        row[k < n ? k : n] = '\0';
        sb_puts(out, "| ");
        md_cell(row, false, out);
        sb_puts(out, " | ");
        md_cell(k < n ? row + k + 2 : "", false, out);
        sb_puts(out, " |\n");
        free(row);
        p += n;
        while (*p == ';' || *p == ' ')
            p++;
    }
    const char *secs[64];
    int ns = sections(items, secs);
    for (int s = 0; s < ns; s++) {
        int n = 0;
        for (int i = 0; i < jv_len(items); i++)
            n += !strcmp(section(jv_at(items, i)), secs[s]);
        sb_printf(out, "\n<details><summary>%s: %d change%s</summary>\n\n"
                       "| class | change | what | detail |\n"
                       "|---|---|---|---|\n",
                  secs[s], n, n == 1 ? "" : "s");
        for (int i = 0; i < jv_len(items); i++) {
            const JsonVal *it = jv_at(items, i);
            if (strcmp(section(it), secs[s]))
                continue;
            sb_printf(out, "| %s | %s | ", get(it, "class"),
                      get(it, "change"));
            md_cell(get(it, "subject"), true, out);
            sb_puts(out, " | ");
            md_cell(get(it, "detail"), false, out);
            sb_puts(out, " |\n");
        }
        sb_puts(out, "\n</details>\n");
    }
}

int review_diff(Compilation *old, Compilation *new, ReviewFormat fmt,
                Strbuf *out)
{
    Diff d = {.a = &new->arena, .items = jv_arr()};
    const Model *a = old->model, *b = new->model;
    diff_platform(&d, a, b);
    for (int i = 0; i < b->nenvs; i++)
        for (int k = 0; k < a->nenvs; k++)
            if (streq(a->envs[k].env->name.s, b->envs[i].env->name.s))
                diff_env_models(&d, &a->envs[k], &b->envs[i]);
    findings(&d, &old->diags, &new->diags);
    if (old->outputs.n && new->outputs.n)
        files(&d, &old->outputs, &new->outputs);
    int n = jv_len(d.items);
    Strbuf head = STRBUF_INIT;
    if (fmt == RFMT_TEXT)
        sb_puts(&head, "topoc diff: ");
    JsonVal *sum = jv_obj();
    summary_text(d.items, &head, sum);
    if (fmt == RFMT_JSON) {
        JsonVal *root = jv_obj();
        jv_set(root, "format", jv_str("topoc-diff"));
        jv_set(root, "version", jv_int(1));
        jv_set(root, "summary", sum);
        jv_set(root, "files-compared",
               jv_bool(old->outputs.n && new->outputs.n));
        jv_set(root, "changes", d.items);
        jv_write(root, out);
        jv_free(root);
    } else {
        jv_free(sum);
        if (!(old->outputs.n && new->outputs.n))
            sb_puts(&head, " (generated files not compared: a side has "
                           "errors)");
        if (fmt == RFMT_MARKDOWN)
            render_markdown(d.items, head.buf, out);
        else
            render_text(d.items, head.buf, out);
        jv_free(d.items);
    }
    sb_release(&head);
    return n ? 1 : 0;
}
