// What every model service shares: the store, the clock, id generation, authorization, and the one
// path by which a mutation happens (mutate): inside a single SQLite transaction it honours the
// idempotency key, applies the change, records the Operation and the audit event. So a mutation is
// all-or-nothing, and a retried create with the same key returns the first call's Operation.
import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import { CloudError, errors } from "../../contract/errors.js";
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
  /**
   * The request as the service received it, for the idempotency key: a key reused with a different
   * request is refused (naming the key) instead of answering with the first call's Operation.
   */
  request?: unknown;
}

export interface MutationResult {
  resourceType: string;
  resourceId: string;
  before: unknown;
  after: unknown;
  metadata?: AnyValue;
  /** The Operation's response; google.protobuf.Empty when omitted. */
  response?: AnyValue;
  /**
   * Further resources the same operation changed (e.g. the default profiles that turning OS Login
   * on creates): each gets its own audit event with the same action and operation id.
   */
  alsoAudited?: { resourceType: string; resourceId: string; before: unknown; after: unknown }[];
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

  get db(): Database.Database {
    return this.store.db;
  }

  private readonly statements = new Map<string, Database.Statement>();

  /**
   * A prepared statement, compiled once per context: preparing costs more than running a simple
   * statement, and the hot paths (creates, gets) run the same few statements thousands of times.
   * Never call pluck()/safeIntegers()/raw() on the result: pass `mode` instead.
   */
  sql(text: string, mode: { pluck?: boolean; safeIntegers?: boolean } = {}): Database.Statement {
    // The modes are part of the cache key: they are sticky on a statement, so sharing one statement
    // between a plucking and a non-plucking caller would change what the other one gets back.
    const key = `${mode.pluck ? "p" : "-"}${mode.safeIntegers ? "s" : "-"}${text}`;
    let stmt = this.statements.get(key);
    if (!stmt) {
      stmt = this.db.prepare(text);
      if (mode.pluck) stmt.pluck(true);
      if (mode.safeIntegers) stmt.safeIntegers(true);
      this.statements.set(key, stmt);
    }
    return stmt;
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

  /** authorize() as a question: false where it would throw PERMISSION_DENIED. */
  can(caller: Caller, permission: string, resource: ResourceRef): boolean {
    try {
      this.authorize(caller, permission, resource);
      return true;
    } catch (e) {
      if (e instanceof CloudError && e.code === "PERMISSION_DENIED") return false;
      throw e;
    }
  }

  /**
   * Runs a request's work (a mutation, a read, or both) in the store's current commit group and
   * resolves with its result once what it wrote or could have seen is committed: what a server or
   * client may acknowledge. A failed group commit rolled the whole group back, so nothing of this
   * request exists and trying again is safe: UNAVAILABLE says so.
   */
  async acknowledged<T>(work: () => T): Promise<Awaited<T>> {
    const { value, durable } = this.store.grouped(work);
    const result = await value;
    try {
      await durable;
    } catch (e) {
      throw new CloudError("UNAVAILABLE", `the change could not be committed: ${e instanceof Error ? e.message : String(e)}`);
    }
    return result;
  }

  /** Runs `apply` as one atomic, audited, idempotent mutation and returns its (done) Operation. */
  mutate(spec: MutationSpec, apply: () => MutationResult): Operation {
    const actor = actorOf(spec.caller);
    return this.store.transaction(() => {
      const digest = spec.idempotencyKey && spec.request !== undefined ? requestDigest(spec.request) : null;
      if (spec.idempotencyKey) {
        const seen = this
          .sql("SELECT action, operation_id, request_digest FROM idempotency_keys WHERE actor = ? AND key = ?")
          .get(actor, spec.idempotencyKey) as { action: string; operation_id: string; request_digest: string | null } | undefined;
        if (seen) {
          if (seen.action !== spec.action) {
            throw errors.invalidArgument(
              "idempotency-key",
              `${JSON.stringify(spec.idempotencyKey)} was already used for ${seen.action}; use a new key for ${spec.action}`,
            );
          }
          if (seen.request_digest !== null && digest !== null && seen.request_digest !== digest) {
            throw errors.idempotencyKeyReused(spec.idempotencyKey, spec.action, seen.operation_id);
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
      this.sql("INSERT INTO operations (id, doc) VALUES (?, ?)").run(op.id, encodeJson(op));
      const audit = this.sql(
        `INSERT INTO audit_events (time, actor, action, resource_type, resource_id, operation_id, before, after)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const event of [result, ...(result.alsoAudited ?? [])]) {
        audit.run(
          time,
          actor,
          spec.action,
          event.resourceType,
          event.resourceId,
          op.id,
          event.before === undefined ? null : encodeJson(event.before),
          event.after === undefined ? null : encodeJson(event.after),
        );
      }
      if (spec.idempotencyKey) {
        this
          .sql("INSERT INTO idempotency_keys (key, actor, action, operation_id, request_digest) VALUES (?, ?, ?, ?, ?)")
          .run(spec.idempotencyKey, actor, spec.action, op.id, digest);
      }
      return op;
    });
  }

  /**
   * OperationService.Get as `caller`: an operation is visible to whoever started it and to the
   * admin; to anyone else it does not exist, so ids cannot be used to probe other people's changes.
   */
  getOperationAs(caller: Caller, id: string): Operation {
    if (!id) throw errors.required("operation_id");
    const op = this.getOperation(id);
    if (caller.kind !== "admin" && op.createdBy !== actorOf(caller)) throw errors.notFound("Operation", id);
    return op;
  }

  getOperation(id: string): Operation {
    const row = this.sql("SELECT doc FROM operations WHERE id = ?").get(id) as { doc: string } | undefined;
    if (!row) throw errors.notFound("Operation", id);
    return decodeJson<Operation>(row.doc);
  }
}

/**
 * A digest of a request that does not depend on the order its fields were decoded in, nor on
 * fields left unset (undefined): two encodings of one request digest the same.
 */
function requestDigest(request: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) return v.map(sorted);
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort()
        .map((k) => [k, sorted(o[k])]),
    );
  };
  return createHash("sha256").update(encodeJson(sorted(request))).digest("base64url");
}
