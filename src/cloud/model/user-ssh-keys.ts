// UserSshKeyService (organizationmanager.v1): SSH public keys of organization members and service
// accounts, which the guest agent offers to sshd. Who may manage a key:
// - holders of organization-manager.userSshKeys.manage on the organization (admin, editor,
//   organization-manager.admin, organization-manager.osLogins.admin): any member's keys;
// - a member: their OWN keys, only while the organization has user SSH keys enabled AND
//   allow_manage_own_keys on;
// - keys of service accounts: only with organization-manager.userSshKeys.manageServiceAccountKeys
//   (part of organization-manager.osLogins.admin and above), as the docs require.
import { CloudError, errors } from "../../contract/errors.js";
import { parsePublicKey, weakKeyReason } from "../../ssh/public-key.js";
import { decodeJson, encodeJson } from "../store/json.js";
import type { ModelContext } from "./context.js";
import { ID_PREFIX } from "./ids.js";
import type { OsLoginService } from "./os-login.js";
import { rowidAfter, signedPage } from "./page-token.js";
import { pageSizeOf } from "./paging.js";
import { EXPIRES_AT_MAX, EXPIRES_AT_MIN, ID_MAX, SSH_KEY_DATA_MAX, SSH_KEY_NAME_MAX } from "../../contract/rules.js";
import { requireOrganization, requireSubjectIn, type SubjectKind } from "./subjects.js";
import type {
  Caller,
  CreateUserSshKeyRequest,
  ListUserSshKeysRequest,
  Operation,
  Page,
  UpdateUserSshKeyRequest,
  UserSshKey,
} from "./types.js";
import { checkMaxLength, maskedFields, requireString } from "./validate.js";

const API = "yandex.cloud.organizationmanager.v1.";
const SERVICE = "organizationmanager.UserSshKeyService.";
export const USER_SSH_KEY_TYPE = `${API}UserSshKey`;

const PERMISSION_GET = "organization-manager.userSshKeys.get";
const PERMISSION_MANAGE = "organization-manager.userSshKeys.manage";
const PERMISSION_MANAGE_SA = "organization-manager.userSshKeys.manageServiceAccountKeys";

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const EXPIRES_MIN_MS = Date.parse(EXPIRES_AT_MIN);
// The API's upper bound carries nanoseconds (…59.999999999Z), which a JS Date cannot; every instant
// within that last second is accepted, so compare against the next whole second.
const EXPIRES_MAX_EXCLUSIVE_MS = Date.parse(EXPIRES_AT_MAX.replace(/\.\d+Z$/, "Z")) + 1000;

/** expires_at: an RFC3339 timestamp within the API's range, stored normalised to UTC. */
export function checkExpiresAt(value: string): string {
  const ms = RFC3339.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw errors.invalidArgument("expires_at", "must be an RFC3339 timestamp such as 2030-01-31T12:00:00Z");
  if (ms < EXPIRES_MIN_MS || ms >= EXPIRES_MAX_EXCLUSIVE_MS) {
    throw errors.invalidArgument("expires_at", `must be between ${EXPIRES_AT_MIN} and ${EXPIRES_AT_MAX}`);
  }
  return new Date(ms).toISOString();
}

export class UserSshKeyService {
  constructor(
    private readonly ctx: ModelContext,
    private readonly osLogin: OsLoginService,
  ) {}

  create(caller: Caller, req: CreateUserSshKeyRequest, opts: { idempotencyKey?: string } = {}): Operation {
    const organizationId = requireString(req.organizationId, "organization_id", ID_MAX);
    const subjectId = requireString(req.subjectId, "subject_id", ID_MAX);
    checkMaxLength(req.name, "name", SSH_KEY_NAME_MAX);
    const data = requireString(req.data, "data", SSH_KEY_DATA_MAX);
    const expiresAt = req.expiresAt ? checkExpiresAt(req.expiresAt) : undefined;
    let parsed;
    try {
      parsed = parsePublicKey(data);
    } catch (e) {
      throw errors.invalidArgument("data", (e as Error).message);
    }
    const weak = weakKeyReason(parsed);
    if (weak) throw errors.invalidArgument("data", weak);
    const kind = this.authorizeManage(caller, organizationId, subjectId);
    return this.ctx.mutate(
      { caller, action: `${SERVICE}Create`, description: "Create user SSH key", idempotencyKey: opts.idempotencyKey, request: req },
      () => {
        requireOrganization(this.ctx, organizationId);
        if (kind === undefined) requireSubjectIn(this.ctx, organizationId, subjectId);
        if (this.ctx.sql("SELECT 1 FROM user_ssh_keys WHERE organization_id = ? AND subject_id = ? AND fingerprint = ?").get(organizationId, subjectId, parsed.fingerprint)) {
          throw new CloudError("ALREADY_EXISTS", `User SSH key with fingerprint ${parsed.fingerprint} already exists for subject ${JSON.stringify(subjectId)}`, "data");
        }
        const key: UserSshKey = {
          id: this.ctx.newId(ID_PREFIX.userSshKey),
          subjectId,
          data: data.trim(),
          name: req.name ?? "",
          fingerprint: parsed.fingerprint,
          organizationId,
          createdAt: this.ctx.timestamp(),
          ...(expiresAt ? { expiresAt } : {}),
        };
        this.ctx
          .sql("INSERT INTO user_ssh_keys (id, organization_id, subject_id, fingerprint, doc) VALUES (?, ?, ?, ?, ?)")
          .run(key.id, organizationId, subjectId, key.fingerprint, encodeJson(key));
        return {
          resourceType: "userSshKey",
          resourceId: key.id,
          before: undefined,
          after: key,
          metadata: { typeName: `${API}CreateUserSshKeyMetadata`, value: { userSshKeyId: key.id, organizationId } },
          response: { typeName: USER_SSH_KEY_TYPE, value: key },
        };
      },
    );
  }

  get(caller: Caller, req: { userSshKeyId: string }): UserSshKey {
    const id = requireString(req.userSshKeyId, "user_ssh_key_id", ID_MAX);
    const key = this.find(id);
    if (!key) throw errors.notFound("User SSH key", id);
    if (!isSelf(caller, key.subjectId)) this.ctx.authorize(caller, PERMISSION_GET, { kind: "organization", id: key.organizationId });
    return key;
  }

  list(caller: Caller, req: ListUserSshKeysRequest): Page<UserSshKey> {
    const organizationId = requireString(req.organizationId, "organization_id", ID_MAX);
    const subjectId = req.subjectId || undefined;
    checkMaxLength(subjectId, "subject_id", ID_MAX);
    const limit = pageSizeOf(req.pageSize);
    // A member may list their own keys; everything else needs the read permission.
    if (!isSelf(caller, subjectId)) this.ctx.authorize(caller, PERMISSION_GET, { kind: "organization", id: organizationId });
    requireOrganization(this.ctx, organizationId);
    const scope = `userSshKeys|${organizationId}|${subjectId ?? ""}`;
    const after = rowidAfter(scope, req.pageToken);
    const rows = (
      subjectId
        ? this.ctx
            .sql("SELECT rowid AS r, doc FROM user_ssh_keys WHERE organization_id = ? AND subject_id = ? AND rowid > ? ORDER BY rowid LIMIT ?")
            .all(organizationId, subjectId, after, limit + 1)
        : this.ctx
            .sql("SELECT rowid AS r, doc FROM user_ssh_keys WHERE organization_id = ? AND rowid > ? ORDER BY rowid LIMIT ?")
            .all(organizationId, after, limit + 1)
    ) as { r: number; doc: string }[];
    return signedPage(rows, limit, scope, (r) => r.r, (r) => decodeJson<UserSshKey>(r.doc));
  }

  /** Changes name and/or expires_at (the key data cannot change: delete and create instead). */
  update(caller: Caller, req: UpdateUserSshKeyRequest, opts: { idempotencyKey?: string } = {}): Operation {
    const id = requireString(req.userSshKeyId, "user_ssh_key_id", ID_MAX);
    const fields = maskedFields(req.updateMask, { name: true, expires_at: true }, (f) =>
      (f === "name" ? req.name : req.expiresAt) !== undefined,
    );
    checkMaxLength(req.name, "name", SSH_KEY_NAME_MAX);
    const expiresAt = req.expiresAt ? checkExpiresAt(req.expiresAt) : undefined;
    // A key that is gone is answered inside the mutation, after the idempotency key (see os-login.ts).
    const current = this.find(id);
    if (current) this.authorizeManage(caller, current.organizationId, current.subjectId);
    return this.ctx.mutate(
      { caller, action: `${SERVICE}Update`, description: "Update user SSH key", idempotencyKey: opts.idempotencyKey, request: req },
      () => {
        const before = this.find(id);
        if (!before) throw errors.notFound("User SSH key", id);
        const after: UserSshKey = { ...before };
        if (fields.has("name")) after.name = req.name ?? "";
        if (fields.has("expires_at")) {
          // Cleared through the mask = the key no longer expires.
          if (expiresAt) after.expiresAt = expiresAt;
          else delete after.expiresAt;
        }
        this.ctx.sql("UPDATE user_ssh_keys SET doc = ? WHERE id = ?").run(encodeJson(after), id);
        return {
          resourceType: "userSshKey",
          resourceId: id,
          before,
          after,
          metadata: { typeName: `${API}UpdateUserSshKeyMetadata`, value: { userSshKeyId: id } },
          response: { typeName: USER_SSH_KEY_TYPE, value: after },
        };
      },
    );
  }

  delete(caller: Caller, req: { userSshKeyId: string }, opts: { idempotencyKey?: string } = {}): Operation {
    const id = requireString(req.userSshKeyId, "user_ssh_key_id", ID_MAX);
    // A key that is gone is answered inside the mutation, after the idempotency key (see os-login.ts).
    const current = this.find(id);
    if (current) this.authorizeManage(caller, current.organizationId, current.subjectId);
    return this.ctx.mutate(
      { caller, action: `${SERVICE}Delete`, description: "Delete user SSH key", idempotencyKey: opts.idempotencyKey, request: req },
      () => {
        const before = this.find(id);
        if (!before) throw errors.notFound("User SSH key", id);
        this.ctx.sql("DELETE FROM user_ssh_keys WHERE id = ?").run(id);
        return {
          resourceType: "userSshKey",
          resourceId: id,
          before,
          after: undefined,
          metadata: { typeName: `${API}DeleteUserSshKeyMetadata`, value: { userSshKeyId: id } },
        };
      },
    );
  }

  // ---------- lookups for other services (no authorization) ----------

  find(id: string): UserSshKey | undefined {
    const doc = this.ctx.sql("SELECT doc FROM user_ssh_keys WHERE id = ?", { pluck: true }).get(id) as string | undefined;
    return doc === undefined ? undefined : decodeJson<UserSshKey>(doc);
  }

  /** Every key of a subject in the organization (the metadata endpoint filters out expired ones). */
  keysOf(organizationId: string, subjectId: string): UserSshKey[] {
    return (
      this.ctx
        .sql("SELECT doc FROM user_ssh_keys WHERE organization_id = ? AND subject_id = ? ORDER BY rowid", { pluck: true })
        .all(organizationId, subjectId) as string[]
    ).map((d) => decodeJson<UserSshKey>(d));
  }

  // ---------- internals ----------

  /**
   * Throws PERMISSION_DENIED unless the caller may manage `subjectId`'s keys (rules at the top of
   * this file). Returns the subject's kind when it had to be looked up, so create need not repeat it.
   * A subject that does not exist is reported only to callers who may manage keys at all.
   */
  private authorizeManage(caller: Caller, organizationId: string, subjectId: string): SubjectKind | undefined {
    const org = { kind: "organization" as const, id: organizationId };
    if (caller.kind === "admin") return undefined;
    // Own keys are a member's right only; a service account acting as itself is judged like anyone else.
    if (isSelf(caller, subjectId) && caller.subject.type === "userAccount" && !this.ctx.can(caller, PERMISSION_MANAGE, org)) {
      const s = this.osLogin.settingsOf(organizationId);
      if (!s.userSshKeySettings.enabled || !s.userSshKeySettings.allowManageOwnKeys) {
        throw errors.permissionDenied(
          `members may manage their own SSH keys only when the organization has user SSH keys enabled and allow_manage_own_keys on (organization ${organizationId})`,
        );
      }
      return undefined;
    }
    this.ctx.authorize(caller, PERMISSION_MANAGE, org);
    requireOrganization(this.ctx, organizationId);
    const kind = requireSubjectIn(this.ctx, organizationId, subjectId);
    if (kind === "serviceAccount") this.ctx.authorize(caller, PERMISSION_MANAGE_SA, org);
    return kind;
  }
}

function isSelf(caller: Caller, subjectId: string | undefined): boolean {
  return caller.kind === "subject" && subjectId !== undefined && caller.subject.id === subjectId;
}
