/* shell.h - a POSIX-sh model of RUN lines: which simple commands run, with
 * which arguments.
 *
 * hull_sh_parse() splits a shell script (the shell form of RUN, or the body
 * of `RUN <<EOF`) into simple commands, the way sh(1) would tokenize it, but
 * without expanding or running anything.  It understands quotes, escapes and
 * line continuations, the operators && || ; | |& & ;; and newlines, command
 * substitution $( ) and ` `, process substitution <( ) >( ), subshells,
 * brace groups, if/while/until/for/select/case (keywords are not commands),
 * [[ ]], (( )), function definitions, comments, redirections and here-
 * documents inside the script (bodies skipped, but kept on the redirection),
 * and assignment prefixes.  Commands inside $( ), ` ` and <( ) are extracted
 * too, before the command whose word contains them (the order sh runs them).
 * What is deliberately not modelled: docs/internals/shell.md.
 *
 * The model is best-effort: input that sh would reject or that ends inside a
 * construct (unterminated quote, $( without ), if without fi, heredoc without
 * its terminator, trailing &&) still yields every command read, with
 * `incomplete` or `malformed` set.  Only resource limits fail the parse.
 *
 * Ownership: everything hull_sh_parse() returns (commands, words, strings, a
 * copy of the input) is allocated from the caller's arena and lives until
 * the arena is released; the input buffer is not referenced after the call.
 * The helpers below allocate nothing and return pointers into the script.
 *
 * Invariants: every `text` is NUL-terminated and also has a length (the input
 * may contain NUL bytes); `raw` and heredoc `body` are NOT NUL-terminated.
 * Offsets are byte offsets into the src given to hull_sh_parse(). */
#ifndef HULL_DOCKERFILE_SHELL_H
#define HULL_DOCKERFILE_SHELL_H

#include <stdbool.h>
#include <stddef.h>

#include "basic/arena.h"
#include "basic/diag.h"

#define HULL_SH_NONE ((size_t)-1) /* "no such command" index */

/* Memory bound: one parse allocates at most HULL_SH_MEM_FACTOR * len +
 * HULL_SH_MEM_SLACK bytes (arena and temporary heap together); input that
 * needs more (only pathological nesting does) fails with HULL_ELIMIT. */
#define HULL_SH_MEM_FACTOR 160u
#define HULL_SH_MEM_SLACK (1024u * 1024)

/* One shell word. */
struct hull_sh_word {
        const char *text; /* quotes removed, escapes resolved, expansions ($x, ${..},
                           * $(..), `..`, $((..))) kept as written */
        size_t len;
        const char *raw; /* the word as written (inside a `..` body: after the
                          * body's own backslash unescaping) */
        size_t raw_len;
        size_t off;         /* offset of raw in the input */
        bool quoted;        /* some part was quoted or backslash-escaped */
        bool has_expansion; /* contains an unquoted or double-quoted expansion */
};

/* A redirection, e.g. 2>&1, >/dev/null, <<'EOF'. */
struct hull_sh_redir {
        const char *op;             /* static: "<" ">" ">>" ">|" "<>" "<&" ">&" "&>" "&>>"
                                     * "<<" "<<-" "<<<" */
        int fd;                     /* IO number written before op (2 in 2>&1), -1 if none */
        struct hull_sh_word target; /* file, fd, here-string, or heredoc delimiter */
        const char *body;           /* heredoc body as written (lines with their "\n",
                                     * tabs not stripped for <<-); NULL if not a heredoc
                                     * or the body was never reached */
        size_t body_len;
        size_t body_off;
        size_t off; /* offset of the IO number or operator */
};

/* The control operator that follows a command. */
enum hull_sh_op {
        HULL_SH_OP_END,      /* end of input, or of the enclosing $( ) / ` ` */
        HULL_SH_OP_AND,      /* && */
        HULL_SH_OP_OR,       /* || */
        HULL_SH_OP_SEMI,     /* ; */
        HULL_SH_OP_PIPE,     /* | */
        HULL_SH_OP_PIPE_ERR, /* |& (bash) */
        HULL_SH_OP_BG,       /* & */
        HULL_SH_OP_NEWLINE,  /* newline */
        HULL_SH_OP_CASE_END, /* ;; ;& ;;& (end of a case item) */
        _HULL_SH_OP_MAX,
};

/* "&&", "||", ";", "|", "|&", "&", "nl", ";;", "end"; NULL when out of range. */
const char *hull_sh_op_name(enum hull_sh_op op);

/* A simple command: [assignments] [argv] with redirections anywhere.  A
 * command may have argc == 0 (`FOO=1`, `>file`). */
struct hull_sh_cmd {
        struct hull_sh_word *argv;
        size_t argc;
        struct hull_sh_word *assigns; /* NAME=value / NAME+=value prefixes, in order */
        size_t nassigns;
        struct hull_sh_redir *redirs;
        size_t nredirs;
        enum hull_sh_op op_after; /* next control operator at this command's level; a
                                   * closing ) } fi done esac is skipped over, so in
                                   * `(a; b) | c` b's op_after is | */
        bool piped_from_prev;     /* stdin is the pipe of the previous command */
        size_t pipe_from;         /* index of that command in script->cmds, or
                                   * HULL_SH_NONE (not piped, or nothing before |) */
        bool negated;             /* preceded by ! */
        bool in_subst;            /* inside $( ), ` ` or <( ) >( ): output captured */
        unsigned depth;           /* 0 = top level; +1 per enclosing $( ), ` `, <( ),
                                   * ( ) and { } */
        size_t off;               /* offset of the first word/assignment/redirection */
        size_t end;               /* offset just past the last one */
};

struct hull_sh_script {
        struct hull_sh_cmd *cmds; /* in the order sh starts them */
        size_t ncmds;
        const char *src; /* arena copy of the input, NUL-terminated */
        size_t len;
        bool incomplete;     /* input ended inside a construct */
        bool malformed;      /* syntax sh rejects; parsed by recovery */
        const char *problem; /* static text of the first problem, NULL if none */
        size_t problem_off;  /* its offset */
};

/* Split src[0..len) into simple commands.  Returns HULL_OK and fills *ret
 * (also for incomplete or malformed input, see the flags).  Fails with
 * HULL_ELIMIT when nesting passes HULL_MAX_SHELL_DEPTH, commands pass
 * HULL_MAX_SHELL_COMMANDS or memory passes the bound above, with
 * HULL_ENOMEM when the arena or heap is exhausted; then *ret is untouched and
 * d (optional) holds the message and the offset (d->offset). */
int hull_sh_parse(struct hull_arena *a, const char *src, size_t len, struct hull_sh_script *ret,
                  struct hull_diag *d);

/* ---- helpers for rules ---------------------------------------------------- */

/* Wrappers hull_sh_cmd_resolve() looks through. */
enum {
        HULL_SH_WRAP_SUDO = 1u << 0,      /* sudo, doas [opts] [VAR=x] */
        HULL_SH_WRAP_ENV = 1u << 1,       /* env [opts] [VAR=x] */
        HULL_SH_WRAP_COMMAND = 1u << 2,   /* command [-p] (not -v / -V: those are queries) */
        HULL_SH_WRAP_EXEC = 1u << 3,      /* exec [-cl] [-a name] */
        HULL_SH_WRAP_NOHUP = 1u << 4,     /* nohup */
        HULL_SH_WRAP_TIME = 1u << 5,      /* time [-p], /usr/bin/time [-f fmt] [-o file] */
        HULL_SH_WRAP_NICE = 1u << 6,      /* nice [-n N] */
        HULL_SH_WRAP_XARGS = 1u << 7,     /* xargs [opts]: more arguments come from stdin */
        HULL_SH_WRAP_EATMYDATA = 1u << 8, /* eatmydata */
        HULL_SH_WRAP_PYTHON_M = 1u << 9,  /* python[N[.M]] [flags] -m MODULE */
};

/* The command a simple command really runs. */
struct hull_sh_call {
        const char *name;  /* basename of the command word's text (points into it);
                            * "" when argc == 0 */
        size_t argi;       /* index in argv of the command word (the module word for
                            * python -m); its arguments start at argi + 1; argc if none */
        unsigned wrappers; /* HULL_SH_WRAP_* bits of the wrappers looked through */
};

/* Look through the wrappers above (in any chain: `sudo env X=1 nohup cmd`).
 * A wrapper followed by no command is itself the command (`exec >log`,
 * `sudo -v`).  A word with an expansion stops the search. */
void hull_sh_cmd_resolve(const struct hull_sh_cmd *cmd, struct hull_sh_call *ret);

/* hull_sh_cmd_resolve(cmd).name: "apt-get" for `sudo -E /usr/bin/apt-get ...`. */
const char *hull_sh_cmd_name(const struct hull_sh_cmd *cmd);

/* hull_sh_cmd_name(cmd) equals name. */
bool hull_sh_cmd_is(const struct hull_sh_cmd *cmd, const char *name);

/* The word's text equals s (length-exact). */
bool hull_sh_word_is(const struct hull_sh_word *w, const char *s);

/* Options and operands of the resolved command, getopt-style (GNU
 * permutation: options are recognized anywhere before "--"):
 *   -abc        three short options a, b, c
 *   -ovalue     short option o with value "value" when o takes a value
 *   -o value    likewise, the value being the next word
 *   --name      long option; --name=value; --name value when name takes one
 *   --          ends options; "-" alone is an operand
 * Which options take a value comes from a small per-tool table (apt-get/apt,
 * apk, pip, npm, yum/dnf/microdnf, zypper; listed in shell.c and
 * docs/internals/shell.md).  For other tools no option takes a value, so
 * `-o x` is option o and operand x.  Long names are not abbreviated. */
enum hull_sh_arg_kind {
        HULL_SH_ARG_SHORT,
        HULL_SH_ARG_LONG,
        HULL_SH_ARG_OPERAND,
};

struct hull_sh_arg {
        enum hull_sh_arg_kind kind;
        char opt;         /* SHORT: the option letter */
        const char *name; /* LONG: name without "--" nor "=value" */
        size_t name_len;
        const char *value; /* option value or operand text; NULL if none */
        size_t value_len;
        const struct hull_sh_word *word; /* the word holding the option or operand */
};

/* Which options of a tool take a value: short option letters, and long
 * option names (NULL-terminated, may be NULL). */
struct hull_sh_optspec {
        const char *shorts;
        const char *const *longs;
};

struct hull_sh_args {
        const struct hull_sh_cmd *cmd;
        const struct hull_sh_optspec *spec; /* the resolved command's, NULL if none */
        size_t i;                           /* next word */
        size_t ci;     /* next letter inside a cluster of short options, 0 if none */
        bool dashdash; /* "--" seen */
};

void hull_sh_args_init(struct hull_sh_args *it, const struct hull_sh_cmd *cmd);
/* The same for a tool shell.c has no table for: iterate from argv[first]
 * with the caller's spec (clusters, -ovalue, --name=value and "--" as above). */
void hull_sh_args_init_spec(struct hull_sh_args *it, const struct hull_sh_cmd *cmd, size_t first,
                            const struct hull_sh_optspec *spec);
/* Next option or operand; false at the end. */
bool hull_sh_args_next(struct hull_sh_args *it, struct hull_sh_arg *ret);

/* The resolved command has short option opt ('\0': none) or long option
 * long_name (NULL: none), before "--".  `apt-get -yq install` has 'y' and 'q';
 * `--no-install-recommends` matches long_name "no-install-recommends". */
bool hull_sh_has_option(const struct hull_sh_cmd *cmd, char opt, const char *long_name);

/* Value of the first such option, NULL if absent or valueless; *ret_len gets
 * its length.  `npm ci --omit=dev` -> "dev" for long_name "omit". */
const char *hull_sh_option_value(const struct hull_sh_cmd *cmd, char opt, const char *long_name,
                                 size_t *ret_len);

/* Operands (non-option arguments) of the resolved command: stores up to max
 * of them in ret[] and returns how many there are in all.
 * `apt-get -y install --no-install-recommends a b=1.2 c` -> install, a,
 * b=1.2, c; `apt-get -o Dpkg::Options::=--force-confnew install x` -> install, x. */
size_t hull_sh_cmd_args_nonopt(const struct hull_sh_cmd *cmd, const struct hull_sh_word **ret,
                               size_t max);

/* First operand (the subcommand of apt-get, apk, pip, npm, dnf...), or NULL. */
const struct hull_sh_word *hull_sh_cmd_subcommand(const struct hull_sh_cmd *cmd);

#endif
