/* bench_parse.c - Dockerfile front-end throughput (sqlite speedtest1 style).
 *
 * usage: bench_parse [--rounds N] FILE...
 * Loads every file into memory, then times, over N rounds:
 *   baseline  counting newlines with memchr (what reading the bytes costs)
 *   parse     hull_df_parse (BuildKit's syntax stage)
 *   model     parse + instruction checks + stage model (expansion, shell model)
 *   json      model + the JSON document
 * and prints MB/s, files/s and the ratio to the baseline measured in the same
 * run, plus a hash of the dumps so a faster build cannot quietly be wrong. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "basic/buf.h"
#include "basic/fileio.h"
#include "dockerfile/ast_json.h"
#include "dockerfile/dump.h"
#include "dockerfile/parser.h"
#include "dockerfile/stages.h"

struct input {
        char *data;
        size_t len;
        const char *name;
};

static double now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t fnv(uint64_t h, const char *s, size_t n) {
        for (size_t i = 0; i < n; i++)
                h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
        return h;
}

int main(int argc, char **argv) {
        int rounds = 5, first = 1;
        struct input *in;
        size_t nin = 0, total = 0;
        uint64_t hash = 1469598103934665603ULL;
        size_t ok = 0, bad = 0;

        if (argc > 2 && strcmp(argv[1], "--rounds") == 0) {
                rounds = atoi(argv[2]); /* bench tool, trusted input */
                first = 3;
        }
        in = calloc((size_t)argc, sizeof(*in));
        if (!in)
                return 3;
        for (int i = first; i < argc; i++) {
                struct hull_diag d;
                hull_diag_init(&d);
                if (hull_read_file(argv[i], 1 << 28, &in[nin].data, &in[nin].len, &d) == 0) {
                        in[nin].name = argv[i];
                        total += in[nin].len;
                        nin++;
                }
        }
        if (nin == 0) {
                fprintf(stderr, "usage: bench_parse [--rounds N] FILE...\n");
                return 2;
        }
        double t_base = 0, t_parse = 0, t_model = 0, t_json = 0;
        size_t lines = 0;
        for (int r = 0; r < rounds; r++) {
                double t0 = now();
                for (size_t i = 0; i < nin; i++) {
                        const char *p = in[i].data, *e = p + in[i].len;
                        while ((p = memchr(p, '\n', (size_t)(e - p)))) {
                                lines++;
                                p++;
                        }
                }
                double t1 = now();
                for (size_t i = 0; i < nin; i++) {
                        struct hull_dockerfile *df = NULL;
                        if (hull_df_parse(in[i].data, in[i].len, in[i].name, &df, NULL) == 0) {
                                if (r == 0) {
                                        struct hull_buf b = HULL_BUF_INIT(1 << 30);
                                        if (hull_df_dump(&b, df) == 0)
                                                hash = fnv(hash, b.data ? b.data : "", b.len);
                                        hull_buf_release(&b);
                                        ok++;
                                }
                        } else if (r == 0) {
                                bad++;
                        }
                        hull_dockerfile_free(df);
                }
                double t2 = now();
                for (size_t i = 0; i < nin; i++) {
                        struct hull_dockerfile *df = NULL;
                        struct hull_df_model *m = NULL;
                        if (hull_df_parse(in[i].data, in[i].len, in[i].name, &df, NULL) == 0)
                                (void)hull_df_model_build(df, NULL, &m, NULL);
                        hull_df_model_free(m);
                        hull_dockerfile_free(df);
                }
                double t3 = now();
                for (size_t i = 0; i < nin; i++) {
                        struct hull_dockerfile *df = NULL;
                        struct hull_df_model *m = NULL;
                        if (hull_df_parse(in[i].data, in[i].len, in[i].name, &df, NULL) == 0 &&
                            hull_df_model_build(df, NULL, &m, NULL) == 0) {
                                struct hull_buf b = HULL_BUF_INIT(1 << 30);
                                struct hull_json j;
                                hull_json_init(&j, &b, true);
                                hull_df_write_json(&j, df, m);
                                (void)hull_json_end(&j);
                                hull_buf_release(&b);
                        }
                        hull_df_model_free(m);
                        hull_dockerfile_free(df);
                }
                double t4 = now();
                t_base += t1 - t0;
                t_parse += t2 - t1;
                t_model += t3 - t2;
                t_json += t4 - t3;
        }
        double mb = (double)total * rounds / 1e6, nf = (double)nin * rounds;
        printf("files %zu (%zu parsed, %zu rejected), %.2f MB, %d rounds, dump hash %016llx\n", nin,
               ok, bad, (double)total / 1e6, rounds, (unsigned long long)hash);
        printf("%-9s %10s %12s %14s\n", "stage", "MB/s", "files/s", "x baseline");
        printf("%-9s %10.1f %12.0f %14s\n", "baseline", mb / t_base, nf / t_base, "1");
        printf("%-9s %10.1f %12.0f %14.1f\n", "parse", mb / t_parse, nf / t_parse,
               t_parse / t_base);
        printf("%-9s %10.1f %12.0f %14.1f\n", "model", mb / t_model, nf / t_model,
               t_model / t_base);
        printf("%-9s %10.1f %12.0f %14.1f\n", "json", mb / t_json, nf / t_json, t_json / t_base);
        (void)lines;
        for (size_t i = 0; i < nin; i++)
                free(in[i].data);
        free(in);
        return 0;
}
