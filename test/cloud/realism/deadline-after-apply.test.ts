// DEADLINE_EXCEEDED after the change was made, for every resource type that creates something: the
// emulator (realistic mode, over gRPC) makes the object, then answers the first call of each mutating
// method with DEADLINE_EXCEEDED, and its operations stay unfinished for a while. The resource's
// create, through the same client stack the CLI, the provider and the inventory use (GrpcCloudClient
// + retrying), must succeed and leave exactly one object: the retry carries the first call's
// idempotency key and is answered with the first call's operation.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { CloudClient } from "../../../src/contract/cloud-client.js";
import { listAll } from "../../../src/contract/cloud-client.js";
import { GrpcCloudClient } from "../../../src/cloud/client/grpc.js";
import { InProcessCloudClient } from "../../../src/cloud/client/inprocess.js";
import { retrying } from "../../../src/cloud/client/retrying.js";
import { parseRealism } from "../../../src/cloud/realism/options.js";
import { startCloudServer, type CloudServer } from "../../../src/cloud/server.js";
import type { ObjectValue } from "../../../src/resources/define.js";
import { completeState, validateConfig } from "../../../src/resources/plan.js";
import { getDefinition } from "../../../src/resources/registry.js";
import { ed25519Public } from "../../resources/support/keys.js";

const ORG = "bpfquickstartorg0001";
const ALICE = "ajealice000000000001";
const FOLDER = "b1gquickstartfolder1";

let server: CloudServer;
let admin: InProcessCloudClient; // out of band: setup and counting, not faulted
let cloud: CloudClient;
let grpc: GrpcCloudClient;
const retries: string[] = [];

beforeAll(async () => {
  server = await startCloudServer({
    // Every mutating method's first call: made, then DEADLINE_EXCEEDED; operations unfinished for 30 ms.
    realism: parseRealism("fault-first=1,fault-kinds=deadline,fault-methods=/(Create|CreateProfile|UpdateAccessBindings)$,operations=30ms,seed=3"),
  });
  server.model.directory.seed(parseYaml(readFileSync(new URL("../../../examples/quickstart/seed.yaml", import.meta.url), "utf8")));
  admin = new InProcessCloudClient(server.model);
  grpc = new GrpcCloudClient({ endpoint: server.grpcEndpoint, rootCertPem: server.caCertPem, iamToken: server.adminToken });
  cloud = retrying(grpc, { baseDelayMs: 5, onRetry: (r) => retries.push(`${r.method} ${r.code}`) });
});

afterAll(async () => {
  await grpc?.close();
  await server?.close();
});

interface Case {
  type: string;
  setup?(): Promise<Record<string, string>>;
  config(ids: Record<string, string>): ObjectValue;
  /** The objects of this kind that exist now (read out of band). */
  count(state: ObjectValue): Promise<number>;
  method: string;
}

const bindingsOf = async (kind: "organization" | "folder" | "instance", id: string, role: string) =>
  (await listAll((pageToken) => admin.listAccessBindings({ kind, id }, { pageToken }))).filter(
    (b) => b.roleId === role && b.subject.id === ALICE,
  ).length;

const CASES: Case[] = [
  {
    type: "yandex_organizationmanager_os_login_profile",
    config: () => ({ organization_id: ORG, subject_id: ALICE, login: "alice-deadline", uid: "20101" }),
    count: async () => (await admin.listOsLoginProfiles({ organizationId: ORG, filter: 'login="alice-deadline"' })).items.length,
    method: "createOsLoginProfile",
  },
  {
    type: "yandex_organizationmanager_user_ssh_key",
    config: () => ({ organization_id: ORG, subject_id: ALICE, data: ed25519Public("deadline-1"), name: "deadline-key" }),
    count: async () => (await listAll((pageToken) => admin.listUserSshKeys({ organizationId: ORG, subjectId: ALICE, pageToken }))).filter((k) => k.name === "deadline-key").length,
    method: "createUserSshKey",
  },
  {
    type: "yandex_iam_service_account",
    config: () => ({ name: "deadline-sa", folder_id: FOLDER }),
    count: async () => (await listAll((pageToken) => admin.listServiceAccounts({ folderId: FOLDER, pageToken }))).filter((s) => s.name === "deadline-sa").length,
    method: "createServiceAccount",
  },
  {
    type: "yandex_iam_service_account_key",
    setup: async () => ({ sa: (await admin.createServiceAccount({ folderId: FOLDER, name: "deadline-key-owner" })).id }),
    config: (ids) => ({ service_account_id: ids.sa }),
    count: async (s) => (await admin.listKeys({ serviceAccountId: String(s.service_account_id) })).items.length,
    method: "createKey",
  },
  {
    type: "yandex_compute_instance",
    config: () => ({
      name: "deadline-vm",
      folder_id: FOLDER,
      zone: "ru-central1-a",
      resources: { cores: 2, memory: 2 },
      boot_disk: { initialize_params: { image_id: "fd8conformanceimage1", size: 10 } },
      network_interface: [{ subnet_id: "e9bconformancesubn01" }],
    }),
    count: async () => (await listAll((pageToken) => admin.listInstances({ folderId: FOLDER, pageToken }))).filter((i) => i.name === "deadline-vm").length,
    method: "createInstance",
  },
  {
    type: "yandex_organizationmanager_organization_iam_member",
    config: () => ({ organization_id: ORG, role: "organization-manager.osLogins.viewer", member: `userAccount:${ALICE}` }),
    count: () => bindingsOf("organization", ORG, "organization-manager.osLogins.viewer"),
    method: "updateAccessBindings",
  },
  {
    type: "yandex_resourcemanager_folder_iam_member",
    config: () => ({ folder_id: FOLDER, role: "compute.osAdminLogin", member: `userAccount:${ALICE}` }),
    count: () => bindingsOf("folder", FOLDER, "compute.osAdminLogin"),
    method: "updateAccessBindings",
  },
  {
    type: "yandex_compute_instance_iam_member",
    setup: async () => ({
      vm: (
        await admin.createInstance({
          folderId: FOLDER,
          name: "deadline-granted-vm",
          zoneId: "ru-central1-a",
          platformId: "standard-v3",
          resourcesSpec: { memory: 2n * 1024n ** 3n, cores: 2n },
          bootDiskSpec: { diskSpec: { size: 10n * 1024n ** 3n, imageId: "fd8conformanceimage1" } },
          networkInterfaceSpecs: [{ subnetId: "e9bconformancesubn01" }],
        })
      ).id,
    }),
    config: (ids) => ({ instance_id: ids.vm, role: "compute.osLogin", member: `userAccount:${ALICE}` }),
    count: (s) => bindingsOf("instance", String(s.instance_id), "compute.osLogin"),
    method: "updateAccessBindings",
  },
];

describe("DEADLINE_EXCEEDED after the create happened", () => {
  for (const c of CASES) {
    it(`GIVEN ${c.type} WHEN its create times out after being made THEN the retry converges on exactly one object`, async () => {
      const def = getDefinition(c.type, "resource");
      const ids = (await c.setup?.()) ?? {};
      const { config: value, diagnostics } = validateConfig(def, c.config(ids));
      expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      retries.length = 0;
      const state = completeState(def.schema, await def.create({ cloud, provider: { organization_id: ORG, folder_id: FOLDER } }, value));
      expect(retries).toContain(`${c.method} DEADLINE_EXCEEDED`);
      expect(await c.count(state)).toBe(1);
      expect(state.id).toBeTruthy();
    });
  }
});
