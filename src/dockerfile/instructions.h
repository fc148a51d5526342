/* instructions.h - BuildKit's instruction stage: typed flags and argument checks.
 *
 * The parser (parser.h) accepts anything shaped like a Dockerfile; BuildKit
 * then rejects what `docker build` cannot run: unknown instructions and
 * flags, a flag without its value, FROM with a bad stage name, COPY with
 * one argument, a HEALTHCHECK of unknown type, an ONBUILD ONBUILD...
 * hull_df_instr_parse() does the same checks, with BuildKit's messages, and
 * gives each instruction its parsed flags and key/value pairs.
 *
 * Ownership: everything is allocated in the dockerfile's arena. */
#ifndef HULL_DOCKERFILE_INSTRUCTIONS_H
#define HULL_DOCKERFILE_INSTRUCTIONS_H

#include <stdbool.h>

#include "basic/diag.h"
#include "dockerfile/ast.h"

struct hull_sh_script;

struct hull_df_flag {
        const char *name;  /* without the leading "--" */
        const char *value; /* NULL when written without '=' (booleans) */
        struct hull_pos pos;
};

/* ENV/LABEL pair, or ARG name with optional default. */
struct hull_df_kv {
        struct hull_df_str key;
        struct hull_df_str value; /* raw, quotes kept; .s NULL for an ARG without default */
        const char *value_x;      /* expanded (quotes removed) by the stage model; NULL if not */
        size_t value_x_len;
        const char *key_x; /* expanded key (ENV/LABEL keys expand too) */
};

struct hull_df_instr {
        const struct hull_df_node *node; /* the syntax node; for ONBUILD, the outer node */
        enum hull_df_kind kind;
        struct hull_df_flag *flags;
        size_t nflags;
        struct hull_df_kv *kvs; /* ENV, LABEL, ARG */
        size_t nkvs;
        /* Filled by the stage model (stages.h) where BuildKit expands the
         * instruction's words (FROM image, ADD/COPY sources and destination,
         * EXPOSE, VOLUME, USER, WORKDIR, STOPSIGNAL): one entry per value. */
        const char **x;
        size_t *xlen;
        size_t nx;
        /* Shell model of a shell-form RUN (and of each heredoc body that is a
         * script); NULL for other instructions or when it could not be built. */
        struct hull_sh_script *sh;
        size_t stage; /* index of the stage it belongs to; (size_t)-1 before the first FROM */
};

/* Value of --name (last one wins); NULL when absent.  *ret_present tells a
 * boolean flag given without a value from an absent one (may be NULL). */
const char *hull_df_instr_flag(const struct hull_df_instr *in, const char *name, bool *ret_present);

/* Check node the way BuildKit's instruction parser does and fill *in.
 * Errors are HULL_EPARSE with file:line:col in d. */
int hull_df_instr_parse(struct hull_dockerfile *df, const struct hull_df_node *node,
                        struct hull_df_instr *in, struct hull_diag *d);

#endif
