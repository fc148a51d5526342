/* HS3005 no-hardcoded-secrets: credentials written into commands and URLs.
 *
 * Every stage (the Dockerfile and the build history keep them even when the
 * stage is not shipped):
 *   - a URL with a password, scheme://user:password@host, in any word of a
 *     RUN command (git clone / remote add, curl, wget, pip --index-url and
 *     --extra-index-url, npm, go...), in an assignment prefix, or in a
 *     here-document (cat > pip.conf <<EOF inside a script, RUN ... <<EOF
 *     and COPY <<EOF inline files);
 *   - a URL whose user part is a GitHub or GitLab token (https://ghp_...@);
 *   - curl -u / --user / -U / --proxy-user user:password;
 *   - wget --password, --http-password, --ftp-password, --proxy-password;
 *   - ADD sources (as written) with a password in the URL.
 * Not reported: a password holding a variable reference ($TOKEN,
 * ${TOKEN}, $(cat /run/secrets/x), ${A}${B}), an empty password, a
 * placeholder (hull_secretish_placeholder: ***, xxxx, changeme, <token>,
 * example...), or a value on the secret allow-list.  Messages
 * show the host and the secret masked (its first 2 characters and ***; only
 * *** when shorter than 6). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "lint/engine.h"
#include "lint/rules/common.h"
#include "lint/secretish.h"

struct cred {
        const char *user, *pass, *host;
        size_t ulen, plen, hlen;
        bool token; /* no password: the user part is a token */
};

static bool url_end(char ch) {
        return ch == '/' || ch == '?' || ch == '#' || isspace((unsigned char)ch) || ch == '"' ||
               ch == '\'' || ch == '<' || ch == '>' || ch == '`' || ch == '|' || ch == ';' ||
               ch == ',';
}

/* The text is nothing but $NAME, ${...} and $(...) references. */
static bool only_refs(const char *s, size_t n) {
        size_t i = 0;
        if (n == 0)
                return true;
        while (i < n) {
                if (s[i] != '$' || i + 1 >= n)
                        return false;
                i++;
                if (s[i] == '{' || s[i] == '(') {
                        char open = s[i], close = open == '{' ? '}' : ')';
                        int depth = 0;
                        for (; i < n; i++) {
                                depth += s[i] == open;
                                if (s[i] == close && --depth == 0)
                                        break;
                        }
                        if (i >= n)
                                return false;
                        i++;
                } else if (isalpha((unsigned char)s[i]) || s[i] == '_') {
                        while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_'))
                                i++;
                } else {
                        return false;
                }
        }
        return true;
}

static bool starts(const char *s, size_t n, const char *lit) {
        size_t l = strlen(lit);
        return n >= l && memcmp(s, lit, l) == 0;
}

static bool token_like(const char *s, size_t n) {
        static const char *const prefixes[] = {"ghp_", "gho_",        "ghu_",  "ghs_",
                                               "ghr_", "github_pat_", "glpat-"};
        if (n < 20)
                return false;
        for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
                if (starts(s, n, prefixes[i]))
                        return true;
        return false;
}

/* A literal secret worth reporting (not a variable, placeholder or allowed value). */
static bool literal_secret(struct hull_lint_ctx *c, const char *s, size_t n) {
        /* any $ is a reference (or a quoted literal $ we cannot tell apart) */
        return n > 0 && !memchr(s, '$', n) && !hull_secretish_placeholder(s, n) &&
               !hull_lint_config_allowed(c->cfg, s, n);
}

/* Find the next URL with credentials in s[*pos..n); advances *pos. */
static bool next_cred(struct hull_lint_ctx *c, const char *s, size_t n, size_t *pos,
                      struct cred *ret) {
        while (*pos + 3 <= n) {
                const char *p = memmem(s + *pos, n - *pos, "://", 3);
                size_t a, e, at = (size_t)-1, colon = (size_t)-1;

                if (!p)
                        break;
                a = (size_t)(p - s) + 3;
                *pos = a;
                if (p == s || !isalpha((unsigned char)p[-1]))
                        continue;
                for (e = a; e < n && !url_end(s[e]); e++)
                        if (s[e] == '@')
                                at = e;
                if (at == (size_t)-1)
                        continue;
                *pos = e;
                for (size_t i = a; i < at; i++)
                        if (s[i] == ':') {
                                colon = i;
                                break;
                        }
                memset(ret, 0, sizeof(*ret));
                ret->host = s + at + 1;
                ret->hlen = e - at - 1;
                for (size_t i = 0; i < ret->hlen; i++)
                        if (ret->host[i] == ':') {
                                ret->hlen = i;
                                break;
                        }
                if (ret->hlen == 0)
                        continue;
                ret->user = s + a;
                if (colon == (size_t)-1) {
                        ret->ulen = at - a;
                        ret->token = true;
                        if (token_like(ret->user, ret->ulen) &&
                            literal_secret(c, ret->user, ret->ulen))
                                return true;
                        continue;
                }
                ret->ulen = colon - a;
                ret->pass = s + colon + 1;
                ret->plen = at - colon - 1;
                if (literal_secret(c, ret->pass, ret->plen))
                        return true;
        }
        return false;
}

/* "gh***": the first two characters and ***, or *** alone when short. */
static const char *mask(const char *s, size_t n, char out[8]) {
        if (n >= 6)
                snprintf(out, 8, "%c%c***", s[0], s[1]);
        else
                snprintf(out, 8, "***");
        return out;
}

/* The user part as shown: as written when short or a variable, else masked. */
static const char *show_user(const char *s, size_t n, char *buf, size_t bufsz) {
        if (only_refs(s, n) || n < 20)
                snprintf(buf, bufsz, "%.*s", (int)n, s);
        else
                mask(s, n, buf);
        return buf;
}

static void report_cred(struct hull_lint_ctx *c, struct hull_pos pos, const char *who,
                        const struct cred *k) {
        char u[48], p[8];

        if (k->token) {
                hull_lint_report(c, pos, NULL, "%s passes a token in a URL for %.*s (%s)", who,
                                 (int)k->hlen, k->host, mask(k->user, k->ulen, p));
                return;
        }
        hull_lint_report(c, pos, NULL, "%s passes credentials in a URL for %.*s (%s:%s)", who,
                         (int)k->hlen, k->host, show_user(k->user, k->ulen, u, sizeof(u)),
                         mask(k->pass, k->plen, p));
}

static void scan_text(struct hull_lint_ctx *c, struct hull_pos pos, const char *who, const char *s,
                      size_t n) {
        struct cred k;
        size_t at = 0;

        while (next_cred(c, s, n, &at, &k))
                report_cred(c, pos, who, &k);
}

/* The same for a here-document body starting at line pos.line: each finding
 * at its own line. */
static void scan_body(struct hull_lint_ctx *c, struct hull_pos pos, const char *s, size_t n) {
        struct cred k;
        size_t at = 0;

        while (next_cred(c, s, n, &at, &k)) {
                struct hull_pos p = {pos.line, 1};
                for (const char *q = s; q < k.user; q++)
                        p.line += *q == '\n';
                report_cred(c, p, "a here-document", &k);
        }
}

/* Where a here-document read by a command of run starts: the Dockerfile's
 * heredoc with that body (RUN cat > f <<EOF), else its place in the script. */
static struct hull_pos body_pos(const struct hull_df_instr *run, const struct hull_sh_redir *r) {
        const struct hull_df_node *n = run->node;
        struct hull_sh_cmd at = {0};

        for (size_t k = 0; k < n->nheredocs; k++)
                if (n->heredocs[k].body && n->heredocs[k].body_len == r->body_len &&
                    memcmp(n->heredocs[k].body, r->body, r->body_len) == 0)
                        return (struct hull_pos){n->heredocs[k].body_line, 1};
        at.off = r->body_off;
        return hull_lint_cmd_pos(run, &at);
}

/* curl -u user:password and friends. */
static void check_curl(struct hull_lint_ctx *c, struct hull_pos pos, const struct hull_sh_cmd *cmd,
                       size_t first) {
        struct hull_sh_args it;
        struct hull_sh_arg a;

        hull_sh_args_init_spec(&it, cmd, first, &hull_lint_curl_opts);
        while (hull_sh_args_next(&it, &a)) {
                const char *colon, *flag;
                char u[48], p[8];
                size_t ul;

                if (!a.value ||
                    !((a.kind == HULL_SH_ARG_SHORT && (a.opt == 'u' || a.opt == 'U')) ||
                      hull_lint_arg_long_is(&a, "user") || hull_lint_arg_long_is(&a, "proxy-user")))
                        continue;
                colon = memchr(a.value, ':', a.value_len);
                if (!colon)
                        continue; /* curl asks for the password */
                ul = (size_t)(colon - a.value);
                if (!literal_secret(c, colon + 1, a.value_len - ul - 1))
                        continue;
                if (a.kind == HULL_SH_ARG_SHORT)
                        flag = a.opt == 'u' ? "-u" : "-U";
                else
                        flag = hull_lint_arg_long_is(&a, "user") ? "--user" : "--proxy-user";
                hull_lint_report(c, pos, NULL,
                                 "curl %s passes a password on the command line (%s:%s)", flag,
                                 show_user(a.value, ul, u, sizeof(u)),
                                 mask(colon + 1, a.value_len - ul - 1, p));
        }
}

static void check_wget(struct hull_lint_ctx *c, struct hull_pos pos, const struct hull_sh_cmd *cmd,
                       size_t first) {
        static const char *const names[] = {"password", "http-password", "http-passwd",
                                            "ftp-password", "proxy-password"};
        struct hull_sh_args it;
        struct hull_sh_arg a;

        hull_sh_args_init_spec(&it, cmd, first, &hull_lint_wget_opts);
        while (hull_sh_args_next(&it, &a)) {
                char p[8];
                if (a.kind != HULL_SH_ARG_LONG || !a.value ||
                    !literal_secret(c, a.value, a.value_len))
                        continue;
                for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                        if (hull_lint_arg_long_is(&a, names[i]))
                                hull_lint_report(c, pos, NULL,
                                                 "wget --%s passes a password on the command "
                                                 "line (%s)",
                                                 names[i], mask(a.value, a.value_len, p));
        }
}

static void on_cmd(struct hull_lint_ctx *c, const struct hull_df_instr *run,
                   const struct hull_sh_cmd *cmd, void *ud) {
        struct hull_pos pos = hull_lint_cmd_pos(run, cmd);
        const char *name;
        size_t first = hull_lint_cmd_args(cmd, &name);
        char who[64];

        (void)ud;
        snprintf(who, sizeof(who), "%s", name[0] ? name : "an assignment");
        for (size_t i = 0; i < cmd->nassigns; i++)
                scan_text(c, pos, who, cmd->assigns[i].text, cmd->assigns[i].len);
        for (size_t i = 0; i < cmd->argc; i++)
                scan_text(c, pos, who, cmd->argv[i].text, cmd->argv[i].len);
        for (size_t i = 0; i < cmd->nredirs; i++)
                if (cmd->redirs[i].body)
                        scan_body(c, body_pos(run, &cmd->redirs[i]), cmd->redirs[i].body,
                                  cmd->redirs[i].body_len);
        if (strcmp(name, "curl") == 0)
                check_curl(c, pos, cmd, first);
        else if (strcmp(name, "wget") == 0)
                check_wget(c, pos, cmd, first);
}

/* Inline files of COPY and ADD (COPY <<EOF /etc/pip.conf), and the bodies
 * of a RUN the shell model could not read (RUN's scripts and the
 * here-documents its commands read are searched through the commands). */
static void check_heredocs(struct hull_lint_ctx *c, const struct hull_df_instr *in) {
        const struct hull_df_node *n = in->node;
        if (in->kind == HULL_DF_RUN && in->sh)
                return;
        for (size_t k = 0; k < n->nheredocs; k++)
                if (n->heredocs[k].body)
                        scan_body(c, (struct hull_pos){n->heredocs[k].body_line, 1},
                                  n->heredocs[k].body, n->heredocs[k].body_len);
}

static void check_add(struct hull_lint_ctx *c, const struct hull_df_instr *in) {
        const struct hull_df_node *n = in->node;
        for (size_t i = 0; i + 1 < n->nvalues; i++)
                scan_text(c, n->values[i].pos, "ADD", n->values[i].s, n->values[i].len);
}

static void check(struct hull_lint_ctx *c) {
        for (size_t s = 0; s < c->m->nstages; s++) {
                const struct hull_df_stage *st = &c->m->stages[s];
                hull_lint_each_cmd(c, st, on_cmd, NULL);
                for (size_t i = 0; i < st->ninstrs; i++) {
                        const struct hull_df_instr *in = st->instrs[i];
                        if (in->kind == HULL_DF_ADD)
                                check_add(c, in);
                        if (in->kind == HULL_DF_RUN || in->kind == HULL_DF_COPY ||
                            in->kind == HULL_DF_ADD)
                                check_heredocs(c, in);
                }
        }
}

const struct hull_rule hull_rule_HS3005 = {
        .id = "HS3005",
        .slug = "no-hardcoded-secrets",
        .severity = HULL_SEV_HIGH,
        .title = "Credentials in a URL or command line",
        .rationale = "A password or token written into a RUN or ADD stays in the Dockerfile, the "
                     "image history and the build cache, where anyone who can pull or read them "
                     "finds it.",
        .fix = "Pass the credential as a build secret (RUN --mount=type=secret,id=token ...) and "
               "read it from the file, or use a .netrc / credential helper mounted the same way",
        .hadolint = NULL,
        .trivy = NULL,
        .check = check,
};
