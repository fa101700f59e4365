/* review_schema.c - the spec language as JSON Schema (draft-07), for
 * editors (yaml-language-server) and CI validators.
 *
 * The structure is walked from the same tables as the decoder (schema.c):
 * every key, its type, required keys, defaults, enums and ranges, with
 * additionalProperties:false everywhere, so a misspelt key is flagged in
 * the editor exactly where `topoc check` flags it.  Descriptions and
 * examples are the words of specs/README.md (generated into spec_docs.c),
 * which a test keeps in step with the tables.
 *
 * An editor sees YAML 1.2 (yaml-language-server): an unquoted 8080 is a
 * number, 64k and 5m are strings, 1.2 is a number.  topoc reads every
 * scalar as text and then types it, so where topoc accepts a unit suffix
 * the schema accepts a string with that suffix, and an enum value that
 * YAML 1.2 would read as a number (tls "1.2") is listed as both.
 * Draft-07 because every consumer here supports it (python3-jsonschema
 * 4.10, yaml-language-server, ajv's default).
 */
#include "topoc/review.h"
#include "topoc/schema.h"

#include "review_docs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ECMA-262 patterns mirroring decode_formats.c */
#define RE_NAME "^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$"
#define RE_LABEL "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
#define RE_ILABEL "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
#define RE_DOMAIN "^" RE_LABEL "(\\." RE_LABEL ")*$"
#define RE_OCTET "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
#define RE_V4 RE_OCTET "(\\." RE_OCTET "){3}"

typedef struct Ctx {
    const char *kind;    /* platform, service, waivers: the README's table */
    const Schema *owner; /* the schema an F_OVERRIDES field overrides */
} Ctx;

static JsonVal *obj_schema(const Ctx *c, const Schema *s, const char *path,
                           bool partial, bool in_map);


static JsonVal *string_pattern(const char *re, int maxlen)
{
    JsonVal *o = jv_obj();
    jv_set(o, "type", jv_str("string"));
    jv_set(o, "pattern", jv_str(re));
    if (maxlen)
        jv_set(o, "maxLength", jv_int(maxlen));
    return o;
}

/* An enum: each word, and its number too when YAML 1.2 reads it as one. */
static JsonVal *enum_schema(const char *const *values)
{
    JsonVal *e = jv_arr();
    for (const char *const *v = values; *v; v++) {
        jv_push(e, jv_str(*v));
        char *end;
        strtod(*v, &end);
        if (*end == '\0' && end != *v) {
            char err[64];
            jv_push(e, jv_parse(*v, strlen(*v), err, sizeof err));
        }
    }
    JsonVal *o = jv_obj();
    jv_set(o, "enum", e);
    return o;
}

/* A number written with or without a unit: the number's bounds are in
 * the base unit (bytes, seconds), which is what a plain number means. */
static JsonVal *unit_schema(const Field *f, const char *re)
{
    JsonVal *o = jv_obj(), *t = jv_arr();
    jv_push(t, jv_str("integer"));
    jv_push(t, jv_str("string"));
    jv_set(o, "type", t);
    jv_set(o, "pattern", jv_str(re));
    if (f && f->max > 0) {
        jv_set(o, "minimum", jv_int(f->min));
        jv_set(o, "maximum", jv_int(f->max));
    }
    return o;
}

static JsonVal *scalar_schema(const Field *f, FieldType t)
{
    JsonVal *o;
    switch (t) {
    case F_STR: {
        o = jv_obj();
        JsonVal *ty = jv_arr();
        jv_push(ty, jv_str("string"));
        jv_push(ty, jv_str("number"));
        jv_push(ty, jv_str("boolean"));
        jv_set(o, "type", ty);
        /* no control character but tab and line breaks (decode.c) */
        jv_set(o, "pattern",
               jv_str("^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"));
        return o;
    }
    case F_NAME: return string_pattern(RE_NAME, 63);
    case F_ENUM: return enum_schema(f->values);
    case F_INT:
        o = jv_obj();
        jv_set(o, "type", jv_str("integer"));
        if (f->max > 0) {
            jv_set(o, "minimum", jv_int(f->min));
            jv_set(o, "maximum", jv_int(f->max));
        }
        return o;
    case F_BOOL:
        o = jv_obj();
        jv_set(o, "type", jv_str("boolean"));
        return o;
    case F_BYTES:
        return unit_schema(f, "^[0-9]+([bBkKmMgG]|[KMG]B|[KMG]i|[KMG]iB)?$");
    case F_DURATION: return unit_schema(f, "^[0-9]+[smhd]?$");
    case F_CPU: {
        o = unit_schema(NULL, "^[0-9]+(m|\\.[0-9]{1,3})?$");
        JsonVal *ty = jv_arr();
        jv_push(ty, jv_str("number"));
        jv_push(ty, jv_str("string"));
        jv_set(o, "type", ty); /* 0.5 cores; bounds are in millicores */
        return o;
    }
    case F_REGION: return string_pattern("^ *[A-Za-z0-9][A-Za-z0-9 ]*$", 63);
    case F_DOMAIN: return string_pattern(RE_DOMAIN, 253);
    case F_URL:
        return string_pattern("^https?://" RE_LABEL "(\\." RE_LABEL ")*"
                              "([:/?#][-A-Za-z0-9._~:/?#\\[\\]@!$&*+,;=%]*)?$",
                              0);
    case F_CIDR:
        return string_pattern("^" RE_V4 "/(3[0-2]|[12]?[0-9])$", 0);
    case F_IPNET:
        return string_pattern("^(" RE_V4 "(/(3[0-2]|[12]?[0-9]))?|"
                              "[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(/[0-9]{1,3})?)$",
                              0);
    case F_PATH:
        return string_pattern("^/(?!.*//)(?!(.*/)?\\.\\.?(/|$))"
                              "([-A-Za-z0-9._~!+,:@/]|"
                              "\\{[A-Za-z_][A-Za-z0-9_]*\\})*"
                              "((?<=/)\\*\\*)?$",
                              2048);
    case F_IMAGE: return string_pattern("^[a-z0-9][a-z0-9._/:@-]*$", 255);
    case F_DATE:
        return string_pattern("^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|"
                              "3[01])$",
                              0);
    case F_SECVAR: return string_pattern("^[A-Za-z0-9_.:/^*|-]+$", 128);
    case F_HEADER: return string_pattern("^[A-Za-z0-9_.-]+$", 128);
    case F_EMAIL:
        return string_pattern("^[-A-Za-z0-9.!#$%&'*+/=?^_`{|}~]{1,64}@"
                              "(?=.{1,253}$)" RE_ILABEL "(\\." RE_ILABEL ")+$",
                              254);
    default: return jv_obj();
    }
}

/* A value as the README or a default writes it, typed as an editor's YAML
 * 1.2 parser would read it; NULL when it is not a plain value. */
static JsonVal *typed(FieldType t, const char *text)
{
    if (!*text || strchr(text, '{') || strstr(text, "..."))
        return NULL;
    char *end;
    switch (t) {
    case F_INT:
        strtoll(text, &end, 10);
        return *end ? NULL : jv_int(strtoll(text, NULL, 10));
    case F_BOOL:
        return strcmp(text, "true") == 0    ? jv_bool(true)
               : strcmp(text, "false") == 0 ? jv_bool(false)
                                            : NULL;
    case F_BYTES:
    case F_DURATION:
    case F_CPU:
    case F_ENUM: {
        strtod(text, &end);
        if (*end == '\0') {
            char err[64];
            JsonVal *v = jv_parse(text, strlen(text), err, sizeof err);
            if (v)
                return v;
        }
        return jv_str(text);
    }
    default:
        return jv_str(text);
    }
}

/* A list written "[a, b]" or, for defaults, "a,b". */
static JsonVal *typed_list(FieldType item, const char *text)
{
    size_t n = strlen(text);
    if (text[0] == '[' && n >= 2 && text[n - 1] == ']') {
        text++;
        n -= 2;
    }
    JsonVal *a = jv_arr();
    while (n > 0) {
        size_t k = 0;
        while (k < n && text[k] != ',')
            k++;
        char buf[256];
        size_t b = 0;
        for (size_t i = 0; i < k && b < sizeof buf - 1; i++)
            if (text[i] != ' ')
                buf[b++] = text[i];
        buf[b] = '\0';
        if (b)
            jv_push(a, typed(item == F_ENUM ? F_STR : item, buf));
        text += k < n ? k + 1 : k;
        n -= k < n ? k + 1 : k;
    }
    return a;
}

static const SpecDoc *doc_for(const Ctx *c, const char *path)
{
    for (int i = 0; i < nspec_docs; i++)
        if (strcmp(spec_docs[i].kind, c->kind) == 0 &&
            strcmp(spec_docs[i].key, path) == 0)
            return &spec_docs[i];
    return NULL;
}

/* description, default, examples: what the editor shows on hover */
static void annotate(const Ctx *c, const Field *f, const char *path,
                     JsonVal *o)
{
    const SpecDoc *d = doc_for(c, path);
    if (d && *d->meaning)
        jv_set(o, "description", jv_str(d->meaning));
    FieldType t = f->type == F_STRLIST ? f->item : f->type;
    bool list = f->type == F_STRLIST;
    if (f->dflt && !(f->flags & FL_REQUIRED))
        jv_set(o, "default",
               list ? typed_list(t, f->dflt) : typed(t, f->dflt));
    if (d && *d->example && f->type != F_OBJ && f->type != F_LIST &&
        f->type != F_MAP) {
        JsonVal *ex = d->example[0] == '[' ? typed_list(t, d->example)
                                           : typed(t, d->example);
        if (ex) {
            JsonVal *a = jv_arr();
            jv_push(a, ex);
            jv_set(o, "examples", a);
        }
    }
}

/* A map of names to entries (environments, teams, stores...); the keys of
 * a map of values (params, settings) are not names. */
static JsonVal *names_of(JsonVal *entry, bool nonempty, bool named)
{
    JsonVal *o = jv_obj();
    jv_set(o, "type", jv_str("object"));
    if (named)
        jv_set(o, "propertyNames", string_pattern(RE_NAME, 63));
    jv_set(o, "additionalProperties", entry);
    if (nonempty)
        jv_set(o, "minProperties", jv_int(1));
    return o;
}

static JsonVal *field_schema(const Ctx *c, const Field *f, const char *path,
                             bool partial)
{
    char sub[256];
    JsonVal *o;
    switch (f->type) {
    case F_OBJ:
        return obj_schema(c, f->sub, path, partial, false);
    case F_LIST:
        snprintf(sub, sizeof sub, "%s[]", path);
        o = jv_obj();
        jv_set(o, "type", jv_str("array"));
        /* a list in an override replaces the base list whole */
        jv_set(o, "items", obj_schema(c, f->sub, sub, false, false));
        if (f->flags & FL_NONEMPTY)
            jv_set(o, "minItems", jv_int(1));
        return o;
    case F_MAP:
        snprintf(sub, sizeof sub, "%s.NAME", path);
        return names_of(obj_schema(c, f->sub, sub, partial, true),
                        (f->flags & FL_NONEMPTY) && !partial, true);
    case F_KV:
        return names_of(scalar_schema(f, F_STR), false, false);
    case F_STRLIST: {
        /* a single value means a list of one */
        JsonVal *arr = jv_obj();
        jv_set(arr, "type", jv_str("array"));
        jv_set(arr, "items", scalar_schema(f, f->item));
        if (f->flags & FL_NONEMPTY)
            jv_set(arr, "minItems", jv_int(1));
        JsonVal *any = jv_arr();
        jv_push(any, arr);
        jv_push(any, scalar_schema(f, f->item));
        o = jv_obj();
        jv_set(o, "anyOf", any);
        return o;
    }
    case F_OVERRIDES: {
        /* ENV: the owner's keys, each optional; what cannot be overridden
         * is not offered */
        char base[256];
        snprintf(base, sizeof base, "%.*s", (int)(strlen(path) -
                 strlen(f->key)), path);
        size_t n = strlen(base);
        if (n && base[n - 1] == '.')
            base[n - 1] = '\0';
        return names_of(obj_schema(c, c->owner, base, true, true), false,
                        true);
    }
    default:
        return scalar_schema(f, f->type);
    }
}

static bool not_overridable(const Field *f)
{
    return f->type == F_OVERRIDES || (f->flags & FL_KEY) ||
           strcmp(f->key, "single-environment") == 0;
}

/* partial: an override (no key required); in_map: the entry of a map of
 * names, whose name field is the map's key. */
static JsonVal *obj_schema(const Ctx *c, const Schema *s, const char *path,
                           bool partial, bool in_map)
{
    JsonVal *props = jv_obj(), *req = jv_arr();
    Ctx inner = *c;
    if (s == &schema_service || s == &schema_store)
        inner.owner = s;
    for (int i = 0; i < s->nfields; i++) {
        const Field *f = &s->fields[i];
        if ((f->flags & FL_COMPUTED) || ((f->flags & FL_KEY) && in_map))
            continue;
        if (partial && in_map && not_overridable(f))
            continue;
        char sub[256];
        snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", f->key);
        JsonVal *fs = field_schema(&inner, f, sub, partial);
        annotate(&inner, f, sub, fs);
        jv_set(props, f->key, fs);
        if ((f->flags & FL_REQUIRED) && !partial)
            jv_push(req, jv_str(f->key));
    }
    JsonVal *o = jv_obj();
    bool empty_ok = jv_len(req) == 0; /* 'key:' alone means all defaults */
    if (empty_ok) {
        JsonVal *t = jv_arr();
        jv_push(t, jv_str("object"));
        jv_push(t, jv_str("null"));
        jv_set(o, "type", t);
    } else {
        jv_set(o, "type", jv_str("object"));
    }
    jv_set(o, "properties", props);
    jv_set(o, "additionalProperties", jv_bool(false));
    if (jv_len(req))
        jv_set(o, "required", req);
    else
        jv_free(req);
    return o;
}

static const struct {
    const char *kind;
    const Schema *s;
    const char *title;
} kinds[] = {
    {"platform", &schema_platform,
     "topoc platform document: residency, environments, edge, teams, "
     "sources, stores, policy"},
    {"service", &schema_service, "topoc service document"},
    {"waivers", &schema_waivers, "topoc waivers document"},
};

static JsonVal *kind_is(const char *kind)
{
    JsonVal *o = jv_obj(), *props = jv_obj(), *k = jv_obj();
    jv_set(k, "const", jv_str(kind));
    jv_set(props, "kind", k);
    jv_set(o, "properties", props);
    return o;
}

/* The one rule between keys that the decoder enforces beyond the tables:
 * a service of kind 'connector' has a 'connector' block, and only it. */
static JsonVal *connector_rule(void)
{
    JsonVal *req = jv_obj(), *keys = jv_arr();
    jv_push(keys, jv_str("connector"));
    jv_set(req, "required", keys);
    JsonVal *need = jv_obj();
    jv_set(need, "if", kind_is("connector"));
    jv_set(need, "then", req);
    JsonVal *none = jv_obj(), *props = jv_obj(), *no = jv_obj();
    JsonVal *never = jv_obj();
    jv_set(never, "not", jv_obj());
    jv_set(never, "description", jv_str("only a service of kind 'connector' has a connector block"));
    jv_set(props, "connector", never);
    jv_set(no, "properties", props);
    jv_set(none, "if", kind_is("connector"));
    jv_set(none, "else", no);
    JsonVal *all = jv_arr();
    jv_push(all, need);
    jv_push(all, none);
    return all;
}

static JsonVal *kind_schema(int k)
{
    Ctx c = {kinds[k].kind, NULL};
    JsonVal *o = obj_schema(&c, kinds[k].s, "", false, false);
    if (kinds[k].s == &schema_service)
        jv_set(o, "allOf", connector_rule());
    jv_set(o, "title", jv_str(kinds[k].title));
    jv_set(o, "type", jv_str("object")); /* a document is never empty */
    return o;
}

static JsonVal *ref_to(const char *kind)
{
    char buf[64];
    snprintf(buf, sizeof buf, "#/definitions/%s", kind);
    JsonVal *o = jv_obj();
    jv_set(o, "$ref", jv_str(buf));
    return o;
}

static JsonVal *when_key(const char *key, JsonVal *then, JsonVal *otherwise)
{
    JsonVal *cond = jv_obj(), *req = jv_arr(), *o = jv_obj();
    jv_push(req, jv_str(key));
    jv_set(cond, "required", req);
    jv_set(o, "if", cond);
    jv_set(o, "then", then);
    jv_set(o, "else", otherwise);
    return o;
}

/* Any document: the kind follows its key, as the loader decides it. */
static JsonVal *any_schema(void)
{
    JsonVal *defs = jv_obj();
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        jv_set(defs, kinds[k].kind, kind_schema((int)k));
    JsonVal *o = when_key("platform", ref_to("platform"),
                          when_key("waivers", ref_to("waivers"),
                                   ref_to("service")));
    jv_set(o, "title", jv_str("topoc spec document (platform, service or "
                              "waivers)"));
    jv_set(o, "definitions", defs);
    return o;
}

int review_json_schema(const char *kind, Strbuf *out)
{
    JsonVal *root = NULL;
    if (!kind)
        root = any_schema();
    for (size_t k = 0; kind && k < sizeof kinds / sizeof kinds[0]; k++)
        if (strcmp(kind, kinds[k].kind) == 0)
            root = kind_schema((int)k);
    if (!root)
        return -1;
    jv_set(root, "$schema", jv_str("http://json-schema.org/draft-07/schema#"));
    jv_write(root, out);
    jv_free(root);
    return 0;
}
