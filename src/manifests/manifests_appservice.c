/* manifests_appservice.c - ENV/manifests/azure/services/SERVICE.json: one
 * service on Azure App Service, and nothing about any other service (so
 * adding a service adds its files and one entry in ENV/main.json).
 *
 *   plan, Web App     Linux container, system-assigned identity, public
 *                     access off (reached through a private endpoint by
 *                     the edge), VNet integration for its calls out
 *   roles             exactly what its spec implies: Key Vault Secrets
 *                     User on the environment's vault when it has secrets,
 *                     a data role per store it uses, by access; SQL access
 *                     is a contained database user (SERVICE.sql, which ARM
 *                     cannot create)
 *   app settings      a separate sites/config resource, applied after the
 *                     grants so the Key Vault references resolve; the
 *                     stores it uses and Application Insights
 *   autoscale, alerts paired out/in rules; metric alerts to the team
 *   diagnostics       site, plan and autoscale to the workspace
 *
 * Everything from other templates arrives as parameters (the environment's
 * outputs, fed by main.json).
 */
#include "manifests_azure.h"
#include "topoc/regions.h"
#include "topoc/routing.h"
#include "topoc/schema.h"

#include <stdio.h>
#include <string.h>

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
    long long threshold = out                ? r->above.v
                          : r->below.loc.set ? r->below.v
                                             : r->above.v / 2;
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
    jv_set(act, "value", jv_str(arena_printf(f->a, "%lld", r->step.v)));
    jv_set(act, "cooldown", jv_str(iso(f, r->cooldown.v)));
    jv_set(rule, "metricTrigger", trig);
    jv_set(rule, "scaleAction", act);
    return rule;
}


static void setting(JsonVal *settings, const char *name, JsonVal *value)
{
    jv_set(settings, name, value);
}

static const char *store_ref(Mf *f, const char *store, const char *field)
{
    return arena_printf(f->a, "[parameters('stores')[%s].%s]",
                        arm_quote(f->a, store), field);
}

static JsonVal *app_settings(Mf *f, const Service *s)
{
    JsonVal *a = jv_obj();
    setting(a, "WEBSITES_PORT",
                       jv_str(arena_printf(f->a, "%lld", s->runtime->port.v)));
    setting(a, "APPLICATIONINSIGHTS_CONNECTION_STRING",
            arm_code(arena_printf(f->a,
                                  "[reference(parameters('appInsightsId'), "
                                  "'%s').ConnectionString]",
                                  INSIGHTS_COMPONENTS)));
    for (int i = 0; i < s->settings.n; i++) {
        const KeyVal *kv = s->settings.v[i];
        setting(a, kv->key.s, jv_str(kv->value.s));
    }
    for (int i = 0; i < s->secrets.n; i++) { /* never a value: a reference */
        const Secret *sec = s->secrets.v[i];
        setting(a, sec->name.s,
                arm_code(arena_printf(
                    f->a,
                    "[format('@Microsoft.KeyVault(VaultName={0};"
                    "SecretName={1})', parameters('vaultName'), %s)]",
                    arm_quote(f->a, sec->key_vault_secret.s))));
    }
    for (int i = 0; i < s->stores.n; i++) { /* where each store is */
        const StoreUse *u = s->stores.v[i];
        const char *up = mf_upper(f, u->store.s);
        setting(a, arena_printf(f->a, "STORE_%s_HOST", up),
                arm_code(store_ref(f, u->store.s, "host")));
        setting(a, arena_printf(f->a, "STORE_%s_ACCESS", up),
                jv_str(u->access.s));
        const Store *st = model_store(f->m->platform, u->store.s);
        if (st && streq(st->kind.s, "sql"))
            setting(a, arena_printf(f->a, "STORE_%s_DATABASE", up),
                    jv_str(u->store.s));
    }
    return a;
}

static const Store *env_store(Mf *f, const char *name)
{
    for (int i = 0; i < f->env->nstores; i++)
        if (streq(f->env->stores[i]->name.s, name))
            return f->env->stores[i];
    return NULL;
}

/* The grants: returns the resource ids the app settings wait for. */
static void grants(Mf *f, const Service *s, const char *site_id, JsonVal *res,
                   JsonVal *wait)
{
    const char *principal = arena_printf(
        f->a, "[reference(%s, '%s', 'Full').identity.principalId]",
        mf_inner(f, site_id), WEB);
    if (s->secrets.n) {
        const char *vault = "[resourceId('Microsoft.KeyVault/vaults', "
                            "parameters('vaultName'))]";
        JsonVal *r = mf_role(f, &ROLE_KV_SECRETS_USER, vault, principal,
                             site_id, mf_deps1(site_id));
        jv_push(res, r);
        jv_push(wait, arm_code(arena_printf(
                          f->a, "[extensionResourceId(%s, "
                                "'Microsoft.Authorization/roleAssignments', "
                                "guid(%s, %s, '%s'))]",
                          mf_inner(f, vault), mf_inner(f, vault),
                          mf_inner(f, site_id), ROLE_KV_SECRETS_USER.guid)));
    }
    for (int i = 0; i < s->stores.n; i++) {
        const StoreUse *u = s->stores.v[i];
        const Store *st = env_store(f, u->store.s);
        const Role *role = st ? mf_store_role(st, u->access.s) : NULL;
        if (!role)
            continue;
        const char *scope = store_ref(f, u->store.s, "id");
        if (streq(st->kind.s, "cache")) { /* Redis data access: Entra */
            JsonVal *p = jv_obj(), *r = jv_obj();
            bool read = streq(u->access.s, "read");
            jv_set(r, "type", jv_str("Microsoft.Cache/redis/"
                                     "accessPolicyAssignments"));
            jv_set(r, "apiVersion", jv_str(REDIS));
            jv_set(r, "name",
                   arm_code(arena_printf(
                       f->a, "[format('{0}/{1}', parameters('stores')[%s].name, "
                             "guid(%s, '%s'))]",
                       arm_quote(f->a, u->store.s), mf_inner(f, site_id),
                       u->store.s)));
            jv_set(p, "accessPolicyName",
                   jv_str(read ? "Data Reader" : "Data Contributor"));
            jv_set(p, "objectId", arm_code(principal));
            jv_set(p, "objectIdAlias", jv_str(mf_site(f, s)));
            jv_set(r, "properties", p);
            jv_set(r, "dependsOn", mf_deps1(site_id));
            jv_push(res, r);
            continue;
        }
        jv_push(res, mf_role(f, role, scope, principal, site_id,
                             mf_deps1(site_id)));
        jv_push(wait, arm_code(arena_printf(
                          f->a, "[extensionResourceId(%s, "
                                "'Microsoft.Authorization/roleAssignments', "
                                "guid(%s, %s, '%s'))]",
                          mf_inner(f, scope), mf_inner(f, scope),
                          mf_inner(f, site_id), role->guid)));
    }
}

/* SQL has no ARM resource for a database user: SERVICE.sql is what the
 * SQL Entra admin runs once per database (see README). */
static void sql_users(Mf *f, const Service *s, Outputs *o)
{
    Strbuf sb = STRBUF_INIT;
    for (int i = 0; i < s->stores.n; i++) {
        const StoreUse *u = s->stores.v[i];
        const Store *st = env_store(f, u->store.s);
        if (!st || !streq(st->kind.s, "sql"))
            continue;
        const char *user = mf_site(f, s);
        sb_printf(&sb,
                  "-- %s in %s: server %s.database.windows.net, database "
                  "%s; run as the\n-- SQL Entra admin (the group "
                  "sqlAdminGroupName) after the deployment.\n",
                  s->name.s, mf_env(f), mf_store_resource(f, st), u->store.s);
        sb_printf(&sb,
                  "IF DATABASE_PRINCIPAL_ID('%s') IS NULL\n"
                  "    CREATE USER [%s] FROM EXTERNAL PROVIDER;\n",
                  user, user);
        bool r = !streq(u->access.s, "write"), w = !streq(u->access.s, "read");
        if (r)
            sb_printf(&sb, "ALTER ROLE db_datareader ADD MEMBER [%s];\n", user);
        if (w)
            sb_printf(&sb, "ALTER ROLE db_datawriter ADD MEMBER [%s];\n", user);
        sb_puts(&sb, "GO\n");
    }
    if (sb.len)
        out_add(o, arena_printf(f->a, "%s/manifests/azure/services/%s.sql",
                                mf_env(f), s->name.s),
                &sb);
    else
        sb_release(&sb);
}

/* An App Service plan of the environment's SKU (environments.NAME.plan):
 * zone-redundant in production where the tier and the region allow it;
 * PER_SITE when services share it, each app then running on its own number
 * of workers. */
JsonVal *mf_plan(Mf *f, const char *name, JsonVal *tags, long long capacity,
                 bool per_site)
{
    const Plan *pl = f->env->env->plan;
    PlanSku k = schema_plan_sku(pl->sku.s);
    JsonVal *pp = jv_obj(), *sku = jv_obj();
    jv_set(pp, "reserved", jv_bool(true)); /* Linux */
    jv_set(pp, "zoneRedundant",
           jv_bool(k.zones && streq(mf_env(f), "production") &&
                   region_has_zones(f->env->env->region.s)));
    if (per_site)
        jv_set(pp, "perSiteScaling", jv_bool(true));
    jv_set(sku, "name", jv_str(pl->sku.s));
    jv_set(sku, "tier", jv_str(k.tier));
    jv_set(sku, "capacity", jv_int(capacity));
    JsonVal *pr = mf_resource("Microsoft.Web/serverfarms", WEB, name,
                              mf_location(), tags);
    jv_set(pr, "kind", jv_str("linux"));
    jv_set(pr, "sku", sku);
    jv_set(pr, "properties", pp);
    return pr;
}

static JsonVal *site(Mf *f, const Service *s, const char *name,
                     const char *plan_id, bool shared)
{
    JsonVal *cfg = jv_obj();
    if (shared) /* per-app scaling on the environment's plan */
        jv_set(cfg, "numberOfWorkers", jv_int(s->scaling->min.v));
    jv_set(cfg, "linuxFxVersion",
           jv_str(arena_printf(f->a, "DOCKER|%s", s->runtime->image.s)));
    jv_set(cfg, "healthCheckPath", jv_str(s->runtime->health_path.s));
    jv_set(cfg, "minTlsVersion", jv_str("1.2"));
    jv_set(cfg, "ftpsState", jv_str("Disabled"));
    jv_set(cfg, "http20Enabled", jv_bool(true));
    jv_set(cfg, "alwaysOn", jv_bool(true));
    jv_set(cfg, "remoteDebuggingEnabled", jv_bool(false));
    jv_set(cfg, "vnetRouteAllEnabled", jv_bool(true));
    JsonVal *sp = jv_obj(), *id = jv_obj();
    jv_set(sp, "serverFarmId", arm_code(plan_id));
    jv_set(sp, "httpsOnly", jv_bool(true));
    jv_set(sp, "clientAffinityEnabled", jv_bool(false));
    jv_set(sp, "publicNetworkAccess", jv_str("Disabled"));
    jv_set(sp, "keyVaultReferenceIdentity", jv_str("SystemAssigned"));
    jv_set(sp, "virtualNetworkSubnetId",
           arm_code("[parameters('integrationSubnetId')]"));
    jv_set(sp, "siteConfig", cfg);
    jv_set(id, "type", jv_str("SystemAssigned"));
    JsonVal *sr = mf_resource("Microsoft.Web/sites", WEB, name, mf_location(),
                              mf_tags(f, s->name.s, s->team.s));
    jv_set(sr, "kind", jv_str("app,linux,container"));
    jv_set(sr, "identity", id);
    jv_set(sr, "properties", sp);
    if (!shared) /* else the plan is the environment's, deployed before */
        jv_set(sr, "dependsOn", mf_deps1(plan_id));
    return sr;
}

static JsonVal *autoscale(Mf *f, const Service *s, const char *site_name,
                          const char *plan_id, const char *site_id)
{
    const Scaling *sc = s->scaling;
    JsonVal *rules = jv_arr();
    for (int i = 0; i < sc->rules.n; i++) { /* out and in, in pairs */
        jv_push(rules, scale_rule(f, plan_id, site_id, sc->rules.v[i], true));
        jv_push(rules, scale_rule(f, plan_id, site_id, sc->rules.v[i], false));
    }
    JsonVal *cap = jv_obj(), *profile = jv_obj(), *profiles = jv_arr();
    jv_set(cap, "minimum", jv_str(arena_printf(f->a, "%lld", sc->min.v)));
    jv_set(cap, "maximum", jv_str(arena_printf(f->a, "%lld", sc->max.v)));
    jv_set(cap, "default", jv_str(arena_printf(f->a, "%lld", sc->min.v)));
    jv_set(profile, "name", jv_str("default"));
    jv_set(profile, "capacity", cap);
    jv_set(profile, "rules", rules);
    jv_push(profiles, profile);
    JsonVal *ap = jv_obj();
    jv_set(ap, "enabled", jv_bool(true));
    jv_set(ap, "targetResourceUri", arm_code(plan_id));
    jv_set(ap, "profiles", profiles);
    JsonVal *ar = mf_resource("Microsoft.Insights/autoscalesettings",
                              INSIGHTS_SCALE,
                              arena_printf(f->a, "autoscale-%s", site_name),
                              mf_location(), mf_tags(f, s->name.s, s->team.s));
    jv_set(ar, "properties", ap);
    jv_set(ar, "dependsOn", mf_deps1(plan_id));
    return ar;
}

static JsonVal *alert(Mf *f, const Service *s, const Alert *al,
                      const char *site_name, const char *plan_id,
                      const char *site_id, bool shared)
{
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
        jv_set(crit, "odata.type", jv_str("Microsoft.Azure.Monitor."
                                          "MultipleResourceMultipleMetricCriteria"));
    } else {
        jv_set(c, "criterionType", jv_str("StaticThresholdCriterion"));
        jv_set(c, "threshold", jv_int(al->above.v));
        jv_set(crit, "odata.type", jv_str("Microsoft.Azure.Monitor."
                                          "SingleResourceMultipleMetricCriteria"));
    }
    jv_push(all, c);
    jv_set(crit, "allOf", all);
    JsonVal *p = jv_obj(), *scopes = jv_arr(), *actions = jv_arr(),
            *act = jv_obj();
    jv_push(scopes, arm_code(m.on_plan ? plan_id : site_id));
    jv_set(p, "description", jv_str(arena_printf(f->a, "%s of %s in %s",
                                                 al->name.s, s->name.s,
                                                 mf_env(f))));
    jv_set(p, "severity", jv_int(al->severity.v));
    jv_set(p, "enabled", jv_bool(true));
    jv_set(p, "scopes", scopes);
    jv_set(p, "evaluationFrequency", jv_str("PT1M"));
    jv_set(p, "windowSize", jv_str(iso(f, al->window.v)));
    jv_set(p, "targetResourceType", jv_str(m.ns));
    jv_set(p, "targetResourceRegion", arm_code("[parameters('location')]"));
    jv_set(p, "autoMitigate", jv_bool(true));
    jv_set(p, "criteria", crit);
    jv_set(act, "actionGroupId",
           arm_code(arena_printf(f->a, "[parameters('actionGroups')[%s]]",
                                 arm_quote(f->a, al->notify.s))));
    jv_push(actions, act);
    jv_set(p, "actions", actions);
    JsonVal *r = mf_resource("Microsoft.Insights/metricAlerts", INSIGHTS_ALERTS,
                             arena_printf(f->a, "alert-%s-%s", site_name,
                                          al->name.s),
                             jv_str("global"), mf_tags(f, s->name.s, s->team.s));
    jv_set(r, "properties", p);
    jv_set(r, "dependsOn", mf_deps1(m.on_plan && !shared ? plan_id : site_id));
    return r;
}

static void service_params(JsonVal *p, bool shared)
{
    if (shared)
        jv_set(p, "planId", arm_parameter("string", "the environment's "
                                                    "shared App Service plan"));
    static const char *const ps[][3] = {
        {"integrationSubnetId", "string",
         "the subnet its calls leave by (apps, or connectors)"},
        {"siteGroups", "object", "application security group ids: sites, "
                                 "edge, apps, connectors"},
        {"peSubnetId", "string", "the private endpoints subnet"},
        {"sitesDnsZoneId", "string", "privatelink.azurewebsites.net"},
        {"workspaceId", "string", "Log Analytics workspace"},
        {"appInsightsId", "string", "Application Insights component"},
        {"vaultName", "string", "the environment's Key Vault"},
        {"vaultUri", "string", "its URI"},
        {"stores", "object", "store name -> {id, name, host}"},
        {"actionGroups", "object", "team -> action group id"}};
    for (size_t i = 0; i < sizeof ps / sizeof *ps; i++)
        jv_set(p, ps[i][0], arm_parameter(ps[i][1], ps[i][2]));
}

size_t mf_service(Mf *f, const Service *s, Outputs *o)
{
    bool shared = f->env->env->plan->shared.v;
    const char *plan_name = arena_printf(f->a, "plan-%s-%s-%s",
                                         mf_platform(f), mf_env(f), s->name.s);
    const char *site_name = mf_site(f, s);
    const char *plan_id = shared ? "[parameters('planId')]"
                                 : arm_id(f->a, "Microsoft.Web/serverfarms",
                                          plan_name, NULL);
    const char *site_id = arm_id(f->a, "Microsoft.Web/sites", site_name, NULL);
    const char *law = "[parameters('workspaceId')]";
    const Scaling *sc = s->scaling;
    JsonVal *res = jv_arr(), *wait = jv_arr();

    if (!shared) {
        jv_push(res, mf_plan(f, plan_name, mf_tags(f, s->name.s, s->team.s),
                             sc->min.v, false));
        jv_push(res, mf_diagnostics(f, plan_id, law, false, true, plan_id));
    }
    jv_push(res, site(f, s, site_name, plan_id, shared));
    jv_push(res, mf_diagnostics(f, site_id, law, true, true, site_id));
    mf_private_endpoint(f, res, "Microsoft.Web/sites", site_name, "sites",
                        "[parameters('peSubnetId')]",
                        "[parameters('sitesDnsZoneId')]",
                        mf_site_groups(f, s));
    grants(f, s, site_id, res, wait);
    JsonVal *cfg = jv_obj();
    jv_set(cfg, "type", jv_str("Microsoft.Web/sites/config"));
    jv_set(cfg, "apiVersion", jv_str(WEB));
    jv_set(cfg, "name", jv_str(arena_printf(f->a, "%s/appsettings", site_name)));
    jv_set(cfg, "properties", app_settings(f, s));
    jv_push(wait, arm_code(site_id));
    jv_set(cfg, "dependsOn", wait);
    jv_push(res, cfg);
    /* (a shared plan scales as a whole: check refuses rules there) */
    if (!shared && sc->rules.n && sc->min.v != sc->max.v) {
        const char *aid = arm_id(f->a, "Microsoft.Insights/autoscalesettings",
                                 arena_printf(f->a, "autoscale-%s", site_name),
                                 NULL);
        jv_push(res, autoscale(f, s, site_name, plan_id, site_id));
        jv_push(res, mf_diagnostics(f, aid, law, true, true, aid));
    }
    for (int i = 0; i < s->alerts.n; i++)
        jv_push(res, alert(f, s, s->alerts.v[i], site_name, plan_id, site_id,
                           shared));
    JsonVal *root = mf_template(f, res);
    service_params((JsonVal *)jv_get(root, "parameters"), shared);
    size_t n = mf_write(f, root,
                        arena_printf(f->a, "manifests/azure/services/%s.json",
                                     s->name.s),
                        o, s->name.loc);
    sql_users(f, s, o);
    return n;
}
