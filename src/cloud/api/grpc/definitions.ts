// The SDK's generated grpc-js service definitions, adjusted for exact int64 (see int64.ts). Both the
// server (addService) and the gRPC client (session.client) use the adjusted copies, so bigint uids
// and page sizes cross the wire exactly in both directions; every other method keeps the SDK codec.
import type { MethodDefinition, ServiceDefinition } from "@grpc/grpc-js";
import { decodeInt64Safe, encodeInt64Safe, type Int64Shape } from "./int64.js";

/** Per method name (the definition's key, e.g. "createProfile"): which side carries int64 fields. */
export type Int64Table = Record<string, { request?: Int64Shape; response?: Int64Shape }>;

export function int64SafeDefinition<D extends ServiceDefinition>(definition: D, table: Int64Table): D {
  const out: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(definition) as [string, MethodDefinition<unknown, unknown>][]) {
    const shapes = table[name];
    if (!shapes) {
      out[name] = method;
      continue;
    }
    const { request, response } = shapes;
    out[name] = {
      ...method,
      ...(request && {
        requestSerialize: (m: unknown) => Buffer.from(encodeInt64Safe(request, m as object)),
        requestDeserialize: (b: Buffer) => decodeInt64Safe(request, b),
      }),
      ...(response && {
        responseSerialize: (m: unknown) => Buffer.from(encodeInt64Safe(response, m as object)),
        responseDeserialize: (b: Buffer) => decodeInt64Safe(response, b),
      }),
    };
  }
  for (const name of Object.keys(table)) {
    if (!(name in definition)) throw new Error(`int64 table names method ${name}, which the service definition does not have`);
  }
  return out as D;
}

/**
 * A client "class" for Session.client(): it only reads `.service`, so an adjusted definition can
 * stand in for the SDK's generated client class.
 */
export function clientClassFor<C extends { service: ServiceDefinition }>(clientClass: C, table: Int64Table): C {
  return { ...clientClass, service: int64SafeDefinition(clientClass.service, table) } as C;
}
