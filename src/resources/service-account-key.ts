// yandex_iam_service_account_key: an authorized key (RSA key pair) of a service account; the
// private key is returned once, at create, and kept (sensitive) in state. As the real provider:
// no importer, description sent through Update only, format / key_algorithm ForceNew with defaults.
import { listAll } from "../contract/cloud-client.js";
import { keyWithLostPrivateKey } from "../contract/errors.js";
import type { Key, KeyAlgorithm } from "../contract/api-types.js";
import { checkDescription, checkUnsupported } from "./checks.js";
import { computed, defineResource, diag, LostSecretError, optional, required, types, type ObjectValue } from "./define.js";
import { keepEmpty, orGone, refreshByListing, str } from "./support.js";

const ALGORITHMS: readonly KeyAlgorithm[] = ["RSA_2048", "RSA_4096"];

function toState(k: Key, prior: ObjectValue): ObjectValue {
  return {
    id: k.id,
    service_account_id: k.serviceAccountId,
    description: keepEmpty(prior.description, k.description),
    format: prior.format ?? "PEM_FILE",
    key_algorithm: k.keyAlgorithm,
    pgp_key: prior.pgp_key ?? null,
    public_key: k.publicKey,
    // Only CreateKeyResponse carries it; every later read keeps the one from create.
    private_key: prior.private_key ?? null,
    key_fingerprint: null,
    encrypted_private_key: null,
    created_at: k.createdAt,
    output_to_lockbox_version_id: null,
    output_to_lockbox: prior.output_to_lockbox ?? [],
  };
}

export const serviceAccountKey = defineResource({
  type: "yandex_iam_service_account_key",
  kind: "resource",
  provider: "yandex",
  schemaVersion: 0,
  description: "An authorized key of a service account (an RSA key pair for API authentication).",
  schema: {
    attributes: {
      id: computed(types.string, { description: "The key id." }),
      service_account_id: required(types.string, { description: "The service account the key belongs to.", forceNew: true }),
      description: optional(types.string, { description: "Description, up to 256 characters." }),
      format: optional(types.string, { description: "Key format.", forceNew: true, default: "PEM_FILE" }),
      key_algorithm: optional(types.string, { description: "RSA_2048 or RSA_4096.", forceNew: true, default: "RSA_2048" }),
      pgp_key: optional(types.string, { description: "Encrypt the private key with this PGP key (not supported here).", forceNew: true }),
      public_key: computed(types.string, { description: "The public key, SPKI PEM." }),
      private_key: computed(types.string, { description: "The private key, PEM, with the Yandex key-id header line.", sensitive: true }),
      key_fingerprint: computed(types.string, { description: "Fingerprint of the PGP key used (with pgp_key)." }),
      encrypted_private_key: computed(types.string, { description: "The PGP-encrypted private key (with pgp_key)." }),
      created_at: computed(types.string, { description: "Creation time, RFC3339." }),
      output_to_lockbox_version_id: computed(types.string, { description: "Lockbox secret version (with output_to_lockbox)." }),
    },
    blocks: {
      output_to_lockbox: {
        nesting: "list",
        maxItems: 1,
        description: "Store the private key in a Lockbox secret instead of the state (not supported here).",
        block: {
          attributes: {
            secret_id: required(types.string, { description: "The Lockbox secret." }),
            entry_for_private_key: required(types.string, { description: "The secret entry that receives the private key." }),
          },
        },
      },
    },
  },
  check(config) {
    const out = [
      ...checkDescription(config.description, ["description"]),
      ...checkUnsupported(config.pgp_key, ["pgp_key"], "PGP encryption of the private key is not implemented; remove pgp_key."),
      ...checkUnsupported(config.output_to_lockbox, ["output_to_lockbox"], "Lockbox is not emulated; remove output_to_lockbox."),
    ];
    if (typeof config.key_algorithm === "string" && !ALGORITHMS.includes(config.key_algorithm as KeyAlgorithm)) {
      out.push(diag.error(`Invalid key_algorithm ${JSON.stringify(config.key_algorithm)}`, ["key_algorithm"], "Use RSA_2048 or RSA_4096."));
    }
    if (typeof config.format === "string" && config.format !== "PEM_FILE") {
      out.push(diag.error(`Invalid format ${JSON.stringify(config.format)}`, ["format"], "The only key format is PEM_FILE."));
    }
    return out;
  },
  secretOnlyAtCreate: true,
  async create(ctx, config) {
    let created;
    try {
      created = await ctx.cloud.createKey(
        { serviceAccountId: String(config.service_account_id), keyAlgorithm: (str(config.key_algorithm) ?? "RSA_2048") as KeyAlgorithm },
        { idempotencyKey: ctx.idempotencyKey },
      );
    } catch (e) {
      // A create replayed after a crash: the key exists, and its private key went to a process that died.
      const lost = keyWithLostPrivateKey(e);
      if (lost) throw new LostSecretError({ id: lost, service_account_id: config.service_account_id }, `key ${lost} was created by an interrupted apply and its private key is lost`);
      throw e;
    }
    const { key, privateKey } = created;
    let k = key;
    // Like the real provider, the description goes through Update, not Create.
    const description = str(config.description);
    if (description) k = await ctx.cloud.updateKey({ keyId: k.id, description, updateMask: ["description"] });
    return toState(k, { ...config, private_key: privateKey });
  },
  async read(ctx, state) {
    const k = await orGone(ctx.cloud.getKey(String(state.id)));
    return k && toState(k, state);
  },
  async readMany(ctx, states) {
    return refreshByListing(
      ctx,
      states,
      (s) => String(s.service_account_id),
      // A deleted service account takes its keys with it: its keys are then all gone.
      (serviceAccountId) => orGone(listAll((pageToken) => ctx.cloud.listKeys({ serviceAccountId, pageToken, pageSize: 1000 }))),
      (s) => String(s.id),
      toState,
    );
  },
  async update(ctx, prior, config) {
    const k = await ctx.cloud.updateKey({ keyId: String(prior.id), description: str(config.description) ?? "", updateMask: ["description"] });
    return toState(k, { ...prior, description: config.description });
  },
  async delete(ctx, state) {
    await orGone(ctx.cloud.deleteKey(String(state.id)));
  },
});
