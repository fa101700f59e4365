/* output_owner.c - which output folder topoc may replace, and the remains
 * of builds that were killed (see output.c for the writing itself).
 *
 * topoc replaces its output folder whole, so it must own all of it: the
 * folder is either absent, empty, or holds a manifest (.topoc-output)
 * naming every file in it.  Anything else in it (a file topoc did not
 * write, a symbolic link, a device) is refused before anything is written:
 * `topoc build specs -o .` at a repository's root must not delete its
 * docs/.  A symbolic link inside the folder is never followed.
 */

#include "output_owner.h"
#include "topoc/arena.h"
#include "topoc/diag.h"
#include "topoc/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

const char out_manifest_name[] = ".topoc-output";
const char out_manifest_head[] =
    "# written by topoc: this folder is replaced whole by each build, and\n"
    "# topoc refuses to replace it if it holds anything not listed here\n";

static int rm_entry(const char *path, const struct stat *st, int type,
                    struct FTW *ftw)
{
    (void)st, (void)ftw;
    return type == FTW_DP ? rmdir(path) : unlink(path);
}

void out_rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0)
        nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

char *out_read_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return NULL;
    Strbuf sb = STRBUF_INIT;
    char buf[65536];
    ssize_t r;
    while ((r = read(fd, buf, sizeof buf)) != 0) {
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            close(fd);
            sb_release(&sb);
            return NULL;
        }
        sb_add(&sb, buf, (size_t)r);
    }
    close(fd);
    return sb_detach(&sb, len);
}

/* The manifest's paths, one a line after the comment lines. */
static void manifest_parse(char *text, OutList *l)
{
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (*line && *line != '#') {
            if (l->n == l->cap) {
                l->cap = l->cap ? l->cap * 2 : 64;
                l->v = xrealloc(l->v, (size_t)l->cap * sizeof *l->v);
            }
            l->v[l->n++] = line;
        }
        line = nl ? nl + 1 : NULL;
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool listed(const OutList *l, const char *rel)
{
    return l->n > 0 &&
           bsearch(&rel, l->v, (size_t)l->n, sizeof *l->v, cmp_str) != NULL;
}

/* Is rel a folder above some listed file? */
static bool listed_dir(const OutList *l, const char *rel)
{
    size_t n = strlen(rel);
    for (int i = 0; i < l->n; i++)
        if (!strncmp(l->v[i], rel, n) && l->v[i][n] == '/')
            return true;
    return false;
}

typedef struct Walk {
    const OutList *owned;
    char **foreign; /* "name: why" (plain: "name"), sorted for the message */
    int nforeign;
    bool plain;
} Walk;

static void foreign(Walk *w, const char *rel, const char *what)
{
    Strbuf sb = STRBUF_INIT;
    if (w->plain)
        sb_puts(&sb, rel);
    else {
        diag_quote_path(&sb, rel); /* names in the folder are anyone's */
        sb_printf(&sb, ": %s", what);
    }
    w->foreign = xrealloc(w->foreign,
                          (size_t)(w->nforeign + 1) * sizeof *w->foreign);
    w->foreign[w->nforeign++] = sb_detach(&sb, NULL);
}

/* The first few, in a stable order (readdir's is not). */
static void foreign_list(Walk *w, Strbuf *why)
{
    sort_strings((const char **)w->foreign, w->nforeign);
    for (int i = 0; i < w->nforeign; i++) {
        if (i < 5)
            sb_printf(why, "\n  %s", w->foreign[i]);
        free(w->foreign[i]);
    }
    if (w->nforeign > 5)
        sb_printf(why, "\n  ... and %d more", w->nforeign - 5);
    free(w->foreign);
}

/* Compare the folder's entries (rel is a path under it) with the list. */
static int walk_dir(Walk *w, int dfd, const char *rel)
{
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *path = NULL;
        if (asprintf(&path, "%s%s%s", rel, *rel ? "/" : "", e->d_name) < 0)
            abort();
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            rc = -1;
        else if (!*rel && !strcmp(e->d_name, out_manifest_name))
            ; /* the manifest itself */
        else if (S_ISLNK(st.st_mode))
            foreign(w, path, "a symbolic link (topoc never follows one in "
                             "its output folder)");
        else if (S_ISDIR(st.st_mode) && listed_dir(w->owned, path)) {
            int sub = openat(dirfd(d), e->d_name,
                             O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            rc = sub < 0 ? -1 : walk_dir(w, sub, path);
        } else if (!S_ISREG(st.st_mode) || !listed(w->owned, path))
            foreign(w, path, "not written by topoc");
        free(path);
    }
    closedir(d);
    return rc;
}

/* Read dir's manifest into *owned (pointing into *text) and walk dir
 * against it; 1 when dir is absent, -1 when it cannot be read (errno). */
static int scan(const char *dir, Walk *w, OutList *owned, char **text)
{
    struct stat st;
    *text = NULL;
    owned->n = 0;
    if (lstat(dir, &st) != 0)
        return errno == ENOENT ? 1 : -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    char *mpath = NULL;
    if (asprintf(&mpath, "%s/%s", dir, out_manifest_name) < 0)
        abort();
    size_t len = 0;
    *text = out_read_file(mpath, &len);
    free(mpath);
    if (*text)
        manifest_parse(*text, owned);
    if (owned->n > 1) /* v is NULL without a manifest */
        qsort(owned->v, (size_t)owned->n, sizeof *owned->v, cmp_str);
    w->owned = owned;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return dfd < 0 ? -1 : walk_dir(w, dfd, "");
}

int out_list_foreign(const char *dir, char ***names, int *n)
{
    OutList owned = {0};
    char *text = NULL;
    Walk w = {.plain = true};
    int rc = scan(dir, &w, &owned, &text);
    free(owned.v);
    free(text);
    sort_strings((const char **)w.foreign, w.nforeign);
    *names = w.foreign;
    *n = w.nforeign;
    return rc < 0 ? -1 : 0;
}

int out_check_owned(const char *dir, OutList *owned, char **text)
{
    Walk w = {0};
    int rc = scan(dir, &w, owned, text);
    if (rc == 1)
        return 0;
    if (rc != 0 && errno == ENOTDIR) {
        fprintf(stderr, "topoc: error: %s: not a folder; topoc writes its "
                        "outputs into a folder of its own (-o DIR)\n", dir);
        return -1; /* nothing walked */
    }
    Strbuf why = STRBUF_INIT;
    bool refused = w.nforeign > 0;
    foreign_list(&w, &why);
    if (rc != 0)
        out_io_error(dir, errno);
    else if (refused) {
        fprintf(stderr,
                "topoc: error: %s: refusing to replace an output folder "
                "that holds what topoc did not write:%s\n"
                "help: topoc replaces its output folder whole; move these "
                "away, or choose an empty or new folder with -o\n",
                dir, why.buf);
        rc = -1;
    }
    sb_release(&why);
    return rc;
}

/* Staging folders beside dir are named .BASE.topoc-PID and locked (flock)
 * by the build that writes them; one whose lock is free was left by a build
 * that was killed: remove it.  The lock, not the process id, says whether
 * its build lives: ids are reused. */
void out_clean_stale(const char *parent, const char *base)
{
    DIR *d = opendir(parent);
    if (!d)
        return;
    size_t bl = strlen(base);
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *n = e->d_name;
        if (n[0] != '.' || strncmp(n + 1, base, bl) ||
            strncmp(n + 1 + bl, ".topoc-", 7))
            continue;
        char *end = NULL;
        long pid = strtol(n + 1 + bl + 7, &end, 10);
        if (pid <= 0 || *end || pid == (long)getpid())
            continue;
        char *p = NULL;
        if (asprintf(&p, "%s/%s", parent, n) < 0)
            abort();
        int fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        bool alive = fd < 0 || flock(fd, LOCK_EX | LOCK_NB) != 0;
        /* Only topoc names a folder .BASE.topoc-PID, and a killed build
         * may have left it without its manifest (killed while removing
         * the old tree it held after the swap): the name and the free lock
         * say whose it is. */
        if (!alive)
            out_rm_rf(p);
        if (fd >= 0)
            close(fd); /* after the removal: no build can take it meanwhile */
        free(p);
    }
    closedir(d);
}
