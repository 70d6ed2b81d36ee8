// The tfplugin6.Provider handlers, called the way terraform calls them (msgpack in, msgpack out),
// over a tiny resource type declared here that keeps its objects in a Map.
import { beforeEach, describe, expect, it } from "vitest";
import { errors } from "../../src/contract/errors.js";
import {
  UNKNOWN,
  computed,
  defineResource,
  diag,
  optional,
  optionalComputed,
  required,
  types,
  type ObjectValue,
} from "../../src/resources/define.js";
import { createProviderHandlers } from "../../src/tfplugin/provider.js";
import type { Message } from "../../src/tfplugin/protocol.js";
import { decodeMsgpack, encodeMsgpack } from "../../src/tfplugin/values.js";

let store: Map<string, ObjectValue>;
let nextId: number;

const thing = defineResource({
  type: "test_thing",
  kind: "resource",
  provider: "yandex",
  schemaVersion: 1,
  description: "a test object",
  schema: {
    attributes: {
      id: computed(types.string, { description: "id" }),
      name: required(types.string, { description: "name" }),
      size: optional(types.number, { description: "size", default: 10 }),
      zone: optional(types.string, { description: "zone", forceNew: true }),
      labels: optional(types.map(types.string), { description: "labels" }),
      uid: optionalComputed(types.int64, { description: "uid" }),
    },
  },
  importer: { format: "<id>", parse: (id) => (/^t\d+$/.test(id) ? { id } : "the import ID must look like t<number>") },
  check(config) {
    const labels = config.labels;
    if (labels && typeof labels === "object" && !Array.isArray(labels)) {
      return Object.keys(labels)
        .filter((k) => !/^[a-z]+$/.test(k))
        .map((k) => diag.error("Invalid label key", ["labels", k], `label keys must match [a-z]+, got ${JSON.stringify(k)}`));
    }
    return [];
  },
  async create(_ctx, config) {
    if (config.name === "taken") throw errors.alreadyExists("Thing", "a thing named taken exists");
    const id = `t${nextId++}`;
    const state: ObjectValue = { ...config, id, uid: config.uid ?? "9007199254740993" };
    store.set(id, state);
    return state;
  },
  async read(_ctx, state) {
    return store.get(String(state.id)) ?? null;
  },
  async update(_ctx, prior, config) {
    const state: ObjectValue = { ...prior, ...config, id: prior.id, uid: config.uid ?? prior.uid };
    store.set(String(prior.id), state);
    return state;
  },
  async delete(_ctx, state) {
    store.delete(String(state.id));
  },
  upgradeState(version, raw) {
    // version 0 called the name "title"
    return version === 0 ? { ...raw, name: raw.title ?? null } : raw;
  },
});

const schema = thing.schema;
const handlers = () =>
  createProviderHandlers({
    name: "test",
    config: { attributes: { folder_id: optional(types.string, { description: "folder" }) } },
    definitions: [thing],
    connect: async (config) => ({ cloud: undefined as never, provider: { folder_id: String(config.folder_id ?? "") } }),
  });
const dv = (v: ObjectValue | null) => ({ msgpack: encodeMsgpack(v, schema) });
const value = (m: Message | undefined) => decodeMsgpack(m!.msgpack, schema);
const base = { id: null, name: "a", size: null, zone: null, labels: null, uid: null };

let h: ReturnType<typeof handlers>;
beforeEach(async () => {
  store = new Map();
  nextId = 1;
  h = handlers();
  expect(await h.ConfigureProvider({ config: { msgpack: encodeMsgpack({ folder_id: "f1" }, { attributes: { folder_id: optional(types.string, { description: "" }) } }) } })).toEqual({ diagnostics: [] });
});

describe("ValidateResourceConfig", () => {
  it("GIVEN an invalid map key WHEN validated THEN the diagnostic points at labels[\"Bad\"] with a string key step", async () => {
    const res = await h.ValidateResourceConfig({ type_name: "test_thing", config: dv({ ...base, labels: { Bad: "x" } }) });
    expect(res.diagnostics).toEqual([
      {
        severity: 1,
        summary: "Invalid label key",
        detail: 'label keys must match [a-z]+, got "Bad"',
        attribute: { steps: [{ attribute_name: "labels" }, { element_key_string: "Bad" }] },
      },
    ]);
  });

  it("GIVEN an unknown name (a reference not yet known) WHEN validated THEN there is no diagnostic", async () => {
    const res = await h.ValidateResourceConfig({ type_name: "test_thing", config: dv({ ...base, name: UNKNOWN }) });
    expect(res.diagnostics).toEqual([]);
  });

  it("GIVEN an unknown type name WHEN validated THEN the diagnostic names it", async () => {
    const res = await h.ValidateResourceConfig({ type_name: "test_nope", config: dv(base) });
    expect(res.diagnostics).toEqual([{ severity: 1, summary: "Unsupported resource type", detail: 'The test provider has no resource type "test_nope".' }]);
  });
});

describe("PlanResourceChange", () => {
  it("GIVEN no prior state WHEN planned THEN computed values are unknown and the default is filled in", async () => {
    const res = await h.PlanResourceChange({ type_name: "test_thing", prior_state: dv(null), proposed_new_state: dv(base), config: dv(base) });
    expect(value(res.planned_state)).toEqual({ id: UNKNOWN, name: "a", size: 10, zone: null, labels: null, uid: UNKNOWN });
    expect(res.requires_replace).toEqual([]);
  });

  it("GIVEN a prior state WHEN the name changes THEN it is an in-place update keeping computed values", async () => {
    const prior = { ...base, id: "t1", size: 10, uid: "9007199254740993" };
    const config = { ...base, name: "b" };
    const res = await h.PlanResourceChange({ type_name: "test_thing", prior_state: dv(prior), proposed_new_state: dv(config), config: dv(config) });
    expect(value(res.planned_state)).toEqual({ ...prior, name: "b" });
    expect(res.requires_replace).toEqual([]);
  });

  it("GIVEN a prior state WHEN the force-new zone changes THEN requires_replace names zone", async () => {
    const prior = { ...base, id: "t1", size: 10, uid: "1" };
    const config = { ...base, zone: "z2" };
    const res = await h.PlanResourceChange({ type_name: "test_thing", prior_state: dv(prior), proposed_new_state: dv(config), config: dv(config) });
    expect(res.requires_replace).toEqual([{ steps: [{ attribute_name: "zone" }] }]);
    expect(value(res.planned_state)).toMatchObject({ id: UNKNOWN, zone: "z2" });
  });

  it("GIVEN a null proposed state (destroy, plan_destroy) WHEN planned THEN the planned state is null and private data is kept", async () => {
    const prior = { ...base, id: "t1", size: 10, uid: "1" };
    const res = await h.PlanResourceChange({ type_name: "test_thing", prior_state: dv(prior), proposed_new_state: dv(null), config: dv(null), prior_private: Buffer.from("p") });
    expect(Buffer.from(res.planned_state.msgpack).toString("hex")).toBe("c0");
    expect(res.planned_private).toEqual(Buffer.from("p"));
  });
});

describe("ApplyResourceChange, ReadResource, ImportResourceState", () => {
  it("GIVEN a planned create, update and delete WHEN applied THEN the objects and new states follow", async () => {
    const created = await h.ApplyResourceChange({ type_name: "test_thing", prior_state: dv(null), planned_state: dv({ ...base, id: UNKNOWN, size: 10, uid: UNKNOWN }), config: dv(base) });
    const state = value(created.new_state)!;
    expect(state).toEqual({ id: "t1", name: "a", size: 10, zone: null, labels: null, uid: "9007199254740993" });

    const updated = await h.ApplyResourceChange({ type_name: "test_thing", prior_state: dv(state), planned_state: dv({ ...state, name: "b" }), config: dv({ ...base, name: "b" }) });
    expect(value(updated.new_state)).toEqual({ ...state, name: "b" });
    expect(store.get("t1")?.name).toBe("b");

    const deleted = await h.ApplyResourceChange({ type_name: "test_thing", prior_state: dv({ ...state, name: "b" }), planned_state: dv(null), config: dv(null) });
    expect(Buffer.from(deleted.new_state.msgpack).toString("hex")).toBe("c0");
    expect(store.size).toBe(0);
  });

  it("GIVEN an object deleted behind terraform's back WHEN read THEN the new state is null", async () => {
    const res = await h.ReadResource({ type_name: "test_thing", current_state: dv({ ...base, id: "t9" }), private: Buffer.from("x") });
    expect(Buffer.from(res.new_state.msgpack).toString("hex")).toBe("c0");
    expect(res.private).toEqual(Buffer.from("x"));
  });

  it("GIVEN an API error WHEN applying THEN it is an error diagnostic naming the type and the code, not a gRPC failure", async () => {
    const res = await h.ApplyResourceChange({ type_name: "test_thing", prior_state: dv(null), planned_state: dv({ ...base, name: "taken" }), config: dv({ ...base, name: "taken" }) });
    expect(res.diagnostics).toEqual([
      { severity: 1, summary: "test_thing: ALREADY_EXISTS", detail: "Thing already exists: a thing named taken exists" },
    ]);
  });

  it("GIVEN import IDs WHEN imported THEN a malformed ID, a missing object and an existing one are told apart", async () => {
    store.set("t5", { ...base, id: "t5", name: "x", size: 10, uid: "3" });
    expect((await h.ImportResourceState({ type_name: "test_thing", id: "nope" })).diagnostics).toEqual([
      { severity: 1, summary: "Invalid import ID", detail: 'the import ID must look like t<number> (expected <id>, got "nope").' },
    ]);
    expect((await h.ImportResourceState({ type_name: "test_thing", id: "t6" })).diagnostics).toEqual([
      { severity: 1, summary: "Cannot import non-existent remote object", detail: 'No test_thing with import ID "t6" exists.' },
    ]);
    const ok = await h.ImportResourceState({ type_name: "test_thing", id: "t5" });
    expect(ok.imported_resources).toHaveLength(1);
    expect(ok.imported_resources[0].type_name).toBe("test_thing");
    expect(value(ok.imported_resources[0].state)).toEqual({ ...base, id: "t5", name: "x", size: 10, uid: "3" });
  });

  it("GIVEN StopProvider WHEN another apply arrives THEN it is refused with a diagnostic", async () => {
    expect(await h.StopProvider({})).toEqual({});
    const res = await h.ApplyResourceChange({ type_name: "test_thing", prior_state: dv(null), planned_state: dv(base), config: dv(base) });
    expect(res.diagnostics).toEqual([{ severity: 1, summary: "Provider stopped", detail: "Terraform asked the provider to stop." }]);
    expect(store.size).toBe(0);
  });
});

describe("UpgradeResourceState", () => {
  it("GIVEN a version-0 state JSON with an int64 past 2^53 WHEN upgraded THEN the definition's upgrade runs and no digit is lost", async () => {
    const json = Buffer.from('{"id":"t1","title":"old","size":10,"zone":null,"labels":null,"uid":9223372036854775807}');
    const res = await h.UpgradeResourceState({ type_name: "test_thing", version: "0", raw_state: { json } });
    expect(value(res.upgraded_state)).toEqual({ id: "t1", name: "old", size: 10, zone: null, labels: null, uid: "9223372036854775807" });
  });

  it("GIVEN a current-version state WHEN upgraded THEN it is re-encoded unchanged", async () => {
    const json = Buffer.from('{"id":"t1","name":"n","size":10,"zone":"z","labels":{"a":"b"},"uid":5}');
    const res = await h.UpgradeResourceState({ type_name: "test_thing", version: "1", raw_state: { json } });
    expect(value(res.upgraded_state)).toEqual({ id: "t1", name: "n", size: 10, zone: "z", labels: { a: "b" }, uid: "5" });
  });

  it("GIVEN a state from a newer schema version WHEN upgraded THEN it is an error", async () => {
    const res = await h.UpgradeResourceState({ type_name: "test_thing", version: "7", raw_state: { json: Buffer.from("{}") } });
    expect(res.diagnostics[0].summary).toBe("State written by a newer provider");
  });
});
