/* version_maven.c - Maven version ordering, as Maven 3.9's ComparableVersion.
 *
 * Reference: apache/maven, maven-artifact/src/main/java/org/apache/maven/
 * artifact/versioning/ComparableVersion.java as released in 3.9.9:
 * parseVersion(), parseItem(), stripLeadingZeroes(), ListItem.normalize()
 * and the compareTo() of IntItem, LongItem, BigIntegerItem, StringItem and
 * ListItem.  (Debian's maven3-artifact 3.8.7 and 3.9.9 jars carry the same
 * ComparableVersion bytecode, so either is the oracle of
 * tests/vuln/diff/maven.sh.  Maven 4 changed parts of it, e.g. its
 * CombinationItem and MNG-7714: "1.0.final-redhat" < "1.0-sp1-redhat"
 * there, > here.)
 *
 * Parsing, on the lowercased string, into nested lists of items:
 *   - '.' ends an item; '-' ends an item and opens a sub-list; an empty
 *     item (leading separator, "..", ".-") is the number 0;
 *   - digits followed by a non-digit end a number and open a sub-list;
 *     non-digits followed by a digit are a qualifier, put in a new sub-list
 *     when the current one is not empty, and the digits go in a further
 *     sub-list ("1.0alpha1" is [1, 0, [alpha, [1]]], [1, [alpha, [1]]]
 *     once normalised);
 *   - a trailing qualifier goes in a new sub-list when the current one is
 *     not empty, so "1.0.X1 < 1.0-X2" for any X (MNG-7644);
 *   - numbers lose their leading zeros; up to 9 digits they are an int, up
 *     to 18 a long, beyond a BigInteger, and an int is below any long, a
 *     long below any BigInteger (an all-zero run keeps its length, so
 *     "1.0000000000.1" > "1.5": a long 0 is above the int 5; faithful, if
 *     odd);
 *   - qualifiers: "a", "b", "m" right before a digit are alpha, beta,
 *     milestone; "cr" is "rc"; "ga", "final", "release" are "";
 *   - normalisation, innermost list first: trailing null items (0, "",
 *     empty lists) are dropped, also from before a trailing sub-list.
 * Lists are a chain (a sub-list is always the last item of its parent), so
 * a version is an array of lists, each with its scalar items and a flag for
 * its child: no allocation, no recursion.
 *
 * Order, item by item; a missing item is null:
 *   - numbers: int < long < BigInteger, then by value; a number is above any
 *     qualifier or list; against null it is 0 if zero, else above;
 *   - qualifiers: alpha < beta < milestone < rc < snapshot < "" < sp < any
 *     other qualifier, the others in byte order; a qualifier is below any
 *     list; against null it compares as with "";
 *   - lists: item by item; against null, the first item that is not equal
 *     to null decides (MNG-6964).
 * This is not transitive, in Maven either: "1.2.3.redhat-00001" <
 * "1.2.3-alpha" < "1.2.3" < "1.2.3.redhat-00001", because a qualifier is
 * below a list whatever their contents ([1,2,3,redhat,[1]] vs
 * [1,2,3,[alpha]]) while both compare by content with null.  We keep
 * Maven's answers: OSV ranges are evaluated pair by pair.
 *
 * Validity: ComparableVersion accepts any string; here a version is 1 to
 * HULL_MAX_VERSION_BYTES bytes of printable ASCII without spaces (0x21 to
 * 0x7e), which covers Maven coordinates and spares us Java's Unicode case
 * folding and digit classes. */
#include <stdint.h>
#include <string.h>

#include "vuln/version.h"
#include "vuln/version_util.h"

enum mvn_kind {
        /* numbers, in their order of types */
        MVN_INT,
        MVN_LONG,
        MVN_BIG,
        MVN_QUALIFIER,
};

enum {
        /* comparableQualifier() indexes */
        RANK_ALPHA,
        RANK_BETA,
        RANK_MILESTONE,
        RANK_RC,
        RANK_SNAPSHOT,
        RANK_RELEASE, /* "" */
        RANK_SP,
        RANK_OTHER, /* ordered by text */
};

struct mvn_item {
        uint8_t kind;
        uint8_t rank;      /* qualifiers */
        uint16_t off, len; /* digits without leading zeros (none for 0), or
                            * the text of a RANK_OTHER qualifier */
};

struct mvn_list {
        uint16_t first, n; /* scalar items: items[first .. first + n) */
        bool child;        /* the next list is its last item */
        int8_t null_cmp;   /* compareTo(null) */
};

/* A version of n bytes has at most n + 1 items and n + 2 lists (each byte
 * adds at most one of each, plus the last item and the top list). */
#define MVN_SLOTS (HULL_MAX_VERSION_BYTES + 2)

struct mvn_version {
        char s[HULL_MAX_VERSION_BYTES]; /* lowercased */
        struct mvn_item items[MVN_SLOTS];
        struct mvn_list lists[MVN_SLOTS];
        unsigned nitems, nlists, cur;
};

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

static bool add_item(struct mvn_version *v, struct mvn_item it) {
        if (v->nitems >= MVN_SLOTS)
                return false;
        v->items[v->nitems++] = it;
        v->lists[v->cur].n++;
        return true;
}

static bool open_child(struct mvn_version *v) {
        if (v->nlists >= MVN_SLOTS)
                return false;
        v->lists[v->cur].child = true;
        v->lists[v->nlists] = (struct mvn_list){.first = (uint16_t)v->nitems};
        v->cur = v->nlists++;
        return true;
}

static bool add_number(struct mvn_version *v, size_t b, size_t e) {
        size_t k = b, len;

        while (k < e && v->s[k] == '0')
                k++;
        /* stripLeadingZeroes() leaves an all-zero run whole: its length
         * picks the type */
        len = k == e ? e - b : e - k;
        return add_item(v, (struct mvn_item){
                                   .kind = len <= 9    ? MVN_INT
                                           : len <= 18 ? MVN_LONG
                                                       : MVN_BIG,
                                   .off = (uint16_t)k,
                                   .len = (uint16_t)(e - k),
                           });
}

static bool text_is(const struct mvn_version *v, size_t b, size_t e, const char *w) {
        size_t n = strlen(w);

        return e - b == n && memcmp(v->s + b, w, n) == 0;
}

static bool add_qualifier(struct mvn_version *v, size_t b, size_t e, bool followed_by_digit) {
        static const char *const names[] = {
                [RANK_ALPHA] = "alpha",
                [RANK_BETA] = "beta",
                [RANK_MILESTONE] = "milestone",
                [RANK_RC] = "rc",
                [RANK_SNAPSHOT] = "snapshot",
                [RANK_RELEASE] = "",
                [RANK_SP] = "sp",
        };
        struct mvn_item it = {.kind = MVN_QUALIFIER, .rank = RANK_OTHER};

        if (followed_by_digit && e - b == 1 && v->s[b] == 'a')
                it.rank = RANK_ALPHA;
        else if (followed_by_digit && e - b == 1 && v->s[b] == 'b')
                it.rank = RANK_BETA;
        else if (followed_by_digit && e - b == 1 && v->s[b] == 'm')
                it.rank = RANK_MILESTONE;
        else if (text_is(v, b, e, "cr"))
                it.rank = RANK_RC;
        else if (text_is(v, b, e, "ga") || text_is(v, b, e, "final") || text_is(v, b, e, "release"))
                it.rank = RANK_RELEASE;
        else
                for (unsigned r = 0; r < RANK_OTHER; r++)
                        if (text_is(v, b, e, names[r])) {
                                it.rank = (uint8_t)r;
                                break;
                        }
        if (it.rank == RANK_OTHER) {
                it.off = (uint16_t)b;
                it.len = (uint16_t)(e - b);
        }
        return add_item(v, it);
}

static bool add_token(struct mvn_version *v, size_t b, size_t e, bool digits) {
        return digits ? add_number(v, b, e) : add_qualifier(v, b, e, false);
}

/* Item against null (compareTo(null)): -1, 0 or 1. */
static int item_null_cmp(const struct mvn_item *it) {
        if (it->kind != MVN_QUALIFIER)
                return it->len > 0;
        return it->rank < RANK_RELEASE ? -1 : it->rank > RANK_RELEASE;
}

static void normalize(struct mvn_version *v) {
        for (unsigned k = v->nlists; k-- > 0;) {
                struct mvn_list *l = &v->lists[k];

                if (l->child) {
                        const struct mvn_list *c = &v->lists[k + 1];

                        l->child = c->n > 0 || c->child;
                }
                while (l->n > 0 && item_null_cmp(&v->items[l->first + l->n - 1]) == 0)
                        l->n--;
                l->null_cmp = 0;
                for (unsigned i = 0; i < l->n && !l->null_cmp; i++)
                        l->null_cmp = (int8_t)item_null_cmp(&v->items[l->first + i]);
                if (!l->null_cmp && l->child)
                        l->null_cmp = v->lists[k + 1].null_cmp;
        }
}

/* ComparableVersion.parseVersion(); -1 when v is not a valid version. */
static int mvn_parse(const char *s, size_t n, struct mvn_version *v) {
        size_t start = 0;
        bool digits = false, ok = true;

        if (n == 0 || n > HULL_MAX_VERSION_BYTES)
                return -1;
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)s[i];

                if (c < 0x21 || c > 0x7e)
                        return -1;
                v->s[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        }
        v->nitems = 0;
        v->nlists = 1;
        v->cur = 0;
        v->lists[0] = (struct mvn_list){0};

        for (size_t i = 0; i < n && ok; i++) {
                char c = v->s[i];

                if (c == '.' || c == '-') {
                        /* an empty item is the int 0 */
                        ok = i == start ? add_number(v, i, i) : add_token(v, start, i, digits);
                        start = i + 1;
                        if (c == '-' && ok)
                                ok = open_child(v);
                } else if (is_digit(c)) {
                        if (!digits && i > start) {
                                if (v->lists[v->cur].n > 0)
                                        ok = open_child(v);
                                ok = ok && add_qualifier(v, start, i, true);
                                start = i;
                                ok = ok && open_child(v);
                        }
                        digits = true;
                } else {
                        if (digits && i > start) {
                                ok = add_number(v, start, i);
                                start = i;
                                ok = ok && open_child(v);
                        }
                        digits = false;
                }
        }
        if (ok && n > start) {
                if (!digits && v->lists[v->cur].n > 0)
                        ok = open_child(v);
                ok = ok && add_token(v, start, n, digits);
        }
        if (!ok)
                return -1; /* cannot happen: MVN_SLOTS is enough */
        normalize(v);
        return 0;
}

static int sign(int x) {
        return (x > 0) - (x < 0);
}

static int bytes_cmp(const char *a, size_t an, const char *b, size_t bn) {
        int r = memcmp(a, b, an < bn ? an : bn);

        return r ? sign(r) : (an > bn) - (an < bn);
}

static int item_cmp(const struct mvn_version *a, const struct mvn_item *x,
                    const struct mvn_version *b, const struct mvn_item *y) {
        if (x->kind == MVN_QUALIFIER && y->kind == MVN_QUALIFIER) {
                if (x->rank != y->rank)
                        return x->rank < y->rank ? -1 : 1;
                if (x->rank != RANK_OTHER)
                        return 0;
                return bytes_cmp(a->s + x->off, x->len, b->s + y->off, y->len);
        }
        if (x->kind == MVN_QUALIFIER)
                return -1; /* 1.any < 1.1 */
        if (y->kind == MVN_QUALIFIER)
                return 1;
        if (x->kind != y->kind)
                return x->kind < y->kind ? -1 : 1;
        if (x->len != y->len)
                return x->len < y->len ? -1 : 1;
        return sign(memcmp(a->s + x->off, b->s + y->off, x->len));
}

/* ListItem.compareTo(ListItem) on the top lists.  A child is the last item
 * of its list, so two children meet only at the end of both: the
 * comparison then continues one level down instead of recursing. */
static int mvn_cmp(const struct mvn_version *a, const struct mvn_version *b) {
        for (unsigned k = 0;; k++) {
                const struct mvn_list *la = &a->lists[k], *lb = &b->lists[k];
                unsigned na = la->n + la->child, nb = lb->n + lb->child;
                bool descend = false;

                for (unsigned i = 0; i < na || i < nb; i++) {
                        bool xs = i < la->n, ys = i < lb->n;         /* scalars */
                        bool xc = !xs && i < na, yc = !ys && i < nb; /* children */
                        const struct mvn_item *x = xs ? &a->items[la->first + i] : NULL;
                        const struct mvn_item *y = ys ? &b->items[lb->first + i] : NULL;
                        int r;

                        if (!xs && !xc) /* a is shorter */
                                r = -(ys ? item_null_cmp(y) : b->lists[k + 1].null_cmp);
                        else if (!ys && !yc)
                                r = xs ? item_null_cmp(x) : a->lists[k + 1].null_cmp;
                        else if (xc && yc) {
                                descend = true;
                                break;
                        } else if (xc) /* list vs scalar */
                                r = y->kind == MVN_QUALIFIER ? 1 : -1;
                        else if (yc)
                                r = x->kind == MVN_QUALIFIER ? -1 : 1;
                        else
                                r = item_cmp(a, x, b, y);
                        if (r)
                                return r;
                }
                if (!descend)
                        return 0;
        }
}

int hull_version_cmp_maven(const char *a, size_t an, const char *b, size_t bn, int *ret) {
        struct mvn_version va, vb;

        if (!a || !b || mvn_parse(a, an, &va) < 0 || mvn_parse(b, bn, &vb) < 0)
                return -1;
        *ret = mvn_cmp(&va, &vb);
        return 0;
}

/* A parsed version is kilobytes: the key keeps the validity only. */
int hull_version_key_parse_maven(struct hull_version_key *k) {
        struct mvn_version v;

        return mvn_parse(k->v, k->n, &v);
}

int hull_version_key_cmp_maven(const struct hull_version_key *a, const struct hull_version_key *b) {
        int r = 0;

        (void)hull_version_cmp_maven(a->v, a->n, b->v, b->n, &r);
        return r;
}
