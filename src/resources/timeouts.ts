// Terraform's `timeouts { create = "10m" ... }` block, for the resource types whose real provider
// has one: how long a create, update or delete may await the cloud's Operation. One helper declares
// the block in a definition's schema (so the engine, the terraform provider's schema and the
// generated constructs all get it), and defineResource() wraps such a definition so that every
// mutation it makes is awaited within the time left, and the block's value carries from config into
// state (it is the user's setting, never the cloud's). docs/timeouts.md says what users see.
import type { CloudClient } from "../contract/cloud-client.js";
import { MUTATING_METHODS, isMutating, type CallOptions } from "../contract/cloud-client.js";
import { CloudError, isOperationTimeout } from "../contract/errors.js";
import type { Diagnostic, NestedBlockSchema, ObjectValue, ResourceContext, ResourceDefinition, Value } from "./define.js";
import { isUnknown } from "./define.js";

export type TimeoutOperation = "create" | "read" | "update" | "delete";

/** The operations a timeouts block names, with the limit used when the config sets none (undefined: the client's default). */
export type TimeoutDefaults = Partial<Record<TimeoutOperation, string | undefined>>;

/**
 * The `timeouts` block: at most one, each operation an optional Go duration string ("30s", "5m",
 * "1h30m"). `read` is accepted where the real provider accepts it, for configs written for it; a
 * read is a plain Get with no Operation to await, so it limits nothing here.
 */
export function timeoutsBlock(defaults: TimeoutDefaults): NestedBlockSchema {
  const attributes: NestedBlockSchema["block"]["attributes"] = {};
  for (const [op, dflt] of Object.entries(defaults) as [TimeoutOperation, string | undefined][]) {
    const limit = op === "read" ? "accepted for compatibility; a read awaits no operation" : dflt ? `default ${dflt}` : "default: the client's (60s)";
    attributes[op] = { type: { kind: "string" }, optional: true, description: `Time limit for the ${op}, e.g. "30s", "10m", "1h30m" (${limit}).` };
  }
  return {
    nesting: "list",
    maxItems: 1,
    description: "Time limits for awaiting the cloud's operations.",
    block: { attributes },
  };
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration ("300ms", "1.5h", "2h45m") in milliseconds, or undefined when it is not one. */
export function parseGoDuration(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * UNIT_MS[m[2]];
  return ms;
}

/** Errors for timeouts values that are not positive durations, each naming its attribute path. */
export function checkTimeouts(config: ObjectValue): Diagnostic[] {
  const block = firstBlock(config);
  if (!block) return [];
  const out: Diagnostic[] = [];
  for (const [op, v] of Object.entries(block)) {
    if (v === null || isUnknown(v)) continue;
    const ms = typeof v === "string" ? parseGoDuration(v) : undefined;
    if (ms === undefined || ms <= 0) {
      out.push({
        severity: "error",
        summary: "Invalid timeout",
        detail: `timeouts.${op} must be a duration longer than zero: a number and a unit (ns, us, ms, s, m, h), e.g. "30s", "10m" or "1h30m"; got ${JSON.stringify(v)}`,
        path: ["timeouts", 0, op],
      });
    }
  }
  return out;
}

function firstBlock(value: ObjectValue): ObjectValue | undefined {
  const t = value.timeouts;
  return Array.isArray(t) && t.length > 0 && t[0] !== null && typeof t[0] === "object" && !isUnknown(t[0]) ? (t[0] as ObjectValue) : undefined;
}

/** The limit for `op` as the value sets it, else the type's default: [milliseconds, as written]. */
function limitOf(value: ObjectValue, op: TimeoutOperation, defaults: TimeoutDefaults): [number, string] | undefined {
  const set = firstBlock(value)?.[op];
  const text = typeof set === "string" ? set : defaults[op];
  const ms = text === undefined ? undefined : parseGoDuration(text);
  return ms === undefined || text === undefined ? undefined : [ms, text];
}

/**
 * A client whose mutations await their Operation for at most what is left of `limitMs` since this
 * call; an operation still running at the end is an error naming the resource type, the operation
 * and the timeout as written.
 */
function timedClient(cloud: CloudClient, type: string, op: TimeoutOperation, limitMs: number, written: string): CloudClient {
  const deadline = Date.now() + limitMs;
  const timedOut = (operationId: string | undefined) =>
    new TimedOutError(
      `${type}: ${op} did not finish within timeouts.${op} = ${JSON.stringify(written)}` +
        (operationId ? `; operation ${operationId} is still running in the cloud` : ""),
      operationId,
    );
  return new Proxy(cloud, {
    get(target, prop, receiver) {
      const fn = Reflect.get(target, prop, receiver);
      if (typeof prop !== "string" || typeof fn !== "function" || !isMutating(prop)) return fn;
      return async (...args: unknown[]) => {
        const left = deadline - Date.now();
        if (left <= 0) throw timedOut(undefined);
        const at = MUTATING_METHODS[prop];
        const given = (args[at] as CallOptions | undefined) ?? {};
        const withLimit = [...args];
        withLimit[at] = { ...given, operationTimeoutMs: Math.max(1, Math.min(given.operationTimeoutMs ?? Infinity, left)) };
        try {
          return await (fn as (...a: unknown[]) => Promise<unknown>).apply(target, withLimit);
        } catch (e) {
          throw isOperationTimeout(e) ? timedOut(e.operationId) : e;
        }
      };
    },
  });
}

/**
 * A resource's operation outlived its `timeouts` entry. Still DEADLINE_EXCEEDED (the engine keeps a
 * create's idempotency key for it, so the next apply adopts the object that operation makes instead
 * of creating a second one), and never retried.
 */
export class TimedOutError extends CloudError {
  constructor(
    message: string,
    readonly operationId: string | undefined,
  ) {
    super("DEADLINE_EXCEEDED", message);
    this.name = "TimedOutError";
  }
}

const withTimeout = (ctx: ResourceContext, type: string, value: ObjectValue, op: TimeoutOperation, defaults: TimeoutDefaults): ResourceContext => {
  const limit = limitOf(value, op, defaults);
  return limit ? { ...ctx, cloud: timedClient(ctx.cloud, type, op, limit[0], limit[1]) } : ctx;
};

/** The timeouts block of `from` on `result` (results come from the cloud, which knows nothing of it). */
const carry = (result: ObjectValue, from: ObjectValue): ObjectValue => ({ ...result, timeouts: (from.timeouts ?? []) as Value });

/**
 * The definition with a timeouts block in its schema, its mutations awaited within the block's
 * limits and the block kept in state. defineResource() applies it to every definition that declares
 * `timeouts`.
 */
export function withTimeouts(def: ResourceDefinition, defaults: TimeoutDefaults): ResourceDefinition {
  const { create, read, readMany, update, delete: del, check } = def;
  return {
    ...def,
    schema: { ...def.schema, blocks: { ...def.schema.blocks, timeouts: timeoutsBlock(defaults) } },
    check: (config, provider) => [...checkTimeouts(config), ...(check ? check(config, provider) : [])],
    create: async (ctx, config) => carry(await create(withTimeout(ctx, def.type, config, "create", defaults), config), config),
    read: async (ctx, state) => {
      const now = await read(ctx, state);
      return now && carry(now, state);
    },
    readMany: readMany && (async (ctx, states) => (await readMany(ctx, states)).map((now, i) => now && carry(now, states[i]))),
    // Every update makes no call when nothing but the limits changed.
    update: update && (async (ctx, prior, config) => carry(await update(withTimeout(ctx, def.type, config, "update", defaults), prior, config), config)),
    delete: (ctx, state) => del(withTimeout(ctx, def.type, state, "delete", defaults), state),
  };
}
