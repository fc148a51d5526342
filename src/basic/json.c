/* json.c - streaming JSON writer. */
#include "basic/json.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "basic/err.h"
#include "basic/utf8.h"

void hull_json_init(struct hull_json *j, struct hull_buf *b, bool pretty) {
        memset(j, 0, sizeof(*j));
        j->b = b;
        j->pretty = pretty;
        j->empty[0] = true;
}

static void flush(struct hull_json *j) {
        if (!j->err && j->flush && j->b->len) {
                j->err = j->flush(j->ud, j->b->data, j->b->len);
                hull_buf_reset(j->b);
        }
}

int hull_json_end(struct hull_json *j) {
        if (!j->err && j->depth != 0)
                j->err = HULL_EINTERNAL;
        flush(j);
        return j->err;
}

static void put(struct hull_json *j, const char *s, size_t n) {
        if (!j->err)
                j->err = hull_buf_put(j->b, s, n);
        if (j->flush && j->b->len >= 65536)
                flush(j);
}

static void newline(struct hull_json *j) {
        static const char spaces[] =
                "                                                                ";
        if (!j->pretty)
                return;
        put(j, "\n", 1);
        for (unsigned i = 0; i < j->depth && !j->err; i++)
                put(j, spaces, 2);
}

/* Before any value: a comma and newline unless it follows a key. */
static void before_value(struct hull_json *j) {
        if (j->after_key) {
                j->after_key = false;
                return;
        }
        if (j->depth > 0) {
                if (!j->empty[j->depth])
                        put(j, ",", 1);
                newline(j);
        }
        j->empty[j->depth] = false;
}

static void open(struct hull_json *j, char c) {
        before_value(j);
        if (j->depth >= HULL_MAX_JSON_DEPTH) {
                j->err = j->err ? j->err : HULL_ELIMIT;
                return;
        }
        put(j, &c, 1);
        j->depth++;
        j->empty[j->depth] = true;
}

static void close_(struct hull_json *j, char c) {
        if (j->depth == 0) {
                j->err = j->err ? j->err : HULL_EINTERNAL;
                return;
        }
        bool was_empty = j->empty[j->depth];
        j->depth--;
        if (!was_empty)
                newline(j);
        put(j, &c, 1);
}

void hull_json_obj(struct hull_json *j) {
        open(j, '{');
}
void hull_json_obj_end(struct hull_json *j) {
        close_(j, '}');
}
void hull_json_arr(struct hull_json *j) {
        open(j, '[');
}
void hull_json_arr_end(struct hull_json *j) {
        close_(j, ']');
}

static void string(struct hull_json *j, const char *s, size_t n) {
        static const char hex[] = "0123456789abcdef";
        size_t i = 0, run = 0;

        put(j, "\"", 1);
        while (i < n && !j->err) {
                unsigned char c = (unsigned char)s[i];
                if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                        i++;
                        run++;
                        continue;
                }
                put(j, s + i - run, run);
                run = 0;
                if (c >= 0x80) {
                        size_t w;
                        uint32_t r = hull_utf8_decode(s + i, n - i, &w);
                        if (r == HULL_RUNE_ERROR && w == 1)
                                put(j, "\xef\xbf\xbd", 3);
                        else
                                put(j, s + i, w);
                        i += w;
                        continue;
                }
                char e[6] = {'\\', 0};
                switch (c) {
                case '"':
                        e[1] = '"';
                        put(j, e, 2);
                        break;
                case '\\':
                        e[1] = '\\';
                        put(j, e, 2);
                        break;
                case '\n':
                        e[1] = 'n';
                        put(j, e, 2);
                        break;
                case '\r':
                        e[1] = 'r';
                        put(j, e, 2);
                        break;
                case '\t':
                        e[1] = 't';
                        put(j, e, 2);
                        break;
                case '\b':
                        e[1] = 'b';
                        put(j, e, 2);
                        break;
                case '\f':
                        e[1] = 'f';
                        put(j, e, 2);
                        break;
                default:
                        e[1] = 'u';
                        e[2] = '0';
                        e[3] = '0';
                        e[4] = hex[c >> 4];
                        e[5] = hex[c & 15];
                        put(j, e, 6);
                }
                i++;
        }
        put(j, s + i - run, run);
        put(j, "\"", 1);
}

void hull_json_key(struct hull_json *j, const char *k) {
        before_value(j);
        string(j, k, strlen(k));
        put(j, j->pretty ? ": " : ":", j->pretty ? 2 : 1);
        j->after_key = true;
}

void hull_json_str(struct hull_json *j, const char *s, size_t n) {
        if (!s) {
                hull_json_null(j);
                return;
        }
        before_value(j);
        string(j, s, n);
}

void hull_json_cstr(struct hull_json *j, const char *s) {
        hull_json_str(j, s, s ? strlen(s) : 0);
}

void hull_json_int(struct hull_json *j, int64_t v) {
        char tmp[32];
        int n = snprintf(tmp, sizeof(tmp), "%" PRId64, v);
        before_value(j);
        put(j, tmp, (size_t)n);
}

void hull_json_tenths(struct hull_json *j, int64_t tenths) {
        char tmp[40];
        uint64_t m = tenths < 0 ? (uint64_t)0 - (uint64_t)tenths : (uint64_t)tenths;
        int n = snprintf(tmp, sizeof(tmp), "%s%" PRIu64 ".%u", tenths < 0 ? "-" : "", m / 10,
                         (unsigned)(m % 10));
        before_value(j);
        put(j, tmp, (size_t)n);
}

void hull_json_bool(struct hull_json *j, bool v) {
        before_value(j);
        put(j, v ? "true" : "false", v ? 4 : 5);
}

void hull_json_null(struct hull_json *j) {
        before_value(j);
        put(j, "null", 4);
}
