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

#include "topoc/model.h"
#include "topoc/strbuf.h"

struct Pattern;

typedef enum { SEG_LIT, SEG_PARAM, SEG_REST } SegKind;

typedef struct Seg {
    SegKind kind;
    const char *lit;        /* SEG_LIT */
    const char *pre, *suf;  /* SEG_PARAM: literal text around {name} */
    const char *name;
    const char *constraint; /* from routes[].params, or NULL */
    struct Pattern *cpat;   /* the constraint compiled (the checker's) */
} Seg;

typedef struct RouteEntry {
    const Route *r;
    const Service *svc;
    Seg *segs;
    int nsegs;        /* a final '**' counts as a segment */
    unsigned methods; /* bit per method, in route_method_names order */
} RouteEntry;

extern const char *const route_method_names[7];

unsigned route_methods(const StrList *l);
void route_methods_text(unsigned bits, Strbuf *sb);
/* Split e->r's path (already validated by the decoder) into segments. */
void route_parse(Arena *a, RouteEntry *e);
/* The matching order: negative when a is tried before b. */
int route_order_cmp(const RouteEntry *a, const RouteEntry *b);
/* An anchored regex for the path's structure: parameters as [^/]+ (named
 * groups when captures), constraints left to be checked on the value. */
void route_regex(const RouteEntry *e, bool captures, Strbuf *out);
/* How template a relates to b: the same (parameter names aside), a
 * covers every path b matches, they overlap, or none.  Exact on the
 * templates; constraints are the caller's to check on a witness. */
typedef enum { REL_NONE, REL_OVERLAP, REL_COVERS, REL_SAME } Relation;
Relation route_relate(const RouteEntry *a, const RouteEntry *b);
/* The regex with each parameter's constraint embedded (anchors in a
 * constraint bound the parameter's value, as in routes[].params). */
void route_regex_full(const RouteEntry *e, Strbuf *out);

/* The full regex of a bare path template (policy.internal-paths, rate
 * limit paths). */
void path_regex(Arena *a, const Str *path, Strbuf *out);

/* The service instance's backend host: its App Service default name,
 * PLATFORM-ENV-SERVICE.azurewebsites.net (every target uses this). */
const char *backend_host(Arena *a, const Model *m, const EnvModel *e,
                         const Service *s);
bool has_public_route(const Service *s);

/* Every route of an environment, parsed, in matching order. */
RouteEntry *routing_table(Arena *a, const EnvModel *e, int *n);

#endif
