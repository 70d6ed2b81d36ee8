// State safety: a state file of another lineage (or a state gone missing) is refused with both
// lineages named and what to do; every command that replaces a state keeps the one before it as
// terraform.tfstate.backup, 0600.
import { afterEach, describe, expect, it } from "vitest";
import { chmodSync, copyFileSync, existsSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { listAll } from "../../src/contract/cloud-client.js";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import type { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { formatDiagnostic, type EngineDiagnostic } from "../../src/engine/diagnostics.js";
import { readPlanFile, writePlanFile } from "../../src/engine/planfile.js";
import { statePaths } from "../../src/engine/state/store.js";
import { ORG, engineFor, profilesStack, seededModel, tempDir, writeStack } from "./fixtures.js";

let model: CloudModel | undefined;
afterEach(() => model?.close());

const errors = (d: EngineDiagnostic[]) => d.filter((x) => x.severity === "error").map(formatDiagnostic);
const json = (file: string) => JSON.parse(readFileSync(file, "utf8"));
const profileCount = async (m: CloudModel) => (await listAll((pageToken) => new InProcessCloudClient(m).listOsLoginProfiles({ organizationId: ORG, pageToken }))).length;

/** Two data directories, each with stack "test" applied: the same stack shape, other logins. */
async function twoAppliedStacks() {
  model = seededModel();
  const dir = tempDir();
  const otherStack = profilesStack({ profiles: 1 });
  otherStack.resource.yandex_organizationmanager_os_login_profile.alice.login = "other-${count.index}";
  const mine = { dataDir: path.join(dir, "mine"), out: writeStack(path.join(dir, "a"), profilesStack({ profiles: 2 })) };
  const other = { dataDir: path.join(dir, "other"), out: writeStack(path.join(dir, "b"), otherStack) };
  for (const s of [mine, other]) expect(errors((await engineFor(model, s.dataDir).run({ outDir: s.out })).diagnostics)).toEqual([]);
  return { mine: { ...s(mine), engine: engineFor(model, mine.dataDir) }, other: s(other) };
  function s(x: { dataDir: string; out: string }) {
    return { ...x, paths: statePaths(x.dataDir, "test") };
  }
}

/** Stack "test" with `profiles` profiles, applied once in a fresh data directory. */
async function appliedStack(profiles = 1) {
  model = seededModel();
  const dir = tempDir();
  const dataDir = path.join(dir, ".oslogin");
  const out = writeStack(dir, profilesStack({ profiles }));
  const engine = engineFor(model, dataDir);
  expect(errors((await engine.run({ outDir: out })).diagnostics)).toEqual([]);
  return { dir, out, engine, paths: statePaths(dataDir, "test") };
}

describe("GIVEN a stack whose state file was replaced by one of another lineage", () => {
  it("WHEN planned or applied THEN both refuse, naming both lineages and what to do; nothing is written and nothing is created", async () => {
    const { mine, other } = await twoAppliedStacks();
    const myLineage = json(mine.paths.state).lineage as string;
    const foreign = json(other.paths.state);
    expect(foreign.lineage).not.toBe(myLineage);
    expect(json(mine.paths.record)).toEqual({ lineage: myLineage });
    const myBackupSerial = json(mine.paths.backup).serial as number;
    copyFileSync(other.paths.state, mine.paths.state);
    const profiles = await profileCount(model!);

    const expected =
      `Error: Cannot read the state: ${mine.paths.state} has lineage ${foreign.lineage} (serial ${foreign.serial}), but stack "test" has lineage ${myLineage} ` +
      `(recorded in ${mine.paths.record} when its state was first written): this file is another state's history (another stack's or another data directory's), ` +
      `and planning against it would create again the objects this stack made. Put this stack's own state file back (${mine.paths.backup} has this stack's lineage, ` +
      `serial ${myBackupSerial}: the state as it was before the last command that changed it); or, if this stack is to manage that state's objects from now on, delete ${mine.paths.record}.`;
    expect(errors((await mine.engine.plan({ outDir: mine.out })).diagnostics)).toEqual([expected]);
    const applied = await mine.engine.run({ outDir: mine.out });
    expect(errors(applied.diagnostics)).toEqual([expected]);
    expect(applied.applied).toBeUndefined();
    expect(readFileSync(mine.paths.state, "utf8")).toBe(readFileSync(other.paths.state, "utf8"));
    expect(await profileCount(model!)).toBe(profiles);
    // Read-only commands refuse it too: `state list` and `output` would show another stack's objects.
    expect(errors((await mine.engine.currentState("test")).diagnostics)).toEqual([expected]);
  });

  it("WHEN the owner deletes the record as the message says THEN the stack takes that state, and its next write records its lineage", async () => {
    const { mine, other } = await twoAppliedStacks();
    copyFileSync(other.paths.state, mine.paths.state);
    rmSync(mine.paths.record);
    const r = await mine.engine.run({ outDir: mine.out, mode: "refresh-only" });
    expect(errors(r.diagnostics)).toEqual([]);
    expect(json(mine.paths.record)).toEqual({ lineage: json(other.paths.state).lineage });
  });
});

describe("GIVEN a stack whose state file went missing after it was written", () => {
  it("WHEN planned THEN it is refused instead of planning every object again; once the record is deleted the stack starts afresh", async () => {
    const { out, engine, paths } = await appliedStack();
    const lineage = json(paths.state).lineage as string;
    const backupSerial = json(paths.backup).serial as number;
    rmSync(paths.state);

    expect(errors((await engine.plan({ outDir: out })).diagnostics)).toEqual([
      `Error: Cannot read the state: ${paths.state} is missing, but stack "test" has lineage ${lineage} (recorded in ${paths.record} when its state was first written): ` +
        `without its state every object the stack made would be planned again. Put the state file back (${paths.backup} has this stack's lineage, serial ${backupSerial}: ` +
        `the state as it was before the last command that changed it); or, if the stack's objects are gone and it is to start afresh, delete ${paths.record}.`,
    ]);
    expect(existsSync(paths.state)).toBe(false);

    // Deleting the record starts the stack afresh. The docs say to do it only when the stack's
    // objects are gone; here they are still in the cloud, so the fresh plan's creates of the
    // profile meet the plan-time uniqueness check instead of failing half-way through an apply.
    rmSync(paths.record);
    const fresh = await engine.plan({ outDir: out });
    const freshErrors = errors(fresh.diagnostics);
    expect(freshErrors.length).toBeGreaterThan(0);
    expect(freshErrors.every((e) => e.startsWith("Error: Login already taken (yandex_organizationmanager_os_login_profile."))).toBe(true);
    expect(existsSync(paths.state)).toBe(false);
  });
});

describe("GIVEN a data directory written before stacks recorded their lineage", () => {
  it("WHEN the stack runs THEN its state is accepted and the next write records the state's lineage", async () => {
    const { out, engine, paths } = await appliedStack();
    rmSync(paths.record);
    expect(errors((await engine.run({ outDir: out, mode: "refresh-only" })).diagnostics)).toEqual([]);
    expect(json(paths.record)).toEqual({ lineage: json(paths.state).lineage });
  });
});

describe("GIVEN a stack's state written by the engine", () => {
  it("WHEN the first apply runs THEN terraform.tfstate.backup exists, 0600, of the same lineage and an earlier serial", async () => {
    const { paths } = await appliedStack();
    expect(statSync(paths.backup).mode & 0o777).toBe(0o600);
    const [state, backup] = [json(paths.state), json(paths.backup)];
    expect(backup.lineage).toBe(state.lineage);
    expect(backup.serial).toBeLessThan(state.serial);
    // The first snapshot: what the apply was about to create, nothing created yet.
    expect(backup.resources).toEqual([]);
    expect(Object.keys(backup.oslogin_pending_creates).length).toBe(4);
  });

  it("WHEN later commands replace it THEN each keeps the state as it was before the command as the backup, 0600, even over a state file that was 0644", async () => {
    const { dir, engine, paths } = await appliedStack();
    chmodSync(paths.state, 0o644);
    const beforeApply = readFileSync(paths.state, "utf8");
    expect(errors((await engine.run({ outDir: writeStack(dir, profilesStack({ profiles: 2 })) })).diagnostics)).toEqual([]);
    expect(readFileSync(paths.backup, "utf8")).toBe(beforeApply);
    expect(statSync(paths.backup).mode & 0o777).toBe(0o600);
    expect(statSync(paths.state).mode & 0o777).toBe(0o600);

    const beforeRm = readFileSync(paths.state, "utf8");
    expect(errors((await engine.editState("test", (s) => (s.instances.delete("null_resource.marker"), []))).diagnostics)).toEqual([]);
    expect(readFileSync(paths.backup, "utf8")).toBe(beforeRm);
  });
});

describe("GIVEN a saved plan made against another lineage", () => {
  it("WHEN applied THEN it is refused naming both lineages", async () => {
    const { dir, out, engine } = await appliedStack();
    const p = (await engine.plan({ outDir: out })).plan!;
    const file = path.join(dir, "tf.plan");
    await writePlanFile(file, { ...p, lineage: "00000000-0000-4000-8000-000000000000" });
    const r = await engine.applySaved(readPlanFile(file).plan!, { outDir: out });
    expect(errors(r.diagnostics)).toEqual([
      `Error: Saved plan is for another state: the plan was made against lineage 00000000-0000-4000-8000-000000000000, the stack's state has lineage ${p.lineage}; run plan again`,
    ]);
  });
});
