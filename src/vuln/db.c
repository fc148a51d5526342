/* db.c - the embedded OSV database (see db.h).
 *
 * Import path: a file or zip entry is read whole into a reusable buffer
 * (bounded by HULL_MAX_OSV_RECORD_BYTES), parsed by osv.c into a per-record
 * arena, and written with prepared statements inside one transaction on a
 * private copy of the database (PATH.tmp-PID, journal off: a failed import
 * throws the copy away, so SQLite's own rollback is not needed).  The raw
 * record is kept as a zstd frame: the corpus' pretty-printed JSON shrinks
 * about fourfold (bench/osv_import.sh measures it).
 *
 * Zip archives go to libarchive's seekable zip reader, which trusts the
 * central directory: before it runs, the end-of-central-directory record is
 * read here and its entry count checked, since libarchive keeps one node
 * per entry in memory.  Inflated bytes are counted as they are read, for
 * each entry and for the archive (zip bombs, overlapping entries). */
#include "vuln/db.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "basic/buf.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "basic/str.h"
#include "vuln/match.h"
#include "vuln/osv.h"

#define ZSTD_LEVEL 3
#define DB_PAGE_SIZE "16384"
#define RAW_PLAIN 0
#define RAW_ZSTD 1
#define ROW_HAS_RELEASE 1u /* package_rows, see rebuild_package_rows() */
#define ROW_HAS_URGENCY 2u

static const char *qs(char *buf, size_t size, const char *s) {
        return hull_str_quote(buf, size, s, '\'');
}

/* ---- names ---- */

size_t hull_vuln_name_normalize(const char *ecosystem, const char *name, size_t n, char *buf) {
        size_t o = 0;

        if (strcmp(ecosystem, "PyPI") != 0) {
                memcpy(buf, name, n);
                buf[n] = '\0';
                return n;
        }
        for (size_t i = 0; i < n; i++) {
                char c = name[i];
                if (c == '-' || c == '_' || c == '.') {
                        if (o == 0 || buf[o - 1] != '-')
                                buf[o++] = '-';
                        continue;
                }
                buf[o++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
        }
        buf[o] = '\0';
        return o;
}

void hull_vuln_ecosystem_split(const char *ecosystem, size_t *ret_base_len,
                               const char **ret_release) {
        const char *colon = strchr(ecosystem, ':');

        *ret_base_len = colon ? (size_t)(colon - ecosystem) : strlen(ecosystem);
        *ret_release = colon ? colon + 1 : NULL;
}

/* ---- compact items ----
 *
 * The ranges of an affected row (db.h), the matching details of a record
 * and the package rows are sequences of the same items: a tag byte, a
 * length (LEB128), that many bytes, a NUL. */

static int put_leb(struct hull_buf *b, uint64_t n) {
        unsigned char hdr[10];
        size_t h = 0;

        do {
                unsigned char byte = n & 0x7f;
                n >>= 7;
                hdr[h++] = byte | (n ? 0x80 : 0);
        } while (n);
        return hull_buf_put(b, hdr, h);
}

static int put_bytes(struct hull_buf *b, unsigned char tag, const void *p, size_t n) {
        HULL_TRY(hull_buf_putc(b, (char)tag));
        HULL_TRY(put_leb(b, n));
        if (n)
                HULL_TRY(hull_buf_put(b, p, n));
        return hull_buf_putc(b, '\0');
}

static int put_item(struct hull_buf *b, unsigned char tag, const char *s) {
        return put_bytes(b, tag, s, s ? strlen(s) : 0);
}

static bool get_leb(const unsigned char **p, const unsigned char *end, uint64_t *ret) {
        uint64_t n = 0;

        for (unsigned shift = 0;; shift += 7) {
                if (*p == end || shift > 63)
                        return false;
                n |= (uint64_t)(**p & 0x7f) << shift;
                if (!(*(*p)++ & 0x80))
                        break;
        }
        *ret = n;
        return true;
}

/* One item at *p: 1 (and *p moves past it), 0 at the end, -1 when damaged. */
static int get_item(const unsigned char **p, const unsigned char *end, unsigned char *ret_tag,
                    const char **ret_value, size_t *ret_len) {
        const unsigned char *q = *p;
        uint64_t n;

        if (q == end)
                return 0;
        *ret_tag = *q++;
        if (!get_leb(&q, end, &n) || (uint64_t)(end - q) < n + 1 || q[n] != '\0')
                return -1;
        *ret_value = (const char *)q;
        *ret_len = (size_t)n;
        *p = q + n + 1;
        return 1;
}

/* ---- matching details ----
 *
 * What a match reports of its record, stored at import in records.info so
 * that matching parses no JSON: items (above) tagged
 *   A alias, R related[] then upstream[] id, W the url to show,
 *   s the summary when the record has none (the first line of details),
 *   2 3 4 U O a severity (CVSS_V2, CVSS_V3, CVSS_V4, Ubuntu, another type),
 *     the record's own first, then
 *   E N the ecosystem and name of an affected[] entry that has severity[],
 *     its severities after them. */
#define INFO_ALIAS 'A'
#define INFO_RELATED 'R'
#define INFO_URL 'W'
#define INFO_SUMMARY 's'
#define INFO_ECOSYSTEM 'E'
#define INFO_NAME 'N'

static const unsigned char sev_tag[_HULL_OSV_SEVERITY_MAX] = {
        [HULL_OSV_SEVERITY_CVSS_V2] = '2', [HULL_OSV_SEVERITY_CVSS_V3] = '3',
        [HULL_OSV_SEVERITY_CVSS_V4] = '4', [HULL_OSV_SEVERITY_UBUNTU] = 'U',
        [HULL_OSV_SEVERITY_OTHER] = 'O',
};

static int sev_type(unsigned char tag) {
        for (int t = 0; t < _HULL_OSV_SEVERITY_MAX; t++)
                if (sev_tag[t] == tag)
                        return t;
        return -1;
}

/* ---- compact ranges ---- */

static int encode_ranges(struct hull_buf *b, const struct hull_osv_affected *a) {
        static const enum hull_vuln_tag range_tag[] = {
                [HULL_OSV_RANGE_ECOSYSTEM] = HULL_VULN_TAG_RANGE_ECOSYSTEM,
                [HULL_OSV_RANGE_SEMVER] = HULL_VULN_TAG_RANGE_SEMVER,
                [HULL_OSV_RANGE_GIT] = HULL_VULN_TAG_RANGE_GIT,
        };
        static const enum hull_vuln_tag event_tag[] = {
                [HULL_OSV_EVENT_INTRODUCED] = HULL_VULN_TAG_INTRODUCED,
                [HULL_OSV_EVENT_FIXED] = HULL_VULN_TAG_FIXED,
                [HULL_OSV_EVENT_LAST_AFFECTED] = HULL_VULN_TAG_LAST_AFFECTED,
                [HULL_OSV_EVENT_LIMIT] = HULL_VULN_TAG_LIMIT,
        };

        hull_buf_reset(b);
        for (size_t i = 0; i < a->n_ranges; i++) {
                const struct hull_osv_range *r = &a->ranges[i];
                HULL_TRY(put_item(b, range_tag[r->type], NULL));
                if (r->type == HULL_OSV_RANGE_GIT)
                        continue;
                for (size_t k = 0; k < r->n_events; k++)
                        HULL_TRY(put_item(b, event_tag[r->events[k].kind], r->events[k].version));
        }
        for (size_t i = 0; i < a->n_versions; i++)
                HULL_TRY(put_item(b, HULL_VULN_TAG_VERSION, a->versions[i]));
        return HULL_OK;
}

void hull_vuln_ranges_init(struct hull_vuln_ranges_iter *it, const void *blob, size_t len) {
        it->p = blob;
        it->end = it->p ? it->p + len : NULL;
}

int hull_vuln_ranges_next(struct hull_vuln_ranges_iter *it, struct hull_vuln_ranges_item *ret) {
        const unsigned char *p = it->p;
        size_t n = 0;
        unsigned shift = 0;

        if (!p || p == it->end)
                return 0;
        switch (*p) {
        case HULL_VULN_TAG_RANGE_ECOSYSTEM:
        case HULL_VULN_TAG_RANGE_SEMVER:
        case HULL_VULN_TAG_RANGE_GIT:
        case HULL_VULN_TAG_INTRODUCED:
        case HULL_VULN_TAG_FIXED:
        case HULL_VULN_TAG_LAST_AFFECTED:
        case HULL_VULN_TAG_LIMIT:
        case HULL_VULN_TAG_VERSION: break;
        default: return -1;
        }
        ret->tag = (enum hull_vuln_tag) * p++;
        for (;;) {
                if (p == it->end || shift > 28)
                        return -1;
                n |= (size_t)(*p & 0x7f) << shift;
                shift += 7;
                if (!(*p++ & 0x80))
                        break;
        }
        if ((size_t)(it->end - p) < n + 1 || p[n] != '\0')
                return -1;
        ret->value = (const char *)p;
        ret->len = n;
        it->p = p + n + 1;
        return 1;
}

/* ---- SQLite glue ---- */

/* Fill d from a SQLite failure; returns the hull_err. */
static int db_fail(sqlite3 *db, int rc, const char *path, struct hull_diag *d, const char *what) {
        const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        char b[600];
        int code;

        switch (rc & 0xff) {
        case SQLITE_NOMEM: code = HULL_ENOMEM; break;
        case SQLITE_NOTADB:
                /* maybe a wrong --db: say what it is, suggest nothing drastic */
                return hull_diag_set(d, HULL_ECORRUPT, path, 0, 0,
                                     "%s is not a hullscan OSV database (%s)",
                                     qs(b, sizeof(b), path), msg);
        case SQLITE_CORRUPT:
                return hull_diag_set(d, HULL_ECORRUPT, path, 0, 0,
                                     "database %s is damaged (%s: %s): remove it and import again",
                                     qs(b, sizeof(b), path), what, msg);
        case SQLITE_FULL:
        case SQLITE_IOERR:
        case SQLITE_CANTOPEN:
        case SQLITE_READONLY:
        case SQLITE_PERM:
        case SQLITE_BUSY:
        case SQLITE_LOCKED: code = HULL_EIO; break;
        default: code = HULL_EDB; break;
        }
        return hull_diag_set(d, code, path, 0, 0, "database %s: %s: %s", qs(b, sizeof(b), path),
                             what, msg);
}

static void stmt_finalizep(sqlite3_stmt **s) {
        sqlite3_finalize(*s);
}

static int exec(sqlite3 *db, const char *sql, const char *path, struct hull_diag *d) {
        int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        return rc == SQLITE_OK ? HULL_OK : db_fail(db, rc, path, d, "cannot run a statement");
}

static const char *col_text(sqlite3_stmt *s, int i) {
        return (const char *)sqlite3_column_text(s, i);
}

static char *arena_col(struct hull_arena *a, sqlite3_stmt *s, int i, bool *oom) {
        const char *t = col_text(s, i);
        char *r;

        if (!t)
                return NULL;
        r = hull_arena_strndup(a, t, (size_t)sqlite3_column_bytes(s, i));
        if (!r)
                *oom = true;
        return r;
}

static const char schema_sql[] =
        "CREATE TABLE meta(key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;\n"
        "CREATE TABLE imports(time INTEGER NOT NULL, source TEXT NOT NULL,\n"
        "  files INTEGER NOT NULL, records INTEGER NOT NULL, added INTEGER NOT NULL,\n"
        "  updated INTEGER NOT NULL, unchanged INTEGER NOT NULL, withdrawn INTEGER NOT NULL,\n"
        "  skipped INTEGER NOT NULL, ignored INTEGER NOT NULL);\n"
        "CREATE TABLE records(rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,\n"
        "  modified TEXT NOT NULL, info BLOB NOT NULL, published TEXT, withdrawn TEXT,\n"
        "  summary TEXT, severity_label TEXT, details TEXT);\n"
        "CREATE TABLE raw(rid INTEGER PRIMARY KEY, format INTEGER NOT NULL, data BLOB NOT NULL);\n"
        "CREATE TABLE aliases(rid INTEGER NOT NULL, idx INTEGER NOT NULL, alias TEXT NOT NULL,\n"
        "  PRIMARY KEY(rid, idx)) WITHOUT ROWID;\n"
        "CREATE INDEX aliases_alias ON aliases(alias);\n"
        "CREATE TABLE related(rid INTEGER NOT NULL, idx INTEGER NOT NULL, kind INTEGER NOT NULL,\n"
        "  id TEXT NOT NULL, PRIMARY KEY(rid, idx)) WITHOUT ROWID;\n"
        "CREATE TABLE refs(rid INTEGER NOT NULL, idx INTEGER NOT NULL, type TEXT NOT NULL,\n"
        "  url TEXT NOT NULL, PRIMARY KEY(rid, idx)) WITHOUT ROWID;\n"
        "CREATE TABLE severities(rid INTEGER NOT NULL, idx INTEGER NOT NULL, affected INTEGER,\n"
        "  type TEXT NOT NULL, score TEXT NOT NULL, PRIMARY KEY(rid, idx)) WITHOUT ROWID;\n"
        "CREATE TABLE affected(ecosystem TEXT NOT NULL, name TEXT NOT NULL, id TEXT NOT NULL,\n"
        "  idx INTEGER NOT NULL, rid INTEGER NOT NULL, eco_release TEXT, rel_key TEXT,\n"
        "  withdrawn INTEGER NOT NULL, modified TEXT NOT NULL, purl TEXT, urgency TEXT,\n"
        "  ranges BLOB NOT NULL, PRIMARY KEY(ecosystem, name, id, idx)) WITHOUT ROWID;\n"
        "CREATE INDEX affected_rid ON affected(rid);\n"
        "CREATE TABLE package_rows(ecosystem TEXT NOT NULL, name TEXT NOT NULL,\n"
        "  has_release INTEGER NOT NULL, release TEXT NOT NULL, data BLOB NOT NULL,\n"
        "  PRIMARY KEY(ecosystem, name, has_release, release)) WITHOUT ROWID;\n";

/* What the file at path holds, checked against our schema: DB_OLD is ours
 * with an older schema, rebuilt by the next import. */
enum db_state { DB_EMPTY, DB_OLD, DB_OURS };

static int check_schema(sqlite3 *db, const char *path, enum db_state *ret, int64_t *ret_ver,
                        struct hull_diag *d) {
        _cleanup_(stmt_finalizep) sqlite3_stmt *s = NULL;
        char b[600];
        int rc;

        rc = sqlite3_prepare_v2(db,
                                "SELECT (SELECT application_id FROM pragma_application_id),"
                                " (SELECT user_version FROM pragma_user_version),"
                                " (SELECT count(*) FROM sqlite_master)",
                                -1, &s, NULL);
        if (rc == SQLITE_OK)
                rc = sqlite3_step(s);
        if (rc != SQLITE_ROW)
                return db_fail(db, rc, path, d, "cannot read the schema");
        int64_t app = sqlite3_column_int64(s, 0), ver = sqlite3_column_int64(s, 1),
                tables = sqlite3_column_int64(s, 2);
        *ret_ver = ver;
        if (app == 0 && ver == 0 && tables == 0) {
                *ret = DB_EMPTY;
                return HULL_OK;
        }
        if (app != HULL_VULN_DB_APPLICATION_ID)
                return hull_diag_set(d, HULL_ECORRUPT, path, 0, 0,
                                     "%s is not a hullscan OSV database (SQLite application id "
                                     "%#llx)",
                                     qs(b, sizeof(b), path), (unsigned long long)app);
        if (ver > HULL_VULN_DB_SCHEMA_VERSION)
                return hull_diag_set(d, HULL_EUNSUPPORTED, path, 0, 0,
                                     "database %s has schema version %lld, newer than this "
                                     "hullscan supports (%d): use a newer hullscan, or remove "
                                     "the file and import again",
                                     qs(b, sizeof(b), path), (long long)ver,
                                     HULL_VULN_DB_SCHEMA_VERSION);
        if (ver < 1)
                return hull_diag_set(d, HULL_ECORRUPT, path, 0, 0,
                                     "database %s has no valid schema version (%lld): remove it "
                                     "and import again",
                                     qs(b, sizeof(b), path), (long long)ver);
        *ret = ver < HULL_VULN_DB_SCHEMA_VERSION ? DB_OLD : DB_OURS;
        return HULL_OK;
}

static uint32_t be(const unsigned char *p, unsigned n) {
        uint32_t v = 0;

        for (unsigned i = 0; i < n; i++)
                v = v << 8 | p[i];
        return v;
}

/* A SQLite file shorter than its header says is a cut copy (a full disk, a
 * partial cp).  SQLite reads the missing pages as zeros, so a b-tree whose
 * root page lost its end looks empty: lookups would find nothing and say
 * nothing.  The header's page count is trusted only when its
 * version-valid-for number equals the change counter, as SQLite does. */
static int check_length(const char *path, struct hull_diag *d) {
        unsigned char h[100];
        struct stat st;
        char b[600];
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        ssize_t n;

        if (fd < 0)
                return HULL_OK; /* SQLite says why next */
        n = fstat(fd, &st) == 0 ? pread(fd, h, sizeof(h), 0) : -1;
        close(fd);
        if (n != (ssize_t)sizeof(h) || memcmp(h, "SQLite format 3", 16) != 0)
                return HULL_OK;
        uint64_t page = be(h + 16, 2) == 1 ? 65536 : be(h + 16, 2), pages = be(h + 28, 4);
        if (pages == 0 || be(h + 24, 4) != be(h + 92, 4) || page * pages <= (uint64_t)st.st_size)
                return HULL_OK;
        return hull_diag_set(d, HULL_ECORRUPT, path, 0, 0,
                             "database %s is damaged (truncated: %lld bytes, its header says "
                             "%llu): remove it and import again",
                             qs(b, sizeof(b), path), (long long)st.st_size,
                             (unsigned long long)(page * pages));
}

static int open_ro(const char *path, sqlite3 **ret, enum db_state *ret_state, int64_t *ret_ver,
                   struct hull_diag *d) {
        sqlite3 *db = NULL;
        struct stat st;
        char b[600];
        int rc;

        if (stat(path, &st) != 0) {
                int e = errno;
                if (e == ENOENT)
                        return hull_diag_set(d, HULL_ENOTFOUND, path, 0, 0,
                                             "no OSV database at %s: run 'hullscan db import' "
                                             "first",
                                             qs(b, sizeof(b), path));
                return hull_diag_errno(d, HULL_EIO, e, path, "cannot open database %s",
                                       qs(b, sizeof(b), path));
        }
        if (!S_ISREG(st.st_mode))
                return hull_diag_set(d, HULL_EIO, path, 0, 0, "database %s is not a regular file",
                                     qs(b, sizeof(b), path));
        HULL_TRY(check_length(path, d));
        rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
        if (rc != SQLITE_OK) {
                rc = db_fail(db, rc, path, d, "cannot open");
                sqlite3_close(db);
                return rc;
        }
        rc = check_schema(db, path, ret_state, ret_ver, d);
        if (rc) {
                sqlite3_close(db);
                return rc;
        }
        *ret = db;
        return HULL_OK;
}

/* ---- reading ---- */

struct hull_vuln_db {
        sqlite3 *db;
        char *path;
        sqlite3_stmt *lookup[2]; /* any release; one release */
        sqlite3_stmt *rows[3];   /* package rows: no release, the release, its other spelling */
        sqlite3_stmt *record;    /* hull_vuln_db_record_json() */
        sqlite3_stmt *info[2];   /* hull_vuln_db_record_info(): by id, by rid */
        ZSTD_DCtx *zd;
};

/* Readers map the file (no read() per page) and hold one read transaction
 * from open to close: SQLite otherwise takes and drops its file lock and
 * checks the header around every statement, thousands of times per scan.
 * Writers never change the file in place (they rename a new one over it),
 * so the lock delays no one and the mapping is never truncated. */
static const char reader_setup_sql[] = "PRAGMA mmap_size = 1073741824; BEGIN";

int hull_vuln_db_open(const char *path, struct hull_vuln_db **ret, struct hull_diag *d) {
        struct hull_vuln_db *h;
        enum db_state state;
        int64_t ver = 0;
        char b[600];

        h = new0(struct hull_vuln_db, 1);
        if (!h || !(h->path = hull_strdup(path))) {
                hull_free(h);
                return hull_diag_set(d, HULL_ENOMEM, path, 0, 0, "out of memory");
        }
        int r = open_ro(path, &h->db, &state, &ver, d);
        if (r == HULL_OK && state == DB_EMPTY)
                r = hull_diag_set(d, HULL_ECORRUPT, path, 0, 0,
                                  "database %s is empty: run 'hullscan db import'",
                                  qs(b, sizeof(b), path));
        else if (r == HULL_OK && state == DB_OLD)
                r = hull_diag_set(d, HULL_EUNSUPPORTED, path, 0, 0,
                                  "database %s has schema version %lld, older than this "
                                  "hullscan's (%d): run 'hullscan db update' or 'hullscan db "
                                  "import' to rebuild it",
                                  qs(b, sizeof(b), path), (long long)ver,
                                  HULL_VULN_DB_SCHEMA_VERSION);
        if (r == HULL_OK)
                r = exec(h->db, reader_setup_sql, path, d);
        if (r) {
                hull_vuln_db_close(h);
                return r;
        }
        *ret = h;
        return HULL_OK;
}

struct hull_vuln_db *hull_vuln_db_close(struct hull_vuln_db *h) {
        if (!h)
                return NULL;
        sqlite3_finalize(h->lookup[0]);
        sqlite3_finalize(h->lookup[1]);
        for (size_t i = 0; i < ELEMENTSOF(h->rows); i++)
                sqlite3_finalize(h->rows[i]);
        sqlite3_finalize(h->record);
        sqlite3_finalize(h->info[0]);
        sqlite3_finalize(h->info[1]);
        ZSTD_freeDCtx(h->zd);
        sqlite3_close(h->db);
        hull_free(h->path);
        hull_free(h);
        return NULL;
}

static int h_fail(struct hull_vuln_db *h, int rc, struct hull_diag *d, const char *what) {
        return db_fail(h->db, rc, h->path, d, what);
}

int hull_vuln_db_info(struct hull_vuln_db *h, struct hull_arena *a, struct hull_vuln_db_info *ret,
                      struct hull_diag *d) {
        _cleanup_(stmt_finalizep) sqlite3_stmt *s = NULL;
        struct hull_vuln_db_info info = {.schema_version = HULL_VULN_DB_SCHEMA_VERSION};
        size_t cap = 0;
        bool oom = false;
        int rc;

        rc = sqlite3_prepare_v2(h->db, "SELECT count(*), count(withdrawn) FROM records", -1, &s,
                                NULL);
        if (rc == SQLITE_OK)
                rc = sqlite3_step(s);
        if (rc != SQLITE_ROW)
                return h_fail(h, rc, d, "cannot count records");
        info.records = (uint64_t)sqlite3_column_int64(s, 0);
        info.withdrawn = (uint64_t)sqlite3_column_int64(s, 1);
        sqlite3_finalize(s);
        s = NULL;

        rc = sqlite3_prepare_v2(h->db,
                                "SELECT ecosystem, count(DISTINCT rid),"
                                " count(DISTINCT CASE WHEN withdrawn THEN rid END)"
                                " FROM affected GROUP BY ecosystem ORDER BY ecosystem",
                                -1, &s, NULL);
        if (rc != SQLITE_OK)
                return h_fail(h, rc, d, "cannot count records per ecosystem");
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
                struct hull_vuln_db_ecosystem *e = hull_arena_push(
                        a, (void **)&info.ecosystems, &info.n_ecosystems, &cap, sizeof(*e));
                if (!e)
                        return hull_diag_set(d, HULL_ENOMEM, h->path, 0, 0, "out of memory");
                e->name = arena_col(a, s, 0, &oom);
                e->records = (uint64_t)sqlite3_column_int64(s, 1);
                e->withdrawn = (uint64_t)sqlite3_column_int64(s, 2);
        }
        if (rc != SQLITE_DONE)
                return h_fail(h, rc, d, "cannot count records per ecosystem");
        sqlite3_finalize(s);
        s = NULL;

        rc = sqlite3_prepare_v2(h->db,
                                "SELECT time, source, files, records, added, updated, unchanged,"
                                " withdrawn, skipped, ignored FROM imports"
                                " ORDER BY rowid DESC LIMIT 1",
                                -1, &s, NULL);
        if (rc == SQLITE_OK)
                rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
                info.has_import = true;
                info.imported = sqlite3_column_int64(s, 0);
                info.source = arena_col(a, s, 1, &oom);
                info.last.files = (uint64_t)sqlite3_column_int64(s, 2);
                info.last.records = (uint64_t)sqlite3_column_int64(s, 3);
                info.last.added = (uint64_t)sqlite3_column_int64(s, 4);
                info.last.updated = (uint64_t)sqlite3_column_int64(s, 5);
                info.last.unchanged = (uint64_t)sqlite3_column_int64(s, 6);
                info.last.withdrawn = (uint64_t)sqlite3_column_int64(s, 7);
                info.last.skipped = (uint64_t)sqlite3_column_int64(s, 8);
                info.last.ignored = (uint64_t)sqlite3_column_int64(s, 9);
        } else if (rc != SQLITE_DONE) {
                return h_fail(h, rc, d, "cannot read the import log");
        }
        if (oom)
                return hull_diag_set(d, HULL_ENOMEM, h->path, 0, 0, "out of memory");
        *ret = info;
        return HULL_OK;
}

/* Prepare and step "the value of meta key": SQLITE_ROW, SQLITE_DONE (no such
 * key) or an error; *ret is the statement (the caller finalizes it). */
static int meta_step(sqlite3 *db, const char *key, sqlite3_stmt **ret) {
        int rc = sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?1", -1, ret, NULL);
        if (rc == SQLITE_OK)
                rc = sqlite3_bind_text(*ret, 1, key, -1, SQLITE_STATIC);
        if (rc == SQLITE_OK)
                rc = sqlite3_step(*ret);
        return rc;
}

int hull_vuln_db_meta_get(struct hull_vuln_db *h, const char *key, struct hull_arena *a,
                          const char **ret, struct hull_diag *d) {
        _cleanup_(stmt_finalizep) sqlite3_stmt *s = NULL;
        bool oom = false;
        int rc;

        rc = meta_step(h->db, key, &s);
        if (rc == SQLITE_DONE) {
                *ret = NULL;
                return HULL_OK;
        }
        if (rc != SQLITE_ROW)
                return h_fail(h, rc, d, "cannot read meta");
        *ret = arena_col(a, s, 0, &oom);
        return oom ? hull_diag_set(d, HULL_ENOMEM, h->path, 0, 0, "out of memory") : HULL_OK;
}

/* Prepare *s once per handle (lookups and record reads run thousands of
 * times per scan); reset and unbound after each use. */
static int h_prepare(struct hull_vuln_db *h, sqlite3_stmt **s, const char *sql, struct hull_diag *d,
                     const char *what) {
        int rc;

        if (*s)
                return HULL_OK;
        rc = sqlite3_prepare_v3(h->db, sql, -1, SQLITE_PREPARE_PERSISTENT, s, NULL);
        return rc == SQLITE_OK ? HULL_OK : h_fail(h, rc, d, what);
}

static void h_done(sqlite3_stmt *s) {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
}

static int record_json(struct hull_vuln_db *h, sqlite3_stmt *s, const char *id,
                       struct hull_arena *a, const char **ret, size_t *ret_len,
                       struct hull_diag *d) {
        char b[300];
        int rc;

        rc = sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
        if (rc == SQLITE_OK)
                rc = sqlite3_step(s);
        if (rc == SQLITE_DONE)
                return hull_diag_set(d, HULL_ENOTFOUND, h->path, 0, 0, "no record %s",
                                     qs(b, sizeof(b), id));
        if (rc != SQLITE_ROW)
                return h_fail(h, rc, d, "cannot read a record");
        int format = sqlite3_column_int(s, 0);
        const void *data = sqlite3_column_blob(s, 1);
        size_t n = (size_t)sqlite3_column_bytes(s, 1);
        char *out;
        if (format == RAW_PLAIN) {
                out = hull_arena_strndup(a, data ? data : "", n);
                if (!out)
                        return hull_diag_set(d, HULL_ENOMEM, h->path, 0, 0, "out of memory");
                *ret = out;
                *ret_len = n;
                return HULL_OK;
        }
        unsigned long long size = format == RAW_ZSTD && data ? ZSTD_getFrameContentSize(data, n)
                                                             : ZSTD_CONTENTSIZE_ERROR;
        if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN ||
            size > HULL_MAX_OSV_RECORD_BYTES)
                return hull_diag_set(d, HULL_ECORRUPT, h->path, 0, 0,
                                     "record %s is damaged in the database", qs(b, sizeof(b), id));
        if (!h->zd && !(h->zd = ZSTD_createDCtx()))
                return hull_diag_set(d, HULL_ENOMEM, h->path, 0, 0, "out of memory");
        out = hull_arena_alloc(a, (size_t)size + 1);
        if (!out)
                return hull_diag_set(d, HULL_ENOMEM, h->path, 0, 0, "out of memory");
        size_t got = ZSTD_decompressDCtx(h->zd, out, (size_t)size, data, n);
        if (ZSTD_isError(got) || got != size)
                return hull_diag_set(d, HULL_ECORRUPT, h->path, 0, 0,
                                     "record %s is damaged in the database", qs(b, sizeof(b), id));
        out[size] = '\0';
        *ret = out;
        *ret_len = (size_t)size;
        return HULL_OK;
}

int hull_vuln_db_record_json(struct hull_vuln_db *h, const char *id, struct hull_arena *a,
                             const char **ret, size_t *ret_len, struct hull_diag *d) {
        int r;

        HULL_TRY(h_prepare(h, &h->record,
                           "SELECT w.format, w.data FROM records r JOIN raw w"
                           " ON w.rid = r.rid WHERE r.id = ?1",
                           d, "cannot read a record"));
        r = record_json(h, h->record, id, a, ret, ret_len, d);
        h_done(h->record);
        return r;
}

/* Both lookups walk the primary key of affected, (ecosystem, name, id,
 * idx): one range scan already in (id, idx) order, no join, no sort. */
static const char *const lookup_sql[2] = {
        "SELECT id, modified, ecosystem, eco_release, name, purl, urgency, ranges, rid"
        " FROM affected WHERE ecosystem = ?1 AND name = ?2 AND withdrawn = 0"
        " ORDER BY id, idx",
        "SELECT id, modified, ecosystem, eco_release, name, purl, urgency, ranges, rid"
        " FROM affected WHERE ecosystem = ?1 AND name = ?2 AND withdrawn = 0"
        " AND (eco_release IS NULL OR eco_release = ?3 OR rel_key = ?3)"
        " ORDER BY id, idx",
};

static int lookup(struct hull_vuln_db *h, int which, const char *ecosystem, const char *release,
                  const char *name, hull_vuln_db_affected_fn *fn, void *ud, struct hull_diag *d) {
        char sbuf[256];
        size_t n = strlen(name);
        _cleanup_free_ char *heap = n < sizeof(sbuf) ? NULL : hull_malloc(n + 1);
        char *norm = heap ? heap : sbuf;
        int rc, r = HULL_OK;

        if (n >= sizeof(sbuf) && !heap)
                return hull_diag_set(d, HULL_ENOMEM, h->path, 0, 0, "out of memory");
        hull_vuln_name_normalize(ecosystem, name, n, norm);
        HULL_TRY(h_prepare(h, &h->lookup[which], lookup_sql[which], d, "cannot look up a package"));
        sqlite3_stmt *s = h->lookup[which];
        if ((rc = sqlite3_bind_text(s, 1, ecosystem, -1, SQLITE_STATIC)) != SQLITE_OK ||
            (rc = sqlite3_bind_text(s, 2, norm, -1, SQLITE_STATIC)) != SQLITE_OK ||
            (which && (rc = sqlite3_bind_text(s, 3, release, -1, SQLITE_STATIC)) != SQLITE_OK)) {
                h_done(s);
                return h_fail(h, rc, d, "cannot look up a package");
        }
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
                struct hull_vuln_db_affected row = {
                        .id = col_text(s, 0),
                        .modified = col_text(s, 1),
                        .ecosystem = col_text(s, 2),
                        .release = col_text(s, 3),
                        .name = col_text(s, 4),
                        .purl = col_text(s, 5),
                        .urgency = col_text(s, 6),
                        .ranges = sqlite3_column_blob(s, 7),
                        .ranges_len = (size_t)sqlite3_column_bytes(s, 7),
                        .rid = sqlite3_column_int64(s, 8),
                };
                r = fn(ud, &row);
                if (r)
                        break;
        }
        if (!r && rc != SQLITE_DONE)
                r = h_fail(h, rc, d, "cannot look up a package");
        h_done(s);
        return r;
}

int hull_vuln_db_lookup(struct hull_vuln_db *h, const char *ecosystem, const char *name,
                        hull_vuln_db_affected_fn *fn, void *ud, struct hull_diag *d) {
        return lookup(h, 0, ecosystem, NULL, name, fn, ud, d);
}

int hull_vuln_db_lookup_release(struct hull_vuln_db *h, const char *ecosystem, const char *release,
                                const char *name, hull_vuln_db_affected_fn *fn, void *ud,
                                struct hull_diag *d) {
        return lookup(h, 1, ecosystem, release, name, fn, ud, d);
}

/* ---- lookups for matching: package_rows ---- */

struct row_cursor {
        const unsigned char *p, *end;
        uint64_t idx;
        struct hull_vuln_db_affected row;
        bool have;
};

/* One item of tag want at *p. */
static bool get_tagged(const unsigned char **p, const unsigned char *end, unsigned char want,
                       const char **ret, size_t *ret_len) {
        unsigned char tag;

        return get_item(p, end, &tag, ret, ret_len) == 1 && tag == want;
}

/* The next row into c->row: true, or false at the end (*damaged says
 * whether the bytes ended early or hold something else). */
static bool cursor_next(struct row_cursor *c, bool *damaged) {
        const char *v;
        uint64_t rid;
        size_t n;

        c->have = false;
        if (!c->p || c->p == c->end)
                return false;
        *damaged = true;
        if (!get_leb(&c->p, c->end, &c->idx) || !get_leb(&c->p, c->end, &rid) || rid > INT64_MAX ||
            !get_tagged(&c->p, c->end, 'I', &c->row.id, &n) ||
            !get_tagged(&c->p, c->end, 'F', &v, &n) || n != 1)
                return false;
        unsigned char flags = (unsigned char)v[0];
        c->row.release = c->row.urgency = NULL;
        if ((flags & ROW_HAS_RELEASE) && !get_tagged(&c->p, c->end, 'r', &c->row.release, &n))
                return false;
        if ((flags & ROW_HAS_URGENCY) && !get_tagged(&c->p, c->end, 'u', &c->row.urgency, &n))
                return false;
        if (!get_tagged(&c->p, c->end, 'X', &v, &c->row.ranges_len))
                return false;
        c->row.ranges = v;
        c->row.rid = (int64_t)rid;
        *damaged = false;
        c->have = true;
        return true;
}

/* (id, idx) order, as SQLite orders the primary key (ids hold no NUL). */
static int row_cmp(const struct row_cursor *a, const struct row_cursor *b) {
        int c = strcmp(a->row.id, b->row.id);

        if (c)
                return c;
        return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static const char rows_sql[] = "SELECT data FROM package_rows WHERE ecosystem = ?1 AND name = ?2"
                               " AND has_release = ?3 AND release = ?4";

int hull_vuln_db_lookup_match(struct hull_vuln_db *h, const char *ecosystem, const char *release,
                              const char *name, hull_vuln_db_affected_fn *fn, void *ud,
                              struct hull_diag *d) {
        const struct hull_vuln_ecosystem *e =
                hull_vuln_ecosystem_find(ecosystem, strlen(ecosystem));
        struct row_cursor cur[ELEMENTSOF(h->rows)] = {0};
        const char *keys[ELEMENTSOF(h->rows)];
        char sbuf[256], other[256], b[600];
        size_t n = strlen(name), nk = 0;
        _cleanup_free_ char *heap = n < sizeof(sbuf) ? NULL : hull_malloc(n + 1);
        char *norm = heap ? heap : sbuf;
        bool damaged = false;
        int rc = SQLITE_OK, r = HULL_OK;

        if (n >= sizeof(sbuf) && !heap)
                return hull_diag_set(d, HULL_ENOMEM, h->path, 0, 0, "out of memory");
        hull_vuln_name_normalize(ecosystem, name, n, norm);
        /* no release; the release; the release its own spelling of the
         * release maps to, when another: where rows with eco_release equal
         * to it are kept (rel_key is the canonical form of eco_release) */
        keys[nk++] = "";
        if (release) {
                keys[nk++] = release;
                hull_vuln_release_canonical(e, release, other, sizeof(other));
                if (strcmp(other, release) != 0)
                        keys[nk++] = other;
        }
        for (size_t k = 0; k < nk; k++) {
                HULL_TRY(h_prepare(h, &h->rows[k], rows_sql, d, "cannot look up a package"));
                sqlite3_stmt *s = h->rows[k];
                if ((rc = sqlite3_bind_text(s, 1, ecosystem, -1, SQLITE_STATIC)) != SQLITE_OK ||
                    (rc = sqlite3_bind_text(s, 2, norm, -1, SQLITE_STATIC)) != SQLITE_OK ||
                    (rc = sqlite3_bind_int(s, 3, k > 0)) != SQLITE_OK ||
                    (rc = sqlite3_bind_text(s, 4, keys[k], -1, SQLITE_STATIC)) != SQLITE_OK)
                        break;
                rc = sqlite3_step(s);
                if (rc == SQLITE_ROW) {
                        cur[k].p = sqlite3_column_blob(s, 0);
                        cur[k].end = cur[k].p + sqlite3_column_bytes(s, 0);
                        rc = SQLITE_OK;
                } else if (rc == SQLITE_DONE) {
                        rc = SQLITE_OK;
                } else {
                        break;
                }
                if (!cursor_next(&cur[k], &damaged) && damaged)
                        break;
        }
        /* merge the releases' rows, each in (id, idx) order */
        while (rc == SQLITE_OK && !damaged) {
                struct row_cursor *m = NULL;
                for (size_t k = 0; k < nk; k++)
                        if (cur[k].have && (!m || row_cmp(&cur[k], m) < 0))
                                m = &cur[k];
                if (!m)
                        break;
                m->row.ecosystem = ecosystem;
                m->row.name = norm;
                r = fn(ud, &m->row);
                if (r)
                        break;
                cursor_next(m, &damaged);
        }
        for (size_t k = 0; k < nk; k++)
                if (h->rows[k])
                        h_done(h->rows[k]);
        if (r)
                return r;
        if (rc != SQLITE_OK)
                return h_fail(h, rc, d, "cannot look up a package");
        if (damaged)
                return hull_diag_set(d, HULL_ECORRUPT, h->path, 0, 0,
                                     "database %s is damaged (the rows of package %s in %s): "
                                     "remove it and import again",
                                     qs(b, sizeof(b), h->path), norm, ecosystem);
        return HULL_OK;
}

/* ---- matching details: records.info ---- */

static const char *const info_sql[2] = {
        "SELECT modified, summary, severity_label, info, id FROM records WHERE id = ?1",
        "SELECT modified, summary, severity_label, info, id FROM records WHERE rid = ?1",
};

/* Decode the info blob into ret (two passes: count, then fill). */
static int decode_info(const unsigned char *blob, size_t len, struct hull_arena *a,
                       struct hull_vuln_db_record_info *ret) {
        const unsigned char *end = blob + len;
        size_t na = 0, nr = 0, ns = 0, ne = 0;
        unsigned char tag;
        const char *v;
        size_t n;
        int g;

        for (const unsigned char *p = blob; (g = get_item(&p, end, &tag, &v, &n)) == 1;) {
                na += tag == INFO_ALIAS;
                nr += tag == INFO_RELATED;
                ns += sev_type(tag) >= 0;
                ne += tag == INFO_ECOSYSTEM;
        }
        if (g < 0)
                return HULL_ECORRUPT;
        ret->aliases = hull_arena_alloc(a, (na + 1) * sizeof(*ret->aliases));
        ret->related = hull_arena_alloc(a, (nr + 1) * sizeof(*ret->related));
        struct hull_osv_severity *sv = hull_arena_alloc(a, (ns + 1) * sizeof(*sv));
        ret->affected = hull_arena_alloc(a, (ne + 1) * sizeof(*ret->affected));
        if (!ret->aliases || !ret->related || !sv || !ret->affected)
                return HULL_ENOMEM;
        ret->severity = sv;
        struct hull_vuln_db_severities *cur = NULL;
        for (const unsigned char *p = blob; get_item(&p, end, &tag, &v, &n) == 1;) {
                int t = sev_type(tag);
                if (tag == INFO_ALIAS)
                        ret->aliases[ret->n_aliases++] = v;
                else if (tag == INFO_RELATED)
                        ret->related[ret->n_related++] = v;
                else if (tag == INFO_URL)
                        ret->url = v;
                else if (tag == INFO_SUMMARY)
                        ret->summary = v;
                else if (tag == INFO_ECOSYSTEM) {
                        cur = &ret->affected[ret->n_affected++];
                        *cur = (struct hull_vuln_db_severities){.ecosystem = v, .severity = sv};
                } else if (tag == INFO_NAME && cur && !cur->name)
                        cur->name = v;
                else if (t >= 0) {
                        *sv = (struct hull_osv_severity){
                                .type = (enum hull_osv_severity_type)t,
                                .type_name = hull_osv_severity_type_to_string(t),
                                .score = v,
                        };
                        sv++;
                        if (cur)
                                cur->n_severity++;
                        else
                                ret->n_severity++;
                } else
                        return HULL_ECORRUPT;
        }
        for (size_t i = 0; i < ret->n_affected; i++)
                if (!ret->affected[i].name)
                        return HULL_ECORRUPT;
        ret->aliases[ret->n_aliases] = NULL;
        ret->related[ret->n_related] = NULL;
        return HULL_OK;
}

int hull_vuln_db_record_info(struct hull_vuln_db *h, const char *id, int64_t rid,
                             struct hull_arena *a, struct hull_vuln_db_record_info *ret,
                             struct hull_diag *d) {
        struct hull_vuln_db_record_info out = {0};
        int which = rid > 0;
        sqlite3_stmt *s;
        bool oom = false;
        char b[300];
        int rc, r;

        HULL_TRY(h_prepare(h, &h->info[which], info_sql[which], d, "cannot read a record"));
        s = h->info[which];
        rc = which ? sqlite3_bind_int64(s, 1, rid) : sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
        if (rc == SQLITE_OK)
                rc = sqlite3_step(s);
        if (rc != SQLITE_ROW) {
                h_done(s);
                if (rc == SQLITE_DONE && !which)
                        return hull_diag_set(d, HULL_ENOTFOUND, h->path, 0, 0, "no record %s",
                                             qs(b, sizeof(b), id));
                if (rc == SQLITE_DONE)
                        return hull_diag_set(d, HULL_ECORRUPT, h->path, 0, 0,
                                             "record %s is damaged in the database (no row %lld)",
                                             qs(b, sizeof(b), id), (long long)rid);
                return h_fail(h, rc, d, "cannot read a record");
        }
        if (which && (!col_text(s, 4) || strcmp(col_text(s, 4), id) != 0)) {
                h_done(s);
                return hull_diag_set(d, HULL_ECORRUPT, h->path, 0, 0,
                                     "record %s is damaged in the database (row %lld is another)",
                                     qs(b, sizeof(b), id), (long long)rid);
        }
        /* the blob goes first: its strings are copied, then pointed into */
        size_t len = (size_t)sqlite3_column_bytes(s, 3);
        const void *blob = sqlite3_column_blob(s, 3);
        unsigned char *copy = hull_arena_alloc(a, len + 1);
        if (copy && len)
                memcpy(copy, blob, len);
        out.modified = arena_col(a, s, 0, &oom);
        out.summary = arena_col(a, s, 1, &oom);
        out.severity_label = arena_col(a, s, 2, &oom);
        h_done(s);
        if (!copy || oom)
                return hull_diag_set(d, HULL_ENOMEM, h->path, 0, 0, "out of memory");
        /* the summary, else the first line of details stored for it */
        if (out.summary && !*out.summary)
                out.summary = NULL;
        const char *own = out.summary;
        out.summary = NULL;
        r = decode_info(copy, len, a, &out);
        if (r == HULL_ENOMEM)
                return hull_diag_set(d, HULL_ENOMEM, h->path, 0, 0, "out of memory");
        if (r != HULL_OK || !out.modified)
                return hull_diag_set(d, HULL_ECORRUPT, h->path, 0, 0,
                                     "record %s is damaged in the database", qs(b, sizeof(b), id));
        if (own)
                out.summary = own;
        *ret = out;
        return HULL_OK;
}

/* ---- default path ---- */

int hull_vuln_db_default_path(char **ret, struct hull_diag *d) {
        const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
        char buf[HULL_MAX_PATH_BYTES + 64];
        int n;

        if (xdg && xdg[0] == '/') {
                n = snprintf(buf, sizeof(buf), "%s/hullscan/osv.db", xdg);
        } else {
                if (!home || home[0] != '/') {
                        struct passwd *pw = getpwuid(getuid());
                        home = pw && pw->pw_dir && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
                }
                if (!home)
                        return hull_diag_set(d, HULL_ENOTFOUND, NULL, 0, 0,
                                             "no cache directory (set XDG_CACHE_HOME or HOME, or "
                                             "give --db)");
                n = snprintf(buf, sizeof(buf), "%s/.cache/hullscan/osv.db", home);
        }
        if (n < 0 || (size_t)n >= sizeof(buf))
                return hull_diag_set(d, HULL_ELIMIT, NULL, 0, 0, "cache directory path too long");
        *ret = hull_strdup(buf);
        return *ret ? HULL_OK : hull_diag_set(d, HULL_ENOMEM, NULL, 0, 0, "out of memory");
}

/* ---- writing ---- */

enum {
        S_FIND,
        S_TOUCH_RID,
        S_DEL_RECORD,
        S_DEL_RAW,
        S_DEL_ALIASES,
        S_DEL_RELATED,
        S_DEL_REFS,
        S_DEL_SEVERITIES,
        S_DEL_AFFECTED,
        S_INS_RECORD,
        S_INS_RAW,
        S_INS_ALIAS,
        S_INS_RELATED,
        S_INS_REF,
        S_INS_SEVERITY,
        S_INS_AFFECTED,
        S_TOUCH,
        S_SET_META,
        S_ROWS_OF,
        S_DEL_ROWS,
        S_INS_ROWS,
        _S_MAX,
};

static const char *const stmt_sql[_S_MAX] = {
        [S_FIND] = "SELECT rid, modified FROM records WHERE id = ?1",
        [S_TOUCH_RID] = "INSERT OR IGNORE INTO temp.touched(ecosystem, name)"
                        " SELECT ecosystem, name FROM affected WHERE rid = ?1",
        [S_DEL_RECORD] = "DELETE FROM records WHERE rid = ?1",
        [S_DEL_RAW] = "DELETE FROM raw WHERE rid = ?1",
        [S_DEL_ALIASES] = "DELETE FROM aliases WHERE rid = ?1",
        [S_DEL_RELATED] = "DELETE FROM related WHERE rid = ?1",
        [S_DEL_REFS] = "DELETE FROM refs WHERE rid = ?1",
        [S_DEL_SEVERITIES] = "DELETE FROM severities WHERE rid = ?1",
        [S_DEL_AFFECTED] = "DELETE FROM affected WHERE rid = ?1",
        [S_INS_RECORD] = "INSERT INTO records(id, modified, published, withdrawn, summary,"
                         " details, severity_label, info) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        [S_INS_RAW] = "INSERT INTO raw(rid, format, data) VALUES(?1, ?2, ?3)",
        [S_INS_ALIAS] = "INSERT INTO aliases(rid, idx, alias) VALUES(?1, ?2, ?3)",
        [S_INS_RELATED] = "INSERT INTO related(rid, idx, kind, id) VALUES(?1, ?2, ?3, ?4)",
        [S_INS_REF] = "INSERT INTO refs(rid, idx, type, url) VALUES(?1, ?2, ?3, ?4)",
        [S_INS_SEVERITY] = "INSERT INTO severities(rid, idx, affected, type, score)"
                           " VALUES(?1, ?2, ?3, ?4, ?5)",
        [S_INS_AFFECTED] = "INSERT INTO affected(rid, idx, ecosystem, eco_release, name, purl,"
                           " urgency, ranges, id, modified, withdrawn, rel_key)"
                           " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        [S_TOUCH] = "INSERT OR IGNORE INTO temp.touched(ecosystem, name) VALUES(?1, ?2)",
        [S_SET_META] = "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)",
        [S_ROWS_OF] = "SELECT idx, id, eco_release, rel_key, urgency, ranges, rid FROM affected"
                      " WHERE ecosystem = ?1 AND name = ?2 AND withdrawn = 0 ORDER BY id, idx",
        [S_DEL_ROWS] = "DELETE FROM package_rows WHERE ecosystem = ?1 AND name = ?2",
        [S_INS_ROWS] = "INSERT INTO package_rows(ecosystem, name, has_release, release, data)"
                       " VALUES(?1, ?2, ?3, ?4, ?5)",
};

struct hull_vuln_db_writer {
        sqlite3 *db;
        sqlite3_stmt *stmt[_S_MAX];
        char *path, *tmp;
        int lock_fd;
        bool tmp_made; /* tmp exists and is ours to remove */
        bool failed;   /* a fatal error happened: only _free is left */
        int64_t now;
        struct hull_vuln_import_stats st;
        hull_vuln_import_skip_fn *skip_fn;
        void *skip_ud;
        struct hull_arena arena; /* one record's model; reset per record */
        char *data;              /* one record's bytes */
        size_t data_cap;
        struct hull_buf ranges; /* one affected entry's compact ranges */
        struct hull_buf info;   /* one record's matching details */
        struct hull_buf name;   /* normalised names, zip entry names */
        void *z;                /* zstd output */
        size_t z_cap;
        ZSTD_CCtx *zc;
};

static int w_fail(struct hull_vuln_db_writer *w, int rc, struct hull_diag *d, const char *what) {
        return db_fail(w->db, rc, w->path, d, what);
}

static int nomem(struct hull_diag *d, const char *name) {
        return hull_diag_set(d, HULL_ENOMEM, name, 0, 0, "out of memory");
}

/* mkdir -p of path's parent directory. */
static int make_parent(const char *path, struct hull_diag *d) {
        char dir[HULL_MAX_PATH_BYTES + 1], b[600];
        size_t n = strlen(path);

        while (n > 0 && path[n - 1] != '/')
                n--;
        while (n > 1 && path[n - 1] == '/')
                n--;
        if (n == 0 || (n == 1 && path[0] == '/'))
                return HULL_OK;
        if (n > HULL_MAX_PATH_BYTES)
                return hull_diag_set(d, HULL_ELIMIT, path, 0, 0, "path %s too long",
                                     qs(b, sizeof(b), path));
        memcpy(dir, path, n);
        dir[n] = '\0';
        for (size_t i = 1; i <= n; i++) {
                if (dir[i] != '/' && dir[i] != '\0')
                        continue;
                char save = dir[i];
                dir[i] = '\0';
                if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
                        int e = errno;
                        return hull_diag_errno(d, HULL_EIO, e, path, "cannot create directory %s",
                                               qs(b, sizeof(b), dir));
                }
                dir[i] = save;
        }
        return HULL_OK;
}

/* dirname of path into buf ("." when there is no '/'). */
static void dir_of(const char *path, char *buf, size_t size) {
        const char *slash = strrchr(path, '/');

        if (!slash)
                snprintf(buf, size, ".");
        else if (slash == path)
                snprintf(buf, size, "/");
        else
                snprintf(buf, size, "%.*s", (int)(slash - path), path);
}

/* Remove PATH.tmp-* left by writers that died (we hold the lock, so no
 * live writer owns one). */
static void remove_stale_tmp(const char *path) {
        char dir[HULL_MAX_PATH_BYTES + 1], prefix[HULL_MAX_PATH_BYTES + 16], full[2 * 4096 + 2];
        const char *base = strrchr(path, '/');
        struct dirent *de;
        DIR *dh;

        base = base ? base + 1 : path;
        dir_of(path, dir, sizeof(dir));
        snprintf(prefix, sizeof(prefix), "%s.tmp-", base);
        dh = opendir(dir);
        if (!dh)
                return;
        while ((de = readdir(dh))) {
                if (!hull_startswith(de->d_name, prefix))
                        continue;
                const char *pid = de->d_name + strlen(prefix);
                if (!*pid || strspn(pid, "0123456789") != strlen(pid))
                        continue;
                snprintf(full, sizeof(full), "%s/%s", dir, de->d_name);
                (void)unlink(full);
        }
        closedir(dh);
}

static int fsync_path(const char *path, bool directory, struct hull_diag *d) {
        char b[600];
        int fd = open(path, O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0));

        if (fd < 0 || fsync(fd) != 0) {
                int e = errno;
                if (fd >= 0)
                        close(fd);
                return hull_diag_errno(d, HULL_EIO, e, path, "cannot sync %s",
                                       qs(b, sizeof(b), path));
        }
        close(fd);
        return HULL_OK;
}

static int copy_db(sqlite3 *from, sqlite3 *to, const char *path, struct hull_diag *d) {
        sqlite3_backup *bk = sqlite3_backup_init(to, "main", from, "main");
        int rc;

        if (!bk)
                return db_fail(to, sqlite3_errcode(to), path, d, "cannot copy the database");
        rc = sqlite3_backup_step(bk, -1);
        sqlite3_backup_finish(bk);
        /* either side may have failed (a damaged old file, a full disk):
         * the code says which, neither handle's message does */
        if (rc != SQLITE_DONE)
                return db_fail(NULL, rc, path, d, "cannot copy the database");
        return HULL_OK;
}

int hull_vuln_db_writer_begin(const char *path, int64_t now, struct hull_vuln_db_writer **ret,
                              struct hull_diag *d) {
        _cleanup_(hull_vuln_db_writer_freep) struct hull_vuln_db_writer *w = NULL;
        char lock[HULL_MAX_PATH_BYTES + 16], b[600], setup[256];
        struct stat st;
        sqlite3 *old = NULL;
        enum db_state state = DB_EMPTY;
        int64_t ver = 0;
        int rc, fd;

        if (strlen(path) > HULL_MAX_PATH_BYTES)
                return hull_diag_set(d, HULL_ELIMIT, NULL, 0, 0, "database path too long");
        w = new0(struct hull_vuln_db_writer, 1);
        if (!w)
                return nomem(d, path);
        w->lock_fd = -1;
        w->now = now;
        /* a safety net, out of a bounded record's reach (about 40 bytes per
         * JSON value at most, plus copies of the text) */
        hull_arena_init(&w->arena, 8 * (size_t)HULL_MAX_OSV_RECORD_BYTES);
        hull_buf_init(&w->ranges, 2 * (size_t)HULL_MAX_OSV_RECORD_BYTES);
        hull_buf_init(&w->info, 2 * (size_t)HULL_MAX_OSV_RECORD_BYTES);
        hull_buf_init(&w->name, 2 * HULL_MAX_PATH_BYTES + 64);
        w->path = hull_strdup(path);
        w->tmp = hull_malloc(strlen(path) + 32);
        w->zc = ZSTD_createCCtx();
        if (!w->path || !w->tmp || !w->zc)
                return nomem(d, path);
        snprintf(w->tmp, strlen(path) + 32, "%s.tmp-%ld", path, (long)getpid());

        if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
                return hull_diag_set(d, HULL_EIO, path, 0, 0, "database %s is not a regular file",
                                     qs(b, sizeof(b), path));
        HULL_TRY(make_parent(path, d));
        snprintf(lock, sizeof(lock), "%s.lock", path);
        w->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (w->lock_fd < 0) {
                int e = errno;
                return hull_diag_errno(d, HULL_EIO, e, path, "cannot create lock file %s",
                                       qs(b, sizeof(b), lock));
        }
        if (flock(w->lock_fd, LOCK_EX | LOCK_NB) != 0)
                return hull_diag_set(d, HULL_EIO, path, 0, 0,
                                     "database %s is being updated by another hullscan (lock %s)",
                                     qs(b, sizeof(b), path), lock);
        remove_stale_tmp(path);

        if (stat(path, &st) == 0) {
                if (!S_ISREG(st.st_mode))
                        return hull_diag_set(d, HULL_EIO, path, 0, 0,
                                             "database %s is not a regular file",
                                             qs(b, sizeof(b), path));
                /* mode bits first: access() says yes to root */
                if ((st.st_mode & 0222) == 0 || access(path, W_OK) != 0)
                        return hull_diag_set(d, HULL_EIO, path, 0, 0,
                                             "database %s is read-only: not updating it",
                                             qs(b, sizeof(b), path));
                HULL_TRY(open_ro(path, &old, &state, &ver, d));
        } else if (errno != ENOENT) {
                int e = errno;
                return hull_diag_errno(d, HULL_EIO, e, path, "cannot open database %s",
                                       qs(b, sizeof(b), path));
        }

        fd = open(w->tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) {
                int e = errno;
                sqlite3_close(old);
                return hull_diag_errno(d, HULL_EIO, e, path, "cannot create %s",
                                       qs(b, sizeof(b), w->tmp));
        }
        close(fd);
        w->tmp_made = true;
        rc = sqlite3_open_v2(w->tmp, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
        if (rc != SQLITE_OK) {
                sqlite3_close(old);
                return db_fail(w->db, rc, w->tmp, d, "cannot open");
        }
        /* the copy is private until renamed: no journal, no syncs until the end */
        rc = exec(w->db,
                  "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                  " PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;",
                  path, d);
        if (rc == HULL_OK && state == DB_OURS)
                rc = copy_db(old, w->db, path, d);
        sqlite3_close(old);
        HULL_TRY(rc);
        /* an older schema is not migrated: the import starts a new
         * database (db update then downloads everything again) */
        if (state != DB_OURS) {
                /* larger pages: a record's zstd frame (most under 2 KiB)
                 * and a package's rows share pages better, about a tenth
                 * smaller a file than with 4 KiB pages */
                HULL_TRY(exec(w->db, "PRAGMA page_size = " DB_PAGE_SIZE, path, d));
                HULL_TRY(exec(w->db, schema_sql, path, d));
                snprintf(setup, sizeof(setup),
                         "PRAGMA application_id = %d; PRAGMA user_version = %d;",
                         HULL_VULN_DB_APPLICATION_ID, HULL_VULN_DB_SCHEMA_VERSION);
                HULL_TRY(exec(w->db, setup, path, d));
        }
        /* the packages whose rows changed: their package_rows are rebuilt
         * at commit */
        HULL_TRY(exec(w->db,
                      "CREATE TEMP TABLE touched(ecosystem TEXT NOT NULL, name TEXT NOT NULL,"
                      " PRIMARY KEY(ecosystem, name)) WITHOUT ROWID",
                      path, d));
        HULL_TRY(exec(w->db, "BEGIN", path, d));
        for (int i = 0; i < _S_MAX; i++) {
                rc = sqlite3_prepare_v3(w->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                        &w->stmt[i], NULL);
                if (rc != SQLITE_OK)
                        return w_fail(w, rc, d, "cannot prepare a statement");
        }
        *ret = TAKE_PTR(w);
        return HULL_OK;
}

void hull_vuln_db_writer_set_skip_cb(struct hull_vuln_db_writer *w, hull_vuln_import_skip_fn *fn,
                                     void *ud) {
        w->skip_fn = fn;
        w->skip_ud = ud;
}

const struct hull_vuln_import_stats *
hull_vuln_db_writer_stats(const struct hull_vuln_db_writer *w) {
        return &w->st;
}

int hull_vuln_db_writer_modified(struct hull_vuln_db_writer *w, const char *id,
                                 struct hull_osv_time *ret, bool *ret_found, struct hull_diag *d) {
        sqlite3_stmt *s = w->stmt[S_FIND];
        const char *t;
        int rc;

        if (w->failed)
                return hull_diag_set(d, HULL_EINVAL, w->path, 0, 0, "import already failed");
        rc = sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
        if (rc == SQLITE_OK)
                rc = sqlite3_step(s);
        *ret_found = false;
        if (rc == SQLITE_ROW) {
                /* a stored time we cannot read counts as none: it is replaced */
                t = col_text(s, 1);
                *ret_found = t && hull_osv_time_parse(t, strlen(t), ret) == HULL_OK;
                rc = SQLITE_DONE;
        }
        sqlite3_reset(s);
        return rc == SQLITE_DONE ? HULL_OK : w_fail(w, rc, d, "cannot look up a record");
}

int hull_vuln_db_writer_meta_get(struct hull_vuln_db_writer *w, const char *key,
                                 struct hull_arena *a, const char **ret, struct hull_diag *d) {
        _cleanup_(stmt_finalizep) sqlite3_stmt *s = NULL;
        bool oom = false;
        int rc;

        if (w->failed)
                return hull_diag_set(d, HULL_EINVAL, w->path, 0, 0, "import already failed");
        rc = meta_step(w->db, key, &s);
        if (rc == SQLITE_DONE) {
                *ret = NULL;
                return HULL_OK;
        }
        if (rc != SQLITE_ROW)
                return w_fail(w, rc, d, "cannot read meta");
        *ret = arena_col(a, s, 0, &oom);
        return oom ? nomem(d, w->path) : HULL_OK;
}

int hull_vuln_db_writer_ecosystems(struct hull_vuln_db_writer *w, struct hull_arena *a,
                                   const char ***ret, size_t *ret_n, struct hull_diag *d) {
        _cleanup_(stmt_finalizep) sqlite3_stmt *s = NULL;
        const char **v = NULL;
        size_t n = 0, cap = 0;
        bool oom = false;
        int rc;

        if (w->failed)
                return hull_diag_set(d, HULL_EINVAL, w->path, 0, 0, "import already failed");
        rc = sqlite3_prepare_v2(w->db, "SELECT DISTINCT ecosystem FROM affected ORDER BY ecosystem",
                                -1, &s, NULL);
        if (rc != SQLITE_OK)
                return w_fail(w, rc, d, "cannot list ecosystems");
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
                const char **slot = hull_arena_push(a, (void **)&v, &n, &cap, sizeof(*v));
                if (!slot)
                        return nomem(d, w->path);
                *slot = arena_col(a, s, 0, &oom);
        }
        if (rc != SQLITE_DONE)
                return w_fail(w, rc, d, "cannot list ecosystems");
        if (oom)
                return nomem(d, w->path);
        *ret = v;
        *ret_n = n;
        return HULL_OK;
}

struct hull_vuln_db_writer *hull_vuln_db_writer_free(struct hull_vuln_db_writer *w) {
        if (!w)
                return NULL;
        for (int i = 0; i < _S_MAX; i++)
                sqlite3_finalize(w->stmt[i]);
        sqlite3_close_v2(w->db);
        if (w->tmp_made)
                (void)unlink(w->tmp);
        if (w->lock_fd >= 0)
                close(w->lock_fd);
        hull_arena_release(&w->arena);
        hull_buf_release(&w->ranges);
        hull_buf_release(&w->info);
        hull_buf_release(&w->name);
        ZSTD_freeCCtx(w->zc);
        hull_free(w->z);
        hull_free(w->data);
        hull_free(w->path);
        hull_free(w->tmp);
        hull_free(w);
        return NULL;
}

/* Run a reset statement to completion. */
static int run(struct hull_vuln_db_writer *w, sqlite3_stmt *s, struct hull_diag *d) {
        int rc = sqlite3_step(s);

        sqlite3_reset(s);
        if (rc != SQLITE_DONE)
                return w_fail(w, rc, d, "cannot store a record");
        return HULL_OK;
}

/* Bind text or NULL. */
static int bind_text(sqlite3_stmt *s, int i, const char *t) {
        return t ? sqlite3_bind_text(s, i, t, -1, SQLITE_STATIC) : sqlite3_bind_null(s, i);
}

#define BIND(w, d, call)                                                                           \
        do {                                                                                       \
                int _rc_ = (call);                                                                 \
                if (_rc_ != SQLITE_OK)                                                             \
                        return w_fail((w), _rc_, (d), "cannot store a record");                    \
        } while (0)

static int delete_record(struct hull_vuln_db_writer *w, int64_t rid, struct hull_diag *d) {
        for (int i = S_TOUCH_RID; i <= S_DEL_AFFECTED; i++) {
                BIND(w, d, sqlite3_bind_int64(w->stmt[i], 1, rid));
                HULL_TRY(run(w, w->stmt[i], d));
        }
        return HULL_OK;
}

static int insert_severities(struct hull_vuln_db_writer *w, int64_t rid, int64_t *idx,
                             const struct hull_osv_severity *sv, size_t n, int64_t affected,
                             struct hull_diag *d) {
        sqlite3_stmt *s = w->stmt[S_INS_SEVERITY];

        for (size_t i = 0; i < n; i++) {
                BIND(w, d, sqlite3_bind_int64(s, 1, rid));
                BIND(w, d, sqlite3_bind_int64(s, 2, (*idx)++));
                BIND(w, d,
                     affected < 0 ? sqlite3_bind_null(s, 3) : sqlite3_bind_int64(s, 3, affected));
                BIND(w, d, bind_text(s, 4, sv[i].type_name));
                BIND(w, d, bind_text(s, 5, sv[i].score));
                HULL_TRY(run(w, s, d));
        }
        return HULL_OK;
}

/* One affected row; it carries the record's id, modified and withdrawn
 * flag, and the release as hull_vuln_release_canonical() spells it (the
 * lookup by release compares it), so lookups read no other table. */
static int insert_affected(struct hull_vuln_db_writer *w, int64_t rid,
                           const struct hull_osv_record *rec, const struct hull_osv_affected *a,
                           int64_t idx, const char *modified, const char *name,
                           struct hull_diag *d) {
        sqlite3_stmt *s = w->stmt[S_INS_AFFECTED];
        const char *release;
        char relbuf[256];
        size_t base_len, nlen = strlen(a->name);
        int r;

        hull_vuln_ecosystem_split(a->ecosystem, &base_len, &release);
        r = encode_ranges(&w->ranges, a);
        if (r == HULL_ELIMIT)
                return hull_diag_set(d, HULL_ELIMIT, name, 0, 0, "%s: ranges too large", name);
        if (r)
                return nomem(d, name);
        char *ecobuf = hull_arena_strndup(&w->arena, a->ecosystem, base_len);
        char *norm = hull_arena_alloc(&w->arena, nlen + 1);
        if (!ecobuf || !norm)
                return nomem(d, name);
        hull_vuln_name_normalize(ecobuf, a->name, nlen, norm);
        /* the same buffer size as the matcher's, so the same cut */
        const char *rel_key =
                release ? hull_vuln_release_canonical(hull_vuln_ecosystem_find(ecobuf, base_len),
                                                      release, relbuf, sizeof(relbuf))
                        : NULL;
        BIND(w, d, sqlite3_bind_int64(s, 1, rid));
        BIND(w, d, sqlite3_bind_int64(s, 2, idx));
        BIND(w, d, bind_text(s, 3, ecobuf));
        BIND(w, d, bind_text(s, 4, release));
        BIND(w, d, bind_text(s, 5, norm));
        BIND(w, d, bind_text(s, 6, a->purl));
        BIND(w, d, bind_text(s, 7, a->urgency));
        BIND(w, d,
             sqlite3_bind_blob(s, 8, w->ranges.len ? w->ranges.data : "", (int)w->ranges.len,
                               SQLITE_STATIC));
        BIND(w, d, sqlite3_bind_text(s, 9, rec->id, -1, SQLITE_STATIC));
        BIND(w, d, sqlite3_bind_text(s, 10, modified, -1, SQLITE_STATIC));
        BIND(w, d, sqlite3_bind_int(s, 11, rec->has_withdrawn));
        BIND(w, d, bind_text(s, 12, rel_key));
        HULL_TRY(run(w, s, d));
        s = w->stmt[S_TOUCH];
        BIND(w, d, bind_text(s, 1, ecobuf));
        BIND(w, d, bind_text(s, 2, norm));
        return run(w, s, d);
}

/* Compress raw into w->z; *ret_n its size, or 0 to store it plain. */
static int compress_raw(struct hull_vuln_db_writer *w, const char *raw, size_t n, size_t *ret_n,
                        struct hull_diag *d, const char *name) {
        size_t bound = ZSTD_compressBound(n), got;

        if (bound > w->z_cap) {
                void *p = hull_realloc(w->z, bound);
                if (!p)
                        return nomem(d, name);
                w->z = p;
                w->z_cap = bound;
        }
        got = ZSTD_compressCCtx(w->zc, w->z, w->z_cap, raw, n, ZSTD_LEVEL);
        *ret_n = ZSTD_isError(got) || got >= n ? 0 : got;
        return HULL_OK;
}

/* An ADVISORY reference, else WEB, else the first; NULL. */
static const char *pick_url(const struct hull_osv_record *r) {
        for (size_t i = 0; i < r->n_references; i++)
                if (r->references[i].type == HULL_OSV_REFERENCE_ADVISORY)
                        return r->references[i].url;
        for (size_t i = 0; i < r->n_references; i++)
                if (r->references[i].type == HULL_OSV_REFERENCE_WEB)
                        return r->references[i].url;
        return r->n_references ? r->references[0].url : NULL;
}

/* The first line of details, white space before it skipped, cut at 200
 * bytes (at a character boundary, and saying so with "..."); nothing when
 * it is empty. */
static int put_first_line(struct hull_buf *b, const char *s) {
        size_t n;

        if (!s)
                return HULL_OK;
        while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
                s++;
        n = strcspn(s, "\r\n");
        if (n <= 200)
                return n ? put_bytes(b, INFO_SUMMARY, s, n) : HULL_OK;
        n = 200;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
                n--;
        HULL_TRY(hull_buf_putc(b, INFO_SUMMARY));
        HULL_TRY(put_leb(b, n + 3));
        HULL_TRY(hull_buf_put(b, s, n));
        return hull_buf_put(b, "...", 4); /* with the item's NUL */
}

static int put_severities(struct hull_buf *b, const struct hull_osv_severity *v, size_t n) {
        for (size_t i = 0; i < n; i++)
                HULL_TRY(put_item(b, sev_tag[v[i].type], v[i].score));
        return HULL_OK;
}

static int encode_info(struct hull_buf *b, const struct hull_osv_record *r) {
        hull_buf_reset(b);
        for (size_t i = 0; i < r->n_aliases; i++)
                HULL_TRY(put_item(b, INFO_ALIAS, r->aliases[i]));
        for (size_t i = 0; i < r->n_related; i++)
                HULL_TRY(put_item(b, INFO_RELATED, r->related[i]));
        for (size_t i = 0; i < r->n_upstream; i++)
                HULL_TRY(put_item(b, INFO_RELATED, r->upstream[i]));
        if (!(r->summary && *r->summary))
                HULL_TRY(put_first_line(b, r->details));
        if (pick_url(r))
                HULL_TRY(put_item(b, INFO_URL, pick_url(r)));
        HULL_TRY(put_severities(b, r->severity, r->n_severity));
        for (size_t i = 0; i < r->n_affected; i++) {
                const struct hull_osv_affected *a = &r->affected[i];
                if (!a->ecosystem || !a->n_severity)
                        continue;
                HULL_TRY(put_item(b, INFO_ECOSYSTEM, a->ecosystem));
                HULL_TRY(put_item(b, INFO_NAME, a->name));
                HULL_TRY(put_severities(b, a->severity, a->n_severity));
        }
        return HULL_OK;
}

static int store(struct hull_vuln_db_writer *w, const struct hull_osv_record *r, const char *raw,
                 size_t raw_len, const char *name, struct hull_diag *d) {
        char mod[HULL_OSV_TIME_TEXT], pub[HULL_OSV_TIME_TEXT], wd[HULL_OSV_TIME_TEXT];
        sqlite3_stmt *s = w->stmt[S_FIND];
        int64_t rid = 0, idx;
        bool exists = false;
        size_t zn = 0;
        int rc;

        BIND(w, d, sqlite3_bind_text(s, 1, r->id, -1, SQLITE_STATIC));
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
                struct hull_osv_time old;
                const char *t = col_text(s, 1);
                exists = true;
                rid = sqlite3_column_int64(s, 0);
                /* a stored time we cannot read is replaced */
                if (t && hull_osv_time_parse(t, strlen(t), &old) == HULL_OK &&
                    hull_osv_time_cmp(&r->modified, &old) <= 0) {
                        sqlite3_reset(s);
                        w->st.unchanged++;
                        return HULL_OK;
                }
        }
        sqlite3_reset(s);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
                return w_fail(w, rc, d, "cannot look up a record");
        if (exists) {
                HULL_TRY(delete_record(w, rid, d));
                w->st.updated++;
        } else {
                w->st.added++;
        }
        if (r->has_withdrawn)
                w->st.withdrawn++;

        s = w->stmt[S_INS_RECORD];
        BIND(w, d, sqlite3_bind_text(s, 1, r->id, -1, SQLITE_STATIC));
        BIND(w, d, bind_text(s, 2, hull_osv_time_format(&r->modified, mod)));
        BIND(w, d,
             bind_text(s, 3, r->has_published ? hull_osv_time_format(&r->published, pub) : NULL));
        BIND(w, d,
             bind_text(s, 4, r->has_withdrawn ? hull_osv_time_format(&r->withdrawn, wd) : NULL));
        BIND(w, d, bind_text(s, 5, r->summary));
        BIND(w, d, bind_text(s, 6, r->details));
        BIND(w, d, bind_text(s, 7, r->severity_label));
        rc = encode_info(&w->info, r);
        if (rc == HULL_ENOMEM)
                return nomem(d, name);
        if (rc != HULL_OK)
                return hull_diag_set(d, HULL_ELIMIT, name, 0, 0, "%s: record too large", name);
        BIND(w, d,
             sqlite3_bind_blob(s, 8, w->info.len ? w->info.data : "", (int)w->info.len,
                               SQLITE_STATIC));
        HULL_TRY(run(w, s, d));
        rid = sqlite3_last_insert_rowid(w->db);

        HULL_TRY(compress_raw(w, raw, raw_len, &zn, d, name));
        s = w->stmt[S_INS_RAW];
        BIND(w, d, sqlite3_bind_int64(s, 1, rid));
        BIND(w, d, sqlite3_bind_int(s, 2, zn ? RAW_ZSTD : RAW_PLAIN));
        BIND(w, d,
             sqlite3_bind_blob(s, 3, zn ? w->z : (raw_len ? raw : ""), (int)(zn ? zn : raw_len),
                               SQLITE_STATIC));
        HULL_TRY(run(w, s, d));

        s = w->stmt[S_INS_ALIAS];
        for (size_t i = 0; i < r->n_aliases; i++) {
                BIND(w, d, sqlite3_bind_int64(s, 1, rid));
                BIND(w, d, sqlite3_bind_int64(s, 2, (int64_t)i));
                BIND(w, d, bind_text(s, 3, r->aliases[i]));
                HULL_TRY(run(w, s, d));
        }
        s = w->stmt[S_INS_RELATED];
        idx = 0;
        for (int kind = 0; kind < 2; kind++) {
                const char **ids = kind ? r->upstream : r->related;
                size_t n = kind ? r->n_upstream : r->n_related;
                for (size_t i = 0; i < n; i++) {
                        BIND(w, d, sqlite3_bind_int64(s, 1, rid));
                        BIND(w, d, sqlite3_bind_int64(s, 2, idx++));
                        BIND(w, d, sqlite3_bind_int(s, 3, kind));
                        BIND(w, d, bind_text(s, 4, ids[i]));
                        HULL_TRY(run(w, s, d));
                }
        }
        s = w->stmt[S_INS_REF];
        for (size_t i = 0; i < r->n_references; i++) {
                BIND(w, d, sqlite3_bind_int64(s, 1, rid));
                BIND(w, d, sqlite3_bind_int64(s, 2, (int64_t)i));
                BIND(w, d, bind_text(s, 3, r->references[i].type_name));
                BIND(w, d, bind_text(s, 4, r->references[i].url));
                HULL_TRY(run(w, s, d));
        }
        idx = 0;
        HULL_TRY(insert_severities(w, rid, &idx, r->severity, r->n_severity, -1, d));
        for (size_t i = 0; i < r->n_affected; i++) {
                const struct hull_osv_affected *a = &r->affected[i];
                HULL_TRY(
                        insert_severities(w, rid, &idx, a->severity, a->n_severity, (int64_t)i, d));
                if (a->ecosystem && a->name)
                        HULL_TRY(insert_affected(w, rid, r, a, (int64_t)i, mod, name, d));
        }
        return HULL_OK;
}

/* One record's bytes: parse, then store or count. */
static int process(struct hull_vuln_db_writer *w, const char *data, size_t len, const char *name,
                   struct hull_diag *d) {
        struct hull_osv_record *rec;
        struct hull_diag rd;
        char b[600];
        int r;

        if (w->st.files >= HULL_MAX_OSV_IMPORT_FILES)
                return hull_diag_set(d, HULL_ELIMIT, name, 0, 0,
                                     "more than %u files and archive entries in one import",
                                     HULL_MAX_OSV_IMPORT_FILES);
        w->st.files++;
        hull_arena_release(&w->arena);
        hull_diag_init(&rd);
        r = hull_osv_parse(data, len, name, &w->arena, &rec, &rd);
        if (r == HULL_OK) {
                w->st.records++;
                return store(w, rec, data, len, name, d);
        }
        if (r == HULL_ENOMEM)
                return hull_diag_set(d, HULL_ENOMEM, name, 0, 0, "%s: out of memory",
                                     qs(b, sizeof(b), name));
        if (r == HULL_ENOTFOUND)
                w->st.ignored++;
        else
                w->st.skipped++;
        if (w->skip_fn)
                w->skip_fn(w->skip_ud, &rd);
        return HULL_OK;
}

/* A record that could not be read at all, counted like a malformed one. */
static void skip_unreadable(struct hull_vuln_db_writer *w, int code, int err, const char *name,
                            const char *fmt, ...) _printf_(5, 6);
static void skip_unreadable(struct hull_vuln_db_writer *w, int code, int err, const char *name,
                            const char *fmt, ...) {
        struct hull_diag rd;
        char msg[400];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        hull_diag_init(&rd);
        if (err)
                hull_diag_errno(&rd, code, err, name, "%s", msg);
        else
                hull_diag_set(&rd, code, name, 0, 0, "%s", msg);
        w->st.files++;
        w->st.skipped++;
        if (w->skip_fn)
                w->skip_fn(w->skip_ud, &rd);
}

int hull_vuln_db_writer_add_record(struct hull_vuln_db_writer *w, const char *data, size_t len,
                                   const char *name, struct hull_diag *d) {
        int r;

        if (w->failed)
                return hull_diag_set(d, HULL_EINVAL, w->path, 0, 0, "import already failed");
        r = process(w, data, len, name ? name : "(input)", d);
        w->failed = r != HULL_OK;
        return r;
}

static int reserve(struct hull_vuln_db_writer *w, size_t n, struct hull_diag *d, const char *name) {
        if (n <= w->data_cap)
                return HULL_OK;
        char *p = hull_realloc(w->data, n);
        if (!p)
                return nomem(d, name);
        w->data = p;
        w->data_cap = n;
        return HULL_OK;
}

/* A JSON record file already open as fd (closed here). */
static int add_json_fd(struct hull_vuln_db_writer *w, int fd, const struct stat *st,
                       const char *path, struct hull_diag *d) {
        char b[600];
        size_t len = 0;

        if ((uint64_t)st->st_size > HULL_MAX_OSV_RECORD_BYTES) {
                close(fd);
                skip_unreadable(w, HULL_ELIMIT, 0, path,
                                "%s: record of %lld bytes, more than the limit of %u", path,
                                (long long)st->st_size, HULL_MAX_OSV_RECORD_BYTES);
                return HULL_OK;
        }
        if (reserve(w, (size_t)st->st_size + 1, d, path)) {
                close(fd);
                return HULL_ENOMEM;
        }
        for (;;) {
                ssize_t n = read(fd, w->data + len, w->data_cap - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int e = errno;
                        close(fd);
                        skip_unreadable(w, HULL_EIO, e, path, "cannot read %s",
                                        qs(b, sizeof(b), path));
                        return HULL_OK;
                }
                if (n == 0)
                        break;
                len += (size_t)n;
                if (len == w->data_cap) {
                        /* the file grew while we read it */
                        if (len > HULL_MAX_OSV_RECORD_BYTES) {
                                close(fd);
                                skip_unreadable(w, HULL_ELIMIT, 0, path,
                                                "%s: record larger than the limit of %u bytes",
                                                path, HULL_MAX_OSV_RECORD_BYTES);
                                return HULL_OK;
                        }
                        if (reserve(w, len + 65536, d, path)) {
                                close(fd);
                                return HULL_ENOMEM;
                        }
                }
        }
        close(fd);
        return process(w, w->data, len, path, d);
}

/* ---- zip archives ---- */

static uint64_t le(const unsigned char *p, unsigned n) {
        uint64_t v = 0;

        for (unsigned i = n; i-- > 0;)
                v = v << 8 | p[i];
        return v;
}

/* The entry count of the zip at fd (size bytes), from its end-of-central-
 * directory record (zip64's when the classic one overflows). */
static int zip_entry_count(int fd, uint64_t size, const char *path, uint64_t *ret,
                           struct hull_diag *d) {
        unsigned char tail[65557], z64[56];
        size_t n = size < sizeof(tail) ? (size_t)size : sizeof(tail);
        uint64_t start = size - n;
        char b[600];
        ssize_t got = pread(fd, tail, n, (off_t)start);

        if (got < 0 || (size_t)got != n) {
                int e = got < 0 ? errno : EIO;
                return hull_diag_errno(d, HULL_EIO, e, path, "cannot read %s",
                                       qs(b, sizeof(b), path));
        }
        for (size_t i = n >= 22 ? n - 22 + 1 : 0; i-- > 0;) {
                if (memcmp(tail + i, "PK\x05\x06", 4) != 0)
                        continue;
                uint64_t count = le(tail + i + 10, 2);
                if (count == 0xffff && i >= 20 && memcmp(tail + i - 20, "PK\x06\x07", 4) == 0) {
                        uint64_t off = le(tail + i - 20 + 8, 8);
                        if (off > size - sizeof(z64) ||
                            pread(fd, z64, sizeof(z64), (off_t)off) != (ssize_t)sizeof(z64) ||
                            memcmp(z64, "PK\x06\x06", 4) != 0)
                                return hull_diag_set(d, HULL_ECORRUPT, path, 0, 0,
                                                     "corrupt zip archive %s: bad zip64 end of "
                                                     "central directory",
                                                     qs(b, sizeof(b), path));
                        count = le(z64 + 32, 8);
                }
                *ret = count;
                return HULL_OK;
        }
        return hull_diag_set(d, HULL_ECORRUPT, path, 0, 0,
                             "corrupt zip archive %s: no end of central directory record "
                             "(truncated?)",
                             qs(b, sizeof(b), path));
}

static void archive_freep(struct archive **a) {
        if (*a)
                archive_read_free(*a);
}

static const char *zip_error(struct archive *a) {
        const char *e = archive_error_string(a);
        return e ? e : "unknown error";
}

static int add_zip_fd(struct hull_vuln_db_writer *w, int fd, const struct stat *st,
                      const char *path, struct hull_diag *d) {
        _cleanup_(archive_freep) struct archive *a = NULL;
        uint64_t count, entries = 0, inflated = 0, cap, size = (uint64_t)st->st_size;
        struct archive_entry *e;
        char b[600], eb[600];
        int r;

        r = zip_entry_count(fd, size, path, &count, d);
        if (r)
                return r;
        if (count > HULL_MAX_OSV_ZIP_ENTRIES)
                return hull_diag_set(d, HULL_ELIMIT, path, 0, 0,
                                     "zip archive %s has %llu entries, more than the limit of %u",
                                     qs(b, sizeof(b), path), (unsigned long long)count,
                                     HULL_MAX_OSV_ZIP_ENTRIES);
        cap = HULL_MAX_OSV_ZIP_INFLATED_BYTES;
        if (size < (cap - HULL_DECOMPRESSION_RATIO_GRACE) / HULL_MAX_OSV_ZIP_RATIO)
                cap = HULL_DECOMPRESSION_RATIO_GRACE + size * HULL_MAX_OSV_ZIP_RATIO;

        a = archive_read_new();
        if (!a)
                return nomem(d, path);
        if (archive_read_support_format_zip_seekable(a) != ARCHIVE_OK ||
            archive_read_open_fd(a, fd, 65536) != ARCHIVE_OK)
                return hull_diag_set(d, HULL_ECORRUPT, path, 0, 0, "corrupt zip archive %s: %s",
                                     qs(b, sizeof(b), path), zip_error(a));
        for (;;) {
                r = archive_read_next_header(a, &e);
                if (r == ARCHIVE_EOF)
                        break;
                if (++entries > HULL_MAX_OSV_ZIP_ENTRIES)
                        return hull_diag_set(d, HULL_ELIMIT, path, 0, 0,
                                             "zip archive %s has more than %u entries",
                                             qs(b, sizeof(b), path), HULL_MAX_OSV_ZIP_ENTRIES);
                if (r == ARCHIVE_FATAL)
                        return hull_diag_set(d, HULL_ECORRUPT, path, 0, 0,
                                             "corrupt zip archive %s: %s", qs(b, sizeof(b), path),
                                             zip_error(a));
                const char *ename = r >= ARCHIVE_WARN ? archive_entry_pathname(e) : NULL;
                hull_buf_reset(&w->name);
                if (hull_buf_printf(&w->name, "%s:%s", path, ename ? ename : "(entry)") != HULL_OK)
                        return nomem(d, path);
                const char *name = w->name.data;
                if (r < ARCHIVE_WARN) {
                        skip_unreadable(w, HULL_ECORRUPT, 0, name, "%s: unreadable entry: %s", name,
                                        zip_error(a));
                        continue;
                }
                if (archive_entry_filetype(e) != AE_IFREG || !ename ||
                    !hull_endswith(ename, ".json"))
                        continue;
                if (archive_entry_size_is_set(e) &&
                    archive_entry_size(e) > (la_int64_t)HULL_MAX_OSV_RECORD_BYTES) {
                        skip_unreadable(w, HULL_ELIMIT, 0, name,
                                        "%s: record of %lld bytes, more than the limit of %u", name,
                                        (long long)archive_entry_size(e),
                                        HULL_MAX_OSV_RECORD_BYTES);
                        continue;
                }
                if (reserve(w, HULL_MAX_OSV_RECORD_BYTES + 1, d, path))
                        return HULL_ENOMEM;
                size_t len = 0;
                bool bad = false;
                for (;;) {
                        la_ssize_t n = archive_read_data(a, w->data + len, w->data_cap - len);
                        if (n == 0)
                                break;
                        if (n < 0) {
                                if (n == ARCHIVE_FATAL)
                                        return hull_diag_set(d, HULL_ECORRUPT, path, 0, 0,
                                                             "corrupt zip archive %s: %s: %s",
                                                             qs(b, sizeof(b), path),
                                                             qs(eb, sizeof(eb), ename),
                                                             zip_error(a));
                                skip_unreadable(w, HULL_ECORRUPT, 0, name, "%s: %s", name,
                                                zip_error(a));
                                bad = true;
                                break;
                        }
                        inflated += (uint64_t)n;
                        if (inflated > cap)
                                return hull_diag_set(d, HULL_ELIMIT, path, 0, 0,
                                                     "zip archive %s inflates to more than %llu "
                                                     "bytes (%llu bytes compressed): refusing a "
                                                     "likely zip bomb",
                                                     qs(b, sizeof(b), path),
                                                     (unsigned long long)cap,
                                                     (unsigned long long)size);
                        len += (size_t)n;
                        if (len > HULL_MAX_OSV_RECORD_BYTES) {
                                skip_unreadable(w, HULL_ELIMIT, 0, name,
                                                "%s: record larger than the limit of %u bytes",
                                                name, HULL_MAX_OSV_RECORD_BYTES);
                                bad = true;
                                break;
                        }
                }
                if (!bad)
                        HULL_TRY(process(w, w->data, len, name, d));
        }
        return HULL_OK;
}

/* ---- files and directories ---- */

static bool is_zip_magic(const unsigned char *p, size_t n) {
        return n >= 4 && p[0] == 'P' && p[1] == 'K' &&
               ((p[2] == 3 && p[3] == 4) || (p[2] == 5 && p[3] == 6));
}

enum file_kind { FILE_SNIFF, FILE_JSON, FILE_ZIP };

static int add_file(struct hull_vuln_db_writer *w, const char *path, enum file_kind kind, bool top,
                    struct hull_diag *d) {
        struct stat st;
        char b[600];
        int fd, r;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0 || fstat(fd, &st) != 0) {
                int e = errno;
                if (fd >= 0)
                        close(fd);
                if (top)
                        return hull_diag_errno(d, HULL_EIO, e, path, "cannot open %s",
                                               qs(b, sizeof(b), path));
                skip_unreadable(w, HULL_EIO, e, path, "cannot open %s", qs(b, sizeof(b), path));
                return HULL_OK;
        }
        if (!S_ISREG(st.st_mode)) {
                close(fd);
                return hull_diag_set(d, HULL_EIO, path, 0, 0, "%s is not a regular file",
                                     qs(b, sizeof(b), path));
        }
        if (kind == FILE_SNIFF) {
                /* the name too: a zip may start with other bytes (a
                 * self-extractor), and a damaged one deserves a zip error */
                unsigned char magic[4];
                ssize_t n = pread(fd, magic, sizeof(magic), 0);
                kind = (n > 0 && is_zip_magic(magic, (size_t)n)) || hull_endswith(path, ".zip")
                               ? FILE_ZIP
                               : FILE_JSON;
        }
        if (kind == FILE_JSON)
                return add_json_fd(w, fd, &st, path, d);
        r = add_zip_fd(w, fd, &st, path, d);
        close(fd);
        return r;
}

static int cmp_names(const void *a, const void *b) {
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **v, size_t n) {
        for (size_t i = 0; i < n; i++)
                hull_free(v[i]);
        hull_free(v);
}

static int add_dir(struct hull_vuln_db_writer *w, const char *path, unsigned depth,
                   struct hull_diag *d) {
        char **names = NULL, b[600];
        size_t n = 0, cap = 0;
        struct dirent *de;
        DIR *dh;
        int r = HULL_OK;

        if (depth > HULL_MAX_OSV_DIR_DEPTH)
                return hull_diag_set(d, HULL_ELIMIT, path, 0, 0,
                                     "%s: directories nested deeper than %u levels",
                                     qs(b, sizeof(b), path), HULL_MAX_OSV_DIR_DEPTH);
        dh = opendir(path);
        if (!dh) {
                int e = errno;
                return hull_diag_errno(d, HULL_EIO, e, path, "cannot open directory %s",
                                       qs(b, sizeof(b), path));
        }
        /* names first, sorted: the import order (and its messages) must not
         * depend on the file system */
        while ((errno = 0, de = readdir(dh))) {
                if (de->d_name[0] == '.')
                        continue;
                if (n >= HULL_MAX_OSV_IMPORT_FILES) {
                        r = hull_diag_set(d, HULL_ELIMIT, path, 0, 0,
                                          "%s: more than %u directory entries",
                                          qs(b, sizeof(b), path), HULL_MAX_OSV_IMPORT_FILES);
                        break;
                }
                if (n == cap) {
                        size_t ncap = cap ? cap * 2 : 64;
                        char **p = hull_realloc(names, ncap * sizeof(*names));
                        if (!p) {
                                r = nomem(d, path);
                                break;
                        }
                        names = p;
                        cap = ncap;
                }
                if (!(names[n] = hull_strdup(de->d_name))) {
                        r = nomem(d, path);
                        break;
                }
                n++;
        }
        if (r == HULL_OK && errno != 0) {
                int e = errno;
                r = hull_diag_errno(d, HULL_EIO, e, path, "cannot read directory %s",
                                    qs(b, sizeof(b), path));
        }
        closedir(dh);
        if (n > 1)
                qsort(names, n, sizeof(*names), cmp_names);
        for (size_t i = 0; i < n && r == HULL_OK; i++) {
                size_t len = strlen(path) + strlen(names[i]) + 2;
                char *child = hull_malloc(len);
                struct stat st;
                if (!child) {
                        r = nomem(d, path);
                        break;
                }
                snprintf(child, len, "%s%s%s", path, hull_endswith(path, "/") ? "" : "/", names[i]);
                if (lstat(child, &st) != 0) {
                        int e = errno;
                        skip_unreadable(w, HULL_EIO, e, child, "cannot open %s",
                                        qs(b, sizeof(b), child));
                } else if (S_ISDIR(st.st_mode)) {
                        r = add_dir(w, child, depth + 1, d);
                } else if (hull_endswith(names[i], ".json") || hull_endswith(names[i], ".zip")) {
                        /* a symbolic link is followed to a file, never to a directory */
                        bool file = S_ISREG(st.st_mode) ||
                                    (S_ISLNK(st.st_mode) && stat(child, &st) == 0 &&
                                     S_ISREG(st.st_mode));
                        if (file)
                                r = add_file(w, child,
                                             hull_endswith(names[i], ".zip") ? FILE_ZIP : FILE_JSON,
                                             false, d);
                }
                hull_free(child);
        }
        free_names(names, n);
        return r;
}

int hull_vuln_db_writer_add_path(struct hull_vuln_db_writer *w, const char *path,
                                 struct hull_diag *d) {
        struct stat st;
        char b[600];
        int r;

        if (w->failed)
                return hull_diag_set(d, HULL_EINVAL, w->path, 0, 0, "import already failed");
        if (stat(path, &st) != 0) {
                int e = errno;
                r = hull_diag_errno(d, HULL_EIO, e, path, "cannot open %s", qs(b, sizeof(b), path));
        } else if (S_ISDIR(st.st_mode)) {
                r = add_dir(w, path, 0, d);
        } else {
                r = add_file(w, path, FILE_SNIFF, true, d);
        }
        w->failed = r != HULL_OK;
        return r;
}

int hull_vuln_db_writer_set_meta(struct hull_vuln_db_writer *w, const char *key, const char *value,
                                 struct hull_diag *d) {
        sqlite3_stmt *s = w->stmt[S_SET_META];

        if (w->failed)
                return hull_diag_set(d, HULL_EINVAL, w->path, 0, 0, "import already failed");
        BIND(w, d, sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC));
        BIND(w, d, sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC));
        return run(w, s, d);
}

/* ---- package rows ----
 *
 * package_rows holds, per (ecosystem, name) and release as rel_key spells
 * it (has_release 0 and "" for rows that name none), the affected rows a
 * lookup for matching reads: not withdrawn, in (id, idx) order, each
 *   idx and rid (LEB128), then items (above): id, flags (bit 0: a release
 *   item follows, bit 1: an urgency item follows), release, urgency, ranges
 * so that a package costs one read per release spelling instead of one
 * step per row.  Rebuilt at commit for the packages an import touched. */
/* one package's rows in one release: far beyond any real package (the
 * largest in OSV take a few hundred KiB), below SQLite's blob limit */
#define PACKAGE_ROWS_MAX_BYTES (256u * 1024 * 1024)

struct bucket {
        bool has_release;
        char *release; /* heap */
        struct hull_buf data;
};

struct buckets {
        struct bucket *v;
        size_t n, cap;
};

static void buckets_release(struct buckets *b) {
        for (size_t i = 0; i < b->cap; i++) {
                hull_free(b->v[i].release);
                hull_buf_release(&b->v[i].data);
        }
        hull_free(b->v);
}

/* The bucket of (has_release, release), made empty when new. */
static struct bucket *bucket_of(struct buckets *b, bool has_release, const char *release) {
        for (size_t i = 0; i < b->n; i++)
                if (b->v[i].has_release == has_release && strcmp(b->v[i].release, release) == 0)
                        return &b->v[i];
        if (b->n == b->cap) {
                size_t ncap = b->cap ? 2 * b->cap : 8;
                struct bucket *p = hull_realloc(b->v, ncap * sizeof(*p));
                if (!p)
                        return NULL;
                memset(p + b->cap, 0, (ncap - b->cap) * sizeof(*p));
                for (size_t i = b->cap; i < ncap; i++)
                        hull_buf_init(&p[i].data, PACKAGE_ROWS_MAX_BYTES);
                b->v = p;
                b->cap = ncap;
        }
        struct bucket *k = &b->v[b->n];
        char *copy = hull_strdup(release);
        if (!copy)
                return NULL;
        hull_free(k->release);
        k->release = copy;
        k->has_release = has_release;
        hull_buf_reset(&k->data);
        b->n++;
        return k;
}

static int put_row(struct hull_buf *b, sqlite3_stmt *s) {
        const char *release = col_text(s, 2), *urgency = col_text(s, 4);
        unsigned char flags = (release ? ROW_HAS_RELEASE : 0) | (urgency ? ROW_HAS_URGENCY : 0);

        HULL_TRY(put_leb(b, (uint64_t)sqlite3_column_int64(s, 0)));
        HULL_TRY(put_leb(b, (uint64_t)sqlite3_column_int64(s, 6)));
        HULL_TRY(put_bytes(b, 'I', col_text(s, 1), (size_t)sqlite3_column_bytes(s, 1)));
        HULL_TRY(put_bytes(b, 'F', &flags, 1));
        if (release)
                HULL_TRY(put_bytes(b, 'r', release, (size_t)sqlite3_column_bytes(s, 2)));
        if (urgency)
                HULL_TRY(put_bytes(b, 'u', urgency, (size_t)sqlite3_column_bytes(s, 4)));
        return put_bytes(b, 'X', sqlite3_column_blob(s, 5), (size_t)sqlite3_column_bytes(s, 5));
}

static int rebuild_package(struct hull_vuln_db_writer *w, struct buckets *bk, const char *eco,
                           const char *name, struct hull_diag *d) {
        sqlite3_stmt *s = w->stmt[S_DEL_ROWS];
        char b[600];
        int rc, r = HULL_OK;

        BIND(w, d, bind_text(s, 1, eco));
        BIND(w, d, bind_text(s, 2, name));
        HULL_TRY(run(w, s, d));
        bk->n = 0;
        s = w->stmt[S_ROWS_OF];
        BIND(w, d, bind_text(s, 1, eco));
        BIND(w, d, bind_text(s, 2, name));
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
                bool has = sqlite3_column_type(s, 2) != SQLITE_NULL;
                const char *key = has && col_text(s, 3) ? col_text(s, 3) : "";
                struct bucket *k = bucket_of(bk, has, key);
                r = k ? put_row(&k->data, s) : HULL_ENOMEM;
                if (r)
                        break;
        }
        sqlite3_reset(s);
        if (r == HULL_ENOMEM)
                return nomem(d, w->path);
        if (r)
                return hull_diag_set(d, HULL_ELIMIT, w->path, 0, 0,
                                     "the rows of package %s in %s take more than %u bytes",
                                     qs(b, sizeof(b), name), eco, PACKAGE_ROWS_MAX_BYTES);
        if (rc != SQLITE_DONE)
                return w_fail(w, rc, d, "cannot read the rows of a package");
        s = w->stmt[S_INS_ROWS];
        for (size_t i = 0; i < bk->n; i++) {
                const struct bucket *k = &bk->v[i];
                BIND(w, d, bind_text(s, 1, eco));
                BIND(w, d, bind_text(s, 2, name));
                BIND(w, d, sqlite3_bind_int(s, 3, k->has_release));
                BIND(w, d, bind_text(s, 4, k->release));
                BIND(w, d, sqlite3_bind_blob(s, 5, k->data.data, (int)k->data.len, SQLITE_STATIC));
                HULL_TRY(run(w, s, d));
        }
        return HULL_OK;
}

static int rebuild_package_rows(struct hull_vuln_db_writer *w, struct hull_diag *d) {
        _cleanup_(stmt_finalizep) sqlite3_stmt *t = NULL;
        struct buckets bk = {0};
        int rc, r = HULL_OK;

        rc = sqlite3_prepare_v2(w->db, "SELECT ecosystem, name FROM temp.touched", -1, &t, NULL);
        if (rc != SQLITE_OK)
                return w_fail(w, rc, d, "cannot list the packages imported");
        while (r == HULL_OK && (rc = sqlite3_step(t)) == SQLITE_ROW)
                r = rebuild_package(w, &bk, col_text(t, 0), col_text(t, 1), d);
        buckets_release(&bk);
        if (r)
                return r;
        if (rc != SQLITE_DONE)
                return w_fail(w, rc, d, "cannot list the packages imported");
        sqlite3_finalize(t);
        t = NULL;
        return exec(w->db, "DELETE FROM temp.touched", w->path, d);
}

static int log_import(struct hull_vuln_db_writer *w, const char *source, struct hull_diag *d) {
        _cleanup_(stmt_finalizep) sqlite3_stmt *s = NULL;
        const struct hull_vuln_import_stats *t = &w->st;
        const uint64_t v[] = {t->files,     t->records,   t->added,   t->updated,
                              t->unchanged, t->withdrawn, t->skipped, t->ignored};
        int rc;

        rc = sqlite3_prepare_v2(w->db,
                                "INSERT INTO imports(time, source, files, records, added,"
                                " updated, unchanged, withdrawn, skipped, ignored)"
                                " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                                -1, &s, NULL);
        if (rc != SQLITE_OK)
                return w_fail(w, rc, d, "cannot log the import");
        BIND(w, d, sqlite3_bind_int64(s, 1, w->now));
        BIND(w, d, sqlite3_bind_text(s, 2, source ? source : "", -1, SQLITE_STATIC));
        for (int i = 0; i < (int)ELEMENTSOF(v); i++)
                BIND(w, d, sqlite3_bind_int64(s, 3 + i, (int64_t)v[i]));
        rc = sqlite3_step(s);
        return rc == SQLITE_DONE ? HULL_OK : w_fail(w, rc, d, "cannot log the import");
}

int hull_vuln_db_writer_commit(struct hull_vuln_db_writer *w, const char *source,
                               struct hull_diag *d) {
        _cleanup_(hull_vuln_db_writer_freep) struct hull_vuln_db_writer *own = w;
        char dir[HULL_MAX_PATH_BYTES + 1], b[600];
        int rc;

        if (w->failed)
                return hull_diag_set(d, HULL_EINVAL, w->path, 0, 0, "import already failed");
        HULL_TRY(rebuild_package_rows(w, d));
        HULL_TRY(log_import(w, source, d));
        HULL_TRY(exec(w->db, "COMMIT", w->path, d));
        for (int i = 0; i < _S_MAX; i++) {
                sqlite3_finalize(w->stmt[i]);
                w->stmt[i] = NULL;
        }
        rc = sqlite3_close(w->db);
        if (rc != SQLITE_OK)
                return db_fail(w->db, rc, w->path, d, "cannot close");
        w->db = NULL;
        HULL_TRY(fsync_path(w->tmp, false, d));
        if (rename(w->tmp, w->path) != 0) {
                int e = errno;
                return hull_diag_errno(d, HULL_EIO, e, w->path, "cannot move %s into place",
                                       qs(b, sizeof(b), w->tmp));
        }
        w->tmp_made = false;
        dir_of(w->path, dir, sizeof(dir));
        return fsync_path(dir, true, d);
}

int hull_vuln_db_import(const char *db_path, const char *const *paths, size_t n_paths, int64_t now,
                        hull_vuln_import_skip_fn *on_skip, void *ud,
                        struct hull_vuln_import_stats *ret_stats, struct hull_diag *d) {
        _cleanup_(hull_buf_releasep) struct hull_buf src = HULL_BUF_INIT(8192);
        struct hull_vuln_db_writer *w = NULL;
        int r;

        if (ret_stats)
                memset(ret_stats, 0, sizeof(*ret_stats));
        HULL_TRY(hull_vuln_db_writer_begin(db_path, now, &w, d));
        hull_vuln_db_writer_set_skip_cb(w, on_skip, ud);
        r = HULL_OK;
        for (size_t i = 0; i < n_paths && r == HULL_OK; i++) {
                r = hull_vuln_db_writer_add_path(w, paths[i], d);
                /* the source is informative: cut, not failed, when long */
                if (r == HULL_OK && src.len < 4000)
                        (void)!hull_buf_printf(&src, "%s%s", i ? ", " : "", paths[i]);
        }
        if (ret_stats)
                *ret_stats = w->st;
        if (r) {
                hull_vuln_db_writer_free(w);
                return r;
        }
        return hull_vuln_db_writer_commit(w, src.data ? src.data : "", d);
}
