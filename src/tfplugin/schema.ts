// Our BlockSchema -> tfplugin6.Schema messages, the schema terraform validates configs against.
import type { AttributeSchema, BlockSchema, ResourceDefinition } from "../resources/define.js";
import { ctyType, typeJson } from "./cty.js";
import type { Message } from "./protocol.js";

const NESTING = { list: 2, set: 3 } as const; // tfplugin6.Schema.NestedBlock.NestingMode

/**
 * One attribute. An attribute with a default is sent as Optional+Computed: in protocol 6 (no legacy
 * type system) terraform rejects a planned value that differs from the config for a non-computed
 * attribute, and filling in a default is exactly that. The real SDKv2 provider gets away with plain
 * Optional only because terraform relaxes the rule for the legacy SDK.
 */
export function attributeToProto(name: string, a: AttributeSchema): Message {
  const m: Message = { name, type: typeJson(ctyType(a.type)) };
  if (a.description) m.description = a.description;
  if (a.required) m.required = true;
  if (a.optional) m.optional = true;
  if (a.computed || (a.optional && a.default !== undefined)) m.computed = true;
  if (a.sensitive) m.sensitive = true;
  return m;
}

export function blockToProto(block: BlockSchema, description = ""): Message {
  const m: Message = {
    attributes: Object.keys(block.attributes)
      .sort()
      .map((name) => attributeToProto(name, block.attributes[name])),
    block_types: Object.keys(block.blocks ?? {})
      .sort()
      .map((name) => {
        const b = block.blocks![name];
        const nb: Message = { type_name: name, block: blockToProto(b.block, b.description), nesting: NESTING[b.nesting] };
        if (b.minItems) nb.min_items = String(b.minItems);
        if (b.maxItems) nb.max_items = String(b.maxItems);
        return nb;
      }),
  };
  if (description) m.description = description;
  return m;
}

export function schemaToProto(block: BlockSchema, version: number, description = ""): Message {
  return { version: String(version), block: blockToProto(block, description) };
}

export function definitionSchema(def: ResourceDefinition): Message {
  return schemaToProto(def.schema, def.schemaVersion, def.description);
}
