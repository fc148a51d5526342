/* HS1010 minimal-packages: yum/dnf/microdnf/zypper install without clean-up.
 *
 * The RPM package managers keep repository metadata (and often the
 * downloaded RPMs) in /var/cache/{yum,dnf,zypp}: tens to hundreds of MB in
 * the layer unless the same RUN cleans up after installing.
 *
 * Installs: yum, dnf, dnf5, microdnf and tdnf install, groupinstall,
 * localinstall, reinstall, update, upgrade, distro-sync, downgrade,
 * builddep, and `group|groups|module install|upgrade|update`; zypper
 * install/in, update/up, dist-upgrade/dup, patch, source-install/si and
 * install-new-recommends/inr (global options such as -n anywhere).
 * Clean-ups, after the last install in the same RUN: for the yum family,
 * `<any of them> clean all` or removing /var/cache/yum, /var/cache/dnf,
 * /var/cache/libdnf5 or /var/cache/tdnf (rm, find -delete); for zypper,
 * `zypper clean` / `zypper cc` or removing /var/cache/zypp.  A cache or
 * tmpfs --mount on those directories also keeps them out of the layer.  One
 * finding per RUN and family, at the last install not cleaned up after.
 * Only stages that end up in the final image are checked. */
#include <string.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

struct family {
        const char *const *tools;
        const char *const *installs;
        const char *const *dirs;
        const char *fix;
};

static const char *const yum_tools[] = {"yum", "dnf", "dnf5", "microdnf", "tdnf", NULL};
static const char *const yum_installs[] = {
        "install",     "groupinstall", "localinstall",   "reinstall",
        "update",      "upgrade",      "update-minimal", "upgrade-minimal",
        "distro-sync", "distrosync",   "downgrade",      "builddep",
        NULL};
static const char *const yum_dirs[] = {"/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5",
                                       "/var/cache/tdnf", NULL};
static const char *const zyp_tools[] = {"zypper", NULL};
static const char *const zyp_installs[] = {
        "install", "in",    "update",         "up", "dist-upgrade",
        "dup",     "patch", "source-install", "si", "install-new-recommends",
        "inr",     NULL};
static const char *const zyp_dirs[] = {"/var/cache/zypp", NULL};

static const struct family families[] = {
        {yum_tools, yum_installs, yum_dirs, "clean all"},
        {zyp_tools, zyp_installs, zyp_dirs, "clean --all"},
};

static const char *const groups[] = {"group", "groups", "module", NULL};
static const char *const clean[] = {"clean", "cc", NULL};

static bool is_install(const struct family *f, const struct hull_sh_cmd *cmd) {
        const struct hull_sh_word *ops[2];

        if (hull_lint_cmd_sub_in(cmd, f->tools, f->installs))
                return true;
        if (f->tools != yum_tools || !hull_lint_cmd_sub_in(cmd, f->tools, groups) ||
            hull_sh_cmd_args_nonopt(cmd, ops, 2) < 2)
                return false;
        return hull_sh_word_is(ops[1], "install") || hull_sh_word_is(ops[1], "upgrade") ||
               hull_sh_word_is(ops[1], "update");
}

static bool is_clean(const struct family *f, const struct hull_sh_cmd *cmd) {
        const struct hull_sh_word *ops[2];

        for (size_t d = 0; f->dirs[d]; d++)
                if (hull_lint_cmd_removes_path(cmd, f->dirs[d]))
                        return true;
        if (!hull_lint_cmd_sub_in(cmd, f->tools, clean))
                return false;
        if (f->tools == zyp_tools)
                return true; /* zypper clean [-a|-m|-M] and cc: the RPM cache goes either way */
        return hull_sh_cmd_args_nonopt(cmd, ops, 2) >= 2 && hull_sh_word_is(ops[1], "all");
}

static bool mounted(const struct family *f, const struct hull_df_instr *run) {
        for (size_t d = 0; f->dirs[d]; d++)
                if (hull_lint_run_cache_mount(run, f->dirs[d]))
                        return true;
        return false;
}

static void check_run(struct hull_lint_ctx *c, const struct family *f,
                      const struct hull_df_instr *run) {
        size_t last = HULL_SH_NONE;
        const struct hull_sh_cmd *cmd;
        char pkgs[256];

        for (size_t k = 0; k < run->sh->ncmds; k++) {
                if (is_install(f, &run->sh->cmds[k]))
                        last = k;
                else if (last != HULL_SH_NONE && is_clean(f, &run->sh->cmds[k]))
                        last = HULL_SH_NONE;
        }
        if (last == HULL_SH_NONE || mounted(f, run))
                return;
        cmd = &run->sh->cmds[last];
        hull_lint_cmd_operands_str(cmd, 0, pkgs, sizeof(pkgs));
        hull_lint_report(c, hull_lint_cmd_pos(run, cmd), NULL,
                         "'%s %s' is not followed by '%s %s' in the same RUN, so the package cache "
                         "stays in the layer",
                         hull_sh_cmd_name(cmd), pkgs, hull_sh_cmd_name(cmd), f->fix);
}

static void check(struct hull_lint_ctx *c) {
        for (size_t si = 0; si < c->m->nstages; si++) {
                const struct hull_df_stage *s = &c->m->stages[si];
                const struct hull_df_instr *run;

                if (!hull_lint_stage_is_final(c, si))
                        continue;
                HULL_LINT_FOREACH_RUN(s, run) {
                        if (!run->sh)
                                continue;
                        for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++)
                                check_run(c, &families[f], run);
                }
        }
}

const struct hull_rule hull_rule_HS1010 = {
        .id = "HS1010",
        .slug = "minimal-packages",
        .severity = HULL_SEV_LOW,
        .title = "yum/dnf/zypper install without clean-up",
        .rationale = "yum, dnf, microdnf and zypper keep repository metadata and packages in "
                     "/var/cache; unless the installing RUN cleans it, it ships in the layer.",
        .fix = "End the installing RUN with: && yum clean all (dnf clean all, microdnf clean all, "
               "zypper clean --all) or rm -rf /var/cache/yum /var/cache/dnf",
        .hadolint = "DL3032,DL3036,DL3040",
        .trivy = "DS015,DS019,DS020",
        .check = check,
};
