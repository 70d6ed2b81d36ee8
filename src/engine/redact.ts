// Sensitive values (private keys, tokens, outputs marked sensitive) never leave the engine in
// clear: every renderer (human plan, --json, the access review, state show) goes through here.
import type { ObjectValue, ResourceDefinition, Value } from "../resources/define.js";
import { sensitivePaths } from "../resources/plan.js";

export const REDACTED = "(sensitive value)";

export function redactResource(def: ResourceDefinition | undefined, v: ObjectValue | null): ObjectValue | null {
  if (!v || !def) return v;
  let out = v;
  for (const p of sensitivePaths(def.schema)) out = redactAt(out, p) as ObjectValue;
  return out;
}

function redactAt(v: Value, path: (string | "*")[]): Value {
  if (v === null || typeof v !== "object") return v;
  const [head, ...rest] = path;
  if (head === "*") return Array.isArray(v) ? v.map((x) => redactAt(x, rest)) : v;
  if (Array.isArray(v)) return v;
  const o = v as ObjectValue;
  if (!(head in o) || o[head] === null) return v;
  return { ...o, [head]: rest.length === 0 ? REDACTED : redactAt(o[head], rest) };
}

export function redactOutput(sensitive: boolean, v: Value | undefined): Value | undefined {
  return sensitive && v !== undefined ? REDACTED : v;
}
