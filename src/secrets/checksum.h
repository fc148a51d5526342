/* checksum.h - the `validate` functions of the built-in secret rules
 * (rule.h): the structure a regex cannot check, so that a value of the right
 * shape but the wrong content (a made-up token, a JWT-looking string that
 * decodes to garbage) is not reported.
 *
 * Every function takes the rule's secret bytes s[0..n) (not NUL-terminated,
 * any bytes), allocates nothing and is thread-safe. */
#ifndef HULL_SECRETS_CHECKSUM_H
#define HULL_SECRETS_CHECKSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32()) of buf[0..n), continuing
 * from crc (0 to start). */
uint32_t hull_crc32(uint32_t crc, const void *buf, size_t n);

/* GitHub's and npm's token format: PREFIX_ + 30 base62 characters + the
 * CRC-32 of those 30 characters in 6 base62 digits (0-9A-Za-z, most
 * significant first, zero-padded).  Tokens whose part after the last '_' of
 * the prefix is not 36 characters long (GitHub refresh tokens) carry no
 * checksum we know of: true. */
bool hull_secret_base62_crc32_ok(const char *s, size_t n);

/* A JWT (header.payload.signature, base64url): header and payload decode to
 * JSON objects, and the header names an "alg". */
bool hull_secret_jwt_ok(const char *s, size_t n);

/* A base64 "user:password" (Docker's config.json "auth", HTTP Basic): it
 * decodes to printable bytes with a ':' that has something on both sides. */
bool hull_secret_basic_auth_ok(const char *s, size_t n);

/* A value taken from under a secret-ish name (generic rules) that looks like
 * a credential rather than a name, a path or a URL: at least two kinds of
 * character among lower case, upper case, digits and symbols ('-', '_' and
 * '.' do not count: "db-credentials", "MY_TOKEN" are names), not a path
 * ("/run/secrets/db", "./key.pem"), no "://", not the base64 of printable
 * text (the engine decodes such values and scans the text itself) nor the
 * short base64 of a placeholder ("Y2hhbmdlbWU="), not a name in code
 * ("PassInfoMixin", "symbol2label") or one that says it names a secret
 * ("id-smime-aa-timeStampToken"), and not a value another rule judges: the
 * shape of a GitHub or npm token (ghp_/gho_/ghu_/ghs_/ghr_/npm_ + 36,
 * github_pat_: valid ones are that rule's, made-up ones nobody's) or a Stripe
 * publishable key (pk_live_, public).  Nor code, markup or prose that real
 * files put after a secret-ish name: a name with code around it
 * ("^AspellToken", "P^.Token", "*cfg.Token", "!auth.useApiKey"), expressions
 * ("CURLOPTTYPE_LONG+105"), selectors and labels ending in ':', lists of
 * words ("UID:GID:GECOS:directory:shell", "grant-type:jwt-bearer"), URNs,
 * interpolated variables, template fields, format strings, version
 * constraints, query strings; values with roff, C or percent escapes are
 * judged by the text they stand for ("my\-secret", "topsecret\n",
 * "Root%20CA%20Certificates").  Shape checks only: a few passes over at most
 * a few hundred bytes, after the regex matched. */
bool hull_secret_generic_ok(const char *s, size_t n);

/* An Authorization header's credentials: Basic credentials (the base64 of
 * printable "user:password") whose password is a placeholder
 * ("dXNlcm5hbWU6cGFzc3dvcmQ=" is "username:password") are no secret; any
 * other value (bearer tokens) is judged by the engine's generic checks
 * alone. */
bool hull_secret_auth_header_ok(const char *s, size_t n);

/* A password or token taken from a file format or URL rather than from a
 * provider's token format: not a placeholder, not a variable reference
 * (rule.h filters) and not an anonymous login ("anonymous", "guest", also
 * with a final '@').  For
 * rules that are not HULL_SECRET_GENERIC (so that the engine prefers them to
 * the generic assignment rule) but still read free-form values. */
bool hull_secret_password_ok(const char *s, size_t n);

/* hull_secret_password_ok() and hull_secret_generic_ok(), and not a UUID
 * (an identifier, whatever its name): a free-form value under a secret-ish
 * name (.env files, shell histories). */
bool hull_secret_assigned_ok(const char *s, size_t n);

/* Decode base64 (standard or URL alphabet, padding optional) s[0..n) into
 * out[0..outsz); the decoded length, or -1 when s is not base64 or does not
 * fit. */
/* The value of a base64 digit, standard or URL alphabet ('-' and '_' as
 * '+' and '/'); -1 for any other byte. */
int hull_secret_base64_value(unsigned char c);

long hull_secret_base64_decode(const char *s, size_t n, unsigned char *out, size_t outsz);

#endif
