import { Testing, TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import {
  ComputeInstanceIamMember,
  IamServiceAccountKey,
  OrganizationmanagerOsLoginProfile,
  OrganizationmanagerOsLoginSettings,
  OsLoginInstance,
  OsLoginOrganization,
  OsLoginServiceAccount,
  ResourcemanagerFolderIamMember,
  YandexProvider,
} from "../../constructs/index.js";

function stack() {
  const s = new TerraformStack(Testing.app(), "test");
  new YandexProvider(s, "yandex");
  const org = new OsLoginOrganization(s, "org", { organizationId: "bpf1" });
  return { s, org };
}

const resources = (out: string, type: string) => Object.values(JSON.parse(out).resource[type] ?? {}) as Record<string, unknown>[];

describe("OsLoginOrganization", () => {
  it("GIVEN no options WHEN synthesized THEN certificates and user keys are on and members may manage keys", () => {
    const { s } = stack();
    expect(
      Testing.toHaveResourceWithProperties(Testing.synth(s), OrganizationmanagerOsLoginSettings.tfResourceType, {
        organization_id: "bpf1",
        ssh_certificate_settings: { enabled: true },
        user_ssh_key_settings: { enabled: true, allow_manage_own_keys: true },
      }),
    ).toBe(true);
  });

  it("GIVEN user keys off WHEN synthesized THEN allow_manage_own_keys is off too", () => {
    const s = new TerraformStack(Testing.app(), "t");
    new OsLoginOrganization(s, "org", { organizationId: "bpf1", userSshKeys: false });
    expect(resources(Testing.synth(s), "yandex_organizationmanager_os_login_settings")[0].user_ssh_key_settings).toEqual({
      enabled: false,
      allow_manage_own_keys: false,
    });
  });
});

describe("OsLoginServiceAccount", () => {
  it("GIVEN a name WHEN synthesized THEN account, default profile yc-sa-<name>, authorized key and folder grant exist", () => {
    const { s, org } = stack();
    const sa = new OsLoginServiceAccount(s, "ansible", { organization: org, name: "ansible", uid: 5000 });
    sa.grantOsAdminLoginOnFolder("b1f1");
    const out = Testing.synth(s, true);
    expect(
      Testing.toHaveResourceWithProperties(out, OrganizationmanagerOsLoginProfile.tfResourceType, {
        organization_id: "bpf1",
        subject_id: "${yandex_iam_service_account.ansible_account_5B4E6663.id}",
        login: "yc-sa-ansible",
        uid: 5000,
        is_default: true,
        depends_on: ["yandex_organizationmanager_os_login_settings.org_settings_C67F6D38"],
      }),
    ).toBe(true);
    expect(Testing.toHaveResource(out, IamServiceAccountKey.tfResourceType)).toBe(true);
    expect(resources(out, ResourcemanagerFolderIamMember.tfResourceType)).toEqual([
      { folder_id: "b1f1", role: "compute.osAdminLogin", member: "serviceAccount:${yandex_iam_service_account.ansible_account_5B4E6663.id}" },
    ]);
    expect(sa.login).toBe("yc-sa-ansible");
  });

  it("GIVEN authorizedKey false and an SSH key WHEN synthesized THEN no authorized key, one user SSH key", () => {
    const { s, org } = stack();
    new OsLoginServiceAccount(s, "bot", {
      organization: org,
      name: "bot",
      authorizedKey: false,
      sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl bot",
    });
    const out = Testing.synth(s, true);
    expect(Testing.toHaveResource(out, IamServiceAccountKey.tfResourceType)).toBe(false);
    expect(resources(out, "yandex_organizationmanager_user_ssh_key").map((r) => r.name)).toEqual(["bot-ssh"]);
  });
});

describe("OsLoginInstance", () => {
  it("GIVEN defaults WHEN synthesized THEN OS Login metadata, serial console OS_LOGIN and NAT are on", () => {
    const { s } = stack();
    new OsLoginInstance(s, "web", { name: "web-1", subnetId: "e9b1", imageId: "fd81" });
    expect(resources(Testing.synth(s, true), "yandex_compute_instance")).toEqual([
      {
        name: "web-1",
        platform_id: "standard-v3",
        metadata: { "enable-oslogin": "true" },
        resources: { cores: 2, memory: 2, core_fraction: 20 },
        boot_disk: { initialize_params: { image_id: "fd81", size: 10 } },
        network_interface: [{ subnet_id: "e9b1", nat: true }],
        serial_port_settings: { ssh_authorization: "OS_LOGIN" },
      },
    ]);
  });

  it("GIVEN timeouts WHEN synthesized THEN the VM carries terraform's timeouts block as given", () => {
    const { s } = stack();
    new OsLoginInstance(s, "web", { name: "web-1", subnetId: "e9b1", imageId: "fd81", timeouts: { create: "10m", delete: "2m" } });
    expect(resources(Testing.synth(s, true), "yandex_compute_instance")[0]).toMatchObject({ timeouts: { create: "10m", delete: "2m" } });
  });

  it("GIVEN grants WHEN the same grant is repeated THEN one binding per role and principal", () => {
    const { s, org } = stack();
    const vm = new OsLoginInstance(s, "web", { name: "web-1", subnetId: "e9b1", imageId: "fd81" });
    const alice = org.member("alice", { email: "alice@example.com" });
    const sa = new OsLoginServiceAccount(s, "ansible", { organization: org, name: "ansible" });
    expect(vm.grantLogin(alice)).toBe(vm.grantLogin(alice));
    vm.grantAdminLogin(sa);
    sa.grantInstanceRole(vm, "compute.osAdminLogin");
    // Sorted by construct id, as cdktf writes them: osAdminLogin-ansible, osLogin-alice.
    const bindings = resources(Testing.synth(s, true), ComputeInstanceIamMember.tfResourceType);
    expect(bindings).toEqual([
      {
        instance_id: "${yandex_compute_instance.web_vm_77CCCF81.id}",
        role: "compute.osAdminLogin",
        member: "serviceAccount:${yandex_iam_service_account.ansible_account_5B4E6663.id}",
      },
      {
        instance_id: "${yandex_compute_instance.web_vm_77CCCF81.id}",
        role: "compute.osLogin",
        member: "${data.yandex_organizationmanager_os_login_member.org_alice_lookup_425906D6.member}",
      },
    ]);
  });
});
