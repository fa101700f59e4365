/* review_check.c - `topoc build --check -o DIR`: are the committed outputs
 * what a build would write?
 *
 * The build runs in memory (nothing is written); its file set is compared
 * with DIR byte for byte.  A file the build writes is "missing" when DIR
 * lacks it and "stale" when its bytes differ.  A file is "extra" when it
 * lies inside a unit the build replaces whole (a top-level entry it writes:
 * model.json, ENV/, diagrams/, docs/), because the next build would delete
 * it; what lies outside those units (a .gitignore, a README) a build leaves
 * alone, so it is not reported.  A folder that carries topoc's ownership
 * manifest (.topoc-output) is topoc's whole: there every file but the
 * manifest itself is compared.
 */
#include "topoc/review.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct Found {
    char **v;
    int n, cap;
} Found;

static void found_add(Found *f, const char *path)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? 2 * f->cap : 64;
        f->v = realloc(f->v, (size_t)f->cap * sizeof *f->v);
        if (!f->v)
            abort();
    }
    f->v[f->n++] = strdup(path);
}

/* Every file under dir/rel (rel "" for dir itself), relative to dir;
 * symbolic links are listed, not followed. */
static int walk(const char *dir, const char *rel, Found *out)
{
    char full[4096];
    snprintf(full, sizeof full, "%s%s%s", dir, *rel ? "/" : "", rel);
    DIR *d = opendir(full);
    if (!d)
        return errno == ENOTDIR ? 0 : -1;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d)) != NULL && rc == 0) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char sub[4096], path[8192];
        snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
        snprintf(path, sizeof path, "%s/%s", dir, sub);
        struct stat st;
        if (lstat(path, &st) != 0)
            rc = -1;
        else if (S_ISDIR(st.st_mode))
            rc = walk(dir, sub, out);
        else
            found_add(out, sub);
    }
    closedir(d);
    return rc;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int file_cmp(const void *a, const void *b)
{
    return strcmp(((const OutFile *)a)->path, ((const OutFile *)b)->path);
}

static const char manifest[] = ".topoc-output";

/* The first of the sorted files whose path is not below key (len bytes). */
static int lower_bound(const OutFile *files, int n, const char *key, size_t len)
{
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (strncmp(files[mid].path, key, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Is path inside a unit (a top-level entry) the build writes? The files
 * are sorted, so a unit is found by two binary searches: its own name (a
 * top-level file) and its name with a slash (a folder). */
static bool owned(const OutFile *files, int n, const char *path, bool whole)
{
    if (whole)
        return strcmp(path, manifest) != 0;
    size_t unit = strcspn(path, "/");
    char key[8192];
    if (unit + 2 > sizeof key)
        return false;
    memcpy(key, path, unit);
    key[unit] = '\0';
    int i = lower_bound(files, n, key, unit + 1);
    if (i < n && strcmp(files[i].path, key) == 0)
        return true;
    key[unit] = '/';
    key[unit + 1] = '\0';
    i = lower_bound(files, n, key, unit + 1);
    return i < n && strncmp(files[i].path, key, unit + 1) == 0;
}

/* The whole file, or NULL with errno set. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    Strbuf sb = STRBUF_INIT;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_add(&sb, buf, n);
    int err = ferror(f) ? errno : 0;
    fclose(f);
    if (err) {
        sb_release(&sb);
        errno = err;
        return NULL;
    }
    return sb_detach(&sb, len);
}

/* 0 same, 1 differs or absent, -1 unreadable (the folder's file: errno
 * set; the build's own, read back from its scratch folder: reported) */
static int compare(Outputs *o, const char *dir, const OutFile *f,
                   bool *missing)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, f->path);
    size_t len;
    char *data = slurp(path, &len);
    *missing = !data && errno == ENOENT;
    if (!data)
        return errno == ENOENT || errno == EISDIR || errno == ENOTDIR ? 1
                                                                      : -1;
    int same = len == f->len;
    if (same && f->data) {
        same = memcmp(data, f->data, len) == 0;
    } else if (same) {
        size_t n;
        char *made = out_read(o, f->path, &n);
        if (!made) {
            free(data);
            return -2;
        }
        same = n == len && memcmp(data, made, len) == 0;
        free(made);
    }
    free(data);
    return same ? 0 : 1;
}

int review_build_check(Outputs *o, const char *dir, Strbuf *report)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        sb_printf(report, "topoc: error: %s: %s\n", dir,
                  errno ? strerror(errno) : "not a directory");
        return -1;
    }
    OutFile *files = malloc(((size_t)o->n + 1) * sizeof *files);
    memcpy(files, o->v, (size_t)o->n * sizeof *files);
    qsort(files, (size_t)o->n, sizeof *files, file_cmp);
    int stale = 0, missing = 0, extra = 0, rc = 0;
    for (int i = 0; i < o->n && rc == 0; i++) {
        bool absent;
        int c = compare(o, dir, &files[i], &absent);
        if (c == -2) {
            rc = -1; /* reported */
        } else if (c < 0) {
            sb_printf(report, "topoc: error: %s/%s: %s\n", dir,
                      files[i].path, strerror(errno));
            rc = -1;
        } else if (c > 0) {
            sb_printf(report, "%-8s%s\n", absent ? "missing" : "stale",
                      files[i].path);
            absent ? missing++ : stale++;
        }
    }
    char mpath[8192];
    snprintf(mpath, sizeof mpath, "%s/%s", dir, manifest);
    bool whole = access(mpath, F_OK) == 0;
    Found found = {0};
    if (rc == 0 && walk(dir, "", &found) != 0) {
        sb_printf(report, "topoc: error: %s: cannot list: %s\n", dir,
                  strerror(errno));
        rc = -1;
    }
    if (found.n > 1) /* found.v is NULL when there are none */
        qsort(found.v, (size_t)found.n, sizeof *found.v, str_cmp);
    for (int i = 0; i < found.n; i++) {
        OutFile key = {.path = found.v[i]};
        if (rc == 0 && owned(files, o->n, found.v[i], whole) &&
            !bsearch(&key, files, (size_t)o->n, sizeof *files, file_cmp)) {
            sb_printf(report, "%-8s%s\n", "extra", found.v[i]);
            extra++;
        }
        free(found.v[i]);
    }
    free(found.v);
    free(files);
    if (rc != 0)
        return rc;
    if (stale + missing + extra == 0) {
        sb_printf(report, "topoc: %s is up to date (%d files)\n", dir, o->n);
        return 0;
    }
    sb_printf(report, "topoc: %s is out of date: %d stale, %d missing, %d "
                      "extra; rebuild it with 'topoc build -o %s'\n",
              dir, stale, missing, extra, dir);
    return 1;
}
