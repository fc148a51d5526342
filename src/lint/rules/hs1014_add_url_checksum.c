/* HS1014 pinned-versions: ADD of a remote URL that nothing pins.
 *
 * ADD fetches http(s) URLs at build time; without --checksum=sha256:... the
 * content is whatever the server returns that day.  Git sources (what
 * BuildKit clones: git://, ssh://, user@host:path, and http(s) URLs whose
 * path ends in .git) are pinned when the ref is a full commit id
 * (#<40 or 64 hex>, or ?ref=<hex>), when the URL carries checksum= / commit=,
 * or with --checksum; a branch or tag ref, or no ref at all, can move.
 * Decided on the expanded sources (instr->x), in every stage.  ftp:// and
 * other schemes are not remote sources for ADD (BuildKit reads them as
 * context paths) and are not flagged. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

static bool is_http(const char *s) {
        return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

/* BuildKit's gitutil.ParseGitRef, as ADD uses it. */
static bool is_git(const char *s) {
        size_t n;

        if (strncmp(s, "git://", 6) == 0 || strncmp(s, "ssh://", 6) == 0)
                return true;
        if (is_http(s)) {
                n = strcspn(s, "#?");
                return n >= 4 && strncmp(s + n - 4, ".git", 4) == 0 && strchr(s + 8, '/') &&
                       strchr(s + 8, '/') < s + n;
        }
        /* scp-like user@host:path */
        n = strcspn(s, "@:/");
        return n > 0 && s[n] == '@' && s[n + 1 + strcspn(s + n + 1, ":/")] == ':';
}

static bool all_hex(const char *s, size_t n) {
        if (n != 40 && n != 64)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!isxdigit((unsigned char)s[i]))
                        return false;
        return true;
}

/* The git URL names a commit, or carries a checksum; *ret_ref/len get the ref
 * as written (length 0: none). */
static bool git_pinned(const char *s, const char **ret_ref, size_t *ret_len) {
        const char *frag = strchr(s, '#'), *q = strchr(s, '?');

        if (frag && q > frag)
                q = NULL;
        *ret_len = 0;
        if (frag) {
                *ret_ref = frag + 1;
                *ret_len = strcspn(frag + 1, ":");
                if (all_hex(*ret_ref, *ret_len))
                        return true;
        }
        for (const char *p = q; p && *p && p != frag;) {
                size_t l = strcspn(++p, "&#");
                if (strncmp(p, "checksum=", 9) == 0 || strncmp(p, "commit=", 7) == 0)
                        return true;
                if (strncmp(p, "ref=", 4) == 0) {
                        *ret_ref = p + 4;
                        *ret_len = l - 4;
                        if (all_hex(*ret_ref, *ret_len))
                                return true;
                }
                p += l;
                if (*p != '&')
                        break;
        }
        return false;
}

static void check(struct hull_lint_ctx *c) {
        for (size_t i = 0; i < c->m->ninstrs; i++) {
                const struct hull_df_instr *in = &c->m->instrs[i];
                const char *sum, *ref = NULL;
                size_t rlen;

                if (in->kind != HULL_DF_ADD || in->nx < 2)
                        continue;
                sum = hull_df_instr_flag(in, "checksum", NULL);
                if (sum && *sum)
                        continue;
                for (size_t k = 0; k + 1 < in->nx; k++) {
                        const struct hull_df_node *n = in->node;
                        const char *src = in->x[k];
                        struct hull_pos pos = k < n->nvalues ? n->values[k].pos : n->cmd.pos;
                        char shown[1024];

                        /* name the source as written, and as expanded when that differs */
                        if (k < n->nvalues && strcmp(n->values[k].s, src) != 0)
                                snprintf(shown, sizeof(shown), "%s' ('%s')", n->values[k].s, src);
                        else
                                snprintf(shown, sizeof(shown), "%s'", src);
                        if (is_git(src)) {
                                if (git_pinned(src, &ref, &rlen))
                                        continue;
                                if (rlen)
                                        hull_lint_report(
                                                c, pos, NULL,
                                                "ADD clones '%s at '%.*s', a ref that can "
                                                "move; pin a full commit id or add --checksum",
                                                shown, (int)rlen, ref);
                                else
                                        hull_lint_report(
                                                c, pos, NULL,
                                                "ADD clones '%s at its default branch, which "
                                                "moves; pin a full commit id or add --checksum",
                                                shown);
                        } else if (is_http(src)) {
                                hull_lint_report(c, pos, NULL,
                                                 "ADD downloads '%s without --checksum, so its "
                                                 "content is not verified",
                                                 shown);
                        }
                }
        }
}

const struct hull_rule hull_rule_HS1014 = {
        .id = "HS1014",
        .slug = "pinned-versions",
        .severity = HULL_SEV_MEDIUM,
        .title = "ADD of a remote source without a checksum",
        .rationale =
                "A file fetched by URL, or a repository cloned at a branch or tag, can change "
                "between "
                "builds or be replaced by an attacker; nothing checks that the build gets what was "
                "reviewed.",
        .fix = "Add --checksum=sha256:<digest> to ADD of a URL, and pin git sources to a full "
               "commit id "
               "(#<sha>) or --checksum",
        .hadolint = NULL,
        .trivy = NULL,
        .check = check,
};
