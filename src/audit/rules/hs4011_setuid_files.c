/* HS4011 other: setuid or setgid files other than the distributions' own.
 *
 * A setuid (setgid) program runs with its owner's (group's) privileges
 * whoever starts it, so every one is a way from the container's user to
 * root.  Decided on the final view (a file a later layer deleted cannot
 * run): regular files with mode bit 04000 or 02000 (setgid directories only
 * make new files inherit a group and are not reported).  A hard link is the
 * same inode as the file it names: it has that file's mode and owner, and
 * is judged under its own name too.
 *
 * Tolerated: the programs the common base distributions install setuid or
 * setgid themselves, at their packaged paths (both the /bin and the /usr/bin
 * spelling, for merged-/usr and older images).  docs/rules/HS4011.md lists
 * them with their packages and why each needs the bit.  The test is by path:
 * a file of such a name elsewhere (/app/passwd) is reported, and a tolerated
 * path replaced by another program is not (a vulnerability or integrity
 * scanner's job).  Deliberately not tolerated although distributions ship
 * them: pkexec and the polkit helper (desktop authorisation, CVE-2021-4034),
 * at, ping and traceroute (capabilities replace the bit), Xorg.wrap,
 * chrome-sandbox, mount.nfs/mount.cifs. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/common.h"
#include "basic/err.h"
#include "basic/limits.h"

/* The allow-list: patterns for hull_audit_path_under() ("*" = one
 * component, for multiarch directories), matched as whole paths. */
static const char *const allowed[] = {
        /* su: util-linux (Debian 12+, RHEL, Alpine util-linux-login), login
         * (Debian 11, Ubuntu), shadow-login (Alpine) */
        "bin/su",
        "usr/bin/su",
        /* mount, umount: mount (Debian, Ubuntu), util-linux (RHEL, Alpine) */
        "bin/mount",
        "usr/bin/mount",
        "bin/umount",
        "usr/bin/umount",
        /* passwd (Debian passwd, RHEL passwd, Alpine shadow); chsh, chfn,
         * gpasswd (Debian passwd, RHEL util-linux-user / shadow-utils,
         * Alpine shadow); newgrp (Debian login, RHEL shadow-utils, Alpine
         * shadow); chage, expiry (setgid shadow: Debian passwd; RHEL
         * shadow-utils; Alpine shadow) */
        "usr/bin/passwd",
        "usr/bin/chsh",
        "usr/bin/chfn",
        "usr/bin/gpasswd",
        "usr/bin/newgrp",
        "usr/bin/chage",
        "usr/bin/expiry",
        /* newuidmap, newgidmap: uidmap (Debian), shadow-uidmap (Alpine) */
        "usr/bin/newuidmap",
        "usr/bin/newgidmap",
        /* unix_chkpwd: libpam-modules-bin (Debian, setgid shadow), pam (RHEL);
         * pam_extrausers_chkpwd: libpam-extrausers (Ubuntu);
         * pam_timestamp_check: pam (RHEL) */
        "sbin/unix_chkpwd",
        "usr/sbin/unix_chkpwd",
        "sbin/pam_extrausers_chkpwd",
        "usr/sbin/pam_extrausers_chkpwd",
        "usr/sbin/pam_timestamp_check",
        /* sudo (every distribution; the lint rule HS2003 reports installing it) */
        "usr/bin/sudo",
        /* busybox-suid (Alpine): the setuid helper for busybox's su/passwd... */
        "bin/bbsuid",
        /* ssh-agent: openssh-client (Debian, setgid _ssh); ssh-keysign:
         * openssh-client (Debian), openssh-clients (RHEL, setgid ssh_keys),
         * openssh-keysign (Alpine) */
        "usr/bin/ssh-agent",
        "usr/lib/openssh/ssh-keysign",
        "usr/libexec/openssh/ssh-keysign",
        "usr/lib/ssh/ssh-keysign",
        /* wall, write: bsdutils / bsdextrautils (Debian, setgid tty),
         * util-linux (RHEL) */
        "usr/bin/wall",
        "usr/bin/write",
        "usr/bin/bsd-write",
        /* crontab: cron (Debian, setgid crontab), cronie (RHEL) */
        "usr/bin/crontab",
        /* dotlockfile: liblockfile-bin (Debian, setgid mail) */
        "usr/bin/dotlockfile",
        /* utempter: libutempter0 (Debian, setgid utmp), libutempter (RHEL) */
        "usr/lib/*/utempter/utempter",
        "usr/libexec/utempter/utempter",
        /* dbus-daemon-launch-helper: dbus (Debian; RHEL; Alpine) */
        "usr/lib/dbus-1.0/dbus-daemon-launch-helper",
        "usr/libexec/dbus-1/dbus-daemon-launch-helper",
        "usr/libexec/dbus-daemon-launch-helper",
        /* FUSE mounts: fuse (fusermount), fuse3 (fusermount3), ntfs-3g */
        "bin/fusermount",
        "usr/bin/fusermount",
        "bin/fusermount3",
        "usr/bin/fusermount3",
        "bin/ntfs-3g",
        "usr/bin/ntfs-3g",
        NULL,
};

static bool is_allowed(const char *path) {
        for (size_t i = 0; allowed[i]; i++) {
                size_t len;
                if (hull_audit_path_under(allowed[i], path, &len) && path[len] == '\0')
                        return true;
        }
        return false;
}

static void audit(struct hull_audit_ctx *c) {
        struct hull_layers_iter it;
        char path[HULL_MAX_PATH_BYTES + 1];

        hull_layers_iter_init(&it, c->L, HULL_LAYERS_FINAL);
        for (const struct hull_layers_node *n; (n = hull_layers_iter_next(&it)) && !c->err;) {
                enum hull_entry_type t = hull_layers_node_type(n);
                const struct hull_layers_node *file = n;
                struct hull_audit_where w;
                const char *bits;
                char owner[64];
                uint32_t mode, uid, gid;

                if (t != HULL_ENTRY_FILE && t != HULL_ENTRY_HARDLINK)
                        continue;
                if (t == HULL_ENTRY_HARDLINK) {
                        /* one inode: its mode and owner are the linked file's */
                        hull_layers_node_path(n, path, sizeof(path));
                        if (hull_layers_lookup(c->L, path, HULL_LAYERS_FOLLOW_HARDLINKS, &file,
                                               NULL) != HULL_OK)
                                file = n;
                }
                mode = hull_layers_node_mode(file);
                if (!(mode & 06000))
                        continue;
                w = hull_audit_where_node(n, path, sizeof(path));
                if (is_allowed(path))
                        continue;
                uid = hull_layers_node_uid(file);
                gid = hull_layers_node_gid(file);
                if ((mode & 06000) == 06000) {
                        bits = "setuid and setgid";
                        if (uid == 0)
                                snprintf(owner, sizeof(owner), "runs as root with gid %u", gid);
                        else
                                snprintf(owner, sizeof(owner), "runs as uid %u with gid %u", uid,
                                         gid);
                } else if (mode & 04000) {
                        bits = "setuid";
                        if (uid == 0)
                                snprintf(owner, sizeof(owner), "runs as root");
                        else
                                snprintf(owner, sizeof(owner), "runs as uid %u", uid);
                } else {
                        bits = "setgid";
                        snprintf(owner, sizeof(owner), "runs with gid %u", gid);
                }
                hull_audit_report(c, &w, NULL,
                                  "/%s is %s (mode %04o, %s) and not one of the distributions' "
                                  "own setuid/setgid programs",
                                  path, bits, (unsigned)(mode & 07777), owner);
        }
}

const struct hull_rule hull_rule_HS4011 = {
        .id = "HS4011",
        .slug = "other",
        .severity = HULL_SEV_MEDIUM,
        .title = "Unexpected setuid or setgid file",
        .rationale = "A setuid or setgid program runs with its owner's privileges whoever starts "
                     "it: any bug in it, or a way to make it run something else, turns the "
                     "container's user into root.",
        .fix = "Clear the bit (chmod u-s,g-s FILE) in the layer that set it, and grant what the "
               "program needs another way (a file capability, a dedicated user)",
        .hadolint = NULL,
        .trivy = NULL,
        .audit = audit,
};
