/* mkzip.c - zip the *.json files of a directory, for the `db update` tests
 * (tests/vuln/update.sh): fixtures are hand-written records, zipped at test
 * time with libarchive's zip writer, so no archive is committed.
 *
 *   osv_mkzip OUT.zip DIR
 *
 * Entries are named after the files, in name order, deflated, with a fixed
 * time: the same records give the same bytes. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b) {
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static int fail(struct archive *a, const char *what) {
        fprintf(stderr, "osv_mkzip: %s: %s\n", what, a ? archive_error_string(a) : "failed");
        return 1;
}

int main(int argc, char **argv) {
        char *names[4096], path[4096], buf[65536];
        size_t n = 0;
        struct dirent *de;
        struct archive *a;
        DIR *d;

        if (argc != 3) {
                fprintf(stderr, "usage: osv_mkzip OUT.zip DIR\n");
                return 2;
        }
        d = opendir(argv[2]);
        if (!d)
                return fail(NULL, argv[2]);
        while ((de = readdir(d)) && n < 4096) {
                size_t l = strlen(de->d_name);
                if (l > 5 && strcmp(de->d_name + l - 5, ".json") == 0)
                        names[n++] = strdup(de->d_name);
        }
        closedir(d);
        qsort(names, n, sizeof(names[0]), cmp);
        a = archive_write_new();
        if (!a || archive_write_set_format_zip(a) != ARCHIVE_OK ||
            archive_write_open_filename(a, argv[1]) != ARCHIVE_OK)
                return fail(a, argv[1]);
        for (size_t i = 0; i < n; i++) {
                snprintf(path, sizeof(path), "%s/%s", argv[2], names[i]);
                FILE *f = fopen(path, "rb");
                if (!f)
                        return fail(NULL, path);
                size_t len = fread(buf, 1, sizeof(buf), f);
                int more = fgetc(f) != EOF;
                fclose(f);
                if (more) {
                        fprintf(stderr, "osv_mkzip: %s: larger than %zu bytes\n", path,
                                sizeof(buf));
                        return 1;
                }
                struct archive_entry *e = archive_entry_new();
                archive_entry_set_pathname(e, names[i]);
                archive_entry_set_filetype(e, AE_IFREG);
                archive_entry_set_perm(e, 0644);
                archive_entry_set_size(e, (la_int64_t)len);
                archive_entry_set_mtime(e, 1704067200, 0); /* 2024-01-01 */
                if (archive_write_header(a, e) != ARCHIVE_OK ||
                    archive_write_data(a, buf, len) != (la_ssize_t)len)
                        return fail(a, path);
                archive_entry_free(e);
                free(names[i]);
        }
        if (archive_write_close(a) != ARCHIVE_OK)
                return fail(a, argv[1]);
        archive_write_free(a);
        return 0;
}
