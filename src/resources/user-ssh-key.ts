// yandex_organizationmanager_user_ssh_key: an SSH public key of an organization member or service
// account, used by OS Login mode 2. Schema as in the real (plugin-framework, version 1) provider:
// organization_id / subject_id / data RequiresReplace, name and expires_at updatable, the id both as
// id and user_ssh_key_id; import by key id.
import type { UserSshKey } from "../contract/api-types.js";
import { checkKeyName, checkSshPublicKey, checkTimestamp } from "./checks.js";
import { computed, defineResource, optionalComputed, required, types, type ObjectValue } from "./define.js";
import { keepInstant, orGone, refreshByListing, scopeId, str } from "./support.js";
import { listAll } from "../contract/cloud-client.js";

function toState(k: UserSshKey, prior: ObjectValue | undefined): ObjectValue {
  return {
    id: k.id,
    user_ssh_key_id: k.id,
    organization_id: k.organizationId,
    subject_id: k.subjectId,
    // The API may normalize whitespace; keep the configured spelling of the same key.
    data: typeof prior?.data === "string" && prior.data.trim() === k.data.trim() ? prior.data : k.data,
    name: k.name,
    expires_at: keepInstant(prior?.expires_at, k.expiresAt),
    fingerprint: k.fingerprint,
    created_at: k.createdAt,
  };
}

export const userSshKey = defineResource({
  type: "yandex_organizationmanager_user_ssh_key",
  kind: "resource",
  provider: "yandex",
  schemaVersion: 1,
  // As the real provider (plugin framework): all four, the client's default when unset.
  timeouts: { create: undefined, read: undefined, update: undefined, delete: undefined },
  description: "An SSH public key of an organization member or service account (OS Login user SSH keys).",
  access: { kind: "key", subjectAttribute: "subject_id", dataAttribute: "data", expiresAttribute: "expires_at" },
  schema: {
    attributes: {
      id: optionalComputed(types.string, { description: "The key id (same as user_ssh_key_id)." }),
      user_ssh_key_id: optionalComputed(types.string, { description: "The key id.", forceNew: true }),
      organization_id: required(types.string, {
        description: "The organization; empty falls back to the provider's organization_id.",
        forceNew: true,
      }),
      subject_id: required(types.string, { description: "The user or service account the key belongs to.", forceNew: true }),
      data: required(types.string, { description: "The public key, one OpenSSH line (ed25519, ECDSA or RSA >= 2048).", forceNew: true }),
      name: optionalComputed(types.string, { description: "A name for the key." }),
      expires_at: optionalComputed(types.string, { description: "RFC3339 expiry; unset = the key never expires." }),
      fingerprint: computed(types.string, { description: "SHA256 fingerprint, as ssh-keygen -l prints it." }),
      created_at: computed(types.string, { description: "Creation time, RFC3339." }),
    },
  },
  importer: {
    format: "<user_ssh_key_id>",
    parse: (id) => (id ? { id, user_ssh_key_id: id } : "the import ID must be a user SSH key id"),
  },
  check(config) {
    return [
      ...checkSshPublicKey(config.data, ["data"]),
      ...checkKeyName(config.name, ["name"]),
      ...checkTimestamp(config.expires_at, ["expires_at"], { future: true }),
    ];
  },
  async create(ctx, config) {
    const k = await ctx.cloud.createUserSshKey(
      {
        organizationId: scopeId(config, "organization_id", ctx.provider),
        subjectId: String(config.subject_id),
        data: String(config.data),
        name: str(config.name),
        expiresAt: str(config.expires_at),
      },
      { idempotencyKey: ctx.idempotencyKey },
    );
    return toState(k, config);
  },
  async read(ctx, state) {
    const k = await orGone(ctx.cloud.getUserSshKey(String(state.user_ssh_key_id ?? state.id)));
    return k && toState(k, state);
  },
  async readMany(ctx, states) {
    // One List per organization instead of one Get per key.
    return refreshByListing(
      ctx,
      states,
      (s) => String(s.organization_id),
      (organizationId) => listAll((pageToken) => ctx.cloud.listUserSshKeys({ organizationId, pageToken, pageSize: 1000n })),
      (s) => String(s.user_ssh_key_id ?? s.id),
      toState,
    );
  },
  async update(ctx, prior, config) {
    // The provider always fills both fields; the mask says which ones change.
    const mask = (["name", "expires_at"] as const).filter((f) => config[f] !== null && config[f] !== prior[f]);
    if (mask.length === 0) return { ...prior, name: prior.name, expires_at: prior.expires_at };
    const k = await ctx.cloud.updateUserSshKey({
      userSshKeyId: String(prior.user_ssh_key_id),
      name: str(config.name) ?? "",
      expiresAt: str(config.expires_at) ?? str(prior.expires_at),
      updateMask: mask,
    });
    return toState(k, config);
  },
  async delete(ctx, state) {
    await orGone(ctx.cloud.deleteUserSshKey(String(state.user_ssh_key_id ?? state.id)));
  },
});
