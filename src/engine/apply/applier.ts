// Apply: carry out a plan. Each create/update/read and each delete is a walk node; creates wait for
// the resources they reference, deletes wait for the things that referenced them. Bodies are
// evaluated again with the values applied so far (what was "known after apply" is known now).
// State is written after every resource (coalesced), and a create is crash safe: its idempotency
// key comes from an attempt id written to state before the call.
import { createHash, randomUUID } from "node:crypto";
import type { CloudClient } from "../../contract/cloud-client.js";
import { isCloudError, isIdempotencyKeyReused } from "../../contract/errors.js";
import { LostSecretError, type AttributePath, type ObjectValue, type ProviderConfig, type ResourceDefinition, type Value } from "../../resources/define.js";
import { completeState, containsUnknown, sensitivePaths, validateConfig } from "../../resources/plan.js";
import type { StackConfig } from "../config/config.js";
import { Limiter, transientCode, withRetry, type RetryPolicy } from "../concurrency.js";
import { diagnosticFromError, errorAt, warningAt, type EngineDiagnostic } from "../diagnostics.js";
import { EvalError } from "../expr/eval.js";
import { resourceAddress, type InstanceState, type State } from "../state/state.js";
import { currentValue } from "../plan/refresh.js";
import type { StateWriter } from "../state/store.js";
import type { ApplyPhaseEvent, DefinitionLookup, EngineHooks, Plan, ResourceChange } from "../types.js";
import { EvalContext, outputsForState } from "../eval-context.js";
import { Completion, INTERRUPTED, WalkNode, Walker } from "./walker.js";

export interface ApplyInput {
  cloud: CloudClient;
  config: StackConfig;
  plan: Plan;
  writer: StateWriter;
  definitions: DefinitionLookup;
  limiter: Limiter;
  retry: RetryPolicy;
  hooks?: EngineHooks;
  /** Aborted on Ctrl-C: no operation starts after it, the ones running finish and are recorded. */
  signal?: AbortSignal;
}

export interface ApplyResult {
  diagnostics: EngineDiagnostic[];
  /** `imported` (import blocks adopted) and `forgotten` (deletes that only left state, keptBy) are present when any; `interrupted`: operations not started because the apply was stopped (signal). */
  counts: { imported?: number; added: number; changed: number; destroyed: number; read: number; failed: number; skipped: number; forgotten?: number; interrupted: number };
}

/** The key the cloud deduplicates a create by: stable for one attempt, new for the next object. */
export function idempotencyKey(lineage: string, address: string, attempt: string): string {
  return createHash("sha256").update(`${lineage}\n${address}\n${attempt}`).digest("hex").slice(0, 40);
}

export async function applyPlan(input: ApplyInput): Promise<ApplyResult> {
  return new Applier(input).run();
}

class Applier {
  private readonly diags: EngineDiagnostic[] = [];
  private readonly values: EvalContext;
  private readonly state: State;
  private readonly counts: ApplyResult["counts"] = { added: 0, changed: 0, destroyed: 0, read: 0, failed: 0, skipped: 0, interrupted: 0 };
  private readonly blocks: Map<string, StackConfig["resources"][number]>;
  private providers = new Map<string, ProviderConfig>();
  /** Walk nodes of this apply, and how many have settled (for the progress hooks). */
  private operations = 0;
  private settled = 0;

  constructor(private readonly input: ApplyInput) {
    this.state = input.writer.state;
    this.values = new EvalContext(input.config, input.plan.variables);
    this.blocks = new Map(input.config.resources.map((r) => [r.address, r]));
  }

  async run(): Promise<ApplyResult> {
    const { plan } = this.input;
    this.prepareValues();
    this.recordRefresh();
    this.recordPendingCreates();
    // One write before any call: the refresh results and every create's attempt id are durable.
    await this.input.writer.flush();

    // destroy: objects interrupted creates made are adopted first, so their deletes know them.
    const adopting = plan.changes.filter((c) => c.adoptPending);
    const adoptNodes = adopting.length ? this.adoptNodes(adopting) : [];
    const nodes = this.buildNodes();
    const started = Date.now();
    this.operations = adoptNodes.length + nodes.length;
    this.input.hooks?.applyBegin?.(this.operations);
    if (adoptNodes.length) await this.walk(adoptNodes);
    await this.walk(nodes);
    this.input.hooks?.applyEnd?.(Date.now() - started);
    if (this.counts.interrupted) {
      this.diags.push(
        errorAt(undefined, "Interrupted", `${this.counts.interrupted} operation${this.counts.interrupted === 1 ? "" : "s"} not started; what finished is in the state: run the command again to finish`),
      );
    }

    if (plan.mode !== "refresh-only") for (const addr of plan.forgetData) this.state.instances.delete(addr);
    this.writeOutputs();
    try {
      await this.input.writer.flush();
    } catch (e) {
      this.diags.push(diagnosticFromError(undefined, "Writing the state failed", e));
    }
    return { diagnostics: this.diags, counts: this.counts };
  }

  private async walk(nodes: WalkNode[]): Promise<void> {
    const walker = new Walker(nodes, this.input.limiter.max, () => this.input.hooks?.applyProgress?.(++this.settled, this.operations));
    const stop = () => walker.stop();
    const signal = this.input.signal;
    if (signal?.aborted) walker.stop();
    signal?.addEventListener("abort", stop);
    try {
      const { stuck } = await walker.walk();
      for (const n of stuck) this.diags.push(errorAt(n.id, "Not applied", "it waits on itself through a dependency loop between deletes and creates"));
    } finally {
      signal?.removeEventListener("abort", stop);
    }
  }

  // ---------------------------------------------------------------- setup

  private prepareValues(): void {
    this.values.seedFromPlan(this.input.plan);
    if (this.input.plan.targets) this.seedUntargeted();
    const p = this.values.providerConfigs();
    this.diags.push(...p.diagnostics);
    this.providers = p.providers;
  }

  /**
   * A -target plan has no change for what it leaves out: references to those resources (from
   * outputs and locals) see them as state holds them.
   */
  private seedUntargeted(): void {
    const planned = new Set(this.input.plan.changes.map((c) => c.address));
    const held = new Set(this.input.plan.changes.map((c) => c.resource));
    for (const [addr, inst] of this.state.instances) {
      const resource = resourceAddress(inst.mode, inst.type, inst.name);
      if (planned.has(addr) || !this.blocks.has(resource)) continue;
      const def = this.input.definitions(inst.type, inst.mode === "data" ? "data" : "resource");
      if (def) this.values.setInstance(resource, inst.indexKey, currentValue(def, inst));
      held.add(resource);
    }
    // Not created yet: outputs over it keep their value instead of seeing nothing.
    for (const r of this.blocks.keys()) if (!held.has(r)) this.values.setUnknown(r);
  }

  /** Refreshed values become state (drifted attributes, objects gone outside the engine). */
  private recordRefresh(): void {
    const { plan } = this.input;
    // From the drift, not the changes: a refresh-only plan has no change for what it refreshed.
    for (const d of plan.drift) {
      const inst = this.state.instances.get(d.address);
      if (d.kind === "deleted" || !d.after) this.state.instances.delete(d.address);
      else if (inst) {
        const def = this.input.definitions(inst.type, "resource");
        if (!def) continue;
        inst.attributes = d.after;
        inst.schemaVersion = def.schemaVersion;
        inst.sensitiveAttributes = concreteSensitivePaths(def, d.after);
      }
    }
    for (const c of plan.changes) {
      if (c.deposed || c.mode !== "managed" || !c.before) continue;
      const inst = this.state.instances.get(c.address);
      if (inst) {
        inst.attributes = c.before;
        inst.schemaVersion = c.schemaVersion;
        if (c.action === "noop") {
          inst.dependencies = c.dependencies;
          inst.createBeforeDestroy = c.createBeforeDestroy || undefined;
        }
      }
    }
    for (const c of plan.changes) {
      if (c.readDuringPlan && c.after && plan.mode !== "destroy") this.state.instances.set(c.address, this.instanceState(c, c.after));
    }
  }

  private recordPendingCreates(): void {
    // Attempts the plan no longer creates were warned about while planning; forget them.
    const creating = new Set(this.input.plan.changes.filter((c) => c.mode === "managed" && (c.action === "create" || c.action === "replace")).map((c) => c.address));
    // A -target plan did not look at the other attempts: they stay for the next full plan.
    if (this.input.plan.mode === "normal" && !this.input.plan.targets) for (const addr of Object.keys(this.state.pending)) if (!creating.has(addr)) delete this.state.pending[addr];
    for (const c of this.input.plan.changes) {
      if (c.mode !== "managed" || (c.action !== "create" && c.action !== "replace")) continue;
      // Reuse an attempt left by a killed apply: its key makes the cloud return that object.
      if (!this.state.pending[c.address]) this.state.pending[c.address] = { attempt: randomUUID() };
    }
  }

  // ---------------------------------------------------------------- graph

  private buildNodes(): WalkNode[] {
    const { plan } = this.input;
    const createSets = new Map<string, Completion>();
    const deleteSets = new Map<string, Completion>();
    const setOf = (m: Map<string, Completion>, r: string) => {
      let c = m.get(r);
      if (!c) m.set(r, (c = new Completion(r)));
      return c;
    };
    // Who depends on whom, by resource: from the plan (config) and from state (orphans).
    const dependents = new Map<string, Set<string>>();
    for (const c of plan.changes) {
      for (const d of c.dependencies) {
        let s = dependents.get(d);
        if (!s) dependents.set(d, (s = new Set()));
        s.add(c.resource);
      }
    }
    const nodes: WalkNode[] = [];
    const waits: [WalkNode, Completion][] = [];
    const createNodeOf = new Map<string, WalkNode>();
    const deleteNodeOf = new Map<string, WalkNode>();

    for (const c of plan.changes) {
      const wantsCreate = c.action === "create" || c.action === "update" || (c.action === "read" && !c.readDuringPlan) || c.action === "replace";
      const wantsDelete = c.action === "delete" || c.action === "replace";
      if (wantsCreate) {
        const phase: ApplyPhaseEvent["phase"] = c.action === "update" ? "update" : c.action === "read" ? "read" : "create";
        const n = new WalkNode(
          `${c.address}:${phase}`,
          () => this.runCreateOrUpdate(c, phase),
          (because) => this.skipped(c, phase, because),
          [setOf(createSets, c.resource)],
        );
        nodes.push(n);
        createNodeOf.set(c.address, n);
      }
      if (wantsDelete) {
        const n = new WalkNode(
          `${c.address}${c.deposed ? ` (deposed ${c.deposed})` : ""}:delete`,
          () => this.runDelete(c),
          (because) => this.skipped(c, "delete", because),
          [setOf(deleteSets, c.resource)],
        );
        nodes.push(n);
        deleteNodeOf.set(c.deposed ? `${c.address} ${c.deposed}` : c.address, n);
      }
    }
    // Edges, registered once every set has its final size.
    for (const c of plan.changes) {
      const cn = createNodeOf.get(c.address);
      const dn = deleteNodeOf.get(c.deposed ? `${c.address} ${c.deposed}` : c.address);
      if (cn && !c.deposed) {
        for (const d of c.dependencies) {
          const s = createSets.get(d);
          if (s) waits.push([cn, s]);
        }
        if (dn && !c.createBeforeDestroy) waits.push([cn, dn.self]);
      }
      if (dn) {
        const deps = dependents.get(c.resource) ?? new Set<string>();
        const replacingFirst = c.action === "replace" && !c.createBeforeDestroy;
        for (const y of deps) {
          if (y === c.resource) continue;
          const ds = deleteSets.get(y);
          if (ds) waits.push([dn, ds]);
          // A plain delete (or create-before-destroy) waits until dependents stop using it.
          if (!replacingFirst) {
            const cs = createSets.get(y);
            if (cs) waits.push([dn, cs]);
          }
        }
        if (cn && c.createBeforeDestroy && !c.deposed) waits.push([dn, cn.self]);
        // Forget the old address only once the keeping object exists: if its create fails, the
        // old address still tracks the binding and the next plan tries again.
        const keeper = c.keptBy !== undefined ? createNodeOf.get(c.keptBy) : undefined;
        if (keeper && keeper !== cn) waits.push([dn, keeper.self]);
      }
    }
    for (const [n, c] of waits) c.wait(n);
    return nodes;
  }

  /** One node per adopted create, waiting for the adoptions of what it references (as creates wait). */
  private adoptNodes(changes: ResourceChange[]): WalkNode[] {
    const sets = new Map<string, Completion>();
    const setOf = (r: string) => {
      let c = sets.get(r);
      if (!c) sets.set(r, (c = new Completion(r)));
      return c;
    };
    const nodes = changes.map(
      (c) =>
        new WalkNode(
          `${c.address}:adopt`,
          () => this.runAdopt(c),
          (because) => this.skipped(c, "create", because),
          [setOf(c.resource)],
        ),
    );
    changes.forEach((c, i) => {
      for (const d of c.dependencies) if (d !== c.resource) sets.get(d)?.wait(nodes[i]);
    });
    return nodes;
  }

  // ---------------------------------------------------------------- actions

  private def(c: ResourceChange): ResourceDefinition {
    return this.input.definitions(c.type, c.mode === "data" ? "data" : "resource")!;
  }

  private ctx(c: ResourceChange, idempotencyKey?: string) {
    const provider = this.providers.get(c.providerKey) ?? this.providers.get(c.providerKey.split(".")[0]) ?? {};
    return { cloud: this.input.cloud, provider, idempotencyKey };
  }

  private onRetry = (address: string) => (attempt: number, delayMs: number, code: string) =>
    this.input.hooks?.retry?.({ address, attempt, delayMs, code });

  /** The instance's body evaluated with the values applied so far and validated; undefined after fail(). */
  private configOf(c: ResourceChange, def: ResourceDefinition, ev: ApplyPhaseEvent): ObjectValue | undefined {
    const block = this.blocks.get(c.resource);
    if (!block) {
      this.fail(ev, errorAt(c.address, "Configuration changed", "the resource is no longer declared"));
      return undefined;
    }
    let raw: Value;
    try {
      let each: { key: string; value: Value } | undefined;
      if (typeof c.indexKey === "string") {
        // each.value may hold what was unknown at plan time (for_each over a resource): look again.
        let value: Value = c.eachValue ?? c.indexKey;
        if (block.forEach && containsUnknown(value)) {
          const all = this.values.eval(block.forEach);
          if (all !== null && typeof all === "object" && !Array.isArray(all) && c.indexKey in all) value = (all as ObjectValue)[c.indexKey];
        }
        each = { key: c.indexKey, value };
      }
      raw = this.values.eval(block.body, { count: typeof c.indexKey === "number" ? c.indexKey : undefined, each });
    } catch (e) {
      if (!(e instanceof EvalError)) throw e;
      this.fail(ev, errorAt(c.address, "Invalid expression", e.message));
      return undefined;
    }
    const v = validateConfig(def, raw, this.ctx(c).provider);
    const errs = v.diagnostics.filter((d) => d.severity === "error");
    if (errs.length) {
      for (const d of errs.slice(1)) this.diags.push({ ...d, address: c.address });
      this.fail(ev, { ...errs[0], address: c.address });
      return undefined;
    }
    if (containsUnknown(v.config)) {
      this.fail(ev, errorAt(c.address, "Value still unknown", "a value this resource needs was not known after its dependencies were applied"));
      return undefined;
    }
    return v.config;
  }

  private async runCreateOrUpdate(c: ResourceChange, phase: ApplyPhaseEvent["phase"]): Promise<boolean> {
    const def = this.def(c);
    const ev: ApplyPhaseEvent = { address: c.address, phase, action: c.action };
    const evaluated = this.configOf(c, def, ev);
    if (!evaluated) return false;
    let config = evaluated;
    if (c.action === "update" && c.before) {
      // ignore_changes: the planned value already holds the prior values for ignored attributes.
      const block2 = this.blocks.get(c.resource)!;
      if (block2.lifecycle.ignoreChanges === "all") config = { ...c.before, ...pickKnown(c.after) };
      else if (block2.lifecycle.ignoreChanges.length) config = overlayIgnored(config, c.before, block2.lifecycle.ignoreChanges);
    }
    this.input.hooks?.applyStart?.(ev);
    const started = Date.now();
    try {
      let result: ObjectValue;
      if (phase === "update") {
        result = await withRetry(() => def.update!(this.ctx(c), c.before!, config), this.input.retry, this.onRetry(c.address));
      } else if (phase === "read") {
        result = await withRetry(() => def.create(this.ctx(c), config), this.input.retry, this.onRetry(c.address));
      } else {
        try {
          result = await this.createOnce(c, def, config);
        } catch (e) {
          if (!(e instanceof LostSecretError)) throw e;
          // The interrupted apply's object exists but its secret (a private key) went to a process
          // that died: a credential nobody holds must not stay valid. Delete it, then create anew
          // under an attempt id made durable before the call, as every create's is.
          await this.deleteObject(c, def, e.object);
          this.diags.push(warningAt(c.address, "Replaced an object whose secret was lost", `${e.message}: it was deleted and a new one created`));
          this.state.pending[c.address] = { attempt: randomUUID() };
          await this.input.writer.flush();
          result = await this.createOnce(c, def, config);
        }
        this.input.hooks?.createAcknowledged?.(c.address);
        delete this.state.pending[c.address];
      }
      const value = completeState(def.schema, result);
      if (c.action === "replace" && c.createBeforeDestroy && c.before) {
        // The old object stays until its delete node runs; keep it in state as deposed meanwhile.
        const old = this.state.instances.get(c.address);
        if (old) this.state.deposed.set(c.address, [...(this.state.deposed.get(c.address) ?? []), { key: depositKey(), instance: old }]);
      }
      this.state.instances.set(c.address, this.instanceState(c, value));
      this.values.setInstance(c.resource, c.indexKey, value);
      this.input.writer.schedule();
      if (phase === "update") this.counts.changed++;
      else if (phase === "read") this.counts.read++;
      else this.counts.added++;
      this.input.hooks?.applyDone?.({ ...ev, ms: Date.now() - started, id: typeof value.id === "string" ? value.id : undefined });
      return true;
    } catch (e) {
      this.input.writer.schedule();
      this.fail(ev, diagnosticFromError(c.address, `${phase === "update" ? "Updating" : phase === "read" ? "Reading" : "Creating"} failed`, e));
      return false;
    }
  }

  /** Create under the instance's recorded attempt: a replay after a crash returns the object that attempt made. */
  private async createOnce(c: ResourceChange, def: ResourceDefinition, config: ObjectValue): Promise<ObjectValue> {
    const attempt = this.state.pending[c.address]?.attempt ?? randomUUID();
    const key = idempotencyKey(this.state.lineage, c.address, attempt);
    try {
      return await withRetry(() => def.create(this.ctx(c, key), config), this.input.retry, this.onRetry(c.address));
    } catch (e) {
      // A definite answer (not a lost connection) means nothing was created under this key:
      // the next apply must try with a fresh one, or the cloud would replay this failure. Except
      // when the cloud says the key was used for another request: then it did create an object
      // under this key (an interrupted apply, then the configuration changed), and a fresh key
      // would leave that object behind, untracked. Nor after DEADLINE_EXCEEDED (a `timeouts`
      // limit reached): the operation may still make the object, which the same key adopts.
      if (!transientCode(e) && isCloudError(e) && e.code !== "DEADLINE_EXCEEDED" && !isIdempotencyKeyReused(e)) delete this.state.pending[c.address];
      throw e;
    }
  }

  /** Deletes one object; one already gone counts as deleted. */
  private async deleteObject(c: ResourceChange, def: ResourceDefinition, object: ObjectValue): Promise<void> {
    // The walker is the parallelism cap; each node is one cloud operation at a time.
    await withRetry(
      async () => {
        try {
          await def.delete(this.ctx(c), object);
        } catch (e) {
          if (isCloudError(e) && e.code === "NOT_FOUND") return; // already gone: the goal is met
          throw e;
        }
      },
      this.input.retry,
      this.onRetry(c.address),
    );
  }

  /**
   * destroy, for an instance an interrupted apply was creating: the same create again (same
   * idempotency key) answers with the object that apply made, or makes it now; either way state
   * then holds it and its delete node deletes it. The pending record stays until then.
   */
  private async runAdopt(c: ResourceChange): Promise<boolean> {
    const def = this.def(c);
    const ev: ApplyPhaseEvent = { address: c.address, phase: "create", action: "create" };
    const config = this.configOf(c, def, ev);
    if (!config) return false;
    let value: ObjectValue;
    try {
      value = completeState(def.schema, await this.createOnce(c, def, config));
    } catch (e) {
      if (e instanceof LostSecretError) {
        // Enough of the object to delete it; it never enters state (its secret is gone anyway).
        c.before = e.object;
        return true;
      }
      this.fail(ev, diagnosticFromError(c.address, "Adopting the object of an interrupted create failed", e));
      return false;
    }
    c.before = value;
    delete this.state.pending[c.address];
    this.state.instances.set(c.address, this.instanceState(c, value));
    this.values.setInstance(c.resource, c.indexKey, value);
    this.input.writer.schedule();
    return true;
  }

  private async runDelete(c: ResourceChange): Promise<boolean> {
    // An adoption that failed was reported; what it references is not deleted from under it.
    if (c.adoptPending && !c.before) return false;
    const def = this.def(c);
    // With create-before-destroy the old object is the deposed one recorded at create time.
    const cbd = c.action === "replace" && c.createBeforeDestroy;
    const ev: ApplyPhaseEvent = { address: c.deposed || cbd ? `${c.address} (deposed)` : c.address, phase: "delete", action: c.action };
    this.input.hooks?.applyStart?.(ev);
    const started = Date.now();
    try {
      // The walker is the parallelism cap; each node is one cloud operation at a time. A delete
      // whose cloud object another address keeps must not reach the cloud (see shared-objects.ts).
      if (c.keptBy === undefined) await this.deleteObject(c, def, c.before!);
      if (c.adoptPending) delete this.state.pending[c.address];
      if (c.deposed || cbd) {
        const list = (this.state.deposed.get(c.address) ?? []).filter((d) => (c.deposed ? d.key !== c.deposed : !sameAttrs(d.instance.attributes, c.before)));
        if (list.length) this.state.deposed.set(c.address, list);
        else this.state.deposed.delete(c.address);
      } else {
        this.state.instances.delete(c.address);
      }
      this.input.writer.schedule();
      if (c.keptBy !== undefined) this.counts.forgotten = (this.counts.forgotten ?? 0) + 1;
      else if (c.action === "delete") this.counts.destroyed++;
      else if (c.action === "replace") this.counts.destroyed++;
      this.input.hooks?.applyDone?.({ ...ev, ms: Date.now() - started });
      return true;
    } catch (e) {
      this.fail(ev, diagnosticFromError(c.address, "Deleting failed", e));
      return false;
    }
  }

  private fail(ev: ApplyPhaseEvent, d: EngineDiagnostic): void {
    this.counts.failed++;
    this.diags.push(d);
    this.input.hooks?.applyFailed?.({ ...ev, diagnostic: d });
  }

  private skipped(c: ResourceChange, phase: ApplyPhaseEvent["phase"], because: string): void {
    // A create never sent made nothing: its attempt id need not outlive this run. (An adoption
    // skipped is different: the interrupted apply before this one may have made the object.)
    if (phase === "create" && !c.adoptPending) delete this.state.pending[c.address];
    if (because === INTERRUPTED) {
      // One summary line for all of them (see run()), not one per operation not started.
      this.counts.interrupted++;
      return;
    }
    this.counts.skipped++;
    const dep = because.replace(/:(create|update|read|delete)$/, "");
    this.diags.push(errorAt(c.address, "Skipped", `not ${phase === "delete" ? "deleted" : phase === "update" ? "updated" : phase === "read" ? "read" : "created"} because ${dep} failed`));
    this.input.hooks?.applySkipped?.({ address: c.address, phase, action: c.action, because: dep });
  }

  private instanceState(c: ResourceChange, value: ObjectValue): InstanceState {
    const def = this.def(c);
    return {
      mode: c.mode,
      type: c.type,
      name: c.name,
      indexKey: c.indexKey,
      each: c.each,
      provider: c.provider,
      schemaVersion: def.schemaVersion,
      attributes: value,
      sensitiveAttributes: concreteSensitivePaths(def, value),
      dependencies: c.dependencies,
      createBeforeDestroy: c.createBeforeDestroy || undefined,
    };
  }

  private writeOutputs(): void {
    const { plan, config } = this.input;
    if (plan.mode === "destroy") {
      this.state.outputs = {};
      return;
    }
    // A refresh-only apply changes no value the plan evaluated its outputs with: they stand.
    let changes = plan.outputs;
    if (plan.mode === "normal") {
      const r = this.values.outputs(this.state.outputs, false);
      changes = r.changes;
      // An output over a failed resource is still unknown and keeps its value: the resource's own
      // error says why. One that fails with every resource applied is an error of its own.
      if (this.counts.failed === 0 && this.counts.skipped === 0) this.diags.push(...r.diagnostics);
    }
    this.state.outputs = outputsForState(changes, config, this.state.outputs);
  }
}

function depositKey(): string {
  return randomUUID().slice(0, 8);
}

function sameAttrs(a: ObjectValue, b: ObjectValue | null): boolean {
  return b !== null && JSON.stringify(a) === JSON.stringify(b);
}

function pickKnown(v: ObjectValue | null): ObjectValue {
  const out: ObjectValue = {};
  for (const [k, x] of Object.entries(v ?? {})) if (!containsUnknown(x)) out[k] = x;
  return out;
}

function overlayIgnored(config: ObjectValue, prior: ObjectValue, ignore: (string | number)[][]): ObjectValue {
  const out: ObjectValue = { ...config };
  for (const p of ignore) {
    if (p.length === 1) out[p[0] as string] = prior[p[0] as string] ?? null;
    else if (p.length === 2 && typeof p[1] === "string") {
      const m = { ...((out[p[0] as string] as ObjectValue) ?? {}) };
      const pm = (prior[p[0] as string] as ObjectValue) ?? {};
      if (p[1] in pm) m[p[1]] = pm[p[1]];
      else delete m[p[1]];
      out[p[0] as string] = m;
    }
  }
  return out;
}

/** The schema's sensitive attributes as concrete paths in this value (block elements expanded). */
export function concreteSensitivePaths(def: ResourceDefinition, value: ObjectValue): AttributePath[] {
  const out: AttributePath[] = [];
  for (const pattern of sensitivePaths(def.schema)) expand(value, pattern, [], out);
  return out;
}

function expand(v: Value, pattern: (string | "*")[], prefix: AttributePath, out: AttributePath[]): void {
  if (pattern.length === 0) {
    if (v !== null && v !== undefined) out.push(prefix);
    return;
  }
  const [head, ...rest] = pattern;
  if (head === "*") {
    if (Array.isArray(v)) v.forEach((x, i) => expand(x, rest, [...prefix, i], out));
    return;
  }
  if (v !== null && typeof v === "object" && !Array.isArray(v)) expand((v as ObjectValue)[head] ?? null, rest, [...prefix, head], out);
}
