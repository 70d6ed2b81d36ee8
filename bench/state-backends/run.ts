// State I/O of the local and pg backends side by side: a state of N resource instances (default
// 10,001, the size of examples/fleet at FLEET_SIZE=2000) written once (a full state write, what
// every apply's flush costs) and read back (what a plan starts with). The pg side runs against a
// throwaway cluster (test/e2e/harness/pg-cluster.ts, Debian postgresql). Prints a markdown table.
//   npx tsx bench/state-backends/run.ts [--size N] [--rounds R]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { localBackend, localStatePaths } from "../../src/engine/state/backend.js";
import { PgBackend, pgSettings } from "../../src/engine/state/pg-backend.js";
import { stateFromJson, type State } from "../../src/engine/state/state.js";
import { startPgCluster } from "../../test/e2e/harness/pg-cluster.js";
import { machineSpeedLine } from "../machine-speed.js";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const size = arg("size", 10_001);
const rounds = arg("rounds", 3);

/** A v4 state of `n` service-account-like instances with fleet-sized attributes. */
function bigState(n: number): State {
  const provider = 'provider["registry.terraform.io/yandex-cloud/yandex"]';
  const instances = Array.from({ length: n }, (_, i) => ({
    index_key: i,
    schema_version: 0,
    attributes: { id: `aje${String(i).padStart(17, "0")}`, name: `svc-${i}`, folder_id: "b1gfolder0000000000", description: `fleet service account ${i}`, created_at: "2026-12-03T12:00:00Z", labels: { team: `t${i % 40}` } },
    sensitive_attributes: [],
  }));
  const json = { version: 4, terraform_version: "1.11.4", serial: 1, lineage: "00000000-0000-4000-8000-000000000001", outputs: {}, resources: [{ mode: "managed", type: "yandex_iam_service_account", name: "fleet", each: "list", provider, instances }], check_results: null };
  const s = stateFromJson(JSON.stringify(json));
  if (typeof s === "string") throw new Error(s);
  return s;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const dir = mkdtempSync(path.join(tmpdir(), "oslogin-bench-state-"));
const cluster = await startPgCluster();
try {
  const local = localBackend(localStatePaths(path.join(dir, "terraform.bench.tfstate"), "bench"));
  const s = pgSettings({ conn_str: cluster.url }, {});
  if (typeof s === "string") throw new Error(s);
  const pgb = new PgBackend(s);
  const rows: string[] = [];
  for (const [name, b] of [["local file", local], ["pg", pgb]] as const) {
    const writes: number[] = [];
    const reads: number[] = [];
    const locks: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const st = bigState(size);
      writes.push(await time(() => b.writer(st).flush()));
      reads.push(
        await time(async () => {
          const st = await b.read();
          if (typeof st === "string" || st.instances.size !== size) throw new Error(`read back: ${typeof st === "string" ? st : st.instances.size}`);
        }),
      );
      locks.push(
        await time(async () => {
          const l = await b.lock("OperationTypePlan", 0);
          if (!l.ok) throw new Error(l.reason);
          await l.lock.release();
        }),
      );
    }
    rows.push(`| ${name} | ${size} | ${median(writes).toFixed(0)} | ${median(reads).toFixed(0)} | ${median(locks).toFixed(1)} |`);
  }
  process.stdout.write(`${machineSpeedLine()}\n\n| backend | instances | write state (ms) | read state (ms) | lock + unlock (ms) |\n|---|---|---|---|---|\n${rows.join("\n")}\n`);
} finally {
  cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
