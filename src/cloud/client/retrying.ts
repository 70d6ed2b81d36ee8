// A CloudClient that converges on an imperfect cloud: every call that fails with a code meaning "try
// again" (UNAVAILABLE, RESOURCE_EXHAUSTED, ABORTED, DEADLINE_EXCEEDED) is retried with exponential
// backoff and full jitter, waiting at least what the server's RetryInfo asks for. Every mutation
// carries an idempotency key (the caller's, else a fresh one for this call) that stays the same
// across its retries, so a create that happened before a DEADLINE_EXCEEDED is answered with its first
// Operation when retried instead of making a second object.
import { randomUUID } from "node:crypto";
import { CloudError, isCloudError, isOperationTimeout } from "../../contract/errors.js";
import { isMutating, MUTATING_METHODS, type CallOptions, type CloudClient } from "../../contract/cloud-client.js";

export interface RetryOptions {
  /** Tries per call, the first included (default 6: at most ~3 s of backoff before giving up). */
  attempts?: number;
  /** The first backoff's ceiling (default 100 ms); it doubles per try up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Told about each retry (the CLI prints them with --verbose; tests count them). */
  onRetry?: (e: { method: string; attempt: number; delayMs: number; code: string }) => void;
  /** Injectable for tests: [0, 1). */
  random?: () => number;
}

const RETRYABLE = new Set(["UNAVAILABLE", "RESOURCE_EXHAUSTED", "ABORTED", "DEADLINE_EXCEEDED"]);

/** KeyService.Create replayed by key: the key exists, its private key was in the answer that was lost. */
const KEY_ALREADY_CREATED = /^Key "([^"]+)" was already created with this idempotency key/;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function retrying(inner: CloudClient, opts: RetryOptions = {}): CloudClient {
  const attempts = opts.attempts ?? 6;
  const base = opts.baseDelayMs ?? 100;
  const max = opts.maxDelayMs ?? 5000;
  const random = opts.random ?? Math.random;

  async function call(method: string, args: unknown[]): Promise<unknown> {
    const fn = (inner as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method];
    if (isMutating(method)) args = withKey(args, MUTATING_METHODS[method], randomUUID());
    let sawDeadline = false;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn.apply(inner, args);
      } catch (e) {
        const code = isCloudError(e) ? e.code : undefined;
        const orphan = method === "createKey" && sawDeadline && code === "ALREADY_EXISTS" ? KEY_ALREADY_CREATED.exec((e as Error).message)?.[1] : undefined;
        if (orphan) {
          // The first try made the key but its answer (the only copy of the private key) was lost:
          // delete that key and make a new one under a new idempotency key, leaving no orphan.
          await call("deleteKey", [orphan]);
          args = withKey(args, MUTATING_METHODS.createKey, randomUUID(), true);
          sawDeadline = false;
          continue;
        }
        // A delete whose first try was made before its answer was lost: where the service checks
        // existence before the idempotency key, the retry finds nothing, which is what was wanted.
        if (code === "NOT_FOUND" && sawDeadline && method.startsWith("delete")) return undefined;
        // An operation awaited past its time limit is not the server failing: retrying would only
        // wait on the same operation again, beyond the limit the caller set.
        if (!code || !RETRYABLE.has(code) || isOperationTimeout(e) || attempt >= attempts) throw e;
        if (code === "DEADLINE_EXCEEDED") sawDeadline = true;
        const backoff = Math.round(random() * Math.min(max, base * 2 ** (attempt - 1)));
        const delayMs = Math.max(backoff, (e as CloudError).retryAfterMs ?? 0);
        opts.onRetry?.({ method, attempt, delayMs, code });
        await sleep(delayMs);
      }
    }
  }

  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof prop !== "string" || typeof value !== "function" || prop === "close") return value;
      return (...args: unknown[]) => call(prop, args);
    },
  });
}

/** The arguments with CallOptions at `index` carrying an idempotency key (the caller's wins unless `replace`). */
function withKey(args: unknown[], index: number, fresh: string, replace = false): unknown[] {
  const out = [...args];
  const given = (out[index] as CallOptions | undefined) ?? {};
  out[index] = { ...given, idempotencyKey: replace ? fresh : (given.idempotencyKey ?? fresh) };
  return out;
}
