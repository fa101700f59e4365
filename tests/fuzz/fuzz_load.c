/* fuzz_load.c - libFuzzer harness: one spec file in memory through the
 * whole pipeline (load_source -> model_build -> check_model), then, for a
 * valid model, every emitter (model.json, routes, nginx, the Azure edge,
 * App Service, Kubernetes, the template targets, the docs) and the
 * pictures, laid out with Graphviz (bounded: only for models small enough
 * to lay out in well under the time-out), and the reports.  Any crash,
 * sanitizer report, leak or time-out is a bug; diagnostics are not.  So is
 * an output its consumer could not read: every .json output must parse as
 * JSON and every .yaml output as YAML (the spec text in them is data). */
#include "topoc/build.h"
#include "topoc/check.h"
#include "topoc/diagrams.h"
#include "topoc/emit.h"
#include "topoc/gateway.h"
#include "topoc/manifests.h"
#include "topoc/report.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_PICTURE_SERVICES = 12 };

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
            arena_free(&a);
        }
    }
}

static void emit_all(const Model *m, Diags *ds)
{
    Outputs o = {0};
    emit_model(m, &o);
    emit_gateway(m, &o);
    emit_nginx(m, &o);
    emit_azure(m, ds, &o);
    emit_appservice(m, &o);
    emit_kubernetes(m, &o);
    emit_templates(m, NULL, &o);
    if (m->nservices <= MAX_PICTURE_SERVICES && emit_diagrams(m, NULL, &o,
                                                              NULL) == 0)
        emit_docs(m, &o);
    read_back(&o);
    out_free(&o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Arena a;
    Diags ds;
    Inputs in = {0};
    arena_init(&a);
    diags_init(&ds, &a);
    char *text = arena_alloc(&a, size + 1);
    memcpy(text, data, size);
    Source src = {"fuzz.yaml", text, size, NULL, 0};
    load_source(&a, &ds, &src, false, &in);
    Model *m = model_build(&a, &ds, &in);
    if (m && ds.nerrors == 0) {
        CheckOptions opt = {.today = "2026-11-21"};
        check_model(&a, &ds, m, &opt);
        if (ds.nerrors == 0)
            emit_all(m, &ds);
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
