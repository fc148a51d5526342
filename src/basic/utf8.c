/* utf8.c - Go-compatible UTF-8 decoding, rune classes and quoting. */
#include "basic/utf8.h"

#include "basic/err.h"
#include "basic/utf8_print_table.h"

uint32_t hull_utf8_decode(const char *str, size_t n, size_t *ret_width) {
        const unsigned char *s = (const unsigned char *)str;
        unsigned char c = s[0];
        uint32_t r;
        size_t need, i;

        *ret_width = 1;
        if (c < 0x80)
                return c;
        if (c >= 0xC2 && c <= 0xDF) {
                need = 2;
                r = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
                need = 3;
                r = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
                need = 4;
                r = c & 0x07;
        } else {
                return HULL_RUNE_ERROR;
        }
        if (n < need)
                return HULL_RUNE_ERROR;
        for (i = 1; i < need; i++) {
                unsigned char cc = s[i];
                unsigned char lo = 0x80, hi = 0xBF;
                if (i == 1) {
                        if (c == 0xE0)
                                lo = 0xA0;
                        else if (c == 0xED)
                                hi = 0x9F; /* no surrogates */
                        else if (c == 0xF0)
                                lo = 0x90;
                        else if (c == 0xF4)
                                hi = 0x8F;
                }
                if (cc < lo || cc > hi)
                        return HULL_RUNE_ERROR;
                r = (r << 6) | (cc & 0x3F);
        }
        *ret_width = need;
        return r;
}

size_t hull_utf8_encode(uint32_t c, char out[4]) {
        if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
                c = HULL_RUNE_ERROR;
        if (c < 0x80) {
                out[0] = (char)c;
                return 1;
        }
        if (c < 0x800) {
                out[0] = (char)(0xC0 | (c >> 6));
                out[1] = (char)(0x80 | (c & 0x3F));
                return 2;
        }
        if (c < 0x10000) {
                out[0] = (char)(0xE0 | (c >> 12));
                out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
                out[2] = (char)(0x80 | (c & 0x3F));
                return 3;
        }
        out[0] = (char)(0xF0 | (c >> 18));
        out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[3] = (char)(0x80 | (c & 0x3F));
        return 4;
}

static inline bool ascii_space(unsigned char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
}

bool hull_rune_is_space(uint32_t c) {
        if (c < 0x80)
                return ascii_space((unsigned char)c);
        switch (c) {
        case '\t':
        case '\n':
        case '\v':
        case '\f':
        case '\r':
        case ' ':
        case 0x85:
        case 0xA0:
        case 0x1680:
        case 0x2028:
        case 0x2029:
        case 0x202F:
        case 0x205F:
        case 0x3000: return true;
        default: return c >= 0x2000 && c <= 0x200A;
        }
}

bool hull_rune_is_print(uint32_t c) {
        size_t lo = 0, hi = (sizeof(print_ranges) / sizeof(print_ranges[0]));

        if (c < 0x80)
                return c >= 0x20 && c < 0x7F;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (c < print_ranges[mid][0])
                        hi = mid;
                else if (c > print_ranges[mid][1])
                        lo = mid + 1;
                else
                        return true;
        }
        return false;
}

size_t hull_utf8_space_prefix(const char *s, size_t n) {
        size_t i = 0, w;

        while (i < n) {
                unsigned char b = (unsigned char)s[i];
                if (b < 0x80) {
                        if (!ascii_space(b))
                                break;
                        i++;
                        continue;
                }
                uint32_t c = hull_utf8_decode(s + i, n - i, &w);
                if (!hull_rune_is_space(c) || (c == HULL_RUNE_ERROR && w == 1))
                        break;
                i += w;
        }
        return i;
}

size_t hull_utf8_trim_right(const char *s, size_t n) {
        /* walk back rune by rune, as Go's TrimRightFunc with DecodeLastRune */
        while (n > 0) {
                unsigned char last = (unsigned char)s[n - 1];
                if (last < 0x80) {
                        if (!ascii_space(last))
                                break;
                        n--;
                        continue;
                }
                size_t st = n - 1, w;
                while (st > 0 && n - st < 4 && ((unsigned char)s[st] & 0xC0) == 0x80)
                        st--;
                uint32_t c = hull_utf8_decode(s + st, n - st, &w);
                if (st + w != n || !hull_rune_is_space(c) || (c == HULL_RUNE_ERROR && w == 1))
                        break;
                n = st;
        }
        return n;
}

int hull_go_quote(struct hull_buf *b, const char *s, size_t n) {
        static const char hex[] = "0123456789abcdef";
        size_t i = 0, w;
        int r;

        if ((r = hull_buf_putc(b, '"')))
                return r;
        while (i < n) {
                uint32_t c = hull_utf8_decode(s + i, n - i, &w);
                char tmp[12];
                size_t tl = 0;

                if (c == HULL_RUNE_ERROR && w == 1) {
                        unsigned char byte = (unsigned char)s[i];
                        tmp[0] = '\\';
                        tmp[1] = 'x';
                        tmp[2] = hex[byte >> 4];
                        tmp[3] = hex[byte & 15];
                        tl = 4;
                } else if (c == '"' || c == '\\') {
                        tmp[0] = '\\';
                        tmp[1] = (char)c;
                        tl = 2;
                } else if (hull_rune_is_print(c)) {
                        if ((r = hull_buf_put(b, s + i, w)))
                                return r;
                        i += w;
                        continue;
                } else {
                        tmp[0] = '\\';
                        switch (c) {
                        case '\a':
                                tmp[1] = 'a';
                                tl = 2;
                                break;
                        case '\b':
                                tmp[1] = 'b';
                                tl = 2;
                                break;
                        case '\f':
                                tmp[1] = 'f';
                                tl = 2;
                                break;
                        case '\n':
                                tmp[1] = 'n';
                                tl = 2;
                                break;
                        case '\r':
                                tmp[1] = 'r';
                                tl = 2;
                                break;
                        case '\t':
                                tmp[1] = 't';
                                tl = 2;
                                break;
                        case '\v':
                                tmp[1] = 'v';
                                tl = 2;
                                break;
                        default:
                                if (c < 0x20 || c == 0x7F) {
                                        tmp[1] = 'x';
                                        tmp[2] = hex[c >> 4];
                                        tmp[3] = hex[c & 15];
                                        tl = 4;
                                } else if (c < 0x10000) {
                                        tmp[1] = 'u';
                                        for (int k = 0; k < 4; k++)
                                                tmp[2 + k] = hex[(c >> (12 - 4 * k)) & 15];
                                        tl = 6;
                                } else {
                                        tmp[1] = 'U';
                                        for (int k = 0; k < 8; k++)
                                                tmp[2 + k] = hex[(c >> (28 - 4 * k)) & 15];
                                        tl = 10;
                                }
                        }
                }
                if ((r = hull_buf_put(b, tmp, tl)))
                        return r;
                i += w;
        }
        return hull_buf_putc(b, '"');
}

int hull_buf_put_terminal(struct hull_buf *b, const char *s, size_t n) {
        static const char hex[] = "0123456789abcdef";
        size_t i = 0, w;

        while (i < n) {
                unsigned char c = (unsigned char)s[i];
                uint32_t r;
                if (c >= 0x20 && c < 0x7f) { /* the common case: printable ASCII */
                        size_t j = i + 1;
                        while (j < n && (unsigned char)s[j] >= 0x20 && (unsigned char)s[j] < 0x7f)
                                j++;
                        HULL_TRY(hull_buf_put(b, s + i, j - i));
                        i = j;
                        continue;
                }
                if (c == '\t' || c == '\n' || c == '\r') {
                        char e[2] = {'\\', c == '\t' ? 't' : c == '\n' ? 'n' : 'r'};
                        HULL_TRY(hull_buf_put(b, e, 2));
                        i++;
                        continue;
                }
                r = c < 0x80 ? c : hull_utf8_decode(s + i, n - i, &w);
                if (c < 0x80)
                        w = 1;
                if (c >= 0x80 && !(r == HULL_RUNE_ERROR && w == 1) && hull_rune_is_print(r)) {
                        HULL_TRY(hull_buf_put(b, s + i, w));
                } else {
                        for (size_t k = 0; k < w; k++) {
                                unsigned char x = (unsigned char)s[i + k];
                                char e[4] = {'\\', 'x', hex[x >> 4], hex[x & 15]};
                                HULL_TRY(hull_buf_put(b, e, 4));
                        }
                }
                i += w;
        }
        return HULL_OK;
}
