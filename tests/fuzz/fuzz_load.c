/* fuzz_load.c - libFuzzer harness: one spec file in memory through the
 * pipeline the CLI runs (compile_inputs: build, check and, for a valid
 * model, every emitter, the pictures laid out with Graphviz for small
 * documents), then the reports.  Any crash,
 * sanitizer report, leak or time-out is a bug; diagnostics are not.  So is
 * an output its consumer could not read: every .json output must parse as
 * JSON and every .yaml output as YAML (the spec text in them is data). */
#include "topoc/compile.h"
#include "topoc/report.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Graphviz lays out pictures only for documents this small: a bigger one
 * could hold hundreds of services, too many to lay out under the
 * sanitizers within the time-out. */
enum { MAX_PICTURE_BYTES = 8192 };

static bool ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && !strcmp(s + n - m, suf);
}

/* Each output read back by a parser of its format. */
static void read_back(const Outputs *o)
{
    for (int i = 0; i < o->n; i++) {
        const OutFile *f = &o->v[i];
        char err[256];
        if (ends_with(f->path, ".json")) {
            JsonVal *v = jv_parse(f->data, f->len, err, sizeof err);
            if (!v) {
                fprintf(stderr, "%s is not JSON: %s\n", f->path, err);
                abort();
            }
            jv_free(v);
        } else if (ends_with(f->path, ".yaml")) {
            Arena a;
            Diags ds;
            Inputs in = {0};
            arena_init(&a);
            diags_init(&ds, &a);
            Source src = {f->path, f->data, f->len, NULL, 0};
            load_source(&a, &ds, &src, false, &in);
            if (ds.nerrors) {
                fprintf(stderr, "%s is not YAML: %s\n", f->path,
                        ds.v[0]->msg);
                abort();
            }
            diags_free(&ds);
            load_free_trees(&in);
            arena_free(&a);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the pipeline the CLI runs (compile.c), on one in-memory document */
    Compilation c;
    compile_init(&c);
    c.out_mode = OUT_MEMORY;
    char *text = arena_alloc(&c.arena, size + 1);
    memcpy(text, data, size);
    Source src = {"fuzz.yaml", text, size, NULL, 0};
    load_source(&c.arena, &c.diags, &src, false, &c.inputs);
    CheckOptions opt = {.today = "2026-11-21"};
    c.no_views = size > MAX_PICTURE_BYTES;
    if (compile_inputs(&c, "fuzz-out", NULL, &opt) == COMPILE_OK)
        read_back(&c.outputs);
    diags_sort(&c.diags);
    Strbuf sb = STRBUF_INIT;
    report_json(&c.diags, &sb); /* exercises every diagnostic's text */
    report_sarif(&c.diags, "fuzz", &sb);
    report_junit(&c.diags, &sb);
    report_github(&c.diags, &sb);
    sb_release(&sb);
    compile_free(&c);
    return 0;
}
