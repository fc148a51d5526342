/* config.h - .hullscan.yaml: project settings for the checks.
 *
 *   lint:
 *     disable: [HS1013, HS1023]          # rules not run
 *     severity: {HS1015: low}            # severity overrides
 *     trusted-registries: [registry.example.com, docker.io]
 *     allow-secrets: ["not-a-secret-123"] # literal values never reported
 *
 * Found upward from the first scanned file's directory (or --config).  The
 * parser is strict: unknown keys, unknown rule ids, wrong types are errors
 * naming FILE:LINE:COL, so a typo never silently disables nothing.
 *
 * Ownership: struct hull_lint_settings owns every string (its arena);
 * settings.cfg points into it and is what hull_lint_run() takes. */
#ifndef HULL_CONFIG_CONFIG_H
#define HULL_CONFIG_CONFIG_H

#include <stddef.h>

#include "basic/arena.h"
#include "basic/diag.h"
#include "lint/engine.h"
#include "secrets/rule.h"

#define HULL_CONFIG_NAME ".hullscan.yaml"
#define HULL_MAX_SETTINGS_BYTES (1024u * 1024)

/* The secrets: section (hullscan secrets, and the secret engine under lint
 * and image):
 *
 *   secrets:
 *     disable: [generic-password]          # built-in secret rules not run
 *     severity: {github-pat: critical}     # severity overrides
 *     rules:                               # user rules (src/secrets/rule.h)
 *       - id: internal-token               # lowercase-dash, not a built-in id
 *         title: Internal API token
 *         regex: 'itk_[a-z0-9]{32}'        # PCRE2
 *         keywords: [itk_]                 # optional (then any PCRE2 syntax)
 *         secret-group: 0                  # optional, default 0
 *         severity: high                   # optional, default high
 *         entropy: 3.0                     # optional minimum, bits per byte
 *         path: '(^|/)config/.*\.ya?ml$'   # optional PCRE2 on the file path
 *     allow:                               # never report (each needs a reason)
 *       - value: not-a-secret-123          # this exact secret
 *         reason: documented test fixture
 *       - regex: '^sk_test_'                # secrets matching (PCRE2)
 *         reason: Stripe test keys
 *       - path: 'testdata/'               # files (.dockerignore globs)
 *         reason: fixtures
 *       - rule: generic-password           # optional on any entry: only this rule
 */
struct hull_secret_allow {
        const char *value;  /* exact secret; NULL */
        const char *regex;  /* PCRE2 on the secret; NULL */
        const char *path;   /* glob on the file path (image: the path inside); NULL */
        const char *rule;   /* only findings of this rule id; NULL: any */
        const char *reason; /* required */
        unsigned line;      /* in the configuration file */
};

struct hull_secret_severity {
        const char *id;
        enum hull_severity severity;
};

struct hull_secrets_settings {
        const char **disabled; /* rule ids (built-in or user) */
        size_t ndisabled, capdisabled;
        struct hull_secret_severity *severity;
        size_t nseverity, capseverity;
        struct hull_secret_rule *rules; /* user rules, strings in the settings' arena */
        size_t nrules, caprules;
        struct hull_secret_allow *allow;
        size_t nallow, capallow;
};

struct hull_lint_settings {
        struct hull_arena arena;
        struct hull_lint_config cfg;
        const char *path; /* the file read, NULL if none */
        /* growable arrays behind cfg */
        const char **disabled;
        size_t ndisabled, capdisabled;
        struct hull_severity_override *overrides;
        size_t noverrides, capoverrides;
        const char **trusted;
        size_t ntrusted, captrusted;
        const char **allow;
        size_t nallow, capallow;
        struct hull_secrets_settings secrets;
};

void hull_lint_settings_init(struct hull_lint_settings *s);
void hull_lint_settings_release(struct hull_lint_settings *s);

/* Read path into s; returns a hull_err with d filled. */
int hull_config_load_file(struct hull_lint_settings *s, const char *path, struct hull_diag *d);
/* Data variant (fuzzing, tests): name is used in messages. */
int hull_config_load_data(struct hull_lint_settings *s, const char *data, size_t len,
                          const char *name, struct hull_diag *d);
/* Find .hullscan.yaml in dir or its parents; returns a malloc'd path or NULL. */
char *hull_config_find(const char *start_path);

int hull_lint_settings_disable(struct hull_lint_settings *s, const char *id);
/* The effective severity of rule r under s. */
enum hull_severity hull_lint_settings_severity(const struct hull_lint_settings *s,
                                               const struct hull_rule *r);

#endif
