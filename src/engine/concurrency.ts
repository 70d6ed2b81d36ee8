// The engine's only concurrency tools: the limiter (the --parallelism cap shared by refresh and
// apply; --refresh-parallelism gives the refresh's reads one of their own) and retry with
// exponential backoff for the transient cloud codes.
import { isCloudError } from "../contract/errors.js";

export class Limiter {
  private active = 0;
  private queue: (() => void)[] = [];

  constructor(readonly max: number) {}

  /** `first`: ahead of everything waiting (a chain of round trips that would otherwise end last). */
  async run<T>(fn: () => Promise<T>, first = false): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => (first ? this.queue.unshift(r) : this.queue.push(r)));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

/** Codes that mean "try again later" rather than "this request is wrong". */
const TRANSIENT = new Set(["UNAVAILABLE", "RESOURCE_EXHAUSTED"]);

export function transientCode(e: unknown): string | undefined {
  if (isCloudError(e) && TRANSIENT.has(e.code)) return e.code;
  // The SDK's gRPC errors carry a numeric code: 14 UNAVAILABLE, 8 RESOURCE_EXHAUSTED.
  const code = typeof e === "object" && e !== null ? (e as { code?: unknown }).code : undefined;
  if (code === 14) return "UNAVAILABLE";
  if (code === 8) return "RESOURCE_EXHAUSTED";
  return undefined;
}

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 100 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function withRetry<T>(
  fn: () => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (attempt: number, delayMs: number, code: string) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const code = transientCode(e);
      if (!code || attempt >= policy.attempts) throw e;
      // Full jitter keeps many parallel retries from hitting the API in lockstep.
      const delay = Math.round(policy.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
      onRetry?.(attempt, delay, code);
      await sleep(delay);
    }
  }
}
