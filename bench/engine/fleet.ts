// examples/fleet synthesized for the engine benchmarks (compiled app: build first with npx tsc -p .).
import { spawnSync } from "node:child_process";
import path from "node:path";

// Works from bench/engine (tsx) and from dist/bench/engine (compiled).
const here = import.meta.dirname;
export const ROOT = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? "../../.." : "../..");

/** Synthesizes the fleet at FLEET_SIZE=size into outDir; returns the milliseconds it took. */
export function synthFleet(size: number, outDir: string): number {
  const t = performance.now();
  // In the work dir: the stack's local backend (its state file) is terraform.fleet.tfstate there.
  const r = spawnSync("/usr/bin/env", ["bash", "-c", `node ${path.join(ROOT, "dist/examples/fleet/main.js")}`], {
    env: { ...process.env, FLEET_SIZE: String(size), CDKTF_OUTDIR: outDir },
    encoding: "utf8",
    cwd: path.dirname(outDir),
  });
  if (r.status !== 0) throw new Error(`synth failed (build first: npx tsc -p .):\n${r.stderr}`);
  return performance.now() - t;
}
