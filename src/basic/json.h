/* json.h - a streaming JSON writer into a struct hull_buf.
 *
 * Fast and deterministic (keys come out in the order written), for reports
 * and `parse --format json`.  Output is UTF-8; a string that is not valid
 * UTF-8 has each bad byte written as U+FFFD; control characters are escaped.
 * Errors are sticky: after the first failure (buffer limit, memory, nesting
 * past HULL_MAX_JSON_DEPTH) every call is a no-op and hull_json_end()
 * returns the error.  With pretty set, the layout is two-space indentation,
 * "key": value, and empty containers as {} and []. */
#ifndef HULL_BASIC_JSON_H
#define HULL_BASIC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/buf.h"
#include "basic/limits.h"

struct hull_json {
        struct hull_buf *b;
        /* optional: called with the buffer's content once it passes 64 KiB
         * (and by hull_json_end), which then empties it, so a large document
         * streams out instead of growing in memory.  Returns a hull_err. */
        int (*flush)(void *ud, const char *data, size_t len);
        void *ud;
        int err;
        unsigned depth;
        bool pretty;
        bool after_key;
        bool empty[HULL_MAX_JSON_DEPTH + 1]; /* nothing written yet at this level */
};

void hull_json_init(struct hull_json *j, struct hull_buf *b, bool pretty);
int hull_json_end(struct hull_json *j); /* error or HULL_OK */

void hull_json_obj(struct hull_json *j);
void hull_json_obj_end(struct hull_json *j);
void hull_json_arr(struct hull_json *j);
void hull_json_arr_end(struct hull_json *j);
void hull_json_key(struct hull_json *j, const char *k);
void hull_json_str(struct hull_json *j, const char *s, size_t n); /* NULL s: null */
void hull_json_cstr(struct hull_json *j, const char *s);          /* NULL: null */
void hull_json_int(struct hull_json *j, int64_t v);
/* A number with one decimal from an integer of tenths: 98 -> 9.8, 100 -> 10.0. */
void hull_json_tenths(struct hull_json *j, int64_t tenths);
void hull_json_bool(struct hull_json *j, bool v);
void hull_json_null(struct hull_json *j);

/* key + value shorthands */
static inline void hull_json_kstr(struct hull_json *j, const char *k, const char *s, size_t n) {
        hull_json_key(j, k);
        hull_json_str(j, s, n);
}
static inline void hull_json_kcstr(struct hull_json *j, const char *k, const char *s) {
        hull_json_key(j, k);
        hull_json_cstr(j, s);
}
static inline void hull_json_kint(struct hull_json *j, const char *k, int64_t v) {
        hull_json_key(j, k);
        hull_json_int(j, v);
}
static inline void hull_json_kbool(struct hull_json *j, const char *k, bool v) {
        hull_json_key(j, k);
        hull_json_bool(j, v);
}
static inline void hull_json_knull(struct hull_json *j, const char *k) {
        hull_json_key(j, k);
        hull_json_null(j);
}

#endif
