// Running the CLI as a user does (a real process from the sources) and the smallest OS Login VM a
// stack declares, for the CLI tests that drive plan, apply, show and review end to end.
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";

const main = path.join(import.meta.dirname, "../../src/cli/main.ts");

export function oslogin(cwd: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), main, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/**
 * The same as a child process that runs while the caller goes on (two commands at once), with nothing
 * from the caller's environment configuring the inventory, the cloud or a pg backend.
 */
export function osloginAsync(cwd: string, ...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OSLOGIN_") && !k.startsWith("PG")));
    const child = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), main, ...args], { cwd, env: { ...env, NO_COLOR: "1" } });
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
