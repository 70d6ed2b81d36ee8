// The realistic mode for the cloud embedded in process (OSLOGIN_REALISM): the same plans the gRPC
// interceptor follows, applied around an InProcessCloudClient. A mutation's Operation cannot be
// shown unfinished here (the in-process client returns results, not Operations), so the call itself
// takes the operation's time, as a gRPC client awaiting it would, and an instance being created
// reads as PROVISIONING to anyone who looks meanwhile.
import type { CloudClient } from "../../contract/cloud-client.js";
import { isMutating, MUTATING_METHODS, type CallOptions } from "../../contract/cloud-client.js";
import { OperationTimeoutError } from "../../contract/errors.js";
import type { Instance, Page } from "../model/types.js";
import { Realism, sleep } from "./realism.js";

export function realisticInProcess(inner: CloudClient, realism: Realism, callerKey: string): CloudClient {
  const provisioning = (i: Instance): Instance => (realism.instanceProvisioning(i.id) ? { ...i, status: "PROVISIONING" } : i);
  async function call(method: string, fn: (...a: unknown[]) => Promise<unknown>, args: unknown[]): Promise<unknown> {
    const mutation = isMutating(method);
    const plan = realism.plan(method, callerKey, mutation);
    await sleep(plan.delayMs);
    if (plan.before) throw plan.before;
    let result = await fn.apply(inner, args);
    if (mutation && realism.options.operationMs > 0) {
      if (method === "createInstance") realism.operationStarted(`in-process:${(result as Instance).id}`, (result as Instance).id);
      // A caller that awaits the operation for less than it takes gives up, as the gRPC client does.
      const limit = (args[MUTATING_METHODS[method as keyof typeof MUTATING_METHODS]] as CallOptions | undefined)?.operationTimeoutMs;
      if (limit !== undefined && limit < realism.options.operationMs) {
        await sleep(limit);
        throw new OperationTimeoutError(`in-process:${method}`, limit);
      }
      await sleep(realism.options.operationMs);
    }
    if (method === "getInstance") result = provisioning(result as Instance);
    if (method === "listInstances") result = { ...(result as Page<Instance>), items: (result as Page<Instance>).items.map(provisioning) };
    if (plan.after) throw plan.after;
    return result;
  }
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof prop !== "string" || typeof value !== "function" || prop === "close" || prop === "as") return value;
      return (...args: unknown[]) => call(prop, value as (...a: unknown[]) => Promise<unknown>, args);
    },
  });
}
