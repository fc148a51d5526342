/* bench_vuln.c - matching packages against the OSV database (src/vuln/match.c),
 * timed after the database is open: hull_vuln_match() (lookups and range
 * evaluation) and hull_vuln_match_details() (the matched records' aliases,
 * summary and severity, from records.info), best of --runs; each run starts
 * with empty caches (they live for one call).
 *
 *   bench_vuln [--runs N] DB PACKAGES.json
 *
 * Prints the packages, matches, the times in milliseconds and a hash of
 * the matches (package, id, fixed version, severity) so that a faster
 * build cannot quietly be a wrong one (sqlite speedtest1's --verify). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "basic/arena.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "basic/fileio.h"
#include "basic/limits.h"
#include "vuln/db.h"
#include "vuln/input.h"
#include "vuln/match.h"

static double now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static uint64_t fnv(uint64_t h, const char *s) {
        for (; s && *s; s++)
                h = (h ^ (unsigned char)*s) * 1099511628211ull;
        return (h ^ 0xff) * 1099511628211ull;
}

int main(int argc, char **argv) {
        struct hull_arena in_arena = HULL_ARENA_INIT;
        struct hull_vuln_db *db = NULL;
        struct hull_vuln_input in;
        struct hull_diag d;
        char *data = NULL;
        size_t len;
        int runs = 5, i = 1;
        double best_match = 1e18, best_details = 1e18;
        size_t n_matches = 0, fixed = 0;
        uint64_t hash = 1469598103934665603ull;

        if (argc > 2 && strcmp(argv[1], "--runs") == 0) {
                runs = atoi(argv[2]);
                i = 3;
        }
        if (argc - i != 2 || runs < 1) {
                fprintf(stderr, "usage: bench_vuln [--runs N] DB PACKAGES.json\n");
                return 2;
        }
        hull_diag_init(&d);
        if (hull_read_file(argv[i + 1], HULL_MAX_SBOM_BYTES, &data, &len, &d) != HULL_OK ||
            hull_vuln_input_parse(data, len, argv[i + 1], &in_arena, &in, &d) != HULL_OK ||
            hull_vuln_db_open(argv[i], &db, &d) != HULL_OK) {
                fprintf(stderr, "bench_vuln: %s\n", d.msg);
                return 2;
        }
        for (int r = 0; r < runs; r++) {
                struct hull_arena a = HULL_ARENA_INIT;
                struct hull_vuln_matches m;
                double t0 = now_ms(), t1, t2;
                if (hull_vuln_match(db, in.packages, in.n, &a, &m, &d) != HULL_OK) {
                        fprintf(stderr, "bench_vuln: %s\n", d.msg);
                        return 2;
                }
                t1 = now_ms();
                if (hull_vuln_match_details(db, in.packages, &m, &a, &d) != HULL_OK) {
                        fprintf(stderr, "bench_vuln: %s\n", d.msg);
                        return 2;
                }
                t2 = now_ms();
                if (t1 - t0 < best_match)
                        best_match = t1 - t0;
                if (t2 - t1 < best_details)
                        best_details = t2 - t1;
                if (r == 0) {
                        n_matches = m.n;
                        for (size_t k = 0; k < m.n; k++) {
                                char idx[32];
                                snprintf(idx, sizeof(idx), "%zu", m.v[k].pkg);
                                hash = fnv(hash, idx);
                                hash = fnv(hash, m.v[k].id);
                                hash = fnv(hash, m.v[k].fixed);
                                hash = fnv(hash, hull_vuln_severity_to_string(m.v[k].severity));
                                fixed += m.v[k].fixed != NULL;
                        }
                }
                hull_arena_release(&a);
        }
        printf("packages %zu matches %zu fixed %zu match_ms %.2f details_ms %.2f total_ms %.2f "
               "hash %016" PRIx64 "\n",
               in.n, n_matches, fixed, best_match, best_details, best_match + best_details, hash);
        hull_vuln_db_close(db);
        hull_arena_release(&in_arena);
        hull_free(data);
        return 0;
}
