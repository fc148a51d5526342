/* allow.h - the user's allow-list for secrets (.hullscan.yaml secrets.allow,
 * config.h): exact values, PCRE2 regexes on the secret, globs on the file
 * path, each optionally limited to one rule, each with a reason.
 *
 * Compiled once per run; matching is thread-safe (regex match data and glob
 * matchers are per call or behind a lock), so the workers of a tree or image
 * scan share one object. */
#ifndef HULL_SECRETS_ALLOW_H
#define HULL_SECRETS_ALLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "basic/diag.h"
#include "config/config.h"

struct hull_secrets_allow;

/* Errors: HULL_EPARSE (a regex or glob that does not compile: d names the
 * configuration file and the entry's line), HULL_ENOMEM.  config_path names
 * the file in messages (may be NULL). */
int hull_secrets_allow_new(const struct hull_secrets_settings *s, const char *config_path,
                           struct hull_secrets_allow **ret, struct hull_diag *d);
void hull_secrets_allow_free(struct hull_secrets_allow *a);

/* Whether a finding of rule_id with secret s[0..n) in the file at path
 * ('/'-separated; NULL when there is none) is allowed; *reason (may be NULL)
 * gets the entry's reason. */
bool hull_secrets_allow_match(const struct hull_secrets_allow *a, const char *rule_id,
                              const char *path, const char *s, size_t n, const char **reason);

#endif
