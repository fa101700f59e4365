/* check_xref.c - environment separation inside values: a setting or a route
 * host of one environment that names another environment's host, store,
 * Key Vault, App Service or address.
 *
 * Values are read as people write them: URLs, connection strings
 * ('Server=tcp:NAME.database.windows.net,1433;...'), bare FQDNs, single
 * IPv4 addresses and CIDRs.  The resource names come from naming.h, the
 * same functions that name the emitted Azure resources. */
#include "topoc/check.h"
#include "topoc/naming.h"
#include "topoc/routing.h"
#include "topoc/util.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { K_STORE, K_VAULT, K_SITE } KnownKind;

/* A resource name that belongs to one environment. */
typedef struct Known {
    const char *name; /* lower case, as Azure names it */
    const Environment *env;
    KnownKind kind;
    const Store *store;     /* K_STORE */
    const Service *service; /* K_SITE */
} Known;

typedef struct Index {
    Known *v;
    int n;
} Index;

/* What one token of a value turned out to name. */
typedef struct Hit {
    const Environment *env;
    const Known *known;   /* a resource, or NULL */
    unsigned long ip;     /* an address when !known and bits >= 0 */
    int bits;             /* -1: a host in env's domain */
    char text[160];
} Hit;

static int known_cmp(const void *a, const void *b)
{
    const Known *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : x->env->index - y->env->index;
}

static void add_known(Index *ix, int *cap, Known k)
{
    if (ix->n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        ix->v = xrealloc(ix->v, (size_t)*cap * sizeof *ix->v);
    }
    ix->v[ix->n++] = k;
}

/* The names live in a, freed after the check: findings copy what they
 * quote (at 10,000 services 1.8 MB that stayed through the routing
 * checks, at the peak). */
static void build_index(Checker *ck, Arena *a, Index *ix)
{
    const Model *m = check_model_of(ck);
    int cap = 0;
    for (int i = 0; i < m->nenvs; i++) {
        const EnvModel *e = &m->envs[i];
        add_known(ix, &cap,
                  (Known){env_vault_name(a, m, e->env), e->env, K_VAULT,
                          NULL, NULL});
        for (int k = 0; k < e->nstores; k++) {
            const Store *st = e->stores[k];
            const char *az = store_azure_name(a, st);
            add_known(ix, &cap, (Known){az, e->env, K_STORE, st, NULL});
            /* the name as the spec writes it, when Azure's differs */
            const char *raw = az_name(a, st->resource_name.s, 200, true);
            if (strcmp(raw, az))
                add_known(ix, &cap, (Known){raw, e->env, K_STORE, st, NULL});
        }
        for (int k = 0; k < e->nservices; k++) {
            const char *h = backend_host(a, m, e, e->services[k]);
            add_known(ix, &cap,
                      (Known){arena_strndup(a, h, strcspn(h, ".")), e->env,
                              K_SITE, NULL, e->services[k]});
        }
    }
    qsort(ix->v, (size_t)ix->n, sizeof *ix->v, known_cmp);
}

/* The entry for name that belongs to another environment than own, or NULL
 * (also when own has a resource of that name: that is a shared resource,
 * reported by env-shared-resource). */
static const Known *foreign(const Index *ix, const char *name,
                            const Environment *own)
{
    int lo = 0, hi = ix->n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (strcmp(ix->v[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    const Known *first = NULL;
    for (int i = lo; i < ix->n && streq(ix->v[i].name, name); i++) {
        if (ix->v[i].env == own)
            return NULL;
        if (!first)
            first = &ix->v[i];
    }
    return first;
}

/* The environment whose domain is the longest suffix of host, or NULL. */
static const Environment *env_of_host(const Model *m, const char *host)
{
    const Environment *best = NULL;
    size_t n = strlen(host), bestlen = 0;
    for (int i = 0; i < m->nenvs; i++) {
        const char *d = m->envs[i].env->domain.s;
        size_t dl = d ? strlen(d) : 0;
        if (!dl || dl > n || dl <= bestlen)
            continue;
        if (strcmp(host + n - dl, d) == 0 &&
            (dl == n || host[n - dl - 1] == '.')) {
            best = m->envs[i].env;
            bestlen = dl;
        }
    }
    return best;
}

static bool parse_ipv4(const char *s, unsigned long *ip)
{
    unsigned a, b, c, d;
    char end;
    if (sscanf(s, "%u.%u.%u.%u%c", &a, &b, &c, &d, &end) != 4 || a > 255 ||
        b > 255 || c > 255 || d > 255)
        return false;
    *ip = (unsigned long)a << 24 | (unsigned long)b << 16 |
          (unsigned long)c << 8 | d;
    return true;
}

/* "a.b.c.d/p" (the decoder has checked it). */
static bool parse_cidr(const char *s, unsigned long *net, int *bits)
{
    char buf[32];
    const char *sl = s ? strchr(s, '/') : NULL;
    if (!sl || (size_t)(sl - s) >= sizeof buf)
        return false;
    memcpy(buf, s, (size_t)(sl - s));
    buf[sl - s] = '\0';
    *bits = atoi(sl + 1);
    return parse_ipv4(buf, net) && *bits >= 0 && *bits <= 32;
}

static unsigned long mask_of(int bits)
{
    return bits ? (0xFFFFFFFFUL << (32 - bits)) & 0xFFFFFFFFUL : 0;
}

/* The environment whose address space the range ip/bits falls in or
 * overlaps; own when it is inside own's. */
static const Environment *env_of_range(const Model *m, unsigned long ip,
                                       int bits, const Environment *own)
{
    const Environment *hit = NULL;
    for (int i = 0; i < m->nenvs; i++) {
        const Environment *e = m->envs[i].env;
        unsigned long net;
        int p;
        if (!parse_cidr(e->address_space.s, &net, &p))
            continue;
        int q = p < bits ? p : bits;
        if ((net & mask_of(q)) != (ip & mask_of(q)))
            continue;
        if (e == own && bits >= p)
            return own; /* inside its own network */
        if (e != own && !hit)
            hit = e;
    }
    return hit;
}

/* Classify one host-like token (lower case); false when it names nothing
 * of another environment. */
static bool classify(const Model *m, const Index *ix, const char *tok,
                     const char *after, const Environment *own, Hit *h)
{
    memset(h, 0, sizeof *h);
    unsigned long ip;
    if (parse_ipv4(tok, &ip)) {
        int bits = 32;
        if (after[0] == '/' && isdigit((unsigned char)after[1])) {
            bits = atoi(after + 1);
            if (bits > 32)
                return false;
        }
        const Environment *e = env_of_range(m, ip, bits, own);
        if (!e || e == own)
            return false;
        h->env = e, h->ip = ip, h->bits = bits;
        if (bits == 32)
            snprintf(h->text, sizeof h->text, "%s", tok);
        else
            snprintf(h->text, sizeof h->text, "%s/%d", tok, bits);
        return true;
    }
    snprintf(h->text, sizeof h->text, "%s", tok);
    const Environment *d = env_of_host(m, tok);
    if (d && d != own) {
        h->env = d, h->bits = -1;
        return true;
    }
    char label[128];
    snprintf(label, sizeof label, "%.*s", (int)strcspn(tok, "."), tok);
    const Known *k = foreign(ix, label, own);
    if (!k)
        return false;
    h->env = k->env, h->known = k;
    return true;
}

static void hit_note(Checker *ck, Diag *d, const Hit *h)
{
    Diags *ds = check_diags(ck);
    const Known *k = h->known;
    const char *env = h->env->name.s;
    if (h->bits >= 0 && !k) {
        const char *sl = strchr(h->env->address_space.s, '/');
        bool wider = sl && h->bits < atoi(sl + 1);
        diag_note(ds, d, h->env->address_space.loc, "%s %s %s's network %s",
                  h->text, wider ? "covers" : "is inside", env,
                  h->env->address_space.s);
    }
    else if (!k)
        diag_note(ds, d, h->env->domain.loc, "%s is %s's domain",
                  h->env->domain.s, env);
    else if (k->kind == K_STORE)
        diag_note(ds, d, k->store->resource_name.loc,
                  "'%s' is the %s instance of store '%s' (%s%s)", k->name,
                  env, k->store->name.s, k->name,
                  store_host_suffix(k->store));
    else if (k->kind == K_VAULT)
        diag_note(ds, d, h->env->name.loc, "'%s' is %s's Key Vault",
                  k->name, env);
    else
        diag_note(ds, d, k->service->name.loc,
                  "'%s' is the App Service of %s service '%s' "
                  "(%s.azurewebsites.net)",
                  k->name, env, k->service->name.s, k->name);
}

enum { MAX_HITS = 8 };

/* Every token of the value that names something of another environment;
 * one finding per value, each further token a note. */
static void scan_value(Checker *ck, const Index *ix, const EnvModel *e,
                       const Service *s, const KeyVal *kv)
{
    const Str *v = &kv->value;
    const Model *m = check_model_of(ck);
    Hit hits[MAX_HITS];
    int nhits = 0;
    for (const char *p = v->s; *p && nhits < MAX_HITS;) {
        while (*p && !isalnum((unsigned char)*p))
            p++;
        const char *start = p;
        while (*p && (isalnum((unsigned char)*p) || *p == '.' || *p == '-'))
            p++;
        size_t n = (size_t)(p - start);
        while (n && (start[n - 1] == '.' || start[n - 1] == '-'))
            n--;
        if (!n || n >= 128)
            continue;
        char tok[128];
        for (size_t i = 0; i < n; i++)
            tok[i] = (char)tolower((unsigned char)start[i]);
        tok[n] = '\0';
        if (classify(m, ix, tok, start + n, e->env, &hits[nhits]))
            nhits++;
    }
    if (!nhits)
        return;
    Diag *d = check_report(ck, "env-cross-reference", v->loc,
                           arena_printf(check_arena(ck), "%s/service/%s",
                                        e->env->name.s, s->name.s),
                           "setting '%s' of %s service '%s' points into "
                           "%s: '%s'",
                           kv->key.s, e->env->name.s, s->name.s,
                           hits[0].env->name.s, hits[0].text);
    for (int i = 0; i < nhits; i++)
        hit_note(ck, d, &hits[i]);
    if (check_override_env(s, v->loc)) /* written for this environment */
        diag_help(check_diags(ck), d, "write %s's own value here",
                  e->env->name.s);
    else
        diag_help(check_diags(ck), d,
                  "use the %s value in an override under 'environments: "
                  "%s:'",
                  e->env->name.s, e->env->name.s);
}

/* The environment whose domain route_fqdn(r, env) falls in, without
 * making the name (60,000 routes at 10,000 services, nearly all in their
 * own domain). */
static const Environment *route_env(const Model *m, const Route *r,
                                    const Environment *env)
{
    if (!r->host.s || !env || !env->domain.s)
        return NULL;
    char small[256];
    size_t h = strlen(r->host.s), d = strlen(env->domain.s);
    char *buf = h + 1 + d < sizeof small ? small : xmalloc(h + 1 + d + 1);
    memcpy(buf, r->host.s, h);
    buf[h] = '.';
    memcpy(buf + h + 1, env->domain.s, d + 1);
    const Environment *in = env_of_host(m, buf);
    if (buf != small)
        free(buf);
    return in;
}

/* route_env's answers in one environment, by the host's text: hosts
 * are short values the loader stores once, so most routes share a few
 * pointers. */
typedef struct HostMemo {
    const char *host[64];
    const Environment *in[64];
} HostMemo;

static const Environment *route_env_memo(const Model *m, const Route *r,
                                         const Environment *env,
                                         HostMemo *hm)
{
    size_t k = ((uintptr_t)r->host.s >> 3) % 64;
    if (!r->host.s || hm->host[k] != r->host.s) {
        hm->in[k] = route_env(m, r, env);
        hm->host[k] = r->host.s;
    }
    return hm->in[k];
}

/* A route host is relative to its environment's domain; written so that
 * the full name lands in another environment's domain, the route would
 * serve that environment's traffic from this one. */
static void route_hosts(Checker *ck, const EnvModel *e, const Service *s,
                        HostMemo *hm)
{
    const Model *m = check_model_of(ck);
    for (int i = 0; i < s->routes.n; i++) {
        const Route *r = s->routes.v[i];
        const Environment *d = route_env_memo(m, r, e->env, hm);
        if (!d || d == e->env)
            continue;
        const char *fqdn = route_fqdn(check_arena(ck), r, e->env);
        Diag *diag = check_report(
            ck, "env-cross-reference", r->host.loc,
            arena_printf(check_arena(ck), "%s/service/%s", e->env->name.s,
                         s->name.s),
            "route host '%s' of %s service '%s' is %s, inside %s's domain",
            r->host.s, e->env->name.s, s->name.s, fqdn, d->name.s);
        diag_note(check_diags(ck), diag, d->domain.loc, "%s is %s's domain",
                  d->domain.s, d->name.s);
        diag_help(check_diags(ck), diag,
                  "route hosts are relative to the environment's domain "
                  "(%s); name a host of %s",
                  e->env->domain.s, e->env->name.s);
    }
}

void check_cross_references(Checker *ck)
{
    const Model *m = check_model_of(ck);
    Index ix = {0};
    Arena names;
    arena_init(&names);
    bool built = false; /* made at the first setting: few services have one */
    for (int i = 0; i < m->nenvs; i++) {
        const EnvModel *e = &m->envs[i];
        HostMemo hm = {{0}, {0}};
        for (int k = 0; k < e->nservices; k++) {
            const Service *s = e->services[k];
            for (int j = 0; j < s->settings.n; j++) {
                if (!built)
                    build_index(ck, &names, &ix);
                built = true;
                scan_value(ck, &ix, e, s, s->settings.v[j]);
            }
            route_hosts(ck, e, s, &hm);
        }
    }
    free(ix.v);
    arena_free(&names);
}
