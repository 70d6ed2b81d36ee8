// Plan files (`plan -out F`, `apply F`): the plan as JSON, unknown values as a marker object.
// Written atomically with mode 0600 because planned values can hold secrets.
import { readFileSync } from "node:fs";
import { UNKNOWN, type Value } from "../resources/define.js";
import { errorAt, type EngineDiagnostic } from "./diagnostics.js";
import { decodeUnknowns, encodeUnknowns } from "./expr/values.js";
import { writeFileAtomic } from "./state/store.js";
import type { Plan } from "./types.js";

const MAGIC = "oslogin-plan";

export async function writePlanFile(file: string, plan: Plan): Promise<void> {
  const body = { format: MAGIC, plan: encodeUnknowns(plan as unknown as Value) };
  await writeFileAtomic(file, JSON.stringify(body));
}

export function readPlanFile(file: string): { plan?: Plan; diagnostics: EngineDiagnostic[] } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { diagnostics: [errorAt(undefined, "Cannot read the plan file", `${file} does not exist or is not readable`)] };
  }
  let doc: { format?: string; plan?: unknown };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    return { diagnostics: [errorAt(undefined, "Not a plan file", `${file} is not a plan written by "oslogin plan -out"`)] };
  }
  if (doc.format !== MAGIC || typeof doc.plan !== "object" || doc.plan === null) {
    return { diagnostics: [errorAt(undefined, "Not a plan file", `${file} is not a plan written by "oslogin plan -out"`)] };
  }
  const plan = decodeUnknowns(doc.plan, UNKNOWN) as unknown as Plan;
  if (plan.formatVersion !== 1) return { diagnostics: [errorAt(undefined, "Unsupported plan file", `format version ${String(plan.formatVersion)}`)] };
  return { plan, diagnostics: [] };
}
