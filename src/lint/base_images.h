/* base_images.h - the curated table behind HS1001 (minimal-base-image): image
 * families that ship a full distribution or a full language toolchain and
 * have a slim, alpine, minimal or distroless sibling.
 *
 * One row per repository (Docker's normalized name, as struct
 * hull_image_ref.name: "docker.io/library/node").  A tag containing one of
 * the row's markers is already minimal; a row without markers (SDK and build
 * images: golang, rust, maven, dotnet/sdk...) is never minimal in a final
 * stage.  Images not in the table are never flagged.  The table and how to
 * extend it are documented in docs/rules/HS1001.md.
 *
 * Suggestion templates are plain text with placeholders, all taken from
 * the tag's version: its first '-'-separated part ("3.12" in "3.12-bookworm")
 * when that starts with a digit or is one of the row's named versions
 * ("lts" for node, "bookworm" for debian); none otherwise (no tag, "latest",
 * "bookworm" for python):
 *   {v:DEFAULT}            the version, or DEFAULT when there is none
 *   {major:DEFAULT}        its leading number ("21" of "21.0.2_13"), or DEFAULT
 *   {major.minor:DEFAULT}  its first two numbers ("8.0" of "8.0.100"), or DEFAULT
 *
 * Everything here is static data and pure functions: nothing allocates. */
#ifndef HULL_LINT_BASE_IMAGES_H
#define HULL_LINT_BASE_IMAGES_H

#include <stdbool.h>
#include <stddef.h>

struct hull_base_image {
        const char *repo;    /* normalized repository name, e.g. "docker.io/library/node" */
        const char *minimal; /* '|'-separated tag substrings marking a minimal variant
                              * ("slim|alpine"); NULL: no tag is minimal in a final stage */
        const char *named;   /* '|'-separated version words that are not numbers ("lts|current"),
                              * NULL if none */
        const char *suggest; /* suggestion template (see above), starting with a verb */
};

/* The row for a normalized repository name, also reached through the
 * well-known mirrors of Docker Hub's official images
 * (public.ecr.aws/docker/library/X, mirror.gcr.io/library/X); NULL when the
 * image is not in the table.  name may be NULL. */
const struct hull_base_image *hull_base_image_find(const char *name);

/* The tag names a minimal variant of row b (one of its markers occurs in
 * it).  A NULL tag is not minimal. */
bool hull_base_image_tag_minimal(const struct hull_base_image *b, const char *tag);

/* Render b's suggestion for tag (NULL: no tag) into buf[0..n), truncated and
 * always NUL-terminated when n > 0. */
void hull_base_image_suggest(const struct hull_base_image *b, const char *tag, char *buf, size_t n);

#endif
