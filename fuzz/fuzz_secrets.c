/* fuzz_secrets.c - libFuzzer target for the secret engine
 * (src/secrets/engine.c) with every built-in rule: arbitrary bytes as one
 * stream, scanned whole and again in pieces of 1 to 13 bytes
 * (fuzz/trickle.h's pattern).  The first byte picks the path the stream has
 * (none, a .env file, a YAML file, a .netrc, a binary name), so path rules
 * and base64 decoding are reached.
 *
 * Besides crashes, sanitizer reports and hangs (the PCRE2 limits bound each
 * confirmation) it checks, aborting when one breaks:
 *  - a scan never fails (the callback here always returns HULL_OK);
 *  - both scans report the same findings (rule, offset, line, column, end
 *    line, secret, encoding) in the same order: chunking never changes
 *    what is found;
 *  - a finding outside a decoded value is the input's own bytes at its
 *    offset, lines and columns are 1-based, end_line >= line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/err.h"
#include "secrets/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(e)                                                                                   \
        do {                                                                                       \
                if (!(e)) {                                                                        \
                        fprintf(stderr, "fuzz_secrets: invariant broken: %s (line %d)\n", #e,      \
                                __LINE__);                                                         \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)

#define MAX_EVENTS 512

struct event {
        const struct hull_secret_rule *rule;
        uint64_t offset;
        unsigned line, col, end_line;
        uint32_t h; /* FNV-1a of the secret and the encoding */
};

struct run {
        const uint8_t *in;
        size_t n;
        struct event ev[MAX_EVENTS];
        size_t nev;
};

static uint32_t fnv(uint32_t h, const void *p, size_t n) {
        const unsigned char *s = p;
        for (size_t i = 0; i < n; i++)
                h = (h ^ s[i]) * 16777619u;
        return h;
}

static int on_hit(void *ud, const struct hull_secret_hit *h) {
        struct run *r = ud;
        CHECK(h->rule && h->line >= 1 && h->col >= 1 && h->end_line >= h->line);
        CHECK(h->secret_len > 0 && h->match_len >= h->secret_len);
        if (!h->encoding) {
                CHECK(h->offset + h->secret_len <= r->n);
                CHECK(!memcmp(r->in + h->offset, h->secret, h->secret_len));
        }
        if (r->nev < MAX_EVENTS) {
                uint32_t x = fnv(2166136261u, h->secret, h->secret_len);
                if (h->encoding)
                        x = fnv(x, h->encoding, strlen(h->encoding));
                r->ev[r->nev++] =
                        (struct event){h->rule, h->offset, h->line, h->col, h->end_line, x};
        }
        return HULL_OK;
}

static struct hull_secrets_scanner *scanner(void) {
        static struct hull_secrets_scanner *sc;
        if (!sc) {
                const struct hull_secrets *set = hull_secrets_default();
                CHECK(set != NULL);
                CHECK(hull_secrets_scanner_new(set, &sc) == HULL_OK);
        }
        return sc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static const char *const paths[] = {NULL, "app/.env", "k8s/secret.yaml", "root/.netrc",
                                            "usr/bin/tool"};
        static struct run whole, trickle;
        struct hull_secrets_scanner *sc = scanner();
        const char *path;

        if (size < 1)
                return 0;
        path = paths[data[0] % (sizeof(paths) / sizeof(paths[0]))];
        data++;
        size--;

        whole.in = trickle.in = data;
        whole.n = trickle.n = size;
        whole.nev = trickle.nev = 0;
        CHECK(hull_secrets_scan_buffer(sc, path, data, size, on_hit, &whole) == HULL_OK);

        CHECK(hull_secrets_begin(sc, path, on_hit, &trickle) == HULL_OK);
        for (size_t off = 0, k = 1; off < size; k = k % 13 + 1) {
                size_t n = size - off < k ? size - off : k;
                CHECK(hull_secrets_data(sc, data + off, n) == HULL_OK);
                off += n;
        }
        CHECK(hull_secrets_end(sc) == HULL_OK);

        CHECK(whole.nev == trickle.nev);
        for (size_t i = 0; i < whole.nev; i++) {
                const struct event *a = &whole.ev[i], *b = &trickle.ev[i];
                CHECK(a->rule == b->rule && a->offset == b->offset && a->line == b->line &&
                      a->col == b->col && a->end_line == b->end_line && a->h == b->h);
        }
        return 0;
}
