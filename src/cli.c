/* cli.c - the command line's words: the options (wherever they stand),
 * the reports --format asks for and where each goes, and the help, whose
 * list of commands is main.c's table of them (so that what is listed is
 * what is accepted). */
#include "cli.h"

#include "topoc/util.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#ifndef TOPOC_VERSION
#define TOPOC_VERSION "0.1.0"
#endif

const char *const format_names[NFORMATS] = {
    "text", "json", "sarif", "junit", "github", "json-schema", "markdown"};

static const char usage_head[] =
    "usage: topoc check [options] SPEC...\n"
    "       topoc build [options] SPEC... [-o DIR] [--check]\n"
    "       topoc route [--env ENV] [--format json] SPEC... METHOD URL...\n"
    "       topoc diff [--format text|markdown|json] OLD NEW\n"
    "       topoc import openapi DOC --service NAME [--host HOST]\n"
    "       topoc schema [--format json-schema [KIND]] | rules | explain RULE\n"
    "\n"
    "Validate a platform spec and compile it into configuration.\n"
    "SPEC is a spec directory (platform.yaml plus service files) or files.\n"
    "\n";

static const char usage_tail[] =
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


void command_names(const Command *cmds, int n, Strbuf *sb)
{
    for (int i = 0; i < n; i++)
        sb_printf(sb, "%s%s", i == 0 ? "" : i + 1 < n ? ", " : " or ",
                  cmds[i].name);
}

/* The help: the commands from the table, each name padded to a column. */
static void print_usage(const Command *cmds, int n)
{
    fputs(usage_head, stdout);
    fputs("commands:\n", stdout);
    for (int i = 0; i < n; i++) {
        char label[64];
        snprintf(label, sizeof label, "%s%s%s", cmds[i].name,
                 *cmds[i].args ? " " : "", cmds[i].args);
        printf("  %-16s %s\n", label, cmds[i].help);
    }
    fputs("\n", stdout);
    fputs(usage_tail, stdout);
}

int usage_error(const char *fmt, const char *arg)
{
    fputs("topoc: error: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'topoc --help'.\n", stderr);
    return EXIT_USAGE;
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

/* Where a report goes: its file, else stdout (text: stderr). */
static const char *destination(const Report *r)
{
    return r->file ? r->file : r->fmt == FMT_TEXT ? "(stderr)" : "(stdout)";
}

/* Two reports written to one place would make it neither (two JSON
 * documents back to back are no JSON): refused before anything runs. */
int reports_clash(const Opts *o)
{
    for (int i = 0; i < o->nreports; i++)
        for (int k = 0; k < i; k++) {
            const Report *a = &o->reports[k], *b = &o->reports[i];
            if (strcmp(destination(a), destination(b)))
                continue;
            fprintf(stderr,
                    "topoc: error: --format %s and --format %s would both "
                    "write to %s\nhelp: give each its own file "
                    "(--format %s=FILE)\nTry 'topoc --help'.\n",
                    format_names[a->fmt], format_names[b->fmt],
                    a->file ? a->file
                    : a->fmt == FMT_TEXT ? "standard error"
                                         : "standard output",
                    format_names[b->fmt]);
            return EXIT_USAGE;
        }
    return -1;
}

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

int parse_options(int argc, char **argv, Opts *o, const Command *cmds,
                  int ncmds)
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
            print_usage(cmds, ncmds);
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
void default_reports(Opts *o)
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

