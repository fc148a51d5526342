/* filters.c - the value filters the secret engine applies after a rule's
 * regex matched (rule.h): entropy, placeholders, variable references,
 * UUIDs and digests, documented example values.
 *
 * They take over and extend the stopgap of src/lint/secretish.c.  All are
 * pure functions of the bytes (no allocation, no locale: ASCII case folding
 * only), thread-safe, and linear in n; values longer than a few KiB are
 * judged on what they are, never truncated silently except where noted.
 *
 * Which filter runs when is the engine's business (rule.h): entropy and
 * examples for every rule, placeholder / reference / UUID-or-digest only for
 * HULL_SECRET_GENERIC rules, whose values come from a name ("password = ...")
 * rather than from a provider's token format. */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "secrets/rule.h"

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

double hull_secret_entropy(const char *s, size_t n) {
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

static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool is_alpha(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

static bool is_alnum(char c) {
        return is_alpha(c) || is_digit(c);
}

static bool is_hex(char c) {
        return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool contains_ci(const char *s, size_t n, const char *w) {
        size_t l = strlen(w);

        for (size_t i = 0; i + l <= n; i++)
                if (strncasecmp(s + i, w, l) == 0)
                        return true;
        return false;
}

static bool starts_ci(const char *s, size_t n, const char *w) {
        size_t l = strlen(w);
        return n >= l && strncasecmp(s, w, l) == 0;
}

static bool in_list(const char *w, const char *const *list) {
        for (size_t i = 0; list[i]; i++)
                if (strcmp(w, list[i]) == 0)
                        return true;
        return false;
}

/* Single-letter words of s[0..n), words cut as in code: at
 * non-alphanumerics, between letters and digits, at a lower-to-upper case
 * change and before the last capital of a run followed by a lower-case
 * letter ("XMLHttp": XML, Http).  Names are words ("secretKeyBase",
 * "SECRET_KEY", "k8s" has two); random strings are full of single letters
 * ("tJ0KFMS1Jqvd33r": t, J, r). */
static size_t single_letter_words(const char *s, size_t n) {
        size_t count = 0, len = 0;

        for (size_t i = 0; i < n; i++) {
                bool cut = !is_alnum(s[i]);
                if (i > 0 && !cut) {
                        char a = s[i - 1], b = s[i];
                        cut = is_digit(a) != is_digit(b) ||
                              (a >= 'a' && a <= 'z' && b >= 'A' && b <= 'Z') ||
                              (a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z' && i + 1 < n &&
                               s[i + 1] >= 'a' && s[i + 1] <= 'z');
                }
                if (cut) {
                        count += len == 1 && is_alpha(s[i - 1]);
                        len = 0;
                }
                if (is_alnum(s[i]))
                        len++;
        }
        return count + (len == 1 && is_alpha(s[n - 1]));
}

/* ---- placeholders ---------------------------------------------------------- */

/* clang-format off */
/* Whole values (lowercased, separators "-_. " dropped) that are no secret. */
static const char *const placeholder_words[] = {
        "changeme", "changeit", "replaceme", "placeholder", "dummy", "example", "sample", "test",
        "testing", "todo", "tbd", "fixme", "none", "null", "nil", "undefined", "empty", "redacted",
        "notset", "unset", "default", "password", "passwd", "pass", "secret", "token", "apikey",
        "apitoken", "accesskey", "secretkey", "authtoken", "key", "admin", "root", "user",
        "username", "string", "value", "foo", "bar", "baz", "foobar", "abc", "abc123", "qwerty",
        "letmein", "secret123", "password1", "password123", "pa55word", "p4ssw0rd", "passw0rd",
        "mypassword", "mysecret", "mytoken", "myapikey", "supersecret", "topsecret", "hunter2",
        "s3cr3t", "demo", "fake", "invalid", "required", "optional", "true", "false", "disabled",
        "enabled", "na", "tobereplaced", "insertkeyhere", "secretpassword", "yoursecret",
        "masked", "hidden", "omitted", "removed", "notused", "unknown", NULL,
};

/* Substrings no real value contains by chance (case-insensitive). */
static const char *const placeholder_parts[] = {
        "changeme", "change_me", "change-me", "changeit", "replaceme", "replace_me", "replace-me",
        "placeholder", "example", "dummy", "xxxx", "****", "####", "...", "{{", "}}", "redacted",
        "sample", "insert_", "insert-", "insertyour", "your_", "your-", "<your", "todo_",
        "not_a_real", "not-a-real", "notareal", "fake_", "fake-", "\xe2\x80\xa2", /* bullet */
        "\xe2\x80\xa6", /* ellipsis */ NULL,
};

/* Words that make a value a placeholder when they stand alone in it
 * ("my-test-token", "DemoApiKey"): words are split at non-alphanumerics and
 * at lower-to-upper case changes. */
static const char *const placeholder_alone[] = {
        "test", "tests", "testing", "demo", "mock", "fake", "sample", "your", "todo",
        "fixme", "invalid", "xxx", "foo", "bar", "here", "changeme", NULL,
};
/* clang-format on */

/* Each character one more than the one before ("abcdefgh", "12345678"), or
 * one less. */
static bool sequential(const char *s, size_t n) {
        bool up = true, down = true;

        if (n < 4)
                return false;
        for (size_t i = 1; i < n; i++) {
                up = up && s[i] == s[i - 1] + 1;
                down = down && s[i] == s[i - 1] - 1;
        }
        return up || down;
}

/* Two ascending runs of 3 or more, end to end ("abcde12345", "abc12345"). */
static bool two_runs(const char *s, size_t n) {
        size_t cut = 0;

        for (size_t i = 1; i < n; i++) {
                if (s[i] == s[i - 1] + 1)
                        continue;
                if (cut)
                        return false;
                cut = i;
        }
        return cut >= 3 && n - cut >= 3;
}

/* A word of s[0..n) is one of placeholder_alone. */
static bool has_placeholder_word(const char *s, size_t n) {
        size_t i = 0;

        while (i < n) {
                char w[16];
                size_t k = 0, j = i;

                if (!is_alnum(s[i])) {
                        i++;
                        continue;
                }
                /* a word: a run of alphanumerics, cut before an upper-case
                 * letter that follows a lower-case one */
                while (j < n && is_alnum(s[j]) &&
                       !(j > i && s[j] >= 'A' && s[j] <= 'Z' && s[j - 1] >= 'a' &&
                         s[j - 1] <= 'z')) {
                        if (k < sizeof(w) - 1)
                                w[k++] = lower(s[j]);
                        j++;
                }
                w[k] = '\0';
                /* digits glued to a word do not hide it: "test123" */
                while (k > 0 && is_digit(w[k - 1]))
                        w[--k] = '\0';
                if (j - i < sizeof(w) && in_list(w, placeholder_alone))
                        return true;
                i = j;
        }
        return false;
}

bool hull_secret_placeholder(const char *s, size_t n) {
        char norm[48];
        size_t k = 0, seps = 0;
        bool same = true, all_sep = true;
        char first = 0;

        if (n == 0)
                return true;
        /* one character repeated, separators aside: xxxxxxxx, ********,
         * 0000-0000-0000, XXXX.XXXX */
        for (size_t i = 0; i < n; i++) {
                if (strchr("-_. :/", s[i]) && s[i]) {
                        seps++;
                        continue;
                }
                all_sep = false;
                if (!first)
                        first = lower(s[i]);
                else if (lower(s[i]) != first)
                        same = false;
        }
        if (all_sep || (same && n - seps > 1))
                return true;
        if (memchr(s, '<', n) && memchr(s, '>', n))
                return true; /* <TOKEN>, <your token here> */
        if (n >= 2 && s[0] == '[' && s[n - 1] == ']')
                return true; /* [API_KEY] */
        for (size_t i = 0; placeholder_parts[i]; i++)
                if (contains_ci(s, n, placeholder_parts[i]))
                        return true;
        /* the value without separators, lowercased: "your-api-key-here", "NOT_SET" */
        for (size_t i = 0; i < n && k < sizeof(norm) - 1; i++)
                if (!strchr("-_. ", s[i]) || !s[i])
                        norm[k++] = lower(s[i]);
        norm[k] = '\0';
        if (strncmp(norm, "your", 4) == 0 || strncmp(norm, "enteryour", 9) == 0 ||
            strncmp(norm, "insert", 6) == 0 || strncmp(norm, "put", 3) == 0)
                return true;
        if (n < sizeof(norm) && k >= 8 && strcmp(norm + k - 4, "here") == 0)
                return true; /* "api-key-here", "token_goes_here" */
        if (n < sizeof(norm) && in_list(norm, placeholder_words))
                return true;
        if ((sequential(norm, k) || two_runs(norm, k)) && n < sizeof(norm))
                return true;
        /* a random value holds "Foo" or "Test" as a word now and then
         * ("...NleQlgFooG2ud..."); random values are full of one-letter
         * words, names and stand-ins are not */
        if (n >= 16 && single_letter_words(s, n) >= 2)
                return false;
        return has_placeholder_word(s, n);
}

/* ---- references ---------------------------------------------------------- */

/* clang-format off */
/* Code or configuration that fetches the value from elsewhere. */
static const char *const reference_parts[] = {
        "process.env", "os.environ", "os.getenv", "getenv(", "env(", "env[", "env.fetch",
        "system.getenv", "environment.getenvironmentvariable", "secrets.", "vars.", "{{", "{%",
        "<%", "#{", "${", "$(", "%(", "valuefrom", "secretkeyref", NULL,
};

/* Prefixes of secret-manager references: op://vault/item/field (1Password),
 * vault:secret/data/x, arn:aws:secretsmanager:..., ref+awsssm://... */
static const char *const reference_prefixes[] = {
        "op://", "vault:", "vault://", "ref+", "arn:aws:", "secretsmanager:", "ssm:", "sm://",
        "gcpsm://", "awssm://", "azkv://", "akv://", "keyvault:", "kms://", "awskms://",
        "projects/", "file:", "env:", "@Microsoft.KeyVault(", NULL,
};
/* clang-format on */

/* s[0..n) (letters, digits, '_') reads as a name: its words (cut as in
 * single_letter_words) are runs of at most 4 digits or 2 to 15 letters with
 * a vowel, or short ones (db, cfg, URL); a segment of at most 3 characters
 * ("k8s", "x") passes whatever it is. */
static bool wordy(const char *s, size_t n) {
        size_t i = 0;

        if (n <= 3)
                return true;
        while (i < n) {
                size_t j = i + 1;
                bool vowel = strchr("aeiouyAEIOUY", s[i]) && s[i];

                if (s[i] == '_') {
                        i++;
                        continue;
                }
                while (j < n && is_alnum(s[j]) &&
                       !(is_digit(s[j]) != is_digit(s[j - 1]) ||
                         (s[j - 1] >= 'a' && s[j - 1] <= 'z' && s[j] >= 'A' && s[j] <= 'Z') ||
                         (s[j - 1] >= 'A' && s[j - 1] <= 'Z' && s[j] >= 'A' && s[j] <= 'Z' &&
                          j + 1 < n && s[j + 1] >= 'a' && s[j + 1] <= 'z'))) {
                        vowel |= strchr("aeiouyAEIOUY", s[j]) && s[j];
                        j++;
                }
                if (is_digit(s[i]) ? j - i > 4 : j - i < 2 || j - i > 15 || (!vowel && j - i > 3))
                        return false;
                i = j;
        }
        return true;
}

/* An identifier path: config.db.password, self.token, settings.SECRET_KEY;
 * not a random value that happens to hold a dot ("Z.OC5xHWPhnAd6wHn",
 * "tJ0KFMS1Jqvd33r.NQCV0YK_nEw", "pwQlBtimU85IT.FP"): every segment is
 * wordy. */
static bool identifier_path(const char *s, size_t n) {
        size_t dots = 0, seg = 0;
        bool start = true;

        for (size_t i = 0; i <= n; i++) {
                if (i < n && s[i] != '.')
                        continue;
                if (!wordy(s + seg, i - seg))
                        return false;
                seg = i + 1;
        }

        for (size_t i = 0; i < n; i++) {
                char c = s[i];
                if (c == '.') {
                        if (start)
                                return false;
                        dots++;
                        start = true;
                } else if (start) {
                        if (!is_alpha(c) && c != '_' && c != '$')
                                return false;
                        start = false;
                } else if (!is_alnum(c) && c != '_') {
                        return false;
                }
        }
        return dots > 0 && !start;
}

bool hull_secret_reference(const char *s, size_t n) {
        if (n == 0)
                return false;
        if (s[0] == '$')
                return true; /* $VAR, ${VAR}, $(cmd), $ANSIBLE_VAULT;... */
        if (n >= 2 && ((s[0] == '%' && s[n - 1] == '%') || (s[0] == '@' && s[n - 1] == '@') ||
                       (s[0] == '{' && s[n - 1] == '}')))
                return true; /* %VAR% (Windows), @VAR@ (autoconf), {name} (format) */
        for (size_t i = 0; reference_parts[i]; i++)
                if (contains_ci(s, n, reference_parts[i]))
                        return true;
        for (size_t i = 0; reference_prefixes[i]; i++)
                if (starts_ci(s, n, reference_prefixes[i]))
                        return true;
        if (memchr(s, '(', n) && memchr(s, ')', n))
                return true; /* a call: getpass(), ENC(...), read_secret("x") */
        if (memchr(s, '[', n) && memchr(s, ']', n))
                return true; /* an index: params[:password], ENV['TOKEN'] */
        if (n == 2 && s[0] == '%' && strchr("sdvq", s[1]) && s[1])
                return true; /* a printf verb standing for the value: "%s" */
        return identifier_path(s, n);
}

/* ---- UUIDs and digests ---------------------------------------------------- */

static bool all_hex(const char *s, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (!is_hex(s[i]))
                        return false;
        return n > 0;
}

static bool uuid(const char *s, size_t n) {
        if (n == 38 && s[0] == '{' && s[37] == '}') {
                s++;
                n = 36;
        }
        if (n != 36)
                return false;
        for (size_t i = 0; i < 36; i++) {
                bool dash = i == 8 || i == 13 || i == 18 || i == 23;
                if (dash ? s[i] != '-' : !is_hex(s[i]))
                        return false;
        }
        return true;
}

static bool base64ish(const char *s, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (!is_alnum(s[i]) && !strchr("+/=_-", s[i]))
                        return false;
        return n > 0;
}

bool hull_secret_uuid_or_digest(const char *s, size_t n) {
        static const char *const sri[] = {"sha1-", "sha256-", "sha384-", "sha512-", NULL};
        static const char *const algo[] = {"md5:",    "sha1:",   "sha224:", "sha256:",  "sha384:",
                                           "sha512:", "sha256=", "sha1=",   "blake2b:", NULL};

        if (uuid(s, n))
                return true;
        /* "sha512-<base64>" (package-lock integrity, SRI) */
        for (size_t i = 0; sri[i]; i++) {
                size_t l = strlen(sri[i]);
                if (n > l + 20 && strncmp(s, sri[i], l) == 0 && base64ish(s + l, n - l))
                        return true;
        }
        for (size_t i = 0; algo[i]; i++) {
                size_t l = strlen(algo[i]);
                if (n > l && strncasecmp(s, algo[i], l) == 0) {
                        s += l;
                        n -= l;
                        break;
                }
        }
        return (n == 32 || n == 40 || n == 56 || n == 64 || n == 96 || n == 128) && all_hex(s, n);
}

/* ---- documented examples ------------------------------------------------- */

/* Values printed in providers' documentation and tutorials. */
static const char *const examples[] = {
        /* AWS IAM user guide */
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AKIAI44QH8DHBEXAMPLE",
        "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
        /* Azurite and the Azure storage emulator: a published, fixed key */
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
        /* GitHub REST API documentation (and its ghp_ twin in tutorials) */
        "gho_16C7e42F292c6912E7710c838347Ae178B4a",
        "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
        /* jwt.io's default token */
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwi"
        "aWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        /* Telegram Bot API documentation */
        "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11",
        /* the Google Cloud SDK's public OAuth client (in every gcloud ADC file) */
        "d-FL95Q19q7MQmFpd7hHD0Ty",
        /* kubeadm documentation */
        "abcdef.0123456789abcdef",
        /* Stripe API reference (test mode keys) */
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
        NULL,
};

bool hull_secret_known_example(const char *s, size_t n) {
        for (size_t i = 0; examples[i]; i++)
                if (strlen(examples[i]) == n && memcmp(examples[i], s, n) == 0)
                        return true;
        /* a key-shaped value (no white space, long enough) with EXAMPLE in it:
         * AWS writes its examples like that, and so do those who copy it */
        if (n < 16 || !memmem(s, n, "EXAMPLE", 7))
                return false;
        for (size_t i = 0; i < n; i++)
                if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
                        return false;
        return true;
}
