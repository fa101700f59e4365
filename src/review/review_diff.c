/* review_diff.c - `topoc diff OLD NEW`: what a change to the spec changes,
 * per environment, as a list a reviewer reads (not a text diff).
 *
 * The two resolved models are compared field by field through the schema
 * tables (the same tables that decode them), so every key of the language
 * is covered without a list to keep in step.  List entries are matched by
 * their natural key (an alert or rate limit by name, a store use by store,
 * a scale rule by metric), so reordering a list is no change.  Each change
 * gets a class: services, routes, traffic, waf, rate-limits, scaling,
 * alerts, dependencies, store-uses, platform, findings, files.
 *
 * Traffic moves come from the routing analysis: for a path each route of
 * either side matches (route_witness), the old and the new routing tables
 * are asked which route takes it, per method; a different service is a
 * move, and that METHOD URL is its witness.
 *
 * The changes are collected as one JSON tree (the JSON format); text and
 * Markdown are rendered from it (review_diff_out.c).  Order is the
 * environments' order, then the tables' order: deterministic.
 */
#include "topoc/json.h"
#include "topoc/review.h"
#include "topoc/schema.h"
#include "topoc/util.h"

#include "review_diff.h"
#include "review_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the item list ---- */

static void item(Diff *d, const char *cls, const char *change,
                 const char *subject, const char *detail, JsonVal *extra)
{
    JsonVal *o = extra ? extra : jv_obj();
    jv_set(o, "class", jv_str(cls));
    jv_set(o, "change", jv_str(change));
    jv_set(o, "subject", jv_str(subject));
    if (detail && *detail)
        jv_set(o, "detail", jv_str(detail));
    jv_push(d->items, o);
}

/* ---- values as text ---- */

static bool scalar_type(FieldType t)
{
    return t != F_STRLIST && t != F_OBJ && t != F_LIST && t != F_MAP &&
           t != F_KV && t != F_OVERRIDES;
}

static const char *scalar_text(Arena *a, const Field *f, const void *obj)
{
    const void *slot = (const char *)obj + f->off;
    switch (f->type) {
    case F_INT:
    case F_BYTES:
    case F_DURATION:
    case F_CPU: {
        const Int *v = slot;
        return v->loc.set ? arena_printf(a, "%lld", v->v) : NULL;
    }
    case F_BOOL: {
        const Bool *v = slot;
        return v->loc.set ? (v->v ? "true" : "false") : NULL;
    }
    default:
        return ((const Str *)slot)->s;
    }
}

/* The key of a list entry: a route by host and path, anything else by
 * its first field. */
static const char *entry_key(Arena *a, const Schema *s, const void *obj)
{
    const Field *path = schema_field(s, "path"), *host = schema_field(s,
                                                                       "host");
    if (path && host && path->type == F_PATH)
        return arena_printf(a, "%s%s", scalar_text(a, host, obj),
                            scalar_text(a, path, obj));
    const char *k = scalar_type(s->fields[0].type)
                        ? scalar_text(a, &s->fields[0], obj)
                        : NULL;
    return k ? k : "?";
}

/* ---- the struct walker ---- */

typedef void Sink(Diff *d, const char *path, const char *change,
                  const char *old, const char *new, void *ctx);

typedef struct Walk {
    Diff *d;
    Sink *sink;
    void *ctx;
    const char *const *skip; /* top-level keys to leave out */
} Walk;

static void walk_obj(Walk *w, const Schema *s, const void *a, const void *b,
                     const char *path, int depth);

static bool skipped(const Walk *w, const char *key, int depth)
{
    for (const char *const *k = w->skip; depth == 0 && k && *k; k++)
        if (strcmp(*k, key) == 0)
            return true;
    return false;
}

/* Occurrences of s among l's first n entries. */
static int strlist_count(const StrList *l, const char *s, int n)
{
    int c = 0;
    for (int i = 0; i < n; i++)
        c += streq(l->v[i].s, s);
    return c;
}

/* As multisets: [a, a] -> [a] removes one a. */
static void walk_strlist(Walk *w, const StrList *a, const StrList *b,
                         const char *path)
{
    for (int i = 0; i < a->n; i++)
        if (strlist_count(a, a->v[i].s, i + 1) >
            strlist_count(b, a->v[i].s, b->n))
            w->sink(w->d, path, "removed", a->v[i].s, NULL, w->ctx);
    for (int i = 0; i < b->n; i++)
        if (strlist_count(b, b->v[i].s, i + 1) >
            strlist_count(a, b->v[i].s, a->n))
            w->sink(w->d, path, "added", NULL, b->v[i].s, w->ctx);
}

/* ---- pairing the entries of two lists by a key that may repeat ----
 *
 * Two routes may share host and path (one per method), two scale rules a
 * metric: pairing the first of a key with the first found would pair
 * different entries and report changes between identical specs.  So among
 * the entries of one key, those equal in every field are paired first,
 * then the rest in order; what is left was added or removed.  Sorted by
 * key, so a large list costs n log n and a key's group is small. */

static const char **sort_keys;

static int by_key(const void *x, const void *y)
{
    int i = *(const int *)x, k = *(const int *)y;
    int c = strcmp(sort_keys[i], sort_keys[k]);
    return c ? c : (i > k) - (i < k);
}

static int *sorted(const char **keys, int n)
{
    int *ix = malloc(((size_t)n + 1) * sizeof *ix);
    for (int i = 0; i < n; i++)
        ix[i] = i;
    sort_keys = keys;
    qsort(ix, (size_t)n, sizeof *ix, by_key);
    return ix;
}

/* Within one key's group: equal entries first, then the rest in order. */
static void pair_group(Pairing *p, const int *ga, int na, const int *gb,
                       int nb)
{
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < na; i++)
            for (int k = 0; k < nb && p->pa[ga[i]] < 0; k++)
                if (p->pb[gb[k]] < 0 &&
                    (pass || !p->same || p->same(p->ctx, ga[i], gb[k])))
                    p->pa[ga[i]] = gb[k], p->pb[gb[k]] = ga[i];
}

void pairing_clear(Pairing *p)
{
    for (int i = 0; i < p->na; i++)
        p->pa[i] = -1;
    for (int k = 0; k < p->nb; k++)
        p->pb[k] = -1;
}

void pair_entries(Pairing *p)
{
    int *ia = sorted(p->ka, p->na), *ib = sorted(p->kb, p->nb);
    for (int i = 0, k = 0; i < p->na && k < p->nb;) {
        int c = strcmp(p->ka[ia[i]], p->kb[ib[k]]);
        if (c) {
            c < 0 ? i++ : k++;
            continue;
        }
        int ei = i, ek = k;
        while (ei < p->na && !strcmp(p->ka[ia[ei]], p->ka[ia[i]]))
            ei++;
        while (ek < p->nb && !strcmp(p->kb[ib[ek]], p->ka[ia[i]]))
            ek++;
        pair_group(p, ia + i, ei - i, ib + k, ek - k);
        i = ei, k = ek;
    }
    free(ia);
    free(ib);
}

/* How many entries of keys share keys[i]'s key, and which of them i is. */
static int nth_of_key(const char **keys, int n, int i, int *count)
{
    int nth = 0;
    *count = 0;
    for (int k = 0; k < n; k++)
        if (!strcmp(keys[k], keys[i]))
            nth += k <= i, ++*count;
    return nth;
}

/* "path[key]", or "path[key #2]" where the key repeats in its list. */
static const char *entry_path(Arena *ar, const char *path, const char **keys,
                              int n, int i)
{
    int count, nth = nth_of_key(keys, n, i, &count);
    return count > 1 ? arena_printf(ar, "%s[%s #%d]", path, keys[i], nth)
                     : arena_printf(ar, "%s[%s]", path, keys[i]);
}

static void count_sink(Diff *d, const char *path, const char *change,
                       const char *old, const char *new, void *ctx)
{
    (void)d, (void)path, (void)change, (void)old, (void)new;
    ++*(int *)ctx;
}

/* Whether a and b, of schema s, differ in no field. */
static bool same_obj(Diff *d, const Schema *s, const void *a, const void *b)
{
    int n = 0;
    Walk w = {d, count_sink, &n, NULL};
    walk_obj(&w, s, a, b, "", 1);
    return n == 0;
}

typedef struct ListCtx {
    Diff *d;
    const Schema *s;
    const List *a, *b;
} ListCtx;

static bool same_entry(void *ctx, int i, int k)
{
    const ListCtx *c = ctx;
    return same_obj(c->d, c->s, c->a->v[i], c->b->v[k]);
}

static void walk_list(Walk *w, const Schema *s, const List *a, const List *b,
                      const char *path, int depth)
{
    Arena *ar = w->d->a;
    ListCtx lc = {w->d, s, a, b};
    Pairing p = {arena_alloc(ar, ((size_t)a->n + 1) * sizeof(char *)),
                 arena_alloc(ar, ((size_t)b->n + 1) * sizeof(char *)),
                 a->n, b->n, same_entry, &lc,
                 arena_alloc(ar, ((size_t)a->n + 1) * sizeof(int)),
                 arena_alloc(ar, ((size_t)b->n + 1) * sizeof(int))};
    for (int i = 0; i < a->n; i++)
        p.ka[i] = entry_key(ar, s, a->v[i]);
    for (int k = 0; k < b->n; k++)
        p.kb[k] = entry_key(ar, s, b->v[k]);
    pairing_clear(&p);
    pair_entries(&p);
    for (int i = 0; i < a->n; i++) {
        const char *e = entry_path(ar, path, p.ka, a->n, i);
        if (p.pa[i] < 0)
            w->sink(w->d, e, "removed", p.ka[i], NULL, w->ctx);
        else
            walk_obj(w, s, a->v[i], b->v[p.pa[i]], e, depth + 1);
    }
    for (int k = 0; k < b->n; k++)
        if (p.pb[k] < 0)
            w->sink(w->d, entry_path(ar, path, p.kb, b->n, k), "added",
                    NULL, p.kb[k], w->ctx);
}

static const char *kv_get(const List *l, const char *key)
{
    for (int i = 0; i < l->n; i++) {
        const KeyVal *kv = l->v[i];
        if (streq(kv->key.s, key))
            return kv->value.s;
    }
    return NULL;
}

static void walk_kv(Walk *w, const List *a, const List *b, const char *path)
{
    Arena *ar = w->d->a;
    for (int i = 0; i < a->n; i++) {
        const KeyVal *kv = a->v[i];
        const char *nv = kv_get(b, kv->key.s);
        const char *p = arena_printf(ar, "%s.%s", path, kv->key.s);
        if (!streq(nv, kv->value.s))
            w->sink(w->d, p, nv ? "changed" : "removed", kv->value.s, nv,
                    w->ctx);
    }
    for (int i = 0; i < b->n; i++) {
        const KeyVal *kv = b->v[i];
        if (!kv_get(a, kv->key.s))
            w->sink(w->d, arena_printf(ar, "%s.%s", path, kv->key.s),
                    "added", NULL, kv->value.s, w->ctx);
    }
}

static void walk_field(Walk *w, const Field *f, const void *a, const void *b,
                       const char *path, int depth)
{
    const void *sa = (const char *)a + f->off, *sb = (const char *)b + f->off;
    switch (f->type) {
    case F_STRLIST:
        walk_strlist(w, sa, sb, path);
        break;
    case F_OBJ: {
        const void *pa = *(const void *const *)sa;
        const void *pb = *(const void *const *)sb;
        if (pa && pb)
            walk_obj(w, f->sub, pa, pb, path, depth + 1);
        else if (pa || pb)
            w->sink(w->d, path, pa ? "removed" : "added", NULL, NULL, w->ctx);
        break;
    }
    case F_LIST:
    case F_MAP:
        walk_list(w, f->sub, sa, sb, path, depth);
        break;
    case F_KV:
        walk_kv(w, sa, sb, path);
        break;
    case F_OVERRIDES:
        break; /* already applied to the resolved instances */
    default: {
        const char *x = scalar_text(w->d->a, f, a);
        const char *y = scalar_text(w->d->a, f, b);
        if (!streq(x, y))
            w->sink(w->d, path, "changed", x, y, w->ctx);
    }
    }
}

static void walk_obj(Walk *w, const Schema *s, const void *a, const void *b,
                     const char *path, int depth)
{
    for (int i = 0; i < s->nfields; i++) {
        const Field *f = &s->fields[i];
        if ((f->flags & FL_COMPUTED) || (f->flags & FL_KEY) ||
            skipped(w, f->key, depth))
            continue;
        const char *p =
            *path ? arena_printf(w->d->a, "%s.%s", path, f->key) : f->key;
        walk_field(w, f, a, b, p, depth);
    }
}

/* What changed at path, without the change's verb (the item's own column
 * says it): "path: old -> new", "path: value", "path" for a list entry. */
static const char *change_text(Arena *a, const char *path, const char *change,
                               const char *old, const char *new)
{
    if (!strcmp(change, "changed"))
        return arena_printf(a, "%s: %s -> %s", path, old ? old : "(unset)",
                            new ? new : "(unset)");
    const char *v = old ? old : new;
    if (v && !strchr(path, '['))
        return arena_printf(a, "%s: %s", path, v);
    return path;
}

static JsonVal *change_json(const char *path, const char *old,
                            const char *new)
{
    JsonVal *o = jv_obj();
    jv_set(o, "path", jv_str(path));
    if (old)
        jv_set(o, "old", jv_str(old));
    if (new)
        jv_set(o, "new", jv_str(new));
    return o;
}

/* ---- services ---- */

typedef struct SvcCtx {
    const char *env, *service;
} SvcCtx;

static const char *service_class(const char *path)
{
    static const struct {
        const char *key, *cls;
    } classes[] = {{"scaling", "scaling"},       {"alerts", "alerts"},
                   {"depends-on", "dependencies"}, {"stores", "store-uses"},
                   {"egress", "dependencies"}};
    size_t n = strcspn(path, ".[");
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
        if (strlen(classes[i].key) == n && !strncmp(path, classes[i].key, n))
            return classes[i].cls;
    return "services";
}

static void service_sink(Diff *d, const char *path, const char *change,
                         const char *old, const char *new, void *ctx)
{
    const SvcCtx *sc = ctx;
    JsonVal *o = change_json(path, old, new);
    jv_set(o, "environment", jv_str(sc->env));
    jv_set(o, "service", jv_str(sc->service));
    item(d, service_class(path), change, sc->service,
         change_text(d->a, path, change, old, new), o);
}

static void diff_services(Diff *d, const EnvModel *a, const EnvModel *b)
{
    static const char *const skip[] = {"routes", NULL};
    const char *env = b->env->name.s;
    int i = 0, k = 0;
    while (i < a->nservices || k < b->nservices) {
        const Service *x = i < a->nservices ? a->services[i] : NULL;
        const Service *y = k < b->nservices ? b->services[k] : NULL;
        int c = !x ? 1 : !y ? -1 : strcmp(x->name.s, y->name.s);
        JsonVal *o = jv_obj();
        jv_set(o, "environment", jv_str(env));
        if (c < 0) {
            jv_set(o, "service", jv_str(x->name.s));
            item(d, "services", "removed", x->name.s, NULL, o);
            i++;
        } else if (c > 0) {
            jv_set(o, "service", jv_str(y->name.s));
            item(d, "services", "added", y->name.s, NULL, o);
            k++;
        } else {
            jv_free(o);
            SvcCtx sc = {env, y->name.s};
            Walk w = {d, service_sink, &sc, skip};
            walk_obj(&w, &schema_service, x, y, "", 0);
            i++, k++;
        }
    }
}

/* ---- the platform: WAF, rate limits, the rest ---- */

static void platform_sink(Diff *d, const char *path, const char *change,
                          const char *old, const char *new, void *ctx)
{
    (void)ctx;
    const char *cls = !strncmp(path, "edge.waf.rate-limits", 20)
                          ? "rate-limits"
                      : !strncmp(path, "edge.waf", 8) ? "waf"
                                                      : "platform";
    /* the subject is what changed: the platform has no other name */
    const char *v = old ? old : new;
    const char *detail =
        !strcmp(change, "changed")
            ? arena_printf(d->a, "%s -> %s", old ? old : "(unset)",
                           new ? new : "(unset)")
        : v && !strchr(path, '[') ? v
                                  : NULL;
    item(d, cls, change, path, detail, change_json(path, old, new));
}

static void store_sink(Diff *d, const char *path, const char *change,
                       const char *old, const char *new, void *ctx)
{
    const SvcCtx *sc = ctx;
    JsonVal *o = change_json(path, old, new);
    jv_set(o, "environment", jv_str(sc->env));
    item(d, "platform", change, sc->service,
         change_text(d->a, path, change, old, new), o);
}

static void store_item(Diff *d, const char *env, const char *change,
                       const char *name)
{
    JsonVal *o = jv_obj();
    jv_set(o, "environment", jv_str(env));
    jv_set(o, "store", jv_str(name));
    item(d, "platform", change, arena_printf(d->a, "store %s", name), NULL,
         o);
}

static void diff_stores(Diff *d, const EnvModel *a, const EnvModel *b)
{
    const char *env = b->env->name.s;
    for (int i = 0; i < b->nstores; i++) {
        const Store *y = b->stores[i], *x = NULL;
        for (int k = 0; k < a->nstores && !x; k++)
            if (streq(a->stores[k]->name.s, y->name.s))
                x = a->stores[k];
        if (!x) {
            store_item(d, env, "added", y->name.s);
            continue;
        }
        SvcCtx sc = {env, arena_printf(d->a, "store %s", y->name.s)};
        Walk w = {d, store_sink, &sc, NULL};
        walk_obj(&w, &schema_store, x, y, "", 0);
    }
    for (int k = 0; k < a->nstores; k++) {
        bool kept = false;
        for (int i = 0; i < b->nstores && !kept; i++)
            kept = streq(a->stores[k]->name.s, b->stores[i]->name.s);
        if (!kept)
            store_item(d, env, "removed", a->stores[k]->name.s);
    }
}

/* The platform document, but stores per environment (diff_stores). */
void diff_platform(Diff *d, const Model *a, const Model *b)
{
    static const char *const skip[] = {"stores", NULL};
    Walk w = {d, platform_sink, NULL, skip};
    walk_obj(&w, &schema_platform, a->platform, b->platform, "", 0);
}

/* ---- routes and traffic ---- */

static const char *route_subject(Arena *a, const RouteEntry *e)
{
    Strbuf m = STRBUF_INIT;
    route_methods_text(e->methods, &m);
    const char *s = arena_printf(a, "%s %s%s", m.buf, e->fqdn,
                                 e->r->path.s);
    sb_release(&m);
    return s;
}

static JsonVal *route_json(const char *env, const RouteEntry *e)
{
    JsonVal *o = jv_obj();
    jv_set(o, "environment", jv_str(env));
    jv_set(o, "host", jv_str(e->fqdn));
    jv_set(o, "path", jv_str(e->r->path.s));
    jv_set(o, "service", jv_str(e->svc->name.s));
    return o;
}

typedef struct RouteCtx {
    const char *env;
    const RouteEntry *e;
} RouteCtx;

static void route_sink(Diff *d, const char *path, const char *change,
                       const char *old, const char *new, void *ctx)
{
    const RouteCtx *rc = ctx;
    JsonVal *o = route_json(rc->env, rc->e);
    jv_set(o, "field", change_json(path, old, new));
    item(d, "routes", "changed", route_subject(d->a, rc->e),
         arena_printf(d->a, "%s: %s%s%s", rc->e->svc->name.s,
                      strcmp(change, "changed") ? change : "",
                      strcmp(change, "changed") ? " " : "",
                      change_text(d->a, path, change, old, new)),
         o);
}

typedef struct RoutePairs {
    Diff *d;
    const Schema *rs;
    Matcher *a, *b;
} RoutePairs;

static bool same_route(void *ctx, int i, int k)
{
    const RoutePairs *c = ctx;
    return same_obj(c->d, c->rs, c->a->v[i].r, c->b->v[k].r);
}

static const char **route_keys(Arena *ar, const Matcher *m, bool service)
{
    const char **k = arena_alloc(ar, ((size_t)m->n + 1) * sizeof *k);
    for (int i = 0; i < m->n; i++)
        k[i] = arena_printf(ar, "%s%s\n%s", m->v[i].fqdn, m->v[i].r->path.s,
                            service ? m->v[i].svc->name.s : "");
    return k;
}

/* Routes paired by host, path and service (several may share them: one
 * per method), then what is left by host and path: another service took
 * the route over. */
static void pair_routes(Diff *d, RoutePairs *rp, Pairing *p)
{
    Arena *ar = d->a;
    p->na = rp->a->n, p->nb = rp->b->n;
    p->pa = arena_alloc(ar, ((size_t)p->na + 1) * sizeof(int));
    p->pb = arena_alloc(ar, ((size_t)p->nb + 1) * sizeof(int));
    p->ka = route_keys(ar, rp->a, true), p->kb = route_keys(ar, rp->b, true);
    p->same = same_route, p->ctx = rp;
    pairing_clear(p);
    pair_entries(p);
    p->ka = route_keys(ar, rp->a, false), p->kb = route_keys(ar, rp->b, false);
    p->same = NULL;
    pair_entries(p);
}

static void diff_routes(Diff *d, const char *env, Matcher *a, Matcher *b)
{
    RoutePairs rp = {d, schema_field(&schema_service, "routes")->sub, a, b};
    Pairing p;
    pair_routes(d, &rp, &p);
    for (int i = 0; i < a->n; i++) {
        const RouteEntry *x = &a->v[i];
        const RouteEntry *y = p.pa[i] < 0 ? NULL : &b->v[p.pa[i]];
        if (y && streq(x->svc->name.s, y->svc->name.s))
            continue;
        JsonVal *o = route_json(env, x);
        if (y) {
            jv_set(o, "from", jv_str(x->svc->name.s));
            jv_set(o, "to", jv_str(y->svc->name.s));
            item(d, "routes", "retargeted", route_subject(d->a, x),
                 arena_printf(d->a, "%s -> %s", x->svc->name.s,
                              y->svc->name.s),
                 o);
        } else {
            item(d, "routes", "removed", route_subject(d->a, x),
                 arena_printf(d->a, "was %s", x->svc->name.s), o);
        }
    }
    for (int k = 0; k < b->n; k++) {
        const RouteEntry *y = &b->v[k];
        const RouteEntry *x = p.pb[k] < 0 ? NULL : &a->v[p.pb[k]];
        if (x && streq(x->svc->name.s, y->svc->name.s)) {
            RouteCtx rc = {env, y};
            Walk w = {d, route_sink, &rc, NULL};
            walk_obj(&w, rp.rs, x->r, y->r, "", 0);
        } else if (!x) {
            item(d, "routes", "added", route_subject(d->a, y),
                 arena_printf(d->a, "-> %s", y->svc->name.s),
                 route_json(env, y));
        }
    }
}

/* One witness per pair of routes between which traffic moves. */
static bool seen_move(Diff *d, const RouteEntry *from, const RouteEntry *to)
{
    const char *key = arena_printf(d->a, "%s %s%s|%s %s%s",
                                   from->svc->name.s, from->fqdn,
                                   from->r->path.s, to->svc->name.s,
                                   to->fqdn, to->r->path.s);
    for (int i = 0; i < d->nmoves; i++)
        if (!strcmp(d->moves[i], key))
            return true;
    if (d->nmoves < MAX_MOVES)
        d->moves[d->nmoves++] = key;
    return false;
}

static void probe(Diff *d, const char *env, Matcher *a, Matcher *b,
                  const RouteEntry *e)
{
    Strbuf path = STRBUF_INIT;
    route_witness(e, e, &path);
    for (unsigned k = 0; k < 7; k++) {
        if (!(e->methods & (1u << k)))
            continue;
        const RouteEntry *x = matcher_take(a, e->fqdn, 1u << k,
                                           path.buf, false);
        const RouteEntry *y = matcher_take(b, e->fqdn, 1u << k,
                                           path.buf, false);
        if (!x || !y || streq(x->svc->name.s, y->svc->name.s) ||
            seen_move(d, x, y))
            continue;
        const char *url = arena_printf(d->a, "%s https://%s%s",
                                       route_method_names[k], e->fqdn,
                                       path.buf);
        JsonVal *o = jv_obj();
        jv_set(o, "environment", jv_str(env));
        jv_set(o, "witness", jv_str(url));
        jv_set(o, "from", route_json(env, x));
        jv_set(o, "to", route_json(env, y));
        item(d, "traffic", "moved", url,
             arena_printf(d->a, "%s (%s) -> %s (%s)", x->svc->name.s,
                          x->r->path.s, y->svc->name.s, y->r->path.s),
             o);
    }
    sb_release(&path);
}

void diff_env_models(Diff *d, const EnvModel *a, const EnvModel *b)
{
    diff_services(d, a, b);
    diff_stores(d, a, b);
    Matcher ma, mb;
    matcher_init(&ma, d->a, a);
    matcher_init(&mb, d->a, b);
    const char *env = b->env->name.s;
    diff_routes(d, env, &ma, &mb);
    d->nmoves = 0;
    for (int i = 0; i < ma.n; i++)
        probe(d, env, &ma, &mb, &ma.v[i]);
    for (int i = 0; i < mb.n; i++)
        probe(d, env, &ma, &mb, &mb.v[i]);
    matcher_free(&ma);
    matcher_free(&mb);
}
