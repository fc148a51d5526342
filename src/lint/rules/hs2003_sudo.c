/* HS2003 non-root-user: sudo (or doas) in RUN.
 *
 * Every stage: a simple command whose program is sudo or doas, directly
 * (`sudo apt-get ...`, `/usr/bin/sudo -E make`, `sudo -v`) or behind other
 * wrappers (`env X=1 sudo ...`, `xargs sudo rm`), in shell-form RUN,
 * `RUN <<EOF` scripts and exec-form RUN (["sudo", ...]).  The shell model's
 * resolver tells a sudo wrapper (HULL_SH_WRAP_SUDO); its command name is
 * what sudo runs, so the word itself is looked for among the wrappers.
 * Installing sudo (`apt-get install sudo`), `command -v sudo` and writing
 * /etc/sudoers are not commands run through sudo and are not reported. */
#include <string.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

static bool is_sudo_word(const struct hull_sh_word *w) {
        const char *b = w->text, *slash = strrchr(w->text, '/');
        if (slash)
                b = slash + 1;
        return strcmp(b, "sudo") == 0 || strcmp(b, "doas") == 0;
}

static void on_cmd(struct hull_lint_ctx *c, const struct hull_df_instr *run,
                   const struct hull_sh_cmd *cmd, void *ud) {
        struct hull_sh_call call;
        const struct hull_sh_word *w = NULL;

        (void)ud;
        hull_sh_cmd_resolve(cmd, &call);
        if (!(call.wrappers & HULL_SH_WRAP_SUDO) && strcmp(call.name, "sudo") != 0 &&
            strcmp(call.name, "doas") != 0)
                return;
        for (size_t i = 0; i <= call.argi && i < cmd->argc && !w; i++)
                if (is_sudo_word(&cmd->argv[i]))
                        w = &cmd->argv[i];
        if (!w)
                return;
        if (call.argi < cmd->argc && !is_sudo_word(&cmd->argv[call.argi]))
                hull_lint_report(
                        c, hull_lint_cmd_pos(run, cmd), NULL,
                        "%s runs %s: RUN already runs as the stage's USER; switch with USER "
                        "instead",
                        w->text, call.name);
        else
                hull_lint_report(c, hull_lint_cmd_pos(run, cmd), NULL,
                                 "%s is used in RUN: switch users with USER instead", w->text);
}

static void check(struct hull_lint_ctx *c) {
        for (size_t i = 0; i < c->m->nstages; i++)
                hull_lint_each_cmd(c, &c->m->stages[i], on_cmd, NULL);
}

const struct hull_rule hull_rule_HS2003 = {
        .id = "HS2003",
        .slug = "non-root-user",
        .severity = HULL_SEV_MEDIUM,
        .title = "sudo in RUN",
        .rationale =
                "sudo in a build hides which user a step really runs as, needs a sudoers entry "
                "(a privilege escalation path left in the image) and behaves unpredictably "
                "without a TTY.",
        .fix = "Use USER root before the step and USER <uid> after it (or gosu/su-exec in an "
               "entrypoint), and do not install sudo",
        .hadolint = "DL3004",
        .trivy = NULL,
        .check = check,
};
