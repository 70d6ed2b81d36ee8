// Driving the real cdktf CLI (cdktf-cli 0.21.0, a devDependency) and the real terraform on a copy
// of the quickstart project: the repository's cdktf.json verbatim, examples/quickstart copied (so a
// test may edit main.ts), constructs/ and src/ linked to this checkout, and a node_modules like a
// user project's: this checkout's packages linked one by one, plus oslogin-kit itself and its
// `oslogin` command, so `npx tsx`, `npx cdktf` and `npx oslogin` all resolve locally (offline).
import { spawnSync } from "node:child_process";
import { accessSync, chmodSync, constants, copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import { CloudModel } from "../../../src/cloud/model/cloud-model.js";

export const TERRAFORM = "/usr/local/bin/terraform";
export const ROOT = new URL("../../..", import.meta.url).pathname.replace(/\/$/, "");
export const CLI = join(ROOT, "dist/src/cli/main.js");
export const CDKTF = join(ROOT, "node_modules/cdktf-cli/bundle/bin/cdktf");
export const SEED_FILE = join(ROOT, "examples/quickstart/seed.yaml");

export function requireTools(): void {
  try {
    accessSync(TERRAFORM, constants.X_OK);
  } catch {
    throw new Error(`terraform not found at ${TERRAFORM}: these tests drive the real terraform 1.11 CLI (HashiCorp's release zip; there is no Debian package of it here). Install it there.`);
  }
  try {
    accessSync(CDKTF, constants.R_OK);
  } catch {
    throw new Error(`cdktf-cli is not installed (${CDKTF}): run npm install (it is a devDependency)`);
  }
  try {
    accessSync(join(ROOT, "dist/src/cli/terraform-provider.js"), constants.R_OK);
  } catch {
    throw new Error("dist/ is missing: build first (npm run build); the provider wrapper runs the built entry");
  }
}

/** A project directory laid out like this repository for the quickstart; returns its path. */
export function makeQuickstartProject(dir: string): string {
  mkdirSync(join(dir, "examples/quickstart"), { recursive: true });
  // package.json ("type": "module") and tsconfig.json too: synth type-checks main.ts as the project says.
  for (const f of ["cdktf.json", "package.json", "tsconfig.json"]) copyFileSync(join(ROOT, f), join(dir, f));
  for (const f of ["main.ts", "seed.yaml"]) copyFileSync(join(ROOT, "examples/quickstart", f), join(dir, "examples/quickstart", f));
  for (const d of ["constructs", "src"]) symlinkSync(join(ROOT, d), join(dir, d));
  const modules = join(dir, "node_modules");
  mkdirSync(join(modules, ".bin"), { recursive: true });
  for (const name of readdirSync(join(ROOT, "node_modules"))) {
    if (name !== ".bin") symlinkSync(join(ROOT, "node_modules", name), join(modules, name));
  }
  for (const name of readdirSync(join(ROOT, "node_modules/.bin"))) symlinkSync(join(ROOT, "node_modules/.bin", name), join(modules, ".bin", name));
  symlinkSync(ROOT, join(modules, "oslogin-kit"));
  const bin = join(modules, ".bin/oslogin");
  writeFileSync(bin, `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`);
  chmodSync(bin, 0o755);
  return dir;
}

export function seedCloud(dataDir: string): void {
  const model = CloudModel.open({ dataDir });
  try {
    model.directory.seedFromYaml(readFileSync(SEED_FILE, "utf8"));
  } finally {
    model.close();
  }
}

/** The ```sh blocks of docs/cdktf-deploy.md, each as its command lines. */
export function docShellBlocks(): string[][] {
  const text = readFileSync(join(ROOT, "docs/cdktf-deploy.md"), "utf8");
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].split("\n").filter((l) => l.trim() !== ""));
}

/**
 * The docs' setup block, run in the project as written (but `npm run build`: the tests need this
 * checkout built already), and the environment it exports, plus a PATH with node/npx and terraform
 * and `extra`.
 */
export function pipelineEnv(dir: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const [setup] = docShellBlocks();
  expect(setup[0]).toBe("npm run build");
  const base = { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: process.env.HOME, OSLOGIN_TFPLUGIN_CACHE_DIR: join(dir, "tls-cache") };
  const report = `node -e 'console.log("EXPORTED " + JSON.stringify({ TF_CLI_CONFIG_FILE: process.env.TF_CLI_CONFIG_FILE, CHECKPOINT_DISABLE: process.env.CHECKPOINT_DISABLE }))'`;
  const r = run("bash", ["-eo", "pipefail", "-c", [...setup.slice(1), report].join("\n")], dir, base);
  const line = r.out.split("\n").find((l) => l.startsWith("EXPORTED "));
  const exported = JSON.parse(line!.slice("EXPORTED ".length)) as Record<string, string>;
  expect(exported).toEqual({ TF_CLI_CONFIG_FILE: join(dir, ".oslogin/terraform/terraformrc"), CHECKPOINT_DISABLE: "1" });
  return { ...base, ...exported, ...extra };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export interface Ran {
  status: number;
  out: string;
}

/** Runs a command; throws with its output unless it exits with one of `allow`. */
export function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, allow = [0]): Ran {
  const r = spawnSync(file, args, { cwd, env, encoding: "utf8", timeout: 300_000 });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`.replace(ANSI, "");
  if (r.status === null || !allow.includes(r.status)) {
    throw new Error(`${file} ${args.join(" ")} exited ${r.status ?? r.signal} (expected ${allow.join("/")}):\n${out}`);
  }
  return { status: r.status, out };
}

/** A command line as a user types it (`npx cdktf deploy --auto-approve`), run by bash in the project. */
export const shell = (line: string, cwd: string, env: NodeJS.ProcessEnv): Ran => run("bash", ["-eo", "pipefail", "-c", line], cwd, env);
export const oslogin = (args: string[], cwd: string, env: NodeJS.ProcessEnv, allow = [0]): Ran => run(process.execPath, [CLI, ...args], cwd, env, allow);
