/* parser.c - BuildKit-exact Dockerfile parser.
 *
 * The algorithm follows BuildKit's frontend/dockerfile/parser step by step,
 * as described in docs/internals/dockerfile.md (and the corpus' FORMAT.md):
 *
 *   physical lines -> parser directives -> logical lines (continuations,
 *   comments and blank lines inside them) -> command word + flags ->
 *   argument shape per instruction -> heredoc bodies.
 *
 * Several quirks are deliberate because BuildKit has them: flags are scanned
 * byte by byte (a non-ASCII byte is re-encoded as Latin-1), words are
 * scanned rune by rune (an invalid byte becomes U+FFFD), and continuation
 * pieces are joined with no separator.  Positions: a logical line keeps a
 * map from its byte offsets back to (line, column) of the source, so every
 * flag and value can say where it came from. */
#include "dockerfile/parser.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "basic/buf.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "basic/utf8.h"

/* ---- small string helpers ------------------------------------------------ */

static bool is_ascii_blank(unsigned char c) {
        return c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == ' ';
}

/* Go's unicode.IsSpace(rune(b)) for one byte taken as a code point. */
static bool byte_is_space(unsigned char c) {
        return c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == ' ' ||
               c == 0x85 || c == 0xA0;
}

/* Go regexp \s: [\t\n\f\r ] */
static bool is_re_space(unsigned char c) {
        return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

/* ---- parse context -------------------------------------------------------- */

struct seg {
        size_t off; /* offset in the logical buffer */
        unsigned line, col;
};

struct ctx {
        struct hull_dockerfile *df;
        struct hull_arena *a;
        struct hull_diag *d;
        const char *name;
        const char *data;
        size_t len;
        size_t pos;      /* next physical line starts here */
        unsigned lineno; /* number of the last line read */
        char escape;
        bool directives_done;
        bool seen_syntax, seen_escape, seen_check;
        /* the logical line being built */
        struct hull_buf logical;
        struct seg *segs;
        size_t nsegs, capsegs;
        size_t capcomments;
};

struct line {
        const char *s; /* start of the line (BOM removed) */
        size_t len;    /* newline-trimmed length */
        size_t rawlen; /* with the newline */
        unsigned no;   /* line number */
};

static int perr(struct ctx *c, unsigned line, unsigned col, int code, const char *fmt, ...)
        _printf_(5, 6);
static int perr(struct ctx *c, unsigned line, unsigned col, int code, const char *fmt, ...) {
        char msg[400];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        return hull_diag_set(c->d, code, c->name, line, col, "%s", msg);
}

/* Read the next physical line.  Returns 0 at end of input, 1 for a line,
 * or a negative hull_err. */
static int next_line(struct ctx *c, struct line *l) {
        const char *s, *nl;
        size_t rest, n, t;

        if (c->pos >= c->len)
                return 0;
        s = c->data + c->pos;
        rest = c->len - c->pos;
        nl = memchr(s, '\n', rest);
        n = nl ? (size_t)(nl - s) + 1 : rest;
        c->lineno++;
        if ((nl && n > HULL_MAX_DF_LINE_BYTES) || (!nl && n > HULL_MAX_DF_LINE_BYTES - 1))
                return -perr(c, c->lineno, 1, HULL_ELIMIT,
                             "dockerfile line greater than max allowed size of 65535");
        c->pos += n;
        l->rawlen = n;
        if (c->lineno == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
                s += 3;
                n -= 3;
                c->df->had_bom = true;
        }
        t = n;
        while (t > 0 && (s[t - 1] == '\n' || s[t - 1] == '\r')) {
                if (s[t - 1] == '\r')
                        c->df->had_crlf = true;
                t--;
        }
        l->s = s;
        l->len = t;
        l->no = c->lineno;
        return 1;
}

/* ---- parser directives ---------------------------------------------------- */

static int add_directive(struct ctx *c, const char *name, const char *v, size_t vlen, unsigned line,
                         unsigned col) {
        struct hull_df_directive *dir;
        size_t cap = c->df->ndirectives; /* at most three: grow by one */
        struct hull_df_directive *n = hull_arena_alloc(c->a, (cap + 1) * sizeof(*n));

        if (!n)
                return HULL_ENOMEM;
        if (cap)
                memcpy(n, c->df->directives, cap * sizeof(*n));
        dir = &n[cap];
        dir->name = name;
        dir->value.s = hull_arena_strndup(c->a, v, vlen);
        if (!dir->value.s)
                return HULL_ENOMEM;
        dir->value.len = vlen;
        dir->value.pos = (struct hull_pos){line, col};
        c->df->directives = n;
        c->df->ndirectives = cap + 1;
        return HULL_OK;
}

/* Offer one line to the directive handler (section 3).  text is the line
 * with its newline trimmed and, for a first line, left-trimmed.  textcol is
 * the 1-based column of text[0]. */
static int directive(struct ctx *c, const char *t, size_t n, unsigned line, unsigned textcol) {
        size_t i = 0, ns, ne, vs, ve;
        char lname[16];
        bool *seen;

        if (c->directives_done)
                return HULL_OK;
        if (n == 0 || t[0] != '#') {
                c->directives_done = true;
                return HULL_OK;
        }
        i = 1;
        while (i < n && is_re_space((unsigned char)t[i]))
                i++;
        ns = i;
        if (i >= n || !((t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= 'a' && t[i] <= 'z'))) {
                c->directives_done = true;
                return HULL_OK;
        }
        while (i < n && ((t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= 'a' && t[i] <= 'z') ||
                         (t[i] >= '0' && t[i] <= '9')))
                i++;
        ne = i;
        while (i < n && is_re_space((unsigned char)t[i]))
                i++;
        if (i >= n || t[i] != '=') {
                c->directives_done = true;
                return HULL_OK;
        }
        i++;
        while (i < n && is_re_space((unsigned char)t[i]))
                i++;
        vs = i;
        ve = n;
        while (ve > vs && is_re_space((unsigned char)t[ve - 1]))
                ve--;
        if (ve == vs) {
                c->directives_done = true;
                return HULL_OK;
        }
        if (ne - ns >= sizeof(lname)) {
                c->directives_done = true;
                return HULL_OK;
        }
        for (size_t k = ns; k < ne; k++)
                lname[k - ns] = (char)((t[k] >= 'A' && t[k] <= 'Z') ? t[k] + 32 : t[k]);
        lname[ne - ns] = '\0';
        if (strcmp(lname, "syntax") == 0)
                seen = &c->seen_syntax;
        else if (strcmp(lname, "escape") == 0)
                seen = &c->seen_escape;
        else if (strcmp(lname, "check") == 0)
                seen = &c->seen_check;
        else {
                c->directives_done = true;
                return HULL_OK;
        }
        if (*seen)
                return perr(c, line, textcol, HULL_EPARSE,
                            "only one %s parser directive can be used", lname);
        *seen = true;
        if (seen == &c->seen_escape) {
                if (ve - vs != 1 || (t[vs] != '`' && t[vs] != '\\')) {
                        char v[64];
                        snprintf(v, sizeof(v), "%.*s", (int)(ve - vs > 40 ? 40 : ve - vs), t + vs);
                        return perr(c, line, textcol + (unsigned)vs, HULL_EPARSE,
                                    "invalid escape token '%s' does not match ` or \\", v);
                }
                c->escape = t[vs];
                c->df->escape = t[vs];
        }
        return add_directive(c,
                             seen == &c->seen_syntax   ? "syntax"
                             : seen == &c->seen_escape ? "escape"
                                                       : "check",
                             t + vs, ve - vs, line, textcol + (unsigned)vs);
}

/* ---- logical lines -------------------------------------------------------- */

static int seg_add(struct ctx *c, unsigned line, unsigned col) {
        struct seg *s =
                hull_arena_push(c->a, (void **)&c->segs, &c->nsegs, &c->capsegs, sizeof(*s));
        if (!s)
                return HULL_ENOMEM;
        s->off = c->logical.len;
        s->line = line;
        s->col = col;
        return HULL_OK;
}

static struct hull_pos pos_at(const struct ctx *c, size_t off) {
        size_t lo = 0, hi = c->nsegs;

        if (c->nsegs == 0)
                return (struct hull_pos){0, 0};
        /* last segment with seg.off <= off */
        while (hi - lo > 1) {
                size_t mid = (lo + hi) / 2;
                if (c->segs[mid].off <= off)
                        lo = mid;
                else
                        hi = mid;
        }
        return (struct hull_pos){c->segs[lo].line,
                                 c->segs[lo].col + (unsigned)(off - c->segs[lo].off)};
}

/* Continuation test (section 4, step 3).  Returns the kept length and sets
 * *cont when the instruction goes on. */
static size_t continuation(const struct ctx *c, const char *t, size_t n, bool *cont) {
        size_t e = n;

        while (e > 0 && (t[e - 1] == ' ' || t[e - 1] == '\t'))
                e--;
        if (e > 0 && t[e - 1] == c->escape && (e == 1 || t[e - 2] != c->escape)) {
                *cont = true;
                return e - 1;
        }
        *cont = false;
        return n;
}

static bool is_comment_line(const char *t, size_t n) {
        size_t i = hull_utf8_space_prefix(t, n);
        return i < n && t[i] == '#';
}

/* ---- strings into the arena ----------------------------------------------- */

static int mkstr(struct ctx *c, struct hull_df_str *out, const char *s, size_t n, size_t off) {
        out->s = hull_arena_strndup(c->a, s, n);
        if (!out->s)
                return HULL_ENOMEM;
        out->len = n;
        out->pos = pos_at(c, off);
        return HULL_OK;
}

struct strvec {
        struct hull_df_str *v;
        size_t n, cap;
};

static int sv_add(struct ctx *c, struct strvec *sv, const char *s, size_t n, size_t off) {
        struct hull_df_str *p =
                hull_arena_push(c->a, (void **)&sv->v, &sv->n, &sv->cap, sizeof(*p));
        if (!p)
                return HULL_ENOMEM;
        return mkstr(c, p, s, n, off);
}

/* ---- flags (extractBuilderFlags) ------------------------------------------ */

/* Append byte b as the rune U+00bb (Go's string(rune(b))). */
static int put_latin1(struct hull_buf *w, unsigned char b) {
        char enc[4];
        size_t k = hull_utf8_encode(b, enc);
        return hull_buf_put(w, enc, k);
}

/* Scans leading --flags of line[0..n).  *ret_args is the offset where the
 * arguments start (n when the flags used up the text). */
static int extract_flags(struct ctx *c, const char *line, size_t n, size_t base,
                         struct strvec *flags, size_t *ret_args) {
        enum { IN_SPACES, IN_WORD, IN_QUOTE } phase = IN_SPACES;
        _cleanup_(hull_buf_releasep) struct hull_buf w = HULL_BUF_INIT(HULL_MAX_DF_LINE_BYTES * 4);
        bool blank_ok = false;
        unsigned char quote = 0, ch = 0;
        size_t pos, wstart = 0;
        int r;

        for (pos = 0; pos <= n; pos++) {
                if (pos != n)
                        ch = (unsigned char)line[pos];
                if (phase == IN_SPACES) {
                        if (pos == n)
                                break;
                        if (byte_is_space(ch))
                                continue;
                        if (ch != '-' || pos + 1 == n || line[pos + 1] != '-') {
                                *ret_args = pos;
                                return HULL_OK;
                        }
                        phase = IN_WORD;
                        wstart = pos;
                }
                if ((phase == IN_WORD || phase == IN_QUOTE) && pos == n) {
                        if (!(w.len == 2 && memcmp(w.data, "--", 2) == 0) &&
                            (blank_ok || w.len > 0))
                                if ((r = sv_add(c, flags, w.data ? w.data : "", w.len,
                                                base + wstart)))
                                        return r;
                        break;
                }
                if (phase == IN_WORD) {
                        if (byte_is_space(ch)) {
                                phase = IN_SPACES;
                                if (w.len == 2 && memcmp(w.data, "--", 2) == 0) {
                                        *ret_args = pos;
                                        return HULL_OK;
                                }
                                if (blank_ok || w.len > 0)
                                        if ((r = sv_add(c, flags, w.data ? w.data : "", w.len,
                                                        base + wstart)))
                                                return r;
                                hull_buf_reset(&w);
                                blank_ok = false;
                                continue;
                        }
                        if (ch == '\'' || ch == '"') {
                                quote = ch;
                                blank_ok = true;
                                phase = IN_QUOTE;
                                continue;
                        }
                        if (ch == (unsigned char)c->escape) {
                                if (pos + 1 == n)
                                        continue;
                                pos++;
                                ch = (unsigned char)line[pos];
                        }
                        if ((r = put_latin1(&w, ch)))
                                return r;
                        continue;
                }
                /* IN_QUOTE */
                if (ch == quote) {
                        phase = IN_WORD;
                        continue;
                }
                if (ch == (unsigned char)c->escape) {
                        if (pos + 1 == n) {
                                phase = IN_WORD;
                                continue;
                        }
                        pos++;
                        ch = (unsigned char)line[pos];
                }
                if ((r = put_latin1(&w, ch)))
                        return r;
        }
        *ret_args = n;
        return HULL_OK;
}

/* ---- words (parseWords) --------------------------------------------------- */

static int put_rune(struct hull_buf *w, uint32_t r) {
        char enc[4];
        size_t k = hull_utf8_encode(r, enc);
        return hull_buf_put(w, enc, k);
}

static int parse_words(struct ctx *c, const char *s, size_t n, size_t base, struct strvec *out) {
        enum { IN_SPACES, IN_WORD, IN_QUOTE } phase = IN_SPACES;
        _cleanup_(hull_buf_releasep) struct hull_buf w = HULL_BUF_INIT(HULL_MAX_DF_LINE_BYTES * 4);
        bool blank_ok = false;
        uint32_t quote = 0, ch = 0;
        size_t pos, width = 1, wstart = 0;
        int r;

        for (pos = 0; pos <= n; pos += width) {
                if (pos != n)
                        ch = hull_utf8_decode(s + pos, n - pos, &width);
                if (phase == IN_SPACES) {
                        if (pos == n)
                                break;
                        if (hull_rune_is_space(ch))
                                continue;
                        phase = IN_WORD;
                        wstart = pos;
                }
                if ((phase == IN_WORD || phase == IN_QUOTE) && pos == n) {
                        if (blank_ok || w.len > 0)
                                if ((r = sv_add(c, out, w.data ? w.data : "", w.len,
                                                base + wstart)))
                                        return r;
                        break;
                }
                if (phase == IN_WORD) {
                        if (hull_rune_is_space(ch)) {
                                phase = IN_SPACES;
                                if (blank_ok || w.len > 0)
                                        if ((r = sv_add(c, out, w.data ? w.data : "", w.len,
                                                        base + wstart)))
                                                return r;
                                hull_buf_reset(&w);
                                blank_ok = false;
                                continue;
                        }
                        if (ch == '\'' || ch == '"') {
                                quote = ch;
                                blank_ok = true;
                                phase = IN_QUOTE;
                        }
                        if (ch == (uint32_t)(unsigned char)c->escape) {
                                if (pos + width == n)
                                        continue;
                                if ((r = put_rune(&w, ch)))
                                        return r;
                                pos += width;
                                ch = hull_utf8_decode(s + pos, n - pos, &width);
                        }
                        if ((r = put_rune(&w, ch)))
                                return r;
                        continue;
                }
                /* IN_QUOTE */
                if (ch == quote)
                        phase = IN_WORD;
                if (ch == (uint32_t)(unsigned char)c->escape && quote != '\'') {
                        if (pos + width == n) {
                                phase = IN_WORD;
                                continue;
                        }
                        pos += width;
                        if ((r = put_rune(&w, ch)))
                                return r;
                        ch = hull_utf8_decode(s + pos, n - pos, &width);
                }
                if ((r = put_rune(&w, ch)))
                        return r;
        }
        return HULL_OK;
}

/* ---- JSON form ------------------------------------------------------------ */

struct jp {
        const char *s;
        size_t n, i;
};

static void j_ws(struct jp *p) {
        while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
                               p->s[p->i] == '\r'))
                p->i++;
}

static int hexval(char ch) {
        if (ch >= '0' && ch <= '9')
                return ch - '0';
        if (ch >= 'a' && ch <= 'f')
                return ch - 'a' + 10;
        if (ch >= 'A' && ch <= 'F')
                return ch - 'A' + 10;
        return -1;
}

static int j_hex4(struct jp *p, uint32_t *out) {
        uint32_t v = 0;
        if (p->n - p->i < 4)
                return -1;
        for (int k = 0; k < 4; k++) {
                int h = hexval(p->s[p->i + k]);
                if (h < 0)
                        return -1;
                v = v * 16 + (uint32_t)h;
        }
        p->i += 4;
        *out = v;
        return 0;
}

/* Parse a JSON string at p->i (on the opening quote).  When w is non-NULL
 * the decoded value is appended (Go semantics).  Returns 0 or -1 (invalid). */
static int j_string(struct jp *p, struct hull_buf *w) {
        p->i++;
        while (p->i < p->n) {
                unsigned char ch = (unsigned char)p->s[p->i];
                if (ch == '"') {
                        p->i++;
                        return 0;
                }
                if (ch < 0x20)
                        return -1;
                if (ch == '\\') {
                        uint32_t u, u2;
                        if (++p->i >= p->n)
                                return -1;
                        ch = (unsigned char)p->s[p->i++];
                        switch (ch) {
                        case '"':
                        case '\\':
                        case '/': u = ch; break;
                        case 'b': u = '\b'; break;
                        case 'f': u = '\f'; break;
                        case 'n': u = '\n'; break;
                        case 'r': u = '\r'; break;
                        case 't': u = '\t'; break;
                        case 'u':
                                if (j_hex4(p, &u) < 0)
                                        return -1;
                                if (u >= 0xD800 && u < 0xDC00) {
                                        /* a pair only if a low surrogate escape follows */
                                        size_t save = p->i;
                                        if (p->n - p->i >= 6 && p->s[p->i] == '\\' &&
                                            p->s[p->i + 1] == 'u') {
                                                p->i += 2;
                                                if (j_hex4(p, &u2) == 0 && u2 >= 0xDC00 &&
                                                    u2 < 0xE000) {
                                                        u = 0x10000 + ((u - 0xD800) << 10) +
                                                            (u2 - 0xDC00);
                                                        break;
                                                }
                                                p->i = save;
                                        }
                                        u = HULL_RUNE_ERROR;
                                } else if (u >= 0xDC00 && u < 0xE000) {
                                        u = HULL_RUNE_ERROR;
                                }
                                break;
                        default: return -1;
                        }
                        if (w && put_rune(w, u))
                                return -2;
                        continue;
                }
                size_t width;
                uint32_t r = hull_utf8_decode(p->s + p->i, p->n - p->i, &width);
                if (w) {
                        int e = (r == HULL_RUNE_ERROR && width == 1)
                                        ? put_rune(w, HULL_RUNE_ERROR)
                                        : hull_buf_put(w, p->s + p->i, width);
                        if (e)
                                return -2;
                }
                p->i += width;
        }
        return -1;
}

static int j_number(struct jp *p) {
        size_t st = p->i;
        if (p->i < p->n && p->s[p->i] == '-')
                p->i++;
        if (p->i >= p->n)
                return -1;
        if (p->s[p->i] == '0')
                p->i++;
        else if (p->s[p->i] >= '1' && p->s[p->i] <= '9')
                while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
                        p->i++;
        else
                return -1;
        if (p->i < p->n && p->s[p->i] == '.') {
                p->i++;
                if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9')
                        return -1;
                while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
                        p->i++;
        }
        if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
                p->i++;
                if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
                        p->i++;
                if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9')
                        return -1;
                while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
                        p->i++;
        }
        return p->i > st ? 0 : -1;
}

static int j_lit(struct jp *p, const char *lit) {
        size_t l = strlen(lit);
        if (p->n - p->i < l || memcmp(p->s + p->i, lit, l) != 0)
                return -1;
        p->i += l;
        return 0;
}

/* Validate one JSON value iteratively (depth limit as Go's decoder: 10000). */
static int j_value(struct jp *p) {
        static const size_t max_depth = 10000;
        unsigned char stack[10000];
        size_t depth = 0;

        for (;;) {
                j_ws(p);
                if (p->i >= p->n)
                        return -1;
                char ch = p->s[p->i];
                if (ch == '[' || ch == '{') {
                        if (depth >= max_depth)
                                return -1;
                        stack[depth++] = (unsigned char)ch;
                        p->i++;
                        j_ws(p);
                        if (p->i < p->n && p->s[p->i] == (ch == '[' ? ']' : '}')) {
                                p->i++;
                                depth--;
                                goto after_value;
                        }
                        if (ch == '{') {
                                if (p->i >= p->n || p->s[p->i] != '"' || j_string(p, NULL) < 0)
                                        return -1;
                                j_ws(p);
                                if (p->i >= p->n || p->s[p->i] != ':')
                                        return -1;
                                p->i++;
                        }
                        continue;
                }
                if (ch == '"') {
                        if (j_string(p, NULL) < 0)
                                return -1;
                } else if (ch == '-' || (ch >= '0' && ch <= '9')) {
                        if (j_number(p) < 0)
                                return -1;
                } else if (j_lit(p, "true") < 0 && j_lit(p, "false") < 0 && j_lit(p, "null") < 0) {
                        return -1;
                }
        after_value:
                for (;;) {
                        if (depth == 0)
                                return 0;
                        j_ws(p);
                        if (p->i >= p->n)
                                return -1;
                        ch = p->s[p->i];
                        if (ch == ',') {
                                p->i++;
                                if (stack[depth - 1] == '{') {
                                        j_ws(p);
                                        if (p->i >= p->n || p->s[p->i] != '"' ||
                                            j_string(p, NULL) < 0)
                                                return -1;
                                        j_ws(p);
                                        if (p->i >= p->n || p->s[p->i] != ':')
                                                return -1;
                                        p->i++;
                                }
                                break; /* parse next value */
                        }
                        if ((ch == ']' && stack[depth - 1] == '[') ||
                            (ch == '}' && stack[depth - 1] == '{')) {
                                p->i++;
                                depth--;
                                continue;
                        }
                        return -1;
                }
        }
}

int hull_df_parse_json_array(struct hull_arena *a, const char *text, size_t len,
                             struct hull_df_str **ret_items, size_t *ret_n, size_t **ret_offs) {
        struct jp p;
        size_t lead = hull_utf8_space_prefix(text, len);
        struct hull_df_str *items = NULL;
        size_t *offs = NULL, n = 0, cap = 0, capo = 0, no = 0;
        _cleanup_(hull_buf_releasep) struct hull_buf w = HULL_BUF_INIT(HULL_MAX_DF_LINE_BYTES * 4);

        if (lead >= len || text[lead] != '[')
                return 0;
        p = (struct jp){text + lead, len - lead, 0};
        if (j_value(&p) < 0)
                return 0;
        j_ws(&p);
        if (p.i != p.n)
                return 0;
        /* valid JSON array: decode the elements (all must be strings) */
        p.i = 1;
        for (;;) {
                j_ws(&p);
                if (p.s[p.i] == ']')
                        break;
                if (p.s[p.i] == ',') {
                        p.i++;
                        continue;
                }
                if (p.s[p.i] != '"')
                        return -HULL_EPARSE;
                size_t at = p.i;
                hull_buf_reset(&w);
                if (j_string(&p, &w) < 0)
                        return -HULL_ENOMEM; /* validated above: only allocation can fail */
                struct hull_df_str *it = hull_arena_push(a, (void **)&items, &n, &cap, sizeof(*it));
                size_t *o = hull_arena_push(a, (void **)&offs, &no, &capo, sizeof(*o));
                if (!it || !o)
                        return -HULL_ENOMEM;
                it->s = hull_arena_strndup(a, w.data ? w.data : "", w.len);
                if (!it->s)
                        return -HULL_ENOMEM;
                it->len = w.len;
                *o = lead + at;
        }
        *ret_items = items;
        *ret_n = n;
        if (ret_offs)
                *ret_offs = offs;
        return 1;
}

/* ---- one instruction ------------------------------------------------------ */

static const struct {
        const char *name;
        enum hull_df_kind kind;
} kinds[] = {
        {"add", HULL_DF_ADD},
        {"arg", HULL_DF_ARG},
        {"cmd", HULL_DF_CMD},
        {"copy", HULL_DF_COPY},
        {"entrypoint", HULL_DF_ENTRYPOINT},
        {"env", HULL_DF_ENV},
        {"expose", HULL_DF_EXPOSE},
        {"from", HULL_DF_FROM},
        {"healthcheck", HULL_DF_HEALTHCHECK},
        {"label", HULL_DF_LABEL},
        {"maintainer", HULL_DF_MAINTAINER},
        {"onbuild", HULL_DF_ONBUILD},
        {"run", HULL_DF_RUN},
        {"shell", HULL_DF_SHELL},
        {"stopsignal", HULL_DF_STOPSIGNAL},
        {"user", HULL_DF_USER},
        {"volume", HULL_DF_VOLUME},
        {"workdir", HULL_DF_WORKDIR},
};

struct hull_pos hull_df_node_pos(const struct hull_df_node *node, size_t off) {
        size_t lo = 0, hi = node->nsegs;

        if (node->nsegs == 0)
                return node->cmd.pos;
        while (hi - lo > 1) {
                size_t mid = (lo + hi) / 2;
                if (node->segs[mid].off <= off)
                        lo = mid;
                else
                        hi = mid;
        }
        return (struct hull_pos){node->segs[lo].line,
                                 node->segs[lo].col + (unsigned)(off - node->segs[lo].off)};
}

const char *hull_df_kind_name(enum hull_df_kind k) {
        for (size_t i = 0; i < ELEMENTSOF(kinds); i++)
                if (kinds[i].kind == k)
                        return kinds[i].name;
        return NULL;
}

static enum hull_df_kind kind_of(const char *lower) {
        for (size_t i = 0; i < ELEMENTSOF(kinds); i++)
                if (strcmp(kinds[i].name, lower) == 0)
                        return kinds[i].kind;
        return HULL_DF_UNKNOWN;
}

/* Split s[0..n) on runs of ASCII blanks (Go regexp [\t\v\f\r ]+ Split). */
static int split_blanks(struct ctx *c, const char *s, size_t n, size_t base, struct strvec *out) {
        size_t i = 0, st = 0;
        int r;

        if (n == 0)
                return HULL_OK;
        for (;;) {
                if (i == n || is_ascii_blank((unsigned char)s[i])) {
                        if ((r = sv_add(c, out, s + st, i - st, base + st)))
                                return r;
                        if (i == n)
                                return HULL_OK;
                        while (i < n && is_ascii_blank((unsigned char)s[i]))
                                i++;
                        st = i;
                        continue;
                }
                i++;
        }
}

/* JSON form or not: returns 1 (values filled), 0 (not JSON), <0 error. */
static int maybe_json(struct ctx *c, const char *s, size_t n, size_t base, struct strvec *out,
                      unsigned line) {
        struct hull_df_str *items;
        size_t nitems, *offs;
        int r = hull_df_parse_json_array(c->a, s, n, &items, &nitems, &offs);

        if (r == -HULL_EPARSE)
                return -perr(c, line, pos_at(c, base).col, HULL_EPARSE,
                             "dockerfile uses a JSON array with a non-string element");
        if (r < 0)
                return r;
        if (r == 0)
                return 0;
        for (size_t i = 0; i < nitems; i++) {
                struct hull_df_str *p =
                        hull_arena_push(c->a, (void **)&out->v, &out->n, &out->cap, sizeof(*p));
                if (!p)
                        return -HULL_ENOMEM;
                *p = items[i];
                p->pos = pos_at(c, base + offs[i]);
        }
        return 1;
}

static int parse_node(struct ctx *c, const char *line, size_t n, size_t base, unsigned start_line,
                      struct hull_df_node *node);

static int node_values(struct ctx *c, struct hull_df_node *node, const char *s, size_t n,
                       size_t base, unsigned line, struct strvec *vals) {
        int r;

        switch (node->kind) {
        case HULL_DF_RUN:
        case HULL_DF_CMD:
        case HULL_DF_ENTRYPOINT:
        case HULL_DF_SHELL:
                if (n == 0)
                        return HULL_OK;
                r = maybe_json(c, s, n, base, vals, line);
                if (r < 0)
                        return -r;
                if (r == 1) {
                        node->json = true;
                        return HULL_OK;
                }
                return sv_add(c, vals, s, n, base);
        case HULL_DF_ADD:
        case HULL_DF_COPY:
        case HULL_DF_VOLUME:
                r = maybe_json(c, s, n, base, vals, line);
                if (r < 0)
                        return -r;
                if (r == 1) {
                        node->json = true;
                        return HULL_OK;
                }
                return split_blanks(c, s, n, base, vals);
        case HULL_DF_FROM:
        case HULL_DF_EXPOSE: return split_blanks(c, s, n, base, vals);
        case HULL_DF_USER:
        case HULL_DF_WORKDIR:
        case HULL_DF_MAINTAINER:
        case HULL_DF_STOPSIGNAL:
                if (n == 0)
                        return HULL_OK;
                return sv_add(c, vals, s, n, base);
        case HULL_DF_ARG: return parse_words(c, s, n, base, vals);
        case HULL_DF_ENV:
        case HULL_DF_LABEL: {
                struct strvec words = {0};
                const char *what = node->kind == HULL_DF_ENV ? "ENV" : "LABEL";

                if ((r = parse_words(c, s, n, base, &words)))
                        return r;
                if (words.n == 0)
                        return HULL_OK;
                if (!memchr(words.v[0].s, '=', words.v[0].len)) {
                        size_t i = 0, j;
                        while (i < n && !is_ascii_blank((unsigned char)s[i]))
                                i++;
                        if (i == n)
                                return perr(c, line, pos_at(c, base).col, HULL_EPARSE,
                                            "%s must have two arguments", what);
                        j = i;
                        while (j < n && is_ascii_blank((unsigned char)s[j]))
                                j++;
                        node->legacy_kv = true;
                        if ((r = sv_add(c, vals, s, i, base)) ||
                            (r = sv_add(c, vals, s + j, n - j, base + j)) ||
                            (r = sv_add(c, vals, "", 0, base + n)))
                                return r;
                        return HULL_OK;
                }
                for (size_t k = 0; k < words.n; k++) {
                        const struct hull_df_str *wd = &words.v[k];
                        const char *eq = memchr(wd->s, '=', wd->len);
                        if (!eq) {
                                char q[300];
                                struct hull_buf b;
                                hull_buf_init(&b, 250);
                                (void)hull_go_quote(&b, wd->s, wd->len > 200 ? 200 : wd->len);
                                snprintf(q, sizeof(q), "%s", b.data ? b.data : "");
                                hull_buf_release(&b);
                                return perr(c, line, wd->pos.col, HULL_EPARSE,
                                            "Syntax error - can't find = in %s. Must be of the "
                                            "form: name=value",
                                            q);
                        }
                        size_t kl = (size_t)(eq - wd->s);
                        struct hull_df_str *p;
                        for (int t = 0; t < 3; t++) {
                                p = hull_arena_push(c->a, (void **)&vals->v, &vals->n, &vals->cap,
                                                    sizeof(*p));
                                if (!p)
                                        return HULL_ENOMEM;
                                if (t == 0) {
                                        p->s = hull_arena_strndup(c->a, wd->s, kl);
                                        p->len = kl;
                                        p->pos = wd->pos;
                                } else if (t == 1) {
                                        p->s = eq + 1;
                                        p->len = wd->len - kl - 1;
                                        p->pos = wd->pos;
                                        p->pos.col += (unsigned)kl + 1;
                                } else {
                                        p->s = "=";
                                        p->len = 1;
                                        p->pos = wd->pos;
                                        p->pos.col += (unsigned)kl;
                                }
                                if (!p->s)
                                        return HULL_ENOMEM;
                        }
                }
                return HULL_OK;
        }
        case HULL_DF_HEALTHCHECK: {
                size_t sep = 0, next;
                while (sep < n && !byte_is_space((unsigned char)s[sep]))
                        sep++;
                next = sep;
                while (next < n && byte_is_space((unsigned char)s[next]))
                        next++;
                if (sep == 0)
                        return HULL_OK;
                if ((r = sv_add(c, vals, s, sep, base)))
                        return r;
                if (next == n)
                        return HULL_OK;
                r = maybe_json(c, s + next, n - next, base + next, vals, line);
                if (r < 0)
                        return -r;
                if (r == 1) {
                        node->json = true;
                        return HULL_OK;
                }
                return sv_add(c, vals, s + next, n - next, base + next);
        }
        case HULL_DF_ONBUILD:
                if (n == 0)
                        return HULL_OK;
                node->inner = hull_arena_alloc0(c->a, sizeof(*node->inner));
                if (!node->inner)
                        return HULL_ENOMEM;
                return parse_node(c, s, n, base, line, node->inner);
        case HULL_DF_UNKNOWN:
        case _HULL_DF_KIND_MAX: return sv_add(c, vals, "", 0, base);
        }
        return HULL_OK;
}

/* Section 5: turn one logical line (or ONBUILD's rest) into a node.  base is
 * the offset of line[0] in the logical buffer. */
static int parse_node(struct ctx *c, const char *line, size_t n, size_t base, unsigned start_line,
                      struct hull_df_node *node) {
        size_t lead = hull_utf8_space_prefix(line, n), end, cw, rest, args = 0, as, ae;
        struct strvec flags = {0}, vals = {0};
        char *lower;
        int r;

        end = lead + hull_utf8_trim_right(line + lead, n - lead);
        cw = lead;
        while (cw < end && !is_ascii_blank((unsigned char)line[cw]))
                cw++;
        if ((r = mkstr(c, &node->cmd, line + lead, cw - lead, base + lead)))
                return r;
        lower = hull_arena_strndup(c->a, line + lead, cw - lead);
        if (!lower)
                return HULL_ENOMEM;
        for (char *p = lower; *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                        *p = (char)(*p + 32);
        node->cmd_lower = lower;
        node->kind = kind_of(lower);
        rest = cw;
        while (rest < end && is_ascii_blank((unsigned char)line[rest]))
                rest++;
        if (rest < end) {
                if ((r = extract_flags(c, line + rest, end - rest, base + rest, &flags, &args)))
                        return r;
                as = rest + args;
        } else {
                as = end;
        }
        /* trim the arguments */
        as += hull_utf8_space_prefix(line + as, end - as);
        ae = as + hull_utf8_trim_right(line + as, end - as);
        if ((r = mkstr(c, &node->args, line + as, ae - as, base + as)))
                return r;
        node->args_off = base + as;
        node->flags = flags.v;
        node->nflags = flags.n;
        if ((r = node_values(c, node, line + as, ae - as, base + as, start_line, &vals)))
                return r;
        node->values = vals.v;
        node->nvalues = vals.n;
        return HULL_OK;
}

/* ---- heredocs ------------------------------------------------------------- */

/* Shell-ish word split for heredoc detection (section 7): quotes kept, \x
 * kept, "<<" followed by blanks sticks to the next word.  Returns false when
 * splitting fails (unterminated quote). */
static bool heredoc_words(struct ctx *c, const char *s, size_t n, struct strvec *out) {
        size_t i = 0;

        for (;;) {
                size_t st;
                while (i < n && (is_ascii_blank((unsigned char)s[i]) || s[i] == '\n'))
                        i++;
                if (i >= n)
                        return true;
                st = i;
                while (i < n && !is_ascii_blank((unsigned char)s[i]) && s[i] != '\n') {
                        char ch = s[i];
                        if (ch == '\\') {
                                i += (i + 1 < n) ? 2 : 1;
                                continue;
                        }
                        if (ch == '\'' || ch == '"') {
                                i++;
                                while (i < n && s[i] != ch) {
                                        if (ch == '"' && s[i] == '\\' && i + 1 < n)
                                                i++;
                                        i++;
                                }
                                if (i >= n)
                                        return false;
                                i++;
                                continue;
                        }
                        i++;
                        /* "<<" or "<<-" then blanks: glue the next word */
                        if (i >= 2 && s[i - 1] == '<' && s[i - 2] == '<' && i < n &&
                            is_ascii_blank((unsigned char)s[i])) {
                                while (i < n && is_ascii_blank((unsigned char)s[i]))
                                        i++;
                        } else if (i >= 3 && s[i - 1] == '-' && s[i - 2] == '<' &&
                                   s[i - 3] == '<' && i < n &&
                                   is_ascii_blank((unsigned char)s[i])) {
                                while (i < n && is_ascii_blank((unsigned char)s[i]))
                                        i++;
                        }
                }
                if (sv_add(c, out, s + st, i - st, 0))
                        return false;
        }
}

/* Remove quotes and escapes from a heredoc name; false if it is not one word. */
static bool heredoc_name(const char *s, size_t n, struct hull_buf *w, bool *quoted) {
        size_t i = 0;
        bool any = false;

        *quoted = false;
        while (i < n && is_ascii_blank((unsigned char)s[i]))
                i++;
        while (i < n) {
                char ch = s[i];
                if (is_ascii_blank((unsigned char)ch) || ch == '\n') {
                        while (i < n && (is_ascii_blank((unsigned char)s[i]) || s[i] == '\n'))
                                i++;
                        return i == n && any;
                }
                if (ch == '\\' && i + 1 < n) {
                        *quoted = true;
                        if (hull_buf_putc(w, s[i + 1]))
                                return false;
                        i += 2;
                        any = true;
                        continue;
                }
                if (ch == '\'' || ch == '"') {
                        *quoted = true;
                        any = true;
                        i++;
                        while (i < n && s[i] != ch) {
                                if (ch == '"' && s[i] == '\\' && i + 1 < n)
                                        i++;
                                if (hull_buf_putc(w, s[i]))
                                        return false;
                                i++;
                        }
                        if (i >= n)
                                return false;
                        i++;
                        continue;
                }
                if (hull_buf_putc(w, ch))
                        return false;
                any = true;
                i++;
        }
        return any && w->len > 0;
}

static bool can_heredoc(const struct hull_df_node *node) {
        if (node->kind == HULL_DF_ONBUILD)
                return node->inner && can_heredoc(node->inner);
        return (node->kind == HULL_DF_RUN || node->kind == HULL_DF_COPY ||
                node->kind == HULL_DF_ADD) &&
               !node->json;
}

static int read_heredocs(struct ctx *c, struct hull_df_node *node) {
        const char *lg = c->logical.data;
        size_t ln = c->logical.len;
        struct strvec words = {0};
        struct hull_df_heredoc *docs = NULL;
        size_t ndocs = 0, capdocs = 0;
        int r;

        if (!can_heredoc(node) || !memmem(lg, ln, "<<", 2))
                return HULL_OK;
        if (!heredoc_words(c, lg, ln, &words))
                return HULL_OK;
        for (size_t k = 0; k < words.n; k++) {
                const char *w = words.v[k].s;
                size_t wl = words.v[k].len, i = 0, fd_end;
                int fd = -1;
                bool chomp = false, quoted;
                _cleanup_(hull_buf_releasep) struct hull_buf name = HULL_BUF_INIT(4096);

                while (i < wl && w[i] >= '0' && w[i] <= '9')
                        i++;
                fd_end = i;
                if (wl - i < 2 || w[i] != '<' || w[i + 1] != '<')
                        continue;
                if (fd_end > 0) {
                        fd = 0;
                        for (size_t q = 0; q < fd_end && fd < 100000; q++)
                                fd = fd * 10 + (w[q] - '0');
                }
                i += 2;
                if (i < wl && w[i] == '-') {
                        chomp = true;
                        i++;
                }
                while (i < wl && is_re_space((unsigned char)w[i]))
                        i++;
                if (i == wl || memchr(w + i, '<', wl - i))
                        continue;
                if (!heredoc_name(w + i, wl - i, &name, &quoted))
                        continue;
                if (ndocs >= HULL_MAX_DF_HEREDOCS)
                        return perr(c, node->start_line, node->cmd.pos.col, HULL_ELIMIT,
                                    "too many heredocs on one instruction");
                struct hull_df_heredoc *h =
                        hull_arena_push(c->a, (void **)&docs, &ndocs, &capdocs, sizeof(*h));
                if (!h)
                        return HULL_ENOMEM;
                h->name.s = hull_arena_strndup(c->a, name.data, name.len);
                if (!h->name.s)
                        return HULL_ENOMEM;
                h->name.len = name.len;
                h->name.pos = node->cmd.pos;
                {
                        /* find the marker in the logical line for its position */
                        const char *m = memmem(lg, ln, w, wl);
                        if (m)
                                h->name.pos = pos_at(c, (size_t)(m - lg));
                }
                h->fd = fd;
                h->chomp = chomp;
                h->expand = !quoted;
        }
        /* read the bodies, in order */
        for (size_t k = 0; k < ndocs; k++) {
                struct hull_df_heredoc *h = &docs[k];
                _cleanup_(hull_buf_releasep) struct hull_buf body =
                        HULL_BUF_INIT(HULL_MAX_DOCKERFILE_BYTES);
                struct line l;
                bool done = false;

                h->body_line = c->lineno + 1;
                while ((r = next_line(c, &l)) == 1) {
                        const char *t = l.s;
                        size_t tl = l.len;
                        if (h->chomp)
                                while (tl > 0 && *t == '\t') {
                                        t++;
                                        tl--;
                                }
                        if (tl == h->name.len && memcmp(t, h->name.s, tl) == 0) {
                                done = true;
                                break;
                        }
                        /* body keeps the line as written, newline included (CR kept) */
                        const char *raw = h->chomp ? t : l.s;
                        if ((r = hull_buf_put(&body, raw, l.rawlen - (size_t)(raw - l.s))))
                                return r;
                }
                if (r < 0)
                        return -r;
                if (!done)
                        return perr(c, node->start_line, h->name.pos.col, HULL_EPARSE,
                                    "unterminated heredoc");
                h->body = hull_arena_strndup(c->a, body.data ? body.data : "", body.len);
                if (!h->body)
                        return HULL_ENOMEM;
                h->body_len = body.len;
        }
        node->heredocs = docs;
        node->nheredocs = ndocs;
        if (ndocs)
                node->end_line = c->lineno;
        return HULL_OK;
}

/* ---- the main loop (section 4) -------------------------------------------- */

static int add_warning(struct ctx *c, unsigned line, const char *msg) {
        struct hull_df_warning *w;
        size_t cap = c->df->nwarnings;
        /* warnings are rare: grow exactly */
        w = hull_arena_alloc(c->a, (cap + 1) * sizeof(*w));
        if (!w)
                return HULL_ENOMEM;
        if (cap)
                memcpy(w, c->df->warnings, cap * sizeof(*w));
        w[cap].pos = (struct hull_pos){line, 1};
        w[cap].msg = msg;
        c->df->warnings = w;
        c->df->nwarnings = cap + 1;
        return HULL_OK;
}

static int add_comment(struct ctx *c, const char *t, size_t n, unsigned line, unsigned col,
                       bool cont) {
        struct hull_df_comment *cm = hull_arena_push(
                c->a, (void **)&c->df->comments, &c->df->ncomments, &c->capcomments, sizeof(*cm));
        size_t lead, end;

        if (!cm)
                return HULL_ENOMEM;
        t++; /* the '#' */
        n--;
        lead = hull_utf8_space_prefix(t, n);
        end = lead + hull_utf8_trim_right(t + lead, n - lead);
        cm->text.s = hull_arena_strndup(c->a, t + lead, end - lead);
        if (!cm->text.s)
                return HULL_ENOMEM;
        cm->text.len = end - lead;
        cm->text.pos = (struct hull_pos){line, col + 1 + (unsigned)lead};
        cm->in_continuation = cont;
        return HULL_OK;
}

static int parse_all(struct ctx *c) {
        struct hull_df_node *nodes = NULL;
        size_t nnodes = 0, capnodes = 0;
        struct line l;
        int r;

        while ((r = next_line(c, &l)) == 1) {
                size_t lead = hull_utf8_space_prefix(l.s, l.len);
                const char *t = l.s + lead;
                size_t tl = l.len - lead, keep;
                bool cont;
                unsigned start = l.no;

                if ((r = directive(c, t, tl, l.no, (unsigned)lead + 1)))
                        return r;
                if (tl > 0 && t[0] == '#') {
                        if ((r = add_comment(c, t, tl, l.no, (unsigned)lead + 1, false)))
                                return r;
                        tl = 0;
                }
                keep = continuation(c, t, tl, &cont);
                if (!cont && keep == 0)
                        continue;
                hull_buf_reset(&c->logical);
                c->nsegs = 0;
                if ((r = seg_add(c, l.no, (unsigned)lead + 1)) ||
                    (r = hull_buf_put(&c->logical, t, keep)))
                        return r;
                unsigned end = l.no;
                while (cont) {
                        if ((r = next_line(c, &l)) < 0)
                                return -r;
                        if (r == 0)
                                break;
                        end = l.no;
                        if ((r = directive(c, l.s, l.len, l.no, 1)))
                                return r;
                        if (is_comment_line(l.s, l.len)) {
                                size_t cl = hull_utf8_space_prefix(l.s, l.len);
                                if ((r = add_comment(c, l.s + cl, l.len - cl, l.no,
                                                     (unsigned)cl + 1, true)))
                                        return r;
                                continue;
                        }
                        if (hull_utf8_space_prefix(l.s, l.len) == l.len) {
                                if ((r = add_warning(c, l.no, "empty continuation line")))
                                        return r;
                                continue;
                        }
                        keep = continuation(c, l.s, l.len, &cont);
                        if ((r = seg_add(c, l.no, 1)) || (r = hull_buf_put(&c->logical, l.s, keep)))
                                return r;
                }
                if (nnodes >= HULL_MAX_DF_INSTRUCTIONS)
                        return perr(c, start, 1, HULL_ELIMIT, "too many instructions");
                struct hull_df_node *node =
                        hull_arena_push(c->a, (void **)&nodes, &nnodes, &capnodes, sizeof(*node));
                if (!node)
                        return HULL_ENOMEM;
                node->start_line = start;
                node->end_line = end;
                {
                        struct hull_df_seg *sg = hull_arena_alloc(c->a, c->nsegs * sizeof(*sg));
                        if (!sg)
                                return HULL_ENOMEM;
                        for (size_t k = 0; k < c->nsegs; k++)
                                sg[k] = (struct hull_df_seg){c->segs[k].off, c->segs[k].line,
                                                             c->segs[k].col};
                        node->segs = sg;
                        node->nsegs = c->nsegs;
                }
                if ((r = mkstr(c, &node->original, c->logical.data ? c->logical.data : "",
                               c->logical.len, 0)))
                        return r;
                if ((r = parse_node(c, c->logical.data ? c->logical.data : "", c->logical.len, 0,
                                    start, node)))
                        return r;
                if (node->inner) {
                        node->inner->segs = node->segs;
                        node->inner->nsegs = node->nsegs;
                }
                if ((r = read_heredocs(c, node)))
                        return r;
        }
        if (r < 0)
                return -r;
        if (nnodes == 0)
                return perr(c, c->lineno ? c->lineno : 1, 1, HULL_EPARSE,
                            "file with no instructions");
        c->df->nodes = nodes;
        c->df->nnodes = nnodes;
        c->df->start_line = nodes[0].start_line;
        c->df->end_line = nodes[nnodes - 1].end_line;
        return HULL_OK;
}

int hull_df_parse(const char *data, size_t len, const char *name, struct hull_dockerfile **ret,
                  struct hull_diag *d) {
        _cleanup_(hull_dockerfile_freep) struct hull_dockerfile *df = NULL;
        struct ctx c;
        int r;

        if (len > HULL_MAX_DOCKERFILE_BYTES)
                return hull_diag_set(d, HULL_ELIMIT, name, 0, 0, "file larger than %u bytes",
                                     HULL_MAX_DOCKERFILE_BYTES);
        df = hull_calloc(1, sizeof(*df));
        if (!df)
                return HULL_ENOMEM;
        hull_arena_init(&df->arena, 0);
        df->escape = '\\';
        df->name = hull_arena_strdup(&df->arena, name ? name : "Dockerfile");
        if (!df->name)
                return HULL_ENOMEM;
        memset(&c, 0, sizeof(c));
        c.df = df;
        c.a = &df->arena;
        c.d = d;
        c.name = df->name;
        c.data = data;
        c.len = len;
        c.escape = '\\';
        hull_buf_init(&c.logical, HULL_MAX_DOCKERFILE_BYTES);
        r = parse_all(&c);
        hull_buf_release(&c.logical);
        if (r == HULL_ENOMEM)
                return hull_diag_set(d, r, name, 0, 0, "out of memory");
        if (r)
                return r;
        *ret = TAKE_PTR(df);
        return HULL_OK;
}

struct hull_dockerfile *hull_dockerfile_free(struct hull_dockerfile *df) {
        if (!df)
                return NULL;
        hull_arena_release(&df->arena);
        hull_free(df);
        return NULL;
}
