import { X509Certificate, createPrivateKey } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureTlsMaterial, tlsPaths } from "../../src/cloud/tls.js";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "oslogin-tls-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("ensureTlsMaterial", () => {
  it("GIVEN no data dir WHEN called twice THEN returns the same certificate naming localhost and 127.0.0.1", async () => {
    const a = await ensureTlsMaterial();
    const b = await ensureTlsMaterial();
    expect(b.certPem).toBe(a.certPem);
    const cert = new X509Certificate(a.certPem);
    expect(cert.subjectAltName).toBe("DNS:localhost, IP Address:127.0.0.1");
    expect(cert.checkHost("localhost")).toBe("localhost");
    expect(cert.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(cert.checkPrivateKey(createPrivateKey(a.keyPem))).toBe(true);
  });

  it("GIVEN a data dir WHEN called THEN persists cert.pem (mode 0644) and key.pem (mode 0600), no temp file left, and reuses them", async () => {
    const dir = tempDir();
    const first = await ensureTlsMaterial(dir);
    const { certPath, keyPath } = tlsPaths(dir);
    expect(readFileSync(certPath, "utf8")).toBe(first.certPem);
    expect(readFileSync(keyPath, "utf8")).toBe(first.keyPem);
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    expect(statSync(certPath).mode & 0o777).toBe(0o644);
    expect(readdirSync(join(dir, "tls")).sort()).toEqual(["cert.pem", "key.pem"]);
    expect(statSync(join(dir, "tls")).mode & 0o777).toBe(0o700);
    const second = await ensureTlsMaterial(dir);
    expect(second).toEqual(first);
  });

  it("GIVEN a stored key that does not match the cert WHEN called THEN makes a new matching pair", async () => {
    const dir = tempDir();
    const first = await ensureTlsMaterial(dir);
    const other = await ensureTlsMaterial(tempDir());
    writeFileSync(tlsPaths(dir).keyPath, other.keyPem);
    const repaired = await ensureTlsMaterial(dir);
    expect(repaired.certPem).not.toBe(first.certPem);
    expect(new X509Certificate(repaired.certPem).checkPrivateKey(createPrivateKey(repaired.keyPem))).toBe(true);
    expect(readFileSync(tlsPaths(dir).certPath, "utf8")).toBe(repaired.certPem);
  });
});
