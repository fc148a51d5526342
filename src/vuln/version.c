/* version.c - scheme names and the dispatch to one comparator per scheme.
 *
 * Each version_<scheme>.c implements its reference tool's ordering and
 * validity in one function, hull_version_cmp_<scheme>(); validity is defined
 * through it (a version is valid when it compares with itself), so a scheme
 * cannot accept a version it would refuse to compare. */
#include <stdint.h>
#include <string.h>

#include "basic/alloc.h"
#include "vuln/version.h"
#include "vuln/version_util.h"

typedef int (*version_cmp_fn)(const char *a, size_t an, const char *b, size_t bn, int *ret);

static const char *const scheme_names[_HULL_VERSION_SCHEME_MAX] = {
        [HULL_VERSION_DPKG] = "dpkg",     [HULL_VERSION_RPM] = "rpm",
        [HULL_VERSION_APK] = "apk",       [HULL_VERSION_SEMVER] = "semver",
        [HULL_VERSION_PEP440] = "pep440", [HULL_VERSION_MAVEN] = "maven",
        [HULL_VERSION_GO] = "go",         [HULL_VERSION_GEM] = "gem",
};

static const version_cmp_fn scheme_cmp[_HULL_VERSION_SCHEME_MAX] = {
        [HULL_VERSION_DPKG] = hull_version_cmp_dpkg,
        [HULL_VERSION_RPM] = hull_version_cmp_rpm,
        [HULL_VERSION_APK] = hull_version_cmp_apk,
        [HULL_VERSION_SEMVER] = hull_version_cmp_semver,
        [HULL_VERSION_PEP440] = hull_version_cmp_pep440,
        [HULL_VERSION_MAVEN] = hull_version_cmp_maven,
        [HULL_VERSION_GO] = hull_version_cmp_go,
        [HULL_VERSION_GEM] = hull_version_cmp_gem,
};

typedef int (*key_parse_fn)(struct hull_version_key *k);
typedef int (*key_cmp_fn)(const struct hull_version_key *a, const struct hull_version_key *b);

static const key_parse_fn key_parse[_HULL_VERSION_SCHEME_MAX] = {
        [HULL_VERSION_DPKG] = hull_version_key_parse_dpkg,
        [HULL_VERSION_RPM] = hull_version_key_parse_rpm,
        [HULL_VERSION_APK] = hull_version_key_parse_apk,
        [HULL_VERSION_SEMVER] = hull_version_key_parse_semver,
        [HULL_VERSION_PEP440] = hull_version_key_parse_pep440,
        [HULL_VERSION_MAVEN] = hull_version_key_parse_maven,
        [HULL_VERSION_GO] = hull_version_key_parse_go,
        [HULL_VERSION_GEM] = hull_version_key_parse_gem,
};

static const key_cmp_fn key_cmp[_HULL_VERSION_SCHEME_MAX] = {
        [HULL_VERSION_DPKG] = hull_version_key_cmp_dpkg,
        [HULL_VERSION_RPM] = hull_version_key_cmp_rpm,
        [HULL_VERSION_APK] = hull_version_key_cmp_apk,
        [HULL_VERSION_SEMVER] = hull_version_key_cmp_semver,
        [HULL_VERSION_PEP440] = hull_version_key_cmp_pep440,
        [HULL_VERSION_MAVEN] = hull_version_key_cmp_maven,
        [HULL_VERSION_GO] = hull_version_key_cmp_go,
        [HULL_VERSION_GEM] = hull_version_key_cmp_gem,
};

const char *hull_version_scheme_to_string(enum hull_version_scheme s) {
        if (s < 0 || s >= _HULL_VERSION_SCHEME_MAX)
                return NULL;
        return scheme_names[s];
}

enum hull_version_scheme hull_version_scheme_from_string(const char *s) {
        if (!s)
                return _HULL_VERSION_SCHEME_INVALID;
        for (size_t i = 0; i < ELEMENTSOF(scheme_names); i++)
                if (strcmp(s, scheme_names[i]) == 0)
                        return (enum hull_version_scheme)i;
        return _HULL_VERSION_SCHEME_INVALID;
}

int hull_version_cmp(enum hull_version_scheme s, const char *a, size_t an, const char *b, size_t bn,
                     int *ret) {
        if (s < 0 || s >= _HULL_VERSION_SCHEME_MAX || !scheme_cmp[s])
                return -1;
        if (!a || !b || an > HULL_MAX_VERSION_BYTES || bn > HULL_MAX_VERSION_BYTES)
                return -1;
        return scheme_cmp[s](a, an, b, bn, ret);
}

/* The same checks as hull_version_cmp(), so a key is valid exactly when
 * its string compares. */
bool hull_version_key_init(struct hull_version_key *k, enum hull_version_scheme s, const char *v,
                           size_t n) {
        k->scheme = s;
        k->v = v;
        k->n = n;
        k->valid = false;
        if (s < 0 || s >= _HULL_VERSION_SCHEME_MAX || !key_parse[s])
                return false;
        if (!v || n > HULL_MAX_VERSION_BYTES)
                return false;
        k->valid = key_parse[s](k) == 0;
        return k->valid;
}

int hull_version_key_cmp(const struct hull_version_key *a, const struct hull_version_key *b,
                         int *ret) {
        if (!a->valid || !b->valid || a->scheme != b->scheme)
                return -1;
        *ret = key_cmp[a->scheme](a, b);
        return 0;
}

/* Valid when it compares with itself, that is when it parses: one parse. */
bool hull_version_valid(enum hull_version_scheme s, const char *v, size_t n) {
        struct hull_version_key k;

        return hull_version_key_init(&k, s, v, n);
}

uint64_t hull_version_eq_hint(enum hull_version_scheme s, const char *v, size_t n) {
        uint64_t h = 1469598103934665603ull, x = 0;
        bool stop_at_plus = s == HULL_VERSION_SEMVER || s == HULL_VERSION_GO;
        size_t digits = 0;

        if (!v || (s != HULL_VERSION_DPKG && s != HULL_VERSION_RPM && s != HULL_VERSION_APK &&
                   s != HULL_VERSION_PEP440 && !stop_at_plus))
                return 0;
        for (size_t i = 0; i <= n; i++) {
                if (i < n && v[i] >= '0' && v[i] <= '9') {
                        x = x * 10 + (uint64_t)(v[i] - '0'); /* wraps as apk's numbers do */
                        digits++;
                        continue;
                }
                if (digits > 15 && s == HULL_VERSION_SEMVER)
                        return 0;
                if (x) {
                        h = (h ^ x) * 1099511628211ull;
                        h ^= h >> 32;
                }
                x = 0;
                digits = 0;
                if (i < n && stop_at_plus && v[i] == '+')
                        break;
        }
        return h | 1;
}
