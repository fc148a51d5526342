/* HS1019 add-instead-of-copy: ADD where COPY does the same.
 *
 * ADD fetches URLs and git repositories and unpacks local tar archives; for
 * anything else it is COPY with surprises.  Flagged: an ADD (in any stage)
 * whose every source, after ARG/ENV expansion, is a local path that does not
 * look like a tar archive (.tar, .tar.gz, .tgz, .tar.xz, .txz, .tar.bz2,
 * .tbz2, .tbz, .tar.zst, .tzst, .tar.lz4 ... case-insensitive), or a heredoc
 * (`ADD <<EOF /x`).  Not flagged: any source that is a URL (`scheme://`) or
 * a git address (`git@host:`), a source that expands to nothing (a build
 * argument without default), and ADD with --checksum, --keep-git-dir or
 * --unpack, which only make sense for remote sources.  ONBUILD ADD is left
 * alone. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

static bool ends_with(const char *s, size_t n, const char *suffix) {
        size_t l = strlen(suffix);
        return n >= l && strncasecmp(s + n - l, suffix, l) == 0;
}

static bool is_archive(const char *s, size_t n) {
        static const char *const sfx[] = {".tar",     ".tar.gz",   ".tgz", ".tar.xz",  ".txz",
                                          ".tar.bz2", ".tbz2",     ".tbz", ".tar.zst", ".tzst",
                                          ".tar.lz4", ".tar.lzma", ".tlz", ".tar.z",   ".taz"};
        for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++)
                if (ends_with(s, n, sfx[i]))
                        return true;
        return false;
}

static bool is_remote(const char *s) {
        const char *p = strstr(s, "://");
        if (p && p > s) {
                for (const char *q = s; q < p; q++)
                        if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
                              (*q >= '0' && *q <= '9') || *q == '+' || *q == '-' || *q == '.'))
                                return false;
                return true;
        }
        return strncmp(s, "git@", 4) == 0;
}

static bool is_heredoc_src(const struct hull_df_node *n, const char *s) {
        return n->nheredocs > 0 && strncmp(s, "<<", 2) == 0;
}

static void check(struct hull_lint_ctx *c) {
        for (size_t i = 0; i < c->m->ninstrs; i++) {
                const struct hull_df_instr *in = &c->m->instrs[i];
                const struct hull_df_node *n = in->node;
                char names[256];
                size_t len = 0, nsrc;
                bool ok = true, heredoc = false;

                if (in->kind != HULL_DF_ADD || in->nx < 2)
                        continue;
                if (hull_df_instr_flag(in, "checksum", NULL) ||
                    hull_df_instr_flag(in, "keep-git-dir", NULL) ||
                    hull_df_instr_flag(in, "unpack", NULL))
                        continue;
                nsrc = in->nx - 1;
                names[0] = '\0';
                for (size_t k = 0; k < nsrc && ok; k++) {
                        const char *src = in->x[k];
                        size_t sl = in->xlen ? in->xlen[k] : strlen(src);
                        if (is_heredoc_src(n, src)) {
                                heredoc = true;
                        } else if (!src[0] || is_remote(src) || is_archive(src, sl)) {
                                ok = false;
                                break;
                        }
                        if (len < sizeof(names) - 1) {
                                int w = snprintf(names + len, sizeof(names) - len, "%s'%s'",
                                                 k ? ", " : "", src);
                                len = w < 0 ? sizeof(names) - 1 : len + (size_t)w;
                                if (len >= sizeof(names))
                                        len = sizeof(names) - 1;
                        }
                }
                if (!ok)
                        continue;
                if (heredoc && nsrc == 1)
                        hull_lint_report(c, n->cmd.pos, NULL,
                                         "ADD of a heredoc only writes a file; use COPY");
                else
                        hull_lint_report(c, n->cmd.pos, NULL,
                                         "ADD of local %s %s does what COPY does; use COPY",
                                         nsrc == 1 ? "source" : "sources", names);
        }
}

const struct hull_rule hull_rule_HS1019 = {
        .id = "HS1019",
        .slug = "other",
        .severity = HULL_SEV_LOW,
        .title = "ADD where COPY suffices",
        .rationale = "ADD also downloads URLs and unpacks archives; using it for plain files hides "
                     "that magic from reviewers and invites surprises when a source later becomes "
                     "an archive.",
        .fix = "Replace ADD with COPY (keep ADD only for URLs, git sources and tar archives to "
               "unpack)",
        .hadolint = "DL3020",
        .trivy = "DS005",
        .check = check,
};
