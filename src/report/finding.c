/* finding.c - findings: severity names, storage, deterministic order. */
#include "report/finding.h"

#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "basic/alloc.h"
#include "basic/err.h"

static const char *const severity_table[_HULL_SEV_MAX] = {
        [HULL_SEV_INFO] = "info", [HULL_SEV_LOW] = "low",           [HULL_SEV_MEDIUM] = "medium",
        [HULL_SEV_HIGH] = "high", [HULL_SEV_CRITICAL] = "critical",
};

const char *hull_severity_to_string(enum hull_severity s) {
        if (s < 0 || s >= _HULL_SEV_MAX)
                return NULL;
        return severity_table[s];
}

enum hull_severity hull_severity_from_string(const char *s) {
        for (int i = 0; s && i < _HULL_SEV_MAX; i++)
                if (strcasecmp(severity_table[i], s) == 0)
                        return (enum hull_severity)i;
        return _HULL_SEV_INVALID;
}

void hull_findings_init(struct hull_findings *f) {
        memset(f, 0, sizeof(*f));
        hull_arena_init(&f->arena, 0);
}

void hull_findings_release(struct hull_findings *f) {
        hull_arena_release(&f->arena);
        memset(f, 0, sizeof(*f));
}

static const char *dup(struct hull_findings *f, const char *s, bool *bad) {
        if (!s)
                return NULL;
        size_t slot = ((uintptr_t)s >> 3) % ELEMENTSOF(f->interned);
        if (f->interned[slot].src == s && strcmp(f->interned[slot].copy, s) == 0)
                return f->interned[slot].copy;
        char *d = hull_arena_strdup(&f->arena, s);
        if (!d) {
                *bad = true;
                return NULL;
        }
        f->interned[slot].src = s;
        f->interned[slot].copy = d;
        return d;
}

static const char *const *dup_list(struct hull_findings *f, const char *const *v, size_t n,
                                   bool *bad) {
        const char **o;

        if (!n)
                return NULL;
        o = hull_arena_alloc(&f->arena, n * sizeof(*o));
        if (!o) {
                *bad = true;
                return NULL;
        }
        for (size_t i = 0; i < n; i++)
                o[i] = dup(f, v[i], bad);
        return o;
}

static const struct hull_finding_vuln *dup_vuln(struct hull_findings *f,
                                                const struct hull_finding_vuln *v, bool *bad) {
        struct hull_finding_vuln *o;

        if (!v)
                return NULL;
        o = hull_arena_alloc(&f->arena, sizeof(*o));
        if (!o) {
                *bad = true;
                return NULL;
        }
        *o = *v;
        o->id = dup(f, v->id, bad);
        o->aliases = dup_list(f, v->aliases, v->naliases, bad);
        o->related = dup_list(f, v->related, v->nrelated, bad);
        o->ecosystem = dup(f, v->ecosystem, bad);
        o->package = dup(f, v->package, bad);
        o->version = dup(f, v->version, bad);
        o->source = dup(f, v->source, bad);
        o->purl = dup(f, v->purl, bad);
        o->location = dup(f, v->location, bad);
        o->fixed_version = dup(f, v->fixed_version, bad);
        o->severity = dup(f, v->severity, bad);
        o->severity_source = dup(f, v->severity_source, bad);
        o->vector = dup(f, v->vector, bad);
        o->summary = dup(f, v->summary, bad);
        o->url = dup(f, v->url, bad);
        o->modified = dup(f, v->modified, bad);
        return o;
}

static const struct hull_finding_secret *
dup_secret(struct hull_findings *f, const struct hull_finding_secret *v, bool *bad) {
        struct hull_finding_secret *o;

        if (!v)
                return NULL;
        o = hull_arena_alloc(&f->arena, sizeof(*o));
        if (!o) {
                *bad = true;
                return NULL;
        }
        *o = *v;
        o->value = dup(f, v->value, bad);
        o->fingerprint = dup(f, v->fingerprint, bad);
        o->inner = dup(f, v->inner, bad);
        o->encoding = dup(f, v->encoding, bad);
        return o;
}

int hull_findings_add(struct hull_findings *f, const struct hull_finding *x) {
        bool bad = false;
        struct hull_finding *p =
                hull_arena_push(&f->arena, (void **)&f->v, &f->n, &f->cap, sizeof(*p));

        if (!p)
                return HULL_ENOMEM;
        *p = *x;
        p->rule_id = dup(f, x->rule_id, &bad);
        p->slug = dup(f, x->slug, &bad);
        p->title = dup(f, x->title, &bad);
        p->message = dup(f, x->message, &bad);
        p->fix = dup(f, x->fix, &bad);
        p->file = dup(f, x->file, &bad);
        p->image_path = dup(f, x->image_path, &bad);
        p->image_field = dup(f, x->image_field, &bad);
        p->layer_digest = dup(f, x->layer_digest, &bad);
        p->created_by = dup(f, x->created_by, &bad);
        p->vuln = dup_vuln(f, x->vuln, &bad);
        p->secret = dup_secret(f, x->secret, &bad);
        if (bad) {
                f->n--;
                return HULL_ENOMEM;
        }
        return HULL_OK;
}

static int nullcmp(const char *a, const char *b) {
        if (!a || !b)
                return (a != NULL) - (b != NULL);
        return strcmp(a, b);
}

/* Vulnerabilities: by package (name, ecosystem, version, location), then id. */
static int vuln_cmp(const struct hull_finding_vuln *a, const struct hull_finding_vuln *b) {
        int r;
        if ((r = nullcmp(a->package, b->package)) || (r = nullcmp(a->ecosystem, b->ecosystem)) ||
            (r = nullcmp(a->version, b->version)) || (r = nullcmp(a->location, b->location)))
                return r;
        return nullcmp(a->id, b->id);
}

static int cmp(const void *pa, const void *pb) {
        const struct hull_finding *a = pa, *b = pb;
        int r = nullcmp(a->file, b->file);
        if (r)
                return r;
        /* secrets in an image: by path inside it, layer and archive member
         * first (their lines are lines of different files) */
        if (a->secret && b->secret) {
                if ((r = nullcmp(a->image_path, b->image_path)))
                        return r;
                if (a->layer != b->layer)
                        return a->layer < b->layer ? -1 : 1;
                if ((r = nullcmp(a->secret->inner, b->secret->inner)))
                        return r;
        }
        if (a->line != b->line)
                return a->line < b->line ? -1 : 1;
        if (a->col != b->col)
                return a->col < b->col ? -1 : 1;
        if (a->vuln && b->vuln && (r = vuln_cmp(a->vuln, b->vuln)))
                return r;
        if ((r = nullcmp(a->rule_id, b->rule_id)))
                return r;
        if ((r = nullcmp(a->image_field, b->image_field)) ||
            (r = nullcmp(a->image_path, b->image_path)))
                return r;
        return nullcmp(a->message, b->message);
}

void hull_findings_sort(struct hull_findings *f) {
        if (f->n > 1)
                qsort(f->v, f->n, sizeof(*f->v), cmp);
}

void hull_finding_place(const struct hull_finding *x, char *buf, size_t size) {
        int n;
        if (!size)
                return;
        /* a secret in an archive member: FILE!/MEMBER:LINE */
        const char *inner = x->secret ? x->secret->inner : NULL;
        if (!x->image_path && !x->image_field && !x->has_layer) {
                snprintf(buf, size, "%s%s%s:%u", x->file ? x->file : "", inner ? "!/" : "",
                         inner ? inner : "", x->line);
                return;
        }
        if (x->image_path && x->secret)
                n = snprintf(buf, size, "/%s%s%s:%u", x->image_path, inner ? "!/" : "",
                             inner ? inner : "", x->line);
        else if (x->image_path)
                n = snprintf(buf, size, "/%s", x->image_path);
        else
                n = snprintf(buf, size, "%s", x->image_field ? x->image_field : "image");
        if (n < 0 || (size_t)n >= size || !x->has_layer)
                return;
        if (x->deleted)
                snprintf(buf + n, size - (size_t)n, " (layer %u, deleted in layer %u)", x->layer,
                         x->deleted_in);
        else
                snprintf(buf + n, size - (size_t)n, " (layer %u)", x->layer);
}

size_t hull_findings_count_at_least(const struct hull_findings *f, enum hull_severity min) {
        size_t n = 0;
        for (size_t i = 0; i < f->n; i++)
                n += f->v[i].severity >= min;
        return n;
}
