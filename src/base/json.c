/* json.c - the only file that includes jansson (see json.h). */
#include "topoc/json.h"
#include "topoc/util.h"
#include "topoc/arena.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* JsonVal is jansson's json_t under another name. */
static json_t *J(const JsonVal *v) { return (json_t *)v; }
static JsonVal *V(json_t *j)
{
    if (!j) {
        fputs("topoc: fatal: out of memory\n", stderr);
        exit(2);
    }
    return (JsonVal *)j;
}

JsonVal *jv_obj(void) { return V(json_object()); }
JsonVal *jv_arr(void) { return V(json_array()); }
JsonVal *jv_int(long long v) { return V(json_integer(v)); }
JsonVal *jv_bool(bool v) { return V(json_boolean(v)); }

JsonVal *jv_str(const char *s)
{
    /* Model strings are valid UTF-8 (the loader checks), but file names
     * need not be: a report must still be written, so a bad byte becomes
     * U+FFFD rather than a NULL from jansson. */
    char *fixed = utf8_sanitize(s, false);
    JsonVal *v = V(json_string(fixed ? fixed : s));
    free(fixed);
    return v;
}

void jv_set(JsonVal *obj, const char *key, JsonVal *v)
{
    if (v)
        json_object_set_new(J(obj), key, J(v));
}

void jv_push(JsonVal *arr, JsonVal *v)
{
    if (v)
        json_array_append_new(J(arr), J(v));
}

void jv_extend(JsonVal *arr, JsonVal *more)
{
    json_array_extend(J(arr), J(more));
    json_decref(J(more));
}

int jv_len(const JsonVal *v)
{
    return json_is_object(J(v)) ? (int)json_object_size(J(v))
                                : (int)json_array_size(J(v));
}

static int dump_cb(const char *buf, size_t size, void *data)
{
    sb_add(data, buf, size);
    return 0;
}

void jv_write(const JsonVal *v, Strbuf *out)
{
    json_dump_callback(J(v), dump_cb, out,
                       JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
    sb_putc(out, '\n');
}

void jv_free(JsonVal *v) { json_decref(J(v)); }

JsonVal *jv_code(const char *s) { return V(json_stringn(s, strlen(s) + 1)); }

void jv_set_code_key(JsonVal *obj, const char *key, JsonVal *v)
{
    if (v)
        json_object_setn_new(J(obj), key, strlen(key) + 1, J(v));
}

/* The text a marked or unmarked string stands for in the target. */
static json_t *unmark(const char *s, size_t n, char lead, char tail,
                      Strbuf *tmp)
{
    sb_reset(tmp);
    if (n && s[n - 1] == '\0')
        sb_add(tmp, s, n - 1);
    else {
        if (n && s[0] == lead && s[n - 1] == tail)
            sb_putc(tmp, lead);
        sb_add(tmp, s, n);
    }
    return J(V(json_stringn(tmp->buf ? tmp->buf : "", tmp->len)));
}

static json_t *code_copy(const json_t *j, char lead, char tail, Strbuf *tmp)
{
    if (json_is_string(j))
        return unmark(json_string_value(j), json_string_length(j), lead,
                      tail, tmp);
    if (json_is_array(j)) {
        json_t *a = J(V(json_array()));
        for (size_t i = 0; i < json_array_size(j); i++)
            json_array_append_new(
                a, code_copy(json_array_get(j, i), lead, tail, tmp));
        return a;
    }
    if (json_is_object(j)) {
        json_t *o = J(V(json_object()));
        for (void *it = json_object_iter((json_t *)j); it;
             it = json_object_iter_next((json_t *)j, it)) {
            json_t *k = unmark(json_object_iter_key(it),
                               json_object_iter_key_len(it), lead, tail, tmp);
            json_t *v = code_copy(json_object_iter_value(it), lead, tail, tmp);
            json_object_setn_new(o, json_string_value(k), json_string_length(k),
                                 v);
            json_decref(k);
        }
        return o;
    }
    return json_incref((json_t *)j);
}

void jv_write_code(const JsonVal *v, char lead, char tail, Strbuf *out)
{
    Strbuf tmp = STRBUF_INIT;
    json_t *c = code_copy(J(v), lead, tail, &tmp);
    sb_release(&tmp);
    jv_write((JsonVal *)c, out);
    json_decref(c);
}

JsonKind jv_kind(const JsonVal *v)
{
    if (!v)
        return JV_NULL;
    switch (json_typeof(J(v))) {
    case JSON_OBJECT: return JV_OBJ;
    case JSON_ARRAY: return JV_ARR;
    case JSON_STRING: return JV_STR;
    case JSON_INTEGER: return JV_INT;
    case JSON_REAL: return JV_REAL;
    case JSON_TRUE: return JV_TRUE;
    case JSON_FALSE: return JV_FALSE;
    default: return JV_NULL;
    }
}

const JsonVal *jv_get(const JsonVal *obj, const char *key)
{
    return (const JsonVal *)json_object_get(J(obj), key);
}

const JsonVal *jv_at(const JsonVal *arr, int i)
{
    return (const JsonVal *)json_array_get(J(arr), (size_t)i);
}

const char *jv_string(const JsonVal *v) { return json_string_value(J(v)); }

const char **jv_keys(Arena *a, const JsonVal *obj, int *n)
{
    *n = 0;
    if (!json_is_object(J(obj)))
        return NULL;
    size_t cap = json_object_size(J(obj));
    const char **v = arena_alloc(a, (cap + 1) * sizeof *v);
    for (void *it = json_object_iter(J(obj)); it && (size_t)*n < cap;
         it = json_object_iter_next(J(obj), it))
        v[(*n)++] = json_object_iter_key(it);
    return v;
}

void jv_scalar_text(const JsonVal *v, Strbuf *out)
{
    switch (jv_kind(v)) {
    case JV_STR:
        sb_add(out, json_string_value(J(v)), json_string_length(J(v)));
        break;
    case JV_INT:
        sb_printf(out, "%lld", (long long)json_integer_value(J(v)));
        break;
    case JV_REAL:
        sb_printf(out, "%.15g", json_real_value(J(v)));
        break;
    case JV_TRUE:
        sb_puts(out, "true");
        break;
    case JV_FALSE:
        sb_puts(out, "false");
        break;
    default:
        break;
    }
}

JsonVal *jv_parse(const char *text, size_t len, char *err, size_t errlen)
{
    json_error_t e;
    json_t *j = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    if (!j)
        snprintf(err, errlen, "%d:%d: %s", e.line, e.column, e.text);
    return (JsonVal *)j;
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A string as a double-quoted YAML scalar, in ASCII: YAML's own escapes,
 * \UXXXXXXXX outside the BMP (YAML has no surrogate pairs, which JSON's
 * \uD83D\uDE00 would be; every YAML reader rejects them). */
static void yaml_string(const char *s, size_t n, Strbuf *out)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    sb_putc(out, '"');
    while (p < end) {
        unsigned c = *p++;
        int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        if (more)
            c &= 0x3Fu >> more;
        for (; more > 0 && p < end; more--)
            c = (c << 6) | (*p++ & 0x3Fu); /* jansson holds valid UTF-8 */
        if (c == '"' || c == '\\')
            sb_printf(out, "\\%c", c);
        else if (c && c < 0x20 && strchr("\b\f\n\r\t", (int)c))
            sb_printf(out, "\\%c", "bfnrt"[strchr("\b\f\n\r\t", (int)c) -
                                          "\b\f\n\r\t"]);
        else if (c >= 0x20 && c < 0x7f)
            sb_putc(out, (char)c);
        else if (c < 0x10000)
            sb_printf(out, "\\u%04x", c); /* as jansson writes it */
        else
            sb_printf(out, "\\U%08x", c);
    }
    sb_putc(out, '"');
}

static void yaml_scalar(const json_t *j, Strbuf *out)
{
    if (json_is_string(j)) {
        yaml_string(json_string_value(j), json_string_length(j), out);
        return;
    }
    char *s = json_dumps(j, JSON_ENCODE_ANY);
    sb_puts(out, s ? s : "null");
    free(s);
}

static bool yaml_inline(const json_t *j)
{
    return !(json_is_object(j) && json_object_size(j)) &&
           !(json_is_array(j) && json_array_size(j));
}

static void yaml_node(const json_t *j, int indent, Strbuf *out);

/* A key is written bare when YAML cannot read it as anything but that
 * string: an identifier that is not one of YAML 1.1's special words. */
static bool bare_key(const char *k)
{
    static const char *const special[] = {"y", "n", "yes", "no", "on",
                                          "off", "true", "false", "null"};
    if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z')))
        return false;
    for (const char *p = k; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789./_-", *p))
            return false;
    for (size_t i = 0; i < sizeof special / sizeof *special; i++)
        if (strcasecmp(k, special[i]) == 0)
            return false;
    return true;
}

static void yaml_value_after_key(const json_t *j, int indent, Strbuf *out)
{
    if (yaml_inline(j)) {
        sb_putc(out, ' ');
        if (json_is_object(j))
            sb_puts(out, "{}");
        else if (json_is_array(j))
            sb_puts(out, "[]");
        else
            yaml_scalar(j, out);
        sb_putc(out, '\n');
    } else {
        sb_putc(out, '\n');
        yaml_node(j, indent + 2, out);
    }
}

static void yaml_node(const json_t *j, int indent, Strbuf *out)
{
    if (json_is_object(j)) {
        size_t n = json_object_size(j), k = 0;
        const char **keys = xmalloc(n * sizeof *keys + 1);
        const char *key;
        json_t *val;
        json_object_foreach((json_t *)j, key, val) keys[k++] = key;
        qsort(keys, n, sizeof *keys, key_cmp);
        for (k = 0; k < n; k++) {
            sb_printf(out, "%*s", indent, "");
            if (bare_key(keys[k])) {
                sb_puts(out, keys[k]);
            } else {
                json_t *name = json_string(keys[k]);
                yaml_scalar(name, out);
                json_decref(name);
            }
            sb_putc(out, ':');
            yaml_value_after_key(json_object_get(j, keys[k]), indent, out);
        }
        free(keys);
    } else if (json_is_array(j)) {
        for (size_t i = 0; i < json_array_size(j); i++) {
            const json_t *item = json_array_get(j, i);
            sb_printf(out, "%*s-", indent, "");
            if (json_is_object(item) && json_object_size(item)) {
                /* the first key on the dash's line */
                Strbuf sub = STRBUF_INIT;
                yaml_node(item, indent + 2, &sub);
                sb_puts(out, sub.buf + indent + 1);
                sb_release(&sub);
            } else {
                yaml_value_after_key(item, indent, out);
            }
        }
    }
}

void jv_write_yaml(const JsonVal *v, Strbuf *out)
{
    yaml_node(J(v), 0, out);
}
