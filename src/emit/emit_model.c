/* emit_model.c - model.json, the resolved model, written from the schema.
 *
 * Shape:
 *   { "format": "topoc-model", "version": 1,
 *     "platform": { name, residency, edge, teams, sources, ... },
 *     "environments": { NAME: { region, ..., "services": { NAME: {...} },
 *                                             "stores": { NAME: {...} } } } }
 * Keys are the spec's keys; every default is written out; units are
 * normalised (bytes, seconds, millicores).  Keys are sorted by json.c, and
 * no path, time or hash order reaches the file, so builds are
 * byte-identical.
 */
#include "topoc/emit.h"
#include "topoc/json.h"
#include "topoc/routing.h"
#include "topoc/schema.h"

#include <string.h>

static JsonVal *obj_json(const Schema *s, const void *obj,
                         const char *const *skip);

static JsonVal *named_map(const List *l, const Schema *s)
{
    JsonVal *o = jv_obj();
    for (int i = 0; i < l->n; i++) {
        const Str *name = (const Str *)((const char *)l->v[i] + sizeof(Loc));
        jv_set(o, name->s, obj_json(s, l->v[i], NULL));
    }
    return o;
}

static JsonVal *field_json(const Field *f, const void *slot)
{
    switch (f->type) {
    case F_INT:
    case F_BYTES:
    case F_DURATION:
    case F_CPU: {
        const Int *v = slot;
        return v->loc.set ? jv_int(v->v) : NULL;
    }
    case F_BOOL: {
        const Bool *v = slot;
        return v->loc.set ? jv_bool(v->v) : NULL;
    }
    case F_STRLIST:
        return json_strlist(slot);
    case F_OBJ: {
        const void *p = *(const void *const *)slot;
        return p ? obj_json(f->sub, p, NULL) : NULL;
    }
    case F_LIST: {
        const List *l = slot;
        JsonVal *a = jv_arr();
        for (int i = 0; i < l->n; i++)
            jv_push(a, obj_json(f->sub, l->v[i], NULL));
        return a;
    }
    case F_MAP:
        return named_map(slot, f->sub);
    case F_KV: {
        const List *l = slot;
        JsonVal *o = jv_obj();
        for (int i = 0; i < l->n; i++) {
            const KeyVal *kv = l->v[i];
            jv_set(o, kv->key.s, jv_str(kv->value.s));
        }
        return o;
    }
    case F_OVERRIDES:
        return NULL; /* already applied */
    default: {
        const Str *v = slot;
        return v->s ? jv_str(v->s) : NULL;
    }
    }
}

static bool skipped(const char *key, const char *const *skip)
{
    for (; skip && *skip; skip++)
        if (strcmp(*skip, key) == 0)
            return true;
    return false;
}

static JsonVal *obj_json(const Schema *s, const void *obj,
                         const char *const *skip)
{
    JsonVal *o = jv_obj();
    for (int i = 0; i < s->nfields; i++) {
        const Field *f = &s->fields[i];
        if (skipped(f->key, skip))
            continue;
        const char *key = (f->flags & FL_KEY) ? "name" : f->key;
        jv_set(o, key, field_json(f, (const char *)obj + f->off));
    }
    return o;
}

/* A service in an environment: its routes with their full names there
 * (the model shares a route among the environments, see route_fqdn). */
static JsonVal *service_json(Arena *a, const Service *s,
                             const Environment *env)
{
    static const char *const svc_skip[] = {"environments", "routes", NULL};
    const Schema *rs = schema_field(&schema_service, "routes")->sub;
    JsonVal *o = obj_json(&schema_service, s, svc_skip);
    JsonVal *routes = jv_arr();
    for (int i = 0; i < s->routes.n; i++) {
        JsonVal *r = obj_json(rs, s->routes.v[i], NULL);
        const char *fqdn = route_fqdn(a, s->routes.v[i], env);
        if (fqdn)
            jv_set(r, "fqdn", jv_str(fqdn));
        jv_push(routes, r);
    }
    jv_set(o, "routes", routes);
    return o;
}

void emit_model(const Model *m, Outputs *o)
{
    static const char *const per_env[] = {"environments", "stores", NULL};
    static const char *const svc_skip[] = {"environments", NULL};
    Arena a; /* the routes' full names */
    arena_init(&a);
    JsonVal *root = jv_obj();
    jv_set(root, "format", jv_str("topoc-model"));
    jv_set(root, "version", jv_int(1));
    jv_set(root, "platform", obj_json(&schema_platform, m->platform, per_env));
    const Field *envf = schema_field(&schema_platform, "environments");
    JsonVal *envs = jv_obj();
    for (int i = 0; i < m->nenvs; i++) {
        const EnvModel *e = &m->envs[i];
        JsonVal *ej = obj_json(envf->sub, e->env, NULL);
        JsonVal *svcs = jv_obj();
        for (int k = 0; k < e->nservices; k++)
            jv_set(svcs, e->services[k]->name.s,
                   service_json(&a, e->services[k], e->env));
        jv_set(ej, "services", svcs);
        JsonVal *stores = jv_obj();
        for (int k = 0; k < e->nstores; k++)
            jv_set(stores, e->stores[k]->name.s,
                   obj_json(&schema_store, e->stores[k], svc_skip));
        jv_set(ej, "stores", stores);
        jv_set(envs, e->env->name.s, ej);
    }
    jv_set(root, "environments", envs);
    Strbuf sb = STRBUF_INIT;
    jv_write(root, &sb);
    jv_free(root);
    arena_free(&a);
    out_add(o, "model.json", &sb);
}

JsonVal *json_strlist(const StrList *l)
{
    JsonVal *a = jv_arr();
    for (int i = 0; i < l->n; i++)
        jv_push(a, jv_str(l->v[i].s));
    return a;
}
