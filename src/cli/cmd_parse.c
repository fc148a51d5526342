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
#include "dockerfile/ast_json.h"
#include "dockerfile/dump.h"
#include "dockerfile/parser.h"
#include "dockerfile/stages.h"

static const char *const parse_usage[] = {
        "hullscan parse [--format json|buildkit] [--build-arg K=V]... [--target STAGE]",
        "                [--platform OS/ARCH] [-o FILE] <Dockerfile|->...",
        NULL,
};

/* JSON streams to the output as it is written */
static int write_out(void *ud, const char *data, size_t len) {
        return fwrite(data, 1, len, ud) == len ? HULL_OK : HULL_EIO;
}

int cmd_parse(int argc, const char **argv, struct hull_ctx *ctx) {
        const char *format = "json", *output = NULL, *target = NULL, *platform = NULL;
        struct hull_strlist bargs = {0};
        const struct hull_option opts[] = {
                HULL_OPT_LIST(0, "build-arg", &bargs, "K=V",
                              "set a build-time variable (repeatable)"),
                HULL_OPT_STRING(
                        'f', "format", &format, "FORMAT",
                        "json (AST and stage model, default) or buildkit (BuildKit's dump)"),
                HULL_OPT_STRING('o', "output", &output, "FILE",
                                "write to FILE instead of standard output"),
                HULL_OPT_STRING(0, "platform", &platform, "OS/ARCH",
                                "target platform (default linux/amd64)"),
                HULL_OPT_STRING(0, "target", &target, "STAGE",
                                "the stage to build (default: the last)"),
                HULL_OPT_END(),
        };
        const char **args = NULL;
        int nargs = 0, r, rc = HULL_EXIT_OK;
        FILE *out;
        struct hull_df_build_arg *ba = NULL;
        struct hull_buf jb = HULL_BUF_INIT(SIZE_MAX / 2);
        struct hull_json j;
        bool json = false;

        (void)ctx;
        r = hull_parse_options(argc, argv, opts, &args, &nargs);
        if (r == HULL_PARSE_OPT_HELP) {
                hull_usage(stdout, parse_usage, opts);
                return HULL_EXIT_OK;
        }
        if (r == HULL_PARSE_OPT_ERROR)
                return HULL_EXIT_USAGE;
        json = strcmp(format, "json") == 0;
        if (!json && strcmp(format, "buildkit") != 0) {
                hull_cli_error("unknown format '%s' (expected json or buildkit)", format);
                free(args);
                hull_strlist_release(&bargs);
                return HULL_EXIT_USAGE;
        }
        if (hull_cli_build_args(&bargs, &ba) < 0) {
                free(args);
                hull_strlist_release(&bargs);
                return HULL_EXIT_USAGE;
        }
        struct hull_df_options dopt = {ba, bargs.n, target, platform};
        if (nargs == 0) {
                hull_cli_error("no Dockerfile given; see 'hullscan parse --help'");
                rc = HULL_EXIT_USAGE;
                goto done;
        }
        out = hull_out_open(output);
        if (!out) {
                rc = HULL_EXIT_USAGE;
                goto done;
        }
        hull_json_init(&j, &jb, true);
        if (json) {
                j.flush = write_out;
                j.ud = out;
        }
        hull_json_obj(&j);
        hull_json_kint(&j, "schema_version", HULL_PARSE_JSON_SCHEMA_VERSION);
        hull_json_key(&j, "files");
        hull_json_arr(&j);
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
                if (json) {
                        _cleanup_(hull_df_model_freep) struct hull_df_model *m = NULL;
                        r = hull_df_model_build(df, &dopt, &m, &d);
                        if (r) {
                                int e = hull_cli_diag(&d, data, len);
                                rc = rc > e ? rc : e;
                                continue;
                        }
                        hull_df_write_json(&j, df, m);
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
        if (json) {
                hull_json_arr_end(&j);
                hull_json_obj_end(&j);
                r = hull_json_end(&j);
                if (r) {
                        hull_cli_error("cannot write JSON: %s", hull_strerror(r));
                        rc = hull_exit_for(r);
                } else {
                        fputc('\n', out);
                }
        }
        r = hull_out_close(out, output);
        rc = rc > r ? rc : r;
done:
        hull_buf_release(&jb);
        free(args);
        hull_cli_build_args_free(ba, bargs.n);
        hull_strlist_release(&bargs);
        return rc;
}
