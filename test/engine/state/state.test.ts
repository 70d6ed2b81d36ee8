import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { acquireLock } from "../../../src/engine/state/lock.js";
import { emptyState, parseInstanceAddress, stateFromJson, stateToJson, type State } from "../../../src/engine/state/state.js";
import { readState, FileStateWriter, statePaths } from "../../../src/engine/state/store.js";
import { tempDir } from "../fixtures.js";

function sample(): State {
  const s = emptyState();
  s.lineage = "11111111-2222-3333-4444-555555555555";
  s.serial = 7;
  s.outputs = { ip: { value: "10.0.0.1", type: "string" } };
  s.instances.set('yandex_iam_service_account_key.k["a"]', {
    mode: "managed",
    type: "yandex_iam_service_account_key",
    name: "k",
    indexKey: "a",
    each: "map",
    provider: 'provider["registry.terraform.io/yandex-cloud/yandex"]',
    schemaVersion: 0,
    attributes: { id: "ajk1", private_key: "PRIVATE" },
    sensitiveAttributes: [["private_key"]],
    dependencies: ["yandex_iam_service_account.sa"],
  });
  return s;
}

describe("GIVEN the state model", () => {
  it("WHEN written THEN it is Terraform's v4 JSON and reads back equal", () => {
    const json = JSON.parse(stateToJson(sample()));
    expect(json).toEqual({
      version: 4,
      terraform_version: "1.11.4",
      serial: 7,
      lineage: "11111111-2222-3333-4444-555555555555",
      outputs: { ip: { value: "10.0.0.1", type: "string" } },
      resources: [
        {
          mode: "managed",
          type: "yandex_iam_service_account_key",
          name: "k",
          each: "map",
          provider: 'provider["registry.terraform.io/yandex-cloud/yandex"]',
          instances: [
            {
              index_key: "a",
              schema_version: 0,
              attributes: { id: "ajk1", private_key: "PRIVATE" },
              sensitive_attributes: [[{ type: "get_attr", value: "private_key" }]],
              dependencies: ["yandex_iam_service_account.sa"],
            },
          ],
        },
      ],
      check_results: null,
    });
    const back = stateFromJson(stateToJson(sample())) as State;
    expect([...back.instances.keys()]).toEqual(['yandex_iam_service_account_key.k["a"]']);
    expect(back.instances.get('yandex_iam_service_account_key.k["a"]')!.sensitiveAttributes).toEqual([["private_key"]]);
    expect(stateFromJson('{"version":3}')).toBe("state format version 3 is not supported (only 4)");
  });

  it("WHEN addresses are parsed THEN count, for_each and data forms are understood", () => {
    expect(parseInstanceAddress("yandex_compute_instance.vm[3]")).toEqual({ mode: "managed", type: "yandex_compute_instance", name: "vm", indexKey: 3, resource: "yandex_compute_instance.vm" });
    expect(parseInstanceAddress('data.x.y["k\\"q"]')).toEqual({ mode: "data", type: "x", name: "y", indexKey: 'k"q', resource: "data.x.y" });
    expect(parseInstanceAddress("not an address")).toBeUndefined();
  });

  it("WHEN the writer flushes twice THEN the file is 0600, the first version is kept as backup, and serial counts writes", async () => {
    const dir = tempDir();
    const paths = statePaths(dir, "s");
    const s = sample();
    await new FileStateWriter(paths, s).flush();
    expect(statSync(paths.state).mode & 0o777).toBe(0o600);
    expect(existsSync(paths.backup)).toBe(false);
    s.outputs = {};
    const w = new FileStateWriter(paths, s);
    await w.flush();
    expect(JSON.parse(readFileSync(paths.backup, "utf8")).serial).toBe(8);
    expect((readState(paths) as State).serial).toBe(9);
    writeFileSync(paths.state, "{broken");
    expect(readState(paths)).toMatch(/terraform\.tfstate: the state file is not valid JSON/);
  });
});

describe("GIVEN a lock file left by a process that was killed", () => {
  it("WHEN another process locks THEN it takes the lock over and names the dead holder", async () => {
    const dir = tempDir();
    const file = statePaths(dir, "s").lock;
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    const { hostname } = await import("node:os");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ ID: "old", Operation: "OperationTypeApply", Who: "x@y", Pid: Number(dead.stdout), Host: hostname(), Created: "2026-01-01T00:00:00Z" }));
    const r = await acquireLock(file, "OperationTypePlan", 0);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.tookOverFrom?.ID).toBe("old");
      r.lock.release();
    }
    expect(existsSync(file)).toBe(false);
  });
});
