/* cmd_parse.c - `hullscan parse`: read Dockerfiles as BuildKit does and print
 * the syntax tree (BuildKit's test dump) or the documented JSON AST. */
#include <stdlib.h>
#include <string.h>

#include "basic/buf.h"
#include "basic/err.h"
#include "basic/fileio.h"
#include "basic/limits.h"
#include "cli/cli.h"
#include "cli/parse_options.h"
#include "dockerfile/dump.h"
#include "dockerfile/parser.h"

static const char *const parse_usage[] = {
        "hullscan parse [--format buildkit] [-o FILE] <Dockerfile>...",
        NULL,
};

int cmd_parse(int argc, const char **argv, struct hull_ctx *ctx) {
        const char *format = "buildkit", *output = NULL;
        const struct hull_option opts[] = {
                HULL_OPT_STRING(0, "format", &format, "FORMAT", "output format: buildkit (BuildKit's dump)"),
                HULL_OPT_STRING('o', "output", &output, "FILE", "write to FILE instead of standard output"),
                HULL_OPT_END(),
        };
        const char **args = NULL;
        int nargs = 0, r, rc = HULL_EXIT_OK;
        FILE *out;

        (void)ctx;
        r = hull_parse_options(argc, argv, opts, &args, &nargs);
        if (r == HULL_PARSE_OPT_HELP) {
                hull_usage(stdout, parse_usage, opts);
                return HULL_EXIT_OK;
        }
        if (r == HULL_PARSE_OPT_ERROR)
                return HULL_EXIT_USAGE;
        if (strcmp(format, "buildkit") != 0) {
                hull_cli_error("unknown format '%s' (expected buildkit)", format);
                free(args);
                return HULL_EXIT_USAGE;
        }
        if (nargs == 0) {
                hull_cli_error("no Dockerfile given; see 'hullscan parse --help'");
                free(args);
                return HULL_EXIT_USAGE;
        }
        out = hull_out_open(output);
        if (!out) {
                free(args);
                return HULL_EXIT_USAGE;
        }
        for (int i = 0; i < nargs; i++) {
                _cleanup_free_ char *data = NULL;
                _cleanup_(hull_dockerfile_freep) struct hull_dockerfile *df = NULL;
                _cleanup_(hull_buf_releasep) struct hull_buf b = HULL_BUF_INIT(SIZE_MAX / 2);
                struct hull_diag d;
                const char *name = strcmp(args[i], "-") == 0 ? "<stdin>" : args[i];
                size_t len;

                hull_diag_init(&d);
                r = hull_read_file(args[i], HULL_MAX_DOCKERFILE_BYTES, &data, &len, &d);
                if (r) {
                        int e = hull_cli_diag(&d, NULL, 0);
                        rc = rc > e ? rc : e;
                        continue;
                }
                r = hull_df_parse(data, len, name, &df, &d);
                if (r) {
                        int e = hull_cli_diag(&d, data, len);
                        rc = rc > e ? rc : e;
                        continue;
                }
                if (nargs > 1)
                        fprintf(out, "# %s\n", name);
                r = hull_df_dump(&b, df);
                if (r) {
                        hull_cli_error("%s: %s", name, hull_strerror(r));
                        rc = HULL_EXIT_INTERNAL;
                        continue;
                }
                fwrite(b.data ? b.data : "", 1, b.len, out);
        }
        free(args);
        r = hull_out_close(out, output);
        return rc > r ? rc : r;
}
