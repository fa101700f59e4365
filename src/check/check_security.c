/* check_security.c - HTTPS everywhere, HSTS, TLS 1.2+, TLS inside the
 * platform, client-certificate hosts, and no literal secrets in specs. */
#include "topoc/check.h"
#include "topoc/pattern.h"
#include "topoc/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { ONE_YEAR = 365 * 86400 };

static void https(Checker *ck, const Str *url, const char *what,
                  const char *target)
{
    if (url->s && strncmp(url->s, "http://", 7) == 0)
        diag_help(check_diags(ck),
                  check_report(ck, "https-required", url->loc, target,
                               "%s is plain HTTP: %s", what, url->s),
                  "use https://");
}

static void gateway(Checker *ck)
{
    const Gateway *g = check_model_of(ck)->platform->edge->gateway;
    Diags *ds = check_diags(ck);
    if (!g->hsts->enabled.v)
        diag_help(ds,
                  check_report(ck, "hsts-required", g->hsts->enabled.loc,
                               "edge/gateway", "HSTS is turned off"),
                  "set edge.gateway.hsts.enabled: true");
    else if (g->hsts->max_age.v < ONE_YEAR)
        diag_help(ds,
                  check_report(ck, "hsts-required", g->hsts->max_age.loc,
                               "edge/gateway",
                               "HSTS max-age is %lld seconds, under a year",
                               g->hsts->max_age.v),
                  "use max-age: 365d or more");
    if (strcmp(g->tls_min_version.s, "1.2") < 0)
        diag_help(ds,
                  check_report(ck, "tls-version", g->tls_min_version.loc,
                               "edge/gateway",
                               "the gateway accepts TLS %s",
                               g->tls_min_version.s),
                  "set tls-min-version: \"1.2\" or \"1.3\"");
    if (!g->internal_tls.v)
        diag_help(ds,
                  check_report(ck, "internal-tls-required",
                               g->internal_tls.loc, "edge/gateway",
                               "traffic from the gateway to services is "
                               "not encrypted"),
                  "set internal-tls: true");
    const Model *m = check_model_of(ck);
    for (int i = 0; i < g->client_certificates.n; i++) {
        const ClientCert *cc = g->client_certificates.v[i];
        bool used = false;
        for (int k = 0; k < m->nservices && !used; k++)
            for (int r = 0; r < m->services[k]->routes.n && !used; r++)
                used = streq(((const Route *)m->services[k]->routes.v[r])
                                 ->host.s,
                             cc->host.s);
        if (!used)
            diag_help(ds,
                      check_report(ck, "client-cert-host-unknown",
                                   cc->host.loc, "edge/gateway",
                                   "no route uses host '%s', which requires "
                                   "client certificates",
                                   cc->host.s),
                      "use a host that routes name (routes[].host)");
    }
}

/* Values that are secrets whatever their setting is called, and what each
 * looks like. */
static const struct {
    const char *re, *what;
} secret_values[] = {
    {"-----BEGIN [A-Z ]*PRIVATE KEY-----", "a private key"},
    {"(?i)(AccountKey|SharedAccessKey|Password|Pwd)=[^;]{4,}",
     "a connection string with a key or password"},
    {"(?i)^[a-z][a-z0-9+.-]*://[^/:@\\s]+:[^/@\\s]+@",
     "a URL with a password"},
    {"\\b(sk|rk)_(live|test)_[0-9A-Za-z]{10,}", "a Stripe key"},
    {"\\bxox[abprs]-[0-9A-Za-z-]{10,}", "a Slack token"},
    {"\\bAKIA[0-9A-Z]{16}\\b", "an AWS access key"},
    {"\\bgh[pousr]_[0-9A-Za-z]{30,}", "a GitHub token"},
    {"\\beyJ[0-9A-Za-z_-]{8,}\\.[0-9A-Za-z_-]{8,}\\.", "a JWT"},
    {"(?<![0-9A-Za-z])[0-9A-Fa-f]{32,}(?![0-9A-Za-z])", "a hex key"},
    /* 32+ characters of base64 with letters and digits mixed */
    {"(?=[0-9A-Za-z+/_-]*[0-9])(?=[0-9A-Za-z+/_-]*[a-z])"
     "(?=[0-9A-Za-z+/_-]*[A-Z])[0-9A-Za-z+/_-]{32,}={0,2}",
     "a base64 key"},
};
enum { NVALUES = sizeof secret_values / sizeof secret_values[0] };
/* Setting names that usually hold secrets; a value is then refused unless
 * its shape says it is not one (see benign). */
static const char secret_names[] =
    "(?i)(pass(word)?|passwd|pwd|secret|token|api[_-]?key|private[_-]?key|"
    "access[_-]?key|key$|connection[_-]?string|credential|client[_-]?secret)";

typedef struct Secrets {
    Pattern *values[NVALUES];
    Pattern *names;
} Secrets;

static void compile_secrets(Checker *ck, Secrets *sp)
{
    char err[256];
    size_t off;
    for (int i = 0; i < NVALUES; i++)
        sp->values[i] = pattern_compile(check_patterns(ck),
                                        secret_values[i].re, 0, err,
                                        sizeof err, &off);
    sp->names = pattern_compile(check_patterns(ck), secret_names, 0, err,
                                sizeof err, &off);
}

/* What the value looks like when it is a credential, else NULL. */
static const char *secret_shape(const Secrets *sp, const char *v)
{
    for (int i = 0; i < NVALUES; i++)
        if (sp->values[i] &&
            pattern_match(sp->values[i], v, strlen(v)) == PATTERN_MATCH)
            return secret_values[i].what;
    return NULL;
}

static bool all_of(const char *s, const char *set)
{
    return *s && s[strspn(s, set)] == '\0';
}

/* A value no credential looks like: a number, a duration, a boolean, a
 * short word, a URL without a password, or a Key Vault reference.  A
 * setting named *_TOKEN_TTL or PASSWORD_MIN_LENGTH holds one of these. */
static bool benign(const char *v)
{
    static const char *const words[] = {"true", "false", "yes", "no", "on",
                                        "off",  NULL};
    for (int i = 0; words[i]; i++)
        if (strcasecmp(v, words[i]) == 0)
            return true;
    if (all_of(v, "0123456789.-"))
        return true;
    size_t digits = strspn(v, "0123456789");
    if (digits && all_of(v + digits, "smhdw") && strlen(v + digits) <= 2)
        return true; /* 30s, 5m, 1h, 7d, 10ms */
    if (strncmp(v, "PT", 2) == 0 && all_of(v + 2, "0123456789HMS."))
        return true; /* ISO 8601 duration */
    if (strlen(v) <= 16 &&
        all_of(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"))
        return true;
    if (strncmp(v, "@Microsoft.KeyVault(", 20) == 0)
        return true;
    return strncmp(v, "https://", 8) == 0 || strncmp(v, "http://", 7) == 0;
}

static void secret_finding(Checker *ck, const EnvModel *e, const Service *s,
                           const KeyVal *kv, const char *shape)
{
    const char *env = check_override_env(s, kv->value.loc);
    Arena *a = check_arena(ck);
    const char *where = env ? arena_printf(a, " in %s", env) : "";
    Diag *d = check_report(
        ck, "secret-literal", kv->value.loc,
        env ? arena_printf(a, "%s/service/%s/settings/%s", e->env->name.s,
                           s->name.s, kv->key.s)
            : arena_printf(a, "service/%s/settings/%s", s->name.s,
                           kv->key.s),
        shape ? "setting '%s' of '%s'%s holds %s" :
              "setting '%s' of '%s'%s holds a literal secret",
        kv->key.s, s->name.s, where, shape ? shape : "");
    diag_help(check_diags(ck), d,
              "store it in the environment's Key Vault and reference it: "
              "secrets: [{name: %s, key-vault-secret: ...}]",
              kv->key.s);
}

static void literal_secrets(Checker *ck, const Secrets *sp)
{
    const Model *m = check_model_of(ck);
    for (int i = 0; i < m->nenvs; i++)
        for (int k = 0; k < m->envs[i].nservices; k++) {
            const Service *s = m->envs[i].services[k];
            for (int j = 0; j < s->settings.n; j++) {
                const KeyVal *kv = s->settings.v[j];
                const char *shape = secret_shape(sp, kv->value.s);
                bool by_name = !shape && sp->names &&
                               pattern_match(sp->names, kv->key.s,
                                             strlen(kv->key.s)) ==
                                   PATTERN_MATCH &&
                               !benign(kv->value.s);
                if (shape || by_name)
                    secret_finding(ck, &m->envs[i], s, kv, shape);
            }
        }
}

/* Why an exclusion would turn off inspection rather than narrow it, or
 * NULL.  The engine's rules 200000-200007 choose the body parser and
 * refuse bodies it could not parse (REQBODY_ERROR): with them gone a
 * malformed body reaches the service unparsed, so no rule sees its
 * arguments.  CRS's 901xxx initialise scoring and 949110 blocks on it. */
static const char *unsafe_exclusion(const WafExclusion *x, bool *by_var)
{
    static const char *const vars[] = {"REQBODY_", "MULTIPART_",
                                       "REQUEST_BODY"};
    const char *v = x->variable.s;
    *by_var = false;
    for (size_t i = 0; v && i < sizeof vars / sizeof *vars; i++)
        if (strncasecmp(v, vars[i], strlen(vars[i])) == 0 ||
            (v[0] == '!' && strncasecmp(v + 1, vars[i], strlen(vars[i])) == 0)) {
            *by_var = true;
            return "the request-body parser's error flags";
        }
    long long r = x->rule.v;
    if (r >= 200000 && r <= 200007)
        return "a rule that refuses bodies the parser cannot read, or "
               "chooses the parser";
    if (r >= 901000 && r <= 901999)
        return "a CRS initialisation rule";
    if (r == 949110)
        return "CRS's inbound blocking rule";
    return NULL;
}

/* Per instance: an override may add an exclusion in one environment. */
static void waf_exclusions(Checker *ck, const Service *s)
{
    for (int k = 0; k < s->routes.n; k++) {
        const Route *r = s->routes.v[k];
        for (int j = 0; r->waf && j < r->waf->exclusions.n; j++) {
            const WafExclusion *x = r->waf->exclusions.v[j];
            bool by_var;
            const char *why = unsafe_exclusion(x, &by_var);
            if (!why)
                continue;
            Loc at = by_var ? x->variable.loc : x->rule.loc;
            Diag *d = check_report(
                ck, "waf-exclusion-unsafe", at,
                check_service_target(ck, s, at,
                                     arena_printf(check_arena(ck),
                                                  "routes/%d", k + 1)),
                "this exclusion from rule %lld turns off request-body "
                "inspection on %s of '%s'%s: it disables %s",
                x->rule.v, r->path.s, s->name.s, check_in_env(ck, s, at),
                why);
            diag_help(check_diags(ck), d,
                      "delete it; let large bodies through with the "
                      "route's limits (waf.max-body-size, "
                      "waf.max-json-args), or exclude one rule from one "
                      "argument (variable: ARGS:name)");
        }
    }
}

static const char *cors_target(Checker *ck, const Service *s, int route,
                               Loc at)
{
    if (!s)
        return "edge/gateway/cors";
    return check_service_target(
        ck, s, at, arena_printf(check_arena(ck), "routes/%d", route));
}

/* A host name as browsers write it in Origin: labels of a-z, 0-9 and '-'
 * (not at a label's ends), 1-63 bytes each, 253 in all. */
static bool host_name(const char *s, size_t n)
{
    if (n == 0 || n > 253)
        return false;
    size_t label = 0;
    for (size_t i = 0; i <= n; i++) {
        char c = i < n ? s[i] : '.';
        if (c == '.') {
            if (label == 0 || label > 63 || s[i - 1] == '-')
                return false;
            label = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   (c == '-' && label > 0)) {
            label++;
        } else {
            return false;
        }
    }
    return true;
}

/* Why origin o is not scheme://host[:port] or a host relative to the
 * environment's domain (NULL when it is one); *fix says what to write. */
static const char *origin_problem(Arena *a, const char *o, const char **fix)
{
    *fix = "write scheme://host[:port], e.g. https://app.example.com or "
           "https://app.example.com:8443, or a host relative to the "
           "environment's domain (app)";
    const char *sl = strstr(o, "://");
    if (!sl)
        return host_name(o, strlen(o))
                   ? NULL
                   : "not a host name (labels of a-z, 0-9 and '-' between "
                     "dots)";
    bool tls = strncmp(o, "https://", 8) == 0;
    if (!tls && strncmp(o, "http://", 7) != 0)
        return "not an origin: its scheme is not https:// or http://";
    const char *host = sl + 3, *port = NULL;
    size_t n = strcspn(host, ":/?#");
    if (!host_name(host, n))
        return arena_printf(a, "not an origin: '%.*s' is not a host name "
                               "(labels of a-z, 0-9 and '-' between dots)",
                            (int)n, host);
    if (host[n] == '/' || host[n] == '?' || host[n] == '#')
        return "not an origin: browsers send no path, query or fragment in "
               "Origin";
    if (host[n] != ':')
        return NULL;
    port = host + n + 1;
    size_t digits = strspn(port, "0123456789");
    long v = digits && digits <= 5 && port[0] != '0' ? atol(port) : 0;
    if (port[digits] || v < 1 || v > 65535)
        return arena_printf(a, "not an origin: port '%s' is not a number "
                               "from 1 to 65535", port);
    if (v == (tls ? 443 : 80)) {
        *fix = arena_printf(a, "write it without the port: %.*s",
                            (int)(port - 1 - o), o);
        return "one that never matches: browsers leave the scheme's "
               "default port out of Origin";
    }
    return NULL;
}

/* A CORS policy browsers would refuse, or one that cannot match. */
static void cors_policy(Checker *ck, const Cors *c, const Service *s,
                        int route)
{
    for (int i = 0; i < c->origins.n; i++) {
        const Str *o = &c->origins.v[i];
        const char *why = NULL;
        const char *fix = "list the origins that may call it, e.g. "
                          "https://app.example.com or app";
        if (streq(o->s, "*")) {
            if (c->credentials.v)
                why = "'*' with credentials: true, which browsers refuse";
        } else {
            why = origin_problem(check_arena(ck), o->s, &fix);
        }
        if (why)
            diag_help(check_diags(ck),
                      check_report(ck, "cors-invalid", o->loc,
                                   cors_target(ck, s, route, o->loc),
                                   "CORS origin '%s'%s is %s", o->s,
                                   s ? check_in_env(ck, s, o->loc) : "",
                                   why),
                      "%s", fix);
    }
}

void check_security(Checker *ck)
{
    const Model *m = check_model_of(ck);
    const Platform *p = m->platform;
    Arena *a = check_arena(ck);
    for (int i = 0; i < p->sources.n; i++) {
        const DataSource *s = p->sources.v[i];
        https(ck, &s->base_url,
              arena_printf(a, "the base URL of source '%s'", s->name.s),
              arena_printf(a, "source/%s", s->name.s));
    }
    for (int i = 0; i < p->teams.n; i++) {
        const Team *t = p->teams.v[i];
        https(ck, &t->webhook,
              arena_printf(a, "the webhook of team '%s'", t->name.s),
              arena_printf(a, "team/%s", t->name.s));
    }
    gateway(ck);
    for (int i = 0; i < p->edge->gateway->cors.n; i++)
        cors_policy(ck, p->edge->gateway->cors.v[i], NULL, 0);
    for (int i = 0; i < m->nenvs; i++) /* base values fold into one */
        for (int j = 0; j < m->envs[i].nservices; j++) {
            const Service *s = m->envs[i].services[j];
            waf_exclusions(ck, s);
            for (int k = 0; k < s->routes.n; k++) {
                const Route *r = s->routes.v[k];
                if (r->cors)
                    cors_policy(ck, r->cors, s, k + 1);
            }
        }
    Secrets sp;
    compile_secrets(ck, &sp);
    literal_secrets(ck, &sp);
}
