/* secretish.h - find secrets in a single string (a Dockerfile value, an
 * image's Env, Labels or history entry) for the lint rules of family 3 and
 * the audit rules HS4004/HS4005: the secret engine of src/secrets with its
 * built-in rules (secretish.c adapts its findings), so every command agrees
 * on what a secret is.  Thread-safe (a scanner per thread). */
#ifndef HULL_LINT_SECRETISH_H
#define HULL_LINT_SECRETISH_H

#include <stdbool.h>
#include <stddef.h>

struct hull_secretish_hit {
        const char *id;          /* the secret rule's id, e.g. "github-pat" */
        const char *description; /* for messages: "a GitHub personal access token" */
        size_t off, len;         /* the secret's bytes in the searched string (for a
                                  * secret inside a base64 value: the value) */
        bool mask;               /* always true: the span is the secret itself */
};

/* Look for the leftmost secret-shaped literal in s[0..n) (s may hold NUL
 * bytes; it need not be NUL-terminated).  Returns true and fills *ret when
 * one is found; false when none is, or when the patterns could not be
 * compiled (out of memory).  To find every secret, call again from
 * off + len. */
bool hull_secretish_find(const char *s, size_t n, struct hull_secretish_hit *ret);

/* Whether s[0..n) is a placeholder rather than a value
 * (hull_secret_placeholder, secrets/rule.h). */
bool hull_secretish_placeholder(const char *s, size_t n);

/* Shannon entropy of s[0..n) in bits per byte (0 for n == 0). */
double hull_secretish_entropy(const char *s, size_t n);

#endif
