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

  /** Synthesizes the quickstart and points its backend at the cluster, as cdktf's PgBackend writes it. */
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
  });
  afterAll(() => {
    cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("GIVEN the quickstart on a pg backend WHEN terraform applies THEN oslogin plans no changes; WHEN oslogin applies an edit THEN terraform plans no changes; and each waits for the other's lock", async () => {
    synthWithPg();
    terraform(["init", "-input=false", "-no-color"]);
    const applied = terraform(["apply", "-auto-approve", "-input=false", "-no-color"]);
    expect(applied.out).toContain("Apply complete! Resources: 12 added, 0 changed, 0 destroyed.");
    const plan = oslogin(["plan", "--no-color", "--detailed-exitcode"], dir, env);
    expect(plan.out).toContain("No changes. Your infrastructure matches the configuration.");

    // the reverse: the engine applies an edit into the same row; terraform sees nothing to do
    const main = join(dir, "examples/quickstart/main.ts");
    writeFileSync(main, readFileSync(main, "utf8").replace('name: "alice-quickstart"', 'name: "alice-by-engine"'));
    synthWithPg();
    const engineApply = oslogin(["apply", "--auto-approve", "--no-color"], dir, env);
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
    const refused = oslogin(["apply", "--auto-approve", "--no-color"], dir, env, [1]);
    expect(refused.out).toMatch(/Error acquiring the state lock: Workspace is already locked: default; held by database session pid \d+ from 127\.0\.0\.1\/32, no application name \(terraform sets none\)/);
    // with a timeout the engine waits; terraform is told "no" and lets go
    const waiting = spawn(process.execPath, [join(dir, "node_modules/oslogin-kit/dist/src/cli/main.js"), "plan", "--no-color", "--lock-timeout", "60s"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
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

    // and the reverse: while the engine holds the lock, terraform with -lock-timeout=0 is refused
    const { PgBackend, pgSettings } = await import("../../src/engine/state/pg-backend.js");
    const held = await new PgBackend(pgSettings({ conn_str: cluster!.url }, {}) as never).lock("OperationTypeApply", 0);
    if (!held.ok) throw new Error(held.reason);
    try {
      const tfRefused = terraform(["plan", "-lock-timeout=0s", "-input=false", "-no-color"], [1]);
      expect(tfRefused.out).toContain("Error acquiring the state lock");
      expect(tfRefused.out).toContain("Workspace is already locked: default");
      // with a timeout terraform waits for our release
      setTimeout(() => void held.lock.release(), 1500);
      const tfWaited = await new Promise<string>((resolve) => {
        const p = spawn(TERRAFORM, ["plan", "-lock-timeout=60s", "-input=false", "-no-color", "-detailed-exitcode"], { cwd: stackDir(), env });
        let out = "";
        p.stdout.on("data", (d: Buffer) => (out += d.toString()));
        p.stderr.on("data", (d: Buffer) => (out += d.toString()));
        p.on("exit", (code) => resolve(`${out}\nEXIT ${code}`));
      });
      expect(tfWaited).toContain("No changes. Your infrastructure matches the configuration.");
      expect(tfWaited).toContain("EXIT 0");
    } finally {
      await held.lock.release();
    }
  });
});
