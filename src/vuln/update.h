/* update.h - `db update`: bring the OSV database (db.h) up to date from a
 * mirror of OSV's per-ecosystem exports over HTTP(S), with libcurl.
 *
 * The source is a base URL laid out like OSV's public bucket
 * (HULL_VULN_UPDATE_DEFAULT_SOURCE):
 *
 *   BASE/<Ecosystem>/all.zip           every record of the ecosystem
 *   BASE/<Ecosystem>/modified_id.csv   "<modified>,<id>" per record
 *                                      (optional: a source without it is
 *                                      always read through all.zip)
 *   BASE/<Ecosystem>/<id>.json         one record
 *
 * with the ecosystem name and the id percent-encoded.  Per ecosystem:
 *  - first time (the database holds no update of it from this source):
 *    all.zip, imported as `db import` would, then modified_id.csv, whose
 *    records newer than the database (all.zip may lag behind it) are
 *    fetched one by one;
 *  - afterwards: modified_id.csv, asked for conditionally (If-None-Match /
 *    If-Modified-Since with the validators of the last copy): 304 means
 *    nothing changed; else each listed record whose modified is later than
 *    the stored one (or that is missing) is fetched from <id>.json, unless
 *    there are more than HULL_MAX_OSV_UPDATE_RECORDS of them, when all.zip
 *    is cheaper; a source without modified_id.csv gets a conditional
 *    request for all.zip instead.  A record listed but gone (404) is
 *    counted and passed over.
 *
 * The validators (ETag, Last-Modified) and the source are kept in the
 * database's meta table, per ecosystem ("update.<Ecosystem>.*"), with the
 * source and time of the last update ("update.source", "update.time").
 * Validators recorded for another source are not used.
 *
 * Downloads of all.zip go to a cache directory (PATH.downloads beside the
 * database unless given): <dir>/<Ecosystem>/all.zip and, beside it,
 * all.zip.http with the URL, ETag, Last-Modified and size the server
 * announced.  An interrupted download (network error, kill) is resumed with
 * a Range request validated by If-Range (the ETag, else Last-Modified); a
 * 206 whose Content-Range does not start where the file ends, or whose
 * ETag differs, restarts it from zero.  The file is removed once its import
 * is committed (or found corrupt).
 *
 * Each request: connect timeout, a stall timeout (no byte for `timeout`
 * seconds fails the try), and tries again after 408, 429, 5xx and network
 * errors, up to `retries` more times, waiting retry_delay_ms doubled each
 * time (at most 60 s), or the server's Retry-After when it says (at most
 * 60 s).  Sizes are bounded (limits.h): all.zip by
 * HULL_MAX_OSV_DOWNLOAD_BYTES (and by free disk space, checked against
 * Content-Length before writing), modified_id.csv by HULL_MAX_OSV_CSV_BYTES,
 * a record by HULL_MAX_OSV_RECORD_BYTES.
 *
 * Atomicity: one hull_vuln_db_writer (db.h) for the whole update: the new
 * database is built beside the old one and renamed into place only when
 * every ecosystem succeeded, so a failure, a crash or a kill leaves the
 * old database as it was (a full disk is an error naming the file).  The
 * writer's lock keeps two updates (or an update and an import) apart, and
 * with them the cache directory.
 *
 * Ownership: strings and arrays of the result live in the caller's arena;
 * the library prints nothing (events go to the callback). */
#ifndef HULL_VULN_UPDATE_H
#define HULL_VULN_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/arena.h"
#include "basic/diag.h"
#include "vuln/db.h"
#include "vuln/osv.h"

#define HULL_VULN_UPDATE_DEFAULT_SOURCE "https://osv-vulnerabilities.storage.googleapis.com"

/* Ecosystems updated when none is asked for and the database holds none
 * (NULL-terminated): those the version comparators (version.h) order. */
extern const char *const hull_vuln_update_default_ecosystems[];

enum hull_vuln_update_event_kind {
        HULL_VULN_UPDATE_EV_RETRY,    /* a try failed (message); the next after delay_ms */
        HULL_VULN_UPDATE_EV_RESUME,   /* a download goes on at offset */
        HULL_VULN_UPDATE_EV_RESTART,  /* a partial download cannot be resumed (message) */
        HULL_VULN_UPDATE_EV_WARNING,  /* something passed over (message) */
        HULL_VULN_UPDATE_EV_ECOSYSTEM /* an ecosystem is done: stats */
};

struct hull_vuln_update_ecosystem;

struct hull_vuln_update_event {
        enum hull_vuln_update_event_kind kind;
        const char *ecosystem;
        const char *url;                                /* the request, when there is one */
        const char *message;                            /* RETRY, RESTART, WARNING */
        unsigned attempt;                               /* RETRY: the try that failed, 1-based */
        unsigned attempts;                              /* RETRY: tries allowed in all */
        unsigned delay_ms;                              /* RETRY */
        uint64_t offset;                                /* RESUME */
        const struct hull_vuln_update_ecosystem *stats; /* ECOSYSTEM */
};

typedef void hull_vuln_update_event_fn(void *ud, const struct hull_vuln_update_event *ev);

struct hull_vuln_update_options {
        const char *source;            /* base URL (http or https); NULL: the default */
        const char *const *ecosystems; /* n_ecosystems names; none: those the database
                                          holds (a 404 then skips one), else the default
                                          list */
        size_t n_ecosystems;
        const char *cache_dir; /* NULL: PATH.downloads */
        int64_t now;           /* Unix seconds: the update's time */
        unsigned timeout;      /* seconds without a byte before a try fails */
        unsigned connect_timeout;
        unsigned retries;        /* tries after the first */
        unsigned retry_delay_ms; /* the first wait; doubled per try */
        hull_vuln_update_event_fn *on_event;
        hull_vuln_import_skip_fn *on_skip; /* malformed records, as in db import */
        void *ud;                          /* for both callbacks */
};

/* Defaults: the default source, timeout 60, connect_timeout 30, retries 4,
 * retry_delay_ms 1000, now = time(NULL). */
void hull_vuln_update_options_init(struct hull_vuln_update_options *o);

enum hull_vuln_update_method {
        HULL_VULN_UPDATE_UNCHANGED, /* the source says nothing changed (304, or no newer record) */
        HULL_VULN_UPDATE_INCREMENTAL, /* changed records fetched one by one */
        HULL_VULN_UPDATE_FULL,        /* all.zip (and records newer than it) */
        HULL_VULN_UPDATE_MISSING,     /* the source publishes none (404): skipped */
};

struct hull_vuln_update_ecosystem {
        const char *name;
        enum hull_vuln_update_method method;
        uint64_t listed;                      /* lines of modified_id.csv read (0 without one) */
        uint64_t fetched;                     /* records fetched one by one */
        uint64_t gone;                        /* listed, but 404 when fetched */
        uint64_t bytes;                       /* bytes received (bodies) */
        bool resumed;                         /* all.zip went on from an earlier partial download */
        struct hull_vuln_import_stats import; /* what its records did to the database */
};

struct hull_vuln_update_result {
        struct hull_vuln_update_ecosystem *ecosystems; /* in the order updated */
        size_t n_ecosystems;
        struct hull_vuln_import_stats total;
        uint64_t bytes;
        const char *source; /* normalised: no trailing '/' */
};

/* Update the database at db_path (created when missing).  On success the
 * new database is in place; on failure it is untouched and d says why:
 * HULL_EINVAL (bad source URL or ecosystem name), HULL_EIO (network, HTTP
 * status, disk), HULL_ENOTFOUND (an ecosystem asked for that the source
 * does not publish), HULL_ECORRUPT (a corrupt all.zip), HULL_ELIMIT, or the
 * codes of hull_vuln_db_writer_begin().  ret (optional) is filled, in a,
 * either way as far as the update got. */
int hull_vuln_update(const char *db_path, const struct hull_vuln_update_options *o,
                     struct hull_arena *a, struct hull_vuln_update_result *ret,
                     struct hull_diag *d);

/* Check an ecosystem name for use in a URL and a file name: 1 to 128
 * printable ASCII bytes, no '/' or '\\', not "." or "..". */
bool hull_vuln_update_ecosystem_valid(const char *name);

/* One line of modified_id.csv. */
struct hull_vuln_csv_entry {
        struct hull_osv_time modified;
        const char *id; /* without the "<eco>/" prefix of OSV's top-level list */
};

/* Parse modified_id.csv (untrusted: lines "<RFC 3339 time>,<id>", CRLF or LF,
 * blank lines and a "modified,id" header passed over, lines of at most
 * HULL_MAX_OSV_CSV_LINE_BYTES) appending entries to *ret_v / *ret_n (in a,
 * which owns them).  Returns 0, or the 1-based number of the first bad line
 * with why (NUL-terminated, lowercase) saying what is wrong. */
size_t hull_vuln_csv_parse(struct hull_arena *a, const char *eco, const char *data, size_t len,
                           struct hull_vuln_csv_entry **ret_v, size_t *ret_n, char *why,
                           size_t whylen);

#endif
