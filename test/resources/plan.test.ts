import { describe, expect, it } from "vitest";
import { UNKNOWN, computed, defineResource, optional, optionalComputed, required, types, type ResourceDefinition } from "../../src/resources/define.js";
import {
  applyDefaults,
  diffPaths,
  formatPath,
  planUpdateValue,
  normalizeConfig,
  planResourceChange,
  sensitivePaths,
  validateConfig,
  valuesEqual,
} from "../../src/resources/plan.js";
import { getDefinition } from "../../src/resources/registry.js";

// A small type with one of each mode, so expectations stay readable.
const widget: ResourceDefinition = defineResource({
  type: "test_widget",
  kind: "resource",
  provider: "yandex",
  schemaVersion: 0,
  description: "test",
  schema: {
    attributes: {
      id: computed(types.string, { description: "" }),
      zone: required(types.string, { description: "", forceNew: true }),
      name: optional(types.string, { description: "" }),
      size: optional(types.number, { description: "", default: 10 }),
      uid: optionalComputed(types.int64, { description: "" }),
      secret: computed(types.string, { description: "", sensitive: true }),
      tags: optional(types.map(types.string), { description: "" }),
    },
    blocks: {
      disk: {
        nesting: "list",
        maxItems: 1,
        forceNew: true,
        description: "",
        block: { attributes: { image: required(types.string, { description: "" }), serial: computed(types.string, { description: "" }) } },
      },
      nic: {
        nesting: "list",
        description: "",
        block: { attributes: { nat: optional(types.bool, { description: "", default: false }), ip: optionalComputed(types.string, { description: "" }) } },
      },
    },
  },
  create: async () => ({}),
  read: async () => null,
  update: async () => ({}),
  delete: async () => {},
});

const prior = {
  id: "w1",
  zone: "a",
  name: "n",
  size: 10,
  uid: "1002",
  secret: "s3cr3t",
  tags: null,
  disk: [{ image: "img", serial: "SN1" }],
  nic: [{ nat: false, ip: "10.0.0.5" }],
};

describe("normalizeConfig", () => {
  it("GIVEN a sparse config with a block as an object WHEN normalized THEN every attribute is present and blocks are arrays", () => {
    const r = normalizeConfig(widget.schema, { zone: "a", size: "12", uid: 1002, tags: { on: true }, disk: { image: "img" } });
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toEqual({
      id: null,
      zone: "a",
      name: null,
      size: 12,
      uid: "1002",
      secret: null,
      tags: { on: "true" },
      disk: [{ image: "img", serial: null }],
      nic: [],
    });
  });

  it("GIVEN wrong types, unknown and computed arguments WHEN normalized THEN each error names its path", () => {
    const r = normalizeConfig(widget.schema, { size: "big", secret: "x", colour: "red", disk: [{ image: "a" }, { image: "b" }], nic: [{ nat: "yes" }] });
    expect(r.diagnostics.map((d) => [d.summary, formatPath(d.path ?? []), d.detail])).toEqual([
      ["Unsupported argument", "colour", 'An argument named "colour" is not expected here.'],
      ["Missing required argument", "zone", 'The argument "zone" is required, but no definition was found.'],
      ["Incorrect attribute value type", "size", 'Inappropriate value for attribute "size": number required.'],
      [
        "Invalid or unknown argument",
        "secret",
        'Can\'t configure a value for "secret": its value will be decided automatically based on the result of applying this configuration.',
      ],
      ["Too many disk blocks", "disk", 'No more than 1 "disk" blocks are allowed.'],
      ["Incorrect attribute value type", "nic[0].nat", 'Inappropriate value for attribute "nat": bool required.'],
    ]);
  });

  it("GIVEN errors in a later block element and a map element WHEN normalized under a path THEN each names its full path, and the given path is left as it was", () => {
    const at = ["outer", 2];
    const r = normalizeConfig(widget.schema, { zone: "a", tags: { a: "x", b: null }, nic: [{ nat: true }, { nat: "maybe" }] }, at);
    expect(r.diagnostics.map((d) => formatPath(d.path ?? []))).toEqual(["outer[2].tags.b", "outer[2].nic[1].nat"]);
    expect(at).toEqual(["outer", 2]);
  });

  it("GIVEN meta-arguments and UNKNOWN values WHEN normalized THEN meta-arguments are ignored and UNKNOWN kept", () => {
    const r = normalizeConfig(widget.schema, { zone: UNKNOWN, depends_on: ["x"], lifecycle: {}, "//": {} });
    expect(r.diagnostics).toEqual([]);
    expect(r.value.zone).toBe(UNKNOWN);
  });

  it("GIVEN an int64 beyond 2^53 as a string WHEN normalized THEN its decimal text is kept exactly", () => {
    expect(normalizeConfig(widget.schema, { zone: "a", uid: "9223372036854775807" }).value.uid).toBe("9223372036854775807");
    expect(normalizeConfig(widget.schema, { zone: "a", uid: 1.5 }).diagnostics[0].detail).toBe('Inappropriate value for attribute "uid": number required.');
  });
});

describe("planResourceChange", () => {
  const config = (over: Record<string, unknown>) => validateConfig(widget, { zone: "a", name: "n", disk: { image: "img" }, nic: [{}], ...over }).config;

  it("GIVEN no prior state WHEN planned THEN create with defaults and computed values UNKNOWN", () => {
    const p = planResourceChange(widget, null, config({}));
    expect(p.action).toBe("create");
    expect(p.planned).toEqual({
      id: UNKNOWN,
      zone: "a",
      name: "n",
      size: 10,
      uid: UNKNOWN,
      secret: UNKNOWN,
      tags: null,
      disk: [{ image: "img", serial: UNKNOWN }],
      nic: [{ nat: false, ip: UNKNOWN }],
    });
  });

  it("GIVEN an unchanged config WHEN planned THEN no-op, prior computed and optional+computed values kept", () => {
    const p = planResourceChange(widget, prior, config({}));
    expect(p).toEqual({ action: "noop", planned: prior, requiresReplace: [], changed: [] });
  });

  it("GIVEN an updatable change WHEN planned THEN update with exactly that path and computed values kept", () => {
    const p = planResourceChange(widget, prior, config({ name: "m", nic: [{ nat: true }] }));
    expect(p.action).toBe("update");
    expect(p.changed).toEqual([["name"], ["nic", 0, "nat"]]);
    expect(p.planned).toEqual({ ...prior, name: "m", nic: [{ nat: true, ip: "10.0.0.5" }] });
  });

  it("GIVEN a changed forceNew attribute and a forceNew block WHEN planned THEN replace naming both paths", () => {
    const p = planResourceChange(widget, prior, config({ zone: "b", disk: { image: "img2" } }));
    expect(p.action).toBe("replace");
    expect(p.requiresReplace).toEqual([["zone"], ["disk"]]);
    expect(p.planned?.id).toBe(UNKNOWN);
    expect(p.planned?.disk).toEqual([{ image: "img2", serial: UNKNOWN }]);
  });

  it("GIVEN an optional+computed value set in config WHEN it differs THEN update; WHEN config drops it THEN prior kept", () => {
    expect(planResourceChange(widget, prior, config({ uid: "2000" })).changed).toEqual([["uid"]]);
    expect(planResourceChange(widget, prior, config({ uid: null })).action).toBe("noop");
  });

  it("GIVEN a config that is gone WHEN planned THEN delete; nothing on either side is a no-op", () => {
    expect(planResourceChange(widget, prior, null).action).toBe("delete");
    expect(planResourceChange(widget, null, null).action).toBe("noop");
  });

  it("GIVEN a type without update WHEN any attribute changes THEN replace on that path", () => {
    const nullRes = getDefinition("null_resource");
    const before = { id: "7", triggers: { a: "1" } };
    const p = planResourceChange(nullRes, before, validateConfig(nullRes, { triggers: { a: "2" } }).config);
    expect(p.action).toBe("replace");
    expect(p.requiresReplace).toEqual([["triggers"]]);
    expect(p.planned).toEqual({ id: UNKNOWN, triggers: { a: "2" } });
  });
});

describe("helpers", () => {
  it("GIVEN two values WHEN compared THEN UNKNOWN equals nothing and maps compare deeply", () => {
    expect(valuesEqual({ a: ["x"] }, { a: ["x"] })).toBe(true);
    expect(valuesEqual(UNKNOWN, UNKNOWN)).toBe(false);
    expect(valuesEqual({ a: "1" }, { a: "1", b: "2" })).toBe(false);
  });

  it("GIVEN added block elements WHEN diffed THEN the element index is reported", () => {
    expect(diffPaths(widget.schema, prior, { ...prior, nic: [...prior.nic, { nat: true, ip: null }] })).toEqual([["nic", 1]]);
    const under = ["x"];
    expect(diffPaths(widget.schema, prior, { ...prior, disk: [{ image: "img", serial: "SN2" }], nic: [{ nat: false, ip: "10.0.0.6" }] }, under)).toEqual([
      ["x", "disk", 0, "serial"],
      ["x", "nic", 0, "ip"],
    ]);
    expect(under).toEqual(["x"]);
  });

  it("GIVEN a schema WHEN asking for sensitive paths and defaults THEN they are exact", () => {
    expect(sensitivePaths(getDefinition("yandex_iam_service_account_key").schema)).toEqual([["private_key"]]);
    expect(applyDefaults(widget.schema, { size: null, nic: [{ nat: null }] })).toEqual({ size: 10, nic: [{ nat: false }] });
  });

  it("GIVEN a config WHEN defaults are applied THEN the input is never mutated, and a config with nothing to fill is returned as is", () => {
    const partial = { size: null, nic: [{ nat: true }, { nat: null }] };
    const filled = applyDefaults(widget.schema, partial);
    expect(filled).toEqual({ size: 10, nic: [{ nat: true }, { nat: false }] });
    expect(partial).toEqual({ size: null, nic: [{ nat: true }, { nat: null }] });
    expect(filled.nic).not.toBe(partial.nic);
    expect(applyDefaults(widget.schema, filled)).toBe(filled);
  });

  it.each([
    ["nothing changed", {}, []],
    ["an attribute changed and a computed one kept", { name: "m" }, [["name"]]],
    ["a nic element added", { nic: [{ nat: true, ip: null }, { nat: false, ip: null }] }, [["nic", 0, "nat"], ["nic", 1]]],
    ["the nic elements removed", { nic: [] }, [["nic", 0]]],
    ["the nic block left out", { nic: undefined }, [["nic", 0]]],
    ["the disk unknown", { disk: UNKNOWN }, [["disk"]]],
    ["a map and a nic address changed", { tags: { a: "b" }, nic: [{ nat: false, ip: "10.0.0.9" }] }, [["tags"], ["nic", 0, "ip"]]],
    ["the nic block unknown", { nic: UNKNOWN }, [["nic"]]],
    ["an optional+computed value unknown in config", { uid: UNKNOWN }, [["uid"]]],
  ])("GIVEN %s WHEN planned THEN the changed paths are exactly diffPaths(prior, planned)", (_what, edit, paths) => {
    const config = applyDefaults(widget.schema, { ...prior, id: null, secret: null, ...edit } as never);
    const expected = diffPaths(widget.schema, prior as never, planUpdateValue(widget.schema, prior as never, config));
    const change = planResourceChange(widget, prior as never, config);
    expect(expected).toEqual(paths);
    expect(change.action === "noop" ? [] : change.changed).toEqual(paths);
  });
});
