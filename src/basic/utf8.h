/* utf8.h - UTF-8 decoding with Go's rules, Go-compatible string quoting.
 *
 * BuildKit is written in Go and its observable behaviour (whitespace, the
 * dump's quoting) follows Go's unicode and strconv packages; these helpers
 * reproduce them so our output matches byte for byte. */
#ifndef HULL_BASIC_UTF8_H
#define HULL_BASIC_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/buf.h"

#define HULL_RUNE_ERROR 0xFFFDu

/* Decode one code point at s[0..n) (n > 0).  Invalid or truncated sequences,
 * overlongs and surrogates decode as HULL_RUNE_ERROR with *ret_width = 1,
 * exactly as Go's utf8.DecodeRune. */
uint32_t hull_utf8_decode(const char *s, size_t n, size_t *ret_width);

/* Encode c (replacing invalid code points by U+FFFD); returns bytes written (1-4). */
size_t hull_utf8_encode(uint32_t c, char out[4]);

/* Go's unicode.IsSpace. */
bool hull_rune_is_space(uint32_t c);
/* Go's unicode.IsPrint (space is the only printable space). */
bool hull_rune_is_print(uint32_t c);

/* Length of the leading whitespace (Go unicode.IsSpace on decoded runes). */
size_t hull_utf8_space_prefix(const char *s, size_t n);
/* Length of s once trailing whitespace is removed. */
size_t hull_utf8_trim_right(const char *s, size_t n);

/* Append s[0..n) quoted as Go's strconv.Quote does. */
int hull_go_quote(struct hull_buf *b, const char *s, size_t n);

/* Append s[0..n) safe to show on a terminal: printable runes and spaces as
 * they are; a tab, newline or carriage return as \t \n \r; other control
 * characters (ESC, C1), non-printing runes and invalid UTF-8 as \xNN per
 * byte; a backslash stays itself.  Text from untrusted input (file names in
 * an image, history) goes through this before it reaches a table or
 * stderr, so it cannot move the cursor, retitle the terminal or forge lines. */
int hull_buf_put_terminal(struct hull_buf *b, const char *s, size_t n);

#endif
