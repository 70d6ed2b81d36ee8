// The VMs' SSH host keys, as the cloud publishes them (cloud-init's block on the serial console),
// kept in a known_hosts file that ssh and Ansible then use with StrictHostKeyChecking=yes. Entries
// are keyed by the inventory's host name (ssh is told HostKeyAlias=<name>), so ssh's own refusal names
// the VM. A key is only ever added for a VM that has none: when the cloud publishes a different key
// for a VM already known, the old entry stays and the change is reported, so a replaced key is never
// trusted without someone removing the old line (ssh-keygen -R NAME -f FILE).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

const BEGIN = "-----BEGIN SSH HOST KEY KEYS-----";
const END = "-----END SSH HOST KEY KEYS-----";
const KEY_LINE = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) ([A-Za-z0-9+/]+={0,2})(?:\s|$)/;

/**
 * The "<type> <base64>" host keys of cloud-init's last keys block in a serial console text; empty
 * when the VM has not printed one (still booting, or an image without cloud-init). DSA keys are
 * dropped, as cloud-init itself leaves them out and OpenSSH no longer accepts them.
 */
export function hostKeysFromConsole(contents: string): string[] {
  const lines = contents.split(/\r?\n/);
  const end = lines.lastIndexOf(END);
  if (end < 0) return [];
  const begin = lines.lastIndexOf(BEGIN, end);
  if (begin < 0) return [];
  const keys: string[] = [];
  for (const line of lines.slice(begin + 1, end)) {
    const m = KEY_LINE.exec(line.trim());
    if (m) keys.push(`${m[1]} ${m[2]}`);
  }
  return keys;
}

export interface PublishedHostKeys {
  /** The inventory's host name: the known_hosts entry's name and ssh's HostKeyAlias. */
  host: string;
  keys: string[];
}

export interface KnownHostsUpdate {
  /** Hosts whose published keys were added (they had no entry). */
  added: string[];
  /** Hosts whose published keys differ from the entry kept: ssh will refuse them. */
  changed: string[];
  /** Hosts that published no keys: ssh will refuse them until they do. */
  unpublished: string[];
}

/** Known entries per host name; hashed or wildcard lines are left alone (and kept). */
function entriesOf(text: string): Map<string, Set<string>> {
  const known = new Map<string, Set<string>>();
  for (const line of text.split("\n")) {
    const [names, type, blob] = line.trim().split(/\s+/);
    if (!names || names.startsWith("#") || names.startsWith("|") || names.startsWith("@") || !type || !blob) continue;
    for (const name of names.split(",")) {
      if (!known.has(name)) known.set(name, new Set());
      known.get(name)!.add(`${type} ${blob}`);
    }
  }
  return known;
}

/** Adds the keys of hosts not yet known; reports, and keeps, the entries of hosts whose key changed. */
export function updateKnownHosts(file: string, published: PublishedHostKeys[]): KnownHostsUpdate {
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const known = entriesOf(text);
  const result: KnownHostsUpdate = { added: [], changed: [], unpublished: [] };
  const lines: string[] = [];
  for (const { host, keys } of published) {
    if (keys.length === 0) {
      result.unpublished.push(host);
      continue;
    }
    const have = known.get(host);
    if (!have) {
      lines.push(...keys.map((k) => `${host} ${k}`));
      result.added.push(host);
    } else if (keys.length !== have.size || keys.some((k) => !have.has(k))) {
      result.changed.push(host);
    }
  }
  if (lines.length > 0) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    const prefix = text === "" || text.endsWith("\n") ? text : `${text}\n`;
    // A whole new file renamed into place: a crash never leaves a half-written known_hosts.
    writeFileSync(tmp, `${prefix}${lines.join("\n")}\n`, { mode: 0o600 });
    renameSync(tmp, file);
  }
  return result;
}

/** ssh options that make ssh check the VM's key against the file, by the VM's inventory name. */
export function hostKeyOptions(knownHostsFile: string, host: string): string[] {
  return [`-o UserKnownHostsFile=${knownHostsFile}`, "-o StrictHostKeyChecking=yes", `-o HostKeyAlias=${host}`];
}
