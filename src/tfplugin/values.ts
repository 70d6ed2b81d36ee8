// DynamicValue <-> our Value conventions (src/resources/define.ts), always against a block schema.
//
// Wire facts (docs/reference.md, "Values"): msgpack, every attribute present
// (nil when null), nested LIST/SET blocks as arrays ([] when absent), unknown = an extension. We send
// ext 0 with one zero byte (`d4 00 00`, what terraform-plugin-go writes) and treat ANY received
// extension as unknown, because terraform 1.11 sends refined unknowns as ext 12.
// int64 attributes keep full precision: they travel as msgpack int64 and are decimal strings here.
import { Decoder, Encoder, ExtData } from "@msgpack/msgpack";
import { UNKNOWN, isUnknown } from "../resources/define.js";
import type { BlockSchema, ObjectValue, Value, ValueType } from "../resources/define.js";
import { parseJsonKeepingIntegers } from "../util/json-integers.js";

/** A value from terraform that does not fit the schema; `path` says where. */
export class WireValueError extends Error {
  constructor(
    message: string,
    readonly path: (string | number)[],
  ) {
    super(message);
    this.name = "WireValueError";
  }
}

const decoder = new Decoder({ useBigInt64: true });
const encoder = new Encoder({ useBigInt64: true, sortKeys: true });
const UNKNOWN_EXT = new ExtData(0, Uint8Array.of(0));

// ---------- decoding ----------

/** Decode a DynamicValue (msgpack, or json when msgpack is empty) of a block. null = a null object. */
export function decodeDynamic(
  dv: { msgpack?: Uint8Array; json?: Uint8Array } | undefined | null,
  block: BlockSchema,
): ObjectValue | null {
  if (dv?.msgpack && dv.msgpack.length > 0) return decodeMsgpack(dv.msgpack, block);
  if (dv?.json && dv.json.length > 0) return decodeJson(Buffer.from(dv.json).toString("utf8"), block);
  return null;
}

export function decodeMsgpack(bytes: Uint8Array, block: BlockSchema): ObjectValue | null {
  return blockFromWire(decoder.decode(bytes), block, []);
}

/** RawState.json and DynamicValue.json: JSON keeping every integer digit (int64 uids exceed 2^53). */
export function decodeJson(text: string, block: BlockSchema): ObjectValue | null {
  return blockFromWire(parseJsonKeepingIntegers(text), block, []);
}

function blockFromWire(raw: unknown, block: BlockSchema, path: (string | number)[]): ObjectValue | null {
  if (raw === null || raw === undefined) return null;
  if (raw instanceof ExtData) throw new WireValueError("an unknown value where an object was expected", path);
  if (typeof raw !== "object" || Array.isArray(raw)) throw new WireValueError("expected an object", path);
  const o = raw as Record<string, unknown>;
  const out: ObjectValue = {};
  for (const [name, a] of Object.entries(block.attributes)) out[name] = fromWire(o[name], a.type, [...path, name]);
  for (const [name, b] of Object.entries(block.blocks ?? {})) {
    const items = o[name];
    const p = [...path, name];
    if (items instanceof ExtData) out[name] = UNKNOWN;
    else if (items === null || items === undefined) out[name] = [];
    // JSON configs may write a single block as an object; terraform itself always sends arrays.
    else if (!Array.isArray(items)) out[name] = [blockFromWire(items, b.block, [...p, 0])];
    else out[name] = items.map((item, i) => (item instanceof ExtData ? UNKNOWN : blockFromWire(item, b.block, [...p, i])));
  }
  return out;
}

function fromWire(raw: unknown, t: ValueType, path: (string | number)[]): Value {
  if (raw === null || raw === undefined) return null;
  if (raw instanceof ExtData) return UNKNOWN;
  switch (t.kind) {
    case "string":
      if (typeof raw === "string") return raw;
      break;
    case "bool":
      if (typeof raw === "boolean") return raw;
      break;
    case "number":
      if (typeof raw === "number") return raw;
      if (typeof raw === "bigint") return Number(raw);
      if (typeof raw === "string" && raw.trim() !== "" && !Number.isNaN(Number(raw))) return Number(raw);
      break;
    case "int64":
      return int64FromWire(raw, path);
    case "list":
    case "set":
      if (Array.isArray(raw)) return raw.map((e, i) => fromWire(e, t.element, [...path, i]));
      break;
    case "map":
      if (typeof raw === "object" && !Array.isArray(raw)) {
        const out: ObjectValue = {};
        for (const [k, v] of Object.entries(raw as Record<string, unknown>)) out[k] = fromWire(v, t.element, [...path, k]);
        return out;
      }
      break;
  }
  throw new WireValueError(`expected a ${t.kind}, got ${describe(raw)}`, path);
}

/** int64 values become canonical decimal strings; a fraction is kept as written so check() can reject it. */
function int64FromWire(raw: unknown, path: (string | number)[]): string {
  if (typeof raw === "bigint") return raw.toString();
  if (typeof raw === "number" && Number.isFinite(raw)) return Number.isInteger(raw) ? BigInt(raw).toString() : String(raw);
  if (typeof raw === "string" && /^-?\d+$/.test(raw.trim())) return BigInt(raw.trim()).toString();
  if (typeof raw === "string" && raw.trim() !== "" && !Number.isNaN(Number(raw))) return raw.trim();
  throw new WireValueError(`expected a whole number, got ${describe(raw)}`, path);
}

/** The kind of a wire value, never the value itself (it may be a sensitive attribute's). */
function describe(raw: unknown): string {
  if (Array.isArray(raw)) return "a list";
  if (raw instanceof Uint8Array) return "binary data";
  return typeof raw === "object" ? "an object" : `a ${typeof raw}`;
}

// ---------- encoding ----------

/** Encode a block value (null = a null object) as msgpack, every attribute present, keys sorted. */
export function encodeMsgpack(value: ObjectValue | null, block: BlockSchema): Uint8Array {
  return encoder.encode(blockToWire(value, block));
}

function blockToWire(value: Value | undefined, block: BlockSchema): unknown {
  if (value === null || value === undefined) return null;
  if (isUnknown(value)) return UNKNOWN_EXT;
  if (typeof value !== "object" || Array.isArray(value)) throw new TypeError("a block value must be an object");
  const out: Record<string, unknown> = {};
  for (const [name, a] of Object.entries(block.attributes)) out[name] = toWire(value[name], a.type);
  for (const [name, b] of Object.entries(block.blocks ?? {})) {
    const items = value[name];
    if (isUnknown(items)) out[name] = UNKNOWN_EXT;
    else out[name] = Array.isArray(items) ? items.map((item) => blockToWire(item, b.block)) : [];
  }
  return out;
}

function toWire(v: Value | undefined, t: ValueType): unknown {
  if (v === null || v === undefined) return null;
  if (isUnknown(v)) return UNKNOWN_EXT;
  switch (t.kind) {
    case "int64":
      return typeof v === "string" ? int64ToWire(v) : v;
    case "number":
      return typeof v === "string" ? Number(v) : v;
    case "list":
    case "set":
      return (v as Value[]).map((e) => toWire(e, t.element));
    case "map": {
      const out: Record<string, unknown> = {};
      for (const [k, e] of Object.entries(v as ObjectValue)) out[k] = toWire(e, t.element);
      return out;
    }
    default:
      return v;
  }
}

/** Smallest msgpack int for safe integers (as terraform writes them); int64/uint64 past 2^53. */
function int64ToWire(s: string): unknown {
  if (!/^-?\d+$/.test(s)) return s; // cty reads a decimal string as a number too
  const n = BigInt(s);
  if (n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(n);
  return n >= -(2n ** 63n) && n < 2n ** 64n ? n : s;
}
