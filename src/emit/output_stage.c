/* output_stage.c - the staging folder of a build (src/emit/; the set
 * itself is output.c's): where each output file is written as it is added,
 * and how the finished tree replaces the output folder.
 *
 * stage_open checks that topoc owns the folder (output_owner.c) and makes
 * PARENT/.BASE.topoc-PID, locked while the build lives; stage_commit checks
 * ownership again (the folder may have changed while the build ran), adds
 * the old files a partial set keeps, writes the manifest and exchanges the
 * two folders in one renameat2(RENAME_EXCHANGE); stage_close removes
 * whatever is left (the old tree after a swap, the new one otherwise).
 */
#include "output_owner.h"
#include "topoc/arena.h"
#include "topoc/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct OutStage {
    char *dir;     /* as the user named it, for messages */
    char *real;    /* absolute, without links */
    char *staging; /* PARENT/.BASE.topoc-PID */
    bool exists;   /* real existed at open */
    int lock;      /* the staging folder, flock'ed */
    bool failed;   /* a write failed (reported): nothing is committed */
    Strbuf made;   /* the folder the last file went into: it exists */
};

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

/* A new file: one written before at path is replaced, not changed in place,
 * since another name may share it (a hard link, stage_link).  0 or the
 * errno of what failed, not reported. */
static int put_file(const char *path, const char *data, size_t len)
{
    int flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC;
    int fd = open(path, flags, 0666);
    if (fd < 0 && errno == EEXIST && unlink(path) == 0)
        fd = open(path, flags, 0666);
    if (fd < 0)
        return errno;
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            int err = errno;
            close(fd);
            return err;
        }
        done += (size_t)w;
    }
    return close(fd) != 0 ? errno : 0;
}

static int write_file(const char *path, const char *data, size_t len)
{
    int err = put_file(path, data, len);
    return err ? out_io_error(path, err) : 0;
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
static int top_names(const char **paths, int np, int depth, char ***out)
{
    char **v = xmalloc(((size_t)np + 1) * sizeof *v);
    int n = 0;
    for (int i = 0; i < np; i++) {
        size_t len = unit_len(paths[i], depth);
        int dup = 0;
        for (int j = 0; j < n && !dup; j++)
            dup = strlen(v[j]) == len && !strncmp(v[j], paths[i], len);
        if (dup)
            continue;
        v[n] = xmalloc(len + 1);
        memcpy(v[n], paths[i], len);
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

static bool in_units(char **units, int n, const char *rel)
{
    for (int i = 0; i < n; i++) {
        size_t len = strlen(units[i]);
        if (!strncmp(rel, units[i], len) && (!rel[len] || rel[len] == '/'))
            return true;
    }
    return false;
}

/* `to` as a second name of `from` (files are never changed in place, only
 * replaced), or a copy where links fail (another file system). */
static int link_or_copy(const char *from, const char *to)
{
    if (link(from, to) == 0)
        return 0;
    size_t len = 0;
    char *data = out_read_file(from, &len);
    int rc = data ? write_file(to, data, len) : out_io_error(from, errno);
    free(data);
    return rc;
}

/* A file of the old tree, into the new one. */
static int keep_file(const char *dir, const char *staging, const char *rel)
{
    char *from = path_join(dir, rel), *to = path_join(staging, rel);
    int rc = mkdir_parent(to);
    if (rc == 0)
        rc = link_or_copy(from, to);
    free(from);
    free(to);
    return rc;
}

/* Into staging: the old files outside this set's units (depth > 0), then
 * the manifest listing everything the new tree holds. */
static int keep_and_list(OutStage *s, const char **paths, int np, int depth,
                         const OutList *old)
{
    Strbuf list = STRBUF_INIT;
    const char **all = xmalloc(((size_t)np + (size_t)old->n + 1) *
                               sizeof *all);
    int n = 0, rc = 0;
    for (int i = 0; i < np; i++)
        all[n++] = paths[i];
    if (depth > 0) {
        char **units;
        int nu = top_names(paths, np, depth, &units);
        for (int i = 0; i < old->n && rc == 0; i++)
            if (!in_units(units, nu, old->v[i])) {
                rc = keep_file(s->real, s->staging, old->v[i]);
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
    char *m = path_join(s->staging, out_manifest_name);
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
    if (!exists) {
        if (rename(staging, dir) == 0)
            return 0;
        if (errno != ENOTEMPTY && errno != EEXIST)
            return out_io_error(dir, errno);
        fprintf(stderr, "topoc: error: %s: made by another program while "
                        "this build ran; nothing was replaced\nhelp: run "
                        "the build again (it replaces the folder if topoc "
                        "wrote it)\n", dir);
        return -1;
    }
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

/* Make and lock the staging folder: 0, an errno, or EAGAIN when another
 * build's out_clean_stale took it for a killed build's and removed it in
 * the moment between mkdir and flock (seen with two builds into one folder
 * at once): the lock is held on the folder still under that name, or we
 * try again. */
static int lock_new_staging(OutStage *s, mode_t mode)
{
    out_rm_rf(s->staging);
    if (mkdir(s->staging, mode) != 0)
        return errno;
    if (s->exists)
        chmod(s->staging, mode);
    int fd = open(s->staging, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? EAGAIN : errno;
    struct stat held, named;
    if (flock(fd, LOCK_EX) != 0) {
        int err = errno;
        close(fd);
        return err;
    }
    if (fstat(fd, &held) != 0 || lstat(s->staging, &named) != 0 ||
        held.st_ino != named.st_ino || held.st_dev != named.st_dev) {
        close(fd);
        return EAGAIN;
    }
    s->lock = fd;
    return 0;
}

/* The staging folder, made with the output folder's mode and locked: a
 * later build removes it only when the lock is free (a process id alone
 * can be reused before anyone looks).  The manifest goes in first, so that
 * a build killed meanwhile leaves a folder the next one knows to remove. */
static int make_staging(OutStage *s, const char *parent, const char *base)
{
    struct stat st;
    s->exists = lstat(s->real, &st) == 0;
    if (asprintf(&s->staging, "%s/.%s.topoc-%ld", parent, base,
                 (long)getpid()) < 0)
        abort();
    int err = EAGAIN;
    for (int tries = 0; tries < 10 && err == EAGAIN; tries++)
        err = lock_new_staging(s, s->exists ? st.st_mode & 07777 : 0777);
    if (err && s->lock < 0 && access(s->staging, F_OK) != 0) {
        free(s->staging);
        s->staging = NULL; /* not made: nothing of ours to remove */
        return out_io_error(parent, err);
    }
    if (err)
        return out_io_error(s->staging, err);
    char *m = path_join(s->staging, out_manifest_name);
    int rc = write_file(m, out_manifest_head, strlen(out_manifest_head));
    free(m);
    return rc;
}

/* A scratch folder for a build that is compared, never committed (build
 * --check): in $TMPDIR, so that checking needs no write access beside the
 * folder checked, and removed by stage_close. */
OutStage *stage_open_scratch(void)
{
    const char *tmp = getenv("TMPDIR");
    OutStage *s = xmalloc(sizeof *s);
    *s = (OutStage){.lock = -1, .made = STRBUF_INIT};
    if (asprintf(&s->staging, "%s/topoc-check-XXXXXX",
                 tmp && *tmp ? tmp : "/tmp") < 0)
        abort();
    if (!mkdtemp(s->staging)) {
        out_io_error(s->staging, errno);
        free(s->staging);
        s->staging = NULL; /* not ours: never removed */
        stage_close(s);
        return NULL;
    }
    return s;
}

OutStage *stage_open(const char *dir)
{
    OutStage *s = xmalloc(sizeof *s);
    *s = (OutStage){.lock = -1, .made = STRBUF_INIT};
    s->dir = xmalloc(strlen(dir) + 1);
    strcpy(s->dir, dir);
    char *parent = NULL, *text = NULL;
    const char *base;
    s->real = resolve_dir(dir, &parent, &base);
    int rc = s->real ? 0 : -1;
    OutList old = {0};
    if (rc == 0) {
        out_clean_stale(parent, base);
        rc = out_check_owned(s->real, &old, &text);
    }
    if (rc == 0)
        rc = make_staging(s, parent, base);
    free(old.v);
    free(text);
    free(parent);
    if (rc != 0) {
        if (s->real)
            fprintf(stderr, "topoc: %s was left as it was\n", dir);
        stage_close(s);
        return NULL;
    }
    return s;
}

/* A path the emitters made: relative, inside the folder, one line. */
static bool bad_rel(const char *rel)
{
    return strchr(rel, '\n') || !*rel || rel[0] == '/' || strstr(rel, "..");
}

/* The folders above staging/rel, unless the last file went there too. */
static int make_parent(OutStage *s, const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = (size_t)(slash - path);
    if (s->made.len == n && !memcmp(s->made.buf, path, n))
        return 0;
    int rc = mkdir_parent(path);
    sb_reset(&s->made);
    if (rc == 0)
        sb_add(&s->made, path, n);
    return rc;
}

/* After the first failure nothing more is written: it was reported, and
 * the build will not be committed. */
int stage_write(OutStage *s, const char *rel, const char *data, size_t len)
{
    if (s->failed)
        return -1;
    if (bad_rel(rel)) {
        s->failed = true;
        return out_io_error(rel, EINVAL); /* a bug of ours */
    }
    char *path = path_join(s->staging, rel);
    int rc = make_parent(s, path);
    if (rc == 0)
        rc = write_file(path, data, len);
    free(path);
    s->failed = rc != 0;
    return rc;
}

/* Files in the staging folder are never changed once written, so a second
 * name for one is a hard link; a copy where links fail. */
int stage_link(OutStage *s, const char *rel, const char *from)
{
    if (s->failed)
        return -1;
    if (bad_rel(rel)) {
        s->failed = true;
        return out_io_error(rel, EINVAL);
    }
    char *src = path_join(s->staging, from), *dst = path_join(s->staging, rel);
    int rc = make_parent(s, dst);
    if (rc == 0)
        rc = link_or_copy(src, dst);
    free(src);
    free(dst);
    s->failed = rc != 0;
    return rc;
}

char *stage_read(OutStage *s, const char *rel, size_t *len)
{
    if (s->failed)
        return NULL;
    char *path = path_join(s->staging, rel);
    char *data = out_read_file(path, len);
    if (!data) {
        out_io_error(path, errno);
        s->failed = true;
    }
    free(path);
    return data;
}

/* Builds into one folder commit one at a time: a lock on its parent held
 * from the ownership check to the swap, so that the later of two builds
 * at once finds the earlier's tree and replaces it (it found no folder at
 * its start, and a rename onto the one that came meanwhile failed with
 * "Directory not empty").  -1: the parent cannot be opened, no lock. */
static int lock_parent(const OutStage *s)
{
    char *parent = xmalloc(strlen(s->staging) + 1);
    strcpy(parent, s->staging);
    char *slash = strrchr(parent, '/');
    slash[slash == parent] = '\0';
    int fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(parent);
    if (fd >= 0 && flock(fd, LOCK_EX) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

int stage_commit(OutStage *s, const char **paths, int n, int depth)
{
    OutList old = {0};
    char *text = NULL;
    int rc = s->failed ? -1 : 0;
    int lock = rc == 0 ? lock_parent(s) : -1;
    struct stat st;
    s->exists = lstat(s->real, &st) == 0; /* as it is now, under the lock */
    if (rc == 0) /* again: something may have come in while we built */
        rc = out_check_owned(s->real, &old, &text);
    if (rc == 0)
        rc = keep_and_list(s, paths, n, depth, &old);
    if (rc == 0)
        rc = swap_in(s->staging, s->real, s->exists);
    if (lock >= 0)
        close(lock);
    if (rc != 0)
        fprintf(stderr, "topoc: %s was left as it was\n", s->dir);
    free(old.v);
    free(text);
    return rc;
}

void stage_close(OutStage *s)
{
    if (!s)
        return;
    if (s->staging)
        out_rm_rf(s->staging);
    if (s->lock >= 0)
        close(s->lock);
    free(s->staging);
    free(s->real);
    free(s->dir);
    sb_release(&s->made);
    free(s);
}

/* Written beside path and renamed over it; an error names path, the file
 * asked for, not the temporary one. */
int write_file_atomic(const char *path, const char *data, size_t len)
{
    char *tmp = NULL;
    if (asprintf(&tmp, "%s.topoc-tmp-%ld", path, (long)getpid()) < 0)
        return out_io_error(path, ENOMEM);
    int err = put_file(tmp, data, len);
    if (!err && rename(tmp, path) != 0)
        err = errno;
    if (err)
        unlink(tmp);
    free(tmp);
    return err ? out_io_error(path, err) : 0;
}
