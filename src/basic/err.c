/* err.c - hull_strerror(): one switch, one place (curl_easy_strerror). */
#include "basic/err.h"

const char *hull_strerror(int err) {
        switch ((enum hull_err)err) {
        case HULL_OK: return "no error";
        case HULL_ENOMEM: return "out of memory";
        case HULL_EIO: return "input/output error";
        case HULL_EPARSE: return "parse error";
        case HULL_ECORRUPT: return "corrupt input";
        case HULL_ELIMIT: return "limit exceeded";
        case HULL_EUNSUPPORTED: return "unsupported input";
        case HULL_EDB: return "database error";
        case HULL_ENOTFOUND: return "not found";
        case HULL_ESIG: return "signature verification failed";
        case HULL_EINVAL: return "invalid argument";
        case HULL_EINTERNAL: return "internal error";
        case _HULL_ERR_MAX: break;
        }
        return "unknown error";
}
