/* check_residency.c - UK-only residency: every regional location, every
 * replica and every location-less service is inside the allowed set. */
#include "topoc/check.h"
#include "topoc/util.h"

#include <string.h>

/* Azure regions and their pairs (learn.microsoft.com, "Azure region
 * pairs"); "" for a region without a pair. */
static const struct {
    const char *region, *pair;
} regions[] = {
    {"uksouth", "ukwest"},
    {"ukwest", "uksouth"},
    {"northeurope", "westeurope"},
    {"westeurope", "northeurope"},
    {"francecentral", "francesouth"},
    {"francesouth", "francecentral"},
    {"germanywestcentral", "germanynorth"},
    {"germanynorth", "germanywestcentral"},
    {"switzerlandnorth", "switzerlandwest"},
    {"switzerlandwest", "switzerlandnorth"},
    {"norwayeast", "norwaywest"},
    {"norwaywest", "norwayeast"},
    {"swedencentral", "swedensouth"},
    {"swedensouth", "swedencentral"},
    {"polandcentral", ""},
    {"italynorth", ""},
    {"spaincentral", ""},
    {"eastus", "westus"},
    {"westus", "eastus"},
    {"eastus2", "centralus"},
    {"centralus", "eastus2"},
    {"northcentralus", "southcentralus"},
    {"southcentralus", "northcentralus"},
    {"westus2", "westcentralus"},
    {"westcentralus", "westus2"},
    {"westus3", "eastus"},
    {"canadacentral", "canadaeast"},
    {"canadaeast", "canadacentral"},
    {"brazilsouth", "southcentralus"},
    {"australiaeast", "australiasoutheast"},
    {"australiasoutheast", "australiaeast"},
    {"eastasia", "southeastasia"},
    {"southeastasia", "eastasia"},
    {"japaneast", "japanwest"},
    {"japanwest", "japaneast"},
    {"koreacentral", "koreasouth"},
    {"koreasouth", "koreacentral"},
    {"centralindia", "southindia"},
    {"southindia", "centralindia"},
    {"uaenorth", "uaecentral"},
    {"southafricanorth", "southafricawest"},
    {"qatarcentral", ""},
    {"israelcentral", ""},
};
enum { NREGIONS = sizeof regions / sizeof regions[0] };

static int region_index(const char *r)
{
    for (int i = 0; i < NREGIONS; i++)
        if (strcmp(regions[i].region, r) == 0)
            return i;
    return -1;
}

static bool allowed(const Model *m, const char *region)
{
    const StrList *a = &m->platform->residency->allowed_regions;
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->v[i].s, region) == 0)
            return true;
    return false;
}

static void allowed_help(Checker *ck, Diag *d)
{
    const StrList *a = &check_model_of(ck)->platform->residency->allowed_regions;
    Strbuf sb = STRBUF_INIT;
    for (int i = 0; i < a->n; i++)
        sb_printf(&sb, "%s%s", i ? ", " : "", a->v[i].s);
    diag_help(check_diags(ck), d, "allowed regions: %s", sb.buf);
    sb_release(&sb);
}

/* One regional location: known, and allowed. */
static void location(Checker *ck, const Str *r, const char *what,
                     const char *target)
{
    if (!r->s)
        return;
    if (region_index(r->s) < 0) {
        const char *names[NREGIONS];
        for (int i = 0; i < NREGIONS; i++)
            names[i] = regions[i].region;
        Diag *d = check_report(ck, "region-unknown", r->loc, target,
                               "'%s' is not an Azure region", r->s);
        const char *best = closest_word(r->s, names, NREGIONS);
        if (best)
            diag_help(check_diags(ck), d, "did you mean '%s'?", best);
        else
            diag_help(check_diags(ck), d, "use a region name as Azure spells "
                                          "it, e.g. uksouth or 'UK West'");
    }
    if (!allowed(check_model_of(ck), r->s)) {
        Diag *d = check_report(ck, "region-not-allowed", r->loc, target,
                               "%s is in %s, outside the allowed regions",
                               what, r->s);
        allowed_help(ck, d);
    }
}

static bool geo_redundant(const char *r)
{
    return r && (!strcmp(r, "grs") || !strcmp(r, "gzrs") ||
                 !strcmp(r, "ra-grs") || !strcmp(r, "ra-gzrs"));
}

static bool same_loc(Loc a, Loc b)
{
    return a.src == b.src && a.line == b.line && a.col == b.col;
}

static void stores(Checker *ck, const EnvModel *e)
{
    Arena *a = check_arena(ck);
    for (int i = 0; i < e->nstores; i++) {
        const Store *s = e->stores[i];
        const char *target = arena_printf(a, "%s/store/%s", e->env->name.s,
                                          s->name.s);
        const char *what = arena_printf(a, "%s store '%s'", e->env->name.s,
                                        s->name.s);
        /* a store without its own region inherits the environment's, which
         * is checked (and reported) once, there */
        if (!same_loc(s->region.loc, e->env->region.loc))
            location(ck, &s->region, what, target);
        location(ck, &s->failover_region,
                 arena_printf(a, "the failover of %s", what), target);
        location(ck, &s->backup_region,
                 arena_printf(a, "the backup of %s", what), target);
        int ri = s->region.s ? region_index(s->region.s) : -1;
        if (!geo_redundant(s->redundancy.s) || ri < 0)
            continue;
        const char *pair = regions[ri].pair;
        if (*pair && allowed(check_model_of(ck), pair))
            continue;
        Diag *d = check_report(ck, "replication-outside-residency",
                               s->redundancy.loc, target,
                               "%s uses %s, which replicates to %s",
                               what, s->redundancy.s,
                               *pair ? pair : "another geography");
        diag_note(check_diags(ck), d, s->region.loc,
                  "%s's pair region is %s", s->region.s,
                  *pair ? pair : "outside the country");
        diag_help(check_diags(ck), d, "use lrs or zrs, which stay in %s",
                  s->region.s);
    }
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
    global_services(ck);
}
