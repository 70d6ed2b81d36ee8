// Evaluates expression ASTs against a scope. Unknown values (UNKNOWN, "known after apply") flow
// through every operation: an operation on an unknown operand is unknown, so a plan can show which
// attributes depend on something not yet created.
import { UNKNOWN, isUnknown, type Value } from "../../resources/define.js";
import type { Expr } from "./ast.js";
import { callFunction, FUNCTIONS } from "./functions.js";
import { deepEqual, typeName } from "./values.js";

export class EvalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EvalError";
  }
}

/** Resolves references: names is the traversal prefix that identifies the object (see refLength). */
export interface EvalScope {
  ref(names: string[]): Value;
}

/** How many leading names identify a referenced object: data.T.N (3), var.X (2), T.N (2), self (1). */
export function refLength(root: string): number {
  if (root === "data") return 3;
  if (root === "self") return 1;
  return 2;
}

export function evaluate(e: Expr, scope: EvalScope): Value {
  return new Evaluator(scope).eval(e);
}

class Evaluator {
  private locals: Map<string, Value>[] = [];
  private splat: Value[] = [];

  constructor(private readonly scope: EvalScope) {}

  private local(name: string): Value | undefined {
    for (let i = this.locals.length - 1; i >= 0; i--) {
      const m = this.locals[i];
      if (m.has(name)) return m.get(name);
    }
    return undefined;
  }

  eval(e: Expr): Value {
    switch (e.k) {
      case "lit":
        return e.v;
      case "tpl": {
        let out = "";
        let unknown = false;
        for (const p of e.parts) {
          if (typeof p === "string") {
            out += p;
            continue;
          }
          const v = this.eval(p);
          if (isUnknown(v)) unknown = true;
          else out += toTemplateString(v);
        }
        return unknown ? UNKNOWN : out;
      }
      case "var": {
        const l = this.local(e.name);
        if (l !== undefined) return l;
        if (refLength(e.name) === 1) return this.scope.ref([e.name]);
        throw new EvalError(`a reference to "${e.name}" must be followed by an attribute name`);
      }
      case "attr": {
        const names: string[] = [];
        let cur: Expr = e;
        while (cur.k === "attr") {
          names.unshift(cur.name);
          cur = cur.obj;
        }
        if (cur.k === "var" && this.local(cur.name) === undefined) {
          const all = [cur.name, ...names];
          const need = refLength(cur.name);
          if (all.length < need) throw new EvalError(`the reference ${all.join(".")} is incomplete: name the object, e.g. data.TYPE.NAME`);
          let v = this.scope.ref(all.slice(0, need));
          for (const n of all.slice(need)) v = getAttr(v, n);
          return v;
        }
        return getAttr(this.eval(e.obj), e.name);
      }
      case "index":
        return getIndex(this.eval(e.obj), this.eval(e.key));
      case "splat": {
        const obj = this.eval(e.obj);
        if (isUnknown(obj)) return UNKNOWN;
        if (obj === null) return [];
        // A splat on a single object wraps it in a list (HCL rule).
        const items = Array.isArray(obj) ? obj : [obj];
        return items.map((item) => {
          this.splat.push(item);
          try {
            return this.eval(e.each);
          } finally {
            this.splat.pop();
          }
        });
      }
      case "splatItem":
        return this.splat[this.splat.length - 1];
      case "call":
        return this.call(e);
      case "tuple":
        return e.items.map((i) => this.eval(i));
      case "object": {
        const out: { [k: string]: Value } = {};
        for (const [ke, ve] of e.items) {
          const k = this.eval(ke);
          if (isUnknown(k)) return UNKNOWN;
          if (typeof k !== "string" && typeof k !== "number" && typeof k !== "boolean") throw new EvalError(`an object key must be a string, got ${typeName(k)}`);
          out[String(k)] = this.eval(ve);
        }
        return out;
      }
      case "unary": {
        const x = this.eval(e.x);
        if (isUnknown(x)) return UNKNOWN;
        if (e.op === "!") return !toBool(x, "the operand of !");
        return -toNumber(x, "the operand of unary -");
      }
      case "binary":
        return this.binary(e.op, e.l, e.r);
      case "cond": {
        const c = this.eval(e.c);
        if (isUnknown(c)) return UNKNOWN;
        return toBool(c, "the condition") ? this.eval(e.t) : this.eval(e.f);
      }
      case "for":
        return this.forExpr(e);
    }
  }

  private binary(op: string, le: Expr, re: Expr): Value {
    const l = this.eval(le);
    // Short-circuit like HCL does for known booleans.
    if (op === "&&" && l === false) return false;
    if (op === "||" && l === true) return true;
    const r = this.eval(re);
    if (isUnknown(l) || isUnknown(r)) return UNKNOWN;
    switch (op) {
      case "==":
        return deepEqual(l, r);
      case "!=":
        return !deepEqual(l, r);
      case "&&":
        return toBool(l, "the left operand of &&") && toBool(r, "the right operand of &&");
      case "||":
        return toBool(l, "the left operand of ||") || toBool(r, "the right operand of ||");
    }
    const a = toNumber(l, `the left operand of ${op}`);
    const b = toNumber(r, `the right operand of ${op}`);
    switch (op) {
      case "<":
        return a < b;
      case "<=":
        return a <= b;
      case ">":
        return a > b;
      case ">=":
        return a >= b;
      case "+":
        return a + b;
      case "-":
        return a - b;
      case "*":
        return a * b;
      case "/":
        if (b === 0) throw new EvalError("division by zero");
        return a / b;
      case "%":
        if (b === 0) throw new EvalError("modulo by zero");
        return a % b;
    }
    throw new EvalError(`unknown operator ${op}`);
  }

  private call(e: Extract<Expr, { k: "call" }>): Value {
    // try() and can() evaluate their arguments lazily: an error in one is the point.
    if (e.name === "try") {
      if (e.args.length === 0) throw new EvalError("try() needs at least one argument");
      let last: unknown;
      for (const a of e.args) {
        try {
          return this.eval(a);
        } catch (err) {
          if (!(err instanceof EvalError)) throw err;
          last = err;
        }
      }
      throw new EvalError(`no argument of try() could be evaluated: ${(last as Error).message}`);
    }
    if (e.name === "can") {
      if (e.args.length !== 1) throw new EvalError("can() takes exactly one argument");
      try {
        const v = this.eval(e.args[0]);
        return isUnknown(v) ? UNKNOWN : true;
      } catch (err) {
        if (!(err instanceof EvalError)) throw err;
        return false;
      }
    }
    if (!FUNCTIONS.has(e.name)) throw new EvalError(`there is no function named "${e.name}"`);
    let args = e.args.map((a) => this.eval(a));
    if (e.expandLast) {
      const last = args[args.length - 1];
      if (isUnknown(last)) return UNKNOWN;
      if (!Array.isArray(last)) throw new EvalError(`the argument expanded with ... in ${e.name}() must be a list`);
      args = [...args.slice(0, -1), ...last];
    }
    return callFunction(e.name, args);
  }

  private forExpr(e: Extract<Expr, { k: "for" }>): Value {
    const coll = this.eval(e.coll);
    if (isUnknown(coll)) return UNKNOWN;
    let entries: [Value, Value][];
    if (Array.isArray(coll)) entries = coll.map((v, i) => [i, v]);
    else if (coll !== null && typeof coll === "object") entries = Object.keys(coll).sort().map((k) => [k, coll[k]]);
    else throw new EvalError(`a for expression needs a list, set or map, got ${typeName(coll)}`);
    const outList: Value[] = [];
    const outObj: { [k: string]: Value } = {};
    for (const [k, v] of entries) {
      const frame = new Map<string, Value>([[e.valVar, v]]);
      if (e.keyVar) frame.set(e.keyVar, k);
      this.locals.push(frame);
      try {
        if (e.cond) {
          const c = this.eval(e.cond);
          if (isUnknown(c)) return UNKNOWN;
          if (!toBool(c, "the if clause of a for expression")) continue;
        }
        const val = this.eval(e.valExpr);
        if (e.keyExpr) {
          const key = this.eval(e.keyExpr);
          if (isUnknown(key)) return UNKNOWN;
          const ks = toTemplateString(key);
          if (e.group) {
            const prev = outObj[ks];
            outObj[ks] = [...(Array.isArray(prev) ? prev : []), val];
          } else {
            if (ks in outObj) throw new EvalError(`duplicate key "${ks}" in a for expression; add ... to group values`);
            outObj[ks] = val;
          }
        } else {
          outList.push(val);
        }
      } finally {
        this.locals.pop();
      }
    }
    return e.keyExpr ? outObj : outList;
  }
}

export function getAttr(v: Value, name: string): Value {
  if (isUnknown(v)) return UNKNOWN;
  if (v === null) throw new EvalError(`cannot read attribute "${name}" of a null value`);
  if (typeof v !== "object" || Array.isArray(v)) {
    if (Array.isArray(v)) throw new EvalError(`cannot read attribute "${name}" of a list; use [N] or a splat [*].${name}`);
    throw new EvalError(`cannot read attribute "${name}" of a ${typeName(v)}`);
  }
  if (!(name in v)) throw new EvalError(`this object has no attribute "${name}"`);
  return v[name];
}

export function getIndex(v: Value, key: Value): Value {
  if (isUnknown(v) || isUnknown(key)) return UNKNOWN;
  if (v === null) throw new EvalError("cannot index a null value");
  if (Array.isArray(v)) {
    const i = toNumber(key, "a list index");
    if (!Number.isInteger(i) || i < 0 || i >= v.length) throw new EvalError(`index ${i} is out of range for a list of ${v.length} elements`);
    return v[i];
  }
  if (typeof v === "object") {
    const k = toTemplateString(key);
    if (!(k in v)) throw new EvalError(`this map has no element with key "${k}"`);
    return v[k];
  }
  throw new EvalError(`cannot index a ${typeName(v)}`);
}

export function toBool(v: Value, what: string): boolean {
  if (typeof v === "boolean") return v;
  if (v === "true") return true;
  if (v === "false") return false;
  throw new EvalError(`${what} must be a bool, got ${typeName(v)}`);
}

export function toNumber(v: Value, what: string): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
  throw new EvalError(`${what} must be a number, got ${typeName(v)}${typeof v === "string" ? ` ${JSON.stringify(v)}` : ""}`);
}

/** The string form a value takes inside a template (numbers and bools convert, collections do not). */
export function toTemplateString(v: Value): string {
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v === null) throw new EvalError("a null value cannot be used in a string template");
  throw new EvalError(`a ${typeName(v)} cannot be used in a string template; use jsonencode() or join()`);
}

export { FUNCTIONS };
