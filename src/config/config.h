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

#define HULL_CONFIG_NAME ".hullscan.yaml"
#define HULL_MAX_SETTINGS_BYTES (1024u * 1024)

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
