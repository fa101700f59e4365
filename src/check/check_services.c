/* check_services.c - connectors own their sources; services scale out and
 * alert their team.  Problems in a service's own spec are reported once
 * (target service/NAME), whatever the number of environments; what differs
 * per environment is reported per instance (target ENV/service/NAME). */
#include "topoc/check.h"
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
    static const char *const four[] = {"authentication", "authorization",
                                       "fetch", "mapping"};
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
    for (int k = 0; k < m->nservices; k++) {
        const Service *s = m->services[k];
        if (!s->connector)
            continue;
        Strbuf missing = STRBUF_INIT;
        for (int r = 0; r < 4; r++) {
            bool has = false;
            for (int h = 0; h < s->connector->handles.n; h++)
                has = has || streq(s->connector->handles.v[h].s, four[r]);
            if (!has)
                sb_printf(&missing, "%s%s", missing.len ? ", " : "", four[r]);
        }
        if (missing.len)
            diag_help(check_diags(ck),
                      check_report(ck, "connector-responsibilities",
                                   s->connector->handles.loc, target(ck, s),
                                   "connector '%s' does not handle: %s",
                                   s->name.s, missing.buf),
                      "a connector handles authentication, authorization, "
                      "fetch and mapping for its source");
        sb_release(&missing);
    }
}

/* Rules on one instance's scaling and alerts. */
static void scaling(Checker *ck, const EnvModel *e, const Service *s)
{
    const Scaling *sc = s->scaling;
    Diags *ds = check_diags(ck);
    if (sc->min.v > sc->max.v)
        diag_help(ds,
                  check_report(ck, "scaling-min-max", sc->min.loc,
                               target(ck, s),
                               "'%s' scales from %lld to %lld instances: "
                               "min is above max",
                               s->name.s, sc->min.v, sc->max.v),
                  "lower min or raise max");
    if (sc->min.v == 0 && sc->max.v > 0) /* not also production-min */
        diag_help(ds,
                  check_report(ck, "scaling-min-zero", sc->min.loc,
                               target(ck, s),
                               "'%s' may scale to 0 instances, which no "
                               "deployment target honours",
                               s->name.s),
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
    if (sc->rules.n == 0 && sc->min.v != sc->max.v)
        diag_help(ds,
                  check_report(ck, "scaling-no-rule", sc->loc, target(ck, s),
                               "'%s' has no scale-out rule", s->name.s),
                  "add scaling.rules, e.g. {metric: cpu, above: 70, "
                  "below: 30}");
    for (int i = 0; i < sc->rules.n; i++) {
        const ScaleRule *r = sc->rules.v[i];
        if (r->below.set && r->below.v >= r->above.v) {
            Diag *d = check_report(ck, "scaling-rule-inverted", r->below.loc,
                                   target(ck, s),
                                   "scale-in at %lld is not below "
                                   "scale-out at %lld",
                                   r->below.v, r->above.v);
            diag_note(ds, d, r->above.loc, "scale-out threshold");
            diag_help(ds, d, "set 'below' well under 'above'");
        }
    }
    if (s->alerts.n == 0)
        diag_help(ds,
                  check_report(ck, "alert-missing", s->name.loc,
                               target(ck, s), "'%s' has no alert",
                               s->name.s),
                  "add alerts, e.g. {name: load-spike, metric: requests, "
                  "dynamic: medium}");
    for (int i = 0; i < s->alerts.n; i++) {
        const Alert *al = s->alerts.v[i];
        bool fixed = al->above.set, dyn = al->dynamic.s != NULL;
        if (fixed != dyn)
            continue;
        diag_help(ds,
                  check_report(ck, "alert-threshold",
                               fixed ? al->dynamic.loc : al->name.loc,
                               target(ck, s),
                               fixed ? "alert '%s' has both a fixed and a "
                                       "dynamic threshold"
                                     : "alert '%s' has no threshold",
                               al->name.s),
                  "write either 'above: N' or 'dynamic: low|medium|high'");
    }
}

void check_services(Checker *ck)
{
    const Model *m = check_model_of(ck);
    connectors(ck);
    for (int i = 0; i < m->nenvs; i++)
        for (int k = 0; k < m->envs[i].nservices; k++)
            scaling(ck, &m->envs[i], m->envs[i].services[k]);
}
