/* gateway_azure.c - the edge on Azure: ENV/gateway/azure/edge.json, one ARM
 * deployment template with
 *   - the Application Gateway WAF policy (managed rule set, mode, limits,
 *     custom rules for IP lists, internal paths, rate limits and the
 *     platform's own rules, exclusions);
 *   - the Application Gateway WAF_v2: a listener per host, HTTP->HTTPS
 *     redirects, backend pools, URL path maps in first-match order;
 *   - API Management (gateway_apim.c).
 * and ENV/gateway/azure/appgw-paths.txt.
 *
 * App Gateway path rules allow only an exact path or a prefix ending in
 * a slash and a star, and take the first that matches in listed order.  A
 * template is reduced to its literal prefix; a pattern that only one
 * service's routes reduce to goes to that service, one shared by several
 * goes to API Management, which routes on the full template.  Each template's fate is
 * in appgw-paths.txt, and every pattern handed to API Management is a note.
 */
#include "topoc/arm.h"
#include "topoc/gateway.h"
#include "topoc/json.h"
#include "topoc/routing.h"
#include "topoc/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway_azure.h"
#include "gateway_limits.h"

#define NRP_VERSION "2025-07-01"

static JsonVal *ref(Az *z, const char *type, const char *a, const char *b)
{
    JsonVal *o = jv_obj();
    jv_set(o, "id", arm_code(arm_id(z->a, type, a, b)));
    return o;
}

static JsonVal *sub(Az *z, const char *kind, const char *name)
{
    char type[128];
    snprintf(type, sizeof type, "Microsoft.Network/applicationGateways/%s",
             kind);
    return ref(z, type, z->agw, name);
}

static JsonVal *named(const char *name, JsonVal *props)
{
    JsonVal *o = jv_obj();
    jv_set(o, "name", jv_str(name));
    jv_set(o, "properties", props);
    return o;
}

static JsonVal *tags(Az *z)
{
    JsonVal *t = jv_obj();
    jv_set(t, "platform", jv_str(z->m->platform->name.s));
    jv_set(t, "environment", jv_str(z->env->env->name.s));
    jv_set(t, "managed-by", jv_str("topoc"));
    return t;
}

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

/* CRS 3.2 rule groups by rule id hundreds. */
static const char *crs_group(long long id)
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

/* App Gateway's WAF policy limits, and what it says where its limits
 * differ from the spec's: a note where the Azure edge is stricter, a
 * warning where it lets through what the spec refuses. */
enum { APPGW_MIN_BODY_KB = 8, APPGW_MAX_BODY_KB = 2048, APPGW_MAX_RULES = 100 };

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
        diag_info(z->ds, rl->burst.set ? rl->burst.loc : rl->period.loc,
                  "appgw-waf",
                  "App Gateway counts rate limit '%s' as %lld request%s per "
                  "%s window, not as a bucket of %lld refilled at %lld per "
                  "%llds",
                  rl->name.s, per < 1 ? 1 : per, per > 1 ? "s" : "",
                  one ? "1-minute" : "5-minute",
                  rate_limit_burst(rl), rl->requests.v, rl->period.v);
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
    if (prio > APPGW_MAX_RULES) {
        Diag *d = diag_error(z->ds, w->loc, "invalid-value",
                             "the Azure edge needs %d WAF custom rules (IP "
                             "lists, internal paths, rate limits and custom "
                             "rules); App Gateway allows at most %d",
                             prio, APPGW_MAX_RULES);
        diag_help(z->ds, d, "merge custom rules that share a variable and "
                            "an operator (each takes a list of values)");
    }
    return rules;
}

/* A route's exclusion of an argument from a managed rule.  App Gateway's
 * exclusions hold for the whole policy, every route of the edge; other
 * variables have no App Gateway equivalent. */
static JsonVal *exclusion(Az *z, const WafExclusion *x, const Route *r)
{
    const ManagedRules *mr = z->m->platform->edge->waf->managed_rules;
    const char *group = crs_group(x->rule.v);
    if (!x->variable.s || !group || streq(mr->set.s, "microsoft-default") ||
        strncmp(x->variable.s, "ARGS:", 5) != 0) {
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

static JsonVal *managed_rules(Az *z)
{
    const ManagedRules *mr = z->m->platform->edge->waf->managed_rules;
    bool ms = streq(mr->set.s, "microsoft-default");
    JsonVal *sets = jv_arr(), *set = jv_obj();
    jv_set(set, "ruleSetType", jv_str(ms ? "Microsoft_DefaultRuleSet" : "OWASP"));
    jv_set(set, "ruleSetVersion", jv_str(ms ? "2.1" : mr->version.s));
    jv_push(sets, set);
    JsonVal *excl = jv_arr();
    for (int i = 0; i < z->n; i++) {
        const RouteWaf *rw = z->v[i].r->waf;
        for (int k = 0; rw && k < rw->exclusions.n; k++) {
            JsonVal *e = exclusion(z, rw->exclusions.v[k], z->v[i].r);
            if (e)
                jv_push(excl, e);
        }
    }
    JsonVal *managed = jv_obj();
    jv_set(managed, "managedRuleSets", sets);
    jv_set(managed, "exclusions", excl);
    return managed;
}

static JsonVal *waf_policy(Az *z)
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
    jv_set(res, "tags", tags(z));
    jv_set(res, "properties", props);
    return res;
}

/* ---- App Gateway paths ---- */

typedef struct PathRule {
    const char *pattern;
    const Service *svc; /* NULL: several services, API Management routes */
    const RouteEntry *first;
    int nroutes;
    bool exact;
} PathRule;

/* The longest literal prefix of a template, as an App Gateway path. */
static const char *appgw_pattern(Az *z, const RouteEntry *e, bool *exact)
{
    Strbuf sb = STRBUF_INIT;
    int i = 0;
    while (i < e->nsegs && e->segs[i].kind == SEG_LIT)
        sb_printf(&sb, "/%s", e->segs[i++].lit);
    *exact = i == e->nsegs;
    if (*exact && !sb.len)
        sb_putc(&sb, '/');
    else if (!*exact)
        sb_puts(&sb, "/*");
    const char *p = arena_strdup(z->a, sb.buf);
    sb_release(&sb);
    return p;
}

static int rule_cmp(const void *a, const void *b)
{
    const PathRule *x = a, *y = b;
    if (x->exact != y->exact) /* exact paths first */
        return x->exact ? -1 : 1;
    size_t lx = strlen(x->pattern), ly = strlen(y->pattern);
    if (lx != ly) /* then the longer prefix first */
        return lx > ly ? -1 : 1;
    return strcmp(x->pattern, y->pattern);
}

typedef struct Pat {
    const char *p;
    bool exact;
    int i; /* the route's index in z->v */
} Pat;

static int pat_cmp(const void *a, const void *b)
{
    const Pat *x = a, *y = b;
    int c = strcmp(x->p, y->p);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* The path rules of routes [lo, hi) (one host), in first-match order:
 * the routes' patterns sorted, so that equal ones are neighbours. */
static PathRule *path_rules(Az *z, int lo, int hi, int *n)
{
    Pat *pats = arena_alloc(z->a, (size_t)(hi - lo + 1) * sizeof *pats);
    for (int i = lo; i < hi; i++) {
        Pat *t = &pats[i - lo];
        t->p = appgw_pattern(z, &z->v[i], &t->exact);
        t->i = i;
    }
    qsort(pats, (size_t)(hi - lo), sizeof *pats, pat_cmp);
    PathRule *v = arena_alloc(z->a, (size_t)(hi - lo + 1) * sizeof *v);
    *n = 0;
    for (int k = 0; k < hi - lo; k++) {
        const RouteEntry *e = &z->v[pats[k].i];
        if (k == 0 || strcmp(pats[k].p, pats[k - 1].p))
            v[(*n)++] = (PathRule){pats[k].p, e->svc, e, 0, pats[k].exact};
        else if (v[*n - 1].svc != e->svc)
            v[*n - 1].svc = NULL;
        v[*n - 1].nroutes++;
    }
    qsort(v, (size_t)*n, sizeof *v, rule_cmp);
    return v;
}

void azure_edge_label(char *out, size_t n, const char *host)
{
    snprintf(out, n, "%s", host);
    for (char *p = out; *p; p++)
        if (*p == '.')
            *p = '-';
}

/* An App Gateway listener on the public frontend for one host name. */
static JsonVal *listener(Az *z, const char *port, const char *protocol,
                         const char *fqdn)
{
    JsonVal *l = jv_obj();
    jv_set(l, "frontendIPConfiguration",
           sub(z, "frontendIPConfigurations", "public"));
    jv_set(l, "frontendPort", sub(z, "frontendPorts", port));
    jv_set(l, "protocol", jv_str(protocol));
    jv_set(l, "hostName", jv_str(fqdn));
    return l;
}

static JsonVal *app_gateway(Az *z, Strbuf *report)
{
    const Gateway *gw = z->m->platform->edge->gateway;
    JsonVal *pools = jv_arr(), *listeners = jv_arr(), *redirects = jv_arr(),
            *maps = jv_arr(), *routing = jv_arr(), *rewrites = jv_arr(),
            *trusted = jv_arr(), *profiles = jv_arr();
    char apim_host[256];
    snprintf(apim_host, sizeof apim_host, "%s.azure-api.net", z->apim);
    JsonVal *addrs = jv_arr(), *addr = jv_obj(), *pp = jv_obj();
    jv_set(addr, "fqdn", jv_str(apim_host));
    jv_push(addrs, addr);
    jv_set(pp, "backendAddresses", addrs);
    jv_push(pools, named("pool-api-management", pp));
    for (int i = 0; i < z->env->nservices; i++) {
        const Service *s = z->env->services[i];
        if (!has_public_route(s))
            continue;
        char name[128];
        snprintf(name, sizeof name, "pool-%s", s->name.s);
        const char *host = backend_host(z->a, z->m, z->env, s);
        JsonVal *as = jv_arr(), *ad = jv_obj(), *p = jv_obj();
        jv_set(ad, "fqdn", jv_str(host));
        jv_push(as, ad);
        jv_set(p, "backendAddresses", as);
        jv_push(pools, named(name, p));
    }
    for (int i = 0; i < gw->client_certificates.n; i++) {
        const ClientCert *cc = gw->client_certificates.v[i];
        char param[160], name[160];
        snprintf(param, sizeof param, "clientCa_%s", cc->ca.s);
        for (char *p = param; *p; p++)
            if (*p == '-')
                *p = '_';
        JsonVal *tp = jv_obj();
        jv_set(tp, "data", arm_code(arm_param(z->a, param)));
        jv_push(trusted, named(cc->ca.s, tp));
        snprintf(name, sizeof name, "mtls-%s", cc->host.s);
        JsonVal *prof = jv_obj(), *tl = jv_arr(), *auth = jv_obj();
        jv_push(tl, sub(z, "trustedClientCertificates", cc->ca.s));
        jv_set(prof, "trustedClientCertificates", tl);
        jv_set(auth, "verifyClientCertIssuerDN", jv_bool(true));
        jv_set(prof, "clientAuthConfiguration", auth);
        jv_push(profiles, named(name, prof));
    }
    int nhost = 0;
    for (int lo = 0; lo < z->n; nhost++) {
        int hi = lo + 1;
        while (hi < z->n && !strcmp(z->v[hi].r->fqdn.s, z->v[lo].r->fqdn.s))
            hi++;
        const Route *r0 = z->v[lo].r;
        char lb[200], https[220], http[220], redir[220], map[220], rw[220];
        azure_edge_label(lb, sizeof lb, r0->fqdn.s);
        snprintf(https, sizeof https, "https-%s", lb);
        snprintf(http, sizeof http, "http-%s", lb);
        snprintf(redir, sizeof redir, "to-https-%s", lb);
        snprintf(map, sizeof map, "paths-%s", lb);
        snprintf(rw, sizeof rw, "to-api-management-%s", lb);
        /* listeners */
        JsonVal *hl = listener(z, "https", "Https", r0->fqdn.s);
        jv_set(hl, "requireServerNameIndication", jv_bool(true));
        jv_set(hl, "sslCertificate", sub(z, "sslCertificates", "gateway"));
        for (int i = 0; i < gw->client_certificates.n; i++) {
            const ClientCert *cc = gw->client_certificates.v[i];
            if (streq(cc->host.s, r0->host.s)) {
                char pn[160];
                snprintf(pn, sizeof pn, "mtls-%s", cc->host.s);
                jv_set(hl, "sslProfile", sub(z, "sslProfiles", pn));
            }
        }
        jv_push(listeners, named(https, hl));
        jv_push(listeners,
                named(http, listener(z, "http", "Http", r0->fqdn.s)));
        JsonVal *rd = jv_obj();
        jv_set(rd, "redirectType", jv_str("Permanent"));
        jv_set(rd, "targetListener", sub(z, "httpListeners", https));
        jv_set(rd, "includePath", jv_bool(true));
        jv_set(rd, "includeQueryString", jv_bool(true));
        jv_push(redirects, named(redir, rd));
        /* API Management serves this host's APIs under /<label> */
        JsonVal *rwp = jv_obj(), *rules = jv_arr(), *rule_ = jv_obj(),
                *actions = jv_obj(), *url = jv_obj();
        char path[240];
        snprintf(path, sizeof path, "/%s{var_uri_path}", lb);
        jv_set(url, "modifiedPath", jv_str(path));
        jv_set(url, "reroute", jv_bool(false));
        jv_set(actions, "urlConfiguration", url);
        jv_set(rule_, "name", jv_str("prefix-api-path"));
        jv_set(rule_, "ruleSequence", jv_int(100));
        jv_set(rule_, "actionSet", actions);
        jv_push(rules, rule_);
        jv_set(rwp, "rewriteRules", rules);
        jv_push(rewrites, named(rw, rwp));
        /* the path map, in first-match order */
        int nrules;
        PathRule *prs = path_rules(z, lo, hi, &nrules);
        JsonVal *pm = jv_obj(), *prl = jv_arr();
        jv_set(pm, "defaultBackendAddressPool",
               sub(z, "backendAddressPools", "pool-api-management"));
        jv_set(pm, "defaultBackendHttpSettings",
               sub(z, "backendHttpSettingsCollection", "https-to-backend"));
        jv_set(pm, "defaultRewriteRuleSet", sub(z, "rewriteRuleSets", rw));
        sb_printf(report, "\n%s\n", r0->fqdn.s);
        for (int k = 0; k < nrules; k++) {
            const PathRule *pr = &prs[k];
            char pool[128], name[64];
            snprintf(pool, sizeof pool, "pool-%s",
                     pr->svc ? pr->svc->name.s : "api-management");
            snprintf(name, sizeof name, "rule-%d", k + 1);
            JsonVal *rp = jv_obj(), *paths = jv_arr();
            jv_push(paths, jv_str(pr->pattern));
            jv_set(rp, "paths", paths);
            jv_set(rp, "backendAddressPool", sub(z, "backendAddressPools", pool));
            jv_set(rp, "backendHttpSettings",
                   sub(z, "backendHttpSettingsCollection", "https-to-backend"));
            if (!pr->svc)
                jv_set(rp, "rewriteRuleSet", sub(z, "rewriteRuleSets", rw));
            jv_push(prl, named(name, rp));
            if (!pr->svc)
                diag_info(z->ds, pr->first->r->path.loc, "appgw-path",
                          "App Gateway cannot route %s by its template: it "
                          "becomes '%s', shared by %d routes of several "
                          "services, so API Management routes them",
                          pr->first->r->path.s, pr->pattern, pr->nroutes);
        }
        for (int i = lo; i < hi; i++) {
            PathRule key = {0};
            key.pattern = appgw_pattern(z, &z->v[i], &key.exact);
            const PathRule *pr = bsearch(&key, prs, (size_t)nrules,
                                         sizeof *prs, rule_cmp);
            sb_printf(report, "  %-70s -> %-40s -> %s\n", z->v[i].r->path.s,
                      key.pattern,
                      pr->svc ? pr->svc->name.s : "API Management");
        }
        jv_set(pm, "pathRules", prl);
        jv_push(maps, named(map, pm));
        JsonVal *rr = jv_obj(), *rh = jv_obj();
        jv_set(rr, "ruleType", jv_str("PathBasedRouting"));
        jv_set(rr, "priority", jv_int(10 + 2 * nhost));
        jv_set(rr, "httpListener", sub(z, "httpListeners", https));
        jv_set(rr, "urlPathMap", sub(z, "urlPathMaps", map));
        jv_push(routing, named(https, rr));
        jv_set(rh, "ruleType", jv_str("Basic"));
        jv_set(rh, "priority", jv_int(11 + 2 * nhost));
        jv_set(rh, "httpListener", sub(z, "httpListeners", http));
        jv_set(rh, "redirectConfiguration",
               sub(z, "redirectConfigurations", redir));
        jv_push(routing, named(http, rh));
        lo = hi;
    }
    JsonVal *p = jv_obj();
    JsonVal *sku = jv_obj();
    jv_set(sku, "name", jv_str("WAF_v2"));
    jv_set(sku, "tier", jv_str("WAF_v2"));
    jv_set(p, "sku", sku);
    JsonVal *auto_ = jv_obj();
    jv_set(auto_, "minCapacity", jv_int(2));
    jv_set(auto_, "maxCapacity", jv_int(10));
    jv_set(p, "autoscaleConfiguration", auto_);
    jv_set(p, "enableHttp2", jv_bool(true));
    const char *fwid = arm_id(
        z->a, "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies",
        z->wafp, NULL);
    jv_set(p, "firewallPolicy",
           ref(z, "Microsoft.Network/"
                  "ApplicationGatewayWebApplicationFirewallPolicies",
               z->wafp, NULL));
    JsonVal *ssl = jv_obj();
    if (streq(gw->tls_min_version.s, "1.3")) {
        jv_set(ssl, "policyType", jv_str("CustomV2"));
        jv_set(ssl, "minProtocolVersion", jv_str("TLSv1_3"));
    } else {
        jv_set(ssl, "policyType", jv_str("Predefined"));
        jv_set(ssl, "policyName", jv_str("AppGwSslPolicy20220101S"));
    }
    jv_set(p, "sslPolicy", ssl);
    JsonVal *gic = jv_arr(), *gp = jv_obj(), *subnet = jv_obj();
    jv_set(subnet, "id", arm_code(arm_param(z->a, "gatewaySubnetId")));
    jv_set(gp, "subnet", subnet);
    jv_push(gic, named("gateway-ip", gp));
    jv_set(p, "gatewayIPConfigurations", gic);
    JsonVal *fic = jv_arr(), *fp = jv_obj(), *pip = jv_obj();
    jv_set(pip, "id", arm_code(arm_param(z->a, "publicIpAddressId")));
    jv_set(fp, "publicIPAddress", pip);
    jv_push(fic, named("public", fp));
    jv_set(p, "frontendIPConfigurations", fic);
    JsonVal *ports = jv_arr(), *p80 = jv_obj(), *p443 = jv_obj();
    jv_set(p80, "port", jv_int(80));
    jv_set(p443, "port", jv_int(443));
    jv_push(ports, named("http", p80));
    jv_push(ports, named("https", p443));
    jv_set(p, "frontendPorts", ports);
    JsonVal *certs = jv_arr(), *cp = jv_obj();
    jv_set(cp, "keyVaultSecretId", arm_code(arm_param(z->a, "certificateSecretId")));
    jv_push(certs, named("gateway", cp));
    jv_set(p, "sslCertificates", certs);
    if (jv_len(trusted)) {
        jv_set(p, "trustedClientCertificates", trusted);
        jv_set(p, "sslProfiles", profiles);
    } else {
        jv_free(trusted);
        jv_free(profiles);
    }
    JsonVal *hs = jv_arr(), *hp = jv_obj();
    jv_set(hp, "port", jv_int(443));
    jv_set(hp, "protocol", jv_str("Https"));
    jv_set(hp, "pickHostNameFromBackendAddress", jv_bool(true));
    jv_set(hp, "requestTimeout", jv_int(30));
    jv_push(hs, named("https-to-backend", hp));
    jv_set(p, "backendHttpSettingsCollection", hs);
    jv_set(p, "backendAddressPools", pools);
    jv_set(p, "httpListeners", listeners);
    jv_set(p, "redirectConfigurations", redirects);
    jv_set(p, "rewriteRuleSets", rewrites);
    jv_set(p, "urlPathMaps", maps);
    jv_set(p, "requestRoutingRules", routing);

    JsonVal *res = jv_obj();
    jv_set(res, "type", jv_str("Microsoft.Network/applicationGateways"));
    jv_set(res, "apiVersion", jv_str(NRP_VERSION));
    jv_set(res, "name", jv_str(z->agw));
    jv_set(res, "location", jv_str(z->env->env->region.s));
    jv_set(res, "tags", tags(z));
    JsonVal *id = jv_obj(), *uai = jv_obj();
    jv_set(id, "type", jv_str("UserAssigned"));
    arm_set_code_key(uai, arm_param(z->a, "identityId"), jv_obj());
    jv_set(id, "userAssignedIdentities", uai);
    jv_set(res, "identity", id);
    JsonVal *deps = jv_arr();
    jv_push(deps, arm_code(fwid));
    jv_set(res, "dependsOn", deps);
    jv_set(res, "properties", p);
    return res;
}

static void emit_env(const Model *m, const EnvModel *env, Diags *ds,
                     Outputs *o)
{
    Arena a;
    arena_init(&a);
    Az z = {.m = m, .env = env, .ds = ds, .a = &a};
    snprintf(z.agw, sizeof z.agw, "agw-%s-%s", m->platform->name.s,
             env->env->name.s);
    snprintf(z.wafp, sizeof z.wafp, "wafp-%s-%s", m->platform->name.s,
             env->env->name.s);
    snprintf(z.apim, sizeof z.apim, "apim-%s-%s", m->platform->name.s,
             env->env->name.s);
    int n;
    RouteEntry *all = routing_table(&a, env, &n);
    z.v = arena_alloc(&a, ((size_t)n + 1) * sizeof *z.v);
    for (int i = 0; i < n; i++)
        if (!all[i].r->internal.v)
            z.v[z.n++] = all[i];

    Strbuf report = STRBUF_INIT;
    sb_printf(&report,
              "# What each route template becomes on the %s Application "
              "Gateway, which\n# matches only exact paths and prefixes "
              "ending in '/*', first match in\n# listed order.  Patterns "
              "shared by several services go to API Management,\n# which "
              "routes on the full template.\n",
              env->env->name.s);
    JsonVal *resources = jv_arr();
    jv_push(resources, waf_policy(&z));
    jv_push(resources, app_gateway(&z, &report));
    azure_apim(&z, resources);

    JsonVal *params = jv_obj();
    jv_set(params, "gatewaySubnetId",
           arm_parameter("string", "The subnet the Application Gateway uses"));
    jv_set(params, "publicIpAddressId",
           arm_parameter("string", "The gateway's public IP address resource"));
    jv_set(params, "certificateSecretId",
           arm_parameter("string", "Key Vault secret of the TLS certificate"));
    jv_set(params, "identityId",
           arm_parameter("string", "User-assigned identity that reads the "
                               "Key Vault"));
    const Gateway *gw = m->platform->edge->gateway;
    for (int i = 0; i < gw->client_certificates.n; i++) {
        char pn[160];
        snprintf(pn, sizeof pn, "clientCa_%s",
                 ((const ClientCert *)gw->client_certificates.v[i])->ca.s);
        for (char *p = pn; *p; p++)
            if (*p == '-')
                *p = '_';
        jv_set(params, pn, arm_parameter("securestring", "Client CA, base64"));
    }
    JsonVal *root = arm_template(params, resources);
    /* what the top-level deployment (ENV/main.json) wires to monitoring */
    JsonVal *outs = jv_obj(), *agw = jv_obj();
    jv_set(agw, "type", jv_str("string"));
    jv_set(agw, "value", arm_code(arm_id(&a, "Microsoft.Network/"
                                             "applicationGateways",
                                         z.agw, NULL)));
    jv_set(outs, "applicationGatewayId", agw);
    jv_set(root, "outputs", outs);
    Strbuf sb = STRBUF_INIT;
    arm_write(root, &sb);
    jv_free(root);
    char path[256];
    snprintf(path, sizeof path, "%s/gateway/azure/edge.json", env->env->name.s);
    out_add(o, path, &sb);
    snprintf(path, sizeof path, "%s/gateway/azure/appgw-paths.txt",
             env->env->name.s);
    out_add(o, path, &report);
    arena_free(&a);
}

void emit_azure(const Model *m, Diags *ds, Outputs *o)
{
    for (int i = 0; i < m->nenvs; i++)
        emit_env(m, &m->envs[i], ds, o);
}
