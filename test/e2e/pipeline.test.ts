// examples/pipeline/oslogin-access.yml, run end to end: its `run:` steps in order, in bash as the
// GitHub runner runs them (-eo pipefail, job and step env, $GITHUB_ENV carried to later steps),
// once as a pull request (synth, plan, access review posted as a comment) and once as the push of
// the merge (the same, then deploy). What only GitHub provides is provided here instead: the
// `uses:` actions (checkout, node, terraform) and the Install step are this checkout, already
// installed; `gh` is a stand-in that records the comment it was asked to post.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { makeQuickstartProject, requireTools, ROOT } from "./harness/cdktf-project.js";

const WORKFLOW = join(ROOT, "examples/pipeline/oslogin-access.yml");
const PROVIDED_HERE = new Set(["Install"]);

interface Step {
  name?: string;
  uses?: string;
  if?: string;
  run?: string;
  env?: Record<string, string>;
}

interface Workflow {
  env: Record<string, string>;
  jobs: { access: { steps: Step[] } };
}

interface Context {
  event: "pull_request" | "push";
  workspace: string;
}

/** The few `${{ }}` expressions the workflow uses; anything else is a test failure, not a blank. */
function expand(text: string, ctx: Context): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    const known: Record<string, string> = {
      "github.workspace": ctx.workspace,
      "github.token": "test-token",
      "github.event.pull_request.number": "17",
    };
    if (!(expr in known)) throw new Error(`the workflow uses \${{ ${expr} }}, which this runner does not provide`);
    return known[expr];
  });
}

function condition(expr: string | undefined, ctx: Context): boolean {
  if (expr === undefined) return true;
  const m = /^github\.event_name == '(\w+)'$/.exec(expr.trim());
  if (!m) throw new Error(`unsupported if: ${expr}`);
  return m[1] === ctx.event;
}

/** Runs the job for one event; returns each run step's name and output. */
function runJob(workflow: Workflow, ctx: Context, runnerTemp: string, binDir: string): Map<string, string> {
  mkdirSync(runnerTemp, { recursive: true });
  const githubEnv = join(runnerTemp, "github_env");
  writeFileSync(githubEnv, "");
  const fromSteps: Record<string, string> = {};
  const outputs = new Map<string, string>();
  try {
    for (const step of workflow.jobs.access.steps) {
      if (step.uses || PROVIDED_HERE.has(step.name ?? "") || !condition(step.if, ctx)) continue;
      const env: NodeJS.ProcessEnv = {
        PATH: `${binDir}:${join(ctx.workspace, "node_modules/.bin")}:/usr/local/bin:/usr/bin:/bin`,
        HOME: process.env.HOME,
        CI: "true",
        GITHUB_ACTIONS: "true",
        GITHUB_WORKSPACE: ctx.workspace,
        GITHUB_ENV: githubEnv,
        RUNNER_TEMP: runnerTemp,
        OSLOGIN_TFPLUGIN_CACHE_DIR: join(runnerTemp, "tls-cache"),
        ...Object.fromEntries(Object.entries(workflow.env).map(([k, v]) => [k, expand(String(v), ctx)])),
        ...fromSteps,
        ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v), ctx)])),
      };
      const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", expand(step.run!, ctx)], {
        cwd: ctx.workspace,
        env,
        encoding: "utf8",
        timeout: 300_000,
      });
      const out = `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
      if (r.status !== 0) throw new Error(`step "${step.name}" exited ${r.status ?? r.signal}:\n${out}`);
      outputs.set(step.name ?? step.run!, out);
      // what a step appends to $GITHUB_ENV is in the environment of every later step
      for (const line of readFileSync(githubEnv, "utf8").split("\n")) {
        const eq = line.indexOf("=");
        if (eq > 0) fromSteps[line.slice(0, eq)] = line.slice(eq + 1);
      }
    }
  } finally {
    // the runner ends the job's processes when the job ends: here, the cloud the job started
    const pidFile = join(runnerTemp, "serve.pid");
    if (existsSync(pidFile)) {
      try {
        process.kill(Number(readFileSync(pidFile, "utf8").trim()), "SIGTERM");
      } catch {
        // already gone
      }
    }
  }
  return outputs;
}

describe("the pipeline example (examples/pipeline/oslogin-access.yml)", { timeout: 900_000 }, () => {
  let dir: string;
  let workflow: Workflow;
  let binDir: string;

  beforeAll(() => {
    requireTools();
    dir = mkdtempSync(join(tmpdir(), "oslogin-pipeline-"));
    makeQuickstartProject(join(dir, "workspace"));
    workflow = parse(readFileSync(WORKFLOW, "utf8")) as Workflow;
    binDir = join(dir, "bin");
    mkdirSync(binDir);
    // gh stand-in: records the call and the comment body
    writeFileSync(join(binDir, "gh"), `#!/bin/sh\nprintf '%s\\n' "$*" > '${join(dir, "gh-args")}'\nwhile [ $# -gt 0 ]; do [ "$1" = --body-file ] && cp "$2" '${join(dir, "gh-body")}'; shift; done\n`);
    chmodSync(join(binDir, "gh"), 0o755);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("GIVEN a pull request WHEN the job runs THEN it synthesizes, plans, and posts the access review as a comment, deploying nothing", () => {
    const out = runJob(workflow, { event: "pull_request", workspace: join(dir, "workspace") }, join(dir, "temp-pr"), binDir);
    expect([...out.keys()]).toEqual(["Terraform providers (offline mirror)", "Start the cloud", "Synth", "Plan", "Access review", "Post the access review on the pull request"]);
    expect(out.get("Synth")).toContain("Generated Terraform code for the stacks: quickstart");
    expect(out.get("Plan")).toContain("Plan: 12 to add, 0 to change, 0 to destroy.");
    for (const o of out.values()) expect(o).not.toContain("checkpoint-api.hashicorp.com");
    expect(readFileSync(join(dir, "gh-args"), "utf8")).toBe("pr comment 17 --body-file access-review.md\n");
    const sa = "ansible (`serviceAccount:(new yandex_iam_service_account.ansible_account_5B4E6663)`)";
    expect(readFileSync(join(dir, "gh-body"), "utf8")).toBe(
      [
        "## Access changes",
        "",
        "Plan for stack `quickstart`: 12 to add, 0 to change, 0 to destroy.",
        "",
        "4 grants gained, 0 lost, 0 other.",
        "",
        "| VM | Member | Change | Login | UID | Via |",
        "| --- | --- | --- | --- | --- | --- |",
        `| \`db-1\` | ${sa} | **gains sudo** | \`yc-sa-ansible\` | 5000 | folder b1gquickstartfolder1 |`,
        `| \`web-1\` | ${sa} | **gains sudo** | \`yc-sa-ansible\` | 5000 | folder b1gquickstartfolder1 |`,
        "| `web-1` | Alice (`userAccount:ajealice000000000001`) | **gains login** | `alice` | (allocated) | instance |",
        `| \`web-2\` | ${sa} | **gains sudo** | \`yc-sa-ansible\` | 5000 | folder b1gquickstartfolder1 |`,
        "",
      ].join("\n"),
    );
    expect(existsSync(join(dir, "workspace/terraform.quickstart.tfstate"))).toBe(false);
  });

  it("GIVEN the merge is pushed WHEN the job runs THEN it plans again and deploys", () => {
    const out = runJob(workflow, { event: "push", workspace: join(dir, "workspace") }, join(dir, "temp-push"), binDir);
    expect([...out.keys()]).toEqual(["Terraform providers (offline mirror)", "Start the cloud", "Synth", "Plan", "Access review", "Deploy"]);
    expect(out.get("Deploy")).toContain("Apply complete! Resources: 12 added, 0 changed, 0 destroyed.");
    expect(existsSync(join(dir, "workspace/terraform.quickstart.tfstate"))).toBe(true);
  });
});
