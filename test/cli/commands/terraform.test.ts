// `oslogin terraform setup` as a user runs it: exit codes, the two lines on stdout, the files it writes.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terraformPlatform } from "../../../src/tfplugin/mirror.js";

const MAIN = new URL("../../../src/cli/main.ts", import.meta.url).pathname;
const ROOT = new URL("../../..", import.meta.url).pathname.replace(/\/$/, "");
const oslogin = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", MAIN, ...args], { encoding: "utf8" });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "oslogin-tf-setup-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("oslogin terraform setup", () => {
  it("GIVEN a built checkout WHEN setup runs THEN stdout is exactly the two exports and the wrappers point at dist", () => {
    if (!existsSync(join(ROOT, "dist/src/cli/terraform-provider.js"))) throw new Error("dist/ is missing: build first (npm run build)");
    const r = oslogin("terraform", "setup", "--dir", dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`export TF_CLI_CONFIG_FILE=${join(dir, "terraformrc")}\nexport CHECKPOINT_DISABLE=1\n`);
    const wrapper = readFileSync(join(dir, `mirror/registry.terraform.io/hashicorp/null/3.2.4/${terraformPlatform()}/terraform-provider-null_v3.2.4`), "utf8");
    expect(wrapper.trimEnd().split("\n").pop()).toBe(`exec '${process.execPath}' '${join(ROOT, "dist/src/cli/terraform-provider.js")}' null`);
  });

  it("GIVEN no subcommand WHEN run THEN it is a usage error (exit 2) naming setup", () => {
    const r = oslogin("terraform");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('oslogin terraform: missing subcommand: "setup"\n');
  });

  it("GIVEN --help WHEN run THEN the help shows usage, flags with defaults and an example", () => {
    const r = oslogin("terraform", "--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: oslogin terraform setup [--dir D] [--json]");
    expect(r.stdout).toContain("(default: .oslogin/terraform)");
    expect(r.stdout).toContain("Example:");
  });
});
