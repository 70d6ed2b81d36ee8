// The Ansible inventory end to end, judged by the real ansible-core: ansible-inventory reads our
// executable through the script protocol, and ansible connects with the 1-hour certificate it
// hands out, through real sshds whose users and sudo come from the OS Login guest agent.
// Two OS Login VMs (and one without OS Login) are network namespaces joined to a controller
// namespace, each VM answering on the NAT address the emulator gave it, so ansible_host is used
// exactly as the inventory says.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { authorizedKeyFileOf, writeAuthorizedKeyFile } from "../../src/contract/key-file.js";
import { ADMIN, type Instance, type OsLoginProfile, type ServiceAccount } from "../../src/cloud/model/types.js";
import { generateEd25519KeyPair } from "../../src/ssh/keypair.js";
import { requireBinary, requireVmBinaries } from "./harness/binaries.js";
import { QUICKSTART as Q, enableOsLogin, grant, revoke, seedQuickstart, serviceAccount } from "./harness/cloud.js";
import { startController, type Controller } from "./harness/network.js";
import { REPO_ROOT } from "./harness/paths.js";
import { runProcess } from "./harness/process.js";
import { startVm, type Vm } from "./harness/vm.js";

const work = mkdtempSync(join(tmpdir(), "inventory-e2e-"));
const dataDir = join(work, "cloud");
const cacheDir = join(work, "cache");
const inventoryScript = join(work, "oslogin-inventory");
const configFile = join(work, "oslogin-inventory.yml");
const pluginConfig = join(work, "oslogin.yml");
let model: CloudModel;
let cloud: InProcessCloudClient;
let controller: Controller;
const vms: Vm[] = [];
let web1: Instance;
let web2: Instance;
let sa: ServiceAccount;
let profile: OsLoginProfile;

/** A small OS Login VM with a public (NAT) address, as the quickstart declares them. */
function natInstance(name: string, metadata: Record<string, string> = { "enable-oslogin": "true" }): Promise<Instance> {
  return cloud.createInstance({
    folderId: Q.folderId,
    name,
    zoneId: "ru-central1-a",
    platformId: "standard-v3",
    resourcesSpec: { memory: 2n * 1024n ** 3n, cores: 2n },
    bootDiskSpec: { diskSpec: { size: 10n * 1024n ** 3n, imageId: "fd8ubuntu2204lts" } },
    networkInterfaceSpecs: [{ subnetId: "e9bdefaultsubnet0001", primaryV4AddressSpec: { oneToOneNatSpec: { ipVersion: "IPV4" } } }],
    metadata,
  });
}

const natOf = (i: Instance) => i.networkInterfaces[0].primaryV4Address.oneToOneNat!.address;

/** Runs an Ansible program on the controller, with no connection reuse (every run must authenticate). */
function ansible(program: "ansible" | "ansible-inventory" | "ansible-playbook", args: string[], o: { inventory?: string; env?: Record<string, string> } = {}) {
  return controller.exec([requireBinary(program), "-i", o.inventory ?? inventoryScript, ...args], {
    timeoutMs: 120_000,
    env: {
      ...process.env,
      OSLOGIN_INVENTORY_CONFIG: configFile,
      // Host key checking stays on: the inventory's known_hosts (from the VMs' consoles) is all ssh trusts.
      ANSIBLE_HOST_KEY_CHECKING: "True",
      ANSIBLE_SSH_ARGS: "-o ControlMaster=no -o ControlPath=none",
      ANSIBLE_REMOTE_TMP: "/tmp/.ansible-remote",
      ANSIBLE_LOCAL_TEMP: join(work, "ansible-local"),
      ANSIBLE_NOCOLOR: "1",
      ANSIBLE_DEPRECATION_WARNINGS: "False",
      ANSIBLE_INVENTORY_ENABLED: "script",
      // One SSH connection per task instead of several (module piped to python): fewer logins.
      ANSIBLE_PIPELINING: "True",
      ...o.env,
    },
  });
}

beforeAll(async () => {
  requireVmBinaries();
  for (const p of ["ansible", "ansible-inventory", "sudo"]) requireBinary(p);
  model = CloudModel.open({ dataDir });
  cloud = new InProcessCloudClient(model);
  seedQuickstart(model);
  await enableOsLogin(cloud, Q.organizationId, { keys: true, certificates: true });
  web1 = await natInstance("web-1");
  web2 = await natInstance("web-2");
  // Roles for the collection's keyed_groups: web-1 is the database, web-2 the web server.
  web1 = await cloud.updateInstance({ instanceId: web1.id, updateMask: ["labels"], labels: { role: "db" } });
  web2 = await cloud.updateInstance({ instanceId: web2.id, updateMask: ["labels"], labels: { role: "web" } });
  await natInstance("legacy", { "enable-oslogin": "false" });

  sa = await cloud.createServiceAccount({ folderId: Q.folderId, name: "ansible" });
  profile = await cloud.createOsLoginProfile({ organizationId: Q.organizationId, subjectId: sa.id, login: "yc-sa-ansible" });
  writeAuthorizedKeyFile(join(work, "ansible-key.json"), authorizedKeyFileOf(await cloud.createKey({ serviceAccountId: sa.id })));
  // Log in everywhere in the folder, sudo on web-1 only; viewer to list the folder's VMs and bindings.
  await grant(cloud, { kind: "folder", id: Q.folderId }, "compute.osLogin", serviceAccount(sa.id));
  await grant(cloud, { kind: "folder", id: Q.folderId }, "viewer", serviceAccount(sa.id));
  await grant(cloud, { kind: "instance", id: web1.id }, "compute.osAdminLogin", serviceAccount(sa.id));

  writeFileSync(
    configFile,
    [
      `data_dir: ${dataDir}`,
      "service_account_key_file: ansible-key.json",
      `organization_id: ${Q.organizationId}`,
      `folders: [${Q.folderId}]`,
      "cache_dir: cache",
      "vars: { ansible_python_interpreter: /usr/bin/python3 }",
      "",
    ].join("\n"),
  );
  // The executable Ansible runs (what node_modules/.bin/oslogin-inventory is for an installed package).
  writeFileSync(
    inventoryScript,
    `#!/bin/sh\nexec ${process.execPath} --import ${join(REPO_ROOT, "node_modules/tsx/dist/loader.mjs")} ${join(REPO_ROOT, "src/cli/inventory-script.ts")} "$@"\n`,
  );
  chmodSync(inventoryScript, 0o755);

  const ca = model.certificates.getAuthorityPublicKey(ADMIN, Q.organizationId).publicKey;
  controller = await startController(join(work, "controller"));
  for (const [name, inst] of [["web-1", web1], ["web-2", web2]] as const) {
    const vm = await startVm({ name, instanceId: inst.id, dataDir, workDir: join(work, name), trustedCaKeys: [ca], listenAddress: "0.0.0.0" });
    vms.push(vm);
    // What cloud-init prints to the console at first boot; the inventory reads it back with GetSerialPortOutput.
    model.serialPorts.setHostKeys(ADMIN, { instanceId: inst.id, hostKeys: vm.hostPublicKeys() });
    await controller.link(vm.pid, natOf(inst));
    // OS Login VMs make homes on first login (pam_mkhomedir); this VM's /home is a tmpfs.
    const home = await vm.exec(["sh", "-c", `mkdir -p /home/${profile.login} && chown ${profile.uid}:${profile.uid} /home/${profile.login}`]);
    expect(home.status).toBe(0);
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(vms.map((v) => v.stop()));
  await controller?.stop();
  model?.close();
  rmSync(work, { recursive: true, force: true });
});

// Each test runs ansible with real logins: on a loaded 2-core machine one can take a minute.
describe("GIVEN the quickstart organization, an Ansible service account with osLogin on the folder and osAdminLogin on web-1", { timeout: 180_000 }, () => {
  it("WHEN ansible-inventory --list runs THEN it shows exactly the OS Login VMs, their groups and host variables", async () => {
    const r = await ansible("ansible-inventory", ["--list"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const inv = JSON.parse(r.stdout);
    const cert = join(work, `cache/yc-organization-id-${Q.organizationId}-yc-sa-ansible`);
    const knownHosts = join(cacheDir, "known_hosts");
    const sshArgs = (host: string) =>
      `-o CertificateFile=${cert}-cert.pub -o IdentitiesOnly=yes -o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes -o HostKeyAlias=${host}`;
    const common = {
      ansible_user: "yc-sa-ansible",
      ansible_ssh_private_key_file: cert,
      ansible_python_interpreter: "/usr/bin/python3",
      oslogin_folder_id: Q.folderId,
      oslogin_zone: "ru-central1-a",
    };
    expect(inv._meta.hostvars).toEqual({
      "web-1": { ...common, ansible_host: natOf(web1), ansible_ssh_common_args: sshArgs("web-1"), ansible_become: true, oslogin_labels: { role: "db" }, oslogin_instance_id: web1.id, oslogin_instance_name: "web-1", oslogin_fqdn: web1.fqdn },
      "web-2": { ...common, ansible_host: natOf(web2), ansible_ssh_common_args: sshArgs("web-2"), oslogin_labels: { role: "web" }, oslogin_instance_id: web2.id, oslogin_instance_name: "web-2", oslogin_fqdn: web2.fqdn },
    });
    // Written from the consoles on this first run (the cache directory was empty): one key per VM.
    const key = (vm: Vm) => vm.hostPublicKeys()[0].split(" ").slice(0, 2).join(" ");
    expect(readFileSync(knownHosts, "utf8")).toBe(`web-1 ${key(vms[0])}\nweb-2 ${key(vms[1])}\n`);
    expect(inv.all.children.sort()).toEqual(["folder_default", "oslogin", "ungrouped", "zone_ru_central1_a"]);
    expect(inv.oslogin.hosts).toEqual(["web-1", "web-2"]);
    expect(inv.folder_default.hosts).toEqual(["web-1", "web-2"]);
  });

  it("WHEN ansible-inventory --graph runs THEN the groups hold the two VMs", async () => {
    const r = await ansible("ansible-inventory", ["--graph"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      "@all:\n  |--@ungrouped:\n  |--@folder_default:\n  |  |--web-1\n  |  |--web-2\n  |--@oslogin:\n  |  |--web-1\n  |  |--web-2\n  |--@zone_ru_central1_a:\n  |  |--web-1\n  |  |--web-2\n",
    );
  });

  it("WHEN ansible all -m ping runs THEN both VMs answer pong through the certificate alone", async () => {
    const r = await ansible("ansible", ["all", "-m", "ping", "-o"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^web-1 \| SUCCESS => .*"ping": "pong"/m);
    expect(r.stdout).toMatch(/^web-2 \| SUCCESS => .*"ping": "pong"/m);
    // The sshd accepted a certificate signed by the organization CA, not a key.
    expect(vms[0].sshdLog()).toMatch(/Accepted publickey for yc-sa-ansible from 192\.0\.2\.1 port \d+ ssh2: ED25519-CERT SHA256:\S+ ID \S+/);
  });

  it("WHEN id -un runs on every VM without become THEN it prints the profile's login", async () => {
    // web-1's inventory switches become on (osAdminLogin there); turn it off to see the login itself.
    const r = await ansible("ansible", ["all", "-e", "ansible_become=false", "-m", "command", "-a", "id -un", "-o"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("web-1 | CHANGED | rc=0 | (stdout) yc-sa-ansible");
    expect(r.stdout).toContain("web-2 | CHANGED | rc=0 | (stdout) yc-sa-ansible");
  });

  it("WHEN become is used THEN sudo works on web-1 (osAdminLogin) and is refused on web-2", async () => {
    const r = await ansible("ansible", ["all", "-b", "-m", "command", "-a", "id -un", "-o"]);
    expect(r.stdout).toContain("web-1 | CHANGED | rc=0 | (stdout) root");
    expect(r.stdout).toMatch(/^web-2 \| FAILED! => .*(password is required|Missing sudo password)/m);
    expect(r.status).toBe(2); // ansible: a host failed
  });

  it("WHEN the oslogin.kit plugin with keyed_groups is the inventory THEN db and web groups, and ping and become work on db with strict host keys", async () => {
    const collections = join(work, "collections");
    expect((await runProcess("npm", ["run", "--silent", "ansible:collection"], { timeoutMs: 120_000 })).status).toBe(0);
    const install = await runProcess(requireBinary("ansible-galaxy"), ["collection", "install", join(REPO_ROOT, "dist/ansible/oslogin-kit-0.1.0.tar.gz"), "-p", collections], { timeoutMs: 120_000 });
    expect(install.status).toBe(0);
    writeFileSync(
      pluginConfig,
      [
        "plugin: oslogin.kit.oslogin",
        `config: ${configFile}`,
        `command: [${inventoryScript}]`,
        "plain_groups: false",
        "strict: true",
        "leading_separator: false",
        "keyed_groups: [{ key: oslogin_labels.role, prefix: '' }]",
        "",
      ].join("\n"),
    );
    const env = { ANSIBLE_COLLECTIONS_PATH: collections, ANSIBLE_INVENTORY_ENABLED: "auto" };
    const graph = await ansible("ansible-inventory", ["--graph"], { inventory: pluginConfig, env });
    expect(graph.stdout).toBe("@all:\n  |--@ungrouped:\n  |--@db:\n  |  |--web-1\n  |--@web:\n  |  |--web-2\n");
    const ping = await ansible("ansible", ["db", "-m", "ping", "-o"], { inventory: pluginConfig, env });
    expect(ping.status).toBe(0);
    expect(ping.stdout).toMatch(/^web-1 \| SUCCESS => .*"ping": "pong"/m);
    const id = await ansible("ansible", ["db", "-b", "-m", "command", "-a", "id", "-o"], { inventory: pluginConfig, env });
    expect(id.status).toBe(0);
    expect(id.stdout).toContain("web-1 | CHANGED | rc=0 | (stdout) uid=0(root) gid=0(root) groups=0(root)");
  });

  it("WHEN the cached certificate has expired THEN the next inventory call renews it and ping succeeds", async () => {
    const base = join(cacheDir, `yc-organization-id-${Q.organizationId}-yc-sa-ansible`);
    // A certificate from the same CA that ended an hour ago, over a fresh key: what an old cache holds.
    const past = new Date(Date.now() - 2 * 3600_000);
    const clocked = CloudModel.open({ dataDir, now: () => past });
    try {
      const pair = generateEd25519KeyPair("stale");
      const { signedCertificate } = clocked.certificates.generate(ADMIN, { organizationId: Q.organizationId, subjectId: sa.id, publicKey: pair.publicKey });
      writeFileSync(base, pair.privateKey, { mode: 0o600 });
      writeFileSync(`${base}-cert.pub`, signedCertificate + "\n", { mode: 0o600 });
    } finally {
      clocked.close();
    }
    const staleCert = readFileSync(`${base}-cert.pub`, "utf8");
    const r = await ansible("ansible", ["all", "-m", "ping", "-o"]);
    expect(r.status).toBe(0);
    expect(readFileSync(`${base}-cert.pub`, "utf8")).not.toBe(staleCert);
  });

  it("WHEN a play outlives a 40 s certificate, with oslogin-ssh as ansible_ssh_executable THEN it succeeds and sshd saw two certificate serials", async () => {
    // Its own cache, so the play starts with a certificate of the short lifetime; renewed at 10 s left.
    const longConfig = join(work, "oslogin-inventory-long.yml");
    writeFileSync(longConfig, readFileSync(configFile, "utf8").replace("cache_dir: cache", "cache_dir: cache-long") + "renew_margin_seconds: 10\n");
    const wrapper = join(work, "oslogin-ssh");
    writeFileSync(wrapper, `#!/bin/sh\nexec ${process.execPath} --import ${join(REPO_ROOT, "node_modules/tsx/dist/loader.mjs")} ${join(REPO_ROOT, "src/cli/ssh-renewing.ts")} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const play = join(work, "long-play.yml");
    writeFileSync(
      play,
      [
        "- hosts: web-1",
        "  gather_facts: false",
        "  tasks:",
        "    - ping:",
        "    - pause: { seconds: 45 }",
        "    - ping:",
        "",
      ].join("\n"),
    );
    const accepted = new RegExp(`Accepted certificate ID "${sa.id}@${Q.organizationId} serial \\d+" \\(serial (\\d+)\\)`, "g");
    const serials = () => [...vms[0].sshdLog().matchAll(accepted)].map((m) => m[1]);
    const before = serials().length;
    const r = await ansible("ansible-playbook", [play], {
      env: { OSLOGIN_INVENTORY_CONFIG: longConfig, OSLOGIN_CERTIFICATE_VALIDITY_SECONDS: "40", ANSIBLE_SSH_EXECUTABLE: wrapper },
    });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/web-1\s+: ok=3\s+changed=0\s+unreachable=0\s+failed=0/);
    expect(r.status).toBe(0);
    // sshd logs "Accepted certificate" when the key is offered and again when its signature is
    // checked: each ping logs its serial twice. The first ping's certificate, then the renewed one.
    const used = serials().slice(before);
    const [first, second] = [...new Set(used)];
    expect(used).toEqual([first, first, second, second]);
    expect(Number(second)).toBeGreaterThan(Number(first));
  });

  it("WHEN the account's login role is revoked THEN ping fails on the next connection", async () => {
    await revoke(cloud, { kind: "folder", id: Q.folderId }, "compute.osLogin", serviceAccount(sa.id));
    await revoke(cloud, { kind: "instance", id: web1.id }, "compute.osAdminLogin", serviceAccount(sa.id));
    const r = await ansible("ansible", ["all", "-m", "ping", "-o"]);
    // ssh's message follows on the same line, or on the next after an earlier warning line.
    expect(r.stdout).toMatch(/^web-1 \| UNREACHABLE!.*(\r?\n)?.*yc-sa-ansible@198\.51\.100\.\d+: Permission denied \(publickey\)/m);
    expect(r.stdout).toMatch(/^web-2 \| UNREACHABLE!.*(\r?\n)?.*yc-sa-ansible@198\.51\.100\.\d+: Permission denied \(publickey\)/m);
    expect(r.status).toBe(4); // ansible: hosts unreachable
  });

  it("WHEN web-2's host key is replaced after known_hosts was written THEN ssh refuses web-2, naming it, and known_hosts keeps the old key", async () => {
    const before = readFileSync(join(cacheDir, "known_hosts"), "utf8");
    await vms[1].replaceHostKey();
    // The re-created VM publishes its new key too: the inventory must still not trust it silently.
    model.serialPorts.setHostKeys(ADMIN, { instanceId: web2.id, hostKeys: vms[1].hostPublicKeys() });
    const r = await ansible("ansible", ["web-2", "-m", "ping", "-o"]);
    expect(r.stdout).toMatch(/^web-2 \| UNREACHABLE!/m);
    expect(r.stdout).toContain("Host key for web-2 has changed and you have requested strict checking.");
    expect(r.status).toBe(4);
    expect(readFileSync(join(cacheDir, "known_hosts"), "utf8")).toBe(before);
  });
});
