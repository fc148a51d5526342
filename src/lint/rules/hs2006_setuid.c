/* HS2006 other: setuid or setgid bits set on files.
 *
 * Stages that end up in the final image: `chmod MODE FILE...` and
 * `install -m MODE` (through sudo and friends), and `COPY/ADD --chmod=MODE`
 * (expanded), where MODE sets the setuid (04000) or setgid (02000) bit:
 * four-digit octal modes 4xxx, 2xxx, 6xxx (also written with more leading
 * digits, 04755), or symbolic u+s, g+s, +s, a+s, ug+s, u=rwxs.  Clearing the
 * bits (u-s, 0755) is the fix and is never reported.  `mkdir -m 2775` and
 * `install -d -m 3777` are not reported: setgid on a directory only makes
 * new files inherit its group.  A chmod g+s cannot be told apart from the same idiom on an
 * existing directory; silence it with a pragma there.  Paths deleted later
 * in the same RUN are not reported; modes given through variables are not
 * resolved. */
#include <string.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

static const char *bits_name(unsigned set) {
        if ((set & 06000) == 06000)
                return "setuid and setgid bits";
        return set & 04000 ? "setuid bit" : "setgid bit";
}

static void on_cmd(struct hull_lint_ctx *c, const struct hull_df_instr *run,
                   const struct hull_sh_cmd *cmd, void *ud) {
        struct hull_lint_modecmd m;
        unsigned set;
        char files[200];

        (void)ud;
        if (!hull_lint_mode_cmd(cmd, &m) || m.directory ||
            !hull_lint_mode_bits(m.mode, m.mode_len, 022, &set) || !(set & 06000))
                return;
        if (hull_lint_mode_cmd_deleted(run, cmd, &m))
                return;
        hull_lint_report(c, hull_lint_cmd_pos(run, cmd), NULL, "%s %s%.*s sets the %s on %s%s",
                         m.tool, strcmp(m.tool, "chmod") == 0 ? "" : "-m ", (int)m.mode_len, m.mode,
                         bits_name(set), hull_lint_mode_files(&m, files, sizeof(files)),
                         m.recursive ? " (recursively)" : "");
}

static void check_copy(struct hull_lint_ctx *c, const struct hull_df_instr *in) {
        const struct hull_df_flag *f = hull_lint_flag(in, "chmod");
        const char *dest;
        unsigned set;

        if (!f || !f->value || !hull_lint_mode_bits(f->value, strlen(f->value), 0, &set) ||
            !(set & 06000))
                return;
        dest = in->nx > 0              ? in->x[in->nx - 1]
               : in->node->nvalues > 0 ? in->node->values[in->node->nvalues - 1].s
                                       : "?";
        hull_lint_report(c, f->pos, NULL, "%s --chmod=%s sets the %s on %s",
                         in->kind == HULL_DF_ADD ? "ADD" : "COPY", f->value, bits_name(set), dest);
}

static void check(struct hull_lint_ctx *c) {
        hull_lint_each_final_cmd_and_copy(c, on_cmd, check_copy);
}

const struct hull_rule hull_rule_HS2006 = {
        .id = "HS2006",
        .slug = "other",
        .severity = HULL_SEV_MEDIUM,
        .title = "setuid or setgid bit set",
        .rationale =
                "A setuid or setgid program runs with its owner's or group's privileges whoever "
                "starts it: a bug in it is a privilege escalation inside the container.",
        .fix = "Drop the bit (chmod u-s,g-s / a mode like 0755) and grant what the program needs "
               "another way (capabilities, a dedicated user)",
        .hadolint = NULL,
        .trivy = NULL,
        .check = check,
};
