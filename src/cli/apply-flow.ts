// The flow apply, destroy and refresh share: plan under the lock, show it, ask (unless
// --auto-approve or not needed), apply, print the summary and the access changes.
import { createInterface } from "node:readline/promises";
import { hasErrors } from "../engine/diagnostics.js";
import type { PlanRequest, RunResult } from "../engine/engine.js";
import type { Plan } from "../engine/types.js";
import { renderAccessText } from "../review/access-diff.js";
import { accessRows } from "./access-context.js";
import type { Session } from "./engine-session.js";
import { applySummary, EXIT, printDiagnostics } from "./engine-output.js";
import { hasChanges, planToJson, renderPlan } from "./render/plan.js";
import { diagnosticsError } from "./errors.js";
import { jsonFailure, printJsonResult } from "./views/json.js";

async function askYes(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const a = await rl.question(question);
    return a.trim() === "yes";
  } finally {
    rl.close();
  }
}

export interface ApplyFlowOptions {
  /** The command as the JSON envelope names it. */
  command: string;
  autoApprove: boolean;
  /** What the summary calls it. */
  destroy?: boolean;
}

/** Confirms a fresh plan: prints it, then asks on a terminal; without a terminal needs --auto-approve. */
export function confirmer(s: Session, o: ApplyFlowOptions, accessBox: { rows?: Awaited<ReturnType<typeof accessRows>> }) {
  return async (plan: Plan): Promise<boolean> => {
    accessBox.rows = await accessRows(s.cloud, plan);
    if (!s.json) {
      console.log(renderPlan(plan, s.style));
      console.log("");
      console.log(renderAccessText(accessBox.rows, s.style));
      console.log("");
    }
    // Nothing to do: apply only to record drift (terraform's "objects have changed outside").
    if (!hasChanges(plan) && plan.mode !== "refresh-only") return plan.drift.length > 0;
    if (o.autoApprove) return true;
    if (!process.stdin.isTTY) {
      console.error(s.style.red('Error: no terminal to confirm on: pass --auto-approve, or save a plan with "oslogin plan -out F" and apply F'));
      return false;
    }
    return askYes(`Do you want to perform these actions? Only 'yes' will be accepted.\n  Enter a value: `);
  };
}

export function finish(s: Session, r: RunResult, o: ApplyFlowOptions, rows?: unknown): number {
  const failed = hasErrors(r.diagnostics);
  const cancelled = !failed && !r.applied && !!r.plan && hasChanges(r.plan);
  if (s.json) {
    const result = { ...(r.plan ? { plan: planToJson(r.plan) } : {}), applied: r.applied ?? null, access_changes: rows ?? [] };
    if (failed) console.log(jsonFailure(o.command, EXIT.ERROR, diagnosticsError(r.diagnostics).message, r.diagnostics, result));
    else if (cancelled) console.log(jsonFailure(o.command, EXIT.ERROR, "Apply cancelled.", r.diagnostics, result));
    else printJsonResult(o.command, { ...result, diagnostics: r.diagnostics });
    if (failed) printDiagnostics(r.diagnostics, s.style);
    return failed || cancelled ? EXIT.ERROR : EXIT.OK;
  }
  printDiagnostics(r.diagnostics, s.style);
  if (r.applied) {
    console.log("");
    console.log(applySummary(r.applied, !!o.destroy, s.style));
  } else if (cancelled) {
    console.log("Apply cancelled.");
  }
  // Without changes, "No changes." was printed with the plan.
  return failed || cancelled ? EXIT.ERROR : EXIT.OK;
}

export async function planAndApply(s: Session, req: PlanRequest, o: ApplyFlowOptions): Promise<number> {
  const box: { rows?: Awaited<ReturnType<typeof accessRows>> } = {};
  const r = await s.engine.run(req, confirmer(s, o, box));
  return finish(s, r, o, box.rows);
}
