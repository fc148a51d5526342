/* HS2004 other: EXPOSE of the SSH (22) or telnet (23) port.
 *
 * EXPOSE is image metadata, so only stages that end up in the final image
 * count.  Each expanded EXPOSE word (instr->x: `EXPOSE $PORT` with PORT=22,
 * and a variable holding "22 80" gives two words) is read the way Docker's
 * nat.ParsePortSpec reads it: [ip:][hostport:]port[-port][/proto]; the
 * container port or range is checked.  A range holding 22 or 23 (20-25)
 * counts; /udp and /sctp do not (SSH and telnet are TCP). */
#include "lint/engine.h"
#include "lint/rules/common.h"

/* Bit 0: the word covers 22/tcp; bit 1: 23/tcp. */
static unsigned ports_in(const char *w, size_t len) {
        unsigned lo, hi;

        if (!hull_lint_tcp_ports(w, len, &lo, &hi))
                return 0;
        return (lo <= 22 && 22 <= hi ? 1u : 0) | (lo <= 23 && 23 <= hi ? 2u : 0);
}

static void check_expose(struct hull_lint_ctx *c, const struct hull_df_instr *in) {
        const struct hull_df_node *n = in->node;

        for (size_t i = 0; i < in->nx; i++) {
                unsigned r = ports_in(in->x[i], in->xlen[i]);
                struct hull_pos pos = n->cmd.pos;
                if (!r)
                        continue;
                /* words map to values one to one unless a variable split */
                if (in->nx == n->nvalues)
                        pos = n->values[i].pos;
                if (r == 3)
                        hull_lint_report(c, pos, NULL,
                                         "EXPOSE %s opens the SSH (22) and telnet (23) ports",
                                         in->x[i]);
                else
                        hull_lint_report(c, pos, NULL, "EXPOSE %s opens the %s port (%s)", in->x[i],
                                         r == 1 ? "SSH" : "telnet", r == 1 ? "22" : "23");
        }
}

static void check(struct hull_lint_ctx *c) {
        for (size_t s = 0; s < c->m->nstages; s++) {
                const struct hull_df_stage *st = &c->m->stages[s];
                if (!hull_lint_stage_is_final(c, s))
                        continue;
                for (size_t i = 0; i < st->ninstrs; i++)
                        if (st->instrs[i]->kind == HULL_DF_EXPOSE)
                                check_expose(c, st->instrs[i]);
        }
}

const struct hull_rule hull_rule_HS2004 = {
        .id = "HS2004",
        .slug = "other",
        .severity = HULL_SEV_MEDIUM,
        .title = "SSH or telnet port exposed",
        .rationale = "An SSH or telnet server in a container is a second way in, with its own "
                     "credentials and keys to leak; containers are entered with docker exec / "
                     "kubectl exec.",
        .fix = "Remove the EXPOSE (and the SSH/telnet server); use docker exec or kubectl exec "
               "to get a shell",
        .hadolint = NULL,
        .trivy = "DS004",
        .check = check,
};
