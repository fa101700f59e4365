/* model.h - the platform model, independent of any front-end.
 *
 * Plain structs, allocated in the compilation's arena.  Every struct starts
 * with the Loc of the spec map it came from, and every scalar carries its
 * own Loc, so a check can point at the exact value it objects to.
 *
 * Scalars: a Str with s == NULL, or an Int/Bool with loc.set == 0, was not
 * written and has no default.  Units are normalised by the decoder: sizes in
 * bytes, durations in seconds, CPU in millicores.  Lists hold pointers to
 * structs (List) or strings (StrList).  Nested objects are never NULL unless
 * the key is documented as optional-object (connector, single-environment,
 * per-route waf).
 *
 * The schema tables in model/schema.c describe these structs field by field;
 * keep the two in step (the decoder, model.json and `topoc schema` all come
 * from the tables).
 */
#ifndef TOPOC_MODEL_H
#define TOPOC_MODEL_H

#include <stdbool.h>

#include "topoc/diag.h"
#include "topoc/node.h"

typedef struct Str {
    const char *s;
    Loc loc;
} Str;

typedef struct Int {
    long long v;
    Loc loc; /* loc.set: a value was given (a Loc's spare bit: 16 bytes) */
} Int;

typedef struct Bool {
    bool v;
    Loc loc; /* loc.set: a value was given */
} Bool;

typedef struct StrList {
    Str *v;
    int n;
    Loc loc;
} StrList;

typedef struct List {
    void **v;
    int n;
    Loc loc;
} List;

typedef struct KeyVal { /* an entry of a string-to-string map */
    Loc loc;
    Str key, value;
} KeyVal;

/* ---- platform ---- */

typedef struct GlobalService {
    Loc loc;
    Str name, kind, reason;
} GlobalService;

typedef struct Residency {
    Loc loc;
    Str geography;           /* an id of regions.h's geography_ids */
    StrList allowed_regions; /* empty: the whole geography */
    List global_services; /* GlobalService */
} Residency;

/* The App Service plan(s) of an environment: one per service, or one
 * shared by all (per-app scaling).  Defaults depend on the environment,
 * so resolve fills sku and instances when the spec does not. */
typedef struct Plan {
    Loc loc;
    Str sku;
    Bool shared;
    Int instances; /* the shared plan's instance count */
} Plan;

typedef struct Environment {
    Loc loc;
    Str name, region, failover_region, address_space, domain;
    StrList peered_with;
    Plan *plan;
    int index; /* position in Platform.environments */
} Environment;

typedef struct ManagedRules {
    Loc loc;
    Str set, version;
    Int paranoia_level, inbound_threshold, outbound_threshold;
} ManagedRules;

typedef struct RateLimit {
    Loc loc;
    Str name, key;
    Int requests, period, burst;
    StrList paths;
} RateLimit;

typedef struct CustomRule {
    Loc loc;
    Str name, action, variable, selector, operator;
    Int priority;
    StrList values;
    Bool negate;
} CustomRule;

typedef struct RequestLimits {
    Loc loc;
    Int max_body_size, max_file_size, max_url_length, max_header_size;
    Int max_args, max_json_args;
} RequestLimits;

typedef struct Waf {
    Loc loc;
    Str mode;
    ManagedRules *managed_rules;
    RequestLimits *limits;
    List rate_limits;  /* RateLimit */
    StrList allow_ips, deny_ips;
    List custom_rules; /* CustomRule */
} Waf;

typedef struct Hsts {
    Loc loc;
    Bool enabled, include_subdomains, preload;
    Int max_age;
} Hsts;

typedef struct ClientCert {
    Loc loc;
    Str host, ca;
} ClientCert;

/* Cross-origin requests a host (edge.gateway.cors) or a route (routes[].
 * cors) accepts.  An origin is '*', a URL's scheme://host[:port], or a
 * host relative to the environment's domain ('app'). */
typedef struct Cors {
    Loc loc;
    Str host; /* edge.gateway.cors only */
    StrList origins, methods, headers, expose_headers;
    Bool credentials;
    Int max_age;
} Cors;

typedef struct Gateway {
    Loc loc;
    Str tls_min_version;
    Hsts *hsts;
    Bool internal_tls;
    List client_certificates; /* ClientCert */
    List cors;                /* Cors */
} Gateway;

typedef struct Edge {
    Loc loc;
    Waf *waf;
    Gateway *gateway;
    StrList global; /* location-less services the edge uses */
} Edge;

typedef struct PolicyRule {
    Loc loc;
    Str name, applies_to, pattern, environment, message;
} PolicyRule;

typedef struct Policy {
    Loc loc;
    List severity;       /* KeyVal: rule id -> error | warning | off */
    StrList internal_paths;
    List rules;          /* PolicyRule */
} Policy;

typedef struct Waiver {
    Loc loc;
    Str rule, target, reason, owner, expires;
    int uses; /* findings it suppressed (set by the checker) */
} Waiver;

typedef struct WaiverDoc { /* a document 'waivers: [...]' */
    Loc loc;
    List waivers;
} WaiverDoc;

typedef struct Team {
    Loc loc;
    Str name, description, webhook;
    StrList email;
} Team;

typedef struct DataSource { /* "Source" is diag.h's input file */
    Loc loc;
    Str name, display_name, category, base_url;
} DataSource;

typedef struct Store {
    Loc loc;
    Str name, kind, redundancy, region, failover_region, backup_region;
    Str resource_name, sku;
    const Node *node, *overrides; /* for per-environment resolution */
    const Environment *env;       /* set on a resolved instance */
} Store;

typedef struct Platform {
    Loc loc;
    Int version;
    Str name, description;
    Residency *residency;
    List environments; /* Environment */
    Edge *edge;
    List teams;   /* Team */
    List sources; /* DataSource */
    List stores;  /* Store */
    Policy *policy;
} Platform;

/* ---- services ---- */

typedef struct Runtime {
    Loc loc;
    Str image, health_path;
    Int port, cpu, memory;
} Runtime;

typedef struct ScaleRule {
    Loc loc;
    Str metric;
    Int above, below, step, cooldown;
} ScaleRule;

typedef struct Scaling {
    Loc loc;
    Int min, max;
    List rules; /* ScaleRule */
} Scaling;

typedef struct Alert {
    Loc loc;
    Str name, metric, dynamic, notify;
    Int above, window, severity;
} Alert;

typedef struct WafExclusion {
    Loc loc;
    Int rule;
    Str variable;
} WafExclusion;

typedef struct RouteWaf {
    Loc loc;
    Str mode;
    List exclusions; /* WafExclusion */
    Int max_body_size, max_args, max_json_args;
} RouteWaf;

typedef struct Route {
    Loc loc;
    Str host, path;
    StrList methods;
    List params; /* KeyVal: parameter name -> PCRE2 pattern */
    Bool internal;
    Int priority;
    RouteWaf *waf; /* NULL: the edge's WAF settings apply */
    Cors *cors;    /* NULL: the host's CORS policy, if any, applies */
} Route; /* its full name in an environment: route_fqdn (routing.h) */

/* An API document the service implements (openapi:); see openapi.h. */
typedef struct OpenApiRef {
    Loc loc;
    Str document; /* relative to the spec file that names it */
    Str host;     /* default: the document's server host in a domain */
    StrList paths; /* only the operations these templates cover */
} OpenApiRef;

typedef struct StoreUse {
    Loc loc;
    Str store, access;
} StoreUse;

typedef struct Connector {
    Loc loc;
    Str source;
    StrList handles;
} Connector;

typedef struct Secret {
    Loc loc;
    Str name, key_vault_secret;
} Secret;

typedef struct SingleEnv {
    Loc loc;
    Str environment, reason;
} SingleEnv;

typedef struct Service {
    Loc loc;
    Str name, description, kind, team, group, ingress;
    StrList egress;
    Runtime *runtime;
    Scaling *scaling;
    List alerts; /* Alert */
    List routes; /* Route */
    List openapi; /* OpenApiRef */
    StrList depends_on;
    List stores; /* StoreUse */
    Connector *connector;
    List secrets;  /* Secret */
    List settings; /* KeyVal */
    SingleEnv *single_environment;
    const Node *overrides; /* which environment a finding lies in */
    /* the instances its overrides make, decoded while the document was
     * read (model-internal: src/model/model_docs.h) */
    const struct EnvOverride *per_env;
    int nper_env;
    const Environment *env; /* set on an instance an override made */
} Service;

/* ---- the resolved model ---- */

/* A hash table over a sorted Service array, by name (model_index.c), so a
 * look-up is a hash and one comparison, not a binary search. */
typedef struct NameSlot {
    const char *name; /* NULL: empty */
    int i;            /* its index in the array */
    unsigned hash;    /* the name's, so a probe rarely compares text */
} NameSlot;

typedef struct NameIndex {
    NameSlot *slot; /* NULL: not built */
    size_t mask;    /* slots - 1 */
} NameIndex;

typedef struct EnvModel {
    const Environment *env;
    Service **services; /* sorted by name; only those deployed here: the
                           service as declared where no override applies
                           (shared by those environments), else the
                           instance the override made */
    int nservices;
    NameIndex by_name;  /* of services */
    Store **stores; /* sorted by name */
    int nstores;
} EnvModel;

typedef struct Model {
    Platform *platform;
    Service **services; /* as declared, sorted by name */
    int nservices;
    NameIndex by_name;  /* of services */
    EnvModel *envs; /* in Platform.environments order */
    int nenvs;
    List waivers; /* Waiver, from every waivers document */
} Model;

/* Lookups by name; NULL when absent. */
const Environment *model_env(const Platform *p, const char *name);
const Team *model_team(const Platform *p, const char *name);
const DataSource *model_source(const Platform *p, const char *name);
const Store *model_store(const Platform *p, const char *name);
const Service *model_service(const Model *m, const char *name);
const Service *env_service(const EnvModel *e, const char *name);
/* The same as an index into m->services or e->services; -1 when absent. */
int model_service_index(const Model *m, const char *name);
int env_service_index(const EnvModel *e, const char *name);
/* Index v (n services sorted by name) into ix for the look-ups above;
 * until then they search the sorted array. */
void name_index_build(Arena *a, NameIndex *ix, Service *const *v, int n);
/* The distinct groups (domains) of an environment's services, by name;
 * returns how many. */
int env_groups(const EnvModel *e, Arena *a, const char ***out);

#endif
