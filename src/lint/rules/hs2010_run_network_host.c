/* HS2010 other: RUN --network=host.
 *
 * Every RUN (any stage) and every ONBUILD RUN whose --network flag is
 * "host".  BuildKit checks the value as written, before any variable
 * expansion, and accepts only "default", "none" and "host"
 * (case-sensitive), so `--network=$NET` does not build and is not
 * reported; the last --network flag wins.  --network=none is the safe
 * opposite and never reported. */
#include <string.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

static void check(struct hull_lint_ctx *c) {
        for (size_t i = 0; i < c->m->ninstrs; i++) {
                const struct hull_df_instr *in = &c->m->instrs[i];
                const struct hull_df_flag *f;

                if (!(f = hull_lint_run_flag_is(in, "network", "host")))
                        continue;
                hull_lint_report(c, f->pos, NULL,
                                 "%sRUN --network=host gives the step the build host's network "
                                 "(its localhost services and interfaces)",
                                 in->kind == HULL_DF_ONBUILD ? "ONBUILD " : "");
        }
}

const struct hull_rule hull_rule_HS2010 = {
        .id = "HS2010",
        .slug = "other",
        .severity = HULL_SEV_MEDIUM,
        .title = "RUN --network=host",
        .rationale = "A step on the host's network reaches services bound to the builder's "
                     "localhost and internal networks, and escapes network policies meant for "
                     "builds; it needs the network.host entitlement for a reason.",
        .fix = "Drop --network=host (the default network is enough to download); use "
               "--network=none for steps that need no network",
        .hadolint = NULL,
        .trivy = NULL,
        .check = check,
};
