/* appgw.c - App Gateway's capacity (see appgw.h). */
#include "topoc/appgw.h"
#include "topoc/util.h"

#include <string.h>

static bool crs_before_3_2(const ManagedRules *mr)
{
    return !streq(mr->set.s, "microsoft-default") && mr->version.s &&
           strverscmp(mr->version.s, "3.2") < 0;
}

int appgw_max_hosts(const ManagedRules *mr)
{
    return crs_before_3_2(mr) ? 20 : 50;
}

int appgw_max_exclusions(const ManagedRules *mr)
{
    return crs_before_3_2(mr) ? 40 : 200;
}

int appgw_custom_rules(const Platform *p)
{
    const Waf *w = p->edge->waf;
    return (w->deny_ips.n > 0) + (w->allow_ips.n > 0) +
           (p->policy->internal_paths.n > 0) + w->rate_limits.n +
           w->custom_rules.n;
}

/* CRS 3.2 rule groups by rule id hundreds. */
const char *appgw_crs_group(long long id)
{
    static const struct {
        int prefix;
        const char *group;
    } groups[] = {
        {913, "REQUEST-913-SCANNER-DETECTION"},
        {920, "REQUEST-920-PROTOCOL-ENFORCEMENT"},
        {921, "REQUEST-921-PROTOCOL-ATTACK"},
        {930, "REQUEST-930-APPLICATION-ATTACK-LFI"},
        {931, "REQUEST-931-APPLICATION-ATTACK-RFI"},
        {932, "REQUEST-932-APPLICATION-ATTACK-RCE"},
        {933, "REQUEST-933-APPLICATION-ATTACK-PHP"},
        {941, "REQUEST-941-APPLICATION-ATTACK-XSS"},
        {942, "REQUEST-942-APPLICATION-ATTACK-SQLI"},
        {943, "REQUEST-943-APPLICATION-ATTACK-SESSION-FIXATION"},
        {944, "REQUEST-944-APPLICATION-ATTACK-JAVA"},
    };
    for (size_t i = 0; i < sizeof groups / sizeof *groups; i++)
        if (id / 1000 == groups[i].prefix)
            return groups[i].group;
    return NULL;
}

bool appgw_exclusion_kept(const ManagedRules *mr, const WafExclusion *x)
{
    return x->variable.s && appgw_crs_group(x->rule.v) &&
           !streq(mr->set.s, "microsoft-default") &&
           strncmp(x->variable.s, "ARGS:", 5) == 0;
}

bool appgw_exclusion_same(const WafExclusion *x, const WafExclusion *y)
{
    return x->rule.v == y->rule.v && streq(x->variable.s, y->variable.s);
}
