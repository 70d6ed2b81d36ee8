// bench/cloud: creates/s and gets/s of OS Login profiles and user SSH keys against the emulator,
// in-process (the model called directly) and over the wire (REST and gRPC through the official SDK)
// against a real `oslogin serve` child process, each on its own fresh data directory (SQLite WAL on
// disk, as users run it). Prints a markdown table.
//
//   npx tsx bench/cloud/run.ts [--count 10000] [--concurrency 32] [--clients 1,2]
//                              [--modes in-memory,in-process,in-process-bg,in-process-grouped,rest,grpc,grpc-lean]
//
// in-memory: the model without disk (its CPU ceiling); in-process: CloudModel.open on a data
// directory, as the embedded default runs; in-process-bg: the same plus the background WAL
// checkpoints `oslogin serve` runs (src/cloud/store/checkpointer.ts); in-process-grouped: through
// InProcessCloudClient with --concurrency calls in flight, CloudModel.open's groupCommit on (group
// commit + background checkpoints), as the engine's embedded cloud runs (src/cli/engine-session.ts).
// grpc-lean: the same gRPC server driven by a bare HTTP/2 client (lean-grpc.ts) instead of the SDK.
// rest, grpc and grpc-lean run once per --clients value: the load comes from that many client threads (each its
// own connection pool or SDK Session), the concurrency split between them, because one Node event
// loop running the SDK saturates before the server does.
//   (BENCH_SERVER_NODE_ARGS adds node flags to the server process, e.g. for --cpu-prof)
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Worker } from "node:worker_threads";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { ADMIN } from "../../src/cloud/model/types.js";
import { startBackgroundCheckpoints } from "../../src/cloud/store/checkpointer.js";
import { machineSpeedLine } from "../machine-speed.js";
import type { ClientRequest, ClientWorkerData, WireKind } from "./client-worker.js";
import { clientCalls, grpcCalls, restClient, type Served } from "./wire-calls.js";
import { ORGS, SEED, keyReq, profileReq, runPhase, sshKeys, type Calls, type Phase } from "./workload.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ""), process.argv[i + 1]);
const COUNT = Number(args.get("count") ?? 10_000);
const CONCURRENCY = Number(args.get("concurrency") ?? 32);
const CLIENTS = (args.get("clients") ?? "1,2").split(",").map(Number);
/** Calls made (and not measured) before timing: JIT, lazily loaded modules and the connection pool warm up. */
const WARMUP = Math.min(500, Math.ceil(COUNT / 10));
const MODES = (args.get("modes") ?? "in-memory,in-process,in-process-bg,in-process-grouped,rest,grpc,grpc-lean").split(",");
const PHASES: Phase[] = ["createProfile", "getProfile", "createKey", "getKey"];
/** What drives each wire mode, named in the table so a reader need not look it up. */
const WIRE_LABELS: Record<string, string> = { grpc: "grpc (official SDK client)", "grpc-lean": "grpc-lean (bare HTTP/2 client)" };

/** Runs the phases; the caller times each. */
interface Driver {
  run(phase: Phase, from: number, to: number): Promise<void>;
  /** Peak RSS of the process serving the calls, in MiB. */
  peakRssMiB(): number;
  close(): Promise<void>;
}

/**
 * The model in this process: by default its methods called one at a time (each commits on return);
 * `grouped`: through InProcessCloudClient with CONCURRENCY calls in flight and group commit on, as
 * the engine drives the embedded cloud (each call resolves once its group is committed).
 */
function inProcess(dataDir: string | undefined, keys: string[], opts: { background?: boolean; grouped?: boolean } = {}): Driver {
  const model = CloudModel.open({ dataDir, groupCommit: opts.grouped });
  const checkpoints = opts.background ? startBackgroundCheckpoints(model.ctx.db) : undefined;
  model.directory.seed(SEED);
  for (const o of ORGS) model.osLogin.updateSettings(ADMIN, { organizationId: o.id, userSshKeySettings: { enabled: true, allowManageOwnKeys: true } });
  const idOf = (op: { response?: { value: unknown } }) => (op.response!.value as { id: string }).id;
  const calls: Calls = opts.grouped
    ? clientCalls(new InProcessCloudClient(model), keys)
    : {
        createProfile: async (i) => idOf(model.osLogin.createProfile(ADMIN, profileReq(i))),
        getProfile: async (id) => void model.osLogin.getProfile(ADMIN, { osLoginProfileId: id }),
        createKey: async (i) => idOf(model.userSshKeys.create(ADMIN, keyReq(i, keys))),
        getKey: async (id) => void model.userSshKeys.get(ADMIN, { userSshKeyId: id }),
      };
  const ids = new Map<Phase, string[]>();
  // Direct calls are synchronous underneath: concurrency would only interleave promises.
  const width = opts.grouped ? CONCURRENCY : 1;
  return {
    run: (phase, from, to) => runPhase(calls, phase, from, to, width, ids),
    peakRssMiB: () => process.resourceUsage().maxRSS / 1024,
    close: async () => {
      await checkpoints?.stop();
      model.close();
    },
  };
}

async function serve(dataDir: string): Promise<Served & { child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server.
    [...(process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? []), "--import", "tsx", "src/cli/main.ts", "serve", "--data-dir", dataDir, "--rest-port", "0", "--grpc-port", "0", "--json"],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`oslogin serve exited ${code}`)));
  });
  const info = JSON.parse(line) as { restUrl: string; grpcEndpoint: string; adminTokenFile: string; tlsCertFile: string };
  return {
    child,
    restUrl: info.restUrl,
    grpcEndpoint: info.grpcEndpoint,
    token: readFileSync(info.adminTokenFile, "utf8").trim(),
    certPem: readFileSync(info.tlsCertFile, "utf8"),
  };
}

/** The server's peak RSS (VmHWM) from /proc, in MiB. */
function childPeakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Seeds the served cloud the way each transport's users would: the directory over REST (emulator-only), settings through the SDK. */
async function seedServed(s: Served): Promise<void> {
  const seeder = restClient(s.restUrl, s.token, 1);
  await seeder.call("POST", "/emulator/v1/seed", SEED);
  seeder.close();
  const setup = grpcCalls(s, []);
  for (const o of ORGS) {
    await setup.client.updateOsLoginSettings({ organizationId: o.id, userSshKeySettings: { enabled: true, allowManageOwnKeys: true } });
  }
  await setup.close();
}

/**
 * `clients` worker threads, each owning a contiguous share of every phase's index range and
 * concurrency / clients calls in flight; a phase ends when the last worker finishes its share.
 */
async function overTheWire(kind: WireKind, dataDir: string, keys: string[], clients: number): Promise<Driver> {
  const s = await serve(dataDir);
  await seedServed(s);
  const served: Served = { restUrl: s.restUrl, grpcEndpoint: s.grpcEndpoint, token: s.token, certPem: s.certPem };
  const width = Math.max(1, Math.round(CONCURRENCY / clients));
  const workers = Array.from({ length: clients }, () => {
    const data: ClientWorkerData = { kind, served, keys, width };
    // tsx's --import hook does not reach worker threads on Node 20: the worker registers it itself.
    const entry = new URL("./client-worker.ts", import.meta.url).href;
    const boot = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
    return new Worker(boot, { eval: true, workerData: data });
  });
  const ask = (w: Worker, req: ClientRequest) =>
    new Promise<void>((resolve, reject) => {
      w.once("message", (m: { ok: boolean; error?: string }) => (m.ok ? resolve() : reject(new Error(`client worker: ${m.error}`))));
      w.postMessage(req);
    });
  return {
    run: async (phase, from, to) => {
      const share = Math.ceil((to - from) / clients);
      await Promise.all(workers.map((w, k) => ask(w, { phase, from: from + k * share, to: Math.min(to, from + (k + 1) * share) })));
    },
    peakRssMiB: () => childPeakRssMiB(s.child.pid!),
    close: async () => {
      await Promise.all(workers.map((w) => ask(w, { close: true })));
      await Promise.all(workers.map((w) => w.terminate()));
      const exited = new Promise((r) => s.child.once("exit", r));
      s.child.kill("SIGTERM");
      await exited;
    },
  };
}

interface Row {
  mode: string;
  rates: Record<Phase, number>;
  peakRss: number;
}

async function measure(mode: string, clients: number, keys: string[]): Promise<Row> {
  const dataDir = mkdtempSync(join(tmpdir(), `oslogin-bench-${mode}-`));
  try {
    const driver = mode.startsWith("in-")
      ? inProcess(mode === "in-memory" ? undefined : dataDir, keys, { background: mode === "in-process-bg", grouped: mode === "in-process-grouped" })
      : mode === "rest" || mode === "grpc" || mode === "grpc-lean"
        ? await overTheWire(mode, dataDir, keys, clients)
        : fail(`unknown mode ${JSON.stringify(mode)}`);
    // Warm-up indices follow the measured ones (COUNT..COUNT+WARMUP): distinct logins and keys.
    for (const phase of PHASES) await driver.run(phase, COUNT, COUNT + WARMUP);
    const rates = {} as Record<Phase, number>;
    for (const phase of PHASES) {
      const start = process.hrtime.bigint();
      await driver.run(phase, 0, COUNT);
      rates[phase] = COUNT / (Number(process.hrtime.bigint() - start) / 1e9);
    }
    const row: Row = { mode: mode.startsWith("in-") ? mode : `${WIRE_LABELS[mode] ?? mode}, ${clients} client thread${clients > 1 ? "s" : ""}`, rates, peakRss: driver.peakRssMiB() };
    await driver.close();
    return row;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function fail(message: string): never {
  throw new Error(message);
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function main(): Promise<void> {
  const loadBefore = loadavg()[0];
  const speed = machineSpeedLine();
  const keys = sshKeys(COUNT + WARMUP);
  const rows: Row[] = [];
  for (const mode of MODES) {
    for (const clients of mode.startsWith("in-") ? [1] : CLIENTS) {
      process.stderr.write(`bench/cloud: ${mode}${mode.startsWith("in-") ? "" : ` (${clients} client thread${clients > 1 ? "s" : ""})`}...\n`);
      rows.push(await measure(mode, clients, keys));
    }
  }
  console.log(
    `${COUNT} profiles + ${COUNT} user SSH keys; over the wire ${CONCURRENCY} requests in flight; SQLite WAL on disk ` +
      `(except in-memory); ${WARMUP} unmeasured warm-up calls of each kind first; ${cpus().length} CPUs, load average before the run ${loadBefore.toFixed(1)}; ${speed}`,
  );
  console.log("");
  console.log("| mode | profile creates/s | profile gets/s | key creates/s | key gets/s | peak RSS (server) |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const r of rows) {
    const { createProfile, getProfile, createKey, getKey } = r.rates;
    console.log(`| ${r.mode} | ${fmt(createProfile)} | ${fmt(getProfile)} | ${fmt(createKey)} | ${fmt(getKey)} | ${fmt(r.peakRss)} MiB |`);
  }
}

main().catch((e: unknown) => {
  console.error(`bench/cloud: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
