// Small helpers over the shared Value representation (src/resources/define.ts).
import { isUnknown, type Value } from "../../resources/define.js";

export function typeName(v: Value | undefined): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (isUnknown(v)) return "unknown value";
  if (Array.isArray(v)) return "list";
  if (typeof v === "object") return "object";
  return typeof v;
}

export function deepEqual(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  if (ak.length !== bk.length) return false;
  for (const k of ak) if (!(k in b) || !deepEqual(a[k], b[k])) return false;
  return true;
}

export function containsUnknown(v: Value | undefined): boolean {
  if (isUnknown(v)) return true;
  if (v === null || typeof v !== "object") return false;
  if (Array.isArray(v)) return v.some(containsUnknown);
  for (const k in v) if (containsUnknown(v[k])) return true;
  return false;
}

/** JSON-safe copy where unknown values become a marker object (for plan files). */
export const UNKNOWN_MARKER = { "__unknown__": true } as const;

export function encodeUnknowns(v: Value): unknown {
  if (isUnknown(v)) return UNKNOWN_MARKER;
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(encodeUnknowns);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = encodeUnknowns(v[k]);
  return out;
}

export function decodeUnknowns(v: unknown, unknown: Value): Value {
  if (v === null || typeof v !== "object") return v as Value;
  if (Array.isArray(v)) return v.map((x) => decodeUnknowns(x, unknown));
  const o = v as Record<string, unknown>;
  if (o.__unknown__ === true && Object.keys(o).length === 1) return unknown;
  const out: { [k: string]: Value } = {};
  for (const k of Object.keys(o)) out[k] = decodeUnknowns(o[k], unknown);
  return out;
}
