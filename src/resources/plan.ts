// Planning shared by our engine and the terraform provider (src/tfplugin): both must agree on what a
// config means and on update-vs-replace, so the rules live here once, as pure functions over the
// schema in a ResourceDefinition. Semantics follow Terraform's SDKv2 providers:
// - a config is normalized to the schema (every attribute present, null = unset, blocks = arrays;
//   Terraform JSON allows a block as one object or an array of objects);
// - safe type conversions as Terraform does them (number/bool -> string, "true" -> bool, "2" -> 2);
// - on create, computed attributes the config leaves null become UNKNOWN;
// - on update, computed values of the prior state are kept, and so are Optional+Computed ones the
//   config leaves null;
// - a change of a forceNew attribute (or inside a forceNew block) replaces the object, and a replace
//   is planned like a create (the provider recomputes everything it computes).
import {
  UNKNOWN,
  isUnknown,
  type AttributePath,
  type AttributeSchema,
  type BlockSchema,
  type Diagnostic,
  type ObjectValue,
  type ProviderConfig,
  type ResourceDefinition,
  type Value,
  type ValueType,
  diag,
} from "./define.js";

/** Keys of a resource block in Terraform JSON that are meta-arguments, not schema attributes. */
export const META_ARGUMENTS: ReadonlySet<string> = new Set([
  "//",
  "count",
  "for_each",
  "depends_on",
  "lifecycle",
  "provider",
  "provisioner",
  "connection",
]);

export const hasErrors = (diags: readonly Diagnostic[]): boolean => diags.some((d) => d.severity === "error");

/** "network_interface[0].nat" — the way Terraform prints an attribute path. */
export function formatPath(path: AttributePath): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

// ---------------------------------------------------------------- schema shape

/** One attribute of a schema with every flag present, linked to the next (see shapeOf). */
interface AttributeField {
  readonly name: string;
  readonly type: ValueType;
  readonly required: boolean;
  readonly optional: boolean;
  readonly computed: boolean;
  readonly forceNew: boolean;
  readonly default: Value | undefined;
  readonly next: AttributeField | null;
}

/** One nested block type of a schema, linked to the next. */
interface BlockField {
  readonly name: string;
  readonly block: BlockSchema;
  readonly minItems: number | undefined;
  readonly maxItems: number | undefined;
  readonly forceNew: boolean;
  readonly next: BlockField | null;
}

interface Shape {
  attributes: AttributeField | null;
  blocks: BlockField | null;
  /** Attributes with a default: the only ones applyDefaults looks at. */
  defaults: AttributeField | null;
}

const shapes = new WeakMap<BlockSchema, Shape>();

/**
 * A schema's attributes and blocks as linked fields, built once per schema. Planning walks every
 * schema once per resource instance, for instances of several types one type after another, so:
 * - no Object.entries per visit (its allocation and GC were a measurable share of a 10k plan);
 * - every field has the same hidden class whatever the schema (all flags present, no arrays whose
 *   map changes when empty): code V8 optimized on one type's fields kept deoptimizing on the next
 *   type's, and a one-shot plan runs much of its time in code waiting to be optimized again;
 * - walks are `for (let f = first; f; f = f.next)`, which allocates nothing even before V8
 *   optimizes the loop (a for-of step allocates an iterator result there).
 */
function shapeOf(schema: BlockSchema): Shape {
  let shape = shapes.get(schema);
  if (!shape) {
    const attrs = Object.entries(schema.attributes);
    const attribute = (name: string, a: AttributeSchema, next: AttributeField | null): AttributeField => ({
      name,
      type: a.type,
      required: !!a.required,
      optional: !!a.optional,
      computed: !!a.computed,
      forceNew: !!a.forceNew,
      default: a.default,
      next,
    });
    shape = {
      attributes: attrs.reduceRight<AttributeField | null>((next, [name, a]) => attribute(name, a, next), null),
      blocks: Object.entries(schema.blocks ?? {}).reduceRight<BlockField | null>(
        (next, [name, b]) => ({ name, block: b.block, minItems: b.minItems, maxItems: b.maxItems, forceNew: !!b.forceNew, next }),
        null,
      ),
      defaults: attrs
        .filter(([, a]) => a.default !== undefined)
        .reduceRight<AttributeField | null>((next, [name, a]) => attribute(name, a, next), null),
    };
    shapes.set(schema, shape);
  }
  return shape;
}

// ---------------------------------------------------------------- normalization

export interface NormalizeResult {
  value: ObjectValue;
  diagnostics: Diagnostic[];
}

/**
 * Brings a raw config object (parsed JSON, expression results, msgpack from terraform) to the
 * schema's shape. Never throws: every problem is a diagnostic with the attribute path.
 */
export function normalizeConfig(schema: BlockSchema, raw: unknown, path: AttributePath = []): NormalizeResult {
  const diagnostics: Diagnostic[] = [];
  const value = normalizeBlock(schema, raw, [...path], diagnostics);
  return { value, diagnostics };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !isUnknown(v);
}

/**
 * `path` is the walk's path stack: a block element's index is pushed before descending and popped
 * after, and a path is copied only into a diagnostic. A valid config (every config of a no-op plan)
 * then allocates no paths at all.
 */
function normalizeBlock(schema: BlockSchema, raw: unknown, path: AttributePath, out: Diagnostic[]): ObjectValue {
  const src: Record<string, unknown> = isPlainObject(raw) ? raw : {};
  if (raw !== null && raw !== undefined && !isPlainObject(raw)) {
    out.push(diag.error("Incorrect block value type", [...path], "An object is required here."));
  }
  const blocks = schema.blocks ?? {};
  for (const key in src) {
    if (key in schema.attributes || key in blocks || (path.length === 0 && META_ARGUMENTS.has(key))) continue;
    out.push(
      diag.error("Unsupported argument", [...path, key], `An argument named "${key}" is not expected here.`),
    );
  }
  const result: ObjectValue = {};
  const shape = shapeOf(schema);
  for (let attr = shape.attributes; attr; attr = attr.next) {
    const name = attr.name;
    const v = src[name];
    if (v === undefined || v === null) {
      if (attr.required) {
        out.push(diag.error("Missing required argument", [...path, name], `The argument "${name}" is required, but no definition was found.`));
      }
      result[name] = null;
      continue;
    }
    if (attr.computed && !attr.optional) {
      out.push(
        diag.error(
          "Invalid or unknown argument",
          [...path, name],
          `Can't configure a value for "${name}": its value will be decided automatically based on the result of applying this configuration.`,
        ),
      );
      result[name] = null;
      continue;
    }
    result[name] = convertValue(attr.type, v, path, name, name, out);
  }
  for (let block = shape.blocks; block; block = block.next) {
    const name = block.name;
    const v = src[name];
    if (isUnknown(v)) {
      // A dynamic block whose elements are not known yet: the engine resolves it before apply.
      result[name] = UNKNOWN;
      continue;
    }
    const items: unknown[] = v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
    if (block.maxItems !== undefined && items.length > block.maxItems) {
      out.push(diag.error(`Too many ${name} blocks`, [...path, name], `No more than ${block.maxItems} "${name}" blocks are allowed.`));
    }
    if (block.minItems !== undefined && items.length < block.minItems) {
      out.push(diag.error(`Insufficient ${name} blocks`, [...path, name], `At least ${block.minItems} "${name}" blocks are required.`));
    }
    const normalized: ObjectValue[] = new Array(items.length);
    path.push(name, 0);
    for (let i = 0; i < items.length; i++) {
      path[path.length - 1] = i;
      normalized[i] = normalizeBlock(block.block, items[i], path, out);
    }
    path.length -= 2;
    result[name] = normalized;
  }
  return result;
}

const typeName = (t: ValueType): string =>
  t.kind === "list" || t.kind === "set" || t.kind === "map" ? `${t.kind} of ${typeName(t.element)}` : t.kind === "int64" ? "number" : t.kind;

const NUMBER_TEXT = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const INTEGER_TEXT = /^-?\d+$/;

/**
 * Terraform's implicit conversions for one value; a diagnostic (and null) when there is none. The
 * value's path is `parent` + `key`: `parent` is the walk's path stack (see normalizeBlock), copied
 * only into a diagnostic.
 */
function convertValue(type: ValueType, v: unknown, parent: AttributePath, key: string | number, name: string, out: Diagnostic[]): Value {
  if (isUnknown(v)) return UNKNOWN;
  switch (type.kind) {
    case "string":
      if (typeof v === "string") return v;
      if (typeof v === "number" && Number.isFinite(v)) return String(v);
      if (typeof v === "bigint") return v.toString();
      if (typeof v === "boolean") return v ? "true" : "false";
      break;
    case "number":
      if (typeof v === "number" && Number.isFinite(v)) return v;
      if (typeof v === "bigint") return Number(v);
      if (typeof v === "string" && NUMBER_TEXT.test(v.trim())) return Number(v.trim());
      break;
    case "int64":
      if (typeof v === "bigint") return v.toString();
      if (typeof v === "number" && Number.isSafeInteger(v)) return String(v);
      if (typeof v === "string" && INTEGER_TEXT.test(v.trim())) return BigInt(v.trim()).toString();
      break;
    case "bool":
      if (typeof v === "boolean") return v;
      if (v === "true") return true;
      if (v === "false") return false;
      break;
    case "list":
    case "set": {
      if (!Array.isArray(v)) break;
      parent.push(key);
      const items = v.map((e, i) => (e === null || e === undefined ? nullElement(parent, i, out) : convertValue(type.element, e, parent, i, name, out)));
      parent.pop();
      if (type.kind === "list") return items;
      const seen = new Set<string>();
      return items.filter((e) => {
        const k = isUnknown(e) ? `unknown:${seen.size}` : JSON.stringify(e);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    }
    case "map": {
      if (!isPlainObject(v)) break;
      const m: ObjectValue = {};
      parent.push(key);
      for (const k in v) {
        const e = v[k];
        m[k] = e === null || e === undefined ? nullElement(parent, k, out) : convertValue(type.element, e, parent, k, name, out);
      }
      parent.pop();
      return m;
    }
  }
  // Every case that converts returns; the ones that break cannot.
  return conversionFailed(type, parent, key, name, out);
}

function conversionFailed(type: ValueType, parent: AttributePath, key: string | number, name: string, out: Diagnostic[]): null {
  out.push(diag.error("Incorrect attribute value type", [...parent, key], `Inappropriate value for attribute "${name}": ${typeName(type)} required.`));
  return null;
}

function nullElement(path: AttributePath, key: string | number, out: Diagnostic[]): Value {
  out.push(diag.error("Null value in collection", [...path, key], "Elements of a collection cannot be null."));
  return null;
}

// ---------------------------------------------------------------- defaults and validation

/**
 * The config with schema defaults filled in where the config says nothing. Returns `config` itself
 * when there is nothing to fill (planning calls this on configs that already went through it).
 */
export function applyDefaults(schema: BlockSchema, config: ObjectValue): ObjectValue {
  const shape = shapeOf(schema);
  let result: ObjectValue | undefined;
  for (let attr = shape.defaults; attr; attr = attr.next) {
    const name = attr.name;
    if (config[name] === null || config[name] === undefined) (result ??= { ...config })[name] = attr.default!;
  }
  for (let block = shape.blocks; block; block = block.next) {
    const name = block.name;
    const items = (result ?? config)[name];
    if (!Array.isArray(items)) continue;
    const filled = items.map((item) => applyDefaults(block.block, item as ObjectValue));
    if (filled.some((f, i) => f !== items[i])) (result ??= { ...config })[name] = filled;
  }
  return result ?? config;
}

export interface ValidateResult {
  /** Normalized config with defaults applied (what planning and check() see). */
  config: ObjectValue;
  diagnostics: Diagnostic[];
}

/** normalize + defaults + the type's own literal checks (only when the shape is right). */
export function validateConfig(def: ResourceDefinition, raw: unknown, provider: ProviderConfig = {}): ValidateResult {
  const { value, diagnostics } = normalizeConfig(def.schema, raw);
  const config = applyDefaults(def.schema, value);
  if (!hasErrors(diagnostics) && def.check) diagnostics.push(...def.check(config, provider));
  return { config, diagnostics };
}

// ---------------------------------------------------------------- equality and diff

/** Deep equality of two values; UNKNOWN equals nothing (it may become anything). */
export function valuesEqual(a: Value | undefined, b: Value | undefined): boolean {
  if (isUnknown(a) || isUnknown(b)) return false;
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => valuesEqual(x, b[i]));
  }
  if (typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => k in b && valuesEqual(a[k], (b as ObjectValue)[k]));
  }
  return false;
}

/**
 * The attribute paths where two values of the same schema differ: attributes by name, block
 * elements by index (an element present on one side only is reported as [block, index]).
 */
export function diffPaths(schema: BlockSchema, a: ObjectValue, b: ObjectValue, path: AttributePath = []): AttributePath[] {
  const out: AttributePath[] = [];
  diffInto(schema, a, b, [...path], out);
  return out;
}

/** diffPaths over a path stack (see normalizeBlock): equal values allocate no paths. */
function diffInto(schema: BlockSchema, a: ObjectValue, b: ObjectValue, path: AttributePath, out: AttributePath[]): void {
  for (let attr = shapeOf(schema).attributes; attr; attr = attr.next) {
    const name = attr.name;
    if (!valuesEqual(a[name] ?? null, b[name] ?? null)) out.push([...path, name]);
  }
  for (let block = shapeOf(schema).blocks; block; block = block.next) {
    const name = block.name;
    const x = a[name];
    const y = b[name];
    if (!Array.isArray(x) || !Array.isArray(y)) {
      if (!valuesEqual(x ?? [], y ?? [])) out.push([...path, name]);
      continue;
    }
    const n = Math.max(x.length, y.length);
    path.push(name, 0);
    for (let i = 0; i < n; i++) {
      path[path.length - 1] = i;
      if (i >= x.length || i >= y.length) out.push([...path]);
      else diffInto(block.block, x[i] as ObjectValue, y[i] as ObjectValue, path, out);
    }
    path.length -= 2;
  }
}

// ---------------------------------------------------------------- planning

export type PlanAction = "create" | "update" | "replace" | "delete" | "noop";

export interface PlannedChange {
  action: PlanAction;
  /** The planned new state (UNKNOWN where apply decides), or null for delete. */
  planned: ObjectValue | null;
  /** Paths whose change forces replacement (empty unless action = replace). */
  requiresReplace: AttributePath[];
  /** Paths that differ between prior and planned (empty for create/delete/noop). */
  changed: AttributePath[];
}

/** Planned new state for a create (and a replace): computed values the config leaves null are UNKNOWN. */
export function planCreateValue(schema: BlockSchema, config: ObjectValue): ObjectValue {
  const result: ObjectValue = {};
  for (let attr = shapeOf(schema).attributes; attr; attr = attr.next) {
    const name = attr.name;
    const v = config[name] ?? null;
    result[name] = v === null && attr.computed ? UNKNOWN : v;
  }
  for (let block = shapeOf(schema).blocks; block; block = block.next) {
    const name = block.name;
    const items = config[name];
    result[name] = Array.isArray(items) ? items.map((item) => planCreateValue(block.block, item as ObjectValue)) : (items ?? []);
  }
  return result;
}

/** Planned new state for an in-place update: keep what the provider computed before. */
export function planUpdateValue(schema: BlockSchema, prior: ObjectValue, config: ObjectValue): ObjectValue {
  return planUpdateInto(schema, prior, config, [], undefined);
}

/**
 * planUpdateValue that also records, in `changed` when given, the paths where the planned value
 * differs from `prior`: exactly diffPaths(schema, prior, planned), in the same order, found while
 * building the value (an attribute kept from prior needs no comparison). A no-op plan of 10k
 * resources spent more in diffPaths than in building the values. `path` is a path stack, as in
 * normalizeBlock.
 */
function planUpdateInto(
  schema: BlockSchema,
  prior: ObjectValue,
  config: ObjectValue,
  path: AttributePath,
  changed: AttributePath[] | undefined,
): ObjectValue {
  const result: ObjectValue = {};
  const shape = shapeOf(schema);
  for (let attr = shape.attributes; attr; attr = attr.next) {
    const name = attr.name;
    const v = config[name] ?? null;
    if (keepsPrior(attr, v)) {
      const kept = name in prior ? prior[name] : UNKNOWN;
      result[name] = kept;
      // Equal to itself unless unknown (which equals nothing).
      if (changed && isUnknown(kept)) changed.push([...path, name]);
    } else {
      result[name] = v;
      if (changed && !valuesEqual(prior[name] ?? null, v)) changed.push([...path, name]);
    }
  }
  for (let block = shape.blocks; block; block = block.next) {
    const name = block.name;
    const items = config[name];
    const before = prior[name];
    const both = Array.isArray(before) && Array.isArray(items);
    let planned: Value = items ?? [];
    if (Array.isArray(items)) {
      const elements: ObjectValue[] = new Array(items.length);
      path.push(name, 0);
      for (let i = 0; i < items.length; i++) {
        path[path.length - 1] = i;
        elements[i] =
          both && i < before.length
            ? // Elements on both sides: their differences are found in the recursion, as diffPaths does.
              planUpdateInto(block.block, before[i] as ObjectValue, items[i] as ObjectValue, path, changed)
            : planCreateValue(block.block, items[i] as ObjectValue);
      }
      path.length -= 2;
      planned = elements;
    }
    result[name] = planned;
    if (!changed) continue;
    if (!Array.isArray(before) || !Array.isArray(planned)) {
      if (!valuesEqual(before ?? [], planned)) changed.push([...path, name]);
      continue;
    }
    // Elements present on one side only (the common ones were compared above, or there are none).
    const common = both ? Math.min(before.length, planned.length) : 0;
    for (let i = common; i < Math.max(before.length, planned.length); i++) changed.push([...path, name, i]);
  }
  return result;
}

const keepsPrior = (attr: AttributeField, configValue: Value): boolean => attr.computed && (!attr.optional || configValue === null);

/** Paths whose difference between prior and planned forces a new object. */
export function replacePaths(
  schema: BlockSchema,
  prior: ObjectValue,
  planned: ObjectValue,
  path: AttributePath = [],
): AttributePath[] {
  const out: AttributePath[] = [];
  for (let attr = shapeOf(schema).attributes; attr; attr = attr.next) {
    const name = attr.name;
    if (attr.forceNew && !valuesEqual(prior[name] ?? null, planned[name] ?? null)) out.push([...path, name]);
  }
  for (let block = shapeOf(schema).blocks; block; block = block.next) {
    const name = block.name;
    const x = prior[name];
    const y = planned[name];
    if (block.forceNew) {
      if (!valuesEqual(x ?? [], y ?? [])) out.push([...path, name]);
      continue;
    }
    if (!Array.isArray(x) || !Array.isArray(y)) continue;
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++) out.push(...replacePaths(block.block, x[i] as ObjectValue, y[i] as ObjectValue, [...path, name, i]));
  }
  return out;
}

/**
 * What to do with one object. `config` is the validated config (validateConfig().config) or null
 * when the object is no longer declared; `prior` the refreshed state or null when none exists.
 */
export function planResourceChange(
  def: ResourceDefinition,
  prior: ObjectValue | null,
  config: ObjectValue | null,
): PlannedChange {
  if (config === null) {
    return prior === null
      ? { action: "noop", planned: null, requiresReplace: [], changed: [] }
      : { action: "delete", planned: null, requiresReplace: [], changed: [] };
  }
  const withDefaults = applyDefaults(def.schema, config);
  if (prior === null) {
    return { action: "create", planned: planCreateValue(def.schema, withDefaults), requiresReplace: [], changed: [] };
  }
  const changed: AttributePath[] = [];
  const proposed = planUpdateInto(def.schema, prior, withDefaults, [], changed);
  if (changed.length === 0) return { action: "noop", planned: prior, requiresReplace: [], changed: [] };
  // A type without update() can only change by replacement.
  const requiresReplace = def.update ? replacePaths(def.schema, prior, proposed) : changed;
  if (requiresReplace.length > 0) {
    return { action: "replace", planned: planCreateValue(def.schema, withDefaults), requiresReplace, changed };
  }
  return { action: "update", planned: proposed, requiresReplace: [], changed };
}

// ---------------------------------------------------------------- helpers for consumers

/** Paths of sensitive attributes (for redaction in plan output and logs). Block elements use "*". */
export function sensitivePaths(schema: BlockSchema, path: (string | "*")[] = []): (string | "*")[][] {
  const out: (string | "*")[][] = [];
  for (const [name, attr] of Object.entries(schema.attributes)) if (attr.sensitive) out.push([...path, name]);
  for (const [name, block] of Object.entries(schema.blocks ?? {})) out.push(...sensitivePaths(block.block, [...path, name, "*"]));
  return out;
}

/** True when a value (at any depth) still holds UNKNOWN. */
export function containsUnknown(v: Value | undefined): boolean {
  if (isUnknown(v)) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v !== null && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}

/** A state value with every attribute and block of the schema present (missing ones null / []). */
export function completeState(schema: BlockSchema, value: ObjectValue): ObjectValue {
  const result: ObjectValue = {};
  for (let attr = shapeOf(schema).attributes; attr; attr = attr.next) result[attr.name] = value[attr.name] ?? null;
  for (let block = shapeOf(schema).blocks; block; block = block.next) {
    const name = block.name;
    const items = value[name];
    result[name] = Array.isArray(items) ? items.map((i) => completeState(block.block, i as ObjectValue)) : [];
  }
  return result;
}

/** True when every attribute and block of the schema is present (what completeState would add). */
function isComplete(schema: BlockSchema, v: ObjectValue): boolean {
  for (let attr = shapeOf(schema).attributes; attr; attr = attr.next) if (v[attr.name] === undefined) return false;
  for (let block = shapeOf(schema).blocks; block; block = block.next) {
    const items = v[block.name];
    if (!Array.isArray(items)) return false;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item === null || typeof item !== "object" || !isComplete(block.block, item as ObjectValue)) return false;
    }
  }
  return true;
}

/** completeState without a copy when nothing is missing (a refresh of 10k objects allocates less). */
export function completed(schema: BlockSchema, v: ObjectValue): ObjectValue {
  return isComplete(schema, v) ? v : completeState(schema, v);
}

// ---------------------------------------------------------------- state values from either writer

/**
 * A value read from a state file, in our conventions: int64 as a canonical decimal string, number as
 * a JS number. Terraform writes an int64 (a cty number) as a JSON number, `"uid": 5000`, and we write
 * `"uid": "5000"`; both mean one value, and reading them apart would show a change nobody made.
 * Returns `value` itself when nothing needs converting (the common case costs no allocation).
 */
export function canonicalStateValue(schema: BlockSchema, value: ObjectValue): ObjectValue {
  let out: ObjectValue | undefined;
  const shape = shapeOf(schema);
  for (let attr = shape.attributes; attr; attr = attr.next) {
    const v = value[attr.name];
    if (v === null || v === undefined) continue;
    const c = canonicalTyped(attr.type, v);
    if (c !== v) (out ??= { ...value })[attr.name] = c;
  }
  for (let block = shape.blocks; block; block = block.next) {
    const items = value[block.name];
    if (!Array.isArray(items)) continue;
    const next = canonicalList(items, (i) => (isPlainObject(i) ? canonicalStateValue(block.block, i as ObjectValue) : i));
    if (next !== items) (out ??= { ...value })[block.name] = next;
  }
  return out ?? value;
}

function canonicalTyped(t: ValueType, v: Value): Value {
  if (v === null || isUnknown(v)) return v;
  switch (t.kind) {
    case "int64":
      if (typeof v === "number" && Number.isSafeInteger(v)) return String(v);
      if (typeof v === "string" && INTEGER_TEXT.test(v)) {
        const s = BigInt(v).toString();
        return s === v ? v : s;
      }
      return v;
    case "number":
      return typeof v === "string" && NUMBER_TEXT.test(v.trim()) ? Number(v.trim()) : v;
    case "list":
    case "set":
      return Array.isArray(v) ? canonicalList(v, (e) => canonicalTyped(t.element, e)) : v;
    case "map": {
      if (!isPlainObject(v)) return v;
      let out: ObjectValue | undefined;
      for (const k in v) {
        const e = (v as ObjectValue)[k];
        const c = canonicalTyped(t.element, e);
        if (c !== e) (out ??= { ...(v as ObjectValue) })[k] = c;
      }
      return out ?? v;
    }
    default:
      return v;
  }
}

/** items mapped by f; the same array when f changed no element. */
function canonicalList(items: Value[], f: (e: Value) => Value): Value[] {
  let out: Value[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const c = f(items[i]);
    if (c !== items[i]) (out ??= items.slice())[i] = c;
  }
  return out ?? items;
}
