// Values for a stack's `variable` blocks (cdktf's TerraformVariable) from where terraform takes
// them: TF_VAR_<name> in the environment, terraform.tfvars, *.auto.tfvars, -var-file=FILE and
// -var 'name=value', in that order of precedence (later wins). A variables file is HCL
// (`name = "x"`, numbers, bools, null, lists and maps of those) or, named *.json, a JSON object.
// Raw strings (-var, TF_VAR_) are taken literally for a string, number or bool variable (or one
// without a type) and read as an HCL value for a list, map, object, set or tuple variable.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { Value } from "../../resources/define.js";
import { readTextFile } from "../../util/read-text.js";
import { errorAt, warningAt, type EngineDiagnostic } from "../diagnostics.js";
import { ExprSyntaxError, type Expr } from "../expr/ast.js";
import { parseExpression } from "../expr/parse.js";
import type { StackConfig, VariableBlock } from "./config.js";

/** Where a value came from: decides how an undeclared name is reported, and names the source in errors. */
export type VariableSource = { kind: "file"; file: string } | { kind: "cli" } | { kind: "env" };

/** One assignment: a value already typed (a variables file), or a raw string (-var, TF_VAR_). */
export type VariableAssignment = { name: string; source: VariableSource } & ({ value: Value } | { raw: string });

const describe = (name: string, s: VariableSource) => (s.kind === "file" ? `file "${s.file}"` : s.kind === "cli" ? `-var "${name}=..."` : `TF_VAR_${name}`);

// ---------------------------------------------------------------- reading the sources

/**
 * The assignments of terraform.tfvars(.json) and *.auto.tfvars(.json) in `dir` (those in name
 * order), then of each -var-file and -var in the order given.
 */
export function collectVariableAssignments(dir: string, given: readonly { flag: "var" | "var-file"; value: string }[]): { assignments: VariableAssignment[]; diagnostics: EngineDiagnostic[] } {
  const assignments: VariableAssignment[] = [];
  const diagnostics: EngineDiagnostic[] = [];
  const automatic = ["terraform.tfvars", "terraform.tfvars.json"].filter((f) => existsSync(path.join(dir, f)));
  const auto = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".auto.tfvars") || f.endsWith(".auto.tfvars.json")).sort() : [];
  const read = (file: string, shown: string) => {
    let text: string;
    try {
      text = readTextFile(file);
    } catch {
      diagnostics.push(errorAt(undefined, "Failed to read variables file", `Given variables file ${shown} does not exist.`));
      return;
    }
    const r = parseVariablesFile(shown, text);
    assignments.push(...r.assignments);
    diagnostics.push(...r.diagnostics);
  };
  for (const f of [...automatic, ...auto]) read(path.join(dir, f), f);
  for (const g of given) {
    if (g.flag === "var-file") read(path.resolve(dir, g.value), g.value);
    else {
      const a = parseVarOption(g.value);
      if (typeof a === "string") diagnostics.push(errorAt(undefined, "Invalid -var option", a));
      else assignments.push(a);
    }
  }
  return { assignments, diagnostics };
}

/** `-var 'name=value'`: everything after the first "=" is the raw value. */
export function parseVarOption(arg: string): VariableAssignment | string {
  const eq = arg.indexOf("=");
  const name = eq > 0 ? arg.slice(0, eq).trim() : "";
  if (!name) return `The given -var option ${JSON.stringify(arg)} is not correctly specified. Must be a variable name and value separated by an equals sign, like -var="key=value".`;
  return { name, source: { kind: "cli" }, raw: arg.slice(eq + 1) };
}

/** A variables file: a JSON object (a name ending in .json) or HCL attributes `name = value`. */
export function parseVariablesFile(file: string, text: string): { assignments: VariableAssignment[]; diagnostics: EngineDiagnostic[] } {
  const source: VariableSource = { kind: "file", file };
  if (file.endsWith(".json")) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      return { assignments: [], diagnostics: [errorAt(undefined, "Invalid variables file", `${file}: ${(e as Error).message}`)] };
    }
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return { assignments: [], diagnostics: [errorAt(undefined, "Invalid variables file", `${file}: the top level must be a JSON object of variable names`)] };
    return { assignments: Object.entries(doc).map(([name, value]) => ({ name, source, value: value as Value })), diagnostics: [] };
  }
  const assignments: VariableAssignment[] = [];
  const diagnostics: EngineDiagnostic[] = [];
  for (const st of hclAttributes(stripComments(text))) {
    if ("error" in st) {
      diagnostics.push(errorAt(undefined, "Invalid variables file", `${file} line ${st.line}: ${st.error}`));
      continue;
    }
    const v = literalValue(st.expr);
    if (typeof v === "string") diagnostics.push(errorAt(`var.${st.name}`, "Invalid variables file", `${file} line ${st.line}: ${v}`));
    else assignments.push({ name: st.name, source, value: v.value });
  }
  return { assignments, diagnostics };
}

/** Comments (#, //, /* *\/) become spaces (newlines kept, so line numbers stay right); strings are left alone. */
function stripComments(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === "#" || (c === "/" && text[i + 1] === "/")) {
      while (i < text.length && text[i] !== "\n") i++;
      if (i < text.length) out += "\n";
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      const body = text.slice(i, end < 0 ? text.length : end + 2);
      out += body.replace(/[^\n]/g, " ");
      i += body.length - 1;
    } else out += c;
  }
  return out;
}

type Attribute = { name: string; expr: string; line: number } | { error: string; line: number };

/** Splits HCL body text into `name = expression` attributes; an expression ends at a newline outside brackets and strings. */
function hclAttributes(text: string): Attribute[] {
  const out: Attribute[] = [];
  let i = 0;
  const lineAt = (pos: number) => text.slice(0, pos).split("\n").length;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) break;
    const start = i;
    const m = /^([A-Za-z_][A-Za-z0-9_-]*)[ \t]*=(?!=)/.exec(text.slice(i));
    if (!m) {
      out.push({ error: "expected an attribute like name = value", line: lineAt(start) });
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    i += m[0].length;
    let depth = 0;
    const exprStart = i;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '"') {
        i++;
        while (i < text.length && text[i] !== '"' && text[i] !== "\n") i += text[i] === "\\" ? 2 : 1;
      } else if (c === "[" || c === "{" || c === "(") depth++;
      else if (c === "]" || c === "}" || c === ")") depth--;
      else if (c === "\n" && depth <= 0) break;
    }
    out.push({ name: m[1], expr: text.slice(exprStart, i).trim(), line: lineAt(start) });
  }
  return out;
}

/** A literal value from HCL source: no references, no function calls (terraform allows neither in a variables file). */
function literalValue(src: string): { value: Value } | string {
  if (src === "") return "a value is required after the equals sign";
  let e: Expr;
  try {
    e = parseExpression(src);
  } catch (err) {
    if (err instanceof ExprSyntaxError) return err.message;
    throw err;
  }
  try {
    return { value: literal(e) };
  } catch (err) {
    if (err instanceof Error) return err.message;
    throw err;
  }
}

function literal(e: Expr): Value {
  switch (e.k) {
    case "lit":
      return e.v;
    case "tpl":
      if (e.parts.every((p) => typeof p === "string")) return e.parts.join("");
      throw new Error("Variables not allowed: a variables file holds literal values only");
    case "tuple":
      return e.items.map(literal);
    case "object": {
      const o: Record<string, Value> = {};
      for (const [k, v] of e.items) {
        const key = literal(k);
        if (typeof key !== "string" && typeof key !== "number") throw new Error("an object key must be a name or a string");
        o[String(key)] = literal(v);
      }
      return o;
    }
    case "unary": {
      const x = literal(e.x);
      if (e.op === "-" && typeof x === "number") return -x;
      throw new Error(`the operator ${e.op} needs a ${e.op === "-" ? "number" : "bool"} here`);
    }
    case "call":
      throw new Error(`Functions may not be called here: ${e.name}() in a variables file`);
    default:
      throw new Error("Variables not allowed: a variables file holds literal values only (strings, numbers, bools, null, lists and maps of them)");
  }
}

// ---------------------------------------------------------------- resolving

const PRIMITIVE = new Set(["string", "number", "bool"]);

/** "${list(string)}" and "list(string)" alike; undefined and "any" mean no constraint. */
const typeOf = (v: VariableBlock): string | undefined => {
  const t = v.type?.trim().replace(/^\$\{(.*)\}$/s, "$1").trim();
  return t === "any" || t === "" ? undefined : t;
};

/** A raw string as the variable's type asks: literally for a primitive (or untyped) variable, else as an HCL value. */
function fromRaw(v: VariableBlock, raw: string): { value: Value } | string {
  const t = typeOf(v);
  if (t === undefined || PRIMITIVE.has(t)) return { value: raw };
  return literalValue(raw.trim());
}

/** Converts a value to the declared type the way terraform's conversions do for simple values. */
function convert(v: Value, t: string | undefined): { value: Value } | string {
  if (t === undefined || v === null) return { value: v };
  if (t === "string") {
    if (typeof v === "string") return { value: v };
    if (typeof v === "number" || typeof v === "boolean") return { value: String(v) };
    return "a string is required";
  }
  if (t === "number") {
    if (typeof v === "number") return { value: v };
    if (typeof v === "string" && /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(v.trim())) return { value: Number(v) };
    return "a number is required";
  }
  if (t === "bool") {
    if (typeof v === "boolean") return { value: v };
    if (v === "true" || v === "false") return { value: v === "true" };
    return "a bool is required";
  }
  const m = /^(list|set|map|tuple|object)\s*\((.*)\)$/s.exec(t);
  if (!m) return { value: v };
  const [, kind, inner] = m;
  if (kind === "list" || kind === "set" || kind === "tuple") {
    if (!Array.isArray(v)) return `a ${kind} is required`;
    if (kind === "tuple") return { value: v };
    const items: Value[] = [];
    for (const [i, x] of v.entries()) {
      const c = convert(x, inner.trim() === "any" ? undefined : inner.trim());
      if (typeof c === "string") return `element ${i}: ${c}`;
      items.push(c.value);
    }
    return { value: items };
  }
  if (typeof v !== "object" || Array.isArray(v)) return `a ${kind} is required`;
  if (kind === "object") return { value: v };
  const out: Record<string, Value> = {};
  for (const [k, x] of Object.entries(v)) {
    const c = convert(x, inner.trim() === "any" ? undefined : inner.trim());
    if (typeof c === "string") return `element ${JSON.stringify(k)}: ${c}`;
    out[k] = c.value;
  }
  return { value: out };
}

/**
 * The value of every declared variable, by terraform's precedence: the default, then TF_VAR_<name>,
 * then `assignments` in order (files, then -var-file and -var as given), then `given` (callers of
 * the engine API). A -var for an undeclared variable is an error and a file's is a warning, as in
 * terraform; a declared variable left without a value is an error.
 */
export function resolveVariableValues(
  config: StackConfig,
  given: Record<string, Value>,
  assignments: readonly VariableAssignment[] = [],
  env: NodeJS.ProcessEnv = process.env,
): { vars: Record<string, Value>; diagnostics: EngineDiagnostic[] } {
  const diagnostics: EngineDiagnostic[] = [];
  const chosen = new Map<string, VariableAssignment>();
  for (const v of config.variables.values()) {
    const e = env[`TF_VAR_${v.name}`];
    if (e !== undefined) chosen.set(v.name, { name: v.name, source: { kind: "env" }, raw: e });
  }
  for (const a of assignments) {
    if (config.variables.has(a.name)) {
      chosen.set(a.name, a);
      continue;
    }
    if (a.source.kind === "cli") {
      diagnostics.push(
        errorAt(undefined, "Value for undeclared variable", `A variable named "${a.name}" was assigned on the command line, but the stack does not declare a variable of that name. To use this value, add a TerraformVariable named "${a.name}" to the stack.`),
      );
    } else if (a.source.kind === "file") {
      diagnostics.push(
        warningAt(undefined, "Value for undeclared variable", `The stack does not declare a variable named "${a.name}" but a value was found in file "${a.source.file}". If you meant to use this value, add a TerraformVariable named "${a.name}" to the stack.`),
      );
    }
  }
  const vars: Record<string, Value> = {};
  for (const v of config.variables.values()) {
    let value: Value | undefined;
    const a = chosen.get(v.name);
    if (v.name in given) value = given[v.name];
    else if (a) {
      const parsed: { value: Value } | string = "raw" in a ? fromRaw(v, a.raw) : { value: a.value };
      const c = typeof parsed === "string" ? parsed : convert(parsed.value, typeOf(v));
      if (typeof c === "string") {
        diagnostics.push(errorAt(`var.${v.name}`, "Invalid value for variable", `${describe(v.name, a.source)}: ${c} (the variable's type is ${v.type ?? "any"})`));
        continue;
      }
      value = c.value;
    } else value = v.default;
    if (value === undefined) {
      diagnostics.push(errorAt(`var.${v.name}`, "No value for required variable", `set it with -var '${v.name}=...', a -var-file, terraform.tfvars or TF_VAR_${v.name}, or give the variable a default`));
      continue;
    }
    vars[v.name] = value;
  }
  return { vars, diagnostics };
}
