/* HS4015 other: a download piped into a shell, seen in the image history.
 *
 * The RUN entries of the history (common.h: "RUN /bin/sh -c ... # buildkit",
 * "/bin/sh -c ...", "|1 A=b /bin/sh -c ...", SHELL prefixes too) are read
 * with the shell model (dockerfile/shell.h) and the detector of
 * lint/curlpipe.h, as hullscan lint's HS2008 reads a Dockerfile's RUN:
 *   curl ... | sh        wget -qO- ... | sudo bash -s -- -y
 *   curl ... | python3   bash <(curl ...)   sh -c "$(curl ...)"   eval "$(curl ...)"
 * A download saved to a file and run is not flagged. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/common.h"
#include "basic/err.h"
#include "dockerfile/shell.h"
#include "lint/curlpipe.h"

struct run_ctx {
        struct hull_audit_ctx *c;
        const struct hull_audit_where *w;
};

static void report(const struct hull_curlpipe_hit *h, void *ud) {
        struct run_ctx *r = ud;
        struct hull_audit_ctx *c = r->c;
        const struct hull_sh_word *u = h->url;
        char url[256];

        if (u) /* no credentials in messages: user-info and tokens masked */
                hull_audit_url_str(c, u->text, u->len, url, sizeof(url));
        if (u && h->piped)
                hull_audit_report(c, r->w, NULL,
                                  "'%s' is downloaded by %s and piped into %s, which runs it "
                                  "unverified",
                                  url, h->tool, h->runner_name);
        else if (h->piped)
                hull_audit_report(c, r->w, NULL,
                                  "%s output is piped into %s, which runs it unverified", h->tool,
                                  h->runner_name);
        else if (u)
                hull_audit_report(c, r->w, NULL,
                                  "'%s' is downloaded by %s and run by %s from a substitution, "
                                  "unverified",
                                  url, h->tool, h->runner_name);
        else
                hull_audit_report(c, r->w, NULL,
                                  "%s output is run by %s from a substitution, unverified", h->tool,
                                  h->runner_name);
}

static void run(struct hull_audit_ctx *c, const struct hull_audit_hist *h,
                const struct hull_audit_where *w, void *ud) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_sh_script sh;

        if (hull_sh_parse(&a, h->args, h->args_len, &sh, NULL) == HULL_OK) {
                struct run_ctx r = {c, w};
                hull_curlpipe_find(&sh, report, &r);
        }
        hull_arena_release(&a);
}

static void audit(struct hull_audit_ctx *c) {
        hull_audit_each_history(c, "RUN", run, NULL);
}

const struct hull_rule hull_rule_HS4015 = {
        .id = "HS4015",
        .slug = "other",
        .severity = HULL_SEV_HIGH,
        .title = "Image built by piping a download into a shell",
        .rationale = "curl | sh ran whatever the server sent at build time, with no version, "
                     "checksum or signature: the image holds code nobody reviewed.",
        .fix = "Rebuild downloading to a file and verifying its sha256 before running it, or "
               "install a pinned package instead",
        .hadolint = NULL,
        .trivy = NULL,
        .audit = audit,
};
