/* json.c - the only file that includes jansson (see json.h). */
#include "topoc/json.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

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
    /* Model strings are valid UTF-8 (the loader checks); anything else is
     * our bug, and jansson returns NULL for it. */
    return V(json_string(s));
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

JsonKind jv_kind(const JsonVal *v)
{
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
