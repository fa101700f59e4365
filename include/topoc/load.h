/* load.h - stage 1: from paths on the command line to documents.
 *
 * load_inputs() expands the paths (directories are walked in sorted order for
 * *.yaml and *.yml; a subdirectory holding its own platform.yaml is another
 * spec and is skipped), reads each file with the safety limits below, and
 * parses it.  Problems in a file's content are diagnostics; problems reaching
 * a file (missing, unreadable, symlink loop) are I/O errors, reported on
 * stderr, and make load_inputs return -1.
 */
#ifndef TOPOC_LOAD_H
#define TOPOC_LOAD_H

#include "topoc/diag.h"
#include "topoc/node.h"

enum {
    LOAD_MAX_FILE_BYTES = 8 << 20,  /* a spec file larger is refused */
    LOAD_MAX_DEPTH = 64,            /* nesting of maps and sequences */
    LOAD_MAX_NODES = 1000000,       /* nodes a document may expand to */
    LOAD_MAX_ANCHORS = 4096,        /* anchors (&name) in one document */
    LOAD_MAX_FILES = 100000,
    LOAD_MAX_DIR_DEPTH = 32,
};

/* A file or folder below a spec folder that is not read as spec. */
typedef struct Skipped {
    const char *path; /* a folder's ends in '/' */
    const char *why, *help;
} Skipped;

typedef struct Inputs {
    Document *docs;
    int ndocs;
    int nfiles;
    int nbroken;                /* files whose content could not be parsed */
    const Source **broken;      /* those files: names they may declare are
                                   not reported as unknown (resolve.c) */
    Skipped *skipped;           /* files and folders not read as spec */
    int nskipped;
    int capdocs;
    /* The documents' nodes (their text is in the compilation's arena):
     * freed by load_free_trees once the model holds what it needs. */
    Arena tree;
} Inputs;

/* Called with each file's documents as soon as it is parsed; returns true
 * when their nodes are no longer needed (the roots then point elsewhere),
 * and they are freed before the next file is read. */
typedef bool (*LoadSink)(void *ctx, Document *docs, int n);

int load_inputs(Arena *a, Diags *ds, char *const *paths, int npaths,
                Inputs *out, LoadSink sink, void *ctx);
/* A note for each file or folder not read as spec, except those a later
 * stage reads (read: files, e.g. the services' API documents); those
 * leave in->skipped.  nread < 0: the spec did not read, and the files
 * that are not spec are one note counting them. */
void load_note_skipped(Arena *a, Diags *ds, Inputs *in,
                       const char *const *read, int nread);
/* The index of the spec folder among paths that out (an output folder, which
 * may not exist yet) is or lies inside, else -1: a build must not write
 * there, or the next check would read its output as spec. */
int load_output_inside(char *const *paths, int npaths, const char *out);
/* Check and parse one file already in memory, adding its documents to out
 * (what load_inputs does for each file; also the fuzzing entry point). */
void load_source(Arena *a, Diags *ds, Source *src, bool too_big,
                 Inputs *out);

/* Free the documents' nodes: in->docs is empty afterwards.  Scalars' text
 * stays (the model points to it). */
void load_free_trees(Inputs *in);

/* Parse one YAML source into documents (load_yaml.c): nodes in tree, the
 * scalars' text in a. */
void load_yaml(Arena *a, Arena *tree, Diags *ds, const Source *src,
               Document **docs, int *ndocs);

#endif
