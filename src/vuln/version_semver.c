/* version_semver.c - npm version ordering, as node-semver orders versions.
 *
 * Reference: node-semver 7.x (npm "semver"): classes/semver.js (the SemVer
 * constructor, compare(), compareMain(), comparePre()), internal/re.js
 * (tokens NUMERICIDENTIFIER, NONNUMERICIDENTIFIER, PRERELEASE, BUILD, FULL),
 * internal/identifiers.js compareIdentifiers(), internal/constants.js
 * (MAX_LENGTH, MAX_SAFE_INTEGER).  The oracle is semver.valid(v) and
 * semver.compare(a, b) with default options.
 *
 * Strict parsing (node-semver's default, loose: false): OSV's npm records
 * and the registry's own versions are SemVer 2.0.0, and loose mode would
 * accept strings npm never publishes ("1.2.3beta", "=1.2.3", "01.2.3").
 * Syntax, as the FULL token after String.prototype.trim():
 *   - leading and trailing ECMAScript white space is dropped (ASCII
 *     "\t\n\v\f\r ", U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F,
 *     U+205F, U+3000, U+FEFF, read as UTF-8);
 *   - an optional lowercase 'v', then MAJOR.MINOR.PATCH: each "0" or a
 *     digit string without a leading zero, at most 2^53-1
 *     (Number.MAX_SAFE_INTEGER; larger is "Invalid major version");
 *   - optionally '-' and dot-separated pre-release identifiers from
 *     [0-9A-Za-z-], not empty; an all-digit one has no leading zero;
 *   - optionally '+' and dot-separated build identifiers from
 *     [0-9A-Za-z-], not empty (leading zeros allowed); nothing else.
 * node-semver also refuses a string longer than 256 UTF-16 units before
 * trimming; here any string over HULL_MAX_VERSION_BYTES bytes is invalid,
 * the same bound for ASCII (only non-ASCII padding differs).
 *
 * Order (SemVer 2.0.0 precedence, build metadata ignored): major, minor,
 * patch numerically; a version without pre-release sorts after one with;
 * pre-release identifiers left to right: numeric ones before alphanumeric
 * ones, alphanumeric ones by byte (UTF-16 unit) order, a shorter list first
 * when it is a prefix.  Numeric identifiers compare as JavaScript numbers
 * (doubles): compareIdentifiers() converts with +a, so two identifiers of
 * 16 or more digits that round to the same double are equal ("1.0.0-
 * 9007199254740993" = "1.0.0-9007199254740992"); we round the same way
 * (strtod is correctly rounded, as V8's string-to-number conversion).
 *
 * One deliberate difference: on two such identifiers that differ as
 * strings but are equal as doubles, comparePre() returns 0 at once, never
 * looking at the identifiers after them.  That is not transitive: with
 * X = 9007199254740993 and Y = 9007199254740992, node-semver says
 * 1.0.0-X.a = 1.0.0-Y.b = 1.0.0-X.c but 1.0.0-X.a < 1.0.0-X.c.  The
 * contract wants a total order, so we go on to the next identifier as
 * for equal ones; we differ from node-semver only on those pairs
 * (tests/vuln/diff/semver.sh counts them apart). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/version.h"
#include "vuln/version_util.h"

#define SEMVER_MAX_SAFE_INTEGER UINT64_C(9007199254740991) /* 2^53 - 1 */

struct semver {
        uint64_t major, minor, patch;
        const char *pre; /* pre-release identifiers without the '-', or NULL */
        size_t pren;
};

HULL_VERSION_KEY_FITS(struct semver);

/* Length of the UTF-8 ECMAScript white-space character (WhiteSpace or
 * LineTerminator, what trim() removes) that starts at s[i], 0 if none. */
static size_t js_space_at(const unsigned char *s, size_t n, size_t i) {
        unsigned char c = s[i];

        if (c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == ' ')
                return 1;
        if (c == 0xc2 && i + 1 < n && s[i + 1] == 0xa0) /* U+00A0 */
                return 2;
        if (c == 0xef && i + 2 < n && s[i + 1] == 0xbb && s[i + 2] == 0xbf) /* U+FEFF */
                return 3;
        return hull_version_space3_at(s, n, i);
}

/* A MAJOR, MINOR or PATCH at s[*i]: "0" or [1-9][0-9]*, at most 2^53-1. */
static int parse_number(const char *s, size_t n, size_t *i, uint64_t *ret) {
        size_t b = *i, e = b;
        uint64_t v = 0;

        while (e < n && hull_version_is_digit(s[e]))
                e++;
        if (e == b || (s[b] == '0' && e - b > 1) || e - b > 16)
                return -1;
        for (size_t k = b; k < e; k++)
                v = v * 10 + (uint64_t)(s[k] - '0');
        if (v > SEMVER_MAX_SAFE_INTEGER)
                return -1;
        *i = e;
        *ret = v;
        return 0;
}

static int semver_parse(const char *str, size_t n, struct semver *v) {
        const unsigned char *u = (const unsigned char *)str;
        size_t b = 0, e = n;
        const char *s;

        if (n > HULL_MAX_VERSION_BYTES)
                return -1;
        hull_version_trim(u, &b, &e, js_space_at);
        s = str + b;
        n = e - b;

        size_t i = 0;
        if (i < n && s[i] == 'v')
                i++;
        if (parse_number(s, n, &i, &v->major) < 0 || i >= n || s[i++] != '.' ||
            parse_number(s, n, &i, &v->minor) < 0 || i >= n || s[i++] != '.' ||
            parse_number(s, n, &i, &v->patch) < 0)
                return -1;
        v->pre = NULL;
        v->pren = 0;
        if (i < n && s[i] == '-') {
                size_t pb = ++i;
                if (hull_version_parse_idents(s, n, &i, true) < 0)
                        return -1;
                v->pre = s + pb;
                v->pren = i - pb;
        }
        if (i < n && s[i] == '+') {
                i++;
                if (hull_version_parse_idents(s, n, &i, false) < 0)
                        return -1;
        }
        return i == n ? 0 : -1;
}

static int cmp_u64(uint64_t a, uint64_t b) {
        return a < b ? -1 : a > b;
}

/* A numeric identifier as JavaScript's +id reads it (correctly rounded). */
static double ident_to_double(const char *s, size_t n) {
        char buf[HULL_MAX_VERSION_BYTES + 1];

        memcpy(buf, s, n);
        buf[n] = '\0';
        return strtod(buf, NULL);
}

/* compareIdentifiers() on two pre-release identifiers: SemVer's order, but
 * numeric ones compare as doubles.  Below 10^15 (< 2^53) the value is exact
 * and SemVer's length-then-digits order is the same (no leading zeros). */
static int cmp_ident(const char *a, size_t an, const char *b, size_t bn) {
        if ((an > 15 || bn > 15) && hull_version_all_digits(a, an) &&
            hull_version_all_digits(b, bn)) {
                double da = ident_to_double(a, an), db = ident_to_double(b, bn);
                return da < db ? -1 : da > db;
        }
        return hull_version_cmp_ident(a, an, b, bn);
}

static int semver_cmp(const struct semver *va, const struct semver *vb) {
        int c;

        c = cmp_u64(va->major, vb->major);
        if (c == 0)
                c = cmp_u64(va->minor, vb->minor);
        if (c == 0)
                c = cmp_u64(va->patch, vb->patch);
        if (c == 0) /* comparePre() */
                c = hull_version_cmp_pre(va->pre, va->pren, vb->pre, vb->pren, cmp_ident);
        return c;
}

int hull_version_cmp_semver(const char *a, size_t an, const char *b, size_t bn, int *ret) {
        struct semver va, vb;

        if (semver_parse(a, an, &va) < 0 || semver_parse(b, bn, &vb) < 0)
                return -1;
        *ret = semver_cmp(&va, &vb);
        return 0;
}

int hull_version_key_parse_semver(struct hull_version_key *k) {
        return semver_parse(k->v, k->n, HULL_VERSION_KEY_AS(struct semver, k));
}

int hull_version_key_cmp_semver(const struct hull_version_key *a,
                                const struct hull_version_key *b) {
        return semver_cmp(HULL_VERSION_KEY_AS(const struct semver, a),
                          HULL_VERSION_KEY_AS(const struct semver, b));
}
