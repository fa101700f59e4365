/* json.h - building JSON documents (jansson stays behind json.c).
 *
 * Values are built as a tree and written canonically: keys sorted, two-space
 * indent, a final newline.  jv_set and jv_push take ownership of the value;
 * a NULL value is ignored, so optional fields need no branch.
 */
#ifndef TOPOC_JSON_H
#define TOPOC_JSON_H

#include <stdbool.h>

#include "topoc/strbuf.h"

typedef struct JsonVal JsonVal;

JsonVal *jv_obj(void);
JsonVal *jv_arr(void);
JsonVal *jv_str(const char *s);
JsonVal *jv_int(long long v);
JsonVal *jv_bool(bool v);
void jv_set(JsonVal *obj, const char *key, JsonVal *v);
void jv_push(JsonVal *arr, JsonVal *v);
int jv_len(const JsonVal *v); /* entries of an object or array */
void jv_write(const JsonVal *v, Strbuf *out);
void jv_free(JsonVal *v);

#endif
