/* gateway_nginx.c - the edge of one environment for nginx + ModSecurity v3 +
 * OWASP CRS 3.3 as Debian 12 packages them: ENV/gateway/nginx/.
 *
 *   nginx.conf          servers, locations, rate limits, IP lists, maps
 *   site/NAME.conf      what differs per installation: listen addresses,
 *                       upstream servers, certificates, log and tmp paths,
 *                       where the tree is installed (default
 *                       /etc/topoc/gateway; run nginx -p DIR -c nginx.conf)
 *   modsec/main.conf    engine settings, CRS with explicit Includes (no
 *                       IncludeOptional: libmodsecurity 3.0.9 lacks it),
 *                       generated tuning and the platform's custom rules
 *                       (gateway_modsec.c)
 *
 * Routes become regex locations in the matching order (nginx tries regex
 * locations in file order, first match wins).  A location dispatches on
 * the method through a map over "$request_method $uri", which lists the
 * route and every later route that overlaps it, so a request whose path an
 * earlier route matched, but not its method, still reaches the right
 * service.  Protected locations always proxy_pass: a 'return' would end
 * the request before CRS's phase-2 checks.
 *
 * Rule ids (1-99,999 is the local range): 10010 a location's own limits,
 * 10011 'no route' here; 10000-10006 tuning and argument limits,
 * 20000+priority per custom rule in gateway_modsec.c (internal paths are
 * refused by nginx itself on the normalised path: PATH_GUARD).  None depends on the services, so adding one moves no
 * id.  Per-route
 * exclusions and detection-only are location-scoped modsecurity_rules,
 * which need no ids.
 *
 * Escaping: names, hosts and paths are validated by the schema; user
 * regexes (printed from parameter constraints, see constraint.h) are
 * written inside double quotes with quotes and control bytes as \xHH and
 * every backslash doubled for nginx's lexer, so no spec string can end a
 * token or start a directive.
 */
#include "gateway_cors.h"
#include "gateway_limits.h"
#include "gateway_modsec.h"
#include "topoc/escape.h"
#include "topoc/gateway.h"
#include "topoc/routing.h"
#include "topoc/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Gen {
    const Model *m;
    const EnvModel *env;
    Arena *a;
    RouteEntry *v; /* edge routes (not internal), in matching order */
    int n;
    const char **full; /* per route, route_regex_full */
    RouteIndex *ix;    /* the current server's routes, from its first */
    RouteSet near;     /* scratch: the routes that may share its paths */
    Strbuf conf, maps;
    int nloc;
    NginxCorsSeen cors; /* policies whose maps are written */
    const char *hsts;   /* the Strict-Transport-Security value, or NULL */
} Gen;

/* A regex as an nginx double-quoted token: first no raw quote or control
 * byte for PCRE2 (\xHH), then quoted for nginx's lexer, which reads \\ as
 * one backslash (and \t \n \r as control bytes), so every backslash is
 * doubled. */
static void put_regex(Strbuf *sb, const char *re)
{
    Strbuf pcre = STRBUF_INIT;
    escape_pcre(&pcre, re, "\"");
    sb_putc(sb, '"');
    for (const char *p = pcre.buf; *p; p++) {
        if (*p == '\\')
            sb_putc(sb, '\\');
        sb_putc(sb, *p);
    }
    sb_putc(sb, '"');
    sb_release(&pcre);
}

static const char *upstream(Gen *g, const Service *s)
{
    (void)g;
    return s->name.s; /* validated name: [a-z0-9-] */
}

static void method_alternation(unsigned bits, Strbuf *sb)
{
    sb_puts(sb, "(?:");
    bool first = true;
    for (unsigned k = 0; k < 7; k++)
        if (bits & (1u << k)) {
            sb_printf(sb, "%s%s", first ? "" : "|", route_method_names[k]);
            first = false;
        }
    sb_putc(sb, ')');
}

/* The rate limits that apply to a route: those without paths, and those
 * that name its path. */
static void rate_limits(Gen *g, const RouteEntry *e, Strbuf *sb)
{
    const Waf *w = g->m->platform->edge->waf;
    for (int i = 0; i < w->rate_limits.n; i++) {
        const RateLimit *rl = w->rate_limits.v[i];
        if (!rate_limit_applies(rl, e->r))
            continue;
        /* nginx lets burst+1 requests through back to back */
        long long b = rate_limit_burst(rl) - 1;
        sb_printf(sb, "        limit_req zone=rl_%s", rl->name.s);
        if (b > 0)
            sb_printf(sb, " burst=%lld nodelay", b);
        sb_puts(sb, ";\n");
    }
}

/* A route's own limits: nginx's body size, and ModSecurity's -- the
 * parser's ceiling and the limits rules 200007 and 10005/10006 read from
 * TX (crs-tuning.conf sets the edge's values only where a location has
 * not). */
static void limits_for_route(const Waf *w, const RouteEntry *e, Strbuf *sb)
{
    const RouteWaf *rw = e->r->waf;
    if (rw->max_body_size.loc.set) {
        sb_printf(sb, "        client_max_body_size %lldk;\n",
                  (rw->max_body_size.v + 1023) / 1024);
        sb_printf(sb, "        modsecurity_rules 'SecRequestBodyNoFilesLimit "
                      "%lld';\n",
                  route_max_body(w, e->r));
    }
    if (rw->max_args.loc.set || rw->max_json_args.loc.set)
        sb_printf(sb,
                  "        modsecurity_rules 'SecArgumentsLimit %lld\n"
                  "            SecAction \"id:10010,phase:1,pass,nolog,t:none,"
                  "setvar:tx.topoc_args_limit=%lld,"
                  "setvar:tx.topoc_max_args=%lld\"';\n",
                  route_args_ceiling(w, e->r), route_args_ceiling(w, e->r),
                  route_max_args(w, e->r));
}

static void waf_for_route(const Waf *w, const RouteEntry *e, Strbuf *sb)
{
    const RouteWaf *rw = e->r->waf;
    if (!rw)
        return;
    limits_for_route(w, e, sb);
    if (streq(rw->mode.s, "detection"))
        sb_puts(sb, "        modsecurity_rules 'SecRuleEngine "
                    "DetectionOnly';\n");
    else if (streq(rw->mode.s, "prevention"))
        sb_puts(sb, "        modsecurity_rules 'SecRuleEngine On';\n");
    for (int i = 0; i < rw->exclusions.n; i++) {
        const WafExclusion *x = rw->exclusions.v[i];
        if (x->variable.s)
            sb_printf(sb,
                      "        modsecurity_rules 'SecRuleUpdateTargetById "
                      "%lld \"!%s\"';\n",
                      x->rule.v, x->variable.s);
        else
            sb_printf(sb, "        modsecurity_rules 'SecRuleRemoveById "
                          "%lld';\n",
                      x->rule.v);
    }
}

/* One location for route i (unless an earlier one has the same regex),
 * with its method map.  The routes that may share its paths come from
 * the server's index: only they can have the same regex or relate. */
static void location(Gen *g, int lo, int i)
{
    const RouteEntry *e = &g->v[i];
    route_index_query(g->ix, e, &g->near);
    for (int j = 0; j < g->near.n && lo + g->near.v[j] < i; j++)
        if (strcmp(g->full[lo + g->near.v[j]], g->full[i]) == 0)
            return; /* that location's map already dispatches this route */
    /* named after the route, not its position, so that adding a service
     * renames nothing else */
    Strbuf var = STRBUF_INIT;
    sb_puts(&var, "topoc_");
    for (const char *p = e->svc->name.s; *p; p++)
        sb_putc(&var, *p == '-' ? '_' : *p);
    for (int k = 0; k < e->svc->routes.n; k++)
        if (e->svc->routes.v[k] == e->r)
            sb_printf(&var, "_%d", k + 1);
    g->nloc++;
    sb_printf(&g->maps, "    map \"$request_method $uri\" $%s {\n", var.buf);
    for (int j = 0; j < g->near.n; j++) {
        int k = lo + g->near.v[j];
        const RouteEntry *o = &g->v[k];
        if (k < i || (k != i && route_relate(e, o) == REL_NONE))
            continue;
        Strbuf key = STRBUF_INIT;
        sb_puts(&key, "~^");
        method_alternation(o->methods, &key);
        sb_putc(&key, ' ');
        sb_puts(&key, g->full[k] + 1); /* without its '^' */
        sb_puts(&g->maps, "        ");
        put_regex(&g->maps, key.buf);
        sb_printf(&g->maps, " %s;\n", upstream(g, o->svc));
        sb_release(&key);
    }
    sb_puts(&g->maps, "        default \"\";\n    }\n");

    Strbuf m = STRBUF_INIT;
    route_methods_text(e->methods, &m);
    sb_printf(&g->conf, "\n    # %s: %s %s\n    location ~ ", e->svc->name.s,
              m.buf, e->r->path.s);
    sb_release(&m);
    put_regex(&g->conf, g->full[i]);
    sb_puts(&g->conf, " {\n");
    nginx_cors_location(g->a, g->m, g->env, e->r, var.buf, g->hsts, &g->cors,
                        &g->maps, &g->conf);
    sb_printf(&g->conf,
              "        set $topoc_upstream $%s;\n"
              "        if ($topoc_upstream = \"\") {\n"
              "            set $topoc_upstream topoc_no_method;\n"
              "        }\n",
              var.buf);
    rate_limits(g, e, &g->conf);
    waf_for_route(g->m->platform->edge->waf, e, &g->conf);
    sb_puts(&g->conf, "        proxy_pass $topoc_scheme://$topoc_upstream;\n"
                      "    }\n");
    sb_release(&var);
}

static const ClientCert *client_cert(const Gen *g, const RouteEntry *e)
{
    const Gateway *gw = g->m->platform->edge->gateway;
    for (int i = 0; i < gw->client_certificates.n; i++) {
        const ClientCert *cc = gw->client_certificates.v[i];
        if (streq(cc->host.s, e->r->host.s))
            return cc;
    }
    return NULL;
}

/* A path no route takes is refused by the internal server behind
 * topoc_no_route -- after ModSecurity has scored the request and its
 * body (a 'return' here would answer before phase 2) -- and logged. */
static void no_route(Strbuf *sb)
{
    sb_puts(sb, "\n    location / {\n"
                "        modsecurity_rules 'SecAction \"id:10011,phase:2,"
                "pass,log,auditlog,t:none,"
                "msg:\\'request matches no route\\'\"';\n"
                "        set $topoc_upstream topoc_no_route;\n"
                "        proxy_pass $topoc_scheme://$topoc_upstream;\n"
                "    }\n");
}

/* Paths are decided on nginx's normal form, $uri: percent-decoded, with
 * '.' and '..' segments resolved and '//' merged (nginx itself refuses a
 * '..' above the root, a bad or NUL escape with 400).  What no normal form
 * keeps safe is refused first: an encoded '/' or '\\' (a service that
 * decodes it sees other segments than the edge did), a '\\' (IIS reads it
 * as '/') and a '.;' or '..;' segment (Tomcat reads it as '.' or '..').
 * Internal paths are refused on $uri at the server, so no location, route
 * or CRS rule sees one; HAProxy's template does the same in the same
 * order. */
static const char PATH_GUARD[] = "    if ($topoc_bad_path) {\n"
                                 "        return 400;\n"
                                 "    }\n"
                                 "    if ($topoc_url_too_long) {\n"
                                 "        return 414;\n"
                                 "    }\n"
                                 "    if ($topoc_internal_path) {\n"
                                 "        return 403;\n"
                                 "    }\n";

static void path_maps(Gen *g)
{
    const Policy *pol = g->m->platform->policy;
    sb_puts(&g->maps,
            "    map $uri $topoc_bad_segment {\n"
            "        default 0;\n"
            "        \"~(?:^|/)\\\\.\\\\.?;\" 1;\n"
            "    }\n"
            "    map $request_uri $topoc_bad_path {\n"
            "        default $topoc_bad_segment;\n"
            "        \"~^[^?]*(?:%(?:2[fF]|5[cC]|00)|\\\\x5c)\" 1;\n"
            "    }\n"
            "    map $uri $topoc_internal_path {\n"
            "        default 0;\n");
    for (int i = 0; i < pol->internal_paths.n; i++) {
        Strbuf re = STRBUF_INIT;
        path_regex(g->a, &pol->internal_paths.v[i], &re);
        sb_printf(&g->maps, "        # %s\n        ", pol->internal_paths.v[i].s);
        sb_putc(&g->maps, '"');
        sb_putc(&g->maps, '~');
        Strbuf q = STRBUF_INIT;
        put_regex(&q, re.buf);
        sb_puts(&g->maps, q.buf + 1); /* put_regex's opening quote goes */
        sb_puts(&g->maps, " 1;\n");
        sb_release(&q);
        sb_release(&re);
    }
    sb_puts(&g->maps, "    }\n");
}

static void server(Gen *g, int lo, int hi)
{
    const RouteEntry *first = &g->v[lo];
    sb_printf(&g->conf,
              "\n# ---- %s ----\nserver {\n"
              "    include site/listen-https.conf;\n"
              "    server_name %s;\n"
              "    include site/tls.conf;\n",
              first->fqdn, first->fqdn);
    if (g->hsts)
        sb_printf(&g->conf,
                  "    add_header Strict-Transport-Security \"%s\" always;\n",
                  g->hsts);
    const ClientCert *cc = client_cert(g, first);
    if (cc)
        sb_printf(&g->conf,
                  "    ssl_client_certificate tls/%s.pem;\n"
                  "    ssl_verify_client on;\n",
                  cc->ca.s);
    sb_puts(&g->conf, PATH_GUARD);
    /* the services get the path the edge decided on, not the client's:
     * nginx sends $uri escaped again once the URI has been rewritten */
    sb_puts(&g->conf, "    rewrite ^ $uri;\n"
                      "    include site/proxy.conf;\n");
    g->ix = route_index(g->a, g->v + lo, hi - lo);
    for (int i = lo; i < hi; i++)
        location(g, lo, i);
    no_route(&g->conf);
    sb_puts(&g->conf, "}\n");
}

static void http_head(Gen *g, Strbuf *sb)
{
    const Waf *w = g->m->platform->edge->waf;
    const Gateway *gw = g->m->platform->edge->gateway;
    sb_printf(sb,
              "# topoc: the %s edge of platform '%s'.  Generated: change the "
              "spec, not this file.\n"
              "# Installation-specific settings are in site/.\n"
              "load_module /usr/lib/nginx/modules/"
              "ngx_http_modsecurity_module.so;\n"
              "worker_processes auto;\n"
              "pid logs/nginx.pid;\n"
              "error_log logs/error.log notice;\n\n"
              "events {\n    worker_connections 1024;\n}\n\n"
              "http {\n"
              "    access_log logs/access.log;\n"
              "    client_body_temp_path tmp/body;\n"
              "    proxy_temp_path tmp/proxy;\n"
              "    fastcgi_temp_path tmp/fastcgi;\n"
              "    uwsgi_temp_path tmp/uwsgi;\n"
              "    scgi_temp_path tmp/scgi;\n"
              "    server_tokens off;\n"
              "    client_max_body_size %lldk;\n"
              "    large_client_header_buffers 4 %lldk;\n"
              "    ssl_protocols %s;\n"
              "    ssl_prefer_server_ciphers off;\n"
              "    modsecurity on;\n"
              "    include site/modsecurity.conf;\n"
              "    limit_req_status 429;\n"
              "    map $request_uri $topoc_url_too_long {\n"
              "        default 0;\n"
              "        \"~^.{%lld}.\" 1;\n"
              "    }\n"
              "    map $topoc_upstream $topoc_scheme {\n"
              "        default %s;\n"
              "        topoc_no_route http;\n"
              "        topoc_no_method http;\n"
              "    }\n",
              g->env->env->name.s, g->m->platform->name.s,
              (w->limits->max_body_size.v + 1023) / 1024,
              (w->limits->max_header_size.v + 1023) / 1024,
              strcmp(gw->tls_min_version.s, "1.3") == 0 ? "TLSv1.3"
                                                         : "TLSv1.2 TLSv1.3",
              w->limits->max_url_length.v,
              gw->internal_tls.v ? "https" : "http");
    for (int i = 0; i < w->rate_limits.n; i++) {
        const RateLimit *rl = w->rate_limits.v[i];
        /* nginx counts per second or per minute: per minute, rounded up */
        long long per_min = (rl->requests.v * 60 + rl->period.v - 1) /
                            rl->period.v;
        sb_printf(sb, "    limit_req_zone %s zone=rl_%s:10m rate=%lldr/m;\n",
                  streq(rl->key.s, "api-key") ? "$http_authorization"
                                              : "$binary_remote_addr",
                  rl->name.s, per_min);
    }
    for (int i = 0; i < w->deny_ips.n; i++)
        sb_printf(sb, "    deny %s;\n", w->deny_ips.v[i].s);
    for (int i = 0; i < w->allow_ips.n; i++)
        sb_printf(sb, "    allow %s;\n", w->allow_ips.v[i].s);
    if (w->allow_ips.n)
        sb_puts(sb, "    deny all;\n");
    sb_puts(sb, "    include site/upstreams.conf;\n");
}

static void upstreams(Gen *g, Outputs *o, const char *dir)
{
    Strbuf sb = STRBUF_INIT, hosts = STRBUF_INIT;
    bool tls = g->m->platform->edge->gateway->internal_tls.v;
    sb_printf(&sb, "# Upstream servers of the %s services: the App Service "
                   "default hosts.\n",
              g->env->env->name.s);
    sb_puts(&hosts, "    map $topoc_upstream $topoc_upstream_host {\n");
    for (int i = 0; i < g->env->nservices; i++) {
        const Service *s = g->env->services[i];
        if (!has_public_route(s))
            continue;
        const char *host = backend_host(g->a, g->m, g->env, s);
        sb_printf(&sb, "upstream %s {\n    server %s:%d;\n    keepalive 8;\n}\n",
                  upstream(g, s), host, tls ? 443 : 80);
        sb_printf(&hosts, "        %s %s;\n", upstream(g, s), host);
    }
    sb_puts(&hosts, "        topoc_no_route no-route.topoc.invalid;\n"
                    "        topoc_no_method no-method.topoc.invalid;\n"
                    "        default \"\";\n    }\n");
    char path[512];
    snprintf(path, sizeof path, "%s/site/upstreams.conf", dir);
    out_add(o, path, &sb);
    sb_puts(&g->maps, hosts.buf);
    sb_release(&hosts);
}

static void site_files(Gen *g, Outputs *o, const char *dir)
{
    static const struct {
        const char *name, *text;
    } files[] = {
        {"listen-http.conf", "listen 80;\nlisten [::]:80;\n"},
        {"listen-https.conf", "listen 443 ssl http2;\nlisten [::]:443 ssl "
                              "http2;\n"},
        {"tls.conf", "ssl_certificate tls/gateway.crt;\n"
                     "ssl_certificate_key tls/gateway.key;\n"},
        {"proxy.conf",
         "proxy_http_version 1.1;\n"
         "proxy_set_header Connection \"\";\n"
         "proxy_set_header Host $topoc_upstream_host;\n"
         "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
         "proxy_set_header X-Forwarded-Proto https;\n"
         "proxy_set_header X-Request-Id $request_id;\n"
         "proxy_ssl_server_name on;\n"
         "proxy_ssl_name $topoc_upstream_host;\n"
         "proxy_ssl_verify on;\n"
         "proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;\n"},
        {"modsec-site.conf", "SecAuditLog /var/log/nginx/modsec_audit.log\n"
                             "SecTmpDir /tmp/\nSecDataDir /tmp/\n"},
        /* the internal server that refuses what no route takes */
        {"listen-refuse.conf", "listen unix:/run/topoc-gateway/refuse.sock;\n"},
        {"refuse-server.conf", "server unix:/run/topoc-gateway/refuse.sock;\n"},
        /* the connector opens this path from nginx's working directory,
         * not its prefix: name where the tree is installed */
        {"modsecurity.conf", "modsecurity_rules_file "
                             "/etc/topoc/gateway/modsec/main.conf;\n"},
    };
    (void)g;
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        Strbuf sb = STRBUF_INIT;
        sb_puts(&sb, files[i].text);
        char path[512];
        snprintf(path, sizeof path, "%s/site/%s", dir, files[i].name);
        out_add(o, path, &sb);
    }
}

/* The servers every edge has: plain HTTP redirects the platform's hosts
 * (known from $topoc_known_host) to HTTPS, an unknown host gets the
 * default server, and the refusals are servers of their own, reached only
 * after ModSecurity has scored the request. */
static const char FIXED_SERVERS[] =
    "\n# Plain HTTP redirects to HTTPS, for the platform's hosts only.\n"
    "server {\n"
    "    include site/listen-http.conf;\n"
    "    server_name _;\n"
    "    if ($topoc_known_host = 0) {\n"
    "        return 404;\n"
    "    }\n"
    "    return 301 https://$host$request_uri;\n"
    "}\n"
    "\n# HTTPS for an unknown host: the first server is the default.\n"
    "server {\n"
    "    include site/listen-https.conf;\n"
    "    server_name _;\n"
    "    include site/tls.conf;\n"
    "    if ($topoc_bad_path) {\n"
    "        return 400;\n"
    "    }\n"
    "    if ($topoc_url_too_long) {\n"
    "        return 414;\n"
    "    }\n"
    "    if ($topoc_internal_path) {\n"
    "        return 403;\n"
    "    }\n"
    "    include site/proxy.conf;\n"
    "    location / {\n"
    "        set $topoc_upstream topoc_no_route;\n"
    "        proxy_pass $topoc_scheme://$topoc_upstream;\n"
    "    }\n"
    "}\n"
    "\n# Refusals, reached only through the gateway's own servers once\n"
    "# ModSecurity has seen the request: an unknown path is 404, a\n"
    "# method the path's routes do not take is 405.\n"
    "upstream topoc_no_route {\n"
    "    include site/refuse-server.conf;\n"
    "}\n"
    "upstream topoc_no_method {\n"
    "    include site/refuse-server.conf;\n"
    "}\n"
    "server {\n"
    "    include site/listen-refuse.conf;\n"
    "    server_name no-route.topoc.invalid;\n"
    "    modsecurity off;\n"
    "    access_log off;\n"
    "    return 404;\n"
    "}\n"
    "server {\n"
    "    include site/listen-refuse.conf;\n"
    "    server_name no-method.topoc.invalid;\n"
    "    modsecurity off;\n"
    "    access_log off;\n"
    "    return 405;\n"
    "}\n";

/* The generator's view of an environment: its edge routes (not the
 * internal ones) in matching order with their full regexes, the HSTS
 * header, and the CORS preflight map when any route answers CORS. */
static void gen_init(Gen *g, const Model *m, const EnvModel *env, Arena *a)
{
    *g = (Gen){.m = m, .env = env, .a = a};
    const Gateway *gw = m->platform->edge->gateway;
    if (gw->hsts->enabled.v)
        g->hsts = arena_printf(
            a, "max-age=%lld%s%s", gw->hsts->max_age.v,
            gw->hsts->include_subdomains.v ? "; includeSubDomains" : "",
            gw->hsts->preload.v ? "; preload" : "");
    int n;
    RouteEntry *all = routing_table(a, env, &n);
    g->v = arena_alloc(a, ((size_t)n + 1) * sizeof *g->v);
    bool cors = gw->cors.n > 0;
    for (int i = 0; i < n; i++)
        if (!all[i].r->internal.v) {
            g->v[g->n++] = all[i];
            cors = cors || all[i].r->cors;
        }
    g->full = arena_alloc(a, ((size_t)g->n + 1) * sizeof *g->full);
    for (int i = 0; i < g->n; i++) {
        Strbuf re = STRBUF_INIT;
        route_regex_full(&g->v[i], &re);
        g->full[i] = arena_strdup(a, re.buf);
        sb_release(&re);
    }
    g->cors.v =
        arena_alloc(a, ((size_t)n + gw->cors.n + 1) * sizeof *g->cors.v);
    if (cors)
        nginx_cors_preflight_map(&g->maps);
}

/* The platform's hosts, for plain HTTP: known ones go to HTTPS, anything
 * else is 404. */
static void known_hosts(Gen *g)
{
    sb_puts(&g->maps,
            "    map $host $topoc_known_host {\n        default 0;\n");
    for (int i = 0; i < g->n; i++)
        if (i == 0 || strcmp(g->v[i].fqdn, g->v[i - 1].fqdn))
            sb_printf(&g->maps, "        %s 1;\n", g->v[i].fqdn);
    sb_puts(&g->maps, "    }\n");
}

/* A server per host: the routes are in matching order, grouped by host. */
static void host_servers(Gen *g)
{
    for (int lo = 0; lo < g->n;) {
        int hi = lo + 1;
        while (hi < g->n && strcmp(g->v[hi].r->host.s, g->v[lo].r->host.s) == 0)
            hi++;
        server(g, lo, hi);
        lo = hi;
    }
}

/* nginx.conf: the http block's head, the maps, then the servers indented
 * into the http block. */
static void nginx_conf(Gen *g, const Strbuf *head, Outputs *o, const char *dir)
{
    Strbuf conf = STRBUF_INIT;
    sb_puts(&conf, head->buf);
    sb_puts(&conf, g->maps.buf);
    for (const char *p = g->conf.buf; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len)
            sb_puts(&conf, "    ");
        sb_add(&conf, p, len);
        sb_putc(&conf, '\n');
        p += len + (nl ? 1 : 0);
    }
    sb_puts(&conf, "}\n");
    char path[512];
    snprintf(path, sizeof path, "%s/nginx.conf", dir);
    out_add(o, path, &conf);
}

static void emit_env(const Model *m, const EnvModel *env, Outputs *o)
{
    Arena a;
    arena_init(&a);
    Gen g;
    gen_init(&g, m, env, &a);
    char dir[256];
    snprintf(dir, sizeof dir, "%s/gateway/nginx", env->env->name.s);
    Strbuf head = STRBUF_INIT;
    http_head(&g, &head);
    upstreams(&g, o, dir);
    known_hosts(&g);
    path_maps(&g);
    sb_puts(&g.conf, FIXED_SERVERS);
    host_servers(&g);
    nginx_conf(&g, &head, o, dir);
    site_files(&g, o, dir);
    unsigned methods = 0;
    for (int i = 0; i < g.n; i++)
        methods |= g.v[i].methods;
    nginx_modsec_files(m, methods, o, dir);
    sb_release(&head);
    sb_release(&g.conf);
    sb_release(&g.maps);
    free(g.near.v);
    arena_free(&a);
}

void emit_nginx(const Model *m, Outputs *o)
{
    for (int i = 0; i < m->nenvs; i++)
        emit_env(m, &m->envs[i], o);
}
