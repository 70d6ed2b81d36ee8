// The quickstart: the seeded organization (seed.yaml) with OS Login on, its two members, an Ansible
// service account with sudo on the folder, three OS Login VMs, and alice allowed on one of them with
// an SSH key this app generates for her. Run: `npx cdktf synth` (cdktf.json runs this file with tsx,
// so an edit here is what gets deployed), or `npx tsx examples/quickstart/main.ts`; output: cdktf.out/.
// OSLOGIN_ENDPOINT and OSLOGIN_ROOT_CERTS (at synth) point the provider at `oslogin serve`.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { NullProvider } from "@cdktf/provider-null/lib/provider/index.js";
import { Resource as NullResource } from "@cdktf/provider-null/lib/resource/index.js";
import { App, Fn, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { ensureEd25519KeyPair, OsLoginInstance, OsLoginOrganization, OsLoginServiceAccount, YandexProvider } from "../../src/index.js";

/** The fixed ids of examples/quickstart/seed.yaml. */
export const SEED = {
  organizationId: "bpfquickstartorg0001",
  cloudId: "b1gquickstartcloud01",
  folderId: "b1gquickstartfolder1",
  zone: "ru-central1-a",
  subnetId: "e9bquickstartsubnet1",
  imageId: "fd8quickstartoslogin",
} as const;

export interface QuickstartProps {
  /** Alice's OpenSSH public key (the app generates it into .oslogin/quickstart-keys/). */
  readonly alicePublicKey: string;
  /**
   * API endpoint of the cloud.
   * @default - not set: the engine's embedded cloud, or the provider's default
   */
  readonly endpoint?: string;
  /**
   * PEM certificate file the provider trusts for the endpoint (`oslogin serve`'s <data-dir>/tls/cert.pem).
   * @default - not set
   */
  readonly rootCerts?: string;
}

export class QuickstartStack extends TerraformStack {
  readonly organization: OsLoginOrganization;
  readonly ansible: OsLoginServiceAccount;
  readonly vms: OsLoginInstance[];

  constructor(scope: Construct, id: string, props: QuickstartProps) {
    super(scope, id);
    new YandexProvider(this, "yandex", {
      endpoint: props.endpoint,
      rootCerts: props.rootCerts,
      organizationId: SEED.organizationId,
      cloudId: SEED.cloudId,
      folderId: SEED.folderId,
      zone: SEED.zone,
    });
    new NullProvider(this, "null");

    const org = new OsLoginOrganization(this, "org", { organizationId: SEED.organizationId });
    this.organization = org;
    const alice = org.member("alice", { email: "alice@example.com" });
    const bob = org.member("bob", { email: "bob@example.com" });
    alice.addSshKey("alice-key", { publicKey: props.alicePublicKey, name: "alice-quickstart" });

    this.ansible = new OsLoginServiceAccount(this, "ansible", {
      organization: org,
      name: "ansible",
      folderId: SEED.folderId,
      description: "Ansible runs playbooks as this account through OS Login",
      uid: 5000,
    });
    this.ansible.grantOsAdminLoginOnFolder(SEED.folderId);
    // The Ansible inventory lists the folder's VMs and their bindings as this account.
    this.ansible.grantInventoryReadOnFolder(SEED.folderId);

    this.vms = ["web-1", "web-2", "db-1"].map(
      (name) =>
        new OsLoginInstance(this, name, {
          name,
          subnetId: SEED.subnetId,
          imageId: SEED.imageId,
          labels: { role: name.replace(/-\d+$/, "") },
          nat: true,
        }),
    );
    this.vms[0].grantLogin(alice);

    // Anything that changes who can reach which VM makes the cached Ansible inventory stale.
    new NullResource(this, "inventory-stale", {
      triggers: {
        instances: Fn.join(",", this.vms.map((vm) => vm.instanceId)),
        logins: Fn.join(",", [this.ansible.profile.login, alice.login]),
      },
    });

    new TerraformOutput(this, "ansible_login", { value: this.ansible.login });
    new TerraformOutput(this, "alice_user_id", { value: alice.subjectId });
    new TerraformOutput(this, "bob_user_id", { value: bob.subjectId });
    new TerraformOutput(this, "web_1_ip", { value: this.vms[0].natIpAddress });
  }
}

/** Alice's key pair under `dir`, generated once: the private key 0600, never printed. */
export function ensureAliceKey(dir: string): string {
  return ensureEd25519KeyPair(join(dir, "alice_ed25519"), "alice@quickstart");
}

export function main(): void {
  try {
    const alicePublicKey = ensureAliceKey(join(process.cwd(), ".oslogin", "quickstart-keys"));
    const app = new App();
    new QuickstartStack(app, "quickstart", {
      alicePublicKey,
      endpoint: process.env.OSLOGIN_ENDPOINT || undefined,
      rootCerts: process.env.OSLOGIN_ROOT_CERTS || undefined,
    });
    app.synth();
  } catch (e) {
    // Validation errors already name the construct path and the fix; a stack trace adds nothing.
    console.error((e as Error).message);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
