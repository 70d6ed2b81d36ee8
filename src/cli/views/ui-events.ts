// `--json-events`: the run as terraform's machine-readable UI prints it with -json, one JSON object per
// line on stdout, each with @level, @message, @module, @timestamp and type. The message types are
// terraform's where one fits (version, planned_change, resource_drift, change_summary, refresh_start,
// refresh_complete, apply_start, apply_progress, apply_complete, apply_errored, outputs,
// diagnostic); oslogin adds progress_count and apply_skipped. docs/progress.md lists the
// fields and where they differ from terraform's.
import { formatDiagnostic, type EngineDiagnostic } from "../../engine/diagnostics.js";
import { parseInstanceAddress, type OutputState } from "../../engine/state/state.js";
import type { ApplyPhaseEvent } from "../../engine/types.js";
import { formatElapsed, type ProgressView } from "../progress.js";
import { PHASE_WORDS } from "./progress-text.js";

export const UI_VERSION = "1.2";
export const OSLOGIN_VERSION = "0.1.0";

type Level = "info" | "warn" | "error";

export type UiEvent = { "@level": Level; "@message": string; "@module": "oslogin.ui"; "@timestamp": string; type: string } & Record<string, unknown>;

export function uiEvent(type: string, message: string, fields: Record<string, unknown> = {}, level: Level = "info"): UiEvent {
  return { "@level": level, "@message": message, "@module": "oslogin.ui", "@timestamp": new Date().toISOString(), type, ...fields };
}

/** terraform's resource object of a hook or change; a deposed object's " (deposed)" suffix is dropped. */
export function resourceObject(address: string): Record<string, unknown> {
  const addr = address.replace(/ \(deposed\)$/, "");
  const p = parseInstanceAddress(addr);
  return {
    addr,
    module: "",
    resource: p?.resource ?? addr,
    implied_provider: p ? p.type.split("_")[0] : "",
    resource_type: p?.type ?? "",
    resource_name: p?.name ?? "",
    resource_key: p?.indexKey ?? null,
  };
}

const seconds = (ms: number) => Math.floor(ms / 1000);

function hook(e: ApplyPhaseEvent, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { hook: { resource: resourceObject(e.address), action: e.phase, ...extra } };
}

/** The progress view that prints events through `emit` (one JSON line each by default). */
export function eventsProgressView(emit: (e: UiEvent) => void = printEvent): ProgressView {
  return {
    refreshStart: (n) => emit(uiEvent("refresh_start", `Refreshing state of ${n} objects...`, { refresh: { objects: n } })),
    refreshCount: (done, n, ms) =>
      emit(uiEvent("progress_count", `Refreshing state... ${done}/${n} objects [${formatElapsed(ms)} elapsed]`, { progress: { operation: "refresh", done, total: n, elapsed_seconds: seconds(ms) } })),
    refreshDone: (n, ms) => emit(uiEvent("refresh_complete", `Refreshed ${n} objects in ${formatElapsed(ms)}`, { refresh: { objects: n, elapsed_seconds: ms / 1000 } })),
    planCount: (done, n, ms) =>
      emit(uiEvent("progress_count", `Planning... ${done}/${n} resources [${formatElapsed(ms)} elapsed]`, { progress: { operation: "plan", done, total: n, elapsed_seconds: seconds(ms) } })),
    applyStart: (e) => emit(uiEvent("apply_start", `${e.address}: ${PHASE_WORDS[e.phase].start}`, hook(e))),
    applyHeartbeat: (e, ms) => emit(uiEvent("apply_progress", `${e.address}: ${PHASE_WORDS[e.phase].still} [${formatElapsed(ms)} elapsed]`, hook(e, { elapsed_seconds: seconds(ms) }))),
    applyCount: (done, n, running, ms) =>
      emit(
        uiEvent("progress_count", `Progress: ${done}/${n} operations finished, ${running} running [${formatElapsed(ms)} elapsed]`, {
          progress: { operation: "apply", done, total: n, running, elapsed_seconds: seconds(ms) },
        }),
      ),
    applyDone: (e) =>
      emit(
        uiEvent(
          "apply_complete",
          `${e.address}: ${PHASE_WORDS[e.phase].done} after ${formatElapsed(e.ms)}${e.id ? ` [id=${e.id}]` : ""}`,
          hook(e, { ...(e.id ? { id_key: "id", id_value: e.id } : {}), elapsed_seconds: seconds(e.ms) }),
        ),
      ),
    applyFailed: (e, ms) => emit(uiEvent("apply_errored", `${e.address}: ${PHASE_WORDS[e.phase].errored} after ${formatElapsed(ms)}`, hook(e, { elapsed_seconds: seconds(ms) }))),
    applySkipped: (e) => emit(uiEvent("apply_skipped", `${e.address}: skipped (${e.because} failed)`, hook(e, { because: e.because }), "warn")),
    retry: (e) => emit(uiEvent("retry", `${e.address}: ${e.code}, retrying in ${e.delayMs} ms (attempt ${e.attempt + 1})`, { retry: { address: e.address, attempt: e.attempt + 1, delay_ms: e.delayMs, code: e.code } })),
    lockWait: (h) => emit(uiEvent("lock_wait", `Waiting for the state lock held by ${h}...`, { holder: h })),
    lockTakenOver: (h) => emit(uiEvent("lock_taken_over", `Took over a stale state lock: its holder is gone: ${h}`, { holder: h }, "warn")),
  };
}

export function printEvent(e: UiEvent): void {
  console.log(JSON.stringify(e));
}

export const versionEvent = (): UiEvent => uiEvent("version", `oslogin ${OSLOGIN_VERSION}`, { oslogin: OSLOGIN_VERSION, ui: UI_VERSION });

export function diagnosticEvent(d: EngineDiagnostic): UiEvent {
  const severity = d.severity === "error" ? "error" : "warning";
  return uiEvent(
    "diagnostic",
    formatDiagnostic(d),
    { diagnostic: { severity, summary: d.summary, detail: d.detail ?? "", ...(d.address ? { address: d.address } : {}) } },
    severity === "error" ? "error" : "warn",
  );
}

/** After an apply: the summary (its @message is the line a terminal shows). */
export function applySummaryEvent(
  counts: { imported?: number; added: number; changed: number; destroyed: number; failed: number; skipped: number; forgotten?: number; interrupted: number },
  destroy: boolean,
  message: string,
): UiEvent {
  return uiEvent("change_summary", message, {
    changes: { add: counts.added, change: counts.changed, import: counts.imported ?? 0, remove: counts.destroyed, operation: destroy ? "destroy" : "apply" },
    ...(counts.failed || counts.skipped || counts.interrupted || counts.forgotten
      ? { oslogin: { failed: counts.failed, skipped: counts.skipped, not_started: counts.interrupted, forgotten: counts.forgotten ?? 0 } }
      : {}),
  });
}

/** The outputs after an apply, with their values; sensitive ones without (as the text output redacts them). */
export function outputsEvent(outputs: Record<string, OutputState>): UiEvent {
  const fields: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(outputs)) fields[name] = { sensitive: !!o.sensitive, ...(o.sensitive ? {} : { value: o.value }) };
  return uiEvent("outputs", `Outputs: ${Object.keys(outputs).length}`, { outputs: fields });
}
