/* emit.h - stage 4: outputs, the machinery every output family shares
 * (src/emit/): the staged output set, model.json and JSON lists.  The
 * families have rooms and headers of their own: gateway.h (src/gateway/),
 * manifests.h (src/manifests/), diagrams.h (src/diagrams/) and report.h
 * (src/report/); arm.h, escape.h and mustache.h are shared by them.
 *
 * Emitters never touch the file system: they add files to an Outputs set.
 * A build first opens the output folder (out_begin: it must be topoc's),
 * then every added file goes straight into a staging folder beside it and
 * only its path and size stay in memory; out_commit() swaps the staging
 * folder in when every emitter has succeeded and no error was reported, so
 * a failed build leaves the output folder exactly as it was.  build --check
 * writes into a scratch folder instead (out_begin_scratch) and compares;
 * without either (diff) the set holds every file's content.
 */
#ifndef TOPOC_EMIT_H
#define TOPOC_EMIT_H

#include "topoc/diag.h"
#include "topoc/json.h"
#include "topoc/model.h"
#include "topoc/strbuf.h"

typedef struct OutFile {
    char *path; /* relative to the output folder */
    char *data; /* NULL once written to the staging folder */
    size_t len;
    bool alias; /* data belongs to another file (out_add_copy) */
} OutFile;

typedef struct OutStage OutStage; /* output.c */

typedef struct Outputs {
    OutFile *v;
    int n, cap;
    int *slots; /* by path: indices into v, -1 empty (out_find) */
    int capslots;
    OutStage *stage; /* after out_begin: where files are written */
} Outputs;

/* Open the output folder dir for a build: it must be topoc's (absent,
 * empty, or holding only what its manifest, .topoc-output, lists; anything
 * else is refused), and a staging folder beside it receives every file
 * added from now on.  Returns -1 after reporting an error. */
int out_begin(Outputs *o, const char *dir);
/* What keeps out_begin from taking dir: its entries the manifest does not
 * list (a folder wholly unlisted is one entry), links, devices; paths
 * relative to dir, sorted (free each and *names).  None when dir is absent;
 * -1 when it cannot be read (errno set). */
int out_list_foreign(const char *dir, char ***names, int *n);
/* The same for a set that is read back and never committed (build
 * --check): its files go to a scratch folder in $TMPDIR, which out_free
 * removes; read them with out_read. */
int out_begin_scratch(Outputs *o);
/* Add a file; takes the strbuf's buffer and leaves it empty. */
void out_add(Outputs *o, const char *path, Strbuf *content);
/* Add a file with the content of the file already added at from (after
 * out_begin: a hard link to it, so its bytes are written once). */
void out_add_copy(Outputs *o, const char *path, const char *from);
/* The file first added at path, or NULL; valid until the next out_add.
 * Its data is NULL after out_begin: read it with out_read. */
const OutFile *out_find(const Outputs *o, const char *path);
/* A copy of the content of the file first added at path (free it), or
 * NULL when there is none or it cannot be read back (then the error is
 * reported and out_commit will fail). */
char *out_read(Outputs *o, const char *path, size_t *len);
/* Free the set; a staging folder not committed is removed. */
void out_free(Outputs *o);
/* Swap the staging folder in for the folder given to out_begin, after
 * checking again that topoc owns it.  depth 0: the new tree is exactly
 * this set; depth 2: the set replaces the old tree's units of two folders
 * (ENV/diagrams, docs) and the old tree's other files are kept.  Returns
 * -1 after reporting an error (a write that failed included), leaving the
 * folder as it was. */
int out_commit(Outputs *o, int depth);

/* Write one file through a temporary name and rename(2): readers never see
 * half of it.  Returns -1 after reporting an I/O error. */
int write_file_atomic(const char *path, const char *data, size_t len);

/* model.json: the resolved model per environment, canonical JSON. */
void emit_model(const Model *m, Outputs *o);
/* A list of strings as a JSON array (every emitter's lists). */
JsonVal *json_strlist(const StrList *l);

#endif
