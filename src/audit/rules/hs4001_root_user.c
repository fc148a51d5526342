/* HS4001 non-root-user: the image runs as root.
 *
 * Decided on the image config as a runtime reads it: Config.User empty (or
 * absent) means uid 0; so do "root", "0", "0000", "0:0", "root:root" and
 * any name the final view's /etc/passwd maps to uid 0 (an alias such as
 * "toor").  A name that /etc/passwd does not know is HS4002's: the
 * container does not start at all. */
#include <string.h>

#include "audit/audit.h"
#include "audit/common.h"
#include "basic/err.h"
#include "lint/rules/common.h"

static void audit(struct hull_audit_ctx *c) {
        const char *user = c->config->config.user;
        struct hull_audit_where w = {.field = "config.User"};
        char name[256];
        size_t ul;
        uint32_t uid;

        if (!user || !user[0]) {
                hull_audit_report(c, &w, NULL,
                                  "the image sets no user (Config.User is empty), so the "
                                  "container runs as root");
                return;
        }
        if (hull_lint_user_is_root(user)) {
                hull_audit_report(c, &w, NULL, "Config.User is '%s', which is root", user);
                return;
        }
        ul = strcspn(user, ":");
        if (ul == 0 || ul >= sizeof(name))
                return;
        memcpy(name, user, ul);
        name[ul] = '\0';
        if (!hull_audit_parse_id(name, ul, &uid) && hull_audit_user_uid(c, name, &uid) == HULL_OK &&
            uid == 0)
                hull_audit_report(c, &w, NULL,
                                  "Config.User is '%s', which /etc/passwd maps to uid 0 (root)",
                                  user);
}

const struct hull_rule hull_rule_HS4001 = {
        .id = "HS4001",
        .slug = "non-root-user",
        .severity = HULL_SEV_HIGH,
        .title = "Image runs as root",
        .rationale = "A process running as root in the container is root on the host's kernel: any "
                     "escape or mounted path becomes a full compromise.",
        .fix = "Rebuild with a non-root user: RUN useradd -r -u 10001 app, then USER 10001 as the "
               "last USER of the final stage",
        .hadolint = NULL,
        .trivy = "DS002",
        .audit = audit,
};
