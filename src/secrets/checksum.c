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

int hull_secret_base64_value(unsigned char c) {
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
                int v = hull_secret_base64_value((unsigned char)s[i]);
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
 * starting with a letter (after leading '_'s: "_R12BASE"), whose words (cut
 * between letters and digits, at '_' and at case changes: "PassInfoMixin",
 * "symbol2label", "SECRET_KEY_BASE") are 2 to 15 letters holding a vowel (or
 * an acronym of up to 4 capitals) or up to 4 digits; with `prefix` (by
 * default: in a name with a '_') the first word may also be one letter or up
 * to 3 lower-case consonants, the prefixes of Hungarian and C-constant
 * notation ("P11_KIT_URI", "_R12BASE", "S3Object").  Random tokens are full
 * of one-letter and vowel-less words: 1 in 1,000 random 16-character strings
 * passes, far fewer of 32. */
static bool code_identifier_p(const char *s, size_t n, bool prefix) {
        size_t i = 0;
        bool first = prefix;

        while (i < n && s[i] == '_')
                i++;
        if (i == n || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
                return false;
        while (i < n) {
                size_t j = i, upper = 0;
                bool vowel = false, digits, ok;

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
                if (digits)
                        ok = j - i <= 4;
                else
                        ok = j - i >= 2 && j - i <= 15 && (vowel || (upper == j - i && j - i <= 4));
                if (!ok && first && !digits && j < n && (j - i == 1 || (j - i <= 3 && upper == 0)))
                        ok = true; /* P, S, pw-like prefixes, before more words */
                if (!ok)
                        return false;
                first = false;
                i = j;
        }
        return true;
}

static bool code_identifier(const char *s, size_t n) {
        return code_identifier_p(s, n, memchr(s, '_', n) != NULL);
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

/* ---- code, markup and prose ------------------------------------------------
 *
 * What a name like "token" or "password" is followed by in real files is
 * mostly not a value: code (Pascal's "CurToken:=tkSemicolon", "PAspellToken
 * = ^AspellToken", Objective-C selectors "setCredential:forProtectionSpace:"),
 * documentation (man pages' "\fB\-\-password=\fR\fIpassword\fR", passwd(5)'s
 * "account:password:UID:GID:GECOS:directory:shell") or identifiers (URNs).
 * These shapes are cheap to recognise and a generated secret almost never has
 * them; they run only on values a generic rule's regex already matched. */

static bool is_letter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

static bool is_ident(char c) {
        return is_letter(c) || is_digit(c) || c == '_';
}

static bool all_digits(const char *s, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (!is_digit(s[i]))
                        return false;
        return n > 0;
}

static int hex_value(char c) {
        if (is_digit(c))
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* c is one of set (set a C string; never the NUL byte). */
static bool one_of(char c, const char *set) {
        return c && strchr(set, c);
}

/* s[0..n) is a name or a member access in code: identifiers joined by '.',
 * "^." (Pascal), "->" or "::" ("cfg.Credentials.SecretAccessKey",
 * "P^.Token", "self->token").  Each identifier must read as a name
 * (code_identifier()) unless `loose` (any identifier not starting with a
 * digit: after a dereference, "sEntry^.sp_pwdp" is code whatever its
 * names). */
static bool code_path(const char *s, size_t n, bool loose) {
        size_t i = 0;

        while (i < n) {
                size_t j = i;

                while (j < n && is_ident(s[j]))
                        j++;
                if (j == i || (loose ? is_digit(s[i]) : !code_identifier(s + i, j - i)))
                        return false;
                if (j == n)
                        return true;
                if (s[j] == '.')
                        j++;
                else if (j + 1 < n &&
                         ((s[j] == '^' && s[j + 1] == '.') || (s[j] == '-' && s[j + 1] == '>') ||
                          (s[j] == ':' && s[j + 1] == ':')))
                        j += 2;
                else
                        return false;
                i = j;
        }
        return false;
}

/* A word of 5 or more letters with 2 or more vowels (a, e, i, o, u) among
 * the words of s[0..n) (cut at non-letters and at case changes as in
 * code_identifier()): "Interpolation", "Server", "Entry"; random strings
 * seldom hold one ("SRvhlpiRX", "Jgjya"). */
static bool long_word(const char *s, size_t n) {
        size_t i = 0;

        while (i < n) {
                size_t j = i, vowels = 0;

                if (!is_letter(s[i])) {
                        i++;
                        continue;
                }
                while (j < n && is_letter(s[j]) &&
                       !(j > i && s[j] >= 'A' && s[j] <= 'Z' && s[j - 1] >= 'a' &&
                         s[j - 1] <= 'z') &&
                       !(j > i && s[j - 1] >= 'A' && s[j - 1] <= 'Z' && s[j] >= 'A' &&
                         s[j] <= 'Z' && j + 1 < n && s[j + 1] >= 'a' && s[j + 1] <= 'z')) {
                        vowels += one_of((char)(s[j] | 0x20), "aeiou");
                        j++;
                }
                if (j - i >= 5 && vowels >= 2)
                        return true;
                i = j;
        }
        return false;
}

/* s[0..n) reads as a name in code: one that says "secret"
 * (names_a_secret(): "CLIENT_SECRET", "CurTokenText") or a code_path()
 * with a long_word() ("InterpolationInJSX", "cmakedefine"). */
static bool name_like(const char *s, size_t n, bool loose) {
        return names_a_secret(s, n) || (code_path(s, n, loose) && long_word(s, n));
}

/* A name with code around it: a pointer type, dereference or address
 * ("^AspellToken", "*cfg.SessionToken", "@DoPassword", "P^.Token",
 * "pEntry^.pw_passwd"), a negation or marker ("!auth.useApiKey",
 * "?InterpolationInJSX"), a preprocessor word ("#cmakedefine"), the rest of
 * Pascal's ":=" ("=idtoken"), a name cut from a string concatenation
 * ("',CurTokenText,'"), followed by punctuation ("CLIENT_SECRET??",
 * "**AWS_ACCESS_KEY_ID**", "gs_host_header=", "AmazonLookoutMetrics-.+") or
 * glued to a printf verb in a binary ("%vunexpected").
 * Around a dereference any identifiers are code ("sEntry^.sp_pwdp"); after
 * '^' (a Pascal pointer type) any identifiers that hold a long_word()
 * ("^tagRasCntlServerUser"); after the weaker marks only a name without
 * digits ("Summer2024!" is a password). */
static bool code_around_name(const char *s, size_t n) {
        size_t i = 0, m = n;
        bool deref = false, strong = false;

        if (n > 2 && s[0] == '%' && one_of(s[1], "svdwqxXTtf")) {
                i = 2; /* a printf verb glued to a name in a binary: "%vunexpected" */
                strong = true;
        }
        while (i < n && one_of(s[i], "^*&@!?#=,'\"`")) {
                strong |= one_of(s[i], "^*&@");
                i++;
        }
        while (m > i && one_of(s[m - 1], ",;:?!'\"`)*=+.-"))
                m--;
        for (size_t k = i; k + 1 < m; k++)
                deref |= (s[k] == '^' && s[k + 1] == '.') || (s[k] == '-' && s[k + 1] == '>');
        if (m == i || (i == 0 && m == n && !deref))
                return false;
        if (deref)
                return code_path(s + i, m - i, true);
        if (!strong)
                for (size_t k = i; k < m; k++)
                        if (is_digit(s[k]))
                                return false; /* "Summer2024!", "#Tiger99" */
        if (strong && memchr(s + i, '.', m - i) && code_path(s + i, m - i, false))
                return true; /* "@read.size" */
        return name_like(s + i, m - i, s[0] == '^');
}

/* Identifiers joined by '$' as compilers mangle them (Closure's
 * "module$contents$google3$third_party$javascript"): 3 or more, two of them
 * with a long_word(). */
static bool dollar_chain(const char *s, size_t n) {
        size_t i = 0, parts = 0, words = 0;

        while (i <= n) {
                size_t j = i;

                while (j < n && is_ident(s[j]))
                        j++;
                if (j == i || is_digit(s[i]))
                        return false;
                parts++;
                words += long_word(s + i, j - i);
                if (j == n)
                        break;
                if (s[j] != '$')
                        return false;
                i = j + 1;
        }
        return parts >= 3 && words >= 2;
}

/* Names and numbers joined by '+' or '|': Pascal constants and string
 * building ("CURLOPTTYPE_LONG+105", "FToken+C", "BuildToken+",
 * "PrefixTokens+SimpleTypeTokens"), C flag sets; each part a number, a
 * one-letter variable or a name, at least one of them name_like(). */
static bool code_expression(const char *s, size_t n) {
        size_t i = 0, ops = 0;
        bool name = false;

        while (i <= n) {
                size_t j = i;

                while (j < n && s[j] != '+' && s[j] != '|')
                        j++;
                if (j > i && !all_digits(s + i, j - i) && !(j - i == 1 && is_letter(s[i]))) {
                        if (!code_path(s + i, j - i, false) && !names_a_secret(s + i, j - i))
                                return false;
                        name |= name_like(s + i, j - i, false);
                }
                if (j == n)
                        break;
                ops++;
                i = j + 1;
        }
        return ops > 0 && name;
}

static bool all_letters(const char *s, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (!is_letter(s[i]))
                        return false;
        return n > 0;
}

/* The pieces of one part of word_list(), split at '-', '_' and '.', counted
 * in c: names (code_identifier(), a letter before digits allowed:
 * "S3Object"; abbreviations of up to 3 letters: "jwt", "pw"),
 * those of them of 4 or more characters, numbers (and up to 4 hex digits:
 * IPv6 groups), other short pieces of up to 4 letters and digits ("pw",
 * "jwt"); false on any other piece. */
struct word_count {
        size_t names, long_names, numbers, shorts;
};

static bool word_part(const char *s, size_t n, struct word_count *c) {
        size_t i = 0;

        while (i < n) {
                size_t j = i, hex = 0, alnum = 0;

                while (j < n && !one_of(s[j], "-_.@"))
                        j++;
                for (size_t k = i; k < j; k++) {
                        hex += hex_value(s[k]) >= 0;
                        alnum += is_letter(s[k]) || is_digit(s[k]);
                }
                if (j == i) {
                        /* separators in a row */
                } else if (code_identifier_p(s + i, j - i, j - i > 2 && is_digit(s[i + 1])) ||
                           (j - i <= 3 && all_letters(s + i, j - i))) {
                        c->names++;
                        c->long_names += j - i >= 4;
                } else if (all_digits(s + i, j - i) || (j - i <= 4 && hex == j - i)) {
                        c->numbers++;
                } else if (j - i <= 4 && alnum == j - i) {
                        c->shorts++;
                } else {
                        return false;
                }
                i = j + 1;
        }
        return true;
}

/* A list or path of words and numbers split at ':', '=' or '/': passwd(5)
 * and group(5) field lists ("UID:GID:GECOS:directory:shell",
 * "pw_uid:pw_gid:pw_gecos"), OAuth grant types ("grant-type:jwt-bearer"),
 * resource types ("AWS::SecretsManager::Secret",
 * "SensitiveData:S3Object/Credentials"), flag values
 * ("ENV=mysecret:latest"), AWS credential scopes
 * ("AKID/19700101/us-east-1/es/aws4_request"), IPv6 tokens
 * ("static:::1a:2b:3c:4d"); a final '.' (prose) aside.  It needs a name of
 * 4 or more and no more short pieces than names; of two parts both must
 * hold a name and neither a number ("Summer:2024" may be a password), and
 * around '=' both a name of 4 or more ("secret=password"), unless one is a
 * dotted version ("google-auth-library-credentials:1.3.0"). */
static bool word_list(const char *s, size_t n) {
        struct word_count all = {0};
        size_t i = 0, parts = 0, named = 0, long_named = 0, versions = 0;
        bool colon = false;

        if (n > 0 && s[n - 1] == '.')
                n--;
        while (i <= n) {
                size_t j = i;

                while (j < n && !one_of(s[j], ":=/"))
                        j++;
                if (j > i) {
                        struct word_count c = {0};

                        if (!word_part(s + i, j - i, &c))
                                return false;
                        named += c.names > 0;
                        long_named += c.long_names > 0;
                        versions += c.names == 0 && c.shorts == 0 && c.numbers >= 2;
                        all.names += c.names;
                        all.long_names += c.long_names;
                        all.numbers += c.numbers;
                        all.shorts += c.shorts;
                        parts++;
                }
                if (j == n)
                        break;
                colon |= s[j] != '=';
                i = j + 1;
        }
        if (parts < 2 || all.long_names == 0 || all.shorts > all.names)
                return false;
        if (parts > 2)
                return true;
        if (colon && long_named == 1 && versions == 1)
                return true; /* "google-auth-library-credentials:1.3.0" */
        return named == 2 && all.numbers == 0 && (colon || long_named == 2);
}

/* roff (man page) text: s[0..n) holds an escape (\fB, \fI, \fR, \fP, \f(CW,
 * \f[B], \-, \&, \e, \(xx, \*x, ...); out[0..*outn) gets the text without
 * them ("my\-secret" is "my-secret", "\fIpassword\fR" is "password").  False
 * when s holds a backslash that is no roff escape ("%v\nResponse:") or no
 * backslash at all. */
static bool roff_text(const char *s, size_t n, char *out, size_t outsz, size_t *outn) {
        size_t k = 0;
        bool esc = false;

        for (size_t i = 0; i < n; i++) {
                char c = s[i];

                if (k + 1 >= outsz)
                        return false;
                if (c != '\\') {
                        out[k++] = c;
                        continue;
                }
                if (i + 1 == n) {
                        esc = true; /* a line continued: "secr3t\fR\" */
                        break;
                }
                c = s[++i];
                if (c == 'f' || c == '*') {
                        if (i + 1 < n && s[i + 1] == '(')
                                i += 3;
                        else if (i + 1 < n && s[i + 1] == '[')
                                while (i < n && s[i] != ']')
                                        i++;
                        else
                                i++;
                } else if (c == '(') {
                        i += 2;
                        out[k++] = '?';
                } else if (c == '-' || c == 'e' || c == '\\' || c == ' ') {
                        out[k++] = c == 'e' ? '\\' : c;
                } else if (!one_of(c, "&/,%:^|")) {
                        return false;
                }
                esc = true;
        }
        *outn = k;
        return esc;
}

/* s[0..n) holds %XX escapes of printable text ("Root%20CA%20Certificates",
 * "secret%3Dpassword"): out[0..*outn) gets it decoded.  False when an escape
 * decodes to a control or non-ASCII byte: a random value's '%' and two hex
 * digits by chance. */
static bool percent_decoded(const char *s, size_t n, char *out, size_t outsz, size_t *outn) {
        size_t k = 0;
        bool esc = false;

        for (size_t i = 0; i < n; i++) {
                int c = -1;

                if (k + 1 >= outsz)
                        return false;
                if (s[i] == '%' && i + 2 < n && hex_value(s[i + 1]) >= 0 &&
                    hex_value(s[i + 2]) >= 0)
                        c = hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]);
                if (c >= 0 && (c < 0x20 || c > 0x7e))
                        return false; /* not text that was percent-encoded */
                if (c >= 0) {
                        out[k++] = (char)c;
                        i += 2;
                        esc = true;
                } else {
                        out[k++] = s[i];
                }
        }
        *outn = k;
        return esc;
}

/* A shell or Perl variable inside the value ("anonymous:$FROM_EMAIL"):
 * '$' and 4 or more capitals, digits or '_' that read as a name with a
 * long_word(), up to the end or a character that is not a letter or a
 * digit. */
static bool interpolates(const char *s, size_t n) {
        for (size_t i = 0; i + 3 < n; i++) {
                size_t j = i + 1;

                if (s[i] != '$' || !((s[j] >= 'A' && s[j] <= 'Z') || s[j] == '_'))
                        continue;
                while (j < n && ((s[j] >= 'A' && s[j] <= 'Z') || is_digit(s[j]) || s[j] == '_'))
                        j++;
                if (j - i > 4 && (j == n || !(is_letter(s[j]) || is_digit(s[j]))) &&
                    code_identifier(s + i + 1, j - i - 1) && long_word(s + i + 1, j - i - 1))
                        return true;
        }
        return false;
}

/* Identifiers with a scheme: URNs ("urn:uuid:...", "urn:ietf:params:..."),
 * Amazon account ids ("amzn1.account.AF6R..."), PKCS#11 URIs. */
static bool identifier_uri(const char *s, size_t n) {
        static const char *const prefix[] = {"urn:", "amzn1.", "pkcs11:", NULL};

        for (size_t i = 0; prefix[i]; i++) {
                size_t l = strlen(prefix[i]);
                if (n > l && strncasecmp(s, prefix[i], l) == 0)
                        return true;
        }
        return false;
}

static bool is_uuid(const char *s, size_t n);

/* C, JSON and Go string escapes: s[0..n) holds \n, \t, \r, \", \', \\, \/,
 * octal \NNN, \xHH or \uHHHH; out[0..*outn) gets it decoded (\u as one byte 0x80,
 * a stand-in for a non-ASCII letter).  False when s holds a backslash that
 * is no such escape, or none. */
static bool c_unescaped(const char *s, size_t n, char *out, size_t outsz, size_t *outn) {
        size_t k = 0;
        bool esc = false;

        for (size_t i = 0; i < n; i++) {
                char c = s[i];

                if (k + 1 >= outsz)
                        return false;
                if (c != '\\') {
                        out[k++] = c;
                        continue;
                }
                if (++i == n) {
                        esc = true; /* a value cut right after a backslash */
                        break;
                }
                c = s[i];
                if (one_of(c, "ntr")) {
                        out[k++] = c == 'n' ? '\n' : c == 't' ? '\t' : '\r';
                } else if (c >= '0' && c <= '7') {
                        int v = c - '0';
                        for (int d = 0; d < 2 && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7';
                             d++)
                                v = v * 8 + (s[++i] - '0');
                        out[k++] = (char)v;
                } else if (one_of(c, "\"'\\/")) {
                        out[k++] = c;
                } else if (c == 'x' && i + 2 < n && hex_value(s[i + 1]) >= 0 &&
                           hex_value(s[i + 2]) >= 0) {
                        out[k++] = (char)(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
                        i += 2;
                } else if (c == 'u' && i + 4 < n && hex_value(s[i + 1]) >= 0 &&
                           hex_value(s[i + 2]) >= 0 && hex_value(s[i + 3]) >= 0 &&
                           hex_value(s[i + 4]) >= 0) {
                        out[k++] = (char)0x80;
                        i += 4;
                } else {
                        return false;
                }
                esc = true;
        }
        *outn = k;
        return esc;
}

/* Template fields: "{}" or "{name}" inside the value ("ACCESS_TOKEN_{}",
 * "users/{userKey}/tokens/{clientId}"). */
static bool template_field(const char *s, size_t n) {
        for (size_t i = 0; i + 1 < n; i++) {
                size_t j = i + 1;

                if (s[i] != '{')
                        continue;
                while (j < n && is_ident(s[j]))
                        j++;
                if (j < n && s[j] == '}' && (j == i + 1 || !is_digit(s[i + 1])))
                        return true;
        }
        return false;
}

/* printf verbs: two or more, each followed by a character that is not a
 * letter or a digit ("InvalidToken:%s:%s"). */
static bool format_string(const char *s, size_t n) {
        size_t verbs = 0;

        for (size_t i = 0; i + 1 < n; i++)
                verbs += s[i] == '%' && one_of(s[i + 1], "sdvqwx") &&
                         (i + 2 == n || !(is_letter(s[i + 2]) || is_digit(s[i + 2])));
        return verbs >= 2;
}

/* Other shapes of data, not secrets: a version constraint after a name
 * ("pyu2f>=0.1.5", "pkg==1.2"), a query string with a named parameter
 * ("&authMechanism=MONGODB-OIDC&..."), an identifier ending in a UUID
 * ("token-f5b56c05-09b0-4d17-8d8c-c75d8a67b806"). */
static bool data_shape(const char *s, size_t n) {
        for (size_t i = 1; i + 2 < n; i++) {
                size_t j = i + 2;

                if (one_of(s[i], "<>~=") && s[i + 1] == '=' && is_ident(s[i - 1])) {
                        while (j < n && is_digit(s[j]))
                                j++;
                        if (j > i + 2 && j + 1 < n && s[j] == '.' && is_digit(s[j + 1]))
                                return true;
                }
        }
        for (size_t i = 0; i + 1 < n; i++) {
                size_t j = i + 1;

                if (s[i] != '&')
                        continue;
                while (j < n && is_ident(s[j]))
                        j++;
                if (j < n && s[j] == '=' && j - i > 4 && code_identifier(s + i + 1, j - i - 1) &&
                    long_word(s + i + 1, j - i - 1))
                        return true;
        }
        return n > 37 && one_of(s[n - 37], "-_:.") && is_uuid(s + n - 36, 36);
}

/* Letters, digits, spaces and '.', '-', '_' only: words of text. */
static bool words_and_spaces(const char *s, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (!is_letter(s[i]) && !is_digit(s[i]) && !one_of(s[i], " .-_"))
                        return false;
        return true;
}

static bool generic_ok(const char *s, size_t n, int depth);

/* A value decoded from roff escapes: judged again whole, as the engine
 * judges a value (length, entropy, placeholders, references). */
static bool decoded_ok(const char *s, size_t n, int depth) {
        return n >= 8 && hull_secret_entropy(s, n) >= 3.0 && !hull_secret_placeholder(s, n) &&
               !hull_secret_reference(s, n) && !hull_secret_uuid_or_digest(s, n) &&
               generic_ok(s, n, depth + 1);
}

static bool generic_ok(const char *s, size_t n, int depth) {
        static const char *const ext[] = {".pem",  ".key", ".crt", ".cer", ".json", ".txt",
                                          ".yaml", ".yml", ".p12", ".pfx", ".jks",  NULL};
        bool lo = false, up = false, dig = false, sym = false;
        char buf[256];
        size_t k;

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
        /* markup and escapes: the text they stand for is the value */
        if (depth < 3 && roff_text(s, n, buf, sizeof(buf), &k))
                return decoded_ok(buf, k, depth);
        if (depth < 3 && c_unescaped(s, n, buf, sizeof(buf), &k)) {
                for (size_t i = 0; i < k; i++)
                        if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
                                return false; /* text with line breaks, binary data */
                return !hull_secret_placeholder(buf, k) && generic_ok(buf, k, depth + 1);
        }
        if (depth < 3 && percent_decoded(s, n, buf, sizeof(buf), &k)) {
                if (memchr(buf, ' ', k) && words_and_spaces(buf, k))
                        return false; /* "Root%20CA%20Certificates": text */
                /* its shape only: the escapes made it long enough */
                return !hull_secret_placeholder(buf, k) && !hull_secret_reference(buf, k) &&
                       generic_ok(buf, k, depth + 1);
        }
        /* selectors, labels and prose end in ':' ("toPassword:error:",
         * "cvs#password:", "%v\nResponse:") */
        if (s[n - 1] == ':')
                return false;
        if (code_around_name(s, n) || code_expression(s, n) || word_list(s, n) ||
            dollar_chain(s, n) || interpolates(s, n) || identifier_uri(s, n) ||
            template_field(s, n) || format_string(s, n) || data_shape(s, n) ||
            memmem(s, n, "/aws4_request", 13))
                return false;
        if (printable_base64(s, n))
                return false; /* the engine decodes it and scans what it says */
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)s[i];
                if ((c >= 'a' && c <= 'z') || c >= 0x80)
                        lo = true; /* UTF-8 letters of prose: "contraseña" */
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

bool hull_secret_generic_ok(const char *s, size_t n) {
        return generic_ok(s, n, 0);
}

bool hull_secret_auth_header_ok(const char *s, size_t n) {
        unsigned char buf[256];
        const unsigned char *colon;
        long k = n % 4 == 0 ? hull_secret_base64_decode(s, n, buf, sizeof(buf)) : -1;

        if (k <= 0)
                return true;
        for (long i = 0; i < k; i++)
                if (buf[i] < 0x20 || buf[i] > 0x7e)
                        return true; /* a token, not "user:password" */
        colon = memchr(buf, ':', (size_t)k);
        if (!colon)
                return true;
        colon++;
        return !hull_secret_placeholder((const char *)colon, (size_t)(buf + k - colon));
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
