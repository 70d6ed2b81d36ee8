// Running the CLI as a user does (a real process from the sources) and the smallest OS Login VM a
// stack declares, for the CLI tests that drive plan, apply, show and review end to end.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const main = path.join(import.meta.dirname, "../../src/cli/main.ts");
const built = path.join(import.meta.dirname, "../../dist/src/cli/main.js");

export function oslogin(cwd: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), main, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/**
 * The same as a child process that runs while the caller goes on (two commands at once), with nothing
 * from the caller's environment configuring the inventory, the cloud or a pg backend.
 */
export function osloginAsync(cwd: string, ...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return spawnCli(["--import", import.meta.resolve("tsx"), main], {}, cwd, args);
}

/**
 * osloginAsync from the build (dist/, which npm test builds first: a quarter of tsx's start-up, for
 * tests that run many commands), with `extra` added to the environment (TF_WORKSPACE, ...).
 */
export function osloginWithEnv(extra: Record<string, string>, cwd: string, ...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  if (!existsSync(built)) throw new Error(`${built} is missing: run "npx tsc -p ." first`);
  return spawnCli([built], { ...extra }, cwd, args);
}

function spawnCli(entry: string[], extra: Record<string, string>, cwd: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OSLOGIN_") && !k.startsWith("PG") && k !== "TF_WORKSPACE"));
    const child = spawn(process.execPath, [...entry, ...args], { cwd, env: { ...env, ...extra, NO_COLOR: "1" } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

/** A VM with OS Login on, in the quickstart seed's folder and subnet. */
export const osLoginVm = (name: string) => ({
  name,
  platform_id: "standard-v3",
  resources: { cores: 2, memory: 2 },
  boot_disk: { initialize_params: { image_id: "fd8quickstartoslogin" } },
  network_interface: [{ subnet_id: "e9bquickstartsubnet1" }],
  metadata: { "enable-oslogin": "true" },
});
