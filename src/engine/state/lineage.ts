// Which history a stack's state belongs to. A state gets its lineage when the stack's state is
// first written and keeps it through every later write (the serial counts the writes). The stack
// records that lineage next to its state, in stack.json, written once after the first state write.
// A state file of another lineage — another stack's, another data directory's, or one started
// afresh because the file went missing — is refused: against it every object the stack made looks
// new, so a plan would create them again (ALREADY_EXISTS or duplicates) and the first write would
// make the foreign lineage this stack's.
import { existsSync } from "node:fs";
import { readTextFile } from "../../util/read-text.js";
import type { StatePaths } from "./store.js";

export const RECORD_FILE = "stack.json";

/** The lineage the stack recorded; none for a new stack (or one written before the record existed). */
export function recordedLineage(paths: StatePaths): { lineage?: string } | string {
  if (!existsSync(paths.record)) return {};
  try {
    const r = JSON.parse(readTextFile(paths.record)) as { lineage?: unknown };
    if (typeof r?.lineage === "string" && r.lineage) return { lineage: r.lineage };
  } catch {
    // reported below
  }
  return `${paths.record} is not a stack record ({"lineage": "..."}); if the state file is this stack's, delete the record and the next write records the state's lineage again`;
}

export function recordJson(lineage: string): string {
  return JSON.stringify({ lineage }) + "\n";
}

/**
 * Why the state found on disk (undefined: no state file) is not this stack's, or undefined when
 * it is (or when the stack has recorded no lineage yet).
 */
export function lineageProblem(paths: StatePaths, stack: string, found: { lineage: string; serial: number } | undefined): string | undefined {
  const rec = recordedLineage(paths);
  if (typeof rec === "string") return rec;
  if (!rec.lineage || (found && found.lineage === rec.lineage)) return undefined;
  const mine = `stack "${stack}" has lineage ${rec.lineage} (recorded in ${paths.record} when its state was first written)`;
  const backup = describeBackup(paths, rec.lineage);
  if (!found) {
    return (
      `${paths.state} is missing, but ${mine}: without its state every object the stack made would be planned again. ` +
      `Put the state file back (${backup}); or, if the stack's objects are gone and it is to start afresh, delete ${paths.record}.`
    );
  }
  return (
    `${paths.state} has lineage ${found.lineage} (serial ${found.serial}), but ${mine}: this file is another state's history ` +
    `(another stack's or another data directory's), and planning against it would create again the objects this stack made. ` +
    `Put this stack's own state file back (${backup}); or, if this stack is to manage that state's objects from now on, delete ${paths.record}.`
  );
}

function describeBackup(paths: StatePaths, lineage: string): string {
  if (!existsSync(paths.backup)) return `there is no ${paths.backup}`;
  try {
    const b = JSON.parse(readTextFile(paths.backup)) as { lineage?: unknown; serial?: unknown };
    const what = b.lineage === lineage ? "this stack's lineage" : `lineage ${String(b.lineage)}`;
    return `${paths.backup} has ${what}, serial ${String(b.serial)}: the state as it was before the last command that changed it`;
  } catch {
    return `${paths.backup} cannot be read`;
  }
}
