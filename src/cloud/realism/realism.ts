// What the realistic mode decides for each call, shared by the gRPC server's interceptor and the
// in-process client: how long the call takes, whether it fails (and how), which operations still
// look unfinished, which instances are still PROVISIONING, and who is over their rate limit.
// Every draw comes from (seed, method, how many calls of that method came before), so the same
// sequence of calls meets the same latencies and faults again: a failure can be replayed.
import { createHash } from "node:crypto";
import { CloudError } from "../../contract/errors.js";
import type { FaultKind, RealismOptions } from "./options.js";

export interface CallPlan {
  /** Wait this long before the call is handled. */
  delayMs: number;
  /** Answer this instead of handling the call (nothing is changed). */
  before?: CloudError;
  /** Handle the call (the change is made), then answer this instead of its result. */
  after?: CloudError;
}

/** A 32-bit mix (the murmur3 finalizer): a well-spread number from seed, method and call index. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class Realism {
  private readonly callsPerMethod = new Map<string, number>();
  /** Operation id -> when it is done (ms since epoch). */
  private readonly pendingOperations = new Map<string, number>();
  /** Instance id -> when its create operation is done: until then it is PROVISIONING. */
  private readonly provisioning = new Map<string, number>();
  /** Caller -> the current one-second window and how many calls it made in it. */
  private readonly windows = new Map<string, { start: number; calls: number }>();

  constructor(
    readonly options: RealismOptions,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Three uniform draws in [0, 1) for the n-th call of `method`, and n. */
  private draws(method: string): [number, number, number, number] {
    const n = this.callsPerMethod.get(method) ?? 0;
    this.callsPerMethod.set(method, n + 1);
    const base = mix(this.options.seed ^ hashString(method)) ^ mix(n + 0x9e3779b9);
    const u = (i: number) => mix(base + Math.imul(i, 0x632be5ab)) / 2 ** 32;
    return [u(1), u(2), u(3), n];
  }

  /** The plan for one call. `callerKey` tells callers apart for the rate limit (never stored). */
  plan(method: string, callerKey: string, mutation: boolean): CallPlan {
    const o = this.options;
    const [jitter, fault, kind, n] = this.draws(method);
    const plan: CallPlan = { delayMs: o.latencyMs + Math.floor(jitter * (o.jitterMs + 1)) };
    const limited = this.overLimit(callerKey);
    if (limited !== undefined) {
      plan.before = exhausted(`Rate limit exceeded: at most ${o.rateLimitPerSecond} calls per second per caller`, limited);
      return plan;
    }
    if (o.faultKinds.length === 0 || (o.faultMethods && !o.faultMethods.test(method))) return plan;
    if (n >= o.faultFirstCalls && fault >= o.faultRate) return plan;
    const chosen: FaultKind = o.faultKinds[Math.floor(kind * o.faultKinds.length)];
    if (chosen === "unavailable") plan.before = new CloudError("UNAVAILABLE", "Service is temporarily unavailable (injected fault); retry");
    else if (chosen === "exhausted") plan.before = exhausted("Too many requests (injected fault)", o.retryAfterMs);
    // For a read, answering late changes nothing; for a mutation the change has been made.
    else plan.after = new CloudError("DEADLINE_EXCEEDED", `Deadline exceeded (injected fault${mutation ? ", after the change was made" : ""})`);
    return plan;
  }

  /** How long the caller must wait when over its limit, else undefined. */
  private overLimit(callerKey: string): number | undefined {
    const limit = this.options.rateLimitPerSecond;
    if (limit <= 0) return undefined;
    const key = createHash("sha256").update(callerKey).digest("base64");
    const now = this.clock();
    let w = this.windows.get(key);
    if (!w || now - w.start >= 1000) this.windows.set(key, (w = { start: now, calls: 0 }));
    w.calls++;
    return w.calls > limit ? 1000 - (now - w.start) : undefined;
  }

  /**
   * A mutation's Operation was just answered: it stays unfinished for the configured time (the first
   * answer decides; a retried call with the same idempotency key sees the same operation).
   * `instanceId` marks the instance a create makes as PROVISIONING meanwhile.
   */
  operationStarted(operationId: string, instanceId?: string): void {
    if (this.options.operationMs <= 0 || this.pendingOperations.has(operationId)) return;
    const done = this.clock() + this.options.operationMs;
    this.pendingOperations.set(operationId, done);
    if (instanceId) this.provisioning.set(instanceId, done);
  }

  /** True while the operation should still look unfinished. */
  operationPending(operationId: string): boolean {
    return this.until(this.pendingOperations, operationId);
  }

  /** True while the instance's create operation is unfinished. */
  instanceProvisioning(instanceId: string): boolean {
    return this.until(this.provisioning, instanceId);
  }

  /** Whether `id`'s time in `map` is still to come; a passed one is forgotten. */
  private until(map: Map<string, number>, id: string): boolean {
    const done = map.get(id);
    if (done === undefined) return false;
    if (this.clock() < done) return true;
    map.delete(id);
    return false;
  }
}

function exhausted(message: string, retryAfterMs: number): CloudError {
  const e = new CloudError("RESOURCE_EXHAUSTED", message);
  e.retryAfterMs = Math.max(1, Math.round(retryAfterMs));
  return e;
}

export const sleep = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve());
