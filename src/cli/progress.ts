// Progress while refreshing and applying, built on the engine's hooks as terraform's UI is built on
// its own: a line (or JSON event) when an operation starts and ends, a heartbeat every interval for
// each operation still running, and one count line per interval for the phase as a whole. The
// timers live here, not in the engine: the engine only says what starts and what settles.
import type { EngineDiagnostic } from "../engine/diagnostics.js";
import type { ApplyPhaseEvent, EngineHooks } from "../engine/types.js";
import { UsageError } from "./args.js";

/**
 * A testing knob: how often heartbeats and count lines come (terraform's 10 s by default). Tests
 * shrink it to a few hundred milliseconds so a short apply shows what a long one shows.
 */
export const PROGRESS_INTERVAL_ENV = "OSLOGIN_PROGRESS_INTERVAL_MS";
export const DEFAULT_PROGRESS_INTERVAL_MS = 10_000;

export function progressIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = env[PROGRESS_INTERVAL_ENV];
  if (v === undefined || v === "") return DEFAULT_PROGRESS_INTERVAL_MS;
  if (!/^\d+$/.test(v.trim()) || Number(v) < 10) throw new UsageError(`${PROGRESS_INTERVAL_ENV} must be a whole number of milliseconds, at least 10, got ${JSON.stringify(v)}`);
  return Number(v);
}

export type FailedEvent = ApplyPhaseEvent & { diagnostic: EngineDiagnostic };

/** What a progress view shows; the text and the JSON-events views implement it. */
export interface ProgressView {
  refreshStart(objects: number): void;
  /** Every interval while refreshing: `done` of `objects` answered so far. */
  refreshCount(done: number, objects: number, elapsedMs: number): void;
  refreshDone(objects: number, ms: number): void;
  /** At most once per interval while planning: `done` of `resources` blocks planned. */
  planCount(done: number, resources: number, elapsedMs: number): void;
  applyStart(e: ApplyPhaseEvent): void;
  /** Every interval for an operation still running. */
  applyHeartbeat(e: ApplyPhaseEvent, elapsedMs: number): void;
  /** Every interval while applying: operations settled, how many there are, how many run right now. */
  applyCount(done: number, operations: number, running: number, elapsedMs: number): void;
  applyDone(e: ApplyPhaseEvent & { ms: number; id?: string }): void;
  /** elapsedMs: since the operation started (0 when it failed before it started). */
  applyFailed(e: FailedEvent, elapsedMs: number): void;
  applySkipped(e: ApplyPhaseEvent & { because: string }): void;
  retry(e: { address: string; attempt: number; delayMs: number; code: string }): void;
  lockWait(holder: string): void;
  lockTakenOver(holder: string): void;
}

/** A timer that must not keep the process alive (a command that fails midway still exits). */
function every(ms: number, fn: () => void): NodeJS.Timeout {
  const t = setInterval(fn, ms);
  t.unref();
  return t;
}

/** The engine hooks that drive `view`, with heartbeats and counts every `intervalMs`. */
export function trackedHooks(view: ProgressView, intervalMs: number): EngineHooks {
  // Operations running now, by address and phase (a replace's delete and create are two).
  const running = new Map<string, { started: number; timer: NodeJS.Timeout }>();
  const key = (e: ApplyPhaseEvent) => `${e.address}\n${e.phase}`;
  const settle = (e: ApplyPhaseEvent): number => {
    const r = running.get(key(e));
    if (!r) return 0;
    clearInterval(r.timer);
    running.delete(key(e));
    return Date.now() - r.started;
  };

  // Planning runs without yielding to timers: its count is printed from the hook, by the clock.
  let planning: { started: number; last: number } | undefined;
  let refresh: { started: number; done: number; objects: number; timer: NodeJS.Timeout } | undefined;
  let apply: { started: number; done: number; operations: number; timer: NodeJS.Timeout } | undefined;
  const stopRefresh = () => {
    if (refresh) clearInterval(refresh.timer);
    refresh = undefined;
  };
  const stopApply = () => {
    if (apply) clearInterval(apply.timer);
    apply = undefined;
    for (const r of running.values()) clearInterval(r.timer);
    running.clear();
  };

  return {
    refreshStart: (objects) => {
      stopRefresh();
      view.refreshStart(objects);
      const r = { started: Date.now(), done: 0, objects, timer: undefined as unknown as NodeJS.Timeout };
      r.timer = every(intervalMs, () => view.refreshCount(r.done, r.objects, Date.now() - r.started));
      refresh = r;
    },
    refreshProgress: (done) => {
      if (refresh) refresh.done = done;
    },
    refreshDone: (objects, ms) => {
      stopRefresh();
      view.refreshDone(objects, ms);
    },
    planProgress: (done, resources) => {
      const now = Date.now();
      if (!planning || done === 1) planning = { started: now, last: now };
      if (now - planning.last < intervalMs) return;
      planning.last = now;
      view.planCount(done, resources, now - planning.started);
    },
    applyBegin: (operations) => {
      stopApply();
      const a = { started: Date.now(), done: 0, operations, timer: undefined as unknown as NodeJS.Timeout };
      a.timer = every(intervalMs, () => view.applyCount(a.done, a.operations, running.size, Date.now() - a.started));
      apply = a;
    },
    applyProgress: (done) => {
      if (apply) apply.done = done;
    },
    applyEnd: () => stopApply(),
    applyStart: (e) => {
      settle(e);
      view.applyStart(e);
      const started = Date.now();
      running.set(key(e), { started, timer: every(intervalMs, () => view.applyHeartbeat(e, Date.now() - started)) });
    },
    applyDone: (e) => {
      settle(e);
      view.applyDone(e);
    },
    applyFailed: (e) => view.applyFailed(e, settle(e)),
    applySkipped: (e) => view.applySkipped(e),
    retry: (e) => view.retry(e),
    lockWait: (h) => view.lockWait(h),
    lockTakenOver: (h) => view.lockTakenOver(h),
  };
}

/** Elapsed time as terraform prints it: "0.4s" under 10 s, then "12s", "1m5s", "2h0m7s". */
export function formatElapsed(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h) return `${h}h${m}m${s}s`;
  if (m) return `${m}m${s}s`;
  return `${s}s`;
}
