// `oslogin ca`, `oslogin cert export` and `oslogin metadata` as processes: exit codes, what they
// print (and never print), the files they write.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessCloudClient } from "../../../src/cloud/client/inprocess.js";
import { CloudModel } from "../../../src/cloud/model/cloud-model.js";
import { ADMIN } from "../../../src/cloud/model/types.js";
import { parseCertificate } from "../../../src/cloud/ssh/certificate-info.js";
import { QUICKSTART as Q, enableOsLogin, seedQuickstart } from "../../e2e/harness/cloud.js";
import { REPO_ROOT } from "../../e2e/harness/paths.js";
import { runProcess } from "../../e2e/harness/process.js";

const work = mkdtempSync(join(tmpdir(), "cli-vm-access-"));
const dataDir = join(work, "data");
const oslogin = (...args: string[]) =>
  runProcess(process.execPath, ["--import", join(REPO_ROOT, "node_modules/tsx/dist/loader.mjs"), join(REPO_ROOT, "src/cli/main.ts"), ...args], { timeoutMs: 30_000 });

let caLine: string;
beforeAll(async () => {
  const model = CloudModel.open({ dataDir });
  seedQuickstart(model);
  await enableOsLogin(new InProcessCloudClient(model), Q.organizationId, { keys: true, certificates: true });
  caLine = model.certificates.getAuthorityPublicKey(ADMIN, Q.organizationId).publicKey;
  model.close();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("oslogin ca public-key", () => {
  it("GIVEN an organization WHEN asked THEN prints exactly its CA line", async () => {
    const r = await oslogin("ca", "public-key", "--organization-id", Q.organizationId, "--data-dir", dataDir);
    expect([r.status, r.stdout, r.stderr]).toEqual([0, `${caLine}\n`, ""]);
  });
  it("GIVEN an unknown organization THEN exit 1 with NOT_FOUND", async () => {
    const r = await oslogin("ca", "public-key", "--organization-id", "bpfnosuchorg", "--data-dir", dataDir);
    expect([r.status, r.stderr]).toEqual([1, 'oslogin ca public-key: NOT_FOUND: Organization "bpfnosuchorg" not found\n']);
  });
});

describe("oslogin cert export", () => {
  it("GIVEN --login alice WHEN exported with --json THEN 0600 key + certificate for alice, no private key on stdout", async () => {
    const dir = join(work, "keys");
    const r = await oslogin("cert", "export", "--organization-id", Q.organizationId, "--login", "alice", "--directory", dir, "--data-dir", dataDir, "--json");
    expect([r.status, r.stderr]).toEqual([0, ""]);
    const out = JSON.parse(r.stdout);
    const base = join(dir, `yc-organization-id-${Q.organizationId}-alice`);
    expect([out.identity, out.certificate, out.login]).toEqual([base, `${base}-cert.pub`, "alice"]);
    expect(r.stdout).not.toContain("PRIVATE KEY");
    expect(readdirSync(dir).sort()).toEqual([`yc-organization-id-${Q.organizationId}-alice`, `yc-organization-id-${Q.organizationId}-alice-cert.pub`]);
    expect([statSync(base).mode & 0o777, statSync(`${base}-cert.pub`).mode & 0o777]).toEqual([0o600, 0o600]);
    expect(parseCertificate(readFileSync(`${base}-cert.pub`, "utf8")).principals).toEqual(["alice"]);
  });
  it("GIVEN no --login as the admin THEN usage error (exit 2) saying why", async () => {
    const r = await oslogin("cert", "export", "--organization-id", Q.organizationId, "--data-dir", dataDir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--login or --subject-id is required");
  });
  it("GIVEN an unknown login THEN exit 1 with the API's NOT_FOUND and no files", async () => {
    const dir = join(work, "none");
    const r = await oslogin("cert", "export", "--organization-id", Q.organizationId, "--login", "ghost", "--directory", dir, "--data-dir", dataDir);
    expect([r.status, r.stderr]).toEqual([1, 'oslogin cert export: NOT_FOUND: OS Login profile with login "ghost" not found\n']);
    expect(existsSync(dir)).toBe(false);
  });
});

describe("oslogin metadata", () => {
  it("GIVEN an instance that does not exist THEN exit 1 naming it", async () => {
    const r = await oslogin("metadata", "--instance", "fhmnosuchinstance", "--listen", "127.0.0.1:0", "--data-dir", dataDir);
    expect([r.status, r.stderr]).toEqual([1, `oslogin metadata: instance "fhmnosuchinstance" not found in ${dataDir}\n`]);
  });
  it("GIVEN a bad --listen THEN usage error (exit 2)", async () => {
    const r = await oslogin("metadata", "--instance", "x", "--listen", "nowhere", "--data-dir", dataDir);
    expect([r.status, r.stderr]).toEqual([2, 'oslogin metadata: --listen must be HOST:PORT (e.g. 169.254.169.254:80), got "nowhere"\n']);
  });
});
