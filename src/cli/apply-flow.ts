// The flow apply, destroy and refresh share: plan under the lock, show it, ask (unless
// --auto-approve or not needed), apply, print the summary and the access changes.
import { createInterface } from "node:readline/promises";
import { errorAt, hasErrors, type EngineDiagnostic } from "../engine/diagnostics.js";
import { UsageError } from "./args.js";
import { makeStyle } from "./render/style.js";
import { applySummaryEvent, diagnosticEvent, outputsEvent, printEvent } from "./views/ui-events.js";
import { planEvents } from "./views/plan-events.js";
import type { PlanRequest, RunResult } from "../engine/engine.js";
import type { Plan } from "../engine/types.js";
import { renderAccessText } from "../review/access-diff.js";
import { accessRows, readAccessContextEarly, type EarlyAccessContext } from "./access-context.js";
import type { Session } from "./engine-session.js";
import { applySummary, EXIT, printDiagnostics } from "./engine-output.js";
import { guardInterrupts, type InterruptGuard } from "./interrupts.js";
import { hasChanges, planToJson, renderPlan } from "./render/plan.js";
import { diagnosticsError } from "./errors.js";
import { jsonFailure, printJsonResult } from "./views/json.js";

async function askYes(question: string, signal?: AbortSignal): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  // On a terminal readline reads Ctrl-C as a key: pass it on as the signal it means.
  rl.on("SIGINT", () => process.kill(process.pid, "SIGINT"));
  try {
    const a = await rl.question(question, { signal: signal ?? new AbortController().signal });
    return a.trim() === "yes";
  } catch (e) {
    if (signal?.aborted) return false;
    throw e;
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

/** What the confirmer leaves for the end of the run: the access rows, and the warnings it already printed. */
export interface ConfirmBox {
  rows?: Awaited<ReturnType<typeof accessRows>>;
  shown?: readonly EngineDiagnostic[];
}

/** The run's result without the diagnostics the confirmer printed with the plan. */
export function notShownAgain(r: RunResult, box: ConfirmBox): RunResult {
  const shown = new Set(box.shown ?? []);
  return shown.size ? { ...r, diagnostics: r.diagnostics.filter((d) => !shown.has(d)) } : r;
}

/** Confirms a fresh plan: prints it, then asks on a terminal; without a terminal needs --auto-approve. */
export function confirmer(s: Session, o: ApplyFlowOptions, accessBox: ConfirmBox, signal?: AbortSignal, early?: EarlyAccessContext) {
  return async (plan: Plan, warnings: readonly EngineDiagnostic[]): Promise<boolean> => {
    accessBox.rows = await accessRows(s.cloud, plan, false, early);
    if (s.events) for (const e of planEvents(plan)) printEvent(e);
    else if (!s.json) {
      console.log(renderPlan(plan, s.style));
      console.log("");
      console.log(renderAccessText(accessBox.rows, s.style));
      console.log("");
      // The plan's warnings ("Resource targeting is in effect") before the question, not after the
      // answer: they are part of what is being agreed to.
      printDiagnostics(warnings, s.style);
      accessBox.shown = warnings;
    }
    // Nothing to do: apply only to record drift (terraform's "objects have changed outside").
    if (!hasChanges(plan) && plan.mode !== "refresh-only") return plan.drift.length > 0;
    if (o.autoApprove) return true;
    if (!process.stdin.isTTY) {
      console.error(s.style.red('Error: no terminal to confirm on: pass --auto-approve, or save a plan with "oslogin plan -out F" and apply F'));
      return false;
    }
    return askYes(`Do you want to perform these actions? Only 'yes' will be accepted.\n  Enter a value: `, signal);
  };
}

/**
 * The last line after a signal. A signal that came while the last operation ran leaves nothing
 * to do: saying "run again" then would send the operator after work that is not there.
 */
export function interruptedNote(applied: RunResult["applied"]): string {
  const done = "The state holds everything that finished, and the lock is released.";
  if (applied && applied.interrupted === 0 && applied.failed === 0 && applied.skipped === 0) return `${done} Every planned operation had finished: nothing is left to do.`;
  return `${done} Run the command again to finish.`;
}

export function finish(s: Session, r: RunResult, o: ApplyFlowOptions, rows?: unknown, guard?: InterruptGuard): number {
  const failed = hasErrors(r.diagnostics);
  const cancelled = !failed && !r.applied && !!r.plan && hasChanges(r.plan);
  const interrupted = guard?.exitCode();
  if (interrupted !== undefined) {
    if (s.json) console.log(jsonFailure(o.command, interrupted, "Interrupted", r.diagnostics, { applied: r.applied ?? null }));
    printDiagnostics(r.diagnostics, s.style);
    // Said on stderr: after a broken pipe, stdout has no reader.
    if (r.applied) console.error(applySummary(r.applied, !!o.destroy, s.style));
    console.error(interruptedNote(r.applied));
    return interrupted;
  }
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

/**
 * finish() for --json-events: the diagnostics, the summary and the outputs as events (see
 * views/ui-events.ts); interruptions are also said on stderr, as without it.
 */
async function finishEvents(s: Session, r: RunResult, o: ApplyFlowOptions, guard?: InterruptGuard): Promise<number> {
  const failed = hasErrors(r.diagnostics);
  const cancelled = !failed && !r.applied && !!r.plan && hasChanges(r.plan);
  const interrupted = guard?.exitCode();
  for (const d of r.diagnostics) printEvent(diagnosticEvent(d));
  if (r.applied) printEvent(applySummaryEvent(r.applied, !!o.destroy, applySummary(r.applied, !!o.destroy, makeStyle(false))));
  if (interrupted !== undefined) {
    console.error(interruptedNote(r.applied));
    return interrupted;
  }
  if (cancelled) printEvent(diagnosticEvent(errorAt(undefined, "Apply cancelled")));
  if (r.applied && !o.destroy) {
    const st = await s.engine.currentState(s.stack, s.outDir);
    if (st.state) printEvent(outputsEvent(st.state.outputs));
  }
  return failed || cancelled ? EXIT.ERROR : EXIT.OK;
}

/** The end of an apply, destroy or refresh, in the output the session asked for. */
export async function finishRun(s: Session, r: RunResult, o: ApplyFlowOptions, rows?: unknown, guard?: InterruptGuard): Promise<number> {
  return s.events ? finishEvents(s, r, o, guard) : finish(s, r, o, rows, guard);
}

export async function planAndApply(s: Session, req: PlanRequest, o: ApplyFlowOptions): Promise<number> {
  // Events own stdout: there is no prompt to show (terraform asks for -auto-approve with -json too).
  if (s.events && !o.autoApprove) throw new UsageError(`--json-events cannot ask for confirmation: pass --auto-approve${o.destroy ? "" : ", or apply a saved plan"}`);
  const box: ConfirmBox = {};
  return guarded(s, async (guard) => {
    const early = readAccessContextEarly(s.cloud, s.organizations);
    const r = await s.engine.run(req, confirmer(s, o, box, guard.signal, early));
    return finishRun(s, notShownAgain(r, box), o, box.rows, guard);
  });
}

/** Runs a command that changes the cloud with Ctrl-C, SIGTERM and a broken stdout handled (see interrupts.ts). */
export async function guarded(s: Session, fn: (guard: InterruptGuard) => Promise<number>): Promise<number> {
  const guard = guardInterrupts(s.engine, s.style);
  try {
    return await fn(guard);
  } finally {
    guard.dispose();
  }
}
