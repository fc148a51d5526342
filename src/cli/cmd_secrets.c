/* cmd_secrets.c - hullscan secrets: find hard-coded secrets in files,
 * directories, build contexts, standard input and every layer of an image.
 *
 * Pipeline: settings (.hullscan.yaml secrets:) -> the enabled rules compiled
 * into one engine (secrets/engine.h) -> a job (secrets/job.h) fed by the tree
 * walker (secrets/tree.h), standard input, or an image scan
 * (image/scan.h, every regular file of every layer, deleted ones included,
 * then the config and history) -> allow-list and --baseline -> report. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/json_read.h"
#include "cli/cli.h"
#include "image/image.h"
#include "image/scan.h"
#include "secrets/allow.h"
#include "secrets/engine.h"
#include "secrets/job.h"
#include "secrets/rule.h"
#include "secrets/tree.h"

#define MAX_BASELINE_BYTES (256u << 20)

static const char *const secrets_usage[] = {
        "hullscan secrets [--format FORMAT] [--fail-on SEVERITY] [--show-secrets]",
        "                 [--skip GLOB]... [--context] [--baseline FILE] [--ignore ID]...",
        "                 [--config FILE] [--threads N] [-o FILE] [-q] PATH...",
        "hullscan secrets [options] IMAGE",
        "hullscan secrets [options] -",
        NULL,
};

static double now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool image_prefix(const char *a) {
        return !strncmp(a, "docker-archive:", 15) || !strncmp(a, "oci:", 4) ||
               !strncmp(a, "oci-archive:", 12);
}

/* A regular file starting with a tar header that names manifest.json or
 * oci-layout somewhere: try it as an image.  The opener decides. */
static bool looks_like_image_archive(const char *path) {
        char hdr[512];
        struct stat st;
        int fd;
        ssize_t k;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
                return false;
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return false;
        k = pread(fd, hdr, sizeof(hdr), 0);
        close(fd);
        return k == (ssize_t)sizeof(hdr) && !memcmp(hdr + 257, "ustar", 5);
}

/* The fingerprints of an earlier JSON report (findings[].secret.fingerprint). */
struct baseline {
        char **fp;
        size_t n;
};

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_baseline(const char *path, struct baseline *b) {
        char *data = NULL;
        size_t len = 0;
        json_t *root = NULL, *findings;
        struct hull_diag d;
        int rc = HULL_EXIT_OK;

        hull_diag_init(&d);
        if (hull_read_file(path, MAX_BASELINE_BYTES, &data, &len, &d) ||
            hull_json_read(data, len, path, 64, 10u * 1000 * 1000, &root, &d)) {
                hull_free(data);
                return hull_cli_diag(&d, NULL, 0);
        }
        findings = json_object_get(root, "findings");
        if (!json_is_array(findings)) {
                hull_cli_error("%s: not a hullscan JSON report (no \"findings\" array)", path);
                rc = HULL_EXIT_USAGE;
                goto out;
        }
        b->fp = calloc(json_array_size(findings) + 1, sizeof(char *));
        if (!b->fp) {
                rc = HULL_EXIT_INTERNAL;
                goto out;
        }
        size_t i;
        json_t *x;
        json_array_foreach(findings, i, x) {
                const char *f = json_string_value(
                        json_object_get(json_object_get(x, "secret"), "fingerprint"));
                if (f && !(b->fp[b->n++] = strdup(f))) {
                        rc = HULL_EXIT_INTERNAL;
                        goto out;
                }
        }
        qsort(b->fp, b->n, sizeof(char *), cmp_str);
out:
        json_decref(root);
        hull_free(data);
        return rc;
}

static void baseline_release(struct baseline *b) {
        for (size_t i = 0; i < b->n; i++)
                free(b->fp[i]);
        free(b->fp);
}

/* Drop the findings the baseline holds. */
static void filter_baseline(struct hull_findings *all, const struct baseline *b,
                            uint64_t *in_baseline) {
        size_t k = 0;
        for (size_t i = 0; i < all->n; i++) {
                const struct hull_finding *x = &all->v[i];
                const char *fp = x->secret ? x->secret->fingerprint : NULL;
                if (fp && b->n && bsearch(&fp, b->fp, b->n, sizeof(char *), cmp_str)) {
                        (*in_baseline)++;
                        continue;
                }
                all->v[k++] = *x;
        }
        all->n = k;
}

int cmd_secrets(int argc, const char **argv, struct hull_ctx *ctx) {
        const char *config_path = NULL, *threads_s = NULL, *baseline_path = NULL;
        const char *max_size_s = NULL, *platform = NULL;
        struct hull_strlist ignores = {0}, skips = {0};
        bool show = false, context = false, skip_verify = false;
        struct hull_cli_report rep;
        hull_cli_report_init(&rep);
        rep.fail_on_s = "low";
        const struct hull_option opts[] = {
                HULL_OPT_STRING(0, "baseline", &baseline_path, "FILE",
                                "ignore findings an earlier JSON report (-f json) holds"),
                HULL_OPT_STRING('c', "config", &config_path, "FILE",
                                "configuration (default: .hullscan.yaml found upward from the "
                                "first path)"),
                HULL_OPT_BOOL(0, "context", &context,
                              "treat each directory as a Docker build context: honour its "
                              ".dockerignore and report what would be sent"),
                HULL_OPT_STRING(0, "fail-on", &rep.fail_on_s, "SEVERITY",
                                "exit 1 when a finding is at least this severe (default low)"),
                HULL_OPT_STRING('f', "format", &rep.format, "FORMAT",
                                "table (default), json, sarif, junit"),
                HULL_OPT_LIST(0, "ignore", &ignores, "ID", "do not run this rule (repeatable)"),
                HULL_OPT_STRING(0, "max-file-size", &max_size_s, "MiB",
                                "skip files (and archive members) larger than this, with a note "
                                "(default 64)"),
                HULL_OPT_BOOL(0, "no-color", &rep.no_color, "never colour the table"),
                HULL_OPT_STRING('o', "output", &rep.output, "FILE", "write the report to FILE"),
                HULL_OPT_STRING(0, "platform", &platform, "OS/ARCH",
                                "image of a multi-platform index to scan (default: the host's)"),
                HULL_OPT_BOOL('q', "quiet", &rep.quiet, "print nothing when there are no findings"),
                HULL_OPT_STRING(0, "severity", &rep.severity_s, "SEVERITY",
                                "only report findings at least this severe (default info)"),
                HULL_OPT_BOOL(0, "show-secrets", &show,
                              "print secrets in full (default: redacted, AKIA************MPLE)"),
                HULL_OPT_LIST(0, "skip", &skips, "GLOB",
                              "leave out paths matching this .dockerignore-style glob "
                              "(repeatable): node_modules, '**/*.min.js'"),
                HULL_OPT_BOOL(0, "skip-verify", &skip_verify,
                              "images: do not check blob digests (the report says so)"),
                HULL_OPT_STRING(0, "threads", &threads_s, "N",
                                "files or layers read at once (default: one per CPU)"),
                HULL_OPT_END(),
        };
        const char **args = NULL;
        int nargs = 0, r, rc = HULL_EXIT_OK;
        struct hull_findings all;
        struct hull_lint_settings set;
        struct hull_report_rule *rrules = NULL;
        size_t nrrules = 0;
        struct hull_cli_secrets sec = {0};
        struct baseline base = {0};
        struct hull_report_secrets rs = {0};
        struct hull_report_image ri = {0};
        struct hull_arena ra;
        _cleanup_(hull_image_freep) struct hull_image *img = NULL;
        _cleanup_(hull_scan_freep) struct hull_scan *scan = NULL;
        unsigned long threads = 0, max_mib = 64;
        struct hull_diag d;
        double t0 = now();

        (void)ctx;
        hull_findings_init(&all);
        hull_lint_settings_init(&set);
        hull_arena_init(&ra, 64u << 20);
        hull_diag_init(&d);
        r = hull_parse_options(argc, argv, opts, &args, &nargs);
        if (r == HULL_PARSE_OPT_HELP) {
                hull_usage(stdout, secrets_usage, opts);
                goto done;
        }
        if (r == HULL_PARSE_OPT_ERROR) {
                rc = HULL_EXIT_USAGE;
                goto done;
        }
        if ((rc = hull_cli_report_check(&rep)) != HULL_EXIT_OK)
                goto done;
        if (threads_s) {
                char *end;
                threads = strtoul(threads_s, &end, 10);
                if (!*threads_s || *end || threads < 1 || threads > 256) {
                        hull_cli_error("--threads wants a number from 1 to 256, not '%s'",
                                       threads_s);
                        rc = HULL_EXIT_USAGE;
                        goto done;
                }
        }
        if (max_size_s) {
                char *end;
                max_mib = strtoul(max_size_s, &end, 10);
                if (!*max_size_s || *end || max_mib < 1 || max_mib > 4096) {
                        hull_cli_error("--max-file-size wants MiB from 1 to 4096, not '%s'",
                                       max_size_s);
                        rc = HULL_EXIT_USAGE;
                        goto done;
                }
        }
        if (nargs == 0) {
                hull_cli_error("nothing to scan; see 'hullscan secrets --help'");
                rc = HULL_EXIT_USAGE;
                goto done;
        }

        /* what the arguments are: one image, or paths (and '-' once); a
         * bare tar file is an image when the opener finds one in it, else a
         * file like any other */
        bool is_image = false, has_stdin = false;
        struct hull_image_opts io = {.platform = platform, .skip_verify = skip_verify};
        for (int i = 0; i < nargs; i++) {
                bool im = image_prefix(args[i]);
                if (!im && strcmp(args[i], "-") && looks_like_image_archive(args[i])) {
                        r = hull_image_open(&img, args[i], &io, &d);
                        if (r == HULL_ENOTFOUND) {
                                hull_diag_init(&d); /* a plain tar: scanned as a file */
                        } else if (r) {
                                rc = hull_cli_diag(&d, NULL, 0);
                                goto done;
                        } else {
                                im = true;
                        }
                }
                if (!strcmp(args[i], "-")) {
                        if (has_stdin) {
                                hull_cli_error("'-' (standard input) given twice");
                                rc = HULL_EXIT_USAGE;
                                goto done;
                        }
                        has_stdin = true;
                }
                if (im)
                        is_image = true;
                if (im && nargs > 1) {
                        hull_cli_error("an image is scanned on its own; '%s' came with other "
                                       "paths",
                                       args[i]);
                        rc = HULL_EXIT_USAGE;
                        goto done;
                }
        }
        if (is_image && context) {
                hull_cli_error("--context is for directories, not images");
                rc = HULL_EXIT_USAGE;
                goto done;
        }
        {
                struct hull_strlist none = {0};
                rc = hull_cli_load_settings(&set, config_path,
                                            is_image || has_stdin ? "." : args[0], &none);
                if (rc != HULL_EXIT_OK)
                        goto done;
        }

        if (baseline_path && (rc = load_baseline(baseline_path, &base)) != HULL_EXIT_OK)
                goto done;

        unsigned nworkers = threads ? (unsigned)threads : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
        if (nworkers < 1)
                nworkers = 1;
        rc = hull_cli_secrets_setup(&sec, &set, &ignores, nworkers, show, (uint64_t)max_mib << 20,
                                    &all);
        if (rc != HULL_EXIT_OK)
                goto done;
        struct hull_secrets_job *job = &sec.job;

        if (is_image) {
                if (!img && hull_image_open(&img, args[0], &io, &d)) {
                        rc = hull_cli_diag(&d, NULL, 0);
                        goto done;
                }
                struct hull_scan_visitor v = hull_secrets_job_scan_visitor(job, img);
                struct hull_scan_opts so = {
                        .threads = (unsigned)threads,
                        .skip_verify = skip_verify,
                        .max_file_bytes = (uint64_t)max_mib << 20,
                        .visitors = &v,
                        .nvisitors = 1,
                };
                r = hull_scan_run(img, &so, &scan, &d);
                if (!r)
                        r = hull_secrets_job_image_finish(job, scan, true);
                if (r) {
                        rc = d.code ? hull_cli_diag(&d, NULL, 0) : hull_exit_for(r);
                        goto done;
                }
                struct hull_scan_stats st;
                hull_scan_stats(scan, &st);
                rs.files = st.visited_files;
                rs.bytes = 0;
                struct hull_secrets_stats es;
                hull_secrets_job_stats(job, &es);
                rs.bytes = es.bytes + job->dedup_bytes;
                if (hull_cli_report_image(&ri, img, scan, NULL, &ra)) {
                        rc = HULL_EXIT_INTERNAL;
                        goto done;
                }
        } else {
                struct hull_tree_stats ts = {0};
                struct hull_tree_visitor v = hull_secrets_job_tree(job);
                const char **paths = calloc((size_t)nargs + 1, sizeof(*paths));
                size_t npaths = 0;
                if (!paths) {
                        rc = HULL_EXIT_INTERNAL;
                        goto done;
                }
                for (int i = 0; i < nargs; i++)
                        if (strcmp(args[i], "-"))
                                paths[npaths++] = args[i];
                struct hull_tree_opts to = {
                        .threads = nworkers,
                        .max_file_bytes = (uint64_t)max_mib << 20,
                        .skip = skips.v,
                        .nskip = skips.n,
                        .context = context,
                };
                r = HULL_OK;
                if (npaths)
                        r = hull_tree_walk(paths, npaths, &to, &v, &ts, &d);
                free(paths);
                if (!r && has_stdin)
                        r = hull_secrets_job_fd(job, "-", STDIN_FILENO, &d);
                if (r) {
                        rc = d.code ? hull_cli_diag(&d, NULL, 0) : hull_exit_for(r);
                        goto done;
                }
                rs.files = ts.files + (has_stdin ? 1 : 0);
                struct hull_secrets_stats es;
                hull_secrets_job_stats(job, &es);
                rs.bytes = es.bytes + job->dedup_bytes;
                rs.skipped = ts.skipped_glob;
                rs.context = context;
                rs.dockerignore = ts.context_dockerignore;
                rs.context_files = ts.context_files;
                rs.context_bytes = ts.context_bytes;
                rs.context_excluded = ts.context_excluded;
        }
        filter_baseline(&all, &base, &rs.baseline_ignored);
        rs.allowed = job->allowed;
        rs.notes = job->notes;
        rs.nnotes = job->nnotes;
        rs.notes_dropped = job->notes_dropped;
        rs.seconds = now() - t0;
        rrules = hull_cli_secrets_report_rules(&sec, &all, NULL, 0, &nrrules);
        if (!rrules) {
                rc = HULL_EXIT_INTERNAL;
                goto done;
        }
        struct hull_report_meta meta = {
                .tool = "hullscan",
                .version = HULL_VERSION,
                .command = "secrets",
                .rules = rrules,
                .nrules = nrrules,
                .files = args,
                .nfiles = (size_t)nargs,
                .image = is_image ? &ri : NULL,
                .secrets = &rs,
        };
        rc = hull_cli_report_emit(&rep, &all, &meta);
        if (skip_verify && is_image)
                hull_cli_warning("digests were not verified (--skip-verify)");
done:
        hull_cli_secrets_release(&sec);
        baseline_release(&base);
        free(rrules);
        hull_findings_release(&all);
        hull_lint_settings_release(&set);
        hull_arena_release(&ra);
        free(args);
        hull_strlist_release(&ignores);
        hull_strlist_release(&skips);
        return rc;
}
