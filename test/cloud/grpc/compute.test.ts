// InstanceService through the official SDK over TLS: a minimal VM as the real provider sends it,
// views BASIC/FULL, metadata updates, masks, access bindings, and the SSH authorization default.
import { waitForOperation, type Session } from "@yandex-cloud/nodejs-sdk";
import { instance as sdk, instanceService } from "@yandex-cloud/nodejs-sdk/compute-v1";
import { osLoginService } from "@yandex-cloud/nodejs-sdk/organizationmanager-v1";
import * as access from "@yandex-cloud/nodejs-sdk/proto/access/access";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateEd25519KeyPair } from "../../../src/ssh/keypair.js";
import { ADMIN } from "../../../src/cloud/model/types.js";
import { ALICE, FOLDER, ORG, startGrpcHarness, statusOf, type GrpcHarness } from "./harness.js";

const { CreateInstanceRequest, UpdateInstanceRequest } = instanceService;
// Named from the message type: Parameters<typeof fromPartial> resolves fromPartial's self-referential
// Exact<> constraint to a record of never, which accepts no field at all.
type CreateInstanceFields = instanceService.DeepPartial<instanceService.CreateInstanceRequest>;

let h: GrpcHarness;
let session: Session;
let vms: ReturnType<typeof client>;
const client = (s: Session) => s.client(instanceService.InstanceServiceClient, h.endpoint);
const done = (op: Parameters<typeof waitForOperation>[0]) => waitForOperation(op, session, 5000, h.endpoint);

beforeEach(async () => {
  h = await startGrpcHarness();
  session = h.session();
  vms = client(session);
});
afterEach(async () => {
  expect(h.logged).toEqual([]);
  await h.close();
});

const minimal = (fields: CreateInstanceFields = {}) =>
  CreateInstanceRequest.fromPartial({
    folderId: FOLDER,
    name: "web-1",
    zoneId: "ru-central1-a",
    platformId: "standard-v3",
    resourcesSpec: { memory: 2147483648, cores: 2, coreFraction: 20 },
    metadata: { "enable-oslogin": "true", "user-data": "#cloud-config" },
    bootDiskSpec: { autoDelete: true, diskSpec: { size: 10737418240, imageId: "fd8image0000000000000" } },
    networkInterfaceSpecs: [{ subnetId: "e9bsubnet00000000001", primaryV4AddressSpec: { oneToOneNatSpec: { ipVersion: sdk.IpVersion.IPV4 } } }],
    ...fields,
  });

async function create(fields?: CreateInstanceFields) {
  const op = await done(await vms.create(minimal(fields)));
  expect(op.response!.typeUrl).toBe("type.googleapis.com/yandex.cloud.compute.v1.Instance");
  return { op, vm: sdk.Instance.decode(op.response!.value) };
}

describe("GIVEN the compute InstanceService over gRPC", () => {
  it("WHEN a minimal VM is created with OS Login on THEN it is RUNNING with ssh_authorization OS_LOGIN and the provider's fields", async () => {
    await done(
      await session.client(osLoginService.OsLoginServiceClient, h.endpoint).updateSettings(
        osLoginService.UpdateOsLoginSettingsRequest.fromPartial({ organizationId: ORG, userSshKeySettings: { enabled: true }, updateMask: { paths: ["user_ssh_key_settings.enabled"] } }),
      ),
    );
    const { op, vm } = await create();
    expect(instanceService.CreateInstanceMetadata.decode(op.metadata!.value)).toEqual({ instanceId: vm.id });
    expect(vm.id).toMatch(/^fhm[a-v0-9]{17}$/);
    expect([vm.folderId, vm.name, vm.zoneId, vm.platformId, vm.status]).toEqual([FOLDER, "web-1", "ru-central1-a", "standard-v3", sdk.Instance_Status.RUNNING]);
    expect(vm.resources).toEqual({ memory: 2147483648, cores: 2, coreFraction: 20, gpus: 0 });
    expect(vm.serialPortSettings).toEqual({ sshAuthorization: sdk.SerialPortSettings_SSHAuthorization.OS_LOGIN });
    expect(vm.bootDisk).toMatchObject({ mode: sdk.AttachedDisk_Mode.READ_WRITE, autoDelete: true });
    expect(vm.networkInterfaces).toHaveLength(1);
    expect(vm.networkInterfaces[0].subnetId).toBe("e9bsubnet00000000001");
    expect(vm.networkInterfaces[0].primaryV4Address!.oneToOneNat!.ipVersion).toBe(sdk.IpVersion.IPV4);
    expect(vm.networkInterfaces[0].primaryV4Address!.oneToOneNat!.address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it("WHEN OS Login is off THEN ssh_authorization defaults to INSTANCE_METADATA", async () => {
    const { vm } = await create();
    expect(vm.serialPortSettings).toEqual({ sshAuthorization: sdk.SerialPortSettings_SSHAuthorization.INSTANCE_METADATA });
  });

  it("WHEN Get asks view BASIC or FULL THEN only FULL includes metadata; List omits it", async () => {
    const { vm } = await create();
    const full = await vms.get({ instanceId: vm.id, view: instanceService.InstanceView.FULL });
    expect(full.metadata).toEqual({ "enable-oslogin": "true", "user-data": "#cloud-config" });
    expect(full).toEqual(vm);
    expect((await vms.get({ instanceId: vm.id, view: instanceService.InstanceView.BASIC })).metadata).toEqual({});
    const listed = await vms.list({ folderId: FOLDER, pageSize: 0, pageToken: "", filter: 'name="web-1"', orderBy: "" });
    expect(listed.instances.map((i) => [i.id, i.metadata])).toEqual([[vm.id, {}]]);
  });

  it("WHEN UpdateMetadata upserts and deletes keys, and Update renames with a mask THEN the answers are exact", async () => {
    const { vm } = await create();
    const op = await done(await vms.updateMetadata({ instanceId: vm.id, upsert: { "enable-oslogin": "false" }, delete: ["user-data"] }));
    expect(instanceService.UpdateInstanceMetadataMetadata.decode(op.metadata!.value)).toEqual({ instanceId: vm.id });
    const afterMetadata = sdk.Instance.decode(op.response!.value);
    expect(afterMetadata).toEqual({ ...vm, metadata: { "enable-oslogin": "false" } });
    const renamed = await done(await vms.update(UpdateInstanceRequest.fromPartial({ instanceId: vm.id, name: "web-2", updateMask: { paths: ["name"] } })));
    expect(sdk.Instance.decode(renamed.response!.value)).toEqual({ ...afterMetadata, name: "web-2" });
    const deleted = await done(await vms.delete({ instanceId: vm.id }));
    expect(deleted.response!.typeUrl).toBe("type.googleapis.com/google.protobuf.Empty");
    expect(await statusOf(vms.get({ instanceId: vm.id, view: 0 }))).toEqual({ code: 5, details: `Instance "${vm.id}" not found` });
  });

  it("WHEN required fields are missing THEN INVALID_ARGUMENT names them", async () => {
    expect(await statusOf(vms.create(minimal({ zoneId: "" })))).toEqual({ code: 3, details: "Illegal argument zone_id: the field is required" });
  });

  it("WHEN compute.osLogin is granted on the instance THEN UpdateAccessBindings answers the effective delta", async () => {
    const { vm } = await create();
    const binding = { roleId: "compute.osLogin", subject: { type: "userAccount", id: ALICE } };
    const op = await done(
      await vms.updateAccessBindings({ resourceId: vm.id, accessBindingDeltas: [{ action: access.AccessBindingAction.ADD, accessBinding: binding }] }),
    );
    expect(access.AccessBindingsOperationResult.decode(op.response!.value)).toEqual({
      effectiveDeltas: [{ action: access.AccessBindingAction.ADD, accessBinding: binding }],
    });
    expect((await vms.listAccessBindings({ resourceId: vm.id, pageSize: 0, pageToken: "" })).accessBindings).toEqual([binding]);
  });

  it("WHEN GetSerialPortOutput THEN the console with the recorded host keys; an unknown port is INVALID_ARGUMENT", async () => {
    const { vm } = await create({ name: "web-console" });
    expect(await vms.getSerialPortOutput({ instanceId: vm.id, port: 0 })).toEqual({ contents: "" });
    const key = generateEd25519KeyPair("root@web-console").publicKey;
    h.model.serialPorts.setHostKeys(ADMIN, { instanceId: vm.id, hostKeys: [key] });
    const { contents } = await vms.getSerialPortOutput({ instanceId: vm.id, port: 1 });
    expect(contents.slice(contents.indexOf("-----BEGIN SSH HOST KEY KEYS-----"), contents.indexOf("-----END SSH HOST KEY KEYS-----"))).toBe(
      `-----BEGIN SSH HOST KEY KEYS-----\n${key}\n`,
    );
    expect(await statusOf(vms.getSerialPortOutput({ instanceId: vm.id, port: 9 }))).toEqual({ code: 3, details: "Illegal argument port: must be between 1 and 4" });
  });
});
