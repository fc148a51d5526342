/* HS2009 other: RUN --security=insecure.
 *
 * Every RUN (any stage) and every ONBUILD RUN whose --security flag is
 * "insecure".  BuildKit checks the value as written, before any variable
 * expansion, and accepts only "sandbox" and "insecure" (case-sensitive), so
 * `--security=$MODE` does not build and is not reported; the last
 * --security flag wins. */
#include <string.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

static void check(struct hull_lint_ctx *c) {
        for (size_t i = 0; i < c->m->ninstrs; i++) {
                const struct hull_df_instr *in = &c->m->instrs[i];
                const struct hull_df_flag *f;

                if (!(f = hull_lint_run_flag_is(in, "security", "insecure")))
                        continue;
                hull_lint_report(
                        c, f->pos, NULL,
                        "%sRUN --security=insecure runs the step outside the build sandbox, "
                        "with all capabilities (like docker run --privileged)",
                        in->kind == HULL_DF_ONBUILD ? "ONBUILD " : "");
        }
}

const struct hull_rule hull_rule_HS2009 = {
        .id = "HS2009",
        .slug = "other",
        .severity = HULL_SEV_HIGH,
        .title = "RUN --security=insecure",
        .rationale =
                "An insecure RUN step is a privileged container on the build host: whatever it "
                "executes (including a compromised dependency) can take over the builder.",
        .fix = "Drop --security=insecure; do the privileged work outside the image build",
        .hadolint = NULL,
        .trivy = NULL,
        .check = check,
};
