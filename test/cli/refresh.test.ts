// `oslogin refresh` as a user runs it after `npm start`: it keeps every output, the next plan is
// clean, and an output that no longer evaluates fails the command without touching state.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { QuickstartStack } from "../../examples/quickstart/main.js";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { listAll } from "../../src/contract/cloud-client.js";
import { ORG, engineFor, profilesStack, seededModel, tempDir, writeStack } from "../engine/fixtures.js";

const main = path.join(import.meta.dirname, "../../src/cli/main.ts");
const ALICE_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@quickstart";

function oslogin(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), main, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const stateOf = (dir: string, stack: string) => JSON.parse(readFileSync(path.join(dir, ".oslogin/stacks", stack, "terraform.tfstate"), "utf8"));

describe("GIVEN the quickstart applied", () => {
  it("WHEN oslogin refresh runs THEN it exits 0 with no error, web_1_ip is still an output, and plan finds nothing to change", async () => {
    const dir = tempDir("oslogin-refresh-");
    const model = seededModel(path.join(dir, ".oslogin"));
    try {
      const out = writeStack(dir, Testing.synth(new QuickstartStack(Testing.app(), "quickstart", { alicePublicKey: ALICE_KEY })), "quickstart");
      const applied = await engineFor(model, path.join(dir, ".oslogin")).run({ outDir: out, stack: "quickstart" });
      expect(applied.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    } finally {
      await model.closeWhenIdle();
    }
    const ip = stateOf(dir, "quickstart").outputs.web_1_ip.value;
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

    const refresh = oslogin(dir, "refresh");
    expect(refresh.err).toBe("");
    expect(refresh.code).toBe(0);
    expect(refresh.out).toContain("Apply complete! Resources: 0 added, 0 changed, 0 destroyed.");
    expect(oslogin(dir, "output", "--raw", "web_1_ip").out).toBe(ip);

    const plan = oslogin(dir, "plan", "--detailed-exitcode");
    expect(plan.out).not.toContain("web_1_ip");
    expect(plan.code).toBe(0);
  }, 120_000);
});

describe("GIVEN an applied stack with an output over a profile's shell", () => {
  it("WHEN the shell changes outside so the output cannot be evaluated and oslogin refresh runs THEN it exits 1 naming the output, and state keeps the output", async () => {
    const dir = tempDir("oslogin-refresh-");
    const stack = profilesStack({ profiles: 1, shell: "/bin/zsh" });
    const model = seededModel(path.join(dir, ".oslogin"));
    try {
      const out = writeStack(dir, { ...stack, output: { ...stack.output, shell: { value: '${lookup({"/bin/zsh" = "zsh"}, yandex_organizationmanager_os_login_profile.alice[0].shell)}' } } });
      const applied = await engineFor(model, path.join(dir, ".oslogin")).run({ outDir: out });
      expect(applied.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const cloud = new InProcessCloudClient(model);
      const p = (await listAll((pageToken) => cloud.listOsLoginProfiles({ organizationId: ORG, pageToken }))).find((x) => x.login === "alice-extra-0")!;
      await cloud.updateOsLoginProfile({ osLoginProfileId: p.id, login: p.login, shell: "/bin/sh", updateMask: ["shell"] });
    } finally {
      await model.closeWhenIdle();
    }
    const before = stateOf(dir, "test");
    expect(before.outputs.shell.value).toBe("zsh");

    const refresh = oslogin(dir, "refresh");
    expect(refresh.code).toBe(1);
    expect(refresh.err).toContain('Error: Invalid output value (output.shell): lookup(): the map has no key "/bin/sh" and no default was given');
    expect(refresh.out).not.toContain("Apply complete!");
    expect(stateOf(dir, "test")).toEqual(before);
  }, 120_000);
});
