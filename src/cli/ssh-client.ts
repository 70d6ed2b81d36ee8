// Runs the system ssh or scp for `oslogin ssh`/`scp` (or prints the line with --print): its exit code
// is ours, and a missing client names the Debian package.
import { spawnSync } from "node:child_process";
import { bool, type ParsedArgs } from "./args.js";

export function runSshClient(program: "ssh" | "scp", argv: string[], args: ParsedArgs): number {
  if (bool(args, "print")) {
    // Paths only: the private key is named, never read or shown.
    process.stdout.write([program, ...argv].join(" ") + "\n");
    return 0;
  }
  const r = spawnSync(program, argv, { stdio: "inherit" });
  if (r.error) {
    console.error(`oslogin ${program}: cannot run ${program}: ${r.error.message} (install the Debian package openssh-client)`);
    return 1;
  }
  return r.status ?? 1;
}
