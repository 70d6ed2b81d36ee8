// Background checkpoints: the main connection checkpoints inside commits only past a high cap, a
// worker moves WAL pages into the database file, a WAL grown by a burst is trimmed back to the
// cap, and stopping restores SQLite's automatic checkpoint.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startBackgroundCheckpoints, WAL_CAP_BYTES } from "../../../src/cloud/store/checkpointer.js";
import { Store } from "../../../src/cloud/store/store.js";
import { CloudModel } from "../../../src/cloud/model/cloud-model.js";
import { InProcessCloudClient } from "../../../src/cloud/client/inprocess.js";

const dir = mkdtempSync(join(tmpdir(), "oslogin-ckpt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("GIVEN a store on disk with background checkpoints", () => {
  it("WHEN rows are committed THEN the worker copies them into cloud.db, and stop() restores autocheckpoint", async () => {
    const store = Store.open({ dataDir: dir });
    const bg = startBackgroundCheckpoints(store.db, { intervalMs: 20 })!;
    expect(store.db.pragma("wal_autocheckpoint", { simple: true })).toBe(WAL_CAP_BYTES / 4096);
    store.db.exec("CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, doc TEXT)");
    const before = statSync(join(dir, "cloud.db")).size;
    const insert = store.db.prepare("INSERT INTO bench_rows (doc) VALUES (?)");
    for (let i = 0; i < 500; i++) store.transaction(() => insert.run("x".repeat(1000)));
    // 500 KB of rows stay far below the main connection's 64 MiB threshold: only the worker can
    // have grown the database file.
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

  it("WHEN a burst of writes outgrows the cap THEN the WAL starts over and is trimmed to the cap once writes leave room", async () => {
    const d = join(dir, "cap");
    const cap = 400 * 1024;
    const store = Store.open({ dataDir: d });
    const bg = startBackgroundCheckpoints(store.db, { intervalMs: 20, capBytes: cap })!;
    store.db.exec("CREATE TABLE rows (id INTEGER PRIMARY KEY, doc TEXT)");
    await bg.ready;
    const insert = store.db.prepare("INSERT INTO rows (doc) VALUES (?)");
    const wal = () => statSync(join(d, "cloud.db-wal")).size;
    // A burst with no pause: ~10 MB of WAL frames if nothing checkpointed, 25 times the cap. (How
    // far past the cap the file gets depends on how often the inline checkpoint meets the worker's:
    // timing, so only the outcome below is asserted.)
    for (let i = 0; i < 1000; i++) store.transaction(() => insert.run("y".repeat(4000)));
    // Then writes as a server makes them, with the event loop free in between: a worker checkpoint
    // catches up, the next write starts the WAL over and SQLite trims the file to the cap.
    const deadline = Date.now() + 15_000;
    while (wal() > cap && Date.now() < deadline) {
      store.transaction(() => insert.run("z"));
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(wal()).toBeLessThanOrEqual(cap);
    await bg.stop();
    store.close();
  });

  it("WHEN a model with group commit closes when idle THEN its connection closes last and the WAL is gone", async () => {
    const d = join(dir, "model");
    const model = CloudModel.open({ dataDir: d, groupCommit: true });
    model.directory.seedFromYaml(readFileSync(join(import.meta.dirname, "../../../examples/quickstart/seed.yaml"), "utf8"));
    // A write through group commit (as the engine writes) starts the checkpoint thread; wait
    // until it has the file open.
    await new InProcessCloudClient(model).createServiceAccount({ folderId: "b1gquickstartfolder1", name: "wal-test" });
    await new Promise((r) => setTimeout(r, 500));
    expect(existsSync(join(d, "cloud.db-wal"))).toBe(true);
    await model.closeWhenIdle();
    // Immediately: close() alone returns while the thread still holds the file, so the WAL stays.
    expect(existsSync(join(d, "cloud.db-wal"))).toBe(false);
  });

  it("WHEN a process with nothing else left to do closes when idle THEN it goes on to what follows", () => {
    // The checkpoint thread never keeps a CLI alive on its own; waiting for it to stop must.
    const d = join(dir, "process");
    const src = (p: string) => JSON.stringify(join(import.meta.dirname, "../../../src", p));
    const script = join(dir, "close-when-idle.mts");
    writeFileSync(
      script,
      `import { readFileSync } from "node:fs";
import { CloudModel } from ${src("cloud/model/cloud-model.ts")};
import { InProcessCloudClient } from ${src("cloud/client/inprocess.ts")};
const model = CloudModel.open({ dataDir: ${JSON.stringify(d)}, groupCommit: true });
model.directory.seedFromYaml(readFileSync(${JSON.stringify(join(import.meta.dirname, "../../../examples/quickstart/seed.yaml"))}, "utf8"));
await new InProcessCloudClient(model).createServiceAccount({ folderId: "b1gquickstartfolder1", name: "wal-test" });
await new Promise((r) => setTimeout(r, 300));
await model.closeWhenIdle();
console.log("closed");
process.exitCode = 7;
`,
    );
    const r = spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), script], { encoding: "utf8" });
    expect([r.status, r.stdout]).toEqual([7, "closed\n"]);
    expect(existsSync(join(d, "cloud.db-wal"))).toBe(false);
  }, 30_000);

  it("WHEN the store is in memory THEN there is nothing to checkpoint", () => {
    const store = Store.open();
    expect(startBackgroundCheckpoints(store.db)).toBeUndefined();
    store.close();
  });
});
