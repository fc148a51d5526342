/* HS1021 repeated-cmd: several CMD, ENTRYPOINT or HEALTHCHECK in one stage.
 *
 * Only the last of each counts; every earlier one in the same stage is
 * reported, with the line of the one that overrides it.  Instructions
 * inherited through FROM <stage> are not counted (overriding a base
 * stage's CMD is normal), and ONBUILD triggers are left alone. */
#include "lint/engine.h"
#include "lint/rules/common.h"

static void check_kind(struct hull_lint_ctx *c, const struct hull_df_stage *s, enum hull_df_kind k,
                       const char *name) {
        const struct hull_df_instr *last = NULL;

        for (size_t i = s->ninstrs; i-- > 0;) {
                const struct hull_df_instr *in = s->instrs[i];
                if (in->kind != k)
                        continue;
                if (!last) {
                        last = in;
                        continue;
                }
                hull_lint_report(c, in->node->cmd.pos, NULL,
                                 "this %s is overridden by the %s at line %u; only the last one in "
                                 "a stage counts",
                                 name, name, last->node->cmd.pos.line);
        }
}

static void check(struct hull_lint_ctx *c) {
        for (size_t i = 0; i < c->m->nstages; i++) {
                check_kind(c, &c->m->stages[i], HULL_DF_CMD, "CMD");
                check_kind(c, &c->m->stages[i], HULL_DF_ENTRYPOINT, "ENTRYPOINT");
                check_kind(c, &c->m->stages[i], HULL_DF_HEALTHCHECK, "HEALTHCHECK");
        }
}

const struct hull_rule hull_rule_HS1021 = {
        .id = "HS1021",
        .slug = "other",
        .severity = HULL_SEV_LOW,
        .title = "Several CMD, ENTRYPOINT or HEALTHCHECK in one stage",
        .rationale =
                "Only the last CMD, ENTRYPOINT or HEALTHCHECK of a stage takes effect; earlier "
                "ones are dead code that misleads the reader about what the container runs.",
        .fix = "Keep a single CMD, ENTRYPOINT and HEALTHCHECK per stage and delete the earlier "
               "ones",
        .hadolint = "DL4003,DL4004,DL3012",
        .trivy = "DS007,DS016,DS023",
        .check = check,
};
