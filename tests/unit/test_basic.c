/* test_basic.c - src/basic: arena, buf, utf8, diag, err. */
#include "t.h"

#include "basic/arena.h"
#include "basic/buf.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "basic/json.h"
#include "basic/utf8.h"

TEST(arena_alloc_and_budget) {
        struct hull_arena a;
        hull_arena_init(&a, 1024);
        char *s = hull_arena_strdup(&a, "hello");
        T_STREQ(s, "hello");
        T_TRUE(hull_arena_alloc(&a, 2000) == NULL); /* over budget */
        hull_arena_release(&a);
        hull_arena_init(&a, 0);
        for (int i = 0; i < 10000; i++)
                T_TRUE(hull_arena_alloc(&a, 100) != NULL);
        T_TRUE(hull_arena_alloc(&a, 1 << 20) != NULL); /* big chunk */
        hull_arena_release(&a);
}

TEST(arena_push_grows) {
        struct hull_arena a = HULL_ARENA_INIT;
        int *v = NULL;
        size_t n = 0, cap = 0;
        for (int i = 0; i < 1000; i++) {
                int *p = hull_arena_push(&a, (void **)&v, &n, &cap, sizeof(int));
                T_TRUE(p != NULL);
                *p = i;
        }
        T_EQ(n, 1000);
        T_EQ(v[999], 999);
        T_EQ(v[0], 0);
        hull_arena_release(&a);
}

TEST(buf_limit) {
        struct hull_buf b;
        hull_buf_init(&b, 5);
        T_OK(hull_buf_puts(&b, "abc"));
        T_EQ(hull_buf_puts(&b, "def"), HULL_ELIMIT);
        T_STREQ(b.data, "abc");
        T_OK(hull_buf_printf(&b, "%d", 12));
        T_STREQ(b.data, "abc12");
        hull_buf_release(&b);
}

TEST(utf8_decode_go_rules) {
        size_t w;
        T_EQ(hull_utf8_decode("\xC3\xA9", 2, &w), 0xE9);
        T_EQ(w, 2);
        T_EQ(hull_utf8_decode("\xED\xA0\x80", 3, &w), HULL_RUNE_ERROR); /* surrogate */
        T_EQ(w, 1);
        T_EQ(hull_utf8_decode("\xC0\x80", 2, &w), HULL_RUNE_ERROR); /* overlong */
        T_EQ(w, 1);
        T_EQ(hull_utf8_decode("\xE2\x82", 2, &w), HULL_RUNE_ERROR); /* truncated */
        T_EQ(w, 1);
        T_EQ(hull_utf8_decode("\xEF\xBF\xBD", 3, &w), HULL_RUNE_ERROR); /* real U+FFFD */
        T_EQ(w, 3);
}

static void quote_is(const char *in, size_t n, const char *want, const char *file, int line) {
        struct hull_buf b;
        hull_buf_init(&b, 1 << 20);
        if (hull_go_quote(&b, in, n) != 0 || strcmp(b.data, want) != 0) {
                printf("# %s:%d: quote: got %s want %s\n", file, line, b.data ? b.data : "(null)",
                       want);
                t_failed = 1;
        }
        hull_buf_release(&b);
}
#define QUOTE_IS(in, want) quote_is(in, sizeof(in) - 1, want, __FILE__, __LINE__)

TEST(go_quote) {
        QUOTE_IS("abc", "\"abc\"");
        QUOTE_IS("a\"b\\c", "\"a\\\"b\\\\c\"");
        QUOTE_IS("\a\b\f\n\r\t\v", "\"\\a\\b\\f\\n\\r\\t\\v\"");
        QUOTE_IS("\x01\x7f", "\"\\x01\\x7f\"");
        QUOTE_IS("\xff", "\"\\xff\"");
        QUOTE_IS("\xe2\x99\xa5", "\"\xe2\x99\xa5\""); /* U+2665 printable */
        QUOTE_IS("\xc2\xa0", "\"\\u00a0\"");          /* NBSP not printable */
        QUOTE_IS("\xe2\x80\x8b", "\"\\u200b\"");      /* ZWSP format char */
        QUOTE_IS("\xef\xbb\xbf", "\"\\ufeff\"");
        QUOTE_IS("\xf3\xa0\x80\x81", "\"\\U000e0001\""); /* tag char, Cf */
        QUOTE_IS("\0", "\"\\x00\"");
}

TEST(space_rules) {
        T_TRUE(hull_rune_is_space(0x85));
        T_TRUE(hull_rune_is_space(0x3000));
        T_TRUE(!hull_rune_is_space(0x1c));
        T_TRUE(!hull_rune_is_space(0x200B));
        T_EQ(hull_utf8_space_prefix(" \t\xc2\xa0x", 5), 4);
        T_EQ(hull_utf8_trim_right("x \xe3\x80\x80", 5), 1);
}

TEST(diag_first_error_wins) {
        struct hull_diag d;
        char out[256];
        hull_diag_init(&d);
        T_EQ(hull_diag_set(&d, HULL_EPARSE, "Dockerfile", 3, 7, "bad %s", "thing"), HULL_EPARSE);
        hull_diag_set(&d, HULL_EIO, "x", 1, 1, "later");
        hull_diag_format(&d, out, sizeof(out));
        T_STREQ(out, "Dockerfile:3:7: error: bad thing");
        T_STREQ(hull_strerror(HULL_ELIMIT), "limit exceeded");
        T_STREQ(hull_strerror(999), "unknown error");
}

TEST(json_writer) {
        struct hull_buf b = HULL_BUF_INIT(4096);
        struct hull_json j;
        hull_json_init(&j, &b, false);
        hull_json_obj(&j);
        hull_json_kstr(&j, "s", "a\"b\\\n\x01\xff\xc3\xa9", 9);
        hull_json_key(&j, "e");
        hull_json_arr(&j);
        hull_json_arr_end(&j);
        hull_json_key(&j, "a");
        hull_json_arr(&j);
        hull_json_int(&j, -3);
        hull_json_bool(&j, true);
        hull_json_null(&j);
        hull_json_cstr(&j, NULL);
        hull_json_arr_end(&j);
        hull_json_obj_end(&j);
        T_OK(hull_json_end(&j));
        T_STREQ(b.data, "{\"s\":\"a\\\"b\\\\\\n\\u0001\xef\xbf\xbd\xc3\xa9\",\"e\":[],\"a\":[-3,"
                        "true,null,null]}");
        hull_buf_reset(&b);
        hull_json_init(&j, &b, true);
        hull_json_obj(&j);
        hull_json_kint(&j, "k", 1);
        hull_json_key(&j, "o");
        hull_json_obj(&j);
        hull_json_obj_end(&j);
        hull_json_obj_end(&j);
        T_OK(hull_json_end(&j));
        T_STREQ(b.data, "{\n  \"k\": 1,\n  \"o\": {}\n}");
        hull_buf_release(&b);
}

TEST(json_writer_limits) {
        struct hull_buf b = HULL_BUF_INIT(8);
        struct hull_json j;
        hull_json_init(&j, &b, false);
        hull_json_arr(&j);
        hull_json_cstr(&j, "0123456789");
        hull_json_arr_end(&j);
        T_EQ(hull_json_end(&j), HULL_ELIMIT);
        hull_buf_release(&b);
        b = (struct hull_buf)HULL_BUF_INIT(1 << 20);
        hull_json_init(&j, &b, false);
        for (int i = 0; i < 100; i++)
                hull_json_arr(&j);
        T_EQ(hull_json_end(&j), HULL_ELIMIT);
        hull_buf_release(&b);
}

T_MAIN()
