/* compile.c - the pipeline, top to bottom (see compile.h). */
#include "topoc/compile.h"

void compile_init(Compilation *c)
{
    arena_init(&c->arena);
    diags_init(&c->diags, &c->arena);
    c->model = NULL;
    c->outputs = (Outputs){0};
}

void compile_free(Compilation *c)
{
    out_free(&c->outputs);
    diags_free(&c->diags);
    arena_free(&c->arena);
}

CompileResult compile(Compilation *c, char *const *paths, int npaths,
                      const char *out_dir, const char *templates,
                      const CheckOptions *opt)
{
    if (load_inputs(&c->arena, &c->diags, paths, npaths, &c->inputs) != 0)
        return COMPILE_IO;
    c->model = model_build(&c->arena, &c->diags, &c->inputs);
    if (c->diags.nerrors > 0 || !c->model)
        return COMPILE_ERRORS;
    check_model(&c->arena, &c->diags, c->model, opt);
    if (c->diags.nerrors > 0)
        return COMPILE_ERRORS;
    if (!out_dir)
        return COMPILE_OK;
    emit_model(c->model, &c->outputs);
    emit_gateway(c->model, &c->outputs);
    emit_nginx(c->model, &c->outputs);
    emit_azure(c->model, &c->diags, &c->outputs);
    emit_appservice(c->model, &c->outputs);
    emit_kubernetes(c->model, &c->outputs);
    if (emit_templates(c->model, templates, &c->outputs) != 0)
        return COMPILE_IO;
    if (out_commit(&c->outputs, out_dir) != 0)
        return COMPILE_IO;
    return COMPILE_OK;
}
