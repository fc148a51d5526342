/* run_versions.c - runs the version-order vectors (vuln/version.h), TAP.
 *
 * usage: run_versions DIR [APK_CORPUS_DIR]
 *
 * DIR holds <scheme>.txt files, one case per line:
 *     A < B        A = B        A > B        ! A      (A is invalid)
 * '#' at the start of a line or after a blank starts a comment.  Fields
 * are separated by blanks, or by TABs when the line holds a TAB (then a
 * version may hold spaces); trailing blanks are dropped.  In a field,
 * \t \n \r \v \f \\ and \xHH stand for those bytes (other backslashes are
 * literal), for versions with control characters or trailing blanks.  "!"
 * alone is the empty version.  Every comparison is checked both ways (A < B
 * also means B > A), and a case's versions must be valid; an invalid one
 * must be refused by hull_version_valid() and hull_version_cmp().  Each
 * file must hold at least MIN_CASES cases.
 *
 * APK_CORPUS_DIR (shared/corpora/apk-versions: apk-tools' own
 * test/version.data files, read as they are) is optional: when it is
 * absent its tests are skipped.  Its format: "A OP B" or "A !OP B" with OP
 * made of < > = (a set of allowed results), "V" (valid) and "!V"
 * (invalid).  Two kinds of its lines are outside hull_version_cmp()'s
 * contract and reported as TAP skips after checking what can be: fuzzy
 * matches (an OP with '~': dependency matching, not an order), and
 * comparisons involving a version invalid under apk-tools 3's rules (its
 * comparator walks invalid strings, the corpus keeps "1.0 < 1.0bc" from
 * apk-tools 2; ours must refuse them, which is checked). */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/alloc.h"
#include "basic/diag.h"
#include "basic/fileio.h"
#include "vuln/version.h"
#include "tap.h"

#define MIN_CASES 150
#define MAX_FILE_BYTES (16u << 20)
#define MAX_FIELD 1024

struct field {
        char s[MAX_FIELD];
        size_t n;
};

/* Copies [p, e) into f, undoing the escapes. */
static void unescape(struct field *f, const char *p, const char *e) {
        f->n = 0;
        while (p < e && f->n < sizeof(f->s) - 1) {
                char c = *p++;
                if (c == '\\' && p < e) {
                        const char *m = strchr("tnrvf\\", *p);
                        if (m && *p) {
                                c = "\t\n\r\v\f\\"[m - "tnrvf\\"];
                                p++;
                        } else if (*p == 'x' && e - p >= 3 && hexval(p[1]) >= 0 &&
                                   hexval(p[2]) >= 0) {
                                c = (char)(hexval(p[1]) * 16 + hexval(p[2]));
                                p += 3;
                        }
                }
                f->s[f->n++] = c;
        }
        f->s[f->n] = '\0';
}

/* The printable form of a field for a TAP line. */
static const char *show(const struct field *f, char *buf, size_t size) {
        size_t o = 0;

        for (size_t i = 0; i < f->n && o + 5 < size; i++) {
                unsigned char c = (unsigned char)f->s[i];
                if (c < 0x20 || c >= 0x7f || c == '\\' || c == '#')
                        o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
                else
                        buf[o++] = (char)c;
        }
        buf[o] = '\0';
        return buf;
}

/* Splits one line (without its newline) into at most 4 fields; returns the
 * count, 0 for a blank or comment line. */
static int split(const char *line, size_t n, struct field *f, int max) {
        const char *p = line, *e = line + n;
        bool tabs;
        int k = 0;

        for (const char *q = p; q < e; q++)
                if (*q == '#' && (q == p || q[-1] == ' ' || q[-1] == '\t')) {
                        e = q;
                        break;
                }
        while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
                e--;
        tabs = memchr(p, '\t', (size_t)(e - p)) != NULL;
        while (p < e && k <= max) {
                const char *s;
                if (tabs) {
                        while (p < e && *p == '\t')
                                p++;
                        s = p;
                        while (p < e && *p != '\t')
                                p++;
                } else {
                        while (p < e && *p == ' ')
                                p++;
                        s = p;
                        while (p < e && *p != ' ')
                                p++;
                }
                if (p == s)
                        break;
                if (k < max)
                        unescape(&f[k], s, p);
                k++;
        }
        return k;
}

static bool cmp_is(enum hull_version_scheme s, const struct field *a, const struct field *b,
                   int want) {
        int r = 2;

        return hull_version_cmp(s, a->s, a->n, b->s, b->n, &r) == 0 && r == want;
}

static bool refused(enum hull_version_scheme s, const struct field *a) {
        int r;

        return !hull_version_valid(s, a->s, a->n) &&
               hull_version_cmp(s, a->s, a->n, a->s, a->n, &r) < 0;
}

static void run_file(const char *dir, const char *name) {
        char path[4096], sa[4 * MAX_FIELD], sb[4 * MAX_FIELD], scheme_name[64];
        _cleanup_free_ char *data = NULL;
        struct hull_diag d = {0};
        size_t len, ncases = 0;
        enum hull_version_scheme s;

        snprintf(scheme_name, sizeof(scheme_name), "%.*s", (int)(strlen(name) - 4), name);
        s = hull_version_scheme_from_string(scheme_name);
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        if (s == _HULL_VERSION_SCHEME_INVALID) {
                tap(0, "%s: no version scheme '%s'", name, scheme_name);
                return;
        }
        if (hull_read_file(path, MAX_FILE_BYTES, &data, &len, &d) != 0) {
                tap(0, "%s: cannot read %s", name, path);
                return;
        }
        unsigned lineno = 0;
        for (size_t off = 0; off < len;) {
                const char *line = data + off, *nl = memchr(line, '\n', len - off);
                size_t n = nl ? (size_t)(nl - line) : len - off;
                struct field f[3];
                int k;

                off += n + 1;
                lineno++;
                k = split(line, n, f, 3);
                if (k == 0)
                        continue;
                ncases++;
                if (strcmp(f[0].s, "!") == 0 && k <= 2) {
                        if (k == 1)
                                f[1].n = 0, f[1].s[0] = '\0';
                        tap(refused(s, &f[1]), "%s:%u: ! %s", name, lineno,
                            show(&f[1], sa, sizeof(sa)));
                        continue;
                }
                int want = k != 3                     ? 2
                           : strcmp(f[1].s, "<") == 0 ? -1
                           : strcmp(f[1].s, "=") == 0 ? 0
                           : strcmp(f[1].s, ">") == 0 ? 1
                                                      : 2;
                if (want == 2) {
                        tap(0, "%s:%u: malformed case (want 'A < B', 'A = B', 'A > B' or '! A')",
                            name, lineno);
                        continue;
                }
                int r = 2, rr = 2;
                bool ok = cmp_is(s, &f[0], &f[2], want) && cmp_is(s, &f[2], &f[0], -want);
                if (!ok) {
                        (void)hull_version_cmp(s, f[0].s, f[0].n, f[2].s, f[2].n, &r);
                        (void)hull_version_cmp(s, f[2].s, f[2].n, f[0].s, f[0].n, &rr);
                }
                tap(ok, "%s:%u: %s %s %s%s", name, lineno, show(&f[0], sa, sizeof(sa)), f[1].s,
                    show(&f[2], sb, sizeof(sb)),
                    ok ? ""
                    : !hull_version_valid(s, f[0].s, f[0].n) ||
                                    !hull_version_valid(s, f[2].s, f[2].n)
                            ? " # a version was refused as invalid"
                            : " # wrong order");
        }
        tap(ncases >= MIN_CASES, "%s: %zu cases (at least %d)", name, ncases, MIN_CASES);
}

/* One line of apk-tools' version.data. */
static void apk_corpus_line(const char *name, unsigned lineno, struct field *f, int k) {
        const enum hull_version_scheme s = HULL_VERSION_APK;
        char sa[4 * MAX_FIELD], sb[4 * MAX_FIELD];

        if (k == 1) {
                bool bang = f[0].s[0] == '!';
                struct field v;
                v.n = f[0].n - bang;
                memcpy(v.s, f[0].s + bang, v.n + 1);
                bool valid = hull_version_valid(s, v.s, v.n);
                tap(bang ? refused(s, &v) : valid, "%s:%u: %s%s", name, lineno, bang ? "!" : "",
                    show(&v, sa, sizeof(sa)));
                return;
        }
        if (k != 3) {
                tap(0, "%s:%u: malformed line", name, lineno);
                return;
        }
        const char *op = f[1].s;
        bool neg = op[0] == '!', fuzzy = strchr(op, '~') != NULL;
        unsigned mask = 0; /* bit 0: <, bit 1: =, bit 2: > */
        for (const char *p = op + neg; *p; p++)
                mask |= *p == '<' ? 1u : *p == '=' ? 2u : *p == '>' ? 4u : 0u;
        bool va = hull_version_valid(s, f[0].s, f[0].n), vb = hull_version_valid(s, f[2].s, f[2].n);
        show(&f[0], sa, sizeof(sa));
        show(&f[2], sb, sizeof(sb));
        if (fuzzy && va && vb) {
                tap(1, "%s:%u: %s %s %s # SKIP fuzzy match, not an order (both versions valid)",
                    name, lineno, sa, op, sb);
                return;
        }
        if (!va || !vb) {
                int r;
                bool ok = hull_version_cmp(s, f[0].s, f[0].n, f[2].s, f[2].n, &r) < 0;
                tap(ok, "%s:%u: %s %s %s # SKIP '%s' is invalid under apk-tools 3 rules (refused)",
                    name, lineno, sa, op, sb, va ? sb : sa);
                return;
        }
        int r = 2, rr = 2;
        (void)hull_version_cmp(s, f[0].s, f[0].n, f[2].s, f[2].n, &r);
        (void)hull_version_cmp(s, f[2].s, f[2].n, f[0].s, f[0].n, &rr);
        bool in = (mask >> (r + 1)) & 1u;
        bool ok = (neg ? !in : in) && rr == -r;
        tap(ok, "%s:%u: %s %s %s%s", name, lineno, sa, op, sb, ok ? "" : " # wrong order");
}

static void run_apk_corpus(const char *dir) {
        struct dirent **ents = NULL;
        int n = scandir(dir, &ents, NULL, alphasort);

        if (n < 0) {
                tap(1, "apk corpus # SKIP %s is absent", dir);
                return;
        }
        for (int i = 0; i < n; i++) {
                const char *name = ents[i]->d_name;
                size_t nl = strlen(name);
                if (nl > 5 && strcmp(name + nl - 5, ".data") == 0) {
                        char path[4096];
                        _cleanup_free_ char *data = NULL;
                        struct hull_diag d = {0};
                        size_t len;
                        snprintf(path, sizeof(path), "%s/%s", dir, name);
                        if (hull_read_file(path, MAX_FILE_BYTES, &data, &len, &d) != 0) {
                                tap(0, "%s: cannot read %s", name, path);
                        } else {
                                unsigned lineno = 0;
                                for (size_t off = 0; off < len;) {
                                        const char *line = data + off;
                                        const char *e = memchr(line, '\n', len - off);
                                        size_t ln = e ? (size_t)(e - line) : len - off;
                                        struct field f[3];
                                        off += ln + 1;
                                        lineno++;
                                        /* version.data: '#' anywhere starts a comment, and
                                         * there are no escapes */
                                        const char *h = memchr(line, '#', ln);
                                        if (h)
                                                ln = (size_t)(h - line);
                                        if (memchr(line, '\\', ln)) {
                                                tap(0, "%s:%u: unexpected backslash", name, lineno);
                                                continue;
                                        }
                                        int k = split(line, ln, f, 3);
                                        if (k > 0)
                                                apk_corpus_line(name, lineno, f, k);
                                }
                        }
                }
                free(ents[i]);
        }
        free(ents);
}

static int cmp_names(const struct dirent **a, const struct dirent **b) {
        return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_txt(const struct dirent *e) {
        size_t n = strlen(e->d_name);
        return n > 4 && strcmp(e->d_name + n - 4, ".txt") == 0;
}

int main(int argc, char **argv) {
        struct dirent **ents = NULL;
        int n;

        if (argc < 2 || argc > 3) {
                fprintf(stderr, "usage: run_versions DIR [APK_CORPUS_DIR]\n");
                return 2;
        }
        n = scandir(argv[1], &ents, is_txt, cmp_names);
        if (n < 0) {
                printf("Bail out! cannot read %s\n", argv[1]);
                return 1;
        }
        for (int i = 0; i < n; i++) {
                run_file(argv[1], ents[i]->d_name);
                free(ents[i]);
        }
        free(ents);
        if (argc == 3)
                run_apk_corpus(argv[2]);
        printf("1..%d\n", ntest);
        return nfail ? 1 : 0;
}
