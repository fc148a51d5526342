/* fuzz_dockerignore.c - libFuzzer target for the .dockerignore reader and
 * matcher (src/lint/dockerignore.c).
 *
 * Input: the ignore file, optionally followed by a NUL byte and paths, one
 * per line (without a NUL, a fixed set of paths is used).  Besides crashes,
 * sanitizer reports and time-outs (the matcher's step budget is lowered so a
 * hostile pattern cannot stall the run) it checks, aborting when one breaks:
 *  - a failed parse leaves a message; a pattern's kind and regexp agree;
 *  - matching is deterministic;
 *  - with no exception ('!') patterns, an excluded clean path excludes
 *    everything below it (a directory excluded means its content too);
 *  - reading the cleaned patterns back gives the same patterns (those a
 *    trim cannot change);
 *  - whether filepath.Match calls a pattern malformed does not depend on
 *    the name it is matched against. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/diag.h"
#include "basic/err.h"
#include "lint/dockerignore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(e)                                                                                   \
        do {                                                                                       \
                if (!(e)) {                                                                        \
                        fprintf(stderr, "fuzz_dockerignore: invariant broken: %s (line %d)\n", #e, \
                                __LINE__);                                                         \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)

#define BUDGET 2000000u

static const char *const default_paths[] = {
        "a",          "a/b",   "a/b/c.go",  ".git",     ".git/HEAD",
        "src/main.c", "x.pem", "dir/file/", "a b/.env", "\xff",
};

/* 1 excluded, 0 not, -1 error */
static int excluded(struct hull_dockerignore *ig, const char *path) {
        struct hull_diag d;
        bool ex = false;
        hull_diag_init(&d);
        hull_dockerignore_set_budget(ig, BUDGET);
        int r = hull_dockerignore_matches(ig, path, &ex, &d);
        if (r != HULL_OK) {
                CHECK(r == HULL_EPARSE || r == HULL_EUNSUPPORTED || r == HULL_ELIMIT ||
                      r == HULL_ENOMEM);
                CHECK(d.msg[0] != '\0' || r == HULL_ENOMEM);
                return -1;
        }
        return ex;
}

static bool is_clean(const char *p) {
        size_t n = strlen(p);
        char *c = malloc(n + 2);
        bool ok;
        if (!c)
                return false;
        hull_dockerignore_clean(p, n, c);
        ok = strcmp(c, p) == 0 && p[0] != '/' && strcmp(p, ".") != 0;
        free(c);
        return ok;
}

static void check_path(struct hull_dockerignore *ig, const char *path) {
        int a = excluded(ig, path), b = excluded(ig, path);
        CHECK(a == b);
        if (a == 1 && !hull_dockerignore_has_exceptions(ig) && is_clean(path) &&
            strlen(path) < 4000) {
                char child[4100];
                snprintf(child, sizeof(child), "%s/x", path);
                int c = excluded(ig, child);
                CHECK(c == 1 || c == -1);
        }
}

/* Patterns that read back unchanged: not exceptions (their text may keep
 * inner whitespace after the '!'), not comments, and not starting or ending
 * with what a trim could remove (Clean can expose spaces: "a /  /" -> "a "),
 * nor with a slash (only ReadAll drops one, before New trims again) */
static bool reads_back(const struct hull_dockerignore_pattern *q) {
        unsigned char a = (unsigned char)q->text[0], z = (unsigned char)q->text[q->len - 1];
        return !q->exclusion && a != '#' && a != '/' && !memchr(q->text, '\0', q->len) && a > ' ' &&
               a < 0x80 && z > ' ' && z < 0x80;
}

static void check_roundtrip(const struct hull_dockerignore *ig) {
        size_t n = hull_dockerignore_count(ig), len = 1;
        for (size_t i = 0; i < n; i++)
                len += hull_dockerignore_get(ig, i)->len + 1;
        char *text = malloc(len + 1), *p = text;
        if (!text)
                return;
        *p++ = '\n'; /* no BOM handling on line 1 */
        size_t want = 0;
        for (size_t i = 0; i < n; i++) {
                const struct hull_dockerignore_pattern *q = hull_dockerignore_get(ig, i);
                if (!reads_back(q))
                        continue;
                memcpy(p, q->text, q->len);
                p += q->len;
                *p++ = '\n';
                want++;
        }
        struct hull_dockerignore *ig2 = NULL;
        struct hull_diag d;
        hull_diag_init(&d);
        int r = hull_dockerignore_parse(text, (size_t)(p - text), NULL, &ig2, &d);
        CHECK(r == HULL_OK || r == HULL_ENOMEM);
        if (r == HULL_OK) {
                CHECK(hull_dockerignore_count(ig2) == want);
                for (size_t i = 0, k = 0; i < n; i++) {
                        const struct hull_dockerignore_pattern *q = hull_dockerignore_get(ig, i);
                        if (!reads_back(q))
                                continue;
                        const struct hull_dockerignore_pattern *q2 =
                                hull_dockerignore_get(ig2, k++);
                        CHECK(q2->len == q->len && memcmp(q2->text, q->text, q->len) == 0);
                        CHECK(q2->kind == q->kind);
                }
        }
        hull_dockerignore_free(ig2);
        free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *s = (const char *)data;
        const char *nul = memchr(s, '\0', size);
        size_t ilen = nul ? (size_t)(nul - s) : size;
        struct hull_dockerignore *ig = NULL;
        struct hull_diag d;
        int r;

        if (size > 1 << 20)
                return 0;
        hull_diag_init(&d);
        r = hull_dockerignore_parse(s, ilen, "fuzz", &ig, &d);
        if (r != HULL_OK) {
                CHECK(r == HULL_EPARSE || r == HULL_ELIMIT || r == HULL_ENOMEM);
                CHECK(d.msg[0] != '\0' || r == HULL_ENOMEM);
                CHECK(ig == NULL);
        } else {
                for (size_t i = 0; i < hull_dockerignore_count(ig); i++) {
                        const struct hull_dockerignore_pattern *q = hull_dockerignore_get(ig, i);
                        CHECK((q->kind == HULL_DOCKERIGNORE_REGEXP) == (q->regex != NULL));
                        CHECK(q->len == strlen(q->text) || memchr(q->text, '\0', q->len));
                        if (q->kind == HULL_DOCKERIGNORE_PREFIX ||
                            q->kind == HULL_DOCKERIGNORE_SUFFIX)
                                CHECK(q->len >= 2);
                }
                check_roundtrip(ig);
        }

        /* paths */
        const char *paths[64];
        size_t np = 0;
        char *buf = NULL;
        if (nul) {
                size_t pl = size - ilen - 1;
                buf = malloc(pl + 1);
                if (!buf)
                        goto out;
                memcpy(buf, nul + 1, pl);
                buf[pl] = '\0';
                for (char *p = buf, *e; p && np < 64; p = e ? e + 1 : NULL) {
                        e = strchr(p, '\n');
                        if (e)
                                *e = '\0';
                        paths[np++] = p;
                }
        } else {
                for (size_t i = 0; i < sizeof(default_paths) / sizeof(*default_paths); i++)
                        paths[np++] = default_paths[i];
        }
        for (size_t i = 0; ig && i < np; i++)
                check_path(ig, paths[i]);

        /* filepath.Match: malformed or not, whatever the name */
        {
                const char *e = memchr(s, '\n', ilen);
                size_t pl = e ? (size_t)(e - s) : ilen;
                bool m;
                int r0 = hull_dockerignore_filepath_match(s, pl, ".", 1, &m);
                for (size_t i = 0; i < np; i++) {
                        int r1 = hull_dockerignore_filepath_match(s, pl, paths[i], strlen(paths[i]),
                                                                  &m);
                        CHECK((r0 == HULL_EPARSE) == (r1 == HULL_EPARSE));
                }
        }
out:
        free(buf);
        hull_dockerignore_free(ig);
        return 0;
}
