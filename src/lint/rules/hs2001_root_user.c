/* HS2001 non-root-user: the final image runs as root.
 *
 * Decided on the stage model: the target stage's last USER (inherited
 * through FROM <stage>, expanded through ARG/ENV), so `USER 0000`,
 * `USER ${APP_USER}` with APP_USER=root and a USER set only in a builder
 * stage are all caught.  A base image whose tag says "nonroot" (distroless
 * :nonroot, chainguard images) starts as non-root; FROM scratch does not
 * (with no USER the process runs as uid 0). */
#include <ctype.h>
#include <string.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

static void check(struct hull_lint_ctx *c) {
        const struct hull_df_stage *s = hull_lint_final(c);

        if (s->user_instr) {
                if (hull_lint_user_is_root(s->user))
                        hull_lint_report(c, s->user_instr->node->cmd.pos, NULL,
                                         "the final stage's last USER is '%s', which is root",
                                         s->user);
                else if (!s->user[0])
                        hull_lint_report(
                                c, s->user_instr->node->cmd.pos, NULL,
                                "USER expands to an empty value, so the container runs as root");
                return;
        }
        if (hull_lint_base_is_nonroot(c, s))
                return;
        if (hull_lint_root_stage(c, s)->base_scratch)
                hull_lint_report(c, s->from->node->cmd.pos, NULL,
                                 "the final stage is built FROM scratch and sets no USER, so its "
                                 "process runs as uid 0");
        else
                hull_lint_report(c, s->from->node->cmd.pos, NULL,
                                 "the final stage sets no USER, so the container runs as root");
}

const struct hull_rule hull_rule_HS2001 = {
        .id = "HS2001",
        .slug = "non-root-user",
        .severity = HULL_SEV_HIGH,
        .title = "Container runs as root",
        .rationale = "A process running as root in the container is root on the host's kernel: any "
                     "escape or mounted path becomes a full compromise.",
        .fix = "Create an unprivileged user and end the final stage with USER <uid>, e.g. "
               "RUN useradd -r -u 10001 app, then USER 10001",
        .hadolint = "DL3002",
        .trivy = "DS002",
        .check = check,
};
