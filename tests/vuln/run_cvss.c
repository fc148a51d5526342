/* run_cvss.c - runs the CVSS vectors of tests/vuln/cvss.txt (vuln/cvss.h), TAP.
 *
 * usage: run_cvss FILE           the cases of FILE, as TAP
 *        run_cvss --eval [--any-order]
 *                                one answer per vector read from standard
 *                                input, for tests/vuln/diff/cvss.sh:
 *                                "SCORE BASE TEMPORAL ENVIRONMENTAL
 *                                NOMENCLATURE RATING" ("-" for a score the
 *                                vector has not) or "error: MESSAGE"
 *
 * FILE has one case per line; '#' at the start of a line or after a blank
 * starts a comment.  Fields are separated by blanks:
 *     VECTOR SCORE RATING [base=S] [temporal=S] [env=S]
 *     ~ VECTOR SCORE RATING ...     parsed with HULL_CVSS_ANY_ORDER
 *     ! VECTOR [@OFFSET]            invalid (the error is at byte OFFSET);
 *                                   "!" alone is the empty vector
 * SCORE is the vector's score (hull_cvss_scores.score) as "9.8", RATING
 * its rating ("none" ... "critical"); base=, temporal= and env= pin the
 * other scores ("-" for none).  In a vector, \xHH stands for that byte.
 * Every valid case is also checked for: rating consistent with the score,
 * the canonical form (hull_cvss_format) parsing strictly to the same
 * scores and formatting to itself.  Every invalid case for: a message
 * naming the vector and an offset within it.  The file must hold at
 * least MIN_CASES valid cases of each of v3.x and v4.0.  A few checks of
 * the accessors (hull_cvss_get, the string tables) follow the cases. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/alloc.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "basic/fileio.h"
#include "vuln/cvss.h"
#include "tap.h"

#define MIN_CASES 40
#define MAX_FILE_BYTES (4u << 20)
#define MAX_FIELD 2048
#define MAX_FIELDS 8

struct field {
        char s[MAX_FIELD];
        size_t n;
};

/* Copies [p, e) into f, undoing \xHH. */
static void unescape(struct field *f, const char *p, const char *e) {
        f->n = 0;
        while (p < e && f->n < sizeof(f->s) - 1) {
                char c = *p++;
                if (c == '\\' && e - p >= 3 && p[0] == 'x' && hexval(p[1]) >= 0 &&
                    hexval(p[2]) >= 0) {
                        c = (char)(hexval(p[1]) * 16 + hexval(p[2]));
                        p += 3;
                }
                f->s[f->n++] = c;
        }
        f->s[f->n] = '\0';
}

/* The printable form of a field for a TAP line. */
static const char *show(const struct field *f) {
        static char buf[4 * MAX_FIELD + 1];
        size_t o = 0;

        for (size_t i = 0; i < f->n && o + 5 < sizeof(buf); i++) {
                unsigned char c = (unsigned char)f->s[i];
                if (c <= 0x20 || c >= 0x7f || c == '\\' || c == '#')
                        o += (size_t)snprintf(buf + o, sizeof(buf) - o, "\\x%02x", c);
                else
                        buf[o++] = (char)c;
        }
        buf[o] = '\0';
        return buf;
}

/* Splits a line into blank-separated fields; returns their count. */
static int split(const char *line, size_t n, struct field *f, int max) {
        const char *p = line, *e = line + n;
        int k = 0;

        for (const char *q = p; q < e; q++)
                if (*q == '#' && (q == p || q[-1] == ' ' || q[-1] == '\t')) {
                        e = q;
                        break;
                }
        while (p < e && k < max) {
                const char *s;
                while (p < e && (*p == ' ' || *p == '\t' || *p == '\r'))
                        p++;
                s = p;
                while (p < e && *p != ' ' && *p != '\t' && *p != '\r')
                        p++;
                if (p == s)
                        break;
                unescape(&f[k++], s, p);
        }
        return k;
}

/* "9.8" or "10.0" -> 98 / 100; "-" -> -1; -2 when malformed. */
static int parse_tenths(const char *s) {
        if (strcmp(s, "-") == 0)
                return -1;
        if (strcmp(s, "10.0") == 0)
                return 100;
        if (strlen(s) == 3 && s[0] >= '0' && s[0] <= '9' && s[1] == '.' && s[2] >= '0' &&
            s[2] <= '9')
                return (s[0] - '0') * 10 + (s[2] - '0');
        return -2;
}

static const char *show_tenths(int t, char *buf, size_t size) {
        if (t < 0)
                snprintf(buf, size, "-");
        else
                snprintf(buf, size, "%d.%d", t / 10, t % 10);
        return buf;
}

struct counts {
        unsigned v3, v4, invalid;
};

static void run_valid(const char *name, unsigned lineno, bool any_order, const struct field *f,
                      int k, struct counts *cnt) {
        unsigned flags = any_order ? HULL_CVSS_ANY_ORDER : 0;
        struct hull_cvss c, c2;
        struct hull_cvss_scores s, s2;
        struct hull_diag d;
        char canon[HULL_CVSS_MAX_VECTOR_BYTES], canon2[HULL_CVSS_MAX_VECTOR_BYTES], a[16], b[16];
        int want, want_base = -3, want_t = -3, want_e = -3;
        enum hull_cvss_rating want_rating;

        if (k < 3) {
                tap(0, "%s:%u: malformed case (want 'VECTOR SCORE RATING')", name, lineno);
                return;
        }
        want = parse_tenths(f[1].s);
        want_rating = hull_cvss_rating_from_string(f[2].s);
        for (int i = 3; i < k; i++) {
                const char *eq = strchr(f[i].s, '=');
                int *slot = !eq                                    ? NULL
                            : strncmp(f[i].s, "base=", 5) == 0     ? &want_base
                            : strncmp(f[i].s, "temporal=", 9) == 0 ? &want_t
                            : strncmp(f[i].s, "env=", 4) == 0      ? &want_e
                                                                   : NULL;
                if (!slot || (*slot = parse_tenths(eq + 1)) == -2) {
                        tap(0, "%s:%u: malformed field '%s'", name, lineno, f[i].s);
                        return;
                }
        }
        if (want < 0 || want_rating == _HULL_CVSS_RATING_INVALID) {
                tap(0, "%s:%u: malformed score or rating", name, lineno);
                return;
        }

        hull_diag_init(&d);
        if (hull_cvss_parse(f[0].s, f[0].n, flags, &c, &d) != HULL_OK) {
                tap(0, "%s:%u: %s # refused: %s", name, lineno, show(&f[0]), d.msg);
                return;
        }
        if (c.version == HULL_CVSS_V4_0)
                cnt->v4++;
        else
                cnt->v3++;
        hull_cvss_score(&c, &s);
        bool ok = s.score == want && s.rating == want_rating;
        ok = ok && (want_base == -3 || s.base == want_base);
        ok = ok && (want_t == -3 || s.temporal == want_t);
        ok = ok && (want_e == -3 || s.environmental == want_e);
        tap(ok, "%s:%u: %s = %s %s%s%s%s%s", name, lineno, show(&f[0]), f[1].s, f[2].s,
            ok ? "" : " # got ", ok ? "" : show_tenths(s.score, a, sizeof(a)), ok ? "" : " ",
            ok ? "" : hull_cvss_rating_to_string(s.rating));
        if (!ok)
                printf("#   base %s temporal %d environmental %d\n",
                       show_tenths(s.base, b, sizeof(b)), s.temporal, s.environmental);

        /* invariants: rating of the score, canonical form */
        bool inv = s.rating == hull_cvss_rating_of(s.score) &&
                   s.base_rating == hull_cvss_rating_of(s.base) && s.score >= 0 && s.score <= 100 &&
                   s.base >= 0 && s.base <= 100;
        size_t len = hull_cvss_format(&c, canon, sizeof(canon));
        hull_diag_init(&d);
        inv = inv && len < sizeof(canon) && hull_cvss_parse(canon, len, 0, &c2, &d) == HULL_OK;
        if (inv) {
                hull_cvss_score(&c2, &s2);
                inv = memcmp(&s, &s2, sizeof(s)) == 0 &&
                      hull_cvss_format(&c2, canon2, sizeof(canon2)) == len &&
                      strcmp(canon, canon2) == 0;
        }
        tap(inv, "%s:%u: canonical form %s scores the same", name, lineno, canon);
}

static void run_invalid(const char *name, unsigned lineno, const struct field *f, int k,
                        struct counts *cnt) {
        static const struct field empty; /* "!" alone: the empty vector */
        const struct field *vec = k >= 2 ? &f[1] : &empty;
        struct hull_cvss_scores s;
        struct hull_diag d;
        long want_off = -1;
        int r;

        if (k > 3 || (k == 3 && f[2].s[0] != '@')) {
                tap(0, "%s:%u: malformed case (want '! VECTOR [@OFFSET]')", name, lineno);
                return;
        }
        if (k == 3)
                want_off = strtol(f[2].s + 1, NULL, 10);
        cnt->invalid++;
        hull_diag_init(&d);
        r = hull_cvss_eval(vec->s, vec->n, 0, &s, &d);
        bool ok = r != HULL_OK && d.code == r && strstr(d.msg, "cvss vector '") == d.msg &&
                  d.offset <= vec->n && (want_off < 0 || d.offset == (unsigned long long)want_off);
        tap(ok, "%s:%u: ! %s%s%s", name, lineno, show(vec), r == HULL_OK ? " # accepted" : " # ",
            r == HULL_OK ? "" : d.msg);
}

static void run_file(const char *path) {
        _cleanup_free_ char *data = NULL;
        struct counts cnt = {0};
        struct hull_diag d;
        const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        unsigned lineno = 0;
        size_t len;

        hull_diag_init(&d);
        if (hull_read_file(path, MAX_FILE_BYTES, &data, &len, &d) != 0) {
                tap(0, "cannot read %s: %s", path, d.msg);
                return;
        }
        for (size_t off = 0; off < len;) {
                const char *line = data + off, *nl = memchr(line, '\n', len - off);
                size_t n = nl ? (size_t)(nl - line) : len - off;
                static struct field f[MAX_FIELDS];
                int k;

                off += n + 1;
                lineno++;
                k = split(line, n, f, MAX_FIELDS);
                if (k == 0)
                        continue;
                if (strcmp(f[0].s, "!") == 0)
                        run_invalid(name, lineno, f, k, &cnt);
                else if (strcmp(f[0].s, "~") == 0)
                        run_valid(name, lineno, true, f + 1, k - 1, &cnt);
                else
                        run_valid(name, lineno, false, f, k, &cnt);
        }
        tap(cnt.v3 >= MIN_CASES && cnt.v4 >= MIN_CASES,
            "%s: %u v3.x and %u v4.0 vectors (at least %d each), %u invalid ones", name, cnt.v3,
            cnt.v4, MIN_CASES, cnt.invalid);
}

/* The small accessors, which the cases do not reach. */
static void run_api(void) {
        static const char v3[] = "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:X/MC:L";
        static const char v4[] = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/"
                                 "MSI:S/U:Amber";
        struct hull_cvss c;
        struct hull_cvss_scores s;
        char buf[HULL_CVSS_MAX_VECTOR_BYTES];
        bool ok = true;

        ok = ok && hull_cvss_parse(v3, strlen(v3), 0, &c, NULL) == HULL_OK;
        ok = ok && c.version == HULL_CVSS_V3_0 && strcmp(hull_cvss_get(&c, "AV"), "N") == 0 &&
             strcmp(hull_cvss_get(&c, "E"), "X") == 0 &&
             strcmp(hull_cvss_get(&c, "RL"), "X") == 0 &&
             strcmp(hull_cvss_get(&c, "MC"), "L") == 0 && hull_cvss_get(&c, "AT") == NULL &&
             hull_cvss_get(&c, "av") == NULL && hull_cvss_get(&c, NULL) == NULL;
        ok = ok && hull_cvss_format(&c, buf, sizeof(buf)) == strlen(v3) - 4 &&
             strcmp(buf, "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MC:L") == 0;
        ok = ok && hull_cvss_format(&c, buf, 10) == strlen(v3) - 4 && strcmp(buf, "CVSS:3.0/") == 0;
        tap(ok, "api: hull_cvss_get and hull_cvss_format on a v3.0 vector");

        ok = hull_cvss_parse(v4, strlen(v4), 0, &c, NULL) == HULL_OK &&
             c.version == HULL_CVSS_V4_0 && strcmp(hull_cvss_get(&c, "MSI"), "S") == 0 &&
             strcmp(hull_cvss_get(&c, "U"), "Amber") == 0 &&
             strcmp(hull_cvss_get(&c, "CR"), "X") == 0 && hull_cvss_get(&c, "MS") == NULL;
        hull_cvss_score(&c, &s);
        ok = ok && s.nomenclature == HULL_CVSS_BE && s.temporal == -1 && s.environmental == -1 &&
             strcmp(hull_cvss_nomenclature_to_string(s.nomenclature), "CVSS-BE") == 0;
        tap(ok, "api: hull_cvss_get on a v4.0 vector, nomenclature");

        ok = hull_cvss_eval(NULL, 0, 0, &s, NULL) == HULL_EPARSE &&
             hull_cvss_eval(v3, sizeof(v3), 0, &s, NULL) == HULL_EPARSE; /* with its NUL */
        tap(ok, "api: NULL vector and no diag refused cleanly");

        ok = true;
        for (int r = 0; r < _HULL_CVSS_RATING_MAX; r++)
                ok = ok && hull_cvss_rating_from_string(hull_cvss_rating_to_string(r)) == r;
        ok = ok && hull_cvss_rating_to_string(_HULL_CVSS_RATING_MAX) == NULL &&
             hull_cvss_rating_from_string("High") == _HULL_CVSS_RATING_INVALID &&
             hull_cvss_rating_of(0) == HULL_CVSS_RATING_NONE &&
             hull_cvss_rating_of(1) == HULL_CVSS_RATING_LOW &&
             hull_cvss_rating_of(39) == HULL_CVSS_RATING_LOW &&
             hull_cvss_rating_of(40) == HULL_CVSS_RATING_MEDIUM &&
             hull_cvss_rating_of(69) == HULL_CVSS_RATING_MEDIUM &&
             hull_cvss_rating_of(70) == HULL_CVSS_RATING_HIGH &&
             hull_cvss_rating_of(89) == HULL_CVSS_RATING_HIGH &&
             hull_cvss_rating_of(90) == HULL_CVSS_RATING_CRITICAL &&
             hull_cvss_rating_of(100) == HULL_CVSS_RATING_CRITICAL &&
             hull_cvss_rating_of(101) == _HULL_CVSS_RATING_INVALID &&
             hull_cvss_rating_of(-1) == _HULL_CVSS_RATING_INVALID;
        ok = ok && strcmp(hull_cvss_version_to_string(HULL_CVSS_V3_1), "3.1") == 0 &&
             hull_cvss_version_to_string(_HULL_CVSS_VERSION_MAX) == NULL &&
             hull_cvss_nomenclature_to_string(_HULL_CVSS_NOMENCLATURE_INVALID) == NULL;
        tap(ok, "api: ratings and names");
}

static int eval_stdin(unsigned flags) {
        static char line[1 << 16];

        while (fgets(line, sizeof(line), stdin)) {
                size_t n = strcspn(line, "\n");
                struct hull_cvss_scores s;
                struct hull_diag d;
                char a[16], b[16], t[16], e[16];

                hull_diag_init(&d);
                if (hull_cvss_eval(line, n, flags, &s, &d) != HULL_OK)
                        printf("error: %s\n", d.msg);
                else
                        printf("%s %s %s %s %s %s\n", show_tenths(s.score, a, sizeof(a)),
                               show_tenths(s.base, b, sizeof(b)),
                               show_tenths(s.temporal, t, sizeof(t)),
                               show_tenths(s.environmental, e, sizeof(e)),
                               hull_cvss_nomenclature_to_string(s.nomenclature),
                               hull_cvss_rating_to_string(s.rating));
        }
        return ferror(stdin) ? 1 : 0;
}

int main(int argc, char **argv) {
        if (argc >= 2 && strcmp(argv[1], "--eval") == 0) {
                if (argc == 2)
                        return eval_stdin(0);
                if (argc == 3 && strcmp(argv[2], "--any-order") == 0)
                        return eval_stdin(HULL_CVSS_ANY_ORDER);
        }
        if (argc != 2 || argv[1][0] == '-') {
                fprintf(stderr, "usage: run_cvss FILE | run_cvss --eval [--any-order]\n");
                return 2;
        }
        run_file(argv[1]);
        run_api();
        printf("1..%d\n", ntest);
        return nfail ? 1 : 0;
}
