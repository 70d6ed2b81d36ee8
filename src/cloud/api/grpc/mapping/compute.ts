// Compute: SDK messages ⇄ model types (instances). The model keeps only the fields the real provider
// sends for a minimal VM; the SDK's other fields are answered with their proto defaults.
import * as sdk from "@yandex-cloud/nodejs-sdk/compute-v1/instance";
import * as svc from "@yandex-cloud/nodejs-sdk/compute-v1/instance_service";
import type {
  CreateInstanceRequest,
  Instance,
  InstanceStatus,
  NetworkInterface,
  SshAuthorization,
  UpdateInstanceMetadataRequest,
  UpdateInstanceRequest,
} from "../../../model/types.js";
import type { InstanceView, ListInstancesRequest } from "../../../model/instances.js";
import { pageSizeShape, type WithInt64 } from "../int64.js";
import { mappedAny, plainAny, type AnyCodec } from "./any.js";
import {
  copyMap,
  enumName,
  enumNumber,
  enumNumberOf,
  folderResourceFromSdk,
  folderResourceToSdk,
  given,
  impliedMask,
  maskFromSdk,
  maskToSdk,
  optional,
  orEmpty,
  pageSizeFromSdk,
  pageSizeToSdk,
} from "./common.js";

const API = "yandex.cloud.compute.v1.";

export const INSTANCE_INT64 = { list: { request: pageSizeShape(svc.ListInstancesRequest) } };
export type SdkListInstancesRequest = WithInt64<svc.ListInstancesRequest, "pageSize">;

// Instance resources are bounded far below 2^53 by the API's rules (memory <= 256 GiB), so the SDK's
// number is exact; the model keeps bigint like every int64.
const big = (n: number | undefined): bigint => BigInt(n ?? 0);
const num = (n: bigint | undefined): number => Number(n ?? 0n);

function networkInterfaceToSdk(n: NetworkInterface): sdk.NetworkInterface {
  const nat = n.primaryV4Address.oneToOneNat;
  return {
    index: n.index,
    macAddress: n.macAddress,
    subnetId: n.subnetId,
    primaryV4Address: {
      address: n.primaryV4Address.address,
      oneToOneNat: nat && { address: nat.address, ipVersion: enumNumberOf(sdk.IpVersion, nat.ipVersion), dnsRecords: [] },
      dnsRecords: [],
    },
    securityGroupIds: [...n.securityGroupIds],
  };
}

function networkInterfaceFromSdk(n: sdk.NetworkInterface): NetworkInterface {
  const nat = n.primaryV4Address?.oneToOneNat;
  const out: NetworkInterface = {
    index: n.index,
    macAddress: n.macAddress,
    subnetId: n.subnetId,
    primaryV4Address: { address: n.primaryV4Address?.address ?? "" },
    securityGroupIds: [...n.securityGroupIds],
  };
  if (nat) out.primaryV4Address.oneToOneNat = { address: nat.address, ipVersion: enumName(sdk.IpVersion, nat.ipVersion) ?? "IPV4" };
  return out;
}

export function instanceToSdk(i: Instance): sdk.Instance {
  return sdk.Instance.fromPartial({
    ...folderResourceToSdk(i),
    zoneId: i.zoneId,
    platformId: i.platformId,
    resources: {
      memory: num(i.resources.memory),
      cores: num(i.resources.cores),
      coreFraction: num(i.resources.coreFraction),
      gpus: num(i.resources.gpus),
    },
    status: enumNumberOf(sdk.Instance_Status, i.status),
    metadata: copyMap(i.metadata),
    bootDisk: {
      mode: enumNumberOf(sdk.AttachedDisk_Mode, i.bootDisk.mode),
      deviceName: i.bootDisk.deviceName,
      autoDelete: i.bootDisk.autoDelete,
      diskId: i.bootDisk.diskId,
    },
    networkInterfaces: i.networkInterfaces.map(networkInterfaceToSdk),
    fqdn: i.fqdn,
    serviceAccountId: i.serviceAccountId,
    serialPortSettings: { sshAuthorization: enumNumberOf(sdk.SerialPortSettings_SSHAuthorization, i.serialPortSettings.sshAuthorization) },
  });
}

export function instanceFromSdk(i: sdk.Instance): Instance {
  return {
    ...folderResourceFromSdk(i),
    zoneId: i.zoneId,
    platformId: i.platformId,
    resources: {
      memory: big(i.resources?.memory),
      cores: big(i.resources?.cores),
      coreFraction: big(i.resources?.coreFraction),
      gpus: big(i.resources?.gpus),
    },
    status: enumName<InstanceStatus>(sdk.Instance_Status, i.status) ?? ("STATUS_UNSPECIFIED" as InstanceStatus),
    metadata: copyMap(i.metadata),
    bootDisk: {
      mode: enumName<"READ_ONLY" | "READ_WRITE">(sdk.AttachedDisk_Mode, i.bootDisk?.mode ?? 0) ?? "READ_WRITE",
      deviceName: i.bootDisk?.deviceName ?? "",
      autoDelete: i.bootDisk?.autoDelete ?? false,
      diskId: i.bootDisk?.diskId ?? "",
    },
    networkInterfaces: i.networkInterfaces.map(networkInterfaceFromSdk),
    fqdn: i.fqdn,
    serviceAccountId: i.serviceAccountId,
    serialPortSettings: {
      sshAuthorization:
        enumName<SshAuthorization>(sdk.SerialPortSettings_SSHAuthorization, i.serialPortSettings?.sshAuthorization ?? 0) ??
        ("SSH_AUTHORIZATION_UNSPECIFIED" as SshAuthorization),
    },
  };
}

function resourcesSpecFromSdk(r: svc.ResourcesSpec | undefined): CreateInstanceRequest["resourcesSpec"] {
  // Absent stays absent (the model names resources_spec); present fields are exact small integers.
  return (r && { memory: big(r.memory), cores: big(r.cores), coreFraction: big(r.coreFraction), gpus: big(r.gpus) }) as CreateInstanceRequest["resourcesSpec"];
}

function resourcesSpecToSdk(r: CreateInstanceRequest["resourcesSpec"] | undefined): svc.ResourcesSpec | undefined {
  return r && { memory: num(r.memory), cores: num(r.cores), coreFraction: num(r.coreFraction), gpus: num(r.gpus) };
}

function sshAuthorizationFromSdk(s: sdk.SerialPortSettings | undefined): { sshAuthorization?: SshAuthorization } | undefined {
  return s && { sshAuthorization: enumName<SshAuthorization>(sdk.SerialPortSettings_SSHAuthorization, s.sshAuthorization) };
}

function sshAuthorizationToSdk(s: { sshAuthorization?: SshAuthorization } | undefined): sdk.SerialPortSettings | undefined {
  return s && { sshAuthorization: enumNumber(sdk.SerialPortSettings_SSHAuthorization, s.sshAuthorization, "serial_port_settings.ssh_authorization") };
}

export function createInstanceRequestFromSdk(r: svc.CreateInstanceRequest): CreateInstanceRequest {
  const boot = r.bootDiskSpec;
  const disk = boot?.diskSpec;
  return {
    folderId: r.folderId,
    name: optional(r.name),
    description: optional(r.description),
    labels: copyMap(r.labels),
    zoneId: r.zoneId,
    platformId: r.platformId,
    resourcesSpec: resourcesSpecFromSdk(r.resourcesSpec),
    metadata: copyMap(r.metadata),
    bootDiskSpec: (boot && {
      mode: enumName<"READ_ONLY" | "READ_WRITE">(svc.AttachedDiskSpec_Mode, boot.mode),
      deviceName: optional(boot.deviceName),
      autoDelete: boot.autoDelete,
      diskId: optional(boot.diskId),
      diskSpec: disk && {
        name: optional(disk.name),
        description: optional(disk.description),
        typeId: optional(disk.typeId),
        size: big(disk.size),
        imageId: optional(disk.imageId),
        snapshotId: optional(disk.snapshotId),
      },
    }) as CreateInstanceRequest["bootDiskSpec"],
    networkInterfaceSpecs: r.networkInterfaceSpecs.map((n) => ({
      subnetId: n.subnetId,
      primaryV4AddressSpec: n.primaryV4AddressSpec && {
        address: optional(n.primaryV4AddressSpec.address),
        oneToOneNatSpec: n.primaryV4AddressSpec.oneToOneNatSpec && {
          ipVersion: enumName<"IPV4" | "IPV6">(sdk.IpVersion, n.primaryV4AddressSpec.oneToOneNatSpec.ipVersion),
          address: optional(n.primaryV4AddressSpec.oneToOneNatSpec.address),
        },
      },
      securityGroupIds: [...n.securityGroupIds],
    })),
    hostname: optional(r.hostname),
    serviceAccountId: optional(r.serviceAccountId),
    serialPortSettings: sshAuthorizationFromSdk(r.serialPortSettings),
  };
}

export function createInstanceRequestToSdk(r: CreateInstanceRequest): svc.CreateInstanceRequest {
  const boot = r.bootDiskSpec;
  const disk = boot?.diskSpec;
  return svc.CreateInstanceRequest.fromPartial({
    folderId: r.folderId,
    name: orEmpty(r.name),
    description: orEmpty(r.description),
    labels: copyMap(r.labels),
    zoneId: r.zoneId,
    platformId: r.platformId,
    resourcesSpec: resourcesSpecToSdk(r.resourcesSpec),
    metadata: copyMap(r.metadata),
    bootDiskSpec: boot && {
      mode: enumNumber(svc.AttachedDiskSpec_Mode, boot.mode, "boot_disk_spec.mode"),
      deviceName: orEmpty(boot.deviceName),
      autoDelete: boot.autoDelete ?? false,
      diskId: boot.diskId,
      diskSpec: disk && {
        name: orEmpty(disk.name),
        description: orEmpty(disk.description),
        typeId: orEmpty(disk.typeId),
        size: num(disk.size),
        imageId: disk.imageId,
        snapshotId: disk.snapshotId,
      },
    },
    networkInterfaceSpecs: r.networkInterfaceSpecs.map((n) => ({
      subnetId: n.subnetId,
      primaryV4AddressSpec: n.primaryV4AddressSpec && {
        address: orEmpty(n.primaryV4AddressSpec.address),
        oneToOneNatSpec: n.primaryV4AddressSpec.oneToOneNatSpec && {
          ipVersion: enumNumber(sdk.IpVersion, n.primaryV4AddressSpec.oneToOneNatSpec.ipVersion, "one_to_one_nat_spec.ip_version"),
          address: orEmpty(n.primaryV4AddressSpec.oneToOneNatSpec.address),
        },
      },
      securityGroupIds: [...(n.securityGroupIds ?? [])],
    })),
    hostname: orEmpty(r.hostname),
    serviceAccountId: orEmpty(r.serviceAccountId),
    serialPortSettings: sshAuthorizationToSdk(r.serialPortSettings),
  });
}

export function listInstancesRequestFromSdk(r: SdkListInstancesRequest): ListInstancesRequest {
  return {
    folderId: r.folderId,
    pageSize: pageSizeFromSdk(r.pageSize),
    pageToken: optional(r.pageToken),
    filter: optional(r.filter),
    orderBy: optional(r.orderBy),
  };
}

export function listInstancesRequestToSdk(r: { folderId: string; pageSize?: number; pageToken?: string; filter?: string }): SdkListInstancesRequest {
  return { folderId: r.folderId, pageSize: pageSizeToSdk(r.pageSize), pageToken: orEmpty(r.pageToken), filter: orEmpty(r.filter), orderBy: "" };
}

export const viewFromSdk = (v: svc.InstanceView): InstanceView => (v === svc.InstanceView.FULL ? "FULL" : "BASIC");
export const viewToSdk = (v: InstanceView): svc.InstanceView => (v === "FULL" ? svc.InstanceView.FULL : svc.InstanceView.BASIC);

export function updateInstanceRequestFromSdk(r: svc.UpdateInstanceRequest): UpdateInstanceRequest {
  const mask = maskFromSdk(r.updateMask);
  return {
    instanceId: r.instanceId,
    updateMask: mask,
    name: given(mask, "name", r.name, r.name === ""),
    description: given(mask, "description", r.description, r.description === ""),
    labels: given(mask, "labels", copyMap(r.labels), Object.keys(r.labels).length === 0),
    platformId: given(mask, "platform_id", r.platformId, r.platformId === ""),
    resourcesSpec: given(mask, "resources_spec", resourcesSpecFromSdk(r.resourcesSpec), r.resourcesSpec === undefined),
    metadata: given(mask, "metadata", copyMap(r.metadata), Object.keys(r.metadata).length === 0),
    serviceAccountId: given(mask, "service_account_id", r.serviceAccountId, r.serviceAccountId === ""),
    serialPortSettings: given(mask, "serial_port_settings", sshAuthorizationFromSdk(r.serialPortSettings), r.serialPortSettings === undefined),
  };
}

export function updateInstanceRequestToSdk(r: UpdateInstanceRequest): svc.UpdateInstanceRequest {
  const implied = impliedMask(r, [
    ["name", "name"],
    ["description", "description"],
    ["labels", "labels"],
    ["platformId", "platform_id"],
    ["resourcesSpec", "resources_spec"],
    ["metadata", "metadata"],
    ["serviceAccountId", "service_account_id"],
    ["serialPortSettings", "serial_port_settings"],
  ]);
  return svc.UpdateInstanceRequest.fromPartial({
    instanceId: r.instanceId,
    updateMask: maskToSdk(r.updateMask ?? implied),
    name: orEmpty(r.name),
    description: orEmpty(r.description),
    labels: copyMap(r.labels),
    platformId: orEmpty(r.platformId),
    resourcesSpec: resourcesSpecToSdk(r.resourcesSpec),
    metadata: copyMap(r.metadata),
    serviceAccountId: orEmpty(r.serviceAccountId),
    serialPortSettings: sshAuthorizationToSdk(r.serialPortSettings),
  });
}

export function updateMetadataRequestFromSdk(r: svc.UpdateInstanceMetadataRequest): UpdateInstanceMetadataRequest {
  return { instanceId: r.instanceId, delete: [...r.delete], upsert: copyMap(r.upsert) };
}

export function updateMetadataRequestToSdk(r: UpdateInstanceMetadataRequest): svc.UpdateInstanceMetadataRequest {
  return { instanceId: r.instanceId, delete: [...(r.delete ?? [])], upsert: copyMap(r.upsert) };
}

export const COMPUTE_ANY: AnyCodec<never>[] = [
  mappedAny(`${API}Instance`, sdk.Instance, instanceToSdk, instanceFromSdk),
  plainAny(`${API}CreateInstanceMetadata`, svc.CreateInstanceMetadata),
  plainAny(`${API}UpdateInstanceMetadata`, svc.UpdateInstanceMetadata),
  plainAny(`${API}UpdateInstanceMetadataMetadata`, svc.UpdateInstanceMetadataMetadata),
  plainAny(`${API}DeleteInstanceMetadata`, svc.DeleteInstanceMetadata),
] as AnyCodec<never>[];
