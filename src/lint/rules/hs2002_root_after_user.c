/* HS2002 non-root-user: a USER switches back to root after a non-root USER.
 *
 * Walks the USER instructions of every stage that ends up in the final image
 * (the target and the stages it is built FROM), in build order: the user in
 * effect at a stage's start is the one its FROM <stage> ended with.  Each
 * USER that means root (expanded: `USER 0`, `USER root:root`,
 * `USER ${U}` with U=root, or an empty value) while a non-root USER of the
 * Dockerfile is in effect is reported, whether or not a later USER drops the
 * privileges again (whether the image *ends* as root is HS2001's concern).
 * A base image that starts non-root (`:nonroot`) is not a USER of the
 * Dockerfile and does not count; builder stages only copied from do not
 * count either. */
#include <string.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

/* The expanded USER value ("" when it expanded to nothing). */
static const char *user_value(const struct hull_df_instr *in) {
        if (in->nx > 0 && in->x[0])
                return in->x[0];
        return in->node->nvalues > 0 ? in->node->values[0].s : "";
}

static bool means_root(const char *u) {
        return !u[0] || hull_lint_user_is_root(u);
}

static void check_stage(struct hull_lint_ctx *c, const struct hull_df_stage *s) {
        const struct hull_df_instr *nonroot = NULL; /* USER in effect, when not root */

        if (s->base_stage != HULL_DF_NO_STAGE) {
                const struct hull_df_stage *b = &c->m->stages[s->base_stage];
                if (b->user_instr && b->user && !means_root(b->user))
                        nonroot = b->user_instr;
        }
        for (size_t i = 0; i < s->ninstrs; i++) {
                const struct hull_df_instr *in = s->instrs[i];
                const char *u;

                if (in->kind != HULL_DF_USER)
                        continue;
                u = user_value(in);
                if (!means_root(u)) {
                        nonroot = in;
                        continue;
                }
                if (nonroot) {
                        if (u[0])
                                hull_lint_report(c, in->node->cmd.pos, NULL,
                                                 "USER '%s' switches back to root after USER '%s' "
                                                 "(line %u)",
                                                 u, user_value(nonroot),
                                                 nonroot->node->cmd.pos.line);
                        else
                                hull_lint_report(
                                        c, in->node->cmd.pos, NULL,
                                        "USER expands to an empty value, which switches back "
                                        "to root after USER '%s' (line %u)",
                                        user_value(nonroot), nonroot->node->cmd.pos.line);
                }
                nonroot = NULL;
        }
}

static void check(struct hull_lint_ctx *c) {
        for (size_t i = 0; i < c->m->nstages; i++)
                if (hull_lint_stage_is_final(c, i))
                        check_stage(c, &c->m->stages[i]);
}

const struct hull_rule hull_rule_HS2002 = {
        .id = "HS2002",
        .slug = "non-root-user",
        .severity = HULL_SEV_MEDIUM,
        .title = "USER switches back to root",
        .rationale =
                "Going back to root after dropping privileges re-escalates inside the image's "
                "build: later steps run as root, and a forgotten switch back ships a root image.",
        .fix = "Do the steps that need root before the first non-root USER (or in a builder stage) "
               "and switch to the unprivileged user once",
        .hadolint = NULL,
        .trivy = NULL,
        .check = check,
};
