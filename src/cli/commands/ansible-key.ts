// `oslogin ansible-key [ADDR]`: write the authorized key of a service account in state (the one
// Ansible connects as) to a key file, mode 0600, and an oslogin-inventory.yml for it if there is
// none. The key's private part is in state since the key was created; it is never printed.
import path from "node:path";
import { bool, parseArgs, str, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { writeAnsibleFiles } from "../ansible-files.js";
import { DEFAULT_DATA_DIR, readStackState, sessionBase } from "../engine-session.js";
import { EXIT } from "../engine-output.js";
import { CliError } from "../errors.js";
import { printJsonResult } from "../views/json.js";

const help = `oslogin ansible-key: write a service account's authorized key from state, for Ansible

Usage: oslogin ansible-key [ADDR] [--out FILE] [--stack NAME] [--data-dir D] [--json]

ADDR is the key's address in state (see "oslogin state list"), e.g.
yandex_iam_service_account_key.ansible_authorized-key_1A2B3C4D; default: the stack's only
yandex_iam_service_account_key. Writes it as an authorized key file (the JSON that
"yc iam key create" writes; mode 0600) and, if ./oslogin-inventory.yml does not exist, an
inventory config using it (organization, the account's folder, the embedded cloud).
Run it again after a key rotation (keyVersion) to write the new key.

Flags:
  --out FILE       the key file (default: <data-dir>/<stack>/ansible-key.json)
  --stack NAME     the stack (default: the only one with state)
  --out-dir DIR    the synthesized app, whose backend says where state is (default: cdktf.out)
  --data-dir D     the embedded cloud and state (default: ${DEFAULT_DATA_DIR})
  --json           print {keyFile, configFile, configWritten} in the JSON envelope (docs/cli.md)

Exit codes: 0 success, 1 no such key in state, 2 usage error.

Example:
  oslogin apply --auto-approve && oslogin ansible-key && oslogin inventory --list`;

const command: Command = {
  name: "ansible-key",
  summary: "Write a service account's authorized key (from state) for Ansible",
  help,
  async run(argv) {
    const args = parseArgs(argv, { out: { value: true }, stack: { value: true }, "data-dir": { value: true }, "out-dir": { value: true }, json: {} });
    if (args.positionals.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[1])}`);
    // The stack and its state as every state command finds them (its backend, else the data directory).
    const base = sessionBase(args, "state");
    const state = await readStackState(base);
    const r = writeAnsibleFiles(state, base.dataDir, base.stack, { address: args.positionals[0], keyFile: str(args, "out") });
    if (typeof r === "string") throw new CliError(r);
    if (bool(args, "json")) printJsonResult("ansible-key", { ...r });
    else {
      console.log(`Wrote the authorized key to ${path.relative(".", r.keyFile)} (0600).`);
      console.log(r.configWritten ? `Wrote ${path.relative(".", r.configFile)}: "oslogin inventory --list" lists the VMs as this account.` : `${path.relative(".", r.configFile)} exists and is left as it is.`);
    }
    return EXIT.OK;
  },
};

export default command;
