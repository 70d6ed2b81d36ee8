#!/usr/bin/env node
// `oslogin-ssh`: an ssh for Ansible's ansible_ssh_executable. Ansible starts ssh once per connection,
// so checking the certificate here renews it during a play that outlives it: when the
// CertificateFile the inventory put in the arguments has less than renew_margin_seconds left, the
// cache renews it in place (same path, written whole under the cache's lock), then the system ssh
// runs with the arguments unchanged. The warm path reads two files and asks the cloud nothing.
import { spawnSync } from "node:child_process";
import { certificateFileOf, renewIfDue } from "../inventory/renew.js";
import { reportFailure } from "./commands/inventory.js";
import { tuneV8ForOneShot } from "./v8-tuning.js";

async function main(argv: string[]): Promise<number> {
  const certificateFile = certificateFileOf(argv);
  if (certificateFile !== undefined) {
    try {
      await renewIfDue(certificateFile);
    } catch (e) {
      return reportFailure("oslogin-ssh", e);
    }
  }
  const r = spawnSync("ssh", argv, { stdio: "inherit" });
  if (r.error) {
    console.error(`oslogin-ssh: cannot run ssh: ${r.error.message} (install the Debian package openssh-client)`);
    return 255;
  }
  return r.status ?? 255;
}

tuneV8ForOneShot();
main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error(`oslogin-ssh: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 255;
  },
);
