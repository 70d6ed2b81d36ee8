// The admin token file: made once (0600, 32 random bytes base64url), read back on later starts;
// in memory one token per process, never written.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { adminTokenPath, ensureAdminToken } from "../../src/cloud/admin-token.js";

const dir = mkdtempSync(join(tmpdir(), "oslogin-admin-token-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("GIVEN a data directory without a token", () => {
  const first = ensureAdminToken(join(dir, "data"));

  it("THEN a 43-character base64url token is written to <dataDir>/admin-token with mode 0600", () => {
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const path = adminTokenPath(join(dir, "data"));
    expect(path).toBe(join(dir, "data", "admin-token"));
    expect(readFileSync(path, "utf8")).toBe(`${first}\n`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("WHEN asked again THEN the same token is read back", () => {
    expect(ensureAdminToken(join(dir, "data"))).toBe(first);
  });

  it("WHEN the file is empty THEN it fails naming the file instead of accepting an empty token", () => {
    const d = join(dir, "empty");
    ensureAdminToken(d);
    writeFileSync(adminTokenPath(d), "");
    expect(() => ensureAdminToken(d)).toThrow(`the admin token file ${adminTokenPath(d)} is empty; delete it to make a new one`);
  });
});

describe("GIVEN no data directory (in memory)", () => {
  it("THEN one token per process, different from any file token", () => {
    const a = ensureAdminToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ensureAdminToken()).toBe(a);
    expect(a).not.toBe(ensureAdminToken(join(dir, "data")));
  });
});
