/* parser.h - BuildKit-exact Dockerfile parser (the syntax stage).
 *
 * hull_df_parse() reproduces BuildKit's frontend/dockerfile/parser: the
 * result dumps byte for byte like BuildKit's own test dump (dump.h) and it
 * fails exactly where BuildKit's parser fails.  It does not check
 * instructions (unknown flags, FROM without an image...): that is the
 * instruction stage, instructions.h.
 *
 * Ownership: the returned struct hull_dockerfile owns all its memory (one
 * arena); free it with hull_dockerfile_free(), which accepts NULL.  The
 * input buffer is not referenced after the call. */
#ifndef HULL_DOCKERFILE_PARSER_H
#define HULL_DOCKERFILE_PARSER_H

#include <stddef.h>

#include "basic/diag.h"
#include "dockerfile/ast.h"

/* Parse data[0..len) named name (used in diagnostics).  On failure returns a
 * hull_err (HULL_EPARSE, HULL_ELIMIT, HULL_ENOMEM) with d filled with
 * name:line:col, and *ret untouched. */
int hull_df_parse(const char *data, size_t len, const char *name, struct hull_dockerfile **ret,
                  struct hull_diag *d);

struct hull_dockerfile *hull_dockerfile_free(struct hull_dockerfile *df);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hull_dockerfile *, hull_dockerfile_free)

/* Go's JSON-form rule: text (left-trimmed) starts with '[' and is one JSON
 * array of strings.  Returns 1 and the decoded strings when it is, 0 when the
 * text is not JSON form, -HULL_EPARSE when it is a JSON array with a
 * non-string element, -HULL_ENOMEM.  Decoding follows Go: invalid UTF-8 and lone
 * surrogates become U+FFFD.  Offsets are of each element's opening quote. */
int hull_df_parse_json_array(struct hull_arena *a, const char *text, size_t len,
                             struct hull_df_str **ret_items, size_t *ret_n, size_t **ret_offs);

#endif
