/* version_go.c - Go module version ordering, as golang.org/x/mod/semver.
 *
 * Reference: golang.org/x/mod, semver/semver.go: parse(), parseInt(),
 * parsePrerelease(), parseBuild(), isBadNum(), IsValid(), Compare(),
 * compareInt(), comparePrerelease(), nextIdent().  The go command orders
 * module versions (and pseudo-versions such as
 * v0.0.0-20210101000000-abcdef123456) with exactly these functions.
 *
 * The leading 'v': x/mod requires it ("v1.2.3"), but OSV's Go records
 * write versions without it ("1.2.3").  We accept both: a version that
 * does not start with 'v' is read as if it had one, so "1.2.3" equals
 * "v1.2.3", and "vv1.2.3" stays invalid as x/mod says.
 *
 * Syntax (parse()): 'v', MAJOR, then optionally .MINOR, then optionally
 * .PATCH, each "0" or a digit string without a leading zero (no size
 * limit); only the full v1.2.3 form may carry '-' and dot-separated
 * pre-release identifiers from [0-9A-Za-z-] (not empty; an all-digit one
 * without a leading zero) and/or '+' and build identifiers of the same
 * characters (not empty).  "v1" and "v1.2" are shorthands for v1.0.0 and
 * v1.2.0.  No white space, nothing else; "+incompatible" is build metadata.
 *
 * Order (Compare()): numbers by length then digits (no overflow), a
 * version without pre-release after one with, pre-release identifiers
 * left to right (numeric before alphanumeric, numeric by length then
 * digits, alphanumeric by bytes, a shorter list first), build ignored. */
#include <string.h>

#include "vuln/version.h"
#include "vuln/version_util.h"

struct go_version {
        const char *major, *minor, *patch; /* NULL minor/patch mean "0" */
        size_t majorn, minorn, patchn;
        const char *pre; /* pre-release identifiers without the '-', or NULL */
        size_t pren;
};

HULL_VERSION_KEY_FITS(struct go_version);

/* parseInt(): "0" or [1-9][0-9]* at s[*i]. */
static int parse_int(const char *s, size_t n, size_t *i, const char **ret, size_t *retn) {
        size_t b = *i, e = b;

        while (e < n && hull_version_is_digit(s[e]))
                e++;
        if (e == b || (s[b] == '0' && e - b > 1))
                return -1;
        *ret = s + b;
        *retn = e - b;
        *i = e;
        return 0;
}

static int go_parse(const char *s, size_t n, struct go_version *v) {
        size_t i = 0;

        if (n > HULL_MAX_VERSION_BYTES)
                return -1;
        if (n > 0 && s[0] == 'v')
                i++; /* else read as if 'v' were there */
        memset(v, 0, sizeof(*v));
        if (parse_int(s, n, &i, &v->major, &v->majorn) < 0)
                return -1;
        if (i == n)
                return 0; /* v1 = v1.0.0 */
        if (s[i++] != '.' || parse_int(s, n, &i, &v->minor, &v->minorn) < 0)
                return -1;
        if (i == n)
                return 0; /* v1.2 = v1.2.0 */
        if (s[i++] != '.' || parse_int(s, n, &i, &v->patch, &v->patchn) < 0)
                return -1;
        if (i < n && s[i] == '-') { /* parsePrerelease(), isBadNum() */
                size_t b = ++i;
                if (hull_version_parse_idents(s, n, &i, true) < 0)
                        return -1;
                v->pre = s + b;
                v->pren = i - b;
        }
        if (i < n && s[i] == '+') { /* parseBuild() */
                i++;
                if (hull_version_parse_idents(s, n, &i, false) < 0)
                        return -1;
        }
        return i == n ? 0 : -1;
}

/* compareInt(): digit strings without leading zeros; NULL is "0". */
static int cmp_int(const char *a, size_t an, const char *b, size_t bn) {
        int c;

        if (!a)
                a = "0", an = 1;
        if (!b)
                b = "0", bn = 1;
        if (an != bn)
                return an < bn ? -1 : 1;
        c = memcmp(a, b, an);
        return c < 0 ? -1 : c > 0;
}

static int go_cmp(const struct go_version *va, const struct go_version *vb) {
        int c;

        c = cmp_int(va->major, va->majorn, vb->major, vb->majorn);
        if (c == 0)
                c = cmp_int(va->minor, va->minorn, vb->minor, vb->minorn);
        if (c == 0)
                c = cmp_int(va->patch, va->patchn, vb->patch, vb->patchn);
        if (c == 0) /* comparePrerelease() */
                c = hull_version_cmp_pre(va->pre, va->pren, vb->pre, vb->pren,
                                         hull_version_cmp_ident);
        return c;
}

int hull_version_cmp_go(const char *a, size_t an, const char *b, size_t bn, int *ret) {
        struct go_version va, vb;

        if (go_parse(a, an, &va) < 0 || go_parse(b, bn, &vb) < 0)
                return -1;
        *ret = go_cmp(&va, &vb);
        return 0;
}

int hull_version_key_parse_go(struct hull_version_key *k) {
        return go_parse(k->v, k->n, HULL_VERSION_KEY_AS(struct go_version, k));
}

int hull_version_key_cmp_go(const struct hull_version_key *a, const struct hull_version_key *b) {
        return go_cmp(HULL_VERSION_KEY_AS(const struct go_version, a),
                      HULL_VERSION_KEY_AS(const struct go_version, b));
}
