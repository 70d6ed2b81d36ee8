// Derived group ids: stable, in the documented range, collisions resolved the same way everywhere.
import { describe, expect, it } from "vitest";
import { assignGids, GROUP_GID_BASE, GROUP_GID_SPAN, hashedGid } from "../../../src/cloud/metadata/posix-groups.js";

/** Two group ids whose hashes land on the same gid (found by a birthday search). */
function collidingIds(): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; ; i++) {
    const id = `ajg${i.toString(36).padStart(17, "0")}`;
    const gid = hashedGid(id);
    const other = seen.get(gid);
    if (other) return [other, id];
    seen.set(gid, id);
  }
}

describe("assignGids", () => {
  it("GIVEN groups THEN each gets base + sha256 prefix mod span, output sorted by gid", () => {
    const groups = assignGids([
      { id: "ajgdevs0000000000001", name: "devs", members: ["a"] },
      { id: "ajgops00000000000002", name: "ops", members: [] },
    ]);
    for (const g of groups) {
      expect(g.gid).toBe(BigInt(hashedGid(g.id)));
      expect(g.gid >= BigInt(GROUP_GID_BASE) && g.gid < BigInt(GROUP_GID_BASE + GROUP_GID_SPAN)).toBe(true);
    }
    expect(groups.map((g) => g.gid)).toEqual([...groups.map((g) => g.gid)].sort((a, b) => (a < b ? -1 : 1)));
  });

  it("GIVEN two groups whose hashes collide THEN the smaller id keeps the gid and the other takes the next, in any input order", () => {
    const [a, b] = collidingIds();
    const [low, high] = a < b ? [a, b] : [b, a];
    const expected = [
      { id: low, name: "first", members: [], gid: BigInt(hashedGid(low)) },
      { id: high, name: "second", members: [], gid: BigInt(hashedGid(low) + 1) },
    ];
    expect(assignGids([{ id: high, name: "second", members: [] }, { id: low, name: "first", members: [] }])).toEqual(expected);
    expect(assignGids([{ id: low, name: "first", members: [] }, { id: high, name: "second", members: [] }])).toEqual(expected);
  });

  it("GIVEN a group whose name is not a POSIX group name THEN it is not published", () => {
    expect(assignGids([{ id: "ajg1", name: "QA team", members: [] }, { id: "ajg2", name: "-dash", members: [] }])).toEqual([]);
  });
});
