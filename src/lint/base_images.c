/* base_images.c - the curated table of full images with a smaller sibling
 * (HS1001 minimal-base-image; format in base_images.h, documented in
 * docs/rules/HS1001.md).
 *
 * Adding an image family is one row: its normalized repository, the tag
 * substrings of its minimal variants, the version words that are not
 * numbers, and the suggestion.  Only official or well-known repositories go
 * here, and only when the suggested variant really exists. */
#include "lint/base_images.h"

#include <ctype.h>
#include <string.h>

#define HUB "docker.io/library/"
#define DEBIAN_NAMES                                                                               \
        "bookworm|bullseye|buster|stretch|jessie|trixie|forky|sid|stable|oldstable|testing|"       \
        "unstable"
#define UBI9_MIN "use registry.access.redhat.com/ubi9/ubi-minimal or ubi9/ubi-micro"
#define UBI8_MIN "use registry.access.redhat.com/ubi8/ubi-minimal or ubi8/ubi-micro"
#define JAVA_JRE "use eclipse-temurin:{major:21}-jre-alpine or eclipse-temurin:{major:21}-jre"
#define JAVA_BUILD                                                                                 \
        "run the build in a builder stage and ship the jar on a JRE image such as "                \
        "eclipse-temurin:21-jre-alpine"

/* Sorted by repository. */
static const struct hull_base_image table[] = {
        {HUB "almalinux", "minimal|micro", NULL, "use almalinux:{major:9}-minimal"},
        {HUB "buildpack-deps", NULL, NULL,
         "use debian:bookworm-slim and install only what the image needs at run time"},
        {HUB "centos", "minimal", NULL,
         "use registry.access.redhat.com/ubi9/ubi-minimal or rockylinux:9-minimal"},
        {HUB "debian", "slim", DEBIAN_NAMES, "use debian:{v:bookworm}-slim"},
        {HUB "eclipse-temurin", "jre", NULL, JAVA_JRE},
        {HUB "fedora", NULL, "rawhide", "use registry.fedoraproject.org/fedora-minimal:{v:40}"},
        {HUB "gcc", NULL, NULL,
         "build in a gcc stage and ship the binary on gcr.io/distroless/cc-debian12 or "
         "debian:bookworm-slim"},
        {HUB "golang", NULL, NULL,
         "build in a golang stage and ship the binary on gcr.io/distroless/static-debian12 or "
         "scratch"},
        {HUB "gradle", NULL, NULL, JAVA_BUILD},
        {HUB "maven", NULL, NULL, JAVA_BUILD},
        {HUB "node", "slim|alpine", "lts|current",
         "use node:{v:lts}-slim, node:{v:lts}-alpine or "
         "gcr.io/distroless/nodejs{major:22}-debian12"},
        {HUB "openjdk", "jre", NULL, JAVA_JRE},
        {HUB "oraclelinux", "slim", NULL, "use oraclelinux:{major:9}-slim"},
        {HUB "perl", "slim", NULL, "use perl:{v:5}-slim"},
        {HUB "php", "alpine", NULL, "use php:{v:8}-fpm-alpine or php:{v:8}-cli-alpine"},
        {HUB "pypy", "slim", NULL, "use pypy:{v:3}-slim"},
        {HUB "python", "slim|alpine", NULL, "use python:{v:3}-slim"},
        {HUB "rockylinux", "minimal", NULL, "use rockylinux:{major:9}-minimal"},
        {HUB "ruby", "slim|alpine", NULL, "use ruby:{v:3}-slim or ruby:{v:3}-alpine"},
        {HUB "rust", NULL, NULL,
         "build in a rust stage and ship the binary on gcr.io/distroless/cc-debian12 or "
         "debian:bookworm-slim"},
        {HUB "ubuntu", NULL, NULL, "use debian:bookworm-slim or a distroless image"},
        {"docker.io/redhat/ubi8", NULL, NULL, UBI8_MIN},
        {"docker.io/redhat/ubi9", NULL, NULL, UBI9_MIN},
        {"docker.io/rockylinux/rockylinux", "minimal|micro", NULL,
         "use rockylinux/rockylinux:{major:9}-minimal"},
        {"mcr.microsoft.com/dotnet/core/sdk", NULL, NULL,
         "publish in an sdk stage and ship on mcr.microsoft.com/dotnet/aspnet:{major.minor:8.0} or "
         "mcr.microsoft.com/dotnet/runtime:{major.minor:8.0}"},
        {"mcr.microsoft.com/dotnet/sdk", NULL, NULL,
         "publish in an sdk stage and ship on mcr.microsoft.com/dotnet/aspnet:{major.minor:8.0} or "
         "mcr.microsoft.com/dotnet/runtime:{major.minor:8.0}"},
        {"quay.io/centos/centos", "minimal", NULL,
         "use registry.access.redhat.com/ubi9/ubi-minimal or rockylinux:9-minimal"},
        {"quay.io/rockylinux/rockylinux", "minimal|micro", NULL,
         "use quay.io/rockylinux/rockylinux:{major:9}-minimal"},
        {"registry.access.redhat.com/ubi8", NULL, NULL, UBI8_MIN},
        {"registry.access.redhat.com/ubi8/ubi", NULL, NULL, UBI8_MIN},
        {"registry.access.redhat.com/ubi9", NULL, NULL, UBI9_MIN},
        {"registry.access.redhat.com/ubi9/ubi", NULL, NULL, UBI9_MIN},
        {"registry.fedoraproject.org/fedora", NULL, "rawhide",
         "use registry.fedoraproject.org/fedora-minimal:{v:40}"},
        {"registry.redhat.io/ubi8/ubi", NULL, NULL, UBI8_MIN},
        {"registry.redhat.io/ubi9/ubi", NULL, NULL, UBI9_MIN},
};

/* Mirrors of Docker Hub's official images: prefix -> HUB. */
static const char *const hub_mirrors[] = {
        "public.ecr.aws/docker/library/",
        "mirror.gcr.io/library/",
};

const struct hull_base_image *hull_base_image_find(const char *name) {
        const char *rest = NULL;

        if (!name)
                return NULL;
        for (size_t i = 0; i < sizeof(hub_mirrors) / sizeof(hub_mirrors[0]); i++)
                if (strncmp(name, hub_mirrors[i], strlen(hub_mirrors[i])) == 0)
                        rest = name + strlen(hub_mirrors[i]);
        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
                const char *repo = table[i].repo;
                if (rest ? strncmp(repo, HUB, strlen(HUB)) == 0 &&
                                    strcmp(repo + strlen(HUB), rest) == 0
                         : strcmp(repo, name) == 0)
                        return &table[i];
        }
        return NULL;
}

/* Whether the '|'-separated list holds s[0..n). */
static bool list_has(const char *list, const char *s, size_t n) {
        for (const char *p = list; p && *p;) {
                size_t l = strcspn(p, "|");
                if (l == n && strncmp(p, s, n) == 0)
                        return true;
                p += l + (p[l] == '|');
        }
        return false;
}

bool hull_base_image_tag_minimal(const struct hull_base_image *b, const char *tag) {
        if (!tag || !b->minimal)
                return false;
        for (const char *p = b->minimal; *p;) {
                size_t l = strcspn(p, "|");
                for (const char *t = tag; l && (t = strchr(t, *p)); t++)
                        if (strncmp(t, p, l) == 0)
                                return true;
                p += l + (p[l] == '|');
        }
        return false;
}

/* The tag's version (see base_images.h); length 0 when there is none. */
static size_t version(const struct hull_base_image *b, const char *tag, const char **ret) {
        size_t n;

        if (!tag || strcmp(tag, "latest") == 0)
                return 0;
        n = strcspn(tag, "-");
        if (n == 0 || !(isdigit((unsigned char)tag[0]) || list_has(b->named, tag, n)))
                return 0;
        *ret = tag;
        return n;
}

/* Leading "N" (parts == 1) or "N.M" (parts == 2) of v[0..n); 0 when absent. */
static size_t numbers(const char *v, size_t n, int parts) {
        size_t i = 0;

        for (int p = 0; p < parts; p++) {
                size_t start = i + (p > 0);
                if (p > 0 && (i >= n || v[i] != '.'))
                        return 0;
                i = start;
                while (i < n && isdigit((unsigned char)v[i]))
                        i++;
                if (i == start)
                        return 0;
        }
        return i;
}

void hull_base_image_suggest(const struct hull_base_image *b, const char *tag, char *buf,
                             size_t n) {
        const char *v = NULL;
        size_t vlen = version(b, tag, &v), o = 0;

        if (n == 0)
                return;
        for (const char *p = b->suggest; *p && o + 1 < n;) {
                const char *close = *p == '{' ? strchr(p, '}') : NULL;
                const char *colon, *out = p;
                size_t len = 1;

                if (close) {
                        colon = memchr(p, ':', (size_t)(close - p));
                        size_t klen = colon ? (size_t)(colon - p - 1) : (size_t)(close - p - 1);
                        size_t got = 0;
                        if (klen == 1 && p[1] == 'v')
                                got = vlen;
                        else if (klen == 5 && strncmp(p + 1, "major", 5) == 0 && vlen)
                                got = numbers(v, vlen, 1);
                        else if (klen == 11 && strncmp(p + 1, "major.minor", 11) == 0 && vlen)
                                got = numbers(v, vlen, 2);
                        if (got) {
                                out = v;
                                len = got;
                        } else {
                                out = colon ? colon + 1 : close;
                                len = (size_t)(close - out);
                        }
                        p = close + 1;
                } else {
                        p++;
                }
                if (len > n - 1 - o)
                        len = n - 1 - o;
                memcpy(buf + o, out, len);
                o += len;
        }
        buf[o] = 0;
}
