/* engine.c - one vectorscan stream database for every rule, PCRE2 to
 * confirm.  See engine.h for the contract; the parts that need care:
 *
 * Windows.  A stream context keeps a linear buffer holding the bytes from
 * `base` (absolute offset) to `end`.  Hits are queued by the vectorscan
 * callback and resolved after each hs_scan_stream() returns, once the stream
 * holds 2 * span bytes past them (or at the end).  Resolving hit e of rule r
 * runs r's regex from max(e - span, last reported end of r) and accepts the
 * matches that start before e + span: such a match, at most span long, lies
 * entirely in [e - span, e + 2 * span).  Hits of r that end at or before
 * e + span are then covered (skipped), so the regex work is linear in the
 * bytes whatever the number of hits (rules like [A-Za-z0-9]{20,} report at
 * every byte).  The buffer keeps the last 3 * max-span bytes at least.
 *
 * Lines.  Newlines are counted lazily with a cursor that only moves forward
 * (compaction moves it to the new base), so counting costs one pass at most.
 *
 * Base64.  A pseudo-rule finds values of 16+ base64 characters after ':',
 * '=', '>' or a quote; each is decoded and, if mostly printable, scanned
 * again in a nested context (depth <= 2) as "KEY: decoded", so generic rules
 * see the key the value was written under (Kubernetes Secret data).
 *
 * Findings of a stream are delivered at its end, after dropping a generic
 * rule's finding that overlaps a specific rule's finding (the same secret
 * found twice), in offset order. */
#include "secrets/engine.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <hs/hs.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/alloc.h"
#include "basic/fileio.h"
#include "secrets/checksum.h"
#include "basic/buf.h"
#include "basic/err.h"

#define B64_MIN 16u            /* base64 characters before a value is decoded */
#define B64_SPAN (16u << 10)   /* longest encoded value decoded */
#define MAX_DEPTH 2            /* base64 inside base64 */
#define MAX_FINDINGS 10000u    /* per stream; the rest counted */
#define COMPACT_MIN (1u << 20) /* buffer size before compaction pays */
#define MATCH_LIMIT 200000u    /* PCRE2 backtracking budget per match call */
#define SNIFF 1024u            /* bytes that decide text or binary */
#define ALLOW_BEHIND 4096u     /* hullscan:allow looked for before a secret, */
#define ALLOW_AHEAD 256u       /* and after it, on its line */
#define HEAP_LIMIT 4096u       /* KiB */

enum { DB_MAIN, DB_PATH, DB_B64, NDB };

struct crule {
        const struct hull_secret_rule *r;
        pcre2_code *re;
        pcre2_code *path_re; /* NULL: every path */
        unsigned span;
        uint32_t group; /* secret group, clamped to the regex's groups */
        bool generic;
};

struct hull_secrets {
        struct crule *rules;
        size_t nrules;
        size_t npath_rules;
        unsigned max_span;
        /* DB_MAIN: every rule without a path filter; DB_PATH: the rules with
         * one, streamed only while one of them applies to the file; DB_B64:
         * the base64 pseudo-rule, streamed over text configurations only */
        hs_database_t *db[NDB];
        hs_scratch_t *proto; /* for every database; cloned per scanner */
        pthread_mutex_t lock;
        char **allow;
        size_t nallow;
        uint32_t max_groups;
};

struct qhit {
        uint32_t rule; /* == nrules: the base64 pseudo-rule */
        uint64_t end;
};

struct found {
        uint32_t rule;
        uint64_t offset; /* secret start, absolute */
        uint64_t sec_end;
        size_t sec_off, sec_len;     /* in scanner->out */
        size_t match_off, match_len; /* in scanner->out */
        unsigned line, col, end_line;
        const char *encoding;
};

/* One stream being scanned: depth 0 is the caller's, deeper ones decoded
 * base64 values. */
struct ctx {
        hs_stream_t *hs[NDB]; /* NULL for a database with no pattern */
        bool path_rules;      /* a path rule applies: DB_PATH is streamed */
        bool b64;             /* DB_B64 is streamed (text configurations) */
        bool sniffed;
        bool open;
        char *buf;
        size_t cap, len; /* buf holds [base, base + len) */
        uint64_t base;
        struct qhit *q;
        size_t nq, capq;
        uint64_t *last_end; /* per rule (+1 pseudo): end of the last accepted match */
        uint64_t *covered;  /* per rule: hits ending at or before are resolved */
        /* line cursor: `lines` newlines before abs offset `pos`; the line
         * containing pos starts at `line_start` */
        uint64_t cur_pos, cur_lines, cur_line_start;
        uint64_t base_lines, base_line_start; /* the same at base */
        bool ended;
        /* nested contexts: where the encoded value is in the parent */
        uint64_t outer_offset;
        unsigned outer_line, outer_col, outer_end_line;
        int err;
};

struct hull_secrets_scanner {
        const struct hull_secrets *s;
        hs_scratch_t *scratch;
        pcre2_match_data *md;
        pcre2_match_context *mctx;
        pcre2_jit_stack *jit;
        struct ctx ctx[MAX_DEPTH + 1];
        unsigned char *path_on; /* per rule: its path filter passed */
        const char *path;
        hull_secret_hit_fn *fn;
        void *ud;
        struct found *found;
        size_t nfound, capfound;
        struct hull_buf out; /* copies of secrets and matches of this stream */
        struct hull_buf dec; /* decoding scratch */
        struct hull_secrets_stats st;
        uint64_t dropped;
};

/* ---- compile ---------------------------------------------------------------- */

static void *pmalloc(size_t n, void *ud) {
        (void)ud;
        return hull_malloc(n);
}

static void pfree(void *p, void *ud) {
        (void)ud;
        hull_free(p);
}

static pcre2_general_context *gctx_v;

static void gctx_init(void) {
        gctx_v = pcre2_general_context_create(pmalloc, pfree, NULL);
}

static pcre2_general_context *gctx(void) {
        static pthread_once_t once = PTHREAD_ONCE_INIT;
        pthread_once(&once, gctx_init);
        return gctx_v;
}

/* Valgrind cannot follow JIT code: interpret under it. */
static bool use_jit(void) {
        const char *p = getenv("LD_PRELOAD");
        return !(p && strstr(p, "vgpreload"));
}

static pcre2_code *pcompile(const char *re, uint32_t opts, const char *id, const char *what,
                            struct hull_diag *d) {
        int code;
        PCRE2_SIZE off;
        pcre2_compile_context *cc = pcre2_compile_context_create(gctx());
        pcre2_code *c;

        if (!cc) {
                hull_diag_set(d, HULL_ENOMEM, NULL, 0, 0, "out of memory");
                return NULL;
        }
        c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, opts, &code, &off, cc);
        pcre2_compile_context_free(cc);
        if (!c) {
                PCRE2_UCHAR msg[160];
                pcre2_get_error_message(code, msg, sizeof(msg));
                hull_diag_set(d, HULL_EINVAL, NULL, 0, 0,
                              "secret rule %s: %s does not compile at offset %zu: %s", id, what,
                              (size_t)off, (const char *)msg);
                return NULL;
        }
        if (use_jit())
                (void)pcre2_jit_compile(c, PCRE2_JIT_COMPLETE); /* interpreted if it fails */
        return c;
}

/* A keyword as a vectorscan literal regex: every non-alphanumeric escaped. */
static char *literal_regex(const char *kw) {
        size_t n = strlen(kw);
        char *out = hull_malloc(4 * n + 1), *p = out;
        if (!out)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)kw[i];
                if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
                        *p++ = (char)c;
                else
                        p += sprintf(p, "\\x%02x", c);
        }
        *p = 0;
        return out;
}

/* The base64 pseudo-rule: a value of B64_MIN+ base64 characters. */
static const char b64_hs[] = "[:=>\"'][ \\t]{0,4}[A-Za-z0-9+/]{16}";

void hull_secrets_free(struct hull_secrets *s) {
        if (!s)
                return;
        for (size_t i = 0; i < s->nrules; i++) {
                pcre2_code_free(s->rules[i].re);
                pcre2_code_free(s->rules[i].path_re);
        }
        hull_free(s->rules);
        if (s->proto)
                hs_free_scratch(s->proto);
        for (int k = 0; k < NDB; k++)
                if (s->db[k])
                        hs_free_database(s->db[k]);
        for (size_t i = 0; i < s->nallow; i++)
                hull_free(s->allow[i]);
        hull_free(s->allow);
        pthread_mutex_destroy(&s->lock);
        hull_free(s);
}

/* ---- compiled databases cached on disk ---------------------------------------
 *
 * Compiling 185 rules takes vectorscan about 80 ms, which a one-file
 * `hullscan lint` would otherwise pay on every run.  The databases are
 * serialized (hs_serialize_database) into CACHE_DIR/<key>.hsdb, the key a
 * SHA-256 of every pattern, flag and id, the vectorscan version and the
 * CPU's platform description, so any change of rules, library or machine
 * is a new file.  Best effort: a missing, unreadable or damaged file means
 * compiling (vectorscan checks a deserialized database's header and CRC);
 * writes go to a temporary file renamed into place.  The directory is the
 * CLI's (hull_secrets_set_cache_dir); without one nothing is cached. */

#define CACHE_MAGIC "HULLHSDB"
#define CACHE_MAX (256u << 20)

static char *cache_dir;

void hull_secrets_set_cache_dir(const char *dir) {
        hull_free(cache_dir);
        cache_dir = dir ? hull_strdup(dir) : NULL;
}

static bool cache_key(const char *const *exprs, const unsigned *flags, const unsigned *ids,
                      size_t n, size_t npath, uint8_t key[32]) {
        hs_platform_info_t plat;
        EVP_MD_CTX *c;
        unsigned len = 0;
        bool ok;
        if (!cache_dir || hs_populate_platform(&plat) != HS_SUCCESS || !(c = EVP_MD_CTX_new()))
                return false;
        const char *ver = hs_version();
        uint64_t counts[2] = {n, npath};
        ok = EVP_DigestInit_ex(c, EVP_sha256(), NULL) &&
             EVP_DigestUpdate(c, CACHE_MAGIC "1", sizeof(CACHE_MAGIC "1")) &&
             EVP_DigestUpdate(c, ver, strlen(ver) + 1) &&
             EVP_DigestUpdate(c, &plat, sizeof(plat)) &&
             EVP_DigestUpdate(c, counts, sizeof(counts)) &&
             EVP_DigestUpdate(c, b64_hs, sizeof(b64_hs));
        for (size_t i = 0; ok && i < n; i++)
                ok = EVP_DigestUpdate(c, exprs[i], strlen(exprs[i]) + 1) &&
                     EVP_DigestUpdate(c, &flags[i], sizeof(flags[i])) &&
                     EVP_DigestUpdate(c, &ids[i], sizeof(ids[i]));
        ok = ok && EVP_DigestFinal_ex(c, key, &len) && len == 32;
        EVP_MD_CTX_free(c);
        return ok;
}

static bool cache_path(const uint8_t key[32], char *buf, size_t size) {
        static const char hex[] = "0123456789abcdef";
        char k[65];
        for (int i = 0; i < 32; i++) {
                k[2 * i] = hex[key[i] >> 4];
                k[2 * i + 1] = hex[key[i] & 15];
        }
        k[64] = 0;
        int m = snprintf(buf, size, "%s/%s.hsdb", cache_dir, k);
        return m > 0 && (size_t)m < size;
}

static bool cache_load(struct hull_secrets *s, const uint8_t key[32]) {
        char path[4096], *data = NULL;
        size_t len = 0, off = sizeof(CACHE_MAGIC) - 1;
        struct hull_diag d;
        bool ok = false;

        hull_diag_init(&d);
        if (!cache_path(key, path, sizeof(path)) ||
            hull_read_file(path, CACHE_MAX, &data, &len, &d) != HULL_OK)
                return false;
        if (len < off || memcmp(data, CACHE_MAGIC, off) != 0)
                goto out;
        for (int k = 0; k < NDB; k++) {
                uint64_t m;
                if (len - off < sizeof(m))
                        goto out;
                memcpy(&m, data + off, sizeof(m));
                off += sizeof(m);
                if (m > len - off)
                        goto out;
                if (m && hs_deserialize_database(data + off, (size_t)m, &s->db[k]) != HS_SUCCESS)
                        goto out;
                off += (size_t)m;
        }
        ok = off == len && s->db[DB_MAIN] && s->db[DB_B64];
out:
        if (!ok)
                for (int k = 0; k < NDB; k++)
                        if (s->db[k]) {
                                hs_free_database(s->db[k]);
                                s->db[k] = NULL;
                        }
        hull_free(data);
        return ok;
}

static void cache_save(const struct hull_secrets *s, const uint8_t key[32]) {
        char path[4096], tmp[4200];
        FILE *f;
        bool ok = true;

        if (!cache_dir || !cache_path(key, path, sizeof(path)))
                return;
        /* the directory and its parents, private to the user */
        for (char *p = cache_dir + 1; *p; p++)
                if (*p == '/') {
                        *p = 0;
                        (void)mkdir(cache_dir, 0700);
                        *p = '/';
                }
        (void)mkdir(cache_dir, 0700);
        snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());
        if (!(f = fopen(tmp, "wbx")))
                return;
        ok = fwrite(CACHE_MAGIC, 1, sizeof(CACHE_MAGIC) - 1, f) == sizeof(CACHE_MAGIC) - 1;
        for (int k = 0; ok && k < NDB; k++) {
                char *bytes = NULL;
                size_t m = 0;
                uint64_t m64;
                if (s->db[k] && hs_serialize_database(s->db[k], &bytes, &m) != HS_SUCCESS) {
                        ok = false;
                        break;
                }
                m64 = m;
                ok = fwrite(&m64, sizeof(m64), 1, f) == 1 && (!m || fwrite(bytes, 1, m, f) == m);
                free(bytes); /* vectorscan's allocator: malloc */
        }
        ok = fclose(f) == 0 && ok;
        if (!ok || rename(tmp, path) != 0)
                unlink(tmp);
}

int hull_secrets_compile(const struct hull_secret_rule *const *rules, size_t n,
                         const char *const *allow, size_t nallow, struct hull_secrets **ret,
                         struct hull_diag *d) {
        struct hull_secrets *s = new0(struct hull_secrets, 1);
        const char **exprs = NULL;
        char **owned = NULL;
        unsigned *flags = NULL, *ids = NULL;
        size_t nexpr = 0, cap = n + 2, nowned = 0, npath_expr;
        hs_compile_error_t *herr = NULL;
        int r = HULL_ENOMEM;

        *ret = NULL;
        if (!s)
                return hull_diag_set(d, HULL_ENOMEM, NULL, 0, 0, "out of memory");
        pthread_mutex_init(&s->lock, NULL);
        for (size_t i = 0; i < n; i++)
                if (rules[i]->keywords)
                        for (const char *const *k = rules[i]->keywords; *k; k++)
                                cap++;
        s->rules = new0(struct crule, n ? n : 1);
        exprs = new0(const char *, cap);
        owned = new0(char *, cap);
        flags = new0(unsigned, cap);
        ids = new0(unsigned, cap);
        if (!s->rules || !exprs || !owned || !flags || !ids)
                goto nomem;
        s->nrules = n;
        s->max_span = B64_SPAN;
        for (size_t i = 0; i < n; i++) {
                const struct hull_secret_rule *rule = rules[i];
                struct crule *c = &s->rules[i];
                uint32_t ngroups = 0;

                c->r = rule;
                c->span = rule->span ? rule->span : HULL_SECRET_DEFAULT_SPAN;
                if (c->span > HULL_SECRET_MAX_SPAN)
                        c->span = HULL_SECRET_MAX_SPAN;
                if (c->span > s->max_span)
                        s->max_span = c->span;
                c->generic = rule->flags & HULL_SECRET_GENERIC;
                c->re = pcompile(rule->regex,
                                 PCRE2_MULTILINE |
                                         (rule->flags & HULL_SECRET_CASELESS ? PCRE2_CASELESS : 0),
                                 rule->id, "regex", d);
                if (!c->re) {
                        r = d ? d->code : HULL_EINVAL;
                        goto fail;
                }
                pcre2_pattern_info(c->re, PCRE2_INFO_CAPTURECOUNT, &ngroups);
                c->group = rule->secret_group <= ngroups ? rule->secret_group : 0;
                if (ngroups + 1 > s->max_groups)
                        s->max_groups = ngroups + 1;
                if (rule->path) {
                        c->path_re = pcompile(rule->path, 0, rule->id, "path", d);
                        if (!c->path_re) {
                                r = d ? d->code : HULL_EINVAL;
                                goto fail;
                        }
                        s->npath_rules++;
                }
        }
        /* main database first, then the path rules' */
        for (int pass = 0; pass < 2; pass++) {
                if (pass == 1)
                        npath_expr = nexpr;
                for (size_t i = 0; i < n; i++) {
                        const struct hull_secret_rule *rule = rules[i];
                        if ((rule->path != NULL) != (pass == 1))
                                continue;
                        if (rule->hs_regex || !rule->keywords) {
                                exprs[nexpr] = rule->hs_regex ? rule->hs_regex : rule->regex;
                                flags[nexpr] =
                                        HS_FLAG_MULTILINE |
                                        (rule->flags & HULL_SECRET_CASELESS ? HS_FLAG_CASELESS : 0);
                                ids[nexpr++] = (unsigned)i;
                                continue;
                        }
                        for (const char *const *k = rule->keywords; *k; k++) {
                                char *lit = literal_regex(*k);
                                if (!lit)
                                        goto nomem;
                                owned[nowned++] = lit;
                                exprs[nexpr] = lit;
                                flags[nexpr] = HS_FLAG_CASELESS;
                                ids[nexpr++] = (unsigned)i;
                        }
                }
        }
        uint8_t key[32];
        bool cached = cache_key(exprs, flags, ids, nexpr, npath_expr, key) && cache_load(s, key);
        if (!cached) {
                /* [from, to) of exprs per database */
                const size_t from[2] = {0, npath_expr}, to[2] = {npath_expr, nexpr};
                for (int k = 0; k < 2; k++) {
                        if (from[k] == to[k])
                                continue;
                        if (hs_compile_multi(exprs + from[k], flags + from[k], ids + from[k],
                                             (unsigned)(to[k] - from[k]), HS_MODE_STREAM, NULL,
                                             &s->db[k], &herr) == HS_SUCCESS)
                                continue;
                        const char *id = "?";
                        if (herr && herr->expression >= 0 &&
                            (size_t)herr->expression < to[k] - from[k])
                                id = rules[ids[from[k] + (size_t)herr->expression]]->id;
                        r = hull_diag_set(d, HULL_EINVAL, NULL, 0, 0,
                                          "secret rule %s: vectorscan cannot compile its pattern: "
                                          "%s",
                                          id, herr ? herr->message : "unknown error");
                        hs_free_compile_error(herr);
                        goto fail;
                }
        }
        if (!cached) {
                const char *bx[] = {b64_hs};
                unsigned bf[] = {0}, bi[] = {(unsigned)n};
                if (hs_compile_multi(bx, bf, bi, 1, HS_MODE_STREAM, NULL, &s->db[DB_B64], &herr) !=
                    HS_SUCCESS) {
                        hs_free_compile_error(herr);
                        r = hull_diag_set(d, HULL_EINTERNAL, NULL, 0, 0,
                                          "the base64 pattern does not compile");
                        goto fail;
                }
                cache_save(s, key);
        }
        for (int k = 0; k < NDB; k++)
                if (s->db[k] && hs_alloc_scratch(s->db[k], &s->proto) != HS_SUCCESS)
                        goto nomem;
        if (nallow) {
                s->allow = new0(char *, nallow);
                if (!s->allow)
                        goto nomem;
                for (size_t i = 0; i < nallow; i++, s->nallow++)
                        if (!(s->allow[i] = hull_strdup(allow[i])))
                                goto nomem;
        }
        for (size_t i = 0; i < nowned; i++)
                hull_free(owned[i]);
        hull_free(owned);
        hull_free(exprs);
        hull_free(flags);
        hull_free(ids);
        *ret = s;
        return HULL_OK;
nomem:
        r = hull_diag_set(d, HULL_ENOMEM, NULL, 0, 0, "out of memory compiling the secret rules");
fail:
        for (size_t i = 0; owned && i < nowned; i++)
                hull_free(owned[i]);
        hull_free(owned);
        hull_free(exprs);
        hull_free(flags);
        hull_free(ids);
        hull_secrets_free(s);
        return r;
}

size_t hull_secrets_nrules(const struct hull_secrets *s) {
        return s->nrules;
}

static struct hull_secrets *default_set;

static void default_free(void) {
        hull_secrets_free(default_set);
        default_set = NULL;
}

static void default_init(void) {
        const struct hull_secret_rule **v =
                new (const struct hull_secret_rule *, hull_secret_nrules);
        struct hull_diag d;

        if (!v)
                return;
        hull_diag_init(&d);
        for (size_t i = 0; i < hull_secret_nrules; i++)
                v[i] = &hull_secret_rules[i];
        if (hull_secrets_compile(v, hull_secret_nrules, NULL, 0, &default_set, &d) == HULL_OK)
                atexit(default_free);
        hull_free(v);
}

const struct hull_secrets *hull_secrets_default(void) {
        static pthread_once_t once = PTHREAD_ONCE_INIT;
        pthread_once(&once, default_init);
        return default_set;
}

/* ---- scanner ------------------------------------------------------------------ */

static void ctx_release(struct ctx *c) {
        for (int k = 0; k < NDB; k++)
                if (c->hs[k])
                        hs_close_stream(c->hs[k], NULL, NULL, NULL);
        hull_free(c->buf);
        hull_free(c->q);
        hull_free(c->last_end);
        memset(c, 0, sizeof(*c));
}

void hull_secrets_scanner_free(struct hull_secrets_scanner *sc) {
        if (!sc)
                return;
        for (unsigned i = 0; i <= MAX_DEPTH; i++)
                ctx_release(&sc->ctx[i]);
        if (sc->scratch)
                hs_free_scratch(sc->scratch);
        pcre2_match_data_free(sc->md);
        pcre2_match_context_free(sc->mctx);
        pcre2_jit_stack_free(sc->jit);
        hull_free(sc->path_on);
        hull_free(sc->found);
        hull_buf_release(&sc->out);
        hull_buf_release(&sc->dec);
        hull_free(sc);
}

int hull_secrets_scanner_new(const struct hull_secrets *s, struct hull_secrets_scanner **ret) {
        struct hull_secrets_scanner *sc = new0(struct hull_secrets_scanner, 1);
        hs_error_t e;

        *ret = NULL;
        if (!sc)
                return HULL_ENOMEM;
        sc->s = s;
        hull_buf_init(&sc->out, SIZE_MAX);
        hull_buf_init(&sc->dec, SIZE_MAX);
        pthread_mutex_lock((pthread_mutex_t *)&s->lock);
        e = hs_clone_scratch(s->proto, &sc->scratch);
        pthread_mutex_unlock((pthread_mutex_t *)&s->lock);
        if (e != HS_SUCCESS)
                goto fail;
        sc->md = pcre2_match_data_create(s->max_groups ? s->max_groups : 1, gctx());
        sc->mctx = pcre2_match_context_create(gctx());
        sc->jit = pcre2_jit_stack_create(32 << 10, 1 << 20, gctx());
        sc->path_on = hull_calloc(s->nrules + 1, 1);
        if (!sc->md || !sc->mctx || !sc->jit || !sc->path_on)
                goto fail;
        pcre2_set_match_limit(sc->mctx, MATCH_LIMIT);
        pcre2_set_heap_limit(sc->mctx, HEAP_LIMIT);
        pcre2_jit_stack_assign(sc->mctx, NULL, sc->jit);
        for (unsigned i = 0; i <= MAX_DEPTH; i++) {
                struct ctx *c = &sc->ctx[i];
                for (int k = 0; k < NDB; k++)
                        if (s->db[k] && hs_open_stream(s->db[k], 0, &c->hs[k]) != HS_SUCCESS)
                                goto fail;
                c->last_end = new0(uint64_t, 2 * (s->nrules + 1));
                if (!c->last_end)
                        goto fail;
                c->covered = c->last_end + s->nrules + 1;
        }
        *ret = sc;
        return HULL_OK;
fail:
        hull_secrets_scanner_free(sc);
        return HULL_ENOMEM;
}

void hull_secrets_scanner_stats(const struct hull_secrets_scanner *sc,
                                struct hull_secrets_stats *ret) {
        *ret = sc->st;
}

static void ctx_reset(struct hull_secrets_scanner *sc, struct ctx *c) {
        c->len = 0;
        c->base = 0;
        c->nq = 0;
        c->cur_pos = c->cur_lines = c->cur_line_start = 0;
        c->base_lines = c->base_line_start = 0;
        c->ended = false;
        c->err = HULL_OK;
        c->b64 = true;
        c->path_rules = false;
        c->sniffed = false;
        memset(c->last_end, 0, 2 * (sc->s->nrules + 1) * sizeof(uint64_t));
        c->open = true;
}

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                    void *ud) {
        struct ctx *c = ud;
        (void)from;
        (void)flags;
        if (to <= c->covered[id])
                return 0;
        if (c->nq == c->capq) {
                size_t ncap = c->capq ? 2 * c->capq : 64;
                struct qhit *q = hull_realloc(c->q, ncap * sizeof(*q));
                if (!q) {
                        c->err = HULL_ENOMEM;
                        return 1;
                }
                c->q = q;
                c->capq = ncap;
        }
        c->q[c->nq++] = (struct qhit){.rule = id, .end = to};
        return 0;
}

/* ---- lines ---------------------------------------------------------------------- */

static size_t count_nl(const char *p, size_t n) {
        size_t k = 0;
        for (const char *e = p + n; p < e && (p = memchr(p, '\n', (size_t)(e - p))); p++)
                k++;
        return k;
}

/* Line (1-based) and column of absolute offset pos, which is in the buffer.
 * Forward from the cursor (moving it); backwards (hits of different rules
 * come in end order, their starts need not) from the cursor too, without
 * moving it: both cost the distance, never the whole window. */
static void line_col(struct ctx *c, uint64_t pos, unsigned *line, unsigned *col) {
        uint64_t lines = c->cur_lines, ls = c->cur_line_start;
        if (pos < c->cur_pos) {
                const char *b = c->buf, *p = c->buf + (pos - c->base);
                lines -= count_nl(p, (size_t)(c->cur_pos - pos));
                const char *nl = p > b ? memrchr(b, '\n', (size_t)(p - b)) : NULL;
                ls = nl ? c->base + (uint64_t)(nl - b) + 1 : c->base_line_start;
                *line = (unsigned)(lines + 1);
                *col = (unsigned)(pos - ls + 1);
                return;
        }
        const char *p = c->buf + (c->cur_pos - c->base), *e = c->buf + (pos - c->base);
        while (p < e && (p = memchr(p, '\n', (size_t)(e - p)))) {
                lines++;
                ls = c->base + (uint64_t)(p - c->buf) + 1;
                p++;
        }
        c->cur_pos = pos;
        c->cur_lines = lines;
        c->cur_line_start = ls;
        *line = (unsigned)(lines + 1);
        *col = (unsigned)(pos - ls + 1);
}

/* ---- checks ---------------------------------------------------------------------- */

/* "hullscan:allow" on the line of the secret: at most ALLOW_BEHIND bytes
 * before its start and ALLOW_AHEAD after its end, which the window always
 * holds (drain and make_room keep them), so chunk sizes never change the
 * answer. */
static bool allowed_inline(const struct ctx *c, uint64_t start, uint64_t end) {
        static const char tag[] = "hullscan:allow";
        const char *b = c->buf, *p = c->buf + (start - c->base), *q = c->buf + (end - c->base);
        const char *e = c->buf + c->len;
        const char *ls = p, *le = q;
        while (ls > b && ls[-1] != '\n' && p - ls < ALLOW_BEHIND)
                ls--;
        while (le < e && *le != '\n' && le - q < ALLOW_AHEAD)
                le++;
        return memmem(ls, (size_t)(le - ls), tag, sizeof(tag) - 1) != NULL;
}

static bool refused(const struct hull_secrets *s, const struct crule *c, const char *v, size_t n) {
        const struct hull_secret_rule *r = c->r;
        if (n == 0 || (r->min_len && n < r->min_len))
                return true;
        if (r->min_entropy > 0 && hull_secret_entropy(v, n) < r->min_entropy)
                return true;
        if (r->allow)
                for (const char *const *a = r->allow; *a; a++)
                        if (strlen(*a) == n && !memcmp(*a, v, n))
                                return true;
        for (size_t i = 0; i < s->nallow; i++)
                if (strlen(s->allow[i]) == n && !memcmp(s->allow[i], v, n))
                        return true;
        if (hull_secret_known_example(v, n))
                return true;
        if (c->generic && (hull_secret_placeholder(v, n) || hull_secret_reference(v, n) ||
                           hull_secret_uuid_or_digest(v, n)))
                return true;
        if (r->validate && !r->validate(v, n))
                return true;
        return false;
}

static int add_found(struct hull_secrets_scanner *sc, unsigned depth, uint32_t rule,
                     uint64_t offset, const char *sec, size_t seclen, const char *m, size_t mlen,
                     unsigned line, unsigned col, unsigned end_line, const char *encoding) {
        struct found *f;
        (void)depth;
        if (sc->nfound >= MAX_FINDINGS) {
                sc->dropped++;
                return HULL_OK;
        }
        if (sc->nfound == sc->capfound) {
                size_t ncap = sc->capfound ? 2 * sc->capfound : 16;
                f = hull_realloc(sc->found, ncap * sizeof(*f));
                if (!f)
                        return HULL_ENOMEM;
                sc->found = f;
                sc->capfound = ncap;
        }
        f = &sc->found[sc->nfound];
        *f = (struct found){.rule = rule,
                            .offset = offset,
                            .sec_end = offset + seclen,
                            .line = line,
                            .col = col,
                            .end_line = end_line,
                            .encoding = encoding};
        f->sec_off = sc->out.len;
        f->sec_len = seclen;
        HULL_TRY(hull_buf_put(&sc->out, sec, seclen));
        f->match_off = sc->out.len;
        f->match_len = mlen;
        HULL_TRY(hull_buf_put(&sc->out, m, mlen));
        sc->nfound++;
        sc->st.confirmed++;
        return HULL_OK;
}

static int scan_nested(struct hull_secrets_scanner *sc, unsigned depth, const char *key,
                       size_t keylen, const char *val, size_t vallen, uint64_t offset,
                       unsigned line, unsigned col);

/* Base64 values are looked for in configuration-like text only (most
 * bytes of a tree or an image are code, documentation and binaries, and
 * the pattern is the engine's most expensive): files with a configuration
 * or script extension or none, dotfiles, and strings without a path. */
static bool config_path(const char *path) {
        static const char *const ext[] = {
                "yaml",   "yml",  "json", "env",        "properties", "conf",     "cfg",
                "ini",    "toml", "xml",  "tf",         "tfvars",     "hcl",      "sh",
                "bash",   "zsh",  "txt",  "secret",     "secrets",    "config",   "cnf",
                "local",  "dev",  "prod", "production", "staging",    "test",     "example",
                "sample", "bak",  "old",  "orig",       "tpl",        "template", "j2",
        };
        if (!path)
                return true;
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        const char *dot = strrchr(base, '.');
        if (!dot || dot == base)
                return true; /* no extension, or a dotfile (.env, .npmrc) */
        for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
                if (!strcasecmp(dot + 1, ext[i]))
                        return true;
        return !strncasecmp(base, ".env", 4) || !strncasecmp(base, "docker-compose", 14);
}

/* ELF, or a NUL in p[0..n). */
static bool looks_binary(const char *p, size_t n) {
        if (n >= 4 && !memcmp(p,
                              "\x7f"
                              "ELF",
                              4))
                return true;
        return memchr(p, 0, n) != NULL;
}

/* ---- base64 ------------------------------------------------------------------------ */

/* Decode s[0..n) (standard or URL alphabet, padding optional) into sc->dec;
 * false when it is not base64 or decodes to mostly unprintable bytes. */
static bool b64_text(struct hull_secrets_scanner *sc, const char *s, size_t n) {
        uint32_t acc = 0;
        unsigned bits = 0;
        size_t printable = 0;
        hull_buf_reset(&sc->dec);
        while (n && s[n - 1] == '=')
                n--;
        if (n % 4 == 1)
                return false;
        for (size_t i = 0; i < n; i++) {
                int v = hull_secret_base64_value((unsigned char)s[i]);
                if (v < 0)
                        return false;
                acc = acc << 6 | (uint32_t)v;
                bits += 6;
                if (bits >= 8) {
                        bits -= 8;
                        unsigned char ch = (unsigned char)(acc >> bits);
                        if ((ch >= 0x20 && ch < 0x7f) || ch == '\n' || ch == '\r' || ch == '\t')
                                printable++;
                        if (hull_buf_putc(&sc->dec, (char)ch))
                                return false;
                }
        }
        return sc->dec.len >= 12 && printable * 100 >= sc->dec.len * 90;
}

static bool is_b64(unsigned char c) {
        return hull_secret_base64_value(c) >= 0 && c != '-' && c != '_';
}

/* The pseudo-rule's hit at e: the value's extent, decoded and scanned. */
static int resolve_b64(struct hull_secrets_scanner *sc, unsigned depth, uint64_t e) {
        struct ctx *c = &sc->ctx[depth];
        const char *b = c->buf;
        size_t i = (size_t)(e - c->base), s = i, t = i;
        size_t lim_lo = s > B64_SPAN ? s - B64_SPAN : 0;
        const size_t nrules = sc->s->nrules;

        while (s > lim_lo && is_b64((unsigned char)b[s - 1]))
                s--;
        while (t < c->len && t - s < B64_SPAN && is_b64((unsigned char)b[t]))
                t++;
        size_t vt = t;
        while (vt < c->len && vt - t < 2 && b[vt] == '=')
                vt++;
        c->covered[nrules] = c->base + t;
        if (depth >= MAX_DEPTH || t - s < B64_MIN)
                return HULL_OK;
        /* the key the value was written under: the token before ':' or '=' */
        size_t k = s;
        while (k > 0 &&
               (b[k - 1] == ' ' || b[k - 1] == '\t' || b[k - 1] == '"' || b[k - 1] == '\''))
                k--;
        size_t ke = k;
        if (k > 0 && (b[k - 1] == ':' || b[k - 1] == '=' || b[k - 1] == '>'))
                k--, ke = k;
        while (ke > 0 && (b[ke - 1] == '"' || b[ke - 1] == '\'' || b[ke - 1] == ' '))
                ke--;
        size_t ks = ke;
        while (ks > 0 && ke - ks < 64 &&
               ((b[ks - 1] >= 'a' && b[ks - 1] <= 'z') || (b[ks - 1] >= 'A' && b[ks - 1] <= 'Z') ||
                (b[ks - 1] >= '0' && b[ks - 1] <= '9') || b[ks - 1] == '_' || b[ks - 1] == '-' ||
                b[ks - 1] == '.'))
                ks--;
        if (!b64_text(sc, b + s, vt - s))
                return HULL_OK;
        unsigned line, col;
        line_col(c, c->base + s, &line, &col);
        if (depth > 0) {
                line = c->outer_line;
                col = c->outer_col;
        }
        return scan_nested(sc, depth + 1, b + ks, ke - ks, sc->dec.data, sc->dec.len,
                           depth > 0 ? c->outer_offset : c->base + s, line, col);
}

/* ---- resolving hits ---------------------------------------------------------------- */

static int resolve(struct hull_secrets_scanner *sc, unsigned depth, const struct qhit *h) {
        const struct hull_secrets *s = sc->s;
        struct ctx *c = &sc->ctx[depth];

        if (h->end <= c->covered[h->rule])
                return HULL_OK;
        sc->st.hits++;
        if (h->rule == s->nrules)
                return resolve_b64(sc, depth, h->end);
        const struct crule *cr = &s->rules[h->rule];
        if (cr->path_re && !sc->path_on[h->rule]) {
                c->covered[h->rule] = UINT64_MAX;
                return HULL_OK;
        }
        uint64_t from = h->end > cr->span ? h->end - cr->span : 0;
        /* at the end of the stream the window runs to the end: every hit
         * left is covered by this one */
        uint64_t accept_below = c->ended ? UINT64_MAX : h->end + cr->span;
        uint64_t to = c->ended ? UINT64_MAX : h->end + 2ull * cr->span;
        if (from < c->last_end[h->rule])
                from = c->last_end[h->rule];
        if (from < c->base)
                from = c->base;
        if (to > c->base + c->len)
                to = c->base + c->len;
        c->covered[h->rule] = accept_below;
        if (from >= to)
                return HULL_OK;

        PCRE2_SIZE start = (PCRE2_SIZE)(from - c->base);
        const PCRE2_SIZE len = (PCRE2_SIZE)(to - c->base);
        const uint32_t opts = c->base_line_start != c->base ? PCRE2_NOTBOL : 0;
        while (start < len) {
                int rc =
                        pcre2_match(cr->re, (PCRE2_SPTR)c->buf, len, start, opts, sc->md, sc->mctx);
                if (rc < 0) {
                        if (rc != PCRE2_ERROR_NOMATCH)
                                sc->st.regex_limit++;
                        break;
                }
                PCRE2_SIZE *ov = pcre2_get_ovector_pointer(sc->md);
                if (c->base + ov[0] >= accept_below)
                        break;
                PCRE2_SIZE ms = ov[0], me = ov[1];
                PCRE2_SIZE ss = ms, se = me;
                if (cr->group && (uint32_t)rc > cr->group && ov[2 * cr->group] != PCRE2_UNSET) {
                        ss = ov[2 * cr->group];
                        se = ov[2 * cr->group + 1];
                }
                start = me > ms ? me : ms + 1;
                if (refused(s, cr, c->buf + ss, se - ss) ||
                    allowed_inline(c, c->base + ss, c->base + se)) {
                        sc->st.refused++;
                        continue;
                }
                c->last_end[h->rule] = c->base + me;
                unsigned line, col, end_line;
                const char *enc = NULL;
                uint64_t off = c->base + ss;
                line_col(c, c->base + ss, &line, &col);
                end_line = line + (unsigned)count_nl(c->buf + ss, se - ss);
                if (depth > 0) {
                        line = end_line = c->outer_line;
                        col = c->outer_col;
                        off = c->outer_offset;
                        enc = "base64";
                }
                HULL_TRY(add_found(sc, depth, h->rule, off, c->buf + ss, se - ss, c->buf + ms,
                                   me - ms, line, col, end_line, enc));
        }
        return HULL_OK;
}

/* Resolve the queued hits that have their window (all of them once the
 * stream ended), keeping the others queued in order. */
static int drain(struct hull_secrets_scanner *sc, unsigned depth) {
        struct ctx *c = &sc->ctx[depth];
        const uint64_t have = c->base + c->len;
        size_t keep = 0;
        int r = HULL_OK;

        for (size_t i = 0; i < c->nq; i++) {
                const struct qhit *h = &c->q[i];
                unsigned span = h->rule == sc->s->nrules ? B64_SPAN : sc->s->rules[h->rule].span;
                if (!c->ended && h->end + 2ull * span + ALLOW_AHEAD > have) {
                        c->q[keep++] = *h;
                        continue;
                }
                if (!r)
                        r = resolve(sc, depth, h);
        }
        c->nq = keep;
        return r;
}

/* Make room for n more bytes, dropping what no hit can need any more. */
static int make_room(struct hull_secrets_scanner *sc, struct ctx *c, size_t n) {
        if (c->len + n <= c->cap)
                return HULL_OK;
        const uint64_t end = c->base + c->len;
        uint64_t keep_from = end > 3ull * sc->s->max_span ? end - 3ull * sc->s->max_span : 0;
        for (size_t i = 0; i < c->nq; i++) {
                uint64_t back = (uint64_t)sc->s->max_span + ALLOW_BEHIND;
                uint64_t f = c->q[i].end > back ? c->q[i].end - back : 0;
                if (f < keep_from)
                        keep_from = f;
        }
        if (keep_from < c->base)
                keep_from = c->base;
        if (keep_from > c->base) {
                /* move the line cursor to the new base before its bytes go */
                if (c->cur_pos < keep_from) {
                        unsigned l, col;
                        line_col(c, keep_from, &l, &col);
                }
                c->base_lines = c->cur_lines;
                c->base_line_start = c->cur_line_start;
                size_t drop = (size_t)(keep_from - c->base);
                memmove(c->buf, c->buf + drop, c->len - drop);
                c->len -= drop;
                c->base = keep_from;
        }
        if (c->len + n > c->cap) {
                size_t ncap = c->cap ? c->cap : COMPACT_MIN;
                while (ncap < c->len + n)
                        ncap *= 2;
                char *nb = hull_realloc(c->buf, ncap);
                if (!nb)
                        return HULL_ENOMEM;
                c->buf = nb;
                c->cap = ncap;
        }
        return HULL_OK;
}

/* Whether the stream is text worth the base64 pseudo-rule, from its first
 * SNIFF bytes (still all in the buffer: it is compacted only past 1 MiB);
 * if so, the pseudo-rule runs over everything received until now. */
static int sniff(struct hull_secrets_scanner *sc, struct ctx *c) {
        c->sniffed = true;
        if (!c->b64)
                return HULL_OK;
        if (c->base != 0 || looks_binary(c->buf, c->len < SNIFF ? c->len : SNIFF)) {
                c->b64 = false;
                return HULL_OK;
        }
        if (c->len && hs_scan_stream(c->hs[DB_B64], c->buf, (unsigned)c->len, 0, sc->scratch,
                                     on_match, c) != HS_SUCCESS)
                return c->err ? c->err : HULL_EINTERNAL;
        return HULL_OK;
}

static int feed(struct hull_secrets_scanner *sc, unsigned depth, const void *buf, size_t n) {
        struct ctx *c = &sc->ctx[depth];
        const char *p = buf;

        while (n) {
                /* bounded chunks: the buffer never needs more than cap + 1 MiB */
                size_t k = n > COMPACT_MIN ? COMPACT_MIN : n;
                HULL_TRY(make_room(sc, c, k));
                memcpy(c->buf + c->len, p, k);
                c->len += k;
                /* base64 values: decided on the first SNIFF bytes, whatever the
                 * chunks, and then run over what the buffer holds so far */
                bool b64_now = c->sniffed && c->b64;
                if (!c->sniffed && c->base + c->len >= SNIFF)
                        HULL_TRY(sniff(sc, c));
                const bool on[NDB] = {true, c->path_rules, b64_now};
                for (int db = 0; db < NDB; db++)
                        if (on[db] && c->hs[db] &&
                            hs_scan_stream(c->hs[db], p, (unsigned)k, 0, sc->scratch, on_match,
                                           c) != HS_SUCCESS)
                                return c->err ? c->err : HULL_EINTERNAL;
                HULL_TRY(drain(sc, depth));
                p += k;
                n -= k;
        }
        return HULL_OK;
}

static int finish(struct hull_secrets_scanner *sc, unsigned depth) {
        struct ctx *c = &sc->ctx[depth];
        if (!c->sniffed)
                HULL_TRY(sniff(sc, c));
        const bool on[NDB] = {true, c->path_rules, c->b64};
        hs_error_t e = HS_SUCCESS;
        for (int db = 0; db < NDB; db++) {
                hs_error_t e2 = c->hs[db] ? hs_reset_stream(c->hs[db], 0, sc->scratch,
                                                            on[db] ? on_match : NULL, c)
                                          : HS_SUCCESS;
                if (e == HS_SUCCESS)
                        e = e2;
        }
        c->ended = true;
        if (e != HS_SUCCESS)
                return c->err ? c->err : HULL_EINTERNAL;
        int r = drain(sc, depth);
        c->open = false;
        return r;
}

static int scan_nested(struct hull_secrets_scanner *sc, unsigned depth, const char *key,
                       size_t keylen, const char *val, size_t vallen, uint64_t offset,
                       unsigned line, unsigned col) {
        struct ctx *c = &sc->ctx[depth];
        int r;
        /* val lives in sc->dec, which a deeper level reuses: copy it first */
        char *copy = hull_malloc(keylen + 2 + vallen);
        if (!copy)
                return HULL_ENOMEM;
        memcpy(copy, key, keylen);
        memcpy(copy + keylen, ": ", 2);
        memcpy(copy + keylen + 2, val, vallen);
        ctx_reset(sc, c);
        c->path_rules = sc->ctx[0].path_rules;
        c->outer_offset = offset;
        c->outer_line = line;
        c->outer_col = col;
        r = feed(sc, depth, copy, keylen + 2 + vallen);
        int r2 = finish(sc, depth);
        hull_free(copy);
        return r ? r : r2;
}

/* ---- stream API ---------------------------------------------------------------------- */

int hull_secrets_begin(struct hull_secrets_scanner *sc, const char *path, hull_secret_hit_fn *fn,
                       void *ud) {
        const struct hull_secrets *s = sc->s;
        ctx_reset(sc, &sc->ctx[0]);
        sc->ctx[0].b64 = config_path(path);
        sc->path = path;
        sc->fn = fn;
        sc->ud = ud;
        sc->nfound = 0;
        sc->dropped = 0;
        hull_buf_reset(&sc->out);
        if (s->npath_rules)
                for (size_t i = 0; i < s->nrules; i++) {
                        const struct crule *cr = &s->rules[i];
                        if (!cr->path_re)
                                continue;
                        sc->path_on[i] = 0;
                        if (path) {
                                int rc = pcre2_match(cr->path_re, (PCRE2_SPTR)path, strlen(path), 0,
                                                     0, sc->md, sc->mctx);
                                sc->path_on[i] = rc >= 0;
                                sc->ctx[0].path_rules |= rc >= 0;
                        }
                }
        return HULL_OK;
}

uint64_t hull_secrets_path_class(struct hull_secrets_scanner *sc, const char *path) {
        const struct hull_secrets *s = sc->s;
        uint64_t h = 1469598103934665603ull ^ (config_path(path) ? 1 : 2);
        for (size_t i = 0; path && i < s->nrules; i++) {
                const struct crule *cr = &s->rules[i];
                if (cr->path_re && pcre2_match(cr->path_re, (PCRE2_SPTR)path, strlen(path), 0, 0,
                                               sc->md, sc->mctx) >= 0)
                        h = (h ^ (i + 3)) * 1099511628211ull;
        }
        return h;
}

int hull_secrets_data(struct hull_secrets_scanner *sc, const void *buf, size_t n) {
        if (!sc->ctx[0].open)
                return HULL_EINVAL;
        sc->st.bytes += n;
        int r = feed(sc, 0, buf, n);
        if (r) {
                sc->ctx[0].err = r;
                sc->ctx[0].open = false;
        }
        return r;
}

static int cmp_found(const void *a, const void *b) {
        const struct found *x = a, *y = b;
        if (x->offset != y->offset)
                return x->offset < y->offset ? -1 : 1;
        if (x->rule != y->rule)
                return x->rule < y->rule ? -1 : 1;
        /* the same rule at the same place, raw and decoded: the decoded first */
        return (y->encoding != NULL) - (x->encoding != NULL);
}

static int rank(const struct crule *c) {
        return c->generic ? 0 : c->path_re ? 1 : 2;
}

static int deliver(struct hull_secrets_scanner *sc) {
        const struct hull_secrets *s = sc->s;
        size_t n = sc->nfound;
        if (n == 0)
                return HULL_OK;
        qsort(sc->found, n, sizeof(*sc->found), cmp_found);
        for (size_t i = 0; i < n; i++) {
                const struct found *f = &sc->found[i];
                bool drop = false;
                if (i > 0 && f->rule == sc->found[i - 1].rule &&
                    f->offset == sc->found[i - 1].offset)
                        continue;
                /* sorted by offset: overlapping findings are near; of two
                 * that overlap, a provider rule beats a credential-file rule
                 * beats a generic one (the same secret, reported once) */
                for (size_t j = i > 64 ? i - 64 : 0; j < n && j < i + 64 && !drop; j++) {
                        const struct found *g = &sc->found[j];
                        if (j != i && g->offset < f->sec_end && f->offset < g->sec_end &&
                            rank(&s->rules[g->rule]) > rank(&s->rules[f->rule]))
                                drop = true;
                }
                if (drop)
                        continue;
                struct hull_secret_hit h = {
                        .rule = s->rules[f->rule].r,
                        .secret = sc->out.data + f->sec_off,
                        .secret_len = f->sec_len,
                        .match = sc->out.data + f->match_off,
                        .match_len = f->match_len,
                        .offset = f->offset,
                        .line = f->line,
                        .col = f->col,
                        .end_line = f->end_line,
                        .encoding = f->encoding,
                };
                if (sc->fn)
                        HULL_TRY(sc->fn(sc->ud, &h));
        }
        sc->st.dropped += sc->dropped;
        return HULL_OK;
}

int hull_secrets_end(struct hull_secrets_scanner *sc) {
        struct ctx *c = &sc->ctx[0];
        int r = c->open ? HULL_OK : c->err;
        if (c->open)
                r = finish(sc, 0);
        else {
                for (int db = 0; db < NDB; db++)
                        if (c->hs[db])
                                hs_reset_stream(c->hs[db], 0, sc->scratch, NULL, NULL);
        }
        c->open = false;
        if (!r)
                r = deliver(sc);
        sc->nfound = 0;
        hull_buf_reset(&sc->out);
        return r;
}

int hull_secrets_scan_buffer(struct hull_secrets_scanner *sc, const char *path, const void *buf,
                             size_t n, hull_secret_hit_fn *fn, void *ud) {
        int r = hull_secrets_begin(sc, path, fn, ud);
        if (!r)
                r = hull_secrets_data(sc, buf, n);
        int r2 = hull_secrets_end(sc);
        return r ? r : r2;
}

/* ---- single strings ------------------------------------------------------------------- */

static pthread_key_t tls_key;
static pthread_once_t tls_once = PTHREAD_ONCE_INIT;

static void tls_free(void *p) {
        hull_secrets_scanner_free(p);
}

static void tls_init(void) {
        pthread_key_create(&tls_key, tls_free);
}

int hull_secrets_find_string(const char *s, size_t n, hull_secret_hit_fn *fn, void *ud) {
        const struct hull_secrets *set = hull_secrets_default();
        struct hull_secrets_scanner *sc;

        if (!set)
                return HULL_ENOMEM;
        pthread_once(&tls_once, tls_init);
        sc = pthread_getspecific(tls_key);
        if (!sc) {
                HULL_TRY(hull_secrets_scanner_new(set, &sc));
                if (pthread_setspecific(tls_key, sc) != 0) {
                        hull_secrets_scanner_free(sc);
                        return HULL_ENOMEM;
                }
        }
        return hull_secrets_scan_buffer(sc, NULL, s, n, fn, ud);
}
