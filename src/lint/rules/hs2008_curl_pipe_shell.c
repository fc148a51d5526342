/* HS2008 pinned-versions: a download run as code without verification.
 *
 * Caught on the shell model of every RUN (shell form and `RUN <<EOF`
 * scripts, continuations included), in every stage, by the detector
 * lint/curlpipe.h shares with the image audit's HS4015:
 *   curl ... | sh        wget -qO- ... | sudo bash -s -- -y
 *   curl ... | python3   bash <(curl ...)   sh -c "$(curl ...)"   eval "$(curl ...)"
 * Downloading to a file and running it is not flagged, nor JSON-form RUN. */
#include "lint/curlpipe.h"
#include "lint/engine.h"
#include "lint/rules/common.h"

struct run_ctx {
        struct hull_lint_ctx *c;
        const struct hull_df_instr *run;
};

static void report(const struct hull_curlpipe_hit *h, void *ud) {
        struct run_ctx *r = ud;
        struct hull_pos pos = hull_lint_cmd_pos(r->run, h->runner);

        if (h->piped && h->url)
                hull_lint_report(
                        r->c, pos, NULL,
                        "'%s' is downloaded by %s and piped into %s, which runs it unverified",
                        h->url->text, h->tool, h->runner_name);
        else if (h->piped)
                hull_lint_report(r->c, pos, NULL,
                                 "%s output is piped into %s, which runs it unverified", h->tool,
                                 h->runner_name);
        else if (h->url)
                hull_lint_report(
                        r->c, pos, NULL,
                        "'%s' is downloaded by %s and run by %s from a substitution, unverified",
                        h->url->text, h->tool, h->runner_name);
        else
                hull_lint_report(r->c, pos, NULL,
                                 "%s output is run by %s from a substitution, unverified", h->tool,
                                 h->runner_name);
}

static void check(struct hull_lint_ctx *c) {
        for (size_t i = 0; i < c->m->ninstrs; i++) {
                const struct hull_df_instr *in = &c->m->instrs[i];
                struct run_ctx r = {c, in};
                if (in->kind == HULL_DF_RUN && in->sh)
                        hull_curlpipe_find(in->sh, report, &r);
        }
}

const struct hull_rule hull_rule_HS2008 = {
        .id = "HS2008",
        .slug = "pinned-versions",
        .severity = HULL_SEV_HIGH,
        .title = "Downloaded script piped into a shell",
        .rationale =
                "curl | sh runs whatever the server sends at build time, with no version, checksum "
                "or "
                "signature: a compromised or hijacked URL executes arbitrary code in the build.",
        .fix = "Download to a file, verify its sha256 (echo \"<sum>  file\" | sha256sum -c -), "
               "then run it; "
               "or install a pinned package instead",
        .hadolint = NULL,
        .trivy = NULL,
        .check = check,
};
