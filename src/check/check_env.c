/* check_env.c - environment separation: data never leaves its environment.
 *
 * Dependencies, references in values, shared resources, networks, ingress
 * and egress.  Findings are per instance: target ENV/service/NAME; a
 * finding about a base value is one finding whose targets are the
 * environments (folded), and one about an override's value names it. */
#include "topoc/check.h"
#include "topoc/util.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char *svc_target(Checker *ck, const Environment *e,
                              const Service *s)
{
    return arena_printf(check_arena(ck), "%s/service/%s", e->name.s,
                        s->name.s);
}

static void cross_dependencies(Checker *ck, const EnvModel *e)
{
    const Model *m = check_model_of(ck);
    if (e->nservices == m->nservices)
        return; /* every service runs here: whatever a dependency names
                   that exists runs here too (30,000 look-ups) */
    for (int i = 0; i < e->nservices; i++) {
        const Service *s = e->services[i];
        for (int k = 0; k < s->depends_on.n; k++) {
            const Str *dep = &s->depends_on.v[k];
            if (env_service(e, dep->s))
                continue; /* nearly always: one look-up, not two */
            const Service *other = model_service(m, dep->s);
            if (!other)
                continue;
            Diag *d = check_report(ck, "env-cross-dependency", dep->loc,
                                   svc_target(ck, e->env, s),
                                   "%s service '%s' depends on '%s', which "
                                   "does not run in %s",
                                   e->env->name.s, s->name.s, dep->s,
                                   e->env->name.s);
            if (other->single_environment)
                diag_note(check_diags(ck), d,
                          other->single_environment->environment.loc,
                          "'%s' runs only in %s", other->name.s,
                          other->single_environment->environment.s);
            diag_help(check_diags(ck), d,
                      "remove the dependency in %s (an override under "
                      "'environments: %s:'), or run '%s' there too",
                      e->env->name.s, e->env->name.s, dep->s);
        }
    }
}

static void shared_resources(Checker *ck)
{
    const Model *m = check_model_of(ck);
    for (int i = 0; i < m->nenvs; i++) {
        const EnvModel *a = &m->envs[i];
        for (int j = i + 1; j < m->nenvs; j++) {
            const EnvModel *b = &m->envs[j];
            if (streq(a->env->domain.s, b->env->domain.s)) {
                Diag *d = check_report(
                    ck, "env-shared-resource", b->env->domain.loc,
                    arena_printf(check_arena(ck), "environment/%s",
                                 b->env->name.s),
                    "%s and %s share the domain '%s'", a->env->name.s,
                    b->env->name.s, b->env->domain.s);
                diag_note(check_diags(ck), d, a->env->domain.loc,
                          "%s's domain", a->env->name.s);
                diag_help(check_diags(ck), d,
                          "give each environment its own domain, e.g. "
                          "integration.%s",
                          b->env->domain.s);
            }
            for (int x = 0; x < a->nstores; x++)
                for (int y = 0; y < b->nstores; y++) {
                    const Store *sa = a->stores[x], *sb = b->stores[y];
                    if (strcmp(sa->resource_name.s, sb->resource_name.s))
                        continue;
                    Diag *d = check_report(
                        ck, "env-shared-resource", sb->resource_name.loc,
                        arena_printf(check_arena(ck), "%s/store/%s",
                                     b->env->name.s, sb->name.s),
                        "%s store '%s' and %s store '%s' are the same "
                        "resource '%s'",
                        b->env->name.s, sb->name.s, a->env->name.s,
                        sa->name.s, sb->resource_name.s);
                    diag_note(check_diags(ck), d, sa->resource_name.loc,
                              "the %s instance is named here",
                              a->env->name.s);
                    diag_help(check_diags(ck), d,
                              "name each environment's instance apart "
                              "(resource-name in an override)");
                }
        }
    }
}

static bool parse_cidr(const char *s, unsigned long *net, int *prefix)
{
    unsigned a, b, c, d;
    int p;
    if (!s || sscanf(s, "%u.%u.%u.%u/%d", &a, &b, &c, &d, &p) != 5)
        return false;
    *net = (unsigned long)a << 24 | (unsigned long)b << 16 |
           (unsigned long)c << 8 | d;
    *prefix = p;
    return true;
}

static void networks(Checker *ck)
{
    const Model *m = check_model_of(ck);
    for (int i = 0; i < m->nenvs; i++) {
        const Environment *a = m->envs[i].env;
        for (int j = i + 1; j < m->nenvs; j++) {
            const Environment *b = m->envs[j].env;
            unsigned long na, nb;
            int pa, pb;
            if (!parse_cidr(a->address_space.s, &na, &pa) ||
                !parse_cidr(b->address_space.s, &nb, &pb))
                continue;
            int p = pa < pb ? pa : pb;
            unsigned long mask = p ? (0xFFFFFFFFUL << (32 - p)) & 0xFFFFFFFFUL
                                   : 0;
            if ((na & mask) != (nb & mask))
                continue;
            Diag *d = check_report(
                ck, "env-network-overlap", b->address_space.loc,
                arena_printf(check_arena(ck), "environment/%s", b->name.s),
                "%s's network %s overlaps %s's %s", b->name.s,
                b->address_space.s, a->name.s, a->address_space.s);
            diag_note(check_diags(ck), d, a->address_space.loc,
                      "%s's network", a->name.s);
            diag_help(check_diags(ck), d, "give each environment a disjoint "
                                          "address space");
        }
        for (int k = 0; k < a->peered_with.n; k++) {
            const Str *peer = &a->peered_with.v[k];
            const Environment *other = model_env(m->platform, peer->s);
            if (!other)
                continue;
            Diag *d = check_report(
                ck, "env-network-peered", peer->loc,
                arena_printf(check_arena(ck), "environment/%s", a->name.s),
                "%s's network is peered with %s's", a->name.s, other->name.s);
            diag_note(check_diags(ck), d, other->address_space.loc,
                      "%s's network", other->name.s);
            diag_help(check_diags(ck), d, "remove the peering; environments "
                                          "never share a network path");
        }
    }
}

static void ingress_egress(Checker *ck, const EnvModel *e)
{
    for (int i = 0; i < e->nservices; i++) {
        const Service *s = e->services[i];
        if (streq(s->ingress.s, "public"))
            diag_help(check_diags(ck),
                      check_report(ck, "env-ingress-bypass", s->ingress.loc,
                                   svc_target(ck, e->env, s),
                                   "'%s'%s is exposed to the internet "
                                   "without the WAF and gateway",
                                   s->name.s,
                                   check_in_env(ck, s, s->ingress.loc)),
                      "use 'ingress: gateway' and give it routes");
        bool conn = streq(s->kind.s, "connector");
        for (int k = 0; k < s->egress.n; k++) {
            const Str *src = &s->egress.v[k];
            if (conn && s->connector && streq(s->connector->source.s, src->s))
                continue;
            Diag *d = check_report(
                ck, "egress-not-connector", src->loc,
                svc_target(ck, e->env, s),
                conn ? "connector '%s' calls source '%s', which is not its own"
                     : "'%s' calls external source '%s' but is not its "
                       "connector",
                s->name.s, src->s);
            diag_help(check_diags(ck), d,
                      "call the source's connector service instead "
                      "(depends-on)");
        }
    }
}

static bool placeholder(const char *s)
{
    while (*s == ' ')
        s++;
    static const char *const words[] = {"", "todo", "tbd", "none", "-",
                                        "n/a", "?", NULL};
    for (int i = 0; words[i]; i++)
        if (strcasecmp(s, words[i]) == 0)
            return true;
    return false;
}

static void missing_instances(Checker *ck)
{
    const Model *m = check_model_of(ck);
    for (int i = 0; i < m->nservices; i++) {
        const Service *s = m->services[i];
        const SingleEnv *se = s->single_environment;
        if (se && se->reason.s && placeholder(se->reason.s))
            diag_help(check_diags(ck),
                      check_report(ck, "env-missing-instance", se->reason.loc,
                                   arena_printf(check_arena(ck),
                                                "service/%s", s->name.s),
                                   "'%s' runs in %s only, without a reason",
                                   s->name.s, se->environment.s),
                      "say why it does not run in the other environments");
    }
    for (int i = 0; i < m->nenvs; i++) {
        const EnvModel *e = &m->envs[i];
        for (int k = 0; k < e->nservices; k++) {
            const Service *s = e->services[k];
            if (s->scaling && s->scaling->max.loc.set && s->scaling->max.v == 0)
                diag_help(check_diags(ck),
                          check_report(ck, "env-missing-instance",
                                       s->scaling->max.loc,
                                       svc_target(ck, e->env, s),
                                       "'%s' has no instance%s "
                                       "(scaling.max is 0)",
                                       s->name.s,
                                       check_in_env(ck, s,
                                                    s->scaling->max.loc)),
                          "declare 'single-environment' with a reason "
                          "instead");
        }
    }
}

void check_environments(Checker *ck)
{
    const Model *m = check_model_of(ck);
    for (int i = 0; i < m->nenvs; i++) {
        cross_dependencies(ck, &m->envs[i]);
        ingress_egress(ck, &m->envs[i]);
    }
    check_cross_references(ck);
    shared_resources(ck);
    networks(ck);
    missing_instances(ck);
}
