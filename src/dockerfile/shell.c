/* shell.c - POSIX-sh splitter for RUN lines (see shell.h).
 *
 * One pass over the input, no token list.  parse_list() reads a command list
 * until the end of its buffer or, for $( ) and <( ), until the ) that closes
 * it.  Compound commands do not recurse: if/while/for/case/{ }/( ) push a
 * frame on one small stack and their closing word pops it, so keywords are
 * skipped and only simple commands come out.  A word that contains $( ),
 * ` ` or <( ) recurses into parse_list() for the inner list, so inner
 * commands are finished (and stored) before the command around them.
 *
 * Scratch memory is three LIFO heap stacks (word text being built, the
 * pieces of the commands being read, finished commands); a command is copied
 * into the arena, at its exact size, when it ends, and the stacks shrink back.
 * A ` ` body is unescaped into its own buffer with a map back to input
 * offsets, then parsed like the top level.
 *
 * Termination: every loop consumes input or changes state; parse_list()
 * also has a stall guard.  Nesting (recursion and frames together) is
 * bounded by HULL_MAX_SHELL_DEPTH, commands by HULL_MAX_SHELL_COMMANDS and
 * memory by HULL_SH_MEM_FACTOR * len.  Look-aheads that can fail (( ( vs
 * (( )) ) stop at the first closing paren, so work stays linear per level. */
#include "dockerfile/shell.h"

#include <stdint.h>
#include <string.h>

#include "basic/alloc.h"
#include "basic/err.h"
#include "basic/limits.h"

/* ---- parser state --------------------------------------------------------- */

enum frame_kind {
        F_PAREN,     /* ( subshell */
        F_BRACE,     /* { group */
        F_IF,        /* if .. fi */
        F_LOOP,      /* while/until/for/select .. done */
        F_CASE_PAT,  /* case: reading patterns */
        F_CASE_BODY, /* case: reading an item's commands */
};

enum item_kind { I_ARG, I_ASSIGN, I_REDIR };

struct item {
        struct hull_sh_word w; /* the word, or the redirection target */
        size_t off;            /* I_REDIR: offset of the fd/operator */
        size_t hd;             /* I_REDIR: index in p->hds, HULL_SH_NONE */
        int fd;                /* I_REDIR */
        unsigned char kind;    /* enum item_kind */
        unsigned char op;      /* I_REDIR: index in redir_ops[] */
};

struct heredoc {
        const char *delim;
        size_t delim_len;
        bool strip; /* <<- */
        bool done;
        const char *body;
        size_t body_len, body_off;
        struct hull_sh_redir *dst; /* the stored redirection, once its command is */
};

/* The buffer being scanned: the input, or the unescaped body of a ` `. */
struct sbuf {
        const char *s;
        size_t len;
        const size_t *map; /* map[i] = input offset of s[i]; NULL = identity */
        size_t hd_first;   /* heredocs started in this buffer have index >= this */
        size_t hd_cursor;  /* next heredoc whose body may be waiting */
};

struct parser {
        struct hull_arena *a;
        struct hull_diag *d;
        struct sbuf b;
        size_t pos;
        char *tb; /* text being built (LIFO) */
        size_t tb_len, tb_cap;
        struct item *items; /* pieces of the commands being read (LIFO) */
        size_t nitems, items_cap;
        struct hull_sh_cmd *cmds; /* finished commands */
        size_t ncmds, cmds_cap;
        struct heredoc *hds;
        size_t nhds, hds_cap;
        unsigned char frames[HULL_MAX_SHELL_DEPTH];
        size_t nframes;
        unsigned nest; /* recursion depth */
        char *tblock;  /* arena block that word texts are packed into */
        size_t tblock_left;
        size_t mem, budget;
        bool incomplete, malformed;
        const char *problem;
        size_t problem_off;
};

/* One command list: the top level, or the inside of $( ), ` `, <( ). */
struct ctx {
        size_t base;    /* p->nframes at entry: frames below are not ours */
        unsigned depth; /* depth of commands at base */
        bool subst;
        bool rparen; /* ends at an unmatched ) */
        size_t last; /* last command stored by this list, HULL_SH_NONE */
        bool last_has_op;
        bool pipe_pending; /* the last operator was | or |& */
        size_t pipe_src;
        bool after_op;       /* after && || | : a command must follow */
        bool negate;         /* ! seen */
        bool after_compound; /* just after fi done esac } ): redirections are its */
};

enum {             /* scan_arith() results */
       T_ARITH_OK, /* (( )) arithmetic, consumed */
       T_ARITH_NO, /* really ( ( ) ): nothing consumed */
};

static const char *const op_names[_HULL_SH_OP_MAX] = {
        [HULL_SH_OP_END] = "end", [HULL_SH_OP_AND] = "&&",     [HULL_SH_OP_OR] = "||",
        [HULL_SH_OP_SEMI] = ";",  [HULL_SH_OP_PIPE] = "|",     [HULL_SH_OP_PIPE_ERR] = "|&",
        [HULL_SH_OP_BG] = "&",    [HULL_SH_OP_NEWLINE] = "nl", [HULL_SH_OP_CASE_END] = ";;",
};

const char *hull_sh_op_name(enum hull_sh_op op) {
        if ((unsigned)op >= _HULL_SH_OP_MAX)
                return NULL;
        return op_names[op];
}

static int parse_list(struct parser *p, bool rparen, unsigned depth, bool subst);

/* ---- errors, problems, memory --------------------------------------------- */

static size_t off_at(const struct parser *p, size_t pos) {
        if (pos > p->b.len)
                pos = p->b.len;
        return p->b.map ? p->b.map[pos] : pos;
}

static int fail(struct parser *p, int code, const char *msg) {
        if (p->d && p->d->code == HULL_OK) {
                hull_diag_set(p->d, code, NULL, 0, 0, "%s", msg);
                p->d->offset = off_at(p, p->pos);
        }
        return code;
}

static void problem(struct parser *p, bool incomplete, size_t pos, const char *msg) {
        if (incomplete)
                p->incomplete = true;
        else
                p->malformed = true;
        if (!p->problem) {
                p->problem = msg;
                p->problem_off = off_at(p, pos);
        }
}

static int charge(struct parser *p, size_t n) {
        if (n > p->budget - p->mem)
                return fail(p, HULL_ELIMIT, "shell model needs too much memory");
        p->mem += n;
        return HULL_OK;
}

static int p_alloc(struct parser *p, size_t n, void **ret) {
        void *m;

        HULL_TRY(charge(p, (n + 15) & ~(size_t)15));
        m = hull_arena_alloc(p->a, n ? n : 1);
        if (!m) {
                if (p->a->max && p->a->used + n > p->a->max)
                        return fail(p, HULL_ELIMIT, "arena budget exhausted");
                return fail(p, HULL_ENOMEM, "out of memory");
        }
        *ret = m;
        return HULL_OK;
}

/* n bytes for word text: packed into shared arena blocks, unaligned. */
static int text_alloc(struct parser *p, size_t n, char **ret) {
        if (n > p->tblock_left) {
                /* blocks of 4 KiB, but no bigger than a short script needs
                 * (word texts of a script hold at most twice its length) */
                size_t want = p->b.len < 2048 ? 2 * p->b.len + 64 : 4096;
                size_t sz = n > want ? n : want;
                HULL_TRY(p_alloc(p, sz, (void **)&p->tblock));
                p->tblock_left = sz;
        }
        *ret = p->tblock;
        p->tblock += n;
        p->tblock_left -= n;
        return HULL_OK;
}

/* Grow a heap vector to hold one more element. */
static int grow(struct parser *p, void **v, size_t n, size_t *cap, size_t elem) {
        size_t ncap;
        void *m;

        if (n < *cap)
                return HULL_OK;
        ncap = *cap ? *cap + *cap / 2 : 16; /* 1.5x: the slack counts against the budget */
        if (ncap > SIZE_MAX / elem / 2)
                return fail(p, HULL_ELIMIT, "shell model needs too much memory");
        HULL_TRY(charge(p, (ncap - *cap) * elem));
        m = hull_realloc(*v, ncap * elem);
        if (!m)
                return fail(p, HULL_ENOMEM, "out of memory");
        *v = m;
        *cap = ncap;
        return HULL_OK;
}

static int enter(struct parser *p) {
        if (p->nest + p->nframes >= HULL_MAX_SHELL_DEPTH)
                return fail(p, HULL_ELIMIT, "shell nesting too deep");
        p->nest++;
        return HULL_OK;
}

static void leave(struct parser *p) {
        p->nest--;
}

/* ---- text buffer ---------------------------------------------------------- */

static int tb_put(struct parser *p, const char *s, size_t n) {
        if (n > SIZE_MAX / 4 - p->tb_len)
                return fail(p, HULL_ELIMIT, "shell word too long");
        while (p->tb_len + n > p->tb_cap) {
                size_t ncap = p->tb_cap ? p->tb_cap * 2 : 256;
                char *m;
                HULL_TRY(charge(p, ncap - p->tb_cap));
                m = hull_realloc(p->tb, ncap);
                if (!m)
                        return fail(p, HULL_ENOMEM, "out of memory");
                p->tb = m;
                p->tb_cap = ncap;
        }
        if (n)
                memcpy(p->tb + p->tb_len, s, n);
        p->tb_len += n;
        return HULL_OK;
}

static int tb_putc(struct parser *p, char c) {
        return tb_put(p, &c, 1);
}

/* ---- character classes ---------------------------------------------------- */

static bool at_eof(const struct parser *p) {
        return p->pos >= p->b.len;
}

static int ch(const struct parser *p, size_t k) {
        return p->pos + k < p->b.len ? (unsigned char)p->b.s[p->pos + k] : -1;
}

/* A newline at pos+k: "\n" or "\r\n"; returns its length or 0. */
static size_t newline_at(const struct parser *p, size_t k) {
        int c = ch(p, k);
        if (c == '\n')
                return 1;
        if (c == '\r' && ch(p, k + 1) == '\n')
                return 2;
        return 0;
}

/* Backslash-newline at pos+k: returns its length or 0. */
static size_t continuation_at(const struct parser *p, size_t k) {
        if (ch(p, k) != '\\')
                return 0;
        size_t n = newline_at(p, k + 1);
        return n ? n + 1 : 0;
}

static bool is_meta(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' ||
               c == ')' || c == '<' || c == '>';
}

/* Does a word end at pos+k? */
static bool word_ends_at(const struct parser *p, size_t k) {
        int c = ch(p, k);
        return c < 0 || is_meta(c) || newline_at(p, k) || continuation_at(p, k);
}

static bool is_name_start(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(int c) {
        return is_name_start(c) || (c >= '0' && c <= '9');
}

static bool is_digit(int c) {
        return c >= '0' && c <= '9';
}

static void skip_blanks(struct parser *p) {
        for (;;) {
                int c = ch(p, 0);
                size_t n;
                if (c == ' ' || c == '\t')
                        p->pos++;
                else if ((n = continuation_at(p, 0)))
                        p->pos += n;
                else
                        return;
        }
}

static void skip_comment(struct parser *p) {
        const char *nl = memchr(p->b.s + p->pos, '\n', p->b.len - p->pos);
        p->pos = nl ? (size_t)(nl - p->b.s) : p->b.len;
        if (p->pos > 0 && p->b.s[p->pos - 1] == '\r' && nl)
                p->pos--;
}

/* ---- frames --------------------------------------------------------------- */

static int push_frame(struct parser *p, enum frame_kind k) {
        if (p->nest + p->nframes >= HULL_MAX_SHELL_DEPTH)
                return fail(p, HULL_ELIMIT, "shell nesting too deep");
        p->frames[p->nframes++] = (unsigned char)k;
        return HULL_OK;
}

static int top_frame(const struct parser *p, const struct ctx *cx) {
        return p->nframes > cx->base ? p->frames[p->nframes - 1] : -1;
}

/* Pop down to and including the innermost frame of kind k (or k2).  Returns
 * false when there is none above the list's base. */
static bool pop_frame(struct parser *p, const struct ctx *cx, int k, int k2, size_t pos) {
        size_t i = p->nframes;

        while (i > cx->base) {
                i--;
                if (p->frames[i] == k || p->frames[i] == k2) {
                        if (i + 1 != p->nframes)
                                problem(p, false, pos, "unclosed compound command");
                        p->nframes = i;
                        return true;
                }
        }
        return false;
}

static unsigned cur_depth(const struct parser *p, const struct ctx *cx) {
        unsigned d = cx->depth;
        for (size_t i = cx->base; i < p->nframes; i++)
                if (p->frames[i] == F_PAREN || p->frames[i] == F_BRACE)
                        d++;
        return d;
}

/* ---- words ---------------------------------------------------------------- */

struct wstate {
        bool quoted, expansion;
};

static int scan_dollar(struct parser *p, const struct ctx *cx, struct wstate *ws, bool in_dq);
static int scan_backquote(struct parser *p, const struct ctx *cx, struct wstate *ws, bool in_dq);

/* Append raw input [start, pos) to the text. */
static int put_raw(struct parser *p, size_t start) {
        return tb_put(p, p->b.s + start, p->pos - start);
}

/* "...": pos is on the opening quote. */
static int scan_dq(struct parser *p, const struct ctx *cx, struct wstate *ws) {
        size_t start = p->pos;
        int r = HULL_OK;

        HULL_TRY(enter(p));
        ws->quoted = true;
        p->pos++;
        for (;;) {
                int c = ch(p, 0);
                size_t n;
                if (c < 0) {
                        problem(p, true, start, "unterminated double quote");
                        break;
                }
                if (c == '"') {
                        p->pos++;
                        break;
                }
                if (c == '\\') {
                        int c1 = ch(p, 1);
                        if ((n = continuation_at(p, 0))) {
                                p->pos += n;
                        } else if (c1 == '$' || c1 == '`' || c1 == '"' || c1 == '\\') {
                                r = tb_putc(p, (char)c1);
                                p->pos += 2;
                        } else {
                                r = tb_putc(p, '\\');
                                p->pos++;
                        }
                } else if (c == '$') {
                        r = scan_dollar(p, cx, ws, true);
                } else if (c == '`') {
                        r = scan_backquote(p, cx, ws, true);
                } else {
                        r = tb_putc(p, (char)c);
                        p->pos++;
                }
                if (r)
                        break;
        }
        leave(p);
        return r;
}

/* Arithmetic (( )) starting with the first ( at pos+k.  On T_ARITH_OK pos is
 * past the closing )).  T_ARITH_NO when the parens close as ( ( ) ) instead,
 * found at the first point the inner level closes. */
static int scan_arith(struct parser *p, size_t k, int *ret) {
        size_t i = p->pos + k + 2, start = p->pos;
        unsigned long level = 2;
        const char *s = p->b.s;

        while (i < p->b.len) {
                char c = s[i];
                if (c == '\\') {
                        i += 2;
                        continue;
                }
                if (c == '\'' || c == '"') {
                        size_t j = i + 1;
                        while (j < p->b.len && s[j] != c) {
                                if (c == '"' && s[j] == '\\')
                                        j++;
                                j++;
                        }
                        i = j + 1;
                        continue;
                }
                if (c == '(')
                        level++;
                else if (c == ')') {
                        level--;
                        if (level == 1) {
                                if (i + 1 < p->b.len && s[i + 1] == ')') {
                                        p->pos = i + 2;
                                        *ret = T_ARITH_OK;
                                        return HULL_OK;
                                }
                                *ret = T_ARITH_NO;
                                return HULL_OK;
                        }
                }
                i++;
        }
        problem(p, true, start, "unterminated arithmetic expansion");
        p->pos = p->b.len;
        *ret = T_ARITH_OK;
        return HULL_OK;
}

/* $( ... ) or <( ... ): pos is on the opening (. */
static int scan_cmdsubst(struct parser *p, const struct ctx *cx) {
        int r;

        HULL_TRY(enter(p));
        p->pos++;
        r = parse_list(p, true, cur_depth(p, cx) + 1, true);
        leave(p);
        return r;
}

/* ${ ... }: pos is on $. */
static int scan_param(struct parser *p, const struct ctx *cx, struct wstate *ws, bool in_dq) {
        size_t start = p->pos, tsave = p->tb_len;
        int r = HULL_OK;

        HULL_TRY(enter(p));
        p->pos += 2;
        for (;;) {
                int c = ch(p, 0);
                if (c < 0) {
                        problem(p, true, start, "unterminated ${");
                        break;
                }
                if (c == '}') {
                        p->pos++;
                        break;
                }
                if (c == '\\') {
                        p->pos += ch(p, 1) < 0 ? 1 : 2;
                } else if (c == '\'' && !in_dq) {
                        const char *q = memchr(p->b.s + p->pos + 1, '\'', p->b.len - p->pos - 1);
                        if (!q) {
                                problem(p, true, p->pos, "unterminated single quote");
                                p->pos = p->b.len;
                        } else {
                                p->pos = (size_t)(q - p->b.s) + 1;
                        }
                } else if (c == '"') {
                        r = scan_dq(p, cx, ws);
                } else if (c == '$') {
                        r = scan_dollar(p, cx, ws, true);
                } else if (c == '`') {
                        r = scan_backquote(p, cx, ws, true);
                } else {
                        p->pos++;
                }
                if (r)
                        break;
        }
        leave(p);
        if (r)
                return r;
        p->tb_len = tsave;
        ws->expansion = true;
        return put_raw(p, start);
}

/* $'...' (bash): pos is on $. */
static int scan_ansi_c(struct parser *p, struct wstate *ws) {
        size_t start = p->pos;

        ws->quoted = true;
        p->pos += 2;
        for (;;) {
                int c = ch(p, 0);
                if (c < 0) {
                        problem(p, true, start, "unterminated $'");
                        return HULL_OK;
                }
                p->pos++;
                if (c == '\'')
                        return HULL_OK;
                if (c == '\\' && ch(p, 0) >= 0) {
                        int e = ch(p, 0);
                        p->pos++;
                        switch (e) {
                        case 'n': c = '\n'; break;
                        case 't': c = '\t'; break;
                        case 'r': c = '\r'; break;
                        case '\\':
                        case '\'':
                        case '"':
                        case '?': c = e; break;
                        default:
                                HULL_TRY(tb_putc(p, '\\'));
                                c = e;
                                break;
                        }
                }
                HULL_TRY(tb_putc(p, (char)c));
        }
}

/* pos is on $. */
static int scan_dollar(struct parser *p, const struct ctx *cx, struct wstate *ws, bool in_dq) {
        size_t start = p->pos;
        int c1 = ch(p, 1), r, res;

        if (c1 == '(') {
                if (ch(p, 2) == '(') {
                        HULL_TRY(scan_arith(p, 1, &res));
                        if (res == T_ARITH_OK) {
                                ws->expansion = true;
                                return put_raw(p, start);
                        }
                }
                p->pos++;
                r = scan_cmdsubst(p, cx);
                if (r)
                        return r;
                ws->expansion = true;
                return put_raw(p, start);
        }
        if (c1 == '{')
                return scan_param(p, cx, ws, in_dq);
        if (c1 == '\'' && !in_dq)
                return scan_ansi_c(p, ws);
        if (c1 == '"' && !in_dq) {
                p->pos++;
                return scan_dq(p, cx, ws);
        }
        if (is_name_start(c1)) {
                p->pos += 2;
                while (is_name_char(ch(p, 0)))
                        p->pos++;
                ws->expansion = true;
                return put_raw(p, start);
        }
        if (is_digit(c1) || (c1 > 0 && strchr("@*#?$!-", c1))) {
                p->pos += 2;
                ws->expansion = true;
                return put_raw(p, start);
        }
        p->pos++;
        return tb_putc(p, '$');
}

/* `...`: pos is on the opening backquote.  The body is unescaped (\\ \` \$,
 * and \" inside "...") into its own buffer and parsed as a list. */
static int scan_backquote(struct parser *p, const struct ctx *cx, struct wstate *ws, bool in_dq) {
        size_t start = p->pos, i = p->pos + 1, end, n = 0, blen;
        const char *s = p->b.s;
        char *body = NULL;
        size_t *map = NULL;
        struct sbuf saved;
        size_t saved_pos;
        int r;

        while (i < p->b.len && s[i] != '`')
                i += (s[i] == '\\' && i + 1 < p->b.len) ? 2 : 1;
        end = i < p->b.len ? i : p->b.len;
        if (i >= p->b.len)
                problem(p, true, start, "unterminated backquote");
        blen = end - start - 1;
        HULL_TRY(enter(p));
        r = p_alloc(p, blen + 1, (void **)&body);
        if (!r && blen + 1 > SIZE_MAX / sizeof(size_t))
                r = fail(p, HULL_ELIMIT, "shell word too long");
        if (!r)
                r = charge(p, (blen + 1) * sizeof(size_t));
        if (!r) {
                map = hull_malloc((blen + 1) * sizeof(size_t));
                if (!map)
                        r = fail(p, HULL_ENOMEM, "out of memory");
        }
        if (r) {
                leave(p);
                return r;
        }
        for (i = start + 1; i < end; i++) {
                if (s[i] == '\\' && i + 1 < end &&
                    (s[i + 1] == '\\' || s[i + 1] == '`' || s[i + 1] == '$' ||
                     (in_dq && s[i + 1] == '"')))
                        i++;
                map[n] = off_at(p, i);
                body[n++] = s[i];
        }
        map[n] = off_at(p, end);
        body[n] = '\0';

        saved = p->b;
        saved_pos = p->pos;
        p->b = (struct sbuf){body, n, map, p->nhds, p->nhds};
        p->pos = 0;
        r = parse_list(p, false, cur_depth(p, cx) + 1, true);
        p->b = saved;
        p->pos = saved_pos;
        hull_free(map);
        p->mem -= (blen + 1) * sizeof(size_t);
        leave(p);
        if (r)
                return r;
        p->pos = end < p->b.len ? end + 1 : end;
        ws->expansion = true;
        return put_raw(p, start);
}

/* NAME=( ... ) (bash array): pos is on (.  Kept verbatim. */
static int scan_array(struct parser *p) {
        size_t start = p->pos;
        unsigned long level = 0;

        while (!at_eof(p)) {
                int c = ch(p, 0);
                if (c == '\\') {
                        p->pos += ch(p, 1) < 0 ? 1 : 2;
                        continue;
                }
                if (c == '\'' || c == '"') {
                        size_t j = p->pos + 1;
                        while (j < p->b.len && p->b.s[j] != c)
                                j += (c == '"' && p->b.s[j] == '\\') ? 2 : 1;
                        p->pos = j < p->b.len ? j + 1 : p->b.len;
                        continue;
                }
                p->pos++;
                if (c == '(')
                        level++;
                else if (c == ')' && --level == 0)
                        return put_raw(p, start);
        }
        problem(p, true, start, "unterminated array assignment");
        return put_raw(p, start);
}

enum {
        W_PREFIX = 1,  /* an assignment may come here */
        W_DISCARD = 2, /* the word is not kept: no text is stored */
};

/* Scan one word at pos (which is not at a word end).  *ret_assign is set
 * when W_PREFIX is given and the word is NAME=value / NAME+=value. */
static int scan_word(struct parser *p, const struct ctx *cx, unsigned flags,
                     struct hull_sh_word *ret, bool *ret_assign) {
        size_t start = p->pos, tbase = p->tb_len, name_len = 0, eq_end = 0;
        struct wstate ws = {false, false};
        int eq = 0; /* 0: reading a name; 1: NAME= seen; -1: not an assignment */
        bool plus = false;
        char *text = NULL;

        for (;;) {
                int c = ch(p, 0);
                size_t n;
                if (c < 0)
                        break;
                if ((c == '<' || c == '>') && ch(p, 1) == '(' && p->pos == start) {
                        size_t s0 = p->pos;
                        p->pos++;
                        HULL_TRY(scan_cmdsubst(p, cx));
                        HULL_TRY(put_raw(p, s0));
                        ws.expansion = true;
                        eq = -1;
                        continue;
                }
                if (c == '(' && eq == 1 && (flags & W_PREFIX) && p->pos == eq_end) {
                        HULL_TRY(scan_array(p));
                        continue;
                }
                if (is_meta(c) || newline_at(p, 0))
                        break;
                if ((n = continuation_at(p, 0))) {
                        p->pos += n;
                        continue;
                }
                switch (c) {
                case '\\':
                        if (ch(p, 1) < 0) {
                                HULL_TRY(tb_putc(p, '\\'));
                                p->pos++;
                        } else {
                                HULL_TRY(tb_putc(p, (char)ch(p, 1)));
                                p->pos += 2;
                                ws.quoted = true;
                        }
                        if (eq == 0)
                                eq = -1;
                        break;
                case '\'': {
                        const char *q = memchr(p->b.s + p->pos + 1, '\'', p->b.len - p->pos - 1);
                        size_t e = q ? (size_t)(q - p->b.s) : p->b.len;
                        if (!q)
                                problem(p, true, p->pos, "unterminated single quote");
                        HULL_TRY(tb_put(p, p->b.s + p->pos + 1, e - p->pos - 1));
                        p->pos = q ? e + 1 : e;
                        ws.quoted = true;
                        if (eq == 0)
                                eq = -1;
                        break;
                }
                case '"':
                        HULL_TRY(scan_dq(p, cx, &ws));
                        if (eq == 0)
                                eq = -1;
                        break;
                case '$':
                        HULL_TRY(scan_dollar(p, cx, &ws, false));
                        if (eq == 0)
                                eq = -1;
                        break;
                case '`':
                        HULL_TRY(scan_backquote(p, cx, &ws, false));
                        if (eq == 0)
                                eq = -1;
                        break;
                default:
                        HULL_TRY(tb_putc(p, (char)c));
                        p->pos++;
                        if (eq != 0)
                                break;
                        if (c == '=' && name_len > 0) {
                                eq = 1;
                                eq_end = p->pos;
                        } else if (c == '+' && name_len > 0 && !plus && ch(p, 0) == '=') {
                                plus = true; /* NAME+= */
                        } else if (!plus && (is_name_start(c) || (name_len > 0 && is_digit(c)))) {
                                name_len++;
                        } else {
                                eq = -1;
                        }
                        break;
                }
        }

        if (!(flags & W_DISCARD)) {
                HULL_TRY(text_alloc(p, p->tb_len - tbase + 1, &text));
                if (p->tb_len > tbase)
                        memcpy(text, p->tb + tbase, p->tb_len - tbase);
                text[p->tb_len - tbase] = '\0';
        }
        *ret = (struct hull_sh_word){
                .text = text,
                .len = p->tb_len - tbase,
                .raw = p->b.s + start,
                .raw_len = p->pos - start,
                .off = off_at(p, start),
                .quoted = ws.quoted,
                .has_expansion = ws.expansion,
        };
        p->tb_len = tbase;
        *ret_assign = (flags & W_PREFIX) && eq == 1;
        return HULL_OK;
}

/* Scan a word and throw it away (its inner commands are still stored). */
static int skip_word(struct parser *p, const struct ctx *cx) {
        struct hull_sh_word w;
        bool assign;
        return scan_word(p, cx, W_DISCARD, &w, &assign);
}

/* ---- commands ------------------------------------------------------------- */

static int push_item(struct parser *p, struct item **ret) {
        HULL_TRY(grow(p, (void **)&p->items, p->nitems, &p->items_cap, sizeof(*p->items)));
        *ret = &p->items[p->nitems++];
        memset(*ret, 0, sizeof(**ret));
        (*ret)->hd = HULL_SH_NONE;
        (*ret)->fd = -1;
        return HULL_OK;
}

struct redir_op {
        const char *s;
        size_t n;
};

/* Longest first. */
static const struct redir_op redir_ops[] = {
        {"&>>", 3}, {"<<<", 3}, {"<<-", 3}, {"&>", 2}, {"<<", 2}, {"<&", 2},
        {"<>", 2},  {">>", 2},  {">&", 2},  {">|", 2}, {"<", 1},  {">", 1},
};

/* Copy items[ibase..] into a stored command. */
static int store_command(struct parser *p, struct ctx *cx, size_t ibase) {
        size_t nargs = 0, nassigns = 0, nredirs = 0, i, ka = 0, ks = 0, kr = 0;
        struct hull_sh_cmd c;

        memset(&c, 0, sizeof(c));
        for (i = ibase; i < p->nitems; i++) {
                if (p->items[i].kind == I_ARG)
                        nargs++;
                else if (p->items[i].kind == I_ASSIGN)
                        nassigns++;
                else
                        nredirs++;
        }
        if (cx->after_compound && nargs == 0 && nassigns == 0) {
                p->nitems = ibase; /* redirections of the compound command */
                return HULL_OK;
        }
        if (p->ncmds >= HULL_MAX_SHELL_COMMANDS)
                return fail(p, HULL_ELIMIT, "too many shell commands");
        if (nargs)
                HULL_TRY(p_alloc(p, nargs * sizeof(*c.argv), (void **)&c.argv));
        if (nassigns)
                HULL_TRY(p_alloc(p, nassigns * sizeof(*c.assigns), (void **)&c.assigns));
        if (nredirs)
                HULL_TRY(p_alloc(p, nredirs * sizeof(*c.redirs), (void **)&c.redirs));
        c.off = SIZE_MAX;
        for (i = ibase; i < p->nitems; i++) {
                const struct item *it = &p->items[i];
                size_t o = it->kind == I_REDIR ? it->off : it->w.off;
                size_t e = it->w.off; /* a missing target: just past the operator */
                if (o < c.off)
                        c.off = o;
                if (it->w.raw_len) {
                        /* end of the word: input offset of its last byte, plus one */
                        size_t last = (size_t)(it->w.raw + it->w.raw_len - 1 - p->b.s);
                        e = off_at(p, last) + 1;
                }
                if (e > c.end)
                        c.end = e;
                if (it->kind == I_ARG) {
                        c.argv[ka++] = it->w;
                } else if (it->kind == I_ASSIGN) {
                        c.assigns[ks++] = it->w;
                } else {
                        struct hull_sh_redir *r = &c.redirs[kr++];
                        *r = (struct hull_sh_redir){
                                .op = redir_ops[it->op].s,
                                .fd = it->fd,
                                .target = it->w,
                                .off = it->off,
                        };
                        if (it->hd != HULL_SH_NONE)
                                p->hds[it->hd].dst = r;
                }
        }
        c.argc = nargs;
        c.nassigns = nassigns;
        c.nredirs = nredirs;
        c.depth = cur_depth(p, cx);
        c.in_subst = cx->subst;
        c.negated = cx->negate;
        c.op_after = HULL_SH_OP_END;
        c.pipe_from = HULL_SH_NONE;
        if (cx->pipe_pending) {
                c.piped_from_prev = true;
                c.pipe_from = cx->pipe_src;
        }
        p->nitems = ibase;
        HULL_TRY(grow(p, (void **)&p->cmds, p->ncmds, &p->cmds_cap, sizeof(*p->cmds)));
        p->cmds[p->ncmds] = c;
        cx->last = p->ncmds++;
        cx->last_has_op = false;
        cx->pipe_pending = false;
        cx->after_op = false;
        cx->negate = false;
        cx->after_compound = false;
        return HULL_OK;
}

/* A redirection at pos (possibly after an IO number of ndigits). */
static int parse_redir(struct parser *p, const struct ctx *cx, size_t ndigits) {
        struct item *it;
        size_t off = p->pos, i;
        int fd = -1;
        bool assign;

        if (ndigits) { /* at most 9 digits: no overflow */
                fd = 0;
                for (i = 0; i < ndigits; i++) {
                        fd = fd * 10 + (ch(p, 0) - '0');
                        p->pos++;
                }
        }
        for (i = 0; i < ELEMENTSOF(redir_ops); i++)
                if (p->b.len - p->pos >= redir_ops[i].n &&
                    memcmp(p->b.s + p->pos, redir_ops[i].s, redir_ops[i].n) == 0)
                        break;
        if (i == ELEMENTSOF(redir_ops)) /* cannot happen: callers check */
                i = ELEMENTSOF(redir_ops) - 1;
        p->pos += redir_ops[i].n;
        skip_blanks(p);

        HULL_TRY(push_item(p, &it));
        it->kind = I_REDIR;
        it->op = (unsigned char)i;
        it->fd = fd;
        it->off = off_at(p, off);
        if (word_ends_at(p, 0) && !((ch(p, 0) == '<' || ch(p, 0) == '>') && ch(p, 1) == '(')) {
                problem(p, at_eof(p), p->pos, "missing redirection target");
                it->w = (struct hull_sh_word){
                        .text = "", .raw = p->b.s + p->pos, .off = off_at(p, p->pos)};
                return HULL_OK;
        }
        {
                size_t idx = (size_t)(it - p->items);
                struct hull_sh_word w;
                HULL_TRY(scan_word(p, cx, 0, &w, &assign));
                it = &p->items[idx]; /* scan_word may have grown items */
                it->w = w;
        }
        if (strcmp(redir_ops[i].s, "<<") == 0 || strcmp(redir_ops[i].s, "<<-") == 0) {
                struct heredoc *h;
                HULL_TRY(grow(p, (void **)&p->hds, p->nhds, &p->hds_cap, sizeof(*p->hds)));
                h = &p->hds[p->nhds];
                memset(h, 0, sizeof(*h));
                h->delim = it->w.text;
                h->delim_len = it->w.len;
                h->strip = redir_ops[i].s[2] == '-';
                it->hd = p->nhds++;
        }
        return HULL_OK;
}

/* Read heredoc bodies waiting in this buffer; pos is at a line start. */
static void read_heredocs(struct parser *p) {
        size_t k;

        for (k = p->b.hd_cursor > p->b.hd_first ? p->b.hd_cursor : p->b.hd_first; k < p->nhds;
             k++) {
                struct heredoc *h = &p->hds[k];
                size_t body = p->pos;
                if (h->done)
                        continue;
                h->done = true;
                for (;;) {
                        const char *ls = p->b.s + p->pos, *nl;
                        size_t ll, cl;
                        if (at_eof(p)) {
                                problem(p, true, body, "unterminated here-document");
                                break;
                        }
                        nl = memchr(ls, '\n', p->b.len - p->pos);
                        ll = nl ? (size_t)(nl - ls) : p->b.len - p->pos;
                        cl = ll;
                        if (cl > 0 && ls[cl - 1] == '\r')
                                cl--;
                        const char *cs = ls;
                        if (h->strip)
                                while (cl > 0 && *cs == '\t')
                                        cs++, cl--;
                        if (cl == h->delim_len && memcmp(cs, h->delim, cl) == 0) {
                                h->body = p->b.s + body;
                                h->body_len = p->pos - body;
                                h->body_off = off_at(p, body);
                                p->pos += ll + (nl ? 1 : 0);
                                goto next;
                        }
                        p->pos += ll + (nl ? 1 : 0);
                }
                h->body = p->b.s + body;
                h->body_len = p->pos - body;
                h->body_off = off_at(p, body);
        next:;
        }
        p->b.hd_cursor = p->nhds;
}

/* A control operator has been read. */
static void on_op(struct parser *p, struct ctx *cx, enum hull_sh_op op) {
        if (cx->last != HULL_SH_NONE && !cx->last_has_op) {
                p->cmds[cx->last].op_after = op;
                cx->last_has_op = true;
        }
        cx->after_compound = false;
        cx->negate = false;
        switch (op) {
        case HULL_SH_OP_PIPE:
        case HULL_SH_OP_PIPE_ERR:
                cx->pipe_pending = true;
                cx->pipe_src = cx->last;
                cx->after_op = true;
                break;
        case HULL_SH_OP_AND:
        case HULL_SH_OP_OR:
                cx->pipe_pending = false;
                cx->after_op = true;
                break;
        default:
                cx->pipe_pending = false;
                cx->after_op = false;
                break;
        }
}

static int on_newline(struct parser *p, struct ctx *cx, size_t n) {
        p->pos += n;
        if (!cx->after_op)
                on_op(p, cx, HULL_SH_OP_NEWLINE);
        read_heredocs(p);
        return HULL_OK;
}

/* Is there a `( )` at pos (function definition)?  Returns its length. */
static size_t funcdef_parens(const struct parser *p) {
        size_t i = p->pos;
        if (ch(p, 0) != '(')
                return 0;
        i++;
        while (i < p->b.len && (p->b.s[i] == ' ' || p->b.s[i] == '\t'))
                i++;
        return i < p->b.len && p->b.s[i] == ')' ? i + 1 - p->pos : 0;
}

/* One simple command at pos. */
static int parse_simple(struct parser *p, struct ctx *cx) {
        size_t ibase = p->nitems;
        bool have_arg = false, dbracket = false;

        for (;;) {
                int c, c1;
                struct item *it;
                size_t n;

                skip_blanks(p);
                c = ch(p, 0);
                c1 = ch(p, 1);
                if (c < 0 || newline_at(p, 0))
                        break;
                if (c == '#') {
                        skip_comment(p);
                        continue;
                }
                if (dbracket && ((c == '&' && c1 == '&') || (c == '|' && c1 == '|') || c == '(' ||
                                 c == ')' || c == '<' || c == '>')) {
                        size_t s0 = p->pos;
                        n = (c == '&' || c == '|') ? 2 : 1;
                        HULL_TRY(push_item(p, &it));
                        char *t;
                        HULL_TRY(text_alloc(p, n + 1, &t));
                        memcpy(t, p->b.s + s0, n);
                        t[n] = '\0';
                        it = &p->items[p->nitems - 1];
                        it->kind = I_ARG;
                        it->w = (struct hull_sh_word){.text = t,
                                                      .len = n,
                                                      .raw = p->b.s + s0,
                                                      .raw_len = n,
                                                      .off = off_at(p, s0)};
                        p->pos += n;
                        continue;
                }
                if (c == '(' && !dbracket) {
                        size_t fl = funcdef_parens(p);
                        if (fl && have_arg && p->nitems == ibase + 1 &&
                            p->items[ibase].kind == I_ARG && !p->items[ibase].w.quoted &&
                            !p->items[ibase].w.has_expansion) {
                                /* name() compound-command: not a command itself */
                                p->pos += fl;
                                p->nitems = ibase;
                                cx->after_op = true;
                                return HULL_OK;
                        }
                        if (p->nitems > ibase)
                                problem(p, false, p->pos, "unexpected (");
                        break;
                }
                if (c == ';' || c == '|' || c == ')' || c == '(')
                        break;
                if (c == '&' && c1 != '>')
                        break;
                if ((c == '<' || c == '>') && c1 == '(') {
                        /* process substitution: a word */
                } else if (c == '<' || c == '>' || c == '&') {
                        HULL_TRY(parse_redir(p, cx, 0));
                        continue;
                } else if (is_digit(c)) {
                        size_t k = 0;
                        while (k < 10 && is_digit(ch(p, k)))
                                k++;
                        if (k < 10 && (ch(p, k) == '<' || ch(p, k) == '>') && ch(p, k + 1) != '(') {
                                HULL_TRY(parse_redir(p, cx, k));
                                continue;
                        }
                }
                {
                        struct hull_sh_word w;
                        bool assign;
                        HULL_TRY(scan_word(p, cx, have_arg ? 0 : W_PREFIX, &w, &assign));
                        HULL_TRY(push_item(p, &it));
                        it->kind = assign ? I_ASSIGN : I_ARG;
                        it->w = w;
                        if (!assign && !have_arg && !w.quoted && hull_sh_word_is(&w, "[["))
                                dbracket = true;
                        else if (dbracket && !w.quoted && hull_sh_word_is(&w, "]]"))
                                dbracket = false;
                        if (!assign)
                                have_arg = true;
                }
        }
        if (dbracket)
                problem(p, at_eof(p), p->pos, "unterminated [[");
        if (p->nitems == ibase)
                return HULL_OK;
        return store_command(p, cx, ibase);
}

/* ---- keywords and compound commands --------------------------------------- */

enum kw {
        KW_NONE,
        KW_IF,
        KW_THEN,
        KW_ELSE,
        KW_ELIF,
        KW_FI,
        KW_DO,
        KW_DONE,
        KW_WHILE,
        KW_UNTIL,
        KW_FOR,
        KW_SELECT,
        KW_CASE,
        KW_ESAC,
        KW_LBRACE,
        KW_RBRACE,
        KW_BANG,
        KW_FUNCTION,
        KW_IN,
};

static const struct {
        const char *s;
        enum kw kw;
} keywords[] = {
        {"if", KW_IF},
        {"then", KW_THEN},
        {"else", KW_ELSE},
        {"elif", KW_ELIF},
        {"fi", KW_FI},
        {"do", KW_DO},
        {"done", KW_DONE},
        {"while", KW_WHILE},
        {"until", KW_UNTIL},
        {"for", KW_FOR},
        {"select", KW_SELECT},
        {"case", KW_CASE},
        {"esac", KW_ESAC},
        {"{", KW_LBRACE},
        {"}", KW_RBRACE},
        {"!", KW_BANG},
        {"function", KW_FUNCTION},
        {"in", KW_IN},
};

/* A reserved word at pos (unquoted, followed by a word end)? */
static enum kw peek_keyword(const struct parser *p, size_t *ret_len) {
        size_t n = 0, i;
        while (n < 9 && !word_ends_at(p, n))
                n++;
        if (n == 0 || n == 9 || !word_ends_at(p, n))
                return KW_NONE;
        for (i = 0; i < ELEMENTSOF(keywords); i++)
                if (strlen(keywords[i].s) == n && memcmp(p->b.s + p->pos, keywords[i].s, n) == 0) {
                        *ret_len = n;
                        return keywords[i].kw;
                }
        return KW_NONE;
}

/* Blanks, newlines (reading heredocs) and comments. */
static void skip_linebreaks(struct parser *p) {
        for (;;) {
                size_t n;
                skip_blanks(p);
                if ((n = newline_at(p, 0))) {
                        p->pos += n;
                        read_heredocs(p);
                } else if (ch(p, 0) == '#') {
                        skip_comment(p);
                } else {
                        return;
                }
        }
}

/* for NAME [in WORDS] ;|newline  (also for ((;;)) and select) */
static int parse_for(struct parser *p, struct ctx *cx) {
        size_t kl;
        int res;

        skip_blanks(p);
        if (ch(p, 0) == '(' && ch(p, 1) == '(') {
                HULL_TRY(scan_arith(p, 0, &res));
                if (res == T_ARITH_NO)
                        problem(p, false, p->pos, "bad for (( ))");
        } else if (!word_ends_at(p, 0)) {
                HULL_TRY(skip_word(p, cx));
        }
        skip_linebreaks(p);
        if (peek_keyword(p, &kl) == KW_IN) {
                p->pos += kl;
                for (;;) {
                        skip_blanks(p);
                        if (ch(p, 0) == '#')
                                skip_comment(p);
                        if (word_ends_at(p, 0))
                                break;
                        HULL_TRY(skip_word(p, cx));
                }
        }
        skip_blanks(p);
        if (ch(p, 0) == ';' && ch(p, 1) != ';')
                p->pos++;
        return push_frame(p, F_LOOP);
}

/* case WORD in */
static int parse_case(struct parser *p, struct ctx *cx) {
        size_t kl;

        skip_blanks(p);
        if (!word_ends_at(p, 0))
                HULL_TRY(skip_word(p, cx));
        else
                problem(p, at_eof(p), p->pos, "case without a word");
        skip_linebreaks(p);
        if (peek_keyword(p, &kl) == KW_IN)
                p->pos += kl;
        else
                problem(p, at_eof(p), p->pos, "case without in");
        return push_frame(p, F_CASE_PAT);
}

/* In F_CASE_PAT: `[(] pattern [| pattern]... )` or esac. */
static int parse_case_pattern(struct parser *p, struct ctx *cx) {
        size_t kl;

        if (peek_keyword(p, &kl) == KW_ESAC) {
                p->pos += kl;
                p->nframes--;
                cx->after_compound = true;
                return HULL_OK;
        }
        if (ch(p, 0) == '(')
                p->pos++;
        for (;;) {
                int c;
                skip_blanks(p);
                c = ch(p, 0);
                if (c < 0) {
                        problem(p, true, p->pos, "unterminated case pattern");
                        return HULL_OK;
                }
                if (c == ')') {
                        p->pos++;
                        break;
                }
                if (c == '|') {
                        p->pos++;
                        continue;
                }
                if (word_ends_at(p, 0)) {
                        problem(p, false, p->pos, "bad case pattern");
                        break;
                }
                HULL_TRY(skip_word(p, cx));
        }
        p->frames[p->nframes - 1] = F_CASE_BODY;
        cx->after_op = false;
        return HULL_OK;
}

static int handle_keyword(struct parser *p, struct ctx *cx, enum kw kw, size_t kl) {
        size_t at = p->pos;

        p->pos += kl;
        switch (kw) {
        case KW_IF: cx->after_compound = false; return push_frame(p, F_IF);
        case KW_WHILE:
        case KW_UNTIL: cx->after_compound = false; return push_frame(p, F_LOOP);
        case KW_FOR:
        case KW_SELECT: cx->after_compound = false; return parse_for(p, cx);
        case KW_CASE: cx->after_compound = false; return parse_case(p, cx);
        case KW_LBRACE: cx->after_compound = false; return push_frame(p, F_BRACE);
        case KW_THEN:
        case KW_ELSE:
        case KW_ELIF:
        case KW_DO:
                cx->after_compound = false;
                cx->after_op = false;
                return HULL_OK;
        case KW_FI:
                if (!pop_frame(p, cx, F_IF, F_IF, at))
                        problem(p, false, at, "fi without if");
                break;
        case KW_DONE:
                if (!pop_frame(p, cx, F_LOOP, F_LOOP, at))
                        problem(p, false, at, "done without do");
                break;
        case KW_ESAC:
                if (!pop_frame(p, cx, F_CASE_BODY, F_CASE_PAT, at))
                        problem(p, false, at, "esac without case");
                break;
        case KW_RBRACE:
                if (!pop_frame(p, cx, F_BRACE, F_BRACE, at))
                        problem(p, false, at, "} without {");
                break;
        case KW_BANG: cx->negate = true; return HULL_OK;
        case KW_FUNCTION:
                skip_blanks(p);
                if (!word_ends_at(p, 0))
                        HULL_TRY(skip_word(p, cx));
                skip_blanks(p);
                p->pos += funcdef_parens(p);
                cx->after_op = true;
                return HULL_OK;
        case KW_IN:
        case KW_NONE: break;
        }
        cx->after_compound = true;
        cx->after_op = false;
        return HULL_OK;
}

/* ---- lists ---------------------------------------------------------------- */

/* A control operator at pos?  Sets *ret_op and returns its length. */
static size_t peek_op(const struct parser *p, enum hull_sh_op *ret_op) {
        int c = ch(p, 0), c1 = ch(p, 1);

        if (c == '&') {
                if (c1 == '>')
                        return 0; /* &> redirection */
                *ret_op = c1 == '&' ? HULL_SH_OP_AND : HULL_SH_OP_BG;
                return c1 == '&' ? 2 : 1;
        }
        if (c == '|') {
                if (c1 == '|') {
                        *ret_op = HULL_SH_OP_OR;
                        return 2;
                }
                *ret_op = c1 == '&' ? HULL_SH_OP_PIPE_ERR : HULL_SH_OP_PIPE;
                return c1 == '&' ? 2 : 1;
        }
        if (c == ';') {
                if (c1 == ';') {
                        *ret_op = HULL_SH_OP_CASE_END;
                        return ch(p, 2) == '&' ? 3 : 2;
                }
                *ret_op = c1 == '&' ? HULL_SH_OP_CASE_END : HULL_SH_OP_SEMI;
                return c1 == '&' ? 2 : 1;
        }
        return 0;
}

static int parse_list(struct parser *p, bool rparen, unsigned depth, bool subst) {
        struct ctx cx = {
                .base = p->nframes,
                .depth = depth,
                .subst = subst,
                .rparen = rparen,
                .last = HULL_SH_NONE,
                .pipe_src = HULL_SH_NONE,
        };
        size_t last_pos = SIZE_MAX, start = p->pos;
        unsigned stall = 0;

        for (;;) {
                enum hull_sh_op op;
                enum kw kw;
                size_t n, kl;
                int c, res;

                if (p->pos == last_pos) {
                        if (++stall > 4) { /* defensive: never loop in place */
                                problem(p, false, p->pos, "unexpected character");
                                p->pos++;
                                stall = 0;
                        }
                } else {
                        last_pos = p->pos;
                        stall = 0;
                }
                skip_blanks(p);
                c = ch(p, 0);
                if (c < 0)
                        break;
                if (c == '#') {
                        skip_comment(p);
                        continue;
                }
                if ((n = newline_at(p, 0))) {
                        HULL_TRY(on_newline(p, &cx, n));
                        continue;
                }
                if (top_frame(p, &cx) == F_CASE_PAT) {
                        HULL_TRY(parse_case_pattern(p, &cx));
                        continue;
                }
                if (c == ')') {
                        if (pop_frame(p, &cx, F_PAREN, F_PAREN, p->pos)) {
                                p->pos++;
                                cx.after_compound = true;
                                cx.after_op = false;
                                continue;
                        }
                        if (rparen) {
                                if (p->nframes > cx.base) {
                                        problem(p, false, p->pos, "unclosed compound command");
                                        p->nframes = cx.base;
                                }
                                if (cx.after_op)
                                        problem(p, false, p->pos, "missing command after operator");
                                p->pos++;
                                return HULL_OK;
                        }
                        problem(p, false, p->pos, "unmatched )");
                        p->pos++;
                        continue;
                }
                if ((n = peek_op(p, &op))) {
                        if (op == HULL_SH_OP_CASE_END) {
                                if (top_frame(p, &cx) == F_CASE_BODY)
                                        p->frames[p->nframes - 1] = F_CASE_PAT;
                                else {
                                        problem(p, false, p->pos, "unexpected ;;");
                                        op = HULL_SH_OP_SEMI;
                                }
                        } else if (cx.after_op && op != HULL_SH_OP_BG) {
                                problem(p, false, p->pos, "missing command before operator");
                        }
                        p->pos += n;
                        on_op(p, &cx, op);
                        continue;
                }
                if (c == '(') {
                        if (ch(p, 1) == '(') {
                                size_t s0 = p->pos;
                                HULL_TRY(scan_arith(p, 0, &res));
                                if (res == T_ARITH_OK) {
                                        cx.after_compound = true;
                                        cx.after_op = false;
                                        continue;
                                }
                                p->pos = s0;
                        }
                        HULL_TRY(push_frame(p, F_PAREN));
                        p->pos++;
                        cx.after_compound = false;
                        continue;
                }
                if ((kw = peek_keyword(p, &kl)) != KW_NONE && kw != KW_IN) {
                        HULL_TRY(handle_keyword(p, &cx, kw, kl));
                        continue;
                }
                HULL_TRY(parse_simple(p, &cx));
        }

        /* end of the buffer */
        if (p->nframes > cx.base) {
                problem(p, !p->b.map, p->pos, "unterminated compound command");
                p->nframes = cx.base;
        }
        if (rparen)
                problem(p, true, start, "unterminated $(");
        else if (cx.after_op)
                problem(p, !p->b.map, p->pos, "missing command after operator");
        return HULL_OK;
}

/* ---- entry point ---------------------------------------------------------- */

static void parser_release(struct parser *p) {
        hull_free(p->tb);
        hull_free(p->items);
        hull_free(p->cmds);
        hull_free(p->hds);
}

int hull_sh_parse(struct hull_arena *a, const char *src, size_t len, struct hull_sh_script *ret,
                  struct hull_diag *d) {
        struct parser p;
        struct hull_sh_cmd *cmds = NULL;
        char *copy;
        size_t k;
        int r;

        memset(&p, 0, sizeof(p));
        p.a = a;
        p.d = d;
        if (len > (SIZE_MAX - HULL_SH_MEM_SLACK) / HULL_SH_MEM_FACTOR)
                return fail(&p, HULL_ELIMIT, "shell script too long");
        p.budget = HULL_SH_MEM_FACTOR * len + HULL_SH_MEM_SLACK;

        r = p_alloc(&p, len + 1, (void **)&copy);
        if (r)
                goto out;
        if (len)
                memcpy(copy, src, len);
        copy[len] = '\0';
        p.b = (struct sbuf){copy, len, NULL, 0, 0};

        r = parse_list(&p, false, 0, false);
        if (r)
                goto out;
        if (p.ncmds) {
                r = p_alloc(&p, p.ncmds * sizeof(*cmds), (void **)&cmds);
                if (r)
                        goto out;
                memcpy(cmds, p.cmds, p.ncmds * sizeof(*cmds));
        }
        for (k = 0; k < p.nhds; k++) {
                struct heredoc *h = &p.hds[k];
                if (h->dst && h->done) {
                        h->dst->body = h->body;
                        h->dst->body_len = h->body_len;
                        h->dst->body_off = h->body_off;
                }
        }
        for (k = 0; k < p.nhds; k++)
                if (!p.hds[k].done) {
                        problem(&p, true, p.b.len, "here-document body missing");
                        break;
                }
        *ret = (struct hull_sh_script){
                .cmds = cmds,
                .ncmds = p.ncmds,
                .src = copy,
                .len = len,
                .incomplete = p.incomplete,
                .malformed = p.malformed,
                .problem = p.problem,
                .problem_off = p.problem_off,
        };
out:
        parser_release(&p);
        return r;
}

/* ---- helpers: wrappers ---------------------------------------------------- */

bool hull_sh_word_is(const struct hull_sh_word *w, const char *s) {
        size_t n = strlen(s);
        return w->len == n && memcmp(w->text, s, n) == 0;
}

static const char *base_name(const char *s, size_t len) {
        const char *slash = NULL;
        for (size_t i = 0; i < len; i++)
                if (s[i] == '/')
                        slash = s + i;
        return slash ? slash + 1 : s;
}

/* Option table: which options take a value.  A table with names == NULL is
 * only used through a wrapper. */
struct opt_table {
        const char *const *names;    /* basenames this table is for */
        struct hull_sh_optspec spec; /* which options take a value */
};

#define STRS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Package managers (value-taking options only; flags need no entry). */
static const struct opt_table tool_tables[] = {
        {STRS("apt-get", "apt", "aptitude", "apt-cache"),
         {"oatc",
          STRS("option", "host-architecture", "target-release", "default-release", "config-file")}},
        {STRS("apk"),
         {"XptQ", STRS("repository", "root", "virtual", "repositories-file", "arch", "cache-dir",
                       "keys-dir", "progress-fd")}},
        {STRS("pip", "pip2", "pip3"),
         {"rceiftC",
          STRS("requirement", "constraint", "editable", "index-url", "extra-index-url",
               "find-links", "target", "prefix", "root", "trusted-host", "platform",
               "python-version", "implementation", "abi", "src", "upgrade-strategy", "progress-bar",
               "cache-dir", "log", "proxy", "retries", "timeout", "exists-action", "cert",
               "client-cert", "only-binary", "no-binary", "config-settings")}},
        {STRS("npm", "pnpm"),
         {"w", STRS("omit", "include", "prefix", "registry", "cache", "loglevel", "workspace",
                    "tag", "userconfig", "globalconfig", "only")}},
        {STRS("yum", "dnf", "microdnf", "tdnf"),
         {"cxdeR", STRS("config", "installroot", "releasever", "enablerepo", "disablerepo", "repo",
                        "repoid", "exclude", "setopt", "debuglevel", "errorlevel", "forcearch",
                        "disableplugin", "enableplugin", "downloaddir", "destdir", "color")}},
        {STRS("zypper"),
         {"cRDCtr", STRS("config", "root", "reposd-dir", "cache-dir", "type", "repo", "from")}},
};

/* Is s (a tool name) like "pip3.11" for base "pip3"?  Version suffixes of
 * digits and dots are accepted. */
static bool name_matches(const char *s, const char *base) {
        size_t n = strlen(base);
        if (strncmp(s, base, n) != 0)
                return false;
        for (s += n; *s; s++)
                if (!is_digit(*s) && *s != '.')
                        return false;
        return true;
}

static const struct opt_table *find_tool(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(tool_tables); i++)
                for (const char *const *n = tool_tables[i].names; *n; n++)
                        if (strcmp(name, *n) == 0 ||
                            (strncmp(*n, "pip", 3) == 0 && name_matches(name, *n)))
                                return &tool_tables[i];
        return NULL;
}

enum wrapper {
        WR_SUDO,
        WR_DOAS,
        WR_ENV,
        WR_COMMAND,
        WR_EXEC,
        WR_NOHUP,
        WR_TIME,
        WR_NICE,
        WR_XARGS,
        WR_EATMYDATA,
};

static const struct {
        const char *name;
        unsigned bit;
        bool assigns; /* NAME=value words follow the options */
        struct opt_table opts;
} wrappers[] = {
        [WR_SUDO] = {"sudo",
                     HULL_SH_WRAP_SUDO,
                     true,
                     {NULL,
                      {"CDghprRtTUu",
                       STRS("close-from", "chdir", "group", "host", "prompt", "chroot", "role",
                            "type", "command-timeout", "other-user", "user")}}},
        [WR_DOAS] = {"doas", HULL_SH_WRAP_SUDO, false, {NULL, {"uC", STRS("user")}}},
        [WR_ENV] = {"env", HULL_SH_WRAP_ENV, true, {NULL, {"uC", STRS("unset", "chdir")}}},
        [WR_COMMAND] = {"command", HULL_SH_WRAP_COMMAND, false, {NULL, {"", NULL}}},
        [WR_EXEC] = {"exec", HULL_SH_WRAP_EXEC, false, {NULL, {"a", NULL}}},
        [WR_NOHUP] = {"nohup", HULL_SH_WRAP_NOHUP, false, {NULL, {"", NULL}}},
        [WR_TIME] = {"time", HULL_SH_WRAP_TIME, false, {NULL, {"fo", STRS("format", "output")}}},
        [WR_NICE] = {"nice", HULL_SH_WRAP_NICE, false, {NULL, {"n", STRS("adjustment")}}},
        [WR_XARGS] = {"xargs",
                      HULL_SH_WRAP_XARGS,
                      false,
                      {NULL,
                       {"adEILnPs", STRS("arg-file", "delimiter", "max-args", "max-procs",
                                         "max-chars", "process-slot-var")}}},
        [WR_EATMYDATA] = {"eatmydata", HULL_SH_WRAP_EATMYDATA, false, {NULL, {"", NULL}}},
};

static bool takes_value_short(const struct hull_sh_optspec *t, char c) {
        return t && c && t->shorts && strchr(t->shorts, c);
}

static bool takes_value_long(const struct hull_sh_optspec *t, const char *name, size_t n) {
        if (!t || !t->longs)
                return false;
        for (const char *const *l = t->longs; *l; l++)
                if (strlen(*l) == n && memcmp(*l, name, n) == 0)
                        return true;
        return false;
}

static bool is_assignment_text(const struct hull_sh_word *w) {
        size_t i = 0;
        if (w->len == 0 || !is_name_start((unsigned char)w->text[0]))
                return false;
        while (i < w->len && is_name_char((unsigned char)w->text[i]))
                i++;
        return i < w->len && w->text[i] == '=';
}

/* Skip a wrapper's options starting at argv[i]; returns the index of the
 * first word after them, or HULL_SH_NONE when the wrapper is a query
 * (`command -v`, `env -S`). */
static size_t skip_wrapper_opts(const struct hull_sh_cmd *cmd, size_t i, enum wrapper wr) {
        const struct hull_sh_optspec *t = &wrappers[wr].opts.spec;

        while (i < cmd->argc) {
                const struct hull_sh_word *w = &cmd->argv[i];
                const char *s = w->text;
                if (w->has_expansion)
                        return i;
                if (w->len == 2 && s[0] == '-' && s[1] == '-')
                        return i + 1;
                if (w->len < 2 || s[0] != '-') {
                        /* env's lone "-" means -i */
                        if (wr == WR_ENV && w->len == 1 && s[0] == '-') {
                                i++;
                                continue;
                        }
                        break;
                }
                if (s[1] == '-') {
                        const char *eq = memchr(s + 2, '=', w->len - 2);
                        size_t nl = eq ? (size_t)(eq - s - 2) : w->len - 2;
                        if (wr == WR_ENV && nl == 12 && memcmp(s + 2, "split-string", 12) == 0)
                                return HULL_SH_NONE;
                        i++;
                        if (!eq && takes_value_long(t, s + 2, nl))
                                i++;
                        continue;
                }
                if (wr == WR_NICE && is_digit((unsigned char)s[1])) { /* nice -10 */
                        i++;
                        continue;
                }
                i++;
                for (size_t k = 1; k < w->len; k++) {
                        if ((wr == WR_COMMAND && (s[k] == 'v' || s[k] == 'V')) ||
                            (wr == WR_ENV && s[k] == 'S'))
                                return HULL_SH_NONE;
                        if (takes_value_short(t, s[k])) {
                                if (k + 1 == w->len)
                                        i++;
                                break;
                        }
                }
        }
        if (wrappers[wr].assigns)
                while (i < cmd->argc && is_assignment_text(&cmd->argv[i]))
                        i++;
        return i;
}

static int find_wrapper(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(wrappers); i++)
                if (strcmp(name, wrappers[i].name) == 0)
                        return (int)i;
        return -1;
}

static bool is_python(const char *name) {
        return name_matches(name, "python");
}

/* python [flags] -m MODULE: returns the index of the module word (the name
 * is at *ret_name), or HULL_SH_NONE. */
static size_t python_module(const struct hull_sh_cmd *cmd, size_t i, const char **ret_name) {
        while (i < cmd->argc) {
                const struct hull_sh_word *w = &cmd->argv[i];
                const char *s = w->text;
                if (w->len < 2 || s[0] != '-' || s[1] == '-' || w->has_expansion)
                        return HULL_SH_NONE;
                for (size_t k = 1; k < w->len; k++) {
                        if (s[k] == 'm') {
                                if (k + 1 < w->len) {
                                        *ret_name = s + k + 1;
                                        return i;
                                }
                                if (i + 1 < cmd->argc) {
                                        *ret_name = cmd->argv[i + 1].text;
                                        return i + 1;
                                }
                                return HULL_SH_NONE;
                        }
                        if (s[k] == 'c')
                                return HULL_SH_NONE;
                        if (s[k] == 'W' || s[k] == 'X') {
                                if (k + 1 == w->len)
                                        i++;
                                break;
                        }
                        if (!s[k] || !strchr("bBdEhiIOPqRsSuvVx", s[k]))
                                return HULL_SH_NONE;
                }
                i++;
        }
        return HULL_SH_NONE;
}

void hull_sh_cmd_resolve(const struct hull_sh_cmd *cmd, struct hull_sh_call *ret) {
        size_t i = 0;
        unsigned bits = 0;

        *ret = (struct hull_sh_call){"", cmd->argc, 0};
        while (i < cmd->argc) {
                const struct hull_sh_word *w = &cmd->argv[i];
                const char *name = base_name(w->text, w->len);
                int wr;
                size_t next;

                ret->name = name;
                ret->argi = i;
                ret->wrappers = bits;
                if (w->has_expansion)
                        return;
                if (is_python(name)) {
                        const char *mod = NULL;
                        size_t mi = python_module(cmd, i + 1, &mod);
                        if (mi != HULL_SH_NONE && *mod) {
                                ret->name = mod;
                                ret->argi = mi;
                                ret->wrappers = bits | HULL_SH_WRAP_PYTHON_M;
                        }
                        return;
                }
                wr = find_wrapper(name);
                if (wr < 0)
                        return;
                next = skip_wrapper_opts(cmd, i + 1, (enum wrapper)wr);
                if (next == HULL_SH_NONE || next >= cmd->argc)
                        return;
                bits |= wrappers[wr].bit;
                i = next;
        }
}

const char *hull_sh_cmd_name(const struct hull_sh_cmd *cmd) {
        struct hull_sh_call c;
        hull_sh_cmd_resolve(cmd, &c);
        return c.name;
}

bool hull_sh_cmd_is(const struct hull_sh_cmd *cmd, const char *name) {
        return strcmp(hull_sh_cmd_name(cmd), name) == 0;
}

/* ---- helpers: options ----------------------------------------------------- */

void hull_sh_args_init(struct hull_sh_args *it, const struct hull_sh_cmd *cmd) {
        struct hull_sh_call c;

        hull_sh_cmd_resolve(cmd, &c);
        *it = (struct hull_sh_args){
                .cmd = cmd,
                .spec = c.argi < cmd->argc && find_tool(c.name) ? &find_tool(c.name)->spec : NULL,
                .i = c.argi < cmd->argc ? c.argi + 1 : cmd->argc,
        };
}

void hull_sh_args_init_spec(struct hull_sh_args *it, const struct hull_sh_cmd *cmd, size_t first,
                            const struct hull_sh_optspec *spec) {
        *it = (struct hull_sh_args){.cmd = cmd, .spec = spec, .i = first};
}

bool hull_sh_args_next(struct hull_sh_args *it, struct hull_sh_arg *ret) {
        const struct hull_sh_cmd *cmd = it->cmd;
        const struct hull_sh_optspec *t = it->spec;

        for (;;) {
                const struct hull_sh_word *w;
                const char *s;

                if (it->i >= cmd->argc)
                        return false;
                w = &cmd->argv[it->i];
                s = w->text;
                memset(ret, 0, sizeof(*ret));
                ret->word = w;
                if (it->ci) {
                        /* inside a cluster: -abc */
                        char c = s[it->ci];
                        ret->kind = HULL_SH_ARG_SHORT;
                        ret->opt = c;
                        it->ci++;
                        if (takes_value_short(t, c)) {
                                if (it->ci < w->len) {
                                        ret->value = s + it->ci;
                                        ret->value_len = w->len - it->ci;
                                        it->i++;
                                } else if (it->i + 1 < cmd->argc) {
                                        ret->value = cmd->argv[it->i + 1].text;
                                        ret->value_len = cmd->argv[it->i + 1].len;
                                        it->i += 2;
                                } else {
                                        it->i++;
                                }
                                it->ci = 0;
                        } else if (it->ci >= w->len) {
                                it->ci = 0;
                                it->i++;
                        }
                        return true;
                }
                if (it->dashdash || w->len < 2 || s[0] != '-') {
                        ret->kind = HULL_SH_ARG_OPERAND;
                        ret->value = s;
                        ret->value_len = w->len;
                        it->i++;
                        return true;
                }
                if (s[1] == '-') {
                        const char *eq;
                        if (w->len == 2) {
                                it->dashdash = true;
                                it->i++;
                                continue;
                        }
                        eq = memchr(s + 2, '=', w->len - 2);
                        ret->kind = HULL_SH_ARG_LONG;
                        ret->name = s + 2;
                        ret->name_len = eq ? (size_t)(eq - s - 2) : w->len - 2;
                        it->i++;
                        if (eq) {
                                ret->value = eq + 1;
                                ret->value_len = w->len - (size_t)(eq + 1 - s);
                        } else if (takes_value_long(t, ret->name, ret->name_len) &&
                                   it->i < cmd->argc) {
                                ret->value = cmd->argv[it->i].text;
                                ret->value_len = cmd->argv[it->i].len;
                                it->i++;
                        }
                        return true;
                }
                it->ci = 1;
        }
}

static bool long_is(const struct hull_sh_arg *a, const char *name) {
        return name && strlen(name) == a->name_len && memcmp(a->name, name, a->name_len) == 0;
}

static bool arg_matches(const struct hull_sh_arg *a, char opt, const char *long_name) {
        if (a->kind == HULL_SH_ARG_SHORT)
                return opt && a->opt == opt;
        if (a->kind == HULL_SH_ARG_LONG)
                return long_is(a, long_name);
        return false;
}

bool hull_sh_has_option(const struct hull_sh_cmd *cmd, char opt, const char *long_name) {
        struct hull_sh_args it;
        struct hull_sh_arg a;

        hull_sh_args_init(&it, cmd);
        while (hull_sh_args_next(&it, &a))
                if (arg_matches(&a, opt, long_name))
                        return true;
        return false;
}

const char *hull_sh_option_value(const struct hull_sh_cmd *cmd, char opt, const char *long_name,
                                 size_t *ret_len) {
        struct hull_sh_args it;
        struct hull_sh_arg a;

        hull_sh_args_init(&it, cmd);
        while (hull_sh_args_next(&it, &a))
                if (arg_matches(&a, opt, long_name) && a.value) {
                        if (ret_len)
                                *ret_len = a.value_len;
                        return a.value;
                }
        return NULL;
}

size_t hull_sh_cmd_args_nonopt(const struct hull_sh_cmd *cmd, const struct hull_sh_word **ret,
                               size_t max) {
        struct hull_sh_args it;
        struct hull_sh_arg a;
        size_t n = 0;

        hull_sh_args_init(&it, cmd);
        while (hull_sh_args_next(&it, &a))
                if (a.kind == HULL_SH_ARG_OPERAND) {
                        if (n < max)
                                ret[n] = a.word;
                        n++;
                }
        return n;
}

const struct hull_sh_word *hull_sh_cmd_subcommand(const struct hull_sh_cmd *cmd) {
        const struct hull_sh_word *w = NULL;
        return hull_sh_cmd_args_nonopt(cmd, &w, 1) ? w : NULL;
}
