// The realistic mode on the gRPC server: wraps each call's handling (handler.ts) with the plan
// Realism draws for it, and shows unfinished work the way the real API does: a mutation's Operation
// comes back done: false (no response yet) until its time is up, OperationService.Get answers the
// same until then, and an instance being created reads as PROVISIONING.
import * as instanceService from "@yandex-cloud/nodejs-sdk/compute-v1/instance_service";
import { Realism, sleep } from "./realism.js";

interface SdkOperation {
  id: string;
  done: boolean;
  metadata?: { typeUrl: string; value: Uint8Array };
  response?: unknown;
  error?: unknown;
}

interface SdkInstance {
  id: string;
  status: number;
}

const PROVISIONING = 1; // yandex.cloud.compute.v1.Instance.Status
const CREATE_INSTANCE = "/yandex.cloud.compute.v1.InstanceService/Create";
const OPERATION_GET = "/yandex.cloud.operation.OperationService/Get";

const isOperation = (v: unknown): v is SdkOperation =>
  typeof v === "object" && v !== null && typeof (v as SdkOperation).id === "string" && typeof (v as SdkOperation).done === "boolean";

/** Reads change nothing; every other method (Create, Update, Set..., IAM token Create) does. */
export const isMutatingMethod = (path: string) => !/\/(Get|List)[A-Za-z]*$/.test(path);

export async function realisticCall(realism: Realism, path: string, callerKey: string, handle: () => Promise<unknown>): Promise<unknown> {
  const mutation = isMutatingMethod(path);
  const plan = realism.plan(path, callerKey, mutation);
  await sleep(plan.delayMs);
  if (plan.before) throw plan.before;
  let response = await handle();
  if (isOperation(response)) response = operationView(realism, path, mutation, response);
  else if (path.startsWith("/yandex.cloud.compute.v1.InstanceService/")) response = instancesView(realism, response);
  if (plan.after) throw plan.after;
  return response;
}

function operationView(realism: Realism, path: string, mutation: boolean, op: SdkOperation): SdkOperation {
  if (mutation && !op.error) {
    const instanceId = path === CREATE_INSTANCE && op.metadata ? instanceService.CreateInstanceMetadata.decode(op.metadata.value).instanceId : undefined;
    realism.operationStarted(op.id, instanceId);
  }
  if ((mutation || path === OPERATION_GET) && realism.operationPending(op.id)) {
    return { ...op, done: false, response: undefined, error: undefined };
  }
  return op;
}

/** Get answers an Instance, List a page of them: either way a provisioning one says so. */
function instancesView(realism: Realism, response: unknown): unknown {
  const mark = (i: SdkInstance) => (realism.instanceProvisioning(i.id) ? { ...i, status: PROVISIONING } : i);
  const r = response as { instances?: SdkInstance[] } & Partial<SdkInstance>;
  if (Array.isArray(r.instances)) return { ...r, instances: r.instances.map(mark) };
  if (typeof r.id === "string" && typeof r.status === "number") return mark(r as SdkInstance);
  return response;
}
