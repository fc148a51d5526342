/* fuzz_osv.c - the OSV record reader (src/vuln/osv.c) on arbitrary bytes,
 * plus the two small decoders beside it: RFC 3339 times and the compact
 * ranges of a database row (which a damaged database can hand us).
 *
 * Besides never crashing, an accepted record must hold what osv.h
 * promises: a bounded printable id, every range with at least one event and
 * an introduced one, never both fixed and last_affected, a repo on GIT
 * ranges, package ecosystem and name together, and times whose canonical
 * text reads back to the same instant.  A refused one names its input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "basic/arena.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "vuln/db.h"
#include "vuln/osv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok) {
        if (!ok)
                abort();
}

static void check_time(const struct hull_osv_time *t) {
        char buf[HULL_OSV_TIME_TEXT];
        struct hull_osv_time u;

        hull_osv_time_format(t, buf);
        check(hull_osv_time_parse(buf, strlen(buf), &u) == HULL_OK);
        check(hull_osv_time_cmp(t, &u) == 0);
        check(t->nsec < 1000000000u);
}

static void check_id(const char *s) {
        size_t n = s ? strlen(s) : 0;

        check(n > 0 && n <= HULL_MAX_OSV_ID_BYTES);
        for (size_t i = 0; i < n; i++)
                check((unsigned char)s[i] > 0x20 && (unsigned char)s[i] < 0x7f);
}

static void check_record(const struct hull_osv_record *r) {
        check_id(r->id);
        check_time(&r->modified);
        if (r->has_published)
                check_time(&r->published);
        if (r->has_withdrawn)
                check_time(&r->withdrawn);
        for (size_t i = 0; i < r->n_aliases; i++)
                check_id(r->aliases[i]);
        for (size_t i = 0; i < r->n_related; i++)
                check_id(r->related[i]);
        for (size_t i = 0; i < r->n_severity; i++)
                check(r->severity[i].type_name && r->severity[i].score);
        for (size_t i = 0; i < r->n_references; i++)
                check(r->references[i].url && r->references[i].url[0]);
        for (size_t i = 0; i < r->n_affected; i++) {
                const struct hull_osv_affected *a = &r->affected[i];
                check((a->ecosystem == NULL) == (a->name == NULL));
                check(!a->purl || a->ecosystem);
                for (size_t k = 0; k < a->n_ranges; k++) {
                        const struct hull_osv_range *g = &a->ranges[k];
                        int intro = 0, fixed = 0, last = 0;
                        check(g->n_events >= 1);
                        check(g->type != HULL_OSV_RANGE_GIT || g->repo);
                        for (size_t e = 0; e < g->n_events; e++) {
                                check(g->events[e].version != NULL);
                                intro |= g->events[e].kind == HULL_OSV_EVENT_INTRODUCED;
                                fixed |= g->events[e].kind == HULL_OSV_EVENT_FIXED;
                                last |= g->events[e].kind == HULL_OSV_EVENT_LAST_AFFECTED;
                        }
                        check(intro && !(fixed && last));
                }
                for (size_t k = 0; k < a->n_versions; k++)
                        check(a->versions[k] != NULL);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_osv_record *r = NULL;
        struct hull_vuln_ranges_iter it;
        struct hull_vuln_ranges_item item;
        struct hull_osv_time t;
        struct hull_diag d;
        int code;

        hull_diag_init(&d);
        code = hull_osv_parse((const char *)data, size, "fuzz.json", &a, &r, &d);
        if (code == HULL_OK)
                check_record(r);
        else
                check(code > 0 && code < _HULL_ERR_MAX && d.code == code && d.msg[0] &&
                      strcmp(d.file, "fuzz.json") == 0);
        hull_arena_release(&a);

        if (hull_osv_time_parse((const char *)data, size, &t) == HULL_OK)
                check_time(&t);

        /* the bytes as a stored ranges blob: items stay inside it */
        hull_vuln_ranges_init(&it, data, size);
        while ((code = hull_vuln_ranges_next(&it, &item)) == 1)
                check((const uint8_t *)item.value >= data &&
                      (const uint8_t *)item.value + item.len < data + size &&
                      item.value[item.len] == '\0');
        check(code == 0 || code == -1);
        return 0;
}
