// `oslogin inventory`: the Ansible dynamic inventory (script protocol: --list, --host NAME) and
// static exports. Also the body of the `oslogin-inventory` executable given to `ansible -i`.
import { writeFileSync } from "node:fs";
import { CloudError } from "../../contract/errors.js";
import type { AnsibleInventory } from "../../inventory/build.js";
import { InventoryConfigError, loadInventoryConfig } from "../../inventory/config.js";
import { connectAsServiceAccount } from "../../inventory/connect.js";
import { render, type ExportFormat } from "../../inventory/formats.js";
import { gatherInventory, InventoryError } from "../../inventory/gather.js";
import { parseArgs, str, UsageError } from "../args.js";
import type { Command } from "../command.js";

const CONFIG_HELP = `Configuration: ./oslogin-inventory.yml, or the file named by --config / $OSLOGIN_INVENTORY_CONFIG:

  endpoint: localhost:9090              # gRPC of \`oslogin serve\` (or data_dir: .oslogin for the embedded cloud)
  root_certs: .oslogin/tls/cert.pem     # with endpoint: the server's TLS certificate (or data_dir: the
                                        # directory that server serves, whose tls/cert.pem is then trusted)
  service_account_key_file: ansible-sa-key.json
  organization_id: bpfquickstartorg0001
  folders: [b1gquickstartfolder1]
  filters: { labels: { env: prod }, status: [RUNNING] }   # default status: RUNNING
  hostname: name                        # name | fqdn | id
  address: nat                          # nat | internal
  group_by: { folder: true, zone: true, labels: [role] }   # groups folder_x, zone_x, label_role_x
                                        # prefix: false in group_by names them x alone
  vars: { ansible_python_interpreter: /usr/bin/python3 }
  login: yc-sa-ansible                  # default: the account's default OS Login profile
  ssh_private_key_file: id_ed25519      # key-only mode, when the organization issues no certificates
  cache_dir: ~/.cache/oslogin-kit/certificates
  renew_margin_seconds: 300
  known_hosts_file: ~/.cache/oslogin-kit/certificates/known_hosts   # default: <cache_dir>/known_hosts

Host keys: each run adds the keys a VM publishes on its serial console (cloud-init's block) to
known_hosts_file, for VMs not yet in it; ssh checks them strictly. A VM whose published key changed keeps
its old entry, is named on stderr, and ssh refuses it until the old line is removed (ssh-keygen -R).

Environment overrides: OSLOGIN_ENDPOINT, OSLOGIN_ROOT_CERTS, OSLOGIN_DATA_DIR, OSLOGIN_SERVICE_ACCOUNT_KEY_FILE,
OSLOGIN_ORGANIZATION_ID, OSLOGIN_FOLDERS (comma-separated), OSLOGIN_CACHE_DIR, OSLOGIN_KNOWN_HOSTS_FILE.`;

/** Loads the config, connects as the service account and builds the inventory. */
export async function loadInventory(configPath?: string): Promise<AnsibleInventory> {
  const env = configPath ? { ...process.env, OSLOGIN_INVENTORY_CONFIG: configPath } : process.env;
  const config = loadInventoryConfig(env);
  const conn = await connectAsServiceAccount(config);
  try {
    return await gatherInventory({ client: conn.client, config, subject: conn.subject, who: conn.who });
  } finally {
    await conn.close();
  }
}

/** Reports what went wrong on stderr (Ansible shows it) and gives the exit code; never an empty inventory. */
export function reportFailure(prefix: string, e: unknown): number {
  if (e instanceof InventoryConfigError || e instanceof InventoryError) console.error(`${prefix}: ${e.message}`);
  else if (e instanceof CloudError) console.error(`${prefix}: the cloud refused: ${e.code}: ${e.message}`);
  else throw e;
  return 1;
}

function output(text: string, path: string | undefined): void {
  if (path) writeFileSync(path, text);
  else process.stdout.write(text);
}

const command: Command = {
  name: "inventory",
  summary: "Ansible dynamic inventory of OS Login VMs with a 1-hour certificate",
  help: `Usage:
  oslogin inventory --list [--config F]            print the inventory (Ansible's script protocol)
  oslogin inventory --host NAME [--config F]       print one host's variables
  oslogin inventory export --format yaml|ini|json [--output F] [--config F]
                                                   a static inventory for ansible -i

For Ansible, point -i at the executable \`oslogin-inventory\` (node_modules/.bin/oslogin-inventory):
  ansible -i node_modules/.bin/oslogin-inventory all -m ping

It authenticates as the service account (its authorized key signs a JWT exchanged for an IAM token),
asks for an SSH certificate for the account's OS Login profile (valid 1 hour, cached and renewed
when less than renew_margin_seconds is left) and lists the running OS Login VMs of the folders.
ansible_become is true only where the account holds compute.osAdminLogin.
Exit codes: 0 success, 1 the cloud or the config failed (message on stderr), 2 usage error.

${CONFIG_HELP}`,
  async run(argv) {
    const args = parseArgs(argv, { list: {}, host: { value: true }, config: { value: true }, format: { value: true }, output: { value: true } });
    const [sub] = args.positionals;
    const config = str(args, "config");
    if (sub !== undefined && sub !== "export") throw new UsageError(`unknown subcommand ${JSON.stringify(sub)} (see --help)`);
    const host = str(args, "host");
    if (sub === undefined && !args.flags.list && host === undefined) throw new UsageError("give --list, --host NAME or export (see --help)");
    const format = (str(args, "format") ?? "yaml") as ExportFormat;
    if (sub === "export" && !["yaml", "ini", "json"].includes(format)) throw new UsageError("--format must be yaml, ini or json");
    let inventory: AnsibleInventory;
    try {
      inventory = await loadInventory(config);
    } catch (e) {
      return reportFailure("oslogin inventory", e);
    }
    if (sub === "export") output(render(inventory, format), str(args, "output"));
    else if (host !== undefined) {
      const vars = inventory._meta.hostvars[host];
      if (!vars) {
        console.error(`oslogin inventory: no host ${JSON.stringify(host)} in the inventory`);
        return 1;
      }
      output(JSON.stringify(vars, null, 2) + "\n", undefined);
    } else output(JSON.stringify(inventory) + "\n", undefined);
    return 0;
  },
};

export default command;
