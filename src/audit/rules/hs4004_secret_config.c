/* HS4004 no-hardcoded-secrets: a secret in the image config's Env or Labels.
 *
 * Both are readable by anyone who can pull the image (docker inspect, the
 * registry's config blob).  An entry is reported once, for the first of:
 *  - its name says secret (hull_lint_secret_name: *_PASSWORD, *_TOKEN,
 *    API_KEY, ...) and its value could be the secret itself
 *    (hull_audit_literal_secret: not empty, a switch, a path, a placeholder,
 *    a $reference or on the allow-list);
 *  - its value has the shape of a secret, whatever the name
 *    (hull_secretish_find over "KEY=value": cloud and SaaS tokens, private
 *    key headers, JWTs, passwords in URLs), unless allow-listed.
 * Messages show the value masked (hull_lint_mask). */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/common.h"
#include "basic/err.h"
#include "lint/rules/common.h"
#include "lint/secretish.h"

/* Check one KEY=value; text is "KEY=value" (for the shape search), what
 * "Env" or "Label". */
static void check(struct hull_audit_ctx *c, const struct hull_audit_where *w, const char *what,
                  const char *key, size_t key_len, const char *value, const char *text) {
        struct hull_secretish_hit h;
        char name[256], mask[64];
        size_t n = strlen(value), tn = strlen(text), from = 0;

        if (key_len == 0 || key_len >= sizeof(name) || hull_audit_secret_allowed(c, value))
                return;
        memcpy(name, key, key_len);
        name[key_len] = '\0';
        if (hull_lint_secret_name(name) && hull_audit_literal_secret(c, value, n)) {
                hull_audit_report(c, w, NULL, "%s %s holds a literal secret (%s)", what, name,
                                  hull_lint_mask(value, n, mask, sizeof(mask)));
                return;
        }
        while (from < tn && hull_secretish_find(text + from, tn - from, &h)) {
                const char *p = text + from + h.off;
                from += h.off + h.len;
                if (hull_lint_config_allowed(c->cfg, p, h.len))
                        continue;
                if (h.mask)
                        hull_lint_mask(p, h.len, mask, sizeof(mask));
                else
                        snprintf(mask, sizeof(mask), "%.*s", (int)(h.len < 40 ? h.len : 40), p);
                hull_audit_report(c, w, NULL, "%s %s holds %s (%s)", what, name, h.description,
                                  mask);
                return;
        }
}

static void audit(struct hull_audit_ctx *c) {
        const struct hull_oci_exec_config *x = &c->config->config;
        char field[512];

        for (size_t i = 0; i < x->nenv; i++) {
                const char *e = x->env[i], *eq = strchr(e, '=');
                struct hull_audit_where w = {.field = field};
                if (!eq)
                        continue;
                snprintf(field, sizeof(field), "config.Env[%zu]", i);
                check(c, &w, "Env", e, (size_t)(eq - e), eq + 1, e);
        }
        for (size_t i = 0; i < x->nlabels; i++) {
                const struct hull_oci_annotation *l = &x->labels[i];
                struct hull_audit_where w = {.field = field};
                char *text;
                size_t kl = strlen(l->key), vl = strlen(l->value);

                snprintf(field, sizeof(field), "config.Labels.%s", l->key);
                text = hull_arena_alloc(c->arena, kl + vl + 2);
                if (!text) {
                        c->err = HULL_ENOMEM;
                        return;
                }
                memcpy(text, l->key, kl);
                text[kl] = '=';
                memcpy(text + kl + 1, l->value, vl + 1);
                check(c, &w, "Label", l->key, kl, l->value, text);
        }
}

const struct hull_rule hull_rule_HS4004 = {
        .id = "HS4004",
        .slug = "no-hardcoded-secrets",
        .severity = HULL_SEV_CRITICAL,
        .title = "Secret in the image config (Env, Labels)",
        .rationale = "Environment variables and labels are stored in the image config: anyone who "
                     "can pull the image reads a password or token set there.",
        .fix = "Remove the value from ENV/LABEL, rotate the secret, and pass it to the container "
               "at run time (environment, mounted secret file, secret store)",
        .hadolint = NULL,
        .trivy = NULL,
        .audit = audit,
};
