/* HS1017 relative-workdir: WORKDIR with a relative path.
 *
 * The expanded WORKDIR value (ARG/ENV substituted) must start with '/'.
 * Not flagged: Windows paths (`C:\app`, `c:/app`, and `\app` under the
 * backtick escape), values that still start with '$' after expansion (an
 * escaped `$`, as Windows images use), and values that expand to nothing (a
 * variable the model cannot see, such as one from the base image's ENV).
 * ONBUILD WORKDIR is left alone.  The message says what the path resolves
 * against: an earlier WORKDIR of the stage (or of the stage it is built
 * FROM), or the base image's working directory, which the Dockerfile does
 * not control. */
#include <string.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

/* The stage's WORKDIR in effect just before instruction k of stage s. */
static const char *workdir_before(const struct hull_lint_ctx *c, const struct hull_df_stage *s,
                                  size_t k) {
        for (size_t i = k; i-- > 0;) {
                const struct hull_df_instr *in = s->instrs[i];
                if (in->kind == HULL_DF_WORKDIR && in->nx > 0 && in->x[0][0])
                        return in->x[0];
        }
        if (s->base_stage != HULL_DF_NO_STAGE && s->base_stage < c->m->nstages)
                return c->m->stages[s->base_stage].workdir;
        return NULL;
}

static bool windows_path(const struct hull_lint_ctx *c, const char *v) {
        if (((v[0] >= 'A' && v[0] <= 'Z') || (v[0] >= 'a' && v[0] <= 'z')) && v[1] == ':')
                return true;
        return c->df->escape == '`' && v[0] == '\\';
}

static void check(struct hull_lint_ctx *c) {
        for (size_t si = 0; si < c->m->nstages; si++) {
                const struct hull_df_stage *s = &c->m->stages[si];
                for (size_t k = 0; k < s->ninstrs; k++) {
                        const struct hull_df_instr *in = s->instrs[k];
                        const struct hull_df_node *n = in->node;
                        const char *v, *prev;
                        const char *sep;
                        size_t pl;

                        if (in->kind != HULL_DF_WORKDIR || in->nx == 0 || n->nvalues == 0)
                                continue;
                        v = in->x[0];
                        if (!v[0] || v[0] == '/' || v[0] == '$' || windows_path(c, v))
                                continue;
                        prev = workdir_before(c, s, k);
                        if (!prev) {
                                hull_lint_report(c, n->values[0].pos, NULL,
                                                 "WORKDIR '%s' is relative, so it depends on the "
                                                 "base image's "
                                                 "working directory",
                                                 v);
                                continue;
                        }
                        pl = strlen(prev);
                        while (pl > 0 && prev[pl - 1] == '/')
                                pl--;
                        sep = pl == 0 && prev[0] != '/' ? "" : "/";
                        hull_lint_report(c, n->values[0].pos, NULL,
                                         "WORKDIR '%s' is relative (it resolves to %.*s%s%s); "
                                         "write the absolute path",
                                         v, (int)pl, prev, sep, v);
                }
        }
}

const struct hull_rule hull_rule_HS1017 = {
        .id = "HS1017",
        .slug = "other",
        .severity = HULL_SEV_LOW,
        .title = "Relative WORKDIR",
        .rationale =
                "A relative WORKDIR is resolved against whatever directory is current, often one "
                "set by the base image, so the files land elsewhere when the base image changes.",
        .fix = "Use an absolute path: WORKDIR /app",
        .hadolint = "DL3000",
        .trivy = "DS009",
        .check = check,
};
