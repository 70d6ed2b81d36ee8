// What `oslogin import --generate-construct` writes constructs for: existing cloud objects, each
// read by its import ID exactly as an import block would read it (src/engine/plan/import-blocks.ts),
// so the generated construct's values are the ones the next plan compares against. Two sources:
// the stack's import blocks whose address has no resource yet (terraform's -generate-config-out),
// and an organization's OS Login objects (profiles, user SSH keys, the service accounts they
// belong to, compute.osLogin / compute.osAdminLogin bindings on the organization and its folders).
import { listAll, type CloudClient } from "../contract/cloud-client.js";
import type { AccessBinding, ResourceKind } from "../contract/api-types.js";
import { OS_ADMIN_LOGIN_ROLE, OS_LOGIN_ROLE } from "../contract/roles.js";
import { errorAt, type EngineDiagnostic } from "../engine/diagnostics.js";
import { parseInstanceAddress, type State } from "../engine/state/state.js";
import { readImportId, type ImportContext } from "../engine/plan/import-blocks.js";
import type { ObjectValue } from "../resources/define.js";
import { folderIamMember } from "../resources/folder-iam-member.js";
import { organizationIamMember } from "../resources/organization-iam-member.js";
import { osLoginProfile } from "../resources/os-login-profile.js";
import { osLoginSettings } from "../resources/os-login-settings.js";
import { serviceAccount } from "../resources/service-account.js";
import { userSshKey } from "../resources/user-ssh-key.js";
import type { StackConfig } from "../engine/config/config.js";
import type { Expr } from "../engine/expr/ast.js";

/** One existing object to declare: its type, import ID, the values read, and the construct id to give it. */
export interface AdoptedObject {
  type: string;
  importId: string;
  value: ObjectValue;
  /** The construct id (top level of the stack, so also the resource name in its address). */
  constructId: string;
  /** A line for the reader, e.g. whose profile it is. */
  note?: string;
}

/** Something seen but not declarable, said in a comment of the generated file. */
export interface NotAdopted {
  what: string;
  why: string;
}

export interface Adoption {
  objects: AdoptedObject[];
  notAdopted: NotAdopted[];
  diagnostics: EngineDiagnostic[];
}

// The types' names from their one definition each.
const PROFILE = osLoginProfile.type;
const SSH_KEY = userSshKey.type;
const SERVICE_ACCOUNT = serviceAccount.type;
const SETTINGS = osLoginSettings.type;
const ORG_BINDING = organizationIamMember.type;
const FOLDER_BINDING = folderIamMember.type;
const LOGIN_ROLES = [OS_LOGIN_ROLE, OS_ADMIN_LOGIN_ROLE];

/** The provider a type's objects are read with: its default configuration ("yandex_..." -> "yandex"). */
const providerOf = (type: string): string => type.split("_")[0];

/** What cdktf keeps of a top-level construct id in the resource name: [A-Za-z0-9_-], not starting with a digit or dash. */
export function constructIdOf(text: string): string {
  const clean = text.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
  return /^[A-Za-z_]/.test(clean) ? clean : `_${clean}`;
}

/**
 * terraform's -generate-config-out: the import blocks whose target has no resource in the
 * configuration, each read by its ID. The construct id is the address's name, so the construct
 * synthesizes to the address the block named.
 */
export async function adoptFromImportBlocks(ctx: ImportContext): Promise<Adoption> {
  const declared = new Set(ctx.config.resources.map((r) => r.address));
  const out: Adoption = { objects: [], notAdopted: [], diagnostics: [] };
  for (const s of ctx.config.imports) {
    const where = `import[${s.index}]`;
    const parsed = parseInstanceAddress(s.to);
    if (!parsed || declared.has(parsed.resource)) continue;
    if (parsed.indexKey !== undefined) {
      out.diagnostics.push(errorAt(where, "Cannot generate an indexed address", `"to" is ${s.to}: a generated construct is one resource, so "to" must be TYPE.NAME without [index]`, ["to"]));
      continue;
    }
    if (constructIdOf(parsed.name) !== parsed.name) {
      out.diagnostics.push(errorAt(where, "Name not usable as a construct id", `"to" is ${s.to}: the name must match [A-Za-z_][A-Za-z0-9_-]* to be a construct id that synthesizes to the same address`, ["to"]));
      continue;
    }
    const r = await readImportId(ctx, parsed.type, providerOf(parsed.type), s.id, s.to);
    out.diagnostics.push(...r.diagnostics);
    if (r.value) out.objects.push({ type: parsed.type, importId: s.id, value: r.value, constructId: parsed.name });
  }
  return out;
}

const shortRole = (role: string): string => role.replace(/^.*\./, "");

/** What makes an object the same one in the cloud, for the types a stack may declare without its id. */
const IDENTITY: Record<string, (v: ObjectValue) => unknown[]> = {
  [SETTINGS]: (v) => [v.organization_id],
  [PROFILE]: (v) => [v.organization_id, v.login],
  [SSH_KEY]: (v) => [v.organization_id, v.subject_id, typeof v.data === "string" ? v.data.trim() : v.data],
  [SERVICE_ACCOUNT]: (v) => [v.folder_id, v.name],
  [ORG_BINDING]: (v) => [v.organization_id, v.role, v.member],
  [FOLDER_BINDING]: (v) => [v.folder_id, v.role, v.member],
};
const identity = (type: string, v: ObjectValue): string | undefined => {
  const parts = IDENTITY[type]?.(v);
  return parts && parts.every((p) => typeof p === "string") ? `${type} ${parts.join(" ")}` : undefined;
};

/** The literal arguments of a resource block (references and expressions left out). */
function literalArguments(body: Expr): ObjectValue {
  // A body without any reference or expression is parsed as one literal.
  if (body.k === "lit") return body.v !== null && typeof body.v === "object" && !Array.isArray(body.v) ? body.v : {};
  const out: ObjectValue = {};
  if (body.k !== "object") return out;
  for (const [key, value] of body.items) if (key.k === "lit" && typeof key.v === "string" && value.k === "lit") out[key.v] = value.v;
  return out;
}

/**
 * Objects the configuration already declares (not applied yet, so not in state), recognised by
 * what identifies them in the cloud: generating them again would declare one object twice.
 */
function declaredIdentities(config: StackConfig): Set<string> {
  const keys = config.resources.flatMap((r) => (r.mode === "managed" ? [identity(r.type, literalArguments(r.body))] : []));
  // An import block names its object by import ID (a construct generated before, not applied yet).
  for (const s of config.imports) keys.push(`${parseInstanceAddress(s.to)?.type} import ${s.id}`);
  return new Set(keys.filter((k): k is string => k !== undefined));
}

/**
 * An organization's OS Login objects neither in `state` nor declared by the configuration (by what
 * identifies them in the cloud: login, key, name, binding): its OS Login settings, profiles, user SSH
 * keys, the service accounts these belong to (and their authorized keys, which cannot be imported:
 * reported in notAdopted), and login-role bindings on the organization and on its clouds' folders.
 */
export async function adoptOrganization(ctx: ImportContext, organizationId: string, state: State): Promise<Adoption> {
  const cloud: CloudClient = ctx.cloud;
  const out: Adoption = { objects: [], notAdopted: [], diagnostics: [] };
  const managed = new Set([...state.instances.values()].map((i) => `${i.type} ${String(i.attributes.id)}`));
  const declared = declaredIdentities(ctx.config);
  const taken = new Set<string>();
  const uniqueId = (base: string): string => {
    let id = constructIdOf(base);
    for (let n = 2; taken.has(id); n++) id = constructIdOf(`${base}-${n}`);
    taken.add(id);
    return id;
  };
  const add = async (type: string, importId: string, constructId: string, note?: string): Promise<void> => {
    const r = await readImportId(ctx, type, providerOf(type), importId, `${type} ${importId}`);
    out.diagnostics.push(...r.diagnostics);
    if (!r.value || managed.has(`${type} ${String(r.value.id)}`)) return;
    const key = identity(type, r.value);
    if ((key !== undefined && declared.has(key)) || declared.has(`${type} import ${importId}`)) return;
    out.objects.push({ type, importId, value: r.value, constructId: uniqueId(constructId), note });
  };

  const members = await listAll((pageToken) => cloud.listMembers(organizationId, { pageToken, pageSize: 1000 }));
  const profiles = await listAll((pageToken) => cloud.listOsLoginProfiles({ organizationId, pageToken, pageSize: 1000n }));
  const keys = await listAll((pageToken) => cloud.listUserSshKeys({ organizationId, pageToken, pageSize: 1000n }));
  const orgBindings = (await listAll<AccessBinding>((pageToken) => cloud.listAccessBindings({ kind: "organization", id: organizationId }, { pageToken, pageSize: 1000 }))).filter((b) =>
    LOGIN_ROLES.includes(b.roleId),
  );
  const folderBindings: { folderId: string; binding: AccessBinding }[] = [];
  for (const c of await listAll((pageToken) => cloud.listClouds({ organizationId, pageToken, pageSize: 1000 }))) {
    for (const f of await listAll((pageToken) => cloud.listFolders({ cloudId: c.id, pageToken, pageSize: 1000 }))) {
      const bindings = await listAll<AccessBinding>((pageToken) => cloud.listAccessBindings({ kind: "folder" satisfies ResourceKind, id: f.id }, { pageToken, pageSize: 1000 }));
      for (const b of bindings) if (LOGIN_ROLES.includes(b.roleId)) folderBindings.push({ folderId: f.id, binding: b });
    }
  }

  // Service accounts among the subjects: their names label the other objects.
  const userIds = new Set(members.map((m) => m.id));
  const saIds = new Set<string>();
  for (const id of [...profiles.map((p) => p.subjectId), ...keys.map((k) => k.subjectId)]) if (!userIds.has(id)) saIds.add(id);
  for (const b of [...orgBindings, ...folderBindings.map((f) => f.binding)]) if (b.subject.type === "serviceAccount") saIds.add(b.subject.id);
  const accounts = new Map<string, string>();
  for (const id of saIds) {
    try {
      accounts.set(id, (await cloud.getServiceAccount(id)).name);
    } catch {
      // A subject that is neither a member nor a readable service account keeps its id as label.
    }
  }
  const email = new Map(members.map((m) => [m.id, m.email]));
  const loginOf = new Map(profiles.filter((p) => p.isDefault).map((p) => [p.subjectId, p.login]));
  const label = (subjectId: string): string => accounts.get(subjectId) ?? loginOf.get(subjectId) ?? email.get(subjectId)?.replace(/@.*$/, "") ?? subjectId;
  const whose = (subjectId: string): string | undefined =>
    accounts.has(subjectId) ? `service account ${accounts.get(subjectId)}` : email.has(subjectId) ? email.get(subjectId) : undefined;

  await add(SETTINGS, organizationId, "os-login-settings");
  for (const [id, name] of [...accounts].sort((a, b) => a[1].localeCompare(b[1]))) {
    await add(SERVICE_ACCOUNT, id, `sa-${name}`);
    const saKeys = await listAll((pageToken) => cloud.listKeys({ serviceAccountId: id, pageToken, pageSize: 1000 }));
    for (const k of saKeys.filter((k) => !managed.has(`yandex_iam_service_account_key ${k.id}`))) {
      out.notAdopted.push({ what: `authorized key ${k.id} of service account ${name}`, why: "service account keys cannot be imported, and a private key cannot be read back from the cloud" });
    }
  }
  for (const p of [...profiles].sort((a, b) => a.login.localeCompare(b.login))) await add(PROFILE, p.id, `profile-${p.login}`, whose(p.subjectId));
  // A key past its expiry grants nothing, and a construct with a past expires_at fails synth's check.
  const now = Date.now();
  for (const k of keys.filter((k) => k.expiresAt !== undefined && Date.parse(k.expiresAt) <= now && !managed.has(`${SSH_KEY} ${k.id}`))) {
    out.notAdopted.push({ what: `SSH key ${k.id} (${k.name || "no name"}) of ${whose(k.subjectId) ?? k.subjectId}`, why: `it expired at ${k.expiresAt}; a construct cannot declare a past expiry` });
  }
  for (const k of [...keys].filter((k) => k.expiresAt === undefined || Date.parse(k.expiresAt) > now).sort((a, b) => `${label(a.subjectId)} ${a.name}`.localeCompare(`${label(b.subjectId)} ${b.name}`))) {
    await add(SSH_KEY, k.id, `ssh-key-${label(k.subjectId)}-${k.name || k.id}`, whose(k.subjectId));
  }
  const member = (b: AccessBinding) => `${b.subject.type}:${b.subject.id}`;
  for (const b of [...orgBindings].sort((x, y) => `${x.roleId} ${label(x.subject.id)}`.localeCompare(`${y.roleId} ${label(y.subject.id)}`))) {
    await add(ORG_BINDING, `${organizationId},${b.roleId},${member(b)}`, `org-${shortRole(b.roleId)}-${label(b.subject.id)}`, whose(b.subject.id));
  }
  for (const { folderId, binding: b } of [...folderBindings].sort((x, y) =>
    `${x.folderId} ${x.binding.roleId} ${label(x.binding.subject.id)}`.localeCompare(`${y.folderId} ${y.binding.roleId} ${label(y.binding.subject.id)}`),
  )) {
    await add(FOLDER_BINDING, `${folderId},${b.roleId},${member(b)}`, `folder-${folderId}-${shortRole(b.roleId)}-${label(b.subject.id)}`, whose(b.subject.id));
  }
  return out;
}
