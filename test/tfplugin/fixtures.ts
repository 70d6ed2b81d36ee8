// A tiny schema used by the encoding tests: one of each shape terraform cares about.
import { computed, optional, required, types, type BlockSchema } from "../../src/resources/define.js";

export const tinyBlock: BlockSchema = {
  attributes: {
    id: computed(types.string, { description: "id" }),
    n: optional(types.int64, { description: "an int64" }),
    tags: optional(types.set(types.string), { description: "a set" }),
  },
  blocks: {
    b: { nesting: "list", maxItems: 1, description: "a block", block: { attributes: { x: optional(types.bool, { description: "x" }) } } },
  },
};

export const labelledBlock: BlockSchema = {
  attributes: {
    name: required(types.string, { description: "name" }),
    labels: optional(types.map(types.string), { description: "labels" }),
    size: optional(types.number, { description: "size", default: 10 }),
    secret: optional(types.string, { description: "secret", sensitive: true }),
  },
  blocks: {
    disk: {
      nesting: "set",
      minItems: 1,
      description: "disks",
      block: { attributes: { ids: optional(types.list(types.string), { description: "ids" }) } },
    },
  },
};

export const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex").replace(/(..)/g, "$1 ").trim();
export const fromHex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ""), "hex");
