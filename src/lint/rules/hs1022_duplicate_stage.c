/* HS1022 duplicate-stage-name: two stages share an AS name.
 *
 * Stage names compare case-insensitively (the model keeps them lowercased).
 * Each later stage reusing a name is reported at its FROM, naming the line
 * of the first one: COPY --from=<name> and FROM <name> then silently pick
 * one of them, and --target <name> another. */
#include <strings.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

static void check(struct hull_lint_ctx *c) {
        for (size_t i = 1; i < c->m->nstages; i++) {
                const struct hull_df_stage *s = &c->m->stages[i];
                if (!s->name)
                        continue;
                for (size_t j = 0; j < i; j++) {
                        const struct hull_df_stage *t = &c->m->stages[j];
                        if (!t->name || strcasecmp(t->name, s->name) != 0)
                                continue;
                        hull_lint_report(c, s->from->node->cmd.pos, NULL,
                                         "stage name '%s' is already used by the stage at line %u",
                                         s->name, t->from->node->cmd.pos.line);
                        break;
                }
        }
}

const struct hull_rule hull_rule_HS1022 = {
        .id = "HS1022",
        .slug = "other",
        .severity = HULL_SEV_MEDIUM,
        .title = "Duplicate stage name",
        .rationale =
                "When two stages share a name, COPY --from, FROM and --target refer to only one of "
                "them, so the build silently uses a different stage than the reader expects.",
        .fix = "Give every stage a unique name (FROM ... AS <unique-name>)",
        .hadolint = "DL3024",
        .trivy = "DS012",
        .check = check,
};
