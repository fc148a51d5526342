/* runner.h - what the data-driven rule runners share (tests/rules/run_rules.c
 * for Dockerfile rules, tests/audit/run_audit.c for image rules): TAP lines
 * and counters, reading one <ID>.test file, and the main loop over a
 * directory of them that also checks every rule of the kind has a file.
 *
 * A runner supplies run_file(), which splits its file into cases (lines
 * starting with "---") and reports each with runner_case(), then the file's
 * runner_counts().  Header-only, one runner per program: the TAP counters
 * (tap.h) are this program's. */
#ifndef HULL_TESTS_RUNNER_H
#define HULL_TESTS_RUNNER_H

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "basic/buf.h"
#include "basic/diag.h"
#include "basic/fileio.h"
#include "lint/engine.h"
#include "tap.h"

/* Buffers hold test text: running out is a test failure, not a crash. */
static inline void put(struct hull_buf *b, const char *s, size_t n) {
        if (hull_buf_put(b, s, n) != 0)
                nfail++;
}

static inline void rm_rf(const char *dir) {
        char cmd[4200];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        if (system(cmd) != 0)
                fprintf(stderr, "# cannot remove %s\n", dir);
}

/* The TAP line of one case ("ok N - ID: name", or "not ok ... # why"),
 * counted as firing (expects findings) or quiet. */
static inline void runner_case(const char *id, const char *name, int ok, int fires, const char *why,
                               int *nfire, int *nquiet) {
        if (fires)
                (*nfire)++;
        else
                (*nquiet)++;
        tap(ok, "%s: %s%s%s", id, name, ok ? "" : " # ", ok ? "" : why);
}

/* The last line of a file: enough cases of both kinds. */
static inline void runner_counts(const char *id, int nfire, int nquiet) {
        tap(nfire >= 5 && nquiet >= 5, "%s: %d firing, %d quiet cases (need 5 and 5)", id, nfire,
            nquiet);
}

/* Read the test file path whole into *ret_data (free it) and its rule id
 * (the name up to the first '.') into id.  The rule must be one this runner
 * runs (audit: an image rule, else any) and have docs_dir/<ID>.md.  False,
 * reported, when the file cannot be read or names no such rule. */
static inline bool runner_read(const char *path, const char *docs_dir, bool audit, char id[32],
                               char **ret_data) {
        const char *base = strrchr(path, '/');
        const struct hull_rule *rule;
        struct hull_diag d;
        char doc[4096];
        struct stat st;
        size_t len;

        base = base ? base + 1 : path;
        snprintf(id, 32, "%.*s", (int)strcspn(base, "."), base);
        hull_diag_init(&d);
        if (hull_read_file(path, 1 << 24, ret_data, &len, &d) != 0) {
                tap(0, "%s: cannot read", path);
                return false;
        }
        rule = hull_rule_find(id);
        if (!rule || (audit && !rule->audit)) {
                tap(0, "%s: no %s %s in %s", path, audit ? "audit rule" : "rule", id,
                    audit ? "src/audit/rules.list" : "src/lint/rules.list");
                free(*ret_data);
                return false;
        }
        snprintf(doc, sizeof(doc), "%s/%s.md", docs_dir, id);
        if (stat(doc, &st) != 0)
                tap(0, "%s: missing %s", id, doc);
        return true;
}

static inline int runner_cmpstr(const void *a, const void *b) {
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* main(): run_file() on every <ID>.test of argv[1] (default dir; RULE=HS20
 * keeps the matching names), in name order, with argv[2] (default
 * docs/rules) as docs_dir; then check every lint (or audit) rule has a
 * file.  Prints the TAP plan; returns the exit status. */
static inline int runner_main(int argc, char **argv, const char *default_dir, bool audit,
                              void (*run_file)(const char *path, const char *dir,
                                               const char *docs_dir)) {
        const char *dir = argc > 1 ? argv[1] : default_dir;
        const char *docs = argc > 2 ? argv[2] : "docs/rules";
        const char *only = getenv("RULE");
        DIR *dd = opendir(dir);
        char *names[1024];
        size_t n = 0;
        struct dirent *de;

        if (!dd) {
                printf("1..0 # SKIP no %s\n", dir);
                return 0;
        }
        while ((de = readdir(dd)) && n < 1024) {
                size_t l = strlen(de->d_name);
                if (l > 5 && strcmp(de->d_name + l - 5, ".test") == 0 &&
                    (!only || strncmp(de->d_name, only, strlen(only)) == 0))
                        names[n++] = strdup(de->d_name);
        }
        closedir(dd);
        qsort(names, n, sizeof(*names), runner_cmpstr);
        for (size_t i = 0; i < n; i++) {
                char path[4096];
                snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
                run_file(path, dir, docs);
                free(names[i]);
        }
        for (size_t r = 0; hull_rules[r] && !only; r++) {
                char path[4096];
                struct stat st;
                if (audit ? !hull_rules[r]->audit : !hull_rules[r]->check)
                        continue;
                snprintf(path, sizeof(path), "%s/%s.test", dir, hull_rules[r]->id);
                if (stat(path, &st) != 0)
                        tap(0, "%s: no test file %s", hull_rules[r]->id, path);
        }
        printf("1..%d\n", ntest);
        return nfail ? 1 : 0;
}

#endif
