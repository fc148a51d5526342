/* fuzz_dockerfile.c - the whole Dockerfile front end on arbitrary bytes:
 * parse, BuildKit dump, instruction checks, stage model (expansion, shell
 * model, references) and the JSON writer.  Every error must name a line. */
#include <stdint.h>
#include <stdlib.h>

#include "basic/buf.h"
#include "basic/err.h"
#include "dockerfile/ast_json.h"
#include "dockerfile/dump.h"
#include "dockerfile/parser.h"
#include "dockerfile/stages.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct hull_dockerfile *df = NULL;
        struct hull_df_model *m = NULL;
        struct hull_diag d;
        struct hull_buf b = HULL_BUF_INIT((size_t)1 << 30);
        static const struct hull_df_build_arg ba[] = {{"TAG", "1.0"}, {"BASE", "alpine"}};
        struct hull_df_options opt = {ba, 2, NULL, NULL};
        int r;

        hull_diag_init(&d);
        r = hull_df_parse((const char *)data, size, "Dockerfile", &df, &d);
        if (r) {
                if (d.line == 0 && r != HULL_ENOMEM)
                        abort(); /* every parse error names a line */
                return 0;
        }
        (void)hull_df_dump(&b, df);
        hull_buf_release(&b);
        hull_diag_init(&d);
        r = hull_df_model_build(df, &opt, &m, &d);
        if (r == HULL_OK) {
                struct hull_buf jb = HULL_BUF_INIT((size_t)1 << 30);
                struct hull_json j;
                hull_json_init(&j, &jb, false);
                hull_df_write_json(&j, df, m);
                (void)hull_json_end(&j);
                hull_buf_release(&jb);
        } else if (d.line == 0 && r != HULL_ENOMEM && r != HULL_ENOTFOUND) {
                abort();
        }
        hull_df_model_free(m);
        hull_dockerfile_free(df);
        return 0;
}
