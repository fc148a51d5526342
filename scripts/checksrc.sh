#!/usr/bin/env bash
# Source checks (curl's checksrc idea), run by `make checksrc`.
#
#   scripts/checksrc.sh [--strict-format] [--changed]
#
# 1. Banned functions in src/: strcpy strcat sprintf vsprintf gets strtok
#    atoi atol atof strncpy (use the bounded/checked helpers in src/basic,
#    snprintf, strtol with end/errno checks, ...).  Calls are matched as
#    `name (` after comments and string literals are blanked, so prose that
#    says "gets" is fine.  A line that really needs one carries the comment
#    `checksrc: allow` (say why next to it).  Each hit prints FILE:LINE and
#    makes the script exit 1.
# 2. If clang-format is installed, `clang-format --dry-run --Werror` over the
#    C files of src tests fuzz bench (only those changed from HEAD, plus new
#    ones, with --changed), minus the generated src/basic/utf8_print_table.h.
#    The tree has not been formatted yet, so by default this only reports a
#    count; --strict-format makes any unformatted file fail the check.
set -u
cd "$(dirname "$0")/.." || exit 2

strict=0 changed=0
for a in "$@"; do
  case $a in
    --strict-format) strict=1;;
    --changed) changed=1;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "usage: scripts/checksrc.sh [--strict-format] [--changed]" >&2; exit 2;;
  esac
done
status=0

# --- 1. banned functions -----------------------------------------------------
mapfile -t src_files < <(find src -name '*.[ch]' | sort)
if [ ${#src_files[@]} -gt 0 ]; then
  python3 - "${src_files[@]}" <<'EOF'
import re, sys

BANNED = ["strcpy", "strcat", "sprintf", "vsprintf", "gets", "strtok",
          "atoi", "atol", "atof", "strncpy"]
call = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(BANNED) + r")\s*\(")

def blank(text):
    """Replace comments and string/char literals by spaces, keep newlines."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
        else:
            out.append(c)
            i += 1
            continue
        out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
        i = j
    return "".join(out)

hits = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    raw = text.split("\n")
    for no, line in enumerate(blank(text).split("\n"), 1):
        if "checksrc: allow" in raw[no - 1]:
            continue
        for m in call.finditer(line):
            hits += 1
            print("%s:%d: banned function '%s': %s" % (path, no, m.group(1), raw[no - 1].strip()))
if hits:
    print("checksrc: %d banned call(s) in src/" % hits)
sys.exit(1 if hits else 0)
EOF
  [ $? -eq 0 ] || status=1
fi
[ $status -eq 0 ] && echo "checksrc: no banned functions in src/"

# --- 2. formatting -------------------------------------------------------------
if ! command -v clang-format >/dev/null 2>&1; then
  echo "checksrc: clang-format not installed, formatting not checked (scripts/deps.sh format)"
  exit $status
fi
if [ $changed -eq 1 ] && git rev-parse --git-dir >/dev/null 2>&1; then
  mapfile -t fmt_files < <({ git diff --name-only HEAD -- src tests fuzz bench
                            git ls-files --others --exclude-standard -- src tests fuzz bench; } |
                          grep -E '\.[ch]$' | sort -u | while read -r f; do [ -f "$f" ] && echo "$f"; done)
  scope="changed"
else
  mapfile -t fmt_files < <(find src tests fuzz bench -name '*.[ch]' 2>/dev/null | sort)
  scope="all"
fi
bad=() nchecked=0
for f in "${fmt_files[@]}"; do
  [ "$f" = src/basic/utf8_print_table.h ] && continue   # generated
  nchecked=$((nchecked + 1))
  clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
echo "checksrc: clang-format: ${#bad[@]} of $nchecked C files ($scope) need formatting"
if [ ${#bad[@]} -gt 0 ]; then
  if [ $strict -eq 1 ]; then
    printf '  %s\n' "${bad[@]}"
    echo "checksrc: run 'make format' (--strict-format makes this an error)"
    status=1
  else
    echo "checksrc: (report only; pass --strict-format to fail on it)"
  fi
fi
exit $status
