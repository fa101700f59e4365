/* output.c - the emit stage's shared machinery (src/emit/): every output
 * family adds files to one Outputs set in memory, and this file writes the
 * set; beside it the folder's ownership (output_owner.c), model.json
 * (emit_model.c), ARM template shapes (arm.c), quoting per format
 * (escape.c) and the template engine (mustache.c).
 *
 * Writing an Outputs set atomically: the whole new tree is written into a
 * staging folder beside the output folder (PARENT/.BASE.topoc-PID), then
 * the two folders trade places in one renameat2(RENAME_EXCHANGE), and the
 * old tree is removed.  A reader, or a build killed at any point, sees the
 * old tree or the new one, never a mix; an error before the exchange
 * leaves the folder as it was.  The next build removes what a killed one
 * left beside the folder.
 */

#include "topoc/emit.h"
#include "topoc/arena.h"
#include "topoc/util.h"
#include "output_owner.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

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
    /* the set is held until commit (a 10,000-service build holds GBs):
     * give back the strbuf's doubling slack */
    f->data = xrealloc(f->data, f->len + 1);
    index_path(o, o->n - 1);
}

void out_free(Outputs *o)
{
    for (int i = 0; i < o->n; i++) {
        free(o->v[i].path);
        free(o->v[i].data);
    }
    free(o->v);
    free(o->slots);
    memset(o, 0, sizeof *o);
}

int out_io_error(const char *path, int err)
{
    Strbuf sb = STRBUF_INIT;
    diag_quote_path(&sb, path);
    fprintf(stderr, "topoc: error: %s: %s\n", sb.buf, strerror(err));
    sb_release(&sb);
    return -1;
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
            return out_io_error(path, errno);
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return out_io_error(path, errno);
    return 0;
}

static int write_file(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
        return out_io_error(path, errno);
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            int err = errno;
            close(fd);
            return out_io_error(path, err);
        }
        done += (size_t)w;
    }
    if (close(fd) != 0)
        return out_io_error(path, errno);
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
    /* a unit inside another (docs/env under docs, which has files of its
     * own at this depth) moves with it */
    bool *inside = xmalloc((size_t)n + 1);
    for (int i = 0; i < n; i++) {
        inside[i] = false;
        for (int j = 0; j < n && !inside[i]; j++) {
            size_t l = strlen(v[j]);
            inside[i] = j != i && !strncmp(v[i], v[j], l) && v[i][l] == '/';
        }
    }
    int kept = 0; /* decided before any is freed or moved */
    for (int i = 0; i < n; i++) {
        if (inside[i])
            free(v[i]);
        else
            v[kept++] = v[i];
    }
    free(inside);
    *out = v;
    return kept;
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

/* Write every file of the set under staging, the manifest first so that a
 * build killed meanwhile leaves a folder the next one knows to remove. */
static int stage(const Outputs *o, const char *staging)
{
    char *m = path_join(staging, out_manifest_name);
    int rc = write_file(m, out_manifest_head, strlen(out_manifest_head));
    free(m);
    for (int i = 0; rc == 0 && i < o->n; i++) {
        const char *rel = o->v[i].path;
        if (strchr(rel, '\n') || !*rel || rel[0] == '/' || strstr(rel, ".."))
            return out_io_error(rel, EINVAL); /* a bug of ours */
        char *path = path_join(staging, rel);
        rc = mkdir_parent(path);
        if (rc == 0)
            rc = write_file(path, o->v[i].data, o->v[i].len);
        free(path);
    }
    return rc;
}

static bool in_units(char **units, int n, const char *rel)
{
    for (int i = 0; i < n; i++) {
        size_t len = strlen(units[i]);
        if (!strncmp(rel, units[i], len) && (!rel[len] || rel[len] == '/'))
            return true;
    }
    return false;
}

/* A file of the old tree, into the new one: a hard link (files are never
 * changed in place, only replaced), or a copy where links fail. */
static int keep_file(const char *dir, const char *staging, const char *rel)
{
    char *from = path_join(dir, rel), *to = path_join(staging, rel);
    int rc = mkdir_parent(to);
    if (rc == 0 && link(from, to) != 0) {
        size_t len = 0;
        char *data = out_read_file(from, &len);
        rc = data ? write_file(to, data, len) : out_io_error(from, errno);
        free(data);
    }
    free(from);
    free(to);
    return rc;
}

/* Into staging: the old files outside this set's units (depth > 0), then
 * the manifest listing everything the new tree holds. */
static int keep_and_list(const Outputs *o, int depth, const char *dir,
                         const OutList *old, const char *staging)
{
    Strbuf list = STRBUF_INIT;
    const char **all = xmalloc(((size_t)o->n + (size_t)old->n + 1) *
                               sizeof *all);
    int n = 0, rc = 0;
    for (int i = 0; i < o->n; i++)
        all[n++] = o->v[i].path;
    if (depth > 0) {
        char **units;
        int nu = top_names(o, depth, &units);
        for (int i = 0; i < old->n && rc == 0; i++)
            if (!in_units(units, nu, old->v[i])) {
                rc = keep_file(dir, staging, old->v[i]);
                all[n++] = old->v[i];
            }
        for (int i = 0; i < nu; i++)
            free(units[i]);
        free(units);
    }
    sort_strings(all, n);
    sb_puts(&list, out_manifest_head);
    for (int i = 0; i < n; i++)
        sb_printf(&list, "%s\n", all[i]);
    char *m = path_join(staging, out_manifest_name);
    if (rc == 0)
        rc = write_file(m, list.buf, list.len);
    free(m);
    free(all);
    sb_release(&list);
    return rc;
}

/* The one visible step: staging and dir trade places.  Where the file
 * system cannot exchange (EINVAL), two renames leave a moment with no
 * folder at all, but still never a mix. */
static int swap_in(const char *staging, const char *dir, bool exists)
{
    if (!exists)
        return rename(staging, dir) == 0 ? 0 : out_io_error(dir, errno);
    if (renameat2(AT_FDCWD, staging, AT_FDCWD, dir, RENAME_EXCHANGE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return out_io_error(dir, errno);
    char *aside = NULL;
    if (asprintf(&aside, "%s.old", staging) < 0)
        abort();
    int rc = rename(dir, aside) != 0 ? out_io_error(dir, errno) : 0;
    if (rc == 0 && rename(staging, dir) != 0) {
        rc = out_io_error(dir, errno);
        rename(aside, dir);
    }
    if (rc == 0)
        rename(aside, staging); /* removed with it */
    free(aside);
    return rc;
}

/* The output folder as an absolute path without links (the -o path itself
 * may be one), its parent and its name; NULL if it has no parent. */
static char *resolve_dir(const char *dir, char **parent, const char **base)
{
    char *copy = xmalloc(strlen(dir) + 1);
    strcpy(copy, dir);
    for (size_t n = strlen(copy); n > 1 && copy[n - 1] == '/'; n--)
        copy[n - 1] = '\0';
    char *real = realpath(copy, NULL);
    if (!real && errno == ENOENT) {
        char *slash = strrchr(copy, '/');
        const char *name = slash ? slash + 1 : copy;
        if (slash)
            *slash = '\0';
        char *up = slash ? (*copy ? copy : "/") : ".";
        if (strcmp(name, ".") && strcmp(name, "..") && mkdir_p(up) == 0) {
            char *rp = realpath(up, NULL);
            if (rp)
                real = path_join(strcmp(rp, "/") ? rp : "", name);
            free(rp);
        }
    }
    free(copy);
    if (!real || !strcmp(real, "/")) {
        fprintf(stderr, "topoc: error: %s: cannot be an output folder\n", dir);
        free(real);
        return NULL;
    }
    char *slash = strrchr(real, '/');
    *parent = xmalloc((size_t)(slash - real) + 2);
    memcpy(*parent, real, (size_t)(slash - real));
    strcpy(*parent + (slash - real), slash == real ? "/" : "");
    *base = slash + 1;
    return real;
}

int out_commit(const Outputs *o, const char *dir, int depth)
{
    char *parent = NULL, *text = NULL, *staging = NULL;
    const char *base;
    char *real = resolve_dir(dir, &parent, &base);
    if (!real)
        return -1;
    out_clean_stale(parent, base);
    OutList old = {0};
    struct stat st;
    bool exists = lstat(real, &st) == 0;
    int rc = out_check_owned(real, &old, &text);
    if (rc == 0 && asprintf(&staging, "%s/.%s.topoc-%ld", parent, base,
                            (long)getpid()) < 0)
        abort();
    int lock = -1;
    if (rc == 0) {
        out_rm_rf(staging);
        if (mkdir(staging, exists ? st.st_mode & 07777 : 0777) != 0)
            rc = out_io_error(staging, errno);
        else if (exists)
            chmod(staging, st.st_mode & 07777);
    }
    /* The staging folder is locked while this build lives: a later build
     * removes it only when the lock is free (a process id alone can be
     * reused before anyone looks). */
    if (rc == 0) {
        lock = open(staging, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (lock < 0 || flock(lock, LOCK_EX) != 0)
            rc = out_io_error(staging, errno);
    }
    if (rc == 0)
        rc = stage(o, staging);
    if (rc == 0)
        rc = keep_and_list(o, depth, real, &old, staging);
    if (rc == 0)
        rc = swap_in(staging, real, exists);
    if (rc != 0)
        fprintf(stderr, "topoc: %s was left as it was\n", dir);
    if (staging)
        out_rm_rf(staging);
    if (lock >= 0)
        close(lock);
    free(staging);
    free(old.v);
    free(text);
    free(parent);
    free(real);
    return rc;
}

int write_file_atomic(const char *path, const char *data, size_t len)
{
    char *tmp = NULL;
    if (asprintf(&tmp, "%s.topoc-tmp-%ld", path, (long)getpid()) < 0)
        return out_io_error(path, ENOMEM);
    int rc = write_file(tmp, data, len);
    if (rc == 0 && rename(tmp, path) != 0)
        rc = out_io_error(path, errno);
    if (rc != 0)
        unlink(tmp);
    free(tmp);
    return rc;
}
