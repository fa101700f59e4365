/* gateway_azure_waf.c - the Application Gateway WAF policy of the Azure
 * edge: the managed rule set, mode and limits, custom rules for the IP
 * lists, internal paths, rate limits and the platform's own rules, and the
 * routes' exclusions.  Where App Gateway cannot do what the spec asks, a
 * diagnostic at the spec's value says what the Azure edge does instead.
 */
#include "topoc/appgw.h"
#include "topoc/emit.h"
#include "topoc/routing.h"
#include "topoc/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway_azure.h"
#include "gateway_limits.h"

/* "block-scanners" -> "BlockScanners": WAF rule names are alphanumeric. */
static const char *camel(Az *z, const char *name)
{
    char *out = arena_alloc(z->a, strlen(name) + 1);
    size_t k = 0;
    for (const char *p = name; *p; p++) {
        if (*p == '-')
            continue;
        out[k++] = (char)(p == name || p[-1] == '-' ? toupper((unsigned char)*p)
                                                      : *p);
    }
    return out;
}

static JsonVal *condition(const char *variable, const char *selector,
                          const char *op, JsonVal *values, bool negate)
{
    JsonVal *c = jv_obj(), *vars = jv_arr(), *var = jv_obj();
    jv_set(var, "variableName", jv_str(variable));
    if (selector)
        jv_set(var, "selector", jv_str(selector));
    jv_push(vars, var);
    jv_set(c, "matchVariables", vars);
    jv_set(c, "operator", jv_str(op));
    if (negate)
        jv_set(c, "negationConditon", jv_bool(true)); /* the schema's spelling */
    jv_set(c, "matchValues", values);
    return c;
}

static JsonVal *rule(const char *name, int priority, const char *type,
                     const char *action, JsonVal *cond)
{
    JsonVal *r = jv_obj(), *conds = jv_arr();
    jv_set(r, "name", jv_str(name));
    jv_set(r, "priority", jv_int(priority));
    jv_set(r, "ruleType", jv_str(type));
    jv_set(r, "action", jv_str(action));
    jv_push(conds, cond);
    jv_set(r, "matchConditions", conds);
    return r;
}

/* App Gateway's WAF policy limits, and what it says where its limits
 * differ from the spec's: a note where the Azure edge is stricter, a
 * warning where it lets through what the spec refuses. */
enum { APPGW_MIN_BODY_KB = 8, APPGW_MAX_BODY_KB = 2048 };

static JsonVal *waf_settings(Az *z)
{
    const Waf *w = z->m->platform->edge->waf;
    const Int *body = &w->limits->max_body_size;
    JsonVal *settings = jv_obj();
    jv_set(settings, "state", jv_str("Enabled"));
    jv_set(settings, "mode", jv_str(streq(w->mode.s, "detection")
                                        ? "Detection" : "Prevention"));
    jv_set(settings, "requestBodyCheck", jv_bool(true));
    long long kb = body->v / 1024;
    if (kb < APPGW_MIN_BODY_KB || kb > APPGW_MAX_BODY_KB) {
        bool looser = kb < APPGW_MIN_BODY_KB;
        kb = looser ? APPGW_MIN_BODY_KB : APPGW_MAX_BODY_KB;
        Diag *d = (looser ? diag_warning : diag_info)(
            z->ds, body->loc, "appgw-waf",
            "App Gateway's WAF inspects bodies of %d KB to %d KB: the "
            "Azure edge's body limit is %lld KB",
            APPGW_MIN_BODY_KB, APPGW_MAX_BODY_KB, kb);
        diag_help(z->ds, d, "nginx and HAProxy enforce the spec's limit; "
                            "choose a limit between 8KB and 2MB for the "
                            "edges to agree");
    }
    jv_set(settings, "maxRequestBodySizeInKb", jv_int(kb));
    long long mb = w->limits->max_file_size.v >> 20;
    jv_set(settings, "fileUploadLimitInMb", jv_int(mb < 1 ? 1 : mb));
    return settings;
}

static JsonVal *path_regexes(Az *z, const StrList *paths)
{
    JsonVal *v = jv_arr();
    for (int i = 0; i < paths->n; i++) {
        Strbuf re = STRBUF_INIT;
        path_regex(z->a, &paths->v[i], &re);
        jv_push(v, jv_str(re.buf));
        sb_release(&re);
    }
    return v;
}

/* App Gateway counts requests in windows of one or five minutes, grouped
 * by client address (or geography): no bucket and no API keys. */
static JsonVal *rate_rule(Az *z, const RateLimit *rl, int priority)
{
    JsonVal *paths = rl->paths.n ? path_regexes(z, &rl->paths) : jv_arr();
    if (!rl->paths.n)
        jv_push(paths, jv_str("^/"));
    JsonVal *r = rule(camel(z, rl->name.s), priority, "RateLimitRule",
                      "Block",
                      condition("RequestUri", NULL, "Regex", paths, false));
    bool one = rl->period.v <= 60;
    long long per = one ? rl->requests.v * 60 / rl->period.v
                        : rl->requests.v * 300 / rl->period.v;
    jv_set(r, "rateLimitDuration", jv_str(one ? "OneMin" : "FiveMins"));
    jv_set(r, "rateLimitThreshold", jv_int(per < 1 ? 1 : per));
    JsonVal *groups = jv_arr(), *g = jv_obj(), *vars = jv_arr(),
            *var = jv_obj();
    jv_set(var, "variableName", jv_str("ClientAddr"));
    jv_push(vars, var);
    jv_set(g, "groupByVariables", vars);
    jv_push(groups, g);
    jv_set(r, "groupByUserSession", groups);
    if (streq(rl->key.s, "api-key")) {
        Diag *d = diag_warning(z->ds, rl->key.loc, "appgw-waf",
                               "App Gateway's WAF cannot count requests per "
                               "API key: the Azure edge counts rate limit "
                               "'%s' per client address",
                               rl->name.s);
        diag_help(z->ds, d, "nginx and HAProxy count per API key; use "
                            "'by: client-ip' for the edges to agree");
    }
    if (rate_limit_burst(rl) != rl->requests.v ||
        (rl->period.v != 60 && rl->period.v != 300))
        diag_info(z->ds, rl->burst.loc.set ? rl->burst.loc : rl->period.loc,
                  "appgw-waf",
                  "App Gateway counts rate limit '%s' as %lld request%s per "
                  "%s window, not as a bucket of %lld refilled at %lld per "
                  "%llds",
                  rl->name.s, per < 1 ? 1 : per, per > 1 ? "s" : "",
                  one ? "1-minute" : "5-minute", rate_limit_burst(rl),
                  rl->requests.v, rl->period.v);
    return r;
}

static JsonVal *custom_rule(Az *z, const CustomRule *cr, int priority)
{
    static const char *const vars[][2] = {
        {"remote-addr", "RemoteAddr"},     {"request-method", "RequestMethod"},
        {"request-uri", "RequestUri"},     {"query-string", "QueryString"},
        {"request-header", "RequestHeaders"},
        {"request-cookie", "RequestCookies"}, {"post-args", "PostArgs"}};
    static const char *const ops[][2] = {
        {"equals", "Equal"},       {"contains", "Contains"},
        {"begins-with", "BeginsWith"}, {"ends-with", "EndsWith"},
        {"regex", "Regex"},        {"ip-match", "IPMatch"}};
    const char *var = "RequestUri", *op = "Contains";
    for (size_t k = 0; k < sizeof vars / sizeof *vars; k++)
        if (streq(cr->variable.s, vars[k][0]))
            var = vars[k][1];
    for (size_t k = 0; k < sizeof ops / sizeof *ops; k++)
        if (streq(cr->operator.s, ops[k][0]))
            op = ops[k][1];
    const char *action = streq(cr->action.s, "block")   ? "Block"
                         : streq(cr->action.s, "allow") ? "Allow"
                                                        : "Log";
    return rule(camel(z, cr->name.s), priority, "MatchRule", action,
                condition(var, cr->selector.s, op, json_strlist(&cr->values),
                          cr->negate.v));
}

static int by_priority(const void *a, const void *b)
{
    const CustomRule *x = *(const CustomRule *const *)a,
                     *y = *(const CustomRule *const *)b;
    if (x->priority.v != y->priority.v)
        return x->priority.v < y->priority.v ? -1 : 1;
    return strcmp(x->name.s, y->name.s);
}

/* The custom rules in the order the other edges evaluate them: the IP
 * lists, the internal paths, the rate limits, then the platform's own
 * rules by their priority.  App Gateway wants distinct priorities of 1 to
 * 100, so they are numbered in that order, every rule kept. */
static JsonVal *custom_rules(Az *z)
{
    const Waf *w = z->m->platform->edge->waf;
    JsonVal *rules = jv_arr();
    int prio = 0;
    if (w->deny_ips.n)
        jv_push(rules, rule("DenyListedClients", ++prio, "MatchRule", "Block",
                            condition("RemoteAddr", NULL, "IPMatch",
                                      json_strlist(&w->deny_ips), false)));
    if (w->allow_ips.n)
        jv_push(rules, rule("AllowListedClientsOnly", ++prio, "MatchRule",
                            "Block",
                            condition("RemoteAddr", NULL, "IPMatch",
                                      json_strlist(&w->allow_ips), true)));
    const StrList *ip = &z->m->platform->policy->internal_paths;
    if (ip->n)
        jv_push(rules, rule("BlockInternalPaths", ++prio, "MatchRule", "Block",
                            condition("RequestUri", NULL, "Regex",
                                      path_regexes(z, ip), false)));
    for (int i = 0; i < w->rate_limits.n; i++)
        jv_push(rules, rate_rule(z, w->rate_limits.v[i], ++prio));
    const CustomRule **own = arena_alloc(
        z->a, ((size_t)w->custom_rules.n + 1) * sizeof *own);
    for (int i = 0; i < w->custom_rules.n; i++)
        own[i] = w->custom_rules.v[i];
    qsort(own, (size_t)w->custom_rules.n, sizeof *own, by_priority);
    for (int i = 0; i < w->custom_rules.n; i++)
        jv_push(rules, custom_rule(z, own[i], ++prio));
    return rules; /* at most APPGW_MAX_RULES: check_appgw.c refuses more */
}

/* A route's exclusion of an argument from a managed rule.  App Gateway's
 * exclusions hold for the whole policy, every route of the edge; other
 * variables have no App Gateway equivalent. */
static JsonVal *exclusion(Az *z, const WafExclusion *x, const Route *r)
{
    const ManagedRules *mr = z->m->platform->edge->waf->managed_rules;
    const char *group = appgw_crs_group(x->rule.v);
    if (!appgw_exclusion_kept(mr, x)) {
        Loc at = x->variable.s ? x->variable.loc : x->rule.loc;
        Diag *d = diag_info(z->ds, at, "appgw-waf",
                            "App Gateway cannot express this exclusion: "
                            "the Azure edge keeps rule %lld for %s",
                            x->rule.v, r->path.s);
        diag_help(z->ds, d, "App Gateway excludes only arguments "
                            "('ARGS:NAME') from the OWASP rule groups");
        return NULL;
    }
    Diag *d = diag_warning(z->ds, x->variable.loc, "appgw-waf",
                           "App Gateway's exclusions hold for every route: "
                           "the Azure edge skips rule %lld on argument '%s' "
                           "of every route, not only %s",
                           x->rule.v, x->variable.s + 5, r->path.s);
    diag_help(z->ds, d, "nginx and HAProxy scope it to this route; rename "
                        "the argument or tune the rule where it is "
                        "unique to this route");
    JsonVal *e = jv_obj(), *mrs = jv_arr(), *mset = jv_obj(),
            *grps = jv_arr(), *grp = jv_obj(), *rl = jv_arr(), *id = jv_obj();
    char num[32];
    snprintf(num, sizeof num, "%lld", x->rule.v);
    jv_set(id, "ruleId", jv_str(num));
    jv_push(rl, id);
    jv_set(grp, "ruleGroupName", jv_str(group));
    jv_set(grp, "rules", rl);
    jv_push(grps, grp);
    jv_set(mset, "ruleSetType", jv_str("OWASP"));
    jv_set(mset, "ruleSetVersion", jv_str(mr->version.s));
    jv_set(mset, "ruleGroups", grps);
    jv_push(mrs, mset);
    jv_set(e, "matchVariable", jv_str("RequestArgNames"));
    jv_set(e, "selectorMatchOperator", jv_str("Equals"));
    jv_set(e, "selector", jv_str(x->variable.s + 5));
    jv_set(e, "exclusionManagedRuleSets", mrs);
    return e;
}

static bool seen_before(const WafExclusion *const *seen, int n,
                        const WafExclusion *x)
{
    for (int i = 0; i < n; i++)
        if (appgw_exclusion_same(seen[i], x))
            return true;
    return false;
}

static JsonVal *managed_rules(Az *z)
{
    const ManagedRules *mr = z->m->platform->edge->waf->managed_rules;
    bool ms = streq(mr->set.s, "microsoft-default");
    JsonVal *sets = jv_arr(), *set = jv_obj();
    jv_set(set, "ruleSetType", jv_str(ms ? "Microsoft_DefaultRuleSet" : "OWASP"));
    jv_set(set, "ruleSetVersion", jv_str(ms ? "2.1" : mr->version.s));
    jv_push(sets, set);
    JsonVal *excl = jv_arr();
    /* policy-wide, so each once (check_appgw.c refuses a spec with more
     * than App Gateway holds) */
    int max = appgw_max_exclusions(mr), nseen = 0;
    const WafExclusion **seen =
        arena_alloc(z->a, (size_t)(max + 1) * sizeof *seen);
    for (int i = 0; i < z->n; i++) {
        const RouteWaf *rw = z->v[i].r->waf;
        for (int k = 0; rw && k < rw->exclusions.n; k++) {
            const WafExclusion *x = rw->exclusions.v[k];
            JsonVal *e = exclusion(z, x, z->v[i].r);
            if (e && nseen < max && !seen_before(seen, nseen, x)) {
                seen[nseen++] = x;
                jv_push(excl, e);
                continue;
            }
            jv_free(e);
        }
    }
    JsonVal *managed = jv_obj();
    jv_set(managed, "managedRuleSets", sets);
    jv_set(managed, "exclusions", excl);
    return managed;
}

JsonVal *azure_waf_policy(Az *z)
{
    JsonVal *props = jv_obj();
    jv_set(props, "policySettings", waf_settings(z));
    jv_set(props, "customRules", custom_rules(z));
    jv_set(props, "managedRules", managed_rules(z));
    JsonVal *res = jv_obj();
    jv_set(res, "type", jv_str("Microsoft.Network/"
                               "ApplicationGatewayWebApplicationFirewallPolicies"));
    jv_set(res, "apiVersion", jv_str(NRP_VERSION));
    jv_set(res, "name", jv_str(z->wafp));
    jv_set(res, "location", jv_str(z->env->env->region.s));
    jv_set(res, "tags", azure_tags(z));
    jv_set(res, "properties", props);
    return res;
}
