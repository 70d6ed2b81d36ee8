// What `oslogin ssh` needs to log in to one VM, from the same pieces as the inventory: the VM found by
// its inventory host name (or id) in the configured folders, a pre-check that the account holds a
// login role on it, the cached certificate (or the registered key in key-only mode), the VM's address,
// and its host key recorded from the serial console for strict checking. `oslogin scp` uses the same
// target with scp's own argument shape.
import { homedir } from "node:os";
import { join } from "node:path";
import { OS_ADMIN_LOGIN_ROLE, OS_LOGIN_ROLE } from "../contract/roles.js";
import { hostNames, instanceAddress, selectInstances, sshOptionArgs } from "./build.js";
import type { InventoryConfig } from "./config.js";
import { credentialsFor, instancesGranting, InventoryError, listFolderInstances, recordHostKeys, resolveLogin, type GatherContext } from "./gather.js";
import type { KnownHostsUpdate } from "./known-hosts.js";

export interface SshTarget {
  /** The inventory's host name of the VM (ssh's HostKeyAlias). */
  host: string;
  address: string;
  login: string;
  privateKeyFile: string;
  /** "-o Name=value" options: certificate, IdentitiesOnly, the known_hosts file, strict checking. */
  options: string[];
  /**
   * Why ssh's strict host key check would refuse this VM before logging in (its key is neither in
   * known_hosts nor published, or the published key differs from the one kept), else undefined.
   */
  hostKeyProblem?: string;
}

/** Splits `[LOGIN@]VM`; an empty login or VM is a usage error for the caller to report. */
export function parseLoginAtVm(arg: string): { login?: string; vm: string } {
  const at = arg.lastIndexOf("@");
  return at < 0 ? { vm: arg } : { login: arg.slice(0, at), vm: arg.slice(at + 1) };
}

export async function prepareSshLogin(ctx: GatherContext, vm: string): Promise<SshTarget> {
  const config: InventoryConfig = ctx.config;
  const { instances, cloudOf } = await listFolderInstances(ctx);
  const selected = selectInstances(config, instances);
  const names = hostNames(config, selected);
  const instance = selected.find((i) => names.get(i.id) === vm) ?? selected.find((i) => i.id === vm);
  if (!instance) {
    throw new InventoryError(`no running OS Login VM named ${JSON.stringify(vm)} in folders ${config.folderIds.join(", ")} (names as in the inventory, or an instance id)`);
  }
  const host = names.get(instance.id)!;
  // Checked before any certificate is issued: a caller without a login role learns why here, not
  // from ssh's "Permission denied". It refuses only when it could read the bindings of every level
  // (VM, folder, cloud, organization); a level it cannot read might grant, so the VM decides then.
  const granted = await instancesGranting(ctx, [instance], cloudOf, [OS_LOGIN_ROLE, OS_ADMIN_LOGIN_ROLE], true);
  if (!granted.has(instance.id)) {
    throw new InventoryError(
      `${ctx.who} has no login on VM ${host} (${instance.id}): it holds neither ${OS_LOGIN_ROLE} nor ${OS_ADMIN_LOGIN_ROLE} on the VM, its folder, cloud or organization`,
    );
  }
  const login = await resolveLogin(ctx);
  // Only this VM's key: the other VMs of the folders are none of this command's business.
  const [credentials, hostKeys] = await Promise.all([credentialsFor(ctx, login), recordHostKeys(ctx, [instance], () => {})]);
  const address = instanceAddress(config, instance);
  if (!address) throw new InventoryError(`VM ${host} (${instance.id}) has no ${config.address === "nat" ? "address" : "internal address"} to connect to`);
  return {
    host,
    address,
    login,
    privateKeyFile: credentials.privateKeyFile,
    options: sshOptionArgs(config, credentials, host).map((o) => o.replace(/^-o /, "")),
    hostKeyProblem: hostKeyProblem(config.knownHostsFile, host, hostKeys),
  };
}

function hostKeyProblem(knownHostsFile: string, host: string, update: KnownHostsUpdate): string | undefined {
  if (update.unpublished.includes(host)) {
    return `VM ${host} publishes no SSH host keys on its serial console yet and ${knownHostsFile} has no key for it, so ssh (StrictHostKeyChecking=yes) would refuse it. A VM publishes them when it boots; a VM of the embedded cloud is a record, not a machine (docs/vm-access.md runs a real sshd for one)`;
  }
  if (update.changed.includes(host)) {
    return `VM ${host}: the host key it publishes differs from the one in ${knownHostsFile}, so ssh would refuse it. If the VM was re-created, remove the old key: ssh-keygen -R ${host} -f ${knownHostsFile}`;
  }
  return undefined;
}

/**
 * Where a member's key pair is kept between runs: one per member and organization, under ~/.oslogin
 * (private key 0600, its directory 0700), so the certificate is renewed for the same key each time.
 */
export function memberKeyFile(organizationId: string, userId: string, home = homedir()): string {
  return join(home, ".oslogin", "members", organizationId, userId, "id_ed25519");
}

const identityArgs = (t: SshTarget) => ["-i", t.privateKeyFile, ...t.options.flatMap((o) => ["-o", o])];

/** The system ssh's arguments; `--` keeps a command or address that starts with "-" from being an option. */
export function sshArguments(t: SshTarget, command: string[]): string[] {
  return [...identityArgs(t), "-l", t.login, "--", t.address, ...command];
}

/** One scp operand: a local path, or `[LOGIN@]VM:path` (a colon before any slash, as scp reads it). */
export type ScpOperand = { local: string } | { login?: string; vm: string; path: string };

export function parseScpOperand(arg: string): ScpOperand {
  const m = /^([^/:]*):(.*)$/s.exec(arg);
  if (!m) return { local: arg };
  return { ...parseLoginAtVm(m[1]), path: m[2] };
}

/**
 * The one VM (and login) the remote operands name. Copies between two VMs are refused: scp would run
 * the second connection from the first VM, without our key, certificate or known_hosts.
 */
export function scpRemote(operands: ScpOperand[]): { login?: string; vm: string } {
  const remotes = operands.filter((o): o is Exclude<ScpOperand, { local: string }> => !("local" in o));
  if (remotes.length === 0) throw new InventoryError("name the VM side as VM:path (or LOGIN@VM:path); a local path with a colon is written ./a:b");
  const { login, vm } = remotes[0];
  if (remotes.some((r) => r.vm !== vm || r.login !== login) || remotes.some((r) => r.vm === "" || r.login === "")) {
    throw new InventoryError(`every VM operand must name the same [LOGIN@]VM (got ${remotes.map((r) => `${r.login ? r.login + "@" : ""}${r.vm}`).join(", ")}); copy between VMs through this machine`);
  }
  return { login, vm };
}

/** The system scp's arguments: the VM operands rewritten to login@address:path. */
export function scpArguments(t: SshTarget, operands: ScpOperand[], flags: string[]): string[] {
  const host = t.address.includes(":") ? `[${t.address}]` : t.address;
  return [...identityArgs(t), ...flags, "--", ...operands.map((o) => ("local" in o ? o.local : `${t.login}@${host}:${o.path}`))];
}
