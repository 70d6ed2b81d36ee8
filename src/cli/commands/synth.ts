// `oslogin synth`: run the CDKTF app named in cdktf.json ("app") so it writes cdktf.out.
import path from "node:path";
import { bool, parseArgs, str, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { DEFAULT_OUT_DIR } from "../engine-session.js";
import { EXIT } from "../engine-output.js";
import { cdktfApp } from "../checks.js";
import { CliError } from "../errors.js";
import { printJsonResult } from "../views/json.js";
import { runSynth, type SynthResult } from "../synth/run.js";

const help = `oslogin synth: run the CDKTF app to produce cdktf.out

Usage: oslogin synth [--app CMD] [--out-dir D] [--json]

Runs the "app" of ./cdktf.json from its source: a TypeScript entry (e.g. "npx tsx main.ts")
runs through tsx while the compiler checks it with the app's tsconfig.json; a type error fails
the synth. ("node dist/x.js" runs x.ts when tsconfig.json compiles it from there.) Any other
command runs as written. The app writes into a temporary directory that replaces cdktf.out
only when the synth succeeded; a failed synth marks the old cdktf.out as stale, so plan and
apply refuse it. plan and apply run this first unless given --skip-synth. An error the app
does not catch is shown as its message and place, without Node's stack (OSLOGIN_DEBUG=1 keeps it).

Flags:
  --app CMD      run this command instead of cdktf.json's "app"
  --out-dir D    where the app writes (default: ${DEFAULT_OUT_DIR})
  --json         print {outDir, stacks, ms} in the JSON envelope (docs/cli.md)

Exit codes: 0 success, 1 the app failed, does not type-check or wrote no manifest, 2 usage error.

Example:
  oslogin synth && oslogin plan --skip-synth`;

/** A failed synth as the user sees it: the compiler's errors (if any) on stderr, then the one-line error. */
export function synthFailure(r: SynthResult, prefix = ""): CliError {
  for (const line of r.typeErrors ?? []) console.error(line);
  return new CliError(`${prefix}${r.message ?? "failed"}`);
}

const command: Command = {
  name: "synth",
  summary: "Run the CDKTF app (cdktf.json) to write cdktf.out",
  help,
  async run(argv) {
    const args = parseArgs(argv, { app: { value: true }, "out-dir": { value: true }, json: {} });
    if (args.positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
    const app = str(args, "app") ?? cdktfApp();
    const outDir = path.resolve(str(args, "out-dir") ?? DEFAULT_OUT_DIR);
    const started = Date.now();
    const r = await runSynth(app, outDir);
    if (!r.ok) throw synthFailure(r);
    if (bool(args, "json")) printJsonResult("synth", { outDir, stacks: r.stacks, ms: Date.now() - started });
    else console.log(`Synthesized ${r.stacks.join(", ")} into ${path.relative(".", outDir) || "."} in ${((Date.now() - started) / 1000).toFixed(1)}s.`);
    return EXIT.OK;
  },
};

export default command;
