// Issue 15 item 6: changes the cloud is certain to refuse fail the plan, naming the address and the
// rule, before apply changes anything. Before the fix both passed plan and failed in apply next to
// changes that went through (a partial apply).
import { afterEach, describe, expect, it } from "vitest";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import type { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { ALICE, BOB, ORG, engineFor, seededModel, tempDir, writeStack } from "./fixtures.js";

let model: CloudModel | undefined;
afterEach(() => model?.close());

const settings = {
  org: { organization_id: ORG, user_ssh_key_settings: { enabled: true, allow_manage_own_keys: true }, ssh_certificate_settings: { enabled: true } },
};
const stackWith = (resource: object) => ({
  provider: { yandex: [{ organization_id: ORG, folder_id: "b1gquickstartfolder1", zone: "ru-central1-a" }] },
  terraform: { required_providers: { yandex: { source: "yandex-cloud/yandex" } } },
  resource: { yandex_organizationmanager_os_login_settings: settings, ...resource },
});

async function bindingsOn(kind: "organization" | "instance", id: string) {
  return (await new InProcessCloudClient(model!).listAccessBindings({ kind, id })).items.map((b) => `${b.roleId} ${b.subject.type}:${b.subject.id}`);
}

describe("GIVEN a stack that grants a role on an instance id that does not exist, next to a valid grant", () => {
  it("WHEN planned or applied THEN the plan fails naming the binding and the rule, and nothing is applied", async () => {
    const dir = tempDir();
    model = seededModel();
    const outDir = writeStack(
      dir,
      stackWith({
        yandex_organizationmanager_organization_iam_member: { bob: { organization_id: ORG, role: "compute.osLogin", member: `userAccount:${BOB}` } },
        yandex_compute_instance_iam_member: { ghost: { instance_id: "fhmnosuchinstance000", role: "compute.osLogin", member: `userAccount:${ALICE}` } },
      }),
    );
    const engine = engineFor(model, dir);
    const expected = [
      {
        severity: "error",
        summary: "No such VM instance",
        detail: 'instance_id "fhmnosuchinstance000" names no VM instance in the cloud: a binding can only be granted on an existing VM instance',
        path: ["instance_id"],
        address: "yandex_compute_instance_iam_member.ghost",
      },
    ];
    const plan = await engine.plan({ outDir });
    expect(plan.diagnostics).toEqual(expected);
    expect(plan.plan).toBeUndefined();

    const run = await engine.run({ outDir, mode: "normal" });
    expect(run.diagnostics).toEqual(expected);
    expect(run.applied).toBeUndefined();
    expect(await bindingsOn("organization", ORG)).toEqual([]);
    expect((await engine.currentState("test")).state?.instances.size ?? 0).toBe(0);
  });
});

describe("GIVEN members with OS Login profiles (alice, bob)", () => {
  it("WHEN a service account's profile takes alice's login THEN the plan fails naming the profile and the rule; a free login plans", async () => {
    const dir = tempDir();
    model = seededModel();
    const engine = engineFor(model, dir);
    const outDir = writeStack(dir, stackWith({}));
    expect((await engine.run({ outDir, mode: "normal" })).diagnostics).toEqual([]);
    const profiles = (await new InProcessCloudClient(model).listOsLoginProfiles({ organizationId: ORG })).items;
    const alice = profiles.find((p) => p.subjectId === ALICE)!;
    expect(alice.login).toBe("alice");

    const withSa = (login: string, uid: bigint) =>
      writeStack(
        dir,
        stackWith({
          yandex_iam_service_account: { deploy: { name: "deploy" } },
          yandex_organizationmanager_os_login_profile: {
            deploy: { organization_id: ORG, subject_id: "${yandex_iam_service_account.deploy.id}", login, uid: String(uid) },
          },
        }),
      );
    const taken = await engine.run({ outDir: withSa("alice", alice.uid), mode: "normal" });
    const holder = `the profile ${alice.id} of subject ${ALICE} in organization ${ORG}`;
    expect(taken.diagnostics).toEqual([
      {
        severity: "error",
        summary: "Login already taken",
        detail: `login "alice" is already held by ${holder}: a login must be unique in the organization`,
        path: ["login"],
        address: "yandex_organizationmanager_os_login_profile.deploy",
      },
      {
        severity: "error",
        summary: "Uid already taken",
        detail: `uid "${alice.uid}" is already held by ${holder}: a uid must be unique in the organization`,
        path: ["uid"],
        address: "yandex_organizationmanager_os_login_profile.deploy",
      },
    ]);
    expect(taken.applied).toBeUndefined();
    expect((await new InProcessCloudClient(model).listServiceAccounts({ folderId: "b1gquickstartfolder1" })).items).toEqual([]);

    const free = await engine.plan({ outDir: withSa("deploy", alice.uid + 100n) });
    expect(free.diagnostics).toEqual([]);
    expect(free.plan!.changes.filter((c) => c.action === "create").map((c) => c.address)).toEqual([
      "yandex_iam_service_account.deploy",
      "yandex_organizationmanager_os_login_profile.deploy",
    ]);
  });
});
