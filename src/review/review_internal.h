/* review_internal.h - what the review room's files share: the request
 * matcher (review_route.c), used by route and by diff's traffic moves. */
#ifndef TOPOC_REVIEW_INTERNAL_H
#define TOPOC_REVIEW_INTERNAL_H

#include "topoc/pattern.h"
#include "topoc/routing.h"

/* An environment's routing table with each route's full regex compiled
 * once (route_regex_full, run by PCRE2 as the gateways run it). */
typedef struct Matcher {
    Arena *a;
    PatternSet *ps;
    const EnvModel *env;
    RouteEntry *v;
    int n;
    Pattern **re;
} Matcher;

void matcher_init(Matcher *mt, Arena *a, const EnvModel *env);
void matcher_free(Matcher *mt);
/* The first route that takes METHOD (a bit of route_method_names) on host
 * and path; edge: internal routes are not served.  NULL: a 404. */
const RouteEntry *matcher_take(Matcher *mt, const char *host, unsigned bit,
                               const char *path, bool edge);

#endif
