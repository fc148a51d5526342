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

struct go_version {
        const char *major, *minor, *patch; /* NULL minor/patch mean "0" */
        size_t majorn, minorn, patchn;
        const char *pre; /* pre-release identifiers without the '-', or NULL */
        size_t pren;
};

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

static bool is_ident_char(char c) {
        return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

/* parseInt(): "0" or [1-9][0-9]* at s[*i]. */
static int parse_int(const char *s, size_t n, size_t *i, const char **ret, size_t *retn) {
        size_t b = *i, e = b;

        while (e < n && is_digit(s[e]))
                e++;
        if (e == b || (s[b] == '0' && e - b > 1))
                return -1;
        *ret = s + b;
        *retn = e - b;
        *i = e;
        return 0;
}

/* parsePrerelease() (prerelease) and parseBuild(): dot-separated
 * identifiers at s[*i] up to '+' (pre-release) or the end. */
static int parse_idents(const char *s, size_t n, size_t *i, bool prerelease) {
        size_t k = *i;

        for (;;) {
                size_t b = k;
                bool digits = true;

                while (k < n && is_ident_char(s[k])) {
                        digits = digits && is_digit(s[k]);
                        k++;
                }
                if (k == b)
                        return -1;
                if (prerelease && digits && s[b] == '0' && k - b > 1)
                        return -1; /* isBadNum() */
                if (k == n || s[k] != '.')
                        break;
                k++;
        }
        *i = k;
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
        if (i < n && s[i] == '-') {
                size_t b = ++i;
                if (parse_idents(s, n, &i, true) < 0)
                        return -1;
                v->pre = s + b;
                v->pren = i - b;
        }
        if (i < n && s[i] == '+') {
                i++;
                if (parse_idents(s, n, &i, false) < 0)
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

static bool all_digits(const char *s, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (!is_digit(s[i]))
                        return false;
        return true;
}

/* comparePrerelease() on one pair of identifiers. */
static int cmp_ident(const char *a, size_t an, const char *b, size_t bn) {
        bool anum = all_digits(a, an), bnum = all_digits(b, bn);
        int c;

        if (anum != bnum)
                return anum ? -1 : 1;
        if (anum && an != bn)
                return an < bn ? -1 : 1;
        c = memcmp(a, b, an < bn ? an : bn);
        if (c != 0)
                return c < 0 ? -1 : 1;
        return an < bn ? -1 : an > bn;
}

static int cmp_pre(const struct go_version *a, const struct go_version *b) {
        size_t i = 0, j = 0;

        if (!a->pre || !b->pre)
                return a->pre ? -1 : b->pre ? 1 : 0;
        for (;;) {
                if (i >= a->pren || j >= b->pren)
                        return i < a->pren ? 1 : j < b->pren ? -1 : 0;
                size_t ie = i, je = j;
                while (ie < a->pren && a->pre[ie] != '.')
                        ie++;
                while (je < b->pren && b->pre[je] != '.')
                        je++;
                int c = cmp_ident(a->pre + i, ie - i, b->pre + j, je - j);
                if (c != 0)
                        return c;
                i = ie + 1;
                j = je + 1;
        }
}

int hull_version_cmp_go(const char *a, size_t an, const char *b, size_t bn, int *ret) {
        struct go_version va, vb;
        int c;

        if (go_parse(a, an, &va) < 0 || go_parse(b, bn, &vb) < 0)
                return -1;
        c = cmp_int(va.major, va.majorn, vb.major, vb.majorn);
        if (c == 0)
                c = cmp_int(va.minor, va.minorn, vb.minor, vb.minorn);
        if (c == 0)
                c = cmp_int(va.patch, va.patchn, vb.patch, vb.patchn);
        if (c == 0)
                c = cmp_pre(&va, &vb);
        *ret = c;
        return 0;
}
