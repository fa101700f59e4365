/* output.c - the emit stage's shared machinery (src/emit/): every output
 * family adds files to one Outputs set in memory, and this file writes the
 * set; beside it model.json (emit_model.c), ARM template shapes (arm.c),
 * quoting per format (escape.c) and the template engine (mustache.c).
 *
 * Writing an Outputs set atomically enough (see emit.h).
 *
 * Files are written to DIR/.topoc-staging-PID first.  Then each top-level
 * entry is swapped in with rename(2): the old one moves aside, the new one
 * takes its place, the old one is removed.  An error before the swap leaves
 * DIR untouched.
 */
#define _XOPEN_SOURCE 700
#include "topoc/emit.h"
#include "topoc/arena.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void out_add(Outputs *o, const char *path, Strbuf *content)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 16;
        o->v = xrealloc(o->v, (size_t)o->cap * sizeof *o->v);
    }
    OutFile *f = &o->v[o->n++];
    size_t n = strlen(path);
    f->path = xmalloc(n + 1);
    memcpy(f->path, path, n + 1);
    f->data = sb_detach(content, &f->len);
}

void out_free(Outputs *o)
{
    for (int i = 0; i < o->n; i++) {
        free(o->v[i].path);
        free(o->v[i].data);
    }
    free(o->v);
    memset(o, 0, sizeof *o);
}

static int io_error(const char *path, int err)
{
    fprintf(stderr, "topoc: error: %s: %s\n", path, strerror(err));
    return -1;
}

static int rm_entry(const char *path, const struct stat *st, int type,
                    struct FTW *ftw)
{
    (void)st, (void)ftw;
    return type == FTW_DP ? rmdir(path) : unlink(path);
}

static void rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0)
        nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int mkdir_p(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = mkdir(path, 0777);
        *p = '/';
        if (rc != 0 && errno != EEXIST)
            return io_error(path, errno);
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return io_error(path, errno);
    return 0;
}

static int write_file(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
        return io_error(path, errno);
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            int err = errno;
            close(fd);
            return io_error(path, err);
        }
        done += (size_t)w;
    }
    if (close(fd) != 0)
        return io_error(path, errno);
    return 0;
}

static int stage(const Outputs *o, const char *staging)
{
    for (int i = 0; i < o->n; i++) {
        char *path = NULL;
        if (asprintf(&path, "%s/%s", staging, o->v[i].path) < 0)
            return io_error(staging, ENOMEM);
        char *slash = strrchr(path, '/');
        *slash = '\0';
        int rc = mkdir_p(path);
        *slash = '/';
        if (rc == 0)
            rc = write_file(path, o->v[i].data, o->v[i].len);
        free(path);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* The length of a path's unit: its first `depth` folders, or its whole
 * folder when it is less deep (a top-level file is a unit of its own). */
static size_t unit_len(const char *path, int depth)
{
    size_t len = strcspn(path, "/");
    for (int d = 1; d < depth && path[len] == '/'; d++) {
        size_t next = len + 1 + strcspn(path + len + 1, "/");
        if (!path[next])
            break; /* that component is the file name */
        len = next;
    }
    return len;
}

/* The distinct units of the output paths. */
static int top_names(const Outputs *o, int depth, char ***out)
{
    char **v = xmalloc(((size_t)o->n + 1) * sizeof *v);
    int n = 0;
    for (int i = 0; i < o->n; i++) {
        size_t len = unit_len(o->v[i].path, depth);
        int dup = 0;
        for (int j = 0; j < n && !dup; j++)
            dup = strlen(v[j]) == len && !strncmp(v[j], o->v[i].path, len);
        if (dup)
            continue;
        v[n] = xmalloc(len + 1);
        memcpy(v[n], o->v[i].path, len);
        v[n++][len] = '\0';
    }
    *out = v;
    return n;
}

static char *path_join(const char *a, const char *b)
{
    char *p = NULL;
    if (asprintf(&p, "%s/%s", a, b) < 0) {
        fputs("topoc: fatal: out of memory\n", stderr);
        exit(2);
    }
    return p;
}

/* Make the folders above path (path itself is left alone). */
static int mkdir_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return 0;
    size_t n = (size_t)(slash - path);
    char *dir = xmalloc(n + 1);
    memcpy(dir, path, n);
    dir[n] = '\0';
    int rc = mkdir_p(dir);
    free(dir);
    return rc;
}

/* Move DIR/name aside into old/, then staging/name into DIR/name. */
static int swap_in(const char *dir, const char *staging, const char *old,
                   const char *name)
{
    char *from = path_join(staging, name), *to = path_join(dir, name);
    char *aside = path_join(old, name);
    int rc = mkdir_parent(to) || mkdir_parent(aside) ? -1 : 0;
    if (rc == 0 && rename(to, aside) != 0 && errno != ENOENT)
        rc = io_error(to, errno);
    if (rc == 0 && rename(from, to) != 0)
        rc = io_error(to, errno);
    free(from);
    free(to);
    free(aside);
    return rc;
}

int out_commit(const Outputs *o, const char *dir, int depth)
{
    char tag[64];
    size_t dl = strlen(dir);
    char *d = xmalloc(dl + 1);
    memcpy(d, dir, dl + 1);
    int rc = mkdir_p(d);
    free(d);
    if (rc != 0)
        return -1;
    snprintf(tag, sizeof tag, ".topoc-staging-%ld", (long)getpid());
    char *staging = path_join(dir, tag);
    snprintf(tag, sizeof tag, ".topoc-old-%ld", (long)getpid());
    char *old = path_join(dir, tag);
    rm_rf(staging);
    rm_rf(old);
    if (mkdir(staging, 0777) != 0 || mkdir(old, 0777) != 0)
        rc = io_error(staging, errno);
    if (rc == 0)
        rc = stage(o, staging);
    if (rc == 0) {
        char **names;
        int n = top_names(o, depth, &names);
        for (int i = 0; i < n; i++) {
            if (rc == 0)
                rc = swap_in(dir, staging, old, names[i]);
            free(names[i]);
        }
        free(names);
    }
    rm_rf(staging);
    rm_rf(old);
    free(staging);
    free(old);
    return rc;
}

int write_file_atomic(const char *path, const char *data, size_t len)
{
    char *tmp = NULL;
    if (asprintf(&tmp, "%s.topoc-tmp-%ld", path, (long)getpid()) < 0)
        return io_error(path, ENOMEM);
    int rc = write_file(tmp, data, len);
    if (rc == 0 && rename(tmp, path) != 0)
        rc = io_error(path, errno);
    if (rc != 0)
        unlink(tmp);
    free(tmp);
    return rc;
}
