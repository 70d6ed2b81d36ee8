// The certificate encoder judged by OpenSSH itself: `ssh-keygen -L` decodes every field and checks
// the CA signature, for each key type a user may bring (ed25519, ECDSA, RSA).
import { execFileSync, spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ed25519PublicBlob, signUserCertificate, splitKeyBlob } from "../../../src/cloud/ca/openssh-cert.js";
import { fingerprintOfLine, requireBinary } from "../../e2e/harness/binaries.js";

const dir = mkdtempSync(join(tmpdir(), "cert-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function newCa() {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const publicKeyRaw = publicKey.export({ type: "spki", format: "der" }).subarray(-32);
  const line = `ssh-ed25519 ${ed25519PublicBlob(publicKeyRaw).toString("base64")} test-ca`;
  return { ca: { privateKey, publicKeyRaw }, line };
}

function userKey(type: "ed25519" | "ecdsa" | "rsa"): string {
  const file = join(dir, `user-${type}`);
  rmSync(file, { force: true });
  rmSync(`${file}.pub`, { force: true });
  execFileSync(requireBinary("ssh-keygen", "openssh-client"), ["-q", "-t", type, "-N", "", "-f", file]);
  return readFileSync(`${file}.pub`, "utf8").trim();
}

function keygenList(certLine: string): { status: number | null; out: string } {
  const file = join(dir, "x-cert.pub");
  writeFileSync(file, certLine + "\n");
  const r = spawnSync("ssh-keygen", ["-L", "-f", file], { encoding: "utf8", env: { ...process.env, TZ: "UTC" } });
  return { status: r.status, out: (r.stdout + r.stderr).replace(file, "<file>") };
}

const VALID_AFTER = BigInt(Date.UTC(2026, 10, 23, 10, 59, 0) / 1000);
const VALID_BEFORE = BigInt(Date.UTC(2026, 10, 23, 12, 0, 0) / 1000);

describe("signUserCertificate", () => {
  for (const [type, certType, label] of [
    ["ed25519", "ssh-ed25519-cert-v01@openssh.com", "ED25519-CERT"],
    ["ecdsa", "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ECDSA-CERT"],
    ["rsa", "ssh-rsa-cert-v01@openssh.com", "RSA-CERT"],
  ] as const) {
    it(`GIVEN an ${type} user key WHEN signed THEN ssh-keygen -L shows every field and accepts the CA signature`, () => {
      const { ca, line: caLine } = newCa();
      const pub = userKey(type);
      const cert = signUserCertificate(ca, {
        publicKeyBlob: Buffer.from(pub.split(" ")[1], "base64"),
        serial: 42n,
        keyId: "ajealice000000000001@bpfquickstartorg0001 serial 42",
        principals: ["alice"],
        validAfter: VALID_AFTER,
        validBefore: VALID_BEFORE,
        // given unsorted on purpose: the encoder sorts
        extensions: ["permit-pty", "permit-X11-forwarding", "permit-user-rc", "permit-agent-forwarding", "permit-port-forwarding"],
      });
      expect(cert.split(" ")[0]).toBe(certType);
      const { status, out } = keygenList(cert);
      expect(status).toBe(0);
      expect(out).toBe(
        [
          "<file>:",
          `        Type: ${certType} user certificate`,
          `        Public key: ${label} ${fingerprintOfLine(pub)}`,
          `        Signing CA: ED25519 ${fingerprintOfLine(caLine)} (using ssh-ed25519)`,
          '        Key ID: "ajealice000000000001@bpfquickstartorg0001 serial 42"',
          "        Serial: 42",
          "        Valid: from 2026-11-23T10:59:00 to 2026-11-23T12:00:00",
          "        Principals: ",
          "                alice",
          "        Critical Options: (none)",
          "        Extensions: ",
          "                permit-X11-forwarding",
          "                permit-agent-forwarding",
          "                permit-port-forwarding",
          "                permit-pty",
          "                permit-user-rc",
          "",
        ].join("\n"),
      );
    });
  }

  it("GIVEN a certificate with one byte of its body flipped WHEN listed THEN ssh-keygen rejects the signature", () => {
    const { ca } = newCa();
    const pub = userKey("ed25519");
    const cert = signUserCertificate(ca, {
      publicKeyBlob: Buffer.from(pub.split(" ")[1], "base64"),
      serial: 1n,
      keyId: "k",
      principals: ["alice"],
      validAfter: VALID_AFTER,
      validBefore: VALID_BEFORE,
    });
    const blob = Buffer.from(cert.split(" ")[1], "base64");
    blob[40] ^= 0x01; // inside the nonce: signed data whose format stays valid
    const { status, out } = keygenList(`${cert.split(" ")[0]} ${blob.toString("base64")}`);
    expect(status).not.toBe(0);
    expect(out).toContain("incorrect signature");
  });

  it("GIVEN critical options WHEN signed THEN they are listed sorted with their values", () => {
    const { ca } = newCa();
    const pub = userKey("ed25519");
    const cert = signUserCertificate(ca, {
      publicKeyBlob: Buffer.from(pub.split(" ")[1], "base64"),
      serial: 2n,
      keyId: "k",
      principals: ["alice", "bob"],
      validAfter: VALID_AFTER,
      validBefore: VALID_BEFORE,
      extensions: [],
      criticalOptions: { "source-address": "127.0.0.1/32", "force-command": "/bin/true" },
    });
    const { status, out } = keygenList(cert);
    expect(status).toBe(0);
    expect(out).toContain(
      "        Principals: \n                alice\n                bob\n        Critical Options: \n                force-command /bin/true\n                source-address 127.0.0.1/32\n        Extensions: (none)\n",
    );
  });
});

describe("splitKeyBlob", () => {
  it("GIVEN a DSA key blob THEN it refuses to certify it, naming the type", () => {
    const blob = Buffer.concat([Buffer.from([0, 0, 0, 7]), Buffer.from("ssh-dss"), Buffer.from([0, 0, 0, 1, 5])]);
    expect(() => splitKeyBlob(blob)).toThrow('key type "ssh-dss" cannot be certified (use ed25519, ECDSA or RSA)');
  });
  it("GIVEN a truncated ed25519 blob THEN it is rejected as truncated", () => {
    const good = Buffer.from(userKey("ed25519").split(" ")[1], "base64");
    expect(() => splitKeyBlob(good.subarray(0, good.length - 3))).toThrow("key blob is truncated");
  });
});
