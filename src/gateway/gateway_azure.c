/* gateway_azure.c - the edge on Azure: ENV/gateway/azure/edge.json, one ARM
 * deployment template with
 *   - the Application Gateway WAF policy (gateway_azure_waf.c);
 *   - the Application Gateway WAF_v2: a listener per host, HTTP->HTTPS
 *     redirects, backend pools, URL path maps in first-match order;
 *   - API Management's APIs (gateway_apim.c, which writes its operations
 *     into gateway/azure/apis-*.json, parts under ARM's limits).
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
#include "topoc/regions.h"
#include "topoc/routing.h"
#include "topoc/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway_azure.h"

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

JsonVal *azure_tags(Az *z)
{
    JsonVal *t = jv_obj();
    jv_set(t, "platform", jv_str(z->m->platform->name.s));
    jv_set(t, "environment", jv_str(z->env->env->name.s));
    jv_set(t, "managed-by", jv_str("topoc"));
    return t;
}

/* ---- App Gateway paths ---- */

typedef struct PathRule {
    const char *pattern;
    const Service *svc; /* NULL: API Management routes (several services,
                           or App Gateway's limits: over) */
    const RouteEntry *first;
    int nroutes;
    bool exact, over;
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

/* App Gateway's own limits (Microsoft's "Application Gateway limits",
 * WAF_v2): 100 backend pools and 100 path rules per URL path map, which
 * the Azure edge works within (appgw-limits).  Its listeners, two per host,
 * are appgw.h's: check_appgw.c refuses a spec with more hosts. */
enum { AGW_MAX_POOLS = 100, AGW_MAX_PATH_RULES = 100 };


/* The App Gateway's parts, built host by host. */
typedef struct Agw {
    JsonVal *pools, *listeners, *redirects, *maps, *routing, *rewrites,
        *trusted, *profiles;
    bool *pooled; /* by index in z->env->services: has a pool */
    int npooled;
    int over, rules; /* path patterns over the limits, and in all */
    const Route *first_over;
} Agw;

/* Whether service s has (or now gets) a backend pool of its own; the
 * pool for API Management is the hundredth. */
static bool take_pool(Az *z, Agw *g, const Service *s)
{
    int i = env_service_index(z->env, s->name.s);
    if (g->pooled[i])
        return true;
    if (g->npooled + 1 >= AGW_MAX_POOLS)
        return false;
    g->pooled[i] = true;
    g->npooled++;
    return true;
}

/* One pool for API Management, one per service a path rule sends to. */
static void backend_pools(Az *z, Agw *g)
{
    JsonVal *addrs = jv_arr(), *addr = jv_obj(), *pp = jv_obj();
    /* the environment's service, by the name the edge is fed */
    jv_set(addr, "fqdn",
           arm_code("[format('{0}.azure-api.net', parameters('apimName'))]"));
    jv_push(addrs, addr);
    jv_set(pp, "backendAddresses", addrs);
    jv_push(g->pools, named("pool-api-management", pp));
    for (int i = 0; i < z->env->nservices; i++) {
        const Service *s = z->env->services[i];
        if (!g->pooled[i])
            continue;
        char name[128];
        snprintf(name, sizeof name, "pool-%s", s->name.s);
        const char *host = backend_host(z->a, z->m, z->env, s);
        JsonVal *as = jv_arr(), *ad = jv_obj(), *p = jv_obj();
        jv_set(ad, "fqdn", jv_str(host));
        jv_push(as, ad);
        jv_set(p, "backendAddresses", as);
        jv_push(g->pools, named(name, p));
    }
}

/* Client certificates: a trusted CA (a parameter) and an SSL profile per
 * host that asks for one. */
static void client_certificates(Az *z, Agw *g)
{
    const Gateway *gw = z->m->platform->edge->gateway;
    for (int i = 0; i < gw->client_certificates.n; i++) {
        const ClientCert *cc = gw->client_certificates.v[i];
        char param[160], name[160];
        snprintf(param, sizeof param, "clientCa_%s", cc->ca.s);
        for (char *p = param; *p; p++)
            if (*p == '-')
                *p = '_';
        JsonVal *tp = jv_obj();
        jv_set(tp, "data", arm_code(arm_param(z->a, param)));
        jv_push(g->trusted, named(cc->ca.s, tp));
        snprintf(name, sizeof name, "mtls-%s", cc->host.s);
        JsonVal *prof = jv_obj(), *tl = jv_arr(), *auth = jv_obj();
        jv_push(tl, sub(z, "trustedClientCertificates", cc->ca.s));
        jv_set(prof, "trustedClientCertificates", tl);
        jv_set(auth, "verifyClientCertIssuerDN", jv_bool(true));
        jv_set(prof, "clientAuthConfiguration", auth);
        jv_push(g->profiles, named(name, prof));
    }
}

/* A host's HTTPS listener (with its client-certificate profile), its
 * HTTP listener and the redirect from one to the other. */
static void host_listeners(Az *z, Agw *g, const RouteEntry *e0,
                           const char *https, const char *http,
                           const char *redir)
{
    const Gateway *gw = z->m->platform->edge->gateway;
    const Route *r0 = e0->r;
    JsonVal *hl = listener(z, "https", "Https", e0->fqdn);
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
    jv_push(g->listeners, named(https, hl));
    jv_push(g->listeners, named(http, listener(z, "http", "Http", e0->fqdn)));
    JsonVal *rd = jv_obj();
    jv_set(rd, "redirectType", jv_str("Permanent"));
    jv_set(rd, "targetListener", sub(z, "httpListeners", https));
    jv_set(rd, "includePath", jv_bool(true));
    jv_set(rd, "includeQueryString", jv_bool(true));
    jv_push(g->redirects, named(redir, rd));
}

/* API Management serves a host's APIs under /<label>. */
static void host_rewrite(Agw *g, const char *lb, const char *rw)
{
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
    jv_push(g->rewrites, named(rw, rwp));
}

/* App Gateway's limits on a host's rules, in first-match order: past the
 * hundredth rule, or for a service past the ninety-ninth pool, a pattern
 * goes to API Management, which routes every template exactly (past the
 * hundredth it is left out of the map, whose default is API Management;
 * nothing after it can catch its requests). */
static void limit_rules(Az *z, Agw *g, PathRule *prs, int nrules)
{
    for (int k = 0; k < nrules; k++) {
        PathRule *pr = &prs[k];
        g->rules++;
        if (k < AGW_MAX_PATH_RULES && (!pr->svc || take_pool(z, g, pr->svc)))
            continue;
        pr->svc = NULL;
        pr->over = true;
        g->over++;
        if (!g->first_over)
            g->first_over = pr->first->r;
    }
}

/* The path map of routes [lo, hi) (one host), in first-match order, and
 * what each template becomes in the report. */
static JsonVal *host_path_map(Az *z, Agw *g, int lo, int hi, const char *rw,
                              Strbuf *report)
{
    int nrules;
    PathRule *prs = path_rules(z, lo, hi, &nrules);
    limit_rules(z, g, prs, nrules);
    JsonVal *pm = jv_obj(), *prl = jv_arr();
    jv_set(pm, "defaultBackendAddressPool",
           sub(z, "backendAddressPools", "pool-api-management"));
    jv_set(pm, "defaultBackendHttpSettings",
           sub(z, "backendHttpSettingsCollection", "https-to-backend"));
    jv_set(pm, "defaultRewriteRuleSet", sub(z, "rewriteRuleSets", rw));
    for (int k = 0; k < nrules && k < AGW_MAX_PATH_RULES; k++) {
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
        if (!pr->svc && !pr->over)
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
        /* tab-separated: no column depends on another's width */
        sb_printf(report, "%s\t%s\t%s\t%s\t%s\t%s\n", z->v[i].fqdn,
                  z->v[i].r->path.s, key.pattern,
                  pr->svc ? "app-gateway" : "api-management",
                  z->v[i].svc->name.s,
                  pr->svc ? "own-pattern"
                  : pr->over ? "appgw-limits"
                             : "shared-pattern");
    }
    jv_set(pm, "pathRules", prl);
    return pm;
}

/* Everything App Gateway needs for the host of routes [lo, hi). */
static void host(Az *z, Agw *g, int lo, int hi, int nhost, Strbuf *report)
{
    char lb[200], https[220], http[220], redir[220], map[220], rw[220];
    azure_edge_label(lb, sizeof lb, z->v[lo].fqdn);
    snprintf(https, sizeof https, "https-%s", lb);
    snprintf(http, sizeof http, "http-%s", lb);
    snprintf(redir, sizeof redir, "to-https-%s", lb);
    snprintf(map, sizeof map, "paths-%s", lb);
    snprintf(rw, sizeof rw, "to-api-management-%s", lb);
    host_listeners(z, g, &z->v[lo], https, http, redir);
    host_rewrite(g, lb, rw);
    jv_push(g->maps, named(map, host_path_map(z, g, lo, hi, rw, report)));
    JsonVal *rr = jv_obj(), *rh = jv_obj();
    jv_set(rr, "ruleType", jv_str("PathBasedRouting"));
    jv_set(rr, "priority", jv_int(10 + 2 * nhost));
    jv_set(rr, "httpListener", sub(z, "httpListeners", https));
    jv_set(rr, "urlPathMap", sub(z, "urlPathMaps", map));
    jv_push(g->routing, named(https, rr));
    jv_set(rh, "ruleType", jv_str("Basic"));
    jv_set(rh, "priority", jv_int(11 + 2 * nhost));
    jv_set(rh, "httpListener", sub(z, "httpListeners", http));
    jv_set(rh, "redirectConfiguration",
           sub(z, "redirectConfigurations", redir));
    jv_push(g->routing, named(http, rh));
}

/* The gateway's own settings: SKU, TLS, its subnet and public address,
 * ports, certificate, backend settings. */
static JsonVal *gateway_settings(Az *z)
{
    const Gateway *gw = z->m->platform->edge->gateway;
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
    return p;
}

static JsonVal *app_gateway(Az *z, Strbuf *report)
{
    Agw g = {jv_arr(), jv_arr(), jv_arr(), jv_arr(),
             jv_arr(), jv_arr(), jv_arr(), jv_arr(),
             arena_alloc(z->a, (size_t)z->env->nservices + 1), 0, 0, 0, NULL};
    client_certificates(z, &g);
    int nhost = 0;
    for (int lo = 0, hi; lo < z->n; lo = hi, nhost++) {
        hi = lo + 1;
        while (hi < z->n && !strcmp(z->v[hi].fqdn, z->v[lo].fqdn))
            hi++;
        host(z, &g, lo, hi, nhost, report);
    }
    backend_pools(z, &g);
    if (g.over)
        diag_help(z->ds,
                  diag_info(z->ds, g.first_over->path.loc, "appgw-limits",
                            "in %s, App Gateway holds at most %d backend "
                            "pools and %d path rules per host name: %d of "
                            "its %d path patterns go to API Management "
                            "instead, which routes them by their full "
                            "template",
                            z->env->env->name.s, AGW_MAX_POOLS,
                            AGW_MAX_PATH_RULES, g.over, g.rules),
                  "nothing to change; %s/gateway/azure/appgw-paths.txt says "
                  "where each template goes",
                  z->env->env->name.s);
    JsonVal *p = gateway_settings(z);
    if (jv_len(g.trusted)) {
        jv_set(p, "trustedClientCertificates", g.trusted);
        jv_set(p, "sslProfiles", g.profiles);
    } else {
        jv_free(g.trusted);
        jv_free(g.profiles);
    }
    JsonVal *hs = jv_arr(), *hp = jv_obj();
    jv_set(hp, "port", jv_int(443));
    jv_set(hp, "protocol", jv_str("Https"));
    jv_set(hp, "pickHostNameFromBackendAddress", jv_bool(true));
    jv_set(hp, "requestTimeout", jv_int(30));
    jv_push(hs, named("https-to-backend", hp));
    jv_set(p, "backendHttpSettingsCollection", hs);
    jv_set(p, "backendAddressPools", g.pools);
    jv_set(p, "httpListeners", g.listeners);
    jv_set(p, "redirectConfigurations", g.redirects);
    jv_set(p, "rewriteRuleSets", g.rewrites);
    jv_set(p, "urlPathMaps", g.maps);
    jv_set(p, "requestRoutingRules", g.routing);

    JsonVal *res = jv_obj();
    jv_set(res, "type", jv_str("Microsoft.Network/applicationGateways"));
    jv_set(res, "apiVersion", jv_str(NRP_VERSION));
    jv_set(res, "name", jv_str(z->agw));
    jv_set(res, "location", jv_str(z->env->env->region.s));
    jv_set(res, "tags", azure_tags(z));
    if (region_has_zones(z->env->env->region.s)) { /* as its public IP */
        JsonVal *zones = jv_arr();
        jv_push(zones, jv_str("1"));
        jv_push(zones, jv_str("2"));
        jv_push(zones, jv_str("3"));
        jv_set(res, "zones", zones);
    }
    JsonVal *id = jv_obj(), *uai = jv_obj();
    jv_set(id, "type", jv_str("UserAssigned"));
    arm_set_code_key(uai, arm_param(z->a, "identityId"), jv_obj());
    jv_set(id, "userAssignedIdentities", uai);
    jv_set(res, "identity", id);
    JsonVal *deps = jv_arr();
    jv_push(deps, arm_code(arm_id(
        z->a, "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies",
        z->wafp, NULL)));
    jv_set(res, "dependsOn", deps);
    jv_set(res, "properties", p);
    return res;
}

/* appgw-paths.txt's header: every fate host_path_map writes, and its
 * columns (tab-separated, so a long template breaks no alignment) */
static void paths_header(Strbuf *sb, const char *env)
{
    sb_printf(
        sb,
        "# What each public route template becomes on the %s Application\n"
        "# Gateway, which matches only exact paths and prefixes ending in "
        "'/*' (first\n# match in listed order) and holds at most %d "
        "backend pools and %d path\n# rules per host.  Internal routes are "
        "not at the edge and not listed.\n"
        "# One line per route, tab-separated, in the columns of the line "
        "below:\n"
        "#   host        the route's full host name\n"
        "#   template    the route's path template\n"
        "#   appgw-path  the path rule it becomes: its literal prefix, "
        "exact or ending in /*\n"
        "#   routed-by   app-gateway: App Gateway sends it to the service's "
        "own pool;\n"
        "#               api-management: App Gateway sends it to API "
        "Management, which\n"
        "#               routes on the full template\n"
        "#   service     the service the route reaches either way\n"
        "#   why         own-pattern: only this service's routes become "
        "this path;\n"
        "#               shared-pattern: routes of several services become "
        "it (note appgw-path);\n"
        "#               appgw-limits: past the host's %d path rules or the "
        "%d pools in\n"
        "#               first-match order (note appgw-limits)\n"
        "host\ttemplate\tappgw-path\trouted-by\tservice\twhy\n",
        env, AGW_MAX_POOLS, AGW_MAX_PATH_RULES, AGW_MAX_PATH_RULES,
        AGW_MAX_POOLS);
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
    paths_header(&report, env->env->name.s);
    JsonVal *resources = jv_arr();
    jv_push(resources, azure_waf_policy(&z));
    jv_push(resources, app_gateway(&z, &report));
    azure_apim(&z, resources, o);

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
    jv_set(params, "apimName",
           arm_parameter("string", "The environment's API Management "
                                   "service"));
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
    JsonVal *apim = jv_obj(); /* for API Management's parts */
    jv_set(apim, "type", jv_str("string"));
    jv_set(apim, "value", arm_code("[parameters('apimName')]"));
    jv_set(outs, "apimName", apim);
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
