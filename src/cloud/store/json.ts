// JSON for stored documents and operation payloads: the model's int64 values are bigint, which
// JSON.stringify cannot write. They are stored as {"$int64":"<decimal>"} and revived as bigint.

export function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? { $int64: v.toString() } : v));
}

export function decodeJson<T = unknown>(text: string): T {
  return JSON.parse(text, (_k, v) =>
    v !== null && typeof v === "object" && typeof v.$int64 === "string" && Object.keys(v).length === 1
      ? BigInt(v.$int64)
      : v,
  ) as T;
}
