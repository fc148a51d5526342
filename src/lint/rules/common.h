/* common.h - helpers shared by lint rules (small, pure functions over the model). */
#ifndef HULL_LINT_RULES_COMMON_H
#define HULL_LINT_RULES_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dockerfile/shell.h"
#include "lint/engine.h"

/* "root", "0", "0000", "0:0", "root:root", "0:1000"... : the user part means uid 0. */
bool hull_lint_user_is_root(const char *user);

/* The base image of s (through FROM <stage> chains) is known to start as a
 * non-root user: a tag containing "nonroot", or a chainguard image. */
bool hull_lint_base_is_nonroot(const struct hull_lint_ctx *c, const struct hull_df_stage *s);

/* The image reference a stage ultimately builds on (following FROM <stage>),
 * or NULL for scratch / an unparsable or blank base. */
const struct hull_df_stage *hull_lint_root_stage(const struct hull_lint_ctx *c,
                                                 const struct hull_df_stage *s);

/* Position of a shell command inside a RUN: the RUN's own position when the
 * command's line cannot be told (heredoc bodies are mapped to their lines). */
struct hull_pos hull_lint_cmd_pos(const struct hull_df_instr *run, const struct hull_sh_cmd *cmd);

/* Position of one word of a shell command inside a RUN (see hull_lint_cmd_pos). */
struct hull_pos hull_lint_word_pos(const struct hull_df_instr *run, const struct hull_sh_word *w);

/* The variable name as seen by instruction at of stage s: the stage's ENV,
 * else its ARG, counting only values set before at (or inherited through
 * FROM <stage>, or automatic / --build-arg).  NULL when not in scope there.
 * Approximation: a variable set again after at is treated as unset. */
const struct hull_df_var *hull_lint_var_at(const struct hull_df_stage *s,
                                           const struct hull_df_instr *at, const char *name);

/* "stage 'build'" or "stage 2" into buf (for messages); returns buf. */
const char *hull_lint_stage_label(const struct hull_df_stage *s, char *buf, size_t n);

/* s's FROM names an image that parsed (not scratch, not an earlier stage):
 * s->ref is usable and s->ref.name is set. */
bool hull_lint_stage_pulls_image(const struct hull_df_stage *s);

/* Position of the image word of s's FROM (the FROM itself if it has none). */
struct hull_pos hull_lint_from_image_pos(const struct hull_df_stage *s);

/* Iterate the shell commands of every RUN of stage s (the stage's own RUNs only). */
#define HULL_LINT_FOREACH_RUN(s, in)                                                               \
        for (size_t _i_ = 0; _i_ < (s)->ninstrs; _i_++)                                            \
                if (((in) = (s)->instrs[_i_]) && (in)->kind == HULL_DF_RUN)

/* ---- package managers (HS1004-HS1011) ------------------------------------ */

/* The command cmd runs (hull_sh_cmd_name) is one of names (NULL-terminated). */
bool hull_lint_cmd_in(const struct hull_sh_cmd *cmd, const char *const names[]);

/* Likewise, and its subcommand (first operand) is one of subs (NULL-terminated):
 * `sudo apt-get -y install x` for {"apt-get", "apt"} and {"install"}. */
bool hull_lint_cmd_sub_in(const struct hull_sh_cmd *cmd, const char *const names[],
                          const char *const subs[]);

/* Whether removing path p[0..n) removes dir or what it holds: p is dir (a
 * trailing slash or slash-star ignored), something inside dir (dir/x, a glob
 * such as dir*), or a directory above it ("/" itself never counts). */
bool hull_lint_path_covers(const char *p, size_t n, const char *dir);

/* cmd is `rm` with an operand covering dir, or `find <path covering dir> ...
 * -delete` / `-exec rm`. */
bool hull_lint_cmd_removes_path(const struct hull_sh_cmd *cmd, const char *dir);

/* Some command of run's shell model, from index from on, removes dir. */
bool hull_lint_run_removes_path(const struct hull_df_instr *run, size_t from, const char *dir);

/* A --mount value ("type=cache,target=/var/lib/apt,sharing=locked") is a
 * cache or tmpfs mount: its target (quotes removed) into *ret_target (not
 * NUL-terminated) and *ret_len.  False for other mounts or without a target. */
bool hull_lint_mount_cache_target(const char *spec, const char **ret_target, size_t *ret_len);

/* run has a cache or tmpfs --mount on dir or on a directory above it, so
 * what is written to dir stays out of the layer. */
bool hull_lint_run_cache_mount(const struct hull_df_instr *run, const char *dir);

/* The value of a word that is exactly one variable ($NAME or ${NAME}) as the
 * RUN at of stage s sees it (hull_lint_var_at); NULL for other words or when
 * the variable is not set.  Not NUL-terminated: *ret_len is its length. */
const char *hull_lint_word_var_value(const struct hull_df_stage *s, const struct hull_df_instr *at,
                                     const struct hull_sh_word *w, size_t *ret_len);

/* The operands of cmd after the first skip ones, for messages: "curl git vim
 * (and 4 more)" (each cut at 60 bytes) into buf; "" when none.  Returns buf. */
const char *hull_lint_cmd_operands_str(const struct hull_sh_cmd *cmd, size_t skip, char *buf,
                                       size_t size);

/* ---- commands, options and file modes (HS2003-HS2007, HS3005) ------------- */

/* A NULL-terminated string array literal, for option tables. */
#define HULL_LINT_STRV(...) ((const char *const[]){__VA_ARGS__, NULL})

/* An exec-form (JSON) RUN seen as one simple command: argv is the array's
 * strings (the first HULL_LINT_EXEC_MAX), not expanded, nothing quoted away.
 * Lives on the caller's stack; words point into the dockerfile. */
#define HULL_LINT_EXEC_MAX 64
struct hull_lint_exec {
        struct hull_sh_word words[HULL_LINT_EXEC_MAX];
        struct hull_sh_cmd cmd;
};

/* Fill *ret from an exec-form RUN; false for any other instruction or an
 * empty array. */
bool hull_lint_exec_cmd(const struct hull_df_instr *run, struct hull_lint_exec *ret);

/* Call fn for each simple command of each RUN of stage s (its own RUNs):
 * the shell model's commands (shell form, `RUN <<EOF` scripts), or the one
 * command of an exec-form RUN.  Commands inside `sh -c "..."` strings and
 * ONBUILD triggers are not seen. */
typedef void hull_lint_cmd_fn(struct hull_lint_ctx *c, const struct hull_df_instr *run,
                              const struct hull_sh_cmd *cmd, void *ud);
void hull_lint_each_cmd(struct hull_lint_ctx *c, const struct hull_df_stage *s,
                        hull_lint_cmd_fn *fn, void *ud);

/* For every stage that ends up in the final image: on_cmd for each shell
 * command of its RUNs (as hull_lint_each_cmd), on_copy for each COPY/ADD. */
void hull_lint_each_final_cmd_and_copy(struct hull_lint_ctx *c, hull_lint_cmd_fn *on_cmd,
                                       void (*on_copy)(struct hull_lint_ctx *c,
                                                       const struct hull_df_instr *in));

/* The value-taking options of curl and wget (the common ones). */
extern const struct hull_sh_optspec hull_lint_curl_opts;
extern const struct hull_sh_optspec hull_lint_wget_opts;

/* The long option's name equals s. */
bool hull_lint_arg_long_is(const struct hull_sh_arg *a, const char *s);

/* Argv index where the resolved command's arguments start (after sudo, env,
 * python -m...); name gets the command's name.  cmd->argc when none. */
size_t hull_lint_cmd_args(const struct hull_sh_cmd *cmd, const char **ret_name);

/* Permission bits a chmod(1) mode certainly sets: octal ("0777", "4755") or
 * symbolic ("a+rwx", "o+w,g-w", "u+s", "=rw").  A clause without [ugoa]
 * leaves the bits of umask alone, as chmod(1) does (RUN's umask is 022; pass
 * 0 where none applies, as for COPY --chmod).  Bits copied from another
 * class ("o=u") and X are not counted.  False when text is not a mode. */
bool hull_lint_mode_bits(const char *text, size_t len, unsigned umask, unsigned *ret_set);

/* A command that sets file modes: `chmod [-R] MODE FILE...`,
 * `mkdir -m MODE DIR...`, `install -m MODE ... DEST` (through sudo and
 * friends).  files[] holds the first operands (nfiles counts them all). */
#define HULL_LINT_MODE_FILES 8
struct hull_lint_modecmd {
        const char *tool; /* "chmod", "mkdir", "install" */
        const struct hull_sh_word *mode_word;
        const char *mode; /* the mode's text (a word, or the value part of -m777) */
        size_t mode_len;
        bool recursive; /* chmod -R / --recursive */
        bool directory; /* mkdir, install -d: the operands are directories */
        bool xargs;     /* run through xargs: more operands come from stdin */
        const struct hull_sh_word *files[HULL_LINT_MODE_FILES];
        size_t nfiles;
};
bool hull_lint_mode_cmd(const struct hull_sh_cmd *cmd, struct hull_lint_modecmd *ret);

/* A command of run's shell model, from index from on, is `rm` with path
 * itself or a directory above it as an operand, compared as written
 * (`rm -rf "$tmp"` deletes what `chmod 777 "$tmp"` changed).  Stricter than
 * hull_lint_run_removes_path(): deleting what a directory holds keeps the
 * directory (and its mode). */
bool hull_lint_run_deletes(const struct hull_df_instr *run, size_t from, const char *path);

/* Every file of m (a command of run) is deleted later in the same RUN
 * (hull_lint_run_deletes): a temporary directory that never reaches a layer.
 * False when m has no operands or more than HULL_LINT_MODE_FILES. */
bool hull_lint_mode_cmd_deleted(const struct hull_df_instr *run, const struct hull_sh_cmd *cmd,
                                const struct hull_lint_modecmd *m);

/* The operands of m joined by spaces into buf for messages ("..." when cut;
 * "the files xargs passes" or "(no file)" when none); returns buf. */
const char *hull_lint_mode_files(const struct hull_lint_modecmd *m, char *buf, size_t n);

/* The instruction's last --name flag (as parsed: value expanded where
 * BuildKit expands it), NULL when absent. */
const struct hull_df_flag *hull_lint_flag(const struct hull_df_instr *in, const char *name);

/* in is a RUN, or an ONBUILD RUN, whose last --name flag is exactly value
 * (as written: BuildKit checks these flags before expansion); the flag, or NULL. */
const struct hull_df_flag *hull_lint_run_flag_is(const struct hull_df_instr *in, const char *name,
                                                 const char *value);

/* The container ports of an EXPOSE word or an image's ExposedPorts key,
 * s[0..n), read the way Docker's nat.ParsePortSpec reads them:
 * [ip:][hostport:]port[-port][/proto], no proto meaning tcp (HS2004,
 * HS4013).  True for TCP ports, *ret_lo..*ret_hi; false for udp or sctp and
 * for what Docker rejects (not decimal, above 65535, a range ending below
 * its start). */
bool hull_lint_tcp_ports(const char *s, size_t n, unsigned *ret_lo, unsigned *ret_hi);

/* ---- secrets (HS3001-HS3004) ---------------------------------------------- */

/* name (an ENV/ARG key, any case; '-' and '.' count as '_') names a secret:
 * it ends with PASSWORD, PASSWD, PASSPHRASE, SECRET, TOKEN, CREDENTIAL(S),
 * APIKEY, SECRETKEY, SECRETKEYBASE, PRIVATEKEY, SECRETACCESSKEY, MASTERKEY,
 * ENCRYPTIONKEY, SIGNINGKEY, AUTHKEY, LICENSEKEY, SERVICEACCOUNTKEY
 * (underscores ignored: API_KEY, apiKey), or its last word ends with PASS
 * (DB_PASS, LDAP_ROOTPASS; not BYPASS, COMPASS...), or is PWD after another
 * word (DB_PWD; PWD alone is the working directory).  So
 * TOKEN_URL, PASSWORD_FILE, KEY_LENGTH, AWS_ACCESS_KEY_ID, GPG_KEY are not. */
bool hull_lint_secret_name(const char *name);

/* A masked copy of a secret for messages: its first two bytes and "***"
 * ("hu***"), or just "***" when it is shorter than 6 bytes; bytes that are
 * not printable ASCII show as '?'.  Returns buf (size >= 6). */
const char *hull_lint_mask(const char *s, size_t n, char *buf, size_t size);

/* raw (a value as written, quotes kept) is only variable references, e.g.
 * `${TOKEN}`, "$A$B", '${X:-}' - nothing literal around them. */
bool hull_lint_only_refs(const char *raw, size_t n);

/* s[0..n) for a message: whitespace runs (joined continuation lines) made
 * one space, cut to fit size with "..." at the end.  Returns buf. */
const char *hull_lint_squeeze(const char *s, size_t n, char *buf, size_t size);

/* Remembers secrets already reported in one rule run (FNV-1a of the
 * bytes), so a token met again is reported once (HS3002, HS4005). */
#define HULL_LINT_SEEN_MAX 1024u
struct hull_lint_seen {
        uint64_t h[HULL_LINT_SEEN_MAX];
        size_t n;
};
/* True when p[0..n) is new (and remembers it); false once the set is full:
 * the file has findings enough. */
bool hull_lint_seen_add(struct hull_lint_seen *s, const char *p, size_t n);

/* ---- credential files (HS3004, HS4006) ------------------------------------- */

/* One of words (NULL-terminated, lowercase) is a word of s, ignoring case;
 * words are split at - _ . / and space ("apt-repo.key" has apt, repo, key). */
bool hull_lint_has_word(const char *s, const char *const words[]);

/* A .env file name that is a template, not settings: it ends with .example,
 * .sample, .template, .dist, .defaults, .default, .tmpl or .tpl. */
bool hull_lint_env_template(const char *name);

#endif
