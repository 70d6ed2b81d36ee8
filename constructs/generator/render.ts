// Renders the L1 construct files from the resource registry: one file per yandex type with a
// camelCase readonly props interface (documented from the schema, @default from its modes) and
// attribute getters that synthesize references. `npx tsx scripts/gen-constructs.ts` writes them;
// test/constructs/generated.test.ts fails when they are stale. hashicorp/null is not rendered: the
// official @cdktf/provider-null binding serves it.
import type { AttributeSchema, BlockSchema, ResourceDefinition, ValueType } from "../../src/resources/define.js";
import { DEFINITIONS } from "../../src/resources/registry.js";

const pascal = (snake: string): string => snake.split("_").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
export const camel = (snake: string): string => {
  const p = pascal(snake);
  return p.charAt(0).toLowerCase() + p.slice(1);
};

/** yandex_iam_service_account -> IamServiceAccount (as cdktf's generated bindings name them). */
export const className = (def: ResourceDefinition): string =>
  (def.kind === "data" ? "Data" : "") + pascal(def.type.replace(/^yandex_/, ""));

/** yandex_iam_service_account -> iam-service-account (data sources: data-...). */
export const fileName = (def: ResourceDefinition): string =>
  (def.kind === "data" ? "data-" : "") + def.type.replace(/^yandex_/, "").replace(/_/g, "-");

function propType(t: ValueType): string {
  switch (t.kind) {
    case "string":
      return "string";
    case "number":
      return "number";
    case "int64":
      return "string | number";
    case "bool":
      return "boolean | IResolvable";
    case "list":
    case "set":
      return `${propType(t.element)}[]`;
    case "map":
      return `{ [key: string]: ${propType(t.element)} }`;
  }
}

function getter(name: string, a: AttributeSchema): string {
  const t = a.type;
  const [ret, call] =
    t.kind === "number"
      ? ["number", "getNumberAttribute"]
      : t.kind === "bool"
        ? ["IResolvable", "getBooleanAttribute"]
        : t.kind === "map"
          ? ["{ [key: string]: string }", "getStringMapAttribute"]
          : t.kind === "list" || t.kind === "set"
            ? ["string[]", "getListAttribute"]
            : ["string", "getStringAttribute"];
  return `  /** ${escape(a.description)} */\n  get ${camel(name)}(): ${ret} {\n    return this.${call}("${name}");\n  }\n`;
}

const escape = (s: string): string => s.replace(/\*\//g, "*\\/");

function defaultDoc(a: AttributeSchema): string {
  if (a.default !== undefined) return `@default ${JSON.stringify(a.default)}`;
  if (a.computed) return "@default - chosen by the provider";
  return "@default - not set";
}

function attrDoc(a: AttributeSchema): string[] {
  const lines = [escape(a.description)];
  if (a.forceNew) lines.push("Changing it replaces the resource.");
  if (a.sensitive) lines.push("Sensitive.");
  if (!a.required) lines.push(defaultDoc(a));
  return lines;
}

const docBlock = (lines: string[], indent = "  "): string =>
  lines.length === 1 ? `${indent}/** ${lines[0]} */\n` : `${indent}/**\n${lines.map((l) => (l ? `${indent} * ${l}` : `${indent} *`)).join("\n")}\n${indent} */\n`;

/** Props interfaces for a block and its nested blocks (nested ones first, so the file reads top-down). */
function renderInterfaces(name: string, doc: string, block: BlockSchema, extendsMeta: boolean): string {
  let nested = "";
  let body = "";
  for (const [attr, a] of Object.entries(block.attributes)) {
    if (a.computed && !a.optional) continue;
    body += docBlock(attrDoc(a));
    body += `  readonly ${camel(attr)}${a.required ? "" : "?"}: ${propType(a.type)};\n`;
  }
  for (const [b, nb] of Object.entries(block.blocks ?? {})) {
    const iface = name.replace(/Props$/, "") + pascal(b);
    nested += renderInterfaces(iface, nb.description, nb.block, false);
    const single = nb.maxItems === 1;
    const required = (nb.minItems ?? 0) > 0;
    const lines = [escape(nb.description)];
    if (nb.forceNew) lines.push("Changing it replaces the resource.");
    if (!required) lines.push("@default - no block");
    body += docBlock(lines);
    body += `  readonly ${camel(b)}${required ? "" : "?"}: ${single ? iface : `${iface}[]`};\n`;
  }
  const ext = extendsMeta ? " extends ResourceMetaProps" : "";
  return `${nested}${docBlock([escape(doc)], "")}export interface ${name}${ext} {\n${body}}\n\n`;
}

export function renderL1(def: ResourceDefinition): string {
  const cls = className(def);
  const base = def.kind === "data" ? "YandexDataSource" : "YandexResource";
  const tag = def.extension ? " EXTENSION: not in the real terraform-provider-yandex." : "";
  const kindWord = def.kind === "data" ? "data source" : "resource";
  const importLine = def.importer ? `Import ID: \`${def.importer.format}\`.` : "No import.";
  const importable = def.kind === "resource" && def.importer !== undefined;
  let body = renderInterfaces(`${cls}Props`, `Props of {@link ${cls}}.`, def.schema, true);
  body += docBlock([`${escape(def.description)}${tag}`, "", `Terraform ${kindWord} \`${def.type}\`. ${importLine}`], "");
  body += `export class ${cls} extends ${base} {\n`;
  body += `  static readonly tfResourceType = "${def.type}";\n\n`;
  if (importable) {
    body += docBlock([
      "Only an import block for the existing object `importFromId`, adopted as `importToId` (cdktf's",
      "generateConfigForImport): `oslogin import --generate-construct FILE.ts` then writes its construct.",
    ]);
    body += `  static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: TerraformProvider): YandexImportBlock {\n`;
    body += `    return new YandexImportBlock(scope, importToId, { terraformResourceType: ${cls}.tfResourceType, importId: importFromId, provider });\n  }\n\n`;
  }
  body += `  constructor(scope: Construct, id: string, props: ${cls}Props) {\n    super(scope, id, ${cls}.tfResourceType, props);\n  }\n\n`;
  body += Object.entries(def.schema.attributes)
    .map(([name, a]) => getter(name, a))
    .join("\n");
  body += `}\n`;
  // Import only what the file uses: IResolvable for bool props/getters, the import block for importable types.
  const cdktfTypes = [
    ...(/\| IResolvable|\): IResolvable|IResolvable;|IResolvable \{/.test(body) ? ["IResolvable"] : []),
    ...(importable ? ["TerraformProvider"] : []),
  ];
  let out = `// GENERATED by scripts/gen-constructs.ts from src/resources (${def.kind} ${def.type}). Do not edit.\n`;
  if (cdktfTypes.length) out += `import type { ${cdktfTypes.join(", ")} } from "cdktf";\n`;
  out += `import type { Construct } from "constructs";\n`;
  out += `import { ${base}, ${importable ? "YandexImportBlock, " : ""}type ResourceMetaProps } from "./base.js";\n\n`;
  return out + body;
}

export function renderIndex(defs: readonly ResourceDefinition[]): string {
  let out = "// GENERATED by scripts/gen-constructs.ts from src/resources. Do not edit.\n";
  for (const def of defs) out += `export * from "./${fileName(def)}.js";\n`;
  return out;
}

/** Every generated file: path relative to the repository root -> content. */
export function renderAll(): Map<string, string> {
  const defs = DEFINITIONS.filter((d) => d.provider === "yandex");
  const files = new Map<string, string>();
  for (const def of defs) files.set(`constructs/l1/${fileName(def)}.ts`, renderL1(def));
  files.set("constructs/l1/index.ts", renderIndex(defs));
  return files;
}
