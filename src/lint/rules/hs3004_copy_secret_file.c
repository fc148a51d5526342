/* HS3004 no-hardcoded-secrets: COPY or ADD of a file that holds credentials.
 *
 * A private key, a .env file or a registry login copied from the build
 * context is in a layer for good (deleting it later only hides it).
 * Decided on the expanded sources (instr->x) of COPY and ADD from the build
 * context (not COPY --from, not URLs or git sources, not heredocs), by path
 * (lowercased):
 *   - inside .ssh/ (not *.pub, known_hosts, authorized_keys, config),
 *     .aws/ (not config), .gnupg/, .docker/config.json, .kube/config, or
 *     one of those directories itself;
 *   - base name id_rsa*, id_dsa*, id_ecdsa*, id_ed25519* (not *.pub); .env
 *     and .env.* (not .env.example/.sample/.template/.dist/.defaults);
 *     .npmrc .pypirc .netrc _netrc .git-credentials .pgpass .dockercfg
 *     kubeconfig*; *credentials.json, client_secret*.json,
 *     *service[-_]account*.json; *.p12 *.pfx *.keystore *.jks *.ppk;
 *   - *.key unless the name or destination says it is a public or package
 *     signing key (pub, gpg, pgp, asc, keyring, apt, repo, release,
 *     signing); *.pem unless it names a key (key, priv) or else says
 *     certificate (cert, ca, chain, bundle, root, pub, trust, dhparam),
 *     in its path or destination.
 * A glob source counts when it can only mean such files: `*.pem`, `.env*`,
 * `id_*` (starting with two literal bytes or more and matching one of the
 * names); `*`, `.` or `*.json` do not (whether the context holds such files is a
 * .dockerignore question).  Every stage counts: a key in a builder stage
 * is still in that stage's layers and the build cache. */
#include <fnmatch.h>
#include <string.h>

#include "basic/str.h"
#include "lint/engine.h"
#include "lint/rules/common.h"

static bool has_sub(const char *s, const char *const subs[]) {
        for (size_t i = 0; subs[i]; i++)
                if (strstr(s, subs[i]))
                        return true;
        return false;
}

/* The base name is a glob that matches the file name and starts with two
 * literal bytes or more (so `*`, `.*` and `*.json` do not count). */
static bool glob_names(const char *base, const char *name) {
        return strcspn(base, "*?[") >= 2 && strpbrk(base, "*?[") && fnmatch(base, name, 0) == 0;
}

static const char *in_sensitive_dir(const char *path, const char *base) {
        static const char *const ssh_ok[] = {"known_hosts", "authorized_keys", "authorized_keys2",
                                             "config",      "environment",     NULL};
        bool pub = hull_endswith(base, ".pub");

        for (const char *p = path; *p;) {
                size_t l = strcspn(p, "/");
                bool last = p[l] == '\0';
#define DIR_IS(d) (l == strlen(d) && strncmp(p, d, l) == 0)
                if (last) {
                        if (DIR_IS(".ssh"))
                                return "an SSH directory";
                        if (DIR_IS(".aws"))
                                return "AWS credentials";
                        if (DIR_IS(".gnupg"))
                                return "a GnuPG keyring";
                        if (DIR_IS(".docker"))
                                return "Docker registry credentials";
                        if (DIR_IS(".kube"))
                                return "a kubeconfig";
                        break;
                }
                if (DIR_IS(".ssh") && !pub && !hull_startswith(base, "known_hosts")) {
                        bool ok = false;
                        for (size_t i = 0; ssh_ok[i]; i++)
                                ok = ok || strcmp(base, ssh_ok[i]) == 0;
                        if (!ok)
                                return "an SSH key";
                }
                if (DIR_IS(".aws") && strcmp(base, "config") != 0)
                        return "AWS credentials";
                if (DIR_IS(".gnupg"))
                        return "a GnuPG keyring";
                if (DIR_IS(".docker") && strcmp(base, "config.json") == 0)
                        return "Docker registry credentials";
                if (DIR_IS(".kube") && strcmp(base, "config") == 0)
                        return "a kubeconfig";
#undef DIR_IS
                p += l + 1;
        }
        return NULL;
}

/* What the source path (lowercased, "./" and trailing "/" removed) holds,
 * or NULL.  dest is the lowercased destination. */
static const char *sensitive(const char *path, const char *dest) {
        static const char *const ssh_keys[] = {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", NULL};
        static const struct {
                const char *name, *what;
        } names[] = {
                {".env", "a .env file"},
                {".env.local", "a .env file"},
                {".npmrc", "npm credentials (.npmrc)"},
                {".pypirc", "PyPI credentials (.pypirc)"},
                {".netrc", "login credentials (.netrc)"},
                {"_netrc", "login credentials (_netrc)"},
                {".git-credentials", "Git credentials"},
                {".pgpass", "PostgreSQL passwords (.pgpass)"},
                {".dockercfg", "Docker registry credentials"},
                {"kubeconfig", "a kubeconfig"},
                {"credentials.json", "a credentials file"},
                {"client_secret.json", "an OAuth client secret"},
                {"service-account.json", "a service-account key"},
        };
        static const struct {
                const char *ext, *what;
        } exts[] = {
                {".p12", "a PKCS#12 key store"},   {".pfx", "a PKCS#12 key store"},
                {".keystore", "a Java key store"}, {".jks", "a Java key store"},
                {".ppk", "a PuTTY private key"},
        };
        static const char *const key_public[] = {"pub", "gpg",  "pgp",     "asc",     "keyring",
                                                 "apt", "repo", "release", "signing", NULL};
        static const char *const key_public_sub[] = {"public", "keyring", "trusted.gpg", NULL};
        static const char *const pem_key_sub[] = {"key", "priv", NULL};
        static const char *const pem_cert[] = {"ca",      "chain",   "fullchain", "bundle",
                                               "root",    "pub",     "public",    "trust",
                                               "trusted", "dhparam", "dhparams",  NULL};
        static const char *const pem_cert_sub[] = {"cert", "ca-certificates", NULL};
        const char *base = strrchr(path, '/'), *what;

        base = base ? base + 1 : path;
        if ((what = in_sensitive_dir(path, base)))
                return what;
        if (!hull_endswith(base, ".pub"))
                for (size_t i = 0; ssh_keys[i]; i++)
                        if (hull_startswith(base, ssh_keys[i]) || glob_names(base, ssh_keys[i]))
                                return "an SSH private key";
        if (hull_startswith(base, ".env."))
                return hull_lint_env_template(base) ? NULL : "a .env file";
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                if (strcmp(base, names[i].name) == 0 || glob_names(base, names[i].name))
                        return names[i].what;
        if (hull_startswith(base, "kubeconfig"))
                return "a kubeconfig";
        if (hull_endswith(base, ".json")) {
                if (hull_endswith(base, "credentials.json"))
                        return "a credentials file";
                if (hull_startswith(base, "client_secret"))
                        return "an OAuth client secret";
                if (strstr(base, "service-account") || strstr(base, "service_account") ||
                    strstr(base, "serviceaccount"))
                        return "a service-account key";
        }
        for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
                if (hull_endswith(base, exts[i].ext))
                        return exts[i].what;
        if (hull_endswith(base, ".key")) {
                if (hull_lint_has_word(base, key_public) || has_sub(base, key_public_sub) ||
                    hull_lint_has_word(dest, key_public) || has_sub(dest, key_public_sub))
                        return NULL;
                return "a private key (.key)";
        }
        if (hull_endswith(base, ".pem")) {
                if (has_sub(base, pem_key_sub))
                        return "a private key (.pem)";
                if (hull_lint_has_word(path, pem_cert) || has_sub(path, pem_cert_sub) ||
                    hull_lint_has_word(dest, pem_cert) || has_sub(dest, pem_cert_sub))
                        return NULL;
                return "a private key (.pem)";
        }
        return NULL;
}

/* Lowercase s[0..n) into buf, without "./" prefixes and trailing slashes. */
static const char *normalize(const char *s, size_t n, char *buf, size_t size) {
        size_t k = 0;
        while (n >= 2 && s[0] == '.' && s[1] == '/') {
                s += 2;
                n -= 2;
                while (n && *s == '/') {
                        s++;
                        n--;
                }
        }
        while (n > 1 && s[n - 1] == '/')
                n--;
        while (n > 2 && s[n - 1] == '.' && s[n - 2] == '/')
                n -= 2; /* dir/. */
        for (size_t i = 0; i < n && k + 1 < size; i++)
                buf[k++] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
        buf[k] = '\0';
        return buf;
}

static bool remote(const char *s) {
        size_t n = strcspn(s, "@:/");
        return strstr(s, "://") || (n > 0 && s[n] == '@');
}

static void check_sources(struct hull_lint_ctx *c, const struct hull_df_instr *in, const char *kind,
                          const char *const *src, const size_t *len, size_t nsrc, const char *dest,
                          size_t dlen) {
        const struct hull_df_node *n = in->node->inner ? in->node->inner : in->node;
        char path[1024], dst[1024];

        normalize(dest, dlen, dst, sizeof(dst));
        for (size_t j = 0; j < nsrc; j++) {
                const char *what;
                bool heredoc = false;

                if (len[j] == 0 || strlen(src[j]) != len[j] || hull_startswith(src[j], "<<") ||
                    remote(src[j]))
                        continue;
                for (size_t h = 0; h < n->nheredocs; h++)
                        heredoc = heredoc || strcmp(src[j], n->heredocs[h].name.s) == 0;
                if (heredoc ||
                    !(what = sensitive(normalize(src[j], len[j], path, sizeof(path)), dst)))
                        continue;
                hull_lint_report(c, j < n->nvalues ? n->values[j].pos : n->cmd.pos, NULL,
                                 "%s of '%s' %s %s in the image", kind, src[j],
                                 strpbrk(src[j], "*?[") ? "can put" : "puts", what);
        }
}

static void check(struct hull_lint_ctx *c) {
        for (size_t i = 0; i < c->m->ninstrs; i++) {
                const struct hull_df_instr *in = &c->m->instrs[i];
                const struct hull_df_node *inner = in->node->inner;

                if ((in->kind == HULL_DF_COPY || in->kind == HULL_DF_ADD) && in->nx >= 2) {
                        if (in->kind == HULL_DF_COPY && hull_lint_flag(in, "from"))
                                continue;
                        check_sources(c, in, in->kind == HULL_DF_COPY ? "COPY" : "ADD", in->x,
                                      in->xlen, in->nx - 1, in->x[in->nx - 1],
                                      in->xlen[in->nx - 1]);
                } else if (in->kind == HULL_DF_ONBUILD && inner &&
                           (inner->kind == HULL_DF_COPY || inner->kind == HULL_DF_ADD) &&
                           inner->nvalues >= 2) {
                        /* not expanded: the values as written */
                        const char *src[64];
                        size_t len[64], ns = 0;
                        bool from = false;

                        for (size_t f = 0; f < inner->nflags; f++)
                                from = from || hull_startswith(inner->flags[f].s, "--from=");
                        if (from)
                                continue;
                        for (size_t j = 0; j + 1 < inner->nvalues && ns < 64; j++, ns++) {
                                src[ns] = inner->values[j].s;
                                len[ns] = inner->values[j].len;
                        }
                        check_sources(c, in,
                                      inner->kind == HULL_DF_COPY ? "ONBUILD COPY" : "ONBUILD ADD",
                                      src, len, ns, inner->values[inner->nvalues - 1].s,
                                      inner->values[inner->nvalues - 1].len);
                }
        }
}

const struct hull_rule hull_rule_HS3004 = {
        .id = "HS3004",
        .slug = "no-hardcoded-secrets",
        .severity = HULL_SEV_HIGH,
        .title = "Credentials file copied into the image",
        .rationale =
                "A private key, .env file or registry login copied from the build context stays in "
                "the layer for good, even if a later step deletes it.",
        .fix = "Keep the file out of the image: add it to .dockerignore, and read it only while "
               "building "
               "with RUN --mount=type=secret (or --mount=type=ssh for SSH keys)",
        .hadolint = NULL,
        .trivy = NULL,
        .check = check,
};
