/* HS2004 other: EXPOSE of the SSH (22) or telnet (23) port.
 *
 * EXPOSE is image metadata, so only stages that end up in the final image
 * count.  Each expanded EXPOSE word (instr->x: `EXPOSE $PORT` with PORT=22,
 * and a variable holding "22 80" gives two words) is read the way Docker's
 * nat.ParsePortSpec reads it: [ip:][hostport:]port[-port][/proto]; the
 * container port or range is checked.  A range holding 22 or 23 (20-25)
 * counts; /udp and /sctp do not (SSH and telnet are TCP). */
#include <string.h>
#include <strings.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

/* Parse a decimal port (1-5 digits) from s[0..n); -1 when not one. */
static long port_num(const char *s, size_t n) {
        long v = 0;
        if (n == 0 || n > 5)
                return -1;
        for (size_t i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -1;
                v = v * 10 + (s[i] - '0');
        }
        return v;
}

/* Bit 0: the word covers 22/tcp; bit 1: 23/tcp. */
static unsigned ports_in(const char *w, size_t len) {
        const char *slash = memchr(w, '/', len), *colon, *dash, *p;
        size_t n = slash ? (size_t)(slash - w) : len;
        long lo, hi;
        unsigned r = 0;

        if (slash && strcasecmp(slash + 1, "tcp") != 0)
                return 0;
        /* the container port is after the last ':' */
        colon = NULL;
        for (p = w; p < w + n; p++)
                if (*p == ':')
                        colon = p;
        if (colon) {
                n -= (size_t)(colon + 1 - w);
                w = colon + 1;
        }
        dash = memchr(w, '-', n);
        if (dash) {
                lo = port_num(w, (size_t)(dash - w));
                hi = port_num(dash + 1, n - (size_t)(dash + 1 - w));
        } else {
                lo = hi = port_num(w, n);
        }
        if (lo < 0 || hi < 0)
                return 0;
        if (lo <= 22 && 22 <= hi)
                r |= 1;
        if (lo <= 23 && 23 <= hi)
                r |= 2;
        return r;
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
