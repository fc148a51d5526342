/* reference.h - container image references, parsed and normalised as Docker does.
 *
 * Reproduces github.com/distribution/reference (formerly
 * docker/distribution/reference), which Docker and BuildKit use for `FROM`,
 * `docker pull` and friends:
 *
 *   reference  := name [ ":" tag ] [ "@" digest ]
 *   name       := [ domain "/" ] path-component [ "/" path-component ]*
 *   domain     := host [ ":" port ]      host := domain-name | "[" IPv6 "]"
 *   tag        := [\w][\w.-]{0,127}
 *   digest     := algorithm ":" hex       (sha256: 64, sha384: 96, sha512: 128
 *                                          lowercase hex digits)
 *
 * and the normalisation of ParseNormalizedNamed/ParseAnyReference/TagNameOnly:
 * "ubuntu" is docker.io/library/ubuntu:latest, "user/app" is
 * docker.io/user/app:latest, "index.docker.io" means docker.io, and the first
 * path component is a registry when it is "localhost" or contains '.', ':' or
 * an uppercase letter.  The algorithm and its corner cases are described in
 * docs/internals/reference.md.
 *
 * Ownership: every string of a struct hull_image_ref lives in the arena passed
 * to the parser and dies with it.  The parser writes *ret only on success; on
 * failure it may still have used some arena bytes. */
#ifndef HULL_DOCKERFILE_REFERENCE_H
#define HULL_DOCKERFILE_REFERENCE_H

#include <stdbool.h>
#include <stddef.h>

#include "basic/arena.h"
#include "basic/diag.h"

#define HULL_IMAGE_REF_MAX_PATH 255u /* RepositoryNameTotalLengthMax: bytes of path */
#define HULL_IMAGE_REF_MAX_TAG 128u  /* bytes of a tag */
#define HULL_IMAGE_REF_DEFAULT_DOMAIN "docker.io"
#define HULL_IMAGE_REF_DEFAULT_TAG "latest"
#define HULL_IMAGE_REF_SCRATCH "scratch" /* FROM scratch: no base image */

/* A parsed reference.  Two shapes:
 *  - named (name != NULL): domain, path and name are set; tag and digest as
 *    written (NULL when absent);
 *  - digest only (name == NULL): a bare "sha256:<hex>" or 64-hex image ID, as
 *    ParseAnyReference returns them; domain, path, name and tag are NULL and
 *    normalized == familiar == digest. */
struct hull_image_ref {
        const char *domain;     /* "docker.io", "localhost:5000", "[::1]:5000"; "" in
                                 * one corner case (see docs: "a_b.c/x") */
        const char *path;       /* "library/ubuntu", "user/app" */
        const char *tag;        /* NULL when absent in the input */
        const char *digest;     /* "sha256:..." or NULL */
        bool tag_implied;       /* no tag and no digest: "latest" implied */
        bool official;          /* docker.io/library/<one component> */
        const char *normalized; /* full form: name[:tag][@digest], ":latest" added
                                 * when implied (Docker's TagNameOnly + String) */
        const char *familiar;   /* Docker's short form (FamiliarString): "ubuntu:22.04",
                                 * "user/app", "localhost:5000/app"; no implied tag */
        const char *name;       /* domain/path ("path" alone when domain is "") */
        bool scratch;           /* the input is exactly the reserved name "scratch" */
};

/* Flags of hull_image_ref_parse_n(). */
enum {
        /* ParseNormalizedNamed instead of ParseAnyReference: a bare 64-hex ID is an
         * error and "sha256:<hex>" is an image named sha256 with a tag, as
         * BuildKit reads `FROM`. */
        HULL_IMAGE_REF_NAMED_ONLY = 1u << 0,
};

/* Parse s as Docker's ParseAnyReference does, then add the implied ":latest"
 * (TagNameOnly).  Fills *ret with strings allocated from a.
 *
 * Returns HULL_OK; HULL_EPARSE with Docker's message in d ("invalid reference
 * format", "invalid reference format: repository name (library/Foo) must be
 * lowercase", "repository name must be lowercase", "repository name (x) must
 * not be more than 255 characters", "invalid checksum digest length",
 * "invalid checksum digest format", "unsupported digest algorithm") and d->col = 1-based byte
 * position in s where it went wrong (file NULL, line 0: the caller knows where s came from);
 * HULL_ENOMEM when a is exhausted; HULL_EINVAL when s is NULL.  d may be NULL. */
int hull_image_ref_parse(struct hull_arena *a, const char *s, struct hull_image_ref *ret,
                         struct hull_diag *d);

/* Same for s[0..n), which may contain NUL bytes (they make it invalid), with
 * HULL_IMAGE_REF_* flags. */
int hull_image_ref_parse_n(struct hull_arena *a, const char *s, size_t n, unsigned flags,
                           struct hull_image_ref *ret, struct hull_diag *d);

/* True when r means the moving "latest" tag: the tag is implied, or it is
 * "latest" and no digest pins the image. */
bool hull_image_ref_is_latest(const struct hull_image_ref *r);

#endif
