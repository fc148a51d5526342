/* test_db.c - the OSV database (src/vuln/db.c): import rules, zip
 * archives, damaged inputs and damaged databases, records of 100 MB (the
 * import's peak memory measured in a child process), records of unknown
 * ecosystems, directories the importer may not write (as nobody when the
 * tests run as root).
 *
 * Records come from tests/data/osv (hand-written); zip archives are built
 * here with libarchive's zip writer, and the few shapes it cannot write (a
 * zip64 end record claiming millions of entries) by hand.  Every test works
 * in its own temporary directory.  The last test imports the real records
 * of ../shared/corpora/osv (a TAP skip without it). */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "basic/alloc.h"
#include "basic/arena.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "basic/fileio.h"
#include "basic/limits.h"
#include "t.h"
#include "vuln/db.h"
#include "vuln/match.h"
#include "vuln/osv.h"

#define DATA HULL_SRCDIR "/tests/data/osv/"
#define CORPUS HULL_SRCDIR "/../shared/corpora/osv"
#define NOW 1767225600 /* 2026-01-01T00:00:00Z */

static void t_skip(const char *test, const char *reason) {
        static char name[256];

        snprintf(name, sizeof(name), "%s # SKIP %s", test, reason);
        for (size_t i = 0; i < t_ncases; i++)
                if (strcmp(t_cases[i].name, test) == 0)
                        t_cases[i].name = name;
}

/* ---- scratch directories ---- */

static char tmpdir[256];

static const char *tmp(const char *name) {
        static char bufs[4][512];
        static int k;
        char *b = bufs[k++ % 4];

        snprintf(b, 512, "%s/%s", tmpdir, name);
        return b;
}

static void rm_rf(const char *path) {
        char cmd[600];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
        if (system(cmd) != 0)
                printf("# cannot remove %s\n", path);
}

static void remove_tmpdir(void) {
        if (tmpdir[0])
                rm_rf(tmpdir);
        tmpdir[0] = '\0';
}

/* A new scratch directory; the previous one (and the last, at exit) goes. */
static void fresh_tmpdir(void) {
        static bool registered;

        if (!registered)
                registered = atexit(remove_tmpdir) == 0;
        remove_tmpdir();
        snprintf(tmpdir, sizeof(tmpdir), "/tmp/hull-test-db-XXXXXX");
        if (!mkdtemp(tmpdir)) {
                printf("# mkdtemp: %s\n", strerror(errno));
                exit(1);
        }
}

static void write_file(const char *path, const void *data, size_t n) {
        FILE *f = fopen(path, "wb");

        if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0)
                printf("# cannot write %s\n", path);
}

static char *read_all(const char *path, size_t *len) {
        struct hull_diag d;
        char *data = NULL;

        hull_diag_init(&d);
        if (hull_read_file(path, 256u << 20, &data, len, &d) != HULL_OK)
                return NULL;
        return data;
}

static bool same_file(const char *a, const char *b) {
        size_t na = 0, nb = 0;
        char *da = read_all(a, &na), *db = read_all(b, &nb);
        bool same = da && db && na == nb && memcmp(da, db, na) == 0;

        hull_free(da);
        hull_free(db);
        return same;
}

/* ---- import helpers ---- */

struct skips {
        unsigned n;
        char first[600];
        char first_file[600];
        int first_code;
};

static void on_skip(void *ud, const struct hull_diag *d) {
        struct skips *s = ud;

        if (s->n++ == 0) {
                snprintf(s->first, sizeof(s->first), "%s", d->msg);
                snprintf(s->first_file, sizeof(s->first_file), "%s", d->file);
                s->first_code = d->code;
        }
}

static int import(const char *db, const char *p1, const char *p2, struct hull_vuln_import_stats *st,
                  struct skips *sk, struct hull_diag *d) {
        const char *paths[2] = {p1, p2};

        hull_diag_init(d);
        return hull_vuln_db_import(db, paths, p2 ? 2 : 1, NOW, on_skip, sk, st, d);
}

struct rows {
        unsigned n;
        char ids[8][64];
        char release[8][32];
        char ranges[8][256]; /* decoded: "E i:0 f:1.2" */
        char urgency[8][32];
        int64_t rid[8];
};

static int collect(void *ud, const struct hull_vuln_db_affected *a) {
        struct rows *r = ud;
        struct hull_vuln_ranges_iter it;
        struct hull_vuln_ranges_item item;
        size_t o = 0;
        int k;

        if (r->n >= 8)
                return 0;
        snprintf(r->ids[r->n], 64, "%s", a->id);
        snprintf(r->release[r->n], 32, "%s", a->release ? a->release : "-");
        snprintf(r->urgency[r->n], 32, "%s", a->urgency ? a->urgency : "-");
        r->rid[r->n] = a->rid;
        hull_vuln_ranges_init(&it, a->ranges, a->ranges_len);
        while ((k = hull_vuln_ranges_next(&it, &item)) == 1 && o < 200) {
                if (item.len)
                        o += (size_t)snprintf(r->ranges[r->n] + o, 256 - o, "%s%c:%s", o ? " " : "",
                                              item.tag, item.value);
                else
                        o += (size_t)snprintf(r->ranges[r->n] + o, 256 - o, "%s%c", o ? " " : "",
                                              item.tag);
        }
        if (k < 0)
                snprintf(r->ranges[r->n], 256, "DAMAGED");
        r->n++;
        return 0;
}

static unsigned lookup(struct hull_vuln_db *db, const char *eco, const char *name, struct rows *r) {
        struct hull_diag d;

        memset(r, 0, sizeof(*r));
        hull_diag_init(&d);
        if (hull_vuln_db_lookup(db, eco, name, collect, r, &d) != HULL_OK)
                printf("# lookup: %s\n", d.msg);
        return r->n;
}

/* The rows matching reads (package_rows) for a release ("" for none). */
static unsigned lookup_m(struct hull_vuln_db *db, const char *eco, const char *release,
                         const char *name, struct rows *r) {
        struct hull_diag d;

        memset(r, 0, sizeof(*r));
        hull_diag_init(&d);
        if (hull_vuln_db_lookup_match(db, eco, *release ? release : NULL, name, collect, r, &d) !=
            HULL_OK)
                printf("# lookup_match: %s\n", d.msg);
        return r->n;
}

/* ---- names, ranges ---- */

TEST(names) {
        char buf[64];

        T_EQ(hull_vuln_name_normalize("PyPI", "Example_Web.Toolkit", 19, buf), 19);
        T_STREQ(buf, "example-web-toolkit");
        hull_vuln_name_normalize("PyPI", "a--b__c.-_d", 11, buf);
        T_STREQ(buf, "a-b-c-d");
        hull_vuln_name_normalize("PyPI", "-x-", 3, buf);
        T_STREQ(buf, "-x-");
        hull_vuln_name_normalize("npm", "Example_Web.Toolkit", 19, buf);
        T_STREQ(buf, "Example_Web.Toolkit");
        hull_vuln_name_normalize("Go", "github.com/A/B", 14, buf);
        T_STREQ(buf, "github.com/A/B");

        size_t n;
        const char *rel;
        hull_vuln_ecosystem_split("Debian:11", &n, &rel);
        T_EQ(n, 6);
        T_STREQ(rel, "11");
        hull_vuln_ecosystem_split("Ubuntu:22.04:LTS", &n, &rel);
        T_EQ(n, 6);
        T_STREQ(rel, "22.04:LTS");
        hull_vuln_ecosystem_split("crates.io", &n, &rel);
        T_EQ(n, 9);
        T_TRUE(rel == NULL);
}

TEST(ranges_iter) {
        static const unsigned char good[] = {'E', 0, 0, 'i', 1, '0', 0, 'f', 3, '1', '.', '2', 0};
        static const unsigned char bad_tag[] = {'Q', 0, 0};
        static const unsigned char bad_len[] = {'i', 5, '0', 0};
        static const unsigned char bad_nul[] = {'i', 1, '0', 'x'};
        static const unsigned char bad_varint[] = {'i', 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
        struct hull_vuln_ranges_iter it;
        struct hull_vuln_ranges_item item;

        hull_vuln_ranges_init(&it, good, sizeof(good));
        T_EQ(hull_vuln_ranges_next(&it, &item), 1);
        T_EQ(item.tag, HULL_VULN_TAG_RANGE_ECOSYSTEM);
        T_EQ(hull_vuln_ranges_next(&it, &item), 1);
        T_STREQ(item.value, "0");
        T_EQ(hull_vuln_ranges_next(&it, &item), 1);
        T_EQ(item.tag, HULL_VULN_TAG_FIXED);
        T_STREQ(item.value, "1.2");
        T_EQ(item.len, 3);
        T_EQ(hull_vuln_ranges_next(&it, &item), 0);
        hull_vuln_ranges_init(&it, bad_tag, sizeof(bad_tag));
        T_EQ(hull_vuln_ranges_next(&it, &item), -1);
        hull_vuln_ranges_init(&it, bad_len, sizeof(bad_len));
        T_EQ(hull_vuln_ranges_next(&it, &item), -1);
        hull_vuln_ranges_init(&it, bad_nul, sizeof(bad_nul));
        T_EQ(hull_vuln_ranges_next(&it, &item), -1);
        hull_vuln_ranges_init(&it, bad_varint, sizeof(bad_varint));
        T_EQ(hull_vuln_ranges_next(&it, &item), -1);
        hull_vuln_ranges_init(&it, NULL, 0);
        T_EQ(hull_vuln_ranges_next(&it, &item), 0);
}

TEST(default_path) {
        char *p = NULL, *old_xdg = getenv("XDG_CACHE_HOME"), *old_home = getenv("HOME");
        struct hull_diag d;

        old_xdg = old_xdg ? strdup(old_xdg) : NULL;
        old_home = old_home ? strdup(old_home) : NULL;
        hull_diag_init(&d);
        setenv("XDG_CACHE_HOME", "/x/cache", 1);
        T_OK(hull_vuln_db_default_path(&p, &d));
        T_STREQ(p, "/x/cache/hullscan/osv.db");
        hull_free(p);
        setenv("XDG_CACHE_HOME", "relative", 1); /* ignored, as the XDG spec says */
        setenv("HOME", "/home/u", 1);
        T_OK(hull_vuln_db_default_path(&p, &d));
        T_STREQ(p, "/home/u/.cache/hullscan/osv.db");
        hull_free(p);
        unsetenv("XDG_CACHE_HOME");
        T_OK(hull_vuln_db_default_path(&p, &d));
        T_STREQ(p, "/home/u/.cache/hullscan/osv.db");
        hull_free(p);
        if (old_xdg)
                setenv("XDG_CACHE_HOME", old_xdg, 1);
        if (old_home)
                setenv("HOME", old_home, 1);
        else
                unsetenv("HOME");
        free(old_xdg);
        free(old_home);
}

/* ---- import ---- */

TEST(import_good) {
        struct hull_vuln_import_stats st;
        struct hull_vuln_db *db = NULL;
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_vuln_db_info info;
        struct skips sk = {0};
        struct hull_diag d;
        struct rows r;
        const char *json;
        size_t len, flen;

        fresh_tmpdir();
        /* the directory is created */
        T_OK(import(tmp("cache/hullscan/osv.db"), DATA "good", NULL, &st, &sk, &d));
        T_EQ(st.files, 8);
        T_EQ(st.records, 7);
        T_EQ(st.added, 7);
        T_EQ(st.withdrawn, 1);
        T_EQ(st.skipped, 0);
        T_EQ(st.ignored, 1); /* more/metadata.json */
        T_EQ(sk.n, 1);
        T_EQ(sk.first_code, HULL_ENOTFOUND);
        T_TRUE(strstr(sk.first_file, "good/more/metadata.json") != NULL);
        /* nothing left beside the database but its lock */
        T_TRUE(access(tmp("cache/hullscan/osv.db.lock"), F_OK) == 0);
        T_TRUE(access(tmp("cache/hullscan/osv.db-journal"), F_OK) != 0);

        hull_diag_init(&d);
        T_OK(hull_vuln_db_open(tmp("cache/hullscan/osv.db"), &db, &d));
        if (!db)
                return;
        T_OK(hull_vuln_db_info(db, &a, &info, &d));
        T_EQ(info.schema_version, HULL_VULN_DB_SCHEMA_VERSION);
        T_EQ(info.records, 7);
        T_EQ(info.withdrawn, 1);
        T_EQ(info.n_ecosystems, 6);
        if (info.n_ecosystems == 6) {
                T_STREQ(info.ecosystems[0].name, "Alpine");
                T_STREQ(info.ecosystems[3].name, "PyPI");
                T_EQ(info.ecosystems[3].records, 2);
                T_STREQ(info.ecosystems[4].name, "crates.io");
                T_EQ(info.ecosystems[4].withdrawn, 1);
        }
        T_TRUE(info.has_import);
        T_EQ(info.imported, NOW);
        T_STREQ(info.source, DATA "good");
        T_EQ(info.last.added, 7);

        /* Debian: one row per release, urgency kept */
        T_EQ(lookup(db, "Debian", "libexample", &r), 2);
        T_STREQ(r.release[0], "11");
        T_STREQ(r.release[1], "12");
        T_STREQ(r.urgency[0], "high");
        T_STREQ(r.ranges[0], "E i:0 f:1.2.3-1+deb11u1");
        /* PyPI: looked up under any spelling PEP 503 folds together */
        T_EQ(lookup(db, "PyPI", "EXAMPLE-web_toolkit", &r), 1);
        T_STREQ(r.ids[0], "HULLTEST-GHSA-aaaa-bbbb-cccc");
        T_STREQ(r.ranges[0], "E i:1.0 f:2.0.1 v:1.0 v:1.1 v:2.0");
        /* GIT ranges keep their tag, not their commits */
        T_EQ(lookup(db, "PyPI", "example.parser", &r), 1);
        T_STREQ(r.ranges[0], "G E i:0 f:0.9 v:0.1 v:0.2 v:0.8.1");
        T_EQ(lookup(db, "npm", "example-merge", &r), 1);
        T_STREQ(r.ranges[0], "S i:0 f:1.0.5 S i:2.0.0 m:3.0.0");
        T_EQ(lookup(db, "Go", "example.org/x/thing", &r), 1);
        T_STREQ(r.ranges[0], "S i:0.3.0 l:0.9.2");
        /* exact names elsewhere; withdrawn records are not looked up */
        T_EQ(lookup(db, "npm", "Example-Merge", &r), 0);
        T_EQ(lookup(db, "crates.io", "example-crate", &r), 0);
        T_EQ(lookup(db, "Debian:11", "libexample", &r), 0);

        /* the rows matching reads: per release, no release always */
        T_EQ(lookup_m(db, "Debian", "11", "libexample", &r), 1);
        T_STREQ(r.ids[0], "HULLTEST-DSA-0001-1");
        T_STREQ(r.release[0], "11");
        T_STREQ(r.urgency[0], "high");
        T_STREQ(r.ranges[0], "E i:0 f:1.2.3-1+deb11u1");
        T_EQ(lookup_m(db, "Debian", "12", "libexample", &r), 1);
        T_STREQ(r.urgency[0], "medium");
        T_EQ(lookup_m(db, "Debian", "10", "libexample", &r), 0);
        T_EQ(lookup_m(db, "Debian", "", "libexample", &r), 0);
        T_EQ(lookup_m(db, "PyPI", "", "EXAMPLE-web_toolkit", &r), 1);
        T_STREQ(r.ranges[0], "E i:1.0 f:2.0.1 v:1.0 v:1.1 v:2.0");
        T_STREQ(r.release[0], "-");
        T_EQ(lookup_m(db, "npm", "", "example-merge", &r), 1);
        T_STREQ(r.ranges[0], "S i:0 f:1.0.5 S i:2.0.0 m:3.0.0");
        T_EQ(lookup_m(db, "crates.io", "", "example-crate", &r), 0); /* withdrawn */

        /* what a match reports of a record, without its JSON */
        struct hull_vuln_db_record_info ri;
        T_OK(hull_vuln_db_record_info(db, "HULLTEST-GHSA-aaaa-bbbb-cccc", 0, &a, &ri, &d));
        T_STREQ(ri.modified, "2024-05-10T08:00:00.123456Z");
        T_STREQ(ri.summary, "Path traversal in Example_Web.Toolkit");
        T_STREQ(ri.severity_label, "HIGH");
        T_STREQ(ri.url, "https://example.org/advisories/HULLTEST-GHSA-aaaa-bbbb-cccc");
        T_EQ(ri.n_aliases, 2);
        if (ri.n_aliases == 2) {
                T_STREQ(ri.aliases[0], "CVE-2099-1000");
                T_STREQ(ri.aliases[1], "PYSEC-2099-1");
        }
        T_EQ(ri.n_related, 0);
        T_EQ(ri.n_severity, 2);
        if (ri.n_severity == 2) {
                T_EQ(ri.severity[0].type, HULL_OSV_SEVERITY_CVSS_V3);
                T_STREQ(ri.severity[1].score,
                        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N");
        }
        T_EQ(ri.n_affected, 0);
        /* by the row a lookup gave, which must hold that record */
        T_EQ(lookup_m(db, "Debian", "11", "libexample", &r), 1);
        T_TRUE(r.rid[0] > 0);
        hull_diag_init(&d);
        T_EQ(hull_vuln_db_record_info(db, "HULLTEST-GHSA-aaaa-bbbb-cccc", r.rid[0], &a, &ri, &d),
             HULL_ECORRUPT);
        T_OK(hull_vuln_db_record_info(db, "HULLTEST-DSA-0001-1", r.rid[0], &a, &ri, &d));
        T_STREQ(ri.summary, "libexample - security update");
        T_TRUE(ri.severity_label == NULL);
        T_EQ(ri.n_related, 2);
        T_EQ(ri.n_aliases, 0);
        hull_diag_init(&d);
        T_EQ(hull_vuln_db_record_info(db, "NOPE-1", 0, &a, &ri, &d), HULL_ENOTFOUND);

        /* the stored JSON is the file, byte for byte */
        char *file = read_all(DATA "good/pypi-ghsa.json", &flen);
        T_OK(hull_vuln_db_record_json(db, "HULLTEST-GHSA-aaaa-bbbb-cccc", &a, &json, &len, &d));
        T_TRUE(file && len == flen && memcmp(json, file, len) == 0);
        hull_free(file);
        hull_diag_init(&d);
        T_EQ(hull_vuln_db_record_json(db, "NOPE-1", &a, &json, &len, &d), HULL_ENOTFOUND);
        const char *v = "x";
        T_OK(hull_vuln_db_meta_get(db, "nothing", &a, &v, &d));
        T_TRUE(v == NULL);

        /* aliases, related, references, severities are stored */
        sqlite3 *s = NULL;
        sqlite3_stmt *q = NULL;
        T_EQ(sqlite3_open_v2(tmp("cache/hullscan/osv.db"), &s, SQLITE_OPEN_READONLY, NULL),
             SQLITE_OK);
        T_EQ(sqlite3_prepare_v2(s,
                                "SELECT (SELECT count(*) FROM aliases), (SELECT count(*) FROM "
                                "related), (SELECT count(*) FROM refs), (SELECT count(*) FROM "
                                "severities), (SELECT severity_label FROM records WHERE id = "
                                "'HULLTEST-GHSA-aaaa-bbbb-cccc'), (SELECT count(*) FROM related "
                                "WHERE kind = 1), (SELECT count(*) FROM records WHERE withdrawn "
                                "IS NOT NULL)",
                                -1, &q, NULL),
             SQLITE_OK);
        T_EQ(sqlite3_step(q), SQLITE_ROW);
        T_EQ(sqlite3_column_int(q, 0), 3);
        T_EQ(sqlite3_column_int(q, 1), 3);
        T_EQ(sqlite3_column_int(q, 2), 6);
        T_EQ(sqlite3_column_int(q, 3), 4);
        T_STREQ((const char *)sqlite3_column_text(q, 4), "HIGH");
        T_EQ(sqlite3_column_int(q, 5), 1);
        T_EQ(sqlite3_column_int(q, 6), 1);
        sqlite3_finalize(q);
        sqlite3_close(s);

        hull_vuln_db_close(db);
        hull_arena_release(&a);
}

TEST(reimport_idempotent) {
        struct hull_vuln_import_stats st;
        struct skips sk = {0};
        struct hull_diag d;

        fresh_tmpdir();
        T_OK(import(tmp("osv.db"), DATA "good", NULL, &st, &sk, &d));
        T_OK(import(tmp("osv.db"), DATA "good", NULL, &st, &sk, &d));
        T_EQ(st.added, 0);
        T_EQ(st.updated, 0);
        T_EQ(st.unchanged, 7);
        /* the same records twice in one import: the first one stays */
        T_OK(import(tmp("two.db"), DATA "good", DATA "good", &st, &sk, &d));
        T_EQ(st.added, 7);
        T_EQ(st.unchanged, 7);
}

TEST(modified_ordering) {
        struct hull_vuln_import_stats st;
        struct hull_vuln_db *db = NULL;
        struct hull_arena a = HULL_ARENA_INIT;
        struct skips sk = {0};
        struct hull_diag d;
        struct rows r;
        const char *json;
        size_t len;

        fresh_tmpdir();
        T_OK(import(tmp("osv.db"), DATA "good", NULL, &st, &sk, &d));
        T_OK(import(tmp("osv.db"), DATA "update", NULL, &st, &sk, &d));
        /* debian-dsa: later modified replaces; pypi-ghsa-old: earlier by 1 us, kept out */
        T_EQ(st.updated, 1);
        T_EQ(st.unchanged, 1);
        T_OK(hull_vuln_db_open(tmp("osv.db"), &db, &d));
        if (!db)
                return;
        T_EQ(lookup(db, "Debian", "libexample", &r), 1); /* the Debian:12 entry went with it */
        T_STREQ(r.ranges[0], "E i:0 f:1.2.3-1+deb11u2");
        /* and so did its package rows */
        T_EQ(lookup_m(db, "Debian", "12", "libexample", &r), 0);
        T_EQ(lookup_m(db, "Debian", "11", "libexample", &r), 1);
        T_STREQ(r.ranges[0], "E i:0 f:1.2.3-1+deb11u2");
        T_OK(hull_vuln_db_record_json(db, "HULLTEST-GHSA-aaaa-bbbb-cccc", &a, &json, &len, &d));
        T_TRUE(strstr(json, "older copy") == NULL);
        T_EQ(lookup(db, "PyPI", "example-web-toolkit", &r), 1);
        T_STREQ(r.ranges[0], "E i:1.0 f:2.0.1 v:1.0 v:1.1 v:2.0");
        hull_vuln_db_close(db);
        /* importing the old copies again changes nothing */
        T_OK(import(tmp("osv.db"), DATA "good", NULL, &st, &sk, &d));
        T_EQ(st.updated, 0);
        T_EQ(st.unchanged, 7);
        hull_arena_release(&a);
}

TEST(withdrawn_update) {
        static const char v1[] =
                "{\"id\":\"W-1\",\"modified\":\"2024-01-01T00:00:00Z\","
                "\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"w\"},"
                "\"versions\":[\"1.0.0\"]}]}";
        static const char v2[] =
                "{\"id\":\"W-1\",\"modified\":\"2024-02-01T00:00:00Z\","
                "\"withdrawn\":\"2024-02-01T00:00:00Z\","
                "\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"w\"},"
                "\"versions\":[\"1.0.0\"]}]}";
        struct hull_vuln_import_stats st;
        struct hull_vuln_db *db = NULL;
        struct skips sk = {0};
        struct hull_diag d;
        struct rows r;

        fresh_tmpdir();
        write_file(tmp("v1.json"), v1, strlen(v1));
        write_file(tmp("v2.json"), v2, strlen(v2));
        T_OK(import(tmp("osv.db"), tmp("v1.json"), NULL, &st, &sk, &d));
        T_OK(hull_vuln_db_open(tmp("osv.db"), &db, &d));
        T_EQ(db ? lookup(db, "npm", "w", &r) : 9, 1);
        T_EQ(db ? lookup_m(db, "npm", "", "w", &r) : 9, 1);
        hull_vuln_db_close(db);
        T_OK(import(tmp("osv.db"), tmp("v2.json"), NULL, &st, &sk, &d));
        T_EQ(st.updated, 1);
        T_EQ(st.withdrawn, 1);
        T_OK(hull_vuln_db_open(tmp("osv.db"), &db, &d));
        T_EQ(db ? lookup(db, "npm", "w", &r) : 9, 0);
        T_EQ(db ? lookup_m(db, "npm", "", "w", &r) : 9, 0);
        hull_vuln_db_close(db);
}

TEST(malformed_skipped) {
        struct hull_vuln_import_stats st;
        struct skips sk = {0};
        struct hull_diag d;

        fresh_tmpdir();
        T_OK(import(tmp("osv.db"), DATA "bad", DATA "good", &st, &sk, &d));
        T_EQ(st.skipped, 26);
        T_EQ(st.added, 7);
        T_EQ(sk.n, 27); /* 26 skipped + 1 ignored */
        /* in name order: alias-number.json first; file and JSON path named */
        T_TRUE(strstr(sk.first, "bad/alias-number.json: aliases[1]: expected a string") != NULL);
        T_TRUE(strstr(sk.first_file, "bad/alias-number.json") != NULL);

        /* truncated JSON alone */
        memset(&sk, 0, sizeof(sk));
        T_OK(import(tmp("osv.db"), DATA "bad/truncated.json", NULL, &st, &sk, &d));
        T_EQ(st.skipped, 1);
        T_TRUE(strstr(sk.first_file, "truncated.json") != NULL);

        /* a record too large is skipped without being read */
        char *big = hull_malloc(HULL_MAX_OSV_RECORD_BYTES + 2);
        T_TRUE(big != NULL);
        if (big) {
                memset(big, ' ', HULL_MAX_OSV_RECORD_BYTES + 2);
                write_file(tmp("big.json"), big, HULL_MAX_OSV_RECORD_BYTES + 2);
                hull_free(big);
        }
        memset(&sk, 0, sizeof(sk));
        T_OK(import(tmp("osv.db"), tmp("big.json"), NULL, &st, &sk, &d));
        T_EQ(st.skipped, 1);
        T_TRUE(strstr(sk.first, "record of 8388610 bytes, more than the limit") != NULL);
}

TEST(dead_inputs_change_nothing) {
        struct hull_vuln_import_stats st;
        struct skips sk = {0};
        struct hull_diag d;

        fresh_tmpdir();
        T_OK(import(tmp("osv.db"), DATA "good", NULL, &st, &sk, &d));
        {
                size_t n;
                char *orig = read_all(tmp("osv.db"), &n);
                if (orig)
                        write_file(tmp("copy.db"), orig, n);
                hull_free(orig);
        }
        /* a missing path fails the whole import, after good records */
        T_EQ(import(tmp("osv.db"), DATA "update", tmp("missing.json"), &st, &sk, &d), HULL_EIO);
        T_TRUE(strstr(d.msg, "cannot open") && strstr(d.msg, "missing.json"));
        T_EQ(d.saved_errno, ENOENT);
        T_EQ(st.updated, 1); /* counted, never written */
        T_TRUE(same_file(tmp("osv.db"), tmp("copy.db")));
        /* no temporary file is left behind */
        char tmpname[64];
        snprintf(tmpname, sizeof(tmpname), "osv.db.tmp-%ld", (long)getpid());
        T_TRUE(access(tmp(tmpname), F_OK) != 0);
}

TEST(stale_tmp_and_lock) {
        struct hull_vuln_import_stats st;
        struct skips sk = {0};
        struct hull_diag d;

        fresh_tmpdir();
        /* a crashed writer's copy is removed by the next import */
        write_file(tmp("osv.db.tmp-999999"), "half", 4);
        write_file(tmp("osv.db.tmp-notapid"), "keep", 4);
        T_OK(import(tmp("osv.db"), DATA "good", NULL, &st, &sk, &d));
        T_TRUE(access(tmp("osv.db.tmp-999999"), F_OK) != 0);
        T_TRUE(access(tmp("osv.db.tmp-notapid"), F_OK) == 0);
        /* a second writer is refused while the first holds the lock */
        int fd = open(tmp("osv.db.lock"), O_RDWR | O_CLOEXEC);
        T_TRUE(fd >= 0);
        T_OK(flock(fd, LOCK_EX));
        struct hull_vuln_db_writer *w = NULL;
        hull_diag_init(&d);
        T_EQ(hull_vuln_db_writer_begin(tmp("osv.db"), NOW, &w, &d), HULL_EIO);
        T_TRUE(strstr(d.msg, "being updated by another hullscan") != NULL);
        close(fd);
        /* the writer API: add a record from memory, set meta, commit */
        hull_diag_init(&d);
        T_OK(hull_vuln_db_writer_begin(tmp("osv.db"), NOW, &w, &d));
        if (!w)
                return;
        static const char rec[] = "{\"id\":\"M-1\",\"modified\":\"2024-01-01T00:00:00Z\"}";
        T_OK(hull_vuln_db_writer_add_record(w, rec, strlen(rec), "mem", &d));
        T_OK(hull_vuln_db_writer_add_record(w, "{", 1, "mem2", &d)); /* counted */
        T_EQ(hull_vuln_db_writer_stats(w)->added, 1);
        T_EQ(hull_vuln_db_writer_stats(w)->skipped, 1);
        T_OK(hull_vuln_db_writer_set_meta(w, "etag", "\"abc\"", &d));
        T_OK(hull_vuln_db_writer_commit(w, "memory", &d));
        struct hull_vuln_db *db = NULL;
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_vuln_db_info info;
        const char *v = NULL;
        T_OK(hull_vuln_db_open(tmp("osv.db"), &db, &d));
        if (db) {
                T_OK(hull_vuln_db_meta_get(db, "etag", &a, &v, &d));
                T_STREQ(v, "\"abc\"");
                T_OK(hull_vuln_db_info(db, &a, &info, &d));
                T_EQ(info.records, 8);
                T_STREQ(info.source, "memory");
        }
        hull_vuln_db_close(db);
        hull_arena_release(&a);
        /* a writer freed without commit leaves the database as it was */
        size_t n;
        char *before = read_all(tmp("osv.db"), &n);
        T_OK(hull_vuln_db_writer_begin(tmp("osv.db"), NOW, &w, &d));
        T_OK(hull_vuln_db_writer_add_path(w, DATA "update", &d));
        hull_vuln_db_writer_free(w);
        if (before)
                write_file(tmp("before.db"), before, n);
        hull_free(before);
        T_TRUE(same_file(tmp("osv.db"), tmp("before.db")));
}

/* ---- damaged databases ---- */

TEST(read_only_database) {
        struct hull_vuln_import_stats st;
        struct skips sk = {0};
        struct hull_diag d;
        struct hull_vuln_db *db = NULL;

        fresh_tmpdir();
        T_OK(import(tmp("osv.db"), DATA "good", NULL, &st, &sk, &d));
        T_OK(chmod(tmp("osv.db"), 0444));
        T_EQ(import(tmp("osv.db"), DATA "update", NULL, &st, &sk, &d), HULL_EIO);
        T_TRUE(strstr(d.msg, "is read-only") != NULL);
        /* reading works */
        hull_diag_init(&d);
        T_OK(hull_vuln_db_open(tmp("osv.db"), &db, &d));
        hull_vuln_db_close(db);
        T_OK(chmod(tmp("osv.db"), 0644));
}

TEST(corrupt_database) {
        static const char junk[] = "this is not a database, just text\n";
        struct hull_vuln_import_stats st;
        struct skips sk = {0};
        struct hull_diag d;
        struct hull_vuln_db *db = NULL;
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_vuln_db_info info;
        char *data;
        size_t n;

        fresh_tmpdir();
        write_file(tmp("junk.db"), junk, strlen(junk));
        hull_diag_init(&d);
        T_EQ(hull_vuln_db_open(tmp("junk.db"), &db, &d), HULL_ECORRUPT);
        T_TRUE(strstr(d.msg, "is not a hullscan OSV database (file is not a database)") != NULL);
        T_EQ(import(tmp("junk.db"), DATA "good", NULL, &st, &sk, &d), HULL_ECORRUPT);
        data = read_all(tmp("junk.db"), &n);
        T_TRUE(data && n == strlen(junk) && memcmp(data, junk, n) == 0);
        hull_free(data);

        /* missing: not found */
        hull_diag_init(&d);
        T_EQ(hull_vuln_db_open(tmp("none.db"), &db, &d), HULL_ENOTFOUND);
        T_TRUE(strstr(d.msg, "run 'hullscan db import'") != NULL);

        /* an empty file is an empty database: refused for reading, filled by import */
        write_file(tmp("empty.db"), "", 0);
        hull_diag_init(&d);
        T_EQ(hull_vuln_db_open(tmp("empty.db"), &db, &d), HULL_ECORRUPT);
        T_OK(import(tmp("empty.db"), DATA "good", NULL, &st, &sk, &d));

        /* a database cut in half: a clean error somewhere, never a crash */
        T_OK(import(tmp("osv.db"), DATA "good", NULL, &st, &sk, &d));
        data = read_all(tmp("osv.db"), &n);
        if (data) {
                write_file(tmp("half.db"), data, n / 2);
                /* and one with its pages overwritten */
                for (size_t i = 4096; i < n; i += 7)
                        data[i] = (char)(data[i] ^ 0x5a);
                write_file(tmp("scrambled.db"), data, n);
        }
        hull_free(data);
        const char *damaged[] = {"half.db", "scrambled.db"};
        for (size_t k = 0; k < 2; k++) {
                struct rows r;
                int code;
                hull_diag_init(&d);
                code = hull_vuln_db_open(tmp(damaged[k]), &db, &d);
                if (code == HULL_OK) {
                        code = hull_vuln_db_info(db, &a, &info, &d);
                        if (code == HULL_OK)
                                (void)lookup(db, "PyPI", "example-web-toolkit", &r);
                        hull_vuln_db_close(db);
                }
                if (code != HULL_OK && code != HULL_ECORRUPT)
                        T_FAIL_AT("%s: code %d: %s", damaged[k], code, d.msg);
                /* importing into it fails cleanly or works; the result opens */
                code = import(tmp(damaged[k]), DATA "good", NULL, &st, &sk, &d);
                if (code != HULL_OK && code != HULL_ECORRUPT)
                        T_FAIL_AT("%s: import code %d: %s", damaged[k], code, d.msg);
        }
        hull_arena_release(&a);
}

/* Bytes that are no database, a database cut short at several places, and
 * one whose header is SQLite's and the rest noise: a clear error naming
 * the file, and an import into them changes nothing.  A copy cut inside its
 * last pages once opened and matched nothing, silently: SQLite reads the
 * missing bytes as zeros, so the package_rows root page looked empty. */
TEST(corrupt_database_bytes) {
        struct hull_vuln_import_stats st;
        struct skips sk = {0};
        struct hull_diag d;
        struct hull_vuln_db *db = NULL;
        uint64_t x = 0x9e3779b97f4a7c15ull;
        char *data, *noise;
        size_t n;

        fresh_tmpdir();
        noise = hull_malloc(65536);
        if (!noise)
                return;
        for (size_t i = 0; i < 65536; i++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                noise[i] = (char)(x >> 24);
        }
        write_file(tmp("random.db"), noise, 65536);
        memcpy(noise, "SQLite format 3", 16);
        write_file(tmp("header-then-noise.db"), noise, 65536);
        hull_free(noise);
        T_OK(import(tmp("osv.db"), DATA "good", NULL, &st, &sk, &d));
        data = read_all(tmp("osv.db"), &n);
        T_TRUE(data && n > 3 * 16384);
        if (!data)
                return;
        /* the header alone, one page less, inside the last page, one byte */
        const size_t cuts[] = {100, n - 16384, n - 16384 / 3, n - 1};
        const char *names[] = {"cut-100.db", "cut-page.db", "cut-inside.db", "cut-1.db"};
        for (size_t i = 0; i < ELEMENTSOF(cuts); i++) {
                write_file(tmp(names[i]), data, cuts[i]);
                hull_diag_init(&d);
                T_EQ(hull_vuln_db_open(tmp(names[i]), &db, &d), HULL_ECORRUPT);
                db = hull_vuln_db_close(db);
                if (!strstr(d.msg, "is damaged (truncated: ") || !strstr(d.msg, names[i]))
                        T_FAIL_AT("%s: %s", names[i], d.msg);
                T_EQ(import(tmp(names[i]), DATA "update", NULL, &st, &sk, &d), HULL_ECORRUPT);
                size_t m;
                char *after = read_all(tmp(names[i]), &m);
                T_TRUE(after && m == cuts[i] && memcmp(after, data, m) == 0);
                hull_free(after);
        }
        /* longer than the header says: SQLite ignores the tail, so do we */
        write_file(tmp("longer.db"), data, n);
        FILE *f = fopen(tmp("longer.db"), "ab");
        T_TRUE(f && fwrite("tail", 1, 4, f) == 4 && fclose(f) == 0);
        hull_diag_init(&d);
        T_OK(hull_vuln_db_open(tmp("longer.db"), &db, &d));
        db = hull_vuln_db_close(db);
        hull_free(data);

        const char *junk[] = {"random.db", "header-then-noise.db"};
        for (size_t i = 0; i < ELEMENTSOF(junk); i++) {
                hull_diag_init(&d);
                T_EQ(hull_vuln_db_open(tmp(junk[i]), &db, &d), HULL_ECORRUPT);
                db = hull_vuln_db_close(db);
                if (!strstr(d.msg, "is not a hullscan OSV database") || !strstr(d.msg, junk[i]))
                        T_FAIL_AT("%s: %s", junk[i], d.msg);
                T_EQ(import(tmp(junk[i]), DATA "good", NULL, &st, &sk, &d), HULL_ECORRUPT);
                size_t m;
                char *after = read_all(tmp(junk[i]), &m);
                T_TRUE(after && m == 65536);
                hull_free(after);
        }
}

static void set_pragma(const char *path, const char *sql) {
        sqlite3 *s = NULL;

        if (sqlite3_open(path, &s) != SQLITE_OK ||
            sqlite3_exec(s, sql, NULL, NULL, NULL) != SQLITE_OK)
                printf("# %s: %s\n", sql, sqlite3_errmsg(s));
        sqlite3_close(s);
}

TEST(newer_schema_refused) {
        struct hull_vuln_import_stats st;
        struct skips sk = {0};
        struct hull_diag d;
        struct hull_vuln_db *db = NULL;
        size_t n;

        fresh_tmpdir();
        T_OK(import(tmp("osv.db"), DATA "good", NULL, &st, &sk, &d));
        set_pragma(tmp("osv.db"), "PRAGMA user_version = 99");
        hull_diag_init(&d);
        T_EQ(hull_vuln_db_open(tmp("osv.db"), &db, &d), HULL_EUNSUPPORTED);
        T_TRUE(strstr(d.msg, "schema version 99, newer than this hullscan supports (3)") != NULL);
        char *before = read_all(tmp("osv.db"), &n);
        T_EQ(import(tmp("osv.db"), DATA "update", NULL, &st, &sk, &d), HULL_EUNSUPPORTED);
        char *after = read_all(tmp("osv.db"), &n);
        T_TRUE(before && after && memcmp(before, after, n) == 0);
        hull_free(before);
        hull_free(after);

        /* someone else's SQLite database is not ours to replace */
        set_pragma(tmp("other.db"), "CREATE TABLE t(x); PRAGMA application_id = 42");
        hull_diag_init(&d);
        T_EQ(hull_vuln_db_open(tmp("other.db"), &db, &d), HULL_ECORRUPT);
        T_TRUE(strstr(d.msg, "not a hullscan OSV database") != NULL);
        T_EQ(import(tmp("other.db"), DATA "good", NULL, &st, &sk, &d), HULL_ECORRUPT);
        /* an older schema (2: before package_rows): readers refuse it, the
         * next import rebuilds it */
        fresh_tmpdir();
        T_OK(import(tmp("osv.db"), DATA "good", NULL, &st, &sk, &d));
        set_pragma(tmp("osv.db"), "PRAGMA user_version = 2");
        hull_diag_init(&d);
        T_EQ(hull_vuln_db_open(tmp("osv.db"), &db, &d), HULL_EUNSUPPORTED);
        T_TRUE(strstr(d.msg, "schema version 2, older than this hullscan's (3): run "
                             "'hullscan db update' or 'hullscan db import'") != NULL);
        T_OK(import(tmp("osv.db"), DATA "good", NULL, &st, &sk, &d));
        T_TRUE(st.added > 0 && st.unchanged == 0);
        T_OK(hull_vuln_db_open(tmp("osv.db"), &db, &d));
        db = hull_vuln_db_close(db);
        /* ours, with a schema version of 0 */
        set_pragma(tmp("zero.db"), "CREATE TABLE t(x); PRAGMA application_id = 1213549644");
        hull_diag_init(&d);
        T_EQ(hull_vuln_db_open(tmp("zero.db"), &db, &d), HULL_ECORRUPT);
}

/* ---- zip archives ---- */

/* A zip of the named files (path inside the archive = base name), plus an
 * optional extra entry of n bytes of c. */
static bool make_zip(const char *out, const char *const *files, size_t nfiles, const char *extra,
                     size_t extra_n, char c) {
        struct archive *a = archive_write_new();
        struct archive_entry *e = archive_entry_new();
        bool ok = a && e && archive_write_set_format_zip(a) == ARCHIVE_OK &&
                  archive_write_open_filename(a, out) == ARCHIVE_OK;

        for (size_t i = 0; ok && i < nfiles; i++) {
                size_t n;
                char *data = read_all(files[i], &n);
                const char *base = strrchr(files[i], '/');
                archive_entry_clear(e);
                archive_entry_set_pathname(e, base ? base + 1 : files[i]);
                archive_entry_set_filetype(e, AE_IFREG);
                archive_entry_set_perm(e, 0644);
                archive_entry_set_size(e, (la_int64_t)n);
                ok = data && archive_write_header(a, e) == ARCHIVE_OK &&
                     archive_write_data(a, data, n) == (la_ssize_t)n;
                hull_free(data);
        }
        if (ok) {
                /* a directory and a non-JSON file: passed over */
                archive_entry_clear(e);
                archive_entry_set_pathname(e, "docs/");
                archive_entry_set_filetype(e, AE_IFDIR);
                archive_entry_set_perm(e, 0755);
                ok = archive_write_header(a, e) == ARCHIVE_OK;
                archive_entry_clear(e);
                archive_entry_set_pathname(e, "docs/README.txt");
                archive_entry_set_filetype(e, AE_IFREG);
                archive_entry_set_perm(e, 0644);
                archive_entry_set_size(e, 3);
                ok = ok && archive_write_header(a, e) == ARCHIVE_OK &&
                     archive_write_data(a, "hi\n", 3) == 3;
        }
        if (ok && extra) {
                char *buf = hull_malloc(1u << 20);
                archive_entry_clear(e);
                archive_entry_set_pathname(e, extra);
                archive_entry_set_filetype(e, AE_IFREG);
                archive_entry_set_perm(e, 0644);
                archive_entry_set_size(e, (la_int64_t)extra_n);
                ok = buf && archive_write_header(a, e) == ARCHIVE_OK;
                if (buf)
                        memset(buf, c, 1u << 20);
                for (size_t done = 0; ok && done < extra_n;) {
                        size_t k = extra_n - done < (1u << 20) ? extra_n - done : (1u << 20);
                        ok = archive_write_data(a, buf, k) == (la_ssize_t)k;
                        done += k;
                }
                hull_free(buf);
        }
        if (a) {
                ok = archive_write_close(a) == ARCHIVE_OK && ok;
                archive_write_free(a);
        }
        archive_entry_free(e);
        return ok;
}

static const char *const good_files[] = {
        DATA "good/debian-dsa.json",    DATA "good/pypi-ghsa.json",
        DATA "good/go-stdlib.json",     DATA "good/npm-limit.json",
        DATA "good/withdrawn.json",     DATA "good/more/alpine.json",
        DATA "good/more/pypi-git.json", DATA "good/more/metadata.json",
};

TEST(zip_import) {
        struct hull_vuln_import_stats st;
        struct hull_vuln_db *db = NULL;
        struct skips sk = {0};
        struct hull_diag d;
        struct rows r;

        fresh_tmpdir();
        T_TRUE(make_zip(tmp("all.zip"), good_files, ELEMENTSOF(good_files), NULL, 0, 0));
        /* told by its bytes, not its name */
        T_OK(rename(tmp("all.zip"), tmp("all.bin")));
        T_OK(import(tmp("osv.db"), tmp("all.bin"), NULL, &st, &sk, &d));
        T_EQ(st.files, 8);
        T_EQ(st.added, 7);
        T_EQ(st.ignored, 1);
        T_OK(hull_vuln_db_open(tmp("osv.db"), &db, &d));
        T_EQ(db ? lookup(db, "Alpine", "example-origin", &r) : 0, 2);
        hull_vuln_db_close(db);
        /* again, from a directory holding the zip: nothing new */
        T_OK(mkdir(tmp("dir"), 0755));
        T_OK(rename(tmp("all.bin"), tmp("dir/all.zip")));
        T_OK(import(tmp("osv.db"), tmp("dir"), NULL, &st, &sk, &d));
        T_EQ(st.unchanged, 7);
        /* names inside the archive appear in messages */
        const char *bad[] = {DATA "bad/event-unknown.json"};
        T_TRUE(make_zip(tmp("bad.zip"), bad, 1, NULL, 0, 0));
        memset(&sk, 0, sizeof(sk));
        T_OK(import(tmp("osv.db"), tmp("bad.zip"), NULL, &st, &sk, &d));
        T_EQ(st.skipped, 1);
        T_TRUE(strstr(sk.first, "bad.zip:event-unknown.json: affected[0].ranges[0].events[1]") !=
               NULL);
        /* an empty archive */
        T_TRUE(make_zip(tmp("empty.zip"), NULL, 0, NULL, 0, 0));
        T_OK(import(tmp("osv.db"), tmp("empty.zip"), NULL, &st, &sk, &d));
        T_EQ(st.files, 0);
}

TEST(zip_bomb) {
        struct hull_vuln_import_stats st;
        struct skips sk = {0};
        struct hull_diag d;
        size_t n;

        fresh_tmpdir();
        /* one entry of 16 MiB: larger than a record may be, skipped unread */
        T_TRUE(make_zip(tmp("big.zip"), good_files, 2, "huge.json", 16u << 20, ' '));
        memset(&sk, 0, sizeof(sk));
        T_OK(import(tmp("osv.db"), tmp("big.zip"), NULL, &st, &sk, &d));
        T_EQ(st.skipped, 1);
        T_EQ(st.added, 2);
        T_TRUE(strstr(sk.first, "big.zip:huge.json: record of 16777216 bytes") != NULL);
        char *before = read_all(tmp("osv.db"), &n);
        if (before)
                write_file(tmp("before.db"), before, n);
        hull_free(before);

        /* many entries that inflate far beyond the archive's size: stopped */
        struct archive *a = archive_write_new();
        struct archive_entry *e = archive_entry_new();
        char *buf = hull_malloc(4u << 20);
        bool ok = a && e && buf && archive_write_set_format_zip(a) == ARCHIVE_OK &&
                  archive_write_open_filename(a, tmp("bomb.zip")) == ARCHIVE_OK;
        if (buf)
                memset(buf, ' ', 4u << 20);
        for (int i = 0; ok && i < 20; i++) {
                char name[32];
                snprintf(name, sizeof(name), "r%03d.json", i);
                archive_entry_clear(e);
                archive_entry_set_pathname(e, name);
                archive_entry_set_filetype(e, AE_IFREG);
                archive_entry_set_perm(e, 0644);
                archive_entry_set_size(e, 4 << 20);
                ok = archive_write_header(a, e) == ARCHIVE_OK &&
                     archive_write_data(a, buf, 4u << 20) == (la_ssize_t)(4u << 20);
        }
        if (a) {
                ok = archive_write_close(a) == ARCHIVE_OK && ok;
                archive_write_free(a);
        }
        archive_entry_free(e);
        hull_free(buf);
        T_TRUE(ok);
        T_EQ(import(tmp("osv.db"), tmp("bomb.zip"), NULL, &st, &sk, &d), HULL_ELIMIT);
        T_TRUE(strstr(d.msg, "likely zip bomb") != NULL);
        T_TRUE(st.files < 20);
        T_TRUE(same_file(tmp("osv.db"), tmp("before.db")));

        /* an end record claiming millions of entries (zip64): refused before
         * libarchive builds its list */
        unsigned char z[22 + 20 + 56] = {0};
        memcpy(z, "PK\x06\x06", 4);               /* zip64 end of central directory */
        z[4] = 44;                                /* its size */
        z[32] = 0x81, z[33] = 0x84, z[34] = 0x1e; /* entries: 2,000,001 */
        memcpy(z + 56, "PK\x06\x07", 4);          /* locator: the record is at 0 */
        memcpy(z + 76, "PK\x05\x06", 4);          /* classic end record */
        memset(z + 76 + 8, 0xff, 4);              /* entry counts: see zip64 */
        memset(z + 76 + 12, 0xff, 8);
        write_file(tmp("many.zip"), z, sizeof(z)); /* no local header: told by its name */
        T_EQ(import(tmp("osv.db"), tmp("many.zip"), NULL, &st, &sk, &d), HULL_ELIMIT);
        T_TRUE(strstr(d.msg, "entries, more than the limit of 2000000") != NULL);
        T_TRUE(same_file(tmp("osv.db"), tmp("before.db")));
}

TEST(corrupt_zip) {
        struct hull_vuln_import_stats st;
        struct skips sk = {0};
        struct hull_diag d;
        char *data;
        size_t n;

        fresh_tmpdir();
        T_TRUE(make_zip(tmp("all.zip"), good_files, ELEMENTSOF(good_files), NULL, 0, 0));
        data = read_all(tmp("all.zip"), &n);
        T_TRUE(data != NULL);
        if (!data)
                return;
        /* truncated: no end record */
        write_file(tmp("cut.zip"), data, n / 2);
        T_EQ(import(tmp("osv.db"), tmp("cut.zip"), NULL, &st, &sk, &d), HULL_ECORRUPT);
        T_TRUE(strstr(d.msg, "corrupt zip archive") && strstr(d.msg, "cut.zip"));
        T_TRUE(access(tmp("osv.db"), F_OK) != 0); /* nothing was written */
        /* only the magic */
        write_file(tmp("magic.zip"), "PK\x03\x04", 4);
        T_EQ(import(tmp("osv.db"), tmp("magic.zip"), NULL, &st, &sk, &d), HULL_ECORRUPT);
        /* damaged bytes everywhere but the end record: an error or skips, never a crash */
        for (size_t i = 30; i + 22 < n; i += 13)
                data[i] = (char)(data[i] ^ 0xa5);
        write_file(tmp("scrambled.zip"), data, n);
        int code = import(tmp("osv.db"), tmp("scrambled.zip"), NULL, &st, &sk, &d);
        T_TRUE(code == HULL_OK || code == HULL_ECORRUPT);
        /* an end record pointing outside the file */
        memset(data + n - 22 + 16, 0x7f, 4);
        write_file(tmp("badcd.zip"), data, n);
        code = import(tmp("osv.db2"), tmp("badcd.zip"), NULL, &st, &sk, &d);
        T_TRUE(code == HULL_OK || code == HULL_ECORRUPT);
        hull_free(data);
}

/* ---- imports in a child process: peak memory, another user ---- */

/* The resident set in KiB now (statm), and at its peak (getrusage). */
static long rss_now_kib(void) {
        long pages = 0, resident = 0;
        FILE *f = fopen("/proc/self/statm", "r");

        if (f) {
                if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
                        resident = 0;
                fclose(f);
        }
        return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

struct child_import {
        int code;
        struct hull_vuln_import_stats st;
        char first[600];
        long rss_kib; /* peak minus what the child started with */
};

/* Import path into db in a child (so that its peak memory is the import's
 * alone); false when the child could not run. */
static bool import_in_child(const char *db, const char *path, struct child_import *ret) {
        int fd[2];
        pid_t pid;

        memset(ret, 0, sizeof(*ret));
        fflush(stdout);
        if (pipe(fd) != 0 || (pid = fork()) < 0)
                return false;
        if (pid == 0) {
                struct child_import c = {0};
                struct skips sk = {0};
                struct hull_diag d;
                struct rusage ru;
                long base = rss_now_kib();
                close(fd[0]);
                c.code = import(db, path, NULL, &c.st, &sk, &d);
                snprintf(c.first, sizeof(c.first), "%s", c.code ? d.msg : sk.first);
                c.rss_kib = getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss - base : -1;
                _exit(write(fd[1], &c, sizeof(c)) == (ssize_t)sizeof(c) ? 0 : 1);
        }
        close(fd[1]);
        bool ok = read(fd[0], ret, sizeof(*ret)) == (ssize_t)sizeof(*ret);
        close(fd[0]);
        int status;
        return waitpid(pid, &status, 0) == pid && ok && WIFEXITED(status) &&
               WEXITSTATUS(status) == 0;
}

/* A record of 100 MB as a file of an import directory and as a member of a
 * zip archive: skipped unread, counted, named in the message, and the
 * import's peak memory stays far below the record's size. */
TEST(record_of_100_mb) {
        const uint64_t huge = 100u << 20;
        struct child_import c;
        char *rec;
        size_t n;
        int fd;

        fresh_tmpdir();
        T_OK(mkdir(tmp("dir"), 0755));
        rec = read_all(DATA "good/debian-dsa.json", &n);
        if (rec)
                write_file(tmp("dir/debian-dsa.json"), rec, n);
        hull_free(rec);
        /* sparse: costs no disk, and is read only if the size check fails */
        fd = open(tmp("dir/huge.json"), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        T_TRUE(fd >= 0 && ftruncate(fd, (off_t)huge) == 0);
        if (fd >= 0)
                close(fd);
        T_TRUE(import_in_child(tmp("dir.db"), tmp("dir"), &c));
        T_OK(c.code);
        T_EQ(c.st.files, 2);
        T_EQ(c.st.added, 1);
        T_EQ(c.st.skipped, 1);
        T_TRUE(strstr(c.first, "/dir/huge.json: record of 104857600 bytes, more than the limit "
                               "of 8388608") != NULL);
        printf("# directory: peak RSS %ld KiB above the start\n", c.rss_kib);
        T_TRUE(c.rss_kib >= 0 && c.rss_kib < 48 * 1024);

        /* 100 MB of blanks deflate to 100 KB */
        T_TRUE(make_zip(tmp("all.zip"), good_files, 2, "huge.json", huge, ' '));
        T_TRUE(import_in_child(tmp("zip.db"), tmp("all.zip"), &c));
        T_OK(c.code);
        T_EQ(c.st.added, 2);
        T_EQ(c.st.skipped, 1);
        T_TRUE(strstr(c.first, "all.zip:huge.json: record of 104857600 bytes, more than the "
                               "limit of 8388608") != NULL);
        printf("# all.zip: peak RSS %ld KiB above the start\n", c.rss_kib);
        T_TRUE(c.rss_kib >= 0 && c.rss_kib < 48 * 1024);

        /* the same member with headers understating its size (1000 bytes,
         * in its local header and in the central directory): read, and cut
         * at the limit */
        size_t n_zip, patched = 0;
        unsigned char *z = (unsigned char *)read_all(tmp("all.zip"), &n_zip);
        for (size_t i = 0; z && i + 46 + 9 <= n_zip; i++) {
                bool local = memcmp(z + i, "PK\x03\x04", 4) == 0;
                bool central = memcmp(z + i, "PK\x01\x02", 4) == 0;
                size_t name = local ? 26 : 28, size = local ? 22 : 24;
                if ((local || central) && z[i + name] == 9 && z[i + name + 1] == 0 &&
                    memcmp(z + i + (local ? 30 : 46), "huge.json", 9) == 0 &&
                    memcmp(z + i + size, "\xff\xff\xff\xff", 4) != 0) {
                        memcpy(z + i + size, "\xe8\x03\0\0", 4);
                        patched++;
                }
        }
        T_EQ(patched, 2);
        if (z)
                write_file(tmp("liar.zip"), z, n_zip);
        hull_free(z);
        T_TRUE(import_in_child(tmp("liar.db"), tmp("liar.zip"), &c));
        T_OK(c.code);
        T_EQ(c.st.added, 2);
        T_EQ(c.st.skipped, 1);
        T_TRUE(strstr(c.first, "liar.zip:huge.json: record larger than the limit of 8388608 "
                               "bytes") != NULL);
        printf("# all.zip, size understated: peak RSS %ld KiB above the start\n", c.rss_kib);
        T_TRUE(c.rss_kib >= 0 && c.rss_kib < 48 * 1024);
}

/* Records of ecosystems hullscan has no version order for are stored and
 * counted like any other (db info lists them; a later hullscan may match
 * them), never matched: a package of such an ecosystem is counted as not
 * checked (match.h), whatever the database holds for it. */
TEST(unknown_ecosystem_records) {
        static const char hex[] =
                "{\"id\":\"U-1\",\"modified\":\"2024-01-01T00:00:00Z\","
                "\"affected\":[{\"package\":{\"ecosystem\":\"Hex\",\"name\":\"plug\"},"
                "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},"
                "{\"fixed\":\"1.2.0\"}]}]}]}";
        static const char made_up[] =
                "{\"id\":\"U-2\",\"modified\":\"2024-01-01T00:00:00Z\","
                "\"affected\":[{\"package\":{\"ecosystem\":\"No Such Ecosystem:7\","
                "\"name\":\"thing\"},\"versions\":[\"1.0\"]}]}";
        const struct hull_vuln_package p[] = {
                {.ecosystem = "Hex", .name = "plug", .version = "1.0.0"},
                {.ecosystem = "No Such Ecosystem",
                 .release = "7",
                 .name = "thing",
                 .version = "1.0"},
        };
        struct hull_vuln_db_writer *w = NULL;
        struct hull_vuln_db *db = NULL;
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_vuln_db_info info;
        struct hull_vuln_matches m;
        struct hull_diag d;
        struct rows r;

        fresh_tmpdir();
        hull_diag_init(&d);
        T_OK(hull_vuln_db_writer_begin(tmp("osv.db"), NOW, &w, &d));
        if (!w)
                return;
        T_OK(hull_vuln_db_writer_add_record(w, hex, strlen(hex), "hex.json", &d));
        T_OK(hull_vuln_db_writer_add_record(w, made_up, strlen(made_up), "made-up.json", &d));
        T_EQ(hull_vuln_db_writer_stats(w)->added, 2);
        T_EQ(hull_vuln_db_writer_stats(w)->skipped, 0);
        T_OK(hull_vuln_db_writer_commit(w, "memory", &d));
        T_OK(hull_vuln_db_open(tmp("osv.db"), &db, &d));
        if (!db)
                return;
        T_OK(hull_vuln_db_info(db, &a, &info, &d));
        T_EQ(info.n_ecosystems, 2);
        if (info.n_ecosystems == 2) {
                T_STREQ(info.ecosystems[0].name, "Hex");
                T_STREQ(info.ecosystems[1].name, "No Such Ecosystem");
        }
        T_EQ(lookup(db, "Hex", "plug", &r), 1);
        T_STREQ(r.ranges[0], "E i:0 f:1.2.0");
        T_EQ(lookup_m(db, "No Such Ecosystem", "7", "thing", &r), 1);
        T_OK(hull_vuln_match(db, p, ELEMENTSOF(p), &a, &m, &d));
        T_EQ(m.n, 0);
        T_EQ(m.stats.unknown, 2);
        T_EQ(m.stats.n_unknown_ecosystems, 2);
        hull_vuln_db_close(db);
        hull_arena_release(&a);
}

/* A database in a directory the importer may not write: as another user
 * (nobody, when the tests run as root, who may write anywhere), the
 * import is refused naming what it could not create, the database is
 * left as it was, and reading it works.  A read-only file system is
 * tests/vuln/update.sh's. */
TEST(read_only_directory) {
        struct hull_vuln_import_stats st;
        struct skips sk = {0};
        struct hull_diag d;
        pid_t pid;
        size_t n;
        int status = -1;

        fresh_tmpdir();
        T_OK(mkdir(tmp("ro"), 0755));
        T_OK(import(tmp("ro/osv.db"), DATA "good", NULL, &st, &sk, &d));
        char *before = read_all(tmp("ro/osv.db"), &n);
        /* the file and its lock writable by anyone, the directory by no one */
        T_OK(chmod(tmp("ro/osv.db"), 0666));
        T_OK(chmod(tmp("ro/osv.db.lock"), 0666));
        T_OK(chmod(tmp("ro"), 0555));
        T_OK(chmod(tmpdir, 0755));
        fflush(stdout);
        pid = fork();
        if (pid == 0) {
                struct hull_vuln_db_writer *w = NULL;
                struct hull_vuln_db *db = NULL;
                struct rows r;
                if (geteuid() == 0 &&
                    (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)) {
                        printf("# cannot become nobody: %s\n", strerror(errno));
                        fflush(stdout);
                        _exit(2);
                }
                hull_diag_init(&d);
                T_EQ(hull_vuln_db_writer_begin(tmp("ro/osv.db"), NOW, &w, &d), HULL_EIO);
                T_TRUE(strstr(d.msg, "cannot create") && strstr(d.msg, "/ro/osv.db.tmp-"));
                T_EQ(d.saved_errno, EACCES);
                hull_vuln_db_writer_free(w);
                hull_diag_init(&d);
                T_EQ(hull_vuln_db_writer_begin(tmp("ro/new.db"), NOW, &w, &d), HULL_EIO);
                T_TRUE(strstr(d.msg, "cannot create lock file") && strstr(d.msg, "new.db.lock"));
                hull_vuln_db_writer_free(w);
                hull_diag_init(&d);
                T_OK(hull_vuln_db_open(tmp("ro/osv.db"), &db, &d));
                T_EQ(db ? lookup(db, "Debian", "libexample", &r) : 0, 2);
                hull_vuln_db_close(db);
                fflush(stdout);
                _exit(t_failed);
        }
        T_TRUE(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status));
        if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
                t_skip("read_only_directory", "root cannot become nobody here");
        else
                T_EQ(WEXITSTATUS(status), 0);
        T_TRUE(access(tmp("ro/new.db"), F_OK) != 0);
        size_t m;
        char *after = read_all(tmp("ro/osv.db"), &m);
        T_TRUE(before && after && m == n && memcmp(before, after, n) == 0);
        hull_free(before);
        hull_free(after);
        T_OK(chmod(tmp("ro"), 0755));
}

/* A lookup's rows as one string: "id|rid|release|urgency|ranges in hex;" each */
struct seq {
        char *s;
        size_t n, cap;
        bool oom;
};

static int seq_row(void *ud, const struct hull_vuln_db_affected *a) {
        struct seq *q = ud;
        size_t need = strlen(a->id) + 24 + (a->release ? strlen(a->release) : 1) +
                      (a->urgency ? strlen(a->urgency) : 1) + 2 * a->ranges_len + 8;

        if (q->n + need >= q->cap) {
                size_t cap = 2 * (q->n + need);
                char *p = realloc(q->s, cap);
                if (!p) {
                        q->oom = true;
                        return 1;
                }
                q->s = p;
                q->cap = cap;
        }
        q->n += (size_t)sprintf(q->s + q->n, "%s|%lld|%s|%s|", a->id, (long long)a->rid,
                                a->release ? a->release : "-", a->urgency ? a->urgency : "-");
        for (size_t i = 0; i < a->ranges_len; i++)
                q->n += (size_t)sprintf(q->s + q->n, "%02x", ((const unsigned char *)a->ranges)[i]);
        q->s[q->n++] = ';';
        q->s[q->n] = '\0';
        return 0;
}

/* For every package and release of a database: the rows matching reads
 * from package_rows are the rows of the affected table's lookup (where no
 * release spells differently, the same rows in the same order). */
static bool match_rows_agree(const char *path) {
        struct hull_vuln_db *db = NULL;
        struct hull_diag d;
        sqlite3 *s = NULL;
        sqlite3_stmt *q = NULL;
        unsigned checked = 0, bad = 0;

        hull_diag_init(&d);
        if (hull_vuln_db_open(path, &db, &d) != HULL_OK ||
            sqlite3_open_v2(path, &s, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(s,
                               "SELECT DISTINCT ecosystem, name, rel_key FROM affected"
                               " UNION SELECT DISTINCT ecosystem, name, NULL FROM affected",
                               -1, &q, NULL) != SQLITE_OK) {
                printf("# %s %s\n", d.msg, s ? sqlite3_errmsg(s) : "");
                hull_vuln_db_close(db);
                sqlite3_close(s);
                return false;
        }
        while (sqlite3_step(q) == SQLITE_ROW) {
                const char *eco = (const char *)sqlite3_column_text(q, 0);
                const char *name = (const char *)sqlite3_column_text(q, 1);
                const char *rel = (const char *)sqlite3_column_text(q, 2);
                struct seq a = {0}, b = {0};
                if (rel && !*rel)
                        continue;
                int ra = hull_vuln_db_lookup_release(db, eco, rel, name, seq_row, &a, &d);
                int rb = hull_vuln_db_lookup_match(db, eco, rel, name, seq_row, &b, &d);
                if (ra || rb || a.oom || b.oom ||
                    ((a.s || b.s) && (!a.s || !b.s || strcmp(a.s, b.s) != 0))) {
                        if (bad++ < 3)
                                printf("# %s %s %s: %.200s\n#  vs %.200s\n", eco, name,
                                       rel ? rel : "-", a.s ? a.s : "", b.s ? b.s : "");
                }
                checked++;
                free(a.s);
                free(b.s);
        }
        printf("# package rows: %u lookups compared, %u differ\n", checked, bad);
        sqlite3_finalize(q);
        sqlite3_close(s);
        hull_vuln_db_close(db);
        return checked > 1000 && bad == 0;
}

TEST(real_corpus_import) {
        struct hull_vuln_import_stats st;
        struct skips sk = {0};
        struct hull_diag d;
        struct stat sb;

        if (stat(CORPUS, &sb) != 0) {
                t_skip("real_corpus_import", "../shared/corpora/osv not present");
                return;
        }
        fresh_tmpdir();
        T_OK(import(tmp("osv.db"), CORPUS, NULL, &st, &sk, &d));
        printf("# %llu files: %llu added, %llu withdrawn, %llu skipped, %llu ignored\n",
               (unsigned long long)st.files, (unsigned long long)st.added,
               (unsigned long long)st.withdrawn, (unsigned long long)st.skipped,
               (unsigned long long)st.ignored);
        T_EQ(st.skipped, 0);
        T_EQ(st.ignored, 6);
        T_TRUE(st.added >= 19000);
        T_EQ(st.withdrawn, 40);
        T_TRUE(match_rows_agree(tmp("osv.db")));
        remove_tmpdir();
}

T_MAIN()
