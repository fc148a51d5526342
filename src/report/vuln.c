/* vuln.c - the reports of `hullscan vuln` in the four formats: findings
 * are (vulnerability, package) pairs, grouped by package, with the fixed
 * version, severity, score and where the severity came from; then what was
 * suppressed (ignore file, VEX) and notes (skipped input entries, unknown
 * ecosystems).  docs/cli/hullscan-vuln.md describes each format.
 *
 * Findings arrive sorted (package, then id); every list printed here is in
 * that order or sorted, so reports are deterministic. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic/err.h"
#include "basic/json.h"
#include "basic/utf8.h"
#include "report/report.h"
#include "report/sarif.h"

static const char *const sev_order[] = {"critical", "high", "medium", "low", "none", "unknown"};

static int put(struct hull_buf *b, const char *s) {
        return s ? hull_buf_put_terminal(b, s, strlen(s)) : HULL_OK;
}

static const char *color_of(const char *sev) {
        if (!strcmp(sev, "critical"))
                return "\033[1;31m";
        if (!strcmp(sev, "high"))
                return "\033[31m";
        if (!strcmp(sev, "medium"))
                return "\033[33m";
        if (!strcmp(sev, "low"))
                return "\033[36m";
        return "\033[2m";
}

/* "9.8" from 98; "-" without a score. */
static const char *score_text(int score, char *buf, size_t size) {
        if (score < 0)
                snprintf(buf, size, "-");
        else
                snprintf(buf, size, "%d.%d", score / 10, score % 10);
        return buf;
}

/* Where the severity came from, for people. */
static int source_text(struct hull_buf *b, const struct hull_finding_vuln *v) {
        const char *s = v->severity_source ? v->severity_source : "none";
        char sc[16];

        if (!strcmp(s, "cvss_v3") || !strcmp(s, "cvss_v4")) {
                HULL_TRY(hull_buf_printf(
                        b, "CVSS base score %s: ", score_text(v->score, sc, sizeof(sc))));
                return put(b, v->vector);
        }
        if (!strcmp(s, "debian_urgency"))
                HULL_TRY(hull_buf_puts(b, "Debian urgency "));
        else if (!strcmp(s, "github"))
                HULL_TRY(hull_buf_puts(b, "GitHub severity "));
        else if (!strcmp(s, "ubuntu"))
                HULL_TRY(hull_buf_puts(b, "Ubuntu priority "));
        else
                return hull_buf_puts(b, "none in the record");
        return put(b, v->vector);
}

static bool same_package(const struct hull_finding_vuln *a, const struct hull_finding_vuln *b) {
        return a && b && !strcmp(a->package, b->package) && !strcmp(a->ecosystem, b->ecosystem) &&
               !strcmp(a->version, b->version) &&
               ((!a->location && !b->location) ||
                (a->location && b->location && !strcmp(a->location, b->location)));
}

static int sev_index(const char *sev) {
        for (size_t i = 0; i < sizeof(sev_order) / sizeof(sev_order[0]); i++)
                if (sev && !strcmp(sev, sev_order[i]))
                        return (int)i;
        return (int)(sizeof(sev_order) / sizeof(sev_order[0])) - 1;
}

/* ---- table ---- */

static int table_suppressed(struct hull_buf *b, const struct hull_report_vuln *rv) {
        if (!rv->nsuppressed)
                return HULL_OK;
        HULL_TRY(hull_buf_printf(b, "\nSuppressed (%zu):\n", rv->nsuppressed));
        for (size_t i = 0; i < rv->nsuppressed; i++) {
                const struct hull_report_suppressed *s = &rv->suppressed[i];
                HULL_TRY(hull_buf_puts(b, "  "));
                HULL_TRY(put(b, s->id));
                HULL_TRY(hull_buf_puts(b, "  "));
                HULL_TRY(put(b, s->package));
                HULL_TRY(hull_buf_puts(b, " "));
                HULL_TRY(put(b, s->version));
                HULL_TRY(hull_buf_puts(b, " ("));
                HULL_TRY(put(b, s->ecosystem));
                HULL_TRY(hull_buf_printf(b, "): %s ", s->by));
                HULL_TRY(put(b, s->where));
                HULL_TRY(hull_buf_puts(b, ": "));
                HULL_TRY(put(b, s->reason));
                if (s->until) {
                        HULL_TRY(hull_buf_puts(b, " (until "));
                        HULL_TRY(put(b, s->until));
                        HULL_TRY(hull_buf_puts(b, ")"));
                }
                HULL_TRY(hull_buf_puts(b, "\n"));
        }
        return HULL_OK;
}

static int table_notes(struct hull_buf *b, const struct hull_report_vuln *rv) {
        if (!rv->nnotes)
                return HULL_OK;
        HULL_TRY(hull_buf_puts(b, "\nNotes:\n"));
        for (size_t i = 0; i < rv->nnotes; i++) {
                HULL_TRY(hull_buf_puts(b, "  "));
                HULL_TRY(put(b, rv->notes[i]));
                HULL_TRY(hull_buf_puts(b, "\n"));
        }
        return HULL_OK;
}

int hull_report_vuln_table(struct hull_buf *b, const struct hull_findings *f,
                           const struct hull_report_meta *m) {
        const struct hull_report_vuln *rv = m->vuln;
        const char *bold = m->color ? "\033[1m" : "", *reset = m->color ? "\033[0m" : "";
        size_t counts[sizeof(sev_order) / sizeof(sev_order[0])] = {0}, fixable = 0, pkgs = 0;
        const struct hull_finding_vuln *prev = NULL;

        HULL_TRY(hull_buf_puts(b, bold));
        HULL_TRY(put(b, rv->input));
        HULL_TRY(hull_buf_printf(b, "%s (%s, %zu package%s)\n", reset, rv->format, rv->packages,
                                 rv->packages == 1 ? "" : "s"));
        for (size_t i = 0; i < f->n; i++) {
                const struct hull_finding_vuln *v = f->v[i].vuln;
                char sc[16];
                if (!v)
                        continue;
                if (!same_package(prev, v)) {
                        pkgs++;
                        HULL_TRY(hull_buf_printf(b, "\n%s", bold));
                        HULL_TRY(put(b, v->package));
                        HULL_TRY(hull_buf_puts(b, " "));
                        HULL_TRY(put(b, v->version));
                        HULL_TRY(hull_buf_printf(b, "%s (", reset));
                        HULL_TRY(put(b, v->ecosystem));
                        if (v->source) {
                                HULL_TRY(hull_buf_puts(b, ", source "));
                                HULL_TRY(put(b, v->source));
                        }
                        HULL_TRY(hull_buf_puts(b, ")"));
                        if (v->location) {
                                HULL_TRY(hull_buf_puts(b, " in "));
                                HULL_TRY(put(b, v->location));
                        }
                        HULL_TRY(hull_buf_puts(b, "\n"));
                }
                prev = v;
                counts[sev_index(v->severity)]++;
                fixable += v->fixed_version != NULL;
                HULL_TRY(hull_buf_puts(b, "  "));
                HULL_TRY(put(b, v->id));
                HULL_TRY(hull_buf_printf(b, "  %s%-8s%s %4s  ",
                                         m->color ? color_of(v->severity) : "", v->severity, reset,
                                         score_text(v->score, sc, sizeof(sc))));
                if (v->fixed_version) {
                        HULL_TRY(hull_buf_puts(b, "fixed in "));
                        HULL_TRY(put(b, v->fixed_version));
                } else {
                        HULL_TRY(hull_buf_puts(b, "no fix"));
                }
                HULL_TRY(hull_buf_puts(b, "\n"));
                if (v->summary) {
                        HULL_TRY(hull_buf_puts(b, "      "));
                        HULL_TRY(put(b, v->summary));
                        HULL_TRY(hull_buf_puts(b, "\n"));
                }
                if (v->naliases) {
                        HULL_TRY(hull_buf_puts(b, "      "));
                        for (size_t k = 0; k < v->naliases; k++) {
                                HULL_TRY(hull_buf_puts(b, k ? ", " : ""));
                                HULL_TRY(put(b, v->aliases[k]));
                        }
                        HULL_TRY(hull_buf_puts(b, "\n"));
                }
                HULL_TRY(hull_buf_puts(b, "      severity: "));
                HULL_TRY(source_text(b, v));
                HULL_TRY(hull_buf_puts(b, "\n"));
                if (v->url) {
                        HULL_TRY(hull_buf_puts(b, "      "));
                        HULL_TRY(put(b, v->url));
                        HULL_TRY(hull_buf_puts(b, "\n"));
                }
        }
        if (f->n == 0) {
                if (!(m->quiet && !rv->nsuppressed && !rv->nnotes))
                        HULL_TRY(hull_buf_printf(b,
                                                 "\nno known vulnerabilities in %zu package%s%s\n",
                                                 rv->packages, rv->packages == 1 ? "" : "s",
                                                 rv->ignore_unfixed ? " with a fix" : ""));
        } else {
                HULL_TRY(hull_buf_printf(b, "\n%zu vulnerabilit%s in %zu of %zu package%s:", f->n,
                                         f->n == 1 ? "y" : "ies", pkgs, rv->packages,
                                         rv->packages == 1 ? "" : "s"));
                for (size_t s = 0; s < sizeof(sev_order) / sizeof(sev_order[0]); s++)
                        if (counts[s])
                                HULL_TRY(hull_buf_printf(b, " %zu %s", counts[s], sev_order[s]));
                HULL_TRY(hull_buf_printf(b, "; %zu with a fix%s\n", fixable,
                                         rv->ignore_unfixed ? " (--ignore-unfixed)" : ""));
        }
        HULL_TRY(table_suppressed(b, rv));
        return table_notes(b, rv);
}

/* ---- json ---- */

static void strarr(struct hull_json *j, const char *k, const char *const *v, size_t n) {
        hull_json_key(j, k);
        hull_json_arr(j);
        for (size_t i = 0; i < n; i++)
                hull_json_cstr(j, v[i]);
        hull_json_arr_end(j);
}

int hull_report_vuln_json(struct hull_buf *b, const struct hull_findings *f,
                          const struct hull_report_meta *m) {
        const struct hull_report_vuln *rv = m->vuln;
        size_t counts[sizeof(sev_order) / sizeof(sev_order[0])] = {0}, fixable = 0;
        struct hull_json j;

        hull_json_init(&j, b, true);
        hull_json_obj(&j);
        hull_json_kint(&j, "schema_version", 1);
        hull_json_key(&j, "tool");
        hull_json_obj(&j);
        hull_json_kcstr(&j, "name", m->tool);
        hull_json_kcstr(&j, "version", m->version);
        hull_json_obj_end(&j);
        hull_json_kcstr(&j, "command", m->command);
        hull_json_kcstr(&j, "fail_on", hull_severity_to_string(m->fail_on));
        hull_json_kbool(&j, "ignore_unfixed", rv->ignore_unfixed);
        hull_json_key(&j, "input");
        hull_json_obj(&j);
        hull_json_kcstr(&j, "file", rv->input);
        hull_json_kcstr(&j, "format", rv->format);
        hull_json_kint(&j, "packages", (int64_t)rv->packages);
        hull_json_obj_end(&j);
        hull_json_kcstr(&j, "database", rv->database);
        hull_json_key(&j, "findings");
        hull_json_arr(&j);
        for (size_t i = 0; i < f->n; i++) {
                const struct hull_finding_vuln *v = f->v[i].vuln;
                if (!v)
                        continue;
                counts[sev_index(v->severity)]++;
                fixable += v->fixed_version != NULL;
                hull_json_obj(&j);
                hull_json_kcstr(&j, "id", v->id);
                strarr(&j, "aliases", v->aliases, v->naliases);
                strarr(&j, "related", v->related, v->nrelated);
                hull_json_key(&j, "package");
                hull_json_obj(&j);
                hull_json_kcstr(&j, "ecosystem", v->ecosystem);
                hull_json_kcstr(&j, "name", v->package);
                hull_json_kcstr(&j, "version", v->version);
                hull_json_kcstr(&j, "source", v->source);
                hull_json_kcstr(&j, "purl", v->purl);
                hull_json_kcstr(&j, "location", v->location);
                hull_json_obj_end(&j);
                hull_json_kcstr(&j, "fixed_version", v->fixed_version);
                hull_json_kcstr(&j, "severity", v->severity);
                hull_json_key(&j, "score");
                if (v->score >= 0)
                        hull_json_tenths(&j, v->score);
                else
                        hull_json_null(&j);
                hull_json_kcstr(&j, "severity_source", v->severity_source);
                hull_json_kcstr(&j, "severity_vector", v->vector);
                hull_json_kcstr(&j, "summary", v->summary);
                hull_json_kcstr(&j, "url", v->url);
                hull_json_kcstr(&j, "modified", v->modified);
                hull_json_obj_end(&j);
        }
        hull_json_arr_end(&j);
        hull_json_key(&j, "suppressed");
        hull_json_arr(&j);
        for (size_t i = 0; i < rv->nsuppressed; i++) {
                const struct hull_report_suppressed *s = &rv->suppressed[i];
                hull_json_obj(&j);
                hull_json_kcstr(&j, "id", s->id);
                hull_json_key(&j, "package");
                hull_json_obj(&j);
                hull_json_kcstr(&j, "ecosystem", s->ecosystem);
                hull_json_kcstr(&j, "name", s->package);
                hull_json_kcstr(&j, "version", s->version);
                hull_json_obj_end(&j);
                hull_json_kcstr(&j, "severity", s->severity);
                hull_json_kcstr(&j, "by", s->by);
                hull_json_kcstr(&j, "where", s->where);
                hull_json_kcstr(&j, "reason", s->reason);
                hull_json_kcstr(&j, "until", s->until);
                hull_json_obj_end(&j);
        }
        hull_json_arr_end(&j);
        strarr(&j, "notes", rv->notes, rv->nnotes);
        hull_json_key(&j, "summary");
        hull_json_obj(&j);
        hull_json_kint(&j, "total", (int64_t)f->n);
        for (size_t s = 0; s < sizeof(sev_order) / sizeof(sev_order[0]); s++)
                hull_json_kint(&j, sev_order[s], (int64_t)counts[s]);
        hull_json_kint(&j, "with_fix", (int64_t)fixable);
        hull_json_kint(&j, "suppressed", (int64_t)rv->nsuppressed);
        hull_json_kint(&j, "at_or_above_fail_on",
                       (int64_t)hull_findings_count_at_least(f, m->fail_on));
        hull_json_obj_end(&j);
        hull_json_obj_end(&j);
        HULL_TRY(hull_json_end(&j));
        return hull_buf_putc(b, '\n');
}

/* ---- sarif ---- */

/* GitHub's security-severity: the CVSS score, else the middle of the
 * severity's bucket (>= 9.0 critical, >= 7.0 high, >= 4.0 medium, else low). */
static const char *security_severity(const char *sev, int score, char *buf, size_t size) {
        if (score >= 0)
                return score_text(score, buf, size);
        switch (sev_index(sev)) {
        case 0: return "9.5";
        case 1: return "8.0";
        case 2: return "5.5";
        case 3: return "3.0";
        default: return "0.0";
        }
}

struct rule_ref {
        const char *id;
        const struct hull_finding_vuln *v;      /* a finding of it, or NULL */
        const struct hull_report_suppressed *s; /* else a suppressed match */
};

static int rule_cmp(const void *a, const void *b) {
        return strcmp(((const struct rule_ref *)a)->id, ((const struct rule_ref *)b)->id);
}

static bool is_http(const char *u) {
        return u && (!strncmp(u, "https://", 8) || !strncmp(u, "http://", 7));
}

static void sarif_rule(struct hull_json *j, const struct rule_ref *r) {
        const struct hull_finding_vuln *v = r->v;
        const char *summary = v && v->summary ? v->summary : r->id;
        char sec[16], txt[1024];

        hull_json_obj(j);
        hull_json_kcstr(j, "id", r->id);
        hull_json_key(j, "shortDescription");
        hull_json_obj(j);
        hull_json_kcstr(j, "text", summary);
        hull_json_obj_end(j);
        if (v && is_http(v->url))
                hull_json_kcstr(j, "helpUri", v->url);
        hull_json_key(j, "help");
        hull_json_obj(j);
        snprintf(txt, sizeof(txt), "%s%s%s", summary, v && v->url ? " See " : "",
                 v && v->url ? v->url : "");
        hull_json_kcstr(j, "text", txt);
        hull_json_obj_end(j);
        hull_json_key(j, "properties");
        hull_json_obj(j);
        hull_json_key(j, "tags");
        hull_json_arr(j);
        hull_json_cstr(j, "security");
        hull_json_cstr(j, "vulnerability");
        hull_json_arr_end(j);
        hull_json_kcstr(j, "security-severity",
                        security_severity(v ? v->severity : r->s->severity, v ? v->score : -1, sec,
                                          sizeof(sec)));
        if (v && v->naliases)
                strarr(j, "aliases", v->aliases, v->naliases);
        hull_json_obj_end(j);
        hull_json_obj_end(j);
}

static void sarif_location(struct hull_json *j, const char *input_uri, bool rel) {
        hull_json_key(j, "locations");
        hull_json_arr(j);
        hull_json_obj(j);
        hull_json_key(j, "physicalLocation");
        hull_json_obj(j);
        hull_json_key(j, "artifactLocation");
        hull_json_obj(j);
        hull_json_kcstr(j, "uri", input_uri);
        if (rel)
                hull_json_kcstr(j, "uriBaseId", "%SRCROOT%");
        hull_json_obj_end(j);
        hull_json_key(j, "region");
        hull_json_obj(j);
        hull_json_kint(j, "startLine", 1);
        hull_json_obj_end(j);
        hull_json_obj_end(j);
        hull_json_obj_end(j);
        hull_json_arr_end(j);
}

static size_t rule_index(const struct rule_ref *rules, size_t n, const char *id) {
        struct rule_ref key = {.id = id};
        const struct rule_ref *r = bsearch(&key, rules, n, sizeof(*rules), rule_cmp);
        return r ? (size_t)(r - rules) : 0;
}

int hull_report_vuln_sarif(struct hull_buf *b, const struct hull_findings *f,
                           const struct hull_report_meta *m) {
        const struct hull_report_vuln *rv = m->vuln;
        struct hull_buf tmp = HULL_BUF_INIT(1 << 20), msg = HULL_BUF_INIT(1 << 20);
        struct rule_ref *rules = calloc(f->n + rv->nsuppressed + 1, sizeof(*rules));
        size_t nr = 0, k = 0;
        char cwd[PATH_MAX];
        struct hull_json j;
        bool rel;
        int r;

        if (!rules)
                return HULL_ENOMEM;
        for (size_t i = 0; i < f->n; i++)
                if (f->v[i].vuln)
                        rules[nr++] = (struct rule_ref){f->v[i].vuln->id, f->v[i].vuln, NULL};
        for (size_t i = 0; i < rv->nsuppressed; i++)
                rules[nr++] = (struct rule_ref){rv->suppressed[i].id, NULL, &rv->suppressed[i]};
        /* one rule per id: a finding's details win over a suppressed entry's */
        qsort(rules, nr, sizeof(*rules), rule_cmp);
        for (size_t i = 0; i < nr; i++) {
                if (k && !strcmp(rules[k - 1].id, rules[i].id)) {
                        if (!rules[k - 1].v)
                                rules[k - 1] = rules[i];
                        continue;
                }
                rules[k++] = rules[i];
        }
        nr = k;
        hull_sarif_uri(&tmp, rv->input, getcwd(cwd, sizeof(cwd)) ? cwd : NULL, &rel);
        hull_json_init(&j, b, true);
        hull_sarif_begin(&j, m);
        for (size_t i = 0; i < nr; i++)
                sarif_rule(&j, &rules[i]);
        hull_json_arr_end(&j);
        hull_json_obj_end(&j);
        hull_json_obj_end(&j);
        if (getcwd(cwd, sizeof(cwd))) {
                struct hull_buf root = HULL_BUF_INIT(1 << 20);
                bool crel;
                hull_json_key(&j, "originalUriBaseIds");
                hull_json_obj(&j);
                hull_json_key(&j, "%SRCROOT%");
                hull_json_obj(&j);
                hull_sarif_uri(&root, cwd, NULL, &crel);
                (void)!hull_buf_puts(&root, "/");
                hull_json_kcstr(&j, "uri", root.data ? root.data : "");
                hull_json_obj_end(&j);
                hull_json_obj_end(&j);
                hull_buf_release(&root);
        }
        hull_json_key(&j, "results");
        hull_json_arr(&j);
        for (size_t i = 0; i < f->n; i++) {
                const struct hull_finding_vuln *v = f->v[i].vuln;
                char sc[16];
                if (!v)
                        continue;
                hull_buf_reset(&msg);
                (void)!hull_buf_printf(&msg, "%s %s (%s) is affected by %s", v->package, v->version,
                                       v->ecosystem, v->id);
                if (v->naliases)
                        (void)!hull_buf_printf(&msg, " (%s)", v->aliases[0]);
                if (v->summary)
                        (void)!hull_buf_printf(&msg, ": %s", v->summary);
                (void)!hull_buf_printf(&msg, "%s Severity %s%s%s.",
                                       msg.len && msg.data[msg.len - 1] == '.' ? "" : ".",
                                       v->severity, v->score >= 0 ? " " : "",
                                       v->score >= 0 ? score_text(v->score, sc, sizeof(sc)) : "");
                if (v->fixed_version)
                        (void)!hull_buf_printf(&msg, " Fixed in %s.", v->fixed_version);
                else
                        (void)!hull_buf_puts(&msg, " No fix is known.");
                hull_json_obj(&j);
                hull_json_kcstr(&j, "ruleId", v->id);
                hull_json_kint(&j, "ruleIndex", (int64_t)rule_index(rules, nr, v->id));
                hull_json_kcstr(&j, "level", hull_sarif_level(f->v[i].severity));
                hull_json_key(&j, "message");
                hull_json_obj(&j);
                hull_json_kcstr(&j, "text", msg.data ? msg.data : "");
                hull_json_obj_end(&j);
                sarif_location(&j, tmp.data ? tmp.data : "", rel);
                hull_json_key(&j, "properties");
                hull_json_obj(&j);
                hull_json_kcstr(&j, "ecosystem", v->ecosystem);
                hull_json_kcstr(&j, "package", v->package);
                hull_json_kcstr(&j, "installedVersion", v->version);
                hull_json_kcstr(&j, "fixedVersion", v->fixed_version);
                if (v->purl)
                        hull_json_kcstr(&j, "purl", v->purl);
                if (v->location)
                        hull_json_kcstr(&j, "location", v->location);
                hull_json_kcstr(&j, "severity", v->severity);
                hull_json_kcstr(&j, "severitySource", v->severity_source);
                hull_json_obj_end(&j);
                hull_json_obj_end(&j);
        }
        for (size_t i = 0; i < rv->nsuppressed; i++) {
                const struct hull_report_suppressed *s = &rv->suppressed[i];
                hull_buf_reset(&msg);
                (void)!hull_buf_printf(&msg, "%s %s (%s) is affected by %s (suppressed).",
                                       s->package, s->version, s->ecosystem, s->id);
                hull_json_obj(&j);
                hull_json_kcstr(&j, "ruleId", s->id);
                hull_json_kint(&j, "ruleIndex", (int64_t)rule_index(rules, nr, s->id));
                hull_json_kcstr(&j, "level", "note");
                hull_json_key(&j, "message");
                hull_json_obj(&j);
                hull_json_kcstr(&j, "text", msg.data ? msg.data : "");
                hull_json_obj_end(&j);
                sarif_location(&j, tmp.data ? tmp.data : "", rel);
                hull_json_key(&j, "suppressions");
                hull_json_arr(&j);
                hull_json_obj(&j);
                hull_json_kcstr(&j, "kind", "external");
                hull_json_kcstr(&j, "status", "accepted");
                hull_buf_reset(&msg);
                (void)!hull_buf_printf(&msg, "%s %s: %s", s->by, s->where, s->reason);
                hull_json_kcstr(&j, "justification", msg.data ? msg.data : "");
                hull_json_obj_end(&j);
                hull_json_arr_end(&j);
                hull_json_obj_end(&j);
        }
        hull_json_arr_end(&j);
        hull_json_obj_end(&j);
        hull_json_arr_end(&j);
        hull_json_obj_end(&j);
        hull_buf_release(&tmp);
        hull_buf_release(&msg);
        free(rules);
        r = hull_json_end(&j);
        return r ? r : hull_buf_putc(b, '\n');
}

/* ---- junit ---- */

/* XML text/attribute escaping; invalid UTF-8 and XML-forbidden control
 * characters become U+FFFD. */
static int xml(struct hull_buf *b, const char *s) {
        size_t n = s ? strlen(s) : 0, i = 0, w;

        while (i < n) {
                unsigned char c = (unsigned char)s[i];
                const char *ent = c == '&'    ? "&amp;"
                                  : c == '<'  ? "&lt;"
                                  : c == '>'  ? "&gt;"
                                  : c == '"'  ? "&quot;"
                                  : c == '\'' ? "&apos;"
                                              : NULL;
                if (ent) {
                        HULL_TRY(hull_buf_puts(b, ent));
                        i++;
                } else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        HULL_TRY(hull_buf_puts(b, "\xef\xbf\xbd"));
                        i++;
                } else if (c < 0x80) {
                        HULL_TRY(hull_buf_putc(b, (char)c));
                        i++;
                } else {
                        uint32_t u = hull_utf8_decode(s + i, n - i, &w);
                        HULL_TRY(u == HULL_RUNE_ERROR && w == 1 ? hull_buf_puts(b, "\xef\xbf\xbd")
                                                                : hull_buf_put(b, s + i, w));
                        i += w;
                }
        }
        return HULL_OK;
}

static int junit_name(struct hull_buf *b, const char *id, const char *pkg, const char *version,
                      const char *eco) {
        HULL_TRY(xml(b, id));
        HULL_TRY(hull_buf_puts(b, " in "));
        HULL_TRY(xml(b, pkg));
        HULL_TRY(hull_buf_puts(b, " "));
        HULL_TRY(xml(b, version));
        HULL_TRY(hull_buf_puts(b, " ("));
        HULL_TRY(xml(b, eco));
        return hull_buf_puts(b, ")");
}

int hull_report_vuln_junit(struct hull_buf *b, const struct hull_findings *f,
                           const struct hull_report_meta *m) {
        const struct hull_report_vuln *rv = m->vuln;
        size_t tests = f->n + rv->nsuppressed + (f->n ? 0 : 1);

        HULL_TRY(hull_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
        HULL_TRY(hull_buf_printf(b,
                                 "<testsuites name=\"%s %s\" tests=\"%zu\" failures=\"%zu\" "
                                 "skipped=\"%zu\">\n",
                                 m->tool, m->command, tests, f->n, rv->nsuppressed));
        HULL_TRY(hull_buf_puts(b, "  <testsuite name=\""));
        HULL_TRY(xml(b, rv->input));
        HULL_TRY(hull_buf_printf(
                b, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n", tests, f->n,
                rv->nsuppressed));
        for (size_t i = 0; i < f->n; i++) {
                const struct hull_finding_vuln *v = f->v[i].vuln;
                char sc[16];
                if (!v)
                        continue;
                HULL_TRY(hull_buf_puts(b, "    <testcase classname=\""));
                HULL_TRY(xml(b, rv->input));
                HULL_TRY(hull_buf_puts(b, "\" name=\""));
                HULL_TRY(junit_name(b, v->id, v->package, v->version, v->ecosystem));
                HULL_TRY(hull_buf_puts(b, "\">\n      <failure message=\""));
                HULL_TRY(xml(b, v->summary ? v->summary : v->id));
                HULL_TRY(hull_buf_printf(b, "\" type=\"%s\">", v->severity));
                HULL_TRY(xml(b, v->id));
                HULL_TRY(hull_buf_printf(b, ": severity %s (score %s, from ", v->severity,
                                         score_text(v->score, sc, sizeof(sc))));
                HULL_TRY(xml(b, v->severity_source));
                HULL_TRY(hull_buf_puts(b, "); "));
                if (v->fixed_version) {
                        HULL_TRY(hull_buf_puts(b, "fixed in "));
                        HULL_TRY(xml(b, v->fixed_version));
                } else {
                        HULL_TRY(hull_buf_puts(b, "no fix"));
                }
                if (v->url) {
                        HULL_TRY(hull_buf_puts(b, "; "));
                        HULL_TRY(xml(b, v->url));
                }
                HULL_TRY(hull_buf_puts(b, "\n</failure>\n    </testcase>\n"));
        }
        for (size_t i = 0; i < rv->nsuppressed; i++) {
                const struct hull_report_suppressed *s = &rv->suppressed[i];
                HULL_TRY(hull_buf_puts(b, "    <testcase classname=\""));
                HULL_TRY(xml(b, rv->input));
                HULL_TRY(hull_buf_puts(b, "\" name=\""));
                HULL_TRY(junit_name(b, s->id, s->package, s->version, s->ecosystem));
                HULL_TRY(hull_buf_printf(b, "\">\n      <skipped message=\"suppressed by %s ",
                                         s->by));
                HULL_TRY(xml(b, s->where));
                HULL_TRY(hull_buf_puts(b, ": "));
                HULL_TRY(xml(b, s->reason));
                HULL_TRY(hull_buf_puts(b, "\"/>\n    </testcase>\n"));
        }
        if (!f->n) {
                HULL_TRY(hull_buf_puts(b, "    <testcase classname=\""));
                HULL_TRY(xml(b, rv->input));
                HULL_TRY(hull_buf_printf(b,
                                         "\" name=\"no known vulnerabilities in %zu "
                                         "package%s\"/>\n",
                                         rv->packages, rv->packages == 1 ? "" : "s"));
        }
        HULL_TRY(hull_buf_puts(b, "  </testsuite>\n"));
        return hull_buf_puts(b, "</testsuites>\n");
}
