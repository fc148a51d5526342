#!/usr/bin/env bash
# Hostile inputs never crash, hang or blow up `hullscan secrets` (issue:
# "bad input: huge single-line files, files of NULs, invalid UTF-8, deeply
# nested archives, zip bombs, catastrophic-backtracking bait, symlink loops,
# unreadable files").
#
# Every input is generated at test time (python3 for archives).  Each case
# runs under `ulimit -v` (2 GiB) and `timeout`, checks the exit code (0 or 1:
# a hostile file is something to scan, not a usage error; 2 only where the
# case says), that the expected note or finding appears, that no crash or
# sanitizer report appears, and records time and peak memory in the TAP line.
#
#   tests/secrets-hostile.sh [HULLSCAN]      (TAP; gcc build only: ulimit -v)
set -u
LC_ALL=C; export LC_ALL
hullscan=$(readlink -f "${1:-./build/hullscan}")
[ -x "$hullscan" ] || { echo "Bail out! no $hullscan"; exit 1; }
if grep -qa 'libasan\.so' "$hullscan"; then echo "1..0 # SKIP sanitizer build (ulimit -v)"; exit 0; fi
command -v python3 >/dev/null 2>&1 || { echo "1..0 # SKIP python3 not available"; exit 0; }
tmp=$(mktemp -d); trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
timecmd=(); [ -x /usr/bin/time ] && timecmd=(/usr/bin/time -o "$tmp/time" -f "%e %M")
n=0 bad=0
# A GitHub token with a valid checksum, planted where a case needs a secret.
tok=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

# run NAME WANT_EXIT GREP_OUT ARGS...: hullscan secrets -f json ARGS...;
# GREP_OUT (may be empty) must appear in the JSON report
run() {
  local name=$1 want=$2 grep_out=$3 rc t="" ok=1; shift 3
  ( ulimit -v 2097152; exec timeout 120 "${timecmd[@]}" "$hullscan" secrets -f json -o "$tmp/out.json" "$@" ) \
    >"$tmp/stdout" 2>"$tmp/stderr"
  rc=$?
  [ -f "$tmp/time" ] && t=" ($(tail -1 "$tmp/time" | awk '{printf "%.2f s, %d MB", $1, $2 / 1024}'))"
  case " $want " in *" $rc "*) ;; *) ok=0;; esac
  grep -qE 'AddressSanitizer|runtime error|Segmentation|Aborted|terminate called' "$tmp/stderr" && ok=0
  if [ -n "$grep_out" ] && ! grep -q -- "$grep_out" "$tmp/out.json" 2>/dev/null; then ok=0; fi
  n=$((n + 1))
  if [ $ok = 1 ]; then echo "ok $n - $name$t"
  else bad=1; echo "not ok $n - $name (exit $rc, want $want)$t"; sed 's/^/# /' "$tmp/stderr" | head -5; fi
  rm -f "$tmp/time"
}

mkdir -p "$tmp/in"
python3 - "$tmp/in" "$tok" <<'EOF'
import io, os, sys, tarfile, zipfile, gzip
d, tok = sys.argv[1], sys.argv[2]
def p(*a): return os.path.join(d, *a)
# 1. a 64 MB file on one line, the token at its end
with open(p('oneline.txt'), 'wb') as f:
    f.write(b'a=' + b'x' * (60 << 20) + b' token=' + tok.encode() + b'\n')
# 2. 50 MB of NULs with the token in the middle
with open(p('nuls.bin'), 'wb') as f:
    f.write(b'\0' * (25 << 20) + tok.encode() + b'\0' * (25 << 20))
# 3. invalid UTF-8 around the token
with open(p('badutf8.txt'), 'wb') as f:
    f.write(b'\xff\xfe\xc3\x28\xa0\xa1 gh=' + tok.encode() + b' \xe2\x28\xa1\xf0\x90\x28\xbc\n' * 3)
# 4. archives nested 12 deep (past the 4-level limit), the token at the bottom
data = ('token: ' + tok + '\n').encode()
for i in range(12):
    b = io.BytesIO()
    with zipfile.ZipFile(b, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('level%d%s' % (i, '.zip' if i else '.yaml'), data)
    data = b.getvalue()
open(p('nested.zip'), 'wb').write(data)
# 5. a zip bomb: one member of 2 GiB of zeros (about 2 MB compressed)
with zipfile.ZipFile(p('bomb.zip'), 'w', zipfile.ZIP_DEFLATED) as z:
    with z.open('zeros.bin', 'w', force_zip64=True) as m:
        chunk = b'\0' * (1 << 20)
        for _ in range(2048):
            m.write(chunk)
# 6. a gzip bomb: 1 GiB of zeros
with gzip.open(p('bomb.gz'), 'wb', compresslevel=9) as g:
    chunk = b'\0' * (1 << 20)
    for _ in range(1024):
        g.write(chunk)
# 7. backtracking bait for the confirmation regexes: long runs that start
# like secrets and never end like one
with open(p('bait.txt'), 'w') as f:
    f.write('password=' + 'a' * 200000 + '\n')
    f.write('-----BEGIN RSA PRIVATE KEY-----\n' + ('A' * 64 + '\n') * 20000)
    f.write('https://' + 'u:' * 50000 + '@\n')
    f.write('"auth": "' + 'QUFB' * 100000 + '"\n')
    f.write('eyJ' + 'a' * 100000 + '.eyJ' + 'b' * 100000 + '\n')
EOF
mkdir -p "$tmp/in/loop/a" && ln -s .. "$tmp/in/loop/a/up" && ln -s self "$tmp/in/loop/self" &&
  ln -s "$tmp/in/loop" "$tmp/in/loop/a/abs"
mkfifo "$tmp/in/fifo"
printf 'gh=%s\n' "$tok" > "$tmp/in/unreadable.txt" && chmod 000 "$tmp/in/unreadable.txt"

echo "1..11"
run "60 MB on one line: found, memory bounded" "1" "github-pat" "$tmp/in/oneline.txt"
run "50 MB of NULs: the token in between found" "1" "github-pat" "$tmp/in/nuls.bin"
run "invalid UTF-8 around a token" "1" "github-pat" "$tmp/in/badutf8.txt"
run "archives nested 12 deep: a note past the limit" "0 1" "levels deep" "$tmp/in/nested.zip"
run "zip bomb (2 GiB of zeros): a note, no blow-up" "0 1" "larger than the" "$tmp/in/bomb.zip"
run "gzip bomb (1 GiB of zeros): a note, no blow-up" "0 1" "decompression bomb" "$tmp/in/bomb.gz"
run "backtracking bait: bounded" "0 1" "" "$tmp/in/bait.txt"
run "symlink loops are not followed" "0 1" "" "$tmp/in/loop"
run "a fifo in the tree is skipped, no hang" "0 1" "" "$tmp/in"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
  # root reads everything: drop to nobody for the unreadable file
  # ... running a copy of hullscan it can reach (the build directory may be
  # under a 0700 directory, as mktemp makes them)
  chmod 755 "$tmp" "$tmp/in" && cp "$hullscan" "$tmp/hullscan" && chmod 755 "$tmp/hullscan"
  n=$((n + 1))
  if out=$(setpriv --reuid=65534 --regid=65534 --clear-groups timeout 60 "$tmp/hullscan" secrets \
             -f json "$tmp/in/unreadable.txt" 2>&1); [ $? -le 2 ] && printf '%s' "$out" | grep -q -i "permission denied"; then
    echo "ok $n - an unreadable file is a note or a clear error"
  else bad=1; echo "not ok $n - an unreadable file is a note or a clear error"; printf '%s\n' "$out" | head -5 | sed 's/^/# /'; fi
else
  run "an unreadable file is a note" "0 1 2" "ermission denied" "$tmp/in/unreadable.txt"
fi
# standard input holding 60 MB on one line
n=$((n + 1))
if timeout 120 "$hullscan" secrets -f json - < "$tmp/in/oneline.txt" | grep -q github-pat; then
  echo "ok $n - standard input: 60 MB on one line"
else bad=1; echo "not ok $n - standard input: 60 MB on one line"; fi
exit $bad
