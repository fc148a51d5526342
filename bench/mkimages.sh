#!/usr/bin/env bash
# Build the image-audit benchmark images with the company fixture tools
# (mkrootfs-debian, mkimage, whiteout), each as a classic docker-archive and
# as an OCI archive with gzip layers:
#   debian-minimal    Debian minbase, 1 layer (~120 MB)
#   debian-node-app   Debian + nodejs, npm, python3, then an app layer (/app,
#                     a small node_modules, an app user): 2 layers (~380 MB)
#   large             16 layers, ~1.7 GB uncompressed: the node+python base,
#                     node_modules trees (tens of thousands of small files),
#                     python site-packages, copies of /usr/lib and /usr/share,
#                     large binary files (incompressible and ELF-like), logs,
#                     a layer overwriting base libraries, planted secrets
#                     (.env, SSH key, cloud and registry tokens), a whiteout
#                     layer (deletes files, a directory, the SSH key planted
#                     below it, and hides a directory with an opaque marker)
#
#   bench/mkimages.sh [options] OUTDIR
#     --tools DIR     fixture tools (default: ${HULLSCAN_SHARED:-<repo>/../shared}/tools)
#     --sources FILE  apt sources for the rootfs (default: Debian bookworm main,
#                     -updates, -security from deb.debian.org; never the host's
#                     extra repositories, so node comes from Debian)
#     --epoch N       mtimes and created time (default 1700000000)
#     --only LIST     comma list of minimal,node,large (default: all three)
#     --keep-work     keep OUTDIR/.work (the extracted rootfs and layer dirs)
#
# Writes OUTDIR/<name>.docker.tar and OUTDIR/<name>.oci.tar, and
# OUTDIR/images.tsv (file, bytes, layers, uncompressed layer bytes, digest).
# Deterministic: the same rootfs tarballs (mkrootfs-debian caches them; a new
# Debian point release changes them) and the same epoch give byte-identical
# archives; all generated content comes from SHAKE-256 streams of fixed seeds.
# Needs root (the rootfs is extracted with its owners), python3, pigz (else
# gzip; mkimage's choice), about 3x the image sizes of free space in OUTDIR.
# Takes a few minutes of CPU: run it niced on a shared machine.
set -euo pipefail
LC_ALL=C; export LC_ALL
umask 022
die() { echo "mkimages: $*" >&2; exit 2; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'; exit "${1:-0}"; }

repo=$(cd "$(dirname "$0")/.." && pwd)
tools=${HULLSCAN_SHARED:-$repo/../shared}/tools
sources="" epoch=1700000000 only=minimal,node,large keep=0 out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage 0 ;;
    --tools) tools=$2; shift 2 ;;
    --sources) sources=$2; shift 2 ;;
    --epoch) epoch=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --keep-work) keep=1; shift ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [[ -z "$out" ]] || die "only one OUTDIR"; out=$1; shift ;;
  esac
done
[[ -n "$out" ]] || usage 2 >&2
[[ -x "$tools/mkimage" && -x "$tools/whiteout" && -x "$tools/mkrootfs-debian" ]] ||
  die "fixture tools not found in $tools (give --tools)"
[[ $EUID -eq 0 ]] || die "needs root: the rootfs is extracted with its owners (uid 0, setuid bits)"
[[ "$epoch" =~ ^[0-9]+$ ]] || die "--epoch must be an integer"
command -v python3 >/dev/null || die "python3 not found"
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$out/.work
mkdir -p "$work"
[[ $keep -eq 1 ]] || trap 'rm -rf -- "$work"' EXIT
export SOURCE_DATE_EPOCH=$epoch TMPDIR=$work # mkimage's scratch space: next to the outputs

if [[ -z "$sources" ]]; then
  sources=$work/debian.sources
  cat >"$sources" <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
fi
rootfs() { # rootfs OUT.tar [PKGS]
  "$tools/mkrootfs-debian" -q -s bookworm --sources "$sources" --epoch "$epoch" \
    ${2:+-i "$2"} "$1" >/dev/null
}

# Generated content.  SHAKE-256 in counter mode gives stable pseudo-random
# bytes on every machine and Python version (random.Random does not promise
# that for randbytes).
gen=$work/gen.py
cat >"$gen" <<'PYEOF'
import hashlib, os, sys

MB = 1 << 20

def stream(seed, n):
    """n deterministic pseudo-random bytes, in 1 MiB pieces."""
    i = 0
    while n > 0:
        k = min(n, MB)
        yield hashlib.shake_256(b"%s/%d" % (seed.encode(), i)).digest(k)
        n -= k; i += 1

def prng(path, seed, size):
    with open(path, "wb") as f:
        for b in stream(seed, int(size)): f.write(b)

def libs(root):
    """Shared libraries under root (regular files, not links), sorted."""
    for d, dirs, fs in os.walk(root):
        dirs.sort()
        for f in sorted(fs):
            p = os.path.join(d, f)
            if (f.endswith(".so") or ".so." in f) and os.path.isfile(p) and not os.path.islink(p):
                yield p

def elfmix(outdir, libdir, count, each):
    """count files of `each` bytes: the ELF libraries of libdir concatenated
    in name order (cycling), a 4 KiB pseudo-random run between them; real
    machine code, compresses like binaries do (about 2.5x)."""
    libs_ = list(libs(libdir))
    os.makedirs(outdir, exist_ok=True)
    li = 0
    for n in range(int(count)):
        left = int(each)
        with open(os.path.join(outdir, "bundle-%02d.so" % n), "wb") as f:
            while left > 0:
                data = open(libs_[li % len(libs_)], "rb").read()
                data += hashlib.shake_256(b"elfmix/%d" % li).digest(4096)
                li += 1
                f.write(data[:left]); left -= min(left, len(data))

def logs(outdir, count, each):
    """count log files of about `each` bytes of access-log text."""
    os.makedirs(outdir, exist_ok=True)
    paths = ["/api/v1/items", "/api/v1/users", "/healthz", "/static/app.js", "/api/v2/orders", "/login"]
    agents = ["curl/7.88.1", "Mozilla/5.0 (X11; Linux x86_64)", "kube-probe/1.28", "python-requests/2.31"]
    t = 1700000000
    for n in range(int(count)):
        seed = hashlib.shake_256(b"logs/%d" % n).digest(int(each) // 8 + 64)
        lines, size, i = [], 0, 0
        while size < int(each):
            r = seed[i % (len(seed) - 8): i % (len(seed) - 8) + 8]
            i += 7
            t += r[0] % 3
            line = "%d.%03d %s [worker-%d] %s %s/%d %d %d.%dms ua=\"%s\" req=%s\n" % (
                t, r[1] * 3 % 1000, ("INFO", "INFO", "INFO", "WARN", "DEBUG")[r[2] % 5], r[3] % 8,
                ("GET", "GET", "POST", "PUT")[r[4] % 4], paths[r[5] % len(paths)],
                r[6] * 256 + r[7], (200, 200, 200, 201, 304, 404, 500)[r[0] % 7],
                r[1] % 90, r[2] % 10, agents[r[3] % len(agents)], r.hex())
            lines.append(line); size += len(line)
        with open(os.path.join(outdir, "app-%03d.log" % n), "w") as f: f.write("".join(lines))

def patchlibs(outroot, rootfs, budget):
    """'security update': rewrite base libraries (same paths, new bytes) up
    to `budget` bytes, so the layer overwrites files of the base layer."""
    done = 0
    for p in libs(os.path.join(rootfs, "usr/lib/x86_64-linux-gnu")):
        rel = os.path.relpath(p, rootfs)
        data = open(p, "rb").read() + hashlib.shake_256(rel.encode()).digest(65536)
        dst = os.path.join(outroot, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "wb") as f: f.write(data)
        os.chmod(dst, os.stat(p).st_mode & 0o7777)
        done += len(data)
        if done >= int(budget): break

def token(seed, n, alphabet):
    h = hashlib.shake_256(seed.encode()).digest(n)
    return "".join(alphabet[b % len(alphabet)] for b in h)

def secrets(root):
    """Fake credentials in the shapes secret scanners look for.  Built here
    rather than written literally, so this repository holds no secret-shaped
    strings of its own."""
    up, lo, dig = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz", "0123456789"
    alnum = up + lo + dig
    aws_id = "AKIA" + token("aws-id", 16, up + "234567")
    aws_secret = token("aws-secret", 40, alnum + "+/")
    gh = "ghp_" + token("github", 36, alnum)
    npm = "npm_" + token("npm", 36, alnum)
    stripe = "sk_" + "live_" + token("stripe", 24, alnum)
    slack = "xoxb-" + token("slack1", 12, dig) + "-" + token("slack2", 12, dig) + "-" + token("slack3", 24, alnum)
    dbpw = token("dbpw", 20, alnum)
    w = lambda rel, text, mode=0o644: (os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True),
                                       open(os.path.join(root, rel), "w").write(text),
                                       os.chmod(os.path.join(root, rel), mode))
    w("app/.env", "NODE_ENV=production\nPORT=8080\nDATABASE_URL=postgres://app:%s@db.internal:5432/app\n"
      "AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\nSTRIPE_SECRET_KEY=%s\nSLACK_BOT_TOKEN=%s\n"
      % (dbpw, aws_id, aws_secret, stripe, slack), 0o600)
    w("home/app/.aws/credentials", "[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
      % (aws_id, aws_secret), 0o600)
    w("home/app/.npmrc", "//registry.npmjs.org/:_authToken=%s\n" % npm, 0o600)
    w("app/config/deploy.json", '{\n  "github_token": "%s",\n  "region": "eu-west-1"\n}\n' % gh)
    body = hashlib.shake_256(b"ssh-key").digest(1190)
    import base64
    b64 = base64.b64encode(body).decode()
    pem = "-----BEGIN RSA " + "PRIVATE KEY-----\n" + "\n".join(b64[i:i + 64] for i in range(0, len(b64), 64)) \
        + "\n-----END RSA " + "PRIVATE KEY-----\n"
    w("root/.ssh/id_rsa", pem, 0o600)

def appsrc(root, nfiles):
    """A small node service: package.json, server.js, src/*.js, a README."""
    os.makedirs(os.path.join(root, "src"), exist_ok=True)
    open(os.path.join(root, "package.json"), "w").write(
        '{\n  "name": "orders-api",\n  "version": "1.4.2",\n  "main": "server.js",\n'
        '  "scripts": {"start": "node server.js"},\n'
        '  "dependencies": {"ajv": "^6.12.6", "debug": "^4.3.4", "semver": "^7.5.4"}\n}\n')
    open(os.path.join(root, "server.js"), "w").write(
        "const http = require('http');\nconst routes = require('./src/routes');\n"
        "http.createServer((req, res) => routes.handle(req, res)).listen(process.env.PORT || 8080);\n")
    open(os.path.join(root, "README.md"), "w").write("# orders-api\n\nInternal service.\n")
    for n in range(int(nfiles)):
        h = hashlib.shake_256(b"src/%d" % n).hexdigest(16)
        body = "".join("function f%d_%d(x) {\n  // %s\n  return x * %d + %d;\n}\n" % (n, k, h, k + 1, n)
                       for k in range(40))
        open(os.path.join(root, "src", "mod%03d.js" % n), "w").write(
            "'use strict';\n%smodule.exports = { f%d_0 };\n" % (body, n))
    open(os.path.join(root, "src", "routes.js"), "w").write(
        "module.exports.handle = (req, res) => { res.end('ok'); };\n")

cmd, args = sys.argv[1], sys.argv[2:]
{"prng": prng, "elfmix": elfmix, "logs": logs, "patchlibs": patchlibs,
 "secrets": secrets, "appsrc": appsrc}[cmd](*args)
PYEOF
g() { python3 "$gen" "$@"; }

# Adds uid/gid 1000 "app" to a copy of the rootfs's passwd and group (what
# `useradd` in a Dockerfile leaves in a layer).
app_user() { # app_user LAYERDIR ROOTFSDIR
  mkdir -p "$1/etc" "$1/home/app"
  cp -a "$2/etc/passwd" "$2/etc/group" "$1/etc/"
  echo "app:x:1000:1000::/home/app:/bin/sh" >>"$1/etc/passwd"
  echo "app:x:1000:" >>"$1/etc/group"
  chown 1000:1000 "$1/home/app"
}

# node_modules from Debian's /usr/share/nodejs: real packages, real layout.
node_modules() { # node_modules DEST ROOTFSDIR EVERY_NTH
  mkdir -p "$1"
  local i=0 m
  for m in "$2"/usr/share/nodejs/*; do
    [[ $((i++ % $3)) -eq 0 ]] && cp -a "$m" "$1/"
  done
  return 0
}

mk() { # mk NAME mkimage-args...
  local name=$1; shift
  echo "== $name" >&2
  "$tools/mkimage" -q --epoch "$epoch" --tag "hullscan-bench/$name:1" "$@" \
    --oci-archive "$out/$name.oci.tar" --docker-archive "$out/$name.docker.tar" --force >/dev/null
}

want() { [[ ",$only," == *",$1,"* ]]; }

if want minimal; then
  rootfs "$work/rootfs-min.tar"
  mk debian-minimal --layer "$work/rootfs-min.tar" --history "ADD rootfs.tar /" \
    --cmd '["bash"]' --auto-history
fi

if want node || want large; then
  rootfs "$work/rootfs-node.tar" nodejs,npm,python3
  rm -rf "$work/r" && mkdir -p "$work/r"
  tar -C "$work/r" --numeric-owner -xpf "$work/rootfs-node.tar"
fi
r=$work/r
cfg=(--user 1000 --workdir /app --env NODE_ENV=production --env PORT=8080 --expose 8080
     --cmd '["node","server.js"]' --healthcheck 'CMD ["node","-e","process.exit(0)"]'
     --label org.opencontainers.image.title=orders-api --auto-history)

if want node; then
  L=$work/node-app && rm -rf "$L" && mkdir -p "$L/app"
  app_user "$L" "$r"
  g appsrc "$L/app" 40
  node_modules "$L/app/node_modules" "$r" 25
  chown -R 1000:1000 "$L/app"
  mk debian-node-app --layer "$work/rootfs-node.tar" --history "ADD rootfs.tar /" \
    --layer "$L" --history "COPY . /app # buildkit" "${cfg[@]}"
fi

if want large; then
  B=$work/large && rm -rf "$B" && mkdir -p "$B"
  l() { mkdir -p "$B/$1"; echo "$B/$1"; }
  # 2: npm ci (node_modules: every Debian node package, ~21,000 files)
  node_modules "$(l 02)/app/node_modules" "$r" 1
  # 3: the app, its user
  L=$(l 03); app_user "$L" "$r"; g appsrc "$L/app" 200; chown -R 1000:1000 "$B/02/app" "$L/app"
  # 4: pip install into a venv (Python stdlib and dist-packages as site-packages)
  L=$(l 04)/opt/venv/lib/python3.11/site-packages; mkdir -p "$L"
  cp -a "$r/usr/lib/python3.11/." "$L/"; cp -a "$r/usr/lib/python3/dist-packages/." "$L/"
  # 5, 6: vendored copies of /usr/lib and /usr/share
  L=$(l 05)/opt/vendor; mkdir -p "$L"; cp -a "$r/usr/lib" "$L/usr-lib"
  L=$(l 06)/opt/vendor; mkdir -p "$L"; cp -a "$r/usr/share" "$L/usr-share"
  # 7: a model file, incompressible (192 MiB)
  L=$(l 07)/data/models; mkdir -p "$L"; g prng "$L/model.bin" model-v1 201326592
  printf 'model.bin sha256 v1\n' >"$L/INDEX"
  # 8: binary bundles: machine code, compressible like binaries (10 x 16 MiB)
  g elfmix "$(l 08)/data/assets" "$r/usr/lib/x86_64-linux-gnu" 10 16777216
  # 9: a second front-end node_modules tree
  node_modules "$(l 09)/srv/frontend/node_modules" "$r" 1
  # 10: logs left in the image (96 x 1 MiB of text)
  g logs "$(l 10)/var/log/app" 96 1048576
  # 11: a second Python tree under /usr/local
  L=$(l 11)/usr/local/lib/python3.11/site-packages; mkdir -p "$L"; cp -a "$r/usr/lib/python3.11/." "$L/"
  # 12: security update: overwrites ~40 MiB of base-layer libraries
  L=$(l 12); mkdir -p "$L"; g patchlibs "$L" "$r" 41943040
  # 13: secrets: .env, cloud credentials, registry token, SSH key
  L=$(l 13); mkdir -p "$L"; g secrets "$L"
  chown -R 1000:1000 "$L/app" "$L/home/app"
  # 14: whiteouts: the SSH key planted just below, the old model, a log file,
  # node packages (files and a directory), a doc dir hidden by an opaque marker
  L=$(l 14)
  "$tools/whiteout" "$L" /root/.ssh/id_rsa /data/models/model.bin /var/log/app/app-003.log \
    /app/node_modules/acorn /app/node_modules/ajv /srv/frontend/node_modules/@babel /usr/share/doc/nodejs
  "$tools/whiteout" --opaque "$L" /opt/vendor/usr-share/doc
  echo "cleaned" >"$L/opt/vendor/usr-share/doc/README"
  # 15: the new model (128 MiB, half of it incompressible, half zeros)
  L=$(l 15)/data/models; mkdir -p "$L"; g prng "$L/model-v2.bin" model-v2 67108864
  head -c 67108864 /dev/zero >>"$L/model-v2.bin"
  # 16: release metadata
  L=$(l 16); mkdir -p "$L/app" "$L/etc/orders-api"
  echo "1.4.2" >"$L/app/VERSION"
  printf 'listen: 0.0.0.0:8080\nlog_level: info\n' >"$L/etc/orders-api/config.yaml"
  chown -R 1000:1000 "$L/app"
  mk large --layer "$work/rootfs-node.tar" --history "ADD rootfs.tar /" \
    --layer "$B/02" --history "RUN npm ci --omit=dev # buildkit" \
    --layer "$B/03" --history "COPY . /app # buildkit" \
    --layer "$B/04" --history "RUN python3 -m venv /opt/venv && pip install -r requirements.txt # buildkit" \
    --layer "$B/05" --history "COPY vendor/usr-lib /opt/vendor/usr-lib # buildkit" \
    --layer "$B/06" --history "COPY vendor/usr-share /opt/vendor/usr-share # buildkit" \
    --layer "$B/07" --history "ADD model.bin /data/models/ # buildkit" \
    --layer "$B/08" --history "COPY assets /data/assets # buildkit" \
    --layer "$B/09" --history "RUN cd /srv/frontend && npm ci # buildkit" \
    --layer "$B/10" --history "RUN node scripts/warmup.js # buildkit" \
    --layer "$B/11" --history "RUN pip install --prefix /usr/local -r requirements-tools.txt # buildkit" \
    --layer "$B/12" --history "RUN apt-get update && apt-get upgrade -y # buildkit" \
    --layer "$B/13" --history "COPY deploy/ / # buildkit" \
    --layer "$B/14" --history "RUN rm -rf /root/.ssh/id_rsa /data/models/model.bin /opt/vendor/usr-share/doc/* ... # buildkit" \
    --layer "$B/15" --history "ADD model-v2.bin /data/models/ # buildkit" \
    --layer "$B/16" --history "COPY release/ / # buildkit" \
    "${cfg[@]}"
fi

# Summary: layer count and uncompressed layer bytes from the docker-archive
# (its layers are the uncompressed tars), digests from the OCI index.
python3 - "$out" >"$out/images.tsv" <<'PYEOF'
import json, os, sys, tarfile
out = sys.argv[1]
print("file\tbytes\tlayers\tuncompressed_layer_bytes\tmanifest")
for name in sorted(os.listdir(out)):
    if not name.endswith(".docker.tar"): continue
    base = name[: -len(".docker.tar")]
    with tarfile.open(os.path.join(out, name)) as t:
        sizes = {m.name: m.size for m in t.getmembers()}
        man = json.load(t.extractfile("manifest.json"))[0]
    unc = sum(sizes[l] for l in man["Layers"])
    dig = ""
    oci = os.path.join(out, base + ".oci.tar")
    if os.path.exists(oci):
        with tarfile.open(oci) as t:
            dig = json.load(t.extractfile("index.json"))["manifests"][0]["digest"]
    for f in (name, base + ".oci.tar"):
        if os.path.exists(os.path.join(out, f)):
            print("%s\t%d\t%d\t%d\t%s" % (f, os.path.getsize(os.path.join(out, f)), len(man["Layers"]), unc, dig))
PYEOF
cat "$out/images.tsv"
