/* HS4014 other: ADD of a remote source, seen in the image history.
 *
 * BuildKit writes ADD as given, flags included ("ADD --chown=1 https://x/y
 * /opt/ # buildkit"), so every source that is a URL (http, https, ftp) or
 * a git remote (git://, ssh://, git@host:path) is reported, one finding per
 * source.  The classic builder writes "ADD <hash> in <dest>": local files
 * as file:<hex>, directories as dir:<hex>, several sources as multi:<hex>,
 * and a downloaded URL as its bare content hash, so a bare 64-hex source
 * is a download whose URL the history did not keep.
 * ADD --checksum is not recorded in either form: an image cannot show
 * whether the download was verified (hullscan lint's HS1014 can). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "audit/audit.h"
#include "audit/common.h"
#include "basic/err.h"

static bool remote(const char *s, size_t n) {
        static const char *const schemes[] = {"http://", "https://", "ftp://", "git://", "ssh://"};
        for (size_t i = 0; i < ELEMENTSOF(schemes); i++) {
                size_t l = strlen(schemes[i]);
                if (n > l && strncasecmp(s, schemes[i], l) == 0)
                        return true;
        }
        /* scp-like git remote: git@github.com:org/repo.git */
        return n > 4 && memcmp(s, "git@", 4) == 0 && memchr(s, ':', n);
}

static bool bare_hash(const char *s, size_t n) {
        if (n != 64)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
                        return false;
        return true;
}

/* The URL for a message, its user-info (user:password@) and tokens masked. */
static const char *show_url(struct hull_audit_ctx *c, const char *s, size_t n, char *buf,
                            size_t size) {
        const char *sep = NULL, *at = NULL;
        char tmp[512];
        for (size_t i = 0; i + 2 < n; i++)
                if (memcmp(s + i, "://", 3) == 0) {
                        sep = s + i + 3;
                        break;
                }
        if (sep) {
                size_t rest = n - (size_t)(sep - s), hostlen = strcspn(sep, "/?#");
                if (hostlen > rest)
                        hostlen = rest;
                at = memchr(sep, '@', hostlen);
        }
        if (at)
                snprintf(tmp, sizeof(tmp), "%.*s***%.*s", (int)(sep - s), s,
                         (int)(n - (size_t)(at - s)), at);
        else
                snprintf(tmp, sizeof(tmp), "%.*s", (int)n, s);
        return hull_audit_redact_str(c, tmp, buf, size);
}

static void audit(struct hull_audit_ctx *c) {
        struct hull_audit_hist *h = hull_arena_alloc(c->arena, sizeof(*h));

        if (!h) {
                c->err = HULL_ENOMEM;
                return;
        }
        for (size_t i = 0; i < c->config->nhistory && !c->err; i++) {
                const struct hull_oci_history *e = &c->config->history[i];
                struct hull_audit_where w = {0};
                const char *words[64];
                size_t lens[64], nw = 0, p = 0;
                char field[64], url[512];

                hull_audit_hist_parse(e->created_by, h);
                if (!h->instr || strcmp(h->instr, "ADD") != 0)
                        continue;
                snprintf(field, sizeof(field), "history[%zu].created_by", i);
                w.field = field;
                if (e->layer >= 0 && (size_t)e->layer < c->img->nlayers) {
                        w.has_layer = true;
                        w.layer = (unsigned)e->layer;
                }
                while (p < h->args_len && nw < ELEMENTSOF(words)) {
                        size_t l = 0;
                        while (p < h->args_len && (h->args[p] == ' ' || h->args[p] == '\t'))
                                p++;
                        while (p + l < h->args_len && h->args[p + l] != ' ' &&
                               h->args[p + l] != '\t')
                                l++;
                        if (l == 0)
                                break;
                        if (!(l > 2 && h->args[p] == '-' && h->args[p + 1] == '-')) {
                                words[nw] = h->args + p;
                                lens[nw++] = l;
                        }
                        p += l;
                }
                if (h->nop) {
                        /* "<src> in <dest>" */
                        if (nw >= 1 && bare_hash(words[0], lens[0]))
                                hull_audit_report(c, &w, NULL,
                                                  "ADD of a downloaded file: the classic builder "
                                                  "records a URL source only by its content hash "
                                                  "(%.12s...)",
                                                  words[0]);
                        else
                                for (size_t k = 0; k + 1 < nw; k++)
                                        if (remote(words[k], lens[k]))
                                                hull_audit_report(c, &w, NULL,
                                                                  "ADD of the remote source %s",
                                                                  show_url(c, words[k], lens[k],
                                                                           url, sizeof(url)));
                        continue;
                }
                for (size_t k = 0; k + 1 < nw; k++)
                        if (remote(words[k], lens[k]))
                                hull_audit_report(c, &w, NULL, "ADD of the remote source %s",
                                                  show_url(c, words[k], lens[k], url, sizeof(url)));
        }
}

const struct hull_rule hull_rule_HS4014 = {
        .id = "HS4014",
        .slug = "other",
        .severity = HULL_SEV_LOW,
        .title = "Image built with ADD of a remote URL",
        .rationale = "ADD fetches a URL at build time; the history does not say whether the "
                     "download was checked, and a changed or hijacked URL changes the image "
                     "silently.",
        .fix = "Use ADD --checksum=sha256:<digest> (check with hullscan lint, HS1014), or download "
               "with curl and verify the sha256 in the same RUN",
        .hadolint = NULL,
        .trivy = NULL,
        .audit = audit,
};
