// The real terraform with our provider vs `oslogin apply`, on the same examples/fleet stack
// (FLEET_SIZE=200 -> 1,001 resources) against the embedded cloud in process: apply from empty and a
// no-op plan (with refresh) of each, whole-process wall times; plus the provider's start-up cost
// (spawn -> handshake line), which terraform pays 3-5 times per command. Prints a markdown table
// and writes it into BENCHMARKS.md under "## Terraform provider".
//   npx tsc -p . && npx tsx bench/terraform/run.ts [--size N] [--runs N] [--no-write]
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";

const here = import.meta.dirname;
const root = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? "../../.." : "../..");
const TERRAFORM = "/usr/local/bin/terraform";
const CLI = path.join(root, "dist/src/cli/main.js");
const PROVIDER = path.join(root, "dist/src/cli/terraform-provider.js");

function flag(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}
const size = flag("size", 200);
const runs = flag("runs", 15);

if (!existsSync(TERRAFORM)) throw new Error(`terraform not found at ${TERRAFORM}: this benchmark drives the real terraform 1.11`);
if (!existsSync(PROVIDER)) throw new Error("dist/ is missing: run `npx tsc -p .` first");

const work = mkdtempSync(path.join(tmpdir(), "oslogin-bench-tf-"));

function timed(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): number {
  const started = performance.now();
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (r.status !== 0 && !(args.includes("-detailed-exitcode") && r.status === 2)) {
    throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}:\n${(r.stdout + r.stderr).slice(-3000)}`);
  }
  return ms;
}

async function seed(dataDir: string): Promise<void> {
  const { CloudModel } = await import("../../src/cloud/model/cloud-model.js");
  const model = CloudModel.open({ dataDir });
  model.directory.seedFromYaml(readFileSync(path.join(root, "examples/quickstart/seed.yaml"), "utf8"));
  model.close();
}

async function countObjects(dataDir: string): Promise<number> {
  const { CloudModel } = await import("../../src/cloud/model/cloud-model.js");
  const { InProcessCloudClient } = await import("../../src/cloud/client/inprocess.js");
  const { listAll } = await import("../../src/contract/cloud-client.js");
  const model = CloudModel.open({ dataDir });
  const c = new InProcessCloudClient(model);
  const folderId = "b1gquickstartfolder1";
  const n =
    (await listAll((t) => c.listInstances({ folderId, pageToken: t }))).length +
    (await listAll((t) => c.listServiceAccounts({ folderId, pageToken: t }))).length;
  model.close();
  return n;
}

/** spawn -> handshake line of the built provider, median and p90 over `runs` launches. */
async function startup(provider: string, cacheDir: string, freshCert: boolean): Promise<{ median: number; p90: number }> {
  const env = {
    PATH: process.env.PATH,
    TF_PLUGIN_MAGIC_COOKIE: "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
    PLUGIN_PROTOCOL_VERSIONS: "5,6",
    // Any PEM: the server only parses it when a client connects; its presence turns TLS on.
    PLUGIN_CLIENT_CERT: "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
    OSLOGIN_TFPLUGIN_CACHE_DIR: cacheDir,
  };
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (freshCert) rmSync(cacheDir, { recursive: true, force: true });
    const started = performance.now();
    const child = spawn(process.execPath, [PROVIDER, provider], { env, stdio: ["ignore", "pipe", "ignore"] });
    await new Promise((resolve) => child.stdout.once("data", resolve));
    times.push(performance.now() - started);
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], p90: times[Math.floor(times.length * 0.9)] };
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  // Whole-process wall times on a shared 2-core machine depend on what else runs: say so in the table.
  const loadBefore = loadavg()[0];
  // One synthesized stack for both tools.
  timed(process.execPath, [path.join(root, "dist/examples/fleet/main.js")], { cwd: work, env: { ...process.env, FLEET_SIZE: String(size) } });
  const stackDir = path.join(work, "cdktf.out/stacks/fleet");
  const resources = Object.values(JSON.parse(readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")).resource as Record<string, object>).reduce(
    (n, byName) => n + Object.keys(byName).length,
    0,
  );

  // terraform + our provider, embedded cloud in the provider process
  const tfData = path.join(work, "cloud-terraform");
  await seed(tfData);
  const setup = JSON.parse(spawnSync(process.execPath, [CLI, "terraform", "setup", "--dir", path.join(work, "tf"), "--json"], { encoding: "utf8" }).stdout);
  const tfEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TF_CLI_CONFIG_FILE: setup.cliConfigFile,
    TF_IN_AUTOMATION: "1",
    OSLOGIN_TF_DATA_DIR: tfData,
    OSLOGIN_TFPLUGIN_CACHE_DIR: path.join(work, "tls-cache"),
  };
  const tfInit = timed(TERRAFORM, ["init", "-input=false", "-no-color"], { cwd: stackDir, env: tfEnv });
  const tfApply = timed(TERRAFORM, ["apply", "-input=false", "-auto-approve", "-no-color"], { cwd: stackDir, env: tfEnv });
  const tfPlan = timed(TERRAFORM, ["plan", "-input=false", "-no-color", "-detailed-exitcode"], { cwd: stackDir, env: tfEnv });
  const tfObjects = await countObjects(tfData);

  // oslogin apply, embedded cloud in process, from no state: terraform's (the stack's one state
  // file, which the engine would otherwise share) is moved aside
  renameSync(path.join(work, "terraform.fleet.tfstate"), path.join(work, "terraform.fleet.tfstate.by-terraform"));
  const engineData = path.join(work, "cloud-engine");
  await seed(engineData);
  const engApply = timed(process.execPath, [CLI, "apply", "--auto-approve", "--data-dir", engineData, "--no-color"], { cwd: work });
  const engPlan = timed(process.execPath, [CLI, "plan", "--data-dir", engineData, "--no-color"], { cwd: work });
  const engObjects = await countObjects(engineData);
  if (tfObjects !== engObjects) throw new Error(`terraform left ${tfObjects} instances + service accounts, oslogin apply ${engObjects}`);

  const warm = await startup("yandex", path.join(work, "startup-cache"), false);
  const warmNull = await startup("null", path.join(work, "startup-cache"), false);
  const cold = await startup("yandex", path.join(work, "startup-cold"), true);
  const node0 = (() => {
    const t: number[] = [];
    for (let i = 0; i < runs; i++) t.push(timed(process.execPath, ["-e", "0"], { cwd: work }));
    return t.sort((a, b) => a - b)[Math.floor(t.length / 2)];
  })();

  const table = [
    `examples/fleet, FLEET_SIZE=${size}: ${resources} resources, embedded cloud in process (SQLite), ${new Date().toISOString().slice(0, 10)}, ${process.platform} ${process.arch}, node ${process.version}, load average ${loadBefore.toFixed(1)} at start / ${loadavg()[0].toFixed(1)} at end.`,
    "",
    "| phase | terraform 1.11 + our provider | `oslogin` engine | terraform / engine |",
    "|---|---|---|---|",
    `| apply from empty | ${s(tfApply)} | ${s(engApply)} | ${(tfApply / engApply).toFixed(1)}x |`,
    `| no-op plan (with refresh) | ${s(tfPlan)} | ${s(engPlan)} | ${(tfPlan / engPlan).toFixed(1)}x |`,
    `| terraform init (offline mirror) | ${s(tfInit)} | n/a | |`,
    "",
    `Provider start-up, spawn -> handshake line (median / p90 of ${runs} launches; \`node -e 0\` alone: ${node0.toFixed(0)} ms):`,
    "",
    "| provider | TLS certificate | median | p90 |",
    "|---|---|---|---|",
    `| yandex | cached on disk | ${warm.median.toFixed(0)} ms | ${warm.p90.toFixed(0)} ms |`,
    `| null | cached on disk | ${warmNull.median.toFixed(0)} ms | ${warmNull.p90.toFixed(0)} ms |`,
    `| yandex | generated at start (cold cache) | ${cold.median.toFixed(0)} ms | ${cold.p90.toFixed(0)} ms |`,
  ].join("\n");
  console.log(table);

  if (!process.argv.includes("--no-write")) writeSection(table);
  rmSync(work, { recursive: true, force: true });
}

/** Where the hand-written reading of the numbers starts; a new run keeps it. */
const ANALYSIS = "\nWhat the numbers say";

/**
 * Replaces (or appends) this benchmark's measured tables in BENCHMARKS.md, leaving the other
 * sections and this section's analysis (from "What the numbers say" on) intact.
 */
function writeSection(table: string): void {
  const file = path.join(root, "BENCHMARKS.md");
  const heading = "## Terraform provider";
  const body = `${heading}\n\nMeasured by \`npx tsc -p . && npx tsx bench/terraform/run.ts\` (defaults: \`--size 200 --runs 15\`).\n\n${table}\n`;
  let text = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  const start = text.indexOf(`\n${heading}\n`);
  if (start >= 0) {
    const next = text.indexOf("\n## ", start + heading.length + 2);
    const end = next >= 0 ? next : text.length;
    const analysis = text.indexOf(ANALYSIS, start);
    const kept = analysis >= 0 && analysis < end ? analysis : end;
    text = text.slice(0, start + 1) + body + text.slice(kept);
  } else {
    text = `${text.trimEnd()}\n\n${body}`;
  }
  writeFileSync(file, text);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
