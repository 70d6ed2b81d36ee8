// `oslogin validate`: check the synthesized configuration without the cloud or the state, as
// terraform validate does; -json prints terraform's validate JSON (format_version, valid,
// error_count, warning_count, diagnostics).
import path from "node:path";
import { bool, parseArgs, str, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { DEFAULT_OUT_DIR } from "../engine-session.js";
import { EXIT, printDiagnostics } from "../engine-output.js";
import { makeStyle } from "../render/style.js";
import { SYNTH_FIRST_FLAGS, SYNTH_FIRST_HELP, synthFirst } from "../synth/first.js";
import { validateStack } from "../../engine/validate.js";
import type { EngineDiagnostic } from "../../engine/diagnostics.js";
import { formatPath } from "../../resources/plan.js";
import { findDefinition } from "../../resources/registry.js";

const help = `oslogin validate: check the configuration without touching the cloud or the state

Usage: oslogin validate [-json] [--stack NAME] [--out-dir D] [--skip-synth] [--no-color]

Synthesizes first (the app of ./cdktf.json, as "oslogin synth"), then checks the stack as
terraform validate does: every block is one the engine understands, references resolve to
declared blocks without a cycle, every resource and data source type exists, expressions
evaluate, and every resource body fits its schema and rules (required arguments, formats,
roles). Variables and values other resources get at apply are unknown here, so a rule that
depends on them is left to plan. Neither the cloud nor the state is read and nothing is locked,
so it runs anywhere (a pull request's CI).

Flags:
  -json                print terraform's validate JSON: {"format_version": "1.0", "valid",
                       "error_count", "warning_count", "diagnostics": [{severity, summary,
                       detail, address}]}
  --stack NAME         the stack to check (default: the only stack in cdktf.out)
  --out-dir D          the synth output with manifest.json (default: ${DEFAULT_OUT_DIR})
${SYNTH_FIRST_HELP}
  --no-color           never colour

Exit codes: 0 valid (warnings allowed), 1 invalid, 2 usage error.

Example:
  oslogin validate
  oslogin validate -json --skip-synth`;

/** One diagnostic as terraform validate -json writes it; we name the block by address, not a source range. */
function jsonDiagnostic(d: EngineDiagnostic): Record<string, unknown> {
  return {
    severity: d.severity,
    summary: d.summary,
    detail: d.detail ?? "",
    ...(d.address ? { address: d.address } : {}),
    ...(d.path?.length ? { attribute: formatPath(d.path) } : {}),
  };
}

const command: Command = {
  name: "validate",
  summary: "Check the configuration without touching the cloud or the state",
  help,
  async run(argv) {
    const args = parseArgs(argv, { ...SYNTH_FIRST_FLAGS, json: {}, stack: { value: true }, "out-dir": { value: true }, "no-color": {} });
    if (args.positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
    await synthFirst(args);
    const outDir = path.resolve(str(args, "out-dir") ?? DEFAULT_OUT_DIR);
    const { diagnostics } = validateStack(outDir, str(args, "stack"), findDefinition);
    const errors = diagnostics.filter((d) => d.severity === "error").length;
    const warnings = diagnostics.length - errors;
    if (bool(args, "json")) {
      const out = { format_version: "1.0", valid: errors === 0, error_count: errors, warning_count: warnings, diagnostics: diagnostics.map(jsonDiagnostic) };
      console.log(JSON.stringify(out, null, 2));
    } else {
      const style = makeStyle(!bool(args, "no-color") && process.stdout.isTTY === true && !process.env.NO_COLOR);
      printDiagnostics(diagnostics, style);
      if (errors === 0) console.log(style.green(`Success! The configuration is valid${warnings ? ", but there were some validation warnings as shown above" : ""}.`));
    }
    return errors ? EXIT.ERROR : EXIT.OK;
  },
};

export default command;
