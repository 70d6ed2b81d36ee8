// A saved plan names the workspace and the state it was made for (planfile.ts): applied in another
// workspace or against another backend it is refused, even when both states are still empty, where
// lineage and serial cannot tell them apart (the fresh state adopts the plan's lineage).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { listAll } from "../../src/contract/cloud-client.js";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import type { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { formatDiagnostic } from "../../src/engine/diagnostics.js";
import { readPlanFile, writePlanFile } from "../../src/engine/planfile.js";
import { statePaths } from "../../src/engine/state/store.js";
import { selectWorkspace } from "../../src/engine/state/workspaces.js";
import type { Plan } from "../../src/engine/types.js";
import { ALICE, ORG, engineFor, profilesStack, seededModel, tempDir, writeStack } from "./fixtures.js";

let model: CloudModel | undefined;
afterEach(() => {
  model?.close();
  delete process.env.TF_WORKSPACE;
});
const errors = (d: { severity: string }[]) => d.filter((x) => x.severity === "error").map((x) => formatDiagnostic(x as never));

/** The logins of Alice's extra profiles (what profilesStack creates) in the cloud. */
async function extraProfiles(m: CloudModel): Promise<string[]> {
  const cloud = new InProcessCloudClient(m);
  const all = await listAll((t) => cloud.listOsLoginProfiles({ organizationId: ORG, pageToken: t }));
  return all.filter((x) => x.subjectId === ALICE && x.login.startsWith("alice-extra")).map((x) => x.login);
}

/** A plan of one extra profile, made with `dataDir`, written to a plan file and read back. */
async function savedPlan(dir: string, dataDir: string): Promise<{ out: string; file: string; plan: Plan }> {
  const out = writeStack(dir, profilesStack({ profiles: 1 }));
  const p = await engineFor(model!, dataDir).plan({ outDir: out });
  expect(errors(p.diagnostics)).toEqual([]);
  const file = path.join(dir, "tf.plan");
  await writePlanFile(file, p.plan!);
  return { out, file, plan: readPlanFile(file).plan! };
}

describe("GIVEN a plan saved in workspace staging, whose state is empty", () => {
  it("WHEN applied while prod (also empty) is selected THEN it is refused naming both workspaces, nothing is created, and in staging it applies", async () => {
    model = seededModel();
    const dir = tempDir();
    const dataDir = path.join(dir, ".oslogin");
    const stackDir = statePaths(dataDir, "test").dir;
    selectWorkspace(stackDir, "staging");
    const { out, plan } = await savedPlan(dir, dataDir);
    const engine = engineFor(model, dataDir);

    selectWorkspace(stackDir, "prod");
    const refused = await engine.applySaved(plan, { outDir: out });
    expect(errors(refused.diagnostics)).toEqual([
      'Error: Saved plan is for another workspace: the plan was made in workspace "staging" and the current workspace is "prod": run "oslogin workspace select staging" and apply it there, or run plan again in "prod"',
    ]);
    process.env.TF_WORKSPACE = "prod";
    const overridden = await engine.applySaved(plan, { outDir: out });
    expect(errors(overridden.diagnostics)).toEqual([
      'Error: Saved plan is for another workspace: the plan was made in workspace "staging" and TF_WORKSPACE selects "prod": apply it with TF_WORKSPACE=staging, or run plan again in "prod"',
    ]);
    delete process.env.TF_WORKSPACE;
    expect(await extraProfiles(model)).toEqual([]);
    expect([plan.workspace, plan.stateLocation]).toEqual(["staging", path.join(stackDir, "terraform.tfstate.d/staging/terraform.tfstate")]);

    selectWorkspace(stackDir, "staging");
    const applied = await engine.applySaved(plan, { outDir: out });
    expect(errors(applied.diagnostics)).toEqual([]);
    expect(applied.applied!.added).toBe(4);
    expect(await extraProfiles(model)).toHaveLength(1);
  });
});

describe("GIVEN a plan saved against one data directory's empty state", () => {
  it("WHEN applied with another data directory (also empty) THEN it is refused naming both states, and nothing is created", async () => {
    model = seededModel();
    const dir = tempDir();
    const { out, plan } = await savedPlan(dir, path.join(dir, "a"));
    const refused = await engineFor(model, path.join(dir, "b")).applySaved(plan, { outDir: out });
    expect(errors(refused.diagnostics)).toEqual([
      `Error: Saved plan is for another backend: the plan was made against ${dir}/a/stacks/test/terraform.tfstate, and this command's state is ${dir}/b/stacks/test/terraform.tfstate: ` +
        "apply it where it was planned (the same directory, --data-dir and PG_* variables), or run plan again",
    ]);
    expect(await extraProfiles(model)).toEqual([]);
  });
});

describe("GIVEN a plan file written before plans recorded their workspace", () => {
  it("WHEN read THEN it is still a plan (show -json prints it), and WHEN applied THEN it is refused with what to do", async () => {
    model = seededModel();
    const dir = tempDir();
    const dataDir = path.join(dir, ".oslogin");
    const { out, file } = await savedPlan(dir, dataDir);
    const doc = JSON.parse(readFileSync(file, "utf8"));
    delete doc.plan.workspace;
    delete doc.plan.stateLocation;
    writeFileSync(file, JSON.stringify(doc));
    const old = readPlanFile(file);
    expect([old.diagnostics, old.plan?.stack, old.plan?.changes.length]).toEqual([[], "test", 4]);
    const refused = await engineFor(model, dataDir).applySaved(old.plan!, { outDir: out });
    expect(errors(refused.diagnostics)).toEqual([
      'Error: Saved plan records no workspace: the plan file was written by an older oslogin, which did not record the workspace and the backend a plan was made for; run "oslogin plan -out FILE" again',
    ]);
    expect(await extraProfiles(model)).toEqual([]);

    writeFileSync(file, JSON.stringify({ ...doc, plan: { ...doc.plan, workspace: 7 } }));
    expect(readPlanFile(file).diagnostics.map(formatDiagnostic)).toEqual([`Error: Not a plan file: ${file}: plan.workspace must be a string`]);
  });
});
