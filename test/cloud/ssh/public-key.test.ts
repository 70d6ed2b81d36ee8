// The public key parser against OpenSSH itself: every type ssh-keygen makes, with the size and
// fingerprint `ssh-keygen -lf` prints, and blobs OpenSSH would refuse.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parsePublicKey, weakKeyReason } from "../../../src/ssh/public-key.js";
import { sshString } from "../../../src/ssh/wire.js";

const SSH_KEYGEN = "/usr/bin/ssh-keygen";
const dir = mkdtempSync(join(tmpdir(), "pubkey-"));
let made = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function keygen(type: string, bits?: number): { line: string; bits: number; fingerprint: string } {
  if (!existsSync(SSH_KEYGEN)) throw new Error(`${SSH_KEYGEN} not found: install the Debian package openssh-client`);
  const file = join(dir, `key-${++made}`);
  execFileSync(SSH_KEYGEN, ["-t", type, ...(bits ? ["-b", String(bits)] : []), "-N", "", "-C", "me@test", "-f", file, "-q"]);
  const [size, fingerprint] = execFileSync(SSH_KEYGEN, ["-lf", `${file}.pub`], { encoding: "utf8" }).split(" ");
  return { line: readFileSync(`${file}.pub`, "utf8"), bits: Number(size), fingerprint: fingerprint! };
}

const line = (type: string, ...parts: Buffer[]) => `${type} ${Buffer.concat([sshString(type), ...parts]).toString("base64")}`;

describe("parsePublicKey", () => {
  it.each([
    ["ed25519", 0, "ssh-ed25519", "ed25519"],
    ["rsa", 2048, "ssh-rsa", "rsa"],
    ["rsa", 4096, "ssh-rsa", "rsa"],
    ["rsa", 1024, "ssh-rsa", "rsa"],
    ["ecdsa", 256, "ecdsa-sha2-nistp256", "ecdsa"],
    ["ecdsa", 384, "ecdsa-sha2-nistp384", "ecdsa"],
    ["ecdsa", 521, "ecdsa-sha2-nistp521", "ecdsa"],
  ] as const)("GIVEN ssh-keygen -t %s -b %i (0: its default) WHEN parsed THEN type, size and fingerprint are what ssh-keygen -lf says", (t, b, type, algorithm) => {
    const k = keygen(t, b || undefined);
    expect(parsePublicKey(k.line)).toEqual({ type, algorithm, bits: k.bits, fingerprint: k.fingerprint, comment: "me@test", blob: k.line.split(" ")[1] });
  });

  it("GIVEN a 1024-bit RSA key and a DSA blob WHEN checked THEN both are weak, with the reason", () => {
    expect(weakKeyReason(parsePublicKey(keygen("rsa", 1024).line))).toBe("RSA keys must be at least 2048 bits, this one has 1024");
    const int = (hex: string) => sshString(Buffer.from(hex, "hex"));
    const dsa = parsePublicKey(line("ssh-dss", int("00" + "c1".repeat(128)), int("00" + "d1".repeat(20)), int("02"), int("03")));
    expect([dsa.algorithm, dsa.bits]).toEqual(["dsa", 1024]);
    expect(weakKeyReason(dsa)).toBe("DSA keys are not accepted (OpenSSH disabled ssh-dss); use ed25519 or RSA >= 2048");
  });

  it.each([
    ["trailing data after the key", (k: Buffer) => line("ssh-ed25519", sshString(k), Buffer.from([0, 0, 0, 0]))],
    ["a line type that disagrees with the blob", (k: Buffer) => `ssh-rsa ${Buffer.concat([sshString("ssh-ed25519"), sshString(k)]).toString("base64")}`],
    ["a short ed25519 key", (k: Buffer) => line("ssh-ed25519", sshString(k.subarray(0, 31)))],
    ["an unknown key type", (k: Buffer) => line("ssh-foo", sshString(k))],
    ["a truncated blob", (k: Buffer) => line("ssh-ed25519", sshString(k)).slice(0, 40)],
    ["characters outside base64", () => "ssh-ed25519 AAAA!!!!"],
    ["a compressed ECDSA point", (k: Buffer) => line("ecdsa-sha2-nistp256", sshString("nistp256"), sshString(Buffer.concat([Buffer.from([2]), k]).subarray(0, 33)))],
    ["a negative RSA modulus", () => line("ssh-rsa", sshString(Buffer.from([1, 0, 1])), sshString(Buffer.alloc(257, 0xff)))],
  ])("GIVEN %s WHEN parsed THEN 'is not a parseable OpenSSH public key'", (_what, make) => {
    expect(() => parsePublicKey(make(Buffer.alloc(32, 7)))).toThrow(/^is not a parseable OpenSSH public key$/);
  });
});
