// The emulator's persistence: one SQLite database (better-sqlite3, WAL) in a data directory, or in
// memory for tests. better-sqlite3 is synchronous, so a model method that returns has committed:
// with WAL a committed transaction survives kill -9 of the process (the WAL is in the OS page cache
// and is replayed on the next open).
import Database from "better-sqlite3";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { MIGRATIONS, type Migration } from "./migrations.js";

export interface StoreOptions {
  /** Directory holding cloud.db; omitted = in-memory (tests). */
  dataDir?: string;
}

export class Store {
  readonly db: Database.Database;

  private constructor(db: Database.Database) {
    this.db = db;
  }

  static open(opts: StoreOptions = {}, migrations: Migration[] = MIGRATIONS): Store {
    let db: Database.Database;
    if (opts.dataDir) {
      mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
      const file = join(opts.dataDir, "cloud.db");
      // The database holds secrets (the organizations' SSH CA private keys): owner-only, created so.
      closeSync(openSync(file, "a", 0o600));
      chmodSync(file, 0o600);
      db = new Database(file);
      db.pragma("journal_mode = WAL");
      for (const side of ["-wal", "-shm"]) if (existsSync(file + side)) chmodSync(file + side, 0o600);
      // NORMAL with WAL: durable against process crashes (kill -9); fsync happens at checkpoints.
      db.pragma("synchronous = NORMAL");
    } else {
      db = new Database(":memory:");
    }
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    const store = new Store(db);
    store.migrate(migrations);
    return store;
  }

  get schemaVersion(): number {
    return this.db.pragma("user_version", { simple: true }) as number;
  }

  private migrate(migrations: Migration[]): void {
    const current = this.schemaVersion;
    const pending = migrations.filter((m) => m.version > current).sort((a, b) => a.version - b.version);
    for (const m of pending) {
      // Each migration and its version bump commit together: a crash leaves the old or the new schema.
      this.db.transaction(() => {
        this.db.exec(m.sql);
        this.db.pragma(`user_version = ${m.version}`);
      })();
    }
  }

  // One wrapper for every transaction: building a better-sqlite3 transaction function per call
  // costs more than a small insert. Called inside a transaction it becomes a savepoint.
  private readonly inTransaction = (fn: () => unknown) => fn();
  private txRunner?: (fn: () => unknown) => unknown;

  /** Runs fn in one transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T {
    this.txRunner ??= this.db.transaction(this.inTransaction);
    return this.txRunner(fn) as T;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
