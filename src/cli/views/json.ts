// The JSON envelope every `--json` output uses, success or failure (docs/cli.md): one object on one
// line, {"ok": true, "command": ..., ...result} or {"ok": false, "command": ..., "exit_code",
// "error", "diagnostics"}. Commands build their result object; only this module shapes the envelope.
import type { EngineDiagnostic } from "../../engine/diagnostics.js";

export function jsonResult(command: string, result: Record<string, unknown> = {}): string {
  return JSON.stringify({ ok: true, command, ...result });
}

/** `extra`: what a failed command still has to tell (apply: what it applied before the failure). */
export function jsonFailure(command: string, exitCode: number, error: string, diagnostics: readonly EngineDiagnostic[] = [], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ok: false, command, exit_code: exitCode, error, diagnostics, ...extra });
}

export function printJsonResult(command: string, result: Record<string, unknown> = {}): void {
  console.log(jsonResult(command, result));
}
