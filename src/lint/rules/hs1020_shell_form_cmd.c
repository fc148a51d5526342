/* HS1020 shell-form-cmd: the final image's CMD or ENTRYPOINT is in shell form.
 *
 * Shell form runs `/bin/sh -c "<text>"`: sh is PID 1 and the SIGTERM of
 * `docker stop` does not reach the program, which is killed after the grace
 * period.  Checked: the CMD and ENTRYPOINT in effect for the final image
 * (the target stage's, else inherited through FROM <stage>); a CMD inherited
 * from another stage that an ENTRYPOINT later resets is ignored, and so is
 * a CMD when the ENTRYPOINT is itself shell form (sh then drops CMD).  Not
 * flagged: JSON (exec) form, shell form that starts with `exec ` (sh
 * replaces itself), and stages whose SHELL is cmd or PowerShell (Windows
 * images, where shell form is the norm).  Earlier CMDs of a stage are
 * HS1021's business. */
#include <string.h>
#include <strings.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

static bool windows_shell(const struct hull_df_instr *shell) {
        const struct hull_df_node *n;
        const char *s, *base;
        size_t len, bl;

        if (!shell)
                return false;
        n = shell->node->inner ? shell->node->inner : shell->node;
        if (n->nvalues == 0)
                return false;
        s = n->values[0].s;
        len = n->values[0].len;
        base = s;
        for (size_t i = 0; i < len; i++)
                if (s[i] == '\\' || s[i] == '/')
                        base = s + i + 1;
        bl = len - (size_t)(base - s);
        if (bl > 4 && strncasecmp(base + bl - 4, ".exe", 4) == 0)
                bl -= 4;
        return (bl == 3 && strncasecmp(base, "cmd", 3) == 0) ||
               (bl == 10 && strncasecmp(base, "powershell", 10) == 0) ||
               (bl == 4 && strncasecmp(base, "pwsh", 4) == 0);
}

static bool starts_with_exec(const struct hull_df_node *n) {
        return n->args.len > 5 && strncmp(n->args.s, "exec", 4) == 0 &&
               (n->args.s[4] == ' ' || n->args.s[4] == '\t');
}

static void report(struct hull_lint_ctx *c, const struct hull_df_instr *in, const char *name) {
        const struct hull_df_node *n = in->node;
        char text[64];
        hull_lint_report(c, n->cmd.pos, NULL,
                         "%s '%s' is in shell form: /bin/sh is PID 1 and stop signals do not reach "
                         "the program",
                         name, hull_lint_squeeze(n->args.s, n->args.len, text, sizeof(text)));
}

static void check(struct hull_lint_ctx *c) {
        const struct hull_df_stage *s = hull_lint_final(c);
        const struct hull_df_instr *cmd = s->cmd, *ep = s->entrypoint;

        if (windows_shell(s->shell))
                return;
        if (cmd && ep && ep->stage != cmd->stage && ep->node->start_line > cmd->node->start_line)
                cmd = NULL; /* ENTRYPOINT in a later stage resets an inherited CMD */
        if (ep && !ep->node->json && !starts_with_exec(ep->node)) {
                report(c, ep, "ENTRYPOINT");
                return;
        }
        if (ep && !ep->node->json)
                return; /* shell-form ENTRYPOINT (with exec): CMD is dropped */
        if (cmd && !cmd->node->json && !starts_with_exec(cmd->node))
                report(c, cmd, "CMD");
}

const struct hull_rule hull_rule_HS1020 = {
        .id = "HS1020",
        .slug = "other",
        .severity = HULL_SEV_LOW,
        .title = "Shell-form CMD or ENTRYPOINT",
        .rationale =
                "In shell form the container's PID 1 is /bin/sh, which does not forward SIGTERM: "
                "the program cannot shut down cleanly and is killed after the stop timeout.",
        .fix = "Use the JSON (exec) form, e.g. CMD [\"node\", \"server.js\"], or start the shell "
               "form with exec",
        .hadolint = "DL3025",
        .trivy = NULL,
        .check = check,
};
