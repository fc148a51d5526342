/* parse_options.h - declared command-line options (git parse-options, yara args.h).
 *
 * A command declares `static const struct hull_option opts[]`, sorted by long
 * name and ended by HULL_OPT_END(), and calls hull_parse_options().  Options
 * and operands may be mixed; "--" ends options; "-" is an operand.  Values:
 * "--name=value", "--name value", "-x value", "-xvalue".  -h/--help is built
 * in.  The usage text (--help) is generated from the same table, so what
 * --help shows is what is parsed. */
#ifndef HULL_CLI_PARSE_OPTIONS_H
#define HULL_CLI_PARSE_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

enum hull_opt_type {
        HULL_OPT_TYPE_END,
        HULL_OPT_TYPE_BOOL,   /* value: bool * */
        HULL_OPT_TYPE_STRING, /* value: const char ** (last one wins) */
        HULL_OPT_TYPE_LIST,   /* value: struct hull_strlist * (repeatable) */
};

struct hull_strlist {
        const char **v;
        size_t n;
};
void hull_strlist_release(struct hull_strlist *l);

struct hull_option {
        enum hull_opt_type type;
        char short_name; /* 0 for none */
        const char *long_name;
        void *value;
        const char *argh; /* placeholder in help: "FILE", "K=V" */
        const char *help;
};

#define HULL_OPT_BOOL(s, l, v, h)                                                                  \
        { HULL_OPT_TYPE_BOOL, (s), (l), (v), NULL, (h) }
#define HULL_OPT_STRING(s, l, v, a, h)                                                             \
        { HULL_OPT_TYPE_STRING, (s), (l), (v), (a), (h) }
#define HULL_OPT_LIST(s, l, v, a, h)                                                               \
        { HULL_OPT_TYPE_LIST, (s), (l), (v), (a), (h) }
#define HULL_OPT_END()                                                                             \
        { HULL_OPT_TYPE_END, 0, NULL, NULL, NULL, NULL }

enum {
        HULL_PARSE_OPT_OK = 0,
        HULL_PARSE_OPT_HELP = 1,  /* -h/--help seen: print usage, exit 0 */
        HULL_PARSE_OPT_ERROR = -1 /* message printed to stderr: exit 2 */
};

/* Parses argv[1..argc) (argv[0] is the command name).  Operands are stored
 * in *ret_args (pointers into argv; free the array with free()). */
int hull_parse_options(int argc, const char **argv, const struct hull_option *opts,
                       const char ***ret_args, int *ret_nargs);

/* Prints "usage: ..." lines and the option table. */
void hull_usage(FILE *f, const char *const *usage, const struct hull_option *opts);

#endif
