// `oslogin ca`, `oslogin cert export` and `oslogin metadata` as processes: exit codes, what they
// print (and never print), the files they write.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { InProcessCloudClient } from "../../../src/cloud/client/inprocess.js";
import { CloudModel } from "../../../src/cloud/model/cloud-model.js";
import { ADMIN } from "../../../src/cloud/model/types.js";
import { parseCertificate } from "../../../src/ssh/certificate-info.js";
import { QUICKSTART as Q, createInstance, enableOsLogin, grant, seedQuickstart, user } from "../../e2e/harness/cloud.js";
import { REPO_ROOT } from "../../e2e/harness/paths.js";
import { runProcess } from "../../e2e/harness/process.js";

// Each test starts the CLI through tsx (compiles on the fly): give a loaded CI machine room.
vi.setConfig({ testTimeout: 90_000 });

const work = mkdtempSync(join(tmpdir(), "cli-vm-access-"));
const dataDir = join(work, "data");
const oslogin = (...args: string[]) =>
  runProcess(process.execPath, ["--import", join(REPO_ROOT, "node_modules/tsx/dist/loader.mjs"), join(REPO_ROOT, "src/cli/main.ts"), ...args], { timeoutMs: 60_000 });

let caLine: string;
let instanceId: string;
beforeAll(async () => {
  const model = CloudModel.open({ dataDir });
  seedQuickstart(model);
  const cloud = new InProcessCloudClient(model);
  await enableOsLogin(cloud, Q.organizationId, { keys: true, certificates: true });
  instanceId = (await createInstance(cloud, Q.folderId, "vm-cli")).id;
  await grant(cloud, { kind: "instance", id: instanceId }, "compute.osLogin", user(Q.alice));
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
    expect([r.status, r.stderr]).toEqual([1, `oslogin metadata: instance "fhmnosuchinstance" not found in ${dataDir}: see "oslogin state list" and "oslogin state show ADDR" for the ids of the stack's VMs\n`]);
  });
  it("GIVEN --workers 2 WHEN serving THEN two worker processes answer on one port, and SIGTERM stops all of them with exit 0", async () => {
    const child = spawn(process.execPath, ["--import", join(REPO_ROOT, "node_modules/tsx/dist/loader.mjs"), join(REPO_ROOT, "src/cli/main.ts"),
      "metadata", "--instance", instanceId, "--listen", "127.0.0.1:0", "--data-dir", dataDir, "--workers", "2", "--json"], { stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    const line = await new Promise<string>((resolve) => {
      let out = "";
      child.stdout!.on("data", (d) => {
        out += d;
        if (out.includes("\n")) resolve(out.split("\n")[0]);
      });
    });
    const { url, workers } = JSON.parse(line) as { url: string; workers: number };
    expect(workers).toBe(2);
    const workerPids = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const r = await fetch(`${url}users?username=alice`, { headers: { "Metadata-Flavor": "Google", Connection: "close" } });
      expect(r.status).toBe(200);
      expect(((await r.json()) as { loginProfiles: { posixAccounts: { username: string }[] }[] }).loginProfiles[0].posixAccounts[0].username).toBe("alice");
    }
    for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(instanceId) && Number(pid) !== child.pid) workerPids.add(pid);
      } catch {
        /* process ended meanwhile */
      }
    }
    expect(workerPids.size).toBe(2);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    for (const pid of workerPids) expect(existsSync(`/proc/${pid}`)).toBe(false);
  });

  it("GIVEN a bad --listen THEN usage error (exit 2)", async () => {
    const r = await oslogin("metadata", "--instance", "x", "--listen", "nowhere", "--data-dir", dataDir);
    expect([r.status, r.stderr]).toEqual([2, 'oslogin metadata: --listen must be HOST:PORT (e.g. 169.254.169.254:80), got "nowhere"\n']);
  });
});

describe("oslogin vm", () => {
  const script = readFileSync(join(REPO_ROOT, "vm/oslogin_authorized_principals.py"), "utf8");

  it("GIVEN principals-command THEN prints the shipped script; with --output writes it whole, mode 0755", async () => {
    const printed = await oslogin("vm", "principals-command");
    expect([printed.status, printed.stdout, printed.stderr]).toEqual([0, script, ""]);
    const file = join(work, "sbin", "oslogin_authorized_principals");
    mkdirSync(join(work, "sbin"));
    const written = await oslogin("vm", "principals-command", "--output", file);
    expect([written.status, written.stdout, written.stderr]).toEqual([0, "", ""]);
    expect([readFileSync(file, "utf8"), statSync(file).mode & 0o777]).toEqual([script, 0o755]);
    expect(readdirSync(join(work, "sbin"))).toEqual(["oslogin_authorized_principals"]); // no temp file left
  });

  it("GIVEN sshd-config THEN prints the drop-in naming the CA file and the command", async () => {
    const r = await oslogin("vm", "sshd-config", "--trusted-ca-keys", "/etc/ssh/ca.pub");
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(r.stdout.split("\n").filter((l) => l && !l.startsWith("#"))).toEqual([
      "TrustedUserCAKeys /etc/ssh/ca.pub",
      "AuthorizedPrincipalsCommand /usr/local/sbin/oslogin_authorized_principals %u",
      "AuthorizedPrincipalsCommandUser nobody",
    ]);
  });

  it("GIVEN a relative path or no subcommand THEN exit 2 naming the flag or the subcommands", async () => {
    const relative = await oslogin("vm", "sshd-config", "--principals-command", "bin/x");
    expect([relative.status, relative.stdout]).toEqual([2, ""]);
    expect(relative.stderr).toContain('--principals-command must be an absolute path (sshd reads it as written), got "bin/x"');
    const none = await oslogin("vm");
    expect([none.status, none.stderr]).toEqual([2, expect.stringContaining('missing subcommand: "principals-command" or "sshd-config"')]);
  });
});
