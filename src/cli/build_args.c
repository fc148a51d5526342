/* build_args.c - --build-arg NAME=VALUE (or NAME, taken from the environment,
 * as docker build does), shared by the commands that read Dockerfiles. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

void hull_cli_build_args_free(struct hull_df_build_arg *v, size_t n) {
        for (size_t i = 0; v && i < n; i++)
                free((char *)v[i].name);
        free(v);
}

int hull_cli_build_args(const struct hull_strlist *l, struct hull_df_build_arg **ret) {
        struct hull_df_build_arg *v = calloc(l->n + 1, sizeof(*v));

        if (!v) {
                hull_cli_error("out of memory");
                return -1;
        }
        for (size_t i = 0; i < l->n; i++) {
                const char *eq = strchr(l->v[i], '=');
                if (eq == l->v[i]) {
                        hull_cli_error("invalid --build-arg '%s' (expected NAME=VALUE)", l->v[i]);
                        hull_cli_build_args_free(v, i);
                        return -1;
                }
                v[i].name = eq ? strndup(l->v[i], (size_t)(eq - l->v[i])) : strdup(l->v[i]);
                v[i].value = eq ? eq + 1 : getenv(l->v[i]);
                if (!v[i].name) {
                        hull_cli_error("out of memory");
                        hull_cli_build_args_free(v, i);
                        return -1;
                }
        }
        *ret = v;
        return 0;
}
