// int64 without precision loss on the gRPC wire. The SDK's ts-proto codecs read int64 into a JS
// number and throw past Number.MAX_SAFE_INTEGER (and would round before that, if they did not), yet
// OsLoginProfile.uid legitimately goes up to 2^63-1. For the messages that carry such fields we wrap
// the SDK codec: the named int64 fields (and int64 fields inside named sub-messages) are read and
// written here as bigint, straight from and to the varint wire format, and every other field still
// goes through the SDK codec. Field numbers are not restated: they are learnt from the codec itself
// by encoding a probe message, so a wrong field name fails loudly at startup instead of corrupting data.
import { errors } from "../../../contract/errors.js";

/** The part of a ts-proto message codec this module needs. */
export interface MessageCodec<T> {
  encode(message: T, writer?: never): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
  fromPartial(object: never): T;
}

/** Which fields of a message need bigint handling: int64 fields by name, and sub-messages holding some. */
export interface Int64Shape {
  codec: MessageCodec<unknown>;
  int64?: string[];
  messages?: Record<string, Int64Shape>;
}

interface ResolvedField {
  name: string;
  number: number;
  kind: "int64" | "message";
  repeated: boolean;
  shape?: Int64Shape;
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

// ---------- minimal wire-format reading and writing ----------

class WireReader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.buf.length) throw malformed("a varint runs past the end of the message");
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
    }
    throw malformed("a varint is longer than 10 bytes");
  }

  /** Advances past one field's value of the given wire type. */
  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.advance(8);
        return;
      case WIRE_LEN:
        this.advance(Number(this.varint()));
        return;
      case WIRE_FIXED32:
        this.advance(4);
        return;
      default:
        throw malformed(`wire type ${wireType} is not supported`);
    }
  }

  lengthDelimited(): Uint8Array {
    const len = Number(this.varint());
    const start = this.pos;
    this.advance(len);
    return this.buf.subarray(start, this.pos);
  }

  private advance(n: number): void {
    if (n < 0 || this.pos + n > this.buf.length) throw malformed("a field runs past the end of the message");
    this.pos += n;
  }
}

function malformed(why: string) {
  return errors.invalidArgument("request", `the message could not be decoded: ${why}`);
}

function varintBytes(value: bigint): number[] {
  // int64 is two's complement on the wire: negative values take all 10 bytes.
  let v = BigInt.asUintN(64, value);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

// ---------- field number discovery ----------

const resolvedShapes = new WeakMap<Int64Shape, Map<number, ResolvedField>>();

/** The field number the codec writes first for `probe` (a message with only that field set). */
function probeFieldNumber(codec: MessageCodec<unknown>, probe: Record<string, unknown>, name: string): number {
  const bytes = codec.encode(codec.fromPartial(probe as never) as never).finish();
  if (bytes.length === 0) throw new Error(`int64 codec: ${name} is not a field of this message`);
  return Number(new WireReader(bytes).varint() >> 3n);
}

function resolve(shape: Int64Shape): Map<number, ResolvedField> {
  let fields = resolvedShapes.get(shape);
  if (fields) return fields;
  fields = new Map();
  const defaults = shape.codec.fromPartial({} as never) as Record<string, unknown>;
  for (const name of shape.int64 ?? []) {
    const number = probeFieldNumber(shape.codec, { [name]: 1 }, name);
    fields.set(number, { name, number, kind: "int64", repeated: false });
  }
  for (const [name, sub] of Object.entries(shape.messages ?? {})) {
    const repeated = Array.isArray(defaults[name]);
    const number = probeFieldNumber(shape.codec, { [name]: repeated ? [{}] : {} }, name);
    fields.set(number, { name, number, kind: "message", repeated, shape: sub });
  }
  resolvedShapes.set(shape, fields);
  return fields;
}

// ---------- the codec ----------

/**
 * Decodes like the SDK codec, except that the shape's int64 fields come out as bigint (0n when
 * absent) and its sub-messages are decoded the same way, recursively.
 */
export function decodeInt64Safe<T>(shape: Int64Shape, bytes: Uint8Array): T {
  const fields = resolve(shape);
  const reader = new WireReader(bytes);
  const rest: Uint8Array[] = [];
  const own: Record<string, unknown> = {};
  for (const f of fields.values()) {
    if (f.kind === "int64") own[f.name] = 0n;
    else if (f.repeated) own[f.name] = [];
  }
  while (!reader.done) {
    const start = reader.pos;
    const tag = reader.varint();
    const number = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    const f = fields.get(number);
    if (f?.kind === "int64" && wireType === WIRE_VARINT) {
      own[f.name] = BigInt.asIntN(64, reader.varint());
    } else if (f?.kind === "message" && wireType === WIRE_LEN) {
      const value = decodeInt64Safe(f.shape!, reader.lengthDelimited());
      if (f.repeated) (own[f.name] as unknown[]).push(value);
      else own[f.name] = value;
    } else {
      reader.skip(wireType);
      rest.push(bytes.subarray(start, reader.pos));
    }
  }
  const message = shape.codec.decode(concat(rest.length ? rest : [new Uint8Array(0)])) as Record<string, unknown>;
  return Object.assign(message, own) as T;
}

/**
 * Encodes like the SDK codec, except that the shape's int64 fields are taken as bigint (or a
 * number) and written exactly, and its sub-messages are encoded the same way, recursively.
 */
export function encodeInt64Safe(shape: Int64Shape, message: object): Uint8Array {
  const fields = resolve(shape);
  const base: Record<string, unknown> = { ...message };
  const tail: number[] = [];
  const tailParts: Uint8Array[] = [];
  for (const f of fields.values()) {
    const value = (message as Record<string, unknown>)[f.name];
    if (f.kind === "int64") {
      base[f.name] = 0; // the SDK codec skips proto3 defaults, so it writes nothing for this field
      const v = value === undefined ? 0n : BigInt(value as bigint | number | string);
      if (v !== 0n) tail.push(...varintBytes(BigInt((f.number << 3) | WIRE_VARINT)), ...varintBytes(v));
    } else {
      base[f.name] = f.repeated ? [] : undefined;
      const items = f.repeated ? ((value as object[] | undefined) ?? []) : value === undefined ? [] : [value as object];
      for (const item of items) {
        const sub = encodeInt64Safe(f.shape!, item);
        tailParts.push(
          Uint8Array.from([...varintBytes(BigInt((f.number << 3) | WIRE_LEN)), ...varintBytes(BigInt(sub.length))]),
          sub,
        );
      }
    }
  }
  const head = shape.codec.encode(base as never).finish();
  // Protobuf allows fields in any order, so appending the exact int64 fields after the rest is valid.
  return concat([head, Uint8Array.from(tail), ...tailParts]);
}

/** The SDK codec as this module sees it (the codecs' generic signatures do not unify otherwise). */
export const codec = <T>(c: MessageCodec<T>): MessageCodec<unknown> => c as MessageCodec<unknown>;

/** Every List request carries int64 page_size; reading it exactly lets the model reject huge values by name. */
export const pageSizeShape = <T>(c: MessageCodec<T>): Int64Shape => ({ codec: codec(c), int64: ["pageSize"] });

/** An SDK message type whose int64 fields K are carried as bigint (what the two functions above exchange). */
export type WithInt64<T, K extends keyof T> = Omit<T, K> & { [P in K]: bigint };
