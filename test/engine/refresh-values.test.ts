// What refresh hands the planner for each object: the cloud's value, with drift when it differs
// from the state, and null (drift "deleted") when the object is gone.
import { describe, expect, it } from "vitest";
import type { CloudClient } from "../../src/contract/cloud-client.js";
import { DEFAULT_RETRY, Limiter } from "../../src/engine/concurrency.js";
import { refresh } from "../../src/engine/plan/refresh.js";
import { emptyState, type InstanceState } from "../../src/engine/state/state.js";
import { computed, defineResource, required, types, type ObjectValue } from "../../src/resources/define.js";

/** A type whose cloud is a map from id to name, listed in one call. */
function namedThings(cloud: Map<string, string>) {
  return defineResource({
    type: "test_thing",
    kind: "resource",
    provider: "yandex",
    schemaVersion: 0,
    description: "a named thing",
    schema: { attributes: { id: computed(types.string, { description: "id" }), name: required(types.string, { description: "name" }) } },
    create: async () => ({}),
    read: async () => null,
    readMany: async (_ctx, states) => states.map((s) => (cloud.has(String(s.id)) ? { id: s.id, name: cloud.get(String(s.id))! } : null)),
    delete: async () => {},
  });
}

function instance(name: string, attributes: ObjectValue): InstanceState {
  return {
    mode: "managed",
    type: "test_thing",
    name,
    provider: 'provider["registry.terraform.io/yandex-cloud/yandex"]',
    schemaVersion: 0,
    attributes,
    sensitiveAttributes: [],
    dependencies: [],
  };
}

describe("GIVEN three things in state: one unchanged in the cloud, one renamed, one deleted", () => {
  it("WHEN refreshed THEN each takes the cloud's value, the renamed one with drift on name, the deleted one null with drift", async () => {
    const state = emptyState();
    const same = instance("same", { id: "t1", name: "one" });
    const renamed = instance("renamed", { id: "t2", name: "two" });
    const gone = instance("gone", { id: "t3", name: "three" });
    state.instances.set("test_thing.same", same);
    state.instances.set("test_thing.renamed", renamed);
    state.instances.set("test_thing.gone", gone);
    const def = namedThings(new Map([["t1", "one"], ["t2", "TWO"]]));

    const r = await refresh({
      cloud: {} as CloudClient,
      state,
      definitions: (type, kind) => (type === "test_thing" && kind === "resource" ? def : undefined),
      providers: new Map(),
      limiter: new Limiter(4),
      retry: DEFAULT_RETRY,
    });

    expect(r.diagnostics).toEqual([]);
    expect(r.values.get("test_thing.same")).toEqual({ id: "t1", name: "one" });
    expect(r.values.get("test_thing.renamed")).toEqual({ id: "t2", name: "TWO" });
    expect(r.values.get("test_thing.gone")).toBeNull();
    expect(r.drift).toEqual([
      { address: "test_thing.gone", type: "test_thing", kind: "deleted", paths: [], before: { id: "t3", name: "three" }, after: null },
      { address: "test_thing.renamed", type: "test_thing", kind: "changed", paths: [["name"]], before: { id: "t2", name: "two" }, after: { id: "t2", name: "TWO" } },
    ]);
  });
});
