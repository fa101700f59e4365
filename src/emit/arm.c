/* arm.c - the shapes of Azure Resource Manager templates (see arm.h). */
#include "topoc/arm.h"
#include "topoc/util.h"

#include <string.h>

const char *arm_quote(Arena *a, const char *s)
{
    size_t n = 2;
    for (const char *p = s; *p; p++)
        n += *p == '\'' ? 2 : 1;
    char *q = arena_alloc(a, n + 1), *w = q;
    *w++ = '\'';
    for (const char *p = s; *p; p++) {
        if (*p == '\'')
            *w++ = '\'';
        *w++ = *p;
    }
    *w++ = '\'';
    *w = '\0';
    return q;
}

const char *arm_id(Arena *a, const char *type, const char *name_a,
                   const char *name_b)
{
    if (name_b)
        return arena_printf(a, "[resourceId('%s', %s, %s)]", type,
                            arm_quote(a, name_a), arm_quote(a, name_b));
    return arena_printf(a, "[resourceId('%s', %s)]", type,
                        arm_quote(a, name_a));
}

const char *arm_param(Arena *a, const char *name)
{
    return arena_printf(a, "[parameters(%s)]", arm_quote(a, name));
}

JsonVal *arm_code(const char *expr) { return jv_code(expr); }

void arm_set_code_key(JsonVal *obj, const char *key, JsonVal *v)
{
    jv_set_code_key(obj, key, v);
}

void arm_write(const JsonVal *root, Strbuf *out)
{
    jv_write_code(root, '[', ']', out);
}

JsonVal *arm_parameter(const char *type, const char *description)
{
    JsonVal *p = jv_obj(), *meta = jv_obj();
    jv_set(p, "type", jv_str(type));
    jv_set(meta, "description", jv_str(description));
    jv_set(p, "metadata", meta);
    return p;
}

JsonVal *arm_template(JsonVal *params, JsonVal *resources)
{
    JsonVal *root = jv_obj();
    jv_set(root, "$schema", jv_str("https://schema.management.azure.com/"
                                   "schemas/2019-04-01/deploymentTemplate.json#"));
    jv_set(root, "contentVersion", jv_str("1.0.0.0"));
    jv_set(root, "parameters", params);
    jv_set(root, "resources", resources);
    return root;
}

static bool cut_before(const char *key)
{
    return fnv1a(key, strlen(key), 1469598103934665603ULL) % ARM_PART_MEAN ==
           0;
}

int arm_parts(const ArmItem *v, int n, size_t max_bytes, int max_resources,
              int *starts)
{
    int nparts = 0;
    size_t bytes = 0;
    int res = 0;
    for (int i = 0; i < n; i++) {
        bool new_key = i == 0 || strcmp(v[i].key, v[i - 1].key);
        bool full = bytes + v[i].bytes > max_bytes ||
                    res + v[i].resources > max_resources;
        if (i == 0 || full || (new_key && cut_before(v[i].key))) {
            starts[nparts++] = i;
            bytes = 0;
            res = 0;
        }
        bytes += v[i].bytes;
        res += v[i].resources;
    }
    return nparts;
}
