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

static void add(struct hull_audit_ctx *c, const struct hull_audit_hist *h,
                const struct hull_audit_where *w, void *ud) {
        const char *words[64];
        size_t lens[64], nw = 0, p = 0;
        char url[512];

        while (p < h->args_len && nw < ELEMENTSOF(words)) {
                size_t l = 0;
                while (p < h->args_len && (h->args[p] == ' ' || h->args[p] == '\t'))
                        p++;
                while (p + l < h->args_len && h->args[p + l] != ' ' && h->args[p + l] != '\t')
                        l++;
                if (l == 0)
                        break;
                if (!(l > 2 && h->args[p] == '-' && h->args[p + 1] == '-')) {
                        words[nw] = h->args + p;
                        lens[nw++] = l;
                }
                p += l;
        }
        if (h->nop && nw >= 1 && bare_hash(words[0], lens[0])) {
                /* classic "<src> in <dest>" */
                hull_audit_report(c, w, NULL,
                                  "ADD of a downloaded file: the classic builder records a URL "
                                  "source only by its content hash (%.12s...)",
                                  words[0]);
                return;
        }
        for (size_t k = 0; k + 1 < nw; k++)
                if (remote(words[k], lens[k]))
                        hull_audit_report(
                                c, w, NULL, "ADD of the remote source %s",
                                hull_audit_url_str(c, words[k], lens[k], url, sizeof(url)));
}

static void audit(struct hull_audit_ctx *c) {
        hull_audit_each_history(c, "ADD", add, NULL);
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
