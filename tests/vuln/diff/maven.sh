#!/bin/bash
# maven.sh - differential check of `hullscan version compare maven` against
# Maven's org.apache.maven.artifact.versioning.ComparableVersion.
#
# usage: tests/vuln/diff/maven.sh [--pairs N] [--hullscan PATH] [--seed S] [--jar JAR]
#
# The oracle is ComparableVersion from a maven-artifact jar: --jar, else
# Debian's /usr/share/java/maven3-artifact.jar (libmaven3-core-java and a
# JDK are installed with apt-get when missing).  Bookworm ships 3.8.7,
# whose ComparableVersion bytecode is the same as 3.9.9's (trixie), the
# 3.9 semantics src/vuln/version_maven.c follows.  Generates N (default
# 100000) pairs of realistic Maven versions and mutations of them from a
# fixed seed, asks a small Java program and hullscan's batch mode for every
# pair, prints "maven: N pairs, D disagreements" and the first 20
# disagreements, and exits 1 on any.  A pair's answer is -1, 0, 1, or
# "error" when either version is invalid: ComparableVersion accepts any
# string, so the Java side applies hullscan's rule (1 to 256 bytes of
# printable ASCII, no space; see version_maven.c).  Run by hand, not by
# `make check`.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
jar=""
diff_option --jar jar
diff_init "$@"

if [ -z "$jar" ]; then
        jar=/usr/share/java/maven3-artifact.jar
        diff_need test -f "$jar" -- libmaven3-core-java
fi
diff_need command -v javac -- default-jdk-headless
[ -f "$jar" ] || { echo "maven.sh: no maven-artifact jar at '$jar'" >&2; exit 2; }
oracle_version=$(unzip -p "$jar" META-INF/maven/org.apache.maven/maven-artifact/pom.properties 2>/dev/null |
        sed -n 's/^version=//p')

# The generator: Maven Central shapes (numbers, qualifiers glued or after
# '.', '-', release trains, Red Hat and Eclipse builds, snapshot
# timestamps, long and zero-padded numbers around the int/long/BigInteger
# limits) and mutations (characters deleted, inserted, doubled, swapped,
# separators changed; a few invalid bytes and over-long strings).
diff_generate <<'EOF'
import vdiff

r = vdiff.rng(5)

KNOWN = ["alpha", "beta", "milestone", "rc", "cr", "snapshot", "ga", "final", "release", "sp",
         "a", "b", "m", "ALPHA", "Alpha", "Beta", "BETA", "M", "RC", "CR", "SNAPSHOT",
         "Final", "FINAL", "GA", "RELEASE", "Release", "SP", "A", "B"]
OTHER = ["jre", "android", "redhat", "incubating", "dev", "pre", "preview", "patch", "SEC",
         "hotfix", "x", "z", "c", "r", "v", "e", "jdk8", "Hoxton", "Finchley", "SR", "EA",
         "nightly", "build", "b+", "_", "+", "~", "foo_bar", "alpha_1", "atlassian", "fuse",
         "spring", "ea", "beta-", "rc-", "g", "gaa", "finals", "rel", "snap", "s", "spx"]
BIG = ["999999999", "1000000000", "2147483647", "2147483648", "999999999999999999",
       "1000000000000000000", "9223372036854775807", "9223372036854775808",
       "12345678901234567890123", "0000000000", "00000000000000000000", "000000001",
       "0000000001", "0000000000000000001", "00000000000000000000000005"]

def num():
    x = r.random()
    if x < 0.55:
        return str(r.randint(0, 12))
    if x < 0.75:
        return str(r.randint(0, 300))
    if x < 0.82:
        return "0" * r.randint(1, 3) + str(r.randint(0, 20))
    if x < 0.9:
        return r.choice(BIG)
    if x < 0.95:
        return str(r.randint(2000, 2024)) + "%02d%02d" % (r.randint(1, 12), r.randint(1, 28))
    return str(r.randint(0, 10 ** r.randint(1, 25)))

def qual():
    x = r.random()
    if x < 0.6:
        return r.choice(KNOWN)
    if x < 0.95:
        return r.choice(OTHER)
    return "".join(r.choice("abcmrsxyzABC_+~") for _ in range(r.randint(1, 5)))

def nums(lo=1, hi=4):
    return ".".join(num() for _ in range(r.randint(lo, hi)))

def sep():
    return r.choice(["-", "-", ".", ".", ""])

def version():
    x = r.random()
    if x < 0.25:
        return nums()
    if x < 0.5:  # 1.0-alpha, 1.0.RC2, 1.0alpha-1, 1.0-beta.2
        v = nums() + sep() + qual()
        if r.random() < 0.6:
            v += r.choice(["", "", "-", "."]) + num()
        if r.random() < 0.15:
            v += r.choice(["-", "."]) + qual()
        return v
    if x < 0.6:  # build numbers, snapshot timestamps
        v = nums() + "-" + num()
        if r.random() < 0.3:
            v = nums() + "-" + "%d%02d%02d.%06d-%d" % (r.randint(2010, 2024), r.randint(1, 12),
                                                      r.randint(1, 28), r.randint(0, 235959),
                                                      r.randint(1, 40))
        return v
    if x < 0.68:  # Red Hat and other vendor builds
        return nums(3, 3) + r.choice([".", "-", ".Final-", ".redhat-", "-redhat-"]) + \
            r.choice(["redhat", "atlassian", "fuse", "jenkins"]) + "-" + num()
    if x < 0.74:  # release trains
        return r.choice(["Hoxton", "Finchley", "Greenwich", "Ilford", "Camden", "Brixton"]) + \
            "." + r.choice(["RELEASE", "SR" + num(), "M" + num(), "RC" + num(), "BUILD-SNAPSHOT"])
    if x < 0.78:  # Eclipse / OSGi
        return nums(3, 3) + ".v" + num() + r.choice(["", "-" + num(), "-" + qual()])
    if x < 0.84:  # semver-style prereleases
        return nums(3, 3) + "-" + ".".join(r.choice([qual(), num()]) for _ in range(r.randint(1, 3)))
    if x < 0.9:  # chains of separators and qualifiers
        return "".join(r.choice([num(), qual()]) + r.choice(["-", ".", "", "--", ".."])
                       for _ in range(r.randint(1, 5))).rstrip(".-") or "0"
    # odd corners: leading, trailing and doubled separators, lone qualifiers
    return r.choice(["", "-", ".", "0", "0.", "-0", ".0"]) + r.choice([nums(), qual()]) + \
        r.choice(["", "-", ".", "..", "-.", ".-", "--"]) + r.choice(["", num(), qual()])

def related(v):
    """A version near v: other last number, qualifier, case, separator,
    trailing zeros."""
    x = r.random()
    if x < 0.15:
        return v + r.choice([".0", "-0", ".0.0", "-ga", ".final", "-SNAPSHOT", ".1", "-1", "-sp"])
    if x < 0.3:
        return v.upper() if r.random() < 0.5 else v.lower()
    if x < 0.45:
        return v.replace("-", ".") if r.random() < 0.5 else v.replace(".", "-", 1)
    if x < 0.6:
        i = max(v.rfind("."), v.rfind("-"))
        return v[:i + 1] + r.choice([num(), qual()]) if i >= 0 else num()
    if x < 0.75:
        parts = v.split(".")
        return ".".join(parts[:r.randint(1, len(parts))])
    return v + sep() + qual()

def odd(v, i, x):
    """A byte hullscan refuses, or a version over 256 bytes."""
    if x < 0.9:
        return v[:i] + r.choice([" ", "\x7f", "\x01", "\u00e9", "\u0663", "\u0130", "\x0b"]) + v[i:]
    return v + "." + "0" * r.randint(1, 10) + "1" * r.randint(200, 260)

def mutate(v):
    return vdiff.typo(v, ".-.-_+~abmrAB0129", (0.25, 0.5, 0.6, 0.7, 0.8), odd)

def clean(v):
    return v.replace("\t", "").replace("\n", "").replace("\r", "")

vdiff.related_pairs(version, related, mutate, clean, related_below=0.55, same_below=0.6,
                    mutate_p=0.1)
EOF

# The oracle.  Bytes are read as ISO-8859-1 so that every byte is one char
# for the validity rule (a non-ASCII byte is invalid for hullscan).
cat >"$work/MavenOracle.java" <<'EOF'
import java.io.*;
import java.nio.charset.StandardCharsets;
import org.apache.maven.artifact.versioning.ComparableVersion;

public class MavenOracle {
    static boolean valid(String v) {
        if (v.isEmpty() || v.length() > 256)
            return false;
        for (int i = 0; i < v.length(); i++)
            if (v.charAt(i) < 0x21 || v.charAt(i) > 0x7e)
                return false;
        return true;
    }

    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(
                new InputStreamReader(System.in, StandardCharsets.ISO_8859_1), 1 << 16);
        PrintWriter out = new PrintWriter(new BufferedWriter(
                new OutputStreamWriter(System.out, StandardCharsets.ISO_8859_1), 1 << 16));
        for (String line; (line = in.readLine()) != null;) {
            int t = line.indexOf('\t');
            String a = line.substring(0, t), b = line.substring(t + 1);
            if (!valid(a) || !valid(b))
                out.println("error");
            else
                out.println(Integer.signum(new ComparableVersion(a).compareTo(new ComparableVersion(b))));
        }
        out.flush();
    }
}
EOF
javac -nowarn -cp "$jar" -d "$work" "$work/MavenOracle.java"
diff_compare java -cp "$jar:$work" MavenOracle
diff_report "ComparableVersion from ${jar} (maven-artifact ${oracle_version:-unknown})"
