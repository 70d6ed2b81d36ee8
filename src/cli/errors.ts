// The one way a command reports a failure it understands: a message that says what to do, an exit
// code, and, for a configuration problem, the engine's diagnostics. src/cli/main.ts prints it (one
// line on stderr, the JSON envelope on stdout with --json); no stack trace, since it is the user's
// to fix, not ours.
import { formatDiagnostic, type EngineDiagnostic } from "../engine/diagnostics.js";

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
    readonly diagnostics: readonly EngineDiagnostic[] = [],
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** A failure the engine reported as diagnostics: the first error is the message, all of them are kept. */
export function diagnosticsError(diagnostics: readonly EngineDiagnostic[]): CliError {
  const errors = diagnostics.filter((d) => d.severity === "error");
  const first = errors[0] ?? diagnostics[0];
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
  return new CliError(first ? formatDiagnostic(first) + more : "failed", 1, diagnostics);
}
