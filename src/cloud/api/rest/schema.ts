// Strict, declarative decoding of REST request bodies and query strings into the model's request
// types. One small schema per request states each field's type; the object decoder rejects unknown
// fields and wrong types with the field's path (as the client spelled it), so a typo never silently
// becomes "field not set". Rules about values (lengths, patterns, ranges, references) stay in the
// model: this layer only checks what the JSON must look like (proto3 JSON mapping).
import { CloudError, errors } from "../../../contract/errors.js";

export interface Decoder<T> {
  /** What the value must be, for messages ("a string", "an int64"). */
  readonly expected: string;
  /** Query strings carry only text: booleans need converting before decode. */
  readonly kind: "string" | "bool" | "int64" | "enum" | "timestamp" | "fieldMask" | "object" | "array" | "map";
  decode(value: unknown, path: string): T;
}

const wrongType = (path: string, expected: string, value: unknown): CloudError =>
  errors.invalidArgument(path, `must be ${expected}, got ${describe(value)}`);

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "string") return "a string";
  if (typeof value === "boolean") return `${value}`;
  return `an ${typeof value}`;
}

export const string: Decoder<string> = {
  expected: "a string",
  kind: "string",
  decode(v, path) {
    if (typeof v !== "string") throw wrongType(path, this.expected, v);
    return v;
  },
};

export const bool: Decoder<boolean> = {
  expected: "a boolean (true or false)",
  kind: "bool",
  decode(v, path) {
    if (typeof v !== "boolean") throw wrongType(path, this.expected, v);
    return v;
  },
};

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * int64 as the proto3 JSON mapping writes it: a decimal string. A JSON number is accepted only when
 * it is a safe integer, because JSON.parse has already rounded anything past 2^53 (a uid of
 * 9007199254740993 would silently become ...992).
 */
export const int64: Decoder<bigint> = {
  expected: "an int64 as a decimal string",
  kind: "int64",
  decode(v, path) {
    if (typeof v === "number") {
      if (!Number.isSafeInteger(v)) {
        throw errors.invalidArgument(
          path,
          `must be an int64 as a decimal string; the number ${v} is not an integer a JSON number can carry exactly (send it as a string)`,
        );
      }
      return BigInt(v);
    }
    if (typeof v !== "string") throw wrongType(path, this.expected, v);
    if (!/^-?\d{1,20}$/.test(v)) throw errors.invalidArgument(path, `must be an int64 as a decimal string, got ${JSON.stringify(clip(v))}`);
    const n = BigInt(v);
    if (n < INT64_MIN || n > INT64_MAX) throw errors.invalidArgument(path, "must fit in a signed 64-bit integer");
    return n;
  },
};

// RFC3339 with optional fraction (up to 9 digits) and a zone: what proto3 JSON writes for Timestamp.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

export const timestamp: Decoder<string> = {
  expected: "an RFC3339 timestamp string",
  kind: "timestamp",
  decode(v, path) {
    if (typeof v !== "string") throw wrongType(path, this.expected, v);
    if (!RFC3339.test(v) || Number.isNaN(Date.parse(v))) {
      throw errors.invalidArgument(path, `must be an RFC3339 timestamp such as 2030-01-31T12:00:00Z, got ${JSON.stringify(clip(v))}`);
    }
    return v;
  },
};

/** An enum by its proto value name (the model's convention). */
export function enumOf<const E extends string>(values: readonly E[]): Decoder<E> {
  const expected = `one of ${values.join(", ")}`;
  return {
    expected,
    kind: "enum",
    decode(v, path) {
      if (typeof v !== "string") throw wrongType(path, expected, v);
      if (!(values as readonly string[]).includes(v)) throw errors.invalidArgument(path, `must be ${expected}, got ${JSON.stringify(clip(v))}`);
      return v as E;
    },
  };
}

/**
 * google.protobuf.FieldMask in proto3 JSON is one comma-separated string of lowerCamelCase paths
 * ("userSshKeySettings,sshCertificateSettings.enabled"). The model takes snake_case paths.
 */
export const fieldMask: Decoder<string[]> = {
  expected: "a comma-separated field mask string",
  kind: "fieldMask",
  decode(v, path) {
    if (typeof v !== "string") throw wrongType(path, this.expected, v);
    if (v.trim() === "") return [];
    return v.split(",").map((p) => {
      const trimmed = p.trim();
      if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(trimmed)) {
        throw errors.invalidArgument(path, `has an invalid path ${JSON.stringify(clip(trimmed))}`);
      }
      return trimmed.split(".").map(snakeCase).join(".");
    });
  },
};

export function arrayOf<T>(item: Decoder<T>): Decoder<T[]> {
  return {
    expected: `an array of ${item.expected.replace(/^an? /, "")}s`,
    kind: "array",
    decode(v, path) {
      if (!Array.isArray(v)) throw wrongType(path, this.expected, v);
      return v.map((x, i) => item.decode(x, `${path}[${i}]`));
    },
  };
}

/** map<string, V>: a JSON object whose keys are free-form (label keys are checked by the model). */
export function mapOf<T>(value: Decoder<T>): Decoder<Record<string, T>> {
  return {
    expected: "an object (map)",
    kind: "map",
    decode(v, path) {
      if (!isPlainObject(v)) throw wrongType(path, this.expected, v);
      const out: Record<string, T> = {};
      for (const [k, x] of Object.entries(v)) out[k] = value.decode(x, `${path}.${k}`);
      return out;
    },
  };
}

/** A field of an object schema: its decoder, and whether the request must carry it. */
export interface FieldSpec<T> {
  decoder: Decoder<T>;
  required: boolean;
}

export const required = <T>(decoder: Decoder<T>): FieldSpec<T> => ({ decoder, required: true });

type Spec<T> = Decoder<T> | FieldSpec<T>;

/** Every key of T must be declared (so the schema cannot drift from the model's request type). */
export type Fields<T> = { [K in keyof T]-?: Spec<NonNullable<T[K]>> };

export interface ObjectDecoder<T> extends Decoder<T> {
  readonly kind: "object";
  /** camelCase name → decoder, for query-string coercion. */
  readonly fields: ReadonlyMap<string, FieldSpec<unknown>>;
}

/**
 * A message. Accepts each field by its lowerCamelCase JSON name or its proto snake_case name (as
 * proto3 JSON parsers do), treats null as absent (proto3 JSON), and rejects anything else.
 */
export function object<T>(fields: Fields<T>): ObjectDecoder<T> {
  const specs = new Map<string, FieldSpec<unknown>>();
  const byWireName = new Map<string, string>();
  for (const [name, spec] of Object.entries(fields) as [string, Spec<unknown>][]) {
    specs.set(name, "decode" in spec ? { decoder: spec, required: false } : spec);
    byWireName.set(name, name);
    byWireName.set(snakeCase(name), name);
  }
  return {
    expected: "a JSON object",
    kind: "object",
    fields: specs,
    decode(v, path) {
      if (!isPlainObject(v)) throw wrongType(path || "body", this.expected, v);
      const out: Record<string, unknown> = {};
      const seen = new Map<string, string>();
      for (const [wire, x] of Object.entries(v)) {
        const name = byWireName.get(wire);
        const at = path ? `${path}.${wire}` : wire;
        if (name === undefined) throw errors.invalidArgument(at, "is not a known field of this request");
        const prev = seen.get(name);
        if (prev !== undefined) throw errors.invalidArgument(at, `is the same field as ${prev}; give it once`);
        seen.set(name, wire);
        if (x === null) continue;
        out[name] = specs.get(name)!.decoder.decode(x, at);
      }
      for (const [name, spec] of specs) {
        if (spec.required && !(name in out)) throw errors.required(path ? `${path}.${name}` : name);
      }
      return out as T;
    },
  };
}

/** A request with no fields besides those in the path (e.g. `:setDefault`): only {} or nothing. */
export const empty: ObjectDecoder<Record<string, never>> = object<Record<string, never>>({});

/**
 * Query parameters → the JSON value the schema decodes: each parameter names a top-level field;
 * booleans arrive as "true"/"false"; repeated fields by repeating the parameter.
 */
export function queryToJson(schema: ObjectDecoder<unknown>, params: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    const spec = schema.fields.get(key) ?? schema.fields.get(camelCase(key));
    if (spec?.decoder.kind === "array") {
      out[key] = all;
      continue;
    }
    if (all.length > 1) throw errors.invalidArgument(key, "is given more than once");
    const raw = all[0];
    if (spec?.decoder.kind === "bool") out[key] = raw === "true" ? true : raw === "false" ? false : raw;
    else out[key] = raw;
  }
  return out;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export const snakeCase = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
export const camelCase = (s: string): string => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** Bad values are echoed in messages only briefly (they may be long, never secrets: those are not decoded here). */
const clip = (s: string): string => (s.length > 64 ? `${s.slice(0, 61)}...` : s);
