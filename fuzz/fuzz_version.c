/* fuzz_version.c - libFuzzer target for the version comparators
 * (vuln/version.h).
 *
 * Input: the first byte picks the scheme (modulo the number of schemes, so
 * the digits '0'...'7' name them in enum order: dpkg rpm apk semver pep440
 * maven go gem); the rest is split at its first two newlines into three
 * versions a, b and c (c keeps any further newlines).  Besides crashes and
 * sanitizer reports it aborts when an invariant breaks:
 *  - valid(v) holds exactly when cmp(v, v) succeeds, and then it gives 0;
 *  - cmp(x, y) succeeds exactly when both are valid, and gives -1, 0 or 1;
 *  - antisymmetry: cmp(x, y) == -cmp(y, x);
 *  - transitivity over every ordering of a, b, c: x <= y and y <= z imply
 *    x <= z, strictly when either step is strict; except for maven, whose
 *    reference order (ComparableVersion) is itself not transitive on real
 *    versions and which we follow pair by pair (vuln/version.h).
 * Seeds (fuzz/corpus/version/seed-<scheme>-NN): three versions at a time
 * from tests/vuln/versions/<scheme>.txt; fuzz/version.dict has the
 * schemes' separators and keywords. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(e)                                                                                   \
        do {                                                                                       \
                if (!(e)) {                                                                        \
                        fprintf(stderr, "fuzz_version: invariant broken: %s (line %d)\n", #e,      \
                                __LINE__);                                                         \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)

struct ver {
        const char *s;
        size_t n;
        bool valid;
        struct hull_version_key key;
        uint64_t hint;
};

static int cmp(enum hull_version_scheme s, const struct ver *x, const struct ver *y) {
        int r = 2, rr = 2, kr = 2;
        int rc = hull_version_cmp(s, x->s, x->n, y->s, y->n, &r);

        CHECK((rc == 0) == (x->valid && y->valid));
        CHECK((hull_version_key_cmp(&x->key, &y->key, &kr) == 0) == (rc == 0));
        if (rc != 0)
                return 2;
        CHECK(r == -1 || r == 0 || r == 1);
        CHECK(kr == r);
        CHECK(hull_version_cmp(s, y->s, y->n, x->s, x->n, &rr) == 0);
        CHECK(rr == -r);
        CHECK(r != 0 || !x->hint || !y->hint || x->hint == y->hint);
        return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct ver v[3];
        enum hull_version_scheme s;
        const char *p, *end;

        if (size < 1)
                return 0;
        s = (enum hull_version_scheme)(data[0] % _HULL_VERSION_SCHEME_MAX);
        p = (const char *)data + 1;
        end = (const char *)data + size;
        for (int i = 0; i < 3; i++) {
                const char *nl = i < 2 ? memchr(p, '\n', (size_t)(end - p)) : NULL;
                const char *e = nl ? nl : end;
                v[i].s = p;
                v[i].n = (size_t)(e - p);
                p = nl ? nl + 1 : end;
        }
        for (int i = 0; i < 3; i++) {
                int r = 2;
                v[i].valid = hull_version_valid(s, v[i].s, v[i].n);
                CHECK(hull_version_key_init(&v[i].key, s, v[i].s, v[i].n) == v[i].valid);
                CHECK(v[i].key.valid == v[i].valid);
                v[i].hint = hull_version_eq_hint(s, v[i].s, v[i].n);
                int rc = hull_version_cmp(s, v[i].s, v[i].n, v[i].s, v[i].n, &r);
                CHECK(v[i].valid == (rc == 0));
                CHECK(!v[i].valid || r == 0);
        }

        int r[3][3];
        for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                        r[i][j] = cmp(s, &v[i], &v[j]);
        if (!v[0].valid || !v[1].valid || !v[2].valid || s == HULL_VERSION_MAVEN)
                return 0;
        for (int x = 0; x < 3; x++)
                for (int y = 0; y < 3; y++)
                        for (int z = 0; z < 3; z++) {
                                if (x == y || y == z || x == z)
                                        continue;
                                if (r[x][y] <= 0 && r[y][z] <= 0) {
                                        CHECK(r[x][z] <= 0);
                                        if (r[x][y] < 0 || r[y][z] < 0)
                                                CHECK(r[x][z] < 0);
                                }
                        }
        return 0;
}
