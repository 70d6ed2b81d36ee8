// bench/cloud: creates/s and gets/s of OS Login profiles and user SSH keys against the emulator,
// in-process (the model called directly) and over the wire (REST and gRPC through the official SDK)
// against a real `oslogin serve` child process, each on its own fresh data directory (SQLite WAL on
// disk, as users run it). Prints a markdown table.
//
//   npx tsx bench/cloud/run.ts [--count 10000] [--concurrency 32] [--modes in-memory,in-process,in-process-bg,rest,grpc]
//
// in-memory: the model without disk (its CPU ceiling); in-process: CloudModel.open on a data
// directory, as the embedded default runs; in-process-bg: the same plus the background WAL
// checkpoints `oslogin serve` runs (src/cloud/store/checkpointer.ts).
//   (BENCH_SERVER_NODE_ARGS adds node flags to the server process, e.g. for --cpu-prof)
//
// 10k profiles need three organizations (the quota is 4,000 profiles per organization), so the
// seed has three, with ten members each; profiles and keys are spread over them round-robin.
import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { GrpcCloudClient } from "../../src/cloud/client/grpc.js";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { ADMIN } from "../../src/cloud/model/types.js";
import { startBackgroundCheckpoints } from "../../src/cloud/store/checkpointer.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ""), process.argv[i + 1]);
const COUNT = Number(args.get("count") ?? 10_000);
const CONCURRENCY = Number(args.get("concurrency") ?? 32);
/** Calls made (and not measured) before timing: JIT, lazily loaded modules and the connection pool warm up. */
const WARMUP = Math.min(500, Math.ceil(COUNT / 10));
const MODES = (args.get("modes") ?? "in-memory,in-process,in-process-bg,rest,grpc").split(",");

const ORGS = [1, 2, 3].map((n) => ({
  id: `bpfbenchorg${n}`,
  name: `bench-${n}`,
  members: Array.from({ length: 10 }, (_, m) => ({ id: `ajebench${n}m${m}`, name: `Member ${n}.${m}`, email: `m${m}@org${n}.example` })),
}));
const SEED = { organizations: ORGS };
const target = (i: number) => {
  const org = ORGS[i % ORGS.length];
  return { organizationId: org.id, subjectId: org.members[Math.floor(i / ORGS.length) % org.members.length].id };
};

/** Distinct ed25519 public keys in OpenSSH format (one per key create; fingerprints must differ per subject). */
function sshKeys(n: number): string[] {
  const out: string[] = [];
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  for (let i = 0; i < n; i++) {
    const jwk = generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" });
    const blob = Buffer.concat([str(Buffer.from("ssh-ed25519")), str(Buffer.from(jwk.x!, "base64url"))]);
    out.push(`ssh-ed25519 ${blob.toString("base64")} bench-${i}`);
  }
  return out;
}

interface Ops {
  createProfile(i: number): Promise<string>;
  getProfile(id: string): Promise<void>;
  createKey(i: number): Promise<string>;
  getKey(id: string): Promise<void>;
  /** Peak RSS of the process serving the calls, in MiB. */
  peakRssMiB(): number;
  close(): Promise<void>;
}

const profileReq = (i: number) => ({ ...target(i), login: `bench-${i}` });
const keyReq = (i: number, keys: string[]) => ({ ...target(i), name: `k${i}`, data: keys[i] });

function inProcess(dataDir: string | undefined, keys: string[], background: boolean): Ops {
  const model = CloudModel.open({ dataDir });
  const checkpoints = background ? startBackgroundCheckpoints(model.ctx.db) : undefined;
  model.directory.seed(SEED);
  for (const o of ORGS) model.osLogin.updateSettings(ADMIN, { organizationId: o.id, userSshKeySettings: { enabled: true, allowManageOwnKeys: true } });
  const idOf = (op: { response?: { value: unknown } }) => (op.response!.value as { id: string }).id;
  return {
    createProfile: async (i) => idOf(model.osLogin.createProfile(ADMIN, profileReq(i))),
    getProfile: async (id) => void model.osLogin.getProfile(ADMIN, { osLoginProfileId: id }),
    createKey: async (i) => idOf(model.userSshKeys.create(ADMIN, keyReq(i, keys))),
    getKey: async (id) => void model.userSshKeys.get(ADMIN, { userSshKeyId: id }),
    peakRssMiB: () => process.resourceUsage().maxRSS / 1024,
    close: async () => {
      await checkpoints?.stop();
      model.close();
    },
  };
}

interface Served {
  child: ChildProcess;
  restUrl: string;
  grpcEndpoint: string;
  token: string;
  certPem: string;
}

async function serve(dataDir: string): Promise<Served> {
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

async function stop(child: ChildProcess): Promise<void> {
  const done = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await done;
}

/**
 * A JSON client over node:http with a keep-alive pool as wide as the concurrency: one TCP connection
 * per request in flight, reused (fetch costs the client far more CPU per request, and the client
 * shares the machine with the server).
 */
function restClient(baseUrl: string, token: string, width: number) {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: width });
  const call = (method: string, path: string, body?: unknown): Promise<any> =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string | number> = { authorization: `Bearer ${token}` };
      if (data !== undefined) Object.assign(headers, { "content-type": "application/json", "content-length": Buffer.byteLength(data) });
      const req = request({ host: url.hostname, port: url.port, method, path, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const json = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          if (res.statusCode !== 200) reject(new Error(`${method} ${path}: ${res.statusCode} ${json.message}`));
          else resolve(json);
        });
      });
      req.on("error", reject);
      req.end(data);
    });
  return { call, close: () => agent.destroy() };
}

async function rest(dataDir: string, keys: string[]): Promise<Ops> {
  const s = await serve(dataDir);
  const client = restClient(s.restUrl, s.token, CONCURRENCY);
  const call = client.call;
  await call("POST", "/emulator/v1/seed", SEED);
  for (const o of ORGS) {
    await call("PATCH", `/organization-manager/v1/organizations/${o.id}/osLoginSettings`, {
      userSshKeySettings: { enabled: true, allowManageOwnKeys: true },
    });
  }
  return {
    createProfile: async (i) => (await call("POST", "/organization-manager/v1/osLoginProfiles", profileReq(i))).response.id,
    getProfile: async (id) => void (await call("GET", `/organization-manager/v1/osLoginProfiles/${id}`)),
    createKey: async (i) => (await call("POST", "/organization-manager/v1/userSshKeys", keyReq(i, keys))).response.id,
    getKey: async (id) => void (await call("GET", `/organization-manager/v1/userSshKeys/${id}`)),
    peakRssMiB: () => childPeakRssMiB(s.child.pid!),
    close: async () => {
      client.close();
      await stop(s.child);
    },
  };
}

async function grpc(dataDir: string, keys: string[]): Promise<Ops> {
  const s = await serve(dataDir);
  // Directory seeding is emulator-only (REST); the measured calls go through the official SDK.
  const seeder = restClient(s.restUrl, s.token, 1);
  await seeder.call("POST", "/emulator/v1/seed", SEED);
  seeder.close();
  const client = new GrpcCloudClient({ endpoint: s.grpcEndpoint, rootCertPem: s.certPem, iamToken: s.token, pollIntervalMs: 5 });
  for (const o of ORGS) {
    await client.updateOsLoginSettings({ organizationId: o.id, userSshKeySettings: { enabled: true, allowManageOwnKeys: true } });
  }
  return {
    createProfile: async (i) => (await client.createOsLoginProfile(profileReq(i))).id,
    getProfile: async (id) => void (await client.getOsLoginProfile(id)),
    createKey: async (i) => (await client.createUserSshKey(keyReq(i, keys))).id,
    getKey: async (id) => void (await client.getUserSshKey(id)),
    peakRssMiB: () => childPeakRssMiB(s.child.pid!),
    close: async () => {
      await client.close();
      await stop(s.child);
    },
  };
}

/** Runs fn(0..n-1) with at most `width` in flight; returns calls per second. */
async function rate<T>(n: number, width: number, fn: (i: number) => Promise<T>, out?: T[]): Promise<number> {
  let next = 0;
  const start = process.hrtime.bigint();
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const v = await fn(i);
      if (out) out[i] = v;
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return n / seconds;
}

interface Row {
  mode: string;
  profileCreates: number;
  profileGets: number;
  keyCreates: number;
  keyGets: number;
  peakRss: number;
}

async function measure(mode: string, keys: string[]): Promise<Row> {
  const dataDir = mkdtempSync(join(tmpdir(), `oslogin-bench-${mode}-`));
  try {
    const local = mode.startsWith("in-");
    const ops = local
      ? inProcess(mode === "in-memory" ? undefined : dataDir, keys, mode === "in-process-bg")
      : mode === "rest"
        ? await rest(dataDir, keys)
        : mode === "grpc"
          ? await grpc(dataDir, keys)
          : fail(`unknown mode ${JSON.stringify(mode)}`);
    // In-process calls are synchronous underneath: concurrency would only interleave promises.
    const width = local ? 1 : CONCURRENCY;
    const warmIds: string[] = [];
    await rate(WARMUP, width, (i) => ops.createProfile(COUNT + i), warmIds);
    await rate(WARMUP, width, (i) => ops.getProfile(warmIds[i]));
    await rate(WARMUP, width, (i) => ops.createKey(COUNT + i), warmIds);
    await rate(WARMUP, width, (i) => ops.getKey(warmIds[i]));
    const profileIds: string[] = [];
    const keyIds: string[] = [];
    const row: Row = {
      mode,
      profileCreates: await rate(COUNT, width, (i) => ops.createProfile(i), profileIds),
      profileGets: await rate(COUNT, width, (i) => ops.getProfile(profileIds[i])),
      keyCreates: await rate(COUNT, width, (i) => ops.createKey(i), keyIds),
      keyGets: await rate(COUNT, width, (i) => ops.getKey(keyIds[i])),
      peakRss: ops.peakRssMiB(),
    };
    await ops.close();
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
  const keys = sshKeys(COUNT + WARMUP);
  const rows: Row[] = [];
  for (const mode of MODES) {
    process.stderr.write(`bench/cloud: ${mode}...\n`);
    rows.push(await measure(mode, keys));
  }
  console.log(
    `${COUNT} profiles + ${COUNT} user SSH keys; over the wire ${CONCURRENCY} requests in flight; SQLite WAL on disk ` +
      `(except in-memory); ${WARMUP} unmeasured warm-up calls of each kind first; ${cpus().length} CPUs, load average before the run ${loadBefore.toFixed(1)}`,
  );
  console.log("");
  console.log("| mode | profile creates/s | profile gets/s | key creates/s | key gets/s | peak RSS (server) |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const r of rows) {
    console.log(
      `| ${r.mode} | ${fmt(r.profileCreates)} | ${fmt(r.profileGets)} | ${fmt(r.keyCreates)} | ${fmt(r.keyGets)} | ${fmt(r.peakRss)} MiB |`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(`bench/cloud: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
