// The crash harness: runs `oslogin apply` of examples/fleet as a user does (a whole process on an
// embedded cloud), kills it at a chosen point (SIGKILL after the N-th "Creation complete" line or
// after N ms, SIGINT once or twice, a reader that goes away), then recovers with the next command
// and checks what must hold after any exit:
// - the recovery (apply or destroy) exits 0 and `plan --detailed-exitcode` then exits 0;
// - the cloud holds exactly the declared objects, counted from the cloud's API, not from the
//   state: one service account, VM, OS Login profile and binding per fleet member, and per account
//   the credential declared (an authorized key or an SSH key), no duplicate, no orphan;
// - the state serial never goes down; no lock, no temp file and no pending create is left.
// bench/crash/run.ts runs the full set and prints a table; test/engine/crash-fleet.test.ts a short one.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { App } from "cdktf";
import { FleetStack } from "../../examples/fleet/main.js";
import { SEED } from "../../examples/quickstart/main.js";
import { listAll, type CloudClient } from "../../src/contract/cloud-client.js";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";

// Works from bench/crash (tsx) and from dist/bench/crash (compiled).
const here = import.meta.dirname;
export const ROOT = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? "../../.." : "../..");

export interface Fleet {
  size: number;
  /** Every how many accounts one has an authorized key (the others an SSH key). */
  keyEvery: number;
  outDir: string;
  /** A data dir with the seeded cloud and no state: each case starts from a copy. */
  seededDataDir: string;
  /** Resources in the stack (every one is a "Creation complete" line of a full apply). */
  resources: number;
  /** How the CLI runs: the compiled dist (bench) or the sources through tsx (tests, no build needed). */
  cli: "dist" | "tsx";
}

export function prepareFleet(opts: { size: number; keyEvery: number; cli: "dist" | "tsx"; work?: string }): Fleet {
  const work = opts.work ?? mkdtempSync(path.join(tmpdir(), "oslogin-crash-"));
  const outDir = path.join(work, "cdktf.out");
  const app = new App({ outdir: outDir });
  new FleetStack(app, "fleet", { size: opts.size, authorizedKeyEvery: opts.keyEvery });
  app.synth();
  // Each case is one data directory holding its own cloud and state. cdktf writes a local backend
  // (terraform.fleet.tfstate beside the app), which would make every case share one state file:
  // without a backend block the engine keeps the state in the data directory.
  const stackFile = path.join(outDir, "stacks/fleet/cdk.tf.json");
  const stack = JSON.parse(readFileSync(stackFile, "utf8")) as { resource: Record<string, Record<string, unknown>>; terraform?: { backend?: unknown } };
  delete stack.terraform?.backend;
  writeFileSync(stackFile, JSON.stringify(stack, null, 2));
  const resources = Object.values(stack.resource).reduce((n, byName) => n + Object.keys(byName).length, 0);
  const seededDataDir = path.join(work, "seeded");
  const model = CloudModel.open({ dataDir: seededDataDir });
  model.directory.seedFromYaml(readFileSync(path.join(ROOT, "examples/quickstart/seed.yaml"), "utf8"));
  model.close();
  if (opts.cli === "dist") requireFreshBuild();
  return { size: opts.size, keyEvery: opts.keyEvery, outDir, seededDataDir, resources, cli: opts.cli };
}

/** The compiled CLI must be built from the sources as they are, or the harness tests old code. */
function requireFreshBuild(): void {
  const main = path.join(ROOT, "dist/src/cli/main.js");
  if (!existsSync(main)) throw new Error("dist/ is missing: build first (npx tsc -p .)");
  const built = statSync(main).mtimeMs;
  const newer = (dir: string): string | undefined => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        const n = newer(p);
        if (n) return n;
      } else if (e.name.endsWith(".ts") && statSync(p).mtimeMs > built) return p;
    }
    return undefined;
  };
  for (const dir of ["src", "examples", "constructs"]) {
    const changed = newer(path.join(ROOT, dir));
    if (changed) throw new Error(`dist/ is older than ${path.relative(ROOT, changed)}: build first (npx tsc -p .)`);
  }
}

/** A data dir for one case: the seeded cloud, no state. */
export function freshDataDir(fleet: Fleet, name: string): string {
  const dir = path.join(path.dirname(fleet.seededDataDir), "cases", name);
  mkdirSync(path.dirname(dir), { recursive: true });
  cpSync(fleet.seededDataDir, dir, { recursive: true });
  return dir;
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
  /** "Creation complete" lines seen on stdout. */
  creations: number;
  ms: number;
}

/** What to do to the running command. */
export type Interference =
  | { kind: "none" }
  | { kind: "kill-after-creations"; n: number; signal: "SIGKILL" | "SIGINT" | "SIGTERM" | "SIGINT-twice" }
  | { kind: "kill-after-ms"; ms: number }
  /** Stop reading stdout after this many lines and close it (`| head -n N`). */
  | { kind: "close-stdout-after-lines"; n: number };

const CREATION = /: Creation complete after /g;

/** One `oslogin` command on the fleet, with `interference` applied while it runs. */
export function oslogin(fleet: Fleet, dataDir: string, args: string[], interference: Interference = { kind: "none" }): Promise<Run> {
  const cli = fleet.cli === "dist" ? [path.join(ROOT, "dist/src/cli/main.js")] : ["--import", import.meta.resolve("tsx"), path.join(ROOT, "src/cli/main.ts")];
  const argv = [...cli, ...args, "--data-dir", dataDir, "--out-dir", fleet.outDir, "--no-color"];
  const started = performance.now();
  // node itself, not a wrapper that would outlive a SIGKILL of its child.
  // In the fleet's own directory: the checkout's cdktf.json names the quickstart, which plan and
  // apply would synthesize first (over the fleet's cdktf.out).
  const child = spawn(process.execPath, argv, { cwd: path.dirname(fleet.outDir), stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  let out = "";
  let err = "";
  let creations = 0;
  let acted = false;
  const act = (signal: "SIGKILL" | "SIGINT" | "SIGTERM" | "SIGINT-twice") => {
    if (acted) return;
    acted = true;
    if (signal === "SIGINT-twice") {
      child.kill("SIGINT");
      setTimeout(() => child.kill("SIGINT"), 30);
    } else child.kill(signal);
  };
  let lines = 0;
  child.stdout.on("data", (d: Buffer) => {
    if (interference.kind === "close-stdout-after-lines" && acted) return;
    const text = d.toString();
    out += text;
    creations += text.match(CREATION)?.length ?? 0;
    lines += text.split("\n").length - 1;
    if (interference.kind === "kill-after-creations" && creations >= interference.n) act(interference.signal);
    if (interference.kind === "close-stdout-after-lines" && lines >= interference.n && !acted) {
      acted = true;
      child.stdout.destroy(); // the reader goes away: the next write fails with EPIPE
    }
  });
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  let timer: NodeJS.Timeout | undefined;
  if (interference.kind === "kill-after-ms") {
    // Counted from the first create, so every point falls inside the apply.
    const wait = setInterval(() => {
      if (creations > 0 || out.includes("Creating...")) {
        clearInterval(wait);
        timer = setTimeout(() => act("SIGKILL"), interference.ms);
      }
    }, 2);
    child.on("close", () => clearInterval(wait));
  }
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, out, err, creations, ms: performance.now() - started });
    });
  });
}

export interface StateFacts {
  serial: number;
  pending: number;
  instances: number;
  lockLeft: boolean;
  tempFiles: string[];
}

export function stateFacts(dataDir: string): StateFacts {
  const dir = path.join(dataDir, "stacks/fleet");
  const file = path.join(dir, "terraform.tfstate");
  const names = existsSync(dir) ? readdirSync(dir) : [];
  const tempFiles = names.filter((n) => n.includes(".tmp"));
  if (!existsSync(file)) return { serial: 0, pending: 0, instances: 0, lockLeft: names.includes(".terraform.tfstate.lock.info"), tempFiles };
  const s = JSON.parse(readFileSync(file, "utf8")) as { serial: number; resources: { instances: unknown[] }[]; oslogin_pending_creates?: Record<string, unknown> };
  return {
    serial: s.serial,
    pending: Object.keys(s.oslogin_pending_creates ?? {}).length,
    instances: s.resources.reduce((n, r) => n + r.instances.length, 0),
    lockLeft: names.includes(".terraform.tfstate.lock.info"),
    tempFiles,
  };
}

export interface CloudFacts {
  serviceAccounts: number;
  instances: number;
  profiles: number;
  authorizedKeys: number;
  sshKeys: number;
  bindings: number;
  /** Every way the cloud differs from the declared fleet (empty = exactly as declared). */
  problems: string[];
}

const name = (prefix: string, i: number) => `${prefix}-${String(i).padStart(5, "0")}`;

/**
 * Counts the fleet's objects through the cloud's API and compares them with what the fleet
 * declares (`present`), or with nothing at all (after destroy).
 */
export async function cloudFacts(fleet: Fleet, dataDir: string, present = true): Promise<CloudFacts> {
  const model = CloudModel.open({ dataDir });
  try {
    return await inspect(new InProcessCloudClient(model), fleet, present);
  } finally {
    model.close();
  }
}

async function inspect(cloud: CloudClient, fleet: Fleet, present: boolean): Promise<CloudFacts> {
  const problems: string[] = [];
  const accounts = (await listAll((t) => cloud.listServiceAccounts({ folderId: SEED.folderId, pageToken: t, pageSize: 1000 }))).filter((a) => a.name.startsWith("fleet-sa-"));
  const vms = (await listAll((t) => cloud.listInstances({ folderId: SEED.folderId, pageToken: t, pageSize: 1000 }))).filter((v) => v.name.startsWith("fleet-vm-"));
  const profiles = await listAll((t) => cloud.listOsLoginProfiles({ organizationId: SEED.organizationId, pageToken: t, pageSize: 1000n }));
  const accountByName = new Map<string, string>();
  for (const a of accounts) {
    if (accountByName.has(a.name)) problems.push(`duplicate service account ${a.name}`);
    accountByName.set(a.name, a.id);
  }
  const vmByName = new Map<string, string>();
  for (const v of vms) {
    if (vmByName.has(v.name)) problems.push(`duplicate VM ${v.name}`);
    vmByName.set(v.name, v.id);
  }
  const accountIds = new Set(accounts.map((a) => a.id));
  const fleetProfiles = profiles.filter((p) => accountIds.has(p.subjectId) || p.login.startsWith("fleet-sa-"));
  let authorizedKeys = 0;
  let sshKeys = 0;
  let bindings = 0;
  for (const a of accounts) {
    const i = Number(a.name.slice("fleet-sa-".length));
    const declaredKey = i % fleet.keyEvery === 0;
    const keys = (await listAll((t) => cloud.listKeys({ serviceAccountId: a.id, pageToken: t, pageSize: 1000 }))).length;
    const ssh = (await listAll((t) => cloud.listUserSshKeys({ organizationId: SEED.organizationId, subjectId: a.id, pageToken: t, pageSize: 1000n }))).length;
    authorizedKeys += keys;
    sshKeys += ssh;
    if (!present) continue;
    if (keys !== (declaredKey ? 1 : 0)) problems.push(`${a.name}: ${keys} authorized keys, ${declaredKey ? 1 : 0} declared`);
    if (ssh !== (declaredKey ? 0 : 1)) problems.push(`${a.name}: ${ssh} SSH keys, ${declaredKey ? 0 : 1} declared`);
    const own = fleetProfiles.filter((p) => p.subjectId === a.id).length;
    if (own !== 1) problems.push(`${a.name}: ${own} OS Login profiles, 1 declared`);
  }
  for (const v of vms) {
    const b = await listAll((t) => cloud.listAccessBindings({ kind: "instance", id: v.id }, { pageToken: t }));
    bindings += b.length;
    if (!present) continue;
    const sa = accountByName.get(v.name.replace("fleet-vm-", "fleet-sa-"));
    if (b.length !== 1 || b[0].roleId !== "compute.osLogin" || b[0].subject.id !== sa) {
      problems.push(`${v.name}: bindings ${JSON.stringify(b.map((x) => `${x.roleId}:${x.subject.id}`))}, one compute.osLogin for its account declared`);
    }
  }
  if (present) {
    for (let i = 0; i < fleet.size; i++) {
      if (!accountByName.has(name("fleet-sa", i))) problems.push(`${name("fleet-sa", i)} missing`);
      if (!vmByName.has(name("fleet-vm", i))) problems.push(`${name("fleet-vm", i)} missing`);
    }
    if (accounts.length > fleet.size) problems.push(`${accounts.length} service accounts, ${fleet.size} declared`);
    if (vms.length > fleet.size) problems.push(`${vms.length} VMs, ${fleet.size} declared`);
    const orphanProfiles = fleetProfiles.filter((p) => !accountIds.has(p.subjectId));
    if (orphanProfiles.length) problems.push(`${orphanProfiles.length} fleet profiles of no fleet account`);
  } else {
    const left = accounts.length + vms.length + fleetProfiles.length + authorizedKeys + sshKeys + bindings;
    if (left) problems.push(`after destroy: ${accounts.length} accounts, ${vms.length} VMs, ${fleetProfiles.length} profiles, ${authorizedKeys} authorized keys, ${sshKeys} SSH keys, ${bindings} bindings left`);
  }
  return { serviceAccounts: accounts.length, instances: vms.length, profiles: fleetProfiles.length, authorizedKeys, sshKeys, bindings, problems };
}

export interface CaseResult {
  name: string;
  /** What was done to the first command. */
  interference: string;
  /** Its exit: code or signal. */
  exit: string;
  /** "Creation complete" lines it printed before it ended. */
  creations: number;
  /** The exits of the recovery commands, in order. */
  recovery: string;
  planExit: number | null;
  cloud: string;
  serials: number[];
  problems: string[];
}

const exitOf = (r: Run) => (r.signal ? r.signal : String(r.code));

/** Checks after the interrupted command: the lock and temp files, and (for signals) the exit code. */
function afterInterruption(dataDir: string, first: Run, expectCode: number | undefined, problems: string[]): number {
  const s = stateFacts(dataDir);
  if (expectCode !== undefined) {
    if (first.code !== expectCode) problems.push(`interrupted command exited ${exitOf(first)}, expected ${expectCode}`);
    if (s.lockLeft) problems.push("the interrupted command left the lock");
    if (s.tempFiles.length) problems.push(`the interrupted command left ${s.tempFiles.join(", ")}`);
    if (/\n\s+at .+:\d+:\d+\)?\n/.test(first.err)) problems.push(`a stack trace on stderr: ${first.err.slice(0, 300)}`);
  }
  return s.serial;
}

/** After recovery: the plan is empty, the cloud exact, the state clean. */
async function verify(fleet: Fleet, dataDir: string, present: boolean, problems: string[]): Promise<{ planExit: number | null; cloud: CloudFacts; serial: number }> {
  let planExit: number | null = null;
  if (present) {
    const plan = await oslogin(fleet, dataDir, ["plan", "--detailed-exitcode"]);
    planExit = plan.code;
    if (plan.code !== 0) problems.push(`plan --detailed-exitcode exited ${exitOf(plan)}: ${plan.out.split("\n").filter((l) => l.includes("#")).slice(0, 3).join(" | ")}${plan.err.slice(0, 300)}`);
  }
  const s = stateFacts(dataDir);
  if (s.pending) problems.push(`${s.pending} pending creates left in state`);
  if (s.lockLeft) problems.push("lock left");
  if (s.tempFiles.length) problems.push(`temp files left: ${s.tempFiles.join(", ")}`);
  if (!present && s.instances) problems.push(`${s.instances} instances left in state after destroy`);
  const cloud = await cloudFacts(fleet, dataDir, present);
  problems.push(...cloud.problems);
  return { planExit, cloud, serial: s.serial };
}

function serialsGrow(serials: number[], problems: string[]): void {
  for (let i = 1; i < serials.length; i++) if (serials[i] < serials[i - 1]) problems.push(`state serial went down: ${serials.join(" -> ")}`);
}

const describeCloud = (c: CloudFacts) => `${c.serviceAccounts} SA, ${c.instances} VM, ${c.profiles} prof, ${c.authorizedKeys} AK, ${c.sshKeys} SSH, ${c.bindings} bind`;

function describeInterference(i: Interference): string {
  switch (i.kind) {
    case "none":
      return "none";
    case "kill-after-creations":
      return `${i.signal} after creation #${i.n}`;
    case "kill-after-ms":
      return `SIGKILL at ${i.ms} ms`;
    case "close-stdout-after-lines":
      return `stdout closed after ${i.n} lines`;
  }
}

/** apply, interfered with; then recover with apply (or with two concurrent applies), check. */
export async function applyCase(
  fleet: Fleet,
  name: string,
  interference: Interference,
  opts: { concurrentRecoveries?: boolean } = {},
): Promise<CaseResult> {
  const dataDir = freshDataDir(fleet, name);
  const problems: string[] = [];
  const first = await oslogin(fleet, dataDir, ["apply", "--auto-approve"], interference);
  const expectCode =
    interference.kind === "kill-after-creations" && interference.signal !== "SIGKILL" ? 130 : interference.kind === "close-stdout-after-lines" ? 141 : undefined;
  const serials = [afterInterruption(dataDir, first, expectCode, problems)];
  let recovery: Run[];
  if (opts.concurrentRecoveries) {
    // Two recoveries at once: one holds the lock, the other waits for it, then finds nothing to do.
    recovery = await Promise.all([0, 1].map(() => oslogin(fleet, dataDir, ["apply", "--auto-approve", "--lock-timeout", "10m"])));
  } else {
    recovery = [await oslogin(fleet, dataDir, ["apply", "--auto-approve"])];
  }
  for (const r of recovery) if (r.code !== 0) problems.push(`recovery apply exited ${exitOf(r)}: ${r.err.slice(0, 400)}`);
  serials.push(stateFacts(dataDir).serial);
  const v = await verify(fleet, dataDir, true, problems);
  serials.push(v.serial);
  return row(name, interference, first, recovery.map(exitOf).join("+"), v, serials, problems);
}

function row(name: string, interference: Interference, first: Run, recovery: string, v: { planExit: number | null; cloud: CloudFacts }, serials: number[], problems: string[]): CaseResult {
  serialsGrow(serials, problems);
  return {
    name,
    interference: describeInterference(interference),
    exit: exitOf(first),
    creations: first.creations,
    recovery,
    planExit: v.planExit,
    cloud: describeCloud(v.cloud),
    serials,
    problems,
  };
}

/** apply killed; destroy must remove everything (pending creates included); apply again must converge. */
export async function destroyCase(fleet: Fleet, name: string, interference: Interference): Promise<CaseResult> {
  const dataDir = freshDataDir(fleet, name);
  const problems: string[] = [];
  const first = await oslogin(fleet, dataDir, ["apply", "--auto-approve"], interference);
  const serials = [afterInterruption(dataDir, first, undefined, problems)];
  const destroy = await oslogin(fleet, dataDir, ["destroy", "--auto-approve"]);
  if (destroy.code !== 0) problems.push(`destroy exited ${exitOf(destroy)}: ${destroy.err.slice(0, 400)}`);
  if (destroy.err.includes("no longer declares")) problems.push("destroy warned that the configuration no longer declares a pending create");
  const gone = await verify(fleet, dataDir, false, problems);
  serials.push(gone.serial);
  const again = await oslogin(fleet, dataDir, ["apply", "--auto-approve"]);
  if (again.code !== 0) problems.push(`apply after destroy exited ${exitOf(again)}: ${again.err.slice(0, 400)}`);
  const v = await verify(fleet, dataDir, true, problems);
  serials.push(v.serial);
  return row(name, interference, first, `destroy ${exitOf(destroy)} (left: ${describeCloud(gone.cloud)}), apply ${exitOf(again)}`, v, serials, problems);
}

/** Kill points spread over a whole apply: after the N-th creation for `count` values of N. */
export function spreadPoints(total: number, count: number): number[] {
  const points = new Set<number>();
  for (let i = 0; i < count; i++) points.add(Math.max(1, Math.round(((i + 1) * total) / count)));
  return [...points];
}

export function markdownTable(rows: CaseResult[]): string {
  const head = "| # | case | interference | first exit | creations seen | recovery exit | plan exit | cloud after recovery | serials | result |";
  const sep = "|---|---|---|---|---|---|---|---|---|---|";
  const lines = rows.map(
    (r, i) =>
      `| ${i + 1} | ${r.name} | ${r.interference} | ${r.exit} | ${r.creations} | ${r.recovery} | ${r.planExit ?? "-"} | ${r.cloud} | ${r.serials.join("→")} | ${r.problems.length ? `FAIL: ${r.problems.join("; ").replace(/\|/g, "/")}` : "ok"} |`,
  );
  return [head, sep, ...lines].join("\n");
}
