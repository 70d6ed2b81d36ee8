// Leave Ansible ready to run against an applied stack: a service account's authorized key file
// (from state, where the key's private part lives since its creation; mode 0600) and an inventory
// config pointing at the cloud. An existing oslogin-inventory.yml is the user's and is never
// overwritten. Used by `oslogin ansible-key` and, for its own stack, by `oslogin quickstart`.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { writeAuthorizedKeyFile } from "../contract/key-file.js";
import type { KeyAlgorithm } from "../contract/api-types.js";
import type { InstanceState, State } from "../engine/state/state.js";
import { DEFAULT_CONFIG_FILE } from "../inventory/config.js";

export interface AnsibleFiles {
  keyFile: string;
  configFile: string;
  /** False when an oslogin-inventory.yml was already there (left as it was). */
  configWritten: boolean;
}

export interface AnsibleFilesOptions {
  /** The key's address in state (default: the stack's only yandex_iam_service_account_key). */
  address?: string;
  /** Where to write the key (default: <dataDir>/<stack>/ansible-key.json). */
  keyFile?: string;
  /** Who is writing oslogin-inventory.yml, for its first comment line. */
  writtenBy?: string;
  cwd?: string;
}

const KEY_TYPE = "yandex_iam_service_account_key";

function pick(instances: InstanceState[], type: string, stack: string, match: (i: InstanceState) => boolean = () => true): InstanceState | string {
  const found = instances.filter((i) => i.type === type && i.mode === "managed" && match(i));
  return found.length === 1 ? found[0] : `expected one ${type} in the state of stack ${stack}, found ${found.length}`;
}

/** Writes the files; a string says why it could not. */
export function writeAnsibleFiles(state: State, dataDir: string, stack: string, opts: AnsibleFilesOptions = {}): AnsibleFiles | string {
  const cwd = opts.cwd ?? process.cwd();
  const instances = [...state.instances.values()];
  let key: InstanceState | string;
  if (opts.address) {
    const at = state.instances.get(opts.address);
    key = at?.type === KEY_TYPE ? at : `no ${KEY_TYPE} at ${opts.address} in the state of stack ${stack} (see "oslogin state list")`;
  } else key = pick(instances, KEY_TYPE, stack);
  if (typeof key === "string") return key;
  const k = key.attributes;
  const account = pick(instances, "yandex_iam_service_account", stack, (i) => i.attributes.id === k.service_account_id);
  if (typeof account === "string") return account;
  // The organization: the account's OS Login profile knows it; else the stack's only OS Login settings.
  const profile = pick(instances, "yandex_organizationmanager_os_login_profile", stack, (i) => i.attributes.subject_id === k.service_account_id);
  const org = typeof profile !== "string" ? profile : pick(instances, "yandex_organizationmanager_os_login_settings", stack);
  if (typeof org === "string") return org;

  const keyFile = path.resolve(cwd, opts.keyFile ?? path.join(dataDir, stack, "ansible-key.json"));
  mkdirSync(path.dirname(keyFile), { recursive: true, mode: 0o700 });
  writeAuthorizedKeyFile(keyFile, {
    id: String(k.id),
    service_account_id: String(k.service_account_id),
    created_at: String(k.created_at),
    key_algorithm: String(k.key_algorithm) as KeyAlgorithm,
    public_key: String(k.public_key),
    private_key: String(k.private_key),
  });

  const configFile = path.join(cwd, DEFAULT_CONFIG_FILE);
  if (existsSync(configFile)) return { keyFile, configFile, configWritten: false };
  const rel = (p: string) => path.relative(cwd, p) || ".";
  writeFileSync(
    configFile,
    [
      `# Written by \`${opts.writtenBy ?? "oslogin ansible-key"}\`: the Ansible inventory of stack ${stack} (\`oslogin inventory --help\`).`,
      "# Edit freely; oslogin never overwrites this file.",
      `data_dir: ${rel(dataDir)}`,
      `service_account_key_file: ${rel(keyFile)}`,
      `organization_id: ${String(org.attributes.organization_id)}`,
      `folders: [${String(account.attributes.folder_id)}]`,
      `cache_dir: ${rel(path.join(dataDir, "certificates"))}`,
      "group_by: { folder: true, zone: true, labels: [role] }",
      "vars: { ansible_python_interpreter: /usr/bin/python3 }",
      "",
    ].join("\n"),
  );
  return { keyFile, configFile, configWritten: true };
}
