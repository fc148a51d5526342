/* test_expand.c - BuildKit-exact variable expansion (src/dockerfile/expand.c).
 *
 * Most cases are data: tests/data/expand/envVarTest.txt and wordsTest.txt
 * (BuildKit's test formats, with BuildKit's own vectors) and cases.txt
 * (exact messages, columns, flags, used names, bytes).  The TEST()s below
 * cover the API, the limits and allocation failures. */
#include "t.h"

#include <stdbool.h>
#include <stdint.h>

#include "basic/alloc.h"
#include "basic/arena.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "dockerfile/expand.h"

#ifndef HULL_SRCDIR
#define HULL_SRCDIR "."
#endif

#define MAX_VARS 64

/* ---- helpers ---- */

struct env {
        struct hull_expand_var v[MAX_VARS];
        char store[MAX_VARS][256];
        struct hull_expand_env e;
};

static void env_init(struct env *env) {
        memset(env, 0, sizeof(*env));
        env->e.vars = env->v;
}

/* "NAME=VALUE" (value len given, may hold NUL) or "NAME" = empty */
static void env_add(struct env *env, const char *def, size_t len) {
        size_t i = env->e.nvars, k;
        char *s = env->store[i];

        if (i >= MAX_VARS || len >= sizeof(env->store[0]))
                return;
        memcpy(s, def, len);
        s[len] = '\0';
        for (k = 0; k < len && s[k] != '='; k++)
                ;
        env->v[i].name = s;
        if (k < len) {
                s[k] = '\0';
                env->v[i].value = s + k + 1;
                env->v[i].value_len = len - k - 1;
        } else {
                env->v[i].value = "";
                env->v[i].value_len = 0;
        }
        env->e.nvars++;
}

static void env_std(struct env *env) {
        static const char *std[] = {"PWD=/home", "SHELL=bash", "KOREAN=한국어", "NULL="};
        env_init(env);
        for (size_t i = 0; i < ELEMENTSOF(std); i++)
                env_add(env, std[i], strlen(std[i]));
}

/* Decode \xHH \n \t \r \\ \s into out; returns the length. */
static size_t unescape(const char *in, char *out) {
        size_t n = 0;

        while (*in) {
                if (in[0] == '\\' && in[1]) {
                        char c = in[1];
                        in += 2;
                        if (c == 'x' && in[0] && in[1]) {
                                char hex[3] = {in[0], in[1], 0};
                                out[n++] = (char)strtol(hex, NULL, 16);
                                in += 2;
                        } else {
                                out[n++] = c == 'n'   ? '\n'
                                           : c == 't' ? '\t'
                                           : c == 'r' ? '\r'
                                           : c == 's' ? ' '
                                                      : c;
                        }
                } else {
                        out[n++] = *in++;
                }
        }
        out[n] = '\0';
        return n;
}

static void show(const char *what, const char *s, size_t n) {
        printf("# %s: \"", what);
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
                        printf("\\x%02x", c);
                else
                        putchar(c);
        }
        printf("\"\n");
}

static char *trim(char *s) {
        char *e;
        while (*s == ' ' || *s == '\t')
                s++;
        e = s + strlen(s);
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
                *--e = '\0';
        return s;
}

static FILE *open_data(const char *name) {
        char path[1024];
        FILE *f;

        snprintf(path, sizeof(path), "%s/tests/data/expand/%s", HULL_SRCDIR, name);
        f = fopen(path, "r");
        if (!f)
                T_FAIL_AT("cannot open '%s'", path);
        return f;
}

/* ---- BuildKit's envVarTest format ---- */

TEST(buildkit_envvartest) {
        FILE *f = open_data("envVarTest.txt");
        char line[4096];
        unsigned lineno = 0, run = 0;
        struct env env;

        if (!f)
                return;
        env_std(&env);
        while (fgets(line, sizeof(line), f)) {
                char *fields[4], *p = line, *src, *want;
                struct hull_arena a = HULL_ARENA_INIT;
                struct hull_expand_result res;
                struct hull_diag d;
                int nf = 0, r;

                lineno++;
                if (line[0] == '#')
                        continue;
                if (*trim(line) == '\0')
                        continue;
                while (nf < 4) {
                        fields[nf++] = p;
                        p = strchr(p, '|');
                        if (!p)
                                break;
                        *p++ = '\0';
                }
                if (nf != 3) {
                        T_FAIL_AT("envVarTest.txt:%u: need 3 fields", lineno);
                        continue;
                }
                if (strcmp(trim(fields[0]), "W") == 0)
                        continue;
                src = trim(fields[1]);
                want = trim(fields[2]);
                hull_diag_init(&d);
                r = hull_expand_word(&a, src, strlen(src), '\\', 0, &env.e, &res, &d);
                if (strcmp(want, "error") == 0) {
                        if (r != HULL_EPARSE) {
                                T_FAIL_AT("envVarTest.txt:%u: %s: expected an error", lineno, src);
                                if (r == HULL_OK)
                                        show("got", res.s, res.len);
                        }
                } else if (r != HULL_OK) {
                        T_FAIL_AT("envVarTest.txt:%u: %s: %s", lineno, src, d.msg);
                } else if (res.len != strlen(want) || memcmp(res.s, want, res.len) != 0) {
                        T_FAIL_AT("envVarTest.txt:%u: %s", lineno, src);
                        show("want", want, strlen(want));
                        show("got", res.s, res.len);
                }
                run++;
                hull_arena_release(&a);
        }
        fclose(f);
        printf("# envVarTest.txt: %u cases\n", run);
        T_TRUE(run > 300);
}

/* ---- BuildKit's wordsTest format ---- */

TEST(buildkit_wordstest) {
        FILE *f = open_data("wordsTest.txt");
        char line[4096];
        unsigned lineno = 0, run = 0;
        struct env env;

        if (!f)
                return;
        env_init(&env);
        while (fgets(line, sizeof(line), f)) {
                struct hull_arena a = HULL_ARENA_INIT;
                struct hull_diag d;
                char *bar, *src, *want, *w;
                char **words = NULL;
                size_t *lens = NULL, n = 0, i = 0;
                int r;

                lineno++;
                line[strcspn(line, "\n")] = '\0';
                if (line[0] == '#' || line[0] == '\0')
                        continue;
                if (strncmp(line, "ENV ", 4) == 0) {
                        char *def = line + 3;
                        while (*def == ' ')
                                def++;
                        env_add(&env, def, strlen(def));
                        continue;
                }
                bar = strchr(line, '|');
                if (!bar || strchr(bar + 1, '|')) {
                        T_FAIL_AT("wordsTest.txt:%u: need exactly one |", lineno);
                        continue;
                }
                *bar = '\0';
                src = trim(line);
                want = bar + 1;
                while (*want == ' ')
                        want++;
                hull_diag_init(&d);
                r = hull_expand_words(&a, src, strlen(src), '\\', 0, &env.e, &words, &lens, &n, &d);
                run++;
                if (strcmp(want, "error") == 0) {
                        if (r != HULL_EPARSE)
                                T_FAIL_AT("wordsTest.txt:%u: %s: expected an error", lineno, src);
                        hull_arena_release(&a);
                        continue;
                }
                if (r != HULL_OK) {
                        T_FAIL_AT("wordsTest.txt:%u: %s: %s", lineno, src, d.msg);
                        hull_arena_release(&a);
                        continue;
                }
                for (w = want;; i++) {
                        char *comma = strchr(w, ',');
                        size_t wl = comma ? (size_t)(comma - w) : strlen(w);
                        if (i >= n || lens[i] != wl || memcmp(words[i], w, wl) != 0) {
                                T_FAIL_AT("wordsTest.txt:%u: %s: word %zu", lineno, src, i);
                                show("want", w, wl);
                                if (i < n)
                                        show("got", words[i], lens[i]);
                                break;
                        }
                        if (!comma) {
                                if (i + 1 != n)
                                        T_FAIL_AT("wordsTest.txt:%u: %s: %zu words", lineno, src,
                                                  n);
                                break;
                        }
                        w = comma + 1;
                }
                hull_arena_release(&a);
        }
        fclose(f);
        printf("# wordsTest.txt: %u cases\n", run);
        T_TRUE(run > 30);
}

/* ---- cases.txt ---- */

struct kase {
        unsigned line;
        char in[2048];
        size_t in_len;
        bool has_in;
        char esc;
        unsigned flags;
        struct env env;
        bool has_out, has_err, words_mode, nowords;
        char out[2048];
        size_t out_len;
        char err[1024];
        int code;
        unsigned col;
        char words[16][256];
        size_t wlens[16];
        size_t nwords;
        char used[16][64];
        bool used_unset[16];
        size_t nused;
        bool check_used;
};

static void kase_reset(struct kase *k) {
        memset(k, 0, sizeof(*k));
        k->esc = '\\';
        k->code = HULL_EPARSE;
        env_std(&k->env);
}

static void kase_run(struct kase *k) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_diag d;
        int r;

        if (k->has_out || (k->has_err && !k->words_mode)) {
                struct hull_expand_result res;

                hull_diag_init(&d);
                r = hull_expand_word(&a, k->in, k->in_len, k->esc, k->flags, &k->env.e, &res, &d);
                if (k->has_err) {
                        if (r != k->code)
                                T_FAIL_AT("cases.txt:%u: code %d, want %d", k->line, r, k->code);
                        if (strcmp(d.msg, k->err) != 0) {
                                T_FAIL_AT("cases.txt:%u: message", k->line);
                                show("want", k->err, strlen(k->err));
                                show("got", d.msg, strlen(d.msg));
                        }
                        if (k->col && d.col != k->col)
                                T_FAIL_AT("cases.txt:%u: col %u, want %u", k->line, d.col, k->col);
                } else if (r != HULL_OK) {
                        T_FAIL_AT("cases.txt:%u: %s", k->line, d.msg);
                } else {
                        if (res.len != k->out_len || memcmp(res.s, k->out, res.len) != 0 ||
                            res.s[res.len] != '\0') {
                                T_FAIL_AT("cases.txt:%u: result", k->line);
                                show("want", k->out, k->out_len);
                                show("got", res.s, res.len);
                        }
                        if (k->check_used) {
                                if (res.nused != k->nused)
                                        T_FAIL_AT("cases.txt:%u: %zu names used, want %zu", k->line,
                                                  res.nused, k->nused);
                                for (size_t i = 0; i < res.nused && i < k->nused; i++) {
                                        if (strcmp(res.used[i], k->used[i]) != 0 ||
                                            res.used_unset[i] != k->used_unset[i])
                                                T_FAIL_AT("cases.txt:%u: used[%zu] %s (%s)",
                                                          k->line, i, res.used[i],
                                                          res.used_unset[i] ? "unset" : "set");
                                }
                        }
                }
        }
        if (k->nwords || k->nowords || (k->has_err && k->words_mode)) {
                char **words;
                size_t *lens, n;

                hull_diag_init(&d);
                r = hull_expand_words(&a, k->in, k->in_len, k->esc, k->flags, &k->env.e, &words,
                                      &lens, &n, &d);
                if (k->has_err) {
                        if (r != k->code || strcmp(d.msg, k->err) != 0)
                                T_FAIL_AT("cases.txt:%u: words: %d %s", k->line, r, d.msg);
                } else if (r != HULL_OK) {
                        T_FAIL_AT("cases.txt:%u: words: %s", k->line, d.msg);
                } else {
                        if (n != k->nwords)
                                T_FAIL_AT("cases.txt:%u: %zu words, want %zu", k->line, n,
                                          k->nwords);
                        for (size_t i = 0; i < n && i < k->nwords; i++) {
                                if (lens[i] != k->wlens[i] ||
                                    memcmp(words[i], k->words[i], lens[i]) != 0) {
                                        T_FAIL_AT("cases.txt:%u: word %zu", k->line, i);
                                        show("want", k->words[i], k->wlens[i]);
                                        show("got", words[i], lens[i]);
                                }
                        }
                }
        }
        hull_arena_release(&a);
}

TEST(cases) {
        FILE *f = open_data("cases.txt");
        static struct kase k;
        char line[4096], tmp[4096];
        unsigned lineno = 0, run = 0;

        if (!f)
                return;
        kase_reset(&k);
        for (;;) {
                char *got = fgets(line, sizeof(line), f), *key, *val, *colon;
                size_t n;

                lineno++;
                if (got)
                        line[strcspn(line, "\n")] = '\0';
                if (!got || line[0] == '\0') {
                        if (k.has_in) {
                                kase_run(&k);
                                run++;
                        }
                        if (!got)
                                break;
                        kase_reset(&k);
                        continue;
                }
                if (line[0] == '#')
                        continue;
                colon = strchr(line, ':');
                if (!colon) {
                        T_FAIL_AT("cases.txt:%u: no key", lineno);
                        continue;
                }
                *colon = '\0';
                key = line;
                val = colon[1] == ' ' ? colon + 2 : colon + 1;
                if (!k.has_in && !k.line)
                        k.line = lineno;
                if (strcmp(key, "in") == 0 || strcmp(key, "inx") == 0) {
                        k.in_len = key[2] ? unescape(val, k.in) : strlen(strcpy(k.in, val));
                        k.has_in = true;
                        k.line = lineno;
                } else if (strcmp(key, "esc") == 0) {
                        k.esc = val[0];
                } else if (strcmp(key, "flags") == 0) {
                        k.flags |= strstr(val, "raw-quotes") ? HULL_EXPAND_RAW_QUOTES : 0;
                        k.flags |= strstr(val, "raw-escapes") ? HULL_EXPAND_RAW_ESCAPES : 0;
                        k.flags |= strstr(val, "skip-quotes") ? HULL_EXPAND_SKIP_PROCESS_QUOTES : 0;
                        k.flags |= strstr(val, "skip-unset") ? HULL_EXPAND_SKIP_UNSET_ENV : 0;
                } else if (strcmp(key, "env") == 0) {
                        env_add(&k.env, val, strlen(val));
                } else if (strcmp(key, "envx") == 0) {
                        n = unescape(val, tmp);
                        env_add(&k.env, tmp, n);
                } else if (strcmp(key, "out") == 0 || strcmp(key, "outx") == 0) {
                        k.out_len = key[3] ? unescape(val, k.out) : strlen(strcpy(k.out, val));
                        k.has_out = true;
                } else if (strcmp(key, "err") == 0) {
                        snprintf(k.err, sizeof(k.err), "%s", val);
                        k.has_err = true;
                } else if (strcmp(key, "code") == 0) {
                        k.code = strcmp(val, "limit") == 0 ? HULL_ELIMIT : HULL_EPARSE;
                } else if (strcmp(key, "col") == 0) {
                        k.col = (unsigned)atoi(val);
                } else if (strcmp(key, "mode") == 0) {
                        k.words_mode = strcmp(val, "words") == 0;
                } else if (strcmp(key, "word") == 0 || strcmp(key, "wordx") == 0) {
                        if (k.nwords < 16) {
                                k.wlens[k.nwords] = key[4] ? unescape(val, k.words[k.nwords])
                                                           : strlen(strcpy(k.words[k.nwords], val));
                                k.nwords++;
                        }
                } else if (strcmp(key, "nowords") == 0) {
                        k.nowords = true;
                } else if (strcmp(key, "used") == 0 || strcmp(key, "unset") == 0) {
                        if (k.nused < 16) {
                                snprintf(k.used[k.nused], sizeof(k.used[0]), "%s", val);
                                k.used_unset[k.nused++] = key[0] == 'u' && key[1] == 'n';
                        }
                        k.check_used = true;
                } else {
                        T_FAIL_AT("cases.txt:%u: unknown key '%s'", lineno, key);
                }
        }
        fclose(f);
        printf("# cases.txt: %u cases\n", run);
        T_TRUE(run > 100);
}

/* ---- the API ---- */

static int W(struct hull_arena *a, const char *s, const struct hull_expand_env *env,
             struct hull_expand_result *res, struct hull_diag *d) {
        hull_diag_init(d);
        return hull_expand_word(a, s, strlen(s), '\\', 0, env, res, d);
}

TEST(null_env_and_empty_word) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_expand_result res;
        struct hull_diag d;

        T_OK(W(&a, "", NULL, &res, &d));
        T_STREQ(res.s, "");
        T_EQ(res.len, 0);
        T_EQ(res.nused, 0);
        T_OK(W(&a, "a${X:-b}$Y", NULL, &res, &d));
        T_STREQ(res.s, "ab");
        T_EQ(res.nused, 2);
        T_OK(hull_expand_word(&a, NULL, 0, '\\', 0, NULL, &res, &d));
        T_STREQ(res.s, "");
        hull_arena_release(&a);
}

TEST(bad_arguments) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_expand_result res = {0};
        struct hull_diag d;
        char **w;
        size_t *l;

        hull_diag_init(&d);
        T_EQ(hull_expand_word(&a, "x", 1, '\'', 0, NULL, &res, &d), HULL_EINVAL);
        T_EQ(d.code, HULL_EINVAL);
        T_TRUE(res.s == NULL); /* outputs untouched */
        T_EQ(hull_expand_word(&a, "x", 1, '\\', 1u << 9, NULL, &res, NULL), HULL_EINVAL);
        T_EQ(hull_expand_word(NULL, "x", 1, '\\', 0, NULL, &res, NULL), HULL_EINVAL);
        T_EQ(hull_expand_word(&a, NULL, 1, '\\', 0, NULL, &res, NULL), HULL_EINVAL);
        T_EQ(hull_expand_word(&a, "x", 1, '\\', 0, NULL, NULL, NULL), HULL_EINVAL);
        T_EQ(hull_expand_words(&a, "x", 1, '\\', 0, NULL, &w, &l, NULL, NULL), HULL_EINVAL);
        hull_arena_release(&a);
}

static int lookups;

static bool cb(void *ud, const char *name, size_t len, const char **ret_val, size_t *ret_len) {
        lookups++;
        T_EQ(strlen(name), len);
        if (strcmp(name, "CB") == 0) {
                *ret_val = (const char *)ud;
                *ret_len = 3;
                return true;
        }
        if (strcmp(name, "CBNULL") == 0) {
                *ret_val = NULL;
                *ret_len = 99;
                return true;
        }
        return false;
}

TEST(lookup_callback_and_cache) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_expand_var vars[] = {{"V", "1", 1}, {"CB", "vars", 4}, {"V", "2", 1}};
        struct hull_expand_env env = {vars, ELEMENTSOF(vars), cb, (void *)"cb!", NULL};
        struct hull_expand_result res;
        struct hull_diag d;

        lookups = 0;
        T_OK(W(&a, "$V.$CB.$X.$X.${X-u}.${CBNULL-n}.", &env, &res, &d));
        T_STREQ(res.s, "2.vars...u..");
        T_EQ(lookups, 2); /* X once (cached), CBNULL once; V and CB found in vars */
        T_EQ(res.nused, 4);
        T_STREQ(res.used[0], "V");
        T_STREQ(res.used[2], "X");
        T_TRUE(res.used_unset[2]);
        T_TRUE(!res.used_unset[3]);
        env.nvars = 0;
        T_OK(W(&a, "$CB", &env, &res, &d));
        T_STREQ(res.s, "cb!");
        hull_arena_release(&a);
}

TEST(many_names) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_expand_result res;
        struct hull_diag d;
        char *s = hull_malloc(200000);
        size_t n = 0;

        for (int i = 0; i < 10000; i++)
                n += (size_t)sprintf(s + n, "$v%d${v%d}", i % 5000, i % 7);
        T_OK(hull_expand_word(&a, s, n, '\\', 0, NULL, &res, &d));
        T_EQ(res.len, 0);
        T_EQ(res.nused, 5000);
        T_STREQ(res.used[0], "v0");
        T_STREQ(res.used[4999], "v4999");
        hull_free(s);
        hull_arena_release(&a);
}

TEST(words_api) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_expand_var vars[] = {{"P", "80 443", 6}};
        struct hull_expand_env env = {vars, 1, NULL, NULL, NULL};
        struct hull_diag d;
        char **w = (char **)1;
        size_t *l = (size_t *)1, n = 7;

        hull_diag_init(&d);
        T_OK(hull_expand_words(&a, "  ", 2, '\\', 0, &env, &w, &l, &n, &d));
        T_EQ(n, 0);
        T_TRUE(w == NULL && l == NULL);
        T_OK(hull_expand_words(&a, "$P 8080/tcp", 11, '\\', 0, &env, &w, &l, &n, &d));
        T_EQ(n, 3);
        T_STREQ(w[0], "80");
        T_STREQ(w[1], "443");
        T_STREQ(w[2], "8080/tcp");
        T_EQ(l[2], 8);
        T_EQ(hull_expand_words(&a, "a 'b", 4, '\\', 0, &env, &w, &l, &n, &d), HULL_EPARSE);
        T_STREQ(d.msg, "failed to process \"a 'b\": unexpected end of statement while looking "
                       "for matching single-quote");
        T_EQ(d.col, 3);
        T_EQ(d.line, 0);
        T_STREQ(d.file, "");
        T_EQ(n, 3); /* untouched */
        hull_arena_release(&a);
}

TEST(long_word_message_is_shortened) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_expand_result res;
        struct hull_diag d;
        char s[1200];

        memset(s, 'a', sizeof(s));
        memcpy(s + 1100, "${X:?gone}", 10);
        memcpy(s + 100, "한국어", 9); /* a rune across the cut stays whole */
        s[1110] = '\0';
        T_EQ(W(&a, s, NULL, &res, &d), HULL_EPARSE);
        T_EQ(d.col, 1101);
        T_TRUE(strstr(d.msg, "failed to process \"aaa") == d.msg);
        T_TRUE(strstr(d.msg, "...") != NULL);
        T_TRUE(strstr(d.msg, "${X:?gone}\": X: gone") != NULL);
        T_TRUE(strstr(d.msg, "한국\"") == NULL);
        T_TRUE(strlen(d.msg) < 400);
        hull_arena_release(&a);
}

/* ---- limits ---- */

TEST(depth_limit) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_expand_result res;
        struct hull_diag d;
        char s[4096];
        size_t n = 0;
        unsigned i;

        for (i = 0; i < HULL_MAX_EXPAND_DEPTH; i++)
                n += (size_t)sprintf(s + n, "${X:-");
        n += (size_t)sprintf(s + n, "deep");
        for (i = 0; i < HULL_MAX_EXPAND_DEPTH; i++)
                s[n++] = '}';
        s[n] = '\0';
        T_OK(W(&a, s, NULL, &res, &d));
        T_STREQ(res.s, "deep");
        /* one more level */
        memmove(s + 5, s, n + 1);
        memcpy(s, "${X:-", 5);
        strcat(s, "}");
        T_EQ(W(&a, s, NULL, &res, &d), HULL_ELIMIT);
        T_STREQ(d.msg, "variable expansion nested too deeply");
        T_EQ(d.col, HULL_MAX_EXPAND_DEPTH * 5 + 1);
        /* double quotes in between do not get around it */
        n = 0;
        for (i = 0; i < 200; i++)
                n += (size_t)sprintf(s + n, "\"${X:-");
        s[n] = '\0';
        T_EQ(W(&a, s, NULL, &res, &d), HULL_ELIMIT);
        hull_arena_release(&a);
}

TEST(size_limits) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_expand_result res;
        struct hull_diag d;
        size_t big = HULL_MAX_EXPAND_BYTES / 4 + 1;
        char *val = hull_malloc(big);
        struct hull_expand_var vars[] = {{"B", val, big}};
        struct hull_expand_env env = {vars, 1, NULL, NULL, NULL};

        memset(val, 'x', big);
        T_OK(W(&a, "$B$B$B", &env, &res, &d));
        T_EQ(res.len, 3 * big);
        T_EQ(W(&a, "$B$B$B$B", &env, &res, &d), HULL_ELIMIT);
        T_STREQ(d.msg, "variable expansion result too large");
        /* work on values that are thrown away is bounded too */
        {
                char w[64 * 10 + 1];
                for (int i = 0; i < 64; i++)
                        memcpy(w + i * 10, "${X:+$B$B}", 10);
                w[640] = '\0';
                T_EQ(W(&a, w, &env, &res, &d), HULL_ELIMIT);
        }
        /* replacement output */
        T_EQ(W(&a, "${B//x/yyyy}", &env, &res, &d), HULL_ELIMIT);
        hull_free(val);
        hull_arena_release(&a);
}

TEST(exponential_growth_is_bounded) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_expand_var vars[] = {{"B", "x y", 3}};
        struct hull_expand_env env = {vars, 1, NULL, NULL, NULL};
        struct hull_expand_result res;
        struct hull_diag d;
        char s[256] = "x";
        size_t n = 1;

        /* ${B///R}: R around each of the 3 runes, so 2 * 4^depth - 1 bytes */
        for (int i = 0; i < 13; i++) {
                memmove(s + 6, s, n);
                memcpy(s, "${B///", 6);
                s[n + 6] = '}';
                n += 7;
                s[n] = '\0';
                if (i == 4) {
                        T_OK(W(&a, s, &env, &res, &d));
                        T_EQ(res.len, 2047);
                }
        }
        T_EQ(W(&a, s, &env, &res, &d), HULL_ELIMIT);
        hull_arena_release(&a);
}

TEST(match_step_limit) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_expand_result res;
        struct hull_diag d;
        size_t vn = 1 << 20;
        char *val = hull_malloc(vn);
        struct hull_expand_var vars[] = {{"V", val, vn}, {"P", NULL, 0}};
        struct hull_expand_env env = {vars, 2, NULL, NULL, NULL};
        char pat[2001];

        memset(val, 'a', vn);
        for (int i = 0; i < 1000; i++)
                memcpy(pat + 2 * i, "*a", 2);
        pat[2000] = 'b';
        vars[1].value = pat;
        vars[1].value_len = 2001;
        /* 2^20 runes x 2000 items: far past the step budget */
        T_EQ(W(&a, "${V//$P/}", &env, &res, &d), HULL_ELIMIT);
        T_STREQ(d.msg, "pattern matching too expensive");
        /* the same shape on a small value is fine */
        vars[0].value_len = 100;
        T_OK(W(&a, "${V##$P}", &env, &res, &d));
        T_EQ(res.len, 100);
        hull_free(val);
        hull_arena_release(&a);
}

TEST(arena_budget_and_failing_allocations) {
        const char *w = "${A:-x${B:-y}z}${PWD##*/}${PWD//o/0}$PWD \"q\" 'r'";
        struct hull_expand_var vars[] = {{"PWD", "/home/root", 10}};
        struct hull_expand_env env = {vars, 1, NULL, NULL, NULL};
        struct hull_expand_result res;
        struct hull_diag d;
        struct hull_arena a;
        int r;

        hull_arena_init(&a, 0);
        T_OK(W(&a, w, &env, &res, &d));
        T_STREQ(res.s, "xyzroot/h0me/r00t/home/root q r");
        hull_arena_release(&a);
        /* a tiny arena budget: a clean ENOMEM */
        hull_arena_init(&a, 64);
        T_EQ(W(&a, w, &env, &res, &d), HULL_ENOMEM);
        T_STREQ(d.msg, "out of memory");
        hull_arena_release(&a);
        /* every allocation failing in turn */
        for (unsigned long n = 1; n < 200; n++) {
                char **words;
                size_t *lens, nw;

                hull_arena_init(&a, 0);
                hull_alloc_fail_after(n);
                r = W(&a, w, &env, &res, &d);
                if (r == HULL_OK)
                        T_STREQ(res.s, "xyzroot/h0me/r00t/home/root q r");
                else
                        T_EQ(r, HULL_ENOMEM);
                hull_diag_init(&d);
                r = hull_expand_words(&a, w, strlen(w), '\\', 0, &env, &words, &lens, &nw, &d);
                T_TRUE(r == HULL_OK || r == HULL_ENOMEM);
                hull_alloc_fail_after(0);
                hull_arena_release(&a);
        }
}

TEST(hostile_bytes) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_expand_result res;
        struct hull_diag d;
        char s[512];
        uint32_t seed = 12345;

        /* random bytes from a small alphabet of syntax characters */
        static const char alpha[] = "${}:-+?#%/\\'\"`*ab \n\xff\xc3\x00";
        for (int iter = 0; iter < 20000; iter++) {
                size_t n = (seed >> 8) % sizeof(s);
                for (size_t i = 0; i < n; i++) {
                        seed = seed * 1103515245u + 12345u;
                        s[i] = alpha[(seed >> 16) % (sizeof(alpha) - 1)];
                }
                seed = seed * 1103515245u + 12345u;
                hull_diag_init(&d);
                int r = hull_expand_word(&a, s, n, iter % 2 ? '\\' : '`', (unsigned)iter & 15, NULL,
                                         &res, &d);
                T_TRUE(r == HULL_OK || r == HULL_EPARSE);
                if (r == HULL_OK)
                        T_TRUE(res.s[res.len] == '\0');
                else
                        T_TRUE(d.msg[0] != '\0' && d.col >= 1 && d.col <= n + 1);
                if (iter % 100 == 0)
                        hull_arena_release(&a);
        }
        hull_arena_release(&a);
}

TEST(shared_budget) {
        /* each call spends from the budget; once out, calls fail with ELIMIT */
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_expand_var vars[] = {
                {"X", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 63}};
        struct hull_expand_budget budget = {1ul << 30, 65536};
        struct hull_expand_env env = {vars, 1, NULL, NULL, &budget};
        struct hull_expand_result res;
        struct hull_diag d;
        int r = HULL_OK, calls = 0;
        while (r == HULL_OK && calls < 10000) {
                hull_diag_init(&d);
                r = hull_expand_word(&a, "$X$X$X", 6, '\\', 0, &env, &res, &d);
                calls++;
        }
        T_EQ(r, HULL_ELIMIT);
        T_TRUE(calls > 20 && calls < 1000);
        T_TRUE(budget.bytes < 65536);
        hull_arena_release(&a);
}

T_MAIN()
