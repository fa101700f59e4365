/* model_docs.c - stage 2, first half: the documents, one file at a time.
 *
 * The loader hands each file's documents over as soon as it has parsed
 * them (load_inputs' sink), so that their nodes can be freed before the
 * next file is read: at 10,000 services the trees were 40 MB beside a
 * model that no longer needs them.  Each document is classified (a
 * service, the platform, waivers, or an error); a service is decoded at
 * once, with the instance each of its overrides makes (decoded over it
 * while the document's nodes are alive), and keeps its overrides, copied,
 * for the checks.  The platform document's file is kept whole (its stores
 * are resolved from nodes).
 */
#include "topoc/schema.h"

#include "model_docs.h"

#include <string.h>

ModelDocs *model_docs_new(Arena *a, Diags *ds)
{
    ModelDocs *md = arena_alloc(a, sizeof *md);
    md->a = a;
    md->ds = ds;
    md->m = arena_alloc(a, sizeof *md->m);
    arena_init(&md->scratch);
    arena_init(&md->merged);
    return md;
}

void model_docs_free(ModelDocs *md)
{
    if (md) {
        arena_free(&md->scratch);
        arena_free(&md->merged);
    }
}

void service_defaults(Service *s)
{
    if (!s->group.s)
        s->group = (Str){s->kind.s, s->kind.loc};
    for (int i = 0; i < s->alerts.n; i++) {
        Alert *al = s->alerts.v[i];
        if (!al->notify.s)
            al->notify = s->team;
    }
}

const Node *node_merge(Arena *a, const Node *base, const Node *over)
{
    if (base->kind != NODE_MAP || over->kind != NODE_MAP)
        return over;
    Node *m = arena_alloc(a, sizeof *m);
    *m = *base;
    m->pairs = arena_alloc(a, ((size_t)base->n + (size_t)over->n) *
                                  sizeof *m->pairs);
    m->n = 0;
    for (int i = 0; i < base->n; i++) {
        const Node *ov = node_get(over, base->pairs[i].key->str);
        m->pairs[m->n].key = base->pairs[i].key;
        m->pairs[m->n++].val =
            (Node *)(ov ? node_merge(a, base->pairs[i].val, ov)
                        : base->pairs[i].val);
    }
    for (int i = 0; i < over->n; i++)
        if (!node_get(base, over->pairs[i].key->str))
            m->pairs[m->n++] = over->pairs[i];
    return m;
}

/* Is x the very value y (a default copied from it), not text equal to
 * it written elsewhere? */
static bool same_str(const Str *x, const Str *y)
{
    return x->s == y->s && loc_same(x->loc, y->loc);
}

/* An instance decoded over its base shares the base's alerts when the
 * override leaves them alone; if it names another team, the alerts that
 * notify the owning team by default must notify that one. */
static void own_alerts(Arena *a, Service *inst, const Service *s)
{
    void **v = arena_alloc(a, ((size_t)inst->alerts.n + 1) * sizeof *v);
    for (int i = 0; i < inst->alerts.n; i++) {
        Alert *al = arena_alloc(a, sizeof *al);
        *al = *(const Alert *)inst->alerts.v[i];
        if (same_str(&al->notify, &s->team))
            al->notify = (Str){0}; /* the base's default: set again */
        v[i] = al;
    }
    inst->alerts.v = v;
}

/* The service for an environment that overrides some of its keys: only
 * the keys the override reaches are decoded again (schema_decode_over);
 * defaults that depend on other keys are worked out again.  NULL when
 * the merged document does not decode to a service. */
static Service *override_service(ModelDocs *md, Diags *ds, const Service *s,
                                 const Node *root, const Node *ov)
{
    Arena *a = md->a;
    const Node *merged = node_merge(&md->merged, root, ov); /* read once */
    Service *inst = schema_decode_over(a, ds, &schema_service, merged, root,
                                       s);
    bool group = node_get(merged, "group") != NULL;
    arena_reset(&md->merged);
    if (!inst || !inst->name.s)
        return NULL;
    if (same_str(&s->group, &s->kind) && !group)
        inst->group = (Str){0}; /* the base's default: the kind, which the
                                   override may set */
    if (inst->alerts.v == s->alerts.v && inst->team.s != s->team.s)
        own_alerts(a, inst, s);
    service_defaults(inst);
    return inst;
}

/* Each override that is a map, decoded over the base into its instance,
 * with the diagnostics it makes kept aside (EnvOverride).  Whether the
 * override's environment exists and the rest of what override_for
 * (resolve.c) reports is left to resolution, which knows the platform. */
static void decode_overrides(ModelDocs *md, Service *s, const Node *root)
{
    const Node *ovs = s->overrides;
    if (!ovs || ovs->kind != NODE_MAP || root->kind != NODE_MAP)
        return;
    EnvOverride *v = arena_alloc(md->a, ((size_t)ovs->n + 1) * sizeof *v);
    int n = 0;
    for (int i = 0; i < ovs->n; i++) {
        const Node *ov = ovs->pairs[i].val;
        if (ov->kind != NODE_MAP)
            continue;
        Diags aside;
        diags_init(&aside, md->a);
        v[n] = (EnvOverride){.ov = ov};
        v[n].inst = override_service(md, &aside, s, root, ov);
        if (aside.n) {
            v[n].diags = arena_alloc(md->a, (size_t)aside.n *
                                                sizeof *v[n].diags);
            memcpy(v[n].diags, aside.v, (size_t)aside.n * sizeof *aside.v);
            v[n].ndiags = aside.n;
        }
        diags_free(&aside);
        n++;
    }
    s->per_env = v;
    s->nper_env = n;
}

static void take_service(ModelDocs *md, const Node *root)
{
    Service *s = schema_decode(md->a, md->ds, &schema_service, root);
    if (!s || !s->name.s)
        return;
    s->overrides = node_copy(md->a, s->overrides);
    service_defaults(s);
    decode_overrides(md, s, root);
    if (md->nsvcs == md->cap) {
        int nc = md->cap ? md->cap * 2 : 64;
        md->svcs = arena_grow(md->a, md->svcs, (size_t)md->nsvcs,
                              (size_t)nc, sizeof *md->svcs);
        md->cap = nc;
    }
    md->svcs[md->nsvcs++] = s;
}

static void add_waivers(ModelDocs *md, const Node *root)
{
    WaiverDoc *w = schema_decode(md->a, md->ds, &schema_waivers, root);
    if (!w)
        return;
    List *all = &md->m->waivers;
    all->v = arena_grow(md->a, all->v, (size_t)all->n,
                        (size_t)(all->n + w->waivers.n), sizeof *all->v);
    for (int i = 0; i < w->waivers.n; i++)
        all->v[all->n++] = w->waivers.v[i];
}

static void unknown_document(ModelDocs *md, const Node *root)
{
    if (root->kind != NODE_MAP) {
        Diag *d = diag_error(md->ds, root->loc, "unknown-document",
                             "a spec document must be a map, found %s",
                             node_kind_name(root->kind));
        diag_help(md->ds, d, "start with 'service: NAME' or "
                             "'platform: NAME'");
        return;
    }
    Diag *d = diag_error(md->ds, root->loc, "unknown-document",
                         "document is neither a service, the platform nor "
                         "waivers");
    static const char *const kinds[] = {"service", "platform", "waivers"};
    if (root->n > 0)
        diag_suggest(md->ds, d, root->pairs[0].key->str, kinds, 3);
    diag_help(md->ds, d, "a service file starts with 'service: NAME', the "
                         "platform file with 'platform: NAME'");
}

/* One document; returns true when its nodes must be kept. */
static bool take_one(ModelDocs *md, const Node *root)
{
    if (root->kind == NODE_MAP && node_get(root, "service")) {
        take_service(md, root);
        return false;
    }
    if (root->kind == NODE_MAP && node_get(root, "waivers")) {
        add_waivers(md, root);
        return false;
    }
    if (root->kind != NODE_MAP || !node_get(root, "platform")) {
        unknown_document(md, root);
        return false;
    }
    if (md->platform) {
        Diag *d = diag_error(md->ds, node_get(root, "platform")->loc,
                             "duplicate-platform",
                             "a second platform document");
        diag_note(md->ds, d, node_get(md->platform, "platform")->loc,
                  "the platform is first described here");
        diag_help(md->ds, d, "a spec has one platform document; compile "
                             "each platform separately");
        return false;
    }
    md->platform = root;
    return true;
}

/* What a document still says once its nodes are freed: its kind, the
 * service key and name (main.c's summary counts the services read when
 * there is no model). */
static Node *stub(Arena *a, const Node *root)
{
    Node *s = arena_alloc(a, sizeof *s);
    *s = *root;
    s->n = 0;
    s->pairs = NULL;
    const Node *key = NULL;
    for (int i = 0; root->kind == NODE_MAP && i < root->n && !key; i++)
        if (!strcmp(root->pairs[i].key->str, "service"))
            key = root->pairs[i].key;
    if (key) {
        s->pairs = arena_alloc(a, sizeof *s->pairs);
        s->pairs[0].key = node_copy(a, key);
        s->pairs[0].val = arena_alloc(a, sizeof *s->pairs[0].val);
        s->pairs[0].val->kind = NODE_NULL;
        s->pairs[0].val->loc = key->loc;
        s->pairs[0].val->str = "";
        s->n = 1;
    }
    return s;
}

bool model_docs_take(ModelDocs *md, const Document *docs, int n)
{
    bool keep = false;
    for (int i = 0; i < n; i++)
        keep = take_one(md, docs[i].root) || keep;
    return keep;
}

bool model_docs_sink(void *md, Document *docs, int n)
{
    if (model_docs_take(md, docs, n))
        return false;
    for (int i = 0; i < n; i++)
        docs[i].root = stub(((ModelDocs *)md)->a, docs[i].root);
    return true;
}
