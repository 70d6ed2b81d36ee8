// compute/v1 InstanceService (+ its access bindings). Get returns metadata only with view=FULL, as
// the real API does; List never does.
import type { AccessService } from "../../../model/access.js";
import type { InstanceService } from "../../../model/instances.js";
import type { SerialPortService } from "../../../model/serial-port.js";
import type {
  CreateInstanceRequest,
  UpdateInstanceMetadataRequest,
  UpdateInstanceRequest,
} from "../../../model/types.js";
import { operationJson } from "../encode.js";
import { route, type Route } from "../router.js";
import { arrayOf, bool, enumOf, fieldMask, int64, mapOf, object, required, string } from "../schema.js";
import { accessBindingRoutes } from "./access-bindings.js";
import { callOpts, listJson, PAGE_FIELDS, type PageQuery } from "./common.js";

const BASE = "/compute/v1/instances";

type ResourcesSpec = CreateInstanceRequest["resourcesSpec"];
const resourcesSpec = object<ResourcesSpec>({
  memory: required(int64),
  cores: required(int64),
  coreFraction: int64,
  gpus: int64,
});

const sshAuthorization = enumOf(["INSTANCE_METADATA", "OS_LOGIN"] as const);
const serialPortSettings = object<NonNullable<CreateInstanceRequest["serialPortSettings"]>>({ sshAuthorization });
const diskMode = enumOf(["READ_ONLY", "READ_WRITE"] as const);

type BootDiskSpec = CreateInstanceRequest["bootDiskSpec"];
const bootDiskSpec = object<BootDiskSpec>({
  mode: diskMode,
  deviceName: string,
  autoDelete: bool,
  diskId: string,
  diskSpec: object<NonNullable<BootDiskSpec["diskSpec"]>>({
    name: string,
    description: string,
    typeId: string,
    size: required(int64),
    imageId: string,
    snapshotId: string,
  }),
});

type NicSpec = CreateInstanceRequest["networkInterfaceSpecs"][number];
type AddressSpec = NonNullable<NicSpec["primaryV4AddressSpec"]>;
const networkInterfaceSpec = object<NicSpec>({
  subnetId: required(string),
  primaryV4AddressSpec: object<AddressSpec>({
    address: string,
    oneToOneNatSpec: object<NonNullable<AddressSpec["oneToOneNatSpec"]>>({
      ipVersion: enumOf(["IPV4", "IPV6"] as const),
      address: string,
    }),
  }),
  securityGroupIds: arrayOf(string),
});

const createBody = object<CreateInstanceRequest>({
  folderId: required(string),
  name: string,
  description: string,
  labels: mapOf(string),
  zoneId: required(string),
  platformId: required(string),
  resourcesSpec: required(resourcesSpec),
  metadata: mapOf(string),
  bootDiskSpec: required(bootDiskSpec),
  networkInterfaceSpecs: required(arrayOf(networkInterfaceSpec)),
  hostname: string,
  serviceAccountId: string,
  serialPortSettings,
});

type UpdateBody = Omit<UpdateInstanceRequest, "instanceId">;
const updateBody = object<UpdateBody>({
  updateMask: fieldMask,
  name: string,
  description: string,
  labels: mapOf(string),
  platformId: string,
  resourcesSpec,
  metadata: mapOf(string),
  serviceAccountId: string,
  serialPortSettings,
});

type UpdateMetadataBody = Omit<UpdateInstanceMetadataRequest, "instanceId">;
const updateMetadataBody = object<UpdateMetadataBody>({ delete: arrayOf(string), upsert: mapOf(string) });

type View = "BASIC" | "FULL";
const view = enumOf(["BASIC", "FULL"] as const);

interface ListQuery extends PageQuery {
  folderId: string;
  filter?: string;
  orderBy?: string;
  /** Not in the real List: FULL adds metadata (the emulator's convenience for bulk refresh). */
  view?: View;
}
const listQuery = object<ListQuery>({ folderId: required(string), ...PAGE_FIELDS, filter: string, orderBy: string, view });

export function computeRoutes(instances: InstanceService, access: AccessService, serialPorts: SerialPortService): Route[] {
  return [
    route<{ view?: View }>({
      method: "GET",
      path: `${BASE}/{instanceId}`,
      query: object<{ view?: View }>({ view }),
      handle: (ctx) => instances.get(ctx.caller, { instanceId: ctx.params.instanceId, view: ctx.query.view ?? "BASIC" }),
    }),
    route<ListQuery>({
      method: "GET",
      path: BASE,
      query: listQuery,
      handle: (ctx) => listJson("instances", instances.list(ctx.caller, ctx.query)),
    }),
    route<unknown, CreateInstanceRequest>({
      method: "POST",
      path: BASE,
      body: createBody,
      handle: (ctx) => operationJson(instances.create(ctx.caller, ctx.body, callOpts(ctx))),
    }),
    route<unknown, UpdateBody>({
      method: "PATCH",
      path: `${BASE}/{instanceId}`,
      body: updateBody,
      handle: (ctx) =>
        operationJson(instances.update(ctx.caller, { ...ctx.body, instanceId: ctx.params.instanceId }, callOpts(ctx))),
    }),
    route<unknown, UpdateMetadataBody>({
      method: "POST",
      path: `${BASE}/{instanceId}/updateMetadata`,
      body: updateMetadataBody,
      handle: (ctx) =>
        operationJson(instances.updateMetadata(ctx.caller, { ...ctx.body, instanceId: ctx.params.instanceId }, callOpts(ctx))),
    }),
    route({
      method: "DELETE",
      path: `${BASE}/{instanceId}`,
      handle: (ctx) => operationJson(instances.delete(ctx.caller, { instanceId: ctx.params.instanceId }, callOpts(ctx))),
    }),
    route<{ port?: bigint }>({
      method: "GET",
      path: `${BASE}/{instanceId}:serialPortOutput`,
      query: object<{ port?: bigint }>({ port: int64 }),
      handle: (ctx) => serialPorts.getOutput(ctx.caller, { instanceId: ctx.params.instanceId, port: ctx.query.port }),
    }),
    ...accessBindingRoutes(access, "instance", BASE),
  ];
}
