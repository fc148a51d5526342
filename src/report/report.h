/* report.h - formatters: findings -> table, json, sarif, junit.
 *
 * A formatter is a const struct hull_formatter registered by one line in
 * formatters.list.  It writes the whole report for a run into a buffer:
 * findings are sorted beforehand (hull_findings_sort) so every format is
 * deterministic.  Formatters only read; rule metadata comes as plain data
 * (struct hull_report_rule) so this module does not depend on the linter. */
#ifndef HULL_REPORT_REPORT_H
#define HULL_REPORT_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "basic/buf.h"
#include "report/finding.h"

struct hull_report_rule {
        const char *id, *slug, *title, *rationale, *fix;
        enum hull_severity severity; /* default severity */
        const char *help_uri;        /* docs page */
        const char *hadolint, *trivy;
};

/* Everything a formatter may print besides the findings. */
struct hull_report_meta {
        const char *tool;                     /* "hullscan" */
        const char *version;                  /* HULL_VERSION */
        const char *command;                  /* "lint" */
        const struct hull_report_rule *rules; /* every rule that ran, sorted by id */
        size_t nrules;
        const char *const *files; /* every file scanned, as given */
        size_t nfiles;
        enum hull_severity fail_on;
        bool color; /* ANSI colours (table) */
        bool quiet; /* table: no summary when clean */
};

struct hull_formatter {
        const char *name;
        const char *summary;
        int (*write)(struct hull_buf *out, const struct hull_findings *f,
                     const struct hull_report_meta *m);
};

/* NULL-terminated, in formatters.list order. */
extern const struct hull_formatter *const hull_formatters[];
const struct hull_formatter *hull_formatter_find(const char *name);

#endif
