import { afterEach, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { listAll } from "../../src/contract/cloud-client.js";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import type { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { formatDiagnostic } from "../../src/engine/diagnostics.js";
import { ALICE, BOB, ORG, engineFor, profilesStack, seededModel, tempDir, writeStack } from "./fixtures.js";

let model: CloudModel | undefined;
afterEach(() => model?.close());
const errors = (d: { severity: string }[]) => d.filter((x) => x.severity === "error").map((x) => formatDiagnostic(x as never));
const acting = (p: { changes: { action: string; readDuringPlan?: boolean; address: string; reason: string }[] }) =>
  p.changes.filter((c) => c.action !== "noop" && !c.readDuringPlan).map((c) => [c.address, c.action, c.reason]);

describe("GIVEN lifecycle arguments", () => {
  it("WHEN prevent_destroy is set and the plan would replace or destroy THEN it is an error and nothing changes", async () => {
    model = seededModel();
    const dir = tempDir();
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const s = profilesStack({ profiles: 1 }) as Record<string, any>;
    s.resource.yandex_organizationmanager_organization_iam_member.bob.lifecycle = { prevent_destroy: true };
    await engine.run({ outDir: writeStack(dir, s) });
    s.resource.yandex_organizationmanager_organization_iam_member.bob.role = "compute.osAdminLogin";
    const r = await engine.run({ outDir: writeStack(dir, s) });
    expect(errors(r.diagnostics)).toEqual([
      "Error: Instance cannot be destroyed (yandex_organizationmanager_organization_iam_member.bob): lifecycle.prevent_destroy is set, but the plan would replace this object (forces replacement: role); change the configuration or remove prevent_destroy",
    ]);
    expect(r.applied).toBeUndefined();
    const d = await engine.run({ outDir: writeStack(dir, s), mode: "destroy" });
    expect(errors(d.diagnostics)[0]).toMatch(/^Error: Instance cannot be destroyed \(yandex_organizationmanager_organization_iam_member\.bob\)/);
  });

  it("WHEN ignore_changes names an attribute changed outside THEN the plan keeps it, with no update", async () => {
    model = seededModel();
    const dir = tempDir();
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const s = profilesStack({ profiles: 1, shell: "/bin/bash" }) as Record<string, any>;
    s.resource.yandex_organizationmanager_os_login_profile.alice.lifecycle = { ignore_changes: ["shell"] };
    const out = writeStack(dir, s);
    await engine.run({ outDir: out });
    const cloud = new InProcessCloudClient(model);
    const [p] = (await listAll((t) => cloud.listOsLoginProfiles({ organizationId: ORG, pageToken: t }))).filter((x) => x.login === "alice-extra-0");
    await cloud.updateOsLoginProfile({ osLoginProfileId: p.id, login: p.login, shell: "/bin/zsh", updateMask: ["shell"] });
    const r = await engine.plan({ outDir: out });
    expect(r.plan!.drift.map((d) => [d.address, d.paths])).toEqual([["yandex_organizationmanager_os_login_profile.alice[0]", [["shell"]]]]);
    expect(acting(r.plan!)).toEqual([]);
  });

  it("WHEN create_before_destroy is set on a replaced binding THEN the new one exists before the old one goes", async () => {
    model = seededModel();
    const dir = tempDir();
    const order: string[] = [];
    const engine = engineFor(model, path.join(dir, ".oslogin"), {
      hooks: { applyDone: (e) => order.push(`${e.phase} ${e.address}`) },
    });
    const s = profilesStack({ profiles: 1 }) as Record<string, any>;
    s.resource.yandex_organizationmanager_organization_iam_member.bob.lifecycle = { create_before_destroy: true };
    await engine.run({ outDir: writeStack(dir, s) });
    order.length = 0;
    s.resource.yandex_organizationmanager_organization_iam_member.bob.role = "compute.osAdminLogin";
    const r = await engine.run({ outDir: writeStack(dir, s) });
    expect(errors(r.diagnostics)).toEqual([]);
    expect(order).toEqual([
      "create yandex_organizationmanager_organization_iam_member.bob",
      "delete yandex_organizationmanager_organization_iam_member.bob (deposed)",
    ]);
    const cloud = new InProcessCloudClient(model);
    expect((await cloud.listAccessBindings({ kind: "organization", id: ORG })).items.filter((b) => b.subject.id === BOB).map((b) => b.roleId)).toEqual(["compute.osAdminLogin"]);
  });
});

describe("GIVEN an object that exists in the cloud but not in state", () => {
  it("WHEN imported into its declared address THEN state adopts it and the plan has no changes", async () => {
    model = seededModel();
    const dir = tempDir();
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const s = profilesStack({ profiles: 1 }) as Record<string, any>;
    s.resource.yandex_organizationmanager_os_login_profile.adopted = { organization_id: ORG, subject_id: ALICE, login: "alice-adopted", shell: "/bin/sh" };
    await engine.run({ outDir: writeStack(dir, profilesStack({ profiles: 1 })) });
    const out = writeStack(dir, s);
    const cloud = new InProcessCloudClient(model);
    const created = await cloud.createOsLoginProfile({ organizationId: ORG, subjectId: ALICE, login: "alice-adopted", shell: "/bin/sh" });
    const r = await engine.import({ outDir: out }, "yandex_organizationmanager_os_login_profile.adopted", created.id);
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.instance!.attributes.login).toBe("alice-adopted");
    const p = await engine.plan({ outDir: out });
    expect(acting(p.plan!)).toEqual([]);
    const again = await engine.import({ outDir: out }, "yandex_organizationmanager_os_login_profile.adopted", created.id);
    expect(errors(again.diagnostics)).toEqual([
      'Error: Resource already managed (yandex_organizationmanager_os_login_profile.adopted): yandex_organizationmanager_os_login_profile.adopted is already in state; remove it with "oslogin state rm" first',
    ]);
  });

  it("WHEN the ID names nothing or the address is not declared THEN import is refused with the reason", async () => {
    model = seededModel();
    const dir = tempDir();
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const out = writeStack(dir, profilesStack({ profiles: 1 }));
    expect(errors((await engine.import({ outDir: out }, "yandex_organizationmanager_os_login_profile.alice[0]", "olpnosuchprofile0000")).diagnostics)).toEqual([
      'Error: Cannot import non-existent remote object (yandex_organizationmanager_os_login_profile.alice[0]): no yandex_organizationmanager_os_login_profile with ID "olpnosuchprofile0000" exists',
    ]);
    expect(errors((await engine.import({ outDir: out }, "yandex_iam_service_account.nope", "x")).diagnostics)).toEqual([
      "Error: Configuration for import target does not exist (yandex_iam_service_account.nope): declare yandex_iam_service_account.nope in the stack before importing into it",
    ]);
  });
});

describe("GIVEN a state holding a deposed object (an interrupted create_before_destroy)", () => {
  it("WHEN planned and applied THEN the deposed object is deleted from the cloud and from state", async () => {
    model = seededModel();
    const dir = tempDir();
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const out = writeStack(dir, profilesStack({ profiles: 1 }));
    await engine.run({ outDir: out });
    const cloud = new InProcessCloudClient(model);
    // The old binding of an interrupted replacement, still in the cloud, recorded as deposed.
    await cloud.updateAccessBindings({ kind: "organization", id: ORG }, [{ action: "ADD", accessBinding: { roleId: "compute.osAdminLogin", subject: { type: "userAccount", id: BOB } } }]);
    const file = path.join(dir, ".oslogin/stacks/test/terraform.tfstate");
    const state = JSON.parse(readFileSync(file, "utf8"));
    const res = state.resources.find((r: { type: string }) => r.type === "yandex_organizationmanager_organization_iam_member");
    res.instances.push({ ...res.instances[0], deposed: "00aa11bb", attributes: { ...res.instances[0].attributes, role: "compute.osAdminLogin", id: `${ORG}/compute.osAdminLogin/userAccount:${BOB}` } });
    writeFileSync(file, JSON.stringify(state));
    const p = await engine.plan({ outDir: out });
    expect(acting(p.plan!)).toEqual([
      ["yandex_organizationmanager_organization_iam_member.bob", "delete", "deposed: the old object of an interrupted create_before_destroy replacement"],
    ]);
    const r = await engine.run({ outDir: out });
    expect(errors(r.diagnostics)).toEqual([]);
    expect((await cloud.listAccessBindings({ kind: "organization", id: ORG })).items.filter((b) => b.subject.id === BOB).map((b) => b.roleId)).toEqual(["compute.osLogin"]);
    expect(JSON.parse(readFileSync(file, "utf8")).resources.find((r: { type: string }) => r.type === "yandex_organizationmanager_organization_iam_member").instances.length).toBe(1);
  });
});
