/* HS1013 pinned-versions: FROM with a tag but no digest (advice).
 *
 * A tag is mutable: node:20.11-slim is re-pushed with every Debian security
 * update.  Pinning by digest (node:20.11-slim@sha256:...) makes the build
 * reproducible; the tag then only documents what the digest is.  Every
 * stage counts.  Not for FROM <stage>, FROM scratch, or an untagged / latest
 * reference (HS1012 reports those). */
#include "lint/engine.h"
#include "lint/rules/common.h"

static void check(struct hull_lint_ctx *c) {
        for (size_t i = 0; i < c->m->nstages; i++) {
                const struct hull_df_stage *s = &c->m->stages[i];

                if (!hull_lint_stage_pulls_image(s) || !s->ref.tag || s->ref.digest ||
                    hull_image_ref_is_latest(&s->ref))
                        continue;
                hull_lint_report(
                        c, hull_lint_from_image_pos(s), NULL,
                        "'%s' is pinned by tag only; the tag can move to a different image",
                        s->ref.familiar);
        }
}

const struct hull_rule hull_rule_HS1013 = {
        .id = "HS1013",
        .slug = "pinned-versions",
        .severity = HULL_SEV_INFO,
        .title = "Base image not pinned by digest",
        .rationale =
                "Tags are mutable: the same tag is re-pushed with new content, so builds are not "
                "reproducible and a compromised registry account can swap the base image.",
        .fix = "Add the digest to the reference: FROM image:tag@sha256:<digest> (docker buildx "
               "imagetools "
               "inspect image:tag shows it)",
        .hadolint = NULL,
        .trivy = NULL,
        .check = check,
};
