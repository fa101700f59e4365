/* gateway_templates.c - text targets rendered from logic-less templates:
 * every TEMPLATES/TARGET/FILE.mustache becomes ENV/gateway/TARGET/FILE.
 *
 * The view (below) is built here, in C: routes in the matching order,
 * backends, the edge's settings.  Templates only place values, so adding a
 * target needs a template and no C.  TARGET/_NAME.mustache is a partial,
 * {{> NAME}}.  A --templates directory adds targets, and replaces built-in
 * targets of the same name.  {{value}} is escaped as the target declares
 * in TARGET/escaping (escape.h).  Templates are read only from regular
 * files inside the folder, and rendering is bounded (mustache.h).
 */
#include "topoc/gateway.h"
#include "gateway_cors.h"
#include "gateway_limits.h"
#include "topoc/escape.h"
#include "topoc/json.h"
#include "topoc/mustache.h"
#include "topoc/routing.h"
#include "topoc/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef TOPOC_SOURCE_TEMPLATES
#define TOPOC_SOURCE_TEMPLATES "templates"
#endif

enum { MAX_TEMPLATE = 1 << 20 };

/* A template is a regular file inside the template folder: never through
 * a symbolic link (a partial linked to /etc/passwd), and refused, not cut,
 * when over MAX_TEMPLATE.  NULL with *why set otherwise. */
static char *read_text(const char *path, const char **why)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    *why = NULL;
    if (fd < 0) {
        *why = errno == ELOOP ? "a symbolic link; templates are read only "
                                "from regular files in the template folder"
                              : strerror(errno);
        return NULL;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        *why = "not a regular file";
    else if (st.st_size > MAX_TEMPLATE)
        *why = "larger than the 1 MiB limit for a template";
    Strbuf sb = STRBUF_INIT;
    char buf[8192];
    ssize_t n = 0;
    while (!*why && (n = read(fd, buf, sizeof buf)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            *why = strerror(errno);
        else if (sb.len + (size_t)n > MAX_TEMPLATE)
            *why = "larger than the 1 MiB limit for a template";
        else
            sb_add(&sb, buf, (size_t)n);
    }
    close(fd);
    if (!*why && memchr(sb.buf, '\0', sb.len))
        *why = "contains a NUL byte";
    if (*why) {
        sb_release(&sb);
        return NULL;
    }
    return sb_detach(&sb, NULL);
}

/* dir + "/" + name, allocated: paths here come from the file system. */
static char *join(const char *dir, const char *name)
{
    char *p = NULL;
    if (asprintf(&p, "%s/%s", dir, name) < 0)
        p = NULL;
    return p ? p : (char *)xmalloc(1);
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The built-in templates: where `make install` puts them
 * (bin/../share/topoc/templates), else the source tree's, for a binary
 * run from its build folder. */
static bool builtin_dir(char *out, size_t n)
{
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0)
        return false;
    exe[len] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return false;
    *slash = '\0';
    for (int i = 0; i < 2; i++) {
        char *p = i == 0 ? join(exe, "../share/topoc/templates")
                         : join(TOPOC_SOURCE_TEMPLATES, ".");
        bool found = is_dir(p) && strlen(p) < n;
        if (found)
            memcpy(out, p, strlen(p) + 1);
        free(p);
        if (found)
            return true;
    }
    return false;
}

/* The folders (dirs) or files of dir, sorted; -1 after reporting a
 * symbolic link among them (only what is inside the folder is read). */
static int list_sorted(const char *dir, bool dirs, const char ***out)
{
    DIR *d = opendir(dir);
    *out = NULL;
    if (!d)
        return 0;
    const char **v = NULL;
    int n = 0, bad = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        struct stat st;
        char *path = join(dir, e->d_name);
        bool link = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
        if (link && (!dirs || is_dir(path))) {
            fprintf(stderr, "topoc: error: %s: a symbolic link; templates "
                            "are read only from inside the template "
                            "folder\n", path);
            bad = 1;
        }
        bool skip = link || S_ISDIR(st.st_mode) != dirs;
        free(path);
        if (skip)
            continue;
        v = xrealloc(v, (size_t)(n + 1) * sizeof *v);
        v[n++] = strdup(e->d_name);
    }
    closedir(d);
    sort_strings(v, n);
    *out = v;
    if (bad) {
        for (int i = 0; i < n; i++)
            free((char *)v[i]);
        free(v);
        *out = NULL;
        return -1;
    }
    return n;
}

static void free_list(const char **v, int n)
{
    for (int i = 0; i < n; i++)
        free((char *)v[i]);
    free(v);
}

/* ---- the view ---- */

/* HAProxy 2.6 tracks three sticky counters per request (sc0-sc2). */
enum { MAX_COUNTERS = 3 };

static JsonVal *counter(const RateLimit *rl, int sc, long long secs,
                        long long limit, const char *suffix, Arena *a)
{
    JsonVal *o = jv_obj();
    jv_set(o, "name", jv_str(arena_printf(a, "%s%s", rl->name.s, suffix)));
    jv_set(o, "sc", jv_int(sc));
    jv_set(o, "seconds", jv_int(secs));
    jv_set(o, "limit", jv_int(limit));
    bool ip = streq(rl->key.s, "client-ip");
    jv_set(o, "table_type", jv_str(ip ? "ip" : "string len 256"));
    jv_set(o, "key", jv_str(ip ? "src" : "req.hdr(authorization)"));
    if (rl->paths.n) {
        Strbuf re = STRBUF_INIT;
        sb_puts(&re, "^(?:"); /* HAProxy warns on a pattern starting '(' */
        for (int k = 0; k < rl->paths.n; k++) {
            Strbuf one = STRBUF_INIT;
            path_regex(a, &rl->paths.v[k], &one); /* "^...$" */
            sb_printf(&re, "%s%s", k ? "|" : "", one.buf + 1);
            sb_release(&one);
        }
        sb_putc(&re, ')');
        jv_set(o, "paths", jv_str(re.buf));
        sb_release(&re);
    }
    return o;
}

/* Rate limits as HAProxy counters (the meaning is gateway_limits.c's):
 * at most 'requests' in 'per', and when 'burst' is smaller, at most
 * 'burst' in the time the bucket takes to refill.  Counters past sc2
 * are listed as not expressible. */
static void rate_limits_view(const Model *m, Arena *a, JsonVal *v)
{
    const Waf *w = m->platform->edge->waf;
    JsonVal *arr = jv_arr(), *dropped = jv_arr();
    int sc = 0;
    for (int i = 0; i < w->rate_limits.n; i++) {
        const RateLimit *rl = w->rate_limits.v[i];
        bool burst = rate_limit_burst(rl) < rl->requests.v;
        if (sc + 1 + burst > MAX_COUNTERS) {
            jv_push(dropped, jv_str(rl->name.s));
            continue;
        }
        jv_push(arr, counter(rl, sc++, rl->period.v, rl->requests.v, "", a));
        if (burst)
            jv_push(arr, counter(rl, sc++, rate_limit_refill(rl),
                                 rate_limit_burst(rl), "_burst", a));
    }
    jv_set(v, "rate_limits", arr);
    jv_set(v, "rate_limits_not_expressed", dropped);
}

static JsonVal *cors_entry(const Cors *c, const EnvModel *env,
                           const RouteEntry *e, const char *host, Arena *a,
                           int *id)
{
    JsonVal *o = jv_obj(), *origins = jv_arr();
    jv_set(o, "host", jv_str(host));
    jv_set(o, "id", jv_str(arena_printf(a, "cors%d", *id)));
    ++*id;
    if (e) {
        Strbuf re = STRBUF_INIT;
        route_regex_full(e, &re);
        jv_set(o, "path_regex", jv_str(re.buf));
        sb_release(&re);
    }
    for (int i = 0; i < c->origins.n; i++)
        if (!streq(c->origins.v[i].s, "*"))
            jv_push(origins, jv_str(cors_origin(a, &c->origins.v[i], env->env)));
    jv_set(o, "any_origin", jv_bool(cors_any_origin(c)));
    jv_set(o, "origins", origins);
    Strbuf sb = STRBUF_INIT;
    cors_methods(c, env, e ? e->r : NULL, &sb);
    jv_set(o, "methods", jv_str(sb.buf));
    sb_reset(&sb);
    cors_join(&c->headers, &sb);
    if (sb.len)
        jv_set(o, "headers", jv_str(sb.buf));
    sb_reset(&sb);
    cors_join(&c->expose_headers, &sb);
    if (sb.len)
        jv_set(o, "expose", jv_str(sb.buf));
    sb_release(&sb);
    jv_set(o, "max_age", jv_int(c->max_age.v));
    jv_set(o, "credentials", jv_bool(c->credentials.v));
    return o;
}

/* CORS policies for HAProxy: a route's own first (they are more
 * specific), then each host's, in the spec's order. */
static JsonVal *cors_view(const Model *m, const EnvModel *env, Arena *a)
{
    JsonVal *arr = jv_arr();
    int n, id = 0;
    RouteEntry *routes = routing_table(a, env, &n);
    for (int i = 0; i < n; i++)
        if (routes[i].r->cors && !routes[i].r->internal.v)
            jv_push(arr, cors_entry(routes[i].r->cors, env, &routes[i],
                                    routes[i].fqdn, a, &id));
    const List *l = &m->platform->edge->gateway->cors;
    for (int i = 0; i < l->n; i++) {
        const Cors *c = l->v[i];
        jv_push(arr, cors_entry(c, env, NULL,
                                arena_printf(a, "%s.%s", c->host.s,
                                             env->env->domain.s),
                                a, &id));
    }
    return arr;
}

/* A public route: its id (service_N), host, path, full regex and
 * methods, as one word list and as a list of words. */
static JsonVal *route_view(const RouteEntry *e, int nth)
{
    JsonVal *o = jv_obj();
    char id[160];
    snprintf(id, sizeof id, "%s_%d", e->svc->name.s, nth);
    for (char *p = id; *p; p++)
        if (*p == '-')
            *p = '_';
    jv_set(o, "id", jv_str(id));
    jv_set(o, "host", jv_str(e->fqdn));
    jv_set(o, "path", jv_str(e->r->path.s));
    Strbuf re = STRBUF_INIT, ms = STRBUF_INIT;
    route_regex_full(e, &re);
    jv_set(o, "regex", jv_str(re.buf));
    JsonVal *ml = jv_arr(); /* one word each, for quoting targets */
    for (unsigned b = 0; b < 7; b++)
        if (e->methods & (1u << b)) {
            sb_printf(&ms, "%s%s", ms.len ? " " : "", route_method_names[b]);
            jv_push(ml, jv_str(route_method_names[b]));
        }
    jv_set(o, "methods", jv_str(ms.buf));
    jv_set(o, "method_list", ml);
    jv_set(o, "service", jv_str(e->svc->name.s));
    sb_release(&re);
    sb_release(&ms);
    return o;
}

/* The public routes in matching order, and their hosts in that order. */
static void routes_view(const EnvModel *env, Arena *a, JsonVal *v)
{
    int n;
    RouteEntry *routes = routing_table(a, env, &n);
    JsonVal *rs = jv_arr(), *hosts = jv_arr();
    const char *last = NULL;
    for (int i = 0; i < n; i++) {
        const RouteEntry *e = &routes[i];
        if (e->r->internal.v)
            continue;
        int k = 0; /* the route's place in its service, for its id */
        while (k < e->svc->routes.n && e->svc->routes.v[k] != e->r)
            k++;
        jv_push(rs, route_view(e, k + 1));
        if (!last || strcmp(last, e->fqdn)) {
            jv_push(hosts, jv_str(e->fqdn));
            last = e->fqdn;
        }
    }
    jv_set(v, "routes", rs);
    jv_set(v, "hosts", hosts);
}

/* A backend per service with a public route. */
static JsonVal *backends_view(const Model *m, const EnvModel *env, Arena *a)
{
    bool tls = m->platform->edge->gateway->internal_tls.v;
    JsonVal *backends = jv_arr();
    for (int i = 0; i < env->nservices; i++) {
        const Service *s = env->services[i];
        if (!has_public_route(s))
            continue;
        JsonVal *b = jv_obj();
        jv_set(b, "name", jv_str(s->name.s));
        jv_set(b, "host", jv_str(backend_host(a, m, env, s)));
        jv_set(b, "port", jv_int(tls ? 443 : 80));
        jv_set(b, "tls", jv_bool(tls));
        jv_set(b, "health_path", jv_str(s->runtime->health_path.s));
        jv_push(backends, b);
    }
    return backends;
}

static JsonVal *view_for(const Model *m, const EnvModel *env, Arena *a)
{
    const Edge *edge = m->platform->edge;
    JsonVal *v = jv_obj();
    jv_set(v, "platform", jv_str(m->platform->name.s));
    jv_set(v, "environment", jv_str(env->env->name.s));
    jv_set(v, "domain", jv_str(env->env->domain.s));
    jv_set(v, "tls_min", jv_str(strcmp(edge->gateway->tls_min_version.s,
                                       "1.3") == 0 ? "TLSv1.3" : "TLSv1.2"));
    if (edge->gateway->hsts->enabled.v) {
        char h[128];
        snprintf(h, sizeof h, "max-age=%lld%s%s",
                 edge->gateway->hsts->max_age.v,
                 edge->gateway->hsts->include_subdomains.v
                     ? "; includeSubDomains" : "",
                 edge->gateway->hsts->preload.v ? "; preload" : "");
        jv_set(v, "hsts", jv_str(h));
    }
    JsonVal *deny = jv_arr(), *allow = jv_arr();
    for (int i = 0; i < edge->waf->deny_ips.n; i++)
        jv_push(deny, jv_str(edge->waf->deny_ips.v[i].s));
    for (int i = 0; i < edge->waf->allow_ips.n; i++)
        jv_push(allow, jv_str(edge->waf->allow_ips.v[i].s));
    jv_set(v, "deny_ips", deny);
    jv_set(v, "allow_ips", allow);
    JsonVal *internal = jv_arr();
    const StrList *ip = &m->platform->policy->internal_paths;
    for (int i = 0; i < ip->n; i++) {
        Strbuf re = STRBUF_INIT;
        path_regex(a, &ip->v[i], &re);
        JsonVal *o = jv_obj();
        jv_set(o, "path", jv_str(ip->v[i].s));
        jv_set(o, "regex", jv_str(re.buf));
        jv_push(internal, o);
        sb_release(&re);
    }
    jv_set(v, "internal_paths", internal);
    jv_set(v, "max_url_length", jv_int(edge->waf->limits->max_url_length.v));
    rate_limits_view(m, a, v);
    JsonVal *cors = cors_view(m, env, a);
    jv_set(v, "has_cors", jv_bool(jv_len(cors) > 0));
    jv_set(v, "cors", cors);

    routes_view(env, a, v);
    jv_set(v, "backends", backends_view(m, env, a));
    return v;
}

/* ---- rendering ---- */

enum { MAX_PARTIALS = 256 };

/* A target's partials, each read once per rendering: a template that
 * calls partials a million times must not read a million files. */
typedef struct Target {
    const char *dir;
    char *names[MAX_PARTIALS], *texts[MAX_PARTIALS];
    int n;
} Target;

static void target_free(Target *t)
{
    for (int i = 0; i < t->n; i++) {
        free(t->names[i]);
        free(t->texts[i]);
    }
    t->n = 0;
}

/* {{> NAME}} reads TARGET/_NAME.mustache: a plain name, so it cannot
 * leave the folder. */
static const char *partial(void *ud, const char *name)
{
    Target *t = ud;
    if (!*name || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
                               "OPQRSTUVWXYZ0123456789_-") != strlen(name))
        return NULL;
    for (int i = 0; i < t->n; i++)
        if (!strcmp(t->names[i], name))
            return t->texts[i];
    if (t->n == MAX_PARTIALS)
        return NULL;
    char *file = NULL;
    if (asprintf(&file, "_%s.mustache", name) < 0)
        return NULL;
    char *path = join(t->dir, file);
    const char *why;
    char *text = read_text(path, &why);
    free(file);
    free(path);
    if (!text)
        return NULL;
    t->names[t->n] = strdup(name);
    t->texts[t->n] = text;
    return t->texts[t->n++];
}

/* TARGET/escaping names how every {{value}} of the target is quoted
 * (escape.h); a target without one is refused, so no template gets an
 * escaping by accident (of its file name, say). */
static MustacheEscape target_escaping(const char *tdir)
{
    char *path = join(tdir, "escaping");
    const char *why;
    char *text = read_text(path, &why);
    MustacheEscape fn = NULL;
    if (text) {
        text[strcspn(text, " \t\r\n")] = '\0';
        fn = escape_named(text);
        if (!fn)
            why = "unknown escaping";
    }
    if (!fn)
        fprintf(stderr, "topoc: error: %s: %s\nhelp: a template target "
                        "says how its values are quoted: one word, "
                        ESCAPE_NAMES "\n", path,
                why ? why : "unknown escaping");
    free(text);
    free(path);
    return fn;
}

/* The built-in HAProxy target enforces what three counters can hold; each
 * rate limit past them is a warning at the limit (the config names it in
 * a comment). */
static void haproxy_unenforced(const Model *m, Diags *ds)
{
    const Waf *w = m->platform->edge->waf;
    int sc = 0;
    for (int i = 0; i < w->rate_limits.n; i++) {
        const RateLimit *rl = w->rate_limits.v[i];
        int need = 1 + (rate_limit_burst(rl) < rl->requests.v);
        if (sc + need <= MAX_COUNTERS) {
            sc += need;
            continue;
        }
        Diag *d = diag_warning(ds, rl->loc, "haproxy-rate-limit",
                               "the HAProxy target does not enforce rate "
                               "limit '%s': HAProxy 2.6 tracks %d counters "
                               "per request and the limits before it use "
                               "them (a burst smaller than 'requests' takes "
                               "two)",
                               rl->name.s, MAX_COUNTERS);
        diag_help(ds, d, "nginx and the Azure edge enforce it; merge limits "
                         "that share a period, or leave 'burst' out");
    }
}

static int render_target(const Model *m, const char *dir, const char *target,
                         Outputs *o)
{
    char *tdir = join(dir, target);
    const char **files;
    MustacheEscape esc = target_escaping(tdir);
    int nfiles = esc ? list_sorted(tdir, false, &files) : -1, rc = 0;
    if (nfiles < 0) {
        free(tdir);
        return -1;
    }
    /* each environment's view, once for all the target's files */
    Arena a;
    arena_init(&a);
    JsonVal **views = arena_alloc(&a, ((size_t)m->nenvs + 1) * sizeof *views);
    for (int e = 0; e < m->nenvs; e++)
        views[e] = view_for(m, &m->envs[e], &a);
    for (int f = 0; f < nfiles && rc == 0; f++) {
        size_t len = strlen(files[f]);
        if (files[f][0] == '_' || len < 10 ||
            strcmp(files[f] + len - 9, ".mustache"))
            continue;
        char *path = join(tdir, files[f]);
        const char *why;
        char *tmpl = read_text(path, &why);
        if (!tmpl) {
            fprintf(stderr, "topoc: error: %s: %s\n", path, why);
            free(path);
            rc = -1;
            break;
        }
        for (int e = 0; e < m->nenvs && rc == 0; e++) {
            JsonVal *view = views[e];
            Strbuf out = STRBUF_INIT;
            Target t = {.dir = tdir};
            /* work in proportion to the view: the routes and backends */
            unsigned long steps =
                2000000ul + 400ul * (unsigned long)(jv_len(jv_get(view, "routes")) +
                                                    jv_len(jv_get(view, "backends")));
            MustacheOptions opt = {esc, partial, &t, steps, 0};
            char err[256];
            if (mustache_render(tmpl, view, &opt, &out, err, sizeof err) != 0) {
                fprintf(stderr, "topoc: error: %s:%s\n", path, err);
                rc = -1;
            } else {
                char name[PATH_MAX];
                snprintf(name, sizeof name, "%s/gateway/%s/%.*s",
                         m->envs[e].env->name.s, target, (int)(len - 9),
                         files[f]);
                out_add(o, name, &out);
            }
            sb_release(&out);
            target_free(&t);
        }
        free(tmpl);
        free(path);
    }
    for (int e = 0; e < m->nenvs; e++)
        jv_free(views[e]);
    arena_free(&a);
    free_list(files, nfiles);
    free(tdir);
    return rc;
}

int emit_templates(const Model *m, const char *user_dir, Diags *ds,
                   Outputs *o)
{
    char builtin[PATH_MAX];
    bool have_builtin = builtin_dir(builtin, sizeof builtin);
    if (user_dir && !is_dir(user_dir)) {
        fprintf(stderr, "topoc: error: %s: not a templates directory\n",
                user_dir);
        return -1;
    }
    const char **mine = NULL, **ours = NULL;
    int nmine = user_dir ? list_sorted(user_dir, true, &mine) : 0;
    int nours = have_builtin ? list_sorted(builtin, true, &ours) : 0;
    int rc = nmine < 0 || nours < 0 ? -1 : 0;
    for (int i = 0; i < nours && rc == 0; i++) {
        bool replaced = false;
        for (int k = 0; k < nmine; k++)
            replaced = replaced || strcmp(mine[k], ours[i]) == 0;
        if (replaced)
            continue;
        rc = render_target(m, builtin, ours[i], o);
        if (!strcmp(ours[i], "haproxy"))
            haproxy_unenforced(m, ds);
    }
    for (int k = 0; k < nmine && rc == 0; k++)
        rc = render_target(m, user_dir, mine[k], o);
    free_list(mine, nmine);
    free_list(ours, nours);
    return rc;
}
