/* bench_inflate.c - layer decompression throughput (src/image/filter.c, tar.c).
 *
 * usage: bench_inflate [--size MB] [--rounds N] [--keep DIR]
 * Generates a seeded tar layer of about --size MB (default 200): nine files
 * in ten of 64 B to 8 KiB, the rest up to 1 MiB, holding text-like lines,
 * random bytes and zero runs, about 2.6:1 under gzip, roughly the shape of a
 * distro layer.  gzip -6 compresses it (the
 * level of Go's compress/gzip and of `docker push`).  Then, best of N rounds
 * (default 3), all in memory:
 *   isal      raw isal_inflate of the buffer into a 1 MiB window (the floor)
 *   filter    hull_filter_next to the end: no digests, the blob digest,
 *             both digests (blob + diff_id)
 *   tar       the filter + the tar walker, skipping or reading (zero-copy)
 *             every file, with the blob digest or both
 *   igzip -dc the isal command line on the same .gz file (if installed)
 * and prints MB/s of decompressed bytes and the speed relative to raw
 * isa-l measured in the same run (1.00 = as fast as the floor).  The diff_id of the layer is
 * printed and checked against a SHA-256 of the generated tar, so a faster build cannot be quietly
 * wrong. */
#include <isa-l/igzip_lib.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "basic/diag.h"
#include "basic/err.h"
#include "image/filter.h"
#include "image/source.h"
#include "image/tar.h"

#include "bench_util.h"

struct buf {
        unsigned char *p;
        size_t n, cap;
};

static void put(void *sink, const void *d, size_t n) {
        struct buf *b = sink;

        if (b->n + n > b->cap) {
                b->cap = (b->n + n) * 3 / 2 + 65536;
                b->p = realloc(b->p, b->cap);
                if (!b->p) {
                        fprintf(stderr, "bench_inflate: out of memory\n");
                        exit(3);
                }
        }
        memcpy(b->p + b->n, d, n);
        b->n += n;
}

static void make_layer(struct buf *tar, size_t target) {
        unsigned i = 0;

        while (tar->n < target)
                bench_tar_file(put, tar, i++);
        bench_tar_end(put, tar);
}

static unsigned char *slurp(const char *path, size_t *ret_n) {
        FILE *f = fopen(path, "rb");
        struct stat st;
        unsigned char *p;
        if (!f || fstat(fileno(f), &st) < 0)
                return NULL;
        p = malloc((size_t)st.st_size + 1);
        if (!p || fread(p, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
                fclose(f);
                free(p);
                return NULL;
        }
        fclose(f);
        *ret_n = (size_t)st.st_size;
        return p;
}

/* --- the contenders ------------------------------------------------------ */

static uint64_t run_isal(const unsigned char *gz, size_t n) {
        static unsigned char out[1u << 20];
        struct inflate_state *s = malloc(sizeof(*s));
        uint64_t total = 0;
        size_t pos = 0;

        isal_inflate_init(s);
        s->crc_flag = ISAL_GZIP;
        while (pos < n) {
                size_t k = n - pos < (1u << 30) ? n - pos : (1u << 30);
                s->next_in = (uint8_t *)(uintptr_t)(gz + pos);
                s->avail_in = (uint32_t)k;
                do {
                        s->next_out = out;
                        s->avail_out = sizeof(out);
                        if (isal_inflate(s) < 0) {
                                fprintf(stderr, "bench_inflate: isal_inflate failed\n");
                                exit(3);
                        }
                        total += sizeof(out) - s->avail_out;
                } while (s->block_state != ISAL_BLOCK_FINISH &&
                         (s->avail_in > 0 || s->avail_out == 0));
                pos += k - s->avail_in;
                if (s->block_state == ISAL_BLOCK_FINISH)
                        break;
        }
        free(s);
        return total;
}

/* digests: 0 none, 1 blob digest only, 2 both */
static uint64_t run_filter(const unsigned char *gz, size_t n, int digests, char diff_id[72]) {
        struct hull_diag d;
        struct hull_source *s = NULL;
        struct hull_filter *f = NULL;
        struct hull_filter_opts o = {.no_in_digest = digests == 0, .no_out_digest = digests < 2};
        const void *p;
        size_t k;
        uint64_t total = 0;
        uint8_t dg[32];

        hull_diag_init(&d);
        if (hull_source_new_memory(&s, gz, n, "bench.tar.gz", &d) || hull_filter_new(&f, s, &o, &d))
                exit(3);
        do {
                if (hull_filter_next(f, &p, &k) != HULL_OK) {
                        fprintf(stderr, "bench_inflate: filter: %s\n", d.msg);
                        exit(3);
                }
                total += k;
        } while (k > 0);
        if (digests == 2 && hull_filter_digest(f, HULL_FILTER_DIGEST_OUT, dg) == HULL_OK)
                hull_filter_digest_string(dg, diff_id);
        hull_filter_free(f);
        return total;
}

static volatile uint64_t sink; /* keeps the content reads */

static uint64_t run_tar(const unsigned char *gz, size_t n, int digests, bool read,
                        uint64_t *ret_entries) {
        struct hull_diag d;
        struct hull_source *s = NULL;
        struct hull_filter *f = NULL;
        struct hull_tar *t = NULL;
        const struct hull_entry *e;
        struct hull_filter_opts o = {.no_in_digest = digests == 0, .no_out_digest = digests < 2};
        uint64_t total = 0, sum = 0;

        hull_diag_init(&d);
        if (hull_source_new_memory(&s, gz, n, "bench.tar.gz", &d) ||
            hull_filter_new(&f, s, &o, &d) || hull_tar_open(&t, f, 0, NULL, &d))
                exit(3);
        while (hull_tar_next(t, &e) == HULL_OK && e) {
                (*ret_entries)++;
                if (!read)
                        continue;
                const void *b;
                size_t k;
                while (hull_tar_read_block(t, &b, &k) == HULL_OK && k > 0) {
                        sum += ((const unsigned char *)b)[k - 1]; /* touch the data */
                        total += k;
                }
        }
        if (d.code != HULL_OK || hull_tar_close(t) != HULL_OK) {
                fprintf(stderr, "bench_inflate: tar: %s\n", d.msg);
                exit(3);
        }
        sink += sum;
        total = hull_filter_stats(hull_tar_filter(t))->out_bytes;
        hull_tar_free(t);
        return total;
}

static double run_igzip(const char *path) {
        double t0;
        pid_t pid;

        fflush(stdout);
        t0 = bench_wall();
        pid = fork();
        int st;
        if (pid == 0) {
                if (!freopen("/dev/null", "w", stdout))
                        _exit(127);
                execlp("igzip", "igzip", "-dc", path, (char *)NULL);
                _exit(127);
        }
        if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
                return -1;
        return bench_wall() - t0;
}

int main(int argc, char **argv) {
        size_t size_mb = 200, gz_n = 0;
        int rounds = 3;
        const char *keep = NULL;
        char dir[256], plain_path[300], gz_path[300], cmd[700], want[72] = "", got[72] = "";
        struct buf tar = {0};
        unsigned char *gz;
        enum { ISAL, F0, F1, F2, T1S, T1R, T2S, T2R, IGZIP, NSTAGE };
        static const char *const names[NSTAGE] = {
                [ISAL] = "isal_inflate (raw, the floor)",
                [F0] = "filter, no digests",
                [F1] = "filter + sha256(blob)",
                [F2] = "filter + sha256(blob) + sha256(diff_id)",
                [T1S] = "  + tar walk, skip content (blob)",
                [T1R] = "  + tar walk, read content (blob)",
                [T2S] = "  + tar walk, skip content (both)",
                [T2R] = "  + tar walk, read content (both)",
                [IGZIP] = "igzip -dc > /dev/null (process)",
        };
        double best[NSTAGE];
        uint64_t out = 0, entries = 0;

        for (int i = 1; i + 1 < argc; i += 2) {
                if (strcmp(argv[i], "--size") == 0)
                        size_mb = strtoul(argv[i + 1], NULL, 10);
                else if (strcmp(argv[i], "--rounds") == 0)
                        rounds = (int)strtol(argv[i + 1], NULL, 10);
                else if (strcmp(argv[i], "--keep") == 0)
                        keep = argv[i + 1];
        }
        if (size_mb == 0 || rounds <= 0) {
                fprintf(stderr, "usage: bench_inflate [--size MB] [--rounds N] [--keep DIR]\n");
                return 2;
        }
        if (keep) {
                snprintf(dir, sizeof(dir), "%s", keep);
        } else {
                snprintf(dir, sizeof(dir), "/tmp/bench-inflate-XXXXXX");
                if (!mkdtemp(dir))
                        return 3;
        }
        snprintf(plain_path, sizeof(plain_path), "%s/layer.tar", dir);
        snprintf(gz_path, sizeof(gz_path), "%s/layer.tar.gz", dir);

        make_layer(&tar, size_mb << 20);
        {
                unsigned char dg[32];
                unsigned int dl = 0;
                EVP_Digest(tar.p, tar.n, dg, &dl, EVP_sha256(), NULL);
                hull_filter_digest_string(dg, want);
                FILE *f = fopen(plain_path, "wb");
                if (!f || fwrite(tar.p, 1, tar.n, f) != tar.n)
                        return 3;
                fclose(f);
        }
        snprintf(cmd, sizeof(cmd), "gzip -6 -c '%s' > '%s'", plain_path, gz_path);
        if (system(cmd) != 0)
                return 3;
        gz = slurp(gz_path, &gz_n);
        if (!gz)
                return 3;
        printf("layer: %zu bytes tar, %zu bytes gzip -6 (%.2f:1), seed fixed\n", tar.n, gz_n,
               (double)tar.n / (double)gz_n);

        for (int i = 0; i < NSTAGE; i++)
                best[i] = 1e9;
        for (int r = 0; r < rounds; r++) {
                double t[NSTAGE];
                for (int i = 0; i < NSTAGE; i++) {
                        t[i] = bench_wall();
                        switch (i) {
                        case ISAL: out = run_isal(gz, gz_n); break;
                        case F0:
                        case F1:
                        case F2: out = run_filter(gz, gz_n, i - F0, got); break;
                        case T1S:
                        case T1R:
                        case T2S:
                        case T2R:
                                entries = 0;
                                out = run_tar(gz, gz_n, i < T2S ? 1 : 2, i == T1R || i == T2R,
                                              &entries);
                                break;
                        default:
                                t[i] = run_igzip(gz_path);
                                out = tar.n;
                                break;
                        }
                        if (i != IGZIP)
                                t[i] = bench_wall() - t[i];
                        if (out != tar.n) {
                                fprintf(stderr, "bench_inflate: %s: %llu bytes\n", names[i],
                                        (unsigned long long)out);
                                return 3;
                        }
                        if (t[i] > 0 && t[i] < best[i])
                                best[i] = t[i];
                }
        }
        printf("%-40s %8s %8s %8s\n", "stage (best of rounds)", "seconds", "MB/s", "x isal");
        for (int i = 0; i < NSTAGE; i++) {
                if (best[i] >= 1e9) {
                        printf("%-40s %8s\n", names[i], "n/a");
                        continue;
                }
                printf("%-40s %8.3f %8.1f %8.2f\n", names[i], best[i],
                       (double)tar.n / 1e6 / best[i], best[0] / best[i]);
        }
        printf("entries: %llu; diff_id %s %s\n", (unsigned long long)entries, got,
               strcmp(got, want) == 0 ? "(matches)" : "(MISMATCH)");
        if (!keep) {
                unlink(plain_path);
                unlink(gz_path);
                rmdir(dir);
        }
        free(gz);
        free(tar.p);
        return strcmp(got, want) == 0 ? 0 : 1;
}
