/* job.h - one secret scan: the engine run over trees, streams and images,
 * its hits turned into findings (report/finding.h).
 *
 * A job owns one content walker per worker (content.h) and appends findings
 * to the caller's struct hull_findings under its own lock, so the tree
 * walker's and the image scan's workers share it.  Each finding carries the
 * rule, the place (file, line, column; for images the path inside the image,
 * the layer, its diff_id and created_by), the secret redacted unless
 * opts.show, and a fingerprint: hex SHA-256 of rule id, place and secret,
 * where the place is the file path as reported (images: the path inside the
 * image; never the line, so edits elsewhere in a file keep a baseline valid)
 * plus the archive member.
 *
 * Images: hull_secrets_job_scan_visitor() gives the visitor for
 * hull_scan_run() (every regular file of every layer); after the scan,
 * hull_secrets_job_image_finish() marks the findings in files that a later
 * layer deleted and scans the config's Env and Labels and the history's
 * created_by.
 *
 * Notes (files skipped for size, bombs, damaged archives, unreadable files)
 * are kept in the job, at most HULL_SECRETS_MAX_NOTES, the rest counted. */
#ifndef HULL_SECRETS_JOB_H
#define HULL_SECRETS_JOB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/arena.h"
#include "basic/diag.h"
#include "image/image.h"
#include "image/scan.h"
#include "report/finding.h"
#include "secrets/allow.h"
#include "secrets/content.h"
#include "secrets/engine.h"
#include "secrets/tree.h"

#define HULL_SECRETS_MAX_NOTES 1000u

struct hull_secrets_job_opts {
        bool show;               /* secrets in full (--show-secrets) */
        uint64_t max_file_bytes; /* 0: 64 MiB */
        /* severity per rule id (NULL: the rule's); returns _HULL_SEV_INVALID
         * for "the rule's own" */
        enum hull_severity (*severity)(void *ud, const struct hull_secret_rule *r);
        void *severity_ud;
        const struct hull_secrets_allow *allow; /* the configuration's allow-list; NULL */
};

struct hull_secrets_job_worker;
struct dd_entry;

struct hull_secrets_job {
        const struct hull_secrets *set;
        struct hull_secrets_job_opts opts;
        struct hull_findings *out;
        pthread_mutex_t lock;
        struct hull_secrets_job_worker *workers;
        unsigned nworkers;
        /* images */
        const struct hull_image *img;
        /* notes */
        struct hull_arena arena;
        const char **notes;
        size_t nnotes, capnotes;
        uint64_t notes_dropped;
        int err;                         /* first error of a worker callback */
        struct hull_secrets_stats stats; /* summed at hull_secrets_job_release */
        uint64_t files;
        uint64_t allowed; /* findings the allow-list took */
        /* de-duplication (job.c): files equal to one already scanned */
        struct dd_entry **dd;
        struct hull_arena dd_arena;
        uint64_t dedup_files, dedup_bytes;
};

/* nworkers: the most workers that will call in at once (tree or scan
 * threads; 1 for a single stream). */
int hull_secrets_job_init(struct hull_secrets_job *job, const struct hull_secrets *set,
                          unsigned nworkers, const struct hull_secrets_job_opts *opts,
                          struct hull_findings *out);
void hull_secrets_job_release(struct hull_secrets_job *job);

/* The tree walker's visitor (tree.h); ud is the job. */
extern const struct hull_tree_visitor hull_secrets_job_tree_visitor;
static inline struct hull_tree_visitor hull_secrets_job_tree(struct hull_secrets_job *job) {
        struct hull_tree_visitor v = hull_secrets_job_tree_visitor;
        v.ud = job;
        return v;
}

/* One stream read to its end (stdin): name as reported. */
int hull_secrets_job_fd(struct hull_secrets_job *job, const char *name, int fd,
                        struct hull_diag *d);

/* Images: the scan visitor (worker indexes < nworkers), then, after
 * hull_scan_run(), the deleted marks and the config and history. */
struct hull_scan_visitor hull_secrets_job_scan_visitor(struct hull_secrets_job *job,
                                                       const struct hull_image *img);
/* config: also scan Env, Labels and history (hullscan secrets; hullscan image
 * leaves those to its audit rules HS4004 and HS4005). */
int hull_secrets_job_image_finish(struct hull_secrets_job *job, const struct hull_scan *scan,
                                  bool config);

/* Totals of the engine and the notes, after the work is done. */
void hull_secrets_job_stats(struct hull_secrets_job *job, struct hull_secrets_stats *ret);

/* "AKIA************MPLE": the first and last 4 bytes of secrets of 16 or
 * more bytes, 2 and 2 from 10, else nothing, around one '*' per hidden byte
 * (at most 32); non-printable bytes as '?'.  Always NUL-terminated. */
void hull_secret_redact(const char *s, size_t n, char *out, size_t size);

#endif
