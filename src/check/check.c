/* check.c - stage 3: run the rule families, then apply waivers.
 *
 * Severity of a finding = the rule's default, then the spec's
 * policy.severity override, then --werror (warnings become errors).  A
 * waiver whose rule and target match a finding suppresses it until the
 * waiver expires; the finding is kept, marked suppressed.
 */
#include "topoc/check.h"
#include "topoc/pattern.h"
#include "topoc/util.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_RULES = 128 };

struct Checker {
    Arena *a;
    Diags *ds;
    const Model *m;
    const CheckOptions *opt;
    RuleSeverity sev[MAX_RULES];
    PatternSet *patterns;
};

Arena *check_arena(Checker *ck) { return ck->a; }
Diags *check_diags(Checker *ck) { return ck->ds; }
const Model *check_model_of(Checker *ck) { return ck->m; }
PatternSet *check_patterns(Checker *ck) { return ck->patterns; }

enum { MAX_ALSO = 31 }; /* targets beyond the waived bits stay unwaivable */

/* The same finding about another target (another environment): kept on the
 * first, so that each target can be waived alone. */
static void fold_target(Checker *ck, Diag *d, const char *target)
{
    if (!d->target || strcmp(d->target, target) == 0 || d->nalso == MAX_ALSO)
        return;
    for (int i = 0; i < d->nalso; i++)
        if (strcmp(d->also[i], target) == 0)
            return;
    d->also = arena_grow(ck->a, d->also, (size_t)d->nalso,
                         (size_t)d->nalso + 1, sizeof *d->also);
    d->also[d->nalso++] = target;
}

/* A waiver applies to each of d's targets it matches; d is suppressed once
 * all are waived.  Returns the number of targets it matches. */
static int waive(Checker *ck, Diag *d, const Waiver *w)
{
    int n = 0;
    for (int k = 0; k <= d->nalso; k++) {
        const char *t = k ? d->also[k - 1] : d->target;
        if (fnmatch(w->target.s, t, 0) != 0)
            continue;
        d->waived |= 1u << k;
        n++;
    }
    unsigned all = d->nalso >= 31 ? ~0u : (2u << d->nalso) - 1;
    if (n && d->waived == all)
        diag_suppress(ck->ds, d, w->reason.s);
    return n;
}

/* A finding waived in one environment only is about the others: its
 * target becomes the first one still standing. */
static void retarget(Diag *d)
{
    if (d->suppressed || !(d->waived & 1))
        return;
    for (int k = 1; k <= d->nalso; k++)
        if (!(d->waived >> k & 1)) { /* swap, keeping the bits in step */
            const char *t = d->target;
            d->target = d->also[k - 1];
            d->also[k - 1] = t;
            d->waived = (d->waived & ~1u & ~(1u << k)) | (1u << k);
            return;
        }
}

Diag *check_report(Checker *ck, const char *rule, Loc loc, const char *target,
                   const char *fmt, ...)
{
    const Rule *r = rule_find(rule);
    if (!r)
        abort(); /* our bug: every id is in rules.c */
    RuleSeverity sev = ck->sev[r - rules];
    if (sev == RSEV_OFF)
        return NULL;
    va_list ap;
    va_start(ap, fmt);
    Diag *d = diag_vrecord(ck->ds, sev == RSEV_ERROR ? SEV_ERROR : SEV_WARNING,
                           loc, r->id, fmt, ap);
    va_end(ap);
    if (d) {
        d->target = target;
    } else if (ck->ds->last_dup && target) {
        fold_target(ck, ck->ds->last_dup, target);
    }
    return d;
}

static bool node_at(const Node *n, Loc l)
{
    if (!n)
        return false;
    if (loc_same(n->loc, l))
        return true;
    if (n->kind == NODE_SEQ)
        for (int i = 0; i < n->n; i++)
            if (node_at(n->items[i], l))
                return true;
    if (n->kind == NODE_MAP)
        for (int i = 0; i < n->n; i++)
            if (node_at(n->pairs[i].key, l) || node_at(n->pairs[i].val, l))
                return true;
    return false;
}

static const char *override_env(const Node *overrides, const Environment *e,
                                Loc l)
{
    if (!e || !overrides || !loc_src(l))
        return NULL;
    const Node *ov = node_get(overrides, e->name.s);
    return ov && node_at(ov, l) ? e->name.s : NULL;
}

const char *check_override_env(const Service *s, Loc l)
{
    return override_env(s->overrides, s->env, l);
}

const char *check_store_override_env(const Store *s, Loc l)
{
    return override_env(s->overrides, s->env, l);
}

const char *check_in_env(Checker *ck, const Service *s, Loc at)
{
    const char *env = check_override_env(s, at);
    return env ? arena_printf(ck->a, " in %s", env) : "";
}

const char *check_service_target(Checker *ck, const Service *s, Loc at,
                                 const char *rest)
{
    const char *env = check_override_env(s, at);
    return arena_printf(ck->a, "%s%sservice/%s%s%s", env ? env : "",
                        env ? "/" : "", s->name.s, rest ? "/" : "",
                        rest ? rest : "");
}

static const char *const severity_words[] = {"error", "warning", "off"};

static const char **rule_ids(Checker *ck)
{
    const char **ids = arena_alloc(ck->a, (size_t)nrules * sizeof *ids);
    for (int i = 0; i < nrules; i++)
        ids[i] = rules[i].id;
    return ids;
}

/* policy.severity: per-rule overrides, checked like everything else. */
static void apply_overrides(Checker *ck)
{
    const Policy *pol = ck->m->platform->policy;
    for (int i = 0; pol && i < pol->severity.n; i++) {
        const KeyVal *kv = pol->severity.v[i];
        const Rule *r = rule_find(kv->key.s);
        if (!r) {
            Diag *d = check_report(ck, "policy-invalid", kv->key.loc,
                                   "policy/severity",
                                   "no rule has the id '%s'", kv->key.s);
            diag_suggest(ck->ds, d, kv->key.s, rule_ids(ck), nrules);
            diag_help(ck->ds, d, "`topoc rules` lists every rule");
            continue;
        }
        if (strcmp(r->family, "input") == 0) {
            diag_help(ck->ds,
                      check_report(ck, "policy-invalid", kv->key.loc,
                                   "policy/severity",
                                   "'%s' is about reading the spec; its "
                                   "severity cannot change",
                                   r->id),
                      "remove this line");
            continue;
        }
        int w = 0;
        while (w < 3 && strcmp(kv->value.s, severity_words[w]) != 0)
            w++;
        if (w == 3) {
            Diag *d = check_report(ck, "policy-invalid", kv->value.loc,
                                   "policy/severity",
                                   "'%s' is not a severity", kv->value.s);
            diag_suggest(ck->ds, d, kv->value.s, severity_words, 3);
            diag_help(ck->ds, d, "use error, warning or off");
            continue;
        }
        ck->sev[r - rules] = w == 0 ? RSEV_ERROR
                             : w == 1 ? RSEV_WARNING
                                      : RSEV_OFF;
    }
}

static void today(const CheckOptions *opt, char buf[11])
{
    if (opt->today) {
        snprintf(buf, 11, "%s", opt->today);
        return;
    }
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 11, "%Y-%m-%d", &tm);
}

static void apply_waivers(Checker *ck)
{
    const List *ws = &ck->m->waivers;
    char now[11];
    today(ck->opt, now);
    int ndiags = ck->ds->n; /* waiver findings below are not waivable */
    for (int i = 0; i < ws->n; i++) {
        Waiver *w = ws->v[i];
        const Rule *r = rule_find(w->rule.s);
        if (!r || strcmp(r->family, "input") == 0) {
            Diag *d = check_report(ck, "policy-invalid", w->rule.loc,
                                   "waivers",
                                   r ? "'%s' is about reading the spec and "
                                       "cannot be waived"
                                     : "no rule has the id '%s'",
                                   w->rule.s);
            if (!r)
                diag_suggest(ck->ds, d, w->rule.s, rule_ids(ck), nrules);
            w->uses = -1;
            continue;
        }
        bool expired = strcmp(w->expires.s, now) < 0;
        for (int k = 0; k < ndiags && !expired; k++) {
            Diag *d = ck->ds->v[k];
            if (!d->target || strcmp(d->rule, w->rule.s) != 0)
                continue;
            w->uses += waive(ck, d, w);
        }
        const char *target = arena_printf(ck->a, "waiver/%s/%s", w->rule.s,
                                          w->target.s);
        if (expired) {
            Diag *d = check_report(ck, "waiver-expired", w->expires.loc,
                                   target,
                                   "the waiver of '%s' for '%s' expired on "
                                   "%s",
                                   w->rule.s, w->target.s, w->expires.s);
            diag_note(ck->ds, d, w->owner.loc, "its owner is %s",
                      w->owner.s);
            diag_help(ck->ds, d, "fix the finding, or renew the waiver with "
                                 "a new date and reason");
        } else if (w->uses == 0) {
            Diag *d = check_report(ck, "waiver-unused", w->target.loc, target,
                                   "no '%s' finding matches target '%s'",
                                   w->rule.s, w->target.s);
            diag_help(ck->ds, d, "delete the waiver if the problem is fixed; "
                                 "targets are shown by --format json");
        }
    }
    for (int k = 0; k < ndiags; k++)
        retarget(ck->ds->v[k]);
}

void check_model(Arena *a, Diags *ds, const Model *m,
                 const CheckOptions *opt)
{
    Checker ck = {.a = a, .ds = ds, .m = m, .opt = opt,
                  .patterns = patterns_new()};
    for (int i = 0; i < nrules && i < MAX_RULES; i++)
        ck.sev[i] = rules[i].severity;
    apply_overrides(&ck);
    if (opt->werror)
        for (int i = 0; i < nrules; i++)
            if (ck.sev[i] == RSEV_WARNING)
                ck.sev[i] = RSEV_ERROR;
    static const struct {
        const char *name;
        void (*run)(Checker *);
    } families[] = {
        {"environments", check_environments}, {"residency", check_residency},
        {"routes", check_routes},             {"services", check_services},
        {"security", check_security},         {"consistency", check_consistency},
        {"policy", check_policy},             {"waf", check_waf},
        {"openapi", check_openapi},           {"keys", check_keys},
        {"appgw", check_appgw},               {"names", check_names},
        {"waivers", apply_waivers},
    };
    for (size_t i = 0; i < sizeof families / sizeof *families; i++) {
        size_t used = a->used;
        double t0 = stats_now();
        families[i].run(&ck);
        if (opt->stats) {
            char stage[32];
            snprintf(stage, sizeof stage, "check %s", families[i].name);
            stats_line(stage, t0, a->used - used);
        }
    }
    patterns_free(ck.patterns);
}
