/* str.h - small helpers on NUL-terminated strings (no hullscan types). */
#ifndef HULL_BASIC_STR_H
#define HULL_BASIC_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* s begins with prefix ("" begins every string). */
static inline bool hull_startswith(const char *s, const char *prefix) {
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* s ends with suffix. */
static inline bool hull_endswith(const char *s, const char *suffix) {
        size_t n = strlen(s), l = strlen(suffix);
        return n >= l && strcmp(s + n - l, suffix) == 0;
}

/* Untrusted s for a message, into buf between two q characters: printable
 * ASCII kept, q and '\\' escaped by a backslash, other bytes as \xNN, cut
 * with "..." after about 80 bytes.  "(null)" for NULL, "" when size < 8;
 * else returns buf. */
const char *hull_str_quote(char *buf, size_t size, const char *s, char q);

#endif
