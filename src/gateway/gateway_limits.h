/* gateway_limits.h - what the spec's limits mean, defined once for every
 * gateway target (gateway_limits.c). */
#ifndef TOPOC_GATEWAY_LIMITS_H
#define TOPOC_GATEWAY_LIMITS_H

#include "topoc/model.h"

/* How many requests a client may send back to back: 'burst', or the
 * whole 'requests' allowance when burst is not written. */
long long rate_limit_burst(const RateLimit *rl);
/* Seconds for an emptied bucket to refill: burst / (requests / per). */
long long rate_limit_refill(const RateLimit *rl);
/* Whether a limit applies to a route: it names no paths, or the route's. */
bool rate_limit_applies(const RateLimit *rl, const Route *r);

/* A route's request limits: its own waf settings, else the edge's. */
long long route_max_body(const Waf *w, const Route *r);
long long route_max_args(const Waf *w, const Route *r);
long long route_max_json_args(const Waf *w, const Route *r);
/* ModSecurity counts every query or form argument and every JSON leaf as
 * one argument (SecArgumentsLimit): the hard ceiling of a request. */
long long route_args_ceiling(const Waf *w, const Route *r);

#endif
