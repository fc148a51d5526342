/* version.c - scheme names and the dispatch to one comparator per scheme.
 *
 * Each version_<scheme>.c implements its reference tool's ordering and
 * validity in one function, hull_version_cmp_<scheme>(); validity is defined
 * through it (a version is valid when it compares with itself), so a scheme
 * cannot accept a version it would refuse to compare. */
#include <string.h>

#include "basic/alloc.h"
#include "vuln/version.h"

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

bool hull_version_valid(enum hull_version_scheme s, const char *v, size_t n) {
        int r;

        return hull_version_cmp(s, v, n, v, n, &r) == 0;
}
