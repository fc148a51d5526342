/* version_util.h - pieces several version schemes share (internal to
 * src/vuln/version_*.c): SemVer 2.0.0 pre-release identifiers (semver, go)
 * and Unicode white space around a version (semver, pep440). */
#ifndef HULL_VULN_VERSION_UTIL_H
#define HULL_VULN_VERSION_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "vuln/version.h"

/* ---- keys (version.h) ----
 *
 * Per scheme: parse k->v[0..k->n) into k->parsed (0, or -1 when invalid;
 * k->n is at most HULL_MAX_VERSION_BYTES), and compare two valid keys
 * (-1, 0, 1).  hull_version_cmp_<scheme>() is the composition of the two,
 * so keys cannot answer differently. */
int hull_version_key_parse_dpkg(struct hull_version_key *k);
int hull_version_key_parse_rpm(struct hull_version_key *k);
int hull_version_key_parse_apk(struct hull_version_key *k);
int hull_version_key_parse_semver(struct hull_version_key *k);
int hull_version_key_parse_pep440(struct hull_version_key *k);
int hull_version_key_parse_maven(struct hull_version_key *k);
int hull_version_key_parse_go(struct hull_version_key *k);
int hull_version_key_parse_gem(struct hull_version_key *k);
int hull_version_key_cmp_dpkg(const struct hull_version_key *a, const struct hull_version_key *b);
int hull_version_key_cmp_rpm(const struct hull_version_key *a, const struct hull_version_key *b);
int hull_version_key_cmp_apk(const struct hull_version_key *a, const struct hull_version_key *b);
int hull_version_key_cmp_semver(const struct hull_version_key *a, const struct hull_version_key *b);
int hull_version_key_cmp_pep440(const struct hull_version_key *a, const struct hull_version_key *b);
int hull_version_key_cmp_maven(const struct hull_version_key *a, const struct hull_version_key *b);
int hull_version_key_cmp_go(const struct hull_version_key *a, const struct hull_version_key *b);
int hull_version_key_cmp_gem(const struct hull_version_key *a, const struct hull_version_key *b);

/* The parsed form of a key as a scheme's struct: HULL_VERSION_KEY_AS(type, k)
 * (the build has -fno-strict-aliasing; the bytes are aligned as a pointer). */
#define HULL_VERSION_KEY_AS(type, k) ((type *)(void *)(k)->parsed.bytes)
#define HULL_VERSION_KEY_FITS(type)                                                                \
        _Static_assert(sizeof(type) <= HULL_VERSION_KEY_BYTES &&                                   \
                               _Alignof(type) <= _Alignof(unsigned long long),                     \
                       #type " does not fit in a version key")

static inline bool hull_version_is_digit(char c) {
        return c >= '0' && c <= '9';
}

static inline bool hull_version_all_digits(const char *s, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (!hull_version_is_digit(s[i]))
                        return false;
        return true;
}

/* ---- SemVer 2.0.0 identifiers ---- */

/* [0-9A-Za-z-] */
static inline bool hull_version_is_ident_char(char c) {
        return hull_version_is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               c == '-';
}

/* Dot-separated identifiers at s[*i], up to a byte that is neither an
 * identifier character nor a dot; none may be empty, and pre-release ones
 * (prerelease) may not be all digits with a leading zero.  *i moves past
 * them; -1 when invalid. */
static inline int hull_version_parse_idents(const char *s, size_t n, size_t *i, bool prerelease) {
        size_t k = *i;

        for (;;) {
                size_t b = k;
                bool digits = true;

                while (k < n && hull_version_is_ident_char(s[k])) {
                        digits = digits && hull_version_is_digit(s[k]);
                        k++;
                }
                if (k == b)
                        return -1;
                if (prerelease && digits && s[b] == '0' && k - b > 1)
                        return -1;
                if (k == n || s[k] != '.')
                        break;
                k++;
        }
        *i = k;
        return 0;
}

/* Precedence of two pre-release identifiers (SemVer 2.0.0, 11.4): numeric
 * ones (digits without a leading zero, any length) by value, that is by
 * length then digits, before alphanumeric ones, which compare by bytes, a
 * prefix first. */
static inline int hull_version_cmp_ident(const char *a, size_t an, const char *b, size_t bn) {
        bool anum = hull_version_all_digits(a, an), bnum = hull_version_all_digits(b, bn);
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

typedef int hull_version_ident_cmp_fn(const char *a, size_t an, const char *b, size_t bn);

/* Precedence of two pre-release lists (the identifiers without the '-';
 * NULL when the version has none): a version without one after one with;
 * else identifier by identifier with cmp_ident, a shorter list first when
 * it is a prefix. */
static inline int hull_version_cmp_pre(const char *a, size_t an, const char *b, size_t bn,
                                       hull_version_ident_cmp_fn *cmp_ident) {
        size_t i = 0, j = 0;

        if (!a || !b)
                return a ? -1 : b ? 1 : 0;
        for (;;) {
                if (i >= an || j >= bn)
                        return i < an ? 1 : j < bn ? -1 : 0;
                size_t ie = i, je = j;
                while (ie < an && a[ie] != '.')
                        ie++;
                while (je < bn && b[je] != '.')
                        je++;
                int c = cmp_ident(a + i, ie - i, b + j, je - j);
                if (c != 0)
                        return c;
                i = ie + 1;
                j = je + 1;
        }
}

/* ---- white space ---- */

/* 3 when s[i] starts the UTF-8 of a three-byte Unicode White_Space
 * character that both ECMAScript's trim() and Python's str.strip() remove
 * (U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000), else 0.
 * s has n bytes. */
static inline size_t hull_version_space3_at(const unsigned char *s, size_t n, size_t i) {
        unsigned char c = s[i];

        if (i + 2 >= n)
                return 0;
        if (c == 0xe1 && s[i + 1] == 0x9a && s[i + 2] == 0x80) /* U+1680 */
                return 3;
        if (c == 0xe2 && s[i + 1] == 0x80 &&
            ((s[i + 2] >= 0x80 && s[i + 2] <= 0x8a) || s[i + 2] == 0xa8 || s[i + 2] == 0xa9 ||
             s[i + 2] == 0xaf))
                return 3; /* U+2000-U+200A, U+2028, U+2029, U+202F */
        if (c == 0xe2 && s[i + 1] == 0x81 && s[i + 2] == 0x9f) /* U+205F */
                return 3;
        if (c == 0xe3 && s[i + 1] == 0x80 && s[i + 2] == 0x80) /* U+3000 */
                return 3;
        return 0;
}

typedef size_t hull_version_space_fn(const unsigned char *s, size_t n, size_t i);

/* Length of the white-space character that ends s[b..e), 0 if none. */
static inline size_t hull_version_space_before(const unsigned char *s, size_t b, size_t e,
                                               hull_version_space_fn *space_at) {
        for (size_t k = 1; k <= 3 && k <= e - b; k++)
                if (space_at(s, e, e - k) == k)
                        return k;
        return 0;
}

/* Narrow s[*b..*e) past the white space at both ends; space_at(s, n, i)
 * is the length of the white-space character at s[i] (of n bytes), 0 if
 * none. */
static inline void hull_version_trim(const unsigned char *s, size_t *b, size_t *e,
                                     hull_version_space_fn *space_at) {
        size_t k;

        while (*b < *e && (k = space_at(s, *e, *b)) > 0)
                *b += k;
        while (*b < *e && (k = hull_version_space_before(s, *b, *e, space_at)) > 0)
                *e -= k;
}

#endif
