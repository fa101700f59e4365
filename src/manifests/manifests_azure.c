/* manifests_azure.c - one Azure deployment per environment.
 *
 *   ENV/main.json             the top-level template: a linked deployment
 *                             (templateLink.id, a template spec) for the
 *                             environment, the edge, each part of API
 *                             Management's operations and each part of
 *                             the services (manifests/azure/services-
 *                             FIRST.json, linking services/NAME.json), in
 *                             dependency order, each fed from the
 *                             environment's outputs
 *   ENV/main.parameters.json  what an operator supplies (Entra admin group,
 *                             certificate name, client CAs...)
 *   ENV/deploy.sh             the one command: a template spec per part,
 *                             then main.json deployed to a resource group
 *
 * The linked templates (manifests/azure/environment.json, services/NAME.json,
 * gateway/azure/edge.json) never guess another template's names: what one
 * needs from another arrives as a parameter.  Names are derived here, once.
 * Also the shapes every template shares: tags, role assignments,
 * diagnostic settings.
 */
#include "manifests_azure.h"
#include "topoc/gateway.h"
#include "topoc/regions.h"
#include "topoc/routing.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

JsonVal *mf_location(void) { return arm_code("[parameters('location')]"); }
const char *mf_platform(const Mf *f) { return f->m->platform->name.s; }
const char *mf_env(const Mf *f) { return f->env->env->name.s; }

static const char *nm(Mf *f, const char *prefix, size_t max, bool hyphens)
{
    return az_name(f->a, arena_printf(f->a, "%s-%s-%s", prefix, mf_platform(f),
                                       mf_env(f)),
                    max, hyphens);
}

const char *mf_vault(Mf *f)
{
    return env_vault_name(f->a, f->m, f->env->env);
}
const char *mf_vault_name(Arena *a, const Model *m, const EnvModel *e)
{
    Mf f = {m, e, NULL, a};
    return mf_vault(&f);
}
const char *mf_vnet(Mf *f) { return nm(f, "vnet", 64, true); }
const char *mf_workspace(Mf *f) { return nm(f, "log", 63, true); }
const char *mf_insights(Mf *f) { return nm(f, "appi", 255, true); }
/* API Management's service: environment.json names it; the edge and the
 * APIs' parts are fed that name (its output apimName), never derive it */
const char *mf_apim(Mf *f)
{
    return arena_printf(f->a, "apim-%s-%s", mf_platform(f), mf_env(f));
}
const char *mf_edge_identity(Mf *f) { return nm(f, "id-edge", 128, true); }

const char *mf_store_type(const Store *s)
{
    if (streq(s->kind.s, "sql"))
        return "Microsoft.Sql/servers";
    if (streq(s->kind.s, "key-vault"))
        return "Microsoft.KeyVault/vaults";
    if (streq(s->kind.s, "cache"))
        return "Microsoft.Cache/redis";
    return "Microsoft.Storage/storageAccounts";
}

const char *mf_store_name(Arena *a, const Store *s)
{
    return store_azure_name(a, s);
}

const char *mf_store_resource(Mf *f, const Store *s)
{
    return mf_store_name(f->a, s);
}

const char *mf_store_endpoint(Arena *a, const Store *s)
{
    const char *host = arena_printf(a, "%s%s", store_azure_name(a, s),
                                    store_host_suffix(s));
    if (streq(s->kind.s, "sql") || streq(s->kind.s, "cache"))
        return host;
    return arena_printf(a, "https://%s/", host);
}

const char *mf_site(Mf *f, const Service *s)
{
    const char *host = backend_host(f->a, f->m, f->env, s);
    return arena_strndup(f->a, host, strcspn(host, "."));
}

const char *mf_inner(Mf *f, const char *expr)
{
    return arena_strndup(f->a, expr + 1, strlen(expr) - 2);
}

const char *mf_upper(Mf *f, const char *name)
{
    char *u = arena_strdup(f->a, name);
    for (char *p = u; *p; p++)
        *p = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
    return u;
}

JsonVal *mf_tags(Mf *f, const char *service, const char *team)
{
    JsonVal *t = jv_obj();
    jv_set(t, "platform", jv_str(mf_platform(f)));
    jv_set(t, "environment", jv_str(mf_env(f)));
    if (service)
        jv_set(t, "service", jv_str(service));
    if (team)
        jv_set(t, "team", jv_str(team));
    return t;
}

JsonVal *mf_resource(const char *type, const char *version, const char *name,
                     JsonVal *location, JsonVal *tags)
{
    JsonVal *r = jv_obj();
    jv_set(r, "type", jv_str(type));
    jv_set(r, "apiVersion", jv_str(version));
    jv_set(r, "name", jv_str(name));
    jv_set(r, "location", location);
    jv_set(r, "tags", tags);
    return r;
}

JsonVal *mf_deps1(const char *expr)
{
    JsonVal *d = jv_arr();
    jv_push(d, arm_code(expr));
    return d;
}

JsonVal *mf_template(Mf *f, JsonVal *resources)
{
    JsonVal *params = jv_obj(), *loc = jv_obj(), *allowed = jv_arr();
    const char **ar;
    int nar = residency_regions(f->a, f->m->platform->residency, &ar);
    for (int i = 0; i < nar; i++)
        jv_push(allowed, jv_str(ar[i]));
    jv_set(loc, "type", jv_str("string"));
    jv_set(loc, "defaultValue", jv_str(f->env->env->region.s));
    jv_set(loc, "allowedValues", allowed);
    jv_set(params, "location", loc);
    return arm_template(params, resources);
}

static size_t write_limited(Mf *f, JsonVal *root, const char *file,
                            Outputs *o, Loc at, size_t max_bytes)
{
    Strbuf sb = STRBUF_INIT;
    arm_write(root, &sb);
    const JsonVal *res = jv_get(root, "resources");
    int n = res ? (int)jv_len(res) : 0;
    jv_free(root);
    size_t len = sb.len;
    if (n > ARM_MAX_RESOURCES || len > max_bytes) {
        Diag *d = diag_error(
            f->ds, at, "arm-limit",
            "the %s environment's %s would hold %d resources in %zu bytes: "
            "Resource Manager refuses more than %d resources or %zu bytes "
            "there",
            mf_env(f), file, n, len, ARM_MAX_RESOURCES, max_bytes);
        bool svc = !strncmp(file, "manifests/azure/services/", 25);
        diag_help(f->ds, d, "%s (topoc explain arm-limit)",
                  svc ? "one service's resources are one template: split "
                        "the service into smaller ones"
                      : "this file links the environment's parts: split "
                        "the platform into smaller platforms");
    }
    out_add(o, arena_printf(f->a, "%s/%s", mf_env(f), file), &sb);
    return len;
}

/* (each template is one template spec, or packed in one with others) */
size_t mf_write(Mf *f, JsonVal *root, const char *file, Outputs *o, Loc at)
{
    return write_limited(f, root, file, o, at, ARM_MAX_SPEC_BYTES);
}

/* ---- roles ---- */

const Role ROLE_KV_SECRETS_USER = {"Key Vault Secrets User",
                                   "4633458b-17de-408a-b874-0445c86b69e6"};
static const Role KV_SECRETS_OFFICER = {"Key Vault Secrets Officer",
                                        "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"};
static const Role BLOB_READER = {"Storage Blob Data Reader",
                                 "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"};
static const Role BLOB_CONTRIBUTOR = {"Storage Blob Data Contributor",
                                      "ba92f5b4-2d11-453d-a403-e96b0029c9fe"};
static const Role QUEUE_PROCESSOR = {"Storage Queue Data Message Processor",
                                     "8a0f0c08-91a1-4084-bc3d-661d67233fed"};
static const Role QUEUE_SENDER = {"Storage Queue Data Message Sender",
                                  "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a"};
static const Role QUEUE_CONTRIBUTOR = {"Storage Queue Data Contributor",
                                       "974c5e8b-45b9-4653-ba55-5f855dd0fb88"};
static const Role REDIS_CONTRIBUTOR = {"Redis Cache Contributor",
                                       "e0f68234-74aa-48ed-b826-c38b57376e17"};

const Role *mf_store_role(const Store *s, const char *access)
{
    bool read = streq(access, "read"), write = streq(access, "write");
    if (streq(s->kind.s, "key-vault"))
        return read ? &ROLE_KV_SECRETS_USER : &KV_SECRETS_OFFICER;
    if (streq(s->kind.s, "blob"))
        return read ? &BLOB_READER : &BLOB_CONTRIBUTOR;
    if (streq(s->kind.s, "queue"))
        return read ? &QUEUE_PROCESSOR
                    : write ? &QUEUE_SENDER : &QUEUE_CONTRIBUTOR;
    if (streq(s->kind.s, "cache"))
        return &REDIS_CONTRIBUTOR; /* data access is Entra, below */
    return NULL;                   /* sql: a contained user (SERVICE.sql) */
}

JsonVal *mf_role(Mf *f, const Role *role, const char *scope_id,
                 const char *principal, const char *principal_seed,
                 JsonVal *deps)
{
    /* scope_id and principal_seed are expression texts "[...]": their
     * insides go into guid() so the name is stable across deployments */
    const char *scope_in = mf_inner(f, scope_id);
    const char *seed_in = mf_inner(f, principal_seed);
    JsonVal *r = jv_obj(), *p = jv_obj();
    jv_set(r, "type", jv_str("Microsoft.Authorization/roleAssignments"));
    jv_set(r, "apiVersion", jv_str(ROLES));
    jv_set(r, "name", arm_code(arena_printf(f->a, "[guid(%s, %s, '%s')]",
                                            scope_in, seed_in, role->guid)));
    jv_set(r, "scope", arm_code(scope_id));
    jv_set(p, "roleDefinitionId",
           arm_code(arena_printf(
               f->a,
               "[subscriptionResourceId('Microsoft.Authorization/"
               "roleDefinitions', '%s')]",
               role->guid)));
    jv_set(p, "principalId", arm_code(principal));
    jv_set(p, "principalType", jv_str("ServicePrincipal"));
    jv_set(p, "description", jv_str(role->name));
    jv_set(r, "properties", p);
    jv_set(r, "dependsOn", deps);
    return r;
}

JsonVal *mf_diagnostics(Mf *f, const char *target_id, const char *workspace_id,
                        bool logs, bool metrics, const char *dep)
{
    (void)f;
    JsonVal *r = jv_obj(), *p = jv_obj();
    jv_set(r, "type", jv_str("Microsoft.Insights/diagnosticSettings"));
    jv_set(r, "apiVersion", jv_str(INSIGHTS_DIAG));
    jv_set(r, "name", jv_str("to-log-analytics"));
    jv_set(r, "scope", arm_code(target_id));
    jv_set(p, "workspaceId", arm_code(workspace_id));
    if (logs) {
        JsonVal *l = jv_arr(), *g = jv_obj();
        jv_set(g, "categoryGroup", jv_str("allLogs"));
        jv_set(g, "enabled", jv_bool(true));
        jv_push(l, g);
        jv_set(p, "logs", l);
    }
    if (metrics) {
        JsonVal *m = jv_arr(), *c = jv_obj();
        jv_set(c, "category", jv_str("AllMetrics"));
        jv_set(c, "enabled", jv_bool(true));
        jv_push(m, c);
        jv_set(p, "metrics", m);
    }
    jv_set(r, "properties", p);
    if (dep)
        jv_set(r, "dependsOn", mf_deps1(dep));
    return r;
}

/* ---- the top-level deployment ----
 * Resource Manager takes about 2 MB per template spec and 800 resources
 * per template: one spec for everything stops deploying near 100
 * services.  So each of these is a template spec of its own, created by
 * deploy.sh at one version and linked from main.json by id: the
 * environment, the edge, API Management's operations in parts
 * (azure_apim_parts) and the services in parts (services-FIRST.json, each
 * linking its services' templates by relativePath, packed with it).  No
 * storage account to stage templates in, nothing to reach from outside.
 */

static const char *env_out(Mf *f, const char *name)
{
    return arena_printf(f->a,
                        "[reference(resourceId('Microsoft.Resources/"
                        "deployments', 'environment'), '%s').outputs.%s.value]",
                        DEPLOYMENTS, name);
}

const char *mf_outputs_of(Mf *f, const char *name)
{
    return arena_printf(f->a,
                        "[reference(resourceId('Microsoft.Resources/"
                        "deployments', %s), '%s').outputs]",
                        arm_quote(f->a, name), DEPLOYMENTS);
}

JsonVal *mf_pval(JsonVal *v)
{
    JsonVal *o = jv_obj();
    jv_set(o, "value", v);
    return o;
}

/* A template spec's name: topoc-PLATFORM-ENV-PART (90 characters). */
static const char *spec_name(Mf *f, const char *part)
{
    return az_name(f->a,
                   arena_printf(f->a, "topoc-%s-%s-%s", mf_platform(f),
                                mf_env(f), part),
                   90, true);
}

/* The id of PART's template spec, at the version deploy.sh creates. */
static const char *spec_id(Mf *f, const char *part)
{
    return arena_printf(f->a,
                        "[resourceId('Microsoft.Resources/templateSpecs/"
                        "versions', %s, parameters('templateSpecVersion'))]",
                        arm_quote(f->a, spec_name(f, part)));
}

/* A linked deployment NAME of the template at PATH (relative to the
 * linking template), or of template spec PATH's id when BY_ID. */
static JsonVal *deployment(Mf *f, const char *name, const char *path,
                           bool by_id, JsonVal *params, const char *after,
                           bool located)
{
    JsonVal *r = jv_obj(), *p = jv_obj(), *link = jv_obj(), *eo = jv_obj();
    jv_set(r, "type", jv_str("Microsoft.Resources/deployments"));
    jv_set(r, "apiVersion", jv_str(DEPLOYMENTS));
    jv_set(r, "name", jv_str(name));
    if (by_id)
        jv_set(link, "id", arm_code(spec_id(f, path)));
    else
        jv_set(link, "relativePath", jv_str(path));
    jv_set(p, "templateLink", link);
    jv_set(p, "mode", jv_str("Incremental"));
    jv_set(eo, "scope", jv_str("inner"));
    jv_set(p, "expressionEvaluationOptions", eo);
    if (located)
        jv_set(params, "location", mf_pval(mf_location()));
    jv_set(p, "parameters", params);
    jv_set(r, "properties", p);
    if (after) {
        JsonVal *d = jv_arr();
        jv_push(d, arm_code(arena_printf(
                       f->a, "[resourceId('Microsoft.Resources/deployments', "
                             "%s)]",
                       arm_quote(f->a, after))));
        jv_set(r, "dependsOn", d);
    }
    return r;
}

JsonVal *mf_deployment(Mf *f, const char *name, const char *spec,
                       JsonVal *params, const char *const *after,
                       bool located)
{
    JsonVal *r = deployment(f, name, spec, true, params,
                            after ? after[0] : NULL, located);
    JsonVal *deps = (JsonVal *)jv_get(r, "dependsOn");
    for (int i = 1; after && after[i]; i++)
        jv_push(deps, arm_code(arena_printf(
                          f->a, "[resourceId('Microsoft.Resources/"
                                "deployments', %s)]",
                          arm_quote(f->a, after[i]))));
    return r;
}

static const char *ca_param(Mf *f, const char *ca)
{
    char *p = arena_printf(f->a, "clientCa_%s", ca);
    for (char *c = p; *c; c++)
        if (*c == '-')
            *c = '_';
    return p;
}

/* Parameters an operator supplies: name, type, description, default (NULL:
 * none, the parameter file carries a placeholder). */
typedef struct OpParam {
    const char *name, *type, *description, *dflt;
} OpParam;

static int operator_params(Mf *f, OpParam *v)
{
    int n = 0;
    const Platform *pl = f->m->platform;
    const char *email = "";
    if (pl->teams.n && ((const Team *)pl->teams.v[0])->email.n)
        email = ((const Team *)pl->teams.v[0])->email.v[0].s;
    v[n++] = (OpParam){"sqlAdminGroupName", "string",
                       "Entra group that administers the SQL servers", NULL};
    v[n++] = (OpParam){"sqlAdminGroupObjectId", "string",
                       "Object id of that Entra group", NULL};
    v[n++] = (OpParam){"certificateName", "string",
                       "Key Vault secret holding the edge's TLS certificate "
                       "(PFX), in the environment's vault",
                       "edge-tls"};
    v[n++] = (OpParam){"apimPublisherEmail", "string",
                       "API Management publisher email (default: the first "
                       "team's)",
                       email};
    v[n++] = (OpParam){"apimPublisherName", "string",
                       "API Management publisher name", pl->name.s};
    return n;
}

static void main_parameters(Mf *f, JsonVal *params, JsonVal *file)
{
    OpParam op[8];
    int n = operator_params(f, op);
    for (int i = 0; i < n; i++) {
        JsonVal *p = arm_parameter(op[i].type, op[i].description);
        if (op[i].dflt)
            jv_set(p, "defaultValue", jv_str(op[i].dflt));
        else
            jv_set(file, op[i].name,
                   mf_pval(jv_str(arena_printf(f->a, "<%s>", op[i].name))));
        jv_set(params, op[i].name, p);
    }
    const Gateway *gw = f->m->platform->edge->gateway;
    for (int i = 0; gw && i < gw->client_certificates.n; i++) {
        const char *pn =
            ca_param(f, ((const ClientCert *)gw->client_certificates.v[i])->ca.s);
        jv_set(params, pn,
               arm_parameter("securestring", "Client CA (base64 DER) for "
                                             "mutual TLS at the edge"));
        jv_set(file, pn, mf_pval(jv_str(arena_printf(f->a, "<%s>", pn))));
    }
}

static JsonVal *edge_deployment(Mf *f)
{
    JsonVal *ep = jv_obj();
    static const char *const outs[][2] = {
        {"gatewaySubnetId", "gatewaySubnetId"},
        {"publicIpAddressId", "publicIpAddressId"},
        {"identityId", "edgeIdentityId"},
        {"apimName", "apimName"}};
    for (size_t i = 0; i < sizeof outs / sizeof *outs; i++)
        jv_set(ep, outs[i][0], mf_pval(arm_code(env_out(f, outs[i][1]))));
    jv_set(ep, "certificateSecretId",
           mf_pval(arm_code(arena_printf(
               f->a, "[format('{0}secrets/{1}/', reference(resourceId("
                     "'Microsoft.Resources/deployments', 'environment'), "
                     "'%s').outputs.vaultUri.value, parameters('certificateName'))]",
               DEPLOYMENTS))));
    const Gateway *gw = f->m->platform->edge->gateway;
    for (int i = 0; gw && i < gw->client_certificates.n; i++) {
        const char *pn =
            ca_param(f, ((const ClientCert *)gw->client_certificates.v[i])->ca.s);
        jv_set(ep, pn, mf_pval(arm_code(arm_param(f->a, pn))));
    }
    /* edge.json fixes its own location: it takes none */
    return deployment(f, "edge", "edge", true, ep, "environment", false);
}

void mf_part(Mf *f, MfParts *p, const char *name, const char *file)
{
    p->spec[p->n] = spec_name(f, name);
    p->file[p->n++] = file;
}

/* What a service's deployment is fed, from the environment's outputs
 * (the part's parameter 'environment'). */
static JsonVal *service_feed(Mf *f, const Service *s)
{
    JsonVal *sp = jv_obj();
    static const char *const outs[] = {
        "peSubnetId", "sitesDnsZoneId", "workspaceId", "appInsightsId",
        "vaultName", "vaultUri", "siteGroups"};
    const char *fmt = "[parameters('environment').%s.value]";
    for (size_t k = 0; k < sizeof outs / sizeof *outs; k++)
        jv_set(sp, outs[k], mf_pval(arm_code(arena_printf(f->a, fmt, outs[k]))));
    /* the stores' and the action groups' ids: the directory's outputs */
    static const char *const dir[] = {"stores", "actionGroups"};
    for (size_t k = 0; k < 2; k++)
        jv_set(sp, dir[k],
               mf_pval(arm_code(arena_printf(
                   f->a, "[parameters('directory').%s.value]", dir[k]))));
    /* connectors leave by their own subnet, on their own shared plan */
    bool conn = streq(s->kind.s, "connector");
    jv_set(sp, "integrationSubnetId",
           mf_pval(arm_code(arena_printf(
               f->a, fmt, conn ? "connectorsSubnetId" : "appsSubnetId"))));
    if (f->env->env->plan->shared.v)
        jv_set(sp, "planId", mf_pval(arm_code(arena_printf(
                                 f->a, fmt,
                                 conn ? "connectorsPlanId" : "planId"))));
    return sp;
}

typedef struct Sized {
    const Service *s;
    size_t bytes; /* its template's */
} Sized;

static int sized_cmp(const void *a, const void *b)
{
    return strcmp(((const Sized *)a)->s->name.s, ((const Sized *)b)->s->name.s);
}

/* The services' deployments in parts under a template spec's size
 * (arm_parts: adding a service changes the part it joins), each part
 * deployed from main.json (RES) with the environment's outputs. */
static void service_parts(Mf *f, const size_t *sizes, JsonVal *res,
                          MfParts *parts, Outputs *o)
{
    int n = f->env->nservices;
    Sized *v = arena_alloc(f->a, ((size_t)n + 1) * sizeof *v);
    ArmItem *items = arena_alloc(f->a, ((size_t)n + 1) * sizeof *items);
    const Service **sv = arena_alloc(f->a, ((size_t)n + 1) * sizeof *sv);
    for (int i = 0; i < n; i++)
        v[i] = (Sized){f->env->services[i], sizes[i]};
    qsort(v, (size_t)n, sizeof *v, sized_cmp);
    for (int i = 0; i < n; i++) {
        sv[i] = v[i].s;
        /* with its entry in the part: about 2 KB */
        items[i] = (ArmItem){sv[i]->name.s, v[i].bytes + 2048, 1};
    }
    int *starts;
    int np = mf_cut(f, items, n, &starts);
    for (int p = 0; p < np; p++) {
        int lo = starts[p], hi = starts[p + 1];
        const char *name = az_name(
            f->a, arena_printf(f->a, "services-%s", sv[lo]->name.s), 64, true);
        JsonVal *pres = jv_arr();
        for (int i = lo; i < hi; i++)
            jv_push(pres, deployment(f,
                                     arena_printf(f->a, "service-%s",
                                                  sv[i]->name.s),
                                     arena_printf(f->a, "services/%s.json",
                                                  sv[i]->name.s),
                                     false, service_feed(f, sv[i]), NULL,
                                     true));
        JsonVal *root = mf_template(f, pres);
        jv_set((JsonVal *)jv_get(root, "parameters"), "environment",
               arm_parameter("object", "The environment deployment's "
                                       "outputs"));
        jv_set((JsonVal *)jv_get(root, "parameters"), "directory",
               arm_parameter("object", "The directory deployment's outputs "
                                       "(stores, action groups)"));
        const char *file = arena_printf(f->a, "manifests/azure/%s.json", name);
        mf_write(f, root, file, o, sv[lo]->name.loc);
        mf_part(f, parts, name, file);
        JsonVal *pp = jv_obj();
        static const char *const after[] = {"environment", "directory", NULL};
        for (int k = 0; k < 2; k++)
            jv_set(pp, after[k], mf_pval(arm_code(mf_outputs_of(f, after[k]))));
        jv_push(res, mf_deployment(f, name, name, pp, after, true));
    }
}

/* The edge's resources in main.json wait for its certificate: deploy.sh
 * deploys the rest first (deployEdge false), then, once the certificate
 * is in the vault the first stage made, everything. */
static JsonVal *edge_stage(JsonVal *r)
{
    jv_set(r, "condition", arm_code("[parameters('deployEdge')]"));
    return r;
}

static void main_output(JsonVal *outs, const char *name, const char *expr)
{
    JsonVal *o = jv_obj();
    jv_set(o, "type", jv_str("string"));
    jv_set(o, "value", arm_code(expr));
    jv_set(outs, name, o);
}

/* The edge, its logs and API Management's parts, in the second stage. */
static void edge_deployments(Mf *f, JsonVal *res, MfParts *parts)
{
    jv_push(res, edge_stage(edge_deployment(f)));
    mf_part(f, parts, "edge", "gateway/azure/edge.json");
    /* the App Gateway's logs: it is created by the edge's deployment (a
     * resource whose condition is false still has its reference()s
     * evaluated: if() keeps the edge's out of the first stage) */
    jv_push(res, edge_stage(mf_diagnostics(
                     f,
                     arena_printf(f->a,
                                  "[if(parameters('deployEdge'), reference("
                                  "resourceId('Microsoft.Resources/"
                                  "deployments', 'edge'), '%s').outputs."
                                  "applicationGatewayId.value, "
                                  "resourceGroup().id)]",
                                  DEPLOYMENTS),
                     env_out(f, "workspaceId"), true, true,
                     "[resourceId('Microsoft.Resources/deployments', 'edge')]")));
    const char **names, **after;
    int na = azure_apim_parts(f->a, f->env, &names, &after);
    for (int i = 0; i < na; i++) {
        /* API Management's name from the edge, which made its APIs */
        const char *deps[] = {"edge", after[i], NULL};
        JsonVal *ap = jv_obj();
        jv_set(ap, "apimName",
               mf_pval(arm_code(arena_printf(
                   f->a, "[reference(resourceId('Microsoft.Resources/"
                         "deployments', 'edge'), '%s').outputs.apimName.value]",
                   DEPLOYMENTS))));
        jv_push(res, edge_stage(mf_deployment(f, names[i], names[i], ap, deps,
                                              false)));
        mf_part(f, parts, names[i],
             arena_printf(f->a, "gateway/azure/%s.json", names[i]));
    }
}

static void top_level(Mf *f, const size_t *sizes, MfParts *parts, Outputs *o)
{
    JsonVal *res = jv_arr(), *file = jv_obj();
    JsonVal *envp = jv_obj();
    static const char *const pass[] = {"apimPublisherEmail",
                                       "apimPublisherName"};
    for (size_t i = 0; i < sizeof pass / sizeof *pass; i++)
        jv_set(envp, pass[i], mf_pval(arm_code(arm_param(f->a, pass[i]))));
    jv_push(res, deployment(f, "environment", "environment", true, envp, NULL,
                            true));
    mf_part(f, parts, "environment", "manifests/azure/environment.json");
    mf_data_parts(f, res, parts, o);
    edge_deployments(f, res, parts);
    service_parts(f, sizes, res, parts, o);
    JsonVal *root = mf_template(f, res);
    JsonVal *params = (JsonVal *)jv_get(root, "parameters");
    main_parameters(f, params, file);
    jv_set(params, "templateSpecVersion",
           arm_parameter("string", "The version of the template specs "
                                   "deploy.sh created"));
    JsonVal *stage = arm_parameter("bool", "false: everything but the edge "
                                           "(App Gateway, its logs, API "
                                           "Management's APIs), which needs "
                                           "its certificate in the vault "
                                           "(deploy.sh's first stage)");
    jv_set(stage, "defaultValue", jv_bool(true));
    jv_set(params, "deployEdge", stage);
    /* what deploy.sh looks for between the stages */
    JsonVal *outs = jv_obj();
    main_output(outs, "vaultName", env_out(f, "vaultName"));
    main_output(outs, "certificateName", "[parameters('certificateName')]");
    jv_set(root, "outputs", outs);
    write_limited(f, root, "main.json", o, f->m->platform->name.loc,
                  ARM_MAX_JOB_BYTES - 65536); /* with its parameters */
    JsonVal *pf = jv_obj();
    jv_set(pf, "$schema", jv_str("https://schema.management.azure.com/schemas/"
                                 "2019-04-01/deploymentParameters.json#"));
    jv_set(pf, "contentVersion", jv_str("1.0.0.0"));
    jv_set(pf, "parameters", file);
    write_limited(f, pf, "main.parameters.json", o, f->m->platform->name.loc,
                  ARM_MAX_JOB_BYTES);
}

static void deploy_stages(Mf *f, Strbuf *sb)
{
    /* App Gateway reads its certificate from the vault the environment
     * creates: on a first deployment there is no vault to import it into
     * yet, so everything but the edge goes first and the script stops
     * until the certificate is there.  The secret is looked up through
     * Resource Manager (az resource show): the vault takes no traffic
     * from outside its VNet, so az keyvault secret show would fail there
     * whether or not the secret exists. */
    sb_printf(sb,
              "deploy() { # EDGE: false for everything but the edge\n"
              "    az deployment group create --resource-group \"$rg\" "
              "--name topoc-%s \\\n"
              "        --template-file \"$here/main.json\" --parameters "
              "\"@$params\" \\\n"
              "        --parameters templateSpecVersion=\"$version\" "
              "deployEdge=\"$1\" --output none\n"
              "}\n"
              "out() { # NAME: an output of the last deployment\n"
              "    az deployment group show --resource-group \"$rg\" "
              "--name topoc-%s \\\n"
              "        --query \"properties.outputs.$1.value\" --output tsv\n"
              "}\n"
              "certificate() { # is the edge's certificate in the vault?\n"
              "    vault=$(out vaultName 2>/dev/null) || vault=\n"
              "    cert=$(out certificateName 2>/dev/null) || cert=\n"
              "    [ -n \"$vault\" ] && [ -n \"$cert\" ] &&\n"
              "    az resource show --resource-group \"$rg\" --namespace "
              "Microsoft.KeyVault \\\n"
              "        --parent \"vaults/$vault\" --resource-type secrets "
              "--name \"$cert\" \\\n"
              "        --output none 2>/dev/null\n"
              "}\n"
              "if ! certificate; then\n"
              "    deploy false\n"
              "    if ! certificate; then\n"
              "        if [ -z \"$vault\" ] || [ -z \"$cert\" ]; then\n"
              "            echo \"deploy.sh: deployment topoc-%s has no "
              "vaultName or certificateName output to read\" >&2\n"
              "            exit 1\n"
              "        fi\n"
              "        cat >&2 <<EOF\n"
              "deploy.sh: the %s environment is deployed except its edge: "
              "App Gateway\n"
              "reads its TLS certificate from Key Vault, and vault $vault "
              "has no secret\n"
              "$cert yet.  Import the certificate (PFX) into it, from a "
              "machine inside the\n"
              "environment's VNet (the vault takes no other traffic), "
              "with Key Vault\n"
              "Certificates Officer on the vault:\n"
              "    az keyvault certificate import --vault-name $vault "
              "--name $cert --file CERT.pfx\n"
              "then run deploy.sh again: it deploys the edge and API "
              "Management's APIs.\n"
              "EOF\n"
              "        exit 3\n"
              "    fi\n"
              "fi\n"
              "deploy true\n",
              mf_env(f), mf_env(f), mf_env(f), mf_env(f));
}

static void deploy_script(Mf *f, const MfParts *parts, Outputs *o)
{
    Strbuf sb = STRBUF_INIT;
    sb_printf(&sb,
              "#!/bin/sh\n"
              "# deploy.sh RESOURCE_GROUP [PARAMETERS] - deploys the %s "
              "environment of\n# %s.  Each template below becomes a "
              "template spec of its own (az ts\n# create packs the "
              "templates it links by relativePath), all at one\n# version: "
              "Resource Manager takes about 2 MB per template spec, so the\n"
              "# environment, the edge, API Management's operations and the "
              "services\n# (in parts) are several, and main.json links them "
              "by id.  main.json is\n# then deployed with "
              "main.parameters.json (fill in its <placeholders>\n# first).  "
              "Needs the Azure CLI, logged in, with Owner or User Access\n"
              "# Administrator on the resource group (the deployment "
              "creates role\n# assignments).  A first deployment stops "
              "before the edge and says\n# where to import its "
              "certificate (exit 3); run it again then.\n# Written by "
              "topoc.\nset -eu\n"
              "rg=${1:?usage: deploy.sh RESOURCE_GROUP [PARAMETERS]}\n"
              "here=$(cd \"$(dirname \"$0\")\" && pwd)\n"
              "params=${2:-$here/main.parameters.json}\n"
              "# the version: the templates' own digest, so that running "
              "the same build\n# again (after the certificate's stop, say) "
              "creates no template spec\n"
              "digest() { sha256sum 2>/dev/null || shasum -a 256; }\n"
              "version=$(cd \"$here\" && find manifests/azure gateway/azure "
              "-name '*.json' \\\n"
              "    -type f -print0 | LC_ALL=C sort -z | xargs -0 cat | "
              "digest | cut -c1-16)\n"
              "spec() { # NAME FILE: a template spec of FILE at $version, "
              "unless made\n"
              "    az ts show --resource-group \"$rg\" --name \"$1\" "
              "--version \"$version\" \\\n"
              "        --output none 2>/dev/null ||\n"
              "    az ts create --resource-group \"$rg\" --name \"$1\" "
              "--version \"$version\" \\\n"
              "        --template-file \"$here/$2\" --yes --output none\n"
              "}\n",
              mf_env(f), mf_platform(f));
    for (int i = 0; i < parts->n; i++)
        sb_printf(&sb, "spec %s %s\n", parts->spec[i], parts->file[i]);
    deploy_stages(f, &sb);
    out_add(o, arena_printf(f->a, "%s/deploy.sh", mf_env(f)), &sb);
}

void emit_appservice(const Model *m, Diags *ds, Outputs *o)
{
    for (int i = 0; i < m->nenvs; i++) {
        Arena a;
        arena_init(&a);
        Mf f = {m, &m->envs[i], ds, &a, NULL};
        int n = m->envs[i].nservices;
        mf_index_callers(&f);
        mf_environment(&f, o);
        size_t *sizes = arena_alloc(&a, ((size_t)n + 1) * sizeof *sizes);
        for (int k = 0; k < n; k++)
            sizes[k] = mf_service(&f, m->envs[i].services[k], o);
        const char **names;
        const char **after;
        int nparts = azure_apim_parts(&a, &m->envs[i], &names, &after) + n +
                     m->envs[i].nstores + m->platform->teams.n + 3;
        MfParts parts = {arena_alloc(&a, (size_t)nparts * sizeof *parts.spec),
                       arena_alloc(&a, (size_t)nparts * sizeof *parts.file), 0};
        top_level(&f, sizes, &parts, o);
        deploy_script(&f, &parts, o);
        arena_free(&a);
    }
}
