/* review.h - the review and editor workflow (src/review/): what a pull
 * request changes (diff), whether committed outputs are stale (build
 * --check), which route takes a request (route), and the spec language as
 * JSON Schema for editors (schema --format json-schema).
 *
 * Each function writes its answer into a Strbuf and returns a status the
 * command line maps to an exit code; none of them writes files.
 */
#ifndef TOPOC_REVIEW_H
#define TOPOC_REVIEW_H

#include <stdbool.h>

#include "topoc/compile.h"
#include "topoc/strbuf.h"

/* The JSON Schema (draft-07) of one document kind ("platform", "service",
 * "waivers"), or of any document (kind NULL: the kind is picked by the
 * document's first key, as topoc does).  Built from the schema tables that
 * drive the decoder; descriptions and examples come from specs/README.md.
 * Returns -1 for an unknown kind. */
int review_json_schema(const char *kind, Strbuf *out);

/* build --check: compare the files a build would write (o) with dir.
 * Lists stale, missing, extra (the next build deletes them) and foreign
 * (the build refuses dir until they are moved away) files in report, and
 * what to do, with rebuild the command that builds dir.  Returns 0 when dir
 * is up to date, 1 when it differs, -1 when dir cannot be read (after
 * reporting why). */
int review_build_check(Outputs *o, const char *dir, const char *rebuild,
                       Strbuf *report);

typedef enum { RFMT_TEXT, RFMT_JSON, RFMT_MARKDOWN } ReviewFormat;

/* route: which route of environment env (NULL: the first) takes METHOD
 * URL, its service, backend and WAF policy, and why each route tried
 * before it did not match.  Returns 0 when a route takes it, 1 when none
 * does, -1 for a bad request (an unknown environment, method or URL; why
 * is in out). */
int review_route(Arena *a, const Model *m, const char *env,
                 const char *method, const char *url, ReviewFormat fmt,
                 Strbuf *out);

/* diff: what changes between two compiled specs, per environment.  Both
 * compilations have been checked and, if they had no errors, built into
 * their Outputs (not written).  Returns 0 when nothing changes, 1 when
 * something does. */
int review_diff(Compilation *old, Compilation *new, ReviewFormat fmt,
                Strbuf *out);

/* import openapi: the routes a service needs for the document at file, as
 * spec YAML an architect reviews and pastes into the service's file: one
 * route per path (its methods together while their parameter constraints
 * agree), constraints from the parameter schemas where the constraint
 * language can say them.  host NULL: the first label of the document's
 * server host.  Deterministic: the document's path order, methods in
 * route_method_names order.  Returns 0, or -1 with why in out. */
int review_import_openapi(Arena *a, const char *file, const char *service,
                          const char *host, Strbuf *out);

#endif
