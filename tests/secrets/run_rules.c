/* run_rules.c - runs the secret-rule cases of the tests/secrets/rules/<group>.txt files
 * (format: tests/secrets/rules/README.md) against the built-in rules
 * compiled by the real engine: each case's input goes through
 * hull_secrets_scan_buffer() and the hits must be exactly the expected ones.
 * TAP output, one line per case, then one line per rule (enough firing and
 * quiet cases), one line checking that the rules page
 * (docs/rules/secrets.md, argv[2]) names every rule, and one line per group
 * of direct checks of the filters and validate functions (filters.c,
 * checksum.c) on values the cases cannot isolate.
 *
 * Usage: run_secret_rules [DIR [DOCS]]; SECRET_RULE=id runs only the cases
 * that name that rule (and skips the coverage lines); SECRET_VERBOSE=1
 * prints every hit as a TAP comment. */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/diag.h"
#include "basic/err.h"
#include "secrets/checksum.h"
#include "secrets/engine.h"
#include "secrets/rule.h"
#include "tap.h"

#define MAX_EXPECT 32
#define MAX_FILES 256

struct expect {
        const char *rule;
        char *secret; /* unescaped; NULL for nomatch/also */
        size_t len;
        bool seen;
};

struct kase {
        const char *file;
        unsigned line;    /* of the "===" line */
        const char *name; /* the rest of that line */
        struct expect match[MAX_EXPECT], nomatch[MAX_EXPECT], also[MAX_EXPECT];
        size_t nmatch, nnomatch, nalso;
        char *path; /* NULL: none */
        bool noeol;
        const char *input; /* points into the file buffer */
        size_t input_len;
        char why[1024]; /* a format error */
};

struct hit {
        const struct hull_secret_rule *rule;
        char *secret;
        size_t len;
        uint64_t offset;
        unsigned line;
        const char *encoding;
};

struct hits {
        struct hit *v;
        size_t n, cap;
        bool oom;
};

/* Per built-in rule: cases that expect it to fire, cases that expect it quiet. */
static unsigned *nfire, *nquiet;
static const char *only;
static bool verbose;

static void *xmalloc(size_t n) {
        void *p = malloc(n ? n : 1);
        if (!p) {
                printf("Bail out! out of memory\n");
                exit(2);
        }
        return p;
}

static char *xstrndup(const char *s, size_t n) {
        char *p = xmalloc(n + 1);
        memcpy(p, s, n);
        p[n] = '\0';
        return p;
}

/* Unescape \n \r \t \s (space) \\ \xHH in s[0..n) into a new string;
 * *ret_len its length.  NULL on a bad escape. */
static char *unescape(const char *s, size_t n, size_t *ret_len) {
        char *out = xmalloc(n + 1);
        size_t k = 0;

        for (size_t i = 0; i < n; i++) {
                if (s[i] != '\\') {
                        out[k++] = s[i];
                        continue;
                }
                if (++i >= n)
                        goto bad;
                switch (s[i]) {
                case 'n': out[k++] = '\n'; break;
                case 'r': out[k++] = '\r'; break;
                case 't': out[k++] = '\t'; break;
                case 's': out[k++] = ' '; break;
                case '\\': out[k++] = '\\'; break;
                case 'x':
                        if (i + 2 >= n || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0)
                                goto bad;
                        out[k++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
                        i += 2;
                        break;
                default: goto bad;
                }
        }
        out[k] = '\0';
        *ret_len = k;
        return out;
bad:
        free(out);
        return NULL;
}

/* Escape for printing in a TAP line: control bytes as \n, \xHH. */
static const char *show(const char *s, size_t n) {
        static char buf[4][700];
        static int r;
        size_t k = 0;
        char *o = buf[r = (r + 1) % 4];

        for (size_t i = 0; i < n && k + 8 < sizeof(buf[0]); i++) {
                unsigned char c = (unsigned char)s[i];
                if (c == '\n')
                        k += (size_t)snprintf(o + k, 8, "\\n");
                else if (c < 0x20 || c >= 0x7f)
                        k += (size_t)snprintf(o + k, 8, "\\x%02x", c);
                else
                        o[k++] = (char)c;
        }
        if (k + 8 >= sizeof(buf[0]))
                k += (size_t)snprintf(o + k, 8, "...");
        o[k] = '\0';
        return o;
}

static int on_hit(void *ud, const struct hull_secret_hit *h) {
        struct hits *hs = ud;

        if (hs->n == hs->cap) {
                size_t cap = hs->cap ? hs->cap * 2 : 16;
                struct hit *v = realloc(hs->v, cap * sizeof(*v));
                if (!v) {
                        hs->oom = true;
                        return HULL_ENOMEM;
                }
                hs->v = v;
                hs->cap = cap;
        }
        hs->v[hs->n++] = (struct hit){
                .rule = h->rule,
                .secret = xstrndup(h->secret, h->secret_len),
                .len = h->secret_len,
                .offset = h->offset,
                .line = h->line,
                .encoding = h->encoding,
        };
        return HULL_OK;
}

static bool in(const struct expect *e, size_t n, const char *rule) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(e[i].rule, rule) == 0)
                        return true;
        return false;
}

/* Append "; " + a formatted note to why. */
static void note(char *why, size_t sz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void note(char *why, size_t sz, const char *fmt, ...) {
        size_t l = strlen(why);
        va_list ap;

        if (l + 3 >= sz)
                return;
        if (l)
                l += (size_t)snprintf(why + l, sz - l, "; ");
        va_start(ap, fmt);
        vsnprintf(why + l, sz - l, fmt, ap);
        va_end(ap);
}

static bool case_names(const struct kase *k, const char *rule) {
        return in(k->match, k->nmatch, rule) || in(k->nomatch, k->nnomatch, rule) ||
               in(k->also, k->nalso, rule);
}

static void run_case(struct hull_secrets_scanner *sc, struct kase *k) {
        struct hits hs = {0};
        char why[2048] = "";
        size_t n = k->input_len;
        int rc;

        if (only && !case_names(k, only))
                return;
        if (k->why[0]) {
                tap(0, "%s:%u: %s # %s", k->file, k->line, k->name, k->why);
                return;
        }
        if (k->noeol && n > 0 && k->input[n - 1] == '\n')
                n--;
        rc = hull_secrets_scan_buffer(sc, k->path, k->input, n, on_hit, &hs);
        if (rc != HULL_OK)
                note(why, sizeof(why), "scan failed: %s", hull_strerror(rc));
        for (size_t i = 0; i < hs.n; i++) {
                const struct hit *h = &hs.v[i];
                const char *id = h->rule->id;
                bool expected = false;

                if (verbose)
                        printf("# hit %s line %u offset %llu%s%s: %s\n", id, h->line,
                               (unsigned long long)h->offset, h->encoding ? " encoding " : "",
                               h->encoding ? h->encoding : "", show(h->secret, h->len));
                for (size_t j = 0; j < i; j++)
                        if (hs.v[j].rule == h->rule && hs.v[j].offset == h->offset &&
                            hs.v[j].encoding == h->encoding)
                                note(why, sizeof(why), "%s reported twice at offset %llu", id,
                                     (unsigned long long)h->offset);
                for (size_t j = 0; j < k->nmatch; j++)
                        if (strcmp(k->match[j].rule, id) == 0 && k->match[j].len == h->len &&
                            memcmp(k->match[j].secret, h->secret, h->len) == 0) {
                                k->match[j].seen = true;
                                expected = true;
                        }
                if (expected || in(k->also, k->nalso, id))
                        continue;
                if (in(k->match, k->nmatch, id))
                        note(why, sizeof(why), "%s fired with an unexpected secret '%s'", id,
                             show(h->secret, h->len));
                else if (in(k->nomatch, k->nnomatch, id))
                        note(why, sizeof(why), "%s fired but must not ('%s')", id,
                             show(h->secret, h->len));
                else
                        note(why, sizeof(why), "unexpected %s ('%s')", id, show(h->secret, h->len));
        }
        for (size_t j = 0; j < k->nmatch; j++)
                if (!k->match[j].seen)
                        note(why, sizeof(why), "%s did not fire with '%s'", k->match[j].rule,
                             show(k->match[j].secret, k->match[j].len));
        tap(!why[0], "%s:%u: %s%s%s", k->file, k->line, k->name, why[0] ? " # " : "", why);
        for (size_t i = 0; i < hs.n; i++)
                free(hs.v[i].secret);
        free(hs.v);
}

static void count(const struct kase *k) {
        for (size_t j = 0; j < k->nmatch; j++) {
                const struct hull_secret_rule *r = hull_secret_rule_find(k->match[j].rule);
                if (r)
                        nfire[r - hull_secret_rules]++;
        }
        for (size_t j = 0; j < k->nnomatch; j++) {
                const struct hull_secret_rule *r = hull_secret_rule_find(k->nomatch[j].rule);
                if (r)
                        nquiet[r - hull_secret_rules]++;
        }
}

/* One directive line (without the '%') into k; errors go to k->why. */
static void directive(struct kase *k, const char *s, size_t n) {
        size_t w = strcspn(s, " \t");
        const char *arg = s + w;
        size_t alen;
        struct expect *list = NULL;
        size_t *cnt = NULL;

        if (w > n)
                w = n;
        arg = s + w;
        while (arg < s + n && (*arg == ' ' || *arg == '\t'))
                arg++;
        alen = (size_t)(s + n - arg);
        if (w == 5 && memcmp(s, "match", 5) == 0)
                list = k->match, cnt = &k->nmatch;
        else if (w == 7 && memcmp(s, "nomatch", 7) == 0)
                list = k->nomatch, cnt = &k->nnomatch;
        else if (w == 4 && memcmp(s, "also", 4) == 0)
                list = k->also, cnt = &k->nalso;
        else if (w == 4 && memcmp(s, "path", 4) == 0) {
                free(k->path);
                k->path = xstrndup(arg, alen);
                return;
        } else if (w == 5 && memcmp(s, "noeol", 5) == 0) {
                k->noeol = true;
                return;
        } else {
                note(k->why, sizeof(k->why), "unknown directive '%%%.*s'", (int)w, s);
                return;
        }
        if (*cnt == MAX_EXPECT) {
                note(k->why, sizeof(k->why), "more than %d %%%.*s lines", MAX_EXPECT, (int)w, s);
                return;
        }
        size_t rl = strcspn(arg, " \t\n");
        if (rl > alen)
                rl = alen;
        char *rule = xstrndup(arg, rl);
        if (!hull_secret_rule_find(rule)) {
                note(k->why, sizeof(k->why), "no built-in rule '%s'", rule);
                free(rule);
                return;
        }
        struct expect *e = &list[(*cnt)++];
        *e = (struct expect){.rule = rule};
        if (list == k->match) {
                const char *sec = arg + rl;
                while (sec < s + n && (*sec == ' ' || *sec == '\t'))
                        sec++;
                if (sec >= s + n) {
                        note(k->why, sizeof(k->why), "%%match %s without a secret", rule);
                        return;
                }
                e->secret = unescape(sec, (size_t)(s + n - sec), &e->len);
                if (!e->secret)
                        note(k->why, sizeof(k->why), "bad escape in the secret of %%match %s",
                             rule);
        } else if (rl < alen) {
                note(k->why, sizeof(k->why), "%%%.*s takes a rule id only", (int)w, s);
        }
}

static void free_case(struct kase *k) {
        struct expect *lists[] = {k->match, k->nomatch, k->also};
        size_t counts[] = {k->nmatch, k->nnomatch, k->nalso};

        for (size_t l = 0; l < 3; l++)
                for (size_t i = 0; i < counts[l]; i++) {
                        free((char *)lists[l][i].rule);
                        free(lists[l][i].secret);
                }
        free(k->path);
}

static bool is_header(const char *p, const char *end) {
        return end - p >= 3 && memcmp(p, "===", 3) == 0 &&
               (end - p == 3 || p[3] == ' ' || p[3] == '\n');
}

static void run_file(struct hull_secrets_scanner *sc, const char *dir, const char *name) {
        char path[4096];
        FILE *f;
        char *data = NULL;
        size_t len = 0, cap = 0, got;
        const char *p, *end;
        unsigned lineno = 1;

        snprintf(path, sizeof(path), "%s/%s", dir, name);
        f = fopen(path, "rb");
        if (!f) {
                tap(0, "%s: cannot open", path);
                return;
        }
        do {
                if (len + 65536 > cap) {
                        cap = (len + 65536) * 2;
                        data = realloc(data, cap);
                        if (!data) {
                                printf("Bail out! out of memory\n");
                                exit(2);
                        }
                }
                got = fread(data + len, 1, cap - len, f);
                len += got;
        } while (got > 0);
        fclose(f);
        p = data;
        end = data + len;
        /* before the first case: comments and blank lines only */
        while (p < end && !is_header(p, end)) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                const char *le = nl ? nl : end;
                if (le > p && *p != '#') {
                        tap(0, "%s:%u: text before the first case", name, lineno);
                        break;
                }
                p = nl ? nl + 1 : end;
                lineno++;
        }
        while (p < end && is_header(p, end)) {
                struct kase k = {.file = name, .line = lineno};
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                const char *le = nl ? nl : end;
                const char *nm = p + 3;
                char *cname;

                while (nm < le && *nm == ' ')
                        nm++;
                cname = xstrndup(nm, (size_t)(le - nm));
                k.name = cname;
                p = nl ? nl + 1 : end;
                lineno++;
                /* directives */
                while (p < end && *p == '%') {
                        nl = memchr(p, '\n', (size_t)(end - p));
                        le = nl ? nl : end;
                        directive(&k, p + 1, (size_t)(le - p - 1));
                        p = nl ? nl + 1 : end;
                        lineno++;
                }
                /* the input, up to the next case */
                k.input = p;
                while (p < end && !is_header(p, end)) {
                        nl = memchr(p, '\n', (size_t)(end - p));
                        p = nl ? nl + 1 : end;
                        lineno++;
                }
                k.input_len = (size_t)(p - k.input);
                if (!k.nmatch && !k.nnomatch)
                        note(k.why, sizeof(k.why), "no %%match or %%nomatch");
                run_case(sc, &k);
                count(&k);
                free_case(&k);
                free(cname);
        }
        free(data);
}

static int cmpstr(const void *a, const void *b) {
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every rule id appears on the rules page as `id`. */
static void check_docs(const char *docs) {
        FILE *f = fopen(docs, "rb");
        char *text;
        long sz;
        char missing[1024] = "";

        if (!f || fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
                tap(0, "cannot read %s", docs);
                if (f)
                        fclose(f);
                return;
        }
        text = xmalloc((size_t)sz + 1);
        if (fread(text, 1, (size_t)sz, f) != (size_t)sz)
                sz = 0;
        text[sz] = '\0';
        fclose(f);
        for (size_t i = 0; i < hull_secret_nrules; i++) {
                char want[128];
                snprintf(want, sizeof(want), "`%s`", hull_secret_rules[i].id);
                if (!strstr(text, want))
                        note(missing, sizeof(missing), "%s", hull_secret_rules[i].id);
        }
        tap(!missing[0], "%s names every rule%s%s", docs, missing[0] ? " # missing: " : "",
            missing);
        free(text);
}

/* ---- filters and validate functions, called directly ------------------------ */

struct fcheck {
        bool (*fn)(const char *s, size_t n);
        const char *fname;
        const char *s;
        bool want;
};

#define FC(f, s, w)                                                                                \
        { f, #f, s, w }

static const struct fcheck fchecks[] = {
        FC(hull_secret_base62_crc32_ok, "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", true),
        FC(hull_secret_base62_crc32_ok, "ghp_zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ0mLq18", false),
        FC(hull_secret_base62_crc32_ok, "gho_16C7e42F292c6912E7710c838347Ae178B4a", false),
        FC(hull_secret_base62_crc32_ok, "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AAAA", true),
        FC(hull_secret_placeholder, "xxxxxxxx", true),
        FC(hull_secret_placeholder, "********", true),
        FC(hull_secret_placeholder, "0000-0000-0000", true),
        FC(hull_secret_placeholder, "<TOKEN>", true),
        FC(hull_secret_placeholder, "[API_KEY]", true),
        FC(hull_secret_placeholder, "your-api-key-here", true),
        FC(hull_secret_placeholder, "YOUR_TOKEN", true),
        FC(hull_secret_placeholder, "changeme", true),
        FC(hull_secret_placeholder, "REDACTED", true),
        FC(hull_secret_placeholder, "dummy-token-1", true),
        FC(hull_secret_placeholder, "example123", true),
        FC(hull_secret_placeholder, "sample_key_value", true),
        FC(hull_secret_placeholder, "my-test-token", true),
        FC(hull_secret_placeholder, "DemoApiKey2024", true),
        FC(hull_secret_placeholder, "abcdefgh", true),
        FC(hull_secret_placeholder, "12345678", true),
        FC(hull_secret_placeholder, "sk_live_...", true),
        FC(hull_secret_placeholder, "hT7#kq9!Lm2Qz", false),
        FC(hull_secret_placeholder, "Winter99!", false),
        FC(hull_secret_placeholder, "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", false),
        FC(hull_secret_reference, "${API_KEY}", true),
        FC(hull_secret_reference, "$API_KEY", true),
        FC(hull_secret_reference, "$(cat /run/secrets/db)", true),
        FC(hull_secret_reference, "%(password)s", true),
        FC(hull_secret_reference, "%DB_PASS%", true),
        FC(hull_secret_reference, "{{ .Values.token }}", true),
        FC(hull_secret_reference, "process.env.TOKEN", true),
        FC(hull_secret_reference, "os.environ['TOKEN']", true),
        FC(hull_secret_reference, "config.db.password", true),
        FC(hull_secret_reference, "op://prod/db/password", true),
        FC(hull_secret_reference, "getpass()", true),
        FC(hull_secret_reference, "%s", true),
        FC(hull_secret_reference, "hT7#kq9!Lm2Qz", false),
        FC(hull_secret_reference, "n9VJroJ?yo33%d", false),
        FC(hull_secret_reference, "Zx8-Lm2.Qp9", false),
        FC(hull_secret_uuid_or_digest, "4ea38b7b-f563-4709-a1c3-6f1b2c8d9e0a", true),
        FC(hull_secret_uuid_or_digest, "{4EA38B7B-F563-4709-A1C3-6F1B2C8D9E0A}", true),
        FC(hull_secret_uuid_or_digest, "da39a3ee5e6b4b0d3255bfef95601890afd80709", true),
        FC(hull_secret_uuid_or_digest,
           "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", true),
        FC(hull_secret_uuid_or_digest,
           "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGl"
           "ODJ6+SfaPg==",
           true),
        FC(hull_secret_uuid_or_digest, "da39a3ee5e6b4b0d3255bfef95601890afd8070", false),
        FC(hull_secret_uuid_or_digest, "Zk3jR9aQ1bT7vX2mN8pL4sW6yC0dE5fG7hJ9", false),
        FC(hull_secret_known_example, "AKIAIOSFODNN7EXAMPLE", true),
        FC(hull_secret_known_example, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", true),
        FC(hull_secret_known_example, "sk_live_EXAMPLE0123456789abcdef", true),
        FC(hull_secret_known_example, "an EXAMPLE with spaces in it", false),
        FC(hull_secret_known_example, "AKIAQWERTYUIOPASDFGH", false),
        FC(hull_secret_jwt_ok,
           "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMiLCJyb2xlIjoiYWRtaW4ifQ."
           "c2lnbmF0dXJlLWJ5dGVzLWhlcmU",
           true),
        FC(hull_secret_jwt_ok, "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJzdmMifQ.c2lnbmF0dXJlLWJ5dGVzLWhlcmU",
           false),
        FC(hull_secret_jwt_ok, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzdmMi.c2lnbmF0dXJlLWJ5dGVzLWhlcmU",
           false),
        FC(hull_secret_basic_auth_ok, "dXNlcjpwYXNzd29yZA==", true),
        FC(hull_secret_basic_auth_ok, "bm9jb2xvbmhlcmU=", false),
        FC(hull_secret_basic_auth_ok, "OnBhc3N3b3Jk", false),
        FC(hull_secret_generic_ok, "hT7kq9Lm", true),
        FC(hull_secret_generic_ok, "~7cPir9*U8mnO1c", true),
        FC(hull_secret_generic_ok, "db-credentials", false),
        FC(hull_secret_generic_ok, "API_TOKEN", false),
        FC(hull_secret_generic_ok, "/run/secrets/db", false),
        FC(hull_secret_generic_ok, "certs/app.pem", false),
        FC(hull_secret_generic_ok, "https://auth.acme.io/token", false),
        FC(hull_secret_generic_ok, "Y2hhbmdlbWUtcGxlYXNl", false),
        FC(hull_secret_password_ok, "S3cr3t!x", true),
        FC(hull_secret_password_ok, "anonymous", false),
        FC(hull_secret_password_ok, "${DB_PASSWORD}", false),
        FC(hull_secret_password_ok, "changeme", false),
};

static void check_filters(void) {
        char why[4096] = "";
        double e;

        if (hull_crc32(0, "123456789", 9) != 0xCBF43926u)
                note(why, sizeof(why), "crc32(\"123456789\") is %08x",
                     hull_crc32(0, "123456789", 9));
        tap(!why[0], "crc32 check value%s%s", why[0] ? " # " : "", why);
        why[0] = '\0';
        struct {
                const char *s;
                double want;
        } ent[] = {{"", 0}, {"aaaa", 0}, {"aabb", 1}, {"abcd", 2}, {"abcdefgh", 3}};
        for (size_t i = 0; i < sizeof(ent) / sizeof(ent[0]); i++)
                if ((e = hull_secret_entropy(ent[i].s, strlen(ent[i].s))) < ent[i].want - 1e-9 ||
                    e > ent[i].want + 1e-9)
                        note(why, sizeof(why), "entropy(\"%s\") = %.12f, not %g", ent[i].s, e,
                             ent[i].want);
        tap(!why[0], "entropy%s%s", why[0] ? " # " : "", why);
        for (size_t i = 0; i < sizeof(fchecks) / sizeof(fchecks[0]); i++) {
                const struct fcheck *c = &fchecks[i];
                bool got = c->fn(c->s, strlen(c->s));
                tap(got == c->want, "%s(\"%s\") is %s%s", c->fname, c->s,
                    c->want ? "true" : "false", got == c->want ? "" : " # it is not");
        }
}

int main(int argc, char **argv) {
        const char *dir = argc > 1 ? argv[1] : "tests/secrets/rules";
        const char *docs = argc > 2 ? argv[2] : "docs/rules/secrets.md";
        const struct hull_secret_rule **rules;
        struct hull_secrets *s = NULL;
        struct hull_secrets_scanner *sc = NULL;
        struct hull_diag d;
        char *names[MAX_FILES];
        size_t nnames = 0;
        DIR *dd;
        struct dirent *de;
        int rc;

        only = getenv("SECRET_RULE");
        verbose = getenv("SECRET_VERBOSE") != NULL;
        rules = xmalloc(hull_secret_nrules * sizeof(*rules));
        nfire = calloc(hull_secret_nrules, sizeof(*nfire));
        nquiet = calloc(hull_secret_nrules, sizeof(*nquiet));
        if (!nfire || !nquiet)
                return 2;
        for (size_t i = 0; i < hull_secret_nrules; i++)
                rules[i] = &hull_secret_rules[i];
        hull_diag_init(&d);
        rc = hull_secrets_compile(rules, hull_secret_nrules, NULL, 0, &s, &d);
        if (rc != HULL_OK) {
                char msg[1200];
                hull_diag_format(&d, msg, sizeof(msg));
                printf("Bail out! the built-in rules do not compile: %s\n", msg);
                return 1;
        }
        tap(hull_secrets_nrules(s) == hull_secret_nrules, "%zu built-in rules compiled",
            hull_secrets_nrules(s));
        rc = hull_secrets_scanner_new(s, &sc);
        if (rc != HULL_OK) {
                printf("Bail out! no scanner: %s\n", hull_strerror(rc));
                return 1;
        }
        dd = opendir(dir);
        if (!dd) {
                printf("Bail out! cannot open %s\n", dir);
                return 1;
        }
        while ((de = readdir(dd)) && nnames < MAX_FILES) {
                size_t l = strlen(de->d_name);
                if (l > 4 && strcmp(de->d_name + l - 4, ".txt") == 0)
                        names[nnames++] = xstrndup(de->d_name, l);
        }
        closedir(dd);
        qsort(names, nnames, sizeof(*names), cmpstr);
        for (size_t i = 0; i < nnames; i++) {
                run_file(sc, dir, names[i]);
                free(names[i]);
        }
        if (!only) {
                for (size_t i = 0; i < hull_secret_nrules; i++)
                        tap(nfire[i] >= 3 && nquiet[i] >= 2,
                            "%s: %u firing, %u quiet cases (need 3 and 2)", hull_secret_rules[i].id,
                            nfire[i], nquiet[i]);
                check_docs(docs);
                check_filters();
        }
        hull_secrets_scanner_free(sc);
        hull_secrets_free(s);
        free(rules);
        free(nfire);
        free(nquiet);
        printf("1..%d\n", ntest);
        return nfail ? 1 : 0;
}
