/* test_audit.c - the audit engine's pieces that the data-driven runner
 * (tests/audit/run_audit.c) does not reach one by one: the created_by
 * reader on the strings BuildKit, the classic builder and distribution
 * scripts write, KEY=value splitting, passwd/group lookups, the capture
 * predicate, and hull_audit_report()'s provenance and severity overrides. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/common.h"
#include "basic/err.h"
#include "lint/rules/common.h"
#include "t.h"

/* s[0..n) equals want. */
static bool span_is(const char *s, size_t n, const char *want) {
        return s && n == strlen(want) && memcmp(s, want, n) == 0;
}

#define T_SPAN(s, n, want)                                                                         \
        do {                                                                                       \
                if (!span_is((s), (n), (want)))                                                    \
                        T_FAIL_AT("%s: \"%.*s\" != \"%s\"", #s, (int)(n), (s) ? (s) : "", (want)); \
        } while (0)

TEST(hist_buildkit_run) {
        struct hull_audit_hist h;

        hull_audit_hist_parse("RUN /bin/sh -c apt-get update && apt-get install -y curl # buildkit",
                              &h);
        T_STREQ(h.instr, "RUN");
        T_TRUE(h.buildkit);
        T_TRUE(!h.nop);
        T_SPAN(h.shell, h.shell_len, "/bin/sh -c");
        T_SPAN(h.args, h.args_len, "apt-get update && apt-get install -y curl");
        T_EQ(h.nbuild_args, 0);
}

TEST(hist_buildkit_run_build_args) {
        struct hull_audit_hist h;

        hull_audit_hist_parse("RUN |3 A=1 TOKEN=abc def MSG=hello world /bin/sh -c make # buildkit",
                              &h);
        T_STREQ(h.instr, "RUN");
        T_EQ(h.nbuild_args, 3);
        T_SPAN(h.build_args[0].key, h.build_args[0].key_len, "A");
        T_SPAN(h.build_args[0].value, h.build_args[0].value_len, "1");
        T_SPAN(h.build_args[1].key, h.build_args[1].key_len, "TOKEN");
        T_SPAN(h.build_args[1].value, h.build_args[1].value_len, "abc def");
        T_SPAN(h.build_args[2].value, h.build_args[2].value_len, "hello world");
        T_SPAN(h.shell, h.shell_len, "/bin/sh -c");
        T_SPAN(h.args, h.args_len, "make");
}

TEST(hist_buildkit_exec_form_and_custom_shell) {
        struct hull_audit_hist h;

        hull_audit_hist_parse("RUN make install # buildkit", &h);
        T_STREQ(h.instr, "RUN");
        T_TRUE(h.shell == NULL);
        T_SPAN(h.args, h.args_len, "make install");

        hull_audit_hist_parse("RUN /bin/bash -o pipefail -c curl x | tar -x # buildkit", &h);
        T_SPAN(h.shell, h.shell_len, "/bin/bash -o pipefail -c");
        T_SPAN(h.args, h.args_len, "curl x | tar -x");

        hull_audit_hist_parse("RUN |1 V=2 sh -ec ./build.sh # buildkit", &h);
        T_EQ(h.nbuild_args, 1);
        T_SPAN(h.build_args[0].value, h.build_args[0].value_len, "2");
        T_SPAN(h.shell, h.shell_len, "sh -ec");
        T_SPAN(h.args, h.args_len, "./build.sh");
}

TEST(hist_buildkit_other_instructions) {
        struct hull_audit_hist h;

        hull_audit_hist_parse("ADD --chown=1:1 https://x/y.tgz /opt/ # buildkit", &h);
        T_STREQ(h.instr, "ADD");
        T_TRUE(h.buildkit);
        T_SPAN(h.args, h.args_len, "--chown=1:1 https://x/y.tgz /opt/");

        hull_audit_hist_parse("ENV PATH=/usr/local/bin:/usr/bin LANG=C.UTF-8", &h);
        T_STREQ(h.instr, "ENV");
        T_TRUE(!h.buildkit);
        T_SPAN(h.args, h.args_len, "PATH=/usr/local/bin:/usr/bin LANG=C.UTF-8");

        hull_audit_hist_parse("WORKDIR /app # buildkit", &h);
        T_STREQ(h.instr, "WORKDIR");
        hull_audit_hist_parse("CMD [\"bash\"]", &h);
        T_STREQ(h.instr, "CMD");
        hull_audit_hist_parse("USER", &h);
        T_STREQ(h.instr, "USER");
        T_EQ(h.args_len, 0);
}

TEST(hist_classic) {
        struct hull_audit_hist h;

        hull_audit_hist_parse("/bin/sh -c apt-get update", &h);
        T_STREQ(h.instr, "RUN");
        T_TRUE(!h.buildkit);
        T_SPAN(h.args, h.args_len, "apt-get update");

        hull_audit_hist_parse("|2 A=b C=d /bin/sh -c make", &h);
        T_STREQ(h.instr, "RUN");
        T_EQ(h.nbuild_args, 2);
        T_SPAN(h.build_args[1].key, h.build_args[1].key_len, "C");
        T_SPAN(h.args, h.args_len, "make");

        hull_audit_hist_parse("/bin/sh -c #(nop)  ENV A=b", &h);
        T_STREQ(h.instr, "ENV");
        T_TRUE(h.nop);
        T_TRUE(h.shell == NULL);
        T_SPAN(h.args, h.args_len, "A=b");

        hull_audit_hist_parse("/bin/sh -c #(nop) ADD file:2a94 in / ", &h);
        T_STREQ(h.instr, "ADD");
        T_SPAN(h.args, h.args_len, "file:2a94 in /");

        hull_audit_hist_parse("/bin/sh -c #(nop)  CMD [\"/bin/sh\" \"-c\" \"x\"]", &h);
        T_STREQ(h.instr, "CMD");
}

TEST(hist_unrecognised) {
        struct hull_audit_hist h;

        hull_audit_hist_parse("# debian.sh --arch 'amd64' out/ 'bookworm' '@1718668800'", &h);
        T_TRUE(h.instr == NULL);
        T_SPAN(h.args, h.args_len, "# debian.sh --arch 'amd64' out/ 'bookworm' '@1718668800'");
        hull_audit_hist_parse(NULL, &h);
        T_TRUE(h.instr == NULL);
        T_EQ(h.len, 0);
        hull_audit_hist_parse("", &h);
        T_TRUE(h.instr == NULL);
        /* lower case is not BuildKit's keyword */
        hull_audit_hist_parse("run x", &h);
        T_TRUE(h.instr == NULL);
        /* damaged prefixes never read out of bounds */
        hull_audit_hist_parse("|", &h);
        hull_audit_hist_parse("|9", &h);
        hull_audit_hist_parse("|2 A=", &h);
        T_EQ(h.nbuild_args, 1);
        hull_audit_hist_parse("|99999999999999999999 A=b sh -c x", &h);
        hull_audit_hist_parse("RUN |1 A=b # buildkit", &h);
        T_STREQ(h.instr, "RUN");
        hull_audit_hist_parse("/bin/sh -c #(nop)", &h);
        T_TRUE(h.nop);
        T_EQ(h.args_len, 0);
        hull_audit_hist_parse("/bin/sh -o", &h);
        T_TRUE(h.shell == NULL);
}

TEST(split_kvs) {
        struct hull_audit_kv kv[4];
        const char *s = "A=1 B=two words C EMPTY= D.E-f=x";
        size_t n = hull_audit_split_kvs(s, strlen(s), kv, 4);

        T_EQ(n, 4); /* "C" belongs to B's value: values may hold blanks */
        T_SPAN(kv[0].key, kv[0].key_len, "A");
        T_SPAN(kv[1].value, kv[1].value_len, "two words C");
        T_SPAN(kv[2].key, kv[2].key_len, "EMPTY");
        T_EQ(kv[2].value_len, 0);
        T_TRUE(kv[2].value != NULL);
        T_SPAN(kv[3].key, kv[3].key_len, "D.E-f");

        n = hull_audit_split_kvs("TOKEN", 5, kv, 4);
        T_EQ(n, 1);
        T_TRUE(kv[0].value == NULL);
        T_EQ(hull_audit_split_kvs("   ", 3, kv, 4), 0);
}

TEST(db_lookup) {
        static const char passwd[] = "# comment\n"
                                     "+nis::0:0:::\n"
                                     "root:x:0:0:root:/root:/bin/bash\r\n"
                                     "app:x:1000:1000::/home/app:/bin/sh\n"
                                     "app:x:0:0::/:/bin/sh\n"
                                     "bad:x:notanumber:1::/:/bin/sh\n"
                                     "big:x:4294967296:1::/:/bin/sh\n"
                                     "max:x:4294967295:1::/:/bin/sh\n"
                                     "short:x\n"
                                     "last:x:7:7::/:/bin/sh";
        uint32_t id = 99;

        T_OK(hull_audit_db_lookup(passwd, strlen(passwd), "root", 4, &id));
        T_EQ(id, 0);
        T_OK(hull_audit_db_lookup(passwd, strlen(passwd), "app", 3, &id));
        T_EQ(id, 1000); /* the first line wins */
        T_OK(hull_audit_db_lookup(passwd, strlen(passwd), "max", 3, &id));
        T_EQ(id, 4294967295u);
        T_OK(hull_audit_db_lookup(passwd, strlen(passwd), "last", 4, &id));
        T_EQ(id, 7);
        T_EQ(hull_audit_db_lookup(passwd, strlen(passwd), "bad", 3, &id), HULL_ENOTFOUND);
        T_EQ(hull_audit_db_lookup(passwd, strlen(passwd), "big", 3, &id), HULL_ENOTFOUND);
        T_EQ(hull_audit_db_lookup(passwd, strlen(passwd), "short", 5, &id), HULL_ENOTFOUND);
        T_EQ(hull_audit_db_lookup(passwd, strlen(passwd), "ro", 2, &id), HULL_ENOTFOUND);
        T_EQ(hull_audit_db_lookup(passwd, strlen(passwd), "nis", 3, &id), HULL_ENOTFOUND);
        T_EQ(hull_audit_db_lookup(NULL, 0, "root", 4, &id), HULL_ENOTFOUND);
        T_EQ(hull_audit_db_lookup(passwd, strlen(passwd), "", 0, &id), HULL_ENOTFOUND);
        /* NUL bytes inside the content do not stop the search */
        static const char nul[] = "x\0y:x:1:1\nz:x:5:5::/:\n";
        T_OK(hull_audit_db_lookup(nul, sizeof(nul) - 1, "z", 1, &id));
        T_EQ(id, 5);

        T_TRUE(hull_audit_parse_id("0", 1, &id) && id == 0);
        T_TRUE(!hull_audit_parse_id("", 0, &id));
        T_TRUE(!hull_audit_parse_id("-1", 2, &id));
        T_TRUE(!hull_audit_parse_id("12345678901", 11, &id));
}

TEST(capture) {
        static const char *const yes[] = {
                "etc/passwd",
                "etc/group",
                "etc/os-release",
                "usr/lib/os-release",
                "usr/share/base-passwd/passwd",
                "app/.env",
                ".env",
                "app/.env.production",
                "root/.npmrc",
                "home/u/.pypirc",
                "root/.netrc",
                "root/.git-credentials",
                "root/.aws/credentials",
                "home/app/.docker/config.json",
                "root/.ssh/id_rsa",
                "home/a/.ssh/id_ed25519",
                "etc/ssl/private/server.key",
                "app/cert.pem",
                "root/.bash_history",
                "home/u/.python_history",
        };
        static const char *const no[] = {
                "usr/bin/passwd",
                "usr/sbin/group",
                "etc/shadow",
                "root/.ssh/id_rsa.pub",
                "root/.ssh/known_hosts",
                "app/config.json",
                "app/credentials",
                "etc/environment",
                "app/env",
                "app/x.env",
                "usr/lib/python3/dist-packages/keyring.py",
                "ssh/id_rsa",
        };
        for (size_t i = 0; i < ELEMENTSOF(yes); i++)
                if (!hull_audit_capture(NULL, yes[i], 100))
                        T_FAIL_AT("should capture %s", yes[i]);
        for (size_t i = 0; i < ELEMENTSOF(no); i++)
                if (hull_audit_capture(NULL, no[i], 100))
                        T_FAIL_AT("should not capture %s", no[i]);
}

static void rule_audit(struct hull_audit_ctx *c) {
        (void)c;
}

static const struct hull_rule test_rule = {
        .id = "HS4999",
        .slug = "other",
        .severity = HULL_SEV_LOW,
        .title = "Test rule",
        .fix = "the default fix",
        .audit = rule_audit,
};

TEST(report) {
        struct hull_oci_history hist[2] = {
                {.created_by = "ENV A=b", .empty_layer = true, .layer = -1},
                {.created_by = "RUN /bin/sh -c make # buildkit", .layer = 0},
        };
        struct hull_oci_config config = {.nhistory = 2, .history = hist};
        struct hull_image_layer layers[1] = {
                {.index = 0, .diff_id = "sha256:aa", .history = &hist[1]}};
        struct hull_image img = {
                .ref = "img.tar",
                .config = &config,
                .layers = layers,
                .nlayers = 1,
        };
        struct hull_severity_override ov[] = {{"hs4999", HULL_SEV_CRITICAL}};
        struct hull_lint_config cfg = {.overrides = ov, .noverrides = 1};
        struct hull_lint_config none = {0};
        struct hull_findings out;
        struct hull_audit_ctx c = {
                .rule = &test_rule,
                .img = &img,
                .config = &config,
                .cfg = &none,
                .out = &out,
        };
        struct hull_audit_where w = {
                .path = "app/x", .has_layer = true, .layer = 0, .deleted = true, .deleted_in = 3};
        struct hull_audit_where far = {
                .field = "history[9].created_by", .has_layer = true, .layer = 7};

        hull_findings_init(&out);
        hull_audit_report(&c, &w, NULL, "found %d", 1);
        hull_audit_report_severity(&c, HULL_SEV_HIGH, NULL, "own fix", "whole image");
        hull_audit_report(&c, &far, NULL, "layer out of range");
        c.cfg = &cfg;
        hull_audit_report_severity(&c, HULL_SEV_HIGH, &w, NULL, "overridden");
        T_OK(c.err);
        T_EQ(out.n, 4);
        if (out.n == 4) {
                const struct hull_finding *f = &out.v[0];
                T_STREQ(f->rule_id, "HS4999");
                T_STREQ(f->slug, "other");
                T_STREQ(f->title, "Test rule");
                T_EQ(f->severity, HULL_SEV_LOW);
                T_STREQ(f->message, "found 1");
                T_STREQ(f->fix, "the default fix");
                T_STREQ(f->file, "img.tar");
                T_STREQ(f->image_path, "app/x");
                T_TRUE(f->image_field == NULL);
                T_TRUE(f->has_layer);
                T_EQ(f->layer, 0);
                T_STREQ(f->layer_digest, "sha256:aa");
                T_STREQ(f->created_by, "RUN /bin/sh -c make # buildkit");
                T_TRUE(f->deleted);
                T_EQ(f->deleted_in, 3);

                f = &out.v[1];
                T_EQ(f->severity, HULL_SEV_HIGH);
                T_STREQ(f->fix, "own fix");
                T_TRUE(f->image_path == NULL && f->image_field == NULL && !f->has_layer);
                T_TRUE(f->layer_digest == NULL && f->created_by == NULL);

                f = &out.v[2];
                T_STREQ(f->image_field, "history[9].created_by");
                T_TRUE(f->has_layer && f->layer == 7);
                T_TRUE(f->layer_digest == NULL);

                T_EQ(out.v[3].severity, HULL_SEV_CRITICAL);
        }
        hull_findings_release(&out);
}

TEST(secret_allowed) {
        const char *allow[] = {"hunter2"};
        struct hull_lint_config cfg = {.secret_allowlist = allow, .nallow = 1};
        struct hull_audit_ctx c = {.cfg = &cfg};
        struct hull_audit_ctx nocfg = {0};

        T_TRUE(hull_audit_secret_allowed(&c, "hunter2"));
        T_TRUE(!hull_audit_secret_allowed(&c, "hunter3"));
        T_TRUE(!hull_audit_secret_allowed(&nocfg, "hunter2"));
        T_TRUE(!hull_audit_literal_secret(&c, "hunter2", 7));
        T_TRUE(hull_audit_literal_secret(&c, "s3cr3t-x", 8));
        T_TRUE(!hull_audit_literal_secret(&c, "", 0));
        T_TRUE(!hull_audit_literal_secret(&c, "yes", 3));
        T_TRUE(!hull_audit_literal_secret(&c, "/run/secrets/x", 14));
        T_TRUE(!hull_audit_literal_secret(&c, "${TOKEN}", 8));
        T_TRUE(!hull_audit_literal_secret(&c, "changeme", 8));
}

TEST(redact) {
        struct hull_audit_ctx c = {0};
        char *r = NULL, buf[64];

        T_OK(hull_audit_redact_history(
                &c,
                "RUN |2 V=1 NPM_TOKEN=npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 /bin/sh -c x # "
                "buildkit",
                &r));
        T_STREQ(r, "RUN |2 V=1 NPM_TOKEN=np*** /bin/sh -c x # buildkit");
        hull_free(r);
        T_OK(hull_audit_redact_history(&c, "ARG DB_PASSWORD=hunter2-prod HOST=db", &r));
        T_STREQ(r, "ARG DB_PASSWORD=hu*** HOST=db");
        hull_free(r);
        /* a build argument that is also token-shaped: one mask */
        T_OK(hull_audit_redact_history(
                &c, "|1 GITLAB_TOKEN=glpat-Xk3mQ9vLz2Pw8RtY5nBc /bin/sh -c make", &r));
        T_STREQ(r, "|1 GITLAB_TOKEN=gl*** /bin/sh -c make");
        hull_free(r);
        T_OK(hull_audit_redact_history(&c,
                                       "/bin/sh -c curl -H 'token "
                                       "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' -o x https://h/",
                                       &r));
        T_STREQ(r, "/bin/sh -c curl -H 'token gh***' -o x https://h/");
        hull_free(r);
        T_OK(hull_audit_redact_history(&c, "RUN /bin/sh -c make # buildkit", &r));
        T_TRUE(r == NULL);
        T_OK(hull_audit_redact_history(&c, "ARG DB_PASSWORD=changeme", &r));
        T_TRUE(r == NULL);
        T_OK(hull_audit_redact_history(&c, NULL, &r));
        T_TRUE(r == NULL);

        T_STREQ(hull_audit_redact_str(&c, "https://u:S3cretPassw0rd@h/x", buf, sizeof(buf)),
                "https://u:S3***@h/x");
        T_STREQ(hull_audit_redact_str(&c, "plain", buf, sizeof(buf)), "plain");
        T_OK(c.err);
}

TEST(report_masks_created_by) {
        struct hull_oci_history hist[1] = {
                {.created_by = "RUN |1 API_TOKEN=s3cr3t-value-1 /bin/sh -c make # buildkit",
                 .layer = 0},
        };
        struct hull_oci_config config = {.nhistory = 1, .history = hist};
        struct hull_image_layer layers[1] = {{.diff_id = "sha256:aa", .history = &hist[0]}};
        struct hull_image img = {
                .ref = "img.tar", .config = &config, .layers = layers, .nlayers = 1};
        struct hull_findings out;
        struct hull_audit_ctx c = {.rule = &test_rule, .img = &img, .config = &config, .out = &out};
        struct hull_audit_where w = {.path = "app/x", .has_layer = true, .layer = 0};

        hull_findings_init(&out);
        hull_audit_report(&c, &w, NULL, "x");
        T_OK(c.err);
        T_EQ(out.n, 1);
        if (out.n == 1)
                T_STREQ(out.v[0].created_by, "RUN |1 API_TOKEN=s3*** /bin/sh -c make # buildkit");
        hull_findings_release(&out);
}

TEST(seen) {
        static struct hull_lint_seen s;
        char buf[16];

        T_TRUE(hull_lint_seen_add(&s, "abc", 3));
        T_TRUE(!hull_lint_seen_add(&s, "abc", 3));
        T_TRUE(hull_lint_seen_add(&s, "abd", 3));
        for (unsigned i = 0; i < HULL_LINT_SEEN_MAX + 10; i++) {
                snprintf(buf, sizeof(buf), "v%u", i);
                (void)hull_lint_seen_add(&s, buf, strlen(buf));
        }
        T_EQ(s.n, HULL_LINT_SEEN_MAX);
        T_TRUE(!hull_lint_seen_add(&s, "new", 3)); /* full: nothing is new */
}

T_MAIN()
