// The refresh's scheduling under its cap: a listing that may take several pages in a row (an
// organization's profiles, a folder's accounts) goes ahead of the one-call reads waiting, so its
// pages do not start last and end last (at 10k resources they were the idle tail of the refresh).
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Limiter } from "../../src/engine/concurrency.js";
import { readStackDocument } from "../../src/engine/config/load.js";
import { refreshByListing } from "../../src/resources/support.js";
import type { ResourceContext } from "../../src/resources/define.js";
import { tempDir } from "./fixtures.js";

/** A limiter of one whose slot is held until `release`; calls record the order they start in. */
function heldLimiter() {
  const limiter = new Limiter(1);
  let release!: () => void;
  const held = limiter.run(() => new Promise<void>((r) => (release = r)));
  return { limiter, release: () => (release(), held) };
}

describe("Limiter", () => {
  it("GIVEN the cap is full WHEN calls queue, one of them first THEN that one starts next, the rest in order", async () => {
    const { limiter, release } = heldLimiter();
    const started: string[] = [];
    const call = (name: string, first?: boolean) => limiter.run(async () => void started.push(name), first);
    const done = Promise.all([call("b"), call("c"), call("d", true), call("e")]);
    await release();
    await done;
    expect(started).toEqual(["d", "b", "c", "e"]);
  });
});

describe("refreshByListing", () => {
  it("GIVEN one-object scopes queued before a scope holding three states WHEN the cap is full THEN the three-state scope is listed first", async () => {
    const { limiter, release } = heldLimiter();
    const listed: string[] = [];
    const ctx = { cloud: {}, provider: {}, limit: (c: () => Promise<unknown>, first?: boolean) => limiter.run(c, first) } as unknown as ResourceContext;
    const states = [
      { id: "1", scope: "vm-a" },
      { id: "2", scope: "org" },
      { id: "3", scope: "org" },
      { id: "4", scope: "vm-b" },
      { id: "5", scope: "org" },
    ];
    const refreshed = refreshByListing(
      ctx,
      states,
      (s) => String(s.scope),
      async (scope) => (listed.push(scope), states.filter((s) => s.scope === scope)),
      (s) => String(s.id),
      (item) => ({ ...item, seen: true }),
    );
    await release();
    const values = await refreshed;
    expect(listed).toEqual(["org", "vm-a", "vm-b"]);
    expect(values.map((v) => v?.id)).toEqual(["1", "2", "3", "4", "5"]);
  });
});

describe("readStackDocument", () => {
  it("GIVEN a stack file rewritten with text of the same length WHEN read again THEN the new text is parsed, not the last parse reused", () => {
    const file = path.join(tempDir(), "cdk.tf.json");
    writeFileSync(file, '{"a":1}');
    const first = readStackDocument(file);
    expect(readStackDocument(file)).toBe(first);
    writeFileSync(file, '{"a":2}');
    expect(readStackDocument(file).doc).toEqual({ a: 2 });
    writeFileSync(file, '{"a":');
    expect(readStackDocument(file).error?.message).toMatch(/JSON/);
  });
});
