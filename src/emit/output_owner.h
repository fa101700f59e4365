/* output_owner.h - shared by output.c, output_stage.c and output_owner.c
 * only: the manifest of an output folder, ownership checks, stale staging,
 * and the staging folder a build writes into. */
#ifndef TOPOC_OUTPUT_OWNER_H
#define TOPOC_OUTPUT_OWNER_H

#include "topoc/emit.h"
#include "topoc/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/* Paths relative to the output folder (pointers into one text). */
typedef struct OutList {
    char **v;
    int n, cap;
} OutList;

extern const char out_manifest_name[]; /* ".topoc-output" */
extern const char out_manifest_head[]; /* its comment lines */

int out_io_error(const char *path, int err);
void out_rm_rf(const char *path);
/* A regular file's content (not through a symbolic link), or NULL. */
char *out_read_file(const char *path, size_t *len);
/* 0 when topoc may replace dir: it is absent, empty, or everything in it
 * is listed by its manifest.  *owned gets the manifest's paths (sorted,
 * pointing into *text, which the caller frees).  Reports and returns -1
 * otherwise. */
int out_check_owned(const char *dir, OutList *owned, char **text);
/* Remove PARENT/.BASE.topoc-PID folders whose process is gone. */
void out_clean_stale(const char *parent, const char *base);

/* The staging folder of a build into dir (output_stage.c).  stage_open
 * checks that topoc owns dir and reports (NULL) when not.  stage_write,
 * stage_link (a second name for a file written already) and stage_read
 * report an I/O error once and return -1 or NULL; after a failure nothing
 * more is written and stage_commit fails.  stage_commit takes every path
 * of the set (any order) and swaps the new tree in; stage_close removes
 * what is left and frees. */
OutStage *stage_open(const char *dir);
/* The same for a build that is only read back (build --check): a fresh
 * folder in $TMPDIR, never committed. */
OutStage *stage_open_scratch(void);
int stage_write(OutStage *s, const char *rel, const char *data, size_t len);
int stage_link(OutStage *s, const char *rel, const char *from);
char *stage_read(OutStage *s, const char *rel, size_t *len);
int stage_commit(OutStage *s, const char **paths, int n, int depth);
void stage_close(OutStage *s);

#endif
