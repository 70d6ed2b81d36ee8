// How oslogin-ssh finds the certificate to renew among the arguments Ansible gives ssh.
import { describe, expect, it } from "vitest";
import { certificateFileOf } from "../../src/inventory/renew.js";
import { sshArguments } from "../../src/inventory/ssh-login.js";

describe("certificateFileOf", () => {
  it("WHEN Ansible passes the inventory's options split (-o VALUE), joined (-oVALUE) or not at all THEN it finds the last CertificateFile or none", () => {
    expect(certificateFileOf(["-C", "-o", "ControlMaster=auto", "-o", "CertificateFile=/c/a-cert.pub", "-o", "User=\"x\"", "198.51.100.1", "/bin/sh -c 'echo'"])).toBe("/c/a-cert.pub");
    expect(certificateFileOf(["-oCertificateFile=/c/b-cert.pub", "-o", "certificatefile /c/c-cert.pub", "host"])).toBe("/c/c-cert.pub");
    expect(certificateFileOf(["-o", "IdentitiesOnly=yes", "host", "true"])).toBeUndefined();
  });
});

describe("sshArguments", () => {
  it("WHEN a target is turned into ssh's argv THEN options come first and -- guards the address and command", () => {
    const argv = sshArguments(
      { host: "web-1", address: "198.51.100.1", login: "alice", privateKeyFile: "/k/id", options: ["CertificateFile=/k/id-cert.pub", "StrictHostKeyChecking=yes"] },
      ["-rf", "x"],
    );
    expect(argv).toEqual(["-i", "/k/id", "-o", "CertificateFile=/k/id-cert.pub", "-o", "StrictHostKeyChecking=yes", "-l", "alice", "--", "198.51.100.1", "-rf", "x"]);
  });
});
