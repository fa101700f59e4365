/* resolve.c - stage 2: from decoded documents to the per-environment model.
 *
 *   (model_docs.c: classify documents, decode services) -> decode the
 *   platform -> index names -> resolve each environment (merge overrides,
 *   decode what they reach, check references)
 */
#include "topoc/build.h"
#include "topoc/schema.h"
#include "topoc/util.h"

#include "model_docs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Ctx {
    Arena *a;
    Arena *tmp; /* merged overrides, freed with the model built */
    Diags *ds;
    Model *m;
    const char **env_names; /* for suggestions */
    const char **team_names, **source_names, **store_names, **svc_names;
    long suggest_budget; /* name comparisons left for "did you mean" */
    const Inputs *in;
    struct Unchecked *unchecked; /* references not reported, see cascade */
    int nunchecked;
    long scan_budget; /* bytes of broken files left to search */
    long nunknown;    /* unknown_ref's calls so far */
    bool *refs_ok; /* per service: its references, checked as declared,
                      all resolved (see resolve_service) */
    bool *ov_ok;   /* per service: its `environments:` block was checked
                      and found nothing to report (see override_for) */
} Ctx;

/* "Did you mean" compares a wrong name with every declared one.  A hostile
 * spec with 100,000 wrong names among 100,000 services would make that
 * 10^10 comparisons, so suggestions stop after this many (deterministic:
 * the same spec always gets the same suggestions). */
enum { SUGGEST_BUDGET = 20 * 1000 * 1000 };
/* Likewise, searching broken files for a name stops after this many bytes
 * (then the reference is reported). */
enum { SCAN_BUDGET = 200 * 1000 * 1000 };

/* ---- name lookups ---- */

static const char *name_of(const void *named)
{
    return ((const Str *)((const char *)named + sizeof(Loc)))->s;
}

static int named_cmp(const void *a, const void *b)
{
    return strcmp(name_of(*(void *const *)a), name_of(*(void *const *)b));
}

static int named_key_cmp(const void *key, const void *elem)
{
    const char *name = name_of(*(void *const *)elem);
    return key == name ? 0 : strcmp(key, name); /* interned: often equal */
}

/* Teams, sources and stores are kept sorted by name (model_build sorts
 * them; map keys are unique), so a lookup is a binary search. */
static const void *find_named(const List *l, const char *name)
{
    void *const *p = l->n ? bsearch(name, l->v, (size_t)l->n, sizeof *l->v,
                                    named_key_cmp)
                          : NULL;
    return p ? *p : NULL;
}

static void sort_named(List *l)
{
    if (l->n > 1)
        qsort(l->v, (size_t)l->n, sizeof *l->v, named_cmp);
}

/* Every named struct has `Loc loc; Str name;` first (checked below). */
_Static_assert(offsetof(Environment, name) == sizeof(Loc), "layout");
_Static_assert(offsetof(Team, name) == sizeof(Loc), "layout");
_Static_assert(offsetof(DataSource, name) == sizeof(Loc), "layout");
_Static_assert(offsetof(Store, name) == sizeof(Loc), "layout");
_Static_assert(offsetof(Service, name) == sizeof(Loc), "layout");

const Environment *model_env(const Platform *p, const char *name)
{
    /* environments keep their file order: Environment.index is theirs */
    for (int i = 0; i < p->environments.n; i++)
        if (name_of(p->environments.v[i]) == name) /* interned keys */
            return p->environments.v[i];
    for (int i = 0; i < p->environments.n; i++)
        if (strcmp(name_of(p->environments.v[i]), name) == 0)
            return p->environments.v[i];
    return NULL;
}
const Team *model_team(const Platform *p, const char *name)
{
    return find_named(&p->teams, name);
}
const DataSource *model_source(const Platform *p, const char *name)
{
    return find_named(&p->sources, name);
}
const Store *model_store(const Platform *p, const char *name)
{
    return find_named(&p->stores, name);
}

int env_groups(const EnvModel *e, Arena *a, const char ***out)
{
    const char **v = arena_alloc(a, ((size_t)e->nservices + 1) * sizeof *v);
    int n = 0;
    for (int i = 0; i < e->nservices; i++) {
        const char *grp = e->services[i]->group.s;
        bool seen = false;
        for (int k = 0; k < n && !seen; k++)
            seen = streq(v[k], grp);
        if (!seen)
            v[n++] = grp;
    }
    sort_strings(v, n);
    *out = v;
    return n;
}

static const char **names_of(Ctx *c, const List *l)
{
    const char **v = arena_alloc(c->a, ((size_t)l->n + 1) * sizeof *v);
    for (int i = 0; i < l->n; i++)
        v[i] = name_of(l->v[i]);
    return v;
}

static int count(const char **v)
{
    int n = 0;
    while (v[n])
        n++;
    return n;
}

/* Report an unknown name with a suggestion; `kind` says what was sought. */
static bool name_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.';
}

/* Whether a file that could not be read might declare name: a service's
 * file is named after it, and any declaration (a service, an environment,
 * a team, a source, a store) writes the name as a word of the file. */
static bool may_declare(Ctx *c, const Source *src, const char *name)
{
    const char *base = strrchr(src->path, '/');
    base = base ? base + 1 : src->path;
    size_t n = strlen(name);
    if (!strncmp(base, name, n) &&
        (!strcmp(base + n, ".yaml") || !strcmp(base + n, ".yml")))
        return true;
    if (!n || c->scan_budget < (long)src->len)
        return false;
    c->scan_budget -= (long)src->len;
    const char *t = src->text, *end = src->text + src->len;
    while ((t = memmem(t, (size_t)(end - t), name, n))) {
        bool before = t > src->text && name_char(t[-1]);
        bool after = t + n < end && name_char(t[n]);
        if (!before && !after)
            return true;
        t++;
    }
    return false;
}

typedef struct Unchecked {
    int file; /* index in Inputs.broken */
    Loc at;   /* the reference (the same one recurs per environment) */
    const char *name;
} Unchecked;

/* After a syntax error, a reference to a name the broken file may declare
 * is a cascade, not a finding: it is kept for one note on that file (see
 * note_unchecked) instead of reported. */
static bool cascade(Ctx *c, const Str *ref)
{
    for (int i = 0; c->in && i < c->in->nbroken; i++) {
        if (!c->in->broken[i]->text ||
            !may_declare(c, c->in->broken[i], ref->s))
            continue;
        size_t n = (size_t)c->nunchecked;
        if ((n & (n - 1)) == 0)
            c->unchecked = arena_grow(c->a, c->unchecked, n, n ? 2 * n : 1,
                                      sizeof *c->unchecked);
        c->unchecked[c->nunchecked++] = (Unchecked){i, ref->loc, ref->s};
        return true;
    }
    return false;
}

static int unchecked_cmp(const void *a, const void *b)
{
    const Unchecked *x = a, *y = b;
    if (x->file != y->file)
        return x->file - y->file;
    const Source *sx = loc_src(x->at), *sy = loc_src(y->at);
    int r = strcmp(sx ? sx->path : "", sy ? sy->path : "");
    return r ? r : loc_pos_cmp(x->at, y->at);
}

/* One note per broken file: how many references (each counted once, not
 * per environment) wait for it to read, and to which names. */
static void note_unchecked(Ctx *c)
{
    if (c->nunchecked > 1)
        qsort(c->unchecked, (size_t)c->nunchecked, sizeof *c->unchecked,
              unchecked_cmp);
    for (int i = 0; i < c->nunchecked;) {
        const Unchecked *u = &c->unchecked[i];
        int n = 0;
        bool several = false;
        for (; i < c->nunchecked && c->unchecked[i].file == u->file; i++) {
            n += !i || unchecked_cmp(&c->unchecked[i - 1],
                                     &c->unchecked[i]) != 0;
            several = several || strcmp(c->unchecked[i].name, u->name) != 0;
        }
        const char *msg = arena_printf(
            c->a,
            "%d reference%s to '%s'%s not checked: this file may declare "
            "%s, and it could not be read",
            n, n == 1 ? "" : "s", u->name,
            several ? " and other names were" : n == 1 ? " was" : " were",
            several ? "them" : "it");
        const Source *src = c->in->broken[u->file];
        Diag *d = NULL; /* the file's first error says why it did not read */
        for (int k = 0; k < c->ds->n && !d; k++)
            if (loc_src(c->ds->v[k]->loc) == src &&
                c->ds->v[k]->sev == SEV_ERROR)
                d = c->ds->v[k];
        if (d)
            diag_note(c->ds, d, (Loc){0}, "%s", msg);
        else
            diag_info(c->ds, loc_file(src), "unknown-reference", "%s", msg);
    }
}

static void unknown_ref(Ctx *c, const Str *ref, const char *kind,
                        const char **cands, const char *where)
{
    c->nunknown++;
    if (cascade(c, ref))
        return;
    Diag *d = diag_error(c->ds, ref->loc, "unknown-reference",
                         "unknown %s '%s'", kind, ref->s);
    int n = cands ? count(cands) : 0;
    if (c->suggest_budget < n)
        n = 0;
    c->suggest_budget -= n;
    const char *best = closest_word(ref->s, cands, n);
    if (best)
        diag_help(c->ds, d, "did you mean '%s'?", best);
    else
        diag_help(c->ds, d, "declare it %s, or correct the name", where);
}

/* ---- documents ---- */

static int service_cmp(const void *a, const void *b)
{
    const Service *x = *(Service *const *)a, *y = *(Service *const *)b;
    int r = strcmp(x->name.s, y->name.s);
    if (r)
        return r;
    r = strcmp(loc_src(x->loc)->path, loc_src(y->loc)->path);
    return r ? r : loc_pos_cmp(x->loc, y->loc);
}

static int store_cmp(const void *a, const void *b)
{
    return strcmp((*(Store *const *)a)->name.s, (*(Store *const *)b)->name.s);
}

/* Sort services and report names declared twice (keeping the first). */
static void index_services(Ctx *c, Service **v, int n)
{
    int sorted = 1; /* files are read in order, each usually named after
                       its service: often sorted already */
    while (sorted < n && service_cmp(&v[sorted - 1], &v[sorted]) <= 0)
        sorted++;
    if (sorted < n)
        qsort(v, (size_t)n, sizeof *v, service_cmp);
    int kept = 0;
    for (int i = 0; i < n; i++) {
        if (kept && strcmp(v[kept - 1]->name.s, v[i]->name.s) == 0) {
            Diag *d = diag_error(c->ds, v[i]->name.loc, "duplicate-name",
                                 "service '%s' is declared twice",
                                 v[i]->name.s);
            diag_note(c->ds, d, v[kept - 1]->name.loc, "first declared here");
            diag_help(c->ds, d, "rename one of them; service names are "
                                "unique across the platform");
            continue;
        }
        v[kept++] = v[i];
    }
    c->m->services = v;
    c->m->nservices = kept;
    name_index_build(c->a, &c->m->by_name, v, kept);
    c->svc_names = arena_alloc(c->a, ((size_t)kept + 1) * sizeof(char *));
    for (int i = 0; i < kept; i++)
        c->svc_names[i] = v[i]->name.s;
}

/* ---- per-environment overrides ---- */

/* The override for env in a block override_for found nothing wrong
 * with: as it would return, without checking it again. */
static const Node *override_named(const Node *ov, const char *env)
{
    const Node *found = NULL;
    for (int i = 0; ov && i < ov->n; i++) {
        const char *key = ov->pairs[i].key->str;
        if (key == env || strcmp(key, env) == 0)
            found = ov->pairs[i].val;
    }
    return found;
}

/* Report the keys of override ov that may not be overridden; returns
 * whether there were any. */
static bool fixed_keys(Ctx *c, const Node *ov, const char *const *fixed)
{
    bool any = false;
    for (int j = 0; j < ov->n; j++)
        for (int k = 0; fixed[k]; k++) {
            const Node *key = ov->pairs[j].key;
            if (key->str[0] != fixed[k][0] || strcmp(key->str, fixed[k]))
                continue;
            diag_help(c->ds,
                      diag_error(c->ds, key->loc, "invalid-value",
                                 "'%s' cannot be overridden per environment",
                                 fixed[k]),
                      "set it once, outside 'environments:'");
            any = true;
        }
    return any;
}

/* Check an `environments:` block; returns the override for env or NULL.
 * *ok (when given) says whether there was nothing to report: the block's
 * check does not depend on env, so the next environment need not repeat
 * it (override_named). */
static const Node *override_for(Ctx *c, const Node *ov, const char *env,
                                const char *const *forbidden, bool *ok)
{
    const Node *found = NULL;
    bool said = false;
    if (!ov)
        return NULL;
    for (int i = 0; i < ov->n; i++) {
        const NodePair *p = &ov->pairs[i];
        Str key = {p->key->str, p->key->loc};
        if (!model_env(c->m->platform, key.s)) {
            unknown_ref(c, &key, "environment", c->env_names,
                        "under 'environments:' in the platform file");
            said = true;
            continue;
        }
        if (p->val->kind != NODE_MAP) {
            said = true;
            Diag *d = diag_error(c->ds, p->val->loc, "type-mismatch",
                                 "the override for '%s' must be a map",
                                 key.s);
            diag_help(c->ds, d, "write the keys to change, indented below "
                                "'%s:'",
                                key.s);
            continue;
        }
        said = fixed_keys(c, p->val, forbidden) || said;
        if (key.s == env || strcmp(key.s, env) == 0)
            found = p->val;
    }
    if (ok)
        *ok = !said;
    return found;
}

static const char *const svc_fixed[] = {"service", "environments",
                                        "single-environment", NULL};
static const char *const store_fixed[] = {"environments", NULL};

/* ---- references ---- */

static void check_service_refs(Ctx *c, const Service *s)
{
    const Platform *p = c->m->platform;
    if (s->team.s && !model_team(p, s->team.s))
        unknown_ref(c, &s->team, "team", c->team_names,
                    "under 'teams:' in the platform file");
    for (int i = 0; i < s->depends_on.n; i++) {
        const Str *dep = &s->depends_on.v[i];
        if (!model_service(c->m, dep->s)) {
            unknown_ref(c, dep, "service", c->svc_names,
                        "in its own file with 'service: NAME'");
        } else if (strcmp(dep->s, s->name.s) == 0) {
            diag_error(c->ds, dep->loc, "invalid-value",
                       "service '%s' depends on itself", s->name.s);
        }
    }
    for (int i = 0; i < s->stores.n; i++) {
        const StoreUse *u = s->stores.v[i];
        if (u->store.s && !model_store(p, u->store.s))
            unknown_ref(c, &u->store, "store", c->store_names,
                        "under 'stores:' in the platform file");
    }
    for (int i = 0; i < s->alerts.n; i++) {
        const Alert *al = s->alerts.v[i];
        if (al->notify.s && !model_team(p, al->notify.s))
            unknown_ref(c, &al->notify, "team", c->team_names,
                        "under 'teams:' in the platform file");
    }
    if (s->connector && s->connector->source.s &&
        !model_source(p, s->connector->source.s))
        unknown_ref(c, &s->connector->source, "source", c->source_names,
                    "under 'sources:' in the platform file");
    if (s->connector && s->kind.s && strcmp(s->kind.s, "connector") != 0)
        diag_help(c->ds,
                  diag_error(c->ds, s->connector->loc, "invalid-value",
                             "only a service of kind 'connector' may have "
                             "a 'connector' block"),
                  "set 'kind: connector' or remove the block");
    if (s->kind.s && strcmp(s->kind.s, "connector") == 0 && !s->connector)
        diag_help(c->ds,
                  diag_error(c->ds, s->kind.loc, "missing-key",
                             "connector '%s' does not say which source it "
                             "connects to",
                             s->name.s),
                  "add 'connector:' with 'source:' and 'handles:'");
}

/* Does instance inst refer to exactly what s does (the override left
 * every part check_service_refs reads alone, so they are shared)?  Then
 * checking it says what checking s says, at the same places. */
static bool same_refs(const Service *inst, const Service *s)
{
    return inst->team.s == s->team.s && inst->kind.s == s->kind.s &&
           inst->depends_on.v == s->depends_on.v &&
           inst->depends_on.n == s->depends_on.n &&
           inst->stores.v == s->stores.v && inst->stores.n == s->stores.n &&
           inst->alerts.v == s->alerts.v && inst->alerts.n == s->alerts.n &&
           inst->connector == s->connector && inst->name.s == s->name.s;
}

/* The instance s's override ov made (model_docs.c), its diagnostics
 * reported now that it is used. */
static Service *override_service(Ctx *c, const Service *s, const Node *ov)
{
    for (int i = 0; i < s->nper_env; i++) {
        const EnvOverride *eo = &s->per_env[i];
        if (eo->ov != ov)
            continue;
        for (int k = 0; k < eo->ndiags; k++)
            diag_adopt(c->ds, eo->diags[k]);
        return eo->inst;
    }
    return NULL; /* not reached: every map override was decoded */
}

/* Service s, the i-th, for environment e; NULL when it is not deployed
 * there.  The environments that share s as declared, or an instance whose
 * references are s's (same_refs: an override of its scaling), would check
 * them again: once they all resolved, another pass could only repeat what
 * was said (identical diagnostics are recorded once), so it is skipped;
 * an unknown reference is looked at again (its cascade note and
 * suggestion budget count each look). */
static Service *resolve_service(Ctx *c, Service *s, int i, const EnvModel *e)
{
    const char *env = e->env->name.s;
    const Node *ov = c->ov_ok[i]
                         ? override_named(s->overrides, env)
                         : override_for(c, s->overrides, env, svc_fixed,
                                        &c->ov_ok[i]);
    if (s->single_environment && s->single_environment->environment.s &&
        strcmp(s->single_environment->environment.s, env) != 0)
        return NULL;
    /* without an override, the service as declared: nothing of it
     * differs per environment (a route's full name is route_fqdn's) */
    Service *inst = s;
    if (ov) {
        inst = override_service(c, s, ov);
        if (!inst)
            return NULL;
        inst->overrides = s->overrides;
        inst->env = e->env;
    }
    bool as_declared = inst == s || same_refs(inst, s);
    if (!as_declared || !c->refs_ok[i]) {
        long before = c->nunknown;
        check_service_refs(c, inst);
        if (as_declared)
            c->refs_ok[i] = c->nunknown == before;
    }
    return inst;
}

static Store *resolve_store(Ctx *c, const Store *s, const Node *node,
                            const EnvModel *e)
{
    const char *env = e->env->name.s;
    const Node *ov = override_for(c, s->overrides, env, store_fixed, NULL);
    const Node *merged = ov ? node_merge(c->tmp, node, ov) : node;
    Store *inst = schema_decode(c->a, c->ds, &schema_store, merged);
    if (!inst)
        return NULL;
    inst->name = s->name;
    inst->node = node;
    inst->env = e->env;
    if (!inst->region.s)
        inst->region = e->env->region;
    if (!inst->resource_name.s)
        inst->resource_name = (Str){
            arena_printf(c->a, "%s-%s-%s", c->m->platform->name.s, env,
                         s->name.s),
            s->name.loc};
    return inst;
}

/* Does e deploy every service of m, each under its name (an instance
 * keeps its base's unless an override renames it, which is an error)? */
static bool same_names(const EnvModel *e, const Model *m)
{
    if (e->nservices != m->nservices)
        return false;
    for (int i = 0; i < e->nservices; i++)
        if (e->services[i]->name.s != m->services[i]->name.s)
            return false;
    return true;
}

static void resolve_env(Ctx *c, EnvModel *e, const Node *stores_node)
{
    const Platform *p = c->m->platform;
    e->services = arena_alloc(c->a, ((size_t)c->m->nservices + 1) *
                                        sizeof *e->services);
    for (int i = 0; i < c->m->nservices; i++) {
        Service *inst = resolve_service(c, c->m->services[i], i, e);
        if (inst)
            e->services[e->nservices++] = inst; /* stays sorted */
    }
    if (same_names(e, c->m)) /* the model's index says where each is */
        e->by_name = c->m->by_name;
    else
        name_index_build(c->a, &e->by_name, e->services, e->nservices);
    e->stores = arena_alloc(c->a, ((size_t)p->stores.n + 1) *
                                      sizeof *e->stores);
    for (int i = 0; i < p->stores.n; i++) {
        const Store *s = p->stores.v[i];
        const Node *node = node_get(stores_node, s->name.s);
        Store *inst = node ? resolve_store(c, s, node, e) : NULL;
        if (inst)
            e->stores[e->nstores++] = inst;
    }
    qsort(e->stores, (size_t)e->nstores, sizeof *e->stores, store_cmp);
}

static void check_single_env(Ctx *c, const Service *s)
{
    const SingleEnv *se = s->single_environment;
    if (se && se->environment.s && !model_env(c->m->platform,
                                              se->environment.s))
        unknown_ref(c, &se->environment, "environment", c->env_names,
                    "under 'environments:' in the platform file");
}

/* The plan's defaults depend on the environment (schema.h), so they are
 * filled here rather than by the decoder's fixed defaults. */
static void plan_defaults(Arena *a, Diags *ds, Environment *e)
{
    if (!e->plan) {
        e->plan = arena_alloc(a, sizeof *e->plan);
        e->plan->loc = e->loc;
    }
    Plan *pl = e->plan;
    Loc at = pl->loc;
    at.len = 0; /* a default, as the decoder marks them */
    if (!pl->sku.s)
        pl->sku = (Str){schema_plan_default_sku(e->name.s), at};
    if (pl->instances.loc.set && !pl->shared.v) { /* never silently dropped */
        Diag *d = diag_error(ds, pl->instances.loc, "invalid-value",
                             "'instances' sizes a shared plan, but %s's "
                             "services each have their own",
                             e->name.s);
        diag_help(ds, d, "remove 'instances' (each service's plan runs its "
                         "scaling.min), or set 'shared: true'");
    }
    if (!pl->instances.loc.set) {
        pl->instances = (Int){schema_plan_default_instances(e->name.s), at};
        pl->instances.loc.set = 1;
    }
}

/* What the checks read of the documents once the model is built: each
 * service's and store's overrides (whether a finding lies in one, and
 * so in which environment: check.c).  The services' were copied when
 * taken (model_docs.c), the stores' are copied here, so that nothing in
 * the model points into the documents and load_free_trees can free the
 * platform's too. */
static void detach_documents(Ctx *c)
{
    Model *m = c->m;
    Platform *p = m->platform;
    for (int i = 0; i < m->nservices; i++) { /* overrides: copied when taken */
        m->services[i]->per_env = NULL;
        m->services[i]->nper_env = 0;
    }
    for (int i = 0; i < p->stores.n; i++) {
        Store *s = p->stores.v[i];
        s->overrides = node_copy(c->a, s->overrides);
        s->node = NULL;
    }
    for (int k = 0; k < m->nenvs; k++) {
        EnvModel *e = &m->envs[k];
        for (int i = 0; i < e->nservices; i++) { /* overrides: its base's,
                                                     set by resolve_service */
            e->services[i]->per_env = NULL;
            e->services[i]->nper_env = 0;
        }
        for (int i = 0; i < e->nstores; i++) {
            const Store *base = model_store(p, e->stores[i]->name.s);
            e->stores[i]->overrides = base ? base->overrides : NULL;
            e->stores[i]->node = NULL;
        }
    }
}

static Model *build(ModelDocs *md, const Inputs *in)
{
    Arena *a = md->a;
    Model *m = md->m;
    Ctx c = {.a = a, .tmp = &md->scratch, .ds = md->ds, .m = m,
             .suggest_budget = SUGGEST_BUDGET, .in = in,
             .scan_budget = SCAN_BUDGET};
    Diags *ds = c.ds;
    const Node *pnode = md->platform;
    int nsvcs = md->nsvcs;
    Service **snodes = md->svcs;
    if (!pnode && in->nbroken > 0)
        return NULL; /* the platform file may be the one that broke */
    if (!pnode) {
        Loc first = in->ndocs ? in->docs[0].root->loc : (Loc){0};
        Loc at = loc_src(first) ? loc_offset(loc_src(first), 0, first.len)
                                : first; /* the file's start */
        Diag *d = diag_error(ds, at, "no-platform",
                             "no platform document among the spec files");
        diag_help(ds, d, "add platform.yaml starting with 'platform: NAME' "
                         "(see specs/README.md)");
        return NULL;
    }
    m->platform = schema_decode(a, ds, &schema_platform, pnode);
    if (!m->platform)
        return NULL;
    Platform *p = m->platform;
    for (int i = 0; i < p->environments.n; i++) {
        Environment *e = p->environments.v[i];
        e->index = i;
        plan_defaults(a, ds, e);
    }
    sort_named(&p->teams);
    sort_named(&p->sources);
    sort_named(&p->stores);
    c.env_names = names_of(&c, &p->environments);
    c.team_names = names_of(&c, &p->teams);
    c.source_names = names_of(&c, &p->sources);
    c.store_names = names_of(&c, &p->stores);

    Service **svcs = arena_alloc(a, ((size_t)nsvcs + 1) * sizeof *svcs);
    if (nsvcs) /* snodes is NULL when no service was taken */
        memcpy(svcs, snodes, (size_t)nsvcs * sizeof *svcs);
    index_services(&c, svcs, nsvcs);
    c.refs_ok = arena_alloc(a, (size_t)m->nservices + 1);
    c.ov_ok = arena_alloc(a, (size_t)m->nservices + 1);
    for (int i = 0; i < m->nservices; i++)
        check_single_env(&c, m->services[i]);

    const Node *stores_node = node_get(pnode, "stores");
    for (int i = 0; i < p->stores.n; i++) {
        Store *s = p->stores.v[i];
        s->node = node_get(stores_node, s->name.s);
    }
    m->nenvs = p->environments.n;
    m->envs = arena_alloc(a, ((size_t)m->nenvs + 1) * sizeof *m->envs);
    for (int i = 0; i < m->nenvs; i++) {
        m->envs[i].env = p->environments.v[i];
        resolve_env(&c, &m->envs[i], stores_node);
    }
    note_unchecked(&c);
    detach_documents(&c);
    return m;
}

Model *model_build_from(ModelDocs *md, const Inputs *in)
{
    Model *m = build(md, in);
    model_docs_free(md); /* nothing in the model points there */
    return m;
}

Model *model_build(Arena *a, Diags *ds, const Inputs *in)
{
    ModelDocs *md = model_docs_new(a, ds);
    model_docs_take(md, in->docs, in->ndocs);
    return model_build_from(md, in);
}
