// Scoping a plan as terraform does: -target (a binding plans only itself and what it depends on; a
// construct path covers the resources under it; destroy grows to dependents), -replace, a tainted
// object, -refresh=false and -lock=false, against the real embedded cloud.
import { afterEach, describe, expect, it } from "vitest";
import path from "node:path";
import type { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { listAll } from "../../src/contract/cloud-client.js";
import { formatDiagnostic } from "../../src/engine/diagnostics.js";
import type { Plan } from "../../src/engine/types.js";
import { UNKNOWN } from "../../src/resources/define.js";
import { renderPlan } from "../../src/cli/render/plan.js";
import { readPlanFile, writePlanFile } from "../../src/engine/planfile.js";
import { makeStyle } from "../../src/cli/render/style.js";
import { planRepresentation } from "../../src/cli/views/terraform-json.js";
import { BOB, ORG, engineFor, profilesStack, seededModel, tempDir, writeStack } from "./fixtures.js";

let model: CloudModel | undefined;
afterEach(() => model?.close());

const SETTINGS = "yandex_organizationmanager_os_login_settings.org";
const BOB_BINDING = "yandex_organizationmanager_organization_iam_member.bob";
const PROFILE = "yandex_organizationmanager_os_login_profile.alice";
const MARKER = "null_resource.marker";

const errors = (d: { severity: string }[]) => d.filter((x) => x.severity === "error").map((x) => formatDiagnostic(x as never));
const warnings = (d: { severity: string; summary: string }[]) => d.filter((x) => x.severity === "warning").map((x) => x.summary);
const acting = (p: Plan) => p.changes.filter((c) => c.action !== "noop" && !c.readDuringPlan).map((c) => [c.address, c.action]);

/** profilesStack with construct paths as cdktf writes them (the "//" metadata), and a standalone marker. */
function stack(opts: { shell?: string; bobRole?: string; cbd?: boolean } = {}) {
  const s = profilesStack({ shell: opts.shell, bobRole: opts.bobRole });
  const meta = (p: string) => ({ "//": { metadata: { path: `test/${p}` } } });
  const r = s.resource as Record<string, Record<string, Record<string, unknown>>>;
  Object.assign(r.yandex_organizationmanager_os_login_settings.org, meta("org/settings"));
  Object.assign(r.yandex_organizationmanager_os_login_profile.alice, meta("team/alice/profile"));
  Object.assign(r.yandex_organizationmanager_organization_iam_member.bob, meta("team/bob/login"), opts.cbd ? { lifecycle: { create_before_destroy: true } } : {});
  Object.assign(r.null_resource.marker, meta("marker"));
  return s;
}

async function applied(opts: Parameters<typeof stack>[0] = {}) {
  model = seededModel();
  const dir = tempDir("oslogin-scoping-");
  const out = writeStack(dir, stack(opts));
  const engine = engineFor(model, path.join(dir, ".oslogin"));
  const r = await engine.run({ outDir: out });
  expect(errors(r.diagnostics)).toEqual([]);
  return { dir, out, engine };
}

const bobRoles = async (m: CloudModel) =>
  (await new InProcessCloudClient(m).listAccessBindings({ kind: "organization", id: ORG })).items.filter((b) => b.subject.id === BOB).map((b) => b.roleId);

describe("GIVEN an empty state and a stack of settings, two profiles, Bob's binding and a marker", () => {
  it("WHEN planned and applied with -target of Bob's binding THEN only the binding and the settings it depends on are created, with terraform's warnings", async () => {
    model = seededModel();
    const dir = tempDir("oslogin-scoping-");
    const out = writeStack(dir, stack());
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const p = await engine.plan({ outDir: out, targets: [BOB_BINDING] });
    expect(errors(p.diagnostics)).toEqual([]);
    expect(acting(p.plan!)).toEqual([
      [SETTINGS, "create"],
      [BOB_BINDING, "create"],
    ]);
    expect(warnings(p.diagnostics)).toEqual(["Resource targeting is in effect"]);
    expect(p.plan!.targets).toEqual([BOB_BINDING]);
    // Outputs over the untargeted profiles wait for them.
    expect(p.plan!.outputs.map((o) => [o.name, o.after === UNKNOWN])).toEqual([
      ["logins", true],
      ["first_uid", true],
    ]);

    const r = await engine.run({ outDir: out, targets: [BOB_BINDING] });
    expect(errors(r.diagnostics)).toEqual([]);
    expect(warnings(r.diagnostics)).toEqual(["Resource targeting is in effect", "Applied changes may be incomplete"]);
    expect(r.applied).toMatchObject({ added: 2, changed: 0, destroyed: 0 });
    expect(await bobRoles(model)).toEqual(["compute.osLogin"]);
    const st = await engine.currentState("test", out);
    expect([...st.state!.instances.keys()].sort()).toEqual([SETTINGS, BOB_BINDING].sort());
    expect(st.state!.outputs).toEqual({});

    // The rest follows with a full plan.
    const rest = await engine.plan({ outDir: out });
    expect(acting(rest.plan!)).toEqual([
      [`${PROFILE}[0]`, "create"],
      [`${PROFILE}[1]`, "create"],
      [MARKER, "create"],
    ]);
  });
});

describe("GIVEN the stack applied, then the shell and Bob's role changed in the configuration", () => {
  it("WHEN planned with -target of one profile instance THEN only that instance is updated; the others stay as they are", async () => {
    const { dir, engine } = await applied();
    const out = writeStack(dir, stack({ shell: "/bin/zsh", bobRole: "compute.osAdminLogin" }));
    const p = await engine.plan({ outDir: out, targets: [`${PROFILE}[1]`] });
    expect(errors(p.diagnostics)).toEqual([]);
    expect(acting(p.plan!)).toEqual([[`${PROFILE}[1]`, "update"]]);
    const r = await engine.run({ outDir: out, targets: [`${PROFILE}[1]`] });
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.applied).toMatchObject({ added: 0, changed: 1, destroyed: 0 });
    expect(await bobRoles(model!)).toEqual(["compute.osLogin"]);
    const all = await engine.plan({ outDir: out });
    expect(acting(all.plan!)).toEqual([
      [`${PROFILE}[0]`, "update"],
      [BOB_BINDING, "replace"],
    ]);
  });

  it("WHEN a targeted plan is saved and applied THEN apply warns the result may be incomplete and applies only the target", async () => {
    const { dir, engine } = await applied();
    const out = writeStack(dir, stack({ shell: "/bin/zsh", bobRole: "compute.osAdminLogin" }));
    const p = await engine.plan({ outDir: out, targets: [BOB_BINDING] });
    const file = path.join(dir, "targeted.plan");
    await writePlanFile(file, p.plan!);
    const saved = readPlanFile(file).plan!;
    expect(saved.targets).toEqual([BOB_BINDING]);
    const r = await engine.applySaved(saved, { outDir: out });
    expect(errors(r.diagnostics)).toEqual([]);
    expect(warnings(r.diagnostics)).toEqual(["Applied changes may be incomplete"]);
    expect(r.applied).toMatchObject({ added: 1, changed: 0, destroyed: 1 });
    expect(await bobRoles(model!)).toEqual(["compute.osAdminLogin"]);
  });

  it("WHEN planned with -target of a construct path THEN every resource under it is planned (and nothing else)", async () => {
    const { dir, engine } = await applied();
    const out = writeStack(dir, stack({ shell: "/bin/zsh", bobRole: "compute.osAdminLogin" }));
    const team = await engine.plan({ outDir: out, targets: ["team"] });
    expect(errors(team.diagnostics)).toEqual([]);
    expect(acting(team.plan!)).toEqual([
      [`${PROFILE}[0]`, "update"],
      [`${PROFILE}[1]`, "update"],
      [BOB_BINDING, "replace"],
    ]);
    // With the stack's id in front, and a deeper path.
    const bob = await engine.plan({ outDir: out, targets: ["test/team/bob"] });
    expect(acting(bob.plan!)).toEqual([[BOB_BINDING, "replace"]]);
    const wrong = await engine.plan({ outDir: out, targets: ["team/carol"] });
    expect(errors(wrong.diagnostics)).toEqual([
      'Error: Invalid target "team/carol": no construct at path "team/carol" in stack "test" has resources (construct paths are the ids from the stack down, e.g. "web-1" or "test/web-1")',
    ]);
    const bad = await engine.plan({ outDir: out, targets: ["module.team"] });
    expect(errors(bad.diagnostics)[0]).toMatch(/^Error: Invalid target "module.team": the engine plans flat cdktf stacks, which have no modules/);
  });

  it("WHEN destroyed with -target of the settings THEN everything that depends on them is destroyed too, and nothing else", async () => {
    const { out, engine } = await applied();
    const p = await engine.plan({ outDir: out, mode: "destroy", targets: [BOB_BINDING] });
    expect(acting(p.plan!)).toEqual([[BOB_BINDING, "delete"]]);
    const all = await engine.plan({ outDir: out, mode: "destroy", targets: [SETTINGS] });
    expect(acting(all.plan!).sort()).toEqual(
      [
        [SETTINGS, "delete"],
        [`${PROFILE}[0]`, "delete"],
        [`${PROFILE}[1]`, "delete"],
        [BOB_BINDING, "delete"],
        [MARKER, "delete"],
      ].sort(),
    );
    const r = await engine.run({ outDir: out, mode: "destroy", targets: [BOB_BINDING] });
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.applied).toMatchObject({ added: 0, changed: 0, destroyed: 1 });
    expect(await bobRoles(model!)).toEqual([]);
  });
});

describe("GIVEN the stack applied", () => {
  it("WHEN planned with -replace of Bob's binding THEN it is replaced, as requested (delete first), and applying keeps Bob's role", async () => {
    const { out, engine } = await applied();
    const p = await engine.plan({ outDir: out, replace: [BOB_BINDING] });
    expect(errors(p.diagnostics)).toEqual([]);
    expect(acting(p.plan!)).toEqual([[BOB_BINDING, "replace"]]);
    const c = p.plan!.changes.find((x) => x.address === BOB_BINDING)!;
    expect([c.actionReason, c.createBeforeDestroy, c.reason]).toEqual(["replace_by_request", false, "replacement requested with -replace"]);
    expect(renderPlan(p.plan!, makeStyle(false)).split("\n").slice(0, 3)).toEqual([
      "oslogin will perform the following actions:",
      "",
      `  # ${BOB_BINDING} will be replaced, as requested (replacement requested with -replace)`,
    ]);
    expect(renderPlan(p.plan!, makeStyle(false))).toContain('-/+ resource "yandex_organizationmanager_organization_iam_member" "bob" {');
    const tf = planRepresentation(p.plan!) as { resource_changes: { address: string; action_reason?: string; change: { actions: string[] } }[] };
    expect(tf.resource_changes.filter((x) => x.action_reason).map((x) => [x.address, x.change.actions, x.action_reason])).toEqual([[BOB_BINDING, ["delete", "create"], "replace_by_request"]]);
    const r = await engine.run({ outDir: out, replace: [BOB_BINDING] });
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.applied).toMatchObject({ added: 1, destroyed: 1 });
    expect(await bobRoles(model!)).toEqual(["compute.osLogin"]);
    const again = await engine.plan({ outDir: out });
    expect(acting(again.plan!)).toEqual([]);
  });

  it("WHEN the binding has create_before_destroy and -replace names it THEN the plan creates first (+/-)", async () => {
    const { out, engine } = await applied({ cbd: true });
    const p = await engine.plan({ outDir: out, replace: [BOB_BINDING] });
    const c = p.plan!.changes.find((x) => x.address === BOB_BINDING)!;
    expect([c.action, c.createBeforeDestroy, c.actionReason]).toEqual(["replace", true, "replace_by_request"]);
    expect(renderPlan(p.plan!, makeStyle(false))).toContain('+/- resource "yandex_organizationmanager_organization_iam_member" "bob" {');
  });

  it("WHEN -replace is given to a destroy plan THEN it is terraform's error", async () => {
    const { out, engine } = await applied();
    const p = await engine.plan({ outDir: out, mode: "destroy", replace: [BOB_BINDING] });
    expect(errors(p.diagnostics)).toEqual(["Error: Unsupported plan mode: Forcing resource instance replacement (with -replace=...) is allowed only in normal planning mode."]);
  });

  it("WHEN an object is marked tainted in state THEN the plan says it is tainted, so must be replaced", async () => {
    const { out, engine } = await applied();
    await engine.editState("test", (s) => ((s.instances.get(`${PROFILE}[0]`)!.status = "tainted"), []), out);
    const p = await engine.plan({ outDir: out });
    expect(acting(p.plan!)).toEqual([
      [`${PROFILE}[0]`, "replace"],
      [MARKER, "replace"],
    ]);
    expect(p.plan!.changes.find((x) => x.address === `${PROFILE}[0]`)!.actionReason).toBe("replace_because_tainted");
    const tf = planRepresentation(p.plan!) as { resource_changes: { address: string; action_reason?: string }[] };
    expect(tf.resource_changes.filter((x) => x.action_reason).map((x) => [x.address, x.action_reason])).toEqual([
      [MARKER, "replace_because_cannot_update"],
      [`${PROFILE}[0]`, "replace_because_tainted"],
    ]);
    expect(renderPlan(p.plan!, makeStyle(false))).toContain(`  # ${PROFILE}[0] is tainted, so must be replaced (tainted: marked with oslogin taint, or left by a failed create)`);
  });

  it("WHEN both profiles are deleted outside and refresh runs with -target of one THEN only that one is read and dropped from state", async () => {
    const { out, engine } = await applied();
    const cloud = new InProcessCloudClient(model!);
    for (const p of await listAll((pageToken) => cloud.listOsLoginProfiles({ organizationId: ORG, pageToken }))) if (p.login.startsWith("alice-extra")) await cloud.deleteOsLoginProfile(p.id);
    const r = await engine.run({ outDir: out, mode: "refresh-only", targets: [`${PROFILE}[0]`] });
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.plan!.drift.map((d) => [d.address, d.kind])).toEqual([[`${PROFILE}[0]`, "deleted"]]);
    const st = (await engine.currentState("test", out)).state!;
    expect([st.instances.has(`${PROFILE}[0]`), st.instances.has(`${PROFILE}[1]`)]).toEqual([false, true]);
  });

  it("WHEN the cloud changed outside and the plan has refresh false THEN it plans from state alone (no drift, no changes)", async () => {
    const { out, engine } = await applied();
    const cloud = new InProcessCloudClient(model!);
    const p1 = (await listAll((pageToken) => cloud.listOsLoginProfiles({ organizationId: ORG, pageToken }))).find((x) => x.login === "alice-extra-1")!;
    await cloud.deleteOsLoginProfile(p1.id);
    const stale = await engine.plan({ outDir: out, refresh: false });
    expect(stale.plan!.drift).toEqual([]);
    expect(acting(stale.plan!)).toEqual([]);
    const fresh = await engine.plan({ outDir: out });
    expect(fresh.plan!.drift.map((d) => [d.address, d.kind])).toEqual([[`${PROFILE}[1]`, "deleted"]]);
  });
});

describe("GIVEN another process holds the state lock", () => {
  it("WHEN a plan runs with lock false THEN it plans anyway and warns; with the lock it fails naming the lock", async () => {
    const { dir, out, engine } = await applied();
    const backend = engine.backendOfStack("test", out);
    if (typeof backend === "string") throw new Error(backend);
    const held = await backend.lock("OperationTypeApply", 0);
    if (!held.ok) throw new Error(held.reason);
    try {
      const locked = await engineFor(model!, path.join(dir, ".oslogin")).plan({ outDir: out });
      expect(errors(locked.diagnostics)[0]).toMatch(/^Error: Error acquiring the state lock/);
      const p = await engineFor(model!, path.join(dir, ".oslogin"), { lock: false }).plan({ outDir: out });
      expect(errors(p.diagnostics)).toEqual([]);
      expect(warnings(p.diagnostics)).toEqual(["State lock disabled"]);
      expect(acting(p.plan!)).toEqual([]);
    } finally {
      held.lock.release();
    }
  });
});

describe("GIVEN two bindings that exist outside the stack and import blocks for both", () => {
  it("WHEN applied with -target of one THEN only that one is adopted; the other stays for the next full plan", async () => {
    model = seededModel();
    const binding = (name: string, role: string) => ({ [name]: { organization_id: ORG, role, member: `userAccount:${BOB}` } });
    const doc = (imports?: object[]) => ({
      provider: { yandex: [{ organization_id: ORG }] },
      terraform: { required_providers: { yandex: { source: "yandex-cloud/yandex" } } },
      resource: { yandex_organizationmanager_organization_iam_member: { ...binding("login", "compute.osLogin"), ...binding("viewer", "viewer") } },
      ...(imports ? { import: imports } : {}),
    });
    const made = await engineFor(model, path.join(tempDir(), ".oslogin")).run({ outDir: writeStack(tempDir(), doc()) });
    expect(errors(made.diagnostics)).toEqual([]);
    const LOGIN = "yandex_organizationmanager_organization_iam_member.login";
    const VIEWER = "yandex_organizationmanager_organization_iam_member.viewer";
    const dir = tempDir("oslogin-scoping-");
    const out = writeStack(dir, doc([
      { to: LOGIN, id: `${ORG},compute.osLogin,userAccount:${BOB}` },
      { to: VIEWER, id: `${ORG},viewer,userAccount:${BOB}` },
    ]));
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const r = await engine.run({ outDir: out, targets: [LOGIN] });
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.plan!.imports!.map((i) => i.address)).toEqual([LOGIN]);
    expect([...(await engine.currentState("test", out)).state!.instances.keys()]).toEqual([LOGIN]);
    const rest = await engine.plan({ outDir: out });
    expect(rest.plan!.imports!.map((i) => i.address)).toEqual([VIEWER]);
  });
});

describe("GIVEN the stack applied, then Bob's binding renamed with a moved block", () => {
  it("WHEN planned with -target of the new address only THEN terraform's error asks for the old one too; with both it plans the move", async () => {
    const { dir, engine } = await applied();
    const renamed = stack() as { resource: Record<string, Record<string, unknown>>; moved?: object[] };
    const b = renamed.resource.yandex_organizationmanager_organization_iam_member;
    b.bob2 = b.bob;
    delete b.bob;
    renamed.moved = [{ from: BOB_BINDING, to: `${BOB_BINDING}2` }];
    const out = writeStack(dir, renamed);
    const only = await engine.plan({ outDir: out, targets: [`${BOB_BINDING}2`] });
    expect(errors(only.diagnostics)).toEqual([
      `Error: Moved resource instances excluded by targeting: Resource instances in your current state have moved to new addresses in the latest configuration. oslogin must include those resource instances while planning in order to ensure a correct result, but your -target=... options do not fully cover all of those resource instances.\n\nTo create a valid plan, either remove your -target=... options altogether or add the following additional target options:\n  -target="${BOB_BINDING}"\n\nNote that adding these options may include further additional resource instances in your plan, in order to respect object dependencies.`,
    ]);
    const both = await engine.plan({ outDir: out, targets: [`${BOB_BINDING}2`, BOB_BINDING] });
    expect(errors(both.diagnostics)).toEqual([]);
    expect(both.plan!.changes.filter((c) => c.previousAddress).map((c) => [c.previousAddress, c.address, c.action])).toEqual([[BOB_BINDING, `${BOB_BINDING}2`, "noop"]]);
    expect(acting(both.plan!)).toEqual([]);
  });
});
