// refreshByListing: the bulk read five resource types share (one List per scope, ids matched back).
import { describe, expect, it } from "vitest";
import type { ObjectValue, ResourceContext } from "../../src/resources/define.js";
import { refreshByListing } from "../../src/resources/support.js";

interface Item {
  id: string;
  name: string;
}

const LISTINGS: Record<string, Item[] | null> = {
  f1: [
    { id: "a", name: "alpha" },
    { id: "b", name: "beta" },
  ],
  f2: [{ id: "c", name: "gamma" }],
  gone: null,
};

/** No cloud is called here: the listings are the functions below. Without `limit`, scopes are listed one at a time. */
const SEQUENTIAL = { provider: {} } as ResourceContext;

describe("refreshByListing", () => {
  it("GIVEN states in two scopes, one object missing and one scope gone WHEN refreshed THEN each scope is listed once and each state maps to its object or null, in order", async () => {
    const listed: string[] = [];
    const states: ObjectValue[] = [
      { id: "b", folder_id: "f1" },
      { id: "c", folder_id: "f2" },
      { id: "x", folder_id: "f1" },
      { id: "a", folder_id: "f1" },
      { id: "d", folder_id: "gone" },
    ];
    const out = await refreshByListing(
      SEQUENTIAL,
      states,
      (s) => String(s.folder_id),
      async (scope) => {
        listed.push(scope);
        return LISTINGS[scope]!;
      },
      (s) => String(s.id),
      (item, s) => ({ ...s, name: item.name }),
    );
    expect(listed).toEqual(["f1", "f2", "gone"]);
    expect(out).toEqual([
      { id: "b", folder_id: "f1", name: "beta" },
      { id: "c", folder_id: "f2", name: "gamma" },
      null,
      { id: "a", folder_id: "f1", name: "alpha" },
      null,
    ]);
  });

  it("GIVEN no states WHEN refreshed THEN nothing is listed", async () => {
    const listed: string[] = [];
    const out = await refreshByListing(
      SEQUENTIAL,
      [],
      (s) => String(s.folder_id),
      async (scope) => {
        listed.push(scope);
        return [];
      },
      (s) => String(s.id),
      (_item: Item, s) => s,
    );
    expect([out, listed]).toEqual([[], []]);
  });

  it("GIVEN the engine's limit WHEN refreshed THEN every scope's List goes through it, they overlap, and results keep the states' order though the lists finish in reverse", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const limited: string[] = [];
    const delays: Record<string, number> = { f1: 30, f2: 15, gone: 1 };
    const finished: string[] = [];
    const out = await refreshByListing(
      {
        provider: {},
        limit: <T>(call: () => Promise<T>) => {
          limited.push("call");
          return call();
        },
      } as ResourceContext,
      [
        { id: "a", folder_id: "f1" },
        { id: "c", folder_id: "f2" },
        { id: "d", folder_id: "gone" },
      ],
      (s) => String(s.folder_id),
      async (scope) => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, delays[scope]));
        inFlight--;
        finished.push(scope);
        return LISTINGS[scope]!;
      },
      (s) => String(s.id),
      (item, s) => ({ ...s, name: item.name }),
    );
    expect(limited).toEqual(["call", "call", "call"]);
    expect(maxInFlight).toBe(3);
    expect(finished).toEqual(["gone", "f2", "f1"]);
    expect(out).toEqual([{ id: "a", folder_id: "f1", name: "alpha" }, { id: "c", folder_id: "f2", name: "gamma" }, null]);
  });
});
