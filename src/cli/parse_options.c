/* parse_options.c - hull_parse_options(). */
#include "cli/parse_options.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

void hull_strlist_release(struct hull_strlist *l) {
        free(l->v);
        l->v = NULL;
        l->n = 0;
}

static int set_value(const struct hull_option *o, const char *val) {
        if (o->type == HULL_OPT_TYPE_STRING) {
                *(const char **)o->value = val;
        } else if (o->type == HULL_OPT_TYPE_LIST) {
                struct hull_strlist *l = o->value;
                const char **p = realloc(l->v, (l->n + 1) * sizeof(*p));
                if (!p) {
                        hull_cli_error("out of memory");
                        return -1;
                }
                l->v = p;
                l->v[l->n++] = val;
        }
        return 0;
}

int hull_parse_options(int argc, const char **argv, const struct hull_option *opts,
                       const char ***ret_args, int *ret_nargs) {
        const char **args = calloc((size_t)argc + 1, sizeof(*args));
        int nargs = 0, i;
        bool only_operands = false;

        if (!args) {
                hull_cli_error("out of memory");
                return HULL_PARSE_OPT_ERROR;
        }
        for (i = 1; i < argc; i++) {
                const char *a = argv[i];
                const struct hull_option *o = NULL;
                const char *val = NULL;

                if (only_operands || a[0] != '-' || a[1] == '\0') {
                        args[nargs++] = a;
                        continue;
                }
                if (strcmp(a, "--") == 0) {
                        only_operands = true;
                        continue;
                }
                if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
                        free(args);
                        return HULL_PARSE_OPT_HELP;
                }
                if (a[1] == '-') {
                        const char *name = a + 2, *eq = strchr(name, '=');
                        size_t nl = eq ? (size_t)(eq - name) : strlen(name);
                        for (const struct hull_option *p = opts; p->type != HULL_OPT_TYPE_END; p++)
                                if (strlen(p->long_name) == nl &&
                                    strncmp(p->long_name, name, nl) == 0) {
                                        o = p;
                                        break;
                                }
                        if (!o) {
                                hull_cli_error("unknown option '--%.*s'", (int)nl, name);
                                goto fail;
                        }
                        if (o->type == HULL_OPT_TYPE_BOOL) {
                                if (eq) {
                                        hull_cli_error("option '--%s' takes no value",
                                                       o->long_name);
                                        goto fail;
                                }
                                *(bool *)o->value = true;
                                continue;
                        }
                        if (eq)
                                val = eq + 1;
                        else if (i + 1 < argc)
                                val = argv[++i];
                        else {
                                hull_cli_error("option '--%s' requires a value", o->long_name);
                                goto fail;
                        }
                        if (set_value(o, val) < 0)
                                goto fail;
                        continue;
                }
                /* short options, possibly bundled: -qv, -oFILE */
                for (const char *s = a + 1; *s; s++) {
                        o = NULL;
                        for (const struct hull_option *p = opts; p->type != HULL_OPT_TYPE_END; p++)
                                if (p->short_name && p->short_name == *s) {
                                        o = p;
                                        break;
                                }
                        if (!o) {
                                hull_cli_error("unknown switch '%c'", *s);
                                goto fail;
                        }
                        if (o->type == HULL_OPT_TYPE_BOOL) {
                                *(bool *)o->value = true;
                                continue;
                        }
                        if (s[1])
                                val = s + 1;
                        else if (i + 1 < argc)
                                val = argv[++i];
                        else {
                                hull_cli_error("switch '%c' requires a value", *s);
                                goto fail;
                        }
                        if (set_value(o, val) < 0)
                                goto fail;
                        break;
                }
        }
        *ret_args = args;
        *ret_nargs = nargs;
        return HULL_PARSE_OPT_OK;
fail:
        free(args);
        return HULL_PARSE_OPT_ERROR;
}

void hull_usage(FILE *f, const char *const *usage, const struct hull_option *opts) {
        /* a line starting with a space continues the previous one */
        for (size_t i = 0; usage[i]; i++)
                fprintf(f, "%s%s\n",
                        i == 0 ? "usage: " : (usage[i][0] == ' ' ? "      " : "   or: "), usage[i]);
        fprintf(f, "\n");
        for (const struct hull_option *o = opts; o->type != HULL_OPT_TYPE_END; o++) {
                char left[64];
                int n;
                if (o->short_name)
                        n = snprintf(left, sizeof(left), "-%c, --%s", o->short_name, o->long_name);
                else
                        n = snprintf(left, sizeof(left), "    --%s", o->long_name);
                if (o->argh && n > 0 && (size_t)n < sizeof(left))
                        snprintf(left + n, sizeof(left) - (size_t)n, " %s", o->argh);
                fprintf(f, "    %-26s %s\n", left, o->help);
        }
        fprintf(f, "    %-26s %s\n", "-h, --help", "show this help");
}
