/* fuzz_content.c - libFuzzer target for the content walker
 * (src/secrets/content.c): arbitrary bytes as one top-level file, sniffed and
 * unpacked (gzip, zstd, zip, tar, UTF-16, nested), with one test rule
 * (TOKEN-shaped secrets, "hulltok_" and 24 alphanumerics) so that hits flow
 * through the walker's hit wrapper.  The file is walked twice: whole, and in
 * pieces of 1 to 13 bytes (fuzz/trickle.h's pattern); members and
 * decompressed contents are limited to 1 MiB so an input stays cheap.
 *
 * Besides crashes and sanitizer reports it checks, aborting when one breaks:
 *  - a walk never fails (no error but ENOMEM and the hit callback's, and
 *    the callback here always returns HULL_OK);
 *  - both walks report the same notes and the same hits (secret, offset,
 *    line, column, inner, encoding) in the same order; for hits in the
 *    top-level bytes themselves, scanned in the caller's chunks, the
 *    trickle finds at least what the whole walk finds (the engine's inline
 *    allow look-ahead depends on how much of the line it holds);
 *  - inner names are non-empty, hold no control bytes and never start
 *    with '/' or "./"; encodings are '+'-joined known names; notes have a
 *    message;
 *  - a hit's secret is TOKEN-shaped. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/diag.h"
#include "basic/err.h"
#include "secrets/content.h"
#include "secrets/engine.h"
#include "secrets/rule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(e)                                                                                   \
        do {                                                                                       \
                if (!(e)) {                                                                        \
                        fprintf(stderr, "fuzz_content: invariant broken: %s (line %d)\n", #e,      \
                                __LINE__);                                                         \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)

#define MAX_EVENTS 256

static const struct hull_secret_rule rule = {
        .id = "test-token",
        .title = "test token",
        .severity = HULL_SEV_HIGH,
        .regex = "hulltok_[A-Za-z0-9]{24}",
        .span = 64,
};

/* A digest of one event, compared between the two walks. */
struct event {
        uint64_t offset;
        unsigned line, col;
        uint32_t h;  /* FNV-1a of the strings */
        bool direct; /* a hit in the top-level bytes themselves (see below) */
};

struct log {
        struct event ev[MAX_EVENTS];
        size_t n, dropped;
};

static uint32_t fnv(uint32_t h, const char *s) {
        for (; s && *s; s++)
                h = (h ^ (unsigned char)*s) * 16777619u;
        return (h ^ 0xff) * 16777619u;
}

static void check_inner(const char *inner) {
        const char *p = inner;

        if (!inner)
                return;
        CHECK(inner[0] && inner[0] != '/' && strncmp(inner, "./", 2) != 0);
        for (; *p; p++)
                CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
}

static void check_encoding(const char *enc) {
        static const char *const known[] = {"gzip", "zstd", "utf-16le", "utf-16be", "base64"};
        const char *p = enc;

        if (!enc)
                return;
        CHECK(enc[0]);
        while (*p) {
                size_t n = strcspn(p, "+"), i;
                for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
                        if (strlen(known[i]) == n && memcmp(known[i], p, n) == 0)
                                break;
                CHECK(i < sizeof(known) / sizeof(known[0]));
                p += n;
                if (*p == '+') {
                        p++;
                        CHECK(*p);
                }
        }
}

static void add(struct log *l, struct event e) {
        if (l->n < MAX_EVENTS)
                l->ev[l->n++] = e;
        else
                l->dropped++;
}

static int on_hit(void *ud, const struct hull_secret_hit *h) {
        struct log *l = ud;
        char secret[128];

        CHECK(h->secret_len == 32 && h->secret_len < sizeof(secret));
        memcpy(secret, h->secret, h->secret_len);
        secret[h->secret_len] = '\0';
        CHECK(strncmp(secret, "hulltok_", 8) == 0);
        check_inner(h->inner);
        check_encoding(h->encoding);
        add(l,
            (struct event){h->offset, h->line, h->col,
                           fnv(fnv(fnv(2166136261u, secret), h->inner), h->encoding),
                           !h->inner && (!h->encoding || (strncmp(h->encoding, "gzip", 4) != 0 &&
                                                          strncmp(h->encoding, "zstd", 4) != 0))});
        return HULL_OK;
}

static void on_note(void *ud, const char *path, const char *inner, const char *msg) {
        struct log *l = ud;

        CHECK(path && strcmp(path, "fuzz.bin") == 0);
        CHECK(msg && msg[0]);
        check_inner(inner);
        add(l, (struct event){~0ull, 0, 0, fnv(fnv(1u, inner), msg), false});
}

static bool same(const struct event *x, const struct event *y) {
        return x->offset == y->offset && x->h == y->h && x->line == y->line && x->col == y->col;
}

static void walk(struct hull_content_walker *w, const uint8_t *data, size_t size, bool trickle,
                 struct log *l) {
        struct hull_content_opts o = {
                .max_file_bytes = 1u << 20, .hit = on_hit, .note = on_note, .ud = l};
        unsigned step = 0;
        int r;

        memset(l, 0, sizeof(*l));
        r = hull_content_begin(w, "fuzz.bin", size, &o);
        CHECK(r == HULL_OK);
        for (size_t at = 0; at < size && r == HULL_OK;) {
                size_t k = trickle ? 1 + (step++ * 7) % 13 : size;
                if (k > size - at)
                        k = size - at;
                r = hull_content_data(w, data + at, k);
                at += k;
        }
        CHECK(r == HULL_OK);
        r = hull_content_end(w);
        CHECK(r == HULL_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static struct hull_secrets *s;
        static struct hull_content_walker *w;
        static struct log a, b;

        if (!s) {
                const struct hull_secret_rule *v[] = {&rule};
                struct hull_diag d;
                hull_diag_init(&d);
                CHECK(hull_secrets_compile(v, 1, NULL, 0, &s, &d) == HULL_OK);
                CHECK(hull_content_walker_new(s, &w) == HULL_OK);
        }
        walk(w, data, size, false, &a);
        walk(w, data, size, true, &b);
        CHECK(a.dropped == 0 || a.dropped == b.dropped);
        /* everything the walker chunks itself must agree exactly */
        for (size_t i = 0, j = 0;; i++, j++) {
                while (i < a.n && a.ev[i].direct)
                        i++;
                while (j < b.n && b.ev[j].direct)
                        j++;
                CHECK((i < a.n) == (j < b.n));
                if (i == a.n)
                        break;
                CHECK(same(&a.ev[i], &b.ev[j]));
        }
        /* the engine sees the caller's chunks in the top-level bytes; its
         * `hullscan:allow` look-ahead reaches further in one big chunk, so
         * a trickle may find more there, never less */
        for (size_t i = 0; i < a.n; i++) {
                size_t j = 0;
                if (!a.ev[i].direct)
                        continue;
                while (j < b.n && !(b.ev[j].direct && same(&a.ev[i], &b.ev[j])))
                        j++;
                CHECK(j < b.n);
        }
        return 0;
}
