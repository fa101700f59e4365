/* model_docs.c - stage 2, first half: the documents, one file at a time.
 *
 * The loader hands each file's documents over as soon as it has parsed
 * them (load_inputs' sink), so that their nodes can be freed before the
 * next file is read: at 10,000 services the trees were 40 MB beside a
 * model that no longer needs them.  Each document is classified (a
 * service, the platform, waivers, or an error); a service is decoded at
 * once and keeps, copied, only what resolution reads later (resolve.c):
 * its overrides and the parts of the document they reach.  The platform
 * document's file is kept whole (its stores are resolved from nodes).
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
    return md;
}

void model_docs_free(ModelDocs *md)
{
    if (md)
        arena_free(&md->scratch);
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

/* Does some environment's override name key? */
static bool reached(const Node *overrides, const char *key)
{
    for (int i = 0; i < overrides->n; i++) {
        const Node *ov = overrides->pairs[i].val;
        if (ov->kind == NODE_MAP && node_get(ov, key))
            return true;
    }
    return false;
}

/* What resolution reads of a service's document besides its overrides:
 * the first pair (what it is and its name, for messages) and the pairs an
 * override reaches (merged with it, then decoded: schema_decode_over),
 * copied in file order.  Every other key is taken from the decoded base
 * as it is.  NULL when the service has no overrides. */
static const Node *skeleton(Arena *a, const Node *root,
                            const Node *overrides)
{
    if (!overrides || overrides->kind != NODE_MAP)
        return NULL;
    /* the pairs kept, then copied in one piece: what aliases share stays
     * shared in the copy */
    Node k = *root;
    k.pairs = arena_alloc(a, (size_t)root->n * sizeof *k.pairs);
    k.n = 0;
    for (int i = 0; i < root->n; i++)
        if (i == 0 || reached(overrides, root->pairs[i].key->str))
            k.pairs[k.n++] = root->pairs[i];
    return node_copy(a, &k);
}

static void take_service(ModelDocs *md, const Node *root)
{
    Service *s = schema_decode(md->a, md->ds, &schema_service, root);
    if (!s || !s->name.s)
        return;
    s->overrides = node_copy(md->a, s->overrides);
    s->node = skeleton(&md->scratch, root, s->overrides);
    service_defaults(s);
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
