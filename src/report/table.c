/* table.c - the human report: findings grouped by file, one line each with
 * the place (FILE:LINE, or for an image the path or config field and the
 * layer), severity, rule id and message, then the one-line fix and, for an
 * image, the instruction that made the layer; a summary line.  An image
 * report starts with what the image is (the facts) and ends with the notes.
 * Colours (severity) only when meta->color. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "basic/err.h"
#include "basic/utf8.h"
#include "report/report.h"

#define TABLE_MAX_NOTES 10u      /* notes printed; the JSON report has them all */
#define TABLE_CREATED_BY_MAX 100 /* bytes of created_by shown */

static const char *const sev_color[_HULL_SEV_MAX] = {
        [HULL_SEV_INFO] = "\033[2m",        [HULL_SEV_LOW] = "\033[36m",
        [HULL_SEV_MEDIUM] = "\033[33m",     [HULL_SEV_HIGH] = "\033[31m",
        [HULL_SEV_CRITICAL] = "\033[1;31m",
};

/* 1536 -> "1.5 KiB" */
static void human(uint64_t n, char *buf, size_t size) {
        static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = (double)n;
        size_t u = 0;
        while (v >= 1024 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
                v /= 1024;
                u++;
        }
        if (u == 0)
                snprintf(buf, size, "%" PRIu64 " B", n);
        else
                snprintf(buf, size, "%.1f %s", v, unit[u]);
}

/* Text from the input (file names, messages quoting them, history) is
 * escaped for the terminal: an image cannot forge report lines. */
static int put(struct hull_buf *b, const char *s) {
        return s ? hull_buf_put_terminal(b, s, strlen(s)) : HULL_OK;
}

/* created_by without Docker's "/bin/sh -c #(nop) " noise, cut. */
static int put_created_by(struct hull_buf *b, const char *s) {
        static const char nop[] = "/bin/sh -c #(nop) ";
        size_t n = strlen(s);
        if (strncmp(s, nop, sizeof(nop) - 1) == 0) {
                s += sizeof(nop) - 1;
                n -= sizeof(nop) - 1;
        }
        if (n <= TABLE_CREATED_BY_MAX)
                return hull_buf_put_terminal(b, s, n);
        HULL_TRY(hull_buf_put_terminal(b, s, TABLE_CREATED_BY_MAX));
        return hull_buf_puts(b, "...");
}

static int image_header(struct hull_buf *b, const struct hull_report_image *im, const char *bold,
                        const char *reset) {
        char size[32];

        HULL_TRY(hull_buf_printf(b, "%sImage ", bold));
        HULL_TRY(put(b, im->ref));
        HULL_TRY(hull_buf_puts(b, reset));
        for (size_t i = 0; i < im->ntags && i < 3; i++) {
                HULL_TRY(hull_buf_puts(b, i ? ", " : " ("));
                HULL_TRY(put(b, im->tags[i]));
        }
        if (im->ntags)
                HULL_TRY(hull_buf_puts(b, im->ntags > 3 ? ", ...)" : ")"));
        if (im->no_facts) {
                HULL_TRY(hull_buf_printf(b, "\n  %s, %zu layer%s\n",
                                         im->platform ? im->platform : "unknown platform",
                                         im->nlayers, im->nlayers == 1 ? "" : "s"));
                if (!im->verified)
                        HULL_TRY(hull_buf_puts(b, "  WARNING: digests not verified "
                                                  "(--skip-verify)\n"));
                return hull_buf_puts(b, "\n");
        }
        HULL_TRY(hull_buf_puts(b, "\n  "));
        HULL_TRY(put(b, im->os ? im->os : "unknown OS"));
        HULL_TRY(hull_buf_printf(b, ", %s\n", im->platform ? im->platform : "unknown platform"));
        human(im->final_bytes, size, sizeof(size));
        HULL_TRY(hull_buf_printf(b, "  %zu layer%s, %s in %" PRIu64 " files, user ", im->nlayers,
                                 im->nlayers == 1 ? "" : "s", size, im->final_files));
        HULL_TRY(put(b, im->user ? im->user : "(none: root)"));
        HULL_TRY(hull_buf_puts(b, im->runs_as_root && im->user ? " (uid 0)\n" : "\n"));
        HULL_TRY(hull_buf_printf(b, "  shell %s, package manager %s: %s\n",
                                 im->shell ? im->shell : "none",
                                 im->package_manager ? im->package_manager : "none",
                                 im->minimal ? "minimal" : "not minimal"));
        if (!im->verified)
                HULL_TRY(hull_buf_puts(b, "  WARNING: digests not verified (--skip-verify)\n"));
        return hull_buf_puts(b, "\n");
}

static int image_notes(struct hull_buf *b, const struct hull_report_image *im) {
        uint64_t total = im->nnotes + im->notes_dropped;
        if (!total)
                return HULL_OK;
        HULL_TRY(hull_buf_printf(b, "\n%" PRIu64 " note%s (files skipped, damaged entries):\n",
                                 total, total == 1 ? "" : "s"));
        for (size_t i = 0; i < im->nnotes && i < TABLE_MAX_NOTES; i++) {
                HULL_TRY(hull_buf_puts(b, "  "));
                HULL_TRY(put(b, im->notes[i]));
                HULL_TRY(hull_buf_puts(b, "\n"));
        }
        if (total > TABLE_MAX_NOTES)
                HULL_TRY(hull_buf_printf(b, "  ... %" PRIu64 " more (see --format json)\n",
                                         total - TABLE_MAX_NOTES));
        return HULL_OK;
}

/* hullscan secrets: notes, then what was read (and for a build context,
 * what `docker build` would send). */
static int secrets_summary(struct hull_buf *b, const struct hull_report_secrets *s) {
        uint64_t total = s->nnotes + s->notes_dropped;
        if (s->nnotes)
                HULL_TRY(hull_buf_puts(b, "\nnotes:\n"));
        for (size_t i = 0; i < s->nnotes && i < TABLE_MAX_NOTES; i++) {
                HULL_TRY(hull_buf_puts(b, "  "));
                HULL_TRY(put(b, s->notes[i]));
                HULL_TRY(hull_buf_putc(b, '\n'));
        }
        if (total > TABLE_MAX_NOTES)
                HULL_TRY(hull_buf_printf(b, "  ... %" PRIu64 " more (see --format json)\n",
                                         total - TABLE_MAX_NOTES));
        char size[32];
        if (s->context) {
                human(s->context_bytes, size, sizeof(size));
                HULL_TRY(hull_buf_printf(b,
                                         "\nbuild context: %" PRIu64 " files, %s would be sent; ",
                                         s->context_files, size));
                HULL_TRY(s->dockerignore
                                 ? hull_buf_printf(b, "%" PRIu64 " excluded by .dockerignore\n",
                                                   s->context_excluded)
                                 : hull_buf_puts(b, "no .dockerignore, nothing excluded\n"));
        }
        human(s->bytes, size, sizeof(size));
        HULL_TRY(hull_buf_printf(b, "scanned %" PRIu64 " file%s, %s", s->files,
                                 s->files == 1 ? "" : "s", size));
        if (s->skipped)
                HULL_TRY(hull_buf_printf(b, "; %" PRIu64 " skipped by --skip", s->skipped));
        if (s->baseline_ignored)
                HULL_TRY(hull_buf_printf(b, "; %" PRIu64 " in the baseline", s->baseline_ignored));
        if (s->allowed)
                HULL_TRY(hull_buf_printf(b, "; %" PRIu64 " allowed by the configuration",
                                         s->allowed));
        return hull_buf_putc(b, '\n');
}

static int write_table(struct hull_buf *b, const struct hull_findings *f,
                       const struct hull_report_meta *m) {
        if (m->vuln)
                return hull_report_vuln_table(b, f, m);
        const char *file = NULL;
        size_t counts[_HULL_SEV_MAX] = {0};
        const char *bold = m->color ? "\033[1m" : "", *reset = m->color ? "\033[0m" : "";
        const char *what = m->image ? "image" : "file";

        if (m->image)
                HULL_TRY(image_header(b, m->image, bold, reset));
        for (size_t i = 0; i < f->n; i++) {
                const struct hull_finding *x = &f->v[i];
                char place[1024];
                if (!m->image && (!file || strcmp(file, x->file) != 0)) {
                        file = x->file;
                        HULL_TRY(hull_buf_printf(b, "%s%s", i ? "\n" : "", bold));
                        HULL_TRY(put(b, file));
                        HULL_TRY(hull_buf_printf(b, "%s\n", reset));
                }
                counts[x->severity]++;
                hull_finding_place(x, place, sizeof(place));
                HULL_TRY(hull_buf_puts(b, "  "));
                HULL_TRY(put(b, place));
                HULL_TRY(hull_buf_printf(b, "  %s%-8s%s %s  ",
                                         m->color ? sev_color[x->severity] : "",
                                         hull_severity_to_string(x->severity), reset, x->rule_id));
                HULL_TRY(put(b, x->message));
                HULL_TRY(hull_buf_puts(b, "\n"));
                if (x->fix) {
                        HULL_TRY(hull_buf_puts(b, "      fix: "));
                        HULL_TRY(put(b, x->fix));
                        HULL_TRY(hull_buf_puts(b, "\n"));
                }
                if (x->has_layer) {
                        /* provenance: the layer (index, short diff_id) and, unless the
                         * finding is about the history entry itself, its instruction */
                        const char *dg = x->layer_digest ? strchr(x->layer_digest, ':') : NULL;
                        HULL_TRY(hull_buf_printf(b, "      from: layer %u", x->layer));
                        if (dg)
                                HULL_TRY(hull_buf_printf(b, " (%.*s:%.12s)",
                                                         (int)(dg - x->layer_digest),
                                                         x->layer_digest, dg + 1));
                        if (x->created_by && !x->image_field) {
                                HULL_TRY(hull_buf_puts(b, ": "));
                                HULL_TRY(put_created_by(b, x->created_by));
                        }
                        HULL_TRY(hull_buf_puts(b, "\n"));
                }
        }
        if (m->image)
                HULL_TRY(image_notes(b, m->image));
        if (m->secrets && !(m->quiet && f->n == 0))
                HULL_TRY(secrets_summary(b, m->secrets));
        if (f->n == 0) {
                /* secrets: the files read, not the paths given */
                size_t clean_n = m->secrets && !m->image ? (size_t)m->secrets->files : m->nfiles;
                if (!m->quiet)
                        HULL_TRY(hull_buf_printf(b, "no findings in %zu %s%s\n", clean_n, what,
                                                 clean_n == 1 ? "" : "s"));
                return HULL_OK;
        }
        size_t nfiles = m->nfiles;
        if (m->secrets && !m->image) {
                /* the files with findings, not the paths given */
                nfiles = 0;
                for (size_t i = 0; i < f->n; i++)
                        nfiles += i == 0 || strcmp(f->v[i].file, f->v[i - 1].file) != 0;
        }
        HULL_TRY(hull_buf_printf(b, "\n%zu finding%s in %zu %s%s:", f->n, f->n == 1 ? "" : "s",
                                 nfiles, what, nfiles == 1 ? "" : "s"));
        for (int s = _HULL_SEV_MAX - 1; s >= 0; s--)
                if (counts[s])
                        HULL_TRY(hull_buf_printf(b, " %zu %s", counts[s],
                                                 hull_severity_to_string(s)));
        return hull_buf_puts(b, "\n");
}

const struct hull_formatter hull_formatter_table = {
        .name = "table",
        .summary = "human-readable, grouped by file (default)",
        .write = write_table,
};
