// The audit log (emulator-only read side): every mutation appended who did what, when, to which
// resource, with the resource before and after (ModelContext.mutate writes them). Listing it is for
// the emulator admin: events carry other people's data.
import { errors } from "../../contract/errors.js";
import { decodeJson } from "../store/json.js";
import type { ModelContext } from "./context.js";
import { rowidAfter, signedPage } from "./page-token.js";
import { pageSizeOf } from "./paging.js";
import type { AuditEvent, Caller, Page } from "./types.js";

export interface ListAuditEventsRequest {
  /** Only events about this resource type (e.g. "osLoginProfile"); with resourceId, about one resource. */
  resourceType?: string;
  resourceId?: string;
  pageSize?: bigint | number;
  pageToken?: string;
}

interface AuditRow {
  seq: bigint;
  time: string;
  actor: string;
  action: string;
  resource_type: string;
  resource_id: string;
  operation_id: string;
  before: string | null;
  after: string | null;
}

export class AuditService {
  constructor(private readonly ctx: ModelContext) {}

  /** Events oldest first (in the order they were committed). */
  list(caller: Caller, req: ListAuditEventsRequest = {}): Page<AuditEvent> {
    if (caller.kind !== "admin") throw errors.permissionDenied("the audit log is emulator-only and needs the emulator admin token");
    if (req.resourceId && !req.resourceType) throw errors.invalidArgument("resource_type", "is required when resource_id is given");
    const limit = pageSizeOf(req.pageSize === undefined ? undefined : BigInt(req.pageSize));
    const scope = `audit|${req.resourceType ?? ""}|${req.resourceId ?? ""}`;
    const after = rowidAfter(scope, req.pageToken);
    const cols = "seq, time, actor, action, resource_type, resource_id, operation_id, before, after";
    const rows = (
      req.resourceId
        ? this.ctx
            .sql(`SELECT ${cols} FROM audit_events WHERE resource_type = ? AND resource_id = ? AND seq > ? ORDER BY seq LIMIT ?`, { safeIntegers: true })
            .all(req.resourceType, req.resourceId, after, limit + 1)
        : req.resourceType
          ? this.ctx
              .sql(`SELECT ${cols} FROM audit_events WHERE resource_type = ? AND seq > ? ORDER BY seq LIMIT ?`, { safeIntegers: true })
              .all(req.resourceType, after, limit + 1)
          : this.ctx
              .sql(`SELECT ${cols} FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?`, { safeIntegers: true })
              .all(after, limit + 1)
    ) as AuditRow[];
    return signedPage(rows, limit, scope, (r) => r.seq, toEvent);
  }
}

function toEvent(r: AuditRow): AuditEvent {
  return {
    seq: r.seq,
    time: r.time,
    actor: r.actor,
    action: r.action,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    operationId: r.operation_id,
    before: r.before === null ? null : decodeJson(r.before),
    after: r.after === null ? null : decodeJson(r.after),
  };
}
