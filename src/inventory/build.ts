// Turns what the cloud says (instances, folders, the account's roles) into Ansible's inventory
// script document: groups, and _meta.hostvars so Ansible never calls --host per host.
// Pure: no I/O, so grouping and host variables are tested with exact values.
import type { Instance } from "../contract/api-types.js";
import { ENABLE_OSLOGIN_KEY, isTrueMetadata } from "../contract/rules.js";
import type { InventoryConfig } from "./config.js";
import { hostKeyOptions } from "./known-hosts.js";

export interface HostCredentials {
  login: string;
  privateKeyFile: string;
  /** Absent in key-only mode (certificates disabled in the organization). */
  certificateFile?: string;
}

export interface InventoryInput {
  config: InventoryConfig;
  /** Instances of the configured folders, with metadata (view FULL). */
  instances: Instance[];
  folderNames: Record<string, string>;
  /** Instances where the account holds compute.osAdminLogin (directly or above the instance). */
  adminInstanceIds: ReadonlySet<string>;
  credentials: HostCredentials;
}

export type HostVars = Record<string, unknown>;

export interface AnsibleGroup {
  hosts?: string[];
  children?: string[];
  vars?: Record<string, unknown>;
}

export interface AnsibleInventory {
  [group: string]: AnsibleGroup | { hostvars: Record<string, HostVars> };
  _meta: { hostvars: Record<string, HostVars> };
}

/** The group every OS Login host belongs to, besides `all`. */
export const ALL_OSLOGIN_GROUP = "oslogin";

/** Ansible group names: letters, digits and underscores, not starting with a digit. */
export function groupName(...parts: string[]): string {
  const name = parts
    .join("_")
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, "_");
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

export function selectInstances(config: InventoryConfig, instances: Instance[]): Instance[] {
  return instances.filter(
    (i) =>
      isTrueMetadata(i.metadata?.[ENABLE_OSLOGIN_KEY]) &&
      config.statuses.includes(i.status) &&
      Object.entries(config.labels).every(([k, v]) => i.labels[k] === v),
  );
}

export function instanceAddress(config: InventoryConfig, i: Instance): string | undefined {
  const primary = i.networkInterfaces[0]?.primaryV4Address;
  const nat = primary?.oneToOneNat?.address;
  return config.address === "nat" ? (nat ?? primary?.address) : primary?.address;
}

/** Host names per the config; names that collide fall back to the instance id, deterministically. */
export function hostNames(config: InventoryConfig, instances: Instance[]): Map<string, string> {
  const wanted = new Map(
    instances.map((i) => [i.id, config.hostname === "fqdn" ? i.fqdn : config.hostname === "id" ? i.id : i.name || i.id]),
  );
  const count = new Map<string, number>();
  for (const n of wanted.values()) count.set(n, (count.get(n) ?? 0) + 1);
  return new Map([...wanted].map(([id, n]) => [id, count.get(n)! > 1 ? id : n]));
}

/** "-o Name=value" arguments: the certificate, only our key, and strict checking of the VM's key. */
export function sshOptionArgs(config: InventoryConfig, credentials: HostCredentials, host: string): string[] {
  const sshArgs = ["-o IdentitiesOnly=yes", ...hostKeyOptions(config.knownHostsFile, host)];
  if (credentials.certificateFile) sshArgs.unshift(`-o CertificateFile=${credentials.certificateFile}`);
  return sshArgs;
}

export function hostVars(input: InventoryInput, i: Instance, host: string): HostVars {
  const { config, credentials } = input;
  const sshArgs = sshOptionArgs(config, credentials, host);
  const vars: HostVars = {
    ansible_host: instanceAddress(config, i),
    ansible_user: credentials.login,
    ansible_ssh_private_key_file: credentials.privateKeyFile,
    ansible_ssh_common_args: sshArgs.join(" "),
  };
  if (input.adminInstanceIds.has(i.id)) vars.ansible_become = true;
  Object.assign(vars, {
    oslogin_instance_id: i.id,
    oslogin_instance_name: i.name,
    oslogin_folder_id: i.folderId,
    oslogin_zone: i.zoneId,
    oslogin_fqdn: i.fqdn,
    oslogin_labels: { ...i.labels },
    ...config.vars,
  });
  return vars;
}

export function buildInventory(input: InventoryInput): AnsibleInventory {
  const { config } = input;
  const selected = selectInstances(config, input.instances).sort((a, b) => (a.id < b.id ? -1 : 1));
  const names = hostNames(config, selected);
  const groups = new Map<string, Set<string>>();
  const add = (group: string, host: string) => {
    if (!groups.has(group)) groups.set(group, new Set());
    groups.get(group)!.add(host);
  };
  const hostvars: Record<string, HostVars> = {};
  for (const i of selected) {
    const host = names.get(i.id)!;
    hostvars[host] = hostVars(input, i, host);
    add(ALL_OSLOGIN_GROUP, host);
    // With prefix (the default) a group says what it groups by: folder_x, zone_x, label_<key>_x.
    const named = (prefix: string[], value: string) => (config.groupBy.prefix ? groupName(...prefix, value) : groupName(value));
    if (config.groupBy.folder) add(named(["folder"], input.folderNames[i.folderId] ?? i.folderId), host);
    if (config.groupBy.zone) add(named(["zone"], i.zoneId), host);
    for (const key of config.groupBy.labelKeys) {
      if (i.labels[key] !== undefined) add(named(["label", key], i.labels[key]), host);
    }
  }
  const inventory: AnsibleInventory = { _meta: { hostvars } };
  const names_ = [...groups.keys()].sort();
  for (const g of names_) inventory[g] = { hosts: [...groups.get(g)!].sort() };
  inventory.all = { children: ["ungrouped", ...names_] };
  return inventory;
}
