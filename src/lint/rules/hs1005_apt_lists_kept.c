/* HS1005 minimal-packages: apt lists left in the layer by `apt-get update`.
 *
 * `apt-get update` writes the package lists (tens of MB) to
 * /var/lib/apt/lists; a file removed in a later RUN still weighs in the
 * earlier layer, so the removal has to come after the (last) update in the
 * same RUN: `rm -rf` of the lists' contents, the directory or a parent,
 * `find /var/lib/apt/lists ... -delete`, or `apt-get dist-clean`.  A cache or
 * tmpfs --mount on /var/lib/apt (or lists, or a parent) keeps the lists out
 * of the layer.  A mount on /var/cache/apt alone does not: it holds the
 * downloaded .debs, not the lists.  A RUN that installs without updating
 * writes no lists (HS1006 covers updates left alone).  Only stages that end
 * up in the final image are checked. */
#include <string.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

#define LISTS "/var/lib/apt/lists"

static const char *const apt[] = {"apt-get", "apt", "aptitude", NULL};
static const char *const update[] = {"update", NULL};
static const char *const distclean[] = {"dist-clean", "distclean", NULL};

static void check(struct hull_lint_ctx *c) {
        for (size_t si = 0; si < c->m->nstages; si++) {
                const struct hull_df_stage *s = &c->m->stages[si];
                const struct hull_df_instr *run;

                if (!hull_lint_stage_is_final(c, si))
                        continue;
                HULL_LINT_FOREACH_RUN(s, run) {
                        size_t u = HULL_SH_NONE;
                        bool cleaned = false;

                        for (size_t k = 0; run->sh && k < run->sh->ncmds; k++)
                                if (hull_lint_cmd_sub_in(&run->sh->cmds[k], apt, update))
                                        u = k;
                        if (u == HULL_SH_NONE || hull_lint_run_cache_mount(run, LISTS) ||
                            hull_lint_run_removes_path(run, u + 1, LISTS))
                                continue;
                        for (size_t k = u + 1; k < run->sh->ncmds && !cleaned; k++)
                                cleaned = hull_lint_cmd_sub_in(&run->sh->cmds[k], apt, distclean);
                        if (cleaned)
                                continue;
                        hull_lint_report(c, hull_lint_cmd_pos(run, &run->sh->cmds[u]), NULL,
                                         "'%s update' leaves its package lists in " LISTS
                                         " because this RUN does not remove them afterwards",
                                         hull_sh_cmd_name(&run->sh->cmds[u]));
                }
        }
}

const struct hull_rule hull_rule_HS1005 = {
        .id = "HS1005",
        .slug = "minimal-packages",
        .severity = HULL_SEV_LOW,
        .title = "apt lists not removed after apt-get update",
        .rationale =
                "The package lists apt-get update downloads are tens of megabytes that the image "
                "never needs at run time; removed in a later RUN they still weigh in the layer.",
        .fix = "End the RUN that updates with: && rm -rf /var/lib/apt/lists/*",
        .hadolint = "DL3009",
        .trivy = NULL,
        .check = check,
};
