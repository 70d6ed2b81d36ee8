// Background WAL checkpoints for a long-running emulator. SQLite's automatic checkpoint runs inside
// whichever commit crosses the WAL threshold, and with synchronous=NORMAL a checkpoint fsyncs: on
// an ordinary disk that stalls one request for tens of milliseconds every few hundred writes and
// was the largest cost of a create (bench/cloud). Here the main connection stops checkpointing and
// a worker thread with its own connection runs PASSIVE checkpoints on a timer, so the fsyncs happen
// off the event loop. Durability is unchanged: a commit is in the WAL before the call returns
// (kill -9 safe, as before); checkpoints only move WAL pages into the main file.
import type Database from "better-sqlite3";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** SQLite's default, restored if the worker ever stops early so the WAL cannot grow without bound. */
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

// Plain JS (the worker does not go through the TypeScript loader); it only opens the same file and
// checkpoints. Never writes data, so it cannot conflict with the model's transactions.
const WORKER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma("busy_timeout = 5000");
const timer = setInterval(() => db.pragma("wal_checkpoint(PASSIVE)"), workerData.intervalMs);
parentPort.on("message", () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface BackgroundCheckpoints {
  /** Stops the worker (call before closing the store; the close itself checkpoints what is left). */
  stop(): Promise<void>;
}

export function startBackgroundCheckpoints(db: Database.Database, intervalMs = 250): BackgroundCheckpoints | undefined {
  if (db.memory) return undefined;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { module: createRequire(import.meta.url).resolve("better-sqlite3"), file: db.name, intervalMs },
  });
  db.pragma("wal_autocheckpoint = 0");
  let running = true;
  const restore = () => {
    if (running && db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
    running = false;
  };
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  worker.once("error", restore);
  worker.once("exit", restore);
  return {
    async stop() {
      if (!running) return;
      restore();
      worker.postMessage("stop");
      await exited;
    },
  };
}
