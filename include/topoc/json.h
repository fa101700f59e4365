/* json.h - building JSON documents (jansson stays behind json.c).
 *
 * Values are built as a tree and written canonically: keys sorted, two-space
 * indent, a final newline.  jv_set and jv_push take ownership of the value;
 * a NULL value is ignored, so optional fields need no branch.
 */
#ifndef TOPOC_JSON_H
#define TOPOC_JSON_H

#include <stdbool.h>

#include "topoc/arena.h"
#include "topoc/strbuf.h"

typedef struct JsonVal JsonVal;

JsonVal *jv_obj(void);
JsonVal *jv_arr(void);
JsonVal *jv_str(const char *s);
JsonVal *jv_int(long long v);
JsonVal *jv_bool(bool v);
void jv_set(JsonVal *obj, const char *key, JsonVal *v);
void jv_push(JsonVal *arr, JsonVal *v);
/* Append the items of array MORE to ARR, and free MORE. */
void jv_extend(JsonVal *arr, JsonVal *more);
int jv_len(const JsonVal *v); /* entries of an object or array */
void jv_write(const JsonVal *v, Strbuf *out);
void jv_free(JsonVal *v);

/* Reading (templates take their values from a JsonVal view). */
typedef enum {
    JV_NULL, JV_FALSE, JV_TRUE, JV_INT, JV_REAL, JV_STR, JV_ARR, JV_OBJ
} JsonKind;
JsonKind jv_kind(const JsonVal *v); /* JV_NULL for NULL */
const JsonVal *jv_get(const JsonVal *obj, const char *key); /* or NULL */
const JsonVal *jv_at(const JsonVal *arr, int i);
const char *jv_string(const JsonVal *v); /* JV_STR only */
/* An object's keys in the document's order (jansson keeps insertion
 * order), in a; *n how many.  NULL and 0 for anything but an object. */
const char **jv_keys(Arena *a, const JsonVal *obj, int *n);
/* A scalar as text: integers in decimal, reals shortest-ish (%.15g). */
void jv_scalar_text(const JsonVal *v, Strbuf *out);
/* The same tree as YAML, for manifests: block style, keys sorted, every
 * string double-quoted (JSON escapes are valid YAML), so no value is ever
 * read back as another type.  Empty maps and lists are written {} / []. */
void jv_write_yaml(const JsonVal *v, Strbuf *out);
/* Marked strings, for targets where a string can be code (ARM template
 * expressions): jv_code() makes a string the emitter wrote as code, and
 * jv_set_code_key() a key that is; jv_write_code() writes the tree with
 * the marks removed and every UNMARKED string (value or key) that starts
 * with LEAD and ends with TAIL given one more LEAD, which is the target's
 * escape ("[x]" -> "[[x]").  The mark is a trailing NUL inside the string:
 * text from a spec is a C string, so it can never carry one. */
JsonVal *jv_code(const char *s);
void jv_set_code_key(JsonVal *obj, const char *key, JsonVal *v);
void jv_write_code(const JsonVal *v, char lead, char tail, Strbuf *out);
/* Parse JSON text; NULL with a message on error. */
JsonVal *jv_parse(const char *text, size_t len, char *err, size_t errlen);

#endif
