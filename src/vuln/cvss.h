/* cvss.h - CVSS v3.0, v3.1 and v4.0 vectors: strict parsing and scores.
 *
 * OSV records carry severities as {"type": "CVSS_V3" | "CVSS_V4", "score":
 * VECTOR}; the vector is the data and the number is ours to compute, the
 * same way for every record (tests/vuln/cvss.txt holds FIRST's examples,
 * tests/vuln/diff/cvss.sh compares with independent calculators).
 *
 * Grammar (FIRST specification documents, "Vector String" sections):
 *   "CVSS:3.0/", "CVSS:3.1/" or "CVSS:4.0/", then METRIC:VALUE pairs
 *   separated by single '/'; no blanks, no empty pair, no trailing '/';
 *   names and values are case-sensitive and must be the version's own
 *   (v4.0's Provider Urgency values are words: U:Clear ... U:Red).  Every
 *   Base metric exactly once, every other metric at most once; the
 *   Temporal (v3), Threat (v4), Environmental and Supplemental (v4)
 *   metrics are optional and "X" (Not Defined) is the same as leaving one
 *   out.  v3.x metrics come in any order (the v3.x specifications require
 *   readers to accept that); v4.0 metrics must come in the specification's
 *   order, "every other ordering is invalid": AV AC AT PR UI VC VI VA SC SI
 *   SA, E, CR IR AR MAV MAC MAT MPR MUI MVC MVI MVA MSC MSI MSA, S AU R V RE
 *   U.  HULL_CVSS_ANY_ORDER lifts that for v4.0 (some published advisories
 *   list VC SC VI SI VA SA, the order in which the specification's own
 *   Table 23 happens to list them); nothing else is relaxed.  CVSS v2
 *   vectors have no prefix and are refused (HULL_EUNSUPPORTED with
 *   "CVSS:2.0/", HULL_EPARSE without).
 *
 * Scores (integers of tenths, 0..100):
 *   v3.x  the specification's equations in IEEE double arithmetic, in the
 *         order of FIRST's reference calculators (cvsscalc30.js and
 *         cvsscalc31.js); v3.1 rounds with the Roundup of its Appendix A
 *         (to 1e-5 first, so 4.000000000000001 is 4.0), v3.0 with the plain
 *         ceil(x * 10) / 10 that v3.0 defines, float artefacts included as
 *         FIRST's v3.0 calculator has them (10.0 x 0.92 = 9.200000000000001
 *         gives a v3.0 Temporal score of 9.3, v3.1's 9.2).  v3.1 also
 *         changed the Modified Impact of a changed scope (7.52 x (MISS -
 *         0.029) - 3.25 x (MISS x 0.9731 - 0.02)^13; v3.0: ^15 without the
 *         0.9731).  Base, Temporal and Environmental scores are separate.
 *   v4.0  the macro-vector method of the v4.0 specification (section 8):
 *         six equivalence classes (EQ1..EQ6) pick a macro vector, whose
 *         score comes from FIRST's lookup table, lowered by the mean
 *         proportional distance to the next lower macro vectors.  Computed
 *         in exact rational arithmetic and rounded half up to one decimal,
 *         which is what FIRST's calculator computes (it adds 1e-6 before
 *         rounding to absorb its float error; an exact score that is not
 *         a tie is at least 1/4200 of a tenth from a rounding boundary).
 *         One score per vector: CVSS-B with Base metrics only, CVSS-BT
 *         with E, CVSS-BE with Environmental metrics, CVSS-BTE with both
 *         (Supplemental metrics never change it).  The Base score alone
 *         (threat and environmental metrics as Not Defined) is also given.
 * Qualitative rating (both versions): 0.0 none, 0.1-3.9 low, 4.0-6.9
 * medium, 7.0-8.9 high, 9.0-10.0 critical.
 *
 * Ownership: no allocation; struct hull_cvss and struct hull_cvss_scores
 * are plain values in the caller's storage.  Thread-safe (const tables). */
#ifndef HULL_VULN_CVSS_H
#define HULL_VULN_CVSS_H

#include <stddef.h>
#include <stdint.h>

#include "basic/diag.h"

/* Longest vector accepted (a valid one has at most 178 bytes: no metric twice). */
#define HULL_CVSS_MAX_VECTOR_BYTES 512u
/* Metrics per version: v3.x has 22, v4.0 has 32. */
#define HULL_CVSS_MAX_METRICS 32u

enum hull_cvss_version {
        HULL_CVSS_V3_0,
        HULL_CVSS_V3_1,
        HULL_CVSS_V4_0,
        _HULL_CVSS_VERSION_MAX,
        _HULL_CVSS_VERSION_INVALID = -1,
};

enum hull_cvss_rating {
        HULL_CVSS_RATING_NONE,
        HULL_CVSS_RATING_LOW,
        HULL_CVSS_RATING_MEDIUM,
        HULL_CVSS_RATING_HIGH,
        HULL_CVSS_RATING_CRITICAL,
        _HULL_CVSS_RATING_MAX,
        _HULL_CVSS_RATING_INVALID = -1,
};

/* Which metric groups a score takes in (the v4.0 nomenclature, used for
 * v3.x too: its Environmental score includes the Temporal metrics). */
enum hull_cvss_nomenclature {
        HULL_CVSS_B,   /* Base metrics only */
        HULL_CVSS_BT,  /* Base and Threat (v4) / Temporal (v3) */
        HULL_CVSS_BE,  /* Base and Environmental */
        HULL_CVSS_BTE, /* all three */
        _HULL_CVSS_NOMENCLATURE_MAX,
        _HULL_CVSS_NOMENCLATURE_INVALID = -1,
};

/* Flags of hull_cvss_parse(). */
#define HULL_CVSS_ANY_ORDER 1u /* v4.0 metrics in any order (v3.x always) */

/* A parsed vector.  value[i] is 0 when metric i of the version's table
 * (the canonical order above) is absent, else 1 + the index of its value
 * in that metric's list; an explicit "X" is kept as given (the formatter
 * drops it).  Read it with hull_cvss_get(). */
struct hull_cvss {
        enum hull_cvss_version version;
        uint8_t value[HULL_CVSS_MAX_METRICS];
};

/* Scores in tenths (98 is 9.8). */
struct hull_cvss_scores {
        int base;          /* v3.x Base Score; v4.0 CVSS-B (Threat and Environmental metrics
                            * taken as Not Defined) */
        int temporal;      /* v3.x Temporal Score when a Temporal metric is defined (not X),
                            * else -1; always -1 for v4.0 */
        int environmental; /* v3.x Environmental Score when an Environmental metric is defined,
                            * else -1 (with none, v3.1's changed-scope formula would still
                            * differ from the Base Score); always -1 for v4.0 */
        int score;         /* the vector's score: v3.x the Environmental, else the Temporal,
                            * else the Base Score; v4.0 the score of all its metrics */
        enum hull_cvss_nomenclature nomenclature; /* what score takes in */
        enum hull_cvss_rating rating;             /* of score */
        enum hull_cvss_rating base_rating;        /* of base */
};

/* Parse the vector s[0..n) (need not be NUL-terminated).  Returns HULL_OK
 * and fills *ret, or HULL_EPARSE (grammar, unknown metric or value,
 * duplicate, missing Base metric, v4.0 order), HULL_EUNSUPPORTED (another
 * CVSS version) or HULL_ELIMIT (over HULL_CVSS_MAX_VECTOR_BYTES), with d
 * (may be NULL) naming the vector, the byte offset (also in d->offset) and
 * the offending metric; *ret is then untouched.  flags: HULL_CVSS_*. */
int hull_cvss_parse(const char *s, size_t n, unsigned flags, struct hull_cvss *ret,
                    struct hull_diag *d);

/* The scores of a parsed vector; cannot fail. */
void hull_cvss_score(const struct hull_cvss *c, struct hull_cvss_scores *ret);

/* hull_cvss_parse() then hull_cvss_score(); same errors. */
int hull_cvss_eval(const char *s, size_t n, unsigned flags, struct hull_cvss_scores *ret,
                   struct hull_diag *d);

/* The canonical vector of c into buf: prefix, then the given metrics in
 * the specification's order, Not Defined ones left out, so that parsing
 * it gives the same scores and formatting that gives the same string.
 * Returns its length; writes at most size bytes, NUL-terminated when size
 * > 0 (HULL_CVSS_MAX_VECTOR_BYTES is always enough). */
size_t hull_cvss_format(const struct hull_cvss *c, char *buf, size_t size);

/* The value of metric name ("AV", "MSI", "U", ...) in c: a static string,
 * "X" for an optional metric that is absent; NULL when c's version has no
 * such metric. */
const char *hull_cvss_get(const struct hull_cvss *c, const char *name);

/* The rating of a score in tenths; _HULL_CVSS_RATING_INVALID outside 0..100. */
enum hull_cvss_rating hull_cvss_rating_of(int tenths);

/* "none", "low", "medium", "high", "critical"; NULL if out of range. */
const char *hull_cvss_rating_to_string(enum hull_cvss_rating r);
/* Those names, exact lowercase; _HULL_CVSS_RATING_INVALID otherwise. */
enum hull_cvss_rating hull_cvss_rating_from_string(const char *s);

/* "3.0", "3.1", "4.0"; NULL if out of range.  OSV's "CVSS_V3" severities
 * carry 3.0 or 3.1 vectors, "CVSS_V4" ones 4.0: callers check c.version. */
const char *hull_cvss_version_to_string(enum hull_cvss_version v);

/* "CVSS-B", "CVSS-BT", "CVSS-BE", "CVSS-BTE"; NULL if out of range. */
const char *hull_cvss_nomenclature_to_string(enum hull_cvss_nomenclature n);

#endif
