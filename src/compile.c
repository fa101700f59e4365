/* compile.c - the pipeline, top to bottom (see compile.h). */
#include "topoc/compile.h"
#include "topoc/diagrams.h"
#include "topoc/docs.h"
#include "topoc/gateway.h"
#include "topoc/manifests.h"
#include "topoc/openapi.h"
#include "topoc/util.h"

#include <stdio.h>

void compile_init(Compilation *c)
{
    arena_init(&c->arena);
    diags_init(&c->diags, &c->arena);
    c->inputs = (Inputs){0};
    c->taken = NULL;
    c->model = NULL;
    c->outputs = (Outputs){0};
    c->out_mode = OUT_FOLDER;
    c->no_views = false;
}

void compile_free(Compilation *c)
{
    load_free_trees(&c->inputs);
    model_docs_free(c->taken);
    out_free(&c->outputs);
    diags_free(&c->diags);
    arena_free(&c->arena);
}

/* The pictures and the docs catalogue; findings in red if given. */
static int draw(Compilation *c, const Diags *red, const CheckOptions *opt)
{
    Strbuf stats = STRBUF_INIT;
    int rc = emit_diagrams(c->model, red, &c->outputs,
                           opt->stats ? &stats : NULL);
    fputs(stats.buf, stderr);
    sb_release(&stats);
    if (rc == 0)
        emit_docs(c->model, &c->diags, &c->outputs);
    return rc;
}

/* check --highlight: only the views, replacing DIR/ENV/diagrams,
 * DIR/diagrams and DIR/docs and nothing else of an earlier build. */
static CompileResult views(Compilation *c, const char *out_dir,
                           const CheckOptions *opt)
{
    if (out_begin(&c->outputs, out_dir) != 0 || draw(c, &c->diags, opt) != 0 ||
        out_commit(&c->outputs, 2) != 0)
        return COMPILE_IO;
    return c->diags.nerrors > 0 ? COMPILE_ERRORS : COMPILE_OK;
}

CompileResult compile(Compilation *c, char *const *paths, int npaths,
                      const char *out_dir, const char *templates,
                      const CheckOptions *opt)
{
    double t0 = stats_now();
    c->taken = model_docs_new(&c->arena, &c->diags);
    if (load_inputs(&c->arena, &c->diags, paths, npaths, &c->inputs,
                    model_docs_sink, c->taken) != 0) {
        load_note_skipped(&c->arena, &c->diags, &c->inputs, NULL, 0);
        return COMPILE_IO;
    }
    if (opt->stats)
        stats_line("load", t0, c->arena.used + c->inputs.tree.used);
    return compile_inputs(c, out_dir, templates, opt);
}

CompileResult compile_inputs(Compilation *c, const char *out_dir,
                             const char *templates, const CheckOptions *opt)
{
    size_t used = c->arena.used;
    double t0 = stats_now();
    c->model = c->taken ? model_build_from(c->taken, &c->inputs)
                        : model_build(&c->arena, &c->diags, &c->inputs);
    if (opt->stats)
        stats_line("model", t0, c->arena.used - used);
    /* the files below the spec that are not spec, less those it names */
    int nread = -1; /* no model: which documents it names is unknown */
    const char **read = c->model ? openapi_files(&c->arena, c->model, &nread)
                                 : NULL;
    load_note_skipped(&c->arena, &c->diags, &c->inputs, read, nread);
    if (c->model) /* the model holds what it needs of the documents */
        load_free_trees(&c->inputs);
    if (c->diags.nerrors > 0 || !c->model)
        return COMPILE_ERRORS;
    check_model(&c->arena, &c->diags, c->model, opt);
    if (opt->highlight && out_dir)
        return views(c, out_dir, opt);
    if (c->diags.nerrors > 0)
        return COMPILE_ERRORS;
    if (!out_dir)
        return COMPILE_OK;
    /* the folder is checked before anything is made; each file then goes
     * to its staging folder as it is made (nothing is committed on error) */
    if ((c->out_mode == OUT_FOLDER && out_begin(&c->outputs, out_dir) != 0) ||
        (c->out_mode == OUT_SCRATCH && out_begin_scratch(&c->outputs) != 0))
        return COMPILE_IO;
    emit_model(c->model, &c->outputs);
    /* the gateway: routing table, nginx, the Azure edge */
    emit_gateway(c->model, &c->outputs);
    emit_nginx(c->model, &c->outputs);
    emit_azure(c->model, &c->diags, &c->outputs);
    /* the manifests: App Service, Kubernetes */
    emit_appservice(c->model, &c->diags, &c->outputs);
    emit_kubernetes(c->model, &c->diags, &c->outputs);
    /* the pictures and the docs */
    if (!c->no_views && draw(c, NULL, opt) != 0)
        return COMPILE_IO;
    /* the gateway's template targets (HAProxy, the user's own) */
    if (emit_templates(c->model, templates, &c->diags, &c->outputs) != 0)
        return COMPILE_IO;
    if (c->diags.nerrors > 0) /* an output refused what the spec asks */
        return COMPILE_ERRORS;
    if (c->out_mode == OUT_FOLDER && out_commit(&c->outputs, 0) != 0)
        return COMPILE_IO;
    return COMPILE_OK;
}
