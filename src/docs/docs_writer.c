/* docs_writer.c - one page, two formats (see docs.h): every call appends
 * the same content to the HTML page and to the Markdown page.
 *
 * HTML: inline CSS (no mid-word breaks, tables as wide as their content,
 * a sticky header row), a filter box that a short inline script shows and
 * drives; without script the box stays hidden and the tables are whole.
 * Markdown: YAML front matter (title, description) that MkDocs and
 * Docusaurus both read, pipe tables, no raw HTML but <br/> in cells, which
 * Python-Markdown passes through and MDX reads as JSX.
 */
#include "docs.h"
#include "topoc/escape.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Lists in a cell longer than this are folded in the HTML. */
enum { FOLD_OVER = 6 };

static const char *const css =
    "body{font-family:'DejaVu Sans',sans-serif;margin:0;color:#222;"
    "line-height:1.45}"
    "header{background:#24425e;padding:.6em 2em}"
    "header a{color:#fff;margin-right:1.4em;text-decoration:none}"
    "main{margin:1em 2em 3em}h1{margin:.3em 0}"
    "h2{border-bottom:2px solid #ccc;margin-top:1.6em}"
    "table{border-collapse:collapse;font-size:13px;margin:.5em 0}"
    "th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;"
    "vertical-align:top;overflow-wrap:normal;word-break:normal}"
    "td{white-space:nowrap}td:last-child{white-space:normal}"
    "th{background:#f3f3f3;position:sticky;top:0}"
    "td code{white-space:nowrap}code{font-size:12px}"
    "figure{margin:.8em 0}figcaption{font-size:13px;color:#555}"
    "figure img{max-width:100%;max-height:70vh;height:auto;"
    "border:1px solid #ddd;background:#fff}"
    "summary{cursor:pointer;color:#24425e}.muted{color:#777}"
    "#filter{font-size:15px;padding:4px 8px;width:28em;max-width:90%}"
    "tr[hidden]{display:none}";

/* The filter: rows of every table.search whose text holds what is typed
 * (or ?q=... in the address) stay visible. */
static const char *const script =
    "<script>(function(){var f=document.getElementById('filter');"
    "if(!f)return;f.hidden=false;"
    "var rows=document.querySelectorAll('table.search tbody tr');"
    "function run(){var q=f.value.trim().toLowerCase(),n=0;"
    "for(var i=0;i<rows.length;i++){var t=rows[i].textContent.toLowerCase();"
    "var hit=!q||t.indexOf(q)>=0;rows[i].hidden=!hit;if(hit)n++;}"
    "document.getElementById('filter-count').textContent="
    "q?n+' of '+rows.length+' rows':'';}"
    "f.addEventListener('input',run);"
    "var m=/[?&]q=([^&]*)/.exec(location.search);"
    "if(m)f.value=decodeURIComponent(m[1].replace(/\\+/g,' '));run();"
    "})();</script>\n";

static void html(Doc *d, const char *s)
{
    escape_xml(&d->html, s, strlen(s));
}

static void md(Doc *d, const char *s)
{
    escape_markdown(&d->md, s, strlen(s));
}

static void yaml_string(Strbuf *sb, const char *key, const char *s)
{
    sb_printf(sb, "%s: \"", key); /* a JSON string is a YAML scalar */
    escape_json_text(sb, s, strlen(s));
    sb_puts(sb, "\"\n");
}

void doc_begin(Doc *d, Arena *a, const char *page, const char *title,
               const char *description)
{
    memset(d, 0, sizeof *d);
    d->a = a;
    d->page = page;
    sb_init(&d->md);
    sb_init(&d->html);
    Strbuf up = STRBUF_INIT;
    for (const char *p = page; *p; p++)
        if (*p == '/')
            sb_puts(&up, "../");
    d->up = arena_strdup(a, up.buf);
    sb_release(&up);

    sb_puts(&d->md, "---\n");
    yaml_string(&d->md, "title", title);
    if (description)
        yaml_string(&d->md, "description", description);
    sb_puts(&d->md, "---\n\n# ");
    md(d, title);
    sb_puts(&d->md, "\n\n");

    sb_puts(&d->html, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
                      "charset=\"utf-8\"><meta name=\"viewport\" content=\""
                      "width=device-width\"><title>");
    html(d, title);
    sb_printf(&d->html, "</title><style>%s</style></head><body>\n<header>",
              css);
    static const char *const nav[][2] = {
        {"index", "Platform"}, {"services", "Services"}, {"routes", "Routes"},
        {"stores", "Stores"},  {"sources", "Sources"},   {"teams", "Teams"}};
    for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++)
        sb_printf(&d->html, "<a href=\"%s%s.html\">%s</a>", d->up, nav[i][0],
                  nav[i][1]);
    sb_puts(&d->html, "</header>\n<main>\n<h1>");
    html(d, title);
    sb_puts(&d->html, "</h1>\n");
}

void doc_end(Doc *d, Outputs *o)
{
    sb_puts(&d->html, "</main>\n");
    if (d->search)
        sb_puts(&d->html, script);
    sb_puts(&d->html, "</body></html>\n");
    out_add(o, arena_printf(d->a, "docs/%s.html", d->page), &d->html);
    out_add(o, arena_printf(d->a, "docs/markdown/%s.md", d->page), &d->md);
}

void doc_heading(Doc *d, int level, const char *id, const char *text)
{
    sb_printf(&d->md, "%.*s ", level, "######");
    md(d, text);
    sb_puts(&d->md, "\n\n");
    sb_printf(&d->html, "<h%d id=\"", level);
    html(d, id);
    sb_puts(&d->html, "\">");
    html(d, text);
    sb_printf(&d->html, "</h%d>\n", level);
}

void doc_para(Doc *d)
{
    sb_puts(&d->html, "<p>");
}

void doc_para_end(Doc *d)
{
    sb_puts(&d->md, "\n\n");
    sb_puts(&d->html, "</p>\n");
}

void doc_picture(Doc *d, const char *img, const char *alt)
{
    const char *src = arena_printf(d->a, "%simg/%s", d->up, img);
    sb_puts(&d->md, "[![");
    md(d, alt);
    sb_printf(&d->md, "](%s)](%s)\n\n", src, src);
    sb_printf(&d->html, "<figure><a href=\"%s\"><img src=\"%s\" alt=\"", src,
              src);
    html(d, alt);
    sb_puts(&d->html, "\"></a><figcaption>");
    html(d, alt);
    sb_printf(&d->html, " &middot; <a href=\"%s\">full size</a>"
                        "</figcaption></figure>\n", src);
}

void doc_picture_of(Doc *d, Outputs *o, const char *from, const char *img,
                    const char *alt)
{
    if (docs_copy_picture(o, from, img))
        doc_picture(d, img, alt);
}

void doc_text(Doc *d, const char *s)
{
    md(d, s);
    html(d, s);
}

void doc_textf(Doc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char buf[512]; /* counts and names: short */
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    doc_text(d, buf);
}

void doc_code(Doc *d, const char *s)
{
    if (strpbrk(s, "`|\n\r") || !*s) /* no code span can hold it */
        md(d, s);
    else
        sb_printf(&d->md, "`%s`", s);
    sb_puts(&d->html, "<code>");
    html(d, s);
    sb_puts(&d->html, "</code>");
}

void doc_strong(Doc *d, const char *s)
{
    sb_puts(&d->md, "**");
    md(d, s);
    sb_puts(&d->md, "**");
    sb_puts(&d->html, "<b>");
    html(d, s);
    sb_puts(&d->html, "</b>");
}

void doc_link(Doc *d, const char *page, const char *anchor, const char *text)
{
    sb_puts(&d->md, "[");
    md(d, text);
    sb_puts(&d->md, "](");
    sb_puts(&d->html, "<a href=\"");
    if (page) {
        sb_printf(&d->md, "%s%s.md", d->up, page);
        sb_printf(&d->html, "%s%s.html", d->up, page);
    }
    if (anchor) {
        sb_printf(&d->md, "#%s", anchor);
        sb_printf(&d->html, "#%s", anchor);
    }
    sb_puts(&d->md, ")");
    sb_puts(&d->html, "\">");
    html(d, text);
    sb_puts(&d->html, "</a>");
}

void doc_break(Doc *d)
{
    sb_puts(&d->md, "<br/>");
    sb_puts(&d->html, "<br>");
}

void doc_table(Doc *d, const char *id, bool searchable, int ncols,
               const char *const *headers)
{
    if (searchable && !d->search) {
        d->search = true;
        sb_puts(&d->html, "<p><input id=\"filter\" type=\"search\" "
                          "placeholder=\"filter: a name, a team, a path\" "
                          "aria-label=\"filter\" hidden> <span id=\""
                          "filter-count\" class=\"muted\"></span></p>\n");
    }
    sb_printf(&d->html, "<table id=\"%s\"%s><thead><tr>", id,
              searchable ? " class=\"search\"" : "");
    sb_puts(&d->md, "|");
    for (int i = 0; i < ncols; i++) {
        sb_puts(&d->html, "<th>");
        html(d, headers[i]);
        sb_puts(&d->html, "</th>");
        sb_puts(&d->md, " ");
        md(d, headers[i]);
        sb_puts(&d->md, " |");
    }
    sb_puts(&d->md, "\n|");
    for (int i = 0; i < ncols; i++)
        sb_puts(&d->md, " --- |");
    sb_puts(&d->md, "\n");
    sb_puts(&d->html, "</tr></thead>\n<tbody>\n");
    d->in_row = false;
}

static void row_end(Doc *d)
{
    if (!d->in_row)
        return;
    sb_puts(&d->md, " |\n");
    sb_puts(&d->html, "</td></tr>\n");
    d->in_row = false;
}

void doc_row(Doc *d, const char *id)
{
    row_end(d);
    d->in_row = true;
    d->cells = 0;
    sb_puts(&d->md, "|");
    if (id)
        sb_printf(&d->html, "<tr id=\"%s\">", id);
    else
        sb_puts(&d->html, "<tr>");
}

void doc_cell(Doc *d)
{
    sb_puts(&d->md, d->cells ? " | " : " ");
    sb_puts(&d->html, d->cells ? "</td><td>" : "<td>");
    d->cells++;
}

void doc_table_end(Doc *d)
{
    row_end(d);
    sb_puts(&d->md, "\n");
    sb_puts(&d->html, "</tbody></table>\n");
}

void doc_fold(Doc *d, int n, const char *what)
{
    bool fold = n > FOLD_OVER;
    d->folds = d->folds << 1 | fold;
    if (fold)
        sb_printf(&d->html, "<details><summary>%d %s</summary>", n, what);
}

void doc_fold_end(Doc *d)
{
    if (d->folds & 1)
        sb_puts(&d->html, "</details>");
    d->folds >>= 1;
}

void doc_list(Doc *d)
{
    sb_puts(&d->html, "<ul>\n");
    d->in_item = false;
}

void doc_item(Doc *d)
{
    sb_puts(&d->md, d->in_item ? "\n- " : "- ");
    sb_puts(&d->html, d->in_item ? "</li>\n<li>" : "<li>");
    d->in_item = true;
}

void doc_list_end(Doc *d)
{
    sb_puts(&d->html, d->in_item ? "</li>\n</ul>\n" : "</ul>\n");
    sb_puts(&d->md, "\n\n");
    d->in_item = false;
}
