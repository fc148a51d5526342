/* version_pep440.c - PyPI version ordering, as packaging.version.Version.
 *
 * Reference: pypa/packaging 22+ (Debian's python3-packaging 23.0),
 * src/packaging/version.py: VERSION_PATTERN and Version._regex (syntax),
 * Version.__init__, _parse_letter_version(), _parse_local_version() and
 * _cmpkey() (order).  Valid means Version(v) raises no InvalidVersion.
 *
 * Syntax: the regex "^\s*" VERSION_PATTERN "\s*$", case-insensitive:
 *   [v] [N!] N(.N)* [pre] [post] [dev] [+local]
 *   pre   [-_.]? (a|b|c|rc|alpha|beta|pre|preview) [-_.]? [N]
 *   post  -N | [-_.]? (post|rev|r) [-_.]? [N]
 *   dev   [-_.]? dev [-_.]? [N]
 *   local [a-z0-9]+ ([-_.][a-z0-9]+)*
 * N is [0-9]+, any length, leading zeros allowed.  The pattern is matched
 * greedily and the first match the regex engine finds is the one used; no
 * input has two readings that differ in meaning except "1.0a-1", where
 * the greedy pre-release separator makes 1 the pre-release number.  \s is
 * Python's Unicode white space (ASCII \t\n\v\f\r, 0x1c-0x1f, space, and
 * U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F,
 * U+3000, read as UTF-8).  Python's re.IGNORECASE also lets four
 * non-ASCII letters match: U+0130 and U+0131 for 'i', U+017F for 's',
 * U+212A for 'k'; packaging then lowercases with str.lower(), so
 * "1.0prevıew" is a pre-release letter "prevıew" (between "b" and "rc"),
 * "1.0poſt1" a post-release "poſt" (after every "post"), and local
 * segments keep their lowercase code points; we follow that too (newer
 * packaging releases refuse such letters: the oracle is Debian's 23.0).
 *
 * Order (_cmpkey): epoch; release with trailing zeros dropped (compared as
 * zero-padded); pre-release: a dev-only release (no pre, no post) before
 * every pre-release, pre-releases by letter (a < b < rc, after the
 * normalisation alpha=a, beta=b, c=pre=preview=rc) then number, no
 * pre-release last; no post-release before any, then by letter and number;
 * dev-releases by number, none last; no local version first, else local
 * segments (split on [-_.]) pairwise: alphanumeric (lowercased, by code
 * point) before numeric (by value), a shorter list first.  Numbers are
 * compared as digit strings: Python's ints have no overflow. */
#include <string.h>

#include "vuln/version.h"
#include "vuln/version_util.h"

/* Pre-release and post-release letters after lowercasing, in the order of
 * their strings (a < b < "previ\u0307ew" < "prev\u0131ew" < rc). */
enum pre_letter { PRE_A, PRE_B, PRE_PREVIEW_DOTTED, PRE_PREVIEW_DOTLESS, PRE_RC };
enum post_letter { POST_POST, POST_LONG_S };

struct span {
        const char *s;
        size_t n;
};

struct pep440 {
        struct span epoch, release, local; /* local.s NULL: none */
        bool has_pre, has_post, has_dev;
        enum pre_letter pre_l;
        enum post_letter post_l;
        struct span pre_n, post_n, dev_n; /* n == 0: implicit 0 */
};

HULL_VERSION_KEY_FITS(struct pep440);

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

static bool is_sep(char c) {
        return c == '-' || c == '_' || c == '.';
}

/* Length of the UTF-8 Python white-space character at s[i], 0 if none. */
static size_t py_space_at(const unsigned char *s, size_t n, size_t i) {
        unsigned char c = s[i];

        if ((c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x20))
                return 1;
        if (c == 0xc2 && i + 1 < n && (s[i + 1] == 0x85 || s[i + 1] == 0xa0))
                return 2; /* U+0085, U+00A0 */
        return hull_version_space3_at(s, n, i);
}

/* The letter that the character at s[i] matches case-insensitively, as
 * Python's re does: 'a'-'z' (either case), or 'i', 's', 'k' for U+0130,
 * U+0131, U+017F, U+212A; its length in *len.  0 if not a letter. */
static char letter_at(const char *str, size_t n, size_t i, size_t *len) {
        const unsigned char *s = (const unsigned char *)str;
        unsigned char c = s[i];

        *len = 1;
        if (c >= 'a' && c <= 'z')
                return (char)c;
        if (c >= 'A' && c <= 'Z')
                return (char)(c - 'A' + 'a');
        *len = 2;
        if (c == 0xc4 && i + 1 < n && (s[i + 1] == 0xb0 || s[i + 1] == 0xb1))
                return 'i';
        if (c == 0xc5 && i + 1 < n && s[i + 1] == 0xbf)
                return 's';
        *len = 3;
        if (c == 0xe2 && i + 2 < n && s[i + 1] == 0x84 && s[i + 2] == 0xaa)
                return 'k';
        *len = 0;
        return 0;
}

/* Whether word (lowercase ASCII) matches case-insensitively at s[i];
 * its length in bytes in *len. */
static bool match_word(const char *s, size_t n, size_t i, const char *word, size_t *len) {
        size_t k = i, l;

        for (; *word; word++) {
                if (k >= n || letter_at(s, n, k, &l) != *word)
                        return false;
                k += l;
        }
        *len = k - i;
        return true;
}

/* [0-9]* at s[*i] (possibly empty). */
static struct span digits(const char *s, size_t n, size_t *i) {
        size_t b = *i;

        while (*i < n && is_digit(s[*i]))
                (*i)++;
        return (struct span){s + b, *i - b};
}

/* Skips one [-_.] at s[*i] if there is one. */
static void opt_sep(const char *s, size_t n, size_t *i) {
        if (*i < n && is_sep(s[*i]))
                (*i)++;
}

/* The pre-release spellings, longest first where one is a prefix of
 * another: no spelling is followed by a character that could continue
 * the match after a shorter one, so the first that matches is the one the
 * regex ends up with. */
static bool parse_pre_letter(const char *s, size_t n, size_t *i, enum pre_letter *ret) {
        static const struct {
                const char *word;
                enum pre_letter l;
        } words[] = {
                {"preview", PRE_RC}, {"pre", PRE_RC}, {"alpha", PRE_A}, {"beta", PRE_B},
                {"rc", PRE_RC},      {"a", PRE_A},    {"b", PRE_B},     {"c", PRE_RC},
        };
        size_t len;

        for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
                if (!match_word(s, n, *i, words[w].word, &len))
                        continue;
                *ret = words[w].l;
                if (len > strlen(words[w].word)) {
                        /* Only "preview" has a letter with a non-ASCII
                         * match: U+0130 or U+0131 for its 'i' (bytes 4-5),
                         * which str.lower() keeps apart from "preview". */
                        unsigned char second = (unsigned char)s[*i + 5];
                        *ret = second == 0xb0 ? PRE_PREVIEW_DOTTED : PRE_PREVIEW_DOTLESS;
                }
                *i += len;
                return true;
        }
        return false;
}

static int pep440_parse(const char *str, size_t n, struct pep440 *v) {
        const unsigned char *u = (const unsigned char *)str;
        size_t b = 0, e = n, k, len;
        const char *s;

        if (n > HULL_MAX_VERSION_BYTES)
                return -1;
        hull_version_trim(u, &b, &e, py_space_at);
        s = str + b;
        n = e - b;
        memset(v, 0, sizeof(*v));

        size_t i = 0;
        if (i < n && letter_at(s, n, i, &len) == 'v' && len == 1)
                i++;
        /* Epoch: digits followed by '!', else those digits start the
         * release. */
        k = i;
        struct span num = digits(s, n, &k);
        if (num.n > 0 && k < n && s[k] == '!') {
                v->epoch = num;
                i = k + 1;
        }
        /* Release: N(.N)*, greedy (nothing after it starts with ".N"). */
        b = i;
        if (digits(s, n, &i).n == 0)
                return -1;
        while (i + 1 < n && s[i] == '.' && is_digit(s[i + 1])) {
                i++;
                (void)digits(s, n, &i);
        }
        v->release = (struct span){s + b, i - b};

        /* Pre-release. */
        k = i;
        opt_sep(s, n, &k);
        if (parse_pre_letter(s, n, &k, &v->pre_l)) {
                v->has_pre = true;
                opt_sep(s, n, &k);
                v->pre_n = digits(s, n, &k);
                i = k;
        }

        /* Post-release: "-N" first, then the spelled form. */
        if (i + 1 < n && s[i] == '-' && is_digit(s[i + 1])) {
                i++;
                v->has_post = true;
                v->post_l = POST_POST;
                v->post_n = digits(s, n, &i);
        } else {
                k = i;
                opt_sep(s, n, &k);
                if (match_word(s, n, k, "post", &len) || match_word(s, n, k, "rev", &len) ||
                    match_word(s, n, k, "r", &len)) {
                        v->has_post = true;
                        /* Only "post" has an 's': 5 bytes with U+017F. */
                        v->post_l = len == 5 ? POST_LONG_S : POST_POST;
                        k += len;
                        opt_sep(s, n, &k);
                        v->post_n = digits(s, n, &k);
                        i = k;
                }
        }

        /* Dev-release. */
        k = i;
        opt_sep(s, n, &k);
        if (match_word(s, n, k, "dev", &len)) {
                k += len;
                v->has_dev = true;
                opt_sep(s, n, &k);
                v->dev_n = digits(s, n, &k);
                i = k;
        }

        /* Local version. */
        if (i < n && s[i] == '+') {
                b = ++i;
                for (;;) {
                        size_t sb = i;
                        while (i < n) {
                                if (is_digit(s[i]))
                                        i++;
                                else if (letter_at(s, n, i, &len))
                                        i += len;
                                else
                                        break;
                        }
                        if (i == sb)
                                return -1;
                        if (i + 1 >= n || !is_sep(s[i]))
                                break;
                        i++;
                }
                v->local = (struct span){s + b, i - b};
        }
        return i == n ? 0 : -1;
}

static int cmp_int(int a, int b) {
        return a < b ? -1 : a > b;
}

/* Two digit strings by value (empty is 0). */
static int cmp_num(struct span a, struct span b) {
        int c;

        while (a.n > 0 && a.s[0] == '0')
                a.s++, a.n--;
        while (b.n > 0 && b.s[0] == '0')
                b.s++, b.n--;
        if (a.n != b.n)
                return a.n < b.n ? -1 : 1;
        if (a.n == 0)
                return 0;
        c = memcmp(a.s, b.s, a.n);
        return c < 0 ? -1 : c > 0;
}

/* Next component of a dotted release at *i (0 past the end). */
static struct span next_component(struct span r, size_t *i) {
        size_t b = *i;

        if (b >= r.n)
                return (struct span){"", 0};
        while (*i < r.n && r.s[*i] != '.')
                (*i)++;
        struct span c = {r.s + b, *i - b};
        (*i)++;
        return c;
}

static int cmp_release(struct span a, struct span b) {
        size_t i = 0, j = 0;

        while (i < a.n || j < b.n) {
                int c = cmp_num(next_component(a, &i), next_component(b, &j));
                if (c != 0)
                        return c;
        }
        return 0;
}

/* The next code point of a local segment as str.lower() gives it; a
 * U+0130 lowercases to two ("i" U+0307): *pending holds the second. */
static unsigned next_lower(const char *s, size_t n, size_t *i, unsigned *pending) {
        size_t len;
        char l;

        if (*pending) {
                unsigned c = *pending;
                *pending = 0;
                return c;
        }
        if (is_digit(s[*i]))
                return (unsigned char)s[(*i)++];
        l = letter_at(s, n, *i, &len);
        if (len == 1 || l == 'k') { /* ASCII letter, or U+212A -> 'k' */
                *i += len;
                return (unsigned char)l;
        }
        /* U+0130, U+0131 or U+017F (two bytes). */
        unsigned cp = ((unsigned)(s[*i] & 0x1f) << 6) | (unsigned)(s[*i + 1] & 0x3f);
        *i += 2;
        if (cp == 0x130) {
                *pending = 0x307;
                return 'i';
        }
        return cp;
}

/* One local segment each: alphanumeric before numeric. */
static int cmp_local_segment(struct span a, struct span b) {
        bool anum = true, bnum = true;

        for (size_t i = 0; i < a.n && anum; i++)
                anum = is_digit(a.s[i]);
        for (size_t i = 0; i < b.n && bnum; i++)
                bnum = is_digit(b.s[i]);
        if (anum != bnum)
                return anum ? 1 : -1;
        if (anum)
                return cmp_num(a, b);

        size_t i = 0, j = 0;
        unsigned pa = 0, pb = 0;
        while ((i < a.n || pa) && (j < b.n || pb)) {
                unsigned ca = next_lower(a.s, a.n, &i, &pa);
                unsigned cb = next_lower(b.s, b.n, &j, &pb);
                if (ca != cb)
                        return ca < cb ? -1 : 1;
        }
        return cmp_int(i < a.n || pa, j < b.n || pb);
}

static struct span next_local_segment(struct span l, size_t *i) {
        size_t b = *i;

        while (*i < l.n && !is_sep(l.s[*i]))
                (*i)++;
        struct span c = {l.s + b, *i - b};
        (*i)++;
        return c;
}

static int cmp_local(struct span a, struct span b) {
        size_t i = 0, j = 0;

        if (!a.s || !b.s)
                return cmp_int(a.s != NULL, b.s != NULL);
        while (i < a.n && j < b.n) {
                int c = cmp_local_segment(next_local_segment(a, &i), next_local_segment(b, &j));
                if (c != 0)
                        return c;
        }
        return cmp_int(i < a.n, j < b.n);
}

/* _pre of _cmpkey: -1 for NegativeInfinity (dev-only), 1 for Infinity (no
 * pre-release), 0 for a real pre-release. */
static int pre_rank(const struct pep440 *v) {
        if (!v->has_pre)
                return !v->has_post && v->has_dev ? -1 : 1;
        return 0;
}

static int pep440_cmp(const struct pep440 *a, const struct pep440 *b) {
        int c;

        c = cmp_num(a->epoch, b->epoch);
        if (c == 0)
                c = cmp_release(a->release, b->release);
        if (c == 0) {
                c = cmp_int(pre_rank(a), pre_rank(b));
                if (c == 0 && a->has_pre) {
                        c = cmp_int((int)a->pre_l, (int)b->pre_l);
                        if (c == 0)
                                c = cmp_num(a->pre_n, b->pre_n);
                }
        }
        if (c == 0) {
                c = cmp_int(a->has_post, b->has_post);
                if (c == 0 && a->has_post) {
                        c = cmp_int((int)a->post_l, (int)b->post_l);
                        if (c == 0)
                                c = cmp_num(a->post_n, b->post_n);
                }
        }
        if (c == 0) {
                c = cmp_int(!a->has_dev, !b->has_dev);
                if (c == 0 && a->has_dev)
                        c = cmp_num(a->dev_n, b->dev_n);
        }
        if (c == 0)
                c = cmp_local(a->local, b->local);
        return c;
}

int hull_version_cmp_pep440(const char *a, size_t an, const char *b, size_t bn, int *ret) {
        struct pep440 va, vb;

        if (pep440_parse(a, an, &va) < 0 || pep440_parse(b, bn, &vb) < 0)
                return -1;
        *ret = pep440_cmp(&va, &vb);
        return 0;
}

int hull_version_key_parse_pep440(struct hull_version_key *k) {
        return pep440_parse(k->v, k->n, HULL_VERSION_KEY_AS(struct pep440, k));
}

int hull_version_key_cmp_pep440(const struct hull_version_key *a,
                                const struct hull_version_key *b) {
        return pep440_cmp(HULL_VERSION_KEY_AS(const struct pep440, a),
                          HULL_VERSION_KEY_AS(const struct pep440, b));
}
