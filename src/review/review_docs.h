/* review_docs.h - the words of specs/README.md's key tables, generated into
 * BUILD/gen/spec_docs.c by src/review/spec_docs.awk (see the Makefile). */
#ifndef TOPOC_REVIEW_DOCS_H
#define TOPOC_REVIEW_DOCS_H

typedef struct SpecDoc {
    const char *kind;    /* platform, service or waivers */
    const char *key;     /* as the README writes it: edge.waf.mode,
                            environments.NAME.region, routes[].path */
    const char *meaning; /* the "meaning" column */
    const char *example; /* the "example" column, "" when none */
} SpecDoc;

extern const SpecDoc spec_docs[];
extern const int nspec_docs;

#endif
