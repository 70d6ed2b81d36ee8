// `oslogin serve` (the built CLI) as a child process on a data directory, seeded with the quickstart
// organization, on ephemeral ports; resolves once it printed its ready line.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";

const ROOT = new URL("../../..", import.meta.url).pathname.replace(/\/$/, "");

export interface Served {
  grpcEndpoint: string;
  adminTokenFile: string;
  tlsCertFile: string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * `seed: false` serves a data directory as it is; `prefix` runs the server under another command
 * (nsenter into a network namespace, whose loopback its ports are then on).
 */
export async function startServe(dataDir: string, opts: { seed?: boolean; prefix?: string[] } = {}): Promise<Served> {
  const seed = opts.seed === false ? [] : ["--seed", join(ROOT, "examples/quickstart/seed.yaml")];
  const [command, ...prefixArgs] = [...(opts.prefix ?? []), process.execPath];
  const child: ChildProcess = spawn(
    command,
    [...prefixArgs, join(ROOT, "dist/src/cli/main.js"), "serve", "--data-dir", dataDir, "--rest-port", "0", "--grpc-port", "0", ...seed, "--json"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const ready = await new Promise<{ grpcEndpoint: string; adminTokenFile: string; tlsCertFile: string }>((resolve, reject) => {
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    createInterface({ input: child.stdout! }).once("line", (l) => resolve(JSON.parse(l)));
    child.once("exit", (code) => reject(new Error(`oslogin serve exited ${code}: ${err}`)));
  });
  return {
    ...ready,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
