/* osv.c - the OSV record reader (see osv.h).
 *
 * A record goes through two stages (basic/json_read.h): hull_json_read(),
 * which bounds nesting depth and the number of values before jansson builds
 * a tree and refuses duplicate member names, then a walk of the tree with
 * small typed getters that build the error's JSON path as they descend
 * (struct hull_json_walk) and copy every string into the caller's arena, so
 * the tree is freed before we return.  Member names match exactly: the
 * schema is case-sensitive. */
#include "vuln/osv.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "basic/alloc.h"
#include "basic/err.h"
#include "basic/json_read.h"
#include "basic/limits.h"
#include "basic/str.h"

/* ---- enums ---- */

static const char *const range_types[_HULL_OSV_RANGE_MAX] = {
        [HULL_OSV_RANGE_ECOSYSTEM] = "ECOSYSTEM",
        [HULL_OSV_RANGE_SEMVER] = "SEMVER",
        [HULL_OSV_RANGE_GIT] = "GIT",
};

static const char *const event_kinds[_HULL_OSV_EVENT_MAX] = {
        [HULL_OSV_EVENT_INTRODUCED] = "introduced",
        [HULL_OSV_EVENT_FIXED] = "fixed",
        [HULL_OSV_EVENT_LAST_AFFECTED] = "last_affected",
        [HULL_OSV_EVENT_LIMIT] = "limit",
};

static const char *const severity_types[_HULL_OSV_SEVERITY_MAX] = {
        [HULL_OSV_SEVERITY_CVSS_V2] = "CVSS_V2", [HULL_OSV_SEVERITY_CVSS_V3] = "CVSS_V3",
        [HULL_OSV_SEVERITY_CVSS_V4] = "CVSS_V4", [HULL_OSV_SEVERITY_UBUNTU] = "Ubuntu",
        [HULL_OSV_SEVERITY_OTHER] = "OTHER",
};

static const char *const reference_types[_HULL_OSV_REFERENCE_MAX] = {
        [HULL_OSV_REFERENCE_ADVISORY] = "ADVISORY",
        [HULL_OSV_REFERENCE_ARTICLE] = "ARTICLE",
        [HULL_OSV_REFERENCE_DETECTION] = "DETECTION",
        [HULL_OSV_REFERENCE_DISCUSSION] = "DISCUSSION",
        [HULL_OSV_REFERENCE_REPORT] = "REPORT",
        [HULL_OSV_REFERENCE_FIX] = "FIX",
        [HULL_OSV_REFERENCE_INTRODUCED] = "INTRODUCED",
        [HULL_OSV_REFERENCE_GIT] = "GIT",
        [HULL_OSV_REFERENCE_PACKAGE] = "PACKAGE",
        [HULL_OSV_REFERENCE_EVIDENCE] = "EVIDENCE",
        [HULL_OSV_REFERENCE_WEB] = "WEB",
        [HULL_OSV_REFERENCE_OTHER] = "OTHER",
};

#define TABLE_GET(table, i) ((i) >= 0 && (size_t)(i) < ELEMENTSOF(table) ? (table)[i] : NULL)

const char *hull_osv_range_type_to_string(enum hull_osv_range_type t) {
        return TABLE_GET(range_types, (int)t);
}

const char *hull_osv_event_kind_to_string(enum hull_osv_event_kind k) {
        return TABLE_GET(event_kinds, (int)k);
}

const char *hull_osv_severity_type_to_string(enum hull_osv_severity_type t) {
        return TABLE_GET(severity_types, (int)t);
}

const char *hull_osv_reference_type_to_string(enum hull_osv_reference_type t) {
        return TABLE_GET(reference_types, (int)t);
}

/* Index of s in table[0..n), or -1.  OTHER entries are never matched. */
static int lookup(const char *const *table, size_t n, const char *s) {
        for (size_t i = 0; i < n; i++)
                if (table[i] && strcmp(table[i], s) == 0)
                        return (int)i;
        return -1;
}

/* ---- time ---- */

static bool digits(const char *s, size_t n, unsigned *ret) {
        unsigned v = 0;

        for (size_t i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return false;
                v = v * 10 + (unsigned)(s[i] - '0');
        }
        *ret = v;
        return true;
}

static bool leap(unsigned y) {
        return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
        y -= m <= 2;
        int64_t era = (y >= 0 ? y : y - 399) / 400;
        unsigned yoe = (unsigned)(y - era * 400);
        unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
        unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + (int64_t)doe - 719468;
}

int hull_osv_time_parse(const char *s, size_t n, struct hull_osv_time *ret) {
        static const unsigned mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        unsigned y, mo, d, h, mi, sec, oh = 0, om = 0;
        uint32_t nsec = 0;
        size_t i = 19;
        int sign = 0;

        /* YYYY-MM-DDTHH:MM:SS */
        if (n < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
            s[13] != ':' || s[16] != ':')
                return HULL_EPARSE;
        if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) ||
            !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &sec))
                return HULL_EPARSE;
        if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap(y)) || h > 23 ||
            mi > 59 || sec > 60)
                return HULL_EPARSE;
        if (s[i] == '.') {
                size_t start = ++i;
                while (i < n && s[i] >= '0' && s[i] <= '9') {
                        if (i - start < 9)
                                nsec = nsec * 10 + (uint32_t)(s[i] - '0');
                        i++;
                }
                if (i == start)
                        return HULL_EPARSE;
                for (size_t k = i - start; k < 9; k++)
                        nsec *= 10;
        }
        if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
                i++;
        } else if (i < n && (s[i] == '+' || s[i] == '-')) {
                sign = s[i] == '+' ? 1 : -1;
                if (n - i != 6 || s[i + 3] != ':' || !digits(s + i + 1, 2, &oh) ||
                    !digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
                        return HULL_EPARSE;
                i += 6;
        } else {
                return HULL_EPARSE;
        }
        if (i != n)
                return HULL_EPARSE;
        /* a leap second is the last second of its minute, as POSIX time has it */
        if (sec == 60)
                sec = 59;
        int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
        t -= sign * (int64_t)(oh * 3600 + om * 60);
        ret->sec = t;
        ret->nsec = nsec;
        return HULL_OK;
}

int hull_osv_time_cmp(const struct hull_osv_time *a, const struct hull_osv_time *b) {
        if (a->sec != b->sec)
                return a->sec < b->sec ? -1 : 1;
        if (a->nsec != b->nsec)
                return a->nsec < b->nsec ? -1 : 1;
        return 0;
}

char *hull_osv_time_format(const struct hull_osv_time *t, char *buf) {
        int64_t days = t->sec / 86400, rem = t->sec % 86400;
        char frac[12] = "";

        if (rem < 0) {
                rem += 86400;
                days--;
        }
        /* Hinnant's civil_from_days */
        days += 719468;
        int64_t era = (days >= 0 ? days : days - 146096) / 146097;
        unsigned doe = (unsigned)(days - era * 146097);
        unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        int64_t y = (int64_t)yoe + era * 400;
        unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        unsigned mp = (5 * doy + 2) / 153;
        unsigned d = doy - (153 * mp + 2) / 5 + 1;
        unsigned m = mp < 10 ? mp + 3 : mp - 9;
        y += m <= 2;

        if (t->nsec) {
                size_t k;
                snprintf(frac, sizeof(frac), ".%09u", (unsigned)(t->nsec % 1000000000u));
                for (k = strlen(frac); frac[k - 1] == '0'; k--)
                        ;
                frac[k] = '\0';
        }
        snprintf(buf, HULL_OSV_TIME_TEXT, "%04lld-%02u-%02uT%02u:%02u:%02u%sZ", (long long)y, m, d,
                 (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60), (unsigned)(rem % 60), frac);
        return buf;
}

/* ---- walking the tree ---- */

static const char *want_name(json_type t) {
        switch (t) {
        case JSON_OBJECT: return "an object";
        case JSON_ARRAY: return "an array";
        default: return "a string";
        }
}

/* Quote untrusted s for a message. */
static const char *q(char *buf, size_t size, const char *s) {
        return hull_str_quote(buf, size, s, '"');
}

/* obj's member key, which must have JSON type `type` when present.  null
 * counts as absent only where the schema allows it (nullable).  *ret is
 * NULL when absent; a required member that is absent is an error. */
static int member(struct hull_json_walk *c, json_t *obj, const char *key, json_type type,
                  bool required, bool nullable, json_t **ret) {
        json_t *v = json_object_get(obj, key);
        int r = HULL_OK;

        *ret = NULL;
        if (!v || (nullable && json_is_null(v))) {
                if (required)
                        return hull_json_walk_fail(c, HULL_EPARSE, "missing required member %s",
                                                   key);
                return HULL_OK;
        }
        if (json_typeof(v) == type) {
                *ret = v;
                return HULL_OK;
        }
        size_t mark = hull_json_walk_key(c, key);
        r = hull_json_walk_fail(c, HULL_EPARSE, "expected %s, got %s", want_name(type),
                                hull_json_type_name(v));
        hull_json_walk_pop(c, mark);
        return r;
}

/* An id, alias or related id: printable ASCII without spaces, bounded. */
static int check_id(struct hull_json_walk *c, const char *s, size_t n) {
        char b[128];

        if (n == 0)
                return hull_json_walk_fail(c, HULL_EPARSE, "empty id");
        if (n > HULL_MAX_OSV_ID_BYTES)
                return hull_json_walk_fail(c, HULL_ELIMIT, "id of %zu bytes, longer than %u", n,
                                           HULL_MAX_OSV_ID_BYTES);
        for (size_t i = 0; i < n; i++)
                if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
                        return hull_json_walk_fail(c, HULL_EPARSE,
                                                   "invalid id %s (printable ASCII only)",
                                                   q(b, sizeof(b), s));
        return HULL_OK;
}

enum str_check { STR_ANY, STR_NONEMPTY, STR_ID };

/* A string member; *ret NULL when absent. */
static int get_str(struct hull_json_walk *c, json_t *obj, const char *key, bool required,
                   enum str_check check, const char **ret) {
        json_t *v;
        size_t mark;
        int r = HULL_OK;

        *ret = NULL;
        HULL_TRY(member(c, obj, key, JSON_STRING, required, false, &v));
        if (!v)
                return HULL_OK;
        mark = hull_json_walk_key(c, key);
        if (check == STR_ID)
                r = check_id(c, json_string_value(v), json_string_length(v));
        else if (check == STR_NONEMPTY && json_string_length(v) == 0)
                r = hull_json_walk_fail(c, HULL_EPARSE, "empty string");
        if (r == HULL_OK)
                r = hull_json_walk_strdup(c, v, ret);
        hull_json_walk_pop(c, mark);
        return r;
}

static int get_time(struct hull_json_walk *c, json_t *obj, const char *key, bool required,
                    struct hull_osv_time *ret, bool *ret_has) {
        json_t *v;
        size_t mark;
        int r = HULL_OK;
        char b[128];

        HULL_TRY(member(c, obj, key, JSON_STRING, required, false, &v));
        if (ret_has)
                *ret_has = v != NULL;
        if (!v)
                return HULL_OK;
        if (hull_osv_time_parse(json_string_value(v), json_string_length(v), ret) != HULL_OK) {
                mark = hull_json_walk_key(c, key);
                r = hull_json_walk_fail(c, HULL_EPARSE, "invalid RFC 3339 date-time %s",
                                        q(b, sizeof(b), json_string_value(v)));
                hull_json_walk_pop(c, mark);
        }
        return r;
}

/* Array of n elements of size elem in the arena (n may be 0: NULL). */
static int alloc_array(struct hull_json_walk *c, size_t n, size_t elem, void **ret) {
        *ret = NULL;
        if (n == 0)
                return HULL_OK;
        if (n > SIZE_MAX / elem)
                return hull_json_walk_nomem(c);
        *ret = hull_arena_alloc0(c->a, n * elem);
        return *ret ? HULL_OK : hull_json_walk_nomem(c);
}

/* []string member; check applies to each element. */
static int get_strv(struct hull_json_walk *c, json_t *obj, const char *key, bool nullable,
                    enum str_check check, const char ***ret, size_t *ret_n) {
        json_t *arr, *v;
        const char **out;
        size_t i, mark, mark2;
        int r = HULL_OK;

        *ret = NULL;
        *ret_n = 0;
        HULL_TRY(member(c, obj, key, JSON_ARRAY, false, nullable, &arr));
        if (!arr)
                return HULL_OK;
        HULL_TRY(alloc_array(c, json_array_size(arr), sizeof(*out), (void **)&out));
        mark = hull_json_walk_key(c, key);
        json_array_foreach(arr, i, v) {
                mark2 = hull_json_walk_index(c, i);
                if (!json_is_string(v))
                        r = hull_json_walk_fail(c, HULL_EPARSE, "expected a string, got %s",
                                                hull_json_type_name(v));
                else if (check == STR_ID)
                        r = check_id(c, json_string_value(v), json_string_length(v));
                if (r == HULL_OK)
                        r = hull_json_walk_strdup(c, v, &out[i]);
                hull_json_walk_pop(c, mark2);
                if (r)
                        break;
        }
        hull_json_walk_pop(c, mark);
        if (r)
                return r;
        *ret = out;
        *ret_n = json_array_size(arr);
        return HULL_OK;
}

/* An object member kept as compact JSON text. */
static int get_json_text(struct hull_json_walk *c, json_t *obj, const char *key, json_t **ret_obj,
                         const char **ret) {
        json_t *v;
        size_t n;
        char *s;

        *ret = NULL;
        HULL_TRY(member(c, obj, key, JSON_OBJECT, false, false, &v));
        if (ret_obj)
                *ret_obj = v;
        if (!v)
                return HULL_OK;
        n = json_dumpb(v, NULL, 0, JSON_COMPACT);
        if (n == 0)
                return hull_json_walk_nomem(c);
        s = hull_arena_alloc(c->a, n + 1);
        if (!s || json_dumpb(v, s, n, JSON_COMPACT) != n)
                return hull_json_walk_nomem(c);
        s[n] = '\0';
        *ret = s;
        return HULL_OK;
}

/* Shared by the array readers below: for each element of the array member
 * key (an object), push its path and call fn. */
typedef int elem_fn(struct hull_json_walk *c, json_t *v, void *out);

static int get_objv(struct hull_json_walk *c, json_t *obj, const char *key, bool nullable,
                    size_t elem, elem_fn *fn, void **ret, size_t *ret_n) {
        json_t *arr, *v;
        char *out;
        size_t i, mark, mark2;
        int r = HULL_OK;

        *ret = NULL;
        *ret_n = 0;
        HULL_TRY(member(c, obj, key, JSON_ARRAY, false, nullable, &arr));
        if (!arr)
                return HULL_OK;
        HULL_TRY(alloc_array(c, json_array_size(arr), elem, (void **)&out));
        mark = hull_json_walk_key(c, key);
        json_array_foreach(arr, i, v) {
                mark2 = hull_json_walk_index(c, i);
                if (!json_is_object(v))
                        r = hull_json_walk_fail(c, HULL_EPARSE, "expected an object, got %s",
                                                hull_json_type_name(v));
                else
                        r = fn(c, v, out + i * elem);
                hull_json_walk_pop(c, mark2);
                if (r)
                        break;
        }
        hull_json_walk_pop(c, mark);
        if (r)
                return r;
        *ret = out;
        *ret_n = json_array_size(arr);
        return HULL_OK;
}

/* ---- the schema's objects ---- */

/* {"type": T, key: V} with both non-empty strings (a severity, a
 * reference): T and V copied, *ret_type T's index in table[0..other), or
 * other when T is none of those. */
static int read_typed(struct hull_json_walk *c, json_t *v, const char *key,
                      const char *const *table, int other, int *ret_type,
                      const char **ret_type_name, const char **ret) {
        int t;

        HULL_TRY(get_str(c, v, "type", true, STR_NONEMPTY, ret_type_name));
        HULL_TRY(get_str(c, v, key, true, STR_NONEMPTY, ret));
        t = lookup(table, (size_t)other, *ret_type_name);
        *ret_type = t < 0 ? other : t;
        return HULL_OK;
}

static int read_severity(struct hull_json_walk *c, json_t *v, void *out) {
        struct hull_osv_severity *s = out;
        int t;

        HULL_TRY(read_typed(c, v, "score", severity_types, HULL_OSV_SEVERITY_OTHER, &t,
                            &s->type_name, &s->score));
        s->type = (enum hull_osv_severity_type)t;
        return HULL_OK;
}

static int read_reference(struct hull_json_walk *c, json_t *v, void *out) {
        struct hull_osv_reference *r = out;
        int t;

        HULL_TRY(read_typed(c, v, "url", reference_types, HULL_OSV_REFERENCE_OTHER, &t,
                            &r->type_name, &r->url));
        r->type = (enum hull_osv_reference_type)t;
        return HULL_OK;
}

static int read_event(struct hull_json_walk *c, json_t *v, void *out) {
        struct hull_osv_event *e = out;
        const char *key;
        json_t *val;
        char b[128];
        int k;

        if (json_object_size(v) != 1)
                return hull_json_walk_fail(
                        c, HULL_EPARSE,
                        "an event must have exactly one member (introduced, fixed, "
                        "last_affected or limit), has %zu",
                        json_object_size(v));
        json_object_foreach(v, key, val) {
                k = lookup(event_kinds, _HULL_OSV_EVENT_MAX, key);
                if (k < 0)
                        return hull_json_walk_fail(c, HULL_EPARSE,
                                                   "unknown event %s (expected introduced, fixed, "
                                                   "last_affected or limit)",
                                                   q(b, sizeof(b), key));
                e->kind = (enum hull_osv_event_kind)k;
                size_t mark = hull_json_walk_key(c, key);
                int r = json_is_string(val)
                                ? hull_json_walk_strdup(c, val, &e->version)
                                : hull_json_walk_fail(c, HULL_EPARSE, "expected a string, got %s",
                                                      hull_json_type_name(val));
                hull_json_walk_pop(c, mark);
                return r;
        }
        return HULL_EINTERNAL; /* not reached: the object has one member */
}

static int read_range(struct hull_json_walk *c, json_t *v, void *out) {
        struct hull_osv_range *r = out;
        const char *type;
        bool introduced = false, fixed = false, last = false;
        char b[128];
        int t;

        HULL_TRY(get_str(c, v, "type", true, STR_ANY, &type));
        t = lookup(range_types, _HULL_OSV_RANGE_MAX, type);
        if (t < 0) {
                size_t mark = hull_json_walk_key(c, "type");
                int rc = hull_json_walk_fail(c, HULL_EPARSE,
                                             "unknown range type %s (expected ECOSYSTEM, "
                                             "SEMVER or GIT)",
                                             q(b, sizeof(b), type));
                hull_json_walk_pop(c, mark);
                return rc;
        }
        r->type = (enum hull_osv_range_type)t;
        HULL_TRY(get_str(c, v, "repo", r->type == HULL_OSV_RANGE_GIT, STR_ANY, &r->repo));
        if (!json_object_get(v, "events"))
                return hull_json_walk_fail(c, HULL_EPARSE, "missing required member events");
        HULL_TRY(get_objv(c, v, "events", false, sizeof(struct hull_osv_event), read_event,
                          (void **)&r->events, &r->n_events));
        if (r->n_events == 0)
                return hull_json_walk_fail(c, HULL_EPARSE,
                                           "events: empty (at least one event is required)");
        for (size_t i = 0; i < r->n_events; i++) {
                introduced |= r->events[i].kind == HULL_OSV_EVENT_INTRODUCED;
                fixed |= r->events[i].kind == HULL_OSV_EVENT_FIXED;
                last |= r->events[i].kind == HULL_OSV_EVENT_LAST_AFFECTED;
        }
        if (!introduced)
                return hull_json_walk_fail(c, HULL_EPARSE, "events: no introduced event");
        if (fixed && last)
                return hull_json_walk_fail(
                        c, HULL_EPARSE,
                        "events: both fixed and last_affected (the schema allows one kind)");
        return get_json_text(c, v, "database_specific", NULL, &r->database_specific);
}

static int read_affected(struct hull_json_walk *c, json_t *v, void *out) {
        struct hull_osv_affected *a = out;
        json_t *pkg, *es, *u;

        HULL_TRY(member(c, v, "package", JSON_OBJECT, false, false, &pkg));
        if (pkg) {
                size_t mark = hull_json_walk_key(c, "package");
                int r = get_str(c, pkg, "ecosystem", true, STR_NONEMPTY, &a->ecosystem);
                if (r == HULL_OK)
                        r = get_str(c, pkg, "name", true, STR_NONEMPTY, &a->name);
                if (r == HULL_OK)
                        r = get_str(c, pkg, "purl", false, STR_ANY, &a->purl);
                hull_json_walk_pop(c, mark);
                HULL_TRY(r);
        }
        HULL_TRY(get_objv(c, v, "severity", true, sizeof(struct hull_osv_severity), read_severity,
                          (void **)&a->severity, &a->n_severity));
        HULL_TRY(get_objv(c, v, "ranges", false, sizeof(struct hull_osv_range), read_range,
                          (void **)&a->ranges, &a->n_ranges));
        HULL_TRY(get_strv(c, v, "versions", false, STR_ANY, &a->versions, &a->n_versions));
        HULL_TRY(get_json_text(c, v, "ecosystem_specific", &es, &a->ecosystem_specific));
        HULL_TRY(get_json_text(c, v, "database_specific", NULL, &a->database_specific));
        u = es ? json_object_get(es, "urgency") : NULL;
        if (u && json_is_string(u))
                HULL_TRY(hull_json_walk_strdup(c, u, &a->urgency));
        return HULL_OK;
}

static int read_credit(struct hull_json_walk *c, json_t *v, void *out) {
        const char *s, **sv;
        size_t n;

        (void)out;
        HULL_TRY(get_str(c, v, "name", true, STR_ANY, &s));
        HULL_TRY(get_strv(c, v, "contact", false, STR_ANY, &sv, &n));
        return get_str(c, v, "type", false, STR_ANY, &s);
}

/* related[]: ids, or objects {type, id} as a proposed revision writes them. */
static int read_related(struct hull_json_walk *c, json_t *obj, struct hull_osv_record *r) {
        json_t *arr, *v, *id;
        size_t i, mark, mark2;
        int rc = HULL_OK;

        HULL_TRY(member(c, obj, "related", JSON_ARRAY, false, false, &arr));
        if (!arr)
                return HULL_OK;
        HULL_TRY(alloc_array(c, json_array_size(arr), sizeof(char *), (void **)&r->related));
        mark = hull_json_walk_key(c, "related");
        json_array_foreach(arr, i, v) {
                mark2 = hull_json_walk_index(c, i);
                id = v;
                if (json_is_object(v)) {
                        const char *type;
                        rc = get_str(c, v, "type", true, STR_NONEMPTY, &type);
                        if (rc == HULL_OK)
                                rc = member(c, v, "id", JSON_STRING, true, false, &id);
                        if (rc == HULL_OK)
                                hull_json_walk_key(c, "id");
                } else if (!json_is_string(v)) {
                        rc = hull_json_walk_fail(c, HULL_EPARSE, "expected a string, got %s",
                                                 hull_json_type_name(v));
                }
                if (rc == HULL_OK)
                        rc = check_id(c, json_string_value(id), json_string_length(id));
                if (rc == HULL_OK)
                        rc = hull_json_walk_strdup(c, id, &r->related[i]);
                hull_json_walk_pop(c, mark2);
                if (rc)
                        break;
        }
        hull_json_walk_pop(c, mark);
        r->n_related = rc ? 0 : json_array_size(arr);
        return rc;
}

/* "1", "1.6", "1.6.0": major 1, then dot-separated digit runs. */
static int check_schema_version(struct hull_json_walk *c, const char *s) {
        size_t i = 0, run = 0;
        char b[128];
        bool one = s[0] == '1' && (s[1] == '\0' || s[1] == '.');

        for (; s[i]; i++) {
                if (s[i] >= '0' && s[i] <= '9') {
                        run++;
                } else if (s[i] == '.' && run > 0) {
                        run = 0;
                } else {
                        run = 0;
                        break;
                }
        }
        size_t mark = hull_json_walk_key(c, "schema_version");
        int r = HULL_OK;
        if (run == 0 || s[i])
                r = hull_json_walk_fail(c, HULL_EPARSE, "invalid schema version %s",
                                        q(b, sizeof(b), s));
        else if (!one)
                r = hull_json_walk_fail(
                        c, HULL_EUNSUPPORTED,
                        "schema version %s is not supported (this reader knows OSV 1.x)",
                        q(b, sizeof(b), s));
        hull_json_walk_pop(c, mark);
        return r;
}

static int read_record(struct hull_json_walk *c, json_t *root, struct hull_osv_record *r) {
        json_t *ds, *sev;
        char *cr; /* one unused byte per credit: credits are checked, not kept */
        size_t n;

        if (!json_object_get(root, "id") && !json_object_get(root, "modified"))
                return hull_json_walk_fail(c, HULL_ENOTFOUND,
                                           "not an OSV record (no id, no modified)");
        HULL_TRY(get_str(c, root, "schema_version", false, STR_ANY, &r->schema_version));
        if (r->schema_version)
                HULL_TRY(check_schema_version(c, r->schema_version));
        HULL_TRY(get_str(c, root, "id", true, STR_ID, &r->id));
        HULL_TRY(get_time(c, root, "modified", true, &r->modified, NULL));
        HULL_TRY(get_time(c, root, "published", false, &r->published, &r->has_published));
        HULL_TRY(get_time(c, root, "withdrawn", false, &r->withdrawn, &r->has_withdrawn));
        HULL_TRY(get_strv(c, root, "aliases", true, STR_ID, &r->aliases, &r->n_aliases));
        HULL_TRY(read_related(c, root, r));
        HULL_TRY(get_strv(c, root, "upstream", false, STR_ID, &r->upstream, &r->n_upstream));
        HULL_TRY(get_str(c, root, "summary", false, STR_ANY, &r->summary));
        HULL_TRY(get_str(c, root, "details", false, STR_ANY, &r->details));
        HULL_TRY(get_objv(c, root, "severity", true, sizeof(struct hull_osv_severity),
                          read_severity, (void **)&r->severity, &r->n_severity));
        HULL_TRY(get_objv(c, root, "affected", true, sizeof(struct hull_osv_affected),
                          read_affected, (void **)&r->affected, &r->n_affected));
        HULL_TRY(get_objv(c, root, "references", true, sizeof(struct hull_osv_reference),
                          read_reference, (void **)&r->references, &r->n_references));
        HULL_TRY(get_objv(c, root, "credits", false, 1, read_credit, (void **)&cr, &n));
        HULL_TRY(get_json_text(c, root, "database_specific", &ds, &r->database_specific));
        sev = ds ? json_object_get(ds, "severity") : NULL;
        if (sev && json_is_string(sev))
                HULL_TRY(hull_json_walk_strdup(c, sev, &r->severity_label));
        return HULL_OK;
}

int hull_osv_parse(const char *data, size_t len, const char *name, struct hull_arena *a,
                   struct hull_osv_record **ret, struct hull_diag *d) {
        _cleanup_(json_decrefp) json_t *root = NULL;
        struct hull_osv_record *r;
        struct hull_json_walk c;

        hull_json_walk_init(&c, a, name, d);
        if (!data && len)
                return hull_diag_set(d, HULL_EINVAL, c.name, 0, 0, "%s: no data", c.name);
        if (len > HULL_MAX_OSV_RECORD_BYTES)
                return hull_diag_set(d, HULL_ELIMIT, c.name, 0, 0,
                                     "%s: record of %zu bytes, more than the limit of %u", c.name,
                                     len, HULL_MAX_OSV_RECORD_BYTES);
        HULL_TRY(hull_json_read(data, len, c.name, HULL_MAX_OSV_JSON_DEPTH,
                                HULL_MAX_OSV_JSON_VALUES, &root, d));
        if (!json_is_object(root))
                return hull_json_walk_fail(&c, HULL_EPARSE,
                                           "expected a JSON object at the top level, got %s",
                                           hull_json_type_name(root));
        r = hull_arena_alloc0(a, sizeof(*r));
        if (!r)
                return hull_json_walk_nomem(&c);
        HULL_TRY(read_record(&c, root, r));
        *ret = r;
        return HULL_OK;
}
