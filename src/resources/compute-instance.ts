// yandex_compute_instance: the arguments a minimal VM and OS Login need, with the real provider's
// names and modes (reference 5.6): memory in GB (the API uses bytes), status in lower case, metadata
// read back with view FULL. Deviations, documented:
// - serial_port_settings { ssh_authorization } is an EXTENSION (the real provider lacks it).
// - network_interface is ForceNew here: the embedded API has no UpdateNetworkInterface, where the
//   real provider edits NICs in place by stopping the VM.
// - initialize_params cannot be read back (disks are not a separate API here): state keeps what was
//   created, and an import leaves it empty.
import { listAll } from "../contract/cloud-client.js";
import { metadataOsLogin } from "./access.js";
import {
  ENABLE_OSLOGIN_KEY,
  INSTANCE_CORE_FRACTIONS,
  INSTANCE_CORES,
  INSTANCE_LABEL_KEY_PATTERN,
  INSTANCE_LABEL_VALUE_PATTERN,
  INSTANCE_MEMORY_MAX,
  INSTANCE_NAME_PATTERN,
  INSTANCE_NAME_RULE,
  METADATA_TOTAL_MAX,
  METADATA_VALUE_MAX,
} from "../contract/rules.js";
import type { CreateInstanceRequest, Instance, SshAuthorization, UpdateInstanceRequest } from "../contract/api-types.js";
import { checkDescription, checkLabels, checkPattern } from "./checks.js";
import {
  computed,
  defineResource,
  diag,
  optional,
  optionalComputed,
  required,
  types,
  type Diagnostic,
  type ObjectValue,
  type Value,
} from "./define.js";
import { bool, eachScope, keepEmpty, known, num, orGone, refreshByListing, scopeId, single, str, strList, strMap } from "./support.js";

const GIB = 1024 ** 3;
/** Boot disk size when the config gives none (the API needs one; images here have no minimum). */
export const DEFAULT_BOOT_DISK_GB = 10;
const SSH_AUTHORIZATIONS: readonly SshAuthorization[] = ["INSTANCE_METADATA", "OS_LOGIN"];
const PARSE_BOOL = ["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"];

const gb = (bytes: bigint): number => Number(bytes) / GIB;
const bytes = (gigabytes: number): bigint => BigInt(Math.round(gigabytes * GIB));

const priorList = (prior: ObjectValue | undefined, name: string): ObjectValue[] =>
  Array.isArray(prior?.[name]) ? (prior[name] as ObjectValue[]) : [];

function toState(vm: Instance, prior: ObjectValue | undefined): ObjectValue {
  const priorDisk = priorList(prior, "boot_disk")[0];
  const priorNics = priorList(prior, "network_interface");
  const autoHost = vm.fqdn.endsWith(".auto.internal");
  // serial_port_settings is tracked when configured, or after an import (a state without a boot
  // disk: every created VM has one), so an unconfigured block never shows a permanent diff.
  const imported = priorList(prior, "boot_disk").length === 0;
  const tracked = (name: string) => imported || priorList(prior, name).length > 0;
  return {
    id: vm.id,
    name: vm.name,
    description: keepEmpty(prior?.description, vm.description),
    folder_id: vm.folderId,
    zone: vm.zoneId,
    platform_id: vm.platformId,
    hostname: prior?.hostname ?? (autoHost ? "" : vm.fqdn.split(".")[0]),
    labels: keepEmpty(prior?.labels, vm.labels),
    metadata: keepEmpty(prior?.metadata, vm.metadata ?? {}),
    service_account_id: keepEmpty(prior?.service_account_id, vm.serviceAccountId),
    allow_stopping_for_update: prior?.allow_stopping_for_update ?? null,
    status: vm.status.toLowerCase(),
    fqdn: vm.fqdn,
    created_at: vm.createdAt,
    resources: [
      {
        memory: gb(vm.resources.memory),
        cores: Number(vm.resources.cores),
        core_fraction: Number(vm.resources.coreFraction),
        gpus: Number(vm.resources.gpus),
      },
    ],
    boot_disk: [
      {
        auto_delete: vm.bootDisk.autoDelete,
        device_name: vm.bootDisk.deviceName,
        mode: vm.bootDisk.mode,
        disk_id: vm.bootDisk.diskId,
        initialize_params: priorList(priorDisk, "initialize_params"),
      },
    ],
    network_interface: vm.networkInterfaces.map((nic, i) => {
      const p = priorNics[i];
      const nat = nic.primaryV4Address.oneToOneNat;
      return {
        subnet_id: nic.subnetId,
        ipv4: p?.ipv4 ?? true,
        ip_address: nic.primaryV4Address.address,
        ipv6: p?.ipv6 ?? false,
        ipv6_address: p?.ipv6_address ?? "",
        nat: !!nat,
        nat_ip_address: nat?.address ?? "",
        nat_ip_version: nat?.ipVersion ?? "",
        index: Number(nic.index),
        mac_address: nic.macAddress,
        security_group_ids: nic.securityGroupIds,
      };
    }),
    serial_port_settings: tracked("serial_port_settings") ? [{ ssh_authorization: vm.serialPortSettings.sshAuthorization }] : [],
  };
}

/** The create-time disk parameters as state: what was asked for, with the defaults that applied. */
function initializeParamsState(config: ObjectValue): ObjectValue[] {
  const ip = single(single(config.boot_disk)?.initialize_params);
  if (!ip) return [];
  return [
    {
      name: str(ip.name) ?? "",
      description: str(ip.description) ?? "",
      size: num(ip.size) ?? DEFAULT_BOOT_DISK_GB,
      block_size: num(ip.block_size) ?? 4096,
      type: str(ip.type) ?? "network-hdd",
      image_id: str(ip.image_id) ?? "",
      snapshot_id: str(ip.snapshot_id) ?? "",
      kms_key_id: str(ip.kms_key_id) ?? null,
    },
  ];
}

function resourcesSpec(config: ObjectValue): CreateInstanceRequest["resourcesSpec"] {
  const r = single(config.resources) ?? {};
  return {
    memory: bytes(num(r.memory) ?? 2),
    cores: BigInt(num(r.cores) ?? 2),
    coreFraction: BigInt(num(r.core_fraction) ?? 100),
    gpus: BigInt(num(r.gpus) ?? 0),
  };
}

const sshAuthorization = (config: ObjectValue): SshAuthorization | undefined =>
  str(single(config.serial_port_settings)?.ssh_authorization) as SshAuthorization | undefined;

function createRequest(config: ObjectValue, folderId: string, zoneId: string): CreateInstanceRequest {
  const disk = single(config.boot_disk) ?? {};
  const ip = single(disk.initialize_params);
  const nics = Array.isArray(config.network_interface) ? (config.network_interface as ObjectValue[]) : [];
  const auth = sshAuthorization(config);
  return {
    folderId,
    name: str(config.name),
    description: str(config.description),
    labels: strMap(config.labels),
    zoneId,
    platformId: str(config.platform_id) ?? "standard-v1",
    resourcesSpec: resourcesSpec(config),
    metadata: strMap(config.metadata),
    bootDiskSpec: {
      autoDelete: bool(disk.auto_delete) ?? true,
      deviceName: str(disk.device_name),
      mode: str(disk.mode) as "READ_ONLY" | "READ_WRITE" | undefined,
      diskId: str(disk.disk_id),
      diskSpec: ip
        ? {
            name: str(ip.name),
            description: str(ip.description),
            typeId: str(ip.type) ?? "network-hdd",
            size: bytes(num(ip.size) ?? DEFAULT_BOOT_DISK_GB),
            imageId: str(ip.image_id),
            snapshotId: str(ip.snapshot_id),
          }
        : undefined,
    },
    networkInterfaceSpecs: nics.map((nic) => ({
      subnetId: String(nic.subnet_id),
      primaryV4AddressSpec: {
        address: str(nic.ip_address),
        oneToOneNatSpec: bool(nic.nat) ? { ipVersion: "IPV4", address: str(nic.nat_ip_address) } : undefined,
      },
      securityGroupIds: strList(nic.security_group_ids),
    })),
    hostname: str(config.hostname),
    serviceAccountId: str(config.service_account_id),
    serialPortSettings: auth ? { sshAuthorization: auth } : undefined,
  };
}

function checkInstance(config: ObjectValue): Diagnostic[] {
  const out: Diagnostic[] = [
    ...checkPattern(config.name, ["name"], INSTANCE_NAME_PATTERN, "instance name", INSTANCE_NAME_RULE),
    ...checkDescription(config.description, ["description"]),
    ...checkLabels(config.labels, ["labels"], INSTANCE_LABEL_KEY_PATTERN, INSTANCE_LABEL_VALUE_PATTERN),
  ];
  const r = single(config.resources);
  if (r) {
    if (typeof r.cores === "number" && !INSTANCE_CORES.includes(BigInt(Math.trunc(r.cores)))) {
      out.push(diag.error(`Invalid cores ${r.cores}`, ["resources", 0, "cores"], `cores must be one of ${INSTANCE_CORES.join(", ")}.`));
    }
    if (typeof r.core_fraction === "number" && !INSTANCE_CORE_FRACTIONS.includes(BigInt(Math.trunc(r.core_fraction)))) {
      out.push(
        diag.error(`Invalid core_fraction ${r.core_fraction}`, ["resources", 0, "core_fraction"], `core_fraction must be one of ${INSTANCE_CORE_FRACTIONS.join(", ")}.`),
      );
    }
    if (typeof r.memory === "number" && (r.memory <= 0 || bytes(r.memory) > INSTANCE_MEMORY_MAX)) {
      out.push(diag.error(`Invalid memory ${r.memory}`, ["resources", 0, "memory"], `memory is in GB and must be > 0 and at most ${gb(INSTANCE_MEMORY_MAX)}.`));
    }
  }
  out.push(...checkMetadata(config.metadata));
  const auth = single(config.serial_port_settings)?.ssh_authorization;
  if (typeof auth === "string" && !SSH_AUTHORIZATIONS.includes(auth as SshAuthorization)) {
    out.push(
      diag.error(`Invalid ssh_authorization ${JSON.stringify(auth)}`, ["serial_port_settings", 0, "ssh_authorization"], "Use OS_LOGIN or INSTANCE_METADATA."),
    );
  }
  return out;
}

function checkMetadata(metadata: Value | undefined): Diagnostic[] {
  const m = strMap(metadata);
  if (!m) return [];
  const out: Diagnostic[] = [];
  // UTF-8 bytes and a strict total, as the API counts them: a config that plans must also apply.
  let total = 0;
  for (const [k, v] of Object.entries(m)) {
    const size = Buffer.byteLength(v, "utf8");
    total += Buffer.byteLength(k, "utf8") + size;
    if (size > METADATA_VALUE_MAX) {
      out.push(diag.error(`Metadata value too large`, ["metadata", k], `Each metadata value must be at most ${METADATA_VALUE_MAX} bytes.`));
    }
  }
  if (total >= METADATA_TOTAL_MAX) out.push(diag.error("Metadata too large", ["metadata"], `All metadata together must be under ${METADATA_TOTAL_MAX} bytes.`));
  const enable = m[ENABLE_OSLOGIN_KEY];
  if (enable !== undefined && !PARSE_BOOL.includes(enable)) {
    out.push(
      diag.error(`Invalid ${ENABLE_OSLOGIN_KEY} value ${JSON.stringify(enable)}`, ["metadata", ENABLE_OSLOGIN_KEY], 'The guest agent reads it as a boolean: use "true" or "false".'),
    );
  }
  if (enable !== undefined && PARSE_BOOL.slice(0, 6).includes(enable) && m["ssh-keys"] !== undefined) {
    out.push(diag.warning("ssh-keys is ignored on an OS Login VM", ["metadata", "ssh-keys"], "With enable-oslogin on, access follows OS Login; remove ssh-keys."));
  }
  return out;
}

/** The update mask (API field names) for what differs between prior state and config. */
function updateRequest(prior: ObjectValue, config: ObjectValue): UpdateInstanceRequest {
  const req: UpdateInstanceRequest = { instanceId: String(prior.id), updateMask: [] };
  const differs = (name: string) => JSON.stringify(config[name] ?? null) !== JSON.stringify(prior[name] ?? null);
  const mask = req.updateMask!;
  if (differs("name")) (mask.push("name"), (req.name = str(config.name) ?? ""));
  if (differs("description")) (mask.push("description"), (req.description = str(config.description) ?? ""));
  if (differs("labels")) (mask.push("labels"), (req.labels = strMap(config.labels) ?? {}));
  if (differs("platform_id")) (mask.push("platform_id"), (req.platformId = str(config.platform_id) ?? "standard-v1"));
  if (differs("resources")) (mask.push("resources_spec"), (req.resourcesSpec = resourcesSpec(config)));
  if (differs("metadata")) (mask.push("metadata"), (req.metadata = strMap(config.metadata) ?? {}));
  if (differs("service_account_id")) (mask.push("service_account_id"), (req.serviceAccountId = str(config.service_account_id) ?? ""));
  const auth = sshAuthorization(config);
  if (auth && differs("serial_port_settings")) (mask.push("serial_port_settings"), (req.serialPortSettings = { sshAuthorization: auth }));
  return req;
}

export const computeInstance = defineResource({
  type: "yandex_compute_instance",
  kind: "resource",
  provider: "yandex",
  schemaVersion: 1,
  // The real provider waits 5 minutes for each of these by default.
  timeouts: { create: "5m", update: "5m", delete: "5m" },
  description: "A virtual machine. OS Login on: metadata enable-oslogin = \"true\" (sshd) and serial_port_settings (serial console).",
  access: {
    kind: "target",
    folderAttribute: "folder_id",
    osLogin: metadataOsLogin,
    serialConsole: sshAuthorization,
  },
  schema: {
    attributes: {
      id: computed(types.string, { description: "The instance id." }),
      name: optional(types.string, { description: "Name, unique in the folder.", default: "" }),
      description: optional(types.string, { description: "Description, up to 256 characters." }),
      folder_id: optionalComputed(types.string, { description: "The folder; falls back to the provider's folder_id.", forceNew: true }),
      zone: optionalComputed(types.string, { description: "Availability zone; falls back to the provider's zone.", forceNew: true }),
      platform_id: optional(types.string, { description: "Hardware platform.", default: "standard-v1" }),
      hostname: optionalComputed(types.string, { description: "Host name; the FQDN is <hostname>.<region>.internal.", forceNew: true }),
      labels: optional(types.map(types.string), { description: "Labels (key/value pairs)." }),
      metadata: optional(types.map(types.string), {
        description: 'Metadata key/value pairs; "enable-oslogin" = "true" turns OS Login on inside the VM.',
      }),
      service_account_id: optional(types.string, { description: "The service account the VM acts as." }),
      allow_stopping_for_update: optional(types.bool, { description: "Allow stopping the VM to change resources or platform." }),
      status: computed(types.string, { description: "Status in lower case, e.g. running." }),
      fqdn: computed(types.string, { description: "The instance's internal FQDN." }),
      created_at: computed(types.string, { description: "Creation time, RFC3339." }),
    },
    blocks: {
      resources: {
        nesting: "list",
        minItems: 1,
        maxItems: 1,
        description: "CPU and memory.",
        block: {
          attributes: {
            memory: required(types.number, { description: "Memory in GB." }),
            cores: required(types.number, { description: "vCPUs: 2, 4, 6, ... 80." }),
            core_fraction: optional(types.number, { description: "Guaranteed vCPU share in percent: 5, 20, 50 or 100.", default: 100 }),
            gpus: optional(types.number, { description: "Number of GPUs.", default: 0 }),
          },
        },
      },
      boot_disk: {
        nesting: "list",
        minItems: 1,
        maxItems: 1,
        forceNew: true,
        description: "The boot disk: an existing disk_id or initialize_params for a new one.",
        block: {
          attributes: {
            auto_delete: optional(types.bool, { description: "Delete the disk with the VM.", default: true }),
            device_name: optionalComputed(types.string, { description: "Device name inside the VM." }),
            mode: optionalComputed(types.string, { description: "READ_WRITE or READ_ONLY." }),
            disk_id: optionalComputed(types.string, { description: "An existing disk to boot from." }),
          },
          blocks: {
            initialize_params: {
              nesting: "list",
              maxItems: 1,
              description: "Parameters of a new disk.",
              block: {
                attributes: {
                  name: optionalComputed(types.string, { description: "Disk name." }),
                  description: optionalComputed(types.string, { description: "Disk description." }),
                  size: optionalComputed(types.number, { description: `Size in GB (here: ${DEFAULT_BOOT_DISK_GB} when unset).` }),
                  block_size: optionalComputed(types.number, { description: "Block size in bytes." }),
                  type: optional(types.string, { description: "Disk type.", default: "network-hdd" }),
                  image_id: optionalComputed(types.string, { description: "Image to create the disk from." }),
                  snapshot_id: optionalComputed(types.string, { description: "Snapshot to create the disk from." }),
                  kms_key_id: optional(types.string, { description: "KMS key for disk encryption." }),
                },
              },
            },
          },
        },
      },
      network_interface: {
        nesting: "list",
        minItems: 1,
        forceNew: true,
        description: "Network interfaces; nat = true gives a public IPv4 address.",
        block: {
          attributes: {
            subnet_id: required(types.string, { description: "The subnet." }),
            ipv4: optional(types.bool, { description: "Allocate an IPv4 address.", default: true }),
            ip_address: optionalComputed(types.string, { description: "Private IPv4 address." }),
            ipv6: optionalComputed(types.bool, { description: "Allocate an IPv6 address." }),
            ipv6_address: optionalComputed(types.string, { description: "IPv6 address." }),
            nat: optional(types.bool, { description: "Give the interface a public (one-to-one NAT) address.", default: false }),
            nat_ip_address: optionalComputed(types.string, { description: "The public address." }),
            nat_ip_version: computed(types.string, { description: "IPV4 or IPV6." }),
            index: optionalComputed(types.number, { description: "Interface index." }),
            mac_address: computed(types.string, { description: "MAC address." }),
            security_group_ids: optionalComputed(types.set(types.string), { description: "Security groups." }),
          },
        },
      },
      serial_port_settings: {
        nesting: "list",
        maxItems: 1,
        description: "EXTENSION: how SSH to the serial console is authorized (OS_LOGIN or INSTANCE_METADATA).",
        block: {
          attributes: {
            ssh_authorization: optionalComputed(types.string, {
              description: "OS_LOGIN or INSTANCE_METADATA; unset = OS_LOGIN when the organization has OS Login on.",
            }),
          },
        },
      },
    },
  },
  importer: {
    format: "<instance_id>",
    parse: (id) => (id ? { id } : "the import ID must be an instance id"),
  },
  check: checkInstance,
  async create(ctx, config) {
    const zone = str(config.zone) ?? ctx.provider.zone;
    if (!zone) throw new Error('zone is not set: set it on the resource or "zone" on the provider');
    const vm = await ctx.cloud.createInstance(createRequest(config, scopeId(config, "folder_id", ctx.provider), zone), {
      idempotencyKey: ctx.idempotencyKey,
    });
    const state = toState(vm, known(config));
    (single(state.boot_disk) as ObjectValue).initialize_params = initializeParamsState(config);
    return state;
  },
  async read(ctx, state) {
    const vm = await orGone(ctx.cloud.getInstance(String(state.id), "FULL"));
    return vm && toState(vm, state);
  },
  async readMany(ctx, states) {
    if (ctx.cloud.listsInstanceMetadata) {
      const list = (folderId: string) => listAll((pageToken) => ctx.cloud.listInstances({ folderId, pageToken, pageSize: 1000, view: "FULL" }));
      return refreshByListing(ctx, states, (s) => String(s.folder_id), list, (s) => String(s.id), toState);
    }
    // The real API's List has no metadata (where enable-oslogin lives), so each VM is read with a
    // Get (view FULL), side by side under the engine's cap; NOT_FOUND means it is gone. No List
    // first: it would only say which VMs exist, which the Gets say too, and listing a folder of
    // thousands of VMs held every Get back by a round trip per page.
    return eachScope(ctx, states, async (s) => {
      const vm = await orGone(ctx.cloud.getInstance(String(s.id), "FULL"));
      return vm ? toState(vm, s) : null;
    });
  },
  async update(ctx, prior, config) {
    const req = updateRequest(prior, config);
    const vm = req.updateMask!.length > 0 ? await ctx.cloud.updateInstance(req) : await ctx.cloud.getInstance(String(prior.id), "FULL");
    return toState(vm, {
      ...known(prior),
      description: config.description,
      labels: config.labels,
      metadata: config.metadata,
      service_account_id: config.service_account_id,
      allow_stopping_for_update: config.allow_stopping_for_update,
      serial_port_settings: config.serial_port_settings,
    });
  },
  async delete(ctx, state) {
    await orGone(ctx.cloud.deleteInstance(String(state.id)));
  },
});
