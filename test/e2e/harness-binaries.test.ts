// The VM tests' dependency check: a missing program fails with the Debian package to install.
import { describe, expect, it } from "vitest";
import { BINARIES, requireBinary } from "./harness/binaries.js";

describe("requireBinary", () => {
  it("GIVEN a program that is not installed THEN the error names the Debian package", () => {
    expect(() => requireBinary("oslogin-kit-no-such-tool", "some-debian-package")).toThrow(
      "oslogin-kit-no-such-tool not found (looked in /usr/bin/oslogin-kit-no-such-tool, /usr/sbin/oslogin-kit-no-such-tool, /bin/oslogin-kit-no-such-tool, /sbin/oslogin-kit-no-such-tool): install the Debian package some-debian-package",
    );
  });
  it("GIVEN the programs the VM harness drives THEN each maps to the package CI installs", () => {
    expect(Object.fromEntries(Object.entries(BINARIES).map(([name, [, pkg]]) => [name, pkg]))).toEqual({
      sshd: "openssh-server",
      ssh: "openssh-client",
      "ssh-keygen": "openssh-client",
      "sftp-server": "openssh-sftp-server",
      google_authorized_keys: "google-compute-engine-oslogin",
      google_oslogin_nss_cache: "google-compute-engine-oslogin",
      google_oslogin_control: "google-compute-engine-oslogin",
      "pam_oslogin_login.so": "google-compute-engine-oslogin",
      "pam_oslogin_admin.so": "google-compute-engine-oslogin",
      sudo: "sudo",
      python3: "python3",
      "libnss_oslogin.so.2": "google-compute-engine-oslogin",
      ip: "iproute2",
      nsenter: "util-linux",
      unshare: "util-linux",
      getent: "libc-bin",
    });
  });
});
