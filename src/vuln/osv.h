/* osv.h - the OSV record reader: one vulnerability record in the Open Source
 * Vulnerability format, schema 1.x (https://ossf.github.io/osv-schema/),
 * read into a model in the caller's arena.
 *
 * What is checked (a record failing any check is refused whole, with an
 * error naming the input and the JSON path, "affected[2].ranges[0].events[1]"):
 *  - bounds first: HULL_MAX_OSV_RECORD_BYTES, HULL_MAX_OSV_JSON_VALUES and
 *    HULL_MAX_OSV_JSON_DEPTH (limits.h), before jansson builds a tree;
 *    then valid UTF-8 JSON with no duplicate member names and an object at
 *    the top;
 *  - schema_version, when present, is 1.x ("1", "1.6.0"); other majors are
 *    HULL_EUNSUPPORTED;
 *  - id (required): 1 to HULL_MAX_OSV_ID_BYTES printable ASCII bytes, no
 *    spaces; aliases, related and upstream ids likewise;
 *  - modified (required), published, withdrawn: RFC 3339 date-times
 *    ("2021-05-18T15:39:00Z", fractions, numeric offsets), converted to UTC;
 *  - every member the schema names has the schema's JSON type; null is
 *    accepted (as absent) only where the schema allows it: aliases,
 *    severity, affected, references, affected[].severity;
 *  - severity[] and affected[].severity[]: objects with type and score
 *    strings.  Types beyond this reader's list (CVSS_V2, CVSS_V3, CVSS_V4,
 *    Ubuntu) are kept as HULL_OSV_SEVERITY_OTHER with their name: minor
 *    schema versions add types, and a record is not lost for one;
 *  - references[]: objects with type and url strings (url non-empty);
 *    unknown types are HULL_OSV_REFERENCE_OTHER for the same reason;
 *  - affected[].package: ecosystem and name required (non-empty), purl
 *    optional; affected entries without a package are allowed (GIT-only);
 *  - affected[].ranges[]: type GIT, SEMVER or ECOSYSTEM (anything else is
 *    refused: a range is what matching reads); repo required for GIT;
 *    events non-empty; each event an object with exactly one member,
 *    introduced, fixed, last_affected or limit, whose value is a string; at
 *    least one introduced event; not both fixed and last_affected in one
 *    range (the schema's two constraints);
 *  - affected[].versions[]: strings;
 *  - the *_specific members: objects (kept as compact JSON text);
 *  - credits[]: objects with a name string, contact[] strings, type string
 *    (checked, not kept).
 * Members the schema does not name are ignored (the schema allows them).
 *
 * A top-level object holding neither id nor modified is not taken for a
 * damaged record: the reader returns HULL_ENOTFOUND ("not an OSV record"),
 * so an importer can tell a stray JSON file (a directory's metadata) from a
 * broken record.
 *
 * Ownership: the model and every string in it live in the arena given to
 * hull_osv_parse(); the input bytes may be freed on return.  Strings are
 * NUL-terminated UTF-8 (jansson refuses invalid UTF-8 and U+0000). */
#ifndef HULL_VULN_OSV_H
#define HULL_VULN_OSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/arena.h"
#include "basic/diag.h"

/* A UTC instant: seconds since 1970-01-01T00:00:00Z (negative before) and
 * nanoseconds.  Years 0000 to 9999, as RFC 3339 writes them. */
struct hull_osv_time {
        int64_t sec;
        uint32_t nsec;
};

/* Parse an RFC 3339 date-time (s[0..n)); HULL_OK or HULL_EPARSE. */
int hull_osv_time_parse(const char *s, size_t n, struct hull_osv_time *ret);
/* -1, 0 or 1 as a is before, at or after b. */
int hull_osv_time_cmp(const struct hull_osv_time *a, const struct hull_osv_time *b);
/* Canonical UTC text, "2021-05-18T15:39:00Z" or "...:00.5Z" (fraction
 * without trailing zeros); buf needs HULL_OSV_TIME_TEXT bytes.  Returns buf. */
#define HULL_OSV_TIME_TEXT 48
char *hull_osv_time_format(const struct hull_osv_time *t, char *buf);

enum hull_osv_range_type {
        HULL_OSV_RANGE_ECOSYSTEM,
        HULL_OSV_RANGE_SEMVER,
        HULL_OSV_RANGE_GIT,
        _HULL_OSV_RANGE_MAX,
        _HULL_OSV_RANGE_INVALID = -1,
};

enum hull_osv_event_kind {
        HULL_OSV_EVENT_INTRODUCED,
        HULL_OSV_EVENT_FIXED,
        HULL_OSV_EVENT_LAST_AFFECTED,
        HULL_OSV_EVENT_LIMIT,
        _HULL_OSV_EVENT_MAX,
        _HULL_OSV_EVENT_INVALID = -1,
};

enum hull_osv_severity_type {
        HULL_OSV_SEVERITY_CVSS_V2,
        HULL_OSV_SEVERITY_CVSS_V3,
        HULL_OSV_SEVERITY_CVSS_V4,
        HULL_OSV_SEVERITY_UBUNTU,
        HULL_OSV_SEVERITY_OTHER, /* see hull_osv_severity.type_name */
        _HULL_OSV_SEVERITY_MAX,
};

enum hull_osv_reference_type {
        HULL_OSV_REFERENCE_ADVISORY,
        HULL_OSV_REFERENCE_ARTICLE,
        HULL_OSV_REFERENCE_DETECTION,
        HULL_OSV_REFERENCE_DISCUSSION,
        HULL_OSV_REFERENCE_REPORT,
        HULL_OSV_REFERENCE_FIX,
        HULL_OSV_REFERENCE_INTRODUCED,
        HULL_OSV_REFERENCE_GIT,
        HULL_OSV_REFERENCE_PACKAGE,
        HULL_OSV_REFERENCE_EVIDENCE,
        HULL_OSV_REFERENCE_WEB,
        HULL_OSV_REFERENCE_OTHER, /* see hull_osv_reference.type_name */
        _HULL_OSV_REFERENCE_MAX,
};

/* The schema's spellings ("ECOSYSTEM", "last_affected", "CVSS_V3",
 * "ADVISORY"); NULL when out of range. */
const char *hull_osv_range_type_to_string(enum hull_osv_range_type t);
const char *hull_osv_event_kind_to_string(enum hull_osv_event_kind k);
const char *hull_osv_severity_type_to_string(enum hull_osv_severity_type t);
const char *hull_osv_reference_type_to_string(enum hull_osv_reference_type t);

struct hull_osv_event {
        enum hull_osv_event_kind kind;
        const char *version; /* as written; "0" for "since the beginning" */
};

struct hull_osv_range {
        enum hull_osv_range_type type;
        const char *repo; /* GIT ranges; NULL when absent */
        struct hull_osv_event *events;
        size_t n_events;               /* >= 1 */
        const char *database_specific; /* compact JSON object text or NULL */
};

struct hull_osv_severity {
        enum hull_osv_severity_type type;
        const char *type_name; /* as written */
        const char *score;     /* a CVSS vector, or a label (Ubuntu: "medium") */
};

struct hull_osv_affected {
        /* package: all NULL when the entry has none */
        const char *ecosystem; /* as written: "Debian:11", "PyPI" */
        const char *name;      /* as written */
        const char *purl;      /* NULL when absent */
        struct hull_osv_severity *severity;
        size_t n_severity;
        struct hull_osv_range *ranges;
        size_t n_ranges;
        const char **versions;
        size_t n_versions;
        const char *ecosystem_specific; /* compact JSON object text or NULL */
        const char *database_specific;  /* compact JSON object text or NULL */
        /* ecosystem_specific.urgency when a string: Debian's urgency
         * ("low", "medium", "high", "unimportant", "not yet assigned") */
        const char *urgency;
};

struct hull_osv_reference {
        enum hull_osv_reference_type type;
        const char *type_name; /* as written */
        const char *url;
};

struct hull_osv_record {
        const char *schema_version; /* NULL when absent */
        const char *id;
        struct hull_osv_time modified;
        struct hull_osv_time published, withdrawn; /* see has_* */
        bool has_published, has_withdrawn;
        const char **aliases;
        size_t n_aliases;
        const char **related;
        size_t n_related;
        const char **upstream;
        size_t n_upstream;
        const char *summary, *details; /* NULL when absent */
        struct hull_osv_severity *severity;
        size_t n_severity;
        struct hull_osv_affected *affected;
        size_t n_affected;
        struct hull_osv_reference *references;
        size_t n_references;
        const char *database_specific; /* compact JSON object text or NULL */
        /* database_specific.severity when a string: GitHub's label
         * ("LOW", "MODERATE", "HIGH", "CRITICAL") */
        const char *severity_label;
};

/* Read the record in data[0..len).  name (a path, "all.zip:X.json") is used
 * in messages; NULL means "(input)".  On success *ret points into a.
 * Errors: HULL_ELIMIT (a bound above), HULL_EPARSE (not JSON, or a schema
 * violation), HULL_EUNSUPPORTED (schema_version 2 or later), HULL_ENOTFOUND
 * (not an OSV record at all), HULL_ENOMEM; d says where. */
int hull_osv_parse(const char *data, size_t len, const char *name, struct hull_arena *a,
                   struct hull_osv_record **ret, struct hull_diag *d);

#endif
