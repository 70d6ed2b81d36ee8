// What every gRPC method shares: decoding failures answered as INVALID_ARGUMENT, authentication from
// the `authorization` metadata (auth.ts), the `idempotency-key` metadata, and errors mapped to gRPC
// statuses: a CloudError keeps its code and message; anything else is INTERNAL with a generic
// message (the cause goes to the server's log hook, never to the client).
import {
  Metadata,
  status,
  type MethodDefinition,
  type ServerUnaryCall,
  type ServiceDefinition,
  type UntypedServiceImplementation,
  type sendUnaryData,
} from "@grpc/grpc-js";
import { resolveCaller } from "../../auth.js";
import { CloudError, errors, isCloudError } from "../../../contract/errors.js";
import type { CloudModel } from "../../model/cloud-model.js";
import type { Caller } from "../../model/types.js";
import { realisticCall } from "../../realism/grpc-interceptor.js";
import type { Realism } from "../../realism/realism.js";
import { encodeRetryStatus, STATUS_DETAILS_KEY } from "../../realism/retry-info.js";

export interface CallContext {
  caller: Caller;
  idempotencyKey?: string;
}

export interface HandlerDeps {
  model: CloudModel;
  adminToken: string;
  /** Told about unexpected (non-CloudError) failures. */
  log?: (line: string) => void;
  /** The realistic mode (latency, faults, unfinished operations); absent = answer at once. */
  realism?: Realism;
}

/** A method implementation: the decoded request and who calls → the response message. */
export type Handler = (request: never, ctx: CallContext) => unknown;

/** Marks a method that needs no bearer token (IamTokenService.Create: the JWT is the credential). */
export interface Unauthenticated {
  unauthenticated: true;
  handle: (request: never) => unknown;
}

export type MethodImpl = Handler | Unauthenticated;

/** The longest idempotency key accepted (they are stored per caller). */
const IDEMPOTENCY_KEY_MAX = 128;

/**
 * What a request deserializer returns instead of throwing: grpc-js would answer a throwing
 * deserializer with INTERNAL, but an undecodable request is the client's error.
 */
class DecodeFailure {
  constructor(readonly error: CloudError) {}
}

function decodeError(e: unknown): CloudError {
  if (isCloudError(e)) return e;
  const why = e instanceof Error ? e.message : "malformed message";
  return errors.invalidArgument("request", `the message could not be decoded: ${why}`);
}

/**
 * The definition as served: an undecodable request becomes a DecodeFailure (answered INVALID_ARGUMENT
 * by the handler), and a response that cannot be encoded — a server bug — is logged before grpc-js
 * answers INTERNAL for it.
 */
function servedDefinition(definition: ServiceDefinition, log?: (line: string) => void): ServiceDefinition {
  const out: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [name, m] of Object.entries(definition) as [string, MethodDefinition<unknown, unknown>][]) {
    out[name] = {
      ...m,
      requestDeserialize: (bytes: Buffer) => {
        try {
          return m.requestDeserialize(bytes);
        } catch (e) {
          return new DecodeFailure(decodeError(e));
        }
      },
      responseSerialize: (value: unknown) => {
        try {
          return m.responseSerialize(value);
        } catch (e) {
          log?.(`gRPC ${m.path}: internal error: the response could not be encoded: ${e instanceof Error ? e.message : String(e)}`);
          throw e;
        }
      },
    };
  }
  return out;
}

function toStatus(e: unknown, deps: HandlerDeps, path: string): { code: number; details: string; metadata: Metadata } {
  if (isCloudError(e)) {
    const metadata = new Metadata();
    // RetryInfo rides in the standard status-details trailer, where the real API puts it.
    if (e.retryAfterMs !== undefined) metadata.set(STATUS_DETAILS_KEY, encodeRetryStatus(e.grpcCode, e.message, e.retryAfterMs));
    return { code: e.grpcCode, details: e.message, metadata };
  }
  deps.log?.(`gRPC ${path}: internal error: ${e instanceof Error ? e.message : String(e)}`);
  const internal = errors.internal();
  return { code: internal.grpcCode, details: internal.message, metadata: new Metadata() };
}

function firstString(md: Metadata, key: string): string | undefined {
  const v = md.get(key)[0];
  return typeof v === "string" ? v : undefined;
}

function callContext(deps: HandlerDeps, md: Metadata): CallContext {
  const caller = resolveCaller(deps.model, deps.adminToken, firstString(md, "authorization"));
  const idempotencyKey = firstString(md, "idempotency-key");
  if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > IDEMPOTENCY_KEY_MAX)) {
    throw errors.invalidArgument("idempotency-key", `must be 1 to ${IDEMPOTENCY_KEY_MAX} characters`);
  }
  return { caller, idempotencyKey };
}

function unary(deps: HandlerDeps, path: string, impl: MethodImpl) {
  return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
    const run = (): unknown => {
      const request = call.request;
      if (request instanceof DecodeFailure) throw request.error;
      if (typeof impl !== "function") return impl.handle(request as never);
      return impl(request as never, callContext(deps, call.metadata));
    };
    // Calls arriving together share one commit; each is answered once its own is on disk.
    const handle = () => deps.model.ctx.acknowledged(run);
    const answer = deps.realism ? realisticCall(deps.realism, path, firstString(call.metadata, "authorization") ?? "", handle) : handle();
    answer.then(
      (response) => callback(null, response),
      (e: unknown) => callback(toStatus(e, deps, path)),
    );
  };
}

/**
 * The SDK's definition with the given implementations; every other method of the service answers
 * UNIMPLEMENTED naming itself, so a client learns exactly what the emulator lacks.
 */
export function bindService(
  deps: HandlerDeps,
  definition: ServiceDefinition,
  impls: Record<string, MethodImpl>,
): { definition: ServiceDefinition; implementation: UntypedServiceImplementation } {
  const implementation: UntypedServiceImplementation = {};
  for (const name of Object.keys(impls)) {
    if (!(name in definition)) throw new Error(`gRPC binding: ${name} is not a method of this service`);
  }
  for (const [name, method] of Object.entries(definition) as [string, MethodDefinition<unknown, unknown>][]) {
    const impl = impls[name];
    implementation[name] = impl
      ? unary(deps, method.path, impl)
      : (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) =>
          callback({ code: status.UNIMPLEMENTED, details: `${method.path.slice(1)} is not implemented by the emulator` });
  }
  return { definition: servedDefinition(definition, deps.log), implementation };
}
