/* output.c - error printing, exit-code mapping, output files, colour. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic/buf.h"
#include "basic/err.h"
#include "basic/utf8.h"
#include "audit/audit.h"
#include "cli/cli.h"
#include "image/image.h"
#include "image/oci.h"
#include "image/scan.h"

void hull_cli_error(const char *fmt, ...) {
        va_list ap;
        fputs("hullscan: error: ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
}

void hull_cli_warning(const char *fmt, ...) {
        va_list ap;
        fputs("hullscan: warning: ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
}

int hull_exit_for(int err) {
        switch (err) {
        case HULL_OK: return HULL_EXIT_OK;
        case HULL_ENOMEM:
        case HULL_EINTERNAL:
        case HULL_EDB: return HULL_EXIT_INTERNAL;
        default: return HULL_EXIT_USAGE;
        }
}

/* Print the source line holding `line` with non-printing bytes as '?', and
 * a caret under col (capped: a 100 MB line is not echoed). */
static void show_caret(const char *src, size_t len, unsigned line, unsigned col) {
        const size_t cap = 200;
        size_t i = 0, st, e;
        unsigned l = 1;

        if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0)
                i = 3;
        while (l < line && i < len) {
                const char *nl = memchr(src + i, '\n', len - i);
                if (!nl)
                        return;
                i = (size_t)(nl - src) + 1;
                l++;
        }
        if (l != line || i >= len)
                return;
        st = i;
        e = st;
        while (e < len && src[e] != '\n' && src[e] != '\r' && e - st < cap)
                e++;
        if (col > 0 && col - 1 > e - st)
                return;
        fputs("    ", stderr);
        for (size_t k = st; k < e; k++) {
                unsigned char ch = (unsigned char)src[k];
                fputc(ch == '\t' || (ch >= 0x20 && ch != 0x7F) ? ch : '?', stderr);
        }
        fputc('\n', stderr);
        if (col == 0)
                return;
        fputs("    ", stderr);
        for (size_t k = 0; k + 1 < col; k++)
                fputc(src[st + k] == '\t' ? '\t' : ' ', stderr);
        fputs("^\n", stderr);
}

int hull_cli_diag(const struct hull_diag *d, const char *src, size_t srclen) {
        char raw[1200];
        struct hull_buf safe = HULL_BUF_INIT(8192);
        const char *line;

        /* names from the input (an image's entries) may hold control bytes */
        hull_diag_format(d, raw, sizeof(raw));
        line = hull_buf_put_terminal(&safe, raw, strlen(raw)) == HULL_OK && safe.data ? safe.data
                                                                                      : raw;
        if (d->file[0] && d->line > 0)
                fprintf(stderr, "%s\n", line);
        else if (d->saved_errno) {
                struct hull_buf m = HULL_BUF_INIT(8192);
                (void)!hull_buf_put_terminal(&m, d->msg, strlen(d->msg));
                fprintf(stderr, "hullscan: error: %s: %s\n", m.data ? m.data : "",
                        strerror(d->saved_errno));
                hull_buf_release(&m);
        } else if (d->file[0] && d->offset != ~0ULL)
                fprintf(stderr, "%s\n", line);
        else
                fprintf(stderr, "hullscan: %s\n", line);
        if (src && d->line > 0)
                show_caret(src, srclen, d->line, d->col);
        hull_buf_release(&safe);
        return hull_exit_for(d->code);
}

FILE *hull_out_open(const char *path) {
        FILE *f;

        if (!path || strcmp(path, "-") == 0)
                return stdout;
        f = fopen(path, "we");
        if (!f)
                hull_cli_error("cannot open '%s': %s", path, strerror(errno));
        return f;
}

int hull_out_close(FILE *f, const char *path) {
        int bad = ferror(f);

        if (f == stdout) {
                if (fflush(stdout) != 0 || bad) {
                        hull_cli_error("cannot write to standard output: %s", strerror(errno));
                        return HULL_EXIT_USAGE;
                }
                return HULL_EXIT_OK;
        }
        if (fclose(f) != 0 || bad) {
                hull_cli_error("cannot write '%s': %s", path, strerror(errno));
                return HULL_EXIT_USAGE;
        }
        return HULL_EXIT_OK;
}

bool hull_use_color(FILE *f) {
        const char *nc = getenv("NO_COLOR");
        if (nc)
                return false;
        return isatty(fileno(f)) == 1;
}

struct hull_report_rule *hull_cli_report_rules(const struct hull_lint_settings *set, bool image,
                                               size_t *ret_n) {
        size_t n = 0, k = 0;
        struct hull_report_rule *v;

        for (size_t i = 0; hull_rules[i]; i++)
                n++;
        v = calloc(n + 1, sizeof(*v));
        if (!v)
                return NULL;
        for (size_t i = 0; hull_rules[i]; i++) {
                const struct hull_rule *x = hull_rules[i];
                if (image ? !x->audit : !x->check)
                        continue;
                v[k++] = (struct hull_report_rule){x->id,    x->slug,
                                                   x->title, x->rationale,
                                                   x->fix,   hull_lint_settings_severity(set, x),
                                                   NULL,     x->hadolint,
                                                   x->trivy, image};
        }
        *ret_n = k;
        return v;
}

int hull_cli_load_settings(struct hull_lint_settings *set, const char *config_path,
                           const char *start, const struct hull_strlist *ignores) {
        _cleanup_free_ char *found = config_path ? NULL : hull_config_find(start);
        const char *cp = config_path ? config_path : found;
        struct hull_diag d;

        for (size_t i = 0; i < ignores->n; i++)
                if (!hull_rule_find(ignores->v[i])) {
                        hull_cli_error("unknown rule '%s' in --ignore; see 'hullscan rules'",
                                       ignores->v[i]);
                        return HULL_EXIT_USAGE;
                }
        hull_diag_init(&d);
        if (cp && hull_config_load_file(set, cp, &d) != 0)
                return hull_cli_diag(&d, NULL, 0);
        for (size_t i = 0; i < ignores->n; i++)
                if (hull_lint_settings_disable(set, ignores->v[i]) < 0)
                        return HULL_EXIT_INTERNAL;
        return HULL_EXIT_OK;
}

void hull_cli_report_init(struct hull_cli_report *r) {
        *r = (struct hull_cli_report){
                .format = "table",
                .fail_on_s = "high",
                .severity_s = "info",
        };
}

int hull_cli_report_check(struct hull_cli_report *r) {
        r->fmt = hull_formatter_find(r->format);
        if (!r->fmt) {
                hull_cli_error("unknown format '%s' (expected table, json, sarif or junit)",
                               r->format);
                return HULL_EXIT_USAGE;
        }
        r->fail_on = hull_severity_from_string(r->fail_on_s);
        r->min_sev = hull_severity_from_string(r->severity_s);
        if (r->fail_on == _HULL_SEV_INVALID || r->min_sev == _HULL_SEV_INVALID) {
                hull_cli_error(
                        "unknown severity '%s' (expected info, low, medium, high or critical)",
                        r->fail_on == _HULL_SEV_INVALID ? r->fail_on_s : r->severity_s);
                return HULL_EXIT_USAGE;
        }
        return HULL_EXIT_OK;
}

int hull_cli_report_emit(struct hull_cli_report *r, struct hull_findings *all,
                         struct hull_report_meta *meta) {
        struct hull_buf out = HULL_BUF_INIT(SIZE_MAX / 2);
        bool table = strcmp(r->format, "table") == 0;
        size_t k = 0;
        int rc = HULL_EXIT_OK, e;
        FILE *f;

        /* --severity: what is shown is what counts for --fail-on */
        for (size_t i = 0; i < all->n; i++)
                if (all->v[i].severity >= r->min_sev)
                        all->v[k++] = all->v[i];
        all->n = k;
        hull_findings_sort(all);
        meta->fail_on = r->fail_on;
        meta->color = !r->no_color && !r->output && table && hull_use_color(stdout);
        meta->quiet = r->quiet;
        f = hull_out_open(r->output);
        if (!f)
                return HULL_EXIT_USAGE;
        e = r->fmt->write(&out, all, meta);
        if (e) {
                hull_cli_error("cannot write the report: %s", hull_strerror(e));
                rc = HULL_EXIT_INTERNAL;
        } else if (!(r->quiet && all->n == 0 && table)) {
                fwrite(out.data ? out.data : "", 1, out.len, f);
        }
        hull_buf_release(&out);
        e = hull_out_close(f, r->output);
        if (e > rc)
                rc = e;
        if (rc == HULL_EXIT_OK && hull_findings_count_at_least(all, r->fail_on) > 0)
                rc = HULL_EXIT_FINDINGS;
        return rc;
}

static char *image_platform_string(const struct hull_image *img, char *buf, size_t size) {
        return hull_oci_platform_format(&img->platform, buf, size);
}

/* See cli.h. */
int hull_cli_report_image(struct hull_report_image *ri, const struct hull_image *img,
                          const struct hull_scan *scan, const struct hull_audit_facts *fa,
                          struct hull_arena *a) {
        struct hull_report_layer *layers;
        const char **notes;
        char plat[128], os[256];
        size_t nn = hull_scan_nnotes(scan);

        layers = hull_arena_alloc(a, (img->nlayers + 1) * sizeof(*layers));
        notes = hull_arena_alloc(a, (nn + 1) * sizeof(*notes));
        if (!layers || !notes)
                return HULL_ENOMEM;
        for (size_t i = 0; i < img->nlayers; i++) {
                struct hull_scan_layer_stats st = {0};
                (void)hull_scan_layer_stats(scan, (unsigned)i, &st);
                layers[i] = (struct hull_report_layer){
                        .diff_id = img->layers[i].diff_id,
                        .digest = img->layers[i].digest,
                        .created_by =
                                img->layers[i].history ? img->layers[i].history->created_by : NULL,
                        .blob_bytes = st.blob_bytes,
                        .tar_bytes = st.tar_bytes,
                        .compression = hull_filter_kind_to_string(st.compression),
                };
        }
        for (size_t i = 0; i < nn; i++)
                notes[i] = hull_scan_note(scan, i);
        bool no_facts = !fa;
        if (!fa) {
                static const struct hull_audit_facts none;
                fa = &none;
        }
        if (fa->os_pretty_name)
                snprintf(os, sizeof(os), "%s", fa->os_pretty_name);
        else if (fa->os_id)
                snprintf(os, sizeof(os), "%s%s%s", fa->os_id, fa->os_version_id ? " " : "",
                         fa->os_version_id ? fa->os_version_id : "");
        *ri = (struct hull_report_image){
                .no_facts = no_facts,
                .ref = img->ref,
                .path = img->path,
                .transport = hull_image_transport_to_string(img->transport),
                .name = img->name,
                .tags = img->tags,
                .ntags = img->ntags,
                .manifest_digest = img->manifest_digest,
                .config_digest = img->config_digest,
                .platform = hull_arena_strdup(a, image_platform_string(img, plat, sizeof(plat))),
                .verified = img->verified,
                .os = fa->os_pretty_name || fa->os_id ? hull_arena_strdup(a, os) : NULL,
                .user = fa->user,
                .runs_as_root = fa->runs_as_root,
                .shell = fa->shell,
                .package_manager = fa->package_manager,
                .minimal = fa->minimal,
                .final_bytes = fa->final_bytes,
                .final_files = fa->final_files,
                .tar_bytes = fa->tar_bytes,
                .blob_bytes = fa->blob_bytes,
                .layers = layers,
                .nlayers = img->nlayers,
                .notes = notes,
                .nnotes = nn,
                .notes_dropped = hull_scan_notes_dropped(scan),
        };
        return HULL_OK;
}
