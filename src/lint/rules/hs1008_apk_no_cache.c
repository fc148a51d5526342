/* HS1008 minimal-packages: `apk add` without --no-cache.
 *
 * Without --no-cache, apk keeps the repository indexes it fetched (and, with
 * a cache configured, the packages) under /var/cache/apk, a few MB per
 * repository shipped in the layer.  Not reported when the same command has
 * --no-cache (before or after `add`) or --no-network (nothing is fetched:
 * the official images' `apk add --no-network --virtual .rundeps $runDeps`),
 * when the RUN has a cache or tmpfs
 * --mount on /var/cache/apk (or /etc/apk/cache, or a parent), or when a
 * later command of the same RUN removes /var/cache/apk (rm, find -delete).
 * `apk update` on its own is not reported.  Only stages that end up in the
 * final image are checked. */
#include <string.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

#define APK_CACHE "/var/cache/apk"

static const char *const apk[] = {"apk", NULL};
static const char *const add[] = {"add", NULL};

static void check(struct hull_lint_ctx *c) {
        for (size_t si = 0; si < c->m->nstages; si++) {
                const struct hull_df_stage *s = &c->m->stages[si];
                const struct hull_df_instr *run;

                if (!hull_lint_stage_is_final(c, si))
                        continue;
                HULL_LINT_FOREACH_RUN(s, run) {
                        if (hull_lint_run_cache_mount(run, APK_CACHE) ||
                            hull_lint_run_cache_mount(run, "/etc/apk/cache"))
                                continue;
                        for (size_t k = 0; run->sh && k < run->sh->ncmds; k++) {
                                const struct hull_sh_cmd *cmd = &run->sh->cmds[k];
                                char pkgs[256];

                                if (!hull_lint_cmd_sub_in(cmd, apk, add) ||
                                    hull_sh_has_option(cmd, 0, "no-cache") ||
                                    hull_sh_has_option(cmd, 0, "no-network") ||
                                    hull_lint_run_removes_path(run, k + 1, APK_CACHE))
                                        continue;
                                hull_lint_cmd_operands_str(cmd, 1, pkgs, sizeof(pkgs));
                                hull_lint_report(c, hull_lint_cmd_pos(run, cmd), NULL,
                                                 "'apk add%s%s' runs without --no-cache, so the "
                                                 "package index "
                                                 "stays in " APK_CACHE,
                                                 pkgs[0] ? " " : "", pkgs);
                        }
                }
        }
}

const struct hull_rule hull_rule_HS1008 = {
        .id = "HS1008",
        .slug = "minimal-packages",
        .severity = HULL_SEV_LOW,
        .title = "apk add without --no-cache",
        .rationale =
                "apk add keeps the downloaded repository index in /var/cache/apk, dead weight in "
                "the image.",
        .fix = "Use apk add --no-cache <packages> (no separate apk update needed)",
        .hadolint = "DL3019",
        .trivy = "DS025",
        .check = check,
};
