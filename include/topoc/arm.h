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

/* "[resourceId('TYPE', 'A')]", or with a second name segment B if given. */
const char *arm_id(Arena *a, const char *type, const char *name_a,
                   const char *name_b);
/* A template parameter: {"type": TYPE, "metadata": {"description": ...}}. */
JsonVal *arm_parameter(const char *type, const char *description);
/* A deployment template (2019-04-01 schema) with these parameters and
 * resources; takes both. */
JsonVal *arm_template(JsonVal *params, JsonVal *resources);
/* An Azure resource name within a length limit and alphabet (lower-case
 * letters and digits, and hyphens if allowed): kept when it fits, else cut
 * and made unique with a hash of the whole. */
const char *arm_name(Arena *a, const char *want, size_t max, bool hyphens);

#endif
