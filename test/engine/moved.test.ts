// moved blocks: a construct renamed with cdktf's moveTo (through moveConstruct) keeps its cloud
// objects; terraform's validation rules for move statements; apply of a saved plan repeats the moves.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import type { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { accessRows } from "../../src/cli/access-context.js";
import { renderPlan } from "../../src/cli/render/plan.js";
import { makeStyle } from "../../src/cli/render/style.js";
import { renderAccessText } from "../../src/review/access-diff.js";
import { formatDiagnostic } from "../../src/engine/diagnostics.js";
import { parseStackJson } from "../../src/engine/config/load.js";
import { applyMoves, validateMoves } from "../../src/engine/config/moved.js";
import { emptyState, type InstanceState } from "../../src/engine/state/state.js";
import { engineFor, profilesStack, seededModel, tempDir, writeStack } from "./fixtures.js";

const root = path.join(import.meta.dirname, "../..");
let model: CloudModel | undefined;
afterEach(() => model?.close());

const errorsOf = (d: { severity: string }[]) => d.filter((x) => x.severity === "error").map((x) => formatDiagnostic(x as never));

/** A copy of examples/quickstart/main.ts in `dir` (relative imports made absolute), edited by `edit`. */
function copyQuickstart(dir: string, file: string, edit: (src: string) => string = (s) => s): string {
  const src = readFileSync(path.join(root, "examples/quickstart/main.ts"), "utf8").replaceAll('from "../../', `from "${root}/`);
  const out = path.join(dir, file);
  writeFileSync(out, edit(src));
  return out;
}

function synth(dir: string, file: string, outDir: string): void {
  const r = spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), file], { cwd: dir, env: { ...process.env, CDKTF_OUTDIR: outDir }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`synth of ${file} failed: ${r.stderr}`);
}

/** The quickstart with the "ansible" service account construct renamed to "automation". */
const RENAME = (src: string): string => {
  const anchor = "    this.ansible.grantInventoryReadOnFolder(SEED.folderId);\n";
  if (!src.includes(anchor) || !src.includes('new OsLoginServiceAccount(this, "ansible", {')) throw new Error("examples/quickstart/main.ts changed: update this test's edit");
  return src
    .replace('new OsLoginServiceAccount(this, "ansible", {', 'new OsLoginServiceAccount(this, "automation", {')
    .replace(
      anchor,
      anchor +
        `    // The construct as it was, so its resources can move to the renamed one.\n` +
        `    const before = new OsLoginServiceAccount(this, "ansible", { organization: org, name: "ansible", folderId: SEED.folderId, uid: 5000 });\n` +
        `    before.grantOsAdminLoginOnFolder(SEED.folderId);\n` +
        `    before.grantInventoryReadOnFolder(SEED.folderId);\n` +
        `    moveConstruct(before, this.ansible);\n`,
    )
    .replace(" OsLoginInstance, OsLoginOrganization,", " moveConstruct, OsLoginInstance, OsLoginOrganization,");
};

describe("GIVEN the quickstart applied, WHEN a construct is renamed with moveTo", () => {
  it("THEN the plan shows moves only, the access review none, and apply keeps every id and uid", async () => {
    const dir = tempDir("oslogin-moved-");
    symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
    const original = copyQuickstart(dir, "quickstart.ts");
    const renamed = copyQuickstart(dir, "renamed.ts", RENAME);
    synth(dir, original, path.join(dir, "out-1"));
    synth(dir, renamed, path.join(dir, "out-2"));
    const synthesized = JSON.parse(readFileSync(path.join(dir, "out-2/stacks/quickstart/cdk.tf.json"), "utf8"));
    // What cdktf 0.21.0 writes for moveTo: a list of {to, from} with plain addresses.
    expect(synthesized.moved).toHaveLength(5);
    expect(synthesized.moved[0]).toEqual({ from: "yandex_iam_service_account.ansible_account_5B4E6663", to: expect.stringMatching(/^yandex_iam_service_account\.automation_account_[0-9A-F]{8}$/) });

    model = seededModel();
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const first = await engine.run({ outDir: path.join(dir, "out-1") });
    expect(errorsOf(first.diagnostics)).toEqual([]);
    const before = (await engine.currentState("quickstart", path.join(dir, "out-2"))).state!;
    const ids = new Map([...before.instances].filter(([, i]) => i.mode === "managed").map(([a, i]) => [a, i.attributes.id]));
    const uid = (i: InstanceState | undefined) => i?.attributes.uid;

    const { plan, diagnostics } = await engine.plan({ outDir: path.join(dir, "out-2") });
    expect(errorsOf(diagnostics)).toEqual([]);
    expect(plan!.changes.filter((c) => c.action !== "noop" && !c.readDuringPlan).map((c) => `${c.action} ${c.address}`)).toEqual([]);
    const moves = plan!.moves!.map((m) => [m.from.replace(/_[0-9A-F]{8}$/, ""), m.to.replace(/_[0-9A-F]{8}$/, "")]).sort();
    expect(moves).toEqual([
      ["yandex_iam_service_account.ansible_account", "yandex_iam_service_account.automation_account"],
      ["yandex_iam_service_account_key.ansible_authorized-key", "yandex_iam_service_account_key.automation_authorized-key"],
      ["yandex_organizationmanager_os_login_profile.ansible_profile", "yandex_organizationmanager_os_login_profile.automation_profile"],
      ["yandex_resourcemanager_folder_iam_member.ansible_osAdminLogin-ansible-b1gquickstartfolder1", "yandex_resourcemanager_folder_iam_member.automation_osAdminLogin-automation-b1gquickstartfolder1"],
      ["yandex_resourcemanager_folder_iam_member.ansible_viewer-ansible-b1gquickstartfolder1", "yandex_resourcemanager_folder_iam_member.automation_viewer-automation-b1gquickstartfolder1"],
    ]);
    const text = renderPlan(plan!, makeStyle(false));
    expect(text).toContain(`  # ${plan!.moves![0].from} has moved to ${plan!.moves![0].to}`);
    expect(text).toContain("Plan: 0 to add, 0 to change, 0 to destroy.");
    expect(text.match(/has moved to/g)).toHaveLength(5);
    const rows = await accessRows(new InProcessCloudClient(model), plan!);
    expect(renderAccessText(rows)).toBe("Access changes: none.");

    const applied = await engine.run({ outDir: path.join(dir, "out-2") });
    expect(errorsOf(applied.diagnostics)).toEqual([]);
    expect(applied.applied).toMatchObject({ added: 0, changed: 0, destroyed: 0, read: 0, failed: 0, skipped: 0 });
    const after = (await engine.currentState("quickstart", path.join(dir, "out-2"))).state!;
    for (const m of plan!.moves!) {
      expect(after.instances.has(m.from)).toBe(false);
      expect(after.instances.get(m.to)!.attributes.id).toBe(ids.get(m.from));
    }
    const movedTo = new Map(plan!.moves!.map((m) => [m.from, m.to]));
    for (const [addr, id] of ids) expect(after.instances.get(movedTo.get(addr) ?? addr)!.attributes.id).toBe(id);
    const profile = plan!.moves!.find((m) => m.to.includes("os_login_profile"))!;
    expect(uid(after.instances.get(profile.to))).toBe(uid(before.instances.get(profile.from)));
    expect(uid(after.instances.get(profile.to))).toBe("5000");

    const again = await engine.plan({ outDir: path.join(dir, "out-2") });
    expect(errorsOf(again.diagnostics)).toEqual([]);
    expect(again.plan!.moves).toBeUndefined();
    expect(renderPlan(again.plan!, makeStyle(false))).toContain("No changes.");
  }, 120_000);
});

/** A state holding one service account at each address. */
function stateWith(...addrs: string[]) {
  const s = emptyState();
  for (const a of addrs) {
    const [type, rest] = a.split(".");
    const m = /^([^[]+)(?:\[(\d+)\])?$/.exec(rest)!;
    const inst: InstanceState = {
      mode: "managed",
      type,
      name: m[1],
      ...(m[2] !== undefined ? { indexKey: Number(m[2]), each: "list" as const } : {}),
      provider: 'provider["registry.terraform.io/yandex-cloud/yandex"]',
      schemaVersion: 0,
      attributes: { id: `id-of-${a}` },
      sensitiveAttributes: [],
      dependencies: [],
    };
    s.instances.set(a, inst);
  }
  return s;
}

const SA = "yandex_iam_service_account";
const stmts = (...pairs: [string, string][]) => pairs.map(([from, to], index) => ({ from, to, index }));
const messages = (d: { severity: string; summary: string; address?: string }[]) => d.map((x) => `${x.severity} ${x.address}: ${x.summary}`);

describe("GIVEN moved statements, terraform's rules", () => {
  it("a chain A->B, B->C moves the object at A to C, in either order of the blocks", () => {
    for (const order of [stmts([`${SA}.a`, `${SA}.b`], [`${SA}.b`, `${SA}.c`]), stmts([`${SA}.b`, `${SA}.c`], [`${SA}.a`, `${SA}.b`])]) {
      expect(validateMoves(order, [])).toEqual([]);
      const s = stateWith(`${SA}.a`);
      const r = applyMoves(s, order);
      expect(r).toEqual({ moves: [{ from: `${SA}.a`, to: `${SA}.c` }], diagnostics: [] });
      expect([...s.instances.keys()]).toEqual([`${SA}.c`]);
      expect(s.instances.get(`${SA}.c`)).toMatchObject({ name: "c", attributes: { id: `id-of-${SA}.a` } });
    }
  });

  it("a resource-level move keeps each instance's index", () => {
    const s = stateWith(`${SA}.a[0]`, `${SA}.a[1]`);
    expect(applyMoves(s, stmts([`${SA}.a`, `${SA}.b`])).moves).toEqual([
      { from: `${SA}.a[0]`, to: `${SA}.b[0]` },
      { from: `${SA}.a[1]`, to: `${SA}.b[1]` },
    ]);
    expect(s.instances.get(`${SA}.b[1]`)).toMatchObject({ name: "b", indexKey: 1, each: "list" });
  });

  it("two moves from one address, two moves to one address, a cycle, another type, and a still-declared source are errors", () => {
    expect(messages(validateMoves(stmts([`${SA}.a`, `${SA}.b`], [`${SA}.a`, `${SA}.c`]), []))).toEqual(["error moved[1]: Ambiguous move statements"]);
    expect(messages(validateMoves(stmts([`${SA}.a`, `${SA}.c`], [`${SA}.b`, `${SA}.c`]), []))).toEqual(["error moved[1]: Ambiguous move statements"]);
    const cycle = validateMoves(stmts([`${SA}.a`, `${SA}.b`], [`${SA}.b`, `${SA}.a`]), []);
    expect(messages(cycle)).toEqual(["error moved[0]: Cyclic dependency in move statements"]);
    expect(cycle[0].detail).toContain(`moved[0] (${SA}.a -> ${SA}.b), moved[1] (${SA}.b -> ${SA}.a)`);
    const other = validateMoves(stmts([`${SA}.a`, "yandex_iam_service_account_key.a"]), []);
    expect(messages(other)).toEqual(["error moved[0]: Resource type mismatch"]);
    expect(other[0].detail).toBe(`This statement declares a move from ${SA}.a to yandex_iam_service_account_key.a, which is a resource of a different type.`);
    const cfg = parseStackJson("t", "/x/cdk.tf.json", JSON.stringify({ resource: { [SA]: { a: { name: "a" }, b: { name: "b" } } } })).config!;
    const still = validateMoves(stmts([`${SA}.a`, `${SA}.b`]), cfg.resources);
    expect(messages(still)).toEqual(["error moved[0]: Moved object still exists"]);
    expect(still[0].detail).toBe(`This statement declares a move from ${SA}.a, but that resource is still declared. Change your configuration so that this resource will be declared as ${SA}.b instead.`);
  });

  it("a move to the same address is a warning; a move onto an existing object is skipped with terraform's warning", () => {
    expect(messages(validateMoves(stmts([`${SA}.a`, `${SA}.a`]), []))).toEqual(["warning moved[0]: Redundant move statement"]);
    const s = stateWith(`${SA}.a`, `${SA}.b`);
    const r = applyMoves(s, stmts([`${SA}.a`, `${SA}.b`]));
    expect(r.moves).toEqual([]);
    expect(messages(r.diagnostics)).toEqual(["warning undefined: Unresolved resource instance address changes"]);
    expect(r.diagnostics[0].detail).toContain(`${SA}.a could not move to ${SA}.b`);
    expect(s.instances.get(`${SA}.b`)!.attributes.id).toBe(`id-of-${SA}.b`);
  });

  it("malformed moved blocks are errors naming the field", () => {
    const r = parseStackJson("t", "/x/cdk.tf.json", JSON.stringify({ moved: [{ from: `${SA}.a` }, { from: "nonsense", to: `${SA}.b` }, { from: "data.x.y", to: "data.x.z" }] }));
    expect(r.diagnostics.map((d) => formatDiagnostic(d))).toEqual([
      `Error: Missing or invalid "to" (moved[0], attribute to): "to" must be a resource address such as "yandex_iam_service_account.ansible"`,
      `Error: Invalid address (moved[1], attribute from): "from" = "nonsense" is not TYPE.NAME, TYPE.NAME[N] or TYPE.NAME["KEY"]`,
      `Error: Data source address is not allowed (moved[2], attribute from): "from" = "data.x.y": data sources are never moved, they are read again`,
      `Error: Data source address is not allowed (moved[2], attribute to): "to" = "data.x.z": data sources are never moved, they are read again`,
    ]);
  });
});

describe("GIVEN a saved plan with moves", () => {
  it("WHEN applied THEN the state holds the object at the new address and the next plan has no changes", async () => {
    const dir = tempDir("oslogin-moved-");
    model = seededModel();
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const stack = profilesStack() as { resource: Record<string, Record<string, unknown>> };
    const out = writeStack(dir, stack);
    expect(errorsOf((await engine.run({ outDir: out })).diagnostics)).toEqual([]);
    const binding = "yandex_organizationmanager_organization_iam_member";
    const id = (await engine.currentState("test")).state!.instances.get(`${binding}.bob`)!.attributes.id;
    const renamed = { ...stack, resource: { ...stack.resource, [binding]: { robert: stack.resource[binding].bob } }, moved: [{ from: `${binding}.bob`, to: `${binding}.robert` }] };
    const out2 = writeStack(dir, renamed);
    const { plan } = await engine.plan({ outDir: out2 });
    expect(plan!.moves).toEqual([{ from: `${binding}.bob`, to: `${binding}.robert` }]);
    expect(plan!.changes.find((c) => c.address === `${binding}.robert`)).toMatchObject({ action: "noop", previousAddress: `${binding}.bob` });
    const saved = JSON.parse(JSON.stringify(plan));
    expect(errorsOf((await engine.applySaved(saved, { outDir: out2 })).diagnostics)).toEqual([]);
    const state = (await engine.currentState("test")).state!;
    expect(state.instances.has(`${binding}.bob`)).toBe(false);
    expect(state.instances.get(`${binding}.robert`)!.attributes.id).toBe(id);
    const again = await engine.plan({ outDir: out2 });
    expect(again.plan!.changes.filter((c) => c.action !== "noop" && !c.readDuringPlan)).toEqual([]);
  });
});
