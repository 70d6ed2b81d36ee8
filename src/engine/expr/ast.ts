// The AST of Terraform's expression language, as far as cdktf synthesizes it into "${...}".
// Parsing once into this tree (instead of evaluating strings with regexes) lets the engine both
// find references (for the graph) and evaluate with unknown values (for the plan) from one source.
import type { Value } from "../../resources/define.js";

export type Expr =
  | { k: "lit"; v: Value }
  /** A string template: literal pieces and interpolations, e.g. "vm-${count.index}". */
  | { k: "tpl"; parts: (string | Expr)[] }
  /** A root name: a resource type, data, var, local, count, each, self, path, terraform, or a for-variable. */
  | { k: "var"; name: string }
  | { k: "attr"; obj: Expr; name: string }
  | { k: "index"; obj: Expr; key: Expr }
  /** `obj[*].rest` / `obj.*.rest`: `each` is evaluated per element with `splatItem` bound to it. */
  | { k: "splat"; obj: Expr; each: Expr }
  | { k: "splatItem" }
  | { k: "call"; name: string; args: Expr[]; expandLast: boolean }
  | { k: "tuple"; items: Expr[] }
  | { k: "object"; items: [Expr, Expr][] }
  | { k: "unary"; op: "!" | "-"; x: Expr }
  | { k: "binary"; op: BinaryOp; l: Expr; r: Expr }
  | { k: "cond"; c: Expr; t: Expr; f: Expr }
  | {
      k: "for";
      keyVar?: string;
      valVar: string;
      coll: Expr;
      /** Present for object results `{for k, v in x : key => value}`. */
      keyExpr?: Expr;
      valExpr: Expr;
      cond?: Expr;
      group: boolean;
    };

export type BinaryOp = "||" | "&&" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "/" | "%";

export class ExprSyntaxError extends Error {
  constructor(
    message: string,
    readonly source: string,
    readonly offset: number,
  ) {
    super(`${message} at column ${offset + 1} of ${JSON.stringify(source.length > 120 ? source.slice(0, 117) + "..." : source)}`);
    this.name = "ExprSyntaxError";
  }
}
