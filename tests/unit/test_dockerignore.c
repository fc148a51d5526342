/* test_dockerignore.c - .dockerignore reading, matching and the context walk
 * (src/lint/dockerignore.c).
 *
 * Many vectors are data taken from the Apache-2.0 test suites of
 * moby/patternmatcher (patternmatcher_test.go: TestMatches, matchTests,
 * compileTests; ignorefile/ignorefile_test.go: TestReadAll) and
 * moby/buildkit (frontend/dockerfile/dockerignore); each table says which.
 * The rest pin down Go regexp behaviour that Docker's translation exposes,
 * the limits, and the walk over a real temporary directory. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "basic/alloc.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "lint/dockerignore.h"
#include "t.h"

/* Parse one pattern list (one per line); NULL on error. */
static struct hull_dockerignore *parse_lines(const char *text) {
        struct hull_dockerignore *ig = NULL;
        struct hull_diag d;
        hull_diag_init(&d);
        if (hull_dockerignore_parse(text, strlen(text), ".dockerignore", &ig, &d) != HULL_OK)
                return NULL;
        return ig;
}

/* MatchesOrParentMatches of path against patterns (one per line):
 * 1 excluded, 0 not, -code on error. */
static int mopm(const char *patterns, const char *path) {
        _cleanup_(hull_dockerignore_freep) struct hull_dockerignore *ig = NULL;
        struct hull_diag d;
        bool ex;
        int r;

        hull_diag_init(&d);
        r = hull_dockerignore_parse(patterns, strlen(patterns), NULL, &ig, &d);
        if (r != HULL_OK)
                return -r;
        r = hull_dockerignore_matches(ig, path, &ex, &d);
        if (r != HULL_OK)
                return -r;
        return ex;
}

/* MatchesUsingParentResults along the path's parent chain (what a walk does). */
static int mupr(const char *patterns, const char *path) {
        _cleanup_(hull_dockerignore_freep) struct hull_dockerignore *ig = NULL;
        struct hull_diag d;
        uint8_t rows[2][64];
        const uint8_t *parent = NULL;
        char buf[512];
        bool ex = false;
        int cur = 0, r;

        hull_diag_init(&d);
        if ((r = hull_dockerignore_parse(patterns, strlen(patterns), NULL, &ig, &d)) != HULL_OK)
                return -r;
        snprintf(buf, sizeof(buf), "%s", path);
        /* each parent directory (Dir, then its prefixes), then the path */
        char *last = strrchr(buf, '/');
        if (last && last != buf) {
                for (char *p = buf;; p++) {
                        if (*p == '/' || p == last) {
                                char c = *p;
                                *p = '\0';
                                if ((r = hull_dockerignore_matches_parent(ig, buf, parent,
                                                                          rows[cur], &ex, &d)))
                                        return -r;
                                parent = rows[cur];
                                cur ^= 1;
                                *p = c;
                                if (p == last)
                                        break;
                        }
                }
        }
        if ((r = hull_dockerignore_matches_parent(ig, path, parent, rows[cur], &ex, &d)))
                return -r;
        return ex;
}

/* ---- reading ----------------------------------------------------------------- */

TEST(read_all) {
        /* moby/patternmatcher ignorefile_test.go TestReadAll content; the
         * last two lines ("!" and "! ") make New fail, so they are checked
         * separately below */
        static const char content[] =
                "test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n"
                "! /inverted/abs/path\n";
        static const char *const want[] = {"test1", "test2", "a/file/here", "lastfile",
                                           "inverted/abs/path"};
        _cleanup_(hull_dockerignore_freep) struct hull_dockerignore *ig = parse_lines(content);

        T_TRUE(ig != NULL);
        if (!ig)
                return;
        T_EQ(hull_dockerignore_count(ig), 5);
        for (size_t i = 0; i < 5 && i < hull_dockerignore_count(ig); i++)
                T_STREQ(hull_dockerignore_get(ig, i)->text, want[i]);
        T_TRUE(hull_dockerignore_get(ig, 4)->exclusion);
        T_TRUE(!hull_dockerignore_get(ig, 0)->exclusion);
        T_EQ(hull_dockerignore_get(ig, 4)->line, 7);
        T_TRUE(hull_dockerignore_has_exceptions(ig));
        T_TRUE(parse_lines("a\n!\n") == NULL);
        T_TRUE(parse_lines("a\n! \n") == NULL);
        T_TRUE(parse_lines("!/\n") == NULL); /* "!/" cleans to "!" in New */
}

TEST(read_details) {
        struct {
                const char *in;
                const char *first; /* first pattern, NULL: none */
                size_t n;
        } v[] = {
                {"\xEF\xBB\xBF*.go\n", "*.go", 1}, /* BOM dropped (buildkit) */
                {"a\n\xEF\xBB\xBF"
                 "b\n",
                 "a", 2},                                           /* only on line 1 */
                {"# c\n  # not a comment\n", "# not a comment", 1}, /* '#' in column 1 only */
                {"\xEF\xBB\xBF# comment\nx\n", "x", 1},             /* BOM then comment */
                {"foo/\r\n", "foo", 1},                             /* CR dropped, Clean */
                {"  ./a/../b//c/.  \n", "b/c", 1},
                {"\t/\n", "/", 1}, /* "/" stays */
                {"//x\n", "x", 1},
                {"../x\n", "../x", 1},
                {"/../x\n", "x", 1},
                {"\xC2\xA0sp\xE3\x80\x80\n", "sp", 1}, /* Unicode spaces trimmed */
                {"!  a/b/  \n", "a/b", 1},
                {"\n\n   \n\t\n", NULL, 0},
                {"", NULL, 0},
                {"last", "last", 1},
        };
        for (size_t i = 0; i < ELEMENTSOF(v); i++) {
                _cleanup_(hull_dockerignore_freep) struct hull_dockerignore *ig =
                        parse_lines(v[i].in);
                T_TRUE(ig != NULL);
                if (!ig)
                        continue;
                T_EQ(hull_dockerignore_count(ig), v[i].n);
                if (v[i].first && hull_dockerignore_count(ig))
                        T_STREQ(hull_dockerignore_get(ig, 0)->text, v[i].first);
        }
}

TEST(read_limits) {
        struct hull_dockerignore *ig = NULL;
        struct hull_diag d;
        size_t n = HULL_MAX_DOCKERIGNORE_LINE_BYTES + 1;
        char *big = malloc(n + 2);

        /* a line of 65535 bytes is fine, 65536 is bufio's "token too long" */
        memset(big, 'a', n + 1);
        big[n - 1] = '\n';
        hull_diag_init(&d);
        T_EQ(hull_dockerignore_parse(big, n, NULL, &ig, &d), HULL_OK);
        ig = hull_dockerignore_free(ig);
        hull_diag_init(&d);
        big[n - 1] = 'a';
        T_EQ(hull_dockerignore_parse(big, n, NULL, &ig, &d), HULL_EPARSE); /* no newline: 65536 */
        T_TRUE(strstr(d.msg, "token too long") != NULL);
        T_EQ(d.line, 1);
        free(big);

        /* pattern count */
        size_t np = HULL_MAX_DOCKERIGNORE_PATTERNS + 1;
        char *many = malloc(np * 2 + 1);
        for (size_t i = 0; i < np; i++) {
                many[2 * i] = 'x';
                many[2 * i + 1] = '\n';
        }
        hull_diag_init(&d);
        T_EQ(hull_dockerignore_parse(many, np * 2, NULL, &ig, &d), HULL_ELIMIT);
        T_EQ(hull_dockerignore_parse(many, (np - 1) * 2, NULL, &ig, &d), HULL_OK);
        ig = hull_dockerignore_free(ig);
        free(many);
        T_EQ(hull_dockerignore_parse("x", HULL_MAX_DOCKERIGNORE_BYTES + 1, NULL, &ig, &d),
             HULL_ELIMIT);
}

TEST(clean) {
        /* Go's path/filepath Clean tests (cleantests, Unix part) */
        static const char *const v[][2] = {
                {"abc", "abc"},
                {"abc/def", "abc/def"},
                {"a/b/c", "a/b/c"},
                {".", "."},
                {"..", ".."},
                {"../..", "../.."},
                {"../../abc", "../../abc"},
                {"/abc", "/abc"},
                {"/", "/"},
                {"", "."},
                {"abc/", "abc"},
                {"abc/def/", "abc/def"},
                {"a/b/c/", "a/b/c"},
                {"./", "."},
                {"../", ".."},
                {"../../", "../.."},
                {"/abc/", "/abc"},
                {"abc//def//ghi", "abc/def/ghi"},
                {"//abc", "/abc"},
                {"///abc", "/abc"},
                {"//abc//", "/abc"},
                {"abc//", "abc"},
                {"abc/./def", "abc/def"},
                {"/./abc/def", "/abc/def"},
                {"abc/.", "abc"},
                {"abc/def/ghi/../jkl", "abc/def/jkl"},
                {"abc/def/../ghi/../jkl", "abc/jkl"},
                {"abc/def/..", "abc"},
                {"abc/def/../..", "."},
                {"/abc/def/../..", "/"},
                {"abc/def/../../..", ".."},
                {"/abc/def/../../..", "/"},
                {"abc/def/../../../ghi/jkl/../../../mno", "../../mno"},
                {"/../abc", "/abc"},
                {"abc/./../def", "def"},
                {"abc//./../def", "def"},
                {"abc/../../././../def", "../../def"},
        };
        for (size_t i = 0; i < ELEMENTSOF(v); i++) {
                char out[64];
                size_t n = hull_dockerignore_clean(v[i][0], strlen(v[i][0]), out);
                T_EQ(n, strlen(out));
                T_STREQ(out, v[i][1]);
        }
}

/* ---- filepath.Match ------------------------------------------------------------ */

TEST(filepath_match) {
        /* Go's path/filepath matchTests (Unix), Apache-compatible BSD data */
        static const struct {
                const char *pattern, *s;
                int want; /* 1 match, 0 no, -1 ErrBadPattern */
        } v[] = {
                {"abc", "abc", 1},
                {"*", "abc", 1},
                {"*c", "abc", 1},
                {"a*", "a", 1},
                {"a*", "abc", 1},
                {"a*", "ab/c", 0},
                {"a*/b", "abc/b", 1},
                {"a*/b", "a/c/b", 0},
                {"a*b*c*d*e*/f", "axbxcxdxe/f", 1},
                {"a*b*c*d*e*/f", "axbxcxdxexxx/f", 1},
                {"a*b*c*d*e*/f", "axbxcxdxe/xxx/f", 0},
                {"a*b*c*d*e*/f", "axbxcxdxexxx/fff", 0},
                {"a*b?c*x", "abxbbxdbxebxczzx", 1},
                {"a*b?c*x", "abxbbxdbxebxczzy", 0},
                {"ab[c]", "abc", 1},
                {"ab[b-d]", "abc", 1},
                {"ab[e-g]", "abc", 0},
                {"ab[^c]", "abc", 0},
                {"ab[^b-d]", "abc", 0},
                {"ab[^e-g]", "abc", 1},
                {"a\\*b", "a*b", 1},
                {"a\\*b", "ab", 0},
                {"a?b",
                 "a\xE2\x98\xBA"
                 "b",
                 1},
                {"a[^a]b",
                 "a\xE2\x98\xBA"
                 "b",
                 1},
                {"a???b",
                 "a\xE2\x98\xBA"
                 "b",
                 0},
                {"a[^a][^a][^a]b",
                 "a\xE2\x98\xBA"
                 "b",
                 0},
                {"[a-\xCE\xB6]*", "\xCE\xB1", 1},
                {"*[a-\xCE\xB6]", "A", 0},
                {"a?b", "a/b", 0},
                {"a*b", "a/b", 0},
                {"[\\]a]", "]", 1},
                {"[\\-]", "-", 1},
                {"[x\\-]", "x", 1},
                {"[x\\-]", "-", 1},
                {"[x\\-]", "z", 0},
                {"[\\-x]", "x", 1},
                {"[\\-x]", "-", 1},
                {"[\\-x]", "a", 0},
                {"[]a]", "]", -1},
                {"[-]", "-", -1},
                {"[x-]", "x", -1},
                {"[x-]", "-", -1},
                {"[x-]", "z", -1},
                {"[-x]", "x", -1},
                {"[-x]", "-", -1},
                {"[-x]", "a", -1},
                {"\\", "a", -1},
                {"[a-b-c]", "a", -1},
                {"[", "a", -1},
                {"[^", "a", -1},
                {"[^bc", "a", -1},
                {"a[", "a", -1},
                {"a[", "ab", -1},
                {"a[", "x", -1},
                {"a/b[", "x", -1},
                {"*x", "xxx", 1},
        };
        for (size_t i = 0; i < ELEMENTSOF(v); i++) {
                bool m = false;
                int r = hull_dockerignore_filepath_match(v[i].pattern, strlen(v[i].pattern), v[i].s,
                                                         strlen(v[i].s), &m);
                int got = r == HULL_EPARSE ? -1 : m;
                if (got != v[i].want)
                        T_FAIL_AT("filepath.Match(%s, %s) = %d, want %d", v[i].pattern, v[i].s, got,
                                  v[i].want);
        }
}

/* ---- classification and translation (patternmatcher compileTests) ------------- */

TEST(compile) {
        static const struct {
                const char *pattern;
                enum hull_dockerignore_kind kind;
                const char *regex;
        } v[] = {
                {"*", HULL_DOCKERIGNORE_REGEXP, "^[^/]*$"},
                {"file*", HULL_DOCKERIGNORE_REGEXP, "^file[^/]*$"},
                {"*file", HULL_DOCKERIGNORE_REGEXP, "^[^/]*file$"},
                {"a*/b", HULL_DOCKERIGNORE_REGEXP, "^a[^/]*/b$"},
                {"**", HULL_DOCKERIGNORE_SUFFIX, NULL},
                {"**/**", HULL_DOCKERIGNORE_REGEXP, "^(.*/)?.*$"},
                {"dir/**", HULL_DOCKERIGNORE_PREFIX, NULL},
                {"**/dir", HULL_DOCKERIGNORE_SUFFIX, NULL},
                {"**/dir2/*", HULL_DOCKERIGNORE_REGEXP, "^(.*/)?dir2/[^/]*$"},
                {"**/dir2/**", HULL_DOCKERIGNORE_REGEXP, "^(.*/)?dir2/.*$"},
                {"**file", HULL_DOCKERIGNORE_SUFFIX, NULL},
                {"**/file*txt", HULL_DOCKERIGNORE_REGEXP, "^(.*/)?file[^/]*txt$"},
                {"**/**/*.txt", HULL_DOCKERIGNORE_REGEXP, "^(.*/)?(.*/)?[^/]*\\.txt$"},
                {"a[b-d]e", HULL_DOCKERIGNORE_REGEXP, "^a[b-d]e$"},
                {".*", HULL_DOCKERIGNORE_REGEXP, "^\\.[^/]*$"},
                {"abc.def", HULL_DOCKERIGNORE_EXACT, NULL},
                {"abc?def", HULL_DOCKERIGNORE_REGEXP, "^abc[^/]def$"},
                {"**/foo/bar", HULL_DOCKERIGNORE_SUFFIX, NULL},
                {"a(b)c/def", HULL_DOCKERIGNORE_EXACT, NULL},
                {"a.|)$(}+{bc", HULL_DOCKERIGNORE_EXACT, NULL},
                {"dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", HULL_DOCKERIGNORE_EXACT,
                 NULL},
                /* ours */
                {"a\\.b", HULL_DOCKERIGNORE_REGEXP, "^a\\.b$"},
                {"x\xFFy*", HULL_DOCKERIGNORE_REGEXP,
                 "^x\xEF\xBF\xBDy[^/]*$"}, /* invalid byte -> U+FFFD */
                {"a/**/b", HULL_DOCKERIGNORE_REGEXP, "^a/(.*/)?b$"},
                {"***", HULL_DOCKERIGNORE_REGEXP, "^(.*/)?[^/]*$"},
                {"[*]", HULL_DOCKERIGNORE_REGEXP, "^[[^/]*]$"},
        };
        for (size_t i = 0; i < ELEMENTSOF(v); i++) {
                _cleanup_(hull_dockerignore_freep) struct hull_dockerignore *ig =
                        parse_lines(v[i].pattern);
                T_TRUE(ig != NULL);
                if (!ig || hull_dockerignore_count(ig) != 1)
                        continue;
                const struct hull_dockerignore_pattern *p = hull_dockerignore_get(ig, 0);
                if (p->kind != v[i].kind)
                        T_FAIL_AT("%s: kind %d, want %d", v[i].pattern, (int)p->kind,
                                  (int)v[i].kind);
                if (v[i].regex)
                        T_STREQ(p->regex, v[i].regex);
                else
                        T_TRUE(p->regex == NULL);
        }
}

/* ---- matching ----------------------------------------------------------------- */

/* patternmatcher_test.go TestMatches: {pattern, text, pass} where pass is
 * fail (0), exact (1: MatchesExact too) or inexact (2: only with parents). */
static const struct {
        const char *pattern, *text;
        int pass;
} matches_tests[] = {
        {"**", "file", 1},
        {"**", "file/", 1},
        {"**/", "file", 1},
        {"**/", "file/", 1},
        {"**", "/", 1},
        {"**/", "/", 1},
        {"**", "dir/file", 1},
        {"**/", "dir/file", 1},
        {"**", "dir/file/", 1},
        {"**/", "dir/file/", 1},
        {"**/**", "dir/file", 1},
        {"**/**", "dir/file/", 1},
        {"dir/**", "dir/file", 1},
        {"dir/**", "dir/file/", 1},
        {"dir/**", "dir/dir2/file", 1},
        {"dir/**", "dir/dir2/file/", 1},
        {"**/dir", "dir", 1},
        {"**/dir", "dir/file", 2},
        {"**/dir2/*", "dir/dir2/file", 1},
        {"**/dir2/*", "dir/dir2/file/", 2},
        {"**/dir2/**", "dir/dir2/dir3/file", 1},
        {"**/dir2/**", "dir/dir2/dir3/file/", 1},
        {"**file", "file", 1},
        {"**file", "dir/file", 1},
        {"**/file", "dir/file", 1},
        {"**file", "dir/dir/file", 1},
        {"**/file", "dir/dir/file", 1},
        {"**/file*", "dir/dir/file", 1},
        {"**/file*", "dir/dir/file.txt", 1},
        {"**/file*txt", "dir/dir/file.txt", 1},
        {"**/file*.txt", "dir/dir/file.txt", 1},
        {"**/file*.txt*", "dir/dir/file.txt", 1},
        {"**/**/*.txt", "dir/dir/file.txt", 1},
        {"**/**/*.txt2", "dir/dir/file.txt", 0},
        {"**/*.txt", "file.txt", 1},
        {"**/**/*.txt", "file.txt", 1},
        {"a**/*.txt", "a/file.txt", 1},
        {"a**/*.txt", "a/dir/file.txt", 1},
        {"a**/*.txt", "a/dir/dir/file.txt", 1},
        {"a/*.txt", "a/dir/file.txt", 0},
        {"a/*.txt", "a/file.txt", 1},
        {"a/*.txt**", "a/file.txt", 1},
        {"a[b-d]e", "ae", 0},
        {"a[b-d]e", "ace", 1},
        {"a[b-d]e", "aae", 0},
        {"a[^b-d]e", "aze", 1},
        {".*", ".foo", 1},
        {".*", "foo", 0},
        {"abc.def", "abcdef", 0},
        {"abc.def", "abc.def", 1},
        {"abc.def", "abcZdef", 0},
        {"abc?def", "abcZdef", 1},
        {"abc?def", "abcdef", 0},
        {"**/foo/bar", "foo/bar", 1},
        {"**/foo/bar", "dir/foo/bar", 1},
        {"**/foo/bar", "dir/dir2/foo/bar", 1},
        {"abc/**", "abc", 0},
        {"abc/**", "abc/def", 1},
        {"abc/**", "abc/def/ghi", 1},
        {"**/.foo", ".foo", 1},
        {"**/.foo", "bar.foo", 0},
        {"a(b)c/def", "a(b)c/def", 1},
        {"a(b)c/def", "a(b)c/xyz", 0},
        {"a.|)$(}+{bc", "a.|)$(}+{bc", 1},
        {"dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
         "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", 1},
        {"dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", 1},
        {"a\\\\", "a\\", 1},
        {"a\\*b", "a*b", 1},
};

TEST(matches_or_parent_matches) {
        for (size_t i = 0; i < ELEMENTSOF(matches_tests); i++) {
                int got = mopm(matches_tests[i].pattern, matches_tests[i].text);
                int want = matches_tests[i].pass != 0;
                if (got != want)
                        T_FAIL_AT("MatchesOrParentMatches(%s, %s) = %d, want %d",
                                  matches_tests[i].pattern, matches_tests[i].text, got, want);
                got = mupr(matches_tests[i].pattern, matches_tests[i].text);
                if (got != want)
                        T_FAIL_AT("MatchesUsingParentResults(%s, %s) = %d, want %d",
                                  matches_tests[i].pattern, matches_tests[i].text, got, want);
        }
}

TEST(multi_pattern) {
        /* patternmatcher_test.go multiPatternTests, and the Docker docs' examples */
        static const struct {
                const char *patterns, *text;
                int want;
        } v[] = {
                {"**\n!util/docker/web", "util/docker/web/foo", 0},
                {"**\n!util/docker/web\nutil/docker/web/foo", "util/docker/web/foo", 1},
                {"**\n!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
                 "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", 0},
                {"**\n!dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", 0},
                /* TestExclusionPatternMatchesPatternBefore / After, folder exclusions */
                {"!fileutils.go\n*.go", "fileutils.go", 1},
                {"*.go\n!fileutils.go", "fileutils.go", 0},
                {"docs\n!docs/README.md", "docs/README.md", 0},
                {"docs/\n!docs/README.md", "docs/README.md", 0},
                {"docs/*\n!docs/README.md", "docs/README.md", 0},
                /* docs.docker.com .dockerignore examples */
                {"*.md\n!README*.md\nREADME-secret.md", "README-secret.md", 1},
                {"*.md\n!README*.md\nREADME-secret.md", "README.md", 0},
                {"*.md\nREADME-secret.md\n!README*.md", "README-secret.md", 0},
                {"*/temp*", "somedir/temporary.txt", 1},
                {"*/temp*", "somedir/temp", 1},
                {"*/temp*", "temp", 0},
                {"*/*/temp*", "somedir/subdir/temporary.txt", 1},
                {"temp?", "tempa", 1},
                {"temp?", "tempab", 0},
                {"**/*.go", "main.go", 1},
                {"**/*.go", "a/b/c.go", 1},
                {"/foo/bar", "foo/bar", 1},
                {"foo/bar", "x/foo/bar", 0},
                /* a directory excluded: everything below too */
                {".git", ".git/HEAD", 1},
                {".git/", ".git/objects/ab/cdef", 1},
                {"*\n!src", "src/main.c", 0},
                {"*\n!src", "doc/x", 1},
        };
        for (size_t i = 0; i < ELEMENTSOF(v); i++) {
                int got = mopm(v[i].patterns, v[i].text);
                if (got != v[i].want)
                        T_FAIL_AT("[%s] %s = %d, want %d", v[i].patterns, v[i].text, got,
                                  v[i].want);
                got = mupr(v[i].patterns, v[i].text);
                if (got != v[i].want)
                        T_FAIL_AT("parents [%s] %s = %d, want %d", v[i].patterns, v[i].text, got,
                                  v[i].want);
        }
}

TEST(match_tests) {
        /* patternmatcher_test.go matchTests (from Go's filepath tests), run
         * through Matches(): the path is cleaned, "." never matches */
        static const struct {
                const char *pattern, *s;
                int want; /* -1: New() fails with ErrBadPattern */
        } v[] = {
                {"abc", "abc", 1},
                {"*", "abc", 1},
                {"*c", "abc", 1},
                {"a*", "a", 1},
                {"a*", "abc", 1},
                {"a*", "ab/c", 1},
                {"a*/b", "abc/b", 1},
                {"a*/b", "a/c/b", 0},
                {"a*b*c*d*e*/f", "axbxcxdxe/f", 1},
                {"a*b*c*d*e*/f", "axbxcxdxexxx/f", 1},
                {"a*b*c*d*e*/f", "axbxcxdxe/xxx/f", 0},
                {"a*b*c*d*e*/f", "axbxcxdxexxx/fff", 0},
                {"a*b?c*x", "abxbbxdbxebxczzx", 1},
                {"a*b?c*x", "abxbbxdbxebxczzy", 0},
                {"ab[c]", "abc", 1},
                {"ab[b-d]", "abc", 1},
                {"ab[e-g]", "abc", 0},
                {"ab[^c]", "abc", 0},
                {"ab[^b-d]", "abc", 0},
                {"ab[^e-g]", "abc", 1},
                {"a\\*b", "a*b", 1},
                {"a\\*b", "ab", 0},
                {"a?b",
                 "a\xE2\x98\xBA"
                 "b",
                 1},
                {"a[^a]b",
                 "a\xE2\x98\xBA"
                 "b",
                 1},
                {"a???b",
                 "a\xE2\x98\xBA"
                 "b",
                 0},
                {"a[^a][^a][^a]b",
                 "a\xE2\x98\xBA"
                 "b",
                 0},
                {"[a-\xCE\xB6]*", "\xCE\xB1", 1},
                {"*[a-\xCE\xB6]", "A", 0},
                {"a?b", "a/b", 0},
                {"a*b", "a/b", 0},
                {"[\\]a]", "]", 1},
                {"[\\-]", "-", 1},
                {"[x\\-]", "x", 1},
                {"[x\\-]", "-", 1},
                {"[x\\-]", "z", 0},
                {"[\\-x]", "x", 1},
                {"[\\-x]", "-", 1},
                {"[\\-x]", "a", 0},
                {"[]a]", "]", -1},
                {"[-]", "-", -1},
                {"[x-]", "x", -1},
                {"[x-]", "-", -1},
                {"[x-]", "z", -1},
                {"[-x]", "x", -1},
                {"[-x]", "-", -1},
                {"[-x]", "a", -1},
                {"\\", "a", -1},
                {"[a-b-c]", "a", -1},
                {"[", "a", -1},
                {"[^", "a", -1},
                {"[^bc", "a", -1},
                {"a[", "a", -1},
                {"a[", "ab", -1},
                {"*x", "xxx", 1},
                /* TestMatchesWithMalformedPatterns, TestWildcardMatches, TestPatternMatches */
                {"[", "/any/path/there", -1},
                {"*", "fileutils.go", 1},
                {"*.go", "fileutils.go", 1},
                {"*.go", ".", 0},
        };
        for (size_t i = 0; i < ELEMENTSOF(v); i++) {
                char clean[256];
                hull_dockerignore_clean(v[i].s, strlen(v[i].s), clean);
                int got = mopm(v[i].pattern, clean);
                if (strcmp(clean, ".") == 0 && got >= 0)
                        got = 0;
                if (got == -HULL_EPARSE)
                        got = -1;
                if (got != v[i].want)
                        T_FAIL_AT("Matches(%s, %s) = %d, want %d", v[i].s, v[i].pattern, got,
                                  v[i].want);
        }
}

/* What Docker's regexp translation does beyond filepath.Match (checked
 * against Go's regexp package; see docs/internals/dockerignore.md). */
TEST(go_regexp_semantics) {
        static const struct {
                const char *pattern, *path;
                int want; /* 1, 0, or -HULL_E* */
        } v[] = {
                /* classes are copied into the regexp: '*' or '?' inside one break it up */
                {"[*]", "*", 0}, /* becomes [[^/]*]: a class {[,^,/} repeated, then ']' */
                {"[*]", "]", 1},
                {"[*]", "[^]", 1},
                {"x[?]", "x^]", 1},
                {"[a-*]", "a", -HULL_EPARSE},         /* [a-[^/]...: range a-[ is reversed */
                {"[Local-Only]/", "x", -HULL_EPARSE}, /* moby/moby#52203: l-O reversed */
                {"[z-a]", "a", -HULL_EPARSE},
                /* POSIX classes and Perl escapes are regexp syntax */
                {"[[:digit:]]*", "1abc", 1},
                {"[[:digit:]]*", "abc", 0},
                {"[[:^alpha:]]x", "1x", 1},
                {"[[:nope:]]", "a", -HULL_EPARSE},
                {"\\d\\d", "42", 1},
                {"\\d\\d", "4a", 0},
                {"[\\d]", "7", 1},
                {"\\w*", "a_b", 1},
                {"\\W", "-", 1},
                {"\\s*x", " \tx", 1},
                {"a\\tb*", "a\tb", 1},
                {"\\x41*", "AB", 1},
                {"\\101*", "AB", 1},
                {"\\1*", "a", -HULL_EPARSE},   /* backreference */
                {"\\ya*", "ya", -HULL_EPARSE}, /* unknown escape */
                {"\\pL*", "a", -HULL_EUNSUPPORTED},
                {"\\pQ*", "a", -HULL_EPARSE},
                /* anchors */
                {"^foo*", "foobar", 1}, /* ^^foo[^/]*$ */
                {"a^b*", "ab", 0},      /* ^ mid-pattern never matches */
                {"\\Aa*", "abc", 1},
                {"a\\zb*", "ab", 0},
                {"\\bfoo\\b*", "foo", 1},
                {"a\\Bb*", "ab", 1},
                {"a\\bb*", "ab", 0},
                /* \Q..\E: literal text, and without \E the final $ goes too */
                {"\\Qa.b\\E*", "a\\.bxyz", 1},
                {"\\Qa.b", "a\\.b$", 1},
                {"\\Qa.b", "a\\.b$/more", 1},
                {"\\Qa.b", "a\\.b", 0},
                /* '.' from ** does not match a newline; [^/] does */
                {"a/**/b", "a/x\ny/b", 0},
                {"a*b", "a\nb", 1},
                {"**/x", "a\nb/x", 1}, /* suffix match: no regexp */
                /* invalid UTF-8: one byte is U+FFFD on both sides */
                {"a?b",
                 "a\xFF"
                 "b",
                 1},
                {"a\xFF*",
                 "a\xEF\xBF\xBD"
                 "z",
                 1},
                {"a\xFF", "a\xEF\xBF\xBD", 0}, /* exact match compares bytes */
                /* a BOM is dropped by text/scanner at the start of a regexp pattern */
                {"\n\xEF\xBB\xBF*.go", "x.go", 1},
                {"\n\xEF\xBB\xBF"
                 "a.go",
                 "a.go", 0},
                /* prefix and suffix kinds compare bytes */
                {"foo**", "foobar/baz", 1},
                {"**bar", "foobar", 1},
                {"**bar", "a/xbar", 1},
                {"[^\\x00-\\x7f[:^ascii:]]*", "a", 0}, /* a class that matches nothing */
                {"[^\\x00-\\x7f[:^ascii:]]*", "", 0},
                {"[!a]", "!", 1}, /* '!' does not negate */
                {"[!a]", "b", 0},
                {"[^a]", "/", 1}, /* a negated class matches '/' */
                {"a[^x]b", "a/b", 1},
        };
        for (size_t i = 0; i < ELEMENTSOF(v); i++) {
                int got = mopm(v[i].pattern, v[i].path);
                if (got != v[i].want)
                        T_FAIL_AT("[%s] %s = %d, want %d", v[i].pattern, v[i].path, got, v[i].want);
        }
}

TEST(bad_pattern_is_lazy) {
        /* like Docker, a pattern Go's regexp rejects fails only when tried:
         * exceptions are tried only once something matched */
        T_EQ(mopm("a\n![z-a]", "b"), 0);
        T_EQ(mopm("a\n![z-a]", "a"), -HULL_EPARSE);
        T_EQ(mopm("[z-a]\na", "a"), -HULL_EPARSE);
}

TEST(hostile_patterns) {
        /* a long chain of ** and * must stay polynomial */
        char pat[4096], path[512];
        size_t n = 0;
        for (int i = 0; i < 300; i++)
                n += (size_t)snprintf(pat + n, sizeof(pat) - n, "**/*a");
        snprintf(pat + n, sizeof(pat) - n, "**/b");
        for (n = 0; n < 200; n += 2) {
                path[n] = 'a';
                path[n + 1] = '/';
        }
        path[n] = '\0';
        clock_t t0 = clock();
        T_EQ(mopm(pat, path), 0);
        double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
        T_TRUE(secs < 10.0);

        /* the step budget stops it cleanly */
        _cleanup_(hull_dockerignore_freep) struct hull_dockerignore *ig = parse_lines(pat);
        struct hull_diag d;
        bool ex;
        T_TRUE(ig != NULL);
        if (!ig)
                return;
        hull_dockerignore_set_budget(ig, 1000);
        hull_diag_init(&d);
        T_EQ(hull_dockerignore_matches(ig, path, &ex, &d), HULL_ELIMIT);
}

/* ---- the walk -------------------------------------------------------------------- */

struct seen {
        char buf[8192];
        size_t len;
};

static int collect(void *ud, const struct hull_walk_entry *e) {
        struct seen *s = ud;
        int n = snprintf(s->buf + s->len, sizeof(s->buf) - s->len, "%s%s%s", s->len ? " " : "",
                         e->path,
                         e->type == HULL_WALK_DIR       ? "/"
                         : e->type == HULL_WALK_SYMLINK ? "@"
                                                        : "");
        if (n > 0 && (size_t)n < sizeof(s->buf) - s->len)
                s->len += (size_t)n;
        return HULL_OK;
}

static void touch(const char *root, const char *rel) {
        char path[1024], cmd[2300];
        snprintf(path, sizeof(path), "%s/%s", root, rel);
        snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\" && : > '%s'", path, path);
        if (system(cmd) != 0)
                T_FAIL_AT("cannot create %s", path);
}

static const char *walk(const char *root, const char *ignore, struct hull_walk_stats *st,
                        size_t max) {
        static struct seen s;
        _cleanup_(hull_dockerignore_freep) struct hull_dockerignore *ig = NULL;
        struct hull_diag d;

        memset(&s, 0, sizeof(s));
        hull_diag_init(&d);
        if (ignore && hull_dockerignore_parse(ignore, strlen(ignore), NULL, &ig, &d) != HULL_OK)
                return "(parse error)";
        if (hull_dockerignore_walk(root, ig, max, collect, &s, st, &d) != HULL_OK)
                return "(walk error)";
        return s.buf;
}

TEST(walk) {
        char root[] = "/tmp/hullscan-di-XXXXXX";
        struct hull_walk_stats st;
        char cmd[256];

        if (!mkdtemp(root)) {
                T_FAIL_AT("mkdtemp");
                return;
        }
        touch(root, "Dockerfile");
        touch(root, ".env");
        touch(root, ".git/HEAD");
        touch(root, ".git/objects/ab/cd");
        touch(root, "src/main.c");
        touch(root, "src/keep/a.pem");
        touch(root, "docs/x.md");
        snprintf(cmd, sizeof(cmd), "ln -s src '%s/link' && ln -s /etc '%s/etc'", root, root);
        T_EQ(system(cmd), 0);

        T_STREQ(walk(root, NULL, &st, 0),
                ".env .git/ .git/HEAD .git/objects/ .git/objects/ab/ "
                ".git/objects/ab/cd Dockerfile docs/ docs/x.md etc@ link@ src/ "
                "src/keep/ src/keep/a.pem src/main.c");
        T_EQ(st.entries, 15);
        T_EQ(st.sent, 15);
        T_TRUE(!st.truncated);

        /* excluded directory, not entered (no exceptions) */
        T_STREQ(walk(root, ".git\n.env\nsrc\n", &st, 0), "Dockerfile docs/ docs/x.md etc@ link@");
        T_EQ(st.entries, 8);
        /* an exception below an excluded directory: entered, the rest stays out */
        T_STREQ(walk(root, "src\n!src/keep\n", &st, 0),
                ".env .git/ .git/HEAD .git/objects/ .git/objects/ab/ .git/objects/ab/cd Dockerfile "
                "docs/ "
                "docs/x.md etc@ link@ src/keep/ src/keep/a.pem");
        /* exceptions with wildcards: every excluded directory is walked */
        T_STREQ(walk(root, "*\n!**/*.pem\n", &st, 0), "src/keep/a.pem");
        T_EQ(st.entries, 15);
        /* ** patterns, leading slash */
        T_STREQ(walk(root, "**/*.c\n/.git\n**/.env\n/docs/\n", &st, 0),
                "Dockerfile etc@ link@ src/ src/keep/ src/keep/a.pem");
        /* the entry limit */
        walk(root, NULL, &st, 4);
        T_TRUE(st.truncated);
        T_EQ(st.entries, 4);
        T_EQ(st.sent, 4);

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
        T_EQ(system(cmd), 0);
        struct seen s;
        struct hull_diag d;
        hull_diag_init(&d);
        T_EQ(hull_dockerignore_walk("/nonexistent/hullscan", NULL, 0, collect, &s, &st, &d),
             HULL_EIO);
}

TEST(out_of_memory) {
        static const char text[] = "# c\n*.pem\n!keep/**\n**/x[a-c]?y\n\\d[[:alpha:]]\n";
        for (unsigned long n = 1; n < 400; n++) {
                struct hull_dockerignore *ig = NULL;
                struct hull_diag d;
                bool ex;
                hull_diag_init(&d);
                hull_alloc_fail_after(n);
                int r = hull_dockerignore_parse(text, strlen(text), NULL, &ig, &d);
                if (r == HULL_OK)
                        r = hull_dockerignore_matches(ig, "a/bxay", &ex, &d);
                hull_alloc_fail_after(0);
                T_TRUE(r == HULL_OK || r == HULL_ENOMEM);
                hull_dockerignore_free(ig);
                if (r == HULL_OK)
                        break;
        }
}

T_MAIN()
