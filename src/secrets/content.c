/* content.c - the content walker (content.h).
 *
 * A file is a stack of levels: level 0 gets the caller's bytes, level d + 1
 * gets what level d unpacks (the inflated bytes of a gzip stream, the
 * content of each archive member).  Every level goes through the same
 * steps: sniff the first SNIFF_BYTES (or everything, when shorter), decide
 * what the bytes are, then either scan them as they come (plain: straight
 * into the engine, zero-copy; UTF-16: transcoded through a small scratch
 * buffer) or buffer them whole (gzip, zstd, zip, tar) and unpack them at
 * the level's end.  Unpacking feeds level d + 1 and ends it before the next
 * member begins, so at most one engine stream is open at a time, and the
 * decompressors are idle while a child level unpacks: one inflate state and
 * one output buffer serve every level.  Decoder state is cleared for every
 * stream (see gunzip, unzstd): what a damaged stream decodes to must not
 * depend on the files before it.
 *
 * gzip and zstd are inflated here with isa-l and libzstd directly rather than
 * through image/filter.h: the input is already in memory, and the filter
 * hands out nothing of a chunk whose end is damaged (up to 1 MiB), where we
 * must scan everything before the damage.  zip and tar are read by libarchive
 * from memory (zip seekable first, streamable for zips without a central
 * directory: truncated ones).
 *
 * Bombs: every byte handed to a level above 0 counts against the file's
 * budget, min(HULL_CONTENT_MAX_EXPANDED, max(RATIO_GRACE, RATIO x the
 * top-level bytes)), and each unpacked unit (a gzip or zstd stream, an
 * archive) stops once its output passes RATIO_GRACE and RATIO x the input
 * it consumed; members and decompressed contents stop at max_file_bytes.
 * Containers nested HULL_CONTENT_MAX_DEPTH deep are scanned as they are. */
#include "secrets/content.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <isa-l/igzip_lib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "basic/alloc.h"
#include "basic/err.h"
#include "basic/limits.h"

#define SNIFF_BYTES 4096u
#define OUT_BYTES (256u << 10)    /* inflate output handed on per step */
#define U16_BYTES (64u << 10)     /* UTF-16 transcoding scratch */
#define ZERO_BYTES (64u << 10)    /* sparse tar holes are handed on from this */
#define IN_SLICE (1u << 30)       /* isa-l counts input in 32 bits */
#define RATIO_GRACE (1u << 20)    /* a unit may always expand to this */
#define MAX_NAME_BYTES 1024u      /* one member name as reported */
#define MAX_NOTES 64u             /* per top-level file; the rest are counted */
#define KEEP_BUF_BYTES (1u << 20) /* larger level buffers are freed after each file */
#define ENC_BYTES 64u
#define NAME_BYTES (HULL_MAX_PATH_BYTES + 1)
#define NLEVELS (HULL_CONTENT_MAX_DEPTH + 1)
#define DEFAULT_MAX_FILE (64ull << 20)

static const unsigned char zeros[ZERO_BYTES];

enum kind {
        K_UNDECIDED,
        K_PLAIN,
        K_UTF16LE,
        K_UTF16BE,
        K_GZIP,
        K_ZSTD,
        K_ZIP,
        K_TAR,
};

static const char *const kind_name[] = {
        [K_GZIP] = "gzip",
        [K_ZSTD] = "zstd",
        [K_ZIP] = "zip",
        [K_TAR] = "tar",
};

static bool is_container(enum kind k) {
        return k >= K_GZIP;
}

struct level {
        enum kind kind;
        bool has_inner;    /* inner names a member (false: the top-level file) */
        bool cut;          /* the byte limit was reached: the rest is dropped */
        int carry;         /* UTF-16: an odd byte waiting for its pair; -1: none */
        unsigned skip;     /* UTF-16: BOM bytes still to drop */
        uint64_t bytes;    /* handed to this level */
        uint64_t limit;    /* bytes this level takes */
        const char *epath; /* the path the engine sees: rule path filters */
        size_t sniff_len;
        unsigned char *buf; /* containers: the whole content */
        size_t len, cap;
        char enc[ENC_BYTES];    /* "gzip", "gzip+utf-16le", "" */
        char inner[NAME_BYTES]; /* "lib/app.jar!/x.yml" */
        char path[NAME_BYTES];  /* epath storage above level 0 */
        unsigned char sniff[SNIFF_BYTES];
};

struct hull_content_walker {
        struct hull_secrets_scanner *sc;
        struct hull_content_opts o;
        char *path; /* the top-level path, owned */
        size_t path_cap;
        uint64_t size;     /* the caller's size hint */
        int err;           /* sticky until end */
        bool quiet;        /* abandoning a stream: its hits are not reported */
        int engine_level;  /* the level whose engine stream is open; -1 */
        uint64_t expanded; /* bytes handed to levels above 0 */
        uint64_t budget;   /* ... at most this */
        bool budget_hit;   /* noted; nothing more is unpacked */
        unsigned notes, notes_dropped;
        struct inflate_state *inflate;
        ZSTD_DCtx *zstd;
        unsigned char *out; /* OUT_BYTES: inflate and zstd output */
        unsigned char *u16; /* U16_BYTES */
        char hitenc[2 * ENC_BYTES];
        struct level lv[NLEVELS];
};

/* --- notes --------------------------------------------------------------- */

/* "80 MiB", "512 KiB", "123 bytes" */
static const char *human(uint64_t n, char *buf, size_t sz) {
        if (n >= (1ull << 30) && n % (1ull << 30) == 0)
                snprintf(buf, sz, "%llu GiB", (unsigned long long)(n >> 30));
        else if (n >= (1ull << 20))
                snprintf(buf, sz, "%llu MiB", (unsigned long long)(n >> 20));
        else if (n >= (1ull << 10))
                snprintf(buf, sz, "%llu KiB", (unsigned long long)(n >> 10));
        else
                snprintf(buf, sz, "%llu bytes", (unsigned long long)n);
        return buf;
}

static void note(struct hull_content_walker *w, unsigned lvl, const char *fmt, ...) _printf_(3, 4);
static void note(struct hull_content_walker *w, unsigned lvl, const char *fmt, ...) {
        const struct level *l = &w->lv[lvl];
        char msg[512];
        va_list ap;

        if (!w->o.note)
                return;
        if (w->notes >= MAX_NOTES) {
                w->notes_dropped++;
                return;
        }
        w->notes++;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        w->o.note(w->o.ud, w->path, l->has_inner ? l->inner : NULL, msg);
}

/* --- names --------------------------------------------------------------- */

/* A member name as reported: leading '/' and "./" stripped, control bytes
 * replaced by '?', at most MAX_NAME_BYTES bytes ("..." marks a cut). */
static void member_name(const char *raw, char *out, size_t outsz) {
        size_t n = 0, lim = outsz - 1 < MAX_NAME_BYTES ? outsz - 1 : MAX_NAME_BYTES;
        const unsigned char *p = (const unsigned char *)(raw ? raw : "");

        for (;;) {
                if (p[0] == '/')
                        p++;
                else if (p[0] == '.' && p[1] == '/')
                        p += 2;
                else
                        break;
        }
        for (; *p && n < lim; p++)
                out[n++] = *p < 0x20 || *p == 0x7f ? '?' : (char)*p;
        if (*p && lim >= 3)
                memcpy(out + lim - 3, "...", 3);
        if (n == 0)
                out[n++] = '?';
        out[n] = '\0';
}

/* Append s to dst[0..*len), cut to fit sz bytes with the NUL. */
static void append(char *dst, size_t sz, size_t *len, const char *s) {
        size_t n = strlen(s);

        if (n > sz - 1 - *len)
                n = sz - 1 - *len;
        memcpy(dst + *len, s, n);
        *len += n;
        dst[*len] = '\0';
}

/* dst = a + sep + b (sep only between two non-empty parts), cut to fit;
 * no snprintf: this runs for every file. */
static void join(char *dst, size_t sz, const char *a, const char *sep, const char *b) {
        size_t len = 0;

        dst[0] = '\0';
        append(dst, sz, &len, a);
        if (a[0] && b[0])
                append(dst, sz, &len, sep);
        append(dst, sz, &len, b);
}

/* The name of what a gzip/zstd file holds: "x.tar.gz" -> "x.tar",
 * "x.tgz" -> "x.tar"; unchanged without such a suffix. */
static void strip_compression_suffix(char *s, enum kind k) {
        static const struct {
                enum kind k;
                const char *from, *to;
        } sfx[] = {
                {K_GZIP, ".gz", ""},  {K_GZIP, ".tgz", ".tar"},  {K_GZIP, ".gzip", ""},
                {K_ZSTD, ".zst", ""}, {K_ZSTD, ".tzst", ".tar"}, {K_ZSTD, ".zstd", ""},
        };
        size_t n = strlen(s);

        for (size_t i = 0; i < ELEMENTSOF(sfx); i++) {
                size_t m = strlen(sfx[i].from);
                if (sfx[i].k != k || n <= m || strcasecmp(s + n - m, sfx[i].from) != 0)
                        continue;
                memcpy(s + n - m, sfx[i].to, strlen(sfx[i].to) + 1);
                return;
        }
}

/* --- sniffing ------------------------------------------------------------ */

static bool tar_header(const unsigned char *p, size_t n) {
        unsigned long sum = 0, want = 0;
        size_t i = 148, digits = 0;

        if (n < 512 || p[0] == 0)
                return false;
        if (memcmp(p + 257, "ustar", 5) == 0)
                return true;
        /* v7: the checksum field (octal, space- or NUL-terminated) is the sum
         * of the header bytes with the field itself read as spaces */
        while (i < 156 && p[i] == ' ')
                i++;
        for (; i < 156 && p[i] >= '0' && p[i] <= '7'; i++, digits++)
                want = want * 8 + (unsigned long)(p[i] - '0');
        if (digits == 0 || (i < 156 && p[i] != ' ' && p[i] != '\0'))
                return false;
        for (i = 0; i < 512; i++)
                sum += i >= 148 && i < 156 ? ' ' : p[i];
        return sum == want;
}

static bool printable(unsigned char c) {
        return (c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n' || c == '\r';
}

static enum kind sniff(const unsigned char *p, size_t n, unsigned *ret_skip) {
        size_t pairs = n / 2, le = 0, be = 0;

        *ret_skip = 0;
        if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
                return K_GZIP;
        if (n >= 4 && ((p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd) ||
                       ((p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d && p[3] == 0x18)))
                return K_ZSTD;
        if (n >= 4 && p[0] == 'P' && p[1] == 'K' &&
            ((p[2] == 3 && p[3] == 4) || (p[2] == 5 && p[3] == 6)))
                return K_ZIP;
        if (tar_header(p, n))
                return K_TAR;
        /* a BOM, and at least 10% of the code units after it ASCII (a zero
         * high byte): text in any script has its spaces and newlines, while
         * bytes that only start like a BOM (binary, broken UTF-8) have few
         * NULs and are scanned as they are */
        if (n >= 2 && ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe && p[1] == 0xff))) {
                bool little = p[0] == 0xff;
                size_t units = (n - 2) / 2, ascii = 0;
                for (size_t i = 2; i + 1 < n; i += 2)
                        ascii += (little ? p[i + 1] : p[i]) == 0;
                if (units == 0 || ascii * 10 >= units) {
                        *ret_skip = 2;
                        return little ? K_UTF16LE : K_UTF16BE;
                }
        }
        /* no BOM: at least 90% of the code units are printable ASCII, so
         * nearly half the bytes are NUL (text has none: one memchr) */
        if (pairs < 4 || !memchr(p, 0, n))
                return K_PLAIN;
        for (size_t i = 0; i + 1 < n; i += 2) {
                le += p[i + 1] != 0 || !printable(p[i]);
                be += p[i] != 0 || !printable(p[i + 1]);
                if (le * 10 > pairs && be * 10 > pairs)
                        return K_PLAIN; /* more than 10% misfits either way */
        }
        if (le * 10 <= pairs)
                return K_UTF16LE;
        if (be * 10 <= pairs)
                return K_UTF16BE;
        return K_PLAIN;
}

/* --- the engine ---------------------------------------------------------- */

static int on_hit(void *ud, const struct hull_secret_hit *h) {
        struct hull_content_walker *w = ud;
        const struct level *l = &w->lv[w->engine_level];
        struct hull_secret_hit h2 = *h;

        if (!w->o.hit || w->quiet)
                return HULL_OK;
        join(w->hitenc, sizeof(w->hitenc), l->enc, "+", h->encoding ? h->encoding : "");
        h2.encoding = w->hitenc[0] ? w->hitenc : NULL;
        h2.inner = l->has_inner ? l->inner : NULL;
        return w->o.hit(w->o.ud, &h2);
}

static int engine_begin(struct hull_content_walker *w, unsigned lvl) {
        w->engine_level = (int)lvl;
        return hull_secrets_begin(w->sc, w->lv[lvl].epath, on_hit, w);
}

static int engine_end(struct hull_content_walker *w) {
        if (w->engine_level < 0)
                return HULL_OK;
        int r = hull_secrets_end(w->sc);
        w->engine_level = -1;
        return r;
}

/* --- levels -------------------------------------------------------------- */

static int sink_end(struct hull_content_walker *w, unsigned lvl);

static void level_begin(struct hull_content_walker *w, unsigned lvl, const char *epath,
                        const char *inner, bool has_inner, const char *enc_a, const char *enc_b) {
        struct level *l = &w->lv[lvl];

        l->kind = K_UNDECIDED;
        l->cut = false;
        l->carry = -1;
        l->skip = 0;
        l->bytes = 0;
        l->limit = lvl == 0 ? UINT64_MAX : w->o.max_file_bytes;
        l->sniff_len = 0;
        l->len = 0;
        l->has_inner = has_inner;
        if (inner != l->inner)
                join(l->inner, sizeof(l->inner), inner, "", "");
        join(l->enc, sizeof(l->enc), enc_a, "+", enc_b);
        if (lvl > 0 && epath != l->path)
                join(l->path, sizeof(l->path), epath, "", "");
        l->epath = lvl == 0 ? epath : l->path;
}

static void level_release(struct level *l) {
        if (l->cap > KEEP_BUF_BYTES) {
                hull_free(l->buf);
                l->buf = NULL;
                l->cap = 0;
        }
        l->len = 0;
        l->kind = K_UNDECIDED;
}

/* Append to a container's buffer, growing it up to max. */
static int buffer_put(struct level *l, const void *p, size_t n) {
        if (n > l->cap - l->len) {
                size_t cap = l->cap ? l->cap : 64u << 10;
                while (cap - l->len < n)
                        cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
                unsigned char *b = hull_realloc(l->buf, cap);
                if (!b)
                        return HULL_ENOMEM;
                l->buf = b;
                l->cap = cap;
        }
        memcpy(l->buf + l->len, p, n);
        l->len += n;
        return HULL_OK;
}

static int utf16_feed(struct hull_content_walker *w, struct level *l, const unsigned char *p,
                      size_t n) {
        bool le = l->kind == K_UTF16LE;

        if (l->skip) {
                size_t s = n < l->skip ? n : l->skip;
                p += s;
                n -= s;
                l->skip -= (unsigned)s;
        }
        while (n > 0) {
                unsigned char *o = w->u16;
                size_t k = 0;

                if (l->carry >= 0) {
                        unsigned char a = (unsigned char)l->carry, b = p[0];
                        unsigned char lo = le ? a : b, hi = le ? b : a;
                        o[k++] = hi == 0 && lo < 0x80 ? lo : '?';
                        l->carry = -1;
                        p++;
                        n--;
                }
                for (; n >= 2 && k < U16_BYTES; p += 2, n -= 2) {
                        unsigned char lo = le ? p[0] : p[1], hi = le ? p[1] : p[0];
                        o[k++] = hi == 0 && lo < 0x80 ? lo : '?';
                }
                if (n == 1) {
                        l->carry = p[0];
                        n = 0;
                }
                if (k > 0)
                        HULL_TRY(hull_secrets_data(w->sc, o, k));
        }
        return HULL_OK;
}

static int scan_as_is(struct hull_content_walker *w, unsigned lvl);

/* Bytes of a decided level. */
static int dispatch(struct hull_content_walker *w, unsigned lvl, const unsigned char *p, size_t n) {
        struct level *l = &w->lv[lvl];

        if (n == 0)
                return HULL_OK;
        switch (l->kind) {
        case K_PLAIN: return hull_secrets_data(w->sc, p, n);
        case K_UTF16LE:
        case K_UTF16BE: return utf16_feed(w, l, p, n);
        default: break;
        }
        if (lvl == 0 && n > w->o.max_file_bytes - l->len) {
                char a[32];
                /* too big to unpack: scanning the raw bytes still finds what a
                 * tar or a stored zip holds */
                note(w, lvl, "%s file over the %s limit: not unpacked, scanned as it is",
                     kind_name[l->kind], human(w->o.max_file_bytes, a, sizeof(a)));
                HULL_TRY(scan_as_is(w, lvl));
                return hull_secrets_data(w->sc, p, n);
        }
        return buffer_put(l, p, n);
}

/* The sniffed bytes decide what the level is. */
static int decide(struct hull_content_walker *w, unsigned lvl, const unsigned char *p, size_t n) {
        struct level *l = &w->lv[lvl];
        unsigned skip;
        enum kind k = sniff(p, n, &skip);
        char a[32], b[32];

        if (is_container(k) && lvl + 1 >= NLEVELS) {
                note(w, lvl, "%s nested more than %u levels deep: scanned as it is", kind_name[k],
                     HULL_CONTENT_MAX_DEPTH);
                k = K_PLAIN;
        } else if (is_container(k) && lvl == 0 && w->size != UINT64_MAX &&
                   w->size > w->o.max_file_bytes) {
                note(w, lvl, "%s file of %s, over the %s limit: not unpacked, scanned as it is",
                     kind_name[k], human(w->size, a, sizeof(a)),
                     human(w->o.max_file_bytes, b, sizeof(b)));
                k = K_PLAIN;
        }
        l->kind = k;
        l->skip = skip;
        if (k == K_UTF16LE || k == K_UTF16BE) {
                size_t m = strlen(l->enc);
                if (m)
                        append(l->enc, sizeof(l->enc), &m, "+");
                append(l->enc, sizeof(l->enc), &m, k == K_UTF16LE ? "utf-16le" : "utf-16be");
        }
        if (!is_container(k))
                return engine_begin(w, lvl);
        return HULL_OK;
}

/* Give up unpacking level lvl: scan what it buffered as plain bytes; the
 * engine stream stays open for more. */
static int scan_as_is(struct hull_content_walker *w, unsigned lvl) {
        struct level *l = &w->lv[lvl];

        l->kind = K_PLAIN;
        HULL_TRY(engine_begin(w, lvl));
        if (l->len > 0)
                HULL_TRY(hull_secrets_data(w->sc, l->buf, l->len));
        l->len = 0;
        return HULL_OK;
}

static int sink_data(struct hull_content_walker *w, unsigned lvl, const unsigned char *p,
                     size_t n) {
        struct level *l = &w->lv[lvl];

        if (l->cut || n == 0)
                return HULL_OK;
        if (n > l->limit - l->bytes) {
                char a[32];
                n = (size_t)(l->limit - l->bytes);
                l->cut = true;
                note(w, lvl, "larger than the %s limit: the first %s scanned",
                     human(l->limit, a, sizeof(a)), a);
        }
        l->bytes += n;
        if (l->kind != K_UNDECIDED)
                return dispatch(w, lvl, p, n);
        if (l->sniff_len == 0 && (n >= SNIFF_BYTES || (lvl == 0 && n == w->size))) {
                /* the common cases (a big first chunk, or a small file read
                 * whole): decide on the caller's bytes, no copy */
                HULL_TRY(decide(w, lvl, p, n < SNIFF_BYTES ? n : SNIFF_BYTES));
                return dispatch(w, lvl, p, n);
        }
        size_t k = SNIFF_BYTES - l->sniff_len < n ? SNIFF_BYTES - l->sniff_len : n;
        memcpy(l->sniff + l->sniff_len, p, k);
        l->sniff_len += k;
        if (l->sniff_len < SNIFF_BYTES)
                return HULL_OK;
        HULL_TRY(decide(w, lvl, l->sniff, l->sniff_len));
        HULL_TRY(dispatch(w, lvl, l->sniff, l->sniff_len));
        return dispatch(w, lvl, p + k, n - k);
}

/* --- unpacking ----------------------------------------------------------- */

/* One unit being unpacked from level lvl into lvl + 1. */
struct unit {
        struct hull_content_walker *w;
        unsigned lvl;
        uint64_t out;     /* bytes handed on */
        bool open;        /* the child level has begun */
        bool stop;        /* bomb, budget or (a stream) its content cut: unpack no more */
        bool stream;      /* gzip, zstd: one child, the whole output */
        const char *what; /* "gzip stream", "zip archive" */
};

/* Hand n unpacked bytes to the child level; in is the input consumed so
 * far (the ratio's denominator). */
static int unit_push(struct unit *u, const void *p, size_t n, uint64_t in) {
        struct hull_content_walker *w = u->w;
        unsigned child = u->lvl + 1;
        char a[32];

        if (u->stop || n == 0)
                return HULL_OK;
        if (n > w->budget - w->expanded) {
                n = (size_t)(w->budget - w->expanded);
                u->stop = true;
                if (!w->budget_hit) {
                        w->budget_hit = true;
                        note(w, u->open ? child : u->lvl,
                             "unpacked content passes %s (the limit for this file): the rest is "
                             "not scanned",
                             human(w->budget, a, sizeof(a)));
                }
        }
        if (!u->stop && u->out + n > RATIO_GRACE && (u->out + n) / HULL_CONTENT_MAX_RATIO > in) {
                u->stop = true;
                note(w, u->open ? child : u->lvl,
                     "decompression bomb: %s expands more than %u times: the rest is not scanned",
                     u->what, HULL_CONTENT_MAX_RATIO);
        }
        if (n == 0)
                return HULL_OK;
        w->expanded += n;
        u->out += n;
        HULL_TRY(sink_data(w, child, p, n));
        if (u->stream && w->lv[child].cut)
                u->stop = true; /* the rest would be dropped: do not inflate it */
        return HULL_OK;
}

/* gzip and zstd: the child level is the decompressed content. */
static void stream_child_begin(struct unit *u) {
        struct hull_content_walker *w = u->w;
        struct level *l = &w->lv[u->lvl], *c = &w->lv[u->lvl + 1];

        join(c->path, sizeof(c->path), l->epath, "", "");
        strip_compression_suffix(c->path, l->kind);
        level_begin(w, u->lvl + 1, c->path, l->inner, l->has_inner, l->enc, kind_name[l->kind]);
        u->open = true;
}

static const char *isal_error(int r) {
        switch (r) {
        case ISAL_INVALID_BLOCK: return "invalid deflate block";
        case ISAL_INVALID_SYMBOL: return "invalid deflate symbol";
        case ISAL_INVALID_LOOKBACK: return "invalid deflate distance";
        case ISAL_INVALID_WRAPPER: return "invalid gzip header";
        case ISAL_UNSUPPORTED_METHOD: return "compression method is not deflate";
        case ISAL_INCORRECT_CHECKSUM: return "crc32 or size mismatch";
        default: return "inflate failed";
        }
}

static int gunzip(struct unit *u) {
        struct hull_content_walker *w = u->w;
        struct level *l = &w->lv[u->lvl];
        const unsigned char *in = l->buf;
        size_t len = l->len, pos = 0;
        unsigned members = 0;
        char a[32];

        if (!w->inflate) {
                w->inflate = hull_calloc(1, sizeof(*w->inflate));
                if (!w->inflate)
                        return HULL_ENOMEM;
        }
        struct inflate_state *s = w->inflate;
        while (!u->stop && w->err == HULL_OK) {
                struct isal_gzip_header hdr;
                const char *bad = NULL;
                bool done = false;

                if (pos == len)
                        break;
                if (len - pos < 2 || in[pos] != 0x1f || in[pos + 1] != 0x8b) {
                        size_t i = pos;
                        while (i < len && in[i] == 0)
                                i++;
                        if (i < len)
                                note(w, u->lvl,
                                     "%s of trailing garbage after gzip member %u ignored",
                                     human(len - pos, a, sizeof(a)), members);
                        break;
                }
                /* isa-l 2.30 copies a back-reference before it checks the
                 * distance, and neither init nor reset clears its history
                 * buffer: a member whose first distance reaches before its
                 * start would hand out (then fail with
                 * ISAL_INVALID_LOOKBACK) bytes of the previous file.  A
                 * zeroed state makes them zeros (found by fuzz_content). */
                memset(s, 0, sizeof(*s));
                isal_inflate_init(s);
                s->crc_flag = ISAL_GZIP;
                s->next_in = (uint8_t *)(uintptr_t)(in + pos);
                s->avail_in = (uint32_t)(len - pos < IN_SLICE ? len - pos : IN_SLICE);
                memset(&hdr, 0, sizeof(hdr));
                isal_gzip_header_init(&hdr);
                int r = isal_read_gzip_header(s, &hdr);
                if (r != ISAL_DECOMP_OK) {
                        bad = r == ISAL_END_INPUT ? "truncated in its header" : isal_error(r);
                } else {
                        while (!done && !bad && !u->stop) {
                                size_t got;
                                s->next_out = w->out;
                                s->avail_out = OUT_BYTES;
                                r = isal_inflate(s);
                                got = OUT_BYTES - s->avail_out;
                                if (got > 0) {
                                        if (!u->open)
                                                stream_child_begin(u);
                                        HULL_TRY(unit_push(u, w->out, got,
                                                           (uint64_t)(s->next_in - in)));
                                }
                                if (r < 0)
                                        bad = isal_error(r);
                                else if (s->block_state == ISAL_BLOCK_FINISH)
                                        done = true;
                                else if (s->avail_in == 0) {
                                        size_t at = (size_t)(s->next_in - in);
                                        if (at < len)
                                                s->avail_in =
                                                        (uint32_t)(len - at < IN_SLICE ? len - at
                                                                                       : IN_SLICE);
                                        else if (got == 0)
                                                bad = "truncated";
                                } else if (got == 0) {
                                        bad = "inflate makes no progress";
                                }
                        }
                }
                if (bad) {
                        if (!u->open && members == 0) {
                                note(w, u->lvl, "not a valid gzip stream (%s): scanned as it is",
                                     bad);
                                return scan_as_is(w, u->lvl);
                        }
                        note(w, u->lvl,
                             "damaged gzip stream (member %u: %s) after %s: the rest is not "
                             "scanned",
                             members + 1, bad, human(u->out, a, sizeof(a)));
                        break;
                }
                if (!done)
                        break;
                members++;
                pos = (size_t)(s->next_in - in);
        }
        return HULL_OK;
}

static int unzstd(struct unit *u) {
        struct hull_content_walker *w = u->w;
        struct level *l = &w->lv[u->lvl];
        ZSTD_inBuffer in = {l->buf, l->len, 0};
        size_t ret = 1;
        char a[32];

        /* a fresh context per stream: libzstd keeps the larger buffers of
         * earlier frames, and what a damaged frame decodes to depends on
         * them (found by fuzz_content) */
        ZSTD_freeDCtx(w->zstd);
        w->zstd = ZSTD_createDCtx();
        if (!w->zstd)
                return HULL_ENOMEM;
        if (ZSTD_isError(
                    ZSTD_DCtx_setParameter(w->zstd, ZSTD_d_windowLogMax, HULL_MAX_ZSTD_WINDOW_LOG)))
                return HULL_EINTERNAL;
        while (!u->stop && w->err == HULL_OK) {
                ZSTD_outBuffer out = {w->out, OUT_BYTES, 0};
                size_t in_before = in.pos;
                const char *bad = NULL;

                ret = ZSTD_decompressStream(w->zstd, &out, &in);
                if (out.pos > 0) {
                        if (!u->open)
                                stream_child_begin(u);
                        HULL_TRY(unit_push(u, w->out, out.pos, in.pos));
                }
                if (ZSTD_isError(ret)) {
                        ZSTD_ErrorCode e = ZSTD_getErrorCode(ret);
                        if (e == ZSTD_error_memory_allocation)
                                return HULL_ENOMEM;
                        bad = e == ZSTD_error_frameParameter_windowTooLarge
                                      ? "its window is above the limit"
                                      : ZSTD_getErrorName(ret);
                } else if (in.pos == in.size && out.pos < out.size) {
                        if (ret != 0)
                                bad = "truncated";
                        else
                                break;
                } else if (out.pos == 0 && in.pos == in_before) {
                        bad = "no progress";
                }
                if (bad) {
                        if (!u->open) {
                                note(w, u->lvl, "not a valid zstd stream (%s): scanned as it is",
                                     bad);
                                return scan_as_is(w, u->lvl);
                        }
                        note(w, u->lvl,
                             "damaged zstd stream (%s) after %s: the rest is not scanned", bad,
                             human(u->out, a, sizeof(a)));
                        break;
                }
        }
        return HULL_OK;
}

static void archive_freep(struct archive **a) {
        if (*a)
                archive_read_free(*a);
}

static const char *aerr(struct archive *a) {
        const char *s = archive_error_string(a);
        return s ? s : "unknown error";
}

/* One member's content into the child level.  Returns HULL_OK, an error,
 * or 1 when the archive cannot go on (a fatal libarchive status). */
static int member_data(struct unit *u, struct archive *a, uint64_t in) {
        struct hull_content_walker *w = u->w;
        struct level *c = &w->lv[u->lvl + 1];
        uint64_t pos = 0;
        bool warned = false;
        char b[32];

        while (!u->stop && !c->cut && w->err == HULL_OK) {
                const void *p;
                size_t n;
                la_int64_t off;
                int r = archive_read_data_block(a, &p, &n, &off);

                if (r == ARCHIVE_EOF)
                        break;
                if (r < ARCHIVE_WARN) {
                        if (archive_errno(a) == ENOMEM)
                                return HULL_ENOMEM;
                        note(w, u->lvl + 1, "damaged member (%s) after %s: the rest is not scanned",
                             aerr(a), human(pos, b, sizeof(b)));
                        return r == ARCHIVE_FATAL ? 1 : HULL_OK;
                }
                if (r == ARCHIVE_WARN && !warned) { /* a crc mismatch: the data is handed on */
                        warned = true;
                        note(w, u->lvl + 1, "damaged member (%s): scanned as it is", aerr(a));
                }
                if (off < 0)
                        off = (la_int64_t)pos;
                if ((uint64_t)off < pos) { /* an overlapping sparse map: drop the overlap */
                        uint64_t skip = pos - (uint64_t)off;
                        if (skip >= n)
                                continue;
                        p = (const unsigned char *)p + skip;
                        n -= (size_t)skip;
                        off = (la_int64_t)pos;
                }
                while ((uint64_t)off > pos && !u->stop && !c->cut) { /* a sparse hole */
                        uint64_t k =
                                (uint64_t)off - pos < ZERO_BYTES ? (uint64_t)off - pos : ZERO_BYTES;
                        HULL_TRY(unit_push(u, zeros, (size_t)k, in));
                        pos += k;
                }
                HULL_TRY(unit_push(u, p, n, in));
                pos += n;
        }
        return HULL_OK;
}

static int unarchive(struct unit *u) {
        struct hull_content_walker *w = u->w;
        struct level *l = &w->lv[u->lvl];
        _cleanup_(archive_freep) struct archive *a = archive_read_new();
        unsigned long members = 0, failures = 0;
        bool any = false;
        char name[MAX_NAME_BYTES + 1], inner[NAME_BYTES], x[32], y[32];
        int r;

        if (!a)
                return HULL_ENOMEM;
        if (l->kind == K_ZIP) {
                r = archive_read_support_format_zip_seekable(a);
                if (r == ARCHIVE_OK)
                        r = archive_read_support_format_zip_streamable(a);
        } else {
                r = archive_read_support_format_tar(a);
        }
        if (r != ARCHIVE_OK)
                return archive_errno(a) == ENOMEM ? HULL_ENOMEM : HULL_EINTERNAL;
        if (archive_read_open_memory(a, l->buf, l->len) != ARCHIVE_OK) {
                if (archive_errno(a) == ENOMEM)
                        return HULL_ENOMEM;
                note(w, u->lvl, "not a readable %s archive (%s): scanned as it is",
                     kind_name[l->kind], aerr(a));
                return scan_as_is(w, u->lvl);
        }
        while (!u->stop && w->err == HULL_OK) {
                struct archive_entry *ae;
                const char *raw;

                r = archive_read_next_header(a, &ae);
                if (r == ARCHIVE_EOF)
                        break;
                if (r == ARCHIVE_RETRY || r == ARCHIVE_FAILED) {
                        if (archive_errno(a) == ENOMEM)
                                return HULL_ENOMEM;
                        if (failures++ == 0)
                                note(w, u->lvl, "damaged %s member header skipped (%s)",
                                     kind_name[l->kind], aerr(a));
                        if (failures > 16) {
                                note(w, u->lvl, "damaged %s archive: cannot resynchronise",
                                     kind_name[l->kind]);
                                break;
                        }
                        continue;
                }
                if (r < ARCHIVE_WARN) {
                        if (archive_errno(a) == ENOMEM)
                                return HULL_ENOMEM;
                        if (!any && members == 0) {
                                note(w, u->lvl, "not a readable %s archive (%s): scanned as it is",
                                     kind_name[l->kind], aerr(a));
                                return scan_as_is(w, u->lvl);
                        }
                        note(w, u->lvl,
                             "damaged %s archive after %lu members (%s): the rest is not scanned",
                             kind_name[l->kind], members, aerr(a));
                        break;
                }
                failures = 0;
                any = true;
                if (++members > HULL_MAX_ARCHIVE_MEMBERS) {
                        note(w, u->lvl, "more than %u members: the rest is not scanned",
                             HULL_MAX_ARCHIVE_MEMBERS);
                        break;
                }
                if (archive_entry_filetype(ae) != AE_IFREG || archive_entry_hardlink(ae))
                        continue;
                raw = archive_entry_pathname(ae);
                if (!raw)
                        raw = archive_entry_pathname_utf8(ae);
                member_name(raw, name, sizeof(name));
                join(inner, sizeof(inner), l->has_inner ? l->inner : "", "!/", name);
                level_begin(w, u->lvl + 1, name, inner, true, "", "");
                if (archive_entry_size_is_set(ae) && archive_entry_size(ae) == 0)
                        continue;
                if (archive_entry_size_is_set(ae) &&
                    (uint64_t)archive_entry_size(ae) > w->o.max_file_bytes) {
                        note(w, u->lvl + 1, "%s, larger than the %s limit: not scanned",
                             human((uint64_t)archive_entry_size(ae), x, sizeof(x)),
                             human(w->o.max_file_bytes, y, sizeof(y)));
                        continue;
                }
                if (archive_entry_is_data_encrypted(ae) > 0) {
                        note(w, u->lvl + 1, "encrypted: not scanned");
                        continue;
                }
                u->open = true;
                r = member_data(u, a, l->len);
                if (r == HULL_OK || r == 1) {
                        int r2 = sink_end(w, u->lvl + 1);
                        if (r2 != HULL_OK)
                                return r2;
                }
                u->open = false;
                if (r == 1)
                        break;
                HULL_TRY(r);
        }
        return HULL_OK;
}

/* Unpack a container level into lvl + 1. */
static int unpack(struct hull_content_walker *w, unsigned lvl) {
        struct level *l = &w->lv[lvl];
        struct unit u = {.w = w, .lvl = lvl, .what = "stream"};
        int r;

        if (lvl == 0) {
                uint64_t b = (uint64_t)l->len * HULL_CONTENT_MAX_RATIO;
                if (b < RATIO_GRACE)
                        b = RATIO_GRACE;
                w->budget = b < HULL_CONTENT_MAX_EXPANDED ? b : HULL_CONTENT_MAX_EXPANDED;
        }
        if (w->budget_hit) /* a sibling already spent the file's budget */
                return HULL_OK;
        if (!w->out) {
                w->out = hull_malloc(OUT_BYTES);
                if (!w->out)
                        return HULL_ENOMEM;
        }
        switch (l->kind) {
        case K_GZIP:
                u.what = "gzip stream";
                u.stream = true;
                r = gunzip(&u);
                break;
        case K_ZSTD:
                u.what = "zstd stream";
                u.stream = true;
                r = unzstd(&u);
                break;
        case K_ZIP:
                u.what = "zip archive";
                r = unarchive(&u);
                break;
        default:
                u.what = "tar archive";
                r = unarchive(&u);
                break;
        }
        if (r == HULL_OK && u.open && (l->kind == K_GZIP || l->kind == K_ZSTD))
                r = sink_end(w, lvl + 1);
        return r;
}

static int sink_end(struct hull_content_walker *w, unsigned lvl) {
        struct level *l = &w->lv[lvl];
        int r = HULL_OK;

        if (l->kind == K_UNDECIDED) {
                if (l->sniff_len == 0)
                        return HULL_OK; /* empty: nothing to scan */
                HULL_TRY(decide(w, lvl, l->sniff, l->sniff_len));
                HULL_TRY(dispatch(w, lvl, l->sniff, l->sniff_len));
        }
        if (is_container(l->kind)) {
                r = unpack(w, lvl);
                if (r == HULL_OK && l->kind == K_PLAIN) /* given up: scanned as it is */
                        r = engine_end(w);
        } else {
                r = engine_end(w);
        }
        level_release(l);
        return r;
}

/* --- API ----------------------------------------------------------------- */

int hull_content_walker_new(const struct hull_secrets *s, struct hull_content_walker **ret) {
        struct hull_content_walker *w = new0(struct hull_content_walker, 1);
        int r;

        if (!w)
                return HULL_ENOMEM;
        w->engine_level = -1;
        r = hull_secrets_scanner_new(s, &w->sc);
        if (r != HULL_OK) {
                hull_free(w);
                return r;
        }
        *ret = w;
        return HULL_OK;
}

void hull_content_walker_free(struct hull_content_walker *w) {
        if (!w)
                return;
        w->quiet = true;
        (void)engine_end(w);
        hull_secrets_scanner_free(w->sc);
        for (unsigned i = 0; i < NLEVELS; i++)
                hull_free(w->lv[i].buf);
        hull_free(w->inflate);
        ZSTD_freeDCtx(w->zstd);
        hull_free(w->out);
        hull_free(w->u16);
        hull_free(w->path);
        hull_free(w);
}

static void reset(struct hull_content_walker *w) {
        w->quiet = true;
        (void)engine_end(w);
        w->quiet = false;
        for (unsigned i = 0; i < NLEVELS; i++)
                level_release(&w->lv[i]);
        w->err = HULL_OK;
}

int hull_content_begin(struct hull_content_walker *w, const char *path, uint64_t size,
                       const struct hull_content_opts *opts) {
        size_t n = strlen(path ? path : "");

        reset(w);
        if (opts)
                w->o = *opts;
        else
                memset(&w->o, 0, sizeof(w->o));
        if (w->o.max_file_bytes == 0)
                w->o.max_file_bytes = DEFAULT_MAX_FILE;
        w->size = size;
        w->expanded = 0;
        w->budget = HULL_CONTENT_MAX_EXPANDED;
        w->budget_hit = false;
        w->notes = w->notes_dropped = 0;
        if (n + 1 > w->path_cap) {
                char *p = hull_realloc(w->path, n + 1);
                if (!p)
                        return w->err = HULL_ENOMEM;
                w->path = p;
                w->path_cap = n + 1;
        }
        memcpy(w->path, path ? path : "", n + 1);
        if (!w->u16) {
                w->u16 = hull_malloc(U16_BYTES);
                if (!w->u16)
                        return w->err = HULL_ENOMEM;
        }
        level_begin(w, 0, w->path, "", false, "", "");
        return HULL_OK;
}

int hull_content_data(struct hull_content_walker *w, const void *buf, size_t n) {
        int r;

        if (w->err != HULL_OK)
                return w->err;
        if (w->lv[0].kind == K_PLAIN) /* the hot path */
                r = hull_secrets_data(w->sc, buf, n);
        else
                r = sink_data(w, 0, buf, n);
        if (r != HULL_OK)
                w->err = r;
        return r;
}

int hull_content_end(struct hull_content_walker *w) {
        int r = w->err;

        if (r == HULL_OK)
                r = sink_end(w, 0);
        if (w->notes_dropped > 0 && w->o.note) {
                char msg[128];
                snprintf(msg, sizeof(msg), "%u more notes about this file not shown",
                         w->notes_dropped);
                w->o.note(w->o.ud, w->path, NULL, msg);
        }
        reset(w);
        return r;
}

struct hull_secrets_scanner *hull_content_scanner(struct hull_content_walker *w) {
        return w->sc;
}

void hull_content_stats(const struct hull_content_walker *w, struct hull_secrets_stats *ret) {
        hull_secrets_scanner_stats(w->sc, ret);
}
