// Which backend a stack's state was last used in, kept in the stack's directory of the data dir as
// terraform keeps the initialized backend in .terraform/terraform.tfstate. When the configuration
// names another backend, plan and apply stop: the new backend holds none of the stack's state yet,
// so planning there would create every object again. `oslogin state migrate` copies the states
// over and records the new backend.
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { readTextFile } from "../../util/read-text.js";
import { writeSecretFileAtomic } from "../../util/atomic-file.js";
import type { BackendConfig } from "./backend.js";
import { describeTarget, pgSettings } from "./pg-backend.js";
import { statePaths } from "./store.js";

/** 0600: a pg block may hold a connection string with its password, as cdk.tf.json does. */
export const BACKEND_RECORD_FILE = "backend.json";

/** The summary of the refusal, the same wherever it is said. */
export const BACKEND_CHANGED = "Backend configuration changed";

export interface BackendRecord {
  /** terraform.backend of the stack's cdk.tf.json; null for no block (the data directory's file). */
  backend: BackendConfig | null;
  /** The stack's directory, against which a local backend's relative paths resolve. */
  dir: string;
}

export const backendRecordFile = (stackDataDir: string) => path.join(stackDataDir, BACKEND_RECORD_FILE);

/** The recorded backend; undefined when none was recorded; a string says why it cannot be read. */
export function recordedBackend(stackDataDir: string): BackendRecord | undefined | string {
  const file = backendRecordFile(stackDataDir);
  if (!existsSync(file)) return undefined;
  try {
    const r = JSON.parse(readTextFile(file)) as BackendRecord;
    if (typeof r === "object" && r !== null && "backend" in r && typeof r.dir === "string") return r;
  } catch {
    // reported below
  }
  return `${file} is not a backend record ({"backend": ..., "dir": ...}); delete it and the next plan records the configured backend`;
}

export function recordBackend(stackDataDir: string, rec: BackendRecord): void {
  mkdirSync(stackDataDir, { recursive: true });
  writeSecretFileAtomic(backendRecordFile(stackDataDir), JSON.stringify(rec) + "\n");
}

/** JSON with object keys sorted, so two spellings of one block compare equal. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}

/**
 * A local block's storage: its state file, and a workspace directory the block names, resolved
 * against the stack's directory. (The default workspace directory sits in the output directory
 * itself, so it cannot follow the state across output directories; it is not compared.)
 */
function localFiles(r: BackendRecord): string | undefined {
  const body = r.backend && "local" in r.backend ? ((r.backend.local ?? {}) as Record<string, unknown>) : undefined;
  if (!body) return undefined;
  const at = (v: unknown) => (typeof v === "string" && v ? path.resolve(r.dir, v) : null);
  return JSON.stringify([at(body.path) ?? path.resolve(r.dir, "terraform.tfstate"), at(body.workspace_dir)]);
}

/**
 * The same state storage: for local blocks the same files once resolved (cdktf writes the path
 * relative to the stack's output directory, so another --out-dir spells the same file
 * differently), for others the same block.
 */
export function sameBackend(a: BackendRecord, b: BackendRecord): boolean {
  const la = localFiles(a);
  const lb = localFiles(b);
  if (la !== undefined || lb !== undefined) return la === lb;
  return canonical(a.backend) === canonical(b.backend);
}

/** For messages: the backend's kind and where it keeps the default state (never a connection string). */
export function describeBackendRecord(r: BackendRecord): string {
  if (!r.backend) return "no backend block (the data directory's state file)";
  const kind = Object.keys(r.backend)[0];
  const body = (r.backend[kind] ?? {}) as Record<string, unknown>;
  if (kind === "local") return `backend "local" (${path.resolve(r.dir, typeof body.path === "string" && body.path ? body.path : "terraform.tfstate")})`;
  if (kind === "pg") {
    const s = pgSettings(body);
    if (typeof s !== "string") return `backend "pg" (${describeTarget(s.connStr)} schema "${s.schema}")`;
  }
  return `backend "${kind}"`;
}

/**
 * Why stack `stack` may not use `now`, the backend its configuration names: its state was last in
 * another one, which `now` does not hold yet. Every command that reads or writes the stack's states
 * through its configuration asks this first (plan, apply, the workspace, state and output commands).
 * A stack seen for the first time records `now` when `record` (plan and apply: only in an existing
 * data directory, so a plan against a running endpoint does not create one); the other commands
 * only check, so that reading a stack synthesized one way does not pin the backend before the plan
 * that uses it.
 */
export function backendChange(dataDir: string, stack: string, now: BackendRecord, record = true): string | undefined {
  const dir = statePaths(dataDir, stack).dir;
  const rec = recordedBackend(dir);
  if (typeof rec === "string") return rec;
  if (!rec) {
    if (record && existsSync(dataDir)) recordBackend(dir, now);
    return undefined;
  }
  if (sameBackend(rec, now)) return undefined;
  return (
    `the state of stack "${stack}" was in ${describeBackendRecord(rec)} and its configuration now names ${describeBackendRecord(now)}, ` +
    `which holds none of it yet: run "oslogin state migrate" to copy the state there; or, to start afresh in the new backend, delete ${backendRecordFile(dir)}`
  );
}
