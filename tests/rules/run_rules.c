/* run_rules.c - runs tests/rules/<ID>.test files (hadolint's one spec per rule,
 * jq's tests-as-data).  TAP output, one line per case.
 *
 * A file holds cases separated by lines starting with "---" (the rest of the
 * line names the case).  A case is:
 *   optional directives, each on a line starting with '%':
 *     %build-arg NAME=VALUE      as --build-arg
 *     %target NAME               as --target
 *     %name FILENAME             the Dockerfile's name (default Dockerfile)
 *     %file PATH                 a file of the build context; its content is
 *     ...                        the following lines, up to a line "%end"
 *     %end
 *     %allow-secret VALUE        a secret allow-list entry (.hullscan.yaml)
 *     %trusted-registry HOST     a trusted registry (.hullscan.yaml)
 *   the Dockerfile text;
 *   a last line "expect: ID@LINE ..." (the findings of the file's rule, any
 *   order, a line repeated when it fires twice there) or "expect: none".
 * With a %file, the context is a fresh temporary directory holding the files
 * and the Dockerfile; without, the build context is unknown.
 * Each file must hold at least five cases that fire and five that do not,
 * and its rule must exist and have docs/rules/<ID>.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/buf.h"
#include "dockerfile/parser.h"
#include "dockerfile/stages.h"
#include "lint/engine.h"
#include "runner.h"

static int mkdirs(const char *path) {
        char tmp[4096];
        snprintf(tmp, sizeof(tmp), "%s", path);
        for (char *p = tmp + 1; *p; p++)
                if (*p == '/') {
                        *p = 0;
                        if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
                                return -1;
                        *p = '/';
                }
        return 0;
}

static int write_file(const char *path, const char *data, size_t n) {
        FILE *f;
        if (mkdirs(path) < 0 || !(f = fopen(path, "w")))
                return -1;
        fwrite(data, 1, n, f);
        return fclose(f);
}

static int cmp_uns(const void *a, const void *b) {
        unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
        return x < y ? -1 : x > y;
}

struct kase {
        const char *name;
        struct hull_buf df;
        struct hull_buf files; /* "path\0content\0" pairs */
        size_t nfiles;
        struct hull_df_build_arg bargs[16];
        size_t nbargs;
        const char *target, *dfname;
        const char *allow[16];
        size_t nallow;
        const char *trusted[16];
        size_t ntrusted;
        const char *expect;
};

/* Runs one case; returns 1 when it passed, and sets *fires. */
static int run_case(const char *rule_id, struct kase *k, int *fires, char *why, size_t whysz) {
        char dir[] = "/tmp/hullscan-rule-XXXXXX";
        bool have_ctx = k->nfiles > 0;
        struct hull_dockerfile *df = NULL;
        struct hull_df_model *m = NULL;
        struct hull_findings out;
        struct hull_diag d;
        unsigned want[64], got[64];
        size_t nwant = 0, ngot = 0;
        int ok = 0;

        hull_diag_init(&d);
        hull_findings_init(&out);
        *fires = strcmp(k->expect, "none") != 0;
        if (*fires) {
                char *e = strdup(k->expect), *save = NULL;
                for (char *t = strtok_r(e, " \t", &save); t && nwant < 64;
                     t = strtok_r(NULL, " \t", &save)) {
                        char *at = strchr(t, '@');
                        if (!at || (size_t)(at - t) != strlen(rule_id) ||
                            strncmp(t, rule_id, strlen(rule_id))) {
                                snprintf(why, whysz, "bad expectation '%s' (want %s@LINE)", t,
                                         rule_id);
                                free(e);
                                return 0;
                        }
                        want[nwant++] = (unsigned)strtoul(at + 1, NULL, 10);
                }
                free(e);
        }
        if (have_ctx) {
                if (!mkdtemp(dir)) {
                        snprintf(why, whysz, "mkdtemp: %s", strerror(errno));
                        return 0;
                }
                const char *p = k->files.data;
                for (size_t i = 0; i < k->nfiles; i++) {
                        const char *content = p + strlen(p) + 1;
                        char path[4096];
                        snprintf(path, sizeof(path), "%s/%s", dir, p);
                        if (write_file(path, content, strlen(content)) < 0) {
                                snprintf(why, whysz, "cannot write %.1000s", path);
                                goto out;
                        }
                        p = content + strlen(content) + 1;
                }
                char path[4096];
                snprintf(path, sizeof(path), "%s/%s", dir, k->dfname);
                write_file(path, k->df.data ? k->df.data : "", k->df.len);
        }
        if (hull_df_parse(k->df.data ? k->df.data : "", k->df.len, k->dfname, &df, &d) != 0 ||
            hull_df_model_build(df, &(struct hull_df_options){k->bargs, k->nbargs, k->target, NULL},
                                &m, &d) != 0) {
                char msg[800];
                hull_diag_format(&d, msg, sizeof(msg));
                snprintf(why, whysz, "does not parse: %.700s", msg);
                goto out;
        }
        struct hull_lint_config cfg = {
                .secret_allowlist = k->allow,
                .nallow = k->nallow,
                .trusted_registries = k->trusted,
                .ntrusted = k->ntrusted,
        };
        struct hull_lint_input in = {
                .path = k->dfname,
                .context_dir = have_ctx ? dir : NULL,
                .dockerfile_dir = have_ctx ? dir : NULL,
                .dockerfile_base = k->dfname,
                .df = df,
                .m = m,
        };
        if (hull_lint_run(&in, &cfg, &out, &d) != 0) {
                snprintf(why, whysz, "lint failed");
                goto out;
        }
        for (size_t i = 0; i < out.n && ngot < 64; i++)
                if (strcmp(out.v[i].rule_id, rule_id) == 0)
                        got[ngot++] = out.v[i].line;
        qsort(want, nwant, sizeof(*want), cmp_uns);
        qsort(got, ngot, sizeof(*got), cmp_uns);
        ok = nwant == ngot && memcmp(want, got, nwant * sizeof(*want)) == 0;
        if (!ok) {
                size_t l = (size_t)snprintf(why, whysz, "got:");
                for (size_t i = 0; i < out.n && l < whysz; i++)
                        if (strcmp(out.v[i].rule_id, rule_id) == 0)
                                l += (size_t)snprintf(why + l, whysz - l, " %s@%u (%s)",
                                                      out.v[i].rule_id, out.v[i].line,
                                                      out.v[i].message);
                if (ngot == 0 && l < whysz)
                        snprintf(why + l, whysz - l, " none");
        }
out:
        if (have_ctx)
                rm_rf(dir);
        hull_findings_release(&out);
        hull_df_model_free(m);
        hull_dockerfile_free(df);
        return ok;
}

static void run_file(const char *path, const char *dir, const char *docs_dir) {
        char *data = NULL, id[32];
        int nfire = 0, nquiet = 0;

        (void)dir;
        if (!runner_read(path, docs_dir, false, id, &data))
                return;

        /* split into cases */
        struct kase k;
        bool in_case = false, in_file = false;
        memset(&k, 0, sizeof(k));
        char *line = data, *next;
        for (; line && *line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                if (!in_case) {
                        if (strncmp(line, "---", 3) == 0) {
                                in_case = true;
                                memset(&k, 0, sizeof(k));
                                hull_buf_init(&k.df, 1 << 20);
                                hull_buf_init(&k.files, 1 << 20);
                                k.name = line + 3 + strspn(line + 3, " ");
                                k.dfname = "Dockerfile";
                        }
                        continue;
                }
                if (in_file) {
                        if (strcmp(line, "%end") == 0) {
                                in_file = false;
                                put(&k.files, "", 1);
                        } else {
                                put(&k.files, line, strlen(line));
                                put(&k.files, "\n", 1);
                        }
                        continue;
                }
                if (k.df.len == 0 && line[0] == '%') {
                        if (strncmp(line, "%file ", 6) == 0) {
                                put(&k.files, line + 6, strlen(line + 6));
                                put(&k.files, "", 1);
                                k.nfiles++;
                                in_file = true;
                        } else if (strncmp(line, "%build-arg ", 11) == 0 && k.nbargs < 16) {
                                char *eq = strchr(line + 11, '=');
                                if (eq) {
                                        *eq = '\0';
                                        k.bargs[k.nbargs++] =
                                                (struct hull_df_build_arg){line + 11, eq + 1};
                                }
                        } else if (strncmp(line, "%target ", 8) == 0) {
                                k.target = line + 8;
                        } else if (strncmp(line, "%name ", 6) == 0) {
                                k.dfname = line + 6;
                        } else if (strncmp(line, "%allow-secret ", 14) == 0 && k.nallow < 16) {
                                k.allow[k.nallow++] = line + 14;
                        } else if (strncmp(line, "%trusted-registry ", 18) == 0 &&
                                   k.ntrusted < 16) {
                                k.trusted[k.ntrusted++] = line + 18;
                        } else {
                                tap(0, "%s: unknown directive %s", id, line);
                        }
                        continue;
                }
                if (strncmp(line, "expect:", 7) == 0) {
                        char why[2048] = "";
                        int fires;
                        k.expect = line + 7 + strspn(line + 7, " ");
                        int ok = run_case(id, &k, &fires, why, sizeof(why));
                        runner_case(id, k.name, ok, fires, why, &nfire, &nquiet);
                        hull_buf_release(&k.df);
                        hull_buf_release(&k.files);
                        in_case = false;
                        continue;
                }
                put(&k.df, line, strlen(line));
                put(&k.df, "\n", 1);
        }
        if (in_case) {
                tap(0, "%s: last case has no expect: line", id);
                hull_buf_release(&k.df);
                hull_buf_release(&k.files);
        }
        runner_counts(id, nfire, nquiet);
        free(data);
}

int main(int argc, char **argv) {
        return runner_main(argc, argv, "tests/rules", false, run_file);
}
