/* expand.c - BuildKit-exact variable expansion (see expand.h).
 *
 * How it works.  BuildKit reads a word with Go's text/scanner: one rune at a
 * time, an invalid UTF-8 byte read as U+FFFD (and written back as EF BF BD),
 * a byte order mark skipped when it is the very first rune.  We keep the same
 * reader (peek/next below) and the same recursive structure: scan() collects
 * text up to a stop rune (end of input at the top, '}' or '/' inside ${...}),
 * handing '$' to dollar() and quotes to squote()/dquote(); dollar() calls
 * scan() again for the word of a modifier.  Every rule of lex.go that can be
 * observed is kept, including the odd ones: the word of ${X:-w} is expanded
 * even when X is set (so its errors show), a failed inner scan that stopped at
 * the end of input is reported as "syntax error: missing '}'", values from the
 * environment are copied raw while source text is re-encoded, and in words
 * mode a nested scan empties the word being collected (lex.go shares one
 * buffer).
 *
 * Patterns.  lex.go turns a pattern into a Go regexp ('*' -> ".*" or ".*?",
 * '?' -> ".", everything else literal) and uses FindStringIndex (anchored for
 * # and %, with % done by reversing both pattern and value) or
 * ReplaceAllString (//).  We compile the pattern to a list of items (literal
 * rune, any rune, star) and run a Pike VM with the thread priorities of Go's
 * regexp, which gives the same leftmost-first match in O(value * pattern)
 * steps.  The value is walked forwards, or backwards for % (Go's
 * utf8.DecodeLastRune rules, which split bytes into the same runes).  // also
 * expands $0 / ${0} / $$ in the replacement as Go's Regexp.Expand does.
 *
 * Bounds.  Every buffer is capped at HULL_MAX_EXPAND_BYTES, every allocation
 * of one call is charged to a budget of 4 * HULL_MAX_EXPAND_BYTES (so copy
 * work is bounded too), nesting of ${...} at HULL_MAX_EXPAND_DEPTH, and
 * pattern matching at EXPAND_MAX_MATCH_STEPS VM steps.  Lookups are cached per
 * distinct name in a small hash table, which is also the "used" list. */
#include "dockerfile/expand.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "basic/buf.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "basic/utf8.h"

/* Local bounds derived from basic/limits.h (candidates for it). */
#define EXPAND_MAX_ALLOC (4 * (size_t)HULL_MAX_EXPAND_BYTES)
#define EXPAND_MAX_MATCH_STEPS (1ul << 24)

#define R_EOF (-1) /* text/scanner's EOF; string(EOF) is U+FFFD */

/* Pattern items: a literal rune, or one of these (above any rune). */
#define P_ANY 0x200000u
#define P_STAR 0x200001u

static bool rune_in(uint32_t c, const uint32_t (*tab)[2], size_t n) {
        size_t lo = 0, hi = n;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (c < tab[mid][0])
                        hi = mid;
                else if (c > tab[mid][1])
                        lo = mid + 1;
                else
                        return true;
        }
        return false;
}

/* Unicode 14.0 ranges above U+007F of categories L* (Go's unicode.IsLetter)
 * and Nd (unicode.IsDigit), as basic/utf8_print_table.h.  Generated: the
 * maximal runs of code points 0x80..0x10FFFF whose Python 3.11
 * unicodedata.category() starts with "L" / equals "Nd", four {lo, hi} pairs
 * per line. */
/* clang-format off */
static const uint32_t letter_ranges[][2] = {
        {0xaa, 0xaa}, {0xb5, 0xb5}, {0xba, 0xba}, {0xc0, 0xd6},
        {0xd8, 0xf6}, {0xf8, 0x2c1}, {0x2c6, 0x2d1}, {0x2e0, 0x2e4},
        {0x2ec, 0x2ec}, {0x2ee, 0x2ee}, {0x370, 0x374}, {0x376, 0x377},
        {0x37a, 0x37d}, {0x37f, 0x37f}, {0x386, 0x386}, {0x388, 0x38a},
        {0x38c, 0x38c}, {0x38e, 0x3a1}, {0x3a3, 0x3f5}, {0x3f7, 0x481},
        {0x48a, 0x52f}, {0x531, 0x556}, {0x559, 0x559}, {0x560, 0x588},
        {0x5d0, 0x5ea}, {0x5ef, 0x5f2}, {0x620, 0x64a}, {0x66e, 0x66f},
        {0x671, 0x6d3}, {0x6d5, 0x6d5}, {0x6e5, 0x6e6}, {0x6ee, 0x6ef},
        {0x6fa, 0x6fc}, {0x6ff, 0x6ff}, {0x710, 0x710}, {0x712, 0x72f},
        {0x74d, 0x7a5}, {0x7b1, 0x7b1}, {0x7ca, 0x7ea}, {0x7f4, 0x7f5},
        {0x7fa, 0x7fa}, {0x800, 0x815}, {0x81a, 0x81a}, {0x824, 0x824},
        {0x828, 0x828}, {0x840, 0x858}, {0x860, 0x86a}, {0x870, 0x887},
        {0x889, 0x88e}, {0x8a0, 0x8c9}, {0x904, 0x939}, {0x93d, 0x93d},
        {0x950, 0x950}, {0x958, 0x961}, {0x971, 0x980}, {0x985, 0x98c},
        {0x98f, 0x990}, {0x993, 0x9a8}, {0x9aa, 0x9b0}, {0x9b2, 0x9b2},
        {0x9b6, 0x9b9}, {0x9bd, 0x9bd}, {0x9ce, 0x9ce}, {0x9dc, 0x9dd},
        {0x9df, 0x9e1}, {0x9f0, 0x9f1}, {0x9fc, 0x9fc}, {0xa05, 0xa0a},
        {0xa0f, 0xa10}, {0xa13, 0xa28}, {0xa2a, 0xa30}, {0xa32, 0xa33},
        {0xa35, 0xa36}, {0xa38, 0xa39}, {0xa59, 0xa5c}, {0xa5e, 0xa5e},
        {0xa72, 0xa74}, {0xa85, 0xa8d}, {0xa8f, 0xa91}, {0xa93, 0xaa8},
        {0xaaa, 0xab0}, {0xab2, 0xab3}, {0xab5, 0xab9}, {0xabd, 0xabd},
        {0xad0, 0xad0}, {0xae0, 0xae1}, {0xaf9, 0xaf9}, {0xb05, 0xb0c},
        {0xb0f, 0xb10}, {0xb13, 0xb28}, {0xb2a, 0xb30}, {0xb32, 0xb33},
        {0xb35, 0xb39}, {0xb3d, 0xb3d}, {0xb5c, 0xb5d}, {0xb5f, 0xb61},
        {0xb71, 0xb71}, {0xb83, 0xb83}, {0xb85, 0xb8a}, {0xb8e, 0xb90},
        {0xb92, 0xb95}, {0xb99, 0xb9a}, {0xb9c, 0xb9c}, {0xb9e, 0xb9f},
        {0xba3, 0xba4}, {0xba8, 0xbaa}, {0xbae, 0xbb9}, {0xbd0, 0xbd0},
        {0xc05, 0xc0c}, {0xc0e, 0xc10}, {0xc12, 0xc28}, {0xc2a, 0xc39},
        {0xc3d, 0xc3d}, {0xc58, 0xc5a}, {0xc5d, 0xc5d}, {0xc60, 0xc61},
        {0xc80, 0xc80}, {0xc85, 0xc8c}, {0xc8e, 0xc90}, {0xc92, 0xca8},
        {0xcaa, 0xcb3}, {0xcb5, 0xcb9}, {0xcbd, 0xcbd}, {0xcdd, 0xcde},
        {0xce0, 0xce1}, {0xcf1, 0xcf2}, {0xd04, 0xd0c}, {0xd0e, 0xd10},
        {0xd12, 0xd3a}, {0xd3d, 0xd3d}, {0xd4e, 0xd4e}, {0xd54, 0xd56},
        {0xd5f, 0xd61}, {0xd7a, 0xd7f}, {0xd85, 0xd96}, {0xd9a, 0xdb1},
        {0xdb3, 0xdbb}, {0xdbd, 0xdbd}, {0xdc0, 0xdc6}, {0xe01, 0xe30},
        {0xe32, 0xe33}, {0xe40, 0xe46}, {0xe81, 0xe82}, {0xe84, 0xe84},
        {0xe86, 0xe8a}, {0xe8c, 0xea3}, {0xea5, 0xea5}, {0xea7, 0xeb0},
        {0xeb2, 0xeb3}, {0xebd, 0xebd}, {0xec0, 0xec4}, {0xec6, 0xec6},
        {0xedc, 0xedf}, {0xf00, 0xf00}, {0xf40, 0xf47}, {0xf49, 0xf6c},
        {0xf88, 0xf8c}, {0x1000, 0x102a}, {0x103f, 0x103f}, {0x1050, 0x1055},
        {0x105a, 0x105d}, {0x1061, 0x1061}, {0x1065, 0x1066}, {0x106e, 0x1070},
        {0x1075, 0x1081}, {0x108e, 0x108e}, {0x10a0, 0x10c5}, {0x10c7, 0x10c7},
        {0x10cd, 0x10cd}, {0x10d0, 0x10fa}, {0x10fc, 0x1248}, {0x124a, 0x124d},
        {0x1250, 0x1256}, {0x1258, 0x1258}, {0x125a, 0x125d}, {0x1260, 0x1288},
        {0x128a, 0x128d}, {0x1290, 0x12b0}, {0x12b2, 0x12b5}, {0x12b8, 0x12be},
        {0x12c0, 0x12c0}, {0x12c2, 0x12c5}, {0x12c8, 0x12d6}, {0x12d8, 0x1310},
        {0x1312, 0x1315}, {0x1318, 0x135a}, {0x1380, 0x138f}, {0x13a0, 0x13f5},
        {0x13f8, 0x13fd}, {0x1401, 0x166c}, {0x166f, 0x167f}, {0x1681, 0x169a},
        {0x16a0, 0x16ea}, {0x16f1, 0x16f8}, {0x1700, 0x1711}, {0x171f, 0x1731},
        {0x1740, 0x1751}, {0x1760, 0x176c}, {0x176e, 0x1770}, {0x1780, 0x17b3},
        {0x17d7, 0x17d7}, {0x17dc, 0x17dc}, {0x1820, 0x1878}, {0x1880, 0x1884},
        {0x1887, 0x18a8}, {0x18aa, 0x18aa}, {0x18b0, 0x18f5}, {0x1900, 0x191e},
        {0x1950, 0x196d}, {0x1970, 0x1974}, {0x1980, 0x19ab}, {0x19b0, 0x19c9},
        {0x1a00, 0x1a16}, {0x1a20, 0x1a54}, {0x1aa7, 0x1aa7}, {0x1b05, 0x1b33},
        {0x1b45, 0x1b4c}, {0x1b83, 0x1ba0}, {0x1bae, 0x1baf}, {0x1bba, 0x1be5},
        {0x1c00, 0x1c23}, {0x1c4d, 0x1c4f}, {0x1c5a, 0x1c7d}, {0x1c80, 0x1c88},
        {0x1c90, 0x1cba}, {0x1cbd, 0x1cbf}, {0x1ce9, 0x1cec}, {0x1cee, 0x1cf3},
        {0x1cf5, 0x1cf6}, {0x1cfa, 0x1cfa}, {0x1d00, 0x1dbf}, {0x1e00, 0x1f15},
        {0x1f18, 0x1f1d}, {0x1f20, 0x1f45}, {0x1f48, 0x1f4d}, {0x1f50, 0x1f57},
        {0x1f59, 0x1f59}, {0x1f5b, 0x1f5b}, {0x1f5d, 0x1f5d}, {0x1f5f, 0x1f7d},
        {0x1f80, 0x1fb4}, {0x1fb6, 0x1fbc}, {0x1fbe, 0x1fbe}, {0x1fc2, 0x1fc4},
        {0x1fc6, 0x1fcc}, {0x1fd0, 0x1fd3}, {0x1fd6, 0x1fdb}, {0x1fe0, 0x1fec},
        {0x1ff2, 0x1ff4}, {0x1ff6, 0x1ffc}, {0x2071, 0x2071}, {0x207f, 0x207f},
        {0x2090, 0x209c}, {0x2102, 0x2102}, {0x2107, 0x2107}, {0x210a, 0x2113},
        {0x2115, 0x2115}, {0x2119, 0x211d}, {0x2124, 0x2124}, {0x2126, 0x2126},
        {0x2128, 0x2128}, {0x212a, 0x212d}, {0x212f, 0x2139}, {0x213c, 0x213f},
        {0x2145, 0x2149}, {0x214e, 0x214e}, {0x2183, 0x2184}, {0x2c00, 0x2ce4},
        {0x2ceb, 0x2cee}, {0x2cf2, 0x2cf3}, {0x2d00, 0x2d25}, {0x2d27, 0x2d27},
        {0x2d2d, 0x2d2d}, {0x2d30, 0x2d67}, {0x2d6f, 0x2d6f}, {0x2d80, 0x2d96},
        {0x2da0, 0x2da6}, {0x2da8, 0x2dae}, {0x2db0, 0x2db6}, {0x2db8, 0x2dbe},
        {0x2dc0, 0x2dc6}, {0x2dc8, 0x2dce}, {0x2dd0, 0x2dd6}, {0x2dd8, 0x2dde},
        {0x2e2f, 0x2e2f}, {0x3005, 0x3006}, {0x3031, 0x3035}, {0x303b, 0x303c},
        {0x3041, 0x3096}, {0x309d, 0x309f}, {0x30a1, 0x30fa}, {0x30fc, 0x30ff},
        {0x3105, 0x312f}, {0x3131, 0x318e}, {0x31a0, 0x31bf}, {0x31f0, 0x31ff},
        {0x3400, 0x4dbf}, {0x4e00, 0xa48c}, {0xa4d0, 0xa4fd}, {0xa500, 0xa60c},
        {0xa610, 0xa61f}, {0xa62a, 0xa62b}, {0xa640, 0xa66e}, {0xa67f, 0xa69d},
        {0xa6a0, 0xa6e5}, {0xa717, 0xa71f}, {0xa722, 0xa788}, {0xa78b, 0xa7ca},
        {0xa7d0, 0xa7d1}, {0xa7d3, 0xa7d3}, {0xa7d5, 0xa7d9}, {0xa7f2, 0xa801},
        {0xa803, 0xa805}, {0xa807, 0xa80a}, {0xa80c, 0xa822}, {0xa840, 0xa873},
        {0xa882, 0xa8b3}, {0xa8f2, 0xa8f7}, {0xa8fb, 0xa8fb}, {0xa8fd, 0xa8fe},
        {0xa90a, 0xa925}, {0xa930, 0xa946}, {0xa960, 0xa97c}, {0xa984, 0xa9b2},
        {0xa9cf, 0xa9cf}, {0xa9e0, 0xa9e4}, {0xa9e6, 0xa9ef}, {0xa9fa, 0xa9fe},
        {0xaa00, 0xaa28}, {0xaa40, 0xaa42}, {0xaa44, 0xaa4b}, {0xaa60, 0xaa76},
        {0xaa7a, 0xaa7a}, {0xaa7e, 0xaaaf}, {0xaab1, 0xaab1}, {0xaab5, 0xaab6},
        {0xaab9, 0xaabd}, {0xaac0, 0xaac0}, {0xaac2, 0xaac2}, {0xaadb, 0xaadd},
        {0xaae0, 0xaaea}, {0xaaf2, 0xaaf4}, {0xab01, 0xab06}, {0xab09, 0xab0e},
        {0xab11, 0xab16}, {0xab20, 0xab26}, {0xab28, 0xab2e}, {0xab30, 0xab5a},
        {0xab5c, 0xab69}, {0xab70, 0xabe2}, {0xac00, 0xd7a3}, {0xd7b0, 0xd7c6},
        {0xd7cb, 0xd7fb}, {0xf900, 0xfa6d}, {0xfa70, 0xfad9}, {0xfb00, 0xfb06},
        {0xfb13, 0xfb17}, {0xfb1d, 0xfb1d}, {0xfb1f, 0xfb28}, {0xfb2a, 0xfb36},
        {0xfb38, 0xfb3c}, {0xfb3e, 0xfb3e}, {0xfb40, 0xfb41}, {0xfb43, 0xfb44},
        {0xfb46, 0xfbb1}, {0xfbd3, 0xfd3d}, {0xfd50, 0xfd8f}, {0xfd92, 0xfdc7},
        {0xfdf0, 0xfdfb}, {0xfe70, 0xfe74}, {0xfe76, 0xfefc}, {0xff21, 0xff3a},
        {0xff41, 0xff5a}, {0xff66, 0xffbe}, {0xffc2, 0xffc7}, {0xffca, 0xffcf},
        {0xffd2, 0xffd7}, {0xffda, 0xffdc}, {0x10000, 0x1000b}, {0x1000d, 0x10026},
        {0x10028, 0x1003a}, {0x1003c, 0x1003d}, {0x1003f, 0x1004d}, {0x10050, 0x1005d},
        {0x10080, 0x100fa}, {0x10280, 0x1029c}, {0x102a0, 0x102d0}, {0x10300, 0x1031f},
        {0x1032d, 0x10340}, {0x10342, 0x10349}, {0x10350, 0x10375}, {0x10380, 0x1039d},
        {0x103a0, 0x103c3}, {0x103c8, 0x103cf}, {0x10400, 0x1049d}, {0x104b0, 0x104d3},
        {0x104d8, 0x104fb}, {0x10500, 0x10527}, {0x10530, 0x10563}, {0x10570, 0x1057a},
        {0x1057c, 0x1058a}, {0x1058c, 0x10592}, {0x10594, 0x10595}, {0x10597, 0x105a1},
        {0x105a3, 0x105b1}, {0x105b3, 0x105b9}, {0x105bb, 0x105bc}, {0x10600, 0x10736},
        {0x10740, 0x10755}, {0x10760, 0x10767}, {0x10780, 0x10785}, {0x10787, 0x107b0},
        {0x107b2, 0x107ba}, {0x10800, 0x10805}, {0x10808, 0x10808}, {0x1080a, 0x10835},
        {0x10837, 0x10838}, {0x1083c, 0x1083c}, {0x1083f, 0x10855}, {0x10860, 0x10876},
        {0x10880, 0x1089e}, {0x108e0, 0x108f2}, {0x108f4, 0x108f5}, {0x10900, 0x10915},
        {0x10920, 0x10939}, {0x10980, 0x109b7}, {0x109be, 0x109bf}, {0x10a00, 0x10a00},
        {0x10a10, 0x10a13}, {0x10a15, 0x10a17}, {0x10a19, 0x10a35}, {0x10a60, 0x10a7c},
        {0x10a80, 0x10a9c}, {0x10ac0, 0x10ac7}, {0x10ac9, 0x10ae4}, {0x10b00, 0x10b35},
        {0x10b40, 0x10b55}, {0x10b60, 0x10b72}, {0x10b80, 0x10b91}, {0x10c00, 0x10c48},
        {0x10c80, 0x10cb2}, {0x10cc0, 0x10cf2}, {0x10d00, 0x10d23}, {0x10e80, 0x10ea9},
        {0x10eb0, 0x10eb1}, {0x10f00, 0x10f1c}, {0x10f27, 0x10f27}, {0x10f30, 0x10f45},
        {0x10f70, 0x10f81}, {0x10fb0, 0x10fc4}, {0x10fe0, 0x10ff6}, {0x11003, 0x11037},
        {0x11071, 0x11072}, {0x11075, 0x11075}, {0x11083, 0x110af}, {0x110d0, 0x110e8},
        {0x11103, 0x11126}, {0x11144, 0x11144}, {0x11147, 0x11147}, {0x11150, 0x11172},
        {0x11176, 0x11176}, {0x11183, 0x111b2}, {0x111c1, 0x111c4}, {0x111da, 0x111da},
        {0x111dc, 0x111dc}, {0x11200, 0x11211}, {0x11213, 0x1122b}, {0x11280, 0x11286},
        {0x11288, 0x11288}, {0x1128a, 0x1128d}, {0x1128f, 0x1129d}, {0x1129f, 0x112a8},
        {0x112b0, 0x112de}, {0x11305, 0x1130c}, {0x1130f, 0x11310}, {0x11313, 0x11328},
        {0x1132a, 0x11330}, {0x11332, 0x11333}, {0x11335, 0x11339}, {0x1133d, 0x1133d},
        {0x11350, 0x11350}, {0x1135d, 0x11361}, {0x11400, 0x11434}, {0x11447, 0x1144a},
        {0x1145f, 0x11461}, {0x11480, 0x114af}, {0x114c4, 0x114c5}, {0x114c7, 0x114c7},
        {0x11580, 0x115ae}, {0x115d8, 0x115db}, {0x11600, 0x1162f}, {0x11644, 0x11644},
        {0x11680, 0x116aa}, {0x116b8, 0x116b8}, {0x11700, 0x1171a}, {0x11740, 0x11746},
        {0x11800, 0x1182b}, {0x118a0, 0x118df}, {0x118ff, 0x11906}, {0x11909, 0x11909},
        {0x1190c, 0x11913}, {0x11915, 0x11916}, {0x11918, 0x1192f}, {0x1193f, 0x1193f},
        {0x11941, 0x11941}, {0x119a0, 0x119a7}, {0x119aa, 0x119d0}, {0x119e1, 0x119e1},
        {0x119e3, 0x119e3}, {0x11a00, 0x11a00}, {0x11a0b, 0x11a32}, {0x11a3a, 0x11a3a},
        {0x11a50, 0x11a50}, {0x11a5c, 0x11a89}, {0x11a9d, 0x11a9d}, {0x11ab0, 0x11af8},
        {0x11c00, 0x11c08}, {0x11c0a, 0x11c2e}, {0x11c40, 0x11c40}, {0x11c72, 0x11c8f},
        {0x11d00, 0x11d06}, {0x11d08, 0x11d09}, {0x11d0b, 0x11d30}, {0x11d46, 0x11d46},
        {0x11d60, 0x11d65}, {0x11d67, 0x11d68}, {0x11d6a, 0x11d89}, {0x11d98, 0x11d98},
        {0x11ee0, 0x11ef2}, {0x11fb0, 0x11fb0}, {0x12000, 0x12399}, {0x12480, 0x12543},
        {0x12f90, 0x12ff0}, {0x13000, 0x1342e}, {0x14400, 0x14646}, {0x16800, 0x16a38},
        {0x16a40, 0x16a5e}, {0x16a70, 0x16abe}, {0x16ad0, 0x16aed}, {0x16b00, 0x16b2f},
        {0x16b40, 0x16b43}, {0x16b63, 0x16b77}, {0x16b7d, 0x16b8f}, {0x16e40, 0x16e7f},
        {0x16f00, 0x16f4a}, {0x16f50, 0x16f50}, {0x16f93, 0x16f9f}, {0x16fe0, 0x16fe1},
        {0x16fe3, 0x16fe3}, {0x17000, 0x187f7}, {0x18800, 0x18cd5}, {0x18d00, 0x18d08},
        {0x1aff0, 0x1aff3}, {0x1aff5, 0x1affb}, {0x1affd, 0x1affe}, {0x1b000, 0x1b122},
        {0x1b150, 0x1b152}, {0x1b164, 0x1b167}, {0x1b170, 0x1b2fb}, {0x1bc00, 0x1bc6a},
        {0x1bc70, 0x1bc7c}, {0x1bc80, 0x1bc88}, {0x1bc90, 0x1bc99}, {0x1d400, 0x1d454},
        {0x1d456, 0x1d49c}, {0x1d49e, 0x1d49f}, {0x1d4a2, 0x1d4a2}, {0x1d4a5, 0x1d4a6},
        {0x1d4a9, 0x1d4ac}, {0x1d4ae, 0x1d4b9}, {0x1d4bb, 0x1d4bb}, {0x1d4bd, 0x1d4c3},
        {0x1d4c5, 0x1d505}, {0x1d507, 0x1d50a}, {0x1d50d, 0x1d514}, {0x1d516, 0x1d51c},
        {0x1d51e, 0x1d539}, {0x1d53b, 0x1d53e}, {0x1d540, 0x1d544}, {0x1d546, 0x1d546},
        {0x1d54a, 0x1d550}, {0x1d552, 0x1d6a5}, {0x1d6a8, 0x1d6c0}, {0x1d6c2, 0x1d6da},
        {0x1d6dc, 0x1d6fa}, {0x1d6fc, 0x1d714}, {0x1d716, 0x1d734}, {0x1d736, 0x1d74e},
        {0x1d750, 0x1d76e}, {0x1d770, 0x1d788}, {0x1d78a, 0x1d7a8}, {0x1d7aa, 0x1d7c2},
        {0x1d7c4, 0x1d7cb}, {0x1df00, 0x1df1e}, {0x1e100, 0x1e12c}, {0x1e137, 0x1e13d},
        {0x1e14e, 0x1e14e}, {0x1e290, 0x1e2ad}, {0x1e2c0, 0x1e2eb}, {0x1e7e0, 0x1e7e6},
        {0x1e7e8, 0x1e7eb}, {0x1e7ed, 0x1e7ee}, {0x1e7f0, 0x1e7fe}, {0x1e800, 0x1e8c4},
        {0x1e900, 0x1e943}, {0x1e94b, 0x1e94b}, {0x1ee00, 0x1ee03}, {0x1ee05, 0x1ee1f},
        {0x1ee21, 0x1ee22}, {0x1ee24, 0x1ee24}, {0x1ee27, 0x1ee27}, {0x1ee29, 0x1ee32},
        {0x1ee34, 0x1ee37}, {0x1ee39, 0x1ee39}, {0x1ee3b, 0x1ee3b}, {0x1ee42, 0x1ee42},
        {0x1ee47, 0x1ee47}, {0x1ee49, 0x1ee49}, {0x1ee4b, 0x1ee4b}, {0x1ee4d, 0x1ee4f},
        {0x1ee51, 0x1ee52}, {0x1ee54, 0x1ee54}, {0x1ee57, 0x1ee57}, {0x1ee59, 0x1ee59},
        {0x1ee5b, 0x1ee5b}, {0x1ee5d, 0x1ee5d}, {0x1ee5f, 0x1ee5f}, {0x1ee61, 0x1ee62},
        {0x1ee64, 0x1ee64}, {0x1ee67, 0x1ee6a}, {0x1ee6c, 0x1ee72}, {0x1ee74, 0x1ee77},
        {0x1ee79, 0x1ee7c}, {0x1ee7e, 0x1ee7e}, {0x1ee80, 0x1ee89}, {0x1ee8b, 0x1ee9b},
        {0x1eea1, 0x1eea3}, {0x1eea5, 0x1eea9}, {0x1eeab, 0x1eebb}, {0x20000, 0x2a6df},
        {0x2a700, 0x2b738}, {0x2b740, 0x2b81d}, {0x2b820, 0x2cea1}, {0x2ceb0, 0x2ebe0},
        {0x2f800, 0x2fa1d}, {0x30000, 0x3134a},
};
static const uint32_t digit_ranges[][2] = {
        {0x660, 0x669}, {0x6f0, 0x6f9}, {0x7c0, 0x7c9}, {0x966, 0x96f},
        {0x9e6, 0x9ef}, {0xa66, 0xa6f}, {0xae6, 0xaef}, {0xb66, 0xb6f},
        {0xbe6, 0xbef}, {0xc66, 0xc6f}, {0xce6, 0xcef}, {0xd66, 0xd6f},
        {0xde6, 0xdef}, {0xe50, 0xe59}, {0xed0, 0xed9}, {0xf20, 0xf29},
        {0x1040, 0x1049}, {0x1090, 0x1099}, {0x17e0, 0x17e9}, {0x1810, 0x1819},
        {0x1946, 0x194f}, {0x19d0, 0x19d9}, {0x1a80, 0x1a89}, {0x1a90, 0x1a99},
        {0x1b50, 0x1b59}, {0x1bb0, 0x1bb9}, {0x1c40, 0x1c49}, {0x1c50, 0x1c59},
        {0xa620, 0xa629}, {0xa8d0, 0xa8d9}, {0xa900, 0xa909}, {0xa9d0, 0xa9d9},
        {0xa9f0, 0xa9f9}, {0xaa50, 0xaa59}, {0xabf0, 0xabf9}, {0xff10, 0xff19},
        {0x104a0, 0x104a9}, {0x10d30, 0x10d39}, {0x11066, 0x1106f}, {0x110f0, 0x110f9},
        {0x11136, 0x1113f}, {0x111d0, 0x111d9}, {0x112f0, 0x112f9}, {0x11450, 0x11459},
        {0x114d0, 0x114d9}, {0x11650, 0x11659}, {0x116c0, 0x116c9}, {0x11730, 0x11739},
        {0x118e0, 0x118e9}, {0x11950, 0x11959}, {0x11c50, 0x11c59}, {0x11d50, 0x11d59},
        {0x11da0, 0x11da9}, {0x16a60, 0x16a69}, {0x16ac0, 0x16ac9}, {0x16b50, 0x16b59},
        {0x1d7ce, 0x1d7ff}, {0x1e140, 0x1e149}, {0x1e2f0, 0x1e2f9}, {0x1e950, 0x1e959},
        {0x1fbf0, 0x1fbf9},
};
/* clang-format on */

static bool is_letter(int32_t c) {
        if (c < 0x80)
                return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        return rune_in((uint32_t)c, letter_ranges, ELEMENTSOF(letter_ranges));
}

static bool is_digit(int32_t c) {
        if (c < 0x80)
                return c >= '0' && c <= '9';
        return rune_in((uint32_t)c, digit_ranges, ELEMENTSOF(digit_ranges));
}

/* lex.go isSpecialParam */
static bool is_special_param(int32_t c) {
        switch (c) {
        case '@':
        case '*':
        case '#':
        case '?':
        case '-':
        case '$':
        case '!':
        case '0': return true;
        default: return false;
        }
}

/* Go's utf8.DecodeLastRune on s[0..end), end > 0. */
static uint32_t decode_last(const char *s, size_t end, size_t *ret_w) {
        unsigned char b = (unsigned char)s[end - 1];
        size_t lim = end >= 4 ? end - 4 : 0, st = end - 1, w;

        *ret_w = 1;
        if (b < 0x80)
                return b;
        while (st > lim) {
                st--;
                if (((unsigned char)s[st] & 0xC0) != 0x80) {
                        uint32_t r = hull_utf8_decode(s + st, end - st, &w);
                        if (st + w != end)
                                return HULL_RUNE_ERROR;
                        *ret_w = w;
                        return r;
                }
        }
        return HULL_RUNE_ERROR;
}

/* A growable byte string in the arena. */
struct sbuf {
        char *p;
        size_t len, cap;
};

/* A name seen during the call: lookup cache and "used" list in one. */
struct name_ent {
        char *name;
        size_t len;
        const char *val;
        size_t vlen;
        bool set;
};

/* The Pike VM's run queues (see search()). */
struct thread {
        size_t st;    /* item index; npat = match */
        size_t start; /* where the match began */
};

struct vm {
        const uint32_t *pat;
        size_t npat;
        bool greedy;
        struct thread *cl, *nl; /* current and next queue */
        size_t ncl, nnl;
        uint32_t *mcl, *mnl; /* membership stamps of each queue */
        uint32_t gcl, gnl;
};

/* The value a pattern runs over: forwards, or backwards from the end. */
struct stream {
        const char *s;
        size_t n;
        bool backwards;
};

struct xp {
        struct hull_arena *a;
        const char *s; /* the word */
        size_t n, pos;
        int32_t esc;
        unsigned flags;
        bool raw_escapes; /* lex.go sw.rawEscapes, switched per scan */
        const struct hull_expand_env *env;
        unsigned depth;
        size_t alloc_left, alloc_start;
        unsigned long steps_left, steps_start;

        /* words mode (ProcessWords) */
        bool track_words;
        struct sbuf wbuf;
        bool in_word;
        char **words;
        size_t *wlens;
        size_t nwords, wcap;

        /* names, insertion order, plus an open-addressing index (slot = i+1) */
        struct name_ent *names;
        size_t nnames, names_cap;
        uint32_t *htab;
        size_t hcap;

        /* the error, once set */
        int err;
        size_t err_off;
        char msg[512];
        size_t msg_len;
};

/* ---- errors ---- */

static void msg_put(struct xp *x, const char *p, size_t n) {
        for (size_t i = 0; i < n; i++) {
                const char *add = p + i;
                size_t addn = 1;
                if (p[i] == '\0') {
                        add = "\\x00";
                        addn = 4;
                }
                if (x->msg_len + addn >= sizeof(x->msg))
                        return;
                memcpy(x->msg + x->msg_len, add, addn);
                x->msg_len += addn;
        }
        x->msg[x->msg_len] = '\0';
}

static void msg_puts(struct xp *x, const char *s) {
        msg_put(x, s, strlen(s));
}

/* Start an error (the first one wins) and return its code; the caller then
 * appends the message with msg_put*. */
static int fail_begin(struct xp *x, int code, size_t off) {
        if (x->err != HULL_OK)
                return x->err;
        x->err = code;
        x->err_off = off;
        x->msg_len = 0;
        x->msg[0] = '\0';
        return code;
}

static int fail(struct xp *x, int code, size_t off, const char *m) {
        if (x->err == HULL_OK) {
                fail_begin(x, code, off);
                msg_puts(x, m);
        }
        return x->err;
}

/* lex.go replaces the error of a word scan that ran into the end of input. */
static int fail_replace(struct xp *x, size_t off, const char *m) {
        x->err = HULL_OK;
        return fail(x, HULL_EPARSE, off, m);
}

static void msg_rune(struct xp *x, int32_t c) {
        char enc[4];
        size_t n = hull_utf8_encode(c < 0 ? HULL_RUNE_ERROR : (uint32_t)c, enc);
        msg_put(x, enc, n);
}

/* ---- allocation, buffers ---- */

static void *xalloc(struct xp *x, size_t n) {
        void *p;

        if (n > x->alloc_left) {
                fail(x, HULL_ELIMIT, x->pos, "variable expansion needs too much memory");
                return NULL;
        }
        p = hull_arena_alloc(x->a, n ? n : 1);
        if (!p) {
                fail(x, HULL_ENOMEM, x->pos, "out of memory");
                return NULL;
        }
        x->alloc_left -= n;
        return p;
}

static void *xalloc0(struct xp *x, size_t n) {
        void *p = xalloc(x, n);
        if (p)
                memset(p, 0, n);
        return p;
}

static int sb_put(struct xp *x, struct sbuf *b, const char *p, size_t n) {
        if (n == 0)
                return HULL_OK;
        if (n > HULL_MAX_EXPAND_BYTES - b->len) {
                fail_begin(x, HULL_ELIMIT, x->pos);
                msg_puts(x, "variable expansion result too large");
                return x->err;
        }
        if (b->len + n >= b->cap) {
                size_t ncap = b->cap ? b->cap * 2 : 32;
                char *np;
                while (ncap <= b->len + n)
                        ncap *= 2;
                if (ncap > (size_t)HULL_MAX_EXPAND_BYTES + 1)
                        ncap = (size_t)HULL_MAX_EXPAND_BYTES + 1;
                np = xalloc(x, ncap);
                if (!np)
                        return x->err;
                if (b->len)
                        memcpy(np, b->p, b->len);
                b->p = np;
                b->cap = ncap;
        }
        memcpy(b->p + b->len, p, n);
        b->len += n;
        return HULL_OK;
}

static int sb_puts(struct xp *x, struct sbuf *b, const char *s) {
        return sb_put(x, b, s, strlen(s));
}

/* Go's WriteRune / string(rune): EOF and invalid code points become U+FFFD. */
static int sb_rune(struct xp *x, struct sbuf *b, int32_t c) {
        char enc[4];
        size_t n = hull_utf8_encode(c < 0 ? HULL_RUNE_ERROR : (uint32_t)c, enc);
        return sb_put(x, b, enc, n);
}

/* Bytes re-encoded rune by rune, as Go's []rune then string conversion. */
static int sb_normalized(struct xp *x, struct sbuf *b, const char *p, size_t n) {
        size_t i = 0, w;

        while (i < n) {
                size_t j = i;
                /* copy valid runs in one go */
                while (j < n) {
                        uint32_t c = hull_utf8_decode(p + j, n - j, &w);
                        if (c == HULL_RUNE_ERROR && w == 1)
                                break;
                        j += w;
                }
                HULL_TRY(sb_put(x, b, p + i, j - i));
                if (j < n) {
                        HULL_TRY(sb_rune(x, b, (int32_t)HULL_RUNE_ERROR));
                        j++;
                }
                i = j;
        }
        return HULL_OK;
}

/* ---- the reader (Go's text/scanner Peek/Next) ---- */

static int32_t peek(const struct xp *x, size_t *ret_w) {
        if (x->pos >= x->n) {
                *ret_w = 0;
                return R_EOF;
        }
        return (int32_t)hull_utf8_decode(x->s + x->pos, x->n - x->pos, ret_w);
}

static int32_t next(struct xp *x) {
        size_t w;
        int32_t c = peek(x, &w);
        x->pos += w;
        return c;
}

/* ---- words (lex.go wordsStruct) ---- */

static int w_push(struct xp *x) {
        char *s;

        if (x->nwords == x->wcap) {
                size_t ncap = x->wcap ? x->wcap * 2 : 8;
                char **nw = xalloc(x, ncap * sizeof(*nw));
                size_t *nl = nw ? xalloc(x, ncap * sizeof(*nl)) : NULL;
                if (!nl)
                        return x->err;
                if (x->nwords) {
                        memcpy(nw, x->words, x->nwords * sizeof(*nw));
                        memcpy(nl, x->wlens, x->nwords * sizeof(*nl));
                }
                x->words = nw;
                x->wlens = nl;
                x->wcap = ncap;
        }
        s = xalloc(x, x->wbuf.len + 1);
        if (!s)
                return x->err;
        memcpy(s, x->wbuf.p, x->wbuf.len);
        s[x->wbuf.len] = '\0';
        x->words[x->nwords] = s;
        x->wlens[x->nwords] = x->wbuf.len;
        x->nwords++;
        x->wbuf.len = 0;
        return HULL_OK;
}

static int w_raw_rune(struct xp *x, int32_t c) {
        x->in_word = true;
        return sb_rune(x, &x->wbuf, c);
}

static int w_rune(struct xp *x, int32_t c) {
        bool space = hull_rune_is_space((uint32_t)c);

        if (space && x->in_word) {
                if (x->wbuf.len != 0) {
                        HULL_TRY(w_push(x));
                        x->in_word = false;
                }
        } else if (!space) {
                return w_raw_rune(x, c);
        }
        return HULL_OK;
}

/* addString: the value is split, rune by rune (Go's range over a string). */
static int w_string(struct xp *x, const char *p, size_t n) {
        size_t i = 0, w;

        while (i < n) {
                uint32_t c = hull_utf8_decode(p + i, n - i, &w);
                HULL_TRY(w_rune(x, (int32_t)c));
                i += w;
        }
        return HULL_OK;
}

/* addRawString: quoted text joins the current word whole. */
static int w_raw_string(struct xp *x, const char *p, size_t n) {
        x->in_word = true;
        return sb_put(x, &x->wbuf, p, n);
}

/* ---- names ---- */

static uint32_t name_hash(const char *p, size_t n) {
        uint32_t h = 2166136261u;
        for (size_t i = 0; i < n; i++)
                h = (h ^ (unsigned char)p[i]) * 16777619u;
        return h;
}

static int names_grow(struct xp *x) {
        size_t ncap = x->hcap ? x->hcap * 2 : 16;
        uint32_t *nt = xalloc0(x, ncap * sizeof(*nt));
        struct name_ent *ne;

        if (!nt)
                return x->err;
        ne = xalloc(x, (ncap / 2) * sizeof(*ne));
        if (!ne)
                return x->err;
        if (x->nnames)
                memcpy(ne, x->names, x->nnames * sizeof(*ne));
        for (size_t i = 0; i < x->nnames; i++) {
                size_t k = name_hash(ne[i].name, ne[i].len) & (ncap - 1);
                while (nt[k])
                        k = (k + 1) & (ncap - 1);
                nt[k] = (uint32_t)(i + 1);
        }
        x->htab = nt;
        x->hcap = ncap;
        x->names = ne;
        x->names_cap = ncap / 2;
        return HULL_OK;
}

/* lex.go getEnv: look name up (once per distinct name) and remember it. */
static int get_env(struct xp *x, const char *name, size_t len, const struct name_ent **ret) {
        const struct hull_expand_env *env = x->env;
        struct name_ent *e;
        size_t k;

        if (x->hcap) {
                k = name_hash(name, len) & (x->hcap - 1);
                while (x->htab[k]) {
                        e = &x->names[x->htab[k] - 1];
                        if (e->len == len && memcmp(e->name, name, len) == 0) {
                                *ret = e;
                                return HULL_OK;
                        }
                        k = (k + 1) & (x->hcap - 1);
                }
        }
        if (x->nnames + 1 > x->names_cap || x->nnames + 1 > UINT32_MAX - 1)
                HULL_TRY(names_grow(x));
        e = &x->names[x->nnames];
        e->name = xalloc(x, len + 1);
        if (!e->name)
                return x->err;
        memcpy(e->name, name, len);
        e->name[len] = '\0';
        e->len = len;
        e->val = "";
        e->vlen = 0;
        e->set = false;
        for (size_t i = env ? env->nvars : 0; i-- > 0;) {
                const struct hull_expand_var *v = &env->vars[i];
                if (v->name && strncmp(v->name, name, len) == 0 && v->name[len] == '\0') {
                        e->set = true;
                        e->val = v->value ? v->value : "";
                        e->vlen = v->value ? v->value_len : 0;
                        break;
                }
        }
        if (!e->set && env && env->lookup) {
                const char *val = NULL;
                size_t vlen = 0;
                if (env->lookup(env->ud, e->name, len, &val, &vlen)) {
                        e->set = true;
                        e->val = val ? val : "";
                        e->vlen = val ? vlen : 0;
                }
        }
        k = name_hash(name, len) & (x->hcap - 1);
        while (x->htab[k])
                k = (k + 1) & (x->hcap - 1);
        x->htab[k] = (uint32_t)(x->nnames + 1);
        x->nnames++;
        *ret = e;
        return HULL_OK;
}

/* ---- patterns ---- */

/* Go's []rune(s). */
static int to_runes(struct xp *x, const char *p, size_t n, uint32_t **ret, size_t *ret_n) {
        uint32_t *r = xalloc(x, (n ? n : 1) * sizeof(*r));
        size_t i = 0, k = 0, w;

        if (!r)
                return x->err;
        while (i < n) {
                r[k++] = hull_utf8_decode(p + i, n - i, &w);
                i += w;
        }
        *ret = r;
        *ret_n = k;
        return HULL_OK;
}

/* lex.go reversePattern: reverse, keeping each "\c" pair in order. */
static void reverse_pattern(const uint32_t *in, size_t n, uint32_t *out) {
        size_t i = 0, last = n - 1;

        while (i < n) {
                size_t o = last - i;
                if (in[i] == '\\' && i != last) {
                        out[o - 1] = '\\';
                        out[o] = in[i + 1];
                        i += 2;
                } else {
                        out[o] = in[i];
                        i++;
                }
        }
}

/* lex.go convertShellPatternToRegex, to items.  The message quotes the
 * pattern as Go does: src when given (raw bytes), else the runes. */
static int compile(struct xp *x, const uint32_t *pr, size_t np, const char *src, size_t srclen,
                   size_t at, uint32_t **ret, size_t *ret_n) {
        uint32_t *it = xalloc(x, (np ? np : 1) * sizeof(*it));
        size_t i = 0, n = 0;

        if (!it)
                return x->err;
        if (np > 0 && pr[0] == 0xFEFF) /* text/scanner skips a leading BOM */
                i = 1;
        while (i < np) {
                uint32_t t = pr[i++];
                int32_t t2;

                if (t == '*') {
                        it[n++] = P_STAR;
                        continue;
                }
                if (t == '?') {
                        it[n++] = P_ANY;
                        continue;
                }
                if (t == '\\') {
                        /* "\}" and "\/" only protect the ${} syntax */
                        if (i < np && (pr[i] == '}' || pr[i] == '/'))
                                continue;
                        t2 = i < np ? (int32_t)pr[i++] : R_EOF;
                        if (t2 != '*' && t2 != '?' && t2 != '\\') {
                                fail_begin(x, HULL_EPARSE, at);
                                msg_puts(x, "invalid pattern (");
                                if (src) {
                                        msg_put(x, src, srclen);
                                } else {
                                        for (size_t k = 0; k < np; k++)
                                                msg_rune(x, (int32_t)pr[k]);
                                }
                                msg_puts(x, ") in substitution: invalid escape '\\");
                                msg_rune(x, t2);
                                msg_puts(x, "'");
                                return x->err;
                        }
                        t = (uint32_t)t2;
                }
                it[n++] = t;
        }
        *ret = it;
        *ret_n = n;
        return HULL_OK;
}

static void stamp_next(uint32_t *mark, size_t n, uint32_t *gen) {
        if (++*gen == 0) {
                memset(mark, 0, n * sizeof(*mark));
                *gen = 1;
        }
}

static int vm_init(struct xp *x, struct vm *v, const uint32_t *pat, size_t npat, bool greedy) {
        size_t slots = npat + 1;

        v->pat = pat;
        v->npat = npat;
        v->greedy = greedy;
        v->ncl = v->nnl = 0;
        v->gcl = v->gnl = 1;
        v->cl = xalloc(x, slots * sizeof(*v->cl));
        v->nl = v->cl ? xalloc(x, slots * sizeof(*v->nl)) : NULL;
        v->mcl = v->nl ? xalloc0(x, slots * sizeof(*v->mcl)) : NULL;
        v->mnl = v->mcl ? xalloc0(x, slots * sizeof(*v->mnl)) : NULL;
        return v->mnl ? HULL_OK : x->err;
}

/* Add the thread at item s and everything reachable without reading, in
 * Go's priority order: a greedy star prefers another rune to moving on, a
 * lazy one the reverse.  A state already queued keeps its earlier (higher
 * priority) thread. */
static void vm_add(const struct vm *v, struct thread *q, size_t *nq, uint32_t *mark, uint32_t gen,
                   size_t s, size_t start) {
        const uint32_t *p = v->pat;
        size_t m = v->npat, j;

        if (v->greedy) {
                for (; s < m && p[s] == P_STAR; s++) {
                        if (mark[s] == gen)
                                return;
                        mark[s] = gen;
                        q[(*nq)++] = (struct thread){s, start};
                }
                if (mark[s] != gen) {
                        mark[s] = gen;
                        q[(*nq)++] = (struct thread){s, start};
                }
                return;
        }
        for (j = s; j < m && p[j] == P_STAR && mark[j] != gen; j++)
                mark[j] = gen;
        if (!(j < m && p[j] == P_STAR) && mark[j] != gen) {
                mark[j] = gen;
                q[(*nq)++] = (struct thread){j, start};
        }
        while (j-- > s)
                q[(*nq)++] = (struct thread){j, start};
}

/* One leftmost-first search (Go regexp/exec.go, the pike VM) starting at
 * stream position from; anchored = the regexp began with '^'. */
static int search(struct xp *x, struct vm *v, const struct stream *in, size_t from, bool anchored,
                  bool *ret_found, size_t *ret_s, size_t *ret_e) {
        size_t pos = from, ms = 0, me = 0, slots = v->npat + 1;
        bool matched = false;

        v->ncl = 0;
        stamp_next(v->mcl, slots, &v->gcl);
        for (;;) {
                int32_t c;
                size_t w;

                if (v->ncl == 0 && ((anchored && pos != from) || matched))
                        break;
                if (!matched && (!anchored || pos == from))
                        vm_add(v, v->cl, &v->ncl, v->mcl, v->gcl, 0, pos);
                if (pos >= in->n) {
                        c = R_EOF;
                        w = 0;
                } else if (!in->backwards) {
                        c = (int32_t)hull_utf8_decode(in->s + pos, in->n - pos, &w);
                } else {
                        c = (int32_t)decode_last(in->s, in->n - pos, &w);
                }
                if (x->steps_left < v->ncl + 1)
                        return fail(x, HULL_ELIMIT, x->pos, "pattern matching too expensive");
                x->steps_left -= v->ncl + 1;
                v->nnl = 0;
                stamp_next(v->mnl, slots, &v->gnl);
                for (size_t i = 0; i < v->ncl; i++) {
                        struct thread t = v->cl[i];
                        uint32_t item;
                        bool ok;

                        if (t.st == v->npat) {
                                /* first match: lower-priority threads die */
                                matched = true;
                                ms = t.start;
                                me = pos;
                                break;
                        }
                        if (c == R_EOF)
                                continue;
                        item = v->pat[t.st];
                        ok = item == P_STAR || item == P_ANY ? c != '\n' : (uint32_t)c == item;
                        if (ok)
                                vm_add(v, v->nl, &v->nnl, v->mnl, v->gnl,
                                       item == P_STAR ? t.st : t.st + 1, t.start);
                }
                if (w == 0)
                        break;
                pos += w;
                {
                        struct thread *tq = v->cl;
                        uint32_t *tm = v->mcl, tg = v->gcl;
                        v->cl = v->nl;
                        v->nl = tq;
                        v->ncl = v->nnl;
                        v->mcl = v->mnl;
                        v->mnl = tm;
                        v->gcl = v->gnl;
                        v->gnl = tg;
                }
        }
        *ret_found = matched;
        *ret_s = ms;
        *ret_e = me;
        return HULL_OK;
}

/* ${v#p} ${v##p}: lex.go trimPrefix. */
static int trim_prefix(struct xp *x, struct sbuf *out, const struct sbuf *pat, const char *val,
                       size_t vlen, bool greedy, size_t at) {
        struct stream in = {val, vlen, false};
        struct vm v;
        uint32_t *pr, *it;
        size_t npr, nit, ms, me;
        bool found;

        HULL_TRY(to_runes(x, pat->p, pat->len, &pr, &npr));
        HULL_TRY(compile(x, pr, npr, pat->p, pat->len, at, &it, &nit));
        HULL_TRY(vm_init(x, &v, it, nit, greedy));
        HULL_TRY(search(x, &v, &in, 0, true, &found, &ms, &me));
        if (found)
                return sb_put(x, out, val + me, vlen - me);
        return sb_put(x, out, val, vlen);
}

/* ${v%p} ${v%%p}: lex.go trimSuffix, which reverses pattern and value, trims
 * a prefix and reverses back; we walk the value backwards instead.  The
 * result is re-encoded (invalid bytes become U+FFFD) as the []rune round
 * trip does. */
static int trim_suffix(struct xp *x, struct sbuf *out, const struct sbuf *pat, const char *val,
                       size_t vlen, bool greedy, size_t at) {
        struct stream in = {val, vlen, true};
        struct vm v;
        uint32_t *pr, *rev, *it;
        size_t npr, nit, ms, me;
        bool found;

        HULL_TRY(to_runes(x, pat->p, pat->len, &pr, &npr));
        rev = xalloc(x, (npr ? npr : 1) * sizeof(*rev));
        if (!rev)
                return x->err;
        if (npr)
                reverse_pattern(pr, npr, rev);
        HULL_TRY(compile(x, rev, npr, NULL, 0, at, &it, &nit));
        HULL_TRY(vm_init(x, &v, it, nit, greedy));
        HULL_TRY(search(x, &v, &in, 0, true, &found, &ms, &me));
        return sb_normalized(x, out, val, found ? vlen - me : vlen);
}

/* Go's Regexp.Expand for a regexp without groups: $$ is '$', $0 and ${0}
 * the match, other well-formed $name/${name} nothing, a malformed '$' stays. */
static int expand_template(struct xp *x, struct sbuf *out, const char *t, size_t tn, const char *m,
                           size_t mn) {
        while (tn > 0) {
                const char *d = memchr(t, '$', tn);
                size_t st, i, w;

                if (!d)
                        break;
                HULL_TRY(sb_put(x, out, t, (size_t)(d - t)));
                tn -= (size_t)(d - t) + 1;
                t = d + 1;
                if (tn > 0 && t[0] == '$') {
                        HULL_TRY(sb_put(x, out, "$", 1));
                        t++;
                        tn--;
                        continue;
                }
                st = tn > 0 && t[0] == '{' ? 1 : 0;
                for (i = st; i < tn; i += w) {
                        int32_t c = (int32_t)hull_utf8_decode(t + i, tn - i, &w);
                        if (!is_letter(c) && !is_digit(c) && c != '_')
                                break;
                }
                if (i == st || (st && (i >= tn || t[i] != '}'))) {
                        HULL_TRY(sb_put(x, out, "$", 1)); /* malformed */
                        continue;
                }
                if (i - st == 1 && t[st] == '0')
                        HULL_TRY(sb_put(x, out, m, mn));
                i += st;
                t += i;
                tn -= i;
        }
        return sb_put(x, out, t, tn);
}

/* ${v/p/r} ${v//p/r}: FindStringIndex, or Go's ReplaceAllString loop. */
static int replace(struct xp *x, struct sbuf *out, const struct sbuf *pat, const struct sbuf *rep,
                   const char *val, size_t vlen, bool all, size_t at) {
        struct stream in = {val, vlen, false};
        struct vm v;
        uint32_t *pr, *it;
        size_t npr, nit, ms, me, last = 0, sp = 0;
        bool found;

        HULL_TRY(to_runes(x, pat->p, pat->len, &pr, &npr));
        HULL_TRY(compile(x, pr, npr, pat->p, pat->len, at, &it, &nit));
        HULL_TRY(vm_init(x, &v, it, nit, true));
        if (!all) {
                HULL_TRY(search(x, &v, &in, 0, false, &found, &ms, &me));
                if (!found)
                        return sb_put(x, out, val, vlen);
                HULL_TRY(sb_put(x, out, val, ms));
                HULL_TRY(sb_put(x, out, rep->p, rep->len));
                return sb_put(x, out, val + me, vlen - me);
        }
        while (sp <= vlen) {
                size_t w = 0;

                HULL_TRY(search(x, &v, &in, sp, false, &found, &ms, &me));
                if (!found)
                        break;
                HULL_TRY(sb_put(x, out, val + last, ms - last));
                /* no replacement for an empty match right after a match */
                if (me > last || ms == 0)
                        HULL_TRY(expand_template(x, out, rep->p, rep->len, val + ms, me - ms));
                last = me;
                if (sp < vlen)
                        (void)hull_utf8_decode(val + sp, vlen - sp, &w);
                if (sp + w > me)
                        sp += w;
                else if (sp + 1 > me)
                        sp++;
                else
                        sp = me;
        }
        return sb_put(x, out, val + last, vlen - last);
}

/* ---- the lexer ---- */

static int dollar(struct xp *x, struct sbuf *out);
static int squote(struct xp *x, struct sbuf *out);
static int dquote(struct xp *x, struct sbuf *out);

/* lex.go processStopOn: text up to stop (R_EOF: the end).  top marks the
 * outermost scan, the only one whose words are kept. */
static int scan(struct xp *x, int32_t stop, bool raw, struct sbuf *out, bool top) {
        bool saved = x->raw_escapes, words = x->track_words && top;
        int r = HULL_OK;

        if (!top) {
                x->depth++;
                if (x->track_words)
                        x->wbuf.len = 0; /* lex.go: nested scans share the buffer */
        }
        x->raw_escapes = raw;
        for (;;) {
                size_t w, mark;
                int32_t c = peek(x, &w);

                if (c == R_EOF)
                        break;
                if (stop != R_EOF && c == stop) {
                        x->pos += w;
                        goto out;
                }
                if (c == '$' ||
                    ((c == '\'' || c == '"') && !(x->flags & HULL_EXPAND_SKIP_PROCESS_QUOTES))) {
                        mark = out->len;
                        if (c == '$')
                                r = dollar(x, out);
                        else if (c == '\'')
                                r = squote(x, out);
                        else
                                r = dquote(x, out);
                        if (r == HULL_OK && words && out->len > mark) {
                                if (c == '$')
                                        r = w_string(x, out->p + mark, out->len - mark);
                                else
                                        r = w_raw_string(x, out->p + mark, out->len - mark);
                        } else if (r == HULL_OK && words && c != '$') {
                                x->in_word = true; /* "" still starts a word */
                        }
                        if (r)
                                goto out;
                        continue;
                }
                x->pos += w;
                if (c == x->esc) {
                        if (x->raw_escapes) {
                                if (words)
                                        r = w_raw_rune(x, c);
                                if (r == HULL_OK)
                                        r = sb_rune(x, out, c);
                                if (r)
                                        goto out;
                        }
                        c = next(x);
                        if (c == R_EOF) /* a trailing escape is dropped */
                                break;
                        if (words)
                                r = w_raw_rune(x, c);
                } else if (words) {
                        r = w_rune(x, c);
                }
                if (r == HULL_OK)
                        r = sb_rune(x, out, c);
                if (r)
                        goto out;
        }
        if (stop != R_EOF) {
                r = fail_begin(x, HULL_EPARSE, x->pos);
                msg_puts(x, "unexpected end of statement while looking for matching ");
                msg_rune(x, stop);
        } else if (words && x->wbuf.len > 0) {
                r = w_push(x);
                x->in_word = false;
        }
out:
        x->raw_escapes = saved;
        if (!top)
                x->depth--;
        return r;
}

/* lex.go processSingleQuote: everything up to the next ', no escapes. */
static int squote(struct xp *x, struct sbuf *out) {
        size_t at = x->pos;
        bool raw = x->flags & HULL_EXPAND_RAW_QUOTES;
        int32_t c = next(x);

        if (raw)
                HULL_TRY(sb_rune(x, out, c));
        for (;;) {
                c = next(x);
                if (c == R_EOF)
                        return fail(x, HULL_EPARSE, at,
                                    "unexpected end of statement while looking for matching "
                                    "single-quote");
                if (c == '\'') {
                        if (raw)
                                HULL_TRY(sb_rune(x, out, c));
                        return HULL_OK;
                }
                HULL_TRY(sb_rune(x, out, c));
        }
}

/* lex.go processDoubleQuote: $ expands; the escape token escapes only ",
 * $ and itself and is kept before anything else. */
static int dquote(struct xp *x, struct sbuf *out) {
        size_t at = x->pos, w;
        bool raw = x->flags & HULL_EXPAND_RAW_QUOTES;
        int32_t c = next(x);

        if (raw)
                HULL_TRY(sb_rune(x, out, c));
        for (;;) {
                c = peek(x, &w);
                if (c == R_EOF)
                        return fail(x, HULL_EPARSE, at,
                                    "unexpected end of statement while looking for matching "
                                    "double-quote");
                if (c == '"') {
                        x->pos += w;
                        if (raw)
                                HULL_TRY(sb_rune(x, out, c));
                        return HULL_OK;
                }
                if (c == '$') {
                        HULL_TRY(dollar(x, out));
                        continue;
                }
                x->pos += w;
                if (c == x->esc) {
                        int32_t c2;

                        if (x->raw_escapes)
                                HULL_TRY(sb_rune(x, out, c));
                        c2 = peek(x, &w);
                        if (c2 == R_EOF) /* dropped; the loop reports the quote */
                                continue;
                        if (c2 == '"' || c2 == '$' || c2 == x->esc) {
                                x->pos += w;
                                c = c2;
                        }
                }
                HULL_TRY(sb_rune(x, out, c));
        }
}

/* lex.go processName: a run of digits, one special parameter, or letters,
 * digits and '_' (Go's unicode classes).  Names are valid UTF-8, so the
 * source bytes are the name. */
static void read_name(struct xp *x, size_t *ret_at, size_t *ret_len) {
        size_t start = x->pos, w;

        for (;;) {
                int32_t c = peek(x, &w);

                if (c == R_EOF)
                        break;
                if (x->pos == start && is_digit(c)) {
                        while (c != R_EOF && is_digit(c)) {
                                x->pos += w;
                                c = peek(x, &w);
                        }
                        break;
                }
                if (x->pos == start && is_special_param(c)) {
                        x->pos += w;
                        break;
                }
                if (!is_letter(c) && !is_digit(c) && c != '_')
                        break;
                x->pos += w;
        }
        *ret_at = start;
        *ret_len = x->pos - start;
}

/* The word of a modifier: a nested scan, bounded by HULL_MAX_EXPAND_DEPTH.
 * lex.go reports any failure that left the reader at the end of input as
 * the missing delimiter (eof_msg). */
static int nested_scan(struct xp *x, int32_t stop, bool raw, struct sbuf *b, size_t at,
                       const char *eof_msg) {
        int r;

        if (x->depth >= HULL_MAX_EXPAND_DEPTH) {
                fail_begin(x, HULL_ELIMIT, at);
                msg_puts(x, "variable expansion nested too deeply");
                return x->err;
        }
        r = scan(x, stop, raw, b, false);
        if (r == HULL_EPARSE && x->pos >= x->n)
                return fail_replace(x, at, eof_msg);
        return r;
}

static int put_unset_form(struct xp *x, struct sbuf *out, const char *name, size_t nlen,
                          const char *mid, size_t midlen, const struct sbuf *a, const char *sep,
                          const struct sbuf *b) {
        HULL_TRY(sb_put(x, out, "${", 2));
        HULL_TRY(sb_put(x, out, name, nlen));
        HULL_TRY(sb_put(x, out, mid, midlen));
        if (a)
                HULL_TRY(sb_put(x, out, a->p, a->len));
        if (sep)
                HULL_TRY(sb_puts(x, out, sep));
        if (b)
                HULL_TRY(sb_put(x, out, b->p, b->len));
        return sb_put(x, out, "}", 1);
}

static int unsupported(struct xp *x, size_t at, const char *chs, size_t nchs) {
        fail_begin(x, HULL_EPARSE, at);
        msg_puts(x, "unsupported modifier (");
        msg_put(x, chs, nchs);
        msg_puts(x, ") in substitution");
        return x->err;
}

/* lex.go processDollar, at a '$'. */
static int dollar(struct xp *x, struct sbuf *out) {
        bool skip = x->flags & HULL_EXPAND_SKIP_UNSET_ENV, null_is_unset = false;
        size_t at = x->pos, w, name_at, nlen, nchs;
        struct sbuf word = {0}, rep = {0};
        const struct name_ent *e;
        const char *name;
        char chs[8];
        int32_t c;

        x->pos++; /* '$' */
        if (peek(x, &w) != '{') {
                read_name(x, &name_at, &nlen);
                if (nlen == 0)
                        return sb_put(x, out, "$", 1);
                name = x->s + name_at;
                HULL_TRY(get_env(x, name, nlen, &e));
                if (!e->set && skip) {
                        HULL_TRY(sb_put(x, out, "$", 1));
                        return sb_put(x, out, name, nlen);
                }
                return sb_put(x, out, e->val, e->vlen);
        }
        x->pos += w;
        c = peek(x, &w);
        if (c == R_EOF)
                return fail(x, HULL_EPARSE, at, "syntax error: missing '}'");
        if (c == '{' || c == '}' || c == ':')
                return fail(x, HULL_EPARSE, at, "syntax error: bad substitution");
        read_name(x, &name_at, &nlen);
        name = x->s + name_at;
        c = next(x);
        nchs = hull_utf8_encode(c < 0 ? HULL_RUNE_ERROR : (uint32_t)c, chs);

        switch (c) {
        case '}':
                HULL_TRY(get_env(x, name, nlen, &e));
                if (!e->set && skip)
                        return put_unset_form(x, out, name, nlen, "", 0, NULL, NULL, NULL);
                return sb_put(x, out, e->val, e->vlen);
        case ':':
        case '+':
        case '-':
        case '?':
        case '#':
        case '%': {
                bool unset_or_null, greedy;

                if (c == ':') {
                        null_is_unset = true;
                        c = next(x);
                        nchs += hull_utf8_encode(c < 0 ? HULL_RUNE_ERROR : (uint32_t)c, chs + nchs);
                }
                if (null_is_unset && (c == '#' || c == '%'))
                        return unsupported(x, at, chs, nchs);
                HULL_TRY(nested_scan(x, '}', c == '#' || c == '%', &word, at,
                                     "syntax error: missing '}'"));
                HULL_TRY(get_env(x, name, nlen, &e));
                if (!e->set && skip)
                        return put_unset_form(x, out, name, nlen, chs, nchs, &word, NULL, NULL);
                unset_or_null = !e->set || (null_is_unset && e->vlen == 0);
                switch (c) {
                case '-':
                        if (unset_or_null)
                                return sb_put(x, out, word.p, word.len);
                        return sb_put(x, out, e->val, e->vlen);
                case '+':
                        if (unset_or_null)
                                return HULL_OK;
                        return sb_put(x, out, word.p, word.len);
                case '?':
                        if (unset_or_null) {
                                fail_begin(x, HULL_EPARSE, at);
                                msg_put(x, name, nlen);
                                msg_puts(x, ": ");
                                if (word.len)
                                        msg_put(x, word.p, word.len);
                                else if (!e->set)
                                        msg_puts(x, "is not allowed to be unset");
                                else
                                        msg_puts(x, "is not allowed to be empty");
                                return x->err;
                        }
                        return sb_put(x, out, e->val, e->vlen);
                case '#':
                case '%': {
                        struct sbuf pat = word;

                        /* %% and ## are the greedy forms */
                        greedy = pat.len > 0 && pat.p[0] == (char)c;
                        if (greedy) {
                                pat.p++;
                                pat.len--;
                        }
                        if (c == '%')
                                return trim_suffix(x, out, &pat, e->val, e->vlen, greedy, at);
                        return trim_prefix(x, out, &pat, e->val, e->vlen, greedy, at);
                }
                default: return unsupported(x, at, chs, nchs);
                }
        }
        case '/': {
                bool all = peek(x, &w) == '/';

                if (all)
                        x->pos += w;
                HULL_TRY(nested_scan(x, '/', true, &word, at, "syntax error: missing '/' in ${}"));
                HULL_TRY(nested_scan(x, '}', true, &rep, at, "syntax error: missing '}'"));
                HULL_TRY(get_env(x, name, nlen, &e));
                if (!e->set && skip)
                        return put_unset_form(x, out, name, nlen, "/", 1, &word, "/", &rep);
                return replace(x, out, &word, &rep, e->val, e->vlen, all, at);
        }
        default: return unsupported(x, at, chs, nchs);
        }
}

/* ---- entry points ---- */

static int xp_init(struct xp *x, struct hull_arena *a, const char *s, size_t n, char escape,
                   unsigned flags, const struct hull_expand_env *env, struct hull_diag *d) {
        memset(x, 0, sizeof(*x));
        x->a = a;
        x->s = s;
        x->n = n;
        x->esc = (unsigned char)escape;
        x->flags = flags;
        x->raw_escapes = flags & HULL_EXPAND_RAW_ESCAPES;
        x->env = env;
        x->alloc_left = EXPAND_MAX_ALLOC;
        x->steps_left = EXPAND_MAX_MATCH_STEPS;
        if (env && env->budget) {
                if (x->alloc_left > env->budget->bytes)
                        x->alloc_left = env->budget->bytes;
                if (x->steps_left > env->budget->steps)
                        x->steps_left = env->budget->steps;
        }
        x->alloc_start = x->alloc_left;
        x->steps_start = x->steps_left;
        if (!a || (!s && n) || (escape != '\\' && escape != '`') ||
            (flags & ~(unsigned)(HULL_EXPAND_RAW_QUOTES | HULL_EXPAND_RAW_ESCAPES |
                                 HULL_EXPAND_SKIP_PROCESS_QUOTES | HULL_EXPAND_SKIP_UNSET_ENV)) ||
            (env && env->nvars && !env->vars))
                return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0,
                                     "bad argument to variable expansion");
        /* text/scanner skips a byte order mark that is the very first rune */
        if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
                x->pos = 3;
        return HULL_OK;
}

/* Go's %q of the word, shortened in the middle when long. */
static int quote_word(struct hull_buf *q, const char *s, size_t n) {
        size_t p = 120, t = n - 60, at;

        if (n <= 200)
                return hull_go_quote(q, s, n);
        while (p > 0 && ((unsigned char)s[p] & 0xC0) == 0x80)
                p--;
        while (t < n && ((unsigned char)s[t] & 0xC0) == 0x80)
                t++;
        HULL_TRY(hull_go_quote(q, s, p));
        q->len--; /* closing quote */
        HULL_TRY(hull_buf_puts(q, "..."));
        at = q->len;
        HULL_TRY(hull_go_quote(q, s + t, n - t));
        memmove(q->data + at, q->data + at + 1, q->len - at); /* opening quote, and NUL */
        q->len--;
        return HULL_OK;
}

static int report(struct xp *x, const char *s, size_t n, struct hull_diag *d) {
        unsigned col = x->err_off >= UINT_MAX - 1 ? UINT_MAX : (unsigned)x->err_off + 1;

        if (x->err == HULL_EPARSE) {
                _cleanup_(hull_buf_releasep) struct hull_buf q;

                hull_buf_init(&q, 4096);
                if (quote_word(&q, s, n) == HULL_OK)
                        return hull_diag_set(d, x->err, NULL, 0, col, "failed to process %s: %s",
                                             q.data, x->msg);
        }
        return hull_diag_set(d, x->err, NULL, 0, col, "%s", x->msg);
}

/* Spend what the call used from the shared budget. */
static void charge(const struct xp *x) {
        struct hull_expand_budget *b = x->env ? x->env->budget : NULL;
        if (!b)
                return;
        b->bytes -= x->alloc_start - x->alloc_left;
        b->steps -= x->steps_start - x->steps_left;
}

static int expand_word(struct xp *xx, struct hull_arena *a, const char *word, size_t len,
                       char escape, unsigned flags, const struct hull_expand_env *env,
                       struct hull_expand_result *ret, struct hull_diag *d) {
        struct sbuf out = {0};
#define x (*xx)
        const char **used;
        bool *unset;
        char *s;

        HULL_TRY(xp_init(&x, a, word, len, escape, flags, env, d));
        if (!ret)
                return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0,
                                     "bad argument to variable expansion");
        if (scan(&x, R_EOF, x.raw_escapes, &out, true) != HULL_OK)
                return report(&x, word, len, d);
        s = xalloc(&x, out.len + 1);
        used = s ? xalloc(&x, (x.nnames ? x.nnames : 1) * sizeof(*used)) : NULL;
        unset = used ? xalloc(&x, (x.nnames ? x.nnames : 1) * sizeof(*unset)) : NULL;
        if (!unset)
                return report(&x, word, len, d);
        if (out.len)
                memcpy(s, out.p, out.len);
        s[out.len] = '\0';
        for (size_t i = 0; i < x.nnames; i++) {
                used[i] = x.names[i].name;
                unset[i] = !x.names[i].set;
        }
        ret->s = s;
        ret->len = out.len;
        ret->used = used;
        ret->used_unset = unset;
        ret->nused = x.nnames;
        return HULL_OK;
#undef x
}

int hull_expand_word(struct hull_arena *a, const char *word, size_t len, char escape,
                     unsigned flags, const struct hull_expand_env *env,
                     struct hull_expand_result *ret, struct hull_diag *d) {
        struct xp x;
        int r = expand_word(&x, a, word, len, escape, flags, env, ret, d);
        charge(&x);
        return r;
}

static int expand_words(struct xp *xx, struct hull_arena *a, const char *text, size_t len,
                        char escape, unsigned flags, const struct hull_expand_env *env,
                        char ***ret_words, size_t **ret_lens, size_t *ret_n, struct hull_diag *d) {
        struct sbuf out = {0};
#define x (*xx)

        HULL_TRY(xp_init(&x, a, text, len, escape, flags, env, d));
        if (!ret_words || !ret_lens || !ret_n)
                return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0,
                                     "bad argument to variable expansion");
        x.track_words = true;
        if (scan(&x, R_EOF, x.raw_escapes, &out, true) != HULL_OK)
                return report(&x, text, len, d);
        *ret_words = x.nwords ? x.words : NULL;
        *ret_lens = x.nwords ? x.wlens : NULL;
        *ret_n = x.nwords;
        return HULL_OK;
#undef x
}

int hull_expand_words(struct hull_arena *a, const char *text, size_t len, char escape,
                      unsigned flags, const struct hull_expand_env *env, char ***ret_words,
                      size_t **ret_lens, size_t *ret_n, struct hull_diag *d) {
        struct xp x;
        int r = expand_words(&x, a, text, len, escape, flags, env, ret_words, ret_lens, ret_n, d);
        charge(&x);
        return r;
}
