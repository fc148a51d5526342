/* version_gem.c - RubyGems version ordering, as Gem::Version.
 *
 * Reference: rubygems, lib/rubygems/version.rb: Gem::Version.correct?,
 * #initialize, #_segments, #_split_segments, #canonical_segments and #<=>,
 * as in RubyGems 3.3.15 (Debian's ruby 3.1), the oracle of
 * tests/vuln/diff/gem.sh.
 *
 * Validity (correct?, ANCHORED_VERSION_PATTERN): optional white space
 * (Ruby's \s: space, \t \n \v \f \r), then optionally
 *     [0-9]+ (\.[0-9a-zA-Z]+)* (-[0-9A-Za-z-]+ (\.[0-9A-Za-z-]+)*)?
 * then optional white space.  So "" and blanks are valid (version "0"),
 * "1.a" is, "1a", "1.", "a.1" and "1-" are not.  Ruby has no length limit;
 * over HULL_MAX_VERSION_BYTES (white space included) is invalid here.
 *
 * Segments: white space is stripped, every '-' becomes ".pre.", and the
 * runs of digits and of letters are the segments (digits a number of any
 * length, letters a string, case kept): "1.0.0-rc1" is 1 0 0 pre rc 1.
 * Canonical segments: the numbers before the first string, without their
 * trailing zeros, then the rest (from the first string) without its
 * trailing zeros: "1.0.a.0" is 1 a, like "1.a".
 *
 * Order: canonical segments one by one, a missing one being 0; a string is
 * below a number; numbers by value, strings by bytes.  So a version with a
 * letter (a prerelease) is below the release with the same numbers:
 * "1.0.a" < "1.0" < "1.0.0.1". */
#include <stdint.h>
#include <string.h>

#include "vuln/version.h"
#include "vuln/version_util.h"

struct gem_segment {
        const char *p; /* digits without leading zeros (none for 0), or letters */
        uint16_t n;
        bool number;
};

/* Each byte starts at most one segment. */
#define GEM_SLOTS HULL_MAX_VERSION_BYTES

struct gem_version {
        struct gem_segment seg[GEM_SLOTS]; /* canonical segments */
        unsigned n;
};

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

static bool is_alpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c) {
        return is_digit(c) || is_alpha(c);
}

static bool is_space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* ANCHORED_VERSION_PATTERN on the trimmed s[0..n). */
static bool gem_syntax_ok(const char *s, size_t n) {
        size_t i = 0;

        if (n == 0)
                return true;
        while (i < n && is_digit(s[i]))
                i++;
        if (i == 0)
                return false;
        while (i < n && s[i] == '.') {
                size_t b = ++i;

                while (i < n && is_alnum(s[i]))
                        i++;
                if (i == b)
                        return false;
        }
        if (i == n)
                return true;
        if (s[i] != '-')
                return false;
        for (;;) { /* '-' or '.' then [0-9A-Za-z-]+ */
                size_t b = ++i;

                while (i < n && (is_alnum(s[i]) || s[i] == '-'))
                        i++;
                if (i == b)
                        return false;
                if (i == n)
                        return true;
                if (s[i] != '.')
                        return false;
        }
}

static void drop_trailing_zeros(struct gem_version *v, unsigned from) {
        while (v->n > from && v->seg[v->n - 1].number && v->seg[v->n - 1].n == 0)
                v->n--;
}

static int gem_parse(const char *s, size_t n, struct gem_version *v) {
        static const char pre[] = "pre";
        size_t b = 0, e = n;
        unsigned first_string = 0;
        bool seen_string = false;

        if (n > HULL_MAX_VERSION_BYTES)
                return -1;
        while (b < e && is_space(s[b]))
                b++;
        while (e > b && is_space(s[e - 1]))
                e--;
        if (!gem_syntax_ok(s + b, e - b))
                return -1;

        v->n = 0;
        for (size_t i = b; i < e;) {
                struct gem_segment g;

                if (s[i] == '.') {
                        i++;
                        continue;
                }
                if (s[i] == '-') { /* gsub("-", ".pre.") */
                        g = (struct gem_segment){.p = pre, .n = 3};
                        i++;
                } else if (is_digit(s[i])) {
                        size_t j;

                        while (i < e && s[i] == '0')
                                i++;
                        j = i;
                        while (i < e && is_digit(s[i]))
                                i++;
                        g = (struct gem_segment){
                                .p = s + j, .n = (uint16_t)(i - j), .number = true};
                } else {
                        size_t j = i;

                        while (i < e && is_alpha(s[i]))
                                i++;
                        g = (struct gem_segment){.p = s + j, .n = (uint16_t)(i - j)};
                }
                if (!g.number && !seen_string) {
                        /* the numeric part ends: canonical_segments drops its
                         * trailing zeros */
                        drop_trailing_zeros(v, 0);
                        first_string = v->n;
                        seen_string = true;
                }
                if (v->n >= GEM_SLOTS)
                        return -1; /* cannot happen: one segment per byte at most */
                v->seg[v->n++] = g;
        }
        drop_trailing_zeros(v, first_string);
        return 0;
}

static int segment_cmp(const struct gem_segment *x, const struct gem_segment *y) {
        int r;

        if (x->number != y->number)
                return x->number ? 1 : -1; /* a string is below a number */
        if (x->number && x->n != y->n)
                return x->n < y->n ? -1 : 1;
        r = memcmp(x->p, y->p, x->n < y->n ? x->n : y->n);
        if (r)
                return r < 0 ? -1 : 1;
        return (x->n > y->n) - (x->n < y->n);
}

/* A parsed version is kilobytes: the key keeps the validity only. */
int hull_version_key_parse_gem(struct hull_version_key *k) {
        struct gem_version v;

        return gem_parse(k->v, k->n, &v);
}

int hull_version_key_cmp_gem(const struct hull_version_key *a, const struct hull_version_key *b) {
        int r = 0;

        (void)hull_version_cmp_gem(a->v, a->n, b->v, b->n, &r);
        return r;
}

int hull_version_cmp_gem(const char *a, size_t an, const char *b, size_t bn, int *ret) {
        static const struct gem_segment zero = {.p = "", .number = true};
        struct gem_version va, vb;

        if (!a || !b || gem_parse(a, an, &va) < 0 || gem_parse(b, bn, &vb) < 0)
                return -1;
        for (unsigned i = 0; i < va.n || i < vb.n; i++) {
                int r = segment_cmp(i < va.n ? &va.seg[i] : &zero, i < vb.n ? &vb.seg[i] : &zero);

                if (r) {
                        *ret = r;
                        return 0;
                }
        }
        *ret = 0;
        return 0;
}
