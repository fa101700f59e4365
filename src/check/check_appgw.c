/* check_appgw.c - what the Azure edge's Application Gateway cannot hold
 * (appgw.h): more host names in an environment than it has listeners for,
 * more custom rules or exclusions than a WAF policy takes.  Refused here,
 * not only when the Azure edge is made, so that a CI gate on `topoc check`
 * stops what `topoc build` would stop (only the templates' sizes,
 * arm-limit, wait for the templates).
 *
 * Each limit is counted cheaply over the routes (60,000 at 10,000
 * services); only an environment past a limit pays for its routing table,
 * whose order says where the error goes, as the Azure edge meets it: the
 * first route of the first host past the limit, the first exclusion past
 * it.  Each is invalid-value: reading the spec, always an error. */
#include "topoc/appgw.h"
#include "topoc/check.h"
#include "topoc/routing.h"
#include "topoc/util.h"

#include <string.h>

static const char *route_target(Checker *ck, const EnvModel *e,
                                const Route *r)
{
    return arena_printf(check_arena(ck), "%s/route/%s%s", e->env->name.s,
                        r->host.s, r->path.s);
}

/* ---- host names ---- */

/* Whether the environment's edge routes name more than max hosts.  A set
 * of at most max + 1 names; consecutive routes mostly share a host's text,
 * so most routes cost a pointer compare. */
static bool hosts_over(const EnvModel *e, int max)
{
    enum { CAP = 256 }; /* a power of two over twice appgw_max_hosts */
    const char *set[CAP] = {0}, *last = NULL;
    int n = 0;
    for (int i = 0; i < e->nservices; i++) {
        const Service *s = e->services[i];
        for (int k = 0; k < s->routes.n; k++) {
            const char *h = ((const Route *)s->routes.v[k])->host.s;
            if (((const Route *)s->routes.v[k])->internal.v || !h ||
                h == last)
                continue;
            last = h;
            size_t slot = fnv1a(h, strlen(h), 1469598103934665603ull);
            while (set[slot % CAP] && strcmp(set[slot % CAP], h) != 0)
                slot++;
            if (set[slot % CAP])
                continue;
            set[slot % CAP] = h;
            if (++n > max)
                return true;
        }
    }
    return false;
}

static void too_many_hosts(Checker *ck, const EnvModel *e, int max)
{
    Arena scratch;
    arena_init(&scratch);
    int n, nhost = 0;
    RouteEntry *v = routing_table(&scratch, e, &n);
    const char *fqdn = NULL;
    for (int i = 0; i < n; i++) {
        if (v[i].r->internal.v || (fqdn && !strcmp(v[i].fqdn, fqdn)))
            continue;
        fqdn = v[i].fqdn;
        if (nhost++ < max)
            continue;
        const Route *r = v[i].r;
        Diag *d = check_report(
            ck, "invalid-value", r->host.loc, route_target(ck, e, r),
            "the Azure edge serves at most %d host names per environment "
            "(App Gateway: %d active listeners, an HTTPS and an HTTP one "
            "per host); '%s' is one more",
            max, 2 * max, r->host.s);
        diag_help(check_diags(ck), d,
                  "serve these routes under fewer host names%s",
                  max < 50 ? ", or use managed rules 3.2 or later (100 "
                             "listeners)"
                           : "");
        break;
    }
    arena_free(&scratch);
}

/* ---- WAF exclusions ---- */

/* Adds x to the distinct exclusions in seen (room for max + 1); returns
 * whether it was new. */
static bool add_exclusion(const WafExclusion **seen, int *n,
                          const WafExclusion *x)
{
    for (int i = 0; i < *n; i++)
        if (appgw_exclusion_same(seen[i], x))
            return false;
    seen[(*n)++] = x;
    return true;
}

/* The first exclusion past max, in the order the Azure edge meets them
 * (every edge route's, in matching order; each rule and argument once, as
 * the policy holds it), or NULL.  In order only when past max anyway. */
static const WafExclusion *exclusion_over(const EnvModel *e,
                                          const ManagedRules *mr, int max,
                                          const Route **at, Arena *scratch)
{
    const WafExclusion **seen = arena_alloc(scratch, ((size_t)max + 2) *
                                                         sizeof *seen);
    int n = 0;
    for (int i = 0; i < e->nservices && n <= max; i++)
        for (int k = 0; k < e->services[i]->routes.n && n <= max; k++) {
            const Route *r = e->services[i]->routes.v[k];
            for (int j = 0; r->waf && !r->internal.v &&
                            j < r->waf->exclusions.n && n <= max;
                 j++) {
                const WafExclusion *x = r->waf->exclusions.v[j];
                if (appgw_exclusion_kept(mr, x))
                    add_exclusion(seen, &n, x);
            }
        }
    if (n <= max)
        return NULL;
    int nv;
    RouteEntry *v = routing_table(scratch, e, &nv);
    n = 0;
    for (int i = 0; i < nv; i++) {
        const RouteWaf *rw = v[i].r->internal.v ? NULL : v[i].r->waf;
        for (int j = 0; rw && j < rw->exclusions.n; j++) {
            const WafExclusion *x = rw->exclusions.v[j];
            if (appgw_exclusion_kept(mr, x) && add_exclusion(seen, &n, x) &&
                n > max) {
                *at = v[i].r;
                return x;
            }
        }
    }
    return NULL;
}

static void too_many_exclusions(Checker *ck, const EnvModel *e,
                                const ManagedRules *mr)
{
    Arena scratch;
    arena_init(&scratch);
    int max = appgw_max_exclusions(mr);
    const Route *r = NULL;
    const WafExclusion *x = exclusion_over(e, mr, max, &r, &scratch);
    if (x) {
        Diag *d = check_report(
            ck, "invalid-value", x->variable.loc, route_target(ck, e, r),
            "the Azure edge's WAF policy holds at most %d exclusions (App "
            "Gateway's limit), and this is one more",
            max);
        diag_help(check_diags(ck), d,
                  "exclude the argument on fewer rules, or give the routes' "
                  "arguments the same names%s",
                  max < 200 ? "; managed rules 3.2 or later allow 200" : "");
    }
    arena_free(&scratch);
}

/* ---- custom rules ---- */

static void too_many_rules(Checker *ck, const Platform *p)
{
    int n = appgw_custom_rules(p);
    if (n <= APPGW_MAX_RULES)
        return;
    Diag *d = check_report(ck, "invalid-value", p->edge->waf->loc, "edge/waf",
                           "the Azure edge needs %d WAF custom rules (IP "
                           "lists, internal paths, rate limits and custom "
                           "rules); App Gateway allows at most %d",
                           n, APPGW_MAX_RULES);
    diag_help(check_diags(ck), d,
              "merge custom rules that share a variable and an operator "
              "(each takes a list of values)");
}

void check_appgw(Checker *ck)
{
    const Model *m = check_model_of(ck);
    const ManagedRules *mr = m->platform->edge->waf->managed_rules;
    too_many_rules(ck, m->platform);
    for (int i = 0; i < m->nenvs; i++) {
        if (hosts_over(&m->envs[i], appgw_max_hosts(mr)))
            too_many_hosts(ck, &m->envs[i], appgw_max_hosts(mr));
        too_many_exclusions(ck, &m->envs[i], mr);
    }
}
