// Where a stack's state lives: what the stack's `terraform.backend` block says, so the engine and
// terraform (cdktf deploy) read and write one state per stack, never two.
//
// - `local` (cdktf's default: `{"local": {"path": "<project>/terraform.<stack>.tfstate"}}`): that
//   file, its `.backup` and terraform's lock-info file `.<name>.lock.info` beside it. A relative path
//   is relative to the stack's directory (cdktf.out/stacks/<stack>), where terraform runs.
// - no backend block (hand-written stacks): the engine's own file <data-dir>/stacks/<stack>/terraform.tfstate.
// - `pg`: a row of terraform's pg backend table (pg-backend.ts), locked with its advisory locks.
// - any other kind: refused with a diagnostic naming it (reading elsewhere would plan against no state
//   and create everything twice).
import path from "node:path";
import { loadStack } from "../config/load.js";
import { PgBackend, pgSettings } from "./pg-backend.js";
import { acquireLock, describeHolder, forceUnlock, type LockResult } from "./lock.js";
import type { State } from "./state.js";
import { FileStateWriter, readState, removeStaleTempFiles, statePaths, type StatePaths, type StateWriter } from "./store.js";

export interface StateBackend {
  readonly kind: "local" | "pg";
  /** Where the state is, for messages (a file path for local; server, schema and workspace for pg). */
  readonly location: string;
  /** The state (a fresh empty one when none exists); a string says why it cannot be read. */
  read(): Promise<State | string>;
  /** Persists `state` here: coalesced writes, the previous state kept as a backup once per writer. */
  writer(state: State): StateWriter;
  lock(operation: string, timeoutMs: number, onWait?: (holder: string) => void): Promise<LockResult>;
  forceUnlock(id: string): { ok: true; holder: string } | { ok: false; reason: string };
  /** Under the lock: remove what a process killed mid-write left behind. */
  removeStaleTempFiles(): void;
}

/** The backend block of a stack, as cdk.tf.json holds it (terraform.backend). */
export type BackendConfig = Record<string, unknown> | undefined;

/**
 * The files of a local state at `stateFile`: terraform's names for the backup and the lock info,
 * and beside them our record of the state's lineage (see lineage.ts).
 */
export function localStatePaths(stateFile: string, stack: string): StatePaths {
  const state = path.resolve(stateFile);
  const dir = path.dirname(state);
  return { stack, dir, state, backup: `${state}.backup`, lock: path.join(dir, `.${path.basename(state)}.lock.info`), record: `${state}.stack.json` };
}

export function localBackend(paths: StatePaths): StateBackend {
  return {
    kind: "local",
    location: paths.state,
    read: async () => readState(paths),
    writer: (state) => new FileStateWriter(paths, state),
    lock: (operation, timeoutMs, onWait) => acquireLock(paths.lock, operation, timeoutMs, onWait),
    removeStaleTempFiles: () => removeStaleTempFiles(paths),
    forceUnlock: (id) => {
      const r = forceUnlock(paths.lock, id);
      return r.ok ? { ok: true, holder: describeHolder(r.holder) } : r;
    },
  };
}

/**
 * The backend a stack declares (`backend` is terraform.backend of its cdk.tf.json, `stackDir` the
 * directory terraform runs it in); `fallback` when it declares none. A string says why not.
 */
export function backendFor(backend: BackendConfig, stackDir: string, fallback: StatePaths): StateBackend | string {
  if (backend === undefined) return localBackend(fallback);
  const kinds = Object.keys(backend);
  if (kinds.length !== 1) return `terraform.backend must name exactly one backend, found ${kinds.length === 0 ? "none" : kinds.join(", ")}`;
  const kind = kinds[0];
  const cfg = backend[kind];
  const body = (cfg ?? {}) as Record<string, unknown>;
  if (kind === "pg") {
    const settings = pgSettings(body);
    return typeof settings === "string" ? settings : new PgBackend(settings);
  }
  if (kind !== "local") return `the "${kind}" backend is not supported by the engine (only "local" and "pg"); run this stack with terraform (cdktf deploy)`;
  if (body.path !== undefined && typeof body.path !== "string") return 'backend "local": path must be a string';
  const file = typeof body.path === "string" && body.path !== "" ? body.path : "terraform.tfstate";
  return localBackend(localStatePaths(path.resolve(stackDir, file), fallback.stack));
}

/**
 * The backend of a stack named without its configuration at hand (state, output, force-unlock):
 * the one its synthesized configuration in outDir declares, else the data directory's.
 */
export function stackBackend(outDir: string | undefined, dataDir: string, stack: string): StateBackend | string {
  const config = outDir ? loadStack(outDir, stack).config : undefined;
  const fallback = statePaths(dataDir, stack);
  return config ? backendFor(config.backend, path.dirname(config.file), fallback) : backendFor(undefined, "", fallback);
}
