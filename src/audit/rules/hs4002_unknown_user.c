/* HS4002 non-root-user: Config.User names a user or group the image does
 * not have.
 *
 * runc resolves a user name through the image's /etc/passwd (and a group
 * name through /etc/group) when the container starts; a name that is not
 * there, or no such file at all, makes `docker run` fail with "unable to
 * find user app: no matching entries in passwd file".  Numeric ids need no
 * entry and are fine.  Files are read from the final view, links followed;
 * a database present but larger than the capture limit is not judged. */
#include <string.h>

#include "audit/audit.h"
#include "audit/common.h"
#include "basic/err.h"

enum lookup { FOUND, MISSING_NAME, MISSING_FILE, UNKNOWN };

/* Look the name s[0..n) up in the database at path. */
static enum lookup lookup(struct hull_audit_ctx *c, const char *path, const char *s, size_t n) {
        const struct hull_layers_node *node;
        const char *data;
        size_t len;
        uint32_t id;

        if (hull_audit_parse_id(s, n, &id))
                return FOUND;
        data = hull_audit_final_content(c, path, &len);
        if (!data) {
                if (c->L &&
                    hull_layers_lookup(c->L, path, HULL_LAYERS_FOLLOW, &node, NULL) == HULL_OK)
                        return UNKNOWN; /* present but not captured (too large) */
                return MISSING_FILE;
        }
        return hull_audit_db_lookup(data, len, s, n, &id) == HULL_OK ? FOUND : MISSING_NAME;
}

static void audit(struct hull_audit_ctx *c) {
        const char *user = c->config->config.user, *colon;
        struct hull_audit_where w = {.field = "config.User"};
        size_t ul;

        if (!user || !user[0])
                return;
        colon = strchr(user, ':');
        ul = colon ? (size_t)(colon - user) : strlen(user);
        if (ul > 0) {
                switch (lookup(c, "etc/passwd", user, ul)) {
                case MISSING_NAME:
                        hull_audit_report(c, &w, NULL,
                                          "Config.User is '%s' but /etc/passwd has no user '%.*s': "
                                          "the container will not start",
                                          user, (int)ul, user);
                        break;
                case MISSING_FILE:
                        hull_audit_report(
                                c, &w, NULL,
                                "Config.User is '%s' but the image has no /etc/passwd "
                                "to resolve the name '%.*s': the container will not start",
                                user, (int)ul, user);
                        break;
                case FOUND:
                case UNKNOWN: break;
                }
        }
        if (colon && colon[1]) {
                const char *g = colon + 1;
                switch (lookup(c, "etc/group", g, strlen(g))) {
                case MISSING_NAME:
                        hull_audit_report(c, &w, NULL,
                                          "Config.User is '%s' but /etc/group has no group '%s': "
                                          "the container will not start",
                                          user, g);
                        break;
                case MISSING_FILE:
                        hull_audit_report(c, &w, NULL,
                                          "Config.User is '%s' but the image has no /etc/group "
                                          "to resolve the group '%s': the container will not start",
                                          user, g);
                        break;
                case FOUND:
                case UNKNOWN: break;
                }
        }
}

const struct hull_rule hull_rule_HS4002 = {
        .id = "HS4002",
        .slug = "non-root-user",
        .severity = HULL_SEV_MEDIUM,
        .title = "Image user or group does not exist",
        .rationale = "A user or group name that the image's /etc/passwd or /etc/group does not "
                     "define cannot be resolved when the container starts: it fails, and a "
                     "workaround is often to drop USER and run as root.",
        .fix = "Create the user and group in the image (useradd/adduser) or set USER to numeric "
               "ids (USER 10001:10001)",
        .hadolint = NULL,
        .trivy = NULL,
        .audit = audit,
};
