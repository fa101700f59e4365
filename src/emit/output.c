/* output.c - the emit stage's shared machinery (src/emit/): every output
 * family adds files to one Outputs set, kept here; beside it the staging
 * folder the files are written into (output_stage.c), the folder's
 * ownership (output_owner.c), model.json (emit_model.c), ARM template
 * shapes (arm.c), quoting per format (escape.c) and the template engine
 * (mustache.c).
 *
 * A build's set keeps only paths and sizes: out_begin opens a staging
 * folder beside the output folder, each file is written there as it is
 * added, and out_commit swaps it in (output_stage.c).  Holding the content
 * until the end cost more than the rest of a 10,000-service build (2.3-2.9
 * GB in 160,000 files).  build --check writes into a scratch folder
 * (out_begin_scratch) and reads each file back to compare it; diff never
 * begins: its two sets hold every file's content.
 */
#include "topoc/emit.h"
#include "topoc/arena.h"
#include "topoc/util.h"
#include "output_owner.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* The slot of path: where it is, or the empty one where it would go. */
static int *path_slot(const Outputs *o, int *slots, int cap, const char *path)
{
    uint64_t h = fnv1a(path, strlen(path), 1469598103934665603ull);
    int i = (int)(h & (uint64_t)(cap - 1));
    while (slots[i] >= 0 && strcmp(o->v[slots[i]].path, path) != 0)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

/* Index file i by its path (the first file added at a path keeps it). */
static void index_path(Outputs *o, int i)
{
    if (2 * (o->n + 1) > o->capslots) {
        int nc = o->capslots ? o->capslots * 2 : 1024;
        int *v = xmalloc((size_t)nc * sizeof *v);
        memset(v, -1, (size_t)nc * sizeof *v);
        for (int k = 0; k < o->n; k++)
            if (k != i) {
                int *sl = path_slot(o, v, nc, o->v[k].path);
                if (*sl < 0)
                    *sl = k;
            }
        free(o->slots);
        o->slots = v;
        o->capslots = nc;
    }
    int *sl = path_slot(o, o->slots, o->capslots, o->v[i].path);
    if (*sl < 0)
        *sl = i;
}

const OutFile *out_find(const Outputs *o, const char *path)
{
    if (!o->capslots)
        return NULL;
    int at = *path_slot(o, o->slots, o->capslots, path);
    return at >= 0 ? &o->v[at] : NULL;
}

static OutFile *push(Outputs *o, const char *path)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 16;
        o->v = xrealloc(o->v, (size_t)o->cap * sizeof *o->v);
    }
    OutFile *f = &o->v[o->n++];
    size_t n = strlen(path);
    f->path = xmalloc(n + 1);
    memcpy(f->path, path, n + 1);
    f->data = NULL;
    f->len = 0;
    f->alias = false;
    return f;
}

void out_add(Outputs *o, const char *path, Strbuf *content)
{
    OutFile *f = push(o, path);
    f->len = content->len;
    if (o->stage) {
        stage_write(o->stage, path, content->buf, content->len);
        sb_release(content);
    } else {
        f->data = sb_detach(content, &f->len);
        /* the set is held whole: give back the strbuf's doubling slack */
        f->data = xrealloc(f->data, f->len + 1);
    }
    index_path(o, o->n - 1);
}

void out_add_copy(Outputs *o, const char *path, const char *from)
{
    const OutFile *src = out_find(o, from);
    assert(src); /* a copy of what we have not made is our bug */
    size_t len = src->len;
    char *data = src->data; /* never changed, so shared */
    OutFile *f = push(o, path); /* src may move */
    f->len = len;
    f->data = data;
    f->alias = data != NULL;
    if (o->stage)
        stage_link(o->stage, path, from);
    index_path(o, o->n - 1);
}

char *out_read(Outputs *o, const char *path, size_t *len)
{
    const OutFile *f = out_find(o, path);
    if (!f)
        return NULL;
    if (o->stage)
        return stage_read(o->stage, path, len);
    assert(f->data); /* not read back after out_commit */
    char *data = xmalloc(f->len + 1);
    memcpy(data, f->data, f->len + 1);
    *len = f->len;
    return data;
}

int out_begin(Outputs *o, const char *dir)
{
    assert(!o->stage && o->n == 0); /* files added before would be lost */
    o->stage = stage_open(dir);
    return o->stage ? 0 : -1;
}

int out_begin_scratch(Outputs *o)
{
    assert(!o->stage && o->n == 0);
    o->stage = stage_open_scratch();
    return o->stage ? 0 : -1;
}

int out_commit(Outputs *o, int depth)
{
    assert(o->stage);
    const char **paths = xmalloc(((size_t)o->n + 1) * sizeof *paths);
    for (int i = 0; i < o->n; i++)
        paths[i] = o->v[i].path;
    int rc = stage_commit(o->stage, paths, o->n, depth);
    free(paths);
    stage_close(o->stage); /* the old tree, or the new one on failure */
    o->stage = NULL;
    return rc;
}

void out_free(Outputs *o)
{
    for (int i = 0; i < o->n; i++) {
        free(o->v[i].path);
        if (!o->v[i].alias)
            free(o->v[i].data);
    }
    stage_close(o->stage);
    free(o->v);
    free(o->slots);
    memset(o, 0, sizeof *o);
}
