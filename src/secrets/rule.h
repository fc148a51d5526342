/* rule.h - a secret rule: how one kind of secret looks (gitleaks' Rule,
 * trivy's secret rule), as plain data.
 *
 * The built-in rules are the table in rules.c, one struct per rule, written
 * from the providers' documented token formats; .hullscan.yaml adds user
 * rules of the same shape (src/config).  The engine (engine.h) compiles every
 * enabled rule into one vectorscan database and confirms each hit with the
 * rule's PCRE2 regex on a window around it.
 *
 * How a rule finds a secret:
 *  - without keywords, vectorscan runs `regex` itself (so it must be in the
 *    subset both engines accept: no look-around, no back-references; each
 *    match of it is at most `span` bytes long);
 *  - with keywords, vectorscan looks only for the keywords (literal,
 *    case-insensitive) and PCRE2 runs `regex` (any PCRE2 syntax) on the span
 *    bytes around each keyword; use this for regexes vectorscan cannot
 *    compile and for generic rules anchored on words ("password", "token");
 *  - hs_regex, when set, replaces the keywords for vectorscan: a pattern in
 *    the subset vectorscan accepts that matches wherever `regex` does (a
 *    superset) and ends inside the regex's match or at most span bytes
 *    before its end.  Give it to keyword rules whose keywords are common
 *    words ("http://", "token"): it keeps PCRE2 off the bytes that cannot
 *    match.
 *  - the secret is capture group `secret_group` of the PCRE2 match (0: the
 *    whole match); then, in order, it is refused when: it is shorter than
 *    min_len; its Shannon entropy (bits per byte) is below min_entropy; it is
 *    one of `allow` (known example values, exact); it looks like a
 *    placeholder, a variable reference, a UUID or a hex digest and the rule is
 *    HULL_SECRET_GENERIC; `validate` returns false (checksums); the line holds
 *    `hullscan:allow`.
 *  - `path`, when set, is a PCRE2 regex on the file's path (the path inside
 *    the image or the tree, '/'-separated, no leading "./"): the rule runs only
 *    on files whose path matches (credential files: .npmrc, .netrc).
 *
 * Regexes are byte-oriented (no UTF mode), compiled without PCRE2_DOTALL
 * ('.' stops at a newline) and with PCRE2_MULTILINE (HS_FLAG_MULTILINE):
 * ^ and $ match at line starts and ends; write (?i) inside the regex for
 * caseless parts or set HULL_SECRET_CASELESS for the whole. */
#ifndef HULL_SECRETS_RULE_H
#define HULL_SECRETS_RULE_H

#include <stdbool.h>
#include <stddef.h>

#include "report/finding.h"

enum {
        HULL_SECRET_CASELESS = 1u << 0, /* the whole regex is case-insensitive */
        HULL_SECRET_GENERIC = 1u << 1,  /* a generic assignment: placeholder, variable
                                         * reference, UUID and hex-digest filters apply */
        HULL_SECRET_MULTILINE = 1u << 2 /* the match may span lines (private keys) */
};

#define HULL_SECRET_DEFAULT_SPAN 256u    /* bytes, when span is 0 */
#define HULL_SECRET_MAX_SPAN (64u << 10) /* no rule may ask for more */

struct hull_secret_rule {
        const char *id;    /* "github-pat": lowercase, '-'-separated, unique */
        const char *title; /* "GitHub personal access token" */
        enum hull_severity severity;
        const char *const *keywords; /* NULL-terminated; NULL: vectorscan runs regex */
        const char *hs_regex;        /* keyword rules: vectorscan runs this instead */
        const char *regex;
        unsigned secret_group;    /* capture group holding the secret; 0: whole match */
        unsigned flags;           /* HULL_SECRET_* */
        unsigned span;            /* longest whole match in bytes; 0: HULL_SECRET_DEFAULT_SPAN */
        unsigned min_len;         /* of the secret; 0: none */
        double min_entropy;       /* bits per byte of the secret; 0: none */
        const char *const *allow; /* NULL-terminated exact values never reported */
        const char *path;         /* PCRE2 regex on the path; NULL: every file */
        bool (*validate)(const char *secret, size_t n); /* NULL: none */
        const char *fix;  /* one line: what to do (rotate, move to a secret store) */
        const char *docs; /* where the format is documented (URL); NULL */
};

/* The built-in rules (rules.c), in a stable order; ids are unique. */
extern const struct hull_secret_rule hull_secret_rules[];
extern const size_t hull_secret_nrules;

/* The built-in rule with this id, or NULL. */
const struct hull_secret_rule *hull_secret_rule_find(const char *id);

/* Helpers the rules and the engine share (filters.c). */
/* Shannon entropy of s[0..n) in bits per byte (0 for n == 0). */
double hull_secret_entropy(const char *s, size_t n);
/* Whether s[0..n) is a placeholder rather than a value (see filters.c for
 * the shapes: repeated characters, <angle brackets>, {{templates}}, "your-...",
 * changeme, xxxx, ...). */
bool hull_secret_placeholder(const char *s, size_t n);
/* Whether s[0..n) is a variable reference or code rather than a literal:
 * $VAR, ${VAR}, %(var)s, process.env.X, os.environ[...], {{ .Values.x }}. */
bool hull_secret_reference(const char *s, size_t n);
/* UUIDs and bare hex digests of 32, 40, 64 or 128 digits (checksums). */
bool hull_secret_uuid_or_digest(const char *s, size_t n);
/* Documented example values of any provider (AKIAIOSFODNN7EXAMPLE, ...):
 * true when s[0..n) is one, or contains "EXAMPLE" in a key-shaped value. */
bool hull_secret_known_example(const char *s, size_t n);

#endif
