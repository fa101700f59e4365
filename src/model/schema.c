/* schema.c - the spec language, version 1, as tables (see schema.h).
 *
 * Reading order follows a spec: the platform document (residency,
 * environments, edge, teams, sources, stores), then a service document.
 * specs/README.md documents every key listed here; tests/unit checks that.
 */
#include "topoc/schema.h"
#include "topoc/regions.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- value sets ---- */

static const char *const waf_modes[] = {"prevention", "detection", NULL};
static const char *const route_waf_modes[] = {"prevention", "detection",
                                              NULL};
static const char *const rule_sets[] = {"owasp-crs", "microsoft-default",
                                        NULL};
static const char *const rate_keys[] = {"client-ip", "api-key", NULL};
static const char *const rule_actions[] = {"block", "allow", "log", NULL};
static const char *const rule_variables[] = {
    "remote-addr", "request-method", "request-uri",     "query-string",
    "request-header", "request-cookie", "post-args",    NULL};
static const char *const rule_operators[] = {
    "equals", "contains", "begins-with", "ends-with", "regex", "ip-match",
    NULL};
static const char *const tls_versions[] = {"1.0", "1.1", "1.2", "1.3",
                                           NULL};
static const char *const global_kinds[] = {"front-door", "traffic-manager",
                                           "dns", NULL};
static const char *const source_categories[] = {
    "accounting", "banking", "bank-feeds", "commerce", NULL};
static const char *const store_kinds[] = {"sql",   "blob",  "key-vault",
                                          "queue", "cache", NULL};
static const char *const redundancies[] = {"lrs",    "zrs",     "grs",
                                           "gzrs",   "ra-grs",  "ra-gzrs",
                                           NULL};
static const char *const service_kinds[] = {
    "api", "connector", "worker", "frontend", "function", NULL};
static const char *const scale_metrics[] = {
    "cpu", "memory", "http-queue-length", "requests-per-second",
    "queue-length", NULL};
static const char *const alert_metrics[] = {
    "cpu",      "memory",        "requests", "http-5xx",
    "response-time", "queue-length", NULL};
static const char *const sensitivities[] = {"low", "medium", "high", NULL};
static const char *const methods[] = {"GET",    "HEAD",    "POST",
                                      "PUT",    "PATCH",   "DELETE",
                                      "OPTIONS", NULL};
static const char *const accesses[] = {"read", "write", "read-write", NULL};
static const char *const ingresses[] = {"gateway", "public", "none", NULL};
static const char *const policy_targets[] = {
    "service-name", "hostname", "route-path", "image", "team-name",
    "store-resource-name", NULL};
static const char *const responsibilities[] = {
    "authentication", "authorization", "fetch", "mapping", NULL};

/* ---- platform document ---- */

static const Field global_service_fields[] = {
    {"name", F_NAME, offsetof(GlobalService, name), FL_REQUIRED},
    {"kind", F_ENUM, offsetof(GlobalService, kind), FL_REQUIRED,
     .values = global_kinds},
    {"reason", F_STR, offsetof(GlobalService, reason), FL_REQUIRED},
};
static const Schema global_service_schema = {
    "global service", sizeof(GlobalService), global_service_fields,
    N(global_service_fields)};

static const Field residency_fields[] = {
    {"geography", F_ENUM, offsetof(Residency, geography), 0,
     .values = geography_ids, .dflt = "united-kingdom"},
    {"allowed-regions", F_STRLIST, offsetof(Residency, allowed_regions),
     FL_NONEMPTY, .item = F_REGION},
    {"global-services", F_LIST, offsetof(Residency, global_services), 0,
     &global_service_schema},
};
static const Schema residency_schema = {"residency", sizeof(Residency),
                                        residency_fields,
                                        N(residency_fields)};

/* App Service plan SKUs for Linux containers (Basic, Standard, Premium v3
 * and its memory-optimised row); manifests_appservice.c knows their tiers */
const char *const schema_plan_skus[] = {
    "B1",   "B2",   "B3",   "S1",    "S2",    "S3",    "P0v3",  "P1v3",
    "P2v3", "P3v3", "P1mv3", "P2mv3", "P3mv3", "P4mv3", "P5mv3", NULL};

/* One instance of each SKU on Linux, as the App Service pricing page lists
 * it (azure.microsoft.com/pricing/details/app-service/linux/: B1 and S1
 * 1 vCPU 1.75 GB ... P0v3 1 vCPU 4 GB, P1v3 2/8, P2v3 4/16, P3v3 8/32,
 * P1mv3 2/16 ... P5mv3 32/256); GB there are GiB, as the plan reports. */
static const struct {
    const char *sku;
    int vcpus;
    long long mib;
} plan_sizes[] = {
    {"B1", 1, 1792},      {"B2", 2, 3584},      {"B3", 4, 7168},
    {"S1", 1, 1792},      {"S2", 2, 3584},      {"S3", 4, 7168},
    {"P0v3", 1, 4096},    {"P1v3", 2, 8192},    {"P2v3", 4, 16384},
    {"P3v3", 8, 32768},   {"P1mv3", 2, 16384},  {"P2mv3", 4, 32768},
    {"P3mv3", 8, 65536},  {"P4mv3", 16, 131072}, {"P5mv3", 32, 262144},
};

PlanSku schema_plan_sku(const char *sku)
{
    PlanSku k;
    if (sku && sku[0] == 'B')
        k = (PlanSku){"Basic", 3, false, false, 0, 0};
    else if (sku && sku[0] == 'S')
        k = (PlanSku){"Standard", 10, true, false, 0, 0};
    else if (sku && strstr(sku, "mv3"))
        k = (PlanSku){"PremiumMV3", 30, true, true, 0, 0};
    else
        k = (PlanSku){"PremiumV3", 30, true, true, 0, 0};
    for (int i = 0; sku && i < N(plan_sizes); i++)
        if (strcmp(plan_sizes[i].sku, sku) == 0) {
            k.millicores = plan_sizes[i].vcpus * 1000LL;
            k.memory = plan_sizes[i].mib << 20;
        }
    return k;
}

const char *schema_plan_default_sku(const char *env)
{
    return env && strcmp(env, "production") == 0 ? "P1v3" : "P0v3";
}

long long schema_plan_default_instances(const char *env)
{
    return env && strcmp(env, "production") == 0 ? 3 : 1;
}

static const Field plan_fields[] = {
    {"sku", F_ENUM, offsetof(Plan, sku), 0, .values = schema_plan_skus},
    {"shared", F_BOOL, offsetof(Plan, shared), 0, .dflt = "false"},
    {"instances", F_INT, offsetof(Plan, instances), 0, .min = 1,
     .max = 30},
};
static const Schema plan_schema = {"plan", sizeof(Plan), plan_fields,
                                   N(plan_fields)};

static const Field environment_fields[] = {
    {"name", F_NAME, offsetof(Environment, name), FL_KEY},
    {"region", F_REGION, offsetof(Environment, region), FL_REQUIRED},
    {"failover-region", F_REGION, offsetof(Environment, failover_region)},
    {"address-space", F_CIDR, offsetof(Environment, address_space),
     FL_REQUIRED},
    {"domain", F_DOMAIN, offsetof(Environment, domain), FL_REQUIRED},
    {"peered-with", F_STRLIST, offsetof(Environment, peered_with), 0,
     .item = F_NAME},
    {"plan", F_OBJ, offsetof(Environment, plan), 0, &plan_schema},
};
static const Schema environment_schema = {"environment",
                                          sizeof(Environment),
                                          environment_fields,
                                          N(environment_fields)};

static const Field managed_rules_fields[] = {
    {"set", F_ENUM, offsetof(ManagedRules, set), 0, .values = rule_sets,
     .dflt = "owasp-crs"},
    {"version", F_STR, offsetof(ManagedRules, version), 0, .dflt = "3.2"},
    {"paranoia-level", F_INT, offsetof(ManagedRules, paranoia_level), 0,
     .dflt = "1", .min = 1, .max = 4},
    {"inbound-threshold", F_INT, offsetof(ManagedRules, inbound_threshold),
     0, .dflt = "5", .min = 1, .max = 1000},
    {"outbound-threshold", F_INT,
     offsetof(ManagedRules, outbound_threshold), 0, .dflt = "4", .min = 1,
     .max = 1000},
};
static const Schema managed_rules_schema = {
    "managed-rules", sizeof(ManagedRules), managed_rules_fields,
    N(managed_rules_fields)};

static const Field limits_fields[] = {
    {"max-body-size", F_BYTES, offsetof(RequestLimits, max_body_size), 0,
     .dflt = "1MB", .min = 1, .max = 4LL << 30},
    {"max-file-size", F_BYTES, offsetof(RequestLimits, max_file_size), 0,
     .dflt = "100MB", .min = 1, .max = 4LL << 30},
    {"max-url-length", F_INT, offsetof(RequestLimits, max_url_length), 0,
     .dflt = "2048", .min = 64, .max = 65535},
    {"max-header-size", F_BYTES, offsetof(RequestLimits, max_header_size),
     0, .dflt = "8KB", .min = 1024, .max = 1 << 20},
    {"max-args", F_INT, offsetof(RequestLimits, max_args), 0, .dflt = "255",
     .min = 1, .max = 10000},
    {"max-json-args", F_INT, offsetof(RequestLimits, max_json_args), 0,
     .dflt = "20000", .min = 1, .max = 1000000},
};
static const Schema limits_schema = {"limits", sizeof(RequestLimits),
                                     limits_fields, N(limits_fields)};

static const Field rate_limit_fields[] = {
    {"name", F_NAME, offsetof(RateLimit, name), FL_REQUIRED},
    {"requests", F_INT, offsetof(RateLimit, requests), FL_REQUIRED,
     .min = 1, .max = 1000000},
    {"per", F_DURATION, offsetof(RateLimit, period), 0, .dflt = "1m",
     .min = 1, .max = 86400},
    {"burst", F_INT, offsetof(RateLimit, burst), 0, .min = 1,
     .max = 1000000},
    {"by", F_ENUM, offsetof(RateLimit, key), 0, .values = rate_keys,
     .dflt = "client-ip"},
    {"paths", F_STRLIST, offsetof(RateLimit, paths), 0, .item = F_PATH},
};
static const Schema rate_limit_schema = {"rate limit", sizeof(RateLimit),
                                         rate_limit_fields,
                                         N(rate_limit_fields)};

static const Field custom_rule_fields[] = {
    {"name", F_NAME, offsetof(CustomRule, name), FL_REQUIRED},
    {"priority", F_INT, offsetof(CustomRule, priority), FL_REQUIRED,
     .min = 1, .max = 100},
    {"action", F_ENUM, offsetof(CustomRule, action), FL_REQUIRED,
     .values = rule_actions},
    {"variable", F_ENUM, offsetof(CustomRule, variable), FL_REQUIRED,
     .values = rule_variables},
    {"selector", F_HEADER, offsetof(CustomRule, selector)},
    {"operator", F_ENUM, offsetof(CustomRule, operator), FL_REQUIRED,
     .values = rule_operators},
    {"values", F_STRLIST, offsetof(CustomRule, values),
     FL_REQUIRED | FL_NONEMPTY, .item = F_STR},
    {"negate", F_BOOL, offsetof(CustomRule, negate), 0, .dflt = "false"},
};
static const Schema custom_rule_schema = {"custom rule", sizeof(CustomRule),
                                          custom_rule_fields,
                                          N(custom_rule_fields)};

static const Field waf_fields[] = {
    {"mode", F_ENUM, offsetof(Waf, mode), 0, .values = waf_modes,
     .dflt = "prevention"},
    {"managed-rules", F_OBJ, offsetof(Waf, managed_rules), 0,
     &managed_rules_schema},
    {"limits", F_OBJ, offsetof(Waf, limits), 0, &limits_schema},
    {"rate-limits", F_LIST, offsetof(Waf, rate_limits), 0,
     &rate_limit_schema},
    {"allow-ips", F_STRLIST, offsetof(Waf, allow_ips), 0, .item = F_IPNET},
    {"deny-ips", F_STRLIST, offsetof(Waf, deny_ips), 0, .item = F_IPNET},
    {"custom-rules", F_LIST, offsetof(Waf, custom_rules), 0,
     &custom_rule_schema},
};
static const Schema waf_schema = {"waf", sizeof(Waf), waf_fields,
                                  N(waf_fields)};

static const Field hsts_fields[] = {
    {"enabled", F_BOOL, offsetof(Hsts, enabled), 0, .dflt = "true"},
    {"max-age", F_DURATION, offsetof(Hsts, max_age), 0, .dflt = "365d",
     .min = 0, .max = 2LL * 365 * 86400},
    {"include-subdomains", F_BOOL, offsetof(Hsts, include_subdomains), 0,
     .dflt = "true"},
    {"preload", F_BOOL, offsetof(Hsts, preload), 0, .dflt = "false"},
};
static const Schema hsts_schema = {"hsts", sizeof(Hsts), hsts_fields,
                                   N(hsts_fields)};

static const Field client_cert_fields[] = {
    {"host", F_DOMAIN, offsetof(ClientCert, host), FL_REQUIRED},
    {"ca", F_NAME, offsetof(ClientCert, ca), FL_REQUIRED},
};
static const Schema client_cert_schema = {"client certificate",
                                          sizeof(ClientCert),
                                          client_cert_fields,
                                          N(client_cert_fields)};

#define CORS_FIELDS                                                         \
    {"origins", F_STRLIST, offsetof(Cors, origins),                         \
     FL_REQUIRED | FL_NONEMPTY, .item = F_STR},                             \
    {"methods", F_STRLIST, offsetof(Cors, methods), 0, .item = F_ENUM,      \
     .values = methods},                                                    \
    {"headers", F_STRLIST, offsetof(Cors, headers), 0, .item = F_HEADER},   \
    {"expose-headers", F_STRLIST, offsetof(Cors, expose_headers), 0,        \
     .item = F_HEADER},                                                     \
    {"credentials", F_BOOL, offsetof(Cors, credentials), 0,                 \
     .dflt = "false"},                                                      \
    {"max-age", F_DURATION, offsetof(Cors, max_age), 0, .dflt = "10m",      \
     .min = 0, .max = 86400}
static const Field cors_fields[] = {
    {"host", F_DOMAIN, offsetof(Cors, host), FL_REQUIRED},
    CORS_FIELDS,
};
static const Schema cors_schema = {"cors", sizeof(Cors), cors_fields,
                                   N(cors_fields)};
static const Field route_cors_fields[] = {CORS_FIELDS};
static const Schema route_cors_schema = {"route cors", sizeof(Cors),
                                         route_cors_fields,
                                         N(route_cors_fields)};

static const Field gateway_fields[] = {
    {"tls-min-version", F_ENUM, offsetof(Gateway, tls_min_version), 0,
     .values = tls_versions, .dflt = "1.2"},
    {"hsts", F_OBJ, offsetof(Gateway, hsts), 0, &hsts_schema},
    {"internal-tls", F_BOOL, offsetof(Gateway, internal_tls), 0,
     .dflt = "true"},
    {"client-certificates", F_LIST, offsetof(Gateway, client_certificates),
     0, &client_cert_schema},
    {"cors", F_LIST, offsetof(Gateway, cors), 0, &cors_schema},
};
static const Schema gateway_schema = {"gateway", sizeof(Gateway),
                                      gateway_fields, N(gateway_fields)};

static const Field edge_fields[] = {
    {"waf", F_OBJ, offsetof(Edge, waf), 0, &waf_schema},
    {"gateway", F_OBJ, offsetof(Edge, gateway), 0, &gateway_schema},
    {"global", F_STRLIST, offsetof(Edge, global), 0, .item = F_ENUM,
     .values = global_kinds},
};
static const Schema edge_schema = {"edge", sizeof(Edge), edge_fields,
                                   N(edge_fields)};

static const Field team_fields[] = {
    {"name", F_NAME, offsetof(Team, name), FL_KEY},
    {"description", F_STR, offsetof(Team, description)},
    {"email", F_STRLIST, offsetof(Team, email), FL_REQUIRED | FL_NONEMPTY,
     .item = F_EMAIL},
    {"webhook", F_URL, offsetof(Team, webhook)},
};
static const Schema team_schema = {"team", sizeof(Team), team_fields,
                                   N(team_fields)};

static const Field source_fields[] = {
    {"name", F_NAME, offsetof(DataSource, name), FL_KEY},
    {"display-name", F_STR, offsetof(DataSource, display_name)},
    {"category", F_ENUM, offsetof(DataSource, category), FL_REQUIRED,
     .values = source_categories},
    {"base-url", F_URL, offsetof(DataSource, base_url), FL_REQUIRED},
};
static const Schema source_schema = {"source", sizeof(DataSource),
                                     source_fields, N(source_fields)};

static const Field store_fields[] = {
    {"name", F_NAME, offsetof(Store, name), FL_KEY},
    {"kind", F_ENUM, offsetof(Store, kind), FL_REQUIRED,
     .values = store_kinds},
    {"redundancy", F_ENUM, offsetof(Store, redundancy), 0,
     .values = redundancies, .dflt = "zrs"},
    {"region", F_REGION, offsetof(Store, region)},
    {"failover-region", F_REGION, offsetof(Store, failover_region)},
    {"backup-region", F_REGION, offsetof(Store, backup_region)},
    {"resource-name", F_NAME, offsetof(Store, resource_name)},
    {"sku", F_STR, offsetof(Store, sku)},
    {"environments", F_OVERRIDES, offsetof(Store, overrides)},
};
const Schema schema_store = {"store", sizeof(Store), store_fields,
                             N(store_fields)};

static const Field policy_rule_fields[] = {
    {"name", F_NAME, offsetof(PolicyRule, name), FL_REQUIRED},
    {"applies-to", F_ENUM, offsetof(PolicyRule, applies_to), FL_REQUIRED,
     .values = policy_targets},
    {"pattern", F_STR, offsetof(PolicyRule, pattern), FL_REQUIRED},
    {"environment", F_NAME, offsetof(PolicyRule, environment)},
    {"message", F_STR, offsetof(PolicyRule, message)},
};
static const Schema policy_rule_schema = {"policy rule", sizeof(PolicyRule),
                                          policy_rule_fields,
                                          N(policy_rule_fields)};

static const Field policy_fields[] = {
    {"severity", F_KV, offsetof(Policy, severity)},
    {"internal-paths", F_STRLIST, offsetof(Policy, internal_paths), 0,
     .item = F_PATH, .dflt = "/internal/**,/metrics,/healthz,/health"},
    {"rules", F_LIST, offsetof(Policy, rules), 0, &policy_rule_schema},
};
static const Schema policy_schema = {"policy", sizeof(Policy), policy_fields,
                                     N(policy_fields)};

static const Field platform_fields[] = {
    {"platform", F_NAME, offsetof(Platform, name), FL_REQUIRED | FL_KEY},
    {"topoc", F_INT, offsetof(Platform, version), 0, .dflt = "1", .min = 1,
     .max = 1},
    {"description", F_STR, offsetof(Platform, description)},
    {"residency", F_OBJ, offsetof(Platform, residency), 0,
     &residency_schema},
    {"environments", F_MAP, offsetof(Platform, environments),
     FL_REQUIRED | FL_NONEMPTY, &environment_schema},
    {"edge", F_OBJ, offsetof(Platform, edge), 0, &edge_schema},
    {"teams", F_MAP, offsetof(Platform, teams), FL_REQUIRED | FL_NONEMPTY,
     &team_schema},
    {"sources", F_MAP, offsetof(Platform, sources), 0, &source_schema},
    {"stores", F_MAP, offsetof(Platform, stores), 0, &schema_store},
    {"policy", F_OBJ, offsetof(Platform, policy), 0, &policy_schema},
};
const Schema schema_platform = {"platform", sizeof(Platform),
                                platform_fields, N(platform_fields)};

/* ---- service document ---- */

static const Field runtime_fields[] = {
    {"image", F_IMAGE, offsetof(Runtime, image), FL_REQUIRED},
    {"port", F_INT, offsetof(Runtime, port), 0, .dflt = "8080", .min = 1,
     .max = 65535},
    {"cpu", F_CPU, offsetof(Runtime, cpu), 0, .dflt = "500m", .min = 10,
     .max = 64000},
    {"memory", F_BYTES, offsetof(Runtime, memory), 0, .dflt = "1Gi",
     .min = 16 << 20, .max = 256LL << 30},
    {"health-path", F_PATH, offsetof(Runtime, health_path), 0,
     .dflt = "/healthz"},
};
static const Schema runtime_schema = {"runtime", sizeof(Runtime),
                                      runtime_fields, N(runtime_fields)};

static const Field scale_rule_fields[] = {
    {"metric", F_ENUM, offsetof(ScaleRule, metric), FL_REQUIRED,
     .values = scale_metrics},
    {"above", F_INT, offsetof(ScaleRule, above), FL_REQUIRED, .min = 1,
     .max = 1000000},
    {"below", F_INT, offsetof(ScaleRule, below), 0, .min = 0,
     .max = 1000000},
    {"step", F_INT, offsetof(ScaleRule, step), 0, .dflt = "1", .min = 1,
     .max = 100},
    {"cooldown", F_DURATION, offsetof(ScaleRule, cooldown), 0,
     .dflt = "5m", .min = 60, .max = 1800}, /* the HPA's periodSeconds */
};
static const Schema scale_rule_schema = {"scale rule", sizeof(ScaleRule),
                                         scale_rule_fields,
                                         N(scale_rule_fields)};

static const Field scaling_fields[] = {
    {"min", F_INT, offsetof(Scaling, min), 0, .dflt = "2", .min = 0,
     .max = 1000},
    {"max", F_INT, offsetof(Scaling, max), 0, .dflt = "10", .min = 0,
     .max = 1000},
    {"rules", F_LIST, offsetof(Scaling, rules), 0, &scale_rule_schema},
};
static const Schema scaling_schema = {"scaling", sizeof(Scaling),
                                      scaling_fields, N(scaling_fields)};

static const Field alert_fields[] = {
    {"name", F_NAME, offsetof(Alert, name), FL_REQUIRED},
    {"metric", F_ENUM, offsetof(Alert, metric), FL_REQUIRED,
     .values = alert_metrics},
    {"above", F_INT, offsetof(Alert, above), 0, .min = 0, .max = 1000000000},
    {"dynamic", F_ENUM, offsetof(Alert, dynamic), 0, .values = sensitivities},
    {"window", F_DURATION, offsetof(Alert, window), 0, .dflt = "5m",
     .min = 60, .max = 86400},
    {"severity", F_INT, offsetof(Alert, severity), 0, .dflt = "2", .min = 0,
     .max = 4},
    {"notify", F_NAME, offsetof(Alert, notify)},
};
static const Schema alert_schema = {"alert", sizeof(Alert), alert_fields,
                                    N(alert_fields)};

static const Field exclusion_fields[] = {
    {"rule", F_INT, offsetof(WafExclusion, rule), FL_REQUIRED, .min = 1,
     .max = 999999},
    {"variable", F_SECVAR, offsetof(WafExclusion, variable)},
};
static const Schema exclusion_schema = {"exclusion", sizeof(WafExclusion),
                                        exclusion_fields,
                                        N(exclusion_fields)};

static const Field route_waf_fields[] = {
    {"mode", F_ENUM, offsetof(RouteWaf, mode), 0, .values = route_waf_modes},
    {"exclusions", F_LIST, offsetof(RouteWaf, exclusions), 0,
     &exclusion_schema},
    {"max-body-size", F_BYTES, offsetof(RouteWaf, max_body_size), 0,
     .min = 1, .max = 4LL << 30},
    {"max-args", F_INT, offsetof(RouteWaf, max_args), 0, .min = 1,
     .max = 10000},
    {"max-json-args", F_INT, offsetof(RouteWaf, max_json_args), 0, .min = 1,
     .max = 1000000},
};
static const Schema route_waf_schema = {"route waf", sizeof(RouteWaf),
                                        route_waf_fields,
                                        N(route_waf_fields)};

static const Field route_fields[] = {
    {"host", F_DOMAIN, offsetof(Route, host), FL_REQUIRED},
    {"path", F_PATH, offsetof(Route, path), FL_REQUIRED},
    {"methods", F_STRLIST, offsetof(Route, methods), FL_NONEMPTY,
     .item = F_ENUM, .values = methods, .dflt = "GET"},
    {"params", F_KV, offsetof(Route, params)},
    {"internal", F_BOOL, offsetof(Route, internal), 0, .dflt = "false"},
    {"priority", F_INT, offsetof(Route, priority), 0, .dflt = "0",
     .min = -1000, .max = 1000},
    {"waf", F_OBJ, offsetof(Route, waf), FL_OPTIONAL, &route_waf_schema},
    {"cors", F_OBJ, offsetof(Route, cors), FL_OPTIONAL, &route_cors_schema},
};
static const Schema route_schema = {"route", sizeof(Route), route_fields,
                                    N(route_fields)};

static const Field openapi_fields[] = {
    {"document", F_STR, offsetof(OpenApiRef, document), FL_REQUIRED},
    {"host", F_DOMAIN, offsetof(OpenApiRef, host)},
    {"paths", F_STRLIST, offsetof(OpenApiRef, paths), FL_NONEMPTY,
     .item = F_PATH},
};
static const Schema openapi_schema = {"openapi document",
                                      sizeof(OpenApiRef), openapi_fields,
                                      N(openapi_fields)};

static const Field store_use_fields[] = {
    {"store", F_NAME, offsetof(StoreUse, store), FL_REQUIRED},
    {"access", F_ENUM, offsetof(StoreUse, access), 0, .values = accesses,
     .dflt = "read-write"},
};
static const Schema store_use_schema = {"store use", sizeof(StoreUse),
                                        store_use_fields,
                                        N(store_use_fields)};

static const Field connector_fields[] = {
    {"source", F_NAME, offsetof(Connector, source), FL_REQUIRED},
    {"handles", F_STRLIST, offsetof(Connector, handles),
     FL_REQUIRED | FL_NONEMPTY, .item = F_ENUM, .values = responsibilities},
};
static const Schema connector_schema = {"connector", sizeof(Connector),
                                        connector_fields,
                                        N(connector_fields)};

static const Field secret_fields[] = {
    {"name", F_STR, offsetof(Secret, name), FL_REQUIRED},
    {"key-vault-secret", F_NAME, offsetof(Secret, key_vault_secret),
     FL_REQUIRED},
};
static const Schema secret_schema = {"secret", sizeof(Secret),
                                     secret_fields, N(secret_fields)};

static const Field single_env_fields[] = {
    {"environment", F_NAME, offsetof(SingleEnv, environment), FL_REQUIRED},
    {"reason", F_STR, offsetof(SingleEnv, reason), FL_REQUIRED},
};
static const Schema single_env_schema = {"single-environment",
                                         sizeof(SingleEnv),
                                         single_env_fields,
                                         N(single_env_fields)};

static const Field service_fields[] = {
    {"service", F_NAME, offsetof(Service, name), FL_REQUIRED | FL_KEY},
    {"description", F_STR, offsetof(Service, description)},
    {"kind", F_ENUM, offsetof(Service, kind), FL_REQUIRED,
     .values = service_kinds},
    {"team", F_NAME, offsetof(Service, team), FL_REQUIRED},
    {"group", F_NAME, offsetof(Service, group)},
    {"ingress", F_ENUM, offsetof(Service, ingress), 0, .values = ingresses,
     .dflt = "gateway"},
    {"egress", F_STRLIST, offsetof(Service, egress), 0, .item = F_NAME},
    {"runtime", F_OBJ, offsetof(Service, runtime), FL_REQUIRED,
     &runtime_schema},
    {"scaling", F_OBJ, offsetof(Service, scaling), 0, &scaling_schema},
    {"alerts", F_LIST, offsetof(Service, alerts), 0, &alert_schema},
    {"routes", F_LIST, offsetof(Service, routes), 0, &route_schema},
    {"openapi", F_LIST, offsetof(Service, openapi), 0, &openapi_schema},
    {"depends-on", F_STRLIST, offsetof(Service, depends_on), 0,
     .item = F_NAME},
    {"stores", F_LIST, offsetof(Service, stores), 0, &store_use_schema},
    {"connector", F_OBJ, offsetof(Service, connector), FL_OPTIONAL,
     &connector_schema},
    {"secrets", F_LIST, offsetof(Service, secrets), 0, &secret_schema},
    {"settings", F_KV, offsetof(Service, settings)},
    {"single-environment", F_OBJ, offsetof(Service, single_environment),
     FL_OPTIONAL, &single_env_schema},
    {"environments", F_OVERRIDES, offsetof(Service, overrides)},
};
const Schema schema_service = {"service", sizeof(Service), service_fields,
                               N(service_fields)};

/* ---- waivers document ---- */

static const Field waiver_fields[] = {
    {"rule", F_STR, offsetof(Waiver, rule), FL_REQUIRED},
    {"target", F_STR, offsetof(Waiver, target), FL_REQUIRED},
    {"reason", F_STR, offsetof(Waiver, reason), FL_REQUIRED},
    {"owner", F_STR, offsetof(Waiver, owner), FL_REQUIRED},
    {"expires", F_DATE, offsetof(Waiver, expires), FL_REQUIRED},
};
static const Schema waiver_schema = {"waiver", sizeof(Waiver), waiver_fields,
                                     N(waiver_fields)};

static const Field waivers_fields[] = {
    {"waivers", F_LIST, offsetof(WaiverDoc, waivers), FL_REQUIRED,
     &waiver_schema},
};
const Schema schema_waivers = {"waivers", sizeof(WaiverDoc), waivers_fields,
                               N(waivers_fields)};

/* ---- what the tables say, for messages and `topoc schema` ---- */

const char *schema_type_desc(FieldType t)
{
    switch (t) {
    case F_STR: return "text";
    case F_NAME: return "a name";
    case F_ENUM: return "one of a fixed set of words";
    case F_INT: return "an integer";
    case F_BOOL: return "true or false";
    case F_BYTES: return "a size (e.g. 512KB, 10MB, 1Gi)";
    case F_DURATION: return "a duration (e.g. 30s, 5m, 1h, 1d)";
    case F_CPU: return "a CPU amount (e.g. 0.5, 2, 250m)";
    case F_REGION: return "an Azure region";
    case F_DOMAIN: return "a DNS name";
    case F_URL: return "a URL";
    case F_CIDR: return "an IPv4 network (e.g. 10.1.0.0/16)";
    case F_IPNET: return "an IP address or network";
    case F_PATH: return "a path";
    case F_IMAGE: return "a container image";
    case F_DATE: return "a date (YYYY-MM-DD)";
    case F_SECVAR: return "a ModSecurity variable (e.g. ARGS:q)";
    case F_HEADER: return "a header, cookie or argument name";
    case F_EMAIL: return "an email address";
    case F_STRLIST: return "a list";
    case F_OBJ: case F_MAP: case F_KV: case F_OVERRIDES: return "a map";
    case F_LIST: return "a list of maps";
    }
    return "a value";
}

const Field *schema_field(const Schema *s, const char *key)
{
    for (int i = 0; i < s->nfields; i++)
        if (strcmp(s->fields[i].key, key) == 0)
            return &s->fields[i];
    return NULL;
}

void schema_print(const Schema *s, const char *prefix, Strbuf *out)
{
    for (int i = 0; i < s->nfields; i++) {
        const Field *f = &s->fields[i];
        if (f->flags & FL_COMPUTED)
            continue;
        if ((f->flags & FL_KEY) && !(f->flags & FL_REQUIRED))
            continue; /* the map key itself */
        sb_printf(out, "%s%s\t%s", prefix, f->key,
                  f->type == F_STRLIST ? "list" : schema_type_desc(f->type));
        if (f->flags & FL_REQUIRED)
            sb_puts(out, "\trequired");
        else if (f->dflt)
            sb_printf(out, "\tdefault %s", f->dflt);
        if (f->values) {
            sb_puts(out, "\t{");
            for (int k = 0; f->values[k]; k++)
                sb_printf(out, "%s%s", k ? ", " : "", f->values[k]);
            sb_puts(out, "}");
        }
        sb_putc(out, '\n');
        if (f->sub) {
            char sub[256];
            snprintf(sub, sizeof sub, "%s%s%s.", prefix, f->key,
                     f->type == F_MAP ? ".NAME" : f->type == F_LIST ? "[]"
                                                                    : "");
            schema_print(f->sub, sub, out);
        }
    }
}
