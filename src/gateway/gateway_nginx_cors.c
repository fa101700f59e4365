/* gateway_nginx_cors.c - CORS for the nginx edge (gateway_nginx.c).
 *
 * Per policy, maps turn $http_origin into the header values: the origin
 * itself when it is allowed, "" otherwise -- and nginx sends no header
 * whose value is "" -- so a disallowed origin gets no CORS header.  A
 * preflight is answered in the location with 204 before the request is
 * dispatched (never forwarded).  nginx inherits add_header only into a
 * level with none of its own, so the location repeats HSTS, and the
 * preflight block repeats everything.  Upstream copies of the headers
 * are hidden: two Access-Control-Allow-Origin values make browsers fail.
 */
#include "gateway_cors.h"

#include "topoc/escape.h"
#include "topoc/util.h"

#include <ctype.h>
#include <string.h>

static const char *const hidden[] = {
    "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods", "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers", "Access-Control-Max-Age"};

void nginx_cors_preflight_map(Strbuf *maps)
{
    sb_puts(maps, "    map \"$request_method:$http_access_control_request_"
                  "method\" $topoc_preflight {\n"
                  "        default 0;\n"
                  "        \"~^OPTIONS:.\" 1;\n"
                  "    }\n");
}

/* map $NAME $NAME_SUFFIX: VALUE when the origin is allowed, else "". */
static void value_map(Strbuf *maps, const char *name, const char *suffix,
                      const char *value)
{
    sb_printf(maps, "    map $%s $%s_%s {\n        default \"\";\n"
                    "        \"~.\" \"",
              name, name, suffix);
    for (const char *p = value; *p; p++) /* names and digits only */
        if (isalnum((unsigned char)*p) || strchr("-, _", *p))
            sb_putc(maps, *p);
    sb_puts(maps, "\";\n    }\n");
}

static void maps_for(Arena *a, const EnvModel *env, const Cors *c,
                     const Route *own, const char *name, Strbuf *maps)
{
    sb_printf(maps, "    map $http_origin $%s {\n        default \"\";\n",
              name);
    if (cors_any_origin(c))
        sb_puts(maps, "        \"~.\" $http_origin;\n");
    else {
        sb_puts(maps, "        \"~^(?:");
        for (int i = 0; i < c->origins.n; i++) {
            if (i)
                sb_putc(maps, '|');
            escape_pcre_literal(maps,
                                cors_origin(a, &c->origins.v[i], env->env));
        }
        sb_puts(maps, ")$\" $http_origin;\n");
    }
    sb_puts(maps, "    }\n");
    Strbuf v = STRBUF_INIT;
    cors_methods(c, env, own, &v);
    value_map(maps, name, "methods", v.buf);
    sb_reset(&v);
    cors_join(&c->headers, &v);
    if (v.len)
        value_map(maps, name, "headers", v.buf);
    sb_reset(&v);
    cors_join(&c->expose_headers, &v);
    if (v.len)
        value_map(maps, name, "expose", v.buf);
    sb_reset(&v);
    sb_printf(&v, "%lld", c->max_age.v);
    value_map(maps, name, "max_age", v.buf);
    if (c->credentials.v)
        value_map(maps, name, "credentials", "true");
    sb_release(&v);
}

static void headers(const Cors *c, const char *name, const char *hsts,
                    bool preflight, const char *indent, Strbuf *conf)
{
    sb_printf(conf, "%sadd_header Access-Control-Allow-Origin $%s always;\n",
              indent, name);
    if (c->credentials.v)
        sb_printf(conf, "%sadd_header Access-Control-Allow-Credentials "
                        "$%s_credentials always;\n",
                  indent, name);
    if (preflight) {
        sb_printf(conf, "%sadd_header Access-Control-Allow-Methods "
                        "$%s_methods always;\n",
                  indent, name);
        if (c->headers.n)
            sb_printf(conf, "%sadd_header Access-Control-Allow-Headers "
                            "$%s_headers always;\n",
                      indent, name);
        sb_printf(conf, "%sadd_header Access-Control-Max-Age $%s_max_age "
                        "always;\n",
                  indent, name);
    } else if (c->expose_headers.n) {
        sb_printf(conf, "%sadd_header Access-Control-Expose-Headers "
                        "$%s_expose always;\n",
                  indent, name);
    }
    sb_printf(conf, "%sadd_header Vary Origin always;\n", indent);
    if (hsts)
        sb_printf(conf, "%sadd_header Strict-Transport-Security \"%s\" "
                        "always;\n",
                  indent, hsts);
}

void nginx_cors_location(Arena *a, const Model *m, const EnvModel *env,
                         const Route *r, const char *name, const char *hsts,
                         NginxCorsSeen *seen, Strbuf *maps, Strbuf *conf)
{
    const Cors *c = route_cors(m, r);
    if (!c)
        return;
    const char *map = c == r->cors
                          ? arena_printf(a, "%s_cors", name)
                          : arena_printf(a, "topoc_cors_%s", c->host.s);
    for (char *p = (char *)map; *p; p++)
        if (*p == '-' || *p == '.')
            *p = '_';
    bool done = false;
    for (int i = 0; i < seen->n && !done; i++)
        done = seen->v[i] == c;
    if (!done) {
        seen->v[seen->n++] = c;
        maps_for(a, env, c, c == r->cors ? r : NULL, map, maps);
    }
    headers(c, map, hsts, false, "        ", conf);
    for (size_t i = 0; i < sizeof hidden / sizeof *hidden; i++)
        sb_printf(conf, "        proxy_hide_header %s;\n", hidden[i]);
    sb_puts(conf, "        if ($topoc_preflight) {\n");
    headers(c, map, hsts, true, "            ", conf);
    sb_puts(conf, "            return 204;\n        }\n");
}
