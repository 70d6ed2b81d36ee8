// The long form of test/cli/progress-realism.test.ts: `oslogin apply --auto-approve` and then
// `oslogin destroy --auto-approve` of examples/fleet (FLEET_SIZE=2000 -> 10,001 resources), each a
// whole CLI process on the embedded cloud slowed down by its realistic mode, with terraform's 10 s
// progress interval. For each it records the longest gap between two stdout lines: while applying
// (first "...ing..." line to the summary; the acceptance is at most one interval plus a timer's
// lateness), and over the whole command (start-up, refresh and planning included). Prints a
// markdown table (BENCHMARKS.md).
//   npx tsc -p . && npx tsx bench/engine/progress.ts [--size N] [--realism SPEC] [--interval MS]
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { machineSpeedLine } from "../machine-speed.js";
import { ROOT, synthFleet } from "./fleet.js";
import { longestGap, runTimed, type TimedLine } from "./timed-lines.js";

function flag(argv: string[], name: string, dflt: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function command(args: string[], work: string, env: NodeJS.ProcessEnv) {
  const cli = path.join(ROOT, "dist/src/cli/main.js");
  if (!existsSync(cli)) throw new Error("build first: npx tsc -p .");
  // cwd: the work dir, which has no cdktf.json, so the CLI uses the synthesized fleet as it is.
  const r = await runTimed(process.execPath, [cli, ...args, "--data-dir", path.join(work, ".oslogin"), "--out-dir", path.join(work, "cdktf.out"), "--no-color"], { cwd: work, env });
  if (r.code !== 0) throw new Error(`oslogin ${args.join(" ")} failed (${r.code}):\n${r.err.slice(-2000)}`);
  const lines = r.lines;
  const first = lines.findIndex((l) => /: (Creating|Modifying|Destroying|Reading)\.\.\.$/.test(l.text));
  const last = lines.findIndex((l) => /^(Apply|Destroy) complete!/.test(l.text));
  const applying = first >= 0 && last >= first ? lines.slice(first, last + 1) : [];
  const whole: TimedLine[] = [{ at: r.started, text: "(process started)" }, ...lines];
  const count = (re: RegExp) => lines.filter((l) => re.test(l.text)).length;
  return {
    wallMs: (lines.at(-1)?.at ?? r.started) - r.started,
    applyMs: applying.length ? applying.at(-1)!.at - applying[0].at : 0,
    gapApplying: longestGap(applying),
    gapWhole: longestGap(whole),
    lines: lines.length,
    heartbeats: count(/: Still [a-z]+\.\.\. \[/),
    counts: count(/^(Progress: \d+\/\d+ operations|Refreshing state\.\.\. \d+\/\d+ objects)/),
    summary: lines.find((l) => /^(Apply|Destroy) complete!/.test(l.text))?.text ?? "(none)",
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const size = Number(flag(argv, "--size", "2000"));
  const realism = flag(argv, "--realism", "latency=20ms,jitter=10ms,operations=100ms,seed=1");
  const interval = flag(argv, "--interval", "10000");
  const speed = machineSpeedLine();
  const work = mkdtempSync(path.join(tmpdir(), "oslogin-bench-progress-"));
  synthFleet(size, path.join(work, "cdktf.out"));
  const { CloudModel } = await import("../../src/cloud/model/cloud-model.js");
  const model = CloudModel.open({ dataDir: path.join(work, ".oslogin") });
  model.directory.seedFromYaml(readFileSync(path.join(ROOT, "examples/quickstart/seed.yaml"), "utf8"));
  model.close();
  const env = { OSLOGIN_REALISM: realism, OSLOGIN_PROGRESS_INTERVAL_MS: interval };
  const apply = await command(["apply", "--auto-approve"], work, env);
  const destroy = await command(["destroy", "--auto-approve"], work, env);

  console.log(`Progress output of examples/fleet, FLEET_SIZE=${size}, OSLOGIN_REALISM="${realism}", interval ${interval} ms, parallelism 10, Node ${process.version}; ${speed}\n`);
  console.log("| command | process wall time | applying | longest gap while applying | longest gap, whole command | lines | heartbeats | count lines | summary |");
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const [name, r] of [["`oslogin apply --auto-approve`", apply], ["`oslogin destroy --auto-approve`", destroy]] as const) {
    console.log(`| ${name} | ${secs(r.wallMs)} | ${secs(r.applyMs)} | ${secs(r.gapApplying)} | ${secs(r.gapWhole)} | ${r.lines} | ${r.heartbeats} | ${r.counts} | ${r.summary} |`);
  }
  console.log(`\nGoal: the longest gap while applying at most the interval (${secs(Number(interval))}) plus a timer's lateness.`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
