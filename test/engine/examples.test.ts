// The examples, synthesized by cdktf itself (the judge of the config the engine reads), applied
// to the real in-process cloud, re-planned (no changes), and destroyed (the cloud is empty again).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { listAll } from "../../src/contract/cloud-client.js";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import type { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { formatDiagnostic } from "../../src/engine/diagnostics.js";
import { accessDiff, desiredFromPlan } from "../../src/review/access-diff.js";
import { ORG, engineFor, seededModel, tempDir } from "./fixtures.js";

const root = path.join(import.meta.dirname, "../..");
const FOLDER = "b1gquickstartfolder1";
let model: CloudModel | undefined;
afterEach(() => model?.close());

function synth(example: string, outDir: string, env: Record<string, string> = {}): void {
  const r = spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), path.join(root, "examples", example, "main.ts")], {
    cwd: path.dirname(outDir),
    env: { ...process.env, CDKTF_OUTDIR: outDir, ...env },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`synth of examples/${example} failed: ${r.stderr}`);
}

/** Objects of the kinds the examples create, as the cloud lists them. */
async function census(m: CloudModel) {
  const c = new InProcessCloudClient(m);
  const sas = await listAll((t) => c.listServiceAccounts({ folderId: FOLDER, pageToken: t }));
  const vms = await listAll((t) => c.listInstances({ folderId: FOLDER, pageToken: t }));
  const saProfiles = (await listAll((t) => c.listOsLoginProfiles({ organizationId: ORG, pageToken: t }))).filter((p) => sas.some((s) => s.id === p.subjectId));
  const folderBindings = (await c.listAccessBindings({ kind: "folder", id: FOLDER })).items;
  return { serviceAccounts: sas.length, instances: vms.length, serviceAccountProfiles: saProfiles.length, folderBindings: folderBindings.length };
}

const errorsOf = (d: { severity: string }[]) => d.filter((x) => x.severity === "error").map((x) => formatDiagnostic(x as never));

describe.each([
  ["quickstart", {}, { serviceAccounts: 1, instances: 3, serviceAccountProfiles: 1, folderBindings: 2 }],
  ["fleet", { FLEET_SIZE: "4" }, { serviceAccounts: 4, instances: 4, serviceAccountProfiles: 4, folderBindings: 0 }],
] as const)("GIVEN examples/%s synthesized by cdktf", (example, env, expected) => {
  it("WHEN applied THEN the cloud holds its objects, a re-plan has no changes, and destroy empties the cloud", async () => {
    const dir = tempDir("oslogin-example-");
    const outDir = path.join(dir, "cdktf.out");
    synth(example, outDir, env);
    model = seededModel();
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const applied = await engine.run({ outDir });
    expect(errorsOf(applied.diagnostics)).toEqual([]);
    expect(applied.applied!.failed).toBe(0);
    expect(await census(model)).toEqual(expected);

    const again = await engine.plan({ outDir });
    expect(errorsOf(again.diagnostics)).toEqual([]);
    expect(again.plan!.changes.filter((c) => c.action !== "noop" && !c.readDuringPlan).map((c) => c.address)).toEqual([]);

    const destroyed = await engine.run({ outDir, mode: "destroy" });
    expect(errorsOf(destroyed.diagnostics)).toEqual([]);
    expect(await census(model)).toEqual({ serviceAccounts: 0, instances: 0, serviceAccountProfiles: 0, folderBindings: 0 });
  });
});

describe("GIVEN the quickstart's first plan", () => {
  it("THEN the access review lists who gains login or sudo on which VM, as which login and uid", async () => {
    const dir = tempDir("oslogin-example-");
    const outDir = path.join(dir, "cdktf.out");
    synth("quickstart", outDir);
    model = seededModel();
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const { plan } = await engine.plan({ outDir });
    const { before, after } = desiredFromPlan(plan!);
    const rows = accessDiff(before, after, { providerScopes: plan!.providerScopes }).map((r) => [r.vmName, r.memberName, r.change, r.login, r.uid, r.via.split(" ")[0]]);
    expect(rows).toEqual([
      ["db-1", "ansible", "gains sudo", "yc-sa-ansible", "5000", "folder"],
      ["web-1", "ansible", "gains sudo", "yc-sa-ansible", "5000", "folder"],
      ["web-1", "Alice", "gains login", "alice", "(allocated)", "instance"],
      ["web-2", "ansible", "gains sudo", "yc-sa-ansible", "5000", "folder"],
    ]);
  });
});
