// What the engine commands (plan, apply, destroy, refresh, import, state, output, force-unlock,
// quickstart) share: their common flags, opening the cloud (embedded in process on the data dir,
// or a running `oslogin serve` through the SDK with --endpoint), and an Engine wired to hooks
// that print progress. Only src/cli prints.
import { existsSync } from "node:fs";
import path from "node:path";
import type { CloudClient } from "../contract/cloud-client.js";
import { Engine } from "../engine/engine.js";
import type { StateBackend } from "../engine/state/backend.js";
import type { EngineHooks } from "../engine/types.js";
import { findDefinition } from "../resources/registry.js";
import { bool, int, str, trueFalse, UsageError, type FlagSpec, type ParsedArgs } from "./args.js";
import { makeStyle, type Style } from "./render/style.js";
import type { State } from "../engine/state/state.js";
import { CliError } from "./errors.js";
import { checkEndpoint, requireDataDir, requireOrganizations, resolveStack, stackOrganizations, notSeeded } from "./checks.js";

export const DEFAULT_DATA_DIR = ".oslogin";
export const DEFAULT_OUT_DIR = "cdktf.out";
const DEFAULT_REFRESH_PARALLELISM = 100;

export const COMMON_FLAGS: Record<string, FlagSpec> = {
  stack: { value: true },
  "data-dir": { value: true },
  "out-dir": { value: true },
  endpoint: { value: true },
  cloud: { value: true },
  "service-account-key-file": { value: true },
  parallelism: { value: true },
  "refresh-parallelism": { value: true },
  "lock-timeout": { value: true },
  lock: {},
  json: {},
  "no-color": {},
};

/** plan, apply, destroy and refresh: their progress as terraform-style JSON events. */
export const JSON_EVENTS_FLAG: Record<string, FlagSpec> = { "json-events": {} };

export const JSON_EVENTS_HELP = `  --json-events      progress and results as JSON events, one object per line, in terraform's
                     -json message format (version, planned_change, apply_start, apply_progress,
                     apply_complete, change_summary, outputs, diagnostic...; docs/progress.md);
                     --json instead prints one result object at the end`;

export const COMMON_HELP = `Common flags:
  --stack NAME        the stack to use (default: the only stack in cdktf.out)
  --data-dir D        where the embedded cloud lives, D/cloud.db (default: ${DEFAULT_DATA_DIR}); the
                      state is where the stack's backend says (cdktf's local backend:
                      terraform.<stack>.tfstate in the project, shared with cdktf deploy),
                      or D/stacks/<stack>/terraform.tfstate for a stack with no backend
  --out-dir D         the synth output with manifest.json (default: ${DEFAULT_OUT_DIR})
  --endpoint H:P      talk to a running "oslogin serve" over gRPC (TLS, the official SDK)
                      instead of the embedded cloud (with --cloud yandex: one gateway
                      endpoint for every service)
  --cloud yandex      the real cloud: each service at its API host, system CAs (plus
                      NODE_EXTRA_CA_CERTS / SSL_CERT_FILE) trusted, signed in with
                      --service-account-key-file (or YC_SERVICE_ACCOUNT_KEY_FILE, or YC_TOKEN)
  --service-account-key-file F
                      the authorized key (JSON) to sign in with, for --cloud yandex
  --parallelism N     at most N cloud calls at once (default: 10)
  --refresh-parallelism N
                      at most N reads at once while refreshing (default: --parallelism
                      when given, else 100); refresh waits on round trips, so a distant
                      cloud rewards more
  --lock-timeout DUR  wait this long for the state lock, e.g. 30s, 2m (default: 0s)
  -lock=false         do not take the state lock (warns): dangerous if others might run
                      commands against the same state at the same time
  --json              machine-readable output
  --no-color          never colour (colour is only used on a terminal anyway)`;

export interface Session {
  engine: Engine;
  cloud: CloudClient;
  dataDir: string;
  outDir: string;
  stack: string;
  json: boolean;
  /** --json-events (plan, apply, destroy, refresh): terraform-style JSON events, one per line. */
  events: boolean;
  style: Style;
  /** The literal organization ids the stack's providers name (empty for state commands). */
  organizations: string[];
  close(): Promise<void>;
}

/** "30s", "2m", "500ms", "0" -> milliseconds. */
export function parseDuration(flag: string, v: string | undefined): number {
  if (v === undefined) return 0;
  const m = /^(\d+)(ms|s|m|h)?$/.exec(v.trim());
  if (!m) throw new UsageError(`--${flag} must be a duration like 30s, 2m or 500ms, got ${JSON.stringify(v)}`);
  const n = Number(m[1]);
  return n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? "s") as "ms" | "s" | "m" | "h"];
}

/** Where the cloud is: the embedded one (default), a local `oslogin serve` (--endpoint), or the real one. */
export interface CloudTarget {
  endpoint?: string;
  /** "yandex": the real cloud's endpoints (or `endpoint` as a gateway), signed in as a service account. */
  cloud?: string;
  serviceAccountKeyFile?: string;
}

export async function openCloud(dataDir: string, target: CloudTarget | string | undefined): Promise<{ cloud: CloudClient; close: () => Promise<void> }> {
  const t: CloudTarget = typeof target === "string" ? { endpoint: target } : (target ?? {});
  if (t.endpoint !== undefined) checkEndpoint(t.endpoint);
  // Every client converges on an imperfect cloud: transient failures retried, mutations keyed.
  const { retrying } = await import("../cloud/client/retrying.js");
  if (t.cloud !== undefined) {
    if (t.cloud !== "yandex") throw new UsageError(`--cloud must be yandex (the real cloud's endpoints), got ${JSON.stringify(t.cloud)}`);
    const grpc = await openYandexCloud(t.endpoint, t.serviceAccountKeyFile);
    return { cloud: retrying(grpc), close: () => grpc.close() };
  }
  if (t.endpoint) {
    // A running `oslogin serve` on this data dir: its TLS certificate and admin token are read from it.
    const { openGrpcCloudClient } = await import("../cloud/client/grpc.js");
    const grpc = await openGrpcCloudClient({ endpoint: t.endpoint, dataDir });
    return { cloud: retrying(grpc), close: () => grpc.close() };
  }
  const { CloudModel } = await import("../cloud/model/cloud-model.js");
  const { InProcessCloudClient } = await import("../cloud/client/inprocess.js");
  // Group commit: the engine keeps up to --parallelism calls in flight; each resolves once on disk.
  const model = CloudModel.open({ dataDir, groupCommit: true });
  const { embeddedWithRealism } = await import("../cloud/realism/embedded.js");
  const inProcess = new InProcessCloudClient(model);
  return {
    cloud: retrying(embeddedWithRealism(inProcess)),
    close: async () => {
      await inProcess.close();
      await model.closeWhenIdle();
    },
  };
}

/** The real cloud as a service account (key file from the flag or YC_SERVICE_ACCOUNT_KEY_FILE), or with YC_TOKEN. */
async function openYandexCloud(gateway: string | undefined, keyFileFlag: string | undefined) {
  const { GrpcCloudClient } = await import("../cloud/client/grpc.js");
  const keyFile = keyFileFlag ?? process.env.YC_SERVICE_ACCOUNT_KEY_FILE;
  if (keyFile) {
    const { readAuthorizedKeyFile } = await import("../contract/key-file.js");
    let key;
    try {
      key = readAuthorizedKeyFile(keyFile);
    } catch (e) {
      throw new UsageError(`--service-account-key-file ${keyFile}: ${(e as Error).message}`);
    }
    return GrpcCloudClient.fromAuthorizedKey({ endpoint: gateway, keyFile: key });
  }
  const token = process.env.YC_TOKEN;
  if (token) return new GrpcCloudClient({ endpoint: gateway, iamToken: token });
  throw new UsageError("--cloud yandex needs credentials: --service-account-key-file FILE (or YC_SERVICE_ACCOUNT_KEY_FILE), or YC_TOKEN");
}

/**
 * What a command needs before it opens the cloud: "config" commands (plan, apply, destroy, refresh,
 * import) a synthesized stack whose organizations are in the cloud; "state" commands (state rm/mv,
 * force-unlock) a stack with state in an existing data directory. Both are checked before anything
 * is created (src/cli/checks.ts).
 */
export type SessionNeeds = "config" | "state";

export interface SessionBase {
  dataDir: string;
  outDir: string;
  stack: string;
  json: boolean;
  events: boolean;
  style: Style;
}

/** Flags, style and the checked stack, without opening the cloud (what read-only state commands use). */
export function sessionBase(args: ParsedArgs, needs: SessionNeeds): SessionBase {
  const dataDir = path.resolve(str(args, "data-dir") ?? DEFAULT_DATA_DIR);
  const outDir = path.resolve(str(args, "out-dir") ?? DEFAULT_OUT_DIR);
  const json = bool(args, "json");
  const events = bool(args, "json-events");
  if (json && events) throw new UsageError("--json and --json-events exclude each other: --json prints one result object at the end, --json-events a stream of events");
  const style = makeStyle(!bool(args, "no-color") && !json && !events && process.stdout.isTTY === true && !process.env.NO_COLOR);
  if (needs === "state") requireDataDir(dataDir);
  const stack = resolveStack({ outDir, dataDir, stack: str(args, "stack"), stateOnly: needs === "state" });
  return { dataDir, outDir, stack, json, events, style };
}

/** The stack's state, read without the lock and without opening the cloud (state list/show, output, access). */
export async function readStackState(base: SessionBase): Promise<State> {
  const backend = await stateBackendOf(base);
  const st = await backend.read();
  if (typeof st === "string") throw new CliError(`cannot read the state: ${st}`);
  return st;
}

/**
 * --parallelism (default 10) caps every cloud call; --refresh-parallelism the refresh's reads. Reads
 * change nothing and mostly wait on round trips, so with neither flag they get a wider cap than
 * writes (at 50 ms per call, a 10k-resource no-op plan took 23.5 s at 10 and 4.1 s at 100). An
 * explicit --parallelism still caps them too, as terraform's one -parallelism does.
 */
export function parallelismCaps(args: ParsedArgs): { parallelism: number; refreshParallelism: number } {
  const parallelism = int(args, "parallelism", 10, 1, 1000);
  const readDefault = str(args, "parallelism") === undefined ? DEFAULT_REFRESH_PARALLELISM : parallelism;
  return { parallelism, refreshParallelism: int(args, "refresh-parallelism", readDefault, 1, 1000) };
}

export async function openSession(args: ParsedArgs, hooks: (style: Style, json: boolean, events: boolean) => EngineHooks = () => ({}), needs: SessionNeeds = "config"): Promise<Session> {
  const { parallelism, refreshParallelism } = parallelismCaps(args);
  const lockTimeoutMs = parseDuration("lock-timeout", str(args, "lock-timeout"));
  const lock = trueFalse(args, "lock", true);
  const base = sessionBase(args, needs);
  const endpoint = str(args, "endpoint");
  const cloudFlag = str(args, "cloud");
  const orgs = needs === "config" ? stackOrganizations(base.outDir, base.stack) : [];
  // No data directory yet means no organization in it: say so rather than create an empty cloud.
  if (!endpoint && !cloudFlag && orgs.length && !existsSync(base.dataDir)) throw notSeeded(orgs[0], { dataDir: base.dataDir });
  const { cloud, close } = await openCloud(base.dataDir, { endpoint, cloud: cloudFlag, serviceAccountKeyFile: str(args, "service-account-key-file") });
  try {
    if (needs === "config") await requireOrganizations(cloud, orgs, { dataDir: base.dataDir, endpoint });
  } catch (e) {
    await close();
    throw e;
  }
  const engine = new Engine({
    cloud,
    definitions: (type, kind) => findDefinition(type, kind),
    dataDir: base.dataDir,
    parallelism,
    refreshParallelism,
    lock,
    lockTimeoutMs,
    hooks: hooks(base.style, base.json, base.events),
  });
  return { ...base, engine, cloud, organizations: orgs, close };
}

/** Where the stack's state is: its backend (cdktf's local file), else the data directory. */
export async function stateBackendOf(base: SessionBase): Promise<StateBackend> {
  const { stackBackend } = await import("../engine/state/backend.js");
  const backend = stackBackend(base.outDir, base.dataDir, base.stack);
  if (typeof backend === "string") throw new CliError(backend);
  return backend;
}
