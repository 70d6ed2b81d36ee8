// KeyService (iam.v1): authorized keys of service accounts. Create is synchronous in the real API
// (CreateKeyResponse{key, private_key}, no Operation); it still goes through ctx.mutate here so it
// is atomic and audited. The key pair is generated with node:crypto; the private key exists only in
// the response: it is never stored, never put in the Operation, the audit event or an error.
import { generateKeyPair } from "node:crypto";
import { promisify } from "node:util";
import { CloudError, errors } from "../../contract/errors.js";
import { decodeJson, encodeJson } from "../store/json.js";
import type { ModelContext } from "./context.js";
import { findDoc, requireDoc } from "./doc-rows.js";
import { ID_PREFIX } from "./ids.js";
import { idAfter, keysetPage, pageSizeOf } from "./paging.js";
import { DEFAULT_MAX_PENDING_KEY_CREATES } from "./limits.js";
import { DESCRIPTION_MAX, ID_MAX } from "../../contract/rules.js";
import type { Caller, CreateKeyRequest, CreateKeyResponse, Key, KeyAlgorithm, Operation, Page } from "./types.js";
import { checkMaxLength, maskedFields, requireString } from "./validate.js";

const API = "yandex.cloud.iam.v1.";
const SERVICE = "iam.KeyService.";
export const KEY_TYPE = `${API}Key`;

export const KEY_ALGORITHM_BITS: Record<KeyAlgorithm, number> = { RSA_2048: 2048, RSA_4096: 4096 };

/** The first line of every Yandex authorized private key (the yc CLI and SDKs expect it). */
export const privateKeyHeader = (keyId: string) => `PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID <${keyId}>\n`;

export interface ListKeysRequest {
  serviceAccountId?: string;
  pageSize?: bigint;
  pageToken?: string;
}

export interface UpdateKeyRequest {
  keyId: string;
  description?: string;
  updateMask?: string[];
}

type Opts = { idempotencyKey?: string };

const generateRsaPair = (modulusLength: number) =>
  promisify(generateKeyPair)("rsa", {
    modulusLength,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });

export class KeyService {
  private pendingCreates = 0;

  constructor(
    private readonly ctx: ModelContext,
    /** See DEFAULT_MAX_PENDING_KEY_CREATES; `oslogin serve --max-key-creates`. */
    private readonly maxPendingCreates = DEFAULT_MAX_PENDING_KEY_CREATES,
  ) {
    if (!Number.isInteger(maxPendingCreates) || maxPendingCreates < 1) throw new RangeError(`maxPendingKeyCreates must be a whole number >= 1, got ${maxPendingCreates}`);
  }

  /**
   * Asynchronous, unlike the other model methods: RSA key generation takes tens to hundreds of
   * milliseconds, so it runs on libuv's thread pool instead of blocking every other request (and
   * a whole apply) while it works. Checks run first, and again inside the write.
   */
  async create(caller: Caller, req: CreateKeyRequest, opts: Opts = {}): Promise<CreateKeyResponse> {
    const serviceAccountId = this.serviceAccountOf(caller, req.serviceAccountId);
    checkMaxLength(req.description, "description", DESCRIPTION_MAX);
    const algorithm = req.keyAlgorithm ?? "RSA_2048";
    if (!(algorithm in KEY_ALGORITHM_BITS)) {
      throw errors.invalidArgument("key_algorithm", `${JSON.stringify(algorithm)} must be RSA_2048 or RSA_4096`);
    }
    this.requireServiceAccount(serviceAccountId);
    this.ctx.authorize(caller, "iam.keys.manage", { kind: "serviceAccount", id: serviceAccountId });
    if (this.pendingCreates >= this.maxPendingCreates) {
      throw new CloudError(
        "RESOURCE_EXHAUSTED",
        `Too many service account key creates in progress: at most ${this.maxPendingCreates} are generated or queued at once; retry later (the emulator's bound, set with oslogin serve --max-key-creates)`,
      );
    }
    // Generated outside the transaction: it is the slow part and touches nothing stored.
    this.pendingCreates++;
    let pair: { publicKey: string; privateKey: string };
    try {
      pair = await generateRsaPair(KEY_ALGORITHM_BITS[algorithm]);
    } finally {
      this.pendingCreates--;
    }
    const key: Key = {
      id: this.ctx.newId(ID_PREFIX.key),
      serviceAccountId,
      createdAt: this.ctx.timestamp(),
      description: req.description ?? "",
      keyAlgorithm: algorithm,
      publicKey: pair.publicKey,
    };
    const op = this.ctx.mutate(
      { caller, action: `${SERVICE}Create`, description: "Create authorized key", idempotencyKey: opts.idempotencyKey, request: req },
      () => {
        this.requireServiceAccount(serviceAccountId); // it may have been deleted while the key was generated
        this.ctx
          .sql("INSERT INTO service_account_keys (id, service_account_id, doc) VALUES (?, ?, ?)")
          .run(key.id, serviceAccountId, encodeJson(key));
        return { resourceType: "key", resourceId: key.id, before: undefined, after: key, response: { typeName: KEY_TYPE, value: key } };
      },
    );
    const created = op.response?.value as Key;
    if (created.id !== key.id) {
      // A retry with a used idempotency key: the first call created the key, and its private key
      // was returned then and exists nowhere now. Returning the key without it would look like success.
      throw errors.privateKeyReturnedOnce(created.id);
    }
    return { key, privateKey: privateKeyHeader(key.id) + pair.privateKey };
  }

  get(caller: Caller, req: { keyId: string }): Key {
    const key = this.require(requireString(req.keyId, "key_id", ID_MAX));
    this.ctx.authorize(caller, "iam.keys.get", { kind: "serviceAccount", id: key.serviceAccountId });
    return key;
  }

  list(caller: Caller, req: ListKeysRequest): Page<Key> {
    const serviceAccountId = this.serviceAccountOf(caller, req.serviceAccountId);
    const size = pageSizeOf(req.pageSize);
    const after = idAfter(req.pageToken);
    this.requireServiceAccount(serviceAccountId);
    this.ctx.authorize(caller, "iam.keys.get", { kind: "serviceAccount", id: serviceAccountId });
    const docs = this.ctx
      .sql("SELECT doc FROM service_account_keys WHERE service_account_id = ? AND id > ? ORDER BY id LIMIT ?", { pluck: true })
      .all(serviceAccountId, after, size + 1) as string[];
    return keysetPage(docs.map((d) => decodeJson<Key>(d)), size, (k) => k.id);
  }

  update(caller: Caller, req: UpdateKeyRequest, opts: Opts = {}): Operation {
    const before = this.require(requireString(req.keyId, "key_id", ID_MAX));
    const fields = maskedFields(req.updateMask, { description: true }, (f) => req[f] !== undefined);
    checkMaxLength(req.description, "description", DESCRIPTION_MAX);
    this.ctx.authorize(caller, "iam.keys.manage", { kind: "serviceAccount", id: before.serviceAccountId });
    return this.ctx.mutate(
      { caller, action: `${SERVICE}Update`, description: "Update authorized key", idempotencyKey: opts.idempotencyKey, request: req },
      () => {
        const after: Key = { ...before, description: fields.has("description") ? (req.description ?? "") : before.description };
        this.ctx.sql("UPDATE service_account_keys SET doc = ? WHERE id = ?").run(encodeJson(after), after.id);
        return {
          resourceType: "key",
          resourceId: after.id,
          before,
          after,
          metadata: { typeName: `${API}UpdateKeyMetadata`, value: { keyId: after.id } },
          response: { typeName: KEY_TYPE, value: after },
        };
      },
    );
  }

  /** Deleting a key stops new JWT exchanges with it; IAM tokens already issued stay valid until they expire (as in the real cloud). */
  delete(caller: Caller, req: { keyId: string }, opts: Opts = {}): Operation {
    const before = this.require(requireString(req.keyId, "key_id", ID_MAX));
    this.ctx.authorize(caller, "iam.keys.manage", { kind: "serviceAccount", id: before.serviceAccountId });
    return this.ctx.mutate(
      { caller, action: `${SERVICE}Delete`, description: "Delete authorized key", idempotencyKey: opts.idempotencyKey, request: req },
      () => {
        this.ctx.sql("DELETE FROM service_account_keys WHERE id = ?").run(before.id);
        return {
          resourceType: "key",
          resourceId: before.id,
          before,
          after: undefined,
          metadata: { typeName: `${API}DeleteKeyMetadata`, value: { keyId: before.id } },
        };
      },
    );
  }

  /** The stored key (public part) or undefined; no authorization (the IAM token exchange uses it). */
  find(keyId: string): Key | undefined {
    return findDoc<Key>(this.ctx, "service_account_keys", keyId);
  }

  private requireServiceAccount(id: string): void {
    if (!this.ctx.sql("SELECT 1 FROM service_accounts WHERE id = ?").get(id)) throw errors.notFound("Service account", id);
  }

  /** A missing key (or service account) is NOT_FOUND for every caller, before authorization, as the real API answers. */
  private require(keyId: string): Key {
    return requireDoc<Key>(this.ctx, "service_account_keys", "Key", keyId);
  }

  /** service_account_id; empty means the caller when the caller is a service account (as the API documents). */
  private serviceAccountOf(caller: Caller, id: string | undefined): string {
    if (!id && caller.kind === "subject" && caller.subject.type === "serviceAccount") return caller.subject.id;
    return requireString(id, "service_account_id", ID_MAX);
  }
}
