// JSON for stored documents and operation payloads: the model's int64 values are bigint, which
// JSON.stringify cannot write. They are stored as {"$int64":"<decimal>"} and revived as bigint.

export function encodeJson(value: unknown): string {
  // Not a JSON.stringify replacer: it is called back for every value, and most documents hold no bigint.
  return JSON.stringify(withInt64Markers(value));
}

/**
 * The value with every bigint replaced by {"$int64": "<decimal>"}: containers are copied only on the
 * way to a bigint, so a document without any is returned as it is (objects with toJSON, e.g. dates,
 * are left to JSON.stringify).
 */
function withInt64Markers(v: unknown): unknown {
  if (typeof v === "bigint") return { $int64: v.toString() };
  if (v === null || typeof v !== "object" || typeof (v as { toJSON?: unknown }).toJSON === "function") return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    v.forEach((e, i) => {
      const r = withInt64Markers(e);
      if (r !== e) (out ??= [...v])[i] = r;
    });
    return out ?? v;
  }
  const o = v as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const k of Object.keys(o)) {
    const r = withInt64Markers(o[k]);
    if (r === o[k]) continue;
    // Spread copies every key as an own property ("__proto__" included), so the assignment below
    // always writes an own data property, never the prototype. (Object.defineProperty per key did
    // the same but turned the copies into slow dictionary objects: ~4 µs more per create.)
    out ??= { ...o };
    out[k] = r;
  }
  return out ?? o;
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
    // k is an own key (JSON.parse defines "__proto__" as one too): assignment replaces its value.
    if (r !== e) o[k] = r;
  }
  return o;
}
