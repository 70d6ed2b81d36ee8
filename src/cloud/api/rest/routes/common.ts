// Pieces every REST route module shares: paging query fields, list responses, and the call options
// a mutation passes to the model.
import type { Page } from "../../../model/types.js";
import type { RouteContext } from "../router.js";
import { int64, string, type Fields } from "../schema.js";

export interface PageQuery {
  pageSize?: bigint;
  pageToken?: string;
}

export const PAGE_FIELDS: Fields<PageQuery> = { pageSize: int64, pageToken: string };

/** A List response: the items under the API's field name, and nextPageToken (always written, "" on the last page). */
export function listJson<T>(field: string, page: Page<T>): Record<string, unknown> {
  return { [field]: page.items, nextPageToken: page.nextPageToken };
}

export const callOpts = (ctx: RouteContext<unknown, unknown>): { idempotencyKey?: string } =>
  ctx.idempotencyKey === undefined ? {} : { idempotencyKey: ctx.idempotencyKey };
