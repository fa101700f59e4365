/* routing.c - route templates and the matching order (see routing.h). */
#include "topoc/routing.h"
#include "topoc/util.h"

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
            if (strcmp(l->v[i].s, route_method_names[k]) == 0)
                bits |= 1u << k;
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
    const char *path = e->r->path.s;
    int cap = 1;
    for (const char *p = path; *p; p++)
        cap += *p == '/';
    e->segs = arena_alloc(a, (size_t)cap * sizeof *e->segs);
    e->nsegs = 0;
    e->methods = route_methods(&e->r->methods);
    for (const char *p = path; *p == '/' && p[1];) {
        const char *start = ++p;
        while (*p && *p != '/')
            p++;
        size_t len = (size_t)(p - start);
        Seg *sg = &e->segs[e->nsegs++];
        const char *open = memchr(start, '{', len);
        if (len == 2 && start[0] == '*' && start[1] == '*') {
            sg->kind = SEG_REST;
        } else if (!open) {
            sg->kind = SEG_LIT;
            sg->lit = arena_strndup(a, start, len);
        } else {
            const char *close = memchr(open, '}', len - (size_t)(open - start));
            sg->kind = SEG_PARAM;
            sg->pre = arena_strndup(a, start, (size_t)(open - start));
            sg->name = arena_strndup(a, open + 1, (size_t)(close - open - 1));
            sg->suf = arena_strndup(a, close + 1,
                                    (size_t)(start + len - close - 1));
            sg->constraint = constraint_of(e->r, sg->name);
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
    int c = strcmp(a->src->path, b->src->path);
    if (c)
        return c;
    return a->line != b->line ? (a->line < b->line ? -1 : 1)
                              : (a->col > b->col) - (a->col < b->col);
}

int route_order_cmp(const RouteEntry *a, const RouteEntry *b)
{
    int c = strcmp(a->r->host.s, b->r->host.s);
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


/* ---- relations between templates ---- */

static bool starts(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static bool ends(const char *s, const char *x)
{
    size_t n = strlen(s), m = strlen(x);
    return n >= m && strcmp(s + n - m, x) == 0;
}

static bool lit_fits(const char *lit, const Seg *p)
{
    return strlen(lit) > strlen(p->pre) + strlen(p->suf) &&
           starts(lit, p->pre) && ends(lit, p->suf);
}

static bool seg_overlap(const Seg *a, const Seg *b)
{
    if (a->kind == SEG_LIT && b->kind == SEG_LIT)
        return strcmp(a->lit, b->lit) == 0;
    if (a->kind == SEG_LIT)
        return lit_fits(a->lit, b);
    if (b->kind == SEG_LIT)
        return lit_fits(b->lit, a);
    return (starts(a->pre, b->pre) || starts(b->pre, a->pre)) &&
           (ends(a->suf, b->suf) || ends(b->suf, a->suf));
}

/* Does a match every string b matches (for one segment)? */
static bool seg_covers(const Seg *a, const Seg *b)
{
    if (a->kind == SEG_LIT)
        return b->kind == SEG_LIT && strcmp(a->lit, b->lit) == 0;
    if (a->constraint)
        return b->kind == SEG_PARAM && streq(b->constraint, a->constraint) &&
               strcmp(a->pre, b->pre) == 0 && strcmp(a->suf, b->suf) == 0;
    if (b->kind == SEG_LIT)
        return lit_fits(b->lit, a);
    return starts(b->pre, a->pre) && ends(b->suf, a->suf);
}

static bool seg_same(const Seg *a, const Seg *b)
{
    if (a->kind != b->kind)
        return false;
    if (a->kind == SEG_LIT)
        return strcmp(a->lit, b->lit) == 0;
    if (a->kind == SEG_REST)
        return true;
    return strcmp(a->pre, b->pre) == 0 && strcmp(a->suf, b->suf) == 0 &&
           streq(a->constraint, b->constraint);
}


Relation route_relate(const RouteEntry *a, const RouteEntry *b)
{
    bool same = a->nsegs == b->nsegs, covers = true;
    int i = 0;
    for (; i < a->nsegs && i < b->nsegs; i++) {
        const Seg *x = &a->segs[i], *y = &b->segs[i];
        if (x->kind == SEG_REST || y->kind == SEG_REST) {
            covers = covers && x->kind == SEG_REST;
            same = same && x->kind == y->kind;
            return same ? REL_SAME : covers ? REL_COVERS : REL_OVERLAP;
        }
        if (!seg_overlap(x, y))
            return REL_NONE;
        same = same && seg_same(x, y);
        covers = covers && seg_covers(x, y);
    }
    /* one ran out: equal lengths, or the other continues only with '**' */
    if (a->nsegs == b->nsegs)
        return same ? REL_SAME : covers ? REL_COVERS : REL_OVERLAP;
    const RouteEntry *longer = a->nsegs > b->nsegs ? a : b;
    if (longer->nsegs != i + 1 || longer->segs[i].kind != SEG_REST)
        return REL_NONE;
    return longer == a ? REL_COVERS : REL_OVERLAP;
}

/* Embed constraint c of a parameter written pre{p}suf.  In routes[].params
 * a constraint matches the value alone, so a top-level '^' or '$' (outside
 * a character class, not escaped) means the value's start or end: they
 * become a lookbehind for '/'+pre and a lookahead for suf+('/' or end). */
static void embed_constraint(Strbuf *out, const char *c, const char *pre,
                             const char *suf)
{
    sb_puts(out, "(?:");
    bool in_class = false;
    for (const char *p = c; *p; p++) {
        if (*p == '\\' && p[1]) {
            sb_putc(out, *p++);
            sb_putc(out, *p);
            continue;
        }
        if (in_class) {
            if (*p == ']')
                in_class = false;
            sb_putc(out, *p);
            continue;
        }
        if (*p == '[') {
            in_class = true;
            sb_putc(out, *p);
            if (p[1] == '^')
                sb_putc(out, *++p);
            if (p[1] == ']')
                sb_putc(out, *++p);
            continue;
        }
        if (*p == '$') {
            sb_puts(out, "(?=");
            regex_escape(out, suf);
            sb_puts(out, "(?:/|$))");
        } else if (*p == '^') {
            sb_puts(out, "(?<=/");
            regex_escape(out, pre);
            sb_putc(out, ')');
        } else {
            sb_putc(out, *p);
        }
    }
    sb_putc(out, ')');
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
        if (constraints && sg->constraint)
            embed_constraint(out, sg->constraint, sg->pre, sg->suf);
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

const char *backend_host(Arena *a, const Model *m, const EnvModel *e,
                         const Service *s)
{
    return arena_printf(a, "%s-%s-%s.azurewebsites.net", m->platform->name.s,
                        e->env->name.s, s->name.s);
}

bool has_public_route(const Service *s)
{
    for (int i = 0; i < s->routes.n; i++)
        if (!((const Route *)s->routes.v[i])->internal.v)
            return true;
    return false;
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
    *n = 0;
    for (int i = 0; i < e->nservices; i++)
        for (int k = 0; k < e->services[i]->routes.n; k++) {
            RouteEntry *re = &v[(*n)++];
            re->r = e->services[i]->routes.v[k];
            re->svc = e->services[i];
            route_parse(a, re);
        }
    qsort(v, (size_t)*n, sizeof *v, entry_cmp);
    return v;
}
