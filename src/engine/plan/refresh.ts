// Refresh: read every managed object in state from the cloud, by List where the type has readMany
// (one call per type and scope instead of one Get per object), and report drift separately.
import type { ObjectValue, ProviderConfig, ResourceDefinition } from "../../resources/define.js";
import { canonicalStateValue, completed, diffPaths } from "../../resources/plan.js";
import type { CloudClient } from "../../contract/cloud-client.js";
import { Limiter, withRetry, type RetryPolicy } from "../concurrency.js";
import { diagnosticFromError, errorAt, type EngineDiagnostic } from "../diagnostics.js";
import type { InstanceState, State } from "../state/state.js";
import type { DefinitionLookup, Drift, EngineHooks } from "../types.js";

export interface RefreshInput {
  cloud: CloudClient;
  state: State;
  definitions: DefinitionLookup;
  providers: Map<string, ProviderConfig>;
  limiter: Limiter;
  retry: RetryPolicy;
  hooks?: EngineHooks;
}

export interface RefreshResult {
  /** Address -> refreshed value (null = gone). Managed instances only. */
  values: Map<string, ObjectValue | null>;
  drift: Drift[];
  diagnostics: EngineDiagnostic[];
}

/** provider["registry.terraform.io/yandex-cloud/yandex"].west -> "yandex.west" */
export function providerKeyOf(providerAddr: string): string {
  // Every instance in state names its provider: a stack has a handful of distinct ones.
  let key = providerKeys.get(providerAddr);
  if (key === undefined) providerKeys.set(providerAddr, (key = parseProviderKey(providerAddr)));
  return key;
}
const providerKeys = new Map<string, string>();

function parseProviderKey(providerAddr: string): string {
  const m = /^provider\["([^"]+)"\](?:\.(.+))?$/.exec(providerAddr);
  if (!m) return providerAddr;
  const name = m[1].split("/").pop()!;
  return m[2] ? `${name}.${m[2]}` : name;
}

/**
 * The state value in the current schema version (older versions go through upgradeState), in our
 * value conventions whichever tool wrote it (terraform's int64 numbers become decimal strings).
 */
export function currentValue(def: ResourceDefinition, inst: InstanceState): ObjectValue {
  const raw = inst.schemaVersion < def.schemaVersion && def.upgradeState ? def.upgradeState(inst.schemaVersion, inst.attributes) : inst.attributes;
  return completed(def.schema, canonicalStateValue(def.schema, raw));
}

export async function refresh(input: RefreshInput): Promise<RefreshResult> {
  const { state, definitions, limiter } = input;
  const values = new Map<string, ObjectValue | null>();
  const diagnostics: EngineDiagnostic[] = [];
  const drift: Drift[] = [];
  // Group by type and provider configuration: each group is one readMany.
  const groups = new Map<string, { def: ResourceDefinition; providerKey: string; items: [string, InstanceState][] }>();
  let count = 0;
  for (const [addr, inst] of state.instances) {
    if (inst.mode !== "managed") continue;
    const def = definitions(inst.type, "resource");
    if (!def) {
      diagnostics.push(errorAt(addr, "Unknown resource type in state", `no definition for "${inst.type}"; it cannot be refreshed`));
      continue;
    }
    const providerKey = providerKeyOf(inst.provider);
    const k = `${inst.type} ${providerKey}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { def, providerKey, items: [] }));
    g.items.push([addr, inst]);
    count++;
  }
  const started = Date.now();
  input.hooks?.refreshStart?.(count);
  const tasks: Promise<void>[] = [];
  let answered = 0;
  const answer = (n: number) => {
    answered += n;
    input.hooks?.refreshProgress?.(answered, count);
  };
  for (const g of groups.values()) {
    const provider = input.providers.get(g.providerKey) ?? input.providers.get(g.providerKey.split(".")[0]) ?? {};
    const priors = g.items.map(([, inst]) => currentValue(g.def, inst));
    const record = (i: number, v: ObjectValue | null) => {
      const [addr, inst] = g.items[i];
      const now = v === null ? null : completed(g.def.schema, v);
      values.set(addr, now);
      const before = priors[i];
      if (now === null) drift.push({ address: addr, type: inst.type, kind: "deleted", paths: [], before, after: null });
      else {
        const paths = diffPaths(g.def.schema, before, now);
        if (paths.length) drift.push({ address: addr, type: inst.type, kind: "changed", paths, before, after: now });
      }
    };
    const retry = (addr: string) => (attempt: number, delayMs: number, code: string) => input.hooks?.retry?.({ address: addr, attempt, delayMs, code });
    if (g.def.readMany) {
      // Not one limiter task: each of its calls (one List per scope) is, so a type with a scope per
      // object (bindings per VM) lists its scopes side by side, within the same cap.
      const limit = <T>(call: () => Promise<T>, first?: boolean) => limiter.run(() => withRetry(call, input.retry, retry(g.def.type)), first);
      const ctx = { cloud: input.cloud, provider, limit };
      tasks.push(
        g.def
          .readMany(ctx, priors)
          .then(
            (res) => {
              res.forEach((v, i) => record(i, v));
              answer(g.items.length);
            },
            (e) => {
              diagnostics.push(diagnosticFromError(g.items[0][0], `Refreshing ${g.def.type} failed`, e));
              answer(g.items.length);
            },
          ),
      );
    } else {
      const ctx = { cloud: input.cloud, provider };
      g.items.forEach(([addr], i) => {
        tasks.push(
          limiter
            .run(() => withRetry(() => g.def.read(ctx, priors[i]), input.retry, retry(addr)))
            .then(
              (v) => record(i, v),
              (e) => void diagnostics.push(diagnosticFromError(addr, "Refreshing failed", e)),
            )
            .then(() => answer(1)),
        );
      });
    }
  }
  await Promise.all(tasks);
  drift.sort((a, b) => (a.address < b.address ? -1 : 1));
  input.hooks?.refreshDone?.(count, Date.now() - started);
  return { values, drift, diagnostics };
}
