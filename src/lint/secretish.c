/* secretish.c - secret-shaped literals: a table of PCRE2 patterns.
 *
 * Each pattern is compiled on its own (the table is short and the strings a
 * Dockerfile holds are too) the first time hull_secretish_find() runs,
 * JIT-compiled when the platform supports it (not under valgrind, which
 * cannot follow JIT code); memory comes from hull_malloc() and an atexit()
 * handler frees it all, so leak checkers stay quiet.  A search runs every pattern and keeps the
 * leftmost accepted match (ties: the longer one, then table order).  A match
 * is refused, and the search goes on after its start, when its span:
 *   - has less Shannon entropy than its pattern's minimum (placeholders
 *     such as ghp_xxxxxxxx... or AKIAAAAAAAAAAAAAAAAA);
 *   - contains "EXAMPLE" (AWS's documented keys AKIAIOSFODNN7EXAMPLE and
 *     wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, and ones written like them);
 *   - fails the pattern's own check (a URL password that is a $reference, a
 *     placeholder, or "anonymous" / "guest").
 * When a pattern has a capture group, group 1 is the secret's span (the value
 * after `aws_secret_access_key=`, the password in a URL); otherwise the whole
 * match is.
 * Patterns are byte-oriented (no UTF mode): input may be any bytes.  Each
 * starts where its class of characters starts (a look-behind), and its
 * repeats stop at a character outside the class, so a search stays linear in
 * the input per pattern. */
#include "lint/secretish.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "basic/alloc.h"

struct pattern {
        const char *id;
        const char *description;
        const char *regex;
        double min_entropy;                      /* bits per byte of the span; 0: none */
        bool (*accept)(const char *s, size_t n); /* extra check on the span; NULL: none */
        bool header;                             /* the span is not secret itself */
};

static bool url_password_ok(const char *s, size_t n);

/* Boundaries: a token is not a piece of a longer word. */
#define NB_ALNUM "(?<![A-Za-z0-9])"
#define NA_ALNUM "(?![A-Za-z0-9])"

/* clang-format off */
static const struct pattern patterns[] = {
        {"aws-access-key-id", "an AWS access key id",
         NB_ALNUM "(?:AKIA|ASIA)[A-Z2-7]{16}" NA_ALNUM,
         3.0, NULL, false},
        {"aws-secret-access-key", "an AWS secret access key",
         "(?i:aws_?secret_?(?:access_?)?key)[\"']?(?:\\s*[:=]\\s*|\\s+)[\"']?"
         "(?<![A-Za-z0-9/+])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
         4.0, NULL, false},
        {"github-token", "a GitHub token",
         NB_ALNUM "gh[pousr]_[0-9A-Za-z]{36}" NA_ALNUM,
         3.5, NULL, false},
        {"github-fine-grained-token", "a GitHub fine-grained token",
         NB_ALNUM "github_pat_[0-9A-Za-z_]{82}(?![0-9A-Za-z_])",
         3.5, NULL, false},
        {"gitlab-token", "a GitLab personal access token",
         NB_ALNUM "glpat-[0-9A-Za-z_-]{20}(?![0-9A-Za-z_-])",
         3.0, NULL, false},
        {"slack-token", "a Slack token",
         NB_ALNUM "xox[baprs]-[0-9]{8,}-[0-9A-Za-z-]{10,}",
         3.0, NULL, false},
        {"slack-webhook", "a Slack webhook URL",
         "hooks\\.slack\\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{20,}",
         3.0, NULL, false},
        {"stripe-key", "a Stripe live secret key",
         NB_ALNUM "[sr]k_live_[0-9A-Za-z]{24,}" NA_ALNUM,
         3.5, NULL, false},
        {"google-api-key", "a Google API key",
         NB_ALNUM "AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])",
         3.5, NULL, false},
        {"npm-token", "an npm access token",
         NB_ALNUM "npm_[0-9A-Za-z]{36}" NA_ALNUM,
         3.5, NULL, false},
        {"private-key", "a private key",
         "-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----",
         0, NULL, true},
        {"jwt", "a JSON Web Token",
         "(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{15,}\\.eyJ[A-Za-z0-9_-]{15,}\\."
         "[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])",
         4.0, NULL, false},
        {"url-password", "a password in a URL",
         "(?<![A-Za-z0-9+.-])(?i:[a-z][a-z0-9+.-]{1,19})://"
         "[^\\s/@:'\"]*:([^\\s/@'\"]+)@[^\\s/@'\"]+",
         0, url_password_ok, false},
};
/* clang-format on */

#define NPATTERNS (sizeof(patterns) / sizeof(patterns[0]))

static struct {
        bool ready;
        pcre2_general_context *gctx;
        pcre2_code *code[NPATTERNS];
        pcre2_match_data *md;
} st;

static void *gmalloc(size_t n, void *ud) {
        (void)ud;
        return hull_malloc(n);
}

static void gfree(void *p, void *ud) {
        (void)ud;
        hull_free(p);
}

static void release(void) {
        pcre2_match_data_free(st.md);
        for (size_t i = 0; i < NPATTERNS; i++)
                pcre2_code_free(st.code[i]);
        pcre2_general_context_free(st.gctx);
        memset(&st, 0, sizeof(st));
}

/* Valgrind cannot follow JIT-compiled code (it reports uninitialised reads
 * inside it), and runs it slowly anyway: under valgrind, interpret. */
static bool under_valgrind(void) {
        const char *p = getenv("LD_PRELOAD");
        return p && strstr(p, "vgpreload");
}

static bool init(void) {
        static bool registered;
        bool jit;
        pcre2_compile_context *cctx = NULL;
        uint32_t groups = 1;
        int errcode;
        PCRE2_SIZE erroff;

        if (st.ready)
                return true;
        jit = !under_valgrind();
        if (!registered) {
                if (atexit(release) != 0)
                        return false;
                registered = true;
        }
        st.gctx = pcre2_general_context_create(gmalloc, gfree, NULL);
        if (!st.gctx || !(cctx = pcre2_compile_context_create(st.gctx)))
                goto fail;
        for (size_t i = 0; i < NPATTERNS; i++) {
                uint32_t g = 0;
                st.code[i] = pcre2_compile((PCRE2_SPTR)patterns[i].regex, PCRE2_ZERO_TERMINATED, 0,
                                           &errcode, &erroff, cctx);
                if (!st.code[i])
                        goto fail; /* out of memory (the patterns are known to compile) */
                if (jit)
                        (void)pcre2_jit_compile(st.code[i],
                                                PCRE2_JIT_COMPLETE); /* else interpreted */
                (void)pcre2_pattern_info(st.code[i], PCRE2_INFO_CAPTURECOUNT, &g);
                if (g + 1 > groups)
                        groups = g + 1;
        }
        st.md = pcre2_match_data_create(groups, st.gctx);
        if (!st.md)
                goto fail;
        pcre2_compile_context_free(cctx);
        st.ready = true;
        return true;
fail:
        pcre2_compile_context_free(cctx);
        release();
        return false;
}

/* log2(x) for x >= 1, to about 1e-9, without libm: x = m * 2^e with m in
 * [1, 2), ln m = 2 atanh((m - 1) / (m + 1)). */
static double log2_ge1(double x) {
        double e = 0, y, y2, term, sum = 0;
        while (x >= 2) {
                x /= 2;
                e++;
        }
        y = (x - 1) / (x + 1);
        y2 = y * y;
        term = y;
        for (int k = 1; k < 40; k += 2) {
                sum += term / k;
                term *= y2;
        }
        return e + 2 * sum / 0.69314718055994530942;
}

double hull_secretish_entropy(const char *s, size_t n) {
        size_t count[256] = {0};
        double sum = 0;

        if (n == 0)
                return 0;
        for (size_t i = 0; i < n; i++)
                count[(unsigned char)s[i]]++;
        /* H = log2 n - (1/n) sum c log2 c */
        for (size_t i = 0; i < 256; i++)
                if (count[i] > 1)
                        sum += (double)count[i] * log2_ge1((double)count[i]);
        return log2_ge1((double)n) - sum / (double)n;
}

/* A URL password that is a $reference, a %s / %(x)s format, a placeholder,
 * or an anonymous FTP-style login. */
static bool url_password_ok(const char *s, size_t n) {
        if (memchr(s, '$', n) || memchr(s, '%', n))
                return false;
        if ((n == 9 && strncasecmp(s, "anonymous", 9) == 0) ||
            (n == 5 && strncasecmp(s, "guest", 5) == 0))
                return false;
        return !hull_secretish_placeholder(s, n);
}

static bool contains_ci(const char *s, size_t n, const char *w) {
        size_t l = strlen(w);
        for (size_t i = 0; i + l <= n; i++)
                if (strncasecmp(s + i, w, l) == 0)
                        return true;
        return false;
}

bool hull_secretish_placeholder(const char *s, size_t n) {
        static const char *const words[] = {
                "changeme", "changeit",  "replaceme", "placeholder", "dummy",  "example", "sample",
                "test",     "testing",   "todo",      "tbd",         "fixme",  "none",    "null",
                "nil",      "undefined", "empty",     "redacted",    "notset", "unset",
        };
        static const char *const parts[] = {
                "changeme",    "change_me", "change-me", "replaceme", "replace_me", "replace-me",
                "placeholder", "example",   "dummy",     "xxxx",      "****",       "{{",
        };
        char norm[32];
        size_t k = 0;
        bool same = true;

        if (n == 0)
                return true;
        for (size_t i = 1; i < n; i++)
                same = same && s[i] == s[0];
        if (same && n > 1)
                return true; /* xxxxxxxx, ********, 00000000 */
        if (memchr(s, '<', n) && memchr(s, '>', n))
                return true; /* <TOKEN>, Bearer <your token> */
        for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
                if (contains_ci(s, n, parts[i]))
                        return true;
        /* the value without separators, lowercased: "your-api-key-here", "NOT_SET" */
        for (size_t i = 0; i < n && k < sizeof(norm) - 1; i++)
                if (!strchr("-_. ", s[i]))
                        norm[k++] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
        norm[k] = '\0';
        if (strncmp(norm, "your", 4) == 0)
                return true;
        for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
                if (strcmp(norm, words[i]) == 0)
                        return true;
        return false;
}

/* Match pattern i at or after from; on success the span of the secret. */
static bool match_one(size_t i, const char *s, size_t n, size_t from, size_t *ret_off,
                      size_t *ret_len, size_t *ret_start) {
        const struct pattern *p = &patterns[i];
        while (from <= n) {
                int rc = pcre2_match(st.code[i], (PCRE2_SPTR)s, n, from, 0, st.md, NULL);
                PCRE2_SIZE *ov;
                size_t off, len;

                if (rc < 0)
                        return false;
                ov = pcre2_get_ovector_pointer(st.md);
                if (rc >= 2 && ov[2] != PCRE2_UNSET) {
                        off = ov[2];
                        len = ov[3] - ov[2];
                } else {
                        off = ov[0];
                        len = ov[1] - ov[0];
                }
                if (len > 0 &&
                    (p->min_entropy <= 0 ||
                     hull_secretish_entropy(s + off, len) >= p->min_entropy) &&
                    !memmem(s + off, len, "EXAMPLE", 7) &&
                    (!p->accept || p->accept(s + off, len))) {
                        *ret_off = off;
                        *ret_len = len;
                        *ret_start = ov[0];
                        return true;
                }
                from = ov[0] + 1;
        }
        return false;
}

bool hull_secretish_find(const char *s, size_t n, struct hull_secretish_hit *ret) {
        size_t best = NPATTERNS, best_start = 0, best_off = 0, best_len = 0;

        if (!s || n == 0 || !init())
                return false;
        for (size_t i = 0; i < NPATTERNS; i++) {
                size_t off, len, start;
                if (!match_one(i, s, n, 0, &off, &len, &start))
                        continue;
                if (best == NPATTERNS || start < best_start ||
                    (start == best_start && len > best_len)) {
                        best = i;
                        best_start = start;
                        best_off = off;
                        best_len = len;
                }
        }
        if (best == NPATTERNS)
                return false;
        *ret = (struct hull_secretish_hit){
                .id = patterns[best].id,
                .description = patterns[best].description,
                .off = best_off,
                .len = best_len,
                .mask = !patterns[best].header,
        };
        return true;
}
