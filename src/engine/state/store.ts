// Where a stack's state lives on disk and how it is written: temp file + fsync + rename (a reader
// or a crash never sees half a file), with the state as it was before the command kept as a backup
// (0600, like the state: both hold secrets), and the stack's lineage recorded (see lineage.ts).
// Writes are coalesced: at most one in flight, and the next one carries every change made
// meanwhile, so "state after every resource" costs O(writes) not O(resources x state size).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { open, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { emptyState, stateFromJson, stateToJson, type State } from "./state.js";
import { readTextFile } from "../../util/read-text.js";
import { writeSecretFileAtomic } from "../../util/atomic-file.js";
import { lineageProblem, recordedLineage, recordJson, RECORD_FILE } from "./lineage.js";

export interface StatePaths {
  stack: string;
  dir: string;
  state: string;
  backup: string;
  lock: string;
  /** The stack's record of its state's lineage. */
  record: string;
}

/** <dataDir>/stacks/<stack>/terraform.tfstate (+ .backup, + .lock.info, + stack.json) */
export function statePaths(dataDir: string, stack: string): StatePaths {
  const dir = path.join(path.resolve(dataDir), "stacks", stack);
  return {
    stack,
    dir,
    state: path.join(dir, "terraform.tfstate"),
    backup: path.join(dir, "terraform.tfstate.backup"),
    lock: path.join(dir, ".terraform.tfstate.lock.info"),
    record: path.join(dir, RECORD_FILE),
  };
}

/**
 * Reads the state (a fresh empty one when the stack has none yet); a string is why it cannot be
 * read, or why it is not this stack's (another lineage, or missing after it was written).
 */
export function readState(paths: StatePaths): State | string {
  const text = existsSync(paths.state) ? readTextFile(paths.state) : "";
  // No file, or the empty one terraform's local backend creates when it first locks a new stack.
  if (text.trim() === "") return lineageProblem(paths, paths.stack, undefined) ?? emptyState();
  const r = stateFromJson(text);
  if (typeof r === "string") return `${paths.state}: ${r}`;
  return lineageProblem(paths, paths.stack, r) ?? r;
}

/** Temp files this process is writing right now: an exit on a second Ctrl-C removes them. */
const writing = new Set<string>();

/** Removes the temp files of writes still in flight (the process is about to exit). */
export function removeTempFilesInFlight(): void {
  for (const tmp of writing) rmSync(tmp, { force: true });
  writing.clear();
}

/**
 * Removes temp files a killed process left next to the stack's state. Called with the lock held:
 * no other process is writing there, so every one of them is debris.
 */
export function removeStaleTempFiles(paths: StatePaths): void {
  let names: string[];
  try {
    names = readdirSync(paths.dir);
  } catch {
    return; // no state directory yet
  }
  // writeFileAtomic's "<file>.tmp-<pid>" and writeSecretFileAtomic's "<file>.tmp-<pid>-<hex>".
  for (const n of names) if (/\.tmp-\d+(-[0-9a-f]+)?$/.test(n)) rmSync(path.join(paths.dir, n), { force: true });
}

export async function writeFileAtomic(file: string, data: string | Buffer, mode = 0o600): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writing.add(tmp);
  try {
    const fh = await open(tmp, "w", mode);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  } finally {
    writing.delete(tmp);
  }
  // fsync the directory so the rename itself survives a power cut.
  const dir = await open(path.dirname(file), "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** A copy of `state` that a writer's next write (which adds one to the serial) stores with `state`'s own serial. */
export function keepingSerial(state: State): State {
  return { ...state, serial: state.serial - 1 };
}

/**
 * Coalesced persistence of one state: at most one write in flight, the next one carrying every
 * change made meanwhile. Subclasses say where a write goes (a file, a database row).
 */
export abstract class StateWriter {
  private inFlight: Promise<void> | undefined;
  private dirty = false;
  private error: unknown;

  constructor(readonly state: State) {}

  /** Persist soon (coalesced). Errors surface on flush(). */
  schedule(): void {
    this.dirty = true;
    if (!this.inFlight) this.inFlight = this.loop();
  }

  /** Persist now and wait until everything scheduled so far is stored. */
  async flush(): Promise<void> {
    this.dirty = true;
    if (!this.inFlight) this.inFlight = this.loop();
    await this.inFlight;
    if (this.error) {
      const e = this.error;
      this.error = undefined;
      throw e;
    }
  }

  private async loop(): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false;
        await this.writeOnce();
      }
    } catch (e) {
      this.error = e;
    } finally {
      this.inFlight = undefined;
    }
  }

  protected abstract writeOnce(): Promise<void>;

  /**
   * The exit on a second Ctrl-C: writes the state as it is in memory now, synchronously (the
   * process exits right after, so nothing asynchronous would finish). Everything acknowledged so
   * far is in it; creates still in flight are in its pending list, so the next apply adopts them.
   * False when this store cannot be written synchronously (a database).
   */
  abstract writeNowSync(): boolean;
}

/** A state in a local file (terraform's local backend, or the data directory's). */
export class FileStateWriter extends StateWriter {
  private backedUp = false;
  private recorded = false;

  constructor(
    private readonly paths: StatePaths,
    state: State,
  ) {
    super(state);
  }

  writeNowSync(): boolean {
    if (!this.backedUp && existsSync(this.paths.state)) {
      writeSecretFileAtomic(this.paths.backup, readFileSync(this.paths.state));
      this.backedUp = true;
    }
    this.state.serial += 1;
    writeSecretFileAtomic(this.paths.state, stateToJson(this.state));
    if (!this.recorded && !existsSync(this.paths.record)) writeSecretFileAtomic(this.paths.record, recordJson(this.state.lineage));
    this.recorded = true;
    return true;
  }

  protected async writeOnce(): Promise<void> {
    if (!this.recorded) {
      // Read and checked under the lock already; this guards a caller that changed the lineage.
      const rec = recordedLineage(this.paths);
      const mine = typeof rec === "string" ? undefined : rec.lineage;
      if (mine && mine !== this.state.lineage) throw new Error(`refusing to write a state of lineage ${this.state.lineage} over stack "${this.paths.stack}" of lineage ${mine}`);
    }
    // The first write that replaces a state file keeps it: the state before this command, or,
    // when the command started with none, the first snapshot it wrote.
    if (!this.backedUp && existsSync(this.paths.state)) {
      await writeFileAtomic(this.paths.backup, await readFile(this.paths.state));
      this.backedUp = true;
    }
    this.state.serial += 1;
    await writeFileAtomic(this.paths.state, stateToJson(this.state));
    if (!this.recorded) {
      // After the state: a crash in between leaves a state without a record, which is adopted,
      // never a record without its state.
      if (!existsSync(this.paths.record)) await writeFileAtomic(this.paths.record, recordJson(this.state.lineage));
      this.recorded = true;
    }
  }
}
