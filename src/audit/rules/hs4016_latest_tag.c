/* HS4016 other: "latest" is the image's only tag.
 *
 * img->tags holds every name the archive gives the image (RepoTags of a
 * docker-archive, ref.name / io.containerd.image.name annotations of an
 * OCI layout).  A name's tag is what follows the last ':' after its last
 * '/'; a name with '@' (a digest reference) is pinned, not latest.  A name
 * without a tag is Docker's implicit :latest when it names a repository
 * (holds a '/'); a bare word is an OCI ref.name and is the tag itself
 * ("latest", "1.2").  The rule fires when the image has names and every one
 * is latest; an image saved by id (no names) is left alone. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"

static bool is_latest(const char *name) {
        const char *slash = strrchr(name, '/'), *last = slash ? slash + 1 : name;
        const char *colon = strrchr(last, ':');

        if (strchr(name, '@'))
                return false;
        if (colon)
                return strcmp(colon + 1, "latest") == 0;
        return slash ? true : strcmp(name, "latest") == 0;
}

static void audit(struct hull_audit_ctx *c) {
        const struct hull_image *img = c->img;
        char names[512];
        size_t l = 0;

        if (img->ntags == 0)
                return;
        for (size_t i = 0; i < img->ntags; i++)
                if (!img->tags[i] || !is_latest(img->tags[i]))
                        return;
        names[0] = '\0';
        for (size_t i = 0; i < img->ntags && l + 1 < sizeof(names); i++) {
                int w = snprintf(names + l, sizeof(names) - l, "%s'%s'", i ? ", " : "",
                                 img->tags[i]);
                if (w < 0)
                        break;
                l += (size_t)w;
        }
        /* the names come from docker-archive RepoTags or OCI ref.name annotations */
        struct hull_audit_where w = {.field = "tags"};
        hull_audit_report(c, &w, NULL,
                          "the image's only tag is latest (%s): it names whatever was built "
                          "last, so deployments cannot pin or roll back a version",
                          names);
}

const struct hull_rule hull_rule_HS4016 = {
        .id = "HS4016",
        .slug = "other",
        .severity = HULL_SEV_LOW,
        .title = "Image tagged only latest",
        .rationale = "latest is overwritten by every build: what runs cannot be traced to a "
                     "version, and a rollback or a reproducible deployment has nothing to name.",
        .fix = "Tag the image with a version or the commit id (app:1.4.2, app:git-3f2a1c9) and "
               "deploy that tag or the digest",
        .hadolint = NULL,
        .trivy = NULL,
        .audit = audit,
};
