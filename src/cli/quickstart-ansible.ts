// After the quickstart is applied, leave Ansible ready to run: the Ansible service account's
// authorized key file (from state, where the key's private part lives since its creation; mode
// 0600) and an inventory config pointing at the embedded cloud. An existing oslogin-inventory.yml
// is the user's and is never overwritten.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { writeAuthorizedKeyFile } from "../cloud/model/keys.js";
import type { KeyAlgorithm } from "../cloud/model/types.js";
import type { InstanceState, State } from "../engine/state/state.js";
import { DEFAULT_CONFIG_FILE } from "../inventory/config.js";

export interface QuickstartAnsibleFiles {
  keyFile: string;
  configFile: string;
  /** False when an oslogin-inventory.yml was already there (left as it was). */
  configWritten: boolean;
}

function only(instances: InstanceState[], type: string): InstanceState | string {
  const found = instances.filter((i) => i.type === type && i.mode === "managed");
  return found.length === 1 ? found[0] : `expected one ${type} in the quickstart state, found ${found.length}`;
}

/** Writes the files; a string says why it could not (the quickstart itself still succeeded). */
export function writeQuickstartAnsibleFiles(state: State, dataDir: string, stack: string, cwd = process.cwd()): QuickstartAnsibleFiles | string {
  const instances = [...state.instances.values()];
  const key = only(instances, "yandex_iam_service_account_key");
  const settings = only(instances, "yandex_organizationmanager_os_login_settings");
  const account = only(instances, "yandex_iam_service_account");
  for (const x of [key, settings, account]) if (typeof x === "string") return x;
  const k = (key as InstanceState).attributes;
  const keyFile = path.join(dataDir, stack, "ansible-key.json");
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
      "# Written by `oslogin quickstart`: the Ansible inventory of the quickstart (`oslogin inventory --help`).",
      "# Edit freely; the quickstart never overwrites this file.",
      `data_dir: ${rel(dataDir)}`,
      `service_account_key_file: ${rel(keyFile)}`,
      `organization_id: ${String((settings as InstanceState).attributes.organization_id)}`,
      `folders: [${String((account as InstanceState).attributes.folder_id)}]`,
      `cache_dir: ${rel(path.join(dataDir, "certificates"))}`,
      "group_by: { folder: true, zone: true, labels: [role] }",
      "vars: { ansible_python_interpreter: /usr/bin/python3 }",
      "",
    ].join("\n"),
  );
  return { keyFile, configFile, configWritten: true };
}
