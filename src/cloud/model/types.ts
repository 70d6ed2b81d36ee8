// The emulator's data model: the API's messages (src/contract/api-types.ts, shared with everything
// that talks to a cloud) plus what only the emulator has: its audit log and who is calling.
export * from "../../contract/api-types.js";
import type { Subject, Timestamp } from "../../contract/api-types.js";

export interface AuditEvent {
  seq: bigint;
  time: Timestamp;
  /** "userAccount:<id>", "serviceAccount:<id>" or "system:emulator-admin". */
  actor: string;
  /** The API operation, e.g. "organizationmanager.OsLoginService.CreateProfile". */
  action: string;
  resourceType: string;
  resourceId: string;
  operationId: string;
  before: unknown;
  after: unknown;
}

// ---------- who is calling ----------

/** The authenticated caller of an API operation. `admin` is the emulator's superuser token. */
export type Caller =
  | { kind: "admin" }
  | { kind: "subject"; subject: Subject };

export const ADMIN: Caller = { kind: "admin" };
