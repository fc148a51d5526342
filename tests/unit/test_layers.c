/* test_layers.c - src/image/layers.c: the layered file-system model.
 *
 * Entries are built in C (no tar).  dump() renders a view as one line:
 * "path:TYPE[*]ADDED[,CHANGED...][-DELETED]" per incarnation, in iteration
 * order; TYPE is f d l h c b p, "*" marks an implicit directory. */
#include "t.h"

#include <stdint.h>
#include <time.h>

#include "basic/alloc.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "image/layers.h"

/* the open layer of the model under test; lbump() closes it */
static unsigned cur;

static int add_full(struct hull_layers *L, enum hull_entry_type t, const char *path,
                    const char *link, uint64_t size, uint32_t mode) {
        struct hull_entry e = {
                .type = t,
                .path = path,
                .link = link,
                .size = size,
                .mode = mode,
                .layer = cur,
        };
        return hull_layers_add(L, &e, NULL);
}

#define ADD(t, p) T_OK(add_full(L, (t), (p), NULL, 0, (t) == HULL_ENTRY_DIR ? 0755 : 0644))
#define DIR_(p) ADD(HULL_ENTRY_DIR, p)
#define FILE_(p) ADD(HULL_ENTRY_FILE, p)
#define WH(p) ADD(HULL_ENTRY_WHITEOUT, p)
#define OPQ(p) ADD(HULL_ENTRY_OPAQUE, p)
#define SYM(p, target) T_OK(add_full(L, HULL_ENTRY_SYMLINK, (p), (target), 0, 0777))
#define HARD(p, target) T_OK(add_full(L, HULL_ENTRY_HARDLINK, (p), (target), 0, 0755))

static struct hull_layers *fresh(void) {
        struct hull_layers *L = NULL;
        cur = 0;
        if (hull_layers_new(&L) != HULL_OK)
                abort();
        return L;
}

static void lbump(struct hull_layers *L) {
        if (hull_layers_end_layer(L, cur, NULL) != HULL_OK)
                abort();
        cur++;
}

static char dumpbuf[1 << 16];

static const char *dump(struct hull_layers *L, enum hull_layers_view view) {
        static const char types[] = "fdlhcbp??";
        struct hull_layers_iter it;
        const struct hull_layers_node *n;
        char path[HULL_MAX_PATH_BYTES + 1];
        size_t o = 0;

        if (hull_layers_finish(L, NULL) != HULL_OK)
                return "(finish failed)";
        dumpbuf[0] = '\0';
        hull_layers_iter_init(&it, L, view);
        while ((n = hull_layers_iter_next(&it)) && o < sizeof(dumpbuf) - 200) {
                hull_layers_node_path(n, path, sizeof(path));
                o += (size_t)snprintf(dumpbuf + o, sizeof(dumpbuf) - o, "%s%s:%c%s%u", o ? " " : "",
                                      path, types[hull_layers_node_type(n)],
                                      (hull_layers_node_flags(n) & HULL_LAYERS_NODE_IMPLICIT) ? "*"
                                                                                              : "",
                                      hull_layers_node_added_in(n));
                for (size_t i = 0; i < hull_layers_node_nchanged(n); i++)
                        o += (size_t)snprintf(dumpbuf + o, sizeof(dumpbuf) - o, ",%u",
                                              hull_layers_node_changed_in(n, i));
                if (!hull_layers_node_present(n))
                        o += (size_t)snprintf(dumpbuf + o, sizeof(dumpbuf) - o, "-%u",
                                              hull_layers_node_deleted_in(n));
        }
        return dumpbuf;
}

static const struct hull_layers_node *look(struct hull_layers *L, const char *path, unsigned flags,
                                           int *ret_r) {
        const struct hull_layers_node *n = NULL;
        *ret_r = hull_layers_lookup(L, path, flags, &n, NULL);
        return *ret_r == HULL_OK ? n : NULL;
}

static char pathbuf[HULL_MAX_PATH_BYTES + 1];
static const char *path_of(const struct hull_layers_node *n) {
        if (!n)
                return "(null)";
        hull_layers_node_path(n, pathbuf, sizeof(pathbuf));
        return pathbuf;
}

TEST(additions_and_modifications) {
        struct hull_layers *L = fresh();
        const struct hull_layers_node *n;
        int r;

        DIR_("etc");
        T_OK(add_full(L, HULL_ENTRY_FILE, "etc/passwd", NULL, 100, 0644));
        DIR_("bin");
        T_OK(add_full(L, HULL_ENTRY_FILE, "bin/sh", NULL, 50, 0755));
        lbump(L);
        T_OK(add_full(L, HULL_ENTRY_FILE, "etc/passwd", NULL, 120, 0600));
        lbump(L);
        T_OK(add_full(L, HULL_ENTRY_FILE, "etc/passwd", NULL, 130, 04600));
        T_STREQ(dump(L, HULL_LAYERS_FINAL), "bin:d0 bin/sh:f0 etc:d0 etc/passwd:f0,1,2");
        n = look(L, "/etc/passwd", 0, &r);
        T_OK(r);
        T_EQ(hull_layers_node_size(n), 130);
        T_EQ(hull_layers_node_mode(n), 04600);
        T_EQ(hull_layers_node_last_layer(n), 2);
        T_EQ(hull_layers_node_deleted_in(n), HULL_LAYERS_NONE);
        T_STREQ(hull_layers_node_name(n), "passwd");
        T_TRUE(hull_layers_node_prev(n) == NULL);
        hull_layers_free(L);
}

TEST(whiteout_file_and_directory) {
        struct hull_layers *L = fresh();
        const struct hull_layers_node *n;
        int r;

        DIR_("etc");
        FILE_("etc/passwd");
        FILE_("etc/shadow");
        DIR_("a");
        DIR_("a/b");
        FILE_("a/b/c");
        lbump(L);
        WH("etc/shadow");
        WH("a");
        WH("nope");         /* absent: harmless */
        WH("nope/deeper");  /* absent parent: harmless */
        WH("etc/passwd/x"); /* parent not a directory: harmless */
        T_STREQ(dump(L, HULL_LAYERS_FINAL), "etc:d0 etc/passwd:f0");
        T_STREQ(dump(L, HULL_LAYERS_ALL),
                "a:d0-1 a/b:d0-1 a/b/c:f0-1 etc:d0 etc/passwd:f0 etc/shadow:f0-1");
        T_TRUE(look(L, "etc/shadow", 0, &r) == NULL);
        T_EQ(r, HULL_ENOTFOUND);
        T_OK(hull_layers_get(L, "a/b/c", &n));
        T_EQ(hull_layers_node_deleted_in(n), 1);
        T_EQ(hull_layers_get(L, "nope", &n), HULL_ENOTFOUND);
        T_EQ(hull_layers_get(L, "/a", &n), HULL_EINVAL);
        hull_layers_free(L);
}

TEST(opaque_lower_only_any_order) {
        /* layer.md's example: the marker after the new entries */
        struct hull_layers *L = fresh();
        DIR_("a");
        DIR_("a/b");
        DIR_("a/b/c");
        FILE_("a/b/c/bar");
        lbump(L);
        DIR_("a");
        DIR_("a/b");
        DIR_("a/b/c");
        FILE_("a/b/c/foo");
        OPQ("a");
        T_STREQ(dump(L, HULL_LAYERS_FINAL), "a:d0,1 a/b:d0,1 a/b/c:d0,1 a/b/c/foo:f1");
        T_STREQ(dump(L, HULL_LAYERS_ALL), "a:d0,1 a/b:d0,1 a/b/c:d0,1 a/b/c/bar:f0-1 a/b/c/foo:f1");
        hull_layers_free(L);

        /* the marker first: same view, and the new entries are new */
        L = fresh();
        DIR_("a");
        DIR_("a/b");
        DIR_("a/b/c");
        FILE_("a/b/c/bar");
        FILE_("a/keep");
        lbump(L);
        DIR_("a");
        OPQ("a");
        DIR_("a/b");
        DIR_("a/b/c");
        FILE_("a/b/c/foo");
        T_STREQ(dump(L, HULL_LAYERS_FINAL), "a:d0,1 a/b:d1 a/b/c:d1 a/b/c/foo:f1");
        T_STREQ(dump(L, HULL_LAYERS_ALL), "a:d0,1 a/b:d0-1 a/b:d1 a/b/c:d0-1 a/b/c:d1 "
                                          "a/b/c/bar:f0-1 a/b/c/foo:f1 a/keep:f0-1");
        hull_layers_free(L);

        /* an opaque directory hides nothing of its own layer, and a later
         * layer's marker hides it all */
        L = fresh();
        DIR_("d");
        FILE_("d/x");
        OPQ("d");
        FILE_("d/y");
        OPQ("d");
        lbump(L);
        OPQ("d");
        FILE_("d/z");
        T_STREQ(dump(L, HULL_LAYERS_ALL), "d:d0,1 d/x:f0-1 d/y:f0-1 d/z:f1");
        hull_layers_free(L);
}

TEST(opaque_creates_missing_dir_and_root) {
        struct hull_layers *L = fresh();
        FILE_("top");
        DIR_("x");
        FILE_("x/y");
        lbump(L);
        OPQ("m/n"); /* implicit m and m/n */
        FILE_("new");
        OPQ(""); /* root opaque: hides every lower file */
        T_STREQ(dump(L, HULL_LAYERS_ALL), "m:d*1 m/n:d*1 new:f1 top:f0-1 x:d0-1 x/y:f0-1");
        hull_layers_free(L);
}

TEST(whiteout_same_layer_survives) {
        struct hull_layers *L = fresh();
        FILE_("x");
        FILE_("y");
        lbump(L);
        FILE_("x"); /* rewritten in layer 1, then whited out in layer 1 */
        WH("x");
        WH("y"); /* y: whiteout before the entry */
        FILE_("y");
        FILE_("z"); /* only in layer 1 */
        WH("z");
        T_STREQ(dump(L, HULL_LAYERS_ALL), "x:f0,1 y:f0-1 y:f1 z:f1");
        hull_layers_free(L);

        /* a whiteout after same-layer entries below a lower directory */
        L = fresh();
        DIR_("a");
        FILE_("a/old");
        DIR_("a/s");
        FILE_("a/s/old");
        lbump(L);
        FILE_("a/s/new"); /* no "a/" entry: a is the lower directory */
        WH("a");
        WH("a"); /* again: nothing left to hide */
        T_STREQ(dump(L, HULL_LAYERS_FINAL), "a:d0,1 a/s:d0,1 a/s/new:f1");
        T_STREQ(dump(L, HULL_LAYERS_ALL), "a:d0,1 a/old:f0-1 a/s:d0,1 a/s/new:f1 a/s/old:f0-1");
        hull_layers_free(L);
}

TEST(replacement_dir_file) {
        struct hull_layers *L = fresh();
        DIR_("d");
        FILE_("d/a");
        DIR_("d/b");
        FILE_("d/b/c");
        FILE_("f");
        SYM("lib", "usr/lib");
        lbump(L);
        FILE_("d"); /* directory -> file: the subtree goes */
        DIR_("f");  /* file -> directory */
        FILE_("f/x");
        FILE_("lib/libc.so"); /* a symlink parent becomes a directory (overlayfs) */
        T_STREQ(dump(L, HULL_LAYERS_FINAL), "d:f1 f:d1 f/x:f1 lib:d*1 lib/libc.so:f1");
        T_STREQ(dump(L, HULL_LAYERS_ALL), "d:d0-1 d:f1 d/a:f0-1 d/b:d0-1 d/b/c:f0-1 f:f0-1 f:d1 "
                                          "f/x:f1 lib:l0-1 lib:d*1 lib/libc.so:f1");
        hull_layers_free(L);

        /* a non-directory replaced by another kind of non-directory is a change */
        L = fresh();
        FILE_("x");
        lbump(L);
        SYM("x", "y");
        T_STREQ(dump(L, HULL_LAYERS_ALL), "x:l0,1");
        hull_layers_free(L);
}

TEST(implicit_parents) {
        struct hull_layers *L = fresh();
        const struct hull_layers_node *n;
        int r;

        FILE_("x/y/z");
        FILE_("p");
        lbump(L);
        FILE_("p/q");
        DIR_("x"); /* named later: no longer implicit */
        T_STREQ(dump(L, HULL_LAYERS_ALL), "p:f0-1 p:d*1 p/q:f1 x:d0,1 x/y:d*0 x/y/z:f0");
        n = look(L, "x/y", 0, &r);
        T_OK(r);
        T_EQ(hull_layers_node_mode(n), 0755);
        T_EQ(hull_layers_node_flags(n), HULL_LAYERS_NODE_IMPLICIT);
        hull_layers_free(L);
}

TEST(recreated_after_deletion) {
        struct hull_layers *L = fresh();
        const struct hull_layers_node *n, *p;

        T_OK(add_full(L, HULL_ENTRY_FILE, "app/.env", NULL, 42, 0600));
        lbump(L);
        WH("app/.env");
        lbump(L);
        T_OK(add_full(L, HULL_ENTRY_FILE, "app/.env", NULL, 7, 0644));
        lbump(L);
        WH("app/.env");
        T_STREQ(dump(L, HULL_LAYERS_ALL), "app:d*0 app/.env:f0-1 app/.env:f2-3");
        T_STREQ(dump(L, HULL_LAYERS_FINAL), "app:d*0");
        T_OK(hull_layers_get(L, "app/.env", &n));
        T_EQ(hull_layers_node_added_in(n), 2);
        T_EQ(hull_layers_node_deleted_in(n), 3);
        p = hull_layers_node_prev(n);
        T_TRUE(p != NULL);
        if (p) {
                T_EQ(hull_layers_node_added_in(p), 0);
                T_EQ(hull_layers_node_deleted_in(p), 1);
                T_EQ(hull_layers_node_size(p), 42);
                T_EQ(hull_layers_node_mode(p), 0600);
                T_STREQ(path_of(p), "app/.env");
                T_TRUE(hull_layers_node_prev(p) == NULL);
        }
        hull_layers_free(L);
}

TEST(symlinks) {
        struct hull_layers *L = fresh();
        const struct hull_layers_node *n;
        char name[16], target[16];
        struct hull_diag d;
        int r;

        DIR_("usr");
        DIR_("usr/bin");
        FILE_("usr/bin/python3.11");
        SYM("usr/bin/python3", "python3.11");
        SYM("usr/bin/python", "/usr/bin/python3");
        SYM("bin", "usr/bin");
        DIR_("etc");
        FILE_("etc/passwd");
        SYM("up", "../../../../etc");
        SYM("loop1", "loop2");
        SYM("loop2", "loop1");
        SYM("self", "./self");
        SYM("empty", "");
        SYM("host", "/proc/self/cwd");
        SYM("dotdot", "usr/bin/..//./");
        /* c0 -> c1 -> ... -> c40 -> etc/passwd */
        for (int i = 0; i <= 40; i++) {
                snprintf(name, sizeof(name), "c%d", i);
                if (i < 40)
                        snprintf(target, sizeof(target), "c%d", i + 1);
                else
                        snprintf(target, sizeof(target), "etc/passwd");
                SYM(name, target);
        }
        T_OK(hull_layers_finish(L, NULL));

        n = look(L, "bin/python", HULL_LAYERS_FOLLOW, &r);
        T_STREQ(path_of(n), "usr/bin/python3.11");
        n = look(L, "bin/python", 0, &r); /* the last component stays */
        T_STREQ(path_of(n), "usr/bin/python");
        T_EQ(hull_layers_node_type(n), HULL_ENTRY_SYMLINK);
        T_STREQ(hull_layers_node_link(n), "/usr/bin/python3");
        n = look(L, "/up/passwd", 0, &r); /* ".." stops at the image root */
        T_STREQ(path_of(n), "etc/passwd");
        n = look(L, "../../../etc/./passwd", 0, &r);
        T_STREQ(path_of(n), "etc/passwd");
        /* ".." after a symlink is the target's parent (physical) */
        T_TRUE(look(L, "bin/../etc/passwd", 0, &r) == NULL);
        T_EQ(r, HULL_ENOTFOUND);
        n = look(L, "bin/../bin/python3.11", 0, &r);
        T_STREQ(path_of(n), "usr/bin/python3.11");
        n = look(L, "dotdot", HULL_LAYERS_FOLLOW, &r);
        T_STREQ(path_of(n), "usr");
        n = look(L, "bin", HULL_LAYERS_FOLLOW, &r);
        T_STREQ(path_of(n), "usr/bin");
        n = look(L, "", 0, &r);
        T_TRUE(n == hull_layers_root(L));
        n = look(L, "/", 0, &r);
        T_TRUE(n == hull_layers_root(L));

        hull_diag_init(&d);
        T_EQ(hull_layers_lookup(L, "loop1", HULL_LAYERS_FOLLOW, &n, &d), HULL_ELIMIT);
        T_TRUE(strstr(d.msg, "too many levels") != NULL);
        T_TRUE(look(L, "loop1/x", 0, &r) == NULL);
        T_EQ(r, HULL_ELIMIT);
        T_TRUE(look(L, "self", HULL_LAYERS_FOLLOW, &r) == NULL);
        T_EQ(r, HULL_ELIMIT);
        n = look(L, "loop1", 0, &r); /* not followed: the link itself */
        T_STREQ(path_of(n), "loop1");
        n = look(L, "c1", HULL_LAYERS_FOLLOW, &r); /* 40 hops */
        T_STREQ(path_of(n), "etc/passwd");
        T_TRUE(look(L, "c0", HULL_LAYERS_FOLLOW, &r) == NULL); /* 41 */
        T_EQ(r, HULL_ELIMIT);
        T_TRUE(look(L, "empty", HULL_LAYERS_FOLLOW, &r) == NULL);
        T_EQ(r, HULL_ENOTFOUND);
        T_TRUE(look(L, "host", HULL_LAYERS_FOLLOW, &r) == NULL); /* never the host's /proc */
        T_EQ(r, HULL_ENOTFOUND);
        T_TRUE(look(L, "etc/passwd/x", 0, &r) == NULL);
        T_EQ(r, HULL_ENOTFOUND);
        hull_layers_free(L);
}

TEST(hardlinks) {
        struct hull_layers *L = fresh();
        const struct hull_layers_node *n;
        struct hull_layers_stats st;
        struct hull_diag d;
        int r;

        DIR_("bin");
        T_OK(add_full(L, HULL_ENTRY_FILE, "bin/busybox", NULL, 1000, 04755));
        HARD("bin/ls", "bin/busybox");
        HARD("bin/cat", "bin/ls");   /* to a hard link: same inode */
        HARD("bin/bad", "bin/nope"); /* missing target: reported, not fatal */
        HARD("bin/dir", "bin");      /* a directory */
        HARD("bin/me", "bin/me");
        lbump(L);
        HARD("bin/later", "bin/busybox"); /* to a lower layer's file */
        T_OK(hull_layers_finish(L, NULL));
        hull_layers_stats(L, &st);
        T_EQ(st.broken_hardlinks, 3);

        n = look(L, "bin/ls", HULL_LAYERS_FOLLOW, &r);
        T_STREQ(path_of(n), "bin/busybox");
        T_EQ(hull_layers_node_mode(n), 04755);
        n = look(L, "bin/cat", HULL_LAYERS_FOLLOW, &r);
        T_STREQ(path_of(n), "bin/busybox");
        n = look(L, "bin/later", HULL_LAYERS_FOLLOW, &r);
        T_STREQ(path_of(n), "bin/busybox");
        n = look(L, "bin/ls", HULL_LAYERS_FOLLOW_SYMLINKS, &r);
        T_STREQ(path_of(n), "bin/ls");
        T_EQ(hull_layers_node_type(n), HULL_ENTRY_HARDLINK);
        T_EQ(hull_layers_node_flags(n), 0);
        T_STREQ(hull_layers_node_link(n), "bin/busybox");
        n = look(L, "bin/bad", 0, &r);
        T_TRUE(n && (hull_layers_node_flags(n) & HULL_LAYERS_NODE_BROKEN_LINK));
        hull_diag_init(&d);
        T_EQ(hull_layers_lookup(L, "bin/bad", HULL_LAYERS_FOLLOW, &n, &d), HULL_ENOTFOUND);
        T_TRUE(strstr(d.msg, "hard link to missing 'bin/nope'") != NULL);
        T_TRUE(look(L, "bin/dir", HULL_LAYERS_FOLLOW, &r) == NULL);
        T_EQ(r, HULL_ENOTFOUND);
        hull_layers_free(L);

        /* the target deleted later: still reported, not fatal */
        L = fresh();
        FILE_("a");
        HARD("b", "a");
        lbump(L);
        WH("a");
        T_TRUE(look(L, "b", HULL_LAYERS_FOLLOW, &r) == NULL);
        T_EQ(r, HULL_ENOTFOUND);
        n = look(L, "b", 0, &r);
        T_TRUE(n != NULL);
        hull_layers_free(L);
}

TEST(sorted_iteration) {
        struct hull_layers *L = fresh();
        FILE_("b");
        FILE_("a-c");
        FILE_("a/b/c");
        DIR_("a");
        FILE_("A");
        FILE_("a/b0");
        FILE_("\xc3\xa9");
        FILE_("a.");
        T_STREQ(dump(L, HULL_LAYERS_FINAL), "A:f0 a:d0 a/b:d*0 a/b/c:f0 a/b0:f0 a-c:f0 a.:f0 b:f0 "
                                            "\xc3\xa9:f0");
        hull_layers_free(L);
}

TEST(layer_stats) {
        struct hull_layers *L = fresh();
        struct hull_layers_layer_stats ls;
        struct hull_layers_stats st;

        DIR_("d");
        T_OK(add_full(L, HULL_ENTRY_FILE, "d/a", NULL, 100, 0644));
        T_OK(add_full(L, HULL_ENTRY_FILE, "d/b", NULL, 200, 0644));
        FILE_("d/c");
        lbump(L);
        T_OK(add_full(L, HULL_ENTRY_FILE, "d/a", NULL, 50, 0644));
        T_OK(add_full(L, HULL_ENTRY_FILE, "e", NULL, 300, 0644));
        WH("d/b");
        OPQ("d");
        lbump(L); /* an empty layer */
        lbump(L);
        T_OK(hull_layers_finish(L, NULL));

        T_OK(hull_layers_layer_stats(L, 0, &ls));
        T_EQ(ls.bytes_added, 300);
        T_EQ(ls.entries, 4);
        T_EQ(ls.added, 4);
        T_EQ(ls.changed, 0);
        T_EQ(ls.deleted, 0);
        T_OK(hull_layers_layer_stats(L, 1, &ls));
        T_EQ(ls.bytes_added, 350);
        T_EQ(ls.entries, 4);
        T_EQ(ls.added, 1);
        T_EQ(ls.changed, 2); /* d/a, and d (opaque) */
        T_EQ(ls.deleted, 2); /* d/b, d/c */
        T_EQ(ls.whiteouts, 1);
        T_EQ(ls.opaques, 1);
        T_OK(hull_layers_layer_stats(L, 2, &ls));
        T_EQ(ls.entries, 0);
        T_EQ(hull_layers_layer_stats(L, 9, &ls), HULL_ENOTFOUND);
        hull_layers_stats(L, &st);
        T_EQ(st.layers, 3);
        T_EQ(st.entries, 8);
        T_EQ(st.paths, 5);
        T_EQ(st.incarnations, 5);
        T_EQ(st.final_files, 3);
        T_EQ(st.final_bytes, 350);
        hull_layers_free(L);
}

TEST(bad_entries) {
        struct hull_layers *L = fresh();
        static const char *const bad[] = {"/a", "a/", "a//b", "./a", "a/../b", ".", "..", "a/."};
        struct hull_diag d;
        struct hull_entry e = {.type = HULL_ENTRY_FILE, .path = "x", .layer = 1};

        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                T_EQ(add_full(L, HULL_ENTRY_FILE, bad[i], NULL, 0, 0), HULL_EINVAL);
        T_EQ(add_full(L, HULL_ENTRY_FILE, ".wh.x", NULL, 0, 0), HULL_EPARSE);
        T_EQ(add_full(L, HULL_ENTRY_DIR, "a/.wh.b/c", NULL, 0, 0), HULL_EPARSE);
        T_EQ(add_full(L, HULL_ENTRY_OPAQUE, ".wh.b", NULL, 0, 0), HULL_EPARSE);
        T_OK(add_full(L, HULL_ENTRY_WHITEOUT, ".wh.b", NULL, 0, 0)); /* hides nothing */
        T_EQ(add_full(L, HULL_ENTRY_FILE, "", NULL, 0, 0), HULL_EINVAL);
        T_EQ(add_full(L, HULL_ENTRY_SYMLINK, "s", NULL, 0, 0), HULL_EINVAL);
        T_EQ(add_full(L, _HULL_ENTRY_TYPE_MAX, "s", NULL, 0, 0), HULL_EINVAL);
        hull_diag_init(&d);
        T_EQ(hull_layers_add(L, &e, &d), HULL_EINVAL); /* layer 1 while 0 is open */
        T_TRUE(strstr(d.msg, "layer 1 while layer 0") != NULL);
        T_EQ(hull_layers_end_layer(L, 3, NULL), HULL_EINVAL);
        T_OK(add_full(L, HULL_ENTRY_DIR, "", NULL, 0, 0700)); /* the root itself */
        T_EQ(hull_layers_node_mode(hull_layers_root(L)), 0700);
        T_STREQ(dump(L, HULL_LAYERS_ALL), "");
        T_EQ(add_full(L, HULL_ENTRY_FILE, "late", NULL, 0, 0), HULL_EINVAL); /* finished */
        hull_layers_free(L);
}

TEST(limits) {
        struct hull_layers *L = fresh();
        struct hull_diag d;
        char *longp;
        unsigned i;

        hull_layers_set_max_entries(L, 10);
        for (i = 0; i < 10; i++) {
                char p[16];
                snprintf(p, sizeof(p), "f%u", i);
                T_OK(add_full(L, HULL_ENTRY_FILE, p, NULL, 0, 0));
        }
        hull_diag_init(&d);
        T_EQ(add_full(L, HULL_ENTRY_FILE, "f10", NULL, 0, 0), HULL_ELIMIT);
        hull_layers_free(L);

        /* implicit parents count too */
        L = fresh();
        hull_layers_set_max_entries(L, 10);
        T_EQ(add_full(L, HULL_ENTRY_FILE, "a/b/c/d/e/f/g/h/i/j/k", NULL, 0, 0), HULL_ELIMIT);
        hull_layers_free(L);

        L = fresh();
        for (i = 0; i + 1 < HULL_MAX_IMAGE_LAYERS; i++)
                T_OK(hull_layers_end_layer(L, i, NULL));
        T_EQ(hull_layers_end_layer(L, i, NULL), HULL_ELIMIT);
        longp = malloc(HULL_MAX_PATH_BYTES + 2);
        memset(longp, 'a', HULL_MAX_PATH_BYTES + 1);
        longp[HULL_MAX_PATH_BYTES + 1] = '\0';
        cur = i;
        T_EQ(add_full(L, HULL_ENTRY_FILE, longp, NULL, 0, 0), HULL_ELIMIT);
        T_EQ(add_full(L, HULL_ENTRY_SYMLINK, "s", longp, 0, 0), HULL_ELIMIT);
        {
                const struct hull_layers_node *n;
                T_EQ(hull_layers_lookup(L, longp, 0, &n, NULL), HULL_ELIMIT);
        }
        hull_layers_free(L);

        /* the deepest path there can be: 2048 components */
        L = fresh();
        for (i = 0; i < HULL_MAX_PATH_BYTES; i += 2)
                longp[i] = 'a', longp[i + 1] = '/';
        longp[HULL_MAX_PATH_BYTES - 1] = '\0';
        T_OK(add_full(L, HULL_ENTRY_FILE, longp, NULL, 0, 0));
        lbump(L);
        WH("a");
        {
                const struct hull_layers_node *n;
                struct hull_layers_stats st;
                T_OK(hull_layers_finish(L, NULL));
                T_OK(hull_layers_get(L, longp, &n));
                T_EQ(hull_layers_node_path(n, NULL, 0), HULL_MAX_PATH_BYTES - 1);
                T_EQ(hull_layers_node_path(n, pathbuf, 10), HULL_MAX_PATH_BYTES - 1);
                T_STREQ(pathbuf, "");
                hull_layers_stats(L, &st);
                T_EQ(st.incarnations, HULL_MAX_PATH_BYTES / 2);
                T_EQ(st.final_files, 0);
        }
        free(longp);
        hull_layers_free(L);
}

/* Markers of one layer over wide directories stay linear. */
TEST(no_quadratic_markers) {
        struct hull_layers *L = fresh();
        struct timespec t0, t1;
        char p[32];
        unsigned i;

        clock_gettime(CLOCK_MONOTONIC, &t0);
        DIR_("d");
        for (i = 0; i < 50000; i++) {
                snprintf(p, sizeof(p), "d/f%u", i);
                FILE_(p);
        }
        lbump(L);
        FILE_("d/new");
        for (i = 0; i < 50000; i++) {
                WH("d");
                OPQ("d");
        }
        lbump(L);
        for (i = 0; i < 50000; i++) {
                snprintf(p, sizeof(p), "d/g%u", i);
                FILE_(p);
        }
        for (i = 0; i < 50000; i++)
                OPQ("d");
        clock_gettime(CLOCK_MONOTONIC, &t1);
        /* no timed assertion (shared machines are noisy): printed for the log;
         * a quadratic walk would blow the suite's timeout instead */
        printf("# 150,000 markers and files: %.2f s\n",
               (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
        T_OK(hull_layers_finish(L, NULL));
        {
                struct hull_layers_stats st;
                hull_layers_stats(L, &st);
                T_EQ(st.final_files, 50001); /* d and d/g*: layer 2's marker hid d/new */
        }
        hull_layers_free(L);
}

TEST(million_entries) {
        struct hull_layers *L = fresh();
        struct hull_layers_stats st;
        struct hull_layers_iter it;
        const struct hull_layers_node *n;
        struct timespec t0, t1;
        char p[64];
        double secs;
        size_t count = 0;
        int r;

        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (unsigned dir = 0; dir < 1000; dir++) {
                snprintf(p, sizeof(p), "usr/share/d%03u", dir);
                T_OK(add_full(L, HULL_ENTRY_DIR, p, NULL, 0, 0755));
                for (unsigned f = 0; f < 999; f++) {
                        snprintf(p, sizeof(p), "usr/share/d%03u/file-%06u.txt", dir, f);
                        if (add_full(L, HULL_ENTRY_FILE, p, NULL, f, 0644) != HULL_OK)
                                T_FAIL_AT("add %s", p);
                }
        }
        T_OK(hull_layers_end_layer(L, 0, NULL));
        T_OK(hull_layers_finish(L, NULL));
        clock_gettime(CLOCK_MONOTONIC, &t1);
        secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        hull_layers_stats(L, &st);
        T_EQ(st.entries, 1000000);
        T_EQ(st.final_files, 1000002);
        printf("# 1M entries: %.2f s, arena %.1f bytes/entry, heap %.1f bytes/entry\n", secs,
               (double)st.arena_bytes / (double)st.entries,
               (double)st.heap_bytes / (double)st.entries);
        T_TRUE(st.arena_bytes / st.entries < 160);
        T_TRUE((st.arena_bytes + st.heap_bytes) / st.entries < 200);

        hull_layers_iter_init(&it, L, HULL_LAYERS_FINAL);
        while ((n = hull_layers_iter_next(&it)))
                count++;
        T_EQ(count, 1000002);
        n = look(L, "/usr/share/d999/file-000998.txt", 0, &r);
        T_TRUE(n && hull_layers_node_size(n) == 998);
        hull_layers_free(L);
}

/* One scenario touching every allocating path; HULL_ENOMEM anywhere must
 * leave a model that frees cleanly (ASan/valgrind check the leaks). */
static int scenario(struct hull_layers **ret) {
        struct hull_layers *L = NULL;
        char p[64];
        int r;

#define S(t, path, link)                                                                           \
        do {                                                                                       \
                if ((r = add_full(L, (t), (path), (link), 1, 0644)) != HULL_OK)                    \
                        goto out;                                                                  \
        } while (0)
#define END()                                                                                      \
        do {                                                                                       \
                if ((r = hull_layers_end_layer(L, cur, NULL)) != HULL_OK)                          \
                        goto out;                                                                  \
                cur++;                                                                             \
        } while (0)

        cur = 0;
        r = hull_layers_new(&L);
        if (r != HULL_OK)
                return r;
        for (unsigned i = 0; i < 3000; i++) {
                snprintf(p, sizeof(p), "d%u/e/f%u", i % 7, i);
                S(HULL_ENTRY_FILE, p, NULL);
        }
        S(HULL_ENTRY_SYMLINK, "s", "d1/e");
        S(HULL_ENTRY_HARDLINK, "h", "s/f1");
        END();
        for (unsigned l = 0; l < 12; l++) {
                S(HULL_ENTRY_WHITEOUT, "d1", NULL);
                S(HULL_ENTRY_OPAQUE, "d2", NULL);
                S(HULL_ENTRY_FILE, "d3", NULL);
                S(HULL_ENTRY_DIR, "d4", NULL);
                S(HULL_ENTRY_FILE, "d1/e/f1", NULL);
                S(HULL_ENTRY_FILE, "h", NULL);
                END();
        }
        r = hull_layers_finish(L, NULL);
out:
        if (r == HULL_OK)
                *ret = L;
        else
                hull_layers_free(L);
        return r;
#undef S
#undef END
}

TEST(allocation_failures) {
        struct hull_layers *L = NULL;
        char expect[1 << 12];
        unsigned long n;
        int r;

        T_OK(scenario(&L));
        snprintf(expect, sizeof(expect), "%s", dump(L, HULL_LAYERS_ALL) + 0);
        /* keep the head only: the dump is long */
        expect[2000] = '\0';
        hull_layers_free(L);
        for (n = 1; n < 10000; n++) {
                L = NULL;
                hull_alloc_fail_after(n);
                r = scenario(&L);
                hull_alloc_fail_after(0);
                if (r == HULL_OK)
                        break;
                if (r != HULL_ENOMEM)
                        T_FAIL_AT("allocation %lu: %s", n, hull_strerror(r));
        }
        T_TRUE(L != NULL);
        if (L) {
                char got[1 << 12];
                snprintf(got, sizeof(got), "%s", dump(L, HULL_LAYERS_ALL));
                got[2000] = '\0';
                T_STREQ(got, expect);
                hull_layers_free(L);
        }
        printf("# allocation failures: %lu allocations injected\n", n - 1);
}

T_MAIN()
