/* output_owner.h - shared by output.c and output_owner.c only: the
 * manifest of an output folder, ownership checks, stale staging. */
#ifndef TOPOC_OUTPUT_OWNER_H
#define TOPOC_OUTPUT_OWNER_H

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

#endif
