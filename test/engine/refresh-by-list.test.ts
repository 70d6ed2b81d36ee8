// Refresh by List, counted through the client: a no-op plan reads each type with one List per
// parent (folder, organization, service account, VM), never one Get per object, except the one Get
// per VM the real API makes necessary (its List has no metadata, so over gRPC each VM of ours is
// read with view FULL). Drift (a VM's metadata changed, a binding removed, a key deleted, a VM
// deleted with its bindings) is still seen exactly, and a key's private key (sensitive, returned
// only at create) survives the refresh. The same stack runs against the embedded cloud and through
// the official SDK over gRPC, on one server.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { GrpcCloudClient } from "../../src/cloud/client/grpc.js";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { startCloudServer, type CloudServer } from "../../src/cloud/server.js";
import type { CloudClient } from "../../src/contract/cloud-client.js";
import { Engine } from "../../src/engine/engine.js";
import { findDefinition } from "../../src/resources/registry.js";
import { osLoginVm } from "../cli/run-cli.js";
import { ed25519Public } from "../resources/support/keys.js";
import { ALICE, ORG, tempDir, writeStack } from "./fixtures.js";

const FOLDER = "b1gquickstartfolder1";
let server: CloudServer;
let grpc: GrpcCloudClient;

beforeAll(async () => {
  server = await startCloudServer({});
  server.model.directory.seed(parseYaml(readFileSync(new URL("../../examples/quickstart/seed.yaml", import.meta.url), "utf8")));
  grpc = new GrpcCloudClient({ endpoint: server.grpcEndpoint, rootCertPem: server.caCertPem, iamToken: server.adminToken });
});

afterAll(async () => {
  await grpc?.close();
  await server?.close();
});

/** The client with every call counted by method name. */
function counted(inner: CloudClient): { client: CloudClient; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const client = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof prop !== "string" || typeof value !== "function" || prop === "close") return value;
      return (...args: unknown[]) => {
        calls[prop] = (calls[prop] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { client, calls };
}

/** 3 VMs with 2 bindings each, 2 service accounts with 2 keys each, 4 SSH keys of one member: 19 objects. */
const stack = (prefix: string) => ({
  provider: { yandex: [{ organization_id: ORG, folder_id: FOLDER, zone: "ru-central1-a" }] },
  terraform: { required_providers: { yandex: { source: "yandex-cloud/yandex" } } },
  resource: {
    yandex_compute_instance: { vm: { count: 3, ...osLoginVm(`${prefix}-vm-\${count.index}`) } },
    yandex_compute_instance_iam_member: {
      login: { count: 3, instance_id: "${yandex_compute_instance.vm[count.index].id}", role: "compute.osLogin", member: `userAccount:${ALICE}` },
      admin: { count: 3, instance_id: "${yandex_compute_instance.vm[count.index].id}", role: "compute.osAdminLogin", member: `userAccount:${ALICE}` },
    },
    yandex_iam_service_account: { sa: { count: 2, name: `${prefix}-sa-\${count.index}` } },
    yandex_iam_service_account_key: { key: { count: 4, service_account_id: "${yandex_iam_service_account.sa[count.index % 2].id}" } },
    yandex_organizationmanager_user_ssh_key: {
      ssh: Object.fromEntries([0, 1, 2, 3].map((i) => [`k${i}`, { organization_id: ORG, subject_id: ALICE, name: `${prefix}-ssh-${i}`, data: ed25519Public(`${prefix}-${i}`) }])),
    },
  },
});

// The ssh keys are four named resources (not count) so their public keys stay fixed across plans.
const flatten = (s: ReturnType<typeof stack>) => ({
  ...s,
  resource: { ...s.resource, yandex_organizationmanager_user_ssh_key: s.resource.yandex_organizationmanager_user_ssh_key.ssh },
});

/** One List per folder (instances, accounts), per VM (bindings), per account (keys), per organization (SSH keys). */
const LISTS = { listInstances: 1, listAccessBindings: 3, listServiceAccounts: 1, listKeys: 2, listUserSshKeys: 1 };

describe.each([
  ["the embedded cloud", "emb", () => new InProcessCloudClient(server.model) as CloudClient, LISTS],
  // Over gRPC the List has no metadata: one Get (view FULL) per VM in state instead of the folder's
  // List, none per other object.
  ["the official SDK over gRPC", "rpc", () => grpc as CloudClient, { ...LISTS, listInstances: undefined, getInstance: 3 }],
])("GIVEN 19 objects applied through %s", (_name, prefix, client, expected) => {
  const dir = tempDir();
  const outDir = writeStack(dir, flatten(stack(prefix)));
  const engineWith = (cloud: CloudClient) => new Engine({ cloud, definitions: (t, k) => findDefinition(t, k), dataDir: dir, parallelism: 4 });

  it("WHEN planned with nothing changed THEN refresh makes one List per parent and no Get per object, and nothing drifted", async () => {
    const applied = await engineWith(client()).run({ outDir, mode: "normal" });
    expect(applied.diagnostics).toEqual([]);
    expect(applied.applied?.added).toBe(19);

    const { client: c, calls } = counted(client());
    const r = await engineWith(c).plan({ outDir });
    expect(r.diagnostics).toEqual([]);
    expect(r.plan!.drift).toEqual([]);
    expect(r.plan!.changes.filter((ch) => ch.action !== "noop")).toEqual([]);
    expect(r.plan!.changes).toHaveLength(19);
    expect(calls).toEqual(expected);
    // The private key (sensitive, only in the create's answer) is kept through the refresh.
    expect(r.plan!.changes.find((ch) => ch.address === "yandex_iam_service_account_key.key[0]")!.after!.private_key).toMatch(/BEGIN PRIVATE KEY/);
  }, 60_000);

  it("WHEN a VM's metadata changes, a binding is removed, a key is deleted and a VM is deleted out of band THEN each is seen as drift, with the same refresh calls", async () => {
    const admin = new InProcessCloudClient(server.model);
    const vms = (await admin.listInstances({ folderId: FOLDER, pageSize: 1000 })).items.filter((i) => i.name.startsWith(`${prefix}-vm-`));
    const vm = (i: number) => vms.find((v) => v.name === `${prefix}-vm-${i}`)!.id;
    await admin.updateInstanceMetadata({ instanceId: vm(0), upsert: { "enable-oslogin": "false" } });
    await admin.updateAccessBindings({ kind: "instance", id: vm(1) }, [{ action: "REMOVE", accessBinding: { roleId: "compute.osAdminLogin", subject: { type: "userAccount", id: ALICE } } }]);
    await admin.deleteInstance(vm(2));
    const sa0 = (await admin.listServiceAccounts({ folderId: FOLDER, pageSize: 1000 })).items.find((s) => s.name === `${prefix}-sa-0`)!.id;
    await admin.deleteKey((await admin.listKeys({ serviceAccountId: sa0 })).items[0].id);

    const { client: c, calls } = counted(client());
    const r = await engineWith(c).plan({ outDir });
    expect(r.diagnostics).toEqual([]);
    const deletedKey = r.plan!.drift.find((d) => d.type === "yandex_iam_service_account_key")!.address;
    expect(r.plan!.drift.map((d) => [d.address, d.kind, d.paths])).toEqual(
      [
        ["yandex_compute_instance.vm[0]", "changed", [["metadata"]]],
        ["yandex_compute_instance.vm[2]", "deleted", []],
        ["yandex_compute_instance_iam_member.admin[1]", "deleted", []],
        ["yandex_compute_instance_iam_member.admin[2]", "deleted", []],
        ["yandex_compute_instance_iam_member.login[2]", "deleted", []],
        [deletedKey, "deleted", []],
      ].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    );
    expect(["yandex_iam_service_account_key.key[0]", "yandex_iam_service_account_key.key[2]"]).toContain(deletedKey);
    // Over gRPC the deleted VM's Get answers NOT_FOUND: the same 3 Gets. One ListAccessBindings more:
    // the plan now creates admin[1] again, and plan-time checks look that its VM exists.
    expect(calls).toEqual({ ...expected, listAccessBindings: 4 });
  }, 60_000);
});
