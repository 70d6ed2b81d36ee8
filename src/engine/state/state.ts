// The in-memory state model and its Terraform v4 JSON form. In memory, instances are a flat map by
// address (fast lookups for 10k resources); on disk they are grouped by resource as Terraform
// writes them, so `terraform show` and other v4 readers understand our files.
import { randomUUID } from "node:crypto";
import type { AttributePath, ObjectValue, Value } from "../../resources/define.js";
import { parseJsonKeepingIntegers } from "../../util/json-integers.js";

export type IndexKey = number | string;

export interface InstanceState {
  mode: "managed" | "data";
  type: string;
  name: string;
  indexKey?: IndexKey;
  /** How the resource expands: "list" (count), "map" (for_each) or undefined (single). */
  each?: "list" | "map";
  /** Provider address in Terraform's spelling: provider["registry.terraform.io/yandex-cloud/yandex"].west */
  provider: string;
  schemaVersion: number;
  attributes: ObjectValue;
  sensitiveAttributes: AttributePath[];
  /** Resource addresses this instance depended on when written (used to order deletes). */
  dependencies: string[];
  createBeforeDestroy?: boolean;
  status?: "tainted";
}

export interface OutputState {
  value: Value;
  type: unknown;
  sensitive?: boolean;
}

/** A create sent (or about to be sent) to the cloud whose result is not in state yet. */
export interface PendingCreate {
  /** Random per create attempt; recorded before the call, so a retry after a crash reuses it. */
  attempt: string;
}

/** An old object kept after create-before-destroy made its replacement; it still needs deleting. */
export interface DeposedObject {
  key: string;
  instance: InstanceState;
}

export interface State {
  version: 4;
  terraformVersion: string;
  serial: number;
  lineage: string;
  outputs: Record<string, OutputState>;
  instances: Map<string, InstanceState>;
  /** Keyed by instance address. Persisted as "oslogin_pending_creates" (terraform ignores it). */
  pending: Record<string, PendingCreate>;
  /** Keyed by instance address. Persisted as v4 "deposed" instances. */
  deposed: Map<string, DeposedObject[]>;
}

export const TERRAFORM_VERSION = "1.11.4";

export function emptyState(): State {
  return { version: 4, terraformVersion: TERRAFORM_VERSION, serial: 0, lineage: randomUUID(), outputs: {}, instances: new Map(), pending: {}, deposed: new Map() };
}

export function resourceAddress(mode: "managed" | "data", type: string, name: string): string {
  return mode === "data" ? `data.${type}.${name}` : `${type}.${name}`;
}

export function instanceAddress(resource: string, key?: IndexKey): string {
  if (key === undefined) return resource;
  return typeof key === "number" ? `${resource}[${key}]` : `${resource}[${JSON.stringify(key)}]`;
}

/** Orders instance addresses as terraform lists them: by resource, then by index (vm[2] before vm[10]). */
export function compareInstanceAddresses(a: string, b: string): number {
  const x = COUNTED.exec(a);
  const y = x && COUNTED.exec(b);
  if (x && y && x[1] === y[1]) return Number(x[2]) - Number(y[2]);
  return a < b ? -1 : a > b ? 1 : 0;
}
const COUNTED = /^(.*)\[(\d+)\]$/;

export function instanceAddressOf(i: Pick<InstanceState, "mode" | "type" | "name" | "indexKey">): string {
  return instanceAddress(resourceAddress(i.mode, i.type, i.name), i.indexKey);
}

/** Parses "type.name", "type.name[0]", 'type.name["k"]', "data.type.name[...]". */
export function parseInstanceAddress(addr: string): { mode: "managed" | "data"; type: string; name: string; indexKey?: IndexKey; resource: string } | undefined {
  const m = /^(data\.)?([A-Za-z_][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[(?:(\d+)|"((?:[^"\\]|\\.)*)")\])?$/.exec(addr.trim());
  if (!m) return undefined;
  const mode = m[1] ? "data" : "managed";
  const indexKey = m[4] !== undefined ? Number(m[4]) : m[5] !== undefined ? (JSON.parse(`"${m[5]}"`) as string) : undefined;
  return { mode, type: m[2], name: m[3], indexKey, resource: resourceAddress(mode, m[2], m[3]) };
}

export function providerAddress(key: string, source?: string): string {
  const [name, alias] = key.split(".");
  const src = source ?? (name === "null" ? "hashicorp/null" : name === "yandex" ? "yandex-cloud/yandex" : `hashicorp/${name}`);
  const full = src.includes("/") && src.split("/").length === 2 ? `registry.terraform.io/${src}` : src.includes("/") ? src : `registry.terraform.io/hashicorp/${src}`;
  return `provider["${full}"]${alias ? `.${alias}` : ""}`;
}

// ---------------------------------------------------------------- v4 JSON

interface V4Instance {
  index_key?: IndexKey;
  deposed?: string;
  status?: "tainted";
  schema_version: number;
  attributes: ObjectValue;
  sensitive_attributes: { type: "get_attr" | "index"; value: unknown }[][];
  private?: string;
  dependencies?: string[];
  create_before_destroy?: boolean;
}

interface V4Resource {
  mode: "managed" | "data";
  type: string;
  name: string;
  each?: "list" | "map";
  provider: string;
  instances: V4Instance[];
}

interface V4File {
  version: 4;
  terraform_version: string;
  serial: number;
  lineage: string;
  outputs: Record<string, OutputState>;
  resources: V4Resource[];
  check_results: null;
  oslogin_pending_creates?: Record<string, PendingCreate>;
}

const pathToV4 = (p: AttributePath) => p.map((s) => (typeof s === "number" ? { type: "index" as const, value: { value: s, type: "number" } } : { type: "get_attr" as const, value: s }));
const pathFromV4 = (p: { type: string; value: unknown }[]): AttributePath =>
  p.map((s) => (s.type === "index" ? ((s.value as { value: number }).value ?? 0) : String(s.value)));

export function stateToJson(state: State): string {
  const byResource = new Map<string, V4Resource>();
  for (const i of state.instances.values()) {
    const key = resourceAddress(i.mode, i.type, i.name);
    let r = byResource.get(key);
    if (!r) {
      r = { mode: i.mode, type: i.type, name: i.name, ...(i.each ? { each: i.each } : {}), provider: i.provider, instances: [] };
      byResource.set(key, r);
    }
    r.instances.push({
      ...(i.indexKey !== undefined ? { index_key: i.indexKey } : {}),
      ...(i.status ? { status: i.status } : {}),
      schema_version: i.schemaVersion,
      attributes: i.attributes,
      sensitive_attributes: i.sensitiveAttributes.map(pathToV4),
      ...(i.dependencies.length ? { dependencies: i.dependencies } : {}),
      ...(i.createBeforeDestroy ? { create_before_destroy: true } : {}),
    });
  }
  for (const list of state.deposed.values()) {
    for (const d of list) {
      const i = d.instance;
      const key = resourceAddress(i.mode, i.type, i.name);
      let r = byResource.get(key);
      if (!r) {
        r = { mode: i.mode, type: i.type, name: i.name, ...(i.each ? { each: i.each } : {}), provider: i.provider, instances: [] };
        byResource.set(key, r);
      }
      r.instances.push({
        ...(i.indexKey !== undefined ? { index_key: i.indexKey } : {}),
        deposed: d.key,
        schema_version: i.schemaVersion,
        attributes: i.attributes,
        sensitive_attributes: i.sensitiveAttributes.map(pathToV4),
        ...(i.dependencies.length ? { dependencies: i.dependencies } : {}),
        create_before_destroy: true,
      });
    }
  }
  const resources = [...byResource.values()].sort((a, b) => (a.mode + a.type + a.name < b.mode + b.type + b.name ? -1 : 1));
  for (const r of resources) r.instances.sort((a, b) => compareKeys(a.index_key, b.index_key));
  const file: V4File = {
    version: 4,
    terraform_version: state.terraformVersion,
    serial: state.serial,
    lineage: state.lineage,
    outputs: state.outputs,
    resources,
    check_results: null,
  };
  if (Object.keys(state.pending).length) file.oslogin_pending_creates = state.pending;
  // Compact: a 10k-resource state is half the bytes to write, fsync and parse (use "state show" to read it).
  return JSON.stringify(file) + "\n";
}

function compareKeys(a: IndexKey | undefined, b: IndexKey | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a) < String(b) ? -1 : 1;
}

/** Parses a v4 state file; a string result is the reason it cannot be read. */
export function stateFromJson(text: string): State | string {
  let f: V4File;
  try {
    // Terraform writes an int64 uid past 2^53 as a bare JSON number with every digit.
    f = parseJsonKeepingIntegers(text) as V4File;
  } catch (e) {
    return `the state file is not valid JSON (${(e as Error).message})`;
  }
  if (typeof f !== "object" || f === null) return "the state file is not a JSON object";
  if (f.version !== 4) return `state format version ${String(f.version)} is not supported (only 4)`;
  if (typeof f.lineage !== "string" || typeof f.serial !== "number") return "the state file has no lineage or serial";
  const instances = new Map<string, InstanceState>();
  const deposed = new Map<string, DeposedObject[]>();
  for (const r of f.resources ?? []) {
    for (const inst of r.instances ?? []) {
      const i: InstanceState = {
        mode: r.mode,
        type: r.type,
        name: r.name,
        indexKey: inst.index_key,
        each: r.each,
        provider: r.provider,
        schemaVersion: inst.schema_version ?? 0,
        attributes: inst.attributes ?? {},
        sensitiveAttributes: (inst.sensitive_attributes ?? []).map(pathFromV4),
        dependencies: inst.dependencies ?? [],
        createBeforeDestroy: inst.create_before_destroy,
        status: inst.status,
      };
      if (inst.deposed) {
        const addr = instanceAddressOf(i);
        deposed.set(addr, [...(deposed.get(addr) ?? []), { key: inst.deposed, instance: i }]);
      } else instances.set(instanceAddressOf(i), i);
    }
  }
  return {
    version: 4,
    terraformVersion: f.terraform_version ?? TERRAFORM_VERSION,
    serial: f.serial,
    lineage: f.lineage,
    outputs: f.outputs ?? {},
    instances,
    pending: f.oslogin_pending_creates ?? {},
    deposed,
  };
}

/** cty type JSON of a value, for outputs (Terraform writes it; readers use it to decode). */
export function ctyType(v: Value): unknown {
  if (v === null) return "dynamic";
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return ["tuple", v.map(ctyType)];
  if (typeof v === "object") {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v)) o[k] = ctyType(v[k]);
    return ["object", o];
  }
  return "dynamic";
}
