// `oslogin ssh [LOGIN@]VM [-- COMMAND]`: what `yc compute ssh` does, as the inventory's service
// account or as a member: checks the caller may log in to the VM, gets (or reuses) their certificate,
// records the VM's published host key, and runs the system ssh with strict host key checking.
import { parseLoginAtVm, sshArguments } from "../../inventory/ssh-login.js";
import { parseArgs, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { runSshClient } from "../ssh-client.js";
import { resolveSshTarget, SSH_IDENTITY_FLAGS, SSH_IDENTITY_HELP } from "../ssh-target.js";
import { reportFailure } from "./inventory.js";

const HELP = `Usage: oslogin ssh [--config F] [--member M] [-i F] [--print] [LOGIN@]VM [-- COMMAND...]

Logs in to an OS Login VM of the inventory (see \`oslogin inventory --help\` for the config: the service
account's key file, the organization, the folders, the certificate cache, the known_hosts file), as its
service account or, with --member, as a member of the organization:
  1. finds VM by its inventory host name (or instance id) among the running OS Login VMs;
  2. refuses, before any ssh, when the caller holds neither compute.osLogin nor compute.osAdminLogin
     on the VM, its folder, cloud or organization (exit 1); where it may not read a level's access
     bindings it cannot tell, and the VM's own check refuses (ssh's "Permission denied", exit 255);
  3. gets the caller's certificate from the organization's CA (cached, renewed near expiry), or, when
     the organization issues no certificates, uses ssh_private_key_file (a member: registers the kept
     key on their profile);
  4. adds the host key the VM publishes on its serial console to known_hosts (a changed key is named
     and refused, never replaced);
  5. runs ssh with that key and certificate, StrictHostKeyChecking=yes and HostKeyAlias=VM.
LOGIN@ picks another OS Login profile of the caller (the config's login otherwise).

Flags:
${SSH_IDENTITY_HELP}

Exit codes: ssh's own; 1 when the cloud, the config or the pre-check refuses; 2 usage error.

Examples:
  oslogin ssh --config oslogin-inventory.yml web-1 -- uname -n
  oslogin ssh --config oslogin-inventory.yml --member alice@example.com web-1 -- id -un`;

const command: Command = {
  name: "ssh",
  summary: "Log in to an OS Login VM with a fresh certificate and its published host key",
  help: HELP,
  async run(argv) {
    const args = parseArgs(argv, SSH_IDENTITY_FLAGS);
    const [target, ...remote] = args.positionals;
    if (!target) throw new UsageError("give the VM to log in to: oslogin ssh [LOGIN@]VM [-- COMMAND]");
    const { login, vm } = parseLoginAtVm(target);
    if (login === "" || vm === "") throw new UsageError(`expected [LOGIN@]VM, got ${JSON.stringify(target)}`);
    try {
      const t = await resolveSshTarget(args, login, vm, (l) => console.error(`oslogin ssh: ${l}`));
      return runSshClient("ssh", sshArguments(t, remote), args);
    } catch (e) {
      return reportFailure("oslogin ssh", e);
    }
  },
};

export default command;
