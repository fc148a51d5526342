/* dockerignore.h - .dockerignore files read and matched exactly as Docker does,
 * and the walk of a build context that decides which files are sent.
 *
 * Reading follows BuildKit's ReadAll (moby/patternmatcher ignorefile): a UTF-8
 * BOM is dropped from the first line, a line whose first byte is '#' is a
 * comment, Unicode whitespace is trimmed, empty lines are skipped, '!' marks
 * an exception (whitespace after it trimmed too), the rest goes through Go's
 * filepath.Clean and loses one leading '/'.  Lines of 64 KiB or more make
 * Docker fail (bufio.Scanner: token too long), and so do we.
 *
 * Matching follows moby/patternmatcher: each pattern is checked with Go's
 * filepath.Match grammar, then classified as exact, prefix (ends in "**"
 * after literal text), suffix (starts with "**") or regexp, and a regexp
 * pattern is translated to Go regexp syntax the way patternmatcher does:
 * '*' becomes "[^/]*", '?' "[^/]", "**" an optional group "any text, then
 * a slash" (or ".*" at the end), ".+()|{}$" are escaped, '[', ']' and
 * backslash escapes are passed on unchanged.
 * The translation is then run by a small regexp engine with Go's RE2
 * semantics for everything that translation can produce (classes with
 * ranges, negation, POSIX [:name:] and \d\s\w groups, \A \z \b \B, \Q..\E,
 * octal and \x escapes).  It is a Thompson NFA: time is O(path x pattern),
 * never exponential, and a step budget bounds a whole walk.  Go regexp
 * errors (a reversed range "[z-a]", "\1", an unknown escape) are found at
 * the first evaluation of the pattern, as in Docker, and fail the match
 * with HULL_EPARSE; Unicode classes (\pL) fail with HULL_EUNSUPPORTED.
 *
 * Paths are relative, slash-separated, without a leading "./" ("src/a.go").
 * The last pattern that matches a path or one of its parent directories
 * decides; exceptions ('!') re-include.
 *
 * Ownership: a struct hull_dockerignore owns its memory (hull_free via
 * hull_dockerignore_free).  Matching updates scratch state inside it, so one
 * object must not be used by two threads at once. */
#ifndef HULL_LINT_DOCKERIGNORE_H
#define HULL_LINT_DOCKERIGNORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/alloc.h"
#include "basic/diag.h"

struct hull_dockerignore;

enum hull_dockerignore_kind {
        HULL_DOCKERIGNORE_EXACT,  /* path == pattern */
        HULL_DOCKERIGNORE_PREFIX, /* "lit**": path starts with "lit" */
        HULL_DOCKERIGNORE_SUFFIX, /* "**lit": path ends with "lit" (and "**" "/x" matches "x") */
        HULL_DOCKERIGNORE_REGEXP, /* anything with a wildcard, class or escape */
};

struct hull_dockerignore_pattern {
        const char *text; /* cleaned pattern, without the '!' */
        size_t len;
        bool exclusion; /* written with '!': re-includes */
        enum hull_dockerignore_kind kind;
        const char *regex; /* the Go regexp it becomes (REGEXP only), else NULL */
        unsigned line;     /* 1-based line in the ignore file */
};

/* Parse an ignore file.  name is used in diagnostics (may be NULL).
 * Errors: HULL_ELIMIT (more than HULL_MAX_DOCKERIGNORE_BYTES or
 * HULL_MAX_DOCKERIGNORE_PATTERNS), HULL_EPARSE (a line of 64 KiB or more, a
 * lone "!", a pattern filepath.Match rejects: Docker refuses those too),
 * HULL_ENOMEM.  An empty file gives an object with no patterns. */
int hull_dockerignore_parse(const char *data, size_t len, const char *name,
                            struct hull_dockerignore **ret, struct hull_diag *d);

/* Same, from a list of patterns (no comment or BOM handling, as
 * patternmatcher.New: each is trimmed and cleaned; "" is skipped).  Used for
 * COPY --exclude. */
int hull_dockerignore_from_patterns(const char *const *patterns, size_t n,
                                    struct hull_dockerignore **ret, struct hull_diag *d);

struct hull_dockerignore *hull_dockerignore_free(struct hull_dockerignore *ig);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hull_dockerignore *, hull_dockerignore_free)

size_t hull_dockerignore_count(const struct hull_dockerignore *ig);
/* Pattern i (i < count); the strings live as long as ig. */
const struct hull_dockerignore_pattern *hull_dockerignore_get(const struct hull_dockerignore *ig,
                                                              size_t i);
/* True when any pattern is an exception ('!'). */
bool hull_dockerignore_has_exceptions(const struct hull_dockerignore *ig);

/* Set the matcher's work budget (NFA steps, counted across calls; 0 = the
 * default HULL_MAX_DOCKERIGNORE_STEPS) and reset the count. */
void hull_dockerignore_set_budget(struct hull_dockerignore *ig, uint64_t steps);

/* Whether path is excluded: patternmatcher's MatchesOrParentMatches (each
 * pattern is tried on the path and on each of its parent directories).
 * Errors: HULL_EPARSE (a pattern Go's regexp rejects was evaluated; d names
 * it), HULL_EUNSUPPORTED, HULL_ELIMIT (budget spent). */
int hull_dockerignore_matches(struct hull_dockerignore *ig, const char *path, bool *ret_excluded,
                              struct hull_diag *d);

/* patternmatcher's MatchesUsingParentResults, what BuildKit's context walk
 * uses: parent is the row the parent directory produced (NULL at the top
 * level, or when unknown: then parent directories are tried as above); row
 * (count bytes) receives this path's row for its children. */
int hull_dockerignore_matches_parent(struct hull_dockerignore *ig, const char *path,
                                     const uint8_t *parent, uint8_t *row, bool *ret_excluded,
                                     struct hull_diag *d);

/* Go's filepath.Match(pattern, name) on Unix ('*' and '?' stop at '/',
 * classes "[a-z]" "[^...]", '\' escapes).  HULL_EPARSE for a malformed
 * pattern (Go's ErrBadPattern). */
int hull_dockerignore_filepath_match(const char *pattern, size_t plen, const char *name,
                                     size_t nlen, bool *ret_matched);

/* Go's filepath.Clean of s[0..n) into out (room for n + 1 bytes; the result
 * is never longer, "" becomes "."); returns the length written. */
size_t hull_dockerignore_clean(const char *s, size_t n, char *out);

/* ---- the build-context walk ------------------------------------------------ */

enum hull_walk_type {
        HULL_WALK_FILE,
        HULL_WALK_DIR,
        HULL_WALK_SYMLINK, /* not followed */
        HULL_WALK_OTHER,   /* fifo, socket, device */
};

struct hull_walk_entry {
        const char *path; /* relative, slash-separated */
        size_t len;
        enum hull_walk_type type;
};

/* Called for every entry that would be sent to the builder, parents before
 * children, names in byte order.  Return HULL_OK to go on; anything else
 * stops the walk and is returned by it. */
typedef int (*hull_walk_fn)(void *userdata, const struct hull_walk_entry *e);

struct hull_walk_stats {
        size_t entries;    /* entries examined (sent or not) */
        size_t sent;       /* entries passed to the callback */
        size_t unreadable; /* directories or entries that could not be read */
        size_t too_deep;   /* entries past HULL_MAX_CONTEXT_DEPTH or HULL_MAX_PATH_BYTES */
        bool truncated;    /* stopped early: limit (entries or matcher budget) reached */
};

/* Walk the build context at root the way BuildKit's file sync (fsutil)
 * does with ig as its exclude patterns (ig may be NULL: nothing excluded):
 * symlinks are not followed; an excluded directory is not entered unless an
 * exception could re-include something below it.  Stops after max_entries
 * entries (0 = HULL_MAX_CONTEXT_ENTRIES) with stats->truncated set.
 * Errors: HULL_EIO (root cannot be opened), HULL_ENOMEM, the matcher's
 * HULL_EPARSE / HULL_EUNSUPPORTED (Docker would fail the build), or the
 * callback's code.  *stats is filled in every case. */
int hull_dockerignore_walk(const char *root, struct hull_dockerignore *ig, size_t max_entries,
                           hull_walk_fn fn, void *userdata, struct hull_walk_stats *stats,
                           struct hull_diag *d);

#endif
