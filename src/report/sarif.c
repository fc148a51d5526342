/* sarif.c - SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
 *
 * One run; tool.driver.rules holds every rule that ran (with help text,
 * `security-severity` and the checklist slug); each result points at its
 * rule by id and index and at a relative artifact URI under %SRCROOT% (the
 * current directory, given in originalUriBaseIds).  Levels: critical/high
 * -> error, medium -> warning, low/info -> note.  Checked with Microsoft's
 * SARIF validator (Sarif.Multitool validate) in the CLI tests' docs. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic/err.h"
#include "basic/json.h"
#include "report/report.h"
#include "report/sarif.h"

#define HULL_RULES_DOC_URL "https://github.com/hullscan/hullscan/blob/main/docs/rules/"

void hull_sarif_begin(struct hull_json *j, const struct hull_report_meta *m) {
        hull_json_obj(j);
        hull_json_kcstr(j, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        hull_json_kcstr(j, "version", "2.1.0");
        hull_json_key(j, "runs");
        hull_json_arr(j);
        hull_json_obj(j);
        hull_json_key(j, "tool");
        hull_json_obj(j);
        hull_json_key(j, "driver");
        hull_json_obj(j);
        hull_json_kcstr(j, "name", m->tool);
        hull_json_kcstr(j, "version", m->version);
        hull_json_kcstr(j, "semanticVersion", m->version);
        hull_json_kcstr(j, "informationUri", HULL_SARIF_INFO_URL);
        hull_json_key(j, "rules");
        hull_json_arr(j);
}

const char *hull_sarif_level(enum hull_severity s) {
        switch (s) {
        case HULL_SEV_CRITICAL:
        case HULL_SEV_HIGH: return "error";
        case HULL_SEV_MEDIUM: return "warning";
        default: return "note";
        }
}

/* GitHub's buckets: >= 9.0 critical, >= 7.0 high, >= 4.0 medium, else low. */
static const char *security_severity(enum hull_severity s) {
        switch (s) {
        case HULL_SEV_CRITICAL: return "9.5";
        case HULL_SEV_HIGH: return "8.0";
        case HULL_SEV_MEDIUM: return "5.5";
        case HULL_SEV_LOW: return "3.0";
        default: return "1.0";
        }
}

/* "Container runs as root" -> "ContainerRunsAsRoot" (SARIF rule names are
 * conventionally Pascal case). */
static void pascal(char *out, size_t n, const char *title) {
        size_t k = 0;
        bool up = true;
        for (const char *p = title; *p && k + 1 < n; p++) {
                char ch = *p;
                if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9')) {
                        out[k++] = up && ch >= 'a' && ch <= 'z' ? (char)(ch - 32) : ch;
                        up = false;
                } else {
                        up = true;
                }
        }
        out[k] = '\0';
}

void hull_sarif_uri(struct hull_buf *tmp, const char *path, const char *cwd, bool *relative) {
        static const char hex[] = "0123456789ABCDEF";
        const char *p = path;
        size_t cl = cwd ? strlen(cwd) : 0;

        hull_buf_reset(tmp);
        *relative = true;
        if (path[0] == '/') {
                if (cwd && strncmp(path, cwd, cl) == 0 && path[cl] == '/') {
                        p = path + cl + 1;
                } else {
                        *relative = false;
                        (void)!hull_buf_puts(tmp, "file://");
                }
        }
        while (p[0] == '.' && p[1] == '/')
                p += 2;
        for (; *p; p++) {
                unsigned char c = (unsigned char)*p;
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    strchr("-._~/!$&'()*+,;=:@", c)) {
                        (void)!hull_buf_putc(tmp, (char)c);
                } else {
                        char e[3] = {'%', hex[c >> 4], hex[c & 15]};
                        (void)!hull_buf_put(tmp, e, 3);
                }
        }
}

static void rule_obj(struct hull_json *j, const struct hull_report_rule *r) {
        char name[128], url[256], md[4096];

        pascal(name, sizeof(name), r->title);
        if (r->help_uri) /* secret rules: one page for all, an anchor each */
                snprintf(url, sizeof(url), "%s", r->help_uri);
        else
                snprintf(url, sizeof(url), HULL_RULES_DOC_URL "%s.md", r->id);
        hull_json_obj(j);
        hull_json_kcstr(j, "id", r->id);
        hull_json_kcstr(j, "name", name);
        hull_json_key(j, "shortDescription");
        hull_json_obj(j);
        hull_json_kcstr(j, "text", r->title);
        hull_json_obj_end(j);
        hull_json_key(j, "fullDescription");
        hull_json_obj(j);
        hull_json_kcstr(j, "text", r->rationale);
        hull_json_obj_end(j);
        hull_json_kcstr(j, "helpUri", url);
        snprintf(md, sizeof(md),
                 "**%s** (%s, checklist `%s`)\n\n%s\n\n**Fix:** %s\n\nSee [%s](%s).", r->title,
                 r->id, r->slug, r->rationale, r->fix, r->id, url);
        hull_json_key(j, "help");
        hull_json_obj(j);
        {
                char txt[4096];
                snprintf(txt, sizeof(txt), "%s Fix: %s", r->rationale, r->fix);
                hull_json_kcstr(j, "text", txt);
        }
        hull_json_kcstr(j, "markdown", md);
        hull_json_obj_end(j);
        hull_json_key(j, "defaultConfiguration");
        hull_json_obj(j);
        hull_json_kcstr(j, "level", hull_sarif_level(r->severity));
        hull_json_obj_end(j);
        hull_json_key(j, "properties");
        hull_json_obj(j);
        hull_json_key(j, "tags");
        hull_json_arr(j);
        hull_json_cstr(j, "security");
        hull_json_cstr(j, r->image ? "container-image" : "dockerfile");
        hull_json_cstr(j, r->slug);
        hull_json_arr_end(j);
        hull_json_kcstr(j, "security-severity", security_severity(r->severity));
        hull_json_kcstr(j, "precision", "high");
        hull_json_kcstr(j, "checklist", r->slug);
        if (r->hadolint)
                hull_json_kcstr(j, "hadolint", r->hadolint);
        if (r->trivy)
                hull_json_kcstr(j, "trivy", r->trivy);
        hull_json_obj_end(j);
        hull_json_obj_end(j);
}

static int write_sarif(struct hull_buf *b, const struct hull_findings *f,
                       const struct hull_report_meta *m) {
        if (m->vuln)
                return hull_report_vuln_sarif(b, f, m);
        struct hull_json j;
        struct hull_buf tmp = HULL_BUF_INIT(1 << 20);
        char cwd[PATH_MAX];
        bool have_cwd = getcwd(cwd, sizeof(cwd)) != NULL;
        int r;

        hull_json_init(&j, b, true);
        hull_sarif_begin(&j, m);
        for (size_t i = 0; i < m->nrules; i++)
                rule_obj(&j, &m->rules[i]);
        hull_json_arr_end(&j);
        hull_json_obj_end(&j);
        hull_json_obj_end(&j);
        if (have_cwd) {
                hull_json_key(&j, "originalUriBaseIds");
                hull_json_obj(&j);
                hull_json_key(&j, "%SRCROOT%");
                hull_json_obj(&j);
                bool rel;
                hull_sarif_uri(&tmp, cwd, NULL, &rel);
                char root[PATH_MAX + 16];
                snprintf(root, sizeof(root), "%s%s/", rel ? "file://" : "",
                         tmp.data ? tmp.data : "");
                hull_json_kcstr(&j, "uri", root);
                hull_json_obj_end(&j);
                hull_json_obj_end(&j);
        }
        hull_json_key(&j, "results");
        hull_json_arr(&j);
        for (size_t i = 0; i < f->n; i++) {
                const struct hull_finding *x = &f->v[i];
                size_t idx = 0;
                bool rel;
                for (size_t k = 0; k < m->nrules; k++)
                        if (strcmp(m->rules[k].id, x->rule_id) == 0)
                                idx = k;
                hull_json_obj(&j);
                hull_json_kcstr(&j, "ruleId", x->rule_id);
                hull_json_kint(&j, "ruleIndex", (int64_t)idx);
                hull_json_kcstr(&j, "level", hull_sarif_level(x->severity));
                hull_json_key(&j, "message");
                hull_json_obj(&j);
                {
                        char msg[2048];
                        char place[1024] = "";
                        if (m->image) {
                                hull_finding_place(x, place, sizeof(place) - 2);
                                memcpy(place + strlen(place), ": ", 3);
                        }
                        snprintf(msg, sizeof(msg), "%s%s. Fix: %s", place, x->message,
                                 x->fix ? x->fix : "");
                        /* SARIF messages are sentences: capitalised, with a final full stop */
                        if (!m->image && msg[0] >= 'a' && msg[0] <= 'z')
                                msg[0] = (char)(msg[0] - 32);
                        size_t l = strlen(msg);
                        if (l && msg[l - 1] != '.' && l + 1 < sizeof(msg)) {
                                msg[l] = '.';
                                msg[l + 1] = '\0';
                        }
                        hull_json_kcstr(&j, "text", msg);
                }
                hull_json_obj_end(&j);
                hull_json_key(&j, "locations");
                hull_json_arr(&j);
                hull_json_obj(&j);
                hull_json_key(&j, "physicalLocation");
                hull_json_obj(&j);
                hull_json_key(&j, "artifactLocation");
                hull_json_obj(&j);
                if (m->image) {
                        /* the archive (or layout directory), then the path inside it */
                        struct hull_buf p = HULL_BUF_INIT(1 << 20);
                        (void)!hull_buf_puts(&p, m->image->path);
                        if (x->image_path) {
                                (void)!hull_buf_putc(&p, '/');
                                (void)!hull_buf_puts(&p, x->image_path);
                        }
                        hull_sarif_uri(&tmp, p.data ? p.data : "", have_cwd ? cwd : NULL, &rel);
                        hull_buf_release(&p);
                } else {
                        hull_sarif_uri(&tmp, x->file, have_cwd ? cwd : NULL, &rel);
                }
                hull_json_kcstr(&j, "uri", tmp.data ? tmp.data : "");
                if (rel && have_cwd)
                        hull_json_kcstr(&j, "uriBaseId", "%SRCROOT%");
                hull_json_obj_end(&j);
                hull_json_key(&j, "region");
                hull_json_obj(&j);
                hull_json_kint(&j, "startLine", x->line ? x->line : 1);
                if (x->col)
                        hull_json_kint(&j, "startColumn", x->col);
                hull_json_obj_end(&j);
                hull_json_obj_end(&j);
                hull_json_obj_end(&j);
                hull_json_arr_end(&j);
                if (x->secret && x->secret->fingerprint) {
                        /* GitHub code scanning tracks results across runs by these */
                        hull_json_key(&j, "partialFingerprints");
                        hull_json_obj(&j);
                        hull_json_kcstr(&j, "hullscanSecret/v1", x->secret->fingerprint);
                        hull_json_obj_end(&j);
                }
                hull_json_key(&j, "properties");
                hull_json_obj(&j);
                hull_json_kcstr(&j, "checklist", x->slug);
                hull_json_kcstr(&j, "severity", hull_severity_to_string(x->severity));
                if (m->image) {
                        hull_json_kcstr(&j, "image", m->image->ref);
                        if (x->image_path) {
                                hull_buf_reset(&tmp);
                                (void)!hull_buf_putc(&tmp, '/');
                                (void)!hull_buf_puts(&tmp, x->image_path);
                                hull_json_kstr(&j, "imagePath", tmp.data, tmp.len);
                        }
                        if (x->image_field)
                                hull_json_kcstr(&j, "imageField", x->image_field);
                        if (x->has_layer) {
                                hull_json_kint(&j, "layer", x->layer);
                                hull_json_kcstr(&j, "layerDiffId", x->layer_digest);
                                if (x->created_by)
                                        hull_json_kcstr(&j, "createdBy", x->created_by);
                        }
                        if (x->deleted)
                                hull_json_kint(&j, "deletedInLayer", x->deleted_in);
                }
                hull_json_obj_end(&j);
                hull_json_obj_end(&j);
        }
        hull_json_arr_end(&j);
        hull_json_obj_end(&j);
        hull_json_arr_end(&j);
        hull_json_obj_end(&j);
        hull_buf_release(&tmp);
        r = hull_json_end(&j);
        return r ? r : hull_buf_putc(b, '\n');
}

const struct hull_formatter hull_formatter_sarif = {
        .name = "sarif",
        .summary = "SARIF 2.1.0 for GitHub code scanning",
        .write = write_sarif,
};
