// Paging for List operations. Entity lists are ordered by id ("id asc", the APIs' default order)
// and paged by keyset: the token is the last id of the previous page, so a page costs one indexed
// range scan however deep it is, and concurrent inserts do not shift later pages.
import type { Page } from "./types.js";
import { errors } from "../../contract/errors.js";
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from "../../contract/rules.js";

/** The API limit on page_token length. */
export const PAGE_TOKEN_MAX = 100;

/** page_size: 0 or absent = the default (100); 1..1000 otherwise. */
export function pageSizeOf(pageSize: bigint | undefined): number {
  if (pageSize === undefined || pageSize === 0n) return PAGE_SIZE_DEFAULT;
  if (pageSize < 0n || pageSize > BigInt(PAGE_SIZE_MAX)) {
    throw errors.invalidArgument("page_size", `must be between 0 and ${PAGE_SIZE_MAX} (got ${pageSize})`);
  }
  return Number(pageSize);
}

const ID_TOKEN = /^[a-z0-9]{1,50}$/;

/** The keyset bound encoded in page_token: "" for the first page. */
export function idAfter(pageToken: string | undefined): string {
  if (pageToken === undefined || pageToken === "") return "";
  if (pageToken.length > PAGE_TOKEN_MAX || !ID_TOKEN.test(pageToken)) {
    throw errors.invalidArgument("page_token", "is not a token returned by a previous List call");
  }
  return pageToken;
}

/** Offset paging for lists without a short unique key (access bindings); the token is the offset. */
export function offsetAfter(pageToken: string | undefined): number {
  if (pageToken === undefined || pageToken === "") return 0;
  if (!/^[1-9][0-9]{0,8}$/.test(pageToken)) {
    throw errors.invalidArgument("page_token", "is not a token returned by a previous List call");
  }
  return Number(pageToken);
}

/**
 * Builds a page from rows fetched with LIMIT size + 1: the extra row only tells whether another
 * page exists, so the last page has an empty token.
 */
export function keysetPage<T>(rows: T[], size: number, idOf: (t: T) => string): Page<T> {
  if (rows.length <= size) return { items: rows, nextPageToken: "" };
  const items = rows.slice(0, size);
  return { items, nextPageToken: idOf(items[items.length - 1]!) };
}

export function offsetPage<T>(rows: T[], size: number, offset: number): Page<T> {
  if (rows.length <= size) return { items: rows, nextPageToken: "" };
  return { items: rows.slice(0, size), nextPageToken: String(offset + size) };
}
