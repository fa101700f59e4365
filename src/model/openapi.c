/* openapi.c - an OpenAPI 3.x document as the routes it needs (see
 * openapi.h).  The document is untrusted input: local references only
 * ("#/..."), followed at most OA_MAX_REFS deep so a cycle ends, and every
 * value's type is checked before it is used. */
#include "topoc/openapi.h"
#include "topoc/constraint.h"
#include "topoc/routing.h"
#include "topoc/util.h"

#include <ctype.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { OA_MAX_REFS = 32, OA_MAX_ALTS = 64 };

/* ---- references ---- */

/* One JSON-pointer token, decoded: %XX (the pointer sits in a URI
 * fragment), then ~1 and ~0. */
static const char *pointer_token(Arena *a, const char *s, size_t n)
{
    Strbuf pct = STRBUF_INIT, out = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) &&
            isxdigit((unsigned char)s[i + 2])) {
            char hex[3] = {s[i + 1], s[i + 2], 0};
            sb_putc(&pct, (char)strtol(hex, NULL, 16));
            i += 2;
        } else {
            sb_putc(&pct, s[i]);
        }
    }
    for (size_t i = 0; i < pct.len; i++) {
        if (pct.buf[i] == '~' && i + 1 < pct.len &&
            (pct.buf[i + 1] == '0' || pct.buf[i + 1] == '1')) {
            sb_putc(&out, pct.buf[i + 1] == '1' ? '/' : '~');
            i++;
        } else {
            sb_putc(&out, pct.buf[i]);
        }
    }
    const char *t = arena_strdup(a, out.buf ? out.buf : "");
    sb_release(&pct);
    sb_release(&out);
    return t;
}

static const JsonVal *pointer_get(Arena *a, const JsonVal *doc,
                                  const char *ref)
{
    const JsonVal *v = doc;
    for (const char *p = ref + 1; v && *p == '/';) {
        const char *start = ++p;
        p += strcspn(p, "/");
        const char *tok = pointer_token(a, start, (size_t)(p - start));
        if (jv_kind(v) == JV_ARR) {
            char *end;
            long i = strtol(tok, &end, 10);
            v = *tok && !*end && i >= 0 && i < jv_len(v) ? jv_at(v, (int)i)
                                                          : NULL;
        } else {
            v = jv_kind(v) == JV_OBJ ? jv_get(v, tok) : NULL;
        }
    }
    return v;
}

/* v with its $ref followed (repeatedly); NULL when one does not resolve
 * inside the document. */
static const JsonVal *deref(Arena *a, const JsonVal *doc, const JsonVal *v)
{
    for (int depth = 0; v && jv_kind(v) == JV_OBJ; depth++) {
        const JsonVal *r = jv_get(v, "$ref");
        if (jv_kind(r) != JV_STR)
            return v;
        const char *ref = jv_string(r);
        if (depth >= OA_MAX_REFS || ref[0] != '#')
            return NULL;
        v = pointer_get(a, doc, ref);
    }
    return v;
}

/* ---- parameter schemas as constraints ---- */

static const char uuid_constraint[] =
    "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    "[0-9a-fA-F]{12}";

/* A value as a literal of the language: letters, digits and '_' as they
 * are, other printable ASCII as \xHH; false for '/' or anything else. */
static bool literal(const JsonVal *v, Strbuf *out)
{
    Strbuf t = STRBUF_INIT;
    jv_scalar_text(v, &t);
    bool ok = t.len > 0 && (jv_kind(v) == JV_STR || jv_kind(v) == JV_INT);
    for (size_t i = 0; ok && i < t.len; i++) {
        unsigned char c = (unsigned char)t.buf[i];
        if (isalnum(c) || c == '_')
            sb_putc(out, (char)c);
        else if (c >= 0x20 && c <= 0x7e && c != '/')
            sb_printf(out, "\\x%02x", c);
        else
            ok = false;
    }
    sb_release(&t);
    return ok;
}

static const char *alternatives(Arena *a, const JsonVal *doc,
                                const JsonVal *alts, bool values, int depth);

static long long int_of(const JsonVal *v, long long dflt)
{
    if (jv_kind(v) != JV_INT)
        return dflt;
    Strbuf t = STRBUF_INIT;
    jv_scalar_text(v, &t);
    long long x = atoll(t.buf);
    sb_release(&t);
    return x;
}

static const char *string_constraint(Arena *a, const JsonVal *s)
{
    const JsonVal *fmt = jv_get(s, "format"), *pat = jv_get(s, "pattern");
    if (jv_kind(fmt) == JV_STR && !strcmp(jv_string(fmt), "uuid"))
        return uuid_constraint;
    if (jv_kind(pat) == JV_STR) {
        /* a JSON Schema pattern is a search, not a whole-value match:
         * only an anchored one says what the whole value is */
        const char *p = jv_string(pat);
        size_t n = strlen(p);
        if (n > 2 && p[0] == '^' && p[n - 1] == '$' && p[n - 2] != '\\')
            return arena_strndup(a, p + 1, n - 2);
        return NULL;
    }
    long long lo = int_of(jv_get(s, "minLength"), 1);
    long long hi = int_of(jv_get(s, "maxLength"), -1);
    if (lo < 1)
        lo = 1; /* a path segment is never empty */
    if (hi >= lo && hi <= CONS_MAX_REPEAT)
        return arena_printf(a, "[^/]{%lld,%lld}", lo, hi);
    if (hi < 0 && lo > 1 && lo <= CONS_MAX_REPEAT)
        return arena_printf(a, "[^/]{%lld,}", lo);
    return NULL;
}

static const char *schema_text(Arena *a, const JsonVal *doc,
                               const JsonVal *s, int depth)
{
    s = depth < OA_MAX_REFS ? deref(a, doc, s) : NULL;
    if (jv_kind(s) != JV_OBJ)
        return NULL;
    const JsonVal *alts = jv_get(s, "oneOf");
    if (jv_kind(alts) != JV_ARR)
        alts = jv_get(s, "anyOf");
    if (jv_kind(alts) == JV_ARR)
        return alternatives(a, doc, alts, false, depth + 1);
    if (jv_kind(jv_get(s, "enum")) == JV_ARR)
        return alternatives(a, doc, jv_get(s, "enum"), true, depth + 1);
    const JsonVal *c = jv_get(s, "const");
    Strbuf lit = STRBUF_INIT;
    if (c && literal(c, &lit)) {
        const char *t = arena_strdup(a, lit.buf);
        sb_release(&lit);
        return t;
    }
    sb_release(&lit);
    const JsonVal *type = jv_get(s, "type");
    const char *t = jv_kind(type) == JV_STR ? jv_string(type) : "";
    if (!strcmp(t, "integer")) {
        const JsonVal *mn = jv_get(s, "minimum");
        bool neg = !(jv_kind(mn) == JV_INT || jv_kind(mn) == JV_REAL);
        if (!neg) {
            Strbuf m = STRBUF_INIT;
            jv_scalar_text(mn, &m);
            neg = m.buf[0] == '-';
            sb_release(&m);
        }
        return neg ? "-?[0-9]+" : "[0-9]+";
    }
    if (!strcmp(t, "boolean"))
        return "true|false";
    if (!strcmp(t, "string"))
        return string_constraint(a, s);
    return NULL;
}

/* oneOf/anyOf (schemas) or enum (values) as one alternation; NULL when
 * any alternative allows anything the language cannot say. */
static const char *alternatives(Arena *a, const JsonVal *doc,
                                const JsonVal *alts, bool values, int depth)
{
    int n = jv_len(alts);
    if (n == 0 || n > OA_MAX_ALTS)
        return NULL;
    Strbuf out = STRBUF_INIT;
    const char *res = NULL;
    for (int i = 0; i < n; i++) {
        if (i)
            sb_putc(&out, '|');
        if (values) {
            if (!literal(jv_at(alts, i), &out))
                goto done;
            continue;
        }
        const char *t = schema_text(a, doc, jv_at(alts, i), depth);
        if (!t)
            goto done;
        sb_printf(&out, "(?:%s)", t);
    }
    res = arena_strdup(a, out.buf);
done:
    sb_release(&out);
    return res;
}

const char *openapi_constraint(Arena *a, const JsonVal *doc,
                               const JsonVal *schema)
{
    const char *t = schema_text(a, doc, schema, 0);
    if (!t)
        return NULL;
    ConsError err;
    Constraint *c = constraint_parse(a, t, &err);
    int off;
    if (!c || constraint_ambiguity(c, "", "", &off) != AMB_NONE)
        return NULL;
    return t;
}

/* ---- operations ---- */

static bool read_text(const char *file, const char *shown, Strbuf *text,
                      Strbuf *err)
{
    size_t n = strlen(file);
    if ((n > 5 && !strcasecmp(file + n - 5, ".yaml")) ||
        (n > 4 && !strcasecmp(file + n - 4, ".yml"))) {
        sb_printf(err, "'%s' is YAML; topoc reads OpenAPI documents as JSON "
                       "(convert it, e.g. with 'yq -o=json')", shown);
        return false;
    }
    FILE *f = fopen(file, "rb");
    if (!f) {
        sb_printf(err, "cannot read '%s'", shown);
        return false;
    }
    char buf[65536];
    size_t got;
    bool ok = true;
    while (ok && (got = fread(buf, 1, sizeof buf, f)) > 0) {
        sb_add(text, buf, got);
        ok = text->len <= OPENAPI_MAX_BYTES;
    }
    if (ferror(f) && ok) {
        sb_printf(err, "cannot read '%s' (is it a file?)", shown);
        ok = false;
    } else if (!ok) {
        sb_printf(err, "'%s' is over %d MiB", shown, OPENAPI_MAX_BYTES >> 20);
    }
    fclose(f);
    return ok;
}

/* The first server URL, its {variables} replaced by their defaults: the
 * host (NULL for a relative URL) and the path prefix, no final '/'. */
static const char *first_server(Arena *a, const JsonVal *doc,
                                const char **host)
{
    *host = NULL;
    const JsonVal *sv = jv_at(jv_get(doc, "servers"), 0);
    const JsonVal *url = jv_get(sv, "url");
    if (jv_kind(url) != JV_STR)
        return "";
    Strbuf u = STRBUF_INIT;
    for (const char *p = jv_string(url); *p; p++) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (!close) {
            sb_putc(&u, *p);
            continue;
        }
        const char *name = arena_strndup(a, p + 1, (size_t)(close - p - 1));
        const JsonVal *d = jv_get(jv_get(jv_get(sv, "variables"), name),
                                  "default");
        if (jv_kind(d) == JV_STR)
            sb_puts(&u, jv_string(d));
        p = close;
    }
    const char *s = u.buf ? u.buf : "", *path = s;
    const char *scheme = strstr(s, "://");
    if (scheme) {
        const char *h = scheme + 3;
        size_t hl = strcspn(h, "/:?#");
        *host = arena_strndup(a, h, hl);
        path = h + strcspn(h, "/?#");
    }
    size_t pl = strcspn(path, "?#");
    while (pl && path[pl - 1] == '/')
        pl--;
    const char *prefix = *path == '/' ? arena_strndup(a, path, pl) : "";
    sb_release(&u);
    return prefix;
}

/* A parameter name as a route template writes it (letters, digits, '_'). */
static const char *param_name(Arena *a, const char *s, size_t n)
{
    char *t = arena_strndup(a, s, n);
    for (char *p = t; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_')
            *p = '_';
    return t;
}

/* prefix + key as a route path; NULL with err when it cannot be one. */
static const char *route_path(Arena *a, const char *prefix, const char *key,
                              Strbuf *err)
{
    Strbuf p = STRBUF_INIT;
    sb_puts(&p, prefix);
    const char *why = key[0] != '/' ? "does not start with '/'" : NULL;
    for (const char *s = key; !why && *s == '/';) {
        const char *seg = ++s;
        s += strcspn(s, "/");
        size_t len = (size_t)(s - seg);
        const char *open = memchr(seg, '{', len);
        const char *close = open ? memchr(open, '}', len - (size_t)(open - seg))
                                 : NULL;
        if (len == 0 && !(seg == key + 1 && !*s))
            why = "has an empty segment";
        else if (open && (!close || close == open + 1 ||
                          memchr(close, '{', len - (size_t)(close - seg))))
            why = "has a segment that is not literal text around one {name}";
        else if (!open && memchr(seg, '}', len))
            why = "has a '}' without '{'";
        if (why || len == 0)
            break;
        sb_putc(&p, '/');
        if (!open) {
            sb_add(&p, seg, len);
            continue;
        }
        sb_add(&p, seg, (size_t)(open - seg + 1));
        sb_puts(&p, param_name(a, open + 1, (size_t)(close - open - 1)));
        sb_add(&p, close, len - (size_t)(close - seg));
    }
    const char *res = NULL;
    if (why)
        sb_printf(err, "path '%s' %s, so no route can match it", key, why);
    else
        res = arena_strdup(a, p.len ? p.buf : "/");
    sb_release(&p);
    return res;
}

/* The schema of path parameter `name` (route spelling): the operation's
 * own parameters first, then the path item's. */
static const JsonVal *param_schema(Arena *a, const JsonVal *doc,
                                   const JsonVal *op, const JsonVal *item,
                                   const char *name)
{
    const JsonVal *lists[2] = {jv_get(op, "parameters"),
                               jv_get(item, "parameters")};
    for (int l = 0; l < 2; l++)
        for (int i = 0; i < jv_len(lists[l]); i++) {
            const JsonVal *p = deref(a, doc, jv_at(lists[l], i));
            const JsonVal *in = jv_get(p, "in"), *nm = jv_get(p, "name");
            if (jv_kind(in) != JV_STR || strcmp(jv_string(in), "path") ||
                jv_kind(nm) != JV_STR)
                continue;
            const char *n = jv_string(nm);
            if (!strcmp(param_name(a, n, strlen(n)), name))
                return jv_get(p, "schema");
        }
    return NULL;
}

static void op_params(Arena *a, const JsonVal *doc, const JsonVal *op,
                      const JsonVal *item, Route *r)
{
    int cap = 0;
    for (const char *p = r->path.s; *p; p++)
        cap += *p == '{';
    r->params.v = arena_alloc(a, ((size_t)cap + 1) * sizeof(void *));
    for (const char *p = strchr(r->path.s, '{'); p; p = strchr(p + 1, '{')) {
        const char *name = arena_strndup(a, p + 1, strcspn(p + 1, "}"));
        const JsonVal *s = param_schema(a, doc, op, item, name);
        const char *c = s ? openapi_constraint(a, doc, s) : NULL;
        if (!c)
            continue;
        KeyVal *kv = arena_alloc(a, sizeof *kv);
        kv->key.s = name;
        kv->value.s = c;
        r->params.v[r->params.n++] = kv;
    }
}

static void add_op(Arena *a, OaDoc *out, int *cap, const OaOp *op)
{
    if (out->nops == *cap) {
        int nc = *cap ? *cap * 2 : 64;
        out->ops = arena_grow(a, out->ops, (size_t)out->nops, (size_t)nc,
                              sizeof *out->ops);
        *cap = nc;
    }
    out->ops[out->nops++] = *op;
}

/* The operations of one path item, in route_method_names order. */
static bool item_ops(Arena *a, const JsonVal *doc, const char *key,
                     const char *path, const JsonVal *item, OaDoc *out,
                     int *cap)
{
    for (int m = 0; m < 7; m++) {
        char lower[8];
        const char *name = route_method_names[m];
        size_t i = 0;
        for (; name[i]; i++)
            lower[i] = (char)tolower((unsigned char)name[i]);
        lower[i] = 0;
        const JsonVal *op = deref(a, doc, jv_get(item, lower));
        if (jv_kind(op) != JV_OBJ)
            continue;
        OaOp o = {.method = name, .key = key};
        const JsonVal *id = jv_get(op, "operationId");
        o.id = jv_kind(id) == JV_STR ? arena_strdup(a, jv_string(id)) : NULL;
        o.route.path.s = path;
        o.route.methods.v = arena_alloc(a, sizeof(Str));
        o.route.methods.v[0].s = name;
        o.route.methods.n = 1;
        op_params(a, doc, op, item, &o.route);
        add_op(a, out, cap, &o);
    }
    return true;
}

const char *openapi_file(Arena *a, const OpenApiRef *ref)
{
    const char *d = ref->document.s;
    if (d[0] == '/' || !loc_src(ref->document.loc) ||
        !loc_src(ref->document.loc)->path)
        return d;
    char *spec = arena_strdup(a, loc_src(ref->document.loc)->path);
    const char *dir = dirname(spec);
    return strcmp(dir, ".") ? arena_printf(a, "%s/%s", dir, d) : d;
}

const char **openapi_files(Arena *a, const Model *m, int *n)
{
    int cap = 0;
    for (int e = 0; e < m->nenvs; e++)
        for (int i = 0; i < m->envs[e].nservices; i++)
            cap += m->envs[e].services[i]->openapi.n;
    const char **v = arena_alloc(a, ((size_t)cap + 1) * sizeof *v);
    *n = 0;
    for (int e = 0; e < m->nenvs; e++)
        for (int i = 0; i < m->envs[e].nservices; i++) {
            const List *l = &m->envs[e].services[i]->openapi;
            for (int k = 0; k < l->n; k++)
                v[(*n)++] = openapi_file(a, l->v[k]);
        }
    return v;
}

bool openapi_read(Arena *a, const char *file, const char *shown, OaDoc *out,
                  Strbuf *err)
{
    memset(out, 0, sizeof *out);
    Strbuf text = STRBUF_INIT;
    if (!read_text(file, shown, &text, err)) {
        sb_release(&text);
        return false;
    }
    char jerr[200];
    JsonVal *doc = jv_parse(text.buf ? text.buf : "", text.len, jerr,
                            sizeof jerr);
    sb_release(&text);
    if (!doc) {
        sb_printf(err, "'%s' is not JSON: %s", shown, jerr);
        return false;
    }
    const JsonVal *ver = jv_get(doc, "openapi"), *paths = jv_get(doc, "paths");
    bool ok = jv_kind(ver) == JV_STR && !strncmp(jv_string(ver), "3.", 2) &&
              jv_kind(paths) == JV_OBJ;
    if (!ok)
        sb_printf(err, "'%s' is not an OpenAPI 3.x document (no 'openapi: "
                       "3.x' and 'paths')", shown);
    const char *host, *prefix = ok ? first_server(a, doc, &host) : "";
    if (ok)
        out->server_host = host;
    int n, cap = 0;
    const char **keys = ok ? jv_keys(a, paths, &n) : NULL;
    for (int i = 0; ok && i < n; i++) {
        const char *key = arena_strdup(a, keys[i]);
        const JsonVal *item = deref(a, doc, jv_get(paths, keys[i]));
        const char *path = route_path(a, prefix, key, err);
        ok = path && jv_kind(item) == JV_OBJ &&
             item_ops(a, doc, key, path, item, out, &cap);
        if (path && !ok)
            sb_printf(err, "path '%s' is not a path item", key);
    }
    jv_free(doc);
    return ok;
}
