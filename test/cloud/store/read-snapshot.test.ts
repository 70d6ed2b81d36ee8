// Store.read (one read transaction per call: one snapshot) and Store.changeVersion (what a reader's
// derived data is valid for), with a second connection standing for another process's writes.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Store } from "../../../src/cloud/store/store.js";

let store: Store;
let writer: Database.Database;

beforeEach(() => {
  const dir = mkdtempSync(join(tmpdir(), "read-snapshot-"));
  store = Store.open({ dataDir: dir });
  store.db.exec("CREATE TABLE t (x TEXT PRIMARY KEY)");
  writer = new Database(join(dir, "cloud.db"));
});
afterEach(() => {
  writer.close();
  store.close();
});

const count = () => store.db.prepare("SELECT COUNT(*) FROM t").pluck().get() as number;
const writeElsewhere = (x: string) => writer.prepare("INSERT INTO t (x) VALUES (?)").run(x);

describe("Store.read", () => {
  it("GIVEN another connection commits between two lookups of one read() THEN both see the snapshot of the first, and the next read() sees the commit", () => {
    writeElsewhere("a");
    const seen = store.read(() => {
      const first = count();
      writeElsewhere("b");
      return [first, count()];
    });
    expect(seen).toEqual([1, 1]);
    expect(store.read(count)).toBe(2);
    expect(store.db.inTransaction).toBe(false);
  });

  it("GIVEN fn throws THEN the read transaction is ended and the error propagates", () => {
    expect(() =>
      store.read(() => {
        count();
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(store.db.inTransaction).toBe(false);
    writeElsewhere("c");
    expect(store.read(count)).toBe(1);
  });

  it("GIVEN a transaction already open WHEN read() runs inside it THEN fn joins it (its uncommitted writes are visible) and nothing is committed early", () => {
    store.db.exec("BEGIN");
    store.db.prepare("INSERT INTO t (x) VALUES ('mine')").run();
    expect(store.read(count)).toBe(1);
    expect(store.db.inTransaction).toBe(true);
    store.db.exec("ROLLBACK");
    expect(count()).toBe(0);
  });
});

describe("Store.changeVersion", () => {
  it("GIVEN only reads THEN the version stays; a commit elsewhere or a write here changes it, each time to a new value", () => {
    const v0 = store.changeVersion();
    count();
    expect(store.read(() => store.changeVersion())).toBe(v0);
    writeElsewhere("a");
    const v1 = store.changeVersion();
    expect(v1).not.toBe(v0);
    store.db.prepare("INSERT INTO t (x) VALUES ('b')").run();
    const v2 = store.changeVersion();
    expect(new Set([v0, v1, v2]).size).toBe(3);
    store.db.prepare("DELETE FROM t WHERE x = 'b'").run();
    expect(store.changeVersion()).not.toBe(v2);
  });

  it("GIVEN a read() snapshot WHEN another connection commits during it THEN the version inside stays that of the snapshot", () => {
    const [inside, after] = [
      store.read(() => {
        const v = store.changeVersion();
        writeElsewhere("z");
        return v === store.changeVersion() ? v : "moved";
      }),
      store.changeVersion(),
    ];
    expect(inside).not.toBe("moved");
    expect(after).not.toBe(inside);
  });
});
