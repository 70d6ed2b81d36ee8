// Entity tables keep the entity as a JSON document in `doc`, keyed by `id`: one reader for the
// lookups by id that every service needs (its own Get, and other services' reference checks).
// The table is a literal from the union below, never caller input, so interpolating it is safe.
import { errors } from "../../contract/errors.js";
import { decodeJson } from "../store/json.js";
import type { ModelContext } from "./context.js";

export type DocTable = "instances" | "service_accounts" | "service_account_keys";

/** The stored document, or undefined; no authorization. */
export function findDoc<T>(ctx: ModelContext, table: DocTable, id: string): T | undefined {
  const doc = ctx.sql(`SELECT doc FROM ${table} WHERE id = ?`, { pluck: true }).get(id) as string | undefined;
  return doc === undefined ? undefined : decodeJson<T>(doc);
}

/**
 * The stored document, or NOT_FOUND naming `what` and the id, for every caller and before
 * authorization: that is what the real API answers, and refresh relies on it to notice deletions.
 */
export function requireDoc<T>(ctx: ModelContext, table: DocTable, what: string, id: string): T {
  const doc = findDoc<T>(ctx, table, id);
  if (!doc) throw errors.notFound(what, id);
  return doc;
}
