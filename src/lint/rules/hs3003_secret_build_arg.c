/* HS3003 no-hardcoded-secrets: a secret passed as a build argument.
 *
 * `ARG NPM_TOKEN` invites `docker build --build-arg NPM_TOKEN=...`, and a
 * build argument is not secret: every RUN of an image stage that can see it
 * records it in the image history (`docker history` shows
 * `RUN |1 NPM_TOKEN=... /bin/sh -c ...`), and BuildKit keeps build arguments
 * in the build's provenance and cache metadata.  Flagged: every ARG (global,
 * in any stage, ONBUILD ARG) whose name says secret (hull_lint_secret_name,
 * the table HS3001 uses), with or without a default; an ARG that is only
 * used by `RUN --mount=type=secret` is still flagged (its value stays
 * visible), and one with a literal default also gets HS3001. */
#include <string.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

static void check(struct hull_lint_ctx *c) {
        for (size_t i = 0; i < c->m->ninstrs; i++) {
                const struct hull_df_instr *in = &c->m->instrs[i];
                bool onbuild = in->kind == HULL_DF_ONBUILD && in->node->inner &&
                               in->node->inner->kind == HULL_DF_ARG;
                bool image;

                if (in->kind != HULL_DF_ARG && !onbuild)
                        continue;
                image = in->stage != HULL_DF_NO_STAGE && !onbuild &&
                        hull_lint_stage_is_final(c, in->stage);
                for (size_t j = 0; j < in->nkvs; j++) {
                        const struct hull_df_kv *kv = &in->kvs[j];
                        const char *key = kv->key_x ? kv->key_x : kv->key.s;
                        if (!hull_lint_secret_name(key))
                                continue;
                        hull_lint_report(c, kv->key.pos, NULL, "%s %s is a build argument: %s",
                                         onbuild ? "ONBUILD ARG" : "ARG", key,
                                         image ? "its value is recorded in the image history"
                                               : "its value is kept in the build's metadata "
                                                 "(provenance, cache)");
                }
        }
}

const struct hull_rule hull_rule_HS3003 = {
        .id = "HS3003",
        .slug = "no-hardcoded-secrets",
        .severity = HULL_SEV_MEDIUM,
        .title = "Secret passed as a build argument",
        .rationale =
                "Build arguments are recorded in the image history and in build metadata, so a "
                "token passed with --build-arg can be read by anyone with the image.",
        .fix = "Drop the ARG; pass the secret with docker build --secret id=<name>,env=<VAR> and "
               "read it "
               "in RUN --mount=type=secret,id=<name>",
        .hadolint = NULL,
        .trivy = NULL,
        .check = check,
};
