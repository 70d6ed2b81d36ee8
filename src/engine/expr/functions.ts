// The built-in functions cdktf's Fn can emit that make sense offline. Each follows Terraform's
// documented behaviour; an unknown argument makes the result unknown (a deep unknown too, for
// functions that look inside their arguments).
import { UNKNOWN, isUnknown, type Value } from "../../resources/define.js";
import { EvalError, toNumber, toTemplateString } from "./eval.js";
import { containsUnknown, deepEqual, typeName } from "./values.js";

type Fn = (args: Value[]) => Value;

interface FnSpec {
  min: number;
  max?: number;
  /** Look inside arguments for unknowns (the result depends on every element). */
  deep?: boolean;
  fn: Fn;
}

const str = (v: Value, fn: string, i = 0): string => {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw new EvalError(`${fn}(): argument ${i + 1} must be a string, got ${typeName(v)}`);
};

const list = (v: Value, fn: string, i = 0): Value[] => {
  if (Array.isArray(v)) return v;
  throw new EvalError(`${fn}(): argument ${i + 1} must be a list, got ${typeName(v)}`);
};

const obj = (v: Value, fn: string, i = 0): { [k: string]: Value } => {
  if (v !== null && typeof v === "object" && !Array.isArray(v) && !isUnknown(v)) return v;
  throw new EvalError(`${fn}(): argument ${i + 1} must be a map or object, got ${typeName(v)}`);
};

function toJson(v: Value): unknown {
  return v;
}

function fromJson(v: unknown): Value {
  return v as Value;
}

function format(spec: string, args: Value[]): string {
  let ai = 0;
  return spec.replace(/%(-?)(0?)(\d*)(?:\.(\d+))?([%sdvqftb])/g, (_m, left: string, zero: string, width: string, prec: string | undefined, verb: string) => {
    if (verb === "%") return "%";
    if (ai >= args.length) throw new EvalError(`format(): not enough arguments for ${JSON.stringify(spec)}`);
    const a = args[ai++];
    let out: string;
    switch (verb) {
      case "s":
        out = toTemplateString(a);
        break;
      case "d": {
        const n = toNumber(a, "format() %d argument");
        if (!Number.isInteger(n)) throw new EvalError(`format(): %d needs a whole number, got ${n}`);
        out = String(n);
        break;
      }
      case "f":
        out = toNumber(a, "format() %f argument").toFixed(prec === undefined ? 6 : Number(prec));
        break;
      case "t":
        if (typeof a !== "boolean") throw new EvalError(`format(): %t needs a bool, got ${typeName(a)}`);
        out = String(a);
        break;
      case "q":
        out = JSON.stringify(toTemplateString(a));
        break;
      case "b":
        out = Math.trunc(toNumber(a, "format() %b argument")).toString(2);
        break;
      default:
        out = typeof a === "string" ? a : JSON.stringify(toJson(a));
    }
    const w = Number(width || 0);
    if (left) out = out.padEnd(w);
    else out = out.padStart(w, zero && verb !== "s" && verb !== "q" ? "0" : " ");
    return out;
  });
}

function toSet(items: Value[]): Value[] {
  const out: Value[] = [];
  for (const v of items) if (!out.some((o) => deepEqual(o, v))) out.push(v);
  return out;
}

function regexFrom(pattern: string): RegExp | undefined {
  const m = /^\/(.*)\/$/s.exec(pattern);
  return m ? new RegExp(m[1], "g") : undefined;
}

const SPECS: Record<string, FnSpec> = {
  join: { min: 2, max: 2, deep: true, fn: ([sep, l]) => list(l, "join", 1).map((v) => str(v, "join", 1)).join(str(sep, "join")) },
  split: { min: 2, max: 2, fn: ([sep, s]) => (str(s, "split", 1) === "" ? [] : str(s, "split", 1).split(str(sep, "split"))) },
  format: { min: 1, deep: true, fn: ([spec, ...rest]) => format(str(spec, "format"), rest) },
  formatlist: {
    min: 1,
    deep: true,
    fn: ([spec, ...rest]) => {
      const n = Math.max(0, ...rest.filter(Array.isArray).map((l) => (l as Value[]).length));
      const out: Value[] = [];
      for (let i = 0; i < n; i++) out.push(format(str(spec, "formatlist"), rest.map((r) => (Array.isArray(r) ? r[i] : r))));
      return out;
    },
  },
  lower: { min: 1, max: 1, fn: ([s]) => str(s, "lower").toLowerCase() },
  upper: { min: 1, max: 1, fn: ([s]) => str(s, "upper").toUpperCase() },
  title: { min: 1, max: 1, fn: ([s]) => str(s, "title").replace(/\b\w/g, (c) => c.toUpperCase()) },
  replace: {
    min: 3,
    max: 3,
    fn: ([s, from, to]) => {
      const f = str(from, "replace", 1);
      const re = regexFrom(f);
      return re ? str(s, "replace").replace(re, str(to, "replace", 2)) : str(s, "replace").split(f).join(str(to, "replace", 2));
    },
  },
  trimspace: { min: 1, max: 1, fn: ([s]) => str(s, "trimspace").trim() },
  trim: {
    min: 2,
    max: 2,
    fn: ([s, chars]) => {
      const set = new Set(str(chars, "trim", 1));
      const a = [...str(s, "trim")];
      let i = 0;
      let j = a.length;
      while (i < j && set.has(a[i])) i++;
      while (j > i && set.has(a[j - 1])) j--;
      return a.slice(i, j).join("");
    },
  },
  trimprefix: { min: 2, max: 2, fn: ([s, p]) => (str(s, "trimprefix").startsWith(str(p, "trimprefix", 1)) ? str(s, "trimprefix").slice(str(p, "trimprefix", 1).length) : str(s, "trimprefix")) },
  trimsuffix: { min: 2, max: 2, fn: ([s, p]) => (str(s, "trimsuffix").endsWith(str(p, "trimsuffix", 1)) && str(p, "trimsuffix", 1) !== "" ? str(s, "trimsuffix").slice(0, -str(p, "trimsuffix", 1).length) : str(s, "trimsuffix")) },
  startswith: { min: 2, max: 2, fn: ([s, p]) => str(s, "startswith").startsWith(str(p, "startswith", 1)) },
  endswith: { min: 2, max: 2, fn: ([s, p]) => str(s, "endswith").endsWith(str(p, "endswith", 1)) },
  substr: {
    min: 3,
    max: 3,
    fn: ([s, off, len]) => {
      const a = [...str(s, "substr")];
      let o = toNumber(off, "substr() offset");
      if (o < 0) o = Math.max(0, a.length + o);
      const l = toNumber(len, "substr() length");
      return a.slice(o, l < 0 ? undefined : o + l).join("");
    },
  },
  strrev: { min: 1, max: 1, fn: ([s]) => [...str(s, "strrev")].reverse().join("") },
  length: {
    min: 1,
    max: 1,
    fn: ([v]) => {
      if (typeof v === "string") return [...v].length;
      if (Array.isArray(v)) return v.length;
      if (v !== null && typeof v === "object") return Object.keys(v).length;
      throw new EvalError(`length(): argument must be a string, list or map, got ${typeName(v)}`);
    },
  },
  concat: { min: 1, fn: (args) => args.flatMap((a, i) => list(a, "concat", i)) },
  merge: {
    min: 0,
    fn: (args) => {
      const out: { [k: string]: Value } = {};
      args.forEach((a, i) => {
        if (a === null) return;
        Object.assign(out, obj(a, "merge", i));
      });
      return out;
    },
  },
  lookup: {
    min: 2,
    max: 3,
    fn: ([m, k, d]) => {
      const o = obj(m, "lookup");
      const key = str(k, "lookup", 1);
      if (key in o) return o[key];
      if (d !== undefined) return d;
      throw new EvalError(`lookup(): the map has no key "${key}" and no default was given`);
    },
  },
  element: {
    min: 2,
    max: 2,
    fn: ([l, i]) => {
      const a = list(l, "element");
      if (a.length === 0) throw new EvalError("element(): cannot use element() with an empty list");
      const n = toNumber(i, "element() index");
      if (!Number.isInteger(n) || n < 0) throw new EvalError(`element(): the index must be a non-negative whole number, got ${n}`);
      return a[n % a.length];
    },
  },
  index: {
    min: 2,
    max: 2,
    deep: true,
    fn: ([l, v]) => {
      const i = list(l, "index").findIndex((x) => deepEqual(x, v));
      if (i < 0) throw new EvalError("index(): the item was not found in the list");
      return i;
    },
  },
  keys: { min: 1, max: 1, fn: ([m]) => Object.keys(obj(m, "keys")).sort() },
  values: {
    min: 1,
    max: 1,
    fn: ([m]) => {
      const o = obj(m, "values");
      return Object.keys(o)
        .sort()
        .map((k) => o[k]);
    },
  },
  contains: { min: 2, max: 2, deep: true, fn: ([l, v]) => list(l, "contains").some((x) => deepEqual(x, v)) },
  coalesce: {
    min: 1,
    fn: (args) => {
      for (const a of args) {
        if (isUnknown(a)) return UNKNOWN;
        if (a !== null && a !== "") return a;
      }
      throw new EvalError("coalesce(): no non-null, non-empty argument");
    },
  },
  coalescelist: {
    min: 1,
    fn: (args) => {
      for (const a of args) if (Array.isArray(a) && a.length > 0) return a;
      throw new EvalError("coalescelist(): no non-empty list argument");
    },
  },
  compact: { min: 1, max: 1, deep: true, fn: ([l]) => list(l, "compact").filter((v) => v !== null && v !== "") },
  distinct: { min: 1, max: 1, deep: true, fn: ([l]) => toSet(list(l, "distinct")) },
  flatten: {
    min: 1,
    max: 1,
    fn: ([l]) => {
      const out: Value[] = [];
      const walk = (a: Value[]) => {
        for (const v of a) if (Array.isArray(v)) walk(v);
          else out.push(v);
      };
      walk(list(l, "flatten"));
      return out;
    },
  },
  reverse: { min: 1, max: 1, fn: ([l]) => [...list(l, "reverse")].reverse() },
  sort: { min: 1, max: 1, deep: true, fn: ([l]) => list(l, "sort").map((v) => str(v, "sort")).sort() },
  slice: {
    min: 3,
    max: 3,
    fn: ([l, a, b]) => {
      const arr = list(l, "slice");
      const s = toNumber(a, "slice() start");
      const e = toNumber(b, "slice() end");
      if (s < 0 || e > arr.length || s > e) throw new EvalError(`slice(): indexes ${s}..${e} are out of range for a list of ${arr.length}`);
      return arr.slice(s, e);
    },
  },
  range: {
    min: 1,
    max: 3,
    fn: (args) => {
      const n = args.map((a) => toNumber(a, "range() argument"));
      const [start, end, step] = n.length === 1 ? [0, n[0], 1] : [n[0], n[1], n[2] ?? (n[0] <= n[1] ? 1 : -1)];
      if (step === 0) throw new EvalError("range(): step must not be zero");
      const out: Value[] = [];
      for (let i = start; step > 0 ? i < end : i > end; i += step) {
        out.push(i);
        if (out.length > 1024) throw new EvalError("range(): more than 1024 elements");
      }
      return out;
    },
  },
  zipmap: {
    min: 2,
    max: 2,
    fn: ([k, v]) => {
      const ks = list(k, "zipmap");
      const vs = list(v, "zipmap", 1);
      if (ks.length !== vs.length) throw new EvalError(`zipmap(): ${ks.length} keys but ${vs.length} values`);
      const out: { [k: string]: Value } = {};
      ks.forEach((key, i) => (out[str(key, "zipmap")] = vs[i]));
      return out;
    },
  },
  tostring: {
    min: 1,
    max: 1,
    fn: ([v]) => {
      if (v === null) return null;
      if (typeof v === "object") throw new EvalError(`tostring(): cannot convert a ${typeName(v)} to a string`);
      return String(v);
    },
  },
  tonumber: { min: 1, max: 1, fn: ([v]) => (v === null ? null : toNumber(v, "tonumber() argument")) },
  tobool: {
    min: 1,
    max: 1,
    fn: ([v]) => {
      if (v === null || typeof v === "boolean") return v;
      if (v === "true" || v === "false") return v === "true";
      throw new EvalError(`tobool(): cannot convert ${JSON.stringify(v)} to a bool`);
    },
  },
  tolist: { min: 1, max: 1, fn: ([v]) => (v === null ? null : [...list(v, "tolist")]) },
  toset: { min: 1, max: 1, deep: true, fn: ([v]) => (v === null ? null : toSet(list(v, "toset"))) },
  tomap: { min: 1, max: 1, fn: ([v]) => (v === null ? null : { ...obj(v, "tomap") }) },
  jsonencode: { min: 1, max: 1, deep: true, fn: ([v]) => JSON.stringify(toJson(v)) },
  jsondecode: {
    min: 1,
    max: 1,
    fn: ([s]) => {
      try {
        return fromJson(JSON.parse(str(s, "jsondecode")));
      } catch (e) {
        if (e instanceof EvalError) throw e;
        throw new EvalError(`jsondecode(): the argument is not valid JSON (${(e as Error).message})`);
      }
    },
  },
  base64encode: { min: 1, max: 1, fn: ([s]) => Buffer.from(str(s, "base64encode"), "utf8").toString("base64") },
  base64decode: {
    min: 1,
    max: 1,
    fn: ([s]) => {
      const v = str(s, "base64decode");
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0) throw new EvalError("base64decode(): the argument is not valid base64");
      return Buffer.from(v, "base64").toString("utf8");
    },
  },
  abs: { min: 1, max: 1, fn: ([n]) => Math.abs(toNumber(n, "abs() argument")) },
  ceil: { min: 1, max: 1, fn: ([n]) => Math.ceil(toNumber(n, "ceil() argument")) },
  floor: { min: 1, max: 1, fn: ([n]) => Math.floor(toNumber(n, "floor() argument")) },
  max: { min: 1, fn: (args) => Math.max(...args.map((a) => toNumber(a, "max() argument"))) },
  min: { min: 1, fn: (args) => Math.min(...args.map((a) => toNumber(a, "min() argument"))) },
  parseint: { min: 2, max: 2, fn: ([s, b]) => parseInt(str(s, "parseint"), toNumber(b, "parseint() base")) },
};

export const FUNCTIONS: ReadonlySet<string> = new Set([...Object.keys(SPECS), "try", "can"]);

export function callFunction(name: string, args: Value[]): Value {
  const spec = SPECS[name];
  if (!spec) throw new EvalError(`there is no function named "${name}"`);
  if (args.length < spec.min || (spec.max !== undefined && args.length > spec.max)) {
    const want = spec.max === undefined ? `at least ${spec.min}` : spec.min === spec.max ? `${spec.min}` : `${spec.min} to ${spec.max}`;
    throw new EvalError(`${name}() takes ${want} argument${want === "1" ? "" : "s"}, got ${args.length}`);
  }
  if (name !== "coalesce") {
    for (const a of args) if (spec.deep ? containsUnknown(a) : isUnknown(a)) return UNKNOWN;
  }
  return spec.fn(args);
}
