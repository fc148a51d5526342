/* HS1018 run-cd: `cd` in RUN to set the directory for the commands after it.
 *
 * hadolint's DL3003, on the shell model: a `cd` at the top level of a RUN
 * (depth 0, so not inside `( cd x && make )`, `{ ...; }` or `$( )`) that is
 * followed by another command in the same RUN.  Reported once per RUN, at
 * the first such `cd`.  Not flagged: a `cd` that is the RUN's last command;
 * `cd -`, `cd /` and `cd ..` (going back); `cd` into a directory made up by a
 * command substitution (`cd "$(mktemp -d)"`) or a glob (`cd node-v*`),
 * which no WORKDIR could name; `cd` into a scratch directory: under /tmp or
 * /var/tmp, or removed by a later `rm` of the same RUN (the build-from-source
 * idiom `cd /usr/src/x; make install; cd /; rm -rf /usr/src/x`), where a
 * WORKDIR would be the wrong advice. */
#include <string.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

static bool has_cmd_subst(const struct hull_sh_word *w) {
        for (size_t i = 0; i < w->raw_len; i++)
                if (w->raw[i] == '`' ||
                    (w->raw[i] == '$' && i + 1 < w->raw_len && w->raw[i + 1] == '('))
                        return true;
        return false;
}

/* The directory operand of a cd command, or NULL when none qualifies. */
static const struct hull_sh_word *cd_target(const struct hull_sh_cmd *cmd) {
        struct hull_sh_call call;
        hull_sh_cmd_resolve(cmd, &call);
        for (size_t i = call.argi + 1; i < cmd->argc; i++) {
                const struct hull_sh_word *w = &cmd->argv[i];
                if (w->len > 1 && w->text[0] == '-' && !w->quoted)
                        continue; /* -P, -L */
                if (hull_sh_word_is(w, "-") || hull_sh_word_is(w, "/") ||
                    hull_sh_word_is(w, "..") || has_cmd_subst(w) ||
                    memchr(w->raw, '*', w->raw_len) || memchr(w->raw, '?', w->raw_len))
                        return NULL;
                return w;
        }
        return NULL;
}

static size_t trim_slashes(const char *s, size_t n) {
        while (n > 1 && s[n - 1] == '/')
                n--;
        return n;
}

/* A scratch directory: under /tmp or /var/tmp, or removed later in the RUN
 * (`rm -rf` of it or of a directory above it, written the same way); a
 * WORKDIR there would outlive the RUN for nothing. */
static bool scratch_dir(const struct hull_sh_script *sh, size_t i, const struct hull_sh_word *dir) {
        size_t dl = trim_slashes(dir->text, dir->len);

        if (!strncmp(dir->text, "/tmp/", 5) || !strcmp(dir->text, "/tmp") ||
            !strncmp(dir->text, "/var/tmp/", 9))
                return true;
        for (size_t j = i + 1; j < sh->ncmds; j++) {
                const struct hull_sh_cmd *cmd = &sh->cmds[j];
                struct hull_sh_call call;
                hull_sh_cmd_resolve(cmd, &call);
                if (strcmp(call.name, "rm") != 0)
                        continue;
                for (size_t k = call.argi + 1; k < cmd->argc; k++) {
                        const struct hull_sh_word *w = &cmd->argv[k];
                        size_t wl = trim_slashes(w->text, w->len);
                        if (!wl || w->text[0] == '-' || (wl == 1 && w->text[0] == '/'))
                                continue;
                        if (wl <= dl && !memcmp(w->text, dir->text, wl) &&
                            (wl == dl || dir->text[wl] == '/'))
                                return true;
                }
        }
        return false;
}

static void check_run(struct hull_lint_ctx *c, const struct hull_df_instr *run) {
        const struct hull_sh_script *sh = run->sh;

        for (size_t i = 0; i < sh->ncmds; i++) {
                const struct hull_sh_cmd *cmd = &sh->cmds[i];
                const struct hull_sh_word *dir;
                bool more = false;

                if (cmd->depth != 0 || cmd->in_subst || !hull_sh_cmd_is(cmd, "cd") ||
                    !(dir = cd_target(cmd)))
                        continue;
                for (size_t j = i + 1; j < sh->ncmds && !more; j++)
                        more = sh->cmds[j].argc > 0;
                if (!more || scratch_dir(sh, i, dir))
                        continue;
                hull_lint_report(
                        c, hull_lint_cmd_pos(run, cmd), NULL,
                        "'cd %s' changes directory for the rest of the RUN; use WORKDIR %s instead",
                        dir->text, dir->text);
                return;
        }
}

static void check(struct hull_lint_ctx *c) {
        for (size_t si = 0; si < c->m->nstages; si++) {
                const struct hull_df_stage *s = &c->m->stages[si];
                const struct hull_df_instr *run;
                HULL_LINT_FOREACH_RUN(s, run) {
                        if (run->sh)
                                check_run(c, run);
                }
        }
}

const struct hull_rule hull_rule_HS1018 = {
        .id = "HS1018",
        .slug = "other",
        .severity = HULL_SEV_INFO,
        .title = "cd in RUN instead of WORKDIR",
        .rationale = "A cd inside RUN only lasts for that RUN; WORKDIR states the directory once, "
                     "creates it if needed, and keeps the following instructions readable.",
        .fix = "Set the directory with WORKDIR /path before the RUN (or use absolute paths)",
        .hadolint = "DL3003",
        .trivy = "DS013",
        .check = check,
};
