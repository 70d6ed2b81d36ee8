// Renders adopted objects (src/codegen/adopt.ts) as a TypeScript module for a CDKTF app: one L1
// construct per object with the values read from the cloud, importFrom(ID) so the next apply
// adopts it, references between objects of the file (a profile's subject_id is its service
// account's id), and a comment for what could not be declared. Only arguments are written, never
// computed or sensitive attributes, so no secret reaches the file.
import { camel, className } from "../../constructs/generator/render.js";
import type { BlockSchema, ObjectValue, ResourceDefinition, Value, ValueType } from "../resources/define.js";
import type { AdoptedObject, NotAdopted } from "./adopt.js";

export interface RenderOptions {
  /** The command that generated the file, for its header. */
  command: string;
  /** The exported function that declares the constructs. */
  functionName: string;
  /** The module the constructs are imported from (an app's dependency). */
  from: string;
  definitions: (type: string) => ResourceDefinition;
}

/** A TypeScript expression, already formatted (lines after the first carry their indentation). */
type Expr = string;

const isEmpty = (v: Value): boolean =>
  v === null || v === "" || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0);

const PROPERTY_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function literal(v: Value, t: ValueType, indent: string): Expr {
  if (t.kind === "int64") return Number.isSafeInteger(Number(v)) ? String(Number(v)) : JSON.stringify(String(v));
  if (Array.isArray(v)) {
    const el = t.kind === "list" || t.kind === "set" ? t.element : t;
    return `[${v.map((x) => literal(x, el, indent)).join(", ")}]`;
  }
  if (v !== null && typeof v === "object") {
    const el = t.kind === "map" ? t.element : { kind: "string" as const };
    const inner = indent + "  ";
    const entries = Object.keys(v)
      .sort()
      .map((k) => `${inner}${PROPERTY_NAME.test(k) ? k : JSON.stringify(k)}: ${literal(v[k], el, inner)},`);
    return `{\n${entries.join("\n")}\n${indent}}`;
  }
  return JSON.stringify(v);
}

/**
 * The arguments worth writing: required ones always; optional ones unless unset, empty, the
 * schema's default, false for an optional+computed flag (the cloud's own value), or the object's
 * own id repeated (service_account_id of a service account). Computed-only and sensitive
 * attributes are never written.
 */
function props(schema: BlockSchema, value: ObjectValue, indent: string, reference: (attr: string, v: Value) => Expr | undefined): string[] {
  const lines: string[] = [];
  for (const [name, a] of Object.entries(schema.attributes)) {
    const v = value[name] ?? null;
    if ((a.computed && !a.optional && !a.required) || a.sensitive) continue;
    if (!a.required) {
      if (isEmpty(v) || JSON.stringify(v) === JSON.stringify(a.default ?? null)) continue;
      // optional+computed: the object's own id repeated, or false (is_default: only true may be set)
      if (a.computed && (v === false || v === value.id)) continue;
    }
    lines.push(`${indent}${camel(name)}: ${reference(name, v) ?? literal(v, a.type, indent)},`);
  }
  for (const [name, b] of Object.entries(schema.blocks ?? {})) {
    const items = (value[name] ?? []) as ObjectValue[];
    if (items.length === 0) continue;
    const inner = indent + "  ";
    const objects = items.map((item) => `{\n${props(b.block, item, inner, () => undefined).join("\n")}\n${indent}}`);
    lines.push(`${indent}${camel(name)}: ${b.maxItems === 1 ? objects[0] : `[${objects.join(", ")}]`},`);
  }
  return lines;
}

function isIdentifier(name: string): boolean {
  try {
    // Reserved words (delete, default, ...) are not usable as variable names.
    new Function(`let ${name};`);
    return true;
  } catch {
    return false;
  }
}

/** "profile-alice-ops" -> "profileAliceOps", unique in the file and never a reserved word. */
function variableNames(objects: readonly AdoptedObject[]): string[] {
  const used = new Set<string>();
  return objects.map((o) => {
    const words = o.constructId.split(/[-_]+/).filter(Boolean);
    let base = words.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1))).join("") || "imported";
    if (!/^[A-Za-z_$]/.test(base) || !isIdentifier(base)) base = `_${base}`;
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}${n}`;
    used.add(name);
    return name;
  });
}

const commentLines = (text: string, indent = ""): string => text.split("\n").map((l) => `${indent}// ${l}`.trimEnd()).join("\n") + "\n";

/** The module's text: header, imports, and one function declaring every object. */
export function renderConstructs(objects: readonly AdoptedObject[], notAdopted: readonly NotAdopted[], opts: RenderOptions): string {
  const vars = variableNames(objects);
  // Ids of service accounts declared in this file: references instead of literal ids.
  const accounts = new Map(objects.flatMap((o, i) => (o.type === "yandex_iam_service_account" ? [[String(o.value.id), vars[i]] as const] : [])));
  const reference = (self: AdoptedObject) => (attr: string, v: Value): Expr | undefined => {
    if (typeof v !== "string" || self.type === "yandex_iam_service_account") return undefined;
    if ((attr === "subject_id" || attr === "service_account_id") && accounts.has(v)) return `${accounts.get(v)}.id`;
    const m = /^serviceAccount:(.+)$/.exec(v);
    if (attr === "member" && m && accounts.has(m[1])) return `\`serviceAccount:\${${accounts.get(m[1])}.id}\``;
    return undefined;
  };

  const classes = new Set<string>();
  const body: string[] = [];
  objects.forEach((o, i) => {
    const def = opts.definitions(o.type);
    const cls = className(def);
    classes.add(cls);
    let block = o.note ? commentLines(o.note, "  ") : "";
    const lines = props(def.schema, o.value, "    ", reference(o));
    block += `  const ${vars[i]} = new ${cls}(scope, ${JSON.stringify(o.constructId)}, {\n${lines.join("\n")}\n  });\n`;
    block += `  ${vars[i]}.importFrom(${JSON.stringify(o.importId)});\n`;
    body.push(block);
  });

  let out = commentLines(
    [
      `Generated by: ${opts.command}`,
      `Existing cloud objects, declared with oslogin-kit's constructs and the values they have now.`,
      `Each construct calls importFrom(ID): the next plan shows "will be imported", and apply adopts`,
      `the object instead of creating it (once the object is in state, importFrom has no effect).`,
      `Call ${opts.functionName}(this) in your stack's constructor.`,
    ].join("\n"),
  );
  if (notAdopted.length) {
    out += commentLines(["", "Not declared here:", ...notAdopted.map((n) => `- ${n.what}:\n  ${n.why}.`)].join("\n"));
  }
  out += `\nimport type { Construct } from "constructs";\n`;
  const names = [...classes].sort();
  const oneLine = `import { ${names.join(", ")} } from ${JSON.stringify(opts.from)};`;
  out += (oneLine.length <= 100 ? oneLine : `import {\n${names.map((n) => `  ${n},`).join("\n")}\n} from ${JSON.stringify(opts.from)};`) + "\n\n";
  out += `/** Declares the imported objects in \`scope\` (the stack itself, so each keeps the address it is imported as). */\n`;
  out += `export function ${opts.functionName}(scope: Construct): void {\n${body.join("\n")}}\n`;
  return out;
}
