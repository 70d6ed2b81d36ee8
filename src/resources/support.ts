// Small helpers every resource file uses: reading Values, provider-level fallbacks, turning
// NOT_FOUND into "gone", and keeping a state's spelling of values the API reports equivalently.
import { isCloudError } from "../contract/errors.js";
import type { AccessBinding, Subject } from "../contract/api-types.js";
import { isUnknown, type ObjectValue, type ProviderConfig, type ResourceContext, type Value } from "./define.js";

/** A string attribute; null, "" and UNKNOWN read as undefined (not given). */
export function str(v: Value | undefined): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

export function num(v: Value | undefined): number | undefined {
  return typeof v === "number" ? v : undefined;
}

export function bool(v: Value | undefined): boolean | undefined {
  return typeof v === "boolean" ? v : undefined;
}

export function strMap(v: Value | undefined): Record<string, string> | undefined {
  if (v === null || v === undefined || typeof v !== "object" || Array.isArray(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, e] of Object.entries(v)) if (typeof e === "string") out[k] = e;
  return out;
}

export function strList(v: Value | undefined): string[] | undefined {
  return Array.isArray(v) ? v.filter((e): e is string => typeof e === "string") : undefined;
}

/** The first element of a MaxItems-1 block, or undefined. */
export function single(v: Value | undefined): ObjectValue | undefined {
  return Array.isArray(v) && v.length > 0 ? (v[0] as ObjectValue) : undefined;
}

/** Resolves a scope attribute that falls back to the provider block (as the real provider does). */
export function scopeId(
  config: ObjectValue,
  attribute: "organization_id" | "folder_id",
  provider: ProviderConfig,
): string {
  const id = str(config[attribute]) ?? provider[attribute];
  if (!id) throw new Error(`${attribute} is not set: set it on the resource or "${attribute}" on the provider`);
  return id;
}

/** Runs a Get; NOT_FOUND means the object is gone (null), anything else is an error. */
export async function orGone<T>(get: Promise<T>): Promise<T | null> {
  try {
    return await get;
  } catch (e) {
    if (isCloudError(e) && e.code === "NOT_FOUND") return null;
    throw e;
  }
}

const isEmpty = (v: Value | undefined): boolean =>
  v === null ||
  v === undefined ||
  v === "" ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === "object" && !Array.isArray(v) && Object.keys(v as object).length === 0);

/**
 * The API reports "nothing" as "" or {} where a config says null (or the other way round). Keep the
 * prior state's spelling when both mean empty, so an unset optional argument never shows a diff;
 * without a prior spelling (import) empty becomes null.
 */
export function keepEmpty(prior: Value | undefined, fromApi: Value): Value {
  if (!isEmpty(fromApi)) return fromApi;
  return prior !== undefined && isEmpty(prior) ? prior : null;
}

/**
 * Keeps the state's RFC3339 spelling when the API reports the same instant differently; without a
 * prior spelling (import) drops a zero fraction, as Go's time.RFC3339 prints it ("...:00Z").
 */
export function keepInstant(prior: Value | undefined, fromApi: string | undefined): Value {
  if (fromApi === undefined || fromApi === "") return keepEmpty(prior, null);
  if (typeof prior === "string" && Date.parse(prior) === Date.parse(fromApi)) return prior;
  return fromApi.replace(/\.0+(?=Z$)/, "");
}

// ----- IAM members: the provider's "TYPE:ID" strings -----

/** "serviceAccount:ajs..." -> Subject; split at the first ':' like the real provider (SplitN 2). */
export function parseMember(member: string): Subject | null {
  const i = member.indexOf(":");
  if (i <= 0 || i === member.length - 1) return null;
  return { type: member.slice(0, i), id: member.slice(i + 1) };
}

export const formatMember = (s: Subject): string => `${s.type}:${s.id}`;

export const sameBinding = (b: AccessBinding, roleId: string, member: string): boolean =>
  b.roleId === roleId && formatMember(b.subject) === member;

/**
 * A readMany by listing: one List per scope (the states' folder, organization or service account)
 * instead of one Get per object, each scope listed once, in first-seen order. Returns each state's
 * new value in order; an object its scope's listing did not include is gone (null), as are all of a
 * scope's objects when `list` answers null (the scope itself is gone).
 */
export async function refreshByListing<T extends { id: string }>(
  ctx: ResourceContext,
  states: readonly ObjectValue[],
  scopeOf: (s: ObjectValue) => string,
  list: (scopeId: string) => Promise<readonly T[] | null>,
  idOf: (s: ObjectValue) => string,
  toState: (item: T, s: ObjectValue) => ObjectValue,
): Promise<(ObjectValue | null)[]> {
  const found = new Map<string, T>();
  const byScope = groupBy(states, scopeOf);
  // A scope holding many of the states (an organization's profiles, a folder's accounts) is listed
  // page after page: those listings go ahead of the one-call scopes waiting under the cap, or at 10k
  // resources their pages were the idle tail of the refresh (bench/realcloud/fleet.ts).
  const long = (scope: string) => byScope.get(scope)!.length > 1;
  for (const items of await eachScope(ctx, [...byScope.keys()], list, long)) for (const item of items ?? []) found.set(item.id, item);
  return states.map((s) => {
    const item = found.get(idOf(s));
    return item ? toState(item, s) : null;
  });
}

/**
 * read(scope) for every scope, results in the scopes' order: concurrently under the engine's cap
 * (ctx.limit), else one at a time. A fleet has a scope per VM for instance bindings: one after
 * another, 2,000 VMs were 2,000 round trips in a row.
 */
export async function eachScope<S, R>(ctx: ResourceContext, scopes: readonly S[], read: (scope: S) => Promise<R>, first?: (scope: S) => boolean): Promise<R[]> {
  const { limit } = ctx;
  if (limit) return Promise.all(scopes.map((scope) => limit(() => read(scope), first?.(scope))));
  const out: R[] = [];
  for (const scope of scopes) out.push(await read(scope));
  return out;
}

/** Groups objects by a key so bulk refreshes make one List call per scope. */
export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** A copy with every UNKNOWN replaced by null, for building state from a planned value. */
export function known(v: ObjectValue): ObjectValue {
  const walk = (x: Value): Value =>
    isUnknown(x) ? null : Array.isArray(x) ? x.map(walk) : x !== null && typeof x === "object" ? known(x) : x;
  const out: ObjectValue = {};
  for (const [k, e] of Object.entries(v)) out[k] = walk(e);
  return out;
}
