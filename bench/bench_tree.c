/* bench_tree.c - throughput of the file-tree reader (src/secrets/tree.c)
 * against `cat` over the same files, measured in the same run.
 *
 *   bench_tree [--threads 1,2] [--rounds 2] [--touch] [--no-cat] [--skip GLOB]... DIR...
 *
 * For each thread count, the tree is walked --rounds times (the first
 * rounds warm the page cache; the last is reported) with a visitor that
 * only counts bytes (--touch: also XORs every 8-byte word, as a scanner
 * would touch them).  The baseline is `find DIR... -type f -print0 | xargs
 * -0 -P N cat >/dev/null` with N = the thread count, timed the same way
 * (--no-cat: not run); the ratio is hullscan's MB/s over cat's.  The byte
 * total of the walk is checked against find's sum of sizes.  --skip adds
 * --skip globs (their matching cost); BENCH_TREE_WORKERS=1 prints what each
 * reading thread read. */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "basic/diag.h"
#include "basic/err.h"
#include "bench_util.h"
#include "secrets/tree.h"

struct counter {
        _Alignas(64) uint64_t bytes;
        uint64_t files, x;
};

struct ctx {
        bool touch;
        struct counter *c; /* one per worker */
};

static int v_begin(void *ud, unsigned w, const char *path, uint64_t size, struct hull_diag *d) {
        struct ctx *c = ud;
        c->c[w].files++;
        return HULL_OK;
}

static int v_data(void *ud, unsigned w, const void *buf, size_t n, struct hull_diag *d) {
        struct ctx *c = ud;
        c->c[w].bytes += n;
        if (c->touch) {
                const unsigned char *p = buf;
                uint64_t x = 0, v;
                size_t i = 0;
                for (; i + 8 <= n; i += 8) {
                        memcpy(&v, p + i, 8);
                        x ^= v;
                }
                for (; i < n; i++)
                        x ^= p[i];
                c->c[w].x ^= x;
        }
        return HULL_OK;
}

static int v_end(void *ud, unsigned w, struct hull_diag *d) {
        return HULL_OK;
}

static atomic_ulong notes;

static void v_note(void *ud, const char *path, const char *msg) {
        if (atomic_fetch_add(&notes, 1) < 5)
                fprintf(stderr, "note: %s: %s\n", path, msg);
}

static double child_cpu(void) {
        struct rusage ru;
        getrusage(RUSAGE_CHILDREN, &ru);
        return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
               (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Time a shell command: wall and CPU seconds of its processes. */
static int run_timed(const char *cmd, double *ret_wall, double *ret_cpu) {
        double c0 = child_cpu(), t0 = bench_wall();
        int r = system(cmd);
        *ret_wall = bench_wall() - t0;
        *ret_cpu = child_cpu() - c0;
        return r;
}

int main(int argc, char **argv) {
        const char *threads_arg = "1,2";
        unsigned rounds = 2;
        bool touch = false, cat = true;
        const char *skip[16];
        size_t nskip = 0;
        const char *dirs[64];
        size_t ndirs = 0;
        char quoted[8192] = "", cmd[9000];
        size_t ql = 0;

        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
                        threads_arg = argv[++i];
                else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
                        rounds = (unsigned)strtoul(argv[++i], NULL, 10);
                else if (strcmp(argv[i], "--touch") == 0)
                        touch = true;
                else if (strcmp(argv[i], "--no-cat") == 0)
                        cat = false;
                else if (strcmp(argv[i], "--skip") == 0 && i + 1 < argc && nskip < 16)
                        skip[nskip++] = argv[++i];
                else if (argv[i][0] != '-' && ndirs < 64)
                        dirs[ndirs++] = argv[i];
                else {
                        fprintf(stderr, "usage: bench_tree [--threads 1,2] [--rounds N] "
                                        "[--touch] [--no-cat] [--skip GLOB]... DIR...\n");
                        return 2;
                }
        }
        if (ndirs == 0 || rounds == 0) {
                fprintf(stderr, "usage: bench_tree [--threads 1,2] [--rounds N] [--touch] "
                                "[--no-cat] [--skip GLOB]... DIR...\n");
                return 2;
        }
        for (size_t i = 0; i < ndirs; i++) {
                if (strchr(dirs[i], '\'')) {
                        fprintf(stderr, "bench_tree: no quotes in directory names\n");
                        return 2;
                }
                ql += (size_t)snprintf(quoted + ql, sizeof(quoted) - ql, " '%s'", dirs[i]);
                if (ql >= sizeof(quoted)) {
                        fprintf(stderr, "bench_tree: directory names too long\n");
                        return 2;
                }
        }

        /* what cat will read: regular files, symlinks not followed (as the walk) */
        unsigned long long find_bytes = 0, find_files = 0;
        snprintf(cmd, sizeof(cmd), "find%s -type f -printf '%%s\\n'", quoted);
        FILE *f = popen(cmd, "r");
        if (f) {
                unsigned long long s;
                while (fscanf(f, "%llu", &s) == 1) {
                        find_bytes += s;
                        find_files++;
                }
                pclose(f);
        }
        printf("tree:%s\nfind: %llu files, %.1f MB\n", quoted, find_files,
               (double)find_bytes / 1e6);
        printf("%-34s %8s %8s %9s %8s %10s\n", "run (last of rounds)", "wall s", "cpu s", "MB/s",
               "files", "vs cat");

        for (const char *p = threads_arg; *p;) {
                unsigned nt = (unsigned)strtoul(p, (char **)&p, 10);
                double cat_wall = 0, cat_cpu = 0, wall = 0, cpu = 0;
                struct hull_tree_stats st;

                if (*p == ',')
                        p++;
                if (nt == 0)
                        continue;
                /* baseline: one cat at a time, and nt at a time */
                snprintf(cmd, sizeof(cmd),
                         "find%s -type f -print0 | xargs -0 -P %u -n 2000 cat >/dev/null", quoted,
                         nt);
                for (unsigned r = 0; cat && r < rounds; r++)
                        if (run_timed(cmd, &cat_wall, &cat_cpu) != 0)
                                fprintf(stderr, "bench_tree: cat baseline failed\n");
                if (cat)
                        printf("%-34s %8.3f %8.3f %9.1f %8llu %10s\n",
                               nt == 1 ? "cat (xargs -P 1)"
                                       : (snprintf(cmd, 64, "cat (xargs -P %u)", nt), cmd),
                               cat_wall, cat_cpu, (double)find_bytes / 1e6 / cat_wall, find_files,
                               "1.00");

                struct hull_tree_opts o = {.threads = nt, .skip = skip, .nskip = nskip};
                struct ctx c = {.touch = touch};
                c.c = calloc(hull_tree_threads(&o), sizeof(*c.c));
                if (!c.c)
                        return 1;
                struct hull_tree_visitor v = {
                        .ud = &c, .begin = v_begin, .data = v_data, .end = v_end, .note = v_note};
                for (unsigned r = 0; r < rounds; r++) {
                        struct hull_diag d;
                        hull_diag_init(&d);
                        memset(c.c, 0, hull_tree_threads(&o) * sizeof(*c.c));
                        double c0 = bench_cpu(), t0 = bench_wall();
                        int rc = hull_tree_walk(dirs, ndirs, &o, &v, &st, &d);
                        wall = bench_wall() - t0;
                        cpu = bench_cpu() - c0;
                        if (rc != HULL_OK) {
                                char msg[1200];
                                hull_diag_format(&d, msg, sizeof(msg));
                                fprintf(stderr, "bench_tree: %s\n", msg);
                                return 1;
                        }
                }
                uint64_t bytes = 0, files = 0;
                for (unsigned i = 0; i < hull_tree_threads(&o); i++) {
                        bytes += c.c[i].bytes;
                        files += c.c[i].files;
                }
                double mbs = (double)bytes / 1e6 / wall;
                if (getenv("BENCH_TREE_WORKERS"))
                        for (unsigned i = 0; i < hull_tree_threads(&o); i++)
                                printf("  worker %u: %llu files, %llu bytes\n", i,
                                       (unsigned long long)c.c[i].files,
                                       (unsigned long long)c.c[i].bytes);
                snprintf(cmd, 64, "hullscan tree, %u thread%s%s", nt, nt > 1 ? "s" : "",
                         touch ? ", touch" : "");
                printf("%-34s %8.3f %8.3f %9.1f %8llu", cmd, wall, cpu, mbs,
                       (unsigned long long)files);
                if (cat)
                        printf(" %9.2fx\n", mbs / ((double)find_bytes / 1e6 / cat_wall));
                else
                        printf(" %10s\n", "-");
                if (nskip)
                        printf("  (--skip left out %llu entries)\n",
                               (unsigned long long)st.skipped_glob);
                else if (bytes != find_bytes || files != find_files || bytes != st.bytes)
                        printf("  (walk read %llu bytes in %llu files; find says %llu in %llu: "
                               "the tree changed, or unreadable files)\n",
                               (unsigned long long)bytes, (unsigned long long)files, find_bytes,
                               find_files);
                free(c.c);
        }
        return 0;
}
