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

#endif
