/* cmd_image.c - `hullscan image`: audit a built image (config, every layer's
 * files, history) read once as a stream; or list its files (--list-files) or
 * its layers (--history).
 *
 * Steps: hull_image_open (find manifest, config, layer blobs; verify the
 * small documents) -> hull_scan_run (all layers in parallel into the layered
 * model, digests verified while streaming; the secret engine reads every
 * file on the way, unless --no-secrets) -> hull_audit_run (the HS4xxx
 * rules) -> one report in the chosen format. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "basic/buf.h"
#include "basic/err.h"
#include "basic/json.h"
#include "basic/limits.h"
#include "basic/utf8.h"
#include "cli/cli.h"
#include "config/config.h"
#include "image/image.h"
#include "image/layers.h"
#include "image/scan.h"
#include "lint/engine.h"
#include "report/report.h"

static const char *const image_usage[] = {
        "hullscan image [--format FORMAT] [--fail-on SEVERITY] [--severity SEVERITY]",
        "               [--ignore ID]... [--config FILE] [--platform OS/ARCH]",
        "               [--skip-verify] [--threads N] [-o FILE] [-q] IMAGE",
        "hullscan image --list-files [--deleted] [--format table|json] IMAGE",
        "hullscan image --history [--format table|json] IMAGE",
        NULL,
};

/* ---- progress bar (stderr, TTY only, after the first half second) ---- */

struct progress {
        bool enabled, shown;
        double start;
};

static double now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_progress(void *ud, uint64_t done, uint64_t total, unsigned layers_done,
                        unsigned nlayers) {
        struct progress *p = ud;
        char bar[31];
        unsigned fill;

        if (!p->enabled || (!p->shown && now() - p->start < 0.5) || layers_done >= nlayers)
                return;
        fill = total ? (unsigned)((double)done / (double)total * 30) : 0;
        if (fill > 30)
                fill = 30;
        memset(bar, '#', fill);
        memset(bar + fill, '.', 30 - fill);
        bar[30] = '\0';
        fprintf(stderr, "\r[%s] %3u%%  %" PRIu64 "/%" PRIu64 " MiB  layer %u/%u ", bar,
                total ? (unsigned)(done * 100 / total) : 0, done >> 20, total >> 20, layers_done,
                nlayers);
        fflush(stderr);
        p->shown = true;
}

static void progress_clear(struct progress *p) {
        if (p->shown)
                fprintf(stderr, "\r%*s\r", 79, "");
        p->shown = false;
}

/* ---- --history, --list-files ---- */

/* One --history row (table) or object (json).  li < 0: an entry that made
 * no layer.  e NULL: a layer the history does not describe. */
static int history_row(struct hull_buf *b, struct hull_json *j, const struct hull_image *img,
                       const struct hull_scan *scan, const struct hull_oci_history *e, long li) {
        struct hull_scan_layer_stats st = {0};
        const char *by = e && e->created_by ? e->created_by : "";

        if (li >= 0)
                (void)hull_scan_layer_stats(scan, (unsigned)li, &st);
        if (j) {
                hull_json_obj(j);
                if (li >= 0) {
                        hull_json_kint(j, "layer", li);
                        hull_json_kcstr(j, "diff_id", img->layers[li].diff_id);
                        hull_json_kcstr(j, "digest", img->layers[li].digest);
                        hull_json_kint(j, "size", (int64_t)st.tar_bytes);
                        hull_json_kint(j, "compressed_size", (int64_t)st.blob_bytes);
                } else {
                        hull_json_knull(j, "layer");
                }
                hull_json_kcstr(j, "created", e ? e->created : NULL);
                hull_json_kcstr(j, "created_by", e ? e->created_by : NULL);
                hull_json_kcstr(j, "comment", e ? e->comment : NULL);
                hull_json_kbool(j, "empty_layer", e && e->empty_layer);
                hull_json_obj_end(j);
                return HULL_OK;
        }
        if (li >= 0)
                HULL_TRY(hull_buf_printf(b, "%-5ld  %12" PRIu64 "  %12" PRIu64 "  %.19s  ", li,
                                         st.tar_bytes, st.blob_bytes, img->layers[li].diff_id));
        else
                HULL_TRY(hull_buf_printf(b, "%-5s  %12s  %12s  %-19s  ", "-", "-", "-", ""));
        HULL_TRY(hull_buf_put_terminal(b, by, strlen(by)));
        return hull_buf_putc(b, '\n');
}

/* Every history entry in order with the layer it made, then the layers no
 * entry describes (a history shorter than the layer list). */
static int print_history(struct hull_buf *b, const struct hull_image *img,
                         const struct hull_scan *scan, bool json) {
        const struct hull_oci_config *c = img->config;
        struct hull_json j;
        struct hull_json *jp = json ? &j : NULL;

        if (json) {
                hull_json_init(&j, b, true);
                hull_json_arr(&j);
        } else {
                HULL_TRY(hull_buf_printf(b, "%-5s  %12s  %12s  %-19s  %s\n", "LAYER", "SIZE",
                                         "COMPRESSED", "DIFF_ID", "CREATED BY"));
        }
        for (size_t h = 0; h < c->nhistory; h++)
                HULL_TRY(history_row(b, jp, img, scan, &c->history[h], c->history[h].layer));
        for (size_t i = 0; i < img->nlayers; i++)
                if (!c->layer_history || !c->layer_history[i])
                        HULL_TRY(history_row(b, jp, img, scan, NULL, (long)i));
        if (json) {
                hull_json_arr_end(&j);
                HULL_TRY(hull_json_end(&j));
                return hull_buf_putc(b, '\n');
        }
        return HULL_OK;
}

static const char type_char[_HULL_ENTRY_TYPE_MAX] = {
        [HULL_ENTRY_FILE] = '-',     [HULL_ENTRY_DIR] = 'd',      [HULL_ENTRY_SYMLINK] = 'l',
        [HULL_ENTRY_HARDLINK] = 'h', [HULL_ENTRY_CHAR] = 'c',     [HULL_ENTRY_BLOCK] = 'b',
        [HULL_ENTRY_FIFO] = 'p',     [HULL_ENTRY_WHITEOUT] = 'w', [HULL_ENTRY_OPAQUE] = 'o',
};

/* "drwxr-xr-x" with s/S/t/T */
static void mode_string(enum hull_entry_type t, uint32_t m, char out[11]) {
        static const char rwx[] = "rwxrwxrwx";
        out[0] = type_char[t] == '-' || type_char[t] == 'h' ? '-' : type_char[t];
        for (int i = 0; i < 9; i++)
                out[1 + i] = (m & (0400u >> i)) ? rwx[i] : '-';
        if (m & 04000)
                out[3] = (m & 0100) ? 's' : 'S';
        if (m & 02000)
                out[6] = (m & 010) ? 's' : 'S';
        if (m & 01000)
                out[9] = (m & 01) ? 't' : 'T';
        out[10] = '\0';
}

static int print_files(struct hull_buf *b, const struct hull_layers *L, bool deleted, bool json) {
        struct hull_layers_iter it;
        struct hull_json j;
        static char path[HULL_MAX_PATH_BYTES + 2];

        if (json) {
                hull_json_init(&j, b, true);
                hull_json_arr(&j);
        } else {
                HULL_TRY(hull_buf_printf(b, "%-10s  %-11s  %12s  %-5s  %s\n", "MODE", "UID:GID",
                                         "SIZE", "LAYER", "PATH"));
        }
        hull_layers_iter_init(&it, L, deleted ? HULL_LAYERS_ALL : HULL_LAYERS_FINAL);
        for (const struct hull_layers_node *n; (n = hull_layers_iter_next(&it));) {
                enum hull_entry_type t = hull_layers_node_type(n);
                const char *link = hull_layers_node_link(n);
                unsigned del = hull_layers_node_deleted_in(n);
                char mode[11], owner[24];

                path[0] = '/';
                hull_layers_node_path(n, path + 1, sizeof(path) - 1);
                if (json) {
                        hull_json_obj(&j);
                        hull_json_kcstr(&j, "path", path);
                        mode_string(t, hull_layers_node_mode(n), mode);
                        hull_json_kcstr(&j, "mode", mode);
                        hull_json_kint(&j, "uid", hull_layers_node_uid(n));
                        hull_json_kint(&j, "gid", hull_layers_node_gid(n));
                        hull_json_kint(&j, "size", (int64_t)hull_layers_node_size(n));
                        hull_json_kint(&j, "layer", hull_layers_node_last_layer(n));
                        hull_json_kint(&j, "added_in", hull_layers_node_added_in(n));
                        if (del == HULL_LAYERS_NONE)
                                hull_json_knull(&j, "deleted_in");
                        else
                                hull_json_kint(&j, "deleted_in", del);
                        hull_json_kcstr(&j, t == HULL_ENTRY_HARDLINK ? "hardlink" : "link", link);
                        hull_json_obj_end(&j);
                        continue;
                }
                mode_string(t, hull_layers_node_mode(n), mode);
                snprintf(owner, sizeof(owner), "%u:%u", hull_layers_node_uid(n),
                         hull_layers_node_gid(n));
                HULL_TRY(hull_buf_printf(b, "%-10s  %-11s  %12" PRIu64 "  %-5u  ", mode, owner,
                                         hull_layers_node_size(n), hull_layers_node_last_layer(n)));
                HULL_TRY(hull_buf_put_terminal(b, path, strlen(path)));
                if (link) {
                        HULL_TRY(hull_buf_puts(b, t == HULL_ENTRY_HARDLINK ? " link to " : " -> "));
                        HULL_TRY(hull_buf_put_terminal(b, link, strlen(link)));
                }
                if (del != HULL_LAYERS_NONE)
                        HULL_TRY(hull_buf_printf(b, "  (deleted in layer %u)", del));
                HULL_TRY(hull_buf_putc(b, '\n'));
        }
        if (json) {
                hull_json_arr_end(&j);
                HULL_TRY(hull_json_end(&j));
                return hull_buf_putc(b, '\n');
        }
        return HULL_OK;
}

/* ---- the audit report ---- */

int cmd_image(int argc, const char **argv, struct hull_ctx *ctx) {
        const char *config_path = NULL, *platform = NULL, *threads_s = NULL;
        struct hull_strlist ignores = {0}, rule_ignores = {0}, secret_ignores = {0};
        struct hull_cli_secrets sec = {0};
        bool skip_verify = false, list_files = false, history = false, deleted = false;
        bool no_progress = false, no_secrets = false;
        struct hull_cli_report rep;
        hull_cli_report_init(&rep);
        const struct hull_option opts[] = {
                HULL_OPT_STRING('c', "config", &config_path, "FILE",
                                "configuration (default: .hullscan.yaml found upward from the "
                                "current directory)"),
                HULL_OPT_BOOL(0, "deleted", &deleted,
                              "with --list-files: also files a later layer deleted"),
                HULL_OPT_STRING(0, "fail-on", &rep.fail_on_s, "SEVERITY",
                                "exit 1 when a finding is at least this severe (default high)"),
                HULL_OPT_STRING('f', "format", &rep.format, "FORMAT",
                                "table (default), json, sarif, junit"),
                HULL_OPT_BOOL(0, "history", &history,
                              "print the layers with their size and created_by instead"),
                HULL_OPT_LIST(0, "ignore", &ignores, "ID", "do not run this rule (repeatable)"),
                HULL_OPT_BOOL(0, "list-files", &list_files,
                              "print the merged file tree with the layer of each file instead"),
                HULL_OPT_BOOL(0, "no-color", &rep.no_color, "never colour the table"),
                HULL_OPT_BOOL(0, "no-progress", &no_progress, "never show the progress bar"),
                HULL_OPT_BOOL(0, "no-secrets", &no_secrets,
                              "do not look for secrets in the layers' files (hullscan secrets "
                              "rules)"),
                HULL_OPT_STRING('o', "output", &rep.output, "FILE", "write the report to FILE"),
                HULL_OPT_STRING(0, "platform", &platform, "OS/ARCH",
                                "image of a multi-platform index to scan, os/arch[/variant] "
                                "(default: the host's)"),
                HULL_OPT_BOOL('q', "quiet", &rep.quiet, "print nothing when there are no findings"),
                HULL_OPT_STRING(0, "severity", &rep.severity_s, "SEVERITY",
                                "only report findings at least this severe (default info)"),
                HULL_OPT_BOOL(0, "skip-verify", &skip_verify,
                              "do not check blob digests (the report says so)"),
                HULL_OPT_STRING(0, "threads", &threads_s, "N",
                                "layers decoded at once (default: one per CPU)"),
                HULL_OPT_END(),
        };
        const char **args = NULL;
        int nargs = 0, r, rc = HULL_EXIT_OK;
        struct hull_findings all;
        struct hull_lint_settings set;
        struct hull_report_rule *rules = NULL;
        struct hull_buf out = HULL_BUF_INIT(SIZE_MAX / 2);
        struct hull_arena fa;
        struct hull_audit_facts facts = {0};
        struct hull_report_image ri;
        _cleanup_(hull_image_freep) struct hull_image *img = NULL;
        _cleanup_(hull_scan_freep) struct hull_scan *scan = NULL;
        struct progress prog = {0};
        unsigned long threads = 0;
        size_t nrules = 0;
        struct hull_diag d;
        FILE *f;

        (void)ctx;
        hull_findings_init(&all);
        hull_lint_settings_init(&set);
        hull_arena_init(&fa, 64u << 20);
        hull_diag_init(&d);
        r = hull_parse_options(argc, argv, opts, &args, &nargs);
        if (r == HULL_PARSE_OPT_HELP) {
                hull_usage(stdout, image_usage, opts);
                goto done;
        }
        if (r == HULL_PARSE_OPT_ERROR) {
                rc = HULL_EXIT_USAGE;
                goto done;
        }
        if (list_files || history) {
                if (strcmp(rep.format, "table") != 0 && strcmp(rep.format, "json") != 0) {
                        hull_cli_error("--%s prints table or json, not '%s'",
                                       list_files ? "list-files" : "history", rep.format);
                        rc = HULL_EXIT_USAGE;
                        goto done;
                }
                if (list_files && history) {
                        hull_cli_error("--list-files and --history cannot be combined");
                        rc = HULL_EXIT_USAGE;
                        goto done;
                }
        } else if ((rc = hull_cli_report_check(&rep)) != HULL_EXIT_OK) {
                goto done;
        }
        if (deleted && !list_files) {
                hull_cli_error("--deleted only goes with --list-files");
                rc = HULL_EXIT_USAGE;
                goto done;
        }
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
        if (nargs != 1) {
                hull_cli_error(nargs ? "one image at a time; see 'hullscan image --help'"
                                     : "no image given; see 'hullscan image --help'");
                rc = HULL_EXIT_USAGE;
                goto done;
        }
        /* --ignore takes audit rule ids and built-in secret rule ids */
        if ((rc = hull_cli_split_ignores(&ignores, &rule_ignores, &secret_ignores)) != HULL_EXIT_OK)
                goto done;
        rc = hull_cli_load_settings(&set, config_path, ".", &rule_ignores);
        if (rc != HULL_EXIT_OK)
                goto done;

        struct hull_image_opts io = {.platform = platform, .skip_verify = skip_verify};
        r = hull_image_open(&img, args[0], &io, &d);
        if (r) {
                rc = hull_cli_diag(&d, NULL, 0);
                goto done;
        }
        prog = (struct progress){
                .enabled = !no_progress && isatty(STDERR_FILENO) && !getenv("CI"),
                .start = now(),
        };
        bool secrets = !no_secrets && !list_files && !history;
        struct hull_scan_visitor sv;
        if (secrets) {
                long cpus = sysconf(_SC_NPROCESSORS_ONLN);
                rc = hull_cli_secrets_setup(&sec, &set, &secret_ignores,
                                            threads    ? (unsigned)threads
                                            : cpus > 0 ? (unsigned)cpus
                                                       : 1,
                                            false, 0, &all);
                if (rc != HULL_EXIT_OK)
                        goto done;
                sv = hull_secrets_job_scan_visitor(&sec.job, img);
        }
        struct hull_scan_opts so = {
                .threads = (unsigned)threads,
                .skip_verify = skip_verify,
                .capture = list_files || history ? NULL : hull_audit_capture,
                .visitors = secrets ? &sv : NULL,
                .nvisitors = secrets ? 1 : 0,
                .progress = on_progress,
                .progress_ud = &prog,
        };
        r = hull_scan_run(img, &so, &scan, &d);
        progress_clear(&prog);
        if (r) {
                rc = hull_cli_diag(&d, NULL, 0);
                goto done;
        }
        if (list_files || history) {
                bool json = strcmp(rep.format, "json") == 0;
                r = list_files ? print_files(&out, hull_scan_layers(scan), deleted, json)
                               : print_history(&out, img, scan, json);
                if (r) {
                        hull_cli_error("cannot write the listing: %s", hull_strerror(r));
                        rc = HULL_EXIT_INTERNAL;
                        goto done;
                }
                f = hull_out_open(rep.output);
                if (!f) {
                        rc = HULL_EXIT_USAGE;
                        goto done;
                }
                fwrite(out.data ? out.data : "", 1, out.len, f);
                rc = hull_out_close(f, rep.output);
                goto done;
        }

        r = hull_audit_run(img, scan, &set.cfg, &all, &fa, &facts, &d);
        if (r) {
                rc = hull_cli_diag(&d, NULL, 0);
                goto done;
        }
        if (secrets && (r = hull_secrets_job_image_finish(&sec.job, scan, false)) != HULL_OK) {
                rc = hull_exit_for(r);
                goto done;
        }
        rules = hull_cli_report_rules(&set, true, &nrules);
        if (rules && secrets)
                rules = hull_cli_secrets_report_rules(&sec, &all, rules, nrules, &nrules);
        if (!rules || hull_cli_report_image(&ri, img, scan, &facts, &fa) != HULL_OK) {
                rc = HULL_EXIT_INTERNAL;
                goto done;
        }
        if (secrets && sec.job.nnotes + sec.job.notes_dropped) {
                /* the secret scan's notes (archives skipped, bombs) after the scan's */
                const char **notes =
                        hull_arena_alloc(&fa, (ri.nnotes + sec.job.nnotes + 1) * sizeof(*notes));
                if (!notes) {
                        rc = HULL_EXIT_INTERNAL;
                        goto done;
                }
                memcpy(notes, ri.notes, ri.nnotes * sizeof(*notes));
                memcpy(notes + ri.nnotes, sec.job.notes, sec.job.nnotes * sizeof(*notes));
                ri.notes = notes;
                ri.nnotes += sec.job.nnotes;
                ri.notes_dropped += sec.job.notes_dropped;
        }
        struct hull_report_meta meta = {
                .tool = "hullscan",
                .version = HULL_VERSION,
                .command = "image",
                .rules = rules,
                .nrules = nrules,
                .files = &img->ref,
                .nfiles = 1,
                .image = &ri,
        };
        rc = hull_cli_report_emit(&rep, &all, &meta);
        if (skip_verify)
                hull_cli_warning("digests were not verified (--skip-verify)");
done:
        free(rules);
        hull_buf_release(&out);
        hull_findings_release(&all);
        hull_lint_settings_release(&set);
        hull_arena_release(&fa);
        free(args);
        hull_strlist_release(&ignores);
        hull_strlist_release(&rule_ignores);
        hull_strlist_release(&secret_ignores);
        hull_cli_secrets_release(&sec);
        return rc;
}
