// The in-process client's IAM and compute methods over a real CloudModel seeded from the
// quickstart seed file: each resolves with what the API returns (the entity, the effective
// deltas, the CreateKeyResponse) and rejects with the model's CloudError.
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InProcessCloudClient } from "../../../src/cloud/client/inprocess.js";
import { CloudModel } from "../../../src/cloud/model/cloud-model.js";
import { signServiceAccountJwt } from "../../../src/cloud/model/iam-tokens.js";
import { authorizedKeyFileOf } from "../../../src/contract/key-file.js";

const FOLDER = "b1gquickstartfolder1";
const ALICE = "ajealice000000000001";
const BOB = "ajebob00000000000002";
const DEVS = "ajgdevs0000000000001";
const NOW = new Date("2026-11-23T12:00:00.000Z");

let model: CloudModel;
let admin: InProcessCloudClient;
beforeEach(() => {
  model = CloudModel.open({ now: () => NOW });
  model.directory.seedFromYaml(readFileSync("examples/quickstart/seed.yaml", "utf8"));
  admin = new InProcessCloudClient(model);
});
afterEach(() => model.close());

describe("InProcessCloudClient: IAM and compute", () => {
  it("GIVEN a service account and key WHEN exchanging a JWT THEN the IAM token's subject may act with the roles bound to it", async () => {
    const sa = await admin.createServiceAccount({ folderId: FOLDER, name: "ansible" });
    expect(await admin.getServiceAccount(sa.id)).toEqual(sa);
    expect((await admin.listServiceAccounts({ folderId: FOLDER, filter: 'name="ansible"' })).items).toEqual([sa]);
    const created = await admin.createKey({ serviceAccountId: sa.id });
    expect((await admin.listKeys({ serviceAccountId: sa.id })).items).toEqual([created.key]);
    const { iamToken } = model.iamTokens.create({ jwt: signServiceAccountJwt(authorizedKeyFileOf(created), NOW) });
    const subject = model.iamTokens.resolve(iamToken)!;
    expect(subject).toEqual({ type: "serviceAccount", id: sa.id });
    const asSa = admin.as({ kind: "subject", subject });
    await expect(asSa.listInstances({ folderId: FOLDER })).rejects.toMatchObject({ code: "PERMISSION_DENIED" });
    expect(await admin.updateAccessBindings({ kind: "folder", id: FOLDER }, [{ action: "ADD", accessBinding: { roleId: "compute.viewer", subject } }])).toEqual([
      { action: "ADD", accessBinding: { roleId: "compute.viewer", subject } },
    ]);
    expect(await asSa.listInstances({ folderId: FOLDER })).toEqual({ items: [], nextPageToken: "" });
  });

  it("GIVEN a VM WHEN getting through the client THEN view FULL by default (metadata included), BASIC on request", async () => {
    const vm = await admin.createInstance({
      folderId: FOLDER,
      name: "web",
      zoneId: "ru-central1-a",
      platformId: "standard-v3",
      resourcesSpec: { memory: 2147483648n, cores: 2n },
      bootDiskSpec: { diskSpec: { size: 10737418240n } },
      networkInterfaceSpecs: [{ subnetId: "e9bsubnet", primaryV4AddressSpec: { oneToOneNatSpec: {} } }],
      metadata: { "enable-oslogin": "true" },
    });
    expect((await admin.getInstance(vm.id)).metadata).toEqual({ "enable-oslogin": "true" });
    expect((await admin.getInstance(vm.id, "BASIC")).metadata).toEqual({});
    expect((await admin.updateInstanceMetadata({ instanceId: vm.id, upsert: { a: "b" } })).metadata).toEqual({ "enable-oslogin": "true", a: "b" });
    expect((await admin.updateInstance({ instanceId: vm.id, updateMask: ["description"], description: "d" })).description).toBe("d");
    await admin.deleteInstance(vm.id);
    await expect(admin.getInstance(vm.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("GIVEN compute.osLogin bound to the seeded group on the folder WHEN asking the access service THEN its member holds osLogin on a VM, the other member does not", async () => {
    const vm = await admin.createInstance({
      folderId: FOLDER,
      zoneId: "ru-central1-b",
      platformId: "standard-v3",
      resourcesSpec: { memory: 1073741824n, cores: 2n, coreFraction: 20n },
      bootDiskSpec: { diskId: "fhdexisting" },
      networkInterfaceSpecs: [{ subnetId: "e9bsubnet" }],
    });
    await admin.updateAccessBindings({ kind: "folder", id: FOLDER }, [{ action: "ADD", accessBinding: { roleId: "compute.osLogin", subject: { type: "group", id: DEVS } } }]);
    const resource = { kind: "instance" as const, id: vm.id };
    expect(model.access.holdsPermission({ type: "userAccount", id: ALICE }, "compute.instances.osLogin", resource)).toBe(true);
    expect(model.access.holdsPermission({ type: "userAccount", id: BOB }, "compute.instances.osLogin", resource)).toBe(false);
  });

  it("GIVEN a group binding WHEN the directory is re-seeded with another member list THEN access follows the new membership", async () => {
    await admin.updateAccessBindings({ kind: "folder", id: FOLDER }, [{ action: "ADD", accessBinding: { roleId: "compute.viewer", subject: { type: "group", id: DEVS } } }]);
    const folder = { kind: "folder" as const, id: FOLDER };
    expect(model.access.holdsPermission({ type: "userAccount", id: ALICE }, "compute.instances.get", folder)).toBe(true);
    const seed = readFileSync("examples/quickstart/seed.yaml", "utf8").replace("members: [ajealice000000000001]", "members: [ajebob00000000000002]");
    model.directory.seedFromYaml(seed);
    expect(model.access.holdsPermission({ type: "userAccount", id: ALICE }, "compute.instances.get", folder)).toBe(false);
    expect(model.access.holdsPermission({ type: "userAccount", id: BOB }, "compute.instances.get", folder)).toBe(true);
  });

  it("GIVEN a key and a service account WHEN updating and deleting through the client THEN the changes are visible and deletes cascade", async () => {
    const sa = await admin.createServiceAccount({ folderId: FOLDER, name: "ci" });
    const { key } = await admin.createKey({ serviceAccountId: sa.id, keyAlgorithm: "RSA_2048" });
    expect(await admin.updateKey({ keyId: key.id, description: "rotated" })).toEqual({ ...key, description: "rotated" });
    expect(await admin.updateServiceAccount({ serviceAccountId: sa.id, updateMask: ["labels"], labels: { team: "ops" } })).toEqual({ ...sa, labels: { team: "ops" } });
    await admin.deleteKey(key.id);
    await expect(admin.getKey(key.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await admin.deleteServiceAccount(sa.id);
    await expect(admin.getServiceAccount(sa.id)).rejects.toMatchObject({ code: "NOT_FOUND", message: `Service account "${sa.id}" not found` });
  });
});
