// What `oslogin ssh` needs to log in to one VM, from the same pieces as the inventory: the VM found by
// its inventory host name (or id) in the configured folders, a pre-check that the account holds a
// login role on it, the cached certificate (or the registered key in key-only mode), the VM's address,
// and its host key recorded from the serial console for strict checking.
import { OS_ADMIN_LOGIN_ROLE, OS_LOGIN_ROLE } from "../contract/roles.js";
import { hostNames, instanceAddress, selectInstances, sshOptionArgs } from "./build.js";
import type { InventoryConfig } from "./config.js";
import { credentialsFor, instancesGranting, InventoryError, listFolderInstances, recordHostKeys, resolveLogin, type GatherContext } from "./gather.js";

export interface SshTarget {
  /** The inventory's host name of the VM (ssh's HostKeyAlias). */
  host: string;
  address: string;
  login: string;
  privateKeyFile: string;
  /** "-o Name=value" options: certificate, IdentitiesOnly, the known_hosts file, strict checking. */
  options: string[];
}

/** Splits `[LOGIN@]VM`; an empty login or VM is a usage error for the caller to report. */
export function parseLoginAtVm(arg: string): { login?: string; vm: string } {
  const at = arg.lastIndexOf("@");
  return at < 0 ? { vm: arg } : { login: arg.slice(0, at), vm: arg.slice(at + 1) };
}

export async function prepareSshLogin(ctx: GatherContext, vm: string, warn: (line: string) => void): Promise<SshTarget> {
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
      `service account ${ctx.serviceAccountId} has no login on VM ${host} (${instance.id}): it holds neither ${OS_LOGIN_ROLE} nor ${OS_ADMIN_LOGIN_ROLE} on the VM, its folder, cloud or organization`,
    );
  }
  const login = await resolveLogin(ctx);
  const [credentials] = await Promise.all([credentialsFor(ctx, login), recordHostKeys(ctx, instances, warn)]);
  const address = instanceAddress(config, instance);
  if (!address) throw new InventoryError(`VM ${host} (${instance.id}) has no ${config.address === "nat" ? "address" : "internal address"} to connect to`);
  return {
    host,
    address,
    login,
    privateKeyFile: credentials.privateKeyFile,
    options: sshOptionArgs(config, credentials, host).map((o) => o.replace(/^-o /, "")),
  };
}

/** The system ssh's arguments; `--` keeps a command or address that starts with "-" from being an option. */
export function sshArguments(t: SshTarget, command: string[]): string[] {
  return ["-i", t.privateKeyFile, ...t.options.flatMap((o) => ["-o", o]), "-l", t.login, "--", t.address, ...command];
}
