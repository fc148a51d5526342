/* json_read.h - reading untrusted JSON documents with jansson: a bounded
 * parse and the context of the walk over its tree.
 *
 * jansson has no limit we can set on nesting depth, and its tree costs tens
 * of bytes per value, so hull_json_read() first pre-scans the raw bytes:
 * outside strings, a '[' or '{' opens a level and counts as a value, a ','
 * counts as one more; a document nested deeper than max_depth or holding
 * more than max_values values fails with HULL_ELIMIT before jansson builds
 * anything.  Malformed input is left to jansson: json_loadb() with duplicate
 * member names refused.  jansson allocates through hull_malloc(), so a
 * failed allocation is HULL_ENOMEM (jansson itself would call it a syntax
 * error).
 *
 * Errors fill d with file = name: HULL_EPARSE with jansson's message (made
 * printable) and HULL_ELIMIT with "JSON nested deeper than N levels" or
 * "more than N JSON values", each with d->line, d->col (characters, as
 * jansson counts them; 0 for the value limit) and d->offset, the byte;
 * HULL_ENOMEM with "NAME: out of memory".  Size limits, an empty input and
 * what the top level must be are the caller's.  On success *ret is the
 * caller's to json_decref() (jansson's json_decrefp() for _cleanup_). */
#ifndef HULL_BASIC_JSON_READ_H
#define HULL_BASIC_JSON_READ_H

#include <jansson.h>
#include <stddef.h>

#include "basic/alloc.h"
#include "basic/arena.h"
#include "basic/diag.h"

int hull_json_read(const char *data, size_t len, const char *name, unsigned max_depth,
                   size_t max_values, json_t **ret, struct hull_diag *d);

/* Walking the tree: a reader keeps the JSON path of the value it is on
 * ("affected[0].ranges[1].events", truncated past 255 bytes) so that its
 * errors say where, and copies strings into the caller's arena, so the
 * tree can be freed before it returns. */
struct hull_json_walk {
        struct hull_arena *a;
        const char *name; /* the document, for messages; never NULL */
        struct hull_diag *d;
        size_t plen;
        char path[256];
};

/* name NULL: "(input)".  a and d are borrowed (d may be NULL). */
void hull_json_walk_init(struct hull_json_walk *w, struct hull_arena *a, const char *name,
                         struct hull_diag *d);

/* Append ".key" (or "key" at the root), or "[i]"; returns the mark that
 * hull_json_walk_pop() takes back to. */
size_t hull_json_walk_key(struct hull_json_walk *w, const char *key);
size_t hull_json_walk_index(struct hull_json_walk *w, size_t i);
void hull_json_walk_pop(struct hull_json_walk *w, size_t mark);

/* Set d to "NAME: PATH: MSG" ("NAME: MSG" at the root); returns code. */
int hull_json_walk_fail(struct hull_json_walk *w, int code, const char *fmt, ...) _printf_(3, 4);

/* HULL_ENOMEM, "NAME: out of memory". */
int hull_json_walk_nomem(struct hull_json_walk *w);

/* What j is, for "expected X, got Y": "an object", "an array", "a string",
 * "an integer", "a non-integer number", "a boolean" or "null". */
const char *hull_json_type_name(const json_t *j);

/* The JSON string j, NUL-terminated, copied into the arena. */
int hull_json_walk_strdup(struct hull_json_walk *w, const json_t *j, const char **ret);

#endif
