/* main.c - the command line: parse options, run the pipeline, map the
 * result to an exit code (0 clean, 1 spec errors, 2 usage or I/O error).
 * The only file that exits. */
#include "topoc/compile.h"
#include "topoc/report.h"
#include "topoc/review.h"
#include "topoc/routing.h"
#include "topoc/util.h"
#include "topoc/schema.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef TOPOC_VERSION
#define TOPOC_VERSION "0.1.0"
#endif

enum { EXIT_CLEAN = 0, EXIT_SPEC = 1, EXIT_USAGE = 2 };

static const char usage_text[] =
    "usage: topoc check [options] SPEC...\n"
    "       topoc build [options] SPEC... [-o DIR] [--check]\n"
    "       topoc route [--env ENV] [--format json] SPEC... METHOD URL...\n"
    "       topoc diff [--format text|markdown|json] OLD NEW\n"
    "       topoc import openapi DOC --service NAME [--host HOST]\n"
    "       topoc schema [--format json-schema [KIND]] | rules | explain RULE\n"
    "\n"
    "Validate a platform spec and compile it into configuration.\n"
    "SPEC is a spec directory (platform.yaml plus service files) or files.\n"
    "\n"
    "commands:\n"
    "  check            validate the spec and report every problem\n"
    "  build            validate, then write outputs (nothing on error);\n"
    "                   with --check, write nothing: list the files in DIR\n"
    "                   that are stale, missing or extra (exit 1 if any)\n"
    "  diff             what changes from spec OLD to spec NEW, per\n"
    "                   environment (exit 0 none, 1 changes, 2 trouble)\n"
    "  route            which route, service, backend and WAF policy take\n"
    "                   METHOD URL, and why each route tried before did not\n"
    "  import openapi   draft the routes of service NAME from an OpenAPI\n"
    "                   document (spec YAML on stdout, to review)\n"
    "  schema           list every key of the spec language; with\n"
    "                   --format json-schema, a JSON Schema (draft-07) of\n"
    "                   a document KIND (platform, service, waivers) or\n"
    "                   of any document, for editors\n"
    "  rules            list every rule with its id and default severity\n"
    "  explain RULE     what a rule checks and why\n"
    "\n"
    "options:\n"
    "  -o, --output DIR     where build writes (default: out)\n"
    "      --service NAME   import: the service the routes are for\n"
    "      --host HOST      import: the routes' host (default: the first\n"
    "                       label of the document's server host)\n"
    "      --env ENV        route: the environment (default: the one whose\n"
    "                       routes serve the URL's host)\n"
    "      --templates DIR  more template targets (DIR/TARGET/*.mustache);\n"
    "                       they replace built-in targets of the same name\n"
    "      --format FMT[=FILE]  diagnostics as text (default), json, sarif,\n"
    "                       junit or github, to stdout or FILE; repeatable\n"
    "      --color WHEN     auto (default), always or never\n"
    "      --werror         treat warnings as errors\n"
    "      --today DATE     the date waivers expire against (YYYY-MM-DD)\n"
    "      --stats          time each stage of the check, on stderr\n"
    "      --highlight      check: also draw the diagrams and docs into DIR\n"
    "                       (-o, default out) with the findings in red\n"
    "  -q, --quiet          no summary line\n"
    "  -h, --help           show this help\n"
    "  -V, --version        show the version\n"
    "\n"
    "exit status: 0 clean, 1 the spec has errors, 2 usage or I/O error\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("topoc: error: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'topoc --help'.\n", stderr);
    return EXIT_USAGE;
}

enum {
    FMT_TEXT, FMT_JSON, FMT_SARIF, FMT_JUNIT, FMT_GITHUB, FMT_JSON_SCHEMA,
    FMT_MARKDOWN, NFORMATS, MAX_REPORTS = 8
};
static const char *const format_names[NFORMATS] = {
    "text", "json", "sarif", "junit", "github", "json-schema", "markdown"};

typedef struct Report {
    int fmt;
    const char *file; /* NULL: stdout (text: stderr) */
} Report;

typedef struct Opts {
    const char *out, *templates, *env;
    const char *service, *host; /* import openapi */
    bool quiet, up_to_date; /* build --check */
    Report reports[MAX_REPORTS];
    int nreports;
    int color; /* -1 auto, 0 never, 1 always */
    CheckOptions check;
} Opts;

static bool want_color(int color)
{
    if (color >= 0)
        return color;
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc)
        return false;
    const char *term = getenv("TERM");
    return isatty(STDERR_FILENO) && !(term && strcmp(term, "dumb") == 0);
}

static const char *plural(int n) { return n == 1 ? "" : "s"; }

/* What was read, from the model, or from the documents when the spec has
 * errors that stopped the compilation before the model. */
static void what_was_read(const Compilation *c, Strbuf *sb)
{
    const Model *m = c->model;
    const char *platform = m ? m->platform->name.s : NULL;
    int envs = m ? m->nenvs : 0, services = m ? m->nservices : 0;
    for (int i = 0; !m && i < c->inputs.ndocs; i++) {
        const Node *root = c->inputs.docs[i].root;
        const Node *name = root->kind == NODE_MAP
                               ? node_get(root, "platform")
                               : NULL;
        const Node *e = name ? node_get(root, "environments") : NULL;
        if (name && !platform && name->kind == NODE_SCALAR) {
            platform = name->str;
            envs = e && e->kind == NODE_MAP ? e->n : 0;
        }
        services += root->kind == NODE_MAP && node_get(root, "service");
    }
    if (platform)
        sb_printf(sb, "platform '%s': %d environment%s, ", platform, envs,
                  plural(envs));
    else
        sb_puts(sb, "no platform, ");
    sb_printf(sb, "%d service%s, %d file%s, %d skipped", services,
              plural(services), c->inputs.nfiles, plural(c->inputs.nfiles),
              c->inputs.nskipped);
}

/* The last line says what was read, also when there are errors. */
static void summary(const Compilation *c, const char *cmd, const Opts *o)
{
    if (o->quiet)
        return;
    Strbuf read = STRBUF_INIT;
    what_was_read(c, &read);
    if (c->diags.nerrors || c->diags.nwarnings || c->diags.nsuppressed) {
        fprintf(stderr, "topoc: %d error%s, %d warning%s", c->diags.nerrors,
                plural(c->diags.nerrors), c->diags.nwarnings,
                plural(c->diags.nwarnings));
        if (c->diags.nsuppressed)
            fprintf(stderr, ", %d waived", c->diags.nsuppressed);
        if (c->diags.nerrors)
            fprintf(stderr, "; read %s", read.buf);
        fputc('\n', stderr);
    }
    if (!c->diags.nerrors && c->model) {
        printf("topoc: %s", read.buf);
        if ((strcmp(cmd, "build") == 0 && !o->up_to_date) ||
            o->check.highlight)
            printf(" -> %d files in %s/", c->outputs.n, o->out);
        printf("\n");
    }
    sb_release(&read);
}

/* "always an error", "a warning or a note": the levels a notice is
 * reported at, as `explain` heads it */
static const char *notice_levels(unsigned as)
{
    switch (as) {
    case AS_ERROR: return "always an error";
    case AS_WARNING: return "always a warning";
    case AS_NOTE: return "always a note";
    case AS_WARNING | AS_NOTE: return "a warning or a note";
    case AS_ERROR | AS_NOTE: return "an error or a note";
    case AS_ERROR | AS_WARNING: return "an error or a warning";
    default: return "an error, a warning or a note";
    }
}

static int explain(const char *id)
{
    if (!id)
        return usage_error("%s", "explain: which rule? (topoc rules)");
    const Rule *r = rule_find(id);
    const Notice *t = r ? NULL : notice_find(id);
    if (t) {
        printf("%s (%s, %s; not a rule: no policy or waiver changes "
               "it)\n\n%s.\n\n%s\n",
               t->id, t->family, notice_levels(t->as), t->summary,
               t->explain);
        return EXIT_CLEAN;
    }
    if (!r) {
        const char *ids[256];
        for (int i = 0; i < nrules && i < 256; i++)
            ids[i] = rules[i].id;
        const char *best = closest_word(id, ids, nrules);
        fprintf(stderr, "topoc: error: no rule '%s'%s%s%s\n", id,
                best ? "; did you mean '" : "", best ? best : "",
                best ? "'?" : "");
        return EXIT_USAGE;
    }
    /* reading the spec is refused whatever the policy (check.c) */
    if (strcmp(r->family, "input") == 0)
        printf("%s (%s, always an error; no policy or waiver changes "
               "it)\n\n%s.\n\n%s\n",
               r->id, r->family, r->summary, r->explain);
    else
        printf("%s (%s, %s by default)\n\n%s.\n\n%s\n", r->id, r->family,
               r->severity == RSEV_ERROR ? "error" : "warning", r->summary,
               r->explain);
    return EXIT_CLEAN;
}

static void render(const Diags *ds, int fmt, Strbuf *out)
{
    switch (fmt) {
    case FMT_JSON: report_json(ds, out); break;
    case FMT_SARIF: report_sarif(ds, TOPOC_VERSION, out); break;
    case FMT_JUNIT: report_junit(ds, out); break;
    case FMT_GITHUB: report_github(ds, out); break;
    default: break;
    }
}

/* Every requested report; text goes to stderr, unless written to a file. */
static int write_reports(const Diags *ds, const Opts *o)
{
    int rc = 0;
    for (int i = 0; i < o->nreports; i++) {
        const Report *rep = &o->reports[i];
        if (rep->fmt == FMT_TEXT && !rep->file) {
            diags_print_text(ds, stderr, want_color(o->color));
            continue;
        }
        if (rep->fmt == FMT_TEXT) { /* to a file: no colour */
            char *buf = NULL;
            size_t len = 0;
            FILE *mem = open_memstream(&buf, &len);
            diags_print_text(ds, mem, false);
            fclose(mem);
            rc |= write_file_atomic(rep->file, buf, len);
            free(buf);
            continue;
        }
        Strbuf sb = STRBUF_INIT;
        render(ds, rep->fmt, &sb);
        if (rep->file)
            rc |= write_file_atomic(rep->file, sb.buf, sb.len);
        else
            fwrite(sb.buf, 1, sb.len, stdout);
        sb_release(&sb);
    }
    return rc;
}

static int add_report(Opts *o, const char *arg)
{
    const char *eq = strchr(arg, '=');
    size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
    int fmt = -1;
    for (int i = 0; i < NFORMATS; i++)
        if (strlen(format_names[i]) == n && !strncmp(arg, format_names[i], n))
            fmt = i;
    if (fmt < 0)
        return usage_error("unknown format '%s' (text, json, sarif, junit, "
                           "github, json-schema or markdown)",
                           arg);
    if (eq && !eq[1])
        return usage_error("--format %s: the file name is missing", arg);
    if (o->nreports == MAX_REPORTS)
        return usage_error("%s", "too many --format options");
    o->reports[o->nreports++] = (Report){fmt, eq ? eq + 1 : NULL};
    return 0;
}

/* A report or listing that did not reach stdout is a failed run: exit 2
 * and say so (on stderr, if that still works). */
static int flush_std(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "topoc: error: cannot write to standard output: %s\n",
                strerror(errno));
        return EXIT_USAGE;
    }
    if (fflush(stderr) != 0 || ferror(stderr))
        return EXIT_USAGE;
    return rc;
}

static int single_format(const Opts *o);

/* build --check: the outputs a build would write against o->out. */
static int up_to_date(Compilation *c, const Opts *o)
{
    Strbuf sb = STRBUF_INIT;
    int rc = review_build_check(&c->outputs, o->out, &sb);
    fwrite(sb.buf, 1, sb.len, rc < 0 ? stderr : stdout);
    sb_release(&sb);
    return rc < 0 ? EXIT_USAGE : rc;
}

/* An output folder inside a spec folder would be read as spec by the next
 * check (its Kubernetes documents are YAML): refused before anything. */
static int output_inside_spec(const char *spec, const char *out)
{
    Strbuf a = STRBUF_INIT, b = STRBUF_INIT;
    diag_quote_path(&a, out);
    diag_quote_path(&b, spec);
    fprintf(stderr,
            "topoc: error: the output folder '%s' is inside the spec "
            "folder '%s'\nhelp: write it outside the spec (-o elsewhere); "
            "topoc never reads its own output as spec\n",
            a.buf, b.buf);
    sb_release(&a);
    sb_release(&b);
    return EXIT_USAGE;
}

static int run(const char *cmd, char *const *paths, int n, const Opts *o)
{
    bool build = strcmp(cmd, "build") == 0;
    if ((build && !o->up_to_date) || o->check.highlight) {
        int k = load_output_inside(paths, n, o->out);
        if (k >= 0)
            return output_inside_spec(paths[k], o->out);
    }
    Compilation c;
    compile_init(&c);
    if (o->up_to_date)
        c.out_mode = OUT_SCRATCH;
    CompileResult r =
        compile(&c, paths, n, build || o->check.highlight ? o->out : NULL,
                o->templates, &o->check);
    diags_sort(&c.diags);
    if (write_reports(&c.diags, o) != 0 && r == COMPILE_OK)
        r = COMPILE_IO;
    if (r != COMPILE_IO)
        summary(&c, cmd, o);
    int rc = r == COMPILE_OK ? EXIT_CLEAN
             : r == COMPILE_ERRORS ? EXIT_SPEC
                                   : EXIT_USAGE;
    if (r == COMPILE_OK && o->up_to_date)
        rc = up_to_date(&c, o);
    compile_free(&c);
    return rc;
}

/* A model to ask questions of: the spec read without input errors (the
 * rules' findings are reported, but do not stop route or diff). */
static bool model_usable(const Compilation *c)
{
    if (!c->model)
        return false;
    for (int i = 0; i < c->diags.n; i++)
        if (c->diags.v[i]->sev == SEV_ERROR && !c->diags.v[i]->target)
            return false;
    return true;
}

static bool is_method(const char *s)
{
    for (int k = 0; k < 7; k++)
        if (strcmp(s, route_method_names[k]) == 0)
            return true;
    return false;
}

/* Answer each METHOD URL pair; JSON: one object, or an array of them. */
static int answer_routes(Compilation *c, char *const *req, int n,
                         const Opts *o)
{
    bool json = single_format(o) == FMT_JSON, many = n > 2;
    int rc = EXIT_CLEAN;
    if (json && many)
        fputs("[\n", stdout);
    for (int i = 0; i + 1 < n; i += 2) {
        Strbuf sb = STRBUF_INIT;
        int r = review_route(&c->arena, c->model, o->env, req[i], req[i + 1],
                             json ? RFMT_JSON : RFMT_TEXT, &sb);
        if (r < 0) {
            fwrite(sb.buf, 1, sb.len, stderr);
            rc = EXIT_USAGE;
        } else {
            if (json && many && i > 0)
                fputs(",\n", stdout);
            fwrite(sb.buf, 1, sb.len, stdout);
            if (r > 0 && rc == EXIT_CLEAN)
                rc = EXIT_SPEC;
        }
        sb_release(&sb);
    }
    if (json && many)
        fputs("]\n", stdout);
    return rc;
}

/* route [--env ENV] SPEC... METHOD URL [METHOD URL]... */
static int route(char *const *args, int n, const Opts *o)
{
    int nspec = 0;
    while (nspec < n && !is_method(args[nspec]))
        nspec++;
    if (nspec == 0 || nspec == n || (n - nspec) % 2)
        return usage_error("%s", "route: give SPEC, then METHOD URL pairs "
                                 "(topoc route specs GET "
                                 "https://api.example.com/x)");
    Compilation c;
    compile_init(&c);
    compile(&c, args, nspec, NULL, NULL, &o->check);
    diags_sort(&c.diags);
    int rc = EXIT_SPEC;
    if (!model_usable(&c)) {
        write_reports(&c.diags, o);
    } else {
        if (c.diags.nerrors && !o->quiet)
            fprintf(stderr, "topoc: the spec has %d error%s (topoc check); "
                            "answering from it anyway\n",
                    c.diags.nerrors, c.diags.nerrors == 1 ? "" : "s");
        rc = answer_routes(&c, args + nspec, n - nspec, o);
    }
    compile_free(&c);
    return rc;
}

/* diff OLD NEW: both compiled and built in memory; 2 when either cannot
 * be read into a model. */
static int diff(char *const *args, int n, const Opts *o)
{
    if (n != 2)
        return usage_error("%s", "diff: give two spec directories, OLD and "
                                 "NEW (see README: Reviewing a change)");
    Compilation c[2];
    int rc = EXIT_USAGE;
    bool usable = true;
    for (int i = 0; i < 2; i++) {
        compile_init(&c[i]);
        c[i].out_mode = OUT_MEMORY;
        compile(&c[i], args + i, 1, "(memory)", o->templates, &o->check);
        diags_sort(&c[i].diags);
        if (!model_usable(&c[i])) {
            write_reports(&c[i].diags, o);
            usable = false;
        }
    }
    if (usable) {
        int fmt = single_format(o);
        Strbuf sb = STRBUF_INIT;
        rc = review_diff(&c[0], &c[1],
                         fmt == FMT_JSON       ? RFMT_JSON
                         : fmt == FMT_MARKDOWN ? RFMT_MARKDOWN
                                               : RFMT_TEXT,
                         &sb);
        fwrite(sb.buf, 1, sb.len, stdout);
        sb_release(&sb);
    }
    compile_free(&c[0]);
    compile_free(&c[1]);
    return rc;
}

/* import openapi DOC --service NAME: a draft of the service's routes on
 * stdout. */
static int import(char *const *args, int n, const Opts *o)
{
    if (n != 2 || strcmp(args[0], "openapi"))
        return usage_error("%s", "usage: topoc import openapi DOC --service "
                                 "NAME [--host HOST]");
    if (!o->service)
        return usage_error("%s", "import openapi: --service NAME is "
                                 "required");
    Arena a;
    arena_init(&a);
    Strbuf sb = STRBUF_INIT;
    int r = review_import_openapi(&a, args[1], o->service, o->host, &sb);
    if (r < 0)
        fprintf(stderr, "topoc: error: %s\n", sb.buf);
    else
        fwrite(sb.buf, 1, sb.len, stdout);
    sb_release(&sb);
    arena_free(&a);
    return r < 0 ? EXIT_USAGE : EXIT_CLEAN;
}

/* The formats each command can write; any other is refused, never
 * silently replaced by text. */
static bool formats_refused(const char *cmd, const Opts *o)
{
    unsigned ok = 1u << FMT_TEXT;
    const char *which = "text";
    if (!strcmp(cmd, "check") || !strcmp(cmd, "build")) {
        ok = (1u << FMT_JSON_SCHEMA) - 1;
        which = "text, json, sarif, junit or github";
    } else if (!strcmp(cmd, "schema")) {
        ok |= 1u << FMT_JSON_SCHEMA;
        which = "text or json-schema";
    } else if (!strcmp(cmd, "route")) {
        ok |= 1u << FMT_JSON;
        which = "text or json";
    } else if (!strcmp(cmd, "diff")) {
        ok |= 1u << FMT_JSON | 1u << FMT_MARKDOWN;
        which = "text, markdown or json";
    }
    for (int i = 0; i < o->nreports; i++) {
        const Report *r = &o->reports[i];
        if (!(ok & (1u << r->fmt))) {
            fprintf(stderr, "topoc: error: %s writes %s, not %s\n", cmd, which,
                    format_names[r->fmt]);
            return true;
        }
        if (r->file && strcmp(cmd, "check") && strcmp(cmd, "build")) {
            fprintf(stderr, "topoc: error: %s writes to stdout; redirect it "
                            "instead of --format %s=%s\n",
                    cmd, format_names[r->fmt], r->file);
            return true;
        }
    }
    return false;
}

/* The output format a review command was asked for (one at most). */
static int single_format(const Opts *o)
{
    int fmt = FMT_TEXT;
    for (int i = 0; i < o->nreports; i++)
        if (o->reports[i].fmt != FMT_TEXT)
            fmt = o->reports[i].fmt;
    return fmt;
}

/* schema: the keys as text, or a JSON Schema of KIND (default: any
 * document). */
static int schema(const Opts *o, const char *kind, int n)
{
    Strbuf sb = STRBUF_INIT;
    int rc = EXIT_CLEAN;
    if (single_format(o) == FMT_JSON_SCHEMA) {
        if (n > 1 || review_json_schema(kind, &sb) != 0)
            rc = usage_error("schema: which document kind? '%s' (platform, "
                             "service or waivers; none for any)",
                             kind);
    } else if (n > 0) {
        rc = usage_error("schema: '%s': a kind goes with --format "
                         "json-schema",
                         kind);
    } else {
        sb_puts(&sb, "# platform document\n");
        schema_print(&schema_platform, "", &sb);
        sb_puts(&sb, "# service document\n");
        schema_print(&schema_service, "", &sb);
        sb_puts(&sb, "# waivers document\n");
        schema_print(&schema_waivers, "", &sb);
    }
    fwrite(sb.buf, 1, sb.len, stdout);
    sb_release(&sb);
    return rc;
}

/* The options, wherever they stand: -1 to go on, else the exit status
 * (--help, --version, a bad option). */
/* --color WHEN: 1 always, 0 never, -1 auto; -1 returned if unknown. */
static int parse_color(const char *when, int *color)
{
    static const char *const names[] = {"never", "always", "auto"};
    static const int values[] = {0, 1, -1};
    for (int i = 0; i < 3; i++)
        if (!strcmp(when, names[i])) {
            *color = values[i];
            return 0;
        }
    return -1;
}

/* --today's shape, YYYY-MM-DD (the rules that read it check the rest). */
static bool is_date(const char *s)
{
    return strlen(s) == 10 && s[4] == '-' && s[7] == '-';
}

/* The long options; -o, -q, -h and -V are short too. */
static const struct option longopts[] = {
    {"output", required_argument, NULL, 'o'},
    {"format", required_argument, NULL, 'f'},
    {"color", required_argument, NULL, 'c'},
    {"quiet", no_argument, NULL, 'q'},
    {"werror", no_argument, NULL, 'W'},
    {"today", required_argument, NULL, 'T'},
    {"stats", no_argument, NULL, 'S'},
    {"highlight", no_argument, NULL, 'H'},
    {"templates", required_argument, NULL, 't'},
    {"check", no_argument, NULL, 'C'},
    {"env", required_argument, NULL, 'E'},
    {"service", required_argument, NULL, 's'},
    {"host", required_argument, NULL, 'A'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static int parse_options(int argc, char **argv, Opts *o)
{
    int ch;
    /* GNU getopt permutes: options may come before or after the command
     * and the paths (topoc build specs -o out). */
    while ((ch = getopt_long(argc, argv, "o:qhV", longopts, NULL)) != -1) {
        switch (ch) {
        case 'o':
            o->out = optarg;
            break;
        case 'f':
            if (add_report(o, optarg) != 0)
                return EXIT_USAGE;
            break;
        case 'c':
            if (parse_color(optarg, &o->color) != 0)
                return usage_error("unknown --color '%s'", optarg);
            break;
        case 'q':
            o->quiet = true;
            break;
        case 'W':
            o->check.werror = true;
            break;
        case 'S':
            o->check.stats = true;
            break;
        case 'H':
            o->check.highlight = true;
            break;
        case 't':
            o->templates = optarg;
            break;
        case 'C':
            o->up_to_date = true;
            break;
        case 'E':
            o->env = optarg;
            break;
        case 's':
            o->service = optarg;
            break;
        case 'A':
            o->host = optarg;
            break;
        case 'T':
            if (!is_date(optarg))
                return usage_error("--today takes YYYY-MM-DD, not '%s'",
                                   optarg);
            o->check.today = optarg;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return EXIT_CLEAN;
        case 'V':
            printf("topoc %s\n", TOPOC_VERSION);
            return EXIT_CLEAN;
        default:
            return EXIT_USAGE; /* getopt printed why */
        }
    }
    return -1;
}

/* Without --format: text on stderr.  A format on stdout replaces the
 * text, so that stdout stays machine-readable. */
static void default_reports(Opts *o)
{
    bool to_stdout = false, text = false;
    for (int i = 0; i < o->nreports; i++) {
        to_stdout = to_stdout || (!o->reports[i].file &&
                                  o->reports[i].fmt != FMT_TEXT);
        text = text || o->reports[i].fmt == FMT_TEXT;
    }
    if (!text && !to_stdout && o->nreports < MAX_REPORTS)
        o->reports[o->nreports++] = (Report){FMT_TEXT, NULL};
    if (to_stdout)
        o->quiet = true;
}

/* The command: what it runs, or why it cannot. */
static int dispatch(const char *cmd, char *const *paths, int n, Opts *o)
{
    int rc;
    if (formats_refused(cmd, o)) {
        rc = EXIT_USAGE;
    } else if (strcmp(cmd, "rules") == 0) {
        for (int i = 0; i < nrules; i++)
            printf("%-30s %-8s %-12s %s\n", rules[i].id,
                   rules[i].severity == RSEV_ERROR ? "error" : "warning",
                   rules[i].family, rules[i].summary);
        rc = EXIT_CLEAN;
    } else if (strcmp(cmd, "explain") == 0) {
        rc = explain(n ? paths[0] : NULL);
    } else if (strcmp(cmd, "schema") == 0) {
        rc = schema(o, n ? paths[0] : NULL, n);
    } else if (strcmp(cmd, "route") == 0) {
        rc = route(paths, n, o);
    } else if (strcmp(cmd, "diff") == 0) {
        rc = diff(paths, n, o);
    } else if (strcmp(cmd, "import") == 0) {
        rc = import(paths, n, o);
    } else if (o->up_to_date && strcmp(cmd, "build") != 0) {
        rc = usage_error("--check compares a build with DIR: use 'topoc "
                         "build --check -o DIR%s'",
                         "");
    } else if (strcmp(cmd, "check") && strcmp(cmd, "build")) {
        rc = usage_error("unknown command '%s' (check, build, schema, rules "
                         "or explain)",
                         cmd);
    } else if (n == 0) {
        rc = usage_error("%s: no SPEC given", cmd);
    } else if (o->check.highlight && strcmp(cmd, "check") != 0) {
        rc = usage_error("--highlight draws what check finds: use 'topoc "
                         "check --highlight%s'",
                         "");
    } else {
        rc = run(cmd, paths, n, o);
    }
    return rc;
}

int main(int argc, char **argv)
{
    Opts o = {.out = "out", .color = -1};
    int rc = parse_options(argc, argv, &o);
    if (rc >= 0)
        return rc;
    if (optind >= argc)
        return usage_error("%s", "missing command (check, build or schema)");
    default_reports(&o);
    const char *cmd = argv[optind++];
    return flush_std(dispatch(cmd, argv + optind, argc - optind, &o));
}
