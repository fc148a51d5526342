/* job.c - see job.h.  Workers find, the job's lock serialises appends.
 *
 * De-duplication: images and trees hold many copies of the same file (a
 * layer that chowns or touches files rewrites them all, vendored packages
 * repeat).  A file of at most DEDUPE_MAX bytes is collected first; its
 * CRC-64 with its size, its base name and its path class (which path rules
 * apply, whether base64 values are decoded: hull_secrets_path_class) key a
 * cache of the hits its bytes gave; a file with the same key is not scanned
 * again, its hits are replayed under its own path (allow-lists, severities
 * and fingerprints are applied per place).  A file whose scan made a note
 * (damaged archive, limit) is not cached.  CRC-64 is not collision-proof
 * against a crafted file, but a crafted image could as well encrypt its
 * secrets: this is about accidental copies. */
#include "secrets/job.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <isa-l/crc64.h>

#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/err.h"
#include "image/layers.h"
#include "image/oci.h"

#define DEDUPE_MAX (1u << 20) /* files collected and de-duplicated */
#define DEDUPE_BUCKETS (1u << 16)

/* A hit kept for replay; strings in the job's arena. */
struct dd_hit {
        const struct hull_secret_rule *rule;
        const char *secret, *encoding, *inner;
        size_t secret_len;
        uint64_t offset;
        unsigned line, col, end_line;
};

struct dd_entry {
        uint64_t crc, size, cls, base;
        const struct dd_hit *hits;
        size_t nhits;
        struct dd_entry *next;
};

/* A hit of the file being scanned, strings as offsets into the worker's recbuf. */
struct rec_hit {
        const struct hull_secret_rule *rule;
        size_t secret, secret_len, encoding, inner; /* offsets; SIZE_MAX: NULL */
        uint64_t offset;
        unsigned line, col, end_line;
};

struct hull_secrets_job_worker {
        struct hull_secrets_job *job;
        struct hull_content_walker *walker;
        /* the file being read */
        const char *file;                     /* as reported; images: the image reference */
        const char *path;                     /* rules' path filter; images: the path inside */
        const struct hull_image_layer *layer; /* images; NULL */
        const char *field;                    /* images: config.Env[2]; NULL */
        char *path_copy;                      /* owned copy of path */
        struct hull_buf msg;
        /* de-duplication */
        bool buffering; /* the file is being collected in fbuf */
        uint64_t fsize;
        struct hull_buf fbuf;
        bool recording, noted;
        struct rec_hit *rec;
        size_t nrec, caprec;
        struct hull_buf recbuf;
};

void hull_secret_redact(const char *s, size_t n, char *out, size_t size) {
        size_t keep = n >= 16 ? 4 : n >= 10 ? 2 : 0, stars = n - 2 * keep, o = 0;
        if (!size)
                return;
        if (stars > 32)
                stars = 32;
#define PUT(c)                                                                                     \
        do {                                                                                       \
                if (o + 1 < size)                                                                  \
                        out[o++] = (c);                                                            \
        } while (0)
        for (size_t i = 0; i < keep; i++)
                PUT(s[i] > 0x20 && s[i] < 0x7f ? s[i] : '?');
        for (size_t i = 0; i < stars; i++)
                PUT('*');
        for (size_t i = n - keep; i < n; i++)
                PUT(s[i] > 0x20 && s[i] < 0x7f ? s[i] : '?');
#undef PUT
        out[o] = 0;
}

static void fingerprint(const char *rule, const char *place, const char *inner, const char *s,
                        size_t n, char out[65]) {
        unsigned char dg[EVP_MAX_MD_SIZE];
        unsigned len = 0;
        EVP_MD_CTX *c = EVP_MD_CTX_new();
        static const char hex[] = "0123456789abcdef";
        out[0] = 0;
        if (!c)
                return;
        if (EVP_DigestInit_ex(c, EVP_sha256(), NULL) &&
            EVP_DigestUpdate(c, rule, strlen(rule) + 1) &&
            EVP_DigestUpdate(c, place ? place : "", place ? strlen(place) + 1 : 1) &&
            EVP_DigestUpdate(c, inner ? inner : "", inner ? strlen(inner) + 1 : 1) &&
            EVP_DigestUpdate(c, s, n) && EVP_DigestFinal_ex(c, dg, &len) && len == 32) {
                for (unsigned i = 0; i < 32; i++) {
                        out[2 * i] = hex[dg[i] >> 4];
                        out[2 * i + 1] = hex[dg[i] & 15];
                }
                out[64] = 0;
        }
        EVP_MD_CTX_free(c);
}

static void add_note(struct hull_secrets_job *job, const char *text) {
        /* caller holds the lock */
        if (job->nnotes >= HULL_SECRETS_MAX_NOTES) {
                job->notes_dropped++;
                return;
        }
        char *copy = hull_arena_strdup(&job->arena, text);
        const char **slot = copy ? hull_arena_push(&job->arena, (void **)&job->notes, &job->nnotes,
                                                   &job->capnotes, sizeof(*job->notes))
                                 : NULL;
        if (slot)
                *slot = copy;
        else
                job->notes_dropped++;
}

static size_t rec_str(struct hull_secrets_job_worker *w, const char *s, size_t n, bool *bad) {
        size_t off = w->recbuf.len;
        if (!s)
                return SIZE_MAX;
        if (hull_buf_put(&w->recbuf, s, n) || hull_buf_putc(&w->recbuf, 0))
                *bad = true;
        return off;
}

/* Keep a copy of hit h of the file being scanned, for the cache. */
static void record(struct hull_secrets_job_worker *w, const struct hull_secret_hit *h) {
        bool bad = false;
        if (w->nrec == w->caprec) {
                size_t ncap = w->caprec ? 2 * w->caprec : 8;
                struct rec_hit *v = hull_realloc(w->rec, ncap * sizeof(*v));
                if (!v) {
                        w->noted = true; /* not cached, the scan goes on */
                        return;
                }
                w->rec = v;
                w->caprec = ncap;
        }
        struct rec_hit *x = &w->rec[w->nrec];
        *x = (struct rec_hit){.rule = h->rule,
                              .secret_len = h->secret_len,
                              .offset = h->offset,
                              .line = h->line,
                              .col = h->col,
                              .end_line = h->end_line};
        x->secret = rec_str(w, h->secret, h->secret_len, &bad);
        x->encoding = rec_str(w, h->encoding, h->encoding ? strlen(h->encoding) : 0, &bad);
        x->inner = rec_str(w, h->inner, h->inner ? strlen(h->inner) : 0, &bad);
        if (bad)
                w->noted = true;
        else
                w->nrec++;
}

static int on_hit(void *ud, const struct hull_secret_hit *h) {
        struct hull_secrets_job_worker *w = ud;
        struct hull_secrets_job *job = w->job;
        const struct hull_secret_rule *r = h->rule;
        if (w->recording)
                record(w, h);
        char red[80], fp[65];
        struct hull_finding_secret sec = {
                .redacted = !job->opts.show,
                .inner = h->inner,
                .encoding = h->encoding,
        };
        struct hull_finding x = {
                .rule_id = r->id,
                .slug = "no-hardcoded-secrets",
                .title = r->title,
                .severity = r->severity,
                .fix = r->fix,
                .file = w->file,
                .line = h->line,
                .col = h->col,
                .end_line = h->end_line,
                .secret = &sec,
        };
        int ret;

        if (job->opts.allow && hull_secrets_allow_match(job->opts.allow, r->id,
                                                        w->layer || w->field ? w->path : w->file,
                                                        h->secret, h->secret_len, NULL)) {
                pthread_mutex_lock(&job->lock);
                job->allowed++;
                pthread_mutex_unlock(&job->lock);
                return HULL_OK;
        }
        if (job->opts.severity) {
                enum hull_severity s = job->opts.severity(job->opts.severity_ud, r);
                if (s != _HULL_SEV_INVALID)
                        x.severity = s;
        }
        hull_secret_redact(h->secret, h->secret_len, red, sizeof(red));
        fingerprint(r->id, w->layer || w->field ? w->path : w->file, h->inner, h->secret,
                    h->secret_len, fp);
        sec.fingerprint = fp;
        hull_buf_reset(&w->msg);
        HULL_TRY(hull_buf_printf(&w->msg, "%s: ", r->title));
        if (job->opts.show) {
                /* shown in full, control bytes made visible */
                for (size_t i = 0; i < h->secret_len; i++) {
                        unsigned char c = (unsigned char)h->secret[i];
                        HULL_TRY(c >= 0x20 && c != 0x7f ? hull_buf_putc(&w->msg, (char)c)
                                                        : hull_buf_printf(&w->msg, "\\x%02x", c));
                }
        } else {
                HULL_TRY(hull_buf_puts(&w->msg, red));
        }
        if (h->encoding)
                HULL_TRY(hull_buf_printf(&w->msg, " (%s)", h->encoding));
        HULL_TRY(hull_buf_putc(&w->msg, 0));
        x.message = w->msg.data;
        sec.value = job->opts.show ? NULL : red;
        if (job->opts.show) {
                /* the value itself, NUL-terminated copy (it may hold NULs: cut there) */
                size_t off = w->msg.len;
                HULL_TRY(hull_buf_put(&w->msg, h->secret, h->secret_len));
                HULL_TRY(hull_buf_putc(&w->msg, 0));
                x.message = w->msg.data;
                sec.value = w->msg.data + off;
        }
        if (w->layer) {
                x.image_path = w->path;
                x.has_layer = true;
                x.layer = w->layer->index;
                x.layer_digest = w->layer->diff_id;
                x.created_by = w->layer->history ? w->layer->history->created_by : NULL;
        }
        if (w->field) {
                x.image_field = w->field;
                x.line = x.col = x.end_line = 0;
        }
        pthread_mutex_lock(&job->lock);
        ret = hull_findings_add(job->out, &x);
        pthread_mutex_unlock(&job->lock);
        return ret;
}

static void on_note(void *ud, const char *path, const char *inner, const char *msg) {
        struct hull_secrets_job_worker *w = ud;
        char buf[1024];
        w->noted = true;
        if (w->layer)
                snprintf(buf, sizeof(buf), "layer %u: %s%s%s: %s", w->layer->index, path,
                         inner ? "!/" : "", inner ? inner : "", msg);
        else
                snprintf(buf, sizeof(buf), "%s%s%s: %s", path, inner ? "!/" : "",
                         inner ? inner : "", msg);
        pthread_mutex_lock(&w->job->lock);
        add_note(w->job, buf);
        pthread_mutex_unlock(&w->job->lock);
}

int hull_secrets_job_init(struct hull_secrets_job *job, const struct hull_secrets *set,
                          unsigned nworkers, const struct hull_secrets_job_opts *opts,
                          struct hull_findings *out) {
        memset(job, 0, sizeof(*job));
        job->set = set;
        job->opts = *opts;
        job->out = out;
        pthread_mutex_init(&job->lock, NULL);
        hull_arena_init(&job->arena, 16u << 20);
        hull_arena_init(&job->dd_arena, 256u << 20); /* full: files are no longer cached */
        if (nworkers == 0)
                nworkers = 1;
        job->workers = new0(struct hull_secrets_job_worker, nworkers);
        if (!job->workers)
                return HULL_ENOMEM;
        job->nworkers = nworkers;
        job->dd = new0(struct dd_entry *, DEDUPE_BUCKETS);
        if (!job->dd)
                return HULL_ENOMEM;
        for (unsigned i = 0; i < nworkers; i++) {
                struct hull_secrets_job_worker *w = &job->workers[i];
                w->job = job;
                hull_buf_init(&w->msg, 1u << 20);
                hull_buf_init(&w->fbuf, DEDUPE_MAX);
                hull_buf_init(&w->recbuf, 64u << 20);
                HULL_TRY(hull_content_walker_new(set, &w->walker));
        }
        return HULL_OK;
}

void hull_secrets_job_stats(struct hull_secrets_job *job, struct hull_secrets_stats *ret) {
        struct hull_secrets_stats t = {0};
        for (unsigned i = 0; job->workers && i < job->nworkers; i++) {
                struct hull_secrets_stats s;
                if (!job->workers[i].walker)
                        continue;
                hull_content_stats(job->workers[i].walker, &s);
                t.bytes += s.bytes;
                t.hits += s.hits;
                t.confirmed += s.confirmed;
                t.refused += s.refused;
                t.regex_limit += s.regex_limit;
                t.dropped += s.dropped;
        }
        *ret = t;
}

void hull_secrets_job_release(struct hull_secrets_job *job) {
        for (unsigned i = 0; job->workers && i < job->nworkers; i++) {
                hull_content_walker_free(job->workers[i].walker);
                hull_buf_release(&job->workers[i].msg);
                hull_buf_release(&job->workers[i].fbuf);
                hull_buf_release(&job->workers[i].recbuf);
                hull_free(job->workers[i].rec);
                hull_free(job->workers[i].path_copy);
        }
        hull_free(job->workers);
        job->workers = NULL;
        hull_free(job->dd);
        job->dd = NULL;
        hull_arena_release(&job->arena);
        hull_arena_release(&job->dd_arena);
        pthread_mutex_destroy(&job->lock);
}

static int walker_begin(struct hull_secrets_job_worker *w, uint64_t size);

static int worker_begin(struct hull_secrets_job_worker *w, const char *file, const char *path,
                        uint64_t size) {
        hull_free(w->path_copy);
        w->path_copy = hull_strdup(path);
        if (!w->path_copy)
                return HULL_ENOMEM;
        w->path = w->path_copy;
        w->file = w->layer ? w->job->img->ref : w->path_copy;
        (void)file;
        w->fsize = size;
        w->buffering = size > 0 && size <= DEDUPE_MAX;
        w->recording = false;
        if (w->buffering) {
                hull_buf_reset(&w->fbuf);
                return HULL_OK;
        }
        return walker_begin(w, size);
}

static int walker_begin(struct hull_secrets_job_worker *w, uint64_t size) {
        struct hull_content_opts co = {
                .max_file_bytes = w->job->opts.max_file_bytes,
                .hit = on_hit,
                .note = on_note,
                .ud = w,
        };
        return hull_content_begin(w->walker, w->path, size, &co);
}

/* ---- trees ------------------------------------------------------------------------- */

static int tree_begin(void *ud, unsigned worker, const char *path, uint64_t size,
                      struct hull_diag *d) {
        struct hull_secrets_job *job = ud;
        struct hull_secrets_job_worker *w = &job->workers[worker % job->nworkers];
        int r;
        w->layer = NULL;
        w->field = NULL;
        r = worker_begin(w, path, path, size);
        if (r)
                return hull_diag_set(d, r, path, 0, 0, "cannot scan for secrets: %s",
                                     hull_strerror(r));
        return HULL_OK;
}

/* Give the collected bytes to the walker and stream the rest. */
static int flush_collected(struct hull_secrets_job_worker *w) {
        w->buffering = false;
        HULL_TRY(walker_begin(w, w->fsize));
        return w->fbuf.len ? hull_content_data(w->walker, w->fbuf.data, w->fbuf.len) : HULL_OK;
}

static uint64_t base_hash(const char *path) {
        const char *b = strrchr(path, '/');
        uint64_t h = 1469598103934665603ull;
        for (b = b ? b + 1 : path; *b; b++)
                h = (h ^ (unsigned char)*b) * 1099511628211ull;
        return h;
}

/* A collected file: replay the hits of an earlier equal one, or scan it and
 * cache its hits. */
static int end_collected(struct hull_secrets_job_worker *w) {
        struct hull_secrets_job *job = w->job;
        uint64_t crc = crc64_ecma_refl(0, (const unsigned char *)w->fbuf.data, w->fbuf.len);
        uint64_t cls = hull_secrets_path_class(hull_content_scanner(w->walker), w->path);
        uint64_t base = base_hash(w->path), size = w->fbuf.len;
        size_t b = (size_t)((crc ^ cls ^ base) & (DEDUPE_BUCKETS - 1));
        const struct dd_entry *e;

        w->buffering = false;
        pthread_mutex_lock(&job->lock);
        for (e = job->dd[b]; e; e = e->next)
                if (e->crc == crc && e->size == size && e->cls == cls && e->base == base)
                        break;
        if (e) {
                job->dedup_files++;
                job->dedup_bytes += size;
        }
        pthread_mutex_unlock(&job->lock);
        if (e) {
                /* entries never change once in the table */
                for (size_t i = 0; i < e->nhits; i++) {
                        const struct dd_hit *x = &e->hits[i];
                        struct hull_secret_hit h = {
                                .rule = x->rule,
                                .secret = x->secret,
                                .secret_len = x->secret_len,
                                .match = x->secret,
                                .match_len = x->secret_len,
                                .offset = x->offset,
                                .line = x->line,
                                .col = x->col,
                                .end_line = x->end_line,
                                .encoding = x->encoding,
                                .inner = x->inner,
                        };
                        HULL_TRY(on_hit(w, &h));
                }
                return HULL_OK;
        }
        w->recording = true;
        w->noted = false;
        w->nrec = 0;
        hull_buf_reset(&w->recbuf);
        int r = walker_begin(w, size);
        if (!r && size)
                r = hull_content_data(w->walker, w->fbuf.data, w->fbuf.len);
        int r2 = hull_content_end(w->walker);
        w->recording = false;
        HULL_TRY(r ? r : r2);
        if (w->noted)
                return HULL_OK;
        /* cache it (a concurrent equal file may have won: both are kept, the
         * older first in the chain) */
        pthread_mutex_lock(&job->lock);
        struct dd_entry *ne = hull_arena_alloc(&job->dd_arena, sizeof(*ne));
        struct dd_hit *hits =
                w->nrec ? hull_arena_alloc(&job->dd_arena, w->nrec * sizeof(*hits)) : NULL;
        char *strs = w->recbuf.len ? hull_arena_alloc(&job->dd_arena, w->recbuf.len) : NULL;
        if (ne && (hits || !w->nrec) && (strs || !w->recbuf.len)) {
                if (strs)
                        memcpy(strs, w->recbuf.data, w->recbuf.len);
                for (size_t i = 0; i < w->nrec; i++) {
                        const struct rec_hit *x = &w->rec[i];
                        hits[i] = (struct dd_hit){
                                .rule = x->rule,
                                .secret = strs + x->secret,
                                .secret_len = x->secret_len,
                                .encoding = x->encoding == SIZE_MAX ? NULL : strs + x->encoding,
                                .inner = x->inner == SIZE_MAX ? NULL : strs + x->inner,
                                .offset = x->offset,
                                .line = x->line,
                                .col = x->col,
                                .end_line = x->end_line,
                        };
                }
                *ne = (struct dd_entry){crc, size, cls, base, hits, w->nrec, job->dd[b]};
                job->dd[b] = ne;
        }
        pthread_mutex_unlock(&job->lock);
        return HULL_OK;
}

static int tree_data(void *ud, unsigned worker, const void *buf, size_t n, struct hull_diag *d) {
        struct hull_secrets_job *job = ud;
        struct hull_secrets_job_worker *w = &job->workers[worker % job->nworkers];
        int r;
        if (w->buffering && w->fbuf.len + n <= DEDUPE_MAX) {
                r = hull_buf_put(&w->fbuf, buf, n);
        } else {
                /* not collected, or it grew past the limit: stream it */
                r = w->buffering ? flush_collected(w) : HULL_OK;
                if (!r)
                        r = hull_content_data(w->walker, buf, n);
        }
        if (r)
                return hull_diag_set(d, r, w->file, 0, 0, "cannot scan for secrets: %s",
                                     hull_strerror(r));
        return HULL_OK;
}

static int tree_end(void *ud, unsigned worker, struct hull_diag *d) {
        struct hull_secrets_job *job = ud;
        struct hull_secrets_job_worker *w = &job->workers[worker % job->nworkers];
        int r = w->buffering ? end_collected(w) : hull_content_end(w->walker);
        if (r)
                return hull_diag_set(d, r, w->file, 0, 0, "cannot scan for secrets: %s",
                                     hull_strerror(r));
        pthread_mutex_lock(&job->lock);
        job->files++;
        pthread_mutex_unlock(&job->lock);
        return HULL_OK;
}

static void tree_note(void *ud, const char *path, const char *msg) {
        struct hull_secrets_job *job = ud;
        char buf[1024];
        snprintf(buf, sizeof(buf), "%s: %s", path, msg);
        /* the tree walker serialises notes but another worker may add one */
        pthread_mutex_lock(&job->lock);
        add_note(job, buf);
        pthread_mutex_unlock(&job->lock);
}

const struct hull_tree_visitor hull_secrets_job_tree_visitor = {
        .begin = tree_begin,
        .data = tree_data,
        .end = tree_end,
        .note = tree_note,
};

int hull_secrets_job_fd(struct hull_secrets_job *job, const char *name, int fd,
                        struct hull_diag *d) {
        static char buf[1u << 18];
        int r = tree_begin(job, 0, name, UINT64_MAX, d);
        while (!r) {
                ssize_t k = read(fd, buf, sizeof(buf));
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        r = hull_diag_errno(d, HULL_EIO, errno, name, "cannot read");
                        break;
                }
                if (k == 0)
                        break;
                r = tree_data(job, 0, buf, (size_t)k, d);
        }
        int r2 = tree_end(job, 0, r ? NULL : d);
        return r ? r : r2;
}

/* ---- images ------------------------------------------------------------------------- */

static int scan_begin(void *ud, unsigned worker, const struct hull_entry *e,
                      const struct hull_image_layer *layer, struct hull_diag *d) {
        struct hull_secrets_job *job = ud;
        struct hull_secrets_job_worker *w = &job->workers[worker % job->nworkers];
        w->layer = layer;
        w->field = NULL;
        int r = worker_begin(w, job->img->ref, e->path, e->size);
        if (r)
                return hull_diag_set(d, r, job->img->ref, 0, 0,
                                     "layer %u: %s: cannot scan for secrets: %s", layer->index,
                                     e->path, hull_strerror(r));
        return HULL_OK;
}

static int scan_data(void *ud, unsigned worker, const void *buf, size_t n, struct hull_diag *d) {
        return tree_data(ud, worker, buf, n, d);
}

static int scan_end(void *ud, unsigned worker, struct hull_diag *d) {
        return tree_end(ud, worker, d);
}

struct hull_scan_visitor hull_secrets_job_scan_visitor(struct hull_secrets_job *job,
                                                       const struct hull_image *img) {
        job->img = img;
        return (struct hull_scan_visitor){
                .name = "secrets",
                .ud = job,
                .begin = scan_begin,
                .data = scan_data,
                .end = scan_end,
        };
}

/* The incarnation of path that layer `layer` wrote, or NULL. */
static const struct hull_layers_node *incarnation(const struct hull_layers *L, const char *path,
                                                  unsigned layer) {
        const struct hull_layers_node *n = NULL;
        if (hull_layers_get(L, path, &n) != HULL_OK)
                return NULL;
        for (; n; n = hull_layers_node_prev(n))
                if (hull_layers_node_added_in(n) <= layer)
                        return n;
        return NULL;
}

static int scan_string(struct hull_secrets_job *job, const char *field, const char *s, size_t n) {
        struct hull_secrets_job_worker *w = &job->workers[0];
        struct hull_diag d;
        hull_diag_init(&d);
        w->layer = NULL;
        w->field = field;
        hull_free(w->path_copy);
        w->path_copy = hull_strdup(field);
        if (!w->path_copy)
                return HULL_ENOMEM;
        w->path = w->path_copy;
        w->file = job->img->ref;
        struct hull_content_opts co = {.hit = on_hit, .note = on_note, .ud = w};
        HULL_TRY(hull_content_begin(w->walker, NULL, n, &co));
        int r = hull_content_data(w->walker, s, n);
        int r2 = hull_content_end(w->walker);
        w->field = NULL;
        return r ? r : r2;
}

int hull_secrets_job_image_finish(struct hull_secrets_job *job, const struct hull_scan *scan,
                                  bool config) {
        const struct hull_layers *L = hull_scan_layers(scan);
        const struct hull_image *img = job->img;
        char field[64];

        for (size_t i = 0; i < job->out->n; i++) {
                struct hull_finding *x = &job->out->v[i];
                if (!x->secret || !x->has_layer || !x->image_path)
                        continue;
                const struct hull_layers_node *n = incarnation(L, x->image_path, x->layer);
                unsigned del = n ? hull_layers_node_deleted_in(n) : HULL_LAYERS_NONE;
                if (del != HULL_LAYERS_NONE) {
                        x->deleted = true;
                        x->deleted_in = del;
                }
        }
        if (!config || !img->config)
                return HULL_OK;
        for (size_t i = 0; i < img->config->config.nenv; i++) {
                snprintf(field, sizeof(field), "config.Env[%zu]", i);
                HULL_TRY(scan_string(job, field, img->config->config.env[i],
                                     strlen(img->config->config.env[i])));
        }
        for (size_t i = 0; i < img->config->config.nlabels; i++) {
                const struct hull_oci_annotation *a = &img->config->config.labels[i];
                struct hull_buf b = HULL_BUF_INIT(1u << 24);
                snprintf(field, sizeof(field), "config.Labels[%zu]", i);
                int r = hull_buf_printf(&b, "%s=%s", a->key, a->value);
                if (!r)
                        r = scan_string(job, field, b.data, b.len);
                hull_buf_release(&b);
                HULL_TRY(r);
        }
        for (size_t i = 0; i < img->config->nhistory; i++) {
                const char *cb = img->config->history[i].created_by;
                if (!cb)
                        continue;
                snprintf(field, sizeof(field), "history[%zu].created_by", i);
                HULL_TRY(scan_string(job, field, cb, strlen(cb)));
        }
        return HULL_OK;
}
