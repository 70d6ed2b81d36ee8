// What every model service shares: the store, the clock, id generation, authorization, and the one
// path by which a mutation happens (mutate): inside a single SQLite transaction it honours the
// idempotency key, applies the change, records the Operation and the audit event. So a mutation is
// all-or-nothing, and a retried create with the same key returns the first call's Operation.
import { errors } from "../errors.js";
import { decodeJson, encodeJson } from "../store/json.js";
import type { Store } from "../store/store.js";
import { ID_PREFIX, newId } from "./ids.js";
import type { AnyValue, Caller, Operation, ResourceRef } from "./types.js";

export interface MutationSpec {
  caller: Caller;
  /** The API operation, e.g. "organizationmanager.OsLoginService.CreateProfile". */
  action: string;
  /** Operation.description, e.g. "Create OS Login profile". */
  description: string;
  idempotencyKey?: string;
}

export interface MutationResult {
  resourceType: string;
  resourceId: string;
  before: unknown;
  after: unknown;
  metadata?: AnyValue;
  /** The Operation's response; google.protobuf.Empty when omitted. */
  response?: AnyValue;
}

export const EMPTY: AnyValue = { typeName: "google.protobuf.Empty", value: {} };

export type Authorizer = (caller: Caller, permission: string, resource: ResourceRef) => void;

export function actorOf(caller: Caller): string {
  return caller.kind === "admin" ? "system:emulator-admin" : `${caller.subject.type}:${caller.subject.id}`;
}

export class ModelContext {
  /** Set by the access service: throws PERMISSION_DENIED unless caller holds permission on resource. */
  authorizer: Authorizer = () => {
    throw errors.internal();
  };

  constructor(
    readonly store: Store,
    readonly now: () => Date = () => new Date(),
  ) {}

  get db() {
    return this.store.db;
  }

  timestamp(): string {
    return this.now().toISOString();
  }

  newId(prefix: string): string {
    return newId(prefix);
  }

  authorize(caller: Caller, permission: string, resource: ResourceRef): void {
    if (caller.kind === "admin") return;
    this.authorizer(caller, permission, resource);
  }

  /** Runs `apply` as one atomic, audited, idempotent mutation and returns its (done) Operation. */
  mutate(spec: MutationSpec, apply: () => MutationResult): Operation {
    const actor = actorOf(spec.caller);
    return this.store.transaction(() => {
      if (spec.idempotencyKey) {
        const seen = this.db
          .prepare("SELECT action, operation_id FROM idempotency_keys WHERE actor = ? AND key = ?")
          .get(actor, spec.idempotencyKey) as { action: string; operation_id: string } | undefined;
        if (seen) {
          if (seen.action !== spec.action) {
            throw errors.invalidArgument(
              "idempotency-key",
              `was already used for ${seen.action}; use a new key for ${spec.action}`,
            );
          }
          return this.getOperation(seen.operation_id);
        }
      }
      const result = apply();
      const time = this.timestamp();
      const op: Operation = {
        id: newId(ID_PREFIX.operation),
        description: spec.description,
        createdAt: time,
        createdBy: actor,
        modifiedAt: time,
        done: true,
        metadata: result.metadata,
        response: result.response ?? EMPTY,
      };
      this.db.prepare("INSERT INTO operations (id, doc) VALUES (?, ?)").run(op.id, encodeJson(op));
      this.db
        .prepare(
          `INSERT INTO audit_events (time, actor, action, resource_type, resource_id, operation_id, before, after)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          time,
          actor,
          spec.action,
          result.resourceType,
          result.resourceId,
          op.id,
          result.before === undefined ? null : encodeJson(result.before),
          result.after === undefined ? null : encodeJson(result.after),
        );
      if (spec.idempotencyKey) {
        this.db
          .prepare("INSERT INTO idempotency_keys (key, actor, action, operation_id) VALUES (?, ?, ?, ?)")
          .run(spec.idempotencyKey, actor, spec.action, op.id);
      }
      return op;
    });
  }

  getOperation(id: string): Operation {
    const row = this.db.prepare("SELECT doc FROM operations WHERE id = ?").get(id) as { doc: string } | undefined;
    if (!row) throw errors.notFound("Operation", id);
    return decodeJson<Operation>(row.doc);
  }
}
