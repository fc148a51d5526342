#!/usr/bin/env python3
"""gencorpus.py - a labeled corpus for measuring secret scanners.

    gencorpus.py --seed N --out DIR [--size MB] [--kinds-report] [--no-tools]

Writes DIR as an image-like root file system (usr/, etc/, app/, srv/, home/,
root/ ...) of about MB megabytes (10^6 bytes; default 300) and DIR/labels.json.
Python 3 standard library only; openssl, ssh-keygen and gpg are used when
installed (real private keys), else (or with --no-tools) a realistic PEM of
the right shape with a random body.  Same seed, same machine, same tools:
same corpus, except the bytes of tool-made private keys (fresh each run).

Most bytes are filler: real text and ELF files copied from this machine
(/usr/lib/python3*, /usr/share/perl, /usr/share/go*, /usr/include,
/usr/lib/node_modules, /usr/share/doc, /usr/lib/x86_64-linux-gnu), each
pre-screened (filler_clean) and left out when it holds anything that looks
like a credential (test keys in Go and CPython test data, URLs with
passwords, password assignments), plus generated logs, JSON, CSV, minified
JS and random blobs.  Planted secrets go into source files of several
languages (a real file with lines inserted, or a generated one), config
files (YAML, JSON, INI, .properties, XML, .env, Dockerfile, Terraform,
TOML), Markdown, logs, credential files recognised by path (.docker/
config.json, .npmrc, .pypirc, .netrc, .git-credentials, .aws/credentials,
kubeconfig, htpasswd, .bash_history), under the paths Trivy skips
(usr/lib/python3*/site-packages/, usr/local/lib/python3*/, test/, example/,
vendor/, *.md), inside binaries (ELF, .pyc, SQLite), base64 (Kubernetes
Secret data, docker auth, kubeconfig client-key-data, a base64 .env),
UTF-16LE/BE text, gzip files, zip/jar/whl, tar.gz and a zip in a tar.gz.

labels.json: {"meta": {...}, "labels": [...]}, one label per planted secret
    {"kind", "file" (relative to DIR), "inner" (member path in an archive,
     nested members joined with "!/"; null), "encoding" (null, "base64",
     "gzip", "utf-16le", "utf-16be", "binary", "zip", "tar.gz",
     "tar.gz+zip"), "line" (1-based, in the decoded text: the member's, the
     gunzipped or transcoded text; for base64 the line of the encoded value in
     its file; null in binaries), "end_line" (last line of a multi-line
     value), "value" (the exact secret: for URLs and connection strings the
     password/key part, for private keys the PEM block from -----BEGIN to
     -----END ...----- without a final newline), "alt" (other forms that are
     the same secret: the whole URL, the escaped JSON form, the base64 form)}
one per decoy, which a scanner must NOT report
    {"decoy": true, "why", "file", "inner", "encoding", "line", "value"}
and one per neutral value, which scoring ignores either way
    {"neutral": true, "why", "file", "line", "value", ...}.

Choices:
 - Low-entropy literal passwords.  Where the format says the value IS a
   password (the userinfo of a URL, .netrc, .pypirc, .git-credentials, docker
   auth, htpasswd, `mysql -p...` in a shell history) it is planted whatever
   its entropy (about a third are human-made like "Summer2024!") and a scanner
   must find it.  A generic `password = "..."` assignment in code or config
   is planted only with a high-entropy value (the issue's generic rule);
   low-entropy literals there ("password123", "hunter2") are labelled
   neutral: a leak in real life, but a generic rule cannot tell them from
   test data without many false positives, so they count neither way.
 - Placeholders (changeme, your-api-key-here, ${X}, <TOKEN>, xxxx, ****),
   variable references (os.environ, getenv, process.env, {{ .Values.x }}),
   documented example values (AWS's AKIAIOSFODNN7EXAMPLE, jwt.io's token,
   Stripe's sk_test_4eC39...), public keys and certificates, checksums,
   digests, UUIDs outside a Heroku key, Stripe publishable keys (public by
   design) and GitHub-shaped tokens with a wrong CRC32 are decoys.
 - GitHub classic tokens (ghp_, gho_, ghu_, ghs_; npm_ too): 30 random base62
   characters then 6 characters of checksum: zlib.crc32 of the 30 characters
   written in base62 over the alphabet 0-9A-Za-z, left-padded with '0'.
 - Heroku API keys are UUIDs: planted only after a HEROKU_API_KEY-like name.
 - Secrets whose format needs its name (Twilio auth token, Datadog keys,
   Alibaba secret, AWS secret key, generic-*) always come with the name
   beside them, also in a Kubernetes Secret (the data key) and in a base64
   .env (decoded text keeps NAME=value).
 - No two planted values share a line (Trivy findings are matched by line).
"""
import argparse
import base64
import gzip
import importlib.util
import io
import json
import marshal
import os
import random
import re
import shutil
import sqlite3
import string
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
import zipfile
import zlib

VERSION = 1
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64 = string.ascii_letters + string.digits + "+/"
B64URL = string.ascii_letters + string.digits + "-_"
UPPER_B32 = string.ascii_uppercase + "234567"

# ---------------------------------------------------------------- randomness


class R:
    """Seeded helpers; every choice of the generator goes through one R."""

    def __init__(self, seed):
        self.r = random.Random(seed)

    def s(self, alphabet, n):
        return "".join(self.r.choice(alphabet) for _ in range(n))

    def hex(self, n):
        return self.s(HEX, n)

    def choice(self, seq):
        return self.r.choice(seq)

    def randint(self, a, b):
        return self.r.randint(a, b)

    def random(self):
        return self.r.random()

    def bytes(self, n):
        return self.r.randbytes(n)

    def shuffle(self, seq):
        self.r.shuffle(seq)

    def sample(self, seq, k):
        return self.r.sample(seq, k)

    def uuid(self):
        return str(uuid.UUID(bytes=self.bytes(16), version=4))

    def b64(self, nbytes, url=False):
        raw = self.bytes(nbytes)
        return (base64.urlsafe_b64encode(raw) if url else base64.b64encode(raw)).decode()

    def password(self, strong=True):
        """A realistic password: random (strong) or human-made."""
        if strong:
            alphabet = ALNUM + "!#%*+-._~"
            while True:
                p = self.s(alphabet, self.randint(16, 28))
                if any(c.isdigit() for c in p) and any(c.isupper() for c in p):
                    return p
        words = ["Summer", "Winter", "Dragon", "Monkey", "Sunshine", "Falcon", "Harbor",
                 "Maple", "Orion", "Tiger", "Velvet", "Copper", "Meadow", "Rocket"]
        return self.choice(words) + self.choice(words).lower() + str(self.randint(10, 2025)) + \
            self.choice("!@#$%&*?") + self.choice(["", "x", "Q", "7"])


def b62_encode(n, width):
    out = ""
    while n:
        n, d = divmod(n, 62)
        out = B62[d] + out
    return out.rjust(width, "0")


def github_classic(rng, prefix, valid=True):
    body = rng.s(ALNUM, 30)
    crc = zlib.crc32(body.encode()) & 0xFFFFFFFF
    if not valid:
        crc = (crc + rng.randint(1, 1 << 20)) & 0xFFFFFFFF
    return prefix + body + b62_encode(crc, 6)


def github_checksum_ok(tok):
    body, chk = tok[4:34], tok[34:]
    return b62_encode(zlib.crc32(body.encode()) & 0xFFFFFFFF, 6) == chk


# ---------------------------------------------------------------- private keys


class KeyMaker:
    """Real private keys from openssl / ssh-keygen / gpg when installed."""

    def __init__(self, rng, use_tools):
        self.rng = rng
        self.tmp = tempfile.mkdtemp(prefix="gencorpus-keys-")
        self.use = use_tools
        self.have = {t: use_tools and shutil.which(t) is not None
                     for t in ("openssl", "ssh-keygen", "gpg")}
        self.gnupg = None

    def close(self):
        if self.gnupg and shutil.which("gpgconf"):
            subprocess.run(["gpgconf", "--homedir", self.gnupg, "--kill", "all"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _run(self, argv, **kw):
        return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              check=True, timeout=120, **kw).stdout

    def _synthetic(self, label, nbytes, prefix=b""):
        """A PEM block whose body is DER-shaped: prefix (the real structure's
        first bytes) then random bytes, nbytes in all."""
        raw = prefix + self.rng.bytes(max(0, nbytes - len(prefix)))
        body = base64.b64encode(raw).decode()
        lines = [body[i:i + 64] for i in range(0, len(body), 64)]
        return "-----BEGIN %s-----\n%s\n-----END %s-----" % (label, "\n".join(lines), label)

    def pem(self, kind):
        try:
            if kind == "rsa" and self.have["openssl"]:
                bits = self.rng.choice(["2048", "2048", "3072"])
                out = self._run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                                 "rsa_keygen_bits:" + bits, "-outform", "PEM"])
                out = self._run(["openssl", "pkey", "-traditional"], input=out) \
                    if b"BEGIN PRIVATE KEY" in out else out
                return out.decode().strip()
            if kind == "ec" and self.have["openssl"]:
                curve = self.rng.choice(["prime256v1", "secp384r1"])
                out = self._run(["openssl", "ecparam", "-name", curve, "-genkey", "-noout"])
                return out.decode().strip()
            if kind == "dsa" and self.have["openssl"]:
                out = self._run(["openssl", "dsaparam", "-noout", "-genkey", "1024"])
                out = self._run(["openssl", "pkey", "-traditional"], input=out)
                return out.decode().strip()
            if kind == "pkcs8" and self.have["openssl"]:
                alg = self.rng.choice(["RSA", "EC", "ED25519"])
                argv = ["openssl", "genpkey", "-algorithm", alg]
                if alg == "EC":
                    argv += ["-pkeyopt", "ec_paramgen_curve:P-256"]
                return self._run(argv).decode().strip()
            if kind == "pkcs8-encrypted" and self.have["openssl"]:
                pw = "pass:" + self.rng.password()
                return self._run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                                  "rsa_keygen_bits:2048", "-aes-256-cbc", "-pass", pw]
                                 ).decode().strip()
            if kind == "openssh" and self.have["ssh-keygen"]:
                path = os.path.join(self.tmp, "id_%d" % self.rng.randint(0, 1 << 30))
                t = self.rng.choice(["ed25519", "ed25519", "rsa", "ecdsa"])
                self._run(["ssh-keygen", "-q", "-t", t, "-N", "", "-C", "deploy@build",
                           "-f", path] + (["-b", "2048"] if t == "rsa" else []))
                with open(path) as f:
                    key = f.read().strip()
                os.unlink(path)
                os.unlink(path + ".pub")
                return key
            if kind == "pgp" and self.have["gpg"]:
                if not self.gnupg:
                    self.gnupg = os.path.join(self.tmp, "gnupg")
                    os.mkdir(self.gnupg, 0o700)
                uid = "Release Bot %d <release%d@example.org>" % ((self.rng.randint(0, 9999),) * 2)
                base = ["gpg", "--homedir", self.gnupg, "--batch", "--pinentry-mode", "loopback",
                        "--passphrase", ""]
                self._run(base + ["--quick-gen-key", uid, "ed25519", "default", "never"])
                return self._run(base + ["--armor", "--export-secret-keys", uid]).decode().strip()
        except (subprocess.SubprocessError, OSError):
            self.have[{"openssh": "ssh-keygen", "pgp": "gpg"}.get(kind, "openssl")] = False
        return self.synthetic(kind)

    def synthetic(self, kind):
        r = self.rng
        h = bytes.fromhex
        if kind == "rsa":  # PKCS#1 RSAPrivateKey, 2048 bits
            return self._synthetic("RSA PRIVATE KEY", 1191, h("308204a30201000282010100"))
        if kind == "ec":  # SEC1 ECPrivateKey on P-256
            return self._synthetic("EC PRIVATE KEY", 121, h("307702010104") + b"\x20" +
                                   r.bytes(32) + h("a00a06082a8648ce3d030107a14403420004"))
        if kind == "dsa":
            return self._synthetic("DSA PRIVATE KEY", 447, h("308201bb02010002818100"))
        if kind == "pkcs8":
            if r.random() < 0.5:  # Ed25519
                return self._synthetic("PRIVATE KEY", 48, h("302e020100300506032b657004220420"))
            return self._synthetic("PRIVATE KEY", 1218, h(
                "308204be020100300d06092a864886f70d0101010500048204a8308204a40201000282010100"))
        if kind == "pkcs8-encrypted":
            return self._synthetic("ENCRYPTED PRIVATE KEY", 1329, h(
                "3082052d305706092a864886f70d01050d304a302906092a864886f70d01050c"))
        if kind == "openssh":
            raw = b"openssh-key-v1\0\0\0\0\x04none\0\0\0\x04none\0\0\0\0\0\0\0\x01\0\0\0\x33" \
                b"\0\0\0\x0bssh-ed25519\0\0\0 " + r.bytes(32) + r.bytes(r.choice([250, 1700]))
            body = base64.b64encode(raw).decode()
            lines = [body[i:i + 70] for i in range(0, len(body), 70)]
            return "-----BEGIN OPENSSH PRIVATE KEY-----\n%s\n-----END OPENSSH PRIVATE KEY-----" \
                % "\n".join(lines)
        if kind == "pgp":
            body = base64.b64encode(b"\x95\x01\xd8" + r.bytes(600)).decode()
            lines = [body[i:i + 64] for i in range(0, len(body), 64)]
            crc = base64.b64encode(r.bytes(3)).decode()
            return ("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n%s\n=%s\n"
                    "-----END PGP PRIVATE KEY BLOCK-----") % ("\n".join(lines), crc)
        raise ValueError(kind)

    def public_cert(self):
        """A self-signed certificate and a public key (decoys)."""
        if self.have["openssl"]:
            try:
                key = os.path.join(self.tmp, "c.key")
                crt = os.path.join(self.tmp, "c.crt")
                cn = "svc%d.internal.example.com" % self.rng.randint(0, 99999)
                self._run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                           "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", crt,
                           "-days", "365", "-subj", "/CN=" + cn])
                pub = self._run(["openssl", "pkey", "-in", key, "-pubout"]).decode().strip()
                with open(crt) as f:
                    return f.read().strip(), pub
            except (subprocess.SubprocessError, OSError):
                pass
        return (self._synthetic("CERTIFICATE", 480), self._synthetic("PUBLIC KEY", 91))

    def ssh_public(self):
        body = base64.b64encode(b"\0\0\0\x0bssh-ed25519\0\0\0 " + self.rng.bytes(32)).decode()
        return "ssh-ed25519 " + body + " ops@bastion"

    def ssh_rsa_public(self):
        body = base64.b64encode(b"\0\0\0\x07ssh-rsa\0\0\0\x03\x01\0\x01\0\0\x01\x01\0"
                                + self.rng.bytes(256)).decode()
        return "ssh-rsa " + body + " ci@runner"


# ---------------------------------------------------------------- secret kinds


class S:
    """One planted secret: value is the label; text is what the file shows
    (the whole URL for a URL's password); name is the variable it sits in."""

    def __init__(self, kind, value, name, text=None, alt=None, multiline=False):
        self.kind, self.value, self.name = kind, value, name
        self.text = value if text is None else text
        self.alt = list(alt or [])
        if self.text != self.value and self.text not in self.alt:
            self.alt.append(self.text)
        self.multiline = multiline


def jwt(rng, claims, alg="HS256"):
    def enc(obj):
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()) \
            .decode().rstrip("=")
    sig = base64.urlsafe_b64encode(rng.bytes(256 if alg == "RS256" else 32)).decode().rstrip("=")
    return enc({"alg": alg, "typ": "JWT"}) + "." + enc(claims) + "." + sig


HOSTS = ["db.internal", "10.0.12.7", "pg-primary.prod.svc.cluster.local", "mysql.acme.io",
         "cache-01.eu-west-1.compute.internal", "rabbit.prod.acme.net", "files.acme-corp.com"]


def host(rng):
    return rng.choice(HOSTS)


def user(rng):
    return rng.choice(["app", "svc_billing", "deploy", "admin", "etl", "reporting", "api",
                       "jenkins", "backup", "ops"])


def url_secret(rng, kind, scheme):
    pw = rng.password(strong=rng.random() < 0.7)
    u, h = user(rng), host(rng)
    from urllib.parse import quote
    qpw = quote(pw, safe="!*+-._~")
    if scheme == "postgres":
        url = "%s://%s:%s@%s:5432/%s" % (rng.choice(["postgres", "postgresql"]), u, qpw, h,
                                         rng.choice(["app", "billing", "analytics"]))
        name = "DATABASE_URL"
    elif scheme == "mysql":
        url = "mysql://%s:%s@%s:3306/%s" % (u, qpw, h, rng.choice(["shop", "crm", "wordpress"]))
        name = "MYSQL_URL"
    elif scheme == "mongodb":
        url = "mongodb+srv://%s:%s@cluster0.%s.mongodb.net/%s?retryWrites=true&w=majority" % (
            u, qpw, rng.s(string.ascii_lowercase + string.digits, 5), rng.choice(["prod", "events"]))
        name = "MONGODB_URI"
    elif scheme == "redis":
        url = rng.choice(["redis://:%s@%s:6379/0", "rediss://default:%s@%s:6380"]) % (qpw, h)
        name = "REDIS_URL"
    elif scheme == "amqp":
        url = "amqp%s://%s:%s@%s:%d/%s" % (rng.choice(["", "s"]), u, qpw, h,
                                           rng.choice([5672, 5671]), rng.choice(["", "vhost"]))
        name = "CELERY_BROKER_URL"
    elif scheme == "ftp":
        url = "ftp://%s:%s@%s/incoming/" % (u, qpw, h)
        name = "FTP_URL"
    else:
        url = "https://%s:%s@%s/%s" % (u, qpw, rng.choice(["nexus.acme.io", "artifactory.acme.net",
                                                         "git.acme-corp.com"]),
                                       rng.choice(["repository/pypi/simple", "api/v2", ""]))
        name = "REPO_URL"
    return [S(kind, qpw, name, text=url, alt=[pw] if pw != qpw else [])]


def gen_aws(rng):
    kid = rng.choice(["AKIA", "AKIA", "AKIA", "ASIA"]) + rng.s(UPPER_B32, 16)
    sec = rng.s(B64, 40)
    return [S("aws-access-key-id", kid, "AWS_ACCESS_KEY_ID"),
            S("aws-secret-access-key", sec, rng.choice(["AWS_SECRET_ACCESS_KEY",
                                                        "aws_secret_access_key",
                                                        "AWS_SECRET_KEY"]))]


def gen_azure_storage(rng):
    acct = "st" + rng.s(string.ascii_lowercase + string.digits, 12)
    key = rng.b64(64)
    cs = "DefaultEndpointsProtocol=https;AccountName=%s;AccountKey=%s;EndpointSuffix=core.windows.net" \
        % (acct, key)
    return [S("azure-storage-connection-string", key, "AZURE_STORAGE_CONNECTION_STRING", text=cs)]


def gen_azure_sb(rng):
    ns = "sb-" + rng.s(string.ascii_lowercase, 8)
    key = rng.b64(32)
    cs = "Endpoint=sb://%s.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;" \
         "SharedAccessKey=%s" % (ns, key)
    return [S("azure-servicebus-connection-string", key, "SERVICEBUS_CONNECTION_STRING", text=cs)]


def gen_pem(kind, sub):
    def g(rng, keys):
        return [S(kind, keys.pem(sub), "PRIVATE_KEY", multiline=True)]
    return g


def gen_gcp(rng, keys):
    pem = keys.pem("pkcs8") if keys.have["openssl"] else keys.synthetic("pkcs8")
    if "BEGIN PRIVATE KEY" not in pem:
        pem = keys.synthetic("pkcs8")
    return [S("gcp-service-account", pem, "private_key", multiline=True)]


def simple(kind, name, maker):
    def g(rng):
        v = maker(rng)
        return [S(kind, v, rng.choice(name) if isinstance(name, list) else name)]
    return g


def tg_token(rng):
    return "%d:AA%s" % (rng.randint(10 ** 8, 7 * 10 ** 9), rng.s(B64URL, 33))


def slack_user(rng):
    return "xoxp-%d-%d-%d-%s" % (rng.randint(10 ** 10, 10 ** 12), rng.randint(10 ** 10, 10 ** 12),
                                 rng.randint(10 ** 11, 10 ** 13), rng.hex(32))


def pypi_token(rng):
    macaroon = b"\x02\x01\x08pypi.org\x02\x25\x00\x02\x01" + rng.bytes(rng.randint(90, 140))
    body = base64.urlsafe_b64encode(macaroon).decode().rstrip("=")
    return "pypi-AgEIcHlwaS5vcmc" + body[len("AgEIcHlwaS5vcmc"):]


def jwt_cred(rng):
    now = 1700000000 + rng.randint(0, 5 * 10 ** 7)
    claims = rng.choice([
        {"iss": "supabase", "ref": rng.s(string.ascii_lowercase, 20), "role": "service_role",
         "iat": now, "exp": now + 10 ** 8},
        {"sub": "svc-" + rng.s(string.ascii_lowercase, 6), "scope": "admin write:all",
         "iat": now, "exp": now + 31536000, "aud": "https://api.acme.io"},
        {"iss": "https://auth.acme.io/", "sub": str(rng.randint(10 ** 6, 10 ** 9)),
         "email": "ops@acme.io", "roles": ["admin"], "iat": now, "exp": now + 86400 * 365},
    ])
    return jwt(rng, claims, rng.choice(["HS256", "RS256"]))


def gen_slack_webhook(rng):
    tok = rng.s(ALNUM, 24)
    url = "https://hooks.slack.com/services/T%s/B%s/%s" % (
        rng.s(string.ascii_uppercase + string.digits, 8),
        rng.s(string.ascii_uppercase + string.digits, 10), tok)
    # the URL is the secret; its last segment alone identifies it too
    return [S("slack-webhook", url, rng.choice(["SLACK_WEBHOOK_URL", "webhook_url"]), alt=[tok])]


def gen_kube_token(rng):
    v = rng.choice([rng.s(string.ascii_lowercase + string.digits, 6) + "." +
                    rng.s(string.ascii_lowercase + string.digits, 16),
                    rng.s(ALNUM, 48), "k8s-aws-v1." + rng.b64(180, url=True).rstrip("=")])
    return [S("kubeconfig-token", v, "token")]


# kind -> (weight, generator, hosts); generators take (rng) or (rng, keys)
ANY = ["py", "js", "go", "java", "rb", "php", "sh", "c", "pl", "yaml", "json", "ini",
       "properties", "xml", "env", "dockerfile", "tf", "toml", "md", "log"]
CODE = ["py", "js", "go", "java", "rb", "php", "sh", "pl", "c"]
CONF = ["yaml", "json", "ini", "properties", "xml", "env", "tf", "toml", "dockerfile"]
PEMHOSTS = ["keyfile", "keyfile", "keyfile", "yaml", "json", "py", "go", "env", "md", "tf", "sh"]

KINDS = {
    # kind: (weight, generator, hosts)
    "aws-access-key-id": (22, gen_aws, ANY),   # emits the secret key as well
    "github-pat": (16, simple("github-pat", ["GITHUB_TOKEN", "GH_TOKEN", "github_token"],
                              lambda r: github_classic(r, "ghp_")), ANY),
    "github-oauth": (5, simple("github-oauth", ["GITHUB_OAUTH_TOKEN", "oauth_token"],
                               lambda r: github_classic(r, "gho_")), ANY),
    "github-app-token": (5, simple("github-app-token", ["GITHUB_APP_TOKEN", "installation_token"],
                                   lambda r: github_classic(r, r.choice(["ghs_", "ghu_"]))), ANY),
    # refresh tokens are ghr_ + 76 (GitHub's example); no documented checksum
    "github-refresh-token": (4, simple("github-refresh-token", "GITHUB_REFRESH_TOKEN",
                                       lambda r: "ghr_" + r.s(ALNUM, 76)), ANY),
    "github-fine-grained-pat": (10, simple("github-fine-grained-pat", ["GITHUB_TOKEN", "GH_PAT"],
                                          lambda r: "github_pat_" + r.s(ALNUM, 22) + "_" +
                                          r.s(ALNUM, 59)), ANY),
    "gitlab-pat": (10, simple("gitlab-pat", ["GITLAB_TOKEN", "CI_JOB_TOKEN_OVERRIDE",
                                             "private_token"],
                             lambda r: "glpat-" + r.s(ALNUM + "-_", 20)), ANY),
    "gitlab-runner-token": (6, simple("gitlab-runner-token", ["token", "RUNNER_TOKEN"],
                                      lambda r: "glrt-" + r.s(ALNUM + "-_", 20)),
                            ["toml", "toml", "yaml", "env", "sh", "md", "log"]),
    "bitbucket-app-password": (5, simple("bitbucket-app-password",
                                         ["BITBUCKET_APP_PASSWORD", "bitbucket_password"],
                                         lambda r: "ATBB" + r.s(ALNUM, 24) + r.hex(8).upper()),
                               ANY),
    "atlassian-api-token": (5, simple("atlassian-api-token", ["JIRA_API_TOKEN",
                                                              "CONFLUENCE_API_TOKEN"],
                                      lambda r: "ATATT3xFfGF0" + r.s(B64URL, 170) + "=" +
                                      r.hex(8).upper()), ANY),
    "slack-bot-token": (12, simple("slack-bot-token", ["SLACK_BOT_TOKEN", "slack_token"],
                                  lambda r: "xoxb-%d-%d-%s" % (
                                      r.randint(10 ** 10, 10 ** 12), r.randint(10 ** 11, 10 ** 13),
                                      r.s(ALNUM, 24))), ANY),
    "slack-user-token": (5, simple("slack-user-token", "SLACK_USER_TOKEN", slack_user), ANY),
    "slack-app-token": (5, simple("slack-app-token", "SLACK_APP_TOKEN",
                                  lambda r: "xapp-1-A%s-%d-%s" % (
                                      r.s(string.ascii_uppercase + string.digits, 10),
                                      r.randint(10 ** 12, 10 ** 13), r.hex(64))), ANY),
    "slack-webhook": (9, gen_slack_webhook, ANY),
    "stripe-secret-key": (11, simple("stripe-secret-key", ["STRIPE_SECRET_KEY", "stripe_api_key"],
                                    lambda r: "sk_live_" + r.s(ALNUM, r.choice([24, 99]))), ANY),
    "stripe-restricted-key": (6, simple("stripe-restricted-key", ["STRIPE_RESTRICTED_KEY",
                                                                  "stripe_key"],
                                        lambda r: "rk_live_" + r.s(ALNUM, r.choice([24, 99]))),
                              ANY),
    "stripe-webhook-secret": (4, simple("stripe-webhook-secret", "STRIPE_WEBHOOK_SECRET",
                                        lambda r: "whsec_" + r.s(ALNUM, 32)), ANY),
    "google-api-key": (8, simple("google-api-key", ["GOOGLE_API_KEY", "MAPS_API_KEY",
                                                    "firebaseApiKey"],
                                 lambda r: "AIza" + r.s(ALNUM + "-_", 35)), ANY),
    "gcp-oauth-client-secret": (4, simple("gcp-oauth-client-secret", "GOOGLE_CLIENT_SECRET",
                                          lambda r: "GOCSPX-" + r.s(ALNUM + "-_", 28)), ANY),
    "gcp-service-account": (8, gen_gcp, ["sa-json"]),
    "azure-storage-connection-string": (7, gen_azure_storage, ANY),
    "azure-servicebus-connection-string": (5, gen_azure_sb, ANY),
    "azure-ad-client-secret": (5, simple("azure-ad-client-secret", ["AZURE_CLIENT_SECRET",
                                                                    "ClientSecret"],
                                         lambda r: r.s(ALNUM, 3) + r.choice("5678") + "Q~" +
                                         r.s(ALNUM + "_~.-", 34)), ANY),
    "twilio-api-key": (6, simple("twilio-api-key", "TWILIO_API_KEY", lambda r: "SK" + r.hex(32)),
                       ANY),
    "twilio-auth-token": (5, simple("twilio-auth-token", ["TWILIO_AUTH_TOKEN", "twilio_auth_token"],
                                    lambda r: r.hex(32)), ANY),
    "sendgrid-api-key": (8, simple("sendgrid-api-key", ["SENDGRID_API_KEY", "EMAIL_HOST_PASSWORD"],
                                   lambda r: "SG." + r.s(B64URL, 22) + "." + r.s(B64URL, 43)), ANY),
    "mailgun-api-key": (5, simple("mailgun-api-key", ["MAILGUN_API_KEY", "mailgun_key"],
                                  lambda r: "key-" + r.hex(32)), ANY),
    "mailchimp-api-key": (5, simple("mailchimp-api-key", "MAILCHIMP_API_KEY",
                                    lambda r: r.hex(32) + "-us" + str(r.randint(1, 21))), ANY),
    "npm-token": (9, simple("npm-token", ["NPM_TOKEN", "NODE_AUTH_TOKEN"],
                            lambda r: github_classic(r, "npm_")), ANY),
    "pypi-token": (7, simple("pypi-token", ["PYPI_TOKEN", "TWINE_PASSWORD"], pypi_token), ANY),
    "dockerhub-pat": (6, simple("dockerhub-pat", ["DOCKERHUB_TOKEN", "DOCKER_PASSWORD"],
                                lambda r: "dckr_pat_" + r.s(ALNUM + "-_", 27)), ANY),
    "heroku-api-key": (5, simple("heroku-api-key", ["HEROKU_API_KEY", "heroku_api_key"],
                                 lambda r: r.uuid()), ANY),
    "digitalocean-token": (6, simple("digitalocean-token", ["DIGITALOCEAN_TOKEN", "DO_API_TOKEN"],
                                     lambda r: r.choice(["dop_v1_", "doo_v1_"]) + r.hex(64)), ANY),
    "shopify-access-token": (5, simple("shopify-access-token", "SHOPIFY_ACCESS_TOKEN",
                                       lambda r: r.choice(["shpat_", "shpca_", "shppa_"]) +
                                       r.hex(32)), ANY),
    "shopify-shared-secret": (3, simple("shopify-shared-secret", "SHOPIFY_API_SECRET",
                                        lambda r: "shpss_" + r.hex(32)), ANY),
    "datadog-api-key": (5, simple("datadog-api-key", ["DD_API_KEY", "datadog_api_key"],
                                  lambda r: r.hex(32)), ANY),
    "datadog-app-key": (3, simple("datadog-app-key", ["DD_APP_KEY", "DATADOG_APPLICATION_KEY"],
                                  lambda r: r.hex(40)), ANY),
    "newrelic-user-key": (5, simple("newrelic-user-key", "NEW_RELIC_API_KEY",
                                    lambda r: "NRAK-" + r.s(string.ascii_uppercase +
                                                            string.digits, 27)), ANY),
    "newrelic-license-key": (3, simple("newrelic-license-key", ["NEW_RELIC_LICENSE_KEY",
                                                                "license_key"],
                                       lambda r: r.hex(36) + "NRAL"), ANY),
    "sentry-auth-token": (4, simple("sentry-auth-token", "SENTRY_AUTH_TOKEN",
                                    lambda r: "sntryu_" + r.hex(64)), ANY),
    "alibaba-access-key-id": (4, simple("alibaba-access-key-id", "ALIBABA_CLOUD_ACCESS_KEY_ID",
                                        lambda r: "LTAI" + r.s(ALNUM, r.choice([12, 20]))), ANY),
    "alibaba-secret-key": (3, simple("alibaba-secret-key", "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                                     lambda r: r.s(ALNUM, 30)), ANY),
    "databricks-token": (5, simple("databricks-token", ["DATABRICKS_TOKEN", "databricks_token"],
                                   lambda r: "dapi" + r.hex(32) + r.choice(["", "-2", "-3"])), ANY),
    "telegram-bot-token": (5, simple("telegram-bot-token", ["TELEGRAM_BOT_TOKEN", "bot_token"],
                                     tg_token), ANY),
    "openai-api-key": (7, simple("openai-api-key", ["OPENAI_API_KEY", "openai.api_key"],
                                 lambda r: r.choice([
                                     "sk-proj-" + r.s(B64URL, 74) + "T3BlbkFJ" + r.s(B64URL, 74),
                                     "sk-" + r.s(ALNUM, 20) + "T3BlbkFJ" + r.s(ALNUM, 20)])), ANY),
    "anthropic-api-key": (6, simple("anthropic-api-key", ["ANTHROPIC_API_KEY", "anthropic_key"],
                                    lambda r: "sk-ant-api03-" + r.s(B64URL, 93) + "AA"), ANY),
    "huggingface-token": (6, simple("huggingface-token", ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"],
                                    lambda r: "hf_" + r.s(string.ascii_letters, 34)), ANY),
    "vault-token": (5, simple("vault-token", ["VAULT_TOKEN", "vault_token"],
                              lambda r: r.choice(["hvs.CAESI" + r.s(B64URL, r.randint(86, 100)),
                                                  "hvb.AAAAAQ" + r.s(B64URL, r.randint(128, 160))])),
                    ANY),
    "terraform-cloud-token": (5, simple("terraform-cloud-token", ["TFE_TOKEN", "token"],
                                        lambda r: r.s(ALNUM, 14) + ".atlasv1." + r.s(ALNUM, 67)),
                              ANY + ["terraformrc"]),
    "age-secret-key": (3, simple("age-secret-key", "SOPS_AGE_KEY",
                                 lambda r: "AGE-SECRET-KEY-1" + r.s("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L",
                                                                    58)), ANY),
    "jwt": (11, simple("jwt", ["SUPABASE_SERVICE_ROLE_KEY", "API_JWT", "auth_token",
                              "Authorization"], jwt_cred), ANY),
    "private-key-rsa": (16, gen_pem("private-key-rsa", "rsa"), PEMHOSTS),
    "private-key-ec": (6, gen_pem("private-key-ec", "ec"), PEMHOSTS),
    "private-key-dsa": (3, gen_pem("private-key-dsa", "dsa"), PEMHOSTS),
    "private-key-openssh": (12, gen_pem("private-key-openssh", "openssh"), PEMHOSTS),
    "private-key-pkcs8": (11, gen_pem("private-key-pkcs8", "pkcs8"), PEMHOSTS),
    "private-key-pkcs8-encrypted": (4, gen_pem("private-key-pkcs8-encrypted", "pkcs8-encrypted"),
                                    PEMHOSTS),
    "private-key-pgp": (4, gen_pem("private-key-pgp", "pgp"), PEMHOSTS),
    "url-postgres": (8, lambda r: url_secret(r, "url-postgres", "postgres"), ANY),
    "url-mysql": (6, lambda r: url_secret(r, "url-mysql", "mysql"), ANY),
    "url-mongodb": (6, lambda r: url_secret(r, "url-mongodb", "mongodb"), ANY),
    "url-redis": (6, lambda r: url_secret(r, "url-redis", "redis"), ANY),
    "url-amqp": (5, lambda r: url_secret(r, "url-amqp", "amqp"), ANY),
    "url-ftp": (4, lambda r: url_secret(r, "url-ftp", "ftp"), ANY),
    "url-https-basic": (5, lambda r: url_secret(r, "url-https-basic", "https"), ANY),
    "generic-password": (12, simple("generic-password", ["DB_PASSWORD", "password", "db_pass",
                                                         "ADMIN_PASSWORD", "smtp_password",
                                                         "keystore.password"],
                                    lambda r: r.password(strong=True)), ANY),
    "generic-secret": (10, simple("generic-secret", ["SECRET_KEY", "client_secret", "JWT_SECRET",
                                                     "SESSION_SECRET", "app_secret"],
                                  lambda r: r.s(ALNUM + "-_", r.randint(32, 50))), ANY),
    "generic-token": (8, simple("generic-token", ["API_TOKEN", "auth_token", "ACCESS_TOKEN",
                                                  "service_token"],
                                lambda r: r.s(ALNUM, r.randint(32, 48))), ANY),
    "generic-api-key": (8, simple("generic-api-key", ["API_KEY", "apiKey", "x-api-key",
                                                      "PAYMENT_API_KEY"],
                                  lambda r: r.s(ALNUM, r.randint(32, 40))), ANY),
    "http-basic-auth-header": (4, None, ["log", "sh", "md", "py"]),
    "docker-config-auth": (6, None, ["docker-config"]),
    "npmrc-auth-token": (5, None, ["npmrc"]),
    "pypirc-password": (4, None, ["pypirc"]),
    "netrc-password": (5, None, ["netrc"]),
    "git-credentials": (5, None, ["git-credentials"]),
    "kubeconfig-token": (5, gen_kube_token, ["kubeconfig"]),
    "kubeconfig-client-key": (5, None, ["kubeconfig"]),
    "htpasswd": (6, None, ["htpasswd"]),
    "dotenv-secret": (8, simple("dotenv-secret", ["SESSION_SECRET", "ENCRYPTION_KEY", "APP_KEY",
                                                  "NEXTAUTH_SECRET", "COOKIE_SECRET"],
                                lambda r: r.choice([r.s(ALNUM, 32), "base64:" + r.b64(32),
                                                    r.hex(64)])), ["dotenv"]),
    "shell-history-password": (5, None, ["bash-history"]),
}
# kinds recognisable only with the name they are assigned to
CONTEXTUAL = {"aws-secret-access-key", "twilio-auth-token", "datadog-api-key", "datadog-app-key",
              "heroku-api-key", "alibaba-secret-key", "generic-password", "generic-secret",
              "generic-token", "generic-api-key", "dotenv-secret", "newrelic-license-key",
              "mailchimp-api-key", "azure-ad-client-secret", "kubeconfig-token"}
# the AWS generator emits both halves
KIND_NAMES = sorted(set(KINDS) | {"aws-secret-access-key"})


# ---------------------------------------------------------------- decoys

AWS_EXAMPLES = [("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                ("AKIAI44QH8DHBEXAMPLE", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"),
                ("ASIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
JWT_IO = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwi"
          "aWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")


class Neutral:
    def __init__(self, value):
        self.value = self.text = value
        self.name = "password"
        self.why = "low-entropy literal password in code (see the header)"


class D:
    def __init__(self, value, name, why, text=None, line_text=None):
        self.value, self.name, self.why = value, name, why
        self.text = value if text is None else text
        self.line_text = line_text  # a whole line instead of an assignment


def decoy_makers():
    """(weight, fn(rng, keys) -> D or list of D, hosts)"""
    M = []

    def add(w, hosts, fn):
        M.append((w, fn, hosts))
    add(6, ANY, lambda r, k: (lambda p: [D(p[0], "AWS_ACCESS_KEY_ID", "AWS documented example key id"),
                                         D(p[1], "AWS_SECRET_ACCESS_KEY",
                                           "AWS documented example secret key")])(r.choice(AWS_EXAMPLES)))
    add(4, ANY, lambda r, k: D(github_classic(r, "ghp_", valid=False), "GITHUB_TOKEN",
                               "ghp_ token shape with a wrong CRC32 checksum"))
    add(2, ANY, lambda r, k: D(github_classic(r, "gho_", valid=False), "oauth_token",
                               "gho_ token shape with a wrong CRC32 checksum"))
    add(2, ANY, lambda r, k: D(github_classic(r, "npm_", valid=False), "NPM_TOKEN",
                               "npm_ token shape with a wrong CRC32 checksum"))
    add(1, ANY, lambda r, k: D("ghp_16C7e42F292c6912E7710c838347Ae178B4a", "GITHUB_TOKEN",
                               "GitHub documentation example token"))
    add(2, ANY, lambda r, k: D("sk_test_4eC39HqLyjWDarjtT1zdp7dc", "STRIPE_SECRET_KEY",
                               "Stripe documentation example test key"))
    add(3, ANY, lambda r, k: D("pk_live_" + r.s(ALNUM, 24), "STRIPE_PUBLISHABLE_KEY",
                               "Stripe publishable key: public by design"))
    add(2, ANY, lambda r, k: D("xoxb-not-a-real-token-this-will-not-work", "SLACK_BOT_TOKEN",
                               "Slack documentation placeholder token"))
    add(2, ANY, lambda r, k: D("https://hooks.slack.com/services/T00000000/B00000000/"
                               "XXXXXXXXXXXXXXXXXXXXXXXX", "SLACK_WEBHOOK_URL",
                               "Slack documentation example webhook"))
    add(2, ANY, lambda r, k: D(JWT_IO, "token", "jwt.io example token"))
    for ph, why in [("your-api-key-here", "placeholder"), ("${API_KEY}", "variable reference"),
                    ("<TOKEN>", "placeholder"), ("changeme", "placeholder"),
                    ("xxxxxxxxxxxxxxxxxxxxxxxx", "placeholder"), ("********", "masked value"),
                    ("REPLACE_ME", "placeholder"), ("<your-password>", "placeholder"),
                    ("{{ .Values.db.password }}", "template reference"),
                    ("%(db_password)s", "format reference"), ("$DB_PASSWORD", "variable reference"),
                    ("${{ secrets.DEPLOY_TOKEN }}", "CI secret reference"),
                    ("{{ vault_db_password }}", "Ansible variable"),
                    ("YOUR_SECRET_KEY", "placeholder"), ("insert-token-here", "placeholder"),
                    ("sk_live_xxxxxxxxxxxxxxxxxxxxxxxx", "placeholder in a key shape"),
                    ("AKIAXXXXXXXXXXXXXXXX", "placeholder in a key shape"),
                    ("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "placeholder in a key shape")]:
        names = {"sk_": ["STRIPE_SECRET_KEY", "stripe_api_key"],
                 "AKI": ["AWS_ACCESS_KEY_ID", "aws_access_key_id"],
                 "ghp": ["GITHUB_TOKEN", "github_token"]}.get(
            ph[:3], ["API_KEY", "SECRET_KEY", "auth_token", "db_password", "password"])
        add(1.5, ANY, lambda r, k, ph=ph, why=why, names=names: D(ph, r.choice(names), why))
    add(3, ["py"], lambda r, k: D('os.environ["DB_PASSWORD"]', None, "environment reference",
                                  line_text='password = os.environ["DB_PASSWORD"]'))
    add(2, ["py"], lambda r, k: D('os.getenv("STRIPE_SECRET_KEY")', None, "environment reference",
                                  line_text='stripe.api_key = os.getenv("STRIPE_SECRET_KEY")'))
    add(3, ["js"], lambda r, k: D("process.env.GITHUB_TOKEN", None, "environment reference",
                                  line_text="const token = process.env.GITHUB_TOKEN;"))
    add(2, ["java"], lambda r, k: D('System.getenv("DB_PASSWORD")', None, "environment reference",
                                    line_text='String password = System.getenv("DB_PASSWORD");'))
    add(2, ["go"], lambda r, k: D('os.Getenv("API_SECRET")', None, "environment reference",
                                  line_text='\tsecret := os.Getenv("API_SECRET")'))
    add(2, ["yaml"], lambda r, k: D("secretKeyRef", None, "Kubernetes secret reference",
                                    line_text="        valueFrom: {secretKeyRef: {name: db, "
                                              "key: password}}"))
    add(2, ["tf"], lambda r, k: D("var.db_password", None, "Terraform variable reference",
                                  line_text="  password = var.db_password"))
    add(3, ANY, lambda r, k: D("postgres://app:${DB_PASSWORD}@db:5432/app", "DATABASE_URL",
                               "URL whose password is a variable reference"))
    add(2, ANY, lambda r, k: D("postgres://postgres:password@localhost:5432/postgres",
                               "DATABASE_URL", "URL with the placeholder password 'password'"))
    add(2, ANY, lambda r, k: D("redis://localhost:6379/0", "REDIS_URL", "URL without a password"))
    add(2, ANY, lambda r, k: D("mysql://user:****@db/shop", "MYSQL_URL", "masked URL password"))
    add(6, ["json-lock"], lambda r, k: D("sha512-" + r.b64(64), None, "package-lock integrity hash"))
    add(2, ["yarn-lock"], lambda r, k: D("sha512-" + r.b64(64), None, "yarn.lock integrity hash"))
    add(3, ["go-sum"], lambda r, k: D("h1:" + r.b64(32), None, "go.sum module hash"))
    add(5, ["sha256sums"], lambda r, k: D(r.hex(64), None, "sha256sum line"))
    add(4, ANY, lambda r, k: D(r.hex(40), "commit", "git commit hash"))
    add(3, ANY, lambda r, k: D("sha256:" + r.hex(64), "image_digest", "image digest"))
    add(3, ANY, lambda r, k: D(r.hex(64), "checksum", "sha256 checksum"))
    add(2, ANY, lambda r, k: D(r.hex(32), "md5", "md5 checksum"))
    add(5, ANY, lambda r, k: D(r.uuid(), r.choice(["request_id", "id", "tenant_id", "trace_id"]),
                               "UUID identifier"))
    add(2, ANY, lambda r, k: D(r.uuid(), "correlation_token", "UUID identifier named token"))
    add(3, ["authorized_keys", "md", "yaml"], lambda r, k: D(k.ssh_rsa_public(), "ssh_public_key",
                                                             "ssh-rsa public key"))
    add(3, ["authorized_keys", "md", "yaml"], lambda r, k: D(k.ssh_public(), "ssh_public_key",
                                                             "ssh-ed25519 public key"))
    add(3, ["keyfile", "yaml", "md"], lambda r, k: D(k.public_cert()[1], None, "PEM public key"))
    add(3, ["keyfile", "yaml", "md"], lambda r, k: D(k.public_cert()[0], None, "PEM certificate"))
    add(2, ["py", "go", "c", "js"], lambda r, k: D(
        "-----BEGIN RSA PRIVATE KEY-----", None, "a private-key header in parsing code, no key",
        line_text='PEM_RSA_HEADER = "-----BEGIN RSA PRIVATE KEY-----"'))
    add(4, ["py", "go", "c", "js", "java"], lambda r, k: (
        lambda v: D(base64.b64encode(v).decode(), "expected", "base64 test vector",
                    line_text='    expected = "%s"' % base64.b64encode(v).decode()))(
        r.bytes(r.choice([32, 48, 64]))))
    add(3, ["c", "go", "java"], lambda r, k: (lambda v: D(v, None, "hex constant in code",
                                                          line_text="static const char *k_iv = \"%s\";" % v))(r.hex(64)))
    add(2, ["html"], lambda r, k: D("sha384-" + r.b64(48), None, "subresource integrity hash"))
    add(2, ["html", "css"], lambda r, k: D("data:image/png;base64," + base64.b64encode(
        b"\x89PNG\r\n\x1a\n" + r.bytes(300)).decode(), None, "data URI image"))
    add(2, ANY, lambda r, k: D("arn:aws:iam::%d:role/deploy" % r.randint(10 ** 11, 10 ** 12 - 1),
                               "role_arn", "AWS ARN (not a secret)"))
    add(2, ANY, lambda r, k: D("password", "password_field", "the word password as a field name"))
    # lines of real files after a secret-ish name that are code, markup or prose
    # (tests/secrets/rules/real-code.txt has the same classes): one line of each
    # class in every corpus
    for why, hosts, pool in REAL_CODE:
        add(1, hosts, lambda r, k, why=why, pool=pool: (
            lambda line: D(line, None, why, line_text=line))(r.choice(pool)))
    return M


# (why, hosts, lines): real lines, shortened, that a generic rule must not report
REAL_CODE = [
    ("Pascal code (:=, pointer types, dereferences, expressions)", ["c", "md", "log"], [
        "        curtoken:=tkIDENT;",
        "  PAspellToken = ^AspellToken;",
        "  PRASCNTL_SERVERUSERCREDENTIALS = ^tagRasCntlServerUser;",
        "    if pEntry <> nil then UserEncPass := pEntry^.pw_passwd",
        "  CURLOPT_KEYPASSWD:=CURLOPTTYPE_STRINGPOINT+26,",
        "        FToken:=FToken+C;",
        "  writeln('TPasParser.ParseExc Token=\"',CurTokenText,'\"');",
        "  OnPassword:=@DoPassword;"]),
    ("Objective-C selectors", ["c", "md"], [
        "procedure setCredential_forProtectionSpace (credential: NSURLCredential; space: "
        "NSURLProtectionSpace); message 'setCredential:forProtectionSpace:';",
        "function changePassword_toPassword_error (oldPassword: NSString; newPassword: NSString; "
        "outError: NSErrorPtr): ObjCBOOL; message 'changePassword:toPassword:error:';"]),
    ("Go code (format strings, dereferences, URNs, enums)", ["go"], [
        '\treturn fmt.Sprintf("oauth2: cannot fetch token: %v\\nResponse: %s", r.Response.Status, r.Body)',
        "\t\tSecretAccessKey: *roleOutput.Credentials.SecretAccessKey,",
        "\tauth.useApiKey = !auth.useApiKey",
        "\t\tToken: `urn:uuid:181d4fae-7d8c-11d0-a765-00a0c91e6bf2`,",
        '\tResourceTypeAwsSecretsManagerSecret = "AWS::SecretsManager::Secret"',
        '\texpectedSig := "AWS4-HMAC-SHA256 Credential=AKID/19700101/us-east-1/dynamodb/aws4_request, '
        'SignedHeaders=host"']),
    ("roff markup in a man page", ["md", "log"], [
        '.IP "\\fB\\-\\-http\\-password=\\fR\\fIpassword\\fR" 4',
        "\\fB\\-P\\fP,\\ \\fB\\-\\-passwd=DATEI\\fP",
        "  $ gcloud secrets versions access 123 \\-\\-secret=my\\-secret",
        "urn:ietf:params:oauth:token\\-type:id_token."]),
    ("field lists and prose", ["md", "log"], [
        "account:password:UID:GID:GECOS:directory:shell",
        "pw_name:pw_passwd:pw_uid:pw_gid:pw_gecos:pw_dir:pw_shell",
        "\t* README: s#password: cvs#password: [empty password]#",
        "passwd: contrase\u00f1a actualizada correctamente",
        "pkcs11:token=Root%20CA%20Certificates;serial=1%3AROOTS%3ADEFAULT"]),
    ("identifiers that end in token", ["xml", "md", "log"], [
        "<NextToken>2YgYW55IGNhcm5hbCBwbGVhc3VyZS4=</NextToken>",
        "  'System.Guid, mscorlib, Version=2.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089');",
        "[![codecov](https://codecov.io/gh/nodejs/undici/branch/main/graph/badge.svg?token=yZL6LtXkOA)]"
        "(https://codecov.io/gh/nodejs/undici)"]),
    ("script code (markers, variables, templates)", ["js", "py", "pl"], [
        '      lastSignificantToken = "?InterpolationInTemplate";',
        "    search_token = '#cmakedefine'",
        '        "-auth=anonymous:$FROM_EMAIL",',
        '        self.token = "ACCESS_TOKEN_{}".format(self._counter)',
        "    grant_type = 'urn:ietf:params:oauth:grant-type:jwt-bearer'"]),
    ("strings of a Go binary", ["log"], [
        "feature gate default stateUnable to rotate token: %vHTTP2_PING_TIMEOUT_SECONDSunknown time zone"]),
    ("URLs in documentation", ["md", "sh"], [
        "ftp://[[user][:password]@]host[:port]/",
        "deb https://apt:debian@example\\&.org/debian bookworm main",
        "    { password, as in http://user:passwd\\@host:port/ }"]),
]


NEUTRAL = ["password123", "hunter2", "admin", "secret", "test1234", "Passw0rd", "qwerty",
           "letmein", "root", "guest"]


# ---------------------------------------------------------------- filler pools

FILLER_DIRS = {
    "py": ["/usr/lib/python3", "/usr/lib/python3.11", "/usr/lib/python3.12",
           "/usr/lib/python3.10"],
    "go": ["/usr/share/go-1.19/src", "/usr/lib/go/src", "/usr/share/go/src"],
    "js": ["/usr/lib/node_modules", "/usr/share/javascript", "/usr/share/nodejs"],
    "pl": ["/usr/share/perl", "/usr/share/perl5", "/usr/lib/x86_64-linux-gnu/perl"],
    "c": ["/usr/include"],
    "doc": ["/usr/share/doc", "/usr/share/man"],
    "elf": ["/usr/lib/x86_64-linux-gnu", "/usr/bin", "/usr/sbin", "/usr/libexec",
            "/usr/lib/gcc"],
}
EXT = {"py": (".py",), "go": (".go",), "js": (".js", ".mjs", ".cjs", ".json", ".md"),
       "pl": (".pm", ".pl", ".pod"), "c": (".h",),
       "doc": (".gz", ".md", ".txt", ".html", ".xml", ".css", ".json", ".toml", ".rb", ".sh",
               ".yml", ".yaml", ".conf", ".ini")}

# what a secret scanner could rightly report; filler holding any of it is left out.
# One regex per shape, each starting with a literal: Python's re scans for a
# literal prefix fast and is slow on one big alternation.  CASELESS run on the
# lower-cased bytes.
SCREEN = [re.compile(x) for x in [
    rb"PRIVATE KEY", rb"AKIA[0-9A-Z]{16}", rb"ASIA[0-9A-Z]{16}", rb"ghp_[A-Za-z0-9]{30}",
    rb"gho_[A-Za-z0-9]{30}", rb"ghu_[A-Za-z0-9]{30}", rb"ghs_[A-Za-z0-9]{30}",
    rb"ghr_[A-Za-z0-9]{30}", rb"github_pat_", rb"glpat-", rb"glrt-", rb"xox[abposr]-",
    rb"hooks\.slack\.com/services/T", rb"k_live_", rb"k_test_", rb"AIza[0-9A-Za-z_-]{30}",
    rb"SG\.[\w-]{16,}\.", rb"npm_[A-Za-z0-9]{30}", rb"pypi-AgE", rb"dckr_pat_", rb"_v1_[0-9a-f]{20}",
    rb"shp(?:at|ss|ca|pa)_", rb"NRAK-", rb"LTAI[0-9A-Za-z]{10}", rb"dapi[0-9a-f]{20}",
    rb":AA[\w-]{30}", rb"sk-proj-", rb"sk-ant-", rb"hf_[A-Za-z]{30}", rb"hvs\.", rb"atlasv1",
    rb"eyJ[A-Za-z0-9_-]{8,}\.eyJ", rb"AccountKey=", rb"SharedAccessKey=", rb"AGE-SECRET-KEY",
    rb"GOCSPX-", rb"whsec_", rb"sntry[us]_", rb"ATATT", rb"ATBB", rb"\$apr1\$",
    rb"\$2[aby]\$[0-9]{2}\$", rb"_authToken", rb"client-key-data", rb"T3BlbkFJ",
    rb"-----BEGIN PGP", rb"key-[0-9a-f]{32}", rb"://[^\s/:@'\"<>(){}]{1,64}:[^\s/@'\"<>(){}]{1,64}@",
    rb"[A-Za-z0-9+/]{60,}"]]
CASELESS = [re.compile(rb"%s[\w.-]{0,20}[\"']?\s{0,3}(?:[:=]|=>|:=)\s{0,3}[\"'`]?[^\s\"'`]{8,}" % k)
            for k in [rb"passw", rb"pwd", rb"secret", rb"token", rb"api[_-]?key", rb"apikey",
                      rb"auth", rb"credential", rb"private[_-]?key"]] + [
    re.compile(rb"machine\s+\S+\s+login\s"),
    re.compile(rb"authorization:\s*(?:basic|bearer)\s+[a-z0-9]")]


def filler_clean(data):
    """No secret-shaped text in data (or in its gunzipped form)."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            return False
    if any(r.search(data) for r in SCREEN):
        return False
    low = data.lower()
    return not any(r.search(low) for r in CASELESS)


def is_elf(path):
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def filler_pools(rng):
    pools = {}
    for kind, dirs in FILLER_DIRS.items():
        files = []
        for d in dirs:
            if not os.path.isdir(d):
                continue
            for root, subdirs, names in os.walk(d):
                subdirs.sort()
                for n in sorted(names):
                    p = os.path.join(root, n)
                    if os.path.islink(p) or not os.path.isfile(p):
                        continue
                    if kind != "elf" and not n.endswith(EXT[kind]):
                        continue
                    try:
                        sz = os.path.getsize(p)
                    except OSError:
                        continue
                    if 200 <= sz <= 8 << 20:
                        files.append((p, sz))
        rng.shuffle(files)
        pools[kind] = files
    return pools


# ---------------------------------------------------------------- rendering


def camel(name, upper_first=False):
    parts = re.split(r"[_.\-]+", name.lower())
    s = parts[0] + "".join(p.title() for p in parts[1:])
    return s[:1].upper() + s[1:] if upper_first else s


def snake(name):
    return re.sub(r"[.\-]", "_", name).lower()


def upper(name):
    return re.sub(r"[.\-]", "_", name).upper()


def assign(rng, lang, name, text):
    """One line assigning text to name, in lang's style (single-line text)."""
    q = '"' if '"' not in text else "'"
    if lang == "py":
        return rng.choice(["%s = %s%s%s" % (upper(name), q, text, q),
                           "    %s=%s%s%s," % (snake(name), q, text, q),
                           "    %s%s%s: %s%s%s," % (q, snake(name), q, q, text, q)])
    if lang == "js":
        return rng.choice(["const %s = '%s';" % (camel(name), text),
                           "  %s: \"%s\"," % (camel(name), text),
                           "process.env.%s = process.env.%s || '%s';" % (upper(name), upper(name),
                                                                         text)])
    if lang == "go":
        return rng.choice(["const %s = \"%s\"" % (camel(name), text),
                           "\t%s: \"%s\"," % (camel(name, True), text),
                           "\tos.Setenv(\"%s\", \"%s\")" % (upper(name), text)])
    if lang == "java":
        return rng.choice(["    private static final String %s = \"%s\";" % (upper(name), text),
                           "        props.setProperty(\"%s\", \"%s\");" % (camel(name), text)])
    if lang == "rb":
        return rng.choice(["%s = '%s'" % (upper(name), text),
                           "  config.%s = \"%s\"" % (snake(name), text),
                           "ENV['%s'] ||= '%s'" % (upper(name), text)])
    if lang == "php":
        return rng.choice(["define('%s', '%s');" % (upper(name), text),
                           "    '%s' => '%s'," % (snake(name), text),
                           "$%s = \"%s\";" % (camel(name), text)])
    if lang == "pl":
        return rng.choice(["my $%s = '%s';" % (snake(name), text),
                           "    %s => '%s'," % (snake(name), text)])
    if lang == "c":
        return rng.choice(["#define %s \"%s\"" % (upper(name), text),
                           "static const char *%s = \"%s\";" % (snake(name), text)])
    if lang in ("sh", "bash-history"):
        return rng.choice(["export %s=\"%s\"" % (upper(name), text),
                           "%s='%s'" % (upper(name), text)])
    if lang == "yaml":
        return rng.choice(["  %s: %s" % (snake(name), text), "  %s: \"%s\"" % (snake(name), text),
                           "    - name: %s\n      value: \"%s\"" % (upper(name), text)])
    if lang in ("ini", "conf"):
        return "%s = %s" % (snake(name), text)
    if lang == "json":
        return "  \"%s\": %s," % (snake(name), json.dumps(text))
    if lang == "toml":
        return "%s = \"%s\"" % (snake(name), text)
    if lang == "properties":
        return "%s=%s" % (rng.choice(["app.", "spring.datasource.", "integration."]) +
                          snake(name).replace("_", "-"), text)
    if lang == "xml":
        return rng.choice(["    <add key=\"%s\" value=\"%s\" />" % (camel(name, True), text),
                           "    <%s>%s</%s>" % (camel(name), text, camel(name))])
    if lang in ("env", "dotenv"):
        return rng.choice(["%s=%s" % (upper(name), text), "%s=\"%s\"" % (upper(name), text)])
    if lang == "dockerfile":
        return rng.choice(["ENV %s=%s" % (upper(name), text), "ENV %s \"%s\"" % (upper(name), text),
                           "ARG %s=%s" % (upper(name), text)])
    if lang in ("tf", "terraformrc"):
        return "  %s = \"%s\"" % (snake(name), text)
    if lang == "md":
        return rng.choice(["    export %s=%s" % (upper(name), text),
                           "Use `%s=%s` when running locally." % (upper(name), text)])
    if lang == "log":
        return "%s INFO  [main] config loaded: %s=%s" % (ts(rng), snake(name), text)
    if lang == "html":
        return "<meta name=\"%s\" content=\"%s\">" % (snake(name), text)
    if lang == "css":
        return "  background-image: url(\"%s\");" % text
    raise ValueError(lang)


def ts(rng):
    return "2024-%02d-%02dT%02d:%02d:%02d.%03dZ" % (rng.randint(1, 12), rng.randint(1, 28),
                                                     rng.randint(0, 23), rng.randint(0, 59),
                                                     rng.randint(0, 59), rng.randint(0, 999))


def pem_block(rng, lang, name, pem):
    """Lines holding a multi-line PEM in lang; returns (lines, raw as in file)."""
    if lang == "yaml":
        ind = "    "
        raw = "\n".join(ind + l for l in pem.split("\n"))
        return ["  %s: |" % snake(name)] + raw.split("\n"), raw.lstrip()
    if lang == "json":
        esc = json.dumps(pem + "\n")[1:-1]
        return ["  \"%s\": \"%s\"," % (snake(name), esc)], esc
    if lang == "py":
        return ["%s = \"\"\"%s" % (upper(name), pem), "\"\"\""], pem
    if lang == "go":
        return ["const %s = `%s`" % (camel(name), pem)], pem
    if lang == "env":
        esc = pem.replace("\n", "\\n")
        return ["%s=\"%s\"" % (upper(name), esc)], esc
    if lang == "md":
        return ["```", pem, "```"], pem
    if lang == "tf":
        return ["  %s = <<-EOT" % snake(name), pem, "  EOT"], pem
    if lang == "sh":
        return ["cat > ~/.ssh/id_deploy <<'EOF'", pem, "EOF", "chmod 600 ~/.ssh/id_deploy"], pem
    raise ValueError(lang)


# host templates: realistic surroundings for generated files

def lines_py(rng):
    mods = ["os", "sys", "json", "logging", "datetime", "pathlib", "typing"]
    out = ["import %s" % m for m in rng.sample(mods, 4)] + ["", "log = logging.getLogger(__name__)", ""]
    for i in range(rng.randint(3, 8)):
        fn = rng.choice(["load", "fetch", "sync", "render", "parse", "retry"]) + "_" + \
            rng.choice(["orders", "users", "config", "report", "events"])
        out += ["", "def %s(path, timeout=%d):" % (fn, rng.randint(1, 60)),
                "    \"\"\"%s the %s.\"\"\"" % (fn.split("_")[0].title(), fn.split("_")[1]),
                "    with open(path) as f:", "        data = json.load(f)",
                "    log.info(\"%s: %%d items\", len(data))" % fn, "    return data"]
    return out


def lines_generic(rng, lang):
    if lang == "py":
        return lines_py(rng)
    if lang == "js":
        return ["'use strict';", "", "const express = require('express');",
                "const app = express();", ""] + sum(
            [["app.get('/api/%s', async (req, res) => {" % w,
              "  const rows = await db.query('SELECT * FROM %s LIMIT 100');" % w,
              "  res.json(rows);", "});", ""] for w in rng.sample(
                ["orders", "users", "items", "invoices", "events", "carts"], 4)], []) + \
            ["app.listen(process.env.PORT || 3000);"]
    if lang == "go":
        return ["package config", "", "import (", "\t\"os\"", "\t\"time\"", ")", "",
                "type Config struct {", "\tAddr    string", "\tTimeout time.Duration", "}", "",
                "func Load() Config {", "\treturn Config{Addr: os.Getenv(\"ADDR\"), "
                "Timeout: 30 * time.Second}", "}", ""]
    if lang == "java":
        return ["package com.acme.billing.config;", "", "import java.util.Properties;", "",
                "public final class Settings {", "    private Settings() {}", "",
                "    static Properties load() {", "        Properties props = new Properties();",
                "        props.setProperty(\"timeout\", \"30\");", "        return props;", "    }",
                "}"]
    if lang == "rb":
        return ["require 'json'", "", "module Acme", "  class Client",
                "    def initialize(opts = {})", "      @timeout = opts.fetch(:timeout, 30)",
                "    end", "  end", "end"]
    if lang == "json":
        return ["{", "  \"name\": \"%s\"," % rng.choice(["billing", "webshop", "etl"]),
                "  \"version\": \"%d.%d.%d\"," % (rng.randint(0, 3), rng.randint(0, 20),
                                                rng.randint(0, 9)),
                "  \"debug\": false,", "  \"timeout\": 30", "}"]
    if lang == "php":
        return ["<?php", "", "return [", "    'debug' => false,", "    'timezone' => 'UTC',",
                "    'locale' => 'en',", "];"]
    if lang == "pl":
        return ["use strict;", "use warnings;", "", "my %config = (", "    timeout => 30,",
                "    retries => 3,", ");", "1;"]
    if lang == "c":
        return ["#include <stdio.h>", "#include <string.h>", "",
                "int main(int argc, char **argv)", "{", "        (void)argc; (void)argv;",
                "        return 0;", "}"]
    if lang == "sh":
        return ["#!/bin/sh", "set -eu", "", "cd \"$(dirname \"$0\")\"",
                "echo \"deploying $(git rev-parse --short HEAD)\"", "docker compose pull",
                "docker compose up -d"]
    if lang == "yaml":
        return ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: app-config",
                "  namespace: prod", "data:", "  LOG_LEVEL: info", "  FEATURE_X: \"true\""]
    if lang in ("ini", "conf"):
        return ["[server]", "host = 0.0.0.0", "port = 8080", "", "[database]",
                "pool_size = 10", "timeout = 30"]
    if lang == "toml":
        return ["concurrent = 4", "check_interval = 0", "", "[[runners]]",
                "  name = \"build-%d\"" % rng.randint(1, 99), "  url = \"https://gitlab.acme.io/\"",
                "  executor = \"docker\""]
    if lang == "properties":
        return ["server.port=8080", "spring.application.name=billing",
                "spring.jpa.hibernate.ddl-auto=validate", "logging.level.root=INFO"]
    if lang == "xml":
        return ["<?xml version=\"1.0\" encoding=\"utf-8\"?>", "<configuration>",
                "  <appSettings>", "    <add key=\"Environment\" value=\"Production\" />",
                "  </appSettings>", "</configuration>"]
    if lang in ("env", "dotenv"):
        return ["NODE_ENV=production", "PORT=3000", "LOG_LEVEL=info",
                "TZ=UTC", "FEATURE_FLAGS=checkout,search"]
    if lang == "dockerfile":
        return ["FROM python:3.11-slim", "WORKDIR /app", "COPY requirements.txt .",
                "RUN pip install --no-cache-dir -r requirements.txt", "COPY . .",
                "USER 10001", "CMD [\"gunicorn\", \"app:app\"]"]
    if lang in ("tf", "terraformrc"):
        return ["resource \"aws_db_instance\" \"main\" {", "  engine         = \"postgres\"",
                "  instance_class = \"db.t3.medium\"", "}", "", "provider \"aws\" {",
                "  region = \"eu-west-1\"", "}"]
    if lang == "md":
        return ["# Service setup", "", "This service reads its configuration from the "
                "environment.", "", "## Local development", "", "1. Install the dependencies.",
                "2. Start the database with `docker compose up -d db`.", "3. Run the server.", ""]
    if lang == "log":
        return [log_line(rng) for _ in range(rng.randint(50, 400))]
    if lang == "html":
        return ["<!doctype html>", "<html>", "<head>", "<title>Dashboard</title>", "</head>",
                "<body>", "<div id=\"app\"></div>", "</body>", "</html>"]
    if lang == "css":
        return [".btn {", "  color: #fff;", "}", ".logo {", "}"]
    return []


def log_line(rng):
    if rng.random() < 0.5:
        return '%d.%d.%d.%d - - [%02d/Mar/2024:%02d:%02d:%02d +0000] "%s /api/%s/%d HTTP/1.1" %d %d ' \
            '"-" "Mozilla/5.0 (X11; Linux x86_64)"' % (
                rng.randint(1, 223), rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254),
                rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59),
                rng.choice(["GET", "GET", "POST", "PUT"]), rng.choice(["orders", "users", "cart"]),
                rng.randint(1, 99999), rng.choice([200, 200, 201, 304, 404, 500]),
                rng.randint(100, 90000))
    return "%s %s [%s] %s" % (ts(rng), rng.choice(["INFO ", "DEBUG", "WARN ", "ERROR"]),
                              rng.choice(["worker-1", "http", "scheduler", "db-pool"]),
                              rng.choice(["request completed in %dms" % rng.randint(1, 900),
                                          "cache miss for key user:%d" % rng.randint(1, 10 ** 6),
                                          "retrying job %d (attempt %d)" % (rng.randint(1, 10 ** 5),
                                                                           rng.randint(1, 5)),
                                          "connection pool size=%d idle=%d" % (
                                              rng.randint(5, 50), rng.randint(0, 5))]))


# ---------------------------------------------------------------- the corpus


class Corpus:
    def __init__(self, out, rng, keys, pools, size_bytes):
        self.out, self.rng, self.keys, self.pools = out, rng, keys, pools
        self.size = size_bytes
        self.labels = []
        self.used = set()
        self.bytes = 0
        self.files = 0
        self.pool_pos = {k: 0 for k in pools}
        # hosts and archive members: small corpora get small real files
        self.host_max = int(min(400 << 10, max(16 << 10, size_bytes / 400)))

    # -- files

    def unique(self, rel):
        """rel, or when taken, rel with "-N" added to its nearest directory that is
        not a dot-directory: the base name stays (credential files are found by
        name: home/deploy-2/.kube/config, not home/deploy/.kube/config-2)."""
        rel = rel.lstrip("/")
        parts = rel.split("/")
        n = 1
        while rel in self.used:
            n += 1
            q = list(parts)
            i = len(q) - 2
            while i > 0 and q[i].startswith("."):
                i -= 1
            if i >= 0:
                q[i] = "%s-%d" % (q[i], n)
            else:
                base, ext = os.path.splitext(q[-1])
                q[-1] = "%s-%d%s" % (base, n, ext)
            rel = "/".join(q)
        self.used.add(rel)
        return rel

    def write(self, rel, data, mode=0o644):
        path = os.path.join(self.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, mode)
        self.bytes += len(data)
        self.files += 1

    def next_filler(self, kind, maxsize=None):
        pool = self.pools.get(kind) or []
        while self.pool_pos[kind] < len(pool):
            p, sz = pool[self.pool_pos[kind]]
            self.pool_pos[kind] += 1
            if maxsize and sz > maxsize:
                continue
            try:
                with open(p, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            if not filler_clean(data):
                continue
            return p, data
        return None, None

    # -- placement

    def host_text(self, lang):
        """Text to insert into: a real file of that language when there is one."""
        pool = {"py": "py", "go": "go", "js": "js", "pl": "pl", "c": "c"}.get(lang)
        if pool and self.rng.random() < 0.7:
            p, data = self.next_filler(pool, maxsize=self.host_max)
            if data is not None and pool != "js" or (data and p.endswith(".js")):
                try:
                    return data.decode("utf-8").split("\n"), os.path.basename(p)
                except UnicodeDecodeError:
                    pass
        if lang == "md" and self.rng.random() < 0.5:
            p, data = self.next_filler("doc", maxsize=self.host_max)
            if data is not None and p.endswith(".md"):
                try:
                    return data.decode("utf-8").split("\n"), os.path.basename(p)
                except UnicodeDecodeError:
                    pass
        return lines_generic(self.rng, lang), None

    def render(self, lang, groups):
        """groups: lists of items (S, D or Neutral) kept on adjacent lines; returns
        (text, marks) where marks are (item, raw) with raw the substring of text that
        locates the item (its whole line for one-line assignments)."""
        rng = self.rng
        lines, _ = self.host_text(lang)
        blocks = []
        for group in groups:
            ls_all, marks = [], []
            for it in group:
                if isinstance(it, S) and it.multiline:
                    ls, raw = pem_block(rng, lang, it.name, it.text)
                elif isinstance(it, D) and it.line_text is not None:
                    ls, raw = [it.line_text], it.line_text
                elif isinstance(it, D) and "\n" in it.text:
                    if lang == "yaml":
                        ls, raw = pem_block(rng, "yaml", "tls_cert", it.text)
                    elif lang == "md":
                        ls, raw = ["```", it.text, "```"], it.text
                    else:
                        ls, raw = [it.text], it.text
                else:
                    ls = assign(rng, lang, it.name or "value", it.text).split("\n")
                    raw = next(l for l in ls if it.text in l)
                ls_all += ls
                marks.append((it, raw))
            blocks.append((ls_all, marks))
        # insert blocks at random boundaries of the host's lines (never inside an
        # inserted block), after the first line and, for bracketed formats, before the last
        lo = min(1, len(lines))
        hi = max(lo, len(lines) - 1 if lang in ("json", "xml", "php", "java") else len(lines))
        at = sorted((rng.randint(lo, hi), i) for i in range(len(blocks)))
        out, prev = [], 0
        for pos, i in at:
            out += lines[prev:pos] + blocks[i][0]
            prev = pos
        lines = out + lines[prev:]
        text = "\n".join(lines)
        if not text.endswith("\n"):
            text += "\n"
        return text, [m for _, ms in blocks for m in ms]

    def label(self, item, rel, inner, encoding, text, raw, used=None):
        """Record item (S, D or Neutral) found in text (the decoded text) at raw;
        used: positions already labelled in this text (same raw twice)."""
        line = end = None
        if text is not None:
            pos = text.find(raw)
            while used is not None and pos in used:
                pos = text.find(raw, pos + 1)
            if pos < 0:
                raise RuntimeError("internal: %r not in %s" % (raw[:40], rel))
            if used is not None:
                used.add(pos)
            line = text.count("\n", 0, pos) + 1
            end = line + raw.count("\n")
        if isinstance(item, S):
            e = {"kind": item.kind, "file": rel, "inner": inner, "encoding": encoding,
                 "line": line, "end_line": end, "value": item.value, "alt": item.alt}
        elif isinstance(item, D):
            e = {"decoy": True, "why": item.why, "file": rel, "inner": inner,
                 "encoding": encoding, "line": line, "end_line": end, "value": item.value}
        else:
            e = {"neutral": True, "why": item.why,
                 "file": rel, "inner": inner, "encoding": encoding, "line": line,
                 "end_line": end, "value": item.value}
        self.labels.append(e)
        return e


# file names and directories per host type; some under paths Trivy skips
APP_ROOTS = ["app", "srv/billing-api", "opt/webshop", "home/deploy/crm", "workspace/etl",
             "usr/src/app", "opt/acme/gateway"]
SKIP_ROOTS = ["usr/lib/python3.11/site-packages/internalpkg",
              "usr/local/lib/python3.11/site-packages/acme_internal", "app/test",
              "srv/billing-api/tests/fixtures", "app/examples", "app/vendor/github.com/acme/sdk",
              "opt/webshop/test-data", "usr/share/acme"]
NAMES = {
    "py": ["settings.py", "config.py", "client.py", "deploy.py", "constants.py", "tasks.py",
           "conftest.py", "local_settings.py"],
    "js": ["config.js", "server.js", "index.js", "keys.js", "webpack.config.js", "db.js"],
    "go": ["config.go", "main.go", "client.go", "secrets.go"],
    "java": ["Settings.java", "AppConfig.java", "PaymentClient.java"],
    "rb": ["secrets.rb", "production.rb", "client.rb"],
    "php": ["config.php", "wp-config.php", "database.php"],
    "pl": ["Config.pm", "deploy.pl"],
    "c": ["config.h", "main.c", "credentials.h"],
    "sh": ["deploy.sh", "entrypoint.sh", "backup.sh", "ci.sh"],
    "yaml": ["application.yml", "values.yaml", "config.yaml", "docker-compose.yml",
             "deployment.yaml", ".gitlab-ci.yml", "settings.yaml"],
    "json": ["config.json", "appsettings.json", "settings.json", "credentials.json",
             "secrets.json"],
    "ini": ["config.ini", "settings.ini", "app.cfg", "setup.cfg"],
    "properties": ["application.properties", "gradle.properties", "config.properties"],
    "xml": ["web.config", "App.config", "settings.xml", "context.xml"],
    "env": [".env", ".env.production", ".env.local", "prod.env"],
    "dockerfile": ["Dockerfile", "Dockerfile.prod", "build.Dockerfile"],
    "tf": ["main.tf", "providers.tf", "terraform.tfvars", "variables.auto.tfvars"],
    "toml": ["config.toml", "settings.toml", "pyproject.toml"],
    "md": ["README.md", "SETUP.md", "docs/deploy.md", "CONTRIBUTING.md", "notes.md"],
    "log": ["app.log", "server.log", "debug.log", "worker.log"],
    "html": ["index.html", "dashboard.html"],
    "css": ["main.css"],
}
SUBDIRS = ["", "config", "src", "lib", "scripts", "deploy", "conf", "internal/config",
           "k8s", "src/main/resources", "ci"]


def planted_path(rng, lang, skip):
    root = rng.choice(SKIP_ROOTS if skip else APP_ROOTS)
    if lang == "md" and skip and rng.random() < 0.5:
        root = rng.choice(APP_ROOTS)  # *.md is skipped anywhere
    name = rng.choice(NAMES[lang])
    sub = rng.choice(SUBDIRS)
    return "/".join(p for p in (root, sub, name) if p)


def to_utf16(text, be):
    data = text.encode("utf-16-be" if be else "utf-16-le")
    return (b"\xfe\xff" if be else b"\xff\xfe") + data


def elf_with(rng, corpus, strings):
    """A real ELF with the strings spliced into runs of NUL bytes."""
    for _ in range(40):
        p, data = corpus.next_filler("elf", maxsize=max(64 << 10, corpus.host_max * 8))
        if data is None:
            break
        if data[:4] != b"\x7fELF":
            continue
        buf = bytearray(data)
        ok = True
        start = len(buf) // 4
        for s in strings:
            need = len(s) + 2
            i = buf.find(b"\0" * need, start)
            if i < 0:
                ok = False
                break
            buf[i + 1:i + 1 + len(s)] = s
            start = i + need
        if ok:
            return bytes(buf), os.path.basename(p)
    # no ELF on this machine: a minimal one-segment ELF header and the strings
    hdr = b"\x7fELF\x02\x01\x01" + b"\0" * 9 + struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, 0x401000,
                                                          64, 0, 0, 64, 56, 0, 64, 0, 0)
    return hdr + b"\0" * 64 + b"\0".join(strings) + b"\0" + rng.bytes(4096), "tool"


def pyc_with(src, name):
    code = compile(src, name, "exec")
    return importlib.util.MAGIC_NUMBER + struct.pack("<III", 0, 1700000000, len(src)) + \
        marshal.dumps(code)


def sqlite_with(tmpdir, rows):
    path = os.path.join(tmpdir, "db.sqlite")
    if os.path.exists(path):
        os.unlink(path)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT, updated INTEGER)")
    con.executemany("INSERT INTO settings VALUES (?, ?, ?)", rows)
    con.commit()
    con.close()
    with open(path, "rb") as f:
        return f.read()


def zip_bytes(members):
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            zi = zipfile.ZipInfo(name, date_time=(2024, 3, 1, 12, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)
    return bio.getvalue()


def targz_bytes(members):
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in members:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mtime = 1709294400
            ti.mode = 0o644
            t.addfile(ti, io.BytesIO(data))
    return gzip.compress(bio.getvalue(), mtime=0)  # no time stamp: same seed, same bytes


class Planter:
    """Puts S, D and neutral items into files, in every container."""

    CONTAINERS = [("plain", 74), ("gzip", 4), ("utf-16le", 2), ("utf-16be", 1), ("zip", 5),
                  ("tar.gz", 4), ("tar.gz+zip", 2), ("binary", 5), ("base64", 7)]

    def __init__(self, c):
        self.c, self.rng = c, c.rng

    def container(self, lang):
        if lang in ("keyfile", "sa-json", "docker-config", "npmrc", "pypirc", "netrc",
                    "git-credentials", "kubeconfig", "htpasswd", "dotenv", "bash-history",
                    "terraformrc", "authorized_keys", "json-lock", "yarn-lock", "go-sum",
                    "sha256sums", "html", "css"):
            cs = [("plain", 80), ("tar.gz", 8), ("zip", 4), ("gzip", 4), ("tar.gz+zip", 4)]
        else:
            cs = self.CONTAINERS
        tot = sum(w for _, w in cs)
        x = self.rng.random() * tot
        for name, w in cs:
            x -= w
            if x < 0:
                return name
        return "plain"

    # ---- one text file with items, wrapped in a container
    def place_text(self, rel, text, marks, container):
        """marks: list of (item, raw) in text."""
        rng, c = self.rng, self.c
        if container in ("binary", "base64"):  # whole-file hosts: kept as text
            container = "plain"
        if container == "plain":
            rel = c.unique(rel)
            c.write(rel, text.encode())
            used = set()
            for it, raw in marks:
                c.label(it, rel, None, None, text, raw, used)
        elif container == "gzip":
            # now and then a gzip stream under another name (".bak"), never for files
            # recognised by name (.env, .netrc, ...)
            dot = os.path.basename(rel).startswith(".")
            rel = c.unique(rel + ".gz" if dot or rng.random() < 0.85 else rel + ".bak")
            c.write(rel, gzip.compress(text.encode(), mtime=0))
            used = set()
            for it, raw in marks:
                c.label(it, rel, None, "gzip", text, raw, used)
        elif container in ("utf-16le", "utf-16be"):
            rel = c.unique(rel)
            data = to_utf16(text.replace("\n", "\r\n") if rng.random() < 0.5 else text,
                            container == "utf-16be")
            if rng.random() < 0.15:
                data = data[2:]  # no BOM: the walker must notice the NULs
            c.write(rel, data)
            used = set()
            for it, raw in marks:
                c.label(it, rel, None, container, text, raw, used)
        elif container == "zip":
            kind = rng.choice(["jar", "zip", "whl"])
            base = os.path.basename(rel)
            if kind == "jar":
                inner = "BOOT-INF/classes/" + base
                members = [("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\nMain-Class: "
                            b"org.springframework.boot.loader.JarLauncher\n"), (inner, text.encode())]
                members += self.filler_members(rng.randint(2, 6), "BOOT-INF/lib/")
                arel = c.unique(os.path.dirname(rel) + "/app-%d.%d.jar" % (rng.randint(1, 4),
                                                                            rng.randint(0, 20)))
            elif kind == "whl":
                inner = "internal_sdk/" + base
                members = [(inner, text.encode()),
                           ("internal_sdk-1.4.2.dist-info/METADATA",
                            b"Metadata-Version: 2.1\nName: internal-sdk\nVersion: 1.4.2\n")]
                members += self.filler_members(rng.randint(1, 4), "internal_sdk/")
                arel = c.unique(os.path.dirname(rel) + "/internal_sdk-1.4.2-py3-none-any.whl")
            else:
                inner = "config/" + base
                members = [(inner, text.encode())] + self.filler_members(rng.randint(1, 5), "docs/")
                arel = c.unique(os.path.dirname(rel) + "/bundle.zip")
            rng.shuffle(members)
            c.write(arel, zip_bytes(members))
            used = set()
            for it, raw in marks:
                c.label(it, arel, inner, "zip", text, raw, used)
        elif container == "tar.gz":
            inner = rng.choice(["etc/app/", "home/app/", "opt/app/config/", ""]) + \
                os.path.basename(rel)
            members = [(inner, text.encode())] + self.filler_members(rng.randint(2, 8), "usr/share/")
            rng.shuffle(members)
            arel = c.unique(os.path.dirname(rel) + "/" + rng.choice(
                ["backup-2024-03-01.tar.gz", "release.tar.gz", "config-snapshot.tgz"]))
            c.write(arel, targz_bytes(members))
            used = set()
            for it, raw in marks:
                c.label(it, arel, inner, "tar.gz", text, raw, used)
        elif container == "tar.gz+zip":
            zin = "BOOT-INF/classes/" + os.path.basename(rel)
            jar = zip_bytes([("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n"),
                             (zin, text.encode())] + self.filler_members(2, "lib/"))
            jname = "opt/service/lib/service-%d.%d.jar" % (rng.randint(1, 3), rng.randint(0, 9))
            members = [(jname, jar)] + self.filler_members(rng.randint(2, 5), "opt/service/doc/")
            arel = c.unique(os.path.dirname(rel) + "/service-dist.tar.gz")
            c.write(arel, targz_bytes(members))
            used = set()
            for it, raw in marks:
                c.label(it, arel, jname + "!/" + zin, "tar.gz+zip", text, raw, used)
        else:
            raise ValueError(container)

    def filler_members(self, n, prefix):
        out = []
        for _ in range(n):
            p, data = self.c.next_filler(self.rng.choice(["py", "pl", "c", "go"]),
                                         maxsize=self.c.host_max)
            if data is None:
                break
            out.append((prefix + os.path.basename(p), data))
        return out

    # ---- single-line items in binaries
    def place_binary(self, items, base):
        """ELF (a string spliced in), .pyc (a module constant) or SQLite (a row).
        Values whose kind needs its name (CONTEXTUAL) go only into ELF, as
        "NAME=value" (a default config compiled in): a bare 32-hex string in a
        binary is no one's secret."""
        rng, c = self.rng, self.c
        how = rng.choice(["elf", "elf", "elf", "pyc", "sqlite"])
        one_line = [it for it in items if not (isinstance(it, S) and it.multiline)]
        ctx = any(getattr(it, "kind", None) in CONTEXTUAL for it in items) or \
            any(isinstance(it, D) for it in items)
        if how == "elf" or not one_line or ctx:
            data, name = elf_with(rng, c, [
                ("%s=%s" % (upper(it.name), it.text) if getattr(it, "kind", None) in CONTEXTUAL
                 else it.text).encode() for it in items])
            rel = c.unique(rng.choice(["usr/local/bin/", "app/bin/", "opt/acme/bin/",
                                       "usr/lib/acme/"]) + rng.choice(["agent", "syncd", "uploader",
                                                                       name]))
            c.write(rel, data, 0o755)
        elif how == "pyc":
            src = "\n".join("%s = %r" % (upper(it.name or "value"), it.text) for it in one_line)
            rel = c.unique("usr/local/lib/python3.11/site-packages/acme_internal/__pycache__/"
                           "%s.cpython-311.pyc" % os.path.splitext(base)[0])
            c.write(rel, pyc_with(src + "\n", base))
            items = one_line
        else:
            rows = [(it.name or "value", it.text, 1700000000 + i) for i, it in enumerate(one_line)]
            rel = c.unique(rng.choice(["var/lib/app/app.db", "app/data/settings.sqlite",
                                       "home/deploy/.local/share/tool/state.db"]))
            c.write(rel, sqlite_with(c.keys.tmp, rows))
            items = one_line
        for it in items:
            c.label(it, rel, None, "binary", None, None)
        return [it for it in items]

    # ---- base64 containers
    def place_base64(self, items):
        """A Kubernetes Secret (data: name: base64(value)) or a base64 .env blob."""
        rng, c = self.rng, self.c
        if rng.random() < 0.65 or any(isinstance(it, S) and it.multiline for it in items):
            lines = ["apiVersion: v1", "kind: Secret", "metadata:",
                     "  name: %s" % rng.choice(["app-secrets", "db-credentials", "api-keys"]),
                     "  namespace: %s" % rng.choice(["prod", "default", "payments"]),
                     "type: Opaque", "data:"]
            marks = []
            for it in items:
                enc = base64.b64encode(it.text.encode()).decode()
                key = snake(it.name or "value").replace("_", "-") if rng.random() < 0.5 \
                    else upper(it.name or "value")
                lines.append("  %s: %s" % (key, enc))
                marks.append((it, enc))
            text = "\n".join(lines) + "\n"
            rel = c.unique(rng.choice(APP_ROOTS + ["usr/share/acme"]) + "/k8s/" +
                           rng.choice(["secret.yaml", "secrets.yml", "db-secret.yaml"]))
        else:
            env = "\n".join("%s=%s" % (upper(it.name or "value"), it.text) for it in items) + "\n"
            enc = base64.b64encode(env.encode()).decode()
            text = "\n".join(lines_generic(rng, "yaml")[:6] + ["  APP_ENV_B64: %s" % enc]) + "\n"
            rel = c.unique(rng.choice(APP_ROOTS) + "/deploy/" + rng.choice(
                ["configmap.yaml", "env-config.yaml"]))
            marks = [(it, enc) for it in items]
        c.write(rel, text.encode())
        for it, enc in marks:
            e = c.label(it, rel, None, "base64", text, enc)
            if isinstance(it, (S, D)) and enc not in e.get("alt", []):
                e["alt"] = e.get("alt", []) + [enc]  # a rule may report the encoded form

    # ---- credential files by path
    def credential_file(self, kind):
        rng, c = self.rng, self.c
        home = rng.choice(["root", "home/deploy", "home/ci", "home/app", "var/lib/jenkins"])
        if kind == "docker-config-auth":
            u, pw = user(rng), rng.choice([rng.password(rng.random() < 0.7),
                                           "dckr_pat_" + rng.s(ALNUM + "-_", 27)])
            auth = base64.b64encode(("%s:%s" % (u, pw)).encode()).decode()
            reg = rng.choice(["https://index.docker.io/v1/", "registry.acme.io",
                              "ghcr.io", "123456789012.dkr.ecr.eu-west-1.amazonaws.com"])
            text = json.dumps({"auths": {reg: {"auth": auth}}, "credsStore": ""}, indent="\t") + "\n"
            s = S(kind, auth, "auth", alt=["%s:%s" % (u, pw), pw])
            return home + "/.docker/config.json", text, [(s, auth)]
        if kind == "npmrc-auth-token":
            tok = rng.choice([rng.uuid().replace("-", "") + rng.hex(8), rng.b64(30),
                              "npm_" + github_classic(rng, "")])
            reg = rng.choice(["//registry.npmjs.org/", "//npm.pkg.github.com/",
                              "//nexus.acme.io/repository/npm/"])
            text = "registry=https:%s\n%s:_authToken=%s\nalways-auth=true\n" % (reg, reg, tok)
            return rng.choice([home + "/.npmrc", rng.choice(APP_ROOTS) + "/.npmrc"]), text, \
                [(S(kind, tok, "_authToken"), tok)]
        if kind == "pypirc-password":
            pw = rng.password(rng.random() < 0.7)
            text = "[distutils]\nindex-servers =\n    internal\n\n[internal]\nrepository = " \
                   "https://nexus.acme.io/repository/pypi-internal/\nusername = %s\npassword = %s\n" \
                   % (user(rng), pw)
            return home + "/.pypirc", text, [(S(kind, pw, "password"), pw)]
        if kind == "netrc-password":
            pw = rng.password(rng.random() < 0.6)
            m = rng.choice(["api.heroku.com", "github.com", "ftp.acme.io", "nexus.acme.io"])
            text = rng.choice(["machine %s\n  login %s\n  password %s\n",
                               "machine %s login %s password %s\n"]) % (m, user(rng), pw)
            marks = [(S(kind, pw, "password"), pw)]
            if rng.random() < 0.5:
                anon = "default login anonymous password guest@"
                text = anon + "\n" + text
                marks.append((D("guest@", None, "anonymous FTP login: a convention, not a "
                                "credential"), anon))
            return home + "/.netrc", text, marks
        if kind == "git-credentials":
            tok = rng.choice([github_classic(rng, "ghp_"), rng.password(True),
                              "glpat-" + rng.s(ALNUM + "-_", 20)])
            u = user(rng)
            url = "https://%s:%s@%s" % (u, tok, rng.choice(["github.com", "gitlab.acme.io",
                                                           "bitbucket.org"]))
            return home + "/.git-credentials", url + "\n", [(S(kind, tok, "password", text=url), url)]
        if kind == "kubeconfig-client-key":
            pem = c.keys.pem(rng.choice(["rsa", "ec"]))
            enc = base64.b64encode((pem + "\n").encode()).decode()
            s = S(kind, pem, "client-key-data", alt=[enc], multiline=True)
            ca = base64.b64encode((c.keys.public_cert()[0] + "\n").encode()).decode()
            crt = base64.b64encode((c.keys.public_cert()[0] + "\n").encode()).decode()
            text = KUBECONFIG % {"ca": ca, "user": "user:\n    client-certificate-data: %s\n"
                                                   "    client-key-data: %s" % (crt, enc)}
            return home + "/.kube/config", text, [
                (s, enc), (D(ca, None, "kubeconfig CA certificate (base64)"), ca),
                (D(crt, None, "kubeconfig client certificate (base64)"), crt)]
        if kind == "htpasswd":
            u = rng.choice(["admin", "ops", "grafana", "registry", "kibana"])
            v = rng.choice(["apr1", "bcrypt", "sha"])
            if v == "apr1":
                h = "$apr1$%s$%s" % (rng.s(ALNUM + "./", 8), rng.s(ALNUM + "./", 22))
            elif v == "bcrypt":
                h = "$2y$%02d$%s" % (rng.choice([5, 10, 12]), rng.s(ALNUM + "./", 53))
            else:
                h = "{SHA}" + base64.b64encode(rng.bytes(20)).decode()
            text = "%s:%s\n" % (u, h)
            if rng.random() < 0.5:
                text = "deploy:$apr1$%s$%s\n" % (rng.s(ALNUM, 8), rng.s(ALNUM + "./", 22)) + text
                # only the last line is labelled; add the first as a label too
            rel = rng.choice(["etc/nginx/.htpasswd", "etc/apache2/.htpasswd", "auth/htpasswd",
                              "srv/registry/auth/htpasswd"])
            marks = [(S(kind, h, "htpasswd", alt=["%s:%s" % (u, h)]), "%s:%s" % (u, h))]
            if text.startswith("deploy:"):
                h0 = text.split("\n")[0].split(":", 1)[1]
                marks.insert(0, (S(kind, h0, "htpasswd", alt=["deploy:" + h0]), "deploy:" + h0))
            return rel, text, marks
        if kind == "shell-history-password":
            pw = rng.password(rng.random() < 0.5)
            cmd = rng.choice(["mysql -u root -p%s -h db.internal shop",
                              "sshpass -p '%s' ssh deploy@10.0.3.4",
                              "psql \"postgresql://postgres:%s@localhost/app\"",
                              "curl -u admin:%s https://jenkins.acme.io/api/json",
                              "docker login -u ci -p %s registry.acme.io"])
            line = cmd % pw
            hist = ["ls -la", "cd /srv/app", "git pull", "docker ps", "vim config.yml",
                    "systemctl restart app", "tail -f /var/log/app.log", "history | grep ssh"]
            lines = [rng.choice(hist) for _ in range(rng.randint(20, 200))]
            lines.insert(rng.randint(0, len(lines)), line)
            return home + rng.choice(["/.bash_history", "/.zsh_history", "/.ash_history"]), \
                "\n".join(lines) + "\n", [(S(kind, pw, "password", text=line), pw)]
        raise ValueError(kind)


KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: %(ca)s
    server: https://10.0.0.1:6443
  name: prod
contexts:
- context:
    cluster: prod
    user: admin
  name: prod
current-context: prod
users:
- name: admin
  %(user)s
"""


def gcp_sa_text(rng, s):
    proj = rng.choice(["acme-prod", "billing-382910", "data-platform-1"])
    key_id = rng.hex(40)
    d = {"type": "service_account", "project_id": proj, "private_key_id": key_id,
         "private_key": s.text + "\n",
         "client_email": "deployer@%s.iam.gserviceaccount.com" % proj,
         "client_id": str(rng.randint(10 ** 20, 10 ** 21)),
         "auth_uri": "https://accounts.google.com/o/oauth2/auth",
         "token_uri": "https://oauth2.googleapis.com/token",
         "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
         "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/deployer"}
    text = json.dumps(d, indent=2) + "\n"
    esc = json.dumps(s.text + "\n")[1:-1]
    s.alt += [esc, key_id]
    return text, esc


# ---------------------------------------------------------------- special hosts for decoys


def decoy_host_text(rng, lang, d):
    """Whole files for the decoy-only host types; returns (rel, text, raw)."""
    if lang == "json-lock":
        name = rng.choice(["lodash", "express", "debug", "ms", "semver", "chalk"])
        body = {"name": "webshop", "lockfileVersion": 3, "packages": {
            "node_modules/%s" % name: {"version": "%d.%d.%d" % (rng.randint(1, 9),
                                                                rng.randint(0, 20),
                                                                rng.randint(0, 9)),
                                       "resolved": "https://registry.npmjs.org/%s/-/%s.tgz"
                                                   % (name, name),
                                       "integrity": d.value}}}
        return rng.choice(APP_ROOTS) + "/package-lock.json", json.dumps(body, indent=2) + "\n"
    if lang == "yarn-lock":
        return rng.choice(APP_ROOTS) + "/yarn.lock", \
            "left-pad@^1.3.0:\n  version \"1.3.0\"\n  resolved \"https://registry.yarnpkg.com/" \
            "left-pad/-/left-pad-1.3.0.tgz\"\n  integrity %s\n" % d.value
    if lang == "go-sum":
        return rng.choice(APP_ROOTS) + "/go.sum", \
            "golang.org/x/net v0.%d.0 %s\n" % (rng.randint(1, 30), d.value)
    if lang == "sha256sums":
        return rng.choice(APP_ROOTS) + "/dist/SHA256SUMS", \
            "%s  webshop-linux-amd64.tar.gz\n" % d.value
    if lang == "authorized_keys":
        return rng.choice(["root", "home/deploy"]) + "/.ssh/authorized_keys", d.value + "\n"
    if lang == "keyfile":
        return rng.choice(APP_ROOTS) + "/certs/" + rng.choice(
            ["server.crt", "ca.pem", "public.pem", "tls.crt"]), d.value + "\n"
    if lang == "html":
        return rng.choice(APP_ROOTS) + "/public/index.html", \
            "<!doctype html>\n<html><head>\n<script src=\"https://cdn.example.net/app.js\" " \
            "integrity=\"%s\" crossorigin=\"anonymous\"></script>\n</head><body></body></html>\n" \
            % d.value if d.value.startswith("sha384") else \
            "<!doctype html>\n<html><body>\n<img src=\"%s\">\n</body></html>\n" % d.value
    if lang == "css":
        return rng.choice(APP_ROOTS) + "/public/main.css", \
            ".logo {\n  background-image: url(\"%s\");\n}\n" % d.value
    return None


# ---------------------------------------------------------------- bulk filler


def minified_js(rng, n):
    idents = ["a", "b", "c", "d", "e", "t", "n", "r", "i", "o", "s", "u", "l"]
    parts = []
    size = 0
    while size < n:
        p = rng.choice([
            "function %s(%s,%s){return %s.%s(%s)}" % (rng.choice(idents), rng.choice(idents),
                                                     rng.choice(idents), rng.choice(idents),
                                                     rng.choice(["map", "filter", "call", "apply"]),
                                                     rng.choice(idents)),
            "var %s=%d,%s=\"%s\";" % (rng.choice(idents), rng.randint(0, 99999),
                                     rng.choice(idents), rng.s(string.ascii_lowercase, 8)),
            "if(%s&&%s.length>%d){%s.push(%s)}" % (rng.choice(idents), rng.choice(idents),
                                                  rng.randint(0, 99), rng.choice(idents),
                                                  rng.choice(idents)),
            "%s.prototype.%s=function(){return this._%s};" % (
                rng.choice(idents).upper(), rng.s(string.ascii_lowercase, 6),
                rng.s(string.ascii_lowercase, 5))])
        parts.append(p)
        size += len(p)
    return "".join(parts) + "\n"


def json_data(rng, n):
    out, size = ["["], 1
    while size < n:
        rec = json.dumps({"id": rng.randint(1, 10 ** 7), "sku": "SKU-%06d" % rng.randint(0, 999999),
                          "name": " ".join(rng.choice(["blue", "steel", "large", "organic",
                                                        "classic", "mini", "lamp", "chair",
                                                        "kettle"]) for _ in range(3)),
                          "price": round(rng.random() * 500, 2), "stock": rng.randint(0, 999),
                          "tags": rng.sample(["new", "sale", "eco", "gift", "bulk"], 2)})
        out.append(rec + ",")
        size += len(rec) + 1
    out.append("{}]")
    return "\n".join(out) + "\n"


def csv_data(rng, n):
    out, size = ["date,region,orders,revenue,returns"], 0
    while size < n:
        line = "2024-%02d-%02d,%s,%d,%.2f,%d" % (rng.randint(1, 12), rng.randint(1, 28),
                                                 rng.choice(["eu-west", "us-east", "apac"]),
                                                 rng.randint(0, 5000), rng.random() * 10 ** 5,
                                                 rng.randint(0, 50))
        out.append(line)
        size += len(line) + 1
    return "\n".join(out) + "\n"


def add_filler(c, deadline_bytes):
    """Fill the corpus up to deadline_bytes: real text (45%), ELF (22%), generated
    logs/JSON/CSV/minified JS (20%), random blobs and real .gz (13%)."""
    rng = c.rng
    need = deadline_bytes - c.bytes
    if need <= 0:
        return
    plan = [("text", 0.45), ("elf", 0.22), ("gen", 0.20), ("blob", 0.13)]
    mirrors = {"py": ["usr/lib/python3.11", "usr/local/lib/python3.11/site-packages/vendored",
                      "app/.venv/lib/python3.11/site-packages", "opt/tool/lib"],
               "go": ["usr/local/go/src", "app/vendor/golang.org/x", "srv/gateway/internal",
                      "workspace/etl/pkg"],
               "js": ["app/node_modules", "opt/webshop/public/static", "usr/lib/node_modules"],
               "pl": ["usr/share/perl/5.36", "opt/legacy/lib"],
               "c": ["usr/include", "workspace/native/include"],
               "doc": ["usr/share/doc", "usr/share/man", "opt/docs"]}
    for what, frac in plan + [("gen", 1.0)]:
        # the last round tops up with generated text whatever ran out before
        goal = deadline_bytes if frac == 1.0 else c.bytes + int(need * frac)
        stalls = 0
        while c.bytes < goal and stalls < 50:
            before = c.bytes
            if what == "text":
                kind = rng.choice(["py", "py", "go", "go", "js", "pl", "c", "doc"])
                p, data = c.next_filler(kind, maxsize=max(32 << 10, goal - c.bytes))
                if data is None:
                    stalls += 1
                    continue
                src = p
                for d in FILLER_DIRS[kind]:
                    if p.startswith(d + "/"):
                        src = p[len(d) + 1:]
                rel = c.unique(rng.choice(mirrors[kind]) + "/" + src)
                c.write(rel, data)
            elif what == "elf":
                p, data = c.next_filler("elf", maxsize=max(64 << 10, goal - c.bytes))
                if data is None:
                    stalls += 1
                    continue
                if data[:4] != b"\x7fELF":
                    continue
                rel = c.unique(rng.choice(["usr/lib/x86_64-linux-gnu", "usr/bin", "app/bin",
                                           "opt/acme/lib"]) + "/" + os.path.basename(p))
                c.write(rel, data, 0o755)
            elif what == "gen":
                n = max(16 << 10, min(rng.randint(200 << 10, 3 << 20), goal - c.bytes))
                g = rng.choice(["log", "json", "csv", "minjs"])
                root = rng.choice(APP_ROOTS + ["var/log"])
                if g == "log":
                    lines = []
                    size = 0
                    while size < n:
                        ln = log_line(rng)
                        lines.append(ln)
                        size += len(ln) + 1
                    c.write(c.unique(root + "/logs/access-%d.log" % rng.randint(1, 999)),
                            ("\n".join(lines) + "\n").encode())
                elif g == "json":
                    c.write(c.unique(root + "/data/catalog-%d.json" % rng.randint(1, 999)),
                            json_data(rng, n).encode())
                elif g == "csv":
                    c.write(c.unique(root + "/data/sales-%d.csv" % rng.randint(1, 999)),
                            csv_data(rng, n).encode())
                else:
                    c.write(c.unique(root + "/public/static/js/chunk-%s.min.js" % rng.hex(8)),
                            minified_js(rng, n).encode())
            else:
                if rng.random() < 0.5:
                    p, data = c.next_filler("doc", maxsize=max(32 << 10, goal - c.bytes))
                    if data is not None and p.endswith(".gz"):
                        c.write(c.unique("usr/share/doc/" + p.split("/")[-2] + "/" +
                                         os.path.basename(p)), data)
                        continue
                n = max(16 << 10, min(rng.randint(64 << 10, 4 << 20), goal - c.bytes))
                ext = rng.choice([".bin", ".dat", ".png", ".woff2", ".pack"])
                c.write(c.unique(rng.choice(APP_ROOTS) + "/assets/blob-%s%s" % (rng.hex(8), ext)),
                        rng.bytes(n))
            if c.bytes == before:
                stalls += 1


# ---------------------------------------------------------------- main


def generate(args):
    t0 = time.time()
    rng = R(args.seed)
    out = os.path.abspath(args.out)
    if os.path.exists(out) and os.listdir(out):
        sys.exit("gencorpus: %s exists and is not empty" % out)
    os.makedirs(out, exist_ok=True)
    keys = KeyMaker(rng, not args.no_tools)
    try:
        pools = filler_pools(rng)
        c = Corpus(out, rng, keys, pools, int(args.size * 1e6))
        p = Planter(c)
        scale = min(1.0, max(0.25, args.size / 300.0))
        wsum = sum(w for w, _, _ in KINDS.values())
        # ~540 planted at the default size (the AWS generator counts double)
        target = 540 * scale
        plan = []
        for kind, (w, gen, hosts) in sorted(KINDS.items()):
            n = max(2, round(target * w / (wsum + KINDS["aws-access-key-id"][0])))
            plan += [kind] * n
        rng.shuffle(plan)
        dm = decoy_makers()
        dsum = sum(w for w, _, _ in dm)
        dplan = []
        for i, (w, fn, hosts) in enumerate(dm):
            dplan += [i] * max(1, round(170 * scale * w / dsum))
        rng.shuffle(dplan)
        # decoys ride along with secrets in the same files (scanners must tell them apart),
        # the rest get files of their own
        dq = list(dplan)
        nq = []
        for _ in range(round(30 * scale)):
            nq.append(rng.choice(NEUTRAL))

        def take_decoy_groups(lang, k):
            got = []
            for j in list(dq):
                if len(got) >= k:
                    break
                w, fn, hosts = dm[j]
                if lang in hosts:
                    dq.remove(j)
                    r = fn(rng, keys)
                    got.append(r if isinstance(r, list) else [r])
            return got

        def take_decoys(lang, k):
            return [d for g in take_decoy_groups(lang, k) for d in g]

        forced = ["gzip", "utf-16le", "utf-16be", "binary", "zip", "tar.gz", "tar.gz+zip",
                  "base64"] * 2
        for kind in plan:
            w, gen, hosts = KINDS[kind]
            lang = rng.choice(hosts)
            if kind == "http-basic-auth-header":
                gen = lambda r: []  # noqa: E731 (built below)
            elif gen is None or lang in ("docker-config", "npmrc", "pypirc", "netrc",
                                       "git-credentials", "htpasswd", "bash-history") or \
                    kind == "kubeconfig-client-key":
                rel, text, marks = p.credential_file(kind)
                p.place_text(rel, text, marks, p.container(lang))
                continue
            try:
                items = gen(rng)
            except TypeError:
                items = gen(rng, keys)
            if lang == "sa-json":
                text, esc = gcp_sa_text(rng, items[0])
                rel = rng.choice(APP_ROOTS + SKIP_ROOTS) + "/" + rng.choice(
                    ["service-account.json", "gcp-key.json", "credentials/sa.json"])
                n0 = len(c.labels)
                p.place_text(rel, text, [(items[0], esc)], p.container(lang))
                e = c.labels[n0]
                e["line"] = 2  # '"type": "service_account"': the secret is the whole object
                continue
            if lang == "kubeconfig":
                s = items[0]
                text = KUBECONFIG % {"ca": base64.b64encode(keys.public_cert()[0].encode()).decode(),
                                     "user": "user:\n    token: %s" % s.text}
                home = rng.choice(["root", "home/deploy", "home/ci"])
                p.place_text(home + "/.kube/config", text, [(s, s.text)], p.container(lang))
                continue
            if lang == "dotenv":
                more = [S("dotenv-secret", gen(rng)[0].value, n) for n in
                        rng.sample(["REFRESH_SECRET", "CSRF_SECRET", "SIGNING_KEY"], rng.randint(0, 2))]
                items = items + more
                lines = lines_generic(rng, "env")
                marks = []
                for it in items:
                    lines.insert(rng.randint(0, len(lines)), assign(rng, "env", it.name, it.text))
                    marks.append((it, it.text))
                rel = rng.choice(APP_ROOTS + SKIP_ROOTS) + "/" + rng.choice(
                    [".env", ".env.production", ".env.local"])
                p.place_text(rel, "\n".join(lines) + "\n", marks, p.container(lang))
                continue
            if lang == "keyfile":
                s = items[0]
                rel = rng.choice(APP_ROOTS + SKIP_ROOTS + ["root/.ssh", "home/deploy/.ssh",
                                                           "etc/ssl/private"]) + "/" + rng.choice(
                    {"private-key-openssh": ["id_ed25519", "id_rsa", "deploy_key"],
                     "private-key-pgp": ["signing-key.asc", "release.gpg.asc"]}.get(
                        kind, ["server.key", "tls.key", "private.pem", "jwt-signing.pem"]))
                p.place_text(rel, s.text + "\n", [(s, s.text)], p.container(lang))
                continue
            if kind == "http-basic-auth-header":
                u, pw = user(rng), rng.password(rng.random() < 0.6)
                enc = base64.b64encode(("%s:%s" % (u, pw)).encode()).decode()
                items = [S(kind, enc, "Authorization", alt=["%s:%s" % (u, pw), pw])]
                tmpl = {"log": "%s DEBUG [http] > Authorization: Basic %%s" % ts(rng),
                        "sh": "curl -H 'Authorization: Basic %s' https://jenkins.acme.io/job/deploy/build",
                        "md": "    curl -H \"Authorization: Basic %s\" https://api.acme.io/v1/orders",
                        "py": "HEADERS = {\"Authorization\": \"Basic %s\"}"}[lang]
                line = tmpl % enc
                lines, _ = c.host_text(lang)
                lines.insert(rng.randint(0, len(lines)), line)
                rel = planted_path(rng, lang, rng.random() < 0.2)
                p.place_text(rel, "\n".join(lines) + "\n", [(items[0], enc)], p.container(lang))
                continue
            if lang == "terraformrc":
                s = items[0]
                text = 'credentials "app.terraform.io" {\n  token = "%s"\n}\n' % s.text
                p.place_text(rng.choice(["root", "home/deploy"]) + "/.terraformrc", text,
                             [(s, s.text)], p.container(lang))
                continue
            if kind == "gitlab-runner-token" and lang == "toml":
                s = items[0]
                lines = lines_generic(rng, "toml") + ["  token = \"%s\"" % s.text]
                p.place_text("etc/gitlab-runner/config.toml", "\n".join(lines) + "\n",
                             [(s, s.text)], p.container(lang))
                continue
            # general case: code/config host, any container; every container at
            # least twice, also in small corpora
            container = p.container(lang)
            if forced and not any(it.multiline for it in items):
                container = forced.pop()
            if container == "binary" and not any(it.multiline for it in items):
                p.place_binary(items + take_decoys("py", rng.randint(0, 1)),
                               rng.choice(NAMES["py"]))
                continue
            if container == "base64":
                p.place_base64(items + take_decoys("env", rng.randint(0, 1)))
                continue
            if container == "binary":
                container = "plain"
            groups = [items] + take_decoy_groups(lang, rng.choice([0, 0, 1, 1, 2]))
            if nq and lang in CODE + CONF and rng.random() < 0.25:
                groups.append([Neutral(nq.pop())])
            rng.shuffle(groups)
            text, marks = c.render(lang, groups)
            skip = rng.random() < 0.12
            rel = planted_path(rng, lang, skip)
            p.place_text(rel, text, marks, container)

        # decoys left over: files of their own
        while dq:
            j = dq.pop()
            w, fn, hosts = dm[j]
            r = fn(rng, keys)
            ds = r if isinstance(r, list) else [r]
            lang = rng.choice(hosts)
            special = decoy_host_text(rng, lang, ds[0])
            if special:
                rel, text = special
                p.place_text(rel, text, [(ds[0], ds[0].value)], "plain")
                continue
            if lang == "keyfile":
                lang = "yaml"
            if lang == "authorized_keys":
                lang = "md"
            text, marks = c.render(lang, [ds])
            rel = planted_path(rng, lang, rng.random() < 0.2)
            p.place_text(rel, text, marks, rng.choice(["plain"] * 8 + ["gzip", "zip"]))

        add_filler(c, c.size)
        labels = c.labels
        for e in labels:
            if e.get("line") is None:
                e.pop("end_line", None)
        planted = [e for e in labels if "kind" in e]
        meta = {"generator": "tests/secrets/gencorpus.py", "version": VERSION,
                "seed": args.seed, "size_mb": args.size, "files": c.files, "bytes": c.bytes,
                "planted": len(planted), "kinds": len({e["kind"] for e in planted}),
                "decoys": sum(1 for e in labels if e.get("decoy")),
                "neutral": sum(1 for e in labels if e.get("neutral")),
                "tools": {k: v for k, v in keys.have.items()},
                "github_checksum_alphabet": B62,
                "seconds": round(time.time() - t0, 1)}
        with open(os.path.join(out, "labels.json"), "w") as f:
            json.dump({"meta": meta, "labels": labels}, f, indent=1)
            f.write("\n")
        return meta, labels
    finally:
        keys.close()


def kinds_report(labels):
    by = {}
    for e in labels:
        if "kind" not in e:
            continue
        d = by.setdefault(e["kind"], {"n": 0, "enc": {}, "ex": e["value"]})
        d["n"] += 1
        k = e["encoding"] or "plain"
        d["enc"][k] = d["enc"].get(k, 0) + 1
    print("%-36s %4s  %-44s %s" % ("kind", "n", "encodings", "example value (truncated)"))
    for k in sorted(by):
        d = by[k]
        enc = ",".join("%s:%d" % kv for kv in sorted(d["enc"].items()))
        ex = d["ex"].split("\n")[0]
        print("%-36s %4d  %-44s %s" % (k, d["n"], enc, ex[:60]))
    dec = {}
    for e in labels:
        if e.get("decoy"):
            dec[e["why"]] = dec.get(e["why"], 0) + 1
    print("\ndecoys: %d" % sum(dec.values()))
    for w in sorted(dec):
        print("  %4d  %s" % (dec[w], w))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--size", type=float, default=300.0, help="MB (10^6 bytes), default 300")
    ap.add_argument("--kinds-report", action="store_true", help="print kinds and decoys made")
    ap.add_argument("--no-tools", action="store_true",
                    help="no openssl/ssh-keygen/gpg: synthetic private keys")
    args = ap.parse_args()
    if args.size <= 0:
        ap.error("--size must be positive")
    meta, labels = generate(args)
    print("gencorpus: seed %d: %d files, %.1f MB, %d planted secrets of %d kinds, %d decoys, "
          "%d neutral, %.1f s -> %s" % (meta["seed"], meta["files"], meta["bytes"] / 1e6,
                                       meta["planted"], meta["kinds"], meta["decoys"],
                                       meta["neutral"], meta["seconds"],
                                       os.path.join(args.out, "labels.json")), file=sys.stderr)
    if args.kinds_report:
        kinds_report(labels)


if __name__ == "__main__":
    main()
