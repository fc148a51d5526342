/* image.c - open an image reference: docker-archive, OCI layout directory,
 * OCI archive (image.h).
 *
 * Two layers.  Below, a blob store (struct store): find a blob by its path
 * in the archive or layout ("manifest.json", "blobs/sha256/<hex>"), read a
 * small one whole, hand out a source over a big one.  Two stores exist: an
 * outer-tar index (archive.h; the blob is a window of the archive file) and
 * an OCI layout directory (every path opened beneath the directory's fd,
 * component by component, with O_NOFOLLOW: a symlink inside the layout is
 * refused, so nothing outside it is ever read).  A registry is one more
 * store.  Above, the two readers of image metadata: docker-archive
 * (manifest.json -> config -> layer paths) and OCI (oci-layout ->
 * index.json -> nested indexes -> manifest -> config -> layer digests).
 *
 * Everything the image hands out lives in its arena; the store and its fd
 * live in priv until hull_image_free(). */
#include "image/image.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/err.h"
#include "basic/limits.h"
#include "image/archive.h"

/* ---- blob stores ---- */

struct blob {
        const char *path; /* in the store: member name or path under the directory */
        uint64_t size;
        const struct hull_archive_member *m; /* archive stores */
};

struct store;

struct store_ops {
        const char *kind; /* "archive", "directory" */
        /* Find path.  HULL_ENOTFOUND without touching d when it is absent, so
         * the caller can say who wanted it; other errors fill d. */
        int (*locate)(const struct store *s, struct hull_arena *a, const char *path,
                      struct blob *ret, struct hull_diag *d);
        /* A new source over b (of b->size bytes), named name.  Thread-safe. */
        int (*source)(const struct store *s, const struct blob *b, const char *name,
                      struct hull_source **ret, struct hull_diag *d);
        void (*close)(struct store *s);
};

struct store {
        const struct store_ops *ops;
        const char *name; /* the archive or directory, for messages */
        char sep;         /* ':' between an archive and a member, '/' for a directory */
        struct hull_archive *arc;
        int fd; /* the archive file, or the layout directory; -1 if none */
};

/* -- archive store -- */

static int arc_locate(const struct store *s, struct hull_arena *a, const char *path,
                      struct blob *ret, struct hull_diag *d) {
        const struct hull_archive_member *m;
        int r = hull_archive_resolve(s->arc, path, &m, d);

        if (r)
                return r;
        *ret = (struct blob){.path = m->name, .size = m->size, .m = m};
        return HULL_OK;
}

static int arc_source(const struct store *s, const struct blob *b, const char *name,
                      struct hull_source **ret, struct hull_diag *d) {
        return hull_archive_source(s->arc, b->m, name, ret, d);
}

static void arc_close(struct store *s) {
        s->arc = hull_archive_free(s->arc);
        if (s->fd >= 0)
                (void)close(s->fd);
        s->fd = -1;
}

static const struct store_ops archive_ops = {
        .kind = "archive",
        .locate = arc_locate,
        .source = arc_source,
        .close = arc_close,
};

/* -- directory store -- */

/* Open rel (a relative path of plain components) beneath dirfd without
 * following any symlink.  Returns an fd, or -1 with *ret_err: ENOENT,
 * ELOOP (a symlink on the way), or what open said. */
static int open_beneath(int dirfd, const char *rel, int *ret_err) {
        char buf[HULL_MAX_PATH_BYTES + 1], *p = buf;
        int dfd = dirfd, fd;

        if (strlen(rel) >= sizeof(buf)) {
                *ret_err = ENAMETOOLONG;
                return -1;
        }
        snprintf(buf, sizeof(buf), "%s", rel);
        for (;;) {
                char *slash = strchr(p, '/');
                bool last = !slash;
                struct stat st;

                if (slash)
                        *slash = '\0';
                if (!*p || strcmp(p, ".") == 0 || strcmp(p, "..") == 0) {
                        *ret_err = EINVAL;
                        fd = -1;
                } else {
                        fd = openat(dfd, p,
                                    last ? O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK
                                         : O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_DIRECTORY);
                        if (fd < 0) {
                                *ret_err = errno;
                                /* O_NOFOLLOW|O_DIRECTORY may say ENOTDIR for a symlink */
                                if (fstatat(dfd, p, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                                    S_ISLNK(st.st_mode))
                                        *ret_err = ELOOP;
                        }
                }
                if (dfd != dirfd)
                        (void)close(dfd);
                if (fd < 0 || last)
                        return fd;
                dfd = fd;
                p = slash + 1;
        }
}

static int dir_open(const struct store *s, const char *path, int *ret_fd, struct stat *st,
                    struct hull_diag *d) {
        char qa[120];
        int err = 0, fd = open_beneath(s->fd, path, &err);

        if (fd < 0) {
                if (err == ENOENT || err == ENOTDIR)
                        return HULL_ENOTFOUND;
                if (err == ELOOP)
                        return hull_diag_set(d, HULL_EUNSUPPORTED, s->name, 0, 0,
                                             "%s: %s: a symlink on the way; symlinks inside an "
                                             "OCI layout are not followed",
                                             s->name, hull_archive_quote(qa, sizeof(qa), path));
                return hull_diag_errno(d, HULL_EIO, err, s->name, "%s: cannot open %s", s->name,
                                       hull_archive_quote(qa, sizeof(qa), path));
        }
        if (fstat(fd, st) < 0) {
                int e = errno;
                (void)close(fd);
                return hull_diag_errno(d, HULL_EIO, e, s->name, "%s: cannot stat %s", s->name,
                                       hull_archive_quote(qa, sizeof(qa), path));
        }
        if (!S_ISREG(st->st_mode)) {
                (void)close(fd);
                return hull_diag_set(d, HULL_EUNSUPPORTED, s->name, 0, 0,
                                     "%s: %s is not a regular file", s->name,
                                     hull_archive_quote(qa, sizeof(qa), path));
        }
        /* O_NONBLOCK was only there so that a FIFO could not block the open */
        (void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        *ret_fd = fd;
        return HULL_OK;
}

static int dir_locate(const struct store *s, struct hull_arena *a, const char *path,
                      struct blob *ret, struct hull_diag *d) {
        struct stat st;
        const char *p;
        int fd;

        HULL_TRY(dir_open(s, path, &fd, &st, d));
        (void)close(fd);
        if (!(p = hull_arena_strdup(a, path)))
                return hull_diag_set(d, HULL_ENOMEM, s->name, 0, 0, "out of memory");
        *ret = (struct blob){.path = p, .size = (uint64_t)st.st_size};
        return HULL_OK;
}

static int dir_source(const struct store *s, const struct blob *b, const char *name,
                      struct hull_source **ret, struct hull_diag *d) {
        struct stat st;
        char qa[120];
        int fd, r = dir_open(s, b->path, &fd, &st, d);

        if (r == HULL_ENOTFOUND)
                return hull_diag_set(d, r, name, 0, 0, "%s: %s has disappeared", s->name,
                                     hull_archive_quote(qa, sizeof(qa), b->path));
        if (r)
                return r;
        return hull_source_new_fd(ret, fd, 0, b->size, true, name, d);
}

static void dir_close(struct store *s) {
        if (s->fd >= 0)
                (void)close(s->fd);
        s->fd = -1;
}

static const struct store_ops dir_ops = {
        .kind = "directory",
        .locate = dir_locate,
        .source = dir_source,
        .close = dir_close,
};

/* ---- the image ---- */

struct hull_image_private {
        struct store store;
        struct blob *blobs;        /* per layer */
        const char **source_names; /* per layer: "img.tar:blobs/sha256/ab…" */
};

struct ctx {
        struct hull_image *img;
        struct store *st;
        struct hull_arena *a;
        const struct hull_image_opts *opts;
        struct hull_diag *d;
        const struct hull_oci_platform *want; /* always set (the host's by default) */
        bool platform_chosen;                 /* an index entry was picked for want */
};

static int nomem(struct ctx *c) {
        return hull_diag_set(c->d, HULL_ENOMEM, c->st->name, 0, 0, "out of memory");
}

static const char *astrdup(struct ctx *c, const char *s) {
        return s ? hull_arena_strdup(c->a, s) : NULL;
}

/* "ARCHIVE:path" or "DIR/path", in the arena. */
static const char *doc_name(struct ctx *c, const char *path) {
        size_t n = strlen(c->st->name) + strlen(path) + 2;
        char *p = hull_arena_alloc(c->a, n);

        if (p)
                snprintf(p, n, "%s%c%s", c->st->name, c->st->sep, path);
        return p;
}

/* "sha256:<hex>" -> "blobs/sha256/<hex>" (digests are checked by oci.c:
 * no '/' or '.' can be in them). */
static const char *blob_path(struct ctx *c, const char *digest) {
        const char *colon = strchr(digest, ':');
        size_t n = strlen(digest) + 8;
        char *p;

        if (!colon || !(p = hull_arena_alloc(c->a, n)))
                return NULL;
        snprintf(p, n, "blobs/%.*s/%s", (int)(colon - digest), digest, colon + 1);
        return p;
}

/* Locate path; when absent, HULL_ENOTFOUND with "STORE: WHO: WHAT is missing". */
static int locate(struct ctx *c, const char *path, struct blob *ret, const char *who,
                  const char *what) {
        struct hull_diag tmp;
        int r;

        hull_diag_init(&tmp);
        r = c->st->ops->locate(c->st, c->a, path, ret, &tmp);
        if (r == HULL_ENOTFOUND && tmp.code == HULL_OK) {
                const char *note = c->st->arc && !hull_archive_complete(c->st->arc)
                                           ? " (the archive has no end-of-archive marker: "
                                             "truncated?)"
                                           : "";
                return hull_diag_set(c->d, HULL_ENOTFOUND, c->st->name, 0, 0,
                                     "%s: %s%s%s is missing from the %s%s", c->st->name,
                                     who ? who : "", who ? ": " : "", what, c->st->ops->kind, note);
        }
        if (r && c->d && c->d->code == HULL_OK)
                *c->d = tmp;
        return r;
}

/* Read blob b whole (at most max bytes), NUL-terminated, into the arena. */
static int read_whole(struct ctx *c, const struct blob *b, size_t max, const char *name, char **ret,
                      size_t *ret_len) {
        _cleanup_(hull_source_freep) struct hull_source *src = NULL;
        size_t got = 0;
        char *p;

        if (b->size > max)
                return hull_diag_set(c->d, HULL_ELIMIT, name, 0, 0,
                                     "%s: %llu bytes, more than the limit of %zu", name,
                                     (unsigned long long)b->size, max);
        if (!(p = hull_arena_alloc(c->a, (size_t)b->size + 1)))
                return nomem(c);
        HULL_TRY(c->st->ops->source(c->st, b, name, &src, c->d));
        while (got < b->size) {
                size_t n;
                HULL_TRY(hull_source_read(src, p + got, (size_t)b->size - got, &n));
                if (n == 0)
                        break; /* the source reports a short file as truncated */
                got += n;
        }
        p[got] = '\0';
        *ret = p;
        *ret_len = got;
        return HULL_OK;
}

/* The "<alg>:<hex>" digest of data for alg "sha256" or "sha512" into out. */
static bool compute_digest(const char *alg, const void *data, size_t n, char *out, size_t outsz) {
        const EVP_MD *md = strcmp(alg, "sha256") == 0   ? EVP_sha256()
                           : strcmp(alg, "sha512") == 0 ? EVP_sha512()
                                                        : NULL;
        unsigned char dg[EVP_MAX_MD_SIZE];
        unsigned len = 0;
        size_t o;

        if (!md || !EVP_Digest(data, n, dg, &len, md, NULL))
                return false;
        o = (size_t)snprintf(out, outsz, "%s:", alg);
        for (unsigned i = 0; i < len && o + 3 <= outsz; i++)
                o += (size_t)snprintf(out + o, outsz - o, "%02x", dg[i]);
        return true;
}

/* Check data against digest ("sha256:…" or "sha512:…").  HULL_ECORRUPT on
 * a mismatch, HULL_EUNSUPPORTED for another algorithm. */
static int verify_digest(struct ctx *c, const char *name, const char *what, const char *digest,
                         const void *data, size_t n) {
        char alg[32], got[200];
        const char *colon = strchr(digest, ':');

        if (!colon || (size_t)(colon - digest) >= sizeof(alg))
                return hull_diag_set(c->d, HULL_EPARSE, name, 0, 0, "%s: bad digest '%s'", name,
                                     digest);
        snprintf(alg, sizeof(alg), "%.*s", (int)(colon - digest), digest);
        if (!compute_digest(alg, data, n, got, sizeof(got)))
                return hull_diag_set(c->d, HULL_EUNSUPPORTED, name, 0, 0,
                                     "%s: cannot verify %s: digest algorithm '%s'", name, what,
                                     alg);
        if (strcmp(got, digest) != 0)
                return hull_diag_set(c->d, HULL_ECORRUPT, name, 0, 0,
                                     "%s: %s digest mismatch: expected %s, got %s", name, what,
                                     digest, got);
        return HULL_OK;
}

/* Read the blob of descriptor desc (a manifest, index or config of at most
 * max bytes), check size and digest unless skip_verify.  who names the
 * referrer for messages ("index.json: manifests[0]"). */
static int read_desc(struct ctx *c, const struct hull_oci_descriptor *desc, size_t max,
                     const char *who, const char *what, const char **ret_name, char **ret,
                     size_t *ret_len) {
        const char *path = blob_path(c, desc->digest), *name;
        struct blob b;
        char wb[300];

        if (!path)
                return nomem(c);
        snprintf(wb, sizeof(wb), "%s blob '%s'", what, desc->digest);
        HULL_TRY(locate(c, path, &b, who, wb));
        if (!(name = doc_name(c, b.path)))
                return nomem(c);
        if (!c->opts->skip_verify && b.size != desc->size)
                return hull_diag_set(c->d, HULL_ECORRUPT, name, 0, 0,
                                     "%s: %s blob is %llu bytes, %s says %llu", name, what,
                                     (unsigned long long)b.size, who,
                                     (unsigned long long)desc->size);
        HULL_TRY(read_whole(c, &b, max, name, ret, ret_len));
        if (!c->opts->skip_verify)
                HULL_TRY(verify_digest(c, name, what, desc->digest, *ret, *ret_len));
        *ret_name = name;
        return HULL_OK;
}

static int add_tag(struct ctx *c, const char *t) {
        struct hull_image *img = c->img;
        const char **v;

        if (!t || !*t)
                return HULL_OK;
        for (size_t i = 0; i < img->ntags; i++)
                if (strcmp(img->tags[i], t) == 0)
                        return HULL_OK;
        if (!(v = hull_arena_alloc(c->a, (img->ntags + 1) * sizeof(*v))))
                return nomem(c);
        if (img->ntags)
                memcpy(v, img->tags, img->ntags * sizeof(*v));
        if (!(v[img->ntags] = astrdup(c, t)))
                return nomem(c);
        img->tags = v;
        img->ntags++;
        return HULL_OK;
}

static int add_desc_tags(struct ctx *c, const struct hull_oci_descriptor *m) {
        HULL_TRY(add_tag(c, hull_oci_annotation_get(m->annotations, m->nannotations,
                                                    HULL_OCI_ANNOTATION_REF_NAME)));
        return add_tag(c, hull_oci_annotation_get(m->annotations, m->nannotations,
                                                  HULL_OCI_ANNOTATION_IMAGE_NAME));
}

/* The config: parse, keep its bytes, check the layer count and platform. */
static int take_config(struct ctx *c, const char *name, char *data, size_t len, size_t nlayers) {
        struct hull_image *img = c->img;
        struct hull_oci_config *cfg;

        HULL_TRY(hull_oci_config_parse(c->a, data, len, name, &cfg, c->d));
        HULL_TRY(hull_oci_config_check_layers(cfg, nlayers, name, c->d));
        if ((c->platform_chosen || c->opts->platform) &&
            !hull_oci_platform_match(c->want, &cfg->platform)) {
                char w[200], h[200];
                hull_oci_platform_format(c->want, w, sizeof(w));
                hull_oci_platform_format(&cfg->platform, h, sizeof(h));
                return hull_diag_set(c->d, HULL_ENOTFOUND, name, 0, 0,
                                     "%s: the image is for platform %s, not %s", name, h, w);
        }
        img->config = cfg;
        img->config_json = data;
        img->config_json_len = len;
        img->platform = cfg->platform;
        return HULL_OK;
}

static int check_layer_count(struct ctx *c, const char *name, size_t n) {
        if (n > HULL_MAX_IMAGE_LAYERS)
                return hull_diag_set(c->d, HULL_ELIMIT, name, 0, 0,
                                     "%s: %zu layers, more than the limit of %u", name, n,
                                     HULL_MAX_IMAGE_LAYERS);
        return HULL_OK;
}

static int alloc_layers(struct ctx *c, size_t n) {
        struct hull_image *img = c->img;

        if (n == 0)
                return HULL_OK;
        img->layers = hull_arena_alloc0(c->a, n * sizeof(*img->layers));
        img->priv->blobs = hull_arena_alloc0(c->a, n * sizeof(*img->priv->blobs));
        img->priv->source_names = hull_arena_alloc0(c->a, n * sizeof(*img->priv->source_names));
        if (!img->layers || !img->priv->blobs || !img->priv->source_names)
                return nomem(c);
        img->nlayers = n;
        return HULL_OK;
}

/* Fill layer i from its located blob. */
static int set_layer(struct ctx *c, size_t i, const struct blob *b) {
        struct hull_image *img = c->img;
        struct hull_image_layer *l = &img->layers[i];
        const struct hull_oci_config *cfg = img->config;

        l->index = (unsigned)i;
        l->diff_id = cfg->diff_ids[i];
        l->history = cfg->layer_history ? cfg->layer_history[i] : NULL;
        l->size = b->size;
        l->member = b->path;
        img->priv->blobs[i] = *b;
        if (!(img->priv->source_names[i] = doc_name(c, b->path)))
                return nomem(c);
        img->blob_bytes += b->size;
        return HULL_OK;
}

/* ---- docker-archive ---- */

/* "…/<64 hex>" (skopeo names its config by the bare digest) -> "sha256:<hex>". */
static const char *bare_hex_digest(struct ctx *c, const char *path) {
        const char *base = strrchr(path, '/');
        char buf[80];

        base = base ? base + 1 : path;
        if (strlen(base) != 64)
                return NULL;
        for (size_t i = 0; i < 64; i++)
                if (!((base[i] >= '0' && base[i] <= '9') || (base[i] >= 'a' && base[i] <= 'f')))
                        return NULL;
        snprintf(buf, sizeof(buf), "sha256:%s", base);
        return astrdup(c, buf);
}

/* Docker 25+ writes an OCI layout beside manifest.json.  When index.json
 * points straight at a manifest whose config is ours, take its digest, its
 * names and the layers' media types.  Only a simple layout is read, and
 * anything unexpected in it just leaves these fields empty: manifest.json
 * is what docker load reads.  A manifest blob we do read is verified. */
static int docker_oci_extras(struct ctx *c) {
        struct hull_image *img = c->img;
        struct hull_oci_index *idx;
        struct hull_diag quiet;
        struct ctx q = *c;
        struct blob b;
        const char *name;
        char *data;
        size_t len;

        hull_diag_init(&quiet);
        q.d = &quiet;
        if (c->st->ops->locate(c->st, c->a, "index.json", &b, &quiet) != HULL_OK ||
            !(name = doc_name(c, "index.json")) ||
            read_whole(&q, &b, HULL_MAX_MANIFEST_BYTES, name, &data, &len) != HULL_OK ||
            hull_oci_index_parse(c->a, data, len, name, &idx, &quiet) != HULL_OK)
                return HULL_OK;
        for (size_t i = 0; i < idx->nmanifests && i < 64; i++) {
                const struct hull_oci_descriptor *e = &idx->manifests[i];
                struct hull_oci_manifest *man;
                const char *mname;
                char *mdata, who[64];
                size_t mlen;

                if (e->type.kind != HULL_OCI_KIND_MANIFEST)
                        continue;
                hull_diag_init(&quiet);
                snprintf(who, sizeof(who), "index.json: manifests[%zu]", i);
                if (read_desc(&q, e, HULL_MAX_MANIFEST_BYTES, who, "manifest", &mname, &mdata,
                              &mlen) != HULL_OK) {
                        /* a damaged manifest blob is damage all the same */
                        if (quiet.code == HULL_ECORRUPT) {
                                if (c->d && c->d->code == HULL_OK)
                                        *c->d = quiet;
                                return HULL_ECORRUPT;
                        }
                        continue;
                }
                if (hull_oci_manifest_parse(c->a, mdata, mlen, mname, &man, &quiet) != HULL_OK ||
                    strcmp(man->config.digest, img->config_digest) != 0)
                        continue;
                img->manifest_digest = e->digest;
                /* the full name only: ref.name is the bare tag of a RepoTag */
                HULL_TRY(add_tag(c, hull_oci_annotation_get(e->annotations, e->nannotations,
                                                            HULL_OCI_ANNOTATION_IMAGE_NAME)));
                if (man->nlayers == img->nlayers) {
                        bool same = true;
                        for (size_t j = 0; j < man->nlayers && same; j++)
                                same = img->layers[j].digest &&
                                       strcmp(img->layers[j].digest, man->layers[j].digest) == 0;
                        for (size_t j = 0; j < man->nlayers && same; j++)
                                img->layers[j].media_type = man->layers[j].media_type;
                }
                break;
        }
        return HULL_OK;
}

static int open_docker(struct ctx *c, const char *refpart) {
        struct hull_image *img = c->img;
        struct hull_docker_manifest *m;
        const struct hull_docker_image *di;
        const char *mname, *cname, *digest;
        struct blob b;
        char *data;
        size_t len, sel;
        unsigned forms[_HULL_DOCKER_LAYER_FORM_MAX] = {0};

        if (!(mname = doc_name(c, "manifest.json")))
                return nomem(c);
        HULL_TRY(locate(c, "manifest.json", &b, NULL, "manifest.json"));
        HULL_TRY(read_whole(c, &b, HULL_MAX_MANIFEST_BYTES, mname, &data, &len));
        HULL_TRY(hull_docker_manifest_parse(c->a, data, len, mname, &m, c->d));
        HULL_TRY(hull_docker_manifest_select(m, refpart, mname, &sel, c->d));
        di = &m->images[sel];
        HULL_TRY(check_layer_count(c, mname, di->nlayers));

        /* config: its file name is its digest in every shape */
        {
                char what[200], qa[120];
                snprintf(what, sizeof(what), "config %s",
                         hull_archive_quote(qa, sizeof(qa), di->config));
                HULL_TRY(locate(c, di->config, &b, "manifest.json", what));
        }
        if (!(cname = doc_name(c, b.path)))
                return nomem(c);
        HULL_TRY(read_whole(c, &b, HULL_MAX_CONFIG_BYTES, cname, &data, &len));
        digest = di->config_digest ? di->config_digest : bare_hex_digest(c, di->config);
        if (digest && !c->opts->skip_verify)
                HULL_TRY(verify_digest(c, cname, "config", digest, data, len));
        if (!digest) {
                char buf[80];
                if (!compute_digest("sha256", data, len, buf, sizeof(buf)))
                        return nomem(c);
                digest = astrdup(c, buf);
        }
        if (!(img->config_digest = digest))
                return nomem(c);
        HULL_TRY(take_config(c, cname, data, len, di->nlayers));

        HULL_TRY(alloc_layers(c, di->nlayers));
        for (size_t i = 0; i < di->nlayers; i++) {
                const struct hull_docker_layer *dl = &di->layers[i];
                char who[64];

                char what[200], qa[120];

                snprintf(who, sizeof(who), "manifest.json: layer %zu", i);
                snprintf(what, sizeof(what), "%s", hull_archive_quote(qa, sizeof(qa), dl->path));
                HULL_TRY(locate(c, dl->path, &b, who, what));
                HULL_TRY(set_layer(c, i, &b));
                /* BLOB: the file's digest; DIFFID: an uncompressed tar named
                 * by its digest; LEGACY: an uncompressed tar, named by nothing */
                img->layers[i].digest = dl->digest;
                forms[dl->form]++;
        }
        if (forms[HULL_DOCKER_LAYER_BLOB] ||
            (di->nlayers == 0 && strncmp(di->config, "blobs/", 6) == 0))
                img->docker_shape = HULL_IMAGE_DOCKER_OCI;
        else if (forms[HULL_DOCKER_LAYER_DIFFID])
                img->docker_shape = HULL_IMAGE_DOCKER_SKOPEO;
        else
                img->docker_shape = HULL_IMAGE_DOCKER_CLASSIC;

        for (size_t i = 0; i < di->nrepo_tags; i++)
                HULL_TRY(add_tag(c, di->repo_tags[i]));
        if (img->docker_shape == HULL_IMAGE_DOCKER_OCI)
                HULL_TRY(docker_oci_extras(c));
        /* "@N" picks by position: the image's own name says more */
        if (refpart && !(refpart[0] == '@' && di->nrepo_tags))
                img->name = astrdup(c, refpart);
        else
                img->name = img->ntags ? img->tags[0] : NULL;
        return HULL_OK;
}

/* ---- OCI layout ---- */

static bool has_name(const struct hull_oci_descriptor *m) {
        return hull_oci_annotation_get(m->annotations, m->nannotations,
                                       HULL_OCI_ANNOTATION_REF_NAME) ||
               hull_oci_annotation_get(m->annotations, m->nannotations,
                                       HULL_OCI_ANNOTATION_IMAGE_NAME);
}

/* index.json listing one image per platform, with no names: a multi-platform
 * index itself (some tools write the platforms straight into index.json). */
static bool is_platform_list(const struct hull_oci_index *idx) {
        size_t n = 0;

        for (size_t i = 0; i < idx->nmanifests; i++) {
                const struct hull_oci_descriptor *m = &idx->manifests[i];
                if (m->type.kind != HULL_OCI_KIND_MANIFEST && m->type.kind != HULL_OCI_KIND_INDEX)
                        continue;
                if (has_name(m) || !m->has_platform)
                        return false;
                n++;
        }
        return n > 1;
}

/* Every entry is the same manifest (tools write one entry per tag). */
static bool same_image(const struct hull_oci_index *idx) {
        for (size_t i = 1; i < idx->nmanifests; i++)
                if (strcmp(idx->manifests[i].digest, idx->manifests[0].digest) != 0)
                        return false;
        return idx->nmanifests > 1;
}

static int open_oci(struct ctx *c, const char *refpart) {
        struct hull_image *img = c->img;
        const struct hull_oci_descriptor *desc;
        struct hull_oci_index *idx;
        struct hull_oci_manifest *man;
        const char *name, *version, *mname, *cname;
        struct blob b;
        char *data, who[400];
        size_t len, sel;

        if (!(name = doc_name(c, "oci-layout")))
                return nomem(c);
        if (c->st->ops->locate(c->st, c->a, "oci-layout", &b, NULL) == HULL_ENOTFOUND &&
            c->st->ops->locate(c->st, c->a, "manifest.json", &b, NULL) == HULL_OK)
                return hull_diag_set(
                        c->d, HULL_ENOTFOUND, c->st->name, 0, 0,
                        c->st->arc ? "%s: no oci-layout, but a manifest.json: a docker-archive? "
                                     "(use docker-archive:)"
                                   : "%s: no oci-layout, but a manifest.json: an "
                                     "extracted docker save? (tar it and use "
                                     "docker-archive:)",
                        c->st->name);
        HULL_TRY(locate(c, "oci-layout", &b, "not an OCI image layout", "oci-layout"));
        HULL_TRY(read_whole(c, &b, HULL_MAX_MANIFEST_BYTES, name, &data, &len));
        HULL_TRY(hull_oci_layout_parse(c->a, data, len, name, &version, c->d));

        if (!(name = doc_name(c, "index.json")))
                return nomem(c);
        HULL_TRY(locate(c, "index.json", &b, NULL, "index.json"));
        HULL_TRY(read_whole(c, &b, HULL_MAX_MANIFEST_BYTES, name, &data, &len));
        HULL_TRY(hull_oci_index_parse(c->a, data, len, name, &idx, c->d));
        if (!refpart && is_platform_list(idx)) {
                HULL_TRY(hull_oci_select_platform(idx, c->want, name, &sel, c->d));
                c->platform_chosen = true;
        } else if (!refpart && same_image(idx)) {
                sel = 0; /* one image under several names */
        } else {
                bool by_platform;
                HULL_TRY(hull_oci_index_find_ref_platform(idx, refpart, c->want, name, &sel,
                                                          &by_platform, c->d));
                c->platform_chosen = c->platform_chosen || by_platform;
        }
        desc = &idx->manifests[sel];
        HULL_TRY(add_desc_tags(c, desc));
        for (size_t i = 0; i < idx->nmanifests; i++) /* its other names */
                if (i != sel && strcmp(idx->manifests[i].digest, desc->digest) == 0)
                        HULL_TRY(add_desc_tags(c, &idx->manifests[i]));
        snprintf(who, sizeof(who), "index.json: manifests[%zu]", sel);

        for (unsigned depth = 0; desc->type.kind == HULL_OCI_KIND_INDEX; depth++) {
                struct hull_oci_index *sub;
                const char *iname;

                if (depth >= HULL_MAX_INDEX_NESTING)
                        return hull_diag_set(c->d, HULL_ELIMIT, c->st->name, 0, 0,
                                             "%s: image indexes nested deeper than %u", c->st->name,
                                             HULL_MAX_INDEX_NESTING);
                HULL_TRY(read_desc(c, desc, HULL_MAX_MANIFEST_BYTES, who, "index", &iname, &data,
                                   &len));
                HULL_TRY(hull_oci_index_parse(c->a, data, len, iname, &sub, c->d));
                HULL_TRY(hull_oci_select_platform(sub, c->want, iname, &sel, c->d));
                c->platform_chosen = true;
                desc = &sub->manifests[sel];
                snprintf(who, sizeof(who), "index %.80s: manifests[%zu]", iname, sel);
        }
        if (desc->type.kind != HULL_OCI_KIND_MANIFEST) {
                char qa[120];
                return hull_diag_set(c->d, HULL_EUNSUPPORTED, c->st->name, 0, 0,
                                     "%s: %s: media type %s is not an image manifest", c->st->name,
                                     who, hull_archive_quote(qa, sizeof(qa), desc->media_type));
        }
        HULL_TRY(read_desc(c, desc, HULL_MAX_MANIFEST_BYTES, who, "manifest", &mname, &data, &len));
        HULL_TRY(hull_oci_manifest_parse(c->a, data, len, mname, &man, c->d));
        img->manifest_digest = desc->digest;
        HULL_TRY(check_layer_count(c, mname, man->nlayers));

        snprintf(who, sizeof(who), "manifest %s: config", desc->digest);
        HULL_TRY(read_desc(c, &man->config, HULL_MAX_CONFIG_BYTES, who, "config", &cname, &data,
                           &len));
        img->config_digest = man->config.digest;
        HULL_TRY(take_config(c, cname, data, len, man->nlayers));

        HULL_TRY(alloc_layers(c, man->nlayers));
        for (size_t i = 0; i < man->nlayers; i++) {
                const struct hull_oci_descriptor *l = &man->layers[i];
                const char *path = blob_path(c, l->digest);
                char what[200];

                if (!path)
                        return nomem(c);
                snprintf(who, sizeof(who), "manifest %s: layer %zu", desc->digest, i);
                snprintf(what, sizeof(what), "%sblob '%s'", l->type.foreign ? "foreign " : "",
                         l->digest);
                HULL_TRY(locate(c, path, &b, who, what));
                if (b.size != l->size) {
                        if (!c->opts->skip_verify)
                                return hull_diag_set(
                                        c->d, HULL_ECORRUPT, c->st->name, 0, 0,
                                        "%s: %s: blob '%s' is %llu bytes, the manifest says %llu",
                                        c->st->name, who, l->digest, (unsigned long long)b.size,
                                        (unsigned long long)l->size);
                }
                HULL_TRY(set_layer(c, i, &b));
                img->layers[i].digest = l->digest;
                img->layers[i].media_type = l->media_type;
        }
        if (refpart)
                img->name = astrdup(c, refpart[0] == '@' ? refpart + 1 : refpart);
        else
                img->name = img->ntags ? img->tags[0] : NULL;
        return HULL_OK;
}

/* ---- opening ---- */

static const char *const transport_names[_HULL_IMAGE_TRANSPORT_MAX] = {
        [HULL_IMAGE_DOCKER_ARCHIVE] = "docker-archive",
        [HULL_IMAGE_OCI_DIR] = "oci",
        [HULL_IMAGE_OCI_ARCHIVE] = "oci-archive",
};

const char *hull_image_transport_to_string(enum hull_image_transport t) {
        return t >= 0 && t < _HULL_IMAGE_TRANSPORT_MAX ? transport_names[t] : NULL;
}

struct hull_image *hull_image_free(struct hull_image *img) {
        if (!img)
                return NULL;
        if (img->priv && img->priv->store.ops)
                img->priv->store.ops->close(&img->priv->store);
        else if (img->priv && img->priv->store.fd >= 0)
                (void)close(img->priv->store.fd);
        hull_arena_release(&img->arena);
        hull_free(img);
        return NULL;
}

static int image_new(struct hull_image **ret, const char *ref, const char *path,
                     struct hull_diag *d) {
        struct hull_image *img = new0(struct hull_image, 1);

        if (!img)
                return hull_diag_set(d, HULL_ENOMEM, path, 0, 0, "out of memory");
        hull_arena_init(&img->arena, 0);
        img->priv = hull_arena_alloc0(&img->arena, sizeof(*img->priv));
        img->ref = hull_arena_strdup(&img->arena, ref);
        img->path = hull_arena_strdup(&img->arena, path);
        if (!img->priv || !img->ref || !img->path) {
                hull_image_free(img);
                return hull_diag_set(d, HULL_ENOMEM, path, 0, 0, "out of memory");
        }
        img->priv->store.fd = -1;
        *ret = img;
        return HULL_OK;
}

/* Read the metadata of img, whose store is set, as transport t. */
static int open_store(struct hull_image *img, enum hull_image_transport t, const char *refpart,
                      const struct hull_image_opts *opts, struct hull_diag *d) {
        static const struct hull_image_opts none = {0};
        struct hull_oci_platform host, *want = &host;
        struct ctx c = {
                .img = img,
                .st = &img->priv->store,
                .a = &img->arena,
                .opts = opts ? opts : &none,
                .d = d,
        };

        if (c.opts->platform) {
                HULL_TRY(hull_oci_platform_parse(c.a, c.opts->platform, want, d));
        } else {
                hull_oci_platform_host(want);
        }
        c.want = want;
        img->transport = t;
        img->verified = !c.opts->skip_verify;
        if (refpart && !*refpart)
                refpart = NULL;
        if (t == HULL_IMAGE_DOCKER_ARCHIVE)
                return open_docker(&c, refpart);
        return open_oci(&c, refpart);
}

/* What an indexed archive holds: docker-archive (manifest.json, even beside
 * an OCI layout: Docker 25+) or oci-archive (index.json). */
static int detect_archive(const struct hull_archive *arc, enum hull_image_transport *ret,
                          struct hull_diag *d) {
        const char *name = hull_archive_name(arc);

        if (hull_archive_lookup(arc, "manifest.json"))
                *ret = HULL_IMAGE_DOCKER_ARCHIVE;
        else if (hull_archive_lookup(arc, "index.json") || hull_archive_lookup(arc, "oci-layout"))
                *ret = HULL_IMAGE_OCI_ARCHIVE;
        else
                return hull_diag_set(d, HULL_ENOTFOUND, name, 0, 0,
                                     "%s: not an image archive: it holds neither manifest.json "
                                     "(docker-archive) nor index.json (oci-archive)%s",
                                     name,
                                     hull_archive_complete(arc)
                                             ? ""
                                             : " (and has no end-of-archive marker: truncated?)");
        return HULL_OK;
}

static int open_archive(struct hull_image *img, struct hull_archive *arc,
                        enum hull_image_transport t, const char *refpart,
                        const struct hull_image_opts *opts, struct hull_diag *d) {
        struct store *st = &img->priv->store;

        st->ops = &archive_ops;
        st->arc = arc;
        st->name = img->path;
        st->sep = ':';
        if (t == _HULL_IMAGE_TRANSPORT_INVALID)
                HULL_TRY(detect_archive(arc, &t, d));
        else if (t == HULL_IMAGE_DOCKER_ARCHIVE && !hull_archive_lookup(arc, "manifest.json") &&
                 hull_archive_lookup(arc, "index.json"))
                return hull_diag_set(d, HULL_ENOTFOUND, img->path, 0, 0,
                                     "%s: no manifest.json: an OCI archive? (use oci-archive:)",
                                     img->path);
        return open_store(img, t, refpart, opts, d);
}

int hull_image_open_archive(struct hull_image **ret, struct hull_archive *arc,
                            enum hull_image_transport t, const char *refpart,
                            const struct hull_image_opts *opts, struct hull_diag *d) {
        _cleanup_(hull_image_freep) struct hull_image *img = NULL;
        int r;

        if (t != _HULL_IMAGE_TRANSPORT_INVALID && t != HULL_IMAGE_DOCKER_ARCHIVE &&
            t != HULL_IMAGE_OCI_ARCHIVE) {
                hull_archive_free(arc);
                return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0, "not an archive transport");
        }
        r = image_new(&img, hull_archive_name(arc), hull_archive_name(arc), d);
        if (r) {
                hull_archive_free(arc);
                return r;
        }
        HULL_TRY(open_archive(img, arc, t, refpart, opts, d));
        *ret = TAKE_PTR(img);
        return HULL_OK;
}

/* ---- references ---- */

static bool exists(const char *p) {
        struct stat st;
        return stat(p, &st) == 0;
}

/* Split s into PATH and the REF/TAG after it (image.h): the whole string
 * when it exists; else "PATH@DIGEST" (digest_at) when PATH exists; else the
 * longest PATH before a ':' that exists, the rest being the reference.  The
 * reference may hold '/' ("ghcr.io/x/app:1", also as an OCI
 * io.containerd.image.name): existence alone decides.  Nothing exists: the
 * whole string, for the error. */
static void split_ref(struct hull_arena *a, const char *s, bool digest_at, const char **ret_path,
                      const char **ret_ref) {
        const char *at;

        *ret_path = s;
        *ret_ref = NULL;
        if (exists(s))
                return;
        if (digest_at && (at = strrchr(s, '@')) && at > s &&
            hull_oci_digest_check(at + 1, strlen(at + 1)) == HULL_OK) {
                char *p = hull_arena_strndup(a, s, (size_t)(at - s));
                if (p && exists(p)) {
                        *ret_path = p;
                        *ret_ref = at;
                        return;
                }
        }
        for (size_t i = strlen(s); i > 0; i--) {
                char *p;
                if (s[i - 1] != ':' || i == 1)
                        continue;
                if (!(p = hull_arena_strndup(a, s, i - 1)))
                        return;
                if (exists(p)) {
                        *ret_path = p;
                        *ret_ref = s[i] ? s + i : NULL;
                        return;
                }
        }
}

int hull_image_open(struct hull_image **ret, const char *ref, const struct hull_image_opts *opts,
                    struct hull_diag *d) {
        static const struct {
                const char *prefix;
                enum hull_image_transport t;
        } prefixes[] = {
                {"docker-archive:", HULL_IMAGE_DOCKER_ARCHIVE},
                {"oci-archive:", HULL_IMAGE_OCI_ARCHIVE},
                {"oci:", HULL_IMAGE_OCI_DIR},
        };
        _cleanup_(hull_image_freep) struct hull_image *img = NULL;
        struct hull_arena tmp = HULL_ARENA_INIT;
        enum hull_image_transport t = _HULL_IMAGE_TRANSPORT_INVALID;
        const char *rest = ref, *path, *refpart;
        struct hull_archive *arc = NULL;
        struct stat st;
        int fd = -1, r;

        if (!ref || !*ref)
                return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0, "empty image reference");
        for (size_t i = 0; i < ELEMENTSOF(prefixes); i++)
                if (strncmp(ref, prefixes[i].prefix, strlen(prefixes[i].prefix)) == 0) {
                        t = prefixes[i].t;
                        rest = ref + strlen(prefixes[i].prefix);
                        break;
                }
        if (!*rest)
                return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0,
                                     "image reference '%s' names no path", ref);
        hull_arena_init(&tmp, 0);
        split_ref(&tmp, rest, t != HULL_IMAGE_DOCKER_ARCHIVE, &path, &refpart);
        r = image_new(&img, ref, path, d);
        hull_arena_release(&tmp);
        if (r)
                return r;
        /* path and refpart now live in img (refpart points into img->ref) */
        path = img->path;
        refpart = refpart ? img->ref + (refpart - ref) : NULL;

        if (stat(path, &st) < 0) {
                int e = errno;
                return hull_diag_errno(d, e == ENOENT || e == ENOTDIR ? HULL_ENOTFOUND : HULL_EIO,
                                       e, path, "cannot open '%s'", path);
        }
        if (S_ISDIR(st.st_mode)) {
                struct store *s = &img->priv->store;
                if (t == HULL_IMAGE_DOCKER_ARCHIVE || t == HULL_IMAGE_OCI_ARCHIVE)
                        return hull_diag_set(d, HULL_EINVAL, path, 0, 0,
                                             "%s: a directory, but %s: wants an archive file%s",
                                             path, hull_image_transport_to_string(t),
                                             t == HULL_IMAGE_OCI_ARCHIVE ? " (use oci:)" : "");
                fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (fd < 0)
                        return hull_diag_errno(d, HULL_EIO, errno, path, "cannot open '%s'", path);
                s->ops = &dir_ops;
                s->fd = fd;
                s->name = path;
                s->sep = '/';
                HULL_TRY(open_store(img, HULL_IMAGE_OCI_DIR, refpart, opts, d));
                *ret = TAKE_PTR(img);
                return HULL_OK;
        }
        if (t == HULL_IMAGE_OCI_DIR)
                return hull_diag_set(d, HULL_EINVAL, path, 0, 0,
                                     "%s: not a directory; oci: wants an OCI layout directory "
                                     "(use oci-archive: for a tar file)",
                                     path);
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0) {
                int e = errno;
                return hull_diag_errno(d, e == ENOENT ? HULL_ENOTFOUND : HULL_EIO, e, path,
                                       "cannot open '%s'", path);
        }
        (void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        img->priv->store.fd = fd; /* closed with the image from here on */
        HULL_TRY(hull_archive_index_fd(&arc, fd, path, d));
        HULL_TRY(open_archive(img, arc, t, refpart, opts, d));
        *ret = TAKE_PTR(img);
        return HULL_OK;
}

int hull_image_layer_source(const struct hull_image *img, size_t i, struct hull_source **ret,
                            struct hull_diag *d) {
        const struct store *s;

        if (!img || i >= img->nlayers)
                return hull_diag_set(d, HULL_EINVAL, img ? img->path : NULL, 0, 0,
                                     "no layer %zu in the image", i);
        s = &img->priv->store;
        return s->ops->source(s, &img->priv->blobs[i], img->priv->source_names[i], ret, d);
}
