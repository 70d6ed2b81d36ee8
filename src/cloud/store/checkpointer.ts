// Background WAL checkpoints for a long-running emulator. SQLite's automatic checkpoint runs inside
// whichever commit crosses the WAL threshold (1000 pages), and with synchronous=NORMAL a checkpoint
// fsyncs: on an ordinary disk that stalls one request for tens of milliseconds every few hundred
// writes and was the largest cost of a create (bench/cloud). Here a worker thread with its own
// connection runs PASSIVE checkpoints on a timer, so the copying and the fsyncs happen off the
// event loop.
// A PASSIVE checkpoint never catches up with a writer that keeps committing, and the WAL only
// starts over once a checkpoint has caught up, so under sustained load the WAL would grow without
// bound. The main connection therefore keeps its automatic checkpoint, with a high threshold
// (WAL_CAP_BYTES): rarely, one commit finishes the job inline (little is left to copy) and the
// next write starts the WAL over; journal_size_limit then trims a file a burst left larger. (A
// RESTART from the worker would hold the write lock while waiting for the main connection's read
// snapshot, which waits for the write lock: a deadlock until busy_timeout. So the worker never
// takes the write lock.)
// Durability is unchanged: a commit is in the WAL before the call returns (kill -9 safe, as
// before); checkpoints only move WAL pages into the main file.
import type Database from "better-sqlite3";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** SQLite's default, restored when the worker stops (or dies) so the WAL is never left unmanaged. */
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;
/** The WAL size past which the main connection checkpoints inline (and to which a grown WAL is trimmed). */
export const WAL_CAP_BYTES = 64 * 1024 * 1024;

// Plain JS (the worker does not go through the TypeScript loader); it only opens the same file and
// checkpoints. Never writes data, so it cannot conflict with the model's transactions.
const WORKER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.file, { fileMustExist: true });
// PASSIVE never waits for locks; a busy moment just means "try again next tick".
const timer = setInterval(() => db.pragma("wal_checkpoint(PASSIVE)"), workerData.intervalMs);
parentPort.postMessage("ready");
parentPort.on("message", () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface BackgroundCheckpoints {
  /** Resolves once the worker has opened the database (it takes a moment to start). */
  ready: Promise<void>;
  /** Stops the worker (call before closing the store; the close itself checkpoints what is left). */
  stop(): Promise<void>;
}

export function startBackgroundCheckpoints(
  db: Database.Database,
  {
    intervalMs = 250,
    capBytes = WAL_CAP_BYTES,
    keepAlive = true,
  }: {
    intervalMs?: number;
    capBytes?: number;
    /** false: the thread never keeps the process alive (a CLI that ends without stopping it still exits). */
    keepAlive?: boolean;
  } = {},
): BackgroundCheckpoints | undefined {
  if (db.memory) return undefined;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { module: createRequire(import.meta.url).resolve("better-sqlite3"), file: db.name, intervalMs, capBytes },
  });
  // Safe to abandon: a checkpoint cut short by the process exiting leaves the WAL for the next open.
  if (!keepAlive) worker.unref();
  const pageSize = db.pragma("page_size", { simple: true }) as number;
  db.pragma(`wal_autocheckpoint = ${Math.max(1, Math.floor(capBytes / pageSize))}`);
  db.pragma(`journal_size_limit = ${capBytes}`);
  let running = true;
  const restore = () => {
    if (running && db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
    running = false;
  };
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    worker.once("message", () => resolve());
    worker.once("error", reject);
    void exited.then(() => reject(new Error("the checkpoint worker exited before it was ready")));
  });
  ready.catch(() => {}); // nobody has to wait for it; a failure only means SQLite checkpoints inline again
  worker.once("error", restore);
  worker.once("exit", restore);
  return {
    ready,
    async stop() {
      if (!running) return;
      restore();
      // While someone waits for the exit, the thread must keep the process alive (an unref'd
      // worker does not, and a CLI awaiting stop() would end there, its exit code never set).
      worker.ref();
      worker.postMessage("stop");
      await exited;
    },
  };
}
