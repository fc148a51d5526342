/* curlpipe.c - downloads run as code (curlpipe.h). */
#include <string.h>

#include "basic/alloc.h"
#include "lint/curlpipe.h"

enum kind { K_NONE, K_SHELL, K_INTERP, K_EVAL, K_SOURCE };
enum prog { P_NONE, P_STDIN, P_WORD };

/* name is base, or base followed by a version (python3, python3.12). */
static bool versioned_is(const char *name, const char *base) {
        size_t n = strlen(base);
        return strncmp(name, base, n) == 0 && name[n + strspn(name + n, "0123456789.")] == 0;
}

/* What kind of runner name is; *ret_code gets an interpreter's code-option letters. */
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

/* Where a shell's program comes from (sh [-opts] [-c string | -s | file] args). */
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

/* Where an interpreter's program comes from: a code option's value, a script
 * operand, or stdin. */
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
                if (strcmp(t, "--eval") == 0 || strcmp(t, "--print") == 0) {
                        *ret_word = i + 1;
                        return i + 1 < cmd->argc ? P_WORD : P_NONE;
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

/* The download command cmd runs (curl, wget, fetch, busybox wget), or NULL. */
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

static const struct hull_sh_word *url_of(const struct hull_sh_cmd *cmd) {
        for (size_t i = 1; i < cmd->argc; i++)
                if (strstr(cmd->argv[i].text, "://"))
                        return &cmd->argv[i];
        for (size_t i = 1; i < cmd->argc; i++)
                if (cmd->argv[i].text[0] == '$')
                        return &cmd->argv[i];
        return NULL;
}

/* A download piped (directly or through filters) into cmds[k]; NULL if none. */
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

/* A download whose output a substitution at the start of word w captures; NULL if none. */
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

static void hit(const struct hull_sh_cmd *cmd, const char *name, const struct hull_sh_cmd *dl,
                bool piped, hull_curlpipe_fn *fn, void *ud) {
        const struct hull_curlpipe_hit h = {
                .runner = cmd,
                .runner_name = name,
                .download = dl,
                .tool = download(dl),
                .url = url_of(dl),
                .piped = piped,
        };
        fn(&h, ud);
}

void hull_curlpipe_find(const struct hull_sh_script *sh, hull_curlpipe_fn *fn, void *ud) {
        for (size_t k = 0; k < sh->ncmds; k++) {
                const struct hull_sh_cmd *cmd = &sh->cmds[k], *dl = NULL;
                const char *code = "", *name;
                struct hull_sh_call call;
                enum prog p = P_NONE;
                size_t w = 0, argi;

                hull_sh_cmd_resolve(cmd, &call);
                name = call.name;
                argi = call.argi;
                if (strcmp(name, "busybox") == 0 && argi + 1 < cmd->argc) {
                        name = cmd->argv[argi + 1].text;
                        argi++;
                }
                switch (runner(name, &code)) {
                case K_NONE: continue;
                case K_SHELL: p = shell_prog(cmd, argi, &w); break;
                case K_INTERP: p = interp_prog(cmd, argi, code, &w); break;
                case K_SOURCE:
                        w = argi + 1;
                        p = w < cmd->argc ? P_WORD : P_NONE;
                        break;
                case K_EVAL:
                        for (size_t i = argi + 1; i < cmd->argc && !dl; i++)
                                dl = subst_download(sh, &cmd->argv[i]);
                        break;
                }
                if (p == P_WORD && (hull_sh_word_is(&cmd->argv[w], "/dev/stdin") ||
                                    hull_sh_word_is(&cmd->argv[w], "-")))
                        p = P_STDIN;
                if (p == P_STDIN && (dl = piped_download(sh, k))) {
                        hit(cmd, name, dl, true, fn, ud);
                        continue;
                }
                if (p == P_WORD)
                        dl = subst_download(sh, &cmd->argv[w]);
                if (dl)
                        hit(cmd, name, dl, false, fn, ud);
        }
}
