// One state in PostgreSQL for terraform (with our provider) and the engine: the quickstart with a pg
// backend (what cdktf's PgBackend writes) applied by one tool is "No changes" to the other, and a
// lock held by one stops the other, which waits with its lock timeout. Real terraform 1.11, a real
// PostgreSQL cluster of our own (Debian's postgresql).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeQuickstartProject, oslogin, pipelineEnv, requireTools, run, seedCloud, TERRAFORM } from "./harness/cdktf-project.js";
import { startPgCluster, type PgCluster } from "./harness/pg-cluster.js";

const SLOW = { timeout: 900_000 };

describe("pg backend shared by terraform and the engine", SLOW, () => {
  let dir: string;
  let cluster: PgCluster | undefined;
  let env: NodeJS.ProcessEnv;
  const stackDir = () => join(dir, "cdktf.out/stacks/quickstart");

  /**
   * Synthesizes the quickstart and points its backend at the cluster, as cdktf's PgBackend writes it;
   * oslogin then runs with --skip-synth (synthesizing again would bring back the app's local backend).
   */
  function synthWithPg(): void {
    run(process.execPath, ["node_modules/.bin/tsx", "examples/quickstart/main.ts"], dir, env);
    const file = join(stackDir(), "cdk.tf.json");
    const stack = JSON.parse(readFileSync(file, "utf8"));
    stack.terraform.backend = { pg: { conn_str: cluster!.url } };
    writeFileSync(file, JSON.stringify(stack, null, 2));
  }
  const terraform = (args: string[], allow = [0]) => run(TERRAFORM, args, stackDir(), env, allow);

  beforeAll(async () => {
    requireTools();
    cluster = await startPgCluster();
    dir = makeQuickstartProject(mkdtempSync(join(tmpdir(), "oslogin-pg-tf-")));
    seedCloud(join(dir, ".oslogin"));
    env = pipelineEnv(dir, { OSLOGIN_TF_DATA_DIR: join(dir, ".oslogin") });
  }, 300_000);
  afterAll(() => {
    cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("GIVEN the quickstart on a pg backend WHEN terraform applies THEN oslogin plans no changes; WHEN oslogin applies an edit THEN terraform plans no changes; and each waits for the other's lock", async () => {
    synthWithPg();
    terraform(["init", "-input=false", "-no-color"]);
    const applied = terraform(["apply", "-auto-approve", "-input=false", "-no-color"]);
    expect(applied.out).toContain("Apply complete! Resources: 12 added, 0 changed, 0 destroyed.");
    const plan = oslogin(["plan", "--skip-synth", "--no-color", "--detailed-exitcode"], dir, env);
    expect(plan.out).toContain("No changes. Your infrastructure matches the configuration.");

    // the reverse: the engine applies an edit into the same row; terraform sees nothing to do
    const main = join(dir, "examples/quickstart/main.ts");
    writeFileSync(main, readFileSync(main, "utf8").replace('name: "alice-quickstart"', 'name: "alice-by-engine"'));
    synthWithPg();
    const engineApply = oslogin(["apply", "--skip-synth", "--auto-approve", "--no-color"], dir, env);
    expect(engineApply.out).toContain("Apply complete! Resources: 0 added, 1 changed, 0 destroyed.");
    const tfPlan = terraform(["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
    expect(tfPlan.out).toContain("No changes. Your infrastructure matches the configuration.");

    // terraform apply holds the lock while it waits for its approval
    const tf = spawn(TERRAFORM, ["apply", "-destroy", "-no-color"], { cwd: stackDir(), env, stdio: ["pipe", "pipe", "pipe"] });
    let tfOut = "";
    await new Promise<void>((resolve, reject) => {
      tf.stdout.on("data", (d: Buffer) => {
        tfOut += d.toString();
        if (tfOut.includes("Enter a value:")) resolve();
      });
      tf.on("exit", () => reject(new Error(`terraform exited early:\n${tfOut}`)));
    });
    const refused = oslogin(["apply", "--skip-synth", "--auto-approve", "--no-color"], dir, env, [1]);
    expect(refused.out).toMatch(/Error acquiring the state lock: Workspace is already locked: default; held by database session pid \d+ from 127\.0\.0\.1\/32, no application name \(terraform sets none\)/);
    // with a timeout the engine waits; terraform is told "no" and lets go
    const waiting = spawn(process.execPath, [join(dir, "node_modules/oslogin-kit/dist/src/cli/main.js"), "plan", "--skip-synth", "--no-color", "--lock-timeout", "60s"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let waitOut = "";
    waiting.stdout.on("data", (d: Buffer) => (waitOut += d.toString()));
    waiting.stderr.on("data", (d: Buffer) => (waitOut += d.toString()));
    await new Promise((r) => setTimeout(r, 1500));
    tf.stdin.write("no\n");
    const waitedCode = await new Promise<number | null>((r) => waiting.on("exit", r));
    expect(waitOut).toContain("No changes. Your infrastructure matches the configuration.");
    expect(waitedCode).toBe(0);
    await new Promise((r) => (tf.exitCode !== null ? r(undefined) : tf.on("exit", r)));
    expect(tfOut).toContain("Destroy cancelled.");

    // and the reverse: while `oslogin apply` holds the lock (kept by the test-only hold until a file
    // exists), terraform with -lock-timeout=0s is refused on the workspace, and with a timeout waits
    const release = join(dir, "release-the-lock");
    const holder = spawn(process.execPath, [join(dir, "node_modules/oslogin-kit/dist/src/cli/main.js"), "apply", "--skip-synth", "--auto-approve", "--no-color"], {
      cwd: dir,
      env: { ...env, OSLOGIN_TEST_HOLD_LOCK_UNTIL: release },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let holderOut = "";
    holder.stdout.on("data", (d: Buffer) => (holderOut += d.toString()));
    const holderExit = new Promise<number | null>((r) => holder.on("exit", r));
    await new Promise<void>((resolve, reject) => {
      let err = "";
      holder.stderr.on("data", (d: Buffer) => {
        err += d.toString();
        if (err.includes(`Holding the state lock until ${release} exists`)) resolve();
      });
      holder.on("exit", () => reject(new Error(`oslogin apply exited before it held the lock:\n${holderOut}${err}`)));
    });
    const tfRefused = terraform(["plan", "-lock-timeout=0s", "-input=false", "-no-color"], [1]);
    expect(tfRefused.out).toContain("Error acquiring the state lock");
    expect(tfRefused.out).toContain("Workspace is already locked: default");
    const tfWaited = new Promise<string>((resolve) => {
      const p = spawn(TERRAFORM, ["plan", "-lock-timeout=60s", "-input=false", "-no-color", "-detailed-exitcode"], { cwd: stackDir(), env });
      let out = "";
      p.stdout.on("data", (d: Buffer) => (out += d.toString()));
      p.stderr.on("data", (d: Buffer) => (out += d.toString()));
      p.on("exit", (code) => resolve(`${out}\nEXIT ${code}`));
    });
    await new Promise((r) => setTimeout(r, 1500));
    writeFileSync(release, "");
    expect(await holderExit).toBe(0);
    expect(holderOut).toContain("No changes. Your infrastructure matches the configuration.");
    const waitedOut = await tfWaited;
    expect(waitedOut).toContain("No changes. Your infrastructure matches the configuration.");
    expect(waitedOut).toContain("EXIT 0");
  });
});
