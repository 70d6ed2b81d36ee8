// null_resource of hashicorp/null: owns nothing; a change of `triggers` replaces it, which is how
// configs run things "when X changes" (the quickstart marks the inventory stale with it).
import { randomInt } from "node:crypto";
import { computed, defineResource, optional, types } from "./define.js";

export const nullResource = defineResource({
  type: "null_resource",
  kind: "resource",
  provider: "null",
  schemaVersion: 0,
  description: "A resource that does nothing; replaced whenever a value in triggers changes.",
  schema: {
    attributes: {
      id: computed(types.string, { description: "A random decimal id, as hashicorp/null sets it." }),
      triggers: optional(types.map(types.string), { description: "Arbitrary values; any change replaces the resource.", forceNew: true }),
    },
  },
  async create(_ctx, config) {
    // hashicorp/null uses a random integer id; a safe integer keeps it readable everywhere.
    return { id: String(randomInt(1, 2 ** 47)), triggers: config.triggers ?? null };
  },
  async read(_ctx, state) {
    return { id: state.id ?? null, triggers: state.triggers ?? null };
  },
  async delete() {},
});
