/* httpd.c - a small HTTP/1.1 file server on 127.0.0.1 for the `db update`
 * tests (tests/vuln/update.sh), so they need nothing from the network.
 *
 *   osv_httpd --root DIR --port-file FILE [--log FILE] [--faults FILE]
 *
 * Listens on an ephemeral port of 127.0.0.1 and writes its number to
 * FILE once it accepts connections.  Serves the files below DIR for GET
 * and HEAD (the path percent-decoded; ".." refused), one request per
 * connection (Connection: close), with:
 *  - ETag: a strong tag from the content (FNV-1a), and Last-Modified from
 *    the file's mtime; If-None-Match (takes precedence) and
 *    If-Modified-Since answer 304;
 *  - Range "bytes=N-" or "bytes=N-M" answers 206 with Content-Range, or
 *    416 with "bytes *" "/SIZE" past the end; If-Range (an ETag or a date)
 *    that does not match serves the whole file (200).
 * Each request is logged to --log as one line:
 *   METHOD PATH STATUS [range=VALUE] [if-range] [conditional]
 * Faults: --faults names a file of lines "PATH KIND [COUNT]" (COUNT: how
 * many requests it hits, default 1, '*' for all), read at every request;
 * the first line for the path with a count left applies and its count is
 * written back decremented.  KIND is one of
 *   429       429 Too Many Requests with Retry-After: 0
 *   500, 503  that status
 *   404       not found
 *   truncate  the headers of the real answer, then half its body, then close
 *   slow      wait 3 s before answering
 *   hang      the headers and half the body, then wait for the client to
 *             go away (at most 120 s): a download to kill
 * Stops on SIGTERM. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_REQUEST 16384
#define MAX_FILE (256u << 20)

static const char *root, *log_path, *faults_path;

static void die(const char *what) {
        fprintf(stderr, "osv_httpd: %s: %s\n", what, strerror(errno));
        exit(1);
}

/* ---- the request ---- */

struct request {
        char method[8];
        char path[1024]; /* decoded */
        char range[128], if_range[256], if_none_match[256], if_modified_since[128];
};

static int hexval(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* Percent-decode src[0..n) into dst; false on a bad escape, a NUL or "..". */
static bool decode_path(const char *src, size_t n, char *dst, size_t size) {
        size_t o = 0;

        for (size_t i = 0; i < n; i++) {
                char c = src[i];
                if (c == '?')
                        break;
                if (c == '%') {
                        if (i + 2 >= n)
                                return false;
                        int h = hexval(src[i + 1]), l = hexval(src[i + 2]);
                        if (h < 0 || l < 0)
                                return false;
                        c = (char)(h * 16 + l);
                        i += 2;
                }
                if (c == '\0' || o + 1 >= size)
                        return false;
                dst[o++] = c;
        }
        dst[o] = '\0';
        return dst[0] == '/' && !strstr(dst, "/../") && strcmp(dst + (o >= 3 ? o - 3 : 0), "/..");
}

static void header_value(const char *line, const char *name, char *dst, size_t size) {
        size_t l = strlen(name);

        if (strncasecmp(line, name, l) != 0 || line[l] != ':')
                return;
        line += l + 1;
        while (*line == ' ' || *line == '\t')
                line++;
        snprintf(dst, size, "%s", line);
}

/* Read and parse the request head; false when the client sent garbage. */
static bool read_request(int fd, struct request *rq) {
        char buf[MAX_REQUEST + 1];
        size_t len = 0;
        char *end = NULL;

        memset(rq, 0, sizeof(*rq));
        while (!end) {
                if (len == MAX_REQUEST)
                        return false;
                ssize_t n = recv(fd, buf + len, MAX_REQUEST - len, 0);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return false;
                len += (size_t)n;
                buf[len] = '\0';
                end = strstr(buf, "\r\n\r\n");
        }
        *end = '\0';
        char *line = buf, *next;
        bool first = true;
        for (; line; line = next) {
                next = strstr(line, "\r\n");
                if (next) {
                        *next = '\0';
                        next += 2;
                }
                if (first) {
                        char *sp1 = strchr(line, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
                        if (!sp1 || !sp2 || (size_t)(sp1 - line) >= sizeof(rq->method))
                                return false;
                        memcpy(rq->method, line, (size_t)(sp1 - line));
                        if (!decode_path(sp1 + 1, (size_t)(sp2 - sp1 - 1), rq->path,
                                         sizeof(rq->path)))
                                return false;
                        first = false;
                        continue;
                }
                header_value(line, "Range", rq->range, sizeof(rq->range));
                header_value(line, "If-Range", rq->if_range, sizeof(rq->if_range));
                header_value(line, "If-None-Match", rq->if_none_match, sizeof(rq->if_none_match));
                header_value(line, "If-Modified-Since", rq->if_modified_since,
                             sizeof(rq->if_modified_since));
        }
        return true;
}

/* ---- sending ---- */

static bool send_all(int fd, const void *p, size_t n) {
        const char *c = p;

        while (n > 0) {
                ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0)
                        return false;
                c += w;
                n -= (size_t)w;
        }
        return true;
}

static void http_date(time_t t, char *buf, size_t size) {
        struct tm tm;

        gmtime_r(&t, &tm);
        strftime(buf, size, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static bool parse_http_date(const char *s, time_t *ret) {
        struct tm tm;
        const char *end;

        memset(&tm, 0, sizeof(tm));
        end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        if (!end || *end)
                return false;
        *ret = timegm(&tm);
        return true;
}

static void simple(int fd, int status, const char *reason, const char *extra) {
        char head[512];
        int n = snprintf(head, sizeof(head),
                         "HTTP/1.1 %d %s\r\n%sContent-Length: 0\r\nConnection: close\r\n\r\n",
                         status, reason, extra ? extra : "");
        (void)send_all(fd, head, (size_t)n);
}

/* Wait until the peer closes (or 120 s). */
static void wait_for_close(int fd) {
        char b[4096];
        time_t until = time(NULL) + 120;

        while (time(NULL) < until) {
                struct pollfd p = {.fd = fd, .events = POLLIN};
                int r = poll(&p, 1, 1000);
                if (r < 0 && errno != EINTR)
                        return;
                if (r > 0) {
                        ssize_t n = recv(fd, b, sizeof(b), 0);
                        if (n <= 0)
                                return;
                }
        }
}

/* ---- faults ---- */

enum fault { F_NONE, F_429, F_500, F_503, F_404, F_TRUNCATE, F_SLOW, F_HANG };

/* The fault for path, its count taken down in the file. */
static enum fault take_fault(const char *path) {
        static const struct {
                const char *name;
                enum fault f;
        } kinds[] = {{"429", F_429},           {"500", F_500},   {"503", F_503},  {"404", F_404},
                     {"truncate", F_TRUNCATE}, {"slow", F_SLOW}, {"hang", F_HANG}};
        char lines[64][1200], out[64 * 1200 + 1];
        size_t n = 0, o = 0;
        enum fault hit = F_NONE;
        FILE *f;

        if (!faults_path || !(f = fopen(faults_path, "re")))
                return F_NONE;
        while (n < 64 && fgets(lines[n], sizeof(lines[n]), f))
                n++;
        fclose(f);
        for (size_t i = 0; i < n; i++) {
                char p[1024], kind[32], count[32] = "1";
                int fields = sscanf(lines[i], "%1023s %31s %31s", p, kind, count);
                if (hit == F_NONE && fields >= 2 && strcmp(p, path) == 0 &&
                    strcmp(count, "0") != 0) {
                        for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
                                if (strcmp(kinds[k].name, kind) == 0)
                                        hit = kinds[k].f;
                        if (hit != F_NONE && strcmp(count, "*") != 0)
                                snprintf(lines[i], sizeof(lines[i]), "%s %s %ld\n", p, kind,
                                         strtol(count, NULL, 10) - 1);
                }
                o += (size_t)snprintf(out + o, sizeof(out) - o, "%s", lines[i]);
        }
        if (hit != F_NONE) {
                char tmp[1100];
                snprintf(tmp, sizeof(tmp), "%s.new", faults_path);
                f = fopen(tmp, "we");
                if (f) {
                        fputs(out, f);
                        fclose(f);
                        (void)rename(tmp, faults_path);
                }
        }
        return hit;
}

/* ---- serving ---- */

static void log_line(const struct request *rq, int status) {
        FILE *f;

        if (!log_path || !(f = fopen(log_path, "ae")))
                return;
        fprintf(f, "%s %s %d", rq->method, rq->path, status);
        if (rq->range[0])
                fprintf(f, " range=%s", rq->range);
        if (rq->if_range[0])
                fprintf(f, " if-range");
        if (rq->if_none_match[0] || rq->if_modified_since[0])
                fprintf(f, " conditional");
        fputc('\n', f);
        fclose(f);
}

static char *read_file(const char *path, size_t *ret_len, time_t *ret_mtime) {
        struct stat st;
        char *data;
        int fd = open(path, O_RDONLY | O_CLOEXEC);

        if (fd < 0)
                return NULL;
        if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > MAX_FILE) {
                close(fd);
                return NULL;
        }
        data = malloc((size_t)st.st_size + 1);
        size_t len = 0;
        while (data && len < (size_t)st.st_size) {
                ssize_t n = read(fd, data + len, (size_t)st.st_size - len);
                if (n <= 0)
                        break;
                len += (size_t)n;
        }
        close(fd);
        *ret_len = len;
        *ret_mtime = st.st_mtime;
        return data;
}

static void serve(int fd) {
        struct request rq;
        char file[2048], etag[40], lm[64], head[1024], extra[256];
        size_t len, start, end;
        time_t mtime;
        int status;

        if (!read_request(fd, &rq)) {
                simple(fd, 400, "Bad Request", NULL);
                return;
        }
        bool head_only = strcmp(rq.method, "HEAD") == 0;
        if (!head_only && strcmp(rq.method, "GET") != 0) {
                log_line(&rq, 405);
                simple(fd, 405, "Method Not Allowed", NULL);
                return;
        }
        enum fault fault = take_fault(rq.path);
        switch (fault) {
        case F_429:
                log_line(&rq, 429);
                simple(fd, 429, "Too Many Requests", "Retry-After: 0\r\n");
                return;
        case F_500:
        case F_503:
                log_line(&rq, fault == F_500 ? 500 : 503);
                simple(fd, fault == F_500 ? 500 : 503,
                       fault == F_500 ? "Internal Server Error" : "Service Unavailable", NULL);
                return;
        case F_404:
                log_line(&rq, 404);
                simple(fd, 404, "Not Found", NULL);
                return;
        case F_SLOW: sleep(3); break;
        default: break;
        }

        snprintf(file, sizeof(file), "%s%s", root, rq.path);
        char *data = read_file(file, &len, &mtime);
        if (!data) {
                log_line(&rq, 404);
                simple(fd, 404, "Not Found", NULL);
                return;
        }
        uint64_t h = 0xcbf29ce484222325ull;
        for (size_t i = 0; i < len; i++)
                h = (h ^ (unsigned char)data[i]) * 0x100000001b3ull;
        snprintf(etag, sizeof(etag), "\"%016llx\"", (unsigned long long)h);
        http_date(mtime, lm, sizeof(lm));

        /* conditional: If-None-Match first, If-Modified-Since without it */
        time_t since;
        bool not_modified =
                rq.if_none_match[0]
                        ? strcmp(rq.if_none_match, etag) == 0 || strcmp(rq.if_none_match, "*") == 0
                        : rq.if_modified_since[0] &&
                                  parse_http_date(rq.if_modified_since, &since) && mtime <= since;
        if (not_modified) {
                snprintf(extra, sizeof(extra), "ETag: %s\r\nLast-Modified: %s\r\n", etag, lm);
                log_line(&rq, 304);
                int n = snprintf(head, sizeof(head),
                                 "HTTP/1.1 304 Not Modified\r\n%sConnection: close\r\n\r\n", extra);
                (void)send_all(fd, head, (size_t)n);
                free(data);
                return;
        }

        status = 200;
        start = 0;
        end = len;
        bool range_ok = rq.range[0] && (!rq.if_range[0] || strcmp(rq.if_range, etag) == 0 ||
                                        strcmp(rq.if_range, lm) == 0);
        if (range_ok) {
                unsigned long long a, b;
                char dash;
                int k = sscanf(rq.range, "bytes=%llu%c%llu", &a, &dash, &b);
                if (k >= 2 && dash == '-') {
                        if (a >= len) {
                                snprintf(extra, sizeof(extra), "Content-Range: bytes */%zu\r\n",
                                         len);
                                log_line(&rq, 416);
                                simple(fd, 416, "Range Not Satisfiable", extra);
                                free(data);
                                return;
                        }
                        start = (size_t)a;
                        end = k == 3 && b + 1 < len ? (size_t)b + 1 : len;
                        status = 206;
                }
        }
        int n = snprintf(head, sizeof(head),
                         "HTTP/1.1 %d %s\r\nETag: %s\r\nLast-Modified: %s\r\nAccept-Ranges: "
                         "bytes\r\nContent-Length: %zu\r\n",
                         status, status == 206 ? "Partial Content" : "OK", etag, lm, end - start);
        if (status == 206)
                n += snprintf(head + n, sizeof(head) - (size_t)n,
                              "Content-Range: bytes %zu-%zu/%zu\r\n", start, end - 1, len);
        n += snprintf(head + n, sizeof(head) - (size_t)n, "Connection: close\r\n\r\n");
        log_line(&rq, status);
        if (!send_all(fd, head, (size_t)n) || head_only) {
                free(data);
                return;
        }
        size_t body = end - start;
        if (fault == F_TRUNCATE || fault == F_HANG)
                body /= 2;
        (void)send_all(fd, data + start, body);
        if (fault == F_HANG)
                wait_for_close(fd);
        free(data);
}

int main(int argc, char **argv) {
        const char *port_file = NULL;
        struct sockaddr_in sa = {.sin_family = AF_INET};
        socklen_t sl = sizeof(sa);
        int ls, one = 1;

        for (int i = 1; i + 1 < argc; i += 2) {
                if (strcmp(argv[i], "--root") == 0)
                        root = argv[i + 1];
                else if (strcmp(argv[i], "--port-file") == 0)
                        port_file = argv[i + 1];
                else if (strcmp(argv[i], "--log") == 0)
                        log_path = argv[i + 1];
                else if (strcmp(argv[i], "--faults") == 0)
                        faults_path = argv[i + 1];
        }
        if (!root || !port_file) {
                fprintf(stderr, "usage: osv_httpd --root DIR --port-file FILE [--log FILE] "
                                "[--faults FILE]\n");
                return 2;
        }
        signal(SIGPIPE, SIG_IGN);
        ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (ls < 0)
                die("socket");
        (void)setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(ls, 16) != 0 ||
            getsockname(ls, (struct sockaddr *)&sa, &sl) != 0)
                die("bind 127.0.0.1");
        char tmp[4096];
        snprintf(tmp, sizeof(tmp), "%s.new", port_file);
        FILE *f = fopen(tmp, "we");
        if (!f)
                die(tmp);
        fprintf(f, "%u\n", ntohs(sa.sin_port));
        if (fclose(f) != 0 || rename(tmp, port_file) != 0)
                die(port_file);
        for (;;) {
                int fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
                if (fd < 0) {
                        if (errno == EINTR || errno == ECONNABORTED)
                                continue;
                        die("accept");
                }
                struct timeval tv = {.tv_sec = 10};
                (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
                serve(fd);
                shutdown(fd, SHUT_WR);
                close(fd);
        }
}
