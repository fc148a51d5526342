/* test_shell.c - the RUN-line shell model: API behaviour, limits, and the
 * data-driven cases of tests/data/shell/cases.txt.
 *
 * cases.txt holds blocks:
 *
 *     === name
 *     <script lines>          (joined with "\n", no final newline; end the
 *                              script with an empty line to have one)
 *     --- [incomplete] [malformed]
 *     <one line per command, in script order, as render_cmd() prints it>
 *
 * Expected-section lines that are empty or start with '#' are ignored.
 * A command renders as
 *
 *     argv0 | arg | arg [op] attrs...
 *
 * argv is "()" when empty; op is hull_sh_op_name(); attrs, in this order:
 * d=N (depth > 0), subst, pipe (piped_from_prev), neg, A:NAME=value per
 * assignment, R:[fd]op target per redirection, H:"body" per heredoc body,
 * cmd=NAME when hull_sh_cmd_name() differs from argv0's text, sudo.  A word
 * is bare unless it is empty or holds a blank, a control byte, '"', '\\' or
 * '|'; then it is written "..." with \" \\ \n \t \r \xHH escapes. */
#include "t.h"

#include <stdint.h>

#include "basic/arena.h"
#include "basic/buf.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "dockerfile/shell.h"

#ifndef HULL_SRCDIR
#define HULL_SRCDIR "."
#endif

static struct hull_arena A = HULL_ARENA_INIT;

/* Parse s; a parse failure fails the test. */
static struct hull_sh_script P(const char *s) {
        struct hull_sh_script sc;
        struct hull_diag d;

        memset(&sc, 0, sizeof(sc));
        hull_diag_init(&d);
        if (hull_sh_parse(&A, s, strlen(s), &sc, &d) != HULL_OK) {
                char m[700];
                hull_diag_format(&d, m, sizeof(m));
                T_FAIL_AT("unexpected failure: %s", m);
        }
        return sc;
}

/* ---- renderer ------------------------------------------------------------- */

static int
put_word(struct hull_buf *b, const char *s, size_t n) {
        bool quote = n == 0;
        size_t i;

        for (i = 0; i < n && !quote; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c <= ' ' || c == 0x7f || c == '"' || c == '\\' || c == '|')
                        quote = true;
        }
        if (!quote)
                return hull_buf_put(b, s, n);
        HULL_TRY(hull_buf_putc(b, '"'));
        for (i = 0; i < n; i++) {
                unsigned char c = (unsigned char)s[i];
                int r;
                if (c == '"' || c == '\\')
                        r = hull_buf_printf(b, "\\%c", c);
                else if (c == '\n')
                        r = hull_buf_puts(b, "\\n");
                else if (c == '\t')
                        r = hull_buf_puts(b, "\\t");
                else if (c == '\r')
                        r = hull_buf_puts(b, "\\r");
                else if (c < ' ' || c == 0x7f)
                        r = hull_buf_printf(b, "\\x%02x", c);
                else
                        r = hull_buf_putc(b, (char)c);
                HULL_TRY(r);
        }
        return hull_buf_putc(b, '"');
}

static int render_cmd(struct hull_buf *b, const struct hull_sh_cmd *c) {
        struct hull_sh_call call;
        size_t i;

        if (c->argc == 0)
                HULL_TRY(hull_buf_puts(b, "()"));
        for (i = 0; i < c->argc; i++) {
                if (i)
                        HULL_TRY(hull_buf_puts(b, " | "));
                HULL_TRY(put_word(b, c->argv[i].text, c->argv[i].len));
        }
        HULL_TRY(hull_buf_printf(b, " [%s]", hull_sh_op_name(c->op_after)));
        if (c->depth)
                HULL_TRY(hull_buf_printf(b, " d=%u", c->depth));
        if (c->in_subst)
                HULL_TRY(hull_buf_puts(b, " subst"));
        if (c->piped_from_prev)
                HULL_TRY(hull_buf_puts(b, " pipe"));
        if (c->negated)
                HULL_TRY(hull_buf_puts(b, " neg"));
        for (i = 0; i < c->nassigns; i++) {
                HULL_TRY(hull_buf_puts(b, " A:"));
                HULL_TRY(put_word(b, c->assigns[i].text, c->assigns[i].len));
        }
        for (i = 0; i < c->nredirs; i++) {
                const struct hull_sh_redir *r = &c->redirs[i];
                char op[32];
                if (r->fd >= 0)
                        snprintf(op, sizeof(op), "%d%s", r->fd, r->op);
                else
                        snprintf(op, sizeof(op), "%s", r->op);
                HULL_TRY(hull_buf_printf(b, " R:%s", op));
                HULL_TRY(put_word(b, r->target.text, r->target.len));
        }
        for (i = 0; i < c->nredirs; i++)
                if (c->redirs[i].body) {
                        HULL_TRY(hull_buf_puts(b, " H:"));
                        HULL_TRY(put_word(b, c->redirs[i].body, c->redirs[i].body_len));
                }
        hull_sh_cmd_resolve(c, &call);
        if (c->argc && strcmp(call.name, c->argv[0].text) != 0)
                HULL_TRY(hull_buf_printf(b, " cmd=%s", call.name));
        if (call.wrappers & HULL_SH_WRAP_SUDO)
                HULL_TRY(hull_buf_puts(b, " sudo"));
        return HULL_OK;
}

/* Render every command, one per line, plus a flags line. */
static int render_script(struct hull_buf *b, const struct hull_sh_script *sc) {
        for (size_t i = 0; i < sc->ncmds; i++) {
                HULL_TRY(render_cmd(b, &sc->cmds[i]));
                HULL_TRY(hull_buf_putc(b, '\n'));
        }
        return HULL_OK;
}

static const char *R(const char *src) {
        static char out[8192];
        struct hull_sh_script sc = P(src);
        struct hull_buf b;

        hull_buf_init(&b, sizeof(out) - 1);
        out[0] = '\0';
        if (render_script(&b, &sc) == HULL_OK && b.data)
                snprintf(out, sizeof(out), "%s", b.data);
        hull_buf_release(&b);
        return out;
}

/* ---- structure ------------------------------------------------------------ */

TEST(empty_and_blank) {
        struct hull_sh_script sc = P("");
        T_EQ(sc.ncmds, 0);
        T_TRUE(!sc.incomplete && !sc.malformed);
        T_TRUE(sc.problem == NULL);
        sc = P("  \t\n# only a comment\n\\\n");
        T_EQ(sc.ncmds, 0);
        T_TRUE(!sc.incomplete);
}

TEST(apt_chain) {
        T_STREQ(R("apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*"),
                "apt-get | update [&&]\n"
                "apt-get | install | -y | curl [&&]\n"
                "rm | -rf | /var/lib/apt/lists/* [end]\n");
}

TEST(op_names) {
        T_STREQ(hull_sh_op_name(HULL_SH_OP_AND), "&&");
        T_STREQ(hull_sh_op_name(HULL_SH_OP_PIPE_ERR), "|&");
        T_STREQ(hull_sh_op_name(HULL_SH_OP_CASE_END), ";;");
        T_TRUE(hull_sh_op_name(_HULL_SH_OP_MAX) == NULL);
        T_TRUE(hull_sh_op_name((enum hull_sh_op) - 1) == NULL);
}

TEST(word_fields) {
        struct hull_sh_script sc = P("echo \"$HOME\"/x 'a b' a\\ b ${X:-y} plain");
        const struct hull_sh_cmd *c;

        T_EQ(sc.ncmds, 1);
        c = &sc.cmds[0];
        T_EQ(c->argc, 6);
        T_STREQ(c->argv[1].text, "$HOME/x");
        T_EQ(c->argv[1].raw_len, 9);
        T_TRUE(memcmp(c->argv[1].raw, "\"$HOME\"/x", 9) == 0);
        T_EQ(c->argv[1].off, 5);
        T_TRUE(c->argv[1].quoted && c->argv[1].has_expansion);
        T_STREQ(c->argv[2].text, "a b");
        T_TRUE(c->argv[2].quoted && !c->argv[2].has_expansion);
        T_STREQ(c->argv[3].text, "a b");
        T_TRUE(c->argv[3].quoted);
        T_EQ(c->argv[3].off, 21);
        T_STREQ(c->argv[4].text, "${X:-y}");
        T_TRUE(!c->argv[4].quoted && c->argv[4].has_expansion);
        T_STREQ(c->argv[5].text, "plain");
        T_TRUE(!c->argv[5].quoted && !c->argv[5].has_expansion);
        T_EQ(c->off, 0);
        T_EQ(c->end, strlen("echo \"$HOME\"/x 'a b' a\\ b ${X:-y} plain"));
        T_EQ(c->argv[5].len, 5);
        T_TRUE(sc.src != NULL && sc.len == strlen("echo \"$HOME\"/x 'a b' a\\ b ${X:-y} plain"));
}

TEST(command_offsets) {
        const char *s = "a  ;  FOO=1 bb 2>/dev/null &&\n  c";
        struct hull_sh_script sc = P(s);

        T_EQ(sc.ncmds, 3);
        T_EQ(sc.cmds[0].off, 0);
        T_EQ(sc.cmds[0].end, 1);
        T_EQ(sc.cmds[1].off, 6);
        T_EQ(sc.cmds[1].end, strlen("a  ;  FOO=1 bb 2>/dev/null"));
        T_EQ(sc.cmds[1].redirs[0].off, 15);
        T_EQ(sc.cmds[1].redirs[0].fd, 2);
        T_STREQ(sc.cmds[1].redirs[0].op, ">");
        T_STREQ(sc.cmds[1].redirs[0].target.text, "/dev/null");
        T_EQ(sc.cmds[1].assigns[0].off, 6);
        T_EQ(sc.cmds[2].off, strlen(s) - 1);
}

TEST(backquote_offsets_map_to_input) {
        /* inside ` `, \$ is unescaped; offsets still point into the input */
        const char *s = "echo `printf \\$x`; b";
        struct hull_sh_script sc = P(s);

        T_EQ(sc.ncmds, 3);
        T_STREQ(sc.cmds[0].argv[0].text, "printf");
        T_EQ(sc.cmds[0].argv[0].off, 6);
        T_STREQ(sc.cmds[0].argv[1].text, "$x");
        T_EQ(sc.cmds[0].argv[1].off, 14); /* the $, after the dropped backslash */
        T_EQ(sc.cmds[0].depth, 1);
        T_TRUE(sc.cmds[0].in_subst);
        T_EQ(sc.cmds[0].op_after, HULL_SH_OP_END);
        T_STREQ(sc.cmds[1].argv[1].text, "`printf \\$x`");
        T_EQ(sc.cmds[1].op_after, HULL_SH_OP_SEMI);
        T_EQ(sc.cmds[2].off, strlen(s) - 1);
}

TEST(pipe_links) {
        struct hull_sh_script sc = P("curl -fsSL https://x/install.sh | sudo -E bash -s -- -y");

        T_EQ(sc.ncmds, 2);
        T_EQ(sc.cmds[0].op_after, HULL_SH_OP_PIPE);
        T_TRUE(!sc.cmds[0].piped_from_prev);
        T_EQ(sc.cmds[0].pipe_from, HULL_SH_NONE);
        T_TRUE(sc.cmds[1].piped_from_prev);
        T_EQ(sc.cmds[1].pipe_from, 0);
        T_STREQ(hull_sh_cmd_name(&sc.cmds[1]), "bash");

        /* the pipe source is found across an inner $( ) command */
        sc = P("wget -qO- $(cat url) | sh -c \"$(echo x)\"");
        T_EQ(sc.ncmds, 4);
        T_STREQ(hull_sh_cmd_name(&sc.cmds[3]), "sh");
        T_EQ(sc.cmds[3].pipe_from, 1);
        T_STREQ(hull_sh_cmd_name(&sc.cmds[1]), "wget");
        T_TRUE(!sc.cmds[2].piped_from_prev);

        /* a | newline b: still piped */
        sc = P("a |\n  b");
        T_TRUE(sc.cmds[1].piped_from_prev);
        T_EQ(sc.cmds[0].op_after, HULL_SH_OP_PIPE);
}

TEST(heredoc_body_on_redirection) {
        const char *s = "cat <<'EOF' > /etc/apt/sources.list\ndeb http://x "
                        "y\n$notexpanded\nEOF\napt-get update";
        struct hull_sh_script sc = P(s);
        const struct hull_sh_redir *r;

        T_EQ(sc.ncmds, 2);
        T_EQ(sc.cmds[0].nredirs, 2);
        r = &sc.cmds[0].redirs[0];
        T_STREQ(r->op, "<<");
        T_STREQ(r->target.text, "EOF");
        T_TRUE(r->target.quoted);
        T_EQ(r->body_len, strlen("deb http://x y\n$notexpanded\n"));
        T_TRUE(memcmp(r->body, "deb http://x y\n$notexpanded\n", r->body_len) == 0);
        T_EQ(r->body_off, strlen("cat <<'EOF' > /etc/apt/sources.list\n"));
        T_TRUE(sc.cmds[0].redirs[1].body == NULL);
        T_STREQ(sc.cmds[1].argv[0].text, "apt-get");
        T_TRUE(!sc.incomplete);
}

TEST(incomplete_input_keeps_commands) {
        struct hull_sh_script sc = P("apt-get install -y \"curl");
        T_EQ(sc.ncmds, 1);
        T_TRUE(sc.incomplete);
        T_STREQ(sc.problem, "unterminated double quote");
        T_EQ(sc.problem_off, 19);
        T_STREQ(sc.cmds[0].argv[3].text, "curl");

        sc = P("a && $(b; c");
        T_TRUE(sc.incomplete);
        T_EQ(sc.ncmds, 4); /* a, b, c, and the command whose word is $(b; c */
        T_STREQ(sc.cmds[3].argv[0].text, "$(b; c");

        sc = P("if true; then echo");
        T_TRUE(sc.incomplete);
        T_EQ(sc.ncmds, 2);

        sc = P("a &&");
        T_TRUE(sc.incomplete);
        T_STREQ(sc.problem, "missing command after operator");

        sc = P("cat <<EOF");
        T_TRUE(sc.incomplete);
}

TEST(malformed_input_recovers) {
        struct hull_sh_script sc = P("a ) b; fi; c");
        T_TRUE(sc.malformed);
        T_TRUE(!sc.incomplete);
        T_EQ(sc.ncmds, 3);
        T_STREQ(sc.problem, "unmatched )");
        T_EQ(sc.problem_off, 2);
}

/* ---- helpers -------------------------------------------------------------- */

static const char *operands(const struct hull_sh_cmd *c) {
        static char out[512];
        const struct hull_sh_word *w[16];
        size_t n = hull_sh_cmd_args_nonopt(c, w, 16), i, o = 0;

        out[0] = '\0';
        for (i = 0; i < n && i < 16; i++)
                o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s", i ? "," : "", w[i]->text);
        return out;
}

TEST(apt_get_options_and_packages) {
        struct hull_sh_script sc =
                P("apt-get -y install --no-install-recommends a b=1.2 c;"
                  "apt-get -yq -o Dpkg::Options::=--force-confnew -t bookworm-backports install x;"
                  "apt -qq install curl;"
                  "apt-get install --no-install-recommends=false y");

        T_EQ(sc.ncmds, 4);
        T_TRUE(hull_sh_has_option(&sc.cmds[0], 'y', "yes"));
        T_TRUE(hull_sh_has_option(&sc.cmds[0], 0, "no-install-recommends"));
        T_TRUE(!hull_sh_has_option(&sc.cmds[0], 'q', "quiet"));
        T_STREQ(operands(&sc.cmds[0]), "install,a,b=1.2,c");
        T_STREQ(hull_sh_cmd_subcommand(&sc.cmds[0])->text, "install");

        T_TRUE(hull_sh_has_option(&sc.cmds[1], 'y', NULL));
        T_TRUE(hull_sh_has_option(&sc.cmds[1], 'q', NULL));
        T_TRUE(!hull_sh_has_option(&sc.cmds[1], 'D', NULL)); /* inside -o's value */
        T_STREQ(operands(&sc.cmds[1]), "install,x");
        size_t n = 0;
        const char *v = hull_sh_option_value(&sc.cmds[1], 't', "target-release", &n);
        T_TRUE(v && n == strlen("bookworm-backports") && memcmp(v, "bookworm-backports", n) == 0);
        v = hull_sh_option_value(&sc.cmds[1], 'o', "option", &n);
        T_STREQ(v, "Dpkg::Options::=--force-confnew");

        T_TRUE(hull_sh_has_option(&sc.cmds[2], 'q', NULL));
        T_STREQ(operands(&sc.cmds[2]), "install,curl");

        T_TRUE(hull_sh_has_option(&sc.cmds[3], 0, "no-install-recommends"));
        v = hull_sh_option_value(&sc.cmds[3], 0, "no-install-recommends", &n);
        T_STREQ(v, "false");
}

TEST(option_parsing_rules) {
        struct hull_sh_script sc = P("apt-get -yoAPT::X=1 install -- -notanoption;"
                                     "tool -abc - --long=v --flag -x val");
        struct hull_sh_args it;
        struct hull_sh_arg a;

        hull_sh_args_init(&it, &sc.cmds[0]);
        T_TRUE(hull_sh_args_next(&it, &a));
        T_EQ(a.kind, HULL_SH_ARG_SHORT);
        T_EQ(a.opt, 'y');
        T_TRUE(a.value == NULL);
        T_TRUE(hull_sh_args_next(&it, &a));
        T_EQ(a.opt, 'o');
        T_STREQ(a.value, "APT::X=1");
        T_TRUE(hull_sh_args_next(&it, &a));
        T_EQ(a.kind, HULL_SH_ARG_OPERAND);
        T_STREQ(a.value, "install");
        T_TRUE(hull_sh_args_next(&it, &a));
        T_EQ(a.kind, HULL_SH_ARG_OPERAND);
        T_STREQ(a.value, "-notanoption");
        T_TRUE(!hull_sh_args_next(&it, &a));
        T_TRUE(!hull_sh_has_option(&sc.cmds[0], 'n', NULL)); /* after -- */

        /* unknown tool: no option takes a value */
        T_TRUE(hull_sh_has_option(&sc.cmds[1], 'b', NULL));
        T_TRUE(hull_sh_has_option(&sc.cmds[1], 'x', NULL));
        T_TRUE(hull_sh_has_option(&sc.cmds[1], 0, "long"));
        T_TRUE(hull_sh_has_option(&sc.cmds[1], 0, "flag"));
        T_TRUE(!hull_sh_has_option(&sc.cmds[1], 0, "lon")); /* no abbreviation */
        T_TRUE(!hull_sh_has_option(&sc.cmds[1], 0, "long=v"));
        T_STREQ(hull_sh_option_value(&sc.cmds[1], 0, "long", NULL), "v");
        T_TRUE(hull_sh_option_value(&sc.cmds[1], 0, "flag", NULL) == NULL);
        T_STREQ(operands(&sc.cmds[1]), "-,val");
}

TEST(package_manager_tables) {
        struct hull_sh_script sc =
                P("pip install --no-cache-dir -r requirements.txt -i https://idx flask==2.0;"
                  "python3 -m pip install --upgrade pip;"
                  "npm install --omit dev express;"
                  "npm ci --omit=dev;"
                  "apk add --no-cache -t .build-deps gcc musl-dev;"
                  "dnf install -y --setopt tsflags=nodocs --enablerepo=crb httpd;"
                  "zypper -n install -t pattern devel_basis;"
                  "pip3.11 install -e . requests");

        T_STREQ(operands(&sc.cmds[0]), "install,flask==2.0");
        T_TRUE(hull_sh_has_option(&sc.cmds[0], 0, "no-cache-dir"));
        T_STREQ(hull_sh_option_value(&sc.cmds[0], 'r', "requirement", NULL), "requirements.txt");

        T_STREQ(hull_sh_cmd_name(&sc.cmds[1]), "pip");
        T_STREQ(operands(&sc.cmds[1]), "install,pip");
        T_TRUE(hull_sh_has_option(&sc.cmds[1], 'U', "upgrade"));

        T_STREQ(operands(&sc.cmds[2]), "install,express");
        T_STREQ(hull_sh_option_value(&sc.cmds[2], 0, "omit", NULL), "dev");
        T_STREQ(hull_sh_option_value(&sc.cmds[3], 0, "omit", NULL), "dev");

        T_STREQ(operands(&sc.cmds[4]), "add,gcc,musl-dev");
        T_STREQ(hull_sh_option_value(&sc.cmds[4], 't', "virtual", NULL), ".build-deps");
        T_TRUE(hull_sh_has_option(&sc.cmds[4], 0, "no-cache"));

        T_STREQ(operands(&sc.cmds[5]), "install,httpd");
        T_STREQ(operands(&sc.cmds[6]), "install,devel_basis");
        T_STREQ(hull_sh_cmd_name(&sc.cmds[7]), "pip3.11");
        T_STREQ(operands(&sc.cmds[7]), "install,requests");
}

TEST(wrappers) {
        struct hull_sh_script sc = P("sudo -E -u root /usr/bin/apt-get install -y x;"
                                     "sudo -v;"
                                     "env -i DEBIAN_FRONTEND=noninteractive apt-get -y install y;"
                                     "command -v curl;"
                                     "command apt-get update;"
                                     "exec >/tmp/log 2>&1;"
                                     "nohup nice -n 10 time -p make;"
                                     "find . -name '*.deb' | xargs -r -n1 dpkg -i;"
                                     "sudo env A=1 nohup eatmydata apt-get install z;"
                                     "$SUDO apt-get install q;"
                                     "doas apk add w");
        struct hull_sh_call c;

        hull_sh_cmd_resolve(&sc.cmds[0], &c);
        T_STREQ(c.name, "apt-get");
        T_EQ(c.argi, 4);
        T_EQ(c.wrappers, HULL_SH_WRAP_SUDO);
        T_TRUE(hull_sh_has_option(&sc.cmds[0], 'y', NULL));
        T_TRUE(!hull_sh_has_option(&sc.cmds[0], 'E', NULL)); /* sudo's option */
        T_STREQ(operands(&sc.cmds[0]), "install,x");

        hull_sh_cmd_resolve(&sc.cmds[1], &c);
        T_STREQ(c.name, "sudo");
        T_EQ(c.wrappers, 0);

        hull_sh_cmd_resolve(&sc.cmds[2], &c);
        T_STREQ(c.name, "apt-get");
        T_EQ(c.wrappers, HULL_SH_WRAP_ENV);
        T_STREQ(operands(&sc.cmds[2]), "install,y");

        T_STREQ(hull_sh_cmd_name(&sc.cmds[3]), "command");
        T_STREQ(operands(&sc.cmds[3]), "curl");
        T_STREQ(hull_sh_cmd_name(&sc.cmds[4]), "apt-get");
        T_STREQ(hull_sh_cmd_name(&sc.cmds[5]), "exec");

        hull_sh_cmd_resolve(&sc.cmds[6], &c);
        T_STREQ(c.name, "make");
        T_EQ(c.wrappers, HULL_SH_WRAP_NOHUP | HULL_SH_WRAP_NICE | HULL_SH_WRAP_TIME);

        hull_sh_cmd_resolve(&sc.cmds[8], &c);
        T_STREQ(c.name, "dpkg");
        T_EQ(c.wrappers, HULL_SH_WRAP_XARGS);
        T_TRUE(hull_sh_has_option(&sc.cmds[8], 'i', NULL));
        T_TRUE(sc.cmds[8].piped_from_prev);

        hull_sh_cmd_resolve(&sc.cmds[9], &c);
        T_STREQ(c.name, "apt-get");
        T_EQ(c.wrappers,
             HULL_SH_WRAP_SUDO | HULL_SH_WRAP_ENV | HULL_SH_WRAP_NOHUP | HULL_SH_WRAP_EATMYDATA);

        T_STREQ(hull_sh_cmd_name(&sc.cmds[10]), "$SUDO");
        hull_sh_cmd_resolve(&sc.cmds[11], &c);
        T_STREQ(c.name, "apk");
        T_EQ(c.wrappers, HULL_SH_WRAP_SUDO);
        T_TRUE(hull_sh_cmd_is(&sc.cmds[11], "apk"));
        T_TRUE(!hull_sh_cmd_is(&sc.cmds[11], "doas"));
}

TEST(no_argv_helpers) {
        struct hull_sh_script sc = P("FOO=bar");
        struct hull_sh_call c;
        const struct hull_sh_word *w;

        T_EQ(sc.ncmds, 1);
        T_EQ(sc.cmds[0].argc, 0);
        hull_sh_cmd_resolve(&sc.cmds[0], &c);
        T_STREQ(c.name, "");
        T_EQ(c.argi, 0);
        T_TRUE(!hull_sh_has_option(&sc.cmds[0], 'y', "yes"));
        T_EQ(hull_sh_cmd_args_nonopt(&sc.cmds[0], &w, 1), 0);
        T_TRUE(hull_sh_cmd_subcommand(&sc.cmds[0]) == NULL);
        T_TRUE(hull_sh_word_is(&sc.cmds[0].assigns[0], "FOO=bar"));
}

/* ---- limits and robustness ------------------------------------------------ */

static int parse_err(const char *s, size_t len, struct hull_diag *d) {
        struct hull_sh_script sc;
        hull_diag_init(d);
        return hull_sh_parse(&A, s, len, &sc, d);
}

TEST(depth_limit) {
        char buf[1024];
        struct hull_diag d;
        size_t i, n = 0;

        /* HULL_MAX_SHELL_DEPTH - 1 levels of $( ) are fine */
        for (i = 0; i + 1 < HULL_MAX_SHELL_DEPTH; i++)
                n += (size_t)snprintf(buf + n, sizeof(buf) - n, "$(");
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "x");
        for (i = 0; i + 1 < HULL_MAX_SHELL_DEPTH; i++)
                n += (size_t)snprintf(buf + n, sizeof(buf) - n, ")");
        T_EQ(parse_err(buf, n, &d), HULL_OK);

        n = 0;
        for (i = 0; i < HULL_MAX_SHELL_DEPTH + 1; i++)
                n += (size_t)snprintf(buf + n, sizeof(buf) - n, "( ");
        T_EQ(parse_err(buf, n, &d), HULL_ELIMIT);
        T_STREQ(d.msg, "shell nesting too deep");
        T_EQ(d.offset, 2 * HULL_MAX_SHELL_DEPTH);

        /* (((( is an unterminated arithmetic command, not nesting */
        n = 0;
        for (i = 0; i < HULL_MAX_SHELL_DEPTH + 1; i++)
                n += (size_t)snprintf(buf + n, sizeof(buf) - n, "(");
        T_EQ(parse_err(buf, n, &d), HULL_OK);

        n = 0;
        for (i = 0; i < HULL_MAX_SHELL_DEPTH + 1; i++)
                n += (size_t)snprintf(buf + n, sizeof(buf) - n, "if ");
        T_EQ(parse_err(buf, n, &d), HULL_ELIMIT);

        n = 0;
        for (i = 0; i < HULL_MAX_SHELL_DEPTH + 1; i++)
                n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\"$(");
        T_EQ(parse_err(buf, n, &d), HULL_ELIMIT);
}

TEST(command_limit) {
        size_t n = (HULL_MAX_SHELL_COMMANDS + 1) * 2, i;
        char *s = malloc(n);
        struct hull_diag d;

        for (i = 0; i < n; i += 2) {
                s[i] = 'a';
                s[i + 1] = ';';
        }
        T_EQ(parse_err(s, n, &d), HULL_ELIMIT);
        T_STREQ(d.msg, "too many shell commands");
        T_EQ(parse_err(s, n - 4, &d), HULL_OK);
        free(s);
        hull_arena_release(&A);
}

TEST(memory_bound) {
        /* dense input stays under the bound */
        size_t n = 200000, i;
        char *s = malloc(n);
        struct hull_arena a;
        struct hull_sh_script sc;
        struct hull_diag d;

        hull_arena_init(&a, 0);
        for (i = 0; i < n; i += 2) {
                s[i] = 'a';
                s[i + 1] = ' ';
        }
        T_EQ(hull_sh_parse(&a, s, n, &sc, &d), HULL_OK);
        T_EQ(sc.cmds[0].argc, n / 2);
        T_TRUE(a.used <= HULL_SH_MEM_FACTOR * n + HULL_SH_MEM_SLACK);
        hull_arena_release(&a);

        for (i = 0; i < n; i += 4)
                memcpy(s + i, ">a;", 3), s[i + 3] = ' ';
        T_EQ(hull_sh_parse(&a, s, n, &sc, &d), HULL_OK);
        T_EQ(sc.ncmds, n / 4);
        T_TRUE(a.used <= HULL_SH_MEM_FACTOR * n + HULL_SH_MEM_SLACK);
        hull_arena_release(&a);
        free(s);

        /* an arena budget is honoured */
        hull_arena_init(&a, 65536);
        T_EQ(hull_sh_parse(&a, "a b c d e f g h", 15, &sc, &d), HULL_OK);
        s = calloc(1, 100000);
        memset(s, 'x', 99999);
        T_EQ(hull_sh_parse(&a, s, 99999, &sc, &d), HULL_ELIMIT);
        free(s);
        hull_arena_release(&a);
}

TEST(nul_bytes) {
        struct hull_sh_script sc;
        struct hull_diag d;
        static const char s[] = "a\0b c";

        T_EQ(hull_sh_parse(&A, s, sizeof(s) - 1, &sc, &d), HULL_OK);
        T_EQ(sc.ncmds, 1);
        T_EQ(sc.cmds[0].argc, 2);
        T_EQ(sc.cmds[0].argv[0].len, 3);
        T_TRUE(memcmp(sc.cmds[0].argv[0].text, "a\0b", 4) == 0);
}

/* Checks every structural invariant of a result. */
static void check_invariants(const struct hull_sh_script *sc, size_t len) {
        for (size_t i = 0; i < sc->ncmds; i++) {
                const struct hull_sh_cmd *c = &sc->cmds[i];
                struct hull_sh_args it;
                struct hull_sh_arg a;
                const struct hull_sh_word *w[4];
                size_t k, guard = 0, limit = c->argc + 1;

                if (c->off > c->end || c->end > len)
                        T_FAIL_AT("cmd %zu: off %zu end %zu len %zu", i, c->off, c->end, len);
                if (c->depth > HULL_MAX_SHELL_DEPTH)
                        T_FAIL_AT("cmd %zu: depth %u", i, c->depth);
                if (c->pipe_from != HULL_SH_NONE && c->pipe_from >= i)
                        T_FAIL_AT("cmd %zu: pipe_from %zu", i, c->pipe_from);
                if ((unsigned)c->op_after >= _HULL_SH_OP_MAX)
                        T_FAIL_AT("cmd %zu: op %d", i, c->op_after);
                if (c->argc + c->nassigns + c->nredirs == 0)
                        T_FAIL_AT("cmd %zu: empty", i);
                for (k = 0; k < c->argc; k++) {
                        const struct hull_sh_word *x = &c->argv[k];
                        limit += x->len;
                        if (x->text[x->len] != '\0' || x->off > len || x->len > x->raw_len)
                                T_FAIL_AT("cmd %zu word %zu", i, k);
                }
                for (k = 0; k < c->nredirs; k++)
                        if (c->redirs[k].body &&
                            c->redirs[k].body_off + c->redirs[k].body_len > len)
                                T_FAIL_AT("cmd %zu redir %zu body", i, k);
                hull_sh_args_init(&it, c);
                while (hull_sh_args_next(&it, &a))
                        if (++guard > limit) {
                                T_FAIL_AT("cmd %zu: args iterator does not end", i);
                                break;
                        }
                (void)hull_sh_cmd_args_nonopt(c, w, 4);
                (void)hull_sh_cmd_name(c);
        }
        if ((sc->incomplete || sc->malformed) != (sc->problem != NULL))
                T_FAIL_AT("problem text and flags disagree");
}

TEST(random_token_soup) {
        static const char *const toks[] = {
                "a",
                "b ",
                " ",
                "\n",
                "\\\n",
                "&&",
                "||",
                "|",
                ";",
                ";;",
                "&",
                "(",
                ")",
                "{ ",
                " }",
                "$(",
                "`",
                "\\`",
                "\"",
                "'",
                "${",
                "}",
                "$((",
                "))",
                "<<EOF\n",
                "\nEOF\n",
                "<<-X ",
                "if ",
                "then ",
                "fi",
                "for x in a; do ",
                "done",
                "case x in ",
                "esac",
                "x) ",
                "while ",
                "2>&1",
                ">f",
                "<(",
                "[[ ",
                " ]]",
                "#c\n",
                "A=1 ",
                "=(",
                "\\",
                "$x",
                "sudo ",
                "apt-get ",
                "-yq ",
                "--",
                "function f ",
                "f() ",
                "!",
                "\r\n",
        };
        uint64_t rng = 0x9e3779b97f4a7c15ull;
        char buf[600];

        for (int round = 0; round < 20000; round++) {
                size_t n = 0;
                struct hull_sh_script sc;
                struct hull_diag d;
                int r;
                while (n < 400) {
                        rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
                        const char *t = toks[rng % ELEMENTSOF(toks)];
                        size_t l = strlen(t);
                        if ((rng >> 32) % 23 == 0)
                                break;
                        memcpy(buf + n, t, l);
                        n += l;
                }
                hull_diag_init(&d);
                r = hull_sh_parse(&A, buf, n, &sc, &d);
                if (r == HULL_OK)
                        check_invariants(&sc, n);
                else if (r != HULL_ELIMIT)
                        T_FAIL_AT("round %d: error %d", round, r);
                if (round % 1000 == 999)
                        hull_arena_release(&A);
        }
        hull_arena_release(&A);
}

TEST(allocation_failures) {
        const char *s = "set -eux; apt-get update && apt-get install -y --no-install-recommends "
                        "ca-certificates curl \"$(dpkg --print-architecture)\" `uname -m`; "
                        "cat <<EOF >/x\nbody\nEOF\n"
                        "case $a in x) y;; esac; for i in 1 2; do echo $i; done | tee log";
        int ok = 0;

        for (unsigned long n = 1; n < 200; n++) {
                struct hull_arena a;
                struct hull_sh_script sc;
                struct hull_diag d;
                int r;

                hull_arena_init(&a, 0);
                hull_diag_init(&d);
                hull_alloc_fail_after(n);
                r = hull_sh_parse(&a, s, strlen(s), &sc, &d);
                hull_alloc_fail_after(0);
                if (r == HULL_OK) {
                        ok = 1;
                        check_invariants(&sc, strlen(s));
                } else {
                        T_EQ(r, HULL_ENOMEM);
                        T_EQ(d.code, HULL_ENOMEM);
                }
                hull_arena_release(&a);
                if (ok)
                        break;
        }
        T_TRUE(ok);
}

/* ---- data-driven cases ---------------------------------------------------- */

struct tcase {
        char name[128];
        unsigned line;
        struct hull_buf script, expect;
        char flags[128];
};

static void run_case(struct tcase *tc, unsigned *ret_run) {
        struct hull_sh_script sc;
        struct hull_diag d;
        struct hull_buf got;
        char flags[128];
        const char *exp = tc->expect.data ? tc->expect.data : "";
        const char *src = tc->script.data ? tc->script.data : "";

        (*ret_run)++;
        hull_diag_init(&d);
        if (hull_sh_parse(&A, src, tc->script.len, &sc, &d) != HULL_OK) {
                printf("# cases.txt:%u: %s: parse failed: %s\n", tc->line, tc->name, d.msg);
                t_failed = 1;
                return;
        }
        check_invariants(&sc, tc->script.len);
        hull_buf_init(&got, 1 << 20);
        if (render_script(&got, &sc) != HULL_OK) {
                t_failed = 1;
                hull_buf_release(&got);
                return;
        }
        snprintf(flags, sizeof(flags), "%s%s%s", sc.incomplete ? "incomplete" : "",
                 sc.incomplete && sc.malformed ? " " : "", sc.malformed ? "malformed" : "");
        if (strcmp(got.data ? got.data : "", exp) != 0 || strcmp(flags, tc->flags) != 0) {
                printf("# cases.txt:%u: %s\n# --- expected%s%s\n%s# --- got%s%s (%s)\n%s", tc->line,
                       tc->name, tc->flags[0] ? " " : "", tc->flags, exp, flags[0] ? " " : "",
                       flags, sc.problem ? sc.problem : "no problem", got.data ? got.data : "");
                t_failed = 1;
        }
        hull_buf_release(&got);
        hull_arena_release(&A);
}

TEST(data_cases) {
        FILE *f = fopen("tests/data/shell/cases.txt", "r");
        char line[4096];
        struct tcase tc;
        enum { NONE, SCRIPT, EXPECT } state = NONE;
        unsigned lineno = 0, run = 0;
        bool first_line = true;

        if (!f)
                f = fopen(HULL_SRCDIR "/tests/data/shell/cases.txt", "r");
        if (!f) {
                T_FAIL_AT("cannot open tests/data/shell/cases.txt");
                return;
        }
        memset(&tc, 0, sizeof(tc));
        hull_buf_init(&tc.script, 1 << 20);
        hull_buf_init(&tc.expect, 1 << 20);
        while (fgets(line, sizeof(line), f)) {
                size_t l = strlen(line);
                lineno++;
                if (l && line[l - 1] == '\n')
                        line[--l] = '\0';
                if (strncmp(line, "=== ", 4) == 0) {
                        if (state == EXPECT)
                                run_case(&tc, &run);
                        else if (state == SCRIPT)
                                T_FAIL_AT("cases.txt:%u: case without ---", tc.line);
                        snprintf(tc.name, sizeof(tc.name), "%.120s", line + 4);
                        tc.line = lineno;
                        tc.flags[0] = '\0';
                        hull_buf_reset(&tc.script);
                        hull_buf_reset(&tc.expect);
                        state = SCRIPT;
                        first_line = true;
                        continue;
                }
                if (state == SCRIPT &&
                    (strcmp(line, "---") == 0 || strncmp(line, "--- ", 4) == 0)) {
                        snprintf(tc.flags, sizeof(tc.flags), "%.120s", line[3] ? line + 4 : "");
                        state = EXPECT;
                        continue;
                }
                if (state == SCRIPT) {
                        if (!first_line && hull_buf_putc(&tc.script, '\n'))
                                t_failed = 1;
                        if (hull_buf_put(&tc.script, line, l))
                                t_failed = 1;
                        first_line = false;
                } else if (state == EXPECT && l && line[0] != '#') {
                        if (hull_buf_put(&tc.expect, line, l) || hull_buf_putc(&tc.expect, '\n'))
                                t_failed = 1;
                }
        }
        if (state == EXPECT)
                run_case(&tc, &run);
        fclose(f);
        hull_buf_release(&tc.script);
        hull_buf_release(&tc.expect);
        printf("# %u data cases\n", run);
        T_TRUE(run >= 60);
}

T_MAIN()
