// examples/fleet against `oslogin serve` answering every gRPC call 50 ms late (realistic mode), side
// by side in one run: the engine's apply and no-op plan (refresh by List) through --endpoint, and the
// real terraform with our provider planning the same state on the same server (-parallelism=10, one
// ReadResource per resource). Whole-process wall times; prints a markdown table with the goals.
//   npx tsc -p . && npx tsx bench/realcloud/fleet.ts [--size N] [--latency 50ms] [--operations 0ms]
//     [--engine-parallelism N] [--engine-refresh-parallelism N] [--plans N] [--terraform-apply]
//     [--engine-only] [--baseline-cli PATH]
// --size 2000 is the issue's 10,001 resources. Terraform plans the state the engine's apply wrote
// (cdktf's local backend: one state file both tools read), so its refresh reads the very objects the
// engine's did. --terraform-apply also times terraform's own apply from empty on a second server
// (about 20x the engine's: at 10k resources that is the better part of an hour).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { CLI, TERRAFORM, terraformEnv } from "../../test/e2e/harness/terraform.js";
import { machineSpeedLine } from "../machine-speed.js";

const root = path.resolve(import.meta.dirname, "../..");
const SEED = path.join(root, "examples/quickstart/seed.yaml");

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const size = Number(arg("size", "2000"));
const latency = arg("latency", "50ms");
const operations = arg("operations", "0ms");
const engineParallelism = arg("engine-parallelism", "100");
/** The engine's --refresh-parallelism (omitted: the refresh shares --parallelism's cap). */
const engineRefreshParallelism = arg("engine-refresh-parallelism", "");
/**
 * Another build's CLI (e.g. main's dist/src/cli/main.js built in a temporary worktree): its no-op
 * plans alternate with this build's on the same server and state, with the same flags, so a
 * before/after pair sees the same load.
 */
const baselineCli = arg("baseline-cli", "");
const plans = Number(arg("plans", "3"));
const terraformApply = process.argv.includes("--terraform-apply");
/** Only the engine's rows (e.g. to see what --operations costs its apply without waiting for terraform). */
const engineOnly = process.argv.includes("--engine-only");
const realism = `latency=${latency},operations=${operations}`;

if (!existsSync(CLI)) throw new Error("dist/ is missing: run `npx tsc -p .` first");
if (!existsSync(TERRAFORM)) throw new Error(`terraform not found at ${TERRAFORM}: this benchmark drives the real terraform 1.11`);

const work = mkdtempSync(path.join(tmpdir(), "oslogin-bench-realcloud-"));
const servers: ChildProcess[] = [];

/** Wall time of a whole process; `okExits` are the exit codes that count as success. */
function timed(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, okExits = [0]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => (err = (err + d).slice(-4000)));
    p.once("exit", (code) => (okExits.includes(code ?? -1) ? resolve(performance.now() - started) : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${err}`))));
  });
}

/** `oslogin serve` in realistic mode on its own data dir; resolves with its summary line. */
async function serve(dataDir: string): Promise<{ grpcEndpoint: string; tlsCertFile: string; adminTokenFile: string }> {
  const p = spawn(process.execPath, [CLI, "serve", "--data-dir", dataDir, "--grpc-port", "0", "--rest-port", "0", "--seed", SEED, "--realism", realism, "--json"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  servers.push(p);
  return JSON.parse(await new Promise<string>((resolve) => createInterface({ input: p.stdout! }).once("line", resolve)));
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const met = (ok: boolean) => (ok ? "met" : "**not met**");

async function main(): Promise<void> {
  const speed = machineSpeedLine();
  const loadBefore = loadavg()[0];
  const synthMs = await timed(process.execPath, [path.join(root, "dist/examples/fleet/main.js")], work, { ...process.env, FLEET_SIZE: String(size) });
  const stackDir = path.join(work, "cdktf.out/stacks/fleet");
  const stackFile = path.join(stackDir, "cdk.tf.json");
  const stack = JSON.parse(readFileSync(stackFile, "utf8"));
  const resources = Object.values(stack.resource as Record<string, object>).reduce((n, byName) => n + Object.keys(byName).length, 0);

  // The engine through the SDK against the server (admin token and certificate read from the data dir).
  const data = path.join(work, "cloud");
  const server = await serve(data);
  const common = ["--skip-synth", "--endpoint", server.grpcEndpoint, "--data-dir", data, "--parallelism", engineParallelism, "--no-color"];
  const refreshFlags = engineRefreshParallelism ? ["--refresh-parallelism", engineRefreshParallelism] : [];
  const engine = (args: string[], okExits?: number[]) => timed(process.execPath, [CLI, ...args, ...common, ...refreshFlags], work, process.env, okExits);
  const engApply = await engine(["apply", "--auto-approve"]);
  // --detailed-exitcode: 0 only when nothing changed, so a plan that found drift fails the bench.
  const engPlans: number[] = [];
  const basePlans: number[] = [];
  for (let i = 0; i < plans; i++) {
    if (baselineCli) basePlans.push(await timed(process.execPath, [baselineCli, "plan", "--detailed-exitcode", ...common, ...refreshFlags], work, process.env));
    engPlans.push(await engine(["plan", "--detailed-exitcode"]));
  }
  const engPlan = median(engPlans);

  // terraform + our provider on the same server and the same state: the provider block names it.
  let tfPlan = NaN;
  const pointAt = (srv: { grpcEndpoint: string; tlsCertFile: string }) => {
    stack.provider.yandex[0] = { ...stack.provider.yandex[0], endpoint: srv.grpcEndpoint, root_certs: srv.tlsCertFile };
    writeFileSync(stackFile, JSON.stringify(stack));
  };
  const tfEnv = () => terraformEnv(work, { YC_TOKEN: readFileSync(server.adminTokenFile, "utf8").trim() });
  if (!engineOnly) {
    pointAt(server);
    await timed(TERRAFORM, ["init", "-input=false", "-no-color"], stackDir, tfEnv());
    tfPlan = await timed(TERRAFORM, ["plan", "-input=false", "-parallelism=10", "-no-color", "-detailed-exitcode", "-lock=false"], stackDir, tfEnv());
  }

  let tfApply: number | undefined;
  if (terraformApply && !engineOnly) {
    const tfServer = await serve(path.join(work, "terraform-cloud"));
    pointAt(tfServer);
    stack.terraform.backend = { local: { path: path.join(work, "terraform-own.tfstate") } };
    writeFileSync(stackFile, JSON.stringify(stack));
    const env = { ...tfEnv(), YC_TOKEN: readFileSync(tfServer.adminTokenFile, "utf8").trim() };
    await timed(TERRAFORM, ["init", "-input=false", "-no-color", "-reconfigure"], stackDir, env);
    tfApply = await timed(TERRAFORM, ["apply", "-input=false", "-auto-approve", "-parallelism=10", "-no-color"], stackDir, env);
  }

  const ratio = tfPlan / engPlan;
  console.log(
    [
      `examples/fleet, FLEET_SIZE=${size}: ${resources} resources; one \`oslogin serve --realism ${realism}\` (every gRPC call answered ${latency} late); ${new Date().toISOString().slice(0, 16)} UTC, node ${process.version}, load average ${loadBefore.toFixed(1)} at start / ${loadavg()[0].toFixed(1)} at end; ${speed}.`,
      `Engine no-op plans (median of ${plans}): ${engPlans.map(s).join(", ")}.`,
      ...(baselineCli ? [`Baseline ${baselineCli} no-op plans, alternating with them (same flags): ${basePlans.map(s).join(", ")}; median ${s(median(basePlans))}.`] : []),
      "",
      `| phase | terraform 1.11 + our provider (-parallelism=10) | \`oslogin\` engine (--parallelism ${engineParallelism}${engineRefreshParallelism ? ` --refresh-parallelism ${engineRefreshParallelism}` : ""}) | terraform / engine | goal |`,
      "|---|---|---|---|---|",
      `| synth (examples/fleet, both tools read its output) | - | ${s(synthMs)} | | |`,
      `| apply from empty | ${tfApply === undefined ? "not run (--terraform-apply)" : s(tfApply)} | ${s(engApply)} | ${tfApply === undefined ? "" : `${(tfApply / engApply).toFixed(1)}x`} | engine <= 60 s: ${met(engApply <= 60_000)} |`,
      engineOnly
        ? `| no-op plan (with refresh) | not run (--engine-only) | ${s(engPlan)} | | engine <= 3 s: ${met(engPlan <= 3000)} |`
        : `| no-op plan (with refresh), same state and server | ${s(tfPlan)} | ${s(engPlan)} | ${ratio.toFixed(1)}x | engine <= 3 s: ${met(engPlan <= 3000)}; >= 20x: ${met(ratio >= 20)} |`,
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
