/* engine.h - the Dockerfile linter: rules over the stage model.
 *
 * A rule is a const struct hull_rule in src/lint/rules/<id>_<slug>.c,
 * registered by one line in rules.list (see the checklist there).  The engine
 * builds one struct hull_lint_ctx per file and calls every enabled rule's
 * check(); a rule reads the parsed, checked and expanded model (never raw
 * text) and calls hull_lint_report() for each problem.  The engine then
 * applies the configuration (disabled rules, severity overrides) and inline
 * pragmas (`# hullscan ignore=HS2001`, `# hadolint ignore=DL3002`) and hands
 * the findings to the caller.
 *
 * Ownership: findings are copied into the caller's struct hull_findings;
 * nothing else outlives hull_lint_run(). */
#ifndef HULL_LINT_ENGINE_H
#define HULL_LINT_ENGINE_H

#include <stdarg.h>
#include <stdbool.h>

#include "basic/diag.h"
#include "dockerfile/stages.h"
#include "report/finding.h"

struct hull_lint_ctx;
struct hull_audit_ctx; /* audit/audit.h */

struct hull_rule {
        const char *id;   /* "HS2001": HS + family digit + 3 digits, never reused */
        const char *slug; /* checklist slug, e.g. "non-root-user" */
        enum hull_severity severity;
        const char *title;     /* short, for tables */
        const char *rationale; /* why it matters (one or two sentences) */
        const char *fix;       /* the default one-line fix */
        const char *hadolint;  /* equivalent hadolint IDs ("DL3002"), NULL if none */
        const char *trivy;     /* equivalent Trivy check IDs ("DS002"), NULL if none */
        void (*check)(struct hull_lint_ctx *c);  /* Dockerfile rules; NULL for image rules */
        void (*audit)(struct hull_audit_ctx *c); /* image rules (HS4xxx); NULL otherwise */
};

/* All rules, lint and audit, sorted by id; NULL-terminated. */
extern const struct hull_rule *const hull_rules[];
const struct hull_rule *hull_rule_find(const char *id);

struct hull_severity_override {
        const char *id;
        enum hull_severity severity;
};

/* What .hullscan.yaml and the command line set (config.h fills it). */
struct hull_lint_config {
        const char *const *disabled; /* rule ids turned off */
        size_t ndisabled;
        const struct hull_severity_override *overrides;
        size_t noverrides;
        const char *const *trusted_registries; /* when set, other registries are flagged */
        size_t ntrusted;
        const char *const *secret_allowlist; /* literal values never reported as secrets */
        size_t nallow;
};

/* How the lint and the image audit apply a configuration (cfg NULL: none). */

/* cfg turns rule id off (ids compare ignoring case). */
bool hull_lint_config_disabled(const struct hull_lint_config *cfg, const char *id);

/* The severity of a finding of rule id: cfg's override, else sev. */
enum hull_severity hull_lint_config_severity(const struct hull_lint_config *cfg, const char *id,
                                             enum hull_severity sev);

/* s[0..n) is, byte for byte, a value on cfg's secret allow-list. */
bool hull_lint_config_allowed(const struct hull_lint_config *cfg, const char *s, size_t n);

/* A finding of rule r at no place yet: its id, slug and title, severity sev,
 * message msg, fix (NULL: the rule's default).  Strings are borrowed. */
struct hull_finding hull_rule_finding(const struct hull_rule *r, enum hull_severity sev,
                                      const char *msg, const char *fix);

struct hull_lint_input {
        const char *path;        /* file name in findings ("<stdin>" for -) */
        const char *context_dir; /* build context (the Dockerfile's directory); NULL: unknown */
        const char
                *dockerfile_dir; /* where <Dockerfile>.dockerignore is looked for; NULL: unknown */
        const char *dockerfile_base; /* base name of the Dockerfile, for <name>.dockerignore */
        struct hull_dockerfile *df;
        const struct hull_df_model *m;
};

/* The context a rule's check() works with. */
struct hull_lint_ctx {
        const struct hull_rule *rule; /* the rule running */
        struct hull_dockerfile *df;
        const struct hull_df_model *m;
        const struct hull_lint_input *in;
        const struct hull_lint_config *cfg;
        struct hull_findings *out;
        int err; /* sticky: HULL_ENOMEM */
};

/* Report a problem found by c->rule at pos (line 0: the whole file).  fix
 * may be NULL for the rule's default fix.  The message is printf-style. */
void hull_lint_report(struct hull_lint_ctx *c, struct hull_pos pos, const char *fix,
                      const char *fmt, ...) _printf_(4, 5);
/* The same with a severity other than the rule's default (a rule whose
 * findings differ in gravity, e.g. HS1016: no .dockerignore vs secrets sent).
 * Configured overrides still replace it. */
void hull_lint_report_severity(struct hull_lint_ctx *c, enum hull_severity sev, struct hull_pos pos,
                               const char *fix, const char *fmt, ...) _printf_(5, 6);

/* The final stage (the target). */
static inline const struct hull_df_stage *hull_lint_final(const struct hull_lint_ctx *c) {
        return &c->m->stages[c->m->target];
}

/* Whether stage s ends up in the final image: the target, or a stage it is
 * built FROM (directly or transitively).  Stages only copied from are not. */
bool hull_lint_stage_is_final(const struct hull_lint_ctx *c, size_t stage);

/* True when value is on the configured secret allow-list. */
bool hull_lint_secret_allowed(const struct hull_lint_ctx *c, const char *value);

/* Run every enabled rule on one file.  Findings are added to out (not
 * sorted).  Returns HULL_OK or HULL_ENOMEM. */
int hull_lint_run(const struct hull_lint_input *in, const struct hull_lint_config *cfg,
                  struct hull_findings *out, struct hull_diag *d);

/* The hullscan rule a hadolint ID maps to (docs/rules/hadolint.md), or NULL. */
const char *hull_lint_map_hadolint(const char *dl);

#endif
