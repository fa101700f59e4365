/* schema.h - the spec language as data.
 *
 * Each Schema describes one model struct (model.h): for every key, its type,
 * where it lands (offsetof), whether it is required, its default and its
 * allowed values.  One table drives three things, so they cannot drift:
 *   - decoding a document tree into structs, with every schema diagnostic
 *     (schema_decode, model/build.c);
 *   - writing the resolved model as JSON (emit/emit_model.c);
 *   - `topoc schema`, the list of keys that specs/README.md documents.
 */
#ifndef TOPOC_SCHEMA_H
#define TOPOC_SCHEMA_H

#include <stddef.h>

#include "topoc/model.h"

typedef enum {
    F_STR,       /* any text */
    F_NAME,      /* identifier: [a-z][a-z0-9-]*, at most 63 characters */
    F_ENUM,      /* one of Field.values */
    F_INT,       /* integer within [min, max] */
    F_BOOL,      /* true or false */
    F_BYTES,     /* size: 512, 64k, 10MB, 1Gi -> bytes */
    F_DURATION,  /* 30s, 5m, 1h, 1d, or plain seconds -> seconds */
    F_CPU,       /* 0.5, 2, 250m -> millicores */
    F_REGION,    /* Azure region, normalised: "UK South" -> "uksouth" */
    F_DOMAIN,    /* DNS name: lower-case labels joined by dots */
    F_URL,       /* http(s)://host[/path], no spaces or quotes */
    F_CIDR,      /* IPv4 network: 10.0.0.0/16 */
    F_IPNET,     /* IPv4/IPv6 address or network */
    F_PATH,      /* route path template: /a/{b}/c */
    F_IMAGE,     /* container image reference */
    F_DATE,      /* YYYY-MM-DD */
    F_SECVAR,    /* ModSecurity variable: ARGS:q, REQUEST_HEADERS:User-Agent */
    F_HEADER,    /* an HTTP header, cookie or argument name */
    F_EMAIL,     /* an email address: local@domain */
    F_STRLIST,   /* list of Field.item scalars */
    F_OBJ,       /* nested map, Field.sub */
    F_LIST,      /* list of maps, Field.sub */
    F_MAP,       /* map of name -> map, Field.sub; the name lands in the
                    sub-schema's key field */
    F_KV,        /* map of name -> text (KeyVal list) */
    F_OVERRIDES, /* per-environment overrides, kept as a node */
} FieldType;

enum {
    FL_REQUIRED = 1,  /* must be written */
    FL_COMPUTED = 2,  /* not read from specs; filled by resolution */
    FL_OPTIONAL = 4,  /* F_OBJ: NULL when absent (else defaults apply) */
    FL_KEY = 8,       /* receives the name in an F_MAP, or the document's
                         discriminating key */
    FL_NONEMPTY = 16, /* lists: at least one entry */
};

typedef struct Schema Schema;

typedef struct Field {
    const char *key;
    FieldType type;
    size_t off;
    unsigned flags;
    const Schema *sub;         /* F_OBJ, F_LIST, F_MAP */
    FieldType item;            /* F_STRLIST: type of each entry */
    const char *const *values; /* F_ENUM (or item F_ENUM): NULL-ended */
    const char *dflt;          /* default, written as in a spec */
    long long min, max;        /* F_INT, F_BYTES, F_DURATION: if max > 0 */
} Field;

struct Schema {
    const char *name; /* in messages: "route", "service" */
    size_t size;
    const Field *fields;
    int nfields;
};

extern const Schema schema_platform, schema_service, schema_store,
    schema_waivers;

/* App Service plans: what a SKU of schema_plan_skus is.  The tier as ARM
 * writes it, the most instances it scales to, whether it autoscales and
 * whether it can be zone-redundant (Azure's App Service limits). */
typedef struct PlanSku {
    const char *tier;
    int max_instances;
    bool autoscale, zones;
    long long millicores, memory; /* one instance's vCPUs (1000ths), bytes */
} PlanSku;
extern const char *const schema_plan_skus[];
PlanSku schema_plan_sku(const char *sku);
/* The default SKU and shared-plan instances of an environment: production
 * is sized for load and zones, every other environment smaller. */
const char *schema_plan_default_sku(const char *env);
long long schema_plan_default_instances(const char *env);

/* Decode a map node into a new struct of s->size bytes (NULL if n is not a
 * map, after reporting it).  Defaults fill absent keys. */
void *schema_decode(Arena *a, Diags *ds, const Schema *s, const Node *n);
/* The same for n = base with an override laid on it (resolve.c's merge:
 * base's pairs first, in order, sharing base's key nodes), where base_obj
 * is base decoded: a field whose value is the very node base_obj's was
 * decoded from is copied, not decoded again, so the two share what the
 * field points to (lists, nested objects); a nested object the override
 * reaches is decoded over the base's in turn.  Diagnostics are those the
 * whole decode gives, less repeats of the base's own. */
void *schema_decode_over(Arena *a, Diags *ds, const Schema *s, const Node *n,
                         const Node *base, const void *base_obj);
/* Check a scalar against a field type as the decoder would (for values
 * that are not struct fields, e.g. map keys). */
const Field *schema_field(const Schema *s, const char *key);
/* What a value of type t is, for messages: "an integer", "a list". */
const char *schema_type_desc(FieldType t);
/* Print every key as a dotted path with its type, default and values. */
void schema_print(const Schema *s, const char *prefix, Strbuf *out);

#endif
