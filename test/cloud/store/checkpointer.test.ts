// Background checkpoints: the main connection stops checkpointing inside commits, a worker moves
// WAL pages into the database file, and stopping restores SQLite's automatic checkpoint.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startBackgroundCheckpoints } from "../../../src/cloud/store/checkpointer.js";
import { Store } from "../../../src/cloud/store/store.js";

const dir = mkdtempSync(join(tmpdir(), "oslogin-ckpt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("GIVEN a store on disk with background checkpoints", () => {
  it("WHEN rows are committed THEN the worker copies them into cloud.db, and stop() restores autocheckpoint", async () => {
    const store = Store.open({ dataDir: dir });
    const bg = startBackgroundCheckpoints(store.db, 20)!;
    expect(store.db.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
    store.db.exec("CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, doc TEXT)");
    const before = statSync(join(dir, "cloud.db")).size;
    const insert = store.db.prepare("INSERT INTO bench_rows (doc) VALUES (?)");
    for (let i = 0; i < 500; i++) store.transaction(() => insert.run("x".repeat(1000)));
    // The main connection never checkpoints now, so only the worker can grow the database file.
    const deadline = Date.now() + 10_000;
    while (statSync(join(dir, "cloud.db")).size <= before + 400_000 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(statSync(join(dir, "cloud.db")).size).toBeGreaterThan(before + 400_000);
    await bg.stop();
    expect(store.db.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
    expect(store.db.prepare("SELECT count(*) AS n FROM bench_rows").get()).toEqual({ n: 500 });
    store.close();
  });

  it("WHEN the store is in memory THEN there is nothing to checkpoint", () => {
    const store = Store.open();
    expect(startBackgroundCheckpoints(store.db)).toBeUndefined();
    store.close();
  });
});
