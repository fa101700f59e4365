/* fuzz_load.c - libFuzzer harness: one spec file in memory through the
 * whole pipeline (load_source -> model_build -> check_model -> emit_model
 * and the reports).  Any crash, sanitizer report, leak or time-out is a
 * bug; diagnostics are not. */
#include "topoc/build.h"
#include "topoc/check.h"
#include "topoc/emit.h"
#include "topoc/report.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Arena a;
    Diags ds;
    Inputs in = {0};
    arena_init(&a);
    diags_init(&ds, &a);
    char *text = arena_alloc(&a, size + 1);
    memcpy(text, data, size);
    Source src = {"fuzz.yaml", text, size};
    load_source(&a, &ds, &src, false, &in);
    Model *m = model_build(&a, &ds, &in);
    if (m && ds.nerrors == 0) {
        CheckOptions opt = {.today = "2026-11-21"};
        check_model(&a, &ds, m, &opt);
        Outputs o = {0};
        emit_model(m, &o);
        out_free(&o);
    }
    diags_sort(&ds);
    Strbuf sb = STRBUF_INIT;
    report_json(&ds, &sb); /* exercises every diagnostic's text */
    report_sarif(&ds, "fuzz", &sb);
    report_junit(&ds, &sb);
    report_github(&ds, &sb);
    sb_release(&sb);
    diags_free(&ds);
    arena_free(&a);
    return 0;
}
