/* test_tree.c - the parallel file-tree reader (src/secrets/tree.c).
 *
 * Each test builds a small tree under the program's temporary directory and
 * checks the exact set of (path, bytes) the visitor saw, with 1 and 4
 * threads, plus the stats and notes: symlinks (inside, outside, loops) are
 * never followed, fifos are not read, --skip globs prune, big files are
 * skipped with a note, build-context mode sends what hull_dockerignore_walk
 * sends, a file root is read as named, a missing root is HULL_EIO, a visitor
 * error stops the walk, files that grow or shrink while read are notes.
 * Unreadable files and directories need a non-root user: as root the test
 * checks that they are read, and checks the notes in a child that drops to
 * uid 65534 (skipped when that fails). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "basic/alloc.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "lint/dockerignore.h"
#include "secrets/tree.h"
#include "t.h"
#include "tutil.h"

/* ---- a visitor that records what it sees ------------------------------------ */

struct rec {
        char *path;
        uint64_t size, bytes;
};

struct wstate {
        struct rec *v;
        size_t n, cap;
        bool open; /* between begin and end */
        uint64_t bytes;
        char path[HULL_MAX_PATH_BYTES + 512];
        uint64_t size;
};

struct coll {
        unsigned nthreads;
        struct wstate *w;
        pthread_mutex_t note_lock;
        char notes[8192]; /* "path: msg\n" lines, in arrival order */
        bool protocol_error;
        atomic_int begins;
        int fail_at;        /* data() fails in the fail_at-th file begun (0: never) */
        const char *grow;   /* begin() appends to the file with this base name */
        const char *shrink; /* begin() truncates the file with this base name */
        const char *strip;  /* prefix removed from the recorded paths */
};

static const char *base_name(const char *p) {
        const char *s = strrchr(p, '/');
        return s ? s + 1 : p;
}

static int c_begin(void *ud, unsigned wi, const char *path, uint64_t size, struct hull_diag *d) {
        struct coll *c = ud;
        struct wstate *w;

        if (wi >= c->nthreads) {
                c->protocol_error = true;
                return HULL_EINTERNAL;
        }
        w = &c->w[wi];
        if (w->open)
                c->protocol_error = true;
        w->open = true;
        w->bytes = 0;
        w->size = size;
        snprintf(w->path, sizeof(w->path), "%s", path);
        atomic_fetch_add(&c->begins, 1);
        if (c->grow && strcmp(base_name(path), c->grow) == 0) {
                FILE *f = fopen(path, "ab");
                if (f) {
                        fputs("more bytes", f);
                        fclose(f);
                }
        }
        if (c->shrink && strcmp(base_name(path), c->shrink) == 0 && truncate(path, 3) != 0)
                c->protocol_error = true;
        return HULL_OK;
}

static int c_data(void *ud, unsigned wi, const void *buf, size_t n, struct hull_diag *d) {
        struct coll *c = ud;
        struct wstate *w = &c->w[wi];

        if (!w->open || n == 0)
                c->protocol_error = true;
        w->bytes += n;
        if (c->fail_at && strstr(w->path, "stop-here"))
                return hull_diag_set(d, HULL_EPARSE, w->path, 1, 1, "visitor refuses '%s'",
                                     w->path);
        return HULL_OK;
}

static int c_end(void *ud, unsigned wi, struct hull_diag *d) {
        struct coll *c = ud;
        struct wstate *w = &c->w[wi];
        const char *p = w->path;

        if (!w->open)
                c->protocol_error = true;
        w->open = false;
        if (w->n == w->cap) {
                w->cap = w->cap ? 2 * w->cap : 64;
                w->v = realloc(w->v, w->cap * sizeof(*w->v));
                if (!w->v)
                        exit(2);
        }
        if (c->strip && strncmp(p, c->strip, strlen(c->strip)) == 0)
                p += strlen(c->strip);
        w->v[w->n++] = (struct rec){strdup(p), w->size, w->bytes};
        return HULL_OK;
}

static void c_note(void *ud, const char *path, const char *msg) {
        struct coll *c = ud;
        size_t l = strlen(c->notes);

        /* the walker serialises notes: the lock here only checks that */
        if (pthread_mutex_trylock(&c->note_lock) != 0) {
                c->protocol_error = true;
                return;
        }
        if (c->strip && strncmp(path, c->strip, strlen(c->strip)) == 0)
                path += strlen(c->strip);
        snprintf(c->notes + l, sizeof(c->notes) - l, "%s: %s\n", path, msg);
        pthread_mutex_unlock(&c->note_lock);
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The walk's result: "path bytes" lines sorted, in a static buffer. */
static char result[1 << 16];

struct run {
        unsigned threads;
        uint64_t max;
        const char *const *skip;
        size_t nskip;
        bool context;
        int fail_at;
        const char *grow, *shrink;
        const char *strip; /* default: t_tmp() + "/" */
};

static int walk(const struct run *rn, const char *const *roots, size_t n,
                struct hull_tree_stats *st, struct hull_diag *d, char *notes, size_t notes_sz) {
        char strip[300];
        struct hull_tree_opts o = {.threads = rn->threads,
                                   .max_file_bytes = rn->max,
                                   .skip = rn->skip,
                                   .nskip = rn->nskip,
                                   .context = rn->context};
        struct coll c = {.nthreads = hull_tree_threads(&o),
                         .fail_at = rn->fail_at,
                         .grow = rn->grow,
                         .shrink = rn->shrink};
        struct hull_tree_visitor v = {
                .ud = &c, .begin = c_begin, .data = c_data, .end = c_end, .note = c_note};
        char **lines;
        size_t nl = 0, total = 0, off = 0;
        int r;

        snprintf(strip, sizeof(strip), "%s/", t_tmp());
        c.strip = rn->strip ? rn->strip : strip;
        pthread_mutex_init(&c.note_lock, NULL);
        c.w = calloc(c.nthreads, sizeof(*c.w));
        if (!c.w)
                exit(2);
        hull_diag_init(d);
        r = hull_tree_walk(roots, n, &o, &v, st, d);
        for (unsigned i = 0; i < c.nthreads; i++)
                total += c.w[i].n;
        lines = calloc(total + 1, sizeof(*lines));
        for (unsigned i = 0; i < c.nthreads; i++)
                for (size_t j = 0; j < c.w[i].n; j++) {
                        struct rec *e = &c.w[i].v[j];
                        char buf[HULL_MAX_PATH_BYTES + 600];
                        snprintf(buf, sizeof(buf), "%s %llu", e->path,
                                 (unsigned long long)e->bytes);
                        lines[nl++] = strdup(buf);
                        free(e->path);
                }
        qsort(lines, nl, sizeof(*lines), cmp_str);
        result[0] = '\0';
        for (size_t i = 0; i < nl; i++) {
                off += (size_t)snprintf(result + off,
                                        off < sizeof(result) ? sizeof(result) - off : 0, "%s%s",
                                        i ? "\n" : "", lines[i]);
                free(lines[i]);
        }
        free(lines);
        for (unsigned i = 0; i < c.nthreads; i++) {
                if (c.w[i].open)
                        c.protocol_error = true;
                free(c.w[i].v);
        }
        free(c.w);
        if (c.protocol_error)
                printf("# visitor protocol broken (begin/data/end order, worker index, notes)\n");
        T_TRUE(!c.protocol_error);
        if (notes)
                snprintf(notes, notes_sz, "%s", c.notes);
        /* stats agree with what the visitor saw */
        T_EQ(st->files, nl);
        T_EQ(st->threads <= hull_tree_threads(&o), 1);
        pthread_mutex_destroy(&c.note_lock);
        return r;
}

static void mk(const char *rel, const char *content) {
        char cmd[1200];
        snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", rel);
        if (t_sh("%s", cmd) != 0)
                exit(2);
        t_write_file(t_path("%s", rel), content, strlen(content));
}

static void mk_size(const char *rel, size_t n) {
        char *p = malloc(n ? n : 1);
        if (!p)
                exit(2);
        for (size_t i = 0; i < n; i++)
                p[i] = (char)('a' + i % 26);
        if (t_sh("mkdir -p \"$(dirname '%s')\"", rel) != 0)
                exit(2);
        t_write_file(t_path("%s", rel), p, n);
        free(p);
}

/* ---- the basic tree ---------------------------------------------------------- */

static void build_basic(void) {
        static bool done;
        if (done)
                return;
        done = true;
        mk("basic/a.txt", "hello");
        mk("basic/empty", "");
        mk("basic/sub/b.txt", "bbb");
        mk_size("basic/sub/deep/big.bin", 700000); /* several read() chunks */
        mk("basic/sub/deep/.hidden", "x");
        mk("basic/other dir/with space.txt", "spaced");
        if (t_sh("cd basic && ln -s a.txt link_in && ln -s /etc link_out && "
                 "ln -s loop2 loop1 && ln -s loop1 loop2 && ln -s .. sub/up && "
                 "mkfifo fifo") != 0)
                exit(2);
}

static const char basic_want[] = "basic/a.txt 5\n"
                                 "basic/empty 0\n"
                                 "basic/other dir/with space.txt 6\n"
                                 "basic/sub/b.txt 3\n"
                                 "basic/sub/deep/.hidden 1\n"
                                 "basic/sub/deep/big.bin 700000";

TEST(basic_tree) {
        struct hull_tree_stats st;
        struct hull_diag d;
        const char *root;
        char notes[4096];

        build_basic();
        root = t_path("basic");
        for (unsigned th = 1; th <= 4; th += 3) {
                struct run rn = {.threads = th};
                T_EQ(walk(&rn, &root, 1, &st, &d, notes, sizeof(notes)), HULL_OK);
                T_STREQ(result, basic_want);
                T_EQ(st.files, 6);
                T_EQ(st.bytes, 5 + 3 + 700000 + 1 + 6);
                T_EQ(st.symlinks, 5); /* link_in, link_out, loop1, loop2, sub/up */
                T_EQ(st.other, 1);    /* the fifo */
                T_EQ(st.skipped_glob, 0);
                T_EQ(st.skipped_large, 0);
                T_EQ(st.unreadable, 0);
                T_EQ(st.changed, 0);
                T_STREQ(notes, "");
                T_TRUE(st.threads >= 1 && st.threads <= th);
                T_TRUE(!st.context_dockerignore);
                T_EQ(st.context_files, 0);
        }
}

TEST(root_spelling) {
        /* the root as given: a trailing '/', "./", a relative path */
        struct hull_tree_stats st;
        struct hull_diag d;
        struct run rn = {.threads = 2, .strip = ""};
        char cwd[1024];
        const char *roots[1];

        build_basic();
        if (!getcwd(cwd, sizeof(cwd)) || chdir(t_path("basic/sub")) != 0) {
                T_FAIL_AT("chdir");
                return;
        }
        roots[0] = ".";
        T_EQ(walk(&rn, roots, 1, &st, &d, NULL, 0), HULL_OK);
        T_STREQ(result, "./b.txt 3\n./deep/.hidden 1\n./deep/big.bin 700000");
        roots[0] = "deep/";
        T_EQ(walk(&rn, roots, 1, &st, &d, NULL, 0), HULL_OK);
        T_STREQ(result, "deep/.hidden 1\ndeep/big.bin 700000");
        roots[0] = "b.txt";
        T_EQ(walk(&rn, roots, 1, &st, &d, NULL, 0), HULL_OK);
        T_STREQ(result, "b.txt 3");
        T_EQ(chdir(cwd), 0);
}

TEST(file_roots) {
        /* files named by the user: read as named, a symlink followed, --skip
         * not applied; several roots in one walk */
        struct hull_tree_stats st;
        struct hull_diag d;
        static const char *const skip[] = {"*.txt"};
        struct run rn = {.threads = 4, .skip = skip, .nskip = 1};
        const char *roots[3];
        char notes[1024];

        build_basic();
        roots[0] = t_path("basic/a.txt");
        roots[1] = t_path("basic/link_in");
        roots[2] = t_path("basic/fifo");
        T_EQ(walk(&rn, roots, 3, &st, &d, notes, sizeof(notes)), HULL_OK);
        T_STREQ(result, "basic/a.txt 5\nbasic/link_in 5");
        T_EQ(st.other, 1);
        T_STREQ(notes, "basic/fifo: not a regular file or a directory, not read\n");
        /* a directory and a file root together: --skip applies in the tree */
        roots[0] = t_path("basic/sub");
        roots[1] = t_path("basic/a.txt");
        T_EQ(walk(&rn, roots, 2, &st, &d, NULL, 0), HULL_OK);
        T_STREQ(result, "basic/a.txt 5\nbasic/sub/deep/.hidden 1\nbasic/sub/deep/big.bin 700000");
        T_EQ(st.skipped_glob, 1);
}

TEST(missing_root) {
        struct hull_tree_stats st;
        struct hull_diag d;
        struct run rn = {.threads = 2};
        const char *roots[2];
        char msg[1200];

        build_basic();
        roots[0] = t_path("basic/sub");
        roots[1] = t_path("no/such/dir");
        T_EQ(walk(&rn, roots, 2, &st, &d, NULL, 0), HULL_EIO);
        T_EQ(d.code, HULL_EIO);
        T_EQ(d.saved_errno, ENOENT);
        T_STREQ(d.file, roots[1]);
        T_TRUE(strstr(d.msg, roots[1]) != NULL);
        hull_diag_format(&d, msg, sizeof(msg));
        printf("# %s\n", msg);
        T_TRUE(strstr(msg, "no/such/dir") != NULL);
        T_EQ(st.files, 0); /* roots are checked before anything is read */
}

/* ---- skips -------------------------------------------------------------------- */

TEST(skip_globs) {
        static const char *const skip[] = {"node_modules", "**/*.min.js", "build/"};
        struct hull_tree_stats st;
        struct hull_diag d;
        const char *root;

        mk("skip/node_modules/x.js", "x");
        mk("skip/src/node_modules/y.js", "y");
        mk("skip/src/app.js", "app");
        mk("skip/src/app.min.js", "m");
        mk("skip/app.min.js", "m");
        mk("skip/build/out.txt", "o");
        mk("skip/src/build/o.txt", "o");
        mk("skip/buildx/k.txt", "kk");
        mk("skip/src/node_modules.txt", "n");
        root = t_path("skip");
        for (unsigned th = 1; th <= 4; th += 3) {
                struct run rn = {.threads = th, .skip = skip, .nskip = 3};
                T_EQ(walk(&rn, &root, 1, &st, &d, NULL, 0), HULL_OK);
                T_STREQ(result, "skip/buildx/k.txt 2\nskip/src/app.js 3\n"
                                "skip/src/node_modules.txt 1");
                /* node_modules, src/node_modules, app.min.js, src/app.min.js,
                 * build, src/build */
                T_EQ(st.skipped_glob, 6);
        }
        /* an exception re-includes what its own directory's walk meets */
        static const char *const skip2[] = {"*.js", "!app.js"};
        struct run rn = {.threads = 2, .skip = skip2, .nskip = 2};
        T_EQ(walk(&rn, &root, 1, &st, &d, NULL, 0), HULL_OK);
        T_STREQ(result, "skip/build/out.txt 1\nskip/buildx/k.txt 2\nskip/src/app.js 3\n"
                        "skip/src/build/o.txt 1\nskip/src/node_modules.txt 1");
        /* a leading '/' anchors at the root; blank globs are ignored */
        static const char *const skip3[] = {"/build", "", "  ", "/node_modules/", "src/*.js"};
        struct run r3 = {.threads = 3, .skip = skip3, .nskip = 5};
        T_EQ(walk(&r3, &root, 1, &st, &d, NULL, 0), HULL_OK);
        T_STREQ(result, "skip/app.min.js 1\nskip/buildx/k.txt 2\nskip/src/build/o.txt 1\n"
                        "skip/src/node_modules.txt 1\nskip/src/node_modules/y.js 1");
        T_EQ(st.skipped_glob, 4); /* build, node_modules, src/app.js, src/app.min.js */
        /* a glob Docker refuses */
        static const char *const bad[] = {"ok", "a[b"};
        struct run rb = {.threads = 2, .skip = bad, .nskip = 2};
        T_EQ(walk(&rb, &root, 1, &st, &d, NULL, 0), HULL_EPARSE);
        T_STREQ(d.file, "--skip");
        T_EQ(d.line, 2);
        T_EQ(st.files, 0);
}

TEST(max_file_bytes) {
        struct hull_tree_stats st;
        struct hull_diag d;
        const char *root;
        char notes[1024];

        mk_size("large/big", 2000);
        mk_size("large/limit", 1000);
        mk_size("large/small", 10);
        root = t_path("large");
        for (unsigned th = 1; th <= 4; th += 3) {
                struct run rn = {.threads = th, .max = 1000};
                T_EQ(walk(&rn, &root, 1, &st, &d, notes, sizeof(notes)), HULL_OK);
                T_STREQ(result, "large/limit 1000\nlarge/small 10");
                T_EQ(st.skipped_large, 1);
                T_EQ(st.bytes, 1010);
                T_STREQ(notes, "large/big: 2.0 KiB, larger than the 1000 bytes limit\n");
        }
}

TEST(size_changes) {
        /* a file that grows or shrinks between fstat and read: a note, the
         * bytes read are what the visitor saw */
        struct hull_tree_stats st;
        struct hull_diag d;
        const char *root;
        char notes[1024];
        struct run rn = {.threads = 1, .grow = "grow.txt", .shrink = "shrink.txt"};

        mk("change/grow.txt", "0123456789");
        mk("change/shrink.txt", "0123456789");
        root = t_path("change");
        T_EQ(walk(&rn, &root, 1, &st, &d, notes, sizeof(notes)), HULL_OK);
        T_STREQ(result, "change/grow.txt 20\nchange/shrink.txt 3");
        T_EQ(st.changed, 2);
        T_TRUE(strstr(notes, "change/grow.txt: changed size while read: 10 bytes at open, 20 "
                             "read\n") != NULL);
        T_TRUE(strstr(notes, "change/shrink.txt: changed size while read: 10 bytes at open, 3 "
                             "read\n") != NULL);
        /* growing past the limit: cut at the limit */
        mk("change2/grow.txt", "0123456789");
        root = t_path("change2");
        struct run rl = {.threads = 1, .grow = "grow.txt", .max = 15};
        T_EQ(walk(&rl, &root, 1, &st, &d, notes, sizeof(notes)), HULL_OK);
        T_STREQ(result, "change2/grow.txt 15");
        T_STREQ(notes, "change2/grow.txt: grew past the 15 bytes limit while read: first 15 "
                       "bytes read\n");
}

/* ---- unreadable files and directories ---------------------------------------- */

static void build_locked(void) {
        mk("locked/open.txt", "open");
        mk("locked/secret.txt", "secret");
        mk("locked/dir/inner.txt", "inner");
        mk("locked/dir2/ok.txt", "ok");
        if (t_sh("chmod 000 locked/secret.txt locked/dir") != 0)
                exit(2);
}

static void check_locked_as_user(void) {
        struct hull_tree_stats st;
        struct hull_diag d;
        const char *root = t_path("locked");
        char notes[1024];

        for (unsigned th = 1; th <= 4; th += 3) {
                struct run rn = {.threads = th};
                T_EQ(walk(&rn, &root, 1, &st, &d, notes, sizeof(notes)), HULL_OK);
                T_STREQ(result, "locked/dir2/ok.txt 2\nlocked/open.txt 4");
                T_EQ(st.unreadable, 2);
                T_TRUE(strstr(notes, "locked/secret.txt: cannot open: permission denied\n") !=
                       NULL);
                T_TRUE(strstr(notes, "locked/dir: cannot open the directory: permission "
                                     "denied\n") != NULL);
        }
}

TEST(unreadable) {
        build_locked();
        if (geteuid() != 0) {
                check_locked_as_user();
                T_EQ(t_sh("chmod 755 locked/dir && chmod 644 locked/secret.txt"), 0);
                return;
        }
        /* root reads through chmod 000 */
        struct hull_tree_stats st;
        struct hull_diag d;
        const char *root = t_path("locked");
        struct run rn = {.threads = 2};
        T_EQ(walk(&rn, &root, 1, &st, &d, NULL, 0), HULL_OK);
        T_STREQ(result, "locked/dir/inner.txt 5\nlocked/dir2/ok.txt 2\nlocked/open.txt 4\n"
                        "locked/secret.txt 6");
        T_EQ(st.unreadable, 0);
        /* and as nobody, in a child */
        if (chmod(t_tmp(), 0755) != 0) {
                T_FAIL_AT("chmod");
                return;
        }
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
                if (setgid(65534) != 0 || setuid(65534) != 0)
                        _exit(77);
                check_locked_as_user();
                fflush(stdout);
                _exit(t_failed ? 1 : 0);
        }
        int status = 0;
        T_TRUE(pid > 0 && waitpid(pid, &status, 0) == pid);
        T_TRUE(WIFEXITED(status));
        if (WEXITSTATUS(status) == 77)
                printf("# cannot become uid 65534: unreadable notes not checked\n");
        else
                T_EQ(WEXITSTATUS(status), 0);
        T_EQ(t_sh("chmod 755 locked/dir && chmod 644 locked/secret.txt"), 0);
}

/* ---- build-context mode -------------------------------------------------------- */

struct sent {
        char buf[4096];
        size_t files;
};

static int collect_sent(void *ud, const struct hull_walk_entry *e) {
        struct sent *s = ud;
        size_t l = strlen(s->buf);
        if (e->type != HULL_WALK_FILE)
                return HULL_OK;
        s->files++;
        snprintf(s->buf + l, sizeof(s->buf) - l, "%s%s", l ? "\n" : "", e->path);
        return HULL_OK;
}

/* result without the sizes and the prefix "ctx/", for comparing with what
 * hull_dockerignore_walk sends (both sorted by byte order) */
static const char *names_only(const char *prefix) {
        static char out[4096];
        size_t o = 0, pl = strlen(prefix);
        const char *p = result;

        out[0] = '\0';
        while (*p) {
                const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);
                const char *sp = end;
                while (sp > p && *sp != ' ')
                        sp--;
                if (strncmp(p, prefix, pl) == 0)
                        p += pl;
                o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%.*s", o ? "\n" : "",
                                      (int)(sp - p), p);
                p = nl ? nl + 1 : end;
        }
        return out;
}

TEST(build_context) {
        static const char ignore[] = "# what the build does not need\n"
                                     "*.log\n"
                                     "secrets\n"
                                     "!secrets/keep.txt\n"
                                     "node_modules\n"
                                     "**/*.tmp\n";
        struct hull_tree_stats st;
        struct hull_diag d;
        const char *root;
        char notes[1024];

        mk("ctx/.dockerignore", ignore);
        mk("ctx/Dockerfile", "FROM scratch\n");
        mk("ctx/app.log", "log");
        mk("ctx/src/x.log", "nested log");
        mk("ctx/src/main.c", "int main;");
        mk("ctx/src/a.tmp", "t");
        mk("ctx/secrets/a.txt", "aaaa");
        mk("ctx/secrets/keep.txt", "keep");
        mk("ctx/node_modules/m.js", "m");
        mk("ctx/src/node_modules/n.js", "n");
        if (t_sh("cd ctx && ln -s src link") != 0)
                exit(2);
        root = t_path("ctx");

        /* what BuildKit's walk sends */
        _cleanup_(hull_dockerignore_freep) struct hull_dockerignore *ig = NULL;
        struct hull_walk_stats ws;
        struct sent s = {.files = 0};
        hull_diag_init(&d);
        T_EQ(hull_dockerignore_parse(ignore, strlen(ignore), NULL, &ig, &d), HULL_OK);
        T_EQ(hull_dockerignore_walk(root, ig, 0, collect_sent, &s, &ws, &d), HULL_OK);
        T_STREQ(s.buf, ".dockerignore\nDockerfile\nsecrets/keep.txt\nsrc/main.c\n"
                       "src/node_modules/n.js\nsrc/x.log");

        for (unsigned th = 1; th <= 4; th += 3) {
                struct run rn = {.threads = th, .context = true};
                T_EQ(walk(&rn, &root, 1, &st, &d, notes, sizeof(notes)), HULL_OK);
                T_STREQ(names_only("ctx/"), s.buf);
                T_TRUE(st.context_dockerignore);
                T_EQ(st.context_files, s.files);
                T_EQ(st.context_bytes, strlen(ignore) + 13 + 4 + 9 + 1 + 10);
                T_EQ(st.context_excluded, ws.entries - ws.sent);
                T_EQ(st.symlinks, 1);
                T_STREQ(notes, "");
        }
        /* --skip on top: not read, still sent */
        static const char *const skip[] = {"node_modules", "*.log"};
        struct run rs = {.threads = 2, .context = true, .skip = skip, .nskip = 2};
        T_EQ(walk(&rs, &root, 1, &st, &d, NULL, 0), HULL_OK);
        T_STREQ(names_only("ctx/"), ".dockerignore\nDockerfile\nsecrets/keep.txt\nsrc/main.c");
        T_EQ(st.context_files, s.files);
        T_EQ(st.skipped_glob, 2); /* src/node_modules, src/x.log */
        /* without context mode everything is read */
        struct run rn = {.threads = 2};
        T_EQ(walk(&rn, &root, 1, &st, &d, NULL, 0), HULL_OK);
        T_EQ(st.files, 10);
        /* no .dockerignore: everything is sent */
        mk("ctx2/a", "a");
        mk("ctx2/d/b", "bb");
        root = t_path("ctx2");
        struct run rc = {.threads = 1, .context = true};
        T_EQ(walk(&rc, &root, 1, &st, &d, NULL, 0), HULL_OK);
        T_STREQ(result, "ctx2/a 1\nctx2/d/b 2");
        T_TRUE(!st.context_dockerignore);
        T_EQ(st.context_files, 2);
        T_EQ(st.context_bytes, 3);
        T_EQ(st.context_excluded, 0);
        /* a .dockerignore Docker refuses */
        mk("ctx3/.dockerignore", "ok\n!\n");
        root = t_path("ctx3");
        T_EQ(walk(&rc, &root, 1, &st, &d, NULL, 0), HULL_EPARSE);
        T_TRUE(strstr(d.file, "ctx3/.dockerignore") != NULL);
        T_EQ(d.line, 2);
}

/* ---- errors and limits ---------------------------------------------------------- */

TEST(visitor_error) {
        struct hull_tree_stats st;
        struct hull_diag d;
        const char *root;

        /* every file makes data() fail: each reading thread reads one at most */
        for (int i = 0; i < 40; i++) {
                char rel[64];
                snprintf(rel, sizeof(rel), "verr/d%02d/stop-here", i);
                mk(rel, "data");
        }
        root = t_path("verr");
        for (unsigned th = 1; th <= 4; th += 3) {
                struct run rn = {.threads = th, .fail_at = 1};
                T_EQ(walk(&rn, &root, 1, &st, &d, NULL, 0), HULL_EPARSE);
                T_EQ(d.code, HULL_EPARSE);
                T_TRUE(strstr(d.msg, "visitor refuses") != NULL);
                T_TRUE(strstr(d.file, "/stop-here") != NULL);
                T_TRUE(st.files >= 1 && st.files <= th);
        }
}

TEST(deep_tree) {
        /* deeper than the walker keeps fds for (children reopened from the
         * root), and a path longer than HULL_MAX_PATH_BYTES (a note) */
        struct hull_tree_stats st;
        struct hull_diag d;
        const char *root;
        char notes[8192], name[200];
        int fd;

        if (t_sh("mkdir -p deep") != 0)
                exit(2);
        fd = open(t_path("deep"), O_RDONLY | O_DIRECTORY);
        T_TRUE(fd >= 0);
        memset(name, 'n', 150);
        name[150] = '\0';
        for (int i = 0; i < 100 && fd >= 0; i++) {
                int nfd;
                const char *n = i < 70 ? "d" : name;
                if (i == 69 || i == 99) {
                        int f = openat(fd, "leaf.txt", O_WRONLY | O_CREAT, 0644);
                        T_TRUE(f >= 0 && write(f, "leaf", 4) == 4);
                        close(f);
                }
                (void)mkdirat(fd, n, 0755);
                nfd = openat(fd, n, O_RDONLY | O_DIRECTORY);
                close(fd);
                fd = nfd;
        }
        if (fd >= 0)
                close(fd);
        root = t_path("deep");
        struct run rn = {.threads = 2};
        T_EQ(walk(&rn, &root, 1, &st, &d, notes, sizeof(notes)), HULL_OK);
        char want[400];
        size_t wl = (size_t)snprintf(want, sizeof(want), "deep/");
        for (int i = 0; i < 69; i++)
                wl += (size_t)snprintf(want + wl, sizeof(want) - wl, "d/");
        snprintf(want + wl, sizeof(want) - wl, "leaf.txt 4");
        T_STREQ(result, want);
        T_EQ(st.unreadable, 1);
        T_TRUE(strstr(notes, "path longer than 4096 bytes, not read") != NULL);
        T_EQ(t_sh("rm -rf deep"), 0); /* nftw at exit cannot: paths past PATH_MAX */
}

TEST(threads) {
        struct hull_tree_opts o = {.threads = 0};
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        T_EQ(hull_tree_threads(&o), n < 1 ? 1 : n > 256 ? 256 : n);
        T_EQ(hull_tree_threads(NULL), hull_tree_threads(&o));
        o.threads = 3;
        T_EQ(hull_tree_threads(&o), 3);
        o.threads = 100000;
        T_EQ(hull_tree_threads(&o), 256);
        /* no visitor callbacks at all: a walk that only counts */
        struct hull_tree_visitor v = {0};
        struct hull_tree_stats st;
        struct hull_diag d;
        const char *root;
        build_basic();
        root = t_path("basic");
        hull_diag_init(&d);
        o.threads = 4;
        T_EQ(hull_tree_walk(&root, 1, &o, &v, &st, &d), HULL_OK);
        T_EQ(st.files, 6);
        T_EQ(st.bytes, 700015);
}

TEST(out_of_memory) {
        static const char *const skip[] = {"*.min.js", "!keep.min.js"};
        struct hull_tree_visitor v = {0};
        const char *roots[2];

        build_basic();
        mk("oom/.dockerignore", "*.log\n");
        mk("oom/a.log", "l");
        mk("oom/b/c.txt", "c");
        roots[0] = t_path("basic");
        roots[1] = t_path("oom");
        for (int ctx = 0; ctx < 2; ctx++)
                for (unsigned long n = 1; n < 80; n++) {
                        struct hull_tree_opts o = {
                                .threads = 2, .skip = skip, .nskip = 2, .context = ctx};
                        struct hull_tree_stats st;
                        struct hull_diag d;
                        hull_diag_init(&d);
                        hull_alloc_fail_after(n);
                        int r = hull_tree_walk(roots, 2, &o, &v, &st, &d);
                        hull_alloc_fail_after(0);
                        if (r != HULL_OK && r != HULL_ENOMEM)
                                printf("# n=%lu ctx=%d: %d %s\n", n, ctx, r, d.msg);
                        T_TRUE(r == HULL_OK || r == HULL_ENOMEM);
                }
}

T_MAIN()
