/* HS4003 healthcheck: the image has no health check.
 *
 * Read from the config, where the base image's HEALTHCHECK is already
 * merged in: no Healthcheck, one whose Test is empty (nothing to inherit
 * any more), or Test ["NONE"] (a HEALTHCHECK NONE that turned the base
 * image's check off). */
#include <strings.h>

#include "audit/audit.h"

static void audit(struct hull_audit_ctx *c) {
        const struct hull_oci_healthcheck *h = c->config->config.healthcheck;
        struct hull_audit_where w = {.field = "config.Healthcheck"};

        if (!h || h->ntest == 0)
                hull_audit_report(c, &w, NULL, "the image defines no health check");
        else if (strcasecmp(h->test[0], "NONE") == 0)
                hull_audit_report(c, &w, NULL,
                                  "the image's health check is disabled (Test is [\"NONE\"])");
}

const struct hull_rule hull_rule_HS4003 = {
        .id = "HS4003",
        .slug = "healthcheck",
        .severity = HULL_SEV_LOW,
        .title = "Image without a health check",
        .rationale = "Without a health check the runtime only knows that the process runs, not "
                     "that it serves: a hung service stays 'up' and keeps receiving traffic.",
        .fix = "Add a HEALTHCHECK that probes the service, e.g. HEALTHCHECK CMD wget -qO- "
               "http://localhost:8080/healthz || exit 1 (or define the probe in the "
               "orchestrator)",
        .hadolint = NULL,
        .trivy = "DS026",
        .audit = audit,
};
