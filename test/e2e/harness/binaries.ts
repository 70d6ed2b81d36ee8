// The real programs the VM-access tests drive, found by absolute path. A missing one FAILS the test
// with the Debian package that provides it: these tests prove behaviour with real binaries, so
// "skipped because absent" would hide exactly what they exist to show.
import { createHash } from "node:crypto";
import { accessSync, constants } from "node:fs";

/** Program → [absolute paths tried in order, Debian package]. */
export const BINARIES = {
  sshd: [["/usr/sbin/sshd"], "openssh-server"],
  ssh: [["/usr/bin/ssh"], "openssh-client"],
  "ssh-keygen": [["/usr/bin/ssh-keygen"], "openssh-client"],
  // What a VM's sshd runs for scp (OpenSSH 9 copies over SFTP), as the cloud images configure it.
  "sftp-server": [["/usr/lib/openssh/sftp-server"], "openssh-sftp-server"],
  google_authorized_keys: [["/usr/bin/google_authorized_keys"], "google-compute-engine-oslogin"],
  google_oslogin_nss_cache: [["/usr/bin/google_oslogin_nss_cache"], "google-compute-engine-oslogin"],
  google_oslogin_control: [["/usr/bin/google_oslogin_control"], "google-compute-engine-oslogin"],
  "pam_oslogin_login.so": [["/lib/x86_64-linux-gnu/security/pam_oslogin_login.so", "/usr/lib/x86_64-linux-gnu/security/pam_oslogin_login.so", "/lib/aarch64-linux-gnu/security/pam_oslogin_login.so"], "google-compute-engine-oslogin"],
  "pam_oslogin_admin.so": [["/lib/x86_64-linux-gnu/security/pam_oslogin_admin.so", "/usr/lib/x86_64-linux-gnu/security/pam_oslogin_admin.so", "/lib/aarch64-linux-gnu/security/pam_oslogin_admin.so"], "google-compute-engine-oslogin"],
  sudo: [["/usr/bin/sudo"], "sudo"],
  python3: [["/usr/bin/python3"], "python3"],
  "libnss_oslogin.so.2": [["/usr/lib/x86_64-linux-gnu/libnss_oslogin.so.2", "/usr/lib/aarch64-linux-gnu/libnss_oslogin.so.2", "/lib/x86_64-linux-gnu/libnss_oslogin.so.2"], "google-compute-engine-oslogin"],
  ip: [["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"], "iproute2"],
  nsenter: [["/usr/bin/nsenter"], "util-linux"],
  unshare: [["/usr/bin/unshare"], "util-linux"],
  getent: [["/usr/bin/getent"], "libc-bin"],
} as const satisfies Record<string, readonly [readonly string[], string]>;

export type BinaryName = keyof typeof BINARIES;

/** Programs only some suites need (Ansible); not part of every VM. */
const OTHER_PROGRAMS: Record<string, readonly [readonly string[], string]> = {
  scp: [["/usr/bin/scp"], "openssh-client"],
  ansible: [["/usr/bin/ansible"], "ansible-core"],
  "ansible-inventory": [["/usr/bin/ansible-inventory"], "ansible-core"],
};

/** The absolute path of a program; throws naming the Debian package when it is not installed. */
export function requireBinary(name: string, debianPackage?: string): string {
  const known = (BINARIES as Record<string, readonly [readonly string[], string]>)[name] ?? OTHER_PROGRAMS[name];
  const candidates = known ? known[0] : [`/usr/bin/${name}`, `/usr/sbin/${name}`, `/bin/${name}`, `/sbin/${name}`];
  const pkg = debianPackage ?? (known ? known[1] : "?");
  for (const path of candidates) {
    try {
      accessSync(path, /\.so(\.\d+)?$/.test(name) ? constants.R_OK : constants.X_OK);
      return path;
    } catch {
      // try the next candidate
    }
  }
  throw new Error(`${name} not found (looked in ${candidates.join(", ")}): install the Debian package ${pkg}`);
}

/** Resolves every program the VM harness needs, failing on the first missing one. */
export function requireVmBinaries(): Record<BinaryName, string> {
  if (process.getuid?.() !== 0) {
    throw new Error("the VM-access tests need root (network and mount namespaces, a private sshd)");
  }
  return Object.fromEntries(Object.keys(BINARIES).map((n) => [n, requireBinary(n)])) as Record<BinaryName, string>;
}

/** `ssh-keygen -lf`'s SHA256 fingerprint of an authorized_keys line. */
export function fingerprintOfLine(line: string): string {
  const blob = Buffer.from(line.trim().split(/\s+/)[1], "base64");
  return "SHA256:" + createHash("sha256").update(blob).digest("base64").replace(/=+$/, "");
}
