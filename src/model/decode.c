/* decode.c - stage 2: document tree -> model structs, driven by schema.c.
 *
 * Every schema problem is reported here, and decoding goes on after each one
 * so that one run shows them all: wrong types, missing required keys,
 * unknown keys (with "did you mean"), values outside their set or range.
 * Absent keys take their defaults, so later stages never guess.
 */
#include "topoc/schema.h"
#include "topoc/util.h"

#include "decode_formats.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct Dec {
    Arena *a;
    Diags *ds;
} Dec;

/* What an object is called in messages: "runtime", "service 'orders'".
 * Kept in two parts and joined only when a message needs it. */
typedef struct What {
    const char *kind, *name;
} What;

static const char *what_str(Dec *d, What w)
{
    return w.name ? arena_printf(d->a, "%s '%s'", w.kind, w.name) : w.kind;
}

static void *decode_obj(Dec *d, const Schema *s, const Node *n, What what,
                        Loc at);

/* ---- scalars ---- */


static Diag *bad_value(Dec *d, const Node *n, const char *key,
                       const char *fmt, const char *detail)
{
    Diag *g = diag_error(d->ds, n->loc, "invalid-value", fmt, key, n->str);
    if (detail)
        diag_help(d->ds, g, "%s", detail);
    return g;
}

static void list_values(Strbuf *sb, const char *const *v)
{
    for (int i = 0; v[i]; i++)
        sb_printf(sb, "%s%s", i ? ", " : "", v[i]);
}

static int count_values(const char *const *v)
{
    int n = 0;
    while (v[n])
        n++;
    return n;
}

/* A limit as a person would write it: 16Mi rather than 16777216. */
static void fmt_limit(char *buf, size_t n, FieldType t, long long v)
{
    static const char *const units[] = {"Gi", "Mi", "Ki"};
    if (t == F_BYTES && v > 0) {
        for (int i = 0; i < 3; i++) {
            long long m = 1LL << (10 * (3 - i));
            if (v % m == 0) {
                snprintf(buf, n, "%lld%s", v / m, units[i]);
                return;
            }
        }
    }
    snprintf(buf, n, "%lld%s", v,
             t == F_DURATION ? "s" : t == F_CPU ? "m" : "");
}

static bool check_range(Dec *d, const Field *f, const Node *n, long long v)
{
    if (f->max <= 0 || (v >= f->min && v <= f->max))
        return true;
    char lo[32], hi[32];
    fmt_limit(lo, sizeof lo, f->type, f->min);
    fmt_limit(hi, sizeof hi, f->type, f->max);
    Diag *g = diag_error(d->ds, n->loc, "invalid-value",
                         "'%s' is out of range for '%s'", n->str, f->key);
    diag_help(d->ds, g, "allowed: %s to %s", lo, hi);
    return false;
}

/* Free text is bounded: it reaches labels, tooltips and every output, and
 * 50,000 line breaks in a display name once crashed Graphviz. */
enum { TEXT_MAX_BYTES = 4096, TEXT_MAX_LINES = 40 };

static bool text_too_long(Dec *d, const Field *f, const Node *n)
{
    size_t len = strlen(n->str);
    if (len < TEXT_MAX_LINES)
        return false; /* too short to hold that many lines */
    int lines = 1;
    for (const char *p = n->str; (p = strchr(p, '\n')); p++)
        lines++;
    if (len <= TEXT_MAX_BYTES && lines <= TEXT_MAX_LINES)
        return false;
    Diag *g = diag_error(d->ds, n->loc, "invalid-value",
                         "'%s' is %zu bytes in %d lines: too long", f->key,
                         len, lines);
    diag_help(d->ds, g, "free text may hold at most %d bytes in %d lines",
              TEXT_MAX_BYTES, TEXT_MAX_LINES);
    return true;
}

/* A control character (other than tab and line breaks) in free text: YAML
 * writes one as an escape ("\e", "\x07"), and XML cannot hold it, so an
 * SVG, a JUnit report or a docs page quoting the text would be refused
 * by whatever reads it, and a terminal would obey it. */
static bool text_control(Dec *d, const Field *f, const Node *n)
{
    for (const unsigned char *p = (const unsigned char *)n->str; *p; p++) {
        if ((*p >= 0x20 && *p != 0x7f) || *p == '\t' || *p == '\n' ||
            *p == '\r')
            continue;
        Diag *g = diag_error(d->ds, n->loc, "invalid-value",
                             "'%s' holds the control character U+%04X "
                             "(character %zu of its value)",
                             f->key, *p,
                             (size_t)(p - (const unsigned char *)n->str) + 1);
        diag_help(d->ds, g, "remove it: free text may hold tabs and line "
                            "breaks, no other control character (the SVG, "
                            "HTML and XML outputs quoting it could not)");
        return true;
    }
    return false;
}

/* A map, a list or nothing where a value of type t is expected. */
static void not_a_scalar(Dec *d, const Field *f, FieldType t, const Node *n)
{
    Diag *g = diag_error(d->ds, n->loc, "type-mismatch",
                         "'%s' expects %s, found %s", f->key, schema_type_desc(t),
                         n->kind == NODE_NULL  ? "no value"
                         : n->kind == NODE_MAP ? "a map"
                                               : "a list");
    if (n->kind == NODE_NULL)
        diag_help(d->ds, g, "write a value after the ':' or remove the key");
}

/* A count, a size (512Mi), a duration (30s) or CPU (500m), unquoted, in
 * the field's range. */
static void decode_number(Dec *d, const Field *f, FieldType t, const Node *n,
                          Int *out)
{
    const char *s = n->str;
    long long v = 0;
    char *end = NULL;
    bool ok = !n->quoted && (t == F_INT     ? fmt_parse_ll(s, &v, &end) && !*end
                             : t == F_BYTES ? fmt_parse_bytes(s, &v)
                             : t == F_CPU   ? fmt_parse_cpu(s, &v)
                                            : fmt_parse_seconds(s, &v));
    const char *digits = s + (*s == '-');
    if (!ok && !n->quoted && t == F_INT && *digits &&
        strspn(digits, "0123456789") == strlen(digits)) {
        /* an integer, only too long for any field (strtoll's ERANGE) */
        Diag *g = diag_error(d->ds, n->loc, "invalid-value",
                             "'%s' is out of range for '%s'", s, f->key);
        char lo[32], hi[32];
        fmt_limit(lo, sizeof lo, f->type, f->min);
        fmt_limit(hi, sizeof hi, f->type, f->max);
        if (f->max > 0)
            diag_help(d->ds, g, "allowed: %s to %s", lo, hi);
        return;
    }
    if (!ok) {
        Diag *g = diag_error(d->ds, n->loc, "type-mismatch",
                             "'%s' expects %s, found '%s'", f->key,
                             schema_type_desc(t), s);
        if (n->quoted)
            diag_help(d->ds, g,
                      "remove the quotes: a quoted value is always text");
        return;
    }
    if (check_range(d, f, n, v)) {
        *out = (Int){v, n->loc};
        out->loc.set = 1;
    }
}

static void decode_bool(Dec *d, const Field *f, const Node *n, Bool *out)
{
    const char *s = n->str;
    if (!n->quoted && (!strcmp(s, "true") || !strcmp(s, "false"))) {
        *out = (Bool){s[0] == 't', n->loc};
        out->loc.set = 1;
        return;
    }
    diag_help(d->ds,
              diag_error(d->ds, n->loc, "type-mismatch",
                         "'%s' expects true or false, found '%s'", f->key, s),
              "write true or false, unquoted (yes/no/on/off are not "
              "booleans here)");
}

static void decode_enum(Dec *d, const Field *f, const Node *n, Str *out)
{
    const char *s = n->str;
    for (int i = 0; f->values[i]; i++) {
        if (s[0] == f->values[i][0] && strcmp(s, f->values[i]) == 0) {
            *out = (Str){f->values[i], n->loc};
            return;
        }
    }
    Diag *g = diag_error(d->ds, n->loc, "invalid-value",
                         "'%s' is not a valid value for '%s'", s, f->key);
    diag_suggest(d->ds, g, s, f->values, count_values(f->values));
    Strbuf sb = STRBUF_INIT;
    list_values(&sb, f->values);
    diag_help(d->ds, g, "expected one of: %s", sb.buf);
    sb_release(&sb);
}

/* An Azure region as written ('UK West') becomes its name (ukwest). */
static void decode_region(Dec *d, const Field *f, const Node *n, Str *out)
{
    const char *s = n->str;
    char buf[64];
    size_t k = 0;
    for (const char *p = s; *p && k < sizeof buf - 1; p++)
        if (*p != ' ')
            buf[k++] = (char)tolower((unsigned char)*p);
    buf[k] = '\0';
    bool ok = k > 0 && strlen(s) < sizeof buf;
    for (size_t i = 0; i < k; i++)
        ok = ok &&
             (islower((unsigned char)buf[i]) || isdigit((unsigned char)buf[i]));
    if (!ok) {
        bad_value(d, n, f->key, "'%s' is not a region name: '%s'",
                  "write an Azure region such as uksouth or 'UK West'");
        return;
    }
    *out = (Str){arena_strdup(d->a, buf), n->loc};
}

/* The text formats a predicate decides: what is wrong, and how to fix it. */
static const struct {
    FieldType t;
    bool (*valid)(const char *s);
    const char *fmt, *help;
} TEXT_FORMATS[] = {
    {F_NAME, fmt_valid_name, "'%s' must be a name, found '%s'",
     "names use lower-case letters, digits and '-', start with a letter and "
     "are at most 63 characters"},
    {F_DOMAIN, fmt_valid_domain, "'%s' must be a DNS name, found '%s'",
     "lower-case labels of letters, digits and '-', separated by dots"},
    {F_URL, fmt_valid_url, "'%s' must be a URL, found '%s'",
     "write https://host/path with no spaces or quotes"},
    {F_DATE, fmt_valid_date, "'%s' must be a date, found '%s'",
     "write it as YYYY-MM-DD, e.g. 2027-03-31"},
    {F_IMAGE, fmt_valid_image, "'%s' must be a container image, found '%s'",
     "write registry/name:tag in lower case"},
    {F_EMAIL, fmt_valid_email, "'%s' must be an email address, found '%s'",
     "write name@domain, e.g. ops@example.com: Azure Monitor mails the "
     "team's alerts to it"},
};

/* Variables and header names reach quoted SecLang inside quoted nginx
 * directives: only characters that need no quoting anywhere. */
static bool bad_plain_name(Dec *d, const Field *f, FieldType t, const Node *n)
{
    const char *s = n->str;
    const char *allowed = t == F_SECVAR ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
                                          "klmnopqrstuvwxyz0123456789_-.:/^*|"
                                        : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
                                          "klmnopqrstuvwxyz0123456789_-.";
    if (*s && strlen(s) <= 128 && strspn(s, allowed) == strlen(s))
        return false;
    bad_value(d, n, f->key, "'%s' must be a plain name, found '%s'",
              t == F_SECVAR ? "write a ModSecurity variable like ARGS:q or "
                              "REQUEST_HEADERS:User-Agent"
                            : "letters, digits, '-', '_' and '.' only");
    return true;
}

/* Whether text of type t breaks its format (then it is reported). */
static bool bad_text(Dec *d, const Field *f, FieldType t, const Node *n)
{
    const char *s = n->str, *why = NULL;
    for (size_t i = 0; i < sizeof TEXT_FORMATS / sizeof *TEXT_FORMATS; i++)
        if (TEXT_FORMATS[i].t == t) {
            if (TEXT_FORMATS[i].valid(s))
                return false;
            bad_value(d, n, f->key, TEXT_FORMATS[i].fmt, TEXT_FORMATS[i].help);
            return true;
        }
    switch (t) {
    case F_CIDR:
    case F_IPNET:
        if (fmt_valid_ipnet(s, t == F_CIDR, t == F_CIDR, &why))
            return false;
        bad_value(d, n, f->key,
                  t == F_CIDR ? "'%s' must be an IPv4 network, found '%s'"
                              : "'%s' must be an IP address or network, "
                                "found '%s'",
                  why ? why : "write it like 10.20.0.0/16");
        return true;
    case F_PATH: {
        const char *fix;
        why = fmt_path_problem(d->a, s, &fix);
        if (!why)
            return false;
        diag_help(d->ds,
                  diag_error(d->ds, n->loc, "invalid-path",
                             "invalid path '%s': %s", s, why),
                  "%s", fix);
        return true;
    }
    case F_SECVAR:
    case F_HEADER:
        return bad_plain_name(d, f, t, n);
    default:
        return t == F_STR && (text_control(d, f, n) || text_too_long(d, f, n));
    }
}

/* Decode scalar node n as type t into *out (a Str, Int or Bool). */
static void decode_scalar(Dec *d, const Field *f, FieldType t, const Node *n,
                          void *out)
{
    if (n->kind != NODE_SCALAR) {
        not_a_scalar(d, f, t, n);
        return;
    }
    switch (t) {
    case F_INT:
    case F_BYTES:
    case F_DURATION:
    case F_CPU:
        decode_number(d, f, t, n, out);
        return;
    case F_BOOL:
        decode_bool(d, f, n, out);
        return;
    case F_ENUM:
        decode_enum(d, f, n, out);
        return;
    case F_REGION:
        decode_region(d, f, n, out);
        return;
    default:
        if (!bad_text(d, f, t, n))
            *(Str *)out = (Str){n->str, n->loc};
    }
}

/* ---- containers ---- */

static Diag *want(Dec *d, const Node *n, const char *key, const char *what)
{
    return diag_error(d->ds, n->loc, "type-mismatch",
                      "'%s' expects %s, found %s", key, what,
                      n->kind == NODE_SCALAR ? "a single value"
                                             : node_kind_name(n->kind));
}

static void decode_strlist(Dec *d, const Field *f, const Node *n,
                           StrList *out)
{
    *out = (StrList){0};
    /* A single value is accepted for a list of one: `methods: GET`. */
    int count = n->kind == NODE_SEQ ? n->n : 1;
    Node *const *items = n->kind == NODE_SEQ ? n->items : (Node *const *)&n;
    if (n->kind == NODE_MAP) {
        want(d, n, f->key, "a list");
        return;
    }
    out->v = arena_alloc(d->a, (size_t)count * sizeof *out->v);
    out->loc = n->loc;
    for (int i = 0; i < count; i++) {
        Str s = {0};
        decode_scalar(d, f, f->item, items[i], &s);
        if (s.s)
            out->v[out->n++] = s;
    }
}

static void decode_list(Dec *d, const Field *f, const Node *n, List *out)
{
    *out = (List){0};
    if (n->kind != NODE_SEQ) {
        Diag *g = want(d, n, f->key, "a list");
        diag_help(d->ds, g, "start each entry on its own line with '- '");
        return;
    }
    out->v = arena_alloc(d->a, (size_t)n->n * sizeof *out->v);
    out->loc = n->loc;
    for (int i = 0; i < n->n; i++) {
        void *o = decode_obj(d, f->sub, n->items[i],
                             (What){f->sub->name, NULL}, n->items[i]->loc);
        if (o)
            out->v[out->n++] = o;
    }
}

static const Field *key_field(const Schema *s)
{
    for (int i = 0; i < s->nfields; i++)
        if (s->fields[i].flags & FL_KEY)
            return &s->fields[i];
    return NULL;
}

static void decode_map(Dec *d, const Field *f, const Node *n, List *out)
{
    *out = (List){0};
    if (n->kind != NODE_MAP) {
        Diag *g = want(d, n, f->key, "a map of names");
        diag_help(d->ds, g, "write 'NAME:' on its own line, then the "
                            "settings indented below it");
        return;
    }
    const Field *kf = key_field(f->sub);
    out->v = arena_alloc(d->a, (size_t)n->n * sizeof *out->v);
    out->loc = n->loc;
    for (int i = 0; i < n->n; i++) {
        const NodePair *p = &n->pairs[i];
        Str name = {0};
        decode_scalar(d, kf, F_NAME, p->key, &name);
        Node empty = {.kind = NODE_MAP, .loc = p->key->loc};
        const Node *val = p->val->kind == NODE_NULL ? &empty : p->val;
        void *o = decode_obj(d, f->sub, val,
                             (What){f->sub->name, p->key->str}, p->key->loc);
        if (!o || !name.s)
            continue;
        *(Str *)((char *)o + kf->off) = name;
        out->v[out->n++] = o;
    }
}

static void decode_kv(Dec *d, const Field *f, const Node *n, List *out)
{
    *out = (List){0};
    if (n->kind != NODE_MAP) {
        want(d, n, f->key, "a map of names to values");
        return;
    }
    static const Field text = {"value", F_STR, 0, 0};
    out->v = arena_alloc(d->a, (size_t)n->n * sizeof *out->v);
    out->loc = n->loc;
    for (int i = 0; i < n->n; i++) {
        KeyVal *kv = arena_alloc(d->a, sizeof *kv);
        kv->loc = n->pairs[i].key->loc;
        kv->key = (Str){n->pairs[i].key->str, n->pairs[i].key->loc};
        decode_scalar(d, &text, F_STR, n->pairs[i].val, &kv->value);
        if (kv->value.s)
            out->v[out->n++] = kv;
    }
}

/* Decode value n of field f; `at` is where the key was written. */
static void decode_field(Dec *d, const Field *f, void *obj, const Node *n,
                         Loc at)
{
    void *slot = (char *)obj + f->off;
    switch (f->type) {
    case F_OBJ: {
        Node empty = {.kind = NODE_MAP, .loc = n->loc};
        *(void **)slot = decode_obj(d, f->sub,
                                    n->kind == NODE_NULL ? &empty : n,
                                    (What){f->key, NULL}, at);
        break;
    }
    case F_LIST:
        decode_list(d, f, n, slot);
        break;
    case F_MAP:
        decode_map(d, f, n, slot);
        break;
    case F_KV:
        decode_kv(d, f, n, slot);
        break;
    case F_STRLIST:
        decode_strlist(d, f, n, slot);
        break;
    case F_OVERRIDES:
        if (n->kind != NODE_MAP)
            want(d, n, f->key, "a map of environment names");
        else
            *(const Node **)slot = n;
        break;
    default:
        decode_scalar(d, f, f->type, n, slot);
        break;
    }
    if ((f->flags & FL_NONEMPTY) &&
        (f->type == F_LIST || f->type == F_MAP || f->type == F_STRLIST)) {
        int count = f->type == F_STRLIST ? ((StrList *)slot)->n
                                         : ((List *)slot)->n;
        /* entries written but refused were each reported already */
        if (count == 0 && (n->kind == NODE_SEQ || n->kind == NODE_MAP) &&
            n->n == 0)
            diag_error(d->ds, n->loc, "invalid-value",
                       "'%s' must have at least one entry", f->key);
    }
}

/* A scalar default as decoded, kept per field for the process: the
 * schema's tables are static, so the value is too; only its Loc is the
 * place's.  At 10,000 services some 240,000 defaults are applied, and
 * parsing each again (a number, an enum word, a format) was 3% of a
 * check.  A region's default is not kept (decode_region copies it into
 * the arena), nor one that does not decode (it says so at each place). */
static size_t slot_size(FieldType t);

typedef union Decoded {
    Int i;
    Bool b;
    Str s;
} Decoded;

enum { KEPT_SLOTS = 256 }; /* the schema's scalar defaults: a few dozen */

static struct {
    const Field *f; /* NULL: free */
    Decoded v;
} kept[KEPT_SLOTS];
static int nkept;

static size_t kept_slot(const Field *f)
{
    size_t k = (size_t)(((uintptr_t)f >> 3) * 0x9E3779B97F4A7C15u >> 56);
    while (kept[k].f && kept[k].f != f)
        k = (k + 1) % KEPT_SLOTS;
    return k;
}

static bool is_int(FieldType t)
{
    return t == F_INT || t == F_BYTES || t == F_DURATION || t == F_CPU;
}

/* A scalar field's default into slot, with the Loc decoding gives it
 * (at; an Int's or a Bool's marked set). */
static void scalar_default(Dec *d, const Field *f, void *slot, Loc at)
{
    size_t k = kept_slot(f);
    Decoded v = kept[k].v;
    if (kept[k].f && is_int(f->type)) {
        v.i.loc = at;
        v.i.loc.set = 1;
    } else if (kept[k].f && f->type == F_BOOL) {
        v.b.loc = at;
        v.b.loc.set = 1;
    } else if (kept[k].f) {
        v.s.loc = at;
    } else {
        Node n = {.kind = NODE_SCALAR, .loc = at, .str = f->dflt};
        v = (Decoded){0};
        decode_scalar(d, f, f->type, &n, &v);
        bool valid = is_int(f->type)     ? v.i.loc.set
                     : f->type == F_BOOL ? v.b.loc.set
                                         : v.s.s != NULL;
        if (valid && f->type != F_REGION && 2 * (nkept + 1) <= KEPT_SLOTS) {
            kept[k].f = f;
            kept[k].v = v;
            nkept++;
        }
    }
    memcpy(slot, &v, slot_size(f->type));
}

/* Apply a field's default, as if the spec had written it at `at`. */
static void apply_default(Dec *d, const Field *f, void *obj, Loc at)
{
    at.len = 0;
    if (f->type == F_OBJ && !(f->flags & FL_OPTIONAL)) {
        Node empty = {.kind = NODE_MAP, .loc = at};
        *(void **)((char *)obj + f->off) =
            decode_obj(d, f->sub, &empty, (What){f->key, NULL}, at);
        return;
    }
    if (!f->dflt)
        return;
    if (f->type < F_STRLIST) { /* a scalar */
        scalar_default(d, f, (char *)obj + f->off, at);
        return;
    }
    if (f->type != F_STRLIST) {
        Node v = {.kind = NODE_SCALAR, .loc = at, .str = f->dflt};
        decode_field(d, f, obj, &v, at);
        return;
    }
    /* list defaults are written "a,b" */
    Node *items[8];
    Node nodes[8];
    int n = 0;
    for (const char *p = f->dflt; *p && n < 8; n++) {
        size_t len = strcspn(p, ",");
        nodes[n] = (Node){.kind = NODE_SCALAR, .loc = at,
                          .str = arena_strndup(d->a, p, len)};
        items[n] = &nodes[n];
        p += len + (p[len] == ',');
    }
    Node seq = {.kind = NODE_SEQ, .loc = at, .items = items, .n = n};
    decode_field(d, f, obj, &seq, at);
}

static void unknown_key(Dec *d, const Schema *s, const NodePair *p,
                        What what)
{
    const char *cands[64];
    int n = 0;
    for (int i = 0; i < s->nfields && n < 64; i++)
        if (!(s->fields[i].flags & (FL_COMPUTED | FL_KEY)) ||
            s->fields[i].flags & FL_REQUIRED)
            cands[n++] = s->fields[i].key;
    Diag *g = diag_error(d->ds, p->key->loc, "unknown-key",
                         "unknown key '%s' in %s", p->key->str,
                         what_str(d, what));
    const char *best = closest_word(p->key->str, cands, n);
    if (best) {
        diag_help(d->ds, g, "did you mean '%s'?", best);
        return;
    }
    Strbuf sb = STRBUF_INIT;
    for (int i = 0; i < n; i++)
        sb_printf(&sb, "%s%s", i ? ", " : "", cands[i]);
    diag_help(d->ds, g, "valid keys here: %s", sb.buf);
    sb_release(&sb);
}

/* The field a key written in a spec names, or s->nfields. */
static int field_of(const Schema *s, const char *key)
{
    int k = 0;
    while (k < s->nfields &&
           (s->fields[k].key[0] != key[0] ||
            strcmp(s->fields[k].key, key) != 0 ||
            (s->fields[k].flags & FL_COMPUTED) ||
            ((s->fields[k].flags & FL_KEY) &&
             !(s->fields[k].flags & FL_REQUIRED))))
        k++;
    return k;
}

static void *decode_obj(Dec *d, const Schema *s, const Node *n, What what,
                        Loc at)
{
    if (n->kind != NODE_MAP) {
        Diag *g = want(d, n, what_str(d, what), "a map");
        diag_help(d->ds, g, "write its keys indented below it, as 'key: "
                            "value' lines");
        return NULL;
    }
    void *obj = arena_alloc(d->a, s->size);
    *(Loc *)obj = at; /* where the object is introduced, for diagnostics */
    unsigned char seen[64] = {0};
    for (int i = 0; i < n->n; i++) {
        const NodePair *p = &n->pairs[i];
        int k = field_of(s, p->key->str);
        if (k == s->nfields) {
            unknown_key(d, s, p, what);
            continue;
        }
        if (seen[k])
            continue; /* a repeated key: the loader reported it */
        seen[k] = 1;
        decode_field(d, &s->fields[k], obj, p->val, p->key->loc);
    }
    for (int k = 0; k < s->nfields; k++) {
        const Field *f = &s->fields[k];
        if (seen[k] || (f->flags & FL_COMPUTED) ||
            ((f->flags & FL_KEY) && !(f->flags & FL_REQUIRED)))
            continue;
        if (!(f->flags & FL_REQUIRED)) {
            apply_default(d, f, obj, n->loc);
            continue;
        }
        Diag *g = diag_error(d->ds, at, "missing-key",
                             "%s is missing the required key '%s'",
                             what_str(d, what), f->key);
        diag_help(d->ds, g, "add '%s:' with %s", f->key,
                  schema_type_desc(f->type));
    }
    return obj;
}

/* A document names itself by its first key: "service 'orders'". */
static What doc_what(const Schema *s, const Node *n, Loc *at)
{
    What what = {s->name, NULL};
    *at = n->loc;
    const Node *self = n->kind == NODE_MAP && n->n ? n->pairs[0].val : NULL;
    if (self && self->kind == NODE_SCALAR &&
        strcmp(n->pairs[0].key->str, s->name) == 0) {
        what.name = self->str;
        *at = n->pairs[0].key->loc;
    }
    return what;
}

void *schema_decode(Arena *a, Diags *ds, const Schema *s, const Node *n)
{
    Dec d = {a, ds};
    Loc at;
    What what = doc_what(s, n, &at);
    return decode_obj(&d, s, n, what, at);
}

/* The bytes a field of type t takes in its struct (model.h). */
static size_t slot_size(FieldType t)
{
    switch (t) {
    case F_OBJ:
    case F_OVERRIDES:
        return sizeof(void *);
    case F_LIST:
    case F_MAP:
    case F_KV:
        return sizeof(List);
    case F_STRLIST:
        return sizeof(StrList);
    case F_INT:
    case F_BYTES:
    case F_DURATION:
    case F_CPU:
        return sizeof(Int);
    case F_BOOL:
        return sizeof(Bool);
    default:
        return sizeof(Str);
    }
}

/* Can n, a map merged over base, be decoded over what base decoded to? */
static bool over_base(const Node *n, const Node *base)
{
    return n->kind == NODE_MAP && base->kind == NODE_MAP && n->n >= base->n;
}

/* n over base (see schema_decode_over), recursively: an object the
 * override reaches is itself decoded over the base's, so that what it
 * leaves alone (a scaling's rules beside the min it changes) is shared,
 * not decoded again.  A full decode would report nothing more: the base's
 * own mistakes were reported with it. */
static void *decode_over(Dec *d, const Schema *s, const Node *n,
                         const Node *base, const void *base_obj, What what,
                         Loc at)
{
    void *obj = arena_alloc(d->a, s->size);
    memcpy(obj, base_obj, s->size);
    *(Loc *)obj = at;
    unsigned char seen[64] = {0};
    for (int i = 0; i < n->n; i++) {
        const NodePair *p = &n->pairs[i];
        const Node *was = i < base->n && p->key == base->pairs[i].key
                              ? base->pairs[i].val
                              : NULL;
        /* the very node the base was decoded from (most of them): the
         * same key again later is merged too, so it is never skipped */
        if (was == p->val)
            continue;
        int k = field_of(s, p->key->str);
        if (k == s->nfields) {
            if (i >= base->n) /* the base's own were reported with it */
                unknown_key(d, s, p, what);
            continue;
        }
        if (seen[k])
            continue;
        seen[k] = 1;
        const Field *f = &s->fields[k];
        void *slot = (char *)obj + f->off;
        const void *sub = f->type == F_OBJ ? *(void *const *)slot : NULL;
        if (sub && was && over_base(p->val, was)) {
            *(void **)slot = decode_over(d, f->sub, p->val, was, sub,
                                         (What){f->key, NULL}, p->key->loc);
            continue;
        }
        memset(slot, 0, slot_size(f->type));
        decode_field(d, f, obj, p->val, p->key->loc);
    }
    return obj;
}

void *schema_decode_over(Arena *a, Diags *ds, const Schema *s, const Node *n,
                         const Node *base, const void *base_obj)
{
    if (!base_obj || !over_base(n, base))
        return schema_decode(a, ds, s, n);
    Dec d = {a, ds};
    Loc at;
    What what = doc_what(s, n, &at);
    return decode_over(&d, s, n, base, base_obj, what, at);
}
