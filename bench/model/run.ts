// bench/model: the model services called directly (no wire), the cost floor under REST and gRPC.
// Creates and gets of OS Login profiles and user SSH keys, in memory and on disk (SQLite WAL in a
// fresh data directory, checkpoints off the write path as `oslogin serve` runs them), as wall-clock
// ops/s and as ops per CPU-second (what the process itself spent: less sensitive to a loaded machine).
//
//   npx tsx bench/model/run.ts [--count 10000]
import { sshKeys } from "../cloud/workload.js";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { startBackgroundCheckpoints } from "../../src/cloud/store/checkpointer.js";
import { ADMIN, type Operation } from "../../src/cloud/model/types.js";

const i = process.argv.indexOf("--count");
const COUNT = i > 0 ? Number(process.argv[i + 1]) : 10_000;

// 10k profiles need three organizations (4,000 profiles each at most).
const ORGS = [1, 2, 3].map((n) => ({
  id: `bpfmodelbench${n}`,
  name: `bench-${n}`,
  members: Array.from({ length: 10 }, (_, m) => ({ id: `ajemodel${n}m${m}`, name: `Member ${n}.${m}`, email: `m${m}@org${n}.example` })),
}));
const target = (n: number) => {
  const org = ORGS[n % ORGS.length]!;
  return { organizationId: org.id, subjectId: org.members[Math.floor(n / ORGS.length) % org.members.length]!.id };
};

interface Row {
  store: string;
  operation: string;
  wall: number;
  perCpu: number;
}

function measure(store: string, operation: string, rows: Row[], fn: (n: number) => void): void {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let n = 0; n < COUNT; n++) fn(n);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  rows.push({ store, operation, wall: (COUNT / wallMs) * 1000, perCpu: (COUNT / ((cpu.user + cpu.system) / 1000)) * 1000 });
}

const idOf = (op: Operation) => (op.response!.value as { id: string }).id;

async function run(store: "memory" | "disk", keys: string[], rows: Row[]): Promise<void> {
  const dir = store === "disk" ? mkdtempSync(join(tmpdir(), "bench-model-")) : undefined;
  const model = CloudModel.open({ dataDir: dir });
  // `oslogin serve` checkpoints from a background thread; without it a commit that crosses the WAL
  // threshold pays the checkpoint's fsyncs. Measure the write path the server has.
  const checkpoints = startBackgroundCheckpoints(model.ctx.db);
  await checkpoints?.ready;
  try {
    model.directory.seed({ organizations: ORGS });
    const profiles: string[] = [];
    const sshKeyIds: string[] = [];
    measure(store, "profile create", rows, (n) => profiles.push(idOf(model.osLogin.createProfile(ADMIN, { ...target(n), login: `bench-${n}` }))));
    measure(store, "profile get", rows, (n) => model.osLogin.getProfile(ADMIN, { osLoginProfileId: profiles[n]! }));
    measure(store, "key create", rows, (n) => sshKeyIds.push(idOf(model.userSshKeys.create(ADMIN, { ...target(n), name: `k${n}`, data: keys[n]! }))));
    measure(store, "key get", rows, (n) => model.userSshKeys.get(ADMIN, { userSshKeyId: sshKeyIds[n]! }));
  } finally {
    await checkpoints?.stop();
    model.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

const keys = sshKeys(COUNT);
const rows: Row[] = [];
const load = loadavg()[0]!.toFixed(1);
await run("memory", keys, rows);
await run("disk", keys, rows);
const fmt = (v: number) => Math.round(v).toLocaleString("en-US");
console.log(`${COUNT} of each, node ${process.version}, load average ${load} at start / ${loadavg()[0]!.toFixed(1)} at end, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB\n`);
console.log("| store | operation | ops/s (wall) | ops per CPU-second |");
console.log("|---|---|---:|---:|");
for (const r of rows) console.log(`| ${r.store} | ${r.operation} | ${fmt(r.wall)} | ${fmt(r.perCpu)} |`);
