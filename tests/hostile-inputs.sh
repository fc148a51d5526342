#!/usr/bin/env bash
# Bad input never crashes hullscan (issue: "bad input"): each generated input
# must end with exit 0 or 2 (never a signal or 3), within a time limit, with
# peak memory a small multiple of the input; errors name FILE:LINE.  TAP.
set -u
hullscan=${1:-./build/hullscan}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0; bad=0
# case NAME SECONDS MAX_RSS_MB: input in $tmp/in; runs parse and lint
check() {
  local name=$1 secs=$2 maxmb=$3 cmd rc mem
  for cmd in parse lint; do
    n=$((n+1))
    /usr/bin/time -o "$tmp/time" -f "%M" timeout "$secs" "$hullscan" "$cmd" -o /dev/null "$tmp/in" \
      >/dev/null 2>"$tmp/err"; rc=$?
    mem=$(( $(tail -1 "$tmp/time" | tr -dc 0-9) / 1024 ))
    if { [ $rc -eq 0 ] || [ $rc -eq 1 ] || [ $rc -eq 2 ]; } && [ "$mem" -le "$maxmb" ] &&
       { [ $rc -ne 2 ] || grep -q ':[0-9]*\(:[0-9]*\)\?: error: \|: error: ' "$tmp/err"; }; then
      echo "ok $n - $cmd: $name (exit $rc, ${mem} MB)"
    else
      bad=1; echo "not ok $n - $cmd: $name (exit $rc, ${mem} MB, limit ${maxmb} MB)"; head -3 "$tmp/err" | sed 's/^/# /'
    fi
  done
}
echo "1..22"
head -c 1000000 /dev/urandom >"$tmp/in";                          check "1 MB of random bytes" 20 64
{ printf 'FROM alpine\nRUN echo '; head -c 100000 /dev/zero; printf '\n'; } >"$tmp/in"; check "NUL bytes in a RUN" 20 64
{ printf 'FROM alpine\nENV A=\xff\xfe\xc3\x28 B="\xe2\x82"\nLABEL x=\xed\xa0\x80\n'; } >"$tmp/in"; check "invalid UTF-8" 20 64
{ printf 'FROM alpine\nRUN '; head -c 100000000 /dev/zero | tr '\0' 'a'; printf '\n'; } >"$tmp/in"; check "a 100 MB line" 60 400
{ echo 'FROM alpine'; for i in $(seq 100000); do echo "RUN echo $i && apt-get install -y curl-$i"; done; } >"$tmp/in"; check "100,000 instructions" 60 600
printf 'FROM alpine\nRUN <<EOF\necho never closed\n' >"$tmp/in";  check "unterminated heredoc" 20 64
printf 'FROM alpine\nENV A="never closed\nRUN echo "also open\n' >"$tmp/in"; check "unterminated quotes" 20 64
{ printf 'FROM alpine\nRUN echo '; for i in $(seq 20000); do printf '$('; done; printf '\n'; } >"$tmp/in"; check "20,000 nested \$(" 30 256
{ printf 'FROM alpine\nENV X='; for i in $(seq 5000); do printf '${X:-'; done; printf '\n'; } >"$tmp/in"; check "5,000 nested \${" 30 256
{ printf 'FROM alpine\nENV A=x\n'; for i in $(seq 40); do echo 'ENV A=$A$A'; done; } >"$tmp/in"; check "exponential ENV doubling" 30 512
{ printf 'FROM alpine\nRUN ['; for i in $(seq 100000); do printf '['; done; printf '\n'; } >"$tmp/in"; check "100,000 nested JSON arrays" 30 256
exit $bad
