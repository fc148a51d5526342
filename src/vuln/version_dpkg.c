/* version_dpkg.c - Debian version ordering, as dpkg orders versions.
 *
 * Reference: dpkg, lib/dpkg/parsehelp.c parseversion() (syntax) and
 * lib/dpkg/version.c dpkg_version_compare(), verrevcmp(), order().
 *
 * Syntax, [epoch:]upstream[-revision] (parseversion):
 *   - leading and trailing blanks (space, tab) are trimmed; a blank inside
 *     is an error; an empty string is an error;
 *   - the epoch is what strtol() reads before the first ':' (so optional
 *     "\n\v\f\r", a sign, digits), in [0, INT_MAX], and something follows
 *     the colon;
 *   - the revision follows the last '-' and is not empty;
 *   - upstream starts with a digit and holds only alphanumerics and
 *     ".-+~:"; the revision only alphanumerics and ".+~".
 * dpkg only warns about the last two, but a version that draws any
 * complaint is invalid here: it never compares.
 *
 * Order: epochs numerically, then upstream, then revision (a missing
 * revision is "", which equals "0"), each with verrevcmp: alternately a
 * run of non-digits compared character by character with order() ('~'
 * before the end of the string, the end before letters, letters before
 * other characters), then a run of digits compared as a number (any
 * length: no overflow). */
#include <limits.h>
#include <string.h>

#include "vuln/version.h"
#include "vuln/version_util.h"

struct dpkg_version {
        long epoch;
        const char *up, *rev;
        size_t upn, revn;
};

HULL_VERSION_KEY_FITS(struct dpkg_version);

static bool is_blank(char c) {
        return c == ' ' || c == '\t';
}

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

static bool is_alpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The characters strtol() skips before the number (isspace in the C
 * locale); blanks are trimmed before, so only these can remain. */
static bool is_strtol_space(char c) {
        return c == '\n' || c == '\v' || c == '\f' || c == '\r' || is_blank(c);
}

static int dpkg_parse(const char *s, size_t n, struct dpkg_version *v) {
        size_t b = 0, e, i;

        if (n > HULL_MAX_VERSION_BYTES || memchr(s, '\0', n))
                return -1;
        while (b < n && is_blank(s[b]))
                b++;
        e = b;
        while (e < n && !is_blank(s[e]))
                e++;
        for (i = e; i < n; i++)
                if (!is_blank(s[i]))
                        return -1; /* embedded blank */
        if (b == e)
                return -1; /* empty */

        const char *colon = memchr(s + b, ':', e - b);
        v->epoch = 0;
        if (colon) {
                const char *p = s + b;
                bool neg = false, digits = false;

                while (p < colon && is_strtol_space(*p))
                        p++;
                if (p < colon && (*p == '+' || *p == '-'))
                        neg = *p++ == '-';
                for (; p < colon && is_digit(*p); p++) {
                        digits = true;
                        if (v->epoch <= (long)INT_MAX)
                                v->epoch = v->epoch * 10 + (*p - '0');
                }
                if (!digits || p != colon)
                        return -1; /* empty, or not a number */
                if ((neg && v->epoch != 0) || v->epoch > (long)INT_MAX)
                        return -1; /* negative or too big */
                b = (size_t)(colon - s) + 1;
                if (b == e)
                        return -1; /* nothing after the colon */
        }

        v->up = s + b;
        v->upn = e - b;
        v->rev = "";
        v->revn = 0;
        for (i = e; i > b; i--)
                if (s[i - 1] == '-')
                        break;
        if (i > b) {
                v->upn = i - 1 - b;
                v->rev = s + i;
                v->revn = e - i;
                if (v->revn == 0)
                        return -1; /* empty revision */
        }

        if (v->upn == 0 || !is_digit(v->up[0]))
                return -1;
        for (i = 1; i < v->upn; i++) {
                char c = v->up[i];
                if (!is_digit(c) && !is_alpha(c) && !strchr(".-+~:", c))
                        return -1;
        }
        for (i = 0; i < v->revn; i++) {
                char c = v->rev[i];
                if (!is_digit(c) && !is_alpha(c) && !strchr(".+~", c))
                        return -1;
        }
        return 0;
}

/* dpkg's order(): the weight of one character of a non-digit run; 0 is
 * the end of the string (or a digit, which ends the run). */
static int order(const char *p, const char *end) {
        if (p == end)
                return 0;
        unsigned char c = (unsigned char)*p;
        if (is_digit((char)c))
                return 0;
        if (is_alpha((char)c))
                return c;
        if (c == '~')
                return -1;
        return c + 256;
}

static int verrevcmp(const char *a, size_t an, const char *b, size_t bn) {
        const char *ae = a + an, *be = b + bn;

        while (a < ae || b < be) {
                int first_diff = 0;

                while ((a < ae && !is_digit(*a)) || (b < be && !is_digit(*b))) {
                        int ac = order(a, ae), bc = order(b, be);

                        if (ac != bc)
                                return ac < bc ? -1 : 1;
                        /* equal weights: both are non-digits (or both end) */
                        if (a < ae)
                                a++;
                        if (b < be)
                                b++;
                }
                while (a < ae && *a == '0')
                        a++;
                while (b < be && *b == '0')
                        b++;
                while (a < ae && b < be && is_digit(*a) && is_digit(*b)) {
                        if (!first_diff)
                                first_diff = *a - *b;
                        a++;
                        b++;
                }
                if (a < ae && is_digit(*a))
                        return 1;
                if (b < be && is_digit(*b))
                        return -1;
                if (first_diff)
                        return first_diff < 0 ? -1 : 1;
        }
        return 0;
}

static int dpkg_cmp(const struct dpkg_version *va, const struct dpkg_version *vb) {
        int r;

        if (va->epoch != vb->epoch)
                r = va->epoch < vb->epoch ? -1 : 1;
        else if (!(r = verrevcmp(va->up, va->upn, vb->up, vb->upn)))
                r = verrevcmp(va->rev, va->revn, vb->rev, vb->revn);
        return r;
}

int hull_version_cmp_dpkg(const char *a, size_t an, const char *b, size_t bn, int *ret) {
        struct dpkg_version va, vb;

        if (dpkg_parse(a, an, &va) < 0 || dpkg_parse(b, bn, &vb) < 0)
                return -1;
        *ret = dpkg_cmp(&va, &vb);
        return 0;
}

int hull_version_key_parse_dpkg(struct hull_version_key *k) {
        return dpkg_parse(k->v, k->n, HULL_VERSION_KEY_AS(struct dpkg_version, k));
}

int hull_version_key_cmp_dpkg(const struct hull_version_key *a, const struct hull_version_key *b) {
        return dpkg_cmp(HULL_VERSION_KEY_AS(const struct dpkg_version, a),
                        HULL_VERSION_KEY_AS(const struct dpkg_version, b));
}
