/* cmd_rules.c - `hullscan rules`: every rule (Dockerfile lint rules
 * HS1xxx-HS3xxx, image audit rules HS4xxx) with its id, checklist slug,
 * severity, title and hadolint/Trivy equivalents; with --secrets, the
 * built-in secret rules (src/secrets/rules.c). */
#include <stdlib.h>
#include <string.h>

#include "basic/buf.h"
#include "basic/err.h"
#include "basic/json.h"
#include "cli/cli.h"
#include "cli/parse_options.h"
#include "lint/engine.h"
#include "secrets/rule.h"

static const char *const rules_usage[] = {
        "hullscan rules [--secrets] [--format table|json|markdown] [-o FILE]",
        NULL,
};

static const char *or_dash(const char *s) {
        return s && *s ? s : "-";
}

static int write_table(struct hull_buf *b) {
        HULL_TRY(hull_buf_printf(b, "%-7s %-21s %-9s %-21s %-18s %s\n", "ID", "CHECKLIST",
                                 "SEVERITY", "HADOLINT", "TRIVY", "TITLE"));
        for (size_t i = 0; hull_rules[i]; i++) {
                const struct hull_rule *r = hull_rules[i];
                HULL_TRY(hull_buf_printf(b, "%-7s %-21s %-9s %-21s %-18s %s\n", r->id, r->slug,
                                         hull_severity_to_string(r->severity), or_dash(r->hadolint),
                                         or_dash(r->trivy), r->title));
        }
        return HULL_OK;
}

static int write_markdown(struct hull_buf *b) {
        HULL_TRY(hull_buf_puts(b, "| ID | Checklist | Severity | Title | hadolint | Trivy |\n"
                                  "| --- | --- | --- | --- | --- | --- |\n"));
        for (size_t i = 0; hull_rules[i]; i++) {
                const struct hull_rule *r = hull_rules[i];
                HULL_TRY(hull_buf_printf(b, "| [%s](%s.md) | `%s` | %s | %s | %s | %s |\n", r->id,
                                         r->id, r->slug, hull_severity_to_string(r->severity),
                                         r->title, or_dash(r->hadolint), or_dash(r->trivy)));
        }
        return HULL_OK;
}

static int write_json(struct hull_buf *b) {
        struct hull_json j;
        hull_json_init(&j, b, true);
        hull_json_obj(&j);
        hull_json_kint(&j, "schema_version", 1);
        hull_json_key(&j, "rules");
        hull_json_arr(&j);
        for (size_t i = 0; hull_rules[i]; i++) {
                const struct hull_rule *r = hull_rules[i];
                hull_json_obj(&j);
                hull_json_kcstr(&j, "id", r->id);
                hull_json_kcstr(&j, "checklist", r->slug);
                hull_json_kcstr(&j, "target", r->audit ? "image" : "dockerfile");
                hull_json_kcstr(&j, "severity", hull_severity_to_string(r->severity));
                hull_json_kcstr(&j, "title", r->title);
                hull_json_kcstr(&j, "rationale", r->rationale);
                hull_json_kcstr(&j, "fix", r->fix);
                hull_json_kcstr(&j, "hadolint", r->hadolint);
                hull_json_kcstr(&j, "trivy", r->trivy);
                hull_json_obj_end(&j);
        }
        hull_json_arr_end(&j);
        hull_json_obj_end(&j);
        HULL_TRY(hull_json_end(&j));
        return hull_buf_putc(b, '\n');
}

static int secrets_table(struct hull_buf *b) {
        HULL_TRY(hull_buf_printf(b, "%-34s %-9s %s\n", "ID", "SEVERITY", "TITLE"));
        for (size_t i = 0; i < hull_secret_nrules; i++) {
                const struct hull_secret_rule *r = &hull_secret_rules[i];
                HULL_TRY(hull_buf_printf(b, "%-34s %-9s %s\n", r->id,
                                         hull_severity_to_string(r->severity), r->title));
        }
        return HULL_OK;
}

static int secrets_markdown(struct hull_buf *b) {
        HULL_TRY(hull_buf_puts(b, "| ID | Severity | Title | Format |\n"
                                  "| --- | --- | --- | --- |\n"));
        for (size_t i = 0; i < hull_secret_nrules; i++) {
                const struct hull_secret_rule *r = &hull_secret_rules[i];
                HULL_TRY(hull_buf_printf(b, "| `%s` | %s | %s | ", r->id,
                                         hull_severity_to_string(r->severity), r->title));
                if (r->docs)
                        HULL_TRY(hull_buf_printf(b, "[docs](%s) |\n", r->docs));
                else
                        HULL_TRY(hull_buf_puts(b, "- |\n"));
        }
        return HULL_OK;
}

static int secrets_json(struct hull_buf *b) {
        struct hull_json j;
        hull_json_init(&j, b, true);
        hull_json_obj(&j);
        hull_json_kint(&j, "schema_version", 1);
        hull_json_key(&j, "rules");
        hull_json_arr(&j);
        for (size_t i = 0; i < hull_secret_nrules; i++) {
                const struct hull_secret_rule *r = &hull_secret_rules[i];
                hull_json_obj(&j);
                hull_json_kcstr(&j, "id", r->id);
                hull_json_kcstr(&j, "checklist", "no-hardcoded-secrets");
                hull_json_kcstr(&j, "target", "secret");
                hull_json_kcstr(&j, "severity", hull_severity_to_string(r->severity));
                hull_json_kcstr(&j, "title", r->title);
                hull_json_key(&j, "keywords");
                hull_json_arr(&j);
                for (const char *const *k = r->keywords; k && *k; k++)
                        hull_json_cstr(&j, *k);
                hull_json_arr_end(&j);
                hull_json_kcstr(&j, "regex", r->regex);
                hull_json_kcstr(&j, "path", r->path);
                hull_json_kcstr(&j, "fix", r->fix);
                hull_json_kcstr(&j, "docs", r->docs);
                hull_json_obj_end(&j);
        }
        hull_json_arr_end(&j);
        hull_json_obj_end(&j);
        HULL_TRY(hull_json_end(&j));
        return hull_buf_putc(b, '\n');
}

int cmd_rules(int argc, const char **argv, struct hull_ctx *ctx) {
        const char *format = "table", *output = NULL;
        bool secrets = false;
        const struct hull_option opts[] = {
                HULL_OPT_STRING('f', "format", &format, "FORMAT",
                                "table (default), json or markdown"),
                HULL_OPT_STRING('o', "output", &output, "FILE",
                                "write to FILE instead of standard output"),
                HULL_OPT_BOOL(0, "secrets", &secrets,
                              "list the secret rules of 'hullscan secrets' instead"),
                HULL_OPT_END(),
        };
        struct hull_buf b = HULL_BUF_INIT(1 << 24);
        const char **args = NULL;
        int nargs = 0, r, rc;
        FILE *f;

        (void)ctx;
        r = hull_parse_options(argc, argv, opts, &args, &nargs);
        if (r == HULL_PARSE_OPT_HELP) {
                hull_usage(stdout, rules_usage, opts);
                return HULL_EXIT_OK;
        }
        if (r == HULL_PARSE_OPT_ERROR)
                return HULL_EXIT_USAGE;
        free(args);
        if (nargs > 0) {
                hull_cli_error("'rules' takes no arguments");
                return HULL_EXIT_USAGE;
        }
        if (!strcmp(format, "table"))
                r = secrets ? secrets_table(&b) : write_table(&b);
        else if (!strcmp(format, "json"))
                r = secrets ? secrets_json(&b) : write_json(&b);
        else if (!strcmp(format, "markdown"))
                r = secrets ? secrets_markdown(&b) : write_markdown(&b);
        else {
                hull_cli_error("unknown format '%s' (expected table, json or markdown)", format);
                return HULL_EXIT_USAGE;
        }
        if (r) {
                hull_buf_release(&b);
                return hull_exit_for(r);
        }
        f = hull_out_open(output);
        if (!f) {
                hull_buf_release(&b);
                return HULL_EXIT_USAGE;
        }
        fwrite(b.data, 1, b.len, f);
        hull_buf_release(&b);
        rc = hull_out_close(f, output);
        return rc;
}
