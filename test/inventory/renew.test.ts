// How oslogin-ssh finds the certificate to renew among the arguments Ansible gives ssh.
import { describe, expect, it } from "vitest";
import { certificateFileOf } from "../../src/inventory/renew.js";
import { memberKeyFile, parseScpOperand, scpArguments, scpRemote, sshArguments } from "../../src/inventory/ssh-login.js";

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

describe("oslogin scp operands", () => {
  const target = { host: "web-1", address: "198.51.100.1", login: "alice", privateKeyFile: "/k/id", options: ["StrictHostKeyChecking=yes"] };

  it("WHEN operands are read THEN a colon before any slash makes a VM side, as scp reads it", () => {
    expect(["web-1:/tmp/a", "bob@web-1:x", "./a:b", "/abs/c:d", "plain", "web-1:"].map(parseScpOperand)).toEqual([
      { vm: "web-1", path: "/tmp/a" },
      { login: "bob", vm: "web-1", path: "x" },
      { local: "./a:b" },
      { local: "/abs/c:d" },
      { local: "plain" },
      { vm: "web-1", path: "" },
    ]);
  });

  it("WHEN a copy is turned into scp's argv THEN the VM side becomes login@address:path after --", () => {
    const operands = ["notes.txt", "web-1:/tmp/n"].map(parseScpOperand);
    expect(scpRemote(operands)).toEqual({ login: undefined, vm: "web-1" });
    expect(scpArguments(target, operands, ["-r"])).toEqual(["-i", "/k/id", "-o", "StrictHostKeyChecking=yes", "-r", "--", "notes.txt", "alice@198.51.100.1:/tmp/n"]);
    expect(scpArguments({ ...target, address: "2001:db8::1" }, [parseScpOperand("web-1:x"), parseScpOperand("y")], [])).toEqual([
      "-i", "/k/id", "-o", "StrictHostKeyChecking=yes", "--", "alice@[2001:db8::1]:x", "y",
    ]);
  });

  it("WHEN no operand or two different VMs are named THEN it says what to write", () => {
    expect(() => scpRemote(["a", "b"].map(parseScpOperand))).toThrow("name the VM side as VM:path (or LOGIN@VM:path); a local path with a colon is written ./a:b");
    expect(() => scpRemote(["web-1:a", "web-2:b"].map(parseScpOperand))).toThrow(
      "every VM operand must name the same [LOGIN@]VM (got web-1, web-2); copy between VMs through this machine",
    );
  });

  it("WHEN a member's kept key is placed THEN it is per organization and member under ~/.oslogin", () => {
    expect(memberKeyFile("bpforg", "ajealice", "/home/u")).toBe("/home/u/.oslogin/members/bpforg/ajealice/id_ed25519");
  });
});
