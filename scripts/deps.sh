#!/usr/bin/env bash
# Install the Debian 12 packages the build needs, only those missing.
#
#   scripts/deps.sh          build tools + libraries (what `make` needs)
#   scripts/deps.sh fuzz     ... plus clang and libFuzzer (`make fuzz`)
#   scripts/deps.sh format   ... plus clang-format (`make format`)
#
# Quiet when everything is present.  As root it runs `apt-get update` once
# (only if something is missing) and installs without recommends; as another
# user it prints what to install and exits 1.  Add a library here in the
# same change that adds its dependency() to meson.build.
set -eu

# --- package groups ---------------------------------------------------------
build_pkgs=(
  gcc libc6-dev make meson ninja-build pkg-config python3
)
lib_pkgs=(
  libjansson-dev libpcre2-dev libyaml-dev
  libarchive-dev libisal-dev libzstd-dev libssl-dev
  libsqlite3-dev  # the OSV database (src/vuln/db.c)
  libcurl4-openssl-dev  # db update downloads (src/vuln/update.c)
  zstd  # the CLI: tests/unit/test_image_io.c makes .zst inputs with it
  # added by later issues (uncomment with the meson.build dependency()):
  libvectorscan-dev  # the secret scanner (src/secrets)
)
fuzz_pkgs=(   # optional: scripts/deps.sh fuzz
  clang libclang-rt-14-dev
)
format_pkgs=( # optional: scripts/deps.sh format
  clang-format
)
# ----------------------------------------------------------------------------

want=("${build_pkgs[@]}" "${lib_pkgs[@]}")
for group in "$@"; do
  case $group in
    fuzz) want+=("${fuzz_pkgs[@]}");;
    format) want+=("${format_pkgs[@]}");;
    *) echo "usage: scripts/deps.sh [fuzz] [format]" >&2; exit 2;;
  esac
done

missing=()
for p in "${want[@]}"; do
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$st" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "deps.sh: missing Debian packages: ${missing[*]}" >&2
  echo "deps.sh: install them as root with:" >&2
  echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
