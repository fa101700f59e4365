/* emit.h - stage 4: outputs, the machinery every output family shares
 * (src/emit/): the staged output set, model.json and JSON lists.  The
 * families have rooms and headers of their own: gateway.h (src/gateway/),
 * manifests.h (src/manifests/), diagrams.h (src/diagrams/) and report.h
 * (src/report/); arm.h, escape.h and mustache.h are shared by them.
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
    int *slots; /* by path: indices into v, -1 empty (out_find) */
    int capslots;
} Outputs;

/* Add a file; takes the strbuf's buffer and leaves it empty. */
void out_add(Outputs *o, const char *path, Strbuf *content);
/* The file first added at path, or NULL; valid until the next out_add. */
const OutFile *out_find(const Outputs *o, const char *path);
void out_free(Outputs *o);
/* Write every file under dir, which topoc must own: absent, empty, or
 * holding only what its manifest (.topoc-output) lists; anything else is
 * refused.  The whole new tree is built beside dir and swapped in at once
 * (see output.c).  depth 0: the new tree is exactly this set; depth 2:
 * the set replaces the old tree's units of two folders (ENV/diagrams,
 * docs) and the old tree's other files are kept.  Returns -1 after
 * reporting an error, leaving dir as it was. */
int out_commit(const Outputs *o, const char *dir, int depth);

/* Write one file through a temporary name and rename(2): readers never see
 * half of it.  Returns -1 after reporting an I/O error. */
int write_file_atomic(const char *path, const char *data, size_t len);

/* model.json: the resolved model per environment, canonical JSON. */
void emit_model(const Model *m, Outputs *o);
/* A list of strings as a JSON array (every emitter's lists). */
JsonVal *json_strlist(const StrList *l);

#endif
