// Adopting an organization that already has OS Login profiles, keys and bindings (issue 22): (a)
// through import blocks written by hand, (b) through the constructs `oslogin import
// --generate-construct` writes, added to an app from `oslogin init`. Either way the plan imports
// only, apply adopts, the next plan says No changes, and nothing was created or deleted in the cloud.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { Testing, TerraformStack } from "cdktf";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { listAll, type CloudClient } from "../../src/contract/cloud-client.js";
import importCommand from "../../src/cli/commands/import.js";
import initCommand from "../../src/cli/commands/init.js";
import { renderPlan } from "../../src/cli/render/plan.js";
import { makeStyle } from "../../src/cli/render/style.js";
import { formatDiagnostic } from "../../src/engine/diagnostics.js";
import { ALICE, BOB, ORG, engineFor, seededModel, tempDir, writeStack } from "../engine/fixtures.js";
import { IamServiceAccount, OrganizationmanagerOsLoginProfile, OrganizationmanagerUserSshKey, ResourcemanagerFolderIamMember, YandexProvider } from "../../constructs/index.js";

const root = path.join(import.meta.dirname, "../..");
const FOLDER = "b1gquickstartfolder1";
const ALICE_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@laptop";
const BOT_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICFm7Q7+/MuFrr+QM6EeOJCcqU1QsMVR02LYrGm/yE0X ci-bot";

let model: CloudModel | undefined;
afterEach(() => {
  model?.close();
  model = undefined;
});
const errorsOf = (d: { severity: string }[]) => d.filter((x) => x.severity === "error").map((x) => formatDiagnostic(x as never));

/**
 * The organization as another team left it, made through the cloud's API as any client would:
 * OS Login on, a service account with a profile, an SSH key, an authorized key and sudo on the
 * folder, a second profile and an SSH key for Alice, and login on the organization for Bob.
 * (The quickstart seed already gives Alice and Bob their default profiles.)
 */
async function seedOrganization(cloud: CloudClient) {
  await cloud.updateOsLoginSettings({
    organizationId: ORG,
    userSshKeySettings: { enabled: true, allowManageOwnKeys: true },
    sshCertificateSettings: { enabled: true },
    updateMask: ["user_ssh_key_settings", "ssh_certificate_settings"],
  });
  const bot = await cloud.createServiceAccount({ folderId: FOLDER, name: "ci-bot", description: "CI deploys" });
  const aliceOps = await cloud.createOsLoginProfile({ organizationId: ORG, subjectId: ALICE, login: "alice-ops", uid: 4242n, homeDirectory: "/home/alice-ops", shell: "/bin/bash" });
  const botProfile = await cloud.createOsLoginProfile({ organizationId: ORG, subjectId: bot.id, login: "yc-sa-ci-bot", uid: 5001n, shell: "/bin/sh" });
  const aliceKey = await cloud.createUserSshKey({ organizationId: ORG, subjectId: ALICE, name: "alice-laptop", data: ALICE_KEY });
  const botKey = await cloud.createUserSshKey({ organizationId: ORG, subjectId: bot.id, name: "deploy", data: BOT_KEY });
  const authorized = await cloud.createKey({ serviceAccountId: bot.id, keyAlgorithm: "RSA_2048" });
  await cloud.updateAccessBindings({ kind: "organization", id: ORG }, [{ action: "ADD", accessBinding: { roleId: "compute.osLogin", subject: { type: "userAccount", id: BOB } } }]);
  await cloud.updateAccessBindings({ kind: "folder", id: FOLDER }, [{ action: "ADD", accessBinding: { roleId: "compute.osAdminLogin", subject: { type: "serviceAccount", id: bot.id } } }]);
  const profiles = await listAll((pageToken) => cloud.listOsLoginProfiles({ organizationId: ORG, pageToken }));
  const profileOf = (login: string) => profiles.find((p) => p.login === login)!.id;
  return { bot: bot.id, aliceOps: aliceOps.id, botProfile: botProfile.id, alice: profileOf("alice"), bob: profileOf("bob"), aliceKey: aliceKey.id, botKey: botKey.id, authorizedKey: authorized.key.id };
}

/** Every object of the kinds adopted, by id: what must be the same before and after adopting. */
async function cloudObjects(cloud: CloudClient) {
  const accounts = await listAll((pageToken) => cloud.listServiceAccounts({ folderId: FOLDER, pageToken }));
  const keys = await Promise.all(accounts.map((a) => listAll((pageToken) => cloud.listKeys({ serviceAccountId: a.id, pageToken }))));
  const binding = (b: { roleId: string; subject: { type: string; id: string } }) => `${b.roleId} ${b.subject.type}:${b.subject.id}`;
  return {
    profiles: (await listAll((pageToken) => cloud.listOsLoginProfiles({ organizationId: ORG, pageToken }))).map((p) => `${p.id} ${p.login} ${p.uid}`).sort(),
    sshKeys: (await listAll((pageToken) => cloud.listUserSshKeys({ organizationId: ORG, pageToken }))).map((k) => k.id).sort(),
    serviceAccounts: accounts.map((a) => a.id).sort(),
    authorizedKeys: keys.flat().map((k) => k.id).sort(),
    organizationBindings: (await listAll((pageToken) => cloud.listAccessBindings({ kind: "organization", id: ORG }, { pageToken }))).map(binding).sort(),
    folderBindings: (await listAll((pageToken) => cloud.listAccessBindings({ kind: "folder", id: FOLDER }, { pageToken }))).map(binding).sort(),
  };
}

describe("GIVEN an organization whose profiles, keys and bindings were made outside any stack", () => {
  it("WHEN a stack declares them with import blocks written by hand THEN the plan only imports, apply adopts, the next plan has no changes", async () => {
    model = seededModel();
    const cloud = new InProcessCloudClient(model);
    const ids = await seedOrganization(cloud);
    const before = await cloudObjects(cloud);
    const stack = {
      provider: { yandex: [{ organization_id: ORG, folder_id: FOLDER }] },
      terraform: { required_providers: { yandex: { source: "yandex-cloud/yandex" } } },
      resource: {
        yandex_iam_service_account: { bot: { name: "ci-bot", description: "CI deploys", folder_id: FOLDER } },
        yandex_organizationmanager_os_login_profile: {
          alice_ops: { organization_id: ORG, subject_id: ALICE, login: "alice-ops", uid: 4242 },
          bot: { organization_id: ORG, subject_id: "${yandex_iam_service_account.bot.id}", login: "yc-sa-ci-bot", shell: "/bin/sh" },
        },
        yandex_organizationmanager_user_ssh_key: {
          alice: { organization_id: ORG, subject_id: ALICE, name: "alice-laptop", data: ALICE_KEY },
          bot: { organization_id: ORG, subject_id: "${yandex_iam_service_account.bot.id}", name: "deploy", data: BOT_KEY },
        },
        yandex_organizationmanager_organization_iam_member: { bob: { organization_id: ORG, role: "compute.osLogin", member: `userAccount:${BOB}` } },
        yandex_resourcemanager_folder_iam_member: { bot: { folder_id: FOLDER, role: "compute.osAdminLogin", member: "serviceAccount:${yandex_iam_service_account.bot.id}" } },
      },
      import: [
        { to: "yandex_iam_service_account.bot", id: ids.bot },
        { to: "yandex_organizationmanager_os_login_profile.alice_ops", id: ids.aliceOps },
        { to: "yandex_organizationmanager_os_login_profile.bot", id: ids.botProfile },
        { to: "yandex_organizationmanager_user_ssh_key.alice", id: ids.aliceKey },
        { to: "yandex_organizationmanager_user_ssh_key.bot", id: ids.botKey },
        { to: "yandex_organizationmanager_organization_iam_member.bob", id: `${ORG},compute.osLogin,userAccount:${BOB}` },
        { to: "yandex_resourcemanager_folder_iam_member.bot", id: `${FOLDER},compute.osAdminLogin,serviceAccount:${ids.bot}` },
      ],
    };
    const dir = tempDir("oslogin-import-blocks-");
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const out = writeStack(dir, stack);

    const { plan, diagnostics } = await engine.plan({ outDir: out });
    expect(errorsOf(diagnostics)).toEqual([]);
    expect(plan!.changes.map((c) => [c.address, c.action, c.importingId]).sort()).toEqual(stack.import.map((i) => [i.to, "noop", i.id]).sort());
    expect(renderPlan(plan!, makeStyle(false))).toContain("Plan: 7 to import, 0 to add, 0 to change, 0 to destroy.");

    const applied = await engine.run({ outDir: out });
    expect(errorsOf(applied.diagnostics)).toEqual([]);
    expect(applied.applied).toMatchObject({ added: 0, changed: 0, destroyed: 0, failed: 0 });
    const again = await engine.plan({ outDir: out });
    expect(errorsOf(again.diagnostics)).toEqual([]);
    expect(again.plan!.changes.filter((c) => c.action !== "noop")).toEqual([]);
    expect(renderPlan(again.plan!, makeStyle(false))).toContain("No changes.");
    expect(await cloudObjects(cloud)).toEqual(before);
  });
});

const oslogin = (cwd: string, ...args: string[]) => {
  // No terraform binary: an app that adopts objects must synthesize without one (cdktf's
  // importFrom alone would require terraform >= 1.5 at synth).
  const env = { ...process.env, NO_COLOR: "1", TERRAFORM_BINARY_NAME: "/nonexistent/terraform" };
  const r = spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), path.join(root, "src/cli/main.ts"), ...args], { cwd, encoding: "utf8", env });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

/** The file the generator writes for the seeded organization (ids are the cloud's). */
const expectedFile = (ids: Awaited<ReturnType<typeof seedOrganization>>) => `// Generated by: oslogin import --generate-construct imported.ts --organization ${ORG}
// Existing cloud objects, declared with oslogin-kit's constructs and the values they have now.
// Each construct calls importFrom(ID): the next plan shows "will be imported", and apply adopts
// the object instead of creating it (once the object is in state, importFrom has no effect).
// Call importedOsLogin(this) in your stack's constructor.
//
// Not declared here:
// - authorized key ${ids.authorizedKey} of service account ci-bot:
//   service account keys cannot be imported, and a private key cannot be read back from the cloud.

import type { Construct } from "constructs";
import {
  IamServiceAccount,
  OrganizationmanagerOrganizationIamMember,
  OrganizationmanagerOsLoginProfile,
  OrganizationmanagerOsLoginSettings,
  OrganizationmanagerUserSshKey,
  ResourcemanagerFolderIamMember,
} from "oslogin-kit";

/** Declares the imported objects in \`scope\` (the stack itself, so each keeps the address it is imported as). */
export function importedOsLogin(scope: Construct): void {
  const osLoginSettings = new OrganizationmanagerOsLoginSettings(scope, "os-login-settings", {
    organizationId: "${ORG}",
    userSshKeySettings: {
      enabled: true,
      allowManageOwnKeys: true,
    },
    sshCertificateSettings: {
      enabled: true,
    },
  });
  osLoginSettings.importFrom("${ORG}");

  const saCiBot = new IamServiceAccount(scope, "sa-ci-bot", {
    name: "ci-bot",
    description: "CI deploys",
    folderId: "${FOLDER}",
  });
  saCiBot.importFrom("${ids.bot}");

  // alice@example.com
  const profileAlice = new OrganizationmanagerOsLoginProfile(scope, "profile-alice", {
    organizationId: "${ORG}",
    subjectId: "${ALICE}",
    login: "alice",
    uid: 10000,
    homeDirectory: "/home/alice",
    shell: "/bin/bash",
    isDefault: true,
  });
  profileAlice.importFrom("${ids.alice}");

  // alice@example.com
  const profileAliceOps = new OrganizationmanagerOsLoginProfile(scope, "profile-alice-ops", {
    organizationId: "${ORG}",
    subjectId: "${ALICE}",
    login: "alice-ops",
    uid: 4242,
    homeDirectory: "/home/alice-ops",
    shell: "/bin/bash",
  });
  profileAliceOps.importFrom("${ids.aliceOps}");

  // bob@example.com
  const profileBob = new OrganizationmanagerOsLoginProfile(scope, "profile-bob", {
    organizationId: "${ORG}",
    subjectId: "${BOB}",
    login: "bob",
    uid: 10001,
    homeDirectory: "/home/bob",
    shell: "/bin/bash",
    isDefault: true,
  });
  profileBob.importFrom("${ids.bob}");

  // service account ci-bot
  const profileYcSaCiBot = new OrganizationmanagerOsLoginProfile(scope, "profile-yc-sa-ci-bot", {
    organizationId: "${ORG}",
    subjectId: saCiBot.id,
    login: "yc-sa-ci-bot",
    uid: 5001,
    homeDirectory: "/home/yc-sa-ci-bot",
    shell: "/bin/sh",
    isDefault: true,
  });
  profileYcSaCiBot.importFrom("${ids.botProfile}");

  // alice@example.com
  const sshKeyAliceAliceLaptop = new OrganizationmanagerUserSshKey(scope, "ssh-key-alice-alice-laptop", {
    organizationId: "${ORG}",
    subjectId: "${ALICE}",
    data: "${ALICE_KEY}",
    name: "alice-laptop",
  });
  sshKeyAliceAliceLaptop.importFrom("${ids.aliceKey}");

  // service account ci-bot
  const sshKeyCiBotDeploy = new OrganizationmanagerUserSshKey(scope, "ssh-key-ci-bot-deploy", {
    organizationId: "${ORG}",
    subjectId: saCiBot.id,
    data: "${BOT_KEY}",
    name: "deploy",
  });
  sshKeyCiBotDeploy.importFrom("${ids.botKey}");

  // bob@example.com
  const orgOsLoginBob = new OrganizationmanagerOrganizationIamMember(scope, "org-osLogin-bob", {
    organizationId: "${ORG}",
    role: "compute.osLogin",
    member: "userAccount:${BOB}",
  });
  orgOsLoginBob.importFrom("${ORG},compute.osLogin,userAccount:${BOB}");

  // service account ci-bot
  const folderB1gquickstartfolder1OsAdminLoginCiBot = new ResourcemanagerFolderIamMember(scope, "folder-${FOLDER}-osAdminLogin-ci-bot", {
    folderId: "${FOLDER}",
    role: "compute.osAdminLogin",
    member: \`serviceAccount:\${saCiBot.id}\`,
  });
  folderB1gquickstartfolder1OsAdminLoginCiBot.importFrom("${FOLDER},compute.osAdminLogin,serviceAccount:${ids.bot}");
}
`;

/** An app with the provider only: what a team starts adopting from. */
const MAIN = `import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { YandexProvider } from "oslogin-kit";

class AccessStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new YandexProvider(this, "yandex", { organizationId: "${ORG}", cloudId: "b1gquickstartcloud01", folderId: "${FOLDER}" });
  }
}

const app = new App();
new AccessStack(app, "app");
app.synth();
`;

describe("GIVEN an app from oslogin init and an organization with existing OS Login objects", () => {
  it("WHEN constructs are generated for the organization and added to the app THEN synth type-checks, the plan only imports, apply adopts, the next plan has no changes, and nothing was created or deleted", async () => {
    const dir = tempDir("oslogin-generate-");
    // In process where the output is not what is checked (no CLI process start per step).
    expect(await initCommand.run([dir])).toBe(0);
    // oslogin-kit from this checkout (no npm install in a test): the app's tsconfig maps it to the sources.
    symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
    const tsconfig = JSON.parse(readFileSync(path.join(dir, "tsconfig.json"), "utf8"));
    tsconfig.compilerOptions.paths = { "oslogin-kit": [path.join(root, "src/index.ts")] };
    writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
    writeFileSync(path.join(dir, "main.ts"), MAIN);

    model = CloudModel.open({ dataDir: path.join(dir, ".oslogin") });
    const ids = await seedOrganization(new InProcessCloudClient(model));
    const before = await cloudObjects(new InProcessCloudClient(model));
    model.close();
    model = undefined;
    // The app as synthesized before adopting (provider only); the plan below synthesizes main.ts itself.
    synthStack(dir, () => undefined);

    const flags = ["--data-dir", path.join(dir, ".oslogin"), "--out-dir", path.join(dir, "cdktf.out")];
    const printed = vi.spyOn(console, "log").mockImplementation(() => undefined);
    expect(await importCommand.run(["--generate-construct", path.join(dir, "imported.ts"), "--organization", ORG, ...flags])).toBe(0);
    expect(printed.mock.calls.map((c) => String(c[0]))).toEqual([
      "Wrote " + path.join(dir, "imported.ts") + ": 10 constructs to import.",
      `Not declared: authorized key ${ids.authorizedKey} of service account ci-bot (service account keys cannot be imported, and a private key cannot be read back from the cloud).`,
      'Call importedOsLogin(this) in the stack, then "oslogin plan" shows them as "will be imported".',
    ]);
    printed.mockRestore();
    const generated = readFileSync(path.join(dir, "imported.ts"), "utf8");
    expect(generated).toBe(expectedFile(ids));
    expect(generated).not.toContain("PRIVATE KEY");

    writeFileSync(
      path.join(dir, "main.ts"),
      MAIN.replace('import { YandexProvider } from "oslogin-kit";', 'import { YandexProvider } from "oslogin-kit";\nimport { importedOsLogin } from "./imported.js";').replace(
        'folderId: "b1gquickstartfolder1" });',
        'folderId: "b1gquickstartfolder1" });\n    importedOsLogin(this);',
      ),
    );
    const plan = oslogin(dir, "plan");
    expect(plan.err).toBe("");
    expect(plan.code).toBe(0);
    const imported = [...plan.out.matchAll(/^ {2}# (\S+) will be imported/gm)].map((m) => m[1]).sort();
    expect(imported).toEqual(
      [
        "yandex_iam_service_account.sa-ci-bot",
        "yandex_organizationmanager_organization_iam_member.org-osLogin-bob",
        "yandex_organizationmanager_os_login_profile.profile-alice",
        "yandex_organizationmanager_os_login_profile.profile-alice-ops",
        "yandex_organizationmanager_os_login_profile.profile-bob",
        "yandex_organizationmanager_os_login_profile.profile-yc-sa-ci-bot",
        "yandex_organizationmanager_os_login_settings.os-login-settings",
        "yandex_organizationmanager_user_ssh_key.ssh-key-alice-alice-laptop",
        "yandex_organizationmanager_user_ssh_key.ssh-key-ci-bot-deploy",
        `yandex_resourcemanager_folder_iam_member.folder-${FOLDER}-osAdminLogin-ci-bot`,
      ].sort(),
    );
    expect(plan.out).toContain("Plan: 10 to import, 0 to add, 0 to change, 0 to destroy.");

    const apply = oslogin(dir, "apply", "--auto-approve", "--skip-synth");
    expect(apply.err).toBe("");
    expect(apply.code).toBe(0);
    const after = oslogin(dir, "plan", "--skip-synth", "--detailed-exitcode");
    expect(after.out).toContain("No changes. Your infrastructure matches the configuration.");
    expect(after.code).toBe(0);

    model = CloudModel.open({ dataDir: path.join(dir, ".oslogin") });
    expect(await cloudObjects(new InProcessCloudClient(model))).toEqual(before);
    model.close();
    model = undefined;

    // Everything adoptable is in state now: nothing left to generate.
    const none = oslogin(dir, "import", "--generate-construct", "more.ts", "--organization", ORG);
    expect([none.code, none.err]).toEqual([1, `oslogin import: nothing to generate: every OS Login object of organization ${ORG} is already in the state or the configuration of stack app\n`]);
  }, 180_000);
});

/** A stack with the provider and whatever `declare` adds, synthesized into dir/cdktf.out as stack "app". */
function synthStack(dir: string, declare: (stack: TerraformStack) => void): string {
  const stack = new TerraformStack(Testing.app(), "app");
  new YandexProvider(stack, "yandex", { organizationId: ORG, folderId: FOLDER });
  declare(stack);
  return writeStack(dir, Testing.synth(stack, true), "app");
}

describe("GIVEN import blocks for objects the stack does not declare (generateConfigForImport)", () => {
  it("WHEN constructs are generated THEN each is named as its address, and replacing the blocks with them imports only, then No changes", async () => {
    const dir = tempDir("oslogin-generate-blocks-");
    model = seededModel(path.join(dir, ".oslogin"));
    const ids = await seedOrganization(new InProcessCloudClient(model));
    const bindingId = `${FOLDER},compute.osAdminLogin,serviceAccount:${ids.bot}`;
    const blocks = synthStack(dir, (stack) => {
      IamServiceAccount.generateConfigForImport(stack, "bot", ids.bot);
      OrganizationmanagerOsLoginProfile.generateConfigForImport(stack, "alice_ops", ids.aliceOps);
      OrganizationmanagerUserSshKey.generateConfigForImport(stack, "bot-deploy", ids.botKey);
      ResourcemanagerFolderIamMember.generateConfigForImport(stack, "bot_admin", bindingId);
    });
    expect(JSON.parse(readFileSync(path.join(blocks, "stacks/app/cdk.tf.json"), "utf8")).import).toEqual([
      { to: "yandex_iam_service_account.bot", id: ids.bot },
      { to: "yandex_organizationmanager_os_login_profile.alice_ops", id: ids.aliceOps },
      { to: "yandex_organizationmanager_user_ssh_key.bot-deploy", id: ids.botKey },
      { to: "yandex_resourcemanager_folder_iam_member.bot_admin", id: bindingId },
    ]);
    model.close();
    model = undefined;

    const gen = oslogin(dir, "import", "--generate-construct", "generated.ts");
    expect([gen.code, gen.err, gen.out]).toEqual([0, "", 'Wrote generated.ts: 4 constructs to import.\nCall importedOsLogin(this) in the stack, then "oslogin plan" shows them as "will be imported".\n']);
    const text = readFileSync(path.join(dir, "generated.ts"), "utf8");
    expect(text.slice(text.indexOf("export function"))).toBe(`export function importedOsLogin(scope: Construct): void {
  const bot = new IamServiceAccount(scope, "bot", {
    name: "ci-bot",
    description: "CI deploys",
    folderId: "${FOLDER}",
  });
  bot.importFrom("${ids.bot}");

  const aliceOps = new OrganizationmanagerOsLoginProfile(scope, "alice_ops", {
    organizationId: "${ORG}",
    subjectId: "${ALICE}",
    login: "alice-ops",
    uid: 4242,
    homeDirectory: "/home/alice-ops",
    shell: "/bin/bash",
  });
  aliceOps.importFrom("${ids.aliceOps}");

  const botDeploy = new OrganizationmanagerUserSshKey(scope, "bot-deploy", {
    organizationId: "${ORG}",
    subjectId: bot.id,
    data: "${BOT_KEY}",
    name: "deploy",
  });
  botDeploy.importFrom("${ids.botKey}");

  const botAdmin = new ResourcemanagerFolderIamMember(scope, "bot_admin", {
    folderId: "${FOLDER}",
    role: "compute.osAdminLogin",
    member: \`serviceAccount:\${bot.id}\`,
  });
  botAdmin.importFrom("${bindingId}");
}
`);

    // The blocks replaced by the generated function (loaded from this checkout instead of the package).
    const module = path.join(dir, "generated-local.ts");
    writeFileSync(module, text.replace('from "oslogin-kit"', `from ${JSON.stringify(path.join(root, "constructs/index.js"))}`));
    const { importedOsLogin } = (await import(module)) as { importedOsLogin: (scope: TerraformStack) => void };
    const out = synthStack(dir, importedOsLogin);
    model = CloudModel.open({ dataDir: path.join(dir, ".oslogin") });
    const before = await cloudObjects(new InProcessCloudClient(model));
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const { plan, diagnostics } = await engine.plan({ outDir: out });
    expect(errorsOf(diagnostics)).toEqual([]);
    expect(plan!.changes.map((c) => [c.address, c.action, c.importingId])).toEqual([
      ["yandex_iam_service_account.bot", "noop", ids.bot],
      ["yandex_organizationmanager_os_login_profile.alice_ops", "noop", ids.aliceOps],
      ["yandex_organizationmanager_user_ssh_key.bot-deploy", "noop", ids.botKey],
      ["yandex_resourcemanager_folder_iam_member.bot_admin", "noop", bindingId],
    ]);
    const applied = await engine.run({ outDir: out });
    expect(errorsOf(applied.diagnostics)).toEqual([]);
    expect(renderPlan((await engine.plan({ outDir: out })).plan!, makeStyle(false))).toContain("No changes.");
    expect(await cloudObjects(new InProcessCloudClient(model))).toEqual(before);
  });

  it("WHEN the command is misused, or objects are declared already or cannot be declared THEN errors name the flag or field and the rule, and nothing is overwritten", async () => {
    const dir = tempDir("oslogin-generate-errors-");
    seededModel(path.join(dir, ".oslogin")).close();
    const file = path.join(dir, "out.ts");
    // In process (the CLI maps UsageError to exit 2 and CliError to 1 for every command): no process per case.
    const run = (...args: string[]) => importCommand.run([...args, "--data-dir", path.join(dir, ".oslogin"), "--out-dir", path.join(dir, "cdktf.out")]);
    const failure = (p: Promise<unknown>) => p.then(() => "succeeded", (e: Error) => [e.name, e.message]);
    synthStack(dir, (stack) => OrganizationmanagerOsLoginProfile.generateConfigForImport(stack, "p", "olp00000000000000000"));
    expect(await failure(run("--generate-construct", "out.js"))).toEqual(["UsageError", '--generate-construct must name a TypeScript file ending in .ts, got "out.js"']);
    expect(await failure(run("--generate-construct", path.join(dir, "missing/out.ts")))).toEqual(["UsageError", `--generate-construct ${path.join(dir, "missing/out.ts")}: the directory ${path.join(dir, "missing")} does not exist`]);
    expect(await failure(run("--organization", ORG))).toEqual(["UsageError", "--organization and --force go with --generate-construct FILE.ts"]);
    expect(await failure(run("--generate-construct", file, "yandex_iam_service_account.a", "x"))).toEqual(["UsageError", "--generate-construct takes no ADDR ID arguments"]);
    expect(await failure(run("--generate-construct", file))).toEqual(["CliError", 'Error: Cannot import non-existent remote object (yandex_organizationmanager_os_login_profile.p): no yandex_organizationmanager_os_login_profile with ID "olp00000000000000000" exists']);

    writeStack(dir, { provider: { yandex: [{ organization_id: ORG }] }, import: [{ to: "yandex_organizationmanager_os_login_profile.p[0]", id: "olp00000000000000000" }] }, "app");
    expect(await failure(run("--generate-construct", file))).toEqual(["CliError", 'Error: Cannot generate an indexed address (import[0], attribute to): "to" is yandex_organizationmanager_os_login_profile.p[0]: a generated construct is one resource, so "to" must be TYPE.NAME without [index]',]);
    writeStack(dir, { provider: { yandex: [{ organization_id: ORG }] } }, "app");
    expect(await failure(run("--generate-construct", file))).toEqual(["CliError", "nothing to generate: stack app has no import block whose address lacks a resource; add one (generateConfigForImport) or pass --organization ID"]);
    // The organization's only OS Login object is its settings: declared (not applied yet), nothing is left.
    const settings = { organization_id: ORG, ssh_certificate_settings: { enabled: true } };
    writeStack(dir, { provider: { yandex: [{ organization_id: ORG }] }, resource: { yandex_organizationmanager_os_login_settings: { org: settings } } }, "app");
    expect(await failure(run("--generate-construct", file, "--organization", ORG))).toEqual(["CliError", `nothing to generate: every OS Login object of organization ${ORG} is already in the state or the configuration of stack app`]);
    // ... or named by an import block (constructs generated before, not applied yet).
    writeStack(dir, { provider: { yandex: [{ organization_id: ORG }] }, import: [{ to: "yandex_organizationmanager_os_login_settings.s", id: ORG }] }, "app");
    expect(await failure(run("--generate-construct", file, "--organization", ORG))).toEqual([
      "CliError",
      `nothing to generate: every OS Login object of organization ${ORG} is already in the state or the configuration of stack app`,
    ]);
    expect(existsSync(file)).toBe(false);

    // A key past its expiry is listed as not declared (a past expires_at fails synth's check).
    const cloudModel = CloudModel.open({ dataDir: path.join(dir, ".oslogin") });
    const expiring = await new InProcessCloudClient(cloudModel).createUserSshKey({ organizationId: ORG, subjectId: ALICE, name: "old", data: ALICE_KEY, expiresAt: new Date(Date.now() + 1500).toISOString() });
    cloudModel.close();
    await new Promise((r) => setTimeout(r, 1600));
    const expired = path.join(dir, "expired.ts");
    writeStack(dir, { provider: { yandex: [{ organization_id: ORG }] } }, "app");
    expect(await run("--generate-construct", expired, "--organization", ORG)).toBe(0);
    expect(readFileSync(expired, "utf8")).toContain(
      `// Not declared here:\n// - SSH key ${expiring.id} (old) of alice@example.com:\n//   it expired at ${expiring.expiresAt}; a construct cannot declare a past expiry.\n`,
    );
    expect(readFileSync(expired, "utf8")).not.toContain("OrganizationmanagerUserSshKey");

    // An existing file is kept unless --force is given.
    writeFileSync(file, "// mine\n");
    expect(await failure(run("--generate-construct", file, "--organization", ORG))).toEqual(["UsageError", `--generate-construct ${file}: the file exists; pass --force to overwrite it`]);
    expect(readFileSync(file, "utf8")).toBe("// mine\n");
    expect(await run("--generate-construct", file, "--organization", ORG, "--force")).toBe(0);
    expect(readFileSync(file, "utf8")).toContain('const osLoginSettings = new OrganizationmanagerOsLoginSettings(scope, "os-login-settings", {');
  });
});
