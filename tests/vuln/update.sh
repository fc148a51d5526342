#!/usr/bin/env bash
# `hullscan db update` against a local HTTP server (tests/vuln/httpd.c) on
# 127.0.0.1: nothing comes from the network.  The server's files are the
# hand-written records of tests/data/osv/mirror, zipped here (osv_mkzip)
# with a modified_id.csv made from their "modified" members.  TAP.
#
#   update.sh HULLSCAN OSV_HTTPD OSV_MKZIP     (from the repository root)
set -u
LC_ALL=C; export LC_ALL
hullscan=$(realpath "$1"); httpd=$(realpath "$2"); mkzip=$(realpath "$3")
data=$PWD/tests/data/osv/mirror
export HULLSCAN_NOW=2026-01-01T00:00:00Z
tmp=$(mktemp -d); server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
www=$tmp/www db=$tmp/db/osv.db log=$tmp/log faults=$tmp/faults
mkdir -p "$www"; : >"$faults"

# publish ECO from DIR: its records, all.zip, and modified_id.csv unless
# the third argument is "nocsv"
publish() {
  local eco=$1 dir=$2 f m
  mkdir -p "$www/$eco"
  cp "$dir"/*.json "$www/$eco/"
  "$mkzip" "$www/$eco/all.zip" "$www/$eco" || return 1
  [ "${3:-}" = nocsv ] && return 0
  for f in "$www/$eco"/*.json; do
    m=$(sed -n 's/.*"modified": *"\([^"]*\)".*/\1/p' "$f" | head -1)
    echo "$m,$(basename "$f" .json)"
  done | sort -r >"$www/$eco/modified_id.csv"
}

for e in Debian PyPI "Rocky Linux" npm Go; do publish "$e" "$data/v1/$e" || { echo "Bail out! cannot zip $e"; exit 1; }; done
publish Alpine "$data/v1/Alpine" nocsv || { echo "Bail out! cannot zip Alpine"; exit 1; }

"$httpd" --root "$www" --port-file "$tmp/port" --log "$log" --faults "$faults" &
server=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
[ -s "$tmp/port" ] || { echo "Bail out! the test server did not start"; exit 1; }
src=http://127.0.0.1:$(cat "$tmp/port")

n=0; bad=0
ok() { n=$((n+1)); echo "ok $n - $1"; }
not_ok() {
  n=$((n+1)); bad=1; echo "not ok $n - $1"
  { echo "exit $rc"; sed 's/^/stdout: /' "$tmp/out"; sed 's/^/stderr: /' "$tmp/err"; sed 's/^/log: /' "$log"; } | head -40 | sed 's/^/# /'
}
# run ARGS...: hullscan db update with the test source; log, out, err, rc
run() {
  : >"$log"
  "$hullscan" db update --db "$db" --source "$src" --timeout 2 "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
}
check() { # DESCRIPTION CONDITION...
  [ -n "${UPDATE_DEBUG:-}" ] && { echo "## rc=$rc"; sed "s/^/## out: /" "$tmp/out"; sed "s/^/## err: /" "$tmp/err"; sed "s/^/## log: /" "$log"; }
  local what=$1; shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}
has() { grep -qF -- "$2" "$1"; }
lacks() { ! grep -qF -- "$2" "$1"; }
digest() { sha256sum "$db" | cut -c1-64; }
records() { "$hullscan" db info --db "$db" --format json | sed -n 's/^  "records": \([0-9]*\),$/\1/p'; }

# 1. a new database: all.zip of each ecosystem asked for (one with a
# space in its name), then modified_id.csv (Alpine publishes none)
run --ecosystem Debian --ecosystem PyPI --ecosystem "Rocky Linux" --ecosystem Alpine
check "first update downloads all.zip" \
  eval '[ $rc -eq 0 ] && has "$tmp/out" "Debian: all.zip: 3 added" && has "$tmp/out" "Rocky Linux: all.zip: 1 added" &&
        has "$log" "GET /Debian/all.zip 200" && has "$log" "GET /Rocky Linux/all.zip 200" &&
        has "$log" "GET /Debian/modified_id.csv 200" && has "$log" "GET /Alpine/modified_id.csv 404" &&
        [ "$(records)" = 8 ] && [ ! -e "$db.downloads" ]'
"$hullscan" db info --db "$db" >"$tmp/info"
check "db info shows the source and the update time" \
  eval 'has "$tmp/info" "source:    $src" && has "$tmp/info" "updated:   2026-01-01T00:00:00Z (less than an hour ago) from $src"'
"$hullscan" db info --db "$db" --format json >"$tmp/info"
check "db info --format json has last_update" \
  eval 'has "$tmp/info" "\"last_update\": {" && has "$tmp/info" "\"source\": \"$src\"" && has "$tmp/info" "\"Rocky Linux\""'

# 2. nothing changed: conditional requests, 304, nothing downloaded
sum=$(digest)
run
check "second update: 304, nothing to do" \
  eval '[ $rc -eq 0 ] && has "$tmp/out" "Debian: up to date" && has "$tmp/out" "Alpine: up to date" &&
        has "$tmp/out" "Rocky Linux: up to date" && has "$tmp/out" "0 added, 0 updated" &&
        has "$log" "GET /Debian/modified_id.csv 304 conditional" &&
        has "$log" "GET /Alpine/all.zip 304 conditional" && lacks "$log" "all.zip 200" && lacks "$log" ".json"'

# 3. incremental: a changed record and a new one, fetched alone
publish Debian "$data/v2/Debian"
run
check "incremental update fetches only the newer records" \
  eval '[ $rc -eq 0 ] && has "$tmp/out" "Debian: modified_id.csv + 2 records fetched: 1 added, 1 updated" &&
        has "$log" "GET /Debian/HULLTEST-DSA-1002-1.json 200" && has "$log" "GET /Debian/HULLTEST-DSA-1004-1.json 200" &&
        lacks "$log" "DSA-1001" && lacks "$log" "GET /Debian/all.zip" && [ "$(records)" = 9 ]'

# 4. a record fetched alone that passes the size limit (8 MiB) is cut at
# the limit, skipped and counted, as db import does
big=$www/Debian/HULLTEST-DSA-1006-1.json
{ printf '{"id": "HULLTEST-DSA-1006-1", "modified": "2024-04-20T00:00:00Z", "details": "'
  head -c 9000000 /dev/zero | tr '\0' x; printf '"}\n'; } >"$big"
echo "2024-04-20T00:00:00Z,HULLTEST-DSA-1006-1" | cat - "$www/Debian/modified_id.csv" >"$tmp/csv" &&
  mv "$tmp/csv" "$www/Debian/modified_id.csv"
run
check "an oversized record is skipped and counted" \
  eval '[ $rc -eq 0 ] && has "$tmp/out" "Debian: modified_id.csv + 1 record fetched: 0 added, 0 updated, 0 unchanged, 1 skipped" &&
        has "$tmp/err" "warning: skipped: $src/Debian/HULLTEST-DSA-1006-1.json: record of 8388609 bytes, more than the limit" &&
        [ "$(records)" = 9 ]'
rm "$big"; sed -i '/HULLTEST-DSA-1006-1/d' "$www/Debian/modified_id.csv"

# 5. more changed records than are worth fetching alone (2,000): all.zip
gen_crates() { # FROM TO: synthetic records HULLTEST-CRATE-N in $tmp/crates
  local i
  mkdir -p "$tmp/crates"
  for i in $(seq "$1" "$2"); do
    printf '{"id": "HULLTEST-CRATE-%05d", "modified": "2024-06-01T00:00:00Z", "affected": [{"package": {"ecosystem": "crates.io", "name": "mirror-crate-%d"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.0.%d"}]}]}]}\n' \
      "$i" "$i" "$i" >"$tmp/crates/HULLTEST-CRATE-$(printf %05d "$i").json"
  done
}
gen_crates 1 1; publish crates.io "$tmp/crates"
run --ecosystem crates.io
gen_crates 2 2002; publish crates.io "$tmp/crates"
run --ecosystem crates.io
check "more than 2,000 changed records: all.zip instead of one request each" \
  eval '[ $rc -eq 0 ] && has "$tmp/out" "crates.io: all.zip: 2001 added, 0 updated, 1 unchanged" &&
        has "$log" "GET /crates.io/modified_id.csv 200 conditional" && has "$log" "GET /crates.io/all.zip 200" &&
        lacks "$log" "CRATE-"'

# 6. a truncated body: the retry resumes with a Range request
echo "/npm/all.zip truncate 1" >"$faults"
run --ecosystem npm
check "truncated all.zip is resumed (206) and imported" \
  eval '[ $rc -eq 0 ] && has "$tmp/out" "npm: all.zip (resumed): 3 added" && has "$tmp/err" "resuming" &&
        has "$log" "GET /npm/all.zip 200" && grep -q "^GET /npm/all.zip 206 range=bytes=[1-9][0-9]*- if-range$" "$log"'

# 7. 429 and 500 are tried again
printf '/Go/all.zip 429 1\n/Go/modified_id.csv 500 1\n' >"$faults"
run --ecosystem Go
check "429 and 500 are retried" \
  eval '[ $rc -eq 0 ] && has "$tmp/out" "Go: all.zip: 1 added" && has "$tmp/err" "HTTP 429; trying again in 0.0 s (try 2 of 5)" &&
        has "$tmp/err" "HTTP 500; trying again in 1.0 s (try 2 of 5)" &&
        [ "$(grep -c "^GET /Go/all.zip" "$log")" = 2 ] && has "$log" "GET /Go/modified_id.csv 200"'

# 8. a stalled response times out (--timeout 2 < 3 s) and is tried again
echo "/PyPI/modified_id.csv slow 1" >"$faults"
run --ecosystem PyPI
check "a stalled request times out and is retried" \
  eval '[ $rc -eq 0 ] && has "$tmp/out" "PyPI: up to date" && has "$tmp/err" "GET '\''$src/PyPI/modified_id.csv'\'': " &&
        [ "$(grep -c "^GET /PyPI/modified_id.csv" "$log")" = 2 ]'

# 9. errors that persist: nothing is committed
sum=$(digest)
echo "/PyPI/modified_id.csv 503 *" >"$faults"
run --ecosystem PyPI --retries 1
check "a persistent 503 fails after the retries; database unchanged" \
  eval '[ $rc -eq 2 ] && has "$tmp/err" "hullscan: error: GET '\''$src/PyPI/modified_id.csv'\'': HTTP 503 (2 tries)" &&
        has "$tmp/err" "nothing updated; the database is unchanged" && [ "$(digest)" = "$sum" ]'
: >"$faults"

# 10. a corrupt all.zip from the server
mkdir -p "$www/Broken"; head -c 300 "$www/npm/all.zip" >"$www/Broken/all.zip"
run --ecosystem Debian --ecosystem Broken
check "a corrupt all.zip is an error; old database kept" \
  eval '[ $rc -eq 2 ] && has "$tmp/err" "corrupt zip archive" && has "$tmp/err" "Broken/all.zip" &&
        [ "$(digest)" = "$sum" ] && [ ! -e "$db.downloads/Broken/all.zip" ]'

# 11. an ecosystem asked for that the source does not publish
run --ecosystem Nope
check "an unknown ecosystem asked for is an error" \
  eval '[ $rc -eq 2 ] && has "$tmp/err" "the source publishes no Nope records" && [ "$(digest)" = "$sum" ]'

# 12. one the database holds (from db import) but the source lacks: skipped
"$hullscan" db import --db "$db" "$data/local-hex.json" >/dev/null
run
check "an ecosystem of the database the source lacks is skipped" \
  eval '[ $rc -eq 0 ] && has "$tmp/out" "Hex: not published by the source, skipped" &&
        has "$tmp/err" "warning: the source publishes no Hex records" && has "$tmp/out" "Debian: up to date"'

# 13. killed while downloading: the old database stays whole and usable
publish Debian "$data/v3/Debian"
echo "/Debian/HULLTEST-DSA-1005-1.json hang 1" >"$faults"
sum=$(digest); : >"$log"
"$hullscan" db update --db "$db" --source "$src" --ecosystem Debian >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 400); do grep -q "DSA-1005-1.json" "$log" && break; sleep 0.05; done
sleep 0.2; kill -9 "$pid"; wait "$pid" 2>/dev/null; rc=$?
check "kill -9 during an update leaves the old database" \
  eval '[ $rc -eq 137 ] && [ "$(digest)" = "$sum" ] && "$hullscan" db info --db "$db" >/dev/null &&
        ls "$db".tmp-* >/dev/null 2>&1'
run --ecosystem Debian
check "the next update completes and clears the leftovers" \
  eval '[ $rc -eq 0 ] && has "$tmp/out" "Debian: modified_id.csv + 1 record fetched: 1 added" &&
        ! ls "$db".tmp-* >/dev/null 2>&1 && [ "$(records)" = 2017 ]'

# 14. killed during an all.zip download: the next run resumes it
rm -rf "$tmp/db2"; db2=$tmp/db2/osv.db
echo "/Debian/all.zip hang 1" >"$faults"; : >"$log"
"$hullscan" db update --db "$db2" --source "$src" --ecosystem Debian >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 400); do [ -s "$db2.downloads/Debian/all.zip" ] && break; sleep 0.05; done
sleep 0.1; kill -9 "$pid"; wait "$pid" 2>/dev/null
check "a killed all.zip download leaves a partial file and no database" \
  eval '[ -s "$db2.downloads/Debian/all.zip" ] && [ -s "$db2.downloads/Debian/all.zip.http" ] && [ ! -e "$db2" ]'
: >"$log"
"$hullscan" db update --db "$db2" --source "$src" --ecosystem Debian >"$tmp/out" 2>"$tmp/err"; rc=$?
check "the next update resumes the partial all.zip" \
  eval '[ $rc -eq 0 ] && has "$tmp/out" "Debian: all.zip (resumed): 5 added" && grep -q "^GET /Debian/all.zip 206 range=" "$log" &&
        [ ! -e "$db2.downloads" ]'

# 15. the server's copy changed under a partial download: If-Range makes
# it answer 200 and the download starts over
echo "/PyPI/all.zip hang 1" >"$faults"; : >"$log"; rm -rf "$tmp/db3"; db3=$tmp/db3/osv.db
"$hullscan" db update --db "$db3" --source "$src" --ecosystem PyPI >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 400); do [ -s "$db3.downloads/PyPI/all.zip" ] && break; sleep 0.05; done
sleep 0.1; kill -9 "$pid"; wait "$pid" 2>/dev/null
cp "$data/v1/Debian/HULLTEST-DSA-1001-1.json" "$www/PyPI/"; "$mkzip" "$www/PyPI/all.zip" "$www/PyPI"; rm "$www/PyPI/HULLTEST-DSA-1001-1.json"
: >"$log"
"$hullscan" db update --db "$db3" --source "$src" --ecosystem PyPI >"$tmp/out" 2>"$tmp/err"; rc=$?
check "a partial download of a changed file starts over" \
  eval '[ $rc -eq 0 ] && grep -q "^GET /PyPI/all.zip 200 range=bytes=[0-9]*- if-range$" "$log" &&
        has "$tmp/out" "PyPI: all.zip: 3 added"'

# 16. a file size limit (RLIMIT_FSIZE): an error, nothing replaced
sum=$(digest)
(trap '' XFSZ; ulimit -f 16; "$hullscan" db update --db "$db" --source "$src" --ecosystem Go >"$tmp/out" 2>"$tmp/err"); rc=$?
check "a write failure (file size limit) is an error; database unchanged" \
  eval '[ $rc -eq 2 ] && has "$tmp/err" "hullscan: error: " && has "$tmp/err" "nothing updated" &&
        [ "$(digest)" = "$sum" ] && ! ls "$db".tmp-* >/dev/null 2>&1'

# 17. a full disk: a small tmpfs in a private mount namespace (skipped
# where we may not mount).  First the copy of the database does not fit,
# then a download that the free space cannot hold is refused up front.
mkdir -p "$tmp/full" "$www/Big"; head -c 2000000 /dev/urandom >"$www/Big/all.zip"
unshare -m bash -c '
  size=$(stat -c %s "$1")
  for case in copy download; do
    k=$(( size / 1024 + 24 )); [ $case = download ] && k=$(( 2 * size / 1024 + 400 ))
    mount -t tmpfs -o size=${k}k none "$2" || exit 99
    cp "$1" "$2/osv.db"; before=$(sha256sum <"$2/osv.db")
    eco=Go; [ $case = download ] && eco=Big
    "$3" db update --db "$2/osv.db" --source "$4" --ecosystem $eco >"$5/out-$case" 2>"$5/err-$case"
    echo "$case rc=$?" >>"$5/full.txt"
    [ "$(sha256sum <"$2/osv.db")" = "$before" ] && echo "$case same" >>"$5/full.txt"
    ls "$2" | grep -q "tmp-" && echo "$case leftover" >>"$5/full.txt"
    umount "$2"
  done' _ "$db" "$tmp/full" "$hullscan" "$src" "$tmp" 2>"$tmp/unshare"
if [ $? -eq 99 ] || [ ! -s "$tmp/full.txt" ]; then
  n=$((n+1)); echo "ok $n - # SKIP cannot mount a small tmpfs here ($(head -1 "$tmp/unshare"))"
  n=$((n+1)); echo "ok $n - # SKIP cannot mount a small tmpfs here"
else
  cp "$tmp/out-copy" "$tmp/out"; cp "$tmp/err-copy" "$tmp/err"; rc=$(sed -n 's/^copy rc=//p' "$tmp/full.txt")
  check "a full disk while copying the database: a clear error, database unchanged" \
    eval '[ "$rc" = 2 ] && has "$tmp/err" "database or disk is full" && has "$tmp/err" "nothing updated" &&
          has "$tmp/full.txt" "copy same" && lacks "$tmp/full.txt" "copy leftover"'
  cp "$tmp/out-download" "$tmp/out"; cp "$tmp/err-download" "$tmp/err"; rc=$(sed -n 's/^download rc=//p' "$tmp/full.txt")
  check "a download larger than the free space is refused; database unchanged" \
    eval '[ "$rc" = 2 ] && has "$tmp/err" "not enough space for" && has "$tmp/err" "2000000 bytes to download" &&
          has "$tmp/full.txt" "download same" && lacks "$tmp/full.txt" "download leftover"'
fi

# 17b. the disk fills up during the import itself, once the copy fit:
# db import of a directory, and db update of an all.zip that fits but
# whose records do not (their details deflate well in the zip, not in the
# database).  Then 17c, a read-only file system: writers say so and change
# nothing, readers work.
mkdir -p "$tmp/fill"; pad=$(head -c 4000 /dev/zero | tr '\0' a)
for i in $(seq 600); do
  printf '{"id": "HULLTEST-FILL-%04d", "modified": "2024-07-01T00:00:00Z", "details": "%s", "affected": [{"package": {"ecosystem": "npm", "name": "fill-%d"}, "versions": ["1.0.0"]}]}\n' \
    "$i" "$pad" "$i" >"$tmp/fill/HULLTEST-FILL-$(printf %04d "$i").json"
done
publish Fill "$tmp/fill" nocsv
echo '[{"ecosystem": "crates.io", "name": "mirror-crate-5", "version": "1.0.4"}]' >"$tmp/pkgs.json"
: >"$tmp/fill.txt"
unshare -m bash -c '
  size=$(stat -c %s "$1")
  for case in import update; do
    mount -t tmpfs -o size=$(( 2 * size / 1024 + 512 ))k none "$2" || exit 99
    cp "$1" "$2/osv.db"; before=$(sha256sum <"$2/osv.db")
    if [ $case = import ]; then
      "$3" db import --db "$2/osv.db" "$5/fill"
    else
      "$3" db update --db "$2/osv.db" --source "$4" --ecosystem Fill
    fi >"$5/out-$case" 2>"$5/err-$case"
    echo "$case rc=$?" >>"$5/fill.txt"
    [ "$(sha256sum <"$2/osv.db")" = "$before" ] && echo "$case same" >>"$5/fill.txt"
    ls "$2" | grep -q "tmp-" && echo "$case leftover" >>"$5/fill.txt"
    umount "$2"
  done
  mount -t tmpfs -o size=$(( size / 1024 + 64 ))k none "$2" || exit 99
  cp "$1" "$2/osv.db"; before=$(sha256sum <"$2/osv.db")
  mount -o remount,ro "$2" || exit 99
  "$3" db import --db "$2/osv.db" "$5/fill" >"$5/out-roimport" 2>"$5/err-roimport"
  echo "roimport rc=$?" >>"$5/fill.txt"
  "$3" db update --db "$2/osv.db" --source "$4" --ecosystem Go >"$5/out-roupdate" 2>"$5/err-roupdate"
  echo "roupdate rc=$?" >>"$5/fill.txt"
  "$3" vuln --db "$2/osv.db" "$5/pkgs.json" >"$5/out-rovuln" 2>"$5/err-rovuln"
  echo "rovuln rc=$?" >>"$5/fill.txt"
  [ "$(sha256sum <"$2/osv.db")" = "$before" ] && echo "ro same" >>"$5/fill.txt"
  umount "$2"' _ "$db" "$tmp/full" "$hullscan" "$src" "$tmp" 2>"$tmp/unshare"
if [ $? -eq 99 ] || [ ! -s "$tmp/fill.txt" ]; then
  for what in "db import" "db update" "a read-only file system"; do
    n=$((n+1)); echo "ok $n - # SKIP $what on a full or read-only tmpfs: cannot mount one here ($(head -1 "$tmp/unshare"))"
  done
else
  for case in import update; do
    cp "$tmp/out-$case" "$tmp/out"; cp "$tmp/err-$case" "$tmp/err"; rc=$(sed -n "s/^$case rc=//p" "$tmp/fill.txt")
    check "a full disk during db $case: a clear error, database unchanged" \
      eval '[ "$rc" = 2 ] && has "$tmp/err" "database or disk is full" && has "$tmp/err" "the database is unchanged" &&
            has "$tmp/fill.txt" "$case same" && lacks "$tmp/fill.txt" "$case leftover"'
  done
  cat "$tmp/err-roimport" "$tmp/err-roupdate" >"$tmp/err"; cp "$tmp/out-rovuln" "$tmp/out"; rc=$(sed -n 's/^rovuln rc=//p' "$tmp/fill.txt")
  check "a read-only file system: import and update refused with the reason, vuln reads" \
    eval 'grep -q "^roimport rc=2$" "$tmp/fill.txt" && grep -q "^roupdate rc=2$" "$tmp/fill.txt" &&
          [ "$(grep -c "osv.db.lock'\'': Read-only file system" "$tmp/err")" = 2 ] &&
          [ "$rc" = 0 ] && has "$tmp/out" "HULLTEST-CRATE-00005" && has "$tmp/fill.txt" "ro same"'
fi

# 18. nothing listens: a clear network error
"$hullscan" db update --db "$db" --source http://127.0.0.1:1 --ecosystem Debian --retries 0 >"$tmp/out" 2>"$tmp/err"; rc=$?
check "connection refused is an error naming the URL" \
  eval '[ $rc -eq 2 ] && has "$tmp/err" "hullscan: error: GET '\''http://127.0.0.1:1/Debian/all.zip'\'': " &&
        [ "$(digest)" = "$sum" ]'

echo "1..$n"
exit $bad
