/* json_read.c - bounded JSON parsing with jansson and the walker's
 * context (see json_read.h). */
#include "basic/json_read.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "basic/alloc.h"
#include "basic/err.h"

/* jansson reports a failed allocation as a syntax error ("invalid token"):
 * remember it so hull_json_read() can say HULL_ENOMEM. */
static _Thread_local bool jansson_oom;

static void *jansson_malloc(size_t n) {
        void *p = hull_malloc(n);
        if (!p)
                jansson_oom = true;
        return p;
}

static void jansson_free(void *p) {
        hull_free(p);
}

static void jansson_setup(void) {
        json_set_alloc_funcs(jansson_malloc, jansson_free);
}

/* hull_diag_set() plus the byte offset, when d takes this error. */
static int diag_pos(struct hull_diag *d, int code, const char *name, unsigned line, unsigned col,
                    size_t pos, const char *msg) {
        bool fresh = d && d->code == HULL_OK;

        hull_diag_set(d, code, name, line, col, "%s", msg);
        if (fresh)
                d->offset = pos;
        return code;
}

/* Depth and value count of raw JSON, outside strings.  Malformed input is
 * left to jansson; this only refuses what would be expensive. */
static int prescan(const char *data, size_t len, const char *name, unsigned max_depth,
                   size_t max_values, struct hull_diag *d) {
        unsigned depth = 0, line = 1;
        size_t values = 1, line_start = 0;
        bool in_str = false, esc = false;
        char msg[128];

        for (size_t i = 0; i < len; i++) {
                char c = data[i];
                if (c == '\n') { /* every one, as jansson counts lines */
                        line++;
                        line_start = i + 1;
                }
                if (in_str) {
                        if (esc)
                                esc = false;
                        else if (c == '\\')
                                esc = true;
                        else if (c == '"')
                                in_str = false;
                        continue;
                }
                switch (c) {
                case '"': in_str = true; break;
                case '[':
                case '{':
                        values++;
                        if (++depth > max_depth) {
                                unsigned col = 0;
                                /* characters, not bytes, as jansson counts columns */
                                for (size_t k = line_start; k <= i; k++)
                                        col += ((unsigned char)data[k] & 0xc0) != 0x80;
                                snprintf(msg, sizeof(msg), "JSON nested deeper than %u levels",
                                         max_depth);
                                return diag_pos(d, HULL_ELIMIT, name, line, col, i, msg);
                        }
                        break;
                case ']':
                case '}':
                        if (depth)
                                depth--;
                        break;
                case ',': values++; break;
                default: break;
                }
                if (values > max_values) {
                        snprintf(msg, sizeof(msg), "more than %zu JSON values", max_values);
                        return diag_pos(d, HULL_ELIMIT, name, line, 0, i, msg);
                }
        }
        return HULL_OK;
}

int hull_json_read(const char *data, size_t len, const char *name, unsigned max_depth,
                   size_t max_values, json_t **ret, struct hull_diag *d) {
        static pthread_once_t once = PTHREAD_ONCE_INIT;
        json_error_t err;
        json_t *j;
        char msg[256];
        size_t o = 0;

        (void)pthread_once(&once, jansson_setup);
        HULL_TRY(prescan(data, len, name, max_depth, max_values, d));
        jansson_oom = false;
        j = json_loadb(data ? data : "", len, JSON_REJECT_DUPLICATES, &err);
        if (!j) {
                if (jansson_oom || json_error_code(&err) == json_error_out_of_memory)
                        return hull_diag_set(d, HULL_ENOMEM, name, 0, 0, "%s: out of memory", name);
                /* jansson quotes the input near the error: keep it printable */
                for (size_t i = 0; err.text[i] && o + 1 < sizeof(msg); i++) {
                        unsigned char c = (unsigned char)err.text[i];
                        msg[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
                }
                msg[o] = '\0';
                return diag_pos(d, HULL_EPARSE, name, err.line > 0 ? (unsigned)err.line : 0,
                                err.column > 0 ? (unsigned)err.column : 0,
                                err.position > 0 ? (size_t)err.position : 0, msg);
        }
        *ret = j;
        return HULL_OK;
}

void hull_json_walk_init(struct hull_json_walk *w, struct hull_arena *a, const char *name,
                         struct hull_diag *d) {
        w->a = a;
        w->name = name ? name : "(input)";
        w->d = d;
        w->plen = 0;
        w->path[0] = '\0';
}

static size_t walk_push(struct hull_json_walk *w, int n) {
        size_t mark = w->plen;

        if (n > 0)
                w->plen += (size_t)n;
        if (w->plen >= sizeof(w->path))
                w->plen = sizeof(w->path) - 1;
        return mark;
}

size_t hull_json_walk_key(struct hull_json_walk *w, const char *key) {
        return walk_push(w, snprintf(w->path + w->plen, sizeof(w->path) - w->plen, "%s%s",
                                     w->plen ? "." : "", key));
}

size_t hull_json_walk_index(struct hull_json_walk *w, size_t i) {
        return walk_push(w, snprintf(w->path + w->plen, sizeof(w->path) - w->plen, "[%zu]", i));
}

void hull_json_walk_pop(struct hull_json_walk *w, size_t mark) {
        w->plen = mark;
        w->path[mark] = '\0';
}

int hull_json_walk_fail(struct hull_json_walk *w, int code, const char *fmt, ...) {
        char msg[400];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        if (w->plen)
                return hull_diag_set(w->d, code, w->name, 0, 0, "%s: %s: %s", w->name, w->path,
                                     msg);
        return hull_diag_set(w->d, code, w->name, 0, 0, "%s: %s", w->name, msg);
}

int hull_json_walk_nomem(struct hull_json_walk *w) {
        return hull_diag_set(w->d, HULL_ENOMEM, w->name, 0, 0, "%s: out of memory", w->name);
}

const char *hull_json_type_name(const json_t *j) {
        switch (json_typeof(j)) {
        case JSON_OBJECT: return "an object";
        case JSON_ARRAY: return "an array";
        case JSON_STRING: return "a string";
        case JSON_INTEGER: return "an integer";
        case JSON_REAL: return "a non-integer number";
        case JSON_TRUE:
        case JSON_FALSE: return "a boolean";
        case JSON_NULL: return "null";
        }
        return "a value";
}

int hull_json_walk_strdup(struct hull_json_walk *w, const json_t *j, const char **ret) {
        char *s = hull_arena_strndup(w->a, json_string_value(j), json_string_length(j));

        if (!s)
                return hull_json_walk_nomem(w);
        *ret = s;
        return HULL_OK;
}
