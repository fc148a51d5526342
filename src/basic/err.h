/* err.h - library error codes (curl's CURLcode, yara's ERROR_*).
 *
 * Append-only: a retired code keeps its number and becomes HULL_EOBSOLETEnn.
 * Fallible library functions return int: HULL_OK or one of these; details go
 * to an optional caller-owned struct hull_diag (diag.h). */
#ifndef HULL_BASIC_ERR_H
#define HULL_BASIC_ERR_H

enum hull_err {
        HULL_OK = 0,
        HULL_ENOMEM = 1,       /* out of memory */
        HULL_EIO = 2,          /* read/write failure; errno saved in diag */
        HULL_EPARSE = 3,       /* input does not follow its grammar */
        HULL_ECORRUPT = 4,     /* input damaged (digest, checksum, truncation) */
        HULL_ELIMIT = 5,       /* input exceeds a limit of limits.h */
        HULL_EUNSUPPORTED = 6, /* valid input we do not handle */
        HULL_EDB = 7,          /* database error */
        HULL_ENOTFOUND = 8,    /* named thing does not exist */
        HULL_ESIG = 9,         /* signature invalid */
        HULL_EINVAL = 10,      /* bad argument from the caller (usage) */
        HULL_EINTERNAL = 11,   /* invariant broken: a bug */
        _HULL_ERR_MAX,
};

/* Static English description; never NULL. */
const char *hull_strerror(int err);

/* HULL_TRY(x): evaluate x, return its code from the caller when not HULL_OK. */
#define HULL_TRY(x)                                                                                \
        do {                                                                                       \
                int _r_ = (x);                                                                     \
                if (_r_ != HULL_OK)                                                                \
                        return _r_;                                                                \
        } while (0)

#endif
