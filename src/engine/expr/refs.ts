// Finds what an expression refers to, for the dependency graph: "yandex_x.name", "data.t.n",
// "var.x", "local.y", "count.index", "each.key", "self.attr"... Names bound by for expressions
// are not references.
import type { Expr } from "./ast.js";
import { refLength } from "./eval.js";

export interface Reference {
  /** The object referred to, e.g. "yandex_compute_instance.vm" or "var.zone". */
  subject: string;
  /** The whole traversal as written up to the first non-name step, e.g. "yandex_compute_instance.vm.id". */
  traversal: string;
}

const NOTHING_BOUND: ReadonlySet<string> = new Set();

export function references(e: Expr, out: Reference[] = [], bound: ReadonlySet<string> = NOTHING_BOUND): Reference[] {
  switch (e.k) {
    case "lit":
    case "splatItem":
      return out;
    case "tpl":
      for (const p of e.parts) if (typeof p !== "string") references(p, out, bound);
      return out;
    case "var":
    case "attr":
    case "index": {
      const names: string[] = [];
      let cur: Expr = e;
      while (cur.k === "attr" || cur.k === "index") {
        if (cur.k === "attr") names.unshift(cur.name);
        else {
          references(cur.key, out, bound);
          names.length = 0; // an index breaks the name chain: keep only names before it
        }
        cur = cur.obj;
      }
      if (cur.k === "var") {
        if (!bound.has(cur.name)) {
          const all = [cur.name, ...names];
          const need = refLength(cur.name);
          out.push({ subject: all.slice(0, need).join("."), traversal: all.join(".") });
        }
      } else {
        references(cur, out, bound);
      }
      return out;
    }
    case "splat":
      references(e.obj, out, bound);
      references(e.each, out, bound);
      return out;
    case "call":
      for (const a of e.args) references(a, out, bound);
      return out;
    case "tuple":
      for (const a of e.items) references(a, out, bound);
      return out;
    case "object":
      for (const [k, v] of e.items) {
        references(k, out, bound);
        references(v, out, bound);
      }
      return out;
    case "unary":
      return references(e.x, out, bound);
    case "binary":
      references(e.l, out, bound);
      return references(e.r, out, bound);
    case "cond":
      references(e.c, out, bound);
      references(e.t, out, bound);
      return references(e.f, out, bound);
    case "for": {
      references(e.coll, out, bound);
      const inner = new Set(bound);
      inner.add(e.valVar);
      if (e.keyVar) inner.add(e.keyVar);
      references(e.valExpr, out, inner);
      if (e.keyExpr) references(e.keyExpr, out, inner);
      if (e.cond) references(e.cond, out, inner);
      return out;
    }
  }
}
