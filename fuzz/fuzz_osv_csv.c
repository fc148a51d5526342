/* fuzz_osv_csv.c - libFuzzer target for the modified_id.csv reader of
 * `db update` (hull_vuln_csv_parse, src/vuln/update.c): the list a remote
 * source hands us before we decide what to download.
 *
 * The first byte picks the ecosystem name the ids may be prefixed with; the
 * rest is the file.  Besides crashes and sanitizer reports it aborts when:
 *  - success returns no explanation, or failure returns none;
 *  - an entry's id is empty, holds a newline or a ',' or still carries the
 *    "<eco>/" prefix;
 *  - more entries come back than the input has lines. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/arena.h"
#include "vuln/update.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(e)                                                                                   \
        do {                                                                                       \
                if (!(e)) {                                                                        \
                        fprintf(stderr, "fuzz_osv_csv: invariant broken: %s (line %d)\n", #e,      \
                                __LINE__);                                                         \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static const char *const ecos[] = {"PyPI", "npm", "Debian", "Go"};
        struct hull_arena a;
        struct hull_vuln_csv_entry *v = NULL;
        size_t n = 0, lines = 1, bad;
        char why[128] = "";
        const char *eco;

        if (size < 1)
                return 0;
        eco = ecos[data[0] % 4];
        for (size_t i = 1; i < size; i++)
                lines += data[i] == '\n';
        hull_arena_init(&a, 64u << 20);
        bad = hull_vuln_csv_parse(&a, eco, (const char *)data + 1, size - 1, &v, &n, why,
                                  sizeof(why));
        if (bad) {
                CHECK(why[0] != '\0');
                CHECK(bad <= lines);
        } else {
                size_t el = strlen(eco);
                CHECK(n <= lines);
                for (size_t i = 0; i < n; i++) {
                        CHECK(v[i].id && v[i].id[0]);
                        CHECK(!strchr(v[i].id, '\n') && !strchr(v[i].id, ','));
                        CHECK(!(strncmp(v[i].id, eco, el) == 0 && v[i].id[el] == '/'));
                }
        }
        hull_arena_release(&a);
        return 0;
}
