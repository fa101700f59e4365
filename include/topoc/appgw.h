/* appgw.h - what the Azure edge's Application Gateway (WAF_v2) can hold,
 * from Microsoft's "Application Gateway limits", read in one place: the
 * checks refuse a spec that needs more (check_appgw.c), and the Azure
 * edge (src/gateway/gateway_azure*.c) is built within them.
 */
#ifndef TOPOC_APPGW_H
#define TOPOC_APPGW_H

#include <stdbool.h>

#include "topoc/model.h"

/* 100 custom rules per WAF policy. */
enum { APPGW_MAX_RULES = 100 };

/* Host names per environment: 100 active listeners (40 with CRS 3.1 or
 * older), an HTTPS and an HTTP one per host. */
int appgw_max_hosts(const ManagedRules *mr);
/* Exclusions per WAF policy: 200 with CRS 3.2 or the Microsoft rule set,
 * 40 with older CRS. */
int appgw_max_exclusions(const ManagedRules *mr);
/* The custom rules the edge needs: one per IP list, one for the internal
 * paths, one per rate limit, and the platform's own. */
int appgw_custom_rules(const Platform *p);
/* The CRS rule group of a rule id, or NULL. */
const char *appgw_crs_group(long long id);
/* Whether App Gateway can express the exclusion (an argument, 'ARGS:NAME',
 * from an OWASP rule group); else the Azure edge keeps the rule. */
bool appgw_exclusion_kept(const ManagedRules *mr, const WafExclusion *x);
/* Exclusions hold policy-wide: one entry per rule and argument. */
bool appgw_exclusion_same(const WafExclusion *x, const WafExclusion *y);

#endif
