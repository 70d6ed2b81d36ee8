// A small network for end-to-end tests that need one controller to reach several emulated VMs
// (Ansible): a "controller" network namespace joined to each VM's namespace by a veth pair, the VM
// side carrying the instance's own address (its NAT address from the emulator), so the inventory's
// ansible_host is reachable as it is. Point-to-point /32 routes keep every link independent.
// Everything lives in namespaces this test creates; the host's network is not touched.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { requireBinary } from "./binaries.js";
import { runProcess, type ProcessResult } from "./process.js";

/** The controller's own address on every link (TEST-NET-1, never routed anywhere real). */
const CONTROLLER_ADDRESS = "192.0.2.1";

export interface Controller {
  readonly pid: number;
  /** Runs a command inside the controller's network namespace (host filesystem). */
  exec(argv: string[], opts?: { timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<ProcessResult>;
  /** Joins a VM namespace (by its holder pid) to the controller; the VM answers on `address`. */
  link(vmPid: number, address: string): Promise<void>;
  stop(): Promise<void>;
}

async function must(what: string, p: Promise<ProcessResult>): Promise<void> {
  const r = await p;
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}): ${r.stderr}`);
}

export async function startController(workDir: string): Promise<Controller> {
  const ip = requireBinary("ip");
  const nsenter = requireBinary("nsenter");
  const unshare = requireBinary("unshare");
  const work = resolve(workDir);
  mkdirSync(work, { recursive: true, mode: 0o700 });
  const pidFile = join(work, "controller.pid");
  writeFileSync(join(work, "controller.sh"), `#!/bin/sh\nset -e\n${ip} link set lo up\necho $$ > ${pidFile}\nexec sleep infinity\n`, { mode: 0o700 });
  const holder: ChildProcess = spawn(unshare, ["--net", "--fork", "--kill-child", join(work, "controller.sh")], { stdio: "ignore" });
  const deadline = Date.now() + 5000;
  while (!existsSync(pidFile) || !readFileSync(pidFile, "utf8").trim()) {
    if (holder.exitCode !== null) throw new Error("the controller namespace could not be created (needs root)");
    if (Date.now() > deadline) throw new Error("timed out creating the controller namespace");
    await new Promise((r) => setTimeout(r, 20));
  }
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  let links = 0;
  const inNs = (target: number, argv: string[]) => runProcess(nsenter, ["-t", String(target), "-n", "--", ...argv]);
  return {
    pid,
    exec: (argv, o) => runProcess(nsenter, ["-t", String(pid), "-n", "--", ...argv], { timeoutMs: o?.timeoutMs, env: o?.env }),
    async link(vmPid, address) {
      const n = links++;
      const ctl = `vc${n}`;
      await must("creating the veth pair", runProcess(ip, ["link", "add", ctl, "netns", String(pid), "type", "veth", "peer", "name", `vm${n}`, "netns", String(vmPid)]));
      await must("controller side", inNs(pid, ["sh", "-c", `${ip} addr add ${CONTROLLER_ADDRESS}/32 dev ${ctl} && ${ip} link set ${ctl} up && ${ip} route add ${address}/32 dev ${ctl}`]));
      await must("VM side", inNs(vmPid, ["sh", "-c", `${ip} addr add ${address}/32 dev vm${n} && ${ip} link set vm${n} up && ${ip} route add ${CONTROLLER_ADDRESS}/32 dev vm${n}`]));
    },
    async stop() {
      if (holder.exitCode === null) {
        const exited = new Promise((r) => holder.once("exit", r));
        holder.kill("SIGKILL");
        await exited;
      }
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* gone with its parent */
      }
    },
  };
}
