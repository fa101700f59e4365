/* main.c - the command line: parse options, run the pipeline, map the
 * result to an exit code (0 clean, 1 spec errors, 2 usage or I/O error).
 * The only file that exits. */
#include "cli.h"

#include "topoc/compile.h"
#include "topoc/report.h"
#include "topoc/review.h"
#include "topoc/routing.h"
#include "topoc/util.h"
#include "topoc/schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef TOPOC_VERSION
#define TOPOC_VERSION "0.1.0"
#endif

#include <stdbool.h>

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

static int report_to_file(const Report *rep, const char *data, size_t len)
{
    if (write_file_atomic(rep->file, data, len) == 0)
        return 0;
    fprintf(stderr, "topoc: the %s report was not written\n",
            format_names[rep->fmt]);
    return -1;
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
            rc |= report_to_file(rep, buf, len);
            free(buf);
            continue;
        }
        Strbuf sb = STRBUF_INIT;
        render(ds, rep->fmt, &sb);
        if (rep->file)
            rc |= report_to_file(rep, sb.buf, sb.len);
        else
            fwrite(sb.buf, 1, sb.len, stdout);
        sb_release(&sb);
    }
    return rc;
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

/* An argument as a POSIX shell reads it back: quoted when it must be. */
static void shell_word(Strbuf *sb, const char *s)
{
    if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                        "0123456789_./-=:,+@%") == strlen(s)) {
        sb_puts(sb, s);
        return;
    }
    sb_putc(sb, '\'');
    for (; *s; s++)
        *s == '\'' ? sb_puts(sb, "'\\''") : sb_putc(sb, *s);
    sb_putc(sb, '\'');
}

/* build --check: the outputs a build would write against o->out, and the
 * command that rebuilds them (the same spec, templates and folder). */
static int up_to_date(Compilation *c, char *const *paths, int n,
                      const Opts *o)
{
    Strbuf cmd = STRBUF_INIT, sb = STRBUF_INIT;
    sb_puts(&cmd, "topoc build");
    for (int i = 0; i < n; i++) {
        sb_putc(&cmd, ' ');
        shell_word(&cmd, paths[i]);
    }
    if (o->templates) {
        sb_puts(&cmd, " --templates ");
        shell_word(&cmd, o->templates);
    }
    sb_puts(&cmd, " -o ");
    shell_word(&cmd, o->out);
    int rc = review_build_check(&c->outputs, o->out, cmd.buf, &sb);
    fwrite(sb.buf, 1, sb.len, rc < 0 ? stderr : stdout);
    sb_release(&sb);
    sb_release(&cmd);
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
    /* a report CI asked for and did not get is trouble (2), whatever the
     * spec holds: exit 1 would read as "the report lists errors" */
    bool unreported = write_reports(&c.diags, o) != 0;
    if (unreported && r == COMPILE_OK)
        r = COMPILE_IO;
    if (r != COMPILE_IO)
        summary(&c, cmd, o);
    int rc = r == COMPILE_OK && !unreported ? EXIT_CLEAN
             : r == COMPILE_ERRORS && !unreported ? EXIT_SPEC
                                                  : EXIT_USAGE;
    if (r == COMPILE_OK && o->up_to_date)
        rc = up_to_date(&c, paths, n, o);
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

static int cmd_rules(const char *cmd, char *const *args, int n, Opts *o)
{
    (void)cmd, (void)args, (void)n, (void)o;
    for (int i = 0; i < nrules; i++)
        printf("%-30s %-8s %-12s %s\n", rules[i].id,
               rules[i].severity == RSEV_ERROR ? "error" : "warning",
               rules[i].family, rules[i].summary);
    return EXIT_CLEAN;
}

static int cmd_explain(const char *cmd, char *const *args, int n, Opts *o)
{
    (void)cmd, (void)o;
    return explain(n ? args[0] : NULL);
}

static int cmd_schema(const char *cmd, char *const *args, int n, Opts *o)
{
    (void)cmd;
    return schema(o, n ? args[0] : NULL, n);
}

static int cmd_route(const char *cmd, char *const *args, int n, Opts *o)
{
    (void)cmd;
    return route(args, n, o);
}

static int cmd_diff(const char *cmd, char *const *args, int n, Opts *o)
{
    (void)cmd;
    return diff(args, n, o);
}

static int cmd_import(const char *cmd, char *const *args, int n, Opts *o)
{
    (void)cmd;
    return import(args, n, o);
}

/* check and build: the spec compiled (and written, or compared). */
static int cmd_compile(const char *cmd, char *const *args, int n, Opts *o)
{
    bool build = strcmp(cmd, "build") == 0;
    if (o->up_to_date && !build)
        return usage_error("--check compares a build with DIR: use 'topoc "
                           "build --check -o DIR%s'",
                           "");
    if (n == 0)
        return usage_error("%s: no SPEC given", cmd);
    if (o->check.highlight && build)
        return usage_error("--highlight draws what check finds: use 'topoc "
                           "check --highlight%s'",
                           "");
    return run(cmd, args, n, o);
}

/* Every command: what is accepted, listed when none is given, and helped
 * (tests/cli.sh holds the three to each other). */
#define C_ "\n                   " /* a help line's continuation */
static const Command commands[] = {
    {"check", "", "validate the spec and report every problem", cmd_compile},
    {"build", "", "validate, then write outputs (nothing on error);" C_
     "with --check, write nothing: list the files in DIR" C_
     "that are stale, missing, extra or foreign (exit 1 if any)",
     cmd_compile},
    {"diff", "", "what changes from spec OLD to spec NEW, per" C_
     "environment (exit 0 none, 1 changes, 2 trouble)", cmd_diff},
    {"route", "", "which route, service, backend and WAF policy take" C_
     "METHOD URL, and why each route tried before did not", cmd_route},
    {"import", "openapi", "draft the routes of service NAME from an "
     "OpenAPI" C_ "document (spec YAML on stdout, to review)", cmd_import},
    {"schema", "", "list every key of the spec language; with" C_
     "--format json-schema, a JSON Schema (draft-07) of" C_
     "a document KIND (platform, service, waivers) or" C_
     "of any document, for editors", cmd_schema},
    {"rules", "", "list every rule with its id and default severity",
     cmd_rules},
    {"explain", "RULE", "what a rule checks and why", cmd_explain},
};
#undef C_
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

/* The command: what it runs, or why it cannot. */
static int dispatch(const char *cmd, char *const *paths, int n, Opts *o)
{
    const Command *c = NULL;
    for (int i = 0; i < NCOMMANDS && !c; i++)
        if (!strcmp(commands[i].name, cmd))
            c = &commands[i];
    if (!c) {
        Strbuf names = STRBUF_INIT;
        command_names(commands, NCOMMANDS, &names);
        fprintf(stderr, "topoc: error: unknown command '%s' (%s)\nTry "
                        "'topoc --help'.\n", cmd, names.buf);
        sb_release(&names);
        return EXIT_USAGE;
    }
    if (formats_refused(cmd, o))
        return EXIT_USAGE;
    return c->run(cmd, paths, n, o);
}

int main(int argc, char **argv)
{
    Opts o = {.out = "out", .color = -1};
    int rc = parse_options(argc, argv, &o, commands, NCOMMANDS);
    if (rc >= 0)
        return rc;
    if (optind >= argc) {
        Strbuf names = STRBUF_INIT;
        command_names(commands, NCOMMANDS, &names);
        fprintf(stderr, "topoc: error: missing command (%s)\nTry 'topoc "
                        "--help'.\n", names.buf);
        sb_release(&names);
        return EXIT_USAGE;
    }
    rc = reports_clash(&o);
    if (rc >= 0)
        return rc;
    default_reports(&o);
    const char *cmd = argv[optind++];
    return flush_std(dispatch(cmd, argv + optind, argc - optind, &o));
}
