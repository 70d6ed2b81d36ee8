import { afterEach, describe, expect, it } from "vitest";
import path from "node:path";
import { listAll } from "../../src/contract/cloud-client.js";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import type { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { formatDiagnostic } from "../../src/engine/diagnostics.js";
import { ORG, engineFor, seededModel, tempDir, writeStack } from "./fixtures.js";

let model: CloudModel | undefined;
afterEach(() => {
  model?.close();
  delete process.env.TF_VAR_prefix;
});
const errors = (d: { severity: string }[]) => d.filter((x) => x.severity === "error").map((x) => formatDiagnostic(x as never));
const FOLDER = "b1gquickstartfolder1";

const stack = () => ({
  variable: { folder: { type: "string", default: FOLDER }, prefix: { type: "string", default: "team" } },
  locals: { logins: { ops: "ops-admin", dev: "dev-user" } },
  provider: { yandex: [{ organization_id: ORG }, { alias: "infra", organization_id: ORG, folder_id: "${var.folder}" }] },
  data: { yandex_organizationmanager_os_login_member: { bob: { organization_id: ORG, email: "bob@example.com" } } },
  resource: {
    yandex_iam_service_account: {
      // No folder_id: only the aliased provider's folder makes this valid.
      robots: { for_each: "${local.logins}", provider: "yandex.infra", name: "${var.prefix}-${each.key}" },
    },
    yandex_organizationmanager_os_login_profile: {
      robots: {
        for_each: "${yandex_iam_service_account.robots}",
        organization_id: ORG,
        subject_id: "${each.value.id}",
        login: "${local.logins[each.key]}",
      },
    },
    yandex_organizationmanager_organization_iam_member: {
      bob: { organization_id: ORG, role: "compute.osLogin", member: "${data.yandex_organizationmanager_os_login_member.bob.member}" },
    },
  },
  output: {
    robot_logins: { value: "${{for k, p in yandex_organizationmanager_os_login_profile.robots : k => p.login}}" },
    bob: { value: "${data.yandex_organizationmanager_os_login_member.bob.id}" },
  },
});

describe("GIVEN variables, locals, provider aliases, for_each over a map and over a resource, and a data source", () => {
  it("WHEN applied THEN each feature resolves as terraform would and a re-plan has no changes", async () => {
    model = seededModel();
    const dir = tempDir();
    process.env.TF_VAR_prefix = "robot";
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const out = writeStack(dir, stack());
    const r = await engine.run({ outDir: out });
    expect(errors(r.diagnostics)).toEqual([]);
    const cloud = new InProcessCloudClient(model);
    const sas = await listAll((t) => cloud.listServiceAccounts({ folderId: FOLDER, pageToken: t }));
    expect(sas.map((s) => s.name).sort()).toEqual(["robot-dev", "robot-ops"]);
    const profiles = (await listAll((t) => cloud.listOsLoginProfiles({ organizationId: ORG, pageToken: t }))).filter((p) => sas.some((s) => s.id === p.subjectId));
    expect(profiles.map((p) => p.login).sort()).toEqual(["dev-user", "ops-admin"]);
    const bindings = (await cloud.listAccessBindings({ kind: "organization", id: ORG })).items.map((b) => `${b.roleId} ${b.subject.type}:${b.subject.id}`);
    expect(bindings).toContain("compute.osLogin userAccount:ajebob00000000000002");

    const p = await engine.plan({ outDir: out });
    expect(p.plan!.changes.filter((c) => c.action !== "noop" && !c.readDuringPlan).map((c) => c.address)).toEqual([]);
    expect(p.plan!.changes.filter((c) => c.type === "yandex_organizationmanager_os_login_profile").map((c) => c.address)).toEqual([
      'yandex_organizationmanager_os_login_profile.robots["dev"]',
      'yandex_organizationmanager_os_login_profile.robots["ops"]',
    ]);
    const { state } = await engine.currentState("test");
    expect(state!.outputs.robot_logins.value).toEqual({ dev: "dev-user", ops: "ops-admin" });
    expect(state!.outputs.bob.value).toBe("ajebob00000000000002");
  });
});
