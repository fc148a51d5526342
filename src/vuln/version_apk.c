/* version_apk.c - Alpine version ordering, as apk-tools 3 orders versions.
 *
 * Reference: apk-tools 3 (master), src/version.c: token_first(),
 * token_next(), token_cmp(), apk_version_validate() and
 * apk_version_compare_fuzzy() without fuzzy matching; number parsing as
 * src/blob.c apk_blob_pull_uint() (uint64_t, wrapping), string order as
 * apk_blob_sort(); character classes of src/ctype.c (suffix names are
 * a-z, commit hashes 0-9a-f).
 *
 * A version is a chain of tokens, digit{.digit}...{letter}{_suf{#}}...
 * {~hash}{-r#}: an initial number, ".number"s, one lowercase letter, any
 * number of "_suffix" each optionally followed by a number, one "~hash"
 * of lowercase hex digits, one "-rN".  Suffixes are exactly alpha, beta,
 * pre, rc (before the release) or cvs, svn, git, hg, p (after it).  Each
 * token may only follow the kinds before it in that list; a version that
 * does not tokenise to the end is invalid (and empty is invalid).
 *
 * Order: tokens are compared pairwise while both are of the same kind:
 * numbers numerically, except that a ".number" with a leading zero on
 * either side compares as a string (so 1.02 < 1.1, Gentoo's rule);
 * letters and suffixes by value (alpha < beta < pre < rc < none < cvs <
 * svn < git < hg < p); hashes as strings.  When the kinds differ, a
 * pre-release suffix is lower; otherwise the side whose next kind comes
 * later in the list above (the end being last) is lower: 1.0 < 1.0-r1 <
 * 1.0~ab < 1.0_p1 < 1.0a < 1.0.1, and 1.0_rc1 < 1.0. */
#include <stdint.h>
#include <string.h>

#include "vuln/version.h"
#include "vuln/version_util.h"

enum apk_token {
        TOK_INITIAL_DIGIT,
        TOK_DIGIT,
        TOK_LETTER,
        TOK_SUFFIX,
        TOK_SUFFIX_NO,
        TOK_COMMIT_HASH,
        TOK_REVISION_NO,
        TOK_END,
        TOK_INVALID,
};

/* Suffix values: pre-release ones below SUF_NONE. */
enum apk_suffix {
        SUF_INVALID,
        SUF_ALPHA,
        SUF_BETA,
        SUF_PRE,
        SUF_RC,
        SUF_NONE,
        SUF_CVS,
        SUF_SVN,
        SUF_GIT,
        SUF_HG,
        SUF_P,
};

static const char *const suffix_names[] = {
        [SUF_ALPHA] = "alpha", [SUF_BETA] = "beta", [SUF_PRE] = "pre",
        [SUF_RC] = "rc",       [SUF_CVS] = "cvs",   [SUF_SVN] = "svn",
        [SUF_GIT] = "git",     [SUF_HG] = "hg",     [SUF_P] = "p",
};

struct apk_tok {
        enum apk_token type;
        enum apk_suffix suffix;
        uint64_t number;
        const char *v; /* the token's text (digits, letter, suffix, hash) */
        size_t vn;
        const char *p, *end; /* what remains */
};

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

static bool is_lower(char c) {
        return c >= 'a' && c <= 'z';
}

static bool is_hex(char c) {
        return is_digit(c) || (c >= 'a' && c <= 'f');
}

static enum apk_suffix suffix_value(const char *s, size_t n) {
        for (size_t i = 0; i < sizeof(suffix_names) / sizeof(suffix_names[0]); i++)
                if (suffix_names[i] && strlen(suffix_names[i]) == n &&
                    memcmp(suffix_names[i], s, n) == 0)
                        return (enum apk_suffix)i;
        return SUF_INVALID;
}

/* A run of digits (possibly empty: then the token is invalid); the value
 * wraps modulo 2^64 as apk_blob_pull_uint's does. */
static void tok_digits(struct apk_tok *t) {
        t->v = t->p;
        t->number = 0;
        while (t->p < t->end && is_digit(*t->p))
                t->number = t->number * 10 + (uint64_t)(*t->p++ - '0');
        t->vn = (size_t)(t->p - t->v);
        if (t->vn == 0)
                t->type = TOK_INVALID;
}

static void tok_first(struct apk_tok *t, const char *s, size_t n) {
        t->p = s;
        t->end = s + n;
        t->suffix = SUF_INVALID;
        t->type = TOK_INITIAL_DIGIT;
        tok_digits(t);
}

static void tok_next(struct apk_tok *t) {
        if (t->p == t->end) {
                t->type = TOK_END;
                return;
        }
        char c = *t->p;
        if (is_lower(c)) {
                if (t->type > TOK_DIGIT)
                        goto invalid;
                t->v = t->p++;
                t->vn = 1;
                t->type = TOK_LETTER;
        } else if (c == '.' || is_digit(c)) {
                if (c == '.') {
                        if (t->type > TOK_DIGIT)
                                goto invalid;
                        t->p++;
                }
                if (t->type == TOK_INITIAL_DIGIT || t->type == TOK_DIGIT)
                        t->type = TOK_DIGIT;
                else if (t->type == TOK_SUFFIX)
                        t->type = TOK_SUFFIX_NO;
                else
                        goto invalid;
                tok_digits(t);
        } else if (c == '_') {
                if (t->type > TOK_SUFFIX_NO)
                        goto invalid;
                t->v = ++t->p;
                while (t->p < t->end && is_lower(*t->p))
                        t->p++;
                t->vn = (size_t)(t->p - t->v);
                t->suffix = suffix_value(t->v, t->vn);
                if (t->suffix == SUF_INVALID)
                        goto invalid;
                t->type = TOK_SUFFIX;
        } else if (c == '~') {
                if (t->type >= TOK_COMMIT_HASH)
                        goto invalid;
                t->v = ++t->p;
                while (t->p < t->end && is_hex(*t->p))
                        t->p++;
                t->vn = (size_t)(t->p - t->v);
                if (t->vn == 0)
                        goto invalid;
                t->type = TOK_COMMIT_HASH;
        } else if (c == '-') {
                if (t->type >= TOK_REVISION_NO || t->end - t->p < 2 || t->p[1] != 'r')
                        goto invalid;
                t->p += 2;
                t->type = TOK_REVISION_NO;
                tok_digits(t);
        } else {
                goto invalid;
        }
        return;
invalid:
        t->type = TOK_INVALID;
}

static bool apk_valid(const char *s, size_t n) {
        struct apk_tok t;

        if (n > HULL_MAX_VERSION_BYTES)
                return false;
        for (tok_first(&t, s, n); t.type < TOK_END; tok_next(&t))
                ;
        return t.type == TOK_END;
}

/* apk_blob_sort(): bytewise, a prefix first. */
static int blob_sort(const char *a, size_t an, const char *b, size_t bn) {
        int r = memcmp(a, b, an < bn ? an : bn);

        if (r)
                return r < 0 ? -1 : 1;
        return an == bn ? 0 : an < bn ? -1 : 1;
}

static int tok_cmp(const struct apk_tok *a, const struct apk_tok *b) {
        uint64_t x, y;

        switch (a->type) {
        case TOK_DIGIT:
                if (a->v[0] == '0' || b->v[0] == '0')
                        return blob_sort(a->v, a->vn, b->v, b->vn);
                /* fallthrough */
        case TOK_INITIAL_DIGIT:
        case TOK_SUFFIX_NO:
        case TOK_REVISION_NO:
                x = a->number;
                y = b->number;
                break;
        case TOK_LETTER:
                x = (unsigned char)a->v[0];
                y = (unsigned char)b->v[0];
                break;
        case TOK_SUFFIX:
                x = a->suffix;
                y = b->suffix;
                break;
        default: /* TOK_COMMIT_HASH */ return blob_sort(a->v, a->vn, b->v, b->vn);
        }
        return x < y ? -1 : x > y ? 1 : 0;
}

/* Two valid versions; the tokens are read again as they are compared
 * (a key keeps nothing but the validity). */
static int apk_cmp(const char *a, size_t an, const char *b, size_t bn) {
        struct apk_tok ta, tb;
        int r = 0;

        for (tok_first(&ta, a, an), tok_first(&tb, b, bn); ta.type == tb.type && ta.type < TOK_END;
             tok_next(&ta), tok_next(&tb))
                if ((r = tok_cmp(&ta, &tb)) != 0)
                        goto out;
        if (ta.type == tb.type)
                r = 0;
        else if (ta.type == TOK_SUFFIX && ta.suffix < SUF_NONE)
                r = -1;
        else if (tb.type == TOK_SUFFIX && tb.suffix < SUF_NONE)
                r = 1;
        else
                r = ta.type > tb.type ? -1 : 1;
out:
        return r;
}

int hull_version_cmp_apk(const char *a, size_t an, const char *b, size_t bn, int *ret) {
        if (!apk_valid(a, an) || !apk_valid(b, bn))
                return -1;
        *ret = apk_cmp(a, an, b, bn);
        return 0;
}

int hull_version_key_parse_apk(struct hull_version_key *k) {
        return apk_valid(k->v, k->n) ? 0 : -1;
}

int hull_version_key_cmp_apk(const struct hull_version_key *a, const struct hull_version_key *b) {
        return apk_cmp(a->v, a->n, b->v, b->n);
}
