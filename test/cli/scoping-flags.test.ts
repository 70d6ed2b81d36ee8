// The scoping and input flags as a user types them (terraform's single-dash spellings and the GNU
// ones): plan -target / --target with -replace, taint / untaint with -allow-missing, validate
// -json, -var and -var-file errors, -lock=false, and a saved plan refusing new inputs.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { engineFor, profilesStack, seededModel, tempDir, writeStack } from "../engine/fixtures.js";

const main = path.join(import.meta.dirname, "../../src/cli/main.ts");
const BOB = "yandex_organizationmanager_organization_iam_member.bob";
const ALICE0 = "yandex_organizationmanager_os_login_profile.alice[0]";

/** The CLI as a process (several run side by side: each is mostly start-up time). */
function oslogin(cwd: string, ...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), main, ...args], { cwd, env: { ...process.env, NO_COLOR: "1" } });
    let out = "";
    let err = "";
    p.stdout.on("data", (b) => (out += b));
    p.stderr.on("data", (b) => (err += b));
    p.on("error", reject);
    p.on("close", (code) => resolve({ code, out, err }));
  });
}

const TARGET_WARNING =
  "Warning: Resource targeting is in effect: You are creating a plan with the -target option, which means that the result of this plan may not represent all of the changes requested by the current configuration.\n\nThe -target option is not for routine use, and is provided only for exceptional situations such as recovering from errors or mistakes, or when oslogin specifically suggests to use it as part of an error message.\n";

let dir: string;
const stateFile = () => JSON.parse(readFileSync(path.join(dir, ".oslogin/stacks/test/terraform.tfstate"), "utf8"));

beforeAll(async () => {
  dir = tempDir("oslogin-scoping-cli-");
  const model = seededModel(path.join(dir, ".oslogin"));
  try {
    const out = writeStack(dir, { ...profilesStack(), variable: { shell: { type: "string", default: "/bin/bash" } } });
    const r = await engineFor(model, path.join(dir, ".oslogin")).run({ outDir: out });
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  } finally {
    await model.closeWhenIdle();
  }
}, 60_000);

describe("GIVEN an applied stack of settings, two profiles, Bob's binding and a marker", () => {
  it("WHEN plan runs with -target and -replace of Bob's binding (either spelling), validate -json, and a -var for an undeclared variable THEN each answers as terraform does", async () => {
    const [single, gnu, validate, undeclared] = await Promise.all([
      // Side by side, so each waits its turn for the state lock.
      oslogin(dir, "plan", `-target=${BOB}`, `-replace=${BOB}`, "-lock-timeout=60s"),
      oslogin(dir, "plan", "--target", BOB, "--replace", BOB, "--lock-timeout", "60s"),
      oslogin(dir, "validate", "-json"),
      oslogin(dir, "plan", "-var", "regoin=x", "-lock-timeout=60s"),
    ]);
    const expected = [
      "Refreshing state of 2 objects...",
      "Refreshed 2 objects in (time)",
      "oslogin will perform the following actions:",
      "",
      `  # ${BOB} will be replaced, as requested (replacement requested with -replace)`,
      '-/+ resource "yandex_organizationmanager_organization_iam_member" "bob" {',
      '      ~ id = "bpfquickstartorg0001/compute.osLogin/userAccount:ajebob00000000000002" -> (known after apply)',
      "      # (3 unchanged attributes hidden)",
      "    }",
      "",
      "Plan: 1 to add, 0 to change, 1 to destroy.",
      "",
      "Access changes: none.",
      "",
    ].join("\n");
    // The refresh line's duration is the one thing that varies.
    const timeless = (out: string) => out.replace(/^(Refreshed 2 objects in )\d+\.\ds$/m, "$1(time)");
    // Whichever plan comes second may find the other holding the lock: it says so once, and waits.
    const waitLine = /^Waiting for the state lock held by .*\.\.\.\n/m;
    for (const r of [single, gnu]) expect([r.code, timeless(r.out), r.err.replace(waitLine, "")]).toEqual([0, expected, TARGET_WARNING]);
    expect([single, gnu].filter((r) => waitLine.test(r.err)).length).toBeLessThanOrEqual(1);
    expect([validate.code, JSON.parse(validate.out)]).toEqual([0, { format_version: "1.0", valid: true, error_count: 0, warning_count: 0, diagnostics: [] }]);
    expect([undeclared.code, undeclared.err]).toEqual([
      1,
      'Error: Value for undeclared variable: A variable named "regoin" was assigned on the command line, but the stack does not declare a variable of that name. To use this value, add a TerraformVariable named "regoin" to the stack.\n',
    ]);
  }, 90_000);

  it("WHEN an instance is tainted, untainted twice, and a missing one tainted with -allow-missing THEN each says what terraform says", async () => {
    const taint = await oslogin(dir, "taint", ALICE0);
    expect([taint.code, taint.out, taint.err]).toEqual([0, `Resource instance ${ALICE0} has been marked as tainted.\n`, ""]);
    const profiles = stateFile().resources.find((r: { type: string }) => r.type === "yandex_organizationmanager_os_login_profile");
    expect(profiles.instances.map((i: { status?: string }) => i.status ?? null)).toEqual(["tainted", null]);

    const serial = stateFile().serial;
    const missing = await oslogin(dir, "taint", "-allow-missing", "null_resource.gone");
    expect([missing.code, missing.out, missing.err]).toEqual([0, "", "Warning: No such resource instance: Resource instance null_resource.gone was not found, but this is not an error because -allow-missing was set.\n"]);
    expect(stateFile().serial).toBe(serial);
    const untaint = await oslogin(dir, "untaint", ALICE0);
    expect([untaint.code, untaint.out, untaint.err]).toEqual([0, `Resource instance ${ALICE0} has been successfully untainted.\n`, ""]);
    const again = await oslogin(dir, "untaint", ALICE0);
    expect([again.code, again.out, again.err]).toEqual([1, "", `Error: Resource instance is not tainted: Resource instance ${ALICE0} is not currently tainted, and so it cannot be untainted.\n`]);
  }, 90_000);

  it("WHEN plan runs with -lock=false -refresh=false -var-file, apply PLANFILE with -var, and validate on a bad stack THEN each answers as terraform does", async () => {
    writeFileSync(path.join(dir, "shell.tfvars"), 'shell = "/bin/zsh"\n');
    const bad = tempDir("oslogin-validate-cli-");
    writeStack(bad, { resource: { null_resource: { a: { triggers: { x: "${null_resource.missing.id}" } } } } });
    const [unlocked, saved, invalid] = await Promise.all([
      oslogin(dir, "plan", "-lock=false", "-refresh=false", "-var-file=shell.tfvars"),
      oslogin(dir, "apply", "plan.bin", "-var", "shell=/bin/sh"),
      oslogin(bad, "validate", "-json"),
    ]);
    expect([unlocked.code, unlocked.out, unlocked.err]).toEqual([
      0,
      "No changes. Your infrastructure matches the configuration.\n\nAccess changes: none.\n",
      "Warning: State lock disabled: -lock=false: this command does not hold the state lock. This is dangerous if others might concurrently run commands against the same state.\n",
    ]);
    expect([saved.code, saved.err]).toEqual([
      2,
      'oslogin apply: -var cannot be used when applying a saved plan: the plan already fixed its targets, replacements and variable values; pass it to "oslogin plan" instead\n',
    ]);
    expect([invalid.code, JSON.parse(invalid.out)]).toEqual([
      1,
      {
        format_version: "1.0",
        valid: false,
        error_count: 1,
        warning_count: 0,
        diagnostics: [
          {
            severity: "error",
            summary: "Reference to undeclared resource",
            detail: "null_resource.missing.id refers to null_resource.missing, which is not declared in this stack",
            address: "null_resource.a",
          },
        ],
      },
    ]);
  }, 90_000);
});

describe("GIVEN the applied stack and a terminal (script(1) gives the CLI a pty)", () => {
  it("WHEN apply -target is answered 'no' THEN the targeting warning is shown with the plan, before the question, and not again after", async () => {
    const cmd = [process.execPath, "--import", import.meta.resolve("tsx"), main, "apply", `-target=${BOB}`, `-replace=${BOB}`, "-lock-timeout=60s"]
      .map((a) => `'${a}'`)
      .join(" ");
    const r = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      // util-linux's script: the command runs on a pseudo-terminal, stdout and stderr both go to it.
      const p = spawn("script", ["-qec", cmd, "/dev/null"], { cwd: dir, env: { ...process.env, NO_COLOR: "1" } });
      let out = "";
      let answered = false;
      p.stdout.on("data", (b) => {
        out += b;
        if (!answered && out.includes("Enter a value:")) {
          answered = true;
          p.stdin.write("no\n");
        }
      });
      p.on("error", (e) => reject(new Error(`script(1) from util-linux is needed: ${e.message}`)));
      p.on("close", (code) => resolve({ code, out: out.replace(/\r\n/g, "\n") }));
    });
    const warning = r.out.indexOf("Warning: Resource targeting is in effect");
    const question = r.out.indexOf("Do you want to perform these actions?");
    expect([r.code, warning > r.out.indexOf("Plan: 1 to add, 0 to change, 1 to destroy."), warning < question]).toEqual([1, true, true]);
    expect(r.out.split("Resource targeting is in effect")).toHaveLength(2);
    // After the answer (readline's echo of "no" carries cursor codes): only the cancellation.
    expect(r.out.slice(question).split("\n").slice(-2)).toEqual(["Apply cancelled.", ""]);
  }, 90_000);
});
