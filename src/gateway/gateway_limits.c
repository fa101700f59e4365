/* gateway_limits.c - the meaning of rate limits and request limits, in one
 * place, so that nginx, HAProxy and Azure enforce the same thing.
 *
 * A rate limit is a token bucket: a client holds at most 'burst' requests
 * (default: 'requests'), and the bucket refills at 'requests' per 'per'.
 * So 60 per minute lets 60 requests through at once and then one a second
 * -- what nginx's limit_req does with burst=B-1 nodelay, and what a window
 * of 'per' seconds holding at most 'requests' gives for the first burst
 * (HAProxy's http_req_rate, App Gateway's RateLimitRule).
 *
 * Arguments: 'max-args' bounds the query and form arguments a request
 * carries (ModSecurity's ARGS_GET and ARGS_POST); 'max-json-args' bounds the
 * leaves of a JSON body, each of which ModSecurity counts as one argument
 * (json.items.array_0.id).  A bulk request of 1,000 items of ten fields
 * is 10,000 leaves, so the two limits are separate: the one that protects
 * against parameter floods would refuse every documented bulk body.
 */
#include "gateway_limits.h"

#include "topoc/util.h"

long long rate_limit_burst(const RateLimit *rl)
{
    return rl->burst.loc.set ? rl->burst.v : rl->requests.v;
}

long long rate_limit_refill(const RateLimit *rl)
{
    long long s = (rate_limit_burst(rl) * rl->period.v + rl->requests.v - 1) /
                  rl->requests.v;
    return s < 1 ? 1 : s;
}

bool rate_limit_applies(const RateLimit *rl, const Route *r)
{
    if (rl->paths.n == 0)
        return true;
    for (int k = 0; k < rl->paths.n; k++)
        if (streq(rl->paths.v[k].s, r->path.s))
            return true;
    return false;
}

long long route_max_body(const Waf *w, const Route *r)
{
    return r->waf && r->waf->max_body_size.loc.set ? r->waf->max_body_size.v
                                                   : w->limits->max_body_size.v;
}

long long route_max_args(const Waf *w, const Route *r)
{
    return r->waf && r->waf->max_args.loc.set ? r->waf->max_args.v
                                              : w->limits->max_args.v;
}

long long route_max_json_args(const Waf *w, const Route *r)
{
    return r->waf && r->waf->max_json_args.loc.set ? r->waf->max_json_args.v
                                                   : w->limits->max_json_args.v;
}

long long route_args_ceiling(const Waf *w, const Route *r)
{
    /* a JSON body and its query string together */
    return route_max_json_args(w, r) + route_max_args(w, r);
}
