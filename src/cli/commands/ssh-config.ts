// `oslogin ssh-config`: Host blocks for plain ssh users, from the same inventory and certificate.
import { writeFileSync } from "node:fs";
import { toSshConfig } from "../../inventory/formats.js";
import { parseArgs, str } from "../args.js";
import type { Command } from "../command.js";
import { loadInventory, reportFailure } from "./inventory.js";

const command: Command = {
  name: "ssh-config",
  summary: "ssh_config Host blocks for the inventory's VMs (login, key, certificate)",
  help: `Usage: oslogin ssh-config [--config F] [--output F]

Prints one Host block per OS Login VM of the inventory (see \`oslogin inventory --help\` for the config),
with the OS Login login, the cached private key, the 1-hour certificate, and strict host key checking against
the known_hosts file the inventory writes from the keys each VM publishes:

  oslogin ssh-config --output ~/.ssh/oslogin.conf && ssh -F ~/.ssh/oslogin.conf web-1`,
  async run(argv) {
    const args = parseArgs(argv, { config: { value: true }, output: { value: true } });
    try {
      const text = toSshConfig(await loadInventory(str(args, "config")));
      const out = str(args, "output");
      if (out) writeFileSync(out, text);
      else process.stdout.write(text);
      return 0;
    } catch (e) {
      return reportFailure("oslogin ssh-config", e);
    }
  },
};

export default command;
