/* secretish.h - find secret-shaped literals (tokens, keys, passwords in URLs)
 * in a string, for the lint rules of family 3.
 *
 * A small table of patterns (secretish.c): cloud and SaaS token formats with a
 * fixed prefix (AWS access key ids, GitHub, GitLab, Slack, Stripe, Google,
 * npm), an AWS secret access key written next to its name, private key
 * headers, long JWTs, and URLs with a literal password.  Each pattern may
 * also need a minimum Shannon entropy (so `ghp_xxxx...` placeholders pass),
 * and AWS's documented example keys (`AKIAIOSFODNN7EXAMPLE`...) never match.
 * The patterns are compiled once, on first use, with PCRE2 (JIT when
 * available) and freed at exit.  Not thread-safe.
 *
 * This is a stopgap: src/secrets/ will replace it with the full multi-pattern
 * engine; keep the API this small. */
#ifndef HULL_LINT_SECRETISH_H
#define HULL_LINT_SECRETISH_H

#include <stdbool.h>
#include <stddef.h>

struct hull_secretish_hit {
        const char *id;          /* pattern id, e.g. "github-token" */
        const char *description; /* for messages: "a GitHub token" */
        size_t off, len;         /* the secret's bytes in the searched string */
        bool mask;               /* the span is the secret itself (false: a header
                                  * such as -----BEGIN RSA PRIVATE KEY-----) */
};

/* Look for the leftmost secret-shaped literal in s[0..n) (s may hold NUL
 * bytes; it need not be NUL-terminated).  Returns true and fills *ret when
 * one is found; false when none is, or when the patterns could not be
 * compiled (out of memory).  To find every secret, call again from
 * off + len. */
bool hull_secretish_find(const char *s, size_t n, struct hull_secretish_hit *ret);

/* Whether s[0..n) is a placeholder rather than a value: empty; one character
 * repeated (xxxxxxxx, ********); anything in <angle brackets>; a {{template}};
 * containing changeme / replace_me / placeholder / example / dummy / xxxx /
 * ****; starting with "your" (your-api-key-here); or, ignoring case and the
 * separators - _ . and space, one of changeme changeit replaceme placeholder
 * dummy example sample test testing todo tbd fixme none null nil undefined
 * empty redacted notset unset. */
bool hull_secretish_placeholder(const char *s, size_t n);

/* Shannon entropy of s[0..n) in bits per byte (0 for n == 0). */
double hull_secretish_entropy(const char *s, size_t n);

#endif
