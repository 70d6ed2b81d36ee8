// `oslogin ssh [LOGIN@]VM [-- COMMAND]`: what `yc compute ssh` does, as the inventory's service
// account: checks the account may log in to the VM, gets (or reuses) its certificate, records the
// VM's published host key, and runs the system ssh with strict host key checking.
import { spawnSync } from "node:child_process";
import { loadInventoryConfig } from "../../inventory/config.js";
import { connectAsServiceAccount } from "../../inventory/connect.js";
import { parseLoginAtVm, prepareSshLogin, sshArguments, type SshTarget } from "../../inventory/ssh-login.js";
import { bool, parseArgs, str, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { reportFailure } from "./inventory.js";

const HELP = `Usage: oslogin ssh [--config F] [--print] [LOGIN@]VM [-- COMMAND...]

Logs in to an OS Login VM of the inventory (see \`oslogin inventory --help\` for the config: the service
account's key file, the organization, the folders, the certificate cache, the known_hosts file):
  1. finds VM by its inventory host name (or instance id) among the running OS Login VMs;
  2. refuses, before any ssh, when the account holds neither compute.osLogin nor compute.osAdminLogin
     on the VM, its folder, cloud or organization (exit 1); where it may not read a level's access
     bindings it cannot tell, and the VM's own check refuses (ssh's "Permission denied", exit 255);
  3. gets the account's certificate from the organization's CA (cached, renewed near expiry), or uses
     ssh_private_key_file when the organization issues no certificates;
  4. adds the host key the VM publishes on its serial console to known_hosts (a changed key is named
     and refused, never replaced);
  5. runs ssh with that key and certificate, StrictHostKeyChecking=yes and HostKeyAlias=VM.
LOGIN@ picks another OS Login profile of the account (the config's login otherwise).

Flags:
  --config F   the inventory config (default ./oslogin-inventory.yml or $OSLOGIN_INVENTORY_CONFIG)
  --print      print the ssh command line instead of running it

Exit codes: ssh's own; 1 when the cloud, the config or the pre-check refuses; 2 usage error.

Example:
  oslogin ssh --config oslogin-inventory.yml web-1 -- uname -n`;

const command: Command = {
  name: "ssh",
  summary: "Log in to an OS Login VM with a fresh certificate and its published host key",
  help: HELP,
  async run(argv) {
    const args = parseArgs(argv, { config: { value: true }, print: {} });
    const [target, ...remote] = args.positionals;
    if (!target) throw new UsageError("give the VM to log in to: oslogin ssh [LOGIN@]VM [-- COMMAND]");
    const { login, vm } = parseLoginAtVm(target);
    if (login === "" || vm === "") throw new UsageError(`expected [LOGIN@]VM, got ${JSON.stringify(target)}`);
    const configPath = str(args, "config");
    let t: SshTarget;
    try {
      const config = loadInventoryConfig(configPath ? { ...process.env, OSLOGIN_INVENTORY_CONFIG: configPath } : process.env);
      if (login) config.login = login;
      const conn = await connectAsServiceAccount(config);
      try {
        t = await prepareSshLogin({ client: conn.client, config, serviceAccountId: conn.serviceAccountId }, vm, (l) => console.error(`oslogin ssh: ${l}`));
      } finally {
        await conn.close();
      }
    } catch (e) {
      return reportFailure("oslogin ssh", e);
    }
    const sshArgv = sshArguments(t, remote);
    if (bool(args, "print")) {
      process.stdout.write(["ssh", ...sshArgv].join(" ") + "\n");
      return 0;
    }
    const r = spawnSync("ssh", sshArgv, { stdio: "inherit" });
    if (r.error) {
      console.error(`oslogin ssh: cannot run ssh: ${(r.error as Error).message} (install the Debian package openssh-client)`);
      return 1;
    }
    return r.status ?? 1;
  },
};

export default command;
