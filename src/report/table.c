/* table.c - the human report: findings grouped by file, one line each with
 * FILE:LINE, severity, rule id and message, then the one-line fix; a summary
 * line.  Colours (severity) only when meta->color. */
#include <string.h>

#include "basic/err.h"
#include "report/report.h"

static const char *const sev_color[_HULL_SEV_MAX] = {
        [HULL_SEV_INFO] = "\033[2m",        [HULL_SEV_LOW] = "\033[36m",
        [HULL_SEV_MEDIUM] = "\033[33m",     [HULL_SEV_HIGH] = "\033[31m",
        [HULL_SEV_CRITICAL] = "\033[1;31m",
};

static int write_table(struct hull_buf *b, const struct hull_findings *f,
                       const struct hull_report_meta *m) {
        const char *file = NULL;
        size_t counts[_HULL_SEV_MAX] = {0};
        const char *bold = m->color ? "\033[1m" : "", *reset = m->color ? "\033[0m" : "";

        for (size_t i = 0; i < f->n; i++) {
                const struct hull_finding *x = &f->v[i];
                if (!file || strcmp(file, x->file) != 0) {
                        file = x->file;
                        HULL_TRY(
                                hull_buf_printf(b, "%s%s%s%s\n", i ? "\n" : "", bold, file, reset));
                }
                counts[x->severity]++;
                HULL_TRY(hull_buf_printf(b, "  %s:%u  %s%-8s%s %s  %s\n", x->file, x->line,
                                         m->color ? sev_color[x->severity] : "",
                                         hull_severity_to_string(x->severity), reset, x->rule_id,
                                         x->message));
                if (x->fix)
                        HULL_TRY(hull_buf_printf(b, "      fix: %s\n", x->fix));
        }
        if (f->n == 0) {
                if (!m->quiet)
                        HULL_TRY(hull_buf_printf(b, "no findings in %zu file%s\n", m->nfiles,
                                                 m->nfiles == 1 ? "" : "s"));
                return HULL_OK;
        }
        HULL_TRY(hull_buf_printf(b, "\n%zu finding%s in %zu file%s:", f->n, f->n == 1 ? "" : "s",
                                 m->nfiles, m->nfiles == 1 ? "" : "s"));
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
