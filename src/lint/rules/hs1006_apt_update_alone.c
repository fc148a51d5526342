/* HS1006 minimal-packages: `apt-get update` alone in its RUN.
 *
 * The build cache keys a RUN on its text: `RUN apt-get update` is reused as
 * long as the line does not change, so a later `RUN apt-get install x`
 * installs from lists that may be months old (missing security updates, or
 * 404s for versions long gone).  The update must share its RUN with what it
 * installs.  A RUN counts as installing when, after its last update, it runs
 * apt-get/apt/aptitude install (or upgrade, build-dep, satisfy...), or
 * something that may install behind our back: a shell or script (sh, bash,
 * ./setup.sh, /tmp/x, anything ending in .sh; not
 * /bin/, /usr/bin/... binaries), eval/source, a command whose
 * name is a variable, or a known apt front end (install_packages, apt-fast,
 * nala, debconf-apt-progress, install-packages).  A RUN that removes the
 * lists again after the update (rm, find -delete, apt-get dist-clean) leaves
 * nothing stale behind and is not reported either.  Checked in every stage: a stale builder is
 * as wrong as a stale final stage.  Input the shell model could not finish
 * (an unterminated quote or `if`) is not judged. */
#include <string.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

static const char *const apt[] = {"apt-get", "apt", "aptitude", NULL};
static const char *const update[] = {"update", NULL};
static const char *const installs[] = {"install",      "reinstall",    "upgrade",   "dist-upgrade",
                                       "full-upgrade", "safe-upgrade", "build-dep", "satisfy",
                                       "source",       "download",     "markauto",  NULL};
static const char *const runners[] = {"sh",
                                      "bash",
                                      "dash",
                                      "ash",
                                      "zsh",
                                      "ksh",
                                      "eval",
                                      "source",
                                      ".",
                                      "make",
                                      "install_packages",
                                      "apt-fast",
                                      "install-packages",
                                      "nala",
                                      "debconf-apt-progress",
                                      "xargs",
                                      NULL};
static const char *const distclean[] = {"dist-clean", "distclean", NULL};

/* The command may install packages through something we cannot see. */
static bool may_install(const struct hull_sh_cmd *cmd) {
        struct hull_sh_call call;
        size_t n;

        if (hull_lint_cmd_sub_in(cmd, apt, installs) || hull_lint_cmd_in(cmd, runners))
                return true;
        hull_sh_cmd_resolve(cmd, &call);
        if (call.argi >= cmd->argc)
                return false;
        if (cmd->argv[call.argi].has_expansion)
                return true;
        if (call.name != cmd->argv[call.argi].text) { /* a path: a script, unless a system binary */
                const char *t = cmd->argv[call.argi].text;
                return strncmp(t, "/bin/", 5) != 0 && strncmp(t, "/sbin/", 6) != 0 &&
                       strncmp(t, "/usr/bin/", 9) != 0 && strncmp(t, "/usr/sbin/", 10) != 0;
        }
        n = strlen(call.name);
        return n > 3 && strcmp(call.name + n - 3, ".sh") == 0;
}

static void check(struct hull_lint_ctx *c) {
        for (size_t si = 0; si < c->m->nstages; si++) {
                const struct hull_df_stage *s = &c->m->stages[si];
                const struct hull_df_instr *run;

                HULL_LINT_FOREACH_RUN(s, run) {
                        size_t u = HULL_SH_NONE;
                        bool installs_after = false;

                        if (!run->sh || run->sh->incomplete)
                                continue;
                        for (size_t k = 0; k < run->sh->ncmds; k++)
                                if (hull_lint_cmd_sub_in(&run->sh->cmds[k], apt, update))
                                        u = k;
                        if (u == HULL_SH_NONE)
                                continue;
                        /* lists removed again: nothing stale stays for a later RUN */
                        for (size_t k = u + 1; k < run->sh->ncmds && !installs_after; k++)
                                installs_after =
                                        may_install(&run->sh->cmds[k]) ||
                                        hull_lint_cmd_sub_in(&run->sh->cmds[k], apt, distclean) ||
                                        hull_lint_cmd_removes_path(&run->sh->cmds[k],
                                                                   "/var/lib/apt/lists");
                        if (installs_after)
                                continue;
                        hull_lint_report(
                                c, hull_lint_cmd_pos(run, &run->sh->cmds[u]), NULL,
                                "'%s update' runs without an install after it in the same RUN: "
                                "a later RUN would install from lists the build cache may keep "
                                "stale",
                                hull_sh_cmd_name(&run->sh->cmds[u]));
                }
        }
}

const struct hull_rule hull_rule_HS1006 = {
        .id = "HS1006",
        .slug = "minimal-packages",
        .severity = HULL_SEV_LOW,
        .title = "apt-get update alone in a RUN",
        .rationale =
                "A cached `RUN apt-get update` layer is reused for months, so the install in a "
                "later RUN works from stale package lists.",
        .fix = "Update and install in one RUN: apt-get update && apt-get install -y "
               "--no-install-recommends "
               "<packages> && rm -rf /var/lib/apt/lists/*",
        .hadolint = NULL,
        .trivy = "DS017",
        .check = check,
};
