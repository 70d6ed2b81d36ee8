// yandex_iam_service_account: a robot identity (here: the one Ansible logs in as). Schema as in the
// real (plugin-framework, version 1) provider; folder_id falls back to the provider; import by id.
import { listAll } from "../contract/cloud-client.js";
import type { ServiceAccount } from "../contract/api-types.js";
import { checkDescription, checkLabels, checkServiceAccountName, checkUnsupported } from "./checks.js";
import { computed, defineResource, optionalComputed, required, types, type ObjectValue } from "./define.js";
import { keepEmpty, orGone, refreshByListing, scopeId, str, strMap } from "./support.js";

function toState(sa: ServiceAccount, prior: ObjectValue | undefined): ObjectValue {
  return {
    id: sa.id,
    service_account_id: sa.id,
    folder_id: sa.folderId,
    name: sa.name,
    description: keepEmpty(prior?.description, sa.description),
    labels: keepEmpty(prior?.labels, sa.labels),
    expires_at: null,
    created_at: sa.createdAt,
    // The embedded cloud has no suspended accounts: a readable account is active.
    status: "ACTIVE",
  };
}

export const serviceAccount = defineResource({
  type: "yandex_iam_service_account",
  kind: "resource",
  provider: "yandex",
  schemaVersion: 1,
  description: "An IAM service account.",
  access: { kind: "subject", memberType: "serviceAccount", nameAttribute: "name" },
  schema: {
    attributes: {
      id: optionalComputed(types.string, { description: "The service account id." }),
      service_account_id: optionalComputed(types.string, { description: "The service account id." }),
      name: required(types.string, { description: "Name, unique in the cloud: [a-z]([-a-z0-9]{0,61}[a-z0-9])?" }),
      description: optionalComputed(types.string, { description: "Description, up to 256 characters." }),
      folder_id: optionalComputed(types.string, {
        description: "The folder; falls back to the provider's folder_id.",
        forceNew: true,
      }),
      labels: optionalComputed(types.map(types.string), { description: "Labels (key/value pairs)." }),
      expires_at: optionalComputed(types.string, { description: "RFC3339 time after which the account is disabled (not emulated)." }),
      created_at: computed(types.string, { description: "Creation time, RFC3339." }),
      status: computed(types.string, { description: "ACTIVE, SUSPENDED, ..." }),
    },
  },
  importer: {
    format: "<service_account_id>",
    parse: (id) => (id ? { id, service_account_id: id } : "the import ID must be a service account id"),
  },
  check(config) {
    return [
      ...checkServiceAccountName(config.name, ["name"]),
      ...checkDescription(config.description, ["description"]),
      ...checkLabels(config.labels, ["labels"]),
      ...checkUnsupported(config.expires_at, ["expires_at"], "The embedded cloud's service accounts do not expire; remove expires_at."),
    ];
  },
  async create(ctx, config) {
    const sa = await ctx.cloud.createServiceAccount(
      {
        folderId: scopeId(config, "folder_id", ctx.provider),
        name: String(config.name),
        description: str(config.description),
        labels: strMap(config.labels),
      },
      { idempotencyKey: ctx.idempotencyKey },
    );
    return toState(sa, config);
  },
  async read(ctx, state) {
    const sa = await orGone(ctx.cloud.getServiceAccount(String(state.service_account_id ?? state.id)));
    return sa && toState(sa, state);
  },
  async readMany(ctx, states) {
    return refreshByListing(
      ctx,
      states,
      (s) => String(s.folder_id),
      (folderId) => listAll((pageToken) => ctx.cloud.listServiceAccounts({ folderId, pageToken, pageSize: 1000 })),
      (s) => String(s.service_account_id ?? s.id),
      toState,
    );
  },
  async update(ctx, prior, config) {
    const mask = (["name", "description", "labels"] as const).filter(
      (f) => config[f] !== null && JSON.stringify(config[f]) !== JSON.stringify(prior[f]),
    );
    const id = String(prior.service_account_id);
    const sa =
      mask.length === 0
        ? await ctx.cloud.getServiceAccount(id)
        : await ctx.cloud.updateServiceAccount({
            serviceAccountId: id,
            name: String(config.name),
            description: str(config.description) ?? "",
            labels: strMap(config.labels) ?? {},
            updateMask: mask,
          });
    return toState(sa, config);
  },
  async delete(ctx, state) {
    await orGone(ctx.cloud.deleteServiceAccount(String(state.service_account_id ?? state.id)));
  },
});
