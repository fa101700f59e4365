/* docs.h - what the docs room's files share (src/docs/): a page written
 * once and produced twice, as an HTML page of the self-contained catalogue
 * (docs/PAGE.html) and as Markdown with front matter for a static-site
 * generator (docs/markdown/PAGE.md).  Both trees have the same shape, and
 * the pictures sit at the same place in both (img/), so one relative link
 * works in the catalogue, in the Markdown and in the site MkDocs builds
 * from it (use_directory_urls: false).
 *
 * A page is a path without extension ("services/auth"); links between
 * pages name the target page the same way and are made relative here.
 * Every text passes through one escape per format (escape.h).
 */
#ifndef TOPOC_DOCS_INTERNAL_H
#define TOPOC_DOCS_INTERNAL_H

#include "topoc/diag.h"
#include "topoc/emit.h"

typedef struct Doc {
    Arena *a;
    const char *page;  /* "services/auth" */
    const char *up;    /* "../" per folder of page */
    Strbuf md, html;
    int cells;         /* cells written in the current table row */
    bool in_row, in_item;
    unsigned folds;    /* a stack of bits: which open folds are folded */
    bool search;       /* the page has a filterable table: add the script */
} Doc;

void doc_begin(Doc *d, Arena *a, const char *page, const char *title,
               const char *description);
/* Adds docs/PAGE.html and docs/markdown/PAGE.md to o. */
void doc_end(Doc *d, Outputs *o);

/* Blocks.  A heading's id is its anchor in both formats (the Markdown
 * generators derive the same slug from a heading that is a plain name). */
void doc_heading(Doc *d, int level, const char *id, const char *text);
void doc_para(Doc *d);     /* starts a paragraph */
void doc_para_end(Doc *d);
/* A picture (path under img/), linked to itself at full size. */
void doc_picture(Doc *d, const char *img, const char *alt);
/* The same for a picture of the diagrams room (its path in o), copied
 * under img/ first (docs_copy_picture); nothing when o has no such file. */
void doc_picture_of(Doc *d, Outputs *o, const char *from, const char *img,
                    const char *alt);

/* Inline content. */
void doc_text(Doc *d, const char *s);
void doc_textf(Doc *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void doc_code(Doc *d, const char *s);
void doc_strong(Doc *d, const char *s);
/* A link to a page (NULL: this one) and an anchor in it (may be NULL). */
void doc_link(Doc *d, const char *page, const char *anchor, const char *text);
void doc_break(Doc *d); /* a line break inside a table cell */

/* Tables: one header, then rows of cells.  A searchable table gets the
 * filter box (HTML, with script; without script it is a plain table). */
void doc_table(Doc *d, const char *id, bool searchable, int ncols,
               const char *const *headers);
void doc_row(Doc *d, const char *id); /* id may be NULL */
void doc_cell(Doc *d);
void doc_table_end(Doc *d);
/* A long list in a cell: folded in HTML behind "N what", open in Markdown. */
void doc_fold(Doc *d, int n, const char *what);
void doc_fold_end(Doc *d);

/* Bulleted lists. */
void doc_list(Doc *d);
void doc_item(Doc *d);
void doc_list_end(Doc *d);

/* ---- the site around the pages (docs_site.c) ---- */

/* An SVG of the diagrams room copied into img/ of both trees (one file,
 * two names), its links to other pictures turned into links to the pages
 * about the same thing.
 * from: the picture's path in o; to: its path under img/. */
bool docs_copy_picture(Outputs *o, const char *from, const char *to);
/* mkdocs.yml, sidebars.js and the Markdown index of the sidebar. */
void docs_site_config(const Model *m, Arena *a, Outputs *o);

/* ---- pages (docs_pages.c, docs_catalogues.c) ---- */

void docs_page_index(const Model *m, Arena *a, Outputs *o);
void docs_page_services(const Model *m, Arena *a, Outputs *o);
void docs_page_environment(const Model *m, const EnvModel *e, Arena *a,
                           Outputs *o);
void docs_page_domain(const Model *m, const char *group, Arena *a,
                      Outputs *o);
/* Whom each service calls and who calls it, as indices into m->services
 * (each list in that order, without repeats), read from the instance of
 * the first environment that deploys it: built once for all the service
 * pages, since asking every service on every page is quadratic. */
typedef struct DocsLinks {
    int *calls_at, *calls; /* service i: calls[calls_at[i]..calls_at[i+1]) */
    int *callers_at, *callers;
} DocsLinks;
void docs_links(const Model *m, Arena *a, DocsLinks *out);
void docs_page_service(const Model *m, const DocsLinks *links,
                       const Diags *findings, int i, Arena *a, Outputs *o);
void docs_page_stores(const Model *m, Arena *a, Outputs *o);
void docs_page_sources(const Model *m, Arena *a, Outputs *o);
void docs_page_teams(const Model *m, Arena *a, Outputs *o);
void docs_page_routes(const Model *m, Arena *a, Outputs *o);

/* Shared facts. */
const char *docs_route_waf(Arena *a, const Model *m, const Route *r);
/* The instance of the first environment that deploys it, or NULL. */
const Service *docs_first_instance(const Model *m, const char *name);
/* The domains of every service, sorted. */
int docs_groups(const Model *m, Arena *a, const char ***out);

#endif
