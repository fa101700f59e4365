/* routing.h - route templates and the gateway's matching order, shared by
 * the routing checks (check_routes.c) and every gateway emitter.
 *
 * A template is split into segments: a literal, 'pre{param}suf', or a final
 * '**' (the rest of the path).  For each host the gateway tries routes by
 * priority (higher first), then by specificity segment by segment (literal
 * > pre{param}suf, more literal text first > constrained {param} > {param}
 * > '**'; where one template continues and the other ends, the longer
 * first), then in declaration order.  The first match wins.
 */
#ifndef TOPOC_ROUTING_H
#define TOPOC_ROUTING_H

#include <stdbool.h>

#include "topoc/constraint.h"
#include "topoc/model.h"
#include "topoc/strbuf.h"

typedef struct SegCache SegCache; /* segment languages, shared per table */

typedef enum { SEG_LIT, SEG_PARAM, SEG_REST } SegKind;

/* A route holds a Seg per segment (at 10,000 services 120,000 of them
 * per environment), so what a parameter's language is lives once per
 * language in the cache that parsed it: seg_dfa, seg_cons, seg_error. */
typedef struct Seg {
    SegKind kind;
    int dfa_id;             /* SEG_PARAM: its language in the route's
                               cache; equal ids, equal languages */
    const char *lit;        /* SEG_LIT */
    const char *pre, *suf;  /* SEG_PARAM: literal text around {name} */
    const char *name;
    const char *constraint; /* from routes[].params, or NULL */
} Seg;

typedef struct RouteEntry {
    const Route *r;
    const char *fqdn; /* r's full name in the table's environment
                         (routing_table), else NULL */
    const Service *svc;
    Seg *segs;
    int nsegs;        /* a final '**' counts as a segment */
    unsigned methods; /* bit per method, in route_method_names order */
    SegCache *cache;  /* set before route_parse to share languages */
} RouteEntry;

extern const char *const route_method_names[7];

unsigned route_methods(const StrList *l);
void route_methods_text(unsigned bits, Strbuf *sb);
/* Split e->r's path (already validated by the decoder) into segments,
 * parse each constraint and build each parameter segment's language
 * (shared through e->cache when set; segment_cache makes one). */
SegCache *segment_cache(Arena *a);
void route_parse(Arena *a, RouteEntry *e);
/* route_parse without the methods (e->methods left as it was): for a
 * caller that reads them for the few routes it compares. */
void route_segments(Arena *a, RouteEntry *e);
/* route_parse's helper (route_relate.c): sg's language, interned. */
void seg_language(SegCache *c, Seg *sg);
/* What c (the cache of the route sg belongs to) knows of sg's language:
 * its automaton (NULL for a literal or '**', or when the constraint was
 * refused or too big), its parsed constraint (NULL when absent or
 * refused), and why the constraint was refused. */
const Dfa *seg_dfa(const SegCache *c, const Seg *sg);
const Constraint *seg_cons(const SegCache *c, const Seg *sg);
const ConsError *seg_error(const SegCache *c, const Seg *sg);
/* What the checker needs to know of a parameter segment's language, once
 * per distinct language: it matches nothing, it matches the empty value,
 * how ambiguous it is to a backtracking matcher (constraint_ambiguity). */
typedef struct SegVerdict {
    bool nothing, empty_value;
    Ambiguity amb;
    int off;
} SegVerdict;
const SegVerdict *seg_verdict(SegCache *c, const Seg *sg);
/* The matching order: negative when a is tried before b. */
int route_order_cmp(const RouteEntry *a, const RouteEntry *b);
/* An anchored regex for the path's structure: parameters as [^/]+ (named
 * groups when captures), constraints left to be checked on the value. */
void route_regex(const RouteEntry *e, bool captures, Strbuf *out);
/* How route a's paths relate to b's: the same set, a covers every path b
 * matches, they overlap, or none.  Exact: constraints are decided as
 * automata, segment by segment (a parameter never spans a segment). */
typedef enum { REL_NONE, REL_OVERLAP, REL_COVERS, REL_SAME } Relation;
Relation route_relate(const RouteEntry *a, const RouteEntry *b);
/* A path both a and b match (they must relate), shortest per segment. */
void route_witness(const RouteEntry *a, const RouteEntry *b, Strbuf *out);
/* The regex with each parameter's constraint embedded (anchors in a
 * constraint bound the parameter's value, as in routes[].params). */
void route_regex_full(const RouteEntry *e, Strbuf *out);

/* An index of a table's routes (route_index.c), so that the routes that
 * may share a path with one route are found without trying every other:
 * route_index_query fills out with the indices into v, ascending, of a
 * superset of the routes whose structure (parameters as [^/]+) overlaps
 * e's; the caller decides on them (route_relate, a regex).  out->v is
 * malloc'd: free it when done. */
typedef struct RouteIndex RouteIndex;
typedef struct RouteSet {
    int *v;
    int n, cap;
} RouteSet;
RouteIndex *route_index(Arena *a, const RouteEntry *v, int n);
void route_index_query(const RouteIndex *ix, const RouteEntry *e,
                       RouteSet *out);
/* The same for v[r] of the routes the index was made of (v is kept: it
 * must outlive the index), quicker: its own path is known. */
void route_index_query_at(const RouteIndex *ix, int r, RouteSet *out);

/* The full regex of a bare path template (policy.internal-paths, rate
 * limit paths). */
void path_regex(Arena *a, const Str *path, Strbuf *out);

/* The service instance's backend host: its App Service default name,
 * PLATFORM-ENV-SERVICE.azurewebsites.net (every target uses this). */
const char *backend_host(Arena *a, const Model *m, const EnvModel *e,
                         const Service *s);
bool has_public_route(const Service *s);
/* A route's full name in env, host.domain (stored once per arena: an
 * environment's routes share a few hosts); NULL without either.  A route
 * is shared by every environment that does not override it, so its full
 * name is worked out where it is read. */
const char *route_fqdn(Arena *a, const Route *r, const Environment *env);

/* Every route of an environment, parsed, in matching order. */
RouteEntry *routing_table(Arena *a, const EnvModel *e, int *n);

#endif
