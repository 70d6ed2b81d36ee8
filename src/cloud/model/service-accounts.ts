// ServiceAccountService (iam.v1): service accounts live in folders; names are unique within the
// CLOUD (not only the folder), as the real API documents (reference 4.1).
//
// Deleting a service account deletes, in the same transaction, everything that only makes sense
// with it: its authorized keys, its IAM tokens, its OS Login profiles and user SSH keys (in every
// organization), the access bindings granted TO it anywhere, and the bindings set ON it. So no
// orphan can keep granting access after the account is gone.
import { errors } from "../../contract/errors.js";
import { decodeJson, encodeJson } from "../store/json.js";
import type { AccessService } from "./access.js";
import type { ModelContext } from "./context.js";
import { findDoc, requireDoc } from "./doc-rows.js";
import { ID_PREFIX } from "./ids.js";
import { idAfter, keysetPage, pageSizeOf } from "./paging.js";
import {
  DESCRIPTION_MAX,
  ID_MAX,
  LABEL_KEY_PATTERN,
  LABEL_VALUE_PATTERN,
  SERVICE_ACCOUNT_NAME_PATTERN,
  SERVICE_ACCOUNT_NAME_RULE,
} from "../../contract/rules.js";
import type { Caller, CreateServiceAccountRequest, Operation, Page, ServiceAccount, UpdateServiceAccountRequest } from "./types.js";
import { checkLabels, checkMaxLength, checkPattern, maskedFields, parseEqualsFilter, requireString } from "./validate.js";

const API = "yandex.cloud.iam.v1.";
const SERVICE = "iam.ServiceAccountService.";
export const SERVICE_ACCOUNT_TYPE = `${API}ServiceAccount`;
const LABEL_RULES = { keyPattern: LABEL_KEY_PATTERN, valuePattern: LABEL_VALUE_PATTERN };

export interface ListServiceAccountsRequest {
  folderId: string;
  pageSize?: bigint;
  pageToken?: string;
  /** Only `name="<name>"`. */
  filter?: string;
}

type Opts = { idempotencyKey?: string };

export class ServiceAccountService {
  constructor(
    private readonly ctx: ModelContext,
    private readonly access: AccessService,
  ) {}

  create(caller: Caller, req: CreateServiceAccountRequest, opts: Opts = {}): Operation {
    const folderId = requireString(req.folderId, "folder_id", ID_MAX);
    const name = requireString(req.name, "name", 63);
    checkPattern(name, "name", SERVICE_ACCOUNT_NAME_PATTERN, SERVICE_ACCOUNT_NAME_RULE);
    checkMaxLength(req.description, "description", DESCRIPTION_MAX);
    checkLabels(req.labels, "labels", LABEL_RULES);
    const cloudId = this.ctx.sql("SELECT cloud_id FROM folders WHERE id = ?", { pluck: true }).get(folderId) as string | undefined;
    if (!cloudId) throw errors.notFound("Folder", folderId);
    this.ctx.authorize(caller, "iam.serviceAccounts.manage", { kind: "folder", id: folderId });
    return this.ctx.mutate(
      { caller, action: `${SERVICE}Create`, description: "Create service account", idempotencyKey: opts.idempotencyKey, request: req },
      () => {
        this.requireNameFree(cloudId, name);
        const sa: ServiceAccount = {
          id: this.ctx.newId(ID_PREFIX.serviceAccount),
          folderId,
          createdAt: this.ctx.timestamp(),
          name,
          description: req.description ?? "",
          labels: { ...(req.labels ?? {}) },
        };
        this.ctx
          .sql("INSERT INTO service_accounts (id, folder_id, cloud_id, name, doc) VALUES (?, ?, ?, ?, ?)")
          .run(sa.id, folderId, cloudId, name, encodeJson(sa));
        return {
          resourceType: "serviceAccount",
          resourceId: sa.id,
          before: undefined,
          after: sa,
          metadata: { typeName: `${API}CreateServiceAccountMetadata`, value: { serviceAccountId: sa.id } },
          response: { typeName: SERVICE_ACCOUNT_TYPE, value: sa },
        };
      },
    );
  }

  get(caller: Caller, req: { serviceAccountId: string }): ServiceAccount {
    const id = requireString(req.serviceAccountId, "service_account_id", ID_MAX);
    const sa = this.require(id);
    this.ctx.authorize(caller, "iam.serviceAccounts.get", { kind: "serviceAccount", id });
    return sa;
  }

  list(caller: Caller, req: ListServiceAccountsRequest): Page<ServiceAccount> {
    const folderId = requireString(req.folderId, "folder_id", ID_MAX);
    const size = pageSizeOf(req.pageSize);
    const after = idAfter(req.pageToken);
    const filter = parseEqualsFilter(req.filter, ["name"]);
    if (!this.access.resourceExists({ kind: "folder", id: folderId })) throw errors.notFound("Folder", folderId);
    this.ctx.authorize(caller, "iam.serviceAccounts.get", { kind: "folder", id: folderId });
    const rows = (
      filter
        ? this.ctx
            .sql("SELECT doc FROM service_accounts WHERE folder_id = ? AND name = ? AND id > ? ORDER BY id LIMIT ?", { pluck: true })
            .all(folderId, filter.value, after, size + 1)
        : this.ctx
            .sql("SELECT doc FROM service_accounts WHERE folder_id = ? AND id > ? ORDER BY id LIMIT ?", { pluck: true })
            .all(folderId, after, size + 1)
    ) as string[];
    return keysetPage(rows.map((d) => decodeJson<ServiceAccount>(d)), size, (sa) => sa.id);
  }

  update(caller: Caller, req: UpdateServiceAccountRequest, opts: Opts = {}): Operation {
    const id = requireString(req.serviceAccountId, "service_account_id", ID_MAX);
    const fields = maskedFields(req.updateMask, { name: true, description: true, labels: true }, (f) => req[f] !== undefined);
    if (fields.has("name")) {
      requireString(req.name, "name", 63);
      checkPattern(req.name!, "name", SERVICE_ACCOUNT_NAME_PATTERN, SERVICE_ACCOUNT_NAME_RULE);
    }
    if (fields.has("description")) checkMaxLength(req.description, "description", DESCRIPTION_MAX);
    if (fields.has("labels")) checkLabels(req.labels, "labels", LABEL_RULES);
    const before = this.require(id);
    this.ctx.authorize(caller, "iam.serviceAccounts.manage", { kind: "serviceAccount", id });
    return this.ctx.mutate(
      { caller, action: `${SERVICE}Update`, description: "Update service account", idempotencyKey: opts.idempotencyKey, request: req },
      () => {
        const after: ServiceAccount = { ...before, labels: { ...before.labels } };
        if (fields.has("name") && req.name !== before.name) {
          this.requireNameFree(this.cloudOf(id), req.name!);
          after.name = req.name!;
        }
        if (fields.has("description")) after.description = req.description ?? "";
        if (fields.has("labels")) after.labels = { ...(req.labels ?? {}) };
        this.ctx.sql("UPDATE service_accounts SET name = ?, doc = ? WHERE id = ?").run(after.name, encodeJson(after), id);
        return {
          resourceType: "serviceAccount",
          resourceId: id,
          before,
          after,
          metadata: { typeName: `${API}UpdateServiceAccountMetadata`, value: { serviceAccountId: id } },
          response: { typeName: SERVICE_ACCOUNT_TYPE, value: after },
        };
      },
    );
  }

  delete(caller: Caller, req: { serviceAccountId: string }, opts: Opts = {}): Operation {
    const id = requireString(req.serviceAccountId, "service_account_id", ID_MAX);
    const before = this.require(id);
    this.ctx.authorize(caller, "iam.serviceAccounts.manage", { kind: "serviceAccount", id });
    return this.ctx.mutate(
      { caller, action: `${SERVICE}Delete`, description: "Delete service account", idempotencyKey: opts.idempotencyKey, request: req },
      () => {
        const sql = (text: string) => this.ctx.sql(text).run(id);
        sql("DELETE FROM service_account_keys WHERE service_account_id = ?");
        sql("DELETE FROM iam_tokens WHERE subject_type = 'serviceAccount' AND subject_id = ?");
        sql("DELETE FROM os_login_profiles WHERE subject_id = ?");
        sql("DELETE FROM user_ssh_keys WHERE subject_id = ?");
        this.access.deleteBindingsOf({ type: "serviceAccount", id }, { kind: "serviceAccount", id });
        sql("DELETE FROM service_accounts WHERE id = ?");
        return {
          resourceType: "serviceAccount",
          resourceId: id,
          before,
          after: undefined,
          metadata: { typeName: `${API}DeleteServiceAccountMetadata`, value: { serviceAccountId: id } },
        };
      },
    );
  }

  /** The service account, or undefined; no authorization (for other services' reference checks). */
  find(id: string): ServiceAccount | undefined {
    return findDoc<ServiceAccount>(this.ctx, "service_accounts", id);
  }

  /** A missing account is NOT_FOUND for every caller (as the real API answers; refresh relies on it). */
  private require(id: string): ServiceAccount {
    return requireDoc<ServiceAccount>(this.ctx, "service_accounts", "Service account", id);
  }

  private cloudOf(id: string): string {
    return this.ctx.sql("SELECT cloud_id FROM service_accounts WHERE id = ?", { pluck: true }).get(id) as string;
  }

  private requireNameFree(cloudId: string, name: string): void {
    if (this.ctx.sql("SELECT 1 FROM service_accounts WHERE cloud_id = ? AND name = ?").get(cloudId, name)) {
      throw errors.alreadyExists("Service account", `the name ${JSON.stringify(name)} is taken in cloud ${cloudId} (service account names are unique within a cloud)`);
    }
  }
}
