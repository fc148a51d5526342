/* fileio.h - reading whole inputs with a size limit.
 *
 * hull_read_file() reads a file ("-" = standard input) into a buffer the
 * caller owns (hull_free).  A file larger than max fails with HULL_ELIMIT
 * before more than max+1 bytes are held. */
#ifndef HULL_BASIC_FILEIO_H
#define HULL_BASIC_FILEIO_H

#include <stddef.h>

#include "basic/diag.h"

int hull_read_file(const char *path, size_t max, char **ret_data, size_t *ret_len,
                   struct hull_diag *d);

#endif
