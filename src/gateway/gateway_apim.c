/* gateway_apim.c - API Management in the Azure edge: an API per host in
 * the edge's template (gateway_azure.c); a backend per service with a
 * public route, and an operation per route and method whose urlTemplate
 * is the route's template, with an XML policy (written with libxml2) that
 * sends it to its service's backend, in templates of their own cut under
 * Resource Manager's limits (gateway/azure/apis-FIRST.json).  App Gateway
 * hands API Management the paths it cannot route on its own.
 */
#include "topoc/arm.h"
#include "topoc/naming.h"
#include "topoc/routing.h"
#include "topoc/util.h"
#include "topoc/xml.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway_azure.h"
#include "gateway_cors.h"

#define APIM_VERSION "2024-05-01"

/* API Management's service is the environment's (environment.json): its
 * name reaches these templates as the parameter apimName, fed from the
 * deployments' outputs, never written here (a template guessing another's
 * names breaks when one of them changes alone). */
#define APIM_NAME "parameters('apimName')"

/* NAME is the resource's full name under the service, "SERVICE/REST":
 * written as format() of the parameter and REST. */
static JsonVal *apim_resource(Az *z, const char *type, const char *name,
                              JsonVal *props, JsonVal *deps)
{
    JsonVal *r = jv_obj();
    char t[160];
    snprintf(t, sizeof t, "Microsoft.ApiManagement/service/%s", type);
    jv_set(r, "type", jv_str(t));
    jv_set(r, "apiVersion", jv_str(APIM_VERSION));
    size_t n = strlen(z->apim);
    const char *rest = !strncmp(name, z->apim, n) && name[n] == '/'
                           ? name + n + 1
                           : name;
    jv_set(r, "name", arm_code(arena_printf(z->a, "[format('{0}/{1}', %s, %s)]",
                                            APIM_NAME, arm_quote(z->a, rest))));
    jv_set(r, "properties", props);
    if (deps)
        jv_set(r, "dependsOn", deps);
    return r;
}

/* "[resourceId('Microsoft.ApiManagement/service/TYPE', <apimName>, 'A'
 * [, 'B'])]" */
static const char *apim_id(Az *z, const char *type, const char *a,
                           const char *b)
{
    return arena_printf(z->a,
                        "[resourceId('Microsoft.ApiManagement/service/%s', "
                        "%s, %s%s%s)]",
                        type, APIM_NAME, arm_quote(z->a, a), b ? ", " : "",
                        b ? arm_quote(z->a, b) : "");
}

static void element(XmlOut *x, const char *name, const char *text)
{
    xml_start(x, name);
    xml_text(x, text);
    xml_end(x);
}

/* <cors>, which must come first in inbound (gateway_cors.c says what it
 * means).  An unmatched origin ends a preflight with no CORS header. */
static void cors_xml(Az *z, XmlOut *x, const Cors *c, const Route *own)
{
    xml_start(x, "cors");
    xml_attr(x, "allow-credentials", c->credentials.v ? "true" : "false");
    xml_attr(x, "terminate-unmatched-request", "true");
    xml_start(x, "allowed-origins");
    for (int i = 0; i < c->origins.n; i++)
        element(x, "origin", cors_origin(z->a, &c->origins.v[i], z->env->env));
    xml_end(x);
    xml_start(x, "allowed-methods");
    xml_attr_int(x, "preflight-result-max-age", c->max_age.v);
    Strbuf ms = STRBUF_INIT;
    cors_methods(c, z->env, own, &ms);
    for (char *m = strtok(ms.buf, ", "); m; m = strtok(NULL, ", "))
        element(x, "method", m);
    sb_release(&ms);
    xml_end(x);
    xml_start(x, "allowed-headers"); /* required, at least one */
    for (int i = 0; i < c->headers.n; i++)
        element(x, "header", c->headers.v[i].s);
    if (!c->headers.n) /* a safelisted header allows nothing more */
        element(x, "header", "Accept");
    xml_end(x);
    if (c->expose_headers.n) {
        xml_start(x, "expose-headers");
        for (int i = 0; i < c->expose_headers.n; i++)
            element(x, "header", c->expose_headers.v[i].s);
        xml_end(x);
    }
    xml_end(x);
}

static void other_sections(XmlOut *x)
{
    static const char *const sections[] = {"backend", "outbound", "on-error"};
    for (int i = 0; i < 3; i++) {
        xml_start(x, sections[i]);
        xml_start(x, "base");
        xml_end(x);
        xml_end(x);
    }
}

/* The API's (host's) policy: its CORS, and URLs over max-url-length
 * refused with 414 (App Gateway's own limit is 32 KB). */
static char *api_policy(Az *z, const Cors *c)
{
    XmlOut *x = xml_new(false, false);
    xml_start(x, "policies");
    xml_start(x, "inbound");
    if (c)
        cors_xml(z, x, c, NULL);
    xml_start(x, "base");
    xml_end(x);
    xml_start(x, "choose");
    xml_start(x, "when");
    xml_attr(x, "condition",
             arena_printf(z->a,
                          "@(context.Request.OriginalUrl.ToString().Length "
                          "> %lld)",
                          z->m->platform->edge->waf->limits
                              ->max_url_length.v));
    xml_start(x, "return-response");
    xml_start(x, "set-status");
    xml_attr(x, "code", "414");
    xml_attr(x, "reason", "URI Too Long");
    xml_end(x);
    xml_end(x);
    xml_end(x);
    xml_end(x);
    xml_end(x);
    other_sections(x);
    Strbuf sb = STRBUF_INIT;
    xml_finish(x, &sb);
    return sb_detach(&sb, NULL);
}

/* The operation's policy: its route's own CORS, if any, and send it to
 * its service's backend. */
static char *operation_policy(Az *z, const RouteEntry *e)
{
    const Service *s = e->svc;
    XmlOut *x = xml_new(false, false);
    xml_start(x, "policies");
    xml_start(x, "inbound");
    if (e->r->cors)
        cors_xml(z, x, e->r->cors, e->r);
    xml_start(x, "base");
    xml_end(x);
    xml_start(x, "set-backend-service");
    xml_attr(x, "backend-id", s->name.s);
    xml_end(x);
    xml_end(x);
    other_sections(x);
    Strbuf sb = STRBUF_INIT;
    xml_finish(x, &sb);
    return sb_detach(&sb, NULL);
}

/* The backend of a service with a public route: its App Service, over
 * TLS checked by chain and name. */
static void apim_backend(Az *z, JsonVal *resources, const Service *s)
{
    JsonVal *p = jv_obj(), *tls = jv_obj();
    jv_set(p, "url", jv_str(arena_printf(z->a, "https://%s",
                                         backend_host(z->a, z->m, z->env, s))));
    jv_set(p, "protocol", jv_str("http"));
    jv_set(tls, "validateCertificateChain", jv_bool(true));
    jv_set(tls, "validateCertificateName", jv_bool(true));
    jv_set(p, "tls", tls);
    jv_set(p, "description", jv_str(s->name.s));
    jv_push(resources,
            apim_resource(z, "backends",
                          arena_printf(z->a, "%s/%s", z->apim, s->name.s), p,
                          NULL));
}

/* The API of one host (route LO's FQDN), named LB, and its policy; a
 * display name and a description (PSRule's APIDescriptors). */
static void apim_api(Az *z, JsonVal *resources, int lo, const char *lb,
                     const char *api)
{
    const char *fqdn = z->v[lo].fqdn;
    JsonVal *ap = jv_obj(), *protocols = jv_arr();
    jv_set(ap, "displayName", jv_str(fqdn));
    jv_set(ap, "description",
           jv_str(arena_printf(z->a, "The routes of %s in %s, each to its "
                                     "service's App Service",
                               fqdn, z->env->env->name.s)));
    jv_set(ap, "path", jv_str(lb));
    jv_push(protocols, jv_str("https"));
    jv_set(ap, "protocols", protocols);
    jv_set(ap, "subscriptionRequired", jv_bool(false));
    jv_push(resources, apim_resource(z, "apis", api, ap, NULL));
    char *api_xml = api_policy(z, host_cors(z->m, z->v[lo].r->host.s));
    JsonVal *ap_pol = jv_obj(), *ap_deps = jv_arr();
    jv_set(ap_pol, "format", jv_str("rawxml"));
    jv_set(ap_pol, "value", jv_str(api_xml));
    free(api_xml);
    jv_push(ap_deps, arm_code(apim_id(z, "apis", lb, NULL)));
    jv_push(resources, apim_resource(z, "apis/policies",
                                     arena_printf(z->a, "%s/policy", api),
                                     ap_pol, ap_deps));
}

/* An operation's name: SERVICE-K-METHOD, or a hash of it when the full
 * name would pass the schema's 80 characters. */
static void operation_name(const char *api, const char *svc, int k,
                           const char *method, char *op, size_t opsz,
                           char *opname, size_t namesz)
{
    snprintf(op, opsz, "%s-%d-%s", svc, k + 1, method);
    snprintf(opname, namesz, "%s/%s", api, op);
    if (strlen(opname) > 80) {
        uint64_t h = fnv1a(op, strlen(op), 1469598103934665603ULL);
        snprintf(op, opsz, "op-%012llx-%s",
                 (unsigned long long)(h & 0xffffffffffffULL), method);
        snprintf(opname, namesz, "%s/%s", api, op);
    }
}

static JsonVal *operation_props(const RouteEntry *e, unsigned b)
{
    Strbuf tmpl = STRBUF_INIT, disp = STRBUF_INIT;
    const char *path = e->r->path.s;
    size_t plen = strlen(path);
    if (plen >= 3 && !strcmp(path + plen - 3, "/**")) {
        sb_add(&tmpl, path, plen - 3);
        sb_puts(&tmpl, "/*");
    } else {
        sb_puts(&tmpl, path);
    }
    sb_printf(&disp, "%s %s", route_method_names[b], path);
    JsonVal *p = jv_obj(), *params = jv_arr();
    jv_set(p, "displayName", jv_str(disp.buf));
    jv_set(p, "method", jv_str(route_method_names[b]));
    jv_set(p, "urlTemplate", jv_str(tmpl.buf));
    for (int s = 0; s < e->nsegs; s++) {
        if (e->segs[s].kind != SEG_PARAM)
            continue;
        JsonVal *tp = jv_obj();
        jv_set(tp, "name", jv_str(e->segs[s].name));
        jv_set(tp, "type", jv_str("string"));
        jv_set(tp, "required", jv_bool(true));
        jv_push(params, tp);
    }
    jv_set(p, "templateParameters", params);
    sb_release(&tmpl);
    sb_release(&disp);
    return p;
}

/* One method of route E (the K-th of its service) in API LB: the
 * operation, and its policy sending it to the service's backend.  Its API
 * is in edge.json and its backend perhaps in an earlier part: the
 * deployments' order sees to those (BACKEND_HERE: it is in this one). */
static void apim_operation(Az *z, JsonVal *resources, const RouteEntry *e,
                           int k, unsigned b, bool backend_here)
{
    char lb[200], api[512], op[128], opname[640], method[16], polname[700];
    azure_edge_label(lb, sizeof lb, e->fqdn);
    snprintf(api, sizeof api, "%s/%s", z->apim, lb);
    snprintf(method, sizeof method, "%s", route_method_names[b]);
    for (char *q = method; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    operation_name(api, e->svc->name.s, k, method, op, sizeof op, opname,
                   sizeof opname);
    jv_push(resources, apim_resource(z, "apis/operations", opname,
                                     operation_props(e, b), NULL));
    snprintf(polname, sizeof polname, "%s/policy", opname);
    char *xml = operation_policy(z, e);
    JsonVal *pp = jv_obj(), *pdeps = jv_arr();
    jv_set(pp, "format", jv_str("rawxml"));
    jv_set(pp, "value", jv_str(xml));
    free(xml);
    jv_push(pdeps, arm_code(arena_printf(
                       z->a,
                       "[resourceId('Microsoft.ApiManagement/service/"
                       "apis/operations', %s, %s, %s)]",
                       APIM_NAME, arm_quote(z->a, lb), arm_quote(z->a, op))));
    if (backend_here)
        jv_push(pdeps, arm_code(apim_id(z, "backends", e->svc->name.s, NULL)));
    jv_push(resources,
            apim_resource(z, "apis/operations/policies", polname, pp, pdeps));
}

/* ---- the parts ----
 * A service's backend, then each method of each of its public routes (an
 * operation and its policy), services by name: the items that
 * arm_parts() cuts into templates of their own (edge.json alone would
 * hold 13,000 resources at 1,000 services).  From the spec alone, so that
 * the top-level deployment (src/manifests) names the same parts. */

typedef struct Op {
    const Service *s;
    const Route *r;
    int k;      /* the route's index in its service */
    unsigned b; /* the method */
} Op;

static int svc_name_cmp(const void *a, const void *b)
{
    const Service *x = *(const Service *const *)a,
                  *y = *(const Service *const *)b;
    return strcmp(x->name.s, y->name.s);
}

static Op *apim_ops(Arena *a, const EnvModel *env, int *n)
{
    const Service **sv =
        arena_alloc(a, ((size_t)env->nservices + 1) * sizeof *sv);
    size_t total = 0;
    for (int i = 0; i < env->nservices; i++) {
        sv[i] = env->services[i];
        total += (size_t)sv[i]->routes.n * 7;
    }
    qsort(sv, (size_t)env->nservices, sizeof *sv, svc_name_cmp);
    Op *v = arena_alloc(a, (total + 1) * sizeof *v);
    *n = 0;
    for (int i = 0; i < env->nservices; i++)
        for (int k = 0; k < sv[i]->routes.n; k++) {
            const Route *r = sv[i]->routes.v[k];
            unsigned bits = route_methods(&r->methods);
            for (unsigned b = 0; !r->internal.v && b < 7; b++)
                if (bits & (1u << b))
                    v[(*n)++] = (Op){sv[i], r, k, b};
        }
    return v;
}

/* The parts' first items into STARTS (room for N). */
static int apim_cut(Arena *a, const Op *ops, int n, int *starts)
{
    ArmItem *items = arena_alloc(a, ((size_t)n + 1) * sizeof *items);
    for (int i = 0; i < n; i++) {
        bool first = i == 0 || ops[i].s != ops[i - 1].s;
        /* bytes: the template is checked when written (below) */
        items[i] = (ArmItem){ops[i].s->name.s, 0, first ? 3 : 2};
    }
    return arm_parts(items, n, ARM_MAX_TEMPLATE_BYTES, ARM_MAX_RESOURCES,
                     starts);
}

/* Part P's name: apis-SERVICE, or apis-SERVICE-K when it starts at the
 * service's K-th operation (a service too large for one part). */
static const char *part_name(Arena *a, const Op *ops, int start)
{
    int k = 0;
    while (start - k > 0 && ops[start - k - 1].s == ops[start].s)
        k++;
    const char *want = k ? arena_printf(a, "apis-%s-%d", ops[start].s->name.s,
                                        k + 1)
                         : arena_printf(a, "apis-%s", ops[start].s->name.s);
    return az_name(a, want, 64, true); /* a deployment's name */
}

int azure_apim_parts(Arena *a, const EnvModel *env, const char ***names,
                     const char ***after)
{
    int n;
    Op *ops = apim_ops(a, env, &n);
    int *starts = arena_alloc(a, ((size_t)n + 1) * sizeof *starts);
    int np = apim_cut(a, ops, n, starts);
    *names = arena_alloc(a, ((size_t)np + 1) * sizeof **names);
    *after = arena_alloc(a, ((size_t)np + 1) * sizeof **after);
    for (int p = 0; p < np; p++) {
        (*names)[p] = part_name(a, ops, starts[p]);
        /* a part that starts inside a service waits for its backend */
        bool inside = starts[p] > 0 && ops[starts[p] - 1].s == ops[starts[p]].s;
        (*after)[p] = inside ? (*names)[p - 1] : NULL;
    }
    return np;
}

static const RouteEntry *entry_of(Az *z, const Route *r)
{
    int lo = 0, hi = z->n; /* z->byroute: the public entries by Route */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if ((uintptr_t)z->byroute[mid]->r < (uintptr_t)r)
            lo = mid + 1;
        else
            hi = mid;
    }
    return z->byroute[lo];
}

static int by_route_cmp(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)(*(const RouteEntry *const *)a)->r,
              y = (uintptr_t)(*(const RouteEntry *const *)b)->r;
    return (x > y) - (x < y);
}

/* Items [lo, hi) as gateway/azure/NAME.json. */
static void write_part(Az *z, const Op *ops, int lo, int hi, const char *name,
                       Outputs *o)
{
    JsonVal *res = jv_arr();
    /* a part that starts inside a service has not its backend */
    bool inside = lo > 0 && ops[lo - 1].s == ops[lo].s;
    for (int i = lo; i < hi; i++) {
        if (i == 0 || ops[i].s != ops[i - 1].s)
            apim_backend(z, res, ops[i].s);
        apim_operation(z, res, entry_of(z, ops[i].r), ops[i].k, ops[i].b,
                       !inside || ops[i].s != ops[lo].s);
    }
    Strbuf sb = STRBUF_INIT;
    JsonVal *params = jv_obj();
    jv_set(params, "apimName", arm_parameter("string", "API Management's "
                                                       "service (the edge's "
                                                       "output)"));
    JsonVal *root = arm_template(params, res);
    arm_write(root, &sb);
    jv_free(root);
    if (sb.len > ARM_MAX_SPEC_BYTES) /* policies of long CORS lists */
        diag_error(z->ds, ops[lo].r->path.loc, "arm-limit",
                   "API Management's operations from here on (%d) take %zu "
                   "bytes, over the %u a template spec holds",
                   hi - lo, sb.len, ARM_MAX_SPEC_BYTES);
    out_add(o, arena_printf(z->a, "%s/gateway/azure/%s.json",
                            z->env->env->name.s, name),
            &sb);
}

void azure_apim(Az *z, JsonVal *resources, Outputs *o)
{
    for (int lo = 0; lo < z->n;) {
        int hi = lo + 1;
        while (hi < z->n && !strcmp(z->v[hi].fqdn, z->v[lo].fqdn))
            hi++;
        char lb[200], api[512];
        azure_edge_label(lb, sizeof lb, z->v[lo].fqdn);
        snprintf(api, sizeof api, "%s/%s", z->apim, lb);
        apim_api(z, resources, lo, lb, api);
        lo = hi;
    }
    z->byroute = arena_alloc(z->a, ((size_t)z->n + 1) * sizeof *z->byroute);
    for (int i = 0; i < z->n; i++)
        z->byroute[i] = &z->v[i];
    qsort(z->byroute, (size_t)z->n, sizeof *z->byroute, by_route_cmp);
    int n;
    Op *ops = apim_ops(z->a, z->env, &n);
    int *starts = arena_alloc(z->a, ((size_t)n + 1) * sizeof *starts);
    int np = apim_cut(z->a, ops, n, starts);
    for (int p = 0; p < np; p++)
        write_part(z, ops, starts[p], p + 1 < np ? starts[p + 1] : n,
                   part_name(z->a, ops, starts[p]), o);
}
