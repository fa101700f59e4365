/* arm.h - Azure Resource Manager templates, the shapes every Azure target
 * shares (src/emit/arm.c): the gateway's edge and the manifests build their
 * templates from these, so resource ids, parameters and names are written
 * one way.
 */
#ifndef TOPOC_ARM_H
#define TOPOC_ARM_H

#include <stdbool.h>
#include <stddef.h>

#include "topoc/arena.h"
#include "topoc/json.h"

/* Only what topoc builds is a template expression.  Expression text is
 * built here (names quoted as ARM string literals, quotes doubled) and
 * enters a tree through arm_code(); arm_write() then doubles the '[' of
 * every other string that looks like an expression, so no text from a spec
 * is ever evaluated by Resource Manager ("[listKeys(...)]" stays a string).
 */
/* 'S' with every quote doubled: a string literal inside an expression. */
const char *arm_quote(Arena *a, const char *s);
/* "[resourceId('TYPE', 'A')]", or with a second name segment B if given. */
const char *arm_id(Arena *a, const char *type, const char *name_a,
                   const char *name_b);
/* "[parameters('NAME')]" */
const char *arm_param(Arena *a, const char *name);
/* An expression topoc built, as a JSON value (a marked string). */
JsonVal *arm_code(const char *expr);
/* obj[KEY] = V where KEY is an expression topoc built. */
void arm_set_code_key(JsonVal *obj, const char *key, JsonVal *v);
/* A template as text: marks removed, every other '[...]' string escaped. */
void arm_write(const JsonVal *root, Strbuf *out);
/* A template parameter: {"type": TYPE, "metadata": {"description": ...}}. */
JsonVal *arm_parameter(const char *type, const char *description);
/* A deployment template (2019-04-01 schema) with these parameters and
 * resources; takes both. */
JsonVal *arm_template(JsonVal *params, JsonVal *resources);
/* Resource Manager's limits (Microsoft's "Template limits" and "Template
 * specs known issues"): resources per template, bytes of a template, of
 * one deployment job, of a template spec with its linked templates. */
#define ARM_MAX_RESOURCES 800
#define ARM_MAX_TEMPLATE_BYTES (4u << 20)
#define ARM_MAX_JOB_BYTES (1u << 20)
#define ARM_MAX_SPEC_BYTES (2u << 20)

/* Splitting a long list of resources into templates under the limits:
 * items in a stable order, each with the KEY that owns it (a service's
 * name) and what it weighs.  A part starts where the limits would be
 * passed, or before the first item of a key whose hash chooses it (about
 * one key in ARM_PART_MEAN): the cuts depend on the keys, not on the
 * count, so adding one key changes the part it joins and leaves the rest
 * as they were (until a part that was full). */
#define ARM_PART_MEAN 40
typedef struct ArmItem {
    const char *key;
    size_t bytes;
    int resources;
} ArmItem;
/* The index of each part's first item into STARTS (room for N); returns
 * the number of parts.  An item over a limit alone is a part of its own. */
int arm_parts(const ArmItem *v, int n, size_t max_bytes, int max_resources,
              int *starts);

/* Resource names: naming.h, shared with the checks. */

#endif
