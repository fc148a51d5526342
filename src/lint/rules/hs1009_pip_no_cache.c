/* HS1009 minimal-packages: `pip install` without --no-cache-dir.
 *
 * pip keeps every wheel it downloads or builds in ~/.cache/pip; in an image
 * that cache is dead weight, often as large as the packages themselves.
 * Commands: pip, pip2, pip3, pip3.12..., and `python -m pip` (through sudo,
 * env...).  The cache counts as disabled when:
 *   - the command has --no-cache-dir, or an abbreviation pip's option parser
 *     takes for it (--no-cache, --no-ca);
 *   - PIP_NO_CACHE_DIR is set, as an assignment on the command
 *     (`PIP_NO_CACHE_DIR=1 pip install`, `env PIP_NO_CACHE_DIR=1 pip ...`),
 *     by an `export` earlier in the RUN, or by ENV/ARG in scope (including
 *     --build-arg).  pip disables the cache for any boolean value, "0" and
 *     "false" included (its documented backward-compatible behaviour), so
 *     any of y/yes/t/true/on/1/n/no/f/false/off/0 counts; other values make
 *     pip fail and do not;
 *   - the RUN has a cache or tmpfs --mount on a .cache/pip directory (or on
 *     .cache), or removes one later in the same RUN (rm, find -delete),
 *     or runs `pip cache purge` after it.
 * `pip install --upgrade pip` is reported like any other install: the pip
 * wheel it downloads stays in the cache the same way.  Only stages that end
 * up in the final image are checked. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

#define VAR "PIP_NO_CACHE_DIR"

static const char *const cache_dirs[] = {"/root/.cache/pip", "~/.cache/pip", "$HOME/.cache/pip",
                                         "${HOME}/.cache/pip", NULL};

/* pip, pip2, pip3, pip3.11 */
static bool is_pip(const char *name) {
        if (strncmp(name, "pip", 3) != 0)
                return false;
        for (name += 3; *name; name++)
                if (!isdigit((unsigned char)*name) && *name != '.')
                        return false;
        return true;
}

static bool is_pip_cmd(const struct hull_sh_cmd *cmd, const char *sub) {
        const struct hull_sh_word *w;
        return is_pip(hull_sh_cmd_name(cmd)) && (w = hull_sh_cmd_subcommand(cmd)) &&
               hull_sh_word_is(w, sub);
}

/* A value pip's strtobool accepts. */
static bool pip_bool(const char *v, size_t n) {
        static const char *const ok[] = {"y", "yes", "t", "true",  "on",  "1",
                                         "n", "no",  "f", "false", "off", "0"};
        for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
                if (strlen(ok[i]) == n && strncasecmp(v, ok[i], n) == 0)
                        return true;
        return false;
}

/* The word is PIP_NO_CACHE_DIR=<boolean>. */
static bool sets_var(const struct hull_sh_word *w) {
        size_t kl = sizeof(VAR) - 1;
        return w->len > kl && strncmp(w->text, VAR "=", kl + 1) == 0 &&
               pip_bool(w->text + kl + 1, w->len - kl - 1);
}

static bool has_no_cache_dir(const struct hull_sh_cmd *cmd) {
        struct hull_sh_args it;
        struct hull_sh_arg a;

        hull_sh_args_init(&it, cmd);
        while (hull_sh_args_next(&it, &a))
                if (a.kind == HULL_SH_ARG_LONG && a.name_len >= 5 && a.name_len <= 12 &&
                    strncmp(a.name, "no-cache-dir", a.name_len) == 0)
                        return true;
        return false;
}

/* The environment of command k of run disables pip's cache. */
static bool env_disables(const struct hull_df_stage *s, const struct hull_df_instr *run, size_t k) {
        const struct hull_sh_cmd *cmd = &run->sh->cmds[k];
        const struct hull_df_var *v;
        struct hull_sh_call call;

        for (size_t i = 0; i < cmd->nassigns; i++)
                if (sets_var(&cmd->assigns[i]))
                        return true;
        hull_sh_cmd_resolve(cmd, &call);
        for (size_t i = 0; i < call.argi && i < cmd->argc; i++) /* env VAR=1 pip ... */
                if (sets_var(&cmd->argv[i]))
                        return true;
        for (size_t j = 0; j < k; j++) {
                const struct hull_sh_cmd *e = &run->sh->cmds[j];
                if (e->argc && hull_sh_word_is(&e->argv[0], "export"))
                        for (size_t i = 1; i < e->argc; i++)
                                if (sets_var(&e->argv[i]))
                                        return true;
        }
        v = hull_lint_var_at(s, run, VAR);
        return v && v->value && pip_bool(v->value, v->value_len);
}

/* A cache or tmpfs mount on some .cache/pip or .cache directory. */
static bool cache_mounted(const struct hull_df_instr *run) {
        for (size_t i = 0; i < run->nflags; i++) {
                const char *t;
                size_t n;
                if (strcmp(run->flags[i].name, "mount") != 0 || !run->flags[i].value ||
                    !hull_lint_mount_cache_target(run->flags[i].value, &t, &n))
                        continue;
                while (n > 1 && t[n - 1] == '/')
                        n--;
                if ((n >= 11 && memcmp(t + n - 11, "/.cache/pip", 11) == 0) ||
                    (n >= 7 && memcmp(t + n - 7, "/.cache", 7) == 0))
                        return true;
        }
        return false;
}

static bool cleaned_after(const struct hull_df_instr *run, size_t k) {
        for (size_t j = k + 1; j < run->sh->ncmds; j++) {
                const struct hull_sh_cmd *cmd = &run->sh->cmds[j];
                const struct hull_sh_word *ops[2];
                if (is_pip_cmd(cmd, "cache") && hull_sh_cmd_args_nonopt(cmd, ops, 2) >= 2 &&
                    hull_sh_word_is(ops[1], "purge"))
                        return true;
                for (size_t d = 0; cache_dirs[d]; d++)
                        if (hull_lint_cmd_removes_path(cmd, cache_dirs[d]))
                                return true;
        }
        return false;
}

static void check(struct hull_lint_ctx *c) {
        for (size_t si = 0; si < c->m->nstages; si++) {
                const struct hull_df_stage *s = &c->m->stages[si];
                const struct hull_df_instr *run;

                if (!hull_lint_stage_is_final(c, si))
                        continue;
                HULL_LINT_FOREACH_RUN(s, run) {
                        if (!run->sh || cache_mounted(run))
                                continue;
                        for (size_t k = 0; k < run->sh->ncmds; k++) {
                                const struct hull_sh_cmd *cmd = &run->sh->cmds[k];
                                char pkgs[256];

                                if (!is_pip_cmd(cmd, "install") || has_no_cache_dir(cmd) ||
                                    env_disables(s, run, k) || cleaned_after(run, k))
                                        continue;
                                hull_lint_cmd_operands_str(cmd, 1, pkgs, sizeof(pkgs));
                                hull_lint_report(
                                        c, hull_lint_cmd_pos(run, cmd), NULL,
                                        "'%s install%s%s' runs without --no-cache-dir, so the "
                                        "downloaded wheels stay in ~/.cache/pip",
                                        hull_sh_cmd_name(cmd), pkgs[0] ? " " : "", pkgs);
                        }
                }
        }
}

const struct hull_rule hull_rule_HS1009 = {
        .id = "HS1009",
        .slug = "minimal-packages",
        .severity = HULL_SEV_LOW,
        .title = "pip install without --no-cache-dir",
        .rationale =
                "pip keeps every downloaded or built wheel in ~/.cache/pip, which ships in the "
                "layer and can be as large as the installed packages.",
        .fix = "Use pip install --no-cache-dir <packages>, or set ENV PIP_NO_CACHE_DIR=1",
        .hadolint = "DL3042",
        .trivy = NULL,
        .check = check,
};
