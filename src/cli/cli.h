/* cli.h - what the subcommands share: context, exit codes, printing.
 *
 * Adding a command (git builtin.h checklist): src/cli/cmd_<name>.c exporting
 * cmd_<name>(); a row in commands[] (main.c); its source in meson.build;
 * docs/cli/hullscan-<name>.md holding the exact --help text; CLI golden
 * tests in tests/cli/<name>/; a line in README.md.
 *
 * Only src/cli prints.  Errors are printed once, git style:
 *   hullscan: error: cannot open 'x': No such file or directory
 *   Dockerfile:12:5: error: unterminated heredoc   (+ source line and caret) */
#ifndef HULL_CLI_CLI_H
#define HULL_CLI_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "basic/alloc.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "cli/parse_options.h"
#include "config/config.h"
#include "dockerfile/stages.h"
#include "report/report.h"
#include "secrets/allow.h"
#include "secrets/engine.h"
#include "secrets/job.h"

/* Exit codes: docs/exit-codes.md. */
enum hull_exit {
        HULL_EXIT_OK = 0,       /* ran; nothing at or above the threshold */
        HULL_EXIT_FINDINGS = 1, /* findings at or above --fail-on */
        HULL_EXIT_USAGE = 2,    /* bad usage or bad input */
        HULL_EXIT_INTERNAL = 3, /* internal error (out of memory, bug) */
};

struct hull_ctx {
        const char *prog; /* "hullscan" */
};

void hull_cli_error(const char *fmt, ...) _printf_(1, 2);
void hull_cli_warning(const char *fmt, ...) _printf_(1, 2);

/* Print d once; when src is given and d has a line, also the source line and
 * a caret under the column.  Returns the exit code for d->code. */
int hull_cli_diag(const struct hull_diag *d, const char *src, size_t srclen);

/* Map a library error code to an exit code. */
int hull_exit_for(int err);

/* Output: --output FILE or stdout.  hull_out_open() returns NULL after
 * printing an error. */
FILE *hull_out_open(const char *path);
int hull_out_close(FILE *f, const char *path); /* exit code */
/* Colour: only on a TTY, never when NO_COLOR is set (any value). */
bool hull_use_color(FILE *f);

/* --build-arg values: returns 0 and an array of l->n entries (free with
 * hull_cli_build_args_free), or -1 after printing the error. */
int hull_cli_build_args(const struct hull_strlist *l, struct hull_df_build_arg **ret);
void hull_cli_build_args_free(struct hull_df_build_arg *v, size_t n);

/* The rules a report lists: Dockerfile rules (image false) or image audit
 * rules, with the severities of set.  calloc'd (free()); NULL when out of
 * memory. */
struct hull_report_rule *hull_cli_report_rules(const struct hull_lint_settings *set, bool image,
                                               size_t *ret_n);

/* The report options lint and image share (--format, --fail-on, --severity,
 * -o, -q, --no-color).  Set the strings, call hull_cli_report_check() after
 * option parsing, then hull_cli_report_emit() once with every finding. */
struct hull_cli_report {
        const char *format, *output, *fail_on_s, *severity_s; /* defaults set by init */
        bool quiet, no_color;
        const struct hull_formatter *fmt;    /* set by check */
        enum hull_severity fail_on, min_sev; /* set by check */
};
void hull_cli_report_init(struct hull_cli_report *r);
/* Validate format and severities; returns an exit code (errors printed). */
int hull_cli_report_check(struct hull_cli_report *r);
/* Keep findings at or above --severity, sort them, fill meta's fail_on,
 * color and quiet, write the report to -o or stdout.  Returns the exit code:
 * 0, 1 (findings at or above --fail-on), 2 (cannot write the file), 3. */
int hull_cli_report_emit(struct hull_cli_report *r, struct hull_findings *all,
                         struct hull_report_meta *meta);

/* .hullscan.yaml (--config, else found upward from start) and --ignore into
 * set.  Returns an exit code (errors printed). */
int hull_cli_load_settings(struct hull_lint_settings *set, const char *config_path,
                           const char *start, const struct hull_strlist *ignores);

/* The image part of a report (hullscan image, hullscan secrets IMAGE):
 * what was scanned, its layers and the scan's notes, and the audit's facts
 * (NULL: none gathered; the report then leaves them out).  Strings point
 * into img, scan, facts and a. */
struct hull_audit_facts;
struct hull_image;
struct hull_scan;
int hull_cli_report_image(struct hull_report_image *ri, const struct hull_image *img,
                          const struct hull_scan *scan, const struct hull_audit_facts *facts,
                          struct hull_arena *a);
/* The secret engine under hullscan secrets and hullscan image
 * (secrets_run.c): setup compiles the enabled rules (built-in and user, minus
 * secrets.disable and ignores, which must all be secret rule ids), the
 * allow-list, and makes the job appending to out.  Returns an exit code
 * (errors printed); release in every case. */
struct hull_cli_secrets {
        const struct hull_secrets_settings *settings;
        const struct hull_secret_rule **rules;
        size_t nrules;
        const char **allow_values;
        size_t nallow_values;
        struct hull_secrets *engine;
        struct hull_secrets_allow *allow;
        struct hull_secrets_job job;
        bool job_ready;
        char (*help)[160]; /* the report rules' help URLs */
};
int hull_cli_secrets_setup(struct hull_cli_secrets *s, const struct hull_lint_settings *set,
                           const struct hull_strlist *ignores, unsigned nworkers, bool show,
                           uint64_t max_file_bytes, struct hull_findings *out);
void hull_cli_secrets_release(struct hull_cli_secrets *s);
/* base[0..nbase) (realloc'd, or freed on failure) followed by the secret
 * rules that found something in f; NULL when out of memory. */
struct hull_report_rule *hull_cli_secrets_report_rules(struct hull_cli_secrets *s,
                                                       const struct hull_findings *f,
                                                       struct hull_report_rule *base,
                                                       size_t nbase, size_t *ret_n);
/* --ignore ids of built-in secret rules to secrets, the rest to rules (both
 * calloc'd: hull_strlist_release). */
int hull_cli_split_ignores(const struct hull_strlist *all, struct hull_strlist *rules,
                           struct hull_strlist *secrets);
int cmd_db(int argc, const char **argv, struct hull_ctx *ctx);
/* The OSV database path for `db` and `vuln`: --db (opt) or the default
 * location; hull_malloc'd, NULL after an error (printed). */
char *hull_cli_db_path(const char *opt);
/* "Now" for database ages and expiry dates: $HULLSCAN_NOW (RFC 3339, for
 * tests) when set, else the clock.  false after an error (printed). */
bool hull_cli_now(int64_t *ret);

int cmd_help(int argc, const char **argv, struct hull_ctx *ctx);
int cmd_image(int argc, const char **argv, struct hull_ctx *ctx);
int cmd_lint(int argc, const char **argv, struct hull_ctx *ctx);
int cmd_parse(int argc, const char **argv, struct hull_ctx *ctx);
int cmd_rules(int argc, const char **argv, struct hull_ctx *ctx);
int cmd_version(int argc, const char **argv, struct hull_ctx *ctx);
int cmd_secrets(int argc, const char **argv, struct hull_ctx *ctx);
int cmd_vuln(int argc, const char **argv, struct hull_ctx *ctx);

/* Print the usage of one command (help <cmd>); false if unknown. */
bool hull_cli_command_help(const char *name);

#endif
