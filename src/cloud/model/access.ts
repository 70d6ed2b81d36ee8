// Access bindings (List/Set/UpdateAccessBindings on organizations, clouds, folders, service
// accounts and instances) and the authorizer every other service calls through ctx.authorize.
//
// Who holds a permission: a subject holds `permission` on a resource when a role granting it
// (roles.ts) is bound on that resource or an ancestor (instance / service account → folder → cloud
// → organization) to
//   - the subject itself,
//   - a group that lists the subject as a member (group_members, kept from groups.doc by triggers),
//   - system:allAuthenticatedUsers or system:allUsers (every caller of the emulator is authenticated),
//   - system:group:organization:<org>:users when the subject is a user account of <org>
//     (service accounts are not "users of the organization", as in the real cloud).
// Nothing is cached: a revoked role stops working on the very next call (access fails closed).
import type Database from "better-sqlite3";
import { errors } from "../../contract/errors.js";
import type { ModelContext } from "./context.js";
import { offsetAfter, offsetPage, pageSizeOf } from "./paging.js";
import { KNOWN_ROLE_IDS, roleGrants } from "../../contract/roles.js";
import type {
  AccessBinding,
  AccessBindingDelta,
  AnyValue,
  Caller,
  Operation,
  Page,
  ResourceKind,
  ResourceRef,
  Subject,
} from "./types.js";
import { requireString } from "./validate.js";

export interface ListAccessBindingsRequest {
  resource: ResourceRef;
  pageSize?: bigint;
  pageToken?: string;
}

export interface SetAccessBindingsRequest {
  resource: ResourceRef;
  accessBindings: AccessBinding[];
}

export interface UpdateAccessBindingsRequest {
  resource: ResourceRef;
  accessBindingDeltas: AccessBindingDelta[];
}

/** access.proto limits. */
export const ACCESS_BINDINGS_MAX = 1000;
const RESOURCE_ID_MAX = 64;
const ROLE_ID_MAX = 64;
const SUBJECT_FIELD_MAX = 100;

export const SUBJECT_TYPES = ["userAccount", "serviceAccount", "group", "system"] as const;
export const ALL_AUTHENTICATED_USERS = "allAuthenticatedUsers";
export const ALL_USERS = "allUsers";
const ORG_USERS = /^group:organization:([^:]+):users$/;
export const organizationUsersSubjectId = (organizationId: string) => `group:organization:${organizationId}:users`;

const KIND_TITLE: Record<ResourceKind, string> = {
  organization: "Organization",
  cloud: "Cloud",
  folder: "Folder",
  serviceAccount: "Service account",
  instance: "Instance",
};

/** The API service each resource kind's access-binding RPCs belong to (audit action names). */
const KIND_SERVICE: Record<ResourceKind, string> = {
  organization: "organizationmanager.OrganizationService",
  cloud: "resourcemanager.CloudService",
  folder: "resourcemanager.FolderService",
  serviceAccount: "iam.ServiceAccountService",
  instance: "compute.InstanceService",
};

export const ACCESS_BINDINGS_OPERATION_RESULT = "yandex.cloud.access.AccessBindingsOperationResult";

const bindingKey = (b: AccessBinding) => `${b.roleId}\u0000${b.subject.type}\u0000${b.subject.id}`;

export class AccessService {
  private readonly stmts: ReturnType<typeof prepare>;

  /** The existence probe per resource kind (a refresh asks once per VM: built once, not per call). */
  private readonly existsByKind: Record<ResourceKind, Database.Statement>;

  constructor(private readonly ctx: ModelContext) {
    this.stmts = prepare(ctx.db);
    const s = this.stmts;
    this.existsByKind = {
      organization: s.organizationExists,
      cloud: s.cloudExists,
      folder: s.folderExists,
      serviceAccount: s.serviceAccountExists,
      instance: s.instanceExists,
    };
    ctx.authorizer = (caller, permission, resource) => this.authorize(caller, permission, resource);
  }

  // ---------- the authorizer ----------

  /** Throws PERMISSION_DENIED unless the caller holds `permission` on `resource`. */
  authorize(caller: Caller, permission: string, resource: ResourceRef): void {
    if (caller.kind === "admin") return;
    if (!this.holdsPermission(caller.subject, permission, resource)) {
      throw errors.permissionDenied(
        `${caller.subject.type}:${caller.subject.id} does not have ${permission} on ${resource.kind} ${JSON.stringify(resource.id)}`,
      );
    }
  }

  holdsPermission(subject: Subject, permission: string, resource: ResourceRef): boolean {
    for (const role of this.effectiveRoles(subject, resource)) if (roleGrants(role, permission)) return true;
    return false;
  }

  /**
   * The authorizer in two halves, for a caller that asks about one resource again and again (a VM's
   * metadata endpoint caches the first half until the database changes): the principals ("type:id")
   * granted `permission` on the resource through bindings on it or an ancestor, and the principals
   * a subject acts as. The subject holds the permission exactly when the two meet, the same answer
   * as holdsPermission (a test pins them together).
   */
  granteesOf(permission: string, resource: ResourceRef): Set<string> {
    const roles = JSON.stringify(KNOWN_ROLE_IDS.filter((r) => roleGrants(r, permission)));
    const rows = this.stmts.grantees.all({ kind: resource.kind, id: resource.id, roles }) as { t: string; i: string }[];
    return new Set(rows.map((r) => principalKey(r.t, r.i)));
  }

  /** PRINCIPALS below, as two plain lookups (half the cost of running the CTE on its own). */
  principalsOf(subject: Subject): string[] {
    const keys = [principalKey(subject.type, subject.id), principalKey("system", ALL_AUTHENTICATED_USERS), principalKey("system", ALL_USERS)];
    if (subject.type === "userAccount") {
      const org = this.stmts.organizationOfUser.get(subject.id) as string | undefined;
      if (org !== undefined) keys.push(principalKey("system", organizationUsersSubjectId(org)));
    }
    for (const group of this.stmts.groupsOfMember.all(subject.id) as string[]) keys.push(principalKey("group", group));
    return keys;
  }

  /** Every role the subject holds on the resource, directly or inherited, personally or through a group. */
  effectiveRoles(subject: Subject, resource: ResourceRef): Set<string> {
    const rows = this.stmts.effectiveRoles.all({ st: subject.type, sid: subject.id, kind: resource.kind, id: resource.id }) as string[];
    return new Set(rows);
  }

  resourceExists(r: ResourceRef): boolean {
    return this.existsByKind[r.kind].get(r.id) !== undefined;
  }

  // ---------- ListAccessBindings ----------

  listAccessBindings(caller: Caller, req: ListAccessBindingsRequest): Page<AccessBinding> {
    const resource = this.checkResource(req.resource);
    const size = pageSizeOf(req.pageSize);
    const offset = offsetAfter(req.pageToken);
    this.requireExists(resource);
    this.ctx.authorize(caller, "access-bindings.list", resource);
    const rows = this.stmts.listPage.all(resource.kind, resource.id, size + 1, offset) as BindingRow[];
    return offsetPage(rows.map(toBinding), size, offset);
  }

  // ---------- SetAccessBindings ----------

  /** Replaces every binding on the resource. The Operation's response carries the effective deltas (except organizations: Empty). */
  setAccessBindings(caller: Caller, req: SetAccessBindingsRequest, opts: { idempotencyKey?: string } = {}): Operation {
    const resource = this.checkResource(req.resource);
    const wanted = req.accessBindings ?? [];
    if (wanted.length > ACCESS_BINDINGS_MAX) {
      throw errors.invalidArgument("access_bindings", `must have at most ${ACCESS_BINDINGS_MAX} elements (got ${wanted.length})`);
    }
    wanted.forEach((b, i) => this.checkBinding(b, `access_bindings[${i}]`, true));
    this.requireExists(resource);
    this.ctx.authorize(caller, "access-bindings.manage", resource);
    return this.ctx.mutate(
      { caller, action: `${KIND_SERVICE[resource.kind]}.SetAccessBindings`, description: `Set access bindings of ${resource.kind} ${resource.id}`, idempotencyKey: opts.idempotencyKey, request: req },
      () => {
        const before = this.allBindings(resource);
        const current = new Map(before.map((b) => [bindingKey(b), b]));
        const next = new Map(wanted.map((b) => [bindingKey(b), normalize(b)]));
        const deltas: AccessBindingDelta[] = [];
        for (const [k, b] of current) if (!next.has(k)) deltas.push({ action: "REMOVE", accessBinding: b });
        for (const [k, b] of next) if (!current.has(k)) deltas.push({ action: "ADD", accessBinding: b });
        this.applyDeltas(resource, deltas);
        return this.result(resource, "SetAccessBindingsMetadata", before, deltas);
      },
    );
  }

  // ---------- UpdateAccessBindings ----------

  /** Applies ADD/REMOVE deltas. Effective deltas omit an ADD of a present binding and a REMOVE of an absent one. */
  updateAccessBindings(caller: Caller, req: UpdateAccessBindingsRequest, opts: { idempotencyKey?: string } = {}): Operation {
    const resource = this.checkResource(req.resource);
    const deltas = req.accessBindingDeltas ?? [];
    if (deltas.length < 1 || deltas.length > ACCESS_BINDINGS_MAX) {
      throw errors.invalidArgument(
        "access_binding_deltas",
        `must have between 1 and ${ACCESS_BINDINGS_MAX} elements (got ${deltas.length})`,
      );
    }
    deltas.forEach((d, i) => {
      const field = `access_binding_deltas[${i}]`;
      if (d.action !== "ADD" && d.action !== "REMOVE") {
        throw errors.invalidArgument(`${field}.action`, "must be ADD or REMOVE");
      }
      if (!d.accessBinding) throw errors.required(`${field}.access_binding`);
      // A REMOVE may name a subject that no longer exists: removing a stale binding must stay possible.
      this.checkBinding(d.accessBinding, `${field}.access_binding`, d.action === "ADD");
    });
    this.requireExists(resource);
    this.ctx.authorize(caller, "access-bindings.manage", resource);
    return this.ctx.mutate(
      { caller, action: `${KIND_SERVICE[resource.kind]}.UpdateAccessBindings`, description: `Update access bindings of ${resource.kind} ${resource.id}`, idempotencyKey: opts.idempotencyKey, request: req },
      () => {
        const before = this.allBindings(resource);
        const present = new Set(before.map(bindingKey));
        const effective: AccessBindingDelta[] = [];
        for (const d of deltas) {
          const b = normalize(d.accessBinding);
          const k = bindingKey(b);
          if (d.action === "ADD" && !present.has(k)) {
            present.add(k);
            effective.push({ action: "ADD", accessBinding: b });
          } else if (d.action === "REMOVE" && present.has(k)) {
            present.delete(k);
            effective.push({ action: "REMOVE", accessBinding: b });
          }
        }
        this.applyDeltas(resource, effective);
        return this.result(resource, "UpdateAccessBindingsMetadata", before, effective);
      },
    );
  }

  /**
   * Removes every binding whose subject is `subject` (used when a service account is deleted), and
   * every binding on `resource` when given (used when the resource itself is deleted). Runs inside
   * the caller's mutation.
   */
  deleteBindingsOf(subject: Subject | undefined, resource?: ResourceRef): void {
    if (subject) this.stmts.deleteBySubject.run(subject.type, subject.id);
    if (resource) this.stmts.deleteByResource.run(resource.kind, resource.id);
  }

  // ---------- helpers ----------

  private checkResource(r: ResourceRef | undefined): ResourceRef {
    if (!r) throw errors.required("resource_id");
    if (!(r.kind in KIND_TITLE)) throw errors.invalidArgument("resource_id", `unknown resource kind ${JSON.stringify(r.kind)}`);
    requireString(r.id, "resource_id", RESOURCE_ID_MAX);
    return r;
  }

  /** A missing resource is NOT_FOUND for every caller, as for the resources' own Get (refresh relies on it). */
  private requireExists(r: ResourceRef): void {
    if (!this.resourceExists(r)) throw errors.notFound(KIND_TITLE[r.kind], r.id);
  }

  private checkBinding(b: AccessBinding | undefined, field: string, subjectMustExist: boolean): void {
    if (!b) throw errors.required(field);
    const roleId = requireString(b.roleId, `${field}.role_id`, ROLE_ID_MAX);
    if (!KNOWN_ROLE_IDS.includes(roleId)) {
      throw errors.invalidArgument(`${field}.role_id`, `unknown role ${JSON.stringify(roleId)}; the emulator's role catalog is listed in src/contract/roles.ts`);
    }
    if (!b.subject) throw errors.required(`${field}.subject`);
    const type = requireString(b.subject.type, `${field}.subject.type`, SUBJECT_FIELD_MAX);
    const id = requireString(b.subject.id, `${field}.subject.id`, SUBJECT_FIELD_MAX);
    if (!(SUBJECT_TYPES as readonly string[]).includes(type)) {
      throw errors.invalidArgument(`${field}.subject.type`, `${JSON.stringify(type)} must be one of ${SUBJECT_TYPES.join(", ")}`);
    }
    if (type === "system") {
      const org = ORG_USERS.exec(id)?.[1];
      if (id !== ALL_AUTHENTICATED_USERS && id !== ALL_USERS && org === undefined) {
        throw errors.invalidArgument(
          `${field}.subject.id`,
          `${JSON.stringify(id)} is not a system subject; use ${ALL_AUTHENTICATED_USERS}, ${ALL_USERS} or group:organization:<organization_id>:users`,
        );
      }
      if (org !== undefined && subjectMustExist && !this.stmts.organizationExists.get(org)) {
        throw errors.invalidArgument(`${field}.subject.id`, `organization ${JSON.stringify(org)} does not exist`);
      }
      return;
    }
    if (!subjectMustExist) return;
    const exists = {
      userAccount: this.stmts.userExists,
      serviceAccount: this.stmts.serviceAccountExists,
      group: this.stmts.groupExists,
    }[type as "userAccount" | "serviceAccount" | "group"];
    if (!exists.get(id)) {
      throw errors.invalidArgument(`${field}.subject.id`, `${type} ${JSON.stringify(id)} does not exist`);
    }
  }

  private allBindings(r: ResourceRef): AccessBinding[] {
    return (this.stmts.listAll.all(r.kind, r.id) as BindingRow[]).map(toBinding);
  }

  private applyDeltas(r: ResourceRef, deltas: AccessBindingDelta[]): void {
    for (const d of deltas) {
      const b = d.accessBinding;
      const stmt = d.action === "ADD" ? this.stmts.insert : this.stmts.delete;
      stmt.run(r.kind, r.id, b.roleId, b.subject.type, b.subject.id);
    }
  }

  private result(r: ResourceRef, metadataType: string, before: AccessBinding[], deltas: AccessBindingDelta[]) {
    // OrganizationService answers google.protobuf.Empty; folder, cloud, service account and instance
    // answer AccessBindingsOperationResult (reference 4.3).
    const response: AnyValue | undefined =
      r.kind === "organization" ? undefined : { typeName: ACCESS_BINDINGS_OPERATION_RESULT, value: { effectiveDeltas: deltas } };
    return {
      resourceType: r.kind,
      resourceId: r.id,
      before: { accessBindings: before },
      after: { accessBindings: this.allBindings(r) },
      metadata: { typeName: `yandex.cloud.access.${metadataType}`, value: { resourceId: r.id } },
      response,
    };
  }
}

/** The effective deltas carried by a Set/UpdateAccessBindings Operation ([] for organizations, whose response is Empty). */
export function effectiveDeltasOf(op: Operation): AccessBindingDelta[] {
  if (op.response?.typeName !== ACCESS_BINDINGS_OPERATION_RESULT) return [];
  return (op.response.value as { effectiveDeltas: AccessBindingDelta[] }).effectiveDeltas;
}

interface BindingRow {
  role_id: string;
  subject_type: string;
  subject_id: string;
}

const toBinding = (r: BindingRow): AccessBinding => ({ roleId: r.role_id, subject: { type: r.subject_type, id: r.subject_id } });
const normalize = (b: AccessBinding): AccessBinding => ({ roleId: b.roleId, subject: { type: b.subject.type, id: b.subject.id } });

// res(k, r): the resource and its ancestors, walked with one primary-key seek per level; a missing
// resource or parent ends the walk (its NULL id matches no binding).
const RESOURCE_CHAIN = `res(k, r) AS (
  SELECT @kind, @id
  UNION ALL
  SELECT CASE res.k WHEN 'cloud' THEN 'organization' WHEN 'folder' THEN 'cloud' ELSE 'folder' END,
         CASE res.k
           WHEN 'instance' THEN (SELECT folder_id FROM instances WHERE id = res.r)
           WHEN 'serviceAccount' THEN (SELECT folder_id FROM service_accounts WHERE id = res.r)
           WHEN 'folder' THEN (SELECT cloud_id FROM folders WHERE id = res.r)
           WHEN 'cloud' THEN (SELECT organization_id FROM clouds WHERE id = res.r)
         END
  FROM res WHERE res.k != 'organization' AND res.r IS NOT NULL
)`;

// subj(t, i): who a subject acts as: itself, the system subjects that include it, and its groups
// (group_members, migration 5). AccessService.principalsOf says the same in two lookups.
const PRINCIPALS = `subj(t, i) AS (
  SELECT @st, @sid
  UNION ALL SELECT 'system', '${ALL_AUTHENTICATED_USERS}'
  UNION ALL SELECT 'system', '${ALL_USERS}'
  UNION ALL SELECT 'system', 'group:organization:' || u.organization_id || ':users'
    FROM users u WHERE @st = 'userAccount' AND u.id = @sid
  UNION ALL SELECT 'group', gm.group_id FROM group_members gm WHERE gm.member_id = @sid
)`;

const principalKey = (type: string, id: string) => `${type}:${id}`;

/** Prepared once per service: better-sqlite3 compiles SQL at prepare time, so reuse is the fast path. */
function prepare(db: Database.Database) {
  return {
    // The whole check in one statement (one round trip; ~40% faster than walking the hierarchy
    // from JS): one probe of the covering index access_bindings_lookup per (principal, resource)
    // pair; CROSS JOIN fixes that join order, so a resource with thousands of bindings (an
    // organization) is never scanned.
    effectiveRoles: db
      .prepare(
        `WITH RECURSIVE ${RESOURCE_CHAIN}, ${PRINCIPALS}
        SELECT DISTINCT b.role_id FROM subj CROSS JOIN res CROSS JOIN access_bindings b
        WHERE b.subject_type = subj.t AND b.subject_id = subj.i AND b.resource_kind = res.k AND b.resource_id = res.r`,
      )
      .pluck(),
    // The first half of that check, for granteesOf. The roles come as a JSON array.
    grantees: db.prepare(
      `WITH RECURSIVE ${RESOURCE_CHAIN}
      SELECT DISTINCT b.subject_type AS t, b.subject_id AS i FROM res CROSS JOIN json_each(@roles) role CROSS JOIN access_bindings b
      WHERE b.resource_kind = res.k AND b.resource_id = res.r AND b.role_id = role.value`,
    ),
    organizationOfUser: db.prepare("SELECT organization_id FROM users WHERE id = ?").pluck(),
    groupsOfMember: db.prepare("SELECT group_id FROM group_members WHERE member_id = ?").pluck(),
    organizationExists: db.prepare("SELECT 1 FROM organizations WHERE id = ?"),
    cloudExists: db.prepare("SELECT 1 FROM clouds WHERE id = ?"),
    folderExists: db.prepare("SELECT 1 FROM folders WHERE id = ?"),
    serviceAccountExists: db.prepare("SELECT 1 FROM service_accounts WHERE id = ?"),
    instanceExists: db.prepare("SELECT 1 FROM instances WHERE id = ?"),
    userExists: db.prepare("SELECT 1 FROM users WHERE id = ?"),
    groupExists: db.prepare("SELECT 1 FROM groups WHERE id = ?"),
    listPage: db.prepare(
      `SELECT role_id, subject_type, subject_id FROM access_bindings WHERE resource_kind = ? AND resource_id = ?
       ORDER BY role_id, subject_type, subject_id LIMIT ? OFFSET ?`,
    ),
    listAll: db.prepare(
      `SELECT role_id, subject_type, subject_id FROM access_bindings WHERE resource_kind = ? AND resource_id = ?
       ORDER BY role_id, subject_type, subject_id`,
    ),
    insert: db.prepare(
      "INSERT INTO access_bindings (resource_kind, resource_id, role_id, subject_type, subject_id) VALUES (?, ?, ?, ?, ?)",
    ),
    delete: db.prepare(
      "DELETE FROM access_bindings WHERE resource_kind = ? AND resource_id = ? AND role_id = ? AND subject_type = ? AND subject_id = ?",
    ),
    deleteBySubject: db.prepare("DELETE FROM access_bindings WHERE subject_type = ? AND subject_id = ?"),
    deleteByResource: db.prepare("DELETE FROM access_bindings WHERE resource_kind = ? AND resource_id = ?"),
  };
}
