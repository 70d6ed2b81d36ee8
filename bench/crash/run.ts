// The crash harness, full form: an `oslogin apply` of examples/fleet (a few hundred resources with
// authorized keys) interrupted at 40 SIGKILL points spread from the first create to the last state
// write, plus kill-then-destroy, kill-then-two-concurrent-recoveries, SIGINT once and twice and a
// reader that goes away; after each, the checks of harness.ts. Prints a markdown table; exits 1
// when any case fails.
//   npx tsc -p . && node dist/bench/crash/run.js [--size 60] [--key-every 5] [--points 40]
import { machineSpeedLine } from "../machine-speed.js";
import { applyCase, destroyCase, markdownTable, prepareFleet, spreadPoints, type CaseResult } from "./harness.js";

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a whole number >= 1`);
  return v;
}

async function main(): Promise<void> {
  const size = flag("size", 60);
  const keyEvery = flag("key-every", 5);
  const points = flag("points", 40);
  const fleet = prepareFleet({ size, keyEvery, cli: "dist" });
  const started = performance.now();
  const rows: CaseResult[] = [];
  const record = (r: CaseResult) => {
    rows.push(r);
    process.stderr.write(`${rows.length}. ${r.name}: ${r.problems.length ? `FAIL ${r.problems.join("; ")}` : "ok"}\n`);
  };
  // SIGKILL after the N-th "Creation complete": most points (creations are what a crash can lose);
  // a quarter of them by time instead, which also lands between lines and in state writes.
  const byTime = Math.floor(points / 4);
  const byLine = points - byTime;
  for (const n of spreadPoints(fleet.resources, byLine)) record(await applyCase(fleet, `kill-after-${n}`, { kind: "kill-after-creations", n, signal: "SIGKILL" }));
  const apply = rows.find((r) => r.name === `kill-after-${fleet.resources}`);
  for (let i = 1; i <= byTime; i++) {
    const ms = Math.round((i * 4000) / byTime);
    record(await applyCase(fleet, `kill-at-${ms}ms`, { kind: "kill-after-ms", ms }));
  }
  const mid = Math.round(fleet.resources / 2);
  record(await destroyCase(fleet, "kill-then-destroy", { kind: "kill-after-creations", n: mid, signal: "SIGKILL" }));
  record(await destroyCase(fleet, "kill-early-then-destroy", { kind: "kill-after-creations", n: 10, signal: "SIGKILL" }));
  record(await applyCase(fleet, "kill-then-2-concurrent-recoveries", { kind: "kill-after-creations", n: mid, signal: "SIGKILL" }, { concurrentRecoveries: true }));
  record(await applyCase(fleet, "sigint-once", { kind: "kill-after-creations", n: mid, signal: "SIGINT" }));
  record(await applyCase(fleet, "sigint-twice", { kind: "kill-after-creations", n: mid, signal: "SIGINT-twice" }));
  record(await applyCase(fleet, "stdout-closed (head)", { kind: "close-stdout-after-lines", n: 10 }));
  const failed = rows.filter((r) => r.problems.length);
  console.log(`Crash harness: examples/fleet, FLEET_SIZE=${size}, AUTHORIZED_KEY_EVERY=${keyEvery} (${fleet.resources} resources, ${Math.ceil(size / keyEvery)} authorized keys), CLI from dist/.`);
  console.log(machineSpeedLine());
  console.log("");
  console.log(markdownTable(rows));
  console.log("");
  console.log(`${rows.length} cases, ${rows.length - failed.length} ok, ${failed.length} failed; ${rows.filter((r) => r.exit === "SIGKILL").length} ended by SIGKILL; ${Math.round((performance.now() - started) / 1000)} s in all.`);
  if (apply && apply.creations < fleet.resources) console.log(`(the last SIGKILL point landed after creation #${apply.creations} of ${fleet.resources})`);
  process.exitCode = failed.length ? 1 : 0;
}

await main();
