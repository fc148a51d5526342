/* secretish.c - single strings through the secret engine (src/secrets):
 * what the lint rules of family 3 and the image audit's HS4004/HS4005 call,
 * so `hullscan lint`, `hullscan image` and `hullscan secrets` agree on what
 * a secret is.  The built-in rules compiled once (hull_secrets_default);
 * findings come in offset order, so the first one is the leftmost. */
#include "lint/secretish.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "basic/err.h"
#include "secrets/engine.h"
#include "secrets/rule.h"

/* "a GitHub personal access token", "an AWS access key ID", "a hard-coded
 * password, ..." for messages: one per built-in rule, made once. */
static char (*descriptions)[128];
static pthread_once_t descriptions_once = PTHREAD_ONCE_INIT;

static bool an(const char *t) {
        static const char acro_an[] = "FHLMNRSX"; /* eff, aitch, ell, em, en, are, ess, ex */
        size_t caps = 0;
        if (strchr("AEIOUaeiou", t[0]))
                return true;
        while (t[caps] >= 'A' && t[caps] <= 'Z')
                caps++;
        return caps >= 2 && (t[caps] == ' ' || t[caps] == '\0') && strchr(acro_an, t[0]);
}

static void make_descriptions(void) {
        static const char *const common[] = {"Basic-auth", "Bearer",     "Client",   "Credentials",
                                             "Encrypted",  "Hard-coded", "Password", "Private",
                                             "Registry",   "Secret"};
        descriptions =
                hull_calloc(hull_secret_nrules ? hull_secret_nrules : 1, sizeof(*descriptions));
        if (!descriptions)
                return;
        for (size_t i = 0; i < hull_secret_nrules; i++) {
                const char *t = hull_secret_rules[i].title;
                size_t w = strcspn(t, " ");
                bool lower = false;
                for (size_t k = 0; k < sizeof(common) / sizeof(common[0]); k++)
                        lower |= strlen(common[k]) == w && !strncmp(common[k], t, w);
                snprintf(descriptions[i], sizeof(descriptions[i]), "%s %c%s", an(t) ? "an" : "a",
                         lower ? t[0] - 'A' + 'a' : t[0], t + 1);
        }
}

static const char *description(const struct hull_secret_rule *r) {
        pthread_once(&descriptions_once, make_descriptions);
        if (descriptions && r >= hull_secret_rules && r < hull_secret_rules + hull_secret_nrules)
                return descriptions[r - hull_secret_rules];
        return "a secret";
}

struct first {
        const char *s;
        size_t n;
        struct hull_secretish_hit *ret;
        bool found;
};

static bool b64char(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '+' || c == '/' || c == '-' || c == '_' || c == '=';
}

static int first_hit(void *ud, const struct hull_secret_hit *h) {
        struct first *f = ud;
        size_t off = (size_t)h->offset, len = h->secret_len;
        if (f->found || off >= f->n)
                return HULL_OK;
        if (h->encoding) {
                /* found in a decoded base64 value: the span is the encoded value */
                len = 0;
                while (off + len < f->n && b64char(f->s[off + len]))
                        len++;
                if (!len)
                        return HULL_OK;
        } else if (len > f->n - off) {
                len = f->n - off;
        }
        *f->ret = (struct hull_secretish_hit){
                .id = h->rule->id,
                .description = description(h->rule),
                .off = off,
                .len = len,
                .mask = true,
        };
        f->found = true;
        return HULL_OK;
}

bool hull_secretish_find(const char *s, size_t n, struct hull_secretish_hit *ret) {
        struct first f = {.s = s, .n = n, .ret = ret};
        if (!s || n == 0)
                return false;
        return hull_secrets_find_string(s, n, first_hit, &f) == HULL_OK && f.found;
}

bool hull_secretish_placeholder(const char *s, size_t n) {
        return hull_secret_placeholder(s, n);
}

double hull_secretish_entropy(const char *s, size_t n) {
        return hull_secret_entropy(s, n);
}
