/* cmd_lint.c - `hullscan lint`: the container-security checklist over Dockerfiles.
 *
 * Inputs are files, directories (searched recursively for Dockerfile-like
 * names) and "-" (standard input).  Each file is parsed, checked and
 * modelled, then every enabled rule runs; findings of all files go into one
 * sorted report in the chosen format. */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "basic/buf.h"
#include "basic/err.h"
#include "basic/fileio.h"
#include "basic/limits.h"
#include "cli/cli.h"
#include "config/config.h"
#include "cli/parse_options.h"
#include "dockerfile/parser.h"
#include "dockerfile/stages.h"
#include "lint/engine.h"
#include "report/report.h"

static const char *const lint_usage[] = {
        "hullscan lint [--format FORMAT] [--fail-on SEVERITY] [--severity SEVERITY]",
        "               [--ignore ID]... [--config FILE] [--build-arg K=V]... [--target STAGE]",
        "               [--context DIR] [-o FILE] [-q] <Dockerfile|directory|->...",
        NULL,
};

/* Dockerfile-like names: Dockerfile, Dockerfile.*, Dockerfile-*, *.Dockerfile,
 * Containerfile, Containerfile.* (case-insensitive). */
static bool dockerfile_name(const char *n) {
        static const char *const pats[] = {"dockerfile",     "dockerfile.*",  "dockerfile-*",
                                           "*.dockerfile",   "containerfile", "containerfile.*",
                                           "containerfile-*"};
        for (size_t i = 0; i < ELEMENTSOF(pats); i++)
                if (fnmatch(pats[i], n, FNM_CASEFOLD) == 0)
                        return !(fnmatch("*.dockerignore", n, FNM_CASEFOLD) == 0);
        return false;
}

struct paths {
        char **v;
        size_t n, cap;
};

static int paths_add(struct paths *p, const char *s) {
        if (p->n == p->cap) {
                size_t nc = p->cap ? p->cap * 2 : 16;
                char **v = realloc(p->v, nc * sizeof(*v));
                if (!v)
                        return -1;
                p->v = v;
                p->cap = nc;
        }
        if (!(p->v[p->n] = strdup(s)))
                return -1;
        p->n++;
        return 0;
}

static void paths_free(struct paths *p) {
        for (size_t i = 0; i < p->n; i++)
                free(p->v[i]);
        free(p->v);
}

static int cmpstr(const void *a, const void *b) {
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Recursive search; .git directories and symbolic links to directories are
 * not entered (no loops).  Returns -1 on a fatal error (message printed). */
static int walk(const char *dir, struct paths *out, unsigned depth) {
        DIR *d;
        struct dirent *de;
        struct paths here = {0};

        if (depth > 64)
                return 0;
        d = opendir(dir);
        if (!d) {
                hull_cli_error("cannot open directory '%s': %s", dir, strerror(errno));
                return -1;
        }
        while ((de = readdir(d))) {
                char path[PATH_MAX];
                struct stat st;
                if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
                    !strcmp(de->d_name, ".git"))
                        continue;
                if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path))
                        continue;
                if (lstat(path, &st) != 0)
                        continue;
                if (S_ISDIR(st.st_mode) || (S_ISREG(st.st_mode) && dockerfile_name(de->d_name)) ||
                    (S_ISLNK(st.st_mode) && dockerfile_name(de->d_name))) {
                        if (paths_add(&here, path) < 0) {
                                closedir(d);
                                paths_free(&here);
                                return -1;
                        }
                }
        }
        closedir(d);
        if (here.n)
                qsort(here.v, here.n, sizeof(*here.v), cmpstr);
        for (size_t i = 0; i < here.n; i++) {
                struct stat st;
                int r = 0;
                if (lstat(here.v[i], &st) == 0 && S_ISDIR(st.st_mode))
                        r = walk(here.v[i], out, depth + 1);
                else
                        r = paths_add(out, here.v[i]);
                if (r < 0) {
                        paths_free(&here);
                        return -1;
                }
        }
        paths_free(&here);
        return 0;
}

static char *dir_of(const char *path) {
        const char *slash = strrchr(path, '/');
        if (!slash)
                return strdup(".");
        if (slash == path)
                return strdup("/");
        return strndup(path, (size_t)(slash - path));
}

static const char *base_of(const char *path) {
        const char *slash = strrchr(path, '/');
        return slash ? slash + 1 : path;
}

int cmd_lint(int argc, const char **argv, struct hull_ctx *ctx) {
        const char *config_path = NULL, *target = NULL, *context = NULL, *platform = NULL;
        struct hull_strlist bargs = {0}, ignores = {0};
        struct hull_cli_report rep;
        hull_cli_report_init(&rep);
        const struct hull_option opts[] = {
                HULL_OPT_LIST(0, "build-arg", &bargs, "K=V",
                              "set a build-time variable (repeatable)"),
                HULL_OPT_STRING('c', "config", &config_path, "FILE",
                                "configuration (default: .hullscan.yaml found upward)"),
                HULL_OPT_STRING(0, "context", &context, "DIR",
                                "build context for .dockerignore checks (default: the Dockerfile's "
                                "directory)"),
                HULL_OPT_STRING(0, "fail-on", &rep.fail_on_s, "SEVERITY",
                                "exit 1 when a finding is at least this severe (default high)"),
                HULL_OPT_STRING('f', "format", &rep.format, "FORMAT",
                                "table (default), json, sarif, junit"),
                HULL_OPT_LIST(0, "ignore", &ignores, "ID", "do not run this rule (repeatable)"),
                HULL_OPT_BOOL(0, "no-color", &rep.no_color, "never colour the table"),
                HULL_OPT_STRING('o', "output", &rep.output, "FILE", "write the report to FILE"),
                HULL_OPT_STRING(0, "platform", &platform, "OS/ARCH",
                                "target platform (default linux/amd64)"),
                HULL_OPT_BOOL('q', "quiet", &rep.quiet, "print nothing when there are no findings"),
                HULL_OPT_STRING(0, "severity", &rep.severity_s, "SEVERITY",
                                "only report findings at least this severe (default info)"),
                HULL_OPT_STRING(0, "target", &target, "STAGE",
                                "the stage to check as final (default: the last)"),
                HULL_OPT_END(),
        };
        const char **args = NULL;
        int nargs = 0, r, rc = HULL_EXIT_OK;
        struct paths files = {0}, checked = {0};
        struct hull_findings all;
        struct hull_df_build_arg *ba = NULL;
        struct hull_lint_settings set;
        struct hull_report_rule *rules = NULL;
        size_t nrules = 0;

        (void)ctx;
        hull_findings_init(&all);
        hull_lint_settings_init(&set);
        r = hull_parse_options(argc, argv, opts, &args, &nargs);
        if (r == HULL_PARSE_OPT_HELP) {
                hull_usage(stdout, lint_usage, opts);
                rc = HULL_EXIT_OK;
                goto done;
        }
        if (r == HULL_PARSE_OPT_ERROR) {
                rc = HULL_EXIT_USAGE;
                goto done;
        }
        rc = hull_cli_report_check(&rep);
        if (rc != HULL_EXIT_OK)
                goto done;
        for (size_t i = 0; i < ignores.n; i++)
                if (!hull_rule_find(ignores.v[i])) {
                        hull_cli_error("unknown rule '%s' in --ignore; see 'hullscan rules'",
                                       ignores.v[i]);
                        rc = HULL_EXIT_USAGE;
                        goto done;
                }
        if (nargs == 0) {
                hull_cli_error("no Dockerfile given; see 'hullscan lint --help'");
                rc = HULL_EXIT_USAGE;
                goto done;
        }
        if (hull_cli_build_args(&bargs, &ba) < 0) {
                rc = HULL_EXIT_USAGE;
                goto done;
        }
        /* expand directories */
        for (int i = 0; i < nargs; i++) {
                struct stat st;
                if (strcmp(args[i], "-") != 0 && stat(args[i], &st) == 0 && S_ISDIR(st.st_mode)) {
                        size_t before = files.n;
                        if (walk(args[i], &files, 0) < 0) {
                                rc = HULL_EXIT_USAGE;
                                continue;
                        }
                        if (files.n == before)
                                hull_cli_warning("no Dockerfile found in '%s'", args[i]);
                } else if (paths_add(&files, args[i]) < 0) {
                        rc = HULL_EXIT_INTERNAL;
                        goto done;
                }
        }
        /* configuration: --config, else .hullscan.yaml upward from the first file */
        r = hull_cli_load_settings(&set, config_path,
                                   files.n && strcmp(files.v[0], "-") ? files.v[0] : ".", &ignores);
        if (r != HULL_EXIT_OK) {
                rc = r;
                goto done;
        }

        for (size_t i = 0; i < files.n; i++) {
                const char *path = files.v[i];
                const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
                _cleanup_free_ char *data = NULL, *dir = NULL;
                _cleanup_(hull_dockerfile_freep) struct hull_dockerfile *df = NULL;
                _cleanup_(hull_df_model_freep) struct hull_df_model *m = NULL;
                struct hull_diag d;
                size_t len;
                int e;

                hull_diag_init(&d);
                if (hull_read_file(path, HULL_MAX_DOCKERFILE_BYTES, &data, &len, &d) != 0) {
                        e = hull_cli_diag(&d, NULL, 0);
                        rc = rc > e ? rc : e;
                        continue;
                }
                struct hull_df_options dopt = {ba, bargs.n, target, platform};
                if (hull_df_parse(data, len, name, &df, &d) != 0 ||
                    hull_df_model_build(df, &dopt, &m, &d) != 0) {
                        e = hull_cli_diag(&d, data, len);
                        rc = rc > e ? rc : e;
                        continue;
                }
                if (strcmp(path, "-") != 0) {
                        dir = dir_of(path);
                        if (!dir) {
                                rc = HULL_EXIT_INTERNAL;
                                goto done;
                        }
                }
                struct hull_lint_input in = {
                        .path = name,
                        .context_dir = context ? context : dir,
                        .dockerfile_dir = dir,
                        .dockerfile_base = strcmp(path, "-") == 0 ? NULL : base_of(path),
                        .df = df,
                        .m = m,
                };
                if (hull_lint_run(&in, &set.cfg, &all, &d) != 0) {
                        e = hull_cli_diag(&d, NULL, 0);
                        rc = rc > e ? rc : e;
                        continue;
                }
                if (paths_add(&checked, name) < 0) {
                        rc = HULL_EXIT_INTERNAL;
                        goto done;
                }
        }

        rules = hull_cli_report_rules(&set, false, &nrules);
        if (!rules) {
                rc = HULL_EXIT_INTERNAL;
                goto done;
        }
        struct hull_report_meta meta = {
                .tool = "hullscan",
                .version = HULL_VERSION,
                .command = "lint",
                .rules = rules,
                .nrules = nrules,
                .files = (const char *const *)checked.v,
                .nfiles = checked.n,
        };
        r = hull_cli_report_emit(&rep, &all, &meta);
        if (r > rc)
                rc = r;
done:
        free(rules);
        hull_findings_release(&all);
        hull_lint_settings_release(&set);
        paths_free(&files);
        paths_free(&checked);
        hull_cli_build_args_free(ba, bargs.n);
        free(args);
        hull_strlist_release(&bargs);
        hull_strlist_release(&ignores);
        return rc;
}
