/* dockerignore.c - .dockerignore reading, Docker's pattern matcher, and the
 * build-context walk (see dockerignore.h for the rules followed).
 *
 * Layout of this file:
 *   1. Go's filepath.Clean and filepath.Match (Unix);
 *   2. reading the ignore file (BuildKit's ReadAll + patternmatcher.New);
 *   3. translating a pattern the way patternmatcher's compile() does;
 *   4. a regexp engine for what that translation produces: a parser for
 *      that subset of Go's RE2 syntax, a compiler to a Thompson program
 *      (CHAR, CLASS, ANY-but-newline, SPLIT, JMP, ASSERT, MATCH) and a
 *      Pike-VM simulation without captures - O(path x program) per match,
 *      counted against a step budget;
 *   5. matching a path (MatchesOrParentMatches, MatchesUsingParentResults);
 *   6. the context walk (fsutil's filterFS.Walk).
 * The code is ours; the behaviour it reproduces is that of the Apache-2.0
 * projects moby/patternmatcher, moby/buildkit and tonistiigi/fsutil, and of
 * Go's path/filepath, text/scanner and regexp/syntax packages. */
#include "lint/dockerignore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/buf.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "basic/utf8.h"

#define MAX_RUNE 0x10FFFFu

/* ---- 1. filepath.Clean / filepath.Match ------------------------------------ */

size_t hull_dockerignore_clean(const char *s, size_t n, char *out) {
        size_t r = 0, w = 0, dotdot = 0;
        bool rooted;

        if (n == 0) {
                out[0] = '.';
                out[1] = '\0';
                return 1;
        }
        rooted = s[0] == '/';
        if (rooted) {
                out[w++] = '/';
                r = dotdot = 1;
        }
        while (r < n) {
                if (s[r] == '/') {
                        r++;
                } else if (s[r] == '.' && (r + 1 == n || s[r + 1] == '/')) {
                        r++;
                } else if (s[r] == '.' && r + 1 < n && s[r + 1] == '.' &&
                           (r + 2 == n || s[r + 2] == '/')) {
                        r += 2;
                        if (w > dotdot) {
                                w--;
                                while (w > dotdot && out[w] != '/')
                                        w--;
                        } else if (!rooted) {
                                if (w > 0)
                                        out[w++] = '/';
                                out[w++] = '.';
                                out[w++] = '.';
                                dotdot = w;
                        }
                } else {
                        if ((rooted && w != 1) || (!rooted && w != 0))
                                out[w++] = '/';
                        for (; r < n && s[r] != '/'; r++)
                                out[w++] = s[r];
                }
        }
        if (w == 0)
                out[w++] = '.';
        out[w] = '\0';
        return w;
}

static uint32_t decode(const char *s, size_t n, size_t *w) {
        if (n == 0) {
                *w = 0;
                return HULL_RUNE_ERROR;
        }
        if ((unsigned char)s[0] < 0x80) {
                *w = 1;
                return (unsigned char)s[0];
        }
        return hull_utf8_decode(s, n, w);
}

/* filepath.Match's scanChunk: leading stars, then a chunk up to the next
 * star outside a class. */
static void scan_chunk(const char **pat, size_t *pn, bool *star, const char **chunk, size_t *cn) {
        const char *p = *pat;
        size_t n = *pn, i;
        bool inrange = false;

        *star = false;
        while (n > 0 && *p == '*') {
                p++;
                n--;
                *star = true;
        }
        for (i = 0; i < n; i++) {
                if (p[i] == '\\') {
                        if (i + 1 < n)
                                i++;
                } else if (p[i] == '[') {
                        inrange = true;
                } else if (p[i] == ']') {
                        inrange = false;
                } else if (p[i] == '*' && !inrange) {
                        break;
                }
        }
        *chunk = p;
        *cn = i;
        *pat = p + i;
        *pn = n - i;
}

/* filepath.Match's getEsc: one class character; -1 on ErrBadPattern. */
static int get_esc(const char *c, size_t n, uint32_t *r, size_t *used) {
        size_t off = 0, w;

        if (n == 0 || c[0] == '-' || c[0] == ']')
                return -1;
        if (c[0] == '\\') {
                off = 1;
                if (n == 1)
                        return -1;
        }
        *r = decode(c + off, n - off, &w);
        if (*r == HULL_RUNE_ERROR && w == 1)
                return -1;
        if (off + w == n)
                return -1; /* a class character must be followed by something */
        *used = off + w;
        return 0;
}

/* filepath.Match's matchChunk.  Returns -1 on ErrBadPattern; else *ok and,
 * when ok, *used = bytes of s consumed.  After a mismatch it keeps parsing
 * the chunk (Go >= 1.16), so a bad chunk is always reported. */
static int match_chunk(const char *c, size_t cn, const char *s, size_t sn, size_t *used, bool *ok) {
        bool failed = false;
        size_t ci = 0, si = 0, w;

        *ok = false;
        while (ci < cn) {
                if (!failed && si == sn)
                        failed = true;
                if (c[ci] == '[') {
                        uint32_t r = 0, lo, hi;
                        bool neg = false, match = false;
                        size_t nrange = 0, u;

                        if (!failed) {
                                r = decode(s + si, sn - si, &w);
                                si += w;
                        }
                        ci++;
                        if (ci < cn && c[ci] == '^') {
                                neg = true;
                                ci++;
                        }
                        for (;;) {
                                if (ci < cn && c[ci] == ']' && nrange > 0) {
                                        ci++;
                                        break;
                                }
                                if (get_esc(c + ci, cn - ci, &lo, &u) < 0)
                                        return -1;
                                ci += u;
                                hi = lo;
                                if (c[ci] == '-') {
                                        if (get_esc(c + ci + 1, cn - ci - 1, &hi, &u) < 0)
                                                return -1;
                                        ci += 1 + u;
                                }
                                if (lo <= r && r <= hi)
                                        match = true;
                                nrange++;
                        }
                        if (match == neg)
                                failed = true;
                } else if (c[ci] == '?') {
                        if (!failed) {
                                if (s[si] == '/')
                                        failed = true;
                                (void)decode(s + si, sn - si, &w);
                                si += w;
                        }
                        ci++;
                } else {
                        if (c[ci] == '\\') {
                                ci++;
                                if (ci == cn)
                                        return -1;
                        }
                        if (!failed) {
                                if (c[ci] != s[si])
                                        failed = true;
                                si++;
                        }
                        ci++;
                }
        }
        if (!failed) {
                *ok = true;
                *used = si;
        }
        return 0;
}

int hull_dockerignore_filepath_match(const char *pat, size_t pn, const char *name, size_t nn,
                                     bool *ret_matched) {
        while (pn > 0) {
                const char *chunk;
                size_t cn, used;
                bool star, ok;

                scan_chunk(&pat, &pn, &star, &chunk, &cn);
                if (star && cn == 0) {
                        *ret_matched = memchr(name, '/', nn) == NULL;
                        return HULL_OK;
                }
                if (match_chunk(chunk, cn, name, nn, &used, &ok) < 0)
                        return HULL_EPARSE;
                if (ok && (used == nn || pn > 0)) {
                        name += used;
                        nn -= used;
                        continue;
                }
                if (star) {
                        bool advanced = false;
                        for (size_t i = 0; i < nn && name[i] != '/'; i++) {
                                if (match_chunk(chunk, cn, name + i + 1, nn - i - 1, &used, &ok) <
                                    0)
                                        return HULL_EPARSE;
                                if (!ok || (pn == 0 && used != nn - i - 1))
                                        continue;
                                name += i + 1 + used;
                                nn -= i + 1 + used;
                                advanced = true;
                                break;
                        }
                        if (advanced)
                                continue;
                }
                /* no match: the rest of the pattern must still be well formed */
                while (pn > 0) {
                        scan_chunk(&pat, &pn, &star, &chunk, &cn);
                        if (match_chunk(chunk, cn, "", 0, &used, &ok) < 0)
                                return HULL_EPARSE;
                }
                *ret_matched = false;
                return HULL_OK;
        }
        *ret_matched = nn == 0;
        return HULL_OK;
}

/* ---- 4a. the regexp program ------------------------------------------------- */

enum {
        OP_CHAR,   /* x = rune */
        OP_CLASS,  /* x = class index */
        OP_ANYNL,  /* any rune but '\n' (Go's '.') */
        OP_SPLIT,  /* x, y */
        OP_JMP,    /* x */
        OP_ASSERT, /* x = A_* */
        OP_MATCH,
};

enum { A_BOT, A_EOT, A_WORDB, A_NWORDB };

struct inst {
        uint32_t op, x, y;
};

struct rclass {
        uint32_t off, n; /* ranges[off .. off+n) pairs (lo, hi), sorted, disjoint */
};

struct prog {
        struct inst *inst;
        size_t ninst;
        struct rclass *classes;
        size_t nclasses;
        uint32_t *ranges; /* 2 per range */
        /* Pike VM scratch */
        uint32_t *mark, *list0, *list1, *stack;
        uint32_t gen;
};

struct pattern {
        struct hull_dockerignore_pattern pub;
        int status;        /* HULL_OK, or the error evaluating it gives */
        char why[96];      /* for status != OK */
        struct prog *prog; /* REGEXP with status OK */
};

struct hull_dockerignore {
        struct pattern *v;
        size_t n, cap;
        bool has_exceptions;
        bool prefix_exceptions; /* fsutil's onlyPrefixExcludeExceptions */
        uint64_t steps, max_steps;
};

static void prog_free(struct prog *p) {
        if (!p)
                return;
        hull_free(p->inst);
        hull_free(p->classes);
        hull_free(p->ranges);
        hull_free(p->mark);
        hull_free(p->list0);
        hull_free(p->list1);
        hull_free(p->stack);
        hull_free(p);
}

struct hull_dockerignore *hull_dockerignore_free(struct hull_dockerignore *ig) {
        if (!ig)
                return NULL;
        for (size_t i = 0; i < ig->n; i++) {
                hull_free((char *)ig->v[i].pub.text);
                hull_free((char *)ig->v[i].pub.regex);
                prog_free(ig->v[i].prog);
        }
        hull_free(ig->v);
        hull_free(ig);
        return NULL;
}

/* ---- 4b. parsing the translated regexp ------------------------------------- */

/* A range set under construction. */
struct rset {
        uint32_t *r;   /* pairs */
        size_t n, cap; /* in pairs */
};

static int rset_add(struct rset *s, uint32_t lo, uint32_t hi) {
        if (s->n == s->cap) {
                size_t cap = s->cap ? s->cap * 2 : 8;
                uint32_t *r = hull_realloc(s->r, cap * 2 * sizeof(*r));
                if (!r)
                        return HULL_ENOMEM;
                s->r = r;
                s->cap = cap;
        }
        s->r[2 * s->n] = lo;
        s->r[2 * s->n + 1] = hi;
        s->n++;
        return HULL_OK;
}

static int cmp_range(const void *a, const void *b) {
        uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
        return x < y ? -1 : x > y;
}

static void rset_normalize(struct rset *s) {
        size_t k = 0;
        if (s->n == 0)
                return;
        qsort(s->r, s->n, 2 * sizeof(uint32_t), cmp_range);
        for (size_t i = 1; i < s->n; i++) {
                uint32_t lo = s->r[2 * i], hi = s->r[2 * i + 1];
                if (lo <= s->r[2 * k + 1] + 1) {
                        if (hi > s->r[2 * k + 1])
                                s->r[2 * k + 1] = hi;
                } else {
                        k++;
                        s->r[2 * k] = lo;
                        s->r[2 * k + 1] = hi;
                }
        }
        s->n = k + 1;
}

/* Replace s by its complement in [0, MAX_RUNE]. */
static int rset_negate(struct rset *s) {
        struct rset t = {0};
        uint32_t next = 0;
        rset_normalize(s);
        for (size_t i = 0; i < s->n; i++) {
                if (s->r[2 * i] > next && rset_add(&t, next, s->r[2 * i] - 1))
                        goto oom;
                next = s->r[2 * i + 1] + 1;
        }
        if (next <= MAX_RUNE && rset_add(&t, next, MAX_RUNE))
                goto oom;
        hull_free(s->r);
        *s = t;
        return HULL_OK;
oom:
        hull_free(t.r);
        return HULL_ENOMEM;
}

/* Add a fixed group (ranges as lo,hi pairs), negated or not. */
static int rset_add_group(struct rset *s, const uint32_t *g, size_t npairs, bool negated) {
        if (!negated) {
                for (size_t i = 0; i < npairs; i++)
                        HULL_TRY(rset_add(s, g[2 * i], g[2 * i + 1]));
                return HULL_OK;
        }
        uint32_t next = 0;
        for (size_t i = 0; i < npairs; i++) {
                if (g[2 * i] > next)
                        HULL_TRY(rset_add(s, next, g[2 * i] - 1));
                next = g[2 * i + 1] + 1;
        }
        return rset_add(s, next, MAX_RUNE);
}

static const uint32_t G_DIGIT[] = {'0', '9'};
static const uint32_t G_SPACE_PERL[] = {'\t', '\n', '\f', '\r', ' ', ' '};
static const uint32_t G_WORD[] = {'0', '9', 'A', 'Z', '_', '_', 'a', 'z'};

static const struct {
        const char *name;
        uint32_t g[8];
        size_t n;
} posix_groups[] = {
        {"alnum", {'0', '9', 'A', 'Z', 'a', 'z'}, 3},
        {"alpha", {'A', 'Z', 'a', 'z'}, 2},
        {"ascii", {0, 0x7f}, 1},
        {"blank", {'\t', '\t', ' ', ' '}, 2},
        {"cntrl", {0, 0x1f, 0x7f, 0x7f}, 2},
        {"digit", {'0', '9'}, 1},
        {"graph", {'!', '~'}, 1},
        {"lower", {'a', 'z'}, 1},
        {"print", {' ', '~'}, 1},
        {"punct", {'!', '/', ':', '@', '[', '`', '{', '~'}, 4},
        {"space", {'\t', '\r', ' ', ' '}, 2},
        {"upper", {'A', 'Z'}, 1},
        {"word", {'0', '9', 'A', 'Z', '_', '_', 'a', 'z'}, 4},
        {"xdigit", {'0', '9', 'A', 'F', 'a', 'f'}, 3},
};

/* \d \D \s \S \w \W at t (t[0] == '\\'): adds to s and returns 2, or 0. */
static int perl_group(const char *t, size_t n, struct rset *s, int *err) {
        const uint32_t *g;
        size_t np;

        if (n < 2 || t[0] != '\\')
                return 0;
        switch (t[1]) {
        case 'd':
        case 'D': g = G_DIGIT, np = 1; break;
        case 's':
        case 'S': g = G_SPACE_PERL, np = 3; break;
        case 'w':
        case 'W': g = G_WORD, np = 4; break;
        default: return 0;
        }
        *err = rset_add_group(s, g, np, t[1] >= 'A' && t[1] <= 'Z');
        return 2;
}

struct rparse {
        const char *t, *end;
        struct prog *p;
        size_t cap_inst, cap_classes, nranges, cap_ranges;
        int err;         /* first error */
        const char *why; /* its description (static) */
};

static int rp_fail(struct rparse *rp, int code, const char *why) {
        if (!rp->err) {
                rp->err = code;
                rp->why = why;
        }
        return code;
}

/* Unicode classes (\pL, \p{Greek}) are not implemented: a single letter
 * naming a general category Go knows is "unsupported", anything else is an
 * error as in Go (the translation escapes '{', so "\p{" cannot occur). */
static int unicode_class(struct rparse *rp) {
        const char *t = rp->t + 2;
        if (t >= rp->end)
                return rp_fail(rp, HULL_EPARSE, "invalid character class range");
        if (strchr("CLMNPSZ", *t) && *t)
                return rp_fail(rp, HULL_EUNSUPPORTED,
                               "unicode character classes (\\p) are not supported");
        if (*t == '{')
                return rp_fail(rp, HULL_EUNSUPPORTED,
                               "unicode character classes (\\p) are not supported");
        return rp_fail(rp, HULL_EPARSE, "invalid character class range");
}

static int hexval(uint32_t c) {
        if (c >= '0' && c <= '9')
                return (int)(c - '0');
        if (c >= 'a' && c <= 'f')
                return (int)(c - 'a' + 10);
        if (c >= 'A' && c <= 'F')
                return (int)(c - 'A' + 10);
        return -1;
}

static bool isalnum_ascii(uint32_t c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Go's parseEscape at rp->t (a backslash): one literal rune. */
static int parse_escape(struct rparse *rp, uint32_t *ret) {
        const char *t = rp->t + 1;
        size_t w;
        uint32_t c, r;

        if (t >= rp->end)
                return rp_fail(rp, HULL_EPARSE, "trailing backslash at end of expression");
        c = decode(t, (size_t)(rp->end - t), &w);
        t += w;
        if (c < 0x80 && !isalnum_ascii(c)) {
                *ret = c;
                rp->t = t;
                return HULL_OK;
        }
        switch (c) {
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
        case '6':
        case '7':
                if (t >= rp->end || *t < '0' || *t > '7')
                        break;
                /* fallthrough */
        case '0':
                r = c - '0';
                for (int i = 1; i < 3 && t < rp->end && *t >= '0' && *t <= '7'; i++)
                        r = r * 8 + (uint32_t)(*t++ - '0');
                *ret = r;
                rp->t = t;
                return HULL_OK;
        case 'x': {
                int x, y;
                if (t >= rp->end)
                        break;
                if (*t == '{') {
                        size_t nhex = 0;
                        r = 0;
                        for (t++;; t++) {
                                if (t >= rp->end || (x = hexval((unsigned char)*t)) < 0) {
                                        if (t < rp->end && *t == '}' && nhex > 0) {
                                                *ret = r;
                                                rp->t = t + 1;
                                                return HULL_OK;
                                        }
                                        return rp_fail(rp, HULL_EPARSE, "invalid escape sequence");
                                }
                                r = r * 16 + (uint32_t)x;
                                if (r > MAX_RUNE)
                                        return rp_fail(rp, HULL_EPARSE, "invalid escape sequence");
                                nhex++;
                        }
                }
                x = hexval((unsigned char)t[0]);
                y = t + 1 < rp->end ? hexval((unsigned char)t[1]) : -1;
                if (x < 0 || y < 0)
                        break;
                *ret = (uint32_t)(x * 16 + y);
                rp->t = t + 2;
                return HULL_OK;
        }
        case 'a':
                *ret = '\a';
                rp->t = t;
                return HULL_OK;
        case 'f':
                *ret = '\f';
                rp->t = t;
                return HULL_OK;
        case 'n':
                *ret = '\n';
                rp->t = t;
                return HULL_OK;
        case 'r':
                *ret = '\r';
                rp->t = t;
                return HULL_OK;
        case 't':
                *ret = '\t';
                rp->t = t;
                return HULL_OK;
        case 'v':
                *ret = '\v';
                rp->t = t;
                return HULL_OK;
        default: break;
        }
        return rp_fail(rp, HULL_EPARSE, "invalid escape sequence");
}

static int add_class(struct rparse *rp, struct rset *s, uint32_t *ret_idx) {
        struct prog *p = rp->p;
        rset_normalize(s);
        if (p->nclasses == rp->cap_classes) {
                size_t cap = rp->cap_classes ? rp->cap_classes * 2 : 4;
                struct rclass *v = hull_realloc(p->classes, cap * sizeof(*v));
                if (!v)
                        return rp_fail(rp, HULL_ENOMEM, "out of memory");
                p->classes = v;
                rp->cap_classes = cap;
        }
        if (rp->nranges + s->n > rp->cap_ranges) {
                size_t cap = rp->cap_ranges ? rp->cap_ranges : 16;
                while (cap < rp->nranges + s->n)
                        cap *= 2;
                uint32_t *v = hull_realloc(p->ranges, cap * 2 * sizeof(*v));
                if (!v)
                        return rp_fail(rp, HULL_ENOMEM, "out of memory");
                p->ranges = v;
                rp->cap_ranges = cap;
        }
        if (s->n)
                memcpy(p->ranges + 2 * rp->nranges, s->r, s->n * 2 * sizeof(uint32_t));
        p->classes[p->nclasses] = (struct rclass){(uint32_t)rp->nranges, (uint32_t)s->n};
        rp->nranges += s->n;
        *ret_idx = (uint32_t)p->nclasses++;
        return HULL_OK;
}

/* One class character (Go's parseClassChar). */
static int class_char(struct rparse *rp, uint32_t *ret) {
        size_t w;
        if (rp->t >= rp->end)
                return rp_fail(rp, HULL_EPARSE, "missing closing ]");
        if (*rp->t == '\\')
                return parse_escape(rp, ret);
        *ret = decode(rp->t, (size_t)(rp->end - rp->t), &w);
        rp->t += w;
        return HULL_OK;
}

/* Go's parseClass at rp->t ('['); the class index in *ret. */
static int parse_class(struct rparse *rp, uint32_t *ret) {
        struct rset s = {0};
        bool neg = false, first = true;
        int r = HULL_OK;

        rp->t++;
        if (rp->t < rp->end && *rp->t == '^') {
                neg = true;
                rp->t++;
        }
        while (rp->t >= rp->end || *rp->t != ']' || first) {
                const char *t = rp->t;
                size_t left = (size_t)(rp->end - t);
                int e = HULL_OK, k;
                uint32_t lo, hi;

                first = false;
                if (left > 2 && t[0] == '[' && t[1] == ':') {
                        /* POSIX [:name:]; Go looks for ":]" anywhere after */
                        const char *c = memmem(t + 2, left - 2, ":]", 2);
                        if (c) {
                                const char *nm = t + 2;
                                size_t nl = (size_t)(c - nm);
                                bool gneg = nl > 0 && *nm == '^';
                                size_t i;
                                if (gneg) {
                                        nm++;
                                        nl--;
                                }
                                for (i = 0; i < ELEMENTSOF(posix_groups); i++)
                                        if (strlen(posix_groups[i].name) == nl &&
                                            memcmp(posix_groups[i].name, nm, nl) == 0)
                                                break;
                                if (i == ELEMENTSOF(posix_groups)) {
                                        r = rp_fail(rp, HULL_EPARSE,
                                                    "invalid character class range");
                                        goto out;
                                }
                                if ((r = rset_add_group(&s, posix_groups[i].g, posix_groups[i].n,
                                                        gneg)))
                                        goto oom;
                                rp->t = c + 2;
                                continue;
                        }
                }
                if (left >= 2 && t[0] == '\\' && (t[1] == 'p' || t[1] == 'P')) {
                        r = unicode_class(rp);
                        goto out;
                }
                if ((k = perl_group(t, left, &s, &e)) > 0) {
                        if ((r = e))
                                goto oom;
                        rp->t += k;
                        continue;
                }
                if ((r = class_char(rp, &lo)))
                        goto out;
                hi = lo;
                if (rp->end - rp->t >= 2 && rp->t[0] == '-' && rp->t[1] != ']') {
                        rp->t++;
                        if ((r = class_char(rp, &hi)))
                                goto out;
                        if (hi < lo) {
                                r = rp_fail(rp, HULL_EPARSE, "invalid character class range");
                                goto out;
                        }
                }
                if ((r = rset_add(&s, lo, hi)))
                        goto oom;
        }
        rp->t++; /* ']' */
        if (neg && (r = rset_negate(&s)))
                goto oom;
        r = add_class(rp, &s, ret);
        goto out;
oom:
        r = rp_fail(rp, HULL_ENOMEM, "out of memory");
out:
        hull_free(s.r);
        return r;
}

static int emit(struct rparse *rp, uint32_t op, uint32_t x, uint32_t y) {
        struct prog *p = rp->p;
        if (p->ninst == rp->cap_inst) {
                size_t cap = rp->cap_inst ? rp->cap_inst * 2 : 32;
                struct inst *v = hull_realloc(p->inst, cap * sizeof(*v));
                if (!v)
                        return rp_fail(rp, HULL_ENOMEM, "out of memory");
                p->inst = v;
                rp->cap_inst = cap;
        }
        p->inst[p->ninst++] = (struct inst){op, x, y};
        return HULL_OK;
}

/* Compile the translated regexp into rp->p.  Atoms are single instructions,
 * so "x*" is emitted by inserting a SPLIT before the atom just emitted. */
static int compile_regex(struct rparse *rp) {
        struct prog *p = rp->p;
        size_t last_atom = (size_t)-1; /* index of the last single-instruction atom */
        bool last_starred = false;

        while (rp->t < rp->end && !rp->err) {
                char c = *rp->t;
                size_t w, here = p->ninst;
                uint32_t r, idx;
                int e = HULL_OK, k;

                if (c == '(') {
                        /* only "(.*" "/)?" can occur: the translation escapes '(' */
                        if (rp->end - rp->t < 6 || memcmp(rp->t, "(.*/)?", 6) != 0)
                                return rp_fail(rp, HULL_EUNSUPPORTED, "unexpected group");
                        /* L: SPLIT L+1, L+5; L+1: SPLIT L+2, L+4; L+2: ANYNL; L+3: JMP L+1; L+4:
                         * '/' */
                        HULL_TRY(emit(rp, OP_SPLIT, (uint32_t)here + 1, (uint32_t)here + 5));
                        HULL_TRY(emit(rp, OP_SPLIT, (uint32_t)here + 2, (uint32_t)here + 4));
                        HULL_TRY(emit(rp, OP_ANYNL, 0, 0));
                        HULL_TRY(emit(rp, OP_JMP, (uint32_t)here + 1, 0));
                        HULL_TRY(emit(rp, OP_CHAR, '/', 0));
                        rp->t += 6;
                        last_atom = (size_t)-1;
                        continue;
                }
                if (c == '*') {
                        if (last_atom == (size_t)-1 || last_atom + 1 != p->ninst)
                                return rp_fail(rp, HULL_EUNSUPPORTED, "unexpected repetition");
                        if (last_starred)
                                return rp_fail(rp, HULL_EPARSE,
                                               "invalid nested repetition operator");
                        /* atom at A becomes: A: SPLIT A+1, A+3; A+1: atom; A+2: JMP A */
                        struct inst atom = p->inst[last_atom];
                        HULL_TRY(emit(rp, OP_JMP, 0, 0));
                        HULL_TRY(emit(rp, OP_JMP, 0, 0));
                        p->inst[last_atom] = (struct inst){OP_SPLIT, (uint32_t)last_atom + 1,
                                                           (uint32_t)last_atom + 3};
                        p->inst[last_atom + 1] = atom;
                        p->inst[last_atom + 2] = (struct inst){OP_JMP, (uint32_t)last_atom, 0};
                        rp->t++;
                        last_starred = true;
                        last_atom = (size_t)-1;
                        continue;
                }
                if (c == '?' || c == '+' || c == '{' || c == ')' || c == '|')
                        return rp_fail(rp, HULL_EUNSUPPORTED, "unexpected operator");
                last_starred = false;
                if (c == '[') {
                        if (parse_class(rp, &idx))
                                return rp->err;
                        HULL_TRY(emit(rp, OP_CLASS, idx, 0));
                        last_atom = here;
                        continue;
                }
                if (c == '.') {
                        HULL_TRY(emit(rp, OP_ANYNL, 0, 0));
                        rp->t++;
                        last_atom = here;
                        continue;
                }
                if (c == '^' || c == '$') {
                        HULL_TRY(emit(rp, OP_ASSERT, c == '^' ? A_BOT : A_EOT, 0));
                        rp->t++;
                        last_atom = (size_t)-1;
                        continue;
                }
                if (c != '\\') {
                        r = decode(rp->t, (size_t)(rp->end - rp->t), &w);
                        rp->t += w;
                        HULL_TRY(emit(rp, OP_CHAR, r, 0));
                        last_atom = here;
                        continue;
                }
                /* escapes: Perl's \A \z \b \B \C \Q first (PerlX), then \p, \d..., then parseEscape
                 */
                char e1 = rp->t + 1 < rp->end ? rp->t[1] : '\0';
                if (rp->t + 1 < rp->end && strchr("AzbBCQ", e1) && e1) {
                        if (e1 == 'C')
                                return rp_fail(rp, HULL_EPARSE, "invalid escape sequence");
                        if (e1 == 'Q') {
                                const char *s = rp->t + 2;
                                const char *q = memmem(s, (size_t)(rp->end - s), "\\E", 2);
                                const char *qe = q ? q : rp->end;
                                while (s < qe) {
                                        r = decode(s, (size_t)(qe - s), &w);
                                        s += w;
                                        here = p->ninst;
                                        HULL_TRY(emit(rp, OP_CHAR, r, 0));
                                        last_atom = here;
                                }
                                rp->t = q ? q + 2 : rp->end;
                                continue;
                        }
                        HULL_TRY(emit(rp, OP_ASSERT,
                                      e1 == 'A'   ? A_BOT
                                      : e1 == 'z' ? A_EOT
                                      : e1 == 'b' ? A_WORDB
                                                  : A_NWORDB,
                                      0));
                        rp->t += 2;
                        last_atom = (size_t)-1;
                        continue;
                }
                if (e1 == 'p' || e1 == 'P')
                        return unicode_class(rp);
                {
                        struct rset s = {0};
                        if ((k = perl_group(rp->t, (size_t)(rp->end - rp->t), &s, &e)) > 0) {
                                if (!e)
                                        e = add_class(rp, &s, &idx);
                                hull_free(s.r);
                                if (e)
                                        return rp_fail(rp, e, "out of memory");
                                HULL_TRY(emit(rp, OP_CLASS, idx, 0));
                                rp->t += k;
                                last_atom = here;
                                continue;
                        }
                }
                if (parse_escape(rp, &r))
                        return rp->err;
                HULL_TRY(emit(rp, OP_CHAR, r, 0));
                last_atom = here;
        }
        if (rp->err)
                return rp->err;
        return emit(rp, OP_MATCH, 0, 0);
}

/* ---- 3. translation (patternmatcher's compile) ------------------------------ */

static int put_rune(struct hull_buf *b, uint32_t r) {
        char tmp[4];
        size_t n = hull_utf8_encode(r, tmp);
        return hull_buf_put(b, tmp, n);
}

/* Classify p (cleaned, without '!') and build its Go regexp text.  Runes
 * are read as text/scanner does: a leading BOM is skipped, an invalid byte
 * becomes U+FFFD. */
static int translate(const char *s, size_t n, enum hull_dockerignore_kind *ret_kind,
                     struct hull_buf *re) {
        enum hull_dockerignore_kind kind = HULL_DOCKERIGNORE_EXACT;
        size_t i = 0, w;

        if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
                i = 3;
        HULL_TRY(hull_buf_putc(re, '^'));
        for (size_t iter = 0; i < n; iter++) {
                uint32_t ch = decode(s + i, n - i, &w);
                i += w;
                if (ch == '*') {
                        if (i < n && s[i] == '*') {
                                i++;
                                if (i < n && s[i] == '/')
                                        i++;
                                if (i == n) {
                                        if (kind == HULL_DOCKERIGNORE_EXACT) {
                                                kind = HULL_DOCKERIGNORE_PREFIX;
                                        } else {
                                                HULL_TRY(hull_buf_puts(re, ".*"));
                                                kind = HULL_DOCKERIGNORE_REGEXP;
                                        }
                                } else {
                                        HULL_TRY(hull_buf_puts(re, "(.*/)?"));
                                        kind = HULL_DOCKERIGNORE_REGEXP;
                                }
                                if (iter == 0)
                                        kind = HULL_DOCKERIGNORE_SUFFIX;
                        } else {
                                HULL_TRY(hull_buf_puts(re, "[^/]*"));
                                kind = HULL_DOCKERIGNORE_REGEXP;
                        }
                } else if (ch == '?') {
                        HULL_TRY(hull_buf_puts(re, "[^/]"));
                        kind = HULL_DOCKERIGNORE_REGEXP;
                } else if (ch < 0x80 && strchr(".+()|{}$", (int)ch) && ch) {
                        HULL_TRY(hull_buf_putc(re, '\\'));
                        HULL_TRY(hull_buf_putc(re, (char)ch));
                } else if (ch == '\\') {
                        HULL_TRY(hull_buf_putc(re, '\\'));
                        if (i < n) {
                                HULL_TRY(put_rune(re, decode(s + i, n - i, &w)));
                                i += w;
                                kind = HULL_DOCKERIGNORE_REGEXP;
                        }
                } else if (ch == '[' || ch == ']') {
                        HULL_TRY(hull_buf_putc(re, (char)ch));
                        kind = HULL_DOCKERIGNORE_REGEXP;
                } else {
                        HULL_TRY(put_rune(re, ch));
                }
        }
        if (kind == HULL_DOCKERIGNORE_REGEXP)
                HULL_TRY(hull_buf_putc(re, '$'));
        *ret_kind = kind;
        return HULL_OK;
}

/* ---- 2. reading ----------------------------------------------------------- */

static int add_pattern(struct hull_dockerignore *ig, const char *s, size_t n, unsigned line,
                       struct hull_diag *d, const char *name) {
        _cleanup_free_ char *clean = NULL;
        struct pattern *p;
        struct hull_buf re = HULL_BUF_INIT(16 * (size_t)HULL_MAX_DOCKERIGNORE_LINE_BYTES);
        bool excl = false, dummy;
        size_t cl;

        /* patternmatcher.New: trim, skip empty, Clean, '!' */
        size_t sp = hull_utf8_space_prefix(s, n);
        s += sp;
        n = hull_utf8_trim_right(s, n - sp);
        if (n == 0)
                return HULL_OK;
        clean = hull_malloc(n + 2);
        if (!clean)
                return HULL_ENOMEM;
        cl = hull_dockerignore_clean(s, n, clean);
        if (clean[0] == '!') {
                if (cl == 1)
                        return hull_diag_set(d, HULL_EPARSE, name, line, 0,
                                             "illegal exclusion pattern: \"!\"");
                excl = true;
                memmove(clean, clean + 1, cl);
                cl--;
        }
        if (hull_dockerignore_filepath_match(clean, cl, ".", 1, &dummy) != HULL_OK)
                return hull_diag_set(d, HULL_EPARSE, name, line, 0,
                                     "syntax error in pattern '%.200s'", clean);
        if (ig->n >= HULL_MAX_DOCKERIGNORE_PATTERNS)
                return hull_diag_set(d, HULL_ELIMIT, name, line, 0, "more than %u patterns",
                                     HULL_MAX_DOCKERIGNORE_PATTERNS);
        if (ig->n == ig->cap) {
                size_t cap = ig->cap ? ig->cap * 2 : 16;
                struct pattern *v = hull_realloc(ig->v, cap * sizeof(*v));
                if (!v)
                        return HULL_ENOMEM;
                ig->v = v;
                ig->cap = cap;
        }
        p = &ig->v[ig->n];
        memset(p, 0, sizeof(*p));
        int r = translate(clean, cl, &p->pub.kind, &re);
        if (r != HULL_OK) {
                hull_buf_release(&re);
                return r == HULL_ELIMIT
                               ? hull_diag_set(d, HULL_ELIMIT, name, line, 0, "pattern too long")
                               : r;
        }
        p->pub.exclusion = excl;
        p->pub.line = line;
        p->pub.len = cl;
        p->pub.text = TAKE_PTR(clean);
        ig->n++; /* owned from here on: freed by hull_dockerignore_free */
        if (p->pub.kind != HULL_DOCKERIGNORE_REGEXP) {
                hull_buf_release(&re);
                return HULL_OK;
        }
        p->pub.regex = hull_buf_detach(&re, NULL);
        if (!p->pub.regex)
                return HULL_ENOMEM;

        /* compile now; an error is kept and reported when Docker would see it */
        struct rparse rp = {.t = p->pub.regex, .end = p->pub.regex + strlen(p->pub.regex)};
        rp.p = hull_calloc(1, sizeof(*rp.p));
        if (!rp.p)
                return HULL_ENOMEM;
        r = compile_regex(&rp);
        if (r == HULL_ENOMEM) {
                prog_free(rp.p);
                return HULL_ENOMEM;
        }
        if (r != HULL_OK) {
                prog_free(rp.p);
                p->status = r;
                snprintf(p->why, sizeof(p->why), "%s", rp.why ? rp.why : "bad pattern");
                return HULL_OK;
        }
        struct prog *pg = rp.p;
        pg->mark = hull_calloc(pg->ninst, sizeof(uint32_t));
        pg->list0 = hull_malloc(pg->ninst * sizeof(uint32_t));
        pg->list1 = hull_malloc(pg->ninst * sizeof(uint32_t));
        pg->stack = hull_malloc(pg->ninst * 2 * sizeof(uint32_t) + sizeof(uint32_t));
        p->prog = pg;
        if (!pg->mark || !pg->list0 || !pg->list1 || !pg->stack)
                return HULL_ENOMEM;
        return HULL_OK;
}

static void finish(struct hull_dockerignore *ig) {
        ig->prefix_exceptions = true;
        for (size_t i = 0; i < ig->n; i++) {
                const struct hull_dockerignore_pattern *p = &ig->v[i].pub;
                size_t l = p->len;
                if (!p->exclusion)
                        continue;
                ig->has_exceptions = true;
                /* fsutil's patternWithoutTrailingGlob */
                if (l >= 3 && memcmp(p->text + l - 3, "/**", 3) == 0)
                        l -= 3;
                if (l >= 2 && memcmp(p->text + l - 2, "/*", 2) == 0)
                        l -= 2;
                for (size_t k = 0; k < l; k++)
                        if (strchr("*[]?^\\", p->text[k]) && p->text[k])
                                ig->prefix_exceptions = false;
        }
        ig->max_steps = HULL_MAX_DOCKERIGNORE_STEPS;
}

int hull_dockerignore_parse(const char *data, size_t len, const char *name,
                            struct hull_dockerignore **ret, struct hull_diag *d) {
        _cleanup_(hull_dockerignore_freep) struct hull_dockerignore *ig = NULL;
        _cleanup_free_ char *tmp = NULL;
        unsigned line = 0;
        size_t off = 0;

        if (len > HULL_MAX_DOCKERIGNORE_BYTES)
                return hull_diag_set(d, HULL_ELIMIT, name, 0, 0, "larger than %u bytes",
                                     HULL_MAX_DOCKERIGNORE_BYTES);
        ig = hull_calloc(1, sizeof(*ig));
        if (!ig)
                return HULL_ENOMEM;
        while (off < len) {
                const char *s = data + off, *nl = memchr(s, '\n', len - off);
                size_t n = nl ? (size_t)(nl - s) : len - off;
                int r;

                off += n + (nl ? 1 : 0);
                line++;
                if (n >= HULL_MAX_DOCKERIGNORE_LINE_BYTES + 1u)
                        return hull_diag_set(
                                d, HULL_EPARSE, name, line, 0,
                                "line longer than %u bytes (docker build fails: token too long)",
                                HULL_MAX_DOCKERIGNORE_LINE_BYTES);
                if (n > 0 && s[n - 1] == '\r') /* bufio.ScanLines drops one CR */
                        n--;
                if (line == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
                        s += 3;
                        n -= 3;
                }
                if (n > 0 && s[0] == '#')
                        continue;
                /* ReadAll: trim, '!' then trim again, Clean, drop one leading '/' */
                size_t sp = hull_utf8_space_prefix(s, n);
                s += sp;
                n -= sp;
                n = hull_utf8_trim_right(s, n);
                if (n == 0)
                        continue;
                bool invert = s[0] == '!';
                if (invert) {
                        s++;
                        n--;
                        sp = hull_utf8_space_prefix(s, n);
                        s += sp;
                        n = hull_utf8_trim_right(s, n - sp);
                }
                hull_free(tmp);
                tmp = hull_malloc(n + 3);
                if (!tmp)
                        return HULL_ENOMEM;
                size_t tl = 0;
                if (invert)
                        tmp[tl++] = '!';
                if (n > 0) {
                        size_t cl = hull_dockerignore_clean(s, n, tmp + tl);
                        if (cl > 1 && tmp[tl] == '/') {
                                memmove(tmp + tl, tmp + tl + 1, cl);
                                cl--;
                        }
                        tl += cl;
                }
                tmp[tl] = '\0';
                r = add_pattern(ig, tmp, tl, line, d, name);
                if (r != HULL_OK)
                        return r;
        }
        finish(ig);
        *ret = TAKE_PTR(ig);
        return HULL_OK;
}

int hull_dockerignore_from_patterns(const char *const *patterns, size_t n,
                                    struct hull_dockerignore **ret, struct hull_diag *d) {
        _cleanup_(hull_dockerignore_freep) struct hull_dockerignore *ig =
                hull_calloc(1, sizeof(*ig));
        if (!ig)
                return HULL_ENOMEM;
        for (size_t i = 0; i < n; i++)
                HULL_TRY(add_pattern(ig, patterns[i], strlen(patterns[i]), (unsigned)i + 1, d,
                                     NULL));
        finish(ig);
        *ret = TAKE_PTR(ig);
        return HULL_OK;
}

size_t hull_dockerignore_count(const struct hull_dockerignore *ig) {
        return ig ? ig->n : 0;
}

const struct hull_dockerignore_pattern *hull_dockerignore_get(const struct hull_dockerignore *ig,
                                                              size_t i) {
        return ig && i < ig->n ? &ig->v[i].pub : NULL;
}

bool hull_dockerignore_has_exceptions(const struct hull_dockerignore *ig) {
        return ig && ig->has_exceptions;
}

void hull_dockerignore_set_budget(struct hull_dockerignore *ig, uint64_t steps) {
        ig->max_steps = steps ? steps : HULL_MAX_DOCKERIGNORE_STEPS;
        ig->steps = 0;
}

/* ---- 4c. running a program (Pike VM, no captures) --------------------------- */

static bool is_word(int64_t r) {
        return r >= 0 && ((r >= '0' && r <= '9') || (r >= 'A' && r <= 'Z') ||
                          (r >= 'a' && r <= 'z') || r == '_');
}

static bool class_has(const struct prog *p, uint32_t idx, uint32_t r) {
        const struct rclass *c = &p->classes[idx];
        const uint32_t *g;
        size_t lo = 0, hi = c->n;

        if (c->n == 0)
                return false; /* e.g. [^\x00-\x{10FFFF}]: p->ranges may be NULL */
        g = p->ranges + 2 * (size_t)c->off;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (r < g[2 * mid])
                        hi = mid;
                else if (r > g[2 * mid + 1])
                        lo = mid + 1;
                else
                        return true;
        }
        return false;
}

static void next_gen(struct prog *p) {
        if (++p->gen == 0) {
                memset(p->mark, 0, p->ninst * sizeof(*p->mark));
                p->gen = 1;
        }
}

/* Add pc and everything reachable from it without input to list.  prev and
 * cur are the runes around the position (-1 at either end). */
static int add_thread(struct hull_dockerignore *ig, struct prog *p, uint32_t *list, size_t *n,
                      uint32_t pc0, bool at_start, bool at_end, int64_t prev, int64_t cur) {
        size_t sp = 0;

        p->stack[sp++] = pc0;
        while (sp) {
                uint32_t pc = p->stack[--sp];
                const struct inst *in = &p->inst[pc];
                bool ok;

                if (p->mark[pc] == p->gen)
                        continue;
                p->mark[pc] = p->gen;
                if (++ig->steps > ig->max_steps)
                        return HULL_ELIMIT;
                switch (in->op) {
                case OP_JMP: p->stack[sp++] = in->x; break;
                case OP_SPLIT:
                        p->stack[sp++] = in->y;
                        p->stack[sp++] = in->x;
                        break;
                case OP_ASSERT:
                        ok = in->x == A_BOT     ? at_start
                             : in->x == A_EOT   ? at_end
                             : in->x == A_WORDB ? is_word(prev) != is_word(cur)
                                                : is_word(prev) == is_word(cur);
                        if (ok)
                                p->stack[sp++] = pc + 1;
                        break;
                default: list[(*n)++] = pc;
                }
        }
        return HULL_OK;
}

/* Whether the program matches a prefix of s (it starts with ^; a final $
 * anchors the end unless \Q swallowed it, as in Go's MatchString). */
static int nfa_match(struct hull_dockerignore *ig, struct prog *p, const char *s, size_t n,
                     bool *ret) {
        uint32_t *cl = p->list0, *nl = p->list1, *t;
        size_t cn = 0, nn, pos = 0, w = 0;
        int64_t prev = -1, cur = n ? (int64_t)decode(s, n, &w) : -1;

        next_gen(p);
        HULL_TRY(add_thread(ig, p, cl, &cn, 0, true, n == 0, prev, cur));
        for (;;) {
                for (size_t i = 0; i < cn; i++)
                        if (p->inst[cl[i]].op == OP_MATCH) {
                                *ret = true;
                                return HULL_OK;
                        }
                if (cn == 0 || pos >= n) {
                        *ret = false;
                        return HULL_OK;
                }
                size_t npos = pos + w, nw = 0;
                int64_t c = cur, ncur = npos < n ? (int64_t)decode(s + npos, n - npos, &nw) : -1;

                next_gen(p);
                nn = 0;
                for (size_t i = 0; i < cn; i++) {
                        const struct inst *in = &p->inst[cl[i]];
                        bool ok = in->op == OP_CHAR    ? c == (int64_t)in->x
                                  : in->op == OP_CLASS ? class_has(p, in->x, (uint32_t)c)
                                  : in->op == OP_ANYNL ? c != '\n'
                                                       : false;
                        if (++ig->steps > ig->max_steps)
                                return HULL_ELIMIT;
                        if (ok)
                                HULL_TRY(add_thread(ig, p, nl, &nn, cl[i] + 1, false, npos == n, c,
                                                    ncur));
                }
                t = cl, cl = nl, nl = t;
                cn = nn;
                pos = npos;
                w = nw;
                prev = c;
                cur = ncur;
        }
}

/* ---- 5. matching paths ------------------------------------------------------ */

static int pat_match(struct hull_dockerignore *ig, struct pattern *p, const char *path, size_t n,
                     bool *m, struct hull_diag *d) {
        const struct hull_dockerignore_pattern *q = &p->pub;
        int r;

        if (p->status != HULL_OK)
                return hull_diag_set(d, p->status, NULL, q->line, 0, "pattern '%.200s': %s",
                                     q->text, p->why);
        if (++ig->steps > ig->max_steps)
                goto budget;
        switch (q->kind) {
        case HULL_DOCKERIGNORE_EXACT:
                *m = n == q->len && memcmp(path, q->text, n) == 0;
                return HULL_OK;
        case HULL_DOCKERIGNORE_PREFIX:
                *m = n >= q->len - 2 && memcmp(path, q->text, q->len - 2) == 0;
                return HULL_OK;
        case HULL_DOCKERIGNORE_SUFFIX: {
                const char *suf = q->text + 2;
                size_t sl = q->len - 2;
                *m = (n >= sl && memcmp(path + n - sl, suf, sl) == 0) ||
                     (sl > 0 && suf[0] == '/' && n == sl - 1 && memcmp(path, suf + 1, n) == 0);
                return HULL_OK;
        }
        case HULL_DOCKERIGNORE_REGEXP:
                r = nfa_match(ig, p->prog, path, n, m);
                if (r == HULL_ELIMIT)
                        goto budget;
                return r;
        }
        return HULL_EINTERNAL;
budget:
        return hull_diag_set(d, HULL_ELIMIT, NULL, 0, 0,
                             "pattern matching stopped after %llu steps",
                             (unsigned long long)ig->max_steps);
}

/* The pattern tried on each parent directory of path (filepath.Dir, split
 * at '/', each leading part), as MatchesOrParentMatches does. */
static int match_parents(struct hull_dockerignore *ig, struct pattern *p, const char *path,
                         size_t n, bool *m, struct hull_diag *d) {
        const char *slash = n ? memrchr(path, '/', n) : NULL;
        _cleanup_free_ char *dir = NULL;
        size_t dl;

        *m = false;
        if (!slash)
                return HULL_OK; /* Dir is "." */
        dir = hull_malloc((size_t)(slash - path) + 3);
        if (!dir)
                return HULL_ENOMEM;
        dl = hull_dockerignore_clean(path, (size_t)(slash - path) + 1, dir);
        if (dl == 1 && dir[0] == '.')
                return HULL_OK;
        for (size_t j = 0; j <= dl; j++) {
                if (j < dl && dir[j] != '/')
                        continue;
                HULL_TRY(pat_match(ig, p, dir, j, m, d));
                if (*m)
                        return HULL_OK;
        }
        return HULL_OK;
}

int hull_dockerignore_matches(struct hull_dockerignore *ig, const char *path, bool *ret_excluded,
                              struct hull_diag *d) {
        size_t n = strlen(path);
        bool matched = false;

        for (size_t i = 0; i < ig->n; i++) {
                struct pattern *p = &ig->v[i];
                bool m;
                if (p->pub.exclusion != matched)
                        continue;
                HULL_TRY(pat_match(ig, p, path, n, &m, d));
                if (!m)
                        HULL_TRY(match_parents(ig, p, path, n, &m, d));
                if (m)
                        matched = !p->pub.exclusion;
        }
        *ret_excluded = matched;
        return HULL_OK;
}

int hull_dockerignore_matches_parent(struct hull_dockerignore *ig, const char *path,
                                     const uint8_t *parent, uint8_t *row, bool *ret_excluded,
                                     struct hull_diag *d) {
        size_t n = strlen(path);
        bool matched = false;

        for (size_t i = 0; i < ig->n; i++) {
                struct pattern *p = &ig->v[i];
                bool m = parent ? parent[i] != 0 : false;
                if (!m) {
                        if (p->pub.exclusion != matched) {
                                row[i] = 0;
                                continue;
                        }
                        HULL_TRY(pat_match(ig, p, path, n, &m, d));
                        if (!m && !parent)
                                HULL_TRY(match_parents(ig, p, path, n, &m, d));
                }
                row[i] = m;
                if (m)
                        matched = !p->pub.exclusion;
        }
        *ret_excluded = matched;
        return HULL_OK;
}

/* ---- 6. the context walk ---------------------------------------------------- */

struct walker {
        struct hull_dockerignore *ig;
        size_t max_entries;
        hull_walk_fn fn;
        void *ud;
        struct hull_walk_stats *st;
        struct hull_diag *d;
        uint8_t *rows; /* one row of ig->n per depth */
        char path[HULL_MAX_PATH_BYTES + 1];
        size_t plen;
};

#define WALK_STOP (-1) /* internal: entry limit reached */

/* fsutil: an excluded directory is entered only if an exception could
 * match below it (or when exceptions use wildcards: then always). */
static bool should_descend(const struct hull_dockerignore *ig, const char *path, size_t n) {
        if (!ig->prefix_exceptions)
                return true;
        if (!ig->has_exceptions)
                return false;
        for (size_t i = 0; i < ig->n; i++) {
                const struct hull_dockerignore_pattern *p = &ig->v[i].pub;
                size_t l = p->len;
                if (!p->exclusion)
                        continue;
                if (l >= 3 && memcmp(p->text + l - 3, "/**", 3) == 0)
                        l -= 3;
                if (l >= 2 && memcmp(p->text + l - 2, "/*", 2) == 0)
                        l -= 2;
                /* HasPrefix(trimmed + "/", path + "/") */
                if (l + 1 >= n + 1 && memcmp(p->text, path, n) == 0 &&
                    (l == n ? true : p->text[n] == '/'))
                        return true;
        }
        return false;
}

static int cmp_names(const void *a, const void *b) {
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk_dir(struct walker *w, int dfd, size_t depth);

/* name[-1] holds the entry's d_type (DT_UNKNOWN: ask fstatat) */
static int walk_entry(struct walker *w, int dfd, const char *name, size_t depth) {
        size_t nl = strlen(name), save = w->plen;
        unsigned char dt = (unsigned char)name[-1];
        struct stat st;
        struct hull_walk_entry e;
        bool excluded = false;
        int r = HULL_OK;

        if (w->st->entries >= w->max_entries) {
                w->st->truncated = true;
                return WALK_STOP;
        }
        w->st->entries++;
        if (w->plen + (w->plen ? 1 : 0) + nl > HULL_MAX_PATH_BYTES) {
                w->st->too_deep++;
                return HULL_OK;
        }
        if (w->plen)
                w->path[w->plen++] = '/';
        memcpy(w->path + w->plen, name, nl + 1);
        w->plen += nl;
        if (dt == DT_UNKNOWN) {
                if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                        w->st->unreadable++;
                        goto out;
                }
                dt = S_ISREG(st.st_mode)   ? DT_REG
                     : S_ISDIR(st.st_mode) ? DT_DIR
                     : S_ISLNK(st.st_mode) ? DT_LNK
                                           : DT_FIFO;
        }
        e.path = w->path;
        e.len = w->plen;
        e.type = dt == DT_REG   ? HULL_WALK_FILE
                 : dt == DT_DIR ? HULL_WALK_DIR
                 : dt == DT_LNK ? HULL_WALK_SYMLINK
                                : HULL_WALK_OTHER;
        if (w->ig && w->ig->n) {
                const uint8_t *parent = depth ? w->rows + (depth - 1) * w->ig->n : NULL;
                r = hull_dockerignore_matches_parent(w->ig, w->path, parent,
                                                     w->rows + depth * w->ig->n, &excluded, w->d);
                if (r == HULL_ELIMIT) {
                        w->st->truncated = true;
                        r = WALK_STOP;
                }
                if (r != HULL_OK)
                        goto out;
        }
        if (!excluded) {
                w->st->sent++;
                if ((r = w->fn(w->ud, &e)) != HULL_OK)
                        goto out;
        }
        if (e.type == HULL_WALK_DIR && (!excluded || should_descend(w->ig, w->path, w->plen))) {
                int cfd;
                if (depth + 1 >= HULL_MAX_CONTEXT_DEPTH) {
                        w->st->too_deep++;
                        goto out;
                }
                cfd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (cfd < 0) {
                        w->st->unreadable++;
                        goto out;
                }
                r = walk_dir(w, cfd, depth + 1);
        }
out:
        w->plen = save;
        w->path[save] = '\0';
        return r;
}

/* Walk the directory open at dfd (closed here); its entries are at depth. */
static int walk_dir(struct walker *w, int dfd, size_t depth) {
        struct hull_buf names = HULL_BUF_INIT(256u * 1024 * 1024);
        _cleanup_free_ char **v = NULL;
        size_t n = 0, cap = 0, room = w->max_entries - w->st->entries + 1;
        struct dirent *de;
        DIR *dir = fdopendir(dfd);
        int r = HULL_OK;

        if (!dir) {
                close(dfd);
                w->st->unreadable++;
                return HULL_OK;
        }
        /* names first (each as d_type byte, name, NUL), then sorted pointers to the names */
        while ((errno = 0, de = readdir(dir))) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                if (n >= room)
                        break; /* the entry limit stops the walk before these */
                if (hull_buf_putc(&names, (char)de->d_type) ||
                    hull_buf_put(&names, de->d_name, strlen(de->d_name) + 1)) {
                        r = HULL_ENOMEM;
                        goto out;
                }
                n++;
        }
        if (errno)
                w->st->unreadable++;
        cap = n;
        v = new (char *, cap ? cap : 1);
        if (!v) {
                r = HULL_ENOMEM;
                goto out;
        }
        for (size_t i = 0, off = 0; i < n; i++) {
                v[i] = names.data + off + 1;
                off += strlen(v[i]) + 2;
        }
        qsort(v, n, sizeof(*v), cmp_names);
        for (size_t i = 0; i < n && r == HULL_OK; i++)
                r = walk_entry(w, dirfd(dir), v[i], depth);
out:
        closedir(dir);
        hull_buf_release(&names);
        return r;
}

int hull_dockerignore_walk(const char *root, struct hull_dockerignore *ig, size_t max_entries,
                           hull_walk_fn fn, void *userdata, struct hull_walk_stats *stats,
                           struct hull_diag *d) {
        struct walker *w;
        int fd, r;

        memset(stats, 0, sizeof(*stats));
        fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return hull_diag_errno(d, HULL_EIO, errno, root, "cannot open the build context");
        w = hull_calloc(1, sizeof(*w));
        if (!w) {
                close(fd);
                return HULL_ENOMEM;
        }
        *w = (struct walker){.ig = ig,
                             .max_entries = max_entries ? max_entries : HULL_MAX_CONTEXT_ENTRIES,
                             .fn = fn,
                             .ud = userdata,
                             .st = stats,
                             .d = d};
        if (ig && ig->n) {
                w->rows = hull_calloc(HULL_MAX_CONTEXT_DEPTH, ig->n);
                if (!w->rows) {
                        close(fd);
                        hull_free(w);
                        return HULL_ENOMEM;
                }
        }
        r = walk_dir(w, fd, 0);
        if (r == WALK_STOP)
                r = HULL_OK;
        hull_free(w->rows);
        hull_free(w);
        return r;
}
