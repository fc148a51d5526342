/* common.c - helpers shared by lint rules. */
#include "lint/rules/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "basic/alloc.h"
#include "basic/str.h"

bool hull_lint_user_is_root(const char *user) {
        size_t n;
        if (!user)
                return true;
        n = strcspn(user, ":");
        if (n == 4 && strncmp(user, "root", 4) == 0)
                return true;
        if (n == 0)
                return false;
        for (size_t i = 0; i < n; i++)
                if (user[i] != '0')
                        return false;
        return true;
}

const struct hull_df_stage *hull_lint_root_stage(const struct hull_lint_ctx *c,
                                                 const struct hull_df_stage *s) {
        for (size_t hops = 0; s && s->base_stage != HULL_DF_NO_STAGE && hops <= c->m->nstages;
             hops++)
                s = &c->m->stages[s->base_stage];
        return s;
}

bool hull_lint_base_is_nonroot(const struct hull_lint_ctx *c, const struct hull_df_stage *s) {
        const struct hull_df_stage *r = hull_lint_root_stage(c, s);
        if (!r || !r->base_ref_ok)
                return false;
        if (r->ref.tag && strstr(r->ref.tag, "nonroot"))
                return true;
        return r->ref.domain && strcmp(r->ref.domain, "cgr.dev") == 0;
}

struct hull_pos hull_lint_cmd_pos(const struct hull_df_instr *run, const struct hull_sh_cmd *cmd) {
        const struct hull_df_node *n = run->node->inner ? run->node->inner : run->node;
        struct hull_pos p = n->cmd.pos;

        if (!cmd || !run->sh || n->nvalues == 0)
                return p;
        /* shell text is the RUN value (columns map through its position) or a heredoc body */
        if (n->nheredocs && run->sh->src && n->heredocs[0].body &&
            run->sh->len == n->heredocs[0].body_len &&
            memcmp(run->sh->src, n->heredocs[0].body, run->sh->len) == 0) {
                unsigned line = n->heredocs[0].body_line;
                for (size_t i = 0; i < cmd->off && i < run->sh->len; i++)
                        line += run->sh->src[i] == '\n';
                return (struct hull_pos){line, 1};
        }
        /* a shell-form RUN's value is its argument text: map through the line's segments */
        if (cmd->off <= n->values[0].len)
                return hull_df_node_pos(n, n->args_off + cmd->off);
        return n->values[0].pos;
}

struct hull_pos hull_lint_word_pos(const struct hull_df_instr *run, const struct hull_sh_word *w) {
        struct hull_sh_cmd tmp = {0};
        if (!w)
                return hull_lint_cmd_pos(run, NULL);
        tmp.off = w->off;
        return hull_lint_cmd_pos(run, &tmp);
}

static bool set_before(const struct hull_df_var *v, const struct hull_df_instr *at) {
        if (!v->instr)
                return true;
        if (v->instr->stage != at->stage)
                return true; /* inherited through FROM <stage>: an earlier stage */
        return v->instr->node->start_line < at->node->start_line;
}

const struct hull_df_var *hull_lint_var_at(const struct hull_df_stage *s,
                                           const struct hull_df_instr *at, const char *name) {
        for (size_t i = 0; i < s->nenv; i++)
                if (strcmp(s->env[i].name, name) == 0 && s->env[i].value &&
                    set_before(&s->env[i], at))
                        return &s->env[i];
        for (size_t i = 0; i < s->nargs; i++)
                if (strcmp(s->args[i].name, name) == 0 && set_before(&s->args[i], at))
                        return &s->args[i];
        return NULL;
}

const char *hull_lint_stage_label(const struct hull_df_stage *s, char *buf, size_t n) {
        if (s->name)
                snprintf(buf, n, "stage '%s'", s->name);
        else
                snprintf(buf, n, "stage %zu", s->index);
        return buf;
}

bool hull_lint_stage_pulls_image(const struct hull_df_stage *s) {
        return s && s->base_stage == HULL_DF_NO_STAGE && !s->base_scratch && s->base_ref_ok &&
               s->ref.name && !s->ref.scratch;
}

struct hull_pos hull_lint_from_image_pos(const struct hull_df_stage *s) {
        const struct hull_df_node *n = s->from->node;
        return n->nvalues ? n->values[0].pos : n->cmd.pos;
}

/* ---- package managers (HS1004-HS1011) ------------------------------------ */

bool hull_lint_cmd_in(const struct hull_sh_cmd *cmd, const char *const names[]) {
        const char *n = hull_sh_cmd_name(cmd);
        for (size_t i = 0; names[i]; i++)
                if (strcmp(n, names[i]) == 0)
                        return true;
        return false;
}

bool hull_lint_cmd_sub_in(const struct hull_sh_cmd *cmd, const char *const names[],
                          const char *const subs[]) {
        const struct hull_sh_word *w;
        if (!hull_lint_cmd_in(cmd, names) || !(w = hull_sh_cmd_subcommand(cmd)))
                return false;
        for (size_t i = 0; subs[i]; i++)
                if (hull_sh_word_is(w, subs[i]))
                        return true;
        return false;
}

/* Length of p[0..n) without trailing slashes and slash-stars. */
static size_t path_trim(const char *p, size_t n) {
        for (;;) {
                if (n >= 2 && p[n - 2] == '/' && p[n - 1] == '*')
                        n -= 2;
                else if (n >= 1 && p[n - 1] == '/')
                        n--;
                else
                        return n;
        }
}

/* p is dir or a directory above it (never "/"). */
static bool path_contains(const char *p, size_t n, const char *dir) {
        size_t dl = strlen(dir);
        n = path_trim(p, n);
        if (n == 0 || n > dl || memcmp(p, dir, n) != 0)
                return false;
        return n == dl || dir[n] == '/';
}

bool hull_lint_path_covers(const char *p, size_t n, const char *dir) {
        size_t dl = strlen(dir);
        if (path_contains(p, n, dir))
                return true;
        n = path_trim(p, n);
        return n > dl && memcmp(p, dir, dl) == 0 && (p[dl] == '/' || p[dl] == '*');
}

bool hull_lint_cmd_removes_path(const struct hull_sh_cmd *cmd, const char *dir) {
        struct hull_sh_call call;
        size_t i;

        hull_sh_cmd_resolve(cmd, &call);
        if (strcmp(call.name, "rm") == 0) {
                for (i = call.argi + 1; i < cmd->argc; i++) {
                        const struct hull_sh_word *w = &cmd->argv[i];
                        if (w->len && w->text[0] != '-' &&
                            hull_lint_path_covers(w->text, w->len, dir))
                                return true;
                }
                return false;
        }
        if (strcmp(call.name, "find") == 0) {
                bool covered = false;
                for (i = call.argi + 1; i < cmd->argc; i++) {
                        const struct hull_sh_word *w = &cmd->argv[i];
                        if (hull_sh_word_is(w, "-H") || hull_sh_word_is(w, "-L") ||
                            hull_sh_word_is(w, "-P"))
                                continue;
                        if (w->len && (w->text[0] == '-' || w->text[0] == '(' || w->text[0] == '!'))
                                break;
                        covered |= hull_lint_path_covers(w->text, w->len, dir);
                }
                for (; covered && i < cmd->argc; i++) {
                        const struct hull_sh_word *w = &cmd->argv[i];
                        if (hull_sh_word_is(w, "-delete"))
                                return true;
                        if ((hull_sh_word_is(w, "-exec") || hull_sh_word_is(w, "-execdir")) &&
                            i + 1 < cmd->argc &&
                            (hull_sh_word_is(&cmd->argv[i + 1], "rm") ||
                             hull_sh_word_is(&cmd->argv[i + 1], "/bin/rm")))
                                return true;
                }
        }
        return false;
}

bool hull_lint_run_removes_path(const struct hull_df_instr *run, size_t from, const char *dir) {
        for (size_t i = from; run->sh && i < run->sh->ncmds; i++)
                if (hull_lint_cmd_removes_path(&run->sh->cmds[i], dir))
                        return true;
        return false;
}

bool hull_lint_mount_cache_target(const char *spec, const char **ret_target, size_t *ret_len) {
        const char *target = NULL;
        size_t tlen = 0;
        bool cache = false;

        for (const char *p = spec; p && *p;) {
                size_t n = strcspn(p, ","), kl = strcspn(p, "=");
                const char *v = p + kl + 1;
                size_t vl = kl < n ? n - kl - 1 : 0;
                if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0]) {
                        v++;
                        vl -= 2;
                }
                if (kl < n && kl == 4 && strncmp(p, "type", 4) == 0)
                        cache = (vl == 5 && strncmp(v, "cache", 5) == 0) ||
                                (vl == 5 && strncmp(v, "tmpfs", 5) == 0);
                else if (kl < n && ((kl == 6 && strncmp(p, "target", 6) == 0) ||
                                    (kl == 3 && strncmp(p, "dst", 3) == 0) ||
                                    (kl == 11 && strncmp(p, "destination", 11) == 0))) {
                        target = v;
                        tlen = vl;
                }
                p += n + (p[n] == ',');
        }
        if (!cache || !target)
                return false;
        *ret_target = target;
        *ret_len = tlen;
        return true;
}

bool hull_lint_run_cache_mount(const struct hull_df_instr *run, const char *dir) {
        for (size_t i = 0; i < run->nflags; i++) {
                const char *t;
                size_t tl;
                if (strcmp(run->flags[i].name, "mount") == 0 && run->flags[i].value &&
                    hull_lint_mount_cache_target(run->flags[i].value, &t, &tl) &&
                    path_contains(t, tl, dir))
                        return true;
        }
        return false;
}

const char *hull_lint_word_var_value(const struct hull_df_stage *s, const struct hull_df_instr *at,
                                     const struct hull_sh_word *w, size_t *ret_len) {
        char name[128];
        const char *t = w->text;
        size_t n = w->len, b = 1, e = n;
        const struct hull_df_var *v;

        if (n < 2 || t[0] != '$')
                return NULL;
        if (t[1] == '{') {
                if (t[n - 1] != '}')
                        return NULL;
                b = 2;
                e = n - 1;
        }
        if (e <= b || e - b >= sizeof(name) || (t[b] >= '0' && t[b] <= '9'))
                return NULL;
        for (size_t i = b; i < e; i++) {
                char ch = t[i];
                if (!(ch == '_' || (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
                      (ch >= 'A' && ch <= 'Z')))
                        return NULL;
        }
        memcpy(name, t + b, e - b);
        name[e - b] = '\0';
        v = hull_lint_var_at(s, at, name);
        if (!v || !v->value)
                return NULL;
        *ret_len = v->value_len;
        return v->value;
}

const char *hull_lint_cmd_operands_str(const struct hull_sh_cmd *cmd, size_t skip, char *buf,
                                       size_t size) {
        const struct hull_sh_word *ops[8];
        size_t n = hull_sh_cmd_args_nonopt(cmd, ops, 8), l = 0;

        buf[0] = '\0';
        for (size_t i = skip; i < n && i < skip + 3 && i < 8 && l < size; i++)
                l += (size_t)snprintf(buf + l, size - l, "%s%.60s", i > skip ? " " : "",
                                      ops[i]->text);
        if (n > skip + 3 && l < size)
                snprintf(buf + l, size - l, " (and %zu more)", n - skip - 3);
        return buf;
}

/* ---- commands, options and file modes ------------------------------------ */

bool hull_lint_exec_cmd(const struct hull_df_instr *run, struct hull_lint_exec *ret) {
        const struct hull_df_node *n = run->node;
        size_t k;

        if (run->kind != HULL_DF_RUN || !n->json || n->nvalues == 0)
                return false;
        memset(&ret->cmd, 0, sizeof(ret->cmd));
        for (k = 0; k < n->nvalues && k < HULL_LINT_EXEC_MAX; k++)
                ret->words[k] = (struct hull_sh_word){
                        .text = n->values[k].s,
                        .len = n->values[k].len,
                        .raw = n->values[k].s,
                        .raw_len = n->values[k].len,
                        .quoted = true,
                };
        ret->cmd.argv = ret->words;
        ret->cmd.argc = k;
        ret->cmd.op_after = HULL_SH_OP_END;
        ret->cmd.pipe_from = HULL_SH_NONE;
        return true;
}

void hull_lint_each_cmd(struct hull_lint_ctx *c, const struct hull_df_stage *s,
                        hull_lint_cmd_fn *fn, void *ud) {
        const struct hull_df_instr *in;

        HULL_LINT_FOREACH_RUN(s, in) {
                struct hull_lint_exec ex;
                if (in->sh) {
                        for (size_t k = 0; k < in->sh->ncmds; k++)
                                fn(c, in, &in->sh->cmds[k], ud);
                } else if (hull_lint_exec_cmd(in, &ex)) {
                        fn(c, in, &ex.cmd, ud);
                }
        }
}

bool hull_lint_arg_long_is(const struct hull_sh_arg *a, const char *s) {
        return a->kind == HULL_SH_ARG_LONG && strlen(s) == a->name_len &&
               memcmp(a->name, s, a->name_len) == 0;
}

size_t hull_lint_cmd_args(const struct hull_sh_cmd *cmd, const char **ret_name) {
        struct hull_sh_call call;

        hull_sh_cmd_resolve(cmd, &call);
        if (ret_name)
                *ret_name = call.name;
        return call.argi < cmd->argc ? call.argi + 1 : cmd->argc;
}

/* chmod(1) classes: the bits a [ugoa] letter stands for. */
static unsigned mode_class(char ch) {
        switch (ch) {
        case 'u': return 04700;
        case 'g': return 02070;
        case 'o': return 01007;
        case 'a': return 07777;
        default: return 0;
        }
}

static unsigned mode_perm(char ch) {
        switch (ch) {
        case 'r': return 0444;
        case 'w': return 0222;
        case 'x': return 0111;
        case 's': return 06000;
        case 't': return 01000;
        default: return 0;
        }
}

bool hull_lint_mode_bits(const char *text, size_t len, unsigned umask, unsigned *ret_set) {
        unsigned set = 0;
        size_t i = 0;

        if (len == 0)
                return false;
        if (text[0] >= '0' && text[0] <= '7') {
                for (i = 0; i < len; i++) {
                        if (text[i] < '0' || text[i] > '7' || i >= 8)
                                return false;
                        set = (set << 3) | (unsigned)(text[i] - '0');
                }
                *ret_set = set & 07777;
                return true;
        }
        while (i < len) {
                unsigned who = 0;
                bool any_who = false;

                for (; i < len && mode_class(text[i]); i++) {
                        who |= mode_class(text[i]);
                        any_who = true;
                }
                if (i >= len || !strchr("+-=", text[i]))
                        return false;
                while (i < len && strchr("+-=", text[i])) {
                        char op = text[i++];
                        unsigned perms = 0, mask = any_who ? who : 07777;
                        bool copy = false;
                        for (; i < len && text[i] != ',' && !strchr("+-=", text[i]); i++) {
                                if (strchr("ugo", text[i]))
                                        copy = true;
                                else if (text[i] == 'X')
                                        continue;
                                else if (!mode_perm(text[i]))
                                        return false;
                                perms |= mode_perm(text[i]);
                        }
                        perms &= mask;
                        if (!any_who)
                                perms &= ~(umask & 0777);
                        if (copy)
                                perms = 0;
                        if (op == '=')
                                set &= ~(any_who ? who : 07777 & ~(umask & 0777));
                        if (op == '-')
                                set &= ~perms;
                        else
                                set |= perms;
                }
                if (i < len) {
                        if (text[i] != ',' || i + 1 == len)
                                return false;
                        i++;
                }
        }
        *ret_set = set;
        return true;
}

const struct hull_sh_optspec hull_lint_curl_opts = {
        "AbcCdDeEFHKmoPQrtTuUwxXyYz",
        HULL_LINT_STRV("output", "header", "data", "data-binary", "data-raw", "data-urlencode",
                       "data-ascii", "user", "proxy-user", "request", "user-agent", "referer",
                       "form", "form-string", "upload-file", "write-out", "proxy", "max-time",
                       "connect-timeout", "retry", "retry-delay", "retry-max-time", "cacert",
                       "capath", "cert", "key", "config", "range", "continue-at", "cookie",
                       "cookie-jar", "dump-header", "resolve", "connect-to", "limit-rate", "url",
                       "output-dir", "interface", "max-filesize", "netrc-file", "oauth2-bearer",
                       "proto", "proto-redir", "pinnedpubkey", "ciphers", "tls-max",
                       "expect100-timeout")};

const struct hull_sh_optspec hull_lint_wget_opts = {
        "oaeiBtOTwQPlARDXIU",
        HULL_LINT_STRV("output-document", "output-file", "append-output", "user-agent", "header",
                       "user", "password", "http-user", "http-password", "tries", "timeout",
                       "directory-prefix", "post-data", "post-file", "load-cookies", "save-cookies",
                       "referer", "ca-certificate", "ca-directory", "certificate", "private-key",
                       "input-file", "execute", "level", "ftp-user", "ftp-password", "proxy-user",
                       "proxy-password", "http-passwd")};

static const struct hull_sh_optspec chmod_opts = {"", HULL_LINT_STRV("reference")};
static const struct hull_sh_optspec mkdir_opts = {"m", HULL_LINT_STRV("mode")};
static const struct hull_sh_optspec install_opts = {
        "mogtS",
        HULL_LINT_STRV("mode", "owner", "group", "target-directory", "suffix", "strip-program")};

bool hull_lint_mode_cmd(const struct hull_sh_cmd *cmd, struct hull_lint_modecmd *ret) {
        struct hull_lint_modecmd m = {0};
        struct hull_sh_args it;
        struct hull_sh_arg a;
        const struct hull_sh_optspec *spec;
        struct hull_sh_call call;
        const char *name;
        size_t first;
        bool is_chmod;

        hull_sh_cmd_resolve(cmd, &call);
        name = call.name;
        first = call.argi < cmd->argc ? call.argi + 1 : cmd->argc;
        is_chmod = strcmp(name, "chmod") == 0;

        if (is_chmod)
                spec = &chmod_opts;
        else if (strcmp(name, "mkdir") == 0)
                spec = &mkdir_opts;
        else if (strcmp(name, "install") == 0)
                spec = &install_opts;
        else
                return false;
        m.tool = is_chmod ? "chmod" : spec == &mkdir_opts ? "mkdir" : "install";
        m.directory = spec == &mkdir_opts;
        m.xargs = (call.wrappers & HULL_SH_WRAP_XARGS) != 0;
        hull_sh_args_init_spec(&it, cmd, first, spec);
        while (hull_sh_args_next(&it, &a)) {
                if (a.kind == HULL_SH_ARG_OPERAND) {
                        if (is_chmod && !m.mode) {
                                m.mode_word = a.word;
                                m.mode = a.value;
                                m.mode_len = a.value_len;
                                continue;
                        }
                        if (m.nfiles < HULL_LINT_MODE_FILES)
                                m.files[m.nfiles] = a.word;
                        m.nfiles++;
                } else if (is_chmod && (a.opt == 'R' || hull_lint_arg_long_is(&a, "recursive"))) {
                        m.recursive = true;
                } else if (spec == &install_opts &&
                           (a.opt == 'd' || hull_lint_arg_long_is(&a, "directory"))) {
                        m.directory = true;
                } else if (is_chmod && hull_lint_arg_long_is(&a, "reference")) {
                        return false; /* modes copied from a file */
                } else if (!is_chmod && a.value &&
                           (a.opt == 'm' || hull_lint_arg_long_is(&a, "mode"))) {
                        m.mode_word = a.word;
                        m.mode = a.value;
                        m.mode_len = a.value_len;
                }
        }
        if (!m.mode)
                return false;
        *ret = m;
        return true;
}

/* rm's operand op deletes path: equal to it or a directory above it. */
static bool rm_deletes(const struct hull_sh_word *op, const char *path) {
        size_t n = op->len, pl = strlen(path);

        while (n > 1 && op->text[n - 1] == '/')
                n--;
        if (n == 0 || n > pl || memcmp(op->text, path, n) != 0)
                return false;
        if (n == 1 && op->text[0] == '/')
                return false; /* rm -rf / is not a cleanup */
        return n == pl || path[n] == '/';
}

bool hull_lint_run_deletes(const struct hull_df_instr *run, size_t from, const char *path) {
        static const struct hull_sh_optspec rm_opts = {"", NULL};

        for (size_t k = from; run->sh && k < run->sh->ncmds; k++) {
                const struct hull_sh_cmd *rm = &run->sh->cmds[k];
                struct hull_sh_args it;
                struct hull_sh_arg a;
                const char *name;
                size_t first = hull_lint_cmd_args(rm, &name);

                if (strcmp(name, "rm") != 0)
                        continue;
                hull_sh_args_init_spec(&it, rm, first, &rm_opts);
                while (hull_sh_args_next(&it, &a))
                        if (a.kind == HULL_SH_ARG_OPERAND && rm_deletes(a.word, path))
                                return true;
        }
        return false;
}

bool hull_lint_mode_cmd_deleted(const struct hull_df_instr *run, const struct hull_sh_cmd *cmd,
                                const struct hull_lint_modecmd *m) {
        size_t next;

        if (!run->sh || m->nfiles == 0 || m->nfiles > HULL_LINT_MODE_FILES || cmd < run->sh->cmds ||
            cmd >= run->sh->cmds + run->sh->ncmds)
                return false;
        next = (size_t)(cmd - run->sh->cmds) + 1;
        for (size_t i = 0; i < m->nfiles; i++)
                if (!hull_lint_run_deletes(run, next, m->files[i]->text))
                        return false;
        return true;
}

const char *hull_lint_mode_files(const struct hull_lint_modecmd *m, char *buf, size_t n) {
        size_t l = 0;

        if (n == 0)
                return buf;
        buf[0] = '\0';
        if (m->nfiles == 0) {
                snprintf(buf, n, "%s", m->xargs ? "the files xargs passes" : "(no file)");
                return buf;
        }
        for (size_t k = 0; k < m->nfiles && k < HULL_LINT_MODE_FILES; k++) {
                int w = snprintf(buf + l, n - l, "%s%s", k ? " " : "", m->files[k]->text);
                if (w < 0 || (size_t)w >= n - l) {
                        if (n > 4)
                                memcpy(buf + n - 4, "...", 4);
                        return buf;
                }
                l += (size_t)w;
        }
        if (m->nfiles > HULL_LINT_MODE_FILES)
                snprintf(buf + l, n - l, " ...");
        return buf;
}

const struct hull_df_flag *hull_lint_flag(const struct hull_df_instr *in, const char *name) {
        const struct hull_df_flag *f = NULL;
        for (size_t k = 0; k < in->nflags; k++)
                if (strcmp(in->flags[k].name, name) == 0)
                        f = &in->flags[k];
        return f;
}

/* A decimal port (1-5 digits, at most 65535) from s[0..n); -1 when not one. */
static long port_num(const char *s, size_t n) {
        long v = 0;
        if (n == 0 || n > 5)
                return -1;
        for (size_t i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -1;
                v = v * 10 + (s[i] - '0');
        }
        return v <= 65535 ? v : -1;
}

bool hull_lint_tcp_ports(const char *s, size_t n, unsigned *ret_lo, unsigned *ret_hi) {
        const char *slash = memchr(s, '/', n), *dash;
        long lo, hi;

        if (slash) {
                size_t pn = n - (size_t)(slash + 1 - s);
                if (pn != 3 || strncasecmp(slash + 1, "tcp", 3) != 0)
                        return false;
                n = (size_t)(slash - s);
        }
        /* the container port is after the last ':' */
        for (size_t i = n; i > 0; i--)
                if (s[i - 1] == ':') {
                        s += i;
                        n -= i;
                        break;
                }
        dash = memchr(s, '-', n);
        lo = port_num(s, dash ? (size_t)(dash - s) : n);
        hi = dash ? port_num(dash + 1, n - (size_t)(dash + 1 - s)) : lo;
        if (lo < 0 || hi < lo)
                return false;
        *ret_lo = (unsigned)lo;
        *ret_hi = (unsigned)hi;
        return true;
}

/* ---- secrets (HS3001-HS3004) ---------------------------------------------- */

bool hull_lint_secret_name(const char *name) {
        static const char *const ends[] = {
                "PASSWORD",      "PASSWD",        "PASSPHRASE",
                "SECRET",        "TOKEN",         "CREDENTIAL",
                "CREDENTIALS",   "APIKEY",        "SECRETKEY",
                "SECRETKEYBASE", "PRIVATEKEY",    "SECRETACCESSKEY",
                "MASTERKEY",     "ENCRYPTIONKEY", "SIGNINGKEY",
                "AUTHKEY",       "LICENSEKEY",    "SERVICEACCOUNTKEY",
        };
        char flat[128], last[128];
        size_t nf = 0, nl = 0, nwords = 0;
        bool in_word = false;

        if (!name)
                return false;
        /* flat: uppercase without separators; last: the last word */
        for (const char *p = name; *p; p++) {
                char ch = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
                if (ch == '_' || ch == '-' || ch == '.') {
                        in_word = false;
                        continue;
                }
                if (!in_word) {
                        nwords++;
                        nl = 0;
                        in_word = true;
                }
                if (nf + 1 >= sizeof(flat) || nl + 1 >= sizeof(last))
                        return false;
                flat[nf++] = ch;
                last[nl++] = ch;
        }
        flat[nf] = last[nl] = '\0';
        for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
                size_t l = strlen(ends[i]);
                if (nf >= l && strcmp(flat + nf - l, ends[i]) == 0)
                        return true;
        }
        if (nl >= 4 && strcmp(last + nl - 4, "PASS") == 0) {
                static const char *const not_pass[] = {
                        "BYPASS",   "COMPASS",  "ENCOMPASS", "SURPASS",
                        "TRESPASS", "OVERPASS", "UNDERPASS", "KEEPASS",
                };
                for (size_t i = 0; i < sizeof(not_pass) / sizeof(not_pass[0]); i++)
                        if (strcmp(last, not_pass[i]) == 0)
                                return false;
                return true;
        }
        return nwords > 1 && strcmp(last, "PWD") == 0;
}

const char *hull_lint_mask(const char *s, size_t n, char *buf, size_t size) {
        size_t k = 0;
        if (n >= 6 && size >= 6)
                for (; k < 2; k++)
                        buf[k] = s[k] > ' ' && s[k] < 0x7f ? s[k] : '?';
        snprintf(buf + k, size - k, "***");
        return buf;
}

bool hull_lint_only_refs(const char *raw, size_t n) {
        size_t i = 0;
        if (n >= 2 && (raw[0] == '"' || raw[0] == '\'') && raw[n - 1] == raw[0]) {
                raw++;
                n -= 2;
        }
        if (n == 0)
                return false;
        while (i < n) {
                if (raw[i] != '$' || i + 1 >= n)
                        return false;
                i++;
                if (raw[i] == '{') {
                        unsigned depth = 0;
                        for (; i < n; i++) {
                                depth += raw[i] == '{';
                                depth -= raw[i] == '}';
                                if (depth == 0)
                                        break;
                        }
                        if (i >= n)
                                return false;
                        i++;
                } else if (raw[i] == '_' || (raw[i] >= 'A' && raw[i] <= 'Z') ||
                           (raw[i] >= 'a' && raw[i] <= 'z')) {
                        while (i < n && (raw[i] == '_' || (raw[i] >= 'A' && raw[i] <= 'Z') ||
                                         (raw[i] >= 'a' && raw[i] <= 'z') ||
                                         (raw[i] >= '0' && raw[i] <= '9')))
                                i++;
                } else {
                        return false;
                }
        }
        return true;
}

const char *hull_lint_squeeze(const char *s, size_t n, char *buf, size_t size) {
        size_t o = 0;
        bool space = false;

        if (!size)
                return buf;
        for (size_t i = 0; s && i < n; i++) {
                bool ws = s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r';
                if (ws) {
                        space = o > 0;
                        continue;
                }
                if (o + (space ? 1 : 0) + 1 >= size) {
                        if (size >= 4) {
                                o = o + 3 < size ? o : size - 4;
                                memcpy(buf + o, "...", 3);
                                o += 3;
                        }
                        break;
                }
                if (space)
                        buf[o++] = ' ';
                space = false;
                buf[o++] = s[i];
        }
        buf[o < size ? o : size - 1] = '\0';
        return buf;
}

bool hull_lint_seen_add(struct hull_lint_seen *s, const char *p, size_t n) {
        uint64_t h = 14695981039346656037ull;
        for (size_t i = 0; i < n; i++)
                h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
        for (size_t i = 0; i < s->n; i++)
                if (s->h[i] == h)
                        return false;
        if (s->n == HULL_LINT_SEEN_MAX)
                return false;
        s->h[s->n++] = h;
        return true;
}

bool hull_lint_has_word(const char *s, const char *const words[]) {
        for (const char *p = s; *p;) {
                size_t l = strcspn(p, "-_./ ");
                for (size_t i = 0; words[i]; i++)
                        if (l == strlen(words[i]) && strncasecmp(p, words[i], l) == 0)
                                return true;
                p += l;
                if (*p)
                        p++;
        }
        return false;
}

bool hull_lint_env_template(const char *name) {
        static const char *const suffixes[] = {".example",  ".sample",  ".template", ".dist",
                                               ".defaults", ".default", ".tmpl",     ".tpl"};
        for (size_t i = 0; i < ELEMENTSOF(suffixes); i++)
                if (hull_endswith(name, suffixes[i]))
                        return true;
        return false;
}

const struct hull_df_flag *hull_lint_run_flag_is(const struct hull_df_instr *in, const char *name,
                                                 const char *value) {
        const struct hull_df_flag *f;
        bool run = in->kind == HULL_DF_RUN || (in->kind == HULL_DF_ONBUILD && in->node->inner &&
                                               in->node->inner->kind == HULL_DF_RUN);

        if (!run || !(f = hull_lint_flag(in, name)) || !f->value || strcmp(f->value, value) != 0)
                return NULL;
        return f;
}

void hull_lint_each_final_cmd_and_copy(struct hull_lint_ctx *c, hull_lint_cmd_fn *on_cmd,
                                       void (*on_copy)(struct hull_lint_ctx *c,
                                                       const struct hull_df_instr *in)) {
        for (size_t s = 0; s < c->m->nstages; s++) {
                const struct hull_df_stage *st = &c->m->stages[s];
                if (!hull_lint_stage_is_final(c, s))
                        continue;
                hull_lint_each_cmd(c, st, on_cmd, NULL);
                for (size_t i = 0; i < st->ninstrs; i++)
                        if (st->instrs[i]->kind == HULL_DF_COPY ||
                            st->instrs[i]->kind == HULL_DF_ADD)
                                on_copy(c, st->instrs[i]);
        }
}
