// `oslogin quickstart` (npm start) as a user runs it, twice: the second run ends with "No changes".
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../engine/fixtures.js";

const root = path.join(import.meta.dirname, "../..");
const tsx = import.meta.resolve("tsx");

function quickstart(cwd: string) {
  const app = `${JSON.stringify(process.execPath)} --import ${tsx} ${JSON.stringify(path.join(root, "examples/quickstart/main.ts"))}`;
  return spawnSync(process.execPath, ["--import", tsx, path.join(root, "src/cli/main.ts"), "quickstart", "--seed", path.join(root, "examples/quickstart/seed.yaml"), "--app", app], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
}

describe("GIVEN an empty directory", () => {
  it("WHEN the quickstart runs twice THEN the first applies everything and prints the access table, the second ends with No changes", () => {
    const dir = tempDir("oslogin-quickstart-");
    const first = quickstart(dir);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("Apply complete! Resources: 11 added, 0 changed, 0 destroyed.");
    expect(first.stdout).toMatch(/web-1\s+Alice\s+login\s+alice\s+\d+\s+instance/);
    expect(first.stdout).toMatch(/db-1\s+ansible\s+sudo\s+yc-sa-ansible\s+5000\s+folder b1gquickstartfolder1/);
    const second = quickstart(dir);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("No changes. Your infrastructure matches the configuration.");
    expect(second.stdout.trim().split("\n").pop()).toBe("No changes. The quickstart is already applied; your infrastructure matches the configuration.");
  }, 240_000);
});
