// Engine diagnostics: the resource definitions' Diagnostic plus the address of the block it is
// about. Nothing throws across the engine's boundary: every public entry point returns these.
import type { AttributePath, Diagnostic } from "../resources/define.js";
import { formatPath } from "../resources/plan.js";

export interface EngineDiagnostic extends Diagnostic {
  /** "yandex_compute_instance.vm[0]", "output.ip", "provider.yandex"... */
  address?: string;
}

export const errorAt = (address: string | undefined, summary: string, detail?: string, path?: AttributePath): EngineDiagnostic => ({
  severity: "error",
  summary,
  detail,
  path,
  address,
});

export const warningAt = (address: string | undefined, summary: string, detail?: string, path?: AttributePath): EngineDiagnostic => ({
  severity: "warning",
  summary,
  detail,
  path,
  address,
});

export const hasErrors = (d: readonly Diagnostic[]): boolean => d.some((x) => x.severity === "error");

/** One line: "Error: <summary> (yandex_x.y, attribute a.b): detail". */
export function formatDiagnostic(d: EngineDiagnostic): string {
  const where = [d.address, d.path && d.path.length ? `attribute ${formatPath(d.path)}` : undefined].filter(Boolean).join(", ");
  return `${d.severity === "error" ? "Error" : "Warning"}: ${d.summary}${where ? ` (${where})` : ""}${d.detail ? `: ${d.detail}` : ""}`;
}

/** Anything thrown by code we call (a definition, the cloud), as a diagnostic with no stack. */
export function diagnosticFromError(address: string | undefined, summary: string, e: unknown): EngineDiagnostic {
  const msg = e instanceof Error ? e.message : String(e);
  const code = typeof e === "object" && e !== null && "code" in e && typeof (e as { code: unknown }).code === "string" ? `${(e as { code: string }).code}: ` : "";
  return errorAt(address, summary, `${code}${msg}`);
}
