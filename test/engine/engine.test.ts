import { afterEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { listAll } from "../../src/contract/cloud-client.js";
import type { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { formatDiagnostic } from "../../src/engine/diagnostics.js";
import { ALICE, BOB, ORG, engineFor, profilesStack, seededModel, tempDir, writeStack } from "./fixtures.js";

let model: CloudModel | undefined;
afterEach(() => model?.close());

const extraProfiles = async (m: CloudModel) =>
  (await listAll((pageToken) => new InProcessCloudClient(m).listOsLoginProfiles({ organizationId: ORG, pageToken }))).filter((p) => p.login.startsWith("alice-extra"));
const bobBindings = async (m: CloudModel) =>
  (await new InProcessCloudClient(m).listAccessBindings({ kind: "organization", id: ORG })).items.filter((b) => b.subject.id === BOB);
const errors = (d: { severity: string }[]) => d.filter((x) => x.severity === "error").map((x) => formatDiagnostic(x as never));

describe("GIVEN a stack of OS Login settings, counted profiles, a binding and a null_resource", () => {
  it("WHEN applied THEN the cloud holds the objects, state is v4, and a re-plan has no changes", async () => {
    model = seededModel();
    const dir = tempDir();
    const out = writeStack(dir, profilesStack());
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const r = await engine.run({ outDir: out });
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.applied).toEqual({ added: 5, changed: 0, destroyed: 0, read: 0, failed: 0, skipped: 0, interrupted: 0 });
    expect((await extraProfiles(model)).map((p) => p.login).sort()).toEqual(["alice-extra-0", "alice-extra-1"]);
    expect((await bobBindings(model)).map((b) => b.roleId)).toEqual(["compute.osLogin"]);

    const state = JSON.parse(readFileSync(path.join(dir, ".oslogin/stacks/test/terraform.tfstate"), "utf8"));
    expect(state.version).toBe(4);
    expect(state.outputs.logins).toEqual({ value: ["alice-extra-0", "alice-extra-1"], type: ["tuple", ["string", "string"]] });
    expect(state.outputs.first_uid.sensitive).toBe(true);
    const profiles = state.resources.find((x: { type: string }) => x.type === "yandex_organizationmanager_os_login_profile");
    expect(profiles.each).toBe("list");
    expect(profiles.provider).toBe('provider["registry.terraform.io/yandex-cloud/yandex"]');
    expect(profiles.instances.map((i: { index_key: number }) => i.index_key)).toEqual([0, 1]);
    expect(profiles.instances[0].dependencies).toEqual(["yandex_organizationmanager_os_login_settings.org"]);
    expect(state.oslogin_pending_creates).toBeUndefined();

    const again = await engine.plan({ outDir: out });
    expect(errors(again.diagnostics)).toEqual([]);
    expect(again.plan!.changes.filter((c) => c.action !== "noop" && !c.readDuringPlan)).toEqual([]);
    expect(again.plan!.drift).toEqual([]);
  });

  it("WHEN a profile is changed and another deleted out of band THEN plan reports drift separately and apply fixes both", async () => {
    model = seededModel();
    const dir = tempDir();
    const out = writeStack(dir, profilesStack({ shell: "/bin/bash" }));
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    await engine.run({ outDir: out });
    const cloud = new InProcessCloudClient(model);
    const [p0, p1] = (await extraProfiles(model)).sort((a, b) => (a.login < b.login ? -1 : 1));
    await cloud.updateOsLoginProfile({ osLoginProfileId: p0.id, login: p0.login, shell: "/bin/sh", updateMask: ["shell"] });
    await cloud.deleteOsLoginProfile(p1.id);

    const r = await engine.plan({ outDir: out });
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.plan!.drift.map((d) => [d.address, d.kind, d.paths])).toEqual([
      ["yandex_organizationmanager_os_login_profile.alice[0]", "changed", [["shell"]]],
      ["yandex_organizationmanager_os_login_profile.alice[1]", "deleted", []],
    ]);
    const acting = r.plan!.changes.filter((c) => c.action !== "noop" && !c.readDuringPlan).map((c) => [c.address, c.action, c.reason]);
    expect(acting).toEqual([
      ["yandex_organizationmanager_os_login_profile.alice[0]", "update", "changed outside the engine (drift): shell"],
      ["yandex_organizationmanager_os_login_profile.alice[1]", "create", "deleted outside the engine (drift): create it again"],
      ["null_resource.marker", "replace", "forces replacement: triggers"],
    ]);
    const applied = await engine.run({ outDir: out });
    expect(errors(applied.diagnostics)).toEqual([]);
    const now = (await extraProfiles(model)).sort((a, b) => (a.login < b.login ? -1 : 1));
    expect(now.map((p) => [p.login, p.shell])).toEqual([
      ["alice-extra-0", "/bin/bash"],
      ["alice-extra-1", "/bin/bash"],
    ]);
    const clean = await engine.plan({ outDir: out });
    expect(clean.plan!.changes.filter((c) => c.action !== "noop" && !c.readDuringPlan)).toEqual([]);
  });

  it("WHEN destroyed THEN the cloud holds none of the stack's objects and state is empty", async () => {
    model = seededModel();
    const dir = tempDir();
    const out = writeStack(dir, profilesStack());
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    await engine.run({ outDir: out });
    const d = await engine.run({ outDir: out, mode: "destroy" });
    expect(errors(d.diagnostics)).toEqual([]);
    expect(d.applied!.destroyed).toBe(5);
    expect(await extraProfiles(model)).toEqual([]);
    expect(await bobBindings(model)).toEqual([]);
    const state = JSON.parse(readFileSync(path.join(dir, ".oslogin/stacks/test/terraform.tfstate"), "utf8"));
    expect(state.resources).toEqual([]);
    expect(state.outputs).toEqual({});
  });

  it("WHEN count shrinks and a force-new attribute changes THEN the plan deletes the extra index and replaces with reasons", async () => {
    model = seededModel();
    const dir = tempDir();
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    await engine.run({ outDir: writeStack(dir, profilesStack({ profiles: 3 })) });
    const out = writeStack(dir, profilesStack({ profiles: 2, bobRole: "compute.osAdminLogin" }));
    const r = await engine.plan({ outDir: out });
    const acting = r.plan!.changes.filter((c) => c.action !== "noop" && !c.readDuringPlan).map((c) => [c.address, c.action, c.reason]);
    expect(acting).toEqual([
      ["yandex_organizationmanager_organization_iam_member.bob", "replace", "forces replacement: role"],
      ["null_resource.marker", "replace", "forces replacement: triggers"],
      ["yandex_organizationmanager_os_login_profile.alice[2]", "delete", "index [2] is out of range for count"],
    ]);
    const a = await engine.run({ outDir: out });
    expect(errors(a.diagnostics)).toEqual([]);
    expect((await bobBindings(model)).map((b) => b.roleId)).toEqual(["compute.osAdminLogin"]);
    expect((await extraProfiles(model)).length).toBe(2);
  });
});
