// `oslogin seed FILE` (issue 16: examples/quickstart/seed.yaml referred to a command that did not exist).
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openEmbeddedCloud } from "../../src/cloud/index.js";
import { tempDir } from "../engine/fixtures.js";

const root = path.join(import.meta.dirname, "../..");

function oslogin(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), path.join(root, "src/cli/main.ts"), ...args], { cwd, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("GIVEN the quickstart seed file", () => {
  it("WHEN seeded twice into a data dir THEN the organization and members are there, and the second seed changes nothing", async () => {
    const dir = tempDir("oslogin-seed-");
    const seed = path.join(root, "examples/quickstart/seed.yaml");
    const first = oslogin(dir, "seed", seed, "--json");
    expect(first.err).toBe("");
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({ ok: true, command: "seed", seeded: { organizations: 1, members: 2, groups: 1, clouds: 1, folders: 1 } });
    expect(oslogin(dir, "seed", seed).code).toBe(0);

    const cloud = openEmbeddedCloud({ dataDir: path.join(dir, ".oslogin") });
    try {
      expect((await cloud.client.listOrganizations()).items.map((o) => o.id)).toEqual(["bpfquickstartorg0001"]);
      expect((await cloud.client.listMembers("bpfquickstartorg0001")).items.map((m) => m.email).sort()).toEqual(["alice@example.com", "bob@example.com"]);
    } finally {
      await cloud.close();
    }
  });

  it("WHEN the file is invalid THEN exit 1 with the reason, and no cloud is created", () => {
    const dir = tempDir("oslogin-seed-");
    writeFileSync(path.join(dir, "bad.yaml"), "organizations: [ {id: x\n");
    const r = oslogin(dir, "seed", "bad.yaml", "--data-dir", "d");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^oslogin seed: bad\.yaml was not applied: it is not valid YAML: /);
    expect(existsSync(path.join(dir, "d"))).toBe(false);
    expect(oslogin(dir, "seed").code).toBe(2);
  });
});
