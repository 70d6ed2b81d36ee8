// Synth benchmark: examples/fleet at FLEET_SIZE (default 2000 = 10,001 resources) with our
// constructs, against the same app in bare cdktf. Each run is a fresh process (peak RSS is per
// process); the table shows medians of RUNS (default 3). Usage: npx tsx bench/synth/run.ts
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fleetResourceCount } from "../../examples/fleet/main.js";

interface Sample {
  variant: string;
  constructMs: number;
  synthMs: number;
  totalMs: number;
  maxRssMb: number;
  wallMs: number;
  resources: number;
}

const size = Number(process.env.FLEET_SIZE ?? 2000);
const runs = Number(process.env.RUNS ?? 3);
// Users run the compiled app (cdktf.json: node dist/...), so measure that when it is built.
const compiled = fileURLToPath(new URL("../../dist/bench/synth/child.js", import.meta.url));
const useCompiled = existsSync(compiled) && process.env.SYNTH_BENCH_TSX !== "1";
const command = useCompiled ? process.execPath : fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));
const childArgs = useCompiled ? [compiled] : [fileURLToPath(new URL("./child.ts", import.meta.url))];

function measure(variant: "ours" | "plain"): Sample {
  const outdir = mkdtempSync(join(tmpdir(), `synth-${variant}-`));
  try {
    const t0 = performance.now();
    const r = spawnSync(command, [...childArgs, variant, String(size), outdir], { encoding: "utf8" });
    const wallMs = Math.round(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${variant} synth failed: ${r.stderr.split("\n").slice(0, 5).join("\n")}`);
    const tf = JSON.parse(readFileSync(join(outdir, "stacks", "fleet", "cdk.tf.json"), "utf8"));
    const resources = Object.values(tf.resource as Record<string, object>).reduce((n, byName) => n + Object.keys(byName).length, 0);
    return { ...JSON.parse(r.stdout.trim().split("\n").pop()!), wallMs, resources };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const results: Record<string, Sample[]> = { ours: [], plain: [] };
for (let i = 0; i < runs; i++) for (const v of ["ours", "plain"] as const) results[v].push(measure(v));

const row = (name: string, s: Sample[]) =>
  `| ${name} | ${s[0].resources} | ${median(s.map((x) => x.constructMs))} | ${median(s.map((x) => x.synthMs))} | ${median(
    s.map((x) => x.totalMs),
  )} | ${median(s.map((x) => x.wallMs))} | ${median(s.map((x) => x.maxRssMb))} |`;

const ours = results.ours;
const plain = results.plain;
if (ours[0].resources !== fleetResourceCount(size)) throw new Error(`expected ${fleetResourceCount(size)} resources, got ${ours[0].resources}`);
console.log(`Synth of examples/fleet, FLEET_SIZE=${size}, median of ${runs} fresh processes (${useCompiled ? "compiled dist/ JS" : "tsx"}), node ${process.version}\n`);
console.log("| app | resources | construct ms | synth ms (incl. validation) | in-process total ms | process wall ms | peak RSS MB |");
console.log("|---|---|---|---|---|---|---|");
console.log(row("oslogin-kit constructs (L2 + generated L1)", ours));
console.log(row("plain cdktf TerraformResource, same JSON", plain));
const overMs = median(ours.map((x) => x.totalMs)) - median(plain.map((x) => x.totalMs));
const overMb = median(ours.map((x) => x.maxRssMb)) - median(plain.map((x) => x.maxRssMb));
console.log(`\nOverhead of our constructs: ${overMs} ms, ${overMb} MB peak RSS.`);
