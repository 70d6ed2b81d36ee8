// Planning: refresh, then walk the graph in dependency order evaluating each block against the
// values planned so far, and decide one action (with its reason) per resource instance. The
// attribute-level rules (defaults, computed -> unknown, forceNew -> replace) are the shared ones in
// src/resources/plan.ts; this file owns what is engine-only: expansion, lifecycle, orphans, drift.
import { UNKNOWN, isUnknown, type ObjectValue, type ProviderConfig, type ResourceDefinition, type Value } from "../../resources/define.js";
import { completeState, containsUnknown, formatPath, planResourceChange, validateConfig } from "../../resources/plan.js";
import type { CloudClient } from "../../contract/cloud-client.js";
import type { ResourceBlock, StackConfig } from "../config/config.js";
import { Limiter, withRetry, type RetryPolicy } from "../concurrency.js";
import { diagnosticFromError, errorAt, hasErrors, warningAt, type EngineDiagnostic } from "../diagnostics.js";
import { EvalError } from "../expr/eval.js";
import { deepEqual } from "../expr/values.js";
import { buildGraph, resourceDependencies, type Graph } from "../graph.js";
import { instanceAddress, parseInstanceAddress, providerAddress, type IndexKey, type InstanceState, type State } from "../state/state.js";
import type { DefinitionLookup, Drift, EngineHooks, Plan, ResourceChange } from "../types.js";
import { EvalContext } from "../eval-context.js";
import { resolveVariableValues, type VariableAssignment } from "../config/tfvars.js";
import { currentValue, providerKeyOf, refresh } from "./refresh.js";
import { markSharedDeletes } from "./shared-objects.js";
import { verifyPlanned } from "./verify.js";
import { typeDiagnostics } from "../validate.js";
import { growTargets, isTargeted, movesExcluded, movesExcludedDetail, parseTargets, TARGETING_WARNING, targetedState, type Targets } from "./targets.js";

export interface PlanInput {
  cloud: CloudClient;
  config: StackConfig;
  state: State;
  definitions: DefinitionLookup;
  mode: Plan["mode"];
  /** Skip the refresh (plan -refresh=false). */
  refresh: boolean;
  variables: Record<string, Value>;
  /** -var, -var-file and the variables files, in precedence order (after TF_VAR_, before `variables`). */
  assignments?: VariableAssignment[];
  limiter: Limiter;
  /** The cap for the refresh's reads (--refresh-parallelism); default: `limiter`. */
  readLimiter?: Limiter;
  retry: RetryPolicy;
  hooks?: EngineHooks;
  /** Addresses to mark tainted for this plan (plan -replace=ADDR). */
  replace?: string[];
  /** -target: plan only these (and what they depend on; for destroy, what depends on them). */
  targets?: string[];
  /** The moves moved blocks made on `state` (a targeted plan must cover both ends of each). */
  moves?: readonly { from: string; to: string }[];
}

export interface PlanResult {
  plan?: Plan;
  diagnostics: EngineDiagnostic[];
}

type ChangeBase = Omit<ResourceChange, "action" | "reason" | "before" | "after" | "changedPaths" | "requiresReplace">;

interface Instance {
  key?: IndexKey;
  count?: number;
  each?: { key: string; value: Value };
}

export async function makePlan(input: PlanInput): Promise<PlanResult> {
  return new Planner(input).run();
}

class Planner {
  private readonly diags: EngineDiagnostic[] = [];
  private values!: EvalContext;
  private providers = new Map<string, ProviderConfig>();
  private readonly changes: ResourceChange[] = [];
  private readonly changesByResource = new Map<string, ResourceChange[]>();
  private refreshed = new Map<string, ObjectValue | null>();
  private drift: Drift[] = [];
  private driftByAddress = new Map<string, Drift>();
  private graph!: Graph;
  private readonly declaredInstances = new Set<string>();
  /** Set with -target: what this plan may touch; everything else keeps its state value. */
  private targets: Targets | undefined;
  /** Resources with a single instance targeted (they are planned instance by instance). */
  private partlyTargeted = new Set<string>();
  private stateByResource: Map<string, [string, InstanceState][]> | undefined;

  constructor(private readonly input: PlanInput) {}

  async run(): Promise<PlanResult> {
    const { config, state } = this.input;
    const g = buildGraph(config);
    this.diags.push(...g.diagnostics);
    this.graph = g.graph;
    this.diags.push(...typeDiagnostics(config, this.input.definitions));
    this.resolveTargets();
    const vars = resolveVariableValues(config, this.input.variables, this.input.assignments);
    this.diags.push(...vars.diagnostics);
    if (hasErrors(this.diags)) return { diagnostics: this.diags };
    this.values = new EvalContext(config, vars.vars);
    const providers = this.values.providerConfigs();
    this.diags.push(...providers.diagnostics);
    this.providers = providers.providers;
    if (hasErrors(this.diags)) return { diagnostics: this.diags };

    if (this.input.refresh) {
      const r = await refresh({
        cloud: this.input.cloud,
        // A targeted plan reads only what it may change (terraform refreshes no other object either).
        state: this.targets ? targetedState(state, this.targets) : state,
        definitions: this.input.definitions,
        providers: this.providers,
        limiter: this.input.readLimiter ?? this.input.limiter,
        retry: this.input.retry,
        hooks: this.input.hooks,
      });
      this.diags.push(...r.diagnostics);
      this.refreshed = r.values;
      this.drift = r.drift;
      this.driftByAddress = new Map(r.drift.map((d) => [d.address, d]));
      if (hasErrors(this.diags)) return { diagnostics: this.diags };
    } else {
      for (const [addr, inst] of state.instances) {
        if (inst.mode !== "managed") continue;
        const def = this.input.definitions(inst.type, "resource");
        if (def) this.refreshed.set(addr, currentValue(def, inst));
      }
    }

    const byAddress = new Map(config.resources.map((r) => [r.address, r]));
    let planned = 0;
    for (const id of this.graph.order) {
      const node = this.graph.nodes.get(id)!;
      if (node.kind === "local") this.evalLocal(id.slice("local.".length));
      else if (node.kind === "resource" || node.kind === "data") {
        await this.planResource(byAddress.get(id)!);
        this.input.hooks?.planProgress?.(++planned, byAddress.size);
      }
    }
    this.planOrphans();
    markSharedDeletes(this.changes, this.input.definitions);
    if (this.input.mode === "normal" && !hasErrors(this.diags)) this.diags.push(...(await verifyPlanned(this.changes, { ...this.input, providers: this.providers, resumed: new Set(Object.keys(this.input.state.pending)) })));
    const outputs = this.values.outputs(state.outputs, this.input.mode === "destroy");
    this.diags.push(...outputs.diagnostics);
    if (hasErrors(this.diags)) return { diagnostics: this.diags };

    const forgetData: string[] = [];
    for (const [addr, i] of state.instances) {
      if (this.untargeted(addr)) continue;
      if (i.mode === "data" && (this.input.mode === "destroy" || !this.declaredInstances.has(addr))) forgetData.push(addr);
    }
    const plan: Plan = {
      formatVersion: 1,
      stack: config.stack,
      configFile: config.file,
      configHash: config.hash,
      lineage: state.lineage,
      serial: state.serial,
      mode: this.input.mode,
      variables: Object.fromEntries(this.values.vars),
      changes: this.changes,
      drift: this.drift,
      outputs: outputs.changes,
      forgetData,
      providerScopes: Object.fromEntries(
        [...this.providers].map(([k, v]) => [k, { organization_id: v.organization_id, cloud_id: v.cloud_id, folder_id: v.folder_id, zone: v.zone }]),
      ),
      warnings: this.diags.filter((d) => d.severity === "warning"),
      ...(this.input.targets?.length ? { targets: [...this.input.targets] } : {}),
    };
    return { plan, diagnostics: this.diags };
  }

  /** -target and -replace against the configuration and the mode (terraform's rules). */
  private resolveTargets(): void {
    const { mode, replace, targets } = this.input;
    if (replace?.length && mode !== "normal") {
      this.diags.push(errorAt(undefined, "Unsupported plan mode", "Forcing resource instance replacement (with -replace=...) is allowed only in normal planning mode."));
    }
    for (const a of replace ?? []) {
      if (!parseInstanceAddress(a)) this.diags.push(errorAt(undefined, `Invalid replace address "${a}"`, 'expected a resource instance address: TYPE.NAME, TYPE.NAME[N] or TYPE.NAME["KEY"]'));
    }
    if (!targets?.length) return;
    const parsed = parseTargets(this.input.config, targets);
    this.diags.push(...parsed.diagnostics);
    if (hasErrors(parsed.diagnostics)) return;
    this.targets = growTargets(parsed.targets, this.graph, this.input.state, mode);
    for (const a of this.targets.instances) this.partlyTargeted.add(parseInstanceAddress(a)!.resource);
    const excluded = movesExcluded(this.targets, this.input.moves ?? []);
    if (excluded.length) this.diags.push(errorAt(undefined, "Moved resource instances excluded by targeting", movesExcludedDetail(excluded)));
    this.diags.push(TARGETING_WARNING);
  }

  /** With -target: an instance this plan must leave alone. */
  private untargeted(address: string, resource?: string): boolean {
    // Without -target (every plan but the rare targeted one) no address is parsed.
    if (!this.targets) return false;
    return !isTargeted(this.targets, resource ?? parseInstanceAddress(address)?.resource ?? address, address);
  }

  /** The value state holds for an instance (refreshed when it was refreshed), for references to what is not targeted. */
  private stateValue(address: string): ObjectValue | null | undefined {
    if (this.refreshed.has(address)) return this.refreshed.get(address);
    const inst = this.input.state.instances.get(address);
    const def = inst && this.input.definitions(inst.type, inst.mode === "data" ? "data" : "resource");
    return inst && def ? currentValue(def, inst) : undefined;
  }

  /** A resource -target leaves out: its instances as state holds them, nothing evaluated or planned. */
  private keepFromState(r: ResourceBlock): void {
    if (!this.stateByResource) {
      this.stateByResource = new Map();
      for (const e of this.input.state.instances) {
        const res = parseInstanceAddress(e[0])?.resource ?? e[0];
        let l = this.stateByResource.get(res);
        if (!l) this.stateByResource.set(res, (l = []));
        l.push(e);
      }
    }
    const held = this.stateByResource.get(r.address) ?? [];
    this.values.initResource(r.address, r.count ? "list" : r.forEach ? "map" : "single");
    // Not created yet: whatever refers to it (an output) waits, instead of seeing nothing.
    if (held.length === 0) this.values.setUnknown(r.address);
    for (const [addr, inst] of held) {
      this.declaredInstances.add(addr);
      this.values.setInstance(r.address, inst.indexKey, this.stateValue(addr) ?? UNKNOWN);
    }
  }

  private def(r: { type: string; mode: "managed" | "data" }): ResourceDefinition | undefined {
    return this.input.definitions(r.type, r.mode === "data" ? "data" : "resource");
  }

  /** Each local once, in graph order, so an error in one is reported even when nothing uses it. */
  private evalLocal(name: string): void {
    try {
      this.values.local(name);
    } catch (e) {
      if (!(e instanceof EvalError)) throw e;
      this.diags.push(errorAt(`local.${name}`, "Invalid local value", e.message));
      this.values.setLocalUnknown(name);
    }
  }

  private readonly providerAddresses = new Map<string, string>();

  /** The state spelling of a provider key, once per key (not once per resource). */
  private providerAddressOf(key: string): string {
    let address = this.providerAddresses.get(key);
    if (address === undefined) {
      address = providerAddress(key, this.input.config.requiredProviders[key.split(".")[0]]?.source);
      this.providerAddresses.set(key, address);
    }
    return address;
  }

  private providerConfig(key: string): ProviderConfig {
    return this.providers.get(key) ?? {};
  }

  /** count / for_each -> the instances to plan; undefined when it cannot be decided. */
  private expand(r: ResourceBlock): Instance[] | undefined {
    if (r.count) {
      let v: Value;
      try {
        v = this.values.eval(r.count);
      } catch (e) {
        if (!(e instanceof EvalError)) throw e;
        this.diags.push(errorAt(r.address, "Invalid count argument", e.message, ["count"]));
        return undefined;
      }
      if (isUnknown(v)) {
        this.diags.push(errorAt(r.address, "Invalid count argument", "the count value depends on resource attributes that cannot be determined until apply", ["count"]));
        return undefined;
      }
      const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
        this.diags.push(errorAt(r.address, "Invalid count argument", `count must be a whole number >= 0, got ${JSON.stringify(v)}`, ["count"]));
        return undefined;
      }
      return Array.from({ length: n }, (_, i) => ({ key: i, count: i }));
    }
    if (r.forEach) {
      let v: Value;
      try {
        v = this.values.eval(r.forEach);
      } catch (e) {
        if (!(e instanceof EvalError)) throw e;
        this.diags.push(errorAt(r.address, "Invalid for_each argument", e.message, ["for_each"]));
        return undefined;
      }
      if (containsUnknown(v) && (isUnknown(v) || Array.isArray(v))) {
        this.diags.push(
          errorAt(r.address, "Invalid for_each argument", "the for_each value depends on resource attributes that cannot be determined until apply", ["for_each"]),
        );
        return undefined;
      }
      if (Array.isArray(v)) {
        if (!v.every((x) => typeof x === "string")) {
          this.diags.push(errorAt(r.address, "Invalid for_each argument", "a for_each set must contain only strings", ["for_each"]));
          return undefined;
        }
        return [...new Set(v as string[])].sort().map((k) => ({ key: k, each: { key: k, value: k } }));
      }
      if (v !== null && typeof v === "object") {
        return Object.keys(v)
          .sort()
          .map((k) => ({ key: k, each: { key: k, value: (v as ObjectValue)[k] } }));
      }
      this.diags.push(errorAt(r.address, "Invalid for_each argument", `for_each must be a map or a set of strings, got ${v === null ? "null" : typeof v}`, ["for_each"]));
      return undefined;
    }
    return [{}];
  }

  private async planResource(r: ResourceBlock): Promise<void> {
    const def = this.def(r);
    if (!def) return;
    if (this.input.mode === "destroy") {
      // Destroy plans from state alone: no body, count or for_each is evaluated, nothing is read.
      this.values.setUnknown(r.address);
      return;
    }
    if (this.targets && !this.targets.resources.has(r.address) && !this.partlyTargeted.has(r.address)) {
      this.keepFromState(r);
      return;
    }
    const expansion = r.count ? "list" : r.forEach ? "map" : "single";
    this.values.initResource(r.address, expansion);
    const instances = this.expand(r);
    if (!instances) {
      this.values.setUnknown(r.address);
      return;
    }
    const deps = resourceDependencies(this.graph, r.address);
    const provider = this.providerAddressOf(r.provider);
    const each: "list" | "map" | undefined = expansion === "single" ? undefined : expansion;
    for (const inst of instances) {
      const address = instanceAddress(r.address, inst.key);
      this.declaredInstances.add(address);
      if (this.untargeted(address, r.address)) {
        this.values.setInstance(r.address, inst.key, this.stateValue(address) ?? UNKNOWN);
        continue;
      }
      if (this.input.mode === "refresh-only" && r.mode === "managed") {
        // Not in state during refresh-only: unknown, so outputs over it wait instead of failing.
        this.values.setInstance(r.address, inst.key, this.refreshed.get(address) ?? UNKNOWN);
        continue;
      }
      let raw: Value;
      try {
        raw = this.values.eval(r.body, { count: inst.count, each: inst.each });
      } catch (e) {
        if (!(e instanceof EvalError)) throw e;
        this.diags.push(errorAt(address, "Invalid expression", e.message));
        this.values.setInstance(r.address, inst.key, UNKNOWN);
        continue;
      }
      const providerCfg = this.providerConfig(r.provider);
      const v = validateConfig(def, raw, providerCfg);
      if (v.diagnostics.length) this.diags.push(...v.diagnostics.map((d) => ({ ...d, address })));
      if (hasErrors(v.diagnostics)) {
        this.values.setInstance(r.address, inst.key, UNKNOWN);
        continue;
      }
      const base: ChangeBase = {
        address,
        resource: r.address,
        mode: r.mode,
        type: r.type,
        name: r.name,
        indexKey: inst.key,
        each,
        ...(inst.each ? { eachValue: inst.each.value } : {}),
        providerKey: r.provider,
        provider,
        createBeforeDestroy: r.lifecycle.createBeforeDestroy,
        dependencies: deps,
        schemaVersion: def.schemaVersion,
      };
      const change = r.mode === "data" ? await this.planData(r, def, v.config, base, deps) : this.planManaged(r, def, v.config, base);
      if (!change) {
        this.values.setInstance(r.address, inst.key, UNKNOWN);
        continue;
      }
      this.addChange(change);
      this.values.setInstance(r.address, inst.key, change.action === "delete" ? null : change.after);
    }
    if (expansion === "list") this.values.trimList(r.address, instances.length);
  }

  private addChange(c: ResourceChange): void {
    this.changes.push(c);
    let l = this.changesByResource.get(c.resource);
    if (!l) this.changesByResource.set(c.resource, (l = []));
    l.push(c);
  }

  private planManaged(
    r: ResourceBlock,
    def: ResourceDefinition,
    config: ObjectValue,
    base: ChangeBase,
  ): ResourceChange | undefined {
    const address = base.address;
    const inState = this.input.state.instances.get(address);
    const prior = this.refreshed.get(address) ?? null;
    const requested = (this.input.replace ?? []).includes(address);
    const tainted = inState?.status === "tainted" || requested;
    const effective = prior && r.lifecycle.ignoreChanges.length ? applyIgnoreChanges(config, prior, r.lifecycle.ignoreChanges) : config;
    const pc = planResourceChange(def, tainted ? null : prior, effective);
    let action: ResourceChange["action"] = pc.action === "create" && prior ? "replace" : pc.action;
    let reason: string;
    const driftOf = this.driftByAddress.get(address);
    if (pc.action === "create") {
      if (prior && tainted) reason = requested ? "replacement requested with -replace" : "tainted: marked with oslogin taint, or left by a failed create";
      else if (driftOf?.kind === "deleted") reason = "deleted outside the engine (drift): create it again";
      else if (this.input.state.pending[address]) reason = interruptedCreateReason(def);
      else reason = "declared in configuration, not in state";
    } else if (pc.action === "replace") {
      reason = `forces replacement: ${pc.requiresReplace.map(formatPath).join(", ")}`;
    } else if (pc.action === "update") {
      // Drift alone: every change puts back the value the state had before the cloud changed.
      const before = driftOf?.kind === "changed" ? driftOf.before : undefined;
      const revertsDrift = !!before && pc.changed.every((p) => deepEqual(getPath(before, p), getPath(pc.planned!, p)));
      const paths = pc.changed.map(formatPath);
      reason = revertsDrift ? `changed outside the engine (drift): ${paths.join(", ")}` : `update in place: ${paths.join(", ")}`;
    } else {
      reason = "up to date";
    }
    if ((action === "replace" || action === "delete") && r.lifecycle.preventDestroy) {
      this.diags.push(
        errorAt(address, "Instance cannot be destroyed", `lifecycle.prevent_destroy is set, but the plan would ${action} this object (${reason}); change the configuration or remove prevent_destroy`),
      );
      return undefined;
    }
    if (action === "noop" && driftOf) {
      // The cloud changed but the change is ignored (ignore_changes): state takes the new value.
      reason = "up to date (drift ignored by lifecycle.ignore_changes)";
    }
    // The change is the base completed in place (no copy: 10k of these per plan).
    const change = base as ResourceChange;
    change.action = action;
    change.reason = reason;
    change.before = prior;
    change.after = pc.planned;
    change.changedPaths = pc.changed;
    change.requiresReplace = tainted && prior ? [] : pc.requiresReplace;
    if (action === "replace" && tainted) change.actionReason = requested ? "replace_by_request" : "replace_because_tainted";
    return change;
  }

  private async planData(
    r: ResourceBlock,
    def: ResourceDefinition,
    config: ObjectValue,
    base: ChangeBase,
    deps: string[],
  ): Promise<ResourceChange | undefined> {
    const pendingDep = deps.find((d) => (this.changesByResource.get(d) ?? []).some((c) => c.action !== "noop" && !c.readDuringPlan));
    const common = { ...base, before: null, changedPaths: [], requiresReplace: [] };
    if (containsUnknown(config) || pendingDep) {
      return {
        ...common,
        action: "read",
        reason: pendingDep ? `depends on ${pendingDep}, which has changes pending` : "configuration depends on values known only after apply",
        after: planResourceChange(def, null, config).planned,
      };
    }
    if (this.input.mode === "destroy") {
      return { ...common, action: "read", reason: "read for references", after: completeState(def.schema, config), readDuringPlan: true };
    }
    try {
      const ctx = { cloud: this.input.cloud, provider: this.providerConfig(r.provider) };
      const value = await this.input.limiter.run(() => withRetry(() => def.create(ctx, config), this.input.retry));
      return { ...common, action: "read", reason: "read while planning", after: completeState(def.schema, value), readDuringPlan: true };
    } catch (e) {
      this.diags.push(diagnosticFromError(base.address, "Reading the data source failed", e));
      return undefined;
    }
  }

  private planOrphans(): void {
    const byAddress = new Map(this.input.config.resources.map((r) => [r.address, r]));
    for (const [addr, inst] of this.input.state.instances) {
      if (inst.mode !== "managed") continue;
      const declared = this.declaredInstances.has(addr) && this.input.mode !== "destroy";
      if (declared) continue;
      if (this.input.mode === "refresh-only" || this.untargeted(addr)) continue;
      const resource = addr.replace(/\[.*\]$/, "");
      const block = byAddress.get(resource);
      const prior = this.refreshed.get(addr);
      if (prior === null || prior === undefined) continue; // gone already: refresh drops it from state
      let reason: string;
      if (this.input.mode === "destroy") reason = "destroy requested";
      else if (!block) reason = "no longer in configuration";
      else if (typeof inst.indexKey === "number") reason = `index [${inst.indexKey}] is out of range for count`;
      else if (typeof inst.indexKey === "string") reason = `key ${JSON.stringify(inst.indexKey)} is not in for_each`;
      else reason = block.count || block.forEach ? "the resource now uses count/for_each" : "no longer in configuration";
      if (block?.lifecycle.preventDestroy) {
        this.diags.push(errorAt(addr, "Instance cannot be destroyed", `lifecycle.prevent_destroy is set, but the plan would delete this object (${reason})`));
        continue;
      }
      const def = this.input.definitions(inst.type, "resource");
      this.addChange(deletion(addr, inst, reason, prior, def?.schemaVersion ?? inst.schemaVersion));
    }
    // Gone objects still in state: the apply drops them (shown as drift).
    if (this.input.mode === "refresh-only") return;
    // Old objects left by an interrupted create_before_destroy: delete them now.
    for (const [addr, list] of this.input.state.deposed) {
      if (this.untargeted(addr)) continue;
      for (const d of list) {
        const inst = d.instance;
        const def = this.input.definitions(inst.type, "resource");
        if (!def) continue;
        const reason = "deposed: the old object of an interrupted create_before_destroy replacement";
        this.addChange({ ...deletion(addr, inst, reason, currentValue(def, inst), def.schemaVersion), deposed: d.key });
      }
    }
    if (this.input.mode === "destroy") {
      this.planPendingDeletes(byAddress);
      return;
    }
    const creating = new Set(this.changes.filter((c) => c.action === "create" || c.action === "replace").map((c) => c.address));
    for (const addr of Object.keys(this.input.state.pending)) {
      if (creating.has(addr) || this.untargeted(addr)) continue;
      this.diags.push(
        warningAt(addr, "Interrupted create no longer planned", "an earlier apply was killed while creating this object and the configuration no longer declares it: an object it may have created is not tracked; check the cloud and import or delete it"),
      );
    }
  }

  /**
   * destroy: a create an interrupted apply sent (state.pending) may have made an object that state
   * does not hold yet. Apply adopts it by sending the same create again (its idempotency key makes
   * the cloud answer with that object, or make it now), then deletes it like the others.
   */
  private planPendingDeletes(byAddress: Map<string, ResourceBlock>): void {
    for (const addr of Object.keys(this.input.state.pending)) {
      if (this.input.state.instances.has(addr) || this.untargeted(addr)) continue;
      const parsed = parseInstanceAddress(addr);
      const block = parsed && byAddress.get(parsed.resource);
      const def = block && this.def(block);
      if (!parsed || !block || !def || (parsed.indexKey === undefined) !== (!block.count && !block.forEach)) {
        this.diags.push(
          warningAt(addr, "Interrupted create cannot be adopted", "an earlier apply was killed while creating this object, and destroy cannot send that create again because the configuration no longer declares this instance: an object it may have created is not tracked; check the cloud and delete it"),
        );
        continue;
      }
      if (block.lifecycle.preventDestroy) {
        this.diags.push(errorAt(addr, "Instance cannot be destroyed", "lifecycle.prevent_destroy is set, but the plan would delete the object an interrupted create made"));
        continue;
      }
      this.addChange({
        address: addr,
        resource: parsed.resource,
        mode: "managed",
        type: block.type,
        name: block.name,
        indexKey: parsed.indexKey,
        each: block.count ? "list" : block.forEach ? "map" : undefined,
        providerKey: block.provider,
        provider: this.providerAddressOf(block.provider),
        action: "delete",
        reason: "an interrupted apply may have created it (it is not in state yet): apply adopts it through the create's idempotency key, then deletes it",
        createBeforeDestroy: false,
        before: null,
        after: null,
        changedPaths: [],
        requiresReplace: [],
        dependencies: resourceDependencies(this.graph, block.address),
        schemaVersion: def.schemaVersion,
        adoptPending: true,
      });
    }
  }
}

/** Why a declared instance with an interrupted create (state.pending) is planned as a create. */
function interruptedCreateReason(def: ResourceDefinition): string {
  return def.secretOnlyAtCreate
    ? "an interrupted apply may have created it, and the secret only its create returns is lost: apply deletes the object that create made, if any, then creates a new one"
    : "an interrupted apply may have created it: apply sends the create again with the same idempotency key, so the cloud returns that object instead of making a second";
}

/** The config with ignored attributes taken from the prior state. */
function applyIgnoreChanges(config: ObjectValue, prior: ObjectValue, ignore: (string | number)[][] | "all"): ObjectValue {
  if (ignore === "all") {
    const out: ObjectValue = {};
    for (const k of Object.keys(config)) out[k] = k in prior ? prior[k] : config[k];
    return out;
  }
  let out: ObjectValue = config;
  for (const path of ignore) out = setPath(out, path, getPath(prior, path));
  return out;
}

function getPath(v: Value, path: (string | number)[]): Value {
  let cur: Value = v;
  for (const step of path) {
    if (cur === null || typeof cur !== "object" || isUnknown(cur)) return null;
    cur = Array.isArray(cur) ? (cur[step as number] ?? null) : ((cur as ObjectValue)[step as string] ?? null);
  }
  return cur;
}

function setPath(v: ObjectValue, path: (string | number)[], value: Value): ObjectValue {
  if (path.length === 0) return v;
  const [head, ...rest] = path;
  const copy: ObjectValue = { ...v };
  if (rest.length === 0) {
    copy[head as string] = value;
    return copy;
  }
  const child = copy[head as string];
  if (Array.isArray(child) && typeof rest[0] === "number") {
    const arr = [...child];
    const [idx, ...more] = rest as [number, ...(string | number)[]];
    if (arr[idx] !== undefined && arr[idx] !== null && typeof arr[idx] === "object") arr[idx] = more.length ? setPath(arr[idx] as ObjectValue, more, value) : value;
    copy[head as string] = arr;
  } else if (child && typeof child === "object" && !Array.isArray(child) && !isUnknown(child)) {
    copy[head as string] = setPath(child as ObjectValue, rest, value);
  }
  return copy;
}

/** The delete of an object the state holds (no longer configured, destroyed, or deposed). */
function deletion(address: string, inst: InstanceState, reason: string, before: ObjectValue, schemaVersion: number): ResourceChange {
  return {
    address,
    resource: address.replace(/\[.*\]$/, ""),
    mode: "managed",
    type: inst.type,
    name: inst.name,
    indexKey: inst.indexKey,
    each: inst.each,
    providerKey: providerKeyOf(inst.provider),
    provider: inst.provider,
    action: "delete",
    reason,
    createBeforeDestroy: false,
    before,
    after: null,
    changedPaths: [],
    requiresReplace: [],
    dependencies: inst.dependencies,
    schemaVersion,
  };
}
