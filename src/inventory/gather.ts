// Asks the cloud, as the service account (or, for `oslogin ssh`, a member), for everything the
// inventory needs: its OS Login login, the instances of the configured folders, where it holds
// compute.osAdminLogin, and a fresh (or cached) certificate. Failures propagate: an inventory that cannot ask the cloud must fail loudly,
// never print an empty inventory that looks like success.
import { listAll, type CloudClient } from "../contract/cloud-client.js";
import { CloudError } from "../contract/errors.js";
import { OS_ADMIN_LOGIN_ROLE } from "../contract/roles.js";
import type { AccessBinding, Instance, ResourceRef, Subject } from "../contract/api-types.js";
import { buildInventory, hostNames, selectInstances, type AnsibleInventory, type HostCredentials } from "./build.js";
import { ensureCertificate } from "./cert-cache.js";
import { parseCertificate } from "../ssh/certificate-info.js";
import { ensureEd25519KeyPair } from "../ssh/keypair.js";
import { publicBlobOfOpenSshPrivateKey } from "../ssh/wire.js";
import { readFileSync } from "node:fs";
import type { InventoryConfig } from "./config.js";
import { hostKeysFromConsole, updateKnownHosts, type KnownHostsUpdate } from "./known-hosts.js";

export interface GatherContext {
  client: CloudClient;
  config: InventoryConfig;
  /** Who asks: the inventory's service account, or the member `oslogin ssh --member` acts as. */
  subject: Subject;
  /** How messages name the subject: "service account ajs...", "member alice@example.com". */
  who: string;
  /** A private key whose public half is registered on the subject's profile: used as is, no certificate. */
  identityFile?: string;
  /**
   * A key pair kept for the subject (a member's, reused across runs): it is what gets certified, or,
   * when the organization issues no certificates, registered on the profile. Without it, each
   * renewal makes a fresh pair in the certificate cache (the service account's way).
   */
  keptKeyFile?: string;
  now?: () => Date;
}

export class InventoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InventoryError";
  }
}

/** The login Ansible connects as: the configured one, or the account's default OS Login profile. */
export async function resolveLogin(ctx: GatherContext): Promise<string> {
  if (ctx.config.login) return ctx.config.login;
  const page = await ctx.client.listOsLoginProfiles({
    organizationId: ctx.config.organizationId,
    filter: `subject_id="${ctx.subject.id}"`,
  });
  const profile = page.items.find((p) => p.isDefault) ?? page.items[0];
  if (!profile) {
    throw new InventoryError(
      `${ctx.who} has no OS Login profile in organization ${ctx.config.organizationId}; create one (yandex_organizationmanager_os_login_profile) or set login in the config`,
    );
  }
  return profile.login;
}

/** Where the key-only mode's private key is, or an error saying what to configure. */
function keyOnlyCredentials(config: InventoryConfig, login: string): HostCredentials {
  if (!config.sshPrivateKeyFile) {
    throw new InventoryError(
      `SSH certificates are disabled in organization ${config.organizationId} and no ssh_private_key_file is configured for key-only access`,
    );
  }
  return { login, privateKeyFile: config.sshPrivateKeyFile };
}

export async function credentialsFor(ctx: GatherContext, login: string): Promise<HostCredentials> {
  const { client, config } = ctx;
  if (ctx.identityFile) {
    await requireRegistered(ctx, ctx.identityFile);
    return { login, privateKeyFile: ctx.identityFile };
  }
  try {
    const cert = await ensureCertificate({
      cacheDir: config.cacheDir,
      keyFile: ctx.keptKeyFile,
      organizationId: config.organizationId,
      login,
      marginSeconds: config.renewMarginSeconds,
      now: ctx.now,
      issue: async (publicKey) => {
        const { signedCertificate } = await client.generateSshCertificate({
          organizationId: config.organizationId,
          ...(config.login ? { osLogin: config.login } : {}),
          publicKey,
        });
        requireCertifiedFor(ctx, signedCertificate, login);
        return signedCertificate;
      },
    });
    return { login, privateKeyFile: cert.privateKeyFile, certificateFile: cert.certificateFile };
  } catch (e) {
    // Mode 2: the organization issues no certificates, keys registered on the profile still work.
    if (e instanceof CloudError && e.code === "FAILED_PRECONDITION") {
      return ctx.keptKeyFile ? registerKeptKey(ctx, ctx.keptKeyFile, login) : keyOnlyCredentials(config, login);
    }
    throw e;
  }
}

/**
 * The cloud certifies the caller's own login, whoever the config names: a certificate for another
 * login means the credential in use is someone else's (a member's YC_TOKEN that is not theirs). Said
 * here, before it is cached, instead of ssh's "Permission denied" later.
 */
function requireCertifiedFor(ctx: GatherContext, certificateLine: string, login: string): void {
  let principals: string[];
  try {
    principals = parseCertificate(certificateLine).principals;
  } catch {
    return; // the cache refuses what does not parse, with its own error
  }
  if (!principals.includes(login)) {
    throw new InventoryError(
      `the cloud certified login ${principals.join(", ") || "(none)"} for the credential in use, not ${login} (the login of ${ctx.who}): the credential is another account's`,
    );
  }
}

/** The base64 blob of an authorized_keys line ("ssh-ed25519 AAAA... comment"). */
const blobOfPublicKey = (line: string) => line.trim().split(/\s+/)[1];

async function registeredBlobs(ctx: GatherContext): Promise<Set<string>> {
  const keys = await listAll((pageToken) =>
    ctx.client.listUserSshKeys({ organizationId: ctx.config.organizationId, subjectId: ctx.subject.id, pageToken }),
  );
  return new Set(keys.map((k) => blobOfPublicKey(k.data)));
}

/**
 * Refuses an identity whose public half is not on the subject's profile: the VM would refuse it with a
 * bare "Permission denied". A key file we cannot read the public half of (not OpenSSH's format) is left
 * to the VM.
 */
async function requireRegistered(ctx: GatherContext, identityFile: string): Promise<void> {
  let text: string;
  try {
    text = readFileSync(identityFile, "utf8");
  } catch (e) {
    throw new InventoryError(`cannot read the identity ${identityFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let blob: string;
  try {
    blob = publicBlobOfOpenSshPrivateKey(text);
  } catch {
    return;
  }
  if (!(await registeredBlobs(ctx)).has(blob)) {
    throw new InventoryError(
      `the public half of ${identityFile} is not a registered SSH key of ${ctx.who} in organization ${ctx.config.organizationId}; register it (yandex_organizationmanager_user_ssh_key) or leave out --identity`,
    );
  }
}

/** Key-only mode with a kept pair: its public half goes on the subject's profile once, then it is used. */
async function registerKeptKey(ctx: GatherContext, keyFile: string, login: string): Promise<HostCredentials> {
  const publicKey = ensureEd25519KeyPair(keyFile, `${login}@${ctx.config.organizationId}`);
  if (!(await registeredBlobs(ctx)).has(blobOfPublicKey(publicKey))) {
    try {
      await ctx.client.createUserSshKey({ organizationId: ctx.config.organizationId, subjectId: ctx.subject.id, name: "oslogin-ssh", data: publicKey });
    } catch (e) {
      if (e instanceof CloudError && e.code === "PERMISSION_DENIED") {
        throw new InventoryError(
          `organization ${ctx.config.organizationId} issues no SSH certificates, and ${ctx.who} may not register the key ${keyFile}.pub (${e.message}); ask an administrator to register it, or use --identity with a registered key`,
        );
      }
      throw e;
    }
  }
  return { login, privateKeyFile: keyFile };
}

/**
 * Whether one of the bindings grants one of `roles` to the subject: directly, through a system subject,
 * or (for a member) through a group they are in. `groups` undefined means the member's groups could not
 * be read: a group binding then counts as `unknown`.
 */
function grantsRole(
  bindings: AccessBinding[],
  roles: readonly string[],
  subject: Subject,
  organizationId: string,
  groups: ReadonlySet<string> | undefined,
  unknown: boolean,
): boolean {
  return bindings.some(
    (b) =>
      roles.includes(b.roleId) &&
      ((b.subject.type === subject.type && b.subject.id === subject.id) ||
        (b.subject.type === "system" &&
          (b.subject.id === "allAuthenticatedUsers" || b.subject.id === "allUsers" || b.subject.id === `group:organization:${organizationId}:users`)) ||
        (b.subject.type === "group" && subject.type === "userAccount" && (groups ? groups.has(b.subject.id) : unknown))),
  );
}

/** The groups of the organization a member is in; undefined when the member may not list them. */
async function memberGroups(ctx: GatherContext): Promise<Set<string> | undefined> {
  if (ctx.subject.type !== "userAccount") return new Set();
  try {
    const groups = await listAll((pageToken) => ctx.client.listGroups(ctx.config.organizationId, { pageToken, pageSize: 1000 }));
    return new Set(groups.filter((g) => g.members.includes(ctx.subject.id)).map((g) => g.id));
  } catch (e) {
    if (e instanceof CloudError && e.code === "PERMISSION_DENIED") return undefined;
    throw e;
  }
}

/**
 * Instances on which the account holds one of `roles`, on the instance or above it. A level whose
 * bindings the account may not read counts as `unreadableGrants`: false for sudo (become is only ever
 * switched on by a binding we saw), true for the pre-check of `oslogin ssh` (the VM has the last word).
 */
export async function instancesGranting(
  ctx: GatherContext,
  instances: Instance[],
  cloudOf: Map<string, string>,
  roles: readonly string[],
  unreadableGrants = false,
): Promise<Set<string>> {
  const subject = ctx.subject;
  const groups = await memberGroups(ctx);
  const memo = new Map<string, Promise<boolean>>();
  const holds = (resource: ResourceRef): Promise<boolean> => {
    const key = `${resource.kind}/${resource.id}`;
    if (!memo.has(key)) {
      memo.set(
        key,
        listAll((pageToken) => ctx.client.listAccessBindings(resource, { pageToken }))
          .then((bs) => grantsRole(bs, roles, subject, ctx.config.organizationId, groups, unreadableGrants))
          .catch((e: unknown) => {
            if (e instanceof CloudError && e.code === "PERMISSION_DENIED") return unreadableGrants;
            throw e;
          }),
      );
    }
    return memo.get(key)!;
  };
  const org = await holds({ kind: "organization", id: ctx.config.organizationId });
  const result = new Set<string>();
  // Higher levels first: where a folder or cloud grants, no per-instance call is needed.
  const pending: Instance[] = [];
  for (const i of instances) {
    const cloudId = cloudOf.get(i.folderId);
    const above =
      org ||
      (await holds({ kind: "folder", id: i.folderId })) ||
      (cloudId !== undefined && (await holds({ kind: "cloud", id: cloudId })));
    if (above) result.add(i.id);
    else pending.push(i);
  }
  await mapLimit(pending, 16, async (i) => {
    if (await holds({ kind: "instance", id: i.id })) result.add(i.id);
  });
  return result;
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Brings the known_hosts file up to date with the host keys the selected VMs publish on their
 * serial console. Changed and missing keys are reported on `warn` (ssh itself refuses those VMs).
 */
export async function recordHostKeys(ctx: GatherContext, instances: Instance[], warn: (line: string) => void): Promise<KnownHostsUpdate> {
  const selected = selectInstances(ctx.config, instances);
  const names = hostNames(ctx.config, selected);
  const published = await Promise.all(
    selected.map(async (i) => ({ host: names.get(i.id)!, keys: hostKeysFromConsole(await ctx.client.getSerialPortOutput(i.id)) })),
  );
  const update = updateKnownHosts(ctx.config.knownHostsFile, published);
  for (const host of update.changed) {
    warn(
      `VM ${host}: the host key it publishes differs from the one in ${ctx.config.knownHostsFile}; ssh will refuse it. ` +
        `If the VM was re-created, remove the old key: ssh-keygen -R ${host} -f ${ctx.config.knownHostsFile}`,
    );
  }
  for (const host of update.unpublished) warn(`VM ${host}: publishes no SSH host keys on its serial console yet; ssh will refuse it`);
  return update;
}

const stderrWarn = (l: string) => process.stderr.write(`${l}\n`);

/** The configured folders (names, clouds) and their instances with metadata. */
export async function listFolderInstances(ctx: GatherContext): Promise<{ instances: Instance[]; folderNames: Record<string, string>; cloudOf: Map<string, string> }> {
  const { client, config } = ctx;
  const folders = await Promise.all(config.folderIds.map((id) => client.getFolder(id)));
  const instances = (
    await Promise.all(
      config.folderIds.map((folderId) =>
        listAll((pageToken) => client.listInstances({ folderId, pageToken, pageSize: 1000, view: "FULL" })),
      ),
    )
  ).flat();
  return { instances, folderNames: Object.fromEntries(folders.map((f) => [f.id, f.name])), cloudOf: new Map(folders.map((f) => [f.id, f.cloudId])) };
}

export async function gatherInventory(ctx: GatherContext, warn: (line: string) => void = stderrWarn): Promise<AnsibleInventory> {
  const { config } = ctx;
  const { instances, folderNames, cloudOf } = await listFolderInstances(ctx);
  const login = await resolveLogin(ctx);
  const [credentials, adminInstanceIds] = await Promise.all([
    credentialsFor(ctx, login),
    instancesGranting(ctx, instances, cloudOf, [OS_ADMIN_LOGIN_ROLE]),
    recordHostKeys(ctx, instances, warn),
  ]);
  return buildInventory({ config, instances, folderNames, adminInstanceIds, credentials });
}
