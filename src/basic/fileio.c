/* fileio.c - hull_read_file(). */
#include "basic/fileio.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/buf.h"
#include "basic/err.h"

int hull_read_file(const char *path, size_t max, char **ret_data, size_t *ret_len,
                   struct hull_diag *d) {
        _cleanup_(hull_buf_releasep) struct hull_buf b = HULL_BUF_INIT(max);
        bool is_stdin = strcmp(path, "-") == 0;
        struct stat st;
        int fd, r = HULL_OK;

        fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return hull_diag_errno(d, HULL_EIO, errno, is_stdin ? "<stdin>" : path,
                                       "cannot open '%s'", path);
        if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
                if (!is_stdin)
                        close(fd);
                return hull_diag_errno(d, HULL_EIO, EISDIR, path, "cannot read '%s'", path);
        }
        for (;;) {
                char chunk[65536];
                ssize_t n = read(fd, chunk, sizeof(chunk));
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        r = hull_diag_errno(d, HULL_EIO, errno, path, "cannot read '%s'", path);
                        break;
                }
                if (n == 0)
                        break;
                r = hull_buf_put(&b, chunk, (size_t)n);
                if (r == HULL_ELIMIT) {
                        r = hull_diag_set(d, r, path, 0, 0, "'%s' is larger than %zu bytes", path,
                                          max);
                        break;
                }
                if (r)
                        break;
        }
        if (!is_stdin)
                close(fd);
        if (r)
                return r;
        *ret_data = hull_buf_detach(&b, ret_len);
        return *ret_data ? HULL_OK : HULL_ENOMEM;
}
