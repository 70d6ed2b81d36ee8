// Signed page tokens for lists whose rows have no short id to resume after, or where the rule is
// that a token we did not issue must be refused (OS Login profiles, user SSH keys, audit events).
// A token names the list it belongs to (scope: the operation plus its filters) and the cursor (the
// last row returned), and carries an HMAC under a per-process key: a forged or edited token, or one
// replayed against another list, is INVALID_ARGUMENT. The price of a per-process key: tokens do not
// survive an emulator restart (the client restarts its listing).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { errors } from "../../contract/errors.js";
import type { Page } from "./types.js";

const KEY = randomBytes(32);
/** The API's limit on page_token length in these list requests. */
const PAGE_TOKEN_MAX = 2000;

function sign(body: string): string {
  return createHmac("sha256", KEY).update(body).digest("base64url").slice(0, 22);
}

export function encodePageToken(scope: string, cursor: string | number | bigint): string {
  const body = Buffer.from(JSON.stringify([scope, String(cursor)])).toString("base64url");
  return `${body}.${sign(body)}`;
}

/** The cursor in a token issued for `scope`; undefined for an empty token (the first page). */
export function decodePageToken(scope: string, token: string | undefined): string | undefined {
  if (!token) return undefined;
  const invalid = () => errors.invalidArgument("page_token", "is not a page token issued for this list request");
  if (token.length > PAGE_TOKEN_MAX) throw errors.invalidArgument("page_token", `must be at most ${PAGE_TOKEN_MAX} characters`);
  const dot = token.indexOf(".");
  if (dot < 0) throw invalid();
  const body = token.slice(0, dot);
  const mac = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(sign(body));
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) throw invalid();
  const [tokenScope, cursor] = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as [string, string];
  if (tokenScope !== scope) throw invalid();
  return cursor;
}

/**
 * Turns `limit + 1` rows fetched in cursor order into a page: the extra row only tells whether a
 * next page exists (so the last page never carries a token that leads to an empty page).
 */
export function signedPage<R, T>(
  rows: R[],
  limit: number,
  scope: string,
  cursorOf: (row: R) => string | number | bigint,
  map: (row: R) => T,
): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return {
    items: kept.map(map),
    nextPageToken: more ? encodePageToken(scope, cursorOf(kept[kept.length - 1]!)) : "",
  };
}

/** A rowid cursor from a token: a non-negative integer, else the token is not ours. */
export function rowidAfter(scope: string, token: string | undefined): number {
  const cursor = decodePageToken(scope, token);
  if (cursor === undefined) return 0;
  if (!/^\d{1,18}$/.test(cursor)) throw errors.invalidArgument("page_token", "is not a page token issued for this list request");
  return Number(cursor);
}
