/* str.c - string helpers (str.h). */
#include "basic/str.h"

#include <stdio.h>

const char *hull_str_quote(char *buf, size_t size, const char *s, char q) {
        size_t o = 0;

        if (!s)
                return "(null)";
        if (size < 8)
                return "";
        buf[o++] = q;
        for (size_t i = 0; s[i]; i++) {
                unsigned char c = (unsigned char)s[i];
                if (o + 8 >= size || i >= 80) {
                        memcpy(buf + o, "...", 3);
                        o += 3;
                        break;
                }
                if (c == (unsigned char)q || c == '\\') {
                        buf[o++] = '\\';
                        buf[o++] = (char)c;
                } else if (c >= 0x20 && c < 0x7f) {
                        buf[o++] = (char)c;
                } else {
                        o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
                }
        }
        buf[o++] = q;
        buf[o] = '\0';
        return buf;
}
