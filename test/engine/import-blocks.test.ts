// import blocks (cdktf's importFrom): an organization's existing profiles, keys and bindings are
// adopted by a stack that declares them; the plan says "will be imported", apply adopts without a
// create, and the next plan has no changes.
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { renderPlan } from "../../src/cli/render/plan.js";
import { applySummary } from "../../src/cli/engine-output.js";
import { makeStyle } from "../../src/cli/render/style.js";
import { formatDiagnostic } from "../../src/engine/diagnostics.js";
import { parseStackJson } from "../../src/engine/config/load.js";
import { ALICE, BOB, ORG, engineFor, seededModel, tempDir, writeStack } from "./fixtures.js";

let model: CloudModel | undefined;
afterEach(() => model?.close());
const errorsOf = (d: { severity: string }[]) => d.filter((x) => x.severity === "error").map((x) => formatDiagnostic(x as never));

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@quickstart";
const stack = (imports?: object[]) => ({
  provider: { yandex: [{ organization_id: ORG }] },
  terraform: { required_providers: { yandex: { source: "yandex-cloud/yandex" } } },
  resource: {
    yandex_organizationmanager_os_login_profile: { alice: { organization_id: ORG, subject_id: ALICE, login: "alice-ops", uid: 4242 } },
    yandex_organizationmanager_user_ssh_key: { alice: { organization_id: ORG, subject_id: ALICE, data: KEY, name: "alice-laptop" } },
    yandex_organizationmanager_organization_iam_member: { bob: { organization_id: ORG, role: "compute.osLogin", member: `userAccount:${BOB}` } },
  },
  ...(imports ? { import: imports } : {}),
});

describe("GIVEN an organization whose profiles, keys and bindings exist outside the stack", () => {
  it("WHEN a stack declares them with import blocks THEN the plan imports them, apply adopts them, the next plan has no changes", async () => {
    model = seededModel();
    // The organization as it is: made by someone else (another state).
    const other = engineFor(model, path.join(tempDir(), ".oslogin"));
    const made = await other.run({ outDir: writeStack(tempDir(), stack()) });
    expect(errorsOf(made.diagnostics)).toEqual([]);
    const existing = (await other.currentState("test")).state!;
    const id = (a: string) => existing.instances.get(a)!.attributes.id as string;
    const imports = [
      { to: "yandex_organizationmanager_os_login_profile.alice", id: id("yandex_organizationmanager_os_login_profile.alice") },
      { to: "yandex_organizationmanager_user_ssh_key.alice", id: id("yandex_organizationmanager_user_ssh_key.alice") },
      { to: "yandex_organizationmanager_organization_iam_member.bob", id: `${ORG},compute.osLogin,userAccount:${BOB}` },
    ];

    const dir = tempDir();
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const out = writeStack(dir, stack(imports));
    const { plan, diagnostics } = await engine.plan({ outDir: out });
    expect(errorsOf(diagnostics)).toEqual([]);
    expect(plan!.changes.map((c) => [c.address, c.action, c.importingId])).toEqual(imports.map((i) => [i.to, "noop", i.id]));
    const text = renderPlan(plan!, makeStyle(false));
    for (const i of imports) expect(text).toContain(`  # ${i.to} will be imported`);
    expect(text).toContain("Plan: 3 to import, 0 to add, 0 to change, 0 to destroy.");

    const applied = await engine.run({ outDir: out });
    expect(errorsOf(applied.diagnostics)).toEqual([]);
    expect(applied.applied).toMatchObject({ imported: 3, added: 0, changed: 0, destroyed: 0, read: 0, failed: 0, skipped: 0 });
    expect(applySummary(applied.applied!, false, makeStyle(false))).toBe("Apply complete! Resources: 3 imported, 0 added, 0 changed, 0 destroyed.");
    const state = (await engine.currentState("test")).state!;
    for (const a of [imports[0].to, imports[1].to]) expect(state.instances.get(a)!.attributes.id).toBe(id(a));
    expect(state.instances.get(imports[2].to)!.attributes.id).toBe(existing.instances.get(imports[2].to)!.attributes.id);

    const again = await engine.plan({ outDir: out });
    expect(errorsOf(again.diagnostics)).toEqual([]);
    expect(again.plan!.imports).toBeUndefined();
    expect(renderPlan(again.plan!, makeStyle(false))).toContain("No changes.");
  });

  it("WHEN an import block targets an undeclared address or repeats one THEN terraform's errors", async () => {
    const r = parseStackJson("t", "/x/cdk.tf.json", JSON.stringify({ import: [{ to: "yandex_iam_service_account.a", id: "x" }, { to: "yandex_iam_service_account.a", id: "y" }, { to: "a" }] }));
    expect(r.diagnostics.map((d) => formatDiagnostic(d))).toEqual([
      'Error: Missing or invalid "to" (import[2], attribute to): "to" must be a resource address such as "yandex_organizationmanager_os_login_profile.alice"',
      "Error: Duplicate import configuration (import[1]): import[0] already imports into yandex_iam_service_account.a; each address can be imported only once",
    ]);
    model = seededModel();
    const dir = tempDir();
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const { diagnostics } = await engine.plan({ outDir: writeStack(dir, { ...stack([{ to: "yandex_organizationmanager_os_login_profile.carol", id: "p1" }]) }) });
    expect(errorsOf(diagnostics)).toEqual([
      "Error: Configuration for import target does not exist (yandex_organizationmanager_os_login_profile.carol): declare yandex_organizationmanager_os_login_profile.carol in the stack before importing into it",
    ]);
  });
});
