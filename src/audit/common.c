/* common.c - helpers shared by the image audit rules (see common.h). */
#include "audit/common.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "basic/buf.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "lint/rules/common.h"
#include "lint/secretish.h"

void *hull_audit_alloc0(struct hull_audit_ctx *c, size_t size) {
        void *p = hull_arena_alloc0(c->arena, size);
        if (!p)
                c->err = HULL_ENOMEM;
        return p;
}

/* ---- history created_by ------------------------------------------------ */

static bool is_blank(char ch) {
        return ch == ' ' || ch == '\t';
}

/* The index of the first non-blank at or after i, at most n. */
static size_t skip_blanks(const char *s, size_t i, size_t n) {
        while (i < n && is_blank(s[i]))
                i++;
        return i;
}

static bool key_char(char ch) {
        return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
               ch == '_' || ch == '.' || ch == '-';
}

/* s[0..n) starts with KEY= (a non-empty key). */
static bool starts_kv(const char *s, size_t n) {
        size_t i = 0;
        while (i < n && key_char(s[i]))
                i++;
        return i > 0 && i < n && s[i] == '=';
}

static const char *basename_of(const char *s, size_t n, size_t *ret_n) {
        size_t i = n;
        while (i > 0 && s[i - 1] != '/')
                i--;
        *ret_n = n - i;
        return s + i;
}

/* The word s[0..n) runs a POSIX-ish shell (sh, /bin/bash, ...). */
static bool shell_word(const char *s, size_t n) {
        static const char *const shells[] = {"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"};
        size_t bn;
        const char *b = basename_of(s, n, &bn);
        for (size_t i = 0; i < ELEMENTSOF(shells); i++)
                if (bn == strlen(shells[i]) && memcmp(b, shells[i], bn) == 0)
                        return true;
        return false;
}

static size_t word_len(const char *s, size_t n) {
        size_t i = 0;
        while (i < n && !is_blank(s[i]))
                i++;
        return i;
}

/* A shell prefix at s: SHELL [options] -c (the -c may be in a cluster such
 * as -ec; "-o pipefail" takes a value).  Returns its length (up to and
 * including the word holding c), 0 when s does not start with one. */
static size_t shell_prefix(const char *s, size_t n) {
        size_t i = word_len(s, n);

        if (i == 0 || !shell_word(s, i))
                return 0;
        while (i < n) {
                size_t start = skip_blanks(s, i, n), w;
                if (start >= n)
                        return 0;
                w = word_len(s + start, n - start);
                if ((s[start] != '-' && s[start] != '+') || w < 2)
                        return 0;
                if (s[start + 1] != '-' && memchr(s + start + 1, 'c', w - 1))
                        return start + w;
                i = start + w;
                if (w == 2 && (s[start + 1] == 'o' || s[start + 1] == 'O')) {
                        /* -o option: skip its value */
                        size_t v = skip_blanks(s, i, n);
                        i = v + word_len(s + v, n - v);
                }
        }
        return 0;
}

/* Where the command starts after the last build-argument value: at a shell
 * prefix or a word starting with '/' (an absolute program). */
static bool command_start(const char *s, size_t n) {
        size_t w = word_len(s, n);
        return w > 0 && (s[0] == '/' || shell_word(s, w));
}

/* Parse "|N K=V ... " at the start of s; returns the bytes consumed (0 when
 * there is no such prefix). */
static size_t build_args(const char *s, size_t n, struct hull_audit_hist *h) {
        size_t i = 1, count = 0;

        if (n < 2 || s[0] != '|' || s[1] < '0' || s[1] > '9')
                return 0;
        while (i < n && s[i] >= '0' && s[i] <= '9' && count < 100000)
                count = count * 10 + (size_t)(s[i++] - '0');
        if (i >= n || !is_blank(s[i]))
                return 0;
        for (size_t k = 0; k < count; k++) {
                struct hull_audit_kv kv;
                size_t start = skip_blanks(s, i, n), e;
                if (start >= n || !starts_kv(s + start, n - start))
                        break;
                kv.key = s + start;
                kv.key_len = 0;
                while (kv.key[kv.key_len] != '=')
                        kv.key_len++;
                kv.value = kv.key + kv.key_len + 1;
                e = (size_t)(kv.value - s);
                /* the value ends at a blank followed by the next KEY= (more
                 * to come) or by the command (the last one), else at the
                 * first blank */
                size_t first_blank = n, end = n;
                for (size_t j = e; j < n; j++) {
                        if (!is_blank(s[j]))
                                continue;
                        if (first_blank == n)
                                first_blank = j;
                        if (k + 1 < count ? starts_kv(s + j + 1, n - j - 1)
                                          : command_start(s + j + 1, n - j - 1)) {
                                end = j;
                                break;
                        }
                }
                if (end == n)
                        end = first_blank;
                kv.value_len = end - e;
                if (h->nbuild_args < HULL_AUDIT_HIST_MAX_KVS)
                        h->build_args[h->nbuild_args++] = kv;
                i = end;
        }
        return skip_blanks(s, i, n);
}

static const char *const keywords[] = {
        "ADD",    "ARG",   "CMD",         "COPY",  "ENTRYPOINT", "ENV",
        "EXPOSE", "FROM",  "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD",
        "RUN",    "SHELL", "STOPSIGNAL",  "USER",  "VOLUME",     "WORKDIR",
};

/* The instruction keyword s starts with (followed by a blank or the end). */
static const char *keyword(const char *s, size_t n, size_t *ret_len) {
        for (size_t i = 0; i < ELEMENTSOF(keywords); i++) {
                size_t l = strlen(keywords[i]);
                if (n >= l && memcmp(s, keywords[i], l) == 0 && (n == l || is_blank(s[l]))) {
                        *ret_len = l;
                        return keywords[i];
                }
        }
        return NULL;
}

/* s is the part of a RUN after its keyword (or a classic created_by): build
 * arguments, shell prefix, script. */
static void parse_run(const char *s, size_t n, struct hull_audit_hist *h) {
        size_t i = build_args(s, n, h), p;

        p = shell_prefix(s + i, n - i);
        if (p) {
                h->shell = s + i;
                h->shell_len = p;
                i += p;
                if (i < n && is_blank(s[i]))
                        i++; /* Docker joins argv with one blank */
        }
        h->args = s + i;
        h->args_len = n - i;
}

void hull_audit_hist_parse(const char *created_by, struct hull_audit_hist *ret) {
        static const char bk[] = " # buildkit";
        const char *s = created_by ? created_by : "";
        size_t n = strlen(s), kl;
        const char *kw;

        memset(ret, 0, sizeof(*ret));
        while (n > 0 && (is_blank(s[n - 1]) || s[n - 1] == '\n'))
                n--;
        if (n >= sizeof(bk) - 1 && memcmp(s + n - (sizeof(bk) - 1), bk, sizeof(bk) - 1) == 0) {
                ret->buildkit = true;
                n -= sizeof(bk) - 1;
        }
        ret->text = s;
        ret->len = n;
        ret->args = s;
        ret->args_len = n;

        kw = keyword(s, n, &kl);
        if (kw) {
                /* BuildKit (and kaniko): the instruction as written */
                size_t a = skip_blanks(s, kl, n);
                ret->instr = kw;
                if (strcmp(kw, "RUN") == 0) {
                        parse_run(s + a, n - a, ret);
                } else {
                        ret->args = s + a;
                        ret->args_len = n - a;
                }
                return;
        }
        parse_run(s, n, ret);
        if (ret->args_len >= 6 && memcmp(ret->args, "#(nop)", 6) == 0) {
                /* classic builder: "/bin/sh -c #(nop)  ENV A=b" */
                const char *t = ret->args + 6;
                size_t m = ret->args_len - 6, sp = skip_blanks(t, 0, m);
                t += sp;
                m -= sp;
                ret->nop = true;
                ret->nbuild_args = 0;
                ret->instr = keyword(t, m, &kl);
                if (ret->instr) {
                        size_t a = skip_blanks(t, kl, m);
                        t += a;
                        m -= a;
                }
                ret->args = t;
                ret->args_len = m;
                ret->shell = NULL;
                ret->shell_len = 0;
                return;
        }
        if (ret->shell || ret->nbuild_args > 0)
                ret->instr = "RUN";
}

void hull_audit_each_history(struct hull_audit_ctx *c, const char *instr, hull_audit_history_fn *fn,
                             void *ud) {
        struct hull_audit_hist *h = hull_audit_alloc0(c, sizeof(*h));

        for (size_t i = 0; h && i < c->config->nhistory && !c->err; i++) {
                const struct hull_oci_history *e = &c->config->history[i];
                char field[64];
                struct hull_audit_where w = {.field = field};

                if (!e->created_by || !e->created_by[0])
                        continue;
                hull_audit_hist_parse(e->created_by, h);
                if (instr && (!h->instr || strcmp(h->instr, instr) != 0))
                        continue;
                snprintf(field, sizeof(field), "history[%zu].created_by", i);
                if (e->layer >= 0 && (size_t)e->layer < c->img->nlayers) {
                        w.has_layer = true;
                        w.layer = (unsigned)e->layer;
                }
                fn(c, h, &w, ud);
        }
}

size_t hull_audit_split_kvs(const char *s, size_t n, struct hull_audit_kv *ret, size_t max) {
        size_t i = 0, count = 0;

        while (i < n) {
                struct hull_audit_kv kv = {0};
                size_t w;
                i = skip_blanks(s, i, n);
                if (i >= n)
                        break;
                kv.key = s + i;
                if (!starts_kv(s + i, n - i)) {
                        /* a bare key (ARG TOKEN) */
                        w = word_len(s + i, n - i);
                        kv.key_len = w;
                        i += w;
                } else {
                        size_t j;
                        while (kv.key[kv.key_len] != '=')
                                kv.key_len++;
                        kv.value = kv.key + kv.key_len + 1;
                        j = (size_t)(kv.value - s);
                        while (j < n && !(is_blank(s[j]) && starts_kv(s + j + 1, n - j - 1)))
                                j++;
                        kv.value_len = (size_t)(s + j - kv.value);
                        i = j;
                }
                if (count < max)
                        ret[count] = kv;
                count++;
        }
        return count;
}

/* ---- /etc/passwd and /etc/group --------------------------------------------- */

bool hull_audit_parse_id(const char *s, size_t n, uint32_t *ret_id) {
        uint64_t v = 0;
        if (n == 0 || n > 10)
                return false;
        for (size_t i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return false;
                v = v * 10 + (uint64_t)(s[i] - '0');
        }
        if (v > UINT32_MAX)
                return false;
        *ret_id = (uint32_t)v;
        return true;
}

int hull_audit_db_lookup(const char *content, size_t n, const char *name, size_t name_len,
                         uint32_t *ret_id) {
        size_t i = 0;

        if (!content || name_len == 0)
                return HULL_ENOTFOUND;
        while (i < n) {
                const char *line = content + i, *nl = memchr(line, '\n', n - i);
                size_t len = nl ? (size_t)(nl - line) : n - i;
                const char *f[4];
                size_t fl[4], nf = 0, p = 0;

                i += len + (nl != NULL);
                if (len > 0 && line[len - 1] == '\r')
                        len--;
                if (len == 0 || line[0] == '#' || line[0] == '+' || line[0] == '-')
                        continue;
                /* the first three fields */
                while (nf < 3 && p <= len) {
                        const char *c = memchr(line + p, ':', len - p);
                        size_t e = c ? (size_t)(c - line) : len;
                        f[nf] = line + p;
                        fl[nf++] = e - p;
                        if (!c)
                                break;
                        p = e + 1;
                }
                if (nf < 3 || fl[0] != name_len || memcmp(f[0], name, name_len) != 0)
                        continue;
                /* first match wins, as getpwnam(3) over files */
                return hull_audit_parse_id(f[2], fl[2], ret_id) ? HULL_OK : HULL_ENOTFOUND;
        }
        return HULL_ENOTFOUND;
}

/* ---- secrets ---------------------------------------------------------------- */

static bool switch_value(const char *v, size_t n) {
        static const char *const words[] = {
                "true", "false", "yes", "no", "on",      "off",
                "y",    "n",     "0",   "1",  "enabled", "disabled",
        };
        for (size_t i = 0; i < ELEMENTSOF(words); i++)
                if (n == strlen(words[i]) && strncasecmp(v, words[i], n) == 0)
                        return true;
        return false;
}

static bool path_value(const char *v, size_t n) {
        return (n >= 1 && v[0] == '/') || (n >= 2 && memcmp(v, "./", 2) == 0) ||
               (n >= 3 && memcmp(v, "../", 3) == 0) || (n >= 2 && memcmp(v, "~/", 2) == 0);
}

bool hull_audit_literal_secret(const struct hull_audit_ctx *c, const char *v, size_t n) {
        return n > 0 && !memchr(v, '\0', n) && !switch_value(v, n) && !path_value(v, n) &&
               !hull_secretish_placeholder(v, n) && !hull_lint_only_refs(v, n) &&
               !hull_lint_config_allowed(c->cfg, v, n);
}

/* ---- files of the layered model ---------------------------------------------- */

bool hull_audit_path_under(const char *pattern, const char *path, size_t *ret_len) {
        const char *p = pattern, *s = path;

        for (;;) {
                size_t pl = strcspn(p, "/"), sl = strcspn(s, "/");

                if (sl == 0 || !((pl == 1 && p[0] == '*') || (pl == sl && memcmp(p, s, pl) == 0)))
                        return false;
                p += pl;
                s += sl;
                if (*p == '\0')
                        break;
                if (*s == '\0')
                        return false; /* path is shorter than pattern */
                p++;
                s++;
        }
        if (ret_len)
                *ret_len = (size_t)(s - path);
        return true;
}

const char *hull_audit_bytes(uint64_t n, char *buf, size_t size) {
        static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
        double v = (double)n;
        size_t u = 0;

        if (n < 1024) {
                snprintf(buf, size, "%" PRIu64 " byte%s", n, n == 1 ? "" : "s");
                return buf;
        }
        v /= 1024;
        while (v >= 1024 && u + 1 < ELEMENTSOF(units)) {
                v /= 1024;
                u++;
        }
        snprintf(buf, size, "%.1f %s", v, units[u]);
        return buf;
}

void hull_audit_tally_add(struct hull_audit_tally *t, const struct hull_layers_node *file) {
        unsigned layer = hull_layers_node_last_layer(file);

        if (t->files == 0 || layer < t->first_layer)
                t->first_layer = layer;
        if (t->files == 0 || layer > t->last_layer)
                t->last_layer = layer;
        t->files++;
        t->bytes += hull_layers_node_size(file);
        if (!hull_layers_node_present(file)) {
                unsigned d = hull_layers_node_deleted_in(file);
                t->deleted++;
                if (d > t->deleted_in)
                        t->deleted_in = d;
        }
}

const char *hull_audit_tally_str(const struct hull_audit_tally *t, char *buf, size_t size) {
        char bytes[32];

        snprintf(buf, size, "%llu file%s, %s", (unsigned long long)t->files,
                 t->files == 1 ? "" : "s", hull_audit_bytes(t->bytes, bytes, sizeof(bytes)));
        return buf;
}

const char *hull_audit_deleted_note(const struct hull_audit_where *w, char *buf, size_t size) {
        if (w->deleted)
                snprintf(buf, size, ", deleted in layer %u but still in the image", w->deleted_in);
        else if (size > 0)
                buf[0] = '\0';
        return buf;
}

/* name is entry->name, or entry->name followed by the suffix it allows. */
static bool program_name_is(const struct hull_audit_program_name *e, const char *name) {
        size_t l = strlen(e->name);

        if (strncmp(name, e->name, l) != 0)
                return false;
        name += l;
        switch (e->suffix) {
        case HULL_AUDIT_SUFFIX_NONE: return *name == '\0';
        case HULL_AUDIT_SUFFIX_VERSION:
                if (*name == '\0')
                        return true;
                if (*name++ != '-' || *name < '0' || *name > '9')
                        return false;
                return name[strspn(name, "0123456789.")] == '\0';
        case HULL_AUDIT_SUFFIX_DOT: return *name == '\0' || (name[0] == '.' && name[1] != '\0');
        }
        return false;
}

struct program_hit {
        const struct hull_layers_node *node, *target;
        size_t name; /* index in names[] */
        size_t seq;  /* position in sorted path order */
};

struct program_group {
        size_t start, end; /* hits[start..end) name one file */
        size_t seq;        /* of its first name */
};

static int hit_by_target(const void *a, const void *b) {
        const struct program_hit *x = a, *y = b;
        uintptr_t tx = (uintptr_t)x->target, ty = (uintptr_t)y->target;

        if (tx != ty)
                return tx < ty ? -1 : 1;
        return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int group_by_seq(const void *a, const void *b) {
        const struct program_group *x = a, *y = b;
        return x->seq < y->seq ? -1 : x->seq > y->seq;
}

#define PROGRAM_OTHERS_SHOWN 6u /* names listed in hull_audit_program.others */

int hull_audit_programs(struct hull_audit_ctx *c, const char *const *dirs,
                        const struct hull_audit_program_name *names, size_t nnames,
                        bool skip_busybox, hull_audit_program_fn *fn, void *ud) {
        const struct hull_layers_node *busybox = NULL;
        struct program_hit *hits = NULL;
        struct program_group *groups;
        size_t nhits = 0, cap = 0, ngroups = 0, seq = 0;
        struct hull_layers_iter it;
        char path[HULL_MAX_PATH_BYTES + 1];

        if (skip_busybox &&
            hull_layers_lookup(c->L, "bin/busybox", HULL_LAYERS_FOLLOW, &busybox, NULL) != HULL_OK)
                busybox = NULL;
        hull_layers_iter_init(&it, c->L, HULL_LAYERS_FINAL);
        for (const struct hull_layers_node *n; (n = hull_layers_iter_next(&it)); seq++) {
                enum hull_entry_type t = hull_layers_node_type(n);
                const char *name, *slash;
                const struct hull_layers_node *target;
                struct program_hit *h;
                size_t k, i;

                if (t != HULL_ENTRY_FILE && t != HULL_ENTRY_HARDLINK && t != HULL_ENTRY_SYMLINK)
                        continue;
                name = hull_layers_node_name(n);
                for (k = 0; k < nnames && !program_name_is(&names[k], name); k++)
                        ;
                if (k == nnames)
                        continue;
                hull_layers_node_path(n, path, sizeof(path));
                slash = strrchr(path, '/');
                if (!slash)
                        continue;
                for (i = 0; dirs[i]; i++)
                        if (strlen(dirs[i]) == (size_t)(slash - path) &&
                            memcmp(dirs[i], path, (size_t)(slash - path)) == 0)
                                break;
                if (!dirs[i])
                        continue;
                if (hull_layers_lookup(c->L, path, HULL_LAYERS_FOLLOW, &target, NULL) != HULL_OK ||
                    hull_layers_node_type(target) != HULL_ENTRY_FILE)
                        continue; /* dangling, or a directory, device... */
                if (skip_busybox &&
                    (target == busybox || strcmp(hull_layers_node_name(target), "busybox") == 0))
                        continue;
                h = hull_arena_push(c->arena, (void **)&hits, &nhits, &cap, sizeof(*h));
                if (!h)
                        return c->err = HULL_ENOMEM;
                *h = (struct program_hit){n, target, k, seq};
        }
        if (nhits == 0)
                return HULL_OK;

        /* group the names of one file (sorted by target, then path order),
         * then report the groups in the path order of their first names */
        qsort(hits, nhits, sizeof(*hits), hit_by_target);
        groups = hull_arena_alloc(c->arena, nhits * sizeof(*groups));
        if (!groups)
                return c->err = HULL_ENOMEM;
        for (size_t i = 0; i < nhits; i++) {
                if (i == 0 || hits[i].target != hits[i - 1].target)
                        groups[ngroups++] = (struct program_group){i, i, hits[i].seq};
                groups[ngroups - 1].end = i + 1;
        }
        qsort(groups, ngroups, sizeof(*groups), group_by_seq);
        for (size_t g = 0; g < ngroups; g++) {
                size_t start = groups[g].start, end = groups[g].end;
                struct hull_audit_program p = {
                        .node = hits[start].node,
                        .target = hits[start].target,
                        .name = &names[hits[start].name],
                        .others = "",
                };
                struct hull_buf b;
                int r = HULL_OK;

                hull_buf_init(&b, 4 * (HULL_MAX_PATH_BYTES + 8));
                for (size_t i = start + 1; i < end; i++) {
                        if (hits[i].node == p.target)
                                continue; /* named as the file already */
                        if (++p.nothers > PROGRAM_OTHERS_SHOWN || r != HULL_OK)
                                continue;
                        hull_layers_node_path(hits[i].node, path, sizeof(path));
                        r = hull_buf_printf(&b, "%s/%s", p.nothers > 1 ? ", " : "", path);
                }
                if (r == HULL_OK && p.nothers > PROGRAM_OTHERS_SHOWN)
                        r = hull_buf_printf(&b, " and %zu more", p.nothers - PROGRAM_OTHERS_SHOWN);
                /* r != HULL_OK: a shorter list; nothers still counts every name */
                if (b.len > 0) {
                        p.others = hull_arena_strndup(c->arena, b.data, b.len);
                        if (!p.others) {
                                hull_buf_release(&b);
                                return c->err = HULL_ENOMEM;
                        }
                }
                hull_buf_release(&b);
                fn(c, &p, ud);
        }
        return c->err;
}

/* The names part of a program's message: " (the file /usr/bin/gcc-12; also
 * named /usr/bin/gcc)", " (also named /usr/bin/x)" or ""; returns buf. */
static const char *program_names(const struct hull_audit_program *p, char *buf, size_t size) {
        char target[HULL_MAX_PATH_BYTES + 1];

        if (p->target != p->node) {
                hull_layers_node_path(p->target, target, sizeof(target));
                snprintf(buf, size, " (the file /%s%s%s)", target,
                         p->nothers ? "; also named " : "", p->others);
        } else if (p->nothers) {
                snprintf(buf, size, " (also named %s)", p->others);
        } else if (size > 0) {
                buf[0] = '\0';
        }
        return buf;
}

void hull_audit_program_report(struct hull_audit_ctx *c, const struct hull_audit_program *p,
                               void *ud) {
        char path[HULL_MAX_PATH_BYTES + 1], more[2 * HULL_MAX_PATH_BYTES];
        struct hull_audit_where w = hull_audit_where_node(p->node, path, sizeof(path));

        (void)ud;
        hull_audit_report(c, &w, NULL, "/%s is %s in the final image%s", path, p->name->what,
                          program_names(p, more, sizeof(more)));
}

/* ---- redaction -------------------------------------------------------------- */

struct span {
        size_t off, len;
};

struct spans {
        struct span *v;
        size_t n, cap;
};

static int span_add(struct spans *sp, size_t off, size_t len) {
        if (len == 0)
                return HULL_OK;
        if (sp->n == sp->cap) {
                size_t cap = sp->cap ? sp->cap * 2 : 8;
                void *v = hull_realloc(sp->v, cap * sizeof(*sp->v));
                if (!v)
                        return HULL_ENOMEM;
                sp->v = v;
                sp->cap = cap;
        }
        sp->v[sp->n].off = off;
        sp->v[sp->n++].len = len;
        return HULL_OK;
}

static int span_cmp(const void *a, const void *b) {
        const struct span *x = a, *y = b;
        return x->off < y->off ? -1 : x->off > y->off;
}

/* s[0..n) with the spans masked, into *ret (NULL when there are none). */
static int apply_spans(struct spans *sp, const char *s, size_t n, char **ret) {
        struct hull_buf b = HULL_BUF_INIT((size_t)-1);
        size_t at = 0;
        char mask[16];

        *ret = NULL;
        if (sp->n == 0)
                return HULL_OK;
        qsort(sp->v, sp->n, sizeof(*sp->v), span_cmp);
        for (size_t i = 0; i < sp->n; i++) {
                size_t off = sp->v[i].off, end = off + sp->v[i].len;
                if (end > n)
                        end = n;
                if (end <= at)
                        continue;
                if (off < at)
                        off = at; /* overlapping: mask the rest */
                if (hull_buf_put(&b, s + at, off - at) ||
                    hull_buf_puts(&b, hull_lint_mask(s + off, end - off, mask, sizeof(mask)))) {
                        hull_buf_release(&b);
                        return HULL_ENOMEM;
                }
                at = end;
        }
        if (hull_buf_put(&b, s + at, n - at)) {
                hull_buf_release(&b);
                return HULL_ENOMEM;
        }
        *ret = hull_buf_detach(&b, NULL);
        return *ret ? HULL_OK : HULL_ENOMEM;
}

static int shape_spans(struct spans *sp, const char *s, size_t n, size_t base) {
        struct hull_secretish_hit h;
        size_t from = 0;

        while (from < n && hull_secretish_find(s + from, n - from, &h)) {
                size_t off = from + h.off;
                from = off + h.len;
                if (h.mask && span_add(sp, base + off, h.len))
                        return HULL_ENOMEM;
        }
        return HULL_OK;
}

int hull_audit_redact(const struct hull_audit_ctx *c, const char *s, size_t n, char **ret) {
        struct spans sp = {0};
        int r;

        (void)c;
        r = shape_spans(&sp, s, n, 0);
        if (!r)
                r = apply_spans(&sp, s, n, ret);
        hull_free(sp.v);
        return r;
}

const char *hull_audit_redact_str(struct hull_audit_ctx *c, const char *s, char *buf, size_t size) {
        char *red = NULL;

        if (hull_audit_redact(c, s, strlen(s), &red) != HULL_OK) {
                c->err = HULL_ENOMEM;
                snprintf(buf, size, "***");
                return buf;
        }
        snprintf(buf, size, "%s", red ? red : s);
        hull_free(red);
        return buf;
}

const char *hull_audit_url_str(struct hull_audit_ctx *c, const char *s, size_t n, char *buf,
                               size_t size) {
        const char *sep = NULL, *at = NULL;
        char tmp[512];

        for (size_t i = 0; i + 2 < n; i++)
                if (memcmp(s + i, "://", 3) == 0) {
                        sep = s + i + 3;
                        break;
                }
        if (sep) {
                size_t rest = n - (size_t)(sep - s), hostlen = strcspn(sep, "/?#");
                if (hostlen > rest)
                        hostlen = rest;
                at = memchr(sep, '@', hostlen);
        }
        if (at)
                snprintf(tmp, sizeof(tmp), "%.*s***%.*s", (int)(sep - s), s,
                         (int)(n - (size_t)(at - s)), at);
        else
                snprintf(tmp, sizeof(tmp), "%.*s", (int)n, s);
        return hull_audit_redact_str(c, tmp, buf, size);
}

/* A secret-named key with a literal value: mask the value. */
static int named_span(const struct hull_audit_ctx *c, struct spans *sp, const char *base,
                      const struct hull_audit_kv *kv) {
        char name[256];

        if (!kv->value || kv->key_len == 0 || kv->key_len >= sizeof(name))
                return HULL_OK;
        memcpy(name, kv->key, kv->key_len);
        name[kv->key_len] = '\0';
        if (!hull_lint_secret_name(name) || !hull_audit_literal_secret(c, kv->value, kv->value_len))
                return HULL_OK;
        return span_add(sp, (size_t)(kv->value - base), kv->value_len);
}

int hull_audit_redact_history(const struct hull_audit_ctx *c, const char *created_by, char **ret) {
        struct hull_audit_hist h;
        struct hull_audit_kv kv[HULL_AUDIT_HIST_MAX_KVS];
        struct spans sp = {0};
        size_t n;
        int r = HULL_OK;

        *ret = NULL;
        if (!created_by)
                return HULL_OK;
        n = strlen(created_by);
        hull_audit_hist_parse(created_by, &h);
        for (size_t i = 0; !r && i < h.nbuild_args; i++)
                r = named_span(c, &sp, created_by, &h.build_args[i]);
        if (!r && h.instr &&
            (strcmp(h.instr, "ARG") == 0 || strcmp(h.instr, "ENV") == 0 ||
             strcmp(h.instr, "LABEL") == 0)) {
                size_t k = hull_audit_split_kvs(h.args, h.args_len, kv, ELEMENTSOF(kv));
                for (size_t i = 0; !r && i < k && i < ELEMENTSOF(kv); i++)
                        r = named_span(c, &sp, created_by, &kv[i]);
        }
        if (!r)
                r = shape_spans(&sp, created_by, n, 0);
        if (!r)
                r = apply_spans(&sp, created_by, n, ret);
        hull_free(sp.v);
        return r;
}
