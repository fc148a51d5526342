/* expand.h - BuildKit-exact variable expansion and word splitting.
 *
 * Reproduces the Lex type of BuildKit's frontend/dockerfile/shell/lex.go
 * (ProcessWord, ProcessWords): quote removal ('...' and "..."), the escape
 * token ('\\' or '`', from the `# escape=` directive), $name, ${name},
 * ${name:-w} ${name-w} ${name:+w} ${name+w} ${name:?m} ${name?m},
 * ${name#p} ${name##p} ${name%p} ${name%%p}, ${name/p/r} ${name//p/r},
 * positional and special parameters ($1, $001, $@, $*, $#, $?, $-, $$, $!,
 * $0), and BuildKit's error messages.  Patterns (# % /) use BuildKit's
 * shell-pattern dialect: '*' any string and '?' any one rune, neither
 * crossing a newline; '\*', '\?', '\\' literal; no bracket expressions ('['
 * is literal).  Matching follows Go's regexp (leftmost-first) exactly.
 * docs/internals/expand.md lists what differs from BuildKit (only limits).
 *
 * Invariants and ownership: every string and array returned lives in the
 * arena passed in and dies with it.  Inputs are byte strings with a length
 * (they may hold NUL bytes and invalid UTF-8, like a Go string); every
 * returned string is also NUL-terminated.  Nothing is written to the ret_*
 * outputs unless the call succeeds.  The library never prints.
 *
 * Errors: HULL_EPARSE with BuildKit's message, wrapped as BuildKit wraps it:
 *   failed to process "<word, Go-quoted>": <message>
 * e.g. `failed to process "${X:?}": X: is not allowed to be unset`.  Words
 * longer than 200 bytes are shortened in the middle ("...") so the message
 * fits struct hull_diag; a NUL byte inside a message is shown as \x00.  The
 * diag gets file NULL, line 0 and col = 1 + the byte offset in the word of
 * the construct that failed: the '$' of the substitution, or the opening
 * quote of an unterminated quoted string (the caller maps it to its file);
 * for a limit, where it was hit.
 * HULL_ELIMIT when a limit of basic/limits.h is passed: more than
 * HULL_MAX_EXPAND_DEPTH nested ${...}, or any intermediate or final string
 * longer than HULL_MAX_EXPAND_BYTES; also when one call would allocate more
 * than 4 * HULL_MAX_EXPAND_BYTES or spend more than 2^24 pattern-matching
 * steps (these bound time and memory on hostile input; BuildKit has none).
 * HULL_ENOMEM when the arena fails; HULL_EINVAL on a bad argument. */
#ifndef HULL_DOCKERFILE_EXPAND_H
#define HULL_DOCKERFILE_EXPAND_H

#include <stdbool.h>
#include <stddef.h>

#include "basic/arena.h"
#include "basic/diag.h"

/* One variable.  name is NUL-terminated; value has value_len bytes (it may
 * be NULL when value_len is 0).  A variable present with an empty value is
 * "set" (${X-d} keeps ""), one absent is "unset" (${X-d} gives d). */
struct hull_expand_var {
        const char *name;
        const char *value;
        size_t value_len;
};

/* The environment.  Lookup: the last entry of vars with the exact name wins
 * (BuildKit's map keeps the last); when none matches, lookup (if not NULL) is
 * asked once per distinct name per call (name is NUL-terminated, name_len
 * bytes; return true and fill *ret_val and *ret_len when set).  Names compare
 * byte for byte (BuildKit on Unix; Windows' case folding is not done). */
/* A work budget shared by many calls (one per Dockerfile): each call spends
 * the pattern-matching steps and arena bytes it uses, and fails with
 * HULL_ELIMIT once either runs out.  It bounds the total time and memory a
 * hostile file can make expansion take, which per-call limits alone do not. */
struct hull_expand_budget {
        unsigned long steps;
        size_t bytes;
};

struct hull_expand_env {
        const struct hull_expand_var *vars;
        size_t nvars;
        bool (*lookup)(void *ud, const char *name, size_t name_len, const char **ret_val,
                       size_t *ret_len);
        void *ud;
        struct hull_expand_budget *budget; /* optional, see above */
};

struct hull_expand_result {
        char *s;    /* the expanded word, in the arena, NUL-terminated */
        size_t len; /* its length in bytes (it may contain NUL) */
        /* The names looked up, in first-use order, each once, and whether
         * each was unset (BuildKit's ProcessWordResult Matched/Unmatched, for
         * lint rules such as undefined-variable checks). */
        const char **used;
        bool *used_unset;
        size_t nused;
};

/* Flags: the public fields of BuildKit's Lex (all off for ProcessWord and
 * ProcessWords as the Dockerfile instructions use them; BuildKit turns them
 * on for heredocs and for RUN's displayed command line). */
enum {
        /* Lex.RawQuotes: keep the quote characters in the result. */
        HULL_EXPAND_RAW_QUOTES = 1u << 0,
        /* Lex.RawEscapes: keep escape tokens in the result. */
        HULL_EXPAND_RAW_ESCAPES = 1u << 1,
        /* Lex.SkipProcessQuotes: quotes are ordinary characters. */
        HULL_EXPAND_SKIP_PROCESS_QUOTES = 1u << 2,
        /* Lex.SkipUnsetEnv: an unset variable keeps its source form: $X,
         * ${X}, ${X<modifier><expanded word>}, ${X/<pattern>/<replacement>}
         * (BuildKit rebuilds ${X//p/r} with a single '/'). */
        HULL_EXPAND_SKIP_UNSET_ENV = 1u << 3,
};

/* Lex.ProcessWord: expand one word (quotes removed, variables substituted).
 * escape is '\\' or '`'; flags is a mask of HULL_EXPAND_*; env may be NULL
 * (nothing is set).  On success fills *ret.
 * API change from the first sketch: the flags argument (BuildKit's Lex
 * options) was added after escape. */
int hull_expand_word(struct hull_arena *a, const char *word, size_t len, char escape,
                     unsigned flags, const struct hull_expand_env *env,
                     struct hull_expand_result *ret, struct hull_diag *d);

/* Lex.ProcessWords: expand text and split it into words the way BuildKit
 * does for EXPOSE: unquoted whitespace (Go's unicode.IsSpace) separates
 * words, whitespace coming from a variable's value splits too, quoted text
 * and escaped characters never split; empty words are dropped.  Like
 * BuildKit, a ${X<modifier>...} or ${X/p/r} drops the part of the current
 * word collected before it (lex.go shares one word buffer between nested
 * scans), e.g. `a${X:-b}c` gives the word "bc".  On success *ret_words is an
 * array of *ret_n NUL-terminated strings whose lengths are in *ret_lens
 * (both arrays in the arena; NULL when *ret_n is 0).
 * API change from the first sketch: the flags argument, as above. */
int hull_expand_words(struct hull_arena *a, const char *text, size_t len, char escape,
                      unsigned flags, const struct hull_expand_env *env, char ***ret_words,
                      size_t **ret_lens, size_t *ret_n, struct hull_diag *d);

#endif
