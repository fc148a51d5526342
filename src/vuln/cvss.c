/* cvss.c - CVSS v3.0, v3.1 and v4.0: vector parser and score calculator.
 *
 * Sources, all FIRST's (first.org/cvss): the CVSS v3.0 and v3.1
 * Specification Documents (section 6 "Vector String" with Table 15, the
 * equations of sections 7 and 8, v3.1's Appendix A "Floating Point
 * Rounding") and their reference calculators cvsscalc30.js and
 * cvsscalc31.js, whose order of floating-point operations we keep; the CVSS
 * v4.0 Specification Document (section 7 "Vector String" with Table 23,
 * section 8 "CVSS v4.0 Scoring": the equivalence sets EQ1..EQ6, their
 * highest-severity vectors and the interpolation between macro vectors)
 * and its reference implementation, FIRST's cvss-v4-calculator (the same
 * code as RedHatProductSecurity/cvss-v4-calculator): cvss_lookup.js (the
 * score of every macro vector, the table below), max_composed.js (the
 * highest-severity vectors), max_severity.js (the depth of each EQ level)
 * and cvss_score.js (the interpolation).  The lookup table was transcribed
 * from cvss_lookup.js and checked equal, entry by entry, to the tables of
 * two independent implementations (npm ae-cvss-calculator 1.0.13 and
 * @pandatix/js-cvss 0.4.4).
 *
 * v3.x arithmetic.  FIRST's v3.x calculators compute in IEEE doubles and
 * their results, artefacts and all, are the reference, so the equations
 * below are evaluated operation for operation in the same order (no fused
 * multiply-add: see the pragma).  The one function JavaScript engines
 * disagree on is Math.pow (V8's differs from the correctly rounded power
 * in 13 of the 149 arguments v3.x can reach); ours is correctly rounded
 * (double-double products), and no score changes either way: checked over
 * every effective combination, 3.5 million per version, against V8's
 * powers.  Math.round and Math.ceil of x * 100000 or x * 10 (x in [0, 10])
 * become integer conversions, so no libm is needed.
 *
 * v4.0 arithmetic.  Exact: distances are integers (the reference's 0.1
 * "levels" are steps), scores are tenths, so the interpolated score is
 * value - sum(msd_i * dist_i / depth_i) / n, a rational with denominator
 * 840 * n (840 = lcm of the depths), rounded half up.  Over all 15,116,544
 * effective vectors (base values after the modified ones, E, CR, IR, AR),
 * a highest-severity vector the vector is nowhere more severe than always
 * exists, and no next lower macro vector scores above its macro vector, so
 * the reference's corner cases (no such vector; a negative difference,
 * which some implementations take the absolute value of) never arise. */
#include "vuln/cvss.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/alloc.h"
#include "basic/err.h"

/* The v3.x equations must round like the reference's: a contraction of
 * a * b + c into one fused multiply-add changes last bits, and v3.0's
 * ceil() turns a last bit into a tenth.  (gnu17 lets gcc contract.) */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

enum group {
        G_BASE,
        G_TEMPORAL, /* v3.x Temporal, v4.0 Threat */
        G_ENV,
        G_SUPPLEMENTAL,
};

struct metric {
        const char *name;
        const char *title;
        enum group group;
        const char *values[6]; /* NULL-terminated; an optional metric's start with "X" */
};

/* v3.x, Table 15 (the same for 3.0 and 3.1). */
/* clang-format off */
enum {
        V3_AV, V3_AC, V3_PR, V3_UI, V3_S, V3_C, V3_I, V3_A,             /* Base */
        V3_E, V3_RL, V3_RC,                                             /* Temporal */
        V3_CR, V3_IR, V3_AR, V3_MAV, V3_MAC, V3_MPR, V3_MUI, V3_MS,     /* Environmental */
        V3_MC, V3_MI, V3_MA,
        V3_N,
};
/* clang-format on */

static const struct metric v3_metrics[V3_N] = {
        [V3_AV] = {"AV", "Attack Vector", G_BASE, {"N", "A", "L", "P"}},
        [V3_AC] = {"AC", "Attack Complexity", G_BASE, {"L", "H"}},
        [V3_PR] = {"PR", "Privileges Required", G_BASE, {"N", "L", "H"}},
        [V3_UI] = {"UI", "User Interaction", G_BASE, {"N", "R"}},
        [V3_S] = {"S", "Scope", G_BASE, {"U", "C"}},
        [V3_C] = {"C", "Confidentiality", G_BASE, {"H", "L", "N"}},
        [V3_I] = {"I", "Integrity", G_BASE, {"H", "L", "N"}},
        [V3_A] = {"A", "Availability", G_BASE, {"H", "L", "N"}},
        [V3_E] = {"E", "Exploit Code Maturity", G_TEMPORAL, {"X", "H", "F", "P", "U"}},
        [V3_RL] = {"RL", "Remediation Level", G_TEMPORAL, {"X", "U", "W", "T", "O"}},
        [V3_RC] = {"RC", "Report Confidence", G_TEMPORAL, {"X", "C", "R", "U"}},
        [V3_CR] = {"CR", "Confidentiality Requirement", G_ENV, {"X", "H", "M", "L"}},
        [V3_IR] = {"IR", "Integrity Requirement", G_ENV, {"X", "H", "M", "L"}},
        [V3_AR] = {"AR", "Availability Requirement", G_ENV, {"X", "H", "M", "L"}},
        [V3_MAV] = {"MAV", "Modified Attack Vector", G_ENV, {"X", "N", "A", "L", "P"}},
        [V3_MAC] = {"MAC", "Modified Attack Complexity", G_ENV, {"X", "L", "H"}},
        [V3_MPR] = {"MPR", "Modified Privileges Required", G_ENV, {"X", "N", "L", "H"}},
        [V3_MUI] = {"MUI", "Modified User Interaction", G_ENV, {"X", "N", "R"}},
        [V3_MS] = {"MS", "Modified Scope", G_ENV, {"X", "U", "C"}},
        [V3_MC] = {"MC", "Modified Confidentiality", G_ENV, {"X", "N", "L", "H"}},
        [V3_MI] = {"MI", "Modified Integrity", G_ENV, {"X", "N", "L", "H"}},
        [V3_MA] = {"MA", "Modified Availability", G_ENV, {"X", "N", "L", "H"}},
};

/* v4.0, Table 23, in the order a vector must follow.  MAV..MSA are AV..SA
 * shifted by V4_MAV - V4_AV. */
/* clang-format off */
enum {
        V4_AV, V4_AC, V4_AT, V4_PR, V4_UI,                              /* Base */
        V4_VC, V4_VI, V4_VA, V4_SC, V4_SI, V4_SA,
        V4_E,                                                           /* Threat */
        V4_CR, V4_IR, V4_AR, V4_MAV, V4_MAC, V4_MAT, V4_MPR, V4_MUI,    /* Environmental */
        V4_MVC, V4_MVI, V4_MVA, V4_MSC, V4_MSI, V4_MSA,
        V4_S, V4_AU, V4_R, V4_V, V4_RE, V4_U,                           /* Supplemental */
        V4_N,
};
/* clang-format on */

static const struct metric v4_metrics[V4_N] = {
        [V4_AV] = {"AV", "Attack Vector", G_BASE, {"N", "A", "L", "P"}},
        [V4_AC] = {"AC", "Attack Complexity", G_BASE, {"L", "H"}},
        [V4_AT] = {"AT", "Attack Requirements", G_BASE, {"N", "P"}},
        [V4_PR] = {"PR", "Privileges Required", G_BASE, {"N", "L", "H"}},
        [V4_UI] = {"UI", "User Interaction", G_BASE, {"N", "P", "A"}},
        [V4_VC] = {"VC", "Vulnerable System Confidentiality", G_BASE, {"H", "L", "N"}},
        [V4_VI] = {"VI", "Vulnerable System Integrity", G_BASE, {"H", "L", "N"}},
        [V4_VA] = {"VA", "Vulnerable System Availability", G_BASE, {"H", "L", "N"}},
        [V4_SC] = {"SC", "Subsequent System Confidentiality", G_BASE, {"H", "L", "N"}},
        [V4_SI] = {"SI", "Subsequent System Integrity", G_BASE, {"H", "L", "N"}},
        [V4_SA] = {"SA", "Subsequent System Availability", G_BASE, {"H", "L", "N"}},
        [V4_E] = {"E", "Exploit Maturity", G_TEMPORAL, {"X", "A", "P", "U"}},
        [V4_CR] = {"CR", "Confidentiality Requirement", G_ENV, {"X", "H", "M", "L"}},
        [V4_IR] = {"IR", "Integrity Requirement", G_ENV, {"X", "H", "M", "L"}},
        [V4_AR] = {"AR", "Availability Requirement", G_ENV, {"X", "H", "M", "L"}},
        [V4_MAV] = {"MAV", "Modified Attack Vector", G_ENV, {"X", "N", "A", "L", "P"}},
        [V4_MAC] = {"MAC", "Modified Attack Complexity", G_ENV, {"X", "L", "H"}},
        [V4_MAT] = {"MAT", "Modified Attack Requirements", G_ENV, {"X", "N", "P"}},
        [V4_MPR] = {"MPR", "Modified Privileges Required", G_ENV, {"X", "N", "L", "H"}},
        [V4_MUI] = {"MUI", "Modified User Interaction", G_ENV, {"X", "N", "P", "A"}},
        [V4_MVC] = {"MVC",
                    "Modified Vulnerable System Confidentiality",
                    G_ENV,
                    {"X", "H", "L", "N"}},
        [V4_MVI] = {"MVI", "Modified Vulnerable System Integrity", G_ENV, {"X", "H", "L", "N"}},
        [V4_MVA] = {"MVA", "Modified Vulnerable System Availability", G_ENV, {"X", "H", "L", "N"}},
        [V4_MSC] = {"MSC",
                    "Modified Subsequent System Confidentiality",
                    G_ENV,
                    {"X", "H", "L", "N"}},
        [V4_MSI] = {"MSI",
                    "Modified Subsequent System Integrity",
                    G_ENV,
                    {"X", "S", "H", "L", "N"}},
        [V4_MSA] = {"MSA",
                    "Modified Subsequent System Availability",
                    G_ENV,
                    {"X", "S", "H", "L", "N"}},
        [V4_S] = {"S", "Safety", G_SUPPLEMENTAL, {"X", "N", "P"}},
        [V4_AU] = {"AU", "Automatable", G_SUPPLEMENTAL, {"X", "N", "Y"}},
        [V4_R] = {"R", "Recovery", G_SUPPLEMENTAL, {"X", "A", "U", "I"}},
        [V4_V] = {"V", "Value Density", G_SUPPLEMENTAL, {"X", "D", "C"}},
        [V4_RE] = {"RE", "Vulnerability Response Effort", G_SUPPLEMENTAL, {"X", "L", "M", "H"}},
        [V4_U] = {"U", "Provider Urgency", G_SUPPLEMENTAL, {"X", "Clear", "Green", "Amber", "Red"}},
};

struct version_def {
        const char *label; /* after "CVSS:" */
        const struct metric *metrics;
        unsigned n;
        bool ordered; /* metrics must follow the table's order */
};

static const struct version_def versions[_HULL_CVSS_VERSION_MAX] = {
        [HULL_CVSS_V3_0] = {"3.0", v3_metrics, V3_N, false},
        [HULL_CVSS_V3_1] = {"3.1", v3_metrics, V3_N, false},
        [HULL_CVSS_V4_0] = {"4.0", v4_metrics, V4_N, true},
};

_Static_assert(V4_N <= HULL_CVSS_MAX_METRICS && V3_N <= HULL_CVSS_MAX_METRICS,
               "struct hull_cvss too small");

/* ---- errors ---------------------------------------------------------- */

/* Untrusted bytes s[0..n) for a message, into buf: printable ASCII kept, '
 * and \ escaped, other bytes as \xNN, cut with "..." after max bytes or
 * when buf is full. */
static const char *quote(char *buf, size_t size, const char *s, size_t n, size_t max) {
        size_t o = 0;

        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)s[i];
                if (i == max || o + 4 + 4 >= size) { /* an escape, then "..." and NUL */
                        memcpy(buf + o, "...", 3);
                        o += 3;
                        break;
                }
                if (c == '\'' || c == '\\')
                        buf[o++] = '\\', buf[o++] = (char)c;
                else if (c < 0x20 || c >= 0x7f)
                        o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
                else
                        buf[o++] = (char)c;
        }
        buf[o] = '\0';
        return buf;
}

/* Records "cvss vector '<s>': offset <off>: <fmt...>" in d (when it takes
 * the error) and returns code. */
static int fail(struct hull_diag *d, int code, const char *s, size_t n, size_t off, const char *fmt,
                ...) _printf_(6, 7);
static int fail(struct hull_diag *d, int code, const char *s, size_t n, size_t off, const char *fmt,
                ...) {
        char vec[128], detail[384];
        va_list ap;

        if (!d || d->code != HULL_OK)
                return code;
        va_start(ap, fmt);
        vsnprintf(detail, sizeof(detail), fmt, ap);
        va_end(ap);
        hull_diag_set(d, code, NULL, 0, 0, "cvss vector '%s': offset %zu: %s",
                      quote(vec, sizeof(vec), s, n, 96), off, detail);
        d->offset = off;
        return code;
}

static unsigned count_values(const struct metric *m) {
        unsigned k = 0;

        while (m->values[k])
                k++;
        return k;
}

/* "N, A, L or P" */
static const char *want_list(const struct metric *m, char *buf, size_t size) {
        size_t o = 0, k = count_values(m);

        buf[0] = '\0';
        for (size_t i = 0; i < k && o < size; i++)
                o += (size_t)snprintf(buf + o, size - o, "%s%s",
                                      i == 0       ? ""
                                      : i + 1 == k ? " or "
                                                   : ", ",
                                      m->values[i]);
        return buf;
}

/* ---- parsing ---------------------------------------------------------- */

static int find_metric(const struct version_def *vd, const char *s, size_t n) {
        for (unsigned i = 0; i < vd->n; i++)
                if (strlen(vd->metrics[i].name) == n && memcmp(vd->metrics[i].name, s, n) == 0)
                        return (int)i;
        return -1;
}

static int find_value(const struct metric *m, const char *s, size_t n) {
        for (int k = 0; m->values[k]; k++)
                if (strlen(m->values[k]) == n && memcmp(m->values[k], s, n) == 0)
                        return k;
        return -1;
}

int hull_cvss_parse(const char *s, size_t n, unsigned flags, struct hull_cvss *ret,
                    struct hull_diag *d) {
        char q[64], want[64];
        size_t first[HULL_CVSS_MAX_METRICS] = {0};
        struct hull_cvss c = {0};
        const struct version_def *vd = NULL;
        const char *slash;
        size_t p, vlen;
        int last = -1;

        if (!s)
                n = 0, s = "";
        if (n > HULL_CVSS_MAX_VECTOR_BYTES)
                return fail(d, HULL_ELIMIT, s, n, HULL_CVSS_MAX_VECTOR_BYTES,
                            "longer than %u bytes", HULL_CVSS_MAX_VECTOR_BYTES);
        if (n < 5 || memcmp(s, "CVSS:", 5) != 0)
                return fail(d, HULL_EPARSE, s, n, 0,
                            "no 'CVSS:' prefix (CVSS v2 vectors, which have none, are not "
                            "supported)");
        slash = memchr(s + 5, '/', n - 5);
        vlen = slash ? (size_t)(slash - (s + 5)) : n - 5;
        for (int v = 0; v < _HULL_CVSS_VERSION_MAX; v++)
                if (vlen == 3 && memcmp(s + 5, versions[v].label, 3) == 0) {
                        vd = &versions[v];
                        c.version = (enum hull_cvss_version)v;
                }
        if (!vd) {
                bool numeric = vlen >= 3 && vlen <= 8 && s[5] >= '0' && s[5] <= '9' &&
                               s[6] == '.' && s[7] >= '0' && s[7] <= '9';
                return fail(d, numeric ? HULL_EUNSUPPORTED : HULL_EPARSE, s, n, 5,
                            "%s CVSS version '%s' (3.0, 3.1 and 4.0 are supported)",
                            numeric ? "unsupported" : "bad", quote(q, sizeof(q), s + 5, vlen, 16));
        }
        if (!slash)
                return fail(d, HULL_EPARSE, s, n, n, "no metrics after 'CVSS:%s'", vd->label);

        for (p = 5 + vlen + 1;;) {
                const char *b = s + p, *e = memchr(b, '/', n - p);
                size_t len = e ? (size_t)(e - b) : n - p;
                const char *colon = memchr(b, ':', len);
                const struct metric *m;
                int i, k;

                if (len == 0)
                        return fail(
                                d, HULL_EPARSE, s, n, p, "%s",
                                p == n ? (p == 9 ? "no metrics after the prefix" : "trailing '/'")
                                       : "empty metric ('//')");
                if (!colon)
                        return fail(d, HULL_EPARSE, s, n, p, "'%s' is not METRIC:VALUE",
                                    quote(q, sizeof(q), b, len, 32));
                i = find_metric(vd, b, (size_t)(colon - b));
                if (i < 0)
                        return fail(d, HULL_EPARSE, s, n, p, "unknown metric '%s' in CVSS %s",
                                    quote(q, sizeof(q), b, (size_t)(colon - b), 32), vd->label);
                m = &vd->metrics[i];
                if (c.value[i])
                        return fail(d, HULL_EPARSE, s, n, p,
                                    "metric %s (%s) given twice (first at offset %zu)", m->name,
                                    m->title, first[i]);
                if (vd->ordered && !(flags & HULL_CVSS_ANY_ORDER) && i < last)
                        return fail(d, HULL_EPARSE, s, n, p,
                                    "metric %s (%s) out of order: CVSS %s requires it before %s",
                                    m->name, m->title, vd->label, vd->metrics[last].name);
                k = find_value(m, colon + 1, len - (size_t)(colon + 1 - b));
                if (k < 0) {
                        size_t vo = (size_t)(colon + 1 - s), vn = len - (size_t)(colon + 1 - b);
                        if (vn == 0)
                                return fail(d, HULL_EPARSE, s, n, vo, "metric %s (%s) has no value",
                                            m->name, m->title);
                        return fail(d, HULL_EPARSE, s, n, vo,
                                    "unknown value '%s' for metric %s (%s): want %s",
                                    quote(q, sizeof(q), colon + 1, vn, 32), m->name, m->title,
                                    want_list(m, want, sizeof(want)));
                }
                c.value[i] = (uint8_t)(k + 1);
                first[i] = p;
                if (i > last)
                        last = i;
                if (!e)
                        break;
                p += len + 1;
        }
        for (unsigned i = 0; i < vd->n; i++)
                if (vd->metrics[i].group == G_BASE && !c.value[i])
                        return fail(d, HULL_EPARSE, s, n, n, "mandatory metric %s (%s) is missing",
                                    vd->metrics[i].name, vd->metrics[i].title);
        *ret = c;
        return HULL_OK;
}

/* ---- values ----------------------------------------------------------- */

static bool valid_version(const struct hull_cvss *c) {
        return c && c->version >= 0 && c->version < _HULL_CVSS_VERSION_MAX;
}

/* The first character of metric m's value, 'X' when absent (or out of
 * range in a struct not made by hull_cvss_parse()). */
static char val(const struct hull_cvss *c, unsigned m) {
        const struct metric *md = &versions[c->version].metrics[m];
        uint8_t k = c->value[m];

        return k && k <= count_values(md) ? md->values[k - 1][0] : 'X';
}

/* Whether any metric of group g has a value other than X. */
static bool defined(const struct hull_cvss *c, enum group g) {
        const struct version_def *vd = &versions[c->version];

        for (unsigned i = 0; i < vd->n; i++)
                if (vd->metrics[i].group == g && val(c, i) != 'X')
                        return true;
        return false;
}

const char *hull_cvss_get(const struct hull_cvss *c, const char *name) {
        const struct version_def *vd;
        int i;

        if (!valid_version(c) || !name)
                return NULL;
        vd = &versions[c->version];
        i = find_metric(vd, name, strlen(name));
        if (i < 0 || c->value[i] > count_values(&vd->metrics[i]))
                return NULL;
        if (c->value[i])
                return vd->metrics[i].values[c->value[i] - 1];
        return vd->metrics[i].group == G_BASE ? NULL : "X";
}

size_t hull_cvss_format(const struct hull_cvss *c, char *buf, size_t size) {
        const struct version_def *vd;
        char tmp[HULL_CVSS_MAX_VECTOR_BYTES];
        size_t o;

        if (!valid_version(c)) {
                if (size)
                        buf[0] = '\0';
                return 0;
        }
        vd = &versions[c->version];
        o = (size_t)snprintf(tmp, sizeof(tmp), "CVSS:%s", vd->label);
        for (unsigned i = 0; i < vd->n; i++) {
                uint8_t k = c->value[i];
                if (k == 0 || k > count_values(&vd->metrics[i]) ||
                    (vd->metrics[i].group != G_BASE && k == 1))
                        continue; /* absent, or X */
                o += (size_t)snprintf(tmp + o, sizeof(tmp) - o, "/%s:%s", vd->metrics[i].name,
                                      vd->metrics[i].values[k - 1]);
        }
        if (size) {
                size_t w = o < size - 1 ? o : size - 1;
                memcpy(buf, tmp, w);
                buf[w] = '\0';
        }
        return o;
}

/* ---- v3.x ------------------------------------------------------------- */

/* x^n correctly rounded (double-double products: Dekker's exact product
 * with Veltkamp's split); for the small powers of v3.x's impact terms. */
static void two_prod(double a, double b, double *hi, double *lo) {
        const double split = 134217729.0; /* 2^27 + 1 */
        double p = a * b;
        double ta = split * a, tb = split * b;
        double ah = ta - (ta - a), al = a - ah;
        double bh = tb - (tb - b), bl = b - bh;

        *hi = p;
        *lo = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

static double pow_n(double x, unsigned n) {
        double hi = x, lo = 0;

        for (unsigned i = 1; i < n; i++) {
                double p, e, s;
                two_prod(hi, x, &p, &e);
                e += lo * x;
                s = p + e;
                lo = e - (s - p);
                hi = s;
        }
        return hi;
}

/* v3.1 Appendix A: round to 5 decimals first (Math.round(x * 100000)),
 * then up to one decimal.  In tenths; x is in [0, 10]. */
static int roundup31(double x) {
        double y = x * 100000;
        long long t = (long long)y; /* floor, y >= 0 */

        if (y - (double)t >= 0.5) /* Math.round: ties up */
                t++;
        return (int)(t % 10000 == 0 ? t / 10000 : t / 10000 + 1);
}

/* v3.0: the smallest tenth not below x, as Math.ceil(x * 10) / 10. */
static int roundup30(double x) {
        double y = x * 10;
        long long t = (long long)y;

        if ((double)t < y)
                t++;
        return (int)t;
}

static int roundup(bool v31, double x) {
        if (!(x > 0))
                return 0;
        return v31 ? roundup31(x) : roundup30(x);
}

static double min10(double x) {
        return x < 10 ? x : 10;
}

static double w_av(char v) {
        return v == 'N' ? 0.85 : v == 'A' ? 0.62 : v == 'L' ? 0.55 : 0.2;
}

static double w_ac(char v) {
        return v == 'L' ? 0.77 : 0.44;
}

static double w_pr(char v, bool changed) {
        return v == 'N' ? 0.85 : v == 'L' ? (changed ? 0.68 : 0.62) : (changed ? 0.5 : 0.27);
}

static double w_ui(char v) {
        return v == 'N' ? 0.85 : 0.62;
}

static double w_cia(char v) {
        return v == 'H' ? 0.56 : v == 'L' ? 0.22 : 0;
}

static double w_e(char v) {
        return v == 'F' ? 0.97 : v == 'P' ? 0.94 : v == 'U' ? 0.91 : 1; /* X, H */
}

static double w_rl(char v) {
        return v == 'W' ? 0.97 : v == 'T' ? 0.96 : v == 'O' ? 0.95 : 1; /* X, U */
}

static double w_rc(char v) {
        return v == 'R' ? 0.96 : v == 'U' ? 0.92 : 1; /* X, C */
}

static double w_req(char v) {
        return v == 'H' ? 1.5 : v == 'L' ? 0.5 : 1; /* X, M */
}

/* A modified metric's value, or its base metric's when Not Defined. */
static char modified(const struct hull_cvss *c, unsigned mm, unsigned m) {
        char v = val(c, mm);

        return v != 'X' ? v : val(c, m);
}

static void score_v3(const struct hull_cvss *c, struct hull_cvss_scores *ret) {
        bool v31 = c->version == HULL_CVSS_V3_1;
        bool changed = val(c, V3_S) == 'C';
        bool t_def = defined(c, G_TEMPORAL), e_def = defined(c, G_ENV);
        double iss, impact, expl;
        int base = 0;

        /* Base (section 7.1) */
        iss = 1 -
              ((1 - w_cia(val(c, V3_C))) * (1 - w_cia(val(c, V3_I))) * (1 - w_cia(val(c, V3_A))));
        if (changed)
                impact = 7.52 * (iss - 0.029) - 3.25 * pow_n(iss - 0.02, 15);
        else
                impact = 6.42 * iss;
        expl = 8.22 * w_av(val(c, V3_AV)) * w_ac(val(c, V3_AC)) * w_pr(val(c, V3_PR), changed) *
               w_ui(val(c, V3_UI));
        if (impact > 0)
                base = roundup(v31, min10(changed ? 1.08 * (impact + expl) : impact + expl));
        ret->base = base;

        /* Temporal (section 7.2): Roundup(BaseScore x E x RL x RC) */
        ret->temporal = t_def ? roundup(v31, base / 10.0 * w_e(val(c, V3_E)) * w_rl(val(c, V3_RL)) *
                                                     w_rc(val(c, V3_RC)))
                              : -1;

        /* Environmental (section 7.3) */
        ret->environmental = -1;
        if (e_def) {
                bool mchanged = modified(c, V3_MS, V3_S) == 'C';
                double miss, mimpact, mexpl;
                miss = 1 - ((1 - w_cia(modified(c, V3_MC, V3_C)) * w_req(val(c, V3_CR))) *
                            (1 - w_cia(modified(c, V3_MI, V3_I)) * w_req(val(c, V3_IR))) *
                            (1 - w_cia(modified(c, V3_MA, V3_A)) * w_req(val(c, V3_AR))));
                if (miss > 0.915)
                        miss = 0.915;
                if (!mchanged)
                        mimpact = 6.42 * miss;
                else if (v31)
                        mimpact = 7.52 * (miss - 0.029) - 3.25 * pow_n(miss * 0.9731 - 0.02, 13);
                else
                        mimpact = 7.52 * (miss - 0.029) - 3.25 * pow_n(miss - 0.02, 15);
                mexpl = 8.22 * w_av(modified(c, V3_MAV, V3_AV)) * w_ac(modified(c, V3_MAC, V3_AC)) *
                        w_pr(modified(c, V3_MPR, V3_PR), mchanged) *
                        w_ui(modified(c, V3_MUI, V3_UI));
                ret->environmental = 0;
                if (mimpact > 0) {
                        int m = roundup(
                                v31, min10(mchanged ? 1.08 * (mimpact + mexpl) : mimpact + mexpl));
                        ret->environmental =
                                roundup(v31, m / 10.0 * w_e(val(c, V3_E)) * w_rl(val(c, V3_RL)) *
                                                     w_rc(val(c, V3_RC)));
                }
        }
        ret->nomenclature = e_def ? (t_def ? HULL_CVSS_BTE : HULL_CVSS_BE)
                                  : (t_def ? HULL_CVSS_BT : HULL_CVSS_B);
        ret->score = e_def ? ret->environmental : t_def ? ret->temporal : base;
}

/* ---- v4.0 ------------------------------------------------------------- */

/* The score of each macro vector (EQ1..EQ6 levels), in tenths: FIRST's
 * cvss_lookup.js, sorted.  EQ3 = 2 goes with EQ6 = 1 only (no high
 * vulnerable-system impact means none that a requirement can raise), so
 * 270 of the 3 x 2 x 3 x 3 x 3 x 2 combinations exist. */
static const struct macro_score {
        char mv[7];
        uint8_t score;
} macro_scores[] = {
        {"000000", 100}, {"000001", 99},  {"000010", 98}, {"000011", 95}, {"000020", 95},
        {"000021", 92},  {"000100", 100}, {"000101", 96}, {"000110", 93}, {"000111", 87},
        {"000120", 91},  {"000121", 81},  {"000200", 93}, {"000201", 90}, {"000210", 89},
        {"000211", 80},  {"000220", 81},  {"000221", 68}, {"001000", 98}, {"001001", 95},
        {"001010", 95},  {"001011", 92},  {"001020", 90}, {"001021", 84}, {"001100", 93},
        {"001101", 92},  {"001110", 89},  {"001111", 81}, {"001120", 81}, {"001121", 65},
        {"001200", 88},  {"001201", 80},  {"001210", 78}, {"001211", 70}, {"001220", 69},
        {"001221", 48},  {"002001", 92},  {"002011", 82}, {"002021", 72}, {"002101", 79},
        {"002111", 69},  {"002121", 50},  {"002201", 69}, {"002211", 55}, {"002221", 27},
        {"010000", 99},  {"010001", 97},  {"010010", 95}, {"010011", 92}, {"010020", 92},
        {"010021", 85},  {"010100", 95},  {"010101", 91}, {"010110", 90}, {"010111", 83},
        {"010120", 84},  {"010121", 71},  {"010200", 92}, {"010201", 81}, {"010210", 82},
        {"010211", 71},  {"010220", 72},  {"010221", 53}, {"011000", 95}, {"011001", 93},
        {"011010", 92},  {"011011", 85},  {"011020", 85}, {"011021", 73}, {"011100", 92},
        {"011101", 82},  {"011110", 80},  {"011111", 72}, {"011120", 70}, {"011121", 59},
        {"011200", 84},  {"011201", 70},  {"011210", 71}, {"011211", 52}, {"011220", 50},
        {"011221", 30},  {"012001", 86},  {"012011", 75}, {"012021", 52}, {"012101", 71},
        {"012111", 52},  {"012121", 29},  {"012201", 63}, {"012211", 29}, {"012221", 17},
        {"100000", 98},  {"100001", 95},  {"100010", 94}, {"100011", 87}, {"100020", 91},
        {"100021", 81},  {"100100", 94},  {"100101", 89}, {"100110", 86}, {"100111", 74},
        {"100120", 77},  {"100121", 64},  {"100200", 87}, {"100201", 75}, {"100210", 74},
        {"100211", 63},  {"100220", 63},  {"100221", 49}, {"101000", 94}, {"101001", 89},
        {"101010", 88},  {"101011", 77},  {"101020", 76}, {"101021", 67}, {"101100", 86},
        {"101101", 76},  {"101110", 74},  {"101111", 58}, {"101120", 59}, {"101121", 50},
        {"101200", 72},  {"101201", 57},  {"101210", 57}, {"101211", 52}, {"101220", 52},
        {"101221", 25},  {"102001", 83},  {"102011", 70}, {"102021", 54}, {"102101", 65},
        {"102111", 58},  {"102121", 26},  {"102201", 53}, {"102211", 21}, {"102221", 13},
        {"110000", 95},  {"110001", 90},  {"110010", 88}, {"110011", 76}, {"110020", 76},
        {"110021", 70},  {"110100", 90},  {"110101", 77}, {"110110", 75}, {"110111", 62},
        {"110120", 61},  {"110121", 53},  {"110200", 77}, {"110201", 66}, {"110210", 68},
        {"110211", 59},  {"110220", 52},  {"110221", 30}, {"111000", 89}, {"111001", 78},
        {"111010", 76},  {"111011", 67},  {"111020", 62}, {"111021", 58}, {"111100", 74},
        {"111101", 59},  {"111110", 57},  {"111111", 57}, {"111120", 47}, {"111121", 23},
        {"111200", 61},  {"111201", 52},  {"111210", 57}, {"111211", 29}, {"111220", 24},
        {"111221", 16},  {"112001", 71},  {"112011", 59}, {"112021", 30}, {"112101", 58},
        {"112111", 26},  {"112121", 15},  {"112201", 23}, {"112211", 13}, {"112221", 6},
        {"200000", 93},  {"200001", 87},  {"200010", 86}, {"200011", 72}, {"200020", 75},
        {"200021", 58},  {"200100", 86},  {"200101", 74}, {"200110", 74}, {"200111", 61},
        {"200120", 56},  {"200121", 34},  {"200200", 70}, {"200201", 54}, {"200210", 52},
        {"200211", 40},  {"200220", 40},  {"200221", 22}, {"201000", 85}, {"201001", 75},
        {"201010", 74},  {"201011", 55},  {"201020", 62}, {"201021", 51}, {"201100", 72},
        {"201101", 57},  {"201110", 55},  {"201111", 41}, {"201120", 46}, {"201121", 19},
        {"201200", 53},  {"201201", 36},  {"201210", 34}, {"201211", 19}, {"201220", 19},
        {"201221", 8},   {"202001", 64},  {"202011", 51}, {"202021", 20}, {"202101", 47},
        {"202111", 21},  {"202121", 11},  {"202201", 24}, {"202211", 9},  {"202221", 4},
        {"210000", 88},  {"210001", 75},  {"210010", 73}, {"210011", 53}, {"210020", 60},
        {"210021", 50},  {"210100", 73},  {"210101", 55}, {"210110", 59}, {"210111", 40},
        {"210120", 41},  {"210121", 20},  {"210200", 54}, {"210201", 43}, {"210210", 45},
        {"210211", 22},  {"210220", 20},  {"210221", 11}, {"211000", 75}, {"211001", 55},
        {"211010", 58},  {"211011", 45},  {"211020", 40}, {"211021", 21}, {"211100", 61},
        {"211101", 51},  {"211110", 48},  {"211111", 18}, {"211120", 20}, {"211121", 9},
        {"211200", 46},  {"211201", 18},  {"211210", 17}, {"211211", 7},  {"211220", 8},
        {"211221", 2},   {"212001", 53},  {"212011", 24}, {"212021", 14}, {"212101", 24},
        {"212111", 12},  {"212121", 5},   {"212201", 10}, {"212211", 3},  {"212221", 1},
};

static int cmp_macro(const void *key, const void *ent) {
        return memcmp(key, ent, 6);
}

/* The score of macro vector eq[0..6), -1 when it does not exist. */
static int macro_score(const int eq[6]) {
        char key[6];

        for (int i = 0; i < 6; i++)
                key[i] = (char)('0' + eq[i]);
        const void *e = bsearch(key, macro_scores, ELEMENTSOF(macro_scores),
                                sizeof(macro_scores[0]), cmp_macro);
        return e ? ((const struct macro_score *)e)->score : -1;
}

/* Severity levels, most severe first: a metric's distance from a
 * highest-severity vector is the difference of their positions (the
 * reference's levels are these positions times 0.1). */
static const char ORD_AV[] = "NALP", ORD_PR[] = "NLH", ORD_UI[] = "NPA", ORD_AC[] = "LH",
                  ORD_AT[] = "NP", ORD_CIA[] = "HLN", ORD_SIA[] = "SHLN", ORD_REQ[] = "HML";

/* The highest-severity vectors of each EQ level (max_composed.js), as the
 * letters of the metrics named in the comment, and the depth of each level
 * (max_severity.js: the largest distance within it, plus one). */
static const char *const eq1_max[3][3] = {/* AV PR UI */
                                          {"NNN"},
                                          {"ANN", "NLN", "NNP"},
                                          {"PNN", "ALP"}};
static const int eq1_depth[3] = {1, 4, 5};
static const char *const eq2_max[2][2] = {/* AC AT */
                                          {"LN"},
                                          {"HN", "LP"}};
static const int eq2_depth[2] = {1, 2};
static const char *const eq36_max[3][2][5] = {
        /* VC VI VA CR IR AR, by EQ3 then EQ6 */
        {{"HHHHHH"}, {"HHLMMH", "HHHMMM"}},
        {{"LHHHHH", "HLHHHH"}, {"LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM"}},
        {{NULL}, {"LLLHHH"}},
};
static const int eq36_depth[3][2] = {{7, 6}, {8, 8}, {0, 10}};
static const char *const eq4_max[3][1] = {/* SC SI SA */
                                          {"HSS"},
                                          {"HHH"},
                                          {"LLL"}};
static const int eq4_depth[3] = {6, 5, 4};
#define LCM_DEPTHS 840 /* of every depth above */

struct component {
        const char *const *max; /* NULL-terminated within its array */
        size_t nmax;
        const char *const *ord; /* level order of each metric */
        const char *vals;       /* the vector's letters */
        size_t k;               /* metrics */
};

static int pos(const char *ord, char v) {
        const char *p = strchr(ord, v);

        return p ? (int)(p - ord) : 0;
}

/* The distance of co's letters from highest-severity vector j; -1 when a
 * metric is more severe than the max's (that max is not the one). */
static int distance_to(const struct component *co, size_t j) {
        int sum = 0;

        for (size_t i = 0; i < co->k; i++) {
                int dd = pos(co->ord[i], co->vals[i]) - pos(co->ord[i], co->max[j][i]);
                if (dd < 0)
                        return -1;
                sum += dd;
        }
        return sum;
}

/* The same without the check: the sum of the differences, negative ones
 * included. */
static int raw_distance(const struct component *co, size_t j) {
        int sum = 0;

        for (size_t i = 0; i < co->k; i++)
                sum += pos(co->ord[i], co->vals[i]) - pos(co->ord[i], co->max[j][i]);
        return sum;
}

/* The number of highest-severity vectors in a row of the tables. */
static size_t count_max(const char *const *row, size_t cap) {
        size_t n = 0;

        while (n < cap && row[n])
                n++;
        return n;
}

/* Score of a v4.0 vector in tenths; base_only takes Threat and
 * Environmental metrics as Not Defined (CVSS-B).  cvss_score.js, exactly. */
static int score_v4(const struct hull_cvss *c, bool base_only) {
        char av, ac, at, pr, ui, vc, vi, va, sc, si, sa, e, cr, ir, ar;
        int eq[6], value, dist[4], depth[4], lower[5], n = 0;

#define EFF(m)                                                                                     \
        (base_only || val(c, (m) + V4_MAV - V4_AV) == 'X' ? val(c, m)                              \
                                                          : val(c, (m) + V4_MAV - V4_AV))
#define REQ(m) (base_only || val(c, m) == 'X' ? 'H' : val(c, m))
        av = EFF(V4_AV), ac = EFF(V4_AC), at = EFF(V4_AT), pr = EFF(V4_PR), ui = EFF(V4_UI);
        vc = EFF(V4_VC), vi = EFF(V4_VI), va = EFF(V4_VA);
        sc = EFF(V4_SC), si = EFF(V4_SI), sa = EFF(V4_SA);
        e = base_only || val(c, V4_E) == 'X' ? 'A' : val(c, V4_E);
        cr = REQ(V4_CR), ir = REQ(V4_IR), ar = REQ(V4_AR);
#undef EFF
#undef REQ

        /* no impact on either system: nothing to score */
        if (vc == 'N' && vi == 'N' && va == 'N' && sc == 'N' && si == 'N' && sa == 'N')
                return 0;

        /* the macro vector */
        eq[0] = av == 'N' && pr == 'N' && ui == 'N'                  ? 0
                : (av == 'N' || pr == 'N' || ui == 'N') && av != 'P' ? 1
                                                                     : 2;
        eq[1] = ac == 'L' && at == 'N' ? 0 : 1;
        eq[2] = vc == 'H' && vi == 'H' ? 0 : vc == 'H' || vi == 'H' || va == 'H' ? 1 : 2;
        eq[3] = si == 'S' || sa == 'S' ? 0 : sc == 'H' || si == 'H' || sa == 'H' ? 1 : 2;
        eq[4] = pos("APU", e);
        eq[5] = (cr == 'H' && vc == 'H') || (ir == 'H' && vi == 'H') || (ar == 'H' && va == 'H')
                        ? 0
                        : 1;
        value = macro_score(eq);

        /* the next lower macro vector of EQ1, EQ2, EQ3+EQ6, EQ4, EQ5 in
         * lower[0..5) (-1: there is none).  EQ3 and EQ6 move
         * together: 00 -> the higher of 01 and 10, 01 -> 11, 10 -> 11,
         * 11 -> 21, 21 -> none. */
        for (int i = 0; i < 5; i++) {
                int lo[6], s = -1;
                memcpy(lo, eq, sizeof(lo));
                if (i != 2) { /* EQ1, EQ2, EQ4, EQ5: one level down */
                        lo[i]++;
                        s = macro_score(lo);
                } else if (eq[2] == 0 && eq[5] == 0) {
                        int a, b;
                        lo[5]++;
                        a = macro_score(lo);
                        lo[5]--, lo[2]++;
                        b = macro_score(lo);
                        s = a > b ? a : b;
                } else if (eq[2] == 1 && eq[5] == 0) {
                        lo[5]++;
                        s = macro_score(lo);
                } else {
                        lo[2]++;
                        s = macro_score(lo); /* 01 -> 11, 11 -> 21; 21 -> 31: none */
                }
                lower[i] = s;
        }

        /* the distance from the highest-severity vectors: per EQ, the
         * first one the vector is nowhere more severe than */
        const char v1[] = {av, pr, ui}, v2[] = {ac, at}, v36[] = {vc, vi, va, cr, ir, ar},
                   v4[] = {sc, si, sa};
        const char *const o1[] = {ORD_AV, ORD_PR, ORD_UI}, *const o2[] = {ORD_AC, ORD_AT},
                          *const o36[] = {ORD_CIA, ORD_CIA, ORD_CIA, ORD_REQ, ORD_REQ, ORD_REQ},
                          *const o4[] = {ORD_CIA, ORD_SIA, ORD_SIA};
        struct component co[4] = {
                {eq1_max[eq[0]], count_max(eq1_max[eq[0]], 3), o1, v1, 3},
                {eq2_max[eq[1]], count_max(eq2_max[eq[1]], 2), o2, v2, 2},
                {eq36_max[eq[2]][eq[5]], count_max(eq36_max[eq[2]][eq[5]], 5), o36, v36, 6},
                {eq4_max[eq[3]], count_max(eq4_max[eq[3]], 1), o4, v4, 3},
        };
        bool all_found = true;
        for (int i = 0; i < 4; i++) {
                dist[i] = -1;
                for (size_t j = 0; j < co[i].nmax && dist[i] < 0; j++)
                        dist[i] = distance_to(&co[i], j);
                if (dist[i] < 0)
                        all_found = false;
        }
        if (!all_found) /* never for a valid vector; the reference then keeps the
                         * distances of its last candidate, negative ones too */
                for (int i = 0; i < 4; i++)
                        dist[i] = co[i].nmax ? raw_distance(&co[i], co[i].nmax - 1) : 0;
        depth[0] = eq1_depth[eq[0]];
        depth[1] = eq2_depth[eq[1]];
        depth[2] = eq36_depth[eq[2]][eq[5]];
        depth[3] = eq4_depth[eq[3]];

        /* score = value - mean over the existing lower macro vectors of
         * (value - lower) * distance / depth (EQ5's distance is always 0),
         * in units of 1 / (LCM_DEPTHS * n) tenths */
        long long num = 0, den, x;
        for (int i = 0; i < 5; i++) {
                if (lower[i] < 0)
                        continue;
                n++;
                if (i < 4)
                        num += (long long)(value - lower[i]) * dist[i] * (LCM_DEPTHS / depth[i]);
        }
        if (n == 0)
                return value;
        den = (long long)LCM_DEPTHS * n;
        x = (long long)value * den - num;
        if (x <= 0)
                return 0;
        if (x >= 100 * den)
                return 100;
        return (int)((2 * x + den) / (2 * den)); /* half up */
}

static void score_v4_all(const struct hull_cvss *c, struct hull_cvss_scores *ret) {
        bool t_def = defined(c, G_TEMPORAL), e_def = defined(c, G_ENV);

        ret->base = score_v4(c, true);
        ret->temporal = -1;
        ret->environmental = -1;
        ret->score = t_def || e_def ? score_v4(c, false) : ret->base;
        ret->nomenclature = e_def ? (t_def ? HULL_CVSS_BTE : HULL_CVSS_BE)
                                  : (t_def ? HULL_CVSS_BT : HULL_CVSS_B);
}

/* ---- public ----------------------------------------------------------- */

void hull_cvss_score(const struct hull_cvss *c, struct hull_cvss_scores *ret) {
        struct hull_cvss_scores r = {0};

        if (valid_version(c)) {
                if (c->version == HULL_CVSS_V4_0)
                        score_v4_all(c, &r);
                else
                        score_v3(c, &r);
        }
        r.rating = hull_cvss_rating_of(r.score);
        r.base_rating = hull_cvss_rating_of(r.base);
        *ret = r;
}

int hull_cvss_eval(const char *s, size_t n, unsigned flags, struct hull_cvss_scores *ret,
                   struct hull_diag *d) {
        struct hull_cvss c;

        HULL_TRY(hull_cvss_parse(s, n, flags, &c, d));
        hull_cvss_score(&c, ret);
        return HULL_OK;
}

enum hull_cvss_rating hull_cvss_rating_of(int tenths) {
        if (tenths < 0 || tenths > 100)
                return _HULL_CVSS_RATING_INVALID;
        return tenths == 0   ? HULL_CVSS_RATING_NONE
               : tenths < 40 ? HULL_CVSS_RATING_LOW
               : tenths < 70 ? HULL_CVSS_RATING_MEDIUM
               : tenths < 90 ? HULL_CVSS_RATING_HIGH
                             : HULL_CVSS_RATING_CRITICAL;
}

static const char *const rating_names[_HULL_CVSS_RATING_MAX] = {
        [HULL_CVSS_RATING_NONE] = "none",         [HULL_CVSS_RATING_LOW] = "low",
        [HULL_CVSS_RATING_MEDIUM] = "medium",     [HULL_CVSS_RATING_HIGH] = "high",
        [HULL_CVSS_RATING_CRITICAL] = "critical",
};

const char *hull_cvss_rating_to_string(enum hull_cvss_rating r) {
        return r >= 0 && r < _HULL_CVSS_RATING_MAX ? rating_names[r] : NULL;
}

enum hull_cvss_rating hull_cvss_rating_from_string(const char *s) {
        for (int r = 0; s && r < _HULL_CVSS_RATING_MAX; r++)
                if (strcmp(s, rating_names[r]) == 0)
                        return (enum hull_cvss_rating)r;
        return _HULL_CVSS_RATING_INVALID;
}

const char *hull_cvss_version_to_string(enum hull_cvss_version v) {
        return v >= 0 && v < _HULL_CVSS_VERSION_MAX ? versions[v].label : NULL;
}

const char *hull_cvss_nomenclature_to_string(enum hull_cvss_nomenclature n) {
        static const char *const names[_HULL_CVSS_NOMENCLATURE_MAX] = {
                [HULL_CVSS_B] = "CVSS-B",
                [HULL_CVSS_BT] = "CVSS-BT",
                [HULL_CVSS_BE] = "CVSS-BE",
                [HULL_CVSS_BTE] = "CVSS-BTE",
        };

        return n >= 0 && n < _HULL_CVSS_NOMENCLATURE_MAX ? names[n] : NULL;
}
