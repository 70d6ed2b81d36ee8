// `oslogin state migrate`: what `terraform init -migrate-state` does when a stack's backend changes.
// Every workspace's state is copied from the backend the stack used before to the one its
// configuration names now, each as it is (lineage and serial kept), both locked while it is copied.
// A target workspace that already holds another state is refused unless forced: replacing it would
// lose track of whatever that state manages.
import path from "node:path";
import { loadStack } from "../config/load.js";
import { workspacesFor, type StateBackend, type Workspaces } from "./backend.js";
import { backendRecordFile, describeBackendRecord, recordBackend, recordedBackend, sameBackend, type BackendRecord } from "./backend-record.js";
import { statePaths } from "./store.js";
import type { State } from "./state.js";

export interface MigrateOptions {
  force: boolean;
  lockTimeoutMs: number;
  onWait?: (holder: string) => void;
}

export interface MigrateOutcome {
  /** One line per workspace: what was done. */
  lines: string[];
  /** Why the migration stopped (nothing after the failing workspace was copied). */
  error?: string;
}

/** A state nothing was ever written to (a missing file or row reads as a fresh one, serial 0). */
const never = (s: State) => s.serial === 0 && s.instances.size === 0 && Object.keys(s.outputs).length === 0;

/** Why the target's state `to` may not be replaced by `from` without --force, or undefined. */
function conflict(ws: string, from: State, to: State): string | undefined {
  if (never(to) || (to.lineage === from.lineage && to.serial <= from.serial)) return undefined;
  const what = to.lineage === from.lineage ? `a newer serial (${to.serial} over ${from.serial}) of the same lineage` : `another state (lineage ${to.lineage}, serial ${to.serial}, ${to.instances.size} objects)`;
  return `workspace "${ws}": the new backend already holds ${what}; copying would replace it and lose track of what it manages. Use --force to replace it anyway`;
}

async function readBoth(from: StateBackend, to: StateBackend): Promise<{ src: State; dst: State } | string> {
  const src = await from.read();
  if (typeof src === "string") return src;
  const dst = await to.read();
  if (typeof dst === "string") return dst;
  return { src, dst };
}

export async function migrateStates(from: Workspaces, to: Workspaces, o: MigrateOptions): Promise<MigrateOutcome> {
  const names = await from.list();
  if (typeof names === "string") return { lines: [], error: names };
  // Every conflict first, so a refused migration copies nothing.
  if (!o.force) {
    for (const ws of names) {
      const r = await readBoth(from.state(ws), to.state(ws));
      if (typeof r === "string") return { lines: [], error: r };
      const c = conflict(ws, r.src, r.dst);
      if (c) return { lines: [], error: c };
    }
  }
  const lines: string[] = [];
  for (const ws of names) {
    const r = await copyWorkspace(from, to, ws, o);
    if (r.error) return { lines, error: r.error };
    lines.push(r.line!);
  }
  return { lines };
}

async function copyWorkspace(from: Workspaces, to: Workspaces, ws: string, o: MigrateOptions): Promise<{ line?: string; error?: string }> {
  const src = from.state(ws);
  const dst = to.state(ws);
  const a = await src.lock("OperationTypeMigrate", o.lockTimeoutMs, o.onWait);
  if (!a.ok) return { error: `workspace "${ws}" in the old backend: ${a.reason}` };
  let emptyNew = false;
  try {
    const b = await dst.lock("OperationTypeMigrate", o.lockTimeoutMs, o.onWait);
    if (!b.ok) return { error: `workspace "${ws}" in the new backend: ${b.reason}` };
    try {
      const r = await readBoth(src, dst);
      if (typeof r === "string") return { error: `workspace "${ws}": ${r}` };
      if (never(r.src)) {
        emptyNew = ws !== "default";
        if (!emptyNew) return { line: `workspace "${ws}": no state in the old backend, nothing to copy` };
      } else {
        if (r.dst.lineage === r.src.lineage && r.dst.serial === r.src.serial) return { line: `workspace "${ws}": already in the new backend (serial ${r.src.serial})` };
        const c = conflict(ws, r.src, r.dst);
        if (c && !o.force) return { error: c };
        await dst.adopt(r.src);
        return { line: `workspace "${ws}": copied (lineage ${r.src.lineage}, serial ${r.src.serial}, ${r.src.instances.size} objects)${c ? ", replacing the state that was there (--force)" : ""}` };
      }
    } finally {
      await b.lock.release();
    }
  } catch (e) {
    return { error: `workspace "${ws}": ${(e as Error).message}` };
  } finally {
    await a.lock.release();
  }
  // An empty workspace is created as `workspace new` would (outside the locks: creating takes its own).
  const made = await to.create(ws);
  return made ? { error: `workspace "${ws}": ${made}` } : { line: `workspace "${ws}": created empty (no state in the old backend)` };
}

/**
 * Migrates stack `stack`'s states from the backend recorded in its data directory to the one its
 * synthesized configuration in `outDir` names, then records the new one.
 */
export async function migrateStack(o: MigrateOptions & { outDir: string; dataDir: string; stack: string }): Promise<MigrateOutcome> {
  const { config, diagnostics } = loadStack(o.outDir, o.stack);
  if (!config) return { lines: [], error: diagnostics.map((d) => `${d.summary}: ${d.detail}`).join("; ") };
  const fallback = statePaths(o.dataDir, o.stack);
  const now: BackendRecord = { backend: config.backend ?? null, dir: path.dirname(config.file) };
  const rec = recordedBackend(fallback.dir);
  if (typeof rec === "string") return { lines: [], error: rec };
  if (!rec) return { lines: [], error: `no earlier backend is recorded for stack "${o.stack}" (${backendRecordFile(fallback.dir)}): the engine records the backend at each plan and apply, and there is nothing to migrate from` };
  if (sameBackend(rec, now)) return { lines: [`stack "${o.stack}" already uses ${describeBackendRecord(now)}: nothing to migrate`] };
  const from = workspacesFor(rec.backend ?? undefined, rec.dir, fallback);
  if (typeof from === "string") return { lines: [], error: `the old backend: ${from}` };
  const to = workspacesFor(config.backend, now.dir, fallback);
  if (typeof to === "string") return { lines: [], error: `the new backend: ${to}` };
  const r = await migrateStates(from, to, o);
  if (r.error) return r;
  recordBackend(fallback.dir, now);
  return { lines: [`from ${describeBackendRecord(rec)} to ${describeBackendRecord(now)}:`, ...r.lines] };
}
