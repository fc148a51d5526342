/* engine.h - the secret-matching engine: every rule in one vectorscan
 * database, one pass over the bytes, hits confirmed with PCRE2.
 *
 * A struct hull_secrets is the compiled rule set: immutable once built,
 * shared by every thread.  A struct hull_secrets_scanner is one thread's
 * working state (vectorscan scratch and stream, PCRE2 match data, a window of
 * recent bytes); it scans one stream at a time: begin, data* (any chunk
 * sizes; a secret split across chunks is found), end.
 *
 * Per stream: vectorscan reports (rule, end offset) hits; each hit waits until
 * 2 * span bytes after it have arrived (or the stream ends), then the rule's
 * regex runs on [end - span, end + 2 * span) of the window and every match
 * there, after the rule's last reported match, is checked (rule.h: length,
 * entropy, examples, placeholders, validate, `hullscan:allow`) and reported.
 * So memory per scanner is bounded by the largest span (rule.h), whatever
 * the stream's size or line lengths.  Values that look base64-encoded (after
 * `:`, `=` or a quote, at least 24 characters, decoding to mostly printable
 * bytes) are decoded and scanned again, two levels deep at most, and their
 * hits carry encoding "base64" and the place of the encoded value.
 *
 * PCRE2 runs with match and depth limits (catastrophic-backtracking bait
 * costs a bounded amount per hit and is then counted in stats, not reported).
 *
 * Errors: HULL_ENOMEM, HULL_EINVAL (a rule that does not compile: d names the
 * rule id and the offset in its regex), or what the hit callback returns
 * (which stops the stream). */
#ifndef HULL_SECRETS_ENGINE_H
#define HULL_SECRETS_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/diag.h"
#include "secrets/rule.h"

struct hull_secrets;
struct hull_secrets_scanner;

/* One confirmed secret.  Pointers are valid only during the callback. */
struct hull_secret_hit {
        const struct hull_secret_rule *rule;
        const char *secret; /* the secret's bytes (capture group) */
        size_t secret_len;
        const char *match; /* the whole match */
        size_t match_len;
        uint64_t offset;      /* of the secret in the stream (of the encoded value when
                               * encoding is set) */
        unsigned line, col;   /* 1-based, of the secret's first byte; col in bytes */
        unsigned end_line;    /* line of its last byte */
        const char *encoding; /* NULL; "base64": found in a decoded value; the content
                               * walker (content.h) adds "gzip", "utf-16le", ... */
        const char *inner;    /* content walker: the member of a nested archive,
                               * "lib/app.jar!/application.yml"; NULL */
};

/* Return HULL_OK to go on; anything else stops the stream and is returned by
 * the data/end call that made the hit. */
typedef int hull_secret_hit_fn(void *ud, const struct hull_secret_hit *h);

struct hull_secrets_stats {
        uint64_t bytes;       /* scanned (decoded values not counted) */
        uint64_t hits;        /* vectorscan hits resolved (not covered by an earlier one) */
        uint64_t confirmed;   /* secrets found (before overlaps are merged) */
        uint64_t refused;     /* regex matches refused by the checks (rule.h) */
        uint64_t regex_limit; /* confirmations stopped by the PCRE2 limits */
        uint64_t dropped;     /* findings past the per-stream limit (10,000) */
};

/* Where compiled databases are cached between runs (engine.c: keyed by the
 * patterns, the vectorscan version and the CPU); NULL (the default): not
 * cached.  Set once, before compiling (not thread-safe). */
void hull_secrets_set_cache_dir(const char *dir);

/* Compile rules[0..n) (built-in and user rules, already filtered by the
 * configuration) into *ret.  allow[0..nallow) are literal values never
 * reported (.hullscan.yaml), copied. */
int hull_secrets_compile(const struct hull_secret_rule *const *rules, size_t n,
                         const char *const *allow, size_t nallow, struct hull_secrets **ret,
                         struct hull_diag *d);
void hull_secrets_free(struct hull_secrets *s);
size_t hull_secrets_nrules(const struct hull_secrets *s);

/* The built-in rules compiled once (thread-safe, lazily; freed at exit), for
 * the lint and audit rules that check single strings.  NULL when out of
 * memory. */
const struct hull_secrets *hull_secrets_default(void);

int hull_secrets_scanner_new(const struct hull_secrets *s, struct hull_secrets_scanner **ret);
void hull_secrets_scanner_free(struct hull_secrets_scanner *sc);

/* Stream API.  path ('/'-separated, as reported; NULL: none) selects the
 * rules with a path filter; fn gets every confirmed secret. */
int hull_secrets_begin(struct hull_secrets_scanner *sc, const char *path, hull_secret_hit_fn *fn,
                       void *ud);
int hull_secrets_data(struct hull_secrets_scanner *sc, const void *buf, size_t n);
/* Ends the stream (confirms the hits still waiting); always leaves the
 * scanner ready for the next begin, also after an error. */
int hull_secrets_end(struct hull_secrets_scanner *sc);

/* What of a path changes a scan of the same bytes: the path rules that
 * apply and whether base64 values are decoded, as a hash.  Two streams of
 * equal bytes under paths of equal class give equal hits (the content
 * scan's de-duplication, job.c, relies on it). */
uint64_t hull_secrets_path_class(struct hull_secrets_scanner *sc, const char *path);

/* begin + data + end over one buffer. */
int hull_secrets_scan_buffer(struct hull_secrets_scanner *sc, const char *path, const void *buf,
                             size_t n, hull_secret_hit_fn *fn, void *ud);

/* Totals since the scanner was made. */
void hull_secrets_scanner_stats(const struct hull_secrets_scanner *sc,
                                struct hull_secrets_stats *ret);

/* For single strings (Dockerfile values, image Env, history): the secrets in
 * s[0..n) with the default rules, in order; a thread-local scanner. */
int hull_secrets_find_string(const char *s, size_t n, hull_secret_hit_fn *fn, void *ud);

#endif
