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
