// InstanceService (compute.v1): the fields the real provider sends for a minimal VM (reference 3.3).
// There is no hypervisor: a created instance is RUNNING at once, with its addresses allocated
// (addresses.ts) and its fqdn derived. What matters for OS Login is kept faithfully: the metadata
// map (enable-oslogin is what the guest agent reads) and serial_port_settings.ssh_authorization,
// which defaults to OS_LOGIN when the instance's organization has OS Login on (either mode) and to
// INSTANCE_METADATA otherwise.
//
// Emulator choices (documented in docs/emulator.md): instance names are unique per folder (empty names
// repeat freely); resources may be changed while RUNNING (there is no Stop/Start to require);
// subnets, disks and images are not modelled, their ids are taken as given.
import { createHash } from "node:crypto";
import { CloudError, errors } from "../../contract/errors.js";
import { decodeJson, encodeJson } from "../store/json.js";
import { AddressAllocator, isIpv4, type AddressPool } from "./addresses.js";
import type { AccessService } from "./access.js";
import type { ModelContext } from "./context.js";
import { findDoc, requireDoc } from "./doc-rows.js";
import { ID_PREFIX } from "./ids.js";
import type { OsLoginService } from "./os-login.js";
import { idAfter, keysetPage, pageSizeOf } from "./paging.js";
import {
  DESCRIPTION_MAX,
  ID_MAX,
  INSTANCE_CORE_FRACTIONS,
  INSTANCE_CORES,
  INSTANCE_GPUS,
  INSTANCE_HOSTNAME_PATTERN,
  INSTANCE_HOSTNAME_RULE,
  INSTANCE_LABEL_KEY_PATTERN,
  INSTANCE_LABEL_VALUE_PATTERN,
  INSTANCE_MEMORY_MAX,
  INSTANCE_NAME_PATTERN,
  INSTANCE_NAME_RULE,
  METADATA_TOTAL_MAX,
  METADATA_VALUE_MAX,
} from "../../contract/rules.js";
import type {
  Caller,
  CreateInstanceRequest,
  Instance,
  InstanceResources,
  NetworkInterface,
  Operation,
  Page,
  SshAuthorization,
  UpdateInstanceMetadataRequest,
  UpdateInstanceRequest,
} from "./types.js";
import { checkLabels, checkMaxLength, checkPattern, maskedFields, parseEqualsFilter, requireString } from "./validate.js";

const API = "yandex.cloud.compute.v1.";
const SERVICE = "compute.InstanceService.";
export const INSTANCE_TYPE = `${API}Instance`;
const LABEL_RULES = { keyPattern: INSTANCE_LABEL_KEY_PATTERN, valuePattern: INSTANCE_LABEL_VALUE_PATTERN };
/** A fresh VM's core_fraction when the request leaves it 0 / unset: a full core. */
const DEFAULT_CORE_FRACTION = 100n;
const SSH_AUTHORIZATIONS: readonly SshAuthorization[] = ["INSTANCE_METADATA", "OS_LOGIN"];

export type InstanceView = "BASIC" | "FULL";

export interface ListInstancesRequest {
  folderId: string;
  pageSize?: bigint;
  pageToken?: string;
  /** Only `name="<name>"`. */
  filter?: string;
  /** Only "id asc" (the API's default order) is supported. */
  orderBy?: string;
  /** FULL includes metadata (an emulator convenience for bulk refresh); BASIC (default) omits it, as the real List does. */
  view?: InstanceView;
}

type Opts = { idempotencyKey?: string };
type ResourcesSpec = CreateInstanceRequest["resourcesSpec"];

const UPDATABLE = {
  name: true,
  description: true,
  labels: true,
  platform_id: true,
  resources_spec: true,
  metadata: true,
  service_account_id: true,
  serial_port_settings: true,
} as const;
type UpdatableField = keyof typeof UPDATABLE;
const REQUEST_FIELD: Record<UpdatableField, keyof UpdateInstanceRequest> = {
  name: "name",
  description: "description",
  labels: "labels",
  platform_id: "platformId",
  resources_spec: "resourcesSpec",
  metadata: "metadata",
  service_account_id: "serviceAccountId",
  serial_port_settings: "serialPortSettings",
};

export class InstanceService {
  private readonly addresses: AddressAllocator;

  constructor(
    private readonly ctx: ModelContext,
    private readonly access: AccessService,
    private readonly osLogin: Pick<OsLoginService, "settingsOf">,
  ) {
    this.addresses = new AddressAllocator(ctx);
  }

  // ---------- Create ----------

  create(caller: Caller, req: CreateInstanceRequest, opts: Opts = {}): Operation {
    const folderId = requireString(req.folderId, "folder_id", ID_MAX);
    const name = req.name ?? "";
    checkPattern(name, "name", INSTANCE_NAME_PATTERN, INSTANCE_NAME_RULE);
    checkMaxLength(req.description, "description", DESCRIPTION_MAX);
    checkLabels(req.labels, "labels", LABEL_RULES);
    const zoneId = requireString(req.zoneId, "zone_id", ID_MAX);
    const platformId = requireString(req.platformId, "platform_id", ID_MAX);
    const resources = checkResources(req.resourcesSpec, "resources_spec");
    checkMetadata(req.metadata ?? {}, "metadata");
    this.checkBootDisk(req.bootDiskSpec);
    this.checkNetworkInterfaces(req.networkInterfaceSpecs);
    if (req.hostname) checkPattern(req.hostname, "hostname", INSTANCE_HOSTNAME_PATTERN, INSTANCE_HOSTNAME_RULE);
    const sshAuthorization = checkSshAuthorization(req.serialPortSettings, "serial_port_settings.ssh_authorization");
    const organizationId = this.organizationOf(folderId);
    if (!organizationId) throw errors.notFound("Folder", folderId);
    this.ctx.authorize(caller, "compute.instances.manage", { kind: "folder", id: folderId });
    const serviceAccountId = req.serviceAccountId ?? "";
    if (serviceAccountId) this.checkServiceAccount(caller, serviceAccountId, "service_account_id");

    return this.ctx.mutate(
      { caller, action: `${SERVICE}Create`, description: "Create instance", idempotencyKey: opts.idempotencyKey, request: req },
      () => {
        if (name) this.requireNameFree(folderId, name);
        const id = this.ctx.newId(ID_PREFIX.instance);
        const boot = req.bootDiskSpec;
        const diskId = boot.diskId || this.ctx.newId(ID_PREFIX.disk);
        // The row goes in first: address rows reference it, and each NIC's allocation must see the previous NIC's.
        this.ctx.sql("INSERT INTO instances (id, folder_id, name, doc) VALUES (?, ?, ?, '{}')").run(id, folderId, name);
        const instance: Instance = {
          id,
          folderId,
          createdAt: this.ctx.timestamp(),
          name,
          description: req.description ?? "",
          labels: { ...(req.labels ?? {}) },
          zoneId,
          platformId,
          resources,
          status: "RUNNING",
          metadata: { ...(req.metadata ?? {}) },
          bootDisk: {
            mode: boot.mode ?? "READ_WRITE",
            deviceName: boot.deviceName || diskId,
            autoDelete: boot.autoDelete ?? false,
            diskId,
          },
          networkInterfaces: req.networkInterfaceSpecs.map((spec, i) => this.attachInterface(id, spec, i)),
          fqdn: req.hostname ? `${req.hostname}.${regionOf(zoneId)}.internal` : `${id}.auto.internal`,
          serviceAccountId,
          serialPortSettings: { sshAuthorization: sshAuthorization ?? this.defaultSshAuthorization(organizationId) },
        };
        this.save(instance);
        return {
          resourceType: "instance",
          resourceId: id,
          before: undefined,
          after: instance,
          metadata: { typeName: `${API}CreateInstanceMetadata`, value: { instanceId: id } },
          response: { typeName: INSTANCE_TYPE, value: instance },
        };
      },
    );
  }

  // ---------- Get / List ----------

  get(caller: Caller, req: { instanceId: string; view?: InstanceView }): Instance {
    const id = requireString(req.instanceId, "instance_id", ID_MAX);
    const view = checkView(req.view);
    const instance = this.require(id);
    this.ctx.authorize(caller, "compute.instances.get", { kind: "instance", id });
    return withView(instance, view);
  }

  list(caller: Caller, req: ListInstancesRequest): Page<Instance> {
    const folderId = requireString(req.folderId, "folder_id", ID_MAX);
    const size = pageSizeOf(req.pageSize);
    const after = idAfter(req.pageToken);
    const filter = parseEqualsFilter(req.filter, ["name"]);
    const view = checkView(req.view);
    if (req.orderBy && !/^\s*id(\s+asc)?\s*$/i.test(req.orderBy)) {
      throw errors.invalidArgument("order_by", `${JSON.stringify(req.orderBy)} is not supported by the emulator; use "id asc" (the default)`);
    }
    if (!this.access.resourceExists({ kind: "folder", id: folderId })) throw errors.notFound("Folder", folderId);
    this.ctx.authorize(caller, "compute.instances.get", { kind: "folder", id: folderId });
    const docs = (
      filter
        ? this.ctx
            // Unnamed instances are outside the partial index instances_folder_name: name="" scans the folder.
            .sql(
              filter.value === ""
                ? "SELECT doc FROM instances WHERE folder_id = ? AND name = ? AND id > ? ORDER BY id LIMIT ?"
                : "SELECT doc FROM instances WHERE folder_id = ? AND name = ? AND name != '' AND id > ? ORDER BY id LIMIT ?",
              { pluck: true },
            )
            .all(folderId, filter.value, after, size + 1)
        : this.ctx
            .sql("SELECT doc FROM instances WHERE folder_id = ? AND id > ? ORDER BY id LIMIT ?", { pluck: true })
            .all(folderId, after, size + 1)
    ) as string[];
    return keysetPage(docs.map((d) => withView(decodeJson<Instance>(d), view)), size, (i) => i.id);
  }

  // ---------- Update / UpdateMetadata ----------

  /** Changes the masked fields (all given fields when the mask is empty). metadata replaces the whole map. */
  update(caller: Caller, req: UpdateInstanceRequest, opts: Opts = {}): Operation {
    const id = requireString(req.instanceId, "instance_id", ID_MAX);
    const mask = req.updateMask?.map((p) => (p === "serial_port_settings.ssh_authorization" ? "serial_port_settings" : p));
    const fields = maskedFields(mask, UPDATABLE, (f) => req[REQUEST_FIELD[f]] !== undefined);
    if (fields.has("name")) checkPattern(req.name ?? "", "name", INSTANCE_NAME_PATTERN, INSTANCE_NAME_RULE);
    if (fields.has("description")) checkMaxLength(req.description, "description", DESCRIPTION_MAX);
    if (fields.has("labels")) checkLabels(req.labels, "labels", LABEL_RULES);
    if (fields.has("platform_id")) requireString(req.platformId, "platform_id", ID_MAX);
    const resources = fields.has("resources_spec") ? checkResources(req.resourcesSpec, "resources_spec") : undefined;
    if (fields.has("metadata")) checkMetadata(req.metadata ?? {}, "metadata");
    const sshAuthorization = fields.has("serial_port_settings")
      ? checkSshAuthorization(req.serialPortSettings, "serial_port_settings.ssh_authorization")
      : undefined;
    const before = this.require(id);
    this.ctx.authorize(caller, "compute.instances.manage", { kind: "instance", id });
    if (fields.has("service_account_id") && req.serviceAccountId) {
      this.checkServiceAccount(caller, req.serviceAccountId, "service_account_id");
    }
    return this.ctx.mutate(
      { caller, action: `${SERVICE}Update`, description: "Update instance", idempotencyKey: opts.idempotencyKey, request: req },
      () => {
        const after: Instance = structuredClone(before);
        if (fields.has("name") && (req.name ?? "") !== before.name) {
          if (req.name) this.requireNameFree(before.folderId, req.name);
          after.name = req.name ?? "";
        }
        if (fields.has("description")) after.description = req.description ?? "";
        if (fields.has("labels")) after.labels = { ...(req.labels ?? {}) };
        if (fields.has("platform_id")) after.platformId = req.platformId!;
        if (resources) after.resources = resources;
        if (fields.has("metadata")) after.metadata = { ...(req.metadata ?? {}) };
        if (fields.has("service_account_id")) after.serviceAccountId = req.serviceAccountId ?? "";
        if (fields.has("serial_port_settings")) {
          after.serialPortSettings = { sshAuthorization: sshAuthorization ?? this.defaultSshAuthorization(this.organizationOf(before.folderId)!) };
        }
        this.save(after);
        return this.updated(before, after, `${API}UpdateInstanceMetadata`);
      },
    );
  }

  /** The partial metadata edit: `delete` keys are removed first, then `upsert` entries are set. */
  updateMetadata(caller: Caller, req: UpdateInstanceMetadataRequest, opts: Opts = {}): Operation {
    const id = requireString(req.instanceId, "instance_id", ID_MAX);
    const before = this.require(id);
    this.ctx.authorize(caller, "compute.instances.manage", { kind: "instance", id });
    const metadata = { ...before.metadata };
    for (const key of req.delete ?? []) delete metadata[key];
    Object.assign(metadata, req.upsert ?? {});
    checkMetadata(metadata, "upsert");
    return this.ctx.mutate(
      { caller, action: `${SERVICE}UpdateMetadata`, description: "Update instance metadata", idempotencyKey: opts.idempotencyKey, request: req },
      () => {
        const after: Instance = { ...before, metadata };
        this.save(after);
        return this.updated(before, after, `${API}UpdateInstanceMetadataMetadata`);
      },
    );
  }

  // ---------- Delete ----------

  /** Frees the instance's addresses and removes the access bindings set on it. */
  delete(caller: Caller, req: { instanceId: string }, opts: Opts = {}): Operation {
    const id = requireString(req.instanceId, "instance_id", ID_MAX);
    const before = this.require(id);
    this.ctx.authorize(caller, "compute.instances.manage", { kind: "instance", id });
    return this.ctx.mutate(
      { caller, action: `${SERVICE}Delete`, description: "Delete instance", idempotencyKey: opts.idempotencyKey, request: req },
      () => {
        this.ctx.sql("DELETE FROM instance_addresses WHERE instance_id = ?").run(id);
        this.access.deleteBindingsOf(undefined, { kind: "instance", id });
        this.ctx.sql("DELETE FROM instances WHERE id = ?").run(id);
        return {
          resourceType: "instance",
          resourceId: id,
          before,
          after: undefined,
          metadata: { typeName: `${API}DeleteInstanceMetadata`, value: { instanceId: id } },
        };
      },
    );
  }

  /** The stored instance (with metadata) or undefined; no authorization (metadata endpoint, inventory). */
  find(id: string): Instance | undefined {
    return findDoc<Instance>(this.ctx, "instances", id);
  }

  // ---------- helpers ----------

  /**
   * A missing instance is NOT_FOUND for every caller, before authorization: that is what the real
   * API answers, and refresh (ours and terraform's) relies on it to notice a deleted VM.
   */
  private require(id: string): Instance {
    return requireDoc<Instance>(this.ctx, "instances", "Instance", id);
  }

  private save(instance: Instance): void {
    this.ctx.sql("UPDATE instances SET name = ?, doc = ? WHERE id = ?").run(instance.name, encodeJson(instance), instance.id);
  }

  private updated(before: Instance, after: Instance, metadataType: string) {
    return {
      resourceType: "instance",
      resourceId: after.id,
      before,
      after,
      metadata: { typeName: metadataType, value: { instanceId: after.id } },
      response: { typeName: INSTANCE_TYPE, value: after },
    };
  }

  /** The organization of a folder (folder → cloud → organization); undefined when the folder does not exist. */
  private organizationOf(folderId: string): string | undefined {
    return this.ctx
      .sql("SELECT c.organization_id FROM folders f JOIN clouds c ON c.id = f.cloud_id WHERE f.id = ?", { pluck: true })
      .get(folderId) as string | undefined;
  }

  /** OS_LOGIN when the organization has OS Login on in either mode (certificates or user keys). */
  private defaultSshAuthorization(organizationId: string): SshAuthorization {
    const s = this.osLogin.settingsOf(organizationId);
    return s.sshCertificateSettings.enabled || s.userSshKeySettings.enabled ? "OS_LOGIN" : "INSTANCE_METADATA";
  }

  private requireNameFree(folderId: string, name: string): void {
    // "name != ''" lets SQLite use the partial unique index instances_folder_name (it only covers named instances).
    if (this.ctx.sql("SELECT 1 FROM instances WHERE folder_id = ? AND name = ? AND name != ''").get(folderId, name)) {
      throw new CloudError(
        "ALREADY_EXISTS",
        `Instance already exists: the name ${JSON.stringify(name)} is taken in folder ${folderId} (instance names are unique per folder)`,
        "name",
      );
    }
  }

  /** Attaching a service account needs it to exist and the caller to be allowed to use it. */
  private checkServiceAccount(caller: Caller, serviceAccountId: string, field: string): void {
    checkMaxLength(serviceAccountId, field, ID_MAX);
    this.ctx.authorize(caller, "iam.serviceAccounts.use", { kind: "serviceAccount", id: serviceAccountId });
    if (!this.ctx.sql("SELECT 1 FROM service_accounts WHERE id = ?").get(serviceAccountId)) {
      throw new CloudError("NOT_FOUND", `Service account ${JSON.stringify(serviceAccountId)} not found`, field);
    }
  }

  private checkBootDisk(spec: CreateInstanceRequest["bootDiskSpec"] | undefined): void {
    if (!spec) throw errors.required("boot_disk_spec");
    if (!!spec.diskId === !!spec.diskSpec) {
      throw errors.invalidArgument("boot_disk_spec", "exactly one of disk_id and disk_spec must be set");
    }
    checkMaxLength(spec.diskId, "boot_disk_spec.disk_id", ID_MAX);
    if (spec.mode !== undefined && spec.mode !== "READ_ONLY" && spec.mode !== "READ_WRITE") {
      throw errors.invalidArgument("boot_disk_spec.mode", "must be READ_ONLY or READ_WRITE");
    }
    if (spec.diskSpec) {
      if (spec.diskSpec.size === undefined) throw errors.required("boot_disk_spec.disk_spec.size");
      if (spec.diskSpec.size <= 0n) throw errors.invalidArgument("boot_disk_spec.disk_spec.size", "must be a positive number of bytes");
      checkMaxLength(spec.diskSpec.description, "boot_disk_spec.disk_spec.description", DESCRIPTION_MAX);
    }
  }

  /** Static checks; address uniqueness is checked when the addresses are reserved, inside the transaction. */
  private checkNetworkInterfaces(specs: CreateInstanceRequest["networkInterfaceSpecs"] | undefined): void {
    if (!specs || specs.length === 0) throw errors.required("network_interface_specs");
    specs.forEach((spec, i) => {
      const field = `network_interface_specs[${i}]`;
      requireString(spec.subnetId, `${field}.subnet_id`, ID_MAX);
      const addr = spec.primaryV4AddressSpec;
      if (addr?.address && !isIpv4(addr.address)) {
        throw errors.invalidArgument(`${field}.primary_v4_address_spec.address`, `${JSON.stringify(addr.address)} is not an IPv4 address`);
      }
      const nat = addr?.oneToOneNatSpec;
      if (nat?.ipVersion === "IPV6") {
        throw errors.invalidArgument(`${field}.primary_v4_address_spec.one_to_one_nat_spec.ip_version`, "only IPV4 one-to-one NAT is supported");
      }
      if (nat?.address && !isIpv4(nat.address)) {
        throw errors.invalidArgument(`${field}.primary_v4_address_spec.one_to_one_nat_spec.address`, `${JSON.stringify(nat.address)} is not an IPv4 address`);
      }
    });
  }

  private attachInterface(instanceId: string, spec: CreateInstanceRequest["networkInterfaceSpecs"][number], index: number): NetworkInterface {
    const field = `network_interface_specs[${index}].primary_v4_address_spec`;
    const address = this.takeAddress("internal", spec.subnetId, spec.primaryV4AddressSpec?.address, instanceId, `${field}.address`, `subnet ${spec.subnetId}`);
    const natSpec = spec.primaryV4AddressSpec?.oneToOneNatSpec;
    const nic: NetworkInterface = {
      index: String(index),
      macAddress: macAddressOf(instanceId, index),
      subnetId: spec.subnetId,
      primaryV4Address: { address },
      securityGroupIds: [...(spec.securityGroupIds ?? [])],
    };
    if (natSpec) {
      const nat = this.takeAddress("nat", "", natSpec.address, instanceId, `${field}.one_to_one_nat_spec.address`, "the emulator");
      nic.primaryV4Address.oneToOneNat = { address: nat, ipVersion: "IPV4" };
    }
    return nic;
  }

  private takeAddress(pool: AddressPool, scope: string, wanted: string | undefined, instanceId: string, field: string, where: string): string {
    let ip = wanted;
    if (ip) {
      if (this.addresses.isTaken(pool, scope, ip)) {
        throw new CloudError("ALREADY_EXISTS", `Address ${ip} is already used in ${where} (field ${field})`, field);
      }
    } else {
      ip = this.addresses.next(pool, scope);
      if (!ip) throw new CloudError("RESOURCE_EXHAUSTED", `No free ${pool === "nat" ? "NAT" : "internal"} address left in ${where}`, field);
    }
    this.addresses.reserve(pool, scope, ip, instanceId);
    return ip;
  }
}

// ---------- request checks ----------

function checkResources(spec: ResourcesSpec | undefined, field: string): InstanceResources {
  if (!spec) throw errors.required(field);
  if (spec.memory === undefined) throw errors.required(`${field}.memory`);
  if (spec.memory <= 0n || spec.memory > INSTANCE_MEMORY_MAX) {
    throw errors.invalidArgument(`${field}.memory`, `must be between 1 and ${INSTANCE_MEMORY_MAX} bytes (got ${spec.memory})`);
  }
  if (spec.cores === undefined) throw errors.required(`${field}.cores`);
  const oneOf = (v: bigint, allowed: bigint[], name: string) => {
    if (!allowed.includes(v)) throw errors.invalidArgument(`${field}.${name}`, `must be one of ${allowed.join(", ")} (got ${v})`);
  };
  oneOf(spec.cores, INSTANCE_CORES, "cores");
  const coreFraction = spec.coreFraction ?? 0n;
  oneOf(coreFraction, INSTANCE_CORE_FRACTIONS, "core_fraction");
  const gpus = spec.gpus ?? 0n;
  oneOf(gpus, INSTANCE_GPUS, "gpus");
  return { memory: spec.memory, cores: spec.cores, coreFraction: coreFraction === 0n ? DEFAULT_CORE_FRACTION : coreFraction, gpus };
}

/** Metadata limits (reference 3.3): each value <= 256 KB; keys and values together < 512 KB (UTF-8 bytes). */
function checkMetadata(metadata: Record<string, string>, field: string): void {
  let total = 0;
  for (const [key, value] of Object.entries(metadata)) {
    if (key === "") throw errors.invalidArgument(field, "metadata keys must not be empty");
    const size = Buffer.byteLength(value, "utf8");
    if (size > METADATA_VALUE_MAX) {
      throw errors.invalidArgument(`${field}[${key}]`, `the value is ${size} bytes; a metadata value may be at most ${METADATA_VALUE_MAX} bytes (256 KB)`);
    }
    total += Buffer.byteLength(key, "utf8") + size;
  }
  if (total >= METADATA_TOTAL_MAX) {
    throw errors.invalidArgument(field, `keys and values total ${total} bytes; metadata must be less than ${METADATA_TOTAL_MAX} bytes (512 KB) in total`);
  }
}

function checkSshAuthorization(settings: { sshAuthorization?: SshAuthorization } | undefined, field: string): SshAuthorization | undefined {
  const v = settings?.sshAuthorization as string | undefined;
  if (v === undefined || v === "" || v === "SSH_AUTHORIZATION_UNSPECIFIED") return undefined;
  if (!SSH_AUTHORIZATIONS.includes(v as SshAuthorization)) {
    throw errors.invalidArgument(field, `${JSON.stringify(v)} must be INSTANCE_METADATA or OS_LOGIN`);
  }
  return v as SshAuthorization;
}

function checkView(view: string | undefined): InstanceView {
  if (view === undefined || view === "BASIC" || view === "FULL") return view ?? "BASIC";
  throw errors.invalidArgument("view", `${JSON.stringify(view)} must be BASIC or FULL`);
}

/** BASIC omits metadata, as the real Get does without view=FULL (the map is then empty on the wire). */
const withView = (i: Instance, view: InstanceView): Instance => (view === "FULL" ? i : { ...i, metadata: {} });

/** ru-central1-a → ru-central1: zones are "<region>-<letter>". */
export const regionOf = (zoneId: string): string => zoneId.replace(/-[a-z]$/, "");

/** A stable, locally administered-looking MAC in the d0:0d: prefix the real cloud uses, derived from the instance id. */
function macAddressOf(instanceId: string, index: number): string {
  const h = createHash("sha256").update(`${instanceId}/${index}`).digest();
  return ["d0", "0d", ...[...h.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0"))].join(":");
}
