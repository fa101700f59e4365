/* manifests_appservice.c - the manifests room's main file
 * (src/manifests/): from the resolved model's services, stores, teams and
 * environments, how each environment is deployed and scaled -- on Azure App
 * Service (this file) and on Kubernetes (manifests_kubernetes.c).
 *
 * Deployment manifests for Azure App Service, the platform's home: ENV/manifests/azure/environment.json (virtual network,
 * Key Vault, data stores, an action group per team) and
 * ENV/manifests/azure/services/SERVICE.json (plan, Linux container Web
 * App, autoscale with paired out/in rules, metric alerts to the owning
 * team).  One file per service, so changing a service changes only its
 * file.  Every resource carries tags platform/environment/service/team and
 * the environment's (UK) region; names are derived, so the templates refer
 * to each other's resources by resourceId().
 *
 * Not emitted: caches (no Azure Cache schema in the reference set) and SQL
 * failover groups; both are listed in the environment template's metadata.
 */
#include "topoc/arm.h"
#include "topoc/manifests.h"
#include "topoc/json.h"
#include "topoc/naming.h"
#include "topoc/regions.h"
#include "topoc/routing.h"
#include "topoc/util.h"

#include <stdio.h>
#include <string.h>

#define WEB "2024-11-01"
#define INSIGHTS_SCALE "2022-10-01"
#define INSIGHTS_GROUPS "2023-01-01"
#define INSIGHTS_ALERTS "2026-01-01"
#define NRP "2025-07-01"
#define KV "2024-11-01"
#define SQL "2025-01-01"
#define STORAGE "2025-01-01"

typedef struct Mf {
    const Model *m;
    const EnvModel *env;
    Arena *a;
} Mf;

#define LOCATION arm_code("[parameters('location')]")

static const char *P(Mf *f) { return f->m->platform->name.s; }
static const char *E(Mf *f) { return f->env->env->name.s; }

static const char *vault_name(Mf *f)
{
    return env_vault_name(f->a, f->m, f->env->env);
}

static JsonVal *tags(Mf *f, const char *service, const char *team)
{
    JsonVal *t = jv_obj();
    jv_set(t, "platform", jv_str(P(f)));
    jv_set(t, "environment", jv_str(E(f)));
    if (service)
        jv_set(t, "service", jv_str(service));
    if (team)
        jv_set(t, "team", jv_str(team));
    return t;
}

static JsonVal *resource(const char *type, const char *version,
                         const char *name, JsonVal *location, JsonVal *tg)
{
    JsonVal *r = jv_obj();
    jv_set(r, "type", jv_str(type));
    jv_set(r, "apiVersion", jv_str(version));
    jv_set(r, "name", jv_str(name));
    jv_set(r, "location", location);
    jv_set(r, "tags", tg);
    return r;
}

static JsonVal *id_of(Mf *f, const char *type, const char *a, const char *b)
{
    return arm_code(arm_id(f->a, type, a, b));
}

static JsonVal *template_root(Mf *f, JsonVal *resources)
{
    JsonVal *params = jv_obj(), *loc = jv_obj(),
            *allowed = jv_arr();
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

static void write_template(Mf *f, JsonVal *root, const char *file, Outputs *o)
{
    Strbuf sb = STRBUF_INIT;
    arm_write(root, &sb);
    jv_free(root);
    out_add(o, arena_printf(f->a, "%s/manifests/azure/%s", E(f), file), &sb);
}

/* ---- the environment ---- */

static JsonVal *network(Mf *f)
{
    const char *cidr = f->env->env->address_space.s;
    unsigned a, b, c, d;
    int prefix;
    sscanf(cidr, "%u.%u.%u.%u/%d", &a, &b, &c, &d, &prefix);
    JsonVal *subnets = jv_arr();
    JsonVal *gw = jv_obj(), *apps = jv_obj(), *dels = jv_arr(),
            *del = jv_obj(), *delp = jv_obj();
    if (prefix <= 23) { /* a /24 for the gateway, the next for the apps */
        jv_set(gw, "addressPrefix",
               jv_str(arena_printf(f->a, "%u.%u.%u.0/24", a, b, c)));
        JsonVal *g = jv_obj();
        jv_set(g, "name", jv_str("gateway"));
        jv_set(g, "properties", gw);
        jv_push(subnets, g);
        jv_set(apps, "addressPrefix",
               jv_str(arena_printf(f->a, "%u.%u.%u.0/24", a, b, c + 1)));
    } else {
        jv_free(gw);
        jv_set(apps, "addressPrefix", jv_str(cidr));
    }
    jv_set(delp, "serviceName", jv_str("Microsoft.Web/serverFarms"));
    jv_set(del, "name", jv_str("web"));
    jv_set(del, "properties", delp);
    jv_push(dels, del);
    jv_set(apps, "delegations", dels);
    JsonVal *s = jv_obj();
    jv_set(s, "name", jv_str("apps"));
    jv_set(s, "properties", apps);
    jv_push(subnets, s);
    JsonVal *props = jv_obj(), *space = jv_obj(), *prefixes = jv_arr();
    jv_push(prefixes, jv_str(cidr));
    jv_set(space, "addressPrefixes", prefixes);
    jv_set(props, "addressSpace", space);
    jv_set(props, "subnets", subnets);
    JsonVal *r = resource("Microsoft.Network/virtualNetworks", NRP,
                          arena_printf(f->a, "vnet-%s-%s", P(f), E(f)),
                          LOCATION, tags(f, NULL, NULL));
    jv_set(r, "properties", props);
    return r;
}

static JsonVal *vault(const char *name, JsonVal *tg)
{
    JsonVal *p = jv_obj(), *sku = jv_obj();
    jv_set(p, "tenantId", arm_code("[subscription().tenantId]"));
    jv_set(sku, "family", jv_str("A"));
    jv_set(sku, "name", jv_str("standard"));
    jv_set(p, "sku", sku);
    jv_set(p, "enableRbacAuthorization", jv_bool(true));
    jv_set(p, "enableSoftDelete", jv_bool(true));
    jv_set(p, "enablePurgeProtection", jv_bool(true));
    jv_set(p, "publicNetworkAccess", jv_str("Disabled"));
    JsonVal *r = resource("Microsoft.KeyVault/vaults", KV, name,
                          LOCATION, tg);
    jv_set(r, "properties", p);
    return r;
}

static const char *storage_sku(const char *redundancy)
{
    static const char *const map[][2] = {
        {"lrs", "Standard_LRS"}, {"zrs", "Standard_ZRS"},
        {"grs", "Standard_GRS"}, {"gzrs", "Standard_GZRS"},
        {"ra-grs", "Standard_RAGRS"}, {"ra-gzrs", "Standard_RAGZRS"}};
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (streq(redundancy, map[i][0]))
            return map[i][1];
    return "Standard_ZRS";
}

static void store_resources(Mf *f, const Store *s, JsonVal *res,
                            JsonVal *skipped)
{
    JsonVal *tg = tags(f, NULL, NULL);
    jv_set(tg, "store", jv_str(s->name.s));
    const char *loc = s->region.s;
    if (streq(s->kind.s, "sql")) {
        const char *server = store_azure_name(f->a, s);
        JsonVal *sp = jv_obj(), *admin = jv_obj();
        jv_set(sp, "minimalTlsVersion", jv_str("1.2"));
        jv_set(sp, "publicNetworkAccess", jv_str("Disabled"));
        jv_set(admin, "administratorType", jv_str("ActiveDirectory"));
        jv_set(admin, "azureADOnlyAuthentication", jv_bool(true));
        jv_set(admin, "login", arm_code("[parameters('sqlAdminGroupName')]"));
        jv_set(admin, "sid", arm_code("[parameters('sqlAdminGroupObjectId')]"));
        jv_set(admin, "tenantId", arm_code("[subscription().tenantId]"));
        jv_set(sp, "administrators", admin);
        JsonVal *r = resource("Microsoft.Sql/servers", SQL, server, jv_str(loc), tg);
        jv_set(r, "properties", sp);
        jv_push(res, r);
        const char *db = arena_printf(f->a, "%s/%s", server, s->name.s);
        JsonVal *dp = jv_obj(), *sku = jv_obj(), *deps = jv_arr();
        bool geo = strstr(s->redundancy.s, "grs") != NULL;
        jv_set(dp, "zoneRedundant", jv_bool(strstr(s->redundancy.s, "z") != NULL));
        jv_set(dp, "requestedBackupStorageRedundancy",
               jv_str(geo ? "Geo" : strstr(s->redundancy.s, "z") ? "Zone"
                                                                : "Local"));
        jv_set(sku, "name", jv_str(s->sku.s ? s->sku.s : "GP_Gen5_2"));
        JsonVal *dr = resource("Microsoft.Sql/servers/databases", SQL, db, jv_str(loc),
                               tags(f, NULL, NULL));
        jv_set(dr, "sku", sku);
        jv_set(dr, "properties", dp);
        jv_push(deps, id_of(f, "Microsoft.Sql/servers", server, NULL));
        jv_set(dr, "dependsOn", deps);
        jv_push(res, dr);
        JsonVal *tp = jv_obj(), *tdeps = jv_arr();
        jv_set(tp, "state", jv_str("Enabled")); /* TDE */
        JsonVal *tr = jv_obj();
        jv_set(tr, "type",
               jv_str("Microsoft.Sql/servers/databases/transparentDataEncryption"));
        jv_set(tr, "apiVersion", jv_str(SQL));
        jv_set(tr, "name", jv_str(arena_printf(f->a, "%s/current", db)));
        jv_set(tr, "properties", tp);
        jv_push(tdeps, id_of(f, "Microsoft.Sql/servers/databases", server,
                             s->name.s));
        jv_set(tr, "dependsOn", tdeps);
        jv_push(res, tr);
        if (s->failover_region.s)
            jv_push(skipped, jv_str(arena_printf(
                                 f->a, "SQL failover group for %s (to %s)",
                                 s->name.s, s->failover_region.s)));
    } else if (streq(s->kind.s, "blob") || streq(s->kind.s, "queue")) {
        JsonVal *p = jv_obj(), *sku = jv_obj();
        jv_set(p, "minimumTlsVersion", jv_str("TLS1_2"));
        jv_set(p, "supportsHttpsTrafficOnly", jv_bool(true));
        jv_set(p, "allowBlobPublicAccess", jv_bool(false));
        jv_set(p, "publicNetworkAccess", jv_str("Disabled"));
        jv_set(sku, "name", jv_str(storage_sku(s->redundancy.s)));
        JsonVal *r = resource("Microsoft.Storage/storageAccounts", STORAGE,
                              store_azure_name(f->a, s), jv_str(loc),
                              tg);
        jv_set(r, "kind", jv_str("StorageV2"));
        jv_set(r, "sku", sku);
        jv_set(r, "properties", p);
        jv_push(res, r);
    } else if (streq(s->kind.s, "key-vault")) {
        jv_push(res, vault(store_azure_name(f->a, s), tg));
    } else {
        jv_free(tg);
        jv_push(skipped, jv_str(arena_printf(f->a, "%s store %s",
                                             s->kind.s, s->name.s)));
    }
}

static JsonVal *action_group(Mf *f, const Team *t)
{
    JsonVal *p = jv_obj(), *emails = jv_arr(), *hooks = jv_arr();
    jv_set(p, "groupShortName", jv_str(arena_strndup(f->a, t->name.s, 12)));
    jv_set(p, "enabled", jv_bool(true));
    for (int i = 0; i < t->email.n; i++) {
        JsonVal *e = jv_obj();
        jv_set(e, "name", jv_str(arena_printf(f->a, "email-%d", i + 1)));
        jv_set(e, "emailAddress", jv_str(t->email.v[i].s));
        jv_set(e, "useCommonAlertSchema", jv_bool(true));
        jv_push(emails, e);
    }
    if (t->webhook.s) {
        JsonVal *w = jv_obj();
        jv_set(w, "name", jv_str("webhook"));
        jv_set(w, "serviceUri", jv_str(t->webhook.s));
        jv_set(w, "useCommonAlertSchema", jv_bool(true));
        jv_push(hooks, w);
    }
    jv_set(p, "emailReceivers", emails);
    jv_set(p, "webhookReceivers", hooks);
    JsonVal *r = resource("Microsoft.Insights/actionGroups", INSIGHTS_GROUPS,
                          arena_printf(f->a, "ag-%s-%s", E(f), t->name.s),
                          jv_str("Global"), tags(f, NULL, t->name.s));
    jv_set(r, "properties", p);
    return r;
}

static void environment(Mf *f, Outputs *o)
{
    JsonVal *res = jv_arr(), *skipped = jv_arr();
    jv_push(res, network(f));
    jv_push(res, vault(vault_name(f), tags(f, NULL, NULL)));
    for (int i = 0; i < f->env->nstores; i++)
        store_resources(f, f->env->stores[i], res, skipped);
    for (int i = 0; i < f->m->platform->teams.n; i++)
        jv_push(res, action_group(f, f->m->platform->teams.v[i]));
    JsonVal *root = template_root(f, res);
    JsonVal *params = (JsonVal *)jv_get(root, "parameters");
    JsonVal *p1 = jv_obj(), *p2 = jv_obj();
    jv_set(p1, "type", jv_str("string"));
    jv_set(p2, "type", jv_str("string"));
    jv_set(params, "sqlAdminGroupName", p1);
    jv_set(params, "sqlAdminGroupObjectId", p2);
    JsonVal *meta = jv_obj();
    jv_set(meta, "notEmitted", skipped);
    jv_set(root, "metadata", meta);
    write_template(f, root, "environment.json", o);
}

/* ---- a service ---- */

typedef struct Metric {
    const char *name, *ns, *aggregation;
    bool on_plan; /* a plan metric, else the Web App's */
} Metric;

/* Spec metric -> Azure metric, for autoscale rules (lower-case namespaces,
 * as autoscale settings write them) and for metric alerts.  The last row,
 * cpu, is the default. */
typedef struct MetricMap {
    const char *spec;
    Metric m;
} MetricMap;

#define PLAN_LC "microsoft.web/serverfarms"
#define SITE_LC "microsoft.web/sites"
#define PLAN "Microsoft.Web/serverfarms"
#define SITE "Microsoft.Web/sites"

static const MetricMap scale_metrics[] = {
    {"memory", {"MemoryPercentage", PLAN_LC, "Average", true}},
    {"http-queue-length", {"HttpQueueLength", PLAN_LC, "Average", true}},
    {"requests-per-second", {"Requests", SITE_LC, "Total", false}},
    {"queue-length", {"HttpQueueLength", PLAN_LC, "Average", true}},
    {NULL, {"CpuPercentage", PLAN_LC, "Average", true}},
};

static const MetricMap alert_metrics[] = {
    {"requests", {"Requests", SITE, "Total", false}},
    {"http-5xx", {"Http5xx", SITE, "Total", false}},
    {"response-time", {"HttpResponseTime", SITE, "Average", false}},
    {"memory", {"MemoryPercentage", PLAN, "Average", true}},
    {"queue-length", {"HttpQueueLength", PLAN, "Average", true}},
    {NULL, {"CpuPercentage", PLAN, "Average", true}},
};

static Metric metric(const MetricMap *t, const char *m)
{
    while (t->spec && !streq(t->spec, m))
        t++;
    return t->m;
}

/* ISO 8601 durations as Azure writes them: PT5M, PT1H, PT90S. */
static const char *iso(Mf *f, long long s)
{
    if (s % 3600 == 0)
        return arena_printf(f->a, "PT%lldH", s / 3600);
    if (s % 60 == 0)
        return arena_printf(f->a, "PT%lldM", s / 60);
    return arena_printf(f->a, "PT%lldS", s);
}

static JsonVal *scale_rule(Mf *f, const char *plan_id, const char *site_id,
                           const ScaleRule *r, bool out)
{
    Metric m = metric(scale_metrics, r->metric.s);
    JsonVal *rule = jv_obj(), *trig = jv_obj(), *act = jv_obj();
    long long threshold = out ? r->above.v
                              : r->below.set ? r->below.v : r->above.v / 2;
    jv_set(trig, "metricName", jv_str(m.name));
    jv_set(trig, "metricNamespace", jv_str(m.ns));
    jv_set(trig, "metricResourceUri", arm_code(m.on_plan ? plan_id : site_id));
    jv_set(trig, "timeGrain", jv_str("PT1M"));
    jv_set(trig, "statistic", jv_str("Average"));
    jv_set(trig, "timeWindow", jv_str("PT5M"));
    jv_set(trig, "timeAggregation", jv_str(m.aggregation));
    jv_set(trig, "operator", jv_str(out ? "GreaterThan" : "LessThan"));
    jv_set(trig, "threshold",
           jv_int(streq(r->metric.s, "requests-per-second") ? threshold * 60
                                                             : threshold));
    jv_set(act, "direction", jv_str(out ? "Increase" : "Decrease"));
    jv_set(act, "type", jv_str("ChangeCount"));
    jv_set(act, "value", jv_str(arena_printf(f->a, "%lld",
                                             out ? r->step.v : 1LL)));
    jv_set(act, "cooldown", jv_str(iso(f, r->cooldown.v)));
    jv_set(rule, "metricTrigger", trig);
    jv_set(rule, "scaleAction", act);
    return rule;
}

static JsonVal *app_settings(Mf *f, const Service *s)
{
    JsonVal *a = jv_arr();
    JsonVal *port = jv_obj();
    jv_set(port, "name", jv_str("WEBSITES_PORT"));
    jv_set(port, "value", jv_str(arena_printf(f->a, "%lld", s->runtime->port.v)));
    jv_push(a, port);
    for (int i = 0; i < s->settings.n; i++) {
        const KeyVal *kv = s->settings.v[i];
        JsonVal *o = jv_obj();
        jv_set(o, "name", jv_str(kv->key.s));
        jv_set(o, "value", jv_str(kv->value.s));
        jv_push(a, o);
    }
    for (int i = 0; i < s->secrets.n; i++) { /* never a value: a reference */
        const Secret *sec = s->secrets.v[i];
        JsonVal *o = jv_obj();
        jv_set(o, "name", jv_str(sec->name.s));
        jv_set(o, "value", jv_str(arena_printf(
                               f->a, "@Microsoft.KeyVault(VaultName=%s;"
                                     "SecretName=%s)",
                               vault_name(f), sec->key_vault_secret.s)));
        jv_push(a, o);
    }
    return a;
}

static void service(Mf *f, const Service *s, Outputs *o)
{
    const char *team = s->team.s;
    const char *plan = arena_printf(f->a, "plan-%s-%s-%s", P(f), E(f),
                                    s->name.s);
    const char *site = arena_strndup(f->a, backend_host(f->a, f->m, f->env, s),
                                     strcspn(backend_host(f->a, f->m, f->env,
                                                          s), "."));
    const char *plan_id = arm_id(f->a, "Microsoft.Web/serverfarms", plan, NULL);
    const char *site_id = arm_id(f->a, "Microsoft.Web/sites", site, NULL);
    const Scaling *sc = s->scaling;
    JsonVal *res = jv_arr();

    JsonVal *pp = jv_obj(), *sku = jv_obj();
    jv_set(pp, "reserved", jv_bool(true)); /* Linux */
    jv_set(pp, "zoneRedundant", jv_bool(streq(E(f), "production")));
    jv_set(sku, "name", jv_str("P1v3"));
    jv_set(sku, "tier", jv_str("PremiumV3"));
    jv_set(sku, "capacity", jv_int(sc->min.v < 1 ? 1 : sc->min.v));
    JsonVal *pr = resource("Microsoft.Web/serverfarms", WEB, plan,
                           LOCATION,
                           tags(f, s->name.s, team));
    jv_set(pr, "kind", jv_str("linux"));
    jv_set(pr, "sku", sku);
    jv_set(pr, "properties", pp);
    jv_push(res, pr);

    JsonVal *cfg = jv_obj();
    jv_set(cfg, "linuxFxVersion",
           jv_str(arena_printf(f->a, "DOCKER|%s", s->runtime->image.s)));
    jv_set(cfg, "healthCheckPath", jv_str(s->runtime->health_path.s));
    jv_set(cfg, "minTlsVersion", jv_str("1.2"));
    jv_set(cfg, "ftpsState", jv_str("Disabled"));
    jv_set(cfg, "http20Enabled", jv_bool(true));
    jv_set(cfg, "alwaysOn", jv_bool(true));
    jv_set(cfg, "vnetRouteAllEnabled", jv_bool(true));
    jv_set(cfg, "appSettings", app_settings(f, s));
    JsonVal *sp = jv_obj(), *id = jv_obj(), *deps = jv_arr();
    jv_set(sp, "serverFarmId", arm_code(plan_id));
    jv_set(sp, "httpsOnly", jv_bool(true));
    jv_set(sp, "virtualNetworkSubnetId",
           arm_code(arm_id(f->a, "Microsoft.Network/virtualNetworks/subnets",
                         arena_printf(f->a, "vnet-%s-%s", P(f), E(f)),
                         "apps")));
    jv_set(sp, "siteConfig", cfg);
    jv_set(id, "type", jv_str("SystemAssigned")); /* reads the Key Vault */
    JsonVal *sr = resource("Microsoft.Web/sites", WEB, site,
                           LOCATION,
                           tags(f, s->name.s, team));
    jv_set(sr, "kind", jv_str("app,linux,container"));
    jv_set(sr, "identity", id);
    jv_set(sr, "properties", sp);
    jv_push(deps, arm_code(plan_id));
    jv_set(sr, "dependsOn", deps);
    jv_push(res, sr);

    if (sc->rules.n && sc->min.v != sc->max.v) {
        JsonVal *rules = jv_arr();
        for (int i = 0; i < sc->rules.n; i++) { /* out and in, in pairs */
            jv_push(rules, scale_rule(f, plan_id, site_id, sc->rules.v[i], true));
            jv_push(rules, scale_rule(f, plan_id, site_id, sc->rules.v[i], false));
        }
        JsonVal *cap = jv_obj(), *profile = jv_obj(), *profiles = jv_arr();
        long long min = sc->min.v < 1 ? 1 : sc->min.v;
        jv_set(cap, "minimum", jv_str(arena_printf(f->a, "%lld", min)));
        jv_set(cap, "maximum", jv_str(arena_printf(f->a, "%lld", sc->max.v)));
        jv_set(cap, "default", jv_str(arena_printf(f->a, "%lld", min)));
        jv_set(profile, "name", jv_str("default"));
        jv_set(profile, "capacity", cap);
        jv_set(profile, "rules", rules);
        jv_push(profiles, profile);
        JsonVal *ap = jv_obj(), *adeps = jv_arr();
        jv_set(ap, "enabled", jv_bool(true));
        jv_set(ap, "targetResourceUri", arm_code(plan_id));
        jv_set(ap, "profiles", profiles);
        JsonVal *ar = resource("Microsoft.Insights/autoscalesettings",
                               INSIGHTS_SCALE,
                               arena_printf(f->a, "autoscale-%s", site),
                               LOCATION,
                               tags(f, s->name.s, team));
        jv_set(ar, "properties", ap);
        jv_push(adeps, arm_code(plan_id));
        jv_set(ar, "dependsOn", adeps);
        jv_push(res, ar);
    }

    for (int i = 0; i < s->alerts.n; i++) {
        const Alert *al = s->alerts.v[i];
        Metric m = metric(alert_metrics, al->metric.s);
        JsonVal *c = jv_obj(), *all = jv_arr(), *crit = jv_obj();
        jv_set(c, "name", jv_str(al->name.s));
        jv_set(c, "metricNamespace", jv_str(m.ns));
        jv_set(c, "metricName", jv_str(m.name));
        jv_set(c, "timeAggregation", jv_str(m.aggregation));
        jv_set(c, "operator", jv_str("GreaterThan"));
        if (al->dynamic.s) { /* unexpected spikes: a learned threshold */
            static const char *const sens[][2] = {
                {"low", "Low"}, {"medium", "Medium"}, {"high", "High"}};
            const char *level = "Medium";
            for (int k = 0; k < 3; k++)
                if (streq(al->dynamic.s, sens[k][0]))
                    level = sens[k][1];
            JsonVal *fp = jv_obj();
            jv_set(c, "criterionType", jv_str("DynamicThresholdCriterion"));
            jv_set(c, "alertSensitivity", jv_str(level));
            jv_set(fp, "numberOfEvaluationPeriods", jv_int(4));
            jv_set(fp, "minFailingPeriodsToAlert", jv_int(3));
            jv_set(c, "failingPeriods", fp);
            jv_set(crit, "odata.type",
                   jv_str("Microsoft.Azure.Monitor."
                          "MultipleResourceMultipleMetricCriteria"));
        } else {
            jv_set(c, "criterionType", jv_str("StaticThresholdCriterion"));
            jv_set(c, "threshold", jv_int(al->above.v));
            jv_set(crit, "odata.type",
                   jv_str("Microsoft.Azure.Monitor."
                          "SingleResourceMultipleMetricCriteria"));
        }
        jv_push(all, c);
        jv_set(crit, "allOf", all);
        JsonVal *p = jv_obj(), *scopes = jv_arr(), *actions = jv_arr(),
                *act = jv_obj(), *adeps = jv_arr();
        jv_push(scopes, arm_code(m.on_plan ? plan_id : site_id));
        jv_set(p, "description",
               jv_str(arena_printf(f->a, "%s of %s in %s", al->name.s,
                                   s->name.s, E(f))));
        jv_set(p, "severity", jv_int(al->severity.v));
        jv_set(p, "enabled", jv_bool(true));
        jv_set(p, "scopes", scopes);
        jv_set(p, "evaluationFrequency", jv_str("PT1M"));
        jv_set(p, "windowSize", jv_str(iso(f, al->window.v)));
        jv_set(p, "targetResourceType", jv_str(m.ns));
        jv_set(p, "targetResourceRegion", jv_str(f->env->env->region.s));
        jv_set(p, "autoMitigate", jv_bool(true));
        jv_set(p, "criteria", crit);
        jv_set(act, "actionGroupId",
               id_of(f, "Microsoft.Insights/actionGroups",
                     arena_printf(f->a, "ag-%s-%s", E(f), al->notify.s),
                     NULL));
        jv_push(actions, act);
        jv_set(p, "actions", actions);
        JsonVal *r = resource("Microsoft.Insights/metricAlerts",
                              INSIGHTS_ALERTS,
                              arena_printf(f->a, "alert-%s-%s", site,
                                           al->name.s),
                              jv_str("global"), tags(f, s->name.s, team));
        jv_set(r, "properties", p);
        jv_push(adeps, arm_code(m.on_plan ? plan_id : site_id));
        jv_set(r, "dependsOn", adeps);
        jv_push(res, r);
    }
    write_template(f, template_root(f, res),
                   arena_printf(f->a, "services/%s.json", s->name.s), o);
}

void emit_appservice(const Model *m, Outputs *o)
{
    for (int i = 0; i < m->nenvs; i++) {
        Arena a;
        arena_init(&a);
        Mf f = {m, &m->envs[i], &a};
        environment(&f, o);
        for (int k = 0; k < m->envs[i].nservices; k++)
            service(&f, m->envs[i].services[k], o);
        arena_free(&a);
    }
}
