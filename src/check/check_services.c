/* check_services.c - connectors own their sources; services scale out and
 * alert their team.  Problems in a service's own spec are reported once
 * (target service/NAME), whatever the number of environments; what differs
 * per environment is reported per instance (target ENV/service/NAME). */
#include "topoc/check.h"
#include "topoc/schema.h"
#include "topoc/util.h"

#include <stdlib.h>
#include <string.h>

static const char *target(Checker *ck, const Service *s)
{
    return arena_printf(check_arena(ck), "service/%s", s->name.s);
}

static int by_source(const void *a, const void *b)
{
    const Service *x = *(const Service *const *)a;
    const Service *y = *(const Service *const *)b;
    int c = strcmp(x->connector->source.s, y->connector->source.s);
    return c ? c : strcmp(x->name.s, y->name.s);
}

static void connectors(Checker *ck)
{
    const Model *m = check_model_of(ck);
    const Platform *p = m->platform;
    /* connectors sorted by their source: one pass finds owners */
    const Service **conn = arena_alloc(check_arena(ck),
                                       ((size_t)m->nservices + 1) *
                                           sizeof *conn);
    int nconn = 0;
    for (int k = 0; k < m->nservices; k++)
        if (m->services[k]->connector && m->services[k]->connector->source.s)
            conn[nconn++] = m->services[k];
    qsort(conn, (size_t)nconn, sizeof *conn, by_source);
    for (int k = 1; k < nconn; k++) {
        const Service *owner = conn[k - 1], *s = conn[k];
        if (strcmp(owner->connector->source.s, s->connector->source.s))
            continue;
        Diag *d = check_report(ck, "connector-source-shared",
                               s->connector->source.loc, target(ck, s),
                               "source '%s' is owned by '%s' and '%s'",
                               s->connector->source.s, owner->name.s,
                               s->name.s);
        diag_note(check_diags(ck), d, owner->connector->source.loc,
                  "'%s' connects to it too", owner->name.s);
        diag_help(check_diags(ck), d, "one connector per source: merge "
                                      "them or remove one");
    }
    for (int i = 0, k = 0; i < p->sources.n; i++) { /* both sorted */
        const DataSource *src = p->sources.v[i];
        while (k < nconn &&
               strcmp(conn[k]->connector->source.s, src->name.s) < 0)
            k++;
        if (k < nconn && streq(conn[k]->connector->source.s, src->name.s))
            continue;
        diag_help(check_diags(ck),
                  check_report(ck, "connector-source-unowned", src->name.loc,
                               arena_printf(check_arena(ck), "source/%s",
                                            src->name.s),
                               "no connector service owns source '%s'",
                               src->name.s),
                  "add a service with 'kind: connector' and "
                  "'connector: {source: %s}', or remove the source",
                  src->name.s);
    }
}

/* A connector handles all four duties for its source (per instance: an
 * override may change what it handles). */
static void responsibilities(Checker *ck, const Service *s)
{
    static const char *const four[] = {"authentication", "authorization",
                                       "fetch", "mapping"};
    if (!s->connector)
        return;
    Strbuf missing = STRBUF_INIT;
    for (int r = 0; r < 4; r++) {
        bool has = false;
        for (int h = 0; h < s->connector->handles.n; h++)
            has = has || streq(s->connector->handles.v[h].s, four[r]);
        if (!has)
            sb_printf(&missing, "%s%s", missing.len ? ", " : "", four[r]);
    }
    Loc at = s->connector->handles.loc;
    if (missing.len)
        diag_help(check_diags(ck),
                  check_report(ck, "connector-responsibilities", at,
                               check_service_target(ck, s, at, NULL),
                               "connector '%s'%s does not handle: %s",
                               s->name.s, check_in_env(ck, s, at),
                               missing.buf),
                  "a connector handles authentication, authorization, "
                  "fetch and mapping for its source");
    sb_release(&missing);
}

/* Where a scaling finding about the instance's bounds belongs: the first
 * of the values that an override set, else at. */
static Loc bound_loc(const Service *s, Loc at, const Int *a, const Int *b)
{
    if (check_override_env(s, a->loc))
        return a->loc;
    if (b && check_override_env(s, b->loc))
        return b->loc;
    return at;
}

/* Where the plan's size comes from: the spec, or the environment's
 * default (a value the decoder or resolve filled has an empty span). */
static void plan_note(Diags *ds, Diag *d, const EnvModel *e)
{
    const Plan *pl = e->env->plan;
    const Str *what = pl->shared.v ? NULL : &pl->sku;
    Loc at = pl->shared.v ? pl->instances.loc : pl->sku.loc;
    if (what)
        diag_note(ds, d, at, "%s's plan is %s%s", e->env->name.s, pl->sku.s,
                  at.len ? "" : " by default (environments.NAME.plan.sku)");
    else
        diag_note(ds, d, at, "%s's shared plan runs %lld instance%s%s",
                  e->env->name.s, pl->instances.v,
                  pl->instances.v == 1 ? "" : "s",
                  at.len ? "" : " by default (environments.NAME.plan.instances)");
}

static PlanSku env_sku(const EnvModel *e)
{
    return schema_plan_sku(e->env->plan->sku.s);
}

/* ENV/service/NAME, made only for a finding (plan_fit runs per service
 * and environment, and most fit). */
static const char *plan_target(Checker *ck, const EnvModel *e,
                               const Service *s)
{
    return arena_printf(check_arena(ck), "%s/service/%s", e->env->name.s,
                        s->name.s);
}

/* Does the service's scaling fit the environment's App Service plan
 * (environments.NAME.plan)?  What does not fit is refused, never emitted
 * as something else. */
static void plan_fit(Checker *ck, const EnvModel *e, PlanSku k,
                     const Service *s)
{
    const Scaling *sc = s->scaling;
    const Plan *pl = e->env->plan;
    Diags *ds = check_diags(ck);
    bool scales = sc->rules.n && sc->min.v != sc->max.v;
    Diag *d = NULL;
    if (scales && pl->shared.v) {
        d = check_report(ck, "plan-shared-autoscale", sc->loc,
                         plan_target(ck, e, s),
                         "'%s' autoscales, but %s's services share one "
                         "App Service plan, which scales only as a whole",
                         s->name.s, e->env->name.s);
        diag_note(ds, d, pl->shared.loc, "the plan is shared here");
        diag_help(ds, d, "set scaling.min equal to scaling.max for %s, or "
                         "give each service its own plan (plan.shared: "
                         "false)", e->env->name.s);
    } else if (scales && !k.autoscale) {
        d = check_report(ck, "plan-tier-scaling", sc->loc,
                         plan_target(ck, e, s),
                         "'%s' autoscales, but %s's plan %s (%s) has no "
                         "autoscale", s->name.s, e->env->name.s, pl->sku.s,
                         k.tier);
        plan_note(ds, d, e);
        diag_help(ds, d, "choose a Standard or Premium SKU, or set "
                         "scaling.min equal to scaling.max");
    }
    long long most = pl->shared.v && pl->instances.v < k.max_instances
                         ? pl->instances.v : k.max_instances;
    long long want = scales ? sc->max.v : sc->min.v;
    if (!d && want > most) {
        d = check_report(ck, "plan-tier-scaling",
                         scales ? sc->max.loc : sc->min.loc,
                         plan_target(ck, e, s),
                         "'%s' needs %lld instances, but %s's %splan (%s) "
                         "runs at most %lld", s->name.s, want,
                         e->env->name.s, pl->shared.v ? "shared " : "",
                         pl->sku.s, most);
        plan_note(ds, d, e);
        diag_help(ds, d, "lower the service's scaling, or choose a larger "
                         "plan");
    }
}

/* Where one instance of S asks for more than one instance of a plan of
 * SKU k has: the key that asks (cpu before memory), else a zero Loc. */
static Loc oversize(PlanSku k, const Service *s, bool *cpu, bool *mem)
{
    *cpu = k.millicores && s->runtime->cpu.v > k.millicores;
    *mem = k.memory && s->runtime->memory.v > k.memory;
    return *cpu ? s->runtime->cpu.loc : *mem ? s->runtime->memory.loc
                                             : (Loc){0};
}

/* Does one instance of the service fit one instance of the environment's
 * plan?  App Service cannot give an app more than its worker has, and the
 * Kubernetes requests say the same size: asking for more is refused at
 * the key that asks (memory as a note when both do), once per key: an
 * earlier environment that refuses the same key has said it. */
static void plan_size(Checker *ck, const Model *m, int ei, PlanSku k,
                      const Service *s)
{
    bool cpu, mem, c2, m2;
    Loc at = oversize(k, s, &cpu, &mem);
    if (!cpu && !mem)
        return;
    for (int j = 0; j < ei; j++) {
        int x = env_service_index(&m->envs[j], s->name.s);
        Loc before = x < 0 ? (Loc){0}
                           : oversize(env_sku(&m->envs[j]),
                                      m->envs[j].services[x], &c2, &m2);
        if ((c2 || m2) && loc_same(before, at))
            return;
    }
    const EnvModel *e = &m->envs[ei];
    const Runtime *rt = s->runtime;
    const Plan *pl = e->env->plan;
    Diags *ds = check_diags(ck);
    Diag *d = check_report(
        ck, "plan-size-runtime", at,
        arena_printf(check_arena(ck), "%s/service/%s", e->env->name.s,
                     s->name.s),
        cpu ? "'%s' asks for %lldm CPU per instance, but %s's plan %s has "
              "%lld vCPU%s"
            : "'%s' asks for %lld MiB per instance, but %s's plan %s has "
              "%lld MiB%s",
        s->name.s, cpu ? rt->cpu.v : rt->memory.v >> 20, e->env->name.s,
        pl->sku.s, cpu ? k.millicores / 1000 : k.memory >> 20,
        cpu && k.millicores > 1000 ? "s" : "");
    if (cpu && mem)
        diag_note(ds, d, rt->memory.loc,
                  "its memory (%lld MiB) is more than the plan's %lld MiB too",
                  rt->memory.v >> 20, k.memory >> 20);
    diag_note(ds, d, pl->sku.loc, "%s's plan is %s%s", e->env->name.s,
              pl->sku.s,
              pl->sku.loc.len ? "" : " by default (environments.NAME.plan.sku)");
    for (int j = ei + 1; j < m->nenvs; j++) { /* the same key, too big */
        int i = env_service_index(&m->envs[j], s->name.s);
        Loc later = i < 0 ? (Loc){0}
                          : oversize(env_sku(&m->envs[j]),
                                     m->envs[j].services[i], &c2, &m2);
        const Plan *pj = m->envs[j].env->plan;
        if ((c2 || m2) && loc_same(later, at))
            diag_note(ds, d, pj->sku.loc, "%s's plan %s is too small too%s",
                      m->envs[j].env->name.s, pj->sku.s,
                      pj->sku.loc.len ? "" : " (its default)");
    }
    diag_help(ds, d, "ask for less, or choose a larger plan "
                     "(environments.NAME.plan.sku)");
}

/* Rules on one instance's scaling bounds.  A value set in an environment's
 * override is blamed there, and the finding names the environment. */
static void scaling_bounds(Checker *ck, const EnvModel *e, const Service *s)
{
    const Scaling *sc = s->scaling;
    Diags *ds = check_diags(ck);
    if (sc->min.v > sc->max.v) {
        Loc at = bound_loc(s, sc->min.loc, &sc->min, &sc->max);
        diag_help(ds,
                  check_report(ck, "scaling-min-max", at,
                               check_service_target(ck, s, at, NULL),
                               "'%s' scales from %lld to %lld instances%s: "
                               "min is above max",
                               s->name.s, sc->min.v, sc->max.v,
                               check_in_env(ck, s, at)),
                  "lower min or raise max");
    }
    if (sc->min.v == 0 && sc->max.v > 0) /* not also production-min */
        diag_help(ds,
                  check_report(ck, "scaling-min-zero", sc->min.loc,
                               check_service_target(ck, s, sc->min.loc, NULL),
                               "'%s' may scale to 0 instances%s, which no "
                               "deployment target honours",
                               s->name.s, check_in_env(ck, s, sc->min.loc)),
                  "App Service and Kubernetes keep at least 1 instance: set "
                  "min to 1 or more");
    else if (streq(e->env->name.s, "production") && sc->min.v < 2)
        diag_help(ds,
                  check_report(ck, "scaling-production-min", sc->min.loc,
                               arena_printf(check_arena(ck),
                                            "production/service/%s",
                                            s->name.s),
                               "'%s' runs %lld instance%s in production",
                               s->name.s, sc->min.v,
                               sc->min.v == 1 ? "" : "s"),
                  "keep at least 2 instances, or waive the rule with a "
                  "reason");
    if (sc->rules.n == 0 && sc->min.v != sc->max.v) {
        Loc at = check_override_env(s, sc->rules.loc) /* 'rules: []' */
                     ? sc->rules.loc
                     : bound_loc(s, sc->loc, &sc->max, &sc->min);
        diag_help(ds,
                  check_report(ck, "scaling-no-rule", at,
                               check_service_target(ck, s, at, NULL),
                               "'%s' has no scale-out rule%s", s->name.s,
                               check_in_env(ck, s, at)),
                  "add scaling.rules, e.g. {metric: cpu, above: 70, "
                  "below: 30}");
    }
    for (int i = 0; i < sc->rules.n; i++) {
        const ScaleRule *r = sc->rules.v[i];
        if (r->below.loc.set && r->below.v >= r->above.v) {
            Diag *d = check_report(
                ck, "scaling-rule-inverted", r->below.loc,
                check_service_target(ck, s, r->below.loc, NULL),
                "scale-in at %lld is not below scale-out at %lld%s",
                r->below.v, r->above.v, check_in_env(ck, s, r->below.loc));
            diag_note(ds, d, r->above.loc, "scale-out threshold");
            diag_help(ds, d, "set 'below' well under 'above'");
        }
    }
}

/* Rules on one instance's alerts; 'alerts: []' in an override is blamed
 * there. */
static void alerts(Checker *ck, const Service *s)
{
    Diags *ds = check_diags(ck);
    if (s->alerts.n == 0) {
        Loc at = check_override_env(s, s->alerts.loc) ? s->alerts.loc
                                                      : s->name.loc;
        diag_help(ds,
                  check_report(ck, "alert-missing", at,
                               check_service_target(ck, s, at, NULL),
                               "'%s' has no alert%s", s->name.s,
                               check_in_env(ck, s, at)),
                  "add alerts, e.g. {name: load-spike, metric: requests, "
                  "dynamic: medium}");
    }
    for (int i = 0; i < s->alerts.n; i++) {
        const Alert *al = s->alerts.v[i];
        bool fixed = al->above.loc.set, dyn = al->dynamic.s != NULL;
        if (fixed != dyn)
            continue;
        Loc at = fixed ? al->dynamic.loc : al->name.loc;
        diag_help(ds,
                  check_report(ck, "alert-threshold", at,
                               check_service_target(ck, s, at, NULL),
                               fixed ? "alert '%s'%s has both a fixed and "
                                       "a dynamic threshold"
                                     : "alert '%s'%s has no threshold",
                               al->name.s, check_in_env(ck, s, at)),
                  "write either 'above: N' or 'dynamic: low|medium|high'");
    }
}

void check_services(Checker *ck)
{
    const Model *m = check_model_of(ck);
    connectors(ck);
    for (int i = 0; i < m->nenvs; i++) {
        PlanSku sku = env_sku(&m->envs[i]); /* once, not per service */
        for (int k = 0; k < m->envs[i].nservices; k++) {
            const Service *s = m->envs[i].services[k];
            scaling_bounds(ck, &m->envs[i], s);
            alerts(ck, s);
            responsibilities(ck, s);
            plan_fit(ck, &m->envs[i], sku, s);
            plan_size(ck, m, i, sku, s);
        }
    }
}
