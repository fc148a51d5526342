/* test_osv.c - the OSV record reader (src/vuln/osv.c).
 *
 * tests/data/osv/good holds hand-written records covering the model;
 * tests/data/osv/bad one defect per file, and the bad_records table says
 * which code and which JSON path the error must name.  Limits, encodings
 * and time parsing are tested on generated input.  The last test parses
 * every real record of ../shared/corpora/osv (a TAP skip without it). */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "basic/alloc.h"
#include "basic/arena.h"
#include "basic/buf.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "basic/fileio.h"
#include "basic/limits.h"
#include "t.h"
#include "vuln/osv.h"

#define DATA HULL_SRCDIR "/tests/data/osv/"
#define CORPUS HULL_SRCDIR "/../shared/corpora/osv"

static void t_skip(const char *test, const char *reason) {
        static char name[256];

        snprintf(name, sizeof(name), "%s # SKIP %s", test, reason);
        for (size_t i = 0; i < t_ncases; i++)
                if (strcmp(t_cases[i].name, test) == 0)
                        t_cases[i].name = name;
}

/* Parse a string; the record (or NULL) lives in a. */
static int parse_str(struct hull_arena *a, const char *json, struct hull_osv_record **ret,
                     struct hull_diag *d) {
        hull_diag_init(d);
        *ret = NULL;
        return hull_osv_parse(json, strlen(json), "rec.json", a, ret, d);
}

static struct hull_osv_record *parse_fixture(struct hull_arena *a, const char *rel) {
        char path[1024], *data = NULL, msg[1200];
        struct hull_osv_record *r = NULL;
        struct hull_diag d;
        size_t len;

        snprintf(path, sizeof(path), "%s%s", DATA, rel);
        hull_diag_init(&d);
        if (hull_read_file(path, 64u << 20, &data, &len, &d) != HULL_OK) {
                printf("# cannot read %s\n", path);
                return NULL;
        }
        hull_diag_init(&d);
        if (hull_osv_parse(data, len, rel, a, &r, &d) != HULL_OK) {
                hull_diag_format(&d, msg, sizeof(msg));
                printf("# %s: %s\n", rel, msg);
                r = NULL;
        }
        hull_free(data);
        return r;
}

TEST(enum_strings) {
        T_STREQ(hull_osv_range_type_to_string(HULL_OSV_RANGE_GIT), "GIT");
        T_STREQ(hull_osv_event_kind_to_string(HULL_OSV_EVENT_LAST_AFFECTED), "last_affected");
        T_STREQ(hull_osv_severity_type_to_string(HULL_OSV_SEVERITY_UBUNTU), "Ubuntu");
        T_STREQ(hull_osv_reference_type_to_string(HULL_OSV_REFERENCE_DISCUSSION), "DISCUSSION");
        T_TRUE(hull_osv_range_type_to_string(_HULL_OSV_RANGE_MAX) == NULL);
        T_TRUE(hull_osv_event_kind_to_string(_HULL_OSV_EVENT_INVALID) == NULL);
}

TEST(time_parse) {
        static const struct {
                const char *in, *canon;
        } good[] = {
                {"2021-05-18T15:39:00Z", "2021-05-18T15:39:00Z"},
                {"2021-05-18t15:39:00z", "2021-05-18T15:39:00Z"},
                {"2021-12-09T06:35:39.522019Z", "2021-12-09T06:35:39.522019Z"},
                {"2023-07-12T18:32:48.14834Z", "2023-07-12T18:32:48.14834Z"},
                {"2024-02-06T22:20:23.100Z", "2024-02-06T22:20:23.1Z"},
                {"2024-02-06T22:20:23.0000000001Z", "2024-02-06T22:20:23Z"}, /* past ns: cut */
                {"2024-01-15T12:00:00+02:00", "2024-01-15T10:00:00Z"},
                {"2024-01-01T01:00:00-01:30", "2024-01-01T02:30:00Z"},
                {"2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"},
                {"2000-02-29T00:00:00Z", "2000-02-29T00:00:00Z"},
                {"2016-12-31T23:59:60Z", "2016-12-31T23:59:59Z"}, /* leap second */
                {"0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"}, /* the Go vulndb's "unset" */
                {"1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.5Z"},
                {"9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"},
                {"0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"},
        };
        static const char *const bad[] = {
                "",
                "2021-05-18",
                "2021-05-18T15:39:00",       /* no zone */
                "2021-05-18 15:39:00Z",      /* space */
                "2021-05-18T15:39Z",         /* no seconds */
                "2021-13-01T00:00:00Z",      /* month */
                "2021-00-01T00:00:00Z",      /* month */
                "2023-02-29T00:00:00Z",      /* not a leap year */
                "1900-02-29T00:00:00Z",      /* not a leap year */
                "2021-04-31T00:00:00Z",      /* day */
                "2021-05-18T24:00:00Z",      /* hour */
                "2021-05-18T23:60:00Z",      /* minute */
                "2021-05-18T23:59:61Z",      /* second */
                "2021-05-18T15:39:00.Z",     /* empty fraction */
                "2021-05-18T15:39:00+0200",  /* offset without colon */
                "2021-05-18T15:39:00+24:00", /* offset hour */
                "2021-05-18T15:39:00Zjunk",  /* trailing */
                "+2021-05-18T15:39:00Z",     /* sign */
                "2021-5-18T15:39:00Z",       /* short month */
                "２０２１-05-18T15:39:00Z",  /* not ASCII digits */
        };
        char buf[HULL_OSV_TIME_TEXT];
        struct hull_osv_time t, u;

        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                if (hull_osv_time_parse(good[i].in, strlen(good[i].in), &t) != HULL_OK) {
                        T_FAIL_AT("refused %s", good[i].in);
                        continue;
                }
                T_STREQ(hull_osv_time_format(&t, buf), good[i].canon);
                /* the canonical text reads back to the same instant */
                T_OK(hull_osv_time_parse(buf, strlen(buf), &u));
                T_EQ(hull_osv_time_cmp(&t, &u), 0);
        }
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                if (hull_osv_time_parse(bad[i], strlen(bad[i]), &t) == HULL_OK)
                        T_FAIL_AT("accepted %s", bad[i]);

        T_OK(hull_osv_time_parse("1970-01-01T00:00:00Z", 20, &t));
        T_EQ(t.sec, 0);
        T_OK(hull_osv_time_parse("2000-03-01T00:00:00Z", 20, &t));
        T_EQ(t.sec, 951868800);
        T_OK(hull_osv_time_parse("2024-05-10T08:00:00.123456Z", 27, &t));
        T_OK(hull_osv_time_parse("2024-05-10T08:00:00.123455Z", 27, &u));
        T_EQ(hull_osv_time_cmp(&t, &u), 1);
        T_EQ(hull_osv_time_cmp(&u, &t), -1);
        T_OK(hull_osv_time_parse("2024-05-10T10:00:00.123456+02:00", 32, &u));
        T_EQ(hull_osv_time_cmp(&t, &u), 0);
}

TEST(good_debian) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_osv_record *r = parse_fixture(&a, "good/debian-dsa.json");
        char buf[HULL_OSV_TIME_TEXT];

        T_TRUE(r != NULL);
        if (r) {
                T_STREQ(r->schema_version, "1.6.0");
                T_STREQ(r->id, "HULLTEST-DSA-0001-1");
                T_STREQ(hull_osv_time_format(&r->modified, buf), "2024-03-02T11:30:00Z");
                T_TRUE(r->has_published && !r->has_withdrawn);
                T_EQ(r->n_related, 2);
                T_STREQ(r->related[1], "CVE-2099-0002");
                T_EQ(r->n_aliases, 0);
                T_EQ(r->n_affected, 2);
                T_STREQ(r->affected[0].ecosystem, "Debian:11");
                T_STREQ(r->affected[0].name, "libexample");
                T_STREQ(r->affected[0].purl, "pkg:deb/debian/libexample?arch=source");
                T_STREQ(r->affected[0].urgency, "high");
                T_STREQ(r->affected[0].ecosystem_specific, "{\"urgency\":\"high\"}");
                T_STREQ(r->affected[1].urgency, "medium");
                T_TRUE(r->affected[1].purl == NULL);
                T_EQ(r->affected[0].n_ranges, 1);
                T_EQ(r->affected[0].ranges[0].type, HULL_OSV_RANGE_ECOSYSTEM);
                T_EQ(r->affected[0].ranges[0].n_events, 2);
                T_EQ(r->affected[0].ranges[0].events[0].kind, HULL_OSV_EVENT_INTRODUCED);
                T_STREQ(r->affected[0].ranges[0].events[0].version, "0");
                T_EQ(r->affected[0].ranges[0].events[1].kind, HULL_OSV_EVENT_FIXED);
                T_STREQ(r->affected[0].ranges[0].events[1].version, "1.2.3-1+deb11u1");
                T_EQ(r->n_references, 1);
                T_EQ(r->references[0].type, HULL_OSV_REFERENCE_ADVISORY);
                T_TRUE(r->summary && !r->details && !r->severity_label);
        }
        hull_arena_release(&a);
}

TEST(good_ghsa) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_osv_record *r = parse_fixture(&a, "good/pypi-ghsa.json");

        T_TRUE(r != NULL);
        if (r) {
                T_EQ(r->n_aliases, 2);
                T_STREQ(r->aliases[0], "CVE-2099-1000");
                T_EQ(r->modified.nsec, 123456000);
                T_EQ(r->n_severity, 2);
                T_EQ(r->severity[0].type, HULL_OSV_SEVERITY_CVSS_V3);
                T_EQ(r->severity[1].type, HULL_OSV_SEVERITY_CVSS_V4);
                T_STREQ(r->severity[1].type_name, "CVSS_V4");
                T_STREQ(r->severity_label, "HIGH");
                T_STREQ(r->database_specific, "{\"severity\":\"HIGH\",\"cwe_ids\":[\"CWE-22\"],"
                                              "\"github_reviewed\":true}");
                T_STREQ(r->details, "A crafted **archive** escapes the target directory.\n\n"
                                    "Upgrade to 2.0.1.");
                T_STREQ(r->affected[0].name, "Example_Web.Toolkit");
                T_EQ(r->affected[0].n_versions, 3);
                T_STREQ(r->affected[0].versions[2], "2.0");
                T_STREQ(r->affected[0].database_specific, "{\"source\":\"hand-written\"}");
                T_EQ(r->n_references, 3);
                T_EQ(r->references[1].type, HULL_OSV_REFERENCE_FIX);
                T_EQ(r->references[2].type, HULL_OSV_REFERENCE_DISCUSSION);
        }
        hull_arena_release(&a);
}

TEST(good_events_and_times) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_osv_record *go = parse_fixture(&a, "good/go-stdlib.json");
        struct hull_osv_record *npm = parse_fixture(&a, "good/npm-limit.json");
        struct hull_osv_record *wd = parse_fixture(&a, "good/withdrawn.json");
        char buf[HULL_OSV_TIME_TEXT];

        T_TRUE(go && npm && wd);
        if (go) {
                T_STREQ(hull_osv_time_format(&go->modified, buf), "0001-01-01T00:00:00Z");
                T_EQ(go->affected[0].ranges[0].n_events, 4);
                T_STREQ(go->affected[0].ranges[0].events[2].version, "1.22.0-0");
                T_EQ(go->affected[1].ranges[0].events[1].kind, HULL_OSV_EVENT_LAST_AFFECTED);
                T_TRUE(go->affected[0].urgency == NULL);
        }
        if (npm) {
                T_STREQ(hull_osv_time_format(&npm->modified, buf), "2024-01-15T10:00:00Z");
                T_EQ(npm->n_aliases, 0); /* "aliases": null */
                T_EQ(npm->n_references, 0);
                T_EQ(npm->affected[0].n_ranges, 2);
                T_EQ(npm->affected[0].ranges[1].events[1].kind, HULL_OSV_EVENT_LIMIT);
                T_STREQ(npm->affected[0].ranges[1].events[1].version, "3.0.0");
                T_EQ(npm->affected[0].n_severity, 1);
                T_TRUE(npm->schema_version == NULL);
        }
        if (wd) {
                T_TRUE(wd->has_withdrawn);
                T_STREQ(hull_osv_time_format(&wd->withdrawn, buf), "2024-04-01T00:00:00Z");
        }
        hull_arena_release(&a);
}

TEST(good_git_and_upstream) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_osv_record *git = parse_fixture(&a, "good/more/pypi-git.json");
        struct hull_osv_record *alp = parse_fixture(&a, "good/more/alpine.json");

        T_TRUE(git && alp);
        if (git) {
                T_EQ(git->n_affected, 2);
                T_EQ(git->affected[0].ranges[0].type, HULL_OSV_RANGE_GIT);
                T_STREQ(git->affected[0].ranges[0].repo, "https://example.org/parser.git");
                T_STREQ(git->affected[0].ranges[1].database_specific,
                        "{\"note\":\"from the GIT range\"}");
                T_EQ(git->affected[0].n_versions, 3);
                /* an affected entry without a package */
                T_TRUE(git->affected[1].ecosystem == NULL && git->affected[1].name == NULL);
        }
        if (alp) {
                T_EQ(alp->n_upstream, 1);
                T_STREQ(alp->upstream[0], "CVE-2099-3000");
                T_EQ(alp->severity[0].type, HULL_OSV_SEVERITY_UBUNTU);
                T_STREQ(alp->severity[0].score, "medium");
                T_STREQ(alp->affected[1].ecosystem, "Alpine:v3.19");
        }
        hull_arena_release(&a);
}

/* Each file in tests/data/osv/bad: the code and what the message says. */
static const struct {
        const char *file;
        int code;
        const char *msg; /* substring of d.msg */
} bad_records[] = {
        {"alias-number.json", HULL_EPARSE, "aliases[1]: expected a string, got an integer"},
        {"duplicate-member.json", HULL_EPARSE, "duplicate object key"},
        {"ecosystem-specific-array.json", HULL_EPARSE,
         "affected[0].ecosystem_specific: expected an object, got an array"},
        {"empty.json", HULL_EPARSE, "expected near end of file"},
        {"event-empty-object.json", HULL_EPARSE,
         "affected[0].ranges[0].events[1]: an event must have exactly one member"},
        {"event-number.json", HULL_EPARSE,
         "affected[0].ranges[0].events[0].introduced: expected a string, got an integer"},
        {"event-two-members.json", HULL_EPARSE, "has 2"},
        {"event-unknown.json", HULL_EPARSE, "unknown event \"patched\""},
        {"events-empty.json", HULL_EPARSE, "affected[0].ranges[0]: events: empty"},
        {"fixed-and-last-affected.json", HULL_EPARSE, "both fixed and last_affected"},
        {"git-without-repo.json", HULL_EPARSE,
         "affected[0].ranges[0]: missing required member repo"},
        {"id-with-space.json", HULL_EPARSE, "id: invalid id"},
        {"missing-id.json", HULL_EPARSE, "missing required member id"},
        {"missing-modified.json", HULL_EPARSE, "missing required member modified"},
        {"modified-bad-date.json", HULL_EPARSE, "modified: invalid RFC 3339 date-time"},
        {"modified-not-rfc3339.json", HULL_EPARSE, "modified: invalid RFC 3339 date-time"},
        {"nested-too-deep.json", HULL_ELIMIT, "nested deeper than 32 levels"},
        {"no-introduced.json", HULL_EPARSE, "no introduced event"},
        {"package-without-name.json", HULL_EPARSE,
         "affected[0].package: missing required member name"},
        {"range-type-unknown.json", HULL_EPARSE, "affected[0].ranges[0].type: unknown range type"},
        {"reference-without-url.json", HULL_EPARSE, "references[0]: missing required member url"},
        {"schema-version-2.json", HULL_EUNSUPPORTED, "schema version \"2.0.0\" is not supported"},
        {"severity-without-score.json", HULL_EPARSE, "severity[0]: missing required member score"},
        {"summary-null.json", HULL_EPARSE, "summary: expected a string, got null"},
        {"top-level-array.json", HULL_EPARSE, "expected a JSON object at the top level"},
        {"truncated.json", HULL_EPARSE, "unexpected newline"},
};

TEST(bad_fixtures) {
        char path[1024], rel[256], *data;
        size_t len, seen = 0;
        struct dirent *de;
        DIR *dh;

        for (size_t i = 0; i < ELEMENTSOF(bad_records); i++) {
                struct hull_arena a = HULL_ARENA_INIT;
                struct hull_osv_record *r = NULL;
                struct hull_diag d;

                snprintf(path, sizeof(path), "%sbad/%s", DATA, bad_records[i].file);
                snprintf(rel, sizeof(rel), "bad/%s", bad_records[i].file);
                hull_diag_init(&d);
                if (hull_read_file(path, 1u << 20, &data, &len, &d) != HULL_OK) {
                        T_FAIL_AT("cannot read %s", path);
                        continue;
                }
                hull_diag_init(&d);
                int code = hull_osv_parse(data, len, rel, &a, &r, &d);
                if (code != bad_records[i].code || !strstr(d.msg, bad_records[i].msg))
                        T_FAIL_AT("%s: code %d (want %d), message \"%s\" (want \"%s\")",
                                  bad_records[i].file, code, bad_records[i].code, d.msg,
                                  bad_records[i].msg);
                /* every message names the input */
                T_STREQ(d.file, rel);
                T_TRUE(r == NULL);
                hull_free(data);
                hull_arena_release(&a);
        }
        /* every file in bad/ is in the table */
        snprintf(path, sizeof(path), "%sbad", DATA);
        dh = opendir(path);
        T_TRUE(dh != NULL);
        while (dh && (de = readdir(dh))) {
                bool found = false;
                if (de->d_name[0] == '.')
                        continue;
                seen++;
                for (size_t i = 0; i < ELEMENTSOF(bad_records); i++)
                        found |= strcmp(bad_records[i].file, de->d_name) == 0;
                if (!found)
                        T_FAIL_AT("bad/%s is not in bad_records", de->d_name);
        }
        if (dh)
                closedir(dh);
        T_EQ(seen, ELEMENTSOF(bad_records));
}

/* Small cases written inline: code and message substring. */
TEST(strictness) {
        static const struct {
                const char *json;
                int code;
                const char *msg;
        } cases[] = {
                {"{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\"}", HULL_OK, ""},
                /* null only where the schema allows it */
                {"{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":null,"
                 "\"severity\":null,\"references\":null,\"aliases\":null}",
                 HULL_OK, ""},
                {"{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"related\":null}",
                 HULL_EPARSE, "related: expected an array, got null"},
                {"{\"id\":null,\"modified\":\"2024-01-01T00:00:00Z\"}", HULL_EPARSE,
                 "id: expected a string, got null"},
                {"{\"id\":\"\",\"modified\":\"2024-01-01T00:00:00Z\"}", HULL_EPARSE, "empty id"},
                {"{\"id\":\"X-1\",\"modified\":20240101}", HULL_EPARSE,
                 "modified: expected a string"},
                /* unknown members are allowed; unknown severity and reference types kept */
                {"{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"x_future\":{\"a\":1},"
                 "\"severity\":[{\"type\":\"CVSS_V9\",\"score\":\"9\"}],"
                 "\"references\":[{\"type\":\"NEWKIND\",\"url\":\"https://x\"}]}",
                 HULL_OK, ""},
                {"{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\","
                 "\"references\":[{\"type\":\"WEB\",\"url\":\"\"}]}",
                 HULL_EPARSE, "references[0].url: empty string"},
                {"{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"package\":"
                 "{\"ecosystem\":\"\",\"name\":\"x\"}}]}",
                 HULL_EPARSE, "affected[0].package.ecosystem: empty string"},
                {"{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"ranges\":"
                 "[{\"type\":\"SEMVER\"}]}]}",
                 HULL_EPARSE, "affected[0].ranges[0]: missing required member events"},
                {"{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"ranges\":"
                 "[{\"type\":\"SEMVER\",\"events\":[\"0\"]}]}]}",
                 HULL_EPARSE, "affected[0].ranges[0].events[0]: expected an object, got a string"},
                {"{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{"
                 "\"versions\":"
                 "[\"1\",null]}]}",
                 HULL_EPARSE, "affected[0].versions[1]: expected a string, got null"},
                {"{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[1]}",
                 HULL_EPARSE, "affected[0]: expected an object, got an integer"},
                {"{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"credits\":[{\"contact\":"
                 "[]}]}",
                 HULL_EPARSE, "credits[0]: missing required member name"},
                /* related as objects {type, id} */
                {"{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"related\":[{\"type\":"
                 "\"SIMILAR_TO\",\"id\":\"X-2\"}]}",
                 HULL_OK, ""},
                {"{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"related\":[{\"type\":"
                 "\"SIMILAR_TO\",\"id\":\"X 2\"}]}",
                 HULL_EPARSE, "related[0].id: invalid id"},
                {"{\"schema_version\":\"1\",\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\"}",
                 HULL_OK, ""},
                {"{\"schema_version\":\"1.x\",\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:"
                 "00Z\"}",
                 HULL_EPARSE, "invalid schema version"},
                {"{\"schema_version\":\"10.0\",\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:"
                 "00Z\"}",
                 HULL_EUNSUPPORTED, "not supported"},
                /* not a record at all */
                {"{\"records\":7}", HULL_ENOTFOUND, "not an OSV record"},
                {"{}", HULL_ENOTFOUND, "not an OSV record"},
                /* jansson: invalid UTF-8, U+0000, trailing data */
                {"{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"summary\":\"\xc3\x28\"}",
                 HULL_EPARSE, "unable to decode byte 0xc3"},
                {"{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"summary\":\"a\\u0000b\"}",
                 HULL_EPARSE, "NUL"},
                {"{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\"} {}", HULL_EPARSE,
                 "end of file expected"},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct hull_arena a = HULL_ARENA_INIT;
                struct hull_osv_record *r;
                struct hull_diag d;
                int code = parse_str(&a, cases[i].json, &r, &d);
                if (code != cases[i].code || !strstr(d.msg, cases[i].msg))
                        T_FAIL_AT("case %zu: code %d (want %d), message \"%s\" (want \"%s\")", i,
                                  code, cases[i].code, d.msg, cases[i].msg);
                if (code == HULL_OK && !r)
                        T_FAIL_AT("case %zu: no record", i);
                hull_arena_release(&a);
        }
}

TEST(kept_unknown_types) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_osv_record *r;
        struct hull_diag d;

        T_OK(parse_str(&a,
                       "{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\","
                       "\"severity\":[{\"type\":\"CVSS_V9\",\"score\":\"9\"}],"
                       "\"references\":[{\"type\":\"NEWKIND\",\"url\":\"https://x\"}],"
                       "\"related\":[{\"type\":\"SIMILAR_TO\",\"id\":\"X-2\"},\"X-3\"]}",
                       &r, &d));
        if (r) {
                T_EQ(r->severity[0].type, HULL_OSV_SEVERITY_OTHER);
                T_STREQ(r->severity[0].type_name, "CVSS_V9");
                T_EQ(r->references[0].type, HULL_OSV_REFERENCE_OTHER);
                T_STREQ(r->references[0].type_name, "NEWKIND");
                T_EQ(r->n_related, 2);
                T_STREQ(r->related[0], "X-2");
                T_STREQ(r->related[1], "X-3");
        }
        hull_arena_release(&a);
}

/* {"id":..., "modified":..., "database_specific": {"x": BODY}} */
static char *with_body(const char *body) {
        static const char head[] = "{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\","
                                   "\"database_specific\":{\"x\":";
        size_t n = strlen(head) + strlen(body) + 3;
        char *s = hull_malloc(n);
        if (s)
                snprintf(s, n, "%s%s}}", head, body);
        return s;
}

TEST(limits) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_osv_record *r;
        struct hull_buf b = HULL_BUF_INIT(64u << 20);
        struct hull_diag d;
        char *s;
        bool ok = true;

        /* depth: the record's object is level 1, database_specific 2, x 3 */
        for (unsigned depth = HULL_MAX_OSV_JSON_DEPTH; depth <= HULL_MAX_OSV_JSON_DEPTH + 1;
             depth++) {
                hull_buf_reset(&b);
                for (unsigned i = 0; i < depth - 2; i++)
                        ok &= hull_buf_putc(&b, '[') == HULL_OK;
                for (unsigned i = 0; i < depth - 2; i++)
                        ok &= hull_buf_putc(&b, ']') == HULL_OK;
                s = with_body(b.data);
                T_TRUE(ok && s);
                int code = s ? parse_str(&a, s, &r, &d) : -1;
                if (depth <= HULL_MAX_OSV_JSON_DEPTH)
                        T_EQ(code, HULL_OK);
                else
                        T_EQ(code, HULL_ELIMIT);
                hull_free(s);
        }
        /* values: each "0," is one */
        hull_buf_reset(&b);
        ok &= hull_buf_putc(&b, '[') == HULL_OK;
        for (unsigned i = 0; i < HULL_MAX_OSV_JSON_VALUES; i++)
                ok &= hull_buf_puts(&b, "0,") == HULL_OK;
        ok &= hull_buf_puts(&b, "0]") == HULL_OK;
        s = with_body(b.data);
        T_TRUE(ok && s);
        if (s) {
                T_EQ(parse_str(&a, s, &r, &d), HULL_ELIMIT);
                T_TRUE(strstr(d.msg, "more than 500000 JSON values") != NULL);
        }
        hull_free(s);
        /* bytes: checked before anything is read */
        s = hull_malloc(HULL_MAX_OSV_RECORD_BYTES + 1);
        T_TRUE(s != NULL);
        if (s) {
                memset(s, ' ', HULL_MAX_OSV_RECORD_BYTES + 1);
                hull_diag_init(&d);
                T_EQ(hull_osv_parse(s, HULL_MAX_OSV_RECORD_BYTES + 1, "big.json", &a, &r, &d),
                     HULL_ELIMIT);
                T_TRUE(strstr(d.msg, "big.json: record of 8388609 bytes") != NULL);
        }
        hull_free(s);
        /* id length */
        hull_buf_reset(&b);
        ok = hull_buf_puts(&b, "{\"modified\":\"2024-01-01T00:00:00Z\",\"id\":\"") == HULL_OK;
        for (unsigned i = 0; i <= HULL_MAX_OSV_ID_BYTES; i++)
                ok &= hull_buf_putc(&b, 'A') == HULL_OK;
        ok &= hull_buf_puts(&b, "\"}") == HULL_OK;
        T_TRUE(ok);
        T_EQ(parse_str(&a, b.data, &r, &d), HULL_ELIMIT);
        T_TRUE(strstr(d.msg, "id: id of 257 bytes") != NULL);
        /* a depth past the limit inside a string is not nesting */
        hull_buf_reset(&b);
        ok = hull_buf_puts(&b, "\"") == HULL_OK;
        for (unsigned i = 0; i < 100; i++)
                ok &= hull_buf_puts(&b, "[{\\\"") == HULL_OK;
        ok &= hull_buf_puts(&b, "\"") == HULL_OK;
        s = with_body(b.data);
        T_TRUE(ok && s);
        if (s)
                T_EQ(parse_str(&a, s, &r, &d), HULL_OK);
        hull_free(s);
        hull_buf_release(&b);
        hull_arena_release(&a);
}

TEST(no_data) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_osv_record *r = NULL;
        struct hull_diag d;

        hull_diag_init(&d);
        T_EQ(hull_osv_parse(NULL, 0, NULL, &a, &r, &d), HULL_EPARSE);
        T_STREQ(d.file, "(input)");
        hull_diag_init(&d);
        T_EQ(hull_osv_parse(NULL, 5, "x", &a, &r, &d), HULL_EINVAL);
        hull_arena_release(&a);
}

/* Every allocation failing in turn: an error or a record, never a crash. */
TEST(alloc_failures) {
        char path[1024], *data = NULL;
        struct hull_diag d;
        size_t len;
        int ok_seen = 0;

        snprintf(path, sizeof(path), "%sgood/pypi-ghsa.json", DATA);
        hull_diag_init(&d);
        if (hull_read_file(path, 1u << 20, &data, &len, &d) != HULL_OK) {
                T_FAIL_AT("cannot read %s", path);
                return;
        }
        for (unsigned long n = 1; n < 400 && !ok_seen; n++) {
                struct hull_arena a = HULL_ARENA_INIT;
                struct hull_osv_record *r = NULL;
                hull_diag_init(&d);
                hull_alloc_fail_after(n);
                int code = hull_osv_parse(data, len, "x.json", &a, &r, &d);
                hull_alloc_fail_after(0);
                if (code == HULL_OK)
                        ok_seen = 1;
                else if (code != HULL_ENOMEM)
                        T_FAIL_AT("n=%lu: code %d (%s)", n, code, d.msg);
                hull_arena_release(&a);
        }
        T_TRUE(ok_seen);
        hull_free(data);
}

/* Parse every file under dir; counts into *ok and *not_record. */
static void parse_tree(const char *dir, size_t *ok, size_t *not_record, size_t *failed) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct dirent *de;
        DIR *dh = opendir(dir);
        char path[4096], msg[1200];

        if (!dh)
                return;
        while ((de = readdir(dh))) {
                struct hull_osv_record *r;
                struct hull_diag d;
                struct stat st;
                char *data;
                size_t len;

                if (de->d_name[0] == '.')
                        continue;
                snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
                if (stat(path, &st) != 0)
                        continue;
                if (S_ISDIR(st.st_mode)) {
                        parse_tree(path, ok, not_record, failed);
                        continue;
                }
                if (strlen(de->d_name) < 5 || strcmp(de->d_name + strlen(de->d_name) - 5, ".json"))
                        continue;
                hull_diag_init(&d);
                if (hull_read_file(path, 64u << 20, &data, &len, &d) != HULL_OK)
                        continue;
                hull_diag_init(&d);
                int code = hull_osv_parse(data, len, path, &a, &r, &d);
                if (code == HULL_OK) {
                        (*ok)++;
                } else if (code == HULL_ENOTFOUND) {
                        (*not_record)++;
                } else {
                        if ((*failed)++ < 10) {
                                hull_diag_format(&d, msg, sizeof(msg));
                                printf("# %s\n", msg);
                        }
                }
                hull_free(data);
                hull_arena_release(&a);
        }
        closedir(dh);
}

TEST(real_corpus) {
        size_t ok = 0, not_record = 0, failed = 0;
        struct stat st;

        if (stat(CORPUS, &st) != 0) {
                t_skip("real_corpus", "../shared/corpora/osv not present");
                return;
        }
        parse_tree(CORPUS, &ok, &not_record, &failed);
        printf("# %zu records parsed, %zu not records (SOURCE.json), %zu failed\n", ok, not_record,
               failed);
        T_EQ(failed, 0);
        T_TRUE(ok >= 19000);
        T_EQ(not_record, 6); /* one SOURCE.json per ecosystem */
}

T_MAIN()
