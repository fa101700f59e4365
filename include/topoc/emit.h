/* emit.h - stage 4: outputs.
 *
 * Emitters never touch the file system: they add files to an Outputs set in
 * memory.  Only when every emitter has succeeded, and no error was reported,
 * does out_commit() write the set, through a staging directory, so a failed
 * build leaves the output folder exactly as it was.
 */
#ifndef TOPOC_EMIT_H
#define TOPOC_EMIT_H

#include "topoc/diag.h"
#include "topoc/json.h"
#include "topoc/model.h"
#include "topoc/strbuf.h"

typedef struct OutFile {
    char *path; /* relative to the output folder */
    char *data;
    size_t len;
} OutFile;

typedef struct Outputs {
    OutFile *v;
    int n, cap;
} Outputs;

/* Add a file; takes the strbuf's buffer and leaves it empty. */
void out_add(Outputs *o, const char *path, Strbuf *content);
void out_free(Outputs *o);
/* Write every file under dir, replacing what an earlier build wrote in the
 * same units: a unit is a path's first `depth` folders (1: each top-level
 * entry is replaced whole, so no stale file survives; 2: ENV/diagrams is
 * replaced but ENV/gateway kept).  Returns -1 after an I/O error, leaving
 * dir as it was. */
int out_commit(const Outputs *o, const char *dir, int depth);

/* Write one file through a temporary name and rename(2): readers never see
 * half of it.  Returns -1 after reporting an I/O error. */
int write_file_atomic(const char *path, const char *data, size_t len);

/* model.json: the resolved model per environment, canonical JSON. */
void emit_model(const Model *m, Outputs *o);
/* A list of strings as a JSON array (every emitter's lists). */
JsonVal *json_strlist(const StrList *l);
/* ENV/gateway/routes.json: the routing table in matching order. */
void emit_gateway(const Model *m, Outputs *o);
/* ENV/gateway/nginx/: nginx + ModSecurity + CRS for Debian 12. */
void emit_nginx(const Model *m, Outputs *o);
/* ENV/gateway/azure/: Application Gateway WAF_v2, its WAF policy and API
 * Management, as an ARM template; notes in ds say what App Gateway's
 * prefix-only paths make of templates. */
void emit_azure(const Model *m, Diags *ds, Outputs *o);
/* ENV/manifests/azure/: App Service deployment templates. */
void emit_appservice(const Model *m, Outputs *o);
/* ENV/manifests/kubernetes/: namespace, workloads, autoscalers, policies. */
void emit_kubernetes(const Model *m, Outputs *o);
/* The pictures: ENV/diagrams/, diagrams/overview; services with findings
 * in highlight (if given) are drawn in red.  Layout times go to stats if
 * given.  Returns -1 after reporting a layout error. */
int emit_diagrams(const Model *m, const Diags *highlight, Outputs *o,
                  Strbuf *stats);
/* docs/index.html: the catalogue of pictures and services. */
void emit_docs(const Model *m, Outputs *o);
/* ENV/gateway/TARGET/: every template target (built-in templates/, plus
 * user_dir if given).  Returns -1 after reporting a broken template. */
int emit_templates(const Model *m, const char *user_dir, Outputs *o);

#endif
