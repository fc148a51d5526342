/* version.h - version ordering, one comparator per versioning scheme.
 *
 * OSV ranges are evaluated in the order of the affected package's
 * ecosystem, so every scheme is implemented exactly as its reference tool
 * orders versions (the differential checks in tests/vuln/ compare us with
 * them on 100,000+ random realistic pairs each):
 *   dpkg    Debian, Ubuntu      dpkg's verrevcmp (epoch:upstream-revision,
 *                               '~' before everything, letters before
 *                               non-letters); validity as dpkg's
 *                               parseversion (upstream starts with a digit,
 *                               allowed characters, a non-empty revision)
 *   rpm     Red Hat, Rocky, ...  rpmvercmp on epoch:version-release ('~' sorts
 *                               before everything, '^' after the base but
 *                               before anything else; a missing release
 *                               sorts lower)
 *   apk     Alpine, Wolfi       apk-tools 3: digits, letters, the suffixes
 *                               _alpha _beta _pre _rc (before) and _cvs _svn
 *                               _git _hg _p (after), ~hash, -rN
 *   semver  npm                 node-semver (SemVer 2.0.0 precedence; build
 *                               metadata ignored); a leading 'v' and
 *                               surrounding white space, as semver.parse
 *                               accepts (strict: '=' is refused)
 *   pep440  PyPI                packaging.version (epochs, pre/post/dev, local
 *                               versions, normalisation)
 *   maven   Maven               ComparableVersion (qualifiers alpha < beta <
 *                               milestone < rc = cr < snapshot < "" = ga =
 *                               final = release < sp, padding)
 *   go      Go                  golang.org/x/mod/semver with the optional
 *                               leading "v", pseudo-versions, +incompatible
 *   gem     RubyGems            Gem::Version (segments; a letter makes a
 *                               prerelease)
 *
 * Ownership: no allocation visible to callers; a parsed version lives in
 * the caller's struct (up to HULL_MAX_VERSION_BYTES of text); a key
 * (below) borrows its string. */
#ifndef HULL_VULN_VERSION_H
#define HULL_VULN_VERSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HULL_MAX_VERSION_BYTES 256u /* longer version strings are invalid */

enum hull_version_scheme {
        HULL_VERSION_DPKG,
        HULL_VERSION_RPM,
        HULL_VERSION_APK,
        HULL_VERSION_SEMVER,
        HULL_VERSION_PEP440,
        HULL_VERSION_MAVEN,
        HULL_VERSION_GO,
        HULL_VERSION_GEM,
        _HULL_VERSION_SCHEME_MAX,
        _HULL_VERSION_SCHEME_INVALID = -1,
};

/* "dpkg", "rpm", ... ; NULL if out of range. */
const char *hull_version_scheme_to_string(enum hull_version_scheme s);
/* Exact lowercase name as above; _HULL_VERSION_SCHEME_INVALID otherwise. */
enum hull_version_scheme hull_version_scheme_from_string(const char *s);

/* Whether v[0..n) is a valid version of scheme s (as the reference tool
 * would accept it).  Invalid versions are never compared. */
bool hull_version_valid(enum hull_version_scheme s, const char *v, size_t n);

/* Compare a and b under scheme s: *ret = -1, 0 or 1.  Returns 0, or -1 when
 * either is invalid (then *ret is untouched).  A total order on valid
 * versions (antisymmetric and transitive; the fuzzer checks it), except
 * maven: Maven's ComparableVersion itself is not transitive on some real
 * versions (1.2.3.redhat-00001 < 1.2.3-alpha < 1.2.3 < 1.2.3.redhat-00001)
 * and we answer as Maven does, pair by pair, which is how OSV ranges are
 * evaluated; never sort Maven versions assuming a total order. */
int hull_version_cmp(enum hull_version_scheme s, const char *a, size_t an, const char *b, size_t bn,
                     int *ret);

/* ---- parse once, compare many ----
 *
 * A version read once and compared many times: the matcher compares one
 * installed version with every event of a package's records, and each
 * event with several others.  Every hull_version_cmp_<scheme>() is itself
 * "parse both, compare the parsed forms", so comparing two keys answers
 * exactly what hull_version_cmp() answers on their strings, minus the
 * parsing.  (Maven and RubyGems parse into kilobytes: their keys hold the
 * validity only and compare the strings.)  The key points into the string
 * given, which must outlive it; a key may be copied. */
#define HULL_VERSION_KEY_BYTES 128

struct hull_version_key {
        enum hull_version_scheme scheme;
        bool valid;
        const char *v; /* borrowed */
        size_t n;
        union {
                void *align_ptr;
                unsigned long long align_int;
                unsigned char bytes[HULL_VERSION_KEY_BYTES];
        } parsed; /* the scheme's parsed form (private to version_*.c) */
};

/* Read v[0..n) as a version of scheme s into *k; returns k->valid, which
 * is hull_version_valid(s, v, n). */
bool hull_version_key_init(struct hull_version_key *k, enum hull_version_scheme s, const char *v,
                           size_t n);

/* hull_version_cmp(s, a->v, a->n, b->v, b->n, ret) for keys of scheme s:
 * 0 and *ret, or -1 when either key is invalid or their schemes differ. */
int hull_version_key_cmp(const struct hull_version_key *a, const struct hull_version_key *b,
                         int *ret);

/* A hint that equal versions share, to pass over most unequal ones without
 * reading them: hull_version_cmp(s, a, b) answering 0, or a and b being
 * the same bytes, implies the same hint for a and b.  0 means no hint
 * (compare); a hint is never 0.  It hashes the values (modulo 2^64) of
 * the runs of ASCII digits that are not zero, in order: every scheme
 * below compares runs of digits as numbers, and what else it compares
 * holds no digit or is compared as bytes; zero runs are dropped because
 * "1.0" = "1" and a missing number is 0.  semver and go stop at '+' (build
 * metadata is ignored); semver gives no hint for a run of more than 15
 * digits (node-semver compares those as doubles); maven and gem none. */
uint64_t hull_version_eq_hint(enum hull_version_scheme s, const char *v, size_t n);

/* Per scheme, used by hull_version_cmp (same contract). */
int hull_version_cmp_dpkg(const char *a, size_t an, const char *b, size_t bn, int *ret);
int hull_version_cmp_rpm(const char *a, size_t an, const char *b, size_t bn, int *ret);
int hull_version_cmp_apk(const char *a, size_t an, const char *b, size_t bn, int *ret);
int hull_version_cmp_semver(const char *a, size_t an, const char *b, size_t bn, int *ret);
int hull_version_cmp_pep440(const char *a, size_t an, const char *b, size_t bn, int *ret);
int hull_version_cmp_maven(const char *a, size_t an, const char *b, size_t bn, int *ret);
int hull_version_cmp_go(const char *a, size_t an, const char *b, size_t bn, int *ret);
int hull_version_cmp_gem(const char *a, size_t an, const char *b, size_t bn, int *ret);

#endif
