/* common.h - helpers shared by lint rules (small, pure functions over the model). */
#ifndef HULL_LINT_RULES_COMMON_H
#define HULL_LINT_RULES_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include "dockerfile/shell.h"
#include "lint/engine.h"

/* "root", "0", "0000", "0:0", "root:root", "0:1000"... : the user part means uid 0. */
bool hull_lint_user_is_root(const char *user);

/* The base image of s (through FROM <stage> chains) is known to start as a
 * non-root user: a tag containing "nonroot", or a chainguard image. */
bool hull_lint_base_is_nonroot(const struct hull_lint_ctx *c, const struct hull_df_stage *s);

/* The image reference a stage ultimately builds on (following FROM <stage>),
 * or NULL for scratch / an unparsable or blank base. */
const struct hull_df_stage *hull_lint_root_stage(const struct hull_lint_ctx *c, const struct hull_df_stage *s);

/* Position of a shell command inside a RUN: the RUN's own position when the
 * command's line cannot be told (heredoc bodies are mapped to their lines). */
struct hull_pos hull_lint_cmd_pos(const struct hull_df_instr *run, const struct hull_sh_cmd *cmd);

/* Iterate the shell commands of every RUN of stage s (the stage's own RUNs only). */
#define HULL_LINT_FOREACH_RUN(s, in)                                                               \
        for (size_t _i_ = 0; _i_ < (s)->ninstrs; _i_++)                                            \
                if (((in) = (s)->instrs[_i_]) && (in)->kind == HULL_DF_RUN)

#endif
