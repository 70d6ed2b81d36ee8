// Terraform's type system (cty) as seen through our schema: the type JSON of an attribute and the
// implied object type of a block (docs/reference.md, "Values" and "Type JSON").
import type { BlockSchema, ValueType } from "../resources/define.js";

export type CtyType = string | [string, CtyType] | ["object", Record<string, CtyType>];

/** The cty type of an attribute. int64 is a plain "number" to terraform: cty numbers are arbitrary precision. */
export function ctyType(t: ValueType): CtyType {
  switch (t.kind) {
    case "string":
    case "number":
    case "bool":
      return t.kind;
    case "int64":
      return "number";
    case "list":
    case "set":
    case "map":
      return [t.kind, ctyType(t.element)];
  }
}

/** The object type a block's values have on the wire: attributes plus one entry per nested block type. */
export function impliedType(block: BlockSchema): CtyType {
  const attrs: Record<string, CtyType> = {};
  for (const [name, a] of Object.entries(block.attributes)) attrs[name] = ctyType(a.type);
  for (const [name, b] of Object.entries(block.blocks ?? {})) attrs[name] = [b.nesting, impliedType(b.block)];
  return ["object", sortedKeys(attrs)];
}

/** The bytes Schema.Attribute.type carries: compact JSON, e.g. `"string"` with its quotes. */
export function typeJson(t: CtyType): Buffer {
  return Buffer.from(JSON.stringify(t));
}

function sortedKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}
