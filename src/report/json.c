/* json.c - the JSON report (docs/formats/json.md), schema_version 1. */
#include "basic/err.h"
#include "basic/json.h"
#include "report/report.h"

#define HULL_REPORT_JSON_SCHEMA_VERSION 1

static void strarr(struct hull_json *j, const char *k, const char *const *v, size_t n) {
        hull_json_key(j, k);
        hull_json_arr(j);
        for (size_t i = 0; i < n; i++)
                hull_json_cstr(j, v[i]);
        hull_json_arr_end(j);
}

/* "image": what was scanned, its facts, layers and notes (hullscan image). */
static void image_obj(struct hull_json *j, const struct hull_report_image *im) {
        hull_json_key(j, "image");
        hull_json_obj(j);
        hull_json_kcstr(j, "ref", im->ref);
        hull_json_kcstr(j, "transport", im->transport);
        hull_json_kcstr(j, "name", im->name);
        strarr(j, "tags", im->tags, im->ntags);
        hull_json_kcstr(j, "manifest_digest", im->manifest_digest);
        hull_json_kcstr(j, "config_digest", im->config_digest);
        hull_json_kcstr(j, "platform", im->platform);
        hull_json_kbool(j, "verified", im->verified);
        if (im->no_facts) {
                hull_json_knull(j, "facts");
        } else {
                hull_json_key(j, "facts");
                hull_json_obj(j);
                hull_json_kcstr(j, "os", im->os);
                hull_json_kcstr(j, "user", im->user);
                hull_json_kbool(j, "runs_as_root", im->runs_as_root);
                hull_json_kcstr(j, "shell", im->shell);
                hull_json_kcstr(j, "package_manager", im->package_manager);
                hull_json_kbool(j, "minimal", im->minimal);
                hull_json_kint(j, "files", (int64_t)im->final_files);
                hull_json_kint(j, "size_bytes", (int64_t)im->final_bytes);
                hull_json_kint(j, "uncompressed_layer_bytes", (int64_t)im->tar_bytes);
                hull_json_kint(j, "compressed_layer_bytes", (int64_t)im->blob_bytes);
                hull_json_kint(j, "layers", (int64_t)im->nlayers);
                hull_json_obj_end(j);
        }
        hull_json_key(j, "layers");
        hull_json_arr(j);
        for (size_t i = 0; i < im->nlayers; i++) {
                const struct hull_report_layer *l = &im->layers[i];
                hull_json_obj(j);
                hull_json_kint(j, "index", (int64_t)i);
                hull_json_kcstr(j, "diff_id", l->diff_id);
                hull_json_kcstr(j, "digest", l->digest);
                hull_json_kcstr(j, "compression", l->compression);
                hull_json_kint(j, "compressed_bytes", (int64_t)l->blob_bytes);
                hull_json_kint(j, "uncompressed_bytes", (int64_t)l->tar_bytes);
                hull_json_kcstr(j, "created_by", l->created_by);
                hull_json_obj_end(j);
        }
        hull_json_arr_end(j);
        strarr(j, "notes", im->notes, im->nnotes);
        hull_json_kint(j, "notes_dropped", (int64_t)im->notes_dropped);
        hull_json_obj_end(j);
}

static void secrets_obj(struct hull_json *j, const struct hull_report_secrets *s) {
        hull_json_key(j, "scanned");
        hull_json_obj(j);
        hull_json_kint(j, "files", (int64_t)s->files);
        hull_json_kint(j, "bytes", (int64_t)s->bytes);
        hull_json_kint(j, "skipped", (int64_t)s->skipped);
        hull_json_kint(j, "baseline_ignored", (int64_t)s->baseline_ignored);
        hull_json_kint(j, "allowed", (int64_t)s->allowed);
        if (s->context) {
                hull_json_key(j, "build_context");
                hull_json_obj(j);
                hull_json_kbool(j, "dockerignore", s->dockerignore);
                hull_json_kint(j, "files_sent", (int64_t)s->context_files);
                hull_json_kint(j, "bytes_sent", (int64_t)s->context_bytes);
                hull_json_kint(j, "excluded", (int64_t)s->context_excluded);
                hull_json_obj_end(j);
        }
        strarr(j, "notes", s->notes, s->nnotes);
        hull_json_kint(j, "notes_dropped", (int64_t)s->notes_dropped);
        hull_json_obj_end(j);
}

/* Per finding: where inside the image, and which layer and instruction. */
static int finding_image(struct hull_json *j, struct hull_buf *tmp, const struct hull_finding *x) {
        hull_json_key(j, "image");
        hull_json_obj(j);
        if (x->image_path) {
                /* with the leading '/' users know from `docker run ... ls` */
                hull_buf_reset(tmp);
                HULL_TRY(hull_buf_putc(tmp, '/'));
                HULL_TRY(hull_buf_puts(tmp, x->image_path));
                hull_json_kstr(j, "path", tmp->data, tmp->len);
        } else {
                hull_json_knull(j, "path");
        }
        hull_json_kcstr(j, "field", x->image_field);
        if (x->has_layer) {
                hull_json_kint(j, "layer", x->layer);
                hull_json_kcstr(j, "layer_diff_id", x->layer_digest);
                hull_json_kcstr(j, "created_by", x->created_by);
        } else {
                hull_json_knull(j, "layer");
                hull_json_knull(j, "layer_diff_id");
                hull_json_knull(j, "created_by");
        }
        if (x->deleted)
                hull_json_kint(j, "deleted_in", x->deleted_in);
        else
                hull_json_knull(j, "deleted_in");
        hull_json_obj_end(j);
        return HULL_OK;
}

static int write_json(struct hull_buf *b, const struct hull_findings *f,
                      const struct hull_report_meta *m) {
        if (m->vuln)
                return hull_report_vuln_json(b, f, m);
        struct hull_json j;
        struct hull_buf tmp = HULL_BUF_INIT(1 << 20);
        size_t counts[_HULL_SEV_MAX] = {0};
        int r = HULL_OK;

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
        if (m->image)
                image_obj(&j, m->image);
        if (m->secrets)
                secrets_obj(&j, m->secrets);
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
                if (x->secret) {
                        hull_json_kint(&j, "end_line", x->end_line ? x->end_line : x->line);
                        hull_json_key(&j, "secret");
                        hull_json_obj(&j);
                        hull_json_kcstr(&j, "value", x->secret->value);
                        hull_json_kbool(&j, "redacted", x->secret->redacted);
                        hull_json_kcstr(&j, "fingerprint", x->secret->fingerprint);
                        hull_json_kcstr(&j, "inner", x->secret->inner);
                        hull_json_kcstr(&j, "encoding", x->secret->encoding);
                        hull_json_obj_end(&j);
                }
                if (m->image && !r)
                        r = finding_image(&j, &tmp, x);
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
        hull_buf_release(&tmp);
        HULL_TRY(r);
        HULL_TRY(hull_json_end(&j));
        return hull_buf_putc(b, '\n');
}

const struct hull_formatter hull_formatter_json = {
        .name = "json",
        .summary = "machine-readable, documented schema (docs/formats/json.md)",
        .write = write_json,
};
