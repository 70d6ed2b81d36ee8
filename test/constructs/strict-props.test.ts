// Strict props (issue 16): a misspelled prop of any L1 or L2 construct is a synth error naming the
// construct path and the closest known prop, instead of being dropped (on main,
// `sshCertificate: false` synthesized with certificates on).
import { Testing, TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import {
  ComputeInstance,
  OrganizationmanagerOsLoginSettings,
  OsLoginInstance,
  OsLoginOrganization,
  OsLoginServiceAccount,
  YandexProvider,
  type ComputeInstanceProps,
  type YandexProviderProps,
  type OrganizationmanagerOsLoginSettingsProps,
  type OsLoginInstanceProps,
  type OsLoginMemberSshKeyProps,
  type OsLoginOrganizationProps,
  type OsLoginServiceAccountProps,
  generateEd25519KeyPair,
} from "../../src/index.js";

function newStack() {
  const s = new TerraformStack(Testing.app(), "app");
  new YandexProvider(s, "yandex");
  return s;
}

function validationErrors(s: TerraformStack): string[] {
  try {
    Testing.synth(s, true);
  } catch (e) {
    return (e as Error).message
      .split("\n")
      .filter((l) => l.startsWith("  ["))
      .map((l) => l.trim());
  }
  return [];
}

// A prop the type does not have: what a JavaScript app, a spread object or a cast lets through.
const loose = <T>(props: object) => props as T;

describe("GIVEN constructs given a prop they do not have", () => {
  it("WHEN an L2 organization has sshCertificate THEN synth fails naming the path and sshCertificates", () => {
    const s = newStack();
    new OsLoginOrganization(s, "org", loose<OsLoginOrganizationProps>({ organizationId: "bpf1", sshCertificate: false }));
    expect(validationErrors(s)).toEqual(['[app/org] unknown prop "sshCertificate": did you mean "sshCertificates"?']);
  });

  it("WHEN the provider has a misspelled argument THEN synth fails naming it instead of using the defaults", () => {
    const s = new TerraformStack(Testing.app(), "app");
    new YandexProvider(s, "yandex", loose<YandexProviderProps>({ endpoint: "127.0.0.1:18443", rootCert: "tls/cert.pem" }));
    expect(validationErrors(s)).toEqual(['[app/yandex] unknown prop "rootCert": did you mean "rootCerts"?']);
  });

  it("WHEN the other L2 constructs and a member's SSH key have misspelled props THEN each is named on its construct", () => {
    const s = newStack();
    const org = new OsLoginOrganization(s, "org", { organizationId: "bpf1" });
    org.member("alice", { email: "alice@example.com" }).addSshKey("key", loose<OsLoginMemberSshKeyProps>({ publicKey: generateEd25519KeyPair("alice").publicKey, expires: "2030-01-01T00:00:00Z" }));
    new OsLoginServiceAccount(s, "ansible", loose<OsLoginServiceAccountProps>({ organization: org, name: "ansible", keyVerison: 2 }));
    new OsLoginInstance(s, "web", loose<OsLoginInstanceProps>({ name: "web", subnetId: "e9b1", imageId: "fd81", lables: { role: "web" } }));
    expect(validationErrors(s)).toEqual([
      '[app/org/alice/key] unknown prop "expires": did you mean "expiresAt"?',
      '[app/ansible] unknown prop "keyVerison": did you mean "keyVersion"?',
      '[app/web] unknown prop "lables": did you mean "labels"?',
    ]);
  });

  it("WHEN L1 constructs have unknown props, top level and inside a block THEN the names come from the resource schema", () => {
    const s = newStack();
    new OrganizationmanagerOsLoginSettings(
      s,
      "settings",
      loose<OrganizationmanagerOsLoginSettingsProps>({ organizationId: "bpf1", sshCertificateSetting: { enabled: false }, userSshKeySettings: { enabeld: true } }),
    );
    new ComputeInstance(
      s,
      "vm",
      loose<ComputeInstanceProps>({
        name: "vm",
        resources: { cores: 2, memory: 2 },
        bootDisk: { initializeParams: { imageId: "fd81", sise: 10 } },
        networkInterface: [{ subnetId: "e9b1", nat: true }, { subnetID: "e9b2" }],
      }),
    );
    expect(validationErrors(s)).toEqual([
      '[app/settings] unknown prop "sshCertificateSetting": did you mean "sshCertificateSettings"?',
      '[app/settings] unknown prop "userSshKeySettings.enabeld": did you mean "userSshKeySettings.enabled"?',
      '[app/vm] unknown prop "bootDisk.initializeParams.sise": did you mean "bootDisk.initializeParams.size"?',
      '[app/vm] unknown prop "networkInterface[1].subnetID": did you mean "networkInterface[1].subnetId"?',
      '[app/vm] Missing required argument: The argument "subnet_id" is required, but no definition was found. (at network_interface[1].subnet_id)',
    ]);
  });

  it("WHEN every prop is known THEN nothing is reported (meta-arguments included)", () => {
    const s = newStack();
    const org = new OsLoginOrganization(s, "org", { organizationId: "bpf1", sshCertificates: false });
    new OrganizationmanagerOsLoginSettings(s, "settings", { organizationId: "bpf2", dependsOn: [org.settings], lifecycle: { preventDestroy: true } });
    expect(validationErrors(s)).toEqual([]);
  });
});
