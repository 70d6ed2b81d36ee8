import { beforeEach, describe, expect, it } from "vitest";
import { intToIp, ipToInt } from "../../../src/cloud/model/addresses.js";
import { ADMIN, type CreateInstanceRequest, type Instance, type ServiceAccount } from "../../../src/cloud/model/types.js";
import { ALICE, asUser, BOB, FIXED_NOW, FOLDER, type Fixture, OPS_GROUP, openFixture, ORG, OTHER_FOLDER } from "./iam-fixtures.js";

let f: Fixture;
beforeEach(() => {
  f = openFixture();
});

const SUBNET = "e9bsubnet00000000001";
const minimal = (over: Partial<CreateInstanceRequest> = {}): CreateInstanceRequest => ({
  folderId: FOLDER,
  name: "web-1",
  zoneId: "ru-central1-a",
  platformId: "standard-v3",
  resourcesSpec: { memory: 2147483648n, cores: 2n },
  bootDiskSpec: { diskSpec: { size: 10737418240n, imageId: "fd8image" } },
  networkInterfaceSpecs: [{ subnetId: SUBNET, primaryV4AddressSpec: { oneToOneNatSpec: { ipVersion: "IPV4" } } }],
  metadata: { "enable-oslogin": "true" },
  ...over,
});
const create = (over: Partial<CreateInstanceRequest> = {}) => f.instances.create(ADMIN, minimal(over)).response!.value as Instance;
const grant = (roleId: string, kind: "folder" | "instance" | "serviceAccount", id: string, subject = { type: "userAccount", id: ALICE }) =>
  f.access.updateAccessBindings(ADMIN, { resource: { kind, id }, accessBindingDeltas: [{ action: "ADD", accessBinding: { roleId, subject } }] });

describe("InstanceService.Create", () => {
  it("GIVEN a minimal VM with NAT WHEN creating THEN RUNNING, allocated addresses, derived fqdn, defaults and the Operation shape", () => {
    const op = f.instances.create(ADMIN, minimal({ hostname: "web-1" }));
    const vm = op.response!.value as Instance;
    expect(op.response!.typeName).toBe("yandex.cloud.compute.v1.Instance");
    expect(op.metadata).toEqual({ typeName: "yandex.cloud.compute.v1.CreateInstanceMetadata", value: { instanceId: vm.id } });
    expect(vm).toEqual({
      id: vm.id,
      folderId: FOLDER,
      createdAt: FIXED_NOW.toISOString(),
      name: "web-1",
      description: "",
      labels: {},
      zoneId: "ru-central1-a",
      platformId: "standard-v3",
      resources: { memory: 2147483648n, cores: 2n, coreFraction: 100n, gpus: 0n },
      status: "RUNNING",
      metadata: { "enable-oslogin": "true" },
      bootDisk: { mode: "READ_WRITE", deviceName: vm.bootDisk.diskId, autoDelete: false, diskId: vm.bootDisk.diskId },
      networkInterfaces: [
        {
          index: "0",
          macAddress: vm.networkInterfaces[0]!.macAddress,
          subnetId: SUBNET,
          primaryV4Address: { address: "10.128.0.3", oneToOneNat: { address: "198.51.100.1", ipVersion: "IPV4" } },
          securityGroupIds: [],
        },
      ],
      fqdn: "web-1.ru-central1.internal",
      serviceAccountId: "",
      serialPortSettings: { sshAuthorization: "INSTANCE_METADATA" },
    });
    expect(vm.id).toMatch(/^fhm[a-v0-9]{17}$/);
    expect(vm.bootDisk.diskId).toMatch(/^fhd[a-v0-9]{17}$/);
    expect(vm.networkInterfaces[0]!.macAddress).toMatch(/^d0:0d(:[0-9a-f]{2}){4}$/);
  });

  it("GIVEN no hostname WHEN creating THEN fqdn is <id>.auto.internal", () => {
    const vm = create();
    expect(vm.fqdn).toBe(`${vm.id}.auto.internal`);
  });

  it.each([
    [true, false],
    [false, true],
  ])("GIVEN OS Login on in the organization (certificates %s, keys %s) WHEN creating without serial_port_settings THEN OS_LOGIN", (certs, keys) => {
    f.setOsLogin(ORG, certs, keys);
    expect(create().serialPortSettings).toEqual({ sshAuthorization: "OS_LOGIN" });
  });

  it("GIVEN OS Login on WHEN creating with INSTANCE_METADATA explicitly THEN the explicit value wins", () => {
    f.setOsLogin(ORG, true, true);
    expect(create({ serialPortSettings: { sshAuthorization: "INSTANCE_METADATA" } }).serialPortSettings).toEqual({ sshAuthorization: "INSTANCE_METADATA" });
  });

  it("GIVEN OS Login off in the organization WHEN creating THEN INSTANCE_METADATA", () => {
    f.setOsLogin(ORG, false, false);
    expect(create().serialPortSettings).toEqual({ sshAuthorization: "INSTANCE_METADATA" });
  });

  it("GIVEN three VMs WHEN allocating THEN internal addresses count up per subnet and NAT addresses are unique", () => {
    const a = create({ name: "a" });
    const b = create({ name: "b" });
    const c = create({ name: "c", networkInterfaceSpecs: [{ subnetId: "e9bother", primaryV4AddressSpec: { oneToOneNatSpec: {} } }] });
    const addr = (vm: Instance) => vm.networkInterfaces[0]!.primaryV4Address;
    expect([addr(a).address, addr(b).address, addr(c).address]).toEqual(["10.128.0.3", "10.128.0.4", "10.128.0.3"]);
    expect([addr(a).oneToOneNat!.address, addr(b).oneToOneNat!.address, addr(c).oneToOneNat!.address]).toEqual(["198.51.100.1", "198.51.100.2", "198.51.100.3"]);
  });

  it("GIVEN a fixed NAT address in use WHEN another VM asks for it THEN ALREADY_EXISTS naming the field, and nothing is written", () => {
    create({ name: "a", networkInterfaceSpecs: [{ subnetId: SUBNET, primaryV4AddressSpec: { oneToOneNatSpec: { address: "203.0.113.7" } } }] });
    expect(() => create({ name: "b", networkInterfaceSpecs: [{ subnetId: SUBNET, primaryV4AddressSpec: { oneToOneNatSpec: { address: "203.0.113.7" } } }] })).toThrowError(
      expect.objectContaining({
        code: "ALREADY_EXISTS",
        field: "network_interface_specs[0].primary_v4_address_spec.one_to_one_nat_spec.address",
        message: "Address 203.0.113.7 is already used in the emulator (field network_interface_specs[0].primary_v4_address_spec.one_to_one_nat_spec.address)",
      }),
    );
    expect(f.instances.list(ADMIN, { folderId: FOLDER }).items.map((i) => i.name)).toEqual(["a"]);
    expect(f.store.db.prepare("SELECT COUNT(*) FROM instance_addresses").pluck().get()).toBe(2);
  });

  it("GIVEN a fixed internal address in use in the subnet WHEN reused THEN ALREADY_EXISTS; in another subnet THEN allowed", () => {
    const spec = (subnetId: string) => [{ subnetId, primaryV4AddressSpec: { address: "10.128.0.50" } }];
    create({ name: "a", networkInterfaceSpecs: spec(SUBNET) });
    expect(() => create({ name: "b", networkInterfaceSpecs: spec(SUBNET) })).toThrowError(`Address 10.128.0.50 is already used in subnet ${SUBNET}`);
    expect(create({ name: "c", networkInterfaceSpecs: spec("e9bother") }).networkInterfaces[0]!.primaryV4Address).toEqual({ address: "10.128.0.50" });
  });

  it("GIVEN the first NAT range full WHEN allocating THEN the next range is used; a freed address is reused once the top is taken", () => {
    const db = f.store.db;
    const vm = create({ name: "holder" });
    const ins = db.prepare("INSERT INTO instance_addresses (pool, scope, ip, instance_id) VALUES ('nat', '', ?, ?)");
    for (let ip = ipToInt("198.51.100.2"); ip <= ipToInt("198.51.100.254"); ip++) ins.run(ip, vm.id);
    expect(create({ name: "n1" }).networkInterfaces[0]!.primaryV4Address.oneToOneNat!.address).toBe("203.0.113.1");
    db.prepare("DELETE FROM instance_addresses WHERE pool = 'nat' AND ip = ?").run(ipToInt("198.51.100.77"));
    expect(create({ name: "n2" }).networkInterfaces[0]!.primaryV4Address.oneToOneNat!.address).toBe("198.51.100.77");
    expect(intToIp(ipToInt("198.18.0.1"))).toBe("198.18.0.1");
  });

  it("GIVEN a deleted VM WHEN a new one is created THEN its addresses can be reused", () => {
    const a = create({ name: "a", networkInterfaceSpecs: [{ subnetId: SUBNET, primaryV4AddressSpec: { address: "10.128.0.9", oneToOneNatSpec: { address: "198.51.100.9" } } }] });
    f.instances.delete(ADMIN, { instanceId: a.id });
    const b = create({ name: "a", networkInterfaceSpecs: [{ subnetId: SUBNET, primaryV4AddressSpec: { address: "10.128.0.9", oneToOneNatSpec: { address: "198.51.100.9" } } }] });
    expect(b.networkInterfaces[0]!.primaryV4Address).toEqual({ address: "10.128.0.9", oneToOneNat: { address: "198.51.100.9", ipVersion: "IPV4" } });
  });

  it("GIVEN a name used in the folder WHEN creating THEN ALREADY_EXISTS; in another folder or with empty names THEN allowed", () => {
    create({ name: "web" });
    expect(() => create({ name: "web" })).toThrowError(
      expect.objectContaining({ code: "ALREADY_EXISTS", message: `Instance already exists: the name "web" is taken in folder ${FOLDER} (instance names are unique per folder)` }),
    );
    expect(create({ name: "web", folderId: OTHER_FOLDER }).name).toBe("web");
    expect(create({ name: "" }).name).toBe("");
    expect(create({ name: undefined }).name).toBe("");
  });

  it.each<[string, Partial<CreateInstanceRequest>, string, string]>([
    ["a bad name", { name: "Web" }, "name", `Illegal argument name: "Web" must match |[a-z]([-_a-z0-9]{0,61}[a-z0-9])? (empty, or lower-case letters, digits, '-' and '_', up to 63 characters)`],
    ["no zone", { zoneId: "" }, "zone_id", "Illegal argument zone_id: the field is required"],
    ["no platform", { platformId: "" }, "platform_id", "Illegal argument platform_id: the field is required"],
    ["no resources", { resourcesSpec: undefined }, "resources_spec", "Illegal argument resources_spec: the field is required"],
    ["too much memory", { resourcesSpec: { memory: 274877906945n, cores: 2n } }, "resources_spec.memory", "Illegal argument resources_spec.memory: must be between 1 and 274877906944 bytes (got 274877906945)"],
    ["3 cores", { resourcesSpec: { memory: 1n, cores: 3n } }, "resources_spec.cores", "Illegal argument resources_spec.cores: must be one of 2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64, 68, 72, 76, 80 (got 3)"],
    ["core_fraction 30", { resourcesSpec: { memory: 1n, cores: 2n, coreFraction: 30n } }, "resources_spec.core_fraction", "Illegal argument resources_spec.core_fraction: must be one of 0, 5, 20, 50, 100 (got 30)"],
    ["3 gpus", { resourcesSpec: { memory: 1n, cores: 2n, gpus: 3n } }, "resources_spec.gpus", "Illegal argument resources_spec.gpus: must be one of 0, 1, 2, 4 (got 3)"],
    ["no boot disk", { bootDiskSpec: undefined }, "boot_disk_spec", "Illegal argument boot_disk_spec: the field is required"],
    ["both disk_id and disk_spec", { bootDiskSpec: { diskId: "fhd1", diskSpec: { size: 1n } } }, "boot_disk_spec", "Illegal argument boot_disk_spec: exactly one of disk_id and disk_spec must be set"],
    ["no interfaces", { networkInterfaceSpecs: [] }, "network_interface_specs", "Illegal argument network_interface_specs: the field is required"],
    ["no subnet", { networkInterfaceSpecs: [{ subnetId: "" }] }, "network_interface_specs[0].subnet_id", "Illegal argument network_interface_specs[0].subnet_id: the field is required"],
    ["a bad NAT address", { networkInterfaceSpecs: [{ subnetId: SUBNET, primaryV4AddressSpec: { oneToOneNatSpec: { address: "300.1.1.1" } } }] }, "network_interface_specs[0].primary_v4_address_spec.one_to_one_nat_spec.address", 'Illegal argument network_interface_specs[0].primary_v4_address_spec.one_to_one_nat_spec.address: "300.1.1.1" is not an IPv4 address'],
    ["a bad hostname", { hostname: "Web_1" }, "hostname", `Illegal argument hostname: "Web_1" must match [a-z]([-a-z0-9]{0,61}[a-z0-9])? (a DNS label: lower-case letters, digits and '-', up to 63 characters)`],
    ["a bad ssh_authorization", { serialPortSettings: { sshAuthorization: "PASSWORD" as "OS_LOGIN" } }, "serial_port_settings.ssh_authorization", 'Illegal argument serial_port_settings.ssh_authorization: "PASSWORD" must be INSTANCE_METADATA or OS_LOGIN'],
    ["a bad label", { labels: { "a b": "x" } }, "labels", 'Illegal argument labels: key "a b" must match ^[a-z][-_./\\\\@0-9a-z]{0,62}$'],
  ])("GIVEN %s WHEN creating THEN INVALID_ARGUMENT on the field", (_what, over, field, message) => {
    expect(() => create(over)).toThrowError(expect.objectContaining({ code: "INVALID_ARGUMENT", field, message }));
  });

  it("GIVEN memory 274877906944, 80 cores, core_fraction 5 WHEN creating THEN accepted at the limits", () => {
    expect(create({ resourcesSpec: { memory: 274877906944n, cores: 80n, coreFraction: 5n, gpus: 4n } }).resources).toEqual({
      memory: 274877906944n,
      cores: 80n,
      coreFraction: 5n,
      gpus: 4n,
    });
  });

  it("GIVEN a metadata value of 256 KB + 1 byte or a total of 512 KB WHEN creating THEN INVALID_ARGUMENT; 256 KB exactly THEN accepted", () => {
    const kb = 1024;
    expect(() => create({ metadata: { "user-data": "x".repeat(256 * kb + 1) } })).toThrowError(
      "Illegal argument metadata[user-data]: the value is 262145 bytes; a metadata value may be at most 262144 bytes (256 KB)",
    );
    expect(() => create({ metadata: { a: "x".repeat(256 * kb), b: "x".repeat(256 * kb - 2) } })).toThrowError(
      "Illegal argument metadata: keys and values total 524288 bytes; metadata must be less than 524288 bytes (512 KB) in total",
    );
    expect(create({ metadata: { a: "x".repeat(256 * kb) } }).metadata.a).toHaveLength(256 * kb);
  });

  it("GIVEN a service account WHEN attaching it THEN it must exist, and a member needs iam.serviceAccounts.use on it", () => {
    expect(() => create({ serviceAccountId: "ajsnope" })).toThrowError(expect.objectContaining({ code: "NOT_FOUND", field: "service_account_id" }));
    const sa = f.serviceAccounts.create(ADMIN, { folderId: FOLDER, name: "vm-sa" }).response!.value as ServiceAccount;
    expect(create({ serviceAccountId: sa.id }).serviceAccountId).toBe(sa.id);
    grant("compute.editor", "folder", FOLDER);
    expect(() => f.instances.create(asUser(ALICE), minimal({ name: "x", serviceAccountId: sa.id }))).toThrowError(
      `Permission denied: userAccount:${ALICE} does not have iam.serviceAccounts.use on serviceAccount "${sa.id}"`,
    );
    grant("iam.serviceAccounts.user", "serviceAccount", sa.id);
    expect((f.instances.create(asUser(ALICE), minimal({ name: "x", serviceAccountId: sa.id })).response!.value as Instance).serviceAccountId).toBe(sa.id);
  });

  it("GIVEN a member without a role WHEN creating THEN PERMISSION_DENIED; with compute.editor on the folder THEN allowed", () => {
    expect(() => f.instances.create(asUser(ALICE), minimal())).toThrowError(
      `Permission denied: userAccount:${ALICE} does not have compute.instances.manage on folder "${FOLDER}"`,
    );
    grant("compute.editor", "folder", FOLDER);
    expect(f.instances.create(asUser(ALICE), minimal()).createdBy).toBe(`userAccount:${ALICE}`);
  });

  it("GIVEN a folder that does not exist WHEN the admin creates THEN NOT_FOUND", () => {
    expect(() => create({ folderId: "b1fnope" })).toThrowError('Folder "b1fnope" not found');
  });
});

describe("InstanceService.Get/List", () => {
  it("GIVEN a VM with metadata WHEN getting with BASIC (default) THEN no metadata; with FULL THEN metadata", () => {
    const vm = create();
    expect(f.instances.get(ADMIN, { instanceId: vm.id })).toEqual({ ...vm, metadata: {} });
    expect(f.instances.get(ADMIN, { instanceId: vm.id, view: "FULL" })).toEqual(vm);
    expect(() => f.instances.get(ADMIN, { instanceId: vm.id, view: "ALL" as "FULL" })).toThrowError('Illegal argument view: "ALL" must be BASIC or FULL');
  });

  it("GIVEN compute.viewer on the folder WHEN a member gets a VM in it THEN allowed (inherited); a VM elsewhere THEN PERMISSION_DENIED", () => {
    const vm = create();
    const other = create({ folderId: OTHER_FOLDER });
    expect(() => f.instances.get(asUser(ALICE), { instanceId: vm.id })).toThrowError(expect.objectContaining({ code: "PERMISSION_DENIED" }));
    grant("compute.viewer", "folder", FOLDER);
    expect(f.instances.get(asUser(ALICE), { instanceId: vm.id }).id).toBe(vm.id);
    expect(() => f.instances.get(asUser(ALICE), { instanceId: other.id })).toThrowError(
      `Permission denied: userAccount:${ALICE} does not have compute.instances.get on instance "${other.id}"`,
    );
  });

  it("GIVEN a role bound to a group on the instance WHEN a group member gets it THEN allowed", () => {
    const vm = create();
    grant("compute.viewer", "instance", vm.id, { type: "group", id: OPS_GROUP });
    expect(f.instances.get(asUser(BOB), { instanceId: vm.id }).id).toBe(vm.id);
    expect(() => f.instances.get(asUser(ALICE), { instanceId: vm.id })).toThrowError(expect.objectContaining({ code: "PERMISSION_DENIED" }));
  });

  it("GIVEN a deleted VM WHEN the admin or a member refreshes it THEN NOT_FOUND (what refresh needs to drop it from state)", () => {
    const vm = create();
    grant("compute.editor", "folder", FOLDER);
    f.instances.delete(asUser(ALICE), { instanceId: vm.id });
    for (const caller of [ADMIN, asUser(ALICE), asUser(BOB)]) {
      expect(() => f.instances.get(caller, { instanceId: vm.id })).toThrowError(expect.objectContaining({ code: "NOT_FOUND", message: `Instance "${vm.id}" not found` }));
    }
  });

  it("GIVEN a folder that does not exist WHEN a member lists it THEN NOT_FOUND; an existing one without a role THEN PERMISSION_DENIED", () => {
    expect(() => f.instances.list(asUser(ALICE), { folderId: "b1fnope" })).toThrowError(expect.objectContaining({ code: "NOT_FOUND", message: 'Folder "b1fnope" not found' }));
    expect(() => f.instances.list(asUser(ALICE), { folderId: FOLDER })).toThrowError(
      `Permission denied: userAccount:${ALICE} does not have compute.instances.get on folder "${FOLDER}"`,
    );
  });

  it("GIVEN three VMs WHEN listing with page_size 2 THEN id order, metadata omitted unless FULL, and name filter works", () => {
    const vms = [create({ name: "a" }), create({ name: "b" }), create({ name: "c" })].sort((x, y) => (x.id < y.id ? -1 : 1));
    const p1 = f.instances.list(ADMIN, { folderId: FOLDER, pageSize: 2n });
    expect(p1.items.map((i) => i.id)).toEqual([vms[0]!.id, vms[1]!.id]);
    expect(p1.items.every((i) => Object.keys(i.metadata).length === 0)).toBe(true);
    const p2 = f.instances.list(ADMIN, { folderId: FOLDER, pageSize: 2n, pageToken: p1.nextPageToken, view: "FULL" });
    expect(p2).toEqual({ items: [vms[2]], nextPageToken: "" });
    expect(f.instances.list(ADMIN, { folderId: FOLDER, filter: 'name = "b"' }).items.map((i) => i.name)).toEqual(["b"]);
    expect(() => f.instances.list(ADMIN, { folderId: FOLDER, orderBy: "name desc" })).toThrowError(
      'Illegal argument order_by: "name desc" is not supported by the emulator; use "id asc" (the default)',
    );
  });
});

describe("InstanceService.Update/UpdateMetadata/Delete", () => {
  it("GIVEN update_mask [metadata] WHEN updating THEN the whole map is replaced and other given fields are ignored", () => {
    const vm = create({ metadata: { "enable-oslogin": "true", "ssh-keys": "x" } });
    const op = f.instances.update(ADMIN, { instanceId: vm.id, updateMask: ["metadata"], metadata: { foo: "bar" }, description: "ignored" });
    expect(op.metadata).toEqual({ typeName: "yandex.cloud.compute.v1.UpdateInstanceMetadata", value: { instanceId: vm.id } });
    expect(op.response!.value).toEqual({ ...vm, metadata: { foo: "bar" } });
  });

  it("GIVEN no mask WHEN updating name, labels and serial port settings THEN those change", () => {
    const vm = create();
    const after = f.instances.update(ADMIN, { instanceId: vm.id, name: "web-2", labels: { env: "prod" }, serialPortSettings: { sshAuthorization: "OS_LOGIN" } }).response!.value as Instance;
    expect(after).toEqual({ ...vm, name: "web-2", labels: { env: "prod" }, serialPortSettings: { sshAuthorization: "OS_LOGIN" } });
    expect(f.instances.list(ADMIN, { folderId: FOLDER, filter: 'name="web-2"' }).items.map((i) => i.id)).toEqual([vm.id]);
  });

  it("GIVEN a rename to a taken name or bad resources WHEN updating THEN ALREADY_EXISTS / INVALID_ARGUMENT and nothing changes", () => {
    create({ name: "taken" });
    const vm = create({ name: "mine" });
    expect(() => f.instances.update(ADMIN, { instanceId: vm.id, name: "taken" })).toThrowError(expect.objectContaining({ code: "ALREADY_EXISTS", field: "name" }));
    expect(() => f.instances.update(ADMIN, { instanceId: vm.id, resourcesSpec: { memory: 1n, cores: 1n } })).toThrowError(
      expect.objectContaining({ code: "INVALID_ARGUMENT", field: "resources_spec.cores" }),
    );
    expect(() => f.instances.update(ADMIN, { instanceId: vm.id, updateMask: ["zone_id"] })).toThrowError(
      'Illegal argument update_mask: unknown field path "zone_id"; allowed: name, description, labels, platform_id, resources_spec, metadata, service_account_id, serial_port_settings',
    );
    expect(f.instances.get(ADMIN, { instanceId: vm.id, view: "FULL" })).toEqual(vm);
  });

  it("GIVEN OS Login turned on later WHEN serial_port_settings is masked but unspecified THEN it resets to the organization default", () => {
    const vm = create();
    f.setOsLogin(ORG, true, false);
    const after = f.instances.update(ADMIN, { instanceId: vm.id, updateMask: ["serial_port_settings.ssh_authorization"], serialPortSettings: {} }).response!.value as Instance;
    expect(after.serialPortSettings).toEqual({ sshAuthorization: "OS_LOGIN" });
  });

  it("GIVEN metadata WHEN UpdateMetadata deletes one key and upserts another THEN a partial edit", () => {
    const vm = create({ metadata: { "enable-oslogin": "false", "ssh-keys": "x", keep: "1" } });
    const op = f.instances.updateMetadata(ADMIN, { instanceId: vm.id, delete: ["ssh-keys"], upsert: { "enable-oslogin": "true" } });
    expect(op.metadata).toEqual({ typeName: "yandex.cloud.compute.v1.UpdateInstanceMetadataMetadata", value: { instanceId: vm.id } });
    expect((op.response!.value as Instance).metadata).toEqual({ "enable-oslogin": "true", keep: "1" });
    expect(f.instances.get(ADMIN, { instanceId: vm.id, view: "FULL" }).metadata).toEqual({ "enable-oslogin": "true", keep: "1" });
  });

  it("GIVEN an upsert that makes a value too large WHEN UpdateMetadata THEN INVALID_ARGUMENT and the metadata is unchanged", () => {
    const vm = create();
    expect(() => f.instances.updateMetadata(ADMIN, { instanceId: vm.id, upsert: { big: "x".repeat(262145) } })).toThrowError(
      "Illegal argument upsert[big]: the value is 262145 bytes; a metadata value may be at most 262144 bytes (256 KB)",
    );
    expect(f.instances.get(ADMIN, { instanceId: vm.id, view: "FULL" }).metadata).toEqual(vm.metadata);
  });

  it("GIVEN compute.viewer only WHEN a member updates metadata THEN PERMISSION_DENIED", () => {
    const vm = create();
    grant("compute.viewer", "folder", FOLDER);
    expect(() => f.instances.updateMetadata(asUser(ALICE), { instanceId: vm.id, upsert: { a: "b" } })).toThrowError(
      `Permission denied: userAccount:${ALICE} does not have compute.instances.manage on instance "${vm.id}"`,
    );
  });

  it("GIVEN a VM with bindings WHEN deleting THEN Empty response, it is gone, and its bindings and addresses are removed", () => {
    const vm = create();
    grant("compute.osLogin", "instance", vm.id);
    const op = f.instances.delete(ADMIN, { instanceId: vm.id });
    expect(op.metadata).toEqual({ typeName: "yandex.cloud.compute.v1.DeleteInstanceMetadata", value: { instanceId: vm.id } });
    expect(op.response).toEqual({ typeName: "google.protobuf.Empty", value: {} });
    expect(() => f.instances.get(ADMIN, { instanceId: vm.id })).toThrowError(expect.objectContaining({ code: "NOT_FOUND" }));
    expect(f.store.db.prepare("SELECT COUNT(*) FROM access_bindings WHERE resource_id = ?").pluck().get(vm.id)).toBe(0);
    expect(f.store.db.prepare("SELECT COUNT(*) FROM instance_addresses").pluck().get()).toBe(0);
  });
});
