import { Testing, TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import {
  OrganizationmanagerOsLoginProfile,
  OrganizationmanagerOsLoginSettings,
  OsLoginInstance,
  OsLoginOrganization,
  OsLoginServiceAccount,
  YandexProvider,
} from "../../constructs/index.js";
import { dsaPublic, rsaPublic } from "../resources/support/keys.js";

function stack(orgProps: { sshCertificates?: boolean; userSshKeys?: boolean } = {}) {
  const s = new TerraformStack(Testing.app(), "app");
  new YandexProvider(s, "yandex");
  const org = new OsLoginOrganization(s, "org", { organizationId: "bpf1", ...orgProps });
  return { s, org };
}

/** The aggregated cdktf error text, one "[path] message" line per problem. */
function validationErrors(s: TerraformStack): string[] {
  try {
    Testing.synth(s, true);
  } catch (e) {
    const text = (e as Error).message;
    return text
      .split("\n")
      .filter((l) => l.startsWith("  ["))
      .map((l) => l.trim());
  }
  return [];
}

describe("synth-time validation", () => {
  it("GIVEN a login and uid breaking the rules WHEN synthesized THEN both errors carry the construct path and the fix", () => {
    const { s, org } = stack();
    new OsLoginServiceAccount(s, "ansible", { organization: org, name: "ansible", login: "ansible.bot", uid: 1000 });
    expect(validationErrors(s)).toEqual([
      `[app/ansible/profile] Invalid login "ansible.bot": The login must match ^[a-zA-Z0-9_][a-zA-Z0-9_-]{0,31}$ (Latin letters, digits, '-' and '_', not starting with '-', at most 32 characters). (at login)`,
      "[app/ansible/profile] Invalid uid 1000: The uid must be between 1002 and 9223372036854775807 (the documented range for a uid set by hand); omit it to let the cloud allocate one. (at uid)",
    ]);
  });

  it("GIVEN a service account name whose default login is too long WHEN synthesized THEN the login error names it", () => {
    const { s, org } = stack();
    new OsLoginServiceAccount(s, "long", { organization: org, name: "a-very-long-service-account-name-x" });
    expect(validationErrors(s)).toEqual([
      `[app/long/profile] Invalid login "yc-sa-a-very-long-service-account-name-x": The login must match ^[a-zA-Z0-9_][a-zA-Z0-9_-]{0,31}$ (Latin letters, digits, '-' and '_', not starting with '-', at most 32 characters). (at login)`,
    ]);
  });

  it("GIVEN two profiles with one uid and one login in the app WHEN synthesized THEN each names the other and the fix", () => {
    const { s, org } = stack();
    new OsLoginServiceAccount(s, "a", { organization: org, name: "a", uid: 5000 });
    new OsLoginServiceAccount(s, "b", { organization: org, name: "b", uid: 5000 });
    new OrganizationmanagerOsLoginProfile(s, "c", { organizationId: "bpf1", subjectId: "aje1", login: "yc-sa-a" });
    expect(validationErrors(s)).toEqual([
      "[app/a/profile] OS Login uid 5000 is also used by app/b/profile in organization bpf1: give each OS Login profile its own uid, or omit uid to let the cloud allocate one",
      "[app/a/profile] OS Login login yc-sa-a is also used by app/c in organization bpf1: give each OS Login profile its own login",
      "[app/b/profile] OS Login uid 5000 is also used by app/a/profile in organization bpf1: give each OS Login profile its own uid, or omit uid to let the cloud allocate one",
      "[app/c] OS Login login yc-sa-a is also used by app/a/profile in organization bpf1: give each OS Login profile its own login",
    ]);
  });

  it("GIVEN weak SSH keys WHEN synthesized THEN DSA and short RSA are refused with the alternative", () => {
    const { s, org } = stack();
    new OsLoginServiceAccount(s, "d", { organization: org, name: "d", sshPublicKey: dsaPublic() });
    org.member("alice", { email: "alice@example.com" }).addSshKey("rsa", { publicKey: rsaPublic(1024) });
    expect(validationErrors(s)).toEqual([
      "[app/org/alice/rsa] Weak SSH public key: RSA keys must be at least 2048 bits, this one has 1024. (at data)",
      "[app/d/ssh-key] Weak SSH public key: DSA keys are not accepted (OpenSSH disabled ssh-dss); use ed25519 or RSA >= 2048. (at data)",
    ]);
  });

  it("GIVEN an OS Login VM and organization settings with both modes off WHEN synthesized THEN the VM error points at the settings", () => {
    const { s } = stack({ sshCertificates: false, userSshKeys: false });
    new OsLoginInstance(s, "web", { name: "web-1", subnetId: "e9b1", imageId: "fd81" });
    expect(validationErrors(s)).toEqual([
      '[app/web/vm] OS Login is on for this VM (metadata enable-oslogin = "true") but the organization settings at app/org/settings disable both SSH certificates and user SSH keys, so nobody can log in: enable ssh_certificate_settings or user_ssh_key_settings there',
    ]);
  });

  it("GIVEN one mode on, or OS Login off on the VM WHEN synthesized THEN there is nothing to report", () => {
    const one = stack({ sshCertificates: false });
    new OsLoginInstance(one.s, "web", { name: "web-1", subnetId: "e9b1", imageId: "fd81" });
    expect(validationErrors(one.s)).toEqual([]);
    const off = new TerraformStack(Testing.app(), "app");
    new YandexProvider(off, "yandex");
    new OrganizationmanagerOsLoginSettings(off, "settings", { organizationId: "bpf1", sshCertificateSettings: { enabled: false } });
    new OsLoginInstance(off, "web", { name: "web-1", subnetId: "e9b1", imageId: "fd81", metadata: { "enable-oslogin": "false" } });
    expect(validationErrors(off)).toEqual([]);
  });

  it("GIVEN a fixed app WHEN validated twice THEN the second pass sees the fix (no stale index)", () => {
    const { s, org } = stack();
    new OsLoginServiceAccount(s, "a", { organization: org, name: "a", uid: 5000 });
    expect(validationErrors(s)).toEqual([]);
    new OsLoginServiceAccount(s, "b", { organization: org, name: "b", uid: 5000 });
    expect(validationErrors(s)).toHaveLength(2);
  });
});
