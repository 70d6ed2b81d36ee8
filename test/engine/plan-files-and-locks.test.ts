import { afterEach, describe, expect, it } from "vitest";
import path from "node:path";
import { listAll } from "../../src/contract/cloud-client.js";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import type { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { formatDiagnostic } from "../../src/engine/diagnostics.js";
import { readPlanFile, writePlanFile } from "../../src/engine/planfile.js";
import { acquireLock } from "../../src/engine/state/lock.js";
import { statePaths } from "../../src/engine/state/store.js";
import { isUnknown } from "../../src/resources/define.js";
import { ALICE, ORG, engineFor, profilesStack, seededModel, tempDir, writeStack } from "./fixtures.js";

let model: CloudModel | undefined;
afterEach(() => model?.close());
const errors = (d: { severity: string }[]) => d.filter((x) => x.severity === "error").map((x) => formatDiagnostic(x as never));

describe("GIVEN a saved plan", () => {
  it("WHEN applied THEN exactly its changes are made, unknowns included, and applying it again is refused as stale", async () => {
    model = seededModel();
    const dir = tempDir();
    const out = writeStack(dir, profilesStack({ profiles: 1 }));
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const p = await engine.plan({ outDir: out });
    const file = path.join(dir, "tf.plan");
    await writePlanFile(file, p.plan!);
    const loaded = readPlanFile(file).plan!;
    const profile = loaded.changes.find((c) => c.type === "yandex_organizationmanager_os_login_profile")!;
    expect(profile.action).toBe("create");
    expect(isUnknown(profile.after!.id)).toBe(true);
    const r = await engine.applySaved(loaded, { outDir: out });
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.applied!.added).toBe(4);
    const again = await engine.applySaved(loaded, { outDir: out });
    // Serial numbers count coalesced writes, so only their shape is fixed.
    expect(errors(again.diagnostics)).toHaveLength(1);
    expect(errors(again.diagnostics)[0]).toMatch(/^Error: Saved plan is stale: the state changed since the plan was made \(serial 0 -> \d+\); run plan again$/);
  });

  it("WHEN the configuration was synthesized again with a change THEN apply of the old plan is refused", async () => {
    model = seededModel();
    const dir = tempDir();
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const p = await engine.plan({ outDir: writeStack(dir, profilesStack({ profiles: 1 })) });
    const out = writeStack(dir, profilesStack({ profiles: 2 }));
    const r = await engine.applySaved(p.plan!, { outDir: out });
    expect(errors(r.diagnostics)).toEqual(["Error: Saved plan is stale: the configuration changed since the plan was made (synth ran again); run plan again"]);
    const cloud = new InProcessCloudClient(model);
    expect((await listAll((t) => cloud.listOsLoginProfiles({ organizationId: ORG, pageToken: t }))).filter((x) => x.subjectId === ALICE && x.login.startsWith("alice-extra"))).toEqual([]);
  });

  it("WHEN a file is not a plan THEN reading it is a diagnostic", () => {
    expect(readPlanFile("/nonexistent/plan").diagnostics.map(formatDiagnostic)).toEqual(["Error: Cannot read the plan file: /nonexistent/plan does not exist or is not readable"]);
  });
});

describe("GIVEN two applies of the same stack at once", () => {
  it("WHEN the second does not wait THEN it fails naming the lock holder, and nothing is applied twice", async () => {
    model = seededModel();
    const dir = tempDir();
    const out = writeStack(dir, profilesStack({ profiles: 3 }));
    const a = engineFor(model, path.join(dir, ".oslogin"));
    const b = engineFor(model, path.join(dir, ".oslogin"));
    const [ra, rb] = await Promise.all([a.run({ outDir: out }), b.run({ outDir: out })]);
    const failed = [ra, rb].filter((r) => errors(r.diagnostics).length > 0);
    expect(failed.length).toBe(1);
    expect(errors(failed[0].diagnostics)[0]).toMatch(
      /^Error: Error acquiring the state lock: the state is locked by \S+@\S+ \(pid \d+ on \S+, operation OperationTypeApply, since \S+, lock ID [0-9a-f-]{36}\); wait for it to finish/,
    );
    const cloud = new InProcessCloudClient(model);
    expect((await listAll((t) => cloud.listOsLoginProfiles({ organizationId: ORG, pageToken: t }))).filter((x) => x.login.startsWith("alice-extra")).length).toBe(3);
  });

  it("WHEN the second waits with a lock timeout THEN it runs after the first and finds no changes", async () => {
    model = seededModel();
    const dir = tempDir();
    const out = writeStack(dir, profilesStack({ profiles: 3 }));
    const a = engineFor(model, path.join(dir, ".oslogin"));
    const b = engineFor(model, path.join(dir, ".oslogin"), { lockTimeoutMs: 20_000 });
    const ra = a.run({ outDir: out });
    await new Promise((r) => setTimeout(r, 5));
    const rb = await b.run({ outDir: out });
    expect(errors((await ra).diagnostics)).toEqual([]);
    expect(errors(rb.diagnostics)).toEqual([]);
    // The first created all six objects; the second, after waiting, found nothing to do.
    expect((await ra).applied!.added).toBe(6);
    expect(rb.applied).toEqual({ added: 0, changed: 0, destroyed: 0, read: 0, failed: 0, skipped: 0, interrupted: 0 });
  });

  it("WHEN a lock is held by a live process THEN force-unlock needs its ID and then releases it", async () => {
    const dir = tempDir();
    model = seededModel();
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const held = await acquireLock(statePaths(path.join(dir, ".oslogin"), "test").lock, "OperationTypeApply", 0);
    expect(held.ok).toBe(true);
    const id = held.ok ? held.lock.info.ID : "";
    expect(engine.forceUnlock("test", "wrong").diagnostics.map(formatDiagnostic)[0]).toMatch(/^Error: Cannot unlock: the lock ID does not match: the state is locked by /);
    expect(engine.forceUnlock("test", id).diagnostics).toEqual([]);
    expect(engine.forceUnlock("test", id).diagnostics.map(formatDiagnostic)).toEqual(["Error: Cannot unlock: the state is not locked"]);
  });
});
