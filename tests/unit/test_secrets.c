/* test_secrets.c - the secret engine (src/secrets/engine.c) with rules of
 * its own, so these cases test the engine, not the built-in rules (those
 * have tests/secrets/rules/): streaming across chunk boundaries, lines and
 * columns, keyword rules, path filters, base64 values, inline allows,
 * generic-versus-specific overlaps, and bounded work on hostile input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "secrets/engine.h"
#include "t.h"

static const char *const kw_password[] = {"password", NULL};
static const char *const kw_key[] = {"PRIVATE KEY", NULL};
static const char *const kw_evil[] = {"aaaa", NULL};

static const struct hull_secret_rule r_tok = {
        .id = "test-token",
        .title = "test token",
        .severity = HULL_SEV_HIGH,
        .regex = "(?:^|[^A-Za-z0-9_])(tk_[A-Za-z0-9]{20,40})(?:[^A-Za-z0-9_]|$)",
        .secret_group = 1,
        .min_entropy = 3.0,
};
static const struct hull_secret_rule r_pw = {
        .id = "test-password",
        .title = "test password",
        .severity = HULL_SEV_MEDIUM,
        .keywords = kw_password,
        .regex = "(?i)password[\"']?\\s*[:=]\\s*[\"']?([^\\s\"']{8,64})",
        .secret_group = 1,
        .flags = HULL_SECRET_GENERIC,
        .min_entropy = 2.5,
};
static const struct hull_secret_rule r_key = {
        .id = "test-key",
        .title = "test private key",
        .severity = HULL_SEV_CRITICAL,
        .keywords = kw_key,
        .regex = "-----BEGIN ([A-Z]+ )?PRIVATE KEY-----[\\s\\S]{20,16000}?-----END \\1?PRIVATE "
                 "KEY-----",
        .flags = HULL_SECRET_MULTILINE,
        .span = 16384,
};
static const struct hull_secret_rule r_netrc = {
        .id = "test-netrc",
        .title = "test netrc password",
        .severity = HULL_SEV_HIGH,
        .regex = "password[ \\t]+([^\\s]+)",
        .secret_group = 1,
        .path = "(^|/)\\.netrc$",
};
static const struct hull_secret_rule r_evil = {
        .id = "test-evil",
        .title = "catastrophic backtracking",
        .severity = HULL_SEV_LOW,
        .keywords = kw_evil,
        .regex = "(a+)+[cd]",
};

static struct hull_secrets *set;

struct got {
        struct hull_buf log; /* "rule line:col secret [enc]\n" per hit */
        unsigned n;
};

static int on_hit(void *ud, const struct hull_secret_hit *h) {
        struct got *g = ud;
        g->n++;
        HULL_TRY(hull_buf_printf(&g->log, "%s %u:%u %.*s%s%s\n", h->rule->id, h->line, h->col,
                                 (int)(h->secret_len > 60 ? 60 : h->secret_len), h->secret,
                                 h->encoding ? " " : "", h->encoding ? h->encoding : ""));
        return HULL_OK;
}

/* Scan text in chunks of `chunk` bytes (0: one buffer) under path. */
static char *scan(const char *path, const char *text, size_t n, size_t chunk, unsigned *nhits) {
        struct hull_secrets_scanner *sc;
        struct got g = {.log = HULL_BUF_INIT(1 << 24)};
        if (hull_secrets_scanner_new(set, &sc))
                return NULL;
        hull_secrets_begin(sc, path, on_hit, &g);
        if (!chunk)
                chunk = n ? n : 1;
        for (size_t i = 0; i < n; i += chunk)
                if (hull_secrets_data(sc, text + i, n - i < chunk ? n - i : chunk))
                        break;
        if (hull_secrets_end(sc)) {
                hull_secrets_scanner_free(sc);
                hull_buf_release(&g.log);
                return NULL;
        }
        hull_secrets_scanner_free(sc);
        if (nhits)
                *nhits = g.n;
        if (hull_buf_putc(&g.log, 0)) {
                hull_buf_release(&g.log);
                return NULL;
        }
        return hull_buf_detach(&g.log, NULL);
}

static bool same_in_chunks(const char *path, const char *text, size_t n, const char *want) {
        static const size_t chunks[] = {0, 1, 2, 3, 7, 64, 4096};
        for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
                char *got = scan(path, text, n, chunks[i], NULL);
                bool ok = got && !strcmp(got, want);
                if (!ok)
                        printf("# chunk %zu: got\n%s# want\n%s", chunks[i], got ? got : "(error)",
                               want);
                hull_free(got);
                if (!ok)
                        return false;
        }
        return true;
}

TEST(compile_and_find) {
        const char *text = "x = 1\n  token: tk_Q8fj2Ld9Zp3Xw7Vb1Nm4Rt\nend\n";
        T_TRUE(same_in_chunks("a.yaml", text, strlen(text),
                              "test-token 2:10 tk_Q8fj2Ld9Zp3Xw7Vb1Nm4Rt\n"));
}

TEST(token_at_start_and_end_of_stream) {
        const char *text = "tk_Q8fj2Ld9Zp3Xw7Vb1Nm4Rt\nmiddle\ntk_Zz81jQmcPp0Ow6Wn2Yx5";
        T_TRUE(same_in_chunks(NULL, text, strlen(text),
                              "test-token 1:1 tk_Q8fj2Ld9Zp3Xw7Vb1Nm4Rt\n"
                              "test-token 3:1 tk_Zz81jQmcPp0Ow6Wn2Yx5\n"));
}

TEST(refusals) {
        /* low entropy, too short, inside a longer word, allowed inline */
        const char *text = "tk_aaaaaaaaaaaaaaaaaaaaaaa\n"
                           "tk_Q8fj2Ld9Zp\n"
                           "xtk_Q8fj2Ld9Zp3Xw7Vb1Nm4Rt\n"
                           "t = tk_Q8fj2Ld9Zp3Xw7Vb1Nm4Rt # hullscan:allow test fixture\n";
        unsigned n = 99;
        char *got = scan(NULL, text, strlen(text), 0, &n);
        T_TRUE(got != NULL);
        T_EQ(n, 0);
        hull_free(got);
}

TEST(keyword_rule_and_generic_overlap) {
        /* the generic password rule fires on the first line only; on the
         * second the specific token rule wins the overlap */
        const char *text = "db_password = \"Xq7!rTz9#Lm2\"\n"
                           "password: tk_Q8fj2Ld9Zp3Xw7Vb1Nm4Rt\n"
                           "password = ${DB_PASSWORD}\n";
        T_TRUE(same_in_chunks("app.env", text, strlen(text),
                              "test-password 1:16 Xq7!rTz9#Lm2\n"
                              "test-token 2:11 tk_Q8fj2Ld9Zp3Xw7Vb1Nm4Rt\n"));
}

TEST(path_filter) {
        const char *text = "machine example.com login bob password Hunter2-Xq9\n";
        unsigned n;
        char *got = scan("home/bob/.netrc", text, strlen(text), 0, &n);
        T_TRUE(got && strstr(got, "test-netrc 1:40 Hunter2-Xq9"));
        hull_free(got);
        got = scan("home/bob/netrc.txt", text, strlen(text), 0, &n);
        T_TRUE(got && !strstr(got, "test-netrc"));
        hull_free(got);
        got = scan(NULL, text, strlen(text), 0, &n);
        T_TRUE(got && !strstr(got, "test-netrc"));
        hull_free(got);
}

TEST(private_key_across_chunks) {
        struct hull_buf b = HULL_BUF_INIT(1 << 20);
        T_OK(hull_buf_puts(&b, "# config\nkey: |\n  -----BEGIN RSA PRIVATE KEY-----\n"));
        for (int i = 0; i < 40; i++)
                T_OK(hull_buf_puts(
                        &b, "  MIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0\n"));
        T_OK(hull_buf_puts(&b, "  -----END RSA PRIVATE KEY-----\nafter: 1\n"));
        T_TRUE(same_in_chunks("k.yaml", b.data, b.len,
                              "test-key 3:3 -----BEGIN RSA PRIVATE KEY-----\n  "
                              "MIIEpAIBAAKCAQEAu1SU1LfVLP\n"));
        hull_buf_release(&b);
}

TEST(base64_values) {
        /* a Kubernetes Secret: password: base64("Xq7!rTz9#Lm2-prod") */
        const char *text = "apiVersion: v1\nkind: Secret\ndata:\n"
                           "  password: WHE3IXJUejkjTG0yLXByb2Q=\n"
                           "  token: dGtfUThmajJMZDlacDNYdzdWYjFObTRSdA==\n";
        T_TRUE(same_in_chunks("s.yaml", text, strlen(text),
                              "test-password 4:13 Xq7!rTz9#Lm2-prod base64\n"
                              "test-token 5:10 tk_Q8fj2Ld9Zp3Xw7Vb1Nm4Rt base64\n"));
}

TEST(long_line_and_many_hits) {
        /* 256 KiB on one line, a token every 64 bytes: every one found, in
         * order, with the right column */
        const size_t n = 256u << 10;
        char *text = hull_malloc(n);
        unsigned hits = 0;
        T_TRUE(text != NULL);
        for (size_t i = 0; i < n; i += 64) {
                char tok[65];
                snprintf(tok, sizeof(tok), " tk_%08zxQ8fj2Ld9Zp3Xw7Vb%-36s", i, "");
                memcpy(text + i, tok, 64);
        }
        char *got = scan(NULL, text, n, 1 << 16, &hits);
        T_TRUE(got != NULL);
        T_EQ(hits, n / 64);
        if (got && hits != n / 64)
                for (size_t i = 0; i < n; i += 64) {
                        char want[64];
                        snprintf(want, sizeof(want), " tk_%08zxQ8fj2", i);
                        if (!strstr(got, want + 1))
                                printf("# missing %s at %zu\n", want + 1, i);
                }
        T_TRUE(got && !strncmp(got, "test-token 1:2 tk_00000000Q8fj2Ld9Zp3Xw7Vb\n", 43));
        hull_free(got);
        /* past 10,000 findings in one stream the rest are only counted */
        text = hull_realloc(text, 1u << 20);
        T_TRUE(text != NULL);
        for (size_t i = 0; i < (1u << 20); i += 64) {
                char tok[65];
                snprintf(tok, sizeof(tok), " tk_%08zxQ8fj2Ld9Zp3Xw7Vb%-36s", i, "");
                memcpy(text + i, tok, 64);
        }
        struct hull_secrets_scanner *sc;
        struct hull_secrets_stats st;
        struct got g = {.log = HULL_BUF_INIT(1 << 24)};
        T_OK(hull_secrets_scanner_new(set, &sc));
        T_OK(hull_secrets_scan_buffer(sc, NULL, text, 1u << 20, on_hit, &g));
        hull_secrets_scanner_stats(sc, &st);
        T_EQ(g.n, 10000);
        T_EQ(st.dropped, (1u << 20) / 64 - 10000);
        hull_secrets_scanner_free(sc);
        hull_buf_release(&g.log);
        hull_free(text);
}

TEST(hostile_input_is_bounded) {
        /* (a+)+[cd] on 1 MiB of 'a': bounded by the match limit per window */
        const size_t n = 1u << 20;
        char *text = hull_malloc(n);
        struct hull_secrets_scanner *sc;
        struct hull_secrets_stats st;
        struct got g = {.log = HULL_BUF_INIT(1 << 20)};
        clock_t t0 = clock();
        T_TRUE(text != NULL);
        memset(text, 'a', n);
        T_OK(hull_secrets_scanner_new(set, &sc));
        T_OK(hull_secrets_scan_buffer(sc, NULL, text, n, on_hit, &g));
        hull_secrets_scanner_stats(sc, &st);
        T_EQ(g.n, 0);
        T_TRUE(st.regex_limit > 0);
        /* NULs and invalid UTF-8 around a token */
        memset(text, 0, 4096);
        memcpy(text + 100, "\xff\xfe\x80tk_Q8fj2Ld9Zp3Xw7Vb1Nm4Rt\0\xc3", 30);
        T_OK(hull_secrets_scan_buffer(sc, NULL, text, 4096, on_hit, &g));
        T_EQ(g.n, 1);
        hull_secrets_scanner_free(sc);
        hull_buf_release(&g.log);
        hull_free(text);
        printf("# hostile input: %.2f s CPU\n", (double)(clock() - t0) / CLOCKS_PER_SEC);
}

TEST(bad_rule_is_named) {
        static const struct hull_secret_rule bad = {
                .id = "bad-rule", .title = "x", .regex = "(unclosed"};
        const struct hull_secret_rule *v[] = {&bad};
        struct hull_secrets *s = NULL;
        struct hull_diag d;
        hull_diag_init(&d);
        T_EQ(hull_secrets_compile(v, 1, NULL, 0, &s, &d), HULL_EINVAL);
        T_TRUE(strstr(d.msg, "bad-rule") != NULL);
        T_TRUE(s == NULL);
}

/* Compiled databases cached on disk: a second compile loads them and finds
 * the same; a damaged cache file is compiled over. */
TEST(compiled_cache) {
        char dir[] = "/tmp/hull-secrets-cache-XXXXXX", path[512], cmd[600];
        const struct hull_secret_rule *v[] = {&r_tok, &r_pw, &r_key, &r_netrc, &r_evil};
        const char *text = "x = 1\n  token: tk_Q8fj2Ld9Zp3Xw7Vb1Nm4Rt\nend\n";
        struct hull_secrets *s1 = NULL, *s2 = NULL, *s3 = NULL, *saved = set;
        struct hull_diag d;
        char *got1, *got2, *got3;

        T_TRUE(mkdtemp(dir) != NULL);
        hull_diag_init(&d);
        hull_secrets_set_cache_dir(dir);
        T_OK(hull_secrets_compile(v, 5, NULL, 0, &s1, &d));
        snprintf(cmd, sizeof(cmd), "ls %s/*.hsdb > /dev/null 2>&1", dir);
        T_EQ(system(cmd), 0);
        T_OK(hull_secrets_compile(v, 5, NULL, 0, &s2, &d)); /* from the cache */
        snprintf(cmd, sizeof(cmd),
                 "for f in %s/*.hsdb; do printf garbage | dd of=$f bs=1 "
                 "seek=3000 conv=notrunc 2>/dev/null; done",
                 dir);
        T_EQ(system(cmd), 0);
        T_OK(hull_secrets_compile(v, 5, NULL, 0, &s3, &d)); /* damaged: compiled again */
        hull_secrets_set_cache_dir(NULL);
        set = s1;
        got1 = scan(NULL, text, strlen(text), 0, NULL);
        set = s2;
        got2 = scan(NULL, text, strlen(text), 7, NULL);
        set = s3;
        got3 = scan(NULL, text, strlen(text), 1, NULL);
        set = saved;
        T_STREQ(got1, "test-token 2:10 tk_Q8fj2Ld9Zp3Xw7Vb1Nm4Rt\n");
        T_STREQ(got2, got1);
        T_STREQ(got3, got1);
        hull_free(got1);
        hull_free(got2);
        hull_free(got3);
        hull_secrets_free(s1);
        hull_secrets_free(s2);
        hull_secrets_free(s3);
        snprintf(path, sizeof(path), "rm -rf %s", dir);
        T_EQ(system(path), 0);
}

TEST(default_rules_compile) {
        const struct hull_secrets *d = hull_secrets_default();
        T_TRUE(d != NULL);
        T_TRUE(d && hull_secrets_nrules(d) >= 100);
}

static void release(void) {
        hull_secrets_free(set);
}

/* The test rule set, compiled before the first test runs. */
__attribute__((constructor(200))) static void setup(void) {
        const struct hull_secret_rule *v[] = {&r_tok, &r_pw, &r_key, &r_netrc, &r_evil};
        const char *allow[] = {"Allowed-Value-123"};
        struct hull_diag d;
        hull_diag_init(&d);
        if (hull_secrets_compile(v, sizeof(v) / sizeof(v[0]), allow, 1, &set, &d)) {
                fprintf(stderr, "compile: %s\n", d.msg);
                exit(1);
        }
        atexit(release);
}

T_MAIN()
