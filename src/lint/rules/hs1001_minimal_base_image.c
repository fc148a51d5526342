/* HS1001 minimal-base-image: the final image is built on a full distribution
 * or language image although a slim, alpine, minimal or distroless variant
 * exists.
 *
 * The base is the image the final stage ultimately builds on (through FROM
 * <stage> chains), after ARG expansion.  Which images are full, which tags
 * are already minimal and what to suggest comes from the curated table in
 * src/lint/base_images.c; an image not in it is never flagged.  A
 * digest-only reference (node@sha256:...) names no variant and is left
 * alone.  Builder stages may use any image. */
#include <ctype.h>
#include <stdio.h>

#include "lint/base_images.h"
#include "lint/engine.h"
#include "lint/rules/common.h"

static void check(struct hull_lint_ctx *c) {
        const struct hull_df_stage *r = hull_lint_root_stage(c, hull_lint_final(c));
        const struct hull_base_image *b;
        char suggest[512], fix[512];

        if (!hull_lint_stage_pulls_image(r) || (!r->ref.tag && r->ref.digest))
                return;
        b = hull_base_image_find(r->ref.name);
        if (!b || hull_base_image_tag_minimal(b, r->ref.tag))
                return;
        hull_base_image_suggest(b, r->ref.tag, suggest, sizeof(suggest));
        snprintf(fix, sizeof(fix), "%s", suggest);
        fix[0] = (char)toupper((unsigned char)fix[0]);
        hull_lint_report(c, hull_lint_from_image_pos(r), fix,
                         "the final image is built on '%s', which has a smaller alternative: %s",
                         r->ref.familiar, suggest);
}

const struct hull_rule hull_rule_HS1001 = {
        .id = "HS1001",
        .slug = "minimal-base-image",
        .severity = HULL_SEV_MEDIUM,
        .title = "Final image uses a full base image",
        .rationale =
                "A full distribution or language image ships compilers, package managers and "
                "hundreds of packages the application never uses: a bigger image, slower pulls "
                "and more vulnerabilities to patch.",
        .fix = "Use the slim, alpine, minimal or distroless variant of the base image for the "
               "final stage",
        .hadolint = NULL,
        .trivy = NULL,
        .check = check,
};
