/* HS2011 other: a base image from outside the configured trusted registries.
 *
 * Only active when the configuration lists trusted registries
 * (lint: trusted-registries: in .hullscan.yaml).  Every stage's expanded base image
 * counts (a builder pulled from an unknown registry runs code in the build
 * too); FROM <stage> and FROM scratch do not.  An entry is a registry host
 * ("registry.example.com", "localhost:5000", "docker.io"; "index.docker.io"
 * means docker.io, a scheme and trailing slashes are ignored, hosts compare
 * case-insensitively) or a repository prefix ("ghcr.io/myorg",
 * "docker.io/library"), matched against the normalized name, so "node"
 * is docker.io/library/node. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

/* Whether the normalized image name is covered by the configured entry. */
static bool trusted(const char *name, const char *entry) {
        char e[256];
        size_t n, host;

        if (strncmp(entry, "https://", 8) == 0)
                entry += 8;
        else if (strncmp(entry, "http://", 7) == 0)
                entry += 7;
        if (strncasecmp(entry, "index.docker.io", 15) == 0 && (entry[15] == 0 || entry[15] == '/'))
                snprintf(e, sizeof(e), "docker.io%s", entry + 15);
        else
                snprintf(e, sizeof(e), "%s", entry);
        n = strlen(e);
        while (n && e[n - 1] == '/')
                n--;
        if (n == 0)
                return false;
        /* the host part compares case-insensitively, the path exactly */
        host = strcspn(e, "/");
        if (host > n)
                host = n;
        if (strncasecmp(name, e, host) != 0 || strncmp(name + host, e + host, n - host) != 0)
                return false;
        return name[n] == 0 || name[n] == '/';
}

static void check(struct hull_lint_ctx *c) {
        if (!c->cfg || c->cfg->ntrusted == 0)
                return;
        for (size_t i = 0; i < c->m->nstages; i++) {
                const struct hull_df_stage *s = &c->m->stages[i];
                bool ok = false;

                if (!hull_lint_stage_pulls_image(s))
                        continue;
                for (size_t k = 0; k < c->cfg->ntrusted && !ok; k++)
                        ok = c->cfg->trusted_registries[k] &&
                             trusted(s->ref.name, c->cfg->trusted_registries[k]);
                if (!ok)
                        hull_lint_report(c, hull_lint_from_image_pos(s), NULL,
                                         "'%s' comes from %s, which is not a trusted registry",
                                         s->ref.familiar,
                                         s->ref.domain && *s->ref.domain ? s->ref.domain
                                                                         : s->ref.name);
        }
}

const struct hull_rule hull_rule_HS2011 = {
        .id = "HS2011",
        .slug = "other",
        .severity = HULL_SEV_MEDIUM,
        .title = "Base image from an untrusted registry",
        .rationale = "Images from registries outside the organisation's approved list bypass its "
                     "scanning, "
                     "mirroring and access control, and may be typo-squatted or withdrawn.",
        .fix = "Pull the base image from a trusted registry (mirror it there), or add the registry "
               "to "
               "trusted-registries",
        .hadolint = "DL3026",
        .trivy = NULL,
        .check = check,
};
