/* fuzz_dockerfile.c - the Dockerfile parser and its dump on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>

#include "basic/buf.h"
#include "dockerfile/dump.h"
#include "dockerfile/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct hull_dockerfile *df = NULL;
        struct hull_diag d;
        struct hull_buf b;
        char msg[1200];

        hull_diag_init(&d);
        if (hull_df_parse((const char *)data, size, "Dockerfile", &df, &d) != 0) {
                hull_diag_format(&d, msg, sizeof(msg));
                if (d.line == 0 && d.code != 1 /* ENOMEM */)
                        abort(); /* every parse error names a line */
                return 0;
        }
        hull_buf_init(&b, (size_t)1 << 30);
        (void)hull_df_dump(&b, df);
        hull_buf_release(&b);
        hull_dockerfile_free(df);
        return 0;
}
