/* fuzz_cvss.c - libFuzzer target for the CVSS parser and calculator
 * (vuln/cvss.h).
 *
 * Input: the bytes of one vector.  Besides crashes and sanitizer reports
 * it aborts when an invariant breaks:
 *  - a refused vector leaves an error whose code is the one returned, a
 *    message, and an offset within the input;
 *  - HULL_CVSS_ANY_ORDER accepts whatever the strict parse accepts, with
 *    the same result;
 *  - every score is in 0..100 (temporal and environmental may be -1, and
 *    are for v4.0), the ratings are those of the scores, the nomenclature
 *    is known, and a vector without Threat/Temporal and Environmental
 *    metrics scores its Base score;
 *  - the canonical form (hull_cvss_format) parses strictly to the same
 *    scores and formats to itself.
 * Corpus (fuzz/corpus/cvss/): seed-NNN are the vectors of
 * tests/vuln/cvss.txt, valid and invalid; find-NNN the inputs two 10-minute
 * libFuzzer runs added to them (118 million executions, no crash, merged
 * with -merge=1).  fuzz/cvss.dict has the metric names and prefixes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/err.h"
#include "vuln/cvss.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(e)                                                                                   \
        do {                                                                                       \
                if (!(e)) {                                                                        \
                        fprintf(stderr, "fuzz_cvss: invariant broken: %s (line %d)\n", #e,         \
                                __LINE__);                                                         \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)

static void check_scores(const struct hull_cvss *c, const struct hull_cvss_scores *s) {
        CHECK(s->score >= 0 && s->score <= 100);
        CHECK(s->base >= 0 && s->base <= 100);
        CHECK(s->temporal >= -1 && s->temporal <= 100);
        CHECK(s->environmental >= -1 && s->environmental <= 100);
        CHECK(s->rating == hull_cvss_rating_of(s->score));
        CHECK(s->base_rating == hull_cvss_rating_of(s->base));
        CHECK(hull_cvss_rating_to_string(s->rating) != NULL);
        CHECK(hull_cvss_nomenclature_to_string(s->nomenclature) != NULL);
        CHECK(hull_cvss_version_to_string(c->version) != NULL);
        if (c->version == HULL_CVSS_V4_0)
                CHECK(s->temporal == -1 && s->environmental == -1);
        if (s->nomenclature == HULL_CVSS_B)
                CHECK(s->score == s->base);
        CHECK(hull_cvss_get(c, "AV") != NULL && hull_cvss_get(c, "AC") != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *s = (const char *)data;
        struct hull_cvss c, c_any, c2;
        struct hull_cvss_scores sc, sc_any, sc2;
        struct hull_diag d, d_any;
        char canon[HULL_CVSS_MAX_VECTOR_BYTES], canon2[HULL_CVSS_MAX_VECTOR_BYTES];
        int r, r_any;

        hull_diag_init(&d);
        hull_diag_init(&d_any);
        r = hull_cvss_parse(s, size, 0, &c, &d);
        r_any = hull_cvss_parse(s, size, HULL_CVSS_ANY_ORDER, &c_any, &d_any);
        if (r != HULL_OK) {
                CHECK(d.code == r && d.msg[0] != '\0' && d.offset <= size);
                if (r_any != HULL_OK)
                        CHECK(d_any.code == r_any && d_any.msg[0] != '\0' && d_any.offset <= size);
                else
                        check_scores(&c_any, (hull_cvss_score(&c_any, &sc_any), &sc_any));
                return 0;
        }
        CHECK(r_any == HULL_OK && memcmp(&c, &c_any, sizeof(c)) == 0);

        hull_cvss_score(&c, &sc);
        check_scores(&c, &sc);

        size_t len = hull_cvss_format(&c, canon, sizeof(canon));
        CHECK(len < sizeof(canon) && len <= size);
        hull_diag_init(&d);
        CHECK(hull_cvss_parse(canon, len, 0, &c2, &d) == HULL_OK);
        hull_cvss_score(&c2, &sc2);
        CHECK(sc2.score == sc.score && sc2.base == sc.base && sc2.temporal == sc.temporal &&
              sc2.environmental == sc.environmental && sc2.nomenclature == sc.nomenclature);
        CHECK(hull_cvss_format(&c2, canon2, sizeof(canon2)) == len &&
              memcmp(canon, canon2, len) == 0);
        return 0;
}
