/* test_secrets_allow.c - the user's secret allow-list (src/secrets/allow.c).
 *
 * Entries are built as the configuration reader builds them (struct
 * hull_secret_allow), one kind of condition per test, then combined; the
 * last test matches from four threads at once against the answers of a
 * single-threaded pass (run it under ASan, or valgrind --tool=helgrind). */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "basic/alloc.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "config/config.h"
#include "secrets/allow.h"
#include "t.h"

#define CONF ".hullscan.yaml"

static struct hull_secrets_allow *make(struct hull_secret_allow *v, size_t n) {
        struct hull_secrets_settings s = {.allow = v, .nallow = n};
        struct hull_secrets_allow *a = NULL;
        struct hull_diag d;

        hull_diag_init(&d);
        if (hull_secrets_allow_new(&s, CONF, &a, &d) != HULL_OK)
                T_FAIL_AT("hull_secrets_allow_new: %s", d.msg);
        return a;
}

static bool allowed(const struct hull_secrets_allow *a, const char *rule, const char *path,
                    const char *secret, const char **reason) {
        return hull_secrets_allow_match(a, rule, path, secret, secret ? strlen(secret) : 0, reason);
}

TEST(value) {
        struct hull_secret_allow v[] = {
                {.value = "not-a-secret-123", .reason = "documented fixture", .line = 3},
        };
        struct hull_secrets_allow *a = make(v, ELEMENTSOF(v));
        const char *why = NULL;

        T_TRUE(allowed(a, "generic-password", "app/.env", "not-a-secret-123", &why));
        T_STREQ(why, "documented fixture");
        T_TRUE(allowed(a, "x", NULL, "not-a-secret-123", NULL)); /* no reason wanted */
        /* exact: no prefix, suffix or case folding */
        T_TRUE(!allowed(a, "x", NULL, "not-a-secret-1234", NULL));
        T_TRUE(!allowed(a, "x", NULL, "not-a-secret-12", NULL));
        T_TRUE(!allowed(a, "x", NULL, "NOT-A-SECRET-123", NULL));
        T_TRUE(!allowed(a, "x", NULL, "", NULL));
        /* the length counts, not a NUL */
        T_TRUE(!hull_secrets_allow_match(a, "x", NULL, "not-a-secret-123\0x", 18, NULL));
        T_TRUE(hull_secrets_allow_match(a, "x", NULL, "not-a-secret-123xyz", 16, NULL));
        hull_secrets_allow_free(a);
}

TEST(regex) {
        struct hull_secret_allow v[] = {
                {.regex = "^sk_test_", .reason = "Stripe test keys", .line = 5},
                {.regex = "(?i)example", .reason = "examples", .line = 7},
        };
        struct hull_secrets_allow *a = make(v, ELEMENTSOF(v));
        const char *why = NULL;

        T_TRUE(allowed(a, "stripe-secret-key", NULL, "sk_test_4eC39HqLyjWDarjtT1zdp7dc", &why));
        T_STREQ(why, "Stripe test keys");
        T_TRUE(!allowed(a, "stripe-secret-key", NULL, "sk_live_4eC39HqLyjWDarjtT1zdp7dc", NULL));
        /* unanchored unless the regex anchors it */
        T_TRUE(!allowed(a, "x", NULL, "xsk_test_abc", NULL));
        T_TRUE(allowed(a, "x", NULL, "key-EXAMPLE-1", &why));
        T_STREQ(why, "examples");
        /* bytes, not UTF-8: invalid UTF-8 is matched, not refused */
        T_TRUE(allowed(a, "x", NULL, "\xff\xfe example", NULL));
        /* matched on s[0..n) only */
        T_TRUE(!hull_secrets_allow_match(a, "x", NULL, "abc example", 3, NULL));
        hull_secrets_allow_free(a);
}

TEST(path_glob) {
        struct hull_secret_allow v[] = {
                {.path = "testdata/**", .reason = "fixtures", .line = 2},
                {.path = "*.md", .reason = "docs at the top", .line = 4},
                {.path = "docs/examples/x.env", .reason = "the example", .line = 6},
                {.path = "**/*.pem", .reason = "test certs", .line = 8},
                {.path = "vendor", .reason = "a directory", .line = 10},
        };
        struct hull_secrets_allow *a = make(v, ELEMENTSOF(v));
        const char *why = NULL;

        T_TRUE(allowed(a, "r", "testdata/keys/a.json", "s", &why));
        T_STREQ(why, "fixtures");
        T_TRUE(allowed(a, "r", "testdata/a", "s", NULL));
        T_TRUE(!allowed(a, "r", "src/testdata/a", "s", NULL));
        T_TRUE(!allowed(a, "r", "testdatax/a", "s", NULL));
        T_TRUE(allowed(a, "r", "README.md", "s", &why));
        T_STREQ(why, "docs at the top");
        /* Docker's '*' stops at '/': "**" reaches below */
        T_TRUE(!allowed(a, "r", "docs/README.md", "s", NULL));
        T_TRUE(allowed(a, "r", "docs/examples/x.env", "s", &why));
        T_STREQ(why, "the example");
        T_TRUE(!allowed(a, "r", "docs/examples/x.env.bak", "s", NULL));
        T_TRUE(!allowed(a, "r", "docs/examples/y.env", "s", NULL));
        T_TRUE(allowed(a, "r", "etc/ssl/test.pem", "s", &why));
        T_STREQ(why, "test certs");
        /* a directory's name covers what is under it */
        T_TRUE(allowed(a, "r", "vendor/a/b.go", "s", &why));
        T_STREQ(why, "a directory");
        T_TRUE(!allowed(a, "r", "src/vendor/b.go", "s", NULL));
        /* image paths may come with a leading '/' or "./" */
        T_TRUE(allowed(a, "r", "/testdata/a", "s", NULL));
        T_TRUE(allowed(a, "r", "./docs/examples/x.env", "s", NULL));
        T_TRUE(!allowed(a, "r", "/", "s", NULL));
        T_TRUE(!allowed(a, "r", "", "s", NULL));
        /* a finding without a file (image Env, history) has no path to match */
        T_TRUE(!allowed(a, "r", NULL, "s", NULL));
        hull_secrets_allow_free(a);
}

TEST(rule_limited) {
        struct hull_secret_allow v[] = {
                {.value = "hunter22", .rule = "generic-password", .reason = "the doc's example"},
                {.path = "testdata/**", .rule = "internal-token", .reason = "token fixtures"},
                {.regex = "^AKIA", .path = "ci/**", .reason = "ci keys"},
        };
        struct hull_secrets_allow *a = make(v, ELEMENTSOF(v));
        const char *why = NULL;

        T_TRUE(allowed(a, "generic-password", "a.py", "hunter22", &why));
        T_STREQ(why, "the doc's example");
        T_TRUE(!allowed(a, "generic-api-key", "a.py", "hunter22", NULL));
        T_TRUE(!allowed(a, NULL, "a.py", "hunter22", NULL));
        T_TRUE(allowed(a, "internal-token", "testdata/t.txt", "itk_x", &why));
        T_STREQ(why, "token fixtures");
        T_TRUE(!allowed(a, "github-pat", "testdata/t.txt", "ghp_x", NULL));
        /* several conditions: all must hold */
        T_TRUE(allowed(a, "aws-access-key-id", "ci/env", "AKIAXXXXXXXXXXXXXXXX", &why));
        T_STREQ(why, "ci keys");
        T_TRUE(!allowed(a, "aws-access-key-id", "src/env", "AKIAXXXXXXXXXXXXXXXX", NULL));
        T_TRUE(!allowed(a, "aws-access-key-id", "ci/env", "ASIAXXXXXXXXXXXXXXXX", NULL));
        T_TRUE(!allowed(a, "aws-access-key-id", NULL, "AKIAXXXXXXXXXXXXXXXX", NULL));
        hull_secrets_allow_free(a);
}

/* First entry in file order gives the reason. */
TEST(first_entry_wins) {
        struct hull_secret_allow v[] = {
                {.regex = "^a", .reason = "first"},
                {.value = "abc", .reason = "second"},
        };
        struct hull_secrets_allow *a = make(v, ELEMENTSOF(v));
        const char *why = NULL;

        T_TRUE(allowed(a, "r", NULL, "abc", &why));
        T_STREQ(why, "first");
        hull_secrets_allow_free(a);
}

TEST(empty_and_null) {
        struct hull_secrets_allow *a = NULL;
        struct hull_secrets_settings none = {0};
        const char *why = "untouched";

        T_OK(hull_secrets_allow_new(&none, CONF, &a, NULL));
        T_TRUE(!allowed(a, "r", "p", "s", &why));
        T_STREQ(why, "untouched");
        hull_secrets_allow_free(a);
        T_OK(hull_secrets_allow_new(NULL, NULL, &a, NULL));
        T_TRUE(!allowed(a, "r", "p", "s", NULL));
        hull_secrets_allow_free(a);
        T_TRUE(!allowed(NULL, "r", "p", "s", NULL));
        hull_secrets_allow_free(NULL);
}

/* Settings not from the reader are checked again: the line names the entry. */
TEST(bad_entries) {
        static const struct {
                struct hull_secret_allow e;
                const char *msg;
        } cases[] = {
                {{.regex = "a(", .reason = "r", .line = 9},
                 CONF ":9: error: secrets.allow: regex does not compile (PCRE2, at offset 2): "
                      "missing closing parenthesis"},
                {{.regex = "(*UTF)a", .reason = "r", .line = 9},
                 CONF ":9: error: secrets.allow: regex does not compile (PCRE2, at offset 6): "
                      "using UTF is disabled by the application"},
                {{.path = "a/[", .reason = "r", .line = 4},
                 CONF ":4: error: secrets.allow: path glob does not compile: syntax error in "
                      "pattern 'a/['"},
                {{.path = "!a", .reason = "r", .line = 4},
                 CONF ":4: error: secrets.allow: path glob '!a' is blank or an exception ('!')"},
                {{.rule = "r", .reason = "r", .line = 2},
                 CONF ":2: error: secrets.allow: an entry needs a value, a regex or a path"},
                {{.value = "v", .line = 2},
                 CONF ":2: error: secrets.allow: an entry needs a reason"},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct hull_secrets_settings s = {.allow = (struct hull_secret_allow *)&cases[i].e,
                                                  .nallow = 1};
                struct hull_secrets_allow *a = (struct hull_secrets_allow *)1;
                struct hull_diag d;
                char msg[600];

                hull_diag_init(&d);
                T_EQ(hull_secrets_allow_new(&s, CONF, &a, &d), HULL_EPARSE);
                T_TRUE(a == NULL);
                hull_diag_format(&d, msg, sizeof(msg));
                T_STREQ(msg, cases[i].msg);
        }
}

/* Catastrophic-backtracking bait stops at the match limit: not allowed. */
TEST(regex_limit) {
        struct hull_secret_allow v[] = {{.regex = "^(a+)+$", .reason = "r"}};
        struct hull_secrets_allow *a = make(v, ELEMENTSOF(v));
        char s[64];

        memset(s, 'a', sizeof(s) - 2);
        s[sizeof(s) - 2] = 'b';
        s[sizeof(s) - 1] = 0;
        T_TRUE(!allowed(a, "r", NULL, s, NULL));
        T_TRUE(allowed(a, "r", NULL, "aaaa", NULL));
        hull_secrets_allow_free(a);
}

/* Every allocation failing in turn: HULL_ENOMEM and nothing leaked, or a
 * working object. */
TEST(out_of_memory) {
        struct hull_secret_allow v[] = {
                {.value = "v", .reason = "r1"},
                {.regex = "^x", .rule = "a", .reason = "r2"},
                {.path = "a/*.txt", .reason = "r3"},
        };
        struct hull_secrets_settings s = {.allow = v, .nallow = ELEMENTSOF(v)};

        for (unsigned long n = 1; n < 100; n++) {
                struct hull_secrets_allow *a = NULL;
                int r;

                hull_alloc_fail_after(n);
                r = hull_secrets_allow_new(&s, CONF, &a, NULL);
                hull_alloc_fail_after(0);
                if (r != HULL_OK) {
                        T_EQ(r, HULL_ENOMEM);
                        T_TRUE(a == NULL);
                        continue;
                }
                T_TRUE(allowed(a, "a", "a/b.txt", "x1", NULL));
                T_TRUE(!allowed(a, "b", "b/b.txt", "x1", NULL));
                hull_secrets_allow_free(a);
        }
}

/* ---- threads ----------------------------------------------------------------- */

static const struct {
        const char *rule, *path, *secret;
        const char *reason; /* NULL: not allowed */
} probes[] = {
        {"generic-password", "app/.env", "not-a-secret-123", "value"},
        {"stripe-secret-key", "src/pay.py", "sk_test_abcdef", "regex"},
        {"stripe-secret-key", "src/pay.py", "sk_live_abcdef", NULL},
        {"github-pat", "testdata/a/b.json", "ghp_abc", "glob"},
        {"github-pat", "src/testdata/b.json", "ghp_abc", "docs glob"},
        {"github-pat", "src/main.go", "ghp_abc", NULL},
        {"internal-token", "fixtures/t.yaml", "itk_1", "rule glob"},
        {"github-pat", "fixtures/t.yaml", "ghp_abc", NULL},
        {"github-pat", NULL, "ghp_abc", NULL},
        {"x", "README.md", "s", "docs glob"},
};

static struct hull_secret_allow thread_entries[] = {
        {.value = "not-a-secret-123", .reason = "value"},
        {.regex = "^sk_test_", .reason = "regex"},
        {.path = "testdata/**", .reason = "glob"},
        {.path = "**/testdata/**/*.json", .reason = "docs glob"},
        {.path = "*.md", .reason = "docs glob"},
        {.path = "fixtures", .rule = "internal-token", .reason = "rule glob"},
};

struct worker {
        const struct hull_secrets_allow *a;
        unsigned seed;
        unsigned wrong;
};

static void *work(void *p) {
        struct worker *w = p;

        for (unsigned i = 0; i < 20000; i++) {
                size_t k = (w->seed + i * 7u) % ELEMENTSOF(probes);
                const char *why = NULL;
                bool ok = allowed(w->a, probes[k].rule, probes[k].path, probes[k].secret, &why);
                if (ok != (probes[k].reason != NULL) || (ok && strcmp(why, probes[k].reason) != 0))
                        w->wrong++;
        }
        return NULL;
}

TEST(threads) {
        struct hull_secrets_allow *a = make(thread_entries, ELEMENTSOF(thread_entries));
        struct worker w[4];
        pthread_t t[4];

        /* single-threaded first: the answers the threads must give */
        for (size_t k = 0; k < ELEMENTSOF(probes); k++) {
                const char *why = NULL;
                bool ok = allowed(a, probes[k].rule, probes[k].path, probes[k].secret, &why);
                if (ok != (probes[k].reason != NULL) || (ok && strcmp(why, probes[k].reason)))
                        T_FAIL_AT("probe %zu: %d %s", k, ok, ok ? why : "");
        }
        for (unsigned i = 0; i < 4; i++) {
                w[i] = (struct worker){.a = a, .seed = i * 3};
                T_OK(pthread_create(&t[i], NULL, work, &w[i]));
        }
        for (unsigned i = 0; i < 4; i++) {
                T_OK(pthread_join(t[i], NULL));
                T_EQ(w[i].wrong, 0);
        }
        hull_secrets_allow_free(a);
}

T_MAIN()
