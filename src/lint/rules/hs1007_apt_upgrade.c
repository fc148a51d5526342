/* HS1007 minimal-packages: `apt-get upgrade` / `dist-upgrade` in a RUN.
 *
 * Upgrading every package of the base image at build time makes the image
 * depend on the day it was built (two builds of the same Dockerfile differ),
 * adds a layer duplicating most of the base's files, and hides that the base
 * image itself is out of date.  Rebuilding on a current base (or pinning the
 * few packages that need a fix with `apt-get install --only-upgrade`) is
 * reproducible.  Reported for apt-get, apt and aptitude upgrade,
 * dist-upgrade, full-upgrade and safe-upgrade, and for the whole-system
 * upgrades of the other package managers (yum/dnf/microdnf/tdnf update,
 * upgrade and distro-sync, apk upgrade, zypper update/dist-upgrade/patch)
 * when no package is named, in every stage. */
#include <stdbool.h>
#include <string.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

static const char *const apt[] = {"apt-get", "apt", "aptitude", NULL};
static const char *const upgrades[] = {"upgrade", "dist-upgrade", "full-upgrade", "safe-upgrade",
                                       NULL};

static const char *const rpm[] = {"yum", "dnf", "dnf5", "microdnf", "tdnf", NULL};
static const char *const rpm_upgrades[] = {"update", "upgrade", "distro-sync", "distrosync", NULL};
static const char *const apk[] = {"apk", NULL};
static const char *const apk_upgrades[] = {"upgrade", NULL};
static const char *const zypper[] = {"zypper", NULL};
static const char *const zypper_upgrades[] = {"update", "up", "dist-upgrade", "dup", "patch", NULL};

/* A whole-system upgrade of a non-apt package manager: the subcommand and no package. */
static bool system_upgrade(const struct hull_sh_cmd *cmd) {
        const struct hull_sh_word *ops[2];
        if (!hull_lint_cmd_sub_in(cmd, rpm, rpm_upgrades) &&
            !hull_lint_cmd_sub_in(cmd, apk, apk_upgrades) &&
            !hull_lint_cmd_sub_in(cmd, zypper, zypper_upgrades))
                return false;
        return hull_sh_cmd_args_nonopt(cmd, ops, 2) == 1;
}

static void check(struct hull_lint_ctx *c) {
        for (size_t si = 0; si < c->m->nstages; si++) {
                const struct hull_df_stage *s = &c->m->stages[si];
                const struct hull_df_instr *run;

                HULL_LINT_FOREACH_RUN(s, run) {
                        for (size_t k = 0; run->sh && k < run->sh->ncmds; k++) {
                                const struct hull_sh_cmd *cmd = &run->sh->cmds[k];
                                if (!hull_lint_cmd_sub_in(cmd, apt, upgrades) &&
                                    !system_upgrade(cmd))
                                        continue;
                                hull_lint_report(
                                        c, hull_lint_cmd_pos(run, cmd), NULL,
                                        "'%s %s' upgrades the base image's packages at build time, "
                                        "so the image depends on the day it is built",
                                        hull_sh_cmd_name(cmd), hull_sh_cmd_subcommand(cmd)->text);
                        }
                }
        }
}

const struct hull_rule hull_rule_HS1007 = {
        .id = "HS1007",
        .slug = "minimal-packages",
        .severity = HULL_SEV_LOW,
        .title = "Package upgrade of the whole image in a Dockerfile",
        .rationale =
                "Upgrading all packages at build time makes builds unreproducible and hides an "
                "outdated base image; the fix belongs in the base image.",
        .fix = "Drop the upgrade and rebuild on a current base image; install specific fixes with "
               "apt-get install --only-upgrade <package>",
        .hadolint = "DL3005",
        .trivy = "DS024,DS017",
        .check = check,
};
