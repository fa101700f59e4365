/* review_check.c - `topoc build --check -o DIR`: are the committed outputs
 * what a build would write?
 *
 * The build runs in memory (nothing is written); its file set is compared
 * with DIR byte for byte.  A file the build writes is "missing" when DIR
 * lacks it and "stale" when its bytes differ.  What a build does with the
 * rest decides the other two: a file topoc wrote before (its manifest,
 * .topoc-output, lists it) that the build would not write is "extra": the
 * next build deletes it; anything the manifest does not list (or all of DIR
 * when it has none) is "foreign": a build refuses to replace a folder that
 * holds it, so it must be moved away first.  The foreign entries are the
 * build's own list (out_list_foreign), so check and build cannot disagree.
 * For a CI job guarding committed outputs, a hand-made file inside them is
 * a failure it reports, never one a build deletes: it may be someone's work.
 */
#include "topoc/emit.h"
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

/* Is path one of the sorted foreign entries, or below one? */
static bool under_foreign(char **foreign, int n, const char *path)
{
    for (int i = 0; i < n; i++) {
        size_t k = strlen(foreign[i]);
        if (!strncmp(path, foreign[i], k) && (!path[k] || path[k] == '/'))
            return true;
    }
    return false;
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

/* What DIR holds that the build would not write: extra (the manifest
 * lists it: the next build deletes it) or foreign (a build refuses it). */
static int the_rest(const Outputs *o, const OutFile *files, const char *dir,
                    Strbuf *report, int *extra, int *nforeign)
{
    char **foreign = NULL;
    Found found = {0};
    int rc = 0;
    if (out_list_foreign(dir, &foreign, nforeign) != 0 ||
        walk(dir, "", &found) != 0) {
        sb_printf(report, "topoc: error: %s: cannot list: %s\n", dir,
                  strerror(errno));
        rc = -1;
    }
    if (found.n > 1) /* found.v is NULL when there are none */
        qsort(found.v, (size_t)found.n, sizeof *found.v, str_cmp);
    for (int i = 0; i < found.n; i++) {
        OutFile key = {.path = found.v[i]};
        if (rc == 0 && strcmp(found.v[i], manifest) &&
            !under_foreign(foreign, *nforeign, found.v[i]) &&
            !bsearch(&key, files, (size_t)o->n, sizeof *files, file_cmp)) {
            sb_printf(report, "%-8s%s\n", "extra", found.v[i]);
            ++*extra;
        }
        free(found.v[i]);
    }
    for (int i = 0; i < *nforeign; i++) {
        if (rc == 0)
            sb_printf(report, "%-8s%s\n", "foreign", foreign[i]);
        free(foreign[i]);
    }
    free(found.v);
    free(foreign);
    return rc;
}

int review_build_check(Outputs *o, const char *dir, const char *rebuild,
                       Strbuf *report)
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
    int stale = 0, missing = 0, rc = 0;
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
    int extra = 0, nforeign = 0;
    if (rc == 0)
        rc = the_rest(o, files, dir, report, &extra, &nforeign);
    free(files);
    if (rc != 0)
        return rc;
    if (stale + missing + extra + nforeign == 0) {
        sb_printf(report, "topoc: %s is up to date (%d files)\n", dir, o->n);
        return 0;
    }
    sb_printf(report, "topoc: %s is out of date: %d stale, %d missing, %d "
                      "extra, %d foreign; ",
              dir, stale, missing, extra, nforeign);
    if (nforeign)
        sb_printf(report, "a build replaces %s whole and refuses to delete "
                          "what topoc did not write: move the foreign "
                          "entries away, then ",
                  dir);
    sb_printf(report, "rebuild it%s with: %s\n",
              extra ? " (which deletes the extra files)" : "", rebuild);
    return 1;
}
