/* bench_scan.c - the parallel layer scan (src/image/scan.c) against raw
 * isa-l inflate of the same blobs, per core.
 *
 * usage: bench_scan [--size MB] [--layers N] [--threads N] [--rounds N]
 *                   [--image REF] [--keep DIR]
 * Without --image, generates a seeded OCI layout in a temporary directory:
 * --layers (default 4) gzip -6 layers holding --size MB of tar in all
 * (default 200), files shaped like bench_inflate's (nine in ten of 64 B to
 * 8 KiB, the rest up to 1 MiB; text-like lines, random bytes, zero runs;
 * about 2.6:1), and a few whiteouts.  With --image, scans that image
 * instead (any reference hull_image_open() takes; the baseline counts only
 * its gzip layers).
 *
 * Then, best of --rounds (default 3), each blob read through the image's
 * own sources (pread from the page cache, as the scan reads):
 *   isal      raw isal_inflate of every gzip layer, 1 thread and --threads
 *             threads (default: online CPUs) taking layers in turn: the floor
 *   scan      hull_scan_run with both digests (SHA-256 of the blob and of the
 *             tar) and the model, with no visitor (content skipped by the
 *             walker, still inflated and hashed) and with a visitor that
 *             receives every file's content (touching one byte per block),
 *             1 thread and --threads; and --skip-verify (no SHA-256)
 * For each: wall seconds, MB/s of uncompressed tar, CPU seconds of the
 * process (all threads, the applying thread included) and MB per CPU
 * second, and "x isal": MB per CPU second over that of isal with the same
 * thread count (1.00 = as cheap per core as the floor).  Also the peak RSS
 * of one scan in a child process (with the child's RSS before the scan).
 * The generated image is checked: entries, files and content bytes seen by
 * the visitor must match the generator's counts, and every diff_id is
 * verified by the scan itself. */
#include <isa-l/igzip_lib.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "basic/diag.h"
#include "basic/err.h"
#include "image/filter.h"
#include "image/image.h"
#include "image/scan.h"
#include "image/source.h"

#include "bench_util.h"

static _Noreturn void die(const char *what, const struct hull_diag *d) {
        char msg[1200] = "";
        if (d)
                hull_diag_format(d, msg, sizeof(msg));
        fprintf(stderr, "bench_scan: %s%s%s\n", what, d ? ": " : "", msg);
        exit(3);
}

/* --- the generated image ------------------------------------------------- */

struct gen {
        FILE *f;
        EVP_MD_CTX *md;
        uint64_t bytes;
        uint64_t entries, files, content; /* what the visitor must see */
};

static void gput(void *sink, const void *p, size_t n) {
        struct gen *g = sink;

        if (fwrite(p, 1, n, g->f) != n || !EVP_DigestUpdate(g->md, p, n))
                die("cannot write the layer", NULL);
        g->bytes += n;
}

static void sha256_file(const char *path, char out[72]) {
        FILE *f = fopen(path, "rb");
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        static unsigned char buf[1 << 16];
        unsigned char dg[32];
        size_t n;

        if (!f || !md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL))
                die("cannot hash a blob", NULL);
        while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
                EVP_DigestUpdate(md, buf, n);
        EVP_DigestFinal_ex(md, dg, NULL);
        EVP_MD_CTX_free(md);
        fclose(f);
        hull_filter_digest_string(dg, out);
}

static uint64_t file_size(const char *path) {
        struct stat st;
        return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

/* Write s as a blob of the layout at dir; digest and size out. */
static void put_blob_str(const char *dir, const char *s, char dg[72], uint64_t *size) {
        unsigned char d[32];
        unsigned len = 0;
        char path[1200];
        FILE *f;

        EVP_Digest(s, strlen(s), d, &len, EVP_sha256(), NULL);
        hull_filter_digest_string(d, dg);
        snprintf(path, sizeof(path), "%s/blobs/sha256/%s", dir, dg + 7);
        f = fopen(path, "wb");
        if (!f || fputs(s, f) < 0 || fclose(f) != 0)
                die("cannot write a blob", NULL);
        *size = strlen(s);
}

/* An OCI layout of nlayers gzip layers with about total bytes of tar. */
static void generate(const char *dir, size_t total, unsigned nlayers, struct gen *sum) {
        char path[1200], gz[1200], cmd[4000], cdg[72], mdg[72];
        char *diff = calloc(nlayers, 72), *dgs = calloc(nlayers, 72);
        uint64_t *sizes = calloc(nlayers, sizeof(uint64_t)), csize, msize;
        size_t cap = 4096 + (size_t)nlayers * 256, o;
        char *json = malloc(cap);
        unsigned fileno_ = 0;

        snprintf(path, sizeof(path), "%s/blobs/sha256", dir);
        snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", path);
        if (system(cmd) != 0)
                die("cannot make the layout", NULL);
        for (unsigned l = 0; l < nlayers; l++) {
                struct gen g = {.md = EVP_MD_CTX_new()};
                unsigned char dg[32];
                char name[100];

                snprintf(path, sizeof(path), "%s/layer%u.tar", dir, l);
                g.f = fopen(path, "wb");
                if (!g.f || !g.md || !EVP_DigestInit_ex(g.md, EVP_sha256(), NULL))
                        die("cannot write the layer", NULL);
                if (l > 0) /* delete a few files of the layer below */
                        for (unsigned k = 0; k < 8; k++) {
                                snprintf(name, sizeof(name), "usr/share/bench/d%03u/.wh.file%06u",
                                         (fileno_ - 1 - k * 7) % 500, fileno_ - 1 - k * 7);
                                bench_tar_header(gput, &g, name, 0);
                                g.entries++;
                        }
                while (g.bytes < total / nlayers) {
                        g.content += bench_tar_file(gput, &g, fileno_++);
                        g.files++;
                        g.entries++;
                }
                bench_tar_end(gput, &g);
                EVP_DigestFinal_ex(g.md, dg, NULL);
                EVP_MD_CTX_free(g.md);
                if (fclose(g.f) != 0)
                        die("cannot write the layer", NULL);
                hull_filter_digest_string(dg, diff + l * 72);
                snprintf(gz, sizeof(gz), "%s/layer%u.tar.gz", dir, l);
                snprintf(cmd, sizeof(cmd), "gzip -6 -n -c '%s' > '%s' && rm -f '%s'", path, gz,
                         path);
                if (system(cmd) != 0)
                        die("gzip failed", NULL);
                sha256_file(gz, dgs + l * 72);
                sizes[l] = file_size(gz);
                snprintf(path, sizeof(path), "%s/blobs/sha256/%s", dir, dgs + l * 72 + 7);
                if (rename(gz, path) != 0)
                        die("cannot rename a blob", NULL);
                sum->bytes += g.bytes;
                sum->entries += g.entries;
                sum->files += g.files;
                sum->content += g.content;
        }
        o = (size_t)snprintf(json, cap,
                             "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},"
                             "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[");
        for (unsigned l = 0; l < nlayers; l++)
                o += (size_t)snprintf(json + o, cap - o, "%s\"%s\"", l ? "," : "", diff + l * 72);
        snprintf(json + o, cap - o, "]}}");
        put_blob_str(dir, json, cdg, &csize);
        o = (size_t)snprintf(json, cap,
                             "{\"schemaVersion\":2,\"mediaType\":"
                             "\"application/vnd.oci.image.manifest.v1+json\",\"config\":{"
                             "\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                             "\"digest\":\"%s\",\"size\":%llu},\"layers\":[",
                             cdg, (unsigned long long)csize);
        for (unsigned l = 0; l < nlayers; l++)
                o += (size_t)snprintf(json + o, cap - o,
                                      "%s{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+"
                                      "gzip\",\"digest\":\"%s\",\"size\":%llu}",
                                      l ? "," : "", dgs + l * 72, (unsigned long long)sizes[l]);
        snprintf(json + o, cap - o, "]}");
        put_blob_str(dir, json, mdg, &msize);
        snprintf(path, sizeof(path), "%s/index.json", dir);
        snprintf(json, cap,
                 "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                 "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"%s\",\"size\":%llu,"
                 "\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}",
                 mdg, (unsigned long long)msize);
        {
                FILE *f = fopen(path, "w");
                if (!f || fputs(json, f) < 0 || fclose(f) != 0)
                        die("cannot write index.json", NULL);
                snprintf(path, sizeof(path), "%s/oci-layout", dir);
                f = fopen(path, "w");
                if (!f || fputs("{\"imageLayoutVersion\":\"1.0.0\"}", f) < 0 || fclose(f) != 0)
                        die("cannot write oci-layout", NULL);
        }
        free(json);
        free(diff);
        free(dgs);
        free(sizes);
}

/* --- the contenders ------------------------------------------------------- */

struct shared {
        const struct hull_image *img;
        atomic_uint next;
        atomic_uint_fast64_t out;
        bool *gzip; /* per layer */
};

/* Raw isal_inflate of layer i read through its source; returns bytes out. */
static uint64_t isal_layer(const struct hull_image *img, size_t i) {
        static _Thread_local unsigned char in[256 * 1024], out[1u << 20];
        struct inflate_state *s = malloc(sizeof(*s));
        struct hull_source *src = NULL;
        struct hull_diag d;
        uint64_t total = 0;
        size_t have = 0;
        bool eof = false;

        hull_diag_init(&d);
        if (!s || hull_image_layer_source(img, i, &src, &d) != HULL_OK)
                die("layer source", &d);
        isal_inflate_init(s);
        s->crc_flag = ISAL_GZIP;
        for (;;) {
                if (have < sizeof(in) && !eof) {
                        size_t n = 0;
                        if (have && s->next_in != in)
                                memmove(in, s->next_in, have);
                        if (hull_source_read(src, in + have, sizeof(in) - have, &n) != HULL_OK)
                                die("read", &d);
                        eof = n == 0;
                        have += n;
                }
                s->next_in = in;
                s->avail_in = (uint32_t)have;
                s->next_out = out;
                s->avail_out = sizeof(out);
                if (isal_inflate(s) < 0)
                        die("isal_inflate failed", NULL);
                total += sizeof(out) - s->avail_out;
                have = s->avail_in;
                if (s->block_state == ISAL_BLOCK_FINISH)
                        break;
                if (eof && have == 0 && s->avail_out > 0)
                        die("truncated gzip layer", NULL);
        }
        hull_source_free(src);
        free(s);
        return total;
}

static void *isal_worker(void *arg) {
        struct shared *sh = arg;
        unsigned i;

        while ((i = atomic_fetch_add(&sh->next, 1)) < sh->img->nlayers)
                if (sh->gzip[i])
                        atomic_fetch_add(&sh->out, isal_layer(sh->img, i));
        return NULL;
}

static uint64_t run_isal(const struct hull_image *img, bool *gzip, unsigned threads) {
        struct shared sh = {.img = img, .gzip = gzip};
        pthread_t *t = calloc(threads, sizeof(*t));

        for (unsigned i = 0; i < threads; i++)
                if (pthread_create(&t[i], NULL, isal_worker, &sh) != 0)
                        die("pthread_create", NULL);
        for (unsigned i = 0; i < threads; i++)
                pthread_join(t[i], NULL);
        free(t);
        return atomic_load(&sh.out);
}

struct counts {
        atomic_uint_fast64_t files, bytes, touch;
};

static int v_begin(void *ud, unsigned w, const struct hull_entry *e,
                   const struct hull_image_layer *l, struct hull_diag *d) {
        atomic_fetch_add_explicit(&((struct counts *)ud)->files, 1, memory_order_relaxed);
        return HULL_OK;
}

static int v_data(void *ud, unsigned w, const void *buf, size_t n, struct hull_diag *d) {
        struct counts *c = ud;
        atomic_fetch_add_explicit(&c->bytes, n, memory_order_relaxed);
        atomic_fetch_add_explicit(&c->touch, ((const unsigned char *)buf)[n - 1],
                                  memory_order_relaxed);
        return HULL_OK;
}

static int v_end(void *ud, unsigned w, struct hull_diag *d) {
        return HULL_OK;
}

static uint64_t run_scan(const struct hull_image *img, unsigned threads, bool visit, bool verify,
                         struct hull_scan_stats *ret, struct counts *c) {
        struct hull_scan_visitor v = {
                .name = "bench", .ud = c, .begin = v_begin, .data = v_data, .end = v_end};
        struct hull_scan_opts o = {.threads = threads,
                                   .skip_verify = !verify,
                                   .visitors = visit ? &v : NULL,
                                   .nvisitors = visit ? 1 : 0,
                                   .max_file_bytes = UINT64_MAX};
        struct hull_scan *s = NULL;
        struct hull_diag d;

        hull_diag_init(&d);
        if (hull_scan_run(img, &o, &s, &d) != HULL_OK)
                die("scan", &d);
        hull_scan_stats(s, ret);
        hull_scan_free(s);
        return ret->tar_bytes;
}

static unsigned online_cpus(void) {
        cpu_set_t set;
        if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
                return (unsigned)CPU_COUNT(&set);
        return 1;
}

/* Peak RSS (MiB) of a child that scans (or, scan false, does nothing). */
static double child_rss(const struct hull_image *img, unsigned threads, bool scan) {
        struct rusage ru;
        int st;
        pid_t pid;

        fflush(stdout);
        pid = fork();
        if (pid == 0) {
                struct hull_scan_stats ss;
                struct counts c = {0};
                if (scan)
                        run_scan(img, threads, true, true, &ss, &c);
                _exit(0);
        }
        if (pid < 0 || wait4(pid, &st, 0, &ru) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
                die("child scan failed", NULL);
        return (double)ru.ru_maxrss / 1024.0;
}

int main(int argc, char **argv) {
        size_t size_mb = 200;
        unsigned nlayers = 4, threads = online_cpus(), rounds = 3;
        const char *ref = NULL, *keep = NULL;
        char dir[256];
        struct gen want = {0};
        struct hull_image *img = NULL;
        struct hull_image_opts io = {0};
        struct hull_diag d;
        bool *gzip;
        uint64_t tar_bytes = 0, isal_bytes = 0;
        enum { I1, IT, S1, S1V, STV, STN, NSTAGE };
        const char *names[NSTAGE] = {
                [I1] = "isal_inflate, 1 thread (the floor)",
                [IT] = "isal_inflate, T threads",
                [S1] = "scan 1 thread, both digests, no visitor",
                [S1V] = "scan 1 thread, both digests, visitor",
                [STV] = "scan T threads, both digests, visitor",
                [STN] = "scan T threads, --skip-verify, visitor",
        };
        double best_wall[NSTAGE], best_cpu[NSTAGE];
        struct counts last = {0};
        int status = 0;

        for (int i = 1; i + 1 < argc; i += 2) {
                if (strcmp(argv[i], "--size") == 0)
                        size_mb = strtoul(argv[i + 1], NULL, 10);
                else if (strcmp(argv[i], "--layers") == 0)
                        nlayers = (unsigned)strtoul(argv[i + 1], NULL, 10);
                else if (strcmp(argv[i], "--threads") == 0)
                        threads = (unsigned)strtoul(argv[i + 1], NULL, 10);
                else if (strcmp(argv[i], "--rounds") == 0)
                        rounds = (unsigned)strtoul(argv[i + 1], NULL, 10);
                else if (strcmp(argv[i], "--image") == 0)
                        ref = argv[i + 1];
                else if (strcmp(argv[i], "--keep") == 0)
                        keep = argv[i + 1];
        }
        if (size_mb == 0 || nlayers == 0 || threads == 0 || rounds == 0 || (argc - 1) % 2) {
                fprintf(stderr, "usage: bench_scan [--size MB] [--layers N] [--threads N] "
                                "[--rounds N] [--image REF] [--keep DIR]\n");
                return 2;
        }
        if (!ref) {
                if (keep) {
                        snprintf(dir, sizeof(dir), "%s", keep);
                } else {
                        snprintf(dir, sizeof(dir), "/tmp/bench-scan-XXXXXX");
                        if (!mkdtemp(dir))
                                die("mkdtemp", NULL);
                }
                generate(dir, size_mb << 20, nlayers, &want);
                ref = dir;
                io.platform = "linux/amd64";
        }
        hull_diag_init(&d);
        if (hull_image_open(&img, ref, &io, &d) != HULL_OK)
                die("open", &d);
        gzip = calloc(img->nlayers + 1, sizeof(bool));
        for (size_t i = 0; i < img->nlayers; i++) {
                struct hull_source *src = NULL;
                unsigned char m[2];
                size_t n = 0;
                if (hull_image_layer_source(img, i, &src, &d) != HULL_OK ||
                    hull_source_read(src, m, 2, &n) != HULL_OK)
                        die("layer source", &d);
                gzip[i] = n == 2 && m[0] == 0x1f && m[1] == 0x8b;
                hull_source_free(src);
        }
        printf("image: %s, %zu layers, %llu blob bytes; %u threads (T)\n", ref, img->nlayers,
               (unsigned long long)img->blob_bytes, threads);
        {
                double base = child_rss(img, threads, false);
                double peak = child_rss(img, threads, true);
                printf("peak RSS of a scan (T threads, visitor, both digests): %.1f MiB "
                       "(the process before it: %.1f MiB)\n",
                       peak, base);
        }

        for (int i = 0; i < NSTAGE; i++)
                best_wall[i] = best_cpu[i] = 1e18;
        for (unsigned r = 0; r < rounds; r++) {
                for (int i = 0; i < NSTAGE; i++) {
                        struct hull_scan_stats ss;
                        struct counts c = {0};
                        double w0 = bench_wall(), c0 = bench_cpu();
                        uint64_t out;

                        switch (i) {
                        case I1: out = isal_bytes = run_isal(img, gzip, 1); break;
                        case IT: out = run_isal(img, gzip, threads); break;
                        case S1: out = run_scan(img, 1, false, true, &ss, &c); break;
                        case S1V: out = run_scan(img, 1, true, true, &ss, &c); break;
                        case STV: out = run_scan(img, threads, true, true, &ss, &c); break;
                        default: out = run_scan(img, threads, true, false, &ss, &c); break;
                        }
                        w0 = bench_wall() - w0;
                        c0 = bench_cpu() - c0;
                        if (i >= S1) {
                                tar_bytes = out;
                                if (i == STV) {
                                        last.files = atomic_load(&c.files);
                                        last.bytes = atomic_load(&c.bytes);
                                        want.entries = want.entries ? want.entries : ss.entries;
                                        if (ss.entries != want.entries)
                                                status = 1;
                                }
                        } else if (out != isal_bytes) {
                                die("isal output differs between runs", NULL);
                        }
                        if (w0 < best_wall[i])
                                best_wall[i] = w0;
                        if (c0 < best_cpu[i])
                                best_cpu[i] = c0;
                }
        }
        printf("%-42s %8s %8s %8s %9s %7s\n", "stage (best of rounds)", "wall s", "MB/s", "cpu s",
               "MB/cpu-s", "x isal");
        for (int i = 0; i < NSTAGE; i++) {
                uint64_t bytes = i <= IT ? isal_bytes : tar_bytes;
                int floor = i == I1 || i == S1 || i == S1V ? I1 : IT;
                double per_cpu = (double)bytes / 1e6 / best_cpu[i];
                double floor_cpu = (double)isal_bytes / 1e6 / best_cpu[floor];
                printf("%-42s %8.3f %8.1f %8.3f %9.1f %7.2f\n", names[i], best_wall[i],
                       (double)bytes / 1e6 / best_wall[i], best_cpu[i], per_cpu,
                       isal_bytes ? per_cpu / floor_cpu : 0.0);
        }
        if (isal_bytes != tar_bytes)
                printf("(the isal rows count only the %llu bytes of gzip layers)\n",
                       (unsigned long long)isal_bytes);
        if (want.files) {
                bool ok = last.files == want.files && last.bytes == want.content &&
                          tar_bytes == want.bytes;
                printf("generated: %llu entries, %llu files, %llu content bytes, %llu tar bytes; "
                       "visitor saw %llu files, %llu bytes %s\n",
                       (unsigned long long)want.entries, (unsigned long long)want.files,
                       (unsigned long long)want.content, (unsigned long long)want.bytes,
                       (unsigned long long)last.files, (unsigned long long)last.bytes,
                       ok && status == 0 ? "(matches)" : "(MISMATCH)");
                if (!ok)
                        status = 1;
        }
        hull_image_free(img);
        free(gzip);
        if (!keep && want.files) {
                char cmd[400];
                snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
                (void)!system(cmd);
        }
        return status;
}
