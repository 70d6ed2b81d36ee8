import { describe, expect, it } from "vitest";
import { computed, optional, types } from "../../src/resources/define.js";
import { ctyType, impliedType, typeJson } from "../../src/tfplugin/cty.js";
import { messageCodec } from "../../src/tfplugin/protocol.js";
import { attributeToProto, blockToProto, schemaToProto } from "../../src/tfplugin/schema.js";
import { hex, labelledBlock, tinyBlock } from "./fixtures.js";

const json = (b: Buffer) => b.toString("utf8");

describe("type JSON (Schema.Attribute.type)", () => {
  it("GIVEN primitive and collection types WHEN converted THEN the bytes are terraform's compact type JSON", () => {
    expect(hex(typeJson(ctyType(types.string)))).toBe("22 73 74 72 69 6e 67 22"); // "string", quotes included
    expect(json(typeJson(ctyType(types.int64)))).toBe('"number"');
    expect(json(typeJson(ctyType(types.set(types.string))))).toBe('["set","string"]');
    expect(json(typeJson(ctyType(types.map(types.list(types.bool)))))).toBe('["map",["list","bool"]]');
  });

  it("GIVEN a block with nested list and set blocks WHEN its implied type is built THEN blocks are list/set of objects with sorted attributes", () => {
    expect(JSON.stringify(impliedType(tinyBlock))).toBe(
      '["object",{"b":["list",["object",{"x":"bool"}]],"id":"string","n":"number","tags":["set","string"]}]',
    );
    expect(JSON.stringify(impliedType(labelledBlock))).toBe(
      '["object",{"disk":["set",["object",{"ids":["list","string"]}]],"labels":["map","string"],"name":"string","secret":"string","size":"number"}]',
    );
  });
});

describe("Schema messages", () => {
  it("GIVEN attributes with flags WHEN converted THEN required/optional/computed/sensitive are set and a default makes it Optional+Computed", () => {
    expect(blockToProto(labelledBlock).attributes.map((a: Record<string, unknown>) => ({ ...a, type: json(a.type as Buffer) }))).toEqual([
      { name: "labels", type: '["map","string"]', description: "labels", optional: true },
      { name: "name", type: '"string"', description: "name", required: true },
      { name: "secret", type: '"string"', description: "secret", optional: true, sensitive: true },
      { name: "size", type: '"number"', description: "size", optional: true, computed: true },
    ]);
  });

  it("GIVEN nested blocks WHEN converted THEN nesting is LIST=2 / SET=3 with min and max items", () => {
    expect(blockToProto(tinyBlock).block_types).toEqual([
      {
        type_name: "b",
        block: { attributes: [{ name: "x", type: typeJson("bool"), description: "x", optional: true }], block_types: [], description: "a block" },
        nesting: 2,
        max_items: "1",
      },
    ]);
    expect(blockToProto(labelledBlock).block_types[0]).toMatchObject({ type_name: "disk", nesting: 3, min_items: "1" });
  });

  it("GIVEN a schema with a computed attribute and a SET block WHEN encoded as tfplugin6.Schema THEN the protobuf bytes are exact", () => {
    const schema = schemaToProto(
      { attributes: { id: computed(types.string, { description: "" }) }, blocks: { b: { nesting: "set", maxItems: 2, description: "", block: { attributes: {} } } } },
      1,
    );
    // 08 01 version=1 | 12 1d block: 12 10 attribute {0a 02 "id", 12 08 "\"string\"", 30 01 computed}
    //                                 1a 09 block_types {0a 01 "b", 12 00 block{}, 18 03 SET, 28 02 max_items=2}
    expect(hex(messageCodec("tfplugin6.Schema").encode(schema))).toBe(
      "08 01 12 1d 12 10 0a 02 69 64 12 08 22 73 74 72 69 6e 67 22 30 01 1a 09 0a 01 62 12 00 18 03 28 02",
    );
  });

  it("GIVEN an optional sensitive map with a default WHEN encoded as Schema.Attribute THEN optional, computed and sensitive are on the wire", () => {
    const attr = attributeToProto("n", { ...optional(types.map(types.int64), { description: "d", sensitive: true }), default: {} });
    // 0a 01 "n" | 12 10 ["map","number"] | 1a 01 "d" | 28 01 optional | 30 01 computed | 38 01 sensitive
    expect(hex(messageCodec("tfplugin6.Schema.Attribute").encode(attr))).toBe(
      "0a 01 6e 12 10 5b 22 6d 61 70 22 2c 22 6e 75 6d 62 65 72 22 5d 1a 01 64 28 01 30 01 38 01",
    );
  });
});
