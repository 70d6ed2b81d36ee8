// cdktf's importFrom() writes [{ "to": "TYPE.NAME", "id": "ID", "provider"?: ... }] as "import":
// the statements, checked for shape and duplicates (reading the objects is src/engine/plan/import-blocks.ts).
import { errorAt, type EngineDiagnostic } from "../diagnostics.js";
import { parseInstanceAddress } from "../state/state.js";
import type { ImportStatement } from "./config.js";

const unwrap = (s: string): string => {
  const m = /^\$\{(.*)\}$/s.exec(s.trim());
  return m ? m[1].trim() : s.trim();
};

/** The "import" top-level value -> statements; malformed entries become errors naming the field. */
export function parseImports(raw: unknown, diags: EngineDiagnostic[]): ImportStatement[] {
  if (raw === undefined) return [];
  const out: ImportStatement[] = [];
  (Array.isArray(raw) ? raw : [raw]).forEach((entry, index) => {
    const where = `import[${index}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      diags.push(errorAt(where, "Malformed import block", 'each import block must be an object with "to" and "id"'));
      return;
    }
    const e = entry as Record<string, unknown>;
    if (typeof e.to !== "string" || !parseInstanceAddress(unwrap(e.to))) {
      diags.push(errorAt(where, 'Missing or invalid "to"', '"to" must be a resource address such as "yandex_organizationmanager_os_login_profile.alice"', ["to"]));
      return;
    }
    if (typeof e.id !== "string" || e.id === "" || e.id.includes("${")) {
      diags.push(errorAt(where, 'Missing or invalid "id"', '"id" must be the object\'s import ID as a literal string', ["id"]));
      return;
    }
    out.push({ to: unwrap(e.to), id: e.id, index });
  });
  const seen = new Map<string, number>();
  for (const s of out) {
    const first = seen.get(s.to);
    if (first !== undefined) diags.push(errorAt(`import[${s.index}]`, "Duplicate import configuration", `import[${first}] already imports into ${s.to}; each address can be imported only once`));
    else seen.set(s.to, s.index);
  }
  return out;
}

