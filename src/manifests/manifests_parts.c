/* manifests_parts.c - what grows with the platform besides the services,
 * in parts under Resource Manager's limits:
 *
 *   manifests/azure/stores-FIRST.json  the stores (manifests_stores.c),
 *                                      after the environment, fed its
 *                                      outputs; output "stores"
 *   manifests/azure/teams-FIRST.json   the teams' action groups; output
 *                                      "actionGroups"
 *   manifests/azure/directory.json     joins the parts' outputs into one
 *                                      "stores" and one "actionGroups",
 *                                      which every services part reads
 *
 * In one template, 10,000 services' stores and teams (one store per 25
 * services, one team per 20) were some 3,300 resources: past 800.  The
 * parts are cut by arm_parts() in order of the store's or team's name, so
 * adding a store changes the part it joins (or splits it) and leaves the
 * others as they were.  The directory exists so that a services part
 * reads one deployment's outputs, not every part's: main.json names the
 * parts once, in the directory's parameters (union()), not once per
 * services part (at 10,000 services some 250 of them).
 */
#include "manifests_azure.h"

#include <stdlib.h>
#include <string.h>

static int unit_cmp(const void *a, const void *b)
{
    return strcmp(((const MfUnit *)a)->key, ((const MfUnit *)b)->key);
}

static void output(JsonVal *outs, const char *name, JsonVal *value)
{
    JsonVal *o = jv_obj();
    jv_set(o, "type", jv_str("object"));
    jv_set(o, "value", value);
    jv_set(outs, name, o);
}

/* What a part is cut by: each unit's resources and bytes as written. */
static ArmItem *weigh(Mf *f, const MfUnit *u, int n)
{
    ArmItem *items = arena_alloc(f->a, ((size_t)n + 1) * sizeof *items);
    Strbuf sb = STRBUF_INIT;
    for (int i = 0; i < n; i++) {
        sb_reset(&sb);
        arm_write(u[i].res, &sb);
        arm_write(u[i].out, &sb);
        items[i] = (ArmItem){u[i].key, sb.len + 64, jv_len(u[i].res)};
    }
    sb_release(&sb);
    return items;
}

int mf_cut(Mf *f, const ArmItem *items, int n, int **starts)
{
    *starts = arena_alloc(f->a, ((size_t)n + 1) * sizeof **starts);
    /* (64 KB for the parameters and the outputs' frame) */
    int np = arm_parts(items, n, ARM_MAX_SPEC_BYTES - 65536,
                       ARM_MAX_RESOURCES, *starts);
    (*starts)[np] = n;
    return np;
}

/* The parts of units U (taken) named WHAT-FIRST, each with the output
 * OUTPUT and the parameters PARAMS adds; their names into *NAMES. */
static int write_parts(Mf *f, const char *what, const char *output_name,
                       MfUnit *u, int n, void (*params)(Mf *, JsonVal *),
                       Outputs *o, const char ***names)
{
    qsort(u, (size_t)n, sizeof *u, unit_cmp);
    ArmItem *items = weigh(f, u, n);
    int *starts;
    int np = mf_cut(f, items, n, &starts);
    *names = arena_alloc(f->a, ((size_t)np + 1) * sizeof **names);
    for (int p = 0; p < np; p++) {
        int lo = starts[p], hi = starts[p + 1];
        const char *name = az_name(
            f->a, arena_printf(f->a, "%s-%s", what, u[lo].key), 64, true);
        JsonVal *res = jv_arr(), *all = jv_obj(), *outs = jv_obj();
        for (int i = lo; i < hi; i++) {
            jv_extend(res, u[i].res);
            jv_set(all, u[i].key, u[i].out);
        }
        JsonVal *root = mf_template(f, res);
        params(f, (JsonVal *)jv_get(root, "parameters"));
        output(outs, output_name, all);
        jv_set(root, "outputs", outs);
        mf_write(f, root, arena_printf(f->a, "manifests/azure/%s.json", name),
                 o, u[lo].at);
        (*names)[p] = name;
    }
    return np;
}

static void store_params(Mf *f, JsonVal *params)
{
    (void)f;
    jv_set(params, "environment",
           arm_parameter("object", "The environment deployment's outputs"));
    jv_set(params, "sqlAdminGroupName",
           arm_parameter("string", "Entra group that administers the SQL "
                                   "servers"));
    jv_set(params, "sqlAdminGroupObjectId",
           arm_parameter("string", "Object id of that Entra group"));
}

static void no_params(Mf *f, JsonVal *params)
{
    (void)f;
    (void)params;
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
    JsonVal *r = mf_resource("Microsoft.Insights/actionGroups", INSIGHTS_GROUPS,
                             arena_printf(f->a, "ag-%s-%s", mf_env(f), t->name.s),
                             jv_str("Global"), mf_tags(f, NULL, t->name.s));
    jv_set(r, "properties", p);
    return r;
}

static int team_units(Mf *f, MfUnit *u)
{
    int n = f->m->platform->teams.n;
    for (int i = 0; i < n; i++) {
        const Team *t = f->m->platform->teams.v[i];
        JsonVal *res = jv_arr();
        jv_push(res, action_group(f, t));
        const char *id = arm_id(f->a, "Microsoft.Insights/actionGroups",
                                arena_printf(f->a, "ag-%s-%s", mf_env(f),
                                             t->name.s),
                                NULL);
        u[i] = (MfUnit){t->name.s, t->name.loc, res, arm_code(id)};
    }
    return n;
}

/* union() of the parts' outputs NAME, or {} when there is no part. */
static JsonVal *joined(Mf *f, const char **parts, int n, const char *name)
{
    if (!n)
        return jv_obj();
    Strbuf sb = STRBUF_INIT;
    sb_puts(&sb, n > 1 ? "[union(" : "[");
    for (int i = 0; i < n; i++) {
        const char *ref = mf_outputs_of(f, parts[i]);
        sb_printf(&sb, "%s%.*s.%s.value", i ? ", " : "",
                  (int)strlen(ref) - 2, ref + 1, name);
    }
    sb_puts(&sb, n > 1 ? ")]" : "]");
    const char *expr = arena_strndup(f->a, sb.buf, sb.len);
    sb_release(&sb);
    return arm_code(expr);
}

/* directory.json: its parameters, as they were joined, are its outputs */
static void directory(Mf *f, Outputs *o)
{
    JsonVal *root = mf_template(f, jv_arr()), *outs = jv_obj();
    JsonVal *params = (JsonVal *)jv_get(root, "parameters");
    static const char *const names[][2] = {
        {"stores", "store name -> {id, name, host}, from the stores parts"},
        {"actionGroups", "team -> action group id, from the teams parts"}};
    for (int i = 0; i < 2; i++) {
        jv_set(params, names[i][0], arm_parameter("object", names[i][1]));
        output(outs, names[i][0],
               arm_code(arena_printf(f->a, "[parameters('%s')]", names[i][0])));
    }
    jv_set(root, "outputs", outs);
    mf_write(f, root, "manifests/azure/directory.json", o,
             f->env->env->name.loc);
}

static void deploy_parts(Mf *f, JsonVal *res, MfParts *parts,
                         const char **names, int n, bool stores)
{
    static const char *const after_env[] = {"environment", NULL};
    for (int i = 0; i < n; i++) {
        JsonVal *pp = jv_obj();
        if (stores) {
            jv_set(pp, "environment",
                   mf_pval(arm_code(mf_outputs_of(f, "environment"))));
            jv_set(pp, "sqlAdminGroupName",
                   mf_pval(arm_code("[parameters('sqlAdminGroupName')]")));
            jv_set(pp, "sqlAdminGroupObjectId",
                   mf_pval(arm_code("[parameters('sqlAdminGroupObjectId')]")));
        }
        jv_push(res, mf_deployment(f, names[i], names[i], pp,
                                   stores ? after_env : NULL, stores));
        mf_part(f, parts, names[i],
                arena_printf(f->a, "manifests/azure/%s.json", names[i]));
    }
}

void mf_data_parts(Mf *f, JsonVal *res, MfParts *parts, Outputs *o)
{
    int ns = f->env->nstores, nt = f->m->platform->teams.n;
    MfUnit *u = arena_alloc(f->a, ((size_t)(ns > nt ? ns : nt) + 1) * sizeof *u);
    const char **sp, **tp;
    int nsp = write_parts(f, "stores", "stores", u, mf_store_units(f, u),
                          store_params, o, &sp);
    int ntp = write_parts(f, "teams", "actionGroups", u, team_units(f, u),
                          no_params, o, &tp);
    deploy_parts(f, res, parts, sp, nsp, true);
    deploy_parts(f, res, parts, tp, ntp, false);
    directory(f, o);
    const char **after = arena_alloc(f->a, ((size_t)nsp + ntp + 1) *
                                               sizeof *after);
    memcpy(after, sp, (size_t)nsp * sizeof *after);
    memcpy(after + nsp, tp, (size_t)ntp * sizeof *after);
    after[nsp + ntp] = NULL;
    JsonVal *dp = jv_obj();
    jv_set(dp, "stores", mf_pval(joined(f, sp, nsp, "stores")));
    jv_set(dp, "actionGroups", mf_pval(joined(f, tp, ntp, "actionGroups")));
    jv_push(res, mf_deployment(f, "directory", "directory", dp,
                               nsp + ntp ? after : NULL, false));
    mf_part(f, parts, "directory", "manifests/azure/directory.json");
}
