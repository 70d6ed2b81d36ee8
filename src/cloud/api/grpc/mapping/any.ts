// google.protobuf.Any for Operation.metadata / Operation.response. The model carries these as
// {typeName, value in model shape}; on the wire they are {typeUrl: "type.googleapis.com/<name>",
// value: <the message's bytes>}. The SDK has no type registry, so each service group's mapping
// declares an AnyCodec per message it puts into operations, and the operation mapping collects them.
import { decodeInt64Safe, encodeInt64Safe, type Int64Shape, type MessageCodec } from "../int64.js";

export const TYPE_URL_PREFIX = "type.googleapis.com/";

export interface AnyCodec<T = unknown> {
  typeName: string;
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

/** A message whose model shape differs from the SDK's: convert, then use the SDK codec. */
export function mappedAny<M, S>(
  typeName: string,
  codec: MessageCodec<S>,
  toSdk: (m: M) => S,
  fromSdk: (s: S) => M,
): AnyCodec<M> {
  return {
    typeName,
    encode: (m) => codec.encode(toSdk(m) as never).finish(),
    decode: (bytes) => fromSdk(codec.decode(bytes)),
  };
}

/** Like mappedAny, for messages carrying int64 fields (see ../int64.ts). */
export function mappedInt64Any<M, S extends object>(
  typeName: string,
  shape: Int64Shape,
  toSdk: (m: M) => S,
  fromSdk: (s: S) => M,
): AnyCodec<M> {
  return {
    typeName,
    encode: (m) => encodeInt64Safe(shape, toSdk(m)),
    decode: (bytes) => fromSdk(decodeInt64Safe<S>(shape, bytes)),
  };
}

/**
 * A message whose model shape is the SDK's own (the *Metadata messages: a few string ids).
 * fromPartial fills what the model left out, so the raw ts-proto encode never sees undefined.
 */
export function plainAny<T>(typeName: string, codec: MessageCodec<T>): AnyCodec<T> {
  return {
    typeName,
    encode: (value) => codec.encode(codec.fromPartial(value as never) as never).finish(),
    decode: (bytes) => codec.decode(bytes),
  };
}

export class AnyRegistry {
  private readonly byName = new Map<string, AnyCodec>();

  constructor(codecs: AnyCodec<never>[]) {
    for (const c of codecs) this.byName.set(c.typeName, c as unknown as AnyCodec);
  }

  get(typeName: string): AnyCodec | undefined {
    return this.byName.get(typeName);
  }

  /** The registered codec for an Any's typeUrl, or undefined for a type this emulator does not know. */
  forTypeUrl(typeUrl: string): AnyCodec | undefined {
    return typeUrl.startsWith(TYPE_URL_PREFIX) ? this.byName.get(typeUrl.slice(TYPE_URL_PREFIX.length)) : undefined;
  }
}
