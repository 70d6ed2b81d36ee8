// Group commit: grouped writes share one transaction (a savepoint each) and are acknowledged only
// once it commits; another connection (another process, in real use) sees nothing before that.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { Store } from "../../../src/cloud/store/store.js";

let store: Store;
let other: Database.Database;

/** A store with group commit on (at most `limit` per group) and a second connection to its file. */
function open(limit = 256): void {
  const dir = mkdtempSync(join(tmpdir(), "group-commit-"));
  store = Store.open({ dataDir: dir });
  store.db.exec("CREATE TABLE t (x TEXT PRIMARY KEY)");
  store.enableGroupCommit(limit);
  other = new Database(join(dir, "cloud.db"), { readonly: true });
}

const insert = (x: string) => store.transaction(() => store.db.prepare("INSERT INTO t (x) VALUES (?)").run(x));
const seenByOther = () => (other.prepare("SELECT x FROM t ORDER BY x").all() as { x: string }[]).map((r) => r.x);
const seenHere = () => (store.db.prepare("SELECT x FROM t ORDER BY x").all() as { x: string }[]).map((r) => r.x);

afterEach(() => {
  other?.close();
  store?.close();
});

describe("Store group commit", () => {
  it("GIVEN three grouped writes in one turn WHEN their durable promises resolve THEN one commit made all three visible, none before", async () => {
    open();
    const writes = ["a", "b", "c"].map((x) => store.grouped(() => insert(x)));
    expect(seenHere()).toEqual(["a", "b", "c"]);
    expect(seenByOther()).toEqual([]);
    expect(writes[0].durable).toBe(writes[2].durable);
    await Promise.all(writes.map((w) => w.durable));
    expect(seenByOther()).toEqual(["a", "b", "c"]);
  });

  it("GIVEN a grouped write that fails WHEN the group commits THEN only that write is rolled back", async () => {
    open();
    const first = store.grouped(() => insert("a"));
    expect(() => store.grouped(() => store.transaction(() => {
      store.db.prepare("INSERT INTO t (x) VALUES ('half')").run();
      insert("a"); // duplicate key: this write fails after half of it was done
    }))).toThrow(/UNIQUE constraint failed: t.x/);
    const third = store.grouped(() => insert("c"));
    await Promise.all([first.durable, third.durable]);
    expect(seenByOther()).toEqual(["a", "c"]);
  });

  it("GIVEN an open group WHEN a grouped call only reads THEN its result waits for that group's commit (it saw the uncommitted write)", async () => {
    open();
    const write = store.grouped(() => insert("a"));
    const read = store.grouped(() => seenHere());
    expect(read.value).toEqual(["a"]);
    expect(seenByOther()).toEqual([]);
    expect(read.durable).toBe(write.durable);
    await read.durable;
    expect(seenByOther()).toEqual(["a"]);
    // With no group open, a read has nothing to wait for.
    let settled = false;
    void store.grouped(() => seenHere()).durable.then(() => (settled = true));
    await null; // one microtask: enough for an already resolved promise, not for a commit
    expect(settled).toBe(true);
  });

  it("GIVEN a store on disk THEN savepoint undo pages are kept in memory (temp_store = MEMORY), not in a temporary file per mutation", () => {
    open();
    // 2 = MEMORY. A file per savepoint cost an open, an unlink and several pwrite calls per grouped mutation.
    expect(store.db.pragma("temp_store", { simple: true })).toBe(2);
  });

  it("GIVEN an open group WHEN a write is made outside grouped() THEN the group commits first and that write is durable on return", async () => {
    open();
    const grouped = store.grouped(() => insert("a"));
    insert("b");
    expect(seenByOther()).toEqual(["a", "b"]);
    await grouped.durable;
  });

  it("GIVEN a limit of 2 WHEN three writes are grouped in one turn THEN the first two commit as the second returns and the third waits", async () => {
    open(2);
    const [a, b] = [store.grouped(() => insert("a")), store.grouped(() => insert("b"))];
    expect(seenByOther()).toEqual(["a", "b"]);
    const c = store.grouped(() => insert("c"));
    expect(c.durable).not.toBe(a.durable);
    expect(seenByOther()).toEqual(["a", "b"]);
    await Promise.all([a.durable, b.durable, c.durable]);
    expect(seenByOther()).toEqual(["a", "b", "c"]);
  });

  it("GIVEN a grouped write with nested transactions WHEN the limit is 1 THEN the group commits once, after the outer one", async () => {
    open(1);
    const w = store.grouped(() => store.transaction(() => {
      insert("a");
      insert("b");
      expect(seenByOther()).toEqual([]);
    }));
    expect(seenByOther()).toEqual(["a", "b"]);
    await w.durable;
  });

  it("GIVEN an open group WHEN the store closes THEN the group is committed", async () => {
    open();
    const dir = store.db.name;
    const w = store.grouped(() => insert("a"));
    store.close();
    await w.durable;
    const reopened = new Database(dir, { readonly: true });
    expect(reopened.prepare("SELECT x FROM t").all()).toEqual([{ x: "a" }]);
    reopened.close();
  });

  it("GIVEN a group whose COMMIT fails WHEN awaited THEN durable rejects, nothing of the group is stored, and the next write works", async () => {
    open();
    // A deferred foreign key is checked at COMMIT: a deterministic way to make a commit fail.
    store.db.exec("CREATE TABLE child (p TEXT REFERENCES t (x) DEFERRABLE INITIALLY DEFERRED)");
    const good = store.grouped(() => insert("a"));
    const orphan = store.grouped(() => store.transaction(() => store.db.prepare("INSERT INTO child (p) VALUES ('missing')").run()));
    await expect(good.durable).rejects.toThrow("FOREIGN KEY constraint failed");
    await expect(orphan.durable).rejects.toThrow("FOREIGN KEY constraint failed");
    expect(store.db.inTransaction).toBe(false);
    expect(seenHere()).toEqual([]);
    await store.grouped(() => insert("b")).durable;
    expect(seenByOther()).toEqual(["b"]);
  });

  it("GIVEN an onFirstGroup hook WHEN groups open THEN it runs once, before the first group's transaction", async () => {
    const dir = mkdtempSync(join(tmpdir(), "group-commit-"));
    store = Store.open({ dataDir: dir });
    store.db.exec("CREATE TABLE t (x TEXT PRIMARY KEY)");
    const calls: boolean[] = [];
    store.enableGroupCommit(2, () => calls.push(store.db.inTransaction));
    other = new Database(join(dir, "cloud.db"), { readonly: true });
    expect(seenHere()).toEqual([]);
    expect(calls).toEqual([]);
    const writes = ["a", "b", "c"].map((x) => store.grouped(() => insert(x)));
    await Promise.all(writes.map((w) => w.durable));
    expect(calls).toEqual([false]);
  });

  it("GIVEN group commit off WHEN a write is grouped THEN it has committed on return and durable is already resolved", async () => {
    const dir = mkdtempSync(join(tmpdir(), "group-commit-"));
    store = Store.open({ dataDir: dir });
    store.db.exec("CREATE TABLE t (x TEXT PRIMARY KEY)");
    other = new Database(join(dir, "cloud.db"), { readonly: true });
    const w = store.grouped(() => insert("a"));
    expect(seenByOther()).toEqual(["a"]);
    await w.durable;
    expect(() => store.enableGroupCommit(0)).toThrow("group commit limit must be a whole number >= 1, got 0");
  });
});
