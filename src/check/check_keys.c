/* check_keys.c - keys the language accepts that would have no effect
 * where they are written, or that the targets cannot honour: refused at
 * the key, saying what to do, never silently dropped.  The schema cannot
 * say these (a key's meaning depends on another key: the store's kind,
 * the variable a custom rule reads, whether a route is at the edge,
 * whether a service's size is fixed), so the check does, and `topoc
 * check` reports what `topoc build` would refuse; resolve.c refuses
 * plan.instances without a shared plan and a connector block on another
 * kind.  Each is invalid-value: reading the spec, always an error. */
#include "topoc/check.h"
#include "topoc/regions.h"
#include "topoc/util.h"

#include <stdlib.h>
#include <string.h>

/* What a store's redundancy cannot mean for its kind, or NULL.  Storage
 * accounts (blob, queue) take every kind; a SQL database stores backups
 * locally, in zones or in the pair (geo), never readable there; a cache
 * is Standard, or Premium across zones, with no geo copy; a Key Vault has
 * no such setting. */
static const char *redundancy_refused(const char *kind, const char *red,
                                      const char **help)
{
    /* grs, gzrs and their ra- forms copy to the pair */
    bool ra = redundancy_readable(red), geo = redundancy_geo(red);
    if (streq(kind, "key-vault")) {
        *help = "remove it: Azure keeps a vault's copies itself (in the "
                "region, and in its pair)";
        return "a Key Vault has no redundancy setting";
    }
    if (streq(kind, "cache") && geo) {
        *help = "use lrs (one zone) or zrs (Premium, across zones): a "
                "geo-replicated cache is a second cache linked to the "
                "first, which the spec does not describe";
        return "a cache keeps no copy in the pair region";
    }
    if (streq(kind, "sql") && ra) {
        *help = "use grs or gzrs (geo backups in the pair region); for a "
                "readable copy in another region, set failover-region";
        return "read access to the pair region's copy is a storage "
               "account's; a SQL database's geo backups cannot be read";
    }
    return NULL;
}

/* A store's redundancy written (not the default) where its kind cannot
 * honour it; the store-wide value once, an override's per environment. */
static void store_redundancy(Checker *ck, const EnvModel *e, const Store *s)
{
    const char *help = NULL, *why;
    if (!s->redundancy.s || loc_same(s->redundancy.loc, s->loc) ||
        !s->kind.s ||
        !(why = redundancy_refused(s->kind.s, s->redundancy.s, &help)))
        return;
    const char *env = check_store_override_env(s, s->redundancy.loc);
    Arena *a = check_arena(ck);
    Diag *d = check_report(
        ck, "invalid-value", s->redundancy.loc,
        env ? arena_printf(a, "%s/store/%s", env, s->name.s)
            : arena_printf(a, "store/%s", s->name.s),
        "redundancy %s on %sstore '%s' would be dropped: %s",
        s->redundancy.s,
        env ? arena_printf(a, "%s's ", e->env->name.s) : "", s->name.s, why);
    if (d && !loc_same(s->kind.loc, s->loc))
        diag_note(check_diags(ck), d, s->kind.loc, "'%s' is a %s store",
                  s->name.s, s->kind.s);
    diag_help(check_diags(ck), d, "%s", help);
}

/* failover-region, backup-region and sku are SQL's (a storage account's
 * SKU follows its redundancy, a vault is standard, a cache Standard or,
 * zone-redundant, Premium); SQL's geo backups go to the region's pair. */
static void store_sql_keys(Checker *ck, const EnvModel *e, const Store *s)
{
    const Str *keys[] = {&s->failover_region, &s->backup_region, &s->sku};
    const char *names[] = {"failover-region", "backup-region", "sku"};
    bool sql = s->kind.s && streq(s->kind.s, "sql");
    const char *kind = s->kind.s ? s->kind.s : "";
    const char *help =
        streq(kind, "key-vault")
            ? "remove it: Azure keeps a vault's copies itself, in the "
              "region and in its pair"
        : streq(kind, "cache")
            ? "remove it: a geo-replicated cache is a second cache linked "
              "to the first, which the spec does not describe"
            : "remove it; for a copy in the region's pair choose a geo "
              "redundancy (grs, gzrs)";
    Arena *a = check_arena(ck);
    for (int i = 0; i < 3 && !sql; i++) {
        if (!keys[i]->s)
            continue;
        const char *env = check_store_override_env(s, keys[i]->loc);
        diag_help(check_diags(ck),
                  check_report(ck, "invalid-value", keys[i]->loc,
                               env ? arena_printf(a, "%s/store/%s", env,
                                                  s->name.s)
                                   : arena_printf(a, "store/%s", s->name.s),
                               "%s applies to SQL stores; %s is a %s store",
                               names[i], s->name.s, kind),
                  "%s",
                  i < 2 ? help
                        : "remove it: the store's Azure SKU follows its "
                          "redundancy (zone-redundant caches are Premium)");
    }
    /* a region residency does not allow is region-not-allowed's */
    const char *pair = s->region.s ? region_pair(s->region.s) : NULL;
    if (!sql || !s->backup_region.s || !pair ||
        (*pair && streq(pair, s->backup_region.s)) ||
        !residency_allows(check_model_of(ck)->platform->residency,
                          s->backup_region.s))
        return;
    diag_help(check_diags(ck),
              check_report(ck, "invalid-value", s->backup_region.loc,
                           arena_printf(a, "%s/store/%s", e->env->name.s,
                                        s->name.s),
                           "SQL geo backups of %s go to %s's pair (%s), not "
                           "to backup-region %s",
                           s->name.s, s->region.s, *pair ? pair : "none",
                           s->backup_region.s),
              "set backup-region to the pair, or remove it");
}

/* The Azure templates need a /22 for the environment's subnets, and
 * create no peering: a spec must not believe in one.  peered-with naming
 * another environment is env-network-peered's (one mistake, one error). */
static void env_network(Checker *ck, const EnvModel *e)
{
    const Environment *env = e->env;
    unsigned a, b, c, d;
    int prefix;
    const char *target =
        arena_printf(check_arena(ck), "environment/%s", env->name.s);
    if (env->address_space.s &&
        (sscanf(env->address_space.s, "%u.%u.%u.%u/%d", &a, &b, &c, &d,
                &prefix) != 5 ||
         prefix > 22))
        diag_help(check_diags(ck),
                  check_report(ck, "invalid-value", env->address_space.loc,
                               target,
                               "address-space %s is too small for the "
                               "environment's subnets (gateway, apps and "
                               "connectors, private endpoints, API "
                               "Management)",
                               env->address_space.s),
                  "use a /22 or larger, e.g. 10.40.0.0/16");
    const Model *m = check_model_of(ck);
    for (int i = 0; i < env->peered_with.n; i++) {
        bool an_env = false;
        for (int k = 0; k < m->nenvs; k++)
            an_env = an_env || streq(m->envs[k].env->name.s,
                                     env->peered_with.v[i].s);
        if (an_env)
            continue;
        diag_help(check_diags(ck),
                  check_report(ck, "invalid-value", env->peered_with.v[i].loc,
                               target,
                               "%s is peered with %s, but the Azure "
                               "templates create no virtual network peering",
                               env->name.s, env->peered_with.v[i].s),
                  "remove peered-with and peer the networks outside "
                  "topoc (az network vnet peering create)");
        break;
    }
}

/* A custom rule's selector names a header, cookie or argument; the
 * other variables have none, and nginx and App Gateway would ignore it. */
static void rule_selectors(Checker *ck)
{
    static const char *const with[] = {"request-header", "request-cookie",
                                       "post-args"};
    const Waf *w = check_model_of(ck)->platform->edge->waf;
    for (int i = 0; w && i < w->custom_rules.n; i++) {
        const CustomRule *r = w->custom_rules.v[i];
        bool takes = false;
        for (size_t k = 0; k < sizeof with / sizeof *with; k++)
            takes = takes || (r->variable.s && streq(r->variable.s, with[k]));
        if (!r->selector.s || takes)
            continue;
        diag_help(check_diags(ck),
                  check_report(ck, "invalid-value", r->selector.loc,
                               arena_printf(check_arena(ck),
                                            "edge/waf/custom-rule/%s",
                                            r->name.s),
                               "custom rule '%s' reads %s, which has no "
                               "selector: '%s' would be ignored",
                               r->name.s, r->variable.s, r->selector.s),
                  "remove the selector, or read request-header, "
                  "request-cookie or post-args, which a selector narrows "
                  "to one name");
    }
}

/* An internal route is not served at the edge: no WAF or CORS policy of
 * its own applies anywhere. */
static void internal_route(Checker *ck, const Service *s, const Route *r)
{
    if (!r->internal.v)
        return;
    const Loc at[] = {r->waf ? r->waf->loc : (Loc){0},
                      r->cors ? r->cors->loc : (Loc){0}};
    const char *key[] = {"waf", "cors"};
    for (int k = 0; k < 2; k++) {
        if (!loc_src(at[k]))
            continue;
        diag_help(check_diags(ck),
                  check_report(ck, "invalid-value", at[k],
                               check_service_target(ck, s, at[k], NULL),
                               "route %s of '%s' is internal, so no edge "
                               "serves it: its %s settings would apply "
                               "nowhere",
                               r->path.s, s->name.s, key[k]),
                  "remove '%s', or the route's 'internal: true' to serve "
                  "it at the edge",
                  key[k]);
    }
}

/* min = max as written for every environment: the service runs that
 * many instances and neither App Service nor Kubernetes gets its scale
 * rules, anywhere.  An override that pins one environment (a shared
 * plan's fixed workers, say) keeps the rules for the others, and min 0
 * is an instance missing (scaling-min-zero, env-missing-instance). */
static void fixed_scaling(Checker *ck, const Service *s)
{
    const Scaling *sc = s->scaling;
    if (!sc || !sc->rules.n || sc->min.v != sc->max.v || sc->min.v < 1)
        return;
    const ScaleRule *first = sc->rules.v[0];
    if (check_override_env(s, sc->min.loc) ||
        check_override_env(s, sc->max.loc) ||
        check_override_env(s, first->loc))
        return;
    diag_help(check_diags(ck),
              check_report(ck, "invalid-value", first->loc,
                           check_service_target(ck, s, first->loc, NULL),
                           "'%s' runs %lld instance%s in every environment "
                           "(min = max): its scale rule%s would never act",
                           s->name.s, sc->min.v, sc->min.v == 1 ? "" : "s",
                           sc->rules.n == 1 ? "" : "s"),
              "remove the rules, or raise max above min");
}

/* Azure evaluates a metric alert over one of these windows only; any
 * other windowSize and Resource Manager refuses the template. */
static const struct {
    long long s;
    const char *text;
} alert_windows[] = {{60, "1m"},     {300, "5m"},    {900, "15m"},
                     {1800, "30m"},  {3600, "1h"},   {21600, "6h"},
                     {43200, "12h"}, {86400, "24h"}};

static void alert_window(Checker *ck, const Service *s, const Alert *al)
{
    int n = (int)(sizeof alert_windows / sizeof *alert_windows), near = 0;
    for (int k = 0; k < n; k++) {
        if (alert_windows[k].s == al->window.v)
            return;
        long long dk = llabs(alert_windows[k].s - al->window.v),
                  dn = llabs(alert_windows[near].s - al->window.v);
        if (dk < dn)
            near = k;
    }
    diag_help(check_diags(ck),
              check_report(ck, "invalid-value", al->window.loc,
                           check_service_target(ck, s, al->window.loc, NULL),
                           "Azure evaluates an alert over 1m, 5m, 15m, 30m, "
                           "1h, 6h, 12h or 24h: alert '%s' of '%s' asks for "
                           "a window of %lld%s",
                           al->name.s, s->name.s,
                           al->window.v % 3600 == 0 ? al->window.v / 3600
                           : al->window.v % 60 == 0 ? al->window.v / 60
                                                    : al->window.v,
                           al->window.v % 3600 == 0 ? "h"
                           : al->window.v % 60 == 0 ? "m"
                                                    : "s"),
              "use the nearest, %s", alert_windows[near].text);
}

/* A threshold on a percentage (cpu, memory) above 100 never trips: the
 * scale rule or alert would never act. */
static void percent(Checker *ck, const Service *s, const Str *metric,
                    const Int *v, const char *what)
{
    if (!metric->s || (!streq(metric->s, "cpu") && !streq(metric->s, "memory")) ||
        !v->loc.set || v->v <= 100)
        return;
    diag_help(check_diags(ck),
              check_report(ck, "invalid-value", v->loc,
                           check_service_target(ck, s, v->loc, NULL),
                           "%s of '%s' on %s at %lld%%: a percentage never "
                           "passes 100, so it would never act",
                           what, s->name.s, metric->s, v->v),
              "write a percentage of 1 to 100");
}

/* App Service and Kubernetes probe one path for health: a template's
 * parameter or '**' would be probed as written, literally. */
static void health_path(Checker *ck, const Service *s)
{
    const Str *h = &s->runtime->health_path;
    if (!h->s || (!strchr(h->s, '{') && !strstr(h->s, "**")))
        return;
    diag_help(check_diags(ck),
              check_report(ck, "invalid-value", h->loc,
                           check_service_target(ck, s, h->loc, NULL),
                           "health-path '%s' of '%s' is a template: the "
                           "health probe requests one path, as written",
                           h->s, s->name.s),
              "write a concrete path the service answers, e.g. /health");
}

/* An override for an environment a single-environment service does not
 * run in is never read (nor checked): refused at its key. */
static void idle_overrides(Checker *ck, const Service *s)
{
    const SingleEnv *se = s->single_environment;
    const Node *ov = s->overrides;
    if (!se || !se->environment.s || !ov || ov->kind != NODE_MAP)
        return;
    for (int i = 0; i < ov->n; i++) {
        const Node *key = ov->pairs[i].key;
        if (streq(key->str, se->environment.s))
            continue;
        Diag *d = check_report(ck, "invalid-value", key->loc,
                               arena_printf(check_arena(ck), "service/%s",
                                            s->name.s),
                               "'%s' runs only in %s: its override for %s "
                               "would apply nowhere",
                               s->name.s, se->environment.s, key->str);
        diag_note(check_diags(ck), d, se->environment.loc,
                  "'%s' runs only here", s->name.s);
        diag_help(check_diags(ck), d,
                  "remove the override, or single-environment to run '%s' "
                  "in %s too",
                  s->name.s, key->str);
    }
}

void check_keys(Checker *ck)
{
    const Model *m = check_model_of(ck);
    for (int i = 0; i < m->nenvs; i++) {
        const EnvModel *e = &m->envs[i];
        env_network(ck, e);
        for (int k = 0; k < e->nstores; k++) {
            store_redundancy(ck, e, e->stores[k]);
            store_sql_keys(ck, e, e->stores[k]);
        }
        for (int k = 0; k < e->nservices; k++) {
            const Service *s = e->services[k];
            fixed_scaling(ck, s);
            for (int r = 0; r < s->routes.n; r++)
                internal_route(ck, s, s->routes.v[r]);
            for (int r = 0; r < s->alerts.n; r++) {
                const Alert *al = s->alerts.v[r];
                alert_window(ck, s, al);
                percent(ck, s, &al->metric, &al->above, "alert threshold");
            }
            for (int r = 0; s->scaling && r < s->scaling->rules.n; r++) {
                const ScaleRule *sr = s->scaling->rules.v[r];
                percent(ck, s, &sr->metric, &sr->above, "scale-out rule");
                percent(ck, s, &sr->metric, &sr->below, "scale-in rule");
            }
            if (s->runtime)
                health_path(ck, s);
        }
    }
    for (int i = 0; i < m->nservices; i++)
        idle_overrides(ck, m->services[i]);
    rule_selectors(ck);
}
