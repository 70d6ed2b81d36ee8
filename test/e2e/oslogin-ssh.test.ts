// `oslogin ssh` end to end: the real ssh client in a controller namespace, a VM namespace with the
// real sshd and the OS Login guest agent, the certificate from the organization's CA and the host key
// the VM published on its serial console (known_hosts empty at the start, strict checking on); as a
// service account and as a member (Alice, with compute.osLogin; Bob, without), and `oslogin scp`.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { authorizedKeyFileOf, writeAuthorizedKeyFile } from "../../src/contract/key-file.js";
import { ADMIN, type Instance, type OsLoginProfile } from "../../src/cloud/model/types.js";
import { generateEd25519KeyPair } from "../../src/ssh/keypair.js";
import { requireBinary, requireVmBinaries } from "./harness/binaries.js";
import { QUICKSTART as Q, enableOsLogin, grant, seedQuickstart, serviceAccount, user } from "./harness/cloud.js";
import { startController, type Controller } from "./harness/network.js";
import { REPO_ROOT } from "./harness/paths.js";
import { startServe } from "./harness/serve.js";
import { startVm, type Vm } from "./harness/vm.js";

const work = mkdtempSync(join(tmpdir(), "oslogin-ssh-e2e-"));
const dataDir = join(work, "cloud");
let model: CloudModel;
let cloud: InProcessCloudClient;
let controller: Controller;
let vm: Vm;
let web1: Instance;
const profiles: Record<string, OsLoginProfile> = {};

/** A service account with a profile and an authorized key, and an inventory config of its own. */
async function account(name: string): Promise<string> {
  const sa = await cloud.createServiceAccount({ folderId: Q.folderId, name });
  profiles[name] = await cloud.createOsLoginProfile({ organizationId: Q.organizationId, subjectId: sa.id, login: `yc-sa-${name}` });
  writeAuthorizedKeyFile(join(work, `${name}-key.json`), authorizedKeyFileOf(await cloud.createKey({ serviceAccountId: sa.id })));
  writeFileSync(
    join(work, `${name}.yml`),
    [`data_dir: ${dataDir}`, `service_account_key_file: ${name}-key.json`, `organization_id: ${Q.organizationId}`, `folders: [${Q.folderId}]`, `cache_dir: cache-${name}`, ""].join("\n"),
  );
  return sa.id;
}

/** `oslogin <ssh|scp> --config <name>.yml ARGS` in the controller namespace, HOME being the work dir. */
function oslogin(command: "ssh" | "scp", name: string, args: string[]) {
  return controller.exec(
    [process.execPath, "--import", join(REPO_ROOT, "node_modules/tsx/dist/loader.mjs"), join(REPO_ROOT, "src/cli/main.ts"), command, "--config", join(work, `${name}.yml`), ...args],
    { timeoutMs: 120_000, env: { ...process.env, HOME: work } },
  );
}
const osloginSsh = (name: string, args: string[]) => oslogin("ssh", name, args);
/** Members use the deployer's config (folders, data_dir, known_hosts); --member overrides its account. */
const asMember = (email: string, command: "ssh" | "scp", args: string[]) => oslogin(command, "deployer", ["--member", email, ...args]);
const aliceKey = () => join(work, ".oslogin/members", Q.organizationId, Q.alice, "id_ed25519");

beforeAll(async () => {
  requireVmBinaries();
  requireBinary("ssh");
  requireBinary("scp");
  model = CloudModel.open({ dataDir });
  cloud = new InProcessCloudClient(model);
  seedQuickstart(model);
  await enableOsLogin(cloud, Q.organizationId, { keys: true, certificates: true });
  web1 = await cloud.createInstance({
    folderId: Q.folderId,
    name: "web-1",
    zoneId: "ru-central1-a",
    platformId: "standard-v3",
    resourcesSpec: { memory: 2n * 1024n ** 3n, cores: 2n },
    bootDiskSpec: { diskSpec: { size: 10n * 1024n ** 3n, imageId: "fd8ubuntu2204lts" } },
    networkInterfaceSpecs: [{ subnetId: "e9bdefaultsubnet0001", primaryV4AddressSpec: { oneToOneNatSpec: { ipVersion: "IPV4" } } }],
    metadata: { "enable-oslogin": "true" },
  });
  // deployer: compute.osLogin on the VM. outsider: viewer of the organization (reads every level's
  // bindings), no login role.
  // blind: lists the VMs but may not read bindings, so the pre-check cannot tell and the VM decides.
  const deployer = await account("deployer");
  const outsider = await account("outsider");
  const blind = await account("blind");
  await grant(cloud, { kind: "instance", id: web1.id }, "compute.osLogin", serviceAccount(deployer));
  await grant(cloud, { kind: "folder", id: Q.folderId }, "viewer", serviceAccount(deployer));
  await grant(cloud, { kind: "organization", id: Q.organizationId }, "viewer", serviceAccount(outsider));
  for (const role of ["resource-manager.viewer", "compute.viewer"]) await grant(cloud, { kind: "folder", id: Q.folderId }, role, serviceAccount(blind));
  // Members: Alice may log in to web-1 (and see the folder's VMs); Bob sees everything, logs in nowhere.
  await grant(cloud, { kind: "instance", id: web1.id }, "compute.osLogin", user(Q.alice));
  await grant(cloud, { kind: "folder", id: Q.folderId }, "viewer", user(Q.alice));
  await grant(cloud, { kind: "organization", id: Q.organizationId }, "viewer", user(Q.bob));

  const ca = model.certificates.getAuthorityPublicKey(ADMIN, Q.organizationId).publicKey;
  controller = await startController(join(work, "controller"));
  vm = await startVm({ name: "web-1", instanceId: web1.id, dataDir, workDir: join(work, "web-1"), trustedCaKeys: [ca], listenAddress: "0.0.0.0" });
  model.serialPorts.setHostKeys(ADMIN, { instanceId: web1.id, hostKeys: vm.hostPublicKeys() });
  await controller.link(vm.pid, web1.networkInterfaces[0].primaryV4Address.oneToOneNat!.address);
  await vm.addHome(profiles.deployer.login, profiles.deployer.uid);
  const aliceProfile = (await cloud.listOsLoginProfiles({ organizationId: Q.organizationId, filter: `subject_id="${Q.alice}"` })).items[0]!;
  await vm.addHome(aliceProfile.login, aliceProfile.uid);
}, 120_000);

afterAll(async () => {
  await vm?.stop();
  await controller?.stop();
  model?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("GIVEN one OS Login VM web-1 whose host key is on its serial console", { timeout: 180_000 }, () => {
  it("WHEN a service account with compute.osLogin on web-1 runs oslogin ssh web-1 -- id -un THEN the command runs there and prints its output", async () => {
    const r = await osloginSsh("deployer", ["web-1", "--", "id", "-un"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("yc-sa-deployer\n");
    // A certificate from the CA was offered, as sshd's log says, and the host key was taken from the console.
    expect(vm.sshdLog()).toMatch(/Accepted publickey for yc-sa-deployer .* ED25519-CERT/);
  });

  it("WHEN an account without a login role on web-1 runs oslogin ssh THEN it is refused before ssh, with a message naming the VM", async () => {
    const before = vm.sshdLog();
    const r = await osloginSsh("outsider", ["web-1", "--", "id", "-un"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^oslogin ssh: service account \S+ has no login on VM web-1 \(\S+\): it holds neither compute\.osLogin nor compute\.osAdminLogin on the VM, its folder, cloud or organization\n$/);
    expect(vm.sshdLog()).toBe(before); // no connection was attempted
  });

  it("WHEN the pre-check cannot read the bindings THEN ssh runs and the VM itself refuses the login", async () => {
    const r = await osloginSsh("blind", ["web-1", "--", "id", "-un"]);
    expect(r.stdout).toBe("");
    expect(r.status).toBe(255);
    expect(r.stderr).toMatch(/yc-sa-blind@.*Permission denied/);
  });

  it("WHEN the VM is not an OS Login VM of the folders THEN it says so and exits 1", async () => {
    const r = await osloginSsh("deployer", ["web-9"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`oslogin ssh: no running OS Login VM named "web-9" in folders ${Q.folderId} (names as in the inventory, or an instance id)\n`);
  });
});

describe("GIVEN members of the organization: Alice with compute.osLogin on web-1, Bob, who reads every binding, with no login role", { timeout: 180_000 }, () => {
  it("WHEN Alice runs oslogin ssh --member alice@example.com web-1 -- id -un THEN it runs as alice with a certificate for a key kept 0600", async () => {
    const r = await asMember("alice@example.com", "ssh", ["web-1", "--", "id", "-un"]);
    expect([r.status, r.stdout, r.stderr]).toEqual([0, "alice\n", ""]);
    expect(vm.sshdLog()).toMatch(/Accepted publickey for alice .* ED25519-CERT/);
    expect(statSync(aliceKey()).mode & 0o777).toBe(0o600);
    expect(statSync(join(aliceKey(), "..")).mode & 0o777).toBe(0o700);
  });

  it("WHEN Alice logs in a second time THEN the kept key and its certificate are reused, not made again", async () => {
    const key = readFileSync(aliceKey(), "utf8");
    const cert = readFileSync(`${aliceKey()}-cert.pub`, "utf8");
    const r = await asMember(Q.alice, "ssh", ["web-1", "--", "true"]); // by user id this time
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(readFileSync(aliceKey(), "utf8")).toBe(key);
    expect(readFileSync(`${aliceKey()}-cert.pub`, "utf8")).toBe(cert);
  });

  it("WHEN Bob, without compute.osLogin, runs oslogin ssh THEN he is refused before ssh, naming him, the VM and the role", async () => {
    const before = vm.sshdLog();
    const r = await asMember("bob@example.com", "ssh", ["web-1", "--", "id", "-un"]);
    expect([r.status, r.stdout]).toEqual([1, ""]);
    expect(r.stderr).toBe(
      `oslogin ssh: member bob@example.com has no login on VM web-1 (${web1.id}): it holds neither compute.osLogin nor compute.osAdminLogin on the VM, its folder, cloud or organization\n`,
    );
    expect(vm.sshdLog()).toBe(before);
  });

  it("WHEN Alice logs in through a running oslogin serve (the config names its endpoint and the data_dir it serves) THEN the server issues her token and certificate and the command runs as alice", async () => {
    // The server runs in the controller's namespace, so the endpoint is on the loopback ssh's side sees.
    const served = await startServe(dataDir, { seed: false, prefix: [requireBinary("nsenter"), "-t", String(controller.pid), "-n", "--"] });
    try {
      writeFileSync(
        join(work, "served.yml"),
        [`endpoint: ${served.grpcEndpoint}`, `data_dir: ${dataDir}`, `organization_id: ${Q.organizationId}`, `folders: [${Q.folderId}]`, "cache_dir: cache-served", ""].join("\n"),
      );
      rmSync(`${aliceKey()}-cert.pub`, { force: true }); // issued now, by the server, not reused
      const r = await oslogin("ssh", "served", ["--member", "alice@example.com", "web-1", "--", "id", "-un"]);
      expect([r.status, r.stdout, r.stderr]).toEqual([0, "alice\n", ""]);
      expect(vm.sshdLog()).toMatch(/Accepted publickey for alice .* ED25519-CERT/);
    } finally {
      await served.stop();
    }
  });

  it("WHEN Alice copies a file to web-1 and back with oslogin scp THEN both copies hold the same bytes", async () => {
    writeFileSync(join(work, "notes.txt"), "line one\nline two\n");
    const up = await asMember("alice@example.com", "scp", [join(work, "notes.txt"), "web-1:notes.txt"]);
    expect([up.status, up.stderr]).toEqual([0, ""]);
    const there = await vm.exec(["cat", "/home/alice/notes.txt"]);
    expect([there.status, there.stdout]).toEqual([0, "line one\nline two\n"]);
    const down = await asMember("alice@example.com", "scp", ["alice@web-1:/home/alice/notes.txt", join(work, "back.txt")]);
    expect([down.status, down.stderr]).toEqual([0, ""]);
    expect(readFileSync(join(work, "back.txt"), "utf8")).toBe("line one\nline two\n");
  });

  it("WHEN Alice names a registered key with -i THEN it logs in by that key, no certificate; an unregistered key is refused before ssh", async () => {
    const registered = generateEd25519KeyPair("alice-laptop");
    writeFileSync(join(work, "alice_laptop"), registered.privateKey, { mode: 0o600 });
    await cloud.createUserSshKey({ organizationId: Q.organizationId, subjectId: Q.alice, name: "laptop", data: registered.publicKey });
    const r = await asMember("alice@example.com", "ssh", ["-i", join(work, "alice_laptop"), "web-1", "--", "id", "-un"]);
    expect([r.status, r.stdout, r.stderr]).toEqual([0, "alice\n", ""]);
    expect(vm.sshdLog()).toMatch(/Accepted publickey for alice .* ED25519 SHA256:/);

    writeFileSync(join(work, "alice_other"), generateEd25519KeyPair("other").privateKey, { mode: 0o600 });
    const other = await asMember("alice@example.com", "ssh", ["-i", join(work, "alice_other"), "web-1", "--", "true"]);
    expect(other.status).toBe(1);
    expect(other.stderr).toBe(
      `oslogin ssh: the public half of ${join(work, "alice_other")} is not a registered SSH key of member alice@example.com in organization ${Q.organizationId}; register it (yandex_organizationmanager_user_ssh_key) or leave out --identity\n`,
    );
  });

  it("WHEN the organization issues no certificates THEN Alice's kept key is registered on her profile once and logs in by key", async () => {
    await enableOsLogin(cloud, Q.organizationId, { keys: true, certificates: false });
    // Her certificate from the runs above has run out, as it would within the hour: it is not renewed now.
    rmSync(`${aliceKey()}-cert.pub`);
    try {
      const keysOfAlice = async () => (await cloud.listUserSshKeys({ organizationId: Q.organizationId, subjectId: Q.alice })).items.map((k) => k.name).sort();
      const before = vm.sshdLog().length;
      for (let run = 0; run < 2; run++) {
        const r = await asMember("alice@example.com", "ssh", ["web-1", "--", "id", "-un"]);
        expect([r.status, r.stdout, r.stderr]).toEqual([0, "alice\n", ""]);
      }
      // Both logins by the plain key, no certificate offered.
      const accepted = vm.sshdLog().slice(before).match(/Accepted publickey for alice .*/g) ?? [];
      expect(accepted.map((l) => / ED25519 SHA256:/.test(l))).toEqual([true, true]);
      expect(await keysOfAlice()).toEqual(["laptop", "oslogin-ssh"]);
      const kept = readFileSync(`${aliceKey()}.pub`, "utf8").trim().split(" ")[1];
      expect((await cloud.listUserSshKeys({ organizationId: Q.organizationId, subjectId: Q.alice })).items.find((k) => k.name === "oslogin-ssh")!.data).toContain(kept);
    } finally {
      await enableOsLogin(cloud, Q.organizationId, { keys: true, certificates: true });
    }
  });
});
