// Plan files (`plan -out F`, `apply F`): the plan as JSON, unknown values as a marker object.
// Written atomically with mode 0600 because planned values can hold secrets.
import { readFileSync } from "node:fs";
import { UNKNOWN, type Value } from "../resources/define.js";
import { errorAt, type EngineDiagnostic } from "./diagnostics.js";
import { decodeUnknowns, encodeUnknowns } from "./expr/values.js";
import { writeFileAtomic } from "./state/store.js";
import type { SelectedWorkspace } from "./state/workspaces.js";
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
  for (const key of ["workspace", "stateLocation"] as const) {
    if (plan[key] !== undefined && typeof plan[key] !== "string") return { diagnostics: [errorAt(undefined, "Not a plan file", `${file}: plan.${key} must be a string`)] };
  }
  // A plan without its workspace (an older version's) is still read, so `show -json` prints it; apply refuses it.
  return { plan, diagnostics: [] };
}

/**
 * Why `plan` may not be applied to `current`, the command's workspace whose state is at `location`:
 * it was made in another workspace or against another backend. Lineage and serial do not tell
 * these apart while both states are empty (the fresh state adopts the plan's lineage), so a plan
 * made for an empty staging workspace would otherwise create its objects in an empty prod.
 * A plan that records neither (written by an older version) is refused too: nothing can vouch
 * for where it was made, and planning again costs one plan.
 */
export function savedPlanElsewhere(plan: Plan, current: SelectedWorkspace, location: string): EngineDiagnostic | undefined {
  if (plan.workspace === undefined || plan.stateLocation === undefined) {
    return errorAt(
      undefined,
      "Saved plan records no workspace",
      'the plan file was written by an older oslogin, which did not record the workspace and the backend a plan was made for; run "oslogin plan -out FILE" again',
    );
  }
  const made = plan.workspace;
  const now = current.name;
  if (made !== now) {
    const fix = current.overridden ? `apply it with TF_WORKSPACE=${made}` : `run "oslogin workspace select ${made}" and apply it there`;
    const where = current.overridden ? `TF_WORKSPACE selects "${now}"` : `the current workspace is "${now}"`;
    return errorAt(undefined, "Saved plan is for another workspace", `the plan was made in workspace "${made}" and ${where}: ${fix}, or run plan again in "${now}"`);
  }
  if (plan.stateLocation !== location) {
    return errorAt(
      undefined,
      "Saved plan is for another backend",
      `the plan was made against ${plan.stateLocation}, and this command's state is ${location}: apply it where it was planned (the same directory, --data-dir and PG_* variables), or run plan again`,
    );
  }
  return undefined;
}
