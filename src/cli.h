/* cli.h - the command line's words (src/cli.c), shared with main.c: the
 * options, the reports asked for, the commands' table and the help made
 * from it. */
#ifndef TOPOC_CLI_H
#define TOPOC_CLI_H

#include "topoc/check.h"
#include "topoc/strbuf.h"

#include <stdbool.h>
#include <stdio.h>

enum { EXIT_CLEAN = 0, EXIT_SPEC = 1, EXIT_USAGE = 2 };

enum {
    FMT_TEXT, FMT_JSON, FMT_SARIF, FMT_JUNIT, FMT_GITHUB, FMT_JSON_SCHEMA,
    FMT_MARKDOWN, NFORMATS, MAX_REPORTS = 8
};
extern const char *const format_names[NFORMATS];

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

/* A command: its name, its arguments and lines in the help, and what runs
 * it.  main.c's one table is what is accepted, listed and helped. */
typedef struct Command {
    const char *name, *args, *help;
    int (*run)(const char *cmd, char *const *args, int n, Opts *o);
} Command;

/* "check, build, ... or explain" */
void command_names(const Command *cmds, int n, Strbuf *sb);
int usage_error(const char *fmt, const char *arg);
/* The options, wherever they stand: -1 to go on, else the exit status
 * (--help, --version, a bad option). */
int parse_options(int argc, char **argv, Opts *o, const Command *cmds,
                  int ncmds);
/* Two reports to one place: a usage error (its status), else -1. */
int reports_clash(const Opts *o);
void default_reports(Opts *o);

#endif
