/* tree.c - the parallel file-tree reader of `hullscan secrets PATH...`
 * (contract in tree.h).
 *
 * One traverser, N readers.  The calling thread walks each directory root
 * depth-first: getdents64 on a directory fd, fstatat only where d_type is
 * unknown, subdirectories opened with openat relative to their parent's fd.
 * The regular files of a directory are packed into batches (up to
 * BATCH_FILES names sharing the directory's fd, which a reference count keeps
 * open until the batch's last file is read) on a bounded queue.  Worker
 * threads take files one at a time, openat them relative to the batch's
 * directory fd, fstat the open file, and read() it into their own buffer for
 * the visitor.  When the queue is full the calling thread reads a file itself
 * instead of waiting, and when the walk is over it reads with the others: so
 * `threads` threads read in all (threads - 1 workers plus the caller), and
 * threads == 1 runs on the calling thread alone.
 *
 * Bounds: the queue holds at most QUEUE_BATCHES batches and QUEUE_FILES
 * files, so memory and open directory fds stay bounded whatever the tree's
 * size; the traverser keeps one fd per ancestor up to FD_DEPTH, and deeper
 * directories are reopened from the root with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS), so a tree 2,000 levels deep needs no more fds.
 *
 * Build-context mode lets hull_dockerignore_walk (lint/dockerignore.h) decide
 * what is sent, so the set of files is exactly the one BuildKit's walk
 * produces; its files are opened relative to the context's root fd.
 *
 * Measured choices (bench/bench_tree.c over 1 GB of /usr, warm cache, a
 * visitor touching every byte): read() into a 256 KiB buffer; 64 KiB to
 * 1 MiB buffers cost the same, mmap + munmap per file took 2.2 times the
 * CPU (page faults on mostly small files).  No fstatat per file in the walk:
 * it would cost 16% to sort files biggest-first, so they are handed out in
 * directory order and the open file's fstat is the only one. */
#include "secrets/tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "basic/buf.h"
#include "basic/err.h"
#include "basic/fileio.h"
#include "basic/limits.h"
#include "lint/dockerignore.h"

#define DEFAULT_MAX_FILE (64ull << 20)
#define READ_BYTES (256u * 1024) /* per-worker read buffer */
#define DENTS_BYTES (64u * 1024) /* getdents64 buffer of the traverser */
#define BATCH_FILES 256u         /* files per batch */
#define BATCH_NAMES (16u * 1024) /* name bytes per batch (the prefix comes on top) */
#define QUEUE_BATCHES 64u        /* batches waiting, each holding a directory fd */
#define QUEUE_FILES 4096u        /* files waiting */
#define FD_DEPTH 64u             /* ancestors holding an fd during the walk */
#define MAX_THREADS 256u
#define SUBDIR_BYTES (1ull << 30)      /* names of one directory's subdirectories */
#define SKIP_STEPS (UINT64_C(1) << 40) /* --skip matcher budget: patterns are the user's */
#define PATH_BYTES (HULL_MAX_PATH_BYTES + 256)

struct dirref {
        int fd; /* AT_FDCWD for a root file */
        atomic_uint refs;
};

struct entry {
        uint32_t off, len; /* name in batch->names */
};

/* Files of one directory (or of a context), read relative to dir->fd.
 * names[0..plen) is the display prefix ("src/app/"), then the names. */
struct batch {
        struct batch *next;
        struct dirref *dir;
        bool follow;       /* a root file: the user named it, follow a symlink */
        bool beneath;      /* names are paths below dir (context mode) */
        uint32_t n, taken; /* taken: handed out (under the queue lock) */
        atomic_uint left;  /* not yet finished; the last one frees the batch */
        size_t plen, nlen; /* prefix length, bytes used in names */
        struct entry e[BATCH_FILES];
        char names[PATH_BYTES + BATCH_NAMES];
};

struct worker {
        struct tree *t;
        unsigned idx;
        pthread_t th;
        bool started;
        char *buf;
        uint64_t files, bytes, skipped_large, unreadable, changed, symlinks, other;
        struct hull_diag d;
        char path[PATH_BYTES + 2];
};

struct tree {
        const struct hull_tree_visitor *v;
        uint64_t max_file;
        unsigned nthreads;
        struct hull_dockerignore *skip;

        pthread_mutex_t lock; /* queue, done, err */
        pthread_cond_t more;
        struct batch *head, *tail;
        size_t nbatches, pending;
        bool done;
        atomic_bool stop;
        int err;
        struct hull_diag ediag;

        pthread_mutex_t note_lock;
        struct worker *w;

        /* traverser (calling thread) only */
        struct hull_tree_stats *st;
        struct batch *cur;
        char *dents;
        struct dirref *root;       /* root directory, for FD_DEPTH and context mode */
        struct dirref *cwd;        /* AT_FDCWD, for root files */
        char disp[PATH_BYTES + 2]; /* display path of the directory walked, '/'-ended */
        size_t dlen;
        char rel[PATH_BYTES + 2]; /* its path relative to the root, '/'-ended or "" */
        size_t rlen;
        uint64_t found;                   /* regular files found, against HULL_MAX_TREE_FILES */
        const char *ctx_root;             /* context mode: the root as given */
        char skipped_dir[PATH_BYTES + 2]; /* context mode: directory left out by --skip */
        size_t skipped_dir_len;
        uint8_t *row; /* --skip row of the entry matched (nrow bytes) */
        size_t nrow;
};

/* ---- small helpers -------------------------------------------------------- */

static void note(struct tree *t, const char *path, const char *fmt, ...) _printf_(3, 4);
static void note(struct tree *t, const char *path, const char *fmt, ...) {
        char msg[512];
        va_list ap;

        if (!t->v->note)
                return;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        pthread_mutex_lock(&t->note_lock);
        t->v->note(t->v->ud, path, msg);
        pthread_mutex_unlock(&t->note_lock);
}

/* strerror, lowercase first letter (messages are lowercase) */
static const char *errstr(int e, char *buf, size_t n) {
        snprintf(buf, n, "%s", strerror(e));
        if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
                buf[0] = (char)(buf[0] - 'A' + 'a');
        return buf;
}

static const char *human(uint64_t n, char *buf, size_t sz) {
        if (n >= (1ull << 30))
                snprintf(buf, sz, "%.1f GiB", (double)n / (1ull << 30));
        else if (n >= (1ull << 20))
                snprintf(buf, sz, "%.1f MiB", (double)n / (1ull << 20));
        else if (n >= 1024)
                snprintf(buf, sz, "%.1f KiB", (double)n / 1024);
        else
                snprintf(buf, sz, "%llu bytes", (unsigned long long)n);
        return buf;
}

/* Record the first error (with its diag) and stop everyone. */
static int fail(struct tree *t, int code, const struct hull_diag *d) {
        pthread_mutex_lock(&t->lock);
        if (t->err == HULL_OK) {
                t->err = code;
                if (d && d->code != HULL_OK)
                        t->ediag = *d;
                else
                        hull_diag_set(&t->ediag, code, NULL, 0, 0, "%s", hull_strerror(code));
        }
        atomic_store(&t->stop, true);
        pthread_cond_broadcast(&t->more);
        pthread_mutex_unlock(&t->lock);
        return code;
}

/* The error that stopped the walk (HULL_OK while it goes on). */
static int stopped(struct tree *t) {
        int r;

        if (!atomic_load(&t->stop))
                return HULL_OK;
        pthread_mutex_lock(&t->lock);
        r = t->err;
        pthread_mutex_unlock(&t->lock);
        return r;
}

static struct dirref *dirref_new(int fd) {
        struct dirref *r = hull_malloc(sizeof(*r));
        if (!r)
                return NULL;
        r->fd = fd;
        atomic_init(&r->refs, 1);
        return r;
}

static void dirref_put(struct dirref *r) {
        if (r && atomic_fetch_sub(&r->refs, 1) == 1) {
                if (r->fd != AT_FDCWD)
                        close(r->fd);
                hull_free(r);
        }
}

static void batch_free(struct batch *b) {
        if (!b)
                return;
        dirref_put(b->dir);
        hull_free(b);
}

/* openat; with beneath, path has several components and none may be a
 * symlink or lead out of dfd (the tree may change while walked); before
 * Linux 5.6, plain openat, which follows a directory swapped for a symlink */
static int open_below(int dfd, const char *path, int flags, bool beneath) {
        if (beneath) {
                struct open_how how = {.flags = (uint64_t)flags,
                                       .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS};
                int fd = (int)syscall(SYS_openat2, dfd, path, &how, sizeof(how));
                if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
                        return fd;
        }
        return openat(dfd, path, flags);
}

/* ---- reading one file (any worker, the caller included) --------------------- */

static void read_file(struct worker *w, struct batch *b, uint32_t i) {
        struct tree *t = w->t;
        const struct hull_tree_visitor *v = t->v;
        const char *name = b->names + b->e[i].off;
        char eb[128], h1[32], h2[32];
        uint64_t total = 0;
        bool grew = false, began = false, ioerr = false;
        struct stat st;
        int fd, r = HULL_OK;

        memcpy(w->path, b->names, b->plen);
        memcpy(w->path + b->plen, name, b->e[i].len + 1);
        /* O_NONBLOCK: a file swapped for a fifo since the listing must not
         * block the open; it is a no-op on the regular files read. */
        fd = open_below(b->dir->fd, name,
                        O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (b->follow ? 0 : O_NOFOLLOW),
                        b->beneath);
        if (fd < 0) {
                if (errno == ELOOP && !b->follow) {
                        w->symlinks++; /* replaced by a symlink since the listing */
                        return;
                }
                w->unreadable++;
                note(t, w->path,
                     errno == ENOENT ? "vanished while the tree was walked" : "cannot open: %s",
                     errstr(errno, eb, sizeof(eb)));
                return;
        }
        if (fstat(fd, &st) < 0) {
                w->unreadable++;
                note(t, w->path, "cannot stat: %s", errstr(errno, eb, sizeof(eb)));
                goto out;
        }
        if (!S_ISREG(st.st_mode)) {
                w->other++; /* changed type since the listing */
                goto out;
        }
        if ((uint64_t)st.st_size > t->max_file) {
                w->skipped_large++;
                /* bytes too when the rounded sizes would read the same */
                human((uint64_t)st.st_size, h1, sizeof(h1));
                human(t->max_file, h2, sizeof(h2));
                if (!strcmp(h1, h2))
                        snprintf(h1, sizeof(h1), "%llu bytes", (unsigned long long)st.st_size);
                note(t, w->path, "%s, larger than the %s limit", h1, h2);
                goto out;
        }
        if (st.st_size > READ_BYTES)
                (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        if (w->d.code != HULL_OK)
                hull_diag_init(&w->d); /* a visitor that filled it and went on */
        if (v->begin &&
            (r = v->begin(v->ud, w->idx, w->path, (uint64_t)st.st_size, &w->d)) != HULL_OK)
                goto out;
        began = true;
        for (;;) {
                ssize_t n = read(fd, w->buf, READ_BYTES);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        w->unreadable++;
                        ioerr = true;
                        note(t, w->path, "read error at offset %llu: %s", (unsigned long long)total,
                             errstr(errno, eb, sizeof(eb)));
                        break;
                }
                if (n == 0)
                        break;
                if ((uint64_t)n > t->max_file - total) {
                        n = (ssize_t)(t->max_file - total);
                        grew = true;
                }
                if (n > 0 && v->data &&
                    (r = v->data(v->ud, w->idx, w->buf, (size_t)n, &w->d)) != HULL_OK)
                        break;
                total += (uint64_t)n;
                if (grew)
                        break;
                /* a short read that reaches the size fstat gave is the end:
                 * saves the read() that would return 0 on every small file */
                if ((size_t)n < READ_BYTES && total == (uint64_t)st.st_size)
                        break;
        }
out:
        if (began) {
                int r2 = v->end ? v->end(v->ud, w->idx, &w->d) : HULL_OK;
                if (r == HULL_OK)
                        r = r2;
                w->files++;
                w->bytes += total;
                if (r == HULL_OK && !ioerr && total != (uint64_t)st.st_size) {
                        w->changed++;
                        if (grew)
                                note(t, w->path,
                                     "grew past the %s limit while read: first %llu bytes read",
                                     human(t->max_file, h1, sizeof(h1)), (unsigned long long)total);
                        else
                                note(t, w->path,
                                     "changed size while read: %llu bytes at open, %llu read",
                                     (unsigned long long)st.st_size, (unsigned long long)total);
                }
        }
        close(fd);
        if (r != HULL_OK)
                fail(t, r, &w->d);
}

/* Take the next file off the queue (lock held).  With wait, sleep until
 * there is one or the walk is over. */
static bool take(struct tree *t, bool wait, struct batch **ret_b, uint32_t *ret_i) {
        for (;;) {
                struct batch *b = t->head;
                if (atomic_load(&t->stop))
                        return false;
                if (b) {
                        *ret_b = b;
                        *ret_i = b->taken++;
                        if (b->taken == b->n) {
                                t->head = b->next;
                                if (!t->head)
                                        t->tail = NULL;
                                t->nbatches--;
                        }
                        t->pending--;
                        return true;
                }
                if (t->done || !wait)
                        return false;
                pthread_cond_wait(&t->more, &t->lock);
        }
}

static void finish(struct batch *b) {
        if (atomic_fetch_sub(&b->left, 1) == 1)
                batch_free(b);
}

static void work(struct worker *w) {
        struct tree *t = w->t;
        struct batch *b;
        uint32_t i;

        for (;;) {
                pthread_mutex_lock(&t->lock);
                bool got = take(t, true, &b, &i);
                pthread_mutex_unlock(&t->lock);
                if (!got)
                        return;
                read_file(w, b, i);
                finish(b);
        }
}

static void *worker_main(void *arg) {
        work(arg);
        return NULL;
}

/* ---- the traverser ---------------------------------------------------------- */

/* Queue t->cur; while the queue is over its bounds, read files here. */
static int submit(struct tree *t) {
        struct batch *b = TAKE_PTR(t->cur);

        if (!b)
                return HULL_OK;
        if (b->n == 0) {
                batch_free(b);
                return HULL_OK;
        }
        atomic_init(&b->left, b->n);
        pthread_mutex_lock(&t->lock);
        if (atomic_load(&t->stop)) {
                int e = t->err;
                pthread_mutex_unlock(&t->lock);
                batch_free(b);
                return e;
        }
        if (t->tail)
                t->tail->next = b;
        else
                t->head = b;
        t->tail = b;
        t->nbatches++;
        t->pending += b->n;
        if (b->n > 1)
                pthread_cond_broadcast(&t->more);
        else
                pthread_cond_signal(&t->more);
        while (t->nbatches > QUEUE_BATCHES || t->pending > QUEUE_FILES) {
                struct batch *jb;
                uint32_t ji;
                if (!take(t, false, &jb, &ji))
                        break;
                pthread_mutex_unlock(&t->lock);
                read_file(&t->w[0], jb, ji);
                finish(jb);
                pthread_mutex_lock(&t->lock);
        }
        pthread_mutex_unlock(&t->lock);
        return stopped(t);
}

/* Add a file to the batch of dir (prefix t->disp), starting a new batch
 * when needed.  name[0..len) is opened relative to dir->fd. */
static int add_file(struct tree *t, struct dirref *dir, const char *name, size_t len, bool follow) {
        struct batch *b = t->cur;

        if (++t->found > HULL_MAX_TREE_FILES) {
                struct hull_diag d;
                hull_diag_init(&d);
                hull_diag_set(&d, HULL_ELIMIT, NULL, 0, 0, "more than %u files to read",
                              HULL_MAX_TREE_FILES);
                return fail(t, HULL_ELIMIT, &d);
        }
        if (b && (b->dir != dir || b->n == BATCH_FILES || b->nlen + len + 1 > sizeof(b->names))) {
                HULL_TRY(submit(t));
                b = NULL;
        }
        if (!b) {
                b = hull_malloc(sizeof(*b));
                if (!b)
                        return fail(t, HULL_ENOMEM, NULL);
                b->next = NULL;
                b->dir = dir;
                atomic_fetch_add(&dir->refs, 1);
                b->follow = follow;
                b->beneath = dir == t->root && t->ctx_root;
                b->n = b->taken = 0;
                b->plen = b->nlen = t->dlen;
                memcpy(b->names, t->disp, t->dlen);
                t->cur = b;
        }
        b->e[b->n].off = (uint32_t)b->nlen;
        b->e[b->n].len = (uint32_t)len;
        memcpy(b->names + b->nlen, name, len);
        b->names[b->nlen + len] = '\0';
        b->nlen += len + 1;
        b->n++;
        return HULL_OK;
}

/* The --skip matcher.  A glob without a '/' is matched against the base
 * name as well as the relative path: written "**" "/" glob, which is the
 * same thing in one match ("node_modules" at any depth; a literal becomes a
 * suffix test, no regexp).  A leading '/' anchors a glob to the root, as in
 * .gitignore ("/build").  The globs are checked as written first, so an
 * error names the user's text and its index. */
static int compile_skip(const char *const *globs, size_t n, struct hull_dockerignore **ret,
                        struct hull_diag *d) {
        _cleanup_(hull_dockerignore_freep) struct hull_dockerignore *plain = NULL;
        _cleanup_free_ char **v = NULL;
        size_t k = 0;
        int r = HULL_OK;

        HULL_TRY(hull_dockerignore_from_patterns(globs, n, &plain, d));
        v = new0(char *, n ? n : 1);
        if (!v)
                return HULL_ENOMEM;
        for (size_t i = 0; i < n; i++) {
                _cleanup_(hull_dockerignore_freep) struct hull_dockerignore *one = NULL;
                const struct hull_dockerignore_pattern *p;
                const char *g = globs[i];
                bool anchored;

                r = hull_dockerignore_from_patterns(&globs[i], 1, &one, d);
                if (r != HULL_OK)
                        goto out;
                p = hull_dockerignore_get(one, 0);
                if (!p)
                        continue; /* blank: skipped */
                while (*g == ' ' || *g == '\t' || *g == '!')
                        g++;
                anchored = *g == '/' || strchr(p->text, '/') || strcmp(p->text, ".") == 0 ||
                           strcmp(p->text, "..") == 0;
                v[k] = hull_malloc(p->len + 5);
                if (!v[k]) {
                        r = HULL_ENOMEM;
                        goto out;
                }
                /* patternmatcher.New keeps a leading '/' (only the ignore
                 * file reader drops it): drop it here */
                snprintf(v[k++], p->len + 5, "%s%s%s", p->exclusion ? "!" : "",
                         anchored ? "" : "**/",
                         p->text[0] == '/' && p->text[1] ? p->text + 1 : p->text);
        }
        r = hull_dockerignore_from_patterns((const char *const *)v, k, ret, d);
        if (r == HULL_OK)
                hull_dockerignore_set_budget(*ret, SKIP_STEPS);
out:
        for (size_t i = 0; i < k; i++)
                hull_free(v[i]);
        return r;
}

/* Whether --skip leaves out the entry at rel (relative to its root).  With
 * row (one byte per pattern), BuildKit's MatchesUsingParentResults: prow is
 * the parent directory's row (NULL at the top), row receives this entry's;
 * without, each parent directory is tried. */
static int skip_match(struct tree *t, const char *rel, const uint8_t *prow, uint8_t *row,
                      bool *ret) {
        struct hull_diag d;
        bool ex = false;
        int r;

        hull_diag_init(&d);
        if (row)
                r = hull_dockerignore_matches_parent(t->skip, rel, prow, row, &ex, &d);
        else
                r = hull_dockerignore_matches(t->skip, rel, &ex, &d);
        if (r != HULL_OK) {
                if (!d.file[0])
                        snprintf(d.file, sizeof(d.file), "--skip");
                return fail(t, r, &d);
        }
        *ret = ex;
        return HULL_OK;
}

static int walk_dir(struct tree *t, struct dirref *dr, const uint8_t *prow, unsigned depth);

/* Open subdirectory name of dr (t->rel/t->disp already name it). */
static int open_subdir(struct tree *t, struct dirref *dr, const char *name) {
        int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
        char rel[PATH_BYTES + 2];

        if (dr)
                return openat(dr->fd, name, flags);
        /* deep: from the root */
        memcpy(rel, t->rel, t->rlen - 1); /* without the final '/' */
        rel[t->rlen - 1] = '\0';
        return open_below(t->root->fd, rel, flags, true);
}

/* Walk the directory open at dr (t->disp and t->rel name it; prow is its
 * --skip row, NULL at the root); consumes the caller's reference to dr.
 * Subdirectories are walked after the directory's files are queued; subs
 * holds their names, each followed by its --skip row. */
static int walk_dir(struct tree *t, struct dirref *dr, const uint8_t *prow, unsigned depth) {
        struct hull_buf subs = HULL_BUF_INIT(SUBDIR_BYTES);
        struct hull_tree_stats *st = t->st;
        size_t dlen = t->dlen, rlen = t->rlen;
        char eb[128];
        int r = HULL_OK;

        for (;;) {
                ssize_t n = getdents64(dr->fd, t->dents, DENTS_BYTES);
                if (n < 0) {
                        st->unreadable++;
                        note(t, t->disp, "cannot read the directory: %s",
                             errstr(errno, eb, sizeof(eb)));
                        break;
                }
                if (n == 0)
                        break;
                for (ssize_t off = 0; off < n && r == HULL_OK;) {
                        struct dirent64 *de = (struct dirent64 *)(t->dents + off);
                        const char *name = de->d_name;
                        size_t len = strlen(name);
                        unsigned char type = de->d_type;

                        off += de->d_reclen;
                        if (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.')))
                                continue;
                        if (type == DT_UNKNOWN) {
                                struct stat sb;
                                if (fstatat(dr->fd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
                                        continue; /* vanished */
                                type = S_ISREG(sb.st_mode)   ? DT_REG
                                       : S_ISDIR(sb.st_mode) ? DT_DIR
                                       : S_ISLNK(sb.st_mode) ? DT_LNK
                                                             : DT_FIFO;
                        }
                        if (dlen + len + 1 > HULL_MAX_PATH_BYTES) {
                                st->unreadable++;
                                note(t, t->disp, "'%.64s...': path longer than %u bytes, not read",
                                     name, HULL_MAX_PATH_BYTES);
                                continue;
                        }
                        if (t->skip) {
                                bool ex;
                                memcpy(t->rel + rlen, name, len + 1);
                                r = skip_match(t, t->rel, prow, t->row, &ex);
                                t->rel[rlen] = '\0';
                                if (r != HULL_OK)
                                        break;
                                if (ex) {
                                        st->skipped_glob++;
                                        continue;
                                }
                        }
                        switch (type) {
                        case DT_REG: r = add_file(t, dr, name, len, false); break;
                        case DT_DIR:
                                r = hull_buf_put(&subs, name, len + 1);
                                if (r == HULL_OK && t->nrow)
                                        r = hull_buf_put(&subs, t->row, t->nrow);
                                if (r == HULL_ELIMIT) {
                                        struct hull_diag ld;
                                        hull_diag_init(&ld);
                                        hull_diag_set(&ld, HULL_ELIMIT, t->disp, 0, 0,
                                                      "'%s': subdirectory names over %llu bytes",
                                                      t->disp, (unsigned long long)SUBDIR_BYTES);
                                        r = fail(t, HULL_ELIMIT, &ld);
                                } else if (r != HULL_OK) {
                                        r = fail(t, r, NULL);
                                }
                                break;
                        case DT_LNK: st->symlinks++; break;
                        default: st->other++; break;
                        }
                }
                if (r != HULL_OK)
                        break;
        }
        if (r == HULL_OK)
                r = submit(t);
        /* deep in the tree: give the fd back now, reopen children from the root */
        if (depth >= FD_DEPTH) {
                dirref_put(dr);
                dr = NULL;
        }
        for (size_t off = 0; r == HULL_OK && off < subs.len;) {
                const char *name = subs.data + off;
                size_t len = strlen(name);
                const uint8_t *row = (const uint8_t *)name + len + 1;
                int fd;

                off += len + 1 + t->nrow;
                if ((r = stopped(t)) != HULL_OK)
                        break;
                memcpy(t->disp + dlen, name, len);
                t->disp[dlen + len] = '/';
                t->disp[dlen + len + 1] = '\0';
                t->dlen = dlen + len + 1;
                memcpy(t->rel + rlen, name, len);
                t->rel[rlen + len] = '/';
                t->rel[rlen + len + 1] = '\0';
                t->rlen = rlen + len + 1;
                fd = open_subdir(t, dr, name);
                if (fd < 0) {
                        if (errno != ENOENT && errno != ELOOP && errno != ENOTDIR &&
                            errno != EXDEV) {
                                st->unreadable++;
                                t->disp[t->dlen - 1] = '\0';
                                note(t, t->disp, "cannot open the directory: %s",
                                     errstr(errno, eb, sizeof(eb)));
                        } else if (errno == ELOOP || errno == EXDEV) {
                                st->symlinks++; /* replaced by a symlink since the listing */
                        }
                } else {
                        struct dirref *c = dirref_new(fd);
                        if (!c) {
                                close(fd);
                                r = fail(t, HULL_ENOMEM, NULL);
                        } else {
                                r = walk_dir(t, c, t->nrow ? row : NULL, depth + 1);
                        }
                }
                t->dlen = dlen;
                t->disp[dlen] = '\0';
                t->rlen = rlen;
                t->rel[rlen] = '\0';
        }
        hull_buf_release(&subs);
        dirref_put(dr);
        return r;
}

/* ---- build-context mode ------------------------------------------------------- */

static bool under_skipped_dir(struct tree *t, const char *path, size_t len) {
        if (!t->skipped_dir_len)
                return false;
        if (len > t->skipped_dir_len && memcmp(path, t->skipped_dir, t->skipped_dir_len) == 0 &&
            path[t->skipped_dir_len] == '/')
                return true;
        t->skipped_dir_len = 0; /* the walk is depth-first: we left that directory */
        return false;
}

static int context_entry(void *ud, const struct hull_walk_entry *e) {
        struct tree *t = ud;
        struct hull_tree_stats *st = t->st;
        bool ex = false;

        HULL_TRY(stopped(t));
        if (e->type == HULL_WALK_FILE) {
                struct stat sb;
                st->context_files++;
                if (fstatat(t->root->fd, e->path, &sb, AT_SYMLINK_NOFOLLOW) == 0)
                        st->context_bytes += (uint64_t)sb.st_size;
        }
        if (under_skipped_dir(t, e->path, e->len))
                return HULL_OK;
        if (t->skip) {
                HULL_TRY(skip_match(t, e->path, NULL, NULL, &ex));
                if (ex) {
                        st->skipped_glob++;
                        if (e->type == HULL_WALK_DIR && e->len <= HULL_MAX_PATH_BYTES) {
                                memcpy(t->skipped_dir, e->path, e->len);
                                t->skipped_dir_len = e->len;
                        }
                        return HULL_OK;
                }
        }
        switch (e->type) {
        case HULL_WALK_FILE:
                if (t->dlen + e->len > HULL_MAX_PATH_BYTES) {
                        st->unreadable++;
                        note(t, t->ctx_root, "'%.64s...': path longer than %u bytes, not read",
                             e->path, HULL_MAX_PATH_BYTES);
                        return HULL_OK;
                }
                return add_file(t, t->root, e->path, e->len, false);
        case HULL_WALK_DIR: break;
        case HULL_WALK_SYMLINK: st->symlinks++; break;
        case HULL_WALK_OTHER: st->other++; break;
        }
        return HULL_OK;
}

static int walk_context(struct tree *t, const char *root) {
        _cleanup_(hull_dockerignore_freep) struct hull_dockerignore *ig = NULL;
        struct hull_tree_stats *st = t->st;
        struct hull_walk_stats ws;
        struct hull_diag d;
        struct stat sb;
        char path[PATH_BYTES + 32];
        int r;

        hull_diag_init(&d);
        snprintf(path, sizeof(path), "%s.dockerignore", t->disp);
        if (fstatat(t->root->fd, ".dockerignore", &sb, 0) == 0) {
                _cleanup_free_ char *data = NULL;
                size_t len;
                r = hull_read_file(path, HULL_MAX_DOCKERIGNORE_BYTES, &data, &len, &d);
                if (r == HULL_OK)
                        r = hull_dockerignore_parse(data, len, path, &ig, &d);
                if (r != HULL_OK)
                        return fail(t, r, &d);
                st->context_dockerignore = true;
        } else if (errno != ENOENT) {
                hull_diag_errno(&d, HULL_EIO, errno, path, "cannot read '%s'", path);
                return fail(t, HULL_EIO, &d);
        }
        t->ctx_root = root;
        t->skipped_dir_len = 0;
        r = hull_dockerignore_walk(root, ig, HULL_MAX_TREE_FILES, context_entry, t, &ws, &d);
        if (r == HULL_OK)
                r = submit(t);
        t->ctx_root = NULL;
        st->context_excluded += ws.entries - ws.sent - ws.too_deep;
        if (ws.unreadable) {
                st->unreadable += ws.unreadable;
                note(t, root, "build context: %zu entries could not be read", ws.unreadable);
        }
        if (ws.too_deep) {
                st->unreadable += ws.too_deep;
                note(t, root,
                     "build context: %zu entries deeper than %u levels or %u bytes not read",
                     ws.too_deep, HULL_MAX_CONTEXT_DEPTH, HULL_MAX_PATH_BYTES);
        }
        if (r == HULL_OK && ws.truncated) {
                hull_diag_set(&d, HULL_ELIMIT, root, 0, 0,
                              "build context '%s': entry or .dockerignore matching limit reached",
                              root);
                r = HULL_ELIMIT;
        }
        if (r != HULL_OK)
                return fail(t, r, &d);
        return HULL_OK;
}

/* ---- roots -------------------------------------------------------------------- */

static int walk_root(struct tree *t, const char *root, bool context) {
        struct hull_tree_stats *st = t->st;
        size_t rl = strlen(root);
        struct stat sb;
        struct hull_diag d;
        int fd, r;

        hull_diag_init(&d);
        if (rl > HULL_MAX_PATH_BYTES) {
                hull_diag_set(&d, HULL_ELIMIT, NULL, 0, 0, "path longer than %u bytes: '%.64s...'",
                              HULL_MAX_PATH_BYTES, root);
                return fail(t, HULL_ELIMIT, &d);
        }
        /* a root given as a symlink is followed: the user named it */
        fd = open(root, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0 || fstat(fd, &sb) < 0) {
                int e = errno;
                if (fd >= 0)
                        close(fd);
                hull_diag_errno(&d, HULL_EIO, e, root, "cannot open '%s'", root);
                return fail(t, HULL_EIO, &d);
        }
        if (S_ISREG(sb.st_mode)) {
                close(fd);
                t->dlen = 0;
                t->disp[0] = '\0';
                return add_file(t, t->cwd, root, rl, true);
        }
        if (!S_ISDIR(sb.st_mode)) {
                close(fd);
                st->other++;
                note(t, root, "not a regular file or a directory, not read");
                return HULL_OK;
        }
        /* display prefix: the root as given, then '/' unless it ends in one */
        memcpy(t->disp, root, rl);
        t->dlen = rl;
        if (root[rl - 1] != '/')
                t->disp[t->dlen++] = '/';
        t->disp[t->dlen] = '\0';
        t->rlen = 0;
        t->rel[0] = '\0';
        t->root = dirref_new(fd);
        if (!t->root) {
                close(fd);
                return fail(t, HULL_ENOMEM, NULL);
        }
        if (context) {
                r = walk_context(t, root);
        } else {
                atomic_fetch_add(&t->root->refs, 1);
                r = walk_dir(t, t->root, NULL, 0);
        }
        dirref_put(t->root);
        t->root = NULL;
        return r;
}

unsigned hull_tree_threads(const struct hull_tree_opts *opts) {
        long n = opts && opts->threads ? (long)opts->threads : sysconf(_SC_NPROCESSORS_ONLN);
        if (n < 1)
                n = 1;
        return n > (long)MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

int hull_tree_walk(const char *const *roots, size_t n, const struct hull_tree_opts *opts,
                   const struct hull_tree_visitor *v, struct hull_tree_stats *stats,
                   struct hull_diag *d) {
        static const struct hull_tree_opts defaults;
        static const struct hull_tree_visitor none;
        struct timespec t0, t1;
        struct tree *t;
        int r = HULL_OK;

        clock_gettime(CLOCK_MONOTONIC, &t0);
        memset(stats, 0, sizeof(*stats));
        if (!opts)
                opts = &defaults;
        t = hull_calloc(1, sizeof(*t));
        if (!t)
                return HULL_ENOMEM;
        t->v = v ? v : &none;
        t->st = stats;
        t->max_file = opts->max_file_bytes ? opts->max_file_bytes : DEFAULT_MAX_FILE;
        t->nthreads = hull_tree_threads(opts);
        hull_diag_init(&t->ediag);
        pthread_mutex_init(&t->lock, NULL);
        pthread_mutex_init(&t->note_lock, NULL);
        pthread_cond_init(&t->more, NULL);
        atomic_init(&t->stop, false);

        if (opts->nskip) {
                struct hull_diag sd;
                hull_diag_init(&sd);
                r = compile_skip(opts->skip, opts->nskip, &t->skip, &sd);
                if (r != HULL_OK) {
                        if (!sd.file[0])
                                snprintf(sd.file, sizeof(sd.file), "--skip");
                        if (d && d->code == HULL_OK)
                                *d = sd;
                        goto out_free;
                }
                t->nrow = hull_dockerignore_count(t->skip);
                t->row = hull_calloc(t->nrow ? t->nrow : 1, 1);
                if (!t->row) {
                        r = HULL_ENOMEM;
                        goto out_free;
                }
        }
        t->dents = hull_malloc(DENTS_BYTES);
        t->w = new0(struct worker, t->nthreads);
        t->cwd = dirref_new(AT_FDCWD);
        if (!t->dents || !t->w || !t->cwd) {
                r = HULL_ENOMEM;
                goto out_free;
        }
        for (unsigned i = 0; i < t->nthreads; i++) {
                struct worker *w = &t->w[i];
                w->t = t;
                w->idx = i;
                hull_diag_init(&w->d);
                w->buf = hull_malloc(READ_BYTES);
                if (!w->buf) {
                        r = HULL_ENOMEM;
                        goto out_free;
                }
        }
        for (unsigned i = 1; i < t->nthreads; i++) {
                if (pthread_create(&t->w[i].th, NULL, worker_main, &t->w[i]) != 0)
                        break; /* fewer readers; still correct */
                t->w[i].started = true;
        }

        /* a root that is not there is the user's mistake: say so before
         * reading anything */
        for (size_t i = 0; i < n; i++) {
                struct stat sb;
                if (stat(roots[i], &sb) < 0) {
                        struct hull_diag rd;
                        hull_diag_init(&rd);
                        hull_diag_errno(&rd, HULL_EIO, errno, roots[i], "cannot open '%s'",
                                        roots[i]);
                        fail(t, HULL_EIO, &rd);
                        break;
                }
        }
        for (size_t i = 0; i < n && !atomic_load(&t->stop); i++)
                (void)walk_root(t, roots[i], opts->context);
        if (!atomic_load(&t->stop))
                (void)submit(t);

        /* the walk is over: the caller reads with the others, then waits */
        pthread_mutex_lock(&t->lock);
        t->done = true;
        pthread_cond_broadcast(&t->more);
        pthread_mutex_unlock(&t->lock);
        work(&t->w[0]);
        for (unsigned i = 1; i < t->nthreads; i++)
                if (t->w[i].started)
                        pthread_join(t->w[i].th, NULL);
        stats->threads = 1;
        for (unsigned i = 0; i < t->nthreads; i++) {
                struct worker *w = &t->w[i];
                stats->threads += w->started;
                stats->files += w->files;
                stats->bytes += w->bytes;
                stats->skipped_large += w->skipped_large;
                stats->unreadable += w->unreadable;
                stats->changed += w->changed;
                stats->symlinks += w->symlinks;
                stats->other += w->other;
        }
        r = t->err;
        if (r != HULL_OK && d && d->code == HULL_OK)
                *d = t->ediag;

out_free:
        /* batches left by a stop: every reader has returned, so none is in use */
        while (t->head) {
                struct batch *b = t->head;
                t->head = b->next;
                batch_free(b);
        }
        batch_free(t->cur);
        dirref_put(t->cwd);
        if (t->w)
                for (unsigned i = 0; i < t->nthreads; i++)
                        hull_free(t->w[i].buf);
        hull_free(t->w);
        hull_free(t->dents);
        hull_dockerignore_free(t->skip);
        hull_free(t->row);
        pthread_cond_destroy(&t->more);
        pthread_mutex_destroy(&t->note_lock);
        pthread_mutex_destroy(&t->lock);
        hull_free(t);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        stats->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        if (stats->threads == 0)
                stats->threads = 1;
        return r;
}
