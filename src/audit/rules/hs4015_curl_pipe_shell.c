/* HS4015 other: a download piped into a shell, seen in the image history.
 *
 * The RUN entries of the history (common.h: "RUN /bin/sh -c ... # buildkit",
 * "/bin/sh -c ...", "|1 A=b /bin/sh -c ...", SHELL prefixes too) are read
 * with the shell model (dockerfile/shell.h), as hullscan lint's HS2008
 * reads a Dockerfile's RUN:
 *   curl ... | sh        wget -qO- ... | sudo bash -s -- -y
 *   curl ... | python3   curl ... | gunzip | perl     (any earlier command of the pipeline)
 *   bash <(curl ...)     sh -c "$(curl ...)"   eval "$(wget -O- ...)"   source <(curl ...)
 * The download is curl, wget or fetch (busybox wget too); the runner a
 * shell (sh, bash, dash, zsh, ksh, ash, mksh, busybox sh) or an interpreter
 * (python*, pypy*, perl, ruby, node, php) reading its program from stdin
 * (no script operand, no -c/-e code, or "-" or /dev/stdin), or whose
 * program word is a substitution running the download.  Data piped into a
 * program given with -c/-e (`curl api | python3 -c 'import json...'`) is
 * not flagged, nor a download saved to a file and run. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/common.h"
#include "basic/err.h"
#include "dockerfile/shell.h"

enum kind { K_NONE, K_SHELL, K_INTERP, K_EVAL, K_SOURCE };
enum prog { P_NONE, P_STDIN, P_WORD };

static bool versioned_is(const char *name, const char *base) {
        size_t n = strlen(base);
        return strncmp(name, base, n) == 0 && name[n + strspn(name + n, "0123456789.")] == 0;
}

static enum kind runner(const char *name, const char **ret_code) {
        static const char *const shells[] = {"sh", "bash", "dash", "zsh", "ksh", "ash", "mksh"};
        static const struct {
                const char *name, *code;
        } interps[] = {{"python", "cm"}, {"pypy", "cm"},   {"perl", "eE"}, {"ruby", "e"},
                       {"node", "ep"},   {"nodejs", "ep"}, {"php", "rf"}};

        for (size_t i = 0; i < ELEMENTSOF(shells); i++)
                if (strcmp(name, shells[i]) == 0)
                        return K_SHELL;
        for (size_t i = 0; i < ELEMENTSOF(interps); i++)
                if (versioned_is(name, interps[i].name)) {
                        *ret_code = interps[i].code;
                        return K_INTERP;
                }
        if (strcmp(name, "eval") == 0)
                return K_EVAL;
        if (strcmp(name, "source") == 0 || strcmp(name, ".") == 0)
                return K_SOURCE;
        return K_NONE;
}

/* sh [-opts] [-c string | -s | file] args */
static enum prog shell_prog(const struct hull_sh_cmd *cmd, size_t argi, size_t *ret_word) {
        bool c_opt = false, s_opt = false;
        size_t i;

        for (i = argi + 1; i < cmd->argc; i++) {
                const char *t = cmd->argv[i].text;
                if (strcmp(t, "--") == 0 || strcmp(t, "-") == 0) {
                        i++;
                        break;
                }
                if (t[0] == '-' && t[1] == '-') {
                        if (strcmp(t, "--rcfile") == 0 || strcmp(t, "--init-file") == 0)
                                i++;
                        continue;
                }
                if ((t[0] == '-' || t[0] == '+') && t[1]) {
                        c_opt |= strchr(t + 1, 'c') != NULL;
                        s_opt |= strchr(t + 1, 's') != NULL;
                        if (strchr(t + 1, 'o') || strchr(t + 1, 'O'))
                                i++;
                        continue;
                }
                break;
        }
        if (c_opt) {
                *ret_word = i;
                return i < cmd->argc ? P_WORD : P_NONE;
        }
        if (s_opt || i >= cmd->argc)
                return P_STDIN;
        *ret_word = i;
        return P_WORD;
}

/* An interpreter's program: a code option's value, a script operand, or stdin. */
static enum prog interp_prog(const struct hull_sh_cmd *cmd, size_t argi, const char *code,
                             size_t *ret_word) {
        for (size_t i = argi + 1; i < cmd->argc; i++) {
                const char *t = cmd->argv[i].text;
                if (strcmp(t, "-") == 0)
                        return P_STDIN;
                if (strcmp(t, "--") == 0) {
                        *ret_word = i + 1;
                        return i + 1 < cmd->argc ? P_WORD : P_STDIN;
                }
                if (t[0] != '-') {
                        *ret_word = i;
                        return P_WORD;
                }
                if (t[1] == '-')
                        continue;
                for (const char *l = t + 1; *l; l++)
                        if (strchr(code, *l)) {
                                if (l[1] || *l == 'm')
                                        return P_NONE; /* code attached, or python -m */
                                *ret_word = i + 1;
                                return i + 1 < cmd->argc ? P_WORD : P_NONE;
                        }
        }
        return P_STDIN;
}

static const char *download(const struct hull_sh_cmd *cmd) {
        struct hull_sh_call call;

        hull_sh_cmd_resolve(cmd, &call);
        if (strcmp(call.name, "busybox") == 0 && call.argi + 1 < cmd->argc &&
            hull_sh_word_is(&cmd->argv[call.argi + 1], "wget"))
                return "wget";
        if (strcmp(call.name, "curl") == 0 || strcmp(call.name, "wget") == 0 ||
            strcmp(call.name, "fetch") == 0)
                return call.name;
        return NULL;
}

static const struct hull_sh_cmd *piped_download(const struct hull_sh_script *sh, size_t k) {
        for (size_t hops = 0; hops < sh->ncmds && sh->cmds[k].piped_from_prev &&
                              sh->cmds[k].pipe_from != HULL_SH_NONE && sh->cmds[k].pipe_from < k;
             hops++) {
                k = sh->cmds[k].pipe_from;
                if (download(&sh->cmds[k]))
                        return &sh->cmds[k];
        }
        return NULL;
}

static const struct hull_sh_cmd *subst_download(const struct hull_sh_script *sh,
                                                const struct hull_sh_word *w) {
        if (strncmp(w->text, "$(", 2) != 0 && strncmp(w->text, "<(", 2) != 0 && w->text[0] != '`')
                return NULL;
        for (size_t k = 0; k < sh->ncmds; k++) {
                const struct hull_sh_cmd *d = &sh->cmds[k];
                if (d->in_subst && d->off >= w->off && d->off < w->off + w->raw_len && download(d))
                        return d;
        }
        return NULL;
}

/* The URL the download fetches, masked credentials aside: the first
 * argument holding "://", else the first expansion, else NULL. */
static const struct hull_sh_word *url_of(const struct hull_sh_cmd *cmd) {
        for (size_t i = 1; i < cmd->argc; i++)
                if (strstr(cmd->argv[i].text, "://"))
                        return &cmd->argv[i];
        for (size_t i = 1; i < cmd->argc; i++)
                if (cmd->argv[i].text[0] == '$')
                        return &cmd->argv[i];
        return NULL;
}

static void report(struct hull_audit_ctx *c, const struct hull_audit_where *w,
                   const struct hull_sh_cmd *dl, const char *runner_name, bool piped) {
        const struct hull_sh_word *u = url_of(dl);
        char tmp[256], url[256];

        if (u) {
                /* no credentials in messages: user-info and tokens masked */
                const char *sep = strstr(u->text, "://"), *at = sep ? strchr(sep, '@') : NULL;
                const char *slash = sep ? strchr(sep + 3, '/') : NULL;
                if (at && (!slash || at < slash))
                        snprintf(tmp, sizeof(tmp), "%.*s***%s", (int)(sep + 3 - u->text), u->text,
                                 at);
                else
                        snprintf(tmp, sizeof(tmp), "%s", u->text);
                hull_audit_redact_str(c, tmp, url, sizeof(url));
        }
        if (u && piped)
                hull_audit_report(c, w, NULL,
                                  "'%s' is downloaded by %s and piped into %s, which runs it "
                                  "unverified",
                                  url, download(dl), runner_name);
        else if (piped)
                hull_audit_report(c, w, NULL,
                                  "%s output is piped into %s, which runs it unverified",
                                  download(dl), runner_name);
        else if (u)
                hull_audit_report(c, w, NULL,
                                  "'%s' is downloaded by %s and run by %s from a substitution, "
                                  "unverified",
                                  url, download(dl), runner_name);
        else
                hull_audit_report(c, w, NULL,
                                  "%s output is run by %s from a substitution, unverified",
                                  download(dl), runner_name);
}

static void check_script(struct hull_audit_ctx *c, const struct hull_audit_where *w,
                         const struct hull_sh_script *sh) {
        for (size_t k = 0; k < sh->ncmds; k++) {
                const struct hull_sh_cmd *cmd = &sh->cmds[k], *dl = NULL;
                const char *code = "", *name;
                struct hull_sh_call call;
                enum prog p = P_NONE;
                size_t wi = 0, argi;

                hull_sh_cmd_resolve(cmd, &call);
                name = call.name;
                argi = call.argi;
                if (strcmp(name, "busybox") == 0 && argi + 1 < cmd->argc) {
                        name = cmd->argv[argi + 1].text;
                        argi++;
                }
                switch (runner(name, &code)) {
                case K_NONE: continue;
                case K_SHELL: p = shell_prog(cmd, argi, &wi); break;
                case K_INTERP: p = interp_prog(cmd, argi, code, &wi); break;
                case K_SOURCE:
                        wi = argi + 1;
                        p = wi < cmd->argc ? P_WORD : P_NONE;
                        break;
                case K_EVAL:
                        for (size_t i = argi + 1; i < cmd->argc && !dl; i++)
                                dl = subst_download(sh, &cmd->argv[i]);
                        break;
                }
                if (p == P_WORD && (hull_sh_word_is(&cmd->argv[wi], "/dev/stdin") ||
                                    hull_sh_word_is(&cmd->argv[wi], "-")))
                        p = P_STDIN;
                if (p == P_STDIN && (dl = piped_download(sh, k))) {
                        report(c, w, dl, name, true);
                        continue;
                }
                if (p == P_WORD)
                        dl = subst_download(sh, &cmd->argv[wi]);
                if (dl)
                        report(c, w, dl, name, false);
        }
}

static void audit(struct hull_audit_ctx *c) {
        struct hull_audit_hist *h = hull_arena_alloc(c->arena, sizeof(*h));

        if (!h) {
                c->err = HULL_ENOMEM;
                return;
        }
        for (size_t i = 0; i < c->config->nhistory && !c->err; i++) {
                const struct hull_oci_history *e = &c->config->history[i];
                struct hull_arena a = HULL_ARENA_INIT;
                struct hull_audit_where w = {0};
                struct hull_sh_script sh;
                char field[64];

                hull_audit_hist_parse(e->created_by, h);
                if (!h->instr || strcmp(h->instr, "RUN") != 0)
                        continue;
                snprintf(field, sizeof(field), "history[%zu].created_by", i);
                w.field = field;
                if (e->layer >= 0 && (size_t)e->layer < c->img->nlayers) {
                        w.has_layer = true;
                        w.layer = (unsigned)e->layer;
                }
                if (hull_sh_parse(&a, h->args, h->args_len, &sh, NULL) == HULL_OK)
                        check_script(c, &w, &sh);
                hull_arena_release(&a);
        }
}

const struct hull_rule hull_rule_HS4015 = {
        .id = "HS4015",
        .slug = "other",
        .severity = HULL_SEV_HIGH,
        .title = "Image built by piping a download into a shell",
        .rationale = "curl | sh ran whatever the server sent at build time, with no version, "
                     "checksum or signature: the image holds code nobody reviewed.",
        .fix = "Rebuild downloading to a file and verifying its sha256 before running it, or "
               "install a pinned package instead",
        .hadolint = NULL,
        .trivy = NULL,
        .audit = audit,
};
