// The emulator's persistence: one SQLite database (better-sqlite3, WAL) in a data directory, or in
// memory for tests. better-sqlite3 is synchronous, so a model method that returns has committed:
// with WAL a committed transaction survives kill -9 of the process (the WAL is in the OS page cache
// and is replayed on the next open).
//
// Group commit (opt-in, enableGroupCommit): mutations made through grouped() in the same turn of the
// event loop share one SQLite transaction, each inside its own savepoint (a failing one rolls back
// alone), committed on setImmediate or when the group is full. A commit writes each touched page once
// per group instead of once per mutation, and the syscalls per commit are paid once. The caller
// acknowledges only after the group's `durable` promise resolves, so "acknowledged = on disk" holds.
import Database from "better-sqlite3";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { MIGRATIONS, type Migration } from "./migrations.js";

export interface StoreOptions {
  /** Directory holding cloud.db; omitted = in-memory (tests). */
  dataDir?: string;
}

/** Mutations sharing one open transaction; `done` settles when it commits (or fails to). */
interface Group {
  members: number;
  done: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

const COMMITTED: Promise<void> = Promise.resolve();

export class Store {
  readonly db: Database.Database;
  /** Mutations per group before it commits without waiting for the turn to end; 0 = group commit off. */
  private groupLimit = 0;
  private group?: Group;
  /** Inside grouped(): top-level transactions join the open group. */
  private joining = false;
  /** The group the last grouped() call's transactions joined. */
  private joined?: Group;
  /** Depth of transactions running now (0 = none): nested ones are savepoints and never commit a group. */
  private depth = 0;
  private onFirstGroup?: () => void;

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
    // Savepoints (every mutation of a commit group, every nested transaction) keep their undo pages
    // in a statement journal, by default a temporary file per savepoint: several pwrite calls and
    // an open + unlink per mutation. In memory they cost a copy; the data is undo information that a
    // crash discards anyway, so durability is unchanged.
    db.pragma("temp_store = MEMORY");
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

  /**
   * Runs fn in one transaction (nested calls become savepoints). Inside grouped() it joins the open
   * group; outside, it first commits any open group, so a direct caller's write is durable on return.
   */
  transaction<T>(fn: () => T): T {
    this.txRunner ??= this.db.transaction(this.inTransaction);
    if (this.depth === 0) {
      if (this.joining && this.groupLimit > 0) return this.inGroup(fn);
      if (this.group) this.commitGroup();
    }
    this.depth++;
    try {
      return this.txRunner(fn) as T;
    } finally {
      this.depth--;
    }
  }

  private readStatements?: { begin: Database.Statement; commit: Database.Statement; rollback: Database.Statement };

  /**
   * Runs fn, which only reads, in one read transaction: its statements see one consistent snapshot,
   * and SQLite's per-transaction work (in WAL mode two fcntl locks and an fstat, ~4 µs, more than an
   * indexed lookup itself) is paid once instead of once per statement. Inside a transaction it just
   * runs fn.
   */
  read<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    const s = (this.readStatements ??= {
      begin: this.db.prepare("BEGIN DEFERRED"),
      commit: this.db.prepare("COMMIT"),
      rollback: this.db.prepare("ROLLBACK"),
    });
    s.begin.run();
    let value: T;
    try {
      value = fn();
    } catch (e) {
      if (this.db.inTransaction) s.rollback.run();
      throw e;
    }
    s.commit.run();
    return value;
  }

  /**
   * For a long-lived process that mostly reads a large database at random (a VM's metadata
   * endpoint): pages come through a memory map instead of one pread syscall each, and more of them
   * stay cached. Measured in bench/metadata at 100k profiles (146 MB): about a third more requests/s.
   */
  tuneForRandomReads(): void {
    this.db.pragma(`mmap_size = ${256 * 1024 * 1024}`);
    this.db.pragma(`cache_size = ${-64 * 1024}`); // negative = KiB
  }

  private versionStatement?: Database.Statement;

  /**
   * A value that changes whenever the database may have changed: a commit by any other connection
   * (PRAGMA data_version) or a row written through this one (total_changes()). Read inside read(),
   * it names that snapshot: anything derived from the database stays valid while it is unchanged.
   */
  changeVersion(): string {
    this.versionStatement ??= this.db.prepare("SELECT data_version || '.' || total_changes() FROM pragma_data_version").pluck();
    return this.versionStatement.get() as string;
  }

  /**
   * Turns group commit on (the embedded cloud behind the engine): at most `limit` mutations per
   * group. Only writes made through grouped() are grouped. `onFirstGroup` runs when the first group
   * opens (what only writers need, e.g. background checkpoints, starts then, not for a read-only plan).
   */
  enableGroupCommit(limit = 256, onFirstGroup?: () => void): void {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`group commit limit must be a whole number >= 1, got ${limit}`);
    this.groupLimit = limit;
    this.onFirstGroup = onFirstGroup;
  }

  /**
   * Runs fn (which may write) letting its transactions join the current group. `durable` resolves
   * once they are committed and rejects if the commit failed: acknowledge the result only then.
   * A fn that only read while a group was open gets that group's commit too: on this connection it
   * saw the group's uncommitted writes, which a crash before the commit would undo.
   * Without group commit every transaction has committed when fn returns, and `durable` is resolved.
   */
  grouped<T>(fn: () => T): { value: T; durable: Promise<void> } {
    const outer = this.joining;
    this.joining = true;
    this.joined = undefined;
    try {
      const value = fn();
      // fn's transactions set `joined` (TypeScript's narrowing cannot see that).
      const joined = (this.joined as Group | undefined) ?? this.group;
      return { value, durable: joined?.done ?? COMMITTED };
    } finally {
      this.joining = outer;
      this.joined = undefined;
    }
  }

  private inGroup<T>(fn: () => T): T {
    const g = this.group ?? this.openGroup();
    this.joined = g;
    this.depth++;
    try {
      // A savepoint inside the group's transaction: if fn throws, only its own writes roll back.
      return this.txRunner!(fn) as T;
    } finally {
      this.depth--;
      if (++g.members >= this.groupLimit && this.group === g) this.commitGroup();
    }
  }

  private openGroup(): Group {
    const first = this.onFirstGroup;
    this.onFirstGroup = undefined;
    first?.();
    this.db.exec("BEGIN IMMEDIATE");
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    // A group nobody awaits (its callers failed first) must not become an unhandled rejection.
    done.catch(() => {});
    const g: Group = { members: 0, done, resolve, reject };
    this.group = g;
    setImmediate(() => {
      if (this.group === g) this.commitGroup();
    });
    return g;
  }

  private commitGroup(): void {
    const g = this.group!;
    this.group = undefined;
    try {
      this.db.exec("COMMIT");
      g.resolve();
    } catch (e) {
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      g.reject(e);
    }
  }

  /** Commits an open group, then closes the database. */
  close(): void {
    if (this.group && this.db.open) this.commitGroup();
    if (this.db.open) this.db.close();
  }
}
