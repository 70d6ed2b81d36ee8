// `oslogin vm principals-command | sshd-config`: the two files oslogin-kit adds to an OS Login VM
// besides the CA key (`oslogin ca public-key`); docs/vm-setup.md says where they go and why.
import { resolve } from "node:path";
import { writeSecretFileAtomic } from "../../util/atomic-file.js";
import { principalsCommandScript } from "../../vm/principals-command.js";
import { PRINCIPALS_COMMAND_PATH, SSHD_DROP_IN_PATH, TRUSTED_CA_KEYS_PATH, sshdDropIn } from "../../vm/sshd-drop-in.js";
import { parseArgs, str, UsageError } from "../args.js";
import type { Command } from "../command.js";

const HELP = `Usage: oslogin vm principals-command [--output FILE]
       oslogin vm sshd-config [--trusted-ca-keys FILE] [--principals-command FILE] [--output FILE]

The files an OS Login VM needs from oslogin-kit besides what the guest agent's google_oslogin_control
sets up (see docs/vm-setup.md):

  principals-command  sshd's AuthorizedPrincipalsCommand (python3, standard library only). It prints
                      the login only when the VM's metadata server has that login's profile AND
                      authorize?policy=login says true; nothing on a 404, a refusal, any other
                      answer, a timeout. Install it root-owned, mode 0755, at ${PRINCIPALS_COMMAND_PATH}.
  sshd-config         the sshd drop-in (TrustedUserCAKeys, AuthorizedPrincipalsCommand, its user) for
                      ${SSHD_DROP_IN_PATH}: a drop-in, because sshd 9.2 ignores an
                      AuthorizedPrincipalsCommand placed after the agent's AuthorizedKeysCommand.

Flags:
  --output FILE               write FILE whole (temp file + rename) instead of printing: mode 0755
                              for principals-command, 0644 for sshd-config
  --trusted-ca-keys FILE      the CA key file the drop-in names (default: ${TRUSTED_CA_KEYS_PATH})
  --principals-command FILE   the command the drop-in names (default: ${PRINCIPALS_COMMAND_PATH})

Example:
  oslogin vm principals-command --output ${PRINCIPALS_COMMAND_PATH}
  oslogin vm sshd-config --output ${SSHD_DROP_IN_PATH}`;

const command: Command = {
  name: "vm",
  summary: "Print or install the sshd files an OS Login VM needs (AuthorizedPrincipalsCommand, drop-in)",
  help: HELP,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub !== "principals-command" && sub !== "sshd-config") {
      throw new UsageError(sub ? `unknown subcommand ${JSON.stringify(sub)}; expected "principals-command" or "sshd-config"` : 'missing subcommand: "principals-command" or "sshd-config"');
    }
    const a = parseArgs(rest, sub === "sshd-config" ? { output: { value: true }, "trusted-ca-keys": { value: true }, "principals-command": { value: true } } : { output: { value: true } });
    if (a.positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(a.positionals[0])}`);
    for (const flag of ["trusted-ca-keys", "principals-command"]) {
      const path = str(a, flag);
      // sshd takes these paths as they are written: a relative one would be resolved against sshd's cwd.
      if (path !== undefined && !path.startsWith("/")) throw new UsageError(`--${flag} must be an absolute path (sshd reads it as written), got ${JSON.stringify(path)}`);
    }
    const text =
      sub === "principals-command" ? principalsCommandScript() : sshdDropIn({ trustedCaKeys: str(a, "trusted-ca-keys"), principalsCommand: str(a, "principals-command") });
    const output = str(a, "output");
    if (output === undefined) process.stdout.write(text);
    else writeSecretFileAtomic(resolve(output), text, sub === "principals-command" ? 0o755 : 0o644);
    return 0;
  },
};

export default command;
