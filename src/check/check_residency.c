/* check_residency.c - residency in one geography (United Kingdom by
 * default): every regional location, every replica and every
 * location-less service is inside it, and inside allowed-regions when that
 * narrows it.  The region table is regions.c's. */
#include "topoc/check.h"
#include "topoc/regions.h"
#include "topoc/util.h"

#include <string.h>

static const char *geo(const Checker *ck)
{
    Checker *c = (Checker *)ck;
    return geography_name(check_model_of(c)->platform->residency->geography.s);
}

static void allowed_help(Checker *ck, Diag *d)
{
    const Residency *r = check_model_of(ck)->platform->residency;
    const char **v;
    int n = residency_regions(check_arena(ck), r, &v);
    Strbuf sb = STRBUF_INIT;
    for (int i = 0; i < n; i++)
        sb_printf(&sb, "%s%s", i ? ", " : "", v[i]);
    diag_help(check_diags(ck), d, "allowed regions: %s",
              n ? sb.buf : "none");
    sb_release(&sb);
}

static void unknown_region(Checker *ck, const Str *r, const char *target)
{
    int n;
    const char *const *names = region_names(check_arena(ck), &n);
    Diag *d = check_report(ck, "region-unknown", r->loc, target,
                           "'%s' is not an Azure region", r->s);
    const char *best = closest_word(r->s, names, n);
    if (best)
        diag_help(check_diags(ck), d, "did you mean '%s'?", best);
    else
        diag_help(check_diags(ck), d, "use a region name as Azure spells "
                                      "it, e.g. uksouth or 'UK West'");
}

/* Where the geography was written, or no position when it is the
 * default (the decoder gives a default a zero-length position). */
static Loc geo_loc(const Residency *res)
{
    return res->geography.loc.len ? res->geography.loc : (Loc){0};
}

/* One regional location: a known region, inside the geography, and
 * allowed.  An unknown region is not known to be inside: one error, with
 * the closest name. */
static void location(Checker *ck, const Str *r, const char *what,
                     const char *target)
{
    if (!r->s)
        return;
    const Residency *res = check_model_of(ck)->platform->residency;
    if (residency_allows(res, r->s))
        return;
    const char *g = region_geography(r->s);
    bool inside = streq(g, res->geography.s);
    Diag *d = check_report(ck, "region-not-allowed", r->loc, target,
                           !g       ? "%s is in '%s', which is not an Azure "
                                      "region, so not in %s"
                           : inside ? "%s is in %s, outside the allowed "
                                      "regions"
                                    : "%s is in %s, outside %s",
                           what, r->s, geo(ck));
    if (!g) {
        int n;
        const char *const *names = region_names(check_arena(ck), &n);
        const char *best = closest_word(r->s, names, n);
        if (best)
            diag_help(check_diags(ck), d, "did you mean '%s'?", best);
    } else if (!inside) {
        diag_note(check_diags(ck), d, geo_loc(res),
                  "%s is in %s; residency is %s", r->s, geography_name(g),
                  geo(ck));
    }
    allowed_help(ck, d);
}

/* allowed-regions narrows the geography; an entry outside it would widen
 * the promise, so it is refused where it is written. */
static void allowed_list(Checker *ck)
{
    const Residency *res = check_model_of(ck)->platform->residency;
    for (int i = 0; i < res->allowed_regions.n; i++) {
        const Str *r = &res->allowed_regions.v[i];
        const char *g = region_geography(r->s);
        if (!g) {
            unknown_region(ck, r, "residency");
            continue;
        }
        if (streq(g, res->geography.s))
            continue;
        Diag *d = check_report(ck, "region-not-allowed", r->loc, "residency",
                               "residency.allowed-regions lists %s, which "
                               "is in %s, outside %s",
                               r->s, geography_name(g), geo(ck));
        diag_note(check_diags(ck), d, geo_loc(res), "residency is %s",
                  geo(ck));
        diag_help(check_diags(ck), d,
                  "allowed-regions only narrows the geography: remove %s",
                  r->s);
    }
}

static bool same_loc(Loc a, Loc b)
{
    return loc_same(a, b);
}

/* The store as a finding names it: "integration store 'x'" when the
 * value is the environment's own (an override, or inherited from the
 * environment), else "store 'x'", reported once for all environments. */
static void store_subject(Checker *ck, const EnvModel *e, const Store *s,
                          bool per_env, const char **what,
                          const char **target)
{
    Arena *a = check_arena(ck);
    *what = per_env ? arena_printf(a, "%s store '%s'", e->env->name.s,
                                   s->name.s)
                    : arena_printf(a, "store '%s'", s->name.s);
    *target = per_env ? arena_printf(a, "%s/store/%s", e->env->name.s,
                                     s->name.s)
                      : arena_printf(a, "store/%s", s->name.s);
}

static void store_location(Checker *ck, const EnvModel *e, const Store *s,
                           const Str *r, const char *label)
{
    const char *what, *target;
    store_subject(ck, e, s, check_store_override_env(s, r->loc) != NULL,
                  &what, &target);
    location(ck, r, arena_printf(check_arena(ck), "%s%s", label, what),
             target);
}

static void replication(Checker *ck, const EnvModel *e, const Store *s)
{
    const char *pair = region_pair(s->region.s);
    if (!redundancy_geo(s->redundancy.s) || !pair)
        return;
    if (*pair &&
        residency_allows(check_model_of(ck)->platform->residency, pair))
        return;
    bool per_env = same_loc(s->region.loc, e->env->region.loc) ||
                   check_store_override_env(s, s->region.loc) ||
                   check_store_override_env(s, s->redundancy.loc);
    const char *what, *target;
    store_subject(ck, e, s, per_env, &what, &target);
    Diag *d = check_report(ck, "replication-outside-residency",
                           s->redundancy.loc, target,
                           "%s uses %s, which replicates to %s", what,
                           s->redundancy.s,
                           *pair ? pair : "another geography");
    diag_note(check_diags(ck), d, s->region.loc, "%s's pair region is %s",
              s->region.s, *pair ? pair : "outside the country");
    diag_help(check_diags(ck), d, "use lrs or zrs, which stay in %s",
              s->region.s);
}

/* zrs, gzrs and ra-gzrs keep copies in three zones of the region; a Key
 * Vault has no redundancy setting (Azure keeps its copies). */
static bool zonal(const Store *s)
{
    return redundancy_zonal(s->redundancy.s) &&
           !(s->kind.s && streq(s->kind.s, "key-vault"));
}

/* A region Azure has, without availability zones (an unknown region is
 * reported as such, not again here). */
static bool zoneless(const char *region)
{
    return region && region_known(region) && !region_has_zones(region);
}

/* " such as uksouth": the first region residency allows that has zones */
static const char *zoned_example(Checker *ck)
{
    const char **v;
    int n = residency_regions(check_arena(ck),
                              check_model_of(ck)->platform->residency, &v);
    for (int i = 0; i < n; i++)
        if (region_has_zones(v[i]))
            return arena_printf(check_arena(ck), " such as %s", v[i]);
    return "";
}

/* The store's instance in environment k, or NULL (stores sorted by name) */
static const Store *store_in(const EnvModel *e, const char *name)
{
    int lo = 0, hi = e->nstores - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2, c = strcmp(e->stores[mid]->name.s, name);
        if (!c)
            return e->stores[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return NULL;
}

/* Zone redundancy in a region without zones that no override of the
 * store's chose (the default in the environment's region aside: that is
 * zones_defaulted's). */
static bool zones_from_base(const Store *s, const Environment *env)
{
    return zonal(s) && zoneless(s->region.s) &&
           !check_store_override_env(s, s->redundancy.loc) &&
           !check_store_override_env(s, s->region.loc) &&
           !(same_loc(s->redundancy.loc, s->loc) &&
             same_loc(s->region.loc, env->region.loc));
}

/* "a", "a and b", "a, b and c" */
static const char *and_list(Checker *ck, const char *const *v, int n)
{
    Strbuf sb = STRBUF_INIT;
    for (int i = 0; i < n; i++)
        sb_printf(&sb, "%s%s", i == 0 ? "" : i == n - 1 ? " and " : ", ", v[i]);
    const char *r = arena_strdup(check_arena(ck), n ? sb.buf : "");
    sb_release(&sb);
    return r;
}

/* The environments holding store NAME where its base value needs zones
 * the region lacks (their names into *names when names is not NULL), how
 * many, the first, and whether an environment holds it whose region has
 * the zones: there the base value is right, so the fix is an override,
 * not the base. */
static int zoneless_envs(Checker *ck, const char *name, const char ***names,
                         bool *elsewhere, const EnvModel **first)
{
    const Model *m = check_model_of(ck);
    int n = 0;
    *elsewhere = false;
    *first = NULL;
    if (names)
        *names = arena_alloc(check_arena(ck),
                             (size_t)m->nenvs * sizeof **names);
    for (int k = 0; k < m->nenvs; k++) {
        const Store *t = store_in(&m->envs[k], name);
        if (!t)
            continue;
        *elsewhere = *elsewhere || !zonal(t) || !zoneless(t->region.s);
        if (!zones_from_base(t, m->envs[k].env))
            continue;
        if (names)
            (*names)[n] = m->envs[k].env->name.s;
        *first = *first ? *first : &m->envs[k];
        n++;
    }
    return n;
}

static void zones_help(Checker *ck, Diag *d, const char *envs,
                       const char *names, const char *beside)
{
    if (envs) {
        diag_help(check_diags(ck), d,
                  "for %s only, set 'redundancy: lrs' (three copies in one "
                  "data centre) or grs (and a copy in the pair region) "
                  "under %s: the environments whose regions have zones "
                  "keep the store-wide value",
                  envs, names);
        return;
    }
    diag_help(check_diags(ck), d,
              "%s lrs (three copies in one data centre) or grs (and a copy "
              "in the pair region)%s, or a region with availability zones%s",
              beside ? "set 'redundancy:' to" : "use", beside ? beside : "",
              zoned_example(ck));
}

/* "stores.NAME.environments.ENV" for one environment, else for each */
static const char *override_path(Checker *ck, const char *store,
                                 const char *envs, int n)
{
    return n == 1 ? arena_printf(check_arena(ck),
                                 "stores.%s.environments.%s", store, envs)
                  : arena_printf(check_arena(ck),
                                 "stores.%s.environments.ENV of each", store);
}

/* A store whose redundancy needs zones its region does not have: Azure
 * refuses the deployment.  Reported where the choice was written: an
 * override of one environment (its redundancy, else its region) there;
 * a base value once for every environment it fails in, and when it holds
 * in another environment the help is the override, not the base (which
 * would drop zone redundancy where the region has zones).  A default
 * redundancy in the environment's region is zones_defaulted's. */
static void zones(Checker *ck, const EnvModel *e, const Store *s)
{
    if (!zonal(s) || !zoneless(s->region.s))
        return;
    bool by_default = same_loc(s->redundancy.loc, s->loc);
    bool env_region = same_loc(s->region.loc, e->env->region.loc);
    if (by_default && env_region)
        return;
    const char *red_env = check_store_override_env(s, s->redundancy.loc);
    const char *reg_env = check_store_override_env(s, s->region.loc);
    const char **zl = NULL, *envs = e->env->name.s;
    bool elsewhere = false;
    const EnvModel *first = e;
    int n = 1;
    if (!red_env && !reg_env) {
        n = zoneless_envs(ck, s->name.s, &zl, &elsewhere, &first);
        if (first != e) /* reported once, in the first */
            return;
        envs = and_list(ck, zl, n);
    }
    const char *what, *target;
    store_subject(ck, e, s, red_env || reg_env || (env_region && n == 1),
                  &what, &target);
    Diag *d;
    if (by_default || (reg_env && !red_env)) {
        d = check_report(ck, "zones-unavailable", s->region.loc, target,
                         "%s is in %s, which has no availability zones, "
                         "and its redundancy %s %s, which needs them",
                         what, s->region.s, by_default ? "defaults to" : "is",
                         s->redundancy.s);
        if (!by_default)
            diag_note(check_diags(ck), d, s->redundancy.loc,
                      "%s's redundancy is %s", s->name.s, s->redundancy.s);
    } else {
        d = check_report(ck, "zones-unavailable", s->redundancy.loc, target,
                         "%s uses %s, which needs availability zones, but "
                         "%s none",
                         what, s->redundancy.s,
                         env_region && n > 1
                             ? arena_printf(check_arena(ck),
                                            "the regions of %s have", envs)
                             : arena_printf(check_arena(ck), "%s has",
                                            s->region.s));
        diag_note(check_diags(ck), d, s->region.loc, "%s is in %s",
                  s->name.s, s->region.s);
    }
    const char *beside =
        reg_env && !red_env
            ? arena_printf(check_arena(ck), " beside it, under %s",
                           override_path(ck, s->name.s, reg_env, 1))
            : NULL;
    zones_help(ck, d, elsewhere ? envs : NULL,
               elsewhere ? override_path(ck, s->name.s, envs, n) : NULL,
               beside);
}

/* The environment's region has no zones and stores inheriting it keep
 * the zone-redundant default: one finding at the region, naming them.
 * The fix is per environment where a store also lives where zones are. */
static void zones_defaulted(Checker *ck, const EnvModel *e)
{
    const Environment *env = e->env;
    if (!zoneless(env->region.s))
        return;
    Strbuf names = STRBUF_INIT;
    int n = 0;
    bool elsewhere = false;
    for (int i = 0; i < e->nstores; i++) {
        const Store *s = e->stores[i];
        if (zonal(s) && same_loc(s->redundancy.loc, s->loc) &&
            same_loc(s->region.loc, env->region.loc)) {
            bool other;
            const EnvModel *first;
            zoneless_envs(ck, s->name.s, NULL, &other, &first);
            elsewhere = elsewhere || other;
            sb_printf(&names, "%s%s", n ? ", " : "", s->name.s);
            n++;
        }
    }
    if (!n) {
        sb_release(&names);
        return;
    }
    Diag *d = check_report(
        ck, "zones-unavailable", env->region.loc,
        arena_printf(check_arena(ck), "environment/%s", env->name.s),
        "environment '%s' is in %s, which has no availability zones, but "
        "%s %s %s the zone-redundant default (zrs) there",
        env->name.s, env->region.s, n == 1 ? "store" : "stores", names.buf,
        n == 1 ? "keeps" : "keep");
    if (elsewhere)
        diag_help(check_diags(ck), d,
                  "for %s only, set 'redundancy: lrs' (or grs) under "
                  "stores.%s.environments.%s%s: the environments whose "
                  "regions have zones keep zrs; or a region with "
                  "availability zones%s",
                  env->name.s, n == 1 ? names.buf : "NAME", env->name.s,
                  n == 1 ? "" : " for each", zoned_example(ck));
    else
        diag_help(check_diags(ck), d,
                  "set 'redundancy: lrs' (or grs) on %s (stores.%s); or a "
                  "region with availability zones%s",
                  n == 1 ? "it" : "each", n == 1 ? names.buf : "NAME",
                  zoned_example(ck));
    sb_release(&names);
}

static void stores(Checker *ck, const EnvModel *e)
{
    for (int i = 0; i < e->nstores; i++) {
        const Store *s = e->stores[i];
        /* a store without its own region inherits the environment's, which
         * is checked (and reported) once, there */
        if (!same_loc(s->region.loc, e->env->region.loc))
            store_location(ck, e, s, &s->region, "");
        store_location(ck, e, s, &s->failover_region, "the failover of ");
        store_location(ck, e, s, &s->backup_region, "the backup of ");
        replication(ck, e, s);
        zones(ck, e, s);
    }
    zones_defaulted(ck, e);
}

static void global_services(Checker *ck)
{
    const Platform *p = check_model_of(ck)->platform;
    const List *gs = &p->residency->global_services;
    for (int i = 0; i < p->edge->global.n; i++) {
        const Str *g = &p->edge->global.v[i];
        bool listed = false;
        for (int k = 0; k < gs->n && !listed; k++) {
            const GlobalService *s = gs->v[k];
            listed = streq(s->kind.s, g->s);
        }
        if (!listed)
            diag_help(check_diags(ck),
                      check_report(ck, "global-service-unlisted", g->loc,
                                   arena_printf(check_arena(ck), "edge/%s",
                                                g->s),
                                   "the edge uses %s, a global service not "
                                   "bound to the UK",
                                   g->s),
                      "list it under residency.global-services with a "
                      "reason, or use a regional service");
    }
    for (int k = 0; k < gs->n; k++) {
        const GlobalService *s = gs->v[k];
        const char *r = s->reason.s;
        while (r && *r == ' ')
            r++;
        if (r && !*r)
            check_report(ck, "global-service-unlisted", s->reason.loc,
                         arena_printf(check_arena(ck), "residency/%s",
                                      s->name.s),
                         "global service '%s' is listed without a reason",
                         s->name.s);
    }
}

void check_residency(Checker *ck)
{
    const Model *m = check_model_of(ck);
    Arena *a = check_arena(ck);
    for (int i = 0; i < m->nenvs; i++) {
        const Environment *e = m->envs[i].env;
        const char *target = arena_printf(a, "environment/%s", e->name.s);
        location(ck, &e->region,
                 arena_printf(a, "environment '%s'", e->name.s), target);
        location(ck, &e->failover_region,
                 arena_printf(a, "the failover of environment '%s'",
                              e->name.s),
                 target);
        stores(ck, &m->envs[i]);
    }
    allowed_list(ck);
    global_services(ck);
}
