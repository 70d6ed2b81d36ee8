// examples/fleet against `oslogin serve` answering every gRPC call 50 ms late (realistic mode), side
// by side in one run: the engine's apply and no-op plan (refresh by List) through --endpoint, and
// the real terraform with our provider (-parallelism=10, one ReadResource per resource) on its own
// server with the same latency. Whole-process wall times; prints a markdown table.
//   npx tsc -p . && npx tsx bench/realcloud/fleet.ts [--size N] [--latency 50ms] [--engine-parallelism N]
// --size 2000 is the 10,001 resources.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { CLI, TERRAFORM, terraformEnv } from "../../test/e2e/harness/terraform.js";

const root = path.resolve(import.meta.dirname, "../..");
const SEED = path.join(root, "examples/quickstart/seed.yaml");

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const size = Number(arg("size", "2000"));
const latency = arg("latency", "50ms");
const engineParallelism = arg("engine-parallelism", "50");

if (!existsSync(CLI)) throw new Error("dist/ is missing: run `npx tsc -p .` first");
if (!existsSync(TERRAFORM)) throw new Error(`terraform not found at ${TERRAFORM}: this benchmark drives the real terraform 1.11`);

const work = mkdtempSync(path.join(tmpdir(), "oslogin-bench-realcloud-"));
const servers: ChildProcess[] = [];

/** Wall time of a whole process; -detailed-exitcode's 2 counts as success. */
function timed(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => (err = (err + d).slice(-4000)));
    p.once("exit", (code) => (code === 0 || (code === 2 && args.includes("-detailed-exitcode")) ? resolve(performance.now() - started) : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${err}`))));
  });
}

/** `oslogin serve` with the latency on its own data dir; resolves with its summary line. */
async function serve(dataDir: string): Promise<{ grpcEndpoint: string; tlsCertFile: string; adminTokenFile: string }> {
  const p = spawn(process.execPath, [CLI, "serve", "--data-dir", dataDir, "--grpc-port", "0", "--rest-port", "0", "--seed", SEED, "--realism", `latency=${latency}`, "--json"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  servers.push(p);
  return JSON.parse(await new Promise<string>((resolve) => createInterface({ input: p.stdout! }).once("line", resolve)));
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const loadBefore = loadavg()[0];
  await timed(process.execPath, [path.join(root, "dist/examples/fleet/main.js")], work, { ...process.env, FLEET_SIZE: String(size) });
  const stackDir = path.join(work, "cdktf.out/stacks/fleet");
  const stackFile = path.join(stackDir, "cdk.tf.json");
  const stack = JSON.parse(readFileSync(stackFile, "utf8"));
  const resources = Object.values(stack.resource as Record<string, object>).reduce((n, byName) => n + Object.keys(byName).length, 0);

  // The engine through the SDK against its server (admin token and certificate read from the data dir).
  const engineData = path.join(work, "engine");
  const engineServer = await serve(engineData);
  const engine = (args: string[]) =>
    timed(process.execPath, [CLI, ...args, "--endpoint", engineServer.grpcEndpoint, "--data-dir", engineData, "--parallelism", engineParallelism, "--no-color"], work, process.env);
  const engApply = await engine(["apply", "--auto-approve"]);
  const engPlan = await engine(["plan"]);

  // terraform + our provider against its own server: the provider block names it.
  const tfData = path.join(work, "terraform");
  const tfServer = await serve(tfData);
  stack.provider.yandex[0] = { ...stack.provider.yandex[0], endpoint: tfServer.grpcEndpoint, root_certs: tfServer.tlsCertFile };
  writeFileSync(stackFile, JSON.stringify(stack));
  const tfEnv = terraformEnv(work, { YC_TOKEN: readFileSync(tfServer.adminTokenFile, "utf8").trim() });
  await timed(TERRAFORM, ["init", "-input=false", "-no-color"], stackDir, tfEnv);
  const tfApply = await timed(TERRAFORM, ["apply", "-input=false", "-auto-approve", "-parallelism=10", "-no-color"], stackDir, tfEnv);
  const tfPlan = await timed(TERRAFORM, ["plan", "-input=false", "-parallelism=10", "-no-color", "-detailed-exitcode"], stackDir, tfEnv);

  console.log(
    [
      `examples/fleet, FLEET_SIZE=${size}: ${resources} resources; \`oslogin serve --realism latency=${latency}\` (every gRPC call answered ${latency} late), one server per tool; ${new Date().toISOString().slice(0, 10)}, node ${process.version}, load average ${loadBefore.toFixed(1)} at start / ${loadavg()[0].toFixed(1)} at end.`,
      "",
      `| phase | terraform 1.11 + our provider (-parallelism=10) | \`oslogin\` engine (--parallelism ${engineParallelism}) | terraform / engine |`,
      "|---|---|---|---|",
      `| apply from empty | ${s(tfApply)} | ${s(engApply)} | ${(tfApply / engApply).toFixed(1)}x |`,
      `| no-op plan (with refresh) | ${s(tfPlan)} | ${s(engPlan)} | ${(tfPlan / engPlan).toFixed(1)}x |`,
    ].join("\n"),
  );
}

main()
  .catch((e) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  })
  .finally(() => {
    for (const p of servers) p.kill("SIGTERM");
    rmSync(work, { recursive: true, force: true });
  });
