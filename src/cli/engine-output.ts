// Printing shared by the engine commands: diagnostics, the progress hooks (src/cli/progress.ts),
// apply summaries, and the documented exit codes.
import { existsSync } from "node:fs";
import { formatDiagnostic, type EngineDiagnostic } from "../engine/diagnostics.js";
import type { EngineHooks } from "../engine/types.js";
import type { Style } from "./render/style.js";
import { progressIntervalMs, trackedHooks } from "./progress.js";
import { textProgressView } from "./views/progress-text.js";
import { eventsProgressView, printEvent, versionEvent } from "./views/ui-events.js";

/** Exit codes of the engine commands (documented in docs/cli.md and each --help). */
export const EXIT = {
  OK: 0,
  ERROR: 1,
  /** Usage error; for `plan --detailed-exitcode`, also "the plan has changes" (terraform's convention). */
  USAGE_OR_CHANGES: 2,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0  success (with --detailed-exitcode: success and no changes)
  1  error (bad configuration, cloud error, lock held, stale plan...)
  2  usage error; with plan --detailed-exitcode: success and there are changes
  130  apply/destroy/refresh interrupted (Ctrl-C, SIGTERM); 141: their stdout reader went away`;

/**
 * Diagnostics on stderr, one line each. The same problem at many addresses (one cause, e.g. a
 * missing organization, behind a thousand resources) is one line naming how many and the first few;
 * the very same diagnostic twice is printed once.
 */
export function printDiagnostics(diags: readonly EngineDiagnostic[], st: Style): void {
  const groups = new Map<string, EngineDiagnostic[]>();
  for (const d of diags) {
    const k = JSON.stringify([d.severity, d.summary, d.detail ?? "", d.path ?? []]);
    const g = groups.get(k);
    if (g) g.push(d);
    else groups.set(k, [d]);
  }
  for (const g of groups.values()) {
    const d = g[0];
    const where = g.filter((x) => x.address).map((x) => x.address!);
    const line =
      g.length > 1 && where.length === g.length
        ? formatDiagnostic({ ...d, address: `${g.length} objects: ${where.slice(0, 3).join(", ")}${g.length > 3 ? ", ..." : ""}` })
        : formatDiagnostic(d);
    console.error(d.severity === "error" ? st.red(line) : st.yellow(line));
  }
}

/**
 * The progress a command shows while it refreshes and applies: terraform's lines on a terminal,
 * terraform-style JSON events with --json-events, nothing with --json (its one envelope comes at
 * the end). Heartbeats and counts come every OSLOGIN_PROGRESS_INTERVAL_MS (10 s by default).
 */
export function progressHooks(st: Style, json: boolean, events = false): EngineHooks {
  if (events) {
    printEvent(versionEvent());
    return { ...trackedHooks(eventsProgressView(), progressIntervalMs()), lockHeld: holdLockForTests };
  }
  if (json) return { lockHeld: holdLockForTests };
  return { ...trackedHooks(textProgressView(st), progressIntervalMs()), lockHeld: holdLockForTests };
}

export function applySummary(
  counts: { imported?: number; added: number; changed: number; destroyed: number; read: number; failed: number; skipped: number; forgotten?: number; interrupted: number },
  destroy: boolean,
  st: Style,
): string {
  const ok = counts.failed === 0 && counts.skipped === 0 && counts.interrupted === 0;
  const what = destroy ? "Destroy" : "Apply";
  const head = ok
    ? st.bold(st.green(`${what} complete!`))
    : counts.interrupted && counts.failed === 0 && counts.skipped === 0
      ? st.bold(st.yellow(`${what} interrupted.`))
      : st.bold(st.red(`${what} finished with errors.`));
  const parts = destroy ? [`${counts.destroyed} destroyed`] : [`${counts.added} added`, `${counts.changed} changed`, `${counts.destroyed} destroyed`];
  if (counts.imported && !destroy) parts.unshift(`${counts.imported} imported`);
  if (counts.forgotten) parts.push(`${counts.forgotten} forgotten`);
  if (counts.failed || counts.skipped) parts.push(`${counts.failed} failed`, `${counts.skipped} skipped`);
  if (counts.interrupted) parts.push(`${counts.interrupted} not started`);
  return `${head} Resources: ${parts.join(", ")}.`;
}

/**
 * For tests only: with OSLOGIN_TEST_HOLD_LOCK_UNTIL=FILE a command that took the state lock says so
 * and keeps it until FILE exists, so a test can make another process (or terraform) meet that lock
 * at a moment it controls instead of racing the command's start-up.
 */
async function holdLockForTests(): Promise<void> {
  const file = process.env.OSLOGIN_TEST_HOLD_LOCK_UNTIL;
  if (!file) return;
  console.error(`Holding the state lock until ${file} exists (OSLOGIN_TEST_HOLD_LOCK_UNTIL)`);
  while (!existsSync(file)) await new Promise((r) => setTimeout(r, 50));
}
