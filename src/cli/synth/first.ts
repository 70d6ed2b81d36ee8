// plan and apply synthesize first, as `cdktf diff` and `cdktf deploy` do, so they never plan an
// output older than the app. --skip-synth uses cdktf.out as it is (still refused if the last synth
// failed). Without a cdktf.json there is nothing to run: cdktf.out is used as it is.
import { existsSync } from "node:fs";
import path from "node:path";
import { bool, str, type FlagSpec, type ParsedArgs } from "../args.js";
import { cdktfApp } from "../checks.js";
import { DEFAULT_OUT_DIR } from "../engine-session.js";
import { synthFailure } from "../commands/synth.js";
import { runSynth } from "./run.js";

export const SYNTH_FIRST_FLAGS: Record<string, FlagSpec> = { "skip-synth": {} };

export const SYNTH_FIRST_HELP = `  --skip-synth         use cdktf.out as it is (default: run the app of ./cdktf.json first)`;

/** The app of ./cdktf.json when there is one (a cdktf.json without a usable app is an error). */
export const cdktfAppIfAny = (): string | undefined => (existsSync("cdktf.json") ? cdktfApp() : undefined);

/** Synthesizes when ./cdktf.json names an app; throws the failure (CliError) when that failed. */
export async function synthFirst(args: ParsedArgs): Promise<void> {
  if (bool(args, "skip-synth")) return;
  const app = cdktfAppIfAny();
  if (!app) return;
  const r = await runSynth(app, path.resolve(str(args, "out-dir") ?? DEFAULT_OUT_DIR));
  if (!r.ok) throw synthFailure(r);
}
