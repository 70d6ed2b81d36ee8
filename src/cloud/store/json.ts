// JSON for stored documents and operation payloads: the model's int64 values are bigint, which
// JSON.stringify cannot write. They are stored as {"$int64":"<decimal>"} and revived as bigint.

export function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? { $int64: v.toString() } : v));
}

/** The marker of a stored int64; a document without it parses without a reviver (several times faster). */
const INT64_MARKER = '"$int64"';

export function decodeJson<T = unknown>(text: string): T {
  if (!text.includes(INT64_MARKER)) return JSON.parse(text) as T;
  return JSON.parse(text, (_k, v) =>
    v !== null && typeof v === "object" && typeof v.$int64 === "string" && Object.keys(v).length === 1
      ? BigInt(v.$int64)
      : v,
  ) as T;
}
