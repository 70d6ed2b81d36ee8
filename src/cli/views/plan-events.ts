// A plan as --json-events prints it: terraform's resource_drift, planned_change, change_summary and
// outputs messages (kept apart from ui-events.ts, which every command loads, since plans need the
// resource registry).
import type { Plan, ResourceChange } from "../../engine/types.js";
import { shownChanges, summarize } from "../render/plan.js";
import { resourceObject, uiEvent, type UiEvent } from "./ui-events.js";

/** terraform's action of a planned change: moves and imports that change nothing have their own, a delete that only forgets is "remove". */
function plannedAction(c: ResourceChange): string {
  if (c.action === "noop") return c.importingId !== undefined ? "import" : c.previousAddress !== undefined ? "move" : "noop";
  if (c.action === "delete" && c.keptBy !== undefined) return "remove";
  return c.action;
}

const PLAN_VERB: Record<string, string> = { create: "create", update: "update", replace: "replace", delete: "delete", read: "read", move: "move", import: "import", remove: "remove", noop: "no-op" };

/** A plan as events: drift, one planned_change per shown change, the summary, and the outputs' actions. */
export function planEvents(p: Plan): UiEvent[] {
  const out: UiEvent[] = [];
  for (const d of p.drift) {
    const action = d.kind === "deleted" ? "delete" : "update";
    out.push(uiEvent("resource_drift", `${d.address}: Drift detected (${action})`, { change: { resource: resourceObject(d.address), action } }));
  }
  for (const c of shownChanges(p)) {
    const action = plannedAction(c);
    out.push(
      uiEvent("planned_change", `${c.address}: Plan to ${PLAN_VERB[action]}${c.reason ? ` (${c.reason})` : ""}`, {
        change: {
          resource: resourceObject(c.address),
          ...(c.previousAddress !== undefined ? { previous_resource: resourceObject(c.previousAddress) } : {}),
          action,
          ...(c.reason ? { reason_detail: c.reason } : {}),
          ...(c.importingId !== undefined ? { importing: { id: c.importingId } } : {}),
        },
      }),
    );
  }
  const s = summarize(p);
  const message = `Plan: ${s.import ? `${s.import} to import, ` : ""}${s.add} to add, ${s.change} to change, ${s.destroy} to destroy.`;
  out.push(uiEvent("change_summary", message, { changes: { add: s.add, change: s.change, import: s.import ?? 0, remove: s.destroy, operation: "plan" } }));
  const outputs = p.outputs.filter((o) => o.action !== "noop");
  if (outputs.length) {
    const fields = Object.fromEntries(outputs.map((o) => [o.name, { sensitive: o.sensitive, action: o.action }]));
    out.push(uiEvent("outputs", `Outputs: ${outputs.length}`, { outputs: fields }));
  }
  return out;
}
