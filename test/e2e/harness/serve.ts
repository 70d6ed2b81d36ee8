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

export async function startServe(dataDir: string): Promise<Served> {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, "dist/src/cli/main.js"), "serve", "--data-dir", dataDir, "--rest-port", "0", "--grpc-port", "0", "--seed", join(ROOT, "examples/quickstart/seed.yaml"), "--json"],
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
