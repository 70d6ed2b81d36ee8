// compute: InstanceService (Get/List/Create/Update/UpdateMetadata/Delete/GetSerialPortOutput + access bindings).
import type { instanceService as svc } from "@yandex-cloud/nodejs-sdk/compute-v1";
import type { CallContext, HandlerDeps, MethodImpl } from "../handler.js";
import {
  createInstanceRequestFromSdk,
  instanceToSdk,
  listInstancesRequestFromSdk,
  updateInstanceRequestFromSdk,
  updateMetadataRequestFromSdk,
  viewFromSdk,
  type SdkListInstancesRequest,
} from "../mapping/compute.js";
import { operationToSdk } from "../mapping/operation.js";
import { accessBindingMethods } from "./access.js";

export function instanceMethods(deps: HandlerDeps): Record<string, MethodImpl> {
  const s = deps.model.instances;
  return {
    get: (r: svc.GetInstanceRequest, c: CallContext) =>
      instanceToSdk(s.get(c.caller, { instanceId: r.instanceId, view: viewFromSdk(r.view) })),
    list: (r: SdkListInstancesRequest, c: CallContext): svc.ListInstancesResponse => {
      const page = s.list(c.caller, listInstancesRequestFromSdk(r));
      return { instances: page.items.map(instanceToSdk), nextPageToken: page.nextPageToken };
    },
    create: (r: svc.CreateInstanceRequest, c: CallContext) => operationToSdk(s.create(c.caller, createInstanceRequestFromSdk(r), c)),
    update: (r: svc.UpdateInstanceRequest, c: CallContext) => operationToSdk(s.update(c.caller, updateInstanceRequestFromSdk(r), c)),
    updateMetadata: (r: svc.UpdateInstanceMetadataRequest, c: CallContext) =>
      operationToSdk(s.updateMetadata(c.caller, updateMetadataRequestFromSdk(r), c)),
    delete: (r: svc.DeleteInstanceRequest, c: CallContext) => operationToSdk(s.delete(c.caller, r, c)),
    getSerialPortOutput: (r: svc.GetInstanceSerialPortOutputRequest, c: CallContext): svc.GetInstanceSerialPortOutputResponse =>
      deps.model.serialPorts.getOutput(c.caller, { instanceId: r.instanceId, port: r.port }),
    ...accessBindingMethods(deps, "instance"),
  };
}
