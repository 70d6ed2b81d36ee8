import { afterEach, describe, expect, it, vi } from "vitest";
import { ID_PREFIX, newId } from "../../../src/cloud/model/ids.js";

afterEach(() => vi.useRealTimers());

describe("newId", () => {
  it("GIVEN 2,000 ids made in one burst WHEN compared THEN each is Yandex-shaped, unique, and sorts after the one before", () => {
    const ids = Array.from({ length: 2000 }, () => newId(ID_PREFIX.profile));
    for (const id of ids) expect(id).toMatch(/^olp[0-9a-v]{17}$/);
    expect(new Set(ids).size).toBe(2000);
    expect([...ids].sort()).toEqual(ids);
  });

  it("GIVEN a pinned clock WHEN more ids than fit in one millisecond are made THEN the order still holds (the next millisecond is borrowed)", () => {
    vi.useFakeTimers({ now: new Date("2030-01-01T00:00:00Z"), toFake: ["Date"] });
    const ids = Array.from({ length: 1500 }, () => newId(ID_PREFIX.operation));
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0].slice(3, 13) < ids[1499].slice(3, 13)).toBe(true);
  });

  it("GIVEN ids a millisecond apart WHEN their time parts are compared THEN the later one is greater, in the first 10 characters after the prefix", () => {
    vi.useFakeTimers({ now: new Date("2031-06-01T00:00:00.000Z"), toFake: ["Date"] });
    const before = newId(ID_PREFIX.key);
    vi.setSystemTime(new Date("2031-06-01T00:00:00.001Z"));
    const after = newId(ID_PREFIX.key);
    expect(after.slice(3, 13) > before.slice(3, 13)).toBe(true);
    expect(before.slice(0, 3)).toBe("ajk");
  });
});
