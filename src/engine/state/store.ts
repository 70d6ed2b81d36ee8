// Where a stack's state lives on disk and how it is written: temp file + fsync + rename (a reader
// or a crash never sees half a file), with the previous version kept as a backup once per run.
// Writes are coalesced: at most one in flight, and the next one carries every change made
// meanwhile, so "state after every resource" costs O(writes) not O(resources x state size).
import { existsSync, mkdirSync } from "node:fs";
import { copyFile, open, rename } from "node:fs/promises";
import path from "node:path";
import { emptyState, stateFromJson, stateToJson, type State } from "./state.js";
import { readTextFile } from "../../util/read-text.js";

export interface StatePaths {
  dir: string;
  state: string;
  backup: string;
  lock: string;
}

/** <dataDir>/stacks/<stack>/terraform.tfstate (+ .backup, + .lock.info) */
export function statePaths(dataDir: string, stack: string): StatePaths {
  const dir = path.join(path.resolve(dataDir), "stacks", stack);
  return {
    dir,
    state: path.join(dir, "terraform.tfstate"),
    backup: path.join(dir, "terraform.tfstate.backup"),
    lock: path.join(dir, ".terraform.tfstate.lock.info"),
  };
}

/** Reads the state (a fresh empty one when none exists); a string is why it cannot be read. */
export function readState(paths: StatePaths): State | string {
  if (!existsSync(paths.state)) return emptyState();
  const r = stateFromJson(readTextFile(paths.state));
  return typeof r === "string" ? `${paths.state}: ${r}` : r;
}

export async function writeFileAtomic(file: string, data: string, mode = 0o600): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const fh = await open(tmp, "w", mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  // fsync the directory so the rename itself survives a power cut.
  const dir = await open(path.dirname(file), "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

export class StateWriter {
  private backedUp = false;
  private inFlight: Promise<void> | undefined;
  private dirty = false;
  private error: unknown;

  constructor(
    private readonly paths: StatePaths,
    readonly state: State,
  ) {}

  /** Persist soon (coalesced). Errors surface on flush(). */
  schedule(): void {
    this.dirty = true;
    if (!this.inFlight) this.inFlight = this.loop();
  }

  /** Persist now and wait until everything scheduled so far is on disk. */
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

  private async writeOnce(): Promise<void> {
    if (!this.backedUp) {
      this.backedUp = true;
      if (existsSync(this.paths.state)) {
        mkdirSync(this.paths.dir, { recursive: true });
        await copyFile(this.paths.state, this.paths.backup);
      }
    }
    this.state.serial += 1;
    await writeFileAtomic(this.paths.state, stateToJson(this.state));
  }
}
