// The engine's boundary: every operation the CLI needs, each returning diagnostics (never throwing
// for bad input or cloud errors), reporting progress through hooks, holding the state lock while
// it reads or writes state.
import path from "node:path";
import { applyPlan, type ApplyResult } from "./apply/applier.js";
import type { StackConfig } from "./config/config.js";
import { loadStack } from "./config/load.js";
import { DEFAULT_RETRY, Limiter } from "./concurrency.js";
import { diagnosticFromError, errorAt, hasErrors, warningAt, type EngineDiagnostic } from "./diagnostics.js";
import { makePlan } from "./plan/planner.js";
import { describeHolder, type HeldLock } from "./state/lock.js";
import { backendFor, stackBackend, type StateBackend } from "./state/backend.js";
import { DEFAULT_WORKSPACE, selectedWorkspace, type SelectedWorkspace } from "./state/workspaces.js";
import { savedPlanElsewhere } from "./planfile.js";
import { BACKEND_CHANGED, backendChange } from "./state/backend-record.js";
import {
  instanceAddress,
  parseInstanceAddress,
  type InstanceState,
  type State,
} from "./state/state.js";
import { removeTempFilesInFlight, statePaths, type StateWriter } from "./state/store.js";
import type { EngineOptions, Plan } from "./types.js";
import { planMoves, recordMoves } from "./plan/moves.js";
import { replayMoves } from "./config/moved.js";
import { planImports, readForImport, recordImports, type ImportContext } from "./plan/import-blocks.js";
import type { VariableAssignment } from "./config/tfvars.js";
import { TARGETED_APPLY_WARNING } from "./plan/targets.js";

/** -lock=false: said once per command, in the words of terraform's help for the flag. */
const LOCK_DISABLED_WARNING = warningAt(
  undefined,
  "State lock disabled",
  "-lock=false: this command does not hold the state lock. This is dangerous if others might concurrently run commands against the same state.",
);

export interface StackRef {
  /** The synth output directory holding manifest.json (default cdktf.out). */
  outDir: string;
  stack?: string;
}

export interface PlanRequest extends StackRef {
  mode?: Plan["mode"];
  /** false: plan from state as it is, reading nothing from the cloud (-refresh=false). */
  refresh?: boolean;
  /** Instances to replace even if unchanged (-replace=ADDR). */
  replace?: string[];
  /** Plan only these addresses or construct paths, with what they depend on (-target=ADDR). */
  targets?: string[];
  /** Values for variable blocks from -var, -var-file and the variables files (see config/tfvars.ts). */
  variables?: VariableAssignment[];
}

export interface RunResult {
  plan?: Plan;
  applied?: ApplyResult["counts"];
  diagnostics: EngineDiagnostic[];
}

export class Engine {
  private readonly limiter: Limiter;
  /** The refresh's reads: their own cap when refreshParallelism is set. */
  private readonly readLimiter: Limiter;
  /** Aborted by interrupt(): no cloud operation starts after it. */
  private readonly stopping = new AbortController();
  /** The lock held right now (none with -lock=false), and the writer of the apply running under it (for abandon()). */
  private held: { lock?: HeldLock; writer?: StateWriter } | undefined;

  constructor(private readonly opts: EngineOptions) {
    this.limiter = new Limiter(opts.parallelism ?? 10);
    this.readLimiter = opts.refreshParallelism ? new Limiter(opts.refreshParallelism) : this.limiter;
  }

  private get retry() {
    return this.opts.retry ?? DEFAULT_RETRY;
  }

  /** The stack's configuration, with its state backend resolved (a bad backend block is an error). */
  private load(ref: StackRef): { config?: StackConfig; backend?: StateBackend; workspace?: SelectedWorkspace; diagnostics: EngineDiagnostic[] } {
    const { config, diagnostics } = loadStack(ref.outDir, ref.stack);
    if (!config) return { diagnostics };
    const ws = selectedWorkspace(statePaths(this.opts.dataDir, config.stack).dir);
    if (typeof ws === "string") return { diagnostics: [...diagnostics, errorAt(undefined, "Invalid workspace", ws)] };
    config.workspace = ws.name;
    const backend = this.backendOf(config);
    if (typeof backend === "string") return { diagnostics: [...diagnostics, errorAt(undefined, "Unsupported state backend", backend)] };
    const changed = backendChange(this.opts.dataDir, config.stack, { backend: config.backend ?? null, dir: path.dirname(config.file) });
    if (changed) return { diagnostics: [...diagnostics, errorAt(undefined, BACKEND_CHANGED, changed)] };
    return { config, backend, workspace: ws, diagnostics };
  }

  private backendOf(config: StackConfig): StateBackend | string {
    return backendFor(config.backend, path.dirname(config.file), statePaths(this.opts.dataDir, config.stack), config.workspace);
  }

  /**
   * The backend of a stack named without a plan (state, output, force-unlock): the one its
   * synthesized configuration in outDir declares, else the data directory's.
   */
  backendOfStack(stack: string, outDir?: string): StateBackend | string {
    return stackBackend(outDir, this.opts.dataDir, stack);
  }

  /** backendOfStack, or the error diagnostic why there is none to use. */
  private stackBackendOr(stack: string, outDir?: string): StateBackend | EngineDiagnostic {
    const b = this.backendOfStack(stack, outDir);
    if (typeof b !== "string") return b;
    const changed = b.startsWith(`${BACKEND_CHANGED}: `);
    return errorAt(undefined, changed ? BACKEND_CHANGED : "Unsupported state backend", changed ? b.slice(BACKEND_CHANGED.length + 2) : b);
  }

  /** Runs fn with the stack's state lock held (waiting up to lockTimeoutMs). */
  private async locked<T extends { diagnostics: EngineDiagnostic[] }>(backend: StateBackend, operation: string, fn: () => Promise<T>): Promise<T | { diagnostics: EngineDiagnostic[] }> {
    if (this.opts.lock === false) return this.unlocked(fn);
    const timeout = this.opts.lockTimeoutMs ?? 0;
    const r = await backend.lock(operation, timeout, (holder) => this.opts.hooks?.lockWait?.(holder));
    if (!r.ok) {
      return {
        diagnostics: [
          errorAt(undefined, "Error acquiring the state lock", `${r.reason}${timeout ? ` (waited ${Math.round(timeout / 1000)} s)` : ""}; wait for it to finish, use --lock-timeout to wait, or "oslogin force-unlock ID" if that process is gone`),
        ],
      };
    }
    if (r.tookOverFrom) this.opts.hooks?.lockTakenOver?.(describeHolder(r.tookOverFrom));
    this.held = { lock: r.lock };
    try {
      // A process killed while writing the state left its temp file; the lock makes it ours to remove.
      backend.removeStaleTempFiles();
      await this.opts.hooks?.lockHeld?.();
      return await fn();
    } catch (e) {
      // Programming errors still must not leave a lock behind or reach the user as a stack.
      return { diagnostics: [diagnosticFromError(undefined, "Internal error", e)] };
    } finally {
      this.held = undefined;
      await r.lock.release();
    }
  }

  /** -lock=false: fn without the state lock (and so without removing anyone's temp files). */
  private async unlocked<T extends { diagnostics: EngineDiagnostic[] }>(fn: () => Promise<T>): Promise<T | { diagnostics: EngineDiagnostic[] }> {
    this.held = {};
    try {
      const r = await fn();
      r.diagnostics.unshift(LOCK_DISABLED_WARNING);
      return r;
    } catch (e) {
      return { diagnostics: [diagnosticFromError(undefined, "Internal error", e)] };
    } finally {
      this.held = undefined;
    }
  }

  /**
   * The first Ctrl-C: start no further cloud operation. Those in flight finish and are recorded,
   * the state is written and the lock released as usual; the run reports what was not started.
   */
  interrupt(): void {
    this.stopping.abort();
  }

  get interrupted(): boolean {
    return this.stopping.signal.aborted;
  }

  /**
   * The second Ctrl-C, right before the process exits: synchronously writes what the running apply
   * has recorded so far, removes temp files of writes in flight, and releases the lock. Operations
   * still in flight are lost to this process; their creates are in the state's pending list, so
   * the next apply adopts what they made.
   */
  abandon(): { wroteState: boolean } {
    const held = this.held;
    let wroteState = false;
    try {
      if (held?.writer) wroteState = held.writer.writeNowSync();
    } finally {
      removeTempFilesInFlight();
      // A database lock needs no wait: its session ends with the process, and the lock with it.
      void held?.lock?.release();
      this.held = undefined;
    }
    return { wroteState };
  }

  private interruptedBeforeApply(): EngineDiagnostic {
    return errorAt(undefined, "Interrupted", "stopped before applying anything: the cloud and the state are unchanged");
  }

  private async readState(backend: StateBackend): Promise<{ state?: State; diagnostics: EngineDiagnostic[] }> {
    const s = await backend.read();
    if (typeof s === "string") return { diagnostics: [errorAt(undefined, "Cannot read the state", s)] };
    return { state: s, diagnostics: [] };
  }

  private async planWith(config: StackConfig, backend: StateBackend, stored: State, req: PlanRequest) {
    // moved blocks edit a copy of the state; apply repeats the recorded moves on the real one.
    const moved = planMoves(config, stored);
    if (hasErrors(moved.diagnostics)) return { diagnostics: moved.diagnostics };
    const imported = req.mode === "destroy" ? { state: moved.state, imports: [], diagnostics: [] } : await planImports(this.importContext(config, req.variables), moved.state);
    if (hasErrors(imported.diagnostics)) return { diagnostics: [...moved.diagnostics, ...imported.diagnostics] };
    const r = await makePlan({
      cloud: this.opts.cloud,
      config,
      state: imported.state,
      definitions: this.opts.definitions,
      mode: req.mode ?? "normal",
      refresh: req.refresh ?? true,
      variables: this.opts.variables ?? {},
      assignments: req.variables,
      limiter: this.limiter,
      readLimiter: this.readLimiter,
      retry: this.retry,
      hooks: this.opts.hooks,
      replace: req.replace,
      targets: req.targets,
      moves: moved.moves,
    });
    if (r.plan) recordMoves(r.plan, moved.moves);
    if (r.plan) {
      // What apply of the saved plan checks it is applied to (planfile.ts).
      r.plan.workspace = config.workspace ?? DEFAULT_WORKSPACE;
      r.plan.stateLocation = backend.location;
      // A -target plan adopts only what it targets (the others have no change in it), as terraform does.
      const planned = new Set(r.plan.changes.map((c) => c.address));
      recordImports(r.plan, r.plan.targets ? imported.imports.filter((i) => planned.has(i.address)) : imported.imports);
    }
    const diagnostics = [...moved.diagnostics, ...r.diagnostics];
    if (r.plan) r.plan.warnings = [...moved.diagnostics.filter((d) => d.severity === "warning"), ...r.plan.warnings];
    return { plan: r.plan, diagnostics };
  }

  /** plan: refresh and compute changes; writes nothing. */
  async plan(req: PlanRequest): Promise<{ plan?: Plan; diagnostics: EngineDiagnostic[] }> {
    const { config, backend, diagnostics } = this.load(req);
    if (!config || !backend || hasErrors(diagnostics)) return { diagnostics };
    return this.locked(backend, "OperationTypePlan", async () => {
      const s = await this.readState(backend);
      if (!s.state) return { diagnostics: s.diagnostics };
      const r = await this.planWith(config, backend, s.state, req);
      return { plan: r.plan, diagnostics: [...diagnostics, ...r.diagnostics] };
    });
  }

  /**
   * plan then apply under one lock (apply without a plan file, destroy, refresh). `confirm` sees
   * the plan and its warnings (to show them before asking, as terraform does) and may decline;
   * without it the plan is applied when it has no errors.
   */
  async run(req: PlanRequest, confirm?: (plan: Plan, warnings: readonly EngineDiagnostic[]) => Promise<boolean>): Promise<RunResult> {
    const { config, backend, diagnostics } = this.load(req);
    if (!config || !backend || hasErrors(diagnostics)) return { diagnostics };
    return this.locked(backend, "OperationTypeApply", async (): Promise<RunResult> => {
      const s = await this.readState(backend);
      if (!s.state) return { diagnostics: s.diagnostics };
      const r = await this.planWith(config, backend, s.state, req);
      if (!r.plan || hasErrors(r.diagnostics)) return { diagnostics: [...diagnostics, ...r.diagnostics] };
      if (this.interrupted) return { plan: r.plan, diagnostics: [...diagnostics, ...r.diagnostics, this.interruptedBeforeApply()] };
      if (confirm && !(await confirm(r.plan, [...diagnostics, ...r.diagnostics]))) return { plan: r.plan, diagnostics: [...diagnostics, ...r.diagnostics] };
      if (this.interrupted) return { plan: r.plan, diagnostics: [...diagnostics, ...r.diagnostics, this.interruptedBeforeApply()] };
      const a = await this.applyLocked(config, backend, s.state, r.plan);
      return { plan: r.plan, applied: a.counts, diagnostics: [...diagnostics, ...r.diagnostics, ...a.diagnostics] };
    });
  }

  /**
   * apply a saved plan: refuses it in another workspace or against another backend than it was
   * made for, and when the configuration or the state moved since it was made.
   */
  async applySaved(plan: Plan, ref: StackRef): Promise<RunResult> {
    const { config, backend, workspace, diagnostics } = this.load({ outDir: ref.outDir, stack: ref.stack ?? plan.stack });
    if (!config || !backend || !workspace || hasErrors(diagnostics)) return { diagnostics };
    if (config.stack !== plan.stack) return { diagnostics: [errorAt(undefined, "Wrong stack", `the plan is for stack "${plan.stack}", not "${config.stack}"`)] };
    const elsewhere = savedPlanElsewhere(plan, workspace, backend.location);
    if (elsewhere) return { diagnostics: [elsewhere] };
    if (config.hash !== plan.configHash) {
      return { diagnostics: [errorAt(undefined, "Saved plan is stale", "the configuration changed since the plan was made (synth ran again); run plan again")] };
    }
    return this.locked(backend, "OperationTypeApply", async (): Promise<RunResult> => {
      const s = await this.readState(backend);
      if (!s.state) return { diagnostics: s.diagnostics };
      // A plan made before any state existed: the fresh state takes the plan's lineage.
      if (plan.serial === 0 && s.state.serial === 0 && s.state.instances.size === 0) s.state.lineage = plan.lineage;
      if (s.state.lineage !== plan.lineage) {
        return {
          diagnostics: [
            errorAt(undefined, "Saved plan is for another state", `the plan was made against lineage ${plan.lineage}, the stack's state has lineage ${s.state.lineage}; run plan again`),
          ],
        };
      }
      if (s.state.serial !== plan.serial) {
        return {
          diagnostics: [errorAt(undefined, "Saved plan is stale", `the state changed since the plan was made (serial ${plan.serial} -> ${s.state.serial}); run plan again`)],
        };
      }
      const a = await this.applyLocked(config, backend, s.state, plan);
      return { plan, applied: a.counts, diagnostics: a.diagnostics };
    });
  }

  private async applyLocked(config: StackConfig, backend: StateBackend, state: State, plan: Plan): Promise<ApplyResult> {
    if (plan.moves?.length) replayMoves(state, plan.moves);
    let imported = 0;
    for (const i of plan.imports ?? []) {
      if (state.instances.has(i.address)) continue;
      state.instances.set(i.address, i.instance);
      imported++;
    }
    const writer = backend.writer(state);
    if (this.held) this.held.writer = writer;
    const applied = await applyPlan({
      signal: this.stopping.signal,
      cloud: this.opts.cloud,
      config,
      plan,
      writer,
      definitions: this.opts.definitions,
      limiter: this.limiter,
      retry: this.retry,
      hooks: this.opts.hooks,
    });
    // Imports reach state with the apply's first write; terraform counts them in its summary.
    if (imported) applied.counts.imported = imported;
    if (plan.targets?.length) applied.diagnostics.push(TARGETED_APPLY_WARNING);
    return applied;
  }

  private importContext(config: StackConfig, assignments?: VariableAssignment[]): ImportContext {
    return { cloud: this.opts.cloud, config, definitions: this.opts.definitions, variables: this.opts.variables ?? {}, assignments, retry: this.retry };
  }

  /** import ADDR ID: adopt an existing object into state (the address must be declared). */
  async import(ref: StackRef & Pick<PlanRequest, "variables">, address: string, id: string): Promise<{ instance?: InstanceState; diagnostics: EngineDiagnostic[] }> {
    const { config, backend, diagnostics } = this.load(ref);
    if (!config || !backend || hasErrors(diagnostics)) return { diagnostics };
    const parsed = parseInstanceAddress(address);
    if (!parsed || parsed.mode !== "managed") return { diagnostics: [errorAt(address, "Invalid address", 'expected TYPE.NAME, TYPE.NAME[N] or TYPE.NAME["KEY"]')] };
    return this.locked(backend, "OperationTypeImport", async () => {
      const s = await this.readState(backend);
      if (!s.state) return { diagnostics: s.diagnostics };
      const canonical = instanceAddress(parsed.resource, parsed.indexKey);
      if (s.state.instances.has(canonical) && config.resources.some((r) => r.address === parsed.resource)) {
        return { diagnostics: [errorAt(canonical, "Resource already managed", `${canonical} is already in state; remove it with "oslogin state rm" first`)] };
      }
      const r = await readForImport(this.importContext(config, ref.variables), address, id);
      if (!r.instance || !r.address) return { diagnostics: r.diagnostics };
      s.state.instances.set(r.address, r.instance);
      await backend.writer(s.state).flush();
      return { instance: r.instance, diagnostics: [] };
    });
  }

  /** Reads the state without locking (state list/show, output); outDir locates the stack's backend. */
  async currentState(stack: string, outDir?: string): Promise<{ state?: State; diagnostics: EngineDiagnostic[] }> {
    const backend = this.stackBackendOr(stack, outDir);
    if (!("read" in backend)) return { diagnostics: [backend] };
    return this.readState(backend);
  }

  /** state rm / state mv: edit state under the lock, one write with a backup. */
  async editState(stack: string, edit: (s: State) => EngineDiagnostic[], outDir?: string): Promise<{ diagnostics: EngineDiagnostic[] }> {
    const backend = this.stackBackendOr(stack, outDir);
    if (!("read" in backend)) return { diagnostics: [backend] };
    return this.locked(backend, "OperationTypeStateEdit", async () => {
      const s = await this.readState(backend);
      if (!s.state) return { diagnostics: s.diagnostics };
      const d = edit(s.state);
      if (hasErrors(d)) return { diagnostics: d };
      await backend.writer(s.state).flush();
      return { diagnostics: d };
    });
  }

  forceUnlock(stack: string, id: string, outDir?: string): { diagnostics: EngineDiagnostic[]; holder?: string } {
    const backend = this.stackBackendOr(stack, outDir);
    if (!("read" in backend)) return { diagnostics: [backend] };
    const r = backend.forceUnlock(id);
    if (!r.ok) return { diagnostics: [errorAt(undefined, "Cannot unlock", r.reason)] };
    return { diagnostics: [], holder: r.holder };
  }
}
