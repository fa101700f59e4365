/* docs_structurizr.c - docs/structurizr.json: the model as a Structurizr
 * workspace (structurizr/json's OpenAPI schema), so the platform opens in
 * Structurizr's tools.  C4 mapping:
 *   person "API clients"              -> uses the gateway
 *   software system (the platform)    -> containers: the gateway, one per
 *        service (technology: its kind, group: its domain), one per store
 *   external software systems         -> the data sources
 *   deployment nodes, per environment -> the Azure region, holding a node
 *        per service (instances "min..max") and per store
 * Relationships sit on their source element (the schema has no top-level
 * list); ids are strings that say what they name, unique in the workspace.
 * Structurizr's own rules (unique ids and names, resolvable sources and
 * destinations) are checked by the tests.
 */
#include "docs.h"
#include "topoc/docs.h"
#include "topoc/json.h"
#include "topoc/routing.h"
#include "topoc/util.h"

#include <stdio.h>

static JsonVal *element(const char *id, const char *name, const char *desc,
                        const char *tags)
{
    JsonVal *e = jv_obj();
    jv_set(e, "id", jv_str(id));
    jv_set(e, "name", jv_str(name));
    if (desc)
        jv_set(e, "description", jv_str(desc));
    jv_set(e, "tags", jv_str(tags));
    return e;
}

static void relate(JsonVal *rels, const char *from, const char *to,
                   const char *desc, const char *tech)
{
    char id[600];
    snprintf(id, sizeof id, "%s->%s", from, to);
    JsonVal *r = jv_obj();
    jv_set(r, "id", jv_str(id));
    jv_set(r, "sourceId", jv_str(from));
    jv_set(r, "destinationId", jv_str(to));
    jv_set(r, "description", jv_str(desc));
    if (tech)
        jv_set(r, "technology", jv_str(tech));
    jv_set(r, "tags", jv_str("Relationship"));
    jv_push(rels, r);
}

static JsonVal *service_container(const Model *m, const Service *s, Arena *a)
{
    const char *id = arena_printf(a, "service:%s", s->name.s);
    JsonVal *c = element(id, s->name.s, s->description.s,
                         arena_printf(a, "Element,Container,%s", s->kind.s));
    jv_set(c, "technology", jv_str(s->kind.s));
    jv_set(c, "group", jv_str(s->group.s));
    jv_set(c, "url", jv_str(arena_printf(a, "services/%s.html", s->name.s)));
    JsonVal *props = jv_obj();
    jv_set(props, "team", jv_str(s->team.s));
    jv_set(props, "domain", jv_str(s->group.s));
    jv_set(c, "properties", props);
    JsonVal *rels = jv_arr();
    const Service *x = docs_first_instance(m, s->name.s);
    if (!x)
        x = s;
    for (int i = 0; i < x->depends_on.n; i++)
        if (model_service(m, x->depends_on.v[i].s))
            relate(rels, id, arena_printf(a, "service:%s", x->depends_on.v[i].s),
                   "calls", "HTTPS");
    for (int i = 0; i < x->stores.n; i++) {
        const StoreUse *u = x->stores.v[i];
        relate(rels, id, arena_printf(a, "store:%s", u->store.s), u->access.s,
               NULL);
    }
    if (x->connector)
        relate(rels, id, arena_printf(a, "source:%s", x->connector->source.s),
               "fetches data from", "HTTPS");
    jv_set(c, "relationships", rels);
    return c;
}

static JsonVal *platform_system(const Model *m, Arena *a)
{
    JsonVal *sys = element("platform", m->platform->name.s,
                           m->platform->description.s,
                           "Element,Software System");
    jv_set(sys, "location", jv_str("Internal"));
    JsonVal *cs = jv_arr();
    JsonVal *gw = element("gateway", "WAF and gateway",
                          "App Gateway WAF_v2 and API Management",
                          "Element,Container,Gateway");
    jv_set(gw, "technology", jv_str("Azure Application Gateway"));
    JsonVal *grels = jv_arr();
    for (int i = 0; i < m->nservices; i++) {
        const Service *x = docs_first_instance(m, m->services[i]->name.s);
        if (x && has_public_route(x))
            relate(grels, "gateway",
                   arena_printf(a, "service:%s", x->name.s), "routes to",
                   "HTTPS");
    }
    jv_set(gw, "relationships", grels);
    jv_push(cs, gw);
    for (int i = 0; i < m->nservices; i++)
        jv_push(cs, service_container(m, m->services[i], a));
    for (int i = 0; i < m->platform->stores.n; i++) {
        const Store *st = m->platform->stores.v[i];
        JsonVal *c = element(arena_printf(a, "store:%s", st->name.s),
                             st->name.s, NULL, "Element,Container,Database");
        jv_set(c, "technology",
               jv_str(arena_printf(a, "%s, %s", st->kind.s, st->redundancy.s)));
        jv_push(cs, c);
    }
    jv_set(sys, "containers", cs);
    return sys;
}

static JsonVal *instance_node(const char *env, const char *id,
                              const char *name, const char *tech,
                              const char *instances, const char *container,
                              Arena *a)
{
    JsonVal *n = element(arena_printf(a, "%s/%s", env, id), name, NULL,
                         "Element,Deployment Node");
    jv_set(n, "technology", jv_str(tech));
    jv_set(n, "environment", jv_str(env));
    jv_set(n, "instances", jv_str(instances));
    JsonVal *ci = jv_obj();
    jv_set(ci, "id", jv_str(arena_printf(a, "%s/%s/instance", env, id)));
    jv_set(ci, "containerId", jv_str(container));
    jv_set(ci, "instanceId", jv_int(1));
    jv_set(ci, "environment", jv_str(env));
    jv_set(ci, "tags", jv_str("Container Instance"));
    JsonVal *cis = jv_arr();
    jv_push(cis, ci);
    jv_set(n, "containerInstances", cis);
    return n;
}

static JsonVal *deployment(const EnvModel *e, Arena *a)
{
    const char *env = e->env->name.s;
    JsonVal *top = element(arena_printf(a, "%s", env),
                           arena_printf(a, "Azure %s", e->env->region.s), NULL,
                           "Element,Deployment Node");
    jv_set(top, "technology", jv_str("Azure region"));
    jv_set(top, "environment", jv_str(env));
    jv_set(top, "instances", jv_str("1"));
    JsonVal *kids = jv_arr();
    jv_push(kids, instance_node(env, "gateway", "edge", "App Gateway WAF_v2",
                                "1", "gateway", a));
    for (int i = 0; i < e->nservices; i++) {
        const Service *s = e->services[i];
        const Scaling *sc = s->scaling;
        jv_push(kids, instance_node(
                          env, arena_printf(a, "service/%s", s->name.s),
                          s->name.s, "container",
                          sc->min.v == sc->max.v
                              ? arena_printf(a, "%lld", sc->min.v)
                              : arena_printf(a, "%lld..%lld", sc->min.v,
                                             sc->max.v),
                          arena_printf(a, "service:%s", s->name.s), a));
    }
    for (int i = 0; i < e->nstores; i++) {
        const Store *st = e->stores[i];
        jv_push(kids, instance_node(env,
                                    arena_printf(a, "store/%s", st->name.s),
                                    st->name.s, st->kind.s, "1",
                                    arena_printf(a, "store:%s", st->name.s),
                                    a));
    }
    jv_set(top, "children", kids);
    return top;
}

static JsonVal *views(const Model *m)
{
    JsonVal *v = jv_obj(), *layout = jv_obj();
    jv_set(layout, "implementation", jv_str("Graphviz"));
    jv_set(layout, "rankDirection", jv_str("LeftRight"));
    jv_set(layout, "rankSeparation", jv_int(300));
    jv_set(layout, "nodeSeparation", jv_int(300));
    jv_set(layout, "edgeSeparation", jv_int(0));
    jv_set(layout, "vertices", jv_bool(false));
    JsonVal *cv = jv_obj(), *cvs = jv_arr();
    jv_set(cv, "key", jv_str("containers"));
    jv_set(cv, "order", jv_int(1));
    jv_set(cv, "softwareSystemId", jv_str("platform"));
    jv_set(cv, "description", jv_str("the services, stores and sources"));
    jv_set(cv, "automaticLayout", layout);
    jv_push(cvs, cv);
    jv_set(v, "containerViews", cvs);
    JsonVal *dvs = jv_arr();
    for (int e = 0; e < m->nenvs; e++) {
        const char *env = m->envs[e].env->name.s;
        char key[300];
        snprintf(key, sizeof key, "deployment-%s", env);
        JsonVal *dv = jv_obj();
        jv_set(dv, "key", jv_str(key));
        jv_set(dv, "order", jv_int(2 + e));
        jv_set(dv, "softwareSystemId", jv_str("platform"));
        jv_set(dv, "environment", jv_str(env));
        jv_push(dvs, dv);
    }
    jv_set(v, "deploymentViews", dvs);
    return v;
}

void emit_structurizr(const Model *m, Outputs *o)
{
    Arena a;
    arena_init(&a);
    JsonVal *ws = jv_obj(), *model = jv_obj();
    jv_set(ws, "id", jv_int(1));
    jv_set(ws, "name", jv_str(m->platform->name.s));
    if (m->platform->description.s)
        jv_set(ws, "description", jv_str(m->platform->description.s));
    JsonVal *people = jv_arr();
    JsonVal *clients = element("clients", "API clients",
                               "callers of the platform's public routes",
                               "Element,Person");
    jv_set(clients, "location", jv_str("External"));
    JsonVal *crels = jv_arr();
    relate(crels, "clients", "gateway", "calls", "HTTPS");
    jv_set(clients, "relationships", crels);
    jv_push(people, clients);
    jv_set(model, "people", people);
    JsonVal *systems = jv_arr();
    jv_push(systems, platform_system(m, &a));
    for (int i = 0; i < m->platform->sources.n; i++) {
        const DataSource *src = m->platform->sources.v[i];
        JsonVal *x = element(
            arena_printf(&a, "source:%s", src->name.s),
            src->display_name.s ? src->display_name.s : src->name.s,
            arena_printf(&a, "%s source, outside the UK", src->category.s),
            "Element,Software System,External");
        jv_set(x, "location", jv_str("External"));
        jv_push(systems, x);
    }
    jv_set(model, "softwareSystems", systems);
    JsonVal *nodes = jv_arr();
    for (int e = 0; e < m->nenvs; e++)
        jv_push(nodes, deployment(&m->envs[e], &a));
    jv_set(model, "deploymentNodes", nodes);
    jv_set(ws, "model", model);
    jv_set(ws, "views", views(m));
    Strbuf sb = STRBUF_INIT;
    jv_write(ws, &sb);
    jv_free(ws);
    out_add(o, "docs/structurizr.json", &sb);
    arena_free(&a);
}
