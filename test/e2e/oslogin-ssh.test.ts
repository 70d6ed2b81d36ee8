// `oslogin ssh` end to end: the real ssh client in a controller namespace, a VM namespace with the
// real sshd and the OS Login guest agent, the certificate from the organization's CA and the host key
// the VM published on its serial console (known_hosts empty at the start, strict checking on).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { authorizedKeyFileOf, writeAuthorizedKeyFile } from "../../src/contract/key-file.js";
import { ADMIN, type Instance, type OsLoginProfile } from "../../src/cloud/model/types.js";
import { requireBinary, requireVmBinaries } from "./harness/binaries.js";
import { QUICKSTART as Q, enableOsLogin, grant, seedQuickstart, serviceAccount } from "./harness/cloud.js";
import { startController, type Controller } from "./harness/network.js";
import { REPO_ROOT } from "./harness/paths.js";
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

function osloginSsh(name: string, args: string[]) {
  return controller.exec(
    [process.execPath, "--import", join(REPO_ROOT, "node_modules/tsx/dist/loader.mjs"), join(REPO_ROOT, "src/cli/main.ts"), "ssh", "--config", join(work, `${name}.yml`), ...args],
    { timeoutMs: 120_000, env: { ...process.env, HOME: work } },
  );
}

beforeAll(async () => {
  requireVmBinaries();
  requireBinary("ssh");
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

  const ca = model.certificates.getAuthorityPublicKey(ADMIN, Q.organizationId).publicKey;
  controller = await startController(join(work, "controller"));
  vm = await startVm({ name: "web-1", instanceId: web1.id, dataDir, workDir: join(work, "web-1"), trustedCaKeys: [ca], listenAddress: "0.0.0.0" });
  model.serialPorts.setHostKeys(ADMIN, { instanceId: web1.id, hostKeys: vm.hostPublicKeys() });
  await controller.link(vm.pid, web1.networkInterfaces[0].primaryV4Address.oneToOneNat!.address);
  await vm.addHome(profiles.deployer.login, profiles.deployer.uid);
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
