/* audit.c - runs the image audit rules (HS4xxx) over a scanned image.
 *
 * Order: the facts first (os-release, shell, package manager, sizes, the
 * user), then every enabled rule with .audit set, in id order.  A rule's
 * hull_audit_report() fills a whole struct hull_finding at once: the rule's
 * id, slug, title and default fix, the place (path or field), and the
 * provenance the place implies (the layer's diff_id and the history
 * instruction that made the layer), then applies a configured severity
 * override as the lint engine does.  Pragmas do not exist for images. */
#include "audit/audit.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "audit/common.h"
#include "basic/err.h"
#include "lint/rules/common.h"

/* ---- places ----------------------------------------------------------------- */

struct hull_audit_where hull_audit_where_node(const struct hull_layers_node *n, char *pathbuf,
                                              size_t pathsz) {
        struct hull_audit_where w = {0};
        unsigned del = hull_layers_node_deleted_in(n);

        hull_layers_node_path(n, pathbuf, pathsz);
        w.path = pathbuf;
        w.has_layer = true;
        w.layer = hull_layers_node_last_layer(n);
        if (del != HULL_LAYERS_NONE) {
                w.deleted = true;
                w.deleted_in = del;
        }
        return w;
}

/* ---- reports ---------------------------------------------------------------- */

static void vreport(struct hull_audit_ctx *c, enum hull_severity sev,
                    const struct hull_audit_where *w, const char *fix, const char *fmt, va_list ap)
        _printf_(5, 0);

void hull_audit_report(struct hull_audit_ctx *c, const struct hull_audit_where *w, const char *fix,
                       const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vreport(c, c->rule->severity, w, fix, fmt, ap);
        va_end(ap);
}

void hull_audit_report_severity(struct hull_audit_ctx *c, enum hull_severity sev,
                                const struct hull_audit_where *w, const char *fix, const char *fmt,
                                ...) {
        va_list ap;
        va_start(ap, fmt);
        vreport(c, sev, w, fix, fmt, ap);
        va_end(ap);
}

static void vreport(struct hull_audit_ctx *c, enum hull_severity sev,
                    const struct hull_audit_where *w, const char *fix, const char *fmt,
                    va_list ap) {
        static const struct hull_audit_where whole;
        char msg[1024], *redacted = NULL;

        if (c->err)
                return;
        if (!w)
                w = &whole;
        vsnprintf(msg, sizeof(msg), fmt, ap);
        sev = hull_lint_config_severity(c->cfg, c->rule->id, sev);
        struct hull_finding f = hull_rule_finding(c->rule, sev, msg, fix);
        f.file = c->img->ref;
        f.image_path = w->path;
        f.image_field = w->field;
        f.has_layer = w->has_layer;
        f.layer = w->layer;
        f.deleted = w->deleted;
        f.deleted_in = w->deleted_in;
        if (w->has_layer && w->layer < c->img->nlayers) {
                const struct hull_image_layer *l = &c->img->layers[w->layer];
                f.layer_digest = l->diff_id;
                f.created_by = l->history ? l->history->created_by : NULL;
        }
        /* reports travel further than the image: never print a secret the
         * audit recognises (HS4005 reports it, masked) */
        c->err = hull_audit_redact_history(c, f.created_by, &redacted);
        if (c->err)
                return;
        if (redacted)
                f.created_by = redacted;
        c->err = hull_findings_add(c->out, &f);
        hull_free(redacted);
}

/* ---- lookups ---------------------------------------------------------------- */

const char *hull_audit_final_content(const struct hull_audit_ctx *c, const char *path,
                                     size_t *ret_n) {
        const struct hull_layers_node *n;
        const char *data;
        size_t len;

        if (!c->L || hull_layers_lookup(c->L, path, HULL_LAYERS_FOLLOW, &n, NULL) != HULL_OK ||
            hull_layers_node_type(n) != HULL_ENTRY_FILE ||
            hull_scan_capture_node(c->scan, n, &data, &len) != HULL_OK)
                return NULL;
        if (ret_n)
                *ret_n = len;
        return data;
}

int hull_audit_user_uid(const struct hull_audit_ctx *c, const char *name, uint32_t *ret_uid) {
        const char *passwd;
        size_t n, len = name ? strlen(name) : 0;

        if (len == 0)
                return HULL_ENOTFOUND;
        if (hull_audit_parse_id(name, len, ret_uid))
                return HULL_OK;
        passwd = hull_audit_final_content(c, "etc/passwd", &n);
        return hull_audit_db_lookup(passwd, passwd ? n : 0, name, len, ret_uid);
}

bool hull_audit_secret_allowed(const struct hull_audit_ctx *c, const char *value) {
        return hull_lint_config_allowed(c->cfg, value, strlen(value));
}

/* ---- capture ---------------------------------------------------------------- */

static bool has_suffix(const char *s, size_t n, const char *suf) {
        size_t l = strlen(suf);
        return n >= l && memcmp(s + n - l, suf, l) == 0;
}

/* path ends with "/<dir>/<name>" or is "<dir>/<name>". */
static bool in_dir(const char *path, const char *base, const char *dir) {
        size_t l = strlen(dir);
        if ((size_t)(base - path) < l + 1 || memcmp(base - l - 1, dir, l) != 0 || base[-1] != '/')
                return false;
        return base - l - 1 == path || base[-l - 2] == '/';
}

bool hull_audit_capture(void *ud, const char *path, uint64_t size) {
        static const char *const exact[] = {
                "etc/passwd",
                "etc/group",
                "etc/os-release",
                "usr/lib/os-release",
        };
        static const char *const names[] = {
                ".npmrc",      ".pypirc",         ".netrc",         ".git-credentials",
                ".env",        ".bash_history",   ".zsh_history",   ".ash_history",
                ".sh_history", ".python_history", ".mysql_history", ".psql_history",
        };
        const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
        size_t bl = strlen(base);

        (void)ud;
        (void)size; /* the scan applies capture_max */
        for (size_t i = 0; i < ELEMENTSOF(exact); i++)
                if (strcmp(path, exact[i]) == 0)
                        return true;
        /* /etc/passwd may be a link to a file elsewhere (base-passwd,
         * distroless): capture databases by name too, programs aside */
        if ((strcmp(base, "passwd") == 0 || strcmp(base, "group") == 0 ||
             strcmp(base, "os-release") == 0) &&
            !in_dir(path, base, "bin") && !in_dir(path, base, "sbin"))
                return true;
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (strcmp(base, names[i]) == 0)
                        return true;
        if (strncmp(base, ".env.", 5) == 0 || has_suffix(base, bl, ".pem") ||
            has_suffix(base, bl, ".key"))
                return true;
        if (strcmp(base, "credentials") == 0 && in_dir(path, base, ".aws"))
                return true;
        if (strcmp(base, "config.json") == 0 && in_dir(path, base, ".docker"))
                return true;
        /* SSH private keys: .ssh/id_rsa, .ssh/id_ed25519 (not the .pub halves) */
        return strncmp(base, "id_", 3) == 0 && !has_suffix(base, bl, ".pub") &&
               in_dir(path, base, ".ssh");
}

/* ---- facts ------------------------------------------------------------------ */

/* The value of KEY in os-release content (os-release(5): KEY=value, value
 * maybe in single or double quotes, backslash escapes in double quotes),
 * copied into a; *ret NULL when absent (or empty).  HULL_OK or HULL_ENOMEM. */
static int os_release_get(struct hull_arena *a, const char *s, size_t n, const char *key,
                          const char **ret) {
        size_t kl = strlen(key), i = 0;

        *ret = NULL;
        while (i < n) {
                const char *line = s + i, *nl = memchr(line, '\n', n - i);
                size_t len = nl ? (size_t)(nl - line) : n - i, j;
                char buf[512];
                size_t bl = 0;

                i += len + (nl != NULL);
                while (len > 0 && (line[0] == ' ' || line[0] == '\t')) {
                        line++;
                        len--;
                }
                if (len <= kl || memcmp(line, key, kl) != 0 || line[kl] != '=')
                        continue;
                j = kl + 1;
                if (j < len && (line[j] == '"' || line[j] == '\'')) {
                        char q = line[j++];
                        for (; j < len && line[j] != q && bl + 1 < sizeof(buf); j++) {
                                if (q == '"' && line[j] == '\\' && j + 1 < len)
                                        j++;
                                buf[bl++] = line[j];
                        }
                } else {
                        for (; j < len && line[j] != '\r' && bl + 1 < sizeof(buf); j++)
                                buf[bl++] = line[j];
                        while (bl > 0 && (buf[bl - 1] == ' ' || buf[bl - 1] == '\t'))
                                bl--;
                }
                /* the last assignment wins, as a shell sourcing the file sees it */
                if (bl == 0 || memchr(buf, '\0', bl)) {
                        *ret = NULL;
                        continue;
                }
                if (!(*ret = hull_arena_strndup(a, buf, bl)))
                        return HULL_ENOMEM;
        }
        return HULL_OK;
}

/* The final view holds path as something other than a directory (links followed). */
static bool present(const struct hull_layers *L, const char *path) {
        const struct hull_layers_node *n;
        return L && hull_layers_lookup(L, path, HULL_LAYERS_FOLLOW, &n, NULL) == HULL_OK &&
               hull_layers_node_type(n) != HULL_ENTRY_DIR;
}

static bool user_is_root(const struct hull_audit_ctx *c, const char *user) {
        uint32_t uid;
        size_t ul;
        char name[256];

        if (!user || !user[0] || hull_lint_user_is_root(user))
                return true;
        ul = strcspn(user, ":");
        if (ul == 0 || ul >= sizeof(name))
                return false;
        memcpy(name, user, ul);
        name[ul] = '\0';
        return hull_audit_user_uid(c, name, &uid) == HULL_OK && uid == 0;
}

static int compute_facts(struct hull_audit_ctx *c, struct hull_arena *a,
                         struct hull_audit_facts *f) {
        static const char *const shells[] = {
                "/bin/sh", "/bin/bash", "/bin/ash", "/bin/dash", "/usr/bin/sh", "/bin/busybox",
        };
        static const struct {
                const char *path, *name;
        } pms[] = {
                /* rpm last: dnf, yum and microdnf images have it too */
                {"/usr/bin/dpkg", "apt"},      {"/sbin/apk", "apk"},
                {"/usr/bin/dnf", "dnf"},       {"/usr/bin/microdnf", "microdnf"},
                {"/usr/bin/yum", "yum"},       {"/usr/bin/zypper", "zypper"},
                {"/usr/bin/pacman", "pacman"}, {"/usr/bin/rpm", "rpm"},
                {"/bin/rpm", "rpm"},
        };
        const struct hull_oci_exec_config *x = &c->config->config;
        const char *osr;
        size_t n;

        memset(f, 0, sizeof(*f));
        osr = hull_audit_final_content(c, "etc/os-release", &n);
        if (!osr)
                osr = hull_audit_final_content(c, "usr/lib/os-release", &n);
        if (osr && (os_release_get(a, osr, n, "ID", &f->os_id) ||
                    os_release_get(a, osr, n, "VERSION_ID", &f->os_version_id) ||
                    os_release_get(a, osr, n, "PRETTY_NAME", &f->os_pretty_name)))
                return HULL_ENOMEM;
        for (size_t i = 0; i < ELEMENTSOF(shells) && !f->shell; i++)
                if (present(c->L, shells[i]))
                        f->shell = shells[i];
        for (size_t i = 0; i < ELEMENTSOF(pms) && !f->package_manager; i++)
                if (present(c->L, pms[i].path))
                        f->package_manager = pms[i].name;
        if (c->L) {
                struct hull_layers_stats ls;
                hull_layers_stats(c->L, &ls);
                struct hull_layers_iter it;
                hull_layers_stats(c->L, &ls);
                f->final_bytes = ls.final_bytes;
                /* regular files only: "34 files" should not count directories */
                hull_layers_iter_init(&it, c->L, HULL_LAYERS_FINAL);
                for (const struct hull_layers_node *nd; (nd = hull_layers_iter_next(&it));)
                        f->final_files += hull_layers_node_type(nd) == HULL_ENTRY_FILE;
        }
        if (c->scan) {
                struct hull_scan_stats ss;
                hull_scan_stats(c->scan, &ss);
                f->tar_bytes = ss.tar_bytes;
                f->blob_bytes = ss.blob_bytes;
        }
        if (!f->blob_bytes)
                f->blob_bytes = c->img->blob_bytes;
        f->nlayers = (unsigned)c->img->nlayers;
        if (x->user && x->user[0] && !(f->user = hull_arena_strdup(a, x->user)))
                return HULL_ENOMEM;
        f->has_passwd = present(c->L, "etc/passwd");
        f->runs_as_root = user_is_root(c, x->user);
        f->minimal = !f->shell && !f->package_manager;
        return HULL_OK;
}

/* ---- run -------------------------------------------------------------------- */

int hull_audit_run(const struct hull_image *img, const struct hull_scan *scan,
                   const struct hull_lint_config *cfg, struct hull_findings *out,
                   struct hull_arena *fa, struct hull_audit_facts *ret_facts, struct hull_diag *d) {
        struct hull_arena scratch = HULL_ARENA_INIT;
        struct hull_audit_facts facts;
        int r;

        if (!img || !img->config)
                return hull_diag_set(d, HULL_EINVAL, img ? img->ref : NULL, 0, 0,
                                     "audit: no image config");
        struct hull_audit_ctx c = {
                .img = img,
                .config = img->config,
                .scan = scan,
                .L = scan ? hull_scan_layers(scan) : NULL,
                .cfg = cfg,
                .facts = &facts,
                .out = out,
                .arena = &scratch,
        };
        r = compute_facts(&c, fa ? fa : &scratch, &facts);
        for (size_t i = 0; !r && hull_rules[i]; i++) {
                if (!hull_rules[i]->audit || hull_lint_config_disabled(cfg, hull_rules[i]->id))
                        continue;
                c.rule = hull_rules[i];
                hull_rules[i]->audit(&c);
                r = c.err;
        }
        if (!r && ret_facts) {
                *ret_facts = facts;
                if (!fa) /* these would die with scratch */
                        ret_facts->os_id = ret_facts->os_version_id = ret_facts->os_pretty_name =
                                ret_facts->user = NULL;
        }
        hull_arena_release(&scratch);
        if (r)
                return hull_diag_set(d, r, img->ref, 0, 0, "audit: %s", hull_strerror(r));
        return HULL_OK;
}
