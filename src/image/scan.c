/* scan.c - every layer of an image read once, in parallel, into the layered
 * file-system model (scan.h).
 *
 * Threads: nthreads workers take layers largest blob first (so the big
 * layers do not end up alone at the tail while other cores idle) and run
 * source -> filter -> tar walker on them; the calling thread ("the
 * applier") feeds the model strictly in layer order.  They share one mutex,
 * taken per 256 KiB block of metadata, per note and per finished layer,
 * never per entry or per content block.
 *
 * Metadata travels in a per-layer log: fixed 32-byte records followed by the
 * path and link strings, packed into 256 KiB blocks.  A worker hands a block
 * over when it is full; the applier consumes the blocks of the lowest
 * unfinished layer (the head) as they arrive, so a huge head layer never
 * piles up, and the blocks of later layers wait until their turn.  Workers
 * ahead of the head stop producing while more than MAX_BUFFERED bytes wait
 * and the head is being read (the head's worker never waits, so this cannot
 * deadlock; while the head is not started nobody waits, and a worker picking
 * its next layer under that pressure takes the head): memory is the
 * workers' pipelines plus the model plus about MAX_BUFFERED of log.
 *
 * Content goes from the tar walker's blocks (pointers into the filter's
 * output buffer) straight to the visitors; the capture copies what it keeps.
 * Captures are sorted per layer by path when the layer is applied and kept in
 * one array ordered by (layer, path): bsearch lookups, no hash to flood.
 *
 * Stopping: the first failure sets `stop`, which workers check between
 * entries, between content blocks and while waiting for room; the applier
 * stops at its next turn.  Only the first failure is reported. */
#include "image/scan.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "basic/err.h"
#include "basic/limits.h"
#include "image/tar.h"

#define LOG_BLOCK_BYTES (256u * 1024)
#ifndef MAX_BUFFERED                /* tests build with a small one to exercise the waiting */
#define MAX_BUFFERED (256ull << 20) /* log bytes waiting for the applier */
#endif
#define MAX_THREADS 256u          /* workers, whatever opts->threads says */
#define PROGRESS_NS 100000000ll   /* progress callback period */
#define PROGRESS_BYTES (1u << 20) /* workers publish read bytes in steps of this */
#define APPLY_CHECK 4096u         /* entries applied between progress checks */
#define STOPPED (-1)              /* a worker gave up because another failed */

/* --- the per-layer metadata log ------------------------------------------ */

#define REC_NO_LINK 0xffffu

/* One entry; followed by path, NUL, and (unless link_len is REC_NO_LINK)
 * link, NUL; padded to 8 bytes.  mtime is not kept: the model drops it. */
struct rec {
        uint64_t size;
        uint32_t mode, uid, gid;
        uint16_t path_len, link_len;
        uint8_t type, fixed;
};

struct block {
        struct block *next;
        size_t used;
        _Alignas(8) unsigned char data[];
};

static size_t rec_bytes(size_t plen, size_t llen, bool link) {
        size_t n = sizeof(struct rec) + plen + 1 + (link ? llen + 1 : 0);
        return (n + 7) & ~(size_t)7;
}

static void blocks_free(struct block *b) {
        while (b) {
                struct block *next = b->next;
                hull_free(b);
                b = next;
        }
}

/* --- state --------------------------------------------------------------- */

struct capture {
        char *path;
        char *data; /* NUL-terminated */
        size_t n;
        size_t cost; /* charged to the capture budget */
        unsigned layer;
        size_t seq; /* order inside the layer: the last one wins */
};

enum job_state { JOB_PENDING, JOB_STARTED, JOB_DONE, JOB_FAILED };

struct job {
        unsigned index;
        char prefix[48]; /* "layer N (sha256:abcdef012345)" */
        char *blob;      /* the source's name, for messages */

        /* under run.mu */
        enum job_state state;
        struct block *ready, **ready_tail; /* full blocks for the applier */
        char **notes;
        size_t nnotes, notes_cap;
        uint64_t notes_dropped;

        /* the worker's until the job is done, then the applier's */
        struct block *cur;
        struct capture *caps;
        size_t ncaps, caps_cap;
        struct hull_scan_layer_stats st;
        uint64_t visited, skipped_large;
        uint64_t in_reported;  /* blob bytes added to run.done_bytes */
        struct hull_diag diag; /* source, filter and tar share it */
};

struct hull_scan {
        const struct hull_image *img;
        struct hull_layers *L;
        struct hull_scan_layer_stats *lstats;
        char **notes;
        size_t nnotes;
        uint64_t notes_dropped;
        struct capture *caps; /* sorted by (layer, path) */
        size_t ncaps, caps_cap;
        struct hull_scan_stats st;
};

struct run {
        struct hull_scan *s;
        const struct hull_image *img;
        struct hull_scan_opts opts;
        uint64_t max_file;
        size_t capture_max;
        struct job *jobs;
        size_t njobs;

        pthread_mutex_t mu;
        pthread_cond_t cv_main; /* the applier: a block, a finished layer, a failure */
        pthread_cond_t cv_room; /* workers: the head moved or buffered bytes were freed */
        unsigned head;          /* mu: the layer being applied */
        uint64_t buffered;      /* mu: log bytes handed over and not yet applied */
        bool failed;            /* mu */
        int err;                /* mu: the first failure */
        struct hull_diag err_diag;

        size_t *order;    /* job indices, largest blob first */
        size_t next_pick; /* mu: position in order */
        atomic_bool stop;
        atomic_uint_fast64_t done_bytes;
        atomic_uint_fast64_t capture_bytes;
};

struct worker {
        struct run *R;
        unsigned index;
        pthread_t tid;
        bool *active; /* per visitor, for the current file */
};

static int64_t now_ns(void) {
        struct timespec ts;
        (void)clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* --- notes and failures ------------------------------------------------- */

static void note_push(char ***notes, size_t *n, size_t *cap, uint64_t *dropped, char *s) {
        if (!s || *n >= HULL_SCAN_MAX_NOTES) {
                hull_free(s);
                (*dropped)++;
                return;
        }
        if (*n == *cap) {
                size_t ncap = *cap ? *cap * 2 : 16;
                char **p = hull_realloc(*notes, ncap * sizeof(*p));
                if (!p) {
                        hull_free(s);
                        (*dropped)++;
                        return;
                }
                *notes = p;
                *cap = ncap;
        }
        (*notes)[(*n)++] = s;
}

/* A note for layer j: "layer N (sha256:…): msg".  Any thread. */
static void job_note(struct run *R, struct job *j, const char *fmt, ...) _printf_(3, 4);
static void job_note(struct run *R, struct job *j, const char *fmt, ...) {
        char msg[768], *s;
        va_list ap;
        int k = snprintf(msg, sizeof(msg), "%s: ", j->prefix);

        va_start(ap, fmt);
        vsnprintf(msg + k, sizeof(msg) - (size_t)k, fmt, ap);
        va_end(ap);
        s = hull_strdup(msg);
        pthread_mutex_lock(&R->mu);
        note_push(&j->notes, &j->nnotes, &j->notes_cap, &j->notes_dropped, s);
        pthread_mutex_unlock(&R->mu);
}

/* Record the first failure (d: its details, for layer j or none) and stop
 * everyone.  Takes the lock. */
static void run_fail(struct run *R, struct job *j, int code, const struct hull_diag *d) {
        pthread_mutex_lock(&R->mu);
        if (!R->failed) {
                R->failed = true;
                R->err = code;
                hull_diag_init(&R->err_diag);
                if (d)
                        R->err_diag = *d;
                R->err_diag.code = code;
                if (j) {
                        char msg[sizeof(R->err_diag.msg)];
                        const char *m = d && d->msg[0] ? d->msg : hull_strerror(code);
                        /* name the blob in the message when no offset will print
                         * d->file before it (a digest mismatch has none) */
                        bool named = j->blob && (!d || d->offset == ~0ULL);
                        size_t k = (size_t)snprintf(msg, sizeof(msg),
                                                    "%.200s%slayer %u: ", named ? j->blob : "",
                                                    named ? ": " : "", j->index);
                        size_t mlen = strnlen(m, sizeof(msg) - 1 - k);
                        memcpy(msg + k, m, mlen);
                        msg[k + mlen] = '\0';
                        memcpy(R->err_diag.msg, msg, sizeof(msg));
                        if (j->blob)
                                snprintf(R->err_diag.file, sizeof(R->err_diag.file), "%s", j->blob);
                }
        }
        atomic_store(&R->stop, true);
        pthread_cond_broadcast(&R->cv_main);
        pthread_cond_broadcast(&R->cv_room);
        pthread_mutex_unlock(&R->mu);
}

/* --- worker: metadata ----------------------------------------------------- */

/* Hand the open block to the applier; a worker ahead of the head then waits
 * while too much is buffered.  final: the layer is done, never wait. */
static int publish(struct run *R, struct job *j, bool final) {
        struct block *b = TAKE_PTR(j->cur);
        int r = HULL_OK;

        pthread_mutex_lock(&R->mu);
        if (b) {
                *j->ready_tail = b;
                j->ready_tail = &b->next;
                R->buffered += LOG_BLOCK_BYTES;
                if (j->index == R->head)
                        pthread_cond_signal(&R->cv_main);
        }
        while (!final && j->index != R->head && R->buffered > MAX_BUFFERED &&
               R->jobs[R->head].state != JOB_PENDING &&
               !atomic_load_explicit(&R->stop, memory_order_relaxed))
                pthread_cond_wait(&R->cv_room, &R->mu);
        if (atomic_load_explicit(&R->stop, memory_order_relaxed))
                r = STOPPED;
        pthread_mutex_unlock(&R->mu);
        return r;
}

static int log_add(struct run *R, struct job *j, const struct hull_entry *e) {
        size_t plen = strlen(e->path), llen = e->link ? strlen(e->link) : 0;
        size_t need = rec_bytes(plen, llen, e->link != NULL);
        struct rec *rec;
        unsigned char *p;

        /* the walker never hands out longer names (tar.h) */
        if (plen > HULL_MAX_PATH_BYTES || llen > HULL_MAX_PATH_BYTES)
                return hull_diag_set(&j->diag, HULL_EINTERNAL, j->blob, 0, 0,
                                     "entry name longer than %u bytes", HULL_MAX_PATH_BYTES);
        if (j->cur && LOG_BLOCK_BYTES - offsetof(struct block, data) - j->cur->used < need)
                HULL_TRY(publish(R, j, false));
        if (!j->cur) {
                j->cur = hull_malloc(LOG_BLOCK_BYTES);
                if (!j->cur)
                        return hull_diag_set(&j->diag, HULL_ENOMEM, j->blob, 0, 0, "out of memory");
                j->cur->next = NULL;
                j->cur->used = 0;
        }
        p = j->cur->data + j->cur->used;
        rec = (struct rec *)(void *)p;
        *rec = (struct rec){
                .size = e->size,
                .mode = e->mode,
                .uid = e->uid,
                .gid = e->gid,
                .path_len = (uint16_t)plen,
                .link_len = e->link ? (uint16_t)llen : REC_NO_LINK,
                .type = (uint8_t)e->type,
                .fixed = e->name_was_fixed,
        };
        p += sizeof(*rec);
        memcpy(p, e->path, plen + 1);
        if (e->link)
                memcpy(p + plen + 1, e->link, llen + 1);
        j->cur->used += need;
        return HULL_OK;
}

/* --- worker: content ------------------------------------------------------- */

static bool stopping(struct run *R) {
        return atomic_load_explicit(&R->stop, memory_order_relaxed);
}

static void report_bytes(struct run *R, struct job *j, const struct hull_filter *f, bool force) {
        uint64_t in = hull_filter_stats(f)->in_bytes;

        if (in - j->in_reported >= PROGRESS_BYTES || (force && in > j->in_reported)) {
                atomic_fetch_add_explicit(&R->done_bytes, in - j->in_reported,
                                          memory_order_relaxed);
                j->in_reported = in;
        }
}

static void format_size(uint64_t n, char *buf, size_t size) {
        if (n >= (1ull << 30))
                snprintf(buf, size, "%llu bytes (%.1f GiB)", (unsigned long long)n,
                         (double)n / (double)(1ull << 30));
        else if (n >= (1u << 20))
                snprintf(buf, size, "%llu bytes (%.1f MiB)", (unsigned long long)n,
                         (double)n / (double)(1u << 20));
        else
                snprintf(buf, size, "%llu bytes", (unsigned long long)n);
}

static void format_limit(uint64_t n, char *buf, size_t size) {
        if (n >= (1u << 20) && n % (1u << 20) == 0)
                snprintf(buf, size, "%llu MiB", (unsigned long long)(n >> 20));
        else if (n >= 1024 && n % 1024 == 0)
                snprintf(buf, size, "%llu KiB", (unsigned long long)(n >> 10));
        else
                snprintf(buf, size, "%llu bytes", (unsigned long long)n);
}

/* Does the capture take this file?  Reserves its budget when it does. */
static bool capture_wanted(struct run *R, struct job *j, const struct hull_entry *e,
                           size_t *ret_cost) {
        char sz[64], lim[32];
        size_t cost;
        uint64_t before;

        if (!R->opts.capture || !R->opts.capture(R->opts.capture_ud, e->path, e->size))
                return false;
        if (e->size > R->capture_max || e->size > R->max_file) {
                format_size(e->size, sz, sizeof(sz));
                format_limit(R->capture_max < R->max_file ? R->capture_max : R->max_file, lim,
                             sizeof(lim));
                job_note(R, j, "%.300s: not captured: %s, larger than the %s capture limit",
                         e->path, sz, lim);
                return false;
        }
        cost = (size_t)e->size + strlen(e->path) + 1 + sizeof(struct capture);
        before = atomic_fetch_add(&R->capture_bytes, cost);
        if (before + cost > HULL_MAX_CAPTURE_TOTAL) {
                atomic_fetch_sub(&R->capture_bytes, cost);
                format_limit(HULL_MAX_CAPTURE_TOTAL, lim, sizeof(lim));
                job_note(R, j, "%.300s: not captured: the %s capture budget of the scan is used up",
                         e->path, lim);
                return false;
        }
        *ret_cost = cost;
        return true;
}

static int visitor_failed(struct run *R, struct job *j, const struct hull_scan_visitor *v,
                          const char *path, int r, struct hull_diag *vd) {
        struct hull_diag d;

        if (r == STOPPED || r == HULL_OK)
                r = HULL_EINTERNAL; /* a visitor must return a hull_err */
        hull_diag_init(&d);
        hull_diag_set(&d, r, j->blob, 0, 0, "%s: %.300s: %s", v->name ? v->name : "visitor", path,
                      vd->msg[0] ? vd->msg : hull_strerror(r));
        run_fail(R, j, r, &d);
        return STOPPED;
}

static int scan_file(struct worker *w, struct job *j, struct hull_tar *t,
                     const struct hull_entry *e) {
        struct run *R = w->R;
        const struct hull_scan_visitor *vis = R->opts.visitors;
        const struct hull_image_layer *layer = &R->img->layers[j->index];
        size_t nactive = 0, cost = 0, got = 0;
        struct hull_diag vd;
        char *buf = NULL;
        bool cap;
        int r;

        for (size_t i = 0; i < R->opts.nvisitors; i++) {
                w->active[i] = !vis[i].want || vis[i].want(vis[i].ud, e);
                nactive += w->active[i];
        }
        if (nactive && e->size > R->max_file) {
                char sz[64], lim[32];
                format_size(e->size, sz, sizeof(sz));
                format_limit(R->max_file, lim, sizeof(lim));
                job_note(R, j, "%.300s: %s, larger than the %s limit: not scanned", e->path, sz,
                         lim);
                j->skipped_large++;
                nactive = 0;
        }
        cap = capture_wanted(R, j, e, &cost);
        if (!nactive && !cap)
                return HULL_OK; /* the walker skips the content */
        if (cap) {
                buf = hull_malloc((size_t)e->size + 1);
                if (!buf) {
                        atomic_fetch_sub(&R->capture_bytes, cost);
                        return hull_diag_set(&j->diag, HULL_ENOMEM, j->blob, 0, 0, "out of memory");
                }
        }
        hull_diag_init(&vd);
        for (size_t i = 0; i < R->opts.nvisitors; i++)
                if (w->active[i] && vis[i].begin &&
                    (r = vis[i].begin(vis[i].ud, w->index, e, layer, &vd)) != HULL_OK) {
                        r = visitor_failed(R, j, &vis[i], e->path, r, &vd);
                        goto fail;
                }
        for (;;) {
                const void *b;
                size_t n;

                if (stopping(R)) {
                        r = STOPPED;
                        goto fail;
                }
                r = hull_tar_read_block(t, &b, &n);
                if (r != HULL_OK)
                        goto fail;
                if (n == 0)
                        break;
                for (size_t i = 0; i < R->opts.nvisitors; i++)
                        if (w->active[i] && vis[i].data &&
                            (r = vis[i].data(vis[i].ud, w->index, b, n, &vd)) != HULL_OK) {
                                r = visitor_failed(R, j, &vis[i], e->path, r, &vd);
                                goto fail;
                        }
                if (buf) {
                        size_t k = n <= e->size - got ? n : (size_t)(e->size - got);
                        memcpy(buf + got, b, k);
                        got += k;
                }
        }
        for (size_t i = 0; i < R->opts.nvisitors; i++)
                if (w->active[i] && vis[i].end &&
                    (r = vis[i].end(vis[i].ud, w->index, &vd)) != HULL_OK) {
                        r = visitor_failed(R, j, &vis[i], e->path, r, &vd);
                        goto fail;
                }
        if (nactive)
                j->visited++;
        if (buf) {
                struct capture *c;
                if (j->ncaps == j->caps_cap) {
                        size_t ncap = j->caps_cap ? j->caps_cap * 2 : 8;
                        c = hull_realloc(j->caps, ncap * sizeof(*c));
                        if (!c)
                                goto nomem;
                        j->caps = c;
                        j->caps_cap = ncap;
                }
                c = &j->caps[j->ncaps];
                *c = (struct capture){
                        .path = hull_strdup(e->path),
                        .data = buf,
                        .n = got,
                        .cost = cost,
                        .layer = j->index,
                        .seq = j->ncaps,
                };
                if (!c->path)
                        goto nomem;
                buf[got] = '\0';
                j->ncaps++;
        }
        return HULL_OK;
nomem:
        r = hull_diag_set(&j->diag, HULL_ENOMEM, j->blob, 0, 0, "out of memory");
fail:
        if (buf) {
                hull_free(buf);
                atomic_fetch_sub(&R->capture_bytes, cost);
        }
        return r;
}

/* --- worker: one layer ----------------------------------------------------- */

static void on_tar_warning(void *ud, uint64_t offset, const char *msg) {
        void **pair = ud;
        job_note(pair[0], pair[1], "%s (tar offset %llu)", msg, (unsigned long long)offset);
}

static void filter_notes(struct run *R, struct job *j, const struct hull_filter *f,
                         unsigned *seen) {
        unsigned now = hull_filter_stats(f)->warnings;

        if (now > *seen) {
                if (now - *seen > 1)
                        job_note(R, j, "%s (and %u more decompression warnings)",
                                 hull_filter_last_warning(f), now - *seen - 1);
                else
                        job_note(R, j, "%s", hull_filter_last_warning(f));
                *seen = now;
        }
}

static int scan_layer(struct worker *w, struct job *j) {
        struct run *R = w->R;
        const struct hull_image_layer *layer = &R->img->layers[j->index];
        _cleanup_(hull_tar_freep) struct hull_tar *t = NULL;
        struct hull_source *src = NULL;
        struct hull_filter *f = NULL;
        struct hull_filter_opts fo = {
                .media_type = layer->media_type,
                .no_in_digest = !layer->digest || R->opts.skip_verify,
                .no_out_digest = R->opts.skip_verify,
                .async_out_digest = true,
        };
        const struct hull_filter_stats *fs;
        void *warn_ud[2] = {R, j};
        unsigned fwarn = 0;
        int64_t t0 = now_ns();

        HULL_TRY(hull_image_layer_source(R->img, j->index, &src, &j->diag));
        j->blob = hull_strdup(hull_source_name(src));
        if (!j->blob) {
                hull_source_free(src);
                return hull_diag_set(&j->diag, HULL_ENOMEM, NULL, 0, 0, "out of memory");
        }
        HULL_TRY(hull_filter_new(&f, src, &fo, &j->diag));
        HULL_TRY(hull_tar_open(&t, f, j->index, NULL, &j->diag));
        hull_tar_set_warning_cb(t, on_tar_warning, warn_ud);
        filter_notes(R, j, f, &fwarn); /* the media type disagreed with the bytes */
        for (;;) {
                const struct hull_entry *e;

                if (stopping(R))
                        return STOPPED;
                report_bytes(R, j, f, false);
                HULL_TRY(hull_tar_next(t, &e));
                if (!e)
                        break;
                HULL_TRY(log_add(R, j, e));
                if (e->type == HULL_ENTRY_FILE) {
                        j->st.files_bytes += e->size;
                        HULL_TRY(scan_file(w, j, t, e));
                }
        }
        HULL_TRY(hull_tar_close(t));
        report_bytes(R, j, f, true);
        filter_notes(R, j, f, &fwarn);
        if (!R->opts.skip_verify) {
                if (layer->digest) {
                        HULL_TRY(hull_filter_check_digest(f, HULL_FILTER_DIGEST_IN, layer->digest));
                        j->st.blob_verified = true;
                }
                if (layer->diff_id) {
                        HULL_TRY(hull_filter_check_digest(f, HULL_FILTER_DIGEST_OUT,
                                                          layer->diff_id));
                        j->st.diff_id_verified = true;
                }
        }
        fs = hull_filter_stats(f);
        j->st.compression = fs->kind;
        j->st.blob_bytes = fs->in_bytes;
        j->st.tar_bytes = fs->out_bytes;
        j->st.entries = hull_tar_stats(t)->entries;
        j->st.seconds = (double)(now_ns() - t0) / 1e9;
        return HULL_OK;
}

/* The next layer to read: the largest blob not started, or, while much log
 * waits for an unstarted head, the head.  NULL when every layer is taken. */
static struct job *take_job(struct run *R) {
        struct job *j = NULL;

        pthread_mutex_lock(&R->mu);
        if (R->head < R->njobs && R->jobs[R->head].state == JOB_PENDING &&
            R->buffered > MAX_BUFFERED / 2)
                j = &R->jobs[R->head];
        while (!j && R->next_pick < R->njobs) {
                struct job *c = &R->jobs[R->order[R->next_pick++]];
                if (c->state == JOB_PENDING)
                        j = c;
        }
        if (j)
                j->state = JOB_STARTED;
        pthread_mutex_unlock(&R->mu);
        return j;
}

static int cmp_blob_desc(const void *a, const void *b, void *ud) {
        const struct hull_image *img = ud;
        size_t x = *(const size_t *)a, y = *(const size_t *)b;
        uint64_t sx = img->layers[x].size, sy = img->layers[y].size;
        if (sx != sy)
                return sx > sy ? -1 : 1;
        return x < y ? -1 : x > y;
}

static void *worker_main(void *arg) {
        struct worker *w = arg;
        struct run *R = w->R;

        while (!stopping(R)) {
                struct job *j = take_job(R);
                int r;

                if (!j)
                        break;
                r = scan_layer(w, j);
                if (r == HULL_OK)
                        r = publish(R, j, true);
                if (r != HULL_OK && r != STOPPED) {
                        run_fail(R, j, r, &j->diag);
                        r = STOPPED;
                }
                pthread_mutex_lock(&R->mu);
                j->state = r == HULL_OK ? JOB_DONE : JOB_FAILED;
                pthread_cond_signal(&R->cv_main);
                pthread_mutex_unlock(&R->mu);
        }
        return NULL;
}

/* --- applier --------------------------------------------------------------- */

static void progress(struct run *R, unsigned done) {
        if (R->opts.progress)
                R->opts.progress(R->opts.progress_ud, atomic_load(&R->done_bytes),
                                 R->img->blob_bytes, done, (unsigned)R->njobs);
}

/* Feed the records of blocks b... to the model and free the blocks. */
static int apply_blocks(struct run *R, struct job *j, struct block *b, int64_t *next_progress) {
        struct hull_layers *L = R->s->L;
        struct hull_diag ad;
        unsigned count = 0;
        int r = HULL_OK;

        hull_diag_init(&ad);
        while (b && r == HULL_OK) {
                struct block *next = b->next;

                for (size_t o = 0; o < b->used;) {
                        const struct rec *rec = (const struct rec *)(const void *)(b->data + o);
                        const char *path = (const char *)(rec + 1);
                        struct hull_entry e = {
                                .type = (enum hull_entry_type)rec->type,
                                .path = path,
                                .link = rec->link_len == REC_NO_LINK ? NULL
                                                                     : path + rec->path_len + 1,
                                .size = rec->size,
                                .mode = rec->mode,
                                .uid = rec->uid,
                                .gid = rec->gid,
                                .layer = j->index,
                                .name_was_fixed = rec->fixed,
                        };

                        o += rec_bytes(rec->path_len,
                                       rec->link_len == REC_NO_LINK ? 0 : rec->link_len,
                                       rec->link_len != REC_NO_LINK);
                        r = hull_layers_add(L, &e, &ad);
                        if (r == HULL_EPARSE) { /* a bad entry: the model is unchanged */
                                job_note(R, j, "%s", ad.msg);
                                hull_diag_init(&ad);
                                r = HULL_OK;
                        }
                        if (r != HULL_OK) {
                                run_fail(R, j, r, &ad);
                                break;
                        }
                        if (++count % APPLY_CHECK == 0 && now_ns() >= *next_progress) {
                                progress(R, j->index);
                                *next_progress = now_ns() + PROGRESS_NS;
                        }
                }
                hull_free(b);
                b = next;
        }
        blocks_free(b); /* what a failure left */
        return r;
}

static int capture_cmp(const void *a, const void *b) {
        const struct capture *x = a, *y = b;
        int c;

        if (x->layer != y->layer)
                return x->layer < y->layer ? -1 : 1;
        c = strcmp(x->path, y->path);
        if (c)
                return c;
        return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void capture_release(struct run *R, struct capture *c) {
        atomic_fetch_sub(&R->capture_bytes, c->cost);
        hull_free(c->path);
        hull_free(c->data);
}

/* The layer's captures: the last one per path wins, and only if that path
 * is still the regular file the layer left (not replaced later in the same
 * layer, not a rejected entry). */
static int apply_captures(struct run *R, struct job *j) {
        struct hull_scan *s = R->s;

        if (j->ncaps == 0)
                return HULL_OK;
        qsort(j->caps, j->ncaps, sizeof(*j->caps), capture_cmp);
        for (size_t i = 0; i < j->ncaps; i++) {
                struct capture *c = &j->caps[i];
                const struct hull_layers_node *n;

                if ((i + 1 < j->ncaps && strcmp(c->path, j->caps[i + 1].path) == 0) ||
                    hull_layers_get(s->L, c->path, &n) != HULL_OK ||
                    hull_layers_node_type(n) != HULL_ENTRY_FILE ||
                    hull_layers_node_last_layer(n) != j->index) {
                        capture_release(R, c);
                        continue;
                }
                if (s->ncaps == s->caps_cap) {
                        size_t ncap = s->caps_cap ? s->caps_cap * 2 : 16;
                        struct capture *p = hull_realloc(s->caps, ncap * sizeof(*p));
                        if (!p) {
                                for (; i < j->ncaps; i++)
                                        capture_release(R, &j->caps[i]);
                                j->ncaps = 0;
                                return HULL_ENOMEM;
                        }
                        s->caps = p;
                        s->caps_cap = ncap;
                }
                s->caps[s->ncaps++] = *c;
        }
        j->ncaps = 0;
        return HULL_OK;
}

/* The layer's worker is done and its blocks are applied: close the layer. */
static int finish_layer(struct run *R, struct job *j) {
        struct hull_scan *s = R->s;
        struct hull_diag ad;
        char **notes;
        size_t nnotes;
        int r;

        hull_diag_init(&ad);
        r = hull_layers_end_layer(s->L, j->index, &ad);
        if (r != HULL_OK) {
                run_fail(R, j, r, &ad);
                return r;
        }
        r = apply_captures(R, j);
        if (r != HULL_OK) {
                hull_diag_set(&ad, r, j->blob, 0, 0, "out of memory");
                run_fail(R, j, r, &ad);
                return r;
        }
        pthread_mutex_lock(&R->mu);
        notes = TAKE_PTR(j->notes);
        nnotes = j->nnotes;
        s->notes_dropped += j->notes_dropped;
        j->nnotes = j->notes_cap = 0;
        j->notes_dropped = 0;
        pthread_mutex_unlock(&R->mu);
        for (size_t i = 0; i < nnotes; i++) {
                if (s->nnotes < HULL_SCAN_MAX_NOTES) { /* s->notes has that many slots */
                        s->notes[s->nnotes++] = notes[i];
                } else {
                        hull_free(notes[i]);
                        s->notes_dropped++;
                }
        }
        hull_free(notes);
        s->lstats[j->index] = j->st;
        s->st.visited_files += j->visited;
        s->st.skipped_large += j->skipped_large;
        s->st.blob_bytes += j->st.blob_bytes;
        s->st.tar_bytes += j->st.tar_bytes;
        s->st.entries += j->st.entries;
        return HULL_OK;
}

/* The applier's loop: apply the head layer's blocks as they arrive, close
 * it when its worker is done, move on.  Returns with R->mu unlocked. */
static void apply_all(struct run *R) {
        int64_t next_progress = now_ns() + PROGRESS_NS;

        pthread_mutex_lock(&R->mu);
        while (R->head < R->njobs && !R->failed) {
                struct job *j = &R->jobs[R->head];

                if (j->ready) {
                        struct block *b = j->ready;
                        uint64_t freed = 0;
                        int r;

                        for (struct block *x = b; x; x = x->next)
                                freed += LOG_BLOCK_BYTES;
                        j->ready = NULL;
                        j->ready_tail = &j->ready;
                        pthread_mutex_unlock(&R->mu);
                        r = apply_blocks(R, j, b, &next_progress);
                        pthread_mutex_lock(&R->mu);
                        R->buffered -= freed;
                        pthread_cond_broadcast(&R->cv_room);
                        if (r != HULL_OK)
                                break;
                        continue;
                }
                if (j->state == JOB_DONE) {
                        int r;
                        pthread_mutex_unlock(&R->mu);
                        r = finish_layer(R, j);
                        pthread_mutex_lock(&R->mu);
                        if (r != HULL_OK)
                                break;
                        R->head++;
                        pthread_cond_broadcast(&R->cv_room);
                        continue;
                }
                if (j->state == JOB_FAILED)
                        break; /* R->failed is set */
                {
                        int64_t deadline = next_progress;
                        struct timespec ts = {
                                .tv_sec = (time_t)(deadline / 1000000000ll),
                                .tv_nsec = (long)(deadline % 1000000000ll),
                        };
                        int w = pthread_cond_timedwait(&R->cv_main, &R->mu, &ts);
                        if (w == ETIMEDOUT || now_ns() >= next_progress) {
                                unsigned done = R->head;
                                pthread_mutex_unlock(&R->mu);
                                progress(R, done);
                                next_progress = now_ns() + PROGRESS_NS;
                                pthread_mutex_lock(&R->mu);
                        }
                }
        }
        pthread_mutex_unlock(&R->mu);
}

/* --- API ------------------------------------------------------------------- */

static unsigned online_cpus(void) {
        cpu_set_t set;
        long n;

        if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
                return (unsigned)CPU_COUNT(&set);
        n = sysconf(_SC_NPROCESSORS_ONLN);
        return n > 0 ? (unsigned)n : 1;
}

static void job_prefix(struct job *j, const struct hull_image_layer *layer) {
        const char *dg = layer->digest ? layer->digest : layer->diff_id;
        const char *colon = dg ? strchr(dg, ':') : NULL;

        if (colon && strlen(colon + 1) >= 12)
                snprintf(j->prefix, sizeof(j->prefix), "layer %u (%.*s:%.12s)", j->index,
                         (int)(colon - dg < 16 ? colon - dg : 16), dg, colon + 1);
        else
                snprintf(j->prefix, sizeof(j->prefix), "layer %u", j->index);
}

static void job_release(struct job *j) {
        blocks_free(j->ready);
        blocks_free(j->cur);
        for (size_t i = 0; i < j->nnotes; i++)
                hull_free(j->notes[i]);
        hull_free(j->notes);
        for (size_t i = 0; i < j->ncaps; i++) {
                hull_free(j->caps[i].path);
                hull_free(j->caps[i].data);
        }
        hull_free(j->caps);
        hull_free(j->blob);
}

int hull_scan_run(const struct hull_image *img, const struct hull_scan_opts *opts,
                  struct hull_scan **ret, struct hull_diag *d) {
        _cleanup_(hull_scan_freep) struct hull_scan *s = NULL;
        struct run R = {.img = img};
        struct worker *workers = NULL;
        pthread_condattr_t ca;
        unsigned nthreads, started = 0;
        int64_t t0 = now_ns();
        int r = HULL_OK;

        if (!img || !ret || (img->nlayers > 0 && !img->layers))
                return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0, "invalid scan arguments");
        if (opts)
                R.opts = *opts;
        if (R.opts.nvisitors > 0 && !R.opts.visitors)
                return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0, "invalid scan arguments");
        if (img->nlayers > HULL_MAX_IMAGE_LAYERS)
                return hull_diag_set(d, HULL_ELIMIT, img->path, 0, 0,
                                     "image has %zu layers, more than the limit of %u",
                                     img->nlayers, HULL_MAX_IMAGE_LAYERS);
        R.max_file = R.opts.max_file_bytes ? R.opts.max_file_bytes : HULL_SCAN_MAX_FILE_BYTES;
        R.capture_max = R.opts.capture_max ? R.opts.capture_max : HULL_SCAN_CAPTURE_MAX;
        R.njobs = img->nlayers;
        nthreads = R.opts.threads ? R.opts.threads : online_cpus();
        if (nthreads > MAX_THREADS)
                nthreads = MAX_THREADS;
        if (nthreads > R.njobs)
                nthreads = (unsigned)R.njobs;

        s = new0(struct hull_scan, 1);
        if (!s || hull_layers_new(&s->L) != HULL_OK)
                return hull_diag_set(d, HULL_ENOMEM, img->path, 0, 0, "out of memory");
        s->img = img;
        s->lstats = new0(struct hull_scan_layer_stats, R.njobs ? R.njobs : 1);
        s->notes = new0(char *, HULL_SCAN_MAX_NOTES);
        R.jobs = new0(struct job, R.njobs ? R.njobs : 1);
        R.order = new (size_t, R.njobs ? R.njobs : 1);
        workers = new0(struct worker, nthreads ? nthreads : 1);
        if (!s->lstats || !s->notes || !R.jobs || !R.order || !workers) {
                hull_free(R.jobs);
                hull_free(R.order);
                hull_free(workers);
                return hull_diag_set(d, HULL_ENOMEM, img->path, 0, 0, "out of memory");
        }
        R.s = s;
        for (size_t i = 0; i < R.njobs; i++) {
                struct job *j = &R.jobs[i];
                j->index = (unsigned)i;
                j->ready_tail = &j->ready;
                hull_diag_init(&j->diag);
                job_prefix(j, &img->layers[i]);
        }
        for (size_t i = 0; i < R.njobs; i++)
                R.order[i] = i;
        qsort_r(R.order, R.njobs, sizeof(*R.order), cmp_blob_desc, (void *)img);
        atomic_init(&R.stop, false);
        atomic_init(&R.done_bytes, 0);
        atomic_init(&R.capture_bytes, 0);
        pthread_mutex_init(&R.mu, NULL);
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&R.cv_main, &ca);
        pthread_cond_init(&R.cv_room, &ca);
        pthread_condattr_destroy(&ca);

        for (unsigned i = 0; i < nthreads; i++) {
                struct worker *w = &workers[started];
                w->R = &R;
                w->index = started;
                w->active = new0(bool, R.opts.nvisitors ? R.opts.nvisitors : 1);
                if (!w->active)
                        break;
                if (pthread_create(&w->tid, NULL, worker_main, w) != 0) {
                        hull_free(w->active);
                        break;
                }
                started++;
        }
        if (started == 0 && R.njobs > 0) {
                r = hull_diag_set(d, HULL_ENOMEM, img->path, 0, 0, "cannot start a scan thread");
        } else {
                apply_all(&R);
                if (!R.failed)
                        atomic_store(&R.stop, true); /* nothing is left; idle workers leave */
        }
        for (unsigned i = 0; i < started; i++) {
                pthread_join(workers[i].tid, NULL);
                hull_free(workers[i].active);
        }
        hull_free(workers);
        if (r == HULL_OK && R.failed) {
                r = R.err;
                if (d && d->code == HULL_OK)
                        *d = R.err_diag;
        }
        if (r == HULL_OK) {
                struct hull_diag fd;
                hull_diag_init(&fd);
                r = hull_layers_finish(s->L, &fd);
                if (r != HULL_OK && d && d->code == HULL_OK)
                        *d = fd;
        }
        for (size_t i = 0; i < R.njobs; i++)
                job_release(&R.jobs[i]);
        hull_free(R.jobs);
        hull_free(R.order);
        pthread_cond_destroy(&R.cv_main);
        pthread_cond_destroy(&R.cv_room);
        pthread_mutex_destroy(&R.mu);
        if (r != HULL_OK)
                return r;

        for (size_t i = 0; i < s->ncaps; i++) {
                s->st.captured_files++;
                s->st.captured_bytes += s->caps[i].n;
        }
        s->st.threads = started;
        s->st.seconds = (double)(now_ns() - t0) / 1e9;
        progress(&R, (unsigned)R.njobs);
        *ret = TAKE_PTR(s);
        return HULL_OK;
}

const struct hull_image *hull_scan_image(const struct hull_scan *s) {
        return s->img;
}

const struct hull_layers *hull_scan_layers(const struct hull_scan *s) {
        return s->L;
}

void hull_scan_stats(const struct hull_scan *s, struct hull_scan_stats *ret) {
        *ret = s->st;
}

int hull_scan_layer_stats(const struct hull_scan *s, unsigned layer,
                          struct hull_scan_layer_stats *ret) {
        if (layer >= s->img->nlayers)
                return HULL_ENOTFOUND;
        *ret = s->lstats[layer];
        return HULL_OK;
}

int hull_scan_capture_get(const struct hull_scan *s, unsigned layer, const char *path,
                          const char **ret_data, size_t *ret_n) {
        struct capture key = {.path = (char *)path, .layer = layer};
        size_t lo = 0, hi = s->ncaps;

        if (!path)
                return HULL_ENOTFOUND;
        while (lo < hi) { /* seq is ignored: one capture per (layer, path) */
                size_t mid = lo + (hi - lo) / 2;
                const struct capture *c = &s->caps[mid];
                int cmp = c->layer != key.layer ? (c->layer < key.layer ? -1 : 1)
                                                : strcmp(c->path, key.path);
                if (cmp == 0) {
                        *ret_data = c->data;
                        *ret_n = c->n;
                        return HULL_OK;
                }
                if (cmp < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return HULL_ENOTFOUND;
}

int hull_scan_capture_node(const struct hull_scan *s, const struct hull_layers_node *n,
                           const char **ret_data, size_t *ret_n) {
        char path[HULL_MAX_PATH_BYTES + 1];

        if (!n || hull_layers_node_type(n) != HULL_ENTRY_FILE)
                return HULL_ENOTFOUND;
        hull_layers_node_path(n, path, sizeof(path));
        return hull_scan_capture_get(s, hull_layers_node_last_layer(n), path, ret_data, ret_n);
}

size_t hull_scan_nnotes(const struct hull_scan *s) {
        return s->nnotes;
}

const char *hull_scan_note(const struct hull_scan *s, size_t i) {
        return i < s->nnotes ? s->notes[i] : NULL;
}

uint64_t hull_scan_notes_dropped(const struct hull_scan *s) {
        return s->notes_dropped;
}

struct hull_scan *hull_scan_free(struct hull_scan *s) {
        if (!s)
                return NULL;
        hull_layers_free(s->L);
        for (size_t i = 0; i < s->nnotes; i++)
                hull_free(s->notes[i]);
        hull_free(s->notes);
        for (size_t i = 0; i < s->ncaps; i++) {
                hull_free(s->caps[i].path);
                hull_free(s->caps[i].data);
        }
        hull_free(s->caps);
        hull_free(s->lstats);
        hull_free(s);
        return NULL;
}
