// terraform's JSON output format (`terraform show -json`), so that tools written for terraform's
// plans and states (OPA/conftest policies, terraform-json parsers, `oslogin review`) read ours:
// the plan representation (format_version 1.2) from a plan file, the state representation
// (format_version 1.0) from state. docs/review.md lists the fields and where we differ.
//
// Value conventions, as terraform prints them: every schema attribute present (null when unset);
// unknown values left out of "after" and marked true in "after_unknown"; sensitive values printed
// as they are and marked true in "before_sensitive"/"after_sensitive" (terraform does the same, so
// the JSON is as secret as the plan file); int64 attributes as JSON numbers.
import type { Plan, ResourceChange } from "../../engine/types.js";
import { TERRAFORM_VERSION, type InstanceState, type State } from "../../engine/state/state.js";
import { isUnknown, type AttributeSchema, type BlockSchema, type ObjectValue, type Value } from "../../resources/define.js";
import { findDefinition } from "../../resources/registry.js";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export const PLAN_FORMAT_VERSION = "1.2";
export const STATE_FORMAT_VERSION = "1.0";

/** `provider["registry.terraform.io/yandex-cloud/yandex"].west` -> "registry.terraform.io/yandex-cloud/yandex". */
export function providerName(stateProvider: string): string {
  const m = /^provider\["([^"]+)"\]/.exec(stateProvider);
  return m ? m[1] : stateProvider;
}

const schemaOf = (type: string, mode: "managed" | "data"): BlockSchema | undefined => findDefinition(type, mode === "data" ? "data" : "resource")?.schema;

/** A value as JSON: int64 strings as numbers (when exact), unknowns left out of objects (null in lists). */
function toJson(v: Value, attr?: AttributeSchema, block?: BlockSchema): Json {
  if (isUnknown(v) || v === null) return null;
  if (Array.isArray(v)) return v.map((x) => toJson(x, attr && elementAttr(attr), block));
  if (typeof v === "object") {
    const o: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) {
      if (isUnknown(x)) continue;
      const a = block?.attributes[k];
      const nested = block?.blocks?.[k]?.block;
      o[k] = toJson(x, a ?? (attr && elementAttr(attr)), nested);
    }
    return o;
  }
  if (typeof v === "string" && attr?.type.kind === "int64") {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  }
  return v;
}

const elementAttr = (a: AttributeSchema): AttributeSchema | undefined =>
  a.type.kind === "list" || a.type.kind === "set" || a.type.kind === "map" ? { ...a, type: a.type.element } : undefined;

/**
 * terraform's "as bool" shadow of a value: `leaf` decides a primitive; lists keep one entry per
 * element, objects keep only the keys that are not false; null is false.
 */
function asBool(v: Value, leaf: (v: Value, sensitive: boolean) => boolean, sensitive = false, block?: BlockSchema): Json {
  if (v === null) return sensitive;
  if (isUnknown(v)) return leaf(v, sensitive);
  if (sensitive) return true;
  if (Array.isArray(v)) return v.map((x) => asBool(x, leaf, false, block));
  if (typeof v === "object") {
    const o: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) {
      const b = asBool(x, leaf, !!block?.attributes[k]?.sensitive, block?.blocks?.[k]?.block);
      if (b !== false) o[k] = b;
    }
    return o;
  }
  return leaf(v, false);
}

const unknownLeaf = (v: Value) => isUnknown(v);
const sensitiveLeaf = (_v: Value, sensitive: boolean) => sensitive;

export function afterUnknown(v: ObjectValue | null): Json {
  return v === null ? false : asBool(v, unknownLeaf);
}

export function sensitiveValues(v: ObjectValue | null, schema: BlockSchema | undefined): Json {
  return v === null ? false : asBool(v, sensitiveLeaf, false, schema);
}

/** terraform's actions for one of our plan actions. */
export function actionsOf(c: Pick<ResourceChange, "action" | "createBeforeDestroy"> & { keptBy?: string }): string[] {
  switch (c.action) {
    case "noop":
      return ["no-op"];
    case "replace":
      return c.createBeforeDestroy ? ["create", "delete"] : ["delete", "create"];
    case "delete":
      // A delete that only forgets its address (another address keeps the cloud object).
      return c.keptBy ? ["forget"] : ["delete"];
    default:
      return [c.action];
  }
}

/** terraform's action_reason for our reason text, where one applies. */
function actionReason(c: ResourceChange): string | undefined {
  if (c.action === "replace") return c.actionReason ?? "replace_because_cannot_update";
  if (c.action === "delete" && /not in configuration/.test(c.reason)) return "delete_because_no_resource_config";
  return undefined;
}

function changeJson(c: ResourceChange): Record<string, Json> {
  const schema = schemaOf(c.type, c.mode);
  const after = c.action === "delete" ? null : c.after;
  const out: Record<string, Json> = {
    address: c.address,
    mode: c.mode,
    type: c.type,
    name: c.name,
  };
  if (c.indexKey !== undefined) out.index = c.indexKey;
  out.provider_name = providerName(c.provider);
  if (c.deposed) out.deposed = c.deposed;
  out.change = {
    actions: actionsOf(c),
    before: c.before === null ? null : toJson(c.before, undefined, schema),
    after: after === null ? null : toJson(after, undefined, schema),
    after_unknown: after === null ? {} : afterUnknown(after),
    before_sensitive: sensitiveValues(c.before, schema),
    after_sensitive: sensitiveValues(after, schema),
    ...(c.action === "replace" ? { replace_paths: c.requiresReplace.map((p) => p.slice() as Json) } : {}),
  };
  const reason = actionReason(c);
  if (reason) out.action_reason = reason;
  return out;
}

function resourceJson(
  r: { address: string; mode: "managed" | "data"; type: string; name: string; indexKey?: InstanceState["indexKey"]; provider: string; schemaVersion: number; values: ObjectValue },
  extra: Record<string, Json> = {},
): Record<string, Json> {
  const schema = schemaOf(r.type, r.mode);
  return {
    address: r.address,
    mode: r.mode,
    type: r.type,
    name: r.name,
    ...(r.indexKey !== undefined ? { index: r.indexKey } : {}),
    provider_name: providerName(r.provider),
    schema_version: r.schemaVersion,
    values: toJson(r.values, undefined, schema),
    sensitive_values: sensitiveValues(r.values, schema),
    ...extra,
  };
}

const byAddress = (a: Record<string, Json>, b: Record<string, Json>) => (String(a.address) < String(b.address) ? -1 : String(a.address) > String(b.address) ? 1 : 0);

/** The state representation (`terraform show -json` without a plan). */
export function stateRepresentation(state: State): Record<string, Json> {
  if (state.instances.size === 0 && Object.keys(state.outputs).length === 0) return { format_version: STATE_FORMAT_VERSION };
  const resources = [...state.instances.entries()].map(([address, i]) =>
    resourceJson(
      { address, mode: i.mode, type: i.type, name: i.name, indexKey: i.indexKey, provider: i.provider, schemaVersion: i.schemaVersion, values: i.attributes },
      { ...(i.dependencies.length ? { depends_on: [...i.dependencies].sort() } : {}), ...(i.status === "tainted" ? { tainted: true } : {}) },
    ),
  );
  const outputs = Object.fromEntries(
    Object.entries(state.outputs).map(([k, o]) => [k, { sensitive: !!o.sensitive, value: toJson(o.value), type: (o.type ?? null) as Json }]),
  );
  return {
    format_version: STATE_FORMAT_VERSION,
    terraform_version: state.terraformVersion || TERRAFORM_VERSION,
    values: { outputs, root_module: { resources: resources.sort(byAddress) } },
  };
}

/** The plan representation (`terraform show -json PLANFILE`). */
export function planRepresentation(plan: Plan): Record<string, Json> {
  const shown = plan.changes.filter((c) => !(c.mode === "data" && c.readDuringPlan));
  const planned = plan.changes
    .filter((c) => c.after !== null && c.action !== "delete" && !c.deposed)
    .map((c) => {
      return resourceJson({ address: c.address, mode: c.mode, type: c.type, name: c.name, indexKey: c.indexKey, provider: c.provider, schemaVersion: c.schemaVersion, values: c.after! });
    });
  // The prior state as far as the plan carries it: every object's refreshed "before".
  const prior = plan.changes
    .filter((c) => c.before !== null && !c.deposed)
    .map((c) =>
      resourceJson(
        { address: c.address, mode: c.mode, type: c.type, name: c.name, indexKey: c.indexKey, provider: c.provider, schemaVersion: c.schemaVersion, values: c.before! },
        c.dependencies.length ? { depends_on: [...c.dependencies].sort() } : {},
      ),
    );
  const dataRead = plan.changes.filter((c) => c.mode === "data" && c.readDuringPlan && c.after);
  for (const c of dataRead) {
    prior.push(resourceJson({ address: c.address, mode: c.mode, type: c.type, name: c.name, indexKey: c.indexKey, provider: c.provider, schemaVersion: c.schemaVersion, values: c.after! }));
  }
  const outputValues = Object.fromEntries(
    plan.outputs.filter((o) => o.action !== "delete").map((o) => [o.name, { sensitive: o.sensitive, ...(o.after !== undefined && !isUnknown(o.after) ? { value: toJson(o.after) } : {}) }]),
  );
  const outputChanges = Object.fromEntries(
    plan.outputs.map((o) => [
      o.name,
      {
        actions: o.action === "noop" ? ["no-op"] : [o.action],
        before: o.before === undefined ? null : toJson(o.before),
        after: o.after === undefined ? null : toJson(o.after),
        after_unknown: o.after !== undefined && isUnknown(o.after),
        before_sensitive: o.sensitive,
        after_sensitive: o.sensitive,
      },
    ]),
  );
  const drift = plan.drift.map((d) => {
    const schema = schemaOf(d.type, "managed");
    const c = plan.changes.find((x) => x.address === d.address);
    const [type, ...rest] = d.address.split(".");
    return {
      address: d.address,
      mode: "managed",
      type,
      name: c?.name ?? rest.join(".").replace(/\[.*$/, ""),
      ...(c?.indexKey !== undefined ? { index: c.indexKey } : {}),
      provider_name: c ? providerName(c.provider) : "",
      change: {
        actions: d.kind === "deleted" ? ["delete"] : ["update"],
        before: toJson(d.before, undefined, schema),
        after: d.after === null ? null : toJson(d.after, undefined, schema),
        after_unknown: {},
        before_sensitive: sensitiveValues(d.before, schema),
        after_sensitive: sensitiveValues(d.after, schema),
      },
    } as Record<string, Json>;
  });
  // The configuration as the engine keeps it in a plan: each resource's address, type and provider.
  const configResources = new Map<string, Record<string, Json>>();
  for (const c of plan.changes) {
    if (c.action === "delete" && c.after === null && /not in configuration/.test(c.reason)) continue;
    const key = c.resource;
    if (!configResources.has(key)) {
      configResources.set(key, {
        address: key,
        mode: c.mode,
        type: c.type,
        name: c.name,
        provider_config_key: c.providerKey,
        schema_version: c.schemaVersion,
        // The engine keeps every resource this one refers to, not only explicit depends_on.
        ...(c.dependencies.length ? { depends_on: [...c.dependencies].sort() } : {}),
      });
    }
  }
  const providerConfig = Object.fromEntries(
    [...new Set(plan.changes.map((c) => c.providerKey))].map((k) => {
      const c = plan.changes.find((x) => x.providerKey === k)!;
      const [name, alias] = k.split(".");
      const scopes = plan.providerScopes[k] ?? {};
      const expressions = Object.fromEntries(Object.entries(scopes).filter(([, v]) => typeof v === "string").map(([a, v]) => [a, { constant_value: v as string }]));
      return [k, { name, full_name: providerName(c.provider), ...(alias ? { alias } : {}), ...(Object.keys(expressions).length ? { expressions } : {}) }];
    }),
  );
  const relevant = plan.drift.flatMap((d) => d.paths.map((p) => ({ resource: d.address, attribute: p.slice() as Json })));
  const out: Record<string, Json> = {
    format_version: PLAN_FORMAT_VERSION,
    terraform_version: TERRAFORM_VERSION,
  };
  if (Object.keys(plan.variables).length) out.variables = Object.fromEntries(Object.entries(plan.variables).map(([k, v]) => [k, { value: toJson(v) }]));
  out.planned_values = { outputs: outputValues, root_module: { resources: planned.sort(byAddress) } };
  if (drift.length) out.resource_drift = drift.sort(byAddress);
  if (shown.length) out.resource_changes = shown.map(changeJson).sort(byAddress);
  if (plan.outputs.length) out.output_changes = outputChanges;
  out.prior_state = {
    format_version: STATE_FORMAT_VERSION,
    terraform_version: TERRAFORM_VERSION,
    values: { outputs: {}, root_module: { resources: prior.sort(byAddress) } },
  };
  out.configuration = { provider_config: providerConfig, root_module: { resources: [...configResources.values()].sort(byAddress) } };
  if (relevant.length) out.relevant_attributes = relevant;
  out.applyable = shown.some((c) => c.action !== "noop") || plan.outputs.some((o) => o.action !== "noop");
  out.complete = true;
  out.errored = false;
  return out;
}
