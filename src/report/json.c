/* json.c - the JSON report (docs/formats/json.md), schema_version 1. */
#include "basic/err.h"
#include "basic/json.h"
#include "report/report.h"

#define HULL_REPORT_JSON_SCHEMA_VERSION 1

static int write_json(struct hull_buf *b, const struct hull_findings *f,
                      const struct hull_report_meta *m) {
        struct hull_json j;
        size_t counts[_HULL_SEV_MAX] = {0};

        hull_json_init(&j, b, true);
        hull_json_obj(&j);
        hull_json_kint(&j, "schema_version", HULL_REPORT_JSON_SCHEMA_VERSION);
        hull_json_key(&j, "tool");
        hull_json_obj(&j);
        hull_json_kcstr(&j, "name", m->tool);
        hull_json_kcstr(&j, "version", m->version);
        hull_json_obj_end(&j);
        hull_json_kcstr(&j, "command", m->command);
        hull_json_kcstr(&j, "fail_on", hull_severity_to_string(m->fail_on));
        hull_json_key(&j, "files");
        hull_json_arr(&j);
        for (size_t i = 0; i < m->nfiles; i++)
                hull_json_cstr(&j, m->files[i]);
        hull_json_arr_end(&j);
        hull_json_key(&j, "findings");
        hull_json_arr(&j);
        for (size_t i = 0; i < f->n; i++) {
                const struct hull_finding *x = &f->v[i];
                counts[x->severity]++;
                hull_json_obj(&j);
                hull_json_kcstr(&j, "rule", x->rule_id);
                hull_json_kcstr(&j, "checklist", x->slug);
                hull_json_kcstr(&j, "severity", hull_severity_to_string(x->severity));
                hull_json_kcstr(&j, "title", x->title);
                hull_json_kcstr(&j, "message", x->message);
                hull_json_kcstr(&j, "fix", x->fix);
                hull_json_kcstr(&j, "file", x->file);
                hull_json_kint(&j, "line", x->line);
                hull_json_kint(&j, "col", x->col);
                hull_json_obj_end(&j);
        }
        hull_json_arr_end(&j);
        hull_json_key(&j, "summary");
        hull_json_obj(&j);
        hull_json_kint(&j, "total", (int64_t)f->n);
        for (int s = _HULL_SEV_MAX - 1; s >= 0; s--)
                hull_json_kint(&j, hull_severity_to_string(s), (int64_t)counts[s]);
        hull_json_kint(&j, "at_or_above_fail_on",
                       (int64_t)hull_findings_count_at_least(f, m->fail_on));
        hull_json_obj_end(&j);
        hull_json_obj_end(&j);
        HULL_TRY(hull_json_end(&j));
        return hull_buf_putc(b, '\n');
}

const struct hull_formatter hull_formatter_json = {
        .name = "json",
        .summary = "machine-readable, documented schema (docs/formats/json.md)",
        .write = write_json,
};
