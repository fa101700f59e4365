/* openapi.h - an OpenAPI 3.x document as the routes it needs
 * (src/model/openapi.c).  Read by the checker (openapi: on a service,
 * check_openapi.c) and by `topoc import openapi`.
 *
 * Only JSON documents are read (through json.c): a YAML document is
 * refused with a diagnostic that says to convert it, because YAML's
 * anchors, tags and merge keys would need a second, hostile-input-proof
 * reader for the same tree.  Each operation becomes one Route: its path
 * is the first server URL's path followed by the path key ("appended",
 * OpenAPI 3.0.3 section 4.7.9), its one method, and for each path
 * parameter the constraint its schema allows, in topoc's constraint
 * language, where the language can say it (see openapi_constraint).
 */
#ifndef TOPOC_OPENAPI_H
#define TOPOC_OPENAPI_H

#include <stdbool.h>

#include "topoc/arena.h"
#include "topoc/json.h"
#include "topoc/model.h"
#include "topoc/strbuf.h"

enum { OPENAPI_MAX_BYTES = 32 << 20 };

typedef struct OaOp {
    const char *id;     /* operationId, or NULL */
    const char *method; /* upper case, one of route_method_names */
    const char *key;    /* the path key as the document writes it */
    Route route;        /* path, methods [method], params; host and loc
                           are the caller's */
} OaOp;

typedef struct OaDoc {
    const char *server_host; /* the first server URL's host, or NULL */
    OaOp *ops;               /* paths in document order, then methods */
    int nops;
} OaDoc;

/* The document's file: ref->document, relative to the spec file that
 * names it. */
const char *openapi_file(Arena *a, const OpenApiRef *ref);
/* The files of every document the model's services name (any order, may
 * repeat): they are read, though no spec file. */
const char **openapi_files(Arena *a, const Model *m, int *n);
/* Read the document at file.  False, with one sentence in err (naming
 * the document as shown), when it cannot be read, is not a JSON OpenAPI
 * 3.x document, or an operation's path cannot be a route. */
bool openapi_read(Arena *a, const char *file, const char *shown, OaDoc *out,
                  Strbuf *err);

/* The constraint a path parameter's schema allows, or NULL when it allows
 * any segment or the language cannot express it (then any value is taken,
 * so a route constraint is compared with "anything").  Exposed for the
 * unit tests. */
const char *openapi_constraint(Arena *a, const JsonVal *doc,
                               const JsonVal *schema);

#endif
