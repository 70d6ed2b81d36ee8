// Response encoding for the REST gateway, following the proto3 JSON mapping the real API uses:
// int64 (the model's bigint) as decimal strings, and google.protobuf.Any (the model's AnyValue in an
// Operation's metadata/response) as the message's fields plus "@type": "type.googleapis.com/<name>".
import type { AnyValue, Operation } from "../../model/types.js";

const TYPE_URL_PREFIX = "type.googleapis.com/";

/**
 * Well-known types whose JSON form is not an object of fields are wrapped as {"@type", "value"}
 * inside an Any (proto3 JSON rule). Empty is one of them in the reference implementations (Go
 * protojson writes {"@type": ".../google.protobuf.Empty", "value": {}}).
 */
const WRAPPED_WELL_KNOWN = new Set(["google.protobuf.Empty"]);

export function anyJson(any: AnyValue): Record<string, unknown> {
  const type = TYPE_URL_PREFIX + any.typeName;
  if (WRAPPED_WELL_KNOWN.has(any.typeName)) return { "@type": type, value: any.value ?? {} };
  return { "@type": type, ...(any.value as Record<string, unknown>) };
}

/** yandex.cloud.operation.Operation as REST JSON (fields in proto order; result oneof as error|response). */
export function operationJson(op: Operation): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: op.id,
    description: op.description,
    createdAt: op.createdAt,
    createdBy: op.createdBy,
    modifiedAt: op.modifiedAt,
    done: op.done,
  };
  if (op.metadata) out.metadata = anyJson(op.metadata);
  if (op.error) out.error = op.error;
  else if (op.response) out.response = anyJson(op.response);
  return out;
}

const replacer = (_key: string, v: unknown): unknown => (typeof v === "bigint" ? v.toString() : v);

/** JSON text of a response body: bigint → decimal string; undefined fields are left out. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, replacer);
}
