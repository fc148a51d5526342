/* checksum.c - validate functions of the built-in secret rules (checksum.h).
 *
 * The CRC-32 is table-driven (the reflected IEEE polynomial 0xEDB88320, the
 * table built at compile time by the macros below so that no first-use
 * initialisation races between threads).  The JSON check of a JWT is a small
 * recursive-descent validator with a depth limit: it only has to say
 * "object or not", never build anything, and runs on at most a few KiB. */
#include "secrets/checksum.h"

#include "secrets/rule.h"

#include <string.h>
#include <strings.h>

/* One entry of the table: eight shift-and-xor steps of the reflected CRC. */
#define CRC_STEP(c) (((c)&1u) ? 0xEDB88320u ^ ((c) >> 1) : (c) >> 1)
#define CRC_ENTRY(i)                                                                               \
        CRC_STEP(CRC_STEP(                                                                         \
                CRC_STEP(CRC_STEP(CRC_STEP(CRC_STEP(CRC_STEP(CRC_STEP((uint32_t)(i)))))))))
#define CRC_4(i) CRC_ENTRY(i), CRC_ENTRY((i) + 1), CRC_ENTRY((i) + 2), CRC_ENTRY((i) + 3)
#define CRC_16(i) CRC_4(i), CRC_4((i) + 4), CRC_4((i) + 8), CRC_4((i) + 12)
#define CRC_64(i) CRC_16(i), CRC_16((i) + 16), CRC_16((i) + 32), CRC_16((i) + 48)

static const uint32_t crc_table[256] = {CRC_64(0), CRC_64(64), CRC_64(128), CRC_64(192)};

uint32_t hull_crc32(uint32_t crc, const void *buf, size_t n) {
        const unsigned char *p = buf;

        crc = ~crc;
        for (size_t i = 0; i < n; i++)
                crc = crc_table[(crc ^ p[i]) & 0xffu] ^ (crc >> 8);
        return ~crc;
}

static int base62_value(unsigned char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'A' && c <= 'Z')
                return c - 'A' + 10;
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 36;
        return -1;
}

bool hull_secret_base62_crc32_ok(const char *s, size_t n) {
        const char *us = memchr(s, '_', n);
        const char *body;
        size_t len;
        uint64_t want = 0;

        if (!us)
                return false;
        /* the prefix ends at the last '_' of "ghp_" / "npm_" (no '_' in the body) */
        body = us + 1;
        len = n - (size_t)(body - s);
        if (len != 36)
                return true;
        for (size_t i = 30; i < 36; i++) {
                int v = base62_value((unsigned char)body[i]);
                if (v < 0)
                        return false;
                want = want * 62 + (uint64_t)v;
        }
        return want == hull_crc32(0, body, 30);
}

/* ---- base64 ------------------------------------------------------------- */

static int b64_value(unsigned char c) {
        if (c >= 'A' && c <= 'Z')
                return c - 'A';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 26;
        if (c >= '0' && c <= '9')
                return c - '0' + 52;
        if (c == '+' || c == '-')
                return 62;
        if (c == '/' || c == '_')
                return 63;
        return -1;
}

long hull_secret_base64_decode(const char *s, size_t n, unsigned char *out, size_t outsz) {
        uint32_t acc = 0;
        unsigned bits = 0;
        size_t k = 0;

        while (n > 0 && s[n - 1] == '=')
                n--;
        if (n % 4 == 1)
                return -1; /* no base64 string leaves a single character over */
        for (size_t i = 0; i < n; i++) {
                int v = b64_value((unsigned char)s[i]);
                if (v < 0)
                        return -1;
                acc = (acc << 6) | (uint32_t)v;
                bits += 6;
                if (bits >= 8) {
                        bits -= 8;
                        if (k >= outsz)
                                return -1;
                        out[k++] = (unsigned char)(acc >> bits);
                        acc &= (1u << bits) - 1;
                }
        }
        return (long)k;
}

/* ---- a JSON validator ---------------------------------------------------- */

struct jcur {
        const unsigned char *p, *end;
        unsigned depth;
};

#define JSON_MAX_DEPTH 32u

static void jws(struct jcur *c) {
        while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
                c->p++;
}

static bool jlit(struct jcur *c, const char *w) {
        size_t l = strlen(w);
        if ((size_t)(c->end - c->p) < l || memcmp(c->p, w, l) != 0)
                return false;
        c->p += l;
        return true;
}

static bool jstring(struct jcur *c) {
        if (c->p >= c->end || *c->p != '"')
                return false;
        c->p++;
        while (c->p < c->end) {
                unsigned char ch = *c->p++;
                if (ch == '"')
                        return true;
                if (ch < 0x20)
                        return false;
                if (ch == '\\') {
                        if (c->p >= c->end)
                                return false;
                        ch = *c->p++;
                        if (ch == 'u') {
                                for (int i = 0; i < 4; i++, c->p++)
                                        if (c->p >= c->end ||
                                            !strchr("0123456789abcdefABCDEF", *c->p) || !*c->p)
                                                return false;
                        } else if (!strchr("\"\\/bfnrt", ch) || !ch) {
                                return false;
                        }
                }
        }
        return false;
}

static bool jdigits(struct jcur *c) {
        const unsigned char *s = c->p;
        while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
                c->p++;
        return c->p > s;
}

static bool jnumber(struct jcur *c) {
        if (c->p < c->end && *c->p == '-')
                c->p++;
        if (!jdigits(c))
                return false;
        if (c->p < c->end && *c->p == '.') {
                c->p++;
                if (!jdigits(c))
                        return false;
        }
        if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
                c->p++;
                if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
                        c->p++;
                if (!jdigits(c))
                        return false;
        }
        return true;
}

static bool jvalue(struct jcur *c);

static bool jcontainer(struct jcur *c, bool object) {
        unsigned char close = object ? '}' : ']';

        if (++c->depth > JSON_MAX_DEPTH)
                return false;
        c->p++; /* '{' or '[' */
        jws(c);
        if (c->p < c->end && *c->p == close) {
                c->p++;
                c->depth--;
                return true;
        }
        for (;;) {
                if (object) {
                        if (!jstring(c))
                                return false;
                        jws(c);
                        if (c->p >= c->end || *c->p != ':')
                                return false;
                        c->p++;
                        jws(c);
                }
                if (!jvalue(c))
                        return false;
                jws(c);
                if (c->p >= c->end)
                        return false;
                if (*c->p == close) {
                        c->p++;
                        c->depth--;
                        return true;
                }
                if (*c->p != ',')
                        return false;
                c->p++;
                jws(c);
        }
}

static bool jvalue(struct jcur *c) {
        if (c->p >= c->end)
                return false;
        switch (*c->p) {
        case '{': return jcontainer(c, true);
        case '[': return jcontainer(c, false);
        case '"': return jstring(c);
        case 't': return jlit(c, "true");
        case 'f': return jlit(c, "false");
        case 'n': return jlit(c, "null");
        default: return jnumber(c);
        }
}

/* buf[0..n) is exactly one JSON object (surrounding white space allowed). */
static bool json_object(const unsigned char *buf, size_t n) {
        struct jcur c = {buf, buf + n, 0};

        jws(&c);
        if (c.p >= c.end || *c.p != '{' || !jvalue(&c))
                return false;
        jws(&c);
        return c.p == c.end;
}

bool hull_secret_jwt_ok(const char *s, size_t n) {
        unsigned char buf[12288];
        const char *dot1 = memchr(s, '.', n), *dot2;
        long k;

        if (!dot1)
                return false;
        dot2 = memchr(dot1 + 1, '.', n - (size_t)(dot1 + 1 - s));
        if (!dot2)
                return false;
        k = hull_secret_base64_decode(s, (size_t)(dot1 - s), buf, sizeof(buf));
        if (k <= 0 || !json_object(buf, (size_t)k) || !memmem(buf, (size_t)k, "\"alg\"", 5))
                return false;
        k = hull_secret_base64_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), buf, sizeof(buf));
        return k > 0 && json_object(buf, (size_t)k);
}

bool hull_secret_basic_auth_ok(const char *s, size_t n) {
        unsigned char buf[1024];
        unsigned char *colon;
        long k = hull_secret_base64_decode(s, n, buf, sizeof(buf));

        if (k < 3)
                return false;
        for (long i = 0; i < k; i++)
                if (buf[i] < 0x20 || buf[i] == 0x7f)
                        return false;
        colon = memchr(buf, ':', (size_t)k);
        return colon && colon > buf && colon < buf + k - 1;
}

/* s[0..n) is base64 (16+ characters, padded to a multiple of 4) of printable
 * text: a random token almost never is (18 random bytes are all printable
 * once in 10^8). */
static bool printable_base64(const char *s, size_t n) {
        unsigned char buf[768];
        long k;

        if (n < 16 || n % 4 != 0)
                return false;
        k = hull_secret_base64_decode(s, n, buf, sizeof(buf));
        if (k <= 0)
                return false;
        for (long i = 0; i < k; i++)
                if (buf[i] < 0x20 || buf[i] > 0x7e)
                        return false;
        return true;
}

/* s[0..n) starts with prefix and continues with at least `min` base-62
 * characters (and nothing else). */
static bool prefixed_base62(const char *s, size_t n, const char *prefix, size_t min) {
        size_t l = strlen(prefix);

        if (n < l + min || memcmp(s, prefix, l) != 0)
                return false;
        for (size_t i = l; i < n; i++)
                if (base62_value((unsigned char)s[i]) < 0)
                        return false;
        return true;
}

/* A value with the shape of a provider's token that its own rule judges
 * (the GitHub and npm CRC-32, the fine-grained PAT layout): whatever that
 * rule decides, a generic rule must not report it again, or report it when
 * the checksum says it is made up.  Stripe publishable keys are public by
 * design. */
static bool provider_shaped(const char *s, size_t n) {
        static const char *const crc[] = {"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_", NULL};

        for (size_t i = 0; crc[i]; i++)
                if (prefixed_base62(s, n, crc[i], 36))
                        return true;
        return (n > 11 && memcmp(s, "github_pat_", 11) == 0) ||
               prefixed_base62(s, n, "pk_live_", 16) || prefixed_base62(s, n, "pk_test_", 16);
}

/* A short base64 value (8 to 15 characters, too short for the engine to
 * decode and scan) of a placeholder: "Y2hhbmdlbWU=" is "changeme". */
static bool base64_placeholder(const char *s, size_t n) {
        unsigned char buf[16];
        long k;

        if (n < 8 || n >= 16 || n % 4 != 0)
                return false;
        k = hull_secret_base64_decode(s, n, buf, sizeof(buf));
        if (k <= 0)
                return false;
        for (long i = 0; i < k; i++)
                if (buf[i] < 0x20 || buf[i] > 0x7e)
                        return false;
        return hull_secret_placeholder((const char *)buf, (size_t)k) ||
               hull_secret_reference((const char *)buf, (size_t)k);
}

static bool is_vowel(char c) {
        return strchr("aeiouyAEIOUY", c) && c;
}

/* s[0..n) is a name in code rather than a value: letters, digits and '_',
 * starting with a letter, whose words (cut between letters and digits, at
 * '_' and at case changes: "PassInfoMixin", "symbol2label",
 * "SECRET_KEY_BASE") are 2 to 15 letters holding a vowel (or an acronym of
 * up to 4 capitals) or up to 4 digits.  Random tokens are full of one-letter
 * and vowel-less words: 1 in 1,000 random 16-character strings passes, far
 * fewer of 32. */
static bool code_identifier(const char *s, size_t n) {
        size_t i = 0;

        if (n == 0 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
                return false;
        while (i < n) {
                size_t j = i, upper = 0;
                bool vowel = false, digits;

                if (s[i] == '_') {
                        i++;
                        continue;
                }
                if (base62_value((unsigned char)s[i]) < 0)
                        return false;
                digits = s[i] >= '0' && s[i] <= '9';
                while (j < n && base62_value((unsigned char)s[j]) >= 0) {
                        char a = s[j];
                        bool dig = a >= '0' && a <= '9';
                        if (j > i) {
                                char p = s[j - 1];
                                bool pl = p >= 'a' && p <= 'z', pu = p >= 'A' && p <= 'Z';
                                bool au = a >= 'A' && a <= 'Z';
                                if (dig != digits || (pl && au) ||
                                    (pu && au && j + 1 < n && s[j + 1] >= 'a' && s[j + 1] <= 'z'))
                                        break;
                        }
                        vowel |= is_vowel(a);
                        upper += a >= 'A' && a <= 'Z';
                        j++;
                }
                if (digits ? j - i > 4
                           : j - i < 2 || j - i > 15 || (!vowel && !(upper == j - i && j - i <= 4)))
                        return false;
                i = j;
        }
        return true;
}

/* s[0..n) is a name that itself says "secret": letters, digits, '_', '-'
 * and '.', one of its words a secret-ish word ("id-smime-aa-timeStampToken",
 * "pkInitClientAuth", "SecretKeyRef"), at most one one-letter word (a
 * random token holds none of these words). */
static bool names_a_secret(const char *s, size_t n) {
        static const char *const vocab[] = {
                "pass",    "passwd", "password", "passwords", "passphrase", "secret",
                "secrets", "token",  "tokens",   "auth",      "credential", "credentials",
                "key",     "keys",   "apikey",   "private",   NULL,
        };
        size_t i = 0, singles = 0;
        bool hit = false;

        if (n == 0 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
                return false;
        while (i < n) {
                size_t j = i + 1;

                if (s[i] == '_' || s[i] == '-' || s[i] == '.') {
                        i++;
                        continue;
                }
                if (base62_value((unsigned char)s[i]) < 0)
                        return false;
                while (j < n && base62_value((unsigned char)s[j]) >= 0) {
                        char p = s[j - 1], a = s[j];
                        bool pd = p >= '0' && p <= '9', ad = a >= '0' && a <= '9';
                        if (pd != ad || (p >= 'a' && p <= 'z' && a >= 'A' && a <= 'Z') ||
                            (p >= 'A' && p <= 'Z' && a >= 'A' && a <= 'Z' && j + 1 < n &&
                             s[j + 1] >= 'a' && s[j + 1] <= 'z'))
                                break;
                        j++;
                }
                if (j - i == 1 && !(s[i] >= '0' && s[i] <= '9'))
                        singles++;
                for (size_t k = 0; vocab[k] && !hit; k++)
                        hit = strlen(vocab[k]) == j - i && strncasecmp(vocab[k], s + i, j - i) == 0;
                i = j;
        }
        return hit && singles <= 1;
}

bool hull_secret_generic_ok(const char *s, size_t n) {
        static const char *const ext[] = {".pem",  ".key", ".crt", ".cer", ".json", ".txt",
                                          ".yaml", ".yml", ".p12", ".pfx", ".jks",  NULL};
        bool lo = false, up = false, dig = false, sym = false;

        if (n == 0 || s[0] == '/' || (n > 1 && (s[0] == '~' || s[0] == '.') && s[1] == '/') ||
            (n > 2 && s[0] == '.' && s[1] == '.' && s[2] == '/') || memmem(s, n, "://", 3))
                return false;
        if (provider_shaped(s, n) || base64_placeholder(s, n) || code_identifier(s, n) ||
            names_a_secret(s, n))
                return false;
        for (size_t i = 0; ext[i]; i++) {
                size_t l = strlen(ext[i]);
                if (n > l && strncasecmp(s + n - l, ext[i], l) == 0)
                        return false;
        }
        if (printable_base64(s, n))
                return false; /* the engine decodes it and scans what it says */
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c >= 'a' && c <= 'z')
                        lo = true;
                else if (c >= 'A' && c <= 'Z')
                        up = true;
                else if (c >= '0' && c <= '9')
                        dig = true;
                else if (c != '-' && c != '_' && c != '.')
                        sym = true;
        }
        /* letters only (with _ . -) is a word or an identifier in code
         * (CurToken := tkSemicolon, PCredHandle), not a generated secret */
        return lo + up + dig + sym >= 2 && (dig || sym);
}

bool hull_secret_password_ok(const char *s, size_t n) {
        /* anonymous FTP: the login is "anonymous" or "guest", the password
         * "guest", "anonymous" or an e-mail address ending in '@' */
        size_t m = n > 0 && s[n - 1] == '@' ? n - 1 : n;
        if ((m == 9 && strncasecmp(s, "anonymous", 9) == 0) ||
            (m == 5 && strncasecmp(s, "guest", 5) == 0))
                return false;
        return !hull_secret_placeholder(s, n) && !hull_secret_reference(s, n);
}

/* 8-4-4-4-12 hex digits. */
static bool is_uuid(const char *s, size_t n) {
        if (n != 36)
                return false;
        for (size_t i = 0; i < 36; i++) {
                bool dash = i == 8 || i == 13 || i == 18 || i == 23;
                if (dash ? s[i] != '-' : !strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
                        return false;
        }
        return true;
}

bool hull_secret_assigned_ok(const char *s, size_t n) {
        return hull_secret_password_ok(s, n) && hull_secret_generic_ok(s, n) && !is_uuid(s, n);
}
