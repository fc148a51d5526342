/* HS1012 pinned-versions: FROM without a tag, or with ":latest".
 *
 * Every stage counts, builders too: an unpinned builder makes the build as
 * unreproducible as an unpinned final stage.  Decided on the expanded
 * reference (stage->ref), so `ARG TAG=latest` + `FROM node:${TAG}` and a
 * --build-arg that empties the tag are caught.  FROM <stage>, FROM scratch,
 * a digest-pinned reference (node@sha256:..., even node:latest@sha256:...)
 * and a base that does not expand to a valid reference are not flagged. */
#include <string.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

static void check(struct hull_lint_ctx *c) {
        for (size_t i = 0; i < c->m->nstages; i++) {
                const struct hull_df_stage *s = &c->m->stages[i];
                const char *what;

                if (!hull_lint_stage_pulls_image(s) || !hull_image_ref_is_latest(&s->ref))
                        continue;
                what = s->ref.tag_implied
                               ? "has no tag, so it pulls whatever 'latest' is at build time"
                               : "uses the moving 'latest' tag";
                if (s->base_raw && strcmp(s->base_raw, s->base) != 0)
                        hull_lint_report(c, hull_lint_from_image_pos(s), NULL,
                                         "'%s' expands to '%s', which %s", s->base_raw,
                                         s->ref.familiar, what);
                else
                        hull_lint_report(c, hull_lint_from_image_pos(s), NULL, "'%s' %s",
                                         s->ref.familiar, what);
        }
}

const struct hull_rule hull_rule_HS1012 = {
        .id = "HS1012",
        .slug = "pinned-versions",
        .severity = HULL_SEV_MEDIUM,
        .title = "Base image without a version tag",
        .rationale =
                "An image without a tag, or tagged latest, is whatever was pushed last: two builds "
                "of the same Dockerfile can get different bases, and a breaking or compromised "
                "release is picked up silently.",
        .fix = "Pin the base image to a version tag (node:20.11-slim), ideally with its digest",
        .hadolint = "DL3006,DL3007",
        .trivy = "DS001",
        .check = check,
};
