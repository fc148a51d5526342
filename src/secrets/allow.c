/* allow.c - the user's secret allow-list (allow.h), compiled once, matched
 * by many threads.
 *
 * An entry allows a finding when every condition it has holds: its rule (if
 * any) is the finding's rule, its value is the secret byte for byte, its
 * regex matches somewhere in the secret, its glob matches the file path
 * (Docker's .dockerignore semantics: the path or one of its parent
 * directories).  Entries are tried in file order; the first that allows
 * gives the reason.
 *
 * Threads.  The compiled regexes and the match context (limits) are only
 * read while matching, so they are shared; match data is made per call (a
 * call happens per finding, not per byte).  The .dockerignore matcher keeps
 * scratch state in its object, so each glob has its own object and mutex:
 * workers only wait for each other on the same entry.  A glob or regex that
 * fails at match time (the step budget, the PCRE2 limits) allows nothing:
 * the finding is reported rather than silently dropped. */
#include "secrets/allow.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "basic/alloc.h"
#include "basic/arena.h"
#include "basic/err.h"
#include "lint/dockerignore.h"

#define MATCH_LIMIT 200000u /* PCRE2 backtracking budget per match call */
#define HEAP_LIMIT 4096u    /* KiB */

struct entry {
        const char *value; /* NULL: any secret */
        size_t value_len;
        pcre2_code *re;                 /* NULL: any secret */
        struct hull_dockerignore *glob; /* NULL: any path (and none) */
        pthread_mutex_t lock;           /* guards glob */
        bool locked;                    /* lock initialised */
        const char *rule;               /* NULL: any rule */
        const char *reason;
};

struct hull_secrets_allow {
        struct entry *v;
        size_t n;
        pcre2_general_context *gctx;
        pcre2_match_context *mctx;
        struct hull_arena arena; /* copies of the strings */
};

static void *pmalloc(size_t n, void *ud) {
        (void)ud;
        return hull_malloc(n);
}

static void pfree(void *p, void *ud) {
        (void)ud;
        hull_free(p);
}

/* Valgrind cannot follow JIT code: interpret under it (as engine.c). */
static bool use_jit(void) {
        const char *p = getenv("LD_PRELOAD");
        return !(p && strstr(p, "vgpreload"));
}

void hull_secrets_allow_free(struct hull_secrets_allow *a) {
        if (!a)
                return;
        for (size_t i = 0; i < a->n; i++) {
                pcre2_code_free(a->v[i].re);
                hull_dockerignore_free(a->v[i].glob);
                if (a->v[i].locked)
                        pthread_mutex_destroy(&a->v[i].lock);
        }
        hull_free(a->v);
        pcre2_match_context_free(a->mctx);
        pcre2_general_context_free(a->gctx);
        hull_arena_release(&a->arena);
        hull_free(a);
}

static int compile_regex(struct hull_secrets_allow *a, struct entry *e,
                         const struct hull_secret_allow *src, const char *config_path,
                         struct hull_diag *d) {
        pcre2_compile_context *cc = pcre2_compile_context_create(a->gctx);
        PCRE2_SIZE off;
        int code;

        if (!cc)
                return HULL_ENOMEM;
        e->re = pcre2_compile((PCRE2_SPTR)src->regex, PCRE2_ZERO_TERMINATED,
                              PCRE2_NEVER_UTF | PCRE2_NEVER_UCP, &code, &off, cc);
        pcre2_compile_context_free(cc);
        if (!e->re) {
                PCRE2_UCHAR msg[160];
                if (code == PCRE2_ERROR_HEAP_FAILED)
                        return HULL_ENOMEM;
                pcre2_get_error_message(code, msg, sizeof(msg));
                return hull_diag_set(d, HULL_EPARSE, config_path, src->line, 0,
                                     "secrets.allow: regex does not compile (PCRE2, at offset "
                                     "%zu): %s",
                                     (size_t)off, (const char *)msg);
        }
        if (use_jit())
                (void)pcre2_jit_compile(e->re, PCRE2_JIT_COMPLETE); /* interpreted if it fails */
        return HULL_OK;
}

static int compile_glob(struct entry *e, const struct hull_secret_allow *src,
                        const char *config_path, struct hull_diag *d) {
        struct hull_diag gd;
        bool m;
        int r;

        hull_diag_init(&gd);
        r = hull_dockerignore_from_patterns(&src->path, 1, &e->glob, &gd);
        if (r == HULL_OK &&
            (hull_dockerignore_count(e->glob) != 1 || hull_dockerignore_get(e->glob, 0)->exclusion))
                return hull_diag_set(d, HULL_EPARSE, config_path, src->line, 0,
                                     "secrets.allow: path glob '%.200s' is blank or an "
                                     "exception ('!')",
                                     src->path);
        /* Go regexp errors show at the first match (dockerignore.h) */
        if (r == HULL_OK)
                r = hull_dockerignore_matches(e->glob, "x", &m, &gd);
        if (r == HULL_OK || r == HULL_ENOMEM)
                return r;
        return hull_diag_set(d, HULL_EPARSE, config_path, src->line, 0,
                             "secrets.allow: path glob does not compile: %s", gd.msg);
}

static int add_entry(struct hull_secrets_allow *a, const struct hull_secret_allow *src,
                     const char *config_path, struct hull_diag *d) {
        struct entry *e = &a->v[a->n];

        if (!src->value && !src->regex && !src->path)
                return hull_diag_set(d, HULL_EPARSE, config_path, src->line, 0,
                                     "secrets.allow: an entry needs a value, a regex or a path");
        if (!src->reason)
                return hull_diag_set(d, HULL_EPARSE, config_path, src->line, 0,
                                     "secrets.allow: an entry needs a reason");
        memset(e, 0, sizeof(*e));
        a->n++; /* owned from here on: freed by hull_secrets_allow_free */
        if (src->value) {
                e->value_len = strlen(src->value);
                if (!(e->value = hull_arena_strndup(&a->arena, src->value, e->value_len)))
                        return HULL_ENOMEM;
        }
        if ((src->rule && !(e->rule = hull_arena_strdup(&a->arena, src->rule))) ||
            !(e->reason = hull_arena_strdup(&a->arena, src->reason)))
                return HULL_ENOMEM;
        if (src->regex)
                HULL_TRY(compile_regex(a, e, src, config_path, d));
        if (src->path) {
                HULL_TRY(compile_glob(e, src, config_path, d));
                if (pthread_mutex_init(&e->lock, NULL) != 0)
                        return HULL_ENOMEM;
                e->locked = true;
        }
        return HULL_OK;
}

int hull_secrets_allow_new(const struct hull_secrets_settings *s, const char *config_path,
                           struct hull_secrets_allow **ret, struct hull_diag *d) {
        struct hull_secrets_allow *a = new0(struct hull_secrets_allow, 1);
        size_t n = s ? s->nallow : 0;
        int r = HULL_ENOMEM;

        *ret = NULL;
        if (!a)
                return hull_diag_set(d, HULL_ENOMEM, NULL, 0, 0, "out of memory");
        hull_arena_init(&a->arena, 0);
        a->gctx = pcre2_general_context_create(pmalloc, pfree, NULL);
        a->mctx = a->gctx ? pcre2_match_context_create(a->gctx) : NULL;
        a->v = new0(struct entry, n ? n : 1);
        if (!a->gctx || !a->mctx || !a->v)
                goto fail;
        pcre2_set_match_limit(a->mctx, MATCH_LIMIT);
        pcre2_set_heap_limit(a->mctx, HEAP_LIMIT);
        for (size_t i = 0; i < n; i++)
                if ((r = add_entry(a, &s->allow[i], config_path, d)) != HULL_OK)
                        goto fail;
        *ret = a;
        return HULL_OK;
fail:
        if (r == HULL_ENOMEM)
                hull_diag_set(d, HULL_ENOMEM, NULL, 0, 0,
                              "out of memory compiling the secret allow-list");
        hull_secrets_allow_free(a);
        return r;
}

static bool regex_matches(const struct hull_secrets_allow *a, const struct entry *e, const char *s,
                          size_t n) {
        pcre2_match_data *md = pcre2_match_data_create(1, a->gctx);
        int rc;

        if (!md)
                return false; /* out of memory: report the finding */
        rc = pcre2_match(e->re, (PCRE2_SPTR)(s ? s : ""), s ? n : 0, 0, 0, md, a->mctx);
        pcre2_match_data_free(md);
        return rc >= 0;
}

static bool glob_matches(struct entry *e, const char *path) {
        bool m = false;
        int r;

        /* the matcher takes relative paths: "/etc/x" and "./x" are "etc/x", "x" */
        for (;;) {
                if (path[0] == '/')
                        path++;
                else if (path[0] == '.' && path[1] == '/')
                        path += 2;
                else
                        break;
        }
        if (!*path)
                return false;
        pthread_mutex_lock(&e->lock);
        hull_dockerignore_set_budget(e->glob, 0); /* a fresh budget for each path */
        r = hull_dockerignore_matches(e->glob, path, &m, NULL);
        pthread_mutex_unlock(&e->lock);
        return r == HULL_OK && m;
}

bool hull_secrets_allow_match(const struct hull_secrets_allow *a, const char *rule_id,
                              const char *path, const char *s, size_t n, const char **reason) {
        if (!a)
                return false;
        for (size_t i = 0; i < a->n; i++) {
                /* the lock is the only state matching changes */
                struct entry *e = (struct entry *)&a->v[i];

                if (e->rule && (!rule_id || strcmp(e->rule, rule_id) != 0))
                        continue;
                if (e->value && (n != e->value_len || (n && memcmp(s, e->value, n) != 0)))
                        continue;
                if (e->glob && (!path || !glob_matches(e, path)))
                        continue;
                if (e->re && !regex_matches(a, e, s, n))
                        continue;
                if (reason)
                        *reason = e->reason;
                return true;
        }
        return false;
}
