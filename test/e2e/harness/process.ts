// Run a program to completion without blocking the event loop (the VM's processes keep running
// meanwhile), with a hard timeout so a hung ssh cannot hang the suite.
import { spawn } from "node:child_process";

export interface ProcessResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runProcess(
  cmd: string,
  args: string[],
  opts: { timeoutMs?: number; input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"], env: opts.env ?? process.env, cwd: opts.cwd });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${opts.timeoutMs ?? 30_000} ms]`;
      p.kill("SIGKILL");
    }, opts.timeoutMs ?? 30_000);
    p.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    p.once("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    // A program that exits without reading its input closes the pipe first: the write then fails
    // with EPIPE, which says nothing about the run (its status and output do). Unhandled, it was an
    // error event that failed the whole suite.
    p.stdin.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE") {
        clearTimeout(timer);
        p.kill("SIGKILL");
        reject(e);
      }
    });
    p.stdin.end(opts.input ?? "");
  });
}
