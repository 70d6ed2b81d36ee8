// `oslogin synth`: run the CDKTF app named in cdktf.json ("app") so it writes cdktf.out.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { bool, parseArgs, str, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { DEFAULT_OUT_DIR } from "../engine-session.js";
import { EXIT } from "../engine-output.js";
import { listStacks } from "../../engine/config/load.js";
import { cdktfApp } from "../checks.js";
import { CliError } from "../errors.js";
import { printJsonResult } from "../views/json.js";

const help = `oslogin synth: run the CDKTF app to produce cdktf.out

Usage: oslogin synth [--app CMD] [--out-dir D] [--json]

Runs the "app" command of ./cdktf.json (for this repository: node dist/examples/quickstart/main.js,
so build first with "npx tsc -p ."), with CDKTF_OUTDIR set, then lists the stacks it wrote.

Flags:
  --app CMD      run this command instead of cdktf.json's "app"
  --out-dir D    where the app writes (default: ${DEFAULT_OUT_DIR})
  --json         print {outDir, stacks, ms} in the JSON envelope (docs/cli.md)

Exit codes: 0 success, 1 the app failed or wrote no manifest, 2 usage error.

Example:
  npx tsc -p . && oslogin synth && oslogin plan`;

/**
 * What a failed app printed, without Node's stack frames: an error in the user's app (a failed
 * validation, a typo) is theirs to read, and the frames of cdktf and node internals only bury it.
 * OSLOGIN_DEBUG=1 keeps them.
 */
export function withoutStackFrames(stderr: string): string {
  if (process.env.OSLOGIN_DEBUG === "1") return stderr;
  return stderr
    .split("\n")
    .filter((l) => !/^\s+at .+/.test(l) && !/^Node\.js v\d/.test(l))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n");
}

export function runSynth(app: string, outDir: string): { ok: boolean; message?: string; stacks: string[] } {
  const r = spawnSync(app, { shell: true, stdio: ["ignore", "inherit", "pipe"], encoding: "utf8", env: { ...process.env, CDKTF_OUTDIR: outDir } });
  if (r.status !== 0) {
    process.stderr.write(withoutStackFrames(r.stderr ?? ""));
    return { ok: false, message: `the app exited with ${r.status ?? r.signal}: ${app}`, stacks: [] };
  }
  process.stderr.write(r.stderr ?? "");
  const l = listStacks(outDir);
  if (l.diagnostics.length) return { ok: false, message: l.diagnostics[0].detail ?? l.diagnostics[0].summary, stacks: [] };
  return { ok: true, stacks: l.stacks.map((s) => s.name) };
}

export function appFromCdktfJson(dir = "."): string | undefined {
  try {
    const j = JSON.parse(readFileSync(path.join(dir, "cdktf.json"), "utf8")) as { app?: unknown };
    return typeof j.app === "string" ? j.app : undefined;
  } catch {
    return undefined;
  }
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
    const r = runSynth(app, outDir);
    if (!r.ok) throw new CliError(r.message ?? "failed");
    if (bool(args, "json")) printJsonResult("synth", { outDir, stacks: r.stacks, ms: Date.now() - started });
    else console.log(`Synthesized ${r.stacks.join(", ")} into ${path.relative(".", outDir) || "."} in ${((Date.now() - started) / 1000).toFixed(1)}s.`);
    return EXIT.OK;
  },
};

export default command;
