// The real terraform CLI with our provider from the filesystem mirror that `oslogin terraform setup`
// writes: where it is, the environment it runs with, and an async runner for tests whose cloud
// server lives in the test process (a blocking spawnSync would stop that server from answering).
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants, readFileSync } from "node:fs";
import { join } from "node:path";
import { CloudModel } from "../../../src/cloud/model/cloud-model.js";
import { REPO_ROOT } from "./paths.js";

export const TERRAFORM = "/usr/local/bin/terraform";
export const CLI = join(REPO_ROOT, "dist/src/cli/main.js");
export const SEED_FILE = join(REPO_ROOT, "examples/quickstart/seed.yaml");

export function requireTerraform(): void {
  try {
    accessSync(TERRAFORM, constants.X_OK);
  } catch {
    throw new Error(
      `terraform not found at ${TERRAFORM}: these tests drive the real terraform 1.11 CLI (HashiCorp's release zip; there is no Debian package of it here). Install it there.`,
    );
  }
}

/** Runs terraform (blocking); fails naming the command and its output unless it exits with an allowed code. */
export function runTerraform(args: string[], opts: { allowExit?: number[]; cwd: string; env: NodeJS.ProcessEnv }): { status: number; out: string; stdout: string } {
  const r = spawnSync(TERRAFORM, [...args, "-no-color"], { cwd: opts.cwd, env: opts.env, encoding: "utf8", timeout: 120_000, maxBuffer: 1 << 26 });
  const out = `${r.stdout}${r.stderr}`;
  const allowed = opts.allowExit ?? [0];
  if (r.status === null || !allowed.includes(r.status)) {
    throw new Error(`terraform ${args.join(" ")} exited ${r.status} (expected ${allowed.join("/")}):\n${out}`);
  }
  return { status: r.status, out, stdout: r.stdout };
}

/** Seeds the quickstart organization into the embedded cloud in `dir`. */
export function seedQuickstart(dir: string): void {
  const model = CloudModel.open({ dataDir: dir });
  try {
    model.directory.seedFromYaml(readFileSync(SEED_FILE, "utf8"));
  } finally {
    model.close();
  }
}

/**
 * Runs `oslogin terraform setup` into <work>/tf and returns the environment terraform runs with:
 * that CLI config (our filesystem mirror), no prompts, the provider's TLS cache under <work>, and `extra`.
 */
export function terraformEnv(work: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const setup = JSON.parse(execFileSync(process.execPath, [CLI, "terraform", "setup", "--dir", join(work, "tf"), "--json"], { encoding: "utf8" }));
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TF_CLI_CONFIG_FILE: setup.cliConfigFile,
    TF_IN_AUTOMATION: "1",
    OSLOGIN_TFPLUGIN_CACHE_DIR: join(work, "tls-cache"),
    ...extra,
  };
}

/** terraform args -no-color in cwd, without blocking this process; resolves with the exit status and output. */
export function terraformAsync(args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 300_000): Promise<{ status: number; out: string }> {
  return new Promise((resolve) => {
    execFile(TERRAFORM, [...args, "-no-color"], { cwd, env, timeout: timeoutMs, maxBuffer: 1 << 26 }, (err, stdout, stderr) => {
      const status = err ? (typeof (err as { code?: unknown }).code === "number" ? ((err as { code: number }).code) : -1) : 0;
      resolve({ status, out: `${stdout}${stderr}` });
    });
  });
}
