// Conversions shared by every service group's mapping between the SDK's ts-proto messages and the
// model's types. The two sides differ in a few systematic ways:
// - timestamps: SDK `Date` ⇄ model RFC3339 string;
// - enums: SDK numeric TS enums ⇄ model proto names;
// - absence: proto3 has no presence for scalars, so the SDK's "" / 0 mean "not given" where the model
//   uses undefined;
// - field masks: SDK FieldMask ⇄ model string[] of paths.
// int64 fields are handled by ../int64.ts (bigint on both sides), never by JS numbers.
import { errors } from "../../../../contract/errors.js";
import type { Page } from "../../../model/types.js";

export function toDate(ts: string): Date;
export function toDate(ts: string | undefined): Date | undefined;
export function toDate(ts: string | undefined): Date | undefined {
  return ts === undefined ? undefined : new Date(ts);
}

export function fromDate(d: Date): string;
export function fromDate(d: Date | undefined): string | undefined;
export function fromDate(d: Date | undefined): string | undefined {
  return d === undefined ? undefined : d.toISOString();
}

/** proto3 "" means "not set": the model's optional strings are undefined then. */
export const optional = (s: string | undefined): string | undefined => (s === "" || s === undefined ? undefined : s);

/** The SDK's "" for the model's absent optional string. */
export const orEmpty = (s: string | undefined): string => s ?? "";

/**
 * proto3 has no presence: with a mask the named fields are set (even to ""), without one only the
 * fields that differ from the proto default are taken as given.
 */
export function given<T>(mask: string[] | undefined, path: string, value: T, isDefault: boolean): T | undefined {
  if (mask) return mask.includes(path) ? value : undefined;
  return isDefault ? undefined : value;
}

export function maskFromSdk(mask: { paths: string[] } | undefined): string[] | undefined {
  return mask && mask.paths.length > 0 ? mask.paths : undefined;
}

export function maskToSdk(paths: string[] | undefined): { paths: string[] } | undefined {
  return paths && paths.length > 0 ? { paths } : undefined;
}

/**
 * The mask a client sends when its caller gave none: the proto paths of the fields it did give, in
 * table order. Without it proto3's defaults would reset every field the caller left out.
 */
export function impliedMask<R>(r: R, paths: readonly (readonly [keyof R, string])[]): string[] {
  return paths.filter(([k]) => r[k] !== undefined).map(([, p]) => p);
}

/** The fields every folder-scoped resource (instance, service account) begins with, in both shapes. */
interface FolderResourceHeader<T> {
  id: string;
  folderId: string;
  createdAt: T;
  name: string;
  description: string;
  labels: Record<string, string>;
}

export function folderResourceToSdk(r: FolderResourceHeader<string>): FolderResourceHeader<Date> {
  return { id: r.id, folderId: r.folderId, createdAt: toDate(r.createdAt), name: r.name, description: r.description, labels: copyMap(r.labels) };
}

// ts-proto types message timestamps as optional.
export function folderResourceFromSdk(s: Omit<FolderResourceHeader<Date>, "createdAt"> & { createdAt?: Date }): FolderResourceHeader<string> {
  return { id: s.id, folderId: s.folderId, createdAt: fromDate(s.createdAt) ?? "", name: s.name, description: s.description, labels: copyMap(s.labels) };
}

/** A TS numeric enum object as ts-proto emits it (name → number, number → name). */
type NumericEnum = Record<string, string | number>;

/**
 * The model's enum name for an SDK enum number. 0 (the *_UNSPECIFIED value) and numbers this SDK
 * version does not know are undefined, so the model applies its default or names the field.
 */
export function enumName<N extends string>(e: NumericEnum, value: number): N | undefined {
  if (value === 0) return undefined;
  const name = e[value];
  return typeof name === "string" && name !== "UNRECOGNIZED" ? (name as N) : undefined;
}

/** The SDK enum number for a model enum name; unknown names are a request error on `field`. */
export function enumNumber(e: NumericEnum, name: string | undefined, field: string): number {
  if (name === undefined) return 0;
  const value = e[name];
  if (typeof value !== "number" || value < 0) throw errors.invalidArgument(field, `${JSON.stringify(name)} is not a known value`);
  return value;
}

/** A model enum value required to be one the SDK knows: for responses, where the model is the source. */
export function enumNumberOf(e: NumericEnum, name: string): number {
  const value = e[name];
  return typeof value === "number" && value >= 0 ? value : 0;
}

/** pageSize travels as bigint (int64-safe codec); 0 means "the default" in both worlds. */
export function pageSizeFromSdk(size: bigint): bigint | undefined {
  return size === 0n ? undefined : size;
}

export function pageSizeToSdk(size: number | bigint | undefined): bigint {
  return size === undefined ? 0n : BigInt(size);
}

export function pageFromSdk<S, T>(items: S[], nextPageToken: string, map: (s: S) => T): Page<T> {
  return { items: items.map(map), nextPageToken };
}

/** Copies a string map (ts-proto maps are plain objects; the model's too, but never shared). */
export const copyMap = (m: Record<string, string> | undefined): Record<string, string> => ({ ...(m ?? {}) });
