/* stages.h - the stage model: what each stage builds on, and the effective
 * values (ARG, ENV, USER, WORKDIR...) after BuildKit's variable expansion.
 *
 * hull_df_model_build() walks the checked instructions the way BuildKit's
 * dockerfile2llb dispatches them: global ARGs before the first FROM (with
 * --build-arg overrides and the automatic platform ARGs), per-stage ARG and
 * ENV scopes (ENV wins over ARG), FROM expanded in the global scope, and
 * every instruction BuildKit expands gets its expanded words (instr->x).
 * Each shell-form RUN also gets its shell model (instr->sh).
 *
 * Ownership: the model borrows the dockerfile (which must outlive it) and
 * allocates everything in the dockerfile's arena; hull_df_model_free() only
 * frees the struct itself. */
#ifndef HULL_DOCKERFILE_STAGES_H
#define HULL_DOCKERFILE_STAGES_H

#include <stdbool.h>
#include <stddef.h>

#include "basic/diag.h"
#include "dockerfile/ast.h"
#include "dockerfile/expand.h"
#include "dockerfile/instructions.h"
#include "dockerfile/reference.h"

#define HULL_DF_NO_STAGE ((size_t)-1)

struct hull_df_build_arg {
        const char *name;
        const char *value; /* NULL: "--build-arg NAME" without value (taken from the environment) */
};

struct hull_df_options {
        const struct hull_df_build_arg *build_args;
        size_t nbuild_args;
        const char *target;   /* stage name, or NULL for the last stage */
        const char *platform; /* "os/arch[/variant]" for TARGETPLATFORM; NULL = linux/amd64 */
};

/* A variable in scope, with the instruction that set it. */
struct hull_df_var {
        const char *name;
        const char *value; /* NULL when declared without a value (ARG X) */
        size_t value_len;
        const struct hull_df_instr *instr; /* NULL for automatic platform ARGs / build args */
};

/* COPY --from (or FROM) naming a stage. */
struct hull_df_edge {
        size_t from_stage;                 /* the stage read from */
        size_t to_stage;                   /* the stage reading */
        const struct hull_df_instr *instr; /* the COPY or FROM */
};

struct hull_df_stage {
        size_t index;
        const char *name;           /* lowercased AS name, NULL if none */
        struct hull_df_instr *from; /* the FROM instruction */
        const char *base_raw;       /* FROM's image as written */
        const char *base;           /* expanded in the global scope */
        size_t base_stage;          /* stage built on, or HULL_DF_NO_STAGE */
        bool base_scratch;          /* FROM scratch */
        bool base_ref_ok;           /* ref holds the parsed image reference */
        struct hull_image_ref ref;  /* when base_ref_ok */
        const char *base_ref_error; /* why the reference did not parse (when !ok and not a stage) */
        const char *platform;       /* expanded --platform, NULL if none */
        struct hull_df_instr **instrs; /* instructions of the stage after FROM, in order */
        size_t ninstrs;
        /* effective at the end of the stage (inherited through FROM <stage>) */
        struct hull_df_var *env; /* ENV, last value per name, in order of first set */
        size_t nenv;
        struct hull_df_var *args; /* ARGs in scope */
        size_t nargs;
        const char *user; /* last USER, expanded; NULL = never set (root) */
        const struct hull_df_instr *user_instr;
        const char *workdir; /* last WORKDIR, expanded and resolved; NULL = "/" */
        const struct hull_df_instr *healthcheck, *cmd, *entrypoint, *shell;
};

struct hull_df_model {
        struct hull_dockerfile *df;
        struct hull_df_instr *instrs; /* every instruction, in file order */
        size_t ninstrs;
        struct hull_df_var *global; /* global scope: automatic ARGs then ARGs before FROM */
        size_t nglobal;
        struct hull_df_stage *stages;
        size_t nstages;
        size_t target;              /* the final stage (or --target) */
        struct hull_df_edge *edges; /* FROM <stage> and COPY --from=<stage> */
        size_t nedges;
        const char *platform; /* target platform used */
};

/* Build the model.  Errors (HULL_EPARSE with file:line:col): an instruction
 * BuildKit rejects, an instruction before the first FROM other than ARG, an
 * expansion error (`unsupported modifier (i) in substitution`), or an unknown --target.
 * A base name that expands to nothing is not an error (the file is valid;
 * docker build needs a --build-arg): the stage records base_ref_error. */
int hull_df_model_build(struct hull_dockerfile *df, const struct hull_df_options *opt,
                        struct hull_df_model **ret, struct hull_diag *d);
struct hull_df_model *hull_df_model_free(struct hull_df_model *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hull_df_model *, hull_df_model_free)

/* Look a variable up: the last ENV of the stage, else the ARG in scope.
 * NULL when neither sets it. */
const struct hull_df_var *hull_df_stage_lookup(const struct hull_df_stage *s, const char *name);

/* The stage index named by a COPY --from / FROM word as BuildKit resolves it
 * (a stage name, case-insensitive, or a number), considering only stages
 * before `before`; HULL_DF_NO_STAGE when it names an image. */
size_t hull_df_model_find_stage(const struct hull_df_model *m, const char *word, size_t before);

#endif
