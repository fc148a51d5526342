/* db.h - the embedded OSV database: OSV records (osv.h) stored in SQLite,
 * indexed for lookups by package, and how they get there (`db import`).
 *
 * The file is $XDG_CACHE_HOME/hullscan/osv.db (XDG_CACHE_HOME when it is an
 * absolute path, else ~/.cache/hullscan/osv.db) unless a path is given.  It
 * carries PRAGMA application_id HULL_VULN_DB_APPLICATION_ID and PRAGMA
 * user_version HULL_VULN_DB_SCHEMA_VERSION; a database with a newer schema
 * is refused (HULL_EUNSUPPORTED), never modified; one with an older schema
 * is refused by readers (HULL_EUNSUPPORTED: run `db update` or `db import`)
 * and replaced by a new database by the next import, not migrated.
 * Schema (version 3; 2 had no records.info and no package_rows):
 *
 *   records(rid, id UNIQUE, modified, info, published, withdrawn, summary,
 *           severity_label, details)
 *                               times as canonical RFC 3339 UTC text
 *                               (hull_osv_time_format); withdrawn NULL unless
 *                               the record is withdrawn; severity_label is
 *                               database_specific.severity (GitHub); info
 *                               what a match reports besides the columns
 *                               (hull_vuln_db_record_info), so that
 *                               matching parses no JSON
 *   raw(rid, format, data)      the record as read: format 0 plain JSON,
 *                               1 zstd frame of it
 *   aliases(rid, idx, alias)    + index on alias
 *   related(rid, idx, kind, id) kind 0 related[], 1 upstream[]
 *   refs(rid, idx, type, url)
 *   severities(rid, idx, affected, type, score)   affected NULL for the
 *                               record's own severity[], else the index of
 *                               the affected[] entry it sits in
 *   affected(ecosystem, name, id, idx, rid, eco_release, rel_key,
 *            withdrawn, modified, purl, urgency, ranges)
 *                               keyed (ecosystem, name, id, idx), + index on
 *                               rid; one row per affected[] entry that names
 *                               a package: "Debian:11" is ecosystem
 *                               "Debian", eco_release "11" (NULL for plain
 *                               "Debian"), rel_key the release as
 *                               hull_vuln_release_canonical() spells it;
 *                               name normalised (hull_vuln_name_normalize);
 *                               id, modified and withdrawn (0 or 1) copy the
 *                               record's, so a lookup is one key range scan;
 *                               urgency is ecosystem_specific.urgency
 *                               (Debian); ranges is the compact form below
 *   package_rows(ecosystem, name, has_release, release, data)
 *                               the affected rows that are not withdrawn,
 *                               per package and release (has_release 0 and
 *                               release "" for rows naming none, else
 *                               release = rel_key), in (id, idx) order in
 *                               one blob: what hull_vuln_db_lookup_match()
 *                               reads in one step; rebuilt at the end of an
 *                               import for the packages it touched
 *   meta(key, value)            free-form settings (db update keeps its
 *                               source, time and HTTP validators here:
 *                               update.h)
 *   imports(time, source, files, records, added, updated, unchanged,
 *           withdrawn, skipped, ignored)   one row per import
 * Other child rows are keyed (rid, idx) in WITHOUT ROWID tables, so replacing a
 * record deletes a key range in each, with no extra index.
 *
 * Writing: a database is never modified in place.  A writer copies the old
 * file (if any) to PATH.tmp-PID beside it, applies one import in one
 * transaction there, and on commit fsyncs it, renames it over PATH and
 * fsyncs the directory, so a crash or kill leaves the old database or the
 * new one, never a half-written one.  PATH.lock (flock) keeps two writers
 * apart; leftover PATH.tmp-* files of crashed writers are removed under it.
 * A read-only PATH is refused (the rename would replace it).
 *
 * Import rules: a record replaces the stored one with the same id only when
 * its modified is later (so re-importing is idempotent, and older copies
 * never win); withdrawn records are stored, flagged, and left out of
 * lookups; a malformed record is skipped and counted, and the import goes
 * on; JSON that is not an OSV record at all (osv.h: HULL_ENOTFOUND) is
 * ignored and counted.  A dead input (a path that cannot be read, a zip
 * archive that is corrupt or passes a limit of limits.h) fails the whole
 * import: nothing is written.
 *
 * Ownership: handles are heap objects freed by their _free/_close
 * functions (which accept NULL); strings handed out live in the caller's
 * arena or, for lookups, until the callback returns. */
#ifndef HULL_VULN_DB_H
#define HULL_VULN_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/alloc.h"
#include "basic/arena.h"
#include "basic/diag.h"

#define HULL_VULN_DB_SCHEMA_VERSION 3
#define HULL_VULN_DB_APPLICATION_ID 0x48554c4c     /* "HULL" */
#define HULL_VULN_DB_STALE_SECONDS (7 * 24 * 3600) /* `db info` warns past this age */

/* The default database path (see above) in a heap string (hull_free). */
int hull_vuln_db_default_path(char **ret, struct hull_diag *d);

/* ---- names ---- */

/* The normalised package name stored and looked up for ecosystem (its
 * base, "PyPI"): PyPI names as PEP 503 (lowercase ASCII; every run of '-',
 * '_' and '.' becomes one '-'); other ecosystems' names as written.  buf
 * must hold n + 1 bytes; returns the length written (NUL-terminated). */
size_t hull_vuln_name_normalize(const char *ecosystem, const char *name, size_t n, char *buf);

/* Split "Debian:11" into base "Debian" (its length in *ret_base_len) and
 * release "11"; *ret_release is NULL when there is no ':'. */
void hull_vuln_ecosystem_split(const char *ecosystem, size_t *ret_base_len,
                               const char **ret_release);

/* ---- the compact ranges of an affected row ----
 *
 * A sequence of items, each: tag byte, length (LEB128), that many bytes,
 * then a NUL (so a value is usable as a C string).  A range tag starts a
 * range and the event items after it belong to it; version items list
 * affected[].versions.  GIT ranges keep their tag but not their events
 * (commit ids cannot be compared offline; the raw record has them). */
enum hull_vuln_tag {
        HULL_VULN_TAG_RANGE_ECOSYSTEM = 'E',
        HULL_VULN_TAG_RANGE_SEMVER = 'S',
        HULL_VULN_TAG_RANGE_GIT = 'G',
        HULL_VULN_TAG_INTRODUCED = 'i',
        HULL_VULN_TAG_FIXED = 'f',
        HULL_VULN_TAG_LAST_AFFECTED = 'l',
        HULL_VULN_TAG_LIMIT = 'm',
        HULL_VULN_TAG_VERSION = 'v',
};

struct hull_vuln_ranges_iter {
        const unsigned char *p, *end;
};

struct hull_vuln_ranges_item {
        enum hull_vuln_tag tag;
        const char *value; /* NUL-terminated, inside the blob ("" for range tags) */
        size_t len;
};

void hull_vuln_ranges_init(struct hull_vuln_ranges_iter *it, const void *blob, size_t len);
/* 1 and *ret filled, 0 at the end, -1 when the blob is damaged. */
int hull_vuln_ranges_next(struct hull_vuln_ranges_iter *it, struct hull_vuln_ranges_item *ret);

/* ---- reading ---- */

struct hull_vuln_db;

/* Open path read-only and check it: HULL_ENOTFOUND (no such file),
 * HULL_EIO (cannot open), HULL_ECORRUPT (not a SQLite database, or not
 * hullscan's, or damaged, or shorter than its header says: SQLite would read
 * the missing pages as zeros, and find nothing in them), HULL_EUNSUPPORTED
 * (newer or older schema).  The
 * handle maps the file and reads one snapshot of it until it is closed
 * (a read transaction: writers replace the file, never change it). */
int hull_vuln_db_open(const char *path, struct hull_vuln_db **ret, struct hull_diag *d);
struct hull_vuln_db *hull_vuln_db_close(struct hull_vuln_db *db);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hull_vuln_db *, hull_vuln_db_close)

struct hull_vuln_db_ecosystem {
        const char *name;   /* base name: "Debian" */
        uint64_t records;   /* records with an affected entry in it */
        uint64_t withdrawn; /* of those, withdrawn */
};

struct hull_vuln_import_stats {
        uint64_t files;     /* files and archive entries read as records */
        uint64_t records;   /* valid OSV records among them */
        uint64_t added;     /* new ids */
        uint64_t updated;   /* replaced an older modified */
        uint64_t unchanged; /* same or older modified than the stored one */
        uint64_t withdrawn; /* of added + updated, withdrawn */
        uint64_t skipped;   /* malformed records */
        uint64_t ignored;   /* JSON that is not an OSV record */
};

struct hull_vuln_db_info {
        int schema_version;
        uint64_t records, withdrawn;
        struct hull_vuln_db_ecosystem *ecosystems; /* sorted by name */
        size_t n_ecosystems;
        bool has_import;                    /* false for a database never imported into */
        int64_t imported;                   /* last import, Unix seconds */
        const char *source;                 /* what the last import read */
        struct hull_vuln_import_stats last; /* its counts */
};

/* Counts and the last import; strings in a. */
int hull_vuln_db_info(struct hull_vuln_db *db, struct hull_arena *a, struct hull_vuln_db_info *ret,
                      struct hull_diag *d);

/* meta value of key into a; *ret NULL when unset. */
int hull_vuln_db_meta_get(struct hull_vuln_db *db, const char *key, struct hull_arena *a,
                          const char **ret, struct hull_diag *d);

/* The stored JSON of record id (decompressed) in a: HULL_ENOTFOUND when
 * there is no such record. */
int hull_vuln_db_record_json(struct hull_vuln_db *db, const char *id, struct hull_arena *a,
                             const char **ret, size_t *ret_len, struct hull_diag *d);

/* One affected row handed to a lookup callback; valid during the call. */
struct hull_vuln_db_affected {
        const char *id;        /* the record's id */
        const char *modified;  /* canonical text */
        const char *ecosystem; /* base */
        const char *release;   /* NULL when the record names no release */
        const char *name;      /* normalised */
        const char *purl;      /* NULL when absent */
        const char *urgency;   /* NULL when absent */
        const void *ranges;    /* compact form (hull_vuln_ranges_*) */
        size_t ranges_len;
        int64_t rid; /* the record's row (hull_vuln_db_record_info) */
};

/* Non-zero from the callback stops the lookup and is returned. */
typedef int hull_vuln_db_affected_fn(void *ud, const struct hull_vuln_db_affected *a);

/* Every affected row of a record that is not withdrawn for package name
 * (normalised here) in ecosystem base (any release), in (id, idx) order. */
int hull_vuln_db_lookup(struct hull_vuln_db *db, const char *ecosystem, const char *name,
                        hull_vuln_db_affected_fn *fn, void *ud, struct hull_diag *d);
/* The same, only the rows that name no release or, when release (as
 * hull_vuln_release_canonical() spells it) is not NULL, that release in
 * either spelling; a superset of what a matcher of that release keeps. */
int hull_vuln_db_lookup_release(struct hull_vuln_db *db, const char *ecosystem, const char *release,
                                const char *name, hull_vuln_db_affected_fn *fn, void *ud,
                                struct hull_diag *d);

/* For matching: what hull_vuln_db_lookup_release() hands out for
 * (ecosystem, release, name), release as hull_vuln_release_canonical()
 * spells it (not ""), plus perhaps rows whose own release only
 * canonicalises to the canonical form of release (a matcher's release
 * check leaves them out), in (id, idx) order, from package_rows: one read
 * per release spelling instead of one step per row.  Rows carry id,
 * ecosystem, release, name (normalised), urgency and ranges; modified and
 * purl are NULL.  HULL_ECORRUPT when the stored rows cannot be read. */
int hull_vuln_db_lookup_match(struct hull_vuln_db *db, const char *ecosystem, const char *release,
                              const char *name, hull_vuln_db_affected_fn *fn, void *ud,
                              struct hull_diag *d);

struct hull_osv_severity;

/* The severity[] of an affected[] entry that has one. */
struct hull_vuln_db_severities {
        const char *ecosystem; /* as written: "Debian:11" */
        const char *name;      /* as written */
        struct hull_osv_severity *severity;
        size_t n_severity; /* may be 0: every entry with severity[] is listed */
};

/* What a match reports of a record, as stored at import (records.info):
 * no JSON is parsed.  Severities keep their type and score (type_name is
 * the schema's spelling, "OTHER" for types the reader does not know). */
struct hull_vuln_db_record_info {
        const char *modified;       /* canonical text */
        const char *summary;        /* summary, else the first line of details
                                     * (cut at 200 bytes with "..."); NULL */
        const char *severity_label; /* database_specific.severity; NULL */
        const char *url;            /* an ADVISORY reference, else WEB, else the first; NULL */
        const char **aliases;       /* as the record lists them */
        size_t n_aliases;
        const char **related; /* related[] then upstream[] */
        size_t n_related;
        struct hull_osv_severity *severity; /* the record's own severity[] */
        size_t n_severity;
        struct hull_vuln_db_severities *affected; /* entries with a package and severity[] */
        size_t n_affected;
};

/* The stored details of record id, strings in a: HULL_ENOTFOUND when there
 * is no such record, HULL_ECORRUPT when they cannot be read.  rid, when
 * not 0, is its row as a lookup gave it (one seek instead of two; a row
 * holding another id is HULL_ECORRUPT). */
int hull_vuln_db_record_info(struct hull_vuln_db *db, const char *id, int64_t rid,
                             struct hull_arena *a, struct hull_vuln_db_record_info *ret,
                             struct hull_diag *d);

/* ---- writing ---- */

struct hull_vuln_db_writer;

/* Called for each record skipped as malformed or ignored (d->code
 * HULL_ENOTFOUND), with the input's name and the JSON path in d. */
typedef void hull_vuln_import_skip_fn(void *ud, const struct hull_diag *d);

/* Start an import into path (its directory is created when missing).
 * now (Unix seconds) is the import's time.  Fails with HULL_EIO when the
 * database is read-only or another writer holds it, and with the codes of
 * hull_vuln_db_open() for an existing database that is not usable. */
int hull_vuln_db_writer_begin(const char *path, int64_t now, struct hull_vuln_db_writer **ret,
                              struct hull_diag *d);
void hull_vuln_db_writer_set_skip_cb(struct hull_vuln_db_writer *w, hull_vuln_import_skip_fn *fn,
                                     void *ud);

/* Add a file (a record, or a zip archive of records: told by its first
 * bytes) or a directory (every *.json and *.zip below it, in name order;
 * names starting with '.' and symbolic links to directories are passed
 * over).  Errors here are dead inputs or database failures: the writer is
 * then unusable except for _free. */
int hull_vuln_db_writer_add_path(struct hull_vuln_db_writer *w, const char *path,
                                 struct hull_diag *d);
/* Add one record from memory; name is used in messages.  A malformed
 * record is counted (HULL_OK returned), as in add_path. */
int hull_vuln_db_writer_add_record(struct hull_vuln_db_writer *w, const char *data, size_t len,
                                   const char *name, struct hull_diag *d);
int hull_vuln_db_writer_set_meta(struct hull_vuln_db_writer *w, const char *key, const char *value,
                                 struct hull_diag *d);
const struct hull_vuln_import_stats *hull_vuln_db_writer_stats(const struct hull_vuln_db_writer *w);

/* Reads of the database as the writer holds it (the old contents plus what
 * this import added so far), for `db update` (update.h), which decides what
 * to download from it.  Strings go to a. */
struct hull_osv_time;
/* The stored modified of record id; *ret_found false when there is none. */
int hull_vuln_db_writer_modified(struct hull_vuln_db_writer *w, const char *id,
                                 struct hull_osv_time *ret, bool *ret_found, struct hull_diag *d);
/* meta value of key; *ret NULL when unset. */
int hull_vuln_db_writer_meta_get(struct hull_vuln_db_writer *w, const char *key,
                                 struct hull_arena *a, const char **ret, struct hull_diag *d);
/* The base ecosystems named by affected rows, sorted (an array in a). */
int hull_vuln_db_writer_ecosystems(struct hull_vuln_db_writer *w, struct hull_arena *a,
                                   const char ***ret, size_t *ret_n, struct hull_diag *d);

/* Record the import (source: what was read, for `db info`), commit, and
 * move the new database into place.  The writer is freed either way. */
int hull_vuln_db_writer_commit(struct hull_vuln_db_writer *w, const char *source,
                               struct hull_diag *d);
/* Abandon the import (nothing changes); accepts NULL, returns NULL. */
struct hull_vuln_db_writer *hull_vuln_db_writer_free(struct hull_vuln_db_writer *w);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hull_vuln_db_writer *, hull_vuln_db_writer_free)

/* begin + add_path for each path + commit, source = the paths joined by
 * ", ".  ret_stats (optional) receives the counts, also on failure. */
int hull_vuln_db_import(const char *db_path, const char *const *paths, size_t n_paths, int64_t now,
                        hull_vuln_import_skip_fn *on_skip, void *ud,
                        struct hull_vuln_import_stats *ret_stats, struct hull_diag *d);

#endif
