// Engine benchmark on examples/fleet (FLEET_SIZE=2000 -> 10,001 resources) against the embedded
// cloud: synth, apply from empty, no-op plan with refresh, destroy; each phase in a fresh process
// so its peak RSS is its own. Prints a markdown table.
//   npx tsc -p . && npx tsx bench/engine/run.ts [--size N] [--without-keys]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

// Works from bench/engine (tsx) and from dist/bench/engine (compiled).
const here = import.meta.dirname;
const root = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? "../../.." : "../..");

async function phase(name: string, dataDir: string, outDir: string): Promise<void> {
  const { CloudModel } = await import("../../src/cloud/model/cloud-model.js");
  const { InProcessCloudClient } = await import("../../src/cloud/client/inprocess.js");
  const { Engine } = await import("../../src/engine/engine.js");
  const { findDefinition } = await import("../../src/resources/registry.js");
  const { hasErrors, formatDiagnostic } = await import("../../src/engine/diagnostics.js");
  const model = CloudModel.open({ dataDir });
  if (name === "apply") model.directory.seedFromYaml(readFileSync(path.join(root, "examples/quickstart/seed.yaml"), "utf8"));
  const engine = new Engine({ cloud: new InProcessCloudClient(model), definitions: (t, k) => findDefinition(t, k), dataDir });
  const started = performance.now();
  let detail = "";
  if (name === "plan") {
    const r = await engine.plan({ outDir });
    if (!r.plan || hasErrors(r.diagnostics)) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
    const acting = r.plan.changes.filter((c) => c.action !== "noop" && !c.readDuringPlan).length;
    detail = `${r.plan.changes.length} instances refreshed, ${acting} changes`;
  } else {
    const r = await engine.run({ outDir, mode: name === "destroy" ? "destroy" : "normal" });
    if (hasErrors(r.diagnostics)) throw new Error(r.diagnostics.slice(0, 5).map(formatDiagnostic).join("\n"));
    detail = name === "destroy" ? `${r.applied?.destroyed} destroyed` : `${r.applied?.added} created`;
  }
  const ms = performance.now() - started;
  model.close();
  process.stdout.write(JSON.stringify({ ms, rssMB: process.resourceUsage().maxRSS / 1024, detail }) + "\n");
}

function runChild(args: string[], env: NodeJS.ProcessEnv = {}): { ms: number; rssMB: number; detail: string; wallMs: number } {
  const t = performance.now();
  // Phases run the compiled engine (as users do), not through tsx's on-the-fly transpiler.
  const compiled = path.join(root, "dist/bench/engine/run.js");
  const entry = existsSync(compiled) ? [compiled] : [...process.execArgv, process.argv[1]];
  const prof = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const r = spawnSync(process.execPath, [...prof, ...entry, ...args], { env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 1 << 26 });
  const wallMs = performance.now() - t;
  if (r.status !== 0) throw new Error(`phase ${args.join(" ")} failed:\n${r.stderr}`);
  const last = r.stdout.trim().split("\n").pop()!;
  return { ...JSON.parse(last), wallMs };
}

function synthChild(size: number, outDir: string) {
  const t = performance.now();
  const r = spawnSync("/usr/bin/env", ["bash", "-c", `node ${path.join(root, "dist/examples/fleet/main.js")}`], {
    env: { ...process.env, FLEET_SIZE: String(size), CDKTF_OUTDIR: outDir },
    encoding: "utf8",
    cwd: root,
  });
  if (r.status !== 0) throw new Error(`synth failed (build first: npx tsc -p .):\n${r.stderr}`);
  return performance.now() - t;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === "phase") return phase(argv[1], argv[2], argv[3]);
  const i = argv.indexOf("--size");
  const size = i >= 0 ? Number(argv[i + 1]) : 2000;
  const withoutKeys = argv.includes("--without-keys");
  const work = mkdtempSync(path.join(tmpdir(), "oslogin-bench-engine-"));
  const outDir = path.join(work, "cdktf.out");
  const dataDir = path.join(work, ".oslogin");
  const synthMs = synthChild(size, outDir);
  const stackFile = path.join(outDir, "stacks/fleet/cdk.tf.json");
  const stack = JSON.parse(readFileSync(stackFile, "utf8")) as { resource: Record<string, Record<string, unknown>>; output?: unknown };
  if (withoutKeys) {
    // The emulator generates an RSA-2048 pair per CreateKey synchronously (~300 ms each), which
    // would measure key generation, not the engine: this variant drops the key resources.
    delete stack.resource.yandex_iam_service_account_key;
    writeFileSync(stackFile, JSON.stringify(stack));
  }
  const resources = Object.values(stack.resource).reduce((n, byName) => n + Object.keys(byName).length, 0);
  const apply = runChild(["phase", "apply", dataDir, outDir]);
  // The no-op plan is short and the machine is shared: report the median of several runs.
  const plans = Array.from({ length: 5 }, () => runChild(["phase", "plan", dataDir, outDir])).sort((a, b) => a.ms - b.ms);
  const plan = plans[2];
  const destroy = runChild(["phase", "destroy", dataDir, outDir]);
  const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const rows = [
    ["synth (node dist/examples/fleet/main.js)", fmt(synthMs), "-", `${resources} resources`, "-"],
    ["apply from empty", fmt(apply.ms), fmt(apply.wallMs), apply.detail, `${apply.rssMB.toFixed(0)} MB`],
    ["no-op plan with refresh (median of 5)", fmt(plan.ms), fmt(plan.wallMs), `${plan.detail}; fastest ${fmt(plans[0].ms)}`, `${plan.rssMB.toFixed(0)} MB`],
    ["destroy", fmt(destroy.ms), fmt(destroy.wallMs), destroy.detail, `${destroy.rssMB.toFixed(0)} MB`],
  ];
  console.log(`Engine on examples/fleet, FLEET_SIZE=${size} (${resources} resources${withoutKeys ? ", service account keys removed" : ""}), embedded cloud (SQLite in ${dataDir}), parallelism 10, Node ${process.version}\n`);
  console.log("| phase | engine time | process wall time | result | peak RSS |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
  console.log("\nGoals: no-op plan <= 1 s, apply <= 10 s, RSS <= 512 MB.");
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
