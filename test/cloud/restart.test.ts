// Durability through the real server process: `oslogin serve` on a data directory, writes
// acknowledged over REST, kill -9, a new process on the same directory: everything acknowledged is
// there (SQLite WAL; a model call that returned has committed). Also: SIGTERM shuts down with exit 0.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = new URL("../../", import.meta.url).pathname;
const ORG = "bpfquickstartorg0001";
const ALICE = "ajealice000000000001";
const dataDir = mkdtempSync(join(tmpdir(), "oslogin-restart-"));
const children: ChildProcess[] = [];

interface Started {
  child: ChildProcess;
  restUrl: string;
  adminTokenFile: string;
  seeded?: Record<string, number>;
}

/** Starts `oslogin serve --json` from the sources and resolves with the JSON line it prints when ready. */
function serve(extra: string[] = []): Promise<Started> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli/main.ts", "serve", "--data-dir", dataDir, "--rest-port", "0", "--grpc-port", "0", "--json", ...extra],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (line) => resolve({ child, ...JSON.parse(line) }));
    child.once("exit", (code) => reject(new Error(`oslogin serve exited ${code} before it was ready: ${stderr}`)));
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once("exit", (code, signal) => resolve({ code, signal }));
  });
}

async function call(s: Started, method: string, path: string, body?: unknown) {
  const token = readFileSync(s.adminTokenFile, "utf8").trim();
  const res = await fetch(s.restUrl + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as any };
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

describe("GIVEN oslogin serve on a data directory", () => {
  const written: { profiles: { id: string; login: string; uid: string }[]; keyId?: string; settingsOp?: string } = { profiles: [] };
  let token1 = "";

  it("WHEN it starts with --seed THEN it reports the seed, and the admin token file is 0600", async () => {
    const s = await serve(["--seed", join(ROOT, "examples/quickstart/seed.yaml")]);
    expect(s.seeded).toEqual({ organizations: 1, members: 2, groups: 1, clouds: 1, folders: 1, defaultProfiles: 0 });
    expect(s.adminTokenFile).toBe(join(dataDir, "admin-token"));
    expect(statSync(s.adminTokenFile).mode & 0o777).toBe(0o600);
    token1 = readFileSync(s.adminTokenFile, "utf8");

    const settings = await call(s, "PATCH", `/organization-manager/v1/organizations/${ORG}/osLoginSettings`, {
      userSshKeySettings: { enabled: true, allowManageOwnKeys: false },
    });
    expect(settings.status).toBe(200);
    written.settingsOp = settings.body.id;
    for (let i = 0; i < 20; i++) {
      const uid = (9007199254740993n + BigInt(i)).toString(); // past 2^53: must survive exactly
      const r = await call(s, "POST", "/organization-manager/v1/osLoginProfiles", {
        organizationId: ORG,
        subjectId: ALICE,
        login: `restart-${i}`,
        uid,
      });
      expect(r.status).toBe(200);
      written.profiles.push({ id: r.body.response.id, login: `restart-${i}`, uid });
    }
    // Requests in flight together share one commit (group commit): each answer still means "on disk".
    const together = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call(s, "POST", "/organization-manager/v1/osLoginProfiles", { organizationId: ORG, subjectId: ALICE, login: `together-${i}`, uid: String(20000 + i) }),
      ),
    );
    together.forEach((r, i) => {
      expect(r.status).toBe(200);
      written.profiles.push({ id: r.body.response.id, login: `together-${i}`, uid: String(20000 + i) });
    });
    const key = await call(s, "POST", "/organization-manager/v1/userSshKeys", {
      organizationId: ORG,
      subjectId: ALICE,
      data: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHOU2dTZ1o89KxcZkukowB087Kn/PVySeUmFy5j6L6H9 alice@laptop",
    });
    expect(key.status).toBe(200);
    written.keyId = key.body.response.id;

    // WHEN the process is killed without any chance to clean up
    s.child.kill("SIGKILL");
    expect(await exited(s.child)).toEqual({ code: null, signal: "SIGKILL" });
  });

  it("THEN a new process on the same directory has every acknowledged write, and the same admin token", async () => {
    const s = await serve();
    expect(readFileSync(s.adminTokenFile, "utf8")).toBe(token1);
    const settings = await call(s, "GET", `/organization-manager/v1/organizations/${ORG}/osLoginSettings`);
    expect(settings.body).toEqual({
      userSshKeySettings: { enabled: true, allowManageOwnKeys: false },
      sshCertificateSettings: { enabled: false },
    });
    for (const p of written.profiles) {
      const r = await call(s, "GET", `/organization-manager/v1/osLoginProfiles/${p.id}`);
      expect(r.status).toBe(200);
      expect({ login: r.body.login, uid: r.body.uid }).toEqual({ login: p.login, uid: p.uid });
    }
    expect((await call(s, "GET", `/organization-manager/v1/userSshKeys/${written.keyId}`)).status).toBe(200);
    expect((await call(s, "GET", `/operations/${written.settingsOp}`)).body.done).toBe(true);

    // AND SIGTERM closes it cleanly with exit code 0
    s.child.kill("SIGTERM");
    expect(await exited(s.child)).toEqual({ code: 0, signal: null });
  });
});
