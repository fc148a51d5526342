/* HS2005 other: files made world-writable.
 *
 * Stages that end up in the final image: `chmod MODE FILE...` (with or
 * without -R, through sudo and friends), `mkdir -m MODE`, `install -m MODE`,
 * and `COPY/ADD --chmod=MODE` (expanded), where MODE gives others the write
 * bit: octal with the last digit 2, 3, 6 or 7 (777, 0666, 2777), or a
 * symbolic clause adding w for o or a (o+w, a+rwx, ugo=rwx, go+w).  A
 * symbolic clause without [ugoa] (`+w`, `=rw`) honours the umask in RUN
 * (022 in builds: others do not get w) and is not reported there; COPY
 * --chmod has no umask, so `+w` there counts.  A mode with the sticky bit
 * (1777, +t) is the shared-directory idiom (/tmp) and is not reported.
 * Paths deleted later in the same RUN (`rm -rf "$tmp"`) never reach a
 * layer and are not reported.  Modes given through variables (`chmod
 * $MODE`) are not resolved. */
#include <string.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

#define RUN_UMASK 022

static bool world_writable(unsigned set) {
        return (set & 0002) && !(set & 01000);
}

static void on_cmd(struct hull_lint_ctx *c, const struct hull_df_instr *run,
                   const struct hull_sh_cmd *cmd, void *ud) {
        struct hull_lint_modecmd m;
        unsigned set;
        char files[200];

        (void)ud;
        if (!hull_lint_mode_cmd(cmd, &m) ||
            !hull_lint_mode_bits(m.mode, m.mode_len, RUN_UMASK, &set) || !world_writable(set))
                return;
        if (hull_lint_mode_cmd_deleted(run, cmd, &m))
                return;
        hull_lint_report(c, hull_lint_cmd_pos(run, cmd), NULL,
                         "%s %s%.*s makes %s writable by every user%s", m.tool,
                         strcmp(m.tool, "chmod") == 0 ? "" : "-m ", (int)m.mode_len, m.mode,
                         hull_lint_mode_files(&m, files, sizeof(files)),
                         m.recursive ? " (recursively)" : "");
}

static void check_copy(struct hull_lint_ctx *c, const struct hull_df_instr *in) {
        const struct hull_df_flag *f = hull_lint_flag(in, "chmod");
        const char *dest;
        unsigned set;

        if (!f || !f->value || !hull_lint_mode_bits(f->value, strlen(f->value), 0, &set) ||
            !world_writable(set))
                return;
        dest = in->nx > 0              ? in->x[in->nx - 1]
               : in->node->nvalues > 0 ? in->node->values[in->node->nvalues - 1].s
                                       : "?";
        hull_lint_report(c, f->pos, NULL, "%s --chmod=%s makes %s writable by every user",
                         in->kind == HULL_DF_ADD ? "ADD" : "COPY", f->value, dest);
}

static void check(struct hull_lint_ctx *c) {
        hull_lint_each_final_cmd_and_copy(c, on_cmd, check_copy);
}

const struct hull_rule hull_rule_HS2005 = {
        .id = "HS2005",
        .slug = "other",
        .severity = HULL_SEV_MEDIUM,
        .title = "World-writable files",
        .rationale = "A file or directory any user can write lets any process in the container "
                     "(or a compromised unprivileged service) replace code, configuration or data "
                     "that others trust.",
        .fix = "Give write access to the owning user or group only (chmod 755 / 775, chown to the "
               "app user); use 1777 only for shared scratch directories",
        .hadolint = NULL,
        .trivy = NULL,
        .check = check,
};
