/* HS4009 minimal-packages: compilers and build tools in the final image.
 *
 * A runtime image needs the program, not the toolchain that built it: a
 * compiler adds hundreds of MiB and lets whoever gets a shell in the
 * container build exploit code on the spot.  Decided on the final view (what
 * a container sees): a program named gcc, cc, g++, c++, clang, clang++
 * (also versioned: gcc-12, clang-16), make, go, javac, rustc or cargo
 * directly in usr/bin, usr/local/bin, bin, usr/local/go/bin (the official
 * golang image) or usr/local/cargo/bin (the official rust image).  Symlinks
 * and hard links are followed inside the image (Debian's cc ->
 * /etc/alternatives/cc -> /usr/bin/gcc -> gcc-12): a dangling one is not
 * reported, and the names of one file are one finding.  Files deleted
 * before the final layer are HS4008's and the size report's business, not
 * this rule's: they cannot run. */
#include "audit/audit.h"
#include "audit/common.h"
#include "basic/limits.h"

static const char *const dirs[] = {
        "usr/bin", "usr/local/bin", "bin", "usr/local/go/bin", "usr/local/cargo/bin", NULL,
};

static const struct hull_audit_program_name names[] = {
        {"gcc", "the GNU C compiler", HULL_AUDIT_SUFFIX_VERSION},
        {"cc", "a C compiler", HULL_AUDIT_SUFFIX_NONE},
        {"g++", "the GNU C++ compiler", HULL_AUDIT_SUFFIX_VERSION},
        {"c++", "a C++ compiler", HULL_AUDIT_SUFFIX_NONE},
        {"clang", "the Clang C compiler", HULL_AUDIT_SUFFIX_VERSION},
        {"clang++", "the Clang C++ compiler", HULL_AUDIT_SUFFIX_VERSION},
        {"make", "the make build tool", HULL_AUDIT_SUFFIX_NONE},
        {"go", "the Go toolchain", HULL_AUDIT_SUFFIX_NONE},
        {"javac", "the Java compiler", HULL_AUDIT_SUFFIX_NONE},
        {"rustc", "the Rust compiler", HULL_AUDIT_SUFFIX_NONE},
        {"cargo", "the Rust build tool", HULL_AUDIT_SUFFIX_NONE},
};

static void audit(struct hull_audit_ctx *c) {
        (void)hull_audit_programs(c, dirs, names, ELEMENTSOF(names), false,
                                  hull_audit_program_report, NULL);
}

const struct hull_rule hull_rule_HS4009 = {
        .id = "HS4009",
        .slug = "minimal-packages",
        .severity = HULL_SEV_MEDIUM,
        .title = "Compiler or build tool in the final image",
        .rationale = "A toolchain in the runtime image adds size and attack surface: whoever gets "
                     "a shell in the container can build and run their own code.",
        .fix = "Build in a separate stage and COPY --from it only the artifacts into a runtime "
               "image (multi-stage build), or remove the toolchain in the RUN that used it",
        .hadolint = NULL,
        .trivy = NULL,
        .audit = audit,
};
