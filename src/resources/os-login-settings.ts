// yandex_organizationmanager_os_login_settings: the organization's OS Login modes. Schema as in the
// real provider (SDKv2): organization_id Required (not ForceNew), two MaxItems-1 blocks, id =
// organization_id, import by organization id, create = update, delete = no-op (settings outlive it).
import { errors } from "../contract/errors.js";
import type { OsLoginSettings, UpdateOsLoginSettingsRequest } from "../contract/api-types.js";
import { computed, defineResource, optional, required, types, type ObjectValue } from "./define.js";
import { bool, orGone, scopeId, single } from "./support.js";

const blocks = ["user_ssh_key_settings", "ssh_certificate_settings"] as const;

function toState(organizationId: string, s: OsLoginSettings, prior: ObjectValue | undefined): ObjectValue {
  // Blocks the config does not manage stay untracked, otherwise an omitted block would show a
  // permanent diff against what the API reports. A state without any block can only come from an
  // import (create needs at least one block), and then both are tracked.
  const given = (name: (typeof blocks)[number]) => Array.isArray(prior?.[name]) && (prior[name] as []).length > 0;
  const imported = !blocks.some(given);
  const track = (name: (typeof blocks)[number]) => imported || given(name);
  return {
    id: organizationId,
    organization_id: organizationId,
    user_ssh_key_settings: track("user_ssh_key_settings")
      ? [{ enabled: s.userSshKeySettings.enabled, allow_manage_own_keys: s.userSshKeySettings.allowManageOwnKeys }]
      : [],
    ssh_certificate_settings: track("ssh_certificate_settings") ? [{ enabled: s.sshCertificateSettings.enabled }] : [],
  };
}

function request(organizationId: string, config: ObjectValue, mask: string[]): UpdateOsLoginSettingsRequest {
  const keys = single(config.user_ssh_key_settings);
  const certs = single(config.ssh_certificate_settings);
  // The provider sends whole blocks; a field left unset in a given block means false.
  return {
    organizationId,
    userSshKeySettings: keys ? { enabled: bool(keys.enabled) ?? false, allowManageOwnKeys: bool(keys.allow_manage_own_keys) ?? false } : undefined,
    sshCertificateSettings: certs ? { enabled: bool(certs.enabled) ?? false } : undefined,
    updateMask: mask,
  };
}

export const osLoginSettings = defineResource({
  type: "yandex_organizationmanager_os_login_settings",
  kind: "resource",
  provider: "yandex",
  schemaVersion: 0,
  // As the real provider: all four, 1 minute each by default.
  timeouts: { create: "1m", read: "1m", update: "1m", delete: "1m" },
  description: "The OS Login settings of an organization: SSH certificates, user SSH keys, self-managed keys.",
  access: {
    kind: "settings",
    certificates: (v) => bool(single(v.ssh_certificate_settings)?.enabled) === true,
    membersManageOwnKeys: (v) => {
      const keys = single(v.user_ssh_key_settings);
      return bool(keys?.enabled) === true && bool(keys?.allow_manage_own_keys) === true;
    },
  },
  schema: {
    attributes: {
      id: computed(types.string, { description: "Same as organization_id." }),
      organization_id: required(types.string, { description: "The organization whose OS Login settings these are." }),
    },
    blocks: {
      user_ssh_key_settings: {
        nesting: "list",
        maxItems: 1,
        description: "Access with user SSH keys uploaded to the organization (OS Login mode 2).",
        block: {
          attributes: {
            enabled: optional(types.bool, { description: "Allow login with user SSH keys." }),
            allow_manage_own_keys: optional(types.bool, { description: "Let members upload their own keys (needs enabled)." }),
          },
        },
      },
      ssh_certificate_settings: {
        nesting: "list",
        maxItems: 1,
        description: "Access with short-lived SSH certificates issued by the organization (OS Login mode 1).",
        block: { attributes: { enabled: optional(types.bool, { description: "Allow login with SSH certificates." }) } },
      },
    },
  },
  importer: {
    format: "<organization_id>",
    parse: (id) => (id ? { id, organization_id: id } : "the import ID must be an organization id"),
  },
  async create(ctx, config) {
    const organizationId = scopeId(config, "organization_id", ctx.provider);
    const mask = blocks.filter((b) => single(config[b]));
    if (mask.length === 0) throw errors.failedPrecondition(`No fields were updated for OsLoginSettings ${organizationId}`);
    const s = await ctx.cloud.updateOsLoginSettings(request(organizationId, config, mask), { idempotencyKey: ctx.idempotencyKey });
    return toState(organizationId, s, config);
  },
  async read(ctx, state) {
    const organizationId = String(state.organization_id ?? state.id);
    const s = await orGone(ctx.cloud.getOsLoginSettings(organizationId));
    return s ? toState(organizationId, s, state) : null;
  },
  async update(ctx, prior, config) {
    const organizationId = scopeId(config, "organization_id", ctx.provider);
    const mask = blocks.filter((b) => single(config[b]) && JSON.stringify(config[b]) !== JSON.stringify(prior[b]));
    if (mask.length === 0) {
      // Only a block was dropped from the config: the settings stay as they are, untracked.
      const s = await ctx.cloud.getOsLoginSettings(organizationId);
      return toState(organizationId, s, config);
    }
    const s = await ctx.cloud.updateOsLoginSettings(request(organizationId, config, mask));
    return toState(organizationId, s, config);
  },
  async delete() {
    // As the real provider: removing the resource leaves the organization's settings untouched.
  },
});
