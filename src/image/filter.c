/* filter.c - streaming none/gzip/zstd decompression with SHA-256 of both
 * sides (filter.h).
 *
 * Input is read from the source into a 256 KiB buffer and hashed there, once
 * per byte.  Output is produced into a 1 MiB buffer and hashed before it is
 * handed out; for plain input the chunk is the input buffer itself and the
 * output digest is the input digest.
 *
 * gzip: isa-l's isal_inflate with ISAL_GZIP parses the header, inflates and
 * checks CRC-32 and ISIZE of one member.  At a member's end the next two
 * bytes decide, as in gunzip: 1f 8b starts another member, zeros to the end
 * are ignored, anything else is trailing garbage (a warning); the rest of the
 * input is still read so the blob digest covers it.
 * zstd: ZSTD_decompressStream handles frame sequences itself; a frame still
 * open when the input ends is a truncation.
 *
 * Offsets in errors are compressed-input offsets: bytes read minus bytes
 * still unconsumed in the input buffer. */
#include "image/filter.h"

#include <pthread.h>
#include <string.h>

#include <isa-l/igzip_lib.h>
#include <openssl/evp.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "basic/err.h"
#include "basic/limits.h"

#define IN_SIZE (256u * 1024)
#define OUT_SIZE (1024u * 1024)
#define HASH_SLOTS 3u /* output buffers in flight with opts.async_out_digest */

/* The output digest on its own thread (opts.async_out_digest): the inflater
 * writes into a ring of HASH_SLOTS output buffers; each chunk handed out is
 * queued for the hasher, which only reads it, and a buffer is written again
 * only once the hasher is done with it and the caller has moved on (a chunk
 * is valid until the next call, by contract). */
struct hasher;
static bool hasher_stop(struct hasher *h);
static void hasher_free(struct hasher *h);

struct hasher {
        pthread_t tid;
        pthread_mutex_t mu;
        pthread_cond_t cv;
        unsigned char *buf[HASH_SLOTS];
        size_t len[HASH_SLOTS];
        unsigned head, count; /* mu: the queue of chunks to hash */
        unsigned cur;         /* the slot being written (filter side only) */
        bool quit;            /* mu */
        bool failed;          /* mu: a digest update failed */
        EVP_MD_CTX *md;
};

struct hull_filter {
        struct hull_source *src;
        struct hull_diag *d;
        struct hull_filter_opts opts;
        enum hull_filter_kind expected;
        struct hull_filter_stats st;
        int err;          /* sticky */
        bool started;     /* kind detected */
        bool src_eof;     /* the source said end */
        bool done;        /* the stream ended; digests final */
        bool member_open; /* gzip: inside a member; zstd: inside a frame */
        bool trailing;    /* gzip: past the last member, only reading */
        bool trailing_garbage;

        unsigned char *in; /* IN_SIZE; unconsumed input is in[in_pos, in_len) */
        size_t in_pos, in_len;
        unsigned char *out;        /* OUT_SIZE (gzip, zstd) */
        const unsigned char *pend; /* hull_filter_read: rest of the last chunk */
        size_t pend_n;

        struct inflate_state *inflate;
        struct isal_gzip_header gz_hdr; /* the member header being parsed */
        bool gz_hdr_done;
        ZSTD_DCtx *zstd;
        EVP_MD_CTX *sha_in, *sha_out; /* NULL when that side is not wanted */
        struct hasher *hasher;        /* sha_out on its own thread; NULL otherwise */
        bool hash_in;                 /* feed sha_in: until detection, then if wanted */
        uint8_t dig_in[32], dig_out[32];
        char warning[256];
};

static const char *const kind_table[_HULL_FILTER_KIND_MAX] = {
        [HULL_FILTER_NONE] = "none",
        [HULL_FILTER_GZIP] = "gzip",
        [HULL_FILTER_ZSTD] = "zstd",
};

const char *hull_filter_kind_to_string(enum hull_filter_kind k) {
        if (k < 0 || k >= _HULL_FILTER_KIND_MAX)
                return NULL;
        return kind_table[k];
}

static bool has_suffix(const char *s, const char *suffix) {
        size_t n = strlen(s), m = strlen(suffix);
        return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

enum hull_filter_kind hull_filter_kind_from_media_type(const char *mt) {
        if (!mt)
                return _HULL_FILTER_KIND_INVALID;
        if (strncmp(mt, "application/vnd.oci.image.layer.", 32) != 0 &&
            strncmp(mt, "application/vnd.docker.image.rootfs.", 36) != 0)
                return _HULL_FILTER_KIND_INVALID;
        if (has_suffix(mt, "tar+gzip") || has_suffix(mt, "tar.gzip"))
                return HULL_FILTER_GZIP;
        if (has_suffix(mt, "tar+zstd") || has_suffix(mt, "tar.zstd"))
                return HULL_FILTER_ZSTD;
        if (has_suffix(mt, ".tar"))
                return HULL_FILTER_NONE;
        return _HULL_FILTER_KIND_INVALID;
}

static uint64_t consumed(const struct hull_filter *f) {
        return f->st.in_bytes - (f->in_len - f->in_pos);
}

static int fail(struct hull_filter *f, int code, uint64_t offset, const char *what) {
        f->err = hull_source_diag_at(f->d, code, hull_source_name(f->src), offset, "%s", what);
        return f->err;
}

static void warn(struct hull_filter *f, const char *what) {
        f->st.warnings++;
        snprintf(f->warning, sizeof(f->warning), "%s", what);
}

/* Move unconsumed input to the front and read once more after it.  Sets
 * src_eof when the source ends. */
static int refill(struct hull_filter *f) {
        size_t rest = f->in_len - f->in_pos, n = 0;
        int r;

        if (f->in_pos > 0) {
                if (rest)
                        memmove(f->in, f->in + f->in_pos, rest);
                f->in_pos = 0;
                f->in_len = rest;
        }
        if (f->src_eof || f->in_len == IN_SIZE)
                return HULL_OK;
        r = hull_source_read(f->src, f->in + f->in_len, IN_SIZE - f->in_len, &n);
        if (r != HULL_OK) {
                f->err = r; /* the source filled the diag */
                return r;
        }
        if (n == 0) {
                f->src_eof = true;
                return HULL_OK;
        }
        if (f->hash_in && !EVP_DigestUpdate(f->sha_in, f->in + f->in_len, n))
                return fail(f, HULL_EINTERNAL, consumed(f), "sha-256 update failed");
        f->in_len += n;
        f->st.in_bytes += n;
        return HULL_OK;
}

static void finish(struct hull_filter *f) {
        f->done = true;
        f->st.eof = true;
        if (f->hash_in)
                (void)EVP_DigestFinal_ex(f->sha_in, f->dig_in, NULL);
        bool out_ok = true;
        if (f->hasher) {
                out_ok = hasher_stop(f->hasher);
                hasher_free(f->hasher);
                f->hasher = NULL;
                f->out = NULL; /* was a hasher slot; nothing is handed out at the end */
        }
        if (f->st.kind == HULL_FILTER_NONE)
                memcpy(f->dig_out, f->dig_in, sizeof(f->dig_out));
        else if (f->sha_out && out_ok)
                (void)EVP_DigestFinal_ex(f->sha_out, f->dig_out, NULL);
        else if (f->sha_out) /* an update failed: an all-zero digest never matches */
                memset(f->dig_out, 0, sizeof(f->dig_out));
        if (f->trailing_garbage) {
                char w[160];
                snprintf(w, sizeof(w),
                         "%llu bytes of trailing garbage after gzip member %llu ignored",
                         (unsigned long long)f->st.trailing_bytes,
                         (unsigned long long)f->st.members);
                warn(f, w);
        }
}

/* Account for n bytes about to be handed out: limits, output digest. */
static int produced(struct hull_filter *f, const unsigned char *p, size_t n) {
        uint64_t total = f->st.out_bytes + n;
        char msg[256];

        if (total > f->opts.max_bytes) {
                snprintf(msg, sizeof(msg), "decompressed layer exceeds the limit of %llu bytes",
                         (unsigned long long)f->opts.max_bytes);
                return fail(f, HULL_ELIMIT, consumed(f), msg);
        }
        if (f->st.kind != HULL_FILTER_NONE && total > HULL_DECOMPRESSION_RATIO_GRACE) {
                uint64_t in = consumed(f), cap;
                if (in == 0)
                        in = 1;
                if (!__builtin_mul_overflow(in, f->opts.max_ratio, &cap) && total > cap) {
                        snprintf(msg, sizeof(msg),
                                 "decompression bomb: %llu bytes from %llu compressed bytes, "
                                 "ratio above the limit of %llu:1",
                                 (unsigned long long)total, (unsigned long long)in,
                                 (unsigned long long)f->opts.max_ratio);
                        return fail(f, HULL_ELIMIT, consumed(f), msg);
                }
        }
        if (f->hasher) {
                struct hasher *h = f->hasher;
                pthread_mutex_lock(&h->mu);
                h->len[h->cur] = n;
                h->count++;
                pthread_cond_broadcast(&h->cv);
                pthread_mutex_unlock(&h->mu);
                h->cur = (h->cur + 1) % HASH_SLOTS;
        } else if (f->sha_out && f->st.kind != HULL_FILTER_NONE &&
                   !EVP_DigestUpdate(f->sha_out, p, n)) {
                return fail(f, HULL_EINTERNAL, consumed(f), "sha-256 update failed");
        }
        f->st.out_bytes = total;
        return HULL_OK;
}

static void *hasher_main(void *arg) {
        struct hasher *h = arg;

        pthread_mutex_lock(&h->mu);
        for (;;) {
                while (h->count == 0 && !h->quit)
                        pthread_cond_wait(&h->cv, &h->mu);
                if (h->count == 0)
                        break; /* quit, and nothing left */
                unsigned slot = h->head;
                size_t n = h->len[slot];
                pthread_mutex_unlock(&h->mu);
                bool ok = EVP_DigestUpdate(h->md, h->buf[slot], n);
                pthread_mutex_lock(&h->mu);
                h->failed = h->failed || !ok;
                h->head = (h->head + 1) % HASH_SLOTS;
                h->count--;
                pthread_cond_broadcast(&h->cv);
        }
        pthread_mutex_unlock(&h->mu);
        return NULL;
}

/* The next output buffer: wait until the hasher is done with it. */
static void out_acquire(struct hull_filter *f) {
        struct hasher *h = f->hasher;
        if (!h)
                return;
        pthread_mutex_lock(&h->mu);
        while (h->count == HASH_SLOTS)
                pthread_cond_wait(&h->cv, &h->mu);
        pthread_mutex_unlock(&h->mu);
        f->out = h->buf[h->cur];
}

/* Stop the hasher after it has hashed everything queued.  Returns false
 * when a digest update failed. */
static bool hasher_stop(struct hasher *h) {
        bool ok;
        pthread_mutex_lock(&h->mu);
        h->quit = true;
        pthread_cond_broadcast(&h->cv);
        pthread_mutex_unlock(&h->mu);
        pthread_join(h->tid, NULL);
        ok = !h->failed;
        return ok;
}

static void hasher_free(struct hasher *h) {
        if (!h)
                return;
        for (unsigned i = 0; i < HASH_SLOTS; i++)
                hull_free(h->buf[i]);
        pthread_cond_destroy(&h->cv);
        pthread_mutex_destroy(&h->mu);
        hull_free(h);
}

/* Start the hasher for a compressed stream; on any failure the digest stays
 * inline (returns HULL_OK) unless memory ran out. */
static int hasher_start(struct hull_filter *f) {
        struct hasher *h = hull_calloc(1, sizeof(*h));
        if (!h)
                return HULL_ENOMEM;
        for (unsigned i = 0; i < HASH_SLOTS; i++)
                if (!(h->buf[i] = hull_malloc(OUT_SIZE))) {
                        for (unsigned k = 0; k < i; k++)
                                hull_free(h->buf[k]);
                        hull_free(h);
                        return HULL_ENOMEM;
                }
        h->md = f->sha_out;
        pthread_mutex_init(&h->mu, NULL);
        pthread_cond_init(&h->cv, NULL);
        if (pthread_create(&h->tid, NULL, hasher_main, h) != 0) {
                hasher_free(h);
                return HULL_OK;
        }
        f->hasher = h;
        return HULL_OK;
}

/* --- detection ----------------------------------------------------------- */

static int detect(struct hull_filter *f) {
        const unsigned char *m;
        size_t n;
        enum hull_filter_kind k = HULL_FILTER_NONE;

        while (f->in_len < 10 && !f->src_eof)
                HULL_TRY(refill(f));
        m = f->in;
        n = f->in_len;
        if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
                k = HULL_FILTER_GZIP;
        else if (n >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
                k = HULL_FILTER_ZSTD;
        else if (n >= 4 && (m[0] & 0xf0) == 0x50 && m[1] == 0x2a && m[2] == 0x4d && m[3] == 0x18)
                k = HULL_FILTER_ZSTD; /* skippable frame */
        else if (n >= 6 && memcmp(m,
                                  "\xfd"
                                  "7zXZ\0",
                                  6) == 0)
                return fail(f, HULL_EUNSUPPORTED, 0, "xz-compressed layers are not supported");
        else if (n >= 10 && memcmp(m, "BZh", 3) == 0 && m[3] >= '1' && m[3] <= '9' &&
                 memcmp(m + 4, "\x31\x41\x59\x26\x53\x59", 6) == 0)
                return fail(f, HULL_EUNSUPPORTED, 0, "bzip2-compressed layers are not supported");
        f->st.kind = k;
        f->started = true;
        if (k != HULL_FILTER_NONE && f->opts.no_in_digest)
                f->hash_in = false; /* only the output digest was asked for */
        if (f->expected != _HULL_FILTER_KIND_INVALID && f->expected != k) {
                char w[256];
                f->st.type_mismatch = true;
                snprintf(w, sizeof(w), "the media type says %s but the data is %s",
                         hull_filter_kind_to_string(f->expected), hull_filter_kind_to_string(k));
                warn(f, w);
        }
        if (k == HULL_FILTER_NONE)
                return HULL_OK;
        if (f->sha_out && f->opts.async_out_digest) {
                if (hasher_start(f) != HULL_OK)
                        return fail(f, HULL_ENOMEM, 0, "out of memory");
        }
        if (!f->hasher) {
                f->out = hull_malloc(OUT_SIZE);
                if (!f->out)
                        return fail(f, HULL_ENOMEM, 0, "out of memory");
        }
        if (k == HULL_FILTER_GZIP) {
                f->inflate = hull_calloc(1, sizeof(*f->inflate));
                if (!f->inflate)
                        return fail(f, HULL_ENOMEM, 0, "out of memory");
                isal_inflate_init(f->inflate);
        } else {
                f->zstd = ZSTD_createDCtx();
                if (!f->zstd)
                        return fail(f, HULL_ENOMEM, 0, "out of memory");
                if (ZSTD_isError(ZSTD_DCtx_setParameter(f->zstd, ZSTD_d_windowLogMax,
                                                        HULL_MAX_ZSTD_WINDOW_LOG)))
                        return fail(f, HULL_EINTERNAL, 0, "cannot set the zstd window limit");
        }
        return HULL_OK;
}

/* --- none ---------------------------------------------------------------- */

static int next_none(struct hull_filter *f, const void **ret_buf, size_t *ret_n) {
        if (f->in_pos == f->in_len) {
                f->in_pos = f->in_len = 0;
                HULL_TRY(refill(f));
                if (f->in_len == 0) {
                        finish(f);
                        *ret_n = 0;
                        return HULL_OK;
                }
        }
        *ret_buf = f->in + f->in_pos;
        *ret_n = f->in_len - f->in_pos;
        f->in_pos = f->in_len;
        return produced(f, *ret_buf, *ret_n);
}

/* --- gzip ---------------------------------------------------------------- */

static const char *isal_strerror(int r) {
        switch (r) {
        case ISAL_INVALID_BLOCK: return "invalid deflate block";
        case ISAL_INVALID_SYMBOL: return "invalid deflate symbol";
        case ISAL_INVALID_LOOKBACK: return "invalid deflate distance";
        case ISAL_INVALID_WRAPPER: return "invalid gzip header";
        case ISAL_UNSUPPORTED_METHOD: return "gzip method is not deflate";
        case ISAL_INCORRECT_CHECKSUM: return "gzip checksum (crc32 or size) mismatch";
        case ISAL_NEED_DICT: return "deflate stream needs a dictionary";
        default: return "inflate failed";
        }
}

/* Past the last member: read (and hash) the rest, noting non-zero bytes. */
static int skip_trailing(struct hull_filter *f) {
        for (;;) {
                size_t i;
                for (i = f->in_pos; i < f->in_len && !f->trailing_garbage; i++)
                        if (f->in[i])
                                f->trailing_garbage = true;
                f->st.trailing_bytes += f->in_len - f->in_pos;
                f->in_pos = f->in_len;
                if (f->src_eof)
                        return HULL_OK;
                HULL_TRY(refill(f));
        }
}

static int next_gzip(struct hull_filter *f, const void **ret_buf, size_t *ret_n) {
        struct inflate_state *s = f->inflate;
        char msg[256];

        out_acquire(f);
        s->next_out = f->out;
        s->avail_out = OUT_SIZE;
        while (s->avail_out > 0 && !f->trailing) {
                if (!f->member_open) {
                        while (f->in_len - f->in_pos < 2 && !f->src_eof)
                                HULL_TRY(refill(f));
                        if (f->in_len == f->in_pos)
                                break; /* clean end after a member */
                        if (f->in_len - f->in_pos < 2 || f->in[f->in_pos] != 0x1f ||
                            f->in[f->in_pos + 1] != 0x8b) {
                                f->trailing = true;
                                break;
                        }
                        isal_inflate_reset(s);
                        s->crc_flag = ISAL_GZIP;
                        s->next_in = f->in + f->in_pos;
                        s->avail_in = (uint32_t)(f->in_len - f->in_pos);
                        memset(&f->gz_hdr, 0, sizeof(f->gz_hdr));
                        isal_gzip_header_init(&f->gz_hdr); /* no name/extra buffers: skipped */
                        f->gz_hdr_done = false;
                        f->member_open = true;
                }
                if (s->avail_in == 0 && !f->src_eof) {
                        HULL_TRY(refill(f));
                        s->next_in = f->in + f->in_pos;
                        s->avail_in = (uint32_t)(f->in_len - f->in_pos);
                }
                if (!f->gz_hdr_done) {
                        /* Our own call, with a header struct that lives as long as
                         * the member: isal_inflate (isa-l 2.30) parses into a fresh
                         * stack struct per call and loses the flags when a header
                         * is split across two calls. */
                        int r = isal_read_gzip_header(s, &f->gz_hdr);
                        f->in_pos = (size_t)(s->next_in - f->in);
                        if (r == ISAL_DECOMP_OK) {
                                f->gz_hdr_done = true;
                                continue;
                        }
                        if (r != ISAL_END_INPUT) {
                                snprintf(msg, sizeof(msg), "corrupt gzip header (member %llu): %s",
                                         (unsigned long long)f->st.members + 1,
                                         r == ISAL_INCORRECT_CHECKSUM ? "header crc mismatch"
                                                                      : isal_strerror(r));
                                return fail(f, HULL_ECORRUPT, consumed(f), msg);
                        }
                        if (f->src_eof) {
                                snprintf(msg, sizeof(msg),
                                         "truncated gzip stream (member %llu, in its header)",
                                         (unsigned long long)f->st.members + 1);
                                return fail(f, HULL_ECORRUPT, consumed(f), msg);
                        }
                        if (s->avail_in > 0)
                                return fail(f, HULL_ECORRUPT, consumed(f),
                                            "corrupt gzip header: no progress");
                        continue; /* avail_in is 0: the next turn reads more */
                }
                uint32_t in_before = s->avail_in, out_before = s->avail_out;
                int r = isal_inflate(s);
                f->in_pos = (size_t)(s->next_in - f->in);
                if (r != ISAL_DECOMP_OK && r != ISAL_END_INPUT && r != ISAL_OUT_OVERFLOW) {
                        snprintf(msg, sizeof(msg), "corrupt gzip stream (member %llu): %s",
                                 (unsigned long long)f->st.members + 1, isal_strerror(r));
                        return fail(f, HULL_ECORRUPT, consumed(f), msg);
                }
                if (s->block_state == ISAL_BLOCK_FINISH) {
                        f->member_open = false;
                        f->st.members++;
                        continue;
                }
                if (s->avail_in == 0 && f->src_eof && s->avail_out > 0) {
                        snprintf(msg, sizeof(msg),
                                 "truncated gzip stream (member %llu, %llu bytes decompressed)",
                                 (unsigned long long)f->st.members + 1,
                                 (unsigned long long)(f->st.out_bytes + OUT_SIZE - s->avail_out));
                        return fail(f, HULL_ECORRUPT, consumed(f), msg);
                }
                if (s->avail_in == in_before && s->avail_out == out_before) {
                        /* isa-l wants more than we hold: read more behind it */
                        if (f->in_len - f->in_pos == IN_SIZE || f->src_eof)
                                return fail(f, HULL_ECORRUPT, consumed(f),
                                            "corrupt gzip stream: inflate makes no progress");
                        HULL_TRY(refill(f));
                        s->next_in = f->in + f->in_pos;
                        s->avail_in = (uint32_t)(f->in_len - f->in_pos);
                }
        }
        *ret_n = OUT_SIZE - s->avail_out;
        *ret_buf = f->out;
        if (*ret_n > 0)
                return produced(f, f->out, *ret_n);
        if (f->trailing)
                HULL_TRY(skip_trailing(f));
        finish(f);
        return HULL_OK;
}

/* --- zstd ---------------------------------------------------------------- */

static int next_zstd(struct hull_filter *f, const void **ret_buf, size_t *ret_n) {
        out_acquire(f);
        ZSTD_outBuffer out = {f->out, OUT_SIZE, 0};
        char msg[256];

        for (;;) {
                if (f->in_pos == f->in_len && !f->src_eof) {
                        HULL_TRY(refill(f));
                        continue;
                }
                if (f->in_pos == f->in_len && !f->member_open)
                        break; /* clean end */
                ZSTD_inBuffer in = {f->in, f->in_len, f->in_pos};
                size_t out_before = out.pos, in_before = in.pos;
                size_t r = ZSTD_decompressStream(f->zstd, &out, &in);
                f->in_pos = in.pos;
                if (ZSTD_isError(r)) {
                        ZSTD_ErrorCode e = ZSTD_getErrorCode(r);
                        if (e == ZSTD_error_frameParameter_windowTooLarge) {
                                snprintf(msg, sizeof(msg),
                                         "zstd frame needs a window above the limit of %u MiB",
                                         (1u << HULL_MAX_ZSTD_WINDOW_LOG) >> 20);
                                return fail(f, HULL_ELIMIT, consumed(f), msg);
                        }
                        if (e == ZSTD_error_memory_allocation)
                                return fail(f, HULL_ENOMEM, consumed(f), "out of memory");
                        snprintf(msg, sizeof(msg), "corrupt zstd stream (frame %llu): %s",
                                 (unsigned long long)f->st.members + 1, ZSTD_getErrorName(r));
                        return fail(f, HULL_ECORRUPT, consumed(f), msg);
                }
                if (r == 0) {
                        if (f->member_open || in.pos > in_before)
                                f->st.members++;
                        f->member_open = false;
                } else {
                        f->member_open = true;
                }
                if (out.pos == out.size)
                        break;
                if (f->in_pos == f->in_len && f->src_eof && f->member_open &&
                    out.pos == out_before && in.pos == in_before) {
                        snprintf(msg, sizeof(msg),
                                 "truncated zstd stream (frame %llu, %llu bytes decompressed)",
                                 (unsigned long long)f->st.members + 1,
                                 (unsigned long long)(f->st.out_bytes + out.pos));
                        return fail(f, HULL_ECORRUPT, consumed(f), msg);
                }
        }
        *ret_buf = f->out;
        *ret_n = out.pos;
        if (out.pos > 0)
                return produced(f, f->out, out.pos);
        finish(f);
        return HULL_OK;
}

/* --- API ----------------------------------------------------------------- */

int hull_filter_new(struct hull_filter **ret, struct hull_source *src,
                    const struct hull_filter_opts *opts, struct hull_diag *d) {
        struct hull_filter *f;

        if (!ret || !src) {
                hull_source_free(src);
                return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0, "invalid filter arguments");
        }
        f = new0(struct hull_filter, 1);
        if (!f) {
                int r = hull_diag_set(d, HULL_ENOMEM, hull_source_name(src), 0, 0, "out of memory");
                hull_source_free(src);
                return r;
        }
        f->src = src;
        f->d = d;
        if (opts)
                f->opts = *opts;
        if (f->opts.max_bytes == 0)
                f->opts.max_bytes = HULL_MAX_LAYER_BYTES;
        if (f->opts.max_ratio == 0)
                f->opts.max_ratio = HULL_MAX_DECOMPRESSION_RATIO;
        f->expected = hull_filter_kind_from_media_type(f->opts.media_type);
        f->opts.media_type = NULL; /* not kept: the caller's string may go */
        f->st.kind = HULL_FILTER_NONE;
        f->in = hull_malloc(IN_SIZE);
        if (!f->in)
                goto nomem;
        /* the input is hashed until the kind is known (plain: in = out) */
        if (!f->opts.no_in_digest || !f->opts.no_out_digest) {
                f->sha_in = EVP_MD_CTX_new();
                if (!f->sha_in || !EVP_DigestInit_ex(f->sha_in, EVP_sha256(), NULL))
                        goto nomem;
                f->hash_in = true;
        }
        if (!f->opts.no_out_digest) {
                f->sha_out = EVP_MD_CTX_new();
                if (!f->sha_out || !EVP_DigestInit_ex(f->sha_out, EVP_sha256(), NULL))
                        goto nomem;
        }
        *ret = f;
        return HULL_OK;
nomem:
        hull_diag_set(d, HULL_ENOMEM, hull_source_name(src), 0, 0, "out of memory");
        hull_filter_free(f);
        return HULL_ENOMEM;
}

int hull_filter_next(struct hull_filter *f, const void **ret_buf, size_t *ret_n) {
        int r;

        if (f->err != HULL_OK)
                return f->err;
        if (f->pend_n > 0) {
                *ret_buf = f->pend;
                *ret_n = f->pend_n;
                f->pend_n = 0;
                return HULL_OK;
        }
        if (f->done) {
                *ret_buf = f->in;
                *ret_n = 0;
                return HULL_OK;
        }
        if (!f->started)
                HULL_TRY(detect(f));
        switch (f->st.kind) {
        case HULL_FILTER_GZIP: r = next_gzip(f, ret_buf, ret_n); break;
        case HULL_FILTER_ZSTD: r = next_zstd(f, ret_buf, ret_n); break;
        default: r = next_none(f, ret_buf, ret_n); break;
        }
        if (r != HULL_OK && f->err == HULL_OK)
                f->err = r;
        return r;
}

int hull_filter_read(struct hull_filter *f, void *buf, size_t n, size_t *ret_n) {
        const void *p;
        size_t k;

        if (n == 0) {
                *ret_n = 0;
                return f->err;
        }
        HULL_TRY(hull_filter_next(f, &p, &k));
        if (k > n) {
                f->pend = (const unsigned char *)p + n;
                f->pend_n = k - n;
                k = n;
        }
        if (k)
                memcpy(buf, p, k);
        *ret_n = k;
        return HULL_OK;
}

int hull_filter_drain(struct hull_filter *f) {
        const void *p;
        size_t n;

        f->pend_n = 0;
        do
                HULL_TRY(hull_filter_next(f, &p, &n));
        while (n > 0);
        return HULL_OK;
}

int hull_filter_digest(const struct hull_filter *f, enum hull_filter_digest which,
                       uint8_t ret[32]) {
        bool have = which == HULL_FILTER_DIGEST_IN || f->st.kind == HULL_FILTER_NONE
                            ? f->hash_in
                            : f->sha_out != NULL;

        if (!f->done || !have)
                return HULL_EINVAL;
        memcpy(ret, which == HULL_FILTER_DIGEST_IN ? f->dig_in : f->dig_out, 32);
        return HULL_OK;
}

void hull_filter_digest_string(const uint8_t digest[32], char ret[72]) {
        static const char hex[] = "0123456789abcdef";

        memcpy(ret, "sha256:", 7);
        for (size_t i = 0; i < 32; i++) {
                ret[7 + 2 * i] = hex[digest[i] >> 4];
                ret[8 + 2 * i] = hex[digest[i] & 15];
        }
        ret[71] = '\0';
}

int hull_filter_check_digest(struct hull_filter *f, enum hull_filter_digest which,
                             const char *expected) {
        const char *side = which == HULL_FILTER_DIGEST_OUT  ? "uncompressed layer (diff_id)"
                           : f->st.kind == HULL_FILTER_NONE ? "blob"
                                                            : "compressed blob";
        const char *name = hull_source_name(f->src);
        const char *colon = strchr(expected, ':');
        uint8_t dig[32];
        char got[72];

        if (!colon)
                return hull_diag_set(f->d, HULL_EPARSE, name, 0, 0, "malformed digest '%.100s'",
                                     expected);
        if (colon - expected != 6 || memcmp(expected, "sha256", 6) != 0)
                return hull_diag_set(f->d, HULL_EUNSUPPORTED, name, 0, 0,
                                     "unsupported digest algorithm in '%.100s'", expected);
        if (strlen(colon + 1) != 64 || strspn(colon + 1, "0123456789abcdef") != 64)
                return hull_diag_set(f->d, HULL_EPARSE, name, 0, 0, "malformed digest '%.100s'",
                                     expected);
        if (hull_filter_digest(f, which, dig) != HULL_OK)
                return hull_diag_set(f->d, HULL_EINVAL, name, 0, 0,
                                     "digest of the %s is not available", side);
        hull_filter_digest_string(dig, got);
        if (strcmp(got, expected) != 0)
                return hull_diag_set(f->d, HULL_ECORRUPT, name, 0, 0,
                                     "digest mismatch of the %s: expected %s, got %s", side,
                                     expected, got);
        return HULL_OK;
}

const struct hull_filter_stats *hull_filter_stats(const struct hull_filter *f) {
        return &f->st;
}

const char *hull_filter_name(const struct hull_filter *f) {
        return hull_source_name(f->src);
}

struct hull_diag *hull_filter_diag(const struct hull_filter *f) {
        return f->d;
}

const char *hull_filter_last_warning(const struct hull_filter *f) {
        return f->warning;
}

struct hull_filter *hull_filter_free(struct hull_filter *f) {
        if (!f)
                return NULL;
        if (f->hasher) { /* stopped early (error, or the caller gave up) */
                (void)hasher_stop(f->hasher);
                hasher_free(f->hasher);
                f->out = NULL; /* a hasher slot, freed above */
        }
        hull_source_free(f->src);
        EVP_MD_CTX_free(f->sha_in);
        EVP_MD_CTX_free(f->sha_out);
        ZSTD_freeDCtx(f->zstd);
        hull_free(f->inflate);
        hull_free(f->out);
        hull_free(f->in);
        hull_free(f);
        return NULL;
}
