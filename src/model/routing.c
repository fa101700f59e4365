/* routing.c - route templates and the matching order (see routing.h). */
#include "topoc/routing.h"
#include "topoc/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const route_method_names[7] = {"GET",   "HEAD",  "POST",
                                           "PUT",   "PATCH", "DELETE",
                                           "OPTIONS"};

unsigned route_methods(const StrList *l)
{
    unsigned bits = 0;
    for (int i = 0; i < l->n; i++)
        for (unsigned k = 0; k < 7; k++)
            if (l->v[i].s[0] == route_method_names[k][0] &&
                strcmp(l->v[i].s, route_method_names[k]) == 0) {
                bits |= 1u << k;
                break;
            }
    return bits;
}

void route_methods_text(unsigned bits, Strbuf *sb)
{
    size_t start = sb->len;
    for (unsigned k = 0; k < 7; k++)
        if (bits & (1u << k))
            sb_printf(sb, "%s%s", sb->len > start ? "," : "",
                      route_method_names[k]);
}

static const char *constraint_of(const Route *r, const char *name)
{
    for (int i = 0; i < r->params.n; i++) {
        const KeyVal *kv = r->params.v[i];
        if (strcmp(kv->key.s, name) == 0)
            return kv->value.s;
    }
    return NULL;
}

void route_parse(Arena *a, RouteEntry *e)
{
    route_segments(a, e);
    e->methods = route_methods(&e->r->methods);
}

void route_segments(Arena *a, RouteEntry *e)
{
    const char *path = e->r->path.s;
    int cap = 0; /* a segment per '/' at most (not one more: at 100,000
                    routes a spare segment each was 10 MB) */
    for (const char *p = path; *p; p++)
        cap += *p == '/';
    cap = cap ? cap : 1;
    /* each segment is written whole below: zeroing first was a pass more
     * over 6 MB at 10,000 services */
    e->segs = arena_alloc_uninit(a, (size_t)cap * sizeof *e->segs);
    e->nsegs = 0;
    if (!e->cache)
        e->cache = segment_cache(a);
    for (const char *p = path; *p == '/' && p[1];) {
        const char *start = ++p;
        while (*p && *p != '/')
            p++;
        size_t len = (size_t)(p - start);
        Seg *sg = &e->segs[e->nsegs++];
        const char *open = memchr(start, '{', len);
        if (len == 2 && start[0] == '*' && start[1] == '*') {
            *sg = (Seg){.kind = SEG_REST};
        } else if (!open) {
            *sg = (Seg){.kind = SEG_LIT, .lit = arena_strndup(a, start, len)};
        } else {
            const char *close = memchr(open, '}', len - (size_t)(open - start));
            const char *name = arena_strndup(a, open + 1,
                                             (size_t)(close - open - 1));
            *sg = (Seg){
                .kind = SEG_PARAM,
                .pre = arena_strndup(a, start, (size_t)(open - start)),
                .name = name,
                .suf = arena_strndup(a, close + 1,
                                     (size_t)(start + len - close - 1)),
                .constraint = constraint_of(e->r, name)};
            seg_language(e->cache, sg); /* parses the constraint once */
        }
    }
}

static int seg_rank(const Seg *s)
{
    switch (s->kind) {
    case SEG_LIT:
        return 4;
    case SEG_PARAM:
        return *s->pre || *s->suf ? 3 : s->constraint ? 2 : 1;
    case SEG_REST:
        return 0;
    }
    return 0;
}

static int loc_order(const Loc *a, const Loc *b)
{
    int c = strcmp(loc_src(*a)->path, loc_src(*b)->path);
    return c ? c : loc_pos_cmp(*a, *b);
}

int route_order_cmp(const RouteEntry *a, const RouteEntry *b)
{
    /* hosts are short and interned (load_yaml.c): mostly the same one */
    int c = a->r->host.s == b->r->host.s ? 0
                                         : strcmp(a->r->host.s, b->r->host.s);
    if (c)
        return c;
    if (a->r->priority.v != b->r->priority.v)
        return a->r->priority.v > b->r->priority.v ? -1 : 1;
    int n = a->nsegs < b->nsegs ? a->nsegs : b->nsegs;
    for (int i = 0; i < n; i++) {
        const Seg *x = &a->segs[i], *y = &b->segs[i];
        int rx = seg_rank(x), ry = seg_rank(y);
        if (rx != ry)
            return rx > ry ? -1 : 1;
        if (rx == 3) { /* more literal text is more specific */
            size_t lx = strlen(x->pre) + strlen(x->suf);
            size_t ly = strlen(y->pre) + strlen(y->suf);
            if (lx != ly)
                return lx > ly ? -1 : 1;
        }
        if (rx == 4 && (c = strcmp(x->lit, y->lit)) != 0)
            return c;
    }
    if (a->nsegs != b->nsegs) {
        /* the longer template first, unless its extra part is only '**' */
        const RouteEntry *longer = a->nsegs > b->nsegs ? a : b;
        bool rest_only = longer->nsegs == n + 1 &&
                         longer->segs[n].kind == SEG_REST;
        bool a_first = (longer == a) != rest_only;
        return a_first ? -1 : 1;
    }
    return loc_order(&a->r->loc, &b->r->loc);
}

static void regex_escape(Strbuf *sb, const char *s)
{
    for (; *s; s++) {
        if (strchr("\\^$.|?*+()[]{}", *s))
            sb_putc(sb, '\\');
        sb_putc(sb, *s);
    }
}


/* The anchored regex of a template: parameters as [^/]+ (named groups with
 * captures) or, with constraints, their constraint embedded. */
static void build_regex(const RouteEntry *e, bool captures, bool constraints,
                        Strbuf *out)
{
    sb_putc(out, '^');
    for (int i = 0; i < e->nsegs; i++) {
        const Seg *sg = &e->segs[i];
        if (sg->kind == SEG_REST) {
            sb_puts(out, "(?:/.*)?");
            continue;
        }
        sb_putc(out, '/');
        if (sg->kind == SEG_LIT) {
            regex_escape(out, sg->lit);
            continue;
        }
        regex_escape(out, sg->pre);
        const Constraint *cons = seg_cons(e->cache, sg);
        if (constraints && cons)
            constraint_print(cons, sg->suf, out);
        else if (constraints && sg->constraint)
            sb_puts(out, "(?!)"); /* refused by the checker: never */
        else if (captures)
            sb_printf(out, "(?<%s>[^/]+)", sg->name);
        else
            sb_puts(out, "[^/]+");
        regex_escape(out, sg->suf);
    }
    if (e->nsegs == 0)
        sb_putc(out, '/');
    sb_putc(out, '$');
}

void route_regex(const RouteEntry *e, bool captures, Strbuf *out)
{
    build_regex(e, captures, false, out);
}

void route_regex_full(const RouteEntry *e, Strbuf *out)
{
    build_regex(e, false, true, out);
}

void path_regex(Arena *a, const Str *path, Strbuf *out)
{
    Route r = {.loc = path->loc, .host = {"*", path->loc}, .path = *path};
    RouteEntry e = {.r = &r};
    route_parse(a, &e);
    route_regex_full(&e, out);
}

/* The parts joined in a's text: printf's parsing cost more than the
 * copying, at one host per service and environment. */
static const char *concat(Arena *a, const char *const *part, int n)
{
    size_t len[8], total = 0;
    for (int i = 0; i < n; i++)
        total += len[i] = strlen(part[i]);
    char *p = arena_alloc_uninit(a, total + 1), *q = p;
    for (int i = 0; i < n; i++) {
        memcpy(q, part[i], len[i]);
        q += len[i];
    }
    *q = '\0';
    return p;
}

const char *backend_host(Arena *a, const Model *m, const EnvModel *e,
                         const Service *s)
{
    const char *part[] = {m->platform->name.s, "-", e->env->name.s, "-",
                          s->name.s, ".azurewebsites.net"};
    return concat(a, part, 6);
}

bool has_public_route(const Service *s)
{
    for (int i = 0; i < s->routes.n; i++)
        if (!((const Route *)s->routes.v[i])->internal.v)
            return true;
    return false;
}

const char *route_fqdn(Arena *a, const Route *r, const Environment *env)
{
    if (!r->host.s || !env || !env->domain.s)
        return NULL;
    char buf[256];
    size_t h = strlen(r->host.s), d = strlen(env->domain.s);
    if (h + 1 + d >= sizeof buf)
        return arena_join(a, r->host.s, ".", env->domain.s);
    memcpy(buf, r->host.s, h);
    buf[h] = '.';
    memcpy(buf + h + 1, env->domain.s, d);
    return arena_intern(a, buf, h + 1 + d);
}

static int entry_cmp(const void *a, const void *b)
{
    return route_order_cmp(a, b);
}

RouteEntry *routing_table(Arena *a, const EnvModel *e, int *n)
{
    int total = 0;
    for (int i = 0; i < e->nservices; i++)
        total += e->services[i]->routes.n;
    RouteEntry *v = arena_alloc(a, ((size_t)total + 1) * sizeof *v);
    SegCache *cache = segment_cache(a);
    *n = 0;
    for (int i = 0; i < e->nservices; i++)
        for (int k = 0; k < e->services[i]->routes.n; k++) {
            RouteEntry *re = &v[(*n)++];
            re->r = e->services[i]->routes.v[k];
            re->fqdn = route_fqdn(a, re->r, e->env);
            re->svc = e->services[i];
            re->cache = cache;
            route_parse(a, re);
        }
    qsort(v, (size_t)*n, sizeof *v, entry_cmp);
    return v;
}
