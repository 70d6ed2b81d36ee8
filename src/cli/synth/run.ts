// Synthesis that cannot go stale: the app runs from its source (TypeScript through tsx, checked
// with the compiler at the same time: a type error fails the synth), writes into a fresh temporary
// directory, and only a complete, successful output replaces cdktf.out (rename). A failed synth
// marks the previous cdktf.out as stale, so no later command plans it as if it were current.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { listStacks } from "../../engine/config/load.js";
import { markSynthFailed } from "../../engine/config/synth-marker.js";
import { resolveAppEntry } from "./app-entry.js";
import { typeCheck } from "./typecheck.js";

export interface SynthResult {
  ok: boolean;
  /** Why it failed, one line. */
  message?: string;
  /** The compiler's errors, one per line, when the app does not type-check. */
  typeErrors?: string[];
  stacks: string[];
}

/** Our own module next to this one, .ts when running from source (tests), .js when built. */
const sibling = (name: string) => new URL(`./${name}${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url).href;

/**
 * What a failed app printed, without Node's stack frames: an error in the user's app (a failed
 * validation, a typo) is theirs to read, and the frames of cdktf and node internals only bury it.
 * OSLOGIN_DEBUG=1 keeps them. (A TypeScript entry gets app-errors.ts instead, which also names
 * the line in the app.)
 */
export function withoutStackFrames(stderr: string): string {
  if (process.env.OSLOGIN_DEBUG === "1") return stderr;
  return stderr
    .split("\n")
    .filter((l) => !/^\s+at .+/.test(l) && !/^Node\.js v\d/.test(l))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n");
}

// The app's own output goes to stderr: stdout is ours (JSON with --json).
function runApp(app: string, cwd: string, outDir: string): { exited: Promise<number | string>; entry?: string } {
  const entry = resolveAppEntry(app, cwd);
  const env = { ...process.env, CDKTF_OUTDIR: outDir };
  const child =
    entry.kind === "typescript"
      ? spawn(process.execPath, ["--import", import.meta.resolve("tsx"), "--import", sibling("app-errors"), entry.entry, ...entry.args], {
          cwd,
          env,
          stdio: ["ignore", 2, 2],
        })
      : spawn(app, { cwd, env, shell: true, stdio: ["ignore", 2, "pipe"] });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | string>((resolve) => {
    child.on("error", (e) => resolve(e.message));
    child.on("close", (code, signal) => {
      if (stderr) process.stderr.write(code === 0 ? stderr : withoutStackFrames(stderr));
      resolve(code ?? signal ?? "unknown");
    });
  });
  return { exited, entry: entry.kind === "typescript" ? entry.entry : undefined };
}

/** Replaces outDir by the finished output in one rename (the old one is removed afterwards). */
function swapIn(fresh: string, outDir: string): void {
  const old = `${fresh}.old`;
  const hadOld = existsSync(outDir);
  if (hadOld) renameSync(outDir, old);
  renameSync(fresh, outDir);
  if (hadOld) rmSync(old, { recursive: true, force: true });
}

export async function runSynth(app: string, outDir: string, cwd = process.cwd()): Promise<SynthResult> {
  mkdirSync(path.dirname(outDir), { recursive: true });
  const fresh = mkdtempSync(path.join(path.dirname(outDir), `.${path.basename(outDir)}.synth-`));
  const fail = (message: string, typeErrors?: string[]): SynthResult => {
    rmSync(fresh, { recursive: true, force: true });
    if (existsSync(outDir)) markSynthFailed(outDir, message);
    return { ok: false, message, typeErrors, stacks: [] };
  };
  try {
    const run = runApp(app, cwd, fresh);
    // The compiler works while the app runs (two processes, two cores).
    const typeErrors = run.entry ? await typeCheck(run.entry, cwd) : [];
    const status = await run.exited;
    if (typeErrors.length) return fail(`the app does not type-check (${typeErrors.length} error${typeErrors.length === 1 ? "" : "s"})`, typeErrors);
    if (status !== 0) return fail(`the app exited with ${status}: ${app}`);
    if (!existsSync(path.join(fresh, "manifest.json"))) return fail("the app wrote no manifest.json (does it call app.synth()?)");
    const l = listStacks(fresh);
    if (l.diagnostics.length) return fail(`the app wrote no usable output: ${l.diagnostics[0].detail ?? l.diagnostics[0].summary}`);
    swapIn(fresh, outDir);
    return { ok: true, stacks: l.stacks.map((s) => s.name) };
  } catch (e) {
    return fail((e as Error).message);
  }
}
