// The certificate cache against certificates signed by the real ssh-keygen (openssh-client).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cacheFileBase, ensureCertificate } from "../../src/inventory/cert-cache.js";
import { parseCertificate } from "../../src/ssh/certificate-info.js";

let ca: string;
let work: string;

beforeAll(() => {
  if (!existsSync("/usr/bin/ssh-keygen")) throw new Error("ssh-keygen not found: install the Debian package openssh-client");
  work = mkdtempSync(join(tmpdir(), "cert-cache-"));
  ca = join(work, "ca");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", ca]);
});

/** A CA that signs with ssh-keygen for `validity` (ssh-keygen -V syntax), counting its calls. */
function signer(principal: string, validity = "+1h") {
  const calls: string[] = [];
  const issue = async (publicKey: string) => {
    calls.push(publicKey);
    const dir = mkdtempSync(join(work, "sign-"));
    writeFileSync(join(dir, "k.pub"), publicKey + "\n");
    execFileSync("ssh-keygen", ["-q", "-s", ca, "-I", "test", "-n", principal, "-V", validity, "-z", String(calls.length), join(dir, "k.pub")]);
    return readFileSync(join(dir, "k-cert.pub"), "utf8");
  };
  return { issue, calls };
}

describe("certificate cache", () => {
  it("GIVEN an empty cache WHEN asked twice THEN it issues once, reuses the pair, and files are 0600 with yc names", async () => {
    const cacheDir = mkdtempSync(join(work, "c-"));
    const s = signer("yc-sa-ansible");
    const first = await ensureCertificate({ cacheDir, organizationId: "bpforg", login: "yc-sa-ansible", marginSeconds: 300, issue: s.issue });
    const second = await ensureCertificate({ cacheDir, organizationId: "bpforg", login: "yc-sa-ansible", marginSeconds: 300, issue: s.issue });
    expect(s.calls.length).toBe(1);
    expect([first.renewed, second.renewed]).toEqual([true, false]);
    expect(first.privateKeyFile).toBe(join(cacheDir, "yc-organization-id-bpforg-yc-sa-ansible"));
    expect(first.certificateFile).toBe(join(cacheDir, "yc-organization-id-bpforg-yc-sa-ansible-cert.pub"));
    expect(statSync(first.privateKeyFile).mode & 0o777).toBe(0o600);
    expect(statSync(first.certificateFile).mode & 0o777).toBe(0o600);
    // ssh-keygen can derive the public key from the cached private key: it is a real OpenSSH key.
    const pub = execFileSync("ssh-keygen", ["-y", "-f", first.privateKeyFile], { encoding: "utf8" }).split(" ")[1];
    expect(parseCertificate(readFileSync(first.certificateFile, "utf8")).publicKeyBlob).toBe(pub);
  });

  it("GIVEN a certificate with less than the margin left WHEN asked THEN it is renewed", async () => {
    const cacheDir = mkdtempSync(join(work, "c-"));
    const short = signer("svc", "+4m");
    await ensureCertificate({ cacheDir, organizationId: "o", login: "svc", marginSeconds: 300, issue: short.issue });
    const fresh = signer("svc");
    const again = await ensureCertificate({ cacheDir, organizationId: "o", login: "svc", marginSeconds: 300, issue: fresh.issue });
    expect([again.renewed, fresh.calls.length]).toEqual([true, 1]);
  });

  it("GIVEN an expired certificate (clock moved past it) WHEN asked THEN it is renewed", async () => {
    const cacheDir = mkdtempSync(join(work, "c-"));
    const s = signer("svc");
    await ensureCertificate({ cacheDir, organizationId: "o", login: "svc", marginSeconds: 0, issue: s.issue });
    const later = () => new Date(Date.now() + 2 * 3600_000);
    const r = await ensureCertificate({ cacheDir, organizationId: "o", login: "svc", marginSeconds: 0, issue: s.issue, now: later });
    expect([r.renewed, s.calls.length]).toEqual([true, 2]);
  });

  it("GIVEN a kept key pair (a member's) WHEN its certificate expires THEN the same key is certified again, 0600, nothing in the cache dir", async () => {
    const cacheDir = mkdtempSync(join(work, "c-"));
    const keyFile = join(work, `kept-${Date.now()}`, "alice", "id_ed25519");
    const s = signer("alice");
    const first = await ensureCertificate({ cacheDir, keyFile, organizationId: "o", login: "alice", marginSeconds: 0, issue: s.issue });
    const key = readFileSync(keyFile, "utf8");
    const later = () => new Date(Date.now() + 2 * 3600_000);
    const second = await ensureCertificate({ cacheDir, keyFile, organizationId: "o", login: "alice", marginSeconds: 0, issue: s.issue, now: later });
    expect([first.privateKeyFile, first.certificateFile, second.renewed]).toEqual([keyFile, `${keyFile}-cert.pub`, true]);
    expect(s.calls).toEqual([s.calls[0], s.calls[0]]); // the same public key both times
    expect(s.calls[0]).toBe(readFileSync(`${keyFile}.pub`, "utf8").trim());
    expect(readFileSync(keyFile, "utf8")).toBe(key);
    expect([statSync(keyFile).mode & 0o777, statSync(`${keyFile}-cert.pub`).mode & 0o777]).toEqual([0o600, 0o600]);
    expect(existsSync(cacheFileBase(cacheDir, "o", "alice"))).toBe(false);
  });

  it.each([
    ["a corrupt certificate", (base: string) => writeFileSync(`${base}-cert.pub`, "ssh-ed25519-cert-v01@openssh.com AAAAgarbage\n")],
    ["a corrupt private key", (base: string) => writeFileSync(base, "not a key\n")],
    ["an empty certificate file", (base: string) => writeFileSync(`${base}-cert.pub`, "")],
  ])("GIVEN %s in the cache WHEN asked THEN the pair is replaced, not trusted", async (_name, corrupt) => {
    const cacheDir = mkdtempSync(join(work, "c-"));
    const s = signer("svc");
    await ensureCertificate({ cacheDir, organizationId: "o", login: "svc", marginSeconds: 300, issue: s.issue });
    corrupt(cacheFileBase(cacheDir, "o", "svc"));
    const r = await ensureCertificate({ cacheDir, organizationId: "o", login: "svc", marginSeconds: 300, issue: s.issue });
    expect([r.renewed, s.calls.length]).toEqual([true, 2]);
  });

  it("GIVEN a cached certificate whose principal is another login WHEN asked for this login THEN it is renewed", async () => {
    const cacheDir = mkdtempSync(join(work, "c-"));
    const wrong = signer("someone-else");
    await ensureCertificate({ cacheDir, organizationId: "o", login: "svc", marginSeconds: 300, issue: wrong.issue });
    const right = signer("svc");
    const r = await ensureCertificate({ cacheDir, organizationId: "o", login: "svc", marginSeconds: 300, issue: right.issue });
    expect([r.renewed, right.calls.length]).toEqual([true, 1]);
  });

  it("GIVEN eight concurrent callers on an empty cache WHEN they race THEN one certificate is issued and all get the same valid pair", async () => {
    const cacheDir = mkdtempSync(join(work, "c-"));
    const s = signer("svc");
    const results = await Promise.all(
      Array.from({ length: 8 }, () => ensureCertificate({ cacheDir, organizationId: "o", login: "svc", marginSeconds: 300, issue: s.issue })),
    );
    expect(s.calls.length).toBe(1);
    expect(new Set(results.map((r) => r.certificateFile)).size).toBe(1);
  });
});
