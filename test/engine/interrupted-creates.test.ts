// Creates an apply did not live to record (issue 15, items 2 and 3). The state a SIGKILL leaves is
// made exactly: the state file as it is on disk when the cloud acknowledges a create (the
// createAcknowledged hook runs before the engine records it) is put back once the apply is over.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listAll } from "../../src/contract/cloud-client.js";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import type { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { formatDiagnostic } from "../../src/engine/diagnostics.js";
import { ORG, engineFor, seededModel, tempDir, writeStack } from "./fixtures.js";

const FOLDER = "b1gquickstartfolder1";
const KEY = "yandex_iam_service_account_key.k";

/** Two service accounts, one with an authorized key, each with an OS Login profile. */
function keyStack() {
  return {
    provider: { yandex: [{ organization_id: ORG, folder_id: FOLDER }] },
    terraform: { required_providers: { yandex: { source: "yandex-cloud/yandex" } } },
    resource: {
      yandex_iam_service_account: { sa: { count: 2, name: "robot-${count.index}" } },
      yandex_iam_service_account_key: { k: { service_account_id: "${yandex_iam_service_account.sa[0].id}" } },
      yandex_organizationmanager_os_login_profile: {
        p: { count: 2, organization_id: ORG, subject_id: "${yandex_iam_service_account.sa[count.index].id}", login: "robot-${count.index}" },
      },
    },
  };
}

/** Applies the stack, then leaves the state as a SIGKILL right after the create of `at` was acknowledged would. */
async function applyKilledAfter(model: CloudModel, dir: string, at: string) {
  const dataDir = path.join(dir, ".oslogin");
  const stateFile = path.join(dataDir, "stacks/test/terraform.tfstate");
  const snapshot = path.join(dir, "at-kill.tfstate");
  const out = writeStack(dir, keyStack());
  const engine = engineFor(model, dataDir, {
    hooks: { createAcknowledged: (address) => (address === at ? copyFileSync(stateFile, snapshot) : undefined) },
  });
  const r = await engine.run({ outDir: out });
  expect(r.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic)).toEqual([]);
  expect(existsSync(snapshot)).toBe(true);
  copyFileSync(snapshot, stateFile);
  return { out, dataDir, stateFile, engine: engineFor(model, dataDir) };
}

/** A seeded cloud in a fresh directory for one test, closed after it. */
async function withCloud(prefix: string, fn: (model: CloudModel, dir: string) => Promise<void>): Promise<void> {
  const dir = tempDir(prefix);
  const model = seededModel(path.join(dir, ".oslogin"));
  try {
    await fn(model, dir);
  } finally {
    model.close();
  }
}

async function cloudObjects(model: CloudModel) {
  const cloud = new InProcessCloudClient(model);
  const accounts = await listAll((t) => cloud.listServiceAccounts({ folderId: FOLDER, pageToken: t }));
  const keys = await Promise.all(accounts.map(async (a) => (await cloud.listKeys({ serviceAccountId: a.id })).items.map((k) => k.id)));
  const profiles = (await listAll((t) => cloud.listOsLoginProfiles({ organizationId: ORG, pageToken: t }))).filter((p) => p.login.startsWith("robot-"));
  return { accounts: accounts.map((a) => a.name).sort(), keysPerAccount: keys.map((k) => k.length), keyIds: keys.flat(), profiles: profiles.map((p) => p.login).sort() };
}

describe("GIVEN an apply killed right after the cloud acknowledged an authorized key's create (its private key lost)", () => {
  it("WHEN planning and applying again THEN the plan says the key is replaced, apply deletes the lost key and creates one, and exactly one key exists", async () =>
    withCloud("oslogin-lost-key-", async (model, dir) => {
      const { out, stateFile, engine } = await applyKilledAfter(model, dir, KEY);
      const lostKey = (await cloudObjects(model)).keyIds;
      expect(lostKey).toHaveLength(1);
      expect(Object.keys(JSON.parse(readFileSync(stateFile, "utf8")).oslogin_pending_creates)).toContain(KEY);

      const plan = await engine.plan({ outDir: out });
      const change = plan.plan!.changes.find((c) => c.address === KEY)!;
      expect(change.action).toBe("create");
      expect(change.reason).toBe(
        "an interrupted apply may have created it, and the secret only its create returns is lost: apply deletes the object that create made, if any, then creates a new one",
      );

      const r = await engine.run({ outDir: out });
      expect(r.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic)).toEqual([]);
      expect(r.diagnostics.map(formatDiagnostic)).toContain(
        `Warning: Replaced an object whose secret was lost (${KEY}): key ${lostKey[0]} was created by an interrupted apply and its private key is lost: it was deleted and a new one created`,
      );
      const after = await cloudObjects(model);
      expect(after.keysPerAccount).toEqual([1, 0]);
      expect(after.keyIds).not.toContain(lostKey[0]);
      const state = JSON.parse(readFileSync(stateFile, "utf8"));
      const key = state.resources.find((x: { type: string }) => x.type === "yandex_iam_service_account_key").instances[0].attributes;
      expect(key.id).toBe(after.keyIds[0]);
      expect(key.private_key).toMatch(new RegExp(`^PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID <${key.id}>\\n-----BEGIN PRIVATE KEY-----`));
      expect(state.oslogin_pending_creates).toBeUndefined();

      const again = await engine.plan({ outDir: out });
      expect(again.plan!.changes.filter((c) => c.action !== "noop").map((c) => c.address)).toEqual([]);
    }));
});

describe("GIVEN an apply killed right after its first create was acknowledged (every create still pending in state)", () => {
  it("WHEN destroying THEN every object the interrupted apply made is adopted and deleted, with no warning that the configuration no longer declares it", async () =>
    withCloud("oslogin-destroy-pending-", async (model, dir) => {
      const { out, stateFile, engine } = await applyKilledAfter(model, dir, "yandex_iam_service_account.sa[0]");
      const crashed = JSON.parse(readFileSync(stateFile, "utf8"));
      expect(crashed.resources).toEqual([]);
      expect(Object.keys(crashed.oslogin_pending_creates).sort()).toEqual([
        "yandex_iam_service_account.sa[0]",
        "yandex_iam_service_account.sa[1]",
        KEY,
        "yandex_organizationmanager_os_login_profile.p[0]",
        "yandex_organizationmanager_os_login_profile.p[1]",
      ]);
      expect(await cloudObjects(model)).toEqual({ accounts: ["robot-0", "robot-1"], keysPerAccount: [1, 0], keyIds: [expect.any(String)], profiles: ["robot-0", "robot-1"] });

      const plan = await engine.plan({ outDir: out, mode: "destroy" });
      expect(plan.plan!.changes.map((c) => [c.address, c.action]).sort()).toEqual(
        Object.keys(crashed.oslogin_pending_creates)
          .sort()
          .map((a) => [a, "delete"]),
      );
      expect(plan.plan!.warnings).toEqual([]);

      const r = await engine.run({ outDir: out, mode: "destroy" });
      expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
      expect(r.applied).toEqual({ added: 0, changed: 0, destroyed: 5, read: 0, failed: 0, skipped: 0, interrupted: 0 });
      expect(await cloudObjects(model)).toEqual({ accounts: [], keysPerAccount: [], keyIds: [], profiles: [] });
      const state = JSON.parse(readFileSync(stateFile, "utf8"));
      expect(state.resources).toEqual([]);
      expect(state.oslogin_pending_creates).toBeUndefined();
    }));

  it("WHEN a pending create's block is gone from the configuration THEN destroy warns that it cannot adopt it, naming why", async () =>
    withCloud("oslogin-destroy-undeclared-", async (model, dir) => {
      const { stateFile, engine } = await applyKilledAfter(model, dir, "yandex_iam_service_account.sa[0]");
      const stack = keyStack() as { resource: Record<string, unknown> };
      delete stack.resource.yandex_iam_service_account_key;
      const out = writeStack(dir, stack);
      const plan = await engine.plan({ outDir: out, mode: "destroy" });
      expect(plan.plan!.warnings.map(formatDiagnostic)).toEqual([
        `Warning: Interrupted create cannot be adopted (${KEY}): an earlier apply was killed while creating this object, and destroy cannot send that create again because the configuration no longer declares this instance: an object it may have created is not tracked; check the cloud and delete it`,
      ]);
    }));
});

describe("GIVEN a state temp file left by a process killed while writing", () => {
  it("WHEN the next command takes the lock THEN the temp file is removed", async () =>
    withCloud("oslogin-stale-tmp-", async (model, dir) => {
      const { out, stateFile, engine } = await applyKilledAfter(model, dir, KEY);
      const debris = `${stateFile}.tmp-999999`;
      writeFileSync(debris, "{half a state");
      await engine.plan({ outDir: out });
      expect(existsSync(debris)).toBe(false);
    }));
});
