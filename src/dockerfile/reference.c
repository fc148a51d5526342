/* reference.c - image references the way github.com/distribution/reference reads them.
 *
 * Docker matches a reference against one big regular expression and then
 * post-processes it.  We get the same answers from a hand-written scanner,
 * because the grammar is deterministic once three cuts are made:
 *
 *  1. '@' occurs in no component, so the digest is whatever follows the '@';
 *  2. a tag contains neither ':' nor '/', and the name has ':' only inside its
 *     domain, which a '/' always follows: so the tag starts at the first ':'
 *     after the last '/' (two such ':' can never match, wherever we cut);
 *  3. a domain contains no '/', so it can only be the first component; the
 *     regex prefers it ("(domain/)?" is greedy) when the rest is a path.
 *
 * Normalisation (ParseNormalizedNamed) first decides textually whether the
 * first component is a registry (splitDockerDomain), rewrites the input to
 * "domain/remainder" (adding "docker.io/" or "docker.io/library/"), checks
 * that the remote name is lowercase, and parses the rewritten string.  We
 * build that same string ("full") and keep the mapping back to the input for
 * error columns.  ParseAnyReference tries a bare 64-hex ID and a bare digest
 * first.  Go's strings.ToLower is Unicode-aware; case_ranges below reproduces
 * which runes it changes, so that error messages match too.
 *
 * Test vectors come from the Go tests (tests/data/reference/cases.txt); the
 * code is our own. */
#include "dockerfile/reference.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "basic/alloc.h"
#include "basic/err.h"
#include "basic/utf8.h"

#define DEFAULT_DOMAIN HULL_IMAGE_REF_DEFAULT_DOMAIN
#define LEGACY_DOMAIN "index.docker.io"
#define OFFICIAL_PREFIX "library/"
#define LOCALHOST "localhost"
#define MIN_DIGEST_HEX 32 /* the reference grammar wants at least 128 bits */
#define MSG_NAME_MAX 96   /* bytes of a name quoted in a message */

#define STRLEN(s) (sizeof(s) - 1)

/* Code points above U+007F that Go's unicode.ToLower changes: {first, last,
 * stride}.  Generated with Python 3.11 (Unicode 14.0):
 *   [c for c in range(0x80, 0x110000) if chr(c).lower() != chr(c)]
 * folded into runs of constant stride. */
/* clang-format off */
static const uint32_t case_ranges[][3] = {
        {0x00c0, 0x00d6, 1}, {0x00d8, 0x00de, 1}, {0x0100, 0x0136, 2}, {0x0139, 0x0147, 2},
        {0x014a, 0x0178, 2}, {0x0179, 0x017d, 2}, {0x0181, 0x0182, 1}, {0x0184, 0x0186, 2},
        {0x0187, 0x0189, 2}, {0x018a, 0x018b, 1}, {0x018e, 0x0191, 1}, {0x0193, 0x0194, 1},
        {0x0196, 0x0198, 1}, {0x019c, 0x019d, 1}, {0x019f, 0x01a0, 1}, {0x01a2, 0x01a6, 2},
        {0x01a7, 0x01a9, 2}, {0x01ac, 0x01ae, 2}, {0x01af, 0x01b1, 2}, {0x01b2, 0x01b3, 1},
        {0x01b5, 0x01b7, 2}, {0x01b8, 0x01b8, 1}, {0x01bc, 0x01bc, 1}, {0x01c4, 0x01c5, 1},
        {0x01c7, 0x01c8, 1}, {0x01ca, 0x01cb, 1}, {0x01cd, 0x01db, 2}, {0x01de, 0x01ee, 2},
        {0x01f1, 0x01f2, 1}, {0x01f4, 0x01f6, 2}, {0x01f7, 0x01f8, 1}, {0x01fa, 0x0232, 2},
        {0x023a, 0x023b, 1}, {0x023d, 0x023e, 1}, {0x0241, 0x0243, 2}, {0x0244, 0x0246, 1},
        {0x0248, 0x024e, 2}, {0x0370, 0x0372, 2}, {0x0376, 0x0376, 1}, {0x037f, 0x037f, 1},
        {0x0386, 0x0388, 2}, {0x0389, 0x038a, 1}, {0x038c, 0x038e, 2}, {0x038f, 0x0391, 2},
        {0x0392, 0x03a1, 1}, {0x03a3, 0x03ab, 1}, {0x03cf, 0x03cf, 1}, {0x03d8, 0x03ee, 2},
        {0x03f4, 0x03f4, 1}, {0x03f7, 0x03f9, 2}, {0x03fa, 0x03fa, 1}, {0x03fd, 0x042f, 1},
        {0x0460, 0x0480, 2}, {0x048a, 0x04c0, 2}, {0x04c1, 0x04cd, 2}, {0x04d0, 0x052e, 2},
        {0x0531, 0x0556, 1}, {0x10a0, 0x10c5, 1}, {0x10c7, 0x10c7, 1}, {0x10cd, 0x10cd, 1},
        {0x13a0, 0x13f5, 1}, {0x1c90, 0x1cba, 1}, {0x1cbd, 0x1cbf, 1}, {0x1e00, 0x1e94, 2},
        {0x1e9e, 0x1efe, 2}, {0x1f08, 0x1f0f, 1}, {0x1f18, 0x1f1d, 1}, {0x1f28, 0x1f2f, 1},
        {0x1f38, 0x1f3f, 1}, {0x1f48, 0x1f4d, 1}, {0x1f59, 0x1f5f, 2}, {0x1f68, 0x1f6f, 1},
        {0x1f88, 0x1f8f, 1}, {0x1f98, 0x1f9f, 1}, {0x1fa8, 0x1faf, 1}, {0x1fb8, 0x1fbc, 1},
        {0x1fc8, 0x1fcc, 1}, {0x1fd8, 0x1fdb, 1}, {0x1fe8, 0x1fec, 1}, {0x1ff8, 0x1ffc, 1},
        {0x2126, 0x2126, 1}, {0x212a, 0x212b, 1}, {0x2132, 0x2132, 1}, {0x2160, 0x216f, 1},
        {0x2183, 0x2183, 1}, {0x24b6, 0x24cf, 1}, {0x2c00, 0x2c2f, 1}, {0x2c60, 0x2c62, 2},
        {0x2c63, 0x2c64, 1}, {0x2c67, 0x2c6d, 2}, {0x2c6e, 0x2c70, 1}, {0x2c72, 0x2c72, 1},
        {0x2c75, 0x2c75, 1}, {0x2c7e, 0x2c80, 1}, {0x2c82, 0x2ce2, 2}, {0x2ceb, 0x2ced, 2},
        {0x2cf2, 0x2cf2, 1}, {0xa640, 0xa66c, 2}, {0xa680, 0xa69a, 2}, {0xa722, 0xa72e, 2},
        {0xa732, 0xa76e, 2}, {0xa779, 0xa77d, 2}, {0xa77e, 0xa786, 2}, {0xa78b, 0xa78d, 2},
        {0xa790, 0xa792, 2}, {0xa796, 0xa7aa, 2}, {0xa7ab, 0xa7ae, 1}, {0xa7b0, 0xa7b4, 1},
        {0xa7b6, 0xa7c4, 2}, {0xa7c5, 0xa7c7, 1}, {0xa7c9, 0xa7c9, 1}, {0xa7d0, 0xa7d0, 1},
        {0xa7d6, 0xa7d8, 2}, {0xa7f5, 0xa7f5, 1}, {0xff21, 0xff3a, 1}, {0x10400, 0x10427, 1},
        {0x104b0, 0x104d3, 1}, {0x10570, 0x1057a, 1}, {0x1057c, 0x1058a, 1}, {0x1058c, 0x10592, 1},
        {0x10594, 0x10595, 1}, {0x10c80, 0x10cb2, 1}, {0x118a0, 0x118bf, 1}, {0x16e40, 0x16e5f, 1},
        {0x1e900, 0x1e921, 1},
};
/* clang-format on */

/* ---- character classes (ASCII only: the grammar is ASCII) ---- */

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

static bool is_lower(char c) {
        return c >= 'a' && c <= 'z';
}

static bool is_upper(char c) {
        return c >= 'A' && c <= 'Z';
}

static bool is_alpha(char c) {
        return is_lower(c) || is_upper(c);
}

static bool is_alnum(char c) {
        return is_alpha(c) || is_digit(c);
}

static bool is_lower_alnum(char c) {
        return is_lower(c) || is_digit(c);
}

static bool is_word(char c) {
        return is_alnum(c) || c == '_';
}

static bool is_xdigit(char c) {
        return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_lower_hex(char c) {
        return is_digit(c) || (c >= 'a' && c <= 'f');
}

static bool has_byte(const char *s, size_t n, char c) {
        return n > 0 && memchr(s, c, n) != NULL;
}

static bool eq(const char *s, size_t n, const char *lit) {
        size_t m = strlen(lit);

        return n == m && memcmp(s, lit, m) == 0;
}

/* ---- Go's strings.ToLower ---- */

static bool rune_lowers(uint32_t c) {
        size_t lo = 0, hi = ELEMENTSOF(case_ranges);

        if (c < 0x80)
                return c >= 'A' && c <= 'Z';
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                const uint32_t *r = case_ranges[mid];

                if (c < r[0])
                        hi = mid;
                else if (c > r[1])
                        lo = mid + 1;
                else
                        return (c - r[0]) % r[2] == 0;
        }
        return false;
}

/* strings.ToLower(s) != s: some rune has a lowercase mapping, or a byte is
 * not UTF-8 (Go replaces it by U+FFFD).  *ret_at = offset of the first such. */
static bool lower_differs(const char *s, size_t n, size_t *ret_at) {
        size_t i = 0;

        while (i < n) {
                size_t w = 1;
                uint32_t c = (unsigned char)s[i];

                if (c >= 0x80) {
                        c = hull_utf8_decode(s + i, n - i, &w);
                        if (c == HULL_RUNE_ERROR && w == 1) {
                                *ret_at = i;
                                return true;
                        }
                }
                if (rune_lowers(c)) {
                        *ret_at = i;
                        return true;
                }
                i += w;
        }
        return false;
}

/* Lowercase s into out (room for n bytes) as far as the grammar can tell:
 * ASCII letters, plus the two runes whose lowercase is ASCII (U+0130 'İ' ->
 * 'i', U+212A KELVIN SIGN -> 'k').  Other non-ASCII bytes stay non-ASCII and
 * never match, as in Go.  Returns the new length. */
static size_t ascii_lower(const char *s, size_t n, char *out) {
        size_t i = 0, o = 0;

        while (i < n) {
                char c = s[i];
                size_t w = 1;

                if ((unsigned char)c >= 0x80) {
                        uint32_t r = hull_utf8_decode(s + i, n - i, &w);
                        if (r == 0x130 || r == 0x212a) {
                                out[o++] = r == 0x130 ? 'i' : 'k';
                                i += w;
                                continue;
                        }
                        w = 1;
                }
                out[o++] = is_upper(c) ? (char)(c - 'A' + 'a') : c;
                i += w;
        }
        return o;
}

/* ---- the grammar ---- */

/* path-component ("/" path-component)* over f[i..end):
 * component := [a-z0-9]+ (separator [a-z0-9]+)*, separator := [._] | "__" | "-"+ */
static bool scan_path(const char *f, size_t i, size_t end, size_t *fail) {
        for (;;) {
                if (i >= end || !is_lower_alnum(f[i]))
                        goto bad;
                while (i < end && is_lower_alnum(f[i]))
                        i++;
                while (i < end && f[i] != '/') {
                        if (f[i] == '.') {
                                i++;
                        } else if (f[i] == '_') {
                                i++;
                                if (i < end && f[i] == '_')
                                        i++;
                        } else if (f[i] == '-') {
                                while (i < end && f[i] == '-')
                                        i++;
                        } else {
                                goto bad;
                        }
                        if (i >= end || !is_lower_alnum(f[i]))
                                goto bad;
                        while (i < end && is_lower_alnum(f[i]))
                                i++;
                }
                if (i >= end)
                        return true;
                i++; /* '/' */
        }
bad:
        *fail = i;
        return false;
}

/* host [":" port] over all of f[i..end):
 * host := domain-name | "[" [a-fA-F0-9:]+ "]",
 * domain-name := component ("." component)*, component := alnum ([alnum-]* alnum)? */
static bool scan_domain(const char *f, size_t i, size_t end, size_t *fail) {
        if (i < end && f[i] == '[') {
                size_t start = ++i;

                while (i < end && (is_xdigit(f[i]) || f[i] == ':'))
                        i++;
                if (i == start || i >= end || f[i] != ']')
                        goto bad;
                i++;
        } else {
                for (;;) {
                        if (i >= end || !is_alnum(f[i]))
                                goto bad;
                        while (i < end && (is_alnum(f[i]) || f[i] == '-'))
                                i++;
                        if (f[i - 1] == '-')
                                goto bad;
                        if (i < end && f[i] == '.') {
                                i++;
                                continue;
                        }
                        break;
                }
        }
        if (i < end && f[i] == ':') {
                size_t start = ++i;

                while (i < end && is_digit(f[i]))
                        i++;
                if (i == start)
                        goto bad;
        }
        if (i == end)
                return true;
bad:
        *fail = i;
        return false;
}

/* [\w][\w.-]{0,127} over all of f[i..end) */
static bool scan_tag(const char *f, size_t i, size_t end, size_t *fail) {
        size_t start = i;

        if (i >= end || !is_word(f[i]))
                goto bad;
        while (i < end && (is_word(f[i]) || f[i] == '.' || f[i] == '-'))
                i++;
        if (i < end)
                goto bad;
        if (end - start > HULL_IMAGE_REF_MAX_TAG) {
                i = start + HULL_IMAGE_REF_MAX_TAG;
                goto bad;
        }
        return true;
bad:
        *fail = i;
        return false;
}

/* The reference grammar's digest, over all of f[i..end):
 * component ([-_+.] component)* ":" [0-9a-fA-F]{32,},
 * component := [A-Za-z][A-Za-z0-9]*.  *ret_colon = offset of the ':'. */
static bool scan_digest(const char *f, size_t i, size_t end, size_t *ret_colon, size_t *fail) {
        size_t hex;

        for (;;) {
                if (i >= end || !is_alpha(f[i]))
                        goto bad;
                while (i < end && is_alnum(f[i]))
                        i++;
                if (i < end && (f[i] == '-' || f[i] == '_' || f[i] == '+' || f[i] == '.')) {
                        i++;
                        continue;
                }
                break;
        }
        if (i >= end || f[i] != ':')
                goto bad;
        *ret_colon = i;
        hex = ++i;
        while (i < end && is_xdigit(f[i]))
                i++;
        if (i < end || i - hex < MIN_DIGEST_HEX)
                goto bad;
        return true;
bad:
        *fail = i;
        return false;
}

/* Where the pieces of a matched reference are, as offsets into it. */
struct scan {
        size_t path_off; /* path = [path_off, name_end); domain = [0, path_off - 1) */
        size_t name_end;
        size_t tag_off; /* tag = [tag_off, tag_end) */
        size_t tag_end;
        size_t dig_off; /* digest = [dig_off, n); algorithm ends at dig_colon */
        size_t dig_colon;
        bool has_domain, has_tag, has_digest;
        size_t fail; /* no match: first offset that broke the grammar */
};

/* Go's anchored ReferenceRegexp with its captures; see the cuts atop the file. */
static bool scan_reference(const char *f, size_t n, struct scan *sc) {
        const char *at = n ? memchr(f, '@', n) : NULL;
        size_t xend = at ? (size_t)(at - f) : n, last_slash = 0, i, first_slash;
        bool slash = false;

        memset(sc, 0, sizeof(*sc));
        for (i = 0; i < xend; i++)
                if (f[i] == '/') {
                        last_slash = i;
                        slash = true;
                }
        sc->name_end = xend;
        for (i = slash ? last_slash + 1 : 0; i < xend; i++)
                if (f[i] == ':') {
                        sc->has_tag = true;
                        sc->name_end = i;
                        sc->tag_off = i + 1;
                        sc->tag_end = xend;
                        break;
                }

        /* name := (domain "/")? path, the domain preferred */
        first_slash = slash ? (size_t)((const char *)memchr(f, '/', xend) - f) : xend;
        if (first_slash < sc->name_end) {
                size_t fail_domain;

                if (scan_domain(f, 0, first_slash, &fail_domain)) {
                        if (!scan_path(f, first_slash + 1, sc->name_end, &sc->fail))
                                return false;
                        sc->has_domain = true;
                        sc->path_off = first_slash + 1;
                } else if (!scan_path(f, 0, sc->name_end, &sc->fail)) {
                        /* The input's first component was taken for a registry
                         * (or the whole name would have been prefixed): its
                         * error is the one worth reporting. */
                        sc->fail = fail_domain;
                        return false;
                }
        } else if (!scan_path(f, 0, sc->name_end, &sc->fail)) {
                return false;
        }

        if (sc->has_tag && !scan_tag(f, sc->tag_off, sc->tag_end, &sc->fail))
                return false;
        if (at) {
                sc->has_digest = true;
                sc->dig_off = xend + 1;
                if (!scan_digest(f, sc->dig_off, n, &sc->dig_colon, &sc->fail))
                        return false;
        }
        return true;
}

/* go-digest's Algorithm: its hex length, 0 when not available. */
static size_t digest_hex_len(const char *alg, size_t n) {
        if (eq(alg, n, "sha256"))
                return 64;
        if (eq(alg, n, "sha384"))
                return 96;
        if (eq(alg, n, "sha512"))
                return 128;
        return 0;
}

/* go-digest's Digest.Validate on s[0..n), whose ':' is at colon.  Returns
 * NULL when valid, else the message, with *fail = offset of the problem. */
static const char *digest_validate(const char *s, size_t n, size_t colon, size_t *fail) {
        size_t want = digest_hex_len(s, colon), i;

        if (want == 0) {
                /* not available: "invalid format" unless it at least matches
                 * [a-z0-9]+([.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+ (our grammar
                 * already guarantees all of that but the lowercase) */
                for (i = 0; i < colon; i++)
                        if (is_upper(s[i])) {
                                *fail = i;
                                return "invalid checksum digest format";
                        }
                *fail = 0;
                return "unsupported digest algorithm";
        }
        /* go-digest v1.0.0 (what Docker ships) checks the length first */
        if (n - colon - 1 != want) {
                *fail = n - colon - 1 < want ? n : colon + 1 + want;
                return "invalid checksum digest length";
        }
        for (i = colon + 1; i < n; i++)
                if (!is_lower_hex(s[i])) {
                        *fail = i;
                        return "invalid checksum digest format";
                }
        return NULL;
}

/* identifier := [a-f0-9]{64} */
static bool is_identifier(const char *s, size_t n) {
        size_t i;

        if (n != 64)
                return false;
        for (i = 0; i < n; i++)
                if (!is_lower_hex(s[i]))
                        return false;
        return true;
}

/* go-digest's Parse(s) succeeds */
static bool is_digest(const char *s, size_t n) {
        const char *colon = n ? memchr(s, ':', n) : NULL;
        size_t fail;

        if (!colon || colon == s || (size_t)(colon - s) + 1 == n)
                return false;
        if (digest_hex_len(s, (size_t)(colon - s)) == 0)
                return false;
        return digest_validate(s, n, (size_t)(colon - s), &fail) == NULL;
}

/* ---- normalisation ---- */

/* splitDockerDomain as a rewrite: full = prefix + s[skip..].  The remainder
 * (everything after the domain) starts at rem_off in full. */
struct rewrite {
        const char *prefix;
        size_t prefix_len, skip, rem_off;
};

static void split_docker_domain(const char *s, size_t n, struct rewrite *rw) {
        const char *slash = n ? memchr(s, '/', n) : NULL;
        size_t first, at;
        const char *rest;
        size_t rest_len;

        rw->prefix = "";
        rw->skip = 0;
        if (!slash) {
                /* familiar single name: docker.io/library/name */
                rw->prefix = DEFAULT_DOMAIN "/" OFFICIAL_PREFIX;
                rw->rem_off = STRLEN(DEFAULT_DOMAIN "/");
                goto out;
        }
        first = (size_t)(slash - s);
        rest = slash + 1;
        rest_len = n - first - 1;
        if (eq(s, first, LOCALHOST) || eq(s, first, LEGACY_DOMAIN) || has_byte(s, first, '.') ||
            has_byte(s, first, ':') || lower_differs(s, first, &at)) {
                bool hub = eq(s, first, LEGACY_DOMAIN) || eq(s, first, DEFAULT_DOMAIN);

                if (hub) {
                        /* docker.io/ubuntu and index.docker.io/ubuntu are official */
                        if (has_byte(rest, rest_len, '/'))
                                rw->prefix = DEFAULT_DOMAIN "/";
                        else
                                rw->prefix = DEFAULT_DOMAIN "/" OFFICIAL_PREFIX;
                        rw->skip = first + 1;
                        rw->rem_off = STRLEN(DEFAULT_DOMAIN "/");
                } else {
                        rw->rem_off = first + 1;
                }
        } else {
                /* user/app: docker.io/user/app */
                rw->prefix = DEFAULT_DOMAIN "/";
                rw->rem_off = STRLEN(DEFAULT_DOMAIN "/");
        }
out:
        rw->prefix_len = strlen(rw->prefix);
}

/* Offset in full -> 1-based column in the input. */
static unsigned col_of(const struct rewrite *rw, size_t off) {
        size_t in = off < rw->prefix_len ? rw->skip : off - rw->prefix_len + rw->skip;

        return in >= UINT_MAX ? UINT_MAX : (unsigned)in + 1;
}

/* A name for a message: at most MSG_NAME_MAX bytes, cut on a UTF-8 boundary,
 * "..." when cut; control characters and bytes that are not UTF-8 show as '?'
 * so that the message stays printable, valid UTF-8. */
static const char *msg_name(const char *s, size_t n, char out[MSG_NAME_MAX + 4]) {
        size_t i = 0, o = 0;

        while (i < n) {
                size_t w = 1;
                uint32_t c = (unsigned char)s[i];

                if (c >= 0x80)
                        c = hull_utf8_decode(s + i, n - i, &w);
                if (o + w > MSG_NAME_MAX) {
                        memcpy(out + o, "...", 3);
                        o += 3;
                        break;
                }
                if (c < 0x20 || (c >= 0x7f && c < 0xa0) || (c == HULL_RUNE_ERROR && w == 1)) {
                        out[o++] = '?';
                } else {
                        memcpy(out + o, s + i, w);
                        o += w;
                }
                i += w;
        }
        out[o] = '\0';
        return out;
}

/* ---- building the result ---- */

struct piece {
        const char *p;
        size_t n;
};

static char *join(struct hull_arena *a, const struct piece *pc, size_t npc) {
        size_t len = 0, i;
        char *out, *w;

        for (i = 0; i < npc; i++)
                len += pc[i].n;
        out = hull_arena_alloc(a, len + 1);
        if (!out)
                return NULL;
        for (w = out, i = 0; i < npc; i++) {
                if (pc[i].n)
                        memcpy(w, pc[i].p, pc[i].n);
                w += pc[i].n;
        }
        *w = '\0';
        return out;
}

static int oom(struct hull_diag *d) {
        return hull_diag_set(d, HULL_ENOMEM, NULL, 0, 0, "out of memory");
}

static int digest_only(struct hull_arena *a, const char *s, size_t n, bool identifier,
                       struct hull_image_ref *ret, struct hull_diag *d) {
        struct piece pc[2] = {{"sha256:", identifier ? STRLEN("sha256:") : 0}, {s, n}};
        struct hull_image_ref r = {0};

        r.digest = join(a, pc, ELEMENTSOF(pc));
        if (!r.digest)
                return oom(d);
        r.normalized = r.familiar = r.digest;
        *ret = r;
        return HULL_OK;
}

/* Fill *ret from full, which scan_reference() matched as sc. */
static int build(struct hull_arena *a, const char *full, const struct scan *sc,
                 struct hull_image_ref *ret, struct hull_diag *d) {
        struct hull_image_ref r = {0};
        const char *path = full + sc->path_off, *fam = full;
        size_t path_len = sc->name_end - sc->path_off, fam_len = sc->name_end;
        size_t dom_len = sc->has_domain ? sc->path_off - 1 : 0;
        const char *tag = full + sc->tag_off, *dig = full + sc->dig_off;
        size_t tag_len = sc->has_tag ? sc->tag_end - sc->tag_off : 0;
        bool hub = eq(full, dom_len, DEFAULT_DOMAIN);

        r.domain = hull_arena_strndup(a, full, dom_len);
        r.path = hull_arena_strndup(a, path, path_len);
        r.name = hull_arena_strndup(a, full, sc->name_end);
        if (!r.domain || !r.path || !r.name)
                return oom(d);
        if (sc->has_tag) {
                r.tag = hull_arena_strndup(a, tag, tag_len);
                if (!r.tag)
                        return oom(d);
        }
        if (sc->has_digest) {
                r.digest = hull_arena_strdup(a, dig);
                if (!r.digest)
                        return oom(d);
        }
        r.tag_implied = !r.tag && !r.digest;

        /* familiarizeName: drop docker.io, and library/ when one component follows */
        if (hub) {
                fam = path;
                fam_len = path_len;
                if (path_len > STRLEN(OFFICIAL_PREFIX) &&
                    memcmp(path, OFFICIAL_PREFIX, STRLEN(OFFICIAL_PREFIX)) == 0 &&
                    !has_byte(path + STRLEN(OFFICIAL_PREFIX), path_len - STRLEN(OFFICIAL_PREFIX),
                              '/')) {
                        fam += STRLEN(OFFICIAL_PREFIX);
                        fam_len -= STRLEN(OFFICIAL_PREFIX);
                        r.official = true;
                }
        }

        {
                /* normalized: TagNameOnly(ref).String(); familiar: FamiliarString(ref) */
                const char *ntag = r.tag           ? r.tag
                                   : r.tag_implied ? HULL_IMAGE_REF_DEFAULT_TAG
                                                   : NULL;
                size_t ntag_len = ntag ? strlen(ntag) : 0, dlen = r.digest ? strlen(r.digest) : 0;
                struct piece norm[] = {
                        {r.name, sc->name_end}, /* domain/path */
                        {":", ntag ? 1 : 0},     {ntag, ntag_len},
                        {"@", r.digest ? 1 : 0}, {r.digest, dlen},
                };
                struct piece famp[] = {
                        {fam, fam_len}, /* familiar name */
                        {":", r.tag ? 1 : 0},    {r.tag, tag_len},
                        {"@", r.digest ? 1 : 0}, {r.digest, dlen},
                };

                r.normalized = join(a, norm, ELEMENTSOF(norm));
                r.familiar = join(a, famp, ELEMENTSOF(famp));
                if (!r.normalized || !r.familiar)
                        return oom(d);
        }
        *ret = r;
        return HULL_OK;
}

/* ParseNormalizedNamed, minus the identifier check done by the caller. */
static int parse_named(struct hull_arena *a, const char *s, size_t n, struct hull_image_ref *ret,
                       struct hull_diag *d) {
        _cleanup_free_ char *full = NULL, *lowered = NULL;
        char qname[MSG_NAME_MAX + 4];
        struct rewrite rw;
        struct scan sc;
        size_t full_len, remote_len, at;
        const char *remote, *colon, *msg;

        split_docker_domain(s, n, &rw);
        full_len = rw.prefix_len + (n - rw.skip);
        full = hull_malloc(full_len + 1);
        if (!full)
                return oom(d);
        memcpy(full, rw.prefix, rw.prefix_len);
        if (n > rw.skip)
                memcpy(full + rw.prefix_len, s + rw.skip, n - rw.skip);
        full[full_len] = '\0';

        /* the remote name (remainder up to its first ':') must be lowercase */
        remote = full + rw.rem_off;
        remote_len = full_len - rw.rem_off;
        colon = remote_len ? memchr(remote, ':', remote_len) : NULL;
        if (colon)
                remote_len = (size_t)(colon - remote);
        if (lower_differs(remote, remote_len, &at))
                return hull_diag_set(d, HULL_EPARSE, NULL, 0, col_of(&rw, rw.rem_off + at),
                                     "invalid reference format: repository name (%s) must be "
                                     "lowercase",
                                     msg_name(remote, remote_len, qname));

        if (!scan_reference(full, full_len, &sc)) {
                struct scan lsc;
                size_t lowered_len;

                if (lower_differs(full, full_len, &at)) {
                        lowered = hull_malloc(full_len + 1);
                        if (!lowered)
                                return oom(d);
                        lowered_len = ascii_lower(full, full_len, lowered);
                        if (scan_reference(lowered, lowered_len, &lsc))
                                return hull_diag_set(d, HULL_EPARSE, NULL, 0, col_of(&rw, at),
                                                     "repository name must be lowercase");
                }
                return hull_diag_set(d, HULL_EPARSE, NULL, 0, col_of(&rw, sc.fail),
                                     "invalid reference format");
        }

        if (sc.name_end - sc.path_off > HULL_IMAGE_REF_MAX_PATH)
                return hull_diag_set(d, HULL_EPARSE, NULL, 0,
                                     col_of(&rw, sc.path_off + HULL_IMAGE_REF_MAX_PATH),
                                     "repository name (%s) must not be more than %u characters",
                                     msg_name(full + sc.path_off, sc.name_end - sc.path_off, qname),
                                     HULL_IMAGE_REF_MAX_PATH);

        if (sc.has_digest) {
                size_t fail;

                msg = digest_validate(full + sc.dig_off, full_len - sc.dig_off,
                                      sc.dig_colon - sc.dig_off, &fail);
                if (msg)
                        return hull_diag_set(d, HULL_EPARSE, NULL, 0,
                                             col_of(&rw, sc.dig_off + fail), "%s", msg);
        }

        return build(a, full, &sc, ret, d);
}

int hull_image_ref_parse_n(struct hull_arena *a, const char *s, size_t n, unsigned flags,
                           struct hull_image_ref *ret, struct hull_diag *d) {
        char qname[MSG_NAME_MAX + 4];
        int r;

        if (!a || !s || !ret)
                return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0,
                                     "image reference: missing argument");

        if (is_identifier(s, n)) {
                if (flags & HULL_IMAGE_REF_NAMED_ONLY)
                        return hull_diag_set(d, HULL_EPARSE, NULL, 0, 1,
                                             "invalid repository name (%s), cannot specify "
                                             "64-byte hexadecimal strings",
                                             msg_name(s, n, qname));
                return digest_only(a, s, n, true, ret, d);
        }
        if (!(flags & HULL_IMAGE_REF_NAMED_ONLY) && is_digest(s, n))
                return digest_only(a, s, n, false, ret, d);

        r = parse_named(a, s, n, ret, d);
        if (r == HULL_OK)
                ret->scratch = eq(s, n, HULL_IMAGE_REF_SCRATCH);
        return r;
}

int hull_image_ref_parse(struct hull_arena *a, const char *s, struct hull_image_ref *ret,
                         struct hull_diag *d) {
        if (!s)
                return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0,
                                     "image reference: missing argument");
        return hull_image_ref_parse_n(a, s, strlen(s), 0, ret, d);
}

bool hull_image_ref_is_latest(const struct hull_image_ref *r) {
        if (r->tag_implied)
                return true;
        return r->tag && !r->digest && strcmp(r->tag, HULL_IMAGE_REF_DEFAULT_TAG) == 0;
}
