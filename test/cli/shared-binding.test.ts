// Issue 15 item 6: a binding moved in state to an undeclared address. The plan deletes the old
// address and creates the declared one: one binding in the cloud. Before the fix, apply sent both
// to the cloud at once and Bob lost login on web-2 while the review said "Access changes: none".
// Run as a user runs it: real CLI processes, then the metadata endpoint asked about Bob.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { MetadataEndpoint } from "../../src/cloud/metadata/endpoint.js";
import { GuestDirectory } from "../../src/cloud/metadata/guest-directory.js";
import { BOB, ORG, seededModel, tempDir, writeStack } from "../engine/fixtures.js";

const main = path.join(import.meta.dirname, "../../src/cli/main.ts");

function oslogin(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), main, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const stack = {
  provider: { yandex: [{ organization_id: ORG, folder_id: "b1gquickstartfolder1", zone: "ru-central1-a" }] },
  terraform: { required_providers: { yandex: { source: "yandex-cloud/yandex" } } },
  resource: {
    yandex_organizationmanager_os_login_settings: {
      org: { organization_id: ORG, user_ssh_key_settings: { enabled: true, allow_manage_own_keys: true }, ssh_certificate_settings: { enabled: true } },
    },
    yandex_compute_instance: {
      web_2: {
        name: "web-2",
        platform_id: "standard-v3",
        resources: { cores: 2, memory: 2 },
        boot_disk: { initialize_params: { image_id: "fd8quickstartoslogin" } },
        network_interface: [{ subnet_id: "e9bquickstartsubnet1" }],
        metadata: { "enable-oslogin": "true" },
      },
    },
    yandex_compute_instance_iam_member: {
      bob_web_2: {
        instance_id: "${yandex_compute_instance.web_2.id}",
        role: "compute.osLogin",
        member: `userAccount:${BOB}`,
        depends_on: ["yandex_organizationmanager_os_login_settings.org"],
      },
    },
  },
};

/** What the guest agent on web-2 is told when it asks whether Bob may log in. */
function bobMayLogIn(dataDir: string): string {
  const model = CloudModel.open({ dataDir });
  try {
    const vm = model.ctx.sql("SELECT id FROM instances").all() as { id: string }[];
    expect(vm).toHaveLength(1);
    return new MetadataEndpoint(new GuestDirectory(model, vm[0].id)).handle("GET", "/computeMetadata/v1/oslogin/authorize?email=bob%40example.com&policy=login", "Google").body;
  } finally {
    model.close();
  }
}

describe("GIVEN Bob's binding on web-2 moved in state to an undeclared address", () => {
  it("WHEN planned and applied THEN the old address is only forgotten, the review says nothing changes, and Bob still logs in", () => {
    const dir = tempDir("oslogin-shared-binding-");
    const dataDir = path.join(dir, ".oslogin");
    seededModel(dataDir).close();
    writeStack(dir, stack);
    expect(oslogin(dir, "apply", "--auto-approve").code).toBe(0);
    expect(bobMayLogIn(dataDir)).toBe('{"success":true}');

    const mv = oslogin(dir, "state", "mv", "yandex_compute_instance_iam_member.bob_web_2", "yandex_compute_instance_iam_member.old");
    expect(mv.code).toBe(0);

    const plan = oslogin(dir, "plan");
    expect(plan.code).toBe(0);
    expect(plan.out).toContain(
      "# yandex_compute_instance_iam_member.old will be removed from state (no longer in configuration; the same cloud object stays declared as yandex_compute_instance_iam_member.bob_web_2: removed from state only, the cloud is not called)",
    );
    expect(plan.out).toContain("# yandex_compute_instance_iam_member.bob_web_2 will be created");
    expect(plan.out).toContain("Plan: 1 to add, 0 to change, 0 to destroy, 1 to forget.");
    expect(plan.out).toContain("Access changes: none.");

    const apply = oslogin(dir, "apply", "--auto-approve");
    expect(apply.err).toBe("");
    expect(apply.code).toBe(0);
    expect(apply.out).toContain("Apply complete! Resources: 1 added, 0 changed, 0 destroyed, 1 forgotten.");
    expect(bobMayLogIn(dataDir)).toBe('{"success":true}');

    const after = oslogin(dir, "plan", "--detailed-exitcode");
    expect(after.out).toContain("No changes.");
    expect(after.code).toBe(0);
  }, 120_000);
});
