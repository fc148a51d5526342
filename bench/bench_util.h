/* bench_util.h - what the benchmarks share: clocks, a seeded generator and
 * the synthetic layer both bench_inflate and bench_scan generate (the same
 * seed gives the same bytes).
 *
 * A layer's files are written through a callback, so each benchmark keeps
 * its own sink (a memory buffer, a file being hashed).  Nine files in ten
 * hold 64 B to 8 KiB, the rest up to 1 MiB, of text-like lines, random
 * bytes and zero runs: about 2.6:1 under gzip -6, roughly the shape of a
 * distro layer. */
#ifndef HULL_BENCH_UTIL_H
#define HULL_BENCH_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Seconds on the monotonic clock. */
static inline double bench_wall(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of the process, all threads. */
static inline double bench_cpu(void) {
        struct timespec ts;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift64, fixed seed: one stream per program. */
static uint64_t bench_rng_state = 88172645463325252ULL;

static inline uint64_t bench_rand(void) {
        bench_rng_state ^= bench_rng_state << 13;
        bench_rng_state ^= bench_rng_state >> 7;
        bench_rng_state ^= bench_rng_state << 17;
        return bench_rng_state;
}

/* Where a generated layer's bytes go. */
typedef void bench_put_fn(void *sink, const void *p, size_t n);

/* A ustar header of a regular file (mode 0644, fixed mtime). */
static inline void bench_tar_header(bench_put_fn *put, void *sink, const char *name, size_t size) {
        unsigned char h[512];
        unsigned sum = 0;

        memset(h, 0, sizeof(h));
        snprintf((char *)h, 100, "%s", name);
        snprintf((char *)h + 100, 8, "%07o", 0644u);
        snprintf((char *)h + 108, 8, "%07o", 0u);
        snprintf((char *)h + 116, 8, "%07o", 0u);
        snprintf((char *)h + 124, 12, "%011llo", (unsigned long long)size);
        snprintf((char *)h + 136, 12, "%011o", 1700000000u);
        h[156] = '0';
        memcpy(h + 257,
               "ustar\0"
               "00",
               8);
        memset(h + 148, ' ', 8);
        for (int i = 0; i < 512; i++)
                sum += h[i];
        snprintf((char *)h + 148, 8, "%06o", sum);
        put(sink, h, 512);
}

/* n bytes of file content: mostly text lines, some random bytes, some zeros. */
static inline void bench_content(bench_put_fn *put, void *sink, size_t n) {
        static const char *const words[] = {
                "usr",     "lib",      "x86_64-linux-gnu",
                "share",   "doc",      "copyright",
                "the",     "of",       "and",
                "static",  "const",    "return",
                "include", "function", "license",
                "GNU",     "General",  "Public",
                "version", "python3",  "package",
                "debian",  "=",        "{",
                "}",       "(",        ")",
                "0x00",    "error",    "warning",
                "if",      "else",     "for",
                "while",   "struct",   "int",
                "char",    "void",
        };
        static unsigned char chunk[4096];
        size_t done = 0;

        while (done < n) {
                size_t k = 0, want = n - done < sizeof(chunk) ? n - done : sizeof(chunk);
                unsigned kind = (unsigned)(bench_rand() % 20);
                if (kind < 15) { /* text */
                        while (k < want) {
                                const char *w =
                                        words[bench_rand() % (sizeof(words) / sizeof(words[0]))];
                                size_t l = strlen(w);
                                if (k + l + 1 > want)
                                        break;
                                memcpy(chunk + k, w, l);
                                k += l;
                                chunk[k++] = bench_rand() % 9 == 0 ? '\n' : ' ';
                        }
                        while (k < want)
                                chunk[k++] = '\n';
                } else if (kind < 19) { /* binary: random */
                        for (; k < want; k++)
                                chunk[k] = (unsigned char)bench_rand();
                } else { /* zeros */
                        memset(chunk, 0, want);
                        k = want;
                }
                put(sink, chunk, k);
                done += k;
        }
}

/* File i of a generated layer, usr/share/bench/dNNN/fileNNNNNN: header,
 * content and padding to 512 bytes (the layer is 512-aligned between
 * entries); returns its size. */
static inline size_t bench_tar_file(bench_put_fn *put, void *sink, unsigned i) {
        static const unsigned char zeros[512];
        size_t n = 1024 + (size_t)(bench_rand() % (1u << 20));
        char name[100];

        if (bench_rand() % 10 != 0)
                n = 64 + (size_t)(bench_rand() % 8192); /* many small files */
        snprintf(name, sizeof(name), "usr/share/bench/d%03u/file%06u", i % 500, i);
        bench_tar_header(put, sink, name, n);
        bench_content(put, sink, n);
        if (n % 512)
                put(sink, zeros, 512 - n % 512);
        return n;
}

/* The two zero blocks that end a tar. */
static inline void bench_tar_end(bench_put_fn *put, void *sink) {
        static const unsigned char end[1024];
        put(sink, end, sizeof(end));
}

#endif
