// The realistic mode's settings: one "key=value,key=value" spec, read from `oslogin serve
// --realism SPEC` and, for the cloud embedded in process (engine, terraform provider, inventory), from
// the OSLOGIN_REALISM environment variable. Durations take ms/s/m/h suffixes; a bare number is ms.
import { errors } from "../../contract/errors.js";

export const REALISM_ENV = "OSLOGIN_REALISM";

export type FaultKind = "unavailable" | "exhausted" | "deadline";
export const FAULT_KINDS: readonly FaultKind[] = ["unavailable", "exhausted", "deadline"];

export interface RealismOptions {
  /** Seeds every random choice (jitter, faults), so a failing run can be replayed. */
  seed: number;
  /** Added to every call before it is handled. */
  latencyMs: number;
  /** Up to this much more, drawn per call. */
  jitterMs: number;
  /** A mutation's Operation stays done: false this long (0 = done at once, as without realism). */
  operationMs: number;
  /** Probability that a call fails with one of faultKinds (0..1). */
  faultRate: number;
  /** Which faults are drawn (evenly). "deadline" answers DEADLINE_EXCEEDED after the change was made. */
  faultKinds: FaultKind[];
  /** The first N calls of each faulted method always fail (then faultRate applies): a fault on cue for tests. */
  faultFirstCalls: number;
  /** Only methods whose name matches this are faulted (gRPC path or client method name). */
  faultMethods?: RegExp;
  /** What RESOURCE_EXHAUSTED tells the client to wait (google.rpc.RetryInfo). */
  retryAfterMs: number;
  /** Lifetime of IAM tokens issued from now on (the real cloud's is 12 h). */
  tokenLifetimeSeconds?: number;
  /** Calls per second one caller may make (0 = unlimited); more are RESOURCE_EXHAUSTED with retry info. */
  rateLimitPerSecond: number;
}

export const NO_REALISM: RealismOptions = {
  seed: 1,
  latencyMs: 0,
  jitterMs: 0,
  operationMs: 0,
  faultRate: 0,
  faultKinds: [...FAULT_KINDS],
  faultFirstCalls: 0,
  retryAfterMs: 200,
  rateLimitPerSecond: 0,
};

/** Spec keys and what they set; `help` is what the CLI prints. */
const KEYS: Record<string, { help: string; set: (o: RealismOptions, v: string, key: string) => void }> = {
  seed: { help: "seed for every random choice (integer)", set: (o, v, k) => (o.seed = integer(k, v, 0, 2 ** 32 - 1)) },
  latency: { help: "fixed delay per call, e.g. 50ms", set: (o, v, k) => (o.latencyMs = duration(k, v)) },
  jitter: { help: "up to this much more per call, e.g. 20ms", set: (o, v, k) => (o.jitterMs = duration(k, v)) },
  operations: { help: "how long an operation stays done: false, e.g. 2s", set: (o, v, k) => (o.operationMs = duration(k, v)) },
  faults: { help: "fault probability per call, 0..1 (e.g. 0.05)", set: (o, v, k) => (o.faultRate = fraction(k, v)) },
  "fault-kinds": { help: "which faults: unavailable+exhausted+deadline", set: (o, v, k) => (o.faultKinds = kinds(k, v)) },
  "fault-first": { help: "the first N calls of each faulted method fail", set: (o, v, k) => (o.faultFirstCalls = integer(k, v, 0, 1_000_000)) },
  "fault-methods": { help: "only methods matching this regular expression are faulted", set: (o, v, k) => (o.faultMethods = regex(k, v)) },
  "retry-after": { help: "the retry delay RESOURCE_EXHAUSTED carries, e.g. 200ms", set: (o, v, k) => (o.retryAfterMs = duration(k, v)) },
  "token-lifetime": { help: "IAM token lifetime, e.g. 30s (the real cloud: 12h)", set: (o, v, k) => (o.tokenLifetimeSeconds = Math.max(1, Math.round(duration(k, v) / 1000))) },
  "rate-limit": { help: "calls per second per caller (0 = unlimited)", set: (o, v, k) => (o.rateLimitPerSecond = integer(k, v, 0, 1_000_000)) },
};

export const REALISM_SPEC_HELP = Object.entries(KEYS)
  .map(([k, { help }]) => `  ${k.padEnd(14)} ${help}`)
  .join("\n");

/** Parses "latency=50ms,jitter=20ms,faults=0.05,seed=7"; an empty spec is no realism. */
export function parseRealism(spec: string): RealismOptions {
  const o: RealismOptions = { ...NO_REALISM, faultKinds: [...NO_REALISM.faultKinds] };
  for (const part of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf("=");
    const key = eq < 0 ? part : part.slice(0, eq);
    const k = KEYS[key];
    if (!k) throw errors.invalidArgument(`realism ${key}`, `unknown setting; known: ${Object.keys(KEYS).join(", ")}`);
    if (eq < 0) throw errors.invalidArgument(`realism ${key}`, "needs a value (key=value)");
    k.set(o, part.slice(eq + 1).trim(), key);
  }
  return o;
}

/** True when the options change anything (the interceptors are skipped otherwise). */
export function isRealistic(o: RealismOptions): boolean {
  return o.latencyMs > 0 || o.jitterMs > 0 || o.operationMs > 0 || o.faultRate > 0 || o.faultFirstCalls > 0 || o.rateLimitPerSecond > 0 || o.tokenLifetimeSeconds !== undefined;
}

function duration(key: string, v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v);
  if (!m) throw errors.invalidArgument(`realism ${key}`, `must be a duration like 50ms, 2s or 1m, got ${JSON.stringify(v)}`);
  return Math.round(Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? "ms") as "ms"]);
}

function integer(key: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max) throw errors.invalidArgument(`realism ${key}`, `must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return n;
}

function fraction(key: string, v: string): number {
  const n = Number(v);
  if (v === "" || !Number.isFinite(n) || n < 0 || n > 1) throw errors.invalidArgument(`realism ${key}`, `must be a number from 0 to 1, got ${JSON.stringify(v)}`);
  return n;
}

function kinds(key: string, v: string): FaultKind[] {
  const out = v.split("+").map((s) => s.trim());
  for (const k of out) {
    if (!FAULT_KINDS.includes(k as FaultKind)) throw errors.invalidArgument(`realism ${key}`, `${JSON.stringify(k)} must be one of ${FAULT_KINDS.join(", ")}`);
  }
  return out as FaultKind[];
}

function regex(key: string, v: string): RegExp {
  try {
    return new RegExp(v);
  } catch {
    throw errors.invalidArgument(`realism ${key}`, `${JSON.stringify(v)} is not a valid regular expression`);
  }
}
