// The files `oslogin init` writes for a new app. The organization's ids are those of the seed file
// (the quickstart's seed.yaml, shipped in the package), so the app plans against the embedded
// cloud as soon as it is seeded.

export const SEED_FILE = "seed.yaml";

export const MAIN_TS = `// Who may log in to which VM, as code. \`oslogin plan\` runs this file (with type checking) and shows
// what would change and who gains or loses access; \`oslogin apply\` makes it so.
// The ids below are those of seed.yaml, the organization of the embedded cloud (.oslogin/):
// for your real organization, put its ids here and point the provider at the real cloud.
import { App, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { ensureEd25519KeyPair, OsLoginInstance, OsLoginOrganization, OsLoginServiceAccount, YandexProvider } from "oslogin-kit";

const ORGANIZATION_ID = "bpfquickstartorg0001";
const CLOUD_ID = "b1gquickstartcloud01";
const FOLDER_ID = "b1gquickstartfolder1";
const SUBNET_ID = "e9bquickstartsubnet1";
const IMAGE_ID = "fd8quickstartoslogin";

class AccessStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new YandexProvider(this, "yandex", { organizationId: ORGANIZATION_ID, cloudId: CLOUD_ID, folderId: FOLDER_ID, zone: "ru-central1-a" });

    // OS Login on, with short-lived certificates and uploaded SSH keys.
    const org = new OsLoginOrganization(this, "org", { organizationId: ORGANIZATION_ID });
    const alice = org.member("alice", { email: "alice@example.com" });
    // Alice's key pair is generated once into .oslogin/keys/ (private key 0600, never printed).
    alice.addSshKey("alice-key", { publicKey: ensureEd25519KeyPair(".oslogin/keys/alice_ed25519", "alice"), name: "alice" });

    // The account Ansible connects as: sudo on every VM of the folder, and read access for the
    // inventory. Raise keyVersion to rotate its authorized key.
    const ansible = new OsLoginServiceAccount(this, "ansible", { organization: org, name: "ansible", folderId: FOLDER_ID, uid: 5000, keyVersion: 1 });
    ansible.grantOsAdminLoginOnFolder(FOLDER_ID);
    ansible.grantInventoryReadOnFolder(FOLDER_ID);

    const web = new OsLoginInstance(this, "web-1", { name: "web-1", subnetId: SUBNET_ID, imageId: IMAGE_ID, labels: { role: "web" } });
    web.grantLogin(alice);

    new TerraformOutput(this, "ansible_login", { value: ansible.login });
  }
}

const app = new App();
new AccessStack(app, "app");
app.synth();
`;

export const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "node16",
    moduleResolution: "node16",
    lib: ["ES2022"],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  },
  include: ["*.ts"],
};

export const cdktfJson = (projectId: string) => ({
  language: "typescript",
  app: "npx tsx main.ts",
  projectId,
  sendCrashReports: "false",
  terraformProviders: [],
  terraformModules: [],
  context: {},
});

/** What must never be committed: the embedded cloud and state, synth output, state files, keys. */
export const GITIGNORE_LINES = ["node_modules/", ".oslogin/", "cdktf.out/", ".cdktf.out.synth-*", "*.tfstate", "*.tfstate.*", "*.plan", "*-key.json", "*.pem", "*_ed25519", "*_rsa"];
