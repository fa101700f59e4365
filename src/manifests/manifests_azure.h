/* manifests_azure.h - what the Azure manifests' files share
 * (src/manifests/manifests_azure.c): the emitting context, the derived
 * resource names, and the resource shapes every template of an environment
 * writes the same way (tags, role assignments, private endpoints,
 * diagnostic settings).
 */
#ifndef TOPOC_MANIFESTS_AZURE_H
#define TOPOC_MANIFESTS_AZURE_H

#include "topoc/arm.h"
#include "topoc/manifests.h"
#include "topoc/json.h"
#include "topoc/naming.h"
#include "topoc/util.h"

#define WEB "2024-11-01"
#define INSIGHTS_SCALE "2022-10-01"
#define INSIGHTS_GROUPS "2023-01-01"
#define INSIGHTS_ALERTS "2026-01-01"
#define INSIGHTS_DIAG "2021-05-01-preview"
#define INSIGHTS_COMPONENTS "2020-02-02"
#define LOGS "2023-09-01"
#define NRP "2025-07-01"
#define DNS "2024-06-01"
#define KV "2024-11-01"
#define SQL "2025-01-01"
#define STORAGE "2025-01-01"
#define REDIS "2024-11-01"
#define APIM "2024-05-01"
#define ROLES "2022-04-01"
#define IDENTITY "2023-01-31"
#define DEPLOYMENTS "2022-09-01"

typedef struct Mf {
    const Model *m;
    const EnvModel *env;
    Diags *ds;
    Arena *a;
    /* per service of env: who calls it (manifests_network.c's FROM_*) */
    unsigned char *callers;
} Mf;

/* "[parameters('location')]", as a value */
JsonVal *mf_location(void);
const char *mf_platform(const Mf *f);
const char *mf_env(const Mf *f);

/* Names, derived once here: every template and the top-level deployment
 * use these, never a name of their own. */
const char *mf_vault(Mf *f);        /* the environment's Key Vault */
const char *mf_vnet(Mf *f);
const char *mf_workspace(Mf *f);    /* Log Analytics */
const char *mf_insights(Mf *f);     /* Application Insights */
const char *mf_apim(Mf *f);         /* API Management (the edge's name) */
const char *mf_edge_identity(Mf *f);
const char *mf_store_resource(Mf *f, const Store *s); /* vault/account/server */
const char *mf_store_type(const Store *s);            /* its ARM type */
const char *mf_site(Mf *f, const Service *s);
/* The inside of an expression text "[X]": X, to nest it in another. */
const char *mf_inner(Mf *f, const char *expr);
/* A private endpoint for the resource TYPE/NAME in SUBNET (expression
 * text), registered in the privatelink zone of KIND (a store kind or
 * "sites"); ZONE is the zone's id (expression text) when another template
 * holds it, NULL when this one does. */
void mf_private_endpoint(Mf *f, JsonVal *res, const char *type,
                         const char *name, const char *kind,
                         const char *subnet_expr, const char *zone_expr,
                         JsonVal *asgs);
/* What grows with the platform, cut into parts (manifests_parts.c): a
 * unit is one store's or one team's resources, under its spec name. */
typedef struct MfUnit {
    const char *key; /* the parts are cut in the order of the keys */
    Loc at;          /* where an arm-limit error about its part points */
    JsonVal *res;    /* its resources, an array */
    JsonVal *out;    /* its entry in its part's output object */
} MfUnit;
/* One unit per store of the environment (room for nstores) whose keys
 * the templates can honour; returns the count (manifests_stores.c). */
int mf_store_units(Mf *f, MfUnit *u);
const char *mf_law_id(Mf *f);
/* A spec name as an ARM parameter/setting word: 'a-b' -> 'A_B'. */
const char *mf_upper(Mf *f, const char *name);

JsonVal *mf_tags(Mf *f, const char *service, const char *team);
JsonVal *mf_resource(const char *type, const char *version, const char *name,
                     JsonVal *location, JsonVal *tags);
/* dependsOn with one expression */
JsonVal *mf_deps1(const char *expr);
/* A template with a location parameter limited to the allowed regions. */
JsonVal *mf_template(Mf *f, JsonVal *resources);
/* Writes ROOT as ENV/FILE and returns its size; a template Resource
 * Manager would refuse (over 800 resources, or bigger than a template spec
 * holds) is an error at AT, the spec's value that made it (arm-limit). */
size_t mf_write(Mf *f, JsonVal *root, const char *file, Outputs *o, Loc at);

/* The built-in roles the spec implies; NULL when an access needs none. */
typedef struct Role {
    const char *name, *guid;
} Role;
extern const Role ROLE_KV_SECRETS_USER;
/* The role a store use implies on the store (NULL for SQL, granted in the
 * database instead). */
const Role *mf_store_role(const Store *s, const char *access);
/* A role assignment of ROLE to PRINCIPAL (an expression's text) on the
 * resource SCOPE_ID (an expression's text); NAME_SEED identifies the
 * principal in the assignment's stable name. */
JsonVal *mf_role(Mf *f, const Role *role, const char *scope_id,
                 const char *principal, const char *principal_seed,
                 JsonVal *deps);
/* A diagnostic setting on TARGET_ID to the workspace WORKSPACE_ID (both
 * expression texts), with all logs and/or all metrics. */
JsonVal *mf_diagnostics(Mf *f, const char *target_id, const char *workspace_id,
                        bool logs, bool metrics, const char *dep);

/* Network security (manifests_network.c): the integration subnets' and
 * the private endpoints' NSGs and the application security groups of the
 * Web Apps' endpoints (EDGE: the gateway's and APIM's prefixes, APPS and
 * CONNS: the integration subnets'); their ids as the siteGroups output;
 * the groups a service's endpoint joins, from the callers indexed once. */
const char *mf_nsg_name(Mf *f, const char *subnet);
void mf_network_security(Mf *f, JsonVal *res, const char *const *edge,
                         const char *apps, const char *conns);
JsonVal *mf_site_groups_output(Mf *f);
void mf_index_callers(Mf *f);
JsonVal *mf_site_groups(Mf *f, const Service *s);

/* The template specs deploy.sh creates: spec name and file of each. */
typedef struct MfParts {
    const char **spec, **file;
    int n;
} MfParts;
void mf_part(Mf *f, MfParts *p, const char *name, const char *file);
/* ITEMS (N, in order) cut by arm_parts() into parts of one template spec
 * each, with room for a part's parameters and outputs: returns how many,
 * part P holding items (*starts)[P] to (*starts)[P + 1] - 1. */
int mf_cut(Mf *f, const ArmItem *items, int n, int **starts);
/* {"value": V} */
JsonVal *mf_pval(JsonVal *v);
/* "[reference(<the deployment NAME>, ...).outputs]" */
const char *mf_outputs_of(Mf *f, const char *name);
/* A deployment NAME in main.json of template spec SPEC (by its id) fed
 * PARAMS (and the location when LOCATED), after the deployments AFTER
 * (NULL-terminated, or NULL). */
JsonVal *mf_deployment(Mf *f, const char *name, const char *spec,
                       JsonVal *params, const char *const *after,
                       bool located);
/* The stores' and the teams' parts and the directory that joins their
 * outputs: their files, their deployments into RES (main.json's), their
 * specs into PARTS (manifests_parts.c). */
void mf_data_parts(Mf *f, JsonVal *res, MfParts *parts, Outputs *o);

/* The files: environment.json, services/NAME.json, main.json. */
void mf_environment(Mf *f, Outputs *o);
/* Returns the size of services/NAME.json. */
size_t mf_service(Mf *f, const Service *s, Outputs *o);
/* An App Service plan NAME of the environment's SKU with CAPACITY
 * instances; PER_SITE for the plan services share. */
JsonVal *mf_plan(Mf *f, const char *name, JsonVal *tags, long long capacity,
                 bool per_site);

#endif
