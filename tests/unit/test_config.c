/* test_config.c - the .hullscan.yaml reader (src/config/config.c).
 *
 * Good files are checked field by field; bad ones are data: the file and
 * the one-line error it must give (hull_diag_format), one defect each.  "@B@"
 * in a case stands for a built-in secret rule id (the first of rules.c), so
 * the cases do not depend on the table's contents; it is only ever written
 * last on its line, so the columns of the expected messages hold. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/alloc.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "config/config.h"
#include "secrets/rule.h"
#include "t.h"

#define NAME ".hullscan.yaml"

/* yaml with every "@B@" replaced by a built-in secret rule id. */
static char *expand(const char *yaml) {
        const char *b = hull_secret_nrules ? hull_secret_rules[0].id : "no-builtin-rules";
        size_t bl = strlen(b), n = 1;
        char *out, *o;

        for (const char *p = yaml; *p; p++)
                n += strncmp(p, "@B@", 3) == 0 ? bl : 1;
        out = o = malloc(n);
        if (!out)
                abort();
        while (*yaml) {
                if (strncmp(yaml, "@B@", 3) == 0) {
                        memcpy(o, b, bl);
                        o += bl;
                        yaml += 3;
                } else {
                        *o++ = *yaml++;
                }
        }
        *o = 0;
        return out;
}

static int load(struct hull_lint_settings *s, const char *yaml, size_t len, char *msg,
                size_t msgsz) {
        struct hull_diag d;
        char *data = expand(yaml);
        int r;

        hull_diag_init(&d);
        hull_lint_settings_init(s);
        r = hull_config_load_data(s, data, len ? len : strlen(data), NAME, &d);
        free(data);
        msg[0] = 0;
        if (r != HULL_OK)
                hull_diag_format(&d, msg, msgsz);
        return r;
}

static bool has(const char *const *v, size_t n, const char *s) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(v[i], s) == 0)
                        return true;
        return false;
}

TEST(lint_section_unchanged) {
        struct hull_lint_settings s;
        char msg[600];

        T_OK(load(&s,
                  "lint:\n"
                  "  disable: [HS1013]\n"
                  "  severity: {HS1015: low}\n"
                  "  trusted-registries: [a.io, \"b.io:5000\"]\n"
                  "  allow-secrets: [x, \"y\"]\n",
                  0, msg, sizeof(msg)));
        T_STREQ(msg, "");
        T_EQ(s.cfg.ndisabled, 1);
        T_STREQ(s.cfg.disabled[0], "HS1013");
        T_EQ(s.cfg.noverrides, 1);
        T_EQ(s.cfg.overrides[0].severity, HULL_SEV_LOW);
        T_EQ(s.cfg.ntrusted, 2);
        T_EQ(s.cfg.nallow, 2);
        T_STREQ(s.cfg.secret_allowlist[1], "y");
        T_EQ(s.secrets.nrules + s.secrets.nallow + s.secrets.ndisabled, 0);
        hull_lint_settings_release(&s);
}

/* The example of config.h and docs/config.md, every key. */
TEST(secrets_full_section) {
        struct hull_lint_settings s;
        char msg[600];

        T_OK(load(&s,
                  "lint:\n"
                  "  disable: HS1013\n"
                  "secrets:\n"
                  "  disable: [internal-token, @B@]\n"
                  "  severity: {internal-token: critical}\n"
                  "  rules:\n"
                  "    - id: internal-token\n"
                  "      title: Internal API token\n"
                  "      regex: 'itk_([a-z0-9]{32})'\n"
                  "      keywords: [itk_, ITK-]\n"
                  "      secret-group: 1\n"
                  "      severity: medium\n"
                  "      entropy: 3.25\n"
                  "      path: '(^|/)config/.*\\.ya?ml$'\n"
                  "    - id: db-pass-2\n"
                  "      title: Database password\n"
                  "      regex: 'dbp-[A-Z]{8}'\n"
                  "  allow:\n"
                  "    - value: not-a-secret-123\n"
                  "      reason: documented test fixture\n"
                  "    - regex: '^sk_test_'\n"
                  "      reason: Stripe test keys\n"
                  "    - path: 'testdata/**'\n"
                  "      rule: internal-token\n"
                  "      reason: fixtures\n",
                  0, msg, sizeof(msg)));
        T_STREQ(msg, "");
        T_EQ(s.cfg.ndisabled, 1); /* lint: untouched */

        const struct hull_secrets_settings *ss = &s.secrets;
        T_EQ(ss->ndisabled, 2);
        T_EQ(ss->nseverity, 1);
        T_EQ(ss->nrules, 2);
        T_EQ(ss->nallow, 3);
        if (ss->ndisabled != 2 || ss->nseverity != 1 || ss->nrules != 2 || ss->nallow != 3) {
                hull_lint_settings_release(&s);
                return;
        }
        T_TRUE(has(ss->disabled, ss->ndisabled, "internal-token"));
        if (hull_secret_nrules)
                T_TRUE(has(ss->disabled, ss->ndisabled, hull_secret_rules[0].id));
        T_STREQ(ss->severity[0].id, "internal-token");
        T_EQ(ss->severity[0].severity, HULL_SEV_CRITICAL);

        const struct hull_secret_rule *r = &ss->rules[0];
        T_STREQ(r->id, "internal-token");
        T_STREQ(r->title, "Internal API token");
        T_STREQ(r->regex, "itk_([a-z0-9]{32})");
        T_TRUE(r->keywords != NULL);
        if (r->keywords) {
                T_STREQ(r->keywords[0], "itk_");
                T_STREQ(r->keywords[1], "ITK-");
                T_TRUE(r->keywords[2] == NULL);
        }
        T_EQ(r->secret_group, 1);
        T_EQ(r->severity, HULL_SEV_MEDIUM);
        T_TRUE(r->min_entropy == 3.25);
        T_STREQ(r->path, "(^|/)config/.*\\.ya?ml$");
        T_STREQ(r->fix, "remove it from the file and rotate it");
        T_EQ(r->flags, 0);
        T_TRUE(r->allow == NULL && r->validate == NULL && r->docs == NULL);
        T_EQ(r->span, 0); /* keywords: PCRE2 runs on the default span */
        /* the defaults */
        r = &ss->rules[1];
        T_STREQ(r->id, "db-pass-2");
        T_EQ(r->severity, HULL_SEV_HIGH);
        T_TRUE(r->keywords == NULL && r->path == NULL && r->min_entropy == 0);
        T_EQ(r->secret_group, 0);
        T_EQ(r->span, 0); /* 12 bytes at most: the default span covers it */

        T_STREQ(ss->allow[0].value, "not-a-secret-123");
        T_STREQ(ss->allow[0].reason, "documented test fixture");
        T_EQ(ss->allow[0].line, 19);
        T_TRUE(!ss->allow[0].regex && !ss->allow[0].path && !ss->allow[0].rule);
        T_STREQ(ss->allow[1].regex, "^sk_test_");
        T_EQ(ss->allow[1].line, 21);
        T_STREQ(ss->allow[2].path, "testdata/**");
        T_STREQ(ss->allow[2].rule, "internal-token");
        T_STREQ(ss->allow[2].reason, "fixtures");
        T_EQ(ss->allow[2].line, 23);
        hull_lint_settings_release(&s);
}

/* Lists also take one string; disable, severity and allow name user rules
 * written after them; an empty section is valid. */
TEST(secrets_forms) {
        struct hull_lint_settings s;
        char msg[600];

        T_OK(load(&s,
                  "secrets:\n"
                  "  disable: my-rule\n"
                  "  severity:\n"
                  "    my-rule: LOW\n"
                  "  allow:\n"
                  "    - {value: abc, rule: my-rule, reason: r}\n"
                  "  rules:\n"
                  "    - {id: my-rule, title: t, regex: 'tok=\\w+', keywords: tok=, entropy: 0}\n"
                  "    - {id: 9lives, title: t, regex: 'x{300}', entropy: 8}\n"
                  "    - {id: big, title: t, regex: 'y{1000}z{1000}', entropy: .5}\n",
                  0, msg, sizeof(msg)));
        T_STREQ(msg, "");
        T_EQ(s.secrets.ndisabled, 1);
        T_EQ(s.secrets.nseverity, 1);
        T_EQ(s.secrets.nallow, 1);
        T_EQ(s.secrets.nrules, 3);
        if (s.secrets.ndisabled == 1 && s.secrets.nseverity == 1 && s.secrets.nallow == 1 &&
            s.secrets.nrules == 3) {
                T_STREQ(s.secrets.disabled[0], "my-rule");
                T_EQ(s.secrets.severity[0].severity, HULL_SEV_LOW);
                T_STREQ(s.secrets.allow[0].rule, "my-rule");
                T_TRUE(s.secrets.rules[0].keywords && s.secrets.rules[0].keywords[1] == NULL);
                T_STREQ(s.secrets.rules[0].keywords[0], "tok=");
                T_TRUE(s.secrets.rules[1].min_entropy == 8);
                /* vectorscan runs these: the span covers their longest match */
                T_EQ(s.secrets.rules[1].span, 300);
                T_EQ(s.secrets.rules[2].span, 2000);
                T_TRUE(s.secrets.rules[2].min_entropy == 0.5);
        }
        hull_lint_settings_release(&s);

        T_OK(load(&s, "secrets: {}\n", 0, msg, sizeof(msg)));
        T_EQ(s.secrets.nrules + s.secrets.nallow, 0);
        hull_lint_settings_release(&s);
}

struct bad {
        const char *yaml;
        const char *msg; /* hull_diag_format of the error */
};

static const struct bad bad_files[] = {
        /* top level */
        {"secret:\n  disable: x\n",
         NAME ":1:1: error: unknown key 'secret' (expected lint, secrets)"},
        {"secrets: [a]\n", NAME ":1:10: error: 'secrets' must be a mapping"},
        {"secrets:\n  rule: []\n",
         NAME ":2:3: error: unknown key 'secrets.rule' (expected disable, severity, rules, allow)"},
        /* disable */
        {"secrets:\n  disable: {a: b}\n", NAME ":2:12: error: 'secrets.disable' must be a list"},
        {"secrets:\n  disable: [[a]]\n",
         NAME ":2:13: error: 'secrets.disable' entries must be strings"},
        {"secrets:\n  disable: [no-such-rule]\n",
         NAME ":2:13: error: unknown secret rule 'no-such-rule'"},
        {"secrets:\n  disable: [HS1013]\n", NAME ":2:13: error: unknown secret rule 'HS1013'"},
        /* severity */
        {"secrets:\n  severity: [a]\n",
         NAME ":2:13: error: 'secrets.severity' must map rule ids to severities"},
        {"secrets:\n  severity: {no-such-rule: high}\n",
         NAME ":2:14: error: unknown secret rule 'no-such-rule'"},
        {"secrets:\n  severity: {mine: low, mine: high}\n  rules: [{id: mine, title: t, regex: "
         "'mine-[0-9]{9}'}]\n",
         NAME ":2:25: error: duplicate severity for 'mine'"},
        /* rules */
        {"secrets:\n  rules: {id: a}\n", NAME ":2:10: error: 'secrets.rules' must be a list"},
        {"secrets:\n  rules: [a]\n",
         NAME ":2:11: error: a secret rule must be a mapping (id, title, regex, ...)"},
        {"secrets:\n  rules:\n    - id: a\n      name: b\n",
         NAME ":4:7: error: unknown key 'secrets.rules.name' (expected id, title, regex, "
              "keywords, secret-group, severity, entropy, path)"},
        {"secrets:\n  rules:\n    - id: a\n      id: b\n",
         NAME ":4:7: error: duplicate key 'secrets.rules.id'"},
        {"secrets:\n  rules:\n    - title: t\n      regex: r\n",
         NAME ":3:7: error: a secret rule needs an id"},
        {"secrets:\n  rules:\n    - id:\n      title: t\n",
         NAME ":3:10: error: 'secrets.rules.id' must not be empty"},
        {"secrets:\n  rules:\n    - id: [a]\n",
         NAME ":3:11: error: 'secrets.rules.id' must be a string"},
        {"secrets:\n  rules:\n    - id: Internal_Token\n",
         NAME ":3:11: error: secret rule id 'Internal_Token' must be lowercase letters, digits "
              "and '-' (at most 64)"},
        {"secrets:\n  rules:\n    - id: -x\n",
         NAME ":3:11: error: secret rule id '-x' must be lowercase letters, digits and '-' (at "
              "most 64)"},
        {"secrets:\n  rules:\n    - {id: a, title: t, regex: 'a-[0-9]{9}'}\n    - {id: a, "
         "title: u, regex: 'b-[0-9]{9}'}\n",
         NAME ":4:12: error: duplicate secret rule id 'a'"},
        {"secrets:\n  rules:\n    - id: a\n      regex: r\n",
         NAME ":3:7: error: secret rule 'a' needs a title"},
        {"secrets:\n  rules:\n    - id: a\n      title: t\n",
         NAME ":3:7: error: secret rule 'a' needs a regex"},
        {"secrets:\n  rules:\n    - id: a\n      title: {x: y}\n      regex: r\n",
         NAME ":4:14: error: 'secrets.rules.title' must be a string"},
        {"secrets:\n  rules:\n    - id: a\n      title: t\n      regex: 'a(b'\n",
         NAME ":5:14: error: regex does not compile (PCRE2, at offset 3): missing closing "
              "parenthesis"},
        {"secrets:\n  rules:\n    - id: a\n      title: t\n      regex: '(*UTF)ab'\n      "
         "keywords: [ab]\n",
         NAME ":5:14: error: regex does not compile (PCRE2, at offset 6): using UTF is disabled "
              "by the application"},
        {"secrets:\n  rules:\n    - id: a\n      title: t\n      regex: '(?<=key=)[a-z]{9}'\n",
         NAME ":5:14: error: regex is not supported by vectorscan: Zero-width assertions are "
              "not supported. (with keywords, PCRE2 alone runs it)"},
        {"secrets:\n  rules:\n    - {id: a, title: t, regex: 'y{32000}'}\n",
         NAME ":3:32: error: regex is not supported by vectorscan: Resource limit exceeded."},
        {"secrets:\n  rules:\n    - id: a\n      title: t\n      regex: 'x*'\n",
         NAME ":5:14: error: regex matches the empty string"},
        {"secrets:\n  rules:\n    - id: a\n      title: t\n      regex: r\n      keywords: {a: "
         "b}\n",
         NAME ":6:17: error: 'secrets.rules.keywords' must be a list"},
        {"secrets:\n  rules:\n    - id: a\n      title: t\n      regex: r\n      keywords: []\n",
         NAME ":6:17: error: 'secrets.rules.keywords' is empty"},
        {"secrets:\n  rules:\n    - id: a\n      title: t\n      regex: r\n      keywords: "
         "['']\n",
         NAME ":6:18: error: 'secrets.rules.keywords' must not be empty"},
        {"secrets:\n  rules:\n    - id: a\n      title: t\n      regex: r\n      keywords: "
         "[[k]]\n",
         NAME ":6:18: error: 'secrets.rules.keywords' entries must be strings"},
        {"secrets:\n  rules:\n    - id: a\n      title: t\n      regex: 'r(\\d+)'\n      "
         "keywords: r\n      secret-group: 2\n",
         NAME ":7:21: error: secret-group 2, but the regex has 1 capture group"},
        {"secrets:\n  rules:\n    - id: a\n      title: t\n      regex: r\n      keywords: r\n "
         "     secret-group: -1\n",
         NAME ":7:21: error: 'secrets.rules.secret-group' must be a whole number"},
        {"secrets:\n  rules:\n    - id: a\n      title: t\n      regex: r\n      keywords: r\n "
         "     severity: urgent\n",
         NAME ":7:17: error: unknown severity 'urgent' (expected info, low, medium, high or "
              "critical)"},
        {"secrets:\n  rules:\n    - id: a\n      title: t\n      regex: r\n      keywords: r\n "
         "     entropy: 8.5\n",
         NAME ":7:16: error: 'secrets.rules.entropy' must be a number from 0 to 8 (bits per "
              "byte)"},
        {"secrets:\n  rules:\n    - id: a\n      title: t\n      regex: r\n      keywords: r\n "
         "     entropy: -1\n",
         NAME ":7:16: error: 'secrets.rules.entropy' must be a number from 0 to 8 (bits per "
              "byte)"},
        {"secrets:\n  rules:\n    - id: a\n      title: t\n      regex: r\n      keywords: r\n "
         "     entropy: 3e0\n",
         NAME ":7:16: error: 'secrets.rules.entropy' must be a number from 0 to 8 (bits per "
              "byte)"},
        {"secrets:\n  rules:\n    - id: a\n      title: t\n      regex: r\n      keywords: r\n "
         "     path: '[a'\n",
         NAME ":7:13: error: path does not compile (PCRE2, at offset 2): missing terminating ] "
              "for character class"},
        /* allow */
        {"secrets:\n  allow: {value: a}\n", NAME ":2:10: error: 'secrets.allow' must be a list"},
        {"secrets:\n  allow: [abc]\n",
         NAME ":2:11: error: an allow entry must be a mapping (value, regex, path, rule, "
              "reason)"},
        {"secrets:\n  allow:\n    - values: abc\n      reason: r\n",
         NAME ":3:7: error: unknown key 'secrets.allow.values' (expected value, regex, path, "
              "rule, reason)"},
        {"secrets:\n  allow:\n    - value: abc\n",
         NAME ":3:7: error: an allow entry needs a reason"},
        {"secrets:\n  allow:\n    - value: abc\n      reason: ~\n",
         NAME ":4:15: error: 'secrets.allow.reason' must not be empty"},
        {"secrets:\n  allow:\n    - reason: fixtures\n",
         NAME ":3:7: error: an allow entry needs a value, a regex or a path"},
        {"secrets:\n  allow:\n    - rule: no-such-rule\n      value: x\n      reason: r\n",
         NAME ":3:13: error: unknown secret rule 'no-such-rule'"},
        {"secrets:\n  allow:\n    - regex: '*x'\n      reason: r\n",
         NAME ":3:14: error: regex does not compile (PCRE2, at offset 0): quantifier does not "
              "follow a repeatable item"},
        {"secrets:\n  allow:\n    - path: 'a/[b'\n      reason: r\n",
         NAME ":3:13: error: path glob does not compile: syntax error in pattern 'a/[b'"},
        {"secrets:\n  allow:\n    - path: '[z-a]'\n      reason: r\n",
         NAME ":3:13: error: path glob does not compile: pattern '[z-a]': invalid character "
              "class range"},
        {"secrets:\n  allow:\n    - path: '\\pL'\n      reason: r\n",
         NAME ":3:13: error: path glob does not compile: pattern '\\pL': unicode character "
              "classes (\\p) are not supported"},
        {"secrets:\n  allow:\n    - path: '!testdata'\n      reason: r\n",
         NAME ":3:13: error: path glob '!testdata' cannot be an exception ('!')"},
        {"secrets:\n  allow:\n    - path: ' '\n      reason: r\n",
         NAME ":3:13: error: path glob ' ' is blank"},
        {"secrets:\n  allow:\n    - value: \"a\\0b\"\n      reason: r\n",
         NAME ":3:14: error: 'secrets.allow.value' holds a NUL byte"},
        {"secrets:\n  allow:\n    - value: a\n      value: b\n      reason: r\n",
         NAME ":4:7: error: duplicate key 'secrets.allow.value'"},
};

TEST(secrets_bad) {
        for (size_t i = 0; i < ELEMENTSOF(bad_files); i++) {
                struct hull_lint_settings s;
                char msg[600];
                int r = load(&s, bad_files[i].yaml, 0, msg, sizeof(msg));

                if (r != HULL_EPARSE)
                        T_FAIL_AT("case %zu: %d, not HULL_EPARSE (%s)", i, r, bad_files[i].yaml);
                if (strcmp(msg, bad_files[i].msg) != 0)
                        T_FAIL_AT("case %zu:\n#   got      %s\n#   expected %s", i, msg,
                                  bad_files[i].msg);
                hull_lint_settings_release(&s);
        }
}

/* Cases whose text holds a built-in id: the message names it. */
TEST(secrets_bad_builtin) {
        static const struct {
                const char *yaml, *fmt;
        } cases[] = {
                {"secrets:\n  rules:\n    - title: t\n      regex: 'b-[0-9]{9}'\n      id: @B@\n",
                 NAME ":5:11: error: secret rule id '%s' is a built-in rule's"},
                {"secrets:\n  severity:\n    @B@: urgent\n",
                 NAME ":3:%zu: error: unknown severity 'urgent' (expected info, low, medium, high "
                      "or critical)"},
        };
        const char *b = hull_secret_nrules ? hull_secret_rules[0].id : NULL;
        char want[600];

        if (!b) {
                T_FAIL_AT("no built-in secret rules");
                return;
        }
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct hull_lint_settings s;
                char msg[600];

                T_EQ(load(&s, cases[i].yaml, 0, msg, sizeof(msg)), HULL_EPARSE);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
                if (i == 0)
                        snprintf(want, sizeof(want), cases[i].fmt, b);
                else
                        snprintf(want, sizeof(want), cases[i].fmt, strlen(b) + 7);
#pragma GCC diagnostic pop
                T_STREQ(msg, want);
                hull_lint_settings_release(&s);
        }
}

/* Every prefix of a good file either loads or fails with a line: nothing
 * half-read crashes, and release frees what was read (ASan, valgrind). */
TEST(secrets_truncated) {
        const char *yaml = "secrets:\n"
                           "  disable: [r1]\n"
                           "  severity: {r1: low}\n"
                           "  rules:\n"
                           "    - {id: r1, title: t, regex: 'r1-(\\d{9})', secret-group: 1}\n"
                           "  allow:\n"
                           "    - {path: 'a/**', regex: '^x', reason: r}\n";
        size_t n = strlen(yaml);

        for (size_t len = 0; len <= n; len++) {
                struct hull_lint_settings s;
                struct hull_diag d;
                int r;

                hull_diag_init(&d);
                hull_lint_settings_init(&s);
                r = hull_config_load_data(&s, yaml, len, NAME, &d);
                if (r != HULL_OK && (r != HULL_EPARSE || d.line == 0))
                        T_FAIL_AT("prefix %zu: %d line %u", len, r, d.line);
                if (len == n)
                        T_EQ(r, HULL_OK);
                hull_lint_settings_release(&s);
        }
}

/* Every allocation failing in turn: HULL_ENOMEM or a good load, never a
 * crash, a leak or a parse error. */
TEST(secrets_out_of_memory) {
        const char *yaml = "secrets:\n"
                           "  disable: [r1]\n"
                           "  severity: {r1: low}\n"
                           "  rules:\n"
                           "    - {id: r1, title: t, regex: 'r1-(\\d{9})', keywords: [r1-]}\n"
                           "  allow:\n"
                           "    - {path: 'a/*.txt', regex: '^x', value: v, rule: r1, reason: r}\n";

        for (unsigned long n = 1; n < 300; n++) {
                struct hull_lint_settings s;
                struct hull_diag d;
                int r;

                hull_diag_init(&d);
                hull_lint_settings_init(&s);
                hull_alloc_fail_after(n);
                r = hull_config_load_data(&s, yaml, strlen(yaml), NAME, &d);
                hull_alloc_fail_after(0);
                if (r != HULL_OK && r != HULL_ENOMEM)
                        T_FAIL_AT("fail after %lu: %d %s", n, r, d.msg);
                if (r == HULL_OK)
                        T_EQ(s.secrets.nallow, 1);
                hull_lint_settings_release(&s);
        }
}

T_MAIN()
