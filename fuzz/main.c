/* main.c - run a libFuzzer target over stored inputs (systemd fuzz-main.c,
 * sqlite fuzzcheck.c).  Arguments are files or directories (not recursive).
 * Used by `make check` to replay every corpus and saved crash; a crash,
 * sanitizer report or leak fails the test. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path) {
        FILE *f = fopen(path, "rb");
        unsigned char *data = NULL;
        size_t len = 0, cap = 0, n;

        if (!f) {
                fprintf(stderr, "fuzz-replay: cannot open '%s': %s\n", path, strerror(errno));
                return -1;
        }
        do {
                if (len == cap) {
                        cap = cap ? cap * 2 : 65536;
                        unsigned char *p = realloc(data, cap);
                        if (!p) {
                                free(data);
                                fclose(f);
                                return -1;
                        }
                        data = p;
                }
                n = fread(data + len, 1, cap - len, f);
                len += n;
        } while (n > 0);
        fclose(f);
        /* copy into an exact-size buffer so ASan sees overreads */
        unsigned char *exact = malloc(len ? len : 1);
        if (!exact) {
                free(data);
                return -1;
        }
        memcpy(exact, data, len);
        free(data);
        LLVMFuzzerTestOneInput(exact, len);
        free(exact);
        return 0;
}

static int cmp(const void *a, const void *b) {
        return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
        int i, count = 0, errors = 0;

        for (i = 1; i < argc; i++) {
                struct stat st;
                if (stat(argv[i], &st) < 0) {
                        fprintf(stderr, "fuzz-replay: cannot stat '%s': %s\n", argv[i],
                                strerror(errno));
                        return 1;
                }
                if (!S_ISDIR(st.st_mode)) {
                        errors += run_file(argv[i]) < 0;
                        count++;
                        continue;
                }
                DIR *d = opendir(argv[i]);
                struct dirent *de;
                char **names = NULL;
                size_t nn = 0, i2;
                if (!d)
                        return 1;
                while ((de = readdir(d))) {
                        if (de->d_name[0] == '.')
                                continue;
                        char **p = realloc(names, (nn + 1) * sizeof(*names));
                        if (!p)
                                return 1;
                        names = p;
                        size_t l = strlen(argv[i]) + strlen(de->d_name) + 2;
                        names[nn] = malloc(l);
                        if (!names[nn])
                                return 1;
                        snprintf(names[nn], l, "%s/%s", argv[i], de->d_name);
                        nn++;
                }
                closedir(d);
                qsort(names, nn, sizeof(*names), cmp);
                for (i2 = 0; i2 < nn; i2++) {
                        errors += run_file(names[i2]) < 0;
                        count++;
                        free(names[i2]);
                }
                free(names);
        }
        printf("fuzz-replay: %d inputs, %d unreadable\n", count, errors);
        return errors ? 1 : 0;
}
