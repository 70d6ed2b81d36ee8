// JSON for stored documents and operation payloads: the model's int64 values are bigint, which
// JSON.stringify cannot write. They are stored as {"$int64":"<decimal>"} and revived as bigint.

export function encodeJson(value: unknown): string {
  // A JSON.stringify replacer is called back for every value; most documents hold no bigint at all.
  return JSON.stringify(hasBigInt(value) ? withInt64Markers(value) : value);
}

function hasBigInt(v: unknown): boolean {
  if (typeof v === "bigint") return true;
  if (v === null || typeof v !== "object") return false;
  if (Array.isArray(v)) return v.some(hasBigInt);
  return Object.keys(v).some((k) => hasBigInt((v as Record<string, unknown>)[k]));
}

/** A copy with every bigint replaced by {"$int64": "<decimal>"} (objects with toJSON, e.g. dates, as they are). */
function withInt64Markers(v: unknown): unknown {
  if (typeof v === "bigint") return { $int64: v.toString() };
  if (v === null || typeof v !== "object" || typeof (v as { toJSON?: unknown }).toJSON === "function") return v;
  if (Array.isArray(v)) return v.map(withInt64Markers);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) Object.defineProperty(out, k, { value: withInt64Markers((v as Record<string, unknown>)[k]), writable: true, enumerable: true, configurable: true });
  return out;
}

/** The marker of a stored int64; a document without it needs no walk after JSON.parse. */
const INT64_MARKER = '"$int64"';

export function decodeJson<T = unknown>(text: string): T {
  const value = JSON.parse(text) as unknown;
  return (text.includes(INT64_MARKER) ? reviveInt64(value) : value) as T;
}

/** True for exactly {"$int64": "<decimal>"}. */
function isInt64(v: Record<string, unknown>): boolean {
  if (typeof v.$int64 !== "string") return false;
  for (const k in v) if (k !== "$int64") return false;
  return true;
}

/**
 * Replaces every {"$int64": "..."} in a parsed document by its bigint, in place. A walk over the
 * parsed value costs a fraction of a JSON.parse reviver, which is called back for every value.
 */
function reviveInt64(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = reviveInt64(v[i]);
    return v;
  }
  const o = v as Record<string, unknown>;
  if (isInt64(o)) return BigInt(o.$int64 as string);
  for (const k in o) {
    const e = o[k];
    if (e === null || typeof e !== "object") continue;
    const r = reviveInt64(e);
    // defineProperty, not assignment: a key named "__proto__" must stay a plain property.
    if (r !== e) Object.defineProperty(o, k, { value: r, writable: true, enumerable: true, configurable: true });
  }
  return o;
}
