/* junit.c - JUnit XML for CI dashboards: one <testsuite> per file, one
 * <testcase> per rule that ran on it; a rule with findings in that file
 * fails, and its <failure> lists them.  Every reported finding fails its test
 * case (the dashboard shows the whole checklist); the exit code alone
 * follows --fail-on. */
#include <string.h>

#include "basic/err.h"
#include "basic/utf8.h"
#include "report/report.h"

/* XML text/attribute escaping; invalid UTF-8 and XML-forbidden control
 * characters become U+FFFD. */
static int xml(struct hull_buf *b, const char *s) {
        size_t n = s ? strlen(s) : 0, i = 0, w;
        while (i < n) {
                unsigned char c = (unsigned char)s[i];
                int r;
                switch (c) {
                case '&':
                        r = hull_buf_puts(b, "&amp;");
                        i++;
                        break;
                case '<':
                        r = hull_buf_puts(b, "&lt;");
                        i++;
                        break;
                case '>':
                        r = hull_buf_puts(b, "&gt;");
                        i++;
                        break;
                case '"':
                        r = hull_buf_puts(b, "&quot;");
                        i++;
                        break;
                case '\'':
                        r = hull_buf_puts(b, "&apos;");
                        i++;
                        break;
                default:
                        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                                r = hull_buf_puts(b, "\xef\xbf\xbd");
                                i++;
                        } else if (c < 0x80) {
                                r = hull_buf_putc(b, (char)c);
                                i++;
                        } else {
                                uint32_t u = hull_utf8_decode(s + i, n - i, &w);
                                r = (u == HULL_RUNE_ERROR && w == 1)
                                            ? hull_buf_puts(b, "\xef\xbf\xbd")
                                            : hull_buf_put(b, s + i, w);
                                i += w;
                        }
                }
                if (r)
                        return r;
        }
        return HULL_OK;
}

static int write_junit(struct hull_buf *b, const struct hull_findings *f,
                       const struct hull_report_meta *m) {
        if (m->vuln)
                return hull_report_vuln_junit(b, f, m);
        size_t total_fail = 0;

        /* failures: per file, the rules with at least one finding */
        for (size_t fi = 0; fi < m->nfiles; fi++)
                for (size_t r = 0; r < m->nrules; r++)
                        for (size_t i = 0; i < f->n; i++)
                                if (!strcmp(f->v[i].file, m->files[fi]) &&
                                    !strcmp(f->v[i].rule_id, m->rules[r].id)) {
                                        total_fail++;
                                        break;
                                }
        HULL_TRY(hull_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
        HULL_TRY(hull_buf_printf(b, "<testsuites name=\"%s %s\" tests=\"%zu\" failures=\"%zu\">\n",
                                 m->tool, m->command, m->nfiles * m->nrules, total_fail));
        for (size_t fi = 0; fi < m->nfiles; fi++) {
                const char *file = m->files[fi];
                size_t nfail = 0;
                for (size_t r = 0; r < m->nrules; r++)
                        for (size_t i = 0; i < f->n; i++)
                                if (!strcmp(f->v[i].file, file) &&
                                    !strcmp(f->v[i].rule_id, m->rules[r].id)) {
                                        nfail++;
                                        break;
                                }
                HULL_TRY(hull_buf_puts(b, "  <testsuite name=\""));
                HULL_TRY(xml(b, file));
                HULL_TRY(hull_buf_printf(
                        b, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n",
                        m->nrules, nfail));
                for (size_t r = 0; r < m->nrules; r++) {
                        const struct hull_report_rule *rule = &m->rules[r];
                        bool any = false;
                        HULL_TRY(hull_buf_puts(b, "    <testcase classname=\""));
                        HULL_TRY(xml(b, file));
                        HULL_TRY(hull_buf_printf(b, "\" name=\"%s %s: ", rule->id, rule->slug));
                        HULL_TRY(xml(b, rule->title));
                        HULL_TRY(hull_buf_puts(b, "\""));
                        for (size_t i = 0; i < f->n; i++) {
                                const struct hull_finding *x = &f->v[i];
                                if (strcmp(x->file, file) || strcmp(x->rule_id, rule->id))
                                        continue;
                                if (!any) {
                                        HULL_TRY(hull_buf_puts(b, ">\n      <failure message=\""));
                                        HULL_TRY(xml(b, x->message));
                                        HULL_TRY(hull_buf_printf(
                                                b, "\" type=\"%s\">",
                                                hull_severity_to_string(x->severity)));
                                        any = true;
                                }
                                char place[1024];
                                hull_finding_place(x, place, sizeof(place));
                                HULL_TRY(xml(b, m->image ? place : x->file));
                                if (!m->image)
                                        HULL_TRY(hull_buf_printf(b, ":%u", x->line));
                                HULL_TRY(hull_buf_printf(
                                        b, ": %s: ", hull_severity_to_string(x->severity)));
                                HULL_TRY(xml(b, x->message));
                                HULL_TRY(hull_buf_puts(b, " (fix: "));
                                HULL_TRY(xml(b, x->fix));
                                HULL_TRY(hull_buf_puts(b, ")\n"));
                        }
                        HULL_TRY(hull_buf_puts(b, any ? "</failure>\n    </testcase>\n" : "/>\n"));
                }
                HULL_TRY(hull_buf_puts(b, "  </testsuite>\n"));
        }
        return hull_buf_puts(b, "</testsuites>\n");
}

const struct hull_formatter hull_formatter_junit = {
        .name = "junit",
        .summary = "JUnit XML: one test case per rule per file",
        .write = write_junit,
};
