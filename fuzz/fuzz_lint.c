/* fuzz_lint.c - every lint rule on arbitrary Dockerfiles: parse, model, all
 * rules (no build context), then every report format.  Rules read untrusted
 * text through the model, so they are parsers too. */
#include <stdint.h>
#include <stdlib.h>

#include "basic/buf.h"
#include "basic/err.h"
#include "dockerfile/parser.h"
#include "dockerfile/stages.h"
#include "lint/engine.h"
#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct hull_dockerfile *df = NULL;
        struct hull_df_model *m = NULL;
        struct hull_findings out;
        struct hull_diag d;
        static const char *const allow[] = {"sk_live_allowlisted_0000000000"};
        static const char *const trusted[] = {"docker.io"};
        const struct hull_lint_config cfg = {NULL, 0, NULL, 0, trusted, 1, allow, 1};

        hull_diag_init(&d);
        if (hull_df_parse((const char *)data, size, "Dockerfile", &df, &d) != 0)
                return 0;
        if (hull_df_model_build(df, NULL, &m, &d) != 0) {
                hull_dockerfile_free(df);
                return 0;
        }
        hull_findings_init(&out);
        struct hull_lint_input in = {"Dockerfile", NULL, NULL, "Dockerfile", df, m};
        if (hull_lint_run(&in, &cfg, &out, &d) == 0) {
                hull_findings_sort(&out);
                for (size_t i = 0; i < out.n; i++)
                        if (!out.v[i].rule_id || !out.v[i].message ||
                            out.v[i].line > df->end_line + 1)
                                abort(); /* a finding must point into the file */
                struct hull_report_rule rr = {
                        "HS2001", "non-root-user", "t", "r", "f", HULL_SEV_HIGH, NULL, NULL, NULL,
                        false};
                const char *files[] = {"Dockerfile"};
                struct hull_report_meta meta = {.tool = "hullscan",
                                                .version = "0",
                                                .command = "lint",
                                                .rules = &rr,
                                                .nrules = 1,
                                                .files = files,
                                                .nfiles = 1,
                                                .fail_on = HULL_SEV_HIGH};
                for (size_t f = 0; hull_formatters[f]; f++) {
                        struct hull_buf b = HULL_BUF_INIT((size_t)1 << 30);
                        (void)hull_formatters[f]->write(&b, &out, &meta);
                        hull_buf_release(&b);
                }
        }
        hull_findings_release(&out);
        hull_df_model_free(m);
        hull_dockerfile_free(df);
        return 0;
}
