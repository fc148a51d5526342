/* bench_secrets.c - the secret engine's throughput on in-memory text, one
 * core, all built-in rules, against baselines measured in the same run.
 *
 *   bench_secrets [--mb N] [--runs N] [DIR...]
 *
 * Reads regular files under DIR... (default /usr/share/doc /usr/lib/python3
 * /usr/share/perl5 /etc: real text) into one buffer of about N MiB (default
 * 256), keeping each file's place and path, then times, best of --runs, file
 * by file as a directory scan hands them over:
 *   count   a byte-compare pass counting newlines (memory-speed floor);
 *   hs      vectorscan alone: the rules' patterns (keywords, hs_regex or
 *           regex; no path rules, no base64) streamed over each file, the
 *           callback only counting (the "vectorscan alone");
 *   engine  hull_secrets_begin/data/end per file: vectorscan (with the path
 *           rules and base64 values where the path calls for them), PCRE2
 *           confirmation, checks, base64 decoding, findings;
 * and prints MB/s and the engine's ratio to each baseline.  The issue's
 * target: engine >= 1 GB/s on one core. */
#include <dirent.h>
#include <fcntl.h>
#include <hs/hs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/alloc.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "bench_util.h"
#include "secrets/engine.h"
#include "secrets/rule.h"

static char *buf;
static size_t len, cap;
struct file {
        size_t off, len;
        char *path;
};
static struct file *files;
static size_t nfiles, capfiles;

static void slurp_file(const char *path) {
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        struct stat st;
        if (fd < 0)
                return;
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < (16 << 20)) {
                size_t want = (size_t)st.st_size;
                if (len + want > cap)
                        want = cap - len;
                ssize_t k = read(fd, buf + len, want);
                if (k > 0) {
                        if (nfiles == capfiles) {
                                capfiles = capfiles ? 2 * capfiles : 4096;
                                files = realloc(files, capfiles * sizeof(*files));
                                if (!files)
                                        exit(3);
                        }
                        files[nfiles++] = (struct file){len, (size_t)k, strdup(path)};
                        len += (size_t)k;
                }
        }
        close(fd);
}

static void walk(const char *dir, int depth) {
        DIR *d;
        struct dirent *e;
        char path[4096];
        if (depth > 12 || len >= cap || !(d = opendir(dir)))
                return;
        while (len < cap && (e = readdir(d))) {
                if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
                        continue;
                snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
                if (e->d_type == DT_DIR)
                        walk(path, depth + 1);
                else if (e->d_type == DT_REG)
                        slurp_file(path);
        }
        closedir(d);
}

static int count_cb(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                    void *ud) {
        (void)id;
        (void)from;
        (void)to;
        (void)flags;
        (*(uint64_t *)ud)++;
        return 0;
}

static uint64_t nfound;
static int on_hit(void *ud, const struct hull_secret_hit *h) {
        (void)ud;
        (void)h;
        nfound++;
        return HULL_OK;
}

int main(int argc, char **argv) {
        size_t mb = 256;
        int runs = 3, ndirs = 0;
        const char *dirs[64];
        for (int i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--mb") && i + 1 < argc)
                        mb = strtoul(argv[++i], NULL, 10);
                else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
                        runs = atoi(argv[++i]);
                else if (ndirs < 64)
                        dirs[ndirs++] = argv[i];
        }
        if (!ndirs) {
                static const char *def[] = {"/usr/share/doc", "/usr/lib/python3", "/usr/share/perl5",
                                            "/usr/share/perl", "/etc"};
                for (size_t i = 0; i < sizeof(def) / sizeof(def[0]); i++)
                        dirs[ndirs++] = def[i];
        }
        cap = mb << 20;
        buf = malloc(cap);
        if (!buf)
                return 3;
        /* fill to cap, repeating the files if there are too few */
        while (len < cap) {
                size_t before = len;
                for (int i = 0; i < ndirs; i++)
                        walk(dirs[i], 0);
                if (len == before)
                        break;
        }
        if (!len) {
                fprintf(stderr, "bench_secrets: no files read\n");
                return 2;
        }

        const struct hull_secrets *set = hull_secrets_default();
        struct hull_secrets_scanner *sc;
        if (!set || hull_secrets_scanner_new(set, &sc))
                return 3;

        /* vectorscan alone: the same rules compiled into a block database
         * would differ; use the engine's own path with a counting callback by
         * compiling the rules' vectorscan patterns here */
        const char **exprs = calloc(hull_secret_nrules * 8 + 2, sizeof(char *));
        unsigned *flags = calloc(hull_secret_nrules * 8 + 2, sizeof(unsigned));
        unsigned *ids = calloc(hull_secret_nrules * 8 + 2, sizeof(unsigned));
        unsigned n = 0;
        for (size_t i = 0; i < hull_secret_nrules; i++) {
                const struct hull_secret_rule *r = &hull_secret_rules[i];
                if (r->path)
                        continue;
                if (r->keywords && !r->hs_regex) {
                        for (const char *const *k = r->keywords; *k; k++) {
                                /* literal: escape everything */
                                size_t l = strlen(*k);
                                char *e = malloc(4 * l + 1), *p = e;
                                for (size_t j = 0; j < l; j++)
                                        p += sprintf(p, "\\x%02x", (unsigned char)(*k)[j]);
                                exprs[n] = e;
                                flags[n] = HS_FLAG_CASELESS;
                                ids[n++] = (unsigned)i;
                        }
                } else {
                        exprs[n] = r->hs_regex ? r->hs_regex : r->regex;
                        flags[n] = HS_FLAG_MULTILINE |
                                   (r->flags & HULL_SECRET_CASELESS ? HS_FLAG_CASELESS : 0);
                        ids[n++] = (unsigned)i;
                }
        }
        hs_database_t *db;
        hs_compile_error_t *err;
        hs_scratch_t *scratch = NULL;
        hs_stream_t *stream;
        if (hs_compile_multi(exprs, flags, ids, n, HS_MODE_STREAM, NULL, &db, &err) != HS_SUCCESS ||
            hs_alloc_scratch(db, &scratch) != HS_SUCCESS) {
                fprintf(stderr, "bench_secrets: vectorscan compile failed\n");
                return 3;
        }

        double best_count = 1e9, best_hs = 1e9, best_engine = 1e9;
        uint64_t nl = 0, hs_hits = 0;
        for (int run = 0; run < runs; run++) {
                double t = bench_wall();
                size_t k = 0;
                for (size_t i = 0; i < len; i++)
                        k += buf[i] == '\n';
                t = bench_wall() - t;
                nl = k;
                if (t < best_count)
                        best_count = t;

                hs_hits = 0;
                t = bench_wall();
                for (size_t f = 0; f < nfiles; f++) {
                        hs_open_stream(db, 0, &stream);
                        hs_scan_stream(stream, buf + files[f].off, (unsigned)files[f].len, 0,
                                       scratch, count_cb, &hs_hits);
                        hs_close_stream(stream, scratch, count_cb, &hs_hits);
                }
                t = bench_wall() - t;
                if (t < best_hs)
                        best_hs = t;

                nfound = 0;
                t = bench_wall();
                for (size_t f = 0; f < nfiles; f++) {
                        hull_secrets_begin(sc, files[f].path, on_hit, NULL);
                        hull_secrets_data(sc, buf + files[f].off, files[f].len);
                        hull_secrets_end(sc);
                }
                t = bench_wall() - t;
                if (t < best_engine)
                        best_engine = t;
        }
        double mbytes = (double)len / 1e6;
        struct hull_secrets_stats st;
        hull_secrets_scanner_stats(sc, &st);
        printf("bench_secrets: %.1f MB in %zu real files, %zu rules, best of %d, one core\n",
               mbytes, nfiles, hull_secret_nrules, runs);
        printf("  count newlines  %8.0f MB/s  (%llu lines)\n", mbytes / best_count,
               (unsigned long long)nl);
        printf("  vectorscan only %8.0f MB/s  (%llu raw hits)\n", mbytes / best_hs,
               (unsigned long long)hs_hits);
        printf("  engine          %8.0f MB/s  (%llu secrets; per run: %llu hits resolved, %llu "
               "refused)\n",
               mbytes / best_engine, (unsigned long long)nfound,
               (unsigned long long)(st.hits / (uint64_t)runs),
               (unsigned long long)(st.refused / (uint64_t)runs));
        printf("  engine / vectorscan only: %.2f   engine / count: %.2f\n", best_hs / best_engine,
               best_count / best_engine);
        hs_free_scratch(scratch);
        hs_free_database(db);
        hull_secrets_scanner_free(sc);
        for (size_t f = 0; f < nfiles; f++)
                free(files[f].path);
        free(files);
        free(buf);
        return 0;
}
