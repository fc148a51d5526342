/* HS3001 no-hardcoded-secrets: ENV or ARG default whose name says secret,
 * with a literal value.
 *
 * `ENV DB_PASSWORD=hunter2` and `ARG GITHUB_TOKEN=ghp_...` put the value in
 * the image config or the build history for anyone who can pull the image.
 * The name decides (hull_lint_secret_name: *_PASSWORD, *_TOKEN, *_SECRET,
 * API_KEY, ...); the value is looked at only to rule out what is not a
 * secret: an empty expansion, a value that is only $references (`${TOKEN}`:
 * the secret, if any, comes from a build argument), booleans and switches
 * (`MYSQL_ALLOW_EMPTY_PASSWORD=yes`), file paths
 * (`GOOGLE_APPLICATION_CREDENTIALS=/run/secrets/gcp.json`), placeholders
 * (`changeme`, `<TOKEN>`, `xxxx`) and values on the secret allow-list.
 * Every instruction of every stage counts (a builder stage's ENV is still in
 * the Dockerfile and the build history), ONBUILD ENV/ARG triggers too. */
#include <string.h>
#include <strings.h>

#include "lint/engine.h"
#include "lint/rules/common.h"
#include "lint/secretish.h"

static bool switch_value(const char *v) {
        static const char *const words[] = {
                "true", "false", "yes", "no", "on",      "off",
                "y",    "n",     "0",   "1",  "enabled", "disabled",
        };
        for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
                if (strcasecmp(v, words[i]) == 0)
                        return true;
        return false;
}

static bool path_value(const char *v) {
        return v[0] == '/' || strncmp(v, "./", 2) == 0 || strncmp(v, "../", 3) == 0 ||
               strncmp(v, "~/", 2) == 0;
}

static void check_kv(struct hull_lint_ctx *c, const char *what, const struct hull_df_kv *kv) {
        const char *key = kv->key_x ? kv->key_x : kv->key.s, *v = kv->value_x;
        size_t n = kv->value_x_len;
        char unq[512], mask[16];

        if (!kv->value.s || !hull_lint_secret_name(key) ||
            hull_lint_only_refs(kv->value.s, kv->value.len))
                return;
        if (!v) {
                /* not expanded (ONBUILD triggers): the raw value, outer quotes removed */
                v = kv->value.s;
                n = kv->value.len;
                if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
                        v++;
                        n -= 2;
                }
                if (n >= sizeof(unq))
                        n = sizeof(unq) - 1;
                memcpy(unq, v, n);
                unq[n] = '\0';
                v = unq;
        }
        if (n == 0 || strlen(v) != n || switch_value(v) || path_value(v) ||
            hull_secretish_placeholder(v, n) || hull_lint_secret_allowed(c, v))
                return;
        hull_lint_report(c, kv->key.pos, NULL, "%s %s sets a literal secret (%s)", what, key,
                         hull_lint_mask(v, n, mask, sizeof(mask)));
}

static void check(struct hull_lint_ctx *c) {
        for (size_t i = 0; i < c->m->ninstrs; i++) {
                const struct hull_df_instr *in = &c->m->instrs[i];
                enum hull_df_kind k = in->kind;
                bool onbuild = k == HULL_DF_ONBUILD && in->node->inner;
                const char *what;

                if (onbuild)
                        k = in->node->inner->kind;
                if (k == HULL_DF_ENV)
                        what = onbuild ? "ONBUILD ENV" : "ENV";
                else if (k == HULL_DF_ARG)
                        what = onbuild ? "ONBUILD ARG" : "ARG";
                else
                        continue;
                for (size_t j = 0; j < in->nkvs; j++)
                        check_kv(c, what, &in->kvs[j]);
        }
}

const struct hull_rule hull_rule_HS3001 = {
        .id = "HS3001",
        .slug = "no-hardcoded-secrets",
        .severity = HULL_SEV_CRITICAL,
        .title = "Secret in ENV or ARG",
        .rationale =
                "ENV values are stored in the image config and ARG defaults in the build history: "
                "anyone who can pull the image can read a password or token set there.",
        .fix = "Remove the value; read the secret at build time with RUN "
               "--mount=type=secret,id=<name> "
               "and pass it to the container at run time (environment, mounted file, secret store)",
        .hadolint = NULL,
        .trivy = "DS031",
        .check = check,
};
