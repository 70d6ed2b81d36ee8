// Plan-time checks against the cloud (ResourceDefinition.verify): a change the cloud is certain to
// refuse (a grant on a VM that does not exist, a profile login another profile holds) fails the
// plan, naming its address, before apply has changed anything. Found only in apply, it failed next
// to valid changes that did go through: a partial apply.
import type { CloudClient } from "../../contract/cloud-client.js";
import type { ObjectValue, ProviderConfig } from "../../resources/define.js";
import { withRetry, type Limiter, type RetryPolicy } from "../concurrency.js";
import { diagnosticFromError, type EngineDiagnostic } from "../diagnostics.js";
import type { DefinitionLookup, EngineHooks, ResourceChange } from "../types.js";

export interface VerifyInput {
  cloud: CloudClient;
  definitions: DefinitionLookup;
  providers: ReadonlyMap<string, ProviderConfig>;
  limiter: Limiter;
  retry: RetryPolicy;
  hooks?: EngineHooks;
  /**
   * Addresses whose create resumes one an interrupted apply sent (state.pending): the object the
   * check finds in the way may be the one that create made, which apply adopts through the same
   * idempotency key. Their findings are dropped; a real conflict still fails in apply.
   */
  resumed?: ReadonlySet<string>;
}

export async function verifyPlanned(changes: readonly ResourceChange[], input: VerifyInput): Promise<EngineDiagnostic[]> {
  // One verify call per (type, provider): the type's planned objects together, so a check that
  // lists a scope lists it once, and objects of the same plan are checked against each other.
  const groups = new Map<string, { type: string; providerKey: string; planned: ResourceChange[]; managed: ObjectValue[] }>();
  for (const c of changes) {
    if (c.mode !== "managed" || c.deposed) continue;
    const def = input.definitions(c.type, "resource");
    if (!def?.verify) continue;
    const k = `${c.type} ${c.providerKey}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { type: c.type, providerKey: c.providerKey, planned: [], managed: [] }));
    if (c.before) g.managed.push(c.before);
    if (c.after && (c.action === "create" || c.action === "update" || c.action === "replace")) g.planned.push(c);
  }
  const out: EngineDiagnostic[] = [];
  await Promise.all(
    [...groups.values()].map(async (g) => {
      if (g.planned.length === 0) return;
      const def = input.definitions(g.type, "resource")!;
      const provider = input.providers.get(g.providerKey) ?? input.providers.get(g.providerKey.split(".")[0]) ?? {};
      const onRetry = (attempt: number, delayMs: number, code: string) => input.hooks?.retry?.({ address: g.type, attempt, delayMs, code });
      const limit = <T>(call: () => Promise<T>) => input.limiter.run(() => withRetry(call, input.retry, onRetry));
      try {
        const found = await def.verify!({ cloud: input.cloud, provider, limit }, g.planned.map((c) => c.after!), g.managed);
        for (const { at, diagnostic } of found) if (!input.resumed?.has(g.planned[at].address)) out.push({ ...diagnostic, address: g.planned[at].address });
      } catch (e) {
        // Unable to check is not "checked": the plan fails rather than promise what apply may refuse.
        out.push(diagnosticFromError(g.planned[0].address, `Could not check ${g.type} against the cloud`, e));
      }
    }),
  );
  return out.sort((a, b) => (a.address! < b.address! ? -1 : a.address! > b.address! ? 1 : 0));
}
