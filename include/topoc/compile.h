/* compile.h - one compilation: the pipeline and everything it owns.
 *
 *   load (files -> documents) -> build (documents -> model) ->
 *   check (the rules) -> emit
 *
 * A stage runs only when the ones before it reported no error: the rules
 * need a whole model, and outputs need a valid one.
 *
 * A Compilation owns one arena; the model, the documents and the
 * diagnostics all live and die with it.
 */
#ifndef TOPOC_COMPILE_H
#define TOPOC_COMPILE_H

#include "topoc/build.h"
#include "topoc/check.h"
#include "topoc/emit.h"

/* Where a build's outputs go. */
typedef enum {
    OUT_FOLDER,  /* staged beside the output folder, swapped in at the end */
    OUT_SCRATCH, /* a scratch folder, never committed (build --check) */
    OUT_MEMORY,  /* held in the set, nothing written (diff, the fuzzer) */
} OutMode;

typedef struct Compilation {
    Arena arena;
    Diags diags;
    Inputs inputs;
    ModelDocs *taken; /* the documents as compile() read them, file by
                         file; NULL: compile_inputs takes inputs whole */
    Model *model;
    Outputs outputs;
    OutMode out_mode; /* build: OUT_FOLDER unless told */
    bool no_views;  /* build: no pictures and no docs (the fuzzer, for
                       models too big to lay out within its time-out) */
} Compilation;

typedef enum {
    COMPILE_OK = 0,     /* no errors (warnings maybe) */
    COMPILE_ERRORS = 1, /* the spec has errors: see diags */
    COMPILE_IO = 2,     /* a file could not be read or written */
} CompileResult;

void compile_init(Compilation *c);
void compile_free(Compilation *c);
/* Load and check the spec; with out_dir, also emit and write outputs,
 * but only when there are no errors.  With opt->highlight, out_dir gets
 * only the views (diagrams and docs) with the findings drawn in red, even
 * when the rules found errors (but not when the spec could not be read
 * into a model). */
CompileResult compile(Compilation *c, char *const *paths, int npaths,
                      const char *out_dir, const char *templates,
                      const CheckOptions *opt);
/* The same from documents already in c->inputs (load_source: the fuzzer). */
CompileResult compile_inputs(Compilation *c, const char *out_dir,
                             const char *templates, const CheckOptions *opt);

#endif
