import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Store } from "../../src/cloud/store/store.js";
import { MIGRATIONS } from "../../src/cloud/store/migrations.js";

describe("Store", () => {
  it("GIVEN a new data dir WHEN opened THEN the database and its WAL are owner-only (they hold CA private keys)", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "store-")), "data");
    const store = Store.open({ dataDir: dir });
    store.db.prepare("CREATE TABLE t (x)").run(); // forces the WAL file into existence
    store.close();
    const reopened = Store.open({ dataDir: dir });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, "cloud.db")).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "cloud.db-wal")).mode & 0o777).toBe(0o600);
    reopened.close();
  });

  it("GIVEN a data dir WHEN opened twice THEN every migration ran exactly once and the version is the last one", () => {
    const dir = mkdtempSync(join(tmpdir(), "store-"));
    Store.open({ dataDir: dir }).close();
    const store = Store.open({ dataDir: dir });
    expect(store.schemaVersion).toBe(MIGRATIONS[MIGRATIONS.length - 1].version);
    store.close();
  });
});
