/* gateway_cors.c - which cross-origin requests a host or route accepts,
 * decided once for nginx, HAProxy and API Management.
 *
 * Every target answers a preflight (OPTIONS with Origin and
 * Access-Control-Request-Method) at the edge with 204 and never forwards
 * it; an allowed origin is echoed with Vary: Origin (so caches keep
 * answers per origin), and a disallowed one gets no CORS header at all,
 * which is what makes the browser refuse. */
#include "gateway_cors.h"

#include "topoc/routing.h"
#include "topoc/util.h"

#include <string.h>

const Cors *host_cors(const Model *m, const char *host)
{
    const List *l = &m->platform->edge->gateway->cors;
    for (int i = 0; i < l->n; i++) {
        const Cors *c = l->v[i];
        if (streq(c->host.s, host))
            return c;
    }
    return NULL;
}

const Cors *route_cors(const Model *m, const Route *r)
{
    return r->cors ? r->cors : host_cors(m, r->host.s);
}

const char *cors_origin(Arena *a, const Str *origin, const Environment *env)
{
    if (streq(origin->s, "*") || strstr(origin->s, "://"))
        return origin->s;
    return arena_printf(a, "https://%s.%s", origin->s, env->domain.s);
}

bool cors_any_origin(const Cors *c)
{
    for (int i = 0; i < c->origins.n; i++)
        if (streq(c->origins.v[i].s, "*"))
            return true;
    return false;
}

void cors_methods(const Cors *c, const EnvModel *env, const Route *own,
                  Strbuf *out)
{
    unsigned bits = route_methods(&c->methods);
    if (!c->methods.n && own) {
        bits = route_methods(&own->methods);
    } else if (!c->methods.n) {
        for (int i = 0; i < env->nservices; i++) {
            const Service *s = env->services[i];
            for (int k = 0; k < s->routes.n; k++) {
                const Route *r = s->routes.v[k];
                if (!r->internal.v && streq(r->host.s, c->host.s))
                    bits |= route_methods(&r->methods);
            }
        }
    }
    for (unsigned k = 0; k < 7; k++)
        if (bits & (1u << k))
            sb_printf(out, "%s%s", out->len ? ", " : "",
                      route_method_names[k]);
}

void cors_join(const StrList *l, Strbuf *out)
{
    for (int i = 0; i < l->n; i++)
        sb_printf(out, "%s%s", i ? ", " : "", l->v[i].s);
}
