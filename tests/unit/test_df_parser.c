/* test_df_parser.c - the BuildKit-exact parser: positions, heredocs, errors. */
#include "t.h"

#include "basic/buf.h"
#include "basic/err.h"
#include "dockerfile/dump.h"
#include "dockerfile/parser.h"
#include "dockerfile/stages.h"

static struct hull_dockerfile *P(const char *src) {
        struct hull_dockerfile *df = NULL;
        struct hull_diag d;
        hull_diag_init(&d);
        if (hull_df_parse(src, strlen(src), "Dockerfile", &df, &d) != 0) {
                char m[600];
                hull_diag_format(&d, m, sizeof(m));
                printf("# unexpected parse error: %s\n", m);
                t_failed = 1;
        }
        return df;
}

static char *DUMP(struct hull_dockerfile *df) {
        static char out[4096];
        struct hull_buf b;
        hull_buf_init(&b, sizeof(out) - 1);
        out[0] = 0;
        if (df && hull_df_dump(&b, df) == 0)
                snprintf(out, sizeof(out), "%s", b.data);
        hull_buf_release(&b);
        return out;
}

static int ERR(const char *src, char *msg, size_t msgsz) {
        struct hull_dockerfile *df = NULL;
        struct hull_diag d;
        hull_diag_init(&d);
        int r = hull_df_parse(src, strlen(src), "Dockerfile", &df, &d);
        hull_diag_format(&d, msg, msgsz);
        hull_dockerfile_free(df);
        return r;
}

TEST(positions_of_flags_and_values) {
        struct hull_dockerfile *df = P("FROM alpine\n  COPY --from=build \\\n     /a  /b\n");
        T_EQ(df->nnodes, 2);
        const struct hull_df_node *n = &df->nodes[1];
        T_EQ(n->start_line, 2);
        T_EQ(n->end_line, 3);
        T_EQ(n->cmd.pos.line, 2);
        T_EQ(n->cmd.pos.col, 3);
        T_EQ(n->nflags, 1);
        T_STREQ(n->flags[0].s, "--from=build");
        T_EQ(n->flags[0].pos.line, 2);
        T_EQ(n->flags[0].pos.col, 8);
        T_EQ(n->nvalues, 2);
        T_EQ(n->values[0].pos.line, 3);
        T_EQ(n->values[0].pos.col, 6);
        T_EQ(n->values[1].pos.col, 10);
        hull_dockerfile_free(df);
}

TEST(env_forms) {
        struct hull_dockerfile *df = P("ENV a=\"x y\" b=c\\ d\nENV NAME  some value\n");
        T_STREQ(DUMP(df), "(env \"a\" \"\\\"x y\\\"\" \"=\" \"b\" \"c\\\\ d\" \"=\")\n"
                          "(env \"NAME\" \"some value\" \"\")\n");
        T_TRUE(df->nodes[1].legacy_kv);
        T_EQ(df->nodes[0].values[3].pos.col, 13);
        hull_dockerfile_free(df);
}

TEST(heredocs) {
        struct hull_dockerfile *df =
                P("FROM x\nRUN <<EOF cat <<-'END'\necho hi\nEOF\n\tquoted $x\n\tEND\nUSER 1\n");
        T_EQ(df->nnodes, 3);
        const struct hull_df_node *n = &df->nodes[1];
        T_EQ(n->nheredocs, 2);
        T_STREQ(n->heredocs[0].name.s, "EOF");
        T_STREQ(n->heredocs[0].body, "echo hi\n");
        T_TRUE(n->heredocs[0].expand);
        T_STREQ(n->heredocs[1].name.s, "END");
        T_STREQ(n->heredocs[1].body, "quoted $x\n");
        T_TRUE(n->heredocs[1].chomp);
        T_TRUE(!n->heredocs[1].expand);
        T_EQ(n->end_line, 6);
        T_STREQ(DUMP(df), "(from \"x\")\n(run \"<<EOF cat <<-'END'\")\n(user \"1\")\n");
        hull_dockerfile_free(df);
}

TEST(heredoc_not_in_json_or_cmd) {
        struct hull_dockerfile *df = P("FROM x\nCMD <<EOF\nRUN [\"a\", \"<<EOF\"]\n");
        T_EQ(df->nnodes, 3);
        T_EQ(df->nodes[1].nheredocs, 0);
        T_EQ(df->nodes[2].nheredocs, 0);
        hull_dockerfile_free(df);
}

TEST(directives_and_escape) {
        struct hull_dockerfile *df =
                P("# syntax=docker/dockerfile:1\n# ESCAPE = `\nFROM x\nRUN a `\n  b\n");
        T_EQ(df->ndirectives, 2);
        T_STREQ(df->directives[0].name, "syntax");
        T_STREQ(df->directives[0].value.s, "docker/dockerfile:1");
        T_EQ(df->escape, '`');
        T_STREQ(DUMP(df), "(from \"x\")\n(run \"a   b\")\n");
        hull_dockerfile_free(df);
}

TEST(comments_kept_for_pragmas) {
        struct hull_dockerfile *df =
                P("# hullscan ignore=HS1001\nFROM x\nRUN a \\\n  #  inside  \n  b\n");
        T_EQ(df->ncomments, 2);
        T_STREQ(df->comments[0].text.s, "hullscan ignore=HS1001");
        T_EQ(df->comments[0].text.pos.line, 1);
        T_EQ(df->comments[0].text.pos.col, 3);
        T_STREQ(df->comments[1].text.s, "inside");
        T_TRUE(df->comments[1].in_continuation);
        T_EQ(df->comments[1].text.pos.line, 4);
        hull_dockerfile_free(df);
}

TEST(crlf_bom_continuation_at_eof) {
        struct hull_dockerfile *df = P("\xEF\xBB\xBF"
                                       "FROM x\r\nRUN a \\\r\n\r\n# c\r\n  b \\");
        T_TRUE(df->had_bom);
        T_TRUE(df->had_crlf);
        T_STREQ(DUMP(df), "(from \"x\")\n(run \"a   b\")\n");
        T_EQ(df->nwarnings, 1);
        hull_dockerfile_free(df);
}

TEST(json_go_decoding) {
        struct hull_dockerfile *df =
                P("CMD [\"\\ud800x\", \"\\ud83d\\ude00\", \"\xff\"]\nCMD [\"a\"] x\n");
        T_STREQ(DUMP(df), "(cmd \"\xef\xbf\xbdx\" \"\xf0\x9f\x98\x80\" \"\xef\xbf\xbd\")\n"
                          "(cmd \"[\\\"a\\\"] x\")\n");
        T_TRUE(df->nodes[0].json);
        T_TRUE(!df->nodes[1].json);
        hull_dockerfile_free(df);
}

TEST(errors_name_file_and_line) {
        char m[600];
        T_EQ(ERR("", m, sizeof(m)), HULL_EPARSE);
        T_STREQ(m, "Dockerfile:1:1: error: file with no instructions");
        T_EQ(ERR("FROM x\nENV foo\n", m, sizeof(m)), HULL_EPARSE);
        T_STREQ(m, "Dockerfile:2:5: error: ENV must have two arguments");
        T_EQ(ERR("FROM x\nCMD [\"a\", 1]\n", m, sizeof(m)), HULL_EPARSE);
        T_EQ(ERR("FROM x\nRUN <<EOF\nabc\n", m, sizeof(m)), HULL_EPARSE);
        T_STREQ(m, "Dockerfile:2:5: error: unterminated heredoc");
        T_EQ(ERR("# escape=x\nFROM x\n", m, sizeof(m)), HULL_EPARSE);
        T_EQ(ERR("# escape=`\n# escape=`\nFROM x\n", m, sizeof(m)), HULL_EPARSE);
        T_STREQ(m, "Dockerfile:2:1: error: only one escape parser directive can be used");
        T_EQ(ERR("ENV a=b c\n", m, sizeof(m)), HULL_EPARSE);
}

TEST(long_line_limit) {
        size_t n = 70000;
        char *s = malloc(n + 16);
        char m[600];
        memcpy(s, "RUN ", 4);
        memset(s + 4, 'a', n);
        s[n + 4] = 0;
        T_EQ(ERR(s, m, sizeof(m)), HULL_ELIMIT);
        T_STREQ(m, "Dockerfile:1:1: error: dockerfile line greater than max allowed size of 65535");
        free(s);
}

TEST(onbuild_and_unknown) {
        struct hull_dockerfile *df = P("ONBUILD --x=1 RUN --mount=type=cache echo hi\nFOO bar\n");
        T_STREQ(DUMP(df),
                "(onbuild [\"--x=1\"] (run [\"--mount=type=cache\"] \"echo hi\"))\n(foo \"\")\n");
        T_TRUE(df->nodes[0].inner != NULL);
        T_EQ(df->nodes[0].inner->kind, HULL_DF_RUN);
        T_EQ(df->nodes[1].kind, HULL_DF_UNKNOWN);
        hull_dockerfile_free(df);
}

TEST(alloc_failure_never_crashes) {
        const char *src =
                "# syntax=x\nFROM a AS b\nENV a=1 b=2\nRUN <<EOF\nx\nEOF\nCOPY [\"a\",\"b\"]\n";
        for (unsigned long i = 1; i < 200; i++) {
                struct hull_dockerfile *df = NULL;
                struct hull_diag d;
                hull_diag_init(&d);
                hull_alloc_fail_after(i);
                int r = hull_df_parse(src, strlen(src), "Dockerfile", &df, &d);
                hull_alloc_fail_after(0);
                T_TRUE(r == 0 || r == HULL_ENOMEM);
                hull_dockerfile_free(df);
        }
}

TEST(expansion_memory_is_bounded_per_file) {
        /* A value doubled to 8 MiB, then copied by many ENVs: without the
         * per-file budget this would take gigabytes; it must fail cleanly. */
        struct hull_buf src = HULL_BUF_INIT(1 << 20);
        struct hull_dockerfile *df = NULL;
        struct hull_df_model *m = NULL;
        struct hull_diag d;
        T_OK(hull_buf_puts(&src, "FROM alpine\nENV A=x\n"));
        for (int i = 0; i < 23; i++)
                T_OK(hull_buf_puts(&src, "ENV A=$A$A\n"));
        for (int i = 0; i < 1000; i++)
                T_OK(hull_buf_printf(&src, "ENV B%d=$A\n", i));
        hull_diag_init(&d);
        T_OK(hull_df_parse(src.data, src.len, "Dockerfile", &df, &d));
        hull_diag_init(&d);
        T_EQ(hull_df_model_build(df, NULL, &m, &d), HULL_ELIMIT);
        T_TRUE(d.line > 25 && d.line < 100);
        T_TRUE(df->arena.used < (size_t)512 << 20);
        hull_df_model_free(m);
        hull_dockerfile_free(df);
        hull_buf_release(&src);
}

T_MAIN()
