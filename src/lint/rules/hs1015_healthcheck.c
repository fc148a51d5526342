/* HS1015 healthcheck: a service image without a HEALTHCHECK.
 *
 * The final stage is a service when it, or a stage it is built FROM, has
 * CMD, ENTRYPOINT or EXPOSE.  It needs a HEALTHCHECK (inherited through FROM
 * <stage> too: stage->healthcheck); `HEALTHCHECK NONE` turns the base
 * image's check off and is reported at its line.  What the base image itself
 * declares is not known, so an image with none of CMD, ENTRYPOINT and
 * EXPOSE in the Dockerfile is left alone, and so is one whose command is an
 * interactive shell or REPL without arguments (CMD ["python3"], CMD bash,
 * ENTRYPOINT ["pwsh"]: the language and tool images) unless it EXPOSEs. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

/* Whether the CMD/ENTRYPOINT runs an interactive shell or REPL with at most
 * option arguments (CMD ["bash", "--login", "-i"]). */
static bool interactive(const struct hull_df_instr *in) {
        static const char *const repls[] = {
                "sh",   "bash",       "zsh",  "ash",    "dash", "ksh",   "fish",  "python",
                "pypy", "ipython",    "irb",  "jshell", "node", "julia", "ghci",  "iex",
                "erl",  "powershell", "pwsh", "cmd",    "R",    "lua",   "scala", "groovysh",
        };
        const struct hull_df_node *n = in->node->inner ? in->node->inner : in->node;
        const char *w, *base;
        size_t len, blen;

        if (n->nvalues == 0)
                return false;
        w = n->values[0].s;
        len = n->json ? n->values[0].len : strcspn(w, " \t");
        for (size_t i = 1; n->json && i < n->nvalues; i++)
                if (n->values[i].s[0] != '-')
                        return false;
        for (const char *p = w + len; !n->json && *p;) {
                p += strspn(p, " \t");
                if (*p && *p != '-')
                        return false;
                p += strcspn(p, " \t");
        }
        base = w;
        for (size_t i = 0; i < len; i++)
                if (w[i] == '/' || w[i] == '\\')
                        base = w + i + 1;
        blen = (size_t)(w + len - base);
        if (blen > 4 && strncasecmp(base + blen - 4, ".exe", 4) == 0)
                blen -= 4;
        while (blen && (isdigit((unsigned char)base[blen - 1]) || base[blen - 1] == '.'))
                blen--; /* python3.12, pypy3 */
        for (size_t i = 0; i < sizeof(repls) / sizeof(repls[0]); i++)
                if (strlen(repls[i]) == blen && strncmp(base, repls[i], blen) == 0)
                        return true;
        return false;
}

/* What makes the final stage a service, for the message; NULL when nothing does. */
static const char *service_reason(const struct hull_lint_ctx *c, const struct hull_df_stage *s,
                                  char *buf, size_t n) {
        for (const struct hull_df_stage *t = s; t;) {
                for (size_t i = 0; i < t->ninstrs; i++) {
                        const struct hull_df_instr *in = t->instrs[i];
                        if (in->kind == HULL_DF_EXPOSE && in->nx > 0) {
                                snprintf(buf, n, "it exposes %s", in->x[0]);
                                return buf;
                        }
                }
                t = t->base_stage == HULL_DF_NO_STAGE || t->base_stage >= t->index
                            ? NULL
                            : &c->m->stages[t->base_stage];
        }
        if (s->cmd ? interactive(s->cmd) : s->entrypoint && interactive(s->entrypoint))
                return NULL;
        if (s->entrypoint)
                return "it has an ENTRYPOINT";
        if (s->cmd)
                return "it has a CMD";
        return NULL;
}

static void check(struct hull_lint_ctx *c) {
        const struct hull_df_stage *s = hull_lint_final(c);
        const struct hull_df_instr *hc = s->healthcheck;
        const char *why;
        char buf[128];

        if (!(why = service_reason(c, s, buf, sizeof(buf))))
                return;
        if (!hc)
                hull_lint_report(c, s->from->node->cmd.pos, NULL,
                                 "the final image has no HEALTHCHECK although %s", why);
        else if (hc->node->nvalues > 0 && strcasecmp(hc->node->values[0].s, "NONE") == 0)
                hull_lint_report(
                        c, hc->node->cmd.pos, NULL,
                        "HEALTHCHECK NONE disables health checking of the final image although %s",
                        why);
}

const struct hull_rule hull_rule_HS1015 = {
        .id = "HS1015",
        .slug = "healthcheck",
        .severity = HULL_SEV_MEDIUM,
        .title = "Service image without a HEALTHCHECK",
        .rationale = "Without a health check Docker only knows that the process runs, not that it "
                     "serves: "
                     "a hung or deadlocked service stays 'up' and keeps receiving traffic.",
        .fix = "Add a HEALTHCHECK that probes the service, e.g. HEALTHCHECK CMD wget -qO- "
               "http://localhost:8080/healthz || exit 1",
        .hadolint = NULL,
        .trivy = "DS026",
        .check = check,
};
