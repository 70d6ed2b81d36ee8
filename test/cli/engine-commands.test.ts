// The engine commands as a user runs them: a real process, exit codes, human and JSON output.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { profilesStack, seededModel, tempDir, writeStack } from "../engine/fixtures.js";

const main = path.join(import.meta.dirname, "../../src/cli/main.ts");

function oslogin(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), main, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("GIVEN a synthesized stack and a seeded data dir", () => {
  it("WHEN the engine commands run THEN exit codes, plan text, JSON, review, state and outputs are as documented", () => {
    const dir = tempDir("oslogin-cli-");
    seededModel(path.join(dir, ".oslogin")).close();
    writeStack(dir, profilesStack({ profiles: 1 }));

    const plan = oslogin(dir, "plan", "--detailed-exitcode");
    expect(plan.code).toBe(2);
    expect(plan.out).toContain("# yandex_organizationmanager_os_login_profile.alice[0] will be created (declared in configuration, not in state)");
    expect(plan.out).toContain("Plan: 4 to add, 0 to change, 0 to destroy.");
    expect(plan.out).toContain("Access changes: none.");

    const noTty = oslogin(dir, "apply");
    expect(noTty.code).toBe(1);
    expect(noTty.err).toContain("no terminal to confirm on: pass --auto-approve");

    const saved = oslogin(dir, "plan", "-out", "tf.plan");
    expect(saved.code).toBe(0);
    const apply = oslogin(dir, "apply", "tf.plan");
    expect(apply.code).toBe(0);
    expect(apply.out).toMatch(/yandex_organizationmanager_os_login_profile\.alice\[0\]: Creation complete after \d+\.\ds \[id=\w+\]/);
    expect(apply.out).toContain("Apply complete! Resources: 4 added, 0 changed, 0 destroyed.");
    // The apply closed the cloud last, after its checkpoint thread: the WAL went into cloud.db.
    expect(existsSync(path.join(dir, ".oslogin/cloud.db-wal"))).toBe(false);
    const stale = oslogin(dir, "apply", "tf.plan");
    expect(stale.code).toBe(1);
    expect(stale.err).toMatch(/Error: Saved plan is stale: the state changed since the plan was made/);

    const clean = oslogin(dir, "plan", "--detailed-exitcode");
    expect(clean.code).toBe(0);
    expect(clean.out).toContain("No changes. Your infrastructure matches the configuration.");

    const json = JSON.parse(oslogin(dir, "plan", "--json").out);
    expect(json.summary).toEqual({ add: 0, change: 0, destroy: 0, read: 0 });
    expect(json.changes).toEqual([]);

    const review = oslogin(dir, "plan", "--review", "md");
    expect(review.out).toBe("## Access changes\n\nPlan for stack `test`: 0 to add, 0 to change, 0 to destroy.\n\nNo change to who can log in to OS Login VMs.\n");

    expect(oslogin(dir, "state", "list").out.trim().split("\n")).toEqual([
      "null_resource.marker",
      "yandex_organizationmanager_organization_iam_member.bob",
      "yandex_organizationmanager_os_login_profile.alice[0]",
      "yandex_organizationmanager_os_login_settings.org",
    ]);
    const outputs = JSON.parse(oslogin(dir, "output", "--json").out);
    expect(outputs).toEqual({ ok: true, command: "output", outputs: { first_uid: { value: "(sensitive value)", sensitive: true }, logins: { value: ["alice-extra-0"], sensitive: false } } });

    const usage = oslogin(dir, "import", "only-one-arg");
    expect(usage.code).toBe(2);
    expect(usage.err).toBe("oslogin import: expected two arguments: ADDR ID\n");

    const destroy = oslogin(dir, "destroy", "--auto-approve");
    expect(destroy.code).toBe(0);
    expect(destroy.out).toContain("Destroy complete! Resources: 4 destroyed.");
    expect(oslogin(dir, "state", "list").out).toBe("");
  }, 240_000);
});
