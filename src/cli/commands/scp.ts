// `oslogin scp SRC... DST`: copies to or from one OS Login VM (`[LOGIN@]VM:path` on either side) with
// the same resolution as `oslogin ssh`: login pre-check, certificate or registered key, the VM's
// address and its published host key checked strictly; then the system scp.
import { parseScpOperand, scpArguments, scpRemote } from "../../inventory/ssh-login.js";
import { bool, parseArgs, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { runSshClient } from "../ssh-client.js";
import { resolveSshTarget, SSH_IDENTITY_FLAGS, SSH_IDENTITY_HELP } from "../ssh-target.js";
import { InventoryError } from "../../inventory/gather.js";
import { reportFailure } from "./inventory.js";

const HELP = `Usage: oslogin scp [--config F] [--member M] [-i F] [-r] [--print] SOURCE... TARGET

Copies files to or from one OS Login VM, with the same steps as \`oslogin ssh\` (see its --help): the
VM found by its inventory name, the login role checked before anything runs, the caller's certificate
or registered key, the VM's published host key checked strictly. The VM side is written
[LOGIN@]VM:path, as for scp; the other side is a local path (write a local name with a colon as ./a:b).
Copies between two VMs are refused.

Flags:
${SSH_IDENTITY_HELP}
  -r, --recursive   copy directories (scp -r)

Exit codes: scp's own; 1 when the cloud, the config or the pre-check refuses; 2 usage error.

Examples:
  oslogin scp --config oslogin-inventory.yml notes.txt web-1:/tmp/notes.txt
  oslogin scp --config oslogin-inventory.yml --member alice@example.com web-1:/etc/hostname .`;

const command: Command = {
  name: "scp",
  summary: "Copy files to or from an OS Login VM (same resolution as oslogin ssh)",
  help: HELP,
  async run(argv) {
    const args = parseArgs(argv, { ...SSH_IDENTITY_FLAGS, recursive: { aliases: ["-r"] } });
    if (args.positionals.length < 2) throw new UsageError("give at least one source and a target: oslogin scp SOURCE... TARGET");
    const operands = args.positionals.map(parseScpOperand);
    let remote;
    try {
      remote = scpRemote(operands);
    } catch (e) {
      if (e instanceof InventoryError) throw new UsageError(e.message);
      throw e;
    }
    try {
      const t = await resolveSshTarget(args, remote.login, remote.vm, (l) => console.error(`oslogin scp: ${l}`));
      return runSshClient("scp", scpArguments(t, operands, bool(args, "recursive") ? ["-r"] : []), args);
    } catch (e) {
      return reportFailure("oslogin scp", e);
    }
  },
};

export default command;
