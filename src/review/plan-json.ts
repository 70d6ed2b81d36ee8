// Reads terraform's plan JSON (`terraform show -json PLANFILE`, or `oslogin show -json PLANFILE`,
// the same format) into the before/after desired objects the access review compares. The review
// then works the same on a plan made by the real terraform as on one of ours.
//
// What the format gives and how it is used:
// - resource_changes[].change.before / after / after_unknown: the objects on both sides; unknown
//   leaves (after_unknown true) become UNKNOWN, as in our own plans;
// - configuration.root_module.resources[]: depends_on and the references of each expression,
//   which tie a binding with an unknown instance_id or member to the object it names;
// - configuration.provider_config[].expressions: constant organization_id / folder_id defaults;
// - prior_state: data sources read while planning (they are not in resource_changes).
import { UNKNOWN, type BlockSchema, type ObjectValue, type Value } from "../resources/define.js";
import { findDefinition } from "../resources/registry.js";
import type { DesiredObject, Scopes } from "./access-diff.js";

export class PlanJsonError extends Error {}

type J = unknown;
const isObj = (v: J): v is Record<string, J> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A JSON value as our value: int64 attributes as decimal strings; UNKNOWN where `unknown` says true. */
function fromJson(v: J, unknown: J, schema: BlockSchema | undefined, int64 = false): Value {
  if (unknown === true) return UNKNOWN;
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map((x, i) => fromJson(x, Array.isArray(unknown) ? unknown[i] : undefined, schema, int64));
  if (isObj(v) || isObj(unknown)) {
    const o: ObjectValue = {};
    const u = isObj(unknown) ? unknown : {};
    const src = isObj(v) ? v : {};
    for (const k of new Set([...Object.keys(src), ...Object.keys(u)])) {
      const a = schema?.attributes[k];
      const kind = a?.type.kind;
      const isInt = kind === "int64" || ((kind === "list" || kind === "set" || kind === "map") && (a!.type as { element: { kind: string } }).element.kind === "int64");
      o[k] = fromJson(src[k], u[k], schema?.blocks?.[k]?.block, isInt);
    }
    return o;
  }
  if (typeof v === "number" && int64) return String(v);
  return v as Value;
}

const resourceOf = (mode: string, type: string, name: string) => (mode === "data" ? `data.${type}.${name}` : `${type}.${name}`);

/** Resource addresses an expression tree refers to ("yandex_compute_instance.web.id" -> "yandex_compute_instance.web"). */
function references(expr: J, into: Set<string>): void {
  if (Array.isArray(expr)) for (const e of expr) references(e, into);
  else if (isObj(expr)) {
    for (const [k, v] of Object.entries(expr)) {
      if (k === "references" && Array.isArray(v)) {
        for (const r of v) if (typeof r === "string") into.add(r.startsWith("data.") ? r.split(".").slice(0, 3).join(".") : r.split(".").slice(0, 2).join(".").replace(/\[.*$/, ""));
      } else references(v, into);
    }
  }
}

export interface PlanJsonDesired {
  before: DesiredObject[];
  after: DesiredObject[];
  providerScopes: Record<string, Scopes>;
  /** Organizations the providers name: where names, profiles and groups are read. */
  organizations: string[];
}

export function desiredFromPlanJson(doc: J): PlanJsonDesired {
  if (!isObj(doc)) throw new PlanJsonError("the plan JSON must be an object (terraform show -json PLANFILE)");
  if (Array.isArray(doc.changes) && typeof doc.stack === "string") {
    throw new PlanJsonError('this is "oslogin plan --json" output, oslogin\'s own format; give terraform\'s plan JSON: oslogin plan -out F && oslogin show -json F (or terraform show -json F)');
  }
  if (typeof doc.format_version !== "string" || !/^1\./.test(doc.format_version)) {
    throw new PlanJsonError(`format_version must be terraform's plan format "1.x", got ${JSON.stringify(doc.format_version)}`);
  }
  if (!isObj(doc.planned_values)) throw new PlanJsonError("planned_values is missing: this is a state, not a plan (give show -json PLANFILE)");
  const changes = doc.resource_changes ?? [];
  if (!Array.isArray(changes)) throw new PlanJsonError("resource_changes must be an array");

  const config = isObj(doc.configuration) ? doc.configuration : {};
  const root = isObj(config.root_module) ? config.root_module : {};
  const deps = new Map<string, string[]>();
  const providerOfResource = new Map<string, string>();
  for (const r of Array.isArray(root.resources) ? root.resources : []) {
    if (!isObj(r) || typeof r.address !== "string") continue;
    const refs = new Set<string>(Array.isArray(r.depends_on) ? r.depends_on.filter((x): x is string => typeof x === "string") : []);
    references(r.expressions, refs);
    refs.delete(r.address);
    deps.set(r.address, [...refs]);
    if (typeof r.provider_config_key === "string") providerOfResource.set(r.address, r.provider_config_key);
  }
  const providerScopes: Record<string, Scopes> = {};
  const organizations = new Set<string>();
  for (const [key, p] of Object.entries(isObj(config.provider_config) ? config.provider_config : {})) {
    const scopes: Scopes = {};
    const ex = isObj(p) && isObj(p.expressions) ? p.expressions : {};
    for (const a of ["organization_id", "cloud_id", "folder_id"] as const) {
      const e = ex[a];
      if (isObj(e) && typeof e.constant_value === "string") scopes[a] = e.constant_value;
    }
    providerScopes[key] = scopes;
    if (scopes.organization_id) organizations.add(scopes.organization_id);
  }

  const before: DesiredObject[] = [];
  const after: DesiredObject[] = [];
  const at = (i: number, field: string) => `resource_changes[${i}].${field}`;
  changes.forEach((rc, i) => {
    if (!isObj(rc)) throw new PlanJsonError(`${at(i, "")} must be an object`);
    const { mode, type, name, address } = rc;
    if (mode !== "managed" && mode !== "data") throw new PlanJsonError(`${at(i, "mode")} must be "managed" or "data"`);
    if (typeof type !== "string" || typeof name !== "string" || typeof address !== "string") throw new PlanJsonError(`${at(i, "address/type/name")} must be strings`);
    if (rc.deposed !== undefined) return;
    const change = rc.change;
    if (!isObj(change) || !Array.isArray(change.actions)) throw new PlanJsonError(`${at(i, "change.actions")} must be an array`);
    const actions = change.actions as string[];
    const schema = findDefinition(type, mode === "data" ? "data" : "resource")?.schema;
    const resource = resourceOf(mode, type, name);
    const obj = (value: Value): DesiredObject => ({
      address,
      resource,
      type,
      mode,
      indexKey: typeof rc.index === "number" || typeof rc.index === "string" ? rc.index : undefined,
      dependencies: deps.get(resource) ?? [],
      value: value as ObjectValue,
      providerKey: providerOfResource.get(resource) ?? type.split("_")[0],
    });
    if (isObj(change.before)) before.push(obj(fromJson(change.before, undefined, schema)));
    // A forgotten object stays in the cloud: it keeps granting what it granted.
    if (actions.includes("forget") && isObj(change.before)) after.push(obj(fromJson(change.before, undefined, schema)));
    else if (!(actions.length === 1 && actions[0] === "delete") && (isObj(change.after) || isObj(change.after_unknown))) {
      after.push(obj(fromJson(change.after, change.after_unknown, schema)));
    }
  });
  // Data sources read while planning describe the same members on both sides.
  const prior = isObj(doc.prior_state) && isObj(doc.prior_state.values) && isObj(doc.prior_state.values.root_module) ? doc.prior_state.values.root_module : {};
  const seen = new Set(changes.map((c) => (isObj(c) ? c.address : undefined)));
  for (const r of Array.isArray(prior.resources) ? prior.resources : []) {
    if (!isObj(r) || r.mode !== "data" || seen.has(r.address) || typeof r.type !== "string" || typeof r.name !== "string") continue;
    const o: DesiredObject = {
      address: String(r.address),
      resource: resourceOf("data", r.type, r.name),
      type: r.type,
      mode: "data",
      dependencies: [],
      value: fromJson(r.values, undefined, findDefinition(r.type, "data")?.schema) as ObjectValue,
      providerKey: r.type.split("_")[0],
    };
    before.push(o);
    after.push(o);
  }
  return { before, after, providerScopes, organizations: [...organizations] };
}
