/* common.h - helpers shared by the image audit rules (src/audit/rules/):
 * reading history created_by strings, KEY=value lists, colon databases
 * (/etc/passwd, /etc/group) and deciding whether a value looks like a
 * literal secret.  Secret names and shapes come from the linter
 * (lint/rules/common.h: hull_lint_secret_name, hull_lint_mask;
 * lint/secretish.h: hull_secretish_*), so `hullscan lint` and `hullscan
 * image` agree on what a secret is.
 *
 * Helpers without a ctx are pure: nothing allocates, results point into
 * the caller's strings. */
#ifndef HULL_AUDIT_COMMON_H
#define HULL_AUDIT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/audit.h"

/* size zeroed bytes of scratch from c->arena (freed after the run); NULL
 * with c->err = HULL_ENOMEM when memory is out. */
void *hull_audit_alloc0(struct hull_audit_ctx *c, size_t size);

/* ---- history created_by ------------------------------------------------ */

/* How builders write an instruction into history[i].created_by:
 *   BuildKit        "RUN /bin/sh -c apt-get update # buildkit"
 *                   "RUN |2 A=1 TOKEN=x /bin/sh -c make # buildkit" (build args)
 *                   "RUN make install # buildkit"             (exec form)
 *                   "ADD https://x/y.tgz /opt/ # buildkit", "COPY app /app # buildkit"
 *                   "ENV A=b", "ARG TOKEN=x", "LABEL a=b", "USER app" (no layer)
 *   classic builder "/bin/sh -c apt-get update", "|1 A=b /bin/sh -c make"
 *   (and buildah)   "/bin/sh -c #(nop)  ENV A=b", "/bin/sh -c #(nop) ADD file:<hex> in /dst "
 *                   (a URL source of ADD shows as its bare content hash)
 * The shell prefix is whatever SHELL was ("/bin/bash -o pipefail -c").
 * Build-argument values are written unquoted, so a value holding a blank is
 * ambiguous: a value ends at the blank before the next NAME=, and the last
 * one at the blank before the shell prefix (a word starting with '/' or a
 * shell name), else at the next blank. */
#define HULL_AUDIT_HIST_MAX_KVS 64u /* build arguments kept; the rest are counted */

struct hull_audit_kv {
        const char *key; /* not NUL-terminated */
        size_t key_len;
        const char *value; /* not NUL-terminated */
        size_t value_len;
};

struct hull_audit_hist {
        const char *text; /* the created_by string, " # buildkit" removed */
        size_t len;
        const char *instr; /* static upper-case keyword ("RUN", "ADD", "ENV", ...); NULL
                            * when not recognised (a distribution's comment, tool output) */
        bool buildkit;     /* ended with " # buildkit" */
        bool nop;          /* classic "#(nop)" form */
        const char *args;  /* after the keyword (RUN: after the build arguments and the
                            * shell prefix, i.e. the script); not NUL-terminated */
        size_t args_len;
        /* RUN only */
        struct hull_audit_kv build_args[HULL_AUDIT_HIST_MAX_KVS];
        size_t nbuild_args; /* kept in build_args (at most HULL_AUDIT_HIST_MAX_KVS) */
        const char *shell;  /* "/bin/sh -c", NULL for an exec-form RUN */
        size_t shell_len;
};

/* Parse created_by (NULL counts as "").  Never fails: what is not
 * recognised leaves instr NULL and args = the whole text. */
void hull_audit_hist_parse(const char *created_by, struct hull_audit_hist *ret);

/* Called for one history entry: h its created_by parsed, w its place
 * (field "history[i].created_by", and the layer the entry made, if any). */
typedef void hull_audit_history_fn(struct hull_audit_ctx *c, const struct hull_audit_hist *h,
                                   const struct hull_audit_where *w, void *ud);

/* Call fn for each history entry with a non-empty created_by whose
 * instruction is instr ("RUN"; NULL: any, also unrecognised ones), in
 * order, until c->err is set.  h lives in c->arena; out of memory sets
 * c->err. */
void hull_audit_each_history(struct hull_audit_ctx *c, const char *instr, hull_audit_history_fn *fn,
                             void *ud);

/* Split a "KEY=value KEY2=value two" list (history ENV / ARG / LABEL
 * arguments, as BuildKit and the classic builder write them) into at most
 * max pairs; returns the number of pairs found (may exceed max).  A value
 * ends at the blank before the next KEY= (KEY: letters, digits, '_', '.',
 * '-'); a word without '=' is a key without value (ARG TOKEN). */
size_t hull_audit_split_kvs(const char *s, size_t n, struct hull_audit_kv *ret, size_t max);

/* ---- /etc/passwd and /etc/group --------------------------------------------- */

/* Look name up in a colon database (passwd or group: name:x:id:...) as
 * getpwnam(3) reads a file: the first line whose first field is name; the
 * third field must be a decimal id <= UINT32_MAX.  Lines of any length,
 * "#" comments and NIS "+"/"-" lines are skipped; content may hold NUL
 * bytes.  HULL_OK, HULL_ENOTFOUND (no such name, or its id is malformed). */
int hull_audit_db_lookup(const char *content, size_t n, const char *name, size_t name_len,
                         uint32_t *ret_id);

/* s[0..n) is a decimal id (1-10 digits, <= UINT32_MAX): *ret_id. */
bool hull_audit_parse_id(const char *s, size_t n, uint32_t *ret_id);

/* ---- secrets ---------------------------------------------------------------- */

/* A value stored under a secret-looking name (hull_lint_secret_name) is
 * reported only when it could be the secret itself: not empty, not a
 * switch (true/no/1...), not a path (/run/secrets/x), not a placeholder
 * (hull_secretish_placeholder), not only variable references ($TOKEN,
 * ${A:-}), not on the secret allow-list. */
bool hull_audit_literal_secret(const struct hull_audit_ctx *c, const char *v, size_t n);

/* Secrets masked out of text for reports: every secret-shaped literal of
 * s[0..n) (hull_secretish_find, where the match is the secret itself)
 * replaced by hull_lint_mask()'s "ab***".  *ret is a new NUL-terminated
 * string (hull_free it), or NULL when nothing needed masking.  HULL_OK or
 * HULL_ENOMEM. */
int hull_audit_redact(const struct hull_audit_ctx *c, const char *s, size_t n, char **ret);

/* s for a message, masked as hull_audit_redact() does, into buf (cut to
 * fit).  Out of memory: c->err is set and buf holds "***".  Returns buf. */
const char *hull_audit_redact_str(struct hull_audit_ctx *c, const char *s, char *buf, size_t size);

/* The URL s[0..n) for a message (HS4014, HS4015): its user-info
 * (user:password@ before the path) shown as "***", then masked as
 * hull_audit_redact_str() does, into buf.  Returns buf. */
const char *hull_audit_url_str(struct hull_audit_ctx *c, const char *s, size_t n, char *buf,
                               size_t size);

/* The same for a history created_by, also masking the values HS4005 reports
 * by name: build arguments ("|1 NPM_TOKEN=np*** /bin/sh -c ...") and ARG,
 * ENV and LABEL values under secret names.  hull_audit_report() passes
 * every finding's created_by through it, so no report prints a secret the
 * audit found. */
int hull_audit_redact_history(const struct hull_audit_ctx *c, const char *created_by, char **ret);

/* ---- files of the layered model (HS4006-HS4012) ----------------------------- */

/* pattern: a normalised path whose components may be "*" (exactly one
 * component, any name).  True when path is pattern or lies below it;
 * *ret_len (may be NULL) gets the length of the part of path that pattern
 * matched (path[*ret_len] is '\0' or '/'). */
bool hull_audit_path_under(const char *pattern, const char *path, size_t *ret_len);

/* n bytes for a message: "512 bytes", "1.5 KiB", "23.4 MiB", "1.2 GiB";
 * returns buf. */
const char *hull_audit_bytes(uint64_t n, char *buf, size_t size);

/* The files found under one directory, every layer's versions counted
 * (HS4007 .git, HS4008 caches).  Zero-initialise, then add each file. */
struct hull_audit_tally {
        uint64_t files, bytes;            /* file versions, and their bytes */
        uint64_t deleted;                 /* of them, deleted by a later layer */
        unsigned first_layer, last_layer; /* range of the versions' layers */
        unsigned deleted_in;              /* the latest layer that deleted one */
};
void hull_audit_tally_add(struct hull_audit_tally *t, const struct hull_layers_node *file);

/* "1 file, 512 bytes", "3 files, 1.5 KiB"; returns buf. */
const char *hull_audit_tally_str(const struct hull_audit_tally *t, char *buf, size_t size);

/* ", deleted in layer N but still in the image" when w->deleted, else "";
 * returns buf. */
const char *hull_audit_deleted_note(const struct hull_audit_where *w, char *buf, size_t size);

/* Programs of the final view by name (HS4009 compilers, HS4010 tools). */
enum hull_audit_suffix {
        HULL_AUDIT_SUFFIX_NONE,    /* the name only */
        HULL_AUDIT_SUFFIX_VERSION, /* also name-N[.N...]: gcc-12, clang-16 */
        HULL_AUDIT_SUFFIX_DOT,     /* also name.WORD: vim.tiny, nc.openbsd */
};

struct hull_audit_program_name {
        const char *name; /* "gcc" */
        const char *what; /* "a C compiler" */
        enum hull_audit_suffix suffix;
};

struct hull_audit_program {
        const struct hull_layers_node *node;        /* its first name in sorted path order */
        const struct hull_layers_node *target;      /* the regular file the names resolve to */
        const struct hull_audit_program_name *name; /* the table entry node's name matched */
        size_t nothers;     /* further names of the same file, neither node nor target */
        const char *others; /* "/usr/bin/gcc, /usr/bin/c89" (c->arena), "" when none */
};

typedef void hull_audit_program_fn(struct hull_audit_ctx *c, const struct hull_audit_program *p,
                                   void *ud);

/* One pass over the final view: every regular file, hard link or symlink
 * directly in one of dirs[] (NULL-terminated, normalised: "usr/bin") whose
 * name is in names[] is resolved as the container would
 * (hull_layers_lookup, links followed); dangling links and names that do
 * not end at a regular file are skipped, and so are busybox applets (the
 * file is bin/busybox, or is named busybox) when skip_busybox.  Names that
 * reach the same file are grouped, and fn runs once per file, in sorted
 * path order of the first name.  Returns HULL_OK or HULL_ENOMEM (c->err set
 * too). */
int hull_audit_programs(struct hull_audit_ctx *c, const char *const *dirs,
                        const struct hull_audit_program_name *names, size_t nnames,
                        bool skip_busybox, hull_audit_program_fn *fn, void *ud);

/* Report p at its first name, a hull_audit_program_fn (ud unused):
 * "/usr/bin/gcc is a C compiler in the final image", with the file's other
 * names: " (the file /usr/bin/gcc-12; also named /usr/bin/c89)". */
void hull_audit_program_report(struct hull_audit_ctx *c, const struct hull_audit_program *p,
                               void *ud);

#endif
