/* load_spec.c - stage 1: find, read and parse the spec files.
 *
 * Safety limits for untrusted input live here: file size, binary content,
 * UTF-8 validity, directory depth and symlink loops.  Content problems are
 * diagnostics (exit 1); failing to reach a file is an I/O error (exit 2).
 */
#include "topoc/load.h"
#include "topoc/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct Walk {
    Arena *a;
    Diags *ds;
    const char *root; /* the spec folder being walked, resolved */
    const char **files;
    int n, cap;
    dev_t devs[LOAD_MAX_DIR_DEPTH + 1]; /* the directories we are inside */
    ino_t inos[LOAD_MAX_DIR_DEPTH + 1];
    int depth;
    Skipped *skipped; /* files and folders not read (load_note_skipped) */
    int nskipped, capskipped;
} Walk;

static int io_error(const char *path, const char *what)
{
    Strbuf sb = STRBUF_INIT;
    diag_quote_path(&sb, path);
    fprintf(stderr, "topoc: error: %s: %s\n", sb.buf, what);
    sb_release(&sb);
    return -1;
}

static bool has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

/* The files a spec folder's walk reads: *.yaml and *.yml, in lower case,
 * not hidden.  Everything else is named in a note (see skip_reason). */
static bool is_spec_name(const char *name)
{
    return name[0] != '.' &&
           (has_suffix(name, ".yaml") || has_suffix(name, ".yml"));
}

static bool has_suffix_nocase(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcasecmp(s + n - m, suf) == 0;
}

static const char not_spec[] = "not a spec file (only *.yaml and *.yml are "
                                "read)";

/* Why a file below a spec folder is not read, and what to do about it. */
static const char *skip_reason(const char *name, const char **help)
{
    size_t n = strlen(name);
    *help = NULL;
    if (name[n - 1] == '~' || (name[0] == '#' && name[n - 1] == '#') ||
        has_suffix(name, ".swp") || has_suffix(name, ".swo") ||
        has_suffix(name, ".bak") || has_suffix(name, ".orig"))
        return "an editor's backup or swap file";
    if (name[0] == '.')
        return "a hidden file";
    if (has_suffix_nocase(name, ".yaml") || has_suffix_nocase(name, ".yml")) {
        *help = "spec files end in lower-case .yaml or .yml: rename it";
        return "its extension is not lower case";
    }
    return not_spec;
}

static void add_file(Walk *w, const char *path)
{
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 64;
        w->files = xrealloc(w->files, (size_t)w->cap * sizeof *w->files);
    }
    w->files[w->n++] = arena_strdup(w->a, path);
}

static char *join(Arena *a, const char *dir, const char *name)
{
    size_t n = strlen(dir);
    bool slash = n > 0 && dir[n - 1] == '/';
    return arena_join(a, dir, slash ? "" : "/", name); /* per file */
}

static bool is_spec_root(Arena *a, const char *dir)
{
    struct stat st;
    return stat(join(a, dir, "platform.yaml"), &st) == 0;
}

/* topoc's own output tree carries this manifest (src/emit/output_owner.c):
 * its files are generated, never spec. */
static bool is_output_tree(Arena *a, const char *dir)
{
    struct stat st;
    return lstat(join(a, dir, ".topoc-output"), &st) == 0;
}

/* A file or folder below a spec folder that is not read as spec: noted by
 * load_note_skipped() once the model says which of them a later stage
 * reads (a service's API document), so that nothing is skipped silently. */
static void skip(Walk *w, const char *path, bool dir, const char *why,
                 const char *help)
{
    if (w->nskipped == w->capskipped) {
        int nc = w->capskipped ? w->capskipped * 2 : 16;
        w->skipped = arena_grow(w->a, w->skipped, (size_t)w->nskipped,
                                (size_t)nc, sizeof *w->skipped);
        w->capskipped = nc;
    }
    w->skipped[w->nskipped++] =
        (Skipped){dir ? arena_printf(w->a, "%s/", path) : path, why, help};
}

void load_note_skipped(Arena *a, Diags *ds, Inputs *in,
                       const char *const *read, int nread)
{
    /* the spec did not read (nread < 0): which files its services name
     * is unknown, so those that are not spec are counted, not listed (a
     * syntax error once listed every API document as not read) */
    bool unknown = nread < 0;
    int unseen = 0;
    if (unknown)
        nread = 0;
    char **real = arena_alloc(a, ((size_t)nread + 1) * sizeof *real);
    for (int k = 0; k < nread; k++) {
        char *r = realpath(read[k], NULL);
        real[k] = r ? arena_strdup(a, r) : NULL;
        free(r);
    }
    int kept = 0;
    for (int i = 0; i < in->nskipped; i++) {
        const Skipped *sk = &in->skipped[i];
        char *r = realpath(sk->path, NULL);
        bool used = false;
        for (int k = 0; r && k < nread && !used; k++)
            used = real[k] && !strcmp(real[k], r);
        free(r);
        if (used)
            continue;
        if (unknown && sk->why == not_spec) {
            unseen++;
            in->skipped[kept++] = *sk;
            continue;
        }
        Source *src = arena_alloc(a, sizeof *src);
        *src = (Source){sk->path, "", 0, NULL, 0};
        diags_source(ds, src);
        Diag *d =
            diag_info(ds, loc_file(src), "not-read", "not read: %s", sk->why);
        if (sk->help)
            diag_help(ds, d, "%s", sk->help);
        in->skipped[kept++] = *sk;
    }
    in->nskipped = kept;
    if (unseen)
        diag_info(ds, (Loc){0}, "not-read",
                  "%d file%s that %s not *.yaml %s not read: the spec "
                  "names its API documents once it reads: check again "
                  "once its errors are fixed",
                  unseen, unseen == 1 ? "" : "s", unseen == 1 ? "is" : "are",
                  unseen == 1 ? "was" : "were");
}

static int walk(Walk *w, const char *path, bool top);

typedef struct Entry {
    const char *name;
    bool plain; /* a regular file, not a link: readdir's d_type says so */
} Entry;

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const Entry *)a)->name, ((const Entry *)b)->name);
}

/* A plain file below a spec folder, as readdir tells (d_type): no stat
 * and no symlink check are needed (at 10,000 files they were two path
 * lookups each, beside open's one). */
static void walk_file(Walk *w, const char *path, const char *base)
{
    if (is_spec_name(base)) {
        add_file(w, path);
        return;
    }
    const char *help = NULL;
    const char *why = skip_reason(base, &help);
    skip(w, path, false, why, help);
}

static int walk_dir(Walk *w, const char *path, const struct stat *st)
{
    if (w->depth == LOAD_MAX_DIR_DEPTH)
        return io_error(path, "directories nested too deeply");
    DIR *d = opendir(path);
    if (!d)
        return io_error(path, strerror(errno));
    Entry *names = NULL;
    int n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            names = xrealloc(names, (size_t)cap * sizeof *names);
        }
        names[n++] = (Entry){arena_strdup(w->a, e->d_name),
                             e->d_type == DT_REG};
    }
    closedir(d);
    if (n > 1) /* readdir order is not stable */
        qsort(names, (size_t)n, sizeof *names, entry_cmp);
    w->devs[w->depth] = st->st_dev;
    w->inos[w->depth] = st->st_ino;
    w->depth++;
    int rc = 0;
    for (int i = 0; i < n && rc == 0 && w->n < LOAD_MAX_FILES; i++) {
        const char *child = join(w->a, path, names[i].name);
        if (names[i].plain)
            walk_file(w, child, names[i].name);
        else
            rc = walk(w, child, false);
    }
    w->depth--;
    free(names);
    if (w->n >= LOAD_MAX_FILES)
        return io_error(path, "more than 100000 spec files");
    return rc;
}

/* A path named on the command line is always read; below it, only
 * *.yaml / *.yml, and not subdirectories that are specs of their own. */
/* A symbolic link inside a spec folder may point only inside it: a link
 * to /etc/passwd would be read, and its lines quoted in diagnostics. */
static bool link_escapes(Walk *w, const char *path)
{
    struct stat lst;
    if (!w->root || lstat(path, &lst) != 0 || !S_ISLNK(lst.st_mode))
        return false;
    char *real = realpath(path, NULL);
    size_t n = strlen(w->root);
    bool inside = real && !strncmp(real, w->root, n) &&
                  (real[n] == '/' || !real[n] || n == 1);
    free(real);
    if (inside || !real)
        return false;
    Source *src = arena_alloc(w->a, sizeof *src);
    *src = (Source){arena_strdup(w->a, path), "", 0, NULL, 0};
    diags_source(w->ds, src);
    Diag *d = diag_error(w->ds, loc_file(src), "symlink-outside",
                         "a symbolic link to a file outside the spec folder");
    diag_help(w->ds, d, "copy the file into the spec folder, or name it on "
                        "the command line");
    return true;
}

/* A folder below the spec folder that is not walked, and why, or NULL. */
static const char *skip_dir(Walk *w, const char *path, const char *name,
                            const char **help)
{
    *help = NULL;
    if (is_output_tree(w->a, path))
        return "topoc's own output (it holds .topoc-output)";
    if (name[0] == '.')
        return "a hidden folder";
    if (is_spec_root(w->a, path)) {
        *help = arena_printf(w->a, "a folder with its own platform.yaml is "
                                   "a separate spec: check it on its own "
                                   "(topoc check %s)",
                             path);
        return "a separate spec";
    }
    return NULL;
}

static int walk(Walk *w, const char *path, bool top)
{
    struct stat st;
    const char *base = strrchr(path, '/'), *help = NULL;
    base = base ? base + 1 : path;
    if (!top && link_escapes(w, path))
        return 0;
    if (stat(path, &st) != 0) {
        if (errno != ENOENT || top)
            return io_error(path, strerror(errno));
        skip(w, path, false, "a symbolic link to nothing", NULL);
        return 0; /* a dangling link inside a spec is not ours */
    }
    if (S_ISDIR(st.st_mode)) {
        for (int i = 0; i < w->depth; i++)
            if (w->devs[i] == st.st_dev && w->inos[i] == st.st_ino)
                return io_error(path, "symbolic link loop (this directory "
                                      "contains itself)");
        if (top && is_output_tree(w->a, path))
            return io_error(path, "this is topoc's output (it holds "
                                  ".topoc-output), not a spec");
        const char *why = top ? NULL : skip_dir(w, path, base, &help);
        if (why) {
            skip(w, path, true, why, help);
            return 0;
        }
        return walk_dir(w, path, &st);
    }
    if (!S_ISREG(st.st_mode)) {
        if (top)
            return io_error(path, "not a regular file or directory");
        skip(w, path, false, "not a regular file", NULL);
        return 0;
    }
    if (top || is_spec_name(base)) {
        add_file(w, path);
    } else {
        const char *why = skip_reason(base, &help);
        skip(w, path, false, why, help);
    }
    return 0;
}

/* The folder of the last file opened, kept open: the walk lists a
 * folder's files together, so each is opened by its name in it, not by
 * a path the kernel looks up component by component (at 10,000 files
 * that look-up was most of open's cost). */
typedef struct DirCache {
    char *dir; /* malloc'd; NULL: none open */
    int fd;
} DirCache;

static void dir_cache_close(DirCache *dc)
{
    if (dc->dir)
        close(dc->fd);
    free(dc->dir);
    dc->dir = NULL;
}

/* open(path) for reading, through dc when path names a folder. */
static int open_in(DirCache *dc, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path || !slash[1])
        return open(path, O_RDONLY | O_CLOEXEC);
    size_t n = (size_t)(slash - path);
    if (!dc->dir || strlen(dc->dir) != n || memcmp(dc->dir, path, n)) {
        dir_cache_close(dc);
        char *dir = strndup(path, n);
        int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
        if (fd < 0) {
            free(dir);
            return open(path, O_RDONLY | O_CLOEXEC);
        }
        dc->dir = dir;
        dc->fd = fd;
    }
    return openat(dc->fd, slash + 1, O_RDONLY | O_CLOEXEC);
}

/* Read a whole file; content checks are diagnostics, so they happen later. */
static int read_file(Arena *a, DirCache *dc, const char *path, Source *src,
                     bool *too_big)
{
    int fd = open_in(dc, path);
    if (fd < 0)
        return io_error(path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return io_error(path, "not a regular file");
    }
    *too_big = st.st_size > LOAD_MAX_FILE_BYTES;
    size_t want = *too_big ? 4096 : (size_t)st.st_size;
    char *buf = arena_alloc_uninit(a, want + 1); /* read() fills it */
    size_t got = 0;
    while (got < want) {
        ssize_t r = read(fd, buf + got, want - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int err = errno;
            close(fd);
            return io_error(path, strerror(err));
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    buf[got] = '\0';
    src->path = arena_strdup(a, path);
    src->text = buf;
    src->len = got;
    return 0;
}

/* Returns false when the content must not reach the parser. */
static bool check_content(Diags *ds, const Source *src, bool too_big)
{
    Loc whole = loc_offset(src, 0, 1);
    if (too_big) {
        Diag *d = diag_error(ds, whole, "file-too-large",
                             "file is larger than the %d MiB limit for a "
                             "spec file",
                             LOAD_MAX_FILE_BYTES >> 20);
        diag_help(ds, d, "split the spec: one file per service");
        return false;
    }
    const unsigned char *u = (const unsigned char *)src->text;
    if (src->len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) ||
                          (u[0] == 0xFE && u[1] == 0xFF))) {
        Diag *d = diag_error(ds, whole, "encoding",
                             "file is UTF-16; spec files are UTF-8");
        diag_help(ds, d, "save the file as UTF-8 without a byte-order mark");
        return false;
    }
    if (src->len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        /* YAML allows it, but libyaml counts it as a character of the
         * first line when told the encoding, and then the first key is
         * not at column 1: refused once here, not as the cascade of
         * missing keys and syntax errors it made */
        Diag *d = diag_error(ds, loc_offset(src, 0, 1), "encoding",
                             "file starts with a UTF-8 byte-order mark");
        diag_help(ds, d, "save the file as UTF-8 without a byte-order mark "
                         "(an editor's \"UTF-8\", not \"UTF-8 with BOM\")");
        return false;
    }
    const char *nul = memchr(src->text, '\0', src->len);
    if (nul) {
        Diag *d = diag_error(ds, loc_offset(src, (size_t)(nul - src->text), 1),
                             "binary-file",
                             "file contains a NUL byte; it is not a text "
                             "spec");
        diag_help(ds, d, "spec files are UTF-8 YAML text");
        return false;
    }
    long bad = utf8_invalid_at(src->text, src->len);
    if (bad >= 0) {
        Diag *d = diag_error(ds, loc_offset(src, (size_t)bad, 1), "encoding",
                             "invalid UTF-8 byte 0x%02x",
                             (unsigned char)src->text[bad]);
        diag_help(ds, d, "save the file as UTF-8");
        return false;
    }
    return true;
}

static void mark_broken(Arena *a, Inputs *out, const Source *src)
{
    size_t n = (size_t)out->nbroken;
    if ((n & (n - 1)) == 0) /* 0, 1, 2, 4...: the capacity doubles */
        out->broken = arena_grow(a, out->broken, n, n ? 2 * n : 1,
                                 sizeof *out->broken);
    out->broken[out->nbroken++] = src;
}

void load_source(Arena *a, Diags *ds, Source *src, bool too_big,
                 Inputs *out)
{
    diags_source(ds, src); /* its line index is made if a Loc needs it */
    if (!check_content(ds, src, too_big)) {
        mark_broken(a, out, src);
        return;
    }
    Document *docs;
    int n;
    int before = ds->nerrors;
    load_yaml(a, &out->tree, ds, src, &docs, &n);
    if (ds->nerrors > before)
        mark_broken(a, out, src);
    int kept = 0;
    for (int j = 0; j < n; j++) /* a bare '---' is no document */
        if (docs[j].root->kind != NODE_NULL)
            docs[kept++] = docs[j];
    n = kept;
    if (n == 0 && ds->nerrors == before) {
        Diag *d = diag_error(ds, loc_offset(src, 0, 1), "empty-file",
                             "spec file has no content");
        diag_help(ds, d, "describe a service ('service: NAME') or the "
                         "platform ('platform: NAME'), or delete it");
    }
    if (out->ndocs + n > out->capdocs) {
        int newcap = (out->ndocs + n) * 2;
        out->docs = arena_grow(a, out->docs, (size_t)out->ndocs,
                               (size_t)newcap, sizeof *out->docs);
        out->capdocs = newcap;
    }
    for (int j = 0; j < n; j++)
        out->docs[out->ndocs++] = docs[j];
}

void load_free_trees(Inputs *in)
{
    arena_free(&in->tree);
    in->docs = NULL;
    in->ndocs = in->capdocs = 0;
}

int load_inputs(Arena *a, Diags *ds, char *const *paths, int npaths,
                Inputs *out, LoadSink sink, void *ctx)
{
    Walk w = {.a = a, .ds = ds};
    memset(out, 0, sizeof *out);
    for (int i = 0; i < npaths; i++) {
        char *root = realpath(paths[i], NULL);
        w.root = root ? arena_strdup(a, root) : NULL;
        free(root);
        int rc = walk(&w, paths[i], true);
        if (rc != 0) {
            free(w.files);
            return -1;
        }
    }
    out->skipped = w.skipped;
    out->nskipped = w.nskipped;
    if (w.n == 0) {
        free(w.files);
        return io_error(paths[0], "no spec files (*.yaml, *.yml) here");
    }
    int rc = 0;
    DirCache dc = {NULL, -1};
    Arena kept = out->tree, spare; /* spare: the next file's, emptied */
    arena_init(&spare);
    for (int i = 0; i < w.n; i++) {
        Source *src = arena_alloc(a, sizeof *src);
        bool too_big;
        if (read_file(a, &dc, w.files[i], src, &too_big) != 0) {
            rc = -1;
            continue;
        }
        out->nfiles++;
        /* this file's nodes in an arena of their own, emptied at once
         * when the sink has taken what it needs of them, else kept */
        out->tree = spare;
        int first = out->ndocs;
        load_source(a, ds, src, too_big, out);
        if (sink && sink(ctx, out->docs + first, out->ndocs - first)) {
            arena_reset(&out->tree);
            spare = out->tree;
        } else {
            arena_adopt(&kept, &out->tree);
            arena_init(&spare);
        }
    }
    out->tree = kept;
    arena_free(&spare);
    dir_cache_close(&dc);
    free(w.files);
    return rc;
}

/* The real path of p, which may not exist yet: its longest existing
 * ancestor resolved, the rest appended.  Returns malloc'd, or NULL. */
static char *real_future(const char *p)
{
    char *r = realpath(p, NULL);
    if (r || !*p)
        return r;
    char *dir = strdup(p);
    if (!dir)
        return NULL;
    char *slash = strrchr(dir, '/');
    while (slash && slash > dir && slash[1] == '\0') { /* trailing '/' */
        *slash = '\0';
        slash = strrchr(dir, '/');
    }
    const char *rest = slash ? slash + 1 : dir;
    if (slash == dir)
        r = strdup("/");
    else if (slash) {
        *slash = '\0';
        r = real_future(dir);
    } else
        r = realpath(".", NULL);
    char *out = NULL;
    if (r && asprintf(&out, "%s%s%s", r, strcmp(r, "/") ? "/" : "",
                      rest) < 0)
        out = NULL;
    free(r);
    free(dir);
    return out;
}

int load_output_inside(char *const *paths, int npaths, const char *out)
{
    char *o = real_future(out);
    int found = -1;
    for (int i = 0; o && i < npaths && found < 0; i++) {
        struct stat st;
        char *root = realpath(paths[i], NULL);
        if (root && stat(root, &st) == 0 && S_ISDIR(st.st_mode)) {
            size_t n = strlen(root);
            if (!strncmp(o, root, n) && (o[n] == '/' || !o[n] || n == 1))
                found = i;
        }
        free(root);
    }
    free(o);
    return found;
}
