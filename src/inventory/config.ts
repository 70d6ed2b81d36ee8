// Inventory configuration: a small YAML file (default ./oslogin-inventory.yml, or the path in
// $OSLOGIN_INVENTORY_CONFIG) with environment overrides. Every problem is reported with the key it
// is about, because Ansible shows only our stderr when an inventory script fails.
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { homedir } from "node:os";
import { parse } from "yaml";

export type HostnameChoice = "name" | "fqdn" | "id";
export type AddressChoice = "nat" | "internal";

export interface InventoryConfig {
  /**
   * "yandex": the real cloud's API hosts (each service at its own endpoint, or all at `endpoint` when
   * given as a gateway), trusting the system CA store; the only credential is the key file.
   */
  cloud?: "yandex";
  /** gRPC endpoint of `oslogin serve` (host:port), or a gateway to the real cloud. */
  endpoint?: string;
  /** PEM file trusted for the endpoint's TLS (oslogin serve's <data-dir>/tls/cert.pem). */
  rootCerts?: string;
  /**
   * Alone: the embedded cloud, opened in process. With endpoint: the directory that `oslogin serve`
   * serves (its TLS certificate, and the admin token through which a member's token is issued).
   */
  dataDir?: string;
  /** Who the inventory (and `oslogin ssh`) acts as, unless `member` is set. */
  serviceAccountKeyFile?: string;
  /**
   * `oslogin ssh`/`scp` as a member of the organization (e-mail or user id) instead of the service
   * account. With data_dir its holder, the emulator admin, acts as the member; without one (the real
   * cloud, a server whose directory is not ours) the member brings their own IAM token in YC_TOKEN.
   */
  member?: string;
  organizationId: string;
  folderIds: string[];
  /** Keep only instances carrying all these labels. */
  labels: Record<string, string>;
  /** Keep only instances in these statuses (default RUNNING). */
  statuses: string[];
  hostname: HostnameChoice;
  address: AddressChoice;
  /** prefix false: groups are named by the value alone ("web", not "label_role_web"). */
  groupBy: { folder: boolean; zone: boolean; labelKeys: string[]; prefix: boolean };
  /** Extra host variables, the same for every host (Ansible's "compose" in its simplest form). */
  vars: Record<string, string>;
  /** Use this OS Login login instead of the service account's default profile. */
  login?: string;
  /** Mode 2 fallback (certificates disabled): the private key registered as the account's SSH key. */
  sshPrivateKeyFile?: string;
  cacheDir: string;
  /** Renew a cached certificate when less than this is left. */
  renewMarginSeconds: number;
  /** Where the VMs' published host keys are kept; ssh checks them strictly. */
  knownHostsFile: string;
}

export class InventoryConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InventoryConfigError";
  }
}

const KNOWN_KEYS = [
  "cloud",
  "endpoint",
  "root_certs",
  "data_dir",
  "service_account_key_file",
  "member",
  "organization_id",
  "folders",
  "filters",
  "hostname",
  "address",
  "group_by",
  "vars",
  "login",
  "ssh_private_key_file",
  "cache_dir",
  "renew_margin_seconds",
  "known_hosts_file",
];

export const DEFAULT_CONFIG_FILE = "oslogin-inventory.yml";

/** Environment variables that override (or stand in for) the file's keys. */
export const ENV_KEYS: Record<string, string> = {
  OSLOGIN_CLOUD: "cloud",
  OSLOGIN_ENDPOINT: "endpoint",
  OSLOGIN_ROOT_CERTS: "root_certs",
  OSLOGIN_DATA_DIR: "data_dir",
  OSLOGIN_SERVICE_ACCOUNT_KEY_FILE: "service_account_key_file",
  OSLOGIN_MEMBER: "member",
  OSLOGIN_ORGANIZATION_ID: "organization_id",
  OSLOGIN_FOLDERS: "folders",
  OSLOGIN_CACHE_DIR: "cache_dir",
  OSLOGIN_KNOWN_HOSTS_FILE: "known_hosts_file",
};

export function loadInventoryConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): InventoryConfig {
  const explicit = env.OSLOGIN_INVENTORY_CONFIG || undefined;
  const path = resolve(cwd, explicit ?? DEFAULT_CONFIG_FILE);
  let raw: Record<string, unknown> = {};
  let text: string | undefined;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    if (explicit) throw new InventoryConfigError(`cannot read the inventory config ${path} (OSLOGIN_INVENTORY_CONFIG)`);
  }
  if (text !== undefined) {
    let doc: unknown;
    try {
      doc = parse(text);
    } catch (e) {
      throw new InventoryConfigError(`${path}: not valid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
    if (doc !== null && doc !== undefined) {
      if (typeof doc !== "object" || Array.isArray(doc)) throw new InventoryConfigError(`${path}: must be a YAML mapping`);
      raw = doc as Record<string, unknown>;
    }
  }
  if (text === undefined && !Object.keys(ENV_KEYS).some((k) => env[k])) {
    // Nothing configured at all: say where the config goes, not which key the empty one lacks.
    throw new InventoryConfigError(`no inventory config: write ${path} (see "oslogin inventory --help" for its keys) or set OSLOGIN_INVENTORY_CONFIG`);
  }
  for (const [envName, key] of Object.entries(ENV_KEYS)) {
    const v = env[envName];
    if (v) raw[key] = key === "folders" ? v.split(",").map((s) => s.trim()).filter(Boolean) : v;
  }
  // Relative paths in the file are relative to the file, as Ansible users expect.
  return parseInventoryConfig(raw, text !== undefined ? dirname(path) : cwd, path);
}

export function parseInventoryConfig(raw: Record<string, unknown>, baseDir: string, source = "config"): InventoryConfig {
  const fail = (key: string, rule: string): never => {
    throw new InventoryConfigError(`${source}: ${key} ${rule}`);
  };
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.includes(key)) fail(key, `is not a known key (known: ${KNOWN_KEYS.join(", ")})`);
  }
  const str = (key: string): string | undefined => {
    const v = raw[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string" || v === "") fail(key, "must be a non-empty string");
    return v as string;
  };
  const path = (key: string): string | undefined => {
    const v = str(key);
    if (v === undefined) return undefined;
    const expanded = v.startsWith("~/") ? resolve(homedir(), v.slice(2)) : v;
    return isAbsolute(expanded) ? expanded : resolve(baseDir, expanded);
  };
  const stringMap = (key: string, v: unknown): Record<string, string> => {
    if (v === undefined || v === null) return {};
    if (typeof v !== "object" || Array.isArray(v)) fail(key, "must be a mapping of strings");
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(v as object)) {
      if (typeof val !== "string" && typeof val !== "number" && typeof val !== "boolean") fail(`${key}.${k}`, "must be a string");
      out[k] = String(val);
    }
    return out;
  };
  const stringList = (key: string, v: unknown): string[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string" || x === "")) fail(key, "must be a list of non-empty strings");
    return v as string[];
  };

  const cloud = str("cloud");
  if (cloud !== undefined && cloud !== "yandex") fail("cloud", `must be yandex (the real cloud's endpoints), got ${JSON.stringify(cloud)}`);
  const endpoint = str("endpoint");
  const dataDir = path("data_dir");
  if (cloud && dataDir) fail("cloud", "and data_dir are exclusive: data_dir is the embedded cloud");
  if (!endpoint && !dataDir && !cloud) fail("endpoint", "or data_dir is required (OSLOGIN_ENDPOINT / OSLOGIN_DATA_DIR), or cloud: yandex (OSLOGIN_CLOUD)");
  const member = str("member");
  const serviceAccountKeyFile =
    path("service_account_key_file") ?? (member ? undefined : fail("service_account_key_file", "is required (OSLOGIN_SERVICE_ACCOUNT_KEY_FILE), or member for oslogin ssh/scp"));
  const organizationId = str("organization_id") ?? fail("organization_id", "is required (OSLOGIN_ORGANIZATION_ID)");
  const folderIds = stringList("folders", raw.folders);
  if (folderIds.length === 0) fail("folders", "must list at least one folder id (OSLOGIN_FOLDERS=id1,id2)");

  const filters = raw.filters ?? {};
  if (typeof filters !== "object" || Array.isArray(filters)) fail("filters", "must be a mapping with labels and/or status");
  const f = filters as Record<string, unknown>;
  for (const k of Object.keys(f)) if (k !== "labels" && k !== "status") fail(`filters.${k}`, "is not a known filter (labels, status)");
  const statuses = f.status === undefined ? ["RUNNING"] : stringList("filters.status", f.status).map((s) => s.toUpperCase());

  const hostname = (str("hostname") ?? "name") as HostnameChoice;
  if (!["name", "fqdn", "id"].includes(hostname)) fail("hostname", "must be one of name, fqdn, id");
  const address = (str("address") ?? "nat") as AddressChoice;
  if (!["nat", "internal"].includes(address)) fail("address", "must be one of nat, internal");

  const gb = raw.group_by ?? {};
  if (typeof gb !== "object" || Array.isArray(gb)) fail("group_by", "must be a mapping (folder, zone, labels, prefix)");
  const g = gb as Record<string, unknown>;
  for (const k of Object.keys(g)) if (!["folder", "zone", "labels", "prefix"].includes(k)) fail(`group_by.${k}`, "is not known (folder, zone, labels, prefix)");
  const flag = (k: string, dflt: boolean): boolean => {
    if (g[k] === undefined) return dflt;
    if (typeof g[k] !== "boolean") fail(`group_by.${k}`, "must be true or false");
    return g[k] as boolean;
  };

  const margin = raw.renew_margin_seconds ?? 300;
  if (typeof margin !== "number" || !Number.isInteger(margin) || margin < 0 || margin >= 3600) {
    fail("renew_margin_seconds", "must be a whole number of seconds from 0 to 3599");
  }

  const cacheDir = path("cache_dir") ?? resolve(homedir(), ".cache/oslogin-kit/certificates");
  return {
    ...(cloud ? { cloud: "yandex" as const } : {}),
    endpoint,
    rootCerts: path("root_certs"),
    dataDir,
    serviceAccountKeyFile,
    ...(member ? { member } : {}),
    organizationId,
    folderIds,
    labels: stringMap("filters.labels", f.labels),
    statuses,
    hostname,
    address,
    groupBy: { folder: flag("folder", true), zone: flag("zone", true), labelKeys: stringList("group_by.labels", g.labels), prefix: flag("prefix", true) },
    vars: stringMap("vars", raw.vars),
    login: str("login"),
    sshPrivateKeyFile: path("ssh_private_key_file"),
    cacheDir,
    renewMarginSeconds: margin as number,
    knownHostsFile: path("known_hosts_file") ?? join(cacheDir, "known_hosts"),
  };
}
