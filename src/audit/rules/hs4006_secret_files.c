/* HS4006 no-hardcoded-secrets: credential files in any layer of the image.
 *
 * Every file any layer ever held counts (HULL_LAYERS_ALL): a key deleted by
 * a later layer is still in the earlier layer's blob, and anyone who pulls
 * the image can extract it.  A file overwritten later counts too: each
 * version (the layer that added it and every layer that changed it) is read
 * from the scan's captures, newest first.  Regular files only (a hard link
 * shares its target's content, which is checked under the target's name);
 * empty files hold nothing and are skipped.
 *
 * Reported, by name and, when the scan captured the file, by content:
 *   - SSH private keys: id_* (not *.pub) in any .ssh directory (root's, a
 *     user's under home/, a service account's elsewhere); content must hold
 *     "PRIVATE KEY";
 *   - *.pem and *.key holding "PRIVATE KEY"; not captured: a *.pem whose
 *     name says key or priv, a *.key whose path does not say it is a public
 *     or package-signing key (pub, gpg, pgp, asc, keyring, apt, repo,
 *     release, signing);
 *   - .env and .env.* files (not .example, .sample, .template, .dist,
 *     .defaults, .default, .tmpl, .tpl); content: a KEY=value with a value;
 *   - .aws/credentials with aws_secret_access_key or aws_session_token;
 *   - .docker/config.json with an "auth" (or "identitytoken") value;
 *   - .npmrc with _authToken, _auth or _password set to a literal (not only
 *     ${NPM_TOKEN} references, which npm expands at run time);
 *   - .pypirc with a password; .netrc with a password token;
 *   - .git-credentials with a URL holding a password;
 *   - shell and REPL histories: .bash_history, .zsh_history, .ash_history,
 *     .sh_history, .python_history, .mysql_history, .psql_history (medium:
 *     they hold secrets only when someone typed them).
 * A file the scan did not capture (too large, or not asked for) is
 * reported by name, and the message says so. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "audit/audit.h"
#include "audit/common.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "basic/str.h"
#include "lint/rules/common.h"

enum kind {
        K_SSH_KEY,
        K_PEM,
        K_KEY,
        K_ENV,
        K_AWS,
        K_DOCKER,
        K_NPMRC,
        K_PYPIRC,
        K_NETRC,
        K_GIT_CREDENTIALS,
        K_HISTORY,
};

/* What a kind is: the finding's words when the content shows the secret
 * (holds) and when only the name does (by_name). */
static const struct kind_info {
        const char *holds;
        const char *by_name;
} kinds[] = {
        [K_SSH_KEY] = {"an SSH private key", "an SSH private key"},
        [K_PEM] = {"a private key", "a private key"},
        [K_KEY] = {"a private key", "a private key"},
        [K_ENV] = {"environment settings, often secrets",
                   "a .env file, which usually holds secrets"},
        [K_AWS] = {"AWS credentials", "an AWS credentials file"},
        [K_DOCKER] = {"Docker registry credentials",
                      "a Docker client configuration, which may hold registry credentials"},
        [K_NPMRC] = {"npm registry credentials",
                     "an npm configuration, which may hold registry credentials"},
        [K_PYPIRC] = {"a PyPI password", "a PyPI configuration, which may hold an upload password"},
        [K_NETRC] = {"a login password (.netrc)", "a .netrc, which may hold login passwords"},
        [K_GIT_CREDENTIALS] = {"Git credentials", "a Git credential store"},
        [K_HISTORY] = {"a shell history", "a shell history"},
};

/* The directory holding path (its last component before the name) is dir. */
static bool parent_is(const char *path, const char *name, const char *dir) {
        size_t l = strlen(dir), off = (size_t)(name - path);
        return off >= l + 1 && memcmp(name - 1 - l, dir, l) == 0 &&
               (off == l + 1 || name[-2 - (ptrdiff_t)l] == '/');
}

/* The kind of the file at path (name: its last component), or -1. */
static int kind_of(const char *path, const char *name) {
        static const char *const histories[] = {
                ".bash_history",   ".zsh_history",   ".ash_history",  ".sh_history",
                ".python_history", ".mysql_history", ".psql_history", NULL,
        };

        if (hull_startswith(name, "id_") && name[3] && !hull_endswith(name, ".pub") &&
            parent_is(path, name, ".ssh"))
                return K_SSH_KEY;
        if (hull_endswith(name, ".pem") && name[4])
                return K_PEM;
        if (hull_endswith(name, ".key") && name[4])
                return K_KEY;
        if (strcmp(name, ".env") == 0)
                return K_ENV;
        if (hull_startswith(name, ".env.") && name[5])
                return hull_lint_env_template(name) ? -1 : K_ENV;
        if (strcmp(name, "credentials") == 0 && parent_is(path, name, ".aws"))
                return K_AWS;
        if (strcmp(name, "config.json") == 0 && parent_is(path, name, ".docker"))
                return K_DOCKER;
        if (strcmp(name, ".npmrc") == 0)
                return K_NPMRC;
        if (strcmp(name, ".pypirc") == 0)
                return K_PYPIRC;
        if (strcmp(name, ".netrc") == 0)
                return K_NETRC;
        if (strcmp(name, ".git-credentials") == 0)
                return K_GIT_CREDENTIALS;
        for (size_t i = 0; histories[i]; i++)
                if (strcmp(name, histories[i]) == 0)
                        return K_HISTORY;
        return -1;
}

/* Not captured: does the name alone say "private key"? */
static bool by_name(enum kind k, const char *path, const char *name) {
        static const char *const key_public[] = {"pub",     "public",   "gpg", "pgp",  "asc",
                                                 "keyring", "keyrings", "apt", "repo", "release",
                                                 "signing", "trusted",  NULL};
        static const char *const pem_key[] = {"key", "priv", NULL};

        switch (k) {
        case K_PEM:
                for (size_t i = 0; pem_key[i]; i++)
                        if (strcasestr(name, pem_key[i]))
                                return true;
                return false;
        case K_KEY: return !hull_lint_has_word(path, key_public);
        default: return true;
        }
}

/* ---- content checks: true when data holds the secret; *ret_what names it
 * (static string or a copy in buf) ---- */

/* The lines of data, without "\r". */
struct lines {
        const char *p, *end;
};

static bool next_line(struct lines *it, const char **ret, size_t *ret_n) {
        const char *nl;
        size_t n;

        if (it->p >= it->end)
                return false;
        nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
        n = nl ? (size_t)(nl - it->p) : (size_t)(it->end - it->p);
        *ret = it->p;
        it->p += n + (nl != NULL);
        if (n > 0 && (*ret)[n - 1] == '\r')
                n--;
        *ret_n = n;
        return true;
}

static void trim(const char **s, size_t *n) {
        while (*n > 0 && (**s == ' ' || **s == '\t')) {
                (*s)++;
                (*n)--;
        }
        while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
                (*n)--;
}

/* Split "key = value" (sep '=' or ':' as given) into trimmed key and value,
 * the value's quotes removed.  False for a comment or a line without sep. */
static bool split_assign(const char *line, size_t n, const char *seps, const char **ret_k,
                         size_t *ret_kn, const char **ret_v, size_t *ret_vn) {
        size_t i = strspn(line, " \t"), e;

        if (i >= n || line[i] == '#' || line[i] == ';')
                return false;
        for (e = i; e < n && !(line[e] && strchr(seps, line[e])); e++)
                ;
        if (e >= n)
                return false;
        *ret_k = line + i;
        *ret_kn = e - i;
        trim(ret_k, ret_kn);
        *ret_v = line + e + 1;
        *ret_vn = n - e - 1;
        trim(ret_v, ret_vn);
        if (*ret_vn >= 2 && ((*ret_v)[0] == '"' || (*ret_v)[0] == '\'') &&
            (*ret_v)[*ret_vn - 1] == (*ret_v)[0]) {
                (*ret_v)++;
                *ret_vn -= 2;
        }
        return *ret_kn > 0;
}

static bool holds_private_key(const char *d, size_t n) {
        static const char marker[] = "PRIVATE KEY";
        return memmem(d, n, marker, sizeof(marker) - 1) != NULL;
}

/* .env: the key of a KEY=value line (export KEY=value too) whose value is
 * not empty and not only ${VAR} references, into key. */
static bool env_assign(const char *line, size_t ln, char *key, size_t size) {
        const char *k, *v;
        size_t kn, vn;

        if (!split_assign(line, ln, "=", &k, &kn, &v, &vn) || vn == 0 || hull_lint_only_refs(v, vn))
                return false;
        if (kn > 7 && strncmp(k, "export ", 7) == 0) {
                k += 7;
                kn -= 7;
                trim(&k, &kn);
        }
        if (kn == 0 || kn >= size)
                return false;
        memcpy(key, k, kn);
        key[kn] = '\0';
        return true;
}

#define ENV_NAMES_SHOWN 3u

/* The number of settings in a .env; names gets the first few keys,
 * secret-looking ones first ("API_KEY, DB_PASSWORD and 4 more"). */
static size_t env_settings(const char *d, size_t n, char *names, size_t size) {
        size_t count = 0, shown = 0, len = 0;

        names[0] = '\0';
        /* pass 0 counts and names secret-looking keys, pass 1 names the others */
        for (int pass = 0; pass < 2; pass++) {
                struct lines it = {d, d + n};
                const char *line;
                size_t ln;
                while (next_line(&it, &line, &ln)) {
                        char key[128];
                        if (!env_assign(line, ln, key, sizeof(key)))
                                continue;
                        if (pass == 0)
                                count++;
                        if (shown == ENV_NAMES_SHOWN || hull_lint_secret_name(key) != (pass == 0))
                                continue;
                        len += (size_t)snprintf(names + len, size - len, "%s%s", shown ? ", " : "",
                                                key);
                        shown++;
                        if (len >= size)
                                len = size - 1;
                }
        }
        if (count > shown)
                snprintf(names + len, size - len, " and %zu more", count - shown);
        return count;
}

static bool holds_aws(const char *d, size_t n, const char **ret_what) {
        static const char *const keys[] = {"aws_secret_access_key", "aws_session_token", NULL};
        struct lines it = {d, d + n};
        const char *line, *k, *v;
        size_t ln, kn, vn;

        while (next_line(&it, &line, &ln)) {
                if (!split_assign(line, ln, "=", &k, &kn, &v, &vn) || vn == 0)
                        continue;
                for (size_t i = 0; keys[i]; i++)
                        if (kn == strlen(keys[i]) && strncasecmp(k, keys[i], kn) == 0) {
                                *ret_what = keys[i];
                                return true;
                        }
        }
        return false;
}

/* "auth": "<non-empty>" or "identitytoken": "<non-empty>" in the JSON. */
static bool holds_docker_auth(const char *d, size_t n, const char **ret_what) {
        static const char *const keys[] = {"\"auth\"", "\"identitytoken\"", NULL};

        for (size_t i = 0; keys[i]; i++) {
                size_t kl = strlen(keys[i]);
                for (const char *p = d, *end = d + n;
                     (p = memmem(p, (size_t)(end - p), keys[i], kl)); p += kl) {
                        const char *q = p + kl;
                        while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r'))
                                q++;
                        if (q >= end || *q++ != ':')
                                continue;
                        while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r'))
                                q++;
                        if (q + 1 < end && q[0] == '"' && q[1] != '"') {
                                *ret_what = i == 0 ? "an \"auth\" entry" : "an identity token";
                                return true;
                        }
                }
        }
        return false;
}

/* .npmrc: [//registry/:]_authToken / _auth / _password = literal. */
static bool holds_npmrc(const struct hull_audit_ctx *c, const char *d, size_t n,
                        const char **ret_what) {
        static const char *const keys[] = {"_authToken", "_auth", "_password", NULL};
        struct lines it = {d, d + n};
        const char *line, *k, *v;
        size_t ln, kn, vn;

        while (next_line(&it, &line, &ln)) {
                const char *colon;
                if (!split_assign(line, ln, "=", &k, &kn, &v, &vn))
                        continue;
                /* the key's last part after a scope "//host/path/:" */
                colon = memrchr(k, ':', kn);
                if (colon) {
                        kn -= (size_t)(colon + 1 - k);
                        k = colon + 1;
                }
                for (size_t i = 0; keys[i]; i++)
                        if (kn == strlen(keys[i]) && memcmp(k, keys[i], kn) == 0 &&
                            hull_audit_literal_secret(c, v, vn)) {
                                *ret_what = keys[i];
                                return true;
                        }
        }
        return false;
}

/* .pypirc: password = literal (password: literal) in any section. */
static bool holds_pypirc(const struct hull_audit_ctx *c, const char *d, size_t n) {
        struct lines it = {d, d + n};
        const char *line, *k, *v;
        size_t ln, kn, vn;

        while (next_line(&it, &line, &ln))
                if (split_assign(line, ln, "=:", &k, &kn, &v, &vn) && kn == 8 &&
                    strncasecmp(k, "password", 8) == 0 && hull_audit_literal_secret(c, v, vn))
                        return true;
        return false;
}

static bool netrc_blank(char ch) {
        return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* .netrc: the token "password" followed by a literal token. */
static bool holds_netrc(const struct hull_audit_ctx *c, const char *d, size_t n) {
        const char *p = d, *end = d + n;
        bool want = false;

        while (p < end) {
                const char *w;
                size_t wl;
                while (p < end && netrc_blank(*p))
                        p++;
                w = p;
                while (p < end && !netrc_blank(*p))
                        p++;
                wl = (size_t)(p - w);
                if (wl == 0)
                        break;
                if (want && hull_audit_literal_secret(c, w, wl))
                        return true;
                want = wl == 8 && memcmp(w, "password", 8) == 0;
        }
        return false;
}

/* .git-credentials: a line scheme://user:password@host. */
static bool holds_git_credentials(const char *d, size_t n) {
        struct lines it = {d, d + n};
        const char *line;
        size_t ln;

        while (next_line(&it, &line, &ln)) {
                const char *sep = memmem(line, ln, "://", 3), *at, *colon;
                if (!sep)
                        continue;
                sep += 3;
                at = memchr(sep, '@', ln - (size_t)(sep - line));
                if (!at)
                        continue;
                colon = memchr(sep, ':', (size_t)(at - sep));
                if (colon && colon + 1 < at)
                        return true;
        }
        return false;
}

/* Does one version's content hold the secret?  what/buf: the detail. */
static bool holds(const struct hull_audit_ctx *c, enum kind k, const char *d, size_t n,
                  const char **ret_what, char *buf, size_t size) {
        *ret_what = NULL;
        switch (k) {
        case K_SSH_KEY:
        case K_PEM:
        case K_KEY: return holds_private_key(d, n);
        case K_ENV:
                if (env_settings(d, n, buf, size) == 0)
                        return false;
                *ret_what = buf;
                return true;
        case K_AWS: return holds_aws(d, n, ret_what);
        case K_DOCKER: return holds_docker_auth(d, n, ret_what);
        case K_NPMRC: return holds_npmrc(c, d, n, ret_what);
        case K_PYPIRC: return holds_pypirc(c, d, n);
        case K_NETRC: return holds_netrc(c, d, n);
        case K_GIT_CREDENTIALS:
                if (!holds_git_credentials(d, n))
                        return false;
                *ret_what = "a URL with a password";
                return true;
        case K_HISTORY: return n > 0;
        }
        return false;
}

/* The version layers of n, oldest first: added_in, then changed_in[]. */
static unsigned version_layer(const struct hull_layers_node *n, size_t i) {
        return i == 0 ? hull_layers_node_added_in(n) : hull_layers_node_changed_in(n, i - 1);
}

static void check_file(struct hull_audit_ctx *c, const struct hull_layers_node *n, enum kind k,
                       const char *name) {
        char pathbuf[HULL_MAX_PATH_BYTES + 1], note[96], detail[160], size[32], older[96];
        size_t nversions = 1 + hull_layers_node_nchanged(n);
        struct hull_audit_where w = hull_audit_where_node(n, pathbuf, sizeof(pathbuf));
        const char *what = NULL;
        bool uncaptured = false, hit = false;
        size_t vi = nversions;

        if (hull_layers_node_size(n) == 0 && nversions == 1)
                return; /* an empty file holds nothing */
        /* newest first: the finding's layer is the newest version holding it */
        while (vi-- > 0) {
                const char *data;
                size_t len;
                if (!c->scan || hull_scan_capture_get(c->scan, version_layer(n, vi), pathbuf, &data,
                                                      &len) != HULL_OK) {
                        uncaptured = true;
                        continue;
                }
                if (holds(c, k, data, len, &what, detail, sizeof(detail))) {
                        hit = true;
                        break;
                }
        }
        hull_audit_deleted_note(&w, note, sizeof(note));
        if (hit) {
                older[0] = '\0';
                if (vi + 1 < nversions) {
                        w.layer = version_layer(n, vi);
                        snprintf(older, sizeof(older),
                                 "the version from layer %u, overwritten in layer %u", w.layer,
                                 version_layer(n, vi + 1));
                }
                if (k == K_HISTORY)
                        hull_audit_report_severity(
                                c, HULL_SEV_MEDIUM, &w, NULL,
                                "/%s is a shell history (%s%s%s): commands typed in the build "
                                "or a container, with any password or token given to them%s",
                                pathbuf,
                                hull_audit_bytes(hull_layers_node_size(n), size, sizeof(size)),
                                older[0] ? "; " : "", older, note);
                else if (k == K_ENV)
                        hull_audit_report(c, &w, NULL,
                                          "/%s is a .env file with settings, often secrets "
                                          "(%s%s%s)%s",
                                          pathbuf, what, older[0] ? "; " : "", older, note);
                else
                        hull_audit_report(c, &w, NULL, "/%s holds %s%s%s%s%s%s%s", pathbuf,
                                          kinds[k].holds, what || older[0] ? " (" : "",
                                          what ? what : "", what && older[0] ? "; " : "", older,
                                          what || older[0] ? ")" : "", note);
                return;
        }
        if (!uncaptured || !by_name(k, pathbuf, name))
                return; /* every version was read and none holds a secret */
        if (k == K_HISTORY)
                hull_audit_report_severity(
                        c, HULL_SEV_MEDIUM, &w, NULL,
                        "/%s is a shell history (%s): commands typed in the "
                        "build or a container, with any password or token "
                        "given to them (content not captured)%s",
                        pathbuf, hull_audit_bytes(hull_layers_node_size(n), size, sizeof(size)),
                        note);
        else
                hull_audit_report(c, &w, NULL,
                                  "/%s is %s (content not captured, reported by name)%s", pathbuf,
                                  kinds[k].by_name, note);
}

static void audit(struct hull_audit_ctx *c) {
        struct hull_layers_iter it;
        char path[HULL_MAX_PATH_BYTES + 1];

        hull_layers_iter_init(&it, c->L, HULL_LAYERS_ALL);
        for (const struct hull_layers_node *n; (n = hull_layers_iter_next(&it)) && !c->err;) {
                const char *name;
                int k;

                if (hull_layers_node_type(n) != HULL_ENTRY_FILE)
                        continue;
                name = hull_layers_node_name(n);
                /* cheap test on the name before building the path */
                if (name[0] != '.' && !hull_startswith(name, "id_") &&
                    !hull_endswith(name, ".pem") && !hull_endswith(name, ".key") &&
                    strcmp(name, "credentials") != 0 && strcmp(name, "config.json") != 0)
                        continue;
                hull_layers_node_path(n, path, sizeof(path));
                k = kind_of(path, path + strlen(path) - strlen(name));
                if (k >= 0)
                        check_file(c, n, (enum kind)k, name);
        }
}

const struct hull_rule hull_rule_HS4006 = {
        .id = "HS4006",
        .slug = "no-hardcoded-secrets",
        .severity = HULL_SEV_HIGH,
        .title = "Credential file in an image layer",
        .rationale = "Every layer of an image can be extracted by anyone who pulls it: a private "
                     "key, token or password file in any layer is disclosed, even when a later "
                     "layer deletes it.",
        .fix = "Keep the file out of the image (use a build secret: RUN --mount=type=secret) or "
               "delete it in the same RUN that created it, then rotate the credential",
        .hadolint = NULL,
        .trivy = NULL,
        .audit = audit,
};
