import { Testing, TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import {
  ComputeInstance,
  DataOrganizationmanagerOsLoginMember,
  IamServiceAccount,
  OrganizationmanagerOsLoginProfile,
  YandexProvider,
} from "../../constructs/index.js";

const parsed = (out: string) => JSON.parse(out) as { resource: Record<string, Record<string, Record<string, unknown>>>; data?: Record<string, unknown> };

describe("L1 constructs", () => {
  it("GIVEN a provider with every argument WHEN synthesized THEN the real provider's names are used", () => {
    const out = Testing.synthScope((scope) => {
      new YandexProvider(scope, "yc", {
        endpoint: "127.0.0.1:9443",
        token: "t",
        serviceAccountKeyFile: "/k.json",
        organizationId: "bpf1",
        cloudId: "b1g1",
        folderId: "b1f1",
        zone: "ru-central1-a",
      });
    });
    expect(
      Testing.toHaveProviderWithProperties(out, "yandex", {
        endpoint: "127.0.0.1:9443",
        token: "t",
        service_account_key_file: "/k.json",
        organization_id: "bpf1",
        cloud_id: "b1g1",
        folder_id: "b1f1",
        zone: "ru-central1-a",
      }),
    ).toBe(true);
  });

  it("GIVEN a VM with blocks and metadata WHEN synthesized THEN single blocks are objects, lists arrays, map keys untouched", () => {
    const out = Testing.synthScope((scope) => {
      new ComputeInstance(scope, "vm", {
        name: "vm1",
        metadata: { "enable-oslogin": "true" },
        resources: { cores: 2, memory: 4, coreFraction: 20 },
        bootDisk: { initializeParams: { imageId: "img", size: 20 } },
        networkInterface: [{ subnetId: "s1", nat: true }],
        serialPortSettings: { sshAuthorization: "OS_LOGIN" },
      });
    });
    expect(parsed(out).resource.yandex_compute_instance.vm).toEqual({
      name: "vm1",
      metadata: { "enable-oslogin": "true" },
      resources: { cores: 2, memory: 4, core_fraction: 20 },
      boot_disk: { initialize_params: { image_id: "img", size: 20 } },
      network_interface: [{ subnet_id: "s1", nat: true }],
      serial_port_settings: { ssh_authorization: "OS_LOGIN" },
    });
  });

  it("GIVEN one resource referring to another WHEN synthesized THEN the getter became a Terraform reference", () => {
    const out = Testing.synthScope((scope) => {
      const sa = new IamServiceAccount(scope, "sa", { name: "robot" });
      new OrganizationmanagerOsLoginProfile(scope, "profile", { organizationId: "bpf1", subjectId: sa.id, login: "robot", uid: 5000 });
    });
    expect(
      Testing.toHaveResourceWithProperties(out, OrganizationmanagerOsLoginProfile.tfResourceType, {
        subject_id: "${yandex_iam_service_account.sa.id}",
        uid: 5000,
      }),
    ).toBe(true);
  });

  it("GIVEN the member data source WHEN synthesized THEN it is a data block with its query", () => {
    const out = Testing.synthScope((scope) => {
      new DataOrganizationmanagerOsLoginMember(scope, "alice", { organizationId: "bpf1", email: "alice@example.com" });
    });
    expect(Testing.toHaveDataSourceWithProperties(out, DataOrganizationmanagerOsLoginMember.tfResourceType, { email: "alice@example.com" })).toBe(true);
  });

  it("GIVEN a token in a checked attribute WHEN validated THEN it is skipped (unknown until apply)", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "s");
    new YandexProvider(stack, "yandex");
    const sa = new IamServiceAccount(stack, "sa", { name: "robot" });
    new OrganizationmanagerOsLoginProfile(stack, "profile", { organizationId: "bpf1", subjectId: sa.id, login: sa.name });
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });
});
