// Operations (package yandex.cloud.operation): the model's Operation ⇄ the SDK's, with metadata and
// response packed as google.protobuf.Any through the codecs every service group's mapping declares.
import { Empty } from "@yandex-cloud/nodejs-sdk/google/protobuf/empty";
import * as sdk from "@yandex-cloud/nodejs-sdk/operation/operation";
import type { AnyValue, Operation } from "../../../model/types.js";
import { ACCESS_ANY } from "./access.js";
import { AnyRegistry, plainAny, TYPE_URL_PREFIX } from "./any.js";
import { fromDate, toDate } from "./common.js";
import { COMPUTE_ANY } from "./compute.js";
import { IAM_ANY } from "./iam.js";
import { ORGANIZATIONMANAGER_ANY } from "./organizationmanager.js";

export const ANY_TYPES = new AnyRegistry([
  ...ORGANIZATIONMANAGER_ANY,
  ...IAM_ANY,
  ...COMPUTE_ANY,
  ...ACCESS_ANY,
  plainAny("google.protobuf.Empty", Empty) as never,
]);

/**
 * An Any the emulator has a codec for is encoded with the SDK's codec; any other (the emulator-only
 * operations: seeding, creating directory entries) travels with its type name and no fields, so
 * OperationService.Get still answers and a client sees exactly which message it cannot decode.
 */
function anyToSdk(value: AnyValue): { typeUrl: string; value: Buffer } {
  const codec = ANY_TYPES.get(value.typeName);
  return { typeUrl: TYPE_URL_PREFIX + value.typeName, value: codec ? Buffer.from(codec.encode(value.value)) : Buffer.alloc(0) };
}

export function operationToSdk(op: Operation): sdk.Operation {
  return {
    id: op.id,
    description: op.description,
    createdAt: toDate(op.createdAt),
    createdBy: op.createdBy,
    modifiedAt: toDate(op.modifiedAt),
    done: op.done,
    metadata: op.metadata && anyToSdk(op.metadata),
    error: op.error && { code: op.error.code, message: op.error.message, details: [] },
    response: op.response && anyToSdk(op.response),
  };
}

/** Decodes an Any this emulator knows; an unknown type keeps its name with an undefined value. */
export function anyFromSdk(any: { typeUrl: string; value: Uint8Array }): AnyValue {
  const codec = ANY_TYPES.forTypeUrl(any.typeUrl);
  const typeName = any.typeUrl.startsWith(TYPE_URL_PREFIX) ? any.typeUrl.slice(TYPE_URL_PREFIX.length) : any.typeUrl;
  return { typeName, value: codec ? codec.decode(any.value) : undefined };
}

export function operationFromSdk(op: sdk.Operation): Operation {
  const out: Operation = {
    id: op.id,
    description: op.description,
    createdAt: fromDate(op.createdAt) ?? "",
    createdBy: op.createdBy,
    modifiedAt: fromDate(op.modifiedAt) ?? "",
    done: op.done,
  };
  if (op.metadata) out.metadata = anyFromSdk(op.metadata);
  if (op.error) out.error = { code: op.error.code, message: op.error.message, details: [] };
  if (op.response) out.response = anyFromSdk(op.response);
  return out;
}
