import { describe, expect, it } from "vitest";
import { Completion, INTERRUPTED, WalkNode, Walker } from "../../../src/engine/apply/walker.js";

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

  it("WHEN stopped while two of ten nodes run THEN those two finish, the queued and the waiting ones are skipped as interrupted, and the walk ends", async () => {
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const set = new Completion("first-two");
    const nodes = Array.from({ length: 10 }, (_, i) =>
      new WalkNode(
        `n${i}`,
        async () => {
          log.push(`start n${i}`);
          await gate;
          log.push(`end n${i}`);
          return true;
        },
        (because) => log.push(`n${i} skipped: ${because}`),
        i < 2 ? [set] : [],
      ),
    );
    // n9 waits on the first two: it would run after them, but the walk is stopped first.
    set.wait(nodes[9]);
    const walker = new Walker(nodes, 2);
    const walked = walker.walk();
    await new Promise((r) => setImmediate(r));
    walker.stop();
    release();
    const { stuck } = await walked;
    expect(stuck).toEqual([]);
    expect(log.filter((l) => l.startsWith("start"))).toEqual(["start n0", "start n1"]);
    expect(log.filter((l) => l.startsWith("end")).sort()).toEqual(["end n0", "end n1"]);
    expect(log.filter((l) => l.includes("skipped")).sort()).toEqual(
      ["n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9"].map((n) => `${n} skipped: ${INTERRUPTED}`),
    );
  });
});
