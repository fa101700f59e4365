/* build.h - stage 2: documents -> the resolved model.
 *
 * model_build() decodes the platform and service documents (schema.h),
 * then resolves them for each environment: per-environment overrides are
 * merged onto the spec before decoding, so an override is checked exactly
 * like the value it replaces; names are resolved, duplicates reported.
 * Returns NULL only when there is no platform document to build on.
 */
#ifndef TOPOC_BUILD_H
#define TOPOC_BUILD_H

#include "topoc/load.h"
#include "topoc/model.h"

Model *model_build(Arena *a, Diags *ds, const Inputs *in);

/* The same, file by file (model_docs.c): the loader gives each file's
 * documents to model_docs_sink as it parses them (load_inputs' sink), and
 * their nodes are freed unless they hold the platform; then
 * model_build_from resolves what was taken.  model_build is
 * model_docs_take of every document, then model_build_from. */
typedef struct ModelDocs ModelDocs;
ModelDocs *model_docs_new(Arena *a, Diags *ds);
/* Classify and decode docs; returns true when their nodes are still
 * needed (they hold the platform). */
bool model_docs_take(ModelDocs *md, const Document *docs, int n);
/* A LoadSink: model_docs_take, then, when the nodes are not needed, each
 * root becomes a stub that still says what it was; returns true then. */
bool model_docs_sink(void *md, Document *docs, int n);
Model *model_build_from(ModelDocs *md, const Inputs *in);
/* What md holds beside the compilation's arena (model_build_from frees
 * it too; a compilation whose loading failed must). */
void model_docs_free(ModelDocs *md);

#endif
