import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAll } from "../../src/contract/cloud-client.js";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { formatDiagnostic } from "../../src/engine/diagnostics.js";
import { BOB, ORG, engineFor, profilesStack, seededModel, tempDir, withBackend, writeStack } from "./fixtures.js";
import { startPgCluster, type PgCluster } from "../e2e/harness/pg-cluster.js";
import pg from "pg";

/** The default workspace's state as terraform's pg backend stores it. */
async function pgState(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query("SELECT data FROM terraform_remote_state.states WHERE name = 'default'");
    return JSON.parse((r.rows[0] as { data: string }).data);
  } finally {
    await c.end();
  }
}

const harness = path.join(import.meta.dirname, "crash-harness.ts");
// node itself (not the tsx wrapper, which would outlive a SIGKILL of its child) with tsx's loader.
const node = (args: string[]) => [process.execPath, ["--import", "tsx", ...args]] as const;

const stateFile = (dir: string) => JSON.parse(readFileSync(path.join(dir, ".oslogin/stacks/test/terraform.tfstate"), "utf8"));

/** Objects of the fixture stack in the cloud and in state, after a recovery apply (state in `pgUrl` when given). */
async function converge(dir: string, pgUrl?: string) {
  const model = seededModel(path.join(dir, ".oslogin"));
  try {
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const out = writeStack(dir, withBackend(profilesStack({ profiles: 30 }), pgUrl));
    const r = await engine.run({ outDir: out });
    expect(r.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic)).toEqual([]);
    const again = await engine.plan({ outDir: out });
    expect(again.plan!.changes.filter((c) => c.action !== "noop" && !c.readDuringPlan).map((c) => c.address)).toEqual([]);
    const cloud = new InProcessCloudClient(model);
    const profiles = (await listAll((t) => cloud.listOsLoginProfiles({ organizationId: ORG, pageToken: t }))).filter((p) => p.login.startsWith("alice-extra"));
    const bindings = (await cloud.listAccessBindings({ kind: "organization", id: ORG })).items.filter((b) => b.subject.id === BOB);
    const state = pgUrl ? await pgState(pgUrl) : stateFile(dir);
    const stateProfileIds = state.resources
      .filter((x: { type: string }) => x.type === "yandex_organizationmanager_os_login_profile")
      .flatMap((x: { instances: { attributes: { id: string } }[] }) => x.instances.map((i) => i.attributes.id))
      .sort();
    return { logins: profiles.map((p) => p.login).sort(), cloudIds: profiles.map((p) => p.id).sort(), stateProfileIds, bindings: bindings.length, pending: state.oslogin_pending_creates };
  } finally {
    model.close();
  }
}

const expectedLogins = Array.from({ length: 30 }, (_, i) => `alice-extra-${i}`).sort();

describe("GIVEN an apply killed with SIGKILL", () => {
  it.each([1, 7, 18])("WHEN it dies right after create #%i is acknowledged, before the state write, THEN the next apply converges with no duplicate and no orphan", async (n) => {
    const dir = tempDir("oslogin-crash-");
    const r = spawnSync(...node([harness, dir, String(n)]), { encoding: "utf8", cwd: path.join(import.meta.dirname, "../..") });
    expect(r.signal).toBe("SIGKILL");
    const pending = JSON.parse(readFileSync(path.join(dir, ".oslogin/stacks/test/terraform.tfstate"), "utf8")).oslogin_pending_creates;
    // The attempt ids were durable before any create was sent.
    expect(Object.keys(pending).length).toBeGreaterThan(0);
    const c = await converge(dir);
    expect(c.logins).toEqual(expectedLogins);
    expect(c.cloudIds).toEqual(c.stateProfileIds);
    expect(c.bindings).toBe(1);
    expect(c.pending).toBeUndefined();
  });

  it.each([5, 40])("WHEN the parent kills it %i ms into the creates THEN the next apply converges with no duplicate and no orphan", async (ms) => {
    const dir = tempDir("oslogin-crash-");
    const child = spawn(...node([harness, dir, "0"]), { stdio: ["ignore", "pipe", "pipe"], cwd: path.join(import.meta.dirname, "../..") });
    const closed = new Promise((r) => child.on("close", r));
    let progress = "";
    child.stdout.on("data", (d: Buffer) => (progress += d.toString()));
    // Wait until the apply has started creating, then a little more, then kill -9.
    const started = Date.now();
    while (!progress.includes(".") && Date.now() - started < 20_000 && child.exitCode === null) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, ms));
    child.kill("SIGKILL");
    await closed;
    expect(existsSync(path.join(dir, ".oslogin/stacks/test/terraform.tfstate"))).toBe(true);
    const c = await converge(dir);
    expect(c.logins).toEqual(expectedLogins);
    expect(c.cloudIds).toEqual(c.stateProfileIds);
    expect(c.bindings).toBe(1);
  });
});

describe("GIVEN applies whose state is in pg (one cluster)", () => {
  let cluster: PgCluster | undefined;
  beforeAll(async () => {
    cluster = await startPgCluster();
  }, 120_000);
  afterAll(() => cluster?.stop());

  it.each([1, 18])("WHEN it dies right after create #%i is acknowledged THEN its database session (and lock) is gone and the next apply converges with no duplicate and no orphan", async (n) => {
    const dir = tempDir("oslogin-crash-pg-");
    const r = spawnSync(...node([harness, dir, String(n)]), { encoding: "utf8", cwd: path.join(import.meta.dirname, "../.."), env: { ...process.env, CRASH_PG_URL: cluster!.url } });
    expect(r.signal).toBe("SIGKILL");
    // the attempt ids reached the database before any create was sent
    expect(Object.keys((await pgState(cluster!.url)).oslogin_pending_creates).length).toBeGreaterThan(0);
    expect(existsSync(path.join(dir, ".oslogin/stacks/test/terraform.tfstate"))).toBe(false);
    // lock timeout 0 in converge: a lock left behind would fail it
    const c = await converge(dir, cluster!.url);
    expect(c.logins).toEqual(expectedLogins);
    expect(c.cloudIds).toEqual(c.stateProfileIds);
    expect(c.bindings).toBe(1);
    expect(c.pending).toBeUndefined();
    // the next test starts from no state
    const admin = new pg.Client({ connectionString: cluster!.url });
    await admin.connect();
    await admin.query("DELETE FROM terraform_remote_state.states");
    await admin.end();
  });
});
