#!/usr/bin/env bash
# Hostile images never crash `hullscan image` (issue: "bad input: images").
#
# Every image is built at test time by mkfixture (tests/fixture/fixture.h),
# then damaged with bash and coreutils (head/tail for byte surgery), GNU tar
# (re-packing docker archives), gzip/zstd and sha256sum (re-hashing OCI
# blobs so that the damage gets past the digest checks): no jq, and python3
# only to validate JSON output when it exists.
# Each case runs under `ulimit -v` and `timeout`, and checks the exit code
# (2 for an image that cannot be trusted), that stderr names the problem
# (archive, blob or layer), that no crash or sanitizer report appears, and
# its time and peak memory (when /usr/bin/time exists); the TAP line records
# both.  A "# TODO" line is a known hullscan bug (meson counts it as an
# expected failure, and as a failure once it passes: then drop the TODO).
#
#   tests/image-hostile.sh [HULLSCAN [MKFIXTURE]]      (TAP; gcc build only:
#   ulimit -v and ASan's shadow memory do not mix)
set -u
LC_ALL=C; export LC_ALL
hullscan=$(readlink -f "${1:-./build/hullscan}") # the runs start in an empty dir
mkfixture=$(readlink -f "${2:-./build/tests/mkfixture}")
if [ ! -x "$hullscan" ] || [ ! -x "$mkfixture" ]; then echo "Bail out! no $hullscan or $mkfixture"; exit 1; fi
if grep -qa 'libasan\.so' "$hullscan"; then echo "1..0 # SKIP sanitizer build (ulimit -v)"; exit 0; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp" "/tmp/hullscan-escape-$$" "/tmp/hullscan-abs-$$"' EXIT
w=$tmp/w # the images; $tmp itself holds the runs' outputs
mkdir -p "$w" "$tmp/cwd"
timecmd=(); [ -x /usr/bin/time ] && timecmd=(/usr/bin/time -o "$tmp/time" -f "%M")
n=0; bad=0

die() { echo "Bail out! $*"; exit 1; }

# --- TAP -------------------------------------------------------------------
# pass NAME / fail NAME [TODO-REASON]: one TAP line
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() {
  n=$((n + 1))
  if [ -n "${2:-}" ]; then echo "not ok $n - $1 # TODO $2"; else bad=1; echo "not ok $n - $1"; fi
}
# check NAME COMMAND...: a plain assertion
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
# todo NAME REASON COMMAND...: an assertion hullscan is known to fail
todo() {
  local name=$1 why=$2; shift 2
  if "$@"; then n=$((n + 1)); echo "ok $n - $name # TODO $why"; else fail "$name" "$why"; fi
}

# run NAME SECS VMEM_MB RSS_MB WANT STDERR_ERE ARGS...: `hullscan image ARGS`
# (from $tmp/cwd) under ulimit -v VMEM_MB and timeout SECS; passes when the
# exit code is one of WANT ("2", "0|1"), stderr matches STDERR_ERE (when not
# empty), no crash report is on stderr and the peak RSS is at most RSS_MB.
# Leaves stdout in $tmp/out, stderr in $tmp/err, the seconds in $secs.
run() {
  local name=$1 limit=$2 vmem=$3 rssmax=$4 want=$5 re=$6 rc t0 t1 rss=- why=
  shift 6
  rm -f "$tmp/time"
  t0=$(date +%s%N)
  (cd "$tmp/cwd" && ulimit -v $((vmem * 1024)) &&
    exec "${timecmd[@]}" timeout -k 5 "$limit" "$hullscan" image --no-progress "$@") \
    >"$tmp/out" 2>"$tmp/err"
  rc=$?
  t1=$(date +%s%N)
  secs=$(printf '%d.%02d' $(((t1 - t0) / 1000000000)) $(((t1 - t0) / 10000000 % 100)))
  [ -s "$tmp/time" ] && rss=$(($(tail -1 "$tmp/time" | tr -dc 0-9) / 1024))
  [[ "|$want|" == *"|$rc|"* ]] || why="exit $rc, want $want"
  if [ -z "$why" ] && [ -n "$re" ] && ! grep -Eq -- "$re" "$tmp/err"; then
    why="stderr does not match /$re/"
  fi
  if grep -Eq 'Sanitizer|runtime error:|Segmentation fault|core dumped|Assertion .* failed|stack smashing|double free|free\(\): ' "$tmp/err"; then
    why="crash report on stderr"
  fi
  if [ "$rss" != - ] && [ "$rss" -gt "$rssmax" ]; then why="peak RSS $rss MB > $rssmax MB"; fi
  if [ -z "$why" ]; then
    pass "$name (exit $rc, $secs s, $rss MB)"
  else
    fail "$name ($why; $secs s, $rss MB)"
    head -c 600 "$tmp/err" | head -4 | sed 's/^/# stderr: /'
  fi
}

# --- building and damaging images -------------------------------------------
# mk [MKFIXTURE-OPTIONS] SPEC OUT
mk() { "$mkfixture" "$@" >"$tmp/mk.err" 2>&1 || die "mkfixture $*: $(head -1 "$tmp/mk.err")"; }
# cut_to FILE BYTES: keep the first BYTES bytes
cut_to() { head -c "$2" "$1" >"$1.new" && mv "$1.new" "$1" || die "cut_to $*"; }
# put_byte FILE OFFSET CHAR: overwrite one byte, same size
put_byte() {
  { head -c "$2" "$1" && printf '%s' "$3" && tail -c +$(($2 + 2)) "$1"; } >"$1.new" &&
    mv "$1.new" "$1" || die "put_byte $*"
}
# member TAR NAME-ERE: "OFFSET SIZE" of the content of the first member whose
# name matches (from GNU tar's block numbers)
member() {
  local blk size name
  while read -r _ blk _ _ size _ _ name; do
    if [[ $name =~ $2 ]]; then echo $(((${blk%:} + 1) * 512)) "$size"; return 0; fi
  done < <(tar tvRf "$1" 2>/dev/null)
  die "no member /$2/ in $1"
}
# offset_of FILE STRING: byte offset of the first STRING in FILE
offset_of() {
  local o; o=$(grep -obUaF -- "$2" "$1" | head -1 | cut -d: -f1)
  [ -n "$o" ] || die "'$2' not found in $1"
  echo "$o"
}
# OCI layouts: the blob names (hex) of the first manifest, its config, layer N
manifest_of() { grep -o 'sha256:[0-9a-f]\{64\}' "$1/index.json" | head -1 | cut -c8-; }
config_of() { grep -o '"config":{[^}]*' "$1/blobs/sha256/$(manifest_of "$1")" | grep -o '[0-9a-f]\{64\}'; }
layer_of() {
  grep -o '"layers":\[.*' "$1/blobs/sha256/$(manifest_of "$1")" |
    grep -o 'sha256:[0-9a-f]\{64\}' | sed -n "$(($2 + 1))p" | cut -c8-
}
# rehash DIR HEX: blob HEX of layout DIR was edited in place: rename it to
# its new digest and fix every descriptor pointing to it, up to index.json
rehash() {
  local dir=$1 old=$2 new size r
  new=$(sha256sum <"$dir/blobs/sha256/$old" | cut -c1-64)
  size=$(stat -c %s "$dir/blobs/sha256/$old")
  [ "$new" = "$old" ] && return 0
  mv "$dir/blobs/sha256/$old" "$dir/blobs/sha256/$new"
  for r in $(grep -l "sha256:$old" "$dir/index.json" "$dir"/blobs/sha256/*); do
    sed -i -E "s/sha256:$old(\",\"size\":)[0-9]+/sha256:$new\1$size/g" "$r"
    [ "$r" = "$dir/index.json" ] || rehash "$dir" "${r##*/}"
  done
}
# repack DIR TAR: a docker archive from an extracted one
repack() { tar cf "$2" -C "$1" . || die "tar cf $2"; }
# json_ok FILE: valid JSON (python3's parser; skipped without python3)
have_py=0; command -v python3 >/dev/null 2>&1 && have_py=1
json_ok() { [ $have_py -eq 0 ] || python3 -m json.tool "$1" >/dev/null 2>&1; }
json_check() { # NAME FILE
  if [ $have_py -eq 0 ]; then n=$((n + 1)); echo "ok $n - $1 # SKIP python3 not available"
  else check "$1" json_ok "$2"; fi
}
# absent STRING FILE: FILE does not hold STRING
absent() { ! grep -qF -- "$1" "$2"; }
# tree_state DIR: every path with its size and mtime
tree_state() { find "$1" -printf '%p %s %T@\n' | sort; }

# --- the base image: two layers, the second a 1.3 MB file that gzip cannot
# shrink much, so a cut lands in the middle of a deflate stream ------------
seq 1 200000 >"$w/numbers.txt"
cat >"$w/base.spec" <<'EOF'
tag app:1.0
config {"User":"app","Healthcheck":{"Test":["CMD","/app/health"]}}
layer base
dir etc
file etc/passwd = "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"
file etc/group = "root:x:0:\napp:x:1000:\n"
layer app
file app/numbers.txt < numbers.txt
file app/health 0755 = "#!/bin/sh\nexit 0\n"
EOF
mk "$w/base.spec" "$w/classic.tar"
mk --format docker-oci "$w/base.spec" "$w/doci.tar"
mk --format oci-archive "$w/base.spec" "$w/ociar.tar"
mk --format oci "$w/base.spec" "$w/oci"
mk --format oci --compression zstd "$w/base.spec" "$w/ocizst"
mk --format oci --compression none "$w/base.spec" "$w/ocinone"
run "the base image scans" 30 400 64 0 '' "$w/classic.tar"

# --- truncated outer archives ---------------------------------------------
cp "$w/classic.tar" "$w/cut-layer.tar"
layer=$(tar xOf "$w/classic.tar" manifest.json | grep -o '[0-9a-f]\{64\}/layer\.tar' | sed -n 2p) # layer 1
read -r off size < <(member "$w/cut-layer.tar" "^$layer\$")
cut_to "$w/cut-layer.tar" $((off + size / 2))
run "docker-archive cut in the middle of a layer" 10 400 64 2 'cut-layer\.tar.*truncated' "$w/cut-layer.tar"

cp "$w/doci.tar" "$w/cut-manifest.tar"
read -r off size < <(member "$w/cut-manifest.tar" '^manifest\.json$')
cut_to "$w/cut-manifest.tar" $((off + size / 2))
run "docker 25+ archive cut inside manifest.json" 10 400 64 2 'cut-manifest\.tar.*truncated' "$w/cut-manifest.tar"

cp "$w/ociar.tar" "$w/cut-ociar.tar"
read -r off size < <(member "$w/cut-ociar.tar" "blobs/sha256/$(layer_of "$w/oci" 1)")
cut_to "$w/cut-ociar.tar" $((off + size / 2))
run "oci-archive cut in the middle of a layer" 10 400 64 2 'cut-ociar\.tar.*truncated' "$w/cut-ociar.tar"

# --- truncated layer blobs in an OCI layout ---------------------------------
cp -r "$w/oci" "$w/cut-blob"
l=$(layer_of "$w/cut-blob" 1)
cut_to "$w/cut-blob/blobs/sha256/$l" 200000
run "gzip layer blob cut (size check)" 10 400 64 2 "layer 1: blob 'sha256:$l' is 200000 bytes" "$w/cut-blob"

for c in gzip zstd; do
  src=$w/oci; [ $c = zstd ] && src=$w/ocizst
  cp -r "$src" "$w/cut-$c"
  l=$(layer_of "$w/cut-$c" 1)
  cut_to "$w/cut-$c/blobs/sha256/$l" 100000
  rehash "$w/cut-$c" "$l"
  l=$(layer_of "$w/cut-$c" 1)
  run "$c layer blob cut, descriptors fixed (the decoder meets the end)" 10 400 64 2 \
    "blobs/sha256/$l: offset [0-9]+: error: layer 1: truncated $c" "$w/cut-$c"
done

# --- wrong digests ------------------------------------------------------------
cp -r "$w/ocinone" "$w/flip-oci"
l=$(layer_of "$w/flip-oci" 1)
put_byte "$w/flip-oci/blobs/sha256/$l" "$(offset_of "$w/flip-oci/blobs/sha256/$l" 199999)" 7
run "a flipped byte in a layer blob (OCI layout)" 10 400 64 2 "layer 1: digest mismatch.*expected sha256:$l" "$w/flip-oci"
run "... with --skip-verify: scanned, with the warning" 10 400 64 '0|1' 'warning: digests were not verified' --skip-verify "$w/flip-oci"
check "... and the report says so" grep -q 'digests not verified' "$tmp/out"

cp "$w/classic.tar" "$w/flip-classic.tar"
put_byte "$w/flip-classic.tar" "$(offset_of "$w/flip-classic.tar" 199999)" 7
run "a flipped byte in a layer of a docker-archive" 10 400 64 2 'layer 1: digest mismatch of the uncompressed layer \(diff_id\)' "$w/flip-classic.tar"
run "... with --skip-verify: scanned" 10 400 64 '0|1' 'warning: digests were not verified' --skip-verify "$w/flip-classic.tar"

cp -r "$w/oci" "$w/diffid"
cfg=$(config_of "$w/diffid")
last=$(grep -o '"diff_ids":\[[^]]*' "$w/diffid/blobs/sha256/$cfg" | grep -o '[0-9a-f]\{64\}' | tail -1)
sed -i "s/$last/$(printf '%064d' 0)/" "$w/diffid/blobs/sha256/$cfg"
rehash "$w/diffid" "$cfg"
run "a wrong diff_id in the config (config and manifest re-hashed)" 10 400 64 2 "layer 1: digest mismatch .*diff_id.*expected sha256:0{64}, got sha256:$last" "$w/diffid"
run "... with --skip-verify: scanned" 10 400 64 '0|1' 'warning: digests were not verified' --skip-verify "$w/diffid"

# --- missing blobs ------------------------------------------------------------
for what in layer config manifest; do
  cp -r "$w/oci" "$w/miss-$what"
  case $what in
    layer) h=$(layer_of "$w/oci" 1);; config) h=$(config_of "$w/oci");; manifest) h=$(manifest_of "$w/oci");;
  esac
  rm "$w/miss-$what/blobs/sha256/$h"
  run "the $what blob is missing" 10 400 64 2 "$what.*'sha256:$h' is missing" "$w/miss-$what"
done
rm -rf "$w/miss-tar"; mkdir "$w/miss-tar"; tar xf "$w/classic.tar" -C "$w/miss-tar"
layer=$(grep -o '[0-9a-f]\{64\}/layer\.tar' "$w/miss-tar/manifest.json" | sed -n 2p)
rm "$w/miss-tar/$layer"; repack "$w/miss-tar" "$w/miss-tar.tar"
run "a docker-archive without a layer the manifest names" 10 400 64 2 "layer 1: '$layer' is missing from the archive" "$w/miss-tar.tar"

# --- the outer archive's own links and names ----------------------------------
mk --format docker-skopeo "$w/base.spec" "$w/skopeo.tar"
rm -rf "$w/sk"; mkdir "$w/sk"; tar xf "$w/skopeo.tar" -C "$w/sk"
d=$(cd "$w/sk" && ls -d -- */ | head -1); d=${d%/}
first=$(grep -o '"Layers":\["[^"]*' "$w/sk/manifest.json" | cut -d'"' -f4)
sed -i "s|\"$first\"|\"$d/layer.tar\"|" "$w/sk/manifest.json"
rm "$w/sk/$d/layer.tar"; ln -s layer2.tar "$w/sk/$d/layer.tar"; ln -s layer.tar "$w/sk/$d/layer2.tar"
repack "$w/sk" "$w/sk-loop.tar"
run "a symlink loop inside the outer archive" 10 400 64 2 "sk-loop\.tar: resolving '$d/layer\.tar'.*loop" "$w/sk-loop.tar"
rm "$w/sk/$d/layer.tar" "$w/sk/$d/layer2.tar"; ln -s ../../../../etc/passwd "$w/sk/$d/layer.tar"
repack "$w/sk" "$w/sk-out.tar"
run "a layer symlink leaving the outer archive" 10 400 64 2 "sk-out\.tar: symlink '$d/layer\.tar' .*leaves the archive" "$w/sk-out.tar"
sed -i "s|\"$d/layer.tar\"|\"../../../../etc/passwd\"|" "$w/sk/manifest.json"
repack "$w/sk" "$w/sk-dotdot.tar"
run "a manifest.json layer path with ../" 10 400 64 2 'sk-dotdot\.tar:manifest\.json: .*Layers\[0\].*leaves the archive' "$w/sk-dotdot.tar"
cp -r "$w/oci" "$w/digest-path"
sed -i 's|"digest":"sha256:[0-9a-f]*"|"digest":"sha256:../../../../etc/passwd"|' "$w/digest-path/index.json"
run "a descriptor digest that is a path" 10 400 64 2 'index\.json: manifests\[0\]\.digest: invalid digest' "$w/digest-path"

# --- hostile entry names: nothing is written anywhere -------------------------
cat >"$w/names.spec" <<EOF
tag names:1.0
layer
rawname a ../../hullscan-escape-$$
file a = "out"
rawname b /tmp/hullscan-abs-$$
file b = "abs"
rawname c ./../../../tmp/hullscan-escape-$$
file c = "up"
rawname d app/../../../hullscan-escape-$$
file d = "up"
rawname e a//b/./c/../d
file e = "normalised"
rawname f /etc/passwd
file f = "root:x:0:0::/root:/bin/sh\n"
EOF
mk "$w/names.spec" "$w/names.tar"
mk --format oci "$w/names.spec" "$w/names-oci"
before=$(tree_state "$w")
run "entries with ../ and absolute names (docker-archive)" 10 400 64 '0|1' '' "$w/names.tar"
run "... the same in an OCI layout, json report" 10 400 64 '0|1' '' -f json "$w/names-oci"
check "... the 3 escaping entries are skipped with a note in .image.notes" \
  test "$(grep -c "leaves the layer root: skipped" "$tmp/out")" -eq 3
run "... --list-files --deleted" 10 400 64 0 '' --list-files --deleted "$w/names.tar"
check "... absolute and dotted names are normalised as documented (tar.h)" \
  grep -q "  /tmp/hullscan-abs-$$\$" "$tmp/out"
check "... a//b/./c/../d is /a/b/d" grep -q '  /a/b/d$' "$tmp/out"
check "... nothing escapes into the listing" absent hullscan-escape "$tmp/out"
check "... nothing written: the image dir is unchanged" test "$before" = "$(tree_state "$w")"
check "... nothing written: the working directory is still empty" test -z "$(ls -A "$tmp/cwd")"
check "... nothing written outside" test ! -e "/tmp/hullscan-escape-$$" -a ! -e "/tmp/hullscan-abs-$$"

# --- links ------------------------------------------------------------------
cat >"$w/links.spec" <<'EOF'
tag links:1.0
config {"User":"app:app","Healthcheck":{"Test":["CMD","/bin/true"]}}
layer symlinks
symlink a b
symlink b a
symlink self self
dir etc
symlink etc/passwd passwd
symlink etc/group ../etc/./group
symlink d1/x ../d2
symlink d2 d1/x
symlink usr/bin/gcc gcc
symlink bin/sh ../../../../../../bin/sh
layer hard links
hardlink bin/missing nowhere/at/all
hardlink h/a h/b
hardlink h/b h/a
hardlink h/self h/self
hardlink h/up ../../../etc/shadow
hardlink etc/shadow etc/passwd
hardlink usr/bin/passwd etc/passwd
EOF
mk "$w/links.spec" "$w/links.tar"
mk --format oci "$w/links.spec" "$w/links-oci"
run "symlink loops (a->b->a, etc/passwd->passwd): no hang" 10 400 64 '0|1' '' "$w/links.tar"
run "... --list-files" 10 400 64 0 '' --list-files "$w/links.tar"
check "... the loops are listed as links" grep -q '/etc/passwd -> passwd$' "$tmp/out"
run "hard links to missing targets, cycles, escaping targets (OCI)" 10 400 64 '0|1' '' -f json "$w/links-oci"
json_check "... json report is valid JSON" "$tmp/out"

# --- a decompression bomb: 300 MB of zeros in a ~290 KB gzip layer ------------
printf 'tag bomb:1.0\nlayer\nfile zeros size 300000000\n' >"$w/bomb.spec"
mk --format oci "$w/bomb.spec" "$w/bomb"
mk --format oci --compression zstd "$w/bomb.spec" "$w/bomb-zstd"
for args in "" --skip-verify --list-files; do
  run "gzip decompression bomb ${args:-(audit)}: stops early, bounded memory" 10 400 64 2 \
    'layer 0: decompression bomb: .*ratio above the limit of 1000:1' $args "$w/bomb"
done
run "zstd decompression bomb" 10 400 64 2 'layer 0: decompression bomb: .*1000:1' "$w/bomb-zstd"

# --- many tiny files: 300,000 entries in one layer ----------------------------
{
  printf 'tag many:1.0\nlayer\n'
  seq 0 299999 | sed -E 's|^([0-9]*)([0-9]{3})$|file d/\1/f\2 = x|; s|^([0-9]{1,3})$|file d/f\1 = x|'
} >"$w/many.spec"
t0=$(date +%s%N); mk --format oci "$w/many.spec" "$w/many"; t1=$(date +%s%N)
echo "# many tiny files: mkfixture took $(((t1 - t0) / 1000000)) ms"
run "300,000 tiny files in one layer" 60 1024 300 '0|1' '' "$w/many"
run "... --list-files" 60 1024 300 0 '' --list-files "$w/many"
check "... lists them all" test "$(grep -c ' /d/.*/f[0-9]*$\| /d/f[0-9]*$' "$tmp/out")" -eq 300000
rm -rf "$w/many" "$w/many.spec"

# --- huge and deeply nested JSON ------------------------------------------------
{ printf '{"architecture":"amd64","os":"linux","comment":"'; head -c 100000000 /dev/zero | tr '\0' a; printf '"}'; } >"$w/big.json"
cp -r "$w/oci" "$w/bigcfg"; cfg=$(config_of "$w/bigcfg")
cp "$w/big.json" "$w/bigcfg/blobs/sha256/$cfg"
cp -r "$w/bigcfg" "$w/bigcfg-lie" # the descriptor still says 428 bytes
rehash "$w/bigcfg" "$cfg"
run "a 100 MB config (its descriptor says so)" 10 400 64 2 'config\.size: size 100000050 is more than the limit' "$w/bigcfg"
run "a 100 MB config whose descriptor says less" 10 400 64 2 "blobs/sha256/$cfg: config blob is 100000050 bytes" "$w/bigcfg-lie"
rm -rf "$w/bigcfg" "$w/bigcfg-lie"
rm -rf "$w/x"; mkdir "$w/x"; tar xf "$w/classic.tar" -C "$w/x"
cfg=$(grep -o '"Config":"[^"]*' "$w/x/manifest.json" | cut -d'"' -f4)
h=$(sha256sum <"$w/big.json" | cut -c1-64) # the config's name is its digest
rm "$w/x/$cfg"; mv "$w/big.json" "$w/x/$h.json"; sed -i "s/$cfg/$h.json/" "$w/x/manifest.json"
repack "$w/x" "$w/bigcfg.tar"; rm -rf "$w/x"
run "a 100 MB config in a docker-archive" 10 400 64 2 "bigcfg\.tar:$h\.json: 100000050 bytes, more than the limit" "$w/bigcfg.tar"
rm -f "$w/bigcfg.tar"

head -c 100000 /dev/zero | tr '\0' '[' >"$w/nest.json"
cp -r "$w/oci" "$w/nest-cfg"; cfg=$(config_of "$w/nest-cfg")
cp "$w/nest.json" "$w/nest-cfg/blobs/sha256/$cfg"; rehash "$w/nest-cfg" "$cfg"
run "100,000 nested [ as the config (OCI)" 10 400 64 2 'nest-cfg/blobs/sha256/[0-9a-f]{64}:1:65: error: JSON nested deeper than 64' "$w/nest-cfg"
cp -r "$w/oci" "$w/nest-man"; m=$(manifest_of "$w/nest-man")
cp "$w/nest.json" "$w/nest-man/blobs/sha256/$m"; rehash "$w/nest-man" "$m"
run "... as the manifest (OCI)" 10 400 64 2 'nest-man/blobs/sha256/[0-9a-f]{64}:1:65: error: JSON nested deeper than 64' "$w/nest-man"
cp -r "$w/oci" "$w/nest-idx"; cp "$w/nest.json" "$w/nest-idx/index.json"
run "... as index.json" 10 400 64 2 'nest-idx/index\.json:1:65: error: JSON nested deeper' "$w/nest-idx"
rm -rf "$w/x"; mkdir "$w/x"; tar xf "$w/classic.tar" -C "$w/x"
cp "$w/nest.json" "$w/x/manifest.json"; repack "$w/x" "$w/nest-manifest.tar"
run "... as a docker-archive's manifest.json" 10 400 64 2 'nest-manifest\.tar:manifest\.json:1:65: error: JSON nested deeper' "$w/nest-manifest.tar"
rm -rf "$w/x"; mkdir "$w/x"; tar xf "$w/classic.tar" -C "$w/x"
cfg=$(grep -o '"Config":"[^"]*' "$w/x/manifest.json" | cut -d'"' -f4)
h=$(sha256sum <"$w/nest.json" | cut -c1-64) # the config's name is its digest
rm "$w/x/$cfg"; cp "$w/nest.json" "$w/x/$h.json"; sed -i "s/$cfg/$h.json/" "$w/x/manifest.json"
repack "$w/x" "$w/nest-config.tar"
run "... as a docker-archive's config" 10 400 64 2 "nest-config\.tar:$h\.json:1:65: error: JSON nested deeper" "$w/nest-config.tar"

# --- odd but valid layers -----------------------------------------------------
cat >"$w/dup.spec" <<'EOF'
tag dup:1.0
layer
file etc/x = "one"
file etc/x = "two"
dir etc/x
symlink etc/x /bin/sh
file etc/x 04777 = "three"
whiteout etc/x
file etc/x = "four"
opaque etc
file etc/y = "y"
file etc/y = "yy"
EOF
mk "$w/dup.spec" "$w/dup.tar"
run "duplicate entries in one layer" 10 400 64 '0|1' '' "$w/dup.tar"
run "... --list-files: the last one wins" 10 400 64 0 '' --list-files "$w/dup.tar"
check "... /etc/x is the 4-byte file" grep -Eq '^-rw-r--r-- +0:0 +4 +0 +/etc/x$' "$tmp/out"
check "... /etc/y the 2-byte one" grep -Eq '^-rw-r--r-- +0:0 +2 +0 +/etc/y$' "$tmp/out"

cat >"$w/utf8.spec" <<'EOF'
tag utf8:1.0
config {"User":"app","Env":["K=\u00ff"]}
layer "RUN echo caf\xc3\xa9 \x01\x7f done"
rawname a "bad\xff\xfename"
file a = "a"
rawname b "\xc3\x28\xed\xa0\x80\xf4\x90\x80\x80"
file b = "b"
rawname c "dir\xc0\xaf/.env"
file c = "AWS_SECRET_ACCESS_KEY=abcdefghijklmnopqrstuvwxyz0123456789ABCD\n"
rawname d "tab\there\nnewline/id_rsa"
file d = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
EOF
mk --format oci "$w/utf8.spec" "$w/utf8"
run "invalid UTF-8 and control bytes in names (table)" 10 400 64 '0|1' '' "$w/utf8"
for f in json sarif; do
  run "... --format $f" 10 400 64 '0|1' '' -f "$f" "$w/utf8"
  json_check "... --format $f is valid JSON" "$tmp/out"
done
run "... --list-files --format json" 10 400 64 0 '' --list-files --deleted -f json "$w/utf8"
json_check "... --list-files --format json is valid JSON" "$tmp/out"
run "... --history --format json" 10 400 64 0 '' --history -f json "$w/utf8"
json_check "... --history --format json is valid JSON" "$tmp/out"

# Names and created_by come from the image: printed raw to a terminal, ESC
# sequences retitle the window, recolour or clear the screen, and \r or \n
# forge report lines.  The table, --list-files and --history should escape
# C0 controls (as the JSON does), not copy them.
cat >"$w/esc.spec" <<'EOF'
tag esc:1.0
layer "RUN echo \x1b]0;pwned\x07\x1b[2J"
rawname a "x\x1b[31mred\x1b[0m\x0d/.env"
file a = "AWS_SECRET_ACCESS_KEY=abcdefghijklmnopqrstuvwxyz0123456789ABCD\n"
EOF
mk "$w/esc.spec" "$w/esc.tar"
esc=$(printf '\033')
for args in "" --list-files --history; do
  run "terminal escapes in names and created_by ${args:-(table)}" 10 400 64 '0|1' '' $args "$w/esc.tar"
  check "... no raw ESC byte in the ${args:-table} output" absent "$esc" "$tmp/out"
  check "... no raw ESC byte on stderr" absent "$esc" "$tmp/err"
done

# A config whose history is shorter than its layers (the spec's own history
# replaces the fixture's): the audit still sees layer 1, --history should
# list it too.
cat >"$w/history.spec" <<'EOF'
tag history:1.0
config-extra {"history":[{"created_by":"first"}]}
layer
file a = "a"
layer
file b = "b"
EOF
mk "$w/history.spec" "$w/history.tar"
run "a history shorter than the layers" 10 400 64 0 '' --history "$w/history.tar"
check "... --history lists both layers" test "$(grep -c '^[0-9]' "$tmp/out")" -eq 2

# --- not images -----------------------------------------------------------------
gzip -c "$w/classic.tar" >"$w/saved.tar.gz"
run "a gzip-compressed docker-archive" 10 400 64 2 'saved\.tar\.gz: offset 0: error: compressed archive \(gzip: decompress it first' "$w/saved.tar.gz"
zstd -q -c "$w/classic.tar" >"$w/saved.tar.zst"
run "a zstd-compressed docker-archive" 10 400 64 2 'saved\.tar\.zst: .*compressed archive \(zstd' "$w/saved.tar.zst"
mkdir -p "$w/notimage/sub"; echo hello >"$w/notimage/README"
run "a directory that is not an image" 10 400 64 2 'notimage: not an OCI image layout' "$w/notimage"
mkdir -p "$w/empty"
run "an empty directory" 10 400 64 2 'empty: not an OCI image layout' "$w/empty"
head -c 1000000 /dev/urandom >"$w/random.bin"
run "1 MB of random bytes" 10 400 64 2 'random\.bin' "$w/random.bin"
: >"$w/zero.tar"
run "an empty file" 10 400 64 2 'zero\.tar' "$w/zero.tar"
run "a path that does not exist" 10 400 64 2 "cannot open '$w/no/such/image.tar'" "$w/no/such/image.tar"
run "oci: on a path that does not exist" 10 400 64 2 "$w/nothing" "oci:$w/nothing"

echo "1..$n"
exit $bad
