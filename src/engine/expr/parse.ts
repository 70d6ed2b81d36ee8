// A recursive-descent parser for the expression language inside "${...}" and for the string
// templates that hold them. Precedence follows HCL's spec: ?: < || < && < == != < comparisons
// < + - < * / % < unary < postfix (attr, index, splat, call).
import { ExprSyntaxError, type BinaryOp, type Expr } from "./ast.js";

/**
 * A dotted traversal a.b.c: what cdktf writes for nearly every reference ("${type.name.attr}",
 * "prefix:${...}", depends_on entries). Sticky: matched at a given position.
 */
const DOTTED = /([A-Za-z_][A-Za-z0-9_-]*)((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)/y;
const KEYWORDS = new Set(["true", "false", "null"]);

/**
 * The traversal at `pos` when `src` continues with a.b.c and then `terminator` (or its end, for
 * ""), as the tree the full parser builds; built directly, without the descent through every
 * precedence level. Returns where it ends, or undefined (the caller parses it the long way).
 */
function dottedAt(src: string, pos: number, terminator: string): { e: Expr; end: number } | undefined {
  DOTTED.lastIndex = pos;
  const m = DOTTED.exec(src);
  if (!m || KEYWORDS.has(m[1]!)) return undefined;
  const end = DOTTED.lastIndex;
  if (terminator ? src[end] !== terminator : end !== src.length) return undefined;
  let e: Expr = { k: "var", name: m[1]! };
  for (const name of m[2]!.slice(1).split(".")) e = { k: "attr", obj: e, name };
  return { e, end };
}

/** Parses a JSON string value of cdk.tf.json: a literal, one interpolation, or a template. */
export function parseTemplate(src: string): Expr {
  if (!src.includes("${") && !src.includes("%{")) return { k: "lit", v: src };
  const p = new Parser(src);
  const parts = p.templateParts(undefined);
  if (p.pos !== src.length) throw p.fail("unexpected text after template");
  return simplifyTemplate(parts);
}

/** Parses a bare expression, e.g. a `count` written without "${}" or a depends_on entry. */
export function parseExpression(src: string): Expr {
  const plain = dottedAt(src, 0, "");
  if (plain) return plain.e;
  const p = new Parser(src);
  p.ws();
  const e = p.expr();
  p.ws();
  if (p.pos !== src.length) throw p.fail("unexpected text after expression");
  return e;
}

function simplifyTemplate(parts: (string | Expr)[]): Expr {
  if (parts.length === 0) return { k: "lit", v: "" };
  // "${x}" alone keeps x's type (a list stays a list), as Terraform does.
  if (parts.length === 1) return typeof parts[0] === "string" ? { k: "lit", v: parts[0] } : parts[0];
  return { k: "tpl", parts };
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_CHAR = /[A-Za-z0-9_-]/;

class Parser {
  pos = 0;
  constructor(readonly src: string) {}

  fail(msg: string): ExprSyntaxError {
    return new ExprSyntaxError(msg, this.src, this.pos);
  }

  peek(n = 0): string {
    return this.src[this.pos + n] ?? "";
  }

  ws(): void {
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === " " || c === "\t" || c === "\n" || c === "\r") this.pos++;
      else break;
    }
  }

  eat(s: string): boolean {
    this.ws();
    if (this.src.startsWith(s, this.pos)) {
      this.pos += s.length;
      return true;
    }
    return false;
  }

  expect(s: string): void {
    if (!this.eat(s)) throw this.fail(`expected ${JSON.stringify(s)}`);
  }

  /**
   * Template pieces up to `end` (a closing quote inside an expression) or the end of input.
   * `$${` and `%%{` are escapes for a literal `${` / `%{`.
   */
  templateParts(end: '"' | undefined): (string | Expr)[] {
    const parts: (string | Expr)[] = [];
    let lit = "";
    const src = this.src;
    while (this.pos < src.length) {
      const c = src[this.pos];
      if (end && c === end) break;
      if (c === "$" && src[this.pos + 1] === "$" && src[this.pos + 2] === "{") {
        lit += "${";
        this.pos += 3;
      } else if (c === "%" && src[this.pos + 1] === "%" && src[this.pos + 2] === "{") {
        lit += "%{";
        this.pos += 3;
      } else if (c === "$" && src[this.pos + 1] === "{") {
        if (lit) parts.push(lit);
        lit = "";
        const plain = dottedAt(src, this.pos + 2, "}");
        if (plain) {
          parts.push(plain.e);
          this.pos = plain.end + 1;
          continue;
        }
        this.pos += 2;
        this.eat("~");
        this.ws();
        parts.push(this.expr());
        this.eat("~");
        this.expect("}");
      } else if (c === "%" && src[this.pos + 1] === "{") {
        throw this.fail("template directives (%{if}, %{for}) are not supported; use a conditional or a for expression");
      } else if (end && c === "\\") {
        lit += this.escape();
      } else {
        lit += c;
        this.pos++;
      }
    }
    if (lit) parts.push(lit);
    return parts;
  }

  escape(): string {
    const n = this.src[this.pos + 1];
    this.pos += 2;
    switch (n) {
      case "n":
        return "\n";
      case "t":
        return "\t";
      case "r":
        return "\r";
      case '"':
        return '"';
      case "\\":
        return "\\";
      case "u": {
        const hex = this.src.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw this.fail("bad \\u escape");
        this.pos += 4;
        return String.fromCharCode(parseInt(hex, 16));
      }
      default:
        throw this.fail(`unknown escape \\${n}`);
    }
  }

  expr(): Expr {
    const c = this.or();
    if (this.eat("?")) {
      const t = this.expr();
      this.expect(":");
      const f = this.expr();
      return { k: "cond", c, t, f };
    }
    return c;
  }

  private binaryLevel(ops: BinaryOp[], next: () => Expr): Expr {
    let l = next();
    for (;;) {
      this.ws();
      const op = ops.find((o) => this.src.startsWith(o, this.pos) && !this.isLongerOp(o));
      if (!op) return l;
      this.pos += op.length;
      const r = next();
      l = { k: "binary", op, l, r };
    }
  }

  // "<" must not match the start of "<=", "=" of "==" and so on; "=>" is a for-expression arrow.
  private isLongerOp(op: string): boolean {
    const after = this.src[this.pos + op.length];
    if ((op === "<" || op === ">") && after === "=") return true;
    if (op === "!" && after === "=") return true;
    return false;
  }

  or = (): Expr => this.binaryLevel(["||"], this.and);
  and = (): Expr => this.binaryLevel(["&&"], this.eq);
  eq = (): Expr => this.binaryLevel(["==", "!="], this.cmp);
  cmp = (): Expr => this.binaryLevel(["<=", ">=", "<", ">"], this.add);
  add = (): Expr => this.binaryLevel(["+", "-"], this.mul);
  mul = (): Expr => this.binaryLevel(["*", "/", "%"], this.unary);

  unary = (): Expr => {
    this.ws();
    const c = this.peek();
    if (c === "!" && this.peek(1) !== "=") {
      this.pos++;
      return { k: "unary", op: "!", x: this.unary() };
    }
    if (c === "-") {
      this.pos++;
      return { k: "unary", op: "-", x: this.unary() };
    }
    return this.postfix(this.primary());
  };

  postfix(e: Expr): Expr {
    for (;;) {
      this.ws();
      const c = this.peek();
      if (c === "." && this.peek(1) === "*") {
        this.pos += 2;
        return { k: "splat", obj: e, each: this.splatRest(true) };
      }
      if (c === "[" && this.src.startsWith("[*]", this.pos)) {
        this.pos += 3;
        return { k: "splat", obj: e, each: this.splatRest(false) };
      }
      if (c === ".") {
        this.pos++;
        this.ws();
        if (/[0-9]/.test(this.peek())) {
          // Legacy index syntax: list.0
          const m = /^[0-9]+/.exec(this.src.slice(this.pos))!;
          this.pos += m[0].length;
          e = { k: "index", obj: e, key: { k: "lit", v: Number(m[0]) } };
        } else {
          e = { k: "attr", obj: e, name: this.ident() };
        }
        continue;
      }
      if (c === "[") {
        this.pos++;
        const key = this.expr();
        this.expect("]");
        e = { k: "index", obj: e, key };
        continue;
      }
      return e;
    }
  }

  // After a splat, the following attribute/index steps apply to each element. An attribute-only
  // splat (`.*`) takes only attribute steps, a full splat (`[*]`) takes indexes too.
  splatRest(attrOnly: boolean): Expr {
    let each: Expr = { k: "splatItem" };
    for (;;) {
      this.ws();
      if (this.peek() === "." && this.peek(1) !== "*") {
        this.pos++;
        each = { k: "attr", obj: each, name: this.ident() };
      } else if (!attrOnly && this.peek() === "[" && !this.src.startsWith("[*]", this.pos)) {
        this.pos++;
        const key = this.expr();
        this.expect("]");
        each = { k: "index", obj: each, key };
      } else {
        return each;
      }
    }
  }

  ident(): string {
    this.ws();
    const start = this.pos;
    if (!IDENT_START.test(this.peek())) throw this.fail("expected a name");
    while (this.pos < this.src.length && IDENT_CHAR.test(this.src[this.pos])) this.pos++;
    return this.src.slice(start, this.pos);
  }

  primary(): Expr {
    this.ws();
    const c = this.peek();
    if (c === "(") {
      this.pos++;
      const e = this.expr();
      this.expect(")");
      return e;
    }
    if (c === '"') {
      this.pos++;
      const parts = this.templateParts('"');
      if (this.peek() !== '"') throw this.fail("unterminated string");
      this.pos++;
      if (parts.length === 0) return { k: "lit", v: "" };
      if (parts.length === 1 && typeof parts[0] === "string") return { k: "lit", v: parts[0] };
      // Inside an expression a quoted template is always a string, even "${x}" alone.
      return { k: "tpl", parts };
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.src.slice(this.pos))!;
      this.pos += m[0].length;
      return { k: "lit", v: Number(m[0]) };
    }
    if (c === "[") return this.tupleOrFor();
    if (c === "{") return this.objectOrFor();
    if (IDENT_START.test(c)) {
      const name = this.ident();
      if (name === "true") return { k: "lit", v: true };
      if (name === "false") return { k: "lit", v: false };
      if (name === "null") return { k: "lit", v: null };
      this.ws();
      if (this.peek() === "(") {
        this.pos++;
        const args: Expr[] = [];
        let expandLast = false;
        if (!this.eat(")")) {
          for (;;) {
            args.push(this.expr());
            if (this.eat("...")) {
              expandLast = true;
              this.expect(")");
              break;
            }
            if (this.eat(")")) break;
            if (!this.eat(",")) throw this.fail(`expected "," or ")" in the arguments of ${name}()`);
            if (this.eat(")")) break;
          }
        }
        return { k: "call", name, args, expandLast };
      }
      return { k: "var", name };
    }
    if (this.pos >= this.src.length) throw this.fail("unexpected end of expression");
    throw this.fail(`unexpected ${JSON.stringify(c)}`);
  }

  private isForKeyword(): boolean {
    this.ws();
    return this.src.startsWith("for", this.pos) && /\s/.test(this.src[this.pos + 3] ?? "");
  }

  tupleOrFor(): Expr {
    this.expect("[");
    if (this.isForKeyword()) return this.forExpr("]");
    const items: Expr[] = [];
    if (this.eat("]")) return { k: "tuple", items };
    for (;;) {
      items.push(this.expr());
      if (this.eat("]")) break;
      this.expect(",");
      if (this.eat("]")) break;
    }
    return { k: "tuple", items };
  }

  objectOrFor(): Expr {
    this.expect("{");
    if (this.isForKeyword()) return this.forExpr("}");
    const items: [Expr, Expr][] = [];
    for (;;) {
      if (this.eat("}")) break;
      this.ws();
      // A bare name as a key is the literal string, not a variable (HCL object rules).
      let key: Expr;
      const save = this.pos;
      if (IDENT_START.test(this.peek())) {
        const name = this.ident();
        this.ws();
        if (this.peek() === "=" || this.peek() === ":") key = { k: "lit", v: name };
        else {
          this.pos = save;
          key = this.expr();
        }
      } else {
        key = this.expr();
      }
      this.ws();
      if (!this.eat("=") && !this.eat(":")) throw this.fail('expected "=" or ":" after an object key');
      const val = this.expr();
      items.push([key, val]);
      this.eat(",");
    }
    return { k: "object", items };
  }

  forExpr(close: "]" | "}"): Expr {
    this.expect("for");
    let valVar = this.ident();
    let keyVar: string | undefined;
    if (this.eat(",")) {
      keyVar = valVar;
      valVar = this.ident();
    }
    this.expect("in");
    const coll = this.expr();
    this.expect(":");
    let keyExpr: Expr | undefined;
    let valExpr = this.expr();
    let group = false;
    if (close === "}") {
      this.expect("=>");
      keyExpr = valExpr;
      valExpr = this.expr();
      group = this.eat("...");
    }
    let cond: Expr | undefined;
    this.ws();
    if (this.src.startsWith("if", this.pos) && /\s/.test(this.src[this.pos + 2] ?? "")) {
      this.pos += 2;
      cond = this.expr();
    }
    this.expect(close);
    return { k: "for", keyVar, valVar, coll, keyExpr, valExpr, cond, group };
  }
}
