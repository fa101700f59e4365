/* docs_catalogues.c - the pages that list one kind of thing, a row (or a
 * section) per item: services and routes (filterable tables), stores,
 * sources and teams (a section each, so a link can point at one).
 */
#include "docs.h"
#include "topoc/routing.h"
#include "topoc/util.h"

#include <string.h>

const char *docs_route_waf(Arena *a, const Model *m, const Route *r)
{
    const Waf *edge = m->platform->edge ? m->platform->edge->waf : NULL;
    const char *mode = edge && edge->mode.s ? edge->mode.s : "none";
    if (!r->waf)
        return arena_printf(a, "edge policy (%s)", mode);
    Strbuf sb = STRBUF_INIT;
    sb_printf(&sb, "own policy: %s", r->waf->mode.s ? r->waf->mode.s : mode);
    for (int i = 0; i < r->waf->exclusions.n; i++) {
        const WafExclusion *x = r->waf->exclusions.v[i];
        sb_printf(&sb, "%s rule %lld", i ? "," : "; excludes", x->rule.v);
        if (x->variable.s)
            sb_printf(&sb, " on %s", x->variable.s);
    }
    if (r->waf->max_body_size.loc.set)
        sb_printf(&sb, "; body up to %lld bytes", r->waf->max_body_size.v);
    const char *out = arena_strdup(a, sb.buf);
    sb_release(&sb);
    return out;
}

static void instances(Doc *d, const Model *m, const char *name)
{
    for (int e = 0; e < m->nenvs; e++) {
        const Service *s = env_service(&m->envs[e], name);
        if (!s)
            continue;
        const Scaling *sc = s->scaling;
        doc_textf(d, "%s: ", m->envs[e].env->name.s);
        if (sc->min.v == sc->max.v)
            doc_textf(d, "%lld", sc->min.v);
        else
            doc_textf(d, "%lld..%lld", sc->min.v, sc->max.v);
        doc_break(d);
    }
}

void docs_page_services(const Model *m, Arena *a, Outputs *o)
{
    Doc d;
    doc_begin(&d, a, "services", "Services",
              "every service: its domain, team and instances");
    static const char *const head[] = {"service", "domain", "team", "kind",
                                       "instances", "routes", "what it is"};
    doc_table(&d, "services-table", true, 7, head);
    for (int i = 0; i < m->nservices; i++) {
        const Service *s = m->services[i];
        const Service *x = docs_first_instance(m, s->name.s);
        doc_row(&d, arena_printf(a, "svc-%s", s->name.s));
        doc_cell(&d);
        doc_link(&d, arena_printf(a, "services/%s", s->name.s), NULL,
                 s->name.s);
        doc_cell(&d);
        doc_link(&d, arena_printf(a, "domains/%s", s->group.s), NULL,
                 s->group.s);
        doc_cell(&d);
        doc_link(&d, "teams", s->team.s, s->team.s);
        doc_cell(&d);
        doc_text(&d, s->kind.s);
        doc_cell(&d);
        instances(&d, m, s->name.s);
        doc_cell(&d);
        doc_textf(&d, "%d", x ? x->routes.n : s->routes.n);
        doc_cell(&d);
        doc_text(&d, s->description.s ? s->description.s : "");
    }
    doc_table_end(&d);
    doc_end(&d, o);
}

void docs_page_routes(const Model *m, Arena *a, Outputs *o)
{
    Doc d;
    doc_begin(&d, a, "routes", "Routes",
              "the routing table: every route, its service and WAF policy");
    doc_para(&d);
    doc_text(&d, "Hosts are relative to each environment's domain:");
    for (int e = 0; e < m->nenvs; e++) {
        doc_text(&d, e ? ", " : " ");
        doc_code(&d, m->envs[e].env->domain.s);
    }
    doc_text(&d, ". The gateway matches them in the order of each "
                 "environment's gateway/routes.json.");
    doc_para_end(&d);
    static const char *const head[] = {"methods", "host", "path", "service",
                                       "WAF policy"};
    doc_table(&d, "routes-table", true, 5, head);
    for (int i = 0; i < m->nservices; i++) {
        const Service *s = docs_first_instance(m, m->services[i]->name.s);
        for (int k = 0; s && k < s->routes.n; k++) {
            const Route *r = s->routes.v[k];
            Strbuf ms = STRBUF_INIT;
            route_methods_text(route_methods(&r->methods), &ms);
            doc_row(&d, NULL);
            doc_cell(&d);
            doc_code(&d, ms.buf);
            doc_cell(&d);
            doc_code(&d, r->host.s);
            doc_cell(&d);
            doc_code(&d, r->path.s);
            if (r->internal.v)
                doc_text(&d, " (internal)");
            doc_cell(&d);
            doc_link(&d, arena_printf(a, "services/%s", s->name.s), NULL,
                     s->name.s);
            doc_cell(&d);
            doc_text(&d, docs_route_waf(a, m, r));
            sb_release(&ms);
        }
    }
    doc_table_end(&d);
    doc_end(&d, o);
}

/* The services matching: users of a store, owners of a team, connectors
 * of a source; a linked list, folded when long. */
typedef bool (*Match)(const Service *, const char *);

static void service_list(Doc *d, const Model *m, Match match, const char *x,
                         const char *what)
{
    int n = 0;
    for (int i = 0; i < m->nservices; i++)
        n += match(m->services[i], x);
    doc_para(d);
    doc_textf(d, "%s (%d): ", what, n);
    doc_fold(d, n, "services");
    for (int i = 0, k = 0; i < m->nservices; i++) {
        const Service *s = m->services[i];
        if (!match(s, x))
            continue;
        if (k++)
            doc_text(d, ", ");
        doc_link(d, arena_printf(d->a, "services/%s", s->name.s), NULL,
                 s->name.s);
    }
    doc_fold_end(d);
    doc_para_end(d);
}

static bool uses_store(const Service *s, const char *store)
{
    for (int i = 0; i < s->stores.n; i++)
        if (streq(((const StoreUse *)s->stores.v[i])->store.s, store))
            return true;
    return false;
}

void docs_page_stores(const Model *m, Arena *a, Outputs *o)
{
    Doc d;
    doc_begin(&d, a, "stores", "Stores", "the data stores and who uses them");
    const List *stores = &m->platform->stores;
    for (int i = 0; i < stores->n; i++) {
        const Store *st = stores->v[i];
        doc_heading(&d, 2, st->name.s, st->name.s);
        doc_para(&d);
        doc_textf(&d, "A %s store, %s.", st->kind.s, st->redundancy.s);
        doc_para_end(&d);
        doc_list(&d);
        for (int e = 0; e < m->nenvs; e++) {
            const EnvModel *em = &m->envs[e];
            for (int k = 0; k < em->nstores; k++) {
                const Store *x = em->stores[k];
                if (!streq(x->name.s, st->name.s))
                    continue;
                doc_item(&d);
                doc_textf(&d, "%s: %s, failover %s, backups %s",
                          em->env->name.s,
                          x->region.s ? x->region.s : em->env->region.s,
                          x->failover_region.s ? x->failover_region.s : "none",
                          x->backup_region.s ? x->backup_region.s : "none");
            }
        }
        doc_list_end(&d);
        service_list(&d, m, uses_store, st->name.s, "Used by");
    }
    doc_end(&d, o);
}

static bool connects(const Service *s, const char *source)
{
    return s->connector && streq(s->connector->source.s, source);
}

void docs_page_sources(const Model *m, Arena *a, Outputs *o)
{
    Doc d;
    doc_begin(&d, a, "sources", "Sources",
              "the external data sources, outside the UK, and their "
              "connectors");
    const List *sources = &m->platform->sources;
    for (int i = 0; i < sources->n; i++) {
        const DataSource *src = sources->v[i];
        doc_heading(&d, 2, src->name.s, src->name.s);
        doc_para(&d);
        doc_text(&d, src->display_name.s ? src->display_name.s : src->name.s);
        doc_textf(&d, ", a %s source", src->category.s);
        if (src->base_url.s) {
            doc_text(&d, " at ");
            doc_code(&d, src->base_url.s);
        }
        doc_text(&d, ".");
        doc_para_end(&d);
        service_list(&d, m, connects, src->name.s, "Connectors");
    }
    doc_end(&d, o);
}

static bool owned_by(const Service *s, const char *team)
{
    return streq(s->team.s, team);
}

void docs_page_teams(const Model *m, Arena *a, Outputs *o)
{
    Doc d;
    doc_begin(&d, a, "teams", "Teams",
              "the teams, their alert contacts and their services");
    const List *teams = &m->platform->teams;
    for (int i = 0; i < teams->n; i++) {
        const Team *t = teams->v[i];
        doc_heading(&d, 2, t->name.s, t->name.s);
        if (t->description.s) {
            doc_para(&d);
            doc_text(&d, t->description.s);
            doc_para_end(&d);
        }
        doc_para(&d);
        doc_text(&d, "Alerts go to: ");
        for (int k = 0; k < t->email.n; k++) {
            if (k)
                doc_text(&d, ", ");
            doc_code(&d, t->email.v[k].s);
        }
        if (t->webhook.s) {
            doc_text(&d, t->email.n ? " and the webhook " : "the webhook ");
            doc_code(&d, t->webhook.s);
        }
        if (!t->email.n && !t->webhook.s)
            doc_text(&d, "nobody");
        doc_para_end(&d);
        service_list(&d, m, owned_by, t->name.s, "Services");
    }
    doc_end(&d, o);
}
