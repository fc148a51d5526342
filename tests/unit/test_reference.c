/* test_reference.c - image references (src/dockerfile/reference.c).
 *
 * Most vectors are data: tests/data/reference/cases.txt (format in its
 * header).  The TESTs below check the fields the data file cannot show,
 * the flags, the error paths and out-of-memory handling. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "basic/alloc.h"
#include "basic/arena.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "dockerfile/reference.h"
#include "t.h"

#ifndef HULL_SRCDIR
#define HULL_SRCDIR "."
#endif

#define CASES_FILE HULL_SRCDIR "/tests/data/reference/cases.txt"
#define F64 "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"

/* Parse s with a fresh arena and diag; the arena is released by the caller. */
static int parse(struct hull_arena *a, const char *s, struct hull_image_ref *r,
                 struct hull_diag *d) {
        hull_arena_init(a, 0);
        hull_diag_init(d);
        return hull_image_ref_parse(a, s, r, d);
}

static bool streq_or_null(const char *a, const char *b) {
        return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Properties every successful parse must have; returns false (after
 * reporting) when one does not hold.  Shared with the data-file runner. */
static bool check_invariants(const struct hull_image_ref *r, const char *where) {
        struct hull_arena a2;
        struct hull_diag d2;
        struct hull_image_ref r2;
        char buf[4096];
        bool ok = true;

        if (!r->normalized || !r->familiar) {
                T_FAIL_AT("%s: normalized/familiar missing", where);
                return false;
        }
        if (r->name) {
                snprintf(buf, sizeof(buf), "%s%s%s", r->domain, *r->domain ? "/" : "", r->path);
                if (strcmp(buf, r->name) != 0) {
                        T_FAIL_AT("%s: name '%s' is not domain/path '%s'", where, r->name, buf);
                        ok = false;
                }
                snprintf(buf, sizeof(buf), "%s%s%s%s%s", r->name,
                         r->tag || r->tag_implied ? ":" : "",
                         r->tag           ? r->tag
                         : r->tag_implied ? "latest"
                                          : "",
                         r->digest ? "@" : "", r->digest ? r->digest : "");
                if (strcmp(buf, r->normalized) != 0) {
                        T_FAIL_AT("%s: normalized '%s' != '%s'", where, r->normalized, buf);
                        ok = false;
                }
                if (r->tag_implied != (!r->tag && !r->digest)) {
                        T_FAIL_AT("%s: tag_implied wrong", where);
                        ok = false;
                }
                if (strlen(r->path) > HULL_IMAGE_REF_MAX_PATH) {
                        T_FAIL_AT("%s: path longer than the limit", where);
                        ok = false;
                }
        } else if (r->domain || r->path || r->tag || !r->digest || r->tag_implied ||
                   strcmp(r->normalized, r->digest) != 0) {
                T_FAIL_AT("%s: inconsistent digest-only reference", where);
                ok = false;
        }
        /* the normalized form is a fixed point */
        if (parse(&a2, r->normalized, &r2, &d2) != HULL_OK) {
                T_FAIL_AT("%s: normalized '%s' does not parse: %s", where, r->normalized, d2.msg);
                ok = false;
        } else if (strcmp(r2.normalized, r->normalized) != 0 ||
                   !streq_or_null(r2.domain, r->domain) || !streq_or_null(r2.path, r->path) ||
                   !streq_or_null(r2.tag, r->tag           ? r->tag
                                          : r->tag_implied ? "latest"
                                                           : NULL) ||
                   !streq_or_null(r2.digest, r->digest)) {
                T_FAIL_AT("%s: reparsing '%s' gives '%s'", where, r->normalized, r2.normalized);
                ok = false;
        }
        hull_arena_release(&a2);
        /* the familiar form parses too (it may name another image: see docs) */
        if (parse(&a2, r->familiar, &r2, &d2) != HULL_OK) {
                T_FAIL_AT("%s: familiar '%s' does not parse: %s", where, r->familiar, d2.msg);
                ok = false;
        }
        hull_arena_release(&a2);
        return ok;
}

/* Expand the input escapes of cases.txt (\\, \t, \xHH, \{N:TEXT}) into out. */
static bool expand(const char *s, char *out, size_t outsz, size_t *ret_len) {
        size_t o = 0;

        while (*s) {
                if (*s != '\\') {
                        if (o + 1 > outsz)
                                return false;
                        out[o++] = *s++;
                        continue;
                }
                s++;
                if (*s == '\\' || *s == 't') {
                        if (o + 1 > outsz)
                                return false;
                        out[o++] = *s == 't' ? '\t' : '\\';
                        s++;
                } else if (*s == 'x') {
                        unsigned v;
                        if (sscanf(s + 1, "%2x", &v) != 1 || o + 1 > outsz)
                                return false;
                        out[o++] = (char)v;
                        s += 3;
                } else if (*s == '{') {
                        char *colon, *end;
                        unsigned long n = strtoul(s + 1, &colon, 10), i;
                        size_t tl;

                        if (*colon != ':' || !(end = strchr(colon, '}')))
                                return false;
                        tl = (size_t)(end - colon - 1);
                        for (i = 0; i < n; i++) {
                                if (o + tl > outsz)
                                        return false;
                                memcpy(out + o, colon + 1, tl);
                                o += tl;
                        }
                        s = end + 1;
                } else {
                        return false;
                }
        }
        *ret_len = o;
        return true;
}

TEST(cases_file) {
        static char line[8192], input[8192];
        FILE *f = fopen(CASES_FILE, "r");
        unsigned lineno = 0, ncases = 0, nerrors = 0;

        T_TRUE(f != NULL);
        if (!f)
                return;
        while (fgets(line, sizeof(line), f)) {
                char *fields[3] = {NULL, NULL, NULL}, *p = line, where[64];
                size_t nf = 0, len;
                struct hull_arena a;
                struct hull_diag d;
                struct hull_image_ref r;
                int rc;

                lineno++;
                line[strcspn(line, "\n")] = '\0';
                if (line[0] == '#' || line[0] == '\0')
                        continue;
                while (nf < 3) {
                        fields[nf++] = p;
                        p = strchr(p, '\t');
                        if (!p)
                                break;
                        *p++ = '\0';
                }
                snprintf(where, sizeof(where), "cases.txt:%u", lineno);
                if (nf != 3 || !expand(fields[0], input, sizeof(input), &len)) {
                        T_FAIL_AT("%s: malformed line", where);
                        continue;
                }
                ncases++;
                hull_arena_init(&a, 0);
                hull_diag_init(&d);
                rc = hull_image_ref_parse_n(&a, input, len, 0, &r, &d);
                if (strncmp(fields[1], "error: ", 7) == 0) {
                        nerrors++;
                        if (rc != HULL_EPARSE) {
                                T_FAIL_AT("%s: '%s' parsed (rc %d), expected error '%s'", where,
                                          fields[0], rc, fields[1] + 7);
                        } else if (strcmp(d.msg, fields[1] + 7) != 0 ||
                                   d.col != strtoul(fields[2], NULL, 10) || d.line != 0 ||
                                   d.file[0] != '\0' || d.code != HULL_EPARSE) {
                                T_FAIL_AT("%s: '%s': got '%s' col %u, expected '%s' col %s", where,
                                          fields[0], d.msg, d.col, fields[1] + 7, fields[2]);
                        }
                } else if (rc != HULL_OK) {
                        T_FAIL_AT("%s: '%s' failed: %s (col %u)", where, fields[0], d.msg, d.col);
                } else {
                        if (strcmp(r.normalized, fields[1]) != 0 ||
                            strcmp(r.familiar, fields[2]) != 0)
                                T_FAIL_AT("%s: '%s' -> '%s' '%s', expected '%s' '%s'", where,
                                          fields[0], r.normalized, r.familiar, fields[1],
                                          fields[2]);
                        check_invariants(&r, where);
                }
                hull_arena_release(&a);
        }
        fclose(f);
        printf("# %u cases (%u errors) from %s\n", ncases, nerrors, CASES_FILE);
        T_TRUE(ncases >= 250);
        T_TRUE(nerrors >= 80);
}

TEST(official_fields) {
        struct hull_arena a;
        struct hull_diag d;
        struct hull_image_ref r;

        T_OK(parse(&a, "ubuntu", &r, &d));
        T_STREQ(r.domain, "docker.io");
        T_STREQ(r.path, "library/ubuntu");
        T_TRUE(r.tag == NULL);
        T_TRUE(r.digest == NULL);
        T_TRUE(r.tag_implied);
        T_TRUE(r.official);
        T_TRUE(!r.scratch);
        T_STREQ(r.name, "docker.io/library/ubuntu");
        T_STREQ(r.normalized, "docker.io/library/ubuntu:latest");
        T_STREQ(r.familiar, "ubuntu");
        T_TRUE(hull_image_ref_is_latest(&r));
        hull_arena_release(&a);

        T_OK(parse(&a, "ubuntu:22.04", &r, &d));
        T_STREQ(r.tag, "22.04");
        T_TRUE(!r.tag_implied);
        T_TRUE(r.official);
        T_STREQ(r.familiar, "ubuntu:22.04");
        T_TRUE(!hull_image_ref_is_latest(&r));
        hull_arena_release(&a);

        /* official = docker.io/library/<one component> */
        T_OK(parse(&a, "library/foo/bar", &r, &d));
        T_TRUE(!r.official);
        T_STREQ(r.path, "library/foo/bar");
        hull_arena_release(&a);
        T_OK(parse(&a, "index.docker.io/library/debian:12", &r, &d));
        T_TRUE(r.official);
        T_STREQ(r.domain, "docker.io");
        T_STREQ(r.familiar, "debian:12");
        hull_arena_release(&a);
        T_OK(parse(&a, "gcr.io/library/debian", &r, &d));
        T_TRUE(!r.official);
        hull_arena_release(&a);
}

TEST(registry_fields) {
        struct hull_arena a;
        struct hull_diag d;
        struct hull_image_ref r;

        T_OK(parse(&a, "user/app", &r, &d));
        T_STREQ(r.domain, "docker.io");
        T_STREQ(r.path, "user/app");
        T_TRUE(!r.official);
        T_STREQ(r.familiar, "user/app");
        T_STREQ(r.normalized, "docker.io/user/app:latest");
        hull_arena_release(&a);

        T_OK(parse(&a, "localhost:5000/app:1", &r, &d));
        T_STREQ(r.domain, "localhost:5000");
        T_STREQ(r.path, "app");
        T_STREQ(r.tag, "1");
        T_STREQ(r.name, "localhost:5000/app");
        T_STREQ(r.familiar, "localhost:5000/app:1");
        hull_arena_release(&a);

        T_OK(parse(&a, "registry.example.com/a/b/c:tag@sha256:" F64, &r, &d));
        T_STREQ(r.domain, "registry.example.com");
        T_STREQ(r.path, "a/b/c");
        T_STREQ(r.tag, "tag");
        T_STREQ(r.digest, "sha256:" F64);
        T_TRUE(!r.tag_implied);
        T_STREQ(r.normalized, "registry.example.com/a/b/c:tag@sha256:" F64);
        hull_arena_release(&a);

        T_OK(parse(&a, "[::1]:5000/x", &r, &d));
        T_STREQ(r.domain, "[::1]:5000");
        T_STREQ(r.path, "x");
        hull_arena_release(&a);

        /* an uppercase first component is a registry */
        T_OK(parse(&a, "Foo/bar", &r, &d));
        T_STREQ(r.domain, "Foo");
        T_STREQ(r.path, "bar");
        hull_arena_release(&a);

        /* "a_b.c" looks like a registry but is no host name: Go's regexp then
         * reads the whole as a path, and the domain is empty */
        T_OK(parse(&a, "a_b.c/d", &r, &d));
        T_STREQ(r.domain, "");
        T_STREQ(r.path, "a_b.c/d");
        T_STREQ(r.name, "a_b.c/d");
        T_STREQ(r.normalized, "a_b.c/d:latest");
        hull_arena_release(&a);
}

TEST(digest_only) {
        struct hull_arena a;
        struct hull_diag d;
        struct hull_image_ref r;

        T_OK(parse(&a, F64, &r, &d));
        T_TRUE(r.name == NULL && r.domain == NULL && r.path == NULL && r.tag == NULL);
        T_STREQ(r.digest, "sha256:" F64);
        T_STREQ(r.normalized, "sha256:" F64);
        T_STREQ(r.familiar, "sha256:" F64);
        T_TRUE(!r.tag_implied);
        T_TRUE(!hull_image_ref_is_latest(&r));
        hull_arena_release(&a);

        T_OK(parse(&a, "sha256:" F64, &r, &d));
        T_TRUE(r.name == NULL);
        T_STREQ(r.digest, "sha256:" F64);
        hull_arena_release(&a);
}

TEST(named_only_flag) {
        struct hull_arena a;
        struct hull_diag d;
        struct hull_image_ref r;
        const char *id = F64;

        hull_arena_init(&a, 0);
        hull_diag_init(&d);
        T_EQ(hull_image_ref_parse_n(&a, id, strlen(id), HULL_IMAGE_REF_NAMED_ONLY, &r, &d),
             HULL_EPARSE);
        T_STREQ(d.msg, "invalid repository name (" F64 "), cannot specify 64-byte hexadecimal "
                       "strings");
        T_EQ(d.col, 1);
        hull_diag_init(&d);
        T_OK(hull_image_ref_parse_n(&a, "sha256:" F64, strlen("sha256:" F64),
                                    HULL_IMAGE_REF_NAMED_ONLY, &r, &d));
        T_STREQ(r.normalized, "docker.io/library/sha256:" F64);
        T_STREQ(r.tag, F64);
        T_OK(hull_image_ref_parse_n(&a, "ubuntu", 6, HULL_IMAGE_REF_NAMED_ONLY, &r, &d));
        T_STREQ(r.normalized, "docker.io/library/ubuntu:latest");
        hull_arena_release(&a);
}

TEST(scratch_and_latest) {
        struct hull_arena a;
        struct hull_diag d;
        struct hull_image_ref r;

        T_OK(parse(&a, "scratch", &r, &d));
        T_TRUE(r.scratch);
        T_STREQ(r.normalized, "docker.io/library/scratch:latest");
        hull_arena_release(&a);
        /* BuildKit compares the stage name with "scratch" as a string */
        T_OK(parse(&a, "scratch:latest", &r, &d));
        T_TRUE(!r.scratch);
        hull_arena_release(&a);
        T_OK(parse(&a, "docker.io/library/scratch", &r, &d));
        T_TRUE(!r.scratch);
        hull_arena_release(&a);

        T_OK(parse(&a, "ubuntu:latest", &r, &d));
        T_TRUE(!r.tag_implied);
        T_TRUE(hull_image_ref_is_latest(&r));
        hull_arena_release(&a);
        T_OK(parse(&a, "ubuntu:latest@sha256:" F64, &r, &d));
        T_TRUE(!hull_image_ref_is_latest(&r));
        hull_arena_release(&a);
        T_OK(parse(&a, "ubuntu@sha256:" F64, &r, &d));
        T_TRUE(!r.tag_implied);
        T_TRUE(!hull_image_ref_is_latest(&r));
        T_STREQ(r.normalized, "docker.io/library/ubuntu@sha256:" F64);
        hull_arena_release(&a);
        T_OK(parse(&a, "ubuntu:Latest", &r, &d));
        T_TRUE(!hull_image_ref_is_latest(&r));
        hull_arena_release(&a);
}

TEST(errors) {
        struct hull_arena a;
        struct hull_diag d;
        struct hull_image_ref r, untouched;

        memset(&r, 0x5a, sizeof(r));
        untouched = r;
        T_EQ(parse(&a, "Ubuntu:22.04", &r, &d), HULL_EPARSE);
        T_EQ(d.code, HULL_EPARSE);
        T_STREQ(d.msg, "invalid reference format: repository name (library/Ubuntu) must be "
                       "lowercase");
        T_EQ(d.col, 1);
        T_EQ(d.line, 0);
        T_STREQ(d.file, "");
        T_TRUE(memcmp(&r, &untouched, sizeof(r)) == 0); /* written only on success */
        hull_arena_release(&a);

        /* NUL bytes count (the _n variant); the C-string variant stops there */
        hull_arena_init(&a, 0);
        hull_diag_init(&d);
        T_EQ(hull_image_ref_parse_n(&a, "ubuntu\0x", 8, 0, &r, &d), HULL_EPARSE);
        T_STREQ(d.msg, "invalid reference format");
        T_EQ(d.col, 7);
        T_OK(hull_image_ref_parse(&a, "ubuntu\0x", &r, NULL));
        T_STREQ(r.normalized, "docker.io/library/ubuntu:latest");

        /* no diag: still the code */
        T_EQ(hull_image_ref_parse(&a, "a//b", &r, NULL), HULL_EPARSE);
        T_EQ(hull_image_ref_parse(&a, NULL, &r, NULL), HULL_EINVAL);
        T_EQ(hull_image_ref_parse(NULL, "ubuntu", &r, NULL), HULL_EINVAL);
        T_EQ(hull_image_ref_parse(&a, "ubuntu", NULL, NULL), HULL_EINVAL);
        hull_diag_init(&d);
        T_EQ(hull_image_ref_parse(&a, NULL, &r, &d), HULL_EINVAL);
        T_EQ(d.code, HULL_EINVAL);
        hull_arena_release(&a);
}

TEST(long_names_in_messages) {
        static char s[70000];
        struct hull_arena a;
        struct hull_diag d;
        struct hull_image_ref r;

        /* a name quoted in a message is cut to stay readable */
        memset(s, 'A', sizeof(s) - 1);
        s[sizeof(s) - 1] = '\0';
        T_EQ(parse(&a, s, &r, &d), HULL_EPARSE);
        T_TRUE(strstr(d.msg, "AAA...) must be lowercase") != NULL);
        T_TRUE(strlen(d.msg) < 200);
        hull_arena_release(&a);

        /* a long host name is valid: Docker sets no limit on the domain */
        memset(s, 'x', 60000);
        strcpy(s + 60000, ".example.com/app");
        T_OK(parse(&a, s, &r, &d));
        T_EQ(strlen(r.domain), 60012);
        hull_arena_release(&a);
}

TEST(out_of_memory) {
        static const char *inputs[] = {
                "ubuntu", "registry.example.com/a/b/c:tag@sha256:" F64, F64, "Ubuntu", "a//b",
        };
        size_t i;

        /* arena budget */
        for (i = 0; i < ELEMENTSOF(inputs); i++) {
                struct hull_arena a;
                struct hull_diag d;
                struct hull_image_ref r;
                size_t budget;
                int rc = HULL_ENOMEM;

                for (budget = 16; budget < 4096 && rc == HULL_ENOMEM; budget += 16) {
                        hull_arena_init(&a, budget);
                        hull_diag_init(&d);
                        rc = hull_image_ref_parse(&a, inputs[i], &r, &d);
                        if (rc == HULL_ENOMEM)
                                T_STREQ(d.msg, "out of memory");
                        hull_arena_release(&a);
                }
                T_TRUE(rc == HULL_OK || rc == HULL_EPARSE);
        }

        /* every allocation failing in turn (HULLSCAN_FAIL_ALLOC) */
        for (i = 0; i < ELEMENTSOF(inputs); i++) {
                unsigned long n;
                int rc = HULL_ENOMEM;

                for (n = 1; n < 100 && rc == HULL_ENOMEM; n++) {
                        struct hull_arena a;
                        struct hull_diag d;
                        struct hull_image_ref r;

                        hull_arena_init(&a, 0);
                        hull_diag_init(&d);
                        hull_alloc_fail_after(n);
                        rc = hull_image_ref_parse(&a, inputs[i], &r, &d);
                        hull_alloc_fail_after(0);
                        hull_arena_release(&a);
                }
                T_TRUE(rc == HULL_OK || rc == HULL_EPARSE);
        }
}

T_MAIN()
