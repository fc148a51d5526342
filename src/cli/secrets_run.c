/* secrets_run.c - what hullscan secrets and hullscan image share to run the
 * secret engine: the enabled rules (built-in and .hullscan.yaml user rules,
 * minus secrets.disable and --ignore), the compiled engine, the
 * configuration's allow-list and severities, the job, and the rules for
 * the report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static enum hull_severity severity_of(void *ud, const struct hull_secret_rule *r) {
        const struct hull_secrets_settings *s = ud;
        for (size_t i = 0; i < s->nseverity; i++)
                if (!strcmp(s->severity[i].id, r->id))
                        return s->severity[i].severity;
        return _HULL_SEV_INVALID;
}

static bool disabled(const struct hull_secrets_settings *s, const struct hull_strlist *ignores,
                     const char *id) {
        for (size_t i = 0; i < s->ndisabled; i++)
                if (!strcmp(s->disabled[i], id))
                        return true;
        for (size_t i = 0; ignores && i < ignores->n; i++)
                if (!strcmp(ignores->v[i], id))
                        return true;
        return false;
}

int hull_cli_secrets_setup(struct hull_cli_secrets *s, const struct hull_lint_settings *set,
                           const struct hull_strlist *ignores, unsigned nworkers, bool show,
                           uint64_t max_file_bytes, struct hull_findings *out) {
        const struct hull_secrets_settings *ss = &set->secrets;
        struct hull_diag d;

        memset(s, 0, sizeof(*s));
        hull_diag_init(&d);
        s->settings = ss;
        for (size_t i = 0; ignores && i < ignores->n; i++) {
                bool known = hull_secret_rule_find(ignores->v[i]) != NULL;
                for (size_t k = 0; k < ss->nrules && !known; k++)
                        known = !strcmp(ss->rules[k].id, ignores->v[i]);
                if (!known) {
                        hull_cli_error("--ignore %s: no such secret rule (see 'hullscan rules "
                                       "--secrets')",
                                       ignores->v[i]);
                        return HULL_EXIT_USAGE;
                }
        }
        s->rules = calloc(hull_secret_nrules + ss->nrules + 1, sizeof(*s->rules));
        s->allow_values = calloc(ss->nallow + 1, sizeof(*s->allow_values));
        if (!s->rules || !s->allow_values)
                return HULL_EXIT_INTERNAL;
        for (size_t i = 0; i < hull_secret_nrules; i++)
                if (!disabled(ss, ignores, hull_secret_rules[i].id))
                        s->rules[s->nrules++] = &hull_secret_rules[i];
        for (size_t i = 0; i < ss->nrules; i++)
                if (!disabled(ss, ignores, ss->rules[i].id))
                        s->rules[s->nrules++] = &ss->rules[i];
        /* exact values for any rule and file go to the engine itself */
        for (size_t i = 0; i < ss->nallow; i++)
                if (ss->allow[i].value && !ss->allow[i].regex && !ss->allow[i].path &&
                    !ss->allow[i].rule)
                        s->allow_values[s->nallow_values++] = ss->allow[i].value;
        if (hull_secrets_compile(s->rules, s->nrules, s->allow_values, s->nallow_values, &s->engine,
                                 &d))
                return hull_cli_diag(&d, NULL, 0);
        if (ss->nallow && hull_secrets_allow_new(ss, set->path, &s->allow, &d))
                return hull_cli_diag(&d, NULL, 0);
        struct hull_secrets_job_opts jo = {
                .show = show,
                .max_file_bytes = max_file_bytes,
                .severity = severity_of,
                .severity_ud = (void *)ss,
                .allow = s->allow,
        };
        s->job_ready = true;
        if (hull_secrets_job_init(&s->job, s->engine, nworkers ? nworkers : 1, &jo, out))
                return HULL_EXIT_INTERNAL;
        return HULL_EXIT_OK;
}

void hull_cli_secrets_release(struct hull_cli_secrets *s) {
        if (s->job_ready)
                hull_secrets_job_release(&s->job);
        hull_secrets_allow_free(s->allow);
        hull_secrets_free(s->engine);
        free(s->rules);
        free(s->allow_values);
        free(s->help);
        memset(s, 0, sizeof(*s));
}

/* Whether rule id found something (the report lists only those of the
 * built-in secret rules, or a SARIF file would mostly be rule metadata). */
static bool has_findings(const struct hull_findings *f, const char *id) {
        for (size_t i = 0; i < f->n; i++)
                if (f->v[i].secret && !strcmp(f->v[i].rule_id, id))
                        return true;
        return false;
}

struct hull_report_rule *hull_cli_secrets_report_rules(struct hull_cli_secrets *s,
                                                       const struct hull_findings *f,
                                                       struct hull_report_rule *base,
                                                       size_t nbase, size_t *ret_n) {
        size_t k = nbase;
        struct hull_report_rule *v = realloc(base, (nbase + s->nrules + 1) * sizeof(*v));
        if (!v) {
                free(base);
                return NULL;
        }
        /* help: the secret rules' page at the rule's row (an <a id> each) */
        free(s->help);
        s->help = calloc(s->nrules + 1, sizeof(*s->help));
        if (!s->help) {
                free(v);
                return NULL;
        }
        for (size_t i = 0; i < s->nrules; i++) {
                const struct hull_secret_rule *r = s->rules[i];
                enum hull_severity sev = severity_of((void *)s->settings, r);
                if (!has_findings(f, r->id))
                        continue;
                snprintf(s->help[i], sizeof(s->help[i]),
                         "https://github.com/hullscan/hullscan/blob/main/docs/rules/secrets.md#%s",
                         r->id);
                v[k++] = (struct hull_report_rule){
                        .id = r->id,
                        .slug = "no-hardcoded-secrets",
                        .title = r->title,
                        .rationale = "A secret written into a file or an image layer is readable "
                                     "by anyone who can read the repository or pull the image, "
                                     "for as long as it exists.",
                        .fix = r->fix,
                        .severity = sev == _HULL_SEV_INVALID ? r->severity : sev,
                        .help_uri = s->help[i],
                };
        }
        memset(&v[k], 0, sizeof(*v));
        *ret_n = k;
        return v;
}

int hull_cli_split_ignores(const struct hull_strlist *all, struct hull_strlist *rules,
                           struct hull_strlist *secrets) {
        rules->n = secrets->n = 0;
        rules->v = calloc(all->n + 1, sizeof(char *));
        secrets->v = calloc(all->n + 1, sizeof(char *));
        if (!rules->v || !secrets->v)
                return HULL_EXIT_INTERNAL;
        for (size_t i = 0; i < all->n; i++) {
                struct hull_strlist *to = hull_secret_rule_find(all->v[i]) ? secrets : rules;
                to->v[to->n++] = all->v[i];
        }
        return HULL_EXIT_OK;
}
