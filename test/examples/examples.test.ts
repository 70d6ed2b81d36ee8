import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { FleetStack, fleetPropsFromEnv, fleetResourceCount, fleetSizeFromEnv } from "../../examples/fleet/main.js";
import { fleetSshPublicKey } from "../../examples/fleet/ssh-key.js";
import { QuickstartStack, SEED, ensureAliceKey } from "../../examples/quickstart/main.js";
import { parsePublicKey } from "../../src/ssh/public-key.js";

const ALICE_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@quickstart";

const countResources = (out: string) =>
  Object.values(JSON.parse(out).resource as Record<string, object>).reduce((n, byName) => n + Object.keys(byName).length, 0);

describe("examples/quickstart", () => {
  it("GIVEN alice's public key WHEN the quickstart is synthesized THEN it validates and matches the snapshot", () => {
    const stack = new QuickstartStack(Testing.app(), "quickstart", { alicePublicKey: ALICE_KEY });
    const out = Testing.synth(stack, true);
    expect(out).toMatchSnapshot();
    expect(countResources(out)).toBe(12);
  });

  it("GIVEN the quickstart WHEN inspected THEN it has the seeded org with both modes, three OS Login VMs, alice on one", () => {
    const stack = new QuickstartStack(Testing.app(), "quickstart", { alicePublicKey: ALICE_KEY });
    const out = Testing.synth(stack);
    const tf = JSON.parse(out);
    expect(
      Testing.toHaveResourceWithProperties(out, "yandex_organizationmanager_os_login_settings", {
        organization_id: SEED.organizationId,
        ssh_certificate_settings: { enabled: true },
        user_ssh_key_settings: { enabled: true, allow_manage_own_keys: true },
      }),
    ).toBe(true);
    expect(Object.values(tf.data.yandex_organizationmanager_os_login_member).map((m: any) => m.email)).toEqual(["alice@example.com", "bob@example.com"]);
    const vms = Object.values(tf.resource.yandex_compute_instance) as any[];
    expect(vms.map((v) => [v.name, v.metadata["enable-oslogin"], v.network_interface[0].nat])).toEqual([
      ["db-1", "true", true],
      ["web-1", "true", true],
      ["web-2", "true", true],
    ]);
    expect(Object.values(tf.resource.yandex_compute_instance_iam_member)).toEqual([
      {
        instance_id: "${yandex_compute_instance.web-1_vm_201B8FFC.id}",
        member: "${data.yandex_organizationmanager_os_login_member.org_alice_lookup_425906D6.member}",
        role: "compute.osLogin",
      },
    ]);
    expect(Object.values(tf.resource.yandex_resourcemanager_folder_iam_member)).toEqual([
      { folder_id: SEED.folderId, member: "serviceAccount:${yandex_iam_service_account.ansible_account_5B4E6663.id}", role: "compute.osAdminLogin" },
      { folder_id: SEED.folderId, member: "serviceAccount:${yandex_iam_service_account.ansible_account_5B4E6663.id}", role: "viewer" },
    ]);
    expect(Testing.toHaveResourceWithProperties(out, "yandex_organizationmanager_user_ssh_key", { data: ALICE_KEY, name: "alice-quickstart" })).toBe(true);
    expect(Testing.toHaveResource(out, "null_resource")).toBe(true);
  });

  it("GIVEN no key pair yet WHEN ensureAliceKey runs twice THEN one ed25519 pair, private key 0600, same public key", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "qs-keys-")), "quickstart-keys");
    const first = ensureAliceKey(dir);
    expect(ensureAliceKey(dir)).toBe(first);
    expect(parsePublicKey(first).type).toBe("ssh-ed25519");
    expect(statSync(join(dir, "alice_ed25519")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, "alice_ed25519"), "utf8")).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
  });
});

describe("examples/fleet", () => {
  it("GIVEN FLEET_SIZE=2 WHEN synthesized THEN 11 resources, matching the snapshot", () => {
    const out = Testing.synth(new FleetStack(Testing.app(), "fleet", { size: 2 }), true);
    expect(countResources(out)).toBe(fleetResourceCount(2));
    expect(out).toMatchSnapshot();
  });

  it("GIVEN FLEET_SIZE values WHEN parsed THEN only whole numbers are accepted", () => {
    expect(fleetSizeFromEnv({ FLEET_SIZE: "2000" })).toBe(2000);
    expect(() => fleetSizeFromEnv({ FLEET_SIZE: "lots" })).toThrow('FLEET_SIZE must be a whole number >= 0, got "lots"');
    expect(fleetPropsFromEnv({ FLEET_SIZE: "3" })).toEqual({ size: 3, authorizedKeyEvery: 100 });
    expect(fleetPropsFromEnv({ FLEET_SIZE: "3", AUTHORIZED_KEY_EVERY: "1" })).toEqual({ size: 3, authorizedKeyEvery: 1 });
    expect(() => fleetPropsFromEnv({ AUTHORIZED_KEY_EVERY: "0" })).toThrow('AUTHORIZED_KEY_EVERY must be a whole number >= 1, got "0"');
  });

  it("GIVEN a fleet of 250 WHEN synthesized THEN accounts 0, 100 and 200 hold authorized keys and the other 247 SSH keys", () => {
    const out = JSON.parse(Testing.synth(new FleetStack(Testing.app(), "fleet", { size: 250 }), true)) as { resource: Record<string, Record<string, { service_account_id?: string; data?: string }>> };
    expect(Object.keys(out.resource.yandex_iam_service_account_key).map((k) => k.replace(/_authorized-key_.*/, ""))).toEqual(["sa-00000", "sa-00100", "sa-00200"]);
    expect(Object.keys(out.resource.yandex_organizationmanager_user_ssh_key)).toHaveLength(247);
    const every = JSON.parse(Testing.synth(new FleetStack(Testing.app(), "fleet", { size: 3, authorizedKeyEvery: 1 }), true)) as { resource: Record<string, object> };
    expect(Object.keys(every.resource.yandex_iam_service_account_key)).toHaveLength(3);
    expect(every.resource.yandex_organizationmanager_user_ssh_key).toBeUndefined();
  });

  it("GIVEN an account name WHEN its fleet SSH key is derived twice THEN the same ed25519 key, a different one per name", () => {
    const key = fleetSshPublicKey("fleet-sa-00001");
    expect(key).toBe(fleetSshPublicKey("fleet-sa-00001"));
    expect(key).toBe("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEtQuQeNm+CAcSuq8/4vzI+qw8n7syy0g8Sp/iAhWS+Q fleet-sa-00001");
    expect(parsePublicKey(key).type).toBe("ssh-ed25519");
    expect(fleetSshPublicKey("fleet-sa-00002")).not.toBe(key.replace("00001", "00002"));
  });

  it("GIVEN FLEET_SIZE=2000 WHEN the app synthesizes to disk THEN cdk.tf.json holds 10,001 resources", { timeout: 180_000 }, () => {
    const outdir = mkdtempSync(join(tmpdir(), "fleet-10k-"));
    const app = new App({ outdir });
    new FleetStack(app, "fleet", { size: 2000 });
    app.synth();
    const text = readFileSync(join(outdir, "stacks", "fleet", "cdk.tf.json"), "utf8");
    expect(countResources(text)).toBe(10_001);
  });
});
