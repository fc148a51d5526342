/* run_audit.c - runs tests/audit/<ID>.test files: each case is an image
 * built from a fixture spec (tests/fixture/fixture.h), opened, scanned and
 * audited like `hullscan image` does it; the findings of the file's rule
 * must be the expected ones.  TAP output, one line per case.
 *
 * A file holds cases separated by lines starting with "---" (the rest of
 * the line names the case).  A case is:
 *   directives, lines starting with '%' (anywhere in the case):
 *     %format SHAPE              fixture shape: docker-classic (default),
 *                                docker-oci, docker-skopeo, oci, oci-archive
 *     %compression KIND          gzip (default), zstd, none (oci shapes)
 *     %allow-secret VALUE        a secret allow-list entry (.hullscan.yaml)
 *     %facts KEY=VALUE ...       also check the audit facts: os_id,
 *                                os_version_id, shell, package_manager, user,
 *                                nlayers, runs_as_root, has_passwd, minimal
 *                                (booleans 0/1, absent strings "-")
 *   the fixture spec lines (tag, config, history, layer, file, ...);
 *   a last line "expect: ID@PLACE ..." (any order, a place repeated when
 *   the rule fires twice there) or "expect: none".
 * PLACE is the finding's image_field when set (config.User,
 * history[2].created_by), else "/" + image_path (/usr/bin/su), else "-";
 * a suffix "#N" also asserts the layer, "~N" that the file was deleted in
 * layer N (HS4006@/app/.env#1~2).
 * Each file must hold at least five cases that fire and five that do not;
 * its rule must exist, be an audit rule and have docs/rules/<ID>.md; every
 * audit rule must have a file.  RULE=HS40 runs only matching files;
 * AUDIT_VERBOSE=1 prints every finding of the rule as a TAP comment. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "basic/buf.h"
#include "basic/err.h"
#include "fixture.h"
#include "image/image.h"
#include "image/scan.h"
#include "runner.h"

#define MAX_EXPECT 64

struct kase {
        const char *name;
        unsigned line; /* of the "---" line */
        struct hull_buf spec;
        enum fixture_format format;
        enum fixture_compression compression;
        const char *allow[16];
        size_t nallow;
        const char *facts; /* %facts line, or NULL */
        const char *expect;
        char bad[256]; /* a directive error */
};

struct place {
        char text[1100];
        long layer;      /* -1: not asserted / none */
        long deleted_in; /* -1: not asserted / not deleted */
        bool used;
};

/* Parse a digit suffix "<c>N" off the end of s; -1 when there is none. */
static long strip_suffix(char *s, char c) {
        char *p = strrchr(s, c);
        if (!p || !p[1] || strspn(p + 1, "0123456789") != strlen(p + 1))
                return -1;
        long v = strtol(p + 1, NULL, 10);
        *p = '\0';
        return v;
}

static void finding_place(const struct hull_finding *f, struct place *p) {
        if (f->image_field)
                snprintf(p->text, sizeof(p->text), "%s", f->image_field);
        else if (f->image_path)
                snprintf(p->text, sizeof(p->text), "/%s", f->image_path);
        else
                snprintf(p->text, sizeof(p->text), "-");
        p->layer = f->has_layer ? (long)f->layer : -1;
        p->deleted_in = f->deleted ? (long)f->deleted_in : -1;
        p->used = false;
}

static const char *str_or_dash(const char *s) {
        return s ? s : "-";
}

/* Compare the %facts line with the facts; a mismatch is described in why. */
static bool check_facts(const char *spec, const struct hull_audit_facts *f, char *why,
                        size_t whysz) {
        char *s = strdup(spec), *save = NULL;
        bool ok = true;

        for (char *t = strtok_r(s, " \t", &save); t && ok; t = strtok_r(NULL, " \t", &save)) {
                char *eq = strchr(t, '='), got[64];
                if (!eq) {
                        snprintf(why, whysz, "bad %%facts item '%s'", t);
                        ok = false;
                        break;
                }
                *eq = '\0';
                const char *v = eq + 1;
                if (strcmp(t, "os_id") == 0)
                        snprintf(got, sizeof(got), "%s", str_or_dash(f->os_id));
                else if (strcmp(t, "os_version_id") == 0)
                        snprintf(got, sizeof(got), "%s", str_or_dash(f->os_version_id));
                else if (strcmp(t, "shell") == 0)
                        snprintf(got, sizeof(got), "%s", str_or_dash(f->shell));
                else if (strcmp(t, "package_manager") == 0)
                        snprintf(got, sizeof(got), "%s", str_or_dash(f->package_manager));
                else if (strcmp(t, "user") == 0)
                        snprintf(got, sizeof(got), "%s", str_or_dash(f->user));
                else if (strcmp(t, "nlayers") == 0)
                        snprintf(got, sizeof(got), "%u", f->nlayers);
                else if (strcmp(t, "runs_as_root") == 0)
                        snprintf(got, sizeof(got), "%d", f->runs_as_root);
                else if (strcmp(t, "has_passwd") == 0)
                        snprintf(got, sizeof(got), "%d", f->has_passwd);
                else if (strcmp(t, "minimal") == 0)
                        snprintf(got, sizeof(got), "%d", f->minimal);
                else {
                        snprintf(why, whysz, "unknown fact '%s'", t);
                        ok = false;
                        break;
                }
                if (strcmp(got, v) != 0) {
                        snprintf(why, whysz, "fact %s: got '%s', want '%s'", t, got, v);
                        ok = false;
                }
        }
        free(s);
        return ok;
}

/* Parse the expectations; false (why filled) when one is malformed. */
static bool parse_expect(const char *rule_id, const char *expect, struct place *want, size_t *ret_n,
                         char *why, size_t whysz) {
        char *e = strdup(expect), *save = NULL;
        size_t n = 0, idl = strlen(rule_id);

        for (char *t = strtok_r(e, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
                if (strncmp(t, rule_id, idl) != 0 || t[idl] != '@' || !t[idl + 1] ||
                    n == MAX_EXPECT) {
                        snprintf(why, whysz, "bad expectation '%.200s' (want %s@PLACE)", t,
                                 rule_id);
                        free(e);
                        return false;
                }
                struct place *p = &want[n++];
                snprintf(p->text, sizeof(p->text), "%s", t + idl + 1);
                p->deleted_in = strip_suffix(p->text, '~');
                p->layer = strip_suffix(p->text, '#');
                p->used = false;
        }
        free(e);
        *ret_n = n;
        return true;
}

static int nconstraints(const struct place *p) {
        return (p->layer >= 0) + (p->deleted_in >= 0);
}

static int cmp_constraints(const void *a, const void *b) {
        return nconstraints(b) - nconstraints(a);
}

/* Every expectation matched by a distinct finding, and nothing left over;
 * the most constrained expectations pick first. */
static bool match(struct place *want, size_t nwant, struct place *got, size_t ngot) {
        if (nwant != ngot)
                return false;
        qsort(want, nwant, sizeof(*want), cmp_constraints);
        for (size_t i = 0; i < nwant; i++) {
                bool found = false;
                for (size_t j = 0; j < ngot && !found; j++) {
                        if (got[j].used || strcmp(got[j].text, want[i].text) != 0 ||
                            (want[i].layer >= 0 && got[j].layer != want[i].layer) ||
                            (want[i].deleted_in >= 0 && got[j].deleted_in != want[i].deleted_in))
                                continue;
                        got[j].used = found = true;
                }
                if (!found)
                        return false;
        }
        return true;
}

/* Runs one case; returns 1 when it passed, and sets *fires. */
static int run_case(const char *rule_id, const char *basedir, struct kase *k, int *fires, char *why,
                    size_t whysz) {
        char dir[] = "/tmp/hullscan-audit-XXXXXX", out[4200], err[1024], name[256];
        struct hull_image *img = NULL;
        struct hull_scan *scan = NULL;
        struct hull_findings found;
        struct hull_arena fa = HULL_ARENA_INIT;
        struct hull_audit_facts facts;
        struct hull_diag d;
        struct place want[MAX_EXPECT], *got = NULL;
        size_t nwant = 0, ngot = 0;
        int ok = 0;

        hull_diag_init(&d);
        hull_findings_init(&found);
        *fires = strcmp(k->expect, "none") != 0;
        if (k->bad[0]) {
                snprintf(why, whysz, "%s", k->bad);
                return 0;
        }
        if (*fires && !parse_expect(rule_id, k->expect, want, &nwant, why, whysz))
                return 0;
        if (!mkdtemp(dir)) {
                snprintf(why, whysz, "mkdtemp: %s", strerror(errno));
                return 0;
        }
        snprintf(out, sizeof(out), "%s/%s", dir, k->format == FIXTURE_OCI ? "oci" : "image.tar");
        snprintf(name, sizeof(name), "%s.test:%u", rule_id, k->line);
        struct fixture_opts fo = {
                .format = k->format,
                .compression = k->compression,
                .basedir = basedir,
        };
        if (fixture_build(k->spec.data ? k->spec.data : "", k->spec.len, name, &fo, out, err,
                          sizeof(err)) != 0) {
                snprintf(why, whysz, "fixture: %.900s", err);
                goto done;
        }
        if (hull_image_open(&img, out, &(struct hull_image_opts){0}, &d) != HULL_OK) {
                hull_diag_format(&d, err, sizeof(err));
                snprintf(why, whysz, "open: %.900s", err);
                goto done;
        }
        struct hull_scan_opts so = {
                .threads = 2,
                .capture = hull_audit_capture,
        };
        if (hull_scan_run(img, &so, &scan, &d) != HULL_OK) {
                hull_diag_format(&d, err, sizeof(err));
                snprintf(why, whysz, "scan: %.900s", err);
                goto done;
        }
        struct hull_lint_config cfg = {
                .secret_allowlist = k->allow,
                .nallow = k->nallow,
        };
        if (hull_audit_run(img, scan, &cfg, &found, &fa, &facts, &d) != HULL_OK) {
                hull_diag_format(&d, err, sizeof(err));
                snprintf(why, whysz, "audit: %.900s", err);
                goto done;
        }
        got = calloc(found.n ? found.n : 1, sizeof(*got));
        if (!got) {
                snprintf(why, whysz, "out of memory");
                goto done;
        }
        for (size_t i = 0; i < found.n; i++)
                if (strcmp(found.v[i].rule_id, rule_id) == 0)
                        finding_place(&found.v[i], &got[ngot++]);
        if (getenv("AUDIT_VERBOSE"))
                for (size_t i = 0; i < found.n; i++)
                        if (strcmp(found.v[i].rule_id, rule_id) == 0)
                                printf("# %s@%s: %s%s%s\n", rule_id,
                                       found.v[i].image_field  ? found.v[i].image_field
                                       : found.v[i].image_path ? found.v[i].image_path
                                                               : "-",
                                       found.v[i].message, found.v[i].created_by ? " | " : "",
                                       found.v[i].created_by ? found.v[i].created_by : "");
        ok = match(want, nwant, got, ngot);
        if (!ok) {
                size_t l = (size_t)snprintf(why, whysz, "got:");
                for (size_t i = 0; i < found.n && l < whysz; i++) {
                        const struct hull_finding *f = &found.v[i];
                        struct place p;
                        if (strcmp(f->rule_id, rule_id) != 0)
                                continue;
                        finding_place(f, &p);
                        l += (size_t)snprintf(why + l, whysz - l, " %s@%s", f->rule_id, p.text);
                        if (l < whysz && p.layer >= 0)
                                l += (size_t)snprintf(why + l, whysz - l, "#%ld", p.layer);
                        if (l < whysz && p.deleted_in >= 0)
                                l += (size_t)snprintf(why + l, whysz - l, "~%ld", p.deleted_in);
                        if (l < whysz)
                                l += (size_t)snprintf(why + l, whysz - l, " (%s)", f->message);
                }
                if (ngot == 0 && l < whysz)
                        snprintf(why + l, whysz - l, " none");
        } else if (k->facts) {
                ok = check_facts(k->facts, &facts, why, whysz);
        }
done:
        free(got);
        hull_findings_release(&found);
        hull_arena_release(&fa);
        hull_scan_free(scan);
        hull_image_free(img);
        rm_rf(dir);
        return ok;
}

static void directive(struct kase *k, char *line) {
        if (strncmp(line, "%format ", 8) == 0) {
                int f = fixture_format_from_string(line + 8);
                if (f < 0)
                        snprintf(k->bad, sizeof(k->bad), "unknown format '%.100s'", line + 8);
                else
                        k->format = (enum fixture_format)f;
        } else if (strncmp(line, "%compression ", 13) == 0) {
                int c = fixture_compression_from_string(line + 13);
                if (c < 0)
                        snprintf(k->bad, sizeof(k->bad), "unknown compression '%.100s'", line + 13);
                else
                        k->compression = (enum fixture_compression)c;
        } else if (strncmp(line, "%allow-secret ", 14) == 0 && k->nallow < 16) {
                k->allow[k->nallow++] = line + 14;
        } else if (strncmp(line, "%facts ", 7) == 0) {
                k->facts = line + 7;
        } else {
                snprintf(k->bad, sizeof(k->bad), "unknown directive '%.100s'", line);
        }
}

static void run_file(const char *path, const char *dir, const char *docs_dir) {
        char *data = NULL, id[32];
        int nfire = 0, nquiet = 0;
        unsigned lineno = 0;

        if (!runner_read(path, docs_dir, true, id, &data))
                return;
        struct kase k;
        bool in_case = false;
        memset(&k, 0, sizeof(k));
        char *line = data, *next;
        for (; line && *line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                lineno++;
                if (strncmp(line, "---", 3) == 0) {
                        if (in_case) {
                                tap(0, "%s: case '%s' has no expect: line", id, k.name);
                                hull_buf_release(&k.spec);
                        }
                        in_case = true;
                        memset(&k, 0, sizeof(k));
                        hull_buf_init(&k.spec, 1 << 20);
                        k.name = line + 3 + strspn(line + 3, " ");
                        k.line = lineno;
                        k.format = FIXTURE_DOCKER_CLASSIC;
                        k.compression = FIXTURE_GZIP;
                        continue;
                }
                if (!in_case)
                        continue;
                if (line[0] == '%') {
                        directive(&k, line);
                        continue;
                }
                if (strncmp(line, "expect:", 7) == 0) {
                        char why[4096] = "";
                        int fires;
                        k.expect = line + 7 + strspn(line + 7, " ");
                        int ok = run_case(id, dir, &k, &fires, why, sizeof(why));
                        runner_case(id, k.name, ok, fires, why, &nfire, &nquiet);
                        hull_buf_release(&k.spec);
                        in_case = false;
                        continue;
                }
                put(&k.spec, line, strlen(line));
                put(&k.spec, "\n", 1);
        }
        if (in_case) {
                tap(0, "%s: last case has no expect: line", id);
                hull_buf_release(&k.spec);
        }
        runner_counts(id, nfire, nquiet);
        free(data);
}

int main(int argc, char **argv) {
        return runner_main(argc, argv, "tests/audit", true, run_file);
}
