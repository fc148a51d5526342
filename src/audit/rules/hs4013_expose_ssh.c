/* HS4013 other: the config exposes the SSH (22) or telnet (23) port.
 *
 * ExposedPorts keys are "port/proto" ("22/tcp"; a bare "22" is TCP, as
 * Docker's nat.NewPort reads it).  Docker expands EXPOSE ranges into one
 * key per port, but a hand-written config may hold "20-25/tcp": a range
 * holding 22 or 23 counts.  UDP and SCTP do not (SSH and telnet are TCP). */
#include <string.h>

#include "audit/audit.h"
#include "lint/rules/common.h"

static void audit(struct hull_audit_ctx *c) {
        const struct hull_oci_exec_config *x = &c->config->config;
        struct hull_audit_where w = {.field = "config.ExposedPorts"};

        for (size_t i = 0; i < x->nexposed_ports; i++) {
                const char *k = x->exposed_ports[i];
                unsigned lo, hi;

                if (!hull_lint_tcp_ports(k, strlen(k), &lo, &hi))
                        continue;
                if (lo <= 22 && hi >= 22)
                        hull_audit_report(c, &w, NULL,
                                          "the image exposes port %s, the SSH port: an SSH server "
                                          "in a container is a second way in",
                                          k);
                else if (lo <= 23 && hi >= 23)
                        hull_audit_report(c, &w, NULL,
                                          "the image exposes port %s, the telnet port: telnet "
                                          "sends passwords in clear text",
                                          k);
        }
}

const struct hull_rule hull_rule_HS4013 = {
        .id = "HS4013",
        .slug = "other",
        .severity = HULL_SEV_MEDIUM,
        .title = "Image exposes the SSH or telnet port",
        .rationale = "An SSH or telnet server in a container is a second way in, with its own "
                     "credentials and keys to leak; containers are entered with docker exec / "
                     "kubectl exec.",
        .fix = "Remove the EXPOSE of 22/23 and the SSH/telnet server; use docker exec or kubectl "
               "exec to get a shell",
        .hadolint = NULL,
        .trivy = "DS004",
        .audit = audit,
};
