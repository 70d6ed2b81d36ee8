import { describe, expect, it } from "vitest";
import { Completion, WalkNode, Walker } from "../../../src/engine/apply/walker.js";

describe("GIVEN the walker", () => {
  it("WHEN 50 independent nodes run with parallelism 3 THEN never more than 3 run at once and all run", async () => {
    let running = 0;
    let peak = 0;
    const ran: string[] = [];
    const nodes = Array.from({ length: 50 }, (_, i) =>
      new WalkNode(`n${i}`, async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setImmediate(r));
        running--;
        ran.push(`n${i}`);
        return true;
      }, () => {}),
    );
    const { stuck } = await new Walker(nodes, 3).walk();
    expect(stuck).toEqual([]);
    expect(peak).toBe(3);
    expect(ran.length).toBe(50);
  });

  it("WHEN a node fails THEN what waits on its set is skipped naming it, and an independent branch still runs", async () => {
    const set = new Completion("a-set");
    const log: string[] = [];
    const a = new WalkNode("a", async () => (log.push("a"), false), () => {}, [set]);
    const b = new WalkNode("b", async () => (log.push("b"), true), (because) => log.push(`b skipped: ${because}`));
    const c = new WalkNode("c", async () => (log.push("c"), true), (because) => log.push(`c skipped: ${because}`));
    const d = new WalkNode("d", async () => (log.push("d"), true), () => {});
    set.wait(b);
    b.self.wait(c);
    const { stuck } = await new Walker([a, b, c, d], 2).walk();
    expect(stuck).toEqual([]);
    expect(log.sort()).toEqual(["a", "b skipped: a", "c skipped: a", "d"]);
  });
});
