// A command run with the arrival time of each stdout line noted: what the progress benchmark and
// its short form in the tests measure the gaps between lines with.
import { spawn } from "node:child_process";

export interface TimedLine {
  /** performance.now() when the chunk holding the line arrived. */
  at: number;
  text: string;
}

export function runTimed(command: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<{ code: number | null; started: number; lines: TimedLine[]; err: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env } });
    const lines: TimedLine[] = [];
    let partial = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      const at = performance.now();
      const parts = (partial + chunk).split("\n");
      partial = parts.pop()!;
      for (const text of parts) lines.push({ at, text });
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, started, lines, err }));
  });
}

/** The longest time between two consecutive lines of `lines`. */
export function longestGap(lines: TimedLine[]): number {
  let max = 0;
  for (let i = 1; i < lines.length; i++) max = Math.max(max, lines[i].at - lines[i - 1].at);
  return max;
}
