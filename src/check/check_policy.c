/* check_policy.c - the platform's own rules (policy.rules): values of one
 * kind must match a PCRE2 pattern.  Each pattern is compiled once, and
 * matched with limits, so a hostile pattern cannot hang the compiler. */
#include "topoc/check.h"
#include "topoc/pattern.h"
#include "topoc/routing.h"
#include "topoc/util.h"

#include <string.h>

typedef struct Policing {
    Checker *ck;
    const PolicyRule *rule;
    Pattern *pat;
    bool limit_reported;
} Policing;

/* where: " in ENV" when an environment's override set the value, or "". */
static void judge(Policing *pc, const Str *value, const char *where,
                  const char *target)
{
    if (!value->s || pc->limit_reported)
        return; /* a pattern that hit the limit once is retired */
    int rc = pattern_match(pc->pat, value->s, strlen(value->s));
    if (rc == PATTERN_MATCH)
        return;
    Diags *ds = check_diags(pc->ck);
    const PolicyRule *r = pc->rule;
    if (rc == PATTERN_LIMIT) {
        if (!pc->limit_reported)
            diag_help(ds,
                      check_report(pc->ck, "policy-invalid", r->pattern.loc,
                                   arena_printf(check_arena(pc->ck),
                                                "policy/%s", r->name.s),
                                   "policy '%s' took too long to match '%s' "
                                   "and is retired: no other value is "
                                   "checked against it",
                                   r->name.s, value->s),
                      "simplify the pattern: nested repetition such as "
                      "(a+)+ backtracks without end");
        pc->limit_reported = true;
        return;
    }
    Diag *d = check_report(pc->ck, "policy-violation", value->loc, target,
                           r->message.s ? "%s: '%s'%s (policy '%s')"
                                        : "%s'%s'%s does not match policy "
                                          "'%s'",
                           r->message.s ? r->message.s : "", value->s, where,
                           r->name.s);
    diag_note(ds, d, r->pattern.loc, "policy '%s' requires /%s/", r->name.s,
              r->pattern.s);
    diag_help(ds, d, "change the value, or waive the finding with a reason");
}

static bool env_applies(const PolicyRule *r, const Environment *e)
{
    return !r->environment.s || streq(r->environment.s, e->name.s);
}

static void apply(Policing *pc)
{
    const Model *m = check_model_of(pc->ck);
    Arena *a = check_arena(pc->ck);
    const PolicyRule *r = pc->rule;
    const char *kind = r->applies_to.s;
    const char *base = arena_printf(a, "policy/%s", r->name.s);
    if (!strcmp(kind, "service-name"))
        for (int i = 0; i < m->nservices; i++)
            judge(pc, &m->services[i]->name, "",
                  arena_printf(a, "%s/%s", base, m->services[i]->name.s));
    if (!strcmp(kind, "team-name"))
        for (int i = 0; i < m->platform->teams.n; i++) {
            const Team *t = m->platform->teams.v[i];
            judge(pc, &t->name, "", arena_printf(a, "%s/%s", base, t->name.s));
        }
    for (int i = 0; i < m->nenvs; i++) {
        const EnvModel *e = &m->envs[i];
        if (!env_applies(r, e->env))
            continue;
        if (!strcmp(kind, "store-resource-name"))
            for (int k = 0; k < e->nstores; k++)
                judge(pc, &e->stores[k]->resource_name,
                      check_store_override_env(
                          e->stores[k], e->stores[k]->resource_name.loc)
                          ? arena_printf(a, " in %s", e->env->name.s)
                          : "",
                      arena_printf(a, "%s/%s", base,
                                   e->stores[k]->resource_name.s));
        for (int k = 0; k < e->nservices; k++) {
            const Service *s = e->services[k];
            if (!strcmp(kind, "image"))
                judge(pc, &s->runtime->image,
                      check_in_env(pc->ck, s, s->runtime->image.loc),
                      arena_printf(a, "%s/%s/%s", base, e->env->name.s,
                                   s->name.s));
            for (int j = 0; j < s->routes.n; j++) {
                const Route *rt = s->routes.v[j];
                if (!strcmp(kind, "hostname")) {
                    Str fq = {route_fqdn(a, rt, e->env), rt->host.loc};
                    judge(pc, &fq, check_in_env(pc->ck, s, rt->host.loc),
                          arena_printf(a, "%s/%s", base, fq.s));
                }
                if (!strcmp(kind, "route-path"))
                    judge(pc, &rt->path, check_in_env(pc->ck, s, rt->path.loc),
                          arena_printf(a, "%s/%s", base, rt->path.s));
            }
        }
    }
}

void check_policy(Checker *ck)
{
    const Model *m = check_model_of(ck);
    const List *rs = &m->platform->policy->rules;
    for (int i = 0; i < rs->n; i++) {
        const PolicyRule *r = rs->v[i];
        const char *target = arena_printf(check_arena(ck), "policy/%s",
                                          r->name.s);
        if (r->environment.s && !model_env(m->platform, r->environment.s)) {
            check_report(ck, "policy-invalid", r->environment.loc, target,
                         "policy '%s' names unknown environment '%s'",
                         r->name.s, r->environment.s);
            continue;
        }
        char err[256];
        size_t off;
        Pattern *p = pattern_compile(check_patterns(ck), r->pattern.s, 0, err,
                                     sizeof err, &off);
        if (!p) {
            diag_help(check_diags(ck),
                      check_report(ck, "policy-invalid", r->pattern.loc,
                                   target,
                                   "the pattern of policy '%s' does not "
                                   "compile: %s (at offset %zu)",
                                   r->name.s, err, off),
                      "write a PCRE2 pattern, e.g. '^[a-z][a-z0-9-]*$'");
            continue;
        }
        Policing pc = {.ck = ck, .rule = r, .pat = p};
        apply(&pc);
    }
}
