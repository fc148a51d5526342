/* update.c - `db update` over HTTP(S) with libcurl (see update.h).
 *
 * One easy handle serves every request of an update, so connections are
 * reused (a few thousand record fetches go over one or two).  A request
 * is tried by http_get(): each try resets the handle, sets the request's
 * headers (conditional ones, or Range + If-Range when a partial download
 * goes on), and sends the body to a sink that is chosen when the first
 * byte arrives, from the status: memory (modified_id.csv, records) or the
 * download file (all.zip).  Errors of the sink (disk full, a limit) end the
 * request at once and are never retried; network errors, timeouts, 408,
 * 429 and 5xx are.
 *
 * The database side is db.h's writer: records and archives go through the
 * same import code as `db import`, and what to fetch is decided against the
 * writer's view (old contents plus this update so far), so a record that
 * all.zip already brought is not fetched again. */
#include "vuln/update.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "basic/buf.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "basic/str.h"
#include "vuln/osv.h"

#define MAX_DELAY_MS 60000u       /* longest wait between tries */
#define MAX_ERROR_BODY (1u << 20) /* body of an error response read before giving up on it */
#define MAX_SOURCE_BYTES 2048u
#define MAX_ECOSYSTEM_BYTES 128u
#define HDR_MAX 512 /* longest header value kept (ETag, Last-Modified, ...) */
#define INFO_MAX 8192u

const char *const hull_vuln_update_default_ecosystems[] = {
        "AlmaLinux", "Alpine",      "Debian",   "Go",     "Maven",     "npm",
        "PyPI",      "Rocky Linux", "RubyGems", "Ubuntu", "crates.io", NULL,
};

void hull_vuln_update_options_init(struct hull_vuln_update_options *o) {
        memset(o, 0, sizeof(*o));
        o->source = HULL_VULN_UPDATE_DEFAULT_SOURCE;
        o->now = (int64_t)time(NULL);
        o->timeout = 60;
        o->connect_timeout = 30;
        o->retries = 4;
        o->retry_delay_ms = 1000;
}

/* ---- names and URLs ---- */

bool hull_vuln_update_ecosystem_valid(const char *name) {
        size_t n = strlen(name);

        if (n == 0 || n > MAX_ECOSYSTEM_BYTES || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                return false;
        for (size_t i = 0; i < n; i++) {
                unsigned char ch = (unsigned char)name[i];
                if (ch < 0x20 || ch > 0x7e || ch == '/' || ch == '\\')
                        return false;
        }
        return true;
}

/* An OSV id from modified_id.csv, safe in a URL path and a message. */
static bool id_valid(const char *id, size_t n) {
        if (n == 0 || n > HULL_MAX_OSV_ID_BYTES || id[0] == '.')
                return false;
        for (size_t i = 0; i < n; i++) {
                unsigned char ch = (unsigned char)id[i];
                /* ',': a csv line holds one separator; OSV ids never hold one */
                if (ch <= 0x20 || ch > 0x7e || ch == '/' || ch == '\\' || ch == '?' || ch == '#' ||
                    ch == '%' || ch == ',')
                        return false;
        }
        return true;
}

/* Percent-encode s (RFC 3986 unreserved characters kept) onto b. */
static int put_escaped(struct hull_buf *b, const char *s) {
        static const char hex[] = "0123456789ABCDEF";

        for (; *s; s++) {
                unsigned char ch = (unsigned char)*s;
                bool keep = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                            (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' ||
                            ch == '~';
                if (keep)
                        HULL_TRY(hull_buf_putc(b, (char)ch));
                else
                        HULL_TRY(hull_buf_printf(b, "%%%c%c", hex[ch >> 4], hex[ch & 15]));
        }
        return HULL_OK;
}

/* "http(s)://host[:port][/path]" without query, fragment, credentials or
 * control characters; *ret without trailing '/' in a. */
static int check_source(const char *src, struct hull_arena *a, const char **ret, bool *ret_https,
                        struct hull_diag *d) {
        size_t n = strlen(src), skip;
        char b[300];

        if (hull_startswith(src, "https://"))
                skip = 8;
        else if (hull_startswith(src, "http://"))
                skip = 7;
        else
                return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0,
                                     "source %s is not an http:// or https:// URL",
                                     hull_str_quote(b, sizeof(b), src, '\''));
        if (n > MAX_SOURCE_BYTES)
                return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0, "source URL longer than %u bytes",
                                     MAX_SOURCE_BYTES);
        for (size_t i = 0; i < n; i++) {
                unsigned char ch = (unsigned char)src[i];
                if (ch <= 0x20 || ch > 0x7e || ch == '?' || ch == '#' || ch == '\\' ||
                    (ch == '@' && !memchr(src + skip, '/', i - skip)))
                        return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0,
                                             "source %s: only scheme, host, port and path are "
                                             "allowed (no spaces, query, fragment or "
                                             "credentials)",
                                             hull_str_quote(b, sizeof(b), src, '\''));
        }
        while (n > skip && src[n - 1] == '/')
                n--;
        if (n == skip || src[skip] == '/' || src[skip] == ':')
                return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0, "source %s has no host",
                                     hull_str_quote(b, sizeof(b), src, '\''));
        *ret = hull_arena_strndup(a, src, n);
        *ret_https = skip == 8;
        return *ret ? HULL_OK : hull_diag_set(d, HULL_ENOMEM, NULL, 0, 0, "out of memory");
}

/* ---- context ---- */

struct ctx {
        const struct hull_vuln_update_options *o;
        const char *source;
        bool https;
        CURL *curl;
        char errbuf[CURL_ERROR_SIZE];
        struct hull_vuln_db_writer *w;
        struct hull_arena *a;  /* the result's */
        struct hull_arena tmp; /* one ecosystem's scratch */
        struct hull_vuln_update_result *res;
        struct hull_vuln_update_ecosystem *eco; /* being updated */
        const char *cache;
        struct hull_diag *d;
};

static int nomem(struct ctx *c) {
        return hull_diag_set(c->d, HULL_ENOMEM, NULL, 0, 0, "out of memory");
}

static void emit(struct ctx *c, struct hull_vuln_update_event *ev) {
        if (!c->o->on_event)
                return;
        ev->ecosystem = c->eco ? c->eco->name : NULL;
        c->o->on_event(c->o->ud, ev);
}

static void warn(struct ctx *c, const char *url, const char *fmt, ...) _printf_(3, 4);
static void warn(struct ctx *c, const char *url, const char *fmt, ...) {
        struct hull_vuln_update_event ev = {.kind = HULL_VULN_UPDATE_EV_WARNING, .url = url};
        char msg[700];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        ev.message = msg;
        emit(c, &ev);
}

/* BASE/<eco>/<file> (file escaped unless raw) in c->tmp; NULL when out of memory. */
static const char *url_of(struct ctx *c, const char *eco, const char *file, const char *suffix) {
        struct hull_buf b = HULL_BUF_INIT(MAX_SOURCE_BYTES + 4096);
        const char *r = NULL;

        if (hull_buf_printf(&b, "%s/", c->source) == HULL_OK && put_escaped(&b, eco) == HULL_OK &&
            hull_buf_putc(&b, '/') == HULL_OK && put_escaped(&b, file) == HULL_OK &&
            hull_buf_puts(&b, suffix) == HULL_OK)
                r = hull_arena_strndup(&c->tmp, b.data, b.len);
        hull_buf_release(&b);
        return r;
}

/* ---- downloads to a file ---- */

struct dl {
        const char *path, *info_path;
        const char *url;
        int fd;
        uint64_t size;      /* bytes in the file */
        char etag[HDR_MAX]; /* of the copy being downloaded */
        char last_modified[HDR_MAX];
        int64_t total; /* announced size, -1 unknown */
        bool complete; /* the file holds all of it */
        bool resumed;
};

/* The validator If-Range may carry: a strong ETag, else Last-Modified. */
static const char *dl_validator(const struct dl *f) {
        if (f->etag[0] && !hull_startswith(f->etag, "W/"))
                return f->etag;
        return f->last_modified[0] ? f->last_modified : NULL;
}

static bool printable(const char *s) {
        for (; *s; s++)
                if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
                        return false;
        return true;
}

/* all.zip.http: "url U", "etag E", "last-modified L", "size N" lines. */
static int dl_save_info(struct ctx *c, struct dl *f) {
        char tmp[HULL_MAX_PATH_BYTES + 32], b[600];
        FILE *fp;
        int e = 0;

        snprintf(tmp, sizeof(tmp), "%s.new", f->info_path);
        fp = fopen(tmp, "we");
        if (!fp) {
                e = errno;
        } else {
                fprintf(fp, "url %s\netag %s\nlast-modified %s\nsize %lld\n", f->url, f->etag,
                        f->last_modified, (long long)f->total);
                if (fflush(fp) != 0 || ferror(fp))
                        e = errno ? errno : EIO;
                if (fclose(fp) != 0 && !e)
                        e = errno;
        }
        if (!e && rename(tmp, f->info_path) != 0)
                e = errno;
        if (e) {
                (void)unlink(tmp);
                return hull_diag_errno(c->d, HULL_EIO, e, f->info_path, "cannot write %s",
                                       hull_str_quote(b, sizeof(b), f->info_path, '\''));
        }
        return HULL_OK;
}

/* Read all.zip.http back: true when it describes a download of f->url that
 * can go on. */
static bool dl_load_info(struct dl *f) {
        char buf[INFO_MAX + 1];
        bool same_url = false;
        ssize_t n;
        int fd = open(f->info_path, O_RDONLY | O_CLOEXEC);

        if (fd < 0)
                return false;
        n = read(fd, buf, INFO_MAX);
        close(fd);
        if (n <= 0)
                return false;
        buf[n] = '\0';
        f->total = -1;
        for (char *line = buf, *nl; *line; line = nl ? nl + 1 : line + strlen(line)) {
                nl = strchr(line, '\n');
                if (nl)
                        *nl = '\0';
                const char *v = strchr(line, ' ');
                if (!v || !printable(line))
                        continue;
                v++;
                if (hull_startswith(line, "url "))
                        same_url = strcmp(v, f->url) == 0;
                else if (hull_startswith(line, "etag ") && strlen(v) < HDR_MAX)
                        snprintf(f->etag, sizeof(f->etag), "%s", v);
                else if (hull_startswith(line, "last-modified ") && strlen(v) < HDR_MAX)
                        snprintf(f->last_modified, sizeof(f->last_modified), "%s", v);
                else if (hull_startswith(line, "size "))
                        f->total = strtoll(v, NULL, 10);
        }
        if (!same_url || !dl_validator(f)) {
                f->etag[0] = f->last_modified[0] = '\0';
                f->total = -1;
                return false;
        }
        return true;
}

/* Back to an empty file with no validators. */
static int dl_reset(struct ctx *c, struct dl *f) {
        char b[600];

        f->etag[0] = f->last_modified[0] = '\0';
        f->total = -1;
        f->size = 0;
        f->complete = false;
        (void)unlink(f->info_path);
        if (ftruncate(f->fd, 0) != 0) {
                int e = errno;
                return hull_diag_errno(c->d, HULL_EIO, e, f->path, "cannot truncate %s",
                                       hull_str_quote(b, sizeof(b), f->path, '\''));
        }
        return HULL_OK;
}

static void dl_remove(struct dl *f) {
        char dir[HULL_MAX_PATH_BYTES + 1];
        const char *slash;

        if (!f->path)
                return;
        (void)unlink(f->path);
        (void)unlink(f->info_path);
        /* and its directory, when nothing else is in it */
        slash = strrchr(f->path, '/');
        if (slash && (size_t)(slash - f->path) < sizeof(dir)) {
                snprintf(dir, sizeof(dir), "%.*s", (int)(slash - f->path), f->path);
                (void)rmdir(dir);
        }
}

static int mkdir_p(const char *path, struct hull_diag *d) {
        char dir[HULL_MAX_PATH_BYTES + 1], b[600];
        size_t n = strlen(path);

        if (n > HULL_MAX_PATH_BYTES)
                return hull_diag_set(d, HULL_ELIMIT, path, 0, 0, "path %s too long",
                                     hull_str_quote(b, sizeof(b), path, '\''));
        memcpy(dir, path, n + 1);
        for (size_t i = 1; i <= n; i++) {
                if (dir[i] != '/' && dir[i] != '\0')
                        continue;
                char save = dir[i];
                dir[i] = '\0';
                if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
                        int e = errno;
                        return hull_diag_errno(d, HULL_EIO, e, path, "cannot create directory %s",
                                               hull_str_quote(b, sizeof(b), dir, '\''));
                }
                dir[i] = save;
        }
        return HULL_OK;
}

/* ---- one request ---- */

struct resp {
        char etag[HDR_MAX], last_modified[HDR_MAX], content_range[HDR_MAX], retry_after[HDR_MAX];
};

struct req {
        const char *url;
        const char *if_none_match, *if_modified_since; /* conditional request */
        struct hull_buf *mem;                          /* memory sink, or */
        struct dl *dl;                                 /* file sink */
        uint64_t max;                                  /* body bytes allowed */
        bool keep_head; /* memory: past max, keep the first max bytes and stop (not an error) */
        /* one try */
        struct ctx *c;
        long status;
        struct resp r;
        bool resuming; /* Range sent */
        bool prepared; /* sink chosen */
        bool accept;   /* the body goes to the sink */
        bool restart;  /* the partial download cannot go on */
        bool body_cut; /* the body was cut short on purpose (error page, keep_head) */
        bool sink_failed;
        uint64_t discarded;
};

static void put_header(char *dst, const char *v, size_t n) {
        while (n > 0 &&
               (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' ' || v[n - 1] == '\t'))
                n--;
        while (n > 0 && (*v == ' ' || *v == '\t')) {
                v++;
                n--;
        }
        /* too long to be a validator we could send back: drop it */
        if (n >= HDR_MAX) {
                dst[0] = '\0';
                return;
        }
        memcpy(dst, v, n);
        dst[n] = '\0';
        if (!printable(dst))
                dst[0] = '\0';
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud) {
        static const struct {
                const char *name;
                size_t off;
        } keep[] = {
                {"etag:", offsetof(struct resp, etag)},
                {"last-modified:", offsetof(struct resp, last_modified)},
                {"content-range:", offsetof(struct resp, content_range)},
                {"retry-after:", offsetof(struct resp, retry_after)},
        };
        struct req *q = ud;
        size_t n = size * nmemb;

        /* a new response (redirect, 100 Continue): forget the last one's */
        if (n >= 5 && memcmp(p, "HTTP/", 5) == 0) {
                memset(&q->r, 0, sizeof(q->r));
                return n;
        }
        for (size_t i = 0; i < ELEMENTSOF(keep); i++) {
                size_t l = strlen(keep[i].name);
                if (n >= l && strncasecmp(p, keep[i].name, l) == 0)
                        put_header((char *)&q->r + keep[i].off, p + l, n - l);
        }
        return n;
}

static int64_t content_length(struct ctx *c) {
        curl_off_t cl = -1;

        if (curl_easy_getinfo(c->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl) != CURLE_OK)
                return -1;
        return cl;
}

/* "bytes START-END/TOTAL" (TOTAL may be '*'), or "bytes *" "/TOTAL". */
static bool parse_content_range(const char *s, int64_t *ret_start, int64_t *ret_total) {
        char *end;

        if (strncasecmp(s, "bytes ", 6) != 0)
                return false;
        s += 6;
        *ret_start = -1;
        if (*s != '*') {
                errno = 0;
                *ret_start = strtoll(s, &end, 10);
                if (errno || end == s || *end != '-' || *ret_start < 0)
                        return false;
                s = end + 1;
                (void)strtoll(s, &end, 10);
                if (end == s)
                        return false;
                s = end;
        } else {
                s++;
        }
        if (*s != '/')
                return false;
        s++;
        if (*s == '*') {
                *ret_total = -1;
                return s[1] == '\0';
        }
        errno = 0;
        *ret_total = strtoll(s, &end, 10);
        return !errno && end != s && *end == '\0' && *ret_total >= 0;
}

static int sink_error(struct req *q, int code, int err, const char *fmt, ...) _printf_(4, 5);
static int sink_error(struct req *q, int code, int err, const char *fmt, ...) {
        char msg[600];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        q->sink_failed = true;
        if (err)
                return hull_diag_errno(q->c->d, code, err, q->url, "%s", msg);
        return hull_diag_set(q->c->d, code, q->url, 0, 0, "%s", msg);
}

static int check_size(struct req *q, int64_t len) {
        if (len >= 0 && (uint64_t)len > q->max)
                return sink_error(q, HULL_ELIMIT, 0,
                                  "'%s' is %lld bytes, more than the limit of %llu", q->url,
                                  (long long)len, (unsigned long long)q->max);
        return HULL_OK;
}

/* Room for len more bytes in the download's file system. */
static int check_space(struct req *q, int64_t len) {
        const char *path = q->dl->path;
        struct statvfs sv;
        char b[600];

        if (len <= 0 || fstatvfs(q->dl->fd, &sv) != 0)
                return HULL_OK;
        uint64_t avail = (uint64_t)sv.f_bavail * sv.f_frsize;
        if (avail < (uint64_t)len)
                return sink_error(q, HULL_EIO, 0,
                                  "not enough space for %s: %lld bytes to download, %llu free",
                                  hull_str_quote(b, sizeof(b), path, '\''), (long long)len,
                                  (unsigned long long)avail);
        return HULL_OK;
}

/* The first byte of a body (or its end, for an empty one): where it goes. */
static int prepare(struct req *q) {
        struct ctx *c = q->c;
        struct dl *f = q->dl;
        int64_t cl = content_length(c), start, total;

        q->prepared = true;
        if (curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &q->status) != CURLE_OK)
                q->status = 0;
        if (q->status == 200 && q->mem) {
                q->accept = true;
                return q->keep_head ? HULL_OK : check_size(q, cl);
        }
        if (!f || (q->status != 200 && q->status != 206))
                return HULL_OK;
        if (q->status == 200) {
                if (q->resuming) {
                        struct hull_vuln_update_event ev = {
                                .kind = HULL_VULN_UPDATE_EV_RESTART,
                                .url = q->url,
                                .message = "the server's copy changed",
                        };
                        emit(c, &ev);
                }
                HULL_TRY(check_size(q, cl));
                HULL_TRY(dl_reset(c, f));
                snprintf(f->etag, sizeof(f->etag), "%s", q->r.etag);
                snprintf(f->last_modified, sizeof(f->last_modified), "%s", q->r.last_modified);
                f->total = cl;
                f->resumed = false;
                HULL_TRY(check_space(q, cl));
                /* the validators go to disk first: a kill from here on leaves a
                 * partial download that the next run can continue */
                HULL_TRY(dl_save_info(c, f));
                q->accept = true;
                return HULL_OK;
        }
        /* 206: it must continue our copy, of the same version */
        if (!q->resuming || !parse_content_range(q->r.content_range, &start, &total) ||
            start != (int64_t)f->size || (f->etag[0] && strcmp(q->r.etag, f->etag) != 0) ||
            (f->total >= 0 && total >= 0 && total != f->total)) {
                q->restart = true;
                return HULL_EIO;
        }
        HULL_TRY(check_size(q, total));
        if (total >= 0)
                HULL_TRY(check_space(q, total - start));
        if (lseek(f->fd, 0, SEEK_END) < 0)
                return sink_error(q, HULL_EIO, errno, "cannot seek in '%s'", f->path);
        f->resumed = true;
        q->accept = true;
        return HULL_OK;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud) {
        struct req *q = ud;
        struct ctx *c = q->c;
        size_t n = size * nmemb;

        if (!q->prepared && prepare(q) != HULL_OK)
                return 0;
        c->res->bytes += n;
        if (c->eco)
                c->eco->bytes += n;
        if (!q->accept) {
                q->discarded += n;
                if (q->discarded > MAX_ERROR_BODY) {
                        q->body_cut = true;
                        return 0;
                }
                return n;
        }
        if (q->mem) {
                if (q->mem->len + n > q->max && q->keep_head) {
                        /* enough to tell the reader the record is too big */
                        (void)!hull_buf_put(q->mem, p, (size_t)(q->max - q->mem->len));
                        q->body_cut = true;
                        return 0;
                }
                if (q->mem->len + n > q->max) {
                        sink_error(q, HULL_ELIMIT, 0, "'%s' is larger than the limit of %llu bytes",
                                   q->url, (unsigned long long)q->max);
                        return 0;
                }
                if (hull_buf_put(q->mem, p, n) != HULL_OK) {
                        sink_error(q, HULL_ENOMEM, 0, "out of memory");
                        return 0;
                }
                return n;
        }
        struct dl *f = q->dl;
        if (f->size + n > q->max) {
                sink_error(q, HULL_ELIMIT, 0, "'%s' is larger than the limit of %llu bytes", q->url,
                           (unsigned long long)q->max);
                return 0;
        }
        for (size_t done = 0; done < n;) {
                ssize_t w = write(f->fd, p + done, n - done);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0) {
                        char b[600];
                        sink_error(q, HULL_EIO, w < 0 ? errno : EIO, "cannot write %s",
                                   hull_str_quote(b, sizeof(b), f->path, '\''));
                        return 0;
                }
                done += (size_t)w;
                f->size += (uint64_t)w;
        }
        return n;
}

/* Network failures worth another try. */
static bool transient(CURLcode rc) {
        switch (rc) {
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_PARTIAL_FILE:
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
        case CURLE_SSL_CONNECT_ERROR: return true;
        default: return false;
        }
}

static bool retry_status(long status) {
        return status == 408 || status == 429 || status >= 500;
}

/* Milliseconds the server asks us to wait (Retry-After: seconds or an
 * HTTP date), or -1. */
static int64_t retry_after_ms(const char *v, int64_t now) {
        char *end;

        if (!v[0])
                return -1;
        if (v[0] >= '0' && v[0] <= '9') {
                errno = 0;
                long long s = strtoll(v, &end, 10);
                if (errno || *end)
                        return -1;
                return s > MAX_DELAY_MS / 1000 ? MAX_DELAY_MS : s * 1000;
        }
        time_t t = curl_getdate(v, NULL);
        if (t == -1)
                return -1;
        return t <= now ? 0 : (t - now) * 1000;
}

static void sleep_ms(unsigned ms) {
        struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};

        while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
                ;
}

/* Set up and run one try. */
static CURLcode perform(struct ctx *c, struct req *q) {
        struct curl_slist *h = NULL, *t;
        char line[HDR_MAX + 32], range[32];
        bool oom = false;
        CURLcode rc;

        curl_easy_reset(c->curl);
        c->errbuf[0] = '\0';
#define ADD_HEADER(...)                                                                            \
        do {                                                                                       \
                snprintf(line, sizeof(line), __VA_ARGS__);                                         \
                if (!(t = curl_slist_append(h, line)))                                             \
                        oom = true;                                                                \
                else                                                                               \
                        h = t;                                                                     \
        } while (0)
        if (q->resuming) {
                snprintf(range, sizeof(range), "%llu-", (unsigned long long)q->dl->size);
                ADD_HEADER("If-Range: %s", dl_validator(q->dl));
        } else {
                if (q->if_none_match && q->if_none_match[0])
                        ADD_HEADER("If-None-Match: %s", q->if_none_match);
                if (q->if_modified_since && q->if_modified_since[0])
                        ADD_HEADER("If-Modified-Since: %s", q->if_modified_since);
        }
#undef ADD_HEADER
        if (oom) {
                curl_slist_free_all(h);
                return CURLE_OUT_OF_MEMORY;
        }
        rc = CURLE_OK;
#define SET(opt, v)                                                                                \
        do {                                                                                       \
                if (rc == CURLE_OK)                                                                \
                        rc = curl_easy_setopt(c->curl, opt, v);                                    \
        } while (0)
        SET(CURLOPT_URL, q->url);
        SET(CURLOPT_PROTOCOLS_STR, c->https ? "https" : "http,https");
        SET(CURLOPT_REDIR_PROTOCOLS_STR, c->https ? "https" : "http,https");
        SET(CURLOPT_FOLLOWLOCATION, 1L);
        SET(CURLOPT_MAXREDIRS, 5L);
        SET(CURLOPT_USERAGENT, "hullscan/" HULL_VERSION);
        SET(CURLOPT_ERRORBUFFER, c->errbuf);
        SET(CURLOPT_CONNECTTIMEOUT, (long)c->o->connect_timeout);
        /* a stall fails the try, a slow but steady big download does not */
        SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
        SET(CURLOPT_LOW_SPEED_TIME, (long)c->o->timeout);
        SET(CURLOPT_HTTPHEADER, h);
        SET(CURLOPT_HEADERFUNCTION, on_header);
        SET(CURLOPT_HEADERDATA, q);
        SET(CURLOPT_WRITEFUNCTION, on_body);
        SET(CURLOPT_WRITEDATA, q);
        if (q->resuming)
                SET(CURLOPT_RANGE, range);
#undef SET
        if (rc == CURLE_OK)
                rc = curl_easy_perform(c->curl);
        curl_slist_free_all(h);
        return rc;
}

/* One request, tried again while that may help.  HULL_OK leaves the final
 * status in q->status for the caller to judge (2xx, 304, 4xx); the body is
 * in the sink for 200 and 206. */
static int http_get(struct ctx *c, struct req *q) {
        unsigned attempts = c->o->retries + 1;
        char why[CURL_ERROR_SIZE + 64];

        q->c = c;
        for (unsigned attempt = 1;; attempt++) {
                q->status = 0;
                q->prepared = q->accept = q->restart = q->body_cut = q->sink_failed = false;
                q->discarded = 0;
                q->resuming = false;
                memset(&q->r, 0, sizeof(q->r));
                if (q->mem)
                        hull_buf_reset(q->mem);
                if (q->dl && q->dl->size > 0 && dl_validator(q->dl)) {
                        struct hull_vuln_update_event ev = {.kind = HULL_VULN_UPDATE_EV_RESUME,
                                                            .url = q->url,
                                                            .offset = q->dl->size};
                        q->resuming = true;
                        emit(c, &ev);
                }
                CURLcode rc = perform(c, q);
                if (rc == CURLE_OK && !q->prepared)
                        (void)prepare(q); /* an empty body: still choose (truncate for 200) */
                if (q->sink_failed)
                        return c->d->code;
                if (q->restart) {
                        struct hull_vuln_update_event ev = {
                                .kind = HULL_VULN_UPDATE_EV_RESTART,
                                .url = q->url,
                                .message = "the server's copy changed or it cannot resume",
                        };
                        emit(c, &ev);
                        HULL_TRY(dl_reset(c, q->dl));
                        if (attempt < attempts)
                                continue;
                        return hull_diag_set(c->d, HULL_EIO, q->url, 0, 0,
                                             "'%s': the download cannot be resumed", q->url);
                }
                if (rc == CURLE_WRITE_ERROR && q->body_cut)
                        rc = CURLE_OK;
                if (rc == CURLE_OUT_OF_MEMORY)
                        return nomem(c);
                if (rc != CURLE_OK) {
                        snprintf(why, sizeof(why), "%s",
                                 c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc));
                        if (!transient(rc))
                                return hull_diag_set(c->d, HULL_EIO, q->url, 0, 0, "GET '%s': %s",
                                                     q->url, why);
                } else {
                        if (curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &q->status) !=
                            CURLE_OK)
                                q->status = 0;
                        if (!retry_status(q->status))
                                return HULL_OK;
                        snprintf(why, sizeof(why), "HTTP %ld", q->status);
                }
                if (attempt >= attempts)
                        return hull_diag_set(c->d, HULL_EIO, q->url, 0, 0, "GET '%s': %s (%u %s)",
                                             q->url, why, attempts,
                                             attempts == 1 ? "try" : "tries");
                uint64_t delay = (uint64_t)c->o->retry_delay_ms
                                 << (attempt - 1 < 16 ? attempt - 1 : 16);
                int64_t asked =
                        rc == CURLE_OK ? retry_after_ms(q->r.retry_after, (int64_t)time(NULL)) : -1;
                if (asked >= 0)
                        delay = (uint64_t)asked;
                if (delay > MAX_DELAY_MS)
                        delay = MAX_DELAY_MS;
                struct hull_vuln_update_event ev = {
                        .kind = HULL_VULN_UPDATE_EV_RETRY,
                        .url = q->url,
                        .message = why,
                        .attempt = attempt,
                        .attempts = attempts,
                        .delay_ms = (unsigned)delay,
                };
                emit(c, &ev);
                sleep_ms((unsigned)delay);
        }
}

static int http_status_error(struct ctx *c, const struct req *q) {
        return hull_diag_set(c->d, HULL_EIO, q->url, 0, 0, "GET '%s': HTTP %ld", q->url, q->status);
}

/* ---- modified_id.csv ---- */

struct csv {
        bool ok;        /* read and usable */
        bool absent;    /* 404 */
        bool unchanged; /* 304 */
        struct hull_vuln_csv_entry *v;
        size_t n;
        char etag[HDR_MAX], last_modified[HDR_MAX];
};

/* Lines "<RFC 3339 modified>,<id>" (the id may carry an "<eco>/" prefix, as
 * in OSV's top-level list; a "modified,id" header line is passed over).
 * Returns 0, or the 1-based number of the first bad line (why says what). */
size_t hull_vuln_csv_parse(struct hull_arena *a, const char *eco, const char *data, size_t len,
                           struct hull_vuln_csv_entry **ret_v, size_t *ret_n, char *why,
                           size_t whylen) {
        size_t cap = 0, line = 0, elen = strlen(eco);
        const char *p = data, *end = data + len;

        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                const char *e = nl ? nl : end, *comma, *id;
                line++;
                if (e > p && e[-1] == '\r')
                        e--;
                if (e == p) {
                        p = nl ? nl + 1 : end;
                        continue;
                }
                if ((size_t)(e - p) > HULL_MAX_OSV_CSV_LINE_BYTES) {
                        snprintf(why, whylen, "line longer than %u bytes",
                                 HULL_MAX_OSV_CSV_LINE_BYTES);
                        return line;
                }
                comma = memchr(p, ',', (size_t)(e - p));
                if (!comma) {
                        snprintf(why, whylen, "no ',' between the time and the id");
                        return line;
                }
                struct hull_vuln_csv_entry ent;
                if (hull_osv_time_parse(p, (size_t)(comma - p), &ent.modified) != HULL_OK) {
                        if (line == 1 && comma - p == 8 && strncasecmp(p, "modified", 8) == 0) {
                                p = nl ? nl + 1 : end;
                                continue;
                        }
                        snprintf(why, whylen, "the time is not RFC 3339");
                        return line;
                }
                id = comma + 1;
                if ((size_t)(e - id) > elen && memcmp(id, eco, elen) == 0 && id[elen] == '/')
                        id += elen + 1;
                if (!id_valid(id, (size_t)(e - id))) {
                        snprintf(why, whylen, "not a valid OSV id");
                        return line;
                }
                struct hull_vuln_csv_entry *slot =
                        hull_arena_push(a, (void **)ret_v, ret_n, &cap, sizeof(*slot));
                if (!slot || !(ent.id = hull_arena_strndup(a, id, (size_t)(e - id)))) {
                        snprintf(why, whylen, "out of memory");
                        return line;
                }
                *slot = ent;
                p = nl ? nl + 1 : end;
        }
        return 0;
}

/* GET modified_id.csv (conditional when validators are given) into out. */
static int fetch_csv(struct ctx *c, const char *eco, const char *inm, const char *ims,
                     struct csv *out) {
        _cleanup_(hull_buf_releasep) struct hull_buf body = HULL_BUF_INIT(HULL_MAX_OSV_CSV_BYTES);
        struct req q = {.if_none_match = inm,
                        .if_modified_since = ims,
                        .mem = &body,
                        .max = HULL_MAX_OSV_CSV_BYTES};
        char why[128];
        size_t bad;

        memset(out, 0, sizeof(*out));
        q.url = url_of(c, eco, "modified_id.csv", "");
        if (!q.url)
                return nomem(c);
        HULL_TRY(http_get(c, &q));
        if (q.status == 304) {
                out->unchanged = true;
                return HULL_OK;
        }
        if (q.status == 404 || q.status == 410 || q.status == 403) {
                /* GCS answers 403 for a missing object of a bucket that
                 * does not list: the same for us */
                out->absent = true;
                return HULL_OK;
        }
        if (q.status != 200)
                return http_status_error(c, &q);
        snprintf(out->etag, sizeof(out->etag), "%s", q.r.etag);
        snprintf(out->last_modified, sizeof(out->last_modified), "%s", q.r.last_modified);
        bad = hull_vuln_csv_parse(&c->tmp, eco, body.data ? body.data : "", body.len, &out->v,
                                  &out->n, why, sizeof(why));
        if (bad) {
                if (strcmp(why, "out of memory") == 0)
                        return nomem(c);
                warn(c, q.url, "'%s' line %zu: %s; reading all.zip instead", q.url, bad, why);
                out->v = NULL;
                out->n = 0;
                return HULL_OK;
        }
        out->ok = true;
        c->eco->listed = out->n;
        return HULL_OK;
}

/* The entries of csv newer than the database holds (or missing from it). */
static int newer(struct ctx *c, const struct csv *csv, const struct hull_vuln_csv_entry ***ret,
                 size_t *ret_n) {
        const struct hull_vuln_csv_entry **v = NULL;
        size_t n = 0, cap = 0;

        for (size_t i = 0; i < csv->n; i++) {
                struct hull_osv_time have;
                bool found;
                HULL_TRY(hull_vuln_db_writer_modified(c->w, csv->v[i].id, &have, &found, c->d));
                if (found && hull_osv_time_cmp(&csv->v[i].modified, &have) <= 0)
                        continue;
                const struct hull_vuln_csv_entry **slot =
                        hull_arena_push(&c->tmp, (void **)&v, &n, &cap, sizeof(*slot));
                if (!slot)
                        return nomem(c);
                *slot = &csv->v[i];
        }
        *ret = v;
        *ret_n = n;
        return HULL_OK;
}

/* Fetch and import each record of v. */
static int fetch_records(struct ctx *c, const char *eco, const struct hull_vuln_csv_entry *const *v,
                         size_t n) {
        _cleanup_(hull_buf_releasep) struct hull_buf body =
                HULL_BUF_INIT((size_t)HULL_MAX_OSV_RECORD_BYTES + 2);

        for (size_t i = 0; i < n; i++) {
                /* a record past the limit is cut one byte over it: the
                 * import then skips and counts it, as `db import` does */
                struct req q = {
                        .mem = &body, .max = HULL_MAX_OSV_RECORD_BYTES + 1, .keep_head = true};
                q.url = url_of(c, eco, v[i]->id, ".json");
                if (!q.url)
                        return nomem(c);
                HULL_TRY(http_get(c, &q));
                if (q.status == 404 || q.status == 410 || q.status == 403) {
                        c->eco->gone++;
                        warn(c, q.url, "'%s' is listed in modified_id.csv but gone (HTTP %ld)",
                             q.url, q.status);
                        continue;
                }
                if (q.status != 200)
                        return http_status_error(c, &q);
                HULL_TRY(hull_vuln_db_writer_add_record(c->w, body.data ? body.data : "", body.len,
                                                        q.url, c->d));
                c->eco->fetched++;
        }
        return HULL_OK;
}

/* ---- all.zip ---- */

enum zip_outcome { ZIP_IMPORTED, ZIP_UNCHANGED, ZIP_ABSENT };

static int fetch_zip(struct ctx *c, const char *eco, const char *inm, const char *ims, struct dl *f,
                     enum zip_outcome *ret) {
        struct hull_buf dir = HULL_BUF_INIT(HULL_MAX_PATH_BYTES + 1);
        struct req q = {.if_none_match = inm,
                        .if_modified_since = ims,
                        .dl = f,
                        .max = HULL_MAX_OSV_DOWNLOAD_BYTES};
        char b[600];
        int r;

        q.url = f->url = url_of(c, eco, "all.zip", "");
        if (!q.url)
                return nomem(c);
        /* <cache>/<eco, escaped>/all.zip and all.zip.http */
        if (hull_buf_printf(&dir, "%s/", c->cache) != HULL_OK ||
            put_escaped(&dir, eco) != HULL_OK) {
                hull_buf_release(&dir);
                return hull_diag_set(c->d, HULL_ELIMIT, c->cache, 0, 0,
                                     "cache directory path too long");
        }
        r = mkdir_p(dir.data, c->d);
        if (r == HULL_OK) {
                size_t n = dir.len + sizeof("/all.zip.http");
                char *p = hull_arena_alloc(&c->tmp, n), *i = hull_arena_alloc(&c->tmp, n);
                if (p && i) {
                        snprintf(p, n, "%s/all.zip", dir.data);
                        snprintf(i, n, "%s/all.zip.http", dir.data);
                        f->path = p;
                        f->info_path = i;
                } else {
                        r = nomem(c);
                }
        }
        hull_buf_release(&dir);
        HULL_TRY(r);

        f->fd = open(f->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (f->fd < 0) {
                int e = errno;
                return hull_diag_errno(c->d, HULL_EIO, e, f->path, "cannot open %s",
                                       hull_str_quote(b, sizeof(b), f->path, '\''));
        }
        struct stat st;
        if (fstat(f->fd, &st) != 0) {
                int e = errno;
                return hull_diag_errno(c->d, HULL_EIO, e, f->path, "cannot open %s",
                                       hull_str_quote(b, sizeof(b), f->path, '\''));
        }
        f->size = (uint64_t)st.st_size;
        f->total = -1;
        if (!dl_load_info(f) || (f->total >= 0 && f->size > (uint64_t)f->total))
                HULL_TRY(dl_reset(c, f));
        HULL_TRY(http_get(c, &q));

        switch (q.status) {
        case 304:
                *ret = ZIP_UNCHANGED;
                dl_remove(f);
                return HULL_OK;
        case 403:
        case 404:
        case 410:
                *ret = ZIP_ABSENT;
                dl_remove(f);
                return HULL_OK;
        case 416: {
                /* the partial copy was whole already (If-Range held) */
                int64_t start, total;
                if (q.resuming && parse_content_range(q.r.content_range, &start, &total) &&
                    total >= 0 && (uint64_t)total == f->size)
                        break;
                HULL_TRY(dl_reset(c, f));
                return hull_diag_set(c->d, HULL_EIO, q.url, 0, 0,
                                     "GET '%s': HTTP 416 (range not satisfiable); the partial "
                                     "download was discarded: try again",
                                     q.url);
        }
        case 200:
        case 206: break;
        default: return http_status_error(c, &q);
        }
        if (f->total >= 0 && f->size != (uint64_t)f->total) {
                HULL_TRY(dl_reset(c, f));
                return hull_diag_set(c->d, HULL_EIO, q.url, 0, 0,
                                     "GET '%s': got %llu bytes of %lld: try again", q.url,
                                     (unsigned long long)f->size, (long long)f->total);
        }
        c->eco->resumed = f->resumed;
        close(f->fd);
        f->fd = -1;
        f->complete = true;
        r = hull_vuln_db_writer_add_path(c->w, f->path, c->d);
        if (r == HULL_ECORRUPT || r == HULL_ELIMIT)
                dl_remove(f); /* a damaged copy is not resumed: the next run downloads again */
        HULL_TRY(r);
        *ret = ZIP_IMPORTED;
        return HULL_OK;
}

/* ---- one ecosystem ---- */

static const char *meta(struct ctx *c, const char *eco, const char *key, int *r) {
        char k[MAX_ECOSYSTEM_BYTES + 64];
        const char *v = NULL;

        if (*r)
                return NULL;
        snprintf(k, sizeof(k), "update.%s.%s", eco, key);
        *r = hull_vuln_db_writer_meta_get(c->w, k, &c->tmp, &v, c->d);
        return v && v[0] ? v : NULL;
}

static int set_meta(struct ctx *c, const char *eco, const char *key, const char *v) {
        char k[MAX_ECOSYSTEM_BYTES + 64];

        snprintf(k, sizeof(k), "update.%s.%s", eco, key);
        return hull_vuln_db_writer_set_meta(c->w, k, v ? v : "", c->d);
}

static void sum_stats(struct hull_vuln_import_stats *to, const struct hull_vuln_import_stats *a,
                      const struct hull_vuln_import_stats *b) {
        to->files = a->files - b->files;
        to->records = a->records - b->records;
        to->added = a->added - b->added;
        to->updated = a->updated - b->updated;
        to->unchanged = a->unchanged - b->unchanged;
        to->withdrawn = a->withdrawn - b->withdrawn;
        to->skipped = a->skipped - b->skipped;
        to->ignored = a->ignored - b->ignored;
}

/* After all.zip (or without it): fetch what csv lists newer; store its
 * validators when everything it lists is in. */
static int catch_up(struct ctx *c, const char *eco, const struct csv *csv, bool *ret_complete) {
        const struct hull_vuln_csv_entry **need = NULL;
        size_t n = 0;

        *ret_complete = false;
        HULL_TRY(newer(c, csv, &need, &n));
        if (n > HULL_MAX_OSV_UPDATE_RECORDS)
                return HULL_OK;
        HULL_TRY(fetch_records(c, eco, need, n));
        *ret_complete = true;
        HULL_TRY(set_meta(c, eco, "csv_etag", csv->etag));
        return set_meta(c, eco, "csv_last_modified", csv->last_modified);
}

static int update_ecosystem(struct ctx *c, const char *eco, bool asked) {
        struct dl f = {.fd = -1, .total = -1};
        struct csv csv = {0};
        enum zip_outcome zip = ZIP_UNCHANGED;
        bool synced, complete = false;
        const char *src, *csv_etag, *csv_lm, *zip_etag, *zip_lm;
        char when[HULL_OSV_TIME_TEXT];
        int r = HULL_OK;

        src = meta(c, eco, "source", &r);
        csv_etag = meta(c, eco, "csv_etag", &r);
        csv_lm = meta(c, eco, "csv_last_modified", &r);
        zip_etag = meta(c, eco, "zip_etag", &r);
        zip_lm = meta(c, eco, "zip_last_modified", &r);
        HULL_TRY(r);
        synced = src && strcmp(src, c->source) == 0;
        c->eco->method = HULL_VULN_UPDATE_UNCHANGED;

        if (synced) {
                HULL_TRY(fetch_csv(c, eco, csv_etag, csv_lm, &csv));
                if (csv.unchanged)
                        goto done;
                if (csv.ok) {
                        HULL_TRY(catch_up(c, eco, &csv, &complete));
                        if (complete) {
                                if (c->eco->fetched > 0)
                                        c->eco->method = HULL_VULN_UPDATE_INCREMENTAL;
                                goto done;
                        }
                        /* too many to fetch one by one: all.zip is cheaper */
                }
        }
        r = fetch_zip(c, eco, synced ? zip_etag : NULL, synced ? zip_lm : NULL, &f, &zip);
        if (f.fd >= 0)
                close(f.fd);
        if (r && f.size == 0)
                dl_remove(&f); /* nothing to resume: no clutter */
        HULL_TRY(r);
        if (zip == ZIP_ABSENT) {
                if (asked)
                        return hull_diag_set(c->d, HULL_ENOTFOUND, f.url, 0, 0,
                                             "the source publishes no %s records: '%s' is not "
                                             "there",
                                             eco, f.url);
                c->eco->method = HULL_VULN_UPDATE_MISSING;
                warn(c, f.url, "the source publishes no %s records ('%s' is not there): skipped",
                     eco, f.url);
                return HULL_OK;
        }
        if (zip == ZIP_IMPORTED) {
                c->eco->method = HULL_VULN_UPDATE_FULL;
                HULL_TRY(set_meta(c, eco, "zip_etag", f.etag));
                HULL_TRY(set_meta(c, eco, "zip_last_modified", f.last_modified));
        }
        if (!csv.ok && !csv.absent && !synced)
                HULL_TRY(fetch_csv(c, eco, NULL, NULL, &csv));
        if (csv.ok) {
                HULL_TRY(catch_up(c, eco, &csv, &complete));
                if (!complete) {
                        warn(c, NULL,
                             "%s: more than %u records listed in modified_id.csv are newer "
                             "than all.zip; the next update fetches them",
                             eco, HULL_MAX_OSV_UPDATE_RECORDS);
                        /* forget the list's validators, so it is read again */
                        HULL_TRY(set_meta(c, eco, "csv_etag", NULL));
                        HULL_TRY(set_meta(c, eco, "csv_last_modified", NULL));
                }
                if (c->eco->fetched > 0 && c->eco->method == HULL_VULN_UPDATE_UNCHANGED)
                        c->eco->method = HULL_VULN_UPDATE_INCREMENTAL;
        }
done : {
        struct hull_osv_time t = {.sec = c->o->now};
        HULL_TRY(set_meta(c, eco, "source", c->source));
        return set_meta(c, eco, "time", hull_osv_time_format(&t, when));
}
}

/* ---- the update ---- */

static void curl_cleanupp(CURL **h) {
        if (*h)
                curl_easy_cleanup(*h);
}

/* The ecosystems to update, in c->a: the options', else the database's,
 * else the default list.  *ret_asked: named by the caller. */
static int pick_ecosystems(struct ctx *c, const char ***ret, size_t *ret_n, bool *ret_asked) {
        const char *const *v = c->o->ecosystems;
        size_t n = c->o->n_ecosystems;
        const char **held = NULL, **out;
        size_t n_held = 0, k = 0;
        char b[300];

        *ret_asked = n > 0;
        if (n == 0) {
                HULL_TRY(hull_vuln_db_writer_ecosystems(c->w, c->a, &held, &n_held, c->d));
                v = held;
                n = n_held;
        }
        if (n == 0) {
                v = hull_vuln_update_default_ecosystems;
                while (v[n])
                        n++;
        }
        if (n > HULL_MAX_OSV_ECOSYSTEMS)
                return hull_diag_set(c->d, HULL_ELIMIT, NULL, 0, 0,
                                     "more than %u ecosystems to update", HULL_MAX_OSV_ECOSYSTEMS);
        out = hull_arena_alloc(c->a, (n ? n : 1) * sizeof(*out));
        if (!out)
                return nomem(c);
        for (size_t i = 0; i < n; i++) {
                bool dup = false;
                if (!hull_vuln_update_ecosystem_valid(v[i])) {
                        if (*ret_asked)
                                return hull_diag_set(c->d, HULL_EINVAL, NULL, 0, 0,
                                                     "ecosystem %s: a name is 1 to %u printable "
                                                     "ASCII characters without '/' or '\\'",
                                                     hull_str_quote(b, sizeof(b), v[i], '\''),
                                                     MAX_ECOSYSTEM_BYTES);
                        warn(c, NULL,
                             "the database names ecosystem %s, which cannot be "
                             "downloaded: skipped",
                             hull_str_quote(b, sizeof(b), v[i], '\''));
                        continue;
                }
                for (size_t j = 0; j < k && !dup; j++)
                        dup = strcmp(out[j], v[i]) == 0;
                if (!dup)
                        out[k++] = v[i];
        }
        *ret = out;
        *ret_n = k;
        return HULL_OK;
}

static int run(struct ctx *c, const char *db_path) {
        _cleanup_(hull_buf_releasep) struct hull_buf list = HULL_BUF_INIT(1 << 20);
        struct hull_vuln_update_result *res = c->res;
        const struct hull_vuln_import_stats *st;
        struct hull_vuln_import_stats before;
        char when[HULL_OSV_TIME_TEXT];
        const char **ecos = NULL;
        size_t n = 0;
        bool asked;
        int r;

        HULL_TRY(hull_vuln_db_writer_begin(db_path, c->o->now, &c->w, c->d));
        if (c->o->on_skip)
                hull_vuln_db_writer_set_skip_cb(c->w, c->o->on_skip, c->o->ud);
        HULL_TRY(pick_ecosystems(c, &ecos, &n, &asked));
        HULL_TRY(mkdir_p(c->cache, c->d));
        res->ecosystems = hull_arena_alloc0(c->a, (n ? n : 1) * sizeof(*res->ecosystems));
        if (!res->ecosystems)
                return nomem(c);
        for (size_t i = 0; i < n; i++) {
                struct hull_vuln_update_ecosystem *e = &res->ecosystems[res->n_ecosystems++];
                struct hull_vuln_update_event ev = {.kind = HULL_VULN_UPDATE_EV_ECOSYSTEM};
                e->name = ecos[i];
                c->eco = e;
                before = *hull_vuln_db_writer_stats(c->w);
                r = update_ecosystem(c, ecos[i], asked);
                sum_stats(&e->import, hull_vuln_db_writer_stats(c->w), &before);
                hull_arena_release(&c->tmp);
                if (r)
                        return r;
                ev.stats = e;
                emit(c, &ev);
                if (e->method != HULL_VULN_UPDATE_MISSING &&
                    hull_buf_printf(&list, "%s%s", list.len ? "\n" : "", e->name) != HULL_OK)
                        return nomem(c);
        }
        c->eco = NULL;
        st = hull_vuln_db_writer_stats(c->w);
        res->total = *st;
        struct hull_osv_time t = {.sec = c->o->now};
        HULL_TRY(hull_vuln_db_writer_set_meta(c->w, "update.source", c->source, c->d));
        HULL_TRY(hull_vuln_db_writer_set_meta(c->w, "update.time", hull_osv_time_format(&t, when),
                                              c->d));
        HULL_TRY(hull_vuln_db_writer_set_meta(c->w, "update.ecosystems", list.data ? list.data : "",
                                              c->d));
        r = hull_vuln_db_writer_commit(TAKE_PTR(c->w), c->source, c->d);
        HULL_TRY(r);
        /* committed: the downloads have served */
        for (size_t i = 0; i < res->n_ecosystems; i++) {
                struct hull_buf p = HULL_BUF_INIT(HULL_MAX_PATH_BYTES + 32);
                if (hull_buf_printf(&p, "%s/", c->cache) == HULL_OK &&
                    put_escaped(&p, res->ecosystems[i].name) == HULL_OK) {
                        size_t dirlen = p.len;
                        if (hull_buf_puts(&p, "/all.zip") == HULL_OK) {
                                (void)unlink(p.data);
                                if (hull_buf_puts(&p, ".http") == HULL_OK)
                                        (void)unlink(p.data);
                        }
                        p.data[dirlen] = '\0';
                        (void)rmdir(p.data);
                }
                hull_buf_release(&p);
        }
        (void)rmdir(c->cache);
        return HULL_OK;
}

int hull_vuln_update(const char *db_path, const struct hull_vuln_update_options *o,
                     struct hull_arena *a, struct hull_vuln_update_result *ret,
                     struct hull_diag *d) {
        struct hull_vuln_update_result local;
        struct ctx c = {.o = o, .a = a, .d = d};
        _cleanup_(curl_cleanupp) CURL *curl = NULL;
        int r;

        c.res = ret ? ret : &local;
        memset(c.res, 0, sizeof(*c.res));
        hull_arena_init(&c.tmp, 0);
        HULL_TRY(check_source(o->source ? o->source : HULL_VULN_UPDATE_DEFAULT_SOURCE, a, &c.source,
                              &c.https, d));
        c.res->source = c.source;
        if (o->cache_dir) {
                c.cache = o->cache_dir;
        } else {
                size_t n = strlen(db_path) + sizeof(".downloads");
                char *p = hull_arena_alloc(a, n);
                if (!p)
                        return nomem(&c);
                snprintf(p, n, "%s.downloads", db_path);
                c.cache = p;
        }
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
                return hull_diag_set(d, HULL_EINTERNAL, NULL, 0, 0, "cannot initialise libcurl");
        curl = curl_easy_init();
        if (!curl) {
                curl_global_cleanup();
                return nomem(&c);
        }
        c.curl = curl;
        r = run(&c, db_path);
        if (r)
                (void)rmdir(c.cache); /* when no partial download is kept */
        hull_vuln_db_writer_free(c.w);
        hull_arena_release(&c.tmp);
        curl_easy_cleanup(TAKE_PTR(curl));
        curl_global_cleanup();
        return r;
}
