// The oslogin.kit collection as an operator installs it: built by `npm run ansible:collection`,
// installed offline from the tarball with ansible-galaxy, configured by an oslogin.yml with
// `plugin: oslogin.kit.oslogin`, read by the real ansible-inventory. keyed_groups turns the `role`
// label into plain `db` and `web` groups; compose and the inventory cache behave as Ansible documents.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { authorizedKeyFileOf, writeAuthorizedKeyFile } from "../../src/contract/key-file.js";
import { ADMIN } from "../../src/cloud/model/types.js";
import { generateEd25519KeyPair } from "../../src/ssh/keypair.js";
import { requireBinary } from "./harness/binaries.js";
import { QUICKSTART as Q, createInstance, enableOsLogin, grant, seedQuickstart, serviceAccount } from "./harness/cloud.js";
import { REPO_ROOT } from "./harness/paths.js";
import { runProcess } from "./harness/process.js";

const work = mkdtempSync(join(tmpdir(), "ansible-collection-"));
const dataDir = join(work, "cloud");
const collections = join(work, "collections");
let model: CloudModel;
let cloud: InProcessCloudClient;
let web1Id: string;
const GRAPH = "@all:\n  |--@ungrouped:\n  |--@db:\n  |  |--db-1\n  |  |--db-2\n  |--@web:\n  |  |--web-1\n";

function inventory(args: string[], program: "ansible-inventory" | "ansible-playbook" = "ansible-inventory") {
  return runProcess(requireBinary(program), ["-i", join(work, "oslogin.yml"), ...args], {
    timeoutMs: 120_000,
    env: { ...process.env, ANSIBLE_COLLECTIONS_PATH: collections, ANSIBLE_NOCOLOR: "1", ANSIBLE_INVENTORY_UNPARSED_FAILED: "true", ANSIBLE_LOCAL_TEMP: join(work, "tmp") },
  });
}

beforeAll(async () => {
  const galaxy = requireBinary("ansible-galaxy", "ansible-core");
  requireBinary("ansible-inventory", "ansible-core");
  const build = await runProcess("npm", ["run", "--silent", "ansible:collection"], { timeoutMs: 120_000 });
  expect(build.stderr).toBe("");
  const install = await runProcess(galaxy, ["collection", "install", join(REPO_ROOT, "dist/ansible/oslogin-kit-0.1.0.tar.gz"), "-p", collections], { timeoutMs: 120_000 });
  expect(install.status).toBe(0);

  model = CloudModel.open({ dataDir });
  cloud = new InProcessCloudClient(model);
  seedQuickstart(model);
  await enableOsLogin(cloud, Q.organizationId, { certificates: true });
  for (const [name, role] of [["db-1", "db"], ["db-2", "db"], ["web-1", "web"]]) {
    const vm = await createInstance(cloud, Q.folderId, name);
    await cloud.updateInstance({ instanceId: vm.id, updateMask: ["labels"], labels: { role } });
    model.serialPorts.setHostKeys(ADMIN, { instanceId: vm.id, hostKeys: [generateEd25519KeyPair(`root@${name}`).publicKey] });
    if (name === "web-1") web1Id = vm.id;
  }
  const sa = await cloud.createServiceAccount({ folderId: Q.folderId, name: "ansible" });
  await cloud.createOsLoginProfile({ organizationId: Q.organizationId, subjectId: sa.id, login: "yc-sa-ansible" });
  writeAuthorizedKeyFile(join(work, "ansible-key.json"), authorizedKeyFileOf(await cloud.createKey({ serviceAccountId: sa.id })));
  await grant(cloud, { kind: "folder", id: Q.folderId }, "compute.osLogin", serviceAccount(sa.id));
  await grant(cloud, { kind: "folder", id: Q.folderId }, "viewer", serviceAccount(sa.id));
  writeFileSync(
    join(work, "oslogin-inventory.yml"),
    [`data_dir: ${dataDir}`, "service_account_key_file: ansible-key.json", `organization_id: ${Q.organizationId}`, `folders: [${Q.folderId}]`, "cache_dir: cache", ""].join("\n"),
  );
  writeFileSync(
    join(work, "oslogin.yml"),
    [
      "plugin: oslogin.kit.oslogin",
      "config: oslogin-inventory.yml",
      `command: [${process.execPath}, --import, ${join(REPO_ROOT, "node_modules/tsx/dist/loader.mjs")}, ${join(REPO_ROOT, "src/cli/inventory-script.ts")}]`,
      "plain_groups: false",
      "strict: true",
      "keyed_groups:",
      "  - key: oslogin_labels.role",
      "    prefix: ''",
      "leading_separator: false",
      "compose:",
      "  oslogin_role: oslogin_labels.role",
      "cache: true",
      "cache_plugin: jsonfile",
      `cache_connection: ${join(work, "inventory-cache")}`,
      "",
    ].join("\n"),
  );
}, 300_000);

afterAll(() => {
  model?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("GIVEN the oslogin.kit collection installed offline and VMs labelled role=db and role=web", () => {
  it("WHEN ansible-inventory --graph runs THEN keyed_groups gives plain db and web groups", async () => {
    const r = await inventory(["--graph"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(GRAPH);
  }, 180_000);

  it("WHEN --host runs THEN compose added oslogin_role, and ssh checks host keys strictly", async () => {
    const r = await inventory(["--host", "db-1"]);
    expect(r.status).toBe(0);
    const vars = JSON.parse(r.stdout);
    expect(vars.oslogin_role).toBe("db");
    expect(vars.ansible_ssh_common_args).toContain("-o StrictHostKeyChecking=yes -o HostKeyAlias=db-1");
  }, 180_000);

  it("WHEN a VM is deleted THEN the cached inventory still lists it until --flush-cache", async () => {
    await cloud.deleteInstance(web1Id);
    const cached = await inventory(["--graph"]);
    expect(cached.stdout).toBe(GRAPH);
    // ansible-inventory 2.14 has no --flush-cache; ansible-playbook's refreshes the inventory cache too.
    writeFileSync(join(work, "hosts.yml"), "- hosts: all\n  gather_facts: false\n  tasks: []\n");
    const fresh = await inventory(["--flush-cache", "--list-hosts", join(work, "hosts.yml")], "ansible-playbook");
    expect(fresh.stderr).toBe("");
    expect(fresh.stdout).toMatch(/hosts \(2\):\n {6}db-[12]\n {6}db-[12]\n/); // the playbook lists hosts in no fixed order
    expect((await inventory(["--graph"])).stdout).toBe("@all:\n  |--@ungrouped:\n  |--@db:\n  |  |--db-1\n  |  |--db-2\n");
  }, 180_000);
});
