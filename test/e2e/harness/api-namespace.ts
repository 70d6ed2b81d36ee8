// A network and mount namespace where the real cloud's API host names lead to loopback: only `lo`
// exists (nothing can leave the machine), and /etc/hosts is a file of ours bind-mounted over the
// host's inside the namespace only. Commands run in it with nsenter, so a process started there
// (`oslogin serve` on port 443) is what the SDK's endpoint map reaches.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { requireBinary } from "./binaries.js";
import { runProcess, type ProcessResult } from "./process.js";

export interface ApiNamespace {
  exec(argv: string[], opts?: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string }): Promise<ProcessResult>;
  /** Starts a long-running process in the namespace (the caller stops it). */
  start(argv: string[], env: NodeJS.ProcessEnv): ChildProcess;
  stop(): Promise<void>;
}

export async function startApiNamespace(workDir: string, hostNames: string[]): Promise<ApiNamespace> {
  const ip = requireBinary("ip");
  const nsenter = requireBinary("nsenter");
  const unshare = requireBinary("unshare");
  const mount = requireBinary("mount");
  const work = resolve(workDir);
  mkdirSync(work, { recursive: true, mode: 0o700 });
  const hosts = join(work, "hosts");
  writeFileSync(hosts, `127.0.0.1 localhost\n${hostNames.map((h) => `127.0.0.1 ${h}`).join("\n")}\n`);
  const pidFile = join(work, "ns.pid");
  writeFileSync(
    join(work, "ns.sh"),
    `#!/bin/sh\nset -e\n${ip} link set lo up\n${mount} --bind ${hosts} /etc/hosts\necho $$ > ${pidFile}\nexec sleep infinity\n`,
    { mode: 0o700 },
  );
  // --mount makes mounts private to the namespace: the host's /etc/hosts is never touched.
  const holder = spawn(unshare, ["--net", "--mount", "--fork", "--kill-child", join(work, "ns.sh")], { stdio: "ignore" });
  const deadline = Date.now() + 5000;
  while (!existsSync(pidFile) || !readFileSync(pidFile, "utf8").trim()) {
    if (holder.exitCode !== null) throw new Error("the API namespace could not be created (needs root: unshare --net --mount)");
    if (Date.now() > deadline) throw new Error("timed out creating the API namespace");
    await new Promise((r) => setTimeout(r, 20));
  }
  const pid = String(Number(readFileSync(pidFile, "utf8").trim()));
  const enter = ["-t", pid, "-n", "-m"];
  const started: ChildProcess[] = [];
  return {
    // Entering a mount namespace starts at its root; nsenter's --wd keeps a handle from outside it
    // (Go's getwd then fails), so the directory is changed to inside, by a shell.
    exec: (argv, o = {}) =>
      runProcess(nsenter, [...enter, "--", ...(o.cwd ? ["/bin/sh", "-c", 'cd "$0" && exec "$@"', o.cwd] : []), ...argv], { ...o, cwd: undefined }),
    start(argv, env) {
      const p = spawn(nsenter, [...enter, "--", ...argv], { env, stdio: ["ignore", "pipe", "pipe"] });
      started.push(p);
      return p;
    },
    async stop() {
      for (const p of started) if (p.exitCode === null) p.kill("SIGTERM");
      if (holder.exitCode === null) {
        const exited = new Promise((r) => holder.once("exit", r));
        holder.kill("SIGKILL");
        await exited;
      }
    },
  };
}
