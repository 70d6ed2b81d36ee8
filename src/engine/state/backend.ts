// Where a stack's state lives: what the stack's `terraform.backend` block says, so the engine and
// terraform (cdktf deploy) read and write one state per stack, never two.
//
// - `local` (cdktf's default: `{"local": {"path": "<project>/terraform.<stack>.tfstate"}}`): that
//   file, its `.backup` and terraform's lock-info file `.<name>.lock.info` beside it. A relative path
//   is relative to the stack's directory (cdktf.out/stacks/<stack>), where terraform runs.
// - no backend block (hand-written stacks): the engine's own file <data-dir>/stacks/<stack>/terraform.tfstate.
// - `pg`: a row of terraform's pg backend table (pg-backend.ts), locked with its advisory locks.
// Each of them per workspace, as terraform lays workspaces out (see Workspaces below).
// - any other kind: refused with a diagnostic naming it (reading elsewhere would plan against no state
//   and create everything twice).
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { loadStack } from "../config/load.js";
import { BACKEND_CHANGED, backendChange } from "./backend-record.js";
import { PgBackend, pgSettings } from "./pg-backend.js";
import { acquireLock, describeHolder, forceUnlock, type LockResult } from "./lock.js";
import type { State } from "./state.js";
import { DEFAULT_WORKSPACE, orderWorkspaces, selectedWorkspace } from "./workspaces.js";
import { FileStateWriter, keepingSerial, readState, removeStaleTempFiles, statePaths, type StatePaths, type StateWriter } from "./store.js";

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
  /**
   * Under the lock: replaces the state with `state` exactly as it is, lineage and serial kept (state
   * migrate); the lineage it records becomes `state`'s.
   */
  adopt(state: State): Promise<void>;
}


/** terraform's local backend keeps the states of workspaces other than default here. */
const DEFAULT_WORKSPACE_DIR = "terraform.tfstate.d";

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
    adopt: async (state) => {
      // The lineage recorded here is replaced on purpose: drop the record, the write records the new one.
      rmSync(paths.record, { force: true });
      await new FileStateWriter(paths, keepingSerial(state)).flush();
    },
    forceUnlock: (id) => {
      const r = forceUnlock(paths.lock, id);
      return r.ok ? { ok: true, holder: describeHolder(r.holder) } : r;
    },
  };
}

/**
 * A stack's backend with all its workspaces (terraform's semantics for each kind):
 * - local: `default` is the configured file; another workspace W is <workspace_dir>/W/terraform.tfstate
 *   (workspace_dir defaults to terraform.tfstate.d, beside the default file's stack directory);
 * - pg: one row per workspace, named after it.
 */
export interface Workspaces {
  readonly kind: "local" | "pg";
  /** The state of one workspace. */
  state(workspace: string): StateBackend;
  /** `default` first (with or without a state), then the others by name; a string says why not. */
  list(): Promise<string[] | string>;
  /** Makes an empty workspace: local, its directory; pg, its row holding an empty state (written under the creation lock). */
  create(workspace: string): Promise<string | undefined>;
  /** Forgets a workspace and its state (never `default`; the caller checks it is empty, or forced). */
  remove(workspace: string): Promise<string | undefined>;
}

function localWorkspaces(defaultPaths: StatePaths, workspaceDir: string): Workspaces {
  const dirOf = (ws: string) => path.join(workspaceDir, ws);
  const pathsOf = (ws: string) => (ws === DEFAULT_WORKSPACE ? defaultPaths : localStatePaths(path.join(dirOf(ws), "terraform.tfstate"), defaultPaths.stack));
  return {
    kind: "local",
    state: (ws) => localBackend(pathsOf(ws)),
    list: async () => {
      let names: string[] = [];
      try {
        names = readdirSync(workspaceDir, { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => e.name);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") return `cannot list ${workspaceDir}: ${(e as Error).message}`;
      }
      return orderWorkspaces(names);
    },
    create: async (ws) => {
      mkdirSync(dirOf(ws), { recursive: true });
      return undefined;
    },
    remove: async (ws) => {
      if (ws === DEFAULT_WORKSPACE) return 'the "default" workspace cannot be deleted';
      rmSync(dirOf(ws), { recursive: true, force: true });
      return undefined;
    },
  };
}

function pgWorkspaces(base: PgBackend): Workspaces {
  return {
    kind: "pg",
    state: (ws) => base.forWorkspace(ws),
    list: async () => {
      const names = await base.workspaceNames();
      return typeof names === "string" ? names : orderWorkspaces(names);
    },
    create: async (ws) => {
      // As terraform's pg backend: the new workspace's row at once, an empty state, under the creation lock.
      const b = base.forWorkspace(ws);
      const l = await b.lock("OperationTypeWorkspaceNew", 0);
      if (!l.ok) return l.reason;
      try {
        const st = await b.read();
        if (typeof st === "string") return st;
        await b.writer(st).flush();
        return undefined;
      } catch (e) {
        return (e as Error).message;
      } finally {
        await l.lock.release();
      }
    },
    remove: async (ws) => (ws === DEFAULT_WORKSPACE ? 'the "default" workspace cannot be deleted' : base.forWorkspace(ws).deleteRow()),
  };
}

/**
 * The workspaces of the backend a stack declares (`backend` is terraform.backend of its
 * cdk.tf.json, `stackDir` the directory terraform runs it in); `fallback` (the data directory's
 * file) when it declares none. A string says why not.
 */
export function workspacesFor(backend: BackendConfig, stackDir: string, fallback: StatePaths): Workspaces | string {
  if (backend === undefined) return localWorkspaces(fallback, path.join(fallback.dir, DEFAULT_WORKSPACE_DIR));
  const kinds = Object.keys(backend);
  if (kinds.length !== 1) return `terraform.backend must name exactly one backend, found ${kinds.length === 0 ? "none" : kinds.join(", ")}`;
  const kind = kinds[0];
  const body = (backend[kind] ?? {}) as Record<string, unknown>;
  if (kind === "pg") {
    const settings = pgSettings(body);
    return typeof settings === "string" ? settings : pgWorkspaces(new PgBackend(settings));
  }
  if (kind !== "local") return `the "${kind}" backend is not supported by the engine (only "local" and "pg"); run this stack with terraform (cdktf deploy)`;
  if (body.path !== undefined && typeof body.path !== "string") return 'backend "local": path must be a string';
  if (body.workspace_dir !== undefined && typeof body.workspace_dir !== "string") return 'backend "local": workspace_dir must be a string';
  const file = typeof body.path === "string" && body.path !== "" ? body.path : "terraform.tfstate";
  const wsDir = typeof body.workspace_dir === "string" && body.workspace_dir !== "" ? body.workspace_dir : DEFAULT_WORKSPACE_DIR;
  return localWorkspaces(localStatePaths(path.resolve(stackDir, file), fallback.stack), path.resolve(stackDir, wsDir));
}

/**
 * The state backend of the stack's current workspace: `workspace` when given, else TF_WORKSPACE or
 * the one selected in the stack's data directory (workspaces.ts). A string says why not.
 */
export function backendFor(backend: BackendConfig, stackDir: string, fallback: StatePaths, workspace?: string): StateBackend | string {
  let ws = workspace;
  if (ws === undefined) {
    const selected = selectedWorkspace(fallback.dir);
    if (typeof selected === "string") return selected;
    ws = selected.name;
  }
  const all = workspacesFor(backend, stackDir, fallback);
  return typeof all === "string" ? all : all.state(ws);
}

/** The synthesized configuration's backend block and directory of a stack, if it has been synthesized. */
function stackConfigAt(outDir: string | undefined, stack: string): { backend: BackendConfig; dir: string } | undefined {
  const config = outDir ? loadStack(outDir, stack).config : undefined;
  return config ? { backend: config.backend, dir: path.dirname(config.file) } : undefined;
}

/**
 * The backend of a stack named without its configuration at hand (state, output, force-unlock):
 * the one its synthesized configuration in outDir declares, else the data directory's.
 */
export function stackBackend(outDir: string | undefined, dataDir: string, stack: string, workspace?: string): StateBackend | string {
  const c = stackConfigAt(outDir, stack);
  return refusedIfMoved(c, dataDir, stack) ?? backendFor(c?.backend, c?.dir ?? "", statePaths(dataDir, stack), workspace);
}

/** The workspaces of a synthesized stack (the workspace commands), refused the same way. */
export function stackWorkspaces(outDir: string | undefined, dataDir: string, stack: string): Workspaces | string {
  const c = stackConfigAt(outDir, stack);
  return refusedIfMoved(c, dataDir, stack) ?? workspacesFor(c?.backend, c?.dir ?? "", statePaths(dataDir, stack));
}

/**
 * Refused as plan and apply refuse it when the stack's state was last written to another backend
 * (backend-record.ts): reading, editing, pushing or making workspaces there would act on a backend
 * the stack does not use yet. `state migrate` is how to move, and does not come through here.
 */
function refusedIfMoved(c: { backend: BackendConfig; dir: string } | undefined, dataDir: string, stack: string): string | undefined {
  const changed = c && backendChange(dataDir, stack, { backend: c.backend ?? null, dir: c.dir }, false);
  return changed ? `${BACKEND_CHANGED}: ${changed}` : undefined;
}
