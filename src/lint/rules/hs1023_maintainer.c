/* HS1023 maintainer-deprecated: MAINTAINER is deprecated.
 *
 * Every MAINTAINER instruction, in any stage.  The message repeats the value
 * so the LABEL that replaces it can be written straight away. */
#include "lint/engine.h"
#include "lint/rules/common.h"

static void check(struct hull_lint_ctx *c) {
        for (size_t i = 0; i < c->m->ninstrs; i++) {
                const struct hull_df_instr *in = &c->m->instrs[i];
                const struct hull_df_node *n = in->node;
                char who[256];
                if (in->kind != HULL_DF_MAINTAINER)
                        continue;
                hull_lint_report(c, n->cmd.pos, NULL,
                                 "MAINTAINER is deprecated; use LABEL "
                                 "org.opencontainers.image.authors=\"%s\"",
                                 hull_lint_squeeze(n->args.s, n->args.len, who, sizeof(who)));
        }
}

const struct hull_rule hull_rule_HS1023 = {
        .id = "HS1023",
        .slug = "other",
        .severity = HULL_SEV_INFO,
        .title = "MAINTAINER is deprecated",
        .rationale =
                "MAINTAINER has been deprecated since Docker 1.13; its value only lands in the "
                "image's Author field, which tools no longer read.",
        .fix = "Replace it with LABEL org.opencontainers.image.authors=\"name <email>\"",
        .hadolint = "DL4000",
        .trivy = "DS022",
        .check = check,
};
